/* Tests of hybrid seats in the engine (core/engine_agent, core/engine_input): an agent rule narrowed
 * to one decision, a seat handed to its agent and back during a run, and acts by control on a
 * seat's behalf; the timelines of docs/scenario-format.md ("Rules for one decision") and
 * docs/ui.md ("Hybrid seats"), computed by hand on tests/scenarios/valid/river-basin.yaml. */
#include <criterion/criterion.h>
#include <string.h>

#include "support/evtest.h"

#define RIVER "tests/scenarios/valid/river-basin.yaml"
#define MIN 60000LL

static const cc_evrec *need(const cc_evrec *ev, size_t n, const char *type, const char *key, const char *val)
{
    const cc_evrec *r = ev_find(ev, n, type, key, val);
    cr_assert_not_null(r, "no %s with %s = %s", type, key ? key : "-", val ? val : "-");
    return r;
}

Test(hybrid, a_rule_for_one_decision_answers_only_that_decision)
{
    static cc_evrec ev[256];
    const unsigned char autos[7] = {1, 1, 1, 1, 1, 1, 1};
    size_t n = ev_run_inputs(RIVER, NULL, autos, ev, 256);
    /* C-1 at +1h30; the commissioners acknowledge at +1h40; the desks assess at +2h40, when the
     * decide stage opens D-1; the D-1 votes at +3h00 decide it; D-2 opens at +3h30 and its votes,
     * 15 minutes later, decide it at +3h45. */
    const cc_evrec *d1 = need(ev, n, "decision.made", "decision", "D-1");
    cr_expect_eq(d1->t_ms, 180 * MIN);
    cr_expect_str_eq(ev_str(d1->payload, "outcome"), "coordinated-release");
    const cc_evrec *d2 = need(ev, n, "decision.made", "decision", "D-2");
    cr_expect_eq(d2->t_ms, 225 * MIN);
    cr_expect_str_eq(ev_str(d2->payload, "outcome"), "joint-notice");
    /* the D-2 rule is never offered D-1 (which has no option joint-notice), nor the reverse */
    cr_expect_eq(ev_count(ev, n, "decision.invalid", NULL, NULL), 0);
    cr_expect_eq(ev_count(ev, n, "decision.vote", "decision", "D-1"), 3);
    cr_expect_eq(ev_count(ev, n, "decision.vote", "decision", "D-2"), 3);
    ev_clear_all(ev, n);
}
