/* engine_input — inputs of people and control (JSON objects): checked against the scenario,
 * logged, then applied or refused with a reason. Part of the engine (engine_int.h); the control
 * clock and injects added during play are carried out by engine_control.c. */
#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/engine_int.h"
#include "core/lang.h"

/* ---- inputs ----------------------------------------------------------------------------- */

static int find_id(const char *id, const void *base, size_t n, size_t size)
{
    for (size_t i = 0; id && i < n; i++) {
        const char *x = *(const char *const *)((const char *)base + i * size);
        if (x && strcmp(x, id) == 0)
            return (int)i;
    }
    return -1;
}

/* Where inject ids are looked up: the scenario, then the injects an engine added during play
 * (e), or the ids a file's earlier "add" inputs will add (added). */
typedef struct names {
    const cc_scenario *s;
    const cc_engine *e;
    const char *const *added;
    size_t nadded;
} names;

static int find_inject(const names *N, const char *id)
{
    if (!id)
        return -1;
    if (N->e)
        return cc_eng_find_inject(N->e, id);
    int i = find_id(id, N->s->injects, N->s->ninjects, sizeof *N->s->injects);
    for (size_t k = 0; i < 0 && k < N->nadded; k++)
        if (N->added[k] && strcmp(N->added[k], id) == 0)
            i = (int)(N->s->ninjects + k);
    return i;
}

enum {
    EX_NONE,
    EX_MESSAGE,
    EX_DOWNGRADE,
    EX_RATE,
    EX_NOTE,
    EX_EDIT,
    EX_ADD,
    EX_CLOCK,
    EX_AUDIT,
    EX_REQUEST,
    EX_PLAY,    /* control hands a seat to its agent or back (engine_play.c) */
    EX_STEER,   /* control steers: force, extend, reopen, skip (engine_steer.c) */
    EX_FORWARD, /* a person's share of a message, or of an inject under a label of its own */
    EX_EVAL     /* observe, answer, score, send, hotwash (engine_eval.c) */
};

/* ---- messages sent during a run ------------------------------------------------------------
 * A reply or a forward of message Mn takes the join of its own label and Mn's, and only a seat
 * that holds Mn (its sender, or a seat it was delivered to) may reply to it or forward it. So
 * each message keeps its effective label and a bitset of its holders, in blocks of MSG_BLOCK
 * records from the run's arena `added`: nothing per message beyond its record, all of it freed
 * with the arena. At most MSG_MAX messages a run; more are refused with a reason. */
#define MSG_BLOCK 256
#define MSG_MAX (1u << 20)

struct cc_eng_msgs {
    size_t words;                              /* holder bitset words per message */
    unsigned char *block[MSG_MAX / MSG_BLOCK]; /* MSG_BLOCK records of msg_stride() bytes each */
};

static size_t msg_stride(const struct cc_eng_msgs *m)
{
    return sizeof(cc_label) + m->words * sizeof(uint64_t);
}

/* Record of message n (1-based, n <= e->messages). */
static cc_label *msg_label(const cc_engine *e, uint64_t n)
{
    assert(n >= 1 && n <= e->messages && e->msgs);
    const struct cc_eng_msgs *m = e->msgs;
    return (cc_label *)(void *)(m->block[(n - 1) / MSG_BLOCK] + ((n - 1) % MSG_BLOCK) * msg_stride(m));
}

static uint64_t *msg_holders(const cc_engine *e, uint64_t n)
{
    return (uint64_t *)(void *)(msg_label(e, n) + 1);
}

static int msg_held(const cc_engine *e, uint64_t n, size_t seat)
{
    return (int)(msg_holders(e, n)[seat / 64] >> (seat % 64) & 1);
}

int cc_engine_message_held(const cc_engine *e, uint64_t n, size_t seat)
{
    return n >= 1 && n <= e->messages && seat < e->s->nseats && msg_held(e, n, seat);
}

/* Makes room for message e->messages + 1 (before it is counted); CC_ERR_LIMIT past MSG_MAX. */
static cc_err msg_reserve(cc_engine *e)
{
    if (e->messages == 0)
        e->msgs = NULL; /* a new run: the arena of an earlier one was freed by cc_engine_restart */
    if (e->messages >= MSG_MAX)
        return CC_ERR_LIMIT;
    if (!e->added && !(e->added = cc_arena_new(0)))
        return CC_ERR_NOMEM;
    if (!e->msgs) {
        if (!(e->msgs = cc_arena_alloc(e->added, sizeof *e->msgs)))
            return CC_ERR_NOMEM;
        e->msgs->words = (e->s->nseats + 63) / 64;
    }
    size_t b = (size_t)(e->messages / MSG_BLOCK);
    if (!e->msgs->block[b] && !(e->msgs->block[b] = cc_arena_array(e->added, MSG_BLOCK, msg_stride(e->msgs))))
        return CC_ERR_NOMEM;
    return CC_OK;
}

/* "M" and a number from 1 without leading zeros: the id of a message; 0 otherwise. */
static uint64_t msg_number(const char *id)
{
    if (!id || id[0] != 'M' || id[1] < '1' || id[1] > '9' || strlen(id) > 20)
        return 0;
    uint64_t n = 0;
    for (const char *c = id + 1; *c; c++) {
        if (*c < '0' || *c > '9' || n > (UINT64_MAX - 9) / 10)
            return 0;
        n = n * 10 + (uint64_t)(*c - '0');
    }
    return n;
}

typedef struct parsed_input {
    int extra;                /* EX_*: inputs that are not seat actions */
    cc_label label;           /* message, downgrade */
    int objective;            /* rate */
    int reply;                /* message: inject replied to, or -1 */
    uint64_t reply_msg;       /* message: message replied to (its number), 0 none */
    uint64_t msg;             /* share: message forwarded (its number), 0 none */
    int has_label;            /* share: a label of its own was given */
    const char *title, *body; /* edit */
    const json_t *edit_to;    /* edit: the input, when it gives new recipients ("to") */
    const char *reason;       /* edit, downgrade: control's reason */
    int64_t at_ms;            /* edit: new time, -1 none; jump: target */
    const json_t *inject;     /* add */
    int clock;                /* CLK_* */
    int32_t num, den;         /* speed */
    const char *rating;       /* rate */
    int control;              /* release / hold */
    char steer;               /* EX_STEER: 'f'orce, 'e'xtend, 'r'eopen, 's'kip */
    int hold;
    cc_agent_action action;
    int seat;
    uint32_t context; /* item code */
    const char *option, *text;
    const char *lang;  /* the language a written text is in (a language tag), NULL when not said */
    const char *stage; /* an act on a consultation: the stage it is for (NULL: the current one) */
    int to[64];
    size_t nto;
    cc_eng_eval_input ev; /* EX_EVAL */
} parsed_input;

#define BAD(...)                                                                                             \
    do {                                                                                                     \
        snprintf(why, whylen, __VA_ARGS__);                                                                  \
        return CC_ERR_INVALID;                                                                               \
    } while (0)

static cc_err parse_label(const cc_scenario *s, const json_t *in, int originator, cc_label *out, char *why,
                          size_t whylen)
{
    const char *banner = json_string_value(json_object_get(in, "label"));
    if (!banner)
        BAD("missing \"label\" (a banner such as \"SECRET//REL TO USA, KOR\")");
    cc_label_error le;
    if (cc_label_parse(s->policy, banner, strlen(banner), originator, out, &le) != CC_OK)
        BAD("\"label\" column %d: %s", le.col, le.message);
    return CC_OK;
}

/* The recipients of control's edit ("to"): 1 to 256 references (SEAT, cell:ID, party:CODE,
 * group:NAME or all), each naming something of the scenario, as an added inject's. */
static cc_err check_recipients(const cc_scenario *s, const json_t *to, char *why, size_t whylen)
{
    if (!json_is_array(to) || json_array_size(to) == 0 || json_array_size(to) > 256)
        BAD("\"to\" of \"edit\" must be a list of 1 to 256 recipients (SEAT, cell:ID, party:CODE, group:NAME "
            "or "
            "all)");
    for (size_t k = 0; k < json_array_size(to); k++) {
        const char *r = json_string_value(json_array_get(to, k));
        cc_ref x;
        if (!r || cc_scenario_ref_parse(r, &x) != CC_REF_OK)
            BAD("\"to\" entry %zu is not a recipient (SEAT, cell:ID, party:CODE, group:NAME or all)", k + 1);
        int found = x.kind == CC_REF_ALL;
        switch (x.kind) {
        case CC_REF_SEAT: found = find_id(x.name, s->seats, s->nseats, sizeof *s->seats) >= 0; break;
        case CC_REF_CELL: found = find_id(x.name, s->cells, s->ncells, sizeof *s->cells) >= 0; break;
        case CC_REF_PARTY: found = find_id(x.name, s->parties, s->nparties, sizeof *s->parties) >= 0; break;
        case CC_REF_GROUP: found = find_id(x.name, s->groups, s->ngroups, sizeof *s->groups) >= 0; break;
        case CC_REF_ALL: break;
        }
        if (!found)
            BAD("\"to\" entry %zu: '%.64s' names nothing of the scenario", k + 1, r);
    }
    return CC_OK;
}

static cc_err parse_extra(const names *N, const json_t *in, const char *act, parsed_input *p, char *why,
                          size_t whylen)
{
    const cc_scenario *s = N->s;
    const char *seat = json_string_value(json_object_get(in, "seat"));
    const char *inj = json_string_value(json_object_get(in, "inject"));
    p->text = json_string_value(json_object_get(in, "text"));
    if (seat && (p->seat = find_id(seat, s->seats, s->nseats, sizeof *s->seats)) < 0)
        BAD("\"seat\" must name a seat of the scenario");
    if (strcmp(act, "note") == 0) {
        p->extra = EX_NOTE;
        if (!p->text)
            BAD("\"note\" needs \"text\"");
        return CC_OK;
    }
    if (strcmp(act, "rate") == 0) {
        p->extra = EX_RATE;
        const char *obj = json_string_value(json_object_get(in, "objective"));
        p->rating = json_string_value(json_object_get(in, "rating"));
        if ((p->objective = find_id(obj, s->objectives, s->nobjectives, sizeof *s->objectives)) < 0)
            BAD("\"rate\" needs \"objective\": an objective of the scenario");
        if (!p->rating || strlen(p->rating) != 1 || !strchr("PSMU", p->rating[0]))
            BAD("\"rating\" must be P, S, M or U (HSEEP)");
        return CC_OK; /* a seat's rating is refused when applied (logged) */
    }
    if (strcmp(act, "edit") == 0) {
        p->extra = EX_EDIT;
        int i = find_inject(N, inj);
        if (i < 0)
            BAD("\"edit\" needs \"inject\": an inject of the scenario or added by control");
        p->title = json_string_value(json_object_get(in, "title"));
        p->body = json_string_value(json_object_get(in, "body"));
        const char *at = json_string_value(json_object_get(in, "at"));
        p->has_label = json_object_get(in, "label") != NULL;
        p->reason = json_string_value(json_object_get(in, "reason"));
        if (json_object_get(in, "reason") && !p->reason)
            BAD("\"reason\" must be a string: why control changes the inject");
        if (json_object_get(in, "to")) {
            if (check_recipients(s, json_object_get(in, "to"), why, whylen) != CC_OK)
                return CC_ERR_INVALID;
            p->edit_to = in;
        }
        if (!p->title && !p->body && !at && !p->has_label && !p->edit_to)
            BAD("\"edit\" needs \"title\", \"body\", \"at\", \"label\" or \"to\"");
        if (at && cc_eng_parse_time(s, at, "at", &p->at_ms, why, whylen) != CC_OK)
            return CC_ERR_INVALID;
        if (p->title && !*p->title)
            BAD("\"title\" must not be empty");
        p->context = ITEM(CC_ITEM_INJECT, (size_t)i);
        if (!p->has_label)
            return CC_OK;
        /* a new label before release, for the inject's own originator */
        int orig = N->e                      ? N->e->inj[i].label.label.originator
                   : (size_t)i < s->ninjects ? s->injects[i].label.label.originator
                                             : -1;
        return parse_label(s, in, orig, &p->label, why, whylen);
    }
    if (strcmp(act, "downgrade") == 0) {
        p->extra = EX_DOWNGRADE;
        int i = find_inject(N, inj);
        if (i < 0)
            BAD("\"downgrade\" needs \"inject\": an inject of the scenario or added by control");
        p->reason = json_string_value(json_object_get(in, "reason"));
        if (!p->reason || !*p->reason)
            BAD("\"downgrade\" needs \"reason\": why seats may now read what they could not");
        p->context = ITEM(CC_ITEM_INJECT, (size_t)i);
        /* an added inject's originator is checked again when the downgrade is applied */
        int orig = N->e                      ? N->e->inj[i].label.label.originator
                   : (size_t)i < s->ninjects ? s->injects[i].label.label.originator
                                             : -1;
        return parse_label(s, in, orig, &p->label, why, whylen);
    }
    p->extra = EX_MESSAGE;
    p->reply = -1;
    if (p->seat < 0)
        BAD("\"message\" needs \"seat\": the sender");
    if (!p->text)
        BAD("\"message\" needs \"text\"");
    json_t *to = json_object_get(in, "to");
    if (!json_is_array(to) || json_array_size(to) == 0 || json_array_size(to) > 64)
        BAD("\"message\" needs \"to\": a list of 1 to 64 seats");
    for (size_t k = 0; k < json_array_size(to); k++) {
        int t = find_id(json_string_value(json_array_get(to, k)), s->seats, s->nseats, sizeof *s->seats);
        if (t < 0)
            BAD("\"to\" entry %zu is not a seat of the scenario", k + 1);
        p->to[p->nto++] = t;
    }
    const char *reply = json_string_value(json_object_get(in, "reply_to"));
    if (reply) {
        /* an inject id wins over a message id; whether message Mn was sent is checked when applied */
        int i = find_inject(N, reply);
        if (i < 0 && !(p->reply_msg = msg_number(reply)))
            BAD("\"reply_to\" must name an inject (of the scenario or added by control) or a message (M1, "
                "M2, ...)");
        p->reply = i;
    }
    return parse_label(s, in, s->seats[p->seat].party_index, &p->label, why, whylen);
}

static const char *const clock_actions[] = {"start", "pause", "resume", "speed", "jump"};

static int clock_action(const char *act)
{
    for (int k = 0; act && k < 5; k++)
        if (strcmp(act, clock_actions[k]) == 0)
            return CLK_START + k;
    return 0;
}

/* Members an input may have besides "do"; each is a string unless listed in typed(). */
static const char *const known[] = {
    "t",       "wall",  "do",       "seat",      "consultation", "decision", "inject", "option", "text",
    "to",      "label", "reply_to", "objective", "rating",       "title",    "body",   "at",     "factor",
    "message", "stage", "by",       "outcome",   "reason",       "duration", "lang"};

static cc_err parse_clock(const names *N, const json_t *in, int clk, parsed_input *p, char *why,
                          size_t whylen)
{
    static const char *const allowed[] = {NULL, "", "", "", "factor", "to"};
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)in, key, val)
    {
        if (strcmp(key, "do") != 0 && strcmp(key, "t") != 0 && strcmp(key, "wall") != 0 &&
            strcmp(key, allowed[clk]) != 0)
            BAD("\"%s\" takes no \"%.40s\"", clock_actions[clk - CLK_START], key);
    }
    p->extra = EX_CLOCK;
    p->clock = clk;
    if (clk == CLK_SPEED)
        return cc_eng_parse_factor(json_object_get(in, "factor"), &p->num, &p->den, why, whylen);
    if (clk == CLK_JUMP) {
        const char *to = json_string_value(json_object_get(in, "to"));
        if (!to)
            BAD("\"jump\" needs \"to\": a scenario time such as \"+1h30m\", \"+01:30\" or RFC 3339");
        return cc_eng_parse_time(N->s, to, "to", &p->at_ms, why, whylen);
    }
    return CC_OK;
}

/* 1 when v can go into the log as it is: the canonical encoding has integers of at most 53 bits
 * and no fractions, and inputs nest at most 8 deep. */
static int loggable(const json_t *v, int depth)
{
    const char *key;
    json_t *x;
    size_t k;
    if (depth > 8)
        return 0;
    switch (json_typeof(v)) {
    case JSON_REAL: return 0;
    case JSON_INTEGER:
        return json_integer_value(v) <= 9007199254740991LL && json_integer_value(v) >= -9007199254740991LL;
    case JSON_OBJECT:
        json_object_foreach((json_t *)v, key, x) if (!loggable(x, depth + 1)) return 0;
        return 1;
    case JSON_ARRAY: json_array_foreach(v, k, x) if (!loggable(x, depth + 1)) return 0; return 1;
    default: return 1;
    }
}

/* {"do":"audit","what":KIND,"about":SEAT,"detail":{...}}: a server's audit record (a join, a
 * refused join, a denied read), logged in the chain with everything else; changes no state. */
static cc_err parse_audit(const names *N, const json_t *in, parsed_input *p, char *why, size_t whylen)
{
    static const char *const kinds[] = {"session.join", "session.refused", "session.reissue", "access.denied",
                                        "access.read"};
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)in, key, val)
    {
        if (strcmp(key, "do") && strcmp(key, "t") && strcmp(key, "wall") && strcmp(key, "what") &&
            strcmp(key, "about") && strcmp(key, "detail"))
            BAD("unknown member \"%.40s\" of \"audit\"", key);
    }
    p->extra = EX_AUDIT;
    p->control = 1;
    p->text = json_string_value(json_object_get(in, "what"));
    int ok = 0;
    for (size_t i = 0; p->text && i < sizeof kinds / sizeof kinds[0]; i++)
        ok |= strcmp(p->text, kinds[i]) == 0;
    if (!ok)
        BAD("\"audit\" needs \"what\": session.join, session.refused, session.reissue, access.read or "
            "access.denied");
    const char *about = json_string_value(json_object_get(in, "about"));
    if (json_object_get(in, "about") && !about)
        BAD("\"about\" must be a seat id");
    p->reply = -1; /* the seat the record is about (not its actor: the server writes it) */
    if (about && (p->reply = find_id(about, N->s->seats, N->s->nseats, sizeof *N->s->seats)) < 0)
        BAD("\"about\" must name a seat of the scenario");
    p->inject = json_object_get(in, "detail");
    if (p->inject && (!json_is_object(p->inject) || !loggable(p->inject, 1)))
        BAD("\"detail\" must be an object of strings and integers");
    return CC_OK;
}

/* Every member is known, and a string unless its action checks it. */
static cc_err check_members(const json_t *in, int clk, int adding, char *why, size_t whylen)
{
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)in, key, val)
    {
        int ok = 0;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            ok |= strcmp(key, known[k]) == 0;
        if (!ok)
            BAD("unknown member \"%.40s\"", key);
        if (strcmp(key, "factor") == 0 || (strcmp(key, "to") == 0 && clk != CLK_JUMP) ||
            (strcmp(key, "inject") == 0 && adding))
            continue; /* checked with their action */
        if (!json_is_string(val))
            BAD("\"%s\" must be a string", key);
    }
    return CC_OK;
}

/* "add": control adds an inject (checked against the scenario when it is applied). */
static cc_err parse_add(const json_t *in, parsed_input *p, char *why, size_t whylen)
{
    p->extra = EX_ADD;
    p->inject = json_object_get(in, "inject");
    if (!json_is_object(p->inject))
        BAD("\"add\" needs \"inject\": an object with the fields of a scenario inject");
    if (!json_is_string(json_object_get(p->inject, "id")))
        BAD("\"add\": the inject needs \"id\" (a string)");
    if (json_object_size(in) >
        (size_t)(2 + (json_object_get(in, "t") != NULL) + (json_object_get(in, "wall") != NULL)))
        BAD("\"add\" takes only \"inject\"");
    return CC_OK;
}

/* The one item a seat's act is about: a message, a consultation, a decision or an inject. */
static cc_err parse_context(const names *N, const json_t *in, parsed_input *p, char *why, size_t whylen)
{
    const cc_scenario *s = N->s;
    const char *cons = json_string_value(json_object_get(in, "consultation"));
    const char *dec = json_string_value(json_object_get(in, "decision"));
    const char *inj = json_string_value(json_object_get(in, "inject"));
    const char *msg = json_string_value(json_object_get(in, "message"));
    int n = (cons != NULL) + (dec != NULL) + (inj != NULL) + (msg != NULL);
    if (n != 1)
        BAD("name exactly one of \"consultation\", \"decision\" and \"inject\" (or \"message\" for "
            "\"share\")");
    int i;
    if (msg) {
        if (!(p->msg = msg_number(msg)))
            BAD("\"message\" must name a message (M1, M2, ...)");
    } else if (cons) {
        if ((i = find_id(cons, s->consultations, s->nconsultations, sizeof *s->consultations)) < 0)
            BAD("no consultation \"%.64s\"", cons);
        p->context = ITEM(CC_ITEM_CONSULTATION, (size_t)i);
    } else if (dec) {
        if ((i = find_id(dec, s->decisions, s->ndecisions, sizeof *s->decisions)) < 0)
            BAD("no decision \"%.64s\"", dec);
        p->context = ITEM(CC_ITEM_DECISION, (size_t)i);
    } else {
        if ((i = find_inject(N, inj)) < 0)
            BAD("no inject \"%.64s\"", inj);
        p->context = ITEM(CC_ITEM_INJECT, (size_t)i);
    }
    return CC_OK;
}

/* "to" of escalate and share: 1 to 64 seats of the scenario. */
static cc_err parse_to(const cc_scenario *s, const json_t *to, const char *act, parsed_input *p, char *why,
                       size_t whylen)
{
    if (!json_is_array(to) || json_array_size(to) == 0 || json_array_size(to) > 64)
        BAD("%s", strcmp(act, "share") == 0 ? "\"share\" needs \"to\": a list of 1 to 64 seats"
                                            : "\"escalate\" takes \"to\": a list of 1 to 64 seats");
    for (size_t k = 0; k < json_array_size(to); k++) {
        int t = find_id(json_string_value(json_array_get(to, k)), s->seats, s->nseats, sizeof *s->seats);
        if (t < 0)
            BAD("\"to\" entry %zu is not a seat of the scenario", k + 1);
        p->to[p->nto++] = t;
    }
    return CC_OK;
}

/* A seat's act (acknowledge, position, vote, propose, object, share, escalate, remind). */
static cc_err parse_act(const names *N, const json_t *in, const char *act, parsed_input *p, char *why,
                        size_t whylen)
{
    const cc_scenario *s = N->s;
    int a = -1;
    for (int k = 0; k <= CC_ACT_REMIND;
         k++) /* "review" is an agent's action (people object or acknowledge) */
        if (k != CC_ACT_REVIEW && strcmp(act, cc_action_names[k]) == 0)
            a = k;
    if (a < 0)
        BAD("unknown action \"%.40s\" (acknowledge, position, vote, propose, object, share, escalate, "
            "remind, "
            "message, note, request, release, hold, edit, add, downgrade, rate, start, pause, resume, speed, "
            "jump)",
            act);
    p->action = (cc_agent_action)a;
    p->seat = find_id(json_string_value(json_object_get(in, "seat")), s->seats, s->nseats, sizeof *s->seats);
    if (p->seat < 0)
        BAD("\"seat\" must name a seat of the scenario");
    cc_err rc = parse_context(N, in, p, why, whylen);
    if (rc != CC_OK)
        return rc;
    int cons = json_object_get(in, "consultation") != NULL;
    if (p->action == CC_ACT_VOTE && !p->option)
        BAD("\"vote\" needs \"option\"");
    p->stage = json_string_value(json_object_get(in, "stage"));
    if (p->stage && (!cons || (p->action != CC_ACT_ACKNOWLEDGE && p->action != CC_ACT_POSITION &&
                               p->action != CC_ACT_VOTE && p->action != CC_ACT_OBJECT)))
        BAD("\"stage\" only applies to acknowledge, position, vote and object on a consultation");
    json_t *to = json_object_get(in, "to");
    if (p->action == CC_ACT_REMIND && !cons)
        BAD("\"remind\" needs \"consultation\"");
    if (p->action == CC_ACT_ESCALATE && to) {
        /* escalate a consultation to named seats (without "to": to its current stage's escalate_to) */
        if (!cons)
            BAD("\"to\" applies to \"escalate\" on a consultation");
        return parse_to(s, to, act, p, why, whylen);
    }
    if (p->action == CC_ACT_SHARE) {
        if ((rc = parse_to(s, to, act, p, why, whylen)) != CC_OK)
            return rc;
        /* a forward of a message, or under a label of its own, is carried out here (EX_FORWARD);
         * a plain forward of an inject as by an agent (engine_agent.c) */
        if (p->msg || json_object_get(in, "label")) {
            p->extra = EX_FORWARD;
            p->has_label = json_object_get(in, "label") != NULL;
            if (p->has_label)
                return parse_label(s, in, s->seats[p->seat].party_index, &p->label, why, whylen);
        }
    } else if (to) {
        BAD("\"to\" only applies to \"share\" and \"escalate\"");
    }
    return CC_OK;
}

/* Control steers (engine_steer.c): {"do": "force", "consultation", "outcome": "complete" | "fail",
 * "option"?, "reason"}, {"do": "extend", "consultation" | "decision", "duration"}, {"do": "reopen",
 * "consultation", "stage", "reason"?}, {"do": "skip", "inject", "reason"?}. */
static cc_err parse_steer(const names *N, const json_t *in, const char *act, parsed_input *p, char *why,
                          size_t whylen)
{
    const cc_scenario *s = N->s;
    const char *cons = json_string_value(json_object_get(in, "consultation"));
    const char *dec = json_string_value(json_object_get(in, "decision"));
    int c = cons ? find_id(cons, s->consultations, s->nconsultations, sizeof *s->consultations) : -1;
    int d = dec ? find_id(dec, s->decisions, s->ndecisions, sizeof *s->decisions) : -1;
    const char *seat = json_string_value(json_object_get(in, "seat"));
    if (seat && (p->seat = find_id(seat, s->seats, s->nseats, sizeof *s->seats)) < 0)
        BAD("\"seat\" must name a seat of the scenario");
    p->extra = EX_STEER;
    p->steer = act[0]; /* f, e, r, s */
    p->text = json_string_value(json_object_get(in, "reason"));
    if (act[0] == 's') {
        int i = find_inject(N, json_string_value(json_object_get(in, "inject")));
        if (i < 0)
            BAD("\"skip\" needs \"inject\": an inject of the scenario or added by control");
        p->context = ITEM(CC_ITEM_INJECT, (size_t)i);
        return CC_OK;
    }
    if (act[0] == 'e' && d >= 0 && !cons) {
        p->context = ITEM(CC_ITEM_DECISION, (size_t)d);
    } else if (c >= 0 && !dec) {
        p->context = ITEM(CC_ITEM_CONSULTATION, (size_t)c);
    } else {
        BAD("\"%s\" needs \"consultation\"%s: one of the scenario", act,
            act[0] == 'e' ? " or \"decision\"" : "");
    }
    if (act[0] == 'f') {
        const char *o = json_string_value(json_object_get(in, "outcome"));
        if (!o || (strcmp(o, "complete") != 0 && strcmp(o, "fail") != 0))
            BAD("\"force\" needs \"outcome\": \"complete\" (the stage ends as done) or \"fail\" (the "
                "consultation fails)");
        if (!p->text || !*p->text)
            BAD("\"force\" needs \"reason\": why control ends the stage");
        p->hold = o[0] == 'f';
        p->option = json_string_value(json_object_get(in, "option"));
    } else if (act[0] == 'e') {
        const char *du = json_string_value(json_object_get(in, "duration"));
        cc_time_error te;
        int64_t sec = 0;
        if (!du || cc_duration_parse(du, strlen(du), &sec, &te) != CC_OK || sec <= 0)
            BAD("\"extend\" needs \"duration\": how much longer, such as \"1h\" or \"30m\"");
        p->at_ms = sec * 1000;
    } else {
        p->stage = json_string_value(json_object_get(in, "stage"));
        if (!p->stage)
            BAD("\"reopen\" needs \"stage\": the stage of the consultation's mechanism to start again");
    }
    return CC_OK;
}

/* Does act carry a text its writer wrote, which "lang" may mark (docs/event-log.md)? */
static int written_act(const char *act)
{
    static const char *const acts[] = {"message", "note", "position", "propose"};
    for (size_t i = 0; act && i < sizeof acts / sizeof acts[0]; i++)
        if (strcmp(act, acts[i]) == 0)
            return 1;
    return 0;
}

static cc_err parse_input(const names *N, const json_t *in, parsed_input *p, char *why, size_t whylen)
{
    const cc_scenario *s = N->s;
    memset(p, 0, sizeof *p);
    p->seat = -1;
    p->at_ms = -1;
    if (!json_is_object(in))
        BAD("an input must be a JSON object");
    const char *act = json_string_value(json_object_get(in, "do"));
    if (act && strcmp(act, "audit") == 0)
        return parse_audit(N, in, p, why, whylen);
    int ev = cc_eng_eval_action(act);
    if (ev) {
        p->extra = EX_EVAL;
        if (!loggable(in, 0))
            BAD("numbers in an input must be integers, nested at most 8 deep");
        cc_err erc = cc_eng_eval_parse(s, in, ev, &p->ev, why, whylen);
        p->seat = p->ev.seat;
        return erc;
    }
    int clk = clock_action(act);
    int adding = act && strcmp(act, "add") == 0;
    cc_err rc = check_members(in, clk, adding, why, whylen);
    if (rc != CC_OK)
        return rc;
    if (!act)
        BAD("missing \"do\" (the action)");
    if (!loggable(in, 0))
        BAD("numbers in an input must be integers (write a fraction as a string: \"0.5\"), nested at most 8 "
            "deep");
    if (clk)
        return parse_clock(N, in, clk, p, why, whylen);
    if (json_object_get(in, "factor"))
        BAD("\"factor\" only applies to \"speed\"");
    if (adding)
        return parse_add(in, p, why, whylen);
    if (json_object_get(in, "title") || json_object_get(in, "body") || json_object_get(in, "at"))
        if (strcmp(act, "edit") != 0)
            BAD("\"title\", \"body\" and \"at\" only apply to \"edit\"");
    const char *seat = json_string_value(json_object_get(in, "seat"));
    const char *cons = json_string_value(json_object_get(in, "consultation"));
    const char *inj = json_string_value(json_object_get(in, "inject"));
    p->option = json_string_value(json_object_get(in, "option"));
    p->text = json_string_value(json_object_get(in, "text"));
    if (json_object_get(in, "by") && strcmp(act, "play") != 0) {
        /* control acting on a seat's behalf: the seat's act, recorded with who really acted */
        const char *by = json_string_value(json_object_get(in, "by"));
        if (!by || strcmp(by, "control") != 0 || !seat)
            BAD("\"by\" on a seat's act must be \"control\" (control acting on the seat's behalf)");
    }
    if (json_object_get(in, "message") && strcmp(act, "share") != 0)
        BAD("\"message\" only applies to \"share\" (the message forwarded, such as \"M3\")");
    p->lang = json_string_value(json_object_get(in, "lang"));
    if (json_object_get(in, "lang") && (!written_act(act) || !cc_lang_tag_ok(p->lang)))
        BAD("\"lang\" only applies to \"message\", \"note\", \"position\" and \"propose\": the language "
            "its text is written in, a tag such as \"ko\"");
    if (strcmp(act, "message") == 0 || strcmp(act, "downgrade") == 0 || strcmp(act, "rate") == 0 ||
        strcmp(act, "note") == 0 || strcmp(act, "edit") == 0)
        return parse_extra(N, in, act, p, why, whylen);
    if (strcmp(act, "request") == 0) {
        /* a seat asks for a consultation of the scenario now, instead of waiting for its trigger */
        p->extra = EX_REQUEST;
        p->seat = find_id(seat, s->seats, s->nseats, sizeof *s->seats);
        if (p->seat < 0)
            BAD("\"request\" needs \"seat\": the requesting seat");
        int c = find_id(cons, s->consultations, s->nconsultations, sizeof *s->consultations);
        if (c < 0)
            BAD("\"request\" needs \"consultation\": a consultation of the scenario");
        if (json_object_get(in, "decision") || inj || p->option || json_object_get(in, "to"))
            BAD("\"request\" takes only \"seat\" and \"consultation\"");
        p->context = ITEM(CC_ITEM_CONSULTATION, (size_t)c);
        return CC_OK;
    }
    if (strcmp(act, "force") == 0 || strcmp(act, "extend") == 0 || strcmp(act, "reopen") == 0 ||
        strcmp(act, "skip") == 0)
        return parse_steer(N, in, act, p, why, whylen);
    if (strcmp(act, "play") == 0) {
        /* control hands a seat to its agent policy, or back to a person */
        p->extra = EX_PLAY;
        p->seat = find_id(seat, s->seats, s->nseats, sizeof *s->seats);
        if (p->seat < 0)
            BAD("\"play\" needs \"seat\": the seat handed over");
        const char *by = json_string_value(json_object_get(in, "by"));
        if (!by || (strcmp(by, "agent") != 0 && strcmp(by, "person") != 0))
            BAD("\"play\" needs \"by\": \"agent\" (its agent policy plays the seat) or \"person\"");
        if (json_object_size(in) !=
            3u + (json_object_get(in, "t") != NULL) + (json_object_get(in, "wall") != NULL))
            BAD("\"play\" takes only \"seat\" and \"by\"");
        p->hold = by[0] == 'a';
        return CC_OK;
    }
    if (strcmp(act, "release") == 0 || strcmp(act, "hold") == 0) {
        p->control = 1;
        p->hold = act[0] == 'h';
        int i = find_inject(N, inj);
        if (i < 0)
            BAD("\"%s\" needs \"inject\": an inject of the scenario or added by control", act);
        p->context = ITEM(CC_ITEM_INJECT, (size_t)i);
        return CC_OK;
    }
    return parse_act(N, in, act, p, why, whylen);
}

cc_err cc_engine_check_input(const cc_scenario *s, const json_t *input, char *why, size_t whylen)
{
    return cc_engine_check_input_added(s, input, NULL, 0, why, whylen);
}

cc_err cc_engine_check_input_added(const cc_scenario *s, const json_t *input, const char *const *added,
                                   size_t nadded, char *why, size_t whylen)
{
    parsed_input p;
    names N = {s, NULL, added, nadded};
    return parse_input(&N, input, &p, why, whylen);
}

int cc_engine_input_is_clock(const json_t *input)
{
    return clock_action(json_string_value(json_object_get(input, "do"))) != 0;
}

/* Why the seat may not take this action now, or NULL when it may. */
static const char *refusal(const cc_engine *e, const parsed_input *p)
{
    const cc_scenario *s = e->s;
    size_t idx = ITEM_INDEX(p->context);
    cc_item_kind kind = ITEM_KIND(p->context);
    if (kind == CC_ITEM_CONSULTATION) {
        int stage = -1;
        if (p->stage && e->consult_state[idx] == ST_OPEN &&
            (stage = cc_eng_stage_index(e, idx, p->stage)) < 0)
            return "the consultation's mechanism has no such stage";
        return cc_eng_act_refusal(e, idx, (size_t)p->seat, p->action, stage);
    }
    if (kind == CC_ITEM_DECISION) {
        if (e->decision_state[idx] != ST_OPEN)
            return "the decision is not open";
        int gov = e->dec[idx].gov;
        if (gov && (p->action == CC_ACT_VOTE || p->action == CC_ACT_OBJECT)) {
            /* a decide stage governs the decision: its participants vote and object there */
            if (!e->cons[gov - 1].part[p->seat])
                return "the seat does not take part in the stage that decides this decision";
            if (p->action == CC_ACT_VOTE && cc_eng_option_index(e, idx, p->option) < 0)
                return "the decision has no such option";
            return NULL;
        }
        if (!e->dec[idx].decider[p->seat])
            return "the seat is not a decider of this decision";
        if (p->action == CC_ACT_VOTE && cc_eng_option_index(e, idx, p->option) < 0)
            return "the decision has no such option";
        if (p->action == CC_ACT_PROPOSE && !s->decisions[idx].proposals)
            return "the decision does not accept proposals";
        return NULL;
    }
    if (!cc_engine_seat_has(e, (size_t)p->seat, idx))
        return "the seat does not hold this inject";
    return NULL;
}

/* Adds {"do": act, kind: id, "option"?} to out when the seat's input would not be refused. */
static void afford(const cc_engine *e, json_t *out, parsed_input *p, cc_agent_action act, const char *kind,
                   const char *id, int waiting)
{
    p->action = act;
    if (refusal(e, p))
        return;
    json_t *a = json_pack("{s:s,s:s}", "do", cc_action_names[act], kind, id);
    if (a && p->option)
        json_object_set_new(a, "option", json_string(p->option));
    if (a && waiting)
        json_object_set_new(a, "waiting", json_true());
    json_array_append_new(out, a);
}

json_t *cc_engine_affordances(const cc_engine *e, size_t seat)
{
    const cc_scenario *s = e->s;
    json_t *out = json_array();
    if (!out || seat >= s->nseats || e->stopped)
        return out;
    parsed_input p;
    memset(&p, 0, sizeof p);
    p.seat = (int)seat;
    for (size_t c = 0; c < s->nconsultations; c++) {
        const char *id = s->consultations[c].id;
        if (e->consult_state[c] == ST_PENDING && s->consultations[c].requester_index == (int)seat) {
            json_array_append_new(out, json_pack("{s:s,s:s}", "do", "request", "consultation", id));
            continue;
        }
        if (e->consult_state[c] != ST_OPEN || !e->cons[c].cur)
            continue;
        p.context = ITEM(CC_ITEM_CONSULTATION, c);
        p.option = NULL;
        const crun *K = &e->cons[c];
        int expected = K->part[seat] && !K->acted[seat];
        afford(e, out, &p, CC_ACT_ACKNOWLEDGE, "consultation", id,
               expected && K->cur->kind != CC_STAGE_POSITIONS);
        afford(e, out, &p, CC_ACT_POSITION, "consultation", id,
               expected && K->cur->kind == CC_STAGE_POSITIONS);
        afford(e, out, &p, CC_ACT_OBJECT, "consultation", id, 0);
        afford(e, out, &p, CC_ACT_ESCALATE, "consultation", id, 0);
        afford(e, out, &p, CC_ACT_REMIND, "consultation", id, 0);
    }
    for (size_t d = 0; d < s->ndecisions; d++) {
        if (e->decision_state[d] != ST_OPEN)
            continue;
        const char *id = s->decisions[d].id;
        p.context = ITEM(CC_ITEM_DECISION, d);
        int expected = e->dec[d].vote[seat] < 0;
        for (size_t k = 0; k < cc_eng_noptions(e, d); k++) {
            p.option = cc_eng_option_id(e, d, k);
            afford(e, out, &p, CC_ACT_VOTE, "decision", id, expected);
        }
        p.option = NULL;
        afford(e, out, &p, CC_ACT_PROPOSE, "decision", id, 0);
        afford(e, out, &p, CC_ACT_OBJECT, "decision", id, 0);
    }
    return out;
}

json_t *cc_engine_upcoming(const cc_engine *e, size_t seat)
{
    const cc_scenario *s = e->s;
    json_t *out = json_array();
    for (size_t c = 0; out && seat < s->nseats && c < s->nconsultations; c++) {
        const crun *K = &e->cons[c];
        if (e->consult_state[c] != ST_OPEN || !K->cur || K->part[seat] || !e->cons_read[c * s->nseats + seat])
            continue;
        const cc_mechanism *M = &s->mechanisms[K->mech];
        for (size_t k = (size_t)K->stage + 1; k < M->nstages; k++)
            if (cc_eng_takes_part(e, c, k, seat)) {
                json_array_append_new(out,
                                      json_pack("{s:s,s:s?,s:s,s:s}", "consultation", s->consultations[c].id,
                                                "topic", s->consultations[c].topic, "stage", M->stages[k].id,
                                                "current", K->cur->id));
                break;
            }
    }
    return out;
}

static cc_err refuse(cc_engine *e, const char *actor, const char *reason, uint32_t item)
{
    return cc_eng_emit(e, CC_EV_INPUT_REFUSED, actor, NULL, json_pack("{s:s}", "reason", reason), item, 111);
}

/* Formats a label into a labelspec whose text lives in buf. */
static void labelspec_of(const cc_scenario *s, const cc_label *l, char *buf, size_t size, cc_labelspec *out)
{
    cc_label_format(s->policy, l, buf, size);
    *out = (cc_labelspec){.label = *l, .text = buf, .valid = true};
}

/* Why the seat may not derive an item from message n now (reply to it, forward it), or NULL;
 * not_held is the reason when the seat does not hold it. */
static const char *msg_refusal(const cc_engine *e, uint64_t n, size_t seat, const char *not_held, char *buf,
                               size_t size)
{
    if (n > e->messages) {
        snprintf(buf, size, "there is no message M%llu", (unsigned long long)n);
        return buf;
    }
    return msg_held(e, n, seat) ? NULL : not_held;
}

/* Seats among `to` that may read l now hold message n (the sender too: sender >= 0). */
static void msg_deliveries(cc_engine *e, uint64_t n, const cc_label *l, const int *to, size_t nto, int sender)
{
    uint64_t *h = msg_holders(e, n);
    if (sender >= 0)
        h[(size_t)sender / 64] |= (uint64_t)1 << (sender % 64);
    for (size_t k = 0; k < nto; k++)
        if (cc_label_permits(l, &e->s->seats[to[k]].clearance))
            h[(size_t)to[k] / 64] |= (uint64_t)1 << (to[k] % 64);
}

/* Joins a derived item's label with its source's into *out; NULL or why not. */
static const char *derive(const cc_label *own, const cc_label *source, cc_label *out)
{
    if (cc_label_join(own, source, out) != CC_OK)
        return "the labels cannot be combined";
    return NULL;
}

/* {"do":"message"}: a new message Mn under its label, joined with what it replies to (an inject
 * or an earlier message), delivered or denied to each seat of "to". */
static cc_err send_message(cc_engine *e, const parsed_input *p, const char *actor)
{
    const cc_scenario *s = e->s;
    cc_label eff = p->label;
    uint32_t ctx = 0;
    char why[64];
    const char *no = NULL;
    if (p->reply >= 0) {
        if (!cc_engine_seat_has(e, (size_t)p->seat, (size_t)p->reply))
            return refuse(e, actor, "the seat does not hold the item it replies to", 0);
        /* a reply is at least as strict as what it answers */
        no = derive(&p->label, &e->inj_label[p->reply].label, &eff);
        ctx = ITEM(CC_ITEM_INJECT, (size_t)p->reply);
    } else if (p->reply_msg) {
        no = msg_refusal(e, p->reply_msg, (size_t)p->seat, "the seat does not hold the item it replies to",
                         why, sizeof why);
        if (!no)
            no = derive(&p->label, msg_label(e, p->reply_msg), &eff);
    }
    if (no)
        return refuse(e, actor, no, 0);
    if (!cc_label_permits(&eff, &s->seats[p->seat].clearance))
        return refuse(e, actor, "the sender may not use a label it cannot read itself", 0);
    cc_err rc = msg_reserve(e);
    if (rc == CC_ERR_LIMIT) {
        snprintf(why, sizeof why, "the run has reached its limit of %u messages", MSG_MAX);
        return refuse(e, actor, why, 0);
    }
    if (rc)
        return rc;
    uint64_t n = ++e->messages;
    *msg_label(e, n) = eff;
    msg_deliveries(e, n, &eff, p->to, p->nto, p->seat);
    char id[32], buf[CC_LABEL_BANNER_MAX + 1];
    snprintf(id, sizeof id, "M%llu", (unsigned long long)n);
    cc_labelspec ls;
    labelspec_of(s, &eff, buf, sizeof buf, &ls);
    cc_ref refs[64];
    json_t *to = json_array();
    for (size_t k = 0; k < p->nto; k++) {
        refs[k] = (cc_ref){CC_REF_SEAT, s->seats[p->to[k]].id, p->to[k], {0, 0}};
        json_array_append_new(to, json_string(s->seats[p->to[k]].id));
    }
    cc_refs tr = {refs, p->nto, {0, 0}};
    json_t *j = json_pack("{s:s,s:s,s:s,s:o}", "kind", "message", "message", id, "text", p->text, "to", to);
    if (j && p->lang) /* stored as written, marked with its language */
        json_object_set_new(j, "lang", json_string(p->lang));
    if (j && p->reply >= 0)
        json_object_set_new(j, "reply_to", json_string(e->inj[p->reply].id));
    else if (j && p->reply_msg) {
        char src[32];
        snprintf(src, sizeof src, "M%llu", (unsigned long long)p->reply_msg);
        json_object_set_new(j, "reply_to", json_string(src));
    }
    rc = cc_eng_emit(e, CC_EV_MESSAGE, actor, ls.text, j, ctx, 123);
    if (rc == CC_OK)
        rc = cc_eng_deliver(e, "message", id, &ls, &tr, ctx, -1, p->reply >= 0 ? CC_AEV_MESSAGE : -1);
    return rc;
}

json_t *cc_engine_item_acts(const cc_engine *e, size_t seat, const char *id)
{
    json_t *out = json_array();
    if (!out || !id || seat >= e->s->nseats || e->stopped || e->s->seats[seat].evaluator)
        return out;
    static const char *const inject_acts[] = {"acknowledge", "escalate", "share", "reply"};
    int i = cc_eng_find_inject(e, id);
    uint64_t m = i < 0 ? msg_number(id) : 0;
    char buf[64];
    if (i >= 0 && cc_engine_seat_has(e, seat, (size_t)i)) { /* refusal(): the seat holds it */
        for (size_t k = 0; k < 4; k++)
            json_array_append_new(out, json_string(inject_acts[k]));
    } else if (m && !msg_refusal(e, m, seat, "not held", buf, sizeof buf)) {
        json_array_append_new(out, json_string("share"));
        json_array_append_new(out, json_string("reply"));
    }
    return out;
}

/* {"do":"share"} of a message, or of an inject with a "label": a forward under the join of the
 * source's label and the one given, as an agent's forward keeps the item's label. */
static cc_err forward(cc_engine *e, const parsed_input *p, const char *actor)
{
    const cc_scenario *s = e->s;
    char why[64], id[32], buf[CC_LABEL_BANNER_MAX + 1];
    const char *no = NULL;
    cc_label src, eff;
    if (p->msg) {
        no = msg_refusal(e, p->msg, (size_t)p->seat, "the seat does not hold this message", why, sizeof why);
        if (!no)
            src = *msg_label(e, p->msg);
        snprintf(id, sizeof id, "M%llu", (unsigned long long)p->msg);
    } else {
        size_t i = ITEM_INDEX(p->context);
        if (!cc_engine_seat_has(e, (size_t)p->seat, i))
            no = "the seat does not hold this inject";
        src = e->inj_label[i].label;
        snprintf(id, sizeof id, "%s", e->inj[i].id);
    }
    if (no)
        return refuse(e, actor, no, p->context);
    eff = src;
    if (p->has_label && (no = derive(&p->label, &src, &eff)) != NULL)
        return refuse(e, actor, no, p->context);
    if (!cc_label_permits(&eff, &s->seats[p->seat].clearance))
        return refuse(e, actor, "the sender may not use a label it cannot read itself", p->context);
    cc_labelspec ls;
    labelspec_of(s, &eff, buf, sizeof buf, &ls);
    cc_ref refs[64];
    for (size_t k = 0; k < p->nto; k++)
        refs[k] = (cc_ref){CC_REF_SEAT, s->seats[p->to[k]].id, p->to[k], {0, 0}};
    cc_refs tr = {refs, p->nto, {0, 0}};
    json_t *j = json_pack("{s:s,s:s,s:o}", "kind", "forward", p->msg ? "message" : "inject", id, "to",
                          cc_eng_refs_json(&tr));
    cc_err rc = cc_eng_emit(e, CC_EV_MESSAGE, actor, ls.text, j, p->context, 83);
    if (rc != CC_OK)
        return rc;
    if (p->msg) {
        msg_deliveries(e, p->msg, &eff, p->to, p->nto, -1);
        return cc_eng_deliver(e, "message", id, &ls, &tr, 0, -1, -1);
    }
    size_t i = ITEM_INDEX(p->context);
    cc_eng_seat_acts_on(e, (size_t)p->seat, i);
    return cc_eng_deliver(e, "inject", id, &ls, &tr, p->context, (int)i, CC_AEV_MESSAGE);
}

/* Control changes a released inject's label or recipients (docs/cli.md, "Control edits an
 * inject"): inject.edit, then inject.withdraw for each seat that held it and may no longer (the
 * new recipients do not name it, or the new label does not admit it), then a delivery to each
 * recipient that may read it now and did not hold it (a denial for a newly named one that may
 * not). to: the new recipients, NULL when unchanged. */
static cc_err edit_released(cc_engine *e, const parsed_input *p, const cc_refs *to)
{
    const cc_scenario *s = e->s;
    size_t i = ITEM_INDEX(p->context), n = s->nseats;
    if (p->title || p->body || p->at_ms >= 0)
        return refuse(e, NULL, "the inject was already released: only its label and recipients can change",
                      p->context);
    cc_labelspec *cur = &e->inj_label[i];
    if (p->has_label && !cc_label_dominates(&p->label, &cur->label) && (!p->reason || !*p->reason))
        return refuse(
            e, NULL, "the new label lets seats read what the old one did not: a downgrade needs a \"reason\"",
            p->context);
    uint8_t *old = malloc(3 * n), *now = old ? old + n : NULL, *give = old ? old + 2 * n : NULL;
    if (!old)
        return CC_ERR_NOMEM;
    cc_eng_mark_recipients(e, &e->inj[i].to);
    memcpy(old, e->seatmask, n);
    char from[CC_LABEL_BANNER_MAX + 1];
    snprintf(from, sizeof from, "%s", cur->text);
    if (p->has_label)
        labelspec_of(s, &p->label, e->inj_banner[i], sizeof e->inj_banner[i], cur);
    if (to)
        e->inj[i].to = *to;
    cc_eng_mark_recipients(e, &e->inj[i].to);
    memcpy(now, e->seatmask, n);
    json_t *j = json_pack("{s:s,s:b}", "inject", e->inj[i].id, "released", 1);
    if (j && p->has_label) {
        json_object_set_new(j, "label", json_string(cur->text));
        json_object_set_new(j, "from", json_string(from));
    }
    if (j && to)
        json_object_set_new(j, "to", cc_eng_refs_json(to));
    if (j && p->reason)
        json_object_set_new(j, "reason", json_string(p->reason));
    cc_err rc = cc_eng_emit(e, CC_EV_INJECT_EDIT, NULL, cur->text, j, p->context, 124);
    for (size_t k = 0; k < n && rc == CC_OK; k++) {
        int ok = cc_label_permits(&cur->label, &s->seats[k].clearance);
        give[k] = 0;
        if (!cc_engine_seat_has(e, k, i)) {
            give[k] = now[k] && (ok || !old[k]); /* a seat named before and still refused: nothing new */
            continue;
        }
        /* a seat that holds it by a forward (not named) keeps it while its label admits it */
        const char *lost = old[k] && !now[k] ? "recipients" : !ok ? "label" : NULL;
        if (!lost)
            continue;
        e->held[k * e->held_words + i / 64] &= ~((uint64_t)1 << (i % 64));
        rc = cc_eng_emit(
            e, CC_EV_INJECT_WITHDRAW, NULL, NULL,
            json_pack("{s:s,s:s,s:s}", "inject", e->inj[i].id, "seat", s->seats[k].id, "reason", lost),
            p->context, 128);
    }
    if (rc == CC_OK)
        rc = cc_eng_deliver_mask(e, "inject", e->inj[i].id, cur, give, NULL, p->context, (int)i,
                                 CC_AEV_INJECT);
    free(old);
    return rc;
}

/* Control edits an inject: before its release its title, body, time, label and recipients; after,
 * its label and recipients (edit_released). */
static cc_err apply_edit(cc_engine *e, const parsed_input *p, const char *actor)
{
    size_t i = ITEM_INDEX(p->context);
    if (p->seat >= 0)
        return refuse(e, actor, "only control may edit injects", p->context);
    cc_refs to = {0};
    if (p->edit_to) {
        char why[400];
        cc_err rc = cc_eng_edit_refs(e, p->edit_to, &to, why, sizeof why);
        if (rc == CC_ERR_INVALID)
            return refuse(e, NULL, why, p->context);
        if (rc != CC_OK)
            return rc;
    }
    if (e->inject_state[i] == ST_DONE)
        return edit_released(e, p, p->edit_to ? &to : NULL);
    char when[32], now[32], reason[160];
    if (p->at_ms >= 0 && p->at_ms < e->now_ms) {
        snprintf(reason, sizeof reason,
                 "the new time %s is before the current scenario time %s: release it instead",
                 cc_eng_time_text(p->at_ms, when, sizeof when), cc_eng_time_text(e->now_ms, now, sizeof now));
        return refuse(e, NULL, reason, p->context);
    }
    if (p->at_ms > e->s->duration_s * 1000)
        return refuse(e, NULL, "the new time is after the end of the exercise", p->context);
    char *t = p->title ? strdup(p->title) : NULL, *b = p->body ? strdup(p->body) : NULL;
    if ((p->title && !t) || (p->body && !b)) {
        free(t);
        free(b);
        return CC_ERR_NOMEM;
    }
    if (t) {
        free(e->inj_title[i]);
        e->inj_title[i] = t;
    }
    if (b) {
        free(e->inj_body[i]);
        e->inj_body[i] = b;
    }
    if (p->has_label) /* released under this label (docs/cli.md, edit) */
        labelspec_of(e->s, &p->label, e->inj_banner[i], sizeof e->inj_banner[i], &e->inj_label[i]);
    if (p->edit_to) /* released to these recipients */
        e->inj[i].to = to;
    json_t *j = json_pack("{s:s}", "inject", e->inj[i].id);
    if (j && p->has_label)
        json_object_set_new(j, "label", json_string(e->inj_label[i].text));
    if (j && p->title)
        json_object_set_new(j, "title", json_string(p->title));
    if (j && p->body)
        json_object_set_new(j, "body", json_string(p->body));
    if (j && p->edit_to)
        json_object_set_new(j, "to", cc_eng_refs_json(&to));
    if (j && p->reason)
        json_object_set_new(j, "reason", json_string(p->reason));
    if (p->at_ms < 0)
        return cc_eng_emit(e, CC_EV_INJECT_EDIT, NULL, e->inj_label[i].text, j, p->context, 124);
    /* the new time replaces the old time or trigger: earlier schedules become stale */
    e->inj_gen[i]++;
    e->inj[i].when.has_at = true;
    e->inj[i].when.has_trigger = false;
    e->inj[i].when.at_s = p->at_ms / 1000;
    if (j)
        json_object_set_new(j, "at_ms", json_integer(p->at_ms));
    cc_err rc = cc_eng_emit(e, CC_EV_INJECT_EDIT, NULL, e->inj_label[i].text, j, p->context, 124);
    if (rc == CC_OK)
        rc = cc_sched_push(&e->q, p->at_ms, K_FIRE, (uint32_t)p->context, e->inj_gen[i]);
    return rc;
}

/* Control steers (engine_steer.c); from a seat it is refused. */
static cc_err apply_steer(cc_engine *e, const parsed_input *p, const char *actor)
{
    if (p->seat >= 0)
        return refuse(e, actor, "only control steers the exercise", p->context);
    switch (p->steer) {
    case 'f': return cc_eng_force(e, ITEM_INDEX(p->context), p->hold, p->option, p->text);
    case 'e': return cc_eng_extend(e, p->context, p->at_ms);
    case 'r': return cc_eng_reopen(e, ITEM_INDEX(p->context), p->stage, p->text);
    default: return cc_eng_skip(e, ITEM_INDEX(p->context), p->text);
    }
}

static cc_err apply_extra(cc_engine *e, const parsed_input *p, const char *actor)
{
    const cc_scenario *s = e->s;
    switch (p->extra) {
    case EX_NOTE: {
        json_t *j = json_pack("{s:s}", "text", p->text);
        if (j && p->lang) /* stored as written, marked with its language */
            json_object_set_new(j, "lang", json_string(p->lang));
        return cc_eng_emit(e, CC_EV_NOTE, actor, NULL, j, 0, 120);
    }
    case EX_REQUEST: {
        size_t c = ITEM_INDEX(p->context);
        const cc_consultation *K = &s->consultations[c];
        if (e->consult_state[c] != ST_PENDING)
            return refuse(e, actor, "the consultation was already requested", p->context);
        if (K->requester_index != p->seat) {
            char why[200];
            snprintf(why, sizeof why, "only %s, its requester, may request consultation %s", K->requested_by,
                     K->id);
            return refuse(e, actor, why, p->context);
        }
        return cc_eng_fire(e, p->context);
    }
    case EX_AUDIT: {
        json_t *j = p->inject ? json_deep_copy(p->inject) : json_object();
        if (j && p->reply >= 0)
            json_object_set_new(j, "about", json_string(s->seats[p->reply].id));
        return cc_eng_emit(e, cc_evtype_of(p->text), NULL, NULL, j, 0, 126);
    }
    case EX_RATE: {
        if (p->seat >= 0)
            return refuse(e, actor, "only control may rate objectives", 0);
        json_t *j = json_pack("{s:s,s:s}", "objective", s->objectives[p->objective].id, "rating", p->rating);
        if (j && p->text)
            json_object_set_new(j, "text", json_string(p->text));
        return cc_eng_emit(e, CC_EV_OBJECTIVE_RATING, NULL, NULL, j, 0, 121);
    }
    case EX_CLOCK: return cc_eng_clock(e, p->clock, p->num, p->den, p->at_ms);
    case EX_PLAY: return cc_eng_play(e, (size_t)p->seat, p->hold);
    case EX_STEER: return apply_steer(e, p, actor);
    case EX_ADD: return cc_eng_add_inject(e, p->inject);
    case EX_EDIT: return apply_edit(e, p, actor);
    case EX_DOWNGRADE: {
        size_t i = ITEM_INDEX(p->context);
        cc_labelspec *cur = &e->inj_label[i];
        if (p->seat >= 0)
            return refuse(e, actor, "only control may downgrade", p->context);
        if (!cc_label_dominates(&cur->label, &p->label))
            return refuse(e, NULL, "the new label is not a downgrade of the current one", p->context);
        char old[CC_LABEL_BANNER_MAX + 1];
        snprintf(old, sizeof old, "%s", cur->text);
        labelspec_of(s, &p->label, e->inj_banner[i], sizeof e->inj_banner[i], cur);
        cc_err rc = cc_eng_emit(e, CC_EV_LABEL_DOWNGRADE, NULL, cur->text,
                                json_pack("{s:s,s:s,s:s,s:s}", "inject", e->inj[i].id, "from", old, "to",
                                          cur->text, "reason", p->reason),
                                p->context, 122);
        if (rc || e->inject_state[i] != ST_DONE)
            return rc;
        /* seats it was addressed to that may read it now receive it */
        cc_eng_mark_recipients(e, &e->inj[i].to);
        for (size_t k = 0; k < s->nseats && rc == CC_OK; k++) {
            if (!e->seatmask[k] || cc_engine_seat_has(e, k, i) ||
                !cc_label_permits(&cur->label, &s->seats[k].clearance))
                continue;
            cc_ref one = {CC_REF_SEAT, s->seats[k].id, (int)k, {0, 0}};
            cc_refs to = {&one, 1, {0, 0}};
            rc = cc_eng_deliver(e, "inject", e->inj[i].id, cur, &to, p->context, (int)i, CC_AEV_INJECT);
            cc_eng_mark_recipients(e, &e->inj[i].to); /* deliver reused the scratch mask */
        }
        return rc;
    }
    case EX_MESSAGE: return send_message(e, p, actor);
    case EX_FORWARD: return forward(e, p, actor);
    case EX_EVAL: return cc_eng_eval_apply(e, &p->ev, actor);
    }
    return CC_OK;
}

/* Logs and applies an input that parse_input accepted. */
static cc_err apply_parsed(cc_engine *e, const parsed_input *pp, const char *actor);

static cc_err apply_input(cc_engine *e, const json_t *input, const parsed_input *pp)
{
    parsed_input p = *pp;
    json_t *copy = json_deep_copy(input);
    if (!copy)
        return CC_ERR_NOMEM;
    json_object_del(copy, "t");
    json_object_del(copy, "wall");
    /* control's "play" names the seat it hands over; the seat does not act */
    const char *actor = p.seat >= 0 && p.extra != EX_PLAY ? e->s->seats[p.seat].id : NULL;
    cc_err rc = cc_eng_emit(e, CC_EV_INPUT, actor, NULL, copy, p.context, 110);
    if (rc)
        return rc;
    cc_eng_written(e, p.text, p.lang);
    rc = apply_parsed(e, &p, actor);
    cc_eng_written(e, NULL, NULL);
    return rc;
}

/* The input p, taken by actor (its input event already emitted). */
static cc_err apply_parsed(cc_engine *e, const parsed_input *pp, const char *actor)
{
    parsed_input p = *pp;
    /* an evaluator observes and notes; anything else of it is refused (docs/scenario-format.md) */
    if (p.seat >= 0 && e->s->seats[p.seat].evaluator && p.extra != EX_NOTE &&
        !(p.extra == EX_EVAL && cc_eng_eval_observes(&p.ev)))
        return cc_eng_emit(e, CC_EV_INPUT_REFUSED, actor, NULL,
                           json_pack("{s:s}", "reason", "an evaluator observes and never acts in play"),
                           p.context, 111);
    if (p.extra)
        return apply_extra(e, &p, actor);
    size_t idx = ITEM_INDEX(p.context);
    if (p.control) {
        if (p.hold) {
            if (e->inject_state[idx] != ST_PENDING)
                return cc_eng_emit(e, CC_EV_INPUT_REFUSED, NULL, NULL,
                                   json_pack("{s:s}", "reason",
                                             e->inject_state[idx] == ST_HELD
                                                 ? "the inject is already held"
                                                 : "the inject was already released"),
                                   p.context, 111);
            e->inject_state[idx] = ST_HELD;
            return cc_eng_emit(e, CC_EV_INJECT_HOLD, NULL, e->inj[idx].label.text,
                               json_pack("{s:s}", "inject", e->inj[idx].id), p.context, ST_HELD);
        }
        if (e->inject_state[idx] == ST_DONE)
            return cc_eng_emit(e, CC_EV_INPUT_REFUSED, NULL, NULL,
                               json_pack("{s:s}", "reason", "the inject was already released"), p.context,
                               111);
        e->inject_state[idx] = ST_PENDING;
        return cc_eng_release_inject(e, idx);
    }
    const char *no = refusal(e, &p);
    if (no)
        return cc_eng_emit(e, CC_EV_INPUT_REFUSED, actor, NULL, json_pack("{s:s}", "reason", no), p.context,
                           111);
    if (p.stage && ITEM_KIND(p.context) == CC_ITEM_CONSULTATION) {
        /* an act for a later stage is held for it (docs/scenario-format.md) */
        int k = cc_eng_stage_index(e, idx, p.stage);
        if (k != e->cons[idx].stage) {
            int d = e->s->consultations[idx].decision_index;
            int opt = p.action == CC_ACT_VOTE && d >= 0 ? cc_eng_option_index(e, (size_t)d, p.option) : -1;
            return cc_eng_hold_act(e, idx, (size_t)p.seat, k, p.action, opt, p.text);
        }
    }
    cc_ref refs[64];
    for (size_t k = 0; k < p.nto; k++)
        refs[k] = (cc_ref){CC_REF_SEAT, e->s->seats[p.to[k]].id, p.to[k], {0, 0}};
    cc_refs to = {refs, p.nto, {0, 0}};
    return cc_eng_do_action(e, (size_t)p.seat, p.action, p.context, p.option, p.text, &to);
}

static cc_err parse_for(cc_engine *e, const json_t *input, parsed_input *p, char *why, size_t whylen)
{
    names N = {e->s, e, NULL, 0};
    cc_err rc = parse_input(&N, input, p, why, whylen);
    if (rc == CC_OK && p->extra == EX_CLOCK && !e->o.live_clock)
        BAD("\"%s\" needs the control clock of a wall-driven run (time the inputs with \"wall\", not \"t\")",
            clock_actions[p->clock - CLK_START]);
    return rc;
}

cc_err cc_engine_input(cc_engine *e, const json_t *input, char *why, size_t whylen)
{
    parsed_input p;
    cc_err rc = parse_for(e, input, &p, why, whylen);
    if (rc)
        return rc;
    if (e->stopped)
        return CC_ERR_IO;
    return apply_input(e, input, &p);
}

cc_err cc_engine_input_at(cc_engine *e, int64_t wall_ms, const json_t *input, char *why, size_t whylen)
{
    parsed_input p;
    cc_err rc = parse_for(e, input, &p, why, whylen);
    if (rc == CC_OK)
        rc = cc_engine_advance_wall(e, wall_ms);
    if (rc == CC_OK)
        rc = apply_input(e, input, &p);
    return rc;
}
