/* libFuzzer target: the label banner parser, formatter and access rule on arbitrary bytes,
 * against a fixed policy (USA, KOR, GBR, group ALLIANCE, caveats NCG and ALPHA). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/label.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const cc_label *a, const cc_label *b)
{
    return a->policy_hash == b->policy_hash && a->cls == b->cls && a->originator == b->originator &&
           a->caveats == b->caveats && a->has_rel_to == b->has_rel_to && a->noforn == b->noforn &&
           memcmp(&a->rel_to, &b->rel_to, sizeof a->rel_to) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_label_policy *p = NULL;
    const char *why = NULL;
    if (cc_label_policy_new("fuzz", &p) != CC_OK)
        return 0;
    cc_label_policy_add_class(p, "UNCLASSIFIED", "U", &why);
    cc_label_policy_add_class(p, "CONFIDENTIAL", "C", &why);
    cc_label_policy_add_class(p, "SECRET", "S", &why);
    cc_label_policy_add_caveat(p, "NCG", &why);
    cc_label_policy_add_caveat(p, "ALPHA", &why);
    cc_label_policy_add_party(p, "USA", &why);
    cc_label_policy_add_party(p, "KOR", &why);
    cc_label_policy_add_party(p, "GBR", &why);
    const char *members[] = {"USA", "KOR"};
    cc_label_policy_add_group(p, "ALLIANCE", members, 2, &why);
    cc_label l;
    cc_label_error e;
    if (cc_label_parse(p, (const char *)data, size, 0, &l, &e) == CC_OK) {
        char buf[CC_LABEL_BANNER_MAX + 64];
        int n = cc_label_format(p, &l, buf, sizeof buf);
        if (n < 0 || (size_t)n >= sizeof buf)
            abort();
        cc_label again;
        /* the canonical form must parse back to the same label */
        if (l.has_rel_to && cc_partyset_empty(&l.rel_to)) {
            /* empty REL TO has no banner form */
        } else if (cc_label_parse(p, buf, (size_t)n, 0, &again, &e) != CC_OK || !same(&again, &l)) {
            abort();
        }
        cc_clearance c = {cc_label_policy_hash(p), 2, 1, 1};
        (void)cc_label_check(&l, &c);
    }
    cc_label_policy_free(p);
    return 0;
}
