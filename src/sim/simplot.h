/* simplot — draws a simulation's results as a self-contained SVG: for every time metric, the
 * empirical CDF of each variant (a step line per variant, shared axes, a legend), and for every
 * rate, a bar per variant with its 95% interval. No external assets, no script. */
#ifndef CC_SIMPLOT_H
#define CC_SIMPLOT_H

#include "core/buf.h"
#include "core/diag.h"
#include "sim/sim.h"

/* Appends the SVG document to out. */
cc_err cc_simplot_svg(const cc_sim *r, const char *title, cc_buf *out);

#endif
