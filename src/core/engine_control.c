/* engine_control — control's hold on time and content during play: the control clock (start,
 * pause, resume, speed, jump) that maps wall time to scenario time in wall-driven runs, and
 * injects added live, checked by the same rules as the scenario's. Part of the engine
 * (engine_int.h). Everything stays scheduled in scenario time, so no control action can make
 * an inject or a deadline fire twice or at the wrong scenario time. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/engine_int.h"
#include "core/suggest.h"

#define MAX_ADDED 100000 /* injects control may add to one run */

/* ---- times and speeds ---------------------------------------------------------------- */

const char *cc_eng_time_text(int64_t ms, char *buf, size_t size)
{
    if (size < 2)
        return "";
    buf[0] = '+';
    cc_duration_format(ms / 1000, buf + 1, size - 1);
    return buf;
}

/* "+H:MM" or "+H:MM:SS" (hours of any length); 1 when text has that form. */
static int parse_hhmm(const char *text, int64_t *s)
{
    if (text[0] != '+')
        return 0;
    int64_t part[3] = {0, 0, 0};
    int n = 0, digits = 0;
    for (const char *p = text + 1;; p++) {
        if (*p >= '0' && *p <= '9') {
            if (++digits > 7)
                return 0;
            part[n] = part[n] * 10 + (*p - '0');
        } else if ((*p == ':' || *p == 0) && digits > 0 && (n == 0 || digits == 2)) {
            n++;
            digits = 0;
            if (*p == 0 || n == 3)
                break;
        } else {
            return 0;
        }
    }
    if (n < 2 || part[1] > 59 || part[2] > 59 || text[strlen(text) - 1] == ':')
        return 0;
    *s = part[0] * 3600 + part[1] * 60 + part[2];
    return 1;
}

cc_err cc_eng_parse_time(const cc_scenario *s, const char *text, const char *what, int64_t *ms, char *why,
                         size_t whylen)
{
    int64_t sec;
    if (parse_hhmm(text, &sec)) {
        *ms = sec * 1000;
        return CC_OK;
    }
    cc_time_error te;
    if (cc_time_parse_scenario(text, strlen(text), s->start_unix, &sec, &te) != CC_OK) {
        snprintf(why, whylen, "\"%s\": %s", what, te.message);
        return CC_ERR_INVALID;
    }
    *ms = sec * 1000;
    return CC_OK;
}

static int64_t gcd(int64_t a, int64_t b)
{
    while (b) {
        int64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

cc_err cc_eng_parse_factor(const json_t *v, int32_t *num, int32_t *den, char *why, size_t whylen)
{
    int64_t n = 0, d = 1;
    if (!v) {
        snprintf(why, whylen,
                 "\"speed\" needs \"factor\": scenario time per wall time, e.g. 2, \"0.5\", \"1/4\"");
        return CC_ERR_INVALID;
    }
    if (json_is_integer(v)) {
        n = json_integer_value(v);
        if (n < 1 || n > CC_CLOCK_MAX_SPEED)
            n = -1;
    } else if (json_is_string(v)) {
        const char *t = json_string_value(v);
        const char *slash = strchr(t, '/');
        const char *dot = strchr(t, '.');
        int ok = *t != 0, frac = 0, part = 0;
        for (const char *p = t; *p && ok; p++) {
            if (*p >= '0' && *p <= '9') {
                if (++part > 7)
                    ok = 0;
                else if (slash && p > slash)
                    d = (p == slash + 1 ? 0 : d * 10) + (*p - '0');
                else
                    n = n * 10 + (*p - '0');
                frac += dot && p > dot;
            } else if ((*p == '/' && p == slash && !dot) || (*p == '.' && p == dot && !slash)) {
                ok = part > 0;
                part = 0;
            } else {
                ok = 0;
            }
        }
        if (!ok || part == 0 || frac > 3) {
            snprintf(why, whylen, "\"factor\": '%.40s' is not a speed (write 2, \"0.5\" or \"1/4\")", t);
            return CC_ERR_INVALID;
        }
        for (int k = 0; dot && k < frac; k++)
            d *= 10;
        if (d == 0)
            n = -1;
    } else {
        snprintf(why, whylen, "\"factor\" must be an integer or a string such as \"0.5\" or \"1/4\"");
        return CC_ERR_INVALID;
    }
    if (n <= 0 || n * 100 < d || n > (int64_t)CC_CLOCK_MAX_SPEED * d) {
        snprintf(why, whylen, "\"factor\" must be between 0.01 and %d", CC_CLOCK_MAX_SPEED);
        return CC_ERR_INVALID;
    }
    int64_t g = gcd(n, d);
    *num = (int32_t)(n / g);
    *den = (int32_t)(d / g);
    return CC_OK;
}

/* "2", "0.5", "1/3": the speed as the log writes it. */
static const char *speed_text(int32_t num, int32_t den, char *buf, size_t size)
{
    if (den == 1)
        snprintf(buf, size, "%d", (int)num);
    else if (1000 % den == 0) {
        int64_t milli = (int64_t)num * (1000 / den);
        int w = 3;
        while (w > 0 && milli % 10 == 0) {
            milli /= 10;
            w--;
        }
        int64_t p10 = 1;
        for (int k = 0; k < w; k++)
            p10 *= 10;
        snprintf(buf, size, "%lld.%0*lld", (long long)(milli / p10), w, (long long)(milli % p10));
    } else
        snprintf(buf, size, "%d/%d", (int)num, (int)den);
    return buf;
}

/* ---- the control clock ---------------------------------------------------------------- */

static cc_err refuse(cc_engine *e, const char *reason, uint32_t item)
{
    return cc_eng_emit(e, CC_EV_INPUT_REFUSED, NULL, NULL, json_pack("{s:s}", "reason", reason), item, 111);
}

cc_err cc_eng_clock(cc_engine *e, int action, int32_t num, int32_t den, int64_t to_ms)
{
    static const cc_evtype types[] = {CC_EV_UNKNOWN,      CC_EV_CLOCK_START, CC_EV_CLOCK_PAUSE,
                                      CC_EV_CLOCK_RESUME, CC_EV_CLOCK_SPEED, CC_EV_CLOCK_JUMP};
    cc_clock *c = &e->clk;
    char reason[200], a[32], b[32], sp[32];
    const char *no = NULL;
    int64_t w = e->wall_ms, from = e->now_ms;
    speed_text(c->speed_num, c->speed_den, sp, sizeof sp);
    switch (action) {
    case CLK_START:
        if (c->started)
            no = "the clock is already started";
        else
            cc_clock_start(c, w);
        break;
    case CLK_PAUSE:
        if (!c->started)
            no = "the clock has not started";
        else if (!c->running)
            no = "the clock is already paused";
        else
            cc_clock_pause(c, w);
        break;
    case CLK_RESUME:
        if (!c->started)
            no = "the clock has not started";
        else if (c->running)
            no = "the clock is not paused";
        else
            cc_clock_resume(c, w);
        break;
    case CLK_SPEED:
        if (cc_clock_speed(c, w, num, den) != CC_OK)
            no = "the speed is out of range";
        break;
    case CLK_JUMP:
        if (e->st.ended) {
            no = "the exercise has ended";
        } else if (to_ms < e->now_ms) {
            snprintf(reason, sizeof reason,
                     "the clock only jumps forward: %s is before the current scenario time %s",
                     cc_eng_time_text(to_ms, a, sizeof a), cc_eng_time_text(e->now_ms, b, sizeof b));
            no = reason;
        } else if (to_ms > e->s->duration_s * 1000) {
            snprintf(reason, sizeof reason, "%s is after the end of the exercise (%s)",
                     cc_eng_time_text(to_ms, a, sizeof a),
                     cc_eng_time_text(e->s->duration_s * 1000, b, sizeof b));
            no = reason;
        } else if (cc_clock_jump(c, w, to_ms) != CC_OK) {
            no = "the clock only jumps forward";
        }
        break;
    default: return CC_ERR_ARG;
    }
    if (no)
        return refuse(e, no, 0);
    json_t *p = json_pack("{s:b,s:b,s:s}", "started", c->started, "running", c->running, "speed",
                          speed_text(c->speed_num, c->speed_den, b, sizeof b));
    if (p && action == CLK_SPEED)
        json_object_set_new(p, "previous", json_string(sp));
    if (p && action == CLK_JUMP) {
        json_object_set_new(p, "from_ms", json_integer(from));
        json_object_set_new(p, "to_ms", json_integer(to_ms));
    }
    /* the clock's state is not a counter: it enters the digest as extra words */
    uint64_t extra[5] = {(uint64_t)c->started, (uint64_t)c->running, (uint64_t)c->speed_num,
                         (uint64_t)c->speed_den, (uint64_t)c->anchor_scn_ms};
    cc_err rc = cc_eng_emit_ext(e, types[action], "control", NULL, p, 0, 130 + action, extra, 5);
    if (rc == CC_OK && (action == CLK_JUMP || action == CLK_START || action == CLK_RESUME)) {
        /* everything due up to the target (or now), in order, each at its own scenario time */
        rc = cc_eng_run(e, action == CLK_JUMP ? to_ms : e->now_ms, w);
        e->wall_ms = w;
    }
    return rc;
}

cc_err cc_engine_advance_wall(cc_engine *e, int64_t wall_ms)
{
    if (!e->o.live_clock || e->st.events == 0)
        return CC_ERR_ARG;
    if (wall_ms < 0)
        return CC_ERR_RANGE;
    if (e->stopped)
        return CC_ERR_IO;
    cc_err rc = CC_OK;
    if (e->clk.running && !e->st.ended)
        rc = cc_eng_run(e, cc_clock_now(&e->clk, wall_ms), wall_ms);
    e->wall_ms = wall_ms;
    return rc;
}

int64_t cc_engine_next_due_wall(const cc_engine *e)
{
    if (!e->o.live_clock || !e->clk.running || e->st.ended || e->stopped)
        return INT64_MAX;
    const cc_sched_ev *top = cc_sched_peek(&e->q);
    if (!top)
        return INT64_MAX;
    int64_t w = cc_clock_wall_at(&e->clk, top->time);
    return w < e->wall_ms ? e->wall_ms : w;
}

int64_t cc_engine_wall_at(const cc_engine *e, int64_t scenario_ms)
{
    if (!e->o.live_clock || !e->clk.running)
        return INT64_MAX;
    int64_t w = cc_clock_wall_at(&e->clk, scenario_ms);
    return w < e->wall_ms ? e->wall_ms : w;
}

void cc_engine_clock_get(const cc_engine *e, int64_t wall_ms, cc_engine_clock *out)
{
    const cc_clock *c = &e->clk;
    *out = (cc_engine_clock){.live = e->o.live_clock,
                             .started = c->started,
                             .running = c->running,
                             .speed_num = c->speed_num,
                             .speed_den = c->speed_den,
                             .scenario_ms = e->now_ms,
                             .next_due_wall_ms = cc_engine_next_due_wall(e)};
    if (e->o.live_clock && c->running && !e->st.ended) {
        int64_t t = cc_clock_now(c, wall_ms);
        if (t > out->scenario_ms)
            out->scenario_ms = t;
    }
}

/* ---- injects added during play ---------------------------------------------------------- */

int cc_eng_find_inject(const cc_engine *e, const char *id)
{
    for (size_t i = 0; id && i < e->ninj; i++)
        if (e->inj[i].id && strcmp(e->inj[i].id, id) == 0)
            return (int)i;
    return -1;
}

static int grow(void **p, size_t n, size_t size, size_t old)
{
    void *q = realloc(*p, n * size);
    if (!q)
        return -1;
    memset((char *)q + old * size, 0, (n - old) * size);
    *p = q;
    return 0;
}

/* Makes room for need injects in every per-inject array (held bits are re-laid out). */
cc_err cc_eng_grow_injects(cc_engine *e, size_t need)
{
    if (need <= e->capinj)
        return CC_OK;
    size_t cap = e->capinj * 2 > need ? e->capinj * 2 : need + 8, old = e->capinj;
    /* a label changed during play (edit, downgrade) has its text in the inject's own banner
     * (inj_banner[k]), which moves when the array grows: remember which, to point them anew */
    unsigned char *own = calloc(old + 1, 1);
    if (!own)
        return CC_ERR_NOMEM;
    for (size_t k = 0; k < old + 1; k++)
        own[k] = e->inj_label[k].text == e->inj_banner[k];
    /* each array was allocated with one spare entry */
    if (grow((void **)&e->inj, cap + 1, sizeof *e->inj, old + 1) ||
        grow((void **)&e->inj_gen, cap + 1, sizeof *e->inj_gen, old + 1) ||
        grow((void **)&e->inject_state, cap + 1, 1, old + 1) ||
        grow((void **)&e->inj_label, cap + 1, sizeof *e->inj_label, old + 1) ||
        grow((void **)&e->inj_banner, cap + 1, sizeof *e->inj_banner, old + 1) ||
        grow((void **)&e->inj_title, cap + 1, sizeof *e->inj_title, old + 1) ||
        grow((void **)&e->inj_body, cap + 1, sizeof *e->inj_body, old + 1)) {
        /* inj_banner may have moved before a later array failed */
        for (size_t k = 0; k < old + 1; k++)
            if (own[k])
                e->inj_label[k].text = e->inj_banner[k];
        free(own);
        return CC_ERR_NOMEM;
    }
    for (size_t k = 0; k < old + 1; k++)
        if (own[k])
            e->inj_label[k].text = e->inj_banner[k];
    free(own);
    size_t words = (cap + 63) / 64;
    if (words != e->held_words) {
        size_t nseats = e->s->nseats;
        uint64_t *h = calloc(2 * nseats * words + 1, sizeof *h); /* held, then acted on (engine_int.h) */
        if (!h)
            return CC_ERR_NOMEM;
        for (size_t i = 0; i < 2 * nseats; i++)
            memcpy(h + i * words, e->held + i * e->held_words, e->held_words * sizeof *h);
        free(e->held);
        e->held = h;
        e->held_words = words;
    }
    e->capinj = cap;
    return CC_OK;
}

/* Schedules the added injects waiting for inject i to be released. */
cc_err cc_eng_schedule_added(cc_engine *e, size_t i)
{
    for (size_t k = e->s->ninjects; k < e->ninj; k++) {
        const cc_when *w = &e->inj[k].when;
        if (!w->has_trigger || w->target_index != (int)i || e->inject_state[k] == ST_DONE)
            continue;
        cc_err rc = cc_sched_push(&e->q, e->now_ms + cc_eng_trigger_delay_ms(e, w), K_FIRE,
                                  ITEM(CC_ITEM_INJECT, k), e->inj_gen[k]);
        if (rc)
            return rc;
    }
    return CC_OK;
}

typedef struct addctx {
    cc_engine *e;
    char *why;
    size_t whylen;
    int nomem;
} addctx;

__attribute__((format(printf, 2, 3))) static int no(addctx *A, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(A->why, A->whylen, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *dup(addctx *A, const char *s)
{
    char *d = s ? cc_arena_strdup(A->e->added, s) : NULL;
    if (s && !d)
        A->nomem = 1;
    return d;
}

/* A string member (required or not); *out NULL when absent. */
static int get_str(addctx *A, const json_t *j, const char *key, int required, const char **out)
{
    const json_t *v = json_object_get(j, key);
    *out = NULL;
    /* returns -1 itself rather than no()'s -1: the analyzer does not enter varargs functions and
     * would otherwise take a missing member for one that was read */
    if (!v) {
        if (!required)
            return 0;
        no(A, "the inject needs \"%s\"", key);
        return -1;
    }
    if (!json_is_string(v)) {
        no(A, "the inject's \"%s\" must be a string", key);
        return -1;
    }
    *out = dup(A, json_string_value(v));
    return 0;
}

/* A list of strings (identifiers when ids); an absent member is an empty list. */
static int get_strs(addctx *A, const json_t *j, const char *key, int ids, cc_strs *out)
{
    const json_t *v = json_object_get(j, key);
    memset(out, 0, sizeof *out);
    if (!v)
        return 0;
    if (!json_is_array(v) || json_array_size(v) > 256)
        return no(A, "the inject's \"%s\" must be a list of at most 256 strings", key);
    out->v = cc_arena_array(A->e->added, json_array_size(v) + 1, sizeof *out->v);
    if (!out->v) {
        A->nomem = 1;
        return -1;
    }
    for (size_t k = 0; k < json_array_size(v); k++) {
        const char *s = json_string_value(json_array_get(v, k));
        if (!s || (ids && !cc_scenario_id_ok(s)))
            return no(A, "the inject's \"%s\" entry %zu must be %s", key, k + 1,
                      ids ? "an identifier" : "a string");
        out->v[out->n++] = dup(A, s);
    }
    return 0;
}

/* Index of name among n ids at stride size, with a did-you-mean in why when absent. */
static int lookup(addctx *A, const char *name, const void *base, size_t n, size_t size, const char *what)
{
    const char *cand[512];
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = *(const char *const *)((const char *)base + i * size);
        if (id && strcmp(id, name) == 0)
            return (int)i;
        if (id && nc < 512)
            cand[nc++] = id;
    }
    const char *sug = cc_suggest(name, cand, nc);
    if (sug)
        return no(A, "unknown %s '%s' (did you mean '%s'?)", what, name, sug);
    return no(A, "unknown %s '%s'", what, name);
}

/* The recipients: SEAT, cell:ID, party:CODE, group:NAME or all, resolved. */
static int get_refs(addctx *A, const json_t *j, cc_refs *out)
{
    const cc_scenario *s = A->e->s;
    const json_t *v = json_object_get(j, "to");
    memset(out, 0, sizeof *out);
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 256)
        return no(A, "the inject needs \"to\": a list of 1 to 256 recipients");
    out->v = cc_arena_array(A->e->added, json_array_size(v), sizeof *out->v);
    if (!out->v) {
        A->nomem = 1;
        return -1;
    }
    for (size_t k = 0; k < json_array_size(v); k++) {
        const char *r = json_string_value(json_array_get(v, k));
        if (!r)
            return no(A, "the inject's \"to\" entry %zu must be a string", k + 1);
        cc_ref *x = &out->v[out->n++];
        /* a name that is no identifier is looked up all the same: "unknown seat" says more */
        if (cc_scenario_ref_parse(r, x) == CC_REF_BAD_KIND)
            return no(
                A,
                "the inject's \"to\": unknown reference kind in '%.64s' (use SEAT, cell:ID, party:CODE, "
                "group:NAME or all)",
                r);
        if (x->kind == CC_REF_ALL)
            continue;
        const char *name = x->name;
        x->name = dup(A, name);
        switch (x->kind) {
        case CC_REF_SEAT: x->index = lookup(A, name, s->seats, s->nseats, sizeof *s->seats, "seat"); break;
        case CC_REF_CELL: x->index = lookup(A, name, s->cells, s->ncells, sizeof *s->cells, "cell"); break;
        case CC_REF_PARTY:
            x->index = lookup(A, name, s->parties, s->nparties, sizeof *s->parties, "party");
            break;
        case CC_REF_GROUP:
            x->index = lookup(A, name, s->groups, s->ngroups, sizeof *s->groups, "group");
            break;
        case CC_REF_ALL: break;
        }
        if (x->index < 0)
            return -1;
    }
    return 0;
}

cc_err cc_eng_edit_refs(cc_engine *e, const json_t *in, cc_refs *out, char *why, size_t whylen)
{
    addctx A = {e, why, whylen, 0};
    if (!e->added && !(e->added = cc_arena_new(0)))
        return CC_ERR_NOMEM;
    if (get_refs(&A, in, out) != 0)
        return A.nomem ? CC_ERR_NOMEM : CC_ERR_INVALID;
    return CC_OK;
}

/* The scenario checker's readability rule (cc_scenario_ref_readers): a seat named directly must be
 * able to read the label; a cell, party or group must hold a seat that can. */
static int check_readers(addctx *A, const cc_inject *I)
{
    const cc_scenario *s = A->e->s;
    for (size_t r = 0; r < I->to.n; r++) {
        const cc_ref *x = &I->to.v[r];
        size_t members;
        if (cc_scenario_ref_readers(s, x, &I->label, &members))
            continue;
        if (x->kind == CC_REF_SEAT)
            return no(
                A, "the inject is addressed to seat '%s', whose clearance can never read its label %s (%s)",
                x->name, I->label.text,
                cc_deny_str(cc_label_check(&I->label.label, &s->seats[x->index].clearance)));
        if (members)
            return no(A, "no seat in '%s' can read the inject's label %s", x->name, I->label.text);
    }
    return 0;
}

static int get_when(addctx *A, const json_t *j, cc_when *w)
{
    cc_engine *e = A->e;
    memset(w, 0, sizeof *w);
    w->target_index = -1;
    const json_t *at = json_object_get(j, "at"), *tr = json_object_get(j, "trigger");
    char a[32], b[32];
    if (at && tr)
        return no(A, "the inject has both \"at\" and \"trigger\"; keep one of them");
    if (at) {
        int64_t ms;
        if (!json_is_string(at))
            return no(A, "the inject's \"at\" must be a time such as \"+2h\" or RFC 3339");
        if (cc_eng_parse_time(e->s, json_string_value(at), "at", &ms, A->why, A->whylen) != CC_OK)
            return -1;
        if (ms < e->now_ms)
            return no(A,
                      "\"at\" %s is before the current scenario time %s: leave out \"at\" to release it now",
                      cc_eng_time_text(ms, a, sizeof a), cc_eng_time_text(e->now_ms, b, sizeof b));
        if (ms > e->s->duration_s * 1000)
            return no(A, "\"at\" %s is after the end of the exercise (%s)", cc_eng_time_text(ms, a, sizeof a),
                      cc_eng_time_text(e->s->duration_s * 1000, b, sizeof b));
        w->has_at = true;
        w->at_s = ms / 1000;
        return 0;
    }
    if (!tr)
        return 0; /* released at once */
    if (!json_is_object(tr))
        return no(
            A, "the inject's \"trigger\" must be an object such as {\"after\": \"I-1\", \"delay\": \"30m\"}");
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)tr, key, val)
    {
        if (strcmp(key, "after") != 0 && strcmp(key, "delay") != 0)
            return no(
                A,
                "an inject added during play takes \"at\" or \"trigger\": {\"after\": INJECT, \"delay\": "
                "DURATION}, not \"%.40s\"",
                key);
    }
    const char *target = json_string_value(json_object_get(tr, "after"));
    if (!target)
        return no(A, "the inject's \"trigger\" needs \"after\": an inject id");
    int t = cc_eng_find_inject(e, target);
    if (t < 0)
        return lookup(A, target, e->inj, e->ninj, sizeof *e->inj, "inject");
    if (e->inject_state[t] == ST_DONE)
        return no(A, "inject '%s' was already released, so the trigger cannot fire: give \"at\"", target);
    const json_t *delay = json_object_get(tr, "delay");
    if (delay) {
        cc_time_error te;
        const char *d = json_string_value(delay);
        if (!d || cc_duration_parse(d, strlen(d), &w->delay_s, &te) != CC_OK)
            return no(A, "the trigger's \"delay\": %s",
                      d ? te.message : "must be a duration such as \"30m\"");
    }
    w->has_trigger = true;
    w->trig = CC_TRIG_AFTER;
    w->target = e->inj[t].id;
    w->target_kind = CC_ITEM_INJECT;
    w->target_index = t;
    return 0;
}

/* Builds I from the JSON inject j by the scenario's rules; -1 with A->why, or A->nomem. */
static int make_inject(addctx *A, const json_t *j, cc_inject *I)
{
    cc_engine *e = A->e;
    const cc_scenario *s = e->s;
    memset(I, 0, sizeof *I); /* first: the caller reads I only after a 0, but the analyzer cannot tell */
    I->from_index = -1;
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)j, key, val)
    {
        if (cc_name_index(cc_inject_keys, key) < 0) {
            const char *sug = cc_suggest(key, cc_inject_keys, CC_INJECT_NKEYS);
            return sug ? no(A, "unknown member \"%.40s\" in the inject (did you mean \"%s\"?)", key, sug)
                       : no(A, "unknown member \"%.40s\" in the inject", key);
        }
    }
    if (get_str(A, j, "id", 1, &I->id) || get_str(A, j, "title", 1, &I->title) ||
        get_str(A, j, "body", 0, &I->body) || get_str(A, j, "notes", 0, &I->notes) ||
        get_str(A, j, "from", 1, &I->from) || get_str(A, j, "originator", 0, &I->originator))
        return -1;
    if (A->nomem)
        return -1;
    if (!cc_scenario_id_ok(I->id))
        return no(A, "'%.64s' is not a valid inject id (letters, digits, '-', '_', '.'; at most 64)", I->id);
    if (cc_eng_find_inject(e, I->id) >= 0)
        return no(A, "duplicate inject id '%s'", I->id);
    if (!*I->title)
        return no(A, "the inject's \"title\" must not be empty");
    if (strcmp(I->from, "control") == 0) {
        if (s->control_cell < 0)
            return no(A, "the inject is sent by control, but the scenario has no control cell");
    } else {
        I->from_index = lookup(A, I->from, s->seats, s->nseats, sizeof *s->seats, "seat");
        if (I->from_index < 0)
            return -1;
    }
    int orig = cc_scenario_inject_originator(s, I->from, I->originator);
    if (I->originator && orig < 0)
        return no(A, "inject originator '%s' is not a party of this scenario", I->originator);
    if (get_refs(A, j, &I->to))
        return -1;
    const char *channel = json_string_value(json_object_get(j, "channel"));
    if (json_object_get(j, "channel") && !channel)
        return no(A, "the inject's \"channel\" must be a string");
    I->channel = CC_CH_MESSAGE;
    if (channel) {
        int c = cc_name_index(cc_channel_names, channel);
        if (c < 0)
            return no(A,
                      "unknown channel '%.40s' (cable, call, email, meeting, vtc, news, intel-report, "
                      "message, statement)",
                      channel);
        I->channel = (cc_channel)c;
    }
    if (get_strs(A, j, "class", 1, &I->classes) ||
        get_strs(A, j, "expected_actions", 0, &I->expected_actions) ||
        get_strs(A, j, "objectives", 1, &I->objectives))
        return -1;
    for (size_t k = 0; k < I->objectives.n; k++)
        if (lookup(A, I->objectives.v[k], s->objectives, s->nobjectives, sizeof *s->objectives, "objective") <
            0)
            return -1;
    const char *banner = json_string_value(json_object_get(j, "label"));
    if (!banner)
        return no(A, "the inject needs \"label\": a banner such as \"SECRET//REL TO USA, KOR\"");
    cc_label_error le;
    if (cc_label_parse(s->policy, banner, strlen(banner), orig, &I->label.label, &le) != CC_OK)
        return no(A, "the inject's label, column %d: %s", le.col, le.message);
    char text[CC_LABEL_BANNER_MAX + 1];
    cc_label_format(s->policy, &I->label.label, text, sizeof text);
    I->label.text = dup(A, text);
    I->label.valid = true;
    if (A->nomem || check_readers(A, I))
        return -1;
    return get_when(A, j, &I->when);
}

cc_err cc_eng_add_inject(cc_engine *e, const json_t *j)
{
    char why[400];
    addctx A = {e, why, sizeof why, 0};
    if (!e->added && !(e->added = cc_arena_new(0)))
        return CC_ERR_NOMEM;
    cc_inject I;
    if (e->ninj - e->s->ninjects >= MAX_ADDED) {
        snprintf(why, sizeof why, "at most %d injects may be added to a run", MAX_ADDED);
        return refuse(e, why, 0);
    }
    if (make_inject(&A, j, &I) != 0)
        return A.nomem ? CC_ERR_NOMEM : refuse(e, why, 0);
    cc_err rc = cc_eng_grow_injects(e, e->ninj + 1);
    if (rc)
        return rc;
    size_t i = e->ninj++;
    e->inj[i] = I;
    e->inj_label[i] = I.label;
    e->inject_state[i] = ST_PENDING;
    e->inj_gen[i] = 0;
    uint32_t code = ITEM(CC_ITEM_INJECT, i);
    json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:o}", "inject", I.id, "title", I.title, "channel",
                          cc_channel_name(I.channel), "from", I.from, "to", cc_eng_refs_json(&I.to));
    if (p && I.body)
        json_object_set_new(p, "body", json_string(I.body));
    if (p && I.when.has_at)
        json_object_set_new(p, "at_ms", json_integer(I.when.at_s * 1000));
    if (p && I.when.has_trigger)
        json_object_set_new(
            p, "after",
            json_pack("{s:s,s:I}", "inject", I.when.target, "delay_ms", (json_int_t)(I.when.delay_s * 1000)));
    if (p && I.classes.n) {
        json_t *c = json_array();
        for (size_t k = 0; k < I.classes.n && c; k++)
            json_array_append_new(c, json_string(I.classes.v[k]));
        json_object_set_new(p, "class", c);
    }
    rc = cc_eng_emit(e, CC_EV_INJECT_ADD, "control", I.label.text, p, code, 125);
    if (rc == CC_OK && I.when.has_at)
        rc = cc_sched_push(&e->q, I.when.at_s * 1000, K_FIRE, code, 0);
    else if (rc == CC_OK && !I.when.has_trigger)
        rc = cc_eng_release_inject(e, i);
    return rc;
}

/* ---- queries ----------------------------------------------------------------------------- */

size_t cc_engine_inject_count(const cc_engine *e)
{
    return e->ninj;
}

int cc_engine_inject_index(const cc_engine *e, const char *id)
{
    return cc_eng_find_inject(e, id);
}

const char *cc_engine_inject_state(const cc_engine *e, size_t i, const char **id, int64_t *at_ms)
{
    if (id)
        *id = NULL;
    if (at_ms)
        *at_ms = -1;
    if (i >= e->ninj)
        return NULL;
    if (id)
        *id = e->inj[i].id;
    if (at_ms && e->inj[i].when.has_at)
        *at_ms = e->inj[i].when.at_s * 1000;
    switch (e->inject_state[i]) {
    case ST_DONE: return "released";
    case ST_HELD: return "held";
    default: return "pending";
    }
}

const char *cc_engine_inject_now(const cc_engine *e, size_t i, const cc_labelspec **label, const cc_refs **to)
{
    if (i >= e->ninj)
        return NULL;
    if (label)
        *label = &e->inj_label[i];
    if (to)
        *to = &e->inj[i].to;
    return e->inj_title[i] ? e->inj_title[i] : e->inj[i].title;
}
