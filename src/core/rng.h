/* rng — counter-based random streams (Philox4x32-10, Salmon et al., SC'11). A stream is
 * keyed by (seed, replication, stream id); draws depend only on the key and the draw count,
 * never on threads or on the order other streams are used. Plus the delay distributions of
 * the scenario format. Pure and allocation-free. */
#ifndef CC_RNG_H
#define CC_RNG_H

#include <stdint.h>

typedef struct cc_rng {
    uint32_t key[2];
    uint32_t ctr[4];
    uint32_t buf[4];
    unsigned used; /* words of buf consumed (4 = empty) */
} cc_rng;

/* Initialises a stream; different (seed, rep, stream) triples give independent streams. */
void cc_rng_init(cc_rng *r, uint64_t seed, uint64_t rep, uint32_t stream);
/* The stream `stream` of the same seed and replication as base (cc_rng_init without rehashing the seed). */
void cc_rng_stream(cc_rng *r, const cc_rng *base, uint32_t stream);
/* The next block of the stream into buf (what cc_rng_u32 calls when buf is used up). */
void cc_rng_refill(cc_rng *r);
static inline uint32_t cc_rng_u32(cc_rng *r)
{
    if (r->used == 4)
        cc_rng_refill(r);
    return r->buf[r->used++];
}
uint64_t cc_rng_u64(cc_rng *r);
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
double cc_rng_lognormal(cc_rng *r, double mu, double sigma);
double cc_rng_gamma(cc_rng *r, double shape, double scale); /* Marsaglia-Tsang */
double cc_rng_triangular(cc_rng *r, double min, double mode, double max);

/* The raw Philox4x32-10 block function (exposed for the known-answer test). */
void cc_philox4x32_10(const uint32_t key[2], const uint32_t ctr[4], uint32_t out[4]);

#endif
