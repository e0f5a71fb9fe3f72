/* Tests of io/lines: lines of every length around the limit, the last line without a newline,
 * an empty file, a directory, and a line over the limit refused after max + 1 bytes, whatever
 * follows it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/lines.h"
#include "support/tmpfile.h"

Test(lines, every_length_around_the_limit)
{
    enum { MAX = 16 };
    char buf[256];
    size_t n = 0;
    for (int len = 0; len <= MAX; len++) {
        memset(buf + n, 'a' + len % 26, (size_t)len);
        n += (size_t)len;
        buf[n++] = '\n';
    }
    memcpy(buf + n, "tail", 4);
    n += 4;
    char *path = tmp_write("lines", buf, n);
    cc_lines *r;
    char why[200];
    cr_assert_eq(cc_lines_open(path, MAX, &r, why, sizeof why), CC_OK, "%s", why);
    const char *l;
    size_t len;
    int complete;
    for (int want = 0; want <= MAX; want++) {
        cr_assert_eq(cc_lines_next(r, &l, &len, &complete, why, sizeof why), CC_OK, "line %d: %s", want, why);
        cr_expect_eq(len, (size_t)want);
        cr_expect(complete);
        cr_expect_eq(cc_lines_number(r), (uint64_t)want + 1);
    }
    cr_assert_eq(cc_lines_next(r, &l, &len, &complete, why, sizeof why), CC_OK);
    cr_expect(len == 4 && !complete && memcmp(l, "tail", 4) == 0);
    cr_expect_eq(cc_lines_next(r, &l, &len, &complete, why, sizeof why), CC_ERR_NOTFOUND);
    cc_lines_close(r);
    unlink(path);
    free(path);
}

Test(lines, a_line_over_the_limit_is_refused_early)
{
    char buf[100];
    memcpy(buf, "ok\n", 3);
    memset(buf + 3, 'x', 90);
    memcpy(buf + 93, "\nafter\n", 7);
    char *path = tmp_write("lines", buf, 100);
    cc_lines *r;
    char why[200];
    cr_assert_eq(cc_lines_open(path, 10, &r, why, sizeof why), CC_OK);
    const char *l;
    size_t len;
    int complete;
    cr_expect_eq(cc_lines_next(r, &l, &len, &complete, why, sizeof why), CC_OK);
    cr_expect_eq(cc_lines_next(r, &l, &len, &complete, why, sizeof why), CC_ERR_LIMIT);
    cr_expect_str_eq(why, "line 2 is longer than 10 bytes");
    cc_lines_close(r);
    unlink(path);
    free(path);
}

Test(lines, empty_files_directories_and_missing_files)
{
    char *path = tmp_write("lines", "", 0);
    cc_lines *r;
    char why[200];
    const char *l;
    size_t len;
    int complete;
    cr_assert_eq(cc_lines_open(path, 10, &r, why, sizeof why), CC_OK);
    cr_expect_eq(cc_lines_next(r, &l, &len, &complete, why, sizeof why), CC_ERR_NOTFOUND);
    cc_lines_close(r);
    unlink(path);
    free(path);
    cr_expect_eq(cc_lines_open("/tmp", 10, &r, why, sizeof why), CC_ERR_IO);
    cr_expect_str_eq(why, "is a directory, not a file");
    cr_expect_eq(cc_lines_open("/tmp/caucus-no-such-file", 10, &r, why, sizeof why), CC_ERR_IO);
    cr_expect(strstr(why, "cannot open"), "%s", why);
}
