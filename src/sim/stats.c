/* stats — interval methods and the Kaplan-Meier estimate (see stats.h). */
#include "sim/stats.h"

#include <math.h>

/* Wichura, "Algorithm AS 241: The percentage points of the normal distribution" (1988), PPND16. */
double cc_stats_normal_quantile(double p)
{
    if (!(p > 0 && p < 1))
        return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
    double q = p - 0.5, r, x;
    if (fabs(q) <= 0.425) {
        r = 0.180625 - q * q;
        return q *
               (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                    45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
                 133.14166789178437745) * r + 3.387132872796366608) /
               (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                    21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
                 42.313330701600911252) * r + 1.0);
    }
    r = q < 0 ? p : 1 - p;
    r = sqrt(-log(r));
    if (r <= 5) {
        r -= 1.6;
        x = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
                 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
              4.6303378461565452959) * r + 1.42343711074968357734) /
            (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
                 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
              2.05319162663775882187) * r + 1.0);
    } else {
        r -= 5;
        x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
                 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
              5.4637849111641143699) * r + 6.6579046435011037772) /
            (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
                 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
              0.59983220655588793769) * r + 1.0);
    }
    return q < 0 ? -x : x;
}

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 1000; m++) {
        double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + aa * d;
        d = fabs(d) < tiny ? 1 / tiny : 1 / d;
        c = 1 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + aa * d;
        d = fabs(d) < tiny ? 1 / tiny : 1 / d;
        c = 1 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-15)
            break;
    }
    return h;
}

/* The regularized incomplete beta function I_x(a, b). */
static double beta_inc(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1) / (a + b + 2))
        return exp(lbt) * beta_cf(a, b, x) / a;
    return 1 - exp(lbt) * beta_cf(b, a, 1 - x) / b;
}

double cc_stats_t_cdf(double t, double df)
{
    if (isnan(t) || !(df > 0))
        return NAN;
    double tail = 0.5 * beta_inc(df / 2, 0.5, df / (df + t * t));
    return t > 0 ? 1 - tail : tail;
}

double cc_stats_t_quantile(double p, double df)
{
    if (!(p > 0 && p < 1) || !(df > 0))
        return NAN;
    if (df > 1e7)
        return cc_stats_normal_quantile(p);
    if (p < 0.5)
        return -cc_stats_t_quantile(1 - p, df);
    /* bracket, then bisect on the CDF: monotone, so this converges whatever df */
    double lo = 0, hi = 1;
    while (cc_stats_t_cdf(hi, df) < p && hi < 1e300)
        hi *= 2;
    for (int k = 0; k < 200 && hi - lo > 1e-13 * (1 + hi); k++) {
        double mid = 0.5 * (lo + hi);
        if (cc_stats_t_cdf(mid, df) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

void cc_stats_wilson(size_t k, size_t n, double z, double *lo, double *hi)
{
    if (n == 0) {
        *lo = *hi = NAN;
        return;
    }
    double N = (double)n, p = (double)k / N, z2 = z * z;
    double centre = (p + z2 / (2 * N)) / (1 + z2 / N);
    double half = z * sqrt(p * (1 - p) / N + z2 / (4 * N * N)) / (1 + z2 / N);
    *lo = k == 0 ? 0 : centre - half;
    *hi = k == n ? 1 : centre + half;
}

void cc_stats_newcombe_paired(size_t a, size_t b, size_t c, size_t d, double z, double *diff, double *lo,
                              double *hi, double *phi)
{
    size_t n = a + b + c + d;
    if (n == 0) {
        *diff = *lo = *hi = *phi = NAN;
        return;
    }
    double N = (double)n, p1 = (double)(a + b) / N, p2 = (double)(a + c) / N;
    double l1, u1, l2, u2;
    cc_stats_wilson(a + b, n, z, &l1, &u1);
    cc_stats_wilson(a + c, n, z, &l2, &u2);
    double den = (double)(a + b) * (double)(c + d) * (double)(a + c) * (double)(b + d);
    double f = den > 0 ? ((double)a * (double)d - (double)b * (double)c) / sqrt(den) : 0;
    double dl = (p1 - l1) * (p1 - l1) - 2 * f * (p1 - l1) * (u2 - p2) + (u2 - p2) * (u2 - p2);
    double du = (u1 - p1) * (u1 - p1) - 2 * f * (u1 - p1) * (p2 - l2) + (p2 - l2) * (p2 - l2);
    *diff = p1 - p2;
    *lo = *diff - sqrt(dl > 0 ? dl : 0);
    *hi = *diff + sqrt(du > 0 ? du : 0);
    *phi = f;
}

void cc_stats_km(const double *time, const uint8_t *event, size_t n, double *surv)
{
    double s = 1;
    size_t i = 0;
    while (i < n) {
        /* all observations at this time: events, then censorings (still at risk at the time) */
        size_t j = i, deaths = 0;
        while (j < n && time[j] == time[i])
            deaths += event[j++];
        size_t at_risk = n - i;
        if (deaths)
            s *= 1.0 - (double)deaths / (double)at_risk;
        for (size_t k = i; k < j; k++)
            surv[k] = s;
        i = j;
    }
}
