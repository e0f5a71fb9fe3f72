/* file — see file.h. */
#include "io/file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"

static void say(char *why, size_t whylen, const char *what, const char *detail)
{
    if (why && whylen)
        snprintf(why, whylen, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
}

cc_err cc_file_read(const char *path, size_t max, char **text, size_t *len, char *why, size_t whylen)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        say(why, whylen, "cannot open", strerror(errno));
        return CC_ERR_IO;
    }
    cc_buf b;
    cc_buf_init(&b);
    char chunk[65536];
    size_t n;
    cc_err rc = CC_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (max && b.len + n > max) {
            if (why && whylen)
                snprintf(why, whylen, max >= (1u << 20) ? "file is larger than %zu MiB" : "file is larger than %zu bytes",
                         max >= (1u << 20) ? max >> 20 : max);
            rc = CC_ERR_LIMIT;
            break;
        }
        if (cc_buf_append(&b, chunk, n) != CC_OK) {
            rc = CC_ERR_NOMEM;
            break;
        }
    }
    if (rc == CC_OK && ferror(f)) {
        say(why, whylen, "read error", strerror(errno));
        rc = CC_ERR_IO;
    }
    fclose(f);
    if (rc == CC_OK && cc_buf_putc(&b, 0) != CC_OK)
        rc = CC_ERR_NOMEM;
    if (rc == CC_ERR_NOMEM)
        say(why, whylen, "out of memory", NULL);
    if (rc != CC_OK) {
        cc_buf_free(&b);
        return rc;
    }
    *text = b.data;
    *len = b.len - 1;
    return CC_OK;
}
