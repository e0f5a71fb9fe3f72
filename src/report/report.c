/* report — builds the after-action report document from what report_scan read of the log, in
 * HSEEP order (docs/report.md): overview, executive summary, analysis of objectives, timeline,
 * consultations, who knew what when, compliance, decisions, participant feedback and team scoring
 * (report_eval.c), improvement plan and the integrity appendix; each section with the join of its
 * content's labels as its banner (report_build.h); and the small helpers the renderers share. */
#include "report/report.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/guidelines.h"
#include "core/evaluation.h"
#include "core/label.h"
#include "core/merkle.h"
#include "core/scenario_model.h"
#include "core/verify.h"
#include "core/zone.h"
#include "io/plines.h"
#include "report/report_build.h"
#include "report/report_int.h"
#include "report/report_scan.h"

/* ---- document building ---- */

json_t *cc_rjs(const char *s)
{
    if (!s)
        return json_null();
    json_t *v = json_string(s);
    return v ? v : json_string("");
}

json_t *cc_rjt(int64_t ms)
{
    char b[48];
    if (ms < 0)
        return json_null();
    cc_report_tfmt(ms, b, sizeof b);
    return json_string(b);
}

static json_t *jd(int64_t ms)
{
    char b[48];
    if (ms < 0)
        return json_null();
    cc_report_dfmt(ms, b, sizeof b);
    return json_string(b);
}

void cc_rsec_init(const rep *r, cc_rsec *x, const char *id, const char *title)
{
    x->obj = json_pack("{s:s,s:s}", "id", id, "title", title);
    x->facts = json_array();
    x->tables = json_array();
    x->intro = json_array();
    x->acc = r->bottom;
    x->ok = r->bottom_ok;
    x->invalid = !r->bottom_ok;
}

void cc_rsec_label(cc_rsec *x, const cc_label *l, bool ok)
{
    if (!ok) {
        x->invalid = true;
        return;
    }
    if (x->invalid)
        return;
    if (cc_label_join(&x->acc, l, &x->acc) != CC_OK)
        x->invalid = true;
}

void cc_rsec_fact(cc_rsec *x, const char *k, json_t *v)
{
    json_array_append_new(x->facts, json_pack("[s,o]", k, v ? v : json_null()));
}

void cc_rsec_intro(cc_rsec *x, const char *text)
{
    json_array_append_new(x->intro, cc_rjs(text));
}

/* A table: columns from a NULL-terminated list; returns the rows array (owned by the table). */
json_t *cc_rsec_table(cc_rsec *x, const char *id, const char *title, const char *const *cols)
{
    json_t *c = json_array();
    for (size_t i = 0; cols[i]; i++)
        json_array_append_new(c, json_string(cols[i]));
    json_t *rows = json_array();
    json_array_append_new(
        x->tables, json_pack("{s:s,s:s,s:o,s:o}", "id", id, "title", title, "columns", c, "rows", rows));
    return rows;
}

json_t *cc_rsec_table_dyn(cc_rsec *x, const char *id, const char *title, json_t *cols)
{
    json_t *rows = json_array();
    json_array_append_new(
        x->tables, json_pack("{s:s,s:s,s:o,s:o}", "id", id, "title", title, "columns", cols, "rows", rows));
    return rows;
}

void cc_rsec_note(cc_rsec *x, const char *note)
{
    json_t *t = json_array_get(x->tables, json_array_size(x->tables) - 1);
    if (t)
        json_object_set_new(t, "note", cc_rjs(note));
}

/* The note of a table whose list was capped: "N further WHAT not listed (list capped at MAX)." */
static void capped_note(cc_rsec *x, size_t more, const char *what, int max, const char *per)
{
    if (!more)
        return;
    char b[160];
    snprintf(b, sizeof b, "%zu further %s not listed (list capped at %d%s).", more, what, max, per);
    cc_rsec_note(x, b);
}

/* The strings of a JSON array joined by ", " into b (reset first); its text ("" when empty). */
static const char *joined(const json_t *arr, cc_buf *b)
{
    cc_buf_reset(b);
    size_t k;
    const json_t *v;
    json_array_foreach(arr, k, v)
    {
        cc_buf_printf(b, "%s%s", k ? ", " : "", json_string_value(v) ? json_string_value(v) : "");
    }
    return b->data ? b->data : "";
}

static void banner_text(const rep *r, const cc_label *l, bool invalid, char *buf, size_t size)
{
    if (invalid) {
        snprintf(buf, size, "(invalid label)");
        return;
    }
    cc_label_format(r->s->policy, l, buf, size);
    cc_partyset ps;
    cc_label_releasable(l, &ps);
    if (cc_partyset_empty(&ps)) {
        /* the join of national-only items of different parties: the banner stays exact,
         * and says why no single party may receive the whole */
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, " (no party may receive all of it: exercise control only)");
    }
}

json_t *cc_rsec_done(const rep *r, cc_rsec *x, json_t *doc_sections, cc_label *doc, bool *doc_invalid)
{
    char b[CC_LABEL_BANNER_MAX + 80];
    banner_text(r, &x->acc, x->invalid, b, sizeof b);
    json_object_set_new(x->obj, "banner", json_string(b));
    json_object_set_new(x->obj, "intro", x->intro);
    json_object_set_new(x->obj, "facts", x->facts);
    json_object_set_new(x->obj, "tables", x->tables);
    if (x->invalid)
        *doc_invalid = true;
    else if (!*doc_invalid && cc_label_join(doc, &x->acc, doc) != CC_OK)
        *doc_invalid = true;
    json_array_append_new(doc_sections, x->obj);
    return x->obj;
}

static const char *seat_label(const rep *r, int si, char *buf, size_t size)
{
    const cc_seat *st = &r->s->seats[si];
    snprintf(buf, size, "%s (%s, %s)", st->id, st->party ? st->party : "?",
             st->clearance_name ? st->clearance_name : "?");
    return buf;
}

static void abs_time(const rep *r, int64_t ms, char *buf, size_t size)
{
    int64_t u = r->s->start_unix + ms / 1000;
    int32_t off = r->s->zone ? cc_zone_offset(r->s->zone, u) : r->s->start_offset;
    cc_rfc3339_format(u, off, buf, size);
}

/* The Merkle tree over the log (as caucus verify computes it) and, when one was given, the
 * signed checkpoint and whether the log agrees with it. */
static json_t *merkle_json(const rep *r)
{
    unsigned char root[32];
    char hex[65];
    cc_merkle_stream_root(r->tree, root);
    cc_hex(root, 32, hex);
    return json_pack("{s:I,s:s}", "size", (json_int_t)cc_merkle_stream_size(r->tree), "root", hex);
}

static json_t *checkpoint_json(const rep *r)
{
    if (!r->cp)
        return NULL;
    const cc_checkpoint *c = r->cp->cp;
    char hex[65], b[600];
    cc_hex(c->root, 32, hex);
    bool ok = !r->vres.bad && r->vres.checkpoints == 1;
    if (ok && c->size == r->nevents)
        snprintf(b, sizeof b, "consistent: the signed checkpoint covers all %llu events of the log",
                 (unsigned long long)r->nevents);
    else if (ok)
        snprintf(b, sizeof b,
                 "consistent: the signed checkpoint covers the first %llu of the log's %llu events (the %llu "
                 "after them are not covered by it)",
                 (unsigned long long)c->size, (unsigned long long)r->nevents,
                 (unsigned long long)(r->nevents - c->size));
    else
        snprintf(b, sizeof b, "MISMATCH: the log does not match the signed checkpoint: %s",
                 r->vres.bad ? r->vres.why : "not checked");
    return json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:I,s:I,s:s}", "source", r->cp->source ? r->cp->source : "",
                     "origin", c->origin ? c->origin : "", "size", (json_int_t)c->size, "root", hex,
                     "signature", r->cp->signature ? r->cp->signature : "", "status", ok ? "consistent" : "mismatch",
                     "covers", (json_int_t)(ok ? c->size : 0), "events", (json_int_t)r->nevents, "text", b);
}

static void checkpoint_facts(const rep *r, cc_rsec *x)
{
    json_t *m = merkle_json(r);
    cc_rsec_fact(x, "Merkle tree size (RFC 6962, leaf i = event i's hash)",
                 json_incref(json_object_get(m, "size")));
    cc_rsec_fact(x, "Merkle root", json_incref(json_object_get(m, "root")));
    json_decref(m);
    json_t *c = checkpoint_json(r);
    if (!c) {
        cc_rsec_fact(
            x, "Signed checkpoint",
            cc_rjs(
                "none given (caucus report --checkpoint FILE --key KEY, or a store's own, ties the report to "
                "one)"));
        return;
    }
    cc_rsec_fact(x, "Signed checkpoint", json_incref(json_object_get(c, "text")));
    cc_rsec_fact(x, "Checkpoint source", json_incref(json_object_get(c, "source")));
    cc_rsec_fact(x, "Checkpoint origin", json_incref(json_object_get(c, "origin")));
    cc_rsec_fact(x, "Checkpoint tree size", json_incref(json_object_get(c, "size")));
    cc_rsec_fact(x, "Checkpoint root", json_incref(json_object_get(c, "root")));
    cc_rsec_fact(x, "Checkpoint signature", json_incref(json_object_get(c, "signature")));
    json_decref(c);
}

/* The overview's keys of exercise (docs/scenario-format.md): scope, mission areas, core
 * capabilities, sponsor, description; organisations and points of contact as tables. */
static void overview_scope(const rep *r, cc_rsec *x)
{
    const cc_scenario *s = r->s;
    cc_buf b;
    cc_buf_init(&b);
    if (s->scope)
        cc_rsec_fact(x, "Scope", cc_rjs(s->scope));
    for (size_t i = 0; i < s->mission_areas.n; i++)
        cc_buf_printf(&b, "%s%s", i ? ", " : "", s->mission_areas.v[i]);
    if (b.len)
        cc_rsec_fact(x, "Mission areas", cc_rjs(b.data));
    cc_buf_reset(&b);
    for (size_t o = 0; o < s->nobjectives; o++) {
        const char *c = s->objectives[o].capability;
        bool seen = !c;
        for (size_t k = 0; !seen && k < o; k++)
            seen = s->objectives[k].capability && !strcmp(s->objectives[k].capability, c);
        if (!seen)
            cc_buf_printf(&b, "%s%s", b.len ? ", " : "", c);
    }
    cc_rsec_fact(x, "Core capabilities", cc_rjs(b.data));
    cc_buf_reset(&b);
    for (size_t o = 0; o < s->nobjectives; o++)
        cc_buf_printf(&b, "%s%s: %s", o ? "; " : "", s->objectives[o].id,
                      s->objectives[o].title ? s->objectives[o].title : "");
    cc_rsec_fact(x, "Objectives", cc_rjs(b.data));
    cc_rsec_fact(x, "Scenario", cc_rjs(s->description));
    if (s->sponsor)
        cc_rsec_fact(x, "Sponsor", cc_rjs(s->sponsor));
    cc_buf_free(&b);
    static const char *const oc[] = {"organisation", "kind", NULL};
    json_t *rows = cc_rsec_table(x, "organisations", "Participating organisations", oc);
    for (size_t i = 0; i < s->nparties; i++)
        json_array_append_new(
            rows,
            json_pack("[o,s]", cc_rjs(s->parties[i].name ? s->parties[i].name : s->parties[i].id),
                      s->parties[i].kind == CC_PARTY_NATION ? "nation (party)" : "organisation (party)"));
    for (size_t i = 0; i < s->organisations.n; i++)
        json_array_append_new(rows, json_pack("[s,s]", s->organisations.v[i], "participating organisation"));
    static const char *const pc[] = {"name", "role", "organisation", "e-mail", "phone", NULL};
    rows = cc_rsec_table(x, "contacts", "Points of contact", pc);
    for (size_t i = 0; i < s->ncontacts; i++) {
        const cc_contact *c = &s->contacts[i];
        json_array_append_new(rows, json_pack("[o,o,o,o,o]", cc_rjs(c->name), cc_rjs(c->role),
                                              cc_rjs(c->organisation), cc_rjs(c->email), cc_rjs(c->phone)));
    }
    if (!s->ncontacts)
        cc_rsec_note(x, "The scenario names no point of contact (exercise.contacts).");
}

/* Who played seat i (docs/cli.md, "Hybrid seats"): at the start (start), then each hand-over by
 * control, and the acts its agent took while a person held the seat or control took for it. */
static const char *played_by(const rep *r, size_t i, const char *start, char *buf, size_t size)
{
    const char *plays = json_string_value(json_object_get(r->plays, r->s->seats[i].id));
    uint32_t agent = r->seat_by[i * 2], control = r->seat_by[i * 2 + 1];
    if (!plays && !control)
        return start;
    char acts[120] = "", ctl[60] = "";
    if (control)
        snprintf(ctl, sizeof ctl, "%u by control for the seat", control);
    if (plays)
        snprintf(acts, sizeof acts, "; %u act%s by its agent%s%s", agent, agent == 1 ? "" : "s",
                 control ? ", " : "", ctl);
    else
        snprintf(acts, sizeof acts, "; %u act%s by control for the seat", control, control == 1 ? "" : "s");
    snprintf(buf, size, "%s%s%s%s", start, plays ? ", then " : "", plays ? plays : "", acts);
    return buf;
}

static void build_overview(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    cc_rsec x;
    cc_rsec_init(r, &x, "overview", "Exercise overview");
    char b[512], b2[64];
    cc_rsec_intro(
        &x, "Who and what the exercise was, from the scenario; the data that ties this report to its log "
            "is in the appendix.");
    snprintf(b, sizeof b, "%s: %s", s->id ? s->id : "?", s->title ? s->title : "");
    cc_rsec_fact(&x, "Exercise", cc_rjs(b));
    abs_time(r, 0, b, sizeof b);
    cc_rsec_fact(&x, "Exercise start", cc_rjs(b));
    abs_time(r, r->end_t, b, sizeof b);
    cc_rsec_fact(&x, "Log ends", cc_rjs(b));
    cc_report_tfmt(r->end_t, b2, sizeof b2);
    snprintf(b, sizeof b, "%s scenario time (%s)", b2, r->end_reason ? r->end_reason : "?");
    cc_rsec_fact(&x, "Run length", cc_rjs(b));
    cc_rsec_fact(&x, "Time zone", cc_rjs(s->zone_name));
    overview_scope(r, &x);
    cc_rsec_fact(&x, "Inputs (people and control)", json_integer((json_int_t)r->inputs));
    cc_rsec_fact(&x, "Inputs refused", json_integer((json_int_t)r->refused));
    if (r->unknown_refs)
        cc_rsec_fact(&x, "Events naming items not in the scenario",
                     json_integer((json_int_t)r->unknown_refs));
    static const char *const pc[] = {"party", "name", "kind", "time zone", "seats", NULL};
    json_t *rows = cc_rsec_table(&x, "parties", "Parties", pc);
    for (size_t i = 0; i < s->nparties; i++) {
        size_t n = 0;
        for (size_t k = 0; k < s->nseats; k++)
            n += s->seats[k].party_index == (int)i;
        json_array_append_new(rows,
                              json_pack("[o,o,s,o,I]", cc_rjs(s->parties[i].id), cc_rjs(s->parties[i].name),
                                        s->parties[i].kind == CC_PARTY_NATION ? "nation" : "organisation",
                                        cc_rjs(s->parties[i].zone_name), (json_int_t)n));
    }
    static const char *const sc[] = {"seat",      "party", "role",      "kind",
                                     "clearance", "cells", "played by", NULL};
    rows = cc_rsec_table(&x, "seats", "Seats", sc);
    for (size_t i = 0; i < s->nseats; i++) {
        const cc_seat *st = &s->seats[i];
        cc_buf cells;
        cc_buf_init(&cells);
        for (size_t k = 0; k < st->cells.n; k++)
            cc_buf_printf(&cells, "%s%s", k ? ", " : "", st->cells.v[k]);
        const char *by = r->is_auto[i] ? "agent" : "person";
        for (size_t k = 0; k < json_array_size(r->absent); k++)
            if (strcmp(json_string_value(json_array_get(r->absent, k)), st->id) == 0)
                by = "agent (absent for the run)";
        char hybrid[600];
        by = played_by(r, i, by, hybrid, sizeof hybrid);
        char clr[128];
        cc_buf cv;
        cc_buf_init(&cv);
        cc_buf_puts(&cv, st->clearance_name ? st->clearance_name : "?");
        for (size_t k = 0; k < st->caveats.n; k++)
            cc_buf_printf(&cv, "%s%s", k ? ", " : " + ", st->caveats.v[k]);
        snprintf(clr, sizeof clr, "%s", cv.data ? cv.data : "");
        json_array_append_new(rows, json_pack("[o,o,o,s,s,s,s]", cc_rjs(st->id), cc_rjs(st->party),
                                              cc_rjs(st->role),
                                              st->evaluator ? "evaluator"
                                              : st->control ? "control"
                                                            : "player",
                                              clr, cells.data ? cells.data : "", by));
        cc_buf_free(&cells);
        cc_buf_free(&cv);
    }
    if (json_array_size(r->steer)) { /* docs/cli.md, "Control steers" */
        static const char *const stc[] = {"time", "act", "item", "detail", NULL};
        rows = cc_rsec_table(&x, "steering", "Control's steering", stc);
        json_array_extend(rows, r->steer);
    }
    cc_rsec_done(r, &x, secs, doc, inv);
}

/* ---- timeline ---- */

static void mark(json_t *marks, int lane, int64_t t, int64_t t2, const char *kind, const char *id,
                 const char *text)
{
    json_t *m = json_pack("{s:i,s:I,s:s,s:o,s:o}", "lane", lane, "t", (json_int_t)t, "kind", kind, "id",
                          cc_rjs(id), "text", cc_rjs(text));
    if (t2 >= 0)
        json_object_set_new(m, "t2", json_integer(t2));
    json_array_append_new(marks, m);
}

static int mark_cmp(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t tx = json_integer_value(json_object_get(x, "t")),
               ty = json_integer_value(json_object_get(y, "t"));
    if (tx != ty)
        return tx < ty ? -1 : 1;
    json_int_t lx = json_integer_value(json_object_get(x, "lane")),
               ly = json_integer_value(json_object_get(y, "lane"));
    if (lx != ly)
        return lx < ly ? -1 : 1;
    int c = strcmp(cc_report_str(x, "kind"), cc_report_str(y, "kind"));
    return c ? c : strcmp(cc_report_str(x, "id"), cc_report_str(y, "id"));
}

static void build_timeline(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    cc_rsec x;
    cc_rsec_init(r, &x, "timeline", "Timeline");
    cc_rsec_intro(
        &x, "Scenario time runs left to right, one lane per party. Injects are marked where each party's "
            "seats first received them; messages are counted by the sender's party; consultations run as "
            "bars from request to completion (or to their failure, or the end of the log) on the requesting "
            "party's lane; "
            "decisions are marked on the lanes of their deciders' parties.");
    json_t *lanes = json_array(), *marks = json_array(), *bins = json_array();
    for (size_t i = 0; i < s->nparties; i++)
        json_array_append_new(lanes, cc_rjs(s->parties[i].id));
    for (size_t i = 0; i < s->ninjects; i++) {
        const inj_st *I = &r->inj[i];
        if (!I->released || !cc_rep_inj_vis(r, (int)i))
            continue;
        cc_rsec_label(&x, &I->label, I->label_ok);
        for (size_t p = 0; p < s->nparties; p++)
            if (I->rx[p].first >= 0)
                mark(marks, (int)p, I->rx[p].first, -1, "inject", s->injects[i].id, I->title);
    }
    for (size_t i = 0; i < s->nconsultations; i++) {
        const cons_st *c = &r->cons[i];
        if (!c->requested || !cc_rep_cons_vis(r, (int)i))
            continue;
        cc_rsec_label(&x, &c->label, c->label_ok);
        int p = cc_rep_seat_party(r, cc_rep_lookup(r->seat_map, c->requester));
        mark(marks, p < 0 ? 0 : p, c->t, c->done >= 0 ? c->done : c->failed >= 0 ? c->failed : r->end_t, "consultation",
             s->consultations[i].id, c->topic);
    }
    for (size_t i = 0; i < s->ndecisions; i++) {
        const dec_st *D = &r->dec[i];
        if (!D->opened || !cc_rep_dec_vis(r, (int)i))
            continue;
        cc_rsec_label(&x, &D->label, D->label_ok);
        bool lane_used[CC_LABEL_MAX_PARTIES] = {false};
        size_t k;
        json_t *v;
        json_array_foreach(D->deciders, k, v)
        {
            int p = cc_rep_seat_party(r, cc_rep_lookup(r->seat_map, json_string_value(v)));
            if (p < 0 || p >= CC_LABEL_MAX_PARTIES || lane_used[p])
                continue;
            lane_used[p] = true;
            int64_t end = D->made ? D->t_made : D->expired ? D->t_expired : -1;
            char txt[600];
            snprintf(txt, sizeof txt, "%s (%s)", D->question ? D->question : "",
                     D->made      ? (D->outcome ? D->outcome : "decided")
                     : D->expired ? "expired"
                                  : "open");
            mark(marks, p, D->t_open, end, "decision", s->decisions[i].id, txt);
        }
    }
    size_t ck;
    json_t *cm;
    json_array_foreach(r->ctl_marks, ck, cm)
    { /* control's hand-overs and steering */
        mark(marks, (int)json_integer_value(json_array_get(cm, 1)), json_integer_value(json_array_get(cm, 0)),
             -1, "control", json_string_value(json_array_get(cm, 2)),
             json_string_value(json_array_get(cm, 3)));
    }
    if (json_array_size(r->ctl_marks))
        cc_rsec_note(
            &x,
            "Control's hand-overs of seats and its steering are the black triangles at the top of a lane.");
    uint64_t msg_shown = 0;
    for (size_t p = 0; p < s->nparties; p++)
        for (int b = 0; b < NBINS; b++) {
            uint32_t n = r->bins[p * NBINS + (size_t)b];
            if (!n)
                continue;
            msg_shown += n;
            json_array_append_new(bins, json_pack("{s:I,s:I,s:I,s:I}", "lane", (json_int_t)p, "t",
                                                  (json_int_t)(r->duration_ms * b / NBINS), "t2",
                                                  (json_int_t)(r->duration_ms * (b + 1) / NBINS), "count",
                                                  (json_int_t)n));
        }
    for (size_t i = 0; i < r->nmsgs; i++)
        if (cc_rep_msg_vis(r, &r->msgs[i]))
            cc_rsec_label(&x, &r->msgs[i].label, r->msgs[i].label_ok);
    /* sort the marks for a stable table */
    size_t nm = json_array_size(marks);
    json_t **mv = malloc((nm ? nm : 1) * sizeof *mv);
    if (mv) {
        for (size_t i = 0; i < nm; i++)
            mv[i] = json_incref(json_array_get(marks, i));
        qsort(mv, nm, sizeof *mv, mark_cmp);
        json_array_clear(marks);
        for (size_t i = 0; i < nm; i++)
            json_array_append_new(marks, mv[i]);
        free(mv);
    }
    json_t *tl = json_pack("{s:I,s:I,s:o,s:o,s:o}", "start_ms", (json_int_t)0, "end_ms",
                           (json_int_t)(r->end_t > r->duration_ms ? r->end_t : r->duration_ms), "lanes",
                           lanes, "marks", marks, "message_bins", bins);
    json_object_set_new(x.obj, "timeline", tl);
    cc_buf svg;
    cc_buf_init(&svg);
    if (cc_report_timeline_svg(tl, &svg) == CC_OK && svg.data)
        json_object_set_new(x.obj, "svg", json_string(svg.data));
    cc_buf_free(&svg);
    static const char *const cols[] = {"time", "until", "lane", "kind", "item", "text", NULL};
    json_t *rows = cc_rsec_table(&x, "marks", "Timeline entries", cols);
    size_t k;
    json_t *m;
    json_array_foreach(marks, k, m)
    {
        json_int_t lane = json_integer_value(json_object_get(m, "lane"));
        json_t *t2 = json_object_get(m, "t2");
        json_array_append_new(
            rows, json_pack("[o,o,o,s,o,o]", cc_rjt(json_integer_value(json_object_get(m, "t"))),
                            t2 ? cc_rjt(json_integer_value(t2)) : json_null(),
                            json_incref(json_array_get(lanes, (size_t)lane)), cc_report_str(m, "kind"),
                            json_incref(json_object_get(m, "id")), json_incref(json_object_get(m, "text"))));
    }
    char b[160];
    snprintf(b, sizeof b, "%llu messages drawn as counts per party and time bucket.",
             (unsigned long long)msg_shown);
    cc_rsec_note(&x, b);
    cc_rsec_done(r, &x, secs, doc, inv);
}

/* ---- consultation metrics ---- */

/* Working hours apply to agent seats whose policy is not always available. */
static bool keeps_hours(const rep *r, int seat)
{
    if (seat < 0 || !r->is_auto[seat])
        return false;
    const cc_seat *st = &r->s->seats[seat];
    if (st->agent_index < 0 || (size_t)st->agent_index >= r->s->nagents)
        return false;
    return !r->s->agents[st->agent_index].always_available && st->party_index >= 0;
}

/* Time (ms) within [start, end) when some participant still to act was outside its party's
 * working hours, counted at OFFHOURS_STEP resolution; -1 when no participant keeps hours. */
static int64_t offhours(const rep *r, const stage_st *st, int64_t end)
{
    bool any = false;
    for (size_t k = 0; k < st->npart; k++)
        any |= keeps_hours(r, st->part[k]);
    if (!any)
        return -1;
    int64_t total = 0;
    const int64_t step = OFFHOURS_STEP * 1000;
    for (int64_t t = st->start; t < end; t += step) {
        int64_t u = r->s->start_unix + t / 1000;
        for (size_t k = 0; k < st->npart; k++) {
            int seat = st->part[k];
            if (!keeps_hours(r, seat) || (st->acted[k] >= 0 && st->acted[k] <= t))
                continue;
            const cc_party *P = &r->s->parties[r->s->seats[seat].party_index];
            if (!cc_workhours_open(P->zone, &P->hours, u)) {
                total += (end - t < step ? end - t : step);
                break;
            }
        }
    }
    return total;
}

static void build_consult(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    cc_rsec x;
    cc_rsec_init(r, &x, "consultations", "Consultation metrics");
    cc_rsec_intro(
        &x, "For each consultation: the time from the request to the start and the end of each stage of its "
            "mechanism, against the stage's deadline. 'Off-hours' is the part of a stage during which a "
            "participant still to act was outside its party's working hours (agent seats that keep working "
            "hours); it is shown separately from the stage's duration.");
    static const char *const cc_cols[] = {
        "consultation",          "topic", "requested by", "requested at", "mechanism", "decision", "state",
        "request to completion", NULL};
    json_t *crow = cc_rsec_table(&x, "consultations", "Consultations", cc_cols);
    static const char *const st_cols[] = {"consultation",
                                          "stage",
                                          "kind",
                                          "mode",
                                          "started",
                                          "request to start",
                                          "ended",
                                          "request to end",
                                          "duration",
                                          "deadline (allowed)",
                                          "deadline met",
                                          "escalations",
                                          "off-hours",
                                          "rounds",
                                          "objections standing",
                                          NULL};
    json_t *srow = cc_rsec_table(&x, "stages", "Stages", st_cols);
    static const char *const pcols[] = {"consultation", "stage", "seat", "time", "text", NULL};
    json_t *prow = cc_rsec_table(&x, "positions", "Positions and acknowledgements with text", pcols);
    size_t more_pos = 0;
    for (size_t i = 0; i < s->nconsultations; i++) {
        const cons_st *c = &r->cons[i];
        const cc_consultation *C = &s->consultations[i];
        if (!cc_rep_cons_vis(r, (int)i))
            continue;
        if (!c->requested) {
            json_array_append_new(crow, json_pack("[o,o,o,o,o,o,s,o]", cc_rjs(C->id), cc_rjs(C->topic),
                                                  cc_rjs(C->requested_by), json_null(), cc_rjs(C->mechanism),
                                                  cc_rjs(C->decision), "not requested", json_null()));
            continue;
        }
        cc_rsec_label(&x, &c->label, c->label_ok);
        char state[200];
        if (c->done >= 0) {
            char tb[48];
            cc_report_tfmt(c->done, tb, sizeof tb);
            snprintf(state, sizeof state, "completed at %s", tb);
        } else if (c->failed >= 0) {
            char tb[48];
            cc_report_tfmt(c->failed, tb, sizeof tb);
            snprintf(state, sizeof state, "failed at %s in stage %s: %s", tb,
                     c->nstages && c->stages[c->nstages - 1].id ? c->stages[c->nstages - 1].id : "?",
                     c->fail_reason ? c->fail_reason : "?");
        } else if (c->nstages) {
            snprintf(state, sizeof state, "in progress at the end of the log (stage %s)",
                     c->stages[c->nstages - 1].id ? c->stages[c->nstages - 1].id : "?");
        } else {
            snprintf(state, sizeof state, "requested, no stage entered");
        }
        json_array_append_new(crow, json_pack("[o,o,o,o,o,o,s,o]", cc_rjs(C->id), cc_rjs(c->topic),
                                              cc_rjs(c->requester), cc_rjt(c->t), cc_rjs(c->mechanism),
                                              cc_rjs(c->decision), state,
                                              c->done >= 0 ? jd(c->done - c->t) : json_null()));
        for (size_t k = 0; k < c->nstages; k++) {
            const stage_st *st = &c->stages[k];
            int64_t end = st->done >= 0 ? st->done : r->end_t;
            int64_t off = offhours(r, st, end);
            const char *met = st->deadline < 0                  ? "no deadline"
                              : st->missed >= 0                 ? "missed"
                              : st->by && !strcmp(st->by, "silence") ? "met (adopted by silence)"
                              : st->done >= 0                   ? "met"
                                                                : "open at end";
            json_t *row =
                json_pack("[o,o,o,o,o,o,o,o,o,o,s,I,o,I,I]", cc_rjs(C->id), cc_rjs(st->id), cc_rjs(st->kind),
                          cc_rjs(st->mode), cc_rjt(st->start), jd(st->start - c->t), cc_rjt(st->done),
                          st->done >= 0 ? jd(st->done - c->t) : json_null(),
                          st->done >= 0 ? jd(st->done - st->start) : json_null(),
                          st->deadline >= 0 ? jd(st->deadline - st->start) : json_null(), met,
                          (json_int_t)st->escalations, off < 0 ? json_string("n/a") : jd(off),
                          (json_int_t)st->rounds, (json_int_t)st->objections);
            json_array_append_new(srow, row);
        }
        for (size_t k = 0; k < c->npos; k++)
            json_array_append_new(prow, json_pack("[o,o,o,o,o]", cc_rjs(C->id), cc_rjs(c->pos[k].stage),
                                                  cc_rjs(c->pos[k].seat), cc_rjt(c->pos[k].t),
                                                  cc_rjs(c->pos[k].text)));
        more_pos += c->more_pos;
    }
    capped_note(&x, more_pos, "positions", POS_MAX, " per consultation");
    /* who had to chase, who was chased, whose line failed: the seats with any (a seat's view: its own) */
    static const char *const fcols[] = {"seat",           "party",    "played by",
                                        "reminders sent", "reminded", "escalations",
                                        "messages lost",  "retries",  NULL};
    json_t *frow = cc_rsec_table(&x, "follow_up", "Reminders, escalations and retries per seat", fcols);
    for (size_t i = 0; i < s->nseats; i++) {
        const uint32_t *f = &r->seat_follow[i * F_N];
        if ((r->viewer >= 0 && (int)i != r->viewer) || !(f[0] | f[1] | f[2] | f[3] | f[4]))
            continue;
        json_array_append_new(
            frow, json_pack("[s,s,s,I,I,I,I,I]", s->seats[i].id, s->parties[s->seats[i].party_index].id,
                            r->is_auto[i] ? "agent" : "person", (json_int_t)f[F_REMINDED_OTHERS],
                            (json_int_t)f[F_REMINDED], (json_int_t)f[F_ESCALATED], (json_int_t)f[F_LOST],
                            (json_int_t)f[F_RETRIES]));
    }
    cc_rsec_done(r, &x, secs, doc, inv);
}

/* ---- who knew what when ---- */

static void rx_cell(const party_rx *x, char *buf, size_t size)
{
    if (x->first < 0) {
        if (x->denied)
            snprintf(buf, size, "withheld (%u seat%s)", x->denied, x->denied == 1 ? "" : "s");
        else
            snprintf(buf, size, "%s", "");
        return;
    }
    char tb[48];
    cc_report_tfmt(x->first, tb, sizeof tb);
    snprintf(buf, size, "%s (%u seat%s%s", tb, x->delivered, x->delivered == 1 ? "" : "s",
             x->denied ? "" : ")");
    if (x->denied) {
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, ", %u withheld)", x->denied);
    }
}

/* Injects released and what each party received of them, and their texts. */
static void knowledge_injects(rep *r, cc_rsec *x)
{
    const cc_scenario *s = r->s;
    json_t *rows;
    json_t *cols = json_pack("[s,s,s,s,s,s]", "inject", "title", "label", "released", "channel", "from");
    for (size_t p = 0; p < s->nparties; p++) {
        char b[64];
        snprintf(b, sizeof b, "%s received", s->parties[p].id);
        json_array_append_new(cols, json_string(b));
    }
    json_array_append_new(cols, json_string("forwards"));
    if (r->viewer >= 0)
        json_array_append_new(cols, json_string("you received"));
    rows = cc_rsec_table_dyn(x, "injects", "Injects", cols);
    for (size_t i = 0; i < s->ninjects; i++) {
        const inj_st *I = &r->inj[i];
        if (!I->released || !cc_rep_inj_vis(r, (int)i))
            continue;
        cc_rsec_label(x, &I->label, I->label_ok);
        json_t *row = json_pack("[o,o,o,o,o,o]", cc_rjs(s->injects[i].id), cc_rjs(I->title),
                                cc_rjs(I->banner), cc_rjt(I->t), cc_rjs(I->channel), cc_rjs(I->actor));
        for (size_t p = 0; p < s->nparties; p++) {
            char b[96];
            rx_cell(&I->rx[p], b, sizeof b);
            json_array_append_new(row, json_string(b));
        }
        json_array_append_new(row, json_integer(I->forwards));
        if (r->viewer >= 0)
            json_array_append_new(row, cc_rjt(I->viewer_t));
        json_array_append_new(rows, row);
    }
    static const char *const tc[] = {"inject", "title", "body", NULL};
    rows = cc_rsec_table(x, "texts", "Inject texts", tc);
    for (size_t i = 0; i < s->ninjects; i++) {
        const inj_st *I = &r->inj[i];
        if (I->released && cc_rep_inj_vis(r, (int)i))
            json_array_append_new(
                rows, json_pack("[o,o,o]", cc_rjs(s->injects[i].id), cc_rjs(I->title), cc_rjs(I->body)));
    }
}

/* Items forwarded by seats. */
static void knowledge_forwards(rep *r, cc_rsec *x)
{
    const cc_scenario *s = r->s;
    json_t *rows;
    static const char *const fc[] = {"time", "by", "inject", "to", NULL};
    rows = cc_rsec_table(x, "forwards", "Items forwarded by seats", fc);
    for (size_t i = 0; i < r->nfwds; i++) {
        const fwd_st *f = &r->fwds[i];
        if (!cc_rep_inj_vis(r, f->inject) || f->inject < 0)
            continue;
        cc_rsec_label(x, &r->inj[f->inject].label, r->inj[f->inject].label_ok);
        cc_buf to;
        cc_buf_init(&to);
        json_array_append_new(rows, json_pack("[o,o,o,s]", cc_rjt(f->t), cc_rjs(f->actor),
                                              cc_rjs(s->injects[f->inject].id), joined(f->to, &to)));
        cc_buf_free(&to);
    }
    capped_note(x, r->more_fwds, "forwards", CC_REPORT_LIST_MAX, "");
}

/* Messages between seats and when each party first received them. */
static void knowledge_messages(rep *r, cc_rsec *x)
{
    const cc_scenario *s = r->s;
    json_t *rows;
    json_t *mc = json_pack("[s,s,s,s,s,s,s]", "message", "time", "from", "label", "to", "reply to", "text");
    for (size_t p = 0; p < s->nparties; p++) {
        char b[64];
        snprintf(b, sizeof b, "%s received", s->parties[p].id);
        json_array_append_new(mc, json_string(b));
    }
    rows = cc_rsec_table_dyn(x, "messages", "Messages between seats", mc);
    for (size_t i = 0; i < r->nmsgs; i++) {
        const msg_st *m = &r->msgs[i];
        if (!cc_rep_msg_vis(r, m))
            continue;
        cc_rsec_label(x, &m->label, m->label_ok);
        cc_buf to;
        cc_buf_init(&to);
        json_t *row = json_pack("[o,o,o,o,s,o,o]", cc_rjs(m->id), cc_rjt(m->t), cc_rjs(m->actor),
                                cc_rjs(m->banner), joined(m->to, &to), cc_rjs(m->reply_to), cc_rjs(m->text));
        cc_buf_free(&to);
        for (size_t p = 0; p < s->nparties; p++)
            json_array_append_new(row, cc_rjt(m->party_first[p]));
        json_array_append_new(rows, row);
    }
    capped_note(x, r->more_msgs, "messages", CC_REPORT_LIST_MAX, "");
}

/* What was withheld: from this seat, counts only; for control, denials per seat. */
static void knowledge_withheld(rep *r, cc_rsec *x)
{
    const cc_scenario *s = r->s;
    json_t *rows;
    if (r->viewer >= 0) {
        /* no count of what the seat may not read (SECURITY.md, catalogue item 15): it would move
         * with activity the seat may not see */
        return;
    } else {
        static const char *const wc[] = {"seat",          "party",  "clearance", "class", "caveat",
                                         "releasability", "policy", "invalid",   "total", NULL};
        rows = cc_rsec_table(x, "withheld", "Deliveries refused by the label rule, per seat", wc);
        for (size_t i = 0; i < s->nseats; i++) {
            const uint32_t *d = &r->seat_denials[i * R_NREASONS];
            uint32_t tot = d[0] + d[1] + d[2] + d[3] + d[4];
            json_array_append_new(
                rows, json_pack("[o,o,o,I,I,I,I,I,I]", cc_rjs(s->seats[i].id), cc_rjs(s->seats[i].party),
                                cc_rjs(s->seats[i].clearance_name), (json_int_t)d[R_CLASS],
                                (json_int_t)d[R_CAVEAT], (json_int_t)d[R_REL], (json_int_t)d[R_POLICY],
                                (json_int_t)d[R_INVALID], (json_int_t)tot));
        }
    }
}

static void build_knowledge(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    cc_rsec x;
    cc_rsec_init(r, &x, "knowledge", "Who knew what when");
    cc_rsec_intro(
        &x,
        "For each inject and shared item: when it was released and when each party's seats first received "
        "it (with how many seats received it and how many were refused it by its label). Control's report "
        "counts the deliveries refused per seat; a seat's report counts nothing it may not see.");
    knowledge_injects(r, &x);
    knowledge_forwards(r, &x);
    knowledge_messages(r, &x);
    knowledge_withheld(r, &x);
    cc_rsec_done(r, &x, secs, doc, inv);
}

/* ---- guideline compliance ---- */

static const cc_label *subject_label(const rep *r, int kind, int idx, bool *ok)
{
    *ok = false;
    if (idx < 0)
        return &r->bottom;
    if (kind == 0) {
        *ok = r->cons[idx].label_ok;
        return &r->cons[idx].label;
    }
    if (kind == 1) {
        *ok = r->inj[idx].label_ok;
        return &r->inj[idx].label;
    }
    *ok = r->dec[idx].label_ok;
    return &r->dec[idx].label;
}

static void ev_text(const rep *r, uint64_t seq, cc_buf *b)
{
    const evbrief *e = cc_rep_evidence(r, seq);
    if (!e) {
        cc_buf_printf(b, "#%llu", (unsigned long long)seq);
        return;
    }
    if (!e->visible) {
        cc_buf_printf(b, "#%llu (not releasable to this seat)", (unsigned long long)seq);
        return;
    }
    char tb[48];
    cc_report_tfmt(e->t, tb, sizeof tb);
    cc_buf_printf(b, "#%llu %s %s", (unsigned long long)seq, tb, e->type);
    if (e->item)
        cc_buf_printf(b, " %s", e->item);
    if (e->actor)
        cc_buf_printf(b, " by %s", e->actor);
}

static const char *grule_name(cc_grule_kind k)
{
    switch (k) {
    case CC_GRULE_STAGE_DEADLINE: return "stage deadline";
    case CC_GRULE_SHARE: return "share";
    case CC_GRULE_CONSULT_BEFORE: return "consult before decision";
    default: return "none (judged by evaluators)";
    }
}

static void build_compliance(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    cc_rsec x;
    cc_rsec_init(r, &x, "compliance", "Guideline compliance");
    cc_rsec_intro(
        &x, "Every finding the engine recorded against a guideline rule, with its evidence: the event that "
            "started the check and the last event before the finding (by sequence number).");
    static const char *const gc[] = {"guideline", "text", "rule", "met", "missed", NULL};
    json_t *grows = cc_rsec_table(&x, "guidelines", "Guidelines", gc);
    for (size_t g = 0; g < s->nguidelines; g++) {
        uint32_t met = 0, missed = 0;
        for (size_t i = 0; i < r->ngc; i++) {
            const gcount *c = &r->gc[i];
            if (c->g != (int)g)
                continue;
            bool vis = c->skind == 0   ? cc_rep_cons_vis(r, c->sidx)
                       : c->skind == 1 ? cc_rep_inj_vis(r, c->sidx)
                       : c->skind == 2 ? cc_rep_dec_vis(r, c->sidx)
                                       : r->viewer < 0;
            if (!vis)
                continue;
            bool ok;
            const cc_label *l = subject_label(r, c->skind, c->sidx, &ok);
            cc_rsec_label(&x, l, ok || c->sidx < 0);
            met += c->met;
            missed += c->missed;
        }
        json_array_append_new(
            grows, json_pack("[o,o,s,I,I]", cc_rjs(s->guidelines[g].id), cc_rjs(s->guidelines[g].text),
                             grule_name(s->guidelines[g].kind), (json_int_t)met, (json_int_t)missed));
    }
    static const char *const fc[] = {"event",   "time",    "guideline", "result", "subject",
                                     "elapsed", "allowed", "evidence",  NULL};
    json_t *rows = cc_rsec_table(&x, "findings", "Findings", fc);
    static const char *const ec[] = {"finding event", "evidence event", "time", "type",
                                     "item",          "actor",          NULL};
    json_t *erows = cc_rsec_table(&x, "evidence", "Evidence events", ec);
    for (size_t i = 0; i < r->nfinds; i++) {
        const find_st *f = &r->finds[i];
        if (!cc_rep_find_vis(r, f))
            continue;
        cc_buf ev;
        cc_buf_init(&ev);
        ev_text(r, f->ev[0], &ev);
        cc_buf_puts(&ev, "; ");
        ev_text(r, f->ev[1], &ev);
        json_array_append_new(rows, json_pack("[I,o,o,s,o,o,o,s]", (json_int_t)f->seq, cc_rjt(f->t),
                                              cc_rjs(f->guideline), f->result, cc_rjs(f->subject),
                                              jd(f->elapsed), jd(f->within), ev.data ? ev.data : ""));
        cc_buf_free(&ev);
        for (int k = 0; k < 2; k++) {
            if (k == 1 && f->ev[1] == f->ev[0])
                break;
            const evbrief *e = cc_rep_evidence(r, f->ev[k]);
            bool vis = e && e->visible;
            json_array_append_new(
                erows, json_pack("[I,I,o,o,o,o]", (json_int_t)f->seq, (json_int_t)f->ev[k],
                                 vis ? cc_rjt(e->t) : json_null(),
                                 vis ? cc_rjs(e->type) : json_string("(not releasable to this seat)"),
                                 vis ? cc_rjs(e->item) : json_null(), vis ? cc_rjs(e->actor) : json_null()));
        }
    }
    if (r->more_finds) {
        char b[120];
        snprintf(b, sizeof b, "%zu further findings not listed (counted in the guideline table).",
                 r->more_finds);
        cc_rsec_note(&x, b);
    }
    cc_rsec_done(r, &x, secs, doc, inv);
}

/* ---- decisions ---- */

static void build_decisions(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    cc_rsec x;
    cc_rsec_init(r, &x, "decisions", "Decisions");
    cc_rsec_intro(
        &x, "Each decision point: its options, who proposed and who endorsed (voted for) each, the rationale "
            "stated in the linked consultation and in proposals, and the outcome.");
    static const char *const dc[] = {"decision", "question", "rule",       "deciders", "opened",
                                     "deadline", "outcome",  "decided at", "votes",    NULL};
    json_t *drows = cc_rsec_table(&x, "decisions", "Decision points", dc);
    static const char *const oc[] = {"decision",    "option", "text", "proposed by",
                                     "endorsed by", "chosen", NULL};
    json_t *orows = cc_rsec_table(&x, "options", "Options", oc);
    static const char *const rc[] = {"decision", "seat", "source", "time", "text", NULL};
    json_t *rrows = cc_rsec_table(&x, "rationale", "Rationale", rc);
    for (size_t i = 0; i < s->ndecisions; i++) {
        const dec_st *D = &r->dec[i];
        if (!D->opened || !cc_rep_dec_vis(r, (int)i))
            continue;
        cc_rsec_label(&x, &D->label, D->label_ok);
        cc_buf dl, vl;
        cc_buf_init(&dl);
        cc_buf_init(&vl);
        size_t k;
        json_t *v;
        joined(D->deciders, &dl);
        const json_t *votes = D->final_votes ? D->final_votes : D->votes;
        const char *key;
        /* jansson iterates in insertion order; sort for determinism across sources */
        const char *keys[256];
        size_t nk = 0;
        json_object_foreach((json_t *)votes, key, v)
        {
            if (nk < 256)
                keys[nk++] = key;
        }
        for (size_t a = 1; a < nk; a++)
            for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
                const char *t = keys[b];
                keys[b] = keys[b - 1];
                keys[b - 1] = t;
            }
        for (size_t a = 0; a < nk; a++)
            cc_buf_printf(&vl, "%s%s: %s", a ? ", " : "", keys[a], cc_report_str(votes, keys[a]));
        const char *outcome = D->made      ? (D->outcome ? D->outcome : "decided")
                              : D->expired ? "expired undecided"
                                           : "open at the end of the log";
        json_array_append_new(
            drows, json_pack("[o,o,o,s,o,o,s,o,s]", cc_rjs(s->decisions[i].id), cc_rjs(D->question),
                             cc_rjs(D->rule), dl.data ? dl.data : "", cc_rjt(D->t_open), cc_rjt(D->deadline),
                             outcome, D->made ? cc_rjt(D->t_made) : json_null(), vl.data ? vl.data : ""));
        cc_buf_free(&dl);
        json_array_foreach(D->options, k, v)
        {
            const char *oid = cc_report_str(v, "id");
            cc_buf en;
            cc_buf_init(&en);
            size_t ne = 0;
            for (size_t a = 0; a < nk; a++)
                if (strcmp(cc_report_str(votes, keys[a]), oid) == 0)
                    cc_buf_printf(&en, "%s%s", ne++ ? ", " : "", keys[a]);
            json_array_append_new(
                orows, json_pack("[o,o,o,s,s,s]", cc_rjs(s->decisions[i].id), cc_rjs(oid),
                                 json_incref(json_object_get(v, "text")), "scenario", en.data ? en.data : "",
                                 D->made && D->outcome && strcmp(D->outcome, oid) == 0 ? "yes" : ""));
            cc_buf_free(&en);
        }
        for (size_t p = 0; p < D->nprops; p++) {
            const prop_st *P = &D->props[p];
            cc_buf en, by;
            cc_buf_init(&en);
            cc_buf_init(&by);
            size_t ne = 0;
            for (size_t a = 0; a < nk; a++) {
                const char *ov = json_string_value(json_object_get(votes, keys[a]));
                if (ov && P->option && strcmp(ov, P->option) == 0)
                    cc_buf_printf(&en, "%s%s", ne++ ? ", " : "", keys[a]);
            }
            char tb[48];
            cc_report_tfmt(P->t, tb, sizeof tb);
            cc_buf_printf(&by, "%s at %s", P->seat ? P->seat : "?", tb);
            json_array_append_new(
                orows,
                json_pack("[o,o,o,s,s,s]", cc_rjs(s->decisions[i].id), cc_rjs(P->option), cc_rjs(P->text),
                          by.data, en.data ? en.data : "",
                          D->made && D->outcome && P->option && strcmp(D->outcome, P->option) == 0 ? "yes"
                                                                                                   : ""));
            json_array_append_new(rrows, json_pack("[o,o,s,o,o]", cc_rjs(s->decisions[i].id), cc_rjs(P->seat),
                                                   "proposal", cc_rjt(P->t), cc_rjs(P->text)));
            cc_buf_free(&en);
            cc_buf_free(&by);
        }
        cc_buf_free(&vl);
        /* positions stated in the consultations linked to this decision */
        for (size_t c = 0; c < s->nconsultations; c++) {
            const cons_st *C = &r->cons[c];
            if (!C->requested || !C->decision || strcmp(C->decision, s->decisions[i].id) != 0 ||
                !cc_rep_cons_vis(r, (int)c))
                continue;
            cc_rsec_label(&x, &C->label, C->label_ok);
            for (size_t p = 0; p < C->npos; p++) {
                char src[160];
                snprintf(src, sizeof src, "position in %s, stage %s", s->consultations[c].id,
                         C->pos[p].stage ? C->pos[p].stage : "?");
                json_array_append_new(rrows, json_pack("[o,o,s,o,o]", cc_rjs(s->decisions[i].id),
                                                       cc_rjs(C->pos[p].seat), src, cc_rjt(C->pos[p].t),
                                                       cc_rjs(C->pos[p].text)));
            }
        }
    }
    cc_rsec_done(r, &x, secs, doc, inv);
}

/* ---- objectives ---- */

/* ---- executive summary (drafted from what the reader may see) ---- */

static void summary_counts(const rep *r, cc_buf *b)
{
    const cc_scenario *s = r->s;
    size_t inj = 0, cons = 0, cdone = 0, dec = 0, made = 0, expired = 0, met = 0, missed = 0;
    for (size_t i = 0; i < s->ninjects; i++)
        inj += r->inj[i].released && cc_rep_inj_vis(r, (int)i);
    for (size_t i = 0; i < s->nconsultations; i++)
        if (r->cons[i].requested && cc_rep_cons_vis(r, (int)i)) {
            cons++;
            cdone += r->cons[i].done >= 0;
        }
    for (size_t i = 0; i < s->ndecisions; i++)
        if (r->dec[i].opened && cc_rep_dec_vis(r, (int)i)) {
            dec++;
            made += r->dec[i].made;
            expired += r->dec[i].expired && !r->dec[i].made;
        }
    for (size_t i = 0; i < r->nfinds; i++)
        if (cc_rep_find_vis(r, &r->finds[i])) {
            bool m = r->finds[i].result && !strcmp(r->finds[i].result, "met");
            met += m;
            missed += !m;
        }
    cc_buf_printf(
        b,
        "%zu inject%s released; %zu consultation%s requested (%zu completed); %zu decision%s opened "
        "(%zu made, %zu expired undecided); guideline findings: %zu met, %zu missed.",
        inj, inj == 1 ? "" : "s", cons, cons == 1 ? "" : "s", cdone, dec, dec == 1 ? "" : "s", made, expired,
        met, missed);
}

/* Control's summary: its paragraphs (split at blank lines) under its label. */
static void summary_text(const rep *r, cc_rsec *x)
{
    cc_rsec_label(x, &r->summary_label, true);
    cc_buf b;
    cc_buf_init(&b);
    const char *p = r->summary;
    while (*p) {
        const char *e = strstr(p, "\n\n");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        cc_buf_reset(&b);
        cc_buf_append(&b, p, n);
        while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' '))
            b.data[--b.len] = 0;
        if (b.len)
            cc_rsec_intro(x, b.data);
        p += n;
        while (*p == '\n')
            p++;
    }
    cc_buf_free(&b);
    cc_rsec_fact(x, "Written by", cc_rjs("exercise control"));
}

static void guideline_counts(const rep *r, int g, uint32_t *met, uint32_t *missed);

typedef struct gsum {
    const char *id;
    uint32_t n;
} gsum;

static int gsum_cmp(const void *a, const void *b)
{
    const gsum *x = a, *y = b;
    return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->id, y->id);
}

/* "Strengths: G-share (met 3 times). Areas for improvement: G-ack (missed 2 times), ..." from the
 * guidelines the reader may see, most frequent first; "" when none. */
static void summary_guidelines(const rep *r, cc_buf *b)
{
    const cc_scenario *s = r->s;
    gsum *str = calloc(s->nguidelines + 1, sizeof *str), *area = calloc(s->nguidelines + 1, sizeof *area);
    size_t ns = 0, na = 0;
    for (size_t g = 0; str && area && g < s->nguidelines; g++) {
        uint32_t met, missed;
        guideline_counts(r, (int)g, &met, &missed);
        if (missed)
            area[na++] = (gsum){s->guidelines[g].id, missed};
        else if (met)
            str[ns++] = (gsum){s->guidelines[g].id, met};
    }
    if (str && area) {
        qsort(str, ns, sizeof *str, gsum_cmp);
        qsort(area, na, sizeof *area, gsum_cmp);
        for (size_t i = 0; i < ns; i++)
            cc_buf_printf(b, "%s%s (met %u time%s)", i ? ", " : "Strengths: ", str[i].id, str[i].n,
                          str[i].n == 1 ? "" : "s");
        if (ns)
            cc_buf_puts(b, ". ");
        for (size_t i = 0; i < na; i++)
            cc_buf_printf(b, "%s%s (missed %u time%s)", i ? ", " : "Areas for improvement: ", area[i].id,
                          area[i].n, area[i].n == 1 ? "" : "s");
        if (na)
            cc_buf_puts(b, ".");
    }
    free(str);
    free(area);
}

static void build_summary(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    cc_rsec x;
    cc_rsec_init(r, &x, "summary", "Executive summary");
    if (r->summary &&
        (r->viewer < 0 || cc_label_permits(&r->summary_label, &s->seats[r->viewer].clearance))) {
        summary_text(r, &x);
        cc_rsec_done(r, &x, secs, doc, inv);
        return;
    }
    cc_buf b;
    cc_buf_init(&b);
    char t0[96], t1[96], d[48];
    abs_time(r, 0, t0, sizeof t0);
    abs_time(r, r->end_t, t1, sizeof t1);
    cc_report_dfmt(r->end_t, d, sizeof d);
    size_t people = 0;
    for (size_t i = 0; i < s->nseats; i++)
        people += !r->is_auto[i] && !s->seats[i].evaluator;
    cc_buf_printf(&b,
                  "%s was played from %s to %s (%s of scenario time) by %zu seats of %zu parties (%zu played "
                  "by people)%s.",
                  s->title ? s->title : s->id, t0, t1, d, s->nseats - s->nevaluators, s->nparties, people,
                  s->nevaluators ? ", with evaluators observing" : "");
    cc_rsec_intro(&x, b.data);
    cc_buf_reset(&b);
    summary_counts(r, &b);
    cc_rsec_intro(&x, b.data);
    cc_buf_reset(&b);
    for (size_t o = 0; o < s->nobjectives; o++)
        cc_buf_printf(&b, "%s%s %s", o ? "; " : "Objectives: ", s->objectives[o].id,
                      r->rating[o].rated ? r->rating[o].rating : "not rated");
    if (s->nobjectives) {
        cc_buf_puts(&b, ".");
        cc_rsec_intro(&x, b.data);
    }
    cc_buf_reset(&b);
    summary_guidelines(r, &b);
    if (b.len)
        cc_rsec_intro(&x, b.data);
    size_t nobs[3] = {0, 0, 0}, nans = 0, nsc = 0;
    for (size_t i = 0; i < r->nevals; i++) {
        const eval_ev *E = &r->evals[i];
        if (E->type == CC_EV_EVAL_OBSERVATION) {
            const char *k = cc_rep_pstr_or(E->p, "kind", "");
            nobs[!strcmp(k, "strength") ? 0 : !strcmp(k, "improvement") ? 1 : 2]++;
        }
        nans += E->type == CC_EV_FEEDBACK_ANSWER;
        nsc += E->type == CC_EV_SCORE_SUBMIT;
    }
    if (nobs[0] + nobs[1] + nobs[2]) {
        cc_buf_reset(&b);
        cc_buf_printf(&b,
                      "Evaluators recorded %zu observations: %zu strengths, %zu areas for improvement, %zu "
                      "other.",
                      nobs[0] + nobs[1] + nobs[2], nobs[0], nobs[1], nobs[2]);
        cc_rsec_intro(&x, b.data);
    }
    if (nans || nsc) {
        cc_buf_reset(&b);
        cc_buf_printf(&b, "Participant feedback: %zu answers; team scoring: %zu submissions.", nans, nsc);
        cc_rsec_intro(&x, b.data);
    }
    cc_rsec_intro(&x,
                  "This summary is drafted from the data of this report; the planners complete it before the "
                  "report is issued.");
    cc_buf_free(&b);
    cc_rsec_done(r, &x, secs, doc, inv);
}

/* ---- appendix: integrity of the record ---- */

static const char *base_name(const char *path)
{
    if (!path)
        return NULL;
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

static void build_integrity(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    cc_rsec x;
    cc_rsec_init(r, &x, "integrity", "Appendix: integrity of the record");
    cc_rsec_intro(
        &x, "This report is generated only from the event log; every figure can be traced to its events by "
            "sequence number, and the log's final hash ties the report to that evidence.");
    char b[512], b2[64];
    snprintf(b, sizeof b, "%s: %s", s->id ? s->id : "?", s->title ? s->title : "");
    cc_rsec_fact(&x, "Scenario", cc_rjs(b));
    cc_rsec_fact(&x, "Scenario SHA-256", cc_rjs(r->scenario_hash));
    cc_rsec_fact(&x, "Scenario file (as recorded)", cc_rjs(base_name(r->source)));
    cc_rsec_fact(&x, "Variant (mechanism)", cc_rjs(r->variant));
    cc_rsec_fact(&x, "Seed", cc_rjs(r->seed));
    cc_rsec_fact(&x, "Replication", json_integer(r->replication));
    cc_rsec_fact(&x, "Engine", cc_rjs(r->engine));
    snprintf(b, sizeof b, "%s (hash %s)", r->policy_id ? r->policy_id : "?",
             r->policy_hash ? r->policy_hash : "?");
    cc_rsec_fact(&x, "Label policy", cc_rjs(b));
    cc_guidelines_state(s, r->guidelines_note, b, sizeof b);
    cc_rsec_fact(&x, "Guidelines endorsement", cc_rjs(b));
    cc_rsec_fact(&x, "First event hash", cc_rjs(r->first_hash));
    if (r->viewer < 0) {
        cc_rsec_fact(&x, "Events", json_integer((json_int_t)r->nevents));
        cc_rsec_fact(&x, "Final event hash", cc_rjs(r->last_hash));
        checkpoint_facts(r, &x);
    } else {
        /* the log's size, final hash, root and checkpoint move with every event, seen or not */
        cc_rsec_fact(&x, "Events, final hash and checkpoint",
                     cc_rjs("in exercise control's report only: they count events this seat may not see"));
    }
    if (r->viewer < 0) {
        cc_rsec_fact(&x, "View", cc_rjs("exercise control (everything in the log)"));
    } else {
        snprintf(b, sizeof b, "seat %s: only what this seat received or may read",
                 seat_label(r, r->viewer, b2, sizeof b2));
        cc_rsec_fact(&x, "View", cc_rjs(b));
    }
    cc_rsec_done(r, &x, secs, doc, inv);
}

static void guideline_counts(const rep *r, int g, uint32_t *met, uint32_t *missed)
{
    *met = *missed = 0;
    for (size_t i = 0; i < r->ngc; i++) {
        const gcount *c = &r->gc[i];
        if (c->g != g)
            continue;
        bool vis = c->skind == 0   ? cc_rep_cons_vis(r, c->sidx)
                   : c->skind == 1 ? cc_rep_inj_vis(r, c->sidx)
                   : c->skind == 2 ? cc_rep_dec_vis(r, c->sidx)
                                   : r->viewer < 0;
        if (vis) {
            *met += c->met;
            *missed += c->missed;
        }
    }
}

/* What the reader may see that is tied to no objective: findings of guidelines linked to none, and
 * decisions linked to none that expired undecided (docs/report.md, "objectives"). */
static void unlinked_table(rep *r, cc_rsec *x)
{
    const cc_scenario *s = r->s;
    static const char *const cols[] = {"kind", "id", "time", "what", NULL};
    json_t *rows = cc_rsec_table(x, "unlinked", "Tied to no objective", cols);
    for (size_t i = 0; i < r->nfinds; i++) {
        const find_st *f = &r->finds[i];
        if (f->g < 0 || s->guidelines[f->g].objective_index.n || !cc_rep_find_vis(r, f))
            continue;
        bool ok;
        const cc_label *l = subject_label(r, f->skind, f->sidx, &ok);
        cc_rsec_label(x, l, ok || f->sidx < 0);
        char what[400];
        snprintf(what, sizeof what, "guideline %s %s on %s", f->guideline ? f->guideline : "?",
                 f->result ? f->result : "?", f->subject ? f->subject : "?");
        json_array_append_new(rows,
                              json_pack("[s,o,o,s]", "finding", cc_rjs(f->guideline), cc_rjt(f->t), what));
    }
    for (size_t i = 0; i < s->ndecisions; i++) {
        const dec_st *D = &r->dec[i];
        if (s->decisions[i].objective_index.n || !D->expired || D->made || !cc_rep_dec_vis(r, (int)i))
            continue;
        cc_rsec_label(x, &D->label, D->label_ok);
        char what[800];
        snprintf(what, sizeof what, "expired undecided: %s", D->question ? D->question : "");
        json_array_append_new(
            rows, json_pack("[s,s,o,s]", "decision", s->decisions[i].id, cc_rjt(D->t_expired), what));
    }
}

static void build_objectives(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    cc_rsec x;
    cc_rsec_init(r, &x, "objectives", "Analysis of objectives");
    cc_rsec_intro(
        &x,
        "Each exercise objective rated P (performed without challenges), S (with some challenges), M (with "
        "major challenges) or U (unable to be performed), with the evaluator's notes from play and the "
        "findings of the guidelines linked to it.");
    static const char *const oc[] = {"objective",         "title",    "capability",   "rating",
                                     "evaluator notes",   "rated at", "findings met", "findings missed",
                                     "evaluator ratings", NULL};
    cc_buf er;
    cc_buf_init(&er);
    json_t *rows = cc_rsec_table(&x, "ratings", "Ratings", oc);
    for (size_t o = 0; o < s->nobjectives; o++) {
        uint32_t met = 0, missed = 0;
        for (size_t g = 0; g < s->nguidelines; g++)
            for (size_t k = 0; k < s->guidelines[g].objective_index.n; k++)
                if (s->guidelines[g].objective_index.v[k] == (int)o) {
                    uint32_t a, b;
                    guideline_counts(r, (int)g, &a, &b);
                    met += a;
                    missed += b;
                }
        const rating_st *R = &r->rating[o];
        json_array_append_new(
            rows,
            json_pack("[o,o,o,s,o,o,I,I,s]", cc_rjs(s->objectives[o].id), cc_rjs(s->objectives[o].title),
                      cc_rjs(s->objectives[o].capability), R->rated ? R->rating : "not rated",
                      cc_rjs(R->text), R->rated ? cc_rjt(R->t) : json_null(), (json_int_t)met,
                      (json_int_t)missed, cc_rb_evaluator_ratings(r, s->objectives[o].id, &er)));
    }
    cc_buf_free(&er);
    cc_rb_guides_table(r, &x);
    cc_rb_observations_table(r, &x);
    cc_rb_observation_evidence(r, &x);
    unlinked_table(r, &x);
    static const char *const nc[] = {"time", "seat", "note", NULL};
    rows = cc_rsec_table(&x, "notes", r->viewer < 0 ? "Notes entered during play" : "Your notes pad", nc);
    for (size_t i = 0; i < r->nnotes; i++)
        json_array_append_new(rows, json_pack("[o,o,o]", cc_rjt(r->notes[i].t),
                                              cc_rjs(r->notes[i].actor ? r->notes[i].actor : "control"),
                                              cc_rjs(r->notes[i].text)));
    capped_note(&x, r->more_notes, "notes", CC_REPORT_LIST_MAX, "");
    cc_rsec_done(r, &x, secs, doc, inv);
}

/* ---- strengths, areas for improvement, improvement plan ---- */

static const char *suggest_action(const cc_guideline *g, char *buf, size_t size)
{
    char d[48];
    cc_duration_format(g->within_s, d, sizeof d);
    switch (g->kind) {
    case CC_GRULE_STAGE_DEADLINE:
        snprintf(buf, size, "Review how the %s stage is staffed and alerted so it completes within %s.",
                 cc_stage_kind_name(g->stage), d);
        break;
    case CC_GRULE_SHARE:
        snprintf(buf, size,
                 "Review the release and sharing procedure for %s items so they reach %s within %s.",
                 g->inject_class ? g->inject_class : "these", g->with.name ? g->with.name : "the partner", d);
        break;
    case CC_GRULE_CONSULT_BEFORE:
        snprintf(buf, size, "Make consultation a precondition of deciding %s.",
                 g->decision ? g->decision : "it");
        break;
    default: snprintf(buf, size, "%s", "");
    }
    return buf;
}

static void subjects_text(const rep *r, int g, bool missed, cc_buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ngc; i++) {
        const gcount *c = &r->gc[i];
        if (c->g != g || !(missed ? c->missed : c->met))
            continue;
        bool vis = c->skind == 0   ? cc_rep_cons_vis(r, c->sidx)
                   : c->skind == 1 ? cc_rep_inj_vis(r, c->sidx)
                   : c->skind == 2 ? cc_rep_dec_vis(r, c->sidx)
                                   : r->viewer < 0;
        if (!vis)
            continue;
        const char *id = c->sidx < 0     ? "?"
                         : c->skind == 0 ? r->s->consultations[c->sidx].id
                         : c->skind == 1 ? r->s->injects[c->sidx].id
                                         : r->s->decisions[c->sidx].id;
        if (n < 20)
            cc_buf_printf(b, "%s%s", n ? ", " : "", id);
        n++;
    }
    if (n > 20)
        cc_buf_printf(b, " and %zu more", n - 20);
}

static void objectives_text(const rep *r, const cc_guideline *g, cc_buf *b)
{
    for (size_t k = 0; k < g->objective_index.n; k++) {
        int o = g->objective_index.v[k];
        if (o < 0)
            continue;
        const cc_objective *O = &r->s->objectives[o];
        cc_buf_printf(b, "%s%s", b->len ? "; " : "", O->capability ? O->capability : O->title);
    }
}

static void build_improvement(rep *r, json_t *secs, cc_label *doc, bool *inv)
{
    const cc_scenario *s = r->s;
    cc_rsec x;
    cc_rsec_init(r, &x, "improvement", "Strengths, areas for improvement and improvement plan");
    cc_rsec_intro(
        &x,
        "Derived from the findings and objective ratings above. The improvement plan is pre-filled from "
        "the guidelines missed; the corrective action is a starting point, and the capability element, "
        "responsible organisation, point of contact and dates are left for the exercise planners to fill.");
    static const char *const sc[] = {"capability", "observation", "evidence", NULL};
    json_t *str = cc_rsec_table(&x, "strengths", "Strengths", sc);
    json_t *area = cc_rsec_table(&x, "areas", "Areas for improvement", sc);
    static const char *const pc[] = {"capability",
                                     "issue",
                                     "corrective action",
                                     "capability element",
                                     "responsible organisation",
                                     "POC",
                                     "start",
                                     "due",
                                     "status",
                                     NULL};
    json_t *plan = cc_rsec_table(&x, "plan", "Improvement plan", pc);
    /* what each proposed row comes from (guideline:ID, objective:ID, observation:ID): caucus plan
     * seed raises exactly these rows, and a store's items raised from them take their place */
    json_t *refs = json_array();
    json_object_set_new(json_array_get(x.tables, json_array_size(x.tables) - 1), "refs", refs);
    for (size_t g = 0; g < s->nguidelines; g++) {
        const cc_guideline *G = &s->guidelines[g];
        uint32_t met, missed;
        guideline_counts(r, (int)g, &met, &missed);
        if (!met && !missed)
            continue;
        for (size_t i = 0; i < r->ngc; i++) {
            const gcount *c = &r->gc[i];
            if (c->g != (int)g)
                continue;
            bool ok;
            bool vis = c->skind == 0   ? cc_rep_cons_vis(r, c->sidx)
                       : c->skind == 1 ? cc_rep_inj_vis(r, c->sidx)
                       : c->skind == 2 ? cc_rep_dec_vis(r, c->sidx)
                                       : r->viewer < 0;
            if (vis) {
                const cc_label *l = subject_label(r, c->skind, c->sidx, &ok);
                cc_rsec_label(&x, l, ok || c->sidx < 0);
            }
        }
        cc_buf cap, obs, ev;
        cc_buf_init(&cap);
        cc_buf_init(&obs);
        cc_buf_init(&ev);
        objectives_text(r, G, &cap);
        if (missed) {
            cc_buf_printf(&obs, "%s (%s): missed %u of %u", G->text ? G->text : "", G->id, missed,
                          met + missed);
            cc_buf_printf(&ev, "%s missed on ", G->id);
            subjects_text(r, (int)g, true, &ev);
            json_array_append_new(area, json_pack("[s,s,s]", cap.data ? cap.data : "", obs.data, ev.data));
            char act[400];
            json_array_append_new(plan,
                                  json_pack("[s,s,s,s,s,s,s,s,s]", cap.data ? cap.data : "", obs.data,
                                            suggest_action(G, act, sizeof act), "", "", "", "", "", "open"));
            snprintf(act, sizeof act, "guideline:%s", G->id);
            json_array_append_new(refs, json_string(act));
        } else {
            cc_buf_printf(&obs, "%s (%s): met %u of %u", G->text ? G->text : "", G->id, met, met);
            cc_buf_printf(&ev, "%s met on ", G->id);
            subjects_text(r, (int)g, false, &ev);
            json_array_append_new(str, json_pack("[s,s,s]", cap.data ? cap.data : "", obs.data, ev.data));
        }
        cc_buf_free(&cap);
        cc_buf_free(&obs);
        cc_buf_free(&ev);
    }
    for (size_t o = 0; o < s->nobjectives; o++) {
        const rating_st *R = &r->rating[o];
        if (!R->rated)
            continue;
        const cc_objective *O = &s->objectives[o];
        char obs[1200];
        snprintf(obs, sizeof obs, "%s (%s) rated %s%s%s", O->title ? O->title : "", O->id, R->rating,
                 R->text ? ": " : "", R->text ? R->text : "");
        const char *cap = O->capability ? O->capability : "";
        json_t *row = json_pack("[s,s,s]", cap, obs, "objective rating");
        if (R->rating[0] == 'P' || R->rating[0] == 'S') {
            json_array_append_new(str, row);
        } else {
            json_array_append_new(area, row);
            json_array_append_new(plan,
                                  json_pack("[s,s,s,s,s,s,s,s,s]", cap, obs, "", "", "", "", "", "", "open"));
            snprintf(obs, sizeof obs, "objective:%s", O->id);
            json_array_append_new(refs, json_string(obs));
        }
    }
    cc_rb_improvement_observations(r, &x, str, area, plan, refs);
    for (size_t i = 0; i < s->ndecisions; i++) {
        const dec_st *D = &r->dec[i];
        if (!D->expired || D->made || !cc_rep_dec_vis(r, (int)i))
            continue;
        cc_rsec_label(&x, &D->label, D->label_ok);
        char obs[800];
        snprintf(obs, sizeof obs, "Decision %s (%s) expired undecided", s->decisions[i].id,
                 D->question ? D->question : "");
        char ev[80], tb[48];
        cc_report_tfmt(D->t_expired, tb, sizeof tb);
        snprintf(ev, sizeof ev, "decision.deadline at %s", tb);
        json_array_append_new(area, json_pack("[s,s,s]", "", obs, ev));
    }
    cc_rsec_done(r, &x, secs, doc, inv);
}

cc_err cc_report_from_log(const char *path, const cc_scenario *s, const char *seat, cc_diags *d, json_t **doc)
{
    return cc_report_from_log_ex(path, s, seat, 0, d, doc);
}

cc_err cc_report_from_log_ex(const char *path, const cc_scenario *s, const char *seat, unsigned flags,
                             cc_diags *d, json_t **doc)
{
    cc_report_opts o = {.seat = seat, .flags = flags};
    return cc_report_from_log_opts(path, s, &o, d, doc);
}

int cc_report_checkpoint_ok(const json_t *doc)
{
    const json_t *c = json_object_get(doc, "checkpoint");
    return !c || strcmp(cc_report_str(c, "status"), "consistent") == 0;
}

cc_err cc_report_from_log_opts(const char *path, const cc_scenario *s, const cc_report_opts *o, cc_diags *d,
                               json_t **doc)
{
    *doc = NULL;
    if (!path || !s || !d || !o || (o->checkpoint && !o->checkpoint->cp) ||
        o->threads > CC_PLINES_MAX_THREADS)
        return CC_ERR_ARG;
    const char *seat = o->seat;
    rep r;
    memset(&r, 0, sizeof r);
    r.in_progress = (o->flags & CC_REPORT_IN_PROGRESS) != 0;
    r.as_of_ms = o->as_of_ms;
    r.threads = o->threads;
    r.batch = o->batch;
    r.cp = o->checkpoint;
    r.s = s;
    r.path = path;
    r.d = d;
    r.viewer = -1;
    cc_err rc = cc_rep_init(&r, s);
    if (rc == CC_OK && r.cp) {
        rc = cc_verify_new(&r.vf);
        if (rc == CC_OK)
            rc = cc_verify_add_checkpoint(r.vf, r.cp->cp, r.cp->source);
    }
    if (rc == CC_OK && seat) {
        r.viewer = cc_rep_lookup(r.seat_map, seat);
        if (r.viewer < 0) {
            cc_diags_add(d, CC_SEV_ERROR, NULL, (cc_pos){0, 0}, "report-seat", "see the scenario's seats",
                         "no seat '%s' in scenario %s", seat, cc_scenario_id(s));
            rc = CC_ERR_NOTFOUND;
        }
    }
    if (rc == CC_OK && o->summary) {
        r.summary = o->summary;
        r.summary_label = r.bottom;
        const char *b = o->summary_label;
        if (b && cc_label_parse(s->policy, b, strlen(b), -1, &r.summary_label, NULL) != CC_OK) {
            cc_diags_add(d, CC_SEV_ERROR, NULL, (cc_pos){0, 0}, "summary-label",
                         "write a banner of the scenario's label policy",
                         "the summary's label '%s' is not valid", b);
            rc = CC_ERR_INVALID;
        }
    }
    if (rc == CC_OK)
        rc = cc_rep_scan(&r);
    if (rc == CC_OK) {
        json_t *secs = json_array();
        cc_label dl = r.bottom;
        bool dinv = !r.bottom_ok;
        build_overview(&r, secs, &dl, &dinv);
        build_summary(&r, secs, &dl, &dinv);
        build_objectives(&r, secs, &dl, &dinv);
        build_timeline(&r, secs, &dl, &dinv);
        build_consult(&r, secs, &dl, &dinv);
        build_knowledge(&r, secs, &dl, &dinv);
        build_compliance(&r, secs, &dl, &dinv);
        build_decisions(&r, secs, &dl, &dinv);
        cc_rb_build_feedback(&r, secs, &dl, &dinv);
        cc_rb_build_scoring(&r, secs, &dl, &dinv);
        build_improvement(&r, secs, &dl, &dinv);
        build_integrity(&r, secs, &dl, &dinv);
        char b[CC_LABEL_BANNER_MAX + 80], title[600];
        banner_text(&r, &dl, dinv, b, sizeof b);
        snprintf(title, sizeof title, "%s: %s",
                 r.ended ? "After-action report"
                 : r.as_of_ms > 0
                     ? "Interim after-action report (exercise in progress)"
                     : "Interim after-action report (the log has no run.end: the exercise is running or "
                       "was stopped)",
                 s->title ? s->title : s->id);
        json_t *view = r.viewer < 0
                           ? json_pack("{s:s}", "kind", "control")
                           : json_pack("{s:s,s:s,s:o,s:o}", "kind", "seat", "seat", s->seats[r.viewer].id,
                                       "party", cc_rjs(s->seats[r.viewer].party), "clearance",
                                       cc_rjs(s->seats[r.viewer].clearance_name));
        *doc = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "format", CC_REPORT_FORMAT, "kind", "aar", "title",
                         title, "banner", b, "view", view, "sections", secs);
        if (*doc && r.viewer < 0) { /* a seat's report has no figure of the whole log (above) */
            json_object_set_new(*doc, "log_hash", json_string(r.last_hash));
            json_object_set_new(*doc, "merkle", merkle_json(&r));
        }
        json_t *cpj = r.viewer < 0 ? checkpoint_json(&r) : NULL;
        if (*doc && cpj) {
            if (strcmp(cc_report_str(cpj, "status"), "consistent") != 0)
                json_object_set_new(*doc, "alerts", json_pack("[O]", json_object_get(cpj, "text")));
            json_object_set_new(*doc, "checkpoint", cpj);
        } else {
            json_decref(cpj);
        }
        if (!*doc)
            rc = CC_ERR_NOMEM;
    }
    cc_rep_free(&r);
    return rc;
}
