/* calib — calibration of a scenario's agent rules from event logs (docs/calibration.md): every
 * situation an agent rule answers is found in the logs (an offer), with the seat's act or the
 * situation's end (censoring), in the seat's work time; the observations are pooled by seat, role
 * or agent, and each rule's delay distribution and action probability are fitted (sim/dfit), with
 * the agent's absence and channel failure. Results are plain records read through the accessors;
 * calout writes them (agents file, report, JSON) and calplot draws them.
 *
 * Ownership: cc_calib_new borrows the scenario (it must outlive the calibration); every result
 * belongs to the cc_calib and is freed by cc_calib_free. Logs are read from memory; nothing is
 * printed. Deterministic: the same logs in the same order and the same options give the same
 * results. */
#ifndef CC_CALIB_H
#define CC_CALIB_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/scenario.h"
#include "core/scenario_model.h"
#include "sim/dfit.h"

typedef enum cc_calib_by { CC_CALIB_BY_SEAT, CC_CALIB_BY_ROLE, CC_CALIB_BY_AGENT } cc_calib_by;

typedef struct cc_calib_opts {
    cc_calib_by by;
    size_t min_acts; /* fewer acts (or seat-logs, agent acts): not fitted, the scenario's value kept; 0: 10 */
    unsigned boot;   /* bootstrap samples for the KS p-value; 0: none */
    uint64_t seed;   /* keys the bootstrap's streams */
} cc_calib_opts;

/* Where and why: "LOG:LINE: message" or a message about the whole calibration. */
typedef struct cc_calib_error {
    char message[320];
} cc_calib_error;

typedef struct cc_calib cc_calib; /* opaque */

/* What became of a rule. */
typedef enum cc_calib_status {
    CC_CALIB_FITTED,    /* a model was fitted */
    CC_CALIB_FIXED,     /* every act took the same time: a fixed delay */
    CC_CALIB_TOO_FEW,   /* fewer than min_acts acts: the scenario's rule kept */
    CC_CALIB_NO_OFFERS, /* no situation offered it in the logs */
    CC_CALIB_TRACELESS  /* its act leaves no event in a log: it cannot be calibrated */
} cc_calib_status;

/* One rule of one group. */
typedef struct cc_calib_rule {
    size_t index;              /* in the template agent's rules */
    const cc_agent_rule *tmpl; /* the scenario's rule */
    cc_calib_status status;
    int calendar;                                    /* fitted in calendar time (delay_in: calendar) */
    size_t offers;                                   /* observations kept (acts + censored) */
    size_t acts, intervals, censored, lost, dropped; /* dropped: censored after no time at all */
    size_t approvals, objections;                    /* review rules */
    cc_dfit_obs *obs;                                /* the observations, seconds (offers of them) */
    cc_dfit fits[CC_DFIT_NMODELS];
    int fitted[CC_DFIT_NMODELS]; /* fits[m] holds a fit */
    int best;                    /* the model chosen by AIC (CC_CALIB_FITTED), else -1 */
    double fixed_s;              /* CC_CALIB_FIXED: the delay, seconds */
    cc_dfit_share share;         /* the Kaplan-Meier share acting by h (when acts > 0) */
    int share_ok;                /* enough acts: p is written to the agents file */
    double p, p_lo, p_hi;        /* the action probability: share / F(h) of the fitted delay, capped at 1 */
    double F_h;                  /* F(h), the fitted delay's probability of lying below h (1: fixed) */
    double approve, approve_lo, approve_hi; /* review rules with enough reviews; NAN otherwise */
    cc_dfit_km km;                          /* Kaplan-Meier of acting (when acts > 0) */
    double ks, ks_p;                        /* D and its bootstrap p-value (NAN when not computed) */
    unsigned boot_done;
} cc_calib_rule;

/* One group of seats sharing a calibrated agent. */
typedef struct cc_calib_group {
    const char *name;     /* the seat id, the role text, or the agent id */
    const char *agent_id; /* id of the calibrated agent (docs/calibration.md, "Grouping") */
    const cc_agent *tmpl; /* the scenario's agent of these seats */
    size_t *seats;        /* seat indices, ascending */
    size_t nseats;
    size_t seat_logs;                       /* (seat, log) pairs where a seat of the group played */
    size_t agent_seat_logs, absent;         /* pairs where an agent played it, and of them absent */
    size_t agent_acts, lost;                /* acts attributed in agent-played logs (lost included), lost */
    double absence, absence_lo, absence_hi; /* NAN when too few agent seat-logs */
    double channel_failure, cf_lo, cf_hi;   /* NAN when too few agent acts */
    cc_calib_rule *rules;
    size_t nrules;
} cc_calib_group;

/* A calibration of scenario s (checked) with opts (NULL: defaults). CC_ERR_NOMEM. */
cc_err cc_calib_new(const cc_scenario *s, const cc_calib_opts *opts, cc_calib **out);
void cc_calib_free(cc_calib *c);

/* Reads one log (its whole text, len bytes) named name: strictly decoded, hash chain checked,
 * run.start pinning this scenario. Errors (err filled, nothing of the log kept): CC_ERR_PARSE
 * (a line that does not decode, a broken chain, not starting with run.start, empty),
 * CC_ERR_INVALID (a log of another scenario), CC_ERR_ARG (after cc_calib_fit), CC_ERR_NOMEM (the
 * calibration may then hold part of the log: free it). */
cc_err cc_calib_add_log(cc_calib *c, const char *name, const char *text, size_t len, cc_calib_error *err);

/* Fits every rule of every group. CC_ERR_INVALID with err filled when no log was added or no
 * rule of any group was offered anything; CC_ERR_NOMEM. Call once, after the logs. */
cc_err cc_calib_fit(cc_calib *c, cc_calib_error *err);

const cc_scenario *cc_calib_scenario(const cc_calib *c);
const cc_calib_opts *cc_calib_options(const cc_calib *c);
size_t cc_calib_nlogs(const cc_calib *c);
const char *cc_calib_log_name(const cc_calib *c, size_t i);
/* Logs whose run.start has the same seed and replication as an earlier log: their agents drew the
 * same random numbers (caucus sim's common random numbers across variants), so their observations
 * are not independent. */
size_t cc_calib_shared_streams(const cc_calib *c);
/* Acts taken by seats without an agent (counted, not fitted). */
size_t cc_calib_unfitted_acts(const cc_calib *c);
size_t cc_calib_ngroups(const cc_calib *c);
const cc_calib_group *cc_calib_group_at(const cc_calib *c, size_t g);
/* "seat", "role", "agent". */
const char *cc_calib_by_name(cc_calib_by by);

#endif
