/* calout — the agents file, the text report and the JSON of a calibration (see calout.h). */
#include "sim/calout.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/ctime.h"
#include "io/yaml_write.h"

/* A duration for the agents file: whole seconds (the format's resolution), at least min_s. */
static const char *dur(char *buf, size_t size, double s, double min_s)
{
    double r = floor(s + 0.5);
    if (r < min_s)
        r = min_s;
    cc_duration_format((int64_t)r, buf, size);
    return buf;
}

/* A duration for people to read: "19m58s", "4.2s". */
static const char *hdur(char *buf, size_t size, double s)
{
    if (isnan(s))
        return "-";
    if (s < 10) {
        snprintf(buf, size, "%.1fs", s);
        return buf;
    }
    cc_duration_format((int64_t)floor(s + 0.5), buf, size);
    return buf;
}

/* ---- the delay and the rule, as the scenario format writes them ------------------------------ */

cc_err cc_calout_delay(const cc_calib_rule *R, cc_buf *out)
{
    char a[32];
    if (R->status == CC_CALIB_FIXED) {
        cc_buf_printf(out, "{dist: fixed, value: %s}", dur(a, sizeof a, R->fixed_s, 0));
    } else if (R->status == CC_CALIB_FITTED) {
        const cc_dfit *f = &R->fits[R->best];
        switch (f->model) {
        case CC_DFIT_EXPONENTIAL:
            cc_buf_printf(out, "{dist: exponential, mean: %s}", dur(a, sizeof a, f->par[0], 1));
            break;
        case CC_DFIT_LOGNORMAL:
            cc_buf_printf(out, "{dist: lognormal, median: %s, sigma: %.4g}", dur(a, sizeof a, f->par[0], 1),
                          f->par[1]);
            break;
        case CC_DFIT_GAMMA:
            cc_buf_printf(out, "{dist: gamma, shape: %.4g, scale: %s}", f->par[0],
                          dur(a, sizeof a, f->par[1], 1));
            break;
        }
    } else {
        cc_scenario_dist_write(&R->tmpl->delay, out);
    }
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}

static void refs(const cc_refs *r, cc_buf *out)
{
    static const char *const pre[] = {"", "cell:", "party:", "group:", ""};
    cc_buf_putc(out, '[');
    for (size_t i = 0; i < r->n; i++)
        cc_buf_printf(out, "%s%s%s", i ? ", " : "", pre[r->v[i].kind],
                      r->v[i].kind == CC_REF_ALL ? "all" : r->v[i].name);
    cc_buf_putc(out, ']');
}

/* One rule of an agent: the scenario's keys, with the fitted delay, probability and approve. */
static cc_err write_rule(const cc_calib_rule *R, cc_buf *out)
{
    const cc_agent_rule *T = R->tmpl;
    cc_buf_printf(out, "      - on: %s\n", cc_agent_event_name(T->on));
    if (T->has_channel)
        cc_buf_printf(out, "        channel: %s\n", cc_channel_name(T->channel));
    if (T->inject_class) {
        cc_buf_puts(out, "        class: ");
        if (cc_yw_quotedz(out, T->inject_class) != CC_OK && !out->oom)
            return CC_ERR_INVALID;
        cc_buf_putc(out, '\n');
    }
    if (T->has_stage)
        cc_buf_printf(out, "        stage: %s\n", cc_stage_kind_name(T->stage));
    cc_buf_printf(out, "        do: %s\n", cc_action_name(T->action));
    if (T->option)
        cc_buf_printf(out, "        option: %s\n", T->option);
    if (T->to.n) {
        cc_buf_puts(out, "        to: ");
        refs(&T->to, out);
        cc_buf_putc(out, '\n');
    }
    if (T->text) {
        cc_buf_puts(out, "        text: ");
        if (cc_yw_quotedz(out, T->text) != CC_OK && !out->oom)
            return CC_ERR_INVALID;
        cc_buf_putc(out, '\n');
    }
    cc_buf_puts(out, "        delay: ");
    cc_calout_delay(R, out);
    cc_buf_putc(out, '\n');
    if (T->calendar_delay)
        cc_buf_puts(out, "        delay_in: calendar\n");
    double p = R->share_ok ? R->p : T->probability;
    if (R->share_ok || p != 1)
        cc_buf_printf(out, "        probability: %.4f\n", p);
    if (T->action == CC_ACT_REVIEW)
        cc_buf_printf(out, "        approve: %.4f\n", isnan(R->approve) ? T->approve : R->approve);
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}

/* One line of the header per rule: what was observed and how it was fitted. */
static void rule_summary(const cc_calib_rule *R, cc_buf *out)
{
    char a[32];
    cc_buf_printf(out, "%zu acts of %zu offers (%zu censored", R->acts, R->offers, R->censored);
    if (R->lost)
        cc_buf_printf(out, ", %zu lost", R->lost);
    cc_buf_puts(out, "): ");
    switch (R->status) {
    case CC_CALIB_FITTED: {
        const cc_dfit *f = &R->fits[R->best];
        cc_buf_printf(out, "%s, AIC %.1f", cc_dfit_model_name(f->model), f->aic);
        for (int m = 0; m < CC_DFIT_NMODELS; m++)
            if (m != R->best && R->fitted[m])
                cc_buf_printf(out, " (%s %.1f)", cc_dfit_model_name((cc_dfit_model)m), R->fits[m].aic);
        cc_buf_printf(out, "; KS D %.3f", R->ks);
        if (!isnan(R->ks_p))
            cc_buf_printf(out, ", bootstrap p %.3f", R->ks_p);
        break;
    }
    case CC_CALIB_FIXED: cc_buf_printf(out, "every act took %s: fixed", hdur(a, sizeof a, R->fixed_s)); break;
    case CC_CALIB_TOO_FEW: cc_buf_puts(out, "too few acts: the scenario's rule kept"); break;
    case CC_CALIB_NO_OFFERS: cc_buf_puts(out, "never offered in these logs: the scenario's rule kept"); break;
    case CC_CALIB_TRACELESS:
        cc_buf_puts(out, "its act leaves no event in a log: the scenario's rule kept");
        break;
    }
}

static void rule_title(const cc_calib_rule *R, cc_buf *out)
{
    const cc_agent_rule *T = R->tmpl;
    cc_buf_printf(out, "rule %zu (on: %s", R->index + 1, cc_agent_event_name(T->on));
    if (T->has_stage)
        cc_buf_printf(out, ", stage: %s", cc_stage_kind_name(T->stage));
    if (T->has_channel)
        cc_buf_printf(out, ", channel: %s", cc_channel_name(T->channel));
    if (T->inject_class)
        cc_buf_printf(out, ", class: %s", T->inject_class);
    cc_buf_printf(out, ", do: %s", cc_action_name(T->action));
    if (T->option)
        cc_buf_printf(out, " %s", T->option);
    cc_buf_putc(out, ')');
}

cc_err cc_calout_agents(const cc_calib *c, cc_buf *out)
{
    const cc_scenario *s = cc_calib_scenario(c);
    const cc_calib_opts *o = cc_calib_options(c);
    char hash[65];
    cc_scenario_hash_hex(s, hash);
    cc_buf_printf(out, "# caucus calibrate: agents fitted to %zu event log%s of scenario %s\n",
                  cc_calib_nlogs(c), cc_calib_nlogs(c) == 1 ? "" : "s", s->id);
    cc_buf_printf(out, "#   scenario sha256 %s\n", hash);
    cc_buf_printf(out,
                  "#   grouped by %s; delays in work time (on duty) unless a rule has delay_in: calendar;\n"
                  "#   rules with fewer than %zu acts keep the scenario's values (docs/calibration.md)\n",
                  cc_calib_by_name(o->by), o->min_acts);
    cc_buf_puts(out, "# logs:\n");
    for (size_t i = 0; i < cc_calib_nlogs(c); i++)
        cc_buf_printf(out, "#   %s\n", cc_calib_log_name(c, i));
    cc_buf_puts(out, "# rules:\n");
    for (size_t g = 0; g < cc_calib_ngroups(c); g++) {
        const cc_calib_group *G = cc_calib_group_at(c, g);
        for (size_t r = 0; r < G->nrules; r++) {
            cc_buf_printf(out, "#   %s ", G->agent_id);
            rule_title(&G->rules[r], out);
            cc_buf_puts(out, ": ");
            rule_summary(&G->rules[r], out);
            cc_buf_putc(out, '\n');
        }
    }
    cc_buf_puts(out, "caucus_agents: 1\n");
    cc_buf_printf(out, "scenario: %s\n", s->id);
    cc_buf_puts(out, "agents:\n");
    for (size_t g = 0; g < cc_calib_ngroups(c); g++) {
        const cc_calib_group *G = cc_calib_group_at(c, g);
        const cc_agent *A = G->tmpl;
        cc_buf_printf(out, "  - id: %s\n", G->agent_id);
        double absence = isnan(G->absence) ? A->absence : G->absence;
        cc_buf_printf(out, "    availability: {hours: %s, absence: %.4f}\n",
                      A->always_available ? "always" : "working", absence);
        cc_buf_printf(out, "    channel_failure: %.4f\n",
                      isnan(G->channel_failure) ? A->channel_failure : G->channel_failure);
        cc_buf_puts(out, "    rules:\n");
        for (size_t r = 0; r < G->nrules; r++) {
            /* a rule no situation of these seats can ever match is left out (it would never act) */
            int can = 0;
            for (size_t k = 0; k < G->nseats && !can; k++)
                can = cc_scenario_rule_can_match(s, G->rules[r].tmpl, G->seats[k]);
            if (!can) {
                cc_buf_printf(
                    out, "      # rule %zu of agent %s left out: no situation of these seats can match it\n",
                    r + 1, A->id);
                continue;
            }
            cc_err rc = write_rule(&G->rules[r], out);
            if (rc != CC_OK)
                return rc;
        }
    }
    cc_buf_puts(out, "seats:\n");
    for (size_t g = 0; g < cc_calib_ngroups(c); g++) {
        const cc_calib_group *G = cc_calib_group_at(c, g);
        for (size_t k = 0; k < G->nseats; k++)
            cc_buf_printf(out, "  %s: %s\n", s->seats[G->seats[k]].id, G->agent_id);
    }
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}

/* ---- the text report ----------------------------------------------------------------------- */

static void interval(cc_buf *out, const char *fmt, double v, double lo, double hi)
{
    char a[32], b[32], c[32];
    snprintf(a, sizeof a, fmt, v);
    if (isnan(lo)) {
        cc_buf_printf(out, "%s [-]", a);
        return;
    }
    snprintf(b, sizeof b, fmt, lo);
    snprintf(c, sizeof c, fmt, hi);
    cc_buf_printf(out, "%s [%s, %s]", a, b, c);
}

static void dinterval(cc_buf *out, double v, double lo, double hi)
{
    char a[32], b[32], c[32];
    cc_buf_printf(out, "%s [%s, %s]", hdur(a, sizeof a, v), hdur(b, sizeof b, lo), hdur(c, sizeof c, hi));
}

static void text_fit(const cc_calib_rule *R, cc_buf *out)
{
    const cc_dfit *f = &R->fits[R->best];
    cc_buf_printf(out, "      delay: %s", cc_dfit_model_name(f->model));
    if (f->model == CC_DFIT_EXPONENTIAL) {
        cc_buf_puts(out, " mean ");
        dinterval(out, f->par[0], f->lo[0], f->hi[0]);
    } else if (f->model == CC_DFIT_LOGNORMAL) {
        cc_buf_puts(out, " median ");
        dinterval(out, f->par[0], f->lo[0], f->hi[0]);
        cc_buf_puts(out, ", sigma ");
        interval(out, "%.3f", f->par[1], f->lo[1], f->hi[1]);
    } else {
        cc_buf_puts(out, " shape ");
        interval(out, "%.3f", f->par[0], f->lo[0], f->hi[0]);
        cc_buf_puts(out, ", scale ");
        dinterval(out, f->par[1], f->lo[1], f->hi[1]);
    }
    if (f->model != CC_DFIT_EXPONENTIAL) {
        cc_buf_puts(out, "; mean ");
        dinterval(out, f->mean, f->mean_lo, f->mean_hi);
    }
    cc_buf_printf(out, "\n      AIC %.1f", f->aic);
    for (int m = 0; m < CC_DFIT_NMODELS; m++)
        if (m != R->best && R->fitted[m])
            cc_buf_printf(out, " (%s %.1f)", cc_dfit_model_name((cc_dfit_model)m), R->fits[m].aic);
    cc_buf_printf(out, "; fit: KS D %.3f", R->ks);
    if (!isnan(R->ks_p))
        cc_buf_printf(out, ", bootstrap p %.3f (%u samples)", R->ks_p, R->boot_done);
    cc_buf_putc(out, '\n');
}

static void text_rule(const cc_calib_rule *R, cc_buf *out)
{
    char a[32];
    cc_buf_puts(out, "    ");
    rule_title(R, out);
    cc_buf_printf(out, "%s\n", R->calendar ? ", in calendar time" : "");
    if (R->status == CC_CALIB_TRACELESS || R->status == CC_CALIB_NO_OFFERS) {
        cc_buf_puts(out, "      ");
        rule_summary(R, out);
        cc_buf_putc(out, '\n');
        return;
    }
    cc_buf_printf(out, "      offers %zu: acted %zu, censored %zu", R->offers, R->acts, R->censored);
    if (R->intervals)
        cc_buf_printf(out, " (%zu acts within an off-duty gap)", R->intervals);
    if (R->lost)
        cc_buf_printf(out, "; %zu acts lost by the channel", R->lost);
    if (R->dropped)
        cc_buf_printf(out, "; %zu offers ended at once (no time on duty)", R->dropped);
    cc_buf_putc(out, '\n');
    if (R->status == CC_CALIB_TOO_FEW)
        cc_buf_puts(out, "      too few acts to fit: the scenario's rule is kept\n");
    else if (R->status == CC_CALIB_FIXED)
        cc_buf_printf(out, "      delay: every act took %s: fixed\n", hdur(a, sizeof a, R->fixed_s));
    else
        text_fit(R, out);
    if (R->share_ok) {
        cc_buf_puts(out, "      probability ");
        interval(out, "%.3f", R->p, R->p_lo, R->p_hi);
        cc_buf_printf(out, " (acted by %s: %.3f of n* %.1f, / F %.4f)", hdur(a, sizeof a, R->share.h),
                      R->share.p, R->share.nstar, R->F_h);
        if (R->status == CC_CALIB_FITTED)
            cc_buf_printf(out, "; model p %.3f", R->fits[R->best].p);
        cc_buf_putc(out, '\n');
    } else if (R->acts > 0) {
        cc_buf_printf(out, "      acted by %s: %.3f of n* %.1f\n", hdur(a, sizeof a, R->share.h), R->share.p,
                      R->share.nstar);
    }
    if (!isnan(R->approve)) {
        cc_buf_puts(out, "      approve ");
        interval(out, "%.3f", R->approve, R->approve_lo, R->approve_hi);
        cc_buf_printf(out, " (%zu of %zu reviews)\n", R->approvals, R->approvals + R->objections);
    }
    cc_buf_puts(out, "      scenario: ");
    cc_buf b;
    cc_buf_init(&b);
    cc_scenario_dist_write(&R->tmpl->delay, &b);
    cc_buf_printf(out, "%s, probability %g", b.data ? b.data : "", R->tmpl->probability);
    cc_buf_free(&b);
    if (R->tmpl->action == CC_ACT_REVIEW)
        cc_buf_printf(out, ", approve %g", R->tmpl->approve);
    cc_buf_putc(out, '\n');
}

cc_err cc_calout_text(const cc_calib *c, cc_buf *out)
{
    const cc_scenario *s = cc_calib_scenario(c);
    const cc_calib_opts *o = cc_calib_options(c);
    cc_buf_printf(out, "calibrate %s: %zu log%s, grouped by %s, %zu group%s\n", s->id, cc_calib_nlogs(c),
                  cc_calib_nlogs(c) == 1 ? "" : "s", cc_calib_by_name(o->by), cc_calib_ngroups(c),
                  cc_calib_ngroups(c) == 1 ? "" : "s");
    if (cc_calib_shared_streams(c))
        cc_buf_printf(
            out,
            "  warning: %zu log%s the seed and replication of an earlier log: their agents drew the same\n"
            "  random numbers (caucus sim's common random numbers across variants), so the observations\n"
            "  are not independent and the intervals are too narrow; give each log its own seed\n",
            cc_calib_shared_streams(c), cc_calib_shared_streams(c) == 1 ? " has" : "s have");
    if (cc_calib_unfitted_acts(c))
        cc_buf_printf(out, "  %zu acts by seats without an agent: counted, not fitted\n",
                      cc_calib_unfitted_acts(c));
    for (size_t g = 0; g < cc_calib_ngroups(c); g++) {
        const cc_calib_group *G = cc_calib_group_at(c, g);
        cc_buf_printf(out, "\n%s -> agent %s (from %s; seats", G->name, G->agent_id, G->tmpl->id);
        for (size_t k = 0; k < G->nseats; k++)
            cc_buf_printf(out, " %s", s->seats[G->seats[k]].id);
        cc_buf_printf(out, "): played %zu seat-logs, %zu by an agent\n", G->seat_logs, G->agent_seat_logs);
        cc_buf_puts(out, "  absence ");
        if (isnan(G->absence))
            cc_buf_printf(out, "- (%zu agent seat-logs: too few; the scenario's %g kept)", G->agent_seat_logs,
                          G->tmpl->absence);
        else {
            interval(out, "%.3f", G->absence, G->absence_lo, G->absence_hi);
            cc_buf_printf(out, " (%zu of %zu)", G->absent, G->agent_seat_logs);
        }
        cc_buf_puts(out, "; channel failure ");
        if (isnan(G->channel_failure))
            cc_buf_printf(out, "- (%zu agent acts: too few; the scenario's %g kept)\n", G->agent_acts,
                          G->tmpl->channel_failure);
        else {
            interval(out, "%.3f", G->channel_failure, G->cf_lo, G->cf_hi);
            cc_buf_printf(out, " (%zu of %zu acts lost)\n", G->lost, G->agent_acts);
        }
        for (size_t r = 0; r < G->nrules; r++)
            text_rule(&G->rules[r], out);
    }
    cc_buf_puts(
        out, "\nIntervals are 95%: delays by the observed information (Wald, log scale), probabilities by\n"
             "Wilson's score. Delays are work time on the seat's duty schedule. KS D: the largest distance\n"
             "between the Kaplan-Meier estimate and the fitted model; a small bootstrap p says the family\n"
             "does not describe the delays (docs/calibration.md).\n");
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}

/* ---- JSON --------------------------------------------------------------------------------- */

static json_t *num(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static json_t *pair(double lo, double hi)
{
    return json_pack("[oo]", num(lo), num(hi));
}

static json_t *fit_json(const cc_dfit *f)
{
    json_t *par = json_object();
    static const char *const names[3][2] = {{"mean_s", NULL}, {"median_s", "sigma"}, {"shape", "scale_s"}};
    for (int i = 0; i < f->npar; i++) {
        json_object_set_new(par, names[f->model][i], num(f->par[i]));
        char key[32];
        snprintf(key, sizeof key, "%s_ci", names[f->model][i]);
        json_object_set_new(par, key, pair(f->lo[i], f->hi[i]));
    }
    return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:b}", "model", cc_dfit_model_name(f->model),
                     "parameters", par, "distribution_mean_s", num(f->mean), "distribution_mean_ci",
                     pair(f->mean_lo, f->mean_hi), "p_mle", num(f->p), "loglik", num(f->loglik), "aic",
                     num(f->aic), "p_estimated", f->p_free, "converged", f->converged);
}

static json_t *rule_json(const cc_calib_rule *R)
{
    static const char *const status[] = {"fitted", "fixed", "too few acts", "never offered",
                                         "leaves no trace"};
    json_t *fits = json_array();
    for (int m = 0; m < CC_DFIT_NMODELS; m++)
        if (R->fitted[m])
            json_array_append_new(fits, fit_json(&R->fits[m]));
    cc_buf b;
    cc_buf_init(&b);
    cc_calout_delay(R, &b);
    json_t *j = json_pack(
        "{s:I,s:s,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:s?}", "rule", (json_int_t)R->index + 1, "on",
        cc_agent_event_name(R->tmpl->on), "do", cc_action_name(R->tmpl->action), "calendar_time", R->calendar,
        "offers", (json_int_t)R->offers, "acts", (json_int_t)R->acts, "censored", (json_int_t)R->censored,
        "interval_censored", (json_int_t)R->intervals, "lost", (json_int_t)R->lost, "dropped_no_time",
        (json_int_t)R->dropped, "fits", fits, "delay_written", b.data);
    cc_buf_free(&b);
    if (!j)
        return NULL;
    json_object_set_new(j, "status", json_string(status[R->status]));
    json_object_set_new(j, "chosen",
                        R->best >= 0 ? json_string(cc_dfit_model_name((cc_dfit_model)R->best)) : json_null());
    json_object_set_new(j, "fixed_s", R->status == CC_CALIB_FIXED ? json_real(R->fixed_s) : json_null());
    if (R->acts > 0)
        json_object_set_new(j, "probability",
                            json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "p", num(R->p), "ci",
                                      pair(R->p_lo, R->p_hi), "km_share", num(R->share.p), "km_share_ci",
                                      pair(R->share.lo, R->share.hi), "n_effective", num(R->share.nstar),
                                      "horizon_s", num(R->share.h), "F_horizon", num(R->F_h), "written",
                                      R->share_ok));
    json_object_set_new(j, "ks_d", num(R->ks));
    json_object_set_new(j, "ks_p_bootstrap", num(R->ks_p));
    json_object_set_new(j, "bootstrap_samples", json_integer(R->boot_done));
    if (R->tmpl->action == CC_ACT_REVIEW)
        json_object_set_new(j, "approve",
                            json_pack("{s:o,s:o,s:I,s:I}", "p", num(R->approve), "ci",
                                      pair(R->approve_lo, R->approve_hi), "approvals",
                                      (json_int_t)R->approvals, "objections", (json_int_t)R->objections));
    if (R->tmpl->has_stage)
        json_object_set_new(j, "stage", json_string(cc_stage_kind_name(R->tmpl->stage)));
    if (R->tmpl->option)
        json_object_set_new(j, "option", json_string(R->tmpl->option));
    return j;
}

json_t *cc_calout_json(const cc_calib *c)
{
    const cc_scenario *s = cc_calib_scenario(c);
    const cc_calib_opts *o = cc_calib_options(c);
    char hash[65];
    cc_scenario_hash_hex(s, hash);
    json_t *logs = json_array(), *groups = json_array();
    for (size_t i = 0; i < cc_calib_nlogs(c); i++)
        json_array_append_new(logs, json_string(cc_calib_log_name(c, i)));
    for (size_t g = 0; g < cc_calib_ngroups(c); g++) {
        const cc_calib_group *G = cc_calib_group_at(c, g);
        json_t *seats = json_array(), *rules = json_array();
        for (size_t k = 0; k < G->nseats; k++)
            json_array_append_new(seats, json_string(s->seats[G->seats[k]].id));
        for (size_t r = 0; r < G->nrules; r++)
            json_array_append_new(rules, rule_json(&G->rules[r]));
        json_array_append_new(
            groups, json_pack("{s:s,s:s,s:s,s:o,s:I,s:I,s:I,s:o,s:o,s:I,s:I,s:o,s:o,s:o}", "name", G->name,
                              "agent", G->agent_id, "template", G->tmpl->id, "seats", seats, "seat_logs",
                              (json_int_t)G->seat_logs, "agent_seat_logs", (json_int_t)G->agent_seat_logs,
                              "absent", (json_int_t)G->absent, "absence", num(G->absence), "absence_ci",
                              pair(G->absence_lo, G->absence_hi), "agent_acts", (json_int_t)G->agent_acts,
                              "lost", (json_int_t)G->lost, "channel_failure", num(G->channel_failure),
                              "channel_failure_ci", pair(G->cf_lo, G->cf_hi), "rules", rules));
    }
    json_t *methods = json_pack(
        "{s:s,s:s,s:s,s:s,s:s}", "delay",
        "maximum likelihood with right- and interval-censoring and a share that never acts", "delay_ci",
        "Wald, observed information, log scale, 95%", "probability",
        "Kaplan-Meier share acting by the longest observed delay; Wilson at the effective number of offers",
        "choice", "smallest AIC", "fit",
        "KS distance between Kaplan-Meier and the fitted model; parametric bootstrap p");
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
    return json_pack("{s:s,s:s,s:s,s:o,s:s,s:I,s:I,s:s,s:o,s:o}", "scenario", s->id, "scenario_sha256", hash,
                     "by", cc_calib_by_name(o->by), "logs", logs, "time",
                     "work time on duty unless delay_in: calendar", "min_acts", (json_int_t)o->min_acts,
                     "bootstrap", (json_int_t)o->boot, "seed", seed, "groups", groups, "methods", methods);
}
