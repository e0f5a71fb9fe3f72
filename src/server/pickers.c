/* pickers — see pickers.h. */
#include "server/pickers.h"

#include <string.h>

#include "core/label.h"
#include "core/scenario_model.h"

static void add_unique(json_t *a, const char *s)
{
    size_t k;
    json_t *v;
    json_array_foreach(a, k, v)
    {
        if (strcmp(json_string_value(v), s) == 0) return;
    }
    json_array_append_new(a, json_string(s));
}

json_t *cc_pickers(const cc_scenario *s)
{
    json_t *senders = json_array(), *to = json_array(), *ch = json_array(), *labels = json_array();
    json_array_append_new(senders, json_string("control"));
    json_array_append_new(to, json_string("all"));
    char ref[160];
    for (size_t i = 0; i < s->ncells; i++) {
        snprintf(ref, sizeof ref, "cell:%s", s->cells[i].id);
        json_array_append_new(to, json_string(ref));
    }
    for (size_t i = 0; i < s->nparties; i++) {
        snprintf(ref, sizeof ref, "party:%s", s->parties[i].id);
        json_array_append_new(to, json_string(ref));
    }
    for (size_t i = 0; i < s->ngroups; i++) {
        snprintf(ref, sizeof ref, "group:%s", s->groups[i].id);
        json_array_append_new(to, json_string(ref));
    }
    for (size_t i = 0; i < s->nseats; i++) {
        json_array_append_new(senders, json_string(s->seats[i].id));
        json_array_append_new(to, json_string(s->seats[i].id));
    }
    for (size_t i = 0; i < CC_CH_COUNT; i++)
        json_array_append_new(ch, json_string(cc_channel_names[i]));
    for (size_t i = 0; i < s->ninjects; i++)
        if (s->injects[i].label.text)
            add_unique(labels, s->injects[i].label.text);
    /* the parts of every label the policy allows: a banner is CLASS[//CAVEAT/...][//REL TO X, Y] or
     * CLASS[//...]//NOFORN (docs/scenario-format.md, banner grammar) */
    const cc_label_policy *pol = s->policy;
    json_t *cls = json_array(), *cav = json_array(), *rel = json_array();
    for (size_t k = 0; k < cc_label_policy_nclasses(pol); k++)
        json_array_append_new(cls, json_string(cc_label_policy_class_name(pol, (int)k)));
    for (size_t k = 0; k < cc_label_policy_ncaveats(pol); k++)
        json_array_append_new(cav, json_string(cc_label_policy_caveat_name(pol, (int)k)));
    for (size_t k = 0; k < s->ngroups; k++)
        json_array_append_new(rel, json_string(s->groups[k].id));
    for (size_t k = 0; k < cc_label_policy_nparties(pol); k++)
        json_array_append_new(rel, json_string(cc_label_policy_party_code(pol, (int)k)));
    return json_pack("{s:o,s:o,s:o,s:o,s:{s:o,s:o,s:o}}", "senders", senders, "recipients", to, "channels",
                     ch, "labels", labels, "label_parts", "classes", cls, "caveats", cav, "release", rel);
}
