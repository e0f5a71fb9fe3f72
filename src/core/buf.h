/* buf — a growable byte buffer with printf-style appends; the caller owns and frees it. */
#ifndef CC_BUF_H
#define CC_BUF_H

#include <stddef.h>

#include "core/diag.h"

typedef struct cc_buf {
    char *data; /* NUL-terminated when len > 0 or after any append */
    size_t len, cap;
    int oom; /* sticky: an append failed */
} cc_buf;

void cc_buf_init(cc_buf *b);
void cc_buf_free(cc_buf *b);
void cc_buf_reset(cc_buf *b); /* len = 0, keeps storage */
cc_err cc_buf_append(cc_buf *b, const void *p, size_t n);
cc_err cc_buf_puts(cc_buf *b, const char *s);
cc_err cc_buf_putc(cc_buf *b, char c);
cc_err cc_buf_printf(cc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
