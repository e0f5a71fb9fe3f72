/* evgen — see evgen.h. */
#include "evgen.h"

#include <jansson.h>
#include <string.h>

#include "core/evlog.h"

int evgen_init(evgen *g, uint64_t seq, const char *prev_hex)
{
    g->seq = seq;
    memset(g->prev, 0, sizeof g->prev);
    return prev_hex ? cc_unhex(prev_hex, strlen(prev_hex), g->prev, 32) : 0;
}

int evgen_lines(evgen *g, int n, cc_buf *out)
{
    for (int i = 0; i < n; i++) {
        cc_evrec e;
        memset(&e, 0, sizeof e);
        e.seq = g->seq;
        e.t_ms = (int64_t)g->seq * 1000;
        e.wall_ms = 1772460000000 + (int64_t)g->seq;
        e.actor = "control";
        e.type = g->seq == 0 ? "run.start" : "note"; /* a log begins with run.start */
        e.payload =
            json_pack("{s:s,s:I}", "text", "Fictional note for the store tests", "n", (json_int_t)g->seq);
        memcpy(e.prev, g->prev, 32);
        memset(e.digest, (int)(g->seq & 0xff), 32);
        cc_err rc = e.payload ? cc_evlog_encode(&e, out) : CC_ERR_NOMEM;
        json_decref(e.payload);
        if (rc != CC_OK)
            return -1;
        memcpy(g->prev, e.hash, 32);
        g->seq++;
    }
    return 0;
}
