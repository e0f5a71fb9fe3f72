/* calplot — the calibration's SVG, drawn by hand (docs/calibration.md, "Goodness of fit"): per
 * fitted rule, the Kaplan-Meier estimate of acting against the fitted model p F (left) and a QQ
 * panel, the model's quantile against each observed delay (right). */
#ifndef CC_CALPLOT_H
#define CC_CALPLOT_H

#include "core/buf.h"
#include "core/diag.h"
#include "sim/calib.h"

/* Appends the SVG document of a fitted calibration to out. CC_ERR_NOMEM. */
cc_err cc_calplot_svg(const cc_calib *c, cc_buf *out);

#endif
