/* summary — /api/summary: control's executive summary of the live exercise (server/summary.h). */
#include "server/summary.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static json_t *version_json(const cc_store_summary *m)
{
    return json_pack("{s:I,s:o,s:o,s:s,s:I}", "version", (json_int_t)m->version, "text",
                     m->text ? json_string(m->text) : json_null(), "label",
                     m->label ? json_string(m->label) : json_null(), "author", m->author ? m->author : "",
                     "saved_wall_ms", (json_int_t)m->created_wall_ms);
}

json_t *cc_summary_json(cc_store *st, int64_t ex, const char *draft, cc_error *err)
{
    cc_store_summary *v = NULL;
    size_t n = 0;
    if (cc_store_summary_list(st, ex, &v, &n, err) != CC_OK)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, version_json(&v[i]));
    json_t *cur = n && v[0].text ? version_json(&v[0]) : json_null();
    for (size_t i = 0; i < n; i++)
        cc_store_summary_clear(&v[i]);
    free(v);
    json_t *j = json_pack("{s:o,s:o,s:s}", "summary", cur, "versions", arr, "draft", draft ? draft : "");
    if (!j)
        snprintf(err->message, sizeof err->message, "out of memory");
    return j;
}

unsigned cc_summary_post(cc_store *st, int64_t ex, const cc_label_policy *p, const char *body, size_t len,
                         const char *author, int64_t now_wall_ms, int64_t *version, char *why, size_t whylen)
{
    *version = 0;
    json_error_t je;
    json_t *j = len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) : NULL;
    if (!j) {
        if (len)
            snprintf(why, whylen, "body: line %d, column %d: %s", je.line, je.column, je.text);
        else
            snprintf(why, whylen, "empty body: send {\"text\": ..., \"label\": ...}");
        return 400;
    }
    const char *key;
    json_t *val;
    unsigned status = 0;
    if (!json_is_object(j)) {
        snprintf(why, whylen, "body: a JSON object is expected");
        status = 400;
    }
    json_object_foreach(j, key, val)
    {
        if (status)
            break;
        if (strcmp(key, "text") != 0 && strcmp(key, "label") != 0 && strcmp(key, "author") != 0) {
            snprintf(why, whylen,
                     "unknown member \"%.40s\" (the members are \"text\", \"label\" and \"author\")", key);
            status = 400;
        } else if (!json_is_string(val) && !json_is_null(val)) {
            snprintf(why, whylen, "\"%s\" must be a string or null", key);
            status = 400;
        }
    }
    json_t *text = json_object_get(j, "text");
    const char *label = json_string_value(json_object_get(j, "label"));
    if (!status && !text) {
        snprintf(why, whylen, "\"text\" is missing (null goes back to the drafted summary)");
        status = 400;
    }
    if (!status && json_is_null(text) && label && *label) {
        snprintf(why, whylen, "\"label\" goes with a text, not with going back to the draft");
        status = 400;
    }
    const char *who = json_string_value(json_object_get(j, "author"));
    if (!status && who &&
        (!*who || json_string_length(json_object_get(j, "author")) > 60 || strlen(who) > 60)) {
        snprintf(why, whylen, "\"author\" is a name of 1 to 60 bytes");
        status = 400;
    }
    if (who)
        author = who;
    char canon[512];
    const char *t = json_string_value(text);
    if (!status && cc_report_summary_check(p, t, t ? json_string_length(text) : 0, label, canon, sizeof canon,
                                           why, whylen) != CC_OK)
        status = 400;
    if (!status) {
        cc_store_error err;
        cc_err rc =
            cc_store_summary_add(st, ex, t, *canon ? canon : NULL, author, now_wall_ms, version, &err);
        status = rc == CC_OK ? 200 : 503;
        if (rc != CC_OK)
            snprintf(why, whylen, "%s", err.message);
    }
    json_decref(j);
    return status;
}
