/* calout — what a calibration says, written out (docs/calibration.md, "Output"): the agents file
 * (the scenario format's agents syntax, the seats' assignment, a comment header naming the logs
 * and each rule's fit), the text report, and the JSON with every number. Appends to buffers the
 * caller owns; prints nothing. */
#ifndef CC_CALOUT_H
#define CC_CALOUT_H

#include <jansson.h>

#include "core/buf.h"
#include "core/diag.h"
#include "sim/calib.h"

/* Appends the agents file of a fitted calibration. CC_ERR_NOMEM, or CC_ERR_INVALID when a text
 * of the scenario cannot be written as YAML (not UTF-8: the loader never lets one in). */
cc_err cc_calout_agents(const cc_calib *c, cc_buf *out);

/* Appends the text report. CC_ERR_NOMEM. */
cc_err cc_calout_text(const cc_calib *c, cc_buf *out);

/* Every number of the calibration as a JSON object (new reference); NULL when out of memory. */
json_t *cc_calout_json(const cc_calib *c);

/* The delay a rule gets in the agents file, as the scenario format writes it (`{dist: lognormal,
 * median: 19m58s, sigma: 0.8869}`), appended to out: the fitted one, or the scenario's. */
cc_err cc_calout_delay(const cc_calib_rule *R, cc_buf *out);

#endif
