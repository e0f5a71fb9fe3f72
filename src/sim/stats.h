/* stats — the interval methods of caucus sim (docs/sim.md, "Statistics"): Student's t and normal
 * quantiles, Wilson score intervals for a probability, Newcombe's interval for the difference of
 * two paired probabilities, and the Kaplan-Meier estimate for times with right-censoring. Pure
 * functions of their arguments: no allocation, no state. */
#ifndef CC_STATS_H
#define CC_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The p-quantile of the standard normal distribution (0 < p < 1); Wichura's AS 241, relative
 * error below 1e-15. */
double cc_stats_normal_quantile(double p);
/* P(T <= t) for Student's t with df > 0 degrees of freedom (regularized incomplete beta). */
double cc_stats_t_cdf(double t, double df);
/* The p-quantile of Student's t with df > 0 degrees of freedom (0 < p < 1), to 1e-12. */
double cc_stats_t_quantile(double p, double df);
/* Wilson score interval of a probability from k successes in n >= 1 trials at normal quantile z
 * (1.96 for 95%). n == 0: both NAN. */
void cc_stats_wilson(size_t k, size_t n, double z, double *lo, double *hi);
/* Difference p1 - p2 of two probabilities measured on the same n pairs, with Newcombe's interval
 * for paired proportions (1998, method 10: Wilson intervals of each margin combined with the
 * correlation phi of the pairs). a: pairs (1,1); b: (1,0); c: (0,1); d: (0,0). *phi receives the
 * correlation (0 when undefined). n == 0: NAN. */
void cc_stats_newcombe_paired(size_t a, size_t b, size_t c, size_t d, double z, double *diff, double *lo,
                              double *hi, double *phi);
/* Kaplan-Meier: time[0..n) ascending, with event[i] 1 when the time is observed and 0 when it is
 * censored (at equal times, events sort before censorings). Writes into surv[i] the estimate of
 * P(T > time[i]) just after time i. */
void cc_stats_km(const double *time, const uint8_t *event, size_t n, double *surv);

#endif
