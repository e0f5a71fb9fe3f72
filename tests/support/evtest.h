/* evtest — test support for engine tests: load a scenario, run it with timed inputs into a log,
 * decode the log (asserting each record is valid and chained), and find or count events. */
#ifndef CC_TEST_EVTEST_H
#define CC_TEST_EVTEST_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/evlog.h"
#include "core/scenario.h"

/* The scenario at path (asserts it loads). Free with cc_scenario_free. */
cc_scenario *ev_load(const char *path);
/* An engine sink appending every record to the cc_buf ctx. */
int ev_collect(void *ctx, const char *line, size_t len);
struct cc_engine_opts;
/* Runs s with options o to its end, appending its log to log (asserts every step succeeds). */
void ev_run_log(const cc_scenario *s, const struct cc_engine_opts *o, cc_buf *log);
/* The records of a log as decoded events; asserts each is valid and chained. */
size_t ev_decode_all(const cc_buf *log, cc_evrec *out, size_t max);
/* Runs scenario scen to its end (seed 1, default variant, agents as auto_seats: NULL none) with
 * the inputs of a JSON Lines file timed by "t" (lines not starting with '{' are comments); the
 * decoded events in ev. */
/* The same run's log (its JSON Lines appended to log). */
void ev_log_inputs(const char *scen, const char *inputs, const unsigned char *auto_seats, cc_buf *log);
size_t ev_run_inputs(const char *scen, const char *inputs, const unsigned char *auto_seats, cc_evrec *ev,
                     size_t max);
/* A payload member as a string ("" when absent or not a string). */
const char *ev_str(const json_t *payload, const char *key);
/* The first event of a type (whose payload has key = val, when key is not NULL), or NULL. */
const cc_evrec *ev_find(const cc_evrec *ev, size_t n, const char *type, const char *key, const char *val);
/* The number of such events. */
size_t ev_count(const cc_evrec *ev, size_t n, const char *type, const char *key, const char *val);
void ev_clear_all(cc_evrec *ev, size_t n);

#endif
