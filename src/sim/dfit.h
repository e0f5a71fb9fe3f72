/* dfit — maximum-likelihood fits of a delay distribution (exponential, lognormal, gamma) to delays
 * observed with right- and interval-censoring, together with the probability p that the act
 * happens at all (a share 1 - p never acts: the "cure" mixture); Wald intervals from the observed
 * information; the Kaplan-Meier estimate of acting, the action probability with Wilson's interval
 * at the effective number of offers, a Kolmogorov-Smirnov distance for censored data and its
 * parametric-bootstrap p-value. Definitions: docs/calibration.md, "Models". Times in seconds.
 * Pure: no I/O, no global state; the fits allocate scratch memory and free it before returning. */
#ifndef CC_DFIT_H
#define CC_DFIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/rng.h"

/* One observation: an act after a seconds (ACT), an act somewhere in [a, b] (INTERVAL), or no act
 * by a, when the situation ended (CENSORED). b is used by INTERVAL only. */
typedef enum cc_dfit_kind { CC_DFIT_ACT, CC_DFIT_INTERVAL, CC_DFIT_CENSORED } cc_dfit_kind;
typedef struct cc_dfit_obs {
    double a, b;
    cc_dfit_kind kind;
} cc_dfit_obs;

typedef enum cc_dfit_model { CC_DFIT_EXPONENTIAL, CC_DFIT_LOGNORMAL, CC_DFIT_GAMMA } cc_dfit_model;
#define CC_DFIT_NMODELS 3

/* "exponential", "lognormal", "gamma". */
const char *cc_dfit_model_name(cc_dfit_model m);

/* A fitted model. par: exponential {mean}; lognormal {median, sigma}; gamma {shape, scale}
 * (durations in seconds). lo/hi: 95% Wald intervals on the log scale (NAN when the observed
 * information could not be inverted). */
typedef struct cc_dfit {
    cc_dfit_model model;
    int npar; /* parameters of the family: 1 or 2 */
    double par[2], lo[2], hi[2];
    double mean, mean_lo, mean_hi; /* the distribution's mean with its interval (delta method) */
    double p;                      /* maximum-likelihood probability of acting, in (0, 1] */
    int fix_p;                     /* p was held at 1 by the caller */
    int p_free;                    /* 1: p < 1 was estimated (and is in the information matrix); 0: p = 1 */
    double loglik;
    double aic;    /* 2 (npar + 1) - 2 loglik: p counts for every family alike */
    int converged; /* the optimiser met its tolerance */
} cc_dfit;

/* Fits model m to x[0..n) by maximum likelihood (docs/calibration.md): over the family's
 * parameters and, unless fix_p, over p in (0, 1]. Needs at least one act (ACT or INTERVAL):
 * CC_ERR_ARG otherwise, or for a negative or non-finite time. CC_ERR_NOMEM. */
cc_err cc_dfit_fit(cc_dfit_model m, const cc_dfit_obs *x, size_t n, int fix_p, cc_dfit *out);

/* The fitted delay distribution alone (without p): F(t), log f(t), and its u-quantile (0 < u < 1). */
double cc_dfit_cdf(const cc_dfit *f, double t);
double cc_dfit_logpdf(const cc_dfit *f, double t);
double cc_dfit_quantile(const cc_dfit *f, double u);
/* A delay drawn from the fitted distribution. */
double cc_dfit_draw(const cc_dfit *f, cc_rng *r);
/* The same as the scenario's delays: a family and its parameters (par as in cc_dfit). */
double cc_dfit_family_cdf(cc_dfit_model m, const double par[2], double t);

/* The regularized lower incomplete gamma function P(a, x), a > 0, x >= 0, and its complement
 * Q(a, x) = 1 - P(a, x), each computed directly (no cancellation), to about 1e-14. */
double cc_dfit_gamma_p(double a, double x);
double cc_dfit_gamma_q(double a, double x);

/* The Kaplan-Meier estimate of acting, F_KM = 1 - S: every act an event (an interval at its
 * middle), every censored observation censored. t[0..n) are the distinct act times, ascending,
 * F[i] the estimate just after t[i]; F_KM is 0 before t[0]. Free with cc_dfit_km_free. */
typedef struct cc_dfit_km {
    double *t, *F;
    size_t n;
} cc_dfit_km;
cc_err cc_dfit_km_make(const cc_dfit_obs *x, size_t n, cc_dfit_km *out);
void cc_dfit_km_free(cc_dfit_km *km);

/* The action probability (docs/calibration.md, "The action probability"): P = F_KM(h), h the
 * longest act time, with Wilson's 95% interval at the effective number of offers nstar. */
typedef struct cc_dfit_share {
    double p, lo, hi, nstar, h;
    size_t acts, offers;
} cc_dfit_share;
cc_err cc_dfit_share_est(const cc_dfit_obs *x, size_t n, cc_dfit_share *out);
/* Wilson's score interval for a proportion p observed on n (real, > 0) trials at quantile z. */
void cc_dfit_wilson(double p, double n, double z, double *lo, double *hi);

/* D = max over [0, h] of |F_KM(t) - p F(t)|, h the last step of km (docs/calibration.md,
 * "Goodness of fit"); 0 for an empty km. */
double cc_dfit_ks(const cc_dfit_km *km, const cc_dfit *f);

/* The parametric-bootstrap p-value of D for fit f of x[0..n): B samples of n offers drawn from f
 * (each censored at a time drawn from the reverse Kaplan-Meier estimate of x's censoring), f's
 * family fitted to each, p = (1 + #{D* >= d}) / (B + 1). Draws from stream r (the caller keys
 * it). *done receives the samples that could be fitted (a sample without an act is skipped).
 * CC_ERR_NOMEM. */
cc_err cc_dfit_boot(const cc_dfit_obs *x, size_t n, const cc_dfit *f, double d, unsigned B, cc_rng *r,
                    double *pvalue, unsigned *done);

#endif
