/* texts — translations of what a viewer sees (texts.h): the strings of its state, looked up in
 * the scenario's texts. */
#include "server/texts.h"

#include <string.h>

#include "core/label.h"
#include "core/scenario_model.h"

/* Adds the translations of the strings of v (recursively) to out; -1 on ENOMEM. */
static int collect(const cc_scenario *s, const json_t *v, const char *lang, json_t *out, int depth)
{
    if (depth > 32)
        return 0;
    if (json_is_string(v)) {
        const char *t = json_string_value(v);
        if (json_object_get(out, t))
            return 0;
        /* the model's own pointer for this text, if it is one of its texts */
        for (size_t i = 0; i < s->ntranslations; i++) {
            const cc_translation *tr = &s->translations[i];
            if (strcmp(tr->text, t) != 0)
                continue;
            const char *in = cc_scenario_text_in(s, tr->text, lang);
            if (in && strcmp(in, t) != 0)
                return json_object_set_new(out, t, json_string(in)) ? -1 : 0;
            return 0;
        }
        return 0;
    }
    size_t i;
    const char *k;
    json_t *x;
    if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            if (collect(s, x, lang, out, depth + 1))
                return -1;
        }
    } else if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, x)
        {
            if (collect(s, x, lang, out, depth + 1))
                return -1;
        }
    }
    return 0;
}

json_t *cc_texts_seen(const cc_scenario *s, const json_t *seen, const char *lang)
{
    json_t *out = json_object();
    if (out && cc_scenario_has_language(s, lang) && collect(s, seen, lang, out, 0)) {
        json_decref(out);
        return NULL;
    }
    return out;
}

json_t *cc_texts_classes(const cc_scenario *s, const char *lang)
{
    json_t *out = json_object();
    size_t n = s->policy ? cc_label_policy_nclasses(s->policy) : 0;
    for (size_t r = 0; out && r < n; r++) {
        const char *name = cc_label_policy_class_name(s->policy, (int)r);
        const char *d = cc_scenario_class_display(s, (int)r, lang);
        if (name && d && json_object_set_new(out, name, json_string(d))) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}
