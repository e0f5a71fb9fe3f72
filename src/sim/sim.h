/* sim — Monte Carlo comparison of consultation mechanisms: runs a scenario's replications
 * for each mechanism variant with every agent seat automated, collects per-replication
 * metrics (time to complete each consultation, time of each decision and its outcome, each
 * guideline met or missed) and summarises them with confidence intervals. Results depend only
 * on (scenario, seed, reps, variants): never on the number of threads. */
#ifndef CC_SIM_H
#define CC_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/scenario.h"

typedef struct cc_sim cc_sim; /* opaque results */

typedef struct cc_sim_opts {
    uint64_t seed;
    size_t reps;         /* replications per variant */
    const int *variants; /* mechanism indices; NULL with nvariants 0 = every mechanism (one, "as
                            written", when every consultation names its own) */
    size_t nvariants;
    int threads;                                            /* worker threads (>= 1) */
    void (*progress)(void *ctx, size_t done, size_t total); /* may be NULL; called from workers */
    void *progress_ctx;
    /* Scale-out (see sim_mpi.h): with nranks > 1 this process runs only the jobs
     * (replication, variant) whose index job = rep * nvariants + v satisfies
     * job % nranks == rank, and leaves every other value at +0.0, so that summing the value
     * arrays of all ranks (cc_sim_values) gives exactly the single-process result. 0 or 1: all. */
    int rank, nranks;
    /* A sweep (docs/sim.md, "Exploring a mechanism"): npoints scenarios with the structure of the
     * one given to cc_sim_run (the same items and stages; values may differ), each run with every
     * variant on the same replications (common random numbers). The result then has
     * npoints x nvariants columns: column v is point v / cc_sim_nmechanisms(r) running variant
     * v % cc_sim_nmechanisms(r). The points must outlive the result. 0: no sweep. */
    const cc_scenario *const *points;
    size_t npoints;
} cc_sim_opts;

/* Runs the simulation. The scenario must outlive the result. CC_ERR_ARG for bad options, or a
 * sweep point whose structure differs from s. */
cc_err cc_sim_run(const cc_scenario *s, const cc_sim_opts *o, cc_sim **out);
void cc_sim_free(cc_sim *r);

/* A summary of one metric for one variant (docs/sim.md, "Statistics"). Times in hours; NAN where
 * undefined. A time metric's value in a replication is the time it took, or -- when it had not
 * happened by the end of the run -- censored at the time observed (cc_sim_value: negative), or
 * none when it could not happen (not requested, a stage its mechanism lacks). */
typedef struct cc_sim_summary {
    size_t n;          /* time: replications where it happened; rate: replications where it applied */
    size_t total;      /* replications */
    size_t applicable; /* time: replications where it could happen (n + censored); rate: n */
    /* time: mean of the n times it happened (Student t interval); rate: the probability (Wilson) */
    double mean, mean_lo, mean_hi;
    double var; /* sample variance of those values (NAN when n < 2) */
    /* quantiles of the n times with distribution-free intervals, and the largest (times only) */
    double median, median_lo, median_hi;
    double p90, p90_lo, p90_hi;
    double p99, p99_lo, p99_hi;
    double max;
    /* times only: share of applicable replications where it happened (Wilson interval) */
    double done, done_lo, done_hi;
    /* times only: restricted mean of min(T, tau) over applicable replications, where tau is the
     * horizon every replication of every variant was observed to (INFINITY: nothing censored) */
    double tau, rmean, rmean_lo, rmean_hi, rvar;
} cc_sim_summary;

/* Columns of values: the variants (times the sweep points, cc_sim_opts.points). */
size_t cc_sim_nvariants(const cc_sim *r);
/* The mechanism id column v runs; "as written" when every consultation names its own mechanism
 * and no variants were asked for (then the result has one variant). */
const char *cc_sim_variant_id(const cc_sim *r, size_t v);
/* Sweep points (1 without a sweep) and mechanism variants per point. */
size_t cc_sim_npoints(const cc_sim *r);
size_t cc_sim_nmechanisms(const cc_sim *r);
size_t cc_sim_nmetrics(const cc_sim *r);
const char *cc_sim_metric_name(const cc_sim *r, size_t m); /* e.g. "C-1: completed" */
int cc_sim_metric_is_rate(const cc_sim *r, size_t m);      /* 1: values are 0/1 (a probability) */
void cc_sim_summarise(const cc_sim *r, size_t v, size_t m, cc_sim_summary *out);
/* Computes and keeps the summary of every (variant, metric) on up to `threads` threads, so that
 * later cc_sim_summarise calls only look them up. Optional: without it each summary is computed
 * on first use. The same summaries either way. CC_ERR_NOMEM when memory runs out (those not
 * computed are then computed on use). */
cc_err cc_sim_summarise_all(cc_sim *r, int threads);
/* Value of metric m in replication rep of variant v: NAN when it has none; for a time, negative
 * (-c) when censored at c hours (it had not happened after c hours, when the run ended). */
double cc_sim_value(const cc_sim *r, size_t v, size_t rep, size_t m);

/* A difference between two variants, paired by replication (common random numbers). */
typedef struct cc_sim_comparison {
    size_t n;                        /* pairs: replications where both variants have a value */
    double diff, lo, hi;             /* b - a with its 95% interval */
    double corr;                     /* correlation of the pairs (NAN when undefined) */
    double unpaired_lo, unpaired_hi; /* the interval had the pairing been ignored */
    const char *method;              /* how the interval was computed (a static string) */
} cc_sim_comparison;

/* b - a for metric m: for a time, of the restricted means (paired Student t on the replication
 * differences of min(T, tau)); for a rate, of the probabilities (Newcombe's paired interval). */
void cc_sim_compare(const cc_sim *r, size_t a, size_t b, size_t m, cc_sim_comparison *out);
size_t cc_sim_reps(const cc_sim *r);

/* A sweep's axis, for its outputs (simplot, report): the swept path, each point's value as
 * written and as a number (durations in hours), the baseline point every point is compared with
 * (paired, same variant), and the metrics to show (nmetrics flags; NULL: every one). */
typedef struct cc_sim_axis {
    const char *path;
    char *const *labels;
    const double *x;
    size_t n, baseline;
    int durations;
    const uint8_t *show;
} cc_sim_axis;
/* The column of point p running mechanism variant k (k < cc_sim_nmechanisms). */
size_t cc_sim_column(const cc_sim *r, size_t p, size_t k);
/* The value array [variant][metric][replication] (*n doubles), owned by r: for merging the
 * partial results of ranks. */
double *cc_sim_values(cc_sim *r, size_t *n);

#endif
