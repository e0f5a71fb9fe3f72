/* report_summary — control's executive summary as kept in the store: the check of a text and its
 * label before it is saved (by `caucus summary` and /api/summary), and the drafted summary's text
 * out of a report document (docs/report.md#executive-summary). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/label.h"
#include "core/utf8.h"
#include "report/report.h"

cc_err cc_report_summary_check(const cc_label_policy *p, const char *text, size_t len, const char *label,
                               char *canon, size_t canonlen, char *why, size_t whylen)
{
    if (canonlen)
        canon[0] = 0;
    if (text) {
        size_t bad = 0;
        if (strlen(text) != len) {
            snprintf(why, whylen, "the summary holds a NUL byte at offset %zu", strlen(text));
            return CC_ERR_INVALID;
        }
        if (len > CC_REPORT_SUMMARY_MAX) {
            snprintf(why, whylen, "the summary is %zu bytes; at most %u are kept", len,
                     (unsigned)CC_REPORT_SUMMARY_MAX);
            return CC_ERR_INVALID;
        }
        cc_utf8_status u = cc_utf8_check(text, len, &bad);
        if (u != CC_UTF8_OK) {
            cc_pos at = cc_utf8_pos(text, len, bad);
            snprintf(why, whylen, "the summary is not UTF-8 at line %d, column %d: %s", at.line, at.col,
                     cc_utf8_status_str(u));
            return CC_ERR_INVALID;
        }
        size_t i = 0;
        while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
            i++;
        if (i == len) {
            snprintf(why, whylen, "the summary is empty (to go back to the drafted summary, clear it)");
            return CC_ERR_INVALID;
        }
    }
    if (label && *label) {
        cc_label l;
        cc_label_error le;
        if (cc_label_parse(p, label, strlen(label), -1, &l, &le) != CC_OK) {
            snprintf(why, whylen, "the summary's label '%s' is not a label of the scenario's policy: %s",
                     label, le.message);
            return CC_ERR_INVALID;
        }
        if (cc_label_format(p, &l, canon, canonlen) >= (int)canonlen) {
            snprintf(why, whylen, "the summary's label '%s' is too long", label);
            return CC_ERR_INVALID;
        }
    }
    return CC_OK;
}

char *cc_report_summary_text(const json_t *doc)
{
    const json_t *secs = json_object_get(doc, "sections"), *sec;
    size_t i;
    json_array_foreach(secs, i, sec)
    {
        const char *id = json_string_value(json_object_get(sec, "id"));
        if (!id || strcmp(id, "summary") != 0)
            continue;
        cc_buf b;
        cc_buf_init(&b);
        const json_t *para;
        size_t k;
        json_array_foreach(json_object_get(sec, "intro"), k, para)
        {
            const char *t = json_string_value(para);
            if (t)
                cc_buf_printf(&b, "%s%s", b.len ? "\n\n" : "", t);
        }
        if (b.oom) {
            cc_buf_free(&b);
            return NULL;
        }
        return b.data ? b.data : strdup("");
    }
    return strdup("");
}
