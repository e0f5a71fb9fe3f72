/* Tests for core/label: policy building and hashing, the banner parser's accept and reject
 * tables, the map form, the canonical format, the access rule (checked against a separately
 * written reference model on a million random pairs), join and dominance. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/label.h"

/* ---- the fixture policy, as plain data shared with the reference model --------------------- */

#define NCLASSES 4
#define NCAVEATS 3
#define NPARTIES 7
#define NGROUPS 2

static const char *const CLASSES[NCLASSES][2] = {
    {"UNCLASSIFIED", "U"}, {"CONFIDENTIAL", "C"}, {"SECRET", "S"}, {"TOP SECRET", "TS"}};
static const char *const CAVEATS[NCAVEATS] = {"NCG", "ALPHA", "BRAVO"};
/* party index = position: USA 0, KOR 1, GBR 2, JPN 3, AUS 4, CAN 5, NZL 6 */
static const char *const PARTIES[NPARTIES] = {"USA", "KOR", "GBR", "JPN", "AUS", "CAN", "NZL"};
static const char *const FVEY[] = {"AUS", "CAN", "GBR", "NZL", "USA"};
static const char *const ALLIANCE[] = {"USA", "KOR"};
static const struct {
    const char *name;
    const char *const *members;
    size_t n;
} GROUPS[NGROUPS] = {{"FVEY", FVEY, 5}, {"ALLIANCE", ALLIANCE, 2}};

enum { USA, KOR, GBR, JPN, AUS, CAN, NZL };

static cc_label_policy *P; /* id "ttx" */
static cc_label_policy *Q; /* same contents, id "other" */

static cc_label_policy *make_policy(const char *id)
{
    cc_label_policy *p = NULL;
    const char *why = NULL;
    cr_assert_eq(cc_label_policy_new(id, &p), CC_OK);
    for (size_t i = 0; i < NCLASSES; i++)
        cr_assert_eq(cc_label_policy_add_class(p, CLASSES[i][0], CLASSES[i][1], &why), CC_OK, "%s", why);
    for (size_t i = 0; i < NCAVEATS; i++)
        cr_assert_eq(cc_label_policy_add_caveat(p, CAVEATS[i], &why), CC_OK, "%s", why);
    for (size_t i = 0; i < NPARTIES; i++)
        cr_assert_eq(cc_label_policy_add_party(p, PARTIES[i], &why), CC_OK, "%s", why);
    for (size_t i = 0; i < NGROUPS; i++)
        cr_assert_eq(cc_label_policy_add_group(p, GROUPS[i].name, GROUPS[i].members, GROUPS[i].n, &why),
                     CC_OK, "%s", why);
    return p;
}

static void setup(void)
{
    P = make_policy("ttx");
    Q = make_policy("other");
}

static void teardown(void)
{
    cc_label_policy_free(P);
    cc_label_policy_free(Q);
    P = Q = NULL;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static cc_label parse_ok(const char *banner, int originator)
{
    cc_label l;
    cc_label_error e;
    cc_err rc = cc_label_parse(P, banner, strlen(banner), originator, &l, &e);
    cr_assert_eq(rc, CC_OK, "parse '%s': col %d: %s (%s)", banner, e.col, e.message, e.hint);
    return l;
}

/* Party set from space-separated party codes of P. */
static cc_partyset set_of(const char *codes)
{
    cc_partyset s;
    cc_partyset_clear(&s);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", codes);
    for (char *t = strtok(buf, " "); t; t = strtok(NULL, " ")) {
        int i = cc_label_policy_party(P, t);
        cr_assert_geq(i, 0, "unknown party %s", t);
        cc_partyset_add(&s, i);
    }
    return s;
}

static uint64_t caveats_of(const char *names)
{
    uint64_t bits = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", names);
    for (char *t = strtok(buf, " "); t; t = strtok(NULL, " ")) {
        int i = cc_label_policy_caveat(P, t);
        cr_assert_geq(i, 0, "unknown caveat %s", t);
        bits |= (uint64_t)1 << i;
    }
    return bits;
}

static bool same_label(const cc_label *a, const cc_label *b)
{
    return a->policy_hash == b->policy_hash && a->cls == b->cls && a->originator == b->originator &&
           a->caveats == b->caveats && a->has_rel_to == b->has_rel_to && a->noforn == b->noforn &&
           memcmp(&a->rel_to, &b->rel_to, sizeof a->rel_to) == 0;
}

static cc_clearance seat(const cc_label_policy *p, int cls, int party, uint64_t caveats)
{
    cc_clearance c = {cc_label_policy_hash(p), (int16_t)cls, (int16_t)party, caveats};
    return c;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* splitmix64: a deterministic PRNG for the property tests. */
static uint64_t next_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static size_t rand_below(uint64_t *state, size_t n)
{
    return (size_t)(next_rand(state) % n);
}

/* ---- party sets ---------------------------------------------------------------------------- */

Test(label_partyset, add_has_count_intersect_and_bounds)
{
    cc_partyset a, b;
    cc_partyset_clear(&a);
    cr_expect(cc_partyset_empty(&a));
    cc_partyset_add(&a, 0);
    cc_partyset_add(&a, 63);
    cc_partyset_add(&a, 64);
    cc_partyset_add(&a, 255);
    cc_partyset_add(&a, -1);  /* ignored */
    cc_partyset_add(&a, 256); /* ignored */
    cr_expect_eq(cc_partyset_count(&a), 4);
    cr_expect(cc_partyset_has(&a, 63) && cc_partyset_has(&a, 64) && cc_partyset_has(&a, 255));
    cr_expect(!cc_partyset_has(&a, 1) && !cc_partyset_has(&a, -1) && !cc_partyset_has(&a, 256));
    cc_partyset_clear(&b);
    cc_partyset_add(&b, 64);
    cc_partyset_add(&b, 7);
    cc_partyset_intersect(&a, &b);
    cr_expect_eq(cc_partyset_count(&a), 1);
    cr_expect(cc_partyset_has(&a, 64));
    cr_expect(!cc_partyset_empty(&a));
}

/* ---- policy ------------------------------------------------------------------------------- */

Test(label_policy, lookups_and_accessors, .init = setup, .fini = teardown)
{
    cr_expect_str_eq(cc_label_policy_id(P), "ttx");
    cr_expect_eq(cc_label_policy_nclasses(P), NCLASSES);
    cr_expect_eq(cc_label_policy_ncaveats(P), NCAVEATS);
    cr_expect_eq(cc_label_policy_nparties(P), NPARTIES);
    cr_expect_eq(cc_label_policy_class(P, "SECRET"), 2);
    cr_expect_eq(cc_label_policy_class(P, "S"), 2);
    cr_expect_eq(cc_label_policy_class(P, "TOP SECRET"), 3);
    cr_expect_eq(cc_label_policy_class(P, "TS"), 3);
    cr_expect_eq(cc_label_policy_class(P, "SECRETT"), -1);
    cr_expect_eq(cc_label_policy_class(P, "secret"), -1);
    cr_expect_eq(cc_label_policy_caveat(P, "BRAVO"), 2);
    cr_expect_eq(cc_label_policy_caveat(P, "NOFORN"), -1);
    cr_expect_eq(cc_label_policy_party(P, "JPN"), JPN);
    cr_expect_eq(cc_label_policy_party(P, "FVEY"), -1);
    cr_expect_eq(cc_label_policy_group(P, "FVEY"), 0);
    cr_expect_eq(cc_label_policy_group(P, "USA"), -1);
    cr_expect_str_eq(cc_label_policy_class_name(P, 1), "CONFIDENTIAL");
    cr_expect_str_eq(cc_label_policy_class_short(P, 3), "TS");
    cr_expect_str_eq(cc_label_policy_caveat_name(P, 1), "ALPHA");
    cr_expect_str_eq(cc_label_policy_party_code(P, 6), "NZL");
    cr_expect_null(cc_label_policy_class_name(P, 4));
    cr_expect_null(cc_label_policy_class_short(P, -1));
    cr_expect_null(cc_label_policy_caveat_name(P, 3));
    cr_expect_null(cc_label_policy_party_code(P, 7));
    cr_expect_null(cc_label_policy_group_members(P, 2));
    cc_partyset fvey = set_of("AUS CAN GBR NZL USA");
    cr_expect_eq(memcmp(cc_label_policy_group_members(P, 0), &fvey, sizeof fvey), 0);
}

Test(label_policy, rejects_duplicate_and_clashing_classes)
{
    cc_label_policy *p;
    const char *why = NULL;
    cr_assert_eq(cc_label_policy_new("x", &p), CC_OK);
    cr_expect_eq(cc_label_policy_add_class(p, "SECRET", "S", &why), CC_OK);
    cr_expect_eq(cc_label_policy_add_class(p, "RESTRICTED", "RESTRICTED", &why), CC_OK,
                 "name may equal own short");
    why = NULL;
    cr_expect_eq(cc_label_policy_add_class(p, "SECRET", "X", &why), CC_ERR_INVALID);
    cr_expect(why && strstr(why, "duplicate"));
    cr_expect_eq(cc_label_policy_add_class(p, "X", "S", &why), CC_ERR_INVALID, "duplicate short");
    cr_expect_eq(cc_label_policy_add_class(p, "S", "Y", &why), CC_ERR_INVALID, "name equal to a short");
    cr_expect_eq(cc_label_policy_add_class(p, "Z", "SECRET", &why), CC_ERR_INVALID, "short equal to a name");
    cr_expect_eq(cc_label_policy_nclasses(p), 2);
    cc_label_policy_free(p);
}

Test(label_policy, rejects_malformed_names)
{
    cc_label_policy *p;
    const char *why = NULL;
    cr_assert_eq(cc_label_policy_new("x", &p), CC_OK);
    static const char *const bad_class_names[] = {"secret", " SECRET", "SECRET ", "TOP  SECRET",
                                                  "",       "SE/CRET", "SECRET,", "S\xc3\x89"};
    for (size_t i = 0; i < sizeof bad_class_names / sizeof *bad_class_names; i++) {
        why = NULL;
        cr_expect_eq(cc_label_policy_add_class(p, bad_class_names[i], "Q", &why), CC_ERR_INVALID, "'%s'",
                     bad_class_names[i]);
        cr_expect_not_null(why);
    }
    cr_expect_eq(cc_label_policy_add_class(p, "TOP SECRET", "T S", &why), CC_ERR_INVALID,
                 "no spaces in a short");
    cr_expect_eq(cc_label_policy_add_caveat(p, "N CG", &why), CC_ERR_INVALID, "no spaces in a caveat");
    cr_expect_eq(cc_label_policy_add_party(p, "usa", &why), CC_ERR_INVALID);
    cr_expect_eq(cc_label_policy_add_party(p, NULL, &why), CC_ERR_ARG);
    cr_expect_eq(cc_label_policy_add_class(NULL, "A", "B", &why), CC_ERR_ARG);
    char longname[CC_LABEL_NAME_MAX + 2];
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    cr_expect_eq(cc_label_policy_add_party(p, longname, &why), CC_ERR_LIMIT);
    longname[CC_LABEL_NAME_MAX] = '\0';
    cr_expect_eq(cc_label_policy_add_party(p, longname, &why), CC_OK, "exactly CC_LABEL_NAME_MAX");
    cr_expect_eq(cc_label_policy_add_class(p, "TOP SECRET", "TS", NULL), CC_OK, "why may be NULL");
    cr_expect_eq(cc_label_policy_add_class(p, "TOP SECRET", "TS", NULL), CC_ERR_INVALID);
    cc_label_policy *q = NULL;
    cr_expect_eq(cc_label_policy_new("", &q), CC_ERR_ARG);
    cr_expect_eq(cc_label_policy_new(NULL, &q), CC_ERR_ARG);
    cr_expect_null(q);
    cc_label_policy_free(p);
    cc_label_policy_free(NULL);
}

Test(label_policy, rejects_duplicate_caveats_and_parties)
{
    cc_label_policy *p;
    const char *why = NULL;
    cr_assert_eq(cc_label_policy_new("x", &p), CC_OK);
    cr_expect_eq(cc_label_policy_add_caveat(p, "NCG", &why), CC_OK);
    cr_expect_eq(cc_label_policy_add_caveat(p, "NCG", &why), CC_ERR_INVALID);
    cr_expect(strstr(why, "duplicate caveat"));
    cr_expect_eq(cc_label_policy_add_caveat(p, "NOFORN", &why), CC_ERR_INVALID);
    cr_expect(strstr(why, "NOFORN"));
    cr_expect_eq(cc_label_policy_add_party(p, "USA", &why), CC_OK);
    cr_expect_eq(cc_label_policy_add_party(p, "USA", &why), CC_ERR_INVALID);
    cr_expect(strstr(why, "duplicate party"));
    cr_expect_eq(cc_label_policy_ncaveats(p), 1);
    cr_expect_eq(cc_label_policy_nparties(p), 1);
    cc_label_policy_free(p);
}

Test(label_policy, rejects_bad_groups, .init = setup, .fini = teardown)
{
    const char *why = NULL;
    const char *usa[] = {"USA"};
    static const struct {
        const char *name;
        const char *members[3];
        size_t n;
        const char *why;
    } cases[] = {
        {"USA", {"USA"}, 1, "clashes with a party"},
        {"NCG", {"USA"}, 1, "clashes with a caveat"},
        {"SECRET", {"USA"}, 1, "clashes with a classification"},
        {"TS", {"USA"}, 1, "clashes with a classification"},
        {"NOFORN", {"USA"}, 1, "reserved"},
        {"FVEY", {"USA"}, 1, "duplicate group"},
        {"QUAD", {"USA", "IND"}, 2, "not a party"},
        {"QUAD", {"USA", "FVEY"}, 2, "not a group"},
        {"QUAD", {"USA", "JPN", "USA"}, 3, "duplicate group member"},
        {"QUAD", {NULL}, 0, "at least one member"},
        {"quad", {"USA"}, 1, "upper-case"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        why = NULL;
        cr_expect_eq(cc_label_policy_add_group(P, cases[i].name, cases[i].members, cases[i].n, &why),
                     CC_ERR_INVALID, "case %zu", i);
        cr_expect(why && strstr(why, cases[i].why), "case %zu: why '%s'", i, why ? why : "(null)");
    }
    /* order independence: a later party, caveat or class may not take a group's name */
    cr_expect_eq(cc_label_policy_add_party(P, "FVEY", &why), CC_ERR_INVALID);
    cr_expect_eq(cc_label_policy_add_caveat(P, "FVEY", &why), CC_ERR_INVALID);
    cr_expect_eq(cc_label_policy_add_class(P, "FVEY", "FV", &why), CC_ERR_INVALID);
    cr_expect_eq(cc_label_policy_add_class(P, "FIVE EYES", "FVEY", &why), CC_ERR_INVALID);
    cr_expect_eq(cc_label_policy_add_group(P, "NATO", NULL, 1, &why), CC_ERR_ARG);
    cr_expect_eq(cc_label_policy_add_group(P, "US-ONLY", usa, 1, &why), CC_OK);
}

Test(label_policy, enforces_limits)
{
    cc_label_policy *p;
    const char *why = NULL;
    char name[16];
    cr_assert_eq(cc_label_policy_new("x", &p), CC_OK);
    for (int i = 0; i < CC_LABEL_MAX_CLASSES; i++) {
        snprintf(name, sizeof name, "L%d", i);
        cr_assert_eq(cc_label_policy_add_class(p, name, name + 1, &why), CC_OK, "%s: %s", name, why);
    }
    cr_expect_eq(cc_label_policy_add_class(p, "LAST", "LX", &why), CC_ERR_LIMIT);
    for (int i = 0; i < CC_LABEL_MAX_CAVEATS; i++) {
        snprintf(name, sizeof name, "CV%d", i);
        cr_assert_eq(cc_label_policy_add_caveat(p, name, &why), CC_OK);
    }
    cr_expect_eq(cc_label_policy_add_caveat(p, "ONEMORE", &why), CC_ERR_LIMIT);
    for (int i = 0; i < CC_LABEL_MAX_PARTIES; i++) {
        snprintf(name, sizeof name, "P%03d", i);
        cr_assert_eq(cc_label_policy_add_party(p, name, &why), CC_OK);
    }
    cr_expect_eq(cc_label_policy_add_party(p, "ONEMORE", &why), CC_ERR_LIMIT);
    const char *m[] = {"P000", "P255"};
    for (int i = 0; i < CC_LABEL_MAX_GROUPS; i++) {
        snprintf(name, sizeof name, "G%d", i);
        cr_assert_eq(cc_label_policy_add_group(p, name, m, 2, &why), CC_OK);
    }
    cr_expect_eq(cc_label_policy_add_group(p, "ONEMORE", m, 2, &why), CC_ERR_LIMIT);
    cr_expect_eq(cc_label_policy_nclasses(p), CC_LABEL_MAX_CLASSES);
    cr_expect_eq(cc_label_policy_ncaveats(p), CC_LABEL_MAX_CAVEATS);
    cr_expect_eq(cc_label_policy_nparties(p), CC_LABEL_MAX_PARTIES);
    /* with 64 caveats every bit is a caveat: the top one must still work */
    cc_label l;
    const char *cav[] = {"CV63"};
    cr_expect_eq(cc_label_build(p, "L15", cav, 1, NULL, 0, 255, &l, NULL, NULL), CC_OK);
    cr_expect_eq(l.caveats, (uint64_t)1 << 63);
    char buf[64];
    cc_label_format(p, &l, buf, sizeof buf);
    cr_expect_str_eq(buf, "L15//CV63");
    cc_label_policy_free(p);
}

Test(label_policy, hash_is_stable_and_covers_contents, .init = setup, .fini = teardown)
{
    uint32_t h = cc_label_policy_hash(P);
    cc_label_policy *again = make_policy("ttx");
    cr_expect_eq(cc_label_policy_hash(again), h, "same contents, same hash");
    cc_label_policy_free(again);
    /* golden value: the serialisation documented in label.h must not change silently */
    cr_expect_eq(h, 0xB2A6DE56u, "hash is 0x%08X", h);
    cr_expect_neq(cc_label_policy_hash(Q), h, "id is covered");

    const char *why = NULL;
    cc_label_policy *a, *b;
    cr_assert_eq(cc_label_policy_new("p", &a), CC_OK);
    cr_assert_eq(cc_label_policy_new("p", &b), CC_OK);
    cr_expect_eq(cc_label_policy_hash(a), cc_label_policy_hash(b));
    cc_label_policy_add_party(a, "USA", &why);
    cc_label_policy_add_party(a, "KOR", &why);
    cc_label_policy_add_party(b, "KOR", &why);
    cc_label_policy_add_party(b, "USA", &why);
    cr_expect_neq(cc_label_policy_hash(a), cc_label_policy_hash(b), "party order (indices) is covered");
    cc_label_policy_free(b);

    cr_assert_eq(cc_label_policy_new("p", &b), CC_OK);
    cc_label_policy_add_party(b, "USA", &why);
    cc_label_policy_add_party(b, "KOR", &why);
    cr_expect_eq(cc_label_policy_hash(a), cc_label_policy_hash(b));
    const char *one[] = {"USA"}, *two[] = {"USA", "KOR"};
    cc_label_policy_add_group(a, "G", one, 1, &why);
    cc_label_policy_add_group(b, "G", two, 2, &why);
    cr_expect_neq(cc_label_policy_hash(a), cc_label_policy_hash(b), "group members are covered");

    uint32_t before = cc_label_policy_hash(a);
    cr_expect_eq(cc_label_policy_add_party(a, "USA", &why), CC_ERR_INVALID);
    cr_expect_eq(cc_label_policy_hash(a), before, "a refused add changes nothing");
    cc_label_policy_add_caveat(a, "X", &why);
    cr_expect_neq(cc_label_policy_hash(a), before, "caveats are covered");
    before = cc_label_policy_hash(a);
    cc_label_policy_add_class(a, "SECRET", "S", &why);
    cr_expect_neq(cc_label_policy_hash(a), before, "classes are covered");
    cc_label_policy_free(a);
    cc_label_policy_free(b);
}

/* ---- parser: accepted banners --------------------------------------------------------------- */

static const struct accept_case {
    const char *banner;
    int originator;
    int cls;
    const char *caveats;
    const char *rel; /* NULL: no REL TO */
    bool noforn;
} ACCEPT[] = {
    {"SECRET", USA, 2, "", NULL, false},
    {"S", USA, 2, "", NULL, false},
    {"U", -1, 0, "", NULL, false},
    {"TOP SECRET", KOR, 3, "", NULL, false},
    {"TOP SECRET//NCG", KOR, 3, "NCG", NULL, false},
    {"TS//BRAVO/NCG", USA, 3, "NCG BRAVO", NULL, false},
    {"SECRET//REL TO USA, KOR", USA, 2, "", "USA KOR", false},
    {"SECRET//REL TO KOR, USA", USA, 2, "", "USA KOR", false},
    {"S//REL TO USA", JPN, 2, "", "USA", false},
    {"SECRET//REL TO FVEY", USA, 2, "", "AUS CAN GBR NZL USA", false},
    {"SECRET//REL TO FVEY, KOR", USA, 2, "", "AUS CAN GBR NZL USA KOR", false},
    {"SECRET//REL TO FVEY, USA", USA, 2, "", "AUS CAN GBR NZL USA", false},
    {"SECRET//REL TO ALLIANCE, FVEY", USA, 2, "", "AUS CAN GBR NZL USA KOR", false},
    {"UNCLASSIFIED//REL TO ALLIANCE", KOR, 0, "", "USA KOR", false},
    {"SECRET//NCG//REL TO USA, KOR", USA, 2, "NCG", "USA KOR", false},
    {"C//ALPHA/NCG/BRAVO//REL TO JPN", JPN, 1, "NCG ALPHA BRAVO", "JPN", false},
    {"SECRET//NOFORN", USA, 2, "", NULL, true},
    {"C//NCG/ALPHA//NOFORN", KOR, 1, "NCG ALPHA", NULL, true},
};

Test(label_parse, accepts_table, .init = setup, .fini = teardown)
{
    for (size_t i = 0; i < sizeof ACCEPT / sizeof *ACCEPT; i++) {
        const struct accept_case *c = &ACCEPT[i];
        cc_label l = parse_ok(c->banner, c->originator);
        cr_expect_eq(l.policy_hash, cc_label_policy_hash(P), "%s", c->banner);
        cr_expect_eq(l.cls, c->cls, "%s: cls", c->banner);
        cr_expect_eq(l.originator, c->originator, "%s: originator", c->banner);
        cr_expect_eq(l.caveats, caveats_of(c->caveats), "%s: caveats", c->banner);
        cr_expect_eq(l.noforn, c->noforn, "%s: noforn", c->banner);
        cr_expect_eq(l.has_rel_to, c->rel != NULL, "%s: has_rel_to", c->banner);
        cc_partyset want = set_of(c->rel ? c->rel : "");
        cr_expect_eq(memcmp(&l.rel_to, &want, sizeof want), 0, "%s: rel_to", c->banner);
    }
}

Test(label_parse, arguments_and_error_output, .init = setup, .fini = teardown)
{
    cc_label l;
    cc_label_error e;
    cr_expect_eq(cc_label_parse(P, "SECRET", 6, NPARTIES, &l, &e), CC_ERR_ARG,
                 "originator beyond the parties");
    cr_expect_eq(cc_label_parse(P, "SECRET", 6, -2, &l, &e), CC_ERR_ARG);
    cr_expect_eq(cc_label_parse(P, NULL, 3, 0, &l, &e), CC_ERR_ARG);
    cr_expect_eq(cc_label_parse(NULL, "S", 1, 0, &l, &e), CC_ERR_ARG);
    cr_expect_eq(cc_label_parse(P, "S", 1, 0, NULL, &e), CC_ERR_ARG);
    cr_expect_eq(cc_label_parse(P, NULL, 0, 0, &l, &e), CC_ERR_PARSE, "NULL with length 0 is an empty label");
    cr_expect(strstr(e.message, "empty label"));
    cr_expect_eq(cc_label_parse(P, "SECRET//REL TO USAX", 19, 0, &l, NULL), CC_ERR_PARSE, "err may be NULL");
    cr_expect_eq(l.cls, -1, "a refused banner leaves an invalid label");
    cr_expect_eq(cc_label_check(&l, &(cc_clearance){cc_label_policy_hash(P), 3, USA, ~(uint64_t)0}),
                 CC_DENY_INVALID);
    /* the length is what counts, not a NUL terminator */
    cr_expect_eq(cc_label_parse(P, "SECRET//NCG", 6, 0, &l, &e), CC_OK);
    cr_expect_eq(l.caveats, 0);
    cr_expect_eq(e.col, 0, "success leaves no error");
    cr_expect_str_empty(e.message);
}

/* ---- parser: refused banners, each with its column, message and hint ------------------------- */

static const struct reject_case {
    const char *banner;
    size_t len; /* 0: strlen(banner) */
    int col;
    const char *message; /* substring */
    const char *hint;    /* substring, or NULL */
} REJECT[] = {
    {"SECRETT//REL TO USA", 0, 1, "unknown classification 'SECRETT'", "did you mean 'SECRET'?"},
    {"SECRT", 0, 1, "unknown classification 'SECRT'", "did you mean 'SECRET'?"},
    {"TSS", 0, 1, "unknown classification 'TSS'", "did you mean 'TS'?"},
    {"//REL TO USA", 0, 1, "missing classification", "'TOP SECRET'"},
    {"REL TO USA", 0, 1, "unknown classification 'REL TO USA'",
     "known classifications: UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET"},
    {"secret//REL TO USA", 0, 1, "lower case", "'SECRET//REL TO USA'"},
    {"SECRET//rel to usa", 0, 9, "lower case", "'SECRET//REL TO USA'"},
    {"S//REL TO usa", 0, 11, "lower case", "write it in upper case: 'S//REL TO USA'"},
    {"Secret", 0, 2, "lower case", "'SECRET'"},
    {" SECRET", 0, 1, "leading space", NULL},
    {"SECRET ", 0, 7, "trailing space", NULL},
    {"SECRET//REL TO USA  ", 0, 19, "trailing space", NULL},
    {"SECRET//REL TO USA, ", 0, 20, "trailing space", NULL},
    {"TOP  SECRET", 0, 5, "extra space", NULL},
    {"SECRET //REL TO USA", 0, 7, "extra space", NULL},
    {"SECRET// REL TO USA", 0, 9, "extra space", NULL},
    {"SECRET//REL  TO USA", 0, 13, "extra space", NULL},
    {"SECRET//REL TO  USA", 0, 16, "extra space", NULL},
    {"SECRET//REL TO USA,  KOR", 0, 21, "extra space", NULL},
    {"SECRET//NCG /ALPHA", 0, 12, "extra space", NULL},
    {"SECRET/REL TO USA", 0, 7, "single '/' where '//' belongs", "'//'"},
    {"SECRET/NCG", 0, 7, "single '/' where '//' belongs", "'//'"},
    {"SECRET//NCG/REL TO USA", 0, 12, "single '/' where '//' belongs before REL TO", "'//'"},
    {"SECRET//NCG/NOFORN", 0, 12, "single '/' where '//' belongs before NOFORN", NULL},
    {"SECRET//NOFORN/NCG", 0, 15, "single '/' where '//' belongs", NULL},
    {"SECRET////REL TO USA", 0, 9, "empty section", NULL},
    {"SECRET///NCG", 0, 9, "empty section", NULL},
    {"SECRET//", 0, 7, "empty section", "trailing '//'"},
    {"SECRET//REL TO USA//", 0, 19, "empty section", NULL},
    {"SECRET//NCG/", 0, 12, "empty caveat", NULL},
    {"SECRET//REL TO US", 0, 16, "unknown party or group 'US' in REL TO", "did you mean 'USA'?"},
    {"SECRET//REL TO USA, KRO", 0, 21, "unknown party or group 'KRO'", "did you mean 'KOR'?"},
    {"SECRET//REL TO FVEYS", 0, 16, "unknown party or group 'FVEYS'", "did you mean 'FVEY'?"},
    {"SECRET//REL TO XYZZY", 0, 16, "unknown party or group 'XYZZY'",
     "known parties and groups: AUS, CAN, GBR"},
    {"SECRET//REL TO USA, USA", 0, 21, "duplicate 'USA' in REL TO", "once"},
    {"SECRET//REL TO FVEY, KOR, FVEY", 0, 27, "duplicate 'FVEY' in REL TO", NULL},
    {"SECRET//REL TO USA,KOR", 0, 19, "missing space after ','", "', '"},
    {"SECRET//REL TO USA KOR", 0, 19, "separated by ', '", "', '"},
    {"SECRET//REL TO USA ,KOR", 0, 19, "extra space", "', '"},
    {"SECRET//REL TO USA,", 0, 19, "trailing ','", NULL},
    {"SECRET//REL TO USA, , KOR", 0, 21, "empty entry in REL TO", NULL},
    {"SECRET//REL TO USA/KOR", 0, 19, "unexpected '/' in REL TO", NULL},
    {"SECRET//REL TO", 0, 9, "empty REL TO", "rel_to: []"},
    {"SECRET//REL TO//NCG", 0, 9, "empty REL TO", NULL},
    {"SECRET//RELTO USA", 0, 9, "malformed REL TO", "'REL TO '"},
    {"SECRET//REL-TO", 0, 9, "unknown caveat 'REL-TO'", "'REL TO '"},
    {"SECRET//NCX", 0, 9, "unknown caveat 'NCX'", "did you mean 'NCG'?"},
    {"SECRET//NCG/ZULU", 0, 13, "unknown caveat 'ZULU'", "known caveats: NCG, ALPHA, BRAVO"},
    {"SECRET//NCG/NCG", 0, 13, "duplicate caveat 'NCG'", NULL},
    {"SECRET//NCG//ALPHA", 0, 14, "second caveat section", "'SECRET//NCG/ALPHA'"},
    {"SECRET//NOFORN//REL TO USA", 0, 17, "NOFORN cannot be combined with REL TO", NULL},
    {"SECRET//REL TO USA//NOFORN", 0, 21, "NOFORN cannot be combined with REL TO", NULL},
    {"SECRET//NCG//NOFORN//REL TO USA", 0, 22, "NOFORN cannot be combined with REL TO", NULL},
    {"SECRET//REL TO USA//REL TO KOR", 0, 21, "REL TO given twice", NULL},
    {"SECRET//NOFORN//NOFORN", 0, 17, "NOFORN given twice", NULL},
    {"SECRET//REL TO USA//NCG", 0, 21, "sections out of order: REL TO must be the last section",
     "CLASSIFICATION//CAVEATS//REL TO"},
    {"SECRET//NOFORN//NCG", 0, 17, "sections out of order: NOFORN", NULL},
    {"SECRET//REL TO \xd0\x9a"
     "OR",
     0, 16, "non-ASCII character U+041A", "looks like 'K'"},
    {"SECRET//REL TO K\xce\x9f"
     "R",
     0, 17, "non-ASCII character U+039F", "homoglyph"},
    {"\xef\xbc\xb3"
     "ECRET",
     0, 1, "non-ASCII character U+FF33", "looks like 'S'"},
    {"SECRET\xe2\x88\x95/NCG", 0, 7, "non-ASCII character U+2215", "looks like '/'"},
    {"SECRET//REL TO USA,\xc2\xa0KOR", 0, 20, "non-ASCII character U+00A0", "space"},
    {"SECRET//\xc0\xaf", 0, 9, "non-ASCII character (overlong UTF-8 encoding)", NULL},
    {"SECRET//\xe0\x80\xaf", 0, 9, "overlong", NULL},
    {"SECRET//\xff", 0, 9, "non-ASCII character (invalid UTF-8 byte 0xFF)", NULL},
    {"SECRET//\xd0", 0, 9, "invalid UTF-8 byte 0xD0", NULL},
    {"SECRET//\xed\xa0\x80", 0, 9, "invalid UTF-8", NULL},
    {"SECRET//REL TO KOR\0", 19, 19, "NUL byte", NULL},
    {"SEC\0RET", 7, 4, "NUL byte", NULL},
    {"SECRET\t//NCG", 0, 7, "control character 0x09", NULL},
    {"SECRET//NCG\n", 0, 12, "control character 0x0A", NULL},
    {"", 0, 1, "empty label", "'UNCLASSIFIED'"},
    {"SECRET,NCG", 0, 7, "unexpected character ','", NULL},
    {"SECRET//NCG.ALPHA", 0, 12, "unexpected character '.'", NULL},
    {"SECRET//REL TO USA; KOR", 0, 19, "unexpected character ';'", NULL},
};

#define NREJECT (sizeof REJECT / sizeof REJECT[0])

ParameterizedTestParameters(label_parse, rejects)
{
    static size_t idx[NREJECT];
    for (size_t i = 0; i < NREJECT; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, NREJECT);
}

ParameterizedTest(size_t *i, label_parse, rejects, .init = setup, .fini = teardown)
{
    const struct reject_case *c = &REJECT[*i];
    size_t len = c->len ? c->len : strlen(c->banner);
    cc_label l;
    cc_label_error e;
    cc_err rc = cc_label_parse(P, c->banner, len, USA, &l, &e);
    cr_assert_eq(rc, CC_ERR_PARSE, "case %zu '%s' was accepted", *i, c->banner);
    cr_expect_eq(e.col, c->col, "case %zu '%s': col %d, want %d (%s)", *i, c->banner, e.col, c->col,
                 e.message);
    cr_expect(strstr(e.message, c->message), "case %zu '%s': message '%s', want '%s'", *i, c->banner,
              e.message, c->message);
    if (c->hint)
        cr_expect(strstr(e.hint, c->hint), "case %zu '%s': hint '%s', want '%s'", *i, c->banner, e.hint,
                  c->hint);
    cr_expect_eq(l.cls, -1);
}

Test(label_parse, refuses_overlong_banner, .init = setup, .fini = teardown)
{
    size_t n = CC_LABEL_BANNER_MAX + 1;
    char *s = malloc(n);
    cr_assert_not_null(s);
    memset(s, 'A', n);
    cc_label l;
    cc_label_error e;
    cr_expect_eq(cc_label_parse(P, s, n, 0, &l, &e), CC_ERR_PARSE);
    cr_expect_eq(e.col, CC_LABEL_BANNER_MAX + 1);
    cr_expect(strstr(e.message, "longer than 4096"), "%s", e.message);
    /* exactly the maximum is read (and here refused for its content, not its length) */
    cr_expect_eq(cc_label_parse(P, s, n - 1, 0, &l, &e), CC_ERR_PARSE);
    cr_expect(strstr(e.message, "unknown classification 'AAAA"), "%s", e.message);
    cr_expect(strstr(e.message, "...'"), "long tokens are shortened: %s", e.message);
    free(s);
}

/* SECURITY.md bad input 12: 10^5 values must take bounded time and memory. */
Test(label_parse, hostile_sizes_take_bounded_time, .init = setup, .fini = teardown)
{
    const size_t entries = 100000;
    size_t cap = 16 + entries * 5;
    char *s = malloc(cap);
    cr_assert_not_null(s);
    size_t n = (size_t)snprintf(s, cap, "SECRET//REL TO USA");
    for (size_t i = 1; i < entries; i++) {
        memcpy(s + n, ", KOR", 5);
        n += 5;
    }
    cc_label l;
    cc_label_error e;
    double t0 = now_seconds();
    cr_expect_eq(cc_label_parse(P, s, n, 0, &l, &e), CC_ERR_PARSE);
    cr_expect(strstr(e.message, "longer than"));
    /* pathological inputs of the maximum length: each parsed 200 times */
    static const char *const fill[] = {"A", "/", "NCG/", "USA, ", "X ", "\xd0\x9a"};
    for (size_t f = 0; f < sizeof fill / sizeof *fill; f++) {
        size_t fl = strlen(fill[f]);
        n = (size_t)snprintf(s, cap, "%s", f >= 2 ? (f == 2 ? "SECRET//" : "SECRET//REL TO ") : "");
        while (n + fl <= CC_LABEL_BANNER_MAX) {
            memcpy(s + n, fill[f], fl);
            n += fl;
        }
        for (int k = 0; k < 200; k++)
            cr_expect_eq(cc_label_parse(P, s, n, 0, &l, &e), CC_ERR_PARSE, "fill '%s'", fill[f]);
    }
    double dt = now_seconds() - t0;
    cr_expect_lt(dt, 2.0, "took %.3f s", dt);
    free(s);
}

/* ---- structured (map) form ---------------------------------------------------------------- */

Test(label_build, builds_labels_with_groups_and_originator, .init = setup, .fini = teardown)
{
    cc_label l, p;
    const char *cav[] = {"BRAVO", "NCG"};
    const char *rel[] = {"FVEY", "KOR"};
    cr_assert_eq(cc_label_build(P, "TS", cav, 2, rel, 2, JPN, &l, NULL, NULL), CC_OK);
    p = parse_ok("TOP SECRET//NCG/BRAVO//REL TO AUS, CAN, GBR, KOR, NZL, USA", JPN);
    cr_expect(same_label(&l, &p));
    cr_assert_eq(cc_label_build(P, "SECRET", NULL, 0, NULL, 0, KOR, &l, NULL, NULL), CC_OK);
    cr_expect(!l.has_rel_to, "rel_to NULL: originator only");
    cr_expect_eq(l.originator, KOR);
    const char *none[1] = {NULL};
    cr_assert_eq(cc_label_build(P, "SECRET", NULL, 0, none, 0, KOR, &l, NULL, NULL), CC_OK);
    cr_expect(l.has_rel_to && cc_partyset_empty(&l.rel_to), "rel_to [] : nobody");
}

static const struct build_case {
    const char *cls;
    const char *caveats[3];
    size_t ncaveats;
    const char *rel[3];
    size_t nrel;
    int bad;
    const char *message;
    const char *hint;
} BUILD_REJECT[] = {
    {"SECRETT", {NULL}, 0, {NULL}, 0, -1, "unknown classification 'SECRETT'", "did you mean 'SECRET'?"},
    {"secret", {NULL}, 0, {NULL}, 0, -1, "unknown classification", "did you mean 'SECRET'?"},
    {"S", {"NCG", "ALPA"}, 2, {NULL}, 0, 1, "unknown caveat 'ALPA'", "did you mean 'ALPHA'?"},
    {"S", {"NCG", "NCG"}, 2, {NULL}, 0, 1, "duplicate caveat 'NCG'", NULL},
    {"S", {"NOFORN"}, 1, {NULL}, 0, 0, "unknown caveat 'NOFORN'", "originator only"},
    {"S",
     {"NCG"},
     1,
     {"USA", "KOR", "US"},
     3,
     2,
     "unknown party or group 'US' in rel_to",
     "did you mean 'USA'?"},
    {"S", {NULL}, 0, {"usa"}, 1, 0, "unknown party or group 'usa'", "did you mean 'USA'?"},
    {"S", {NULL}, 0, {"FVEY", "FVEY"}, 2, 1, "duplicate 'FVEY' in rel_to", NULL},
    {"S", {NULL}, 0, {"NOFORN"}, 1, 0, "NOFORN cannot be combined with rel_to", NULL},
    {"S", {NULL}, 0, {"USA", "\xd0\x9aOR"}, 2, 1, "unknown party or group", "looks like 'K'"},
    {"S", {NULL}, 0, {"CAVEAT"}, 1, 0, "unknown party or group", NULL},
};

Test(label_build, rejects_table, .init = setup, .fini = teardown)
{
    for (size_t i = 0; i < sizeof BUILD_REJECT / sizeof *BUILD_REJECT; i++) {
        const struct build_case *c = &BUILD_REJECT[i];
        cc_label l;
        cc_label_error e;
        int bad = 99;
        cc_err rc = cc_label_build(P, c->cls, c->caveats, c->ncaveats, c->nrel ? c->rel : NULL, c->nrel, USA,
                                   &l, &e, &bad);
        cr_expect_eq(rc, CC_ERR_INVALID, "case %zu", i);
        cr_expect_eq(bad, c->bad, "case %zu: bad_index %d", i, bad);
        cr_expect(strstr(e.message, c->message), "case %zu: '%s'", i, e.message);
        if (c->hint)
            cr_expect(strstr(e.hint, c->hint), "case %zu: hint '%s'", i, e.hint);
        /* scenario_load picks the array by the word "caveat" in the message */
        cr_expect_eq(strstr(e.message, "caveat") != NULL, c->nrel == 0 && c->bad >= 0, "case %zu: '%s'", i,
                     e.message);
        cr_expect_eq(e.col, 0);
        cr_expect_eq(l.cls, -1);
    }
    cc_label l;
    cr_expect_eq(cc_label_build(P, "S", NULL, 0, NULL, 0, NPARTIES, &l, NULL, NULL), CC_ERR_ARG);
    cr_expect_eq(cc_label_build(P, NULL, NULL, 0, NULL, 0, 0, &l, NULL, NULL), CC_ERR_INVALID);
    cr_expect_eq(cc_label_build(P, "S", NULL, 2, NULL, 0, 0, &l, NULL, NULL), CC_ERR_ARG);
}

/* ---- format --------------------------------------------------------------------------------- */

Test(label_format, canonical_banners, .init = setup, .fini = teardown)
{
    static const char *const cases[][2] = {
        {"S//REL TO USA, KOR", "SECRET//REL TO KOR, USA"},
        {"TS//BRAVO/NCG//REL TO FVEY", "TOP SECRET//NCG/BRAVO//REL TO AUS, CAN, GBR, NZL, USA"},
        {"SECRET//REL TO FVEY, USA", "SECRET//REL TO AUS, CAN, GBR, NZL, USA"},
        {"S", "SECRET"},
        {"S//NOFORN", "SECRET//NOFORN"},
        {"C//ALPHA//NOFORN", "CONFIDENTIAL//ALPHA//NOFORN"},
        {"U//REL TO ALLIANCE", "UNCLASSIFIED//REL TO KOR, USA"},
        {"SECRET//NCG//REL TO USA, KOR", "SECRET//NCG//REL TO KOR, USA"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cc_label l = parse_ok(cases[i][0], USA);
        char buf[256];
        int n = cc_label_format(P, &l, buf, sizeof buf);
        cr_expect_str_eq(buf, cases[i][1]);
        cr_expect_eq(n, (int)strlen(cases[i][1]));
        /* the canonical form is a fixed point */
        cc_label again = parse_ok(buf, USA);
        cr_expect(same_label(&l, &again), "%s", buf);
    }
}

Test(label_format, empty_rel_to_and_invalid_labels, .init = setup, .fini = teardown)
{
    cc_label l;
    const char *none[1] = {NULL};
    cr_assert_eq(cc_label_build(P, "SECRET", NULL, 0, none, 0, USA, &l, NULL, NULL), CC_OK);
    char buf[64];
    cc_label_format(P, &l, buf, sizeof buf);
    cr_expect_str_eq(buf, "SECRET//REL TO");
    cc_label back;
    cc_label_error e;
    cr_expect_eq(cc_label_parse(P, buf, strlen(buf), USA, &back, &e), CC_ERR_PARSE,
                 "empty REL TO has no banner");
    cr_expect(strstr(e.message, "empty REL TO"));

    cc_label bad = parse_ok("SECRET//REL TO USA", USA);
    bad.cls = -1;
    cc_label_format(P, &bad, buf, sizeof buf);
    cr_expect_str_eq(buf, "(invalid label)");
    bad = parse_ok("SECRET//REL TO USA", USA);
    bad.noforn = true;
    cc_label_format(P, &bad, buf, sizeof buf);
    cr_expect_str_eq(buf, "(invalid label)", "NOFORN with REL TO");
    bad = parse_ok("SECRET", USA);
    bad.cls = 4;
    cc_label_format(P, &bad, buf, sizeof buf);
    cr_expect_str_eq(buf, "(invalid label)", "rank beyond the policy");
    bad = parse_ok("SECRET", USA);
    bad.caveats = (uint64_t)1 << 5;
    cc_label_format(P, &bad, buf, sizeof buf);
    cr_expect_str_eq(buf, "(invalid label)", "caveat beyond the policy");
    bad = parse_ok("SECRET//REL TO USA", USA);
    cc_partyset_add(&bad.rel_to, 200);
    cc_label_format(P, &bad, buf, sizeof buf);
    cr_expect_str_eq(buf, "(invalid label)", "party beyond the policy");
    cc_label other = parse_ok("SECRET", USA);
    cc_label_format(Q, &other, buf, sizeof buf);
    cr_expect_str_eq(buf, "(invalid label)", "label of another policy");
    cc_label_format(P, NULL, buf, sizeof buf);
    cr_expect_str_eq(buf, "(invalid label)");
}

Test(label_format, truncates_like_snprintf, .init = setup, .fini = teardown)
{
    cc_label l = parse_ok("SECRET//REL TO USA, KOR", USA);
    const char *want = "SECRET//REL TO KOR, USA";
    char buf[8];
    memset(buf, 'x', sizeof buf);
    cr_expect_eq(cc_label_format(P, &l, buf, 4), (int)strlen(want));
    cr_expect_str_eq(buf, "SEC");
    cr_expect_eq(buf[4], 'x', "nothing written past size");
    cr_expect_eq(cc_label_format(P, &l, NULL, 0), (int)strlen(want));
    cr_expect_eq(cc_label_format(P, &l, buf, 1), (int)strlen(want));
    cr_expect_str_empty(buf);
}

/* A random valid label of P (or of policy pol): any class, caveats, release form, originator. */
static cc_label random_label(const cc_label_policy *pol, uint64_t *rng)
{
    cc_label l;
    memset(&l, 0, sizeof l);
    l.policy_hash = cc_label_policy_hash(pol);
    l.cls = (int16_t)rand_below(rng, cc_label_policy_nclasses(pol));
    size_t nc = cc_label_policy_ncaveats(pol);
    l.caveats = next_rand(rng) & (nc >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << nc) - 1));
    size_t np = cc_label_policy_nparties(pol);
    l.originator = (int16_t)((int)rand_below(rng, np + 1) - 1);
    switch (rand_below(rng, 4)) {
    case 0: break; /* originator only */
    case 1: l.noforn = true; break;
    default:
        l.has_rel_to = true;
        for (size_t i = 0; i < np; i++)
            if (next_rand(rng) & 1)
                cc_partyset_add(&l.rel_to, (int)i);
        if (cc_partyset_empty(&l.rel_to))
            cc_partyset_add(&l.rel_to, (int)rand_below(rng, np));
    }
    return l;
}

Test(label_format, round_trips_random_labels, .init = setup, .fini = teardown)
{
    uint64_t rng = 42;
    char buf[CC_LABEL_BANNER_MAX + 1];
    for (int i = 0; i < 100000; i++) {
        cc_label l = random_label(P, &rng), back;
        cc_label_error e;
        int n = cc_label_format(P, &l, buf, sizeof buf);
        cr_assert_lt(n, (int)sizeof buf);
        cr_assert_eq(cc_label_parse(P, buf, (size_t)n, l.originator, &back, &e), CC_OK, "'%s': %s", buf,
                     e.message);
        cr_assert(same_label(&l, &back), "'%s' did not round-trip", buf);
    }
}

/* 256 parties, 64 caveats, 16 classes, 64 groups: the largest policy still round-trips. */
Test(label_format, round_trips_in_the_largest_policy)
{
    cc_label_policy *big;
    const char *why = NULL;
    char name[24];
    cr_assert_eq(cc_label_policy_new("big", &big), CC_OK);
    for (int i = 0; i < CC_LABEL_MAX_CLASSES; i++) {
        char sh[8];
        snprintf(name, sizeof name, "LEVEL %c", 'A' + i);
        snprintf(sh, sizeof sh, "L%c", 'A' + i);
        cr_assert_eq(cc_label_policy_add_class(big, name, sh, &why), CC_OK, "%s", why);
    }
    for (int i = 0; i < CC_LABEL_MAX_CAVEATS; i++) {
        snprintf(name, sizeof name, "CV-%02d", i);
        cr_assert_eq(cc_label_policy_add_caveat(big, name, &why), CC_OK);
    }
    /* codes added in an order unlike their alphabetical one */
    for (int i = 0; i < CC_LABEL_MAX_PARTIES; i++) {
        int k = (i * 37) % CC_LABEL_MAX_PARTIES;
        snprintf(name, sizeof name, "%c%c%c", 'A' + k / 26 % 26, 'A' + k % 26, 'A' + (k * 7) % 26);
        cr_assert_eq(cc_label_policy_add_party(big, name, &why), CC_OK, "%s: %s", name, why);
    }
    for (int g = 0; g < CC_LABEL_MAX_GROUPS; g++) {
        const char *m[4];
        for (int j = 0; j < 4; j++)
            m[j] = cc_label_policy_party_code(big, (g * 4 + j) % CC_LABEL_MAX_PARTIES);
        snprintf(name, sizeof name, "GROUP%d", g);
        cr_assert_eq(cc_label_policy_add_group(big, name, m, 4, &why), CC_OK, "%s", why);
    }
    uint64_t rng = 7;
    char buf[CC_LABEL_BANNER_MAX + 1];
    for (int i = 0; i < 20000; i++) {
        cc_label l = random_label(big, &rng), back;
        cc_label_error e;
        if (i == 0) { /* everything at once */
            l.caveats = ~(uint64_t)0;
            l.has_rel_to = true;
            l.noforn = false;
            memset(&l.rel_to, 0xFF, sizeof l.rel_to);
        }
        int n = cc_label_format(big, &l, buf, sizeof buf);
        cr_assert_lt(n, (int)sizeof buf);
        cr_assert_eq(cc_label_parse(big, buf, (size_t)n, l.originator, &back, &e), CC_OK, "col %d: %s", e.col,
                     e.message);
        cr_assert(same_label(&l, &back), "'%s' did not round-trip", buf);
    }
    /* REL TO sorted by code across all 256 */
    cc_label all;
    cr_assert_eq(cc_label_parse(big, "LA//REL TO GROUP0", 17, 0, &all, NULL), CC_OK);
    memset(&all.rel_to, 0xFF, sizeof all.rel_to);
    cc_label_format(big, &all, buf, sizeof buf);
    const char *prev = strstr(buf, "REL TO ") + 7;
    for (const char *c = strstr(prev, ", "); c; prev = c + 2, c = strstr(prev, ", "))
        cr_assert_lt(strncmp(prev, c + 2, 3), 0, "not sorted near '%.12s'", prev);
    cc_label_policy_free(big);
}

/* ---- the access rule ------------------------------------------------------------------------ */

Test(label_check, deny_reasons_table, .init = setup, .fini = teardown)
{
    static const struct {
        const char *banner;
        int originator;
        int cls, party;
        const char *held;
        cc_deny want;
    } cases[] = {
        {"SECRET//REL TO USA", USA, 2, USA, "", CC_DENY_NONE},
        {"SECRET//REL TO USA", USA, 3, USA, "", CC_DENY_NONE}, /* dominance, not equality */
        {"SECRET//REL TO USA", USA, 1, USA, "", CC_DENY_CLASS},
        {"SECRET//REL TO USA", USA, -1, USA, "", CC_DENY_CLASS}, /* no clearance */
        {"SECRET//REL TO USA", USA, 2, KOR, "", CC_DENY_RELEASABILITY},
        {"SECRET//NCG//REL TO USA", USA, 2, USA, "", CC_DENY_CAVEAT},
        {"SECRET//NCG//REL TO USA", USA, 2, USA, "NCG", CC_DENY_NONE},
        {"SECRET//NCG/ALPHA//REL TO USA", USA, 2, USA, "NCG", CC_DENY_CAVEAT},
        {"SECRET//NCG/ALPHA//REL TO USA", USA, 2, USA, "ALPHA BRAVO NCG", CC_DENY_NONE},
        {"TS//NCG//REL TO KOR", USA, 2, USA, "", CC_DENY_CLASS}, /* class checked before caveat */
        {"SECRET//NCG//REL TO KOR", USA, 2, USA, "", CC_DENY_CAVEAT},
        /* no REL TO: the originator only */
        {"SECRET", USA, 2, USA, "", CC_DENY_NONE},
        {"SECRET", USA, 2, KOR, "", CC_DENY_RELEASABILITY},
        {"SECRET", -1, 3, USA, "", CC_DENY_RELEASABILITY},
        {"SECRET", -1, 3, -1, "", CC_DENY_RELEASABILITY}, /* -1 never matches -1 */
        {"SECRET//NOFORN", KOR, 2, KOR, "", CC_DENY_NONE},
        {"SECRET//NOFORN", KOR, 3, USA, "", CC_DENY_RELEASABILITY},
        /* REL TO does not include the originator unless listed */
        {"SECRET//REL TO KOR", USA, 2, USA, "", CC_DENY_RELEASABILITY},
        /* groups expand */
        {"SECRET//REL TO FVEY", USA, 2, GBR, "", CC_DENY_NONE},
        {"SECRET//REL TO FVEY", USA, 2, NZL, "", CC_DENY_NONE},
        {"SECRET//REL TO FVEY", USA, 2, KOR, "", CC_DENY_RELEASABILITY},
        {"SECRET//REL TO FVEY", USA, 2, JPN, "", CC_DENY_RELEASABILITY},
        {"SECRET//REL TO FVEY", USA, 2, -1, "", CC_DENY_RELEASABILITY},
        {"SECRET//REL TO FVEY", USA, 2, 300, "", CC_DENY_RELEASABILITY},
        {"UNCLASSIFIED//REL TO ALLIANCE", KOR, 0, KOR, "", CC_DENY_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cc_label l = parse_ok(cases[i].banner, cases[i].originator);
        cc_clearance c = seat(P, cases[i].cls, cases[i].party, caveats_of(cases[i].held));
        cc_deny d = cc_label_check(&l, &c);
        cr_expect_eq(d, cases[i].want, "case %zu %s: got %s", i, cases[i].banner, cc_deny_str(d));
        cr_expect_eq(cc_label_permits(&l, &c), cases[i].want == CC_DENY_NONE);
    }
}

Test(label_check, missing_vs_empty_rel_to, .init = setup, .fini = teardown)
{
    cc_label missing, empty;
    const char *none[1] = {NULL};
    cr_assert_eq(cc_label_build(P, "U", NULL, 0, NULL, 0, KOR, &missing, NULL, NULL), CC_OK);
    cr_assert_eq(cc_label_build(P, "U", NULL, 0, none, 0, KOR, &empty, NULL, NULL), CC_OK);
    for (int party = -1; party < NPARTIES; party++) {
        cc_clearance c = seat(P, 3, party, ~(uint64_t)0);
        cr_expect_eq(cc_label_permits(&missing, &c), party == KOR, "missing REL TO, party %d", party);
        cr_expect_eq(cc_label_check(&empty, &c), CC_DENY_RELEASABILITY, "empty REL TO, party %d", party);
    }
    cc_partyset r;
    cc_label_releasable(&missing, &r);
    cr_expect_eq(cc_partyset_count(&r), 1);
    cr_expect(cc_partyset_has(&r, KOR));
    cc_label_releasable(&empty, &r);
    cr_expect(cc_partyset_empty(&r));
}

Test(label_check, policy_mismatch_and_invalid_labels, .init = setup, .fini = teardown)
{
    cc_label l = parse_ok("UNCLASSIFIED//REL TO USA", USA);
    cc_clearance mine = seat(P, 3, USA, ~(uint64_t)0), theirs = seat(Q, 3, USA, ~(uint64_t)0);
    cr_expect_eq(cc_label_check(&l, &mine), CC_DENY_NONE);
    cr_expect_eq(cc_label_check(&l, &theirs), CC_DENY_POLICY);
    cc_label bad = l;
    bad.cls = -1;
    cr_expect_eq(cc_label_check(&bad, &mine), CC_DENY_INVALID, "unlabelled");
    cr_expect_eq(cc_label_check(&bad, &theirs), CC_DENY_INVALID, "invalid comes first");
    bad = l;
    bad.noforn = true;
    cr_expect_eq(cc_label_check(&bad, &mine), CC_DENY_INVALID, "NOFORN with REL TO is malformed");
    bad = parse_ok("SECRET", USA);
    bad.originator = 300;
    cr_expect_eq(cc_label_check(&bad, &mine), CC_DENY_INVALID);
    cr_expect_eq(cc_label_check(NULL, &mine), CC_DENY_INVALID);
    cr_expect_eq(cc_label_check(&l, NULL), CC_DENY_INVALID);
    /* a zero-initialised label (UNCLASSIFIED, originator-only to party 0) has policy hash 0,
     * which no policy has: it is denied to every seat */
    cc_label zero;
    memset(&zero, 0, sizeof zero);
    cr_expect_neq(cc_label_policy_hash(P), 0u);
    cr_expect_eq(cc_label_check(&zero, &mine), CC_DENY_POLICY);
    const char *names[] = {cc_deny_str(CC_DENY_NONE),   cc_deny_str(CC_DENY_INVALID),
                           cc_deny_str(CC_DENY_POLICY), cc_deny_str(CC_DENY_CLASS),
                           cc_deny_str(CC_DENY_CAVEAT), cc_deny_str(CC_DENY_RELEASABILITY)};
    for (size_t i = 0; i < 6; i++)
        for (size_t j = i + 1; j < 6; j++)
            cr_expect_str_neq(names[i], names[j]);
}

/* ---- reference model: plain strings and booleans, no bitsets, no policy object -------------- */

enum ref_release { REF_ORIGINATOR_ONLY, REF_NOFORN, REF_REL_TO };

typedef struct ref_label {
    bool labelled;
    const char *policy; /* policy id */
    const char *cls;    /* name or short, as written */
    const char *caveats[NCAVEATS];
    size_t ncaveats;
    enum ref_release release;
    const char *rel[NPARTIES + NGROUPS]; /* party codes and group names */
    size_t nrel;
    const char *originator; /* NULL: none */
} ref_label;

typedef struct ref_seat {
    const char *policy;
    const char *clearance; /* NULL: none */
    const char *party;     /* NULL: none */
    bool holds[NCAVEATS];  /* by position in CAVEATS */
} ref_seat;

static int ref_rank(const char *cls)
{
    for (int i = 0; i < NCLASSES; i++)
        if (strcmp(cls, CLASSES[i][0]) == 0 || strcmp(cls, CLASSES[i][1]) == 0)
            return i;
    return -1;
}

static bool ref_holds(const ref_seat *s, const char *caveat)
{
    for (int i = 0; i < NCAVEATS; i++)
        if (strcmp(CAVEATS[i], caveat) == 0)
            return s->holds[i];
    return false;
}

static bool ref_entry_names(const char *entry, const char *party)
{
    if (strcmp(entry, party) == 0)
        return true;
    for (int g = 0; g < NGROUPS; g++) {
        if (strcmp(GROUPS[g].name, entry) != 0)
            continue;
        for (size_t m = 0; m < GROUPS[g].n; m++)
            if (strcmp(GROUPS[g].members[m], party) == 0)
                return true;
    }
    return false;
}

static cc_deny ref_check(const ref_label *l, const ref_seat *s)
{
    if (!l->labelled)
        return CC_DENY_INVALID;
    if (strcmp(l->policy, s->policy) != 0)
        return CC_DENY_POLICY;
    if (!s->clearance || ref_rank(s->clearance) < ref_rank(l->cls))
        return CC_DENY_CLASS;
    for (size_t i = 0; i < l->ncaveats; i++)
        if (!ref_holds(s, l->caveats[i]))
            return CC_DENY_CAVEAT;
    if (!s->party)
        return CC_DENY_RELEASABILITY;
    if (l->release != REF_REL_TO)
        return l->originator && strcmp(l->originator, s->party) == 0 ? CC_DENY_NONE : CC_DENY_RELEASABILITY;
    for (size_t i = 0; i < l->nrel; i++)
        if (ref_entry_names(l->rel[i], s->party))
            return CC_DENY_NONE;
    return CC_DENY_RELEASABILITY;
}

static void ref_random_label(ref_label *l, uint64_t *rng)
{
    memset(l, 0, sizeof *l);
    l->labelled = rand_below(rng, 20) != 0;
    l->policy = rand_below(rng, 20) ? "ttx" : "other";
    l->cls = CLASSES[rand_below(rng, NCLASSES)][rand_below(rng, 2)];
    /* caveats: a random subset in a random order */
    size_t order[NCAVEATS] = {0, 1, 2};
    for (size_t i = NCAVEATS; i > 1; i--) {
        size_t j = rand_below(rng, i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < NCAVEATS; i++)
        if (rand_below(rng, 3) == 0)
            l->caveats[l->ncaveats++] = CAVEATS[order[i]];
    size_t o = rand_below(rng, NPARTIES + 1);
    l->originator = o < NPARTIES ? PARTIES[o] : NULL;
    size_t r = rand_below(rng, 8);
    l->release = r == 0 ? REF_ORIGINATOR_ONLY : r == 1 ? REF_NOFORN : REF_REL_TO;
    if (l->release == REF_REL_TO) {
        size_t want = rand_below(rng, 4); /* 0..3 entries; 0 is an empty REL TO */
        while (l->nrel < want) {
            size_t k = rand_below(rng, NPARTIES + NGROUPS);
            const char *e = k < NPARTIES ? PARTIES[k] : GROUPS[k - NPARTIES].name;
            bool dup = false;
            for (size_t i = 0; i < l->nrel; i++)
                dup |= strcmp(l->rel[i], e) == 0;
            if (!dup)
                l->rel[l->nrel++] = e;
        }
    }
}

/* The implementation's label for a reference label: by cc_label_build, or by parsing a banner
 * the test writes itself (NOFORN exists only in banners, an empty REL TO only in maps). */
static cc_label to_label(const ref_label *r, bool use_parser)
{
    const cc_label_policy *pol = strcmp(r->policy, "ttx") == 0 ? P : Q;
    int orig = r->originator ? cc_label_policy_party(pol, r->originator) : -1;
    cc_label l;
    cc_label_error e;
    if (r->release == REF_NOFORN || (use_parser && !(r->release == REF_REL_TO && r->nrel == 0))) {
        char banner[256];
        size_t n = (size_t)snprintf(banner, sizeof banner, "%s", r->cls);
        for (size_t i = 0; i < r->ncaveats; i++)
            n += (size_t)snprintf(banner + n, sizeof banner - n, "%s%s", i ? "/" : "//", r->caveats[i]);
        if (r->release == REF_NOFORN)
            n += (size_t)snprintf(banner + n, sizeof banner - n, "//NOFORN");
        for (size_t i = 0; r->release == REF_REL_TO && i < r->nrel; i++)
            n += (size_t)snprintf(banner + n, sizeof banner - n, "%s%s", i ? ", " : "//REL TO ", r->rel[i]);
        cr_assert_eq(cc_label_parse(pol, banner, n, orig, &l, &e), CC_OK, "'%s': %s", banner, e.message);
    } else {
        cr_assert_eq(cc_label_build(pol, r->cls, r->caveats, r->ncaveats,
                                    r->release == REF_REL_TO ? r->rel : NULL, r->nrel, orig, &l, &e, NULL),
                     CC_OK, "%s", e.message);
    }
    if (!r->labelled)
        l.cls = -1;
    return l;
}

static void ref_random_seat(ref_seat *s, uint64_t *rng)
{
    s->policy = rand_below(rng, 20) ? "ttx" : "other";
    size_t c = rand_below(rng, NCLASSES + 1);
    s->clearance = c < NCLASSES ? CLASSES[c][rand_below(rng, 2)] : NULL;
    size_t p = rand_below(rng, NPARTIES + 1);
    s->party = p < NPARTIES ? PARTIES[p] : NULL;
    for (size_t i = 0; i < NCAVEATS; i++)
        s->holds[i] = rand_below(rng, 3) != 0;
}

static cc_clearance to_clearance(const ref_seat *s)
{
    const cc_label_policy *pol = strcmp(s->policy, "ttx") == 0 ? P : Q;
    cc_clearance c = {cc_label_policy_hash(pol), -1, -1, 0};
    if (s->clearance)
        c.cls = (int16_t)cc_label_policy_class(pol, s->clearance);
    if (s->party)
        c.party = (int16_t)cc_label_policy_party(pol, s->party);
    for (size_t i = 0; i < NCAVEATS; i++)
        if (s->holds[i])
            c.caveats |= (uint64_t)1 << cc_label_policy_caveat(pol, CAVEATS[i]);
    return c;
}

Test(label_property, check_matches_reference_on_a_million_pairs, .init = setup, .fini = teardown)
{
    uint64_t rng = 0x5EED5EED5EEDu;
    const size_t labels = 62500, seats_per_label = 16; /* 1,000,000 pairs */
    size_t counts[CC_DENY_RELEASABILITY + 1] = {0};
    for (size_t i = 0; i < labels; i++) {
        ref_label r;
        ref_random_label(&r, &rng);
        cc_label l = to_label(&r, i % 2 == 0);
        for (size_t k = 0; k < seats_per_label; k++) {
            ref_seat s;
            ref_random_seat(&s, &rng);
            cc_clearance c = to_clearance(&s);
            cc_deny want = ref_check(&r, &s), got = cc_label_check(&l, &c);
            if (got != want)
                cr_assert_fail(
                    "pair %zu: got %s, reference %s (label cls %s, %zu caveats, release %d, %zu rel, "
                    "orig %s; seat %s %s %s)",
                    i * seats_per_label + k, cc_deny_str(got), cc_deny_str(want), r.cls, r.ncaveats,
                    (int)r.release, r.nrel, r.originator ? r.originator : "-",
                    s.clearance ? s.clearance : "-", s.party ? s.party : "-", s.policy);
            counts[got]++;
        }
    }
    /* every outcome was exercised often */
    for (int d = 0; d <= CC_DENY_RELEASABILITY; d++)
        cr_expect_gt(counts[d], 10000, "%s: %zu", cc_deny_str((cc_deny)d), counts[d]);
}

/* ---- join ----------------------------------------------------------------------------------- */

Test(label_join, table, .init = setup, .fini = teardown)
{
    static const struct {
        const char *a;
        int ao;
        const char *b;
        int bo;
        const char *want; /* formatted */
        int orig;
        bool has_rel_to, noforn;
    } cases[] = {
        {"S//REL TO USA, KOR", USA, "C//NCG//REL TO KOR, JPN", KOR, "SECRET//NCG//REL TO KOR", -1, true,
         false},
        {"U//ALPHA//REL TO FVEY", USA, "TS//NCG//REL TO ALLIANCE", USA, "TOP SECRET//NCG/ALPHA//REL TO USA",
         USA, true, false},
        {"S", USA, "C//NCG", USA, "SECRET//NCG", USA, false, false},
        {"S//NOFORN", USA, "C", USA, "SECRET//NOFORN", USA, false, true},
        {"S", USA, "S", KOR, "SECRET//REL TO", -1, true, false},
        {"S", USA, "S//REL TO USA, KOR", KOR, "SECRET//REL TO USA", -1, true, false},
        {"S//NOFORN", KOR, "S//REL TO FVEY", KOR, "SECRET//REL TO", KOR, true, false},
        {"S//REL TO FVEY", USA, "S//REL TO JPN", USA, "SECRET//REL TO", USA, true, false},
        {"S", -1, "S", -1, "SECRET", -1, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cc_label a = parse_ok(cases[i].a, cases[i].ao), b = parse_ok(cases[i].b, cases[i].bo), j;
        cr_assert_eq(cc_label_join(&a, &b, &j), CC_OK);
        char buf[128];
        cc_label_format(P, &j, buf, sizeof buf);
        cr_expect_str_eq(buf, cases[i].want, "case %zu", i);
        cr_expect_eq(j.originator, cases[i].orig, "case %zu", i);
        cr_expect_eq(j.has_rel_to, cases[i].has_rel_to, "case %zu", i);
        cr_expect_eq(j.noforn, cases[i].noforn, "case %zu", i);
        cc_label j2;
        cr_assert_eq(cc_label_join(&b, &a, &j2), CC_OK);
        cc_partyset r1, r2;
        cc_label_releasable(&j, &r1);
        cc_label_releasable(&j2, &r2);
        cr_expect_eq(memcmp(&r1, &r2, sizeof r1), 0, "case %zu: join is symmetric in who may read", i);
        cr_expect(cc_label_dominates(&j, &a) && cc_label_dominates(&j, &b), "case %zu: join dominates", i);
    }
}

Test(label_join, refuses_mixed_policies_and_invalid_labels, .init = setup, .fini = teardown)
{
    cc_label a = parse_ok("S//REL TO USA", USA), b, j;
    cr_assert_eq(cc_label_parse(Q, "S//REL TO USA", 13, USA, &b, NULL), CC_OK);
    j = a;
    cr_expect_eq(cc_label_join(&a, &b, &j), CC_ERR_INVALID);
    cr_expect_eq(j.cls, -1, "the result of a refused join denies");
    cc_label bad = a;
    bad.cls = -1;
    cr_expect_eq(cc_label_join(&a, &bad, &j), CC_ERR_INVALID);
    bad = a;
    bad.noforn = true;
    cr_expect_eq(cc_label_join(&bad, &a, &j), CC_ERR_INVALID);
    cr_expect_eq(cc_label_join(NULL, &a, &j), CC_ERR_ARG);
    /* out may alias an input */
    cc_label c = parse_ok("TS//NCG//REL TO USA, KOR", USA);
    cr_assert_eq(cc_label_join(&a, &c, &a), CC_OK);
    char buf[64];
    cc_label_format(P, &a, buf, sizeof buf);
    cr_expect_str_eq(buf, "TOP SECRET//NCG//REL TO USA");
}

/* A seat may read the join exactly when it may read both sources: never widened, and no
 * narrower than it must be. Checked against the reference model. */
Test(label_property, join_readers_are_the_intersection, .init = setup, .fini = teardown)
{
    uint64_t rng = 0xA11CEu;
    for (int i = 0; i < 50000; i++) {
        ref_label ra, rb;
        ref_random_label(&ra, &rng);
        ref_random_label(&rb, &rng);
        ra.labelled = rb.labelled = true;
        ra.policy = rb.policy = "ttx";
        cc_label a = to_label(&ra, i & 1), b = to_label(&rb, i & 2), j;
        cr_assert_eq(cc_label_join(&a, &b, &j), CC_OK);
        cr_assert(cc_label_dominates(&j, &a) && cc_label_dominates(&j, &b));
        for (int k = 0; k < 8; k++) {
            ref_seat s;
            ref_random_seat(&s, &rng);
            cc_clearance c = to_clearance(&s);
            bool want = ref_check(&ra, &s) == CC_DENY_NONE && ref_check(&rb, &s) == CC_DENY_NONE;
            cr_assert_eq(cc_label_permits(&j, &c), want, "pair %d seat %d", i, k);
        }
    }
}

/* ---- dominance ------------------------------------------------------------------------------ */

Test(label_dominates, cases, .init = setup, .fini = teardown)
{
    static const struct {
        const char *a;
        int ao;
        const char *b;
        int bo;
        bool want;
    } cases[] = {
        {"S//REL TO USA", USA, "C//REL TO USA, KOR", USA, true},
        {"C//REL TO USA", USA, "S//REL TO USA", USA, false},      /* lower class */
        {"S//NCG//REL TO USA", USA, "S//REL TO USA", USA, true},  /* more caveats */
        {"S//REL TO USA", USA, "S//NCG//REL TO USA", USA, false}, /* fewer caveats */
        {"S//REL TO USA, KOR", USA, "S//REL TO USA", USA, false}, /* wider release */
        {"S//REL TO FVEY", USA, "S//REL TO USA, GBR", USA, false},
        {"S//REL TO USA, GBR", USA, "S//REL TO FVEY", USA, true},
        {"S", USA, "S//REL TO USA", KOR, true}, /* originator only = {USA} */
        {"S//NOFORN", USA, "S", USA, true},
        {"S", USA, "S//NOFORN", USA, true},
        {"S", USA, "S", KOR, false},
        {"S", -1, "TS//NCG", KOR, true}, /* nobody reads a */
        {"TS//NCG/ALPHA/BRAVO//REL TO FVEY", USA, "U//REL TO FVEY, KOR", KOR, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cc_label a = parse_ok(cases[i].a, cases[i].ao), b = parse_ok(cases[i].b, cases[i].bo);
        cr_expect_eq(cc_label_dominates(&a, &b), cases[i].want, "case %zu: %s over %s", i, cases[i].a,
                     cases[i].b);
        cr_expect(cc_label_dominates(&a, &a), "case %zu: reflexive", i);
    }
    cc_label a = parse_ok("S//REL TO USA", USA), other, bad;
    cr_assert_eq(cc_label_parse(Q, "S//REL TO USA", 13, USA, &other, NULL), CC_OK);
    cr_expect(!cc_label_dominates(&a, &other), "another policy");
    bad = a;
    bad.cls = -1;
    cr_expect(!cc_label_dominates(&a, &bad), "a readable label does not dominate an invalid one");
    cr_expect(cc_label_dominates(&bad, &a), "nobody reads an invalid label");
    cr_expect(!cc_label_dominates(NULL, &a));
}

/* dominates(a, b) is exactly "every clearance that reads a reads b", enumerated over every
 * distinct clearance of both policies. */
Test(label_property, dominates_matches_enumeration, .init = setup, .fini = teardown)
{
    enum { NSEATS = 2 * (NCLASSES + 1) * (NPARTIES + 1) * (1 << NCAVEATS) };
    static cc_clearance seats[NSEATS];
    size_t n = 0;
    for (int pol = 0; pol < 2; pol++)
        for (int cls = -1; cls < NCLASSES; cls++)
            for (int party = -1; party < NPARTIES; party++)
                for (uint64_t cav = 0; cav < (1u << NCAVEATS); cav++)
                    seats[n++] = seat(pol ? Q : P, cls, party, cav);
    cr_assert_eq(n, NSEATS);
    uint64_t rng = 0xD0D0u;
    size_t yes = 0;
    for (int i = 0; i < 4000; i++) {
        ref_label ra, rb;
        ref_random_label(&ra, &rng);
        ref_random_label(&rb, &rng);
        if (i % 3 == 0) { /* make dominance likely: b a loosened copy of a */
            rb = ra;
            rb.ncaveats = rb.ncaveats ? rb.ncaveats - 1 : 0;
        }
        cc_label a = to_label(&ra, i & 1), b = to_label(&rb, i & 2);
        bool want = true;
        for (size_t k = 0; k < NSEATS && want; k++)
            want = !cc_label_permits(&a, &seats[k]) || cc_label_permits(&b, &seats[k]);
        cr_assert_eq(cc_label_dominates(&a, &b), want, "pair %d", i);
        yes += want;
    }
    cr_expect_gt(yes, 500, "dominance held in %zu pairs", yes);
}

Test(label_policy, classes_have_ranks_and_display_styles)
{
    cc_label_policy *p = NULL;
    cr_assert_eq(cc_label_policy_new("styles", &p), CC_OK);
    static const char *const cls[][2] = {{"UNCLASSIFIED", "U"}, {"RESTRICTED", "R"},
                                         {"CONFIDENTIAL", "C"}, {"SECRET", "S"},
                                         {"TOP SECRET", "TS"},  {"COSMIC TOP SECRET", "CTS"}};
    static const cc_label_style want[] = {CC_LABEL_STYLE_UNCLASSIFIED, CC_LABEL_STYLE_CONFIDENTIAL,
                                          CC_LABEL_STYLE_CONFIDENTIAL, CC_LABEL_STYLE_SECRET,
                                          CC_LABEL_STYLE_TOP_SECRET,   CC_LABEL_STYLE_OTHER};
    for (int i = 0; i < 6; i++) {
        cr_assert_eq(cc_label_policy_add_class(p, cls[i][0], cls[i][1], NULL), CC_OK);
        cr_expect_eq(cc_label_policy_class_style(p, i), want[i], "%s", cls[i][0]);
    }
    /* a banner's rank is its first field's class, by name or short; anything else is none */
    cr_expect_eq(cc_label_policy_banner_rank(p, "SECRET//REL TO USA, KOR"), 3);
    cr_expect_eq(cc_label_policy_banner_rank(p, "TOP SECRET"), 4);
    cr_expect_eq(cc_label_policy_banner_rank(p, "TS//NOFORN"), 4);
    cr_expect_eq(cc_label_policy_banner_rank(p, "COSMIC TOP SECRET//X"), 5);
    cr_expect_eq(cc_label_policy_banner_rank(p, "SECRETS//X"), -1);
    cr_expect_eq(cc_label_policy_banner_rank(p, "(invalid label)"), -1);
    cr_expect_eq(cc_label_policy_banner_rank(p, ""), -1);
    cr_expect_eq(cc_label_policy_banner_rank(p, NULL), -1);
    cr_expect_eq(cc_label_policy_banner_rank(NULL, "SECRET"), -1);
    /* the scenario may give a class its style; display only: the policy's hash is unchanged */
    uint32_t h = cc_label_policy_hash(p);
    cr_expect_eq(cc_label_policy_set_class_style(p, 5, CC_LABEL_STYLE_TOP_SECRET), CC_OK);
    cr_expect_eq(cc_label_policy_class_style(p, 5), CC_LABEL_STYLE_TOP_SECRET);
    cr_expect_eq(cc_label_policy_hash(p), h);
    cr_expect_eq(cc_label_policy_set_class_style(p, 6, CC_LABEL_STYLE_SECRET), CC_ERR_ARG);
    cr_expect_eq(cc_label_policy_set_class_style(p, -1, CC_LABEL_STYLE_SECRET), CC_ERR_ARG);
    cr_expect_eq(cc_label_policy_set_class_style(p, 0, CC_LABEL_STYLE_COUNT), CC_ERR_ARG);
    cr_expect_eq(cc_label_policy_set_class_style(NULL, 0, CC_LABEL_STYLE_SECRET), CC_ERR_ARG);
    cr_expect_eq(cc_label_policy_class_style(p, 6), CC_LABEL_STYLE_OTHER);
    cr_expect_eq(cc_label_policy_class_style(p, -1), CC_LABEL_STYLE_OTHER);
    cr_expect_eq(cc_label_policy_class_style(NULL, 0), CC_LABEL_STYLE_OTHER);
    /* the names, one table */
    for (int s = 0; s < CC_LABEL_STYLE_COUNT; s++)
        cr_expect_str_eq(cc_label_style_name((cc_label_style)s), cc_label_style_names[s]);
    cr_expect_null(cc_label_style_names[CC_LABEL_STYLE_COUNT]);
    cr_expect_str_eq(cc_label_style_name(CC_LABEL_STYLE_TOP_SECRET), "top-secret");
    cr_expect_str_eq(cc_label_style_name(CC_LABEL_STYLE_COUNT), "other");
    cc_label_policy_free(p);
}
