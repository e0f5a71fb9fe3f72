/* Tests of server/marks: the items new for one session of the live server (docs/http-api.md,
 * "New items"). */
#include <criterion/criterion.h>
#include <jansson.h>

#include "server/marks.h"

static json_t *items(void)
{
    /* a state's items: ids and the seq of the event that brought each */
    return json_pack("[{s:s,s:i},{s:s,s:i},{s:s,s:i},{s:s,s:i}]", "id", "I-1", "seq", 4, "id", "M1", "seq", 9,
                     "id", "I-2", "seq", 12, "id", "I-3", "seq", 20);
}

static void expect_unread(const cc_marks *m, const char *want)
{
    json_t *it = items(), *u = cc_marks_unread(m, it);
    char *got = json_dumps(u, JSON_COMPACT);
    cr_expect_str_eq(got, want);
    free(got);
    json_decref(u);
    json_decref(it);
}

Test(marks, what_came_after_the_session_started_is_new_until_read)
{
    cc_marks m;
    cc_marks_init(&m, 10); /* the session started when the log had 10 events */
    expect_unread(&m, "[\"I-2\",\"I-3\"]");
    cc_marks_read(&m, 12);
    expect_unread(&m, "[\"I-3\"]");
    cc_marks_read(&m, 12); /* twice: no change */
    cr_expect_eq(m.nread, 1);
    cc_marks_read(&m, 4); /* before the session: already not new, nothing kept */
    cr_expect_eq(m.nread, 1);
    cc_marks_all(&m, 21);
    expect_unread(&m, "[]");
    cr_expect_eq(m.nread, 0);
    cr_expect_eq(m.since, 21);
}

Test(marks, all_up_to_a_point_keeps_later_read_marks)
{
    cc_marks m;
    cc_marks_init(&m, 0);
    cc_marks_read(&m, 20);
    cc_marks_all(&m, 10); /* up to event 10: I-1 and M1 read; I-3 still read, I-2 still new */
    expect_unread(&m, "[\"I-2\"]");
    cr_expect_eq(m.nread, 1);
    cr_expect_eq(m.read[0], 20);
}

Test(marks, a_full_list_forgets_its_oldest_by_moving_since)
{
    cc_marks m;
    cc_marks_init(&m, 100);
    for (uint64_t k = 0; k < CC_MARKS_MAX; k++)
        cc_marks_read(&m, 1000 + 2 * k); /* 1000, 1002, ... */
    cr_expect_eq(m.nread, CC_MARKS_MAX);
    cr_expect(cc_marks_is_new(&m, 1001));
    cc_marks_read(&m, 5000);
    /* 1000 forgotten: every item up to it counts as read, 1001 still new */
    cr_expect_eq(m.since, 1001);
    cr_expect_eq(m.nread, CC_MARKS_MAX);
    cr_expect(!cc_marks_is_new(&m, 999));
    cr_expect(cc_marks_is_new(&m, 1001));
    cr_expect(!cc_marks_is_new(&m, 5000));
    cr_expect(!cc_marks_is_new(&m, 1002));
    for (size_t k = 1; k < m.nread; k++)
        cr_assert_lt(m.read[k - 1], m.read[k], "kept ascending");
}
