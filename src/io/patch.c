/* patch — sets a numeric or duration field of a scenario's YAML tree by path, and parses sweep
 * specifications (patch.h). */
#include "io/patch.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"

static const char *const sections[] = {"mechanisms", "agents", "decisions", "guidelines", "seats", NULL};
static const char *const fields[] = {
    "deadline", "delay",  "after",   "max",      "probability", "approve", "channel_failure",
    "absence",  "within", "on_call", "revision", "value",       "min",     "mode",
    "median",   "sigma",  "mean",    "shape",    "scale",       NULL};

static int one_of(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

static void list_text(const char *const *list, char *buf, size_t size)
{
    buf[0] = 0;
    for (size_t i = 0, n = 0; list[i]; i++)
        n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", i ? ", " : "", list[i]);
}

static cc_err fail(cc_diags *d, const char *file, const char *path, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static cc_err fail(cc_diags *d, const char *file, const char *path, const char *hint, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cc_diags_add(d, CC_SEV_ERROR, file, (cc_pos){0, 0}, "bad-sweep-path", hint, "sweep path '%s': %s", path,
                 msg);
    return CC_ERR_INVALID;
}

/* The item of sequence n named by seg: the map whose id is seg, else the seg-th item (from 1). */
static cc_ynode *select_item(const cc_ynode *n, const char *seg)
{
    for (size_t i = 0; i < n->n; i++) {
        const cc_ynode *id = cc_ytree_get(n->items[i], "id");
        if (id && id->kind == CC_Y_SCALAR && strcmp(id->text, seg) == 0)
            return n->items[i];
    }
    char *end;
    unsigned long k = strtoul(seg, &end, 10);
    if (*seg && isdigit((unsigned char)seg[0]) && !*end && k >= 1 && k <= n->n)
        return n->items[k - 1];
    return NULL;
}

/* The ids of a sequence's items, for a hint. */
static void ids_text(const cc_ynode *n, char *buf, size_t size)
{
    size_t len = 0, named = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n->n && len < size; i++) {
        const cc_ynode *id = cc_ytree_get(n->items[i], "id");
        if (id && id->kind == CC_Y_SCALAR)
            len += (size_t)snprintf(buf + len, size - len, "%s%s", named++ ? ", " : "", id->text);
    }
    if (len < size)
        snprintf(buf + len, size - len, "%spositions 1 to %zu", named ? "; or " : "", n->n);
}

static cc_ynode *scalar(cc_arena *a, const char *text, cc_pos pos)
{
    cc_ynode *v = cc_arena_alloc(a, sizeof *v);
    char *t = cc_arena_strdup(a, text);
    if (!v || !t)
        return NULL;
    *v = (cc_ynode){.kind = CC_Y_SCALAR, .style = CC_YS_PLAIN, .pos = pos, .text = t, .len = strlen(t)};
    return v;
}

/* Sets key of map m to a new scalar (adding the key when absent). */
static cc_err set_key(cc_ynode *m, const char *key, const char *value, cc_arena *a)
{
    for (size_t i = 0; i < m->n; i++) {
        cc_ynode *k = m->items[2 * i];
        if (k->kind == CC_Y_SCALAR && strcmp(k->text, key) == 0) {
            cc_ynode *v = scalar(a, value, m->items[2 * i + 1]->pos);
            if (!v)
                return CC_ERR_NOMEM;
            m->items[2 * i + 1] = v;
            return CC_OK;
        }
    }
    cc_ynode **items = cc_arena_array(a, 2 * (m->n + 1), sizeof *items);
    cc_ynode *k = scalar(a, key, m->pos), *v = scalar(a, value, m->pos);
    if (!items || !k || !v)
        return CC_ERR_NOMEM;
    if (m->n)
        memcpy(items, m->items, 2 * m->n * sizeof *items);
    items[2 * m->n] = k;
    items[2 * m->n + 1] = v;
    m->items = items;
    m->n++;
    return CC_OK;
}

/* A number ("0.25", "3") or a duration ("90m"): 1 number, 2 duration, 0 neither. */
static int value_kind(const char *v, double *x)
{
    char *end;
    double d = strtod(v, &end);
    if (*v && end != v && !*end && isfinite(d) && !isspace((unsigned char)v[0])) {
        *x = d;
        return 1;
    }
    int64_t s;
    if (cc_duration_parse(v, strlen(v), &s, NULL) == CC_OK) {
        *x = (double)s / 3600.0;
        return 2;
    }
    return 0;
}

cc_err cc_patch_apply(cc_ynode *root, const cc_patch *p, cc_arena *arena, const char *file, cc_diags *d)
{
    char path[512], list[512];
    double x;
    if (strlen(p->path) >= sizeof path)
        return fail(d, file, "(too long)", NULL, "a path has at most 511 characters");
    if (!value_kind(p->value, &x))
        return fail(d, file, p->path, "write a number (0.25) or a duration (90m, 2h)",
                    "'%s' is neither a number nor a duration", p->value);
    strcpy(path, p->path);
    char *save = NULL, *seg = strtok_r(path, ".", &save);
    if (!seg || !one_of(seg, sections)) {
        list_text(sections, list, sizeof list);
        return fail(d, file, p->path, NULL, "it must start with a section: %s", list);
    }
    if (!root || root->kind != CC_Y_MAP)
        return fail(d, file, p->path, NULL, "the scenario is not a map");
    cc_ynode *n = cc_ytree_get(root, seg);
    if (!n)
        return fail(d, file, p->path, NULL, "the scenario has no '%s'", seg);
    cc_ynode *parent = root;
    const char *key = seg;
    for (char *next = strtok_r(NULL, ".", &save); next; next = strtok_r(NULL, ".", &save)) {
        if (!n)
            return fail(d, file, p->path, NULL, "'%s' is absent, so '%s' cannot be reached", key, next);
        if (n->kind == CC_Y_SEQ) {
            cc_ynode *it = select_item(n, next);
            if (!it) {
                ids_text(n, list, sizeof list);
                return fail(d, file, p->path, NULL, "'%s' has no item '%s' (items: %s)", key, next, list);
            }
            parent = NULL; /* an item is not a field */
            n = it;
            key = next;
            continue;
        }
        if (n->kind != CC_Y_MAP)
            return fail(d, file, p->path, NULL, "'%s' is a value, so '%s' cannot be reached", key, next);
        parent = n;
        key = next;
        n = cc_ytree_get(n, next);
    }
    if (!parent || !one_of(key, fields)) {
        list_text(fields, list, sizeof list);
        return fail(d, file, p->path, "sweep a numeric or duration field", "'%s' is not one of: %s", key,
                    list);
    }
    if (n && n->kind != CC_Y_SCALAR) {
        char hint[600];
        size_t len = (size_t)snprintf(hint, sizeof hint, "name one of its fields:");
        for (size_t i = 0; n->kind == CC_Y_MAP && i < n->n && len < sizeof hint; i++) {
            const cc_ynode *k = n->items[2 * i];
            if (k->kind == CC_Y_SCALAR && one_of(k->text, fields))
                len += (size_t)snprintf(hint + len, sizeof hint - len, " %s.%s", p->path, k->text);
        }
        return fail(d, file, p->path, n->kind == CC_Y_MAP ? hint : NULL, "'%s' is a %s, not a value", key,
                    n->kind == CC_Y_MAP ? "map" : "list");
    }
    return set_key(parent, key, p->value, arena);
}

/* ---- sweep specifications --------------------------------------------------------------- */

static cc_err why_err(char *why, size_t len, cc_err rc, const char *fmt, const char *a)
{
    snprintf(why, len, fmt, a);
    return rc;
}

static int add_value(cc_sweep *sw, const char *text, double x)
{
    char **v = realloc(sw->values, (sw->n + 1) * sizeof *v);
    if (v)
        sw->values = v;
    double *xs = v ? realloc(sw->x, (sw->n + 1) * sizeof *xs) : NULL;
    if (xs)
        sw->x = xs;
    char *t = xs ? strdup(text) : NULL;
    if (!t)
        return 0;
    sw->values[sw->n] = t;
    sw->x[sw->n++] = x;
    return 1;
}

/* A..B/STEP */
static cc_err parse_range(cc_sweep *sw, char *vals, char *dots, char *why, size_t whylen)
{
    char *slash = strrchr(dots, '/');
    if (!slash)
        return why_err(why, whylen, CC_ERR_PARSE, "a range needs a step: A..B/STEP, e.g. 1h..24h/1h%s", "");
    *dots = 0;
    *slash = 0;
    const char *a = vals, *b = dots + 2, *st = slash + 1;
    double xa, xb, xs;
    int ka = value_kind(a, &xa), kb = value_kind(b, &xb), ks = value_kind(st, &xs);
    if (!ka || !kb || !ks)
        return why_err(why, whylen, CC_ERR_PARSE, "'%s' is neither a number nor a duration",
                       !ka   ? a
                       : !kb ? b
                             : st);
    if (ka != kb || ka != ks)
        return why_err(why, whylen, CC_ERR_PARSE, "a range is all numbers or all durations (%s)", vals);
    if (!(xs > 0))
        return why_err(why, whylen, CC_ERR_PARSE, "the step '%s' must be more than 0", st);
    if (xb < xa)
        return why_err(why, whylen, CC_ERR_PARSE, "the range ends before it starts (%s)", a);
    double count = floor((xb - xa) / xs + 1e-9) + 1;
    if (count > CC_SWEEP_MAX)
        return why_err(why, whylen, CC_ERR_LIMIT, "a sweep has at most 1000 points%s", "");
    sw->durations = ka == 2;
    for (size_t k = 0; k < (size_t)count; k++) {
        char text[64];
        double x = xa + (double)k * xs;
        if (sw->durations) {
            int64_t sa, ss;
            cc_duration_parse(a, strlen(a), &sa, NULL);
            cc_duration_parse(st, strlen(st), &ss, NULL);
            cc_duration_format(sa + (int64_t)k * ss, text, sizeof text);
            x = (double)(sa + (int64_t)k * ss) / 3600.0;
        } else {
            x = round(x * 1e9) / 1e9; /* 0.1 + 2 x 0.1 is 0.3, not 0.30000000000000004 */
            snprintf(text, sizeof text, "%.10g", x);
        }
        if (!add_value(sw, text, x))
            return CC_ERR_NOMEM;
    }
    return CC_OK;
}

cc_err cc_sweep_parse(const char *spec, cc_sweep *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return why_err(why, whylen, CC_ERR_PARSE, "write PATH=V1,V2,... or PATH=A..B/STEP, not '%s'", spec);
    char *vals = strdup(eq + 1);
    out->path = strndup(spec, (size_t)(eq - spec));
    if (!vals || !out->path) {
        free(vals);
        cc_sweep_free(out);
        return CC_ERR_NOMEM;
    }
    cc_err rc = CC_OK;
    char *dots = strstr(vals, "..");
    if (!*vals) {
        rc = why_err(why, whylen, CC_ERR_PARSE, "no values after '%s='", out->path);
    } else if (dots) {
        rc = parse_range(out, vals, dots, why, whylen);
    } else {
        int kind = 0;
        for (char *v = vals, *next; v && rc == CC_OK; v = next) {
            next = strchr(v, ',');
            if (next)
                *next++ = 0;
            double x;
            int k = value_kind(v, &x);
            if (!*v)
                rc = why_err(why, whylen, CC_ERR_PARSE,
                             "an empty value in '%s' (two commas, or one at an end)", eq + 1);
            else if (!k)
                rc = why_err(why, whylen, CC_ERR_PARSE, "'%s' is neither a number nor a duration", v);
            else if (kind && k != kind)
                rc = why_err(why, whylen, CC_ERR_PARSE, "the values are all numbers or all durations ('%s')",
                             v);
            else if (out->n == CC_SWEEP_MAX)
                rc = why_err(why, whylen, CC_ERR_LIMIT, "a sweep has at most 1000 points%s", "");
            else if (!add_value(out, v, x))
                rc = CC_ERR_NOMEM;
            kind = k;
        }
        out->durations = kind == 2;
        if (rc == CC_OK && out->n == 0)
            rc = why_err(why, whylen, CC_ERR_PARSE, "no values after '%s='", out->path);
    }
    for (size_t i = 0; rc == CC_OK && i < out->n; i++)
        for (size_t j = 0; j < i; j++)
            if (out->x[i] == out->x[j]) {
                rc = why_err(why, whylen, CC_ERR_PARSE, "the value '%s' is given twice", out->values[i]);
                break;
            }
    free(vals);
    if (rc != CC_OK)
        cc_sweep_free(out);
    return rc;
}

void cc_sweep_free(cc_sweep *sw)
{
    for (size_t i = 0; i < sw->n; i++)
        free(sw->values[i]);
    free(sw->values);
    free(sw->x);
    free(sw->path);
    memset(sw, 0, sizeof *sw);
}
