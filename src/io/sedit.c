/* sedit — item-level edits of scenario text. The text is parsed once (io/ytree, with its
 * positions); a section's span runs from its key's line to the next top-level key (less the
 * blank and comment lines that lead into that key), an item's span from its line to the next
 * item's. An edit writes the new item (io/yaml_write scalars) and splices it into the lines it
 * replaces; nothing else of the text is touched. */
#include "io/sedit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "io/yaml_write.h"
#include "io/ytree.h"

#define FLOW_WIDTH 100 /* longest flow item or value written on one line */

struct cc_sedit {
    char *text;
    size_t len;
    cc_arena *a;
    cc_ynode *root;
    size_t *off; /* off[l]: byte offset of line l (1-based); off[nlines + 1] = len */
    int nlines;
};

void cc_sedit_free(cc_sedit *e)
{
    if (!e)
        return;
    cc_arena_free(e->a);
    free(e->off);
    free(e->text);
    free(e);
}

cc_err cc_sedit_open(const char *text, size_t len, const char *file, cc_diags *d, cc_sedit **out)
{
    *out = NULL;
    cc_sedit *e = calloc(1, sizeof *e);
    if (!e || !(e->a = cc_arena_new(0)) || !(e->text = malloc(len + 1))) {
        cc_sedit_free(e);
        return CC_ERR_NOMEM;
    }
    memcpy(e->text, text, len);
    e->text[len] = 0;
    e->len = len;
    cc_err rc = cc_ytree_parse(e->text, len, file, e->a, d, &e->root);
    if (rc != CC_OK) {
        cc_sedit_free(e);
        return rc;
    }
    if (e->root && (e->root->kind != CC_Y_MAP || e->root->style == CC_YS_FLOW)) {
        cc_diags_add(d, CC_SEV_ERROR, file, (cc_pos){1, 1}, "sedit",
                     "write the top level as key: value lines",
                     "the scenario's top level must be a block mapping");
        cc_sedit_free(e);
        return CC_ERR_INVALID;
    }
    int n = 1;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    e->nlines = n;
    e->off = calloc((size_t)n + 2, sizeof *e->off);
    if (!e->off) {
        cc_sedit_free(e);
        return CC_ERR_NOMEM;
    }
    int l = 1;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            e->off[++l] = i + 1;
    e->off[n + 1] = len;
    *out = e;
    return CC_OK;
}

/* ---- tree to JSON ------------------------------------------------------------------------ */

static json_t *to_json(const cc_ynode *n)
{
    if (!n)
        return json_null();
    if (n->kind == CC_Y_SCALAR)
        return cc_ytree_is_null(n) ? json_null() : json_stringn(n->text, n->len);
    if (n->kind == CC_Y_SEQ) {
        json_t *a = json_array();
        for (size_t i = 0; a && i < n->n; i++)
            if (json_array_append_new(a, to_json(n->items[i]))) {
                json_decref(a);
                return NULL;
            }
        return a;
    }
    json_t *o = json_object();
    for (size_t i = 0; o && i < n->n; i++) {
        const cc_ynode *k = n->items[2 * i];
        if (json_object_set_new(o, k->kind == CC_Y_SCALAR ? k->text : "?", to_json(n->items[2 * i + 1]))) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static const cc_ynode *section_node(const cc_sedit *e, const char *key, size_t *k)
{
    for (size_t i = 0; e->root && i < e->root->n; i++) {
        const cc_ynode *kn = e->root->items[2 * i];
        if (kn->kind == CC_Y_SCALAR && strcmp(kn->text, key) == 0) {
            if (k)
                *k = i;
            return e->root->items[2 * i + 1];
        }
    }
    return NULL;
}

static int is_item_list(const cc_ynode *v)
{
    if (!v || v->kind != CC_Y_SEQ)
        return 0;
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i]->kind != CC_Y_MAP)
            return 0;
    return 1;
}

static const char *item_id(const cc_ynode *item)
{
    const cc_ynode *id = cc_ytree_get(item, "id");
    return id && id->kind == CC_Y_SCALAR ? id->text : NULL;
}

json_t *cc_sedit_model(const cc_sedit *e)
{
    json_t *a = json_array();
    for (size_t i = 0; a && e->root && i < e->root->n; i++) {
        const cc_ynode *k = e->root->items[2 * i], *v = e->root->items[2 * i + 1];
        json_t *s = json_object();
        if (!s || json_array_append_new(a, s)) {
            json_decref(a);
            return NULL;
        }
        json_object_set_new(s, "key", json_string(k->kind == CC_Y_SCALAR ? k->text : "?"));
        if (is_item_list(v)) {
            json_object_set_new(s, "kind", json_string("list"));
            json_object_set_new(s, "items", to_json(v));
        } else {
            json_object_set_new(s, "kind", json_string(v->kind == CC_Y_MAP ? "map" : "scalar"));
            json_object_set_new(s, "value", to_json(v));
        }
    }
    return a;
}

json_t *cc_sedit_get(const cc_sedit *e, const char *section, const char *id, size_t *index)
{
    const cc_ynode *v = section_node(e, section, NULL);
    if (!v)
        return NULL;
    if (!id)
        return v->kind == CC_Y_MAP ? to_json(v) : NULL;
    for (size_t i = 0; is_item_list(v) && i < v->n; i++) {
        const char *x = item_id(v->items[i]);
        if (x && strcmp(x, id) == 0) {
            if (index)
                *index = i;
            return to_json(v->items[i]);
        }
    }
    return NULL;
}

/* ---- writing values ---------------------------------------------------------------------- */

static int is_scalar(const json_t *v)
{
    return json_is_string(v) || json_is_null(v) || json_is_number(v) || json_is_boolean(v);
}

static void put_scalar(cc_buf *b, const json_t *v, int flow)
{
    if (json_is_string(v)) {
        cc_yw_scalar(b, json_string_value(v), flow);
    } else if (json_is_integer(v)) {
        cc_buf_printf(b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        cc_buf_printf(b, "%.17g", json_real_value(v));
    } else if (json_is_boolean(v)) {
        cc_buf_puts(b, json_is_true(v) ? "true" : "false");
    } else {
        cc_buf_puts(b, "~");
    }
}

/* Whether v can be written on one line in flow style. */
static int flowable(const json_t *v, int depth)
{
    if (is_scalar(v))
        return 1;
    if (depth > 2)
        return 0;
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) if (!flowable(x, depth + 1)) return 0;
        return 1;
    }
    const char *k;
    json_t *x;
    json_object_foreach((json_t *)v, k, x) if (!flowable(x, depth + 1)) return 0;
    return json_is_object(v);
}

static void put_flow(cc_buf *b, const json_t *v)
{
    if (is_scalar(v)) {
        put_scalar(b, v, 1);
        return;
    }
    if (json_is_array(v)) {
        cc_buf_putc(b, '[');
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            cc_buf_puts(b, i ? ", " : "");
            put_flow(b, x);
        }
        cc_buf_putc(b, ']');
        return;
    }
    cc_buf_putc(b, '{');
    const char *k;
    json_t *x;
    int first = 1;
    json_object_foreach((json_t *)v, k, x)
    {
        cc_buf_puts(b, first ? "" : ", ");
        cc_yw_scalar(b, k, 1);
        cc_buf_puts(b, ": ");
        put_flow(b, x);
        first = 0;
    }
    cc_buf_putc(b, '}');
}

static size_t flow_width(const json_t *v)
{
    cc_buf t;
    cc_buf_init(&t);
    put_flow(&t, v);
    size_t n = t.oom ? (size_t)-1 : t.len;
    cc_buf_free(&t);
    return n;
}

static void put_block_map(cc_buf *b, const json_t *o, int indent, const char *const *order);

/* A value after "key:" at indent (the key's column - 1). */
static void put_value(cc_buf *b, const json_t *v, int indent)
{
    if (is_scalar(v) || (flowable(v, 0) && flow_width(v) + (size_t)indent <= FLOW_WIDTH) ||
        (json_is_array(v) && json_array_size(v) == 0) || (json_is_object(v) && json_object_size(v) == 0)) {
        cc_buf_putc(b, ' ');
        if (is_scalar(v))
            put_scalar(b, v, 0);
        else
            put_flow(b, v);
        cc_buf_putc(b, '\n');
        return;
    }
    cc_buf_putc(b, '\n');
    if (json_is_object(v)) {
        put_block_map(b, v, indent + 2, NULL);
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        cc_buf_printf(b, "%*s-", indent + 2, "");
        if (json_is_object(x) && !(flowable(x, 0) && flow_width(x) + (size_t)indent + 4 <= FLOW_WIDTH) &&
            json_object_size(x)) {
            /* "- key: value" then the other keys under the first */
            cc_buf t;
            cc_buf_init(&t);
            put_block_map(&t, x, indent + 4, NULL);
            cc_buf_append(b, t.data + indent + 3, t.len - (size_t)(indent + 3));
            cc_buf_free(&t);
        } else {
            cc_buf_putc(b, ' ');
            if (is_scalar(x))
                put_scalar(b, x, 0);
            else
                put_flow(b, x);
            cc_buf_putc(b, '\n');
        }
    }
}

static void put_pair(cc_buf *b, const char *k, const json_t *v, int indent)
{
    cc_buf_printf(b, "%*s", indent, "");
    cc_yw_scalar(b, k, 0);
    cc_buf_putc(b, ':');
    put_value(b, v, indent);
}

/* A block mapping at indent: the keys in order first (those present), then the others. */
static void put_block_map(cc_buf *b, const json_t *o, int indent, const char *const *order)
{
    for (size_t i = 0; order && order[i]; i++) {
        const json_t *v = json_object_get(o, order[i]);
        if (v)
            put_pair(b, order[i], v, indent);
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        int listed = 0;
        for (size_t i = 0; order && order[i] && !listed; i++)
            listed = strcmp(order[i], k) == 0;
        if (!listed)
            put_pair(b, k, v, indent);
    }
}

static const char *const inject_order[] = {"id",         "title",      "body",    "label",
                                           "from",       "originator", "to",      "channel",
                                           "class",      "at",         "trigger", "expected_actions",
                                           "objectives", "notes",      NULL};

cc_err cc_sedit_yaml_text(const json_t *value, cc_buf *out)
{
    if (is_scalar(value) || flowable(value, 0))
        put_flow(out, value);
    else if (json_is_object(value))
        put_block_map(out, value, 0, NULL);
    else
        put_value(out, value, -2);
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}

/* ---- $yaml values -------------------------------------------------------------------------- */

/* A copy of v with every {"$yaml": TEXT} replaced by the value TEXT holds. */
static json_t *resolve_yaml(const json_t *v, char *why, size_t whylen, int depth);

json_t *cc_sedit_resolve(const json_t *value, char *why, size_t whylen)
{
    if (whylen)
        *why = 0;
    return resolve_yaml(value, why, whylen, 0);
}

static json_t *resolve_yaml(const json_t *v, char *why, size_t whylen, int depth)
{
    if (depth > 32) {
        snprintf(why, whylen, "the value is nested too deep");
        return NULL;
    }
    if (json_is_object(v) && json_object_size(v) == 1 && json_is_string(json_object_get(v, "$yaml"))) {
        const char *t = json_string_value(json_object_get(v, "$yaml"));
        cc_arena *a = cc_arena_new(0);
        cc_diags d;
        cc_diags_init(&d);
        cc_ynode *root = NULL;
        json_t *r = NULL;
        if (a && cc_ytree_parse(t, strlen(t), "field", a, &d, &root) == CC_OK)
            r = to_json(root);
        else
            snprintf(why, whylen, "%s", d.count ? d.items[0].message : "out of memory");
        cc_diags_free(&d);
        cc_arena_free(a);
        return r;
    }
    if (json_is_array(v)) {
        json_t *a = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            json_t *c = resolve_yaml(x, why, whylen, depth + 1);
            if (!c || json_array_append_new(a, c)) {
                json_decref(a);
                return NULL;
            }
        }
        return a;
    }
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            json_t *c = resolve_yaml(x, why, whylen, depth + 1);
            if (!c || json_object_set_new(o, k, c)) {
                json_decref(o);
                return NULL;
            }
        }
        return o;
    }
    return json_deep_copy(v);
}

/* ---- spans ---------------------------------------------------------------------------------- */

static int blank_or_comment(const cc_sedit *e, int line)
{
    const char *p = e->text + e->off[line], *end = e->text + e->off[line + 1];
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p >= end || *p == '\n' || *p == '#';
}

static int blank(const cc_sedit *e, int line)
{
    const char *p = e->text + e->off[line], *end = e->text + e->off[line + 1];
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p >= end || *p == '\n';
}

/* Lines [*l0, *l1) of top-level section k: from its key to the next key, less the blank and
 * comment lines leading into that key. */
static void section_span(const cc_sedit *e, size_t k, int *l0, int *l1)
{
    int start = e->root->items[2 * k]->pos.line, end = e->nlines + 1;
    for (size_t i = 0; i < e->root->n; i++) {
        int ln = e->root->items[2 * i]->pos.line;
        if (ln > start && ln < end)
            end = ln;
    }
    while (end - 1 > start && blank_or_comment(e, end - 1))
        end--;
    *l0 = start;
    *l1 = end;
}

/* Lines of item i of list v in section span [s0, s1): [*l0, *l1), the last without the blank
 * and comment lines after it. */
static void item_span(const cc_sedit *e, const cc_ynode *v, size_t i, int s1, int *l0, int *l1)
{
    *l0 = v->items[i]->pos.line;
    *l1 = i + 1 < v->n ? v->items[i + 1]->pos.line : s1;
    if (i + 1 == v->n)
        while (*l1 - 1 > *l0 && blank_or_comment(e, *l1 - 1))
            (*l1)--;
}

/* ---- edits ---------------------------------------------------------------------------------- */

static void put_lines(cc_buf *out, const cc_sedit *e, int from, int to)
{
    if (to > from)
        cc_buf_append(out, e->text + e->off[from], e->off[to] - e->off[from]);
}

/* One list item written at dash indent d: block style, or flow on one line when flow is set
 * and it fits. */
static void put_item(cc_buf *b, const json_t *item, int d, int flow, const char *section)
{
    const char *const *order = strcmp(section, "injects") == 0 ? inject_order : NULL;
    if (flow && flowable(item, 0) && flow_width(item) + (size_t)d + 2 <= FLOW_WIDTH) {
        cc_buf_printf(b, "%*s- ", d, "");
        put_flow(b, item);
        cc_buf_putc(b, '\n');
        return;
    }
    cc_buf t;
    cc_buf_init(&t);
    put_block_map(&t, item, d + 2, order);
    cc_buf_printf(b, "%*s- ", d, "");
    if (t.len > (size_t)d + 2)
        cc_buf_append(b, t.data + d + 2, t.len - (size_t)(d + 2));
    else
        cc_buf_puts(b, "{}\n");
    cc_buf_free(&t);
}

static cc_err fail(char *why, size_t whylen, cc_err rc, const char *fmt, const char *arg)
{
    snprintf(why, whylen, fmt, arg);
    return rc;
}

/* A mapping section (or one not in the file yet) written anew with the mapping val. */
static void put_map_section(const cc_sedit *e, const char *section, const cc_ynode *v, size_t k,
                            const json_t *val, cc_buf *out)
{
    int end = e->nlines + 1; /* a new section goes at the end */
    int l0 = end, l1 = end;
    if (v)
        section_span(e, k, &l0, &l1);
    put_lines(out, e, 1, l0);
    if (l0 > e->nlines && e->len && e->text[e->len - 1] != '\n')
        cc_buf_putc(out, '\n');
    cc_yw_scalar(out, section, 0);
    cc_buf_puts(out, ":\n");
    put_block_map(out, val, 2, NULL);
    put_lines(out, e, l1, e->nlines + 1);
}

/* The list v (n items) may be edited: written in block style, the item id in it (*cur, -1
 * without an id), and val's id not another item's. */
static cc_err find_item(const cc_ynode *v, size_t n, const char *section, const char *id, const json_t *val,
                        long *cur, char *why, size_t whylen)
{
    if (n && v->style == CC_YS_FLOW)
        return fail(
            why, whylen, CC_ERR_INVALID,
            "'%s' is written in flow style ([...]); write it as a block list (- item per line) to edit "
            "it here",
            section);
    *cur = -1;
    for (size_t i = 0; id && i < n; i++) {
        const char *x = item_id(v->items[i]);
        if (x && strcmp(x, id) == 0)
            *cur = (long)i;
    }
    if (id && *cur < 0)
        return fail(why, whylen, CC_ERR_NOTFOUND, "no item '%s' in the section", id);
    const char *newid = val && json_is_string(json_object_get(val, "id"))
                            ? json_string_value(json_object_get(val, "id"))
                            : NULL;
    for (size_t i = 0; newid && i < n; i++) {
        const char *x = item_id(v->items[i]);
        if (x && strcmp(x, newid) == 0 && (long)i != *cur)
            return fail(why, whylen, CC_ERR_INVALID, "another item already has the id '%s'", newid);
    }
    return CC_OK;
}

/* A delete, an insert, or a move (delete, then insert at target among the others) in the list
 * v of n items, its section ending before line s1; the item at cur (-1: none) goes, val (NULL:
 * none) comes, its dash at column d + 1. */
static void move_item(const cc_sedit *e, const cc_ynode *v, size_t n, long cur, long target, int s1, int d,
                      const json_t *val, const char *section, cc_buf *out)
{
    int flow = v->items[0]->style == CC_YS_FLOW;
    int spaced = n > 1 && blank(e, v->items[1]->pos.line - 1); /* items separated by blank lines */
    /* the lines of the item that goes away, and the line before which the new one goes */
    int del0 = 0, del1 = 0;
    if (cur >= 0) {
        item_span(e, v, (size_t)cur, s1, &del0, &del1);
        if (cur + 1 == (long)n && cur > 0) { /* the last: the separator before it goes too */
            int p0, p1;
            item_span(e, v, (size_t)cur - 1, s1, &p0, &p1);
            int end = p1;
            while (end - 1 > p0 && blank_or_comment(e, end - 1))
                end--;
            del0 = end;
        }
    }
    int ins = -1; /* insert before this line; -1: after the last item */
    if (val) {
        long seen = 0;
        for (size_t i = 0; i < n && ins < 0; i++) {
            if ((long)i == cur)
                continue;
            if (seen == target)
                ins = v->items[i]->pos.line;
            seen++;
        }
    }
    int last_end = 0; /* after the last remaining item, without trailing blank and comment lines */
    if (val && ins < 0) {
        size_t li = (long)(n - 1) == cur ? n - 2 : n - 1;
        int l0, l1;
        item_span(e, v, li, s1, &l0, &l1);
        last_end = l1;
        while (last_end - 1 > l0 && blank_or_comment(e, last_end - 1))
            last_end--;
        if (cur == (long)n - 1)
            last_end = del0;
    }
    for (int l = 1; l <= e->nlines; l++) {
        if (l == ins) {
            put_item(out, val, d, flow, section);
            if (spaced)
                cc_buf_putc(out, '\n');
        }
        if (l == last_end && val && ins < 0) {
            if (spaced)
                cc_buf_putc(out, '\n');
            put_item(out, val, d, flow, section);
        }
        if (cur >= 0 && l >= del0 && l < del1)
            continue;
        put_lines(out, e, l, l + 1);
    }
    if (val && ins < 0 && last_end > e->nlines) {
        if (e->len && e->text[e->len - 1] != '\n')
            cc_buf_putc(out, '\n');
        if (spaced)
            cc_buf_putc(out, '\n');
        put_item(out, val, d, flow, section);
    }
}

/* An edit of the list v (n > 0 items) of the section k: the item at cur (-1: none) replaced
 * by val in place, deleted (val NULL) or moved to position at (-1: where it is, or the end). */
static void edit_list(const cc_sedit *e, const char *section, const cc_ynode *v, size_t n, size_t k, long cur,
                      long at, const json_t *val, cc_buf *out)
{
    int s0 = e->nlines + 1, s1 = s0;
    section_span(e, k, &s0, &s1);
    int d = v->items[0]->pos.col - 3; /* the dash's column - 1 */
    if (d < 0)
        d = 0;
    long target = at < 0 ? (cur >= 0 ? cur : (long)n) : at;
    if (target > (long)n - (cur >= 0 ? 1 : 0))
        target = (long)n - (cur >= 0 ? 1 : 0);
    json_t *was = cur >= 0 && val && target == cur ? to_json(v->items[cur]) : NULL;
    if (was && json_equal(was, val)) { /* saved as it is: its text stays, byte for byte */
        put_lines(out, e, 1, e->nlines + 1);
    } else if (cur >= 0 && val && target == cur) { /* in place */
        int l0, l1;
        item_span(e, v, (size_t)cur, s1, &l0, &l1);
        int keep = l1; /* blank and comment lines after the item stay */
        while (keep - 1 > l0 && blank_or_comment(e, keep - 1))
            keep--;
        put_lines(out, e, 1, l0);
        put_item(out, val, d, v->items[cur]->style == CC_YS_FLOW, section);
        put_lines(out, e, keep, e->nlines + 1);
    } else if (cur >= 0 && !val && n == 1) { /* the only item deleted */
        int l0, l1;
        item_span(e, v, 0, s1, &l0, &l1);
        put_lines(out, e, 1, s0);
        cc_yw_scalar(out, section, 0);
        cc_buf_puts(out, ": []\n");
        put_lines(out, e, l1, e->nlines + 1);
    } else {
        move_item(e, v, n, cur, target, s1, d, val, section, out);
    }
    json_decref(was);
}

/* Is k one of the format's sections that are lists of items (docs/scenario-format.md)? A new
 * item of one that is not in the file yet, or is empty ("agents:"), starts it as a block list. */
static int list_section(const char *k)
{
    static const char *const names[] = {"parties",    "cells",     "seats",      "objectives",
                                        "injects",    "decisions", "mechanisms", "consultations",
                                        "guidelines", "agents",    NULL};
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], k) == 0)
            return 1;
    return 0;
}

cc_err cc_sedit_put(const cc_sedit *e, const char *section, const char *id, const json_t *value, long at,
                    cc_buf *out, char *why, size_t whylen)
{
    size_t k = 0;
    const cc_ynode *v = e->root ? section_node(e, section, &k) : NULL;
    json_t *val = value ? resolve_yaml(value, why, whylen, 0) : NULL;
    if (value && !val)
        return *why ? CC_ERR_INVALID : CC_ERR_NOMEM;
    cc_err rc = CC_OK;
    size_t n = v && v->kind == CC_Y_SEQ ? v->n : 0;
    long cur = -1;
    int is_map = v && v->kind == CC_Y_MAP, empty = !v || (v->kind == CC_Y_SCALAR && cc_ytree_is_null(v));
    if (val && !json_is_object(val)) {
        rc = fail(why, whylen, CC_ERR_INVALID, "an item of '%s' is a mapping (key: value)", section);
    } else if (!id && val && (is_map || (empty && !list_section(section)))) {
        put_map_section(e, section, v, k, val, out); /* a map section, or a new one not a list */
    } else if (v && !is_item_list(v) && !empty) {
        rc = fail(why, whylen, CC_ERR_INVALID, "'%s' is not a list of items", section);
    } else if ((rc = find_item(v, n, section, id, val, &cur, why, whylen)) != CC_OK) {
        /* reported */
    } else if (n == 0 && !val) {
        rc = fail(why, whylen, CC_ERR_NOTFOUND, "no item '%s' in the section", id ? id : "");
    } else if (n == 0) { /* "injects: []", "injects:", or no such section: the section is written anew */
        int s0 = e->nlines + 1, s1 = s0;
        if (v)
            section_span(e, k, &s0, &s1);
        put_lines(out, e, 1, s0);
        if (s0 > e->nlines && e->len && e->text[e->len - 1] != '\n')
            cc_buf_putc(out, '\n');
        cc_yw_scalar(out, section, 0);
        cc_buf_puts(out, ":\n");
        put_item(out, val, 2, 0, section);
        put_lines(out, e, s1, e->nlines + 1);
    } else {
        edit_list(e, section, v, n, k, cur, at, val, out);
    }
    json_decref(val);
    if (rc == CC_OK && out->oom)
        rc = CC_ERR_NOMEM;
    return rc;
}

/* ---- diagnostics to fields ---------------------------------------------------------------- */

/* The key of map m on or above line (the last whose line is <= line). */
static const char *field_at(const cc_ynode *m, int line)
{
    const char *f = NULL;
    int best = 0;
    for (size_t i = 0; m && m->kind == CC_Y_MAP && i < m->n; i++) {
        const cc_ynode *k = m->items[2 * i];
        if (k->pos.line <= line && k->pos.line >= best && k->kind == CC_Y_SCALAR) {
            best = k->pos.line;
            f = k->text;
        }
    }
    return f;
}

json_t *cc_sedit_locate(const cc_sedit *e, const cc_diags *d)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < d->count; i++) {
        const cc_diag *g = &d->items[i];
        json_t *o =
            json_pack("{s:s, s:i, s:i, s:s, s:s}", "severity", cc_severity_str(g->sev), "line", g->line,
                      "column", g->col, "code", g->code ? g->code : "", "message", g->message);
        if (!o || json_array_append_new(a, o)) {
            json_decref(a);
            return NULL;
        }
        if (g->hint)
            json_object_set_new(o, "hint", json_string(g->hint));
        for (size_t k = 0; e->root && g->line > 0 && k < e->root->n; k++) {
            int s0, s1;
            section_span(e, k, &s0, &s1);
            if (g->line < s0 || g->line >= (s1 > s0 ? s1 : s0 + 1))
                continue;
            const cc_ynode *key = e->root->items[2 * k], *v = e->root->items[2 * k + 1];
            json_object_set_new(o, "section", json_string(key->text));
            if (v->kind == CC_Y_MAP) {
                const char *f = field_at(v, g->line);
                if (f)
                    json_object_set_new(o, "field", json_string(f));
            } else if (is_item_list(v)) {
                for (size_t j = 0; j < v->n; j++) {
                    int l0, l1;
                    item_span(e, v, j, s1, &l0, &l1);
                    if (g->line < l0 || g->line >= l1)
                        continue;
                    json_object_set_new(o, "index", json_integer((json_int_t)j));
                    const char *x = item_id(v->items[j]);
                    if (x)
                        json_object_set_new(o, "id", json_string(x));
                    const char *f = field_at(v->items[j], g->line);
                    if (f)
                        json_object_set_new(o, "field", json_string(f));
                }
            }
        }
    }
    return a;
}
