/* label — the label policy, security labels (banner and structured form), seat clearances,
 * the deny-by-default access rule and the join of labels for derived items.
 * See ../shared/SECURITY.md and docs/scenario-format.md ("Labels"). Pure: no I/O. */
#ifndef CC_LABEL_H
#define CC_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

#define CC_LABEL_MAX_PARTIES 256 /* parties per policy */
#define CC_LABEL_MAX_CAVEATS 64  /* caveat values per policy */
#define CC_LABEL_MAX_CLASSES 16  /* classifications per policy */
#define CC_LABEL_MAX_GROUPS 64
#define CC_LABEL_BANNER_MAX 4096 /* longest banner accepted by the parser */
#define CC_LABEL_NAME_MAX 32     /* longest class name/short, caveat, party code or group name */

/* A set of parties, bit i = party index i of the policy. add ignores, has returns false for,
 * an index outside [0, CC_LABEL_MAX_PARTIES). */
typedef struct cc_partyset {
    uint64_t w[CC_LABEL_MAX_PARTIES / 64];
} cc_partyset;

void cc_partyset_clear(cc_partyset *s);
void cc_partyset_add(cc_partyset *s, int party);
bool cc_partyset_has(const cc_partyset *s, int party);
bool cc_partyset_empty(const cc_partyset *s);
size_t cc_partyset_count(const cc_partyset *s);
void cc_partyset_intersect(cc_partyset *dst, const cc_partyset *other);

/* A security label, a small value type. Indices refer to the policy it was made with.
 * Valid means cls >= 0, originator in [-1, CC_LABEL_MAX_PARTIES) and not both noforn and
 * has_rel_to; anything else is denied by cc_label_check. Parse, build and join leave rel_to
 * all zero unless has_rel_to, so equal labels have equal fields (rel_to compares by memcmp). */
typedef struct cc_label {
    uint32_t policy_hash; /* cc_label_policy_hash() of the policy; labels of another policy deny */
    int16_t cls;          /* classification rank (0 = lowest); -1 = invalid/unlabelled */
    int16_t originator;   /* party index of the originator; -1 = none */
    uint64_t caveats;     /* restrictive caveats, bit i = caveat index i */
    bool has_rel_to;      /* false: releasable to the originator only */
    bool noforn;          /* written as NOFORN: originator only, never combined with REL TO */
    cc_partyset rel_to;   /* when has_rel_to: the parties (groups already expanded) */
} cc_label;

/* A seat's clearance. */
typedef struct cc_clearance {
    uint32_t policy_hash;
    int16_t cls;      /* highest classification rank the seat may read */
    int16_t party;    /* party index */
    uint64_t caveats; /* caveats held */
} cc_clearance;

/* The policy: ordered classifications, caveats, parties and groups. Opaque.
 * Built once while loading a scenario, then frozen (read-only, shareable across threads). */
typedef struct cc_label_policy cc_label_policy;

/* Creates an empty policy with the given id (copied, non-empty). Free with
 * cc_label_policy_free (NULL is fine). */
cc_err cc_label_policy_new(const char *id, cc_label_policy **out);
void cc_label_policy_free(cc_label_policy *p);

/* Builders. Each returns CC_OK, CC_ERR_INVALID (duplicate or malformed name, with *why set
 * to a static message), CC_ERR_LIMIT (too many, or a name longer than CC_LABEL_NAME_MAX) or
 * CC_ERR_ARG (NULL argument). Classifications are added lowest first; rank = order.
 * Names are upper case ASCII [A-Z0-9-] (classification names, not shorts, may contain single
 * spaces). A name or short may not equal any other class's name or short; "NOFORN" is
 * reserved (not a caveat or group); party codes and group names share one namespace. */
cc_err cc_label_policy_add_class(cc_label_policy *p, const char *name, const char *short_name,
                                 const char **why);
cc_err cc_label_policy_add_caveat(cc_label_policy *p, const char *name, const char **why);
cc_err cc_label_policy_add_party(cc_label_policy *p, const char *code, const char **why);
/* members are party codes already added (at least one, no duplicates, no groups); a group
 * name must not equal a party, caveat, classification name or short, or "NOFORN". */
cc_err cc_label_policy_add_group(cc_label_policy *p, const char *name, const char *const *members, size_t n,
                                 const char **why);

const char *cc_label_policy_id(const cc_label_policy *p);
/* Stable hash of the policy contents (id, classes, caveats, parties, groups), kept up to date
 * by the builders: 32-bit FNV-1a (offset 2166136261, prime 16777619) over the canonical
 * serialisation "caucus-label-policy/1", then 'I' id, then per class in rank order 'C' name
 * short, per caveat 'V' name, per party 'P' code, per group in order added 'G' name, member
 * count, members as ascending party indices; strings are a u32 length then the bytes, numbers
 * u32 (u16 for member indices), little-endian; a result of 0 is replaced by 1, so a
 * zero-initialised label or clearance matches no policy. Detects accidental mismatch, not
 * forgery. */
uint32_t cc_label_policy_hash(const cc_label_policy *p);
size_t cc_label_policy_nclasses(const cc_label_policy *p);
size_t cc_label_policy_nparties(const cc_label_policy *p);
size_t cc_label_policy_ncaveats(const cc_label_policy *p);
/* Lookups return the index, or -1 when unknown. class lookup accepts name or short. */
int cc_label_policy_class(const cc_label_policy *p, const char *name);
int cc_label_policy_caveat(const cc_label_policy *p, const char *name);
int cc_label_policy_party(const cc_label_policy *p, const char *code);
int cc_label_policy_group(const cc_label_policy *p, const char *name);
const char *cc_label_policy_class_name(const cc_label_policy *p, int rank);
/* The rank of the classification a banner starts with (its text up to the first "//", a name or
 * short of p), -1 when it names none (or banner is NULL). */
int cc_label_policy_banner_rank(const cc_label_policy *p, const char *banner);

/* How a classification is displayed, on screen and on paper: the colours of classification
 * banners. Each class of a policy has one, by default the one its name conventionally has
 * (UNCLASSIFIED; CONFIDENTIAL and RESTRICTED; SECRET; TOP SECRET; any other name: other), or
 * the scenario's (label_policy classifications' style). Display only: not in the policy's hash. */
typedef enum cc_label_style {
    CC_LABEL_STYLE_OTHER,
    CC_LABEL_STYLE_UNCLASSIFIED,
    CC_LABEL_STYLE_CONFIDENTIAL,
    CC_LABEL_STYLE_SECRET,
    CC_LABEL_STYLE_TOP_SECRET,
    CC_LABEL_STYLE_COUNT
} cc_label_style;
/* The names of the styles, in enum order and NULL-terminated: "other", "unclassified",
 * "confidential", "secret", "top-secret"; cc_label_style_name answers "other" out of range. */
extern const char *const cc_label_style_names[CC_LABEL_STYLE_COUNT + 1];
const char *cc_label_style_name(cc_label_style s);
/* The style of class rank (CC_LABEL_STYLE_OTHER for a rank p lacks); setting it: CC_ERR_ARG for
 * a rank p lacks or a style out of range. */
cc_label_style cc_label_policy_class_style(const cc_label_policy *p, int rank);
cc_err cc_label_policy_set_class_style(cc_label_policy *p, int rank, cc_label_style style);
const char *cc_label_policy_class_short(const cc_label_policy *p, int rank);
const char *cc_label_policy_caveat_name(const cc_label_policy *p, int idx);
const char *cc_label_policy_party_code(const cc_label_policy *p, int idx);
/* Parties of a group (expanded). */
const cc_partyset *cc_label_policy_group_members(const cc_label_policy *p, int group);

/* Where and why a label was refused (core/diag's error type): col is a 1-based byte column
 * within the banner text (or 0 when not applicable, e.g. cc_label_build); hint is "" when there
 * is none. */
typedef cc_error cc_label_error;

/* Parses a banner, e.g. "SECRET//NCG//REL TO USA, KOR". len bytes of s are read (no NUL
 * needed; an embedded NUL is an error). originator is the party index used for "originator
 * only" (no REL TO, or NOFORN); -1 when unknown. Errors: CC_ERR_PARSE with err filled
 * (unknown classification with did-you-mean, lower case, "/" where "//" belongs, extra spaces,
 * unknown party/group/caveat, duplicate code, NOFORN with REL TO, non-ASCII bytes such as a
 * Cyrillic homoglyph, banner longer than CC_LABEL_BANNER_MAX). "REL TO" with no parties is
 * refused: an empty REL TO (nobody) is only expressible in map form. A group and one of its
 * members may both be listed ("REL TO FVEY, USA"); the same code twice may not. err may be
 * NULL. CC_ERR_ARG when originator is not -1 or a party of p. On error *out is an invalid
 * label (cls -1). Time is linear in len; anything over CC_LABEL_BANNER_MAX is refused. */
cc_err cc_label_parse(const cc_label_policy *p, const char *s, size_t len, int originator, cc_label *out,
                      cc_label_error *err);

/* Builds a label from structured parts. caveats/rel_to are arrays of names; rel_to == NULL
 * means absent (originator only), rel_to != NULL with nrel == 0 means empty (nobody).
 * On error, *bad_index (when not NULL) is the index of the offending element in the array
 * named by err->message (a message about caveats contains "caveat", one about rel_to never
 * does), or -1 for the classification. err may be NULL. Errors: CC_ERR_INVALID (unknown or duplicate name,
 * with did-you-mean hints), CC_ERR_ARG (NULL policy/out, bad originator). On error *out is an
 * invalid label (cls -1). */
cc_err cc_label_build(const cc_label_policy *p, const char *cls, const char *const *caveats, size_t ncaveats,
                      const char *const *rel_to, size_t nrel, int originator, cc_label *out,
                      cc_label_error *err, int *bad_index);

/* Canonical banner of a label (full classification name, caveats in policy order, REL TO
 * sorted by party code, groups NOT re-collapsed): "SECRET//NCG//REL TO KOR, USA". Originator
 * only is written without REL TO ("SECRET"), NOFORN as "//NOFORN", an empty REL TO as a bare
 * "//REL TO" (which cc_label_parse refuses: it has no banner form). A label that is invalid or
 * not of this policy is written "(invalid label)". cc_label_parse of the result, with the same
 * originator, gives back the label whenever the banner is not an empty REL TO and fits in
 * CC_LABEL_BANNER_MAX. Returns the length needed like snprintf (buf may be NULL if size 0). */
int cc_label_format(const cc_label_policy *p, const cc_label *l, char *buf, size_t size);

/* Why a delivery was denied; CC_DENY_NONE means permitted. */
typedef enum cc_deny {
    CC_DENY_NONE = 0,
    CC_DENY_INVALID,      /* unlabelled or invalid label */
    CC_DENY_POLICY,       /* policy of label and clearance differ */
    CC_DENY_CLASS,        /* classification above clearance */
    CC_DENY_CAVEAT,       /* seat lacks a caveat */
    CC_DENY_RELEASABILITY /* seat's party not in REL TO (or empty REL TO, or not originator) */
} cc_deny;

const char *cc_deny_str(cc_deny d);

/* The access rule of SECURITY.md: deny unless every condition holds, checked in the order of
 * the enum: invalid label (or NULL), policy hash differs, label cls > clearance cls, a label
 * caveat not held, releasability (REL TO: party in rel_to, empty = nobody; no REL TO or NOFORN:
 * party == originator, originator -1 = nobody; a party outside [0, 256) is in no set). */
cc_deny cc_label_check(const cc_label *l, const cc_clearance *c);
static inline bool cc_label_permits(const cc_label *l, const cc_clearance *c)
{
    return cc_label_check(l, c) == CC_DENY_NONE;
}

/* Join for derived items (replies, forwards, report sections): max classification, union of
 * caveats, intersection of releasability (originator-only counts as {originator}; an
 * originator-only source joined with another originator yields an empty REL TO).
 * The result stays originator-only (no REL TO; NOFORN if either was) only when both are
 * originator-only with the same originator; otherwise it has has_rel_to with the
 * intersection. Its originator is the sources' when equal, else -1. So a seat may read the
 * join exactly when it may read both. Both labels must be valid and of the same policy, else
 * CC_ERR_INVALID and *out is an invalid label. out may alias a or b. */
cc_err cc_label_join(const cc_label *a, const cc_label *b, cc_label *out);

/* Parties to which a label releases (originator-only resolved to {originator}, empty for -1
 * and for an invalid label). */
void cc_label_releasable(const cc_label *l, cc_partyset *out);

/* true when a dominates b: every seat that may read a may read b (a is at least as strict).
 * Exact for all clearances: vacuously true when nobody may read a (invalid, or releasable to
 * nobody); otherwise same policy, b valid, cls(a) >= cls(b), caveats(a) include caveats(b) and
 * releasable(a) within releasable(b). */
bool cc_label_dominates(const cc_label *a, const cc_label *b);

#endif
