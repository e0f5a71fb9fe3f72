/* ldiff — Myers' greedy shortest edit script over lines (E. Myers, "An O(ND) Difference
 * Algorithm and Its Variations", 1986), kept as one V vector per D to walk the path back, then
 * grouped into hunks with three lines of context. */
#include "core/ldiff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct lines {
    const char **p;
    size_t *n; /* length without the line break */
    size_t count;
    int last_nl; /* the text ends in a line break */
} lines;

static int split(const char *t, size_t len, lines *L)
{
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += t[i] == '\n';
    L->p = malloc(cap * sizeof *L->p);
    L->n = malloc(cap * sizeof *L->n);
    L->count = 0;
    L->last_nl = len == 0 || t[len - 1] == '\n';
    if (!L->p || !L->n)
        return -1;
    for (size_t i = 0; i < len;) {
        const char *e = memchr(t + i, '\n', len - i);
        size_t n = e ? (size_t)(e - (t + i)) : len - i;
        L->p[L->count] = t + i;
        L->n[L->count++] = n;
        i += n + 1;
    }
    return 0;
}

static int same(const lines *A, size_t i, const lines *B, size_t j)
{
    return A->n[i] == B->n[j] && memcmp(A->p[i], B->p[j], A->n[i]) == 0;
}

enum { OP_KEEP, OP_DEL, OP_ADD };

/* The edit script as ops (OP_*), in order; *nops its length. NULL on ENOMEM; *too_many when
 * the texts differ in more than CC_LDIFF_MAX_EDITS lines. */
static unsigned char *script(const lines *A, const lines *B, size_t *nops, int *too_many)
{
    long n = (long)A->count, m = (long)B->count, max = n + m;
    long dmax = max < CC_LDIFF_MAX_EDITS ? max : CC_LDIFF_MAX_EDITS;
    long off = dmax + 1;
    long **trace = calloc((size_t)dmax + 1, sizeof *trace);
    long *v = calloc((size_t)(2 * dmax + 3), sizeof *v);
    unsigned char *ops = NULL;
    *too_many = 0;
    if (!trace || !v)
        goto out;
    long d = 0, found = -1;
    for (; d <= dmax && found < 0; d++) {
        for (long k = -d; k <= d; k += 2) {
            long x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1]
                                                                              : v[off + k - 1] + 1;
            long y = x - k;
            while (x < n && y < m && same(A, (size_t)x, B, (size_t)y))
                x++, y++;
            v[off + k] = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
        trace[d] = malloc((size_t)(2 * dmax + 3) * sizeof **trace);
        if (!trace[d])
            goto out;
        memcpy(trace[d], v, (size_t)(2 * dmax + 3) * sizeof *v);
    }
    if (found < 0) {
        *too_many = 1;
        goto out;
    }
    /* walk back from (n, m) */
    ops = malloc((size_t)(n + m) + 1);
    if (!ops)
        goto out;
    size_t k2 = (size_t)(n + m);
    long x = n, y = m;
    for (long dd = found; dd > 0; dd--) {
        const long *pv = trace[dd - 1];
        long k = x - y;
        long pk = (k == -dd || (k != dd && pv[off + k - 1] < pv[off + k + 1])) ? k + 1 : k - 1;
        long px = pv[off + pk], py = px - pk;
        while (x > px && y > py) {
            ops[--k2] = OP_KEEP;
            x--, y--;
        }
        ops[--k2] = x == px ? OP_ADD : OP_DEL;
        if (x == px)
            y--;
        else
            x--;
    }
    while (x > 0 && y > 0) {
        ops[--k2] = OP_KEEP;
        x--, y--;
    }
    memmove(ops, ops + k2, (size_t)(n + m) - k2);
    *nops = (size_t)(n + m) - k2;
out:
    for (long i = 0; trace && i <= dmax; i++)
        free(trace[i]);
    free(trace);
    free(v);
    if (*too_many || !trace || !v) {
        free(ops);
        return NULL;
    }
    return ops;
}

static void put_line(cc_buf *out, char tag, const lines *L, size_t i)
{
    cc_buf_putc(out, tag);
    cc_buf_append(out, L->p[i], L->n[i]);
    cc_buf_putc(out, '\n');
    if (i + 1 == L->count && !L->last_nl)
        cc_buf_puts(out, "\\ No newline at end of file\n");
}

cc_err cc_ldiff(const char *a, size_t alen, const char *b, size_t blen, const char *name_a,
                const char *name_b, cc_buf *out)
{
    if (alen == blen && memcmp(a, b, alen) == 0)
        return CC_OK;
    lines A = {0}, B = {0};
    cc_err rc = CC_OK;
    size_t nops = 0;
    int too_many = 0;
    unsigned char *ops = NULL;
    if (split(a, alen, &A) || split(b, blen, &B)) {
        rc = CC_ERR_NOMEM;
        goto done;
    }
    ops = script(&A, &B, &nops, &too_many);
    if (!ops && !too_many) {
        rc = CC_ERR_NOMEM;
        goto done;
    }
    if (too_many) { /* one hunk: everything out, everything in */
        free(ops);
        nops = A.count + B.count;
        ops = malloc(nops + 1);
        if (!ops) {
            rc = CC_ERR_NOMEM;
            goto done;
        }
        memset(ops, OP_DEL, A.count);
        memset(ops + A.count, OP_ADD, B.count);
    }
    cc_buf_printf(out, "--- %s\n+++ %s\n", name_a, name_b);
    /* the position in A and B before each op */
    size_t *ia = malloc((nops + 1) * sizeof *ia), *ib = malloc((nops + 1) * sizeof *ib);
    if (!ia || !ib) {
        free(ia);
        free(ib);
        rc = CC_ERR_NOMEM;
        goto done;
    }
    ia[0] = ib[0] = 0;
    for (size_t k = 0; k < nops; k++) {
        ia[k + 1] = ia[k] + (ops[k] != OP_ADD);
        ib[k + 1] = ib[k] + (ops[k] != OP_DEL);
    }
    const size_t ctx = 3;
    for (size_t k = 0; k < nops;) {
        if (ops[k] == OP_KEEP) {
            k++;
            continue;
        }
        /* a hunk: from ctx keeps before the change to ctx keeps after the last change that
           lies within 2*ctx keeps of the previous one */
        size_t s = k >= ctx ? k - ctx : 0;
        while (s < k && ops[s] != OP_KEEP)
            s++;
        size_t e = k;
        for (;;) {
            while (e < nops && ops[e] != OP_KEEP)
                e++;
            size_t keeps = 0;
            while (e + keeps < nops && ops[e + keeps] == OP_KEEP)
                keeps++;
            if (e + keeps >= nops || keeps > 2 * ctx) {
                e += keeps < ctx ? keeps : ctx;
                break;
            }
            e += keeps;
        }
        size_t na = ia[e] - ia[s], nb = ib[e] - ib[s];
        cc_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", na ? ia[s] + 1 : ia[s], na, nb ? ib[s] + 1 : ib[s],
                      nb);
        for (size_t j = s; j < e; j++) {
            if (ops[j] == OP_KEEP)
                put_line(out, ' ', &A, ia[j]);
            else if (ops[j] == OP_DEL)
                put_line(out, '-', &A, ia[j]);
            else
                put_line(out, '+', &B, ib[j]);
        }
        k = e;
    }
    free(ia);
    free(ib);
    if (out->oom)
        rc = CC_ERR_NOMEM;
done:
    free(ops);
    free(A.p);
    free(A.n);
    free(B.p);
    free(B.n);
    return rc;
}
