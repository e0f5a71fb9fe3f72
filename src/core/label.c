/* label — the label policy, security labels and the deny-by-default access rule of
 * SECURITY.md: a strict banner parser with positioned errors and hints, the structured
 * (map) form, the canonical formatter, the check, and the join used for derived items. */
#include "core/label.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/suggest.h"

#define NAME_BUF (CC_LABEL_NAME_MAX + 1)
#define SUGGEST_TOKEN_MAX 64 /* longer tokens get no did-you-mean (bounds the work on errors) */
#define MSG_TOKEN_MAX 40     /* longest piece of input quoted in a message */

typedef struct lp_class {
    char name[NAME_BUF];
    char short_name[NAME_BUF];
    cc_label_style style;
} lp_class;

typedef struct lp_group {
    char name[NAME_BUF];
    cc_partyset members;
} lp_group;

struct cc_label_policy {
    char *id;
    uint32_t hash;
    size_t nclasses, ncaveats, nparties, ngroups;
    lp_class classes[CC_LABEL_MAX_CLASSES];
    char caveats[CC_LABEL_MAX_CAVEATS][NAME_BUF];
    char parties[CC_LABEL_MAX_PARTIES][NAME_BUF];
    uint16_t party_by_code[CC_LABEL_MAX_PARTIES]; /* party indices sorted by code */
    lp_group groups[CC_LABEL_MAX_GROUPS];
};

/* ---- party sets ------------------------------------------------------------------------ */

#define PARTYSET_WORDS (CC_LABEL_MAX_PARTIES / 64)

static bool party_in_range(int party)
{
    return party >= 0 && party < CC_LABEL_MAX_PARTIES;
}

void cc_partyset_clear(cc_partyset *s)
{
    memset(s, 0, sizeof *s);
}

void cc_partyset_add(cc_partyset *s, int party)
{
    if (party_in_range(party))
        s->w[party / 64] |= (uint64_t)1 << (party % 64);
}

bool cc_partyset_has(const cc_partyset *s, int party)
{
    return party_in_range(party) && (s->w[party / 64] >> (party % 64) & 1) != 0;
}

bool cc_partyset_empty(const cc_partyset *s)
{
    for (size_t i = 0; i < PARTYSET_WORDS; i++)
        if (s->w[i])
            return false;
    return true;
}

size_t cc_partyset_count(const cc_partyset *s)
{
    size_t n = 0;
    for (size_t i = 0; i < PARTYSET_WORDS; i++)
        for (uint64_t w = s->w[i]; w; w &= w - 1)
            n++;
    return n;
}

void cc_partyset_intersect(cc_partyset *dst, const cc_partyset *other)
{
    for (size_t i = 0; i < PARTYSET_WORDS; i++)
        dst->w[i] &= other->w[i];
}

static void partyset_union(cc_partyset *dst, const cc_partyset *other)
{
    for (size_t i = 0; i < PARTYSET_WORDS; i++)
        dst->w[i] |= other->w[i];
}

static bool partyset_subset(const cc_partyset *a, const cc_partyset *b)
{
    for (size_t i = 0; i < PARTYSET_WORDS; i++)
        if (a->w[i] & ~b->w[i])
            return false;
    return true;
}

/* ---- policy: names and lookups --------------------------------------------------------- */

static bool is_code_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* Checks a policy name: [A-Z0-9-]+, or words of those joined by single spaces. */
static cc_err check_name(const char *s, bool spaces, const char **why)
{
    if (!s) {
        *why = "missing name";
        return CC_ERR_ARG;
    }
    size_t n = strlen(s);
    if (n == 0) {
        *why = "empty name";
        return CC_ERR_INVALID;
    }
    if (n > CC_LABEL_NAME_MAX) {
        *why = "name longer than CC_LABEL_NAME_MAX (32) characters";
        return CC_ERR_LIMIT;
    }
    for (size_t i = 0; i < n; i++) {
        if (is_code_char(s[i]))
            continue;
        if (s[i] == ' ' && spaces && i > 0 && i + 1 < n && s[i - 1] != ' ')
            continue;
        *why = spaces ? "name must be upper-case letters, digits and '-', words separated by one space"
                      : "name must be upper-case letters, digits and '-'";
        return CC_ERR_INVALID;
    }
    return CC_OK;
}

static bool span_is(const char *name, const char *s, size_t n)
{
    return strncmp(name, s, n) == 0 && name[n] == '\0';
}

static int find_class(const cc_label_policy *p, const char *s, size_t n)
{
    for (size_t i = 0; i < p->nclasses; i++)
        if (span_is(p->classes[i].name, s, n) || span_is(p->classes[i].short_name, s, n))
            return (int)i;
    return -1;
}

static int find_caveat(const cc_label_policy *p, const char *s, size_t n)
{
    for (size_t i = 0; i < p->ncaveats; i++)
        if (span_is(p->caveats[i], s, n))
            return (int)i;
    return -1;
}

/* Compares a NUL-terminated name with the n bytes at s, like strcmp. */
static int cmp_span(const char *name, const char *s, size_t n)
{
    int c = strncmp(name, s, n);
    return c ? c : (unsigned char)name[n];
}

/* Binary search over the code-sorted index: REL TO lists may name every party. */
static int find_party(const cc_label_policy *p, const char *s, size_t n)
{
    size_t lo = 0, hi = p->nparties;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int idx = p->party_by_code[mid];
        int c = cmp_span(p->parties[idx], s, n);
        if (c == 0)
            return idx;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int find_group(const cc_label_policy *p, const char *s, size_t n)
{
    for (size_t i = 0; i < p->ngroups; i++)
        if (span_is(p->groups[i].name, s, n))
            return (int)i;
    return -1;
}

/* ---- policy: hash ---------------------------------------------------------------------- */

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

static uint32_t fnv_bytes(uint32_t h, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= FNV_PRIME;
    }
    return h;
}

static uint32_t fnv_u32(uint32_t h, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    return fnv_bytes(h, b, sizeof b);
}

static uint32_t fnv_str(uint32_t h, const char *s)
{
    size_t n = strlen(s);
    return fnv_bytes(fnv_u32(h, (uint32_t)n), s, n);
}

static uint32_t fnv_tag(uint32_t h, char tag)
{
    return fnv_bytes(h, &tag, 1);
}

/* The serialisation is documented at cc_label_policy_hash in label.h; keep them in step. */
static void rehash(cc_label_policy *p)
{
    static const char magic[] = "caucus-label-policy/1";
    uint32_t h = fnv_bytes(FNV_OFFSET, magic, sizeof magic - 1);
    h = fnv_str(fnv_tag(h, 'I'), p->id);
    for (size_t i = 0; i < p->nclasses; i++)
        h = fnv_str(fnv_str(fnv_tag(h, 'C'), p->classes[i].name), p->classes[i].short_name);
    for (size_t i = 0; i < p->ncaveats; i++)
        h = fnv_str(fnv_tag(h, 'V'), p->caveats[i]);
    for (size_t i = 0; i < p->nparties; i++)
        h = fnv_str(fnv_tag(h, 'P'), p->parties[i]);
    for (size_t g = 0; g < p->ngroups; g++) {
        const cc_partyset *m = &p->groups[g].members;
        h = fnv_u32(fnv_str(fnv_tag(h, 'G'), p->groups[g].name), (uint32_t)cc_partyset_count(m));
        for (int i = 0; i < CC_LABEL_MAX_PARTIES; i++) {
            if (!cc_partyset_has(m, i))
                continue;
            unsigned char b[2] = {(unsigned char)i, (unsigned char)(i >> 8)};
            h = fnv_bytes(h, b, sizeof b);
        }
    }
    p->hash = h ? h : 1; /* never 0: a zero-initialised label or clearance matches no policy */
}

/* ---- policy: construction -------------------------------------------------------------- */

cc_err cc_label_policy_new(const char *id, cc_label_policy **out)
{
    if (!out)
        return CC_ERR_ARG;
    *out = NULL;
    if (!id || !*id)
        return CC_ERR_ARG;
    cc_label_policy *p = calloc(1, sizeof *p);
    if (!p)
        return CC_ERR_NOMEM;
    p->id = strdup(id);
    if (!p->id) {
        free(p);
        return CC_ERR_NOMEM;
    }
    rehash(p);
    *out = p;
    return CC_OK;
}

void cc_label_policy_free(cc_label_policy *p)
{
    if (!p)
        return;
    free(p->id);
    free(p);
}

static cc_err fail(const char **why, const char *msg, cc_err rc)
{
    if (why)
        *why = msg;
    return rc;
}

/* A name that may be used in REL TO or as a caveat must not collide across namespaces. */
static bool is_class_word(const cc_label_policy *p, const char *s)
{
    return find_class(p, s, strlen(s)) >= 0;
}

/* The style a classification's name conventionally has (the colours of classification banners). */
static cc_label_style conventional_style(const char *name)
{
    static const struct {
        const char *name;
        cc_label_style style;
    } conv[] = {{"UNCLASSIFIED", CC_LABEL_STYLE_UNCLASSIFIED},
                {"RESTRICTED", CC_LABEL_STYLE_CONFIDENTIAL},
                {"CONFIDENTIAL", CC_LABEL_STYLE_CONFIDENTIAL},
                {"SECRET", CC_LABEL_STYLE_SECRET},
                {"TOP SECRET", CC_LABEL_STYLE_TOP_SECRET}};
    for (size_t i = 0; i < sizeof conv / sizeof conv[0]; i++)
        if (strcmp(name, conv[i].name) == 0)
            return conv[i].style;
    return CC_LABEL_STYLE_OTHER;
}

cc_err cc_label_policy_add_class(cc_label_policy *p, const char *name, const char *short_name,
                                 const char **why)
{
    const char *w = NULL;
    if (!p)
        return fail(why, "missing policy", CC_ERR_ARG);
    cc_err rc = check_name(name, true, &w);
    if (rc == CC_OK)
        rc = check_name(short_name, false, &w);
    if (rc != CC_OK)
        return fail(why, w, rc);
    if (is_class_word(p, name) || is_class_word(p, short_name))
        return fail(why, "duplicate classification name or short", CC_ERR_INVALID);
    if (find_group(p, name, strlen(name)) >= 0 || find_group(p, short_name, strlen(short_name)) >= 0)
        return fail(why, "classification clashes with a group name", CC_ERR_INVALID);
    if (p->nclasses >= CC_LABEL_MAX_CLASSES)
        return fail(why, "too many classifications (CC_LABEL_MAX_CLASSES)", CC_ERR_LIMIT);
    lp_class *c = &p->classes[p->nclasses++];
    strcpy(c->name, name);
    strcpy(c->short_name, short_name);
    c->style = conventional_style(name);
    rehash(p);
    return CC_OK;
}

cc_err cc_label_policy_set_class_style(cc_label_policy *p, int rank, cc_label_style style)
{
    if (!p || rank < 0 || (size_t)rank >= p->nclasses || (unsigned)style >= CC_LABEL_STYLE_COUNT)
        return CC_ERR_ARG;
    p->classes[rank].style = style; /* display only: not part of the policy's hash */
    return CC_OK;
}

cc_label_style cc_label_policy_class_style(const cc_label_policy *p, int rank)
{
    return p && rank >= 0 && (size_t)rank < p->nclasses ? p->classes[rank].style : CC_LABEL_STYLE_OTHER;
}

int cc_label_policy_banner_rank(const cc_label_policy *p, const char *banner)
{
    if (!p || !banner)
        return -1;
    const char *end = strstr(banner, "//");
    return find_class(p, banner, end ? (size_t)(end - banner) : strlen(banner));
}

const char *const cc_label_style_names[CC_LABEL_STYLE_COUNT + 1] = {"other",  "unclassified", "confidential",
                                                                    "secret", "top-secret",   NULL};

const char *cc_label_style_name(cc_label_style s)
{
    return (unsigned)s < CC_LABEL_STYLE_COUNT ? cc_label_style_names[s] : "other";
}

cc_err cc_label_policy_add_caveat(cc_label_policy *p, const char *name, const char **why)
{
    const char *w = NULL;
    if (!p)
        return fail(why, "missing policy", CC_ERR_ARG);
    cc_err rc = check_name(name, false, &w);
    if (rc != CC_OK)
        return fail(why, w, rc);
    if (strcmp(name, "NOFORN") == 0)
        return fail(why, "NOFORN is reserved and cannot be a caveat", CC_ERR_INVALID);
    if (find_caveat(p, name, strlen(name)) >= 0)
        return fail(why, "duplicate caveat", CC_ERR_INVALID);
    if (find_group(p, name, strlen(name)) >= 0)
        return fail(why, "caveat clashes with a group name", CC_ERR_INVALID);
    if (p->ncaveats >= CC_LABEL_MAX_CAVEATS)
        return fail(why, "too many caveats (CC_LABEL_MAX_CAVEATS)", CC_ERR_LIMIT);
    strcpy(p->caveats[p->ncaveats++], name);
    rehash(p);
    return CC_OK;
}

cc_err cc_label_policy_add_party(cc_label_policy *p, const char *code, const char **why)
{
    const char *w = NULL;
    if (!p)
        return fail(why, "missing policy", CC_ERR_ARG);
    cc_err rc = check_name(code, false, &w);
    if (rc != CC_OK)
        return fail(why, w, rc);
    if (find_party(p, code, strlen(code)) >= 0)
        return fail(why, "duplicate party", CC_ERR_INVALID);
    if (find_group(p, code, strlen(code)) >= 0)
        return fail(why, "party code clashes with a group name", CC_ERR_INVALID);
    if (p->nparties >= CC_LABEL_MAX_PARTIES)
        return fail(why, "too many parties (CC_LABEL_MAX_PARTIES)", CC_ERR_LIMIT);
    size_t idx = p->nparties++;
    strcpy(p->parties[idx], code);
    /* keep party_by_code sorted: insertion, parties are few and added once */
    size_t j = idx;
    while (j > 0 && strcmp(p->parties[p->party_by_code[j - 1]], code) > 0) {
        p->party_by_code[j] = p->party_by_code[j - 1];
        j--;
    }
    p->party_by_code[j] = (uint16_t)idx;
    rehash(p);
    return CC_OK;
}

cc_err cc_label_policy_add_group(cc_label_policy *p, const char *name, const char *const *members, size_t n,
                                 const char **why)
{
    const char *w = NULL;
    if (!p || (!members && n > 0))
        return fail(why, "missing policy or members", CC_ERR_ARG);
    cc_err rc = check_name(name, false, &w);
    if (rc != CC_OK)
        return fail(why, w, rc);
    size_t len = strlen(name);
    if (strcmp(name, "NOFORN") == 0)
        return fail(why, "NOFORN is reserved and cannot be a group", CC_ERR_INVALID);
    if (find_party(p, name, len) >= 0)
        return fail(why, "group name clashes with a party", CC_ERR_INVALID);
    if (find_caveat(p, name, len) >= 0)
        return fail(why, "group name clashes with a caveat", CC_ERR_INVALID);
    if (find_class(p, name, len) >= 0)
        return fail(why, "group name clashes with a classification", CC_ERR_INVALID);
    if (find_group(p, name, len) >= 0)
        return fail(why, "duplicate group", CC_ERR_INVALID);
    if (n == 0)
        return fail(why, "a group needs at least one member", CC_ERR_INVALID);
    cc_partyset set;
    cc_partyset_clear(&set);
    for (size_t i = 0; i < n; i++) {
        if (!members[i])
            return fail(why, "missing member", CC_ERR_ARG);
        int m = find_party(p, members[i], strlen(members[i]));
        if (m < 0)
            return fail(why,
                        find_group(p, members[i], strlen(members[i])) >= 0
                            ? "a group member must be a party, not a group"
                            : "group member is not a party of the policy",
                        CC_ERR_INVALID);
        if (cc_partyset_has(&set, m))
            return fail(why, "duplicate group member", CC_ERR_INVALID);
        cc_partyset_add(&set, m);
    }
    if (p->ngroups >= CC_LABEL_MAX_GROUPS)
        return fail(why, "too many groups (CC_LABEL_MAX_GROUPS)", CC_ERR_LIMIT);
    lp_group *g = &p->groups[p->ngroups++];
    strcpy(g->name, name);
    g->members = set;
    rehash(p);
    return CC_OK;
}

/* ---- policy: accessors ----------------------------------------------------------------- */

const char *cc_label_policy_id(const cc_label_policy *p)
{
    return p ? p->id : NULL;
}

uint32_t cc_label_policy_hash(const cc_label_policy *p)
{
    return p ? p->hash : 0;
}

size_t cc_label_policy_nclasses(const cc_label_policy *p)
{
    return p ? p->nclasses : 0;
}

size_t cc_label_policy_nparties(const cc_label_policy *p)
{
    return p ? p->nparties : 0;
}

size_t cc_label_policy_ncaveats(const cc_label_policy *p)
{
    return p ? p->ncaveats : 0;
}

int cc_label_policy_class(const cc_label_policy *p, const char *name)
{
    return p && name ? find_class(p, name, strlen(name)) : -1;
}

int cc_label_policy_caveat(const cc_label_policy *p, const char *name)
{
    return p && name ? find_caveat(p, name, strlen(name)) : -1;
}

int cc_label_policy_party(const cc_label_policy *p, const char *code)
{
    return p && code ? find_party(p, code, strlen(code)) : -1;
}

int cc_label_policy_group(const cc_label_policy *p, const char *name)
{
    return p && name ? find_group(p, name, strlen(name)) : -1;
}

const char *cc_label_policy_class_name(const cc_label_policy *p, int rank)
{
    return p && rank >= 0 && (size_t)rank < p->nclasses ? p->classes[rank].name : NULL;
}

const char *cc_label_policy_class_short(const cc_label_policy *p, int rank)
{
    return p && rank >= 0 && (size_t)rank < p->nclasses ? p->classes[rank].short_name : NULL;
}

const char *cc_label_policy_caveat_name(const cc_label_policy *p, int idx)
{
    return p && idx >= 0 && (size_t)idx < p->ncaveats ? p->caveats[idx] : NULL;
}

const char *cc_label_policy_party_code(const cc_label_policy *p, int idx)
{
    return p && idx >= 0 && (size_t)idx < p->nparties ? p->parties[idx] : NULL;
}

const cc_partyset *cc_label_policy_group_members(const cc_label_policy *p, int group)
{
    return p && group >= 0 && (size_t)group < p->ngroups ? &p->groups[group].members : NULL;
}

/* ---- errors and hints ------------------------------------------------------------------ */

static void invalid_label(cc_label *l)
{
    memset(l, 0, sizeof *l);
    l->cls = -1;
    l->originator = -1;
}

static void set_message(cc_label_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_message(cc_label_error *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

static void set_hint(cc_label_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_hint(cc_label_error *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->hint, sizeof e->hint, fmt, ap);
    va_end(ap);
}

/* Length of a piece of input quoted in a message, so long tokens cannot crowd it out. */
static int quote_len(size_t n)
{
    return (int)(n > MSG_TOKEN_MAX ? MSG_TOKEN_MAX : n);
}

static const char *quote_more(size_t n)
{
    return n > MSG_TOKEN_MAX ? "..." : "";
}

/* Candidates for did-you-mean hints: which names of the policy a word may have meant. */
enum cand_kind { CAND_CLASS, CAND_CAVEAT, CAND_RELEASE };

static size_t candidates(const cc_label_policy *p, enum cand_kind kind, const char **v)
{
    size_t n = 0;
    switch (kind) {
    case CAND_CLASS:
        for (size_t i = 0; i < p->nclasses; i++) {
            v[n++] = p->classes[i].name;
            v[n++] = p->classes[i].short_name;
        }
        break;
    case CAND_CAVEAT:
        for (size_t i = 0; i < p->ncaveats; i++)
            v[n++] = p->caveats[i];
        break;
    case CAND_RELEASE:
        for (size_t i = 0; i < p->nparties; i++)
            v[n++] = p->parties[p->party_by_code[i]];
        for (size_t i = 0; i < p->ngroups; i++)
            v[n++] = p->groups[i].name;
        break;
    }
    return n;
}

#define CAND_MAX (CC_LABEL_MAX_PARTIES + CC_LABEL_MAX_GROUPS)

static bool equal_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 'a' + 'A') : *a;
        char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 'a' + 'A') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

static size_t common_prefix(const char *a, const char *b)
{
    size_t n = 0;
    while (a[n] && a[n] == b[n])
        n++;
    return n;
}

/* The likeliest intended name, as cc_suggest decides closeness, but a tie goes to the longer
 * common prefix ("US" -> "USA" rather than "AUS"), then to the first. */
static const char *closest(const char *word, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (equal_nocase(word, v[i]))
            return v[i];
    size_t len = strlen(word), cap = len / 3 > 1 ? len / 3 : 1;
    const char *best = NULL;
    size_t bestd = cap + 1, bestp = 0;
    for (size_t i = 0; i < n; i++) {
        size_t d = cc_suggest_distance(word, v[i], cap);
        size_t pre = common_prefix(word, v[i]);
        if (d < bestd || (d <= cap && d == bestd && pre > bestp)) {
            best = v[i];
            bestd = d;
            bestp = pre;
        }
    }
    return best;
}

/* Sets a hint for an unknown word: "did you mean 'X'?", else the known names (truncated). */
static void hint_unknown(const cc_label_policy *p, cc_label_error *e, enum cand_kind kind, const char *word,
                         size_t n)
{
    const char *v[CAND_MAX];
    size_t nv = candidates(p, kind, v);
    if (n <= SUGGEST_TOKEN_MAX) {
        char w[SUGGEST_TOKEN_MAX + 1];
        memcpy(w, word, n);
        w[n] = '\0';
        const char *best = closest(w, v, nv);
        if (best) {
            set_hint(e, "did you mean '%s'?", best);
            return;
        }
    }
    static const char *const what[] = {"classifications", "caveats", "parties and groups"};
    if (nv == 0) {
        set_hint(e, "the policy defines no %s", what[kind]);
        return;
    }
    size_t len = (size_t)snprintf(e->hint, sizeof e->hint, "known %s:", what[kind]);
    const char *sep = " ";
    for (size_t i = 0; i < nv; i += kind == CAND_CLASS ? 2 : 1) { /* classes: names only */
        /* candidates() points into the policy's name arrays, never NULL */
        assert(v[i]);
        if (len + strlen(sep) + strlen(v[i]) + sizeof ", ..." > sizeof e->hint) {
            snprintf(e->hint + len, sizeof e->hint - len, ", ...");
            return;
        }
        len += (size_t)snprintf(e->hint + len, sizeof e->hint - len, "%s%s", sep, v[i]);
        sep = ", ";
    }
}

/* Latin look-alikes of common non-ASCII letters and marks pasted into banners. */
static const struct {
    uint32_t cp;
    char latin;
} homoglyphs[] = {
    {0x00A0, ' '}, {0x0391, 'A'}, {0x0392, 'B'}, {0x0395, 'E'}, {0x0396, 'Z'}, {0x0397, 'H'}, {0x0399, 'I'},
    {0x039A, 'K'}, {0x039C, 'M'}, {0x039D, 'N'}, {0x039F, 'O'}, {0x03A1, 'P'}, {0x03A4, 'T'}, {0x03A5, 'Y'},
    {0x03A7, 'X'}, {0x0405, 'S'}, {0x0406, 'I'}, {0x0408, 'J'}, {0x0410, 'A'}, {0x0412, 'B'}, {0x0415, 'E'},
    {0x041A, 'K'}, {0x041C, 'M'}, {0x041D, 'H'}, {0x041E, 'O'}, {0x0420, 'P'}, {0x0421, 'C'}, {0x0422, 'T'},
    {0x0423, 'Y'}, {0x0425, 'X'}, {0x04AE, 'Y'}, {0x2010, '-'}, {0x2011, '-'}, {0x2012, '-'}, {0x2013, '-'},
    {0x2044, '/'}, {0x2212, '-'}, {0x2215, '/'}, {0xFF0C, ','}, {0xFF0F, '/'},
};

static char homoglyph_of(uint32_t cp)
{
    if (cp >= 0xFF21 && cp <= 0xFF3A) /* fullwidth A-Z */
        return (char)('A' + (cp - 0xFF21));
    if (cp >= 0xFF10 && cp <= 0xFF19) /* fullwidth 0-9 */
        return (char)('0' + (cp - 0xFF10));
    for (size_t i = 0; i < sizeof homoglyphs / sizeof homoglyphs[0]; i++)
        if (homoglyphs[i].cp == cp)
            return homoglyphs[i].latin;
    return 0;
}

/* Decodes one UTF-8 sequence at s (n > 0 bytes left). Returns the code point, -1 for a
 * malformed sequence, -2 for an overlong encoding. */
static long utf8_decode(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c >= 0xC0 && c <= 0xDF) {
        len = 2, cp = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, cp = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF7) {
        len = 4, cp = c & 0x07u, min = 0x10000;
    } else {
        return -1;
    }
    if (n < len)
        return -1;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if (cp < min)
        return -2;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    return (long)cp;
}

static void describe_non_ascii(cc_label_error *e, const unsigned char *s, size_t n)
{
    long cp = utf8_decode(s, n);
    if (cp == -2) {
        set_message(e, "non-ASCII character (overlong UTF-8 encoding)");
        set_hint(e, "labels are plain ASCII; an overlong UTF-8 sequence is never accepted");
        return;
    }
    if (cp < 0) {
        set_message(e, "non-ASCII character (invalid UTF-8 byte 0x%02X)", s[0]);
        set_hint(e, "labels are plain ASCII text");
        return;
    }
    set_message(e, "non-ASCII character U+%04lX", cp);
    char latin = homoglyph_of((uint32_t)cp);
    if (latin == ' ')
        set_hint(e, "U+%04lX is a look-alike of a space (a homoglyph); type a plain ASCII space", cp);
    else if (latin)
        set_hint(e, "U+%04lX looks like '%c' but is another character (a homoglyph); retype it in ASCII", cp,
                 latin);
    else
        set_hint(e, "labels are plain ASCII; a look-alike letter (homoglyph) may have been pasted");
}

/* ---- banner parser --------------------------------------------------------------------- */

typedef struct parser {
    const cc_label_policy *p;
    const char *s;
    size_t n, i;
    cc_label_error *e;
    cc_label *out;
    cc_partyset seen_parties; /* literal party codes in REL TO */
    uint64_t seen_groups;     /* literal group names in REL TO */
} parser;

/* Records an error at 0-based offset pos (column pos + 1). The hint is set separately. */
static cc_err perr(parser *P, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static cc_err perr(parser *P, size_t pos, const char *fmt, ...)
{
    P->e->col = (int)pos + 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(P->e->message, sizeof P->e->message, fmt, ap);
    va_end(ap);
    return CC_ERR_PARSE;
}

static bool at(const parser *P, size_t pos, char c)
{
    return pos < P->n && P->s[pos] == c;
}

static bool starts_with(const parser *P, size_t pos, const char *word)
{
    size_t n = strlen(word);
    return P->n - pos >= n && memcmp(P->s + pos, word, n) == 0;
}

/* "REL TO" that is followed by a space, a '/' or the end: the release section. */
static bool at_rel_to(const parser *P, size_t pos)
{
    return starts_with(P, pos, "REL TO") && (pos + 6 == P->n || at(P, pos + 6, ' ') || at(P, pos + 6, '/'));
}

static bool at_noforn(const parser *P, size_t pos)
{
    return starts_with(P, pos, "NOFORN") && (pos + 6 == P->n || at(P, pos + 6, '/'));
}

static const char *const ORDER_HINT = "the order is CLASSIFICATION//CAVEATS//REL TO PARTIES (or //NOFORN)";
static const char *const SEP_HINT =
    "separate parties with ', ' (a comma and one space), e.g. 'REL TO USA, KOR'";

/* Whole-input checks, before the structure: bytes, case, and outer spaces. */
static cc_err check_bytes(parser *P)
{
    const unsigned char *s = (const unsigned char *)P->s;
    size_t n = P->n;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == 0) {
            perr(P, i, "NUL byte in label");
            set_hint(P->e, "a label is one line of text; remove the NUL (0x00) byte");
            return CC_ERR_PARSE;
        }
        if (c >= 0x80) {
            P->e->col = (int)i + 1;
            describe_non_ascii(P->e, s + i, n - i);
            return CC_ERR_PARSE;
        }
        if (c < 0x20 || c == 0x7F) {
            perr(P, i, "control character 0x%02X in label", c);
            set_hint(P->e, "a label is one line of printable ASCII");
            return CC_ERR_PARSE;
        }
        if (c >= 'a' && c <= 'z') {
            perr(P, i, "lower case letter '%c': labels are written in upper case", c);
            /* spell the whole banner in upper case when the rest is clean and short */
            bool clean = n + 32 < sizeof P->e->hint;
            for (size_t k = i; clean && k < n; k++)
                clean = s[k] >= 0x20 && s[k] < 0x7F;
            if (clean) {
                char up[sizeof P->e->hint];
                for (size_t k = 0; k < n; k++)
                    up[k] = (char)(s[k] >= 'a' && s[k] <= 'z' ? s[k] - 'a' + 'A' : s[k]);
                up[n] = '\0';
                set_hint(P->e, "write it in upper case: '%s'", up);
            } else {
                set_hint(P->e, "write the label in upper case");
            }
            return CC_ERR_PARSE;
        }
    }
    if (s[0] == ' ') {
        perr(P, 0, "leading space in label");
        set_hint(P->e, "remove the space before the classification");
        return CC_ERR_PARSE;
    }
    if (s[n - 1] == ' ') {
        size_t k = n;
        while (k > 0 && s[k - 1] == ' ')
            k--;
        perr(P, k, "trailing space in label");
        set_hint(P->e, "remove the space at the end");
        return CC_ERR_PARSE;
    }
    return CC_OK;
}

static cc_err unexpected_char(parser *P, size_t pos)
{
    if (pos >= P->n)
        perr(P, pos, "unexpected end of label");
    else
        perr(P, pos, "unexpected character '%c'", P->s[pos]);
    set_hint(P->e, "%s", ORDER_HINT);
    return CC_ERR_PARSE;
}

static cc_err extra_space(parser *P, size_t pos, const char *hint)
{
    perr(P, pos, "extra space");
    set_hint(P->e, "%s", hint);
    return CC_ERR_PARSE;
}

/* CLASS: a name or short, up to the first '/' or the end. */
static cc_err parse_class(parser *P)
{
    const char *s = P->s;
    size_t start = P->i, end = start;
    while (end < P->n && s[end] != '/')
        end++;
    for (size_t k = start; k < end; k++) {
        if (s[k] == ' ') {
            /* a single space may join words of a name; the input has no outer spaces */
            if (k == start || s[k - 1] == ' ')
                return extra_space(P, k, "a classification has single spaces between words");
            if (k + 1 == end)
                return extra_space(P, k, "no space before '//'");
        } else if (!is_code_char(s[k])) {
            return unexpected_char(P, k);
        }
    }
    if (end == start) {
        perr(P, start, "missing classification");
        set_hint(P->e, "a label starts with a classification, e.g. '%s'",
                 P->p->nclasses ? P->p->classes[P->p->nclasses - 1].name : "SECRET");
        return CC_ERR_PARSE;
    }
    int c = find_class(P->p, s + start, end - start);
    if (c < 0) {
        size_t n = end - start;
        perr(P, start, "unknown classification '%.*s%s'", quote_len(n), s + start, quote_more(n));
        hint_unknown(P->p, P->e, CAND_CLASS, s + start, n);
        return CC_ERR_PARSE;
    }
    P->out->cls = (int16_t)c;
    P->i = end;
    return CC_OK;
}

/* At a '/' ending a section: consumes "//" and checks that a section follows. */
static cc_err parse_separator(parser *P)
{
    size_t i = P->i;
    assert(at(P, i, '/'));
    if (!at(P, i + 1, '/')) {
        perr(P, i, "single '/' where '//' belongs between sections");
        set_hint(P->e, "sections are separated by '//', e.g. 'SECRET//NCG//REL TO USA'");
        return CC_ERR_PARSE;
    }
    if (i + 2 == P->n) {
        perr(P, i, "empty section after '//'");
        set_hint(P->e, "remove the trailing '//'");
        return CC_ERR_PARSE;
    }
    if (at(P, i + 2, '/')) {
        perr(P, i + 2, "empty section (extra '/')");
        set_hint(P->e, "sections are separated by exactly '//'");
        return CC_ERR_PARSE;
    }
    if (at(P, i + 2, ' '))
        return extra_space(P, i + 2, "no space after '//'");
    P->i = i + 2;
    return CC_OK;
}

/* CAVEATS: CAVEAT *( "/" CAVEAT ), ending at "//" or the end. */
static cc_err parse_caveats(parser *P)
{
    const char *s = P->s;
    size_t sec = P->i, i = P->i;
    for (;;) {
        size_t t = i;
        while (i < P->n && is_code_char(s[i]))
            i++;
        if (t > sec && (at_rel_to(P, t) || at_noforn(P, t))) {
            perr(P, t - 1, "single '/' where '//' belongs before %s", at_noforn(P, t) ? "NOFORN" : "REL TO");
            set_hint(P->e, "sections are separated by '//', e.g. 'SECRET//NCG//REL TO USA'");
            return CC_ERR_PARSE;
        }
        if (t == i) {
            if (at(P, t, ' '))
                return extra_space(P, t, "caveats are separated by '/' without spaces");
            return unexpected_char(P, t);
        }
        if (i < P->n && s[i] != '/') {
            if (t == sec && starts_with(P, sec, "REL")) {
                if (starts_with(P, sec, "REL  "))
                    return extra_space(P, sec + 4, "write 'REL TO ' followed by the parties");
                perr(P, sec, "malformed REL TO");
                set_hint(P->e, "write 'REL TO ' then parties separated by ', ', e.g. 'REL TO USA, KOR'");
                return CC_ERR_PARSE;
            }
            if (s[i] == ' ')
                return extra_space(P, i, "caveats are separated by '/' without spaces");
            return unexpected_char(P, i);
        }
        size_t n = i - t;
        int c = find_caveat(P->p, s + t, n);
        if (c < 0) {
            perr(P, t, "unknown caveat '%.*s%s'", quote_len(n), s + t, quote_more(n));
            hint_unknown(P->p, P->e, CAND_CAVEAT, s + t, n);
            bool suggested = strncmp(P->e->hint, "did you mean", 12) == 0;
            if (!suggested && starts_with(P, t, "REL")) /* "RELTO", "REL-TO" */
                set_hint(P->e, "write 'REL TO ' then parties separated by ', ', e.g. 'REL TO USA, KOR'");
            return CC_ERR_PARSE;
        }
        uint64_t bit = (uint64_t)1 << c;
        if (P->out->caveats & bit) {
            perr(P, t, "duplicate caveat '%s'", P->p->caveats[c]);
            set_hint(P->e, "list each caveat once");
            return CC_ERR_PARSE;
        }
        P->out->caveats |= bit;
        if (i == P->n || at(P, i + 1, '/')) {
            P->i = i;
            return CC_OK;
        }
        i++; /* single '/': another caveat follows */
        if (i == P->n) {
            perr(P, i - 1, "empty caveat after '/'");
            set_hint(P->e, "remove the trailing '/'");
            return CC_ERR_PARSE;
        }
    }
}

/* RELEASE: "REL TO " PARTY *( ", " PARTY ), the last section. */
static cc_err parse_rel_to(parser *P)
{
    const char *s = P->s;
    size_t sec = P->i, i = P->i + 6;
    if (i == P->n || s[i] == '/') {
        perr(P, sec, "empty REL TO");
        set_hint(P->e, "an empty REL TO (releasable to nobody) has no banner form; use the map form "
                       "'rel_to: []'");
        return CC_ERR_PARSE;
    }
    assert(s[i] == ' ');
    i++;
    P->out->has_rel_to = true;
    for (;;) {
        size_t t = i;
        while (i < P->n && is_code_char(s[i]))
            i++;
        if (t == i) {
            if (at(P, t, ' '))
                return extra_space(P, t, SEP_HINT);
            if (at(P, t, ',')) {
                perr(P, t, "empty entry in REL TO");
                set_hint(P->e, "%s", SEP_HINT);
                return CC_ERR_PARSE;
            }
            return unexpected_char(P, t);
        }
        size_t n = i - t;
        int party = find_party(P->p, s + t, n);
        int group = party < 0 ? find_group(P->p, s + t, n) : -1;
        if (party < 0 && group < 0) {
            perr(P, t, "unknown party or group '%.*s%s' in REL TO", quote_len(n), s + t, quote_more(n));
            hint_unknown(P->p, P->e, CAND_RELEASE, s + t, n);
            return CC_ERR_PARSE;
        }
        bool dup = party >= 0 ? cc_partyset_has(&P->seen_parties, party) : (P->seen_groups >> group & 1) != 0;
        if (dup) {
            perr(P, t, "duplicate '%.*s' in REL TO", (int)n, s + t);
            set_hint(P->e, "list each party or group once");
            return CC_ERR_PARSE;
        }
        if (party >= 0) {
            cc_partyset_add(&P->seen_parties, party);
            cc_partyset_add(&P->out->rel_to, party);
        } else {
            P->seen_groups |= (uint64_t)1 << group;
            partyset_union(&P->out->rel_to, &P->p->groups[group].members);
        }
        if (i == P->n)
            break;
        switch (s[i]) {
        case ',':
            if (i + 1 == P->n) {
                perr(P, i, "trailing ',' in REL TO");
                set_hint(P->e, "remove the ',' or add a party after it");
                return CC_ERR_PARSE;
            }
            if (s[i + 1] != ' ') {
                perr(P, i, "missing space after ',' in REL TO");
                set_hint(P->e, "%s", SEP_HINT);
                return CC_ERR_PARSE;
            }
            i += 2;
            continue;
        case ' ':
            if (at(P, i + 1, ','))
                return extra_space(P, i, SEP_HINT);
            perr(P, i, "parties in REL TO must be separated by ', '");
            set_hint(P->e, "%s", SEP_HINT);
            return CC_ERR_PARSE;
        case '/':
            if (at(P, i + 1, '/')) {
                P->i = i;
                return CC_OK;
            }
            perr(P, i, "unexpected '/' in REL TO");
            set_hint(P->e, "%s; REL TO is the last section", SEP_HINT);
            return CC_ERR_PARSE;
        default: return unexpected_char(P, i);
        }
    }
    P->i = i;
    return CC_OK;
}

/* Sections after the classification: at most one caveat section, then at most one release
 * section (REL TO or NOFORN), which must be last. */
static cc_err parse_sections(parser *P)
{
    enum { NONE, REL_TO, NOFORN } release = NONE;
    bool caveats = false;
    while (P->i < P->n) {
        cc_err rc = parse_separator(P);
        if (rc != CC_OK)
            return rc;
        size_t sec = P->i;
        if (at_rel_to(P, sec) || at_noforn(P, sec)) {
            bool rel = at_rel_to(P, sec);
            if (release != NONE) {
                if ((release == REL_TO) != rel)
                    perr(P, sec, "NOFORN cannot be combined with REL TO");
                else
                    perr(P, sec, "%s given twice", rel ? "REL TO" : "NOFORN");
                set_hint(P->e, "NOFORN means the originator only; REL TO lists who may read the item; "
                               "keep one");
                return CC_ERR_PARSE;
            }
            if (rel) {
                release = REL_TO;
                rc = parse_rel_to(P);
            } else {
                release = NOFORN;
                P->out->noforn = true;
                P->i = sec + 6;
            }
        } else {
            if (release != NONE) {
                perr(P, sec, "sections out of order: %s must be the last section",
                     release == REL_TO ? "REL TO" : "NOFORN");
                set_hint(P->e, "%s", ORDER_HINT);
                return CC_ERR_PARSE;
            }
            if (caveats) {
                perr(P, sec, "second caveat section");
                set_hint(P->e, "list all caveats in one section separated by '/', e.g. 'SECRET//NCG/ALPHA'");
                return CC_ERR_PARSE;
            }
            caveats = true;
            rc = parse_caveats(P);
        }
        if (rc != CC_OK)
            return rc;
    }
    return CC_OK;
}

cc_err cc_label_parse(const cc_label_policy *p, const char *s, size_t len, int originator, cc_label *out,
                      cc_label_error *err)
{
    cc_label_error scratch = {0};
    cc_label_error *e = err ? err : &scratch;
    memset(e, 0, sizeof *e);
    if (!out)
        return CC_ERR_ARG;
    invalid_label(out);
    if (!p || (!s && len > 0)) {
        set_message(e, "invalid argument");
        return CC_ERR_ARG;
    }
    if (originator < -1 || originator >= (int)p->nparties) {
        set_message(e, "originator is not a party of the policy");
        return CC_ERR_ARG;
    }
    parser P = {.p = p, .s = s, .n = len, .e = e, .out = out};
    if (len > CC_LABEL_BANNER_MAX) {
        perr(&P, CC_LABEL_BANNER_MAX, "label longer than %d bytes", CC_LABEL_BANNER_MAX);
        set_hint(e, "a banner is one short line; use the map form or fewer REL TO entries");
        return CC_ERR_PARSE;
    }
    if (len == 0) {
        perr(&P, 0, "empty label");
        if (p->nclasses)
            set_hint(e, "a label starts with a classification, e.g. '%s'", p->classes[0].name);
        return CC_ERR_PARSE;
    }
    cc_label l;
    invalid_label(&l);
    l.policy_hash = p->hash;
    P.out = &l;
    cc_err rc = check_bytes(&P);
    if (rc == CC_OK)
        rc = parse_class(&P);
    if (rc == CC_OK)
        rc = parse_sections(&P);
    if (rc != CC_OK)
        return rc;
    l.originator = (int16_t)originator;
    *out = l;
    return CC_OK;
}

/* ---- structured form ------------------------------------------------------------------- */

/* Hint for a name from a map that is not in the policy. */
static void hint_name(const cc_label_policy *p, cc_label_error *e, enum cand_kind kind, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c >= 0x80) {
            cc_label_error tmp = {0};
            describe_non_ascii(&tmp, (const unsigned char *)name + i, n - i);
            memcpy(e->hint, tmp.hint, sizeof e->hint);
            return;
        }
    }
    hint_unknown(p, e, kind, name, n);
}

cc_err cc_label_build(const cc_label_policy *p, const char *cls, const char *const *caveats, size_t ncaveats,
                      const char *const *rel_to, size_t nrel, int originator, cc_label *out,
                      cc_label_error *err, int *bad_index)
{
    cc_label_error scratch = {0};
    cc_label_error *e = err ? err : &scratch;
    memset(e, 0, sizeof *e);
    int bad_scratch = -1;
    int *bad = bad_index ? bad_index : &bad_scratch;
    *bad = -1;
    if (!out)
        return CC_ERR_ARG;
    invalid_label(out);
    if (!p || (!caveats && ncaveats > 0) || (!rel_to && nrel > 0)) {
        set_message(e, "invalid argument");
        return CC_ERR_ARG;
    }
    if (originator < -1 || originator >= (int)p->nparties) {
        set_message(e, "originator is not a party of the policy");
        return CC_ERR_ARG;
    }
    cc_label l;
    invalid_label(&l);
    l.policy_hash = p->hash;
    if (!cls) {
        set_message(e, "missing classification");
        return CC_ERR_INVALID;
    }
    int c = find_class(p, cls, strlen(cls));
    if (c < 0) {
        set_message(e, "unknown classification '%.*s%s'", quote_len(strlen(cls)), cls,
                    quote_more(strlen(cls)));
        hint_name(p, e, CAND_CLASS, cls);
        return CC_ERR_INVALID;
    }
    l.cls = (int16_t)c;
    for (size_t i = 0; i < ncaveats; i++) {
        const char *name = caveats[i];
        *bad = (int)i;
        if (!name) {
            set_message(e, "missing caveat");
            return CC_ERR_INVALID;
        }
        size_t n = strlen(name);
        int v = find_caveat(p, name, n);
        if (v < 0) {
            set_message(e, "unknown caveat '%.*s%s'", quote_len(n), name, quote_more(n));
            if (strcmp(name, "NOFORN") == 0)
                set_hint(e, "NOFORN is not a caveat: a label without rel_to is already originator only");
            else
                hint_name(p, e, CAND_CAVEAT, name);
            return CC_ERR_INVALID;
        }
        if (l.caveats >> v & 1) {
            set_message(e, "duplicate caveat '%s'", name);
            set_hint(e, "list each caveat once");
            return CC_ERR_INVALID;
        }
        l.caveats |= (uint64_t)1 << v;
    }
    if (rel_to) {
        cc_partyset seen;
        cc_partyset_clear(&seen);
        uint64_t seen_groups = 0;
        l.has_rel_to = true;
        for (size_t i = 0; i < nrel; i++) {
            const char *name = rel_to[i];
            *bad = (int)i;
            if (!name) {
                set_message(e, "missing party in rel_to");
                return CC_ERR_INVALID;
            }
            size_t n = strlen(name);
            int party = find_party(p, name, n);
            int group = party < 0 ? find_group(p, name, n) : -1;
            if (party < 0 && group < 0) {
                if (strcmp(name, "NOFORN") == 0) {
                    set_message(e, "NOFORN cannot be combined with rel_to");
                    set_hint(e, "omit rel_to: a label without it is releasable to the originator only");
                } else {
                    set_message(e, "unknown party or group '%.*s%s' in rel_to", quote_len(n), name,
                                quote_more(n));
                    hint_name(p, e, CAND_RELEASE, name);
                }
                return CC_ERR_INVALID;
            }
            bool dup = party >= 0 ? cc_partyset_has(&seen, party) : (seen_groups >> group & 1) != 0;
            if (dup) {
                set_message(e, "duplicate '%s' in rel_to", name);
                set_hint(e, "list each party or group once");
                return CC_ERR_INVALID;
            }
            if (party >= 0) {
                cc_partyset_add(&seen, party);
                cc_partyset_add(&l.rel_to, party);
            } else {
                seen_groups |= (uint64_t)1 << group;
                partyset_union(&l.rel_to, &p->groups[group].members);
            }
        }
    }
    *bad = -1;
    l.originator = (int16_t)originator;
    *out = l;
    return CC_OK;
}

/* ---- formatting ------------------------------------------------------------------------ */

typedef struct sbuf {
    char *buf;
    size_t size, len;
} sbuf;

static void put(sbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len < b->size) {
        size_t room = b->size - 1 - b->len;
        memcpy(b->buf + b->len, s, n < room ? n : room);
    }
    b->len += n;
}

static bool label_valid(const cc_label *l)
{
    return l->cls >= 0 && l->originator >= -1 && l->originator < CC_LABEL_MAX_PARTIES &&
           !(l->noforn && l->has_rel_to);
}

/* A valid label whose indices all exist in p, and made with p. */
static bool label_of_policy(const cc_label_policy *p, const cc_label *l)
{
    if (!label_valid(l) || l->policy_hash != p->hash || (size_t)l->cls >= p->nclasses)
        return false;
    if (p->ncaveats < 64 && (l->caveats >> p->ncaveats) != 0)
        return false;
    if (l->originator >= (int)p->nparties)
        return false;
    for (int i = (int)p->nparties; l->has_rel_to && i < CC_LABEL_MAX_PARTIES; i++)
        if (cc_partyset_has(&l->rel_to, i))
            return false;
    return true;
}

int cc_label_format(const cc_label_policy *p, const cc_label *l, char *buf, size_t size)
{
    sbuf b = {.buf = buf, .size = buf ? size : 0};
    if (!p || !l || !label_of_policy(p, l)) {
        put(&b, "(invalid label)");
    } else {
        put(&b, p->classes[l->cls].name);
        const char *sep = "//";
        for (size_t i = 0; i < p->ncaveats; i++) {
            if (!(l->caveats >> i & 1))
                continue;
            put(&b, sep);
            put(&b, p->caveats[i]);
            sep = "/";
        }
        if (l->noforn) {
            put(&b, "//NOFORN");
        } else if (l->has_rel_to) {
            put(&b, "//REL TO");
            sep = " ";
            for (size_t k = 0; k < p->nparties; k++) {
                int party = p->party_by_code[k];
                if (!cc_partyset_has(&l->rel_to, party))
                    continue;
                put(&b, sep);
                put(&b, p->parties[party]);
                sep = ", ";
            }
        }
    }
    if (b.size > 0)
        b.buf[b.len < b.size ? b.len : b.size - 1] = '\0';
    return (int)b.len;
}

/* ---- the access rule, join and dominance ----------------------------------------------- */

const char *cc_deny_str(cc_deny d)
{
    switch (d) {
    case CC_DENY_NONE: return "permitted";
    case CC_DENY_INVALID: return "unlabelled or invalid label";
    case CC_DENY_POLICY: return "label policy differs from the seat's";
    case CC_DENY_CLASS: return "classification above the seat's clearance";
    case CC_DENY_CAVEAT: return "seat lacks a caveat of the label";
    case CC_DENY_RELEASABILITY: return "not releasable to the seat's party";
    }
    return "denied";
}

void cc_label_releasable(const cc_label *l, cc_partyset *out)
{
    cc_partyset_clear(out);
    if (!l || !label_valid(l))
        return;
    if (l->has_rel_to)
        *out = l->rel_to;
    else
        cc_partyset_add(out, l->originator); /* -1: nobody */
}

cc_deny cc_label_check(const cc_label *l, const cc_clearance *c)
{
    if (!l || !c || !label_valid(l))
        return CC_DENY_INVALID;
    if (l->policy_hash != c->policy_hash)
        return CC_DENY_POLICY;
    if (l->cls > c->cls)
        return CC_DENY_CLASS;
    if (l->caveats & ~c->caveats)
        return CC_DENY_CAVEAT;
    bool releasable = l->has_rel_to ? cc_partyset_has(&l->rel_to, c->party)
                                    : l->originator >= 0 && c->party == l->originator;
    return releasable ? CC_DENY_NONE : CC_DENY_RELEASABILITY;
}

cc_err cc_label_join(const cc_label *a, const cc_label *b, cc_label *out)
{
    if (!a || !b || !out)
        return CC_ERR_ARG;
    cc_label r;
    invalid_label(&r);
    if (!label_valid(a) || !label_valid(b) || a->policy_hash != b->policy_hash) {
        *out = r;
        return CC_ERR_INVALID;
    }
    r.policy_hash = a->policy_hash;
    r.cls = a->cls > b->cls ? a->cls : b->cls;
    r.caveats = a->caveats | b->caveats;
    r.originator = a->originator == b->originator ? a->originator : -1;
    if (!a->has_rel_to && !b->has_rel_to && a->originator == b->originator) {
        r.noforn = a->noforn || b->noforn;
    } else {
        cc_partyset rb;
        cc_label_releasable(a, &r.rel_to);
        cc_label_releasable(b, &rb);
        cc_partyset_intersect(&r.rel_to, &rb);
        r.has_rel_to = true;
    }
    *out = r;
    return CC_OK;
}

bool cc_label_dominates(const cc_label *a, const cc_label *b)
{
    if (!a || !b)
        return false;
    cc_partyset ra, rb;
    cc_label_releasable(a, &ra);
    if (cc_partyset_empty(&ra))
        return true; /* nobody may read a (this covers an invalid a) */
    if (!label_valid(b) || a->policy_hash != b->policy_hash)
        return false;
    if (a->cls < b->cls || (b->caveats & ~a->caveats))
        return false;
    cc_label_releasable(b, &rb);
    return partyset_subset(&ra, &rb);
}
