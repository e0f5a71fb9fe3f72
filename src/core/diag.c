/* diag — positioned diagnostics: an append-only list with a cap, formatting and sorting. */
#include "core/diag.h"
#include "core/grow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CC_DIAGS_DEFAULT_MAX 1000

const char *cc_err_str(cc_err e)
{
    switch (e) {
    case CC_OK: return "ok";
    case CC_ERR_NOMEM: return "out of memory";
    case CC_ERR_IO: return "i/o error";
    case CC_ERR_PARSE: return "parse error";
    case CC_ERR_INVALID: return "invalid";
    case CC_ERR_LIMIT: return "limit exceeded";
    case CC_ERR_RANGE: return "out of range";
    case CC_ERR_NOTFOUND: return "not found";
    case CC_ERR_DENIED: return "denied";
    case CC_ERR_ARG: return "invalid argument";
    case CC_ERR_CONFLICT: return "conflict";
    }
    return "unknown error";
}

const char *cc_severity_str(cc_severity s)
{
    switch (s) {
    case CC_SEV_ERROR: return "error";
    case CC_SEV_WARNING: return "warning";
    case CC_SEV_NOTE: return "note";
    }
    return "error";
}

void cc_diags_init(cc_diags *d)
{
    memset(d, 0, sizeof *d);
}

static void diag_free(cc_diag *g)
{
    free(g->file);
    free(g->code);
    free(g->message);
    free(g->hint);
}

void cc_diags_free(cc_diags *d)
{
    for (size_t i = 0; i < d->count; i++)
        diag_free(&d->items[i]);
    free(d->items);
    size_t max = d->max_items;
    cc_diags_init(d);
    d->max_items = max;
}

static char *dup_or_null(const char *s, int *fail)
{
    if (!s)
        return NULL;
    char *r = strdup(s);
    if (!r)
        *fail = 1;
    return r;
}

cc_err cc_diags_add(cc_diags *d, cc_severity sev, const char *file, cc_pos pos, const char *code,
                    const char *hint, const char *fmt, ...)
{
    if (sev == CC_SEV_ERROR)
        d->errors++;
    else if (sev == CC_SEV_WARNING)
        d->warnings++;
    size_t max = d->max_items ? d->max_items : CC_DIAGS_DEFAULT_MAX;
    if (d->count >= max) {
        d->dropped++;
        return CC_OK;
    }
    cc_diag *n = cc_grow(d->items, &d->cap, d->count + 1, sizeof *n);
    if (!n) {
        d->oom = 1;
        return CC_ERR_NOMEM;
    }
    d->items = n;
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (msg)
        vsnprintf(msg, (size_t)len + 1, fmt, ap2);
    va_end(ap2);
    int fail = msg == NULL;
    cc_diag g = {.sev = sev, .line = pos.line, .col = pos.col, .message = msg};
    g.file = dup_or_null(file, &fail);
    g.code = dup_or_null(code, &fail);
    g.hint = dup_or_null(hint, &fail);
    if (fail) {
        diag_free(&g);
        d->oom = 1;
        return CC_ERR_NOMEM;
    }
    d->items[d->count++] = g;
    return CC_OK;
}

static int diag_cmp(const cc_diag *a, const cc_diag *b)
{
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return 0;
}

void cc_diags_sort(cc_diags *d)
{
    /* insertion sort: stable, and diagnostic lists are short and nearly sorted */
    for (size_t i = 1; i < d->count; i++) {
        cc_diag t = d->items[i];
        size_t j = i;
        while (j > 0 && diag_cmp(&d->items[j - 1], &t) > 0) {
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = t;
    }
}

int cc_diag_format(const cc_diag *g, char *buf, size_t size)
{
    const char *f = g->file ? g->file : "<input>";
    if (g->line > 0)
        return snprintf(buf, size, "%s:%d:%d: %s: %s", f, g->line, g->col, cc_severity_str(g->sev),
                        g->message);
    return snprintf(buf, size, "%s: %s: %s", f, cc_severity_str(g->sev), g->message);
}

cc_err cc_error_set(cc_error *err, cc_err code, const char *fmt, ...)
{
    if (!err)
        return code;
    memset(err, 0, sizeof *err);
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}
