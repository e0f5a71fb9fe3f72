/* msel_import — an MSEL table (CSV or workbook sheet) back to a scenario file: each row converted
 * to YAML (io/yaml_write), spliced into a base scenario or a minimal generated one, then the result
 * loaded and every diagnostic mapped back to the cell it came from, through a table of output
 * line -> (row, column). The columns and the export are in msel.c. */
#include "io/msel.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ctime.h"
#include "core/grow.h"
#include "core/idmap.h"
#include "core/lang.h"
#include "core/scenario_model.h"
#include "io/iso3166.h"
#include "io/msel_int.h"
#include "io/scenario_load.h"
#include "io/tzdb.h"
#include "io/yaml_write.h"
#include "io/ytree.h"

/* ---- import ---------------------------------------------------------------------------- */

enum { T_NONE, T_REL, T_ABS, T_CIVIL, T_DAY };

/* One inject to write: from a CSV record, or (merge) from the base scenario. */
typedef struct irow {
    const char *v[CC_MSEL_NCOLS]; /* cleaned cell text, "" when empty */
    int row;                      /* spreadsheet row; 0 for a base inject */
    int base_line;                /* base inject: its line in the base file */
    int tkind;                    /* scenario time: T_* */
    int64_t tval, tday;           /* T_DAY: tval the clock, tday the day */
    int dkind;                    /* delivery time */
    int64_t dval, dday;
    unsigned bad; /* columns (bits) with an error already reported: placeholders are written
                     for them and the checks of the result say nothing more about them */
    const char **to, **obj, **cls, **exp;
    size_t nto, nobj, ncls, nexp;
    const char *tkeys[8], *tvals[8]; /* trigger pairs */
    size_t ntrig;
    unsigned tdist;    /* pairs (bits) whose value is a distribution, written as YAML flow as it is */
    const char *notes; /* notes with the controller line */
    const char **objt; /* minimal scenario: the title of objective k when read from prose, or NULL */
    int merged;        /* --merge: fields the sheet does not carry came from the base inject */
    /* texts in the base's other languages (imp.nlangs of them), by text column (cc_msel_text_cols);
     * "" when none; lexp/nlexp: the expected actions in each, in the authoritative list's order */
    const char *lv[CC_LANG_MAX][CC_MSEL_NTEXT];
    const char **lexp[CC_LANG_MAX];
    size_t nlexp[CC_LANG_MAX];
} irow;

#define MAX_LANG_HEADERS 32

/* What an output line came from. */
typedef struct lsrc {
    int row; /* index into rows; -1 none */
    int col; /* cc_msel_col or -1 */
} lsrc;

typedef struct imp {
    const cc_msel_import_opts *o;
    const char *file;
    cc_diags *d;
    cc_arena *a;
    const cc_csv *csv;
    size_t hrec, drec;         /* header record, first data record */
    const char **hdr;          /* column names (a two-row header combined) */
    int *fill;                 /* (record - drec) * CC_MSEL_NCOLS + column: record whose cell a
                                  range merged down the column repeats, or -1 */
    int colmap[CC_MSEL_NCOLS]; /* csv field index or -1 */
    size_t ncsvcols;
    size_t errors;
    int oom;
    cc_csv_dates dates;
    irow *rows;
    size_t nrows;
    cc_scenario *base;
    cc_msel *base_table; /* the base's injects as MSEL rows (for --merge) */
    int64_t start;
    cc_zone *zone; /* owned unless it is the base's */
    int own_zone;
    lsrc *lines; /* by output line - 1 */
    size_t nlines, caplines;
    /* language columns (docs/msel.md, "Several languages"): the sheet's "HEADER@TAG" headers as
     * found, then (map_lang_headers) langmap[k][t]: the field holding text column t in the base
     * table's k-th other language, -1 when the sheet has none */
    struct {
        size_t field;
        int col;
        char tag[CC_LANG_TAG_MAX + 1];
    } lhdr[MAX_LANG_HEADERS];
    size_t nlhdr;
    int langmap[CC_LANG_MAX][CC_MSEL_NTEXT];
    size_t nlangs;
} imp;

static const char *col_header(const imp *I, int col)
{
    if (col < 0 || I->colmap[col] < 0)
        return col >= 0 ? cc_msel_header((cc_msel_col)col) : "";
    return I->hdr[I->colmap[col]];
}

/* A diagnostic about a cell: FILE:ROW:COL, the message led by the column's header. */
__attribute__((format(printf, 6, 7))) static void cell_diag(imp *I, cc_severity sev, irow *R, int col,
                                                            const char *hint, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (sev == CC_SEV_ERROR)
        I->errors++;
    if (sev == CC_SEV_ERROR && R && col >= 0)
        R->bad |= 1u << col;
    cc_err rc;
    if (R && R->row == 0) {
        rc = cc_diags_add(I->d, sev, I->o->into_file, (cc_pos){R->base_line, 0}, "msel", hint,
                          "base inject: %s", msg);
    } else {
        int c = col >= 0 && I->colmap[col] >= 0 ? I->colmap[col] + 1 : 0;
        if (col >= 0 && c)
            rc = cc_diags_add(I->d, sev, I->file, (cc_pos){R ? R->row : 1, c}, "msel", hint,
                              "column '%s': %s", col_header(I, col), msg);
        else
            rc = cc_diags_add(I->d, sev, I->file, (cc_pos){R ? R->row : 1, 0}, "msel", hint, "%s", msg);
    }
    if (rc != CC_OK)
        I->oom = 1;
}

static const char *sdup(imp *I, const char *s, size_t n)
{
    char *p = cc_arena_strndup(I->a, s, n);
    if (!p)
        I->oom = 1;
    return p ? p : "";
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *trimmed(imp *I, const char *s)
{
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        n--;
    while (n && is_space(*s))
        s++, n--;
    return sdup(I, s, n);
}

/* CR LF to LF (spreadsheets on Windows write either inside cells). */
static const char *unix_lines(imp *I, const char *s)
{
    if (!strchr(s, '\r'))
        return s;
    size_t n = strlen(s);
    char *p = cc_arena_alloc(I->a, n + 1);
    if (!p) {
        I->oom = 1;
        return "";
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] == '\r' && s[i + 1] == '\n'))
            p[k++] = s[i];
    p[k] = 0;
    return p;
}

/* Splits a banner's list (REL TO, caveats) on commas, semicolons and white space. */
static const char **split_list(imp *I, const char *s, size_t *n)
{
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += (*p == ',' || *p == ';' || is_space(*p));
    const char **v = cc_arena_array(I->a, cap, sizeof *v);
    *n = 0;
    if (!v) {
        I->oom = 1;
        return NULL;
    }
    const char *p = s;
    while (*p) {
        while (*p && (*p == ',' || *p == ';' || is_space(*p)))
            p++;
        const char *e = p;
        while (*e && !(*e == ',' || *e == ';' || is_space(*e)))
            e++;
        if (e > p)
            v[(*n)++] = sdup(I, p, (size_t)(e - p));
        p = e;
    }
    return v;
}

static int has_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_space(s[i]))
            return 1;
    return 0;
}

/* The comma-separated item at a (up to end), trimmed: its start, its length in *k, and in *next
 * where the item after it starts. */
static const char *comma_item(const char *a, const char *end, size_t *k, const char **next)
{
    const char *e = memchr(a, ',', (size_t)(end - a));
    size_t n = e ? (size_t)(e - a) : (size_t)(end - a);
    while (n && is_space(a[n - 1]))
        n--;
    while (n && is_space(*a))
        a++, n--;
    *k = n;
    *next = e ? e + 1 : end;
    return a;
}
/* Splits a multi-value cell (to, objectives, class) on its documented separators only: ';' and
 * line breaks, and a comma between single words ("usa-chair, kor-chair"). Spaces never split:
 * a value with spaces inside ("Situational assessment and ...") is kept whole, with a warning
 * (an error in the To column, whose references have no spaces). */
static const char **split_cell(imp *I, irow *R, int col, const char *s, size_t *n)
{
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ',' || *p == ';' || *p == '\n' || *p == '\r';
    const char **v = cc_arena_array(I->a, cap, sizeof *v);
    *n = 0;
    if (!v) {
        I->oom = 1;
        return NULL;
    }
    for (const char *p = s; *p;) {
        size_t len = strcspn(p, ";\r\n");
        const char *q = p;
        size_t m = len;
        while (m && is_space(q[m - 1]))
            m--;
        while (m && is_space(*q))
            q++, m--;
        p += len + (p[len] ? 1 : 0);
        if (!m)
            continue;
        /* a comma list of single words splits; a comma inside prose does not */
        int words = memchr(q, ',', m) != NULL;
        for (const char *a = q, *nx; words && a < q + m; a = nx) {
            size_t k;
            const char *b = comma_item(a, q + m, &k, &nx);
            words = !has_space(b, k);
        }
        if (words) {
            for (const char *a = q, *nx; a < q + m; a = nx) {
                size_t k;
                const char *b = comma_item(a, q + m, &k, &nx);
                if (k)
                    v[(*n)++] = sdup(I, b, k);
            }
            continue;
        }
        const char *val = sdup(I, q, m);
        if (has_space(q, m) && R) {
            if (col == CC_MSEL_TO)
                cell_diag(I, CC_SEV_ERROR, R, col, "separate references with ';' or a line break",
                          "'%.80s' is not one reference (references have no spaces)", val);
            else if (col != CC_MSEL_OBJECTIVES || !I->base)
                cell_diag(I, CC_SEV_WARNING, R, col,
                          "separate several values with ';' or a line break; spaces do not separate",
                          "'%.80s' looks like prose: read as one value", val);
        }
        v[(*n)++] = val;
    }
    return v;
}

static const char **split_expected(imp *I, const char *s, size_t *n)
{
    *n = 0;
    if (s[0] == '[') {
        json_t *j = json_loads(s, JSON_REJECT_DUPLICATES, NULL);
        int ok = json_is_array(j);
        for (size_t i = 0; ok && i < json_array_size(j); i++)
            ok = json_is_string(json_array_get(j, i));
        if (ok) {
            const char **v = cc_arena_array(I->a, json_array_size(j) + 1, sizeof *v);
            for (size_t i = 0; v && i < json_array_size(j); i++) {
                json_t *e = json_array_get(j, i);
                v[(*n)++] = sdup(I, json_string_value(e), json_string_length(e));
            }
            if (!v)
                I->oom = 1;
            json_decref(j);
            return v;
        }
        json_decref(j);
    }
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == '\n';
    const char **v = cc_arena_array(I->a, cap, sizeof *v);
    if (!v) {
        I->oom = 1;
        return NULL;
    }
    for (const char *p = s; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && is_space(p[len - 1]))
            len--;
        const char *q = p;
        while (len && is_space(*q))
            q++, len--;
        if (len)
            v[(*n)++] = sdup(I, q, len);
        p = e ? e + 1 : p + strlen(p);
    }
    return v;
}

/* A channel by name or a common synonym ("E-mail", "Phone", "Video conference"). */
static const char *channel_of(const char *s)
{
    static const struct {
        const char *norm, *name;
    } syn[] = {
        {"message", "message"},
        {"msg", "message"},
        {"cable", "cable"},
        {"diplomaticcable", "cable"},
        {"call", "call"},
        {"phone", "call"},
        {"phonecall", "call"},
        {"telephone", "call"},
        {"email", "email"},
        {"mail", "email"},
        {"meeting", "meeting"},
        {"inperson", "meeting"},
        {"vtc", "vtc"},
        {"video", "vtc"},
        {"videoconference", "vtc"},
        {"videocall", "vtc"},
        {"news", "news"},
        {"media", "news"},
        {"press", "news"},
        {"newsreport", "news"},
        {"intelreport", "intel-report"},
        {"intel", "intel-report"},
        {"intelligencereport", "intel-report"},
        {"statement", "statement"},
        {"publicstatement", "statement"},
        {"pressstatement", "statement"},
    };
    char n[64];
    cc_msel_normalise(s, strlen(s), n, sizeof n);
    for (size_t i = 0; i < sizeof syn / sizeof syn[0]; i++)
        if (strcmp(syn[i].norm, n) == 0)
            return syn[i].name;
    return NULL;
}

/* Civil (wall clock) seconds in zone z to an instant. */
static int64_t civil_to_unix(const cc_zone *z, int64_t civil)
{
    if (!z)
        return civil;
    int64_t u = civil - cc_zone_offset(z, civil);
    return civil - cc_zone_offset(z, u);
}

/* A scenario or delivery time cell: the relative forms planners write (see cc_reltime_parse),
 * an RFC 3339 instant, or a spreadsheet date and time in the exercise zone. */
static int parse_time(imp *I, irow *R, int col, const char *s, int *kind, int64_t *val, int64_t *day)
{
    *kind = T_NONE;
    if (!*s)
        return 0;
    const char *hint = "write +2h30m, +1d02:30, D+1 H+3 or Day 2 09:30 (after the start), 2026-03-01 09:30 "
                       "(in the exercise zone), 2026-03-01T09:30:00+09:00, or an Excel date number";
    cc_reltime rt;
    cc_time_error te = {0};
    cc_err rc = cc_reltime_parse(s, strlen(s), &rt, &te);
    if (rc == CC_OK) {
        *kind = rt.day_clock ? T_DAY : T_REL;
        *val = rt.day_clock ? rt.clock_s : rt.offset_s;
        *day = rt.day;
        return 0;
    }
    if (rc != CC_ERR_NOTFOUND) {
        cell_diag(I, CC_SEV_ERROR, R, col, te.hint[0] ? te.hint : hint, "cannot read '%s' as a time: %s", s,
                  te.message);
        return -1;
    }
    int64_t u;
    int32_t off;
    if (cc_rfc3339_parse(s, strlen(s), &u, &off, NULL) == CC_OK) {
        *kind = T_ABS;
        *val = u;
        return 0;
    }
    const char *why = NULL;
    if (cc_csv_datetime(s, strlen(s), I->dates, &u, &why) == CC_OK) {
        *kind = T_CIVIL;
        *val = u;
        return 0;
    }
    cell_diag(I, CC_SEV_ERROR, R, col, hint, "cannot read '%s' as a time (%s)", s,
              why ? why : "unknown form");
    return -1;
}

static int is_trigger_key(const char *w)
{
    static const char *const keys[] = {"after", "decision", "outcome", "consultation",
                                       "stage", "timeout",  "delay"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(w, keys[i]) == 0)
            return 1;
    return 0;
}

/* The end of the flow collection that starts at p ('{' or '['): after the bracket that closes
 * it, skipping quoted text; the end of the string when it is not closed (the reader of the value
 * then says so). */
static const char *flow_end(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '"' || *p == '\'') {
            char q = *p;
            while (p[1] && p[1] != q)
                p += 1 + (q == '"' && p[1] == '\\' && p[2]);
            if (!p[1])
                return p + 1;
            p++;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if ((*p == '}' || *p == ']') && --depth == 0) {
            return p + 1;
        }
    }
    return p;
}

/* "after I-3", "decision D-1 outcome hold", "{consultation: C-1, stage: convene}"; a delay may be
 * a distribution, "after I-3 delay {dist: exponential, mean: 30m}" */
static int parse_trigger(imp *I, irow *R)
{
    const char *s = R->v[CC_MSEL_TRIGGER];
    const char *hint = "write 'after I-3', 'decision D-1 outcome hold', 'consultation C-1 stage convene' "
                       "or 'timeout D-1'";
    const char *w[17];
    size_t n = 0;
    for (const char *p = s; *p;) {
        while (*p && (strchr(" \t\r\n,:=", *p)))
            p++;
        if (*p == '{' && n % 2 && n < 16 && strcasecmp(w[n - 1], "delay") == 0) {
            const char *e = flow_end(p);
            w[n++] = sdup(I, p, (size_t)(e - p));
            p = e;
            continue;
        }
        while (*p && (strchr(" \t\r\n,:{}=", *p)))
            p++;
        const char *e = p;
        while (*e && !strchr(" \t\r\n,:{}=", *e))
            e++;
        if (e > p) {
            if (n == 16) {
                cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_TRIGGER, hint, "trigger '%s' is too long", s);
                return -1;
            }
            w[n++] = sdup(I, p, (size_t)(e - p));
        }
        p = e;
    }
    if (n % 2 || n == 0) {
        cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_TRIGGER, hint,
                  "cannot read trigger '%s': expected KEY VALUE pairs", s);
        return -1;
    }
    for (size_t i = 0; i < n; i += 2) {
        char lw[32];
        cc_msel_normalise(w[i], strlen(w[i]), lw, sizeof lw);
        if (!is_trigger_key(lw)) {
            cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_TRIGGER, hint, "unknown word '%s' in trigger '%s'", w[i],
                      s);
            return -1;
        }
        for (size_t k = 0; k < R->ntrig; k++)
            if (strcmp(R->tkeys[k], lw) == 0) {
                cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_TRIGGER, hint, "'%s' appears twice in trigger '%s'", lw,
                          s);
                return -1;
            }
        R->tkeys[R->ntrig] = sdup(I, lw, strlen(lw));
        R->tvals[R->ntrig++] = w[i + 1];
    }
    return 0;
}

/* A cell of record rec, or the value a range merged down the column gives it. */
static const char *cell_at(const imp *I, size_t rec, int c)
{
    int f = I->colmap[c];
    if (f < 0)
        return "";
    size_t len;
    const char *v = cc_csv_field(I->csv, rec, (size_t)f, &len);
    if (!len && I->fill && rec >= I->drec) {
        int src = I->fill[(rec - I->drec) * CC_MSEL_NCOLS + (size_t)c];
        if (src >= 0)
            v = cc_csv_field(I->csv, (size_t)src, (size_t)f, NULL);
    }
    return v;
}

/* The base inject named id, or -1. */
static int base_inject(const imp *I, const char *id)
{
    for (size_t i = 0; I->base && *id && i < I->base->ninjects; i++)
        if (strcmp(I->base->injects[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* The texts in other languages of base inject b the sheet has no column for (all: every one). */
static void base_lang_cells(imp *I, irow *R, size_t b, int all)
{
    for (size_t k = 0; k < I->nlangs; k++)
        for (int t = 0; t < CC_MSEL_NTEXT; t++)
            if (all || I->langmap[k][t] < 0)
                R->lv[k][t] = cc_msel_cell_lang(I->base_table, b, cc_msel_text_cols[t], k);
}

/* Reads one record into R. With --merge, a base inject's fields the sheet has no column for are
 * kept (the times as a group: the sheet's scenario time, delivery time or trigger replace all
 * of them). */
static void read_row(imp *I, size_t rec, irow *R)
{
    memset(R, 0, sizeof *R);
    R->row = cc_csv_row(I->csv, rec);
    for (int c = 0; c < CC_MSEL_NCOLS; c++) {
        const char *v = cell_at(I, rec, c);
        /* free text is kept byte for byte; everything else is trimmed */
        if (c == CC_MSEL_TITLE || c == CC_MSEL_BODY || c == CC_MSEL_NOTES)
            R->v[c] = v;
        else
            R->v[c] = trimmed(I, v);
    }
    for (size_t k = 0; k < I->nlangs; k++)
        for (int t = 0; t < CC_MSEL_NTEXT; t++)
            R->lv[k][t] =
                I->langmap[k][t] >= 0 ? cc_csv_field(I->csv, rec, (size_t)I->langmap[k][t], NULL) : "";
    if (!I->base_table || !I->o->merge)
        return;
    int b = base_inject(I, R->v[CC_MSEL_ID]);
    if (b < 0)
        return;
    base_lang_cells(I, R, (size_t)b, 0);
    int times =
        I->colmap[CC_MSEL_TIME] >= 0 || I->colmap[CC_MSEL_DELIVERY] >= 0 || I->colmap[CC_MSEL_TRIGGER] >= 0;
    for (int c = 0; c < CC_MSEL_NCOLS; c++) {
        int timecol =
            c == CC_MSEL_TIME || c == CC_MSEL_DELIVERY || c == CC_MSEL_TRIGGER || c == CC_MSEL_DELAY;
        if (I->colmap[c] >= 0 || (timecol && times))
            continue;
        const char *v = cc_msel_cell(I->base_table, (size_t)b, (cc_msel_col)c);
        R->v[c] = sdup(I, v, strlen(v));
    }
    R->merged = 1;
}

/* A value with spaces in the Objectives column: the base objective with that title (any case),
 * or without a base a new objective whose id is made from the words. */
static void objectives_by_title(imp *I, irow *R)
{
    for (size_t k = 0; k < R->nobj; k++) {
        const char *o = R->obj[k];
        if (!has_space(o, strlen(o)))
            continue;
        if (I->base) {
            const char *id = NULL;
            for (size_t i = 0; i < I->base->nobjectives && !id; i++) {
                const char *t = I->base->objectives[i].title;
                if (t && strcasecmp(t, o) == 0)
                    id = I->base->objectives[i].id;
            }
            if (id) {
                R->obj[k] = id;
                continue;
            }
            char ids[200] = "";
            size_t used = 0;
            for (size_t i = 0; i < I->base->nobjectives && used + 1 < sizeof ids; i++)
                used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%s", i ? ", " : "",
                                         I->base->objectives[i].id);
            char hint[300];
            snprintf(hint, sizeof hint, "write objective ids separated by ';' (%s), or an objective's title",
                     *ids ? ids : "the base defines none");
            cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_OBJECTIVES, hint, "no objective of %s is titled '%.80s'",
                      I->o->into_file, o);
            continue;
        }
        char id[65];
        size_t n = 0;
        for (const char *p = o; *p && n < 64; p++) {
            char ch = *p;
            if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
                id[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
            else if (n && id[n - 1] != '-')
                id[n++] = '-';
        }
        while (n && id[n - 1] == '-')
            n--;
        if (!n)
            continue;
        if (!R->objt) {
            R->objt = cc_arena_array(I->a, R->nobj, sizeof *R->objt);
            if (!R->objt) {
                I->oom = 1;
                return;
            }
        }
        R->objt[k] = o;
        R->obj[k] = sdup(I, id, n);
    }
}

/* A required column the sheet does not have: reported once at the header, or (--merge, where
 * rows that name base injects need none) for each new inject. The cell is flagged bad. */
static int absent(imp *I, irow *R, int col)
{
    if (I->colmap[col] >= 0 || R->merged)
        return 0;
    if (I->o->merge && I->base) {
        char hint[120];
        snprintf(hint, sizeof hint, "add a column '%s', or name only injects of the base",
                 cc_msel_header((cc_msel_col)col));
        cell_diag(I, CC_SEV_ERROR, R, -1, hint, "inject '%s' is not in %s, and the sheet has no column '%s'",
                  R->v[CC_MSEL_ID], I->o->into_file, cc_msel_header((cc_msel_col)col));
    }
    R->bad |= 1u << col;
    return 1;
}

/* The expected actions in each other language: as many as the authoritative list, in its order
 * ("" for one without a text in that language: the JSON array form). */
static void check_lang_expected(imp *I, irow *R)
{
    int t = cc_msel_text_index(CC_MSEL_EXPECTED);
    for (size_t k = 0; k < I->nlangs; k++) {
        R->nlexp[k] = 0;
        R->lexp[k] = NULL;
        if (!R->lv[k][t] || !*R->lv[k][t])
            continue;
        R->lexp[k] = split_expected(I, unix_lines(I, R->lv[k][t]), &R->nlexp[k]);
        if (R->nlexp[k] != R->nexp)
            cell_diag(I, CC_SEV_ERROR, R, -1,
                      "one action per line in the order of the authoritative column (a JSON array with \"\" "
                      "for an action without a translation)",
                      "column 'Expected Action@%s' lists %zu actions, column 'Expected Action' %zu",
                      cc_msel_lang(I->base_table, k), R->nlexp[k], R->nexp);
    }
}

/* A trigger delay written as a distribution, "{dist: exponential, mean: 30m}" (pair k, from
 * column col): read and checked by the scenario loader's own reader of distributions, each of
 * its errors reported at the cell; a good one is written into the trigger in the form export
 * writes (cc_scenario_dist_write). */
static void check_drawn_delay(imp *I, irow *R, size_t k, int col)
{
    const char *v = R->tvals[k];
    cc_diags dd;
    cc_diags_init(&dd);
    cc_dist dist;
    cc_err rc = cc_scenario_load_dist(v, strlen(v), I->file, "the delay", I->a, &dd, &dist);
    if (rc == CC_ERR_NOMEM || dd.oom)
        I->oom = 1;
    for (size_t i = 0; i < dd.count; i++)
        if (dd.items[i].sev == CC_SEV_ERROR)
            cell_diag(I, CC_SEV_ERROR, R, col,
                      dd.items[i].hint
                          ? dd.items[i].hint
                          : "write a distribution as the scenario format does, e.g. "
                            "{dist: exponential, mean: 30m} (docs/scenario-format.md#distributions)",
                      "%s, in '%s'", dd.items[i].message, v);
    if (rc == CC_OK && !dd.errors) {
        cc_buf b;
        cc_buf_init(&b);
        cc_scenario_dist_write(&dist, &b);
        if (b.oom)
            I->oom = 1;
        else
            R->tvals[k] = sdup(I, b.data, b.len);
        R->tdist |= 1u << k;
        cc_buf_free(&b);
    } else if (rc != CC_ERR_NOMEM && !dd.errors) {
        cell_diag(I, CC_SEV_ERROR, R, col, NULL, "cannot read the delay '%s'", v);
    }
    cc_diags_free(&dd);
}

/* Checks a row (from the CSV or the base) and fills its parsed parts. */
static void check_row(imp *I, irow *R)
{
    const char **v = R->v;
    if (!*v[CC_MSEL_ID] && !absent(I, R, CC_MSEL_ID))
        cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_ID, "every row needs an inject number such as I-01",
                  "the inject number is empty");
    if (!*v[CC_MSEL_TITLE] && !absent(I, R, CC_MSEL_TITLE))
        cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_TITLE, "give the inject a short title",
                  "the synopsis is empty");
    if (!*v[CC_MSEL_LABEL] && !absent(I, R, CC_MSEL_LABEL))
        cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_LABEL, "write a banner such as UNCLASSIFIED//REL TO USA, KOR",
                  "the label is empty");
    if (!*v[CC_MSEL_FROM])
        v[CC_MSEL_FROM] = "control";
    R->to = split_cell(I, R, CC_MSEL_TO, v[CC_MSEL_TO], &R->nto);
    if (R->nto == 0 && !absent(I, R, CC_MSEL_TO))
        cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_TO, "name seats, cell:ID, party:ID, group:ID or all",
                  "no intended player");
    R->obj = split_cell(I, R, CC_MSEL_OBJECTIVES, v[CC_MSEL_OBJECTIVES], &R->nobj);
    objectives_by_title(I, R);
    R->cls = split_cell(I, R, CC_MSEL_CLASS, v[CC_MSEL_CLASS], &R->ncls);
    R->exp = split_expected(I, unix_lines(I, v[CC_MSEL_EXPECTED]), &R->nexp);
    check_lang_expected(I, R);
    if (*v[CC_MSEL_CHANNEL]) {
        const char *ch = channel_of(v[CC_MSEL_CHANNEL]);
        if (!ch)
            cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_CHANNEL,
                      "use one of message, cable, call, email, meeting, vtc, news, intel-report, statement",
                      "unknown delivery method '%s'", v[CC_MSEL_CHANNEL]);
        else
            v[CC_MSEL_CHANNEL] = ch;
    }
    if (strchr(v[CC_MSEL_CONTROLLER], '\n'))
        cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_CONTROLLER, NULL, "the controller must fit on one line");
    R->notes = v[CC_MSEL_NOTES];
    if (*v[CC_MSEL_CONTROLLER]) {
        size_t n = strlen(R->notes) + strlen(v[CC_MSEL_CONTROLLER]) + 16;
        char *p = cc_arena_alloc(I->a, n);
        if (!p)
            I->oom = 1;
        else
            snprintf(p, n, "%s%sController: %s", R->notes, *R->notes ? "\n" : "", v[CC_MSEL_CONTROLLER]);
        R->notes = p ? p : "";
    }
    int bad_time = parse_time(I, R, CC_MSEL_TIME, v[CC_MSEL_TIME], &R->tkind, &R->tval, &R->tday);
    bad_time |= parse_time(I, R, CC_MSEL_DELIVERY, v[CC_MSEL_DELIVERY], &R->dkind, &R->dval, &R->dday);
    if (*v[CC_MSEL_TRIGGER]) {
        int read = parse_trigger(I, R) == 0;
        if (read && *v[CC_MSEL_DELAY]) {
            int twice = 0;
            for (size_t k = 0; k < R->ntrig; k++)
                twice |= strcmp(R->tkeys[k], "delay") == 0;
            if (twice) {
                cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_DELAY, "keep one of them",
                          "a delay is given both here and in the trigger");
            } else {
                R->tkeys[R->ntrig] = "delay";
                R->tvals[R->ntrig++] = v[CC_MSEL_DELAY];
            }
        }
        for (size_t k = 0; read && k < R->ntrig; k++)
            if (strcmp(R->tkeys[k], "delay") == 0 && R->tvals[k][0] == '{')
                check_drawn_delay(I, R, k, R->tvals[k] == v[CC_MSEL_DELAY] ? CC_MSEL_DELAY : CC_MSEL_TRIGGER);
        for (size_t k = 0; k < R->ntrig && !I->base; k++)
            if (strcmp(R->tkeys[k], "decision") == 0 || strcmp(R->tkeys[k], "consultation") == 0 ||
                strcmp(R->tkeys[k], "timeout") == 0) {
                char hint[200];
                snprintf(hint, sizeof hint, "import --into SCENARIO, the scenario that defines %s '%.60s'",
                         strcmp(R->tkeys[k], "timeout") == 0 ? "the decision or consultation" : R->tkeys[k],
                         R->tvals[k]);
                cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_TRIGGER, hint,
                          "the trigger waits for %s '%s', which an MSEL cannot define", R->tkeys[k],
                          R->tvals[k]);
                break;
            }
        if (R->tkind != T_NONE)
            cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_TRIGGER, "keep either the scenario time or the trigger",
                      "the inject has both a scenario time and a trigger");
    } else {
        if (*v[CC_MSEL_DELAY])
            cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_DELAY,
                      "a delay counts from a trigger: add one, or add the "
                      "delay to the scenario time",
                      "a delay without a trigger");
        if (R->tkind == T_NONE && R->dkind == T_NONE && !bad_time &&
            !(I->colmap[CC_MSEL_TIME] < 0 && I->colmap[CC_MSEL_DELIVERY] < 0 &&
              I->colmap[CC_MSEL_TRIGGER] < 0 && !R->merged))
            cell_diag(I, CC_SEV_ERROR, R, I->colmap[CC_MSEL_TIME] >= 0 ? CC_MSEL_TIME : CC_MSEL_ID,
                      "give a scenario time such as +2h, or a trigger such as 'after I-01'",
                      "the inject has neither a scenario time nor a trigger");
        else if (R->tkind == T_NONE && R->dkind == T_NONE && !absent(I, R, CC_MSEL_TIME))
            R->bad |= 1u << CC_MSEL_TIME;
    }
}

/* An offset from the start: relative as is, an instant or civil time in the exercise zone, a
 * clock time on a day of the exercise (day 0 = the start's date in the zone). */
static int64_t offset_of(const imp *I, int kind, int64_t val, int64_t day)
{
    switch (kind) {
    case T_REL: return val;
    case T_ABS: return val - I->start;
    case T_CIVIL: return civil_to_unix(I->zone, val) - I->start;
    default: break;
    }
    int64_t local = I->start + (I->zone ? cc_zone_offset(I->zone, I->start) : 0);
    int64_t d0 = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    return civil_to_unix(I->zone, (d0 + day) * 86400 + val) - I->start;
}

/* Absolute and civil times to offsets from the start; the delivery time stands in for a
 * missing scenario time and must agree with a given one. */
static void resolve_times(imp *I, irow *R)
{
    int64_t at = 0, dv = 0;
    int have = 0, dhave = 0;
    if (R->tkind != T_NONE) {
        at = offset_of(I, R->tkind, R->tval, R->tday);
        have = 1;
    }
    if (R->dkind != T_NONE) {
        dv = offset_of(I, R->dkind, R->dval, R->dday);
        dhave = 1;
    }
    if (have && dhave && at != dv && R->ntrig == 0) {
        char a[48], b[48];
        cc_duration_format(at, a, sizeof a);
        cc_duration_format(dv, b, sizeof b);
        cell_diag(I, CC_SEV_WARNING, R, CC_MSEL_DELIVERY, "the scenario time wins; correct one of the two",
                  "delivery time (+%s) differs from the scenario time (+%s)", b, a);
    }
    if (!have && dhave && R->ntrig == 0) {
        at = dv;
        have = 1;
        R->tkind = R->dkind;
    }
    if (!have || R->ntrig)
        return;
    int col = R->tkind != T_NONE && I->colmap[CC_MSEL_TIME] >= 0 && *R->v[CC_MSEL_TIME] ? CC_MSEL_TIME
                                                                                        : CC_MSEL_DELIVERY;
    if (at < 0) {
        char st[64];
        cc_rfc3339_format(I->start, I->zone ? cc_zone_offset(I->zone, I->start) : 0, st, sizeof st);
        cell_diag(I, CC_SEV_ERROR, R, col, "check the date, or the date order (--dates dmy|mdy)",
                  "time '%s' lies before the exercise start %s", R->v[col], st);
        R->tkind = T_NONE;
        return;
    }
    if (at > CC_DURATION_MAX_S) {
        cell_diag(I, CC_SEV_ERROR, R, col, NULL, "time '%s' lies more than 3650 days after the start",
                  R->v[col]);
        R->tkind = T_NONE;
        return;
    }
    R->tkind = T_REL;
    R->tval = at;
}

/* ---- YAML ------------------------------------------------------------------------------ */

static void line_src(imp *I, int row, int col)
{
    lsrc *p = cc_grow(I->lines, &I->caplines, I->nlines + 1, sizeof *p);
    if (!p) {
        I->oom = 1;
        return;
    }
    I->lines = p;
    I->lines[I->nlines++] = (lsrc){row, col};
}

static void yw_list_line(imp *I, cc_buf *b, int ri, int col, const char *key, const char *const *v, size_t n)
{
    if (!n)
        return;
    cc_yw_key(b, 4, key);
    cc_yw_flow_list(b, v, n);
    cc_buf_putc(b, '\n');
    line_src(I, ri, col);
}

static void yw_pair_line(imp *I, cc_buf *b, int ri, int col, const char *key, const char *val)
{
    cc_yw_pair(b, 4, key, val); /* one line: quoted scalars hold no raw line break */
    line_src(I, ri, col);
}

/* Whether row R has a text of text column col in another language. */
static int has_lang_text(const imp *I, const irow *R, int col)
{
    int t = cc_msel_text_index((cc_msel_col)col);
    for (size_t k = 0; t >= 0 && k < I->nlangs; k++)
        if (R->lv[k][t] && *R->lv[k][t])
            return 1;
    return 0;
}

/* A text as a flow map of languages: {AUTH: "...", TAG: "...", ...}; item e of the expected actions
 * when e >= 0. */
static void yw_text_map(imp *I, cc_buf *b, const irow *R, int col, const char *auth, long e)
{
    int t = cc_msel_text_index((cc_msel_col)col);
    cc_buf_putc(b, '{');
    cc_yw_quotedz(b, cc_scenario_authoritative_language(I->base));
    cc_buf_puts(b, ": ");
    cc_yw_quotedz(b, auth);
    for (size_t k = 0; k < I->nlangs; k++) {
        const char *v = e < 0 ? R->lv[k][t] : (size_t)e < R->nlexp[k] ? R->lexp[k][e] : "";
        if (!v || !*v)
            continue;
        cc_buf_puts(b, ", ");
        cc_yw_quotedz(b, cc_msel_lang(I->base_table, k));
        cc_buf_puts(b, ": ");
        cc_yw_quotedz(b, v);
    }
    cc_buf_putc(b, '}');
}

/* A text field on one line: a string, or a map of languages when the row has other texts of it. */
static void yw_text_line(imp *I, cc_buf *b, int ri, int col, const char *key, const char *val)
{
    const irow *R = &I->rows[ri];
    int tc = col == CC_MSEL_CONTROLLER ? CC_MSEL_NOTES : col; /* notes led by the controller column */
    if (!has_lang_text(I, R, tc)) {
        yw_pair_line(I, b, ri, col, key, val);
        return;
    }
    cc_yw_key(b, 4, key);
    yw_text_map(I, b, R, tc, val, -1);
    cc_buf_putc(b, '\n');
    line_src(I, ri, col);
}

/* The expected actions, each a string or a map of languages. */
static void yw_expected(imp *I, cc_buf *b, int ri)
{
    const irow *R = &I->rows[ri];
    if (!has_lang_text(I, R, CC_MSEL_EXPECTED)) {
        yw_list_line(I, b, ri, CC_MSEL_EXPECTED, "expected_actions", R->exp, R->nexp);
        return;
    }
    cc_yw_key(b, 4, "expected_actions");
    cc_buf_putc(b, '[');
    for (size_t e = 0; e < R->nexp; e++) {
        cc_buf_puts(b, e ? ", " : "");
        yw_text_map(I, b, R, CC_MSEL_EXPECTED, R->exp[e], (long)e);
    }
    cc_buf_puts(b, "]\n");
    line_src(I, ri, CC_MSEL_EXPECTED);
}

/* A banner in map form: for a label originator or an empty REL TO. */
static void yw_label_map(imp *I, cc_buf *b, const irow *R)
{
    const char *s = R->v[CC_MSEL_LABEL];
    const char *parts[70];
    size_t np = 0;
    for (const char *p = s; np < 70;) {
        const char *e = strstr(p, "//");
        parts[np++] = sdup(I, p, e ? (size_t)(e - p) : strlen(p));
        if (!e)
            break;
        p = e + 2;
    }
    cc_yw_key(b, 4, "label");
    cc_buf_puts(b, "{classification: ");
    cc_yw_quotedz(b, trimmed(I, parts[0]));
    size_t last = np;
    int rel = 0;
    if (np > 1 && strncmp(parts[np - 1], "REL TO", 6) == 0) {
        rel = 1;
        last = np - 1;
    }
    if (last > 1) {
        cc_buf_puts(b, ", caveats: [");
        int first = 1;
        for (size_t i = 1; i < last; i++) {
            size_t n;
            const char **cv = split_list(I, parts[i], &n);
            for (size_t k = 0; k < n; k++) {
                cc_buf_puts(b, first ? "" : ", ");
                cc_yw_quotedz(b, cv[k]);
                first = 0;
            }
        }
        cc_buf_putc(b, ']');
    }
    if (rel) {
        size_t n;
        const char **rv = split_list(I, parts[np - 1] + 6, &n);
        cc_buf_puts(b, ", rel_to: ");
        cc_yw_flow_list(b, rv, n);
    }
    if (*R->v[CC_MSEL_LABEL_ORIGINATOR]) {
        cc_buf_puts(b, ", originator: ");
        cc_yw_quotedz(b, R->v[CC_MSEL_LABEL_ORIGINATOR]);
    }
    cc_buf_puts(b, "}\n");
}

static int empty_rel_to(const char *s)
{
    size_t n = strlen(s);
    return n >= 8 && strcmp(s + n - 8, "//REL TO") == 0;
}

static int is_bad(const irow *R, int col)
{
    return (R->bad >> col) & 1u;
}

/* One inject. A cell with an error already reported gets a placeholder (so that the rest of the
 * row is still checked) and its diagnostics from the check of the result are dropped. */
static void yw_inject(imp *I, cc_buf *b, int ri)
{
    const irow *R = &I->rows[ri];
    const char *const *v = R->v;
    char ph[48];
    cc_buf_puts(b, "  - id: ");
    if (is_bad(R, CC_MSEL_ID) || !*v[CC_MSEL_ID]) {
        snprintf(ph, sizeof ph, "row-%d", R->row);
        cc_yw_quotedz(b, ph);
    } else {
        cc_yw_quotedz(b, v[CC_MSEL_ID]);
    }
    cc_buf_putc(b, '\n');
    line_src(I, ri, CC_MSEL_ID);
    snprintf(ph, sizeof ph, "(row %d)", R->row);
    yw_text_line(I, b, ri, CC_MSEL_TITLE, "title", *v[CC_MSEL_TITLE] ? v[CC_MSEL_TITLE] : ph);
    if (*v[CC_MSEL_BODY] || has_lang_text(I, R, CC_MSEL_BODY))
        yw_text_line(I, b, ri, CC_MSEL_BODY, "body", v[CC_MSEL_BODY]);
    if (is_bad(R, CC_MSEL_LABEL) || !*v[CC_MSEL_LABEL]) {
        const char *lowest = I->base ? cc_label_policy_class_name(I->base->policy, 0) : "UNCLASSIFIED";
        yw_pair_line(I, b, ri, CC_MSEL_LABEL, "label", lowest ? lowest : "UNCLASSIFIED");
    } else if (*v[CC_MSEL_LABEL_ORIGINATOR] || empty_rel_to(v[CC_MSEL_LABEL])) {
        yw_label_map(I, b, R);
        line_src(I, ri, CC_MSEL_LABEL);
    } else {
        yw_pair_line(I, b, ri, CC_MSEL_LABEL, "label", v[CC_MSEL_LABEL]);
    }
    yw_pair_line(I, b, ri, CC_MSEL_FROM, "from", v[CC_MSEL_FROM]);
    if (*v[CC_MSEL_ORIGINATOR])
        yw_pair_line(I, b, ri, CC_MSEL_ORIGINATOR, "originator", v[CC_MSEL_ORIGINATOR]);
    cc_yw_key(b, 4, "to");
    cc_yw_flow_list(b, R->to, R->nto);
    cc_buf_putc(b, '\n');
    line_src(I, ri, CC_MSEL_TO);
    if (*v[CC_MSEL_CHANNEL] && !is_bad(R, CC_MSEL_CHANNEL))
        yw_pair_line(I, b, ri, CC_MSEL_CHANNEL, "channel", v[CC_MSEL_CHANNEL]);
    yw_list_line(I, b, ri, CC_MSEL_CLASS, "class", R->cls, R->ncls);
    if (R->ntrig && !is_bad(R, CC_MSEL_TRIGGER) && !is_bad(R, CC_MSEL_DELAY)) {
        cc_yw_key(b, 4, "trigger");
        cc_buf_putc(b, '{');
        for (size_t k = 0; k < R->ntrig; k++) {
            cc_buf_printf(b, "%s%s: ", k ? ", " : "", R->tkeys[k]);
            if ((R->tdist >> k) & 1u)
                cc_buf_puts(b, R->tvals[k]);
            else
                cc_yw_quotedz(b, R->tvals[k]);
        }
        cc_buf_puts(b, "}\n");
        line_src(I, ri, CC_MSEL_TRIGGER);
    } else if (R->tkind == T_REL) {
        char dur[48];
        cc_duration_format(R->tval, dur, sizeof dur);
        cc_buf_printf(b, "    at: \"+%s\"\n", dur);
        line_src(I, ri, *v[CC_MSEL_TIME] ? CC_MSEL_TIME : CC_MSEL_DELIVERY);
    } else {
        static const int cols_t[] = {CC_MSEL_TIME, CC_MSEL_DELIVERY, CC_MSEL_TRIGGER, CC_MSEL_DELAY};
        int col = CC_MSEL_TIME;
        for (size_t k = 4; k-- > 0;)
            if (is_bad(R, cols_t[k]))
                col = cols_t[k];
        cc_buf_puts(b, "    at: \"+0s\"\n");
        line_src(I, ri, col);
    }
    yw_expected(I, b, ri);
    yw_list_line(I, b, ri, CC_MSEL_OBJECTIVES, "objectives", R->obj, R->nobj);
    if (*R->notes || has_lang_text(I, R, CC_MSEL_NOTES))
        yw_text_line(I, b, ri, *v[CC_MSEL_NOTES] || !*R->notes ? CC_MSEL_NOTES : CC_MSEL_CONTROLLER, "notes",
                     R->notes);
}

static void yw_injects(imp *I, cc_buf *b)
{
    if (!I->nrows) {
        cc_buf_puts(b, "injects: []\n");
        line_src(I, -1, -1);
        return;
    }
    cc_buf_puts(b, "injects:\n");
    line_src(I, -1, -1);
    for (size_t i = 0; i < I->nrows; i++)
        yw_inject(I, b, (int)i);
}

/* ---- minimal scenario ----------------------------------------------------------------- */

/* An ordered set of names. */
typedef struct nset {
    cc_idmap *m;
    const char **v;
    int *row; /* first row that names it */
    size_t n, cap;
} nset;

static int nset_init(imp *I, nset *s, size_t cap)
{
    s->m = cc_idmap_new(I->a, cap + 1);
    s->v = cc_arena_array(I->a, cap + 1, sizeof *s->v);
    s->row = cc_arena_array(I->a, cap + 1, sizeof *s->row);
    s->n = 0;
    s->cap = cap;
    if (!s->m || !s->v || !s->row) {
        I->oom = 1;
        return -1;
    }
    return 0;
}

static int nset_add(nset *s, const char *name, int row)
{
    if (!name || !*name || !s->m || s->n >= s->cap)
        return -1;
    int k = cc_idmap_put(s->m, name, (int)s->n);
    if (k >= 0)
        return k;
    s->v[s->n] = name;
    s->row[s->n] = row;
    return (int)s->n++;
}

static int nset_has(const nset *s, const char *name)
{
    return s->m && cc_idmap_get(s->m, name) >= 0;
}

static void upper_prefix(const char *seat, char *out, size_t size)
{
    size_t k = 0;
    for (; seat[k] && seat[k] != '-' && seat[k] != '_' && seat[k] != '.' && k + 1 < size; k++)
        out[k] = (seat[k] >= 'a' && seat[k] <= 'z') ? (char)(seat[k] - 32) : seat[k];
    out[k] = 0;
}

typedef struct banner {
    const char *cls;
    const char **cav;
    size_t ncav;
    const char **rel;
    size_t nrel;
} banner;

static void split_banner(imp *I, const char *s, banner *bn)
{
    memset(bn, 0, sizeof *bn);
    const char *e = strstr(s, "//");
    bn->cls = trimmed(I, sdup(I, s, e ? (size_t)(e - s) : strlen(s)));
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == '/' || *p == ',' || *p == ' ';
    bn->cav = cc_arena_array(I->a, cap, sizeof *bn->cav);
    if (!bn->cav) {
        I->oom = 1;
        return;
    }
    while (e) {
        const char *p = e + 2;
        e = strstr(p, "//");
        const char *part = sdup(I, p, e ? (size_t)(e - p) : strlen(p));
        if (strncmp(part, "REL TO", 6) == 0) {
            bn->rel = split_list(I, part + 6, &bn->nrel);
        } else if (strcmp(part, "NOFORN") != 0) {
            for (const char *q = part; *q;) {
                const char *f = strchr(q, '/');
                size_t n = f ? (size_t)(f - q) : strlen(q);
                if (n)
                    bn->cav[bn->ncav++] = trimmed(I, sdup(I, q, n));
                q = f ? f + 1 : q + n;
            }
        }
    }
}

static void yw_strs_line(cc_buf *b, int indent, const char *key, const char *const *v, size_t n)
{
    cc_yw_key(b, indent, key);
    cc_yw_flow_list(b, v, n);
    cc_buf_putc(b, '\n');
}

/* The exercise id from the file name: "msel/Policy TTX.csv" -> "Policy-TTX". */
static const char *id_from_file(imp *I, const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
    char id[65];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 64; i++) {
        char c = base[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (ok || (k > 0 && (c == '_' || c == '.' || c == '-')))
            id[k++] = c;
        else if (k > 0 && id[k - 1] != '-')
            id[k++] = '-';
    }
    while (k && id[k - 1] == '-')
        k--;
    if (!k)
        return "msel";
    return sdup(I, id, k);
}

static const char *const ladder[][2] = {
    {"UNCLASSIFIED", "U"}, {"CONFIDENTIAL", "C"}, {"SECRET", "S"}, {"TOP SECRET", "TS"}};

/* What a minimal scenario around the rows names, gathered from them. */
typedef struct minimal {
    nset classes, caveats, parties, groups, seats, cells, objectives, named;
    const char **objtitle; /* by objective */
    int *seat_party;       /* by seat */
    int control;           /* a row comes from control */
} minimal;

/* A row's label: its classification (a new one when it is not of the standard ladder), caveats
 * and REL TO names. */
static void gather_label(imp *I, minimal *M, irow *R)
{
    banner bn;
    split_banner(I, R->v[CC_MSEL_LABEL], &bn);
    int known = 0;
    for (size_t k = 0; k < 4; k++)
        known |= strcmp(bn.cls, ladder[k][0]) == 0 || strcmp(bn.cls, ladder[k][1]) == 0;
    int valid = *bn.cls != 0;
    for (const char *q = bn.cls; *q; q++)
        valid &=
            (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '-' || (*q == ' ' && q[1] != ' ');
    if (!known && !valid && !is_bad(R, CC_MSEL_LABEL)) {
        char up[64];
        size_t k = 0;
        for (; bn.cls[k] && k + 1 < sizeof up; k++)
            up[k] = (bn.cls[k] >= 'a' && bn.cls[k] <= 'z') ? (char)(bn.cls[k] - 32) : bn.cls[k];
        up[k] = 0;
        char hint[128];
        snprintf(hint, sizeof hint, "write classifications in upper case, e.g. '%.60s'", up);
        cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_LABEL, hint, "'%s' is not a classification name", bn.cls);
    } else if (!known && valid) {
        nset_add(&M->classes, bn.cls, R->row);
    }
    for (size_t k = 0; k < bn.ncav; k++)
        nset_add(&M->caveats, bn.cav[k], R->row);
    /* a name listed beside nation codes is an organisation (EXCON); alone, a group */
    int nations = 0;
    for (size_t k = 0; k < bn.nrel; k++)
        nations |= cc_iso3166_nation(bn.rel[k]);
    for (size_t k = 0; k < bn.nrel; k++)
        if (cc_iso3166_nation(bn.rel[k]) || nations)
            nset_add(&M->parties, bn.rel[k], R->row);
        else
            nset_add(&M->named, bn.rel[k], R->row);
}

/* First pass: everything the rows name; party codes known for sure. */
static void gather_names(imp *I, minimal *M)
{
    for (size_t i = 0; i < 4; i++)
        nset_add(&M->classes, ladder[i][0], 0);
    for (size_t i = 0; i < I->nrows; i++) {
        irow *R = &I->rows[i];
        gather_label(I, M, R);
        nset_add(&M->parties, R->v[CC_MSEL_ORIGINATOR], R->row);
        nset_add(&M->parties, R->v[CC_MSEL_LABEL_ORIGINATOR], R->row);
        if (strcmp(R->v[CC_MSEL_FROM], "control") == 0)
            M->control = 1;
        else
            nset_add(&M->seats, R->v[CC_MSEL_FROM], R->row);
        for (size_t k = 0; k < R->nto; k++) {
            cc_ref x;
            cc_scenario_ref_parse(R->to[k], &x);
            nset *to[] = {&M->seats, &M->cells, &M->parties, &M->groups, NULL};
            if (to[x.kind])
                nset_add(to[x.kind], x.name, R->row);
        }
        for (size_t k = 0; k < R->nobj; k++) {
            int at = nset_add(&M->objectives, R->obj[k], R->row);
            if (at >= 0 && R->objt && R->objt[k] && !M->objtitle[at])
                M->objtitle[at] = R->objt[k];
        }
    }
}

/* Each seat's party: PARTY-role names tell it; with one party, that one. 0, or -1 out of
 * memory. */
static int seat_parties(imp *I, minimal *M)
{
    M->seat_party = cc_arena_array(I->a, M->seats.n + 1, sizeof *M->seat_party);
    if (!M->seat_party) {
        I->oom = 1;
        return -1;
    }
    for (size_t i = 0; i < M->seats.n; i++) {
        char pf[20];
        upper_prefix(M->seats.v[i], pf, sizeof pf);
        M->seat_party[i] = -1;
        if (nset_has(&M->parties, pf) || cc_iso3166_nation(pf))
            M->seat_party[i] = nset_add(&M->parties, sdup(I, pf, strlen(pf)), M->seats.row[i]);
    }
    if (M->parties.n == 0)
        nset_add(&M->parties, "EXERCISE", 0);
    for (size_t i = 0; i < M->seats.n; i++) {
        if (M->seat_party[i] >= 0)
            continue;
        if (M->parties.n == 1) {
            M->seat_party[i] = 0;
            continue;
        }
        irow R0 = {.row = M->seats.row[i]};
        for (int c = 0; c < CC_MSEL_NCOLS; c++)
            R0.v[c] = "";
        cell_diag(I, CC_SEV_ERROR, &R0, CC_MSEL_TO,
                  "name seats PARTY-role (usa-chair, kor-mnd), or import --into a scenario that defines them",
                  "cannot tell which party seat '%s' belongs to", M->seats.v[i]);
        M->seat_party[i] = 0; /* so that the rest is still checked */
    }
    /* REL TO names that are not parties: groups of every party */
    for (size_t i = 0; i < M->named.n; i++)
        if (!nset_has(&M->parties, M->named.v[i]))
            nset_add(&M->groups, M->named.v[i], M->named.row[i]);
    return 0;
}

/* The exercise section and the label policy. */
static void yw_min_exercise(imp *I, const minimal *M, cc_buf *b, const char *zone)
{
    char st[64];
    cc_rfc3339_format(I->start, I->zone ? cc_zone_offset(I->zone, I->start) : 0, st, sizeof st);
    int64_t last = 0;
    for (size_t i = 0; i < I->nrows; i++)
        if (I->rows[i].tkind == T_REL && !I->rows[i].ntrig && I->rows[i].tval > last)
            last = I->rows[i].tval;
    cc_buf_printf(b,
                  "# Generated by caucus msel import from %s: a minimal scenario around the MSEL's injects.\n"
                  "# Parties, seats, groups, cells and objectives were inferred from the references;\n"
                  "# review them (or import --into a full scenario).\n",
                  I->file);
    cc_buf_puts(b, "caucus: 1\nexercise:\n");
    cc_yw_pair(b, 2, "id", I->o->id ? I->o->id : id_from_file(I, I->file));
    if (I->o->title) {
        cc_yw_pair(b, 2, "title", I->o->title);
    } else {
        char t[300];
        const char *base = strrchr(I->file, '/');
        snprintf(t, sizeof t, "MSEL imported from %s", base ? base + 1 : I->file);
        cc_yw_pair(b, 2, "title", t);
    }
    cc_yw_pair(b, 2, "start", st);
    cc_yw_pair(b, 2, "zone", zone);
    if (last + 3600 > 72 * 3600) {
        int64_t days = (last + 3600 + 86399) / 86400;
        cc_buf_printf(b, "  duration: \"%lldd\"\n", (long long)days);
    }
    cc_buf_puts(b, "label_policy:\n  id: \"msel-import\"\n  classifications:\n");
    for (size_t i = 0; i < M->classes.n; i++) {
        cc_buf_puts(b, "    - {name: ");
        cc_yw_quotedz(b, M->classes.v[i]);
        cc_buf_puts(b, ", short: ");
        cc_yw_quotedz(b, i < 4 ? ladder[i][1] : M->classes.v[i]);
        cc_buf_puts(b, "}\n");
    }
    if (M->caveats.n)
        yw_strs_line(b, 2, "caveats", M->caveats.v, M->caveats.n);
    if (M->groups.n) {
        cc_buf_puts(b, "  groups:\n");
        for (size_t i = 0; i < M->groups.n; i++) {
            cc_buf_puts(b, "    ");
            cc_yw_quotedz(b, M->groups.v[i]);
            cc_buf_puts(b, ": ");
            cc_yw_flow_list(b, M->parties.v, M->parties.n);
            cc_buf_putc(b, '\n');
        }
    }
}

/* Parties, cells, seats (control's seat last, with the first organisation) and objectives. */
static void yw_min_people(imp *I, const minimal *M, cc_buf *b, const char *zone)
{
    cc_buf_puts(b, "parties:\n");
    for (size_t i = 0; i < M->parties.n; i++) {
        cc_buf_puts(b, "  - id: ");
        cc_yw_quotedz(b, M->parties.v[i]);
        cc_buf_printf(b, "\n    name: ");
        cc_yw_quotedz(b, M->parties.v[i]);
        cc_buf_printf(b, "\n    kind: %s\n", cc_iso3166_nation(M->parties.v[i]) ? "nation" : "organisation");
        cc_yw_pair(b, 4, "zone", zone);
    }
    const char *ctl_id = "excon";
    size_t ctl_party = 0; /* control sits with the first organisation, else the first party */
    for (size_t i = M->parties.n; i-- > 0;)
        if (!cc_iso3166_nation(M->parties.v[i]))
            ctl_party = i;
    if (M->control || M->cells.n) {
        cc_buf_puts(b, "cells:\n");
        if (M->control) {
            cc_buf_puts(b, "  - {id: \"control\", name: \"Exercise control\", kind: control}\n");
            for (int k = 2; nset_has(&M->seats, ctl_id) && k < 1000; k++) {
                char nm[32];
                snprintf(nm, sizeof nm, "excon-%d", k);
                ctl_id = sdup(I, nm, strlen(nm));
            }
        }
        for (size_t i = 0; i < M->cells.n; i++) {
            if (M->control && strcmp(M->cells.v[i], "control") == 0)
                continue;
            cc_buf_puts(b, "  - {id: ");
            cc_yw_quotedz(b, M->cells.v[i]);
            cc_buf_puts(b, ", name: ");
            cc_yw_quotedz(b, M->cells.v[i]);
            cc_buf_puts(b, "}\n");
        }
    }
    cc_buf_puts(b, "seats:\n");
    const char *top = M->classes.v[M->classes.n - 1];
    for (size_t i = 0; i < M->seats.n + (size_t)M->control; i++) {
        int is_ctl = i == M->seats.n;
        cc_buf_puts(b, "  - id: ");
        cc_yw_quotedz(b, is_ctl ? ctl_id : M->seats.v[i]);
        cc_buf_puts(b, "\n    party: ");
        cc_yw_quotedz(b, M->parties.v[is_ctl ? ctl_party : (size_t)M->seat_party[i]]);
        cc_buf_puts(b, is_ctl ? "\n    role: \"Exercise control\"\n"
                              : "\n    role: \"Player (from the MSEL)\"\n");
        cc_yw_pair(b, 4, "clearance", top);
        if (M->caveats.n)
            yw_strs_line(b, 4, "caveats", M->caveats.v, M->caveats.n);
        if (is_ctl)
            cc_buf_puts(b, "    cells: [\"control\"]\n");
    }
    if (M->objectives.n) {
        cc_buf_puts(b, "objectives:\n");
        for (size_t i = 0; i < M->objectives.n; i++) {
            cc_buf_puts(b, "  - {id: ");
            cc_yw_quotedz(b, M->objectives.v[i]);
            cc_buf_puts(b, ", title: ");
            cc_yw_quotedz(b, M->objtitle[i] ? M->objtitle[i] : M->objectives.v[i]);
            cc_buf_puts(b, "}\n");
        }
    }
}

/* Writes the non-inject sections of a minimal scenario that makes the rows valid. */
static void yw_minimal(imp *I, cc_buf *b)
{
    size_t cap = 8;
    for (size_t i = 0; i < I->nrows; i++)
        cap += 2 * I->rows[i].nto + I->rows[i].nobj + 6 + strlen(I->rows[i].v[CC_MSEL_LABEL]);
    minimal M;
    memset(&M, 0, sizeof M);
    if (nset_init(I, &M.classes, cap) || nset_init(I, &M.caveats, cap) || nset_init(I, &M.parties, cap) ||
        nset_init(I, &M.groups, cap) || nset_init(I, &M.seats, cap) || nset_init(I, &M.cells, cap) ||
        nset_init(I, &M.objectives, cap) || nset_init(I, &M.named, cap))
        return;
    M.objtitle = cc_arena_array(I->a, cap + 1, sizeof *M.objtitle);
    if (!M.objtitle) {
        I->oom = 1;
        return;
    }
    gather_names(I, &M);
    if (seat_parties(I, &M) != 0)
        return;
    const char *zone = I->o->zone ? I->o->zone : "UTC";
    yw_min_exercise(I, &M, b, zone);
    yw_min_people(I, &M, b, zone);
}

/* ---- header and options --------------------------------------------------------------- */

/* The merged range whose top-left cell is (row, col), or NULL. */
static const cc_xlsx_merge *merge_at(const imp *I, int row, int col)
{
    for (size_t i = 0; i < I->o->nmerges; i++)
        if (I->o->merges[i].r0 == row && I->o->merges[i].c0 == col)
            return &I->o->merges[i];
    return NULL;
}

/* 1 when a --map option names this header. */
static int mapped_header(const imp *I, const char *h, size_t hl)
{
    char hn[256];
    cc_msel_normalise(h, hl, hn, sizeof hn);
    for (size_t m = 0; m < I->o->nmaps && *hn; m++)
        for (const char *p = I->o->maps[m]; *p;) {
            const char *e = strchr(p, ',');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            const char *eq = memchr(p, '=', n);
            if (eq) {
                char want[256];
                cc_msel_normalise(eq + 1, (size_t)(p + n - eq - 1), want, sizeof want);
                if (strcmp(want, hn) == 0)
                    return 1;
            }
            p = e ? e + 1 : p + n;
        }
    return 0;
}

/* The header row: the first of the first ten records naming two MSEL columns (else the first
 * record). Rows above it are a title. A group header merged across columns combines with the
 * row below ("Delivery" over "Time" and "Method"); a header merged down spans its rows. */
static void find_header(imp *I)
{
    size_t n = cc_csv_nrecords(I->csv);
    I->hrec = 0;
    for (size_t r = 0; r < n && r < 10; r++) {
        int known = 0;
        for (size_t j = 0; j < cc_csv_nfields(I->csv, r); j++) {
            size_t hl;
            const char *h = cc_csv_field(I->csv, r, j, &hl);
            known += hl && (cc_msel_col_of(h, hl) >= 0 || mapped_header(I, h, hl));
        }
        if (known >= 2) {
            I->hrec = r;
            break;
        }
    }
    int hrow = cc_csv_row(I->csv, I->hrec), last = hrow, group = 0;
    I->ncsvcols = cc_csv_nfields(I->csv, I->hrec);
    for (size_t i = 0; i < I->o->nmerges; i++) {
        const cc_xlsx_merge *m = &I->o->merges[i];
        if (m->r0 != hrow || (size_t)m->c0 >= I->ncsvcols)
            continue;
        if (m->r1 > last && m->r1 <= hrow + 1)
            last = m->r1;
        if (m->c1 > m->c0 && m->r1 == hrow)
            group = 1;
    }
    if (group)
        last = hrow + 1;
    I->drec = I->hrec + 1;
    size_t sub = I->drec; /* the second header row, when there is one */
    while (I->drec < n && cc_csv_row(I->csv, I->drec) <= last)
        I->drec++;
    int two = sub < n && cc_csv_row(I->csv, sub) == hrow + 1 && last == hrow + 1;
    I->hdr = cc_arena_array(I->a, I->ncsvcols + 1, sizeof *I->hdr);
    if (!I->hdr) {
        I->oom = 1;
        return;
    }
    for (size_t j = 0; j < I->ncsvcols; j++) {
        size_t hl, sl = 0;
        const char *h = cc_csv_field(I->csv, I->hrec, j, &hl);
        const char *s = two ? cc_csv_field(I->csv, sub, j, &sl) : "";
        const cc_xlsx_merge *g = NULL;
        for (size_t i = 0; i < I->o->nmerges && two; i++) {
            const cc_xlsx_merge *m = &I->o->merges[i];
            if (m->r0 == hrow && m->r1 == hrow && m->c1 > m->c0 && (int)j >= m->c0 && (int)j <= m->c1)
                g = m;
        }
        if (g) { /* group header + sub-header */
            size_t gl;
            const char *gh = cc_csv_field(I->csv, I->hrec, (size_t)g->c0, &gl);
            char buf[512];
            snprintf(buf, sizeof buf, "%.*s%s%.*s", (int)(gl < 250 ? gl : 250), gh, gl && sl ? " " : "",
                     (int)(sl < 250 ? sl : 250), s);
            I->hdr[j] = sdup(I, buf, strlen(buf));
        } else {
            I->hdr[j] = hl || !two ? h : s;
        }
    }
    if (I->hrec > 0)
        cc_diags_add(I->d, CC_SEV_NOTE, I->file, (cc_pos){cc_csv_row(I->csv, 0), 0}, "msel-title", NULL,
                     "rows %d to %d above the header row %d are a title; not imported", cc_csv_row(I->csv, 0),
                     cc_csv_row(I->csv, I->hrec - 1), hrow);
}

/* For each data cell of an MSEL column that a range merged down the column covers, the record
 * of the range's first row. Bounded work: a range is followed over the records it spans. */
static void compute_fill(imp *I)
{
    size_t n = cc_csv_nrecords(I->csv);
    if (!I->o->nmerges || I->drec >= n)
        return;
    size_t rows = n - I->drec;
    I->fill = malloc(rows * CC_MSEL_NCOLS * sizeof *I->fill);
    if (!I->fill) {
        I->oom = 1;
        return;
    }
    for (size_t i = 0; i < rows * CC_MSEL_NCOLS; i++)
        I->fill[i] = -1;
    for (size_t i = 0; i < I->o->nmerges; i++) {
        const cc_xlsx_merge *m = &I->o->merges[i];
        if (m->r1 == m->r0)
            continue;
        int c = -1;
        for (int k = 0; k < CC_MSEL_NCOLS; k++)
            if (I->colmap[k] == m->c0)
                c = k;
        if (c < 0)
            continue;
        /* the record of the first row, then those below it up to r1 */
        size_t lo = I->drec, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cc_csv_row(I->csv, mid) < m->r0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo >= n || cc_csv_row(I->csv, lo) != m->r0)
            continue;
        for (size_t r = lo + 1; r < n && cc_csv_row(I->csv, r) <= m->r1; r++)
            I->fill[(r - I->drec) * CC_MSEL_NCOLS + (size_t)c] = (int)lo;
    }
}

/* A record that is one range merged across most of the table ("DAY 2 - 4 March"): a section
 * heading between injects. */
static int section_heading(imp *I, size_t rec)
{
    if (!I->o->nmerges)
        return 0;
    size_t nf = cc_csv_nfields(I->csv, rec), nonempty = 0, at = 0;
    for (size_t j = 0; j < nf; j++) {
        size_t l;
        cc_csv_field(I->csv, rec, j, &l);
        if (l) {
            nonempty++;
            at = j;
        }
    }
    int row = cc_csv_row(I->csv, rec);
    const cc_xlsx_merge *m = nonempty == 1 ? merge_at(I, row, (int)at) : NULL;
    if (!m || m->r1 != row || (size_t)(m->c1 - m->c0 + 1) * 2 < I->ncsvcols)
        return 0;
    cc_diags_add(I->d, CC_SEV_NOTE, I->file, (cc_pos){row, (int)at + 1}, "msel-heading", NULL,
                 "a section heading ('%.60s', merged across the table); not imported",
                 cc_csv_field(I->csv, rec, at, NULL));
    return 1;
}

static const char *const cols_hint =
    "columns: id, time, delivery, title, body, from, to, channel, expected, objectives, "
    "controller, notes, label, trigger, delay, class, originator, label_originator";

/* One --map COLUMN=Header item (p, n bytes) placed into I->colmap, its column marked in user. 0,
 * or -2 with the error reported. */
static int apply_map(imp *I, const char *p, size_t n, char *user)
{
    const char *eq = memchr(p, '=', n);
    if (!eq) {
        cc_diags_add(I->d, CC_SEV_ERROR, "--map", (cc_pos){0, 0}, "bad-map", "write COLUMN=Header Name",
                     "'%.*s' has no '='", (int)n, p);
        I->errors++;
        return -2;
    }
    char key[64];
    cc_msel_normalise(p, (size_t)(eq - p), key, sizeof key);
    int col = -1;
    for (int c = 0; c < CC_MSEL_NCOLS; c++) {
        char k[64];
        cc_msel_normalise(cc_msel_key((cc_msel_col)c), strlen(cc_msel_key((cc_msel_col)c)), k, sizeof k);
        if (strcmp(k, key) == 0)
            col = c;
    }
    if (col < 0)
        col = cc_msel_col_of(p, (size_t)(eq - p));
    if (col < 0) {
        cc_diags_add(I->d, CC_SEV_ERROR, "--map", (cc_pos){0, 0}, "bad-map", cols_hint,
                     "unknown column '%.*s'", (int)(eq - p), p);
        I->errors++;
        return -2;
    }
    char want[256];
    cc_msel_normalise(eq + 1, (size_t)(p + n - eq - 1), want, sizeof want);
    int found = -1;
    for (size_t j = 0; j < I->ncsvcols && found < 0; j++) {
        char hn[256];
        cc_msel_normalise(I->hdr[j], strlen(I->hdr[j]), hn, sizeof hn);
        if (strcmp(hn, want) == 0)
            found = (int)j;
    }
    if (found < 0) {
        cc_diags_add(I->d, CC_SEV_ERROR, "--map", (cc_pos){0, 0}, "bad-map",
                     "header names are compared without case, spaces or punctuation",
                     "%s=%.*s: the header row has no column '%.*s'", cc_msel_key((cc_msel_col)col),
                     (int)(p + n - eq - 1), eq + 1, (int)(p + n - eq - 1), eq + 1);
        I->errors++;
        return -2;
    }
    I->colmap[col] = found;
    user[found] = 1;
    return 0;
}

/* The columns every import needs (none when rows may name the base's injects). */
static void require_columns(imp *I)
{
    static const struct {
        int col;
        const char *what;
    } need[] = {{CC_MSEL_ID, "the inject number"},
                {CC_MSEL_TITLE, "the event synopsis"},
                {CC_MSEL_LABEL, "the label"},
                {CC_MSEL_TO, "the intended players (to)"}};
    int merging = I->o->merge && I->o->into_text; /* rows naming base injects need no column */
    for (size_t i = 0; i < sizeof need / sizeof need[0] && !merging; i++)
        if (I->colmap[need[i].col] < 0) {
            char hint[160];
            snprintf(hint, sizeof hint, "name a column '%s', or use --map %s=HEADER",
                     cc_msel_header((cc_msel_col)need[i].col), cc_msel_key((cc_msel_col)need[i].col));
            cc_diags_add(I->d, CC_SEV_ERROR, I->file, (cc_pos){cc_csv_row(I->csv, I->hrec), 0}, "msel-column",
                         hint, "no column for %s", need[i].what);
            I->errors++;
        }
    if (I->colmap[CC_MSEL_TIME] < 0 && I->colmap[CC_MSEL_DELIVERY] < 0 && I->colmap[CC_MSEL_TRIGGER] < 0 &&
        !merging) {
        cc_diags_add(I->d, CC_SEV_ERROR, I->file, (cc_pos){cc_csv_row(I->csv, I->hrec), 0}, "msel-column",
                     "name a column 'Scenario Time' or 'Trigger', or use --map time=HEADER",
                     "no column for the scenario time or trigger");
        I->errors++;
    }
}

/* Which CSV column holds each MSEL column: --map first, then the header names. 0; -1 after an
 * error reported; -2 for a bad --map (or out of memory). */
/* A header "HEADER@TAG" (a text column in another language): recorded for map_lang_headers. */
static int lang_header(imp *I, size_t j, int row)
{
    char tag[CC_LANG_TAG_MAX + 1];
    int col = cc_msel_lang_header(I->hdr[j], strlen(I->hdr[j]), tag, sizeof tag);
    if (col < 0)
        return 0;
    if (I->nlhdr == MAX_LANG_HEADERS) {
        cc_diags_add(I->d, CC_SEV_ERROR, I->file, (cc_pos){row, (int)j + 1}, "msel-column", NULL,
                     "column '%s': more than %d columns in other languages", I->hdr[j], MAX_LANG_HEADERS);
        I->errors++;
        return 1;
    }
    I->lhdr[I->nlhdr].field = j;
    I->lhdr[I->nlhdr].col = col;
    snprintf(I->lhdr[I->nlhdr++].tag, sizeof I->lhdr[0].tag, "%s", tag);
    return 1;
}

/* The language columns against the base's languages: each must be a declared language other
 * than the authoritative one (whose text is in the plain column), once. */
static void map_lang_headers(imp *I)
{
    I->nlangs = I->base_table ? cc_msel_nlangs(I->base_table) : 0;
    for (size_t k = 0; k < CC_LANG_MAX; k++)
        for (int t = 0; t < CC_MSEL_NTEXT; t++)
            I->langmap[k][t] = -1;
    int row = cc_csv_row(I->csv, I->hrec);
    for (size_t i = 0; i < I->nlhdr; i++) {
        const char *tag = I->lhdr[i].tag, *h = I->hdr[I->lhdr[i].field];
        cc_pos pos = {row, (int)I->lhdr[i].field + 1};
        size_t k = 0;
        while (k < I->nlangs && !cc_lang_eq(cc_msel_lang(I->base_table, k), tag))
            k++;
        int t = cc_msel_text_index((cc_msel_col)I->lhdr[i].col);
        const char *why = NULL, *hint = NULL;
        if (!I->base)
            why = "holds a text in another language, which needs a scenario that declares it",
            hint = "import --into a scenario whose exercise.languages declares the language";
        else if (cc_lang_eq(cc_scenario_authoritative_language(I->base), tag))
            why = "is in the authoritative language, whose text goes in the column without '@'";
        else if (k == I->nlangs)
            why = "is in a language the base scenario does not declare (exercise.languages)";
        else if (I->langmap[k][t] >= 0)
            why = "repeats another column of the same text and language";
        if (why) {
            I->errors++;
            if (cc_diags_add(I->d, CC_SEV_ERROR, I->file, pos, "msel-column", hint, "column '%s' %s", h,
                             why) != CC_OK)
                I->oom = 1;
            continue;
        }
        I->langmap[k][t] = (int)I->lhdr[i].field;
    }
}

static int map_headers(imp *I)
{
    for (int c = 0; c < CC_MSEL_NCOLS; c++)
        I->colmap[c] = -1;
    char *user = calloc(I->ncsvcols + 1, 1); /* columns placed by --map */
    if (!user) {
        I->oom = 1;
        return -1;
    }
    for (size_t m = 0; m < I->o->nmaps; m++)
        for (const char *p = I->o->maps[m]; *p;) {
            const char *e = strchr(p, ',');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (apply_map(I, p, n, user) != 0) {
                free(user);
                return -2;
            }
            p = e ? e + 1 : p + n;
        }
    for (size_t j = 0; j < I->ncsvcols; j++) {
        if (user[j])
            continue;
        const char *h = I->hdr[j];
        size_t hl = strlen(h);
        int col = cc_msel_col_of(h, hl);
        irow R0 = {.row = cc_csv_row(I->csv, I->hrec)};
        if (col < 0 && lang_header(I, j, R0.row))
            continue;
        if (col < 0) {
            if (hl == 0)
                continue;
            char msg[64];
            snprintf(msg, sizeof msg, "%.40s", h);
            cc_diags_add(I->d, CC_SEV_WARNING, I->file, (cc_pos){R0.row, (int)j + 1}, "msel-column",
                         "map it with --map COLUMN=HEADER if it holds inject data",
                         "column '%s' is not an MSEL column; it is not imported", msg);
            continue;
        }
        if (I->colmap[col] >= 0) {
            if (user[I->colmap[col]])
                continue; /* --map chose another column */
            const char *other = I->hdr[I->colmap[col]];
            cc_diags_add(I->d, CC_SEV_ERROR, I->file, (cc_pos){R0.row, (int)j + 1}, "msel-column",
                         "rename one of them, or choose with --map",
                         "columns %d '%s' and %zu '%s' both hold the %s", I->colmap[col] + 1, other, j + 1, h,
                         cc_msel_key((cc_msel_col)col));
            I->errors++;
            continue;
        }
        I->colmap[col] = (int)j;
    }
    free(user);
    require_columns(I);
    return I->errors ? -1 : 0;
}

/* Date order from the time columns, unless given. */
static void detect_dates(imp *I)
{
    if (I->o->dates == CC_CSV_DMY || I->o->dates == CC_CSV_MDY) {
        I->dates = (cc_csv_dates)I->o->dates;
        return;
    }
    int dmy = 0, mdy = 0;
    for (size_t r = I->drec; r < cc_csv_nrecords(I->csv); r++)
        for (int c = CC_MSEL_TIME; c <= CC_MSEL_DELIVERY; c++) {
            if (I->colmap[c] < 0)
                continue;
            size_t n;
            const char *v = cc_csv_field(I->csv, r, (size_t)I->colmap[c], &n);
            int o = cc_csv_date_order(v, n);
            dmy |= o > 0;
            mdy |= o < 0;
        }
    I->dates = mdy && !dmy ? CC_CSV_MDY : CC_CSV_DMY;
    if (dmy && mdy)
        cc_diags_add(I->d, CC_SEV_WARNING, I->file, (cc_pos){0, 0}, "msel-dates",
                     "give the order with --dates dmy or --dates mdy",
                     "dates are written both day/month and month/day; reading them as day/month");
}

/* ---- the base scenario ---------------------------------------------------------------- */

/* Where the base's injects section lies: [*from, *to) byte offsets, lines [*l0, *l1). */
static int base_section(imp *I, size_t *from, size_t *to, int *l0, int *l1)
{
    cc_diags tmp;
    cc_diags_init(&tmp);
    cc_ynode *root = NULL;
    cc_ytree_parse(I->o->into_text, I->o->into_len, I->o->into_file, I->a, &tmp, &root);
    cc_diags_free(&tmp);
    const char *t = I->o->into_text;
    size_t len = I->o->into_len;
    if (!root || root->kind != CC_Y_MAP || root->style == CC_YS_FLOW) {
        cc_diags_add(I->d, CC_SEV_ERROR, I->o->into_file, (cc_pos){1, 1}, "msel-base",
                     "write the top level as a block mapping (key: value per line)",
                     "cannot replace the injects of a scenario written in flow style");
        I->errors++;
        return -1;
    }
    int nlines = 1;
    for (size_t i = 0; i < len; i++)
        nlines += t[i] == '\n';
    size_t k = root->n;
    for (size_t i = 0; i < root->n; i++)
        if (root->items[2 * i]->kind == CC_Y_SCALAR && strcmp(root->items[2 * i]->text, "injects") == 0)
            k = i;
    if (k == root->n) {
        *from = *to = len;
        *l0 = *l1 = nlines + 1;
        return 0;
    }
    const cc_ynode *key = root->items[2 * k];
    if (key->pos.col != 1) {
        cc_diags_add(I->d, CC_SEV_ERROR, I->o->into_file, key->pos, "msel-base", NULL,
                     "the 'injects' key must start its line");
        I->errors++;
        return -1;
    }
    int start = key->pos.line, end = nlines + 1;
    for (size_t i = 0; i < root->n; i++) {
        int ln = root->items[2 * i]->pos.line;
        if (ln > start && ln < end)
            end = ln;
    }
    /* line -> offset */
    size_t *off = calloc((size_t)nlines + 2, sizeof *off);
    if (!off) {
        I->oom = 1;
        return -1;
    }
    int ln = 1;
    off[1] = 0;
    for (size_t i = 0; i < len; i++)
        if (t[i] == '\n')
            off[++ln] = i + 1;
    off[nlines + 1] = len;
    if (end <= nlines) { /* keep comments and blank lines that lead into the next section */
        while (end - 1 > start) {
            const char *p = t + off[end - 1];
            size_t n = off[end] - off[end - 1];
            size_t j = 0;
            while (j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r'))
                j++;
            if (j < n && p[j] != '\n' && !(p[0] == '#'))
                break;
            end--;
        }
    }
    *from = off[start];
    *to = end <= nlines ? off[end] : len;
    *l0 = start;
    *l1 = end;
    free(off);
    return 0;
}

/* Rows for the base injects the CSV does not name (merge), in the base's order, with the CSV's
 * rows for the injects it names in their place and its new injects after them. */
static int base_rows(imp *I, irow **rows, size_t *n, size_t cap)
{
    const cc_msel *m = I->base_table;
    cc_idmap *ids = cc_idmap_new(I->a, *n + 1);
    irow *out = cc_arena_array(I->a, cap, sizeof *out);
    char *used = calloc(*n + 1, 1);
    if (!ids || !out || !used) {
        free(used);
        I->oom = 1;
        return -1;
    }
    for (size_t i = 0; i < *n; i++)
        if (*(*rows)[i].v[CC_MSEL_ID])
            cc_idmap_put(ids, (*rows)[i].v[CC_MSEL_ID], (int)i);
    size_t k = 0;
    for (size_t i = 0; i < cc_msel_nrows(m); i++) {
        int j = cc_idmap_get(ids, cc_msel_cell(m, i, CC_MSEL_ID));
        if (j >= 0) {
            out[k++] = (*rows)[j];
            used[j] = 1;
            continue;
        }
        irow *R = &out[k++];
        memset(R, 0, sizeof *R);
        R->base_line = I->base->injects[i].pos.line;
        for (int c = 0; c < CC_MSEL_NCOLS; c++)
            R->v[c] = sdup(I, cc_msel_cell(m, i, c), strlen(cc_msel_cell(m, i, c)));
        base_lang_cells(I, R, i, 1);
        check_row(I, R);
        resolve_times(I, R);
    }
    for (size_t j = 0; j < *n; j++)
        if (!used[j])
            out[k++] = (*rows)[j];
    free(used);
    *rows = out;
    *n = k;
    return 0;
}

/* ---- validation: load the result, report against the CSV -------------------------------- */

static void map_diags(imp *I, const cc_diags *tmp, int sec0, int secn, int l0, int l1)
{
    for (size_t i = 0; i < tmp->count; i++) {
        const cc_diag *g = &tmp->items[i];
        if (g->sev == CC_SEV_ERROR)
            I->errors++;
        int line = g->line;
        int rel = line - sec0;
        if (line >= sec0 && rel < secn && (size_t)rel < I->nlines && I->lines[rel].row >= 0) {
            lsrc src = I->lines[rel];
            irow *R = &I->rows[src.row];
            if (g->sev == CC_SEV_ERROR)
                I->errors--; /* counted again by cell_diag, or already reported */
            if ((src.col >= 0 && is_bad(R, src.col)) ||
                (is_bad(R, CC_MSEL_LABEL) && g->code && strcmp(g->code, "unreadable") == 0))
                continue; /* about a placeholder */
            const char *hint = g->hint;
            if (!hint && src.col == CC_MSEL_TRIGGER && g->code && strcmp(g->code, "unknown-ref") == 0)
                hint = !I->base
                           ? "name an inject of the sheet, or import --into SCENARIO (with --merge to keep "
                             "its injects)"
                       : !I->o->merge
                           ? "the base's injects are replaced; --merge keeps those the sheet does not "
                             "name"
                           : NULL;
            cell_diag(I, g->sev, R, src.col, hint, "%s", g->message);
            continue;
        }
        const char *f = I->o->into_file ? I->o->into_file : I->file;
        cc_err rc;
        if (I->o->into_file && line > 0) {
            int bl = line < sec0 ? line : line - secn + (l1 - l0);
            rc = cc_diags_add(I->d, g->sev, f, (cc_pos){bl, g->col}, g->code, g->hint,
                              "%s (with the imported "
                              "injects)",
                              g->message);
        } else {
            rc = cc_diags_add(I->d, g->sev, f, (cc_pos){0, 0}, g->code, g->hint,
                              "generated scenario, line %d: %s", line, g->message);
        }
        if (rc != CC_OK)
            I->oom = 1;
    }
}

static int count_lines(const cc_buf *b, size_t from)
{
    int n = 0;
    for (size_t i = from; i < b->len; i++)
        n += b->data[i] == '\n';
    return n;
}

cc_err cc_msel_import(const char *csv, size_t len, const char *file, const cc_msel_import_opts *o,
                      cc_diags *d, cc_buf *out)
{
    cc_csv_opts co = {.sep = o ? o->sep : 0};
    cc_csv *t = NULL;
    cc_err rc = cc_csv_parse(csv, len, file ? file : "msel.csv", &co, d, &t);
    if (rc != CC_OK)
        return rc;
    rc = cc_msel_import_table(t, file, o, d, out);
    cc_csv_free(t);
    return rc;
}

/* The base scenario (--into) and its clock, or the clock of --zone and --start. */
static cc_err load_base(imp *I)
{
    cc_diags *d = I->d;
    if (I->o->into_text) {
        cc_load_opts lo = {.tzdir = I->o->tzdir};
        cc_diags tmp;
        cc_diags_init(&tmp);
        if (cc_scenario_load(I->o->into_text, I->o->into_len, I->o->into_file, &lo, &tmp, &I->base) !=
            CC_OK) {
            for (size_t i = 0; i < tmp.count; i++)
                if (tmp.items[i].sev == CC_SEV_ERROR)
                    cc_diags_add(d, CC_SEV_ERROR, tmp.items[i].file,
                                 (cc_pos){tmp.items[i].line, tmp.items[i].col}, tmp.items[i].code,
                                 tmp.items[i].hint, "%s", tmp.items[i].message);
            cc_diags_add(d, CC_SEV_ERROR, I->o->into_file, (cc_pos){0, 0}, "msel-base",
                         "fix it first (caucus lint)", "the base scenario does not load");
            cc_diags_free(&tmp);
            return CC_ERR_INVALID;
        }
        cc_diags_free(&tmp);
        I->start = I->base->start_unix;
        I->zone = I->base->zone;
        return cc_msel_export(I->base, &I->base_table) != CC_OK ? CC_ERR_NOMEM : CC_OK;
    }
    const char *why = NULL;
    const char *zn = I->o->zone ? I->o->zone : "UTC";
    if (cc_tzdb_load(I->o->tzdir, zn, &I->zone, &why) != CC_OK) {
        cc_diags_add(d, CC_SEV_ERROR, "--zone", (cc_pos){0, 0}, "bad-zone",
                     "use an IANA name such as Asia/Seoul", "unknown time zone '%s' (%s)", zn,
                     why ? why : "");
        return CC_ERR_ARG;
    }
    I->own_zone = 1;
    I->start = 1767225600; /* 2026-01-01T00:00:00Z */
    if (I->o->start) {
        int32_t off;
        cc_time_error te = {0};
        if (cc_rfc3339_parse(I->o->start, strlen(I->o->start), &I->start, &off, &te) != CC_OK) {
            cc_diags_add(d, CC_SEV_ERROR, "--start", (cc_pos){0, 0}, "bad-time", te.hint[0] ? te.hint : NULL,
                         "'%s': %s", I->o->start, te.message);
            return CC_ERR_ARG;
        }
    }
    return CC_OK;
}

/* The data rows, read and checked; section headings skipped, a repeated inject number
 * reported and its row dropped. */
static cc_err read_rows(imp *I)
{
    size_t nrec = cc_csv_nrecords(I->csv);
    I->rows = cc_arena_array(I->a, nrec + (I->base ? I->base->ninjects : 0) + 1, sizeof *I->rows);
    cc_idmap *ids = I->rows ? cc_idmap_new(I->a, nrec + 1) : NULL;
    if (!ids)
        return CC_ERR_NOMEM;
    for (size_t r = I->drec; r < nrec && !I->oom; r++) {
        if (section_heading(I, r))
            continue;
        irow *R = &I->rows[I->nrows];
        read_row(I, r, R);
        check_row(I, R);
        if (*R->v[CC_MSEL_ID]) {
            int prev = cc_idmap_put(ids, R->v[CC_MSEL_ID], (int)I->nrows);
            if (prev >= 0) {
                cell_diag(I, CC_SEV_ERROR, R, CC_MSEL_ID, "inject numbers must be unique",
                          "inject number '%s' is used again (first on row %d)", R->v[CC_MSEL_ID],
                          I->rows[prev].row);
                continue;
            }
        }
        I->nrows++;
    }
    return CC_OK;
}

/* Without a base or --start: a row with a relative scenario time and an absolute delivery time
 * pins the start; otherwise the earliest absolute time starts the exercise. */
static void infer_start(imp *I)
{
    int any = 0, seen = 0;
    int64_t st = 0;
    for (size_t i = 0; i < I->nrows && !any; i++) {
        const irow *R = &I->rows[i];
        if (R->ntrig || R->tkind != T_REL || (R->dkind != T_ABS && R->dkind != T_CIVIL))
            continue;
        st = (R->dkind == T_ABS ? R->dval : civil_to_unix(I->zone, R->dval)) - R->tval;
        any = 1;
    }
    for (size_t i = 0; i < I->nrows && !any; i++) {
        const irow *R = &I->rows[i];
        int k = R->tkind != T_NONE ? R->tkind : R->dkind;
        int64_t v = R->tkind != T_NONE ? R->tval : R->dval;
        if (R->ntrig || (k != T_ABS && k != T_CIVIL))
            continue;
        int64_t u = k == T_ABS ? v : civil_to_unix(I->zone, v);
        if (!seen || u < st)
            st = u;
        seen = 1;
    }
    if (any || seen)
        I->start = st;
}

/* Loads the scenario written to out and reports its diagnostics against the cells of the
 * injects section (lines sec0 to sec0 + secn; the base's own section was lines l0 to l1). */
static void check_result(imp *I, const cc_buf *out, int sec0, int secn, int l0, int l1)
{
    cc_diags tmp;
    cc_diags_init(&tmp);
    cc_scenario *s = NULL;
    cc_load_opts lo = {.tzdir = I->o->tzdir};
    cc_scenario_load(out->data, out->len, "(import)", &lo, &tmp, &s);
    map_diags(I, &tmp, sec0, secn, l0, l1);
    cc_scenario_free(s);
    cc_diags_free(&tmp);
}

/* The document, written and checked even after errors (with placeholders for the cells in
 * error), so that every problem is reported in one pass: the base with its injects section
 * replaced, or a minimal scenario around the rows. */
static cc_err write_document(imp *I, cc_buf *out)
{
    int l0 = 0, l1 = 0;
    size_t from = 0, to = 0;
    cc_buf body;
    cc_buf_init(&body);
    if (I->base) {
        if (base_section(I, &from, &to, &l0, &l1))
            return I->oom ? CC_ERR_NOMEM : CC_ERR_INVALID;
        cc_buf_append(out, I->o->into_text, from);
        if (from > 0 && I->o->into_text[from - 1] != '\n')
            cc_buf_putc(out, '\n');
    } else {
        yw_minimal(I, &body);
        if (!I->oom)
            cc_buf_append(out, body.data ? body.data : "", body.len);
        cc_buf_free(&body);
        if (I->oom)
            return CC_ERR_NOMEM;
    }
    int sec0 = count_lines(out, 0) + 1;
    size_t mark = out->len;
    yw_injects(I, out);
    int secn = count_lines(out, mark);
    if (I->base)
        cc_buf_append(out, I->o->into_text + to, I->o->into_len - to);
    if (out->oom || I->oom)
        return CC_ERR_NOMEM;
    check_result(I, out, sec0, secn, l0, l1);
    return I->oom ? CC_ERR_NOMEM : I->errors ? CC_ERR_INVALID : CC_OK;
}

cc_err cc_msel_import_table(const cc_csv *table, const char *file, const cc_msel_import_opts *o, cc_diags *d,
                            cc_buf *out)
{
    cc_msel_import_opts dflt = {.dates = -1};
    imp I = {.o = o ? o : &dflt, .file = file ? file : "msel.csv", .d = d, .csv = table};
    if (!(I.a = cc_arena_new(0)))
        return CC_ERR_NOMEM;
    cc_err rc = CC_OK;
    if (cc_csv_nrecords(I.csv) == 0) {
        cc_diags_add(d, CC_SEV_ERROR, I.file, (cc_pos){1, 0}, "msel-empty", "the first row names the columns",
                     "no header row: the file is empty");
        rc = CC_ERR_PARSE;
        goto done;
    }
    find_header(&I);
    if (I.oom) {
        rc = CC_ERR_NOMEM;
        goto done;
    }
    if (map_headers(&I) == -2) {
        rc = I.oom ? CC_ERR_NOMEM : CC_ERR_ARG;
        goto done;
    }
    compute_fill(&I);
    detect_dates(&I);
    if ((rc = load_base(&I)) != CC_OK)
        goto done;
    map_lang_headers(&I);
    if ((rc = read_rows(&I)) != CC_OK)
        goto done;
    if (!I.o->into_text && !I.o->start)
        infer_start(&I);
    for (size_t i = 0; i < I.nrows; i++)
        resolve_times(&I, &I.rows[i]);
    if (!I.base && I.nrows == 0) {
        if (!I.errors)
            cell_diag(&I, CC_SEV_ERROR, NULL, -1,
                      "add a row per inject below the header, or import --into a scenario",
                      "the MSEL has no injects");
        rc = I.oom ? CC_ERR_NOMEM : CC_ERR_INVALID;
        goto done;
    }
    if (I.base && I.o->merge)
        base_rows(&I, &I.rows, &I.nrows, I.nrows + I.base->ninjects + 1);
    rc = I.oom ? CC_ERR_NOMEM : write_document(&I, out);
done:
    if (I.own_zone)
        cc_zone_free(I.zone);
    cc_scenario_free(I.base);
    cc_msel_free(I.base_table);
    free(I.fill);
    free(I.lines);
    cc_arena_free(I.a);
    return rc;
}
