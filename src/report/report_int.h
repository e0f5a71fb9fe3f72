/* report_int — helpers shared by the report module's files (not installed). */
#ifndef CC_REPORT_INT_H
#define CC_REPORT_INT_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"

/* "+1d7h35m36s" for a scenario time in ms (whole seconds); "" for a negative time. */
void cc_report_tfmt(int64_t ms, char *buf, size_t size);
/* "2h30m" for a duration in ms (whole seconds; "0s" below one second). */
void cc_report_dfmt(int64_t ms, char *buf, size_t size);
/* Text of a table cell: strings as is, integers in decimal, reals with %.4g, null as "". */
void cc_report_cell_text(const json_t *v, cc_buf *out);
/* A section's member as a string, or "" when absent. */
const char *cc_report_str(const json_t *o, const char *key);

#endif
