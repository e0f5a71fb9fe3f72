/* rng — counter-based random streams (Philox4x32-10, Salmon et al., SC'11). A stream is
 * keyed by (seed, replication, stream id); draws depend only on the key and the draw count,
 * never on threads or on the order other streams are used. Plus the delay distributions of
 * the scenario format. Pure and allocation-free. */
#ifndef CC_RNG_H
#define CC_RNG_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cc_rng {
    uint32_t key[2];
    uint32_t ctr[4];
    uint32_t buf[4];
    unsigned used; /* words of buf consumed (4 = empty) */
} cc_rng;

/* Initialises a stream; different (seed, rep, stream) triples give independent streams. */
void cc_rng_init(cc_rng *r, uint64_t seed, uint64_t rep, uint32_t stream);
/* The stream `stream` of the same seed and replication as base (cc_rng_init without rehashing the
 * seed). Inline: a simulation sets one per seat for every replication. */
static inline void cc_rng_stream(cc_rng *r, const cc_rng *base, uint32_t stream)
{
    r->key[0] = base->key[0];
    r->key[1] = base->key[1];
    r->ctr[0] = 0;
    r->ctr[1] = stream;
    r->ctr[2] = base->ctr[2];
    r->ctr[3] = base->ctr[3];
    r->used = 4;
}
/* The next block of the stream into buf (what cc_rng_u32 calls when buf is used up). */
void cc_rng_refill(cc_rng *r);
/* Refills, at once, every stream r[idx[k]] (k < n, indices distinct) whose buffer is used up: the
 * blocks cc_rng_refill would compute one at a time (so the same draws follow), faster when the
 * streams share a key, as the streams of one (seed, replication) do. For a run's first draws. */
void cc_rng_refill_set(cc_rng *r, const uint32_t *idx, size_t n);
static inline uint32_t cc_rng_u32(cc_rng *r)
{
    if (r->used == 4)
        cc_rng_refill(r);
    return r->buf[r->used++];
}
/* Two 32-bit draws, the first in the high half. Inline: every normal deviate takes one. */
static inline uint64_t cc_rng_u64(cc_rng *r)
{
    if (r->used <= 2) {
        uint64_t v = (uint64_t)r->buf[r->used] << 32 | r->buf[r->used + 1];
        r->used += 2;
        return v;
    }
    uint64_t hi = cc_rng_u32(r);
    return (hi << 32) | cc_rng_u32(r);
}
/* Uniform in (0, 1): never 0, never 1 (53-bit resolution). */
double cc_rng_uniform(cc_rng *r);
/* Uniform integer in [0, n) without modulo bias; n > 0. */
uint32_t cc_rng_below(cc_rng *r, uint32_t n);
/* true with probability p (p <= 0 never, p >= 1 always, no draw consumed for those); one 32-bit
 * draw otherwise: true with probability floor(p 2^32) / 2^32, within 2.4e-10 of p. Inline: the
 * simulator draws one per agent action. */
static inline int cc_rng_bernoulli(cc_rng *r, double p)
{
    if (p <= 0)
        return 0;
    if (p >= 1)
        return 1;
    return cc_rng_u32(r) < (uint32_t)(p * 4294967296.0);
}

double cc_rng_exponential(cc_rng *r, double mean);
double cc_rng_normal(cc_rng *r); /* standard normal */
/* exp(mu + sigma N(0, 1)). Inline: the simulator's review delays are lognormal. */
static inline double cc_rng_lognormal(cc_rng *r, double mu, double sigma)
{
    return exp(mu + sigma * cc_rng_normal(r));
}
double cc_rng_gamma(cc_rng *r, double shape, double scale); /* Marsaglia-Tsang */
double cc_rng_triangular(cc_rng *r, double min, double mode, double max);

/* The raw Philox4x32-10 block function (exposed for the known-answer test). */
void cc_philox4x32_10(const uint32_t key[2], const uint32_t ctr[4], uint32_t out[4]);

#endif
