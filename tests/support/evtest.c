/* evtest — test support for engine tests (see evtest.h). */
#include "evtest.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/ctime.h"
#include "core/engine.h"
#include "core/scenario_model.h"
#include "io/scenario_load.h"

void ev_run_log(const cc_scenario *s, const cc_engine_opts *o, cc_buf *log)
{
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, o, ev_collect, log, &e), CC_OK);
    cr_assert_eq(cc_engine_start(e), CC_OK);
    cr_assert_eq(cc_engine_run_until(e, s->duration_s * 1000), CC_OK);
    cc_engine_free(e);
}

cc_scenario *ev_load(const char *path)
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *s = NULL;
    cc_err rc = cc_scenario_load_file(path, NULL, &d, &s);
    cr_assert_eq(rc, CC_OK, "%s: %s", path, d.count ? d.items[0].message : "");
    cc_diags_free(&d);
    return s;
}

int ev_collect(void *ctx, const char *line, size_t len)
{
    return cc_buf_append(ctx, line, len) != CC_OK;
}

/* The records of a log as decoded events (asserting each is valid and chained). */
size_t ev_decode_all(const cc_buf *log, cc_evrec *out, size_t max)
{
    size_t n = 0;
    const char *p = log->data, *end = log->data + log->len;
    unsigned char prev[32] = {0};
    while (p < end && n < max) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        cr_assert_not_null(nl);
        cc_evlog_error err;
        cr_assert_eq(cc_evlog_decode(p, (size_t)(nl - p), &out[n], &err), CC_OK, "event %zu: %s", n,
                     err.message);
        cr_assert_eq(out[n].seq, n);
        cr_assert_eq(memcmp(out[n].prev, prev, 32), 0, "event %zu does not chain", n);
        memcpy(prev, out[n].hash, 32);
        n++;
        p = nl + 1;
    }
    return n;
}

const char *ev_str(const json_t *payload, const char *key)
{
    const char *v = json_string_value(json_object_get(payload, key));
    return v ? v : "";
}

const cc_evrec *ev_find(const cc_evrec *ev, size_t n, const char *type, const char *key, const char *val)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].type, type) == 0 && (!key || strcmp(ev_str(ev[i].payload, key), val) == 0))
            return &ev[i];
    return NULL;
}

size_t ev_count(const cc_evrec *ev, size_t n, const char *type, const char *key, const char *val)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += strcmp(ev[i].type, type) == 0 && (!key || strcmp(ev_str(ev[i].payload, key), val) == 0);
    return c;
}

void ev_clear_all(cc_evrec *ev, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cc_evrec_clear(&ev[i]);
}

void ev_log_inputs(const char *scen, const char *inputs, const unsigned char *auto_seats, cc_buf *log)
{
    cc_scenario *s = ev_load(scen);
    cc_engine_opts o = {.seed = 1, .variant = -1, .source = scen, .auto_seats = auto_seats};
    cc_engine *e = NULL;
    cr_assert_eq(cc_engine_new(s, &o, ev_collect, log, &e), CC_OK);
    cc_engine_start(e);
    FILE *f = inputs ? fopen(inputs, "r") : NULL;
    cr_assert(!inputs || f, "cannot open %s", inputs);
    char line[1024], why[256];
    while (f && fgets(line, sizeof line, f)) {
        if (line[0] != '{')
            continue;
        json_t *v = json_loads(line, 0, NULL);
        cr_assert_not_null(v);
        const char *t = json_string_value(json_object_get(v, "t"));
        int64_t rel;
        cr_assert_eq(cc_time_parse_scenario(t, strlen(t), s->start_unix, &rel, NULL), CC_OK);
        cr_assert_eq(cc_engine_run_until(e, rel * 1000), CC_OK);
        cr_assert_eq(cc_engine_input(e, v, why, sizeof why), CC_OK, "%s", why);
        json_decref(v);
    }
    if (f)
        fclose(f);
    cc_engine_run_until(e, s->duration_s * 1000);
    cc_engine_free(e);
    cc_scenario_free(s);
}

size_t ev_run_inputs(const char *scen, const char *inputs, const unsigned char *auto_seats, cc_evrec *ev,
                     size_t max)
{
    cc_buf log;
    cc_buf_init(&log);
    ev_log_inputs(scen, inputs, auto_seats, &log);
    size_t n = ev_decode_all(&log, ev, max);
    cc_buf_free(&log);
    return n;
}
