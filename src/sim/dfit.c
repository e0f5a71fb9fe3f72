/* dfit — censored maximum-likelihood fits of delay distributions with an action probability, and
 * what is read from them (see dfit.h and docs/calibration.md). Written from the formulas: the
 * incomplete gamma function by its power series and its continued fraction (Abramowitz and Stegun
 * 6.5.29, 6.5.31), Nelder-Mead's simplex, central-difference Hessians. */
#include "sim/dfit.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/stats.h"

#define Z95 1.959963984540054
#define TINY_T 1e-3 /* the log's resolution (1 ms): a delay recorded as 0 lies in [0, TINY_T) */

const char *cc_dfit_model_name(cc_dfit_model m)
{
    static const char *const names[] = {"exponential", "lognormal", "gamma"};
    return (unsigned)m < CC_DFIT_NMODELS ? names[m] : "?";
}

/* ---- special functions ------------------------------------------------------------------ */

/* Series of P(a, x) (for x < a + 1). */
static double gamma_series(double a, double x)
{
    double term = 1.0 / a, sum = term, ap = a;
    for (int k = 0; k < 10000; k++) {
        ap += 1;
        term *= x / ap;
        sum += term;
        if (fabs(term) < fabs(sum) * 1e-16)
            break;
    }
    return sum * exp(-x + a * log(x) - lgamma(a));
}

/* Continued fraction of Q(a, x) (for x >= a + 1), modified Lentz. */
static double gamma_cf(double a, double x)
{
    const double tiny = 1e-300;
    double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 10000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-16)
            break;
    }
    return exp(-x + a * log(x) - lgamma(a)) * h;
}

double cc_dfit_gamma_p(double a, double x)
{
    if (!(x > 0))
        return 0;
    if (isinf(x))
        return 1;
    return x < a + 1 ? gamma_series(a, x) : 1 - gamma_cf(a, x);
}

double cc_dfit_gamma_q(double a, double x)
{
    if (!(x > 0))
        return 1;
    if (isinf(x))
        return 0;
    return x < a + 1 ? 1 - gamma_series(a, x) : gamma_cf(a, x);
}

/* ---- the families ------------------------------------------------------------------------ */

/* Natural parameters from the fitted ones (phi: log mean; mu, log sigma; log shape, log scale). */
static void natural(cc_dfit_model m, const double *phi, double par[2])
{
    switch (m) {
    case CC_DFIT_EXPONENTIAL:
        par[0] = exp(phi[0]);
        par[1] = 0;
        break;
    case CC_DFIT_LOGNORMAL:
        par[0] = exp(phi[0]);
        par[1] = exp(phi[1]);
        break;
    case CC_DFIT_GAMMA:
        par[0] = exp(phi[0]);
        par[1] = exp(phi[1]);
        break;
    }
}

static int npar_of(cc_dfit_model m)
{
    return m == CC_DFIT_EXPONENTIAL ? 1 : 2;
}

/* F(t) and S(t) = 1 - F(t), each computed directly. */
static void cdf_sf(cc_dfit_model m, const double par[2], double t, double *F, double *S)
{
    if (!(t > 0)) {
        *F = 0;
        *S = 1;
        return;
    }
    if (isinf(t)) {
        *F = 1;
        *S = 0;
        return;
    }
    switch (m) {
    case CC_DFIT_EXPONENTIAL:
        *F = -expm1(-t / par[0]);
        *S = exp(-t / par[0]);
        return;
    case CC_DFIT_LOGNORMAL: {
        double z = (log(t) - log(par[0])) / (par[1] * M_SQRT2);
        *F = 0.5 * erfc(-z);
        *S = 0.5 * erfc(z);
        return;
    }
    case CC_DFIT_GAMMA:
        *F = cc_dfit_gamma_p(par[0], t / par[1]);
        *S = cc_dfit_gamma_q(par[0], t / par[1]);
        return;
    }
}

static double logpdf(cc_dfit_model m, const double par[2], double t)
{
    if (!(t > 0))
        return -INFINITY;
    switch (m) {
    case CC_DFIT_EXPONENTIAL: return -log(par[0]) - t / par[0];
    case CC_DFIT_LOGNORMAL: {
        double z = (log(t) - log(par[0])) / par[1];
        return -log(t * par[1]) - 0.5 * log(2 * M_PI) - 0.5 * z * z;
    }
    case CC_DFIT_GAMMA: return (par[0] - 1) * log(t) - t / par[1] - lgamma(par[0]) - par[0] * log(par[1]);
    }
    return -INFINITY;
}

double cc_dfit_family_cdf(cc_dfit_model m, const double par[2], double t)
{
    double F, S;
    cdf_sf(m, par, t, &F, &S);
    return F;
}

double cc_dfit_cdf(const cc_dfit *f, double t)
{
    return cc_dfit_family_cdf(f->model, f->par, t);
}

double cc_dfit_logpdf(const cc_dfit *f, double t)
{
    return logpdf(f->model, f->par, t);
}

double cc_dfit_quantile(const cc_dfit *f, double u)
{
    if (!(u > 0))
        return 0;
    if (!(u < 1))
        return INFINITY;
    switch (f->model) {
    case CC_DFIT_EXPONENTIAL: return -f->par[0] * log1p(-u);
    case CC_DFIT_LOGNORMAL: return f->par[0] * exp(f->par[1] * cc_stats_normal_quantile(u));
    case CC_DFIT_GAMMA: {
        /* bracket, then bisect on the log scale: P is increasing in x */
        double lo = f->par[1] * 1e-3, hi = f->par[0] * f->par[1] + f->par[1];
        while (cc_dfit_gamma_p(f->par[0], lo / f->par[1]) > u && lo > 1e-300)
            lo /= 16;
        while (cc_dfit_gamma_p(f->par[0], hi / f->par[1]) < u && hi < 1e300)
            hi *= 4;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
            double mid = sqrt(lo * hi);
            if (cc_dfit_gamma_p(f->par[0], mid / f->par[1]) < u)
                lo = mid;
            else
                hi = mid;
        }
        return 0.5 * (lo + hi);
    }
    }
    return NAN;
}

double cc_dfit_draw(const cc_dfit *f, cc_rng *r)
{
    switch (f->model) {
    case CC_DFIT_EXPONENTIAL: return cc_rng_exponential(r, f->par[0]);
    case CC_DFIT_LOGNORMAL: return cc_rng_lognormal(r, log(f->par[0]), f->par[1]);
    case CC_DFIT_GAMMA: return cc_rng_gamma(r, f->par[0], f->par[1]);
    }
    return NAN;
}

/* ---- the likelihood ---------------------------------------------------------------------- */

/* What one evaluation needs: the data, and per censored observation its F (scratch). */
typedef struct lik {
    cc_dfit_model m;
    const cc_dfit_obs *x;
    size_t n, acts;
    double *Fc; /* F(c_j) of the censored observations, in order */
    int fix_p;
} lik;

/* Sum over the acts of log f (or log F(b) - F(a)), and F of every censored time into L->Fc. */
static double acts_part(const lik *L, const double par[2])
{
    double s = 0;
    size_t j = 0;
    for (size_t i = 0; i < L->n; i++) {
        const cc_dfit_obs *o = &L->x[i];
        double F, S, F2, S2;
        switch (o->kind) {
        case CC_DFIT_ACT:
            if (o->a < TINY_T) {
                cdf_sf(L->m, par, TINY_T, &F, &S);
                s += log(F);
            } else {
                s += logpdf(L->m, par, o->a);
            }
            break;
        case CC_DFIT_INTERVAL:
            cdf_sf(L->m, par, o->a, &F, &S);
            cdf_sf(L->m, par, o->b, &F2, &S2);
            s += log(F > 0.5 ? S - S2 : F2 - F);
            break;
        case CC_DFIT_CENSORED:
            cdf_sf(L->m, par, o->a, &F, &S);
            L->Fc[j++] = F;
            break;
        }
    }
    return s;
}

/* The censored part at p: sum of log(1 - p F(c_j)). */
static double cens_part(const lik *L, double p)
{
    double s = 0;
    for (size_t j = 0; j < L->n - L->acts; j++)
        s += log1p(-p * L->Fc[j]);
    return s;
}

/* The p that maximises the likelihood given the F(c_j) in L->Fc: the root of
 * g(p) = acts / p - sum F_j / (1 - p F_j), which decreases in p; 1 when g(1) >= 0. */
static double best_p(const lik *L)
{
    size_t nc = L->n - L->acts;
    double g1 = (double)L->acts;
    int full = 0;
    for (size_t j = 0; j < nc; j++) {
        if (L->Fc[j] >= 1)
            full = 1;
        else
            g1 -= L->Fc[j] / (1 - L->Fc[j]);
    }
    if (!full && g1 >= 0)
        return 1;
    double lo = 0, hi = 1;
    for (int it = 0; it < 200 && hi - lo > 1e-15; it++) {
        double p = 0.5 * (lo + hi), g = (double)L->acts / p;
        for (size_t j = 0; j < nc; j++)
            g -= L->Fc[j] / (1 - p * L->Fc[j]);
        if (g > 0)
            lo = p;
        else
            hi = p;
    }
    return 0.5 * (lo + hi);
}

/* Log-likelihood at the fitted-scale parameters phi and p (p < 0: the best p for phi, returned in
 * *pbest). -INFINITY where it is not finite. */
static double loglik(const lik *L, const double *phi, double p, double *pbest)
{
    double par[2];
    natural(L->m, phi, par);
    if (!(par[0] > 0 && isfinite(par[0])) ||
        (L->m != CC_DFIT_EXPONENTIAL && !(par[1] > 0 && isfinite(par[1]))))
        return -INFINITY;
    double s = acts_part(L, par);
    if (p < 0)
        p = L->fix_p ? 1 : best_p(L);
    if (pbest)
        *pbest = p;
    s += (double)L->acts * log(p) + cens_part(L, p);
    return isfinite(s) ? s : -INFINITY;
}

/* ---- Nelder-Mead over phi (dimension d <= 2), maximising the profile log-likelihood ----- */

static double prof(const lik *L, const double *phi)
{
    return loglik(L, phi, -1, NULL);
}

/* One run of the simplex from phi with initial step `step`; returns the best value, phi updated. */
static double simplex(const lik *L, int d, double *phi, double step, int *converged)
{
    double v[3][2] = {{0, 0}, {0, 0}, {0, 0}}, f[3] = {-INFINITY, -INFINITY, -INFINITY};
    assert(d >= 1 && d <= 2);
    for (int i = 0; i <= d; i++) {
        for (int k = 0; k < d; k++)
            v[i][k] = phi[k] + (i == k + 1 ? step : 0);
        f[i] = prof(L, v[i]);
    }
    *converged = 0;
    for (int it = 0; it < 2000; it++) {
        /* order: f[0] best (largest), f[d] worst */
        for (int i = 0; i <= d; i++)
            for (int j = i + 1; j <= d; j++)
                if (f[j] > f[i]) {
                    double t = f[i];
                    f[i] = f[j];
                    f[j] = t;
                    for (int k = 0; k < d; k++) {
                        t = v[i][k];
                        v[i][k] = v[j][k];
                        v[j][k] = t;
                    }
                }
        double size = 0;
        for (int i = 1; i <= d; i++)
            for (int k = 0; k < d; k++)
                size = fmax(size, fabs(v[i][k] - v[0][k]));
        if (isfinite(f[d]) && f[0] - f[d] <= 1e-11 * (1 + fabs(f[0])) && size < 1e-7) {
            *converged = 1;
            break;
        }
        double c[2] = {0, 0}, r[2], e[2], q[2];
        for (int i = 0; i < d; i++)
            for (int k = 0; k < d; k++)
                c[k] += v[i][k] / d;
        for (int k = 0; k < d; k++)
            r[k] = c[k] + (c[k] - v[d][k]);
        double fr = prof(L, r);
        if (fr > f[0]) {
            for (int k = 0; k < d; k++)
                e[k] = c[k] + 2 * (c[k] - v[d][k]);
            double fe = prof(L, e);
            const double *w = fe > fr ? e : r;
            for (int k = 0; k < d; k++)
                v[d][k] = w[k];
            f[d] = fe > fr ? fe : fr;
            continue;
        }
        if (fr > f[d - 1]) {
            for (int k = 0; k < d; k++)
                v[d][k] = r[k];
            f[d] = fr;
            continue;
        }
        /* contraction, outside when the reflection beat the worst, inside otherwise */
        int outside = fr > f[d];
        for (int k = 0; k < d; k++)
            q[k] = outside ? c[k] + 0.5 * (r[k] - c[k]) : c[k] + 0.5 * (v[d][k] - c[k]);
        double fq = prof(L, q);
        if (fq > (outside ? fr : f[d])) {
            for (int k = 0; k < d; k++)
                v[d][k] = q[k];
            f[d] = fq;
            continue;
        }
        for (int i = 1; i <= d; i++) { /* shrink towards the best */
            for (int k = 0; k < d; k++)
                v[i][k] = v[0][k] + 0.5 * (v[i][k] - v[0][k]);
            f[i] = prof(L, v[i]);
        }
    }
    int best = 0;
    for (int i = 1; i <= d; i++)
        if (f[i] > f[best])
            best = i;
    for (int k = 0; k < d; k++)
        phi[k] = v[best][k];
    return f[best];
}

/* Starting values from the acts (interval midpoints) and the total exposure. */
static void start(const lik *L, double *phi)
{
    double sum = 0, sl = 0, sl2 = 0, s2 = 0, expo = 0;
    size_t k = 0;
    for (size_t i = 0; i < L->n; i++) {
        const cc_dfit_obs *o = &L->x[i];
        double t = o->kind == CC_DFIT_INTERVAL ? 0.5 * (o->a + o->b) : o->a;
        expo += t;
        if (o->kind == CC_DFIT_CENSORED)
            continue;
        t = fmax(t, TINY_T);
        sum += t;
        s2 += t * t;
        sl += log(t);
        sl2 += log(t) * log(t);
        k++;
    }
    double mean = sum / (double)k, var = fmax(s2 / (double)k - mean * mean, 1e-6 * mean * mean);
    double lm = sl / (double)k, lsd = sqrt(fmax(sl2 / (double)k - lm * lm, 1e-4));
    switch (L->m) {
    case CC_DFIT_EXPONENTIAL: phi[0] = log(fmax(expo / (double)k, TINY_T)); break;
    case CC_DFIT_LOGNORMAL:
        phi[0] = lm;
        phi[1] = log(fmax(lsd, 0.05));
        break;
    case CC_DFIT_GAMMA:
        phi[0] = log(fmin(fmax(mean * mean / var, 0.05), 1e4));
        phi[1] = log(fmax(var / mean, TINY_T));
        break;
    }
}

/* ---- intervals ------------------------------------------------------------------------- */

/* -log L at psi = (phi..., logit p when with_p; else p = p0). */
static double negll(const lik *L, int d, const double *psi, int with_p, double p0)
{
    double p = with_p ? 1 / (1 + exp(-psi[d])) : p0;
    double v = loglik(L, psi, p, NULL);
    return -v;
}

/* Inverts the k x k matrix a (k <= 3) into inv by Gauss-Jordan with partial pivoting; -1 when
 * singular. */
static int invert(int k, double a[3][3], double inv[3][3])
{
    double m[3][6];
    for (int i = 0; i < k; i++)
        for (int j = 0; j < 2 * k; j++)
            m[i][j] = j < k ? a[i][j] : (j - k == i);
    for (int c = 0; c < k; c++) {
        int piv = c;
        for (int r = c + 1; r < k; r++)
            if (fabs(m[r][c]) > fabs(m[piv][c]))
                piv = r;
        if (!(fabs(m[piv][c]) > 1e-300))
            return -1;
        for (int j = 0; j < 2 * k; j++) {
            double t = m[c][j];
            m[c][j] = m[piv][j];
            m[piv][j] = t;
        }
        double dv = m[c][c];
        for (int j = 0; j < 2 * k; j++)
            m[c][j] /= dv;
        for (int r = 0; r < k; r++) {
            if (r == c)
                continue;
            double fct = m[r][c];
            for (int j = 0; j < 2 * k; j++)
                m[r][j] -= fct * m[c][j];
        }
    }
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            inv[i][j] = m[i][k + j];
    return 0;
}

/* The covariance of phi (d x d) from the observed information at psi; -1 when it is not
 * positive definite. */
static int covariance(const lik *L, int d, const double *phi, double p, double cov[2][2])
{
    assert(d >= 1 && d <= 2);
    int with_p = !L->fix_p && p < 1 - 1e-9;
    int k = d + with_p;
    if (k > 3)
        return -1;
    double psi[3] = {phi[0], d > 1 ? phi[1] : 0, 0}, h[3] = {1e-4, 1e-4, 1e-4};
    double H[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}}, inv[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
    if (with_p)
        psi[d] = log(p / (1 - p));
    double f0 = negll(L, d, psi, with_p, p);
    for (int i = 0; i < k; i++)
        h[i] = 1e-4 * fmax(1, fabs(psi[i]));
    for (int i = 0; i < k; i++) {
        for (int j = i; j < k; j++) {
            double q[3];
            if (i == j) {
                memcpy(q, psi, sizeof q);
                q[i] += h[i];
                double fp = negll(L, d, q, with_p, p);
                q[i] -= 2 * h[i];
                double fm = negll(L, d, q, with_p, p);
                H[i][i] = (fp - 2 * f0 + fm) / (h[i] * h[i]);
            } else {
                double s = 0;
                for (int a = -1; a <= 1; a += 2)
                    for (int b = -1; b <= 1; b += 2) {
                        memcpy(q, psi, sizeof q);
                        q[i] += a * h[i];
                        q[j] += b * h[j];
                        s += a * b * negll(L, d, q, with_p, p);
                    }
                H[i][j] = H[j][i] = s / (4 * h[i] * h[j]);
            }
        }
    }
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            if (!isfinite(H[i][j]))
                return -1;
    if (invert(k, H, inv) != 0)
        return -1;
    for (int i = 0; i < d; i++)
        if (!(inv[i][i] > 0))
            return -1;
    if (d == 2 && !(inv[0][0] * inv[1][1] - inv[0][1] * inv[1][0] > 0))
        return -1;
    for (int i = 0; i < d; i++)
        for (int j = 0; j < d; j++)
            cov[i][j] = inv[i][j];
    return 0;
}

static void intervals(cc_dfit *out, const double *phi, double cov[2][2], int ok)
{
    int d = out->npar;
    for (int i = 0; i < 2; i++)
        out->lo[i] = out->hi[i] = out->mean_lo = out->mean_hi = NAN;
    /* log of the mean, and its gradient in phi */
    double lmean, g[2] = {1, 0};
    switch (out->model) {
    case CC_DFIT_EXPONENTIAL: lmean = phi[0]; break;
    case CC_DFIT_LOGNORMAL:
        lmean = phi[0] + 0.5 * exp(2 * phi[1]);
        g[1] = exp(2 * phi[1]);
        break;
    default:
        lmean = phi[0] + phi[1];
        g[1] = 1;
        break;
    }
    out->mean = exp(lmean);
    if (!ok)
        return;
    for (int i = 0; i < d; i++) {
        double se = sqrt(cov[i][i]);
        out->lo[i] = exp(phi[i] - Z95 * se);
        out->hi[i] = exp(phi[i] + Z95 * se);
    }
    double v = 0;
    for (int i = 0; i < d; i++)
        for (int j = 0; j < d; j++)
            v += g[i] * g[j] * cov[i][j];
    out->mean_lo = exp(lmean - Z95 * sqrt(v));
    out->mean_hi = exp(lmean + Z95 * sqrt(v));
}

cc_err cc_dfit_fit(cc_dfit_model m, const cc_dfit_obs *x, size_t n, int fix_p, cc_dfit *out)
{
    memset(out, 0, sizeof *out);
    out->model = m;
    out->npar = npar_of(m);
    if ((unsigned)m >= CC_DFIT_NMODELS)
        return CC_ERR_ARG;
    size_t acts = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(x[i].a >= 0) || !isfinite(x[i].a) ||
            (x[i].kind == CC_DFIT_INTERVAL && !(x[i].b >= x[i].a && isfinite(x[i].b))))
            return CC_ERR_ARG;
        acts += x[i].kind != CC_DFIT_CENSORED;
    }
    if (acts == 0)
        return CC_ERR_ARG;
    lik L = {m, x, n, acts, malloc((n - acts + 1) * sizeof(double)), fix_p};
    if (!L.Fc)
        return CC_ERR_NOMEM;
    int d = out->npar;
    double phi[2] = {0, 0};
    start(&L, phi);
    int conv = 0;
    double best = simplex(&L, d, phi, 0.3, &conv);
    /* restart from the optimum until it no longer improves */
    for (int r = 0; r < 8; r++) {
        int c2;
        double v = simplex(&L, d, phi, 0.05, &c2);
        conv = c2;
        if (!(v > best + 1e-10 * (1 + fabs(best))))
            break;
        best = v;
    }
    double p = 1;
    out->loglik = loglik(&L, phi, -1, &p);
    natural(m, phi, out->par);
    out->p = p;
    out->fix_p = fix_p;
    out->p_free = !fix_p && p < 1 - 1e-9;
    out->aic = 2.0 * (d + 1) - 2 * out->loglik;
    out->converged = conv && isfinite(out->loglik);
    double cov[2][2] = {{0, 0}, {0, 0}};
    int ok = out->converged && covariance(&L, d, phi, p, cov) == 0;
    intervals(out, phi, cov, ok);
    if (m == CC_DFIT_LOGNORMAL) { /* the median's interval is e^(mu +- z se) */
        out->lo[0] = ok ? exp(phi[0] - Z95 * sqrt(cov[0][0])) : NAN;
        out->hi[0] = ok ? exp(phi[0] + Z95 * sqrt(cov[0][0])) : NAN;
    }
    free(L.Fc);
    return CC_OK;
}

/* ---- Kaplan-Meier, the action probability, KS ---------------------------------------- */

typedef struct tev {
    double t;
    uint8_t ev;
} tev;

static int tev_cmp(const void *a, const void *b)
{
    const tev *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (int)y->ev - (int)x->ev; /* events before censorings at equal times */
}

/* Sorted times with events (acts when acts_are_events, else the censorings). */
static tev *sorted(const cc_dfit_obs *x, size_t n, int acts_are_events)
{
    tev *v = malloc((n + 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int act = x[i].kind != CC_DFIT_CENSORED;
        v[i].t = x[i].kind == CC_DFIT_INTERVAL ? 0.5 * (x[i].a + x[i].b) : x[i].a;
        v[i].ev = (uint8_t)(acts_are_events ? act : !act);
    }
    qsort(v, n, sizeof *v, tev_cmp);
    return v;
}

cc_err cc_dfit_km_make(const cc_dfit_obs *x, size_t n, cc_dfit_km *out)
{
    memset(out, 0, sizeof *out);
    tev *v = sorted(x, n, 1);
    out->t = malloc((n + 1) * sizeof(double));
    out->F = malloc((n + 1) * sizeof(double));
    if (!v || !out->t || !out->F) {
        free(v);
        cc_dfit_km_free(out);
        return CC_ERR_NOMEM;
    }
    double s = 1;
    for (size_t i = 0; i < n;) {
        size_t j = i, deaths = 0;
        while (j < n && v[j].t == v[i].t)
            deaths += v[j++].ev;
        if (deaths) {
            s *= 1.0 - (double)deaths / (double)(n - i);
            out->t[out->n] = v[i].t;
            out->F[out->n++] = 1 - s;
        }
        i = j;
    }
    free(v);
    return CC_OK;
}

void cc_dfit_km_free(cc_dfit_km *km)
{
    free(km->t);
    free(km->F);
    memset(km, 0, sizeof *km);
}

void cc_dfit_wilson(double p, double n, double z, double *lo, double *hi)
{
    if (!(n > 0)) {
        *lo = *hi = NAN;
        return;
    }
    double z2 = z * z, den = 1 + z2 / n, c = p + z2 / (2 * n);
    double half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    *lo = fmax(0, (c - half) / den);
    *hi = fmin(1, (c + half) / den);
}

cc_err cc_dfit_share_est(const cc_dfit_obs *x, size_t n, cc_dfit_share *out)
{
    memset(out, 0, sizeof *out);
    out->offers = n;
    out->p = out->lo = out->hi = out->nstar = out->h = NAN;
    tev *v = sorted(x, n, 1);
    if (!v)
        return CC_ERR_NOMEM;
    double s = 1, green = 0, h = -1;
    size_t reach = 0; /* offers that acted, or whose situation lasted to h */
    for (size_t i = 0; i < n; i++)
        if (v[i].ev)
            h = v[i].t, out->acts++;
    for (size_t i = 0; i < n && h >= 0;) {
        size_t j = i, deaths = 0;
        while (j < n && v[j].t == v[i].t)
            deaths += v[j++].ev;
        size_t at = n - i;
        if (deaths && v[i].t <= h) {
            s *= 1.0 - (double)deaths / (double)at;
            green += at > deaths ? (double)deaths / ((double)at * (double)(at - deaths)) : 0;
        }
        i = j;
    }
    for (size_t i = 0; i < n; i++)
        reach += v[i].ev || v[i].t >= h;
    free(v);
    if (h < 0) { /* no act at all: the share is 0 of every offer */
        out->p = 0;
        out->nstar = (double)n;
        out->h = 0;
        cc_dfit_wilson(0, (double)n, Z95, &out->lo, &out->hi);
        return CC_OK;
    }
    double P = 1 - s, var = s * s * green;
    out->p = P;
    out->h = h;
    out->nstar = P > 0 && P < 1 && var > 0 ? P * (1 - P) / var : (double)reach;
    cc_dfit_wilson(P, out->nstar, Z95, &out->lo, &out->hi);
    return CC_OK;
}

double cc_dfit_ks(const cc_dfit_km *km, const cc_dfit *f)
{
    double d = 0, before = 0;
    for (size_t i = 0; i < km->n; i++) {
        double model = f->p * cc_dfit_cdf(f, km->t[i]);
        d = fmax(d, fmax(fabs(before - model), fabs(km->F[i] - model)));
        before = km->F[i];
    }
    return d;
}

/* A censoring time drawn from the reverse Kaplan-Meier estimate (steps ct[k] with survival cs[k]
 * just after them, m steps): INFINITY beyond the last step's mass. */
static double draw_censoring(cc_rng *r, const double *ct, const double *cs, size_t m)
{
    double u = cc_rng_uniform(r); /* C > t with probability G(t): C is the first step with G <= u */
    for (size_t k = 0; k < m; k++)
        if (cs[k] <= u)
            return ct[k];
    return INFINITY;
}

cc_err cc_dfit_boot(const cc_dfit_obs *x, size_t n, const cc_dfit *f, double d, unsigned B, cc_rng *r,
                    double *pvalue, unsigned *done)
{
    *pvalue = NAN;
    *done = 0;
    if (B == 0)
        return CC_OK;
    tev *v = sorted(x, n, 0);
    double *ct = malloc((n + 1) * sizeof *ct), *cs = malloc((n + 1) * sizeof *cs);
    cc_dfit_obs *y = malloc((n + 1) * sizeof *y);
    cc_err rc = v && ct && cs && y ? CC_OK : CC_ERR_NOMEM;
    size_t m = 0;
    double s = 1;
    for (size_t i = 0; rc == CC_OK && i < n;) { /* the censoring distribution's steps */
        size_t j = i, ev = 0;
        while (j < n && v[j].t == v[i].t)
            ev += v[j++].ev;
        if (ev) {
            s *= 1.0 - (double)ev / (double)(n - i);
            ct[m] = v[i].t;
            cs[m++] = s;
        }
        i = j;
    }
    unsigned ge = 0;
    for (unsigned b = 0; rc == CC_OK && b < B; b++) {
        size_t acts = 0;
        for (size_t i = 0; i < n; i++) {
            double c = draw_censoring(r, ct, cs, m);
            int act = cc_rng_bernoulli(r, f->p);
            double t = act ? cc_dfit_draw(f, r) : INFINITY;
            if (act && t <= c && isfinite(t)) {
                y[i] = (cc_dfit_obs){t, t, CC_DFIT_ACT};
                acts++;
            } else {
                /* never acted within an unbounded situation: censored at the longest time seen */
                y[i] = (cc_dfit_obs){isinf(c) ? (m ? ct[m - 1] : 0) : c, 0, CC_DFIT_CENSORED};
            }
        }
        if (acts == 0)
            continue;
        cc_dfit g;
        cc_dfit_km km;
        rc = cc_dfit_fit(f->model, y, n, f->fix_p, &g);
        if (rc == CC_OK)
            rc = cc_dfit_km_make(y, n, &km);
        if (rc != CC_OK)
            break;
        ge += cc_dfit_ks(&km, &g) >= d;
        ++*done;
        cc_dfit_km_free(&km);
    }
    if (rc == CC_OK && *done)
        *pvalue = (1.0 + ge) / (1.0 + *done);
    free(v);
    free(ct);
    free(cs);
    free(y);
    return rc;
}
