/* Tests of core/grow: doubling from 8, keeping the elements, and refusing what cannot be had. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/grow.h"

Test(grow, doubles_from_eight_and_keeps_the_elements)
{
    int *v = NULL;
    size_t cap = 0;
    for (int i = 0; i < 1000; i++) {
        int *g = cc_grow(v, &cap, (size_t)i + 1, sizeof *v);
        cr_assert_not_null(g);
        v = g;
        v[i] = i * 3;
        cr_expect(cap >= (size_t)i + 1);
    }
    cr_expect_eq(cap, 1024);
    for (int i = 0; i < 1000; i++)
        cr_expect_eq(v[i], i * 3);
    /* enough already: the same array */
    cr_expect_eq(cc_grow(v, &cap, 10, sizeof *v), v);
    cr_expect_eq(cap, 1024);
    free(v);
    size_t c2 = 0;
    char *b = cc_grow(NULL, &c2, 1, 1);
    cr_expect_eq(c2, 8);
    free(b);
    c2 = 0;
    b = cc_grow(NULL, &c2, 100, 1);
    cr_expect_eq(c2, 128);
    free(b);
}

Test(grow, refuses_overflow_and_leaves_the_array)
{
    size_t cap = 8;
    char *v = malloc(8);
    v[7] = 'x';
    cr_expect_null(cc_grow(v, &cap, SIZE_MAX, 1), "SIZE_MAX elements");
    cr_expect_null(cc_grow(v, &cap, SIZE_MAX / 2 + 2, 1), "more than half of SIZE_MAX");
    cr_expect_null(cc_grow(v, &cap, SIZE_MAX / 16, 64), "need * size overflows");
    cr_expect_null(cc_grow(v, &cap, 9, 0), "no element size");
    cr_expect_eq(cap, 8);
    cr_expect_eq(v[7], 'x');
    free(v);
}
