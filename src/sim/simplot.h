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

#endif
