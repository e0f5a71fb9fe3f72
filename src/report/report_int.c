/* report_int — the small helpers the report module's files share: times and a document's cells as
 * text (not installed). */
#include "report/report_int.h"

#include <stdio.h>

#include "core/ctime.h"

void cc_report_tfmt(int64_t ms, char *buf, size_t size)
{
    if (ms < 0) {
        snprintf(buf, size, "%s", "");
        return;
    }
    buf[0] = '+';
    cc_duration_format(ms / 1000, buf + 1, size - 1);
}

void cc_report_dfmt(int64_t ms, char *buf, size_t size)
{
    cc_duration_format(ms / 1000, buf, size);
}

void cc_report_cell_text(const json_t *v, cc_buf *out)
{
    if (json_is_string(v))
        cc_buf_append(out, json_string_value(v), json_string_length(v));
    else if (json_is_integer(v))
        cc_buf_printf(out, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        cc_buf_printf(out, "%.4g", json_real_value(v));
    else if (json_is_true(v))
        cc_buf_puts(out, "yes");
    else if (json_is_false(v))
        cc_buf_puts(out, "no");
}

const char *cc_report_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}
