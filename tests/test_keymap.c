/* Tests of server/keymap: exact keys (two addresses that shared a slot of the old hashed table
 * keep their own counts), bounded size, least-recently-used records dropped only when the caller
 * allows it, removal while iterating. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "server/keymap.h"

static const unsigned char HK[16] = "0123456789abcdef";

typedef struct count {
    int n;
} count;

/* The slot the server's join rate table used before keymap: FNV-1a of the address, mod 1024. */
static unsigned old_slot(const char *s)
{
    uint32_t h = 2166136261u;
    for (const char *p = s; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h % 1024;
}

Test(keymap, colliding_addresses_of_the_old_table_keep_their_own_records)
{
    /* find two loopback addresses that shared one slot of the old table */
    char a[48] = "", b[48] = "";
    static unsigned seen[1024][2];
    for (unsigned i = 1; i < 5000 && !b[0]; i++) {
        char x[48];
        snprintf(x, sizeof x, "127.0.%u.%u", i / 250, i % 250 + 1);
        unsigned s = old_slot(x);
        if (seen[s][0]) {
            snprintf(a, sizeof a, "127.0.%u.%u", seen[s][1] / 250, seen[s][1] % 250 + 1);
            snprintf(b, sizeof b, "%s", x);
        } else {
            seen[s][0] = 1;
            seen[s][1] = i;
        }
    }
    cr_assert(b[0], "no collision found");
    cr_assert_eq(old_slot(a), old_slot(b));
    cc_keymap *m;
    cr_assert_eq(cc_keymap_new(64, sizeof(count), HK, &m), CC_OK);
    int added;
    for (int i = 0; i < 5; i++) {
        count *ca = cc_keymap_put(m, a, i, 0, &added, NULL, NULL);
        count *cb = cc_keymap_put(m, b, i, 0, &added, NULL, NULL);
        cr_assert(ca && cb && ca != cb);
        ca->n++;
        cb->n += 10;
    }
    cr_expect_eq(((count *)cc_keymap_get(m, a, 9))->n, 5);
    cr_expect_eq(((count *)cc_keymap_get(m, b, 9))->n, 50);
    cr_expect_eq(cc_keymap_count(m), 2);
    cc_keymap_free(m);
}

Test(keymap, full_map_drops_the_least_recent_only_when_allowed)
{
    cc_keymap *m;
    cr_assert_eq(cc_keymap_new(3, sizeof(count), HK, &m), CC_OK);
    int added, had;
    count dropped;
    const char *k[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        count *c = cc_keymap_put(m, k[i], 10 + i, 0, &added, &dropped, &had);
        cr_assert(c && added && !had);
        c->n = i + 1;
    }
    cc_keymap_get(m, "a", 20); /* "a" is now the most recent: "b" (used at 11) is the oldest */
    /* every key used since 11: no room */
    cr_expect_null(cc_keymap_put(m, "d", 21, 11, &added, &dropped, &had));
    cr_expect_eq(cc_keymap_count(m), 3);
    /* "b" (used at 11) may go */
    count *d = cc_keymap_put(m, "d", 21, 12, &added, &dropped, &had);
    cr_assert(d && added && had);
    cr_expect_eq(dropped.n, 2, "the dropped record is handed back");
    cr_expect_eq(d->n, 0, "a new record starts zeroed");
    cr_expect_null(cc_keymap_get(m, "b", 22));
    cr_expect_eq(((count *)cc_keymap_get(m, "a", 22))->n, 1);
    cr_expect_eq(((count *)cc_keymap_get(m, "c", 22))->n, 3);
    cr_expect_eq(cc_keymap_count(m), 3);
    cr_expect_eq(cc_keymap_capacity(m), 3);
    cc_keymap_free(m);
}

static int drop_even(void *ctx, const char *key, void *val)
{
    (void)key;
    int *visits = ctx;
    (*visits)++;
    return ((count *)val)->n % 2 == 0;
}

Test(keymap, each_visits_oldest_first_and_removes)
{
    cc_keymap *m;
    cr_assert_eq(cc_keymap_new(100, sizeof(count), HK, &m), CC_OK);
    int added;
    for (int i = 0; i < 100; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        ((count *)cc_keymap_put(m, key, i, 0, &added, NULL, NULL))->n = i;
    }
    int visits = 0;
    cc_keymap_each(m, drop_even, &visits);
    cr_expect_eq(visits, 100);
    cr_expect_eq(cc_keymap_count(m), 50);
    cr_expect_null(cc_keymap_get(m, "k2", 200));
    cr_expect_eq(((count *)cc_keymap_get(m, "k3", 200))->n, 3);
    /* freed records are taken again before anything is dropped */
    for (int i = 0; i < 50; i++) {
        char key[16];
        snprintf(key, sizeof key, "n%d", i);
        int had = 0;
        cr_assert_not_null(cc_keymap_put(m, key, 300, 0, &added, NULL, &had));
        cr_expect(!had);
    }
    cr_expect_eq(cc_keymap_count(m), 100);
    cc_keymap_free(m);
}

Test(keymap, bad_arguments_and_long_keys)
{
    cc_keymap *m;
    cr_expect_eq(cc_keymap_new(0, 4, HK, &m), CC_ERR_ARG);
    cr_expect_eq(cc_keymap_new(4, 0, HK, &m), CC_ERR_ARG);
    cr_assert_eq(cc_keymap_new(4, sizeof(count), HK, &m), CC_OK);
    char big[CC_KEYMAP_KEY_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    int added;
    cr_expect_null(cc_keymap_put(m, big, 1, 0, &added, NULL, NULL));
    cr_expect_null(cc_keymap_get(m, big, 1));
    big[CC_KEYMAP_KEY_MAX] = 0;
    cr_expect_not_null(cc_keymap_put(m, big, 1, 0, &added, NULL, NULL));
    cc_keymap_free(m);
}
