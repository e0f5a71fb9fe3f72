/* xlsx — workbook reader: libzip opens the archive from memory, expat parses each part as a
 * stream (never a whole part in memory, never a DTD). Parts are found the OPC way: the package
 * relationships name the workbook, the workbook's relationships its sheets, shared strings and
 * styles. Cells are collected sparse, sorted, then laid out as a dense table. */
#include "io/xlsx.h"

#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/buf.h"
#include "core/ctime.h"
#include "core/grow.h"
#include "core/utf8.h"

typedef struct sheet_ref {
    char *name;
    char *part; /* resolved member name */
} sheet_ref;

typedef struct xf_style {
    int numfmt;
} xf_style;

typedef struct numfmt {
    int id;
    int kind; /* FMT_* */
} numfmt;

enum { FMT_NUMBER, FMT_DATE, FMT_DATETIME, FMT_TIME, FMT_ELAPSED };

struct cc_xlsx {
    const char *file;
    zip_t *zip;
    zip_source_t *src;
    size_t total; /* bytes unpacked so far */
    int date1904;
    sheet_ref *sheets;
    size_t nsheets;
    cc_buf strs; /* shared strings, each NUL-terminated */
    size_t *str_off;
    size_t nstr, capstr;
    xf_style *xfs;
    size_t nxfs, capxfs;
    numfmt *fmts;
    size_t nfmts, capfmts;
};

/* ---- helpers ------------------------------------------------------------------------------ */

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
    void *p = need ? cc_grow(*v, cap, need, size) : *v;
    if (need && !p)
        return -1;
    *v = p;
    return 0;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void cc_xlsx_col_name(int col, char *buf, size_t size)
{
    char tmp[8];
    int k = 0;
    for (int c = col + 1; c > 0 && k < 7; c = (c - 1) / 26)
        tmp[k++] = (char)('A' + (c - 1) % 26);
    size_t j = 0;
    while (k > 0 && j + 1 < size)
        buf[j++] = tmp[--k];
    if (size)
        buf[j] = 0;
}

/* The local part of an expat name "URI|local". */
static const char *local(const char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

static const char *attr(const char **atts, const char *want)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], want) == 0)
            return atts[i + 1];
    return NULL;
}

/* A namespaced attribute by local name (r:id). */
static const char *attr_ns(const char **atts, const char *want)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strchr(atts[i], '|') && strcmp(local(atts[i]), want) == 0)
            return atts[i + 1];
    return NULL;
}

/* A member name that could climb out of a directory, or that no spreadsheet program writes. */
static const char *bad_member_name(const char *n)
{
    if (!*n)
        return "an empty name";
    if (n[0] == '/' || n[0] == '\\')
        return "an absolute path";
    if (strchr(n, '\\'))
        return "a backslash";
    if (((n[0] | 0x20) >= 'a' && (n[0] | 0x20) <= 'z') && n[1] == ':')
        return "a drive letter";
    for (const char *p = n; *p;) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return "a '..' component (path traversal)";
        p += len + (e ? 1 : 0);
    }
    for (const unsigned char *p = (const unsigned char *)n; *p; p++)
        if (*p < 0x20)
            return "a control character";
    return NULL;
}

/* Resolves an OPC relationship target against the directory of the part that names it;
 * NULL when it climbs above the package root or is too long. */
static char *resolve(const char *base_part, const char *target)
{
    char path[1024];
    size_t n = 0;
    if (target[0] == '/') {
        target++;
    } else {
        const char *slash = strrchr(base_part, '/');
        n = slash ? (size_t)(slash - base_part + 1) : 0;
        if (n >= sizeof path)
            return NULL;
        memcpy(path, base_part, n);
    }
    for (const char *p = target; *p;) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (n == 0)
                return NULL;
            n--; /* the slash ending the last component */
            while (n > 0 && path[n - 1] != '/')
                n--;
        } else if (!(len == 1 && p[0] == '.') && len > 0) {
            if (n + len + 2 >= sizeof path)
                return NULL;
            memcpy(path + n, p, len);
            n += len;
            if (e)
                path[n++] = '/';
        }
        p += len + (e ? 1 : 0);
    }
    path[n] = 0;
    return n ? xstrdup(path) : NULL;
}

/* ---- part parsing -------------------------------------------------------------------------- */

#define MAX_DEPTH 64 /* SpreadsheetML nests a dozen levels; expat keeps each open tag on the heap */

typedef struct pctx {
    XML_Parser p;
    cc_xlsx *x;
    cc_diags *d;
    const char *part;
    const char *dfile; /* file name for cell diagnostics */
    cc_err rc;
    int depth;
    XML_StartElementHandler start; /* the part's own handlers, behind the depth guard */
    XML_EndElementHandler end;
} pctx;

/* Stops the parser with an error. */
__attribute__((format(printf, 6, 7))) static void perr(pctx *c, cc_err rc, cc_pos pos, const char *hint,
                                                       const char *file, const char *fmt, ...)
{
    if (c->rc != CC_OK)
        return;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->rc = rc;
    if (cc_diags_add(c->d, CC_SEV_ERROR, file ? file : c->x->file, pos, "xlsx", hint, "%s", msg) != CC_OK)
        c->rc = CC_ERR_NOMEM;
    XML_StopParser(c->p, XML_FALSE);
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub,
                               int internal)
{
    (void)name, (void)sys, (void)pub, (void)internal;
    pctx *c = ud;
    perr(c, CC_ERR_PARSE, (cc_pos){0, 0},
         "a workbook's XML never has one; the file was made to attack readers", NULL,
         "%s: a document type declaration (DTD) is not allowed (line %lu)", c->part,
         (unsigned long)XML_GetCurrentLineNumber(c->p));
}

static void XMLCALL no_entity(void *ud, const XML_Char *name, int pe, const XML_Char *v, int vlen,
                              const XML_Char *base, const XML_Char *sys, const XML_Char *pub,
                              const XML_Char *notation)
{
    (void)name, (void)pe, (void)v, (void)vlen, (void)base, (void)sys, (void)pub, (void)notation;
    no_doctype(ud, NULL, NULL, NULL, 0);
}

static void diag(cc_xlsx *x, cc_diags *d, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void diag(cc_xlsx *x, cc_diags *d, const char *hint, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cc_diags_add(d, CC_SEV_ERROR, x->file, (cc_pos){0, 0}, "xlsx", hint, "%s", msg);
}

/* Streams member `part` through the parser set up in c (handlers and user data already set).
 * Returns CC_OK, or the error already reported. */
static cc_err parse_part(pctx *c, const char *part, int required)
{
    cc_xlsx *x = c->x;
    c->part = part;
    zip_int64_t idx = zip_name_locate(x->zip, part, ZIP_FL_NOCASE);
    if (idx < 0) {
        if (!required)
            return CC_ERR_NOTFOUND;
        diag(x, c->d, "save it again from a spreadsheet program as Excel Workbook (.xlsx)",
             "not a complete workbook: the part '%s' is missing", part);
        return CC_ERR_PARSE;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
        st.size > CC_XLSX_MAX_PART) {
        diag(x, c->d, "a workbook that large is not an MSEL; the archive may be a zip bomb",
             "part '%s' unpacks to %llu bytes, more than the %u MiB allowed", part,
             (unsigned long long)st.size, CC_XLSX_MAX_PART >> 20);
        return CC_ERR_LIMIT;
    }
    zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!zf) {
        diag(x, c->d, NULL, "cannot read part '%s': %s", part, zip_strerror(x->zip));
        return CC_ERR_PARSE;
    }
    char buf[65536];
    size_t got = 0;
    c->rc = CC_OK;
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, sizeof buf);
        if (n < 0) {
            diag(x, c->d, "the archive is damaged; save the workbook again", "cannot read part '%s': %s",
                 part, zip_file_strerror(zf));
            c->rc = CC_ERR_PARSE;
            break;
        }
        got += (size_t)n;
        x->total += (size_t)n;
        if (got > CC_XLSX_MAX_PART || x->total > CC_XLSX_MAX_TOTAL) {
            diag(x, c->d, "a workbook that large is not an MSEL; the archive may be a zip bomb",
                 got > CC_XLSX_MAX_PART ? "part '%s' unpacks to more than %u MiB"
                                        : "the parts read up to '%s' unpack "
                                          "to more than %u MiB",
                 part, (got > CC_XLSX_MAX_PART ? CC_XLSX_MAX_PART : CC_XLSX_MAX_TOTAL) >> 20);
            c->rc = CC_ERR_LIMIT;
            break;
        }
        if (XML_Parse(c->p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (c->rc == CC_OK) {
                diag(x, c->d, "the workbook is damaged; open and save it again in a spreadsheet program",
                     "part '%s', line %lu, column %lu: not well-formed XML: %s", part,
                     (unsigned long)XML_GetCurrentLineNumber(c->p),
                     (unsigned long)XML_GetCurrentColumnNumber(c->p) + 1,
                     XML_ErrorString(XML_GetErrorCode(c->p)));
                c->rc = CC_ERR_PARSE;
            }
            break;
        }
        if (c->rc != CC_OK || n == 0)
            break;
    }
    zip_fclose(zf);
    return c->rc;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    pctx *c = ud;
    if (++c->depth > MAX_DEPTH) {
        perr(c, CC_ERR_LIMIT, (cc_pos){0, 0},
             "a workbook's XML never nests that deep; the file was made to attack "
             "readers",
             NULL, "%s: elements nested more than %d deep (line %lu)", c->part, MAX_DEPTH,
             (unsigned long)XML_GetCurrentLineNumber(c->p));
        return;
    }
    if (c->start && c->rc == CC_OK)
        c->start(ud, name, atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    pctx *c = ud;
    c->depth--;
    if (c->end && c->rc == CC_OK)
        c->end(ud, name);
}

/* A namespace-aware parser that refuses DTDs and deep nesting, calling start and end (either may
 * be NULL) with c, which must be the first member of the part's context. */
static XML_Parser new_parser(pctx *c, XML_StartElementHandler start, XML_EndElementHandler end)
{
    XML_Parser p = XML_ParserCreateNS("UTF-8", '|');
    if (!p)
        return NULL;
    c->p = p;
    c->start = start;
    c->end = end;
    XML_SetUserData(p, c);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetStartDoctypeDeclHandler(p, no_doctype);
    XML_SetEntityDeclHandler(p, no_entity);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    return p;
}

/* ---- relationships ------------------------------------------------------------------------ */

typedef struct rel {
    char *id, *type, *target;
} rel;

typedef struct relctx {
    pctx c;
    rel *v;
    size_t n, cap;
} relctx;

static void XMLCALL rel_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    relctx *r = ud;
    if (strcmp(local(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
    const char *mode = attr(atts, "TargetMode");
    if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
        return;
    if (r->n >= CC_XLSX_MAX_MEMBERS) {
        perr(&r->c, CC_ERR_LIMIT, (cc_pos){0, 0}, NULL, NULL, "%s: more than %u relationships", r->c.part,
             CC_XLSX_MAX_MEMBERS);
        return;
    }
    if (grow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v)) {
        r->c.rc = CC_ERR_NOMEM;
        XML_StopParser(r->c.p, XML_FALSE);
        return;
    }
    rel *e = &r->v[r->n++];
    e->id = xstrdup(id);
    e->type = xstrdup(type);
    e->target = xstrdup(target);
    if (!e->id || !e->type || !e->target) {
        r->c.rc = CC_ERR_NOMEM;
        XML_StopParser(r->c.p, XML_FALSE);
    }
}

static void rels_free(relctx *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].id);
        free(r->v[i].type);
        free(r->v[i].target);
    }
    free(r->v);
}

/* Reads the relationships of part (its _rels/NAME.rels); a missing file gives none. */
static cc_err read_rels(cc_xlsx *x, cc_diags *d, const char *part, relctx *r)
{
    memset(r, 0, sizeof *r);
    char rp[1100];
    const char *slash = strrchr(part, '/');
    if (slash)
        snprintf(rp, sizeof rp, "%.*s_rels/%s.rels", (int)(slash - part + 1), part, slash + 1);
    else
        snprintf(rp, sizeof rp, "_rels/%s.rels", part);
    r->c.x = x;
    r->c.d = d;
    if (!new_parser(&r->c, rel_start, NULL))
        return CC_ERR_NOMEM;
    cc_err rc = parse_part(&r->c, rp, 0);
    XML_ParserFree(r->c.p);
    return rc == CC_ERR_NOTFOUND ? CC_OK : rc;
}

static const rel *rel_by_type(const relctx *r, const char *suffix)
{
    size_t n = strlen(suffix);
    for (size_t i = 0; i < r->n; i++) {
        size_t t = strlen(r->v[i].type);
        if (t >= n && strcmp(r->v[i].type + t - n, suffix) == 0)
            return &r->v[i];
    }
    return NULL;
}

/* ---- workbook ---------------------------------------------------------------------------- */

typedef struct wbctx {
    pctx c;
    const relctx *rels;
    const char *part;
} wbctx;

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    wbctx *w = ud;
    cc_xlsx *x = w->c.x;
    const char *ln = local(name);
    if (strcmp(ln, "workbookPr") == 0) {
        const char *v = attr(atts, "date1904");
        x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
        return;
    }
    if (strcmp(ln, "sheet") != 0)
        return;
    const char *nm = attr(atts, "name"), *rid = attr_ns(atts, "id");
    if (!nm || !rid)
        return;
    const rel *r = NULL;
    for (size_t i = 0; i < w->rels->n && !r; i++)
        if (strcmp(w->rels->v[i].id, rid) == 0)
            r = &w->rels->v[i];
    size_t tl = r ? strlen(r->type) : 0;
    if (!r || tl < 10 || strcmp(r->type + tl - 10, "/worksheet") != 0)
        return; /* chart sheets, dialog sheets: no cells */
    if (x->nsheets >= CC_XLSX_MAX_SHEETS) {
        perr(&w->c, CC_ERR_LIMIT, (cc_pos){0, 0}, NULL, NULL, "more than %u sheets", CC_XLSX_MAX_SHEETS);
        return;
    }
    char *part = resolve(w->part, r->target);
    if (!part) {
        perr(&w->c, CC_ERR_INVALID, (cc_pos){0, 0}, "the archive was made to attack readers; do not open it",
             NULL, "sheet '%s' points outside the archive ('%s')", nm, r->target);
        return;
    }
    size_t cap = x->nsheets;
    if (grow((void **)&x->sheets, &cap, x->nsheets + 1, sizeof *x->sheets)) {
        free(part);
        w->c.rc = CC_ERR_NOMEM;
        XML_StopParser(w->c.p, XML_FALSE);
        return;
    }
    x->sheets[x->nsheets].name = xstrdup(nm);
    x->sheets[x->nsheets].part = part;
    if (!x->sheets[x->nsheets].name) {
        w->c.rc = CC_ERR_NOMEM;
        XML_StopParser(w->c.p, XML_FALSE);
    }
    x->nsheets++;
}

/* ---- shared strings ------------------------------------------------------------------------ */

/* Text of <t> elements under <si> (rich runs concatenated, phonetic runs <rPh> left out). */
typedef struct strctx {
    pctx c;
    int in_si, in_t, in_rph;
    cc_buf cur;
} strctx;

static void XMLCALL str_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    strctx *s = ud;
    const char *ln = local(name);
    if (strcmp(ln, "si") == 0) {
        s->in_si = 1;
        cc_buf_reset(&s->cur);
    } else if (strcmp(ln, "rPh") == 0)
        s->in_rph = 1;
    else if (strcmp(ln, "t") == 0 && s->in_si && !s->in_rph)
        s->in_t = 1;
}

static void XMLCALL str_text(void *ud, const XML_Char *t, int len)
{
    strctx *s = ud;
    if (!s->in_t)
        return;
    if (s->cur.len + (size_t)len > CC_CSV_MAX_FIELD) {
        perr(&s->c, CC_ERR_LIMIT, (cc_pos){0, 0}, NULL, NULL, "shared string %zu is longer than %u bytes",
             s->c.x->nstr + 1, CC_CSV_MAX_FIELD);
        return;
    }
    cc_buf_append(&s->cur, t, (size_t)len);
}

static void XMLCALL str_end(void *ud, const XML_Char *name)
{
    strctx *s = ud;
    cc_xlsx *x = s->c.x;
    const char *ln = local(name);
    if (strcmp(ln, "t") == 0)
        s->in_t = 0;
    else if (strcmp(ln, "rPh") == 0)
        s->in_rph = 0;
    else if (strcmp(ln, "si") == 0 && s->in_si) {
        s->in_si = 0;
        if (x->nstr >= CC_XLSX_MAX_STRINGS) {
            perr(&s->c, CC_ERR_LIMIT, (cc_pos){0, 0}, NULL, NULL, "more than %u shared strings",
                 CC_XLSX_MAX_STRINGS);
            return;
        }
        if (grow((void **)&x->str_off, &x->capstr, x->nstr + 1, sizeof *x->str_off)) {
            s->c.rc = CC_ERR_NOMEM;
            XML_StopParser(s->c.p, XML_FALSE);
            return;
        }
        x->str_off[x->nstr++] = x->strs.len;
        if (s->cur.len)
            cc_buf_append(&x->strs, s->cur.data, s->cur.len);
        cc_buf_putc(&x->strs, 0);
        if (x->strs.oom || s->cur.oom) {
            s->c.rc = CC_ERR_NOMEM;
            XML_StopParser(s->c.p, XML_FALSE);
        }
    }
}

/* ---- styles --------------------------------------------------------------------------------- */

/* The kind of a number format code: date, time, elapsed time or plain number. */
static int fmt_kind_of_code(const char *code)
{
    int date = 0, time = 0, elapsed = 0, month = 0;
    for (const char *p = code; *p; p++) {
        char ch = *p;
        if (ch == '"') { /* literal text */
            while (p[1] && p[1] != '"')
                p++;
            if (p[1])
                p++;
            continue;
        }
        if (ch == '\\' || ch == '_' || ch == '*') { /* escaped, padding, fill character */
            if (p[1])
                p++;
            continue;
        }
        if (ch == '[') {
            const char *e = strchr(p, ']');
            if (!e)
                break;
            char in = (char)(p[1] | 0x20);
            if (e - p >= 2 && (in == 'h' || in == 'm' || in == 's') && (p[2] == ']' || (p[2] | 0x20) == in))
                elapsed = 1;
            p = e;
            continue;
        }
        if (ch == ';')
            break; /* the first section decides */
        char l = (char)(ch | 0x20);
        if (l == 'd' || l == 'y')
            date = 1;
        else if (l == 'h' || l == 's')
            time = 1;
        else if (l == 'm')
            month = 1; /* months or minutes: decided by the other letters */
        else if (l == 'a' && strncmp(p, "AM/PM", 5) == 0)
            time = 1;
    }
    if (elapsed)
        return FMT_ELAPSED;
    if (date && time)
        return FMT_DATETIME;
    if (date)
        return FMT_DATE;
    if (time)
        return FMT_TIME;
    return month ? FMT_DATE : FMT_NUMBER; /* "mmm yyyy" has a y; "mmm" alone is a month */
}

static int builtin_kind(int id)
{
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) || (id >= 50 && id <= 58))
        return FMT_DATE;
    if (id == 22)
        return FMT_DATETIME;
    if ((id >= 18 && id <= 21) || id == 45 || id == 47 || id == 32 || id == 33)
        return FMT_TIME;
    if (id == 46)
        return FMT_ELAPSED;
    return FMT_NUMBER;
}

typedef struct stylectx {
    pctx c;
    int in_cellxfs;
} stylectx;

static void XMLCALL style_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    stylectx *s = ud;
    cc_xlsx *x = s->c.x;
    const char *ln = local(name);
    if (strcmp(ln, "cellXfs") == 0) {
        s->in_cellxfs = 1;
    } else if (strcmp(ln, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (!id || !code || x->nfmts >= 65536)
            return;
        if (grow((void **)&x->fmts, &x->capfmts, x->nfmts + 1, sizeof *x->fmts)) {
            s->c.rc = CC_ERR_NOMEM;
            XML_StopParser(s->c.p, XML_FALSE);
            return;
        }
        x->fmts[x->nfmts++] = (numfmt){atoi(id), fmt_kind_of_code(code)};
    } else if (strcmp(ln, "xf") == 0 && s->in_cellxfs) {
        if (x->nxfs >= 65536) {
            perr(&s->c, CC_ERR_LIMIT, (cc_pos){0, 0}, NULL, NULL, "more than 65536 cell formats");
            return;
        }
        if (grow((void **)&x->xfs, &x->capxfs, x->nxfs + 1, sizeof *x->xfs)) {
            s->c.rc = CC_ERR_NOMEM;
            XML_StopParser(s->c.p, XML_FALSE);
            return;
        }
        const char *id = attr(atts, "numFmtId");
        x->xfs[x->nxfs++] = (xf_style){id ? atoi(id) : 0};
    }
}

static void XMLCALL style_end(void *ud, const XML_Char *name)
{
    stylectx *s = ud;
    if (strcmp(local(name), "cellXfs") == 0)
        s->in_cellxfs = 0;
}

static int style_kind(const cc_xlsx *x, long s)
{
    if (s < 0 || (size_t)s >= x->nxfs)
        return FMT_NUMBER;
    int id = x->xfs[s].numfmt;
    for (size_t i = 0; i < x->nfmts; i++)
        if (x->fmts[i].id == id)
            return x->fmts[i].kind;
    return builtin_kind(id);
}

/* ---- open ---------------------------------------------------------------------------------- */

void cc_xlsx_free(cc_xlsx *x)
{
    if (!x)
        return;
    if (x->zip)
        zip_discard(x->zip);
    else if (x->src)
        zip_source_free(x->src);
    for (size_t i = 0; i < x->nsheets; i++) {
        free(x->sheets[i].name);
        free(x->sheets[i].part);
    }
    free(x->sheets);
    cc_buf_free(&x->strs);
    free(x->str_off);
    free(x->xfs);
    free(x->fmts);
    free(x);
}

size_t cc_xlsx_nsheets(const cc_xlsx *x)
{
    return x->nsheets;
}

const char *cc_xlsx_sheet_name(const cc_xlsx *x, size_t i)
{
    return i < x->nsheets ? x->sheets[i].name : NULL;
}

int cc_xlsx_date1904(const cc_xlsx *x)
{
    return x->date1904;
}

/* Checks every member: names, count, encryption. */
static cc_err check_members(cc_xlsx *x, cc_diags *d)
{
    zip_int64_t n = zip_get_num_entries(x->zip, 0);
    if (n < 0 || (zip_uint64_t)n > CC_XLSX_MAX_MEMBERS) {
        diag(x, d, "a workbook has a few dozen parts; this archive is not one",
             "the archive has %lld members, more than %u", (long long)n, CC_XLSX_MAX_MEMBERS);
        return CC_ERR_LIMIT;
    }
    for (zip_int64_t i = 0; i < n; i++) {
        const char *nm = zip_get_name(x->zip, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        const char *why = nm ? bad_member_name(nm) : "an unreadable name";
        if (why) {
            diag(x, d, "spreadsheet programs never write such names; the archive was made to attack readers",
                 "member %lld of the archive ('%.200s') has %s; refused", (long long)i + 1, nm ? nm : "",
                 why);
            return CC_ERR_INVALID;
        }
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(x->zip, (zip_uint64_t)i, 0, &st) == 0 && (st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
            st.encryption_method != ZIP_EM_NONE) {
            diag(x, d, "remove the password in the spreadsheet program and save again",
                 "the workbook's part '%.200s' is encrypted", nm);
            return CC_ERR_INVALID;
        }
    }
    return CC_OK;
}

cc_err cc_xlsx_open(const char *data, size_t len, const char *file, cc_diags *d, cc_xlsx **out)
{
    *out = NULL;
    cc_xlsx *x = calloc(1, sizeof *x);
    if (!x)
        return CC_ERR_NOMEM;
    x->file = file ? file : "workbook.xlsx";
    cc_buf_init(&x->strs);
    zip_error_t ze;
    zip_error_init(&ze);
    x->src = zip_source_buffer_create(data, len, 0, &ze);
    if (x->src)
        x->zip = zip_open_from_source(x->src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!x->zip) {
        diag(x, d, "save the workbook again from a spreadsheet program (Excel Workbook, .xlsx)",
             "not a readable workbook: the ZIP archive is damaged (%s)", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        cc_xlsx_free(x);
        return CC_ERR_PARSE;
    }
    zip_error_fini(&ze);
    cc_err rc = check_members(x, d);
    relctx pkg = {0}, wbr = {0};
    char *wb = NULL;
    if (rc == CC_OK)
        rc = read_rels(x, d, "", &pkg);
    if (rc == CC_OK) {
        const rel *r = rel_by_type(&pkg, "/officeDocument");
        wb = r ? resolve("", r->target) : xstrdup("xl/workbook.xml");
        if (!wb) {
            diag(x, d, "the archive was made to attack readers; do not open it",
                 "the workbook part lies outside the archive ('%s')", r ? r->target : "");
            rc = CC_ERR_INVALID;
        } else if (zip_name_locate(x->zip, wb, ZIP_FL_NOCASE) < 0) {
            int ods = zip_name_locate(x->zip, "content.xml", 0) >= 0;
            diag(x, d,
                 ods ? "save it as Excel Workbook (.xlsx) or CSV UTF-8"
                     : "save the sheet from a spreadsheet program as Excel Workbook (.xlsx) or CSV UTF-8",
                 ods ? "this is an OpenDocument file, not an Excel workbook"
                     : "this ZIP archive is not an Excel workbook (it has no %s)",
                 wb);
            rc = CC_ERR_PARSE;
        }
    }
    if (rc == CC_OK)
        rc = read_rels(x, d, wb, &wbr);
    if (rc == CC_OK) {
        wbctx w = {.c = {.x = x, .d = d}, .rels = &wbr, .part = wb};
        if (!new_parser(&w.c, wb_start, NULL)) {
            rc = CC_ERR_NOMEM;
        } else {
            rc = parse_part(&w.c, wb, 1);
            XML_ParserFree(w.c.p);
        }
    }
    if (rc == CC_OK && x->nsheets == 0) {
        diag(x, d, "add a worksheet with the MSEL's rows", "the workbook has no worksheet");
        rc = CC_ERR_PARSE;
    }
    const rel *rs = rc == CC_OK ? rel_by_type(&wbr, "/sharedStrings") : NULL;
    if (rs) {
        char *part = resolve(wb, rs->target);
        strctx s = {.c = {.x = x, .d = d}};
        cc_buf_init(&s.cur);
        if (!part || !new_parser(&s.c, str_start, str_end)) {
            rc = part ? CC_ERR_NOMEM : CC_ERR_INVALID;
            if (!part)
                diag(x, d, NULL, "the shared strings lie outside the archive ('%s')", rs->target);
        } else {
            XML_SetCharacterDataHandler(s.c.p, str_text);
            rc = parse_part(&s.c, part, 1);
            XML_ParserFree(s.c.p);
        }
        cc_buf_free(&s.cur);
        free(part);
    }
    const rel *rst = rc == CC_OK ? rel_by_type(&wbr, "/styles") : NULL;
    if (rst) {
        char *part = resolve(wb, rst->target);
        stylectx s = {.c = {.x = x, .d = d}};
        if (!part || !new_parser(&s.c, style_start, style_end)) {
            rc = part ? CC_ERR_NOMEM : CC_ERR_INVALID;
            if (!part)
                diag(x, d, NULL, "the styles lie outside the archive ('%s')", rst->target);
        } else {
            rc = parse_part(&s.c, part, 1);
            XML_ParserFree(s.c.p);
        }
        free(part);
    }
    free(wb);
    rels_free(&pkg);
    rels_free(&wbr);
    if (rc != CC_OK) {
        cc_xlsx_free(x);
        return rc;
    }
    *out = x;
    return CC_OK;
}

/* ---- sheets --------------------------------------------------------------------------------- */

typedef struct cell {
    int row, col;
    size_t off, len; /* in the text buffer */
} cell;

typedef struct sheetctx {
    pctx c;
    cc_buf text; /* cell texts */
    cell *cells;
    size_t ncells, capcells;
    cc_xlsx_merge *merges;
    size_t nmerges, capmerges;
    int row, col; /* current row and next column (1-based row, 0-based column) */
    int in_c, in_v, in_is, in_t, in_rph;
    char ctype[16];
    long cstyle;
    int crow, ccol;
    cc_buf cur;
} sheetctx;

/* "B12" -> column 1, row 12; -1 on a malformed reference. */
static int parse_ref(const char *s, int *row, int *col)
{
    long c = 0, r = 0;
    int nl = 0, nd = 0;
    while (*s == '$')
        s++;
    for (; *s >= 'A' && *s <= 'Z' && nl < 4; s++, nl++)
        c = c * 26 + (*s - 'A' + 1);
    while (*s == '$')
        s++;
    for (; *s >= '0' && *s <= '9' && nd < 8; s++, nd++)
        r = r * 10 + (*s - '0');
    if (*s || (row && (nd == 0 || r < 1)) || (col && nl == 0))
        return -1; /* rows count from 1: "B0" is no cell */
    if (row)
        *row = (int)r;
    if (col)
        *col = (int)c - 1;
    return 0;
}

static void cell_pos(sheetctx *s, char *ref, size_t n)
{
    char cn[8];
    cc_xlsx_col_name(s->ccol, cn, sizeof cn);
    snprintf(ref, n, "%s%d", cn, s->crow);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    sheetctx *s = ud;
    const char *ln = local(name);
    if (s->c.rc != CC_OK)
        return;
    if (strcmp(ln, "row") == 0) {
        const char *r = attr(atts, "r");
        int rv = s->row + 1;
        if (r && (parse_ref(r, &rv, NULL) || rv < 1)) {
            perr(&s->c, CC_ERR_PARSE, (cc_pos){0, 0}, NULL, s->c.dfile, "row number '%.20s' is not valid", r);
            return;
        }
        s->row = rv;
        s->col = 0;
    } else if (strcmp(ln, "c") == 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t"), *st = attr(atts, "s");
        int row = s->row > 0 ? s->row : 1, col = s->col;
        if (r && parse_ref(r, &row, &col)) {
            perr(&s->c, CC_ERR_PARSE, (cc_pos){s->row, 0}, NULL, s->c.dfile,
                 "cell reference '%.20s' is not valid", r);
            return;
        }
        s->in_c = 1;
        s->crow = row;
        s->ccol = col;
        s->col = col + 1;
        snprintf(s->ctype, sizeof s->ctype, "%s", t ? t : "n");
        s->cstyle = st ? atol(st) : 0;
        cc_buf_reset(&s->cur);
    } else if (s->in_c && strcmp(ln, "v") == 0) {
        s->in_v = 1;
    } else if (s->in_c && strcmp(ln, "is") == 0) {
        s->in_is = 1;
    } else if (s->in_is && strcmp(ln, "rPh") == 0) {
        s->in_rph = 1;
    } else if (s->in_is && strcmp(ln, "t") == 0 && !s->in_rph) {
        s->in_t = 1;
    } else if (strcmp(ln, "mergeCell") == 0) {
        const char *ref = attr(atts, "ref");
        const char *colon = ref ? strchr(ref, ':') : NULL;
        cc_xlsx_merge m;
        char a[24];
        if (!colon || (size_t)(colon - ref) >= sizeof a)
            return;
        memcpy(a, ref, (size_t)(colon - ref));
        a[colon - ref] = 0;
        if (parse_ref(a, &m.r0, &m.c0) || parse_ref(colon + 1, &m.r1, &m.c1) || m.r0 > m.r1 || m.c0 > m.c1)
            return;
        if (s->nmerges >= CC_XLSX_MAX_MERGES) {
            perr(&s->c, CC_ERR_LIMIT, (cc_pos){0, 0}, NULL, s->c.dfile, "more than %u merged ranges",
                 CC_XLSX_MAX_MERGES);
            return;
        }
        if (m.r0 > (int)CC_CSV_MAX_ROWS || m.c0 >= (int)CC_CSV_MAX_COLS)
            return; /* outside the table: it cannot cover a cell that was read */
        if (grow((void **)&s->merges, &s->capmerges, s->nmerges + 1, sizeof *s->merges)) {
            s->c.rc = CC_ERR_NOMEM;
            XML_StopParser(s->c.p, XML_FALSE);
            return;
        }
        s->merges[s->nmerges++] = m;
    }
}

static void XMLCALL sheet_text(void *ud, const XML_Char *t, int len)
{
    sheetctx *s = ud;
    if (!s->in_v && !s->in_t)
        return;
    if (s->cur.len + (size_t)len > CC_CSV_MAX_FIELD) {
        char ref[24];
        cell_pos(s, ref, sizeof ref);
        perr(&s->c, CC_ERR_LIMIT, (cc_pos){s->crow, s->ccol + 1}, "shorten the cell", s->c.dfile,
             "cell %s is longer than %u bytes", ref, CC_CSV_MAX_FIELD);
        return;
    }
    cc_buf_append(&s->cur, t, (size_t)len);
}

/* Decodes OOXML's _xHHHH_ escapes (characters XML cannot hold) in place. */
static size_t unescape_x(char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned v = 0;
        if (i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_') {
            int ok = 1;
            for (size_t j = i + 2; j < i + 6 && ok; j++) {
                char ch = s[j];
                int dv = ch >= '0' && ch <= '9'                     ? ch - '0'
                         : (ch | 0x20) >= 'a' && (ch | 0x20) <= 'f' ? (ch | 0x20) - 'a' + 10
                                                                    : -1;
                ok = dv >= 0;
                v = v * 16 + (unsigned)(dv >= 0 ? dv : 0);
            }
            if (ok && !(v >= 0xD800 && v <= 0xDFFF)) {
                if (v < 0x80) {
                    s[k++] = (char)v;
                } else if (v < 0x800) {
                    s[k++] = (char)(0xC0 | (v >> 6));
                    s[k++] = (char)(0x80 | (v & 0x3F));
                } else {
                    s[k++] = (char)(0xE0 | (v >> 12));
                    s[k++] = (char)(0x80 | ((v >> 6) & 0x3F));
                    s[k++] = (char)(0x80 | (v & 0x3F));
                }
                i += 7;
                continue;
            }
        }
        s[k++] = s[i++];
    }
    return k;
}

/* A number in its shortest decimal form that reads back exactly. */
static void put_number(cc_buf *b, double v)
{
    char buf[40];
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, sizeof buf, "%.0f", v);
    } else {
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, v);
            if (strtod(buf, NULL) == v)
                break;
        }
    }
    cc_buf_puts(b, strcmp(buf, "-0") == 0 ? "0" : buf);
}

/* A serial date of the workbook's date system as civil text; 0 when it is no date caucus reads. */
static int put_serial(cc_buf *b, double v, int kind, int date1904)
{
    if (!(v >= 0) || v > 2958465.99999)
        return 0;
    int64_t secs = (int64_t)llround(v * 86400.0);
    int64_t days = secs / 86400, tod = secs % 86400;
    int hh = (int)(tod / 3600), mm = (int)(tod / 60 % 60), ss = (int)(tod % 60);
    if (kind == FMT_ELAPSED) {
        cc_buf_printf(b, "+%lld:%02d", (long long)(secs / 3600), mm);
        if (ss)
            cc_buf_printf(b, ":%02d", ss);
        return 1;
    }
    if (kind == FMT_TIME && days == 0) {
        cc_buf_printf(b, "%02d:%02d", hh, mm);
        if (ss)
            cc_buf_printf(b, ":%02d", ss);
        return 1;
    }
    int64_t epoch; /* the serial's day 0 as days since 1970-01-01 */
    if (date1904)
        epoch = cc_days_from_civil(1904, 1, 1);
    else if (days >= 61)
        epoch = cc_days_from_civil(1899, 12, 30);
    else if (days >= 1 && days < 60)
        epoch = cc_days_from_civil(1899, 12, 31);
    else
        return 0; /* 0 and the 29 February 1900 that never was */
    int64_t y;
    unsigned m, d;
    cc_civil_from_days(epoch + days, &y, &m, &d);
    cc_buf_printf(b, "%04lld-%02u-%02u", (long long)y, m, d);
    if (kind != FMT_DATE || tod) {
        cc_buf_printf(b, " %02d:%02d", hh, mm);
        if (ss)
            cc_buf_printf(b, ":%02d", ss);
    }
    return 1;
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    sheetctx *s = ud;
    cc_xlsx *x = s->c.x;
    const char *ln = local(name);
    if (s->c.rc != CC_OK)
        return;
    if (strcmp(ln, "v") == 0) {
        s->in_v = 0;
        return;
    }
    if (strcmp(ln, "t") == 0) {
        s->in_t = 0;
        return;
    }
    if (strcmp(ln, "rPh") == 0) {
        s->in_rph = 0;
        return;
    }
    if (strcmp(ln, "is") == 0) {
        s->in_is = 0;
        return;
    }
    if (strcmp(ln, "c") != 0 || !s->in_c)
        return;
    s->in_c = 0;
    char ref[24];
    cell_pos(s, ref, sizeof ref);
    cc_pos pos = {s->crow, s->ccol + 1};
    /* the cell's text */
    size_t start = s->text.len;
    const char *v = s->cur.data ? s->cur.data : "";
    size_t vlen = s->cur.len;
    if (strcmp(s->ctype, "s") == 0) {
        char *end;
        unsigned long k = strtoul(v, &end, 10);
        if (!vlen || *end || k >= x->nstr) {
            perr(&s->c, CC_ERR_PARSE, pos, "the workbook is damaged; save it again", s->c.dfile,
                 "cell %s refers to shared string '%.20s', which does not exist", ref, v);
            return;
        }
        const char *str = x->strs.data + x->str_off[k];
        cc_buf_append(&s->text, str, strlen(str));
    } else if (strcmp(s->ctype, "inlineStr") == 0 || strcmp(s->ctype, "str") == 0 ||
               strcmp(s->ctype, "e") == 0 || strcmp(s->ctype, "d") == 0) {
        cc_buf_append(&s->text, v, vlen);
    } else if (strcmp(s->ctype, "b") == 0) {
        if (vlen)
            cc_buf_puts(&s->text, strcmp(v, "0") == 0 ? "FALSE" : "TRUE");
    } else if (vlen) { /* a number */
        char *end;
        double dv = strtod(v, &end);
        if (*end || !isfinite(dv)) {
            perr(&s->c, CC_ERR_PARSE, pos, "the workbook is damaged; save it again", s->c.dfile,
                 "cell %s holds '%.40s', which is not a number", ref, v);
            return;
        }
        int kind = style_kind(x, s->cstyle);
        if (kind == FMT_NUMBER || !put_serial(&s->text, dv, kind, x->date1904))
            put_number(&s->text, dv);
    }
    size_t n = s->text.len - start;
    if (n &&
        (strcmp(s->ctype, "s") == 0 || strcmp(s->ctype, "inlineStr") == 0 || strcmp(s->ctype, "str") == 0))
        n = unescape_x(s->text.data + start, n);
    s->text.len = start + n;
    if (s->text.oom || s->cur.oom) {
        s->c.rc = CC_ERR_NOMEM;
        XML_StopParser(s->c.p, XML_FALSE);
        return;
    }
    if (n == 0)
        return;
    size_t bad;
    cc_utf8_status us = cc_utf8_check(s->text.data + start, n, &bad);
    if (us != CC_UTF8_OK) {
        perr(&s->c, CC_ERR_PARSE, pos, "remove the character from the cell", s->c.dfile,
             "cell %s: %s at byte %zu", ref, cc_utf8_status_str(us), bad + 1);
        return;
    }
    if (s->crow > (int)CC_CSV_MAX_ROWS || s->ccol >= (int)CC_CSV_MAX_COLS) {
        perr(&s->c, CC_ERR_LIMIT, (cc_pos){0, 0},
             "an MSEL fits in far fewer rows and columns; "
             "delete what lies beyond the table",
             s->c.dfile, "cell %s lies beyond the %u rows and %u columns caucus reads", ref, CC_CSV_MAX_ROWS,
             CC_CSV_MAX_COLS);
        return;
    }
    if (s->ncells >= CC_XLSX_MAX_CELLS) {
        perr(&s->c, CC_ERR_LIMIT, pos, NULL, s->c.dfile, "more than %u cells with a value",
             CC_XLSX_MAX_CELLS);
        return;
    }
    if (grow((void **)&s->cells, &s->capcells, s->ncells + 1, sizeof *s->cells)) {
        s->c.rc = CC_ERR_NOMEM;
        XML_StopParser(s->c.p, XML_FALSE);
        return;
    }
    s->cells[s->ncells++] = (cell){s->crow, s->ccol, start, n};
}

static int cell_cmp(const void *a, const void *b)
{
    const cell *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return 0;
}

/* Lays the sorted cells out as records of ncols fields. */
static cc_err build_table(sheetctx *s, cc_csv **table)
{
    if (s->ncells > 1)
        qsort(s->cells, s->ncells, sizeof *s->cells, cell_cmp);
    int ncols = 0;
    for (size_t i = 0; i < s->ncells; i++) {
        if (i && cell_cmp(&s->cells[i - 1], &s->cells[i]) == 0) {
            char cn[8];
            cc_xlsx_col_name(s->cells[i].col, cn, sizeof cn);
            cc_diags_add(s->c.d, CC_SEV_ERROR, s->c.dfile, (cc_pos){s->cells[i].row, s->cells[i].col + 1},
                         "xlsx", "the workbook is damaged; save it again", "cell %s%d appears twice", cn,
                         s->cells[i].row);
            return CC_ERR_PARSE;
        }
        if (s->cells[i].col + 1 > ncols)
            ncols = s->cells[i].col + 1;
    }
    cc_csv *t = cc_csv_new();
    const char **f = calloc((size_t)ncols + 1, sizeof *f);
    size_t *l = calloc((size_t)ncols + 1, sizeof *l);
    cc_err rc = t && f && l ? CC_OK : CC_ERR_NOMEM;
    for (size_t i = 0; i < s->ncells && rc == CC_OK;) {
        int row = s->cells[i].row;
        memset(f, 0, (size_t)ncols * sizeof *f);
        memset(l, 0, (size_t)ncols * sizeof *l);
        for (; i < s->ncells && s->cells[i].row == row; i++) {
            f[s->cells[i].col] = s->text.data + s->cells[i].off;
            l[s->cells[i].col] = s->cells[i].len;
        }
        rc = cc_csv_add_record(t, row, f, l, (size_t)ncols);
    }
    free(f);
    free(l);
    if (rc != CC_OK) {
        cc_csv_free(t);
        return rc;
    }
    *table = t;
    return CC_OK;
}

cc_err cc_xlsx_read_sheet(cc_xlsx *x, size_t i, cc_diags *d, cc_csv **table, cc_xlsx_merge **merges,
                          size_t *nmerges)
{
    *table = NULL;
    if (merges)
        *merges = NULL;
    if (nmerges)
        *nmerges = 0;
    if (i >= x->nsheets)
        return CC_ERR_ARG;
    char dfile[600];
    snprintf(dfile, sizeof dfile, "%s[%s]", x->file, x->sheets[i].name);
    sheetctx s = {.c = {.x = x, .d = d, .dfile = dfile}};
    cc_buf_init(&s.text);
    cc_buf_init(&s.cur);
    cc_err rc = new_parser(&s.c, sheet_start, sheet_end) ? CC_OK : CC_ERR_NOMEM;
    if (rc == CC_OK) {
        XML_SetCharacterDataHandler(s.c.p, sheet_text);
        rc = parse_part(&s.c, x->sheets[i].part, 1);
        XML_ParserFree(s.c.p);
    }
    if (rc == CC_OK)
        rc = build_table(&s, table);
    if (rc == CC_OK && merges && nmerges) {
        *merges = s.merges;
        *nmerges = s.nmerges;
        s.merges = NULL;
    }
    free(s.merges);
    free(s.cells);
    cc_buf_free(&s.text);
    cc_buf_free(&s.cur);
    return rc;
}
