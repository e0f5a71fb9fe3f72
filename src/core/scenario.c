/* scenario — the scenario model's own rules, written once for every module that builds or reads
 * a cc_scenario (the loader, the checker, the engine's live edits, the MSEL and the server): the
 * names of its enumerations, identifiers, the reference syntax, the inject keys and the
 * originator rule, who a reference reaches and who may read it; and freeing and accessors. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/grow.h"
#include "core/lang.h"

#include "core/scenario.h"
#include "core/scenario_model.h"

/* ---- names ---------------------------------------------------------------------------- */

const char *const cc_channel_names[CC_CH_COUNT + 1] = {
    "message", "cable", "call", "email", "meeting", "vtc", "news", "intel-report", "statement", NULL};
const char *const cc_stage_kind_names[CC_STAGE_COUNT + 1] = {
    "notify", "acknowledge", "assess", "convene", "positions", "decide", "communicate", "custom", NULL};
const char *const cc_rule_names[CC_RULE_COUNT + 1] = {"unanimity", "majority", "lead", "silence", NULL};
const char *const cc_stage_mode_names[CC_MODE_COUNT + 1] = {"all", "any", "sequential", NULL};
const char *const cc_agent_event_names[CC_AEV_COUNT + 1] = {
    "inject",   "message", "request",    "stage",     "decision_open",
    "proposal", "waiting", "escalation", "objection", NULL};
const char *const cc_action_names[CC_ACT_COUNT + 1] = {
    "acknowledge", "share", "position", "vote", "propose", "object", "escalate", "review", "remind", NULL};

const char *cc_channel_name(cc_channel c)
{
    return (unsigned)c < CC_CH_COUNT ? cc_channel_names[c] : "?";
}

const char *cc_stage_kind_name(cc_stage_kind k)
{
    return (unsigned)k < CC_STAGE_COUNT ? cc_stage_kind_names[k] : "?";
}

const char *cc_rule_name(cc_rule r)
{
    return (unsigned)r < CC_RULE_COUNT ? cc_rule_names[r] : "?";
}

const char *cc_stage_mode_name(cc_stage_mode m)
{
    return (unsigned)m < CC_MODE_COUNT ? cc_stage_mode_names[m] : "?";
}

const char *cc_agent_event_name(cc_agent_event e)
{
    return (unsigned)e < CC_AEV_COUNT ? cc_agent_event_names[e] : "?";
}

const char *cc_action_name(cc_agent_action a)
{
    return (unsigned)a < CC_ACT_COUNT ? cc_action_names[a] : "?";
}

int cc_name_index(const char *const *names, const char *name)
{
    for (int i = 0; name && names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

/* ---- identifiers and references ------------------------------------------------------- */

bool cc_scenario_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > CC_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
            return false;
    }
    return true;
}

/* The prefix of each reference kind as written (cc_ref_kind order). */
static const char *const ref_prefix[] = {"", "cell:", "party:", "group:", ""};

cc_ref_syntax cc_scenario_ref_parse(const char *text, cc_ref *out)
{
    memset(out, 0, sizeof *out);
    out->index = -1;
    if (strcmp(text, "all") == 0) {
        out->kind = CC_REF_ALL;
        out->name = "all";
        return CC_REF_OK;
    }
    for (int k = CC_REF_CELL; k <= CC_REF_GROUP; k++) {
        size_t pl = strlen(ref_prefix[k]);
        if (strncmp(text, ref_prefix[k], pl) == 0) {
            out->kind = (cc_ref_kind)k;
            out->name = text + pl;
            return cc_scenario_id_ok(out->name) ? CC_REF_OK : CC_REF_BAD_NAME;
        }
    }
    out->kind = CC_REF_SEAT;
    out->name = text;
    if (strchr(text, ':'))
        return CC_REF_BAD_KIND;
    return cc_scenario_id_ok(text) ? CC_REF_OK : CC_REF_BAD_NAME;
}

int cc_scenario_ref_text(const cc_ref *r, char *buf, size_t size)
{
    return snprintf(buf, size, "%s%s", ref_prefix[r->kind], r->kind == CC_REF_ALL ? "all" : r->name);
}

int cc_scenario_seat_index(const cc_scenario *s, const char *id)
{
    for (size_t i = 0; id && i < s->nseats; i++)
        if (s->seats[i].id && strcmp(s->seats[i].id, id) == 0)
            return (int)i;
    return -1;
}

static bool seat_in_cell(const cc_seat *st, int cell)
{
    for (size_t k = 0; k < st->cell_index.n; k++)
        if (st->cell_index.v[k] == cell)
            return true;
    return false;
}

int cc_scenario_ref_has_seat(const cc_scenario *s, const cc_ref *x, size_t si)
{
    const cc_seat *st = &s->seats[si];
    if (st->evaluator && x->kind != CC_REF_SEAT)
        return 0; /* references by kind never reach an evaluator (docs/scenario-format.md) */
    switch (x->kind) {
    case CC_REF_SEAT: return x->index == (int)si;
    case CC_REF_CELL: return x->index >= 0 && seat_in_cell(st, x->index);
    case CC_REF_PARTY: return x->index >= 0 && st->party_index == x->index;
    case CC_REF_GROUP:
        if (x->index < 0 || !s->policy || st->party_index < 0)
            return 0;
        {
            int g = cc_label_policy_group(s->policy, s->groups[x->index].id);
            return g >= 0 && cc_partyset_has(cc_label_policy_group_members(s->policy, g), st->party_index);
        }
    case CC_REF_ALL: return 1;
    }
    return 0;
}

int cc_scenario_seat_reads(const cc_scenario *s, size_t si, const cc_labelspec *l)
{
    return l->valid && s->seats[si].clearance.cls >= 0 &&
           cc_label_permits(&l->label, &s->seats[si].clearance);
}

size_t cc_scenario_ref_readers(const cc_scenario *s, const cc_ref *x, const cc_labelspec *l, size_t *members)
{
    size_t m = 0, readers = 0;
    if (x->kind == CC_REF_SEAT) {
        /* cc_scenario_ref_has_seat holds for the seat x names and for no other */
        if (x->index >= 0 && (size_t)x->index < s->nseats) {
            m = 1;
            readers = (size_t)cc_scenario_seat_reads(s, (size_t)x->index, l);
        }
        if (members)
            *members = m;
        return readers;
    }
    /* cc_scenario_ref_has_seat for a reference by kind, its lookups made once for every seat */
    const cc_partyset *group = NULL;
    if (x->kind == CC_REF_GROUP && x->index >= 0 && s->policy) {
        int g = cc_label_policy_group(s->policy, s->groups[x->index].id);
        group = g >= 0 ? cc_label_policy_group_members(s->policy, g) : NULL;
    }
    for (size_t si = 0; si < s->nseats; si++) {
        const cc_seat *st = &s->seats[si];
        if (st->evaluator)
            continue;
        int in = 0;
        switch (x->kind) {
        case CC_REF_SEAT: break; /* above */
        case CC_REF_CELL: in = x->index >= 0 && seat_in_cell(st, x->index); break;
        case CC_REF_PARTY: in = x->index >= 0 && st->party_index == x->index; break;
        case CC_REF_GROUP:
            in = group && st->party_index >= 0 && cc_partyset_has(group, st->party_index);
            break;
        case CC_REF_ALL: in = 1; break;
        }
        if (!in)
            continue;
        m++;
        readers += (size_t)cc_scenario_seat_reads(s, si, l);
    }
    if (members)
        *members = m;
    return readers;
}

/* ---- injects ---------------------------------------------------------------------------- */

const char *const cc_inject_keys[CC_INJECT_NKEYS + 1] = {
    "id",         "title",   "body",  "label", "from",    "originator",
    "to",         "channel", "class", "at",    "trigger", "expected_actions",
    "objectives", "notes",   NULL};

int cc_scenario_control_party(const cc_scenario *s)
{
    if (s->control_cell < 0 || !s->cells[s->control_cell].id)
        return -1;
    const char *cid = s->cells[s->control_cell].id;
    for (size_t i = 0; i < s->nseats; i++)
        for (size_t k = 0; k < s->seats[i].cells.n; k++)
            if (s->seats[i].cells.v[k] && strcmp(s->seats[i].cells.v[k], cid) == 0)
                return s->seats[i].party_index;
    return -1;
}

int cc_scenario_inject_originator(const cc_scenario *s, const char *from, const char *originator)
{
    if (originator)
        return s->policy ? cc_label_policy_party(s->policy, originator) : -1;
    if (!from)
        return -1;
    if (strcmp(from, "control") == 0)
        return cc_scenario_control_party(s);
    int si = cc_scenario_seat_index(s, from);
    return si >= 0 ? s->seats[si].party_index : -1;
}

/* ---- distributions, as the scenario format writes them ------------------------------------ */

/* A duration of d's, in whole seconds. */
static const char *dist_dur(char *buf, size_t size, double s)
{
    cc_duration_format((int64_t)floor(s + 0.5), buf, size);
    return buf;
}

/* A number of d's: the shortest %g form that reads back as the same double. */
static const char *dist_num(char *buf, size_t size, double x)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

void cc_scenario_dist_write(const cc_dist *d, cc_buf *out)
{
    char a[48], b[48], c[48];
    switch (d->kind) {
    case CC_DIST_FIXED: cc_buf_printf(out, "{dist: fixed, value: %s}", dist_dur(a, sizeof a, d->a)); return;
    case CC_DIST_UNIFORM:
        cc_buf_printf(out, "{dist: uniform, min: %s, max: %s}", dist_dur(a, sizeof a, d->a),
                      dist_dur(b, sizeof b, d->b));
        return;
    case CC_DIST_EXPONENTIAL:
        cc_buf_printf(out, "{dist: exponential, mean: %s}", dist_dur(a, sizeof a, d->a));
        return;
    case CC_DIST_LOGNORMAL:
        cc_buf_printf(out, "{dist: lognormal, median: %s, sigma: %s}", dist_dur(a, sizeof a, exp(d->a)),
                      dist_num(b, sizeof b, d->b));
        return;
    case CC_DIST_GAMMA:
        cc_buf_printf(out, "{dist: gamma, shape: %s, scale: %s}", dist_num(a, sizeof a, d->a),
                      dist_dur(b, sizeof b, d->b));
        return;
    case CC_DIST_TRIANGULAR:
        cc_buf_printf(out, "{dist: triangular, min: %s, mode: %s, max: %s}", dist_dur(a, sizeof a, d->a),
                      dist_dur(b, sizeof b, d->b), dist_dur(c, sizeof c, d->c));
        return;
    case CC_DIST_EMPIRICAL:
        cc_buf_puts(out, "{dist: empirical, values: [");
        for (size_t i = 0; i < d->nvalues; i++)
            cc_buf_printf(out, "%s%s", i ? ", " : "", dist_dur(a, sizeof a, d->values[i]));
        cc_buf_puts(out, "]}");
        return;
    }
}

/* ---- seats' duty, positions ------------------------------------------------------------- */

const char *cc_scenario_pos_file(const cc_scenario *s, cc_pos *pos)
{
    if (s->agents_file && pos->line >= CC_POS_AGENTS_FILE) {
        pos->line -= CC_POS_AGENTS_FILE;
        return s->agents_file;
    }
    return s->file;
}

/* A seat's duty schedule (docs/scenario-format.md, "Duty and work time"): its 'duty', else its
 * agent's availability (working: office, always: watch); a seat without a party zone stands a
 * watch. The one construction the engine (agent delays) and calibration (observed work time) share. */
cc_duty cc_scenario_seat_duty(const cc_scenario *s, size_t si)
{
    const cc_seat *st = &s->seats[si];
    const cc_party *P = st->party_index >= 0 ? &s->parties[st->party_index] : NULL;
    cc_duty d = {CC_DUTY_OFFICE,         P ? P->zone : NULL,   P ? P->hours : (cc_workhours){0, 0, 0},
                 P ? P->holidays : NULL, P ? P->nholidays : 0, st->callout_s * 1000};
    if (st->has_duty)
        d.kind = st->duty;
    else if (st->agent_index >= 0 && s->agents[st->agent_index].always_available)
        d.kind = CC_DUTY_WATCH;
    if (st->own_hours)
        d.hours = st->hours;
    if (!d.zone)
        d.kind = CC_DUTY_WATCH;
    return d;
}

/* ---- the scenario as a value ------------------------------------------------------------ */

cc_err cc_scenario_set_endorsement(cc_scenario *s, const char *note, size_t len)
{
    if (!note) {
        s->endorsement = NULL;
        return CC_OK;
    }
    char *c = cc_arena_alloc(s->arena, len + 1);
    if (!c)
        return CC_ERR_NOMEM;
    memcpy(c, note, len);
    c[len] = 0;
    s->endorsement = c;
    return CC_OK;
}

void cc_scenario_free(cc_scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nparties; i++)
        cc_zone_free(s->parties[i].zone);
    cc_zone_free(s->zone);
    cc_label_policy_free(s->policy);
    free(s->translations);
    cc_arena_free(s->arena);
}

void cc_scenario_counts_get(const cc_scenario *s, cc_scenario_counts *o)
{
    *o = (cc_scenario_counts){s->nparties,       s->ngroups,     s->ncells,     s->nseats,
                              s->nobjectives,    s->ninjects,    s->ndecisions, s->nmechanisms,
                              s->nconsultations, s->nguidelines, s->nagents};
}

const char *cc_scenario_id(const cc_scenario *s)
{
    return s->id;
}

const char *cc_scenario_title(const cc_scenario *s)
{
    return s->title;
}

const cc_label_policy *cc_scenario_policy(const cc_scenario *s)
{
    return s ? s->policy : NULL;
}

void cc_scenario_hash_hex(const cc_scenario *s, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[s->hash[i] >> 4];
        out[2 * i + 1] = hex[s->hash[i] & 15];
    }
    out[64] = 0;
}

/* ---- languages ------------------------------------------------------------------------ */

size_t cc_scenario_nlanguages(const cc_scenario *s)
{
    return s ? s->languages.n : 0;
}

const char *cc_scenario_language(const cc_scenario *s, size_t i)
{
    return s && i < s->languages.n ? s->languages.v[i] : NULL;
}

const char *cc_scenario_authoritative_language(const cc_scenario *s)
{
    return cc_scenario_language(s, (size_t)s->authoritative);
}

/* Index of tag among the declared languages, -1 when not declared. */
static int lang_index(const cc_scenario *s, const char *tag)
{
    for (size_t i = 0; s && tag && i < s->languages.n; i++)
        if (cc_lang_eq(s->languages.v[i], tag))
            return (int)i;
    return -1;
}

int cc_scenario_has_language(const cc_scenario *s, const char *tag)
{
    return lang_index(s, tag) >= 0;
}

/* Order of translations: by the text's address, then language. */
static int tr_cmp(const void *a, const void *b)
{
    const cc_translation *x = a, *y = b;
    uintptr_t p = (uintptr_t)x->text, q = (uintptr_t)y->text;
    if (p != q)
        return p < q ? -1 : 1;
    return (x->lang > y->lang) - (x->lang < y->lang);
}

cc_err cc_scenario_translation_add(cc_scenario *s, const char *text, int lang, const char *value)
{
    cc_translation *t = cc_grow(s->translations, &s->translations_cap, s->ntranslations + 1, sizeof *t);
    if (!t)
        return CC_ERR_NOMEM;
    s->translations = t;
    t[s->ntranslations++] = (cc_translation){text, lang, value};
    return CC_OK;
}

void cc_scenario_translations_done(cc_scenario *s)
{
    if (s->ntranslations > 1)
        qsort(s->translations, s->ntranslations, sizeof *s->translations, tr_cmp);
}

const char *cc_scenario_text_in(const cc_scenario *s, const char *text, const char *lang)
{
    int li = lang_index(s, lang);
    if (!text || li < 0)
        return NULL;
    if (li == s->authoritative)
        return text;
    cc_translation key = {text, li, NULL};
    const cc_translation *t =
        s->ntranslations ? bsearch(&key, s->translations, s->ntranslations, sizeof key, tr_cmp) : NULL;
    return t ? t->value : NULL;
}

const char *cc_scenario_text_or(const cc_scenario *s, const char *text, const char *lang)
{
    const char *t = cc_scenario_text_in(s, text, lang);
    return t ? t : text;
}

const char *cc_scenario_class_display(const cc_scenario *s, int rank, const char *lang)
{
    if (!s || rank < 0 || (size_t)rank >= s->nclass_display)
        return NULL;
    return cc_scenario_text_in(s, s->class_display[rank], lang);
}
