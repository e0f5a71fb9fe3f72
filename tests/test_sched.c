/* Tests of core/sched: ordering by time then insertion, against a sorted reference. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "core/rng.h"
#include "core/sched.h"

Test(sched, empty_and_peek)
{
    cc_sched s;
    cr_assert_eq(cc_sched_init(&s, 0), CC_OK);
    cc_sched_ev e;
    cr_expect_eq(cc_sched_pop(&s, &e), 0);
    cr_expect_null(cc_sched_peek(&s));
    cc_sched_push(&s, 5, 1, 2, 3);
    cr_expect_eq(cc_sched_peek(&s)->time, 5);
    cr_expect_eq(cc_sched_size(&s), 1);
    cc_sched_free(&s);
}

Test(sched, equal_times_keep_insertion_order)
{
    cc_sched s;
    cc_sched_init(&s, 2);
    for (uint32_t i = 0; i < 100; i++)
        cc_sched_push(&s, 10, 0, i, 0);
    cc_sched_push(&s, 5, 0, 999, 0);
    cc_sched_ev e;
    cc_sched_pop(&s, &e);
    cr_expect_eq(e.a, 999);
    for (uint32_t i = 0; i < 100; i++) {
        cr_assert(cc_sched_pop(&s, &e));
        cr_expect_eq(e.a, i);
    }
    cc_sched_free(&s);
}

typedef struct ref {
    int64_t t;
    uint32_t id;
} ref;

static int ref_cmp(const void *x, const void *y)
{
    const ref *a = x, *b = y;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->id < b->id ? -1 : (a->id > b->id);
}

Test(sched, matches_sorted_reference_under_interleaving)
{
    cc_sched s;
    cc_sched_init(&s, 0);
    cc_rng r;
    cc_rng_init(&r, 99, 0, 0);
    ref *pending = malloc(sizeof *pending * 20000);
    size_t np = 0;
    uint32_t id = 0;
    int64_t now = 0;
    for (int step = 0; step < 20000; step++) {
        if (np == 0 || cc_rng_below(&r, 3) != 0) {
            int64_t t = now + cc_rng_below(&r, 50);
            cc_sched_push(&s, t, 0, id, 0);
            pending[np++] = (ref){t, id++};
        } else {
            qsort(pending, np, sizeof *pending, ref_cmp);
            cc_sched_ev e;
            cr_assert(cc_sched_pop(&s, &e));
            cr_assert_eq(e.time, pending[0].t);
            cr_assert_eq(e.a, pending[0].id);
            now = e.time;
            pending[0] = pending[--np];
        }
    }
    cc_sched_free(&s);
    free(pending);
}
