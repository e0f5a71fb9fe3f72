/* report_lang — a report document in another language (report_lang.h). A catalogue maps an
 * English text to its translation; a key with "{}" is a pattern whose captures ({1}, {2}, ... in
 * the translation, in any order) are themselves translated, so that generated sentences and their
 * scenario texts both read in the reader's language. */
#include "report/report_lang.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/lang.h"
#include "core/scenario_model.h"
#include "report/report_int.h"

struct report_lang_file {
    const char *path, *type;
    const unsigned char *data;
    size_t len;
};
#include "report_lang.inc"

#define MAX_CAPTURES 8
#define MAX_DEPTH 5

/* The embedded catalogue of tag, or NULL. */
static const struct report_lang_file *catalogue_file(const char *tag)
{
    for (const struct report_lang_file *f = report_lang_files; tag && f->path; f++) {
        size_t n = strlen(f->path);
        char t[CC_LANG_TAG_MAX + 1];
        if (n < 7 || n - 6 >= sizeof t)
            continue;
        memcpy(t, f->path + 1, n - 6); /* "/ko.json" */
        t[n - 6] = 0;
        if (cc_lang_eq(t, tag))
            return f;
    }
    return NULL;
}

bool cc_report_lang_known(const char *tag)
{
    return catalogue_file(tag) != NULL;
}

void cc_report_lang_list(char *buf, size_t size)
{
    size_t n = 0;
    if (size)
        buf[0] = 0;
    for (const struct report_lang_file *f = report_lang_files; f->path && n < size; f++) {
        int w = snprintf(buf + n, size - n, "%s%.*s", n ? ", " : "", (int)(strlen(f->path) - 6), f->path + 1);
        n += w > 0 ? (size_t)w : 0;
    }
}

typedef struct loc {
    json_t *cat;   /* the catalogue: English -> lang */
    json_t *texts; /* the scenario's authoritative texts -> their text in lang */
    json_t *subs;  /* the current section's substitutions: [[in lang, authoritative], ...] */
    json_t *seen;  /* of subs, by text in lang */
    int oom;
} loc;

static const char *tr(loc *L, const char *text, int depth, cc_buf *buf);
static const char *tr_list(loc *L, const char *text, int depth, cc_buf *buf);

/* Matches text t against pattern k from capture n on: "{}" captures one byte or more, "{w}" one
 * word (no space); each capture takes the shortest text for which the rest matches. Fills cap[]
 * and capn[]; returns the number of captures, -1 when it does not match. */
static int match_at(const char *k, const char *t, const char **cap, size_t *capn, int n)
{
    for (;;) {
        bool word = strncmp(k, "{w}", 3) == 0;
        if (word || strncmp(k, "{}", 2) == 0)
            break;
        if (!*k)
            return *t ? -1 : n;
        if (*k++ != *t++)
            return -1;
    }
    bool word = k[1] == 'w';
    const char *rest = k + (word ? 3 : 2);
    if (n == MAX_CAPTURES)
        return -1;
    for (size_t len = 1; t[len - 1] && !(word && t[len - 1] == ' '); len++) {
        cap[n] = t;
        capn[n] = len;
        int r = match_at(rest, t + len, cap, capn, n + 1);
        if (r >= 0)
            return r;
    }
    return -1;
}

static bool is_pattern(const char *key)
{
    return strstr(key, "{}") || strstr(key, "{w}");
}

/* The translation of a pattern into out: {N} replaced by capture N translated. */
static void expand(loc *L, const char *val, const char **cap, const size_t *capn, int n, int depth,
                   cc_buf *out)
{
    cc_buf_reset(out);
    for (const char *p = val; *p; p++) {
        if (p[0] == '{' && p[1] >= '1' && p[1] <= '0' + n && p[2] == '}') {
            int i = p[1] - '1';
            cc_buf c, tb;
            cc_buf_init(&c);
            cc_buf_init(&tb);
            cc_buf_append(&c, cap[i], capn[i]);
            cc_buf_putc(&c, 0);
            if (c.oom)
                L->oom = 1;
            else
                cc_buf_puts(out, tr(L, c.data, depth + 1, &tb));
            cc_buf_free(&c);
            cc_buf_free(&tb);
            p += 2;
        } else {
            cc_buf_putc(out, *p);
        }
    }
    cc_buf_putc(out, 0);
    if (out->oom)
        L->oom = 1;
}

/* Records that a scenario text was given in the reader's language. */
static void note_sub(loc *L, const char *text, const char *auth)
{
    if (!L->subs || json_object_get(L->seen, text))
        return;
    if (json_object_set_new(L->seen, text, json_true()) ||
        json_array_append_new(L->subs, json_pack("[s,s]", text, auth)))
        L->oom = 1;
}

/* text for the reader: a scenario text in lang, a catalogue entry, a pattern's expansion, or text
 * itself. The answer is text, a string of the catalogue or the scenario, or buf. */
static const char *tr(loc *L, const char *text, int depth, cc_buf *buf)
{
    const char *v = json_string_value(json_object_get(L->texts, text));
    if (v) {
        note_sub(L, v, text);
        return v;
    }
    v = json_string_value(json_object_get(L->cat, text));
    if (v && !is_pattern(text))
        return v;
    if (depth >= MAX_DEPTH || !*text)
        return text;
    const char *key;
    json_t *val;
    json_object_foreach(L->cat, key, val)
    {
        const char *cap[MAX_CAPTURES];
        size_t capn[MAX_CAPTURES];
        if (!is_pattern(key))
            continue;
        int n = match_at(key, text, cap, capn, 0);
        if (n <= 0)
            continue;
        expand(L, json_string_value(val), cap, capn, n, depth, buf);
        return buf->oom ? text : buf->data;
    }
    return tr_list(L, text, depth, buf);
}

/* A list no key matches whole ("a; b; c", else "a, b, c": objectives, capabilities, counts, the
 * evidence of a finding): each item translated in turn, joined as before; text itself when no item
 * changes. */
static const char *tr_list(loc *L, const char *text, int depth, cc_buf *buf)
{
    const char *sep = strstr(text, "; ") ? "; " : strstr(text, ", ") ? ", " : NULL;
    if (!sep)
        return text;
    bool changed = false;
    cc_buf out;
    cc_buf_init(&out);
    for (const char *p = text;;) {
        const char *e = strstr(p, sep);
        size_t n = e ? (size_t)(e - p) : strlen(p);
        cc_buf part, tb;
        cc_buf_init(&part);
        cc_buf_init(&tb);
        cc_buf_append(&part, p, n);
        cc_buf_putc(&part, 0);
        const char *t = part.oom ? p : tr(L, part.data, depth + 1, &tb);
        if (part.oom)
            L->oom = 1;
        else
            changed |= t != part.data;
        cc_buf_puts(&out, part.oom ? "" : t);
        cc_buf_free(&part);
        cc_buf_free(&tb);
        if (!e)
            break;
        cc_buf_puts(&out, sep);
        p = e + 2;
    }
    cc_buf_putc(&out, 0);
    if (changed && !out.oom) {
        cc_buf_reset(buf);
        cc_buf_puts(buf, out.data);
        cc_buf_putc(buf, 0);
    }
    if (out.oom || buf->oom)
        L->oom = 1;
    cc_buf_free(&out);
    return changed && !out.oom && !buf->oom ? buf->data : text;
}

/* Replaces the string at *slot (an array's element i, or an object's member k) by its translation. */
static void tr_item(loc *L, json_t *arr, size_t i, json_t *obj, const char *k)
{
    json_t *v = arr ? json_array_get(arr, i) : json_object_get(obj, k);
    const char *s = json_string_value(v);
    if (!s)
        return;
    cc_buf buf;
    cc_buf_init(&buf);
    const char *t = tr(L, s, 0, &buf);
    if (t != s) {
        json_t *n = json_string(t);
        if (!n || (arr ? json_array_set_new(arr, i, n) : json_object_set_new(obj, k, n)))
            L->oom = 1;
    }
    cc_buf_free(&buf);
}

static void tr_array(loc *L, json_t *arr)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        tr_item(L, arr, i, NULL, NULL);
}

static void tr_table(loc *L, json_t *t)
{
    tr_item(L, NULL, 0, t, "title");
    tr_item(L, NULL, 0, t, "note");
    json_t *h = json_deep_copy(json_object_get(t, "columns"));
    tr_array(L, h);
    if (!h || json_object_set_new(t, "headings", h))
        L->oom = 1;
    json_t *row;
    size_t i;
    json_array_foreach(json_object_get(t, "rows"), i, row)
    {
        tr_array(L, row);
    }
}

/* A section's table of its scenario texts in lang beside the authoritative ones (rows as given). */
static void authoritative_table(loc *L, json_t *sec, json_t *subs, const char *auth)
{
    char pat[200];
    snprintf(pat, sizeof pat, "Texts in the authoritative language (%s)", auth);
    cc_buf b[3];
    for (int i = 0; i < 3; i++)
        cc_buf_init(&b[i]);
    json_t *t =
        json_pack("{s:s,s:s,s:[s,s],s:[s,s],s:o}", "id", "authoritative", "title", tr(L, pat, 0, &b[0]),
                  "columns", "text", "authoritative text", "headings", tr(L, "text", 0, &b[1]),
                  tr(L, "authoritative text", 0, &b[2]), "rows", json_deep_copy(subs));
    if (!t || json_array_append_new(json_object_get(sec, "tables"), t))
        L->oom = 1;
    for (int i = 0; i < 3; i++)
        cc_buf_free(&b[i]);
}

/* Text between '>' and '<' of generated SVG (XML-escaped as report_svg writes it) translated. */
static void tr_svg_text(loc *L, const char *p, size_t n, cc_buf *out)
{
    static const char *const ent[][2] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
    char raw[2048];
    size_t r = 0;
    if (n >= sizeof raw) { /* longer than any text of a figure: as it is */
        cc_buf_append(out, p, n);
        return;
    }
    for (size_t i = 0; i < n && r + 1 < sizeof raw;) {
        size_t e = 0;
        while (e < 5 && strncmp(p + i, ent[e][0], strlen(ent[e][0])) != 0)
            e++;
        raw[r++] = e < 5 ? ent[e][1][0] : p[i];
        i += e < 5 ? strlen(ent[e][0]) : 1;
    }
    raw[r] = 0;
    cc_buf buf;
    cc_buf_init(&buf);
    const char *t = tr(L, raw, 0, &buf);
    if (t == raw) {
        cc_buf_append(out, p, n);
        cc_buf_free(&buf);
        return;
    }
    for (; *t; t++) {
        size_t e = 0;
        while (e < 5 && *t != ent[e][1][0])
            e++;
        if (e < 5)
            cc_buf_puts(out, ent[e][0]);
        else
            cc_buf_putc(out, *t);
    }
    cc_buf_free(&buf);
}

/* A section's figure: each text of it translated. */
static void tr_svg(loc *L, json_t *sec)
{
    const char *svg = json_string_value(json_object_get(sec, "svg"));
    if (!svg)
        return;
    cc_buf b;
    cc_buf_init(&b);
    for (const char *p = svg; *p;) {
        const char *gt = strchr(p, '>');
        const char *lt = gt ? strchr(gt + 1, '<') : NULL;
        if (!gt || !lt) {
            cc_buf_puts(&b, p);
            break;
        }
        cc_buf_append(&b, p, (size_t)(gt + 1 - p));
        tr_svg_text(L, gt + 1, (size_t)(lt - gt - 1), &b);
        p = lt;
    }
    json_t *v = b.oom ? NULL : json_stringn(b.data ? b.data : "", b.len);
    if (!v || json_object_set_new(sec, "svg", v))
        L->oom = 1;
    cc_buf_free(&b);
}

static void tr_section(loc *L, json_t *sec, const char *auth)
{
    L->subs = json_array();
    L->seen = json_object();
    if (!L->subs || !L->seen)
        L->oom = 1;
    tr_item(L, NULL, 0, sec, "title");
    tr_item(L, NULL, 0, sec, "banner"); /* its note ("no party may receive all of it") */
    tr_array(L, json_object_get(sec, "intro"));
    tr_svg(L, sec);
    json_t *mark;
    size_t m;
    json_array_foreach(json_object_get(json_object_get(sec, "timeline"), "marks"), m, mark)
    {
        tr_item(L, NULL, 0, mark, "text");
    }
    json_t *f, *t;
    size_t i;
    json_array_foreach(json_object_get(sec, "facts"), i, f)
    {
        tr_array(L, f);
    }
    json_array_foreach(json_object_get(sec, "tables"), i, t)
    {
        tr_table(L, t);
    }
    json_t *subs = L->subs;
    L->subs = NULL; /* what follows is no scenario text */
    if (auth && json_array_size(subs))
        authoritative_table(L, sec, subs, auth);
    json_decref(subs);
    json_decref(L->seen);
    L->seen = NULL;
}

/* The scenario's authoritative texts -> their text in lang (those that differ). */
static json_t *scenario_texts(const cc_scenario *s, const char *lang)
{
    json_t *m = json_object();
    for (size_t i = 0; m && i < s->ntranslations; i++) {
        const cc_translation *t = &s->translations[i];
        if (cc_lang_eq(s->languages.v[t->lang], lang) && strcmp(t->text, t->value) != 0 &&
            json_object_set_new(m, t->text, json_string(t->value))) {
            json_decref(m);
            return NULL;
        }
    }
    return m;
}

cc_err cc_report_localise(json_t *doc, const cc_scenario *s, const char *lang, cc_error *err)
{
    const struct report_lang_file *f = catalogue_file(lang);
    if (!f) {
        char list[200];
        cc_report_lang_list(list, sizeof list);
        cc_error_set(err, CC_ERR_NOTFOUND, "no report catalogue for language '%s' (built in: %s)",
                     lang ? lang : "", list);
        return CC_ERR_NOTFOUND;
    }
    /* a simulation's comparison report has no scenario (s NULL): the catalogue only */
    const char *auth = s ? cc_scenario_authoritative_language(s) : NULL;
    if (cc_lang_eq(lang, "en") && (!auth || cc_lang_eq(auth, "en")))
        return CC_OK;
    loc L = {0};
    L.cat = json_loadb((const char *)f->data, f->len, JSON_REJECT_DUPLICATES, NULL);
    L.texts = s ? scenario_texts(s, lang) : json_object();
    if (!L.cat || !L.texts) {
        json_decref(L.cat);
        json_decref(L.texts);
        return cc_error_set(err, CC_ERR_NOMEM, "the catalogue of '%s' does not load", lang);
    }
    tr_item(&L, NULL, 0, doc, "title");
    tr_item(&L, NULL, 0, doc, "banner");
    tr_array(&L, json_object_get(doc, "alerts"));
    json_t *sec;
    size_t i;
    json_array_foreach(json_object_get(doc, "sections"), i, sec)
    {
        tr_section(&L, sec, auth);
    }
    cc_buf nb;
    cc_buf_init(&nb);
    if (json_object_set_new(doc, "lang", json_string(lang)) ||
        json_object_set_new(doc, "none", json_string(tr(&L, "None.", 0, &nb))) ||
        (auth && json_object_set_new(doc, "authoritative_language", json_string(auth))))
        L.oom = 1;
    cc_buf_free(&nb);
    json_decref(L.cat);
    json_decref(L.texts);
    return L.oom ? cc_error_set(err, CC_ERR_NOMEM, "out of memory") : CC_OK;
}
