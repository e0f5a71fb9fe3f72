/* ytree — libfyaml event stream -> positioned tree, with hostile-input guards. */
#include "io/ytree.h"
#include "core/grow.h"

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "io/sniff.h"

typedef struct frame {
    cc_ynode *node;
    cc_ynode **buf;
    size_t n, cap;
} frame;

typedef struct yctx {
    const char *file;
    cc_diags *diags;
    int reported; /* a libfyaml error was captured */
    int gave_up;  /* 1 + the index in diags of the first one (where the parser gave up) */
} yctx;

/* libfyaml formats "FILE:LINE:COL: error: MESSAGE\n" followed by source lines; keep the
 * first line of each error report as a caucus diagnostic. */
static void fy_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    yctx *c = user;
    const char *tag = NULL;
    cc_severity sev = CC_SEV_ERROR;
    for (size_t i = 0; i + 9 <= len; i++) {
        if (memcmp(buf + i, ": error: ", 9) == 0) {
            tag = buf + i;
            break;
        }
    }
    if (!tag)
        return;
    /* walk back over ":LINE:COL" */
    int line = 0, col = 0;
    const char *p = tag;
    const char *c2 = p;
    while (c2 > buf && c2[-1] >= '0' && c2[-1] <= '9')
        c2--;
    if (c2 > buf && c2[-1] == ':') {
        col = atoi(c2);
        const char *l2 = c2 - 1;
        while (l2 > buf && l2[-1] >= '0' && l2[-1] <= '9')
            l2--;
        if (l2 < c2 - 1)
            line = atoi(l2);
    }
    const char *msg = tag + 9;
    size_t mlen = (size_t)(buf + len - msg);
    const char *nl = memchr(msg, '\n', mlen);
    if (nl)
        mlen = (size_t)(nl - msg);
    size_t before = c->diags->count;
    cc_diags_add(c->diags, sev, c->file, (cc_pos){line, col}, "yaml-syntax", NULL, "YAML syntax: %.*s",
                 (int)mlen, msg);
    if (!c->gave_up && c->diags->count > before)
        c->gave_up = (int)c->diags->count;
    c->reported = 1;
}

static cc_pos to_pos(const struct fy_mark *m)
{
    if (!m)
        return (cc_pos){0, 0};
    return (cc_pos){m->line + 1, m->column + 1};
}

/* Position of an event's node: for quoted scalars and aliases libfyaml marks the first
 * character after the quote or '*'; caucus reports the quote or '*' itself. */
static cc_pos mark_pos(struct fy_event *e)
{
    cc_pos p = to_pos(fy_event_start_mark(e));
    enum fy_node_style st = fy_event_get_node_style(e);
    if (p.col > 1 && (e->type == FYET_ALIAS ||
                      (e->type == FYET_SCALAR && (st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED))))
        p.col--;
    return p;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The value of a single-quoted scalar, read from the source: '' becomes ', and line breaks
 * fold as YAML 1.2 says (one break -> a space, n breaks -> n-1 newlines, white space around
 * breaks dropped). libfyaml 0.7.12 leaks a buffer in fy_token_get_text() for single-quoted
 * scalars holding several '' escapes (found by fuzzing), so caucus does not call it for them.
 * Returns a malloc'd string, or NULL to fall back to libfyaml. */
static char *single_quoted(const char *text, size_t len, struct fy_token *tok, size_t *outlen)
{
    const struct fy_mark *a = fy_token_start_mark(tok), *b = fy_token_end_mark(tok);
    if (!a || !b || a->input_pos > b->input_pos || b->input_pos > len)
        return NULL;
    const char *raw = text + a->input_pos;
    size_t n = b->input_pos - a->input_pos;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t k = 0, i = 0;
    while (i < n) {
        char c = raw[i];
        if (c == '\r' || c == '\n') {
            while (k > 0 && is_blank(out[k - 1])) /* trailing blanks of the line just ended */
                k--;
            size_t breaks = 0;
            while (i < n && (raw[i] == '\r' || raw[i] == '\n' || is_blank(raw[i]))) {
                if (raw[i] == '\n' || (raw[i] == '\r' && (i + 1 >= n || raw[i + 1] != '\n')))
                    breaks++;
                i++;
            }
            if (breaks == 1)
                out[k++] = ' ';
            else
                for (size_t j = 1; j < breaks; j++)
                    out[k++] = '\n';
            continue;
        }
        out[k++] = c;
        if (c == '\'' && i + 1 < n && raw[i + 1] == '\'')
            i++;
        i++;
    }
    out[k] = 0;
    *outlen = k;
    return out;
}

static int push_item(frame *f, cc_ynode *n)
{
    cc_ynode **b = cc_grow(f->buf, &f->cap, f->n + 1, sizeof *b);
    if (!b)
        return -1;
    f->buf = b;
    f->buf[f->n++] = n;
    return 0;
}

static int key_cmp(const void *a, const void *b)
{
    const cc_ynode *x = *(cc_ynode *const *)a, *y = *(cc_ynode *const *)b;
    size_t l = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, l);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    /* equal keys: order by position so the later one is reported */
    if (x->pos.line != y->pos.line)
        return x->pos.line < y->pos.line ? -1 : 1;
    return x->pos.col < y->pos.col ? -1 : (x->pos.col > y->pos.col);
}

/* Maps must have scalar keys, each once. O(n log n) on hostile maps. */
static cc_err check_map_keys(yctx *c, cc_ynode *m)
{
    cc_err rc = CC_OK;
    cc_ynode **keys = malloc((m->n ? m->n : 1) * sizeof *keys);
    if (!keys)
        return CC_ERR_NOMEM;
    size_t nk = 0;
    for (size_t i = 0; i < m->n; i++) {
        cc_ynode *k = m->items[2 * i];
        if (k->kind != CC_Y_SCALAR) {
            cc_diags_add(c->diags, CC_SEV_ERROR, c->file, k->pos, "yaml-key", NULL,
                         "mapping keys must be plain strings");
            rc = CC_ERR_PARSE;
            continue;
        }
        keys[nk++] = k;
    }
    qsort(keys, nk, sizeof *keys, key_cmp);
    for (size_t i = 1; i < nk; i++) {
        if (keys[i]->len == keys[i - 1]->len && memcmp(keys[i]->text, keys[i - 1]->text, keys[i]->len) == 0) {
            cc_diags_add(c->diags, CC_SEV_ERROR, c->file, keys[i]->pos, "duplicate-key", NULL,
                         "duplicate key '%s' (first at line %d)", keys[i]->text, keys[i - 1]->pos.line);
            rc = CC_ERR_PARSE;
        }
    }
    free(keys);
    return rc;
}

static cc_err precheck(yctx *c, const char *text, size_t len)
{
    if (len > CC_YTREE_MAX_BYTES) {
        cc_diags_add(c->diags, CC_SEV_ERROR, c->file, (cc_pos){0, 0}, "too-large", NULL,
                     "file is %zu bytes; the limit is %u MiB", len, CC_YTREE_MAX_BYTES >> 20);
        return CC_ERR_LIMIT;
    }
    size_t bad = 0;
    cc_utf8_status st = cc_utf8_check(text, len, &bad);
    if (st != CC_UTF8_OK) {
        cc_pos p = cc_utf8_pos(text, len, bad);
        /* what the file is, told by its content, and what to do with it */
        char hint[200];
        cc_sniff_kind k = cc_sniff(text, len);
        if (k == CC_SNIFF_XLSX || k == CC_SNIFF_XLS || k == CC_SNIFF_ODS || k == CC_SNIFF_ENCRYPTED)
            snprintf(hint, sizeof hint,
                     "this is %s, not a scenario (YAML text): read its MSEL with "
                     "caucus msel import FILE --into SCENARIO",
                     cc_sniff_name(k));
        else if (k == CC_SNIFF_UTF16LE || k == CC_SNIFF_UTF16BE || k == CC_SNIFF_CP1252)
            snprintf(hint, sizeof hint, "this is %s: save the file as UTF-8", cc_sniff_name(k));
        else if (k == CC_SNIFF_ZIP || k == CC_SNIFF_BINARY)
            snprintf(hint, sizeof hint, "this is %s, not a scenario (YAML text)", cc_sniff_name(k));
        else
            snprintf(hint, sizeof hint, "%s",
                     st == CC_UTF8_NUL ? "scenario files are text; remove the NUL byte"
                                       : "save the file as UTF-8");
        cc_diags_add(c->diags, CC_SEV_ERROR, c->file, p, "encoding", hint, "%s (byte 0x%02X at offset %zu)",
                     cc_utf8_status_str(st), (unsigned)(unsigned char)text[bad], bad);
        return CC_ERR_PARSE;
    }
    return CC_OK;
}

/* ---- where an unclosed bracket, brace or quote opened ------------------------------------
 * libfyaml reports a missing ']' where it gave up, often at the end of the file. After it has
 * failed, this light scan (not a parser: it only follows flow brackets, quoted scalars, comments
 * and block scalars) finds the bracket, brace or quote that is still open, or the closer that
 * does not match its opener, so that the error can point where the fix goes, as a compiler's
 * "to match this" does. */

typedef struct ymark {
    int line, col;
    char ch;
} ymark;

typedef struct yscan {
    const char *t;
    size_t n, i;
    int line, col;
} yscan;

/* One character on (a UTF-8 sequence counts as one column). */
static void ys_next(yscan *s)
{
    if (s->i >= s->n) /* a step asked past the end (after a sequence that ran to it) stays there */
        return;
    if (s->t[s->i] == '\n') {
        s->line++;
        s->col = 1;
    } else {
        s->col++;
    }
    s->i++;
    while (s->i < s->n && ((unsigned char)s->t[s->i] & 0xC0) == 0x80)
        s->i++;
}

static int ys_sep(const yscan *s, size_t k)
{
    return k >= s->n || s->t[k] == ' ' || s->t[k] == '\t' || s->t[k] == '\n' || s->t[k] == '\r';
}

/* Skips a quoted scalar opened at s->i; 0 when it never closes. */
static int ys_quoted(yscan *s, char q)
{
    ys_next(s);
    while (s->i < s->n) {
        char c = s->t[s->i];
        if ((c == '\\' && q == '"' && s->i + 1 < s->n) ||
            (c == '\'' && q == '\'' && s->i + 1 < s->n && s->t[s->i + 1] == '\'')) {
            ys_next(s);
            ys_next(s);
            continue;
        }
        ys_next(s);
        if (c == q)
            return 1;
    }
    return 0;
}

/* Indentation of a new line, or the whole line when it belongs to a block scalar; returns 1 when
 * the line was skipped. */
static int ys_line_start(yscan *s, int *indent, int *block_indent)
{
    size_t k = s->i;
    while (k < s->n && s->t[k] == ' ')
        k++;
    int ind = (int)(k - s->i), blank = k >= s->n || s->t[k] == '\n' || s->t[k] == '\r';
    if (*block_indent >= 0 && (blank || ind > *block_indent)) {
        while (s->i < s->n && s->t[s->i] != '\n')
            ys_next(s);
        if (s->i < s->n)
            ys_next(s);
        return 1;
    }
    *block_indent = -1;
    *indent = ind;
    while (s->i < k)
        ys_next(s);
    return 0;
}

/* 1: *open is a bracket, brace or quote never closed (the innermost); 2: *close does not match
 * the bracket or brace *open; 0: nothing found. */
static int find_unclosed(const char *t, size_t n, ymark *open, ymark *close)
{
    yscan s = {t, n, 0, 1, 1};
    ymark stack[CC_YTREE_MAX_DEPTH];
    int depth = 0, at_start = 1, indent = 0, block_indent = -1, line_start = 1;
    while (s.i < n) {
        char c = t[s.i];
        if (line_start) {
            if (ys_line_start(&s, &indent, &block_indent))
                continue;
            line_start = 0;
            at_start |= !depth;
            continue;
        }
        if (c == '\n') {
            ys_next(&s);
            line_start = 1;
            continue;
        }
        if (c == '#' && (s.i == 0 || ys_sep(&s, s.i - 1))) {
            while (s.i < n && t[s.i] != '\n')
                ys_next(&s);
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            ys_next(&s);
            continue;
        }
        if ((c == '"' || c == '\'') && at_start) {
            *open = (ymark){s.line, s.col, c};
            if (!ys_quoted(&s, c))
                return 1;
            at_start = 0;
            continue;
        }
        if ((c == '[' || c == '{') && (at_start || depth)) { /* in flow, never part of a scalar */
            if (depth == CC_YTREE_MAX_DEPTH)
                return 0;
            stack[depth++] = (ymark){s.line, s.col, c};
            ys_next(&s);
            continue;
        }
        if ((c == ']' || c == '}') && depth) {
            ymark o = stack[--depth];
            if ((c == ']') != (o.ch == '[')) {
                *open = o;
                *close = (ymark){s.line, s.col, c};
                return 2;
            }
            ys_next(&s);
            at_start = 0;
            continue;
        }
        if (c == ',' && depth) {
            at_start = 1;
        } else if (c == ':' && (ys_sep(&s, s.i + 1) || (depth && s.i + 1 < n && strchr(",]}", t[s.i + 1])))) {
            at_start = 1;
        } else if ((c == '-' || c == '?') && at_start && !depth && ys_sep(&s, s.i + 1)) {
            at_start = 1;
        } else if ((c == '|' || c == '>') && at_start && !depth) {
            block_indent = indent;
            while (s.i < n && t[s.i] != '\n')
                ys_next(&s);
            continue;
        } else if ((c == '&' || c == '!') && at_start) {
            while (s.i < n && !ys_sep(&s, s.i))
                ys_next(&s);
            continue;
        } else {
            at_start = 0; /* a plain scalar: on to what could end it */
            while (s.i + 1 < n && !strchr(" \t\r\n,:[]{}#", t[s.i + 1]))
                ys_next(&s);
        }
        ys_next(&s);
    }
    if (depth) {
        *open = stack[depth - 1];
        return 1;
    }
    return 0;
}

static int not_after(int l1, int c1, int l2, int c2)
{
    return l1 < l2 || (l1 == l2 && c1 <= c2);
}

/* Moves the parser's first error to the opener it is about, keeping where the parser gave up in
 * the message. */
static void point_at_opener(yctx *c, const char *text, size_t len)
{
    if (!c->gave_up || (size_t)c->gave_up > c->diags->count)
        return;
    cc_diag *g = &c->diags->items[c->gave_up - 1];
    ymark open = {0, 0, 0}, close = {0, 0, 0};
    int k = find_unclosed(text, len, &open, &close);
    if (!k || !not_after(open.line, open.col, g->line ? g->line : 1 << 30, g->col))
        return;
    static const char *const names[] = {"'['", "'{'", "double quote", "single quote"};
    static const char *const closers[] = {"']'", "'}'", "a double quote (\")", "a single quote (')"};
    int w = open.ch == '[' ? 0 : open.ch == '{' ? 1 : open.ch == '"' ? 2 : 3;
    char msg[700], hint[200];
    const char *what = g->message + (strncmp(g->message, "YAML syntax: ", 13) == 0 ? 13 : 0);
    if (k == 2) {
        snprintf(
            msg, sizeof msg,
            "YAML syntax: '%c' at %d:%d does not match the %s opened here (the parser gave up at %d:%d: %s)",
            close.ch, close.line, close.col, names[w], g->line, g->col, what);
        snprintf(hint, sizeof hint, "close the %s with %s before the '%c'", names[w], closers[w], close.ch);
    } else {
        snprintf(msg, sizeof msg,
                 "YAML syntax: the %s opened here is never closed (the parser gave up at %d:%d: %s)",
                 names[w], g->line, g->col, what);
        snprintf(hint, sizeof hint, "close it with %s", closers[w]);
    }
    size_t ml = strlen(msg) + 1, hl = strlen(hint) + 1;
    char *m = malloc(ml), *h = malloc(hl);
    if (!m || !h) {
        free(m);
        free(h);
        return; /* the parser's own message stays */
    }
    memcpy(m, msg, ml);
    memcpy(h, hint, hl);
    free(g->message);
    free(g->hint);
    g->message = m;
    g->hint = h;
    g->line = open.line;
    g->col = open.col;
}

/* The tree under construction: the containers open, the limits counted. */
typedef struct ybuild {
    yctx *c;
    cc_arena *arena;
    const char *text;
    size_t len;
    frame stack[CC_YTREE_MAX_DEPTH + 1];
    int depth; /* number of open containers */
    size_t nodes;
    int docs;
    cc_ynode *top;
} ybuild;

/* A parser reporting into c. 0, or -1 out of memory (nothing left to free). */
static int new_parser(yctx *c, const char *text, size_t len, struct fy_diag **diag, struct fy_parser **fyp)
{
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = fy_output;
    dc.user = c;
    dc.colorize = false;
    dc.show_source = false;
    dc.show_position = true;
    dc.show_type = true;
    dc.show_module = false;
    dc.level = FYET_ERROR;
    *diag = fy_diag_create(&dc);
    if (!*diag)
        return -1;
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE,
                               .diag = *diag};
    *fyp = fy_parser_create(&cfg);
    if (!*fyp || fy_parser_set_string(*fyp, text, len) != 0) {
        if (*fyp)
            fy_parser_destroy(*fyp);
        fy_diag_destroy(*diag);
        return -1;
    }
    return 0;
}

/* A scalar's text into n (single-quoted scalars unescaped here). */
static cc_err scalar_text(ybuild *b, struct fy_event *e, enum fy_node_style st, cc_ynode *n)
{
    n->kind = CC_Y_SCALAR;
    size_t tl = 0;
    const char *t;
    char *own = NULL;
    if (st == FYNS_SINGLE_QUOTED && (own = single_quoted(b->text, b->len, e->scalar.value, &tl)) != NULL)
        t = own;
    else
        t = fy_token_get_text(e->scalar.value, &tl);
    if (!t) {
        t = "";
        tl = 0;
    }
    if (memchr(t, '\0', tl)) {
        cc_diags_add(b->c->diags, CC_SEV_ERROR, b->c->file, n->pos, "encoding", "remove the \\0 escape",
                     "NUL character in a string");
        free(own);
        return CC_ERR_PARSE;
    }
    n->text = cc_arena_strndup(b->arena, t, tl);
    n->len = tl;
    free(own);
    return n->text ? CC_OK : CC_ERR_NOMEM;
}

/* Anchors and tags are refused; the node count is bounded. */
static cc_err check_node(ybuild *b, struct fy_event *e, cc_pos pos)
{
    const char *file = b->c->file;
    if (fy_event_get_anchor_token(e)) {
        cc_pos ap = to_pos(fy_token_start_mark(fy_event_get_anchor_token(e)));
        ap.col -= ap.col > 1; /* the mark is after '&' */
        cc_diags_add(b->c->diags, CC_SEV_ERROR, file, ap, "yaml-anchor", "remove the '&name' anchor",
                     "YAML anchors are not allowed in scenarios");
        return CC_ERR_PARSE;
    }
    struct fy_token *tag = fy_event_get_tag_token(e);
    if (tag) {
        cc_diags_add(b->c->diags, CC_SEV_ERROR, file, to_pos(fy_token_start_mark(tag)), "yaml-tag",
                     "remove the '!tag'", "YAML tags are not allowed in scenarios");
        return CC_ERR_PARSE;
    }
    if (++b->nodes > CC_YTREE_MAX_NODES) {
        cc_diags_add(b->c->diags, CC_SEV_ERROR, file, pos, "too-large", NULL, "more than %d YAML nodes",
                     CC_YTREE_MAX_NODES);
        return CC_ERR_LIMIT;
    }
    return CC_OK;
}

/* A scalar, or the start of a mapping or sequence: a node added to the open container (or the
 * top), and a container opened. */
static cc_err on_node(ybuild *b, struct fy_event *e, cc_pos pos)
{
    cc_err rc = check_node(b, e, pos);
    if (rc != CC_OK)
        return rc;
    cc_ynode *n = cc_arena_alloc(b->arena, sizeof *n);
    if (!n)
        return CC_ERR_NOMEM;
    n->pos = pos;
    enum fy_node_style st = fy_event_get_node_style(e);
    n->style = st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED ? CC_YS_QUOTED
               : st == FYNS_LITERAL || st == FYNS_FOLDED            ? CC_YS_BLOCK
               : st == FYNS_FLOW                                    ? CC_YS_FLOW
                                                                    : CC_YS_PLAIN;
    if (e->type == FYET_SCALAR) {
        if ((rc = scalar_text(b, e, st, n)) != CC_OK)
            return rc;
    } else {
        n->kind = e->type == FYET_MAPPING_START ? CC_Y_MAP : CC_Y_SEQ;
        n->text = "";
    }
    if (b->depth > 0 && push_item(&b->stack[b->depth - 1], n) != 0)
        return CC_ERR_NOMEM;
    if (b->depth == 0)
        b->top = n;
    if (n->kind != CC_Y_SCALAR) {
        if (b->depth >= CC_YTREE_MAX_DEPTH) {
            cc_diags_add(b->c->diags, CC_SEV_ERROR, b->c->file, pos, "too-deep", NULL,
                         "nesting deeper than %d levels", CC_YTREE_MAX_DEPTH);
            return CC_ERR_LIMIT;
        }
        b->stack[b->depth++] = (frame){.node = n};
    }
    return CC_OK;
}

/* The end of a mapping or sequence: its items moved into the arena, a mapping's keys checked. */
static cc_err on_end(ybuild *b)
{
    if (b->depth == 0)
        return CC_OK;
    frame *f = &b->stack[--b->depth];
    cc_ynode *m = f->node;
    m->items = cc_arena_array(b->arena, f->n ? f->n : 1, sizeof *m->items);
    if (!m->items) {
        free(f->buf);
        return CC_ERR_NOMEM;
    }
    if (f->n)
        memcpy(m->items, f->buf, f->n * sizeof *m->items);
    m->n = m->kind == CC_Y_MAP ? f->n / 2 : f->n;
    free(f->buf);
    return m->kind == CC_Y_MAP ? check_map_keys(b->c, m) : CC_OK;
}

/* One parser event. */
static cc_err on_event(ybuild *b, struct fy_event *e)
{
    cc_pos pos = mark_pos(e);
    switch (e->type) {
    case FYET_DOCUMENT_START:
        if (++b->docs > 1) {
            cc_diags_add(b->c->diags, CC_SEV_ERROR, b->c->file, pos, "yaml-multidoc",
                         "put one scenario in each file", "a scenario file holds one YAML document");
            return CC_ERR_PARSE;
        }
        return CC_OK;
    case FYET_ALIAS:
        cc_diags_add(b->c->diags, CC_SEV_ERROR, b->c->file, pos, "yaml-alias", "write the value out in full",
                     "YAML aliases are not allowed in scenarios");
        return CC_ERR_PARSE;
    case FYET_SCALAR:
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START: return on_node(b, e, pos);
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END: return on_end(b);
    default: return CC_OK;
    }
}

cc_err cc_ytree_parse(const char *text, size_t len, const char *file, cc_arena *arena, cc_diags *diags,
                      cc_ynode **root)
{
    *root = NULL;
    yctx c = {.file = file, .diags = diags};
    cc_err rc = precheck(&c, text, len);
    if (rc)
        return rc;
    struct fy_diag *diag = NULL;
    struct fy_parser *fyp = NULL;
    if (new_parser(&c, text, len, &diag, &fyp) != 0)
        return CC_ERR_NOMEM;
    ybuild b = {.c = &c, .arena = arena, .text = text, .len = len};
    struct fy_event *e;
    while (rc == CC_OK && (e = fy_parser_parse(fyp)) != NULL) {
        rc = on_event(&b, e);
        fy_parser_event_free(fyp, e);
    }
    if (c.reported)
        point_at_opener(&c, text, len);
    if (rc == CC_OK && fy_parser_get_stream_error(fyp)) {
        if (!c.reported)
            cc_diags_add(diags, CC_SEV_ERROR, file, (cc_pos){0, 0}, "yaml-syntax", NULL, "YAML syntax error");
        rc = CC_ERR_PARSE;
    }
    if (rc == CC_OK && c.reported)
        rc = CC_ERR_PARSE;
    while (b.depth > 0)
        free(b.stack[--b.depth].buf);
    fy_parser_destroy(fyp);
    fy_diag_destroy(diag);
    if (rc == CC_ERR_NOMEM)
        cc_diags_add(diags, CC_SEV_ERROR, file, (cc_pos){0, 0}, "nomem", NULL, "out of memory");
    if (rc == CC_OK)
        *root = b.top;
    return rc;
}

cc_ynode *cc_ytree_key(const cc_ynode *map, const char *key)
{
    if (!map || map->kind != CC_Y_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++) {
        cc_ynode *k = map->items[2 * i];
        if (k->kind == CC_Y_SCALAR && strcmp(k->text, key) == 0)
            return k;
    }
    return NULL;
}

cc_ynode *cc_ytree_get(const cc_ynode *map, const char *key)
{
    if (!map || map->kind != CC_Y_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++) {
        cc_ynode *k = map->items[2 * i];
        if (k->kind == CC_Y_SCALAR && strcmp(k->text, key) == 0)
            return map->items[2 * i + 1];
    }
    return NULL;
}

bool cc_ytree_is_null(const cc_ynode *n)
{
    return n && n->kind == CC_Y_SCALAR && n->style == CC_YS_PLAIN &&
           (n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0);
}
