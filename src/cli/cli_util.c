/* cli_util — small helpers shared by the subcommands: reading a whole file, and telling a
 * store (SQLite file or postgres:// URI) from a log file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"

char *cc_cli_slurp(const char *path, size_t *len, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    cc_buf b;
    cc_buf_init(&b);
    char tmp[65536];
    size_t n;
    int too_big = 0;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (max && b.len + n > max) {
            too_big = 1;
            break;
        }
        cc_buf_append(&b, tmp, n);
    }
    int bad = too_big || ferror(f) || b.oom;
    fclose(f);
    if (!bad)
        cc_buf_putc(&b, 0);
    if (bad || b.oom) {
        cc_buf_free(&b);
        return NULL;
    }
    *len = b.len - 1;
    return b.data;
}

int cc_cli_is_store(const char *path)
{
    if (strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0)
        return 1;
    FILE *f = fopen(path, "rb");
    char head[16] = {0};
    int r = f && fread(head, 1, 16, f) == 16 && memcmp(head, "SQLite format 3", 16) == 0;
    if (f)
        fclose(f);
    return r;
}
