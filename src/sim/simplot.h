/* simplot — draws a simulation's results by hand, readable without any other tool: for every
 * time metric the empirical CDF and the histogram of each variant (shared axes, a legend), for
 * every rate a bar per variant with its 95% interval; as one SVG document, or as one
 * self-contained HTML page (summary tables, differences, the SVGs inline; no script, no
 * external asset). */
#ifndef CC_SIMPLOT_H
#define CC_SIMPLOT_H

#include "core/buf.h"
#include "core/diag.h"
#include "sim/sim.h"

/* Appends the SVG document to out. CC_ERR_NOMEM when out could not grow. */
cc_err cc_simplot_svg(const cc_sim *r, const char *title, cc_buf *out);
/* Appends the HTML page to out: per metric its summary table, the pairwise differences of
 * means and its panels. CC_ERR_NOMEM when out could not grow. */
cc_err cc_simplot_html(const cc_sim *r, const char *title, cc_buf *out);

/* A sweep (cc_sim_opts.points): per metric one panel, the response curve of each variant over
 * the swept values (for a time its restricted mean, for a rate its probability) with its 95% band,
 * the baseline point marked. The SVG document, or the HTML page with per metric a table of the
 * estimates and of the paired differences against the baseline point. CC_ERR_NOMEM when out
 * could not grow. */
cc_err cc_simplot_sweep_svg(const cc_sim *r, const cc_sim_axis *ax, const char *title, cc_buf *out);
cc_err cc_simplot_sweep_html(const cc_sim *r, const cc_sim_axis *ax, const char *title, cc_buf *out);

#endif
