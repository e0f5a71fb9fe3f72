/* tmpfile — see tmpfile.h. */
#include "tmpfile.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *tmp_write(const char *name, const void *data, size_t len)
{
    size_t cap = strlen(name) + sizeof "/tmp/caucus--XXXXXX";
    char *path = malloc(cap);
    cr_assert_not_null(path);
    snprintf(path, cap, "/tmp/caucus-%s-XXXXXX", name);
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0, "mkstemp %s", path);
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        cr_assert_gt(n, 0, "write %s", path);
        p += n;
        len -= (size_t)n;
    }
    cr_assert_eq(close(fd), 0);
    return path;
}
