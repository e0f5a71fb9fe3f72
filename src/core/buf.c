/* buf — growable byte buffer; growth doubles, failures are sticky in ->oom. */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"

void cc_buf_init(cc_buf *b)
{
    memset(b, 0, sizeof *b);
}

void cc_buf_free(cc_buf *b)
{
    free(b->data);
    cc_buf_init(b);
}

void cc_buf_reset(cc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
}

static cc_err grow(cc_buf *b, size_t extra)
{
    if (b->oom)
        return CC_ERR_NOMEM;
    if (extra > ((size_t)-1) / 2 - b->len) {
        b->oom = 1;
        return CC_ERR_NOMEM;
    }
    char *d = cc_grow(b->data, &b->cap, b->len + extra + 1, 1);
    if (!d) {
        b->oom = 1;
        return CC_ERR_NOMEM;
    }
    b->data = d;
    return CC_OK;
}

cc_err cc_buf_append(cc_buf *b, const void *p, size_t n)
{
    if (grow(b, n) != CC_OK)
        return CC_ERR_NOMEM;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return CC_OK;
}

cc_err cc_buf_puts(cc_buf *b, const char *s)
{
    return cc_buf_append(b, s, strlen(s));
}

cc_err cc_buf_putc(cc_buf *b, char c)
{
    return cc_buf_append(b, &c, 1);
}

cc_err cc_buf_printf(cc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || grow(b, (size_t)n) != CC_OK)
        return CC_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return CC_OK;
}
