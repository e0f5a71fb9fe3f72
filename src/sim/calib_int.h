/* calib_int — the calibration's state and the functions its parts share. Internal to the library
 * (sim/calib.c: groups, fits, accessors; sim/calib_log.c: logs into observations). Callers use
 * sim/calib.h. */
#ifndef CC_CALIB_INT_H
#define CC_CALIB_INT_H

#include "core/arena.h"
#include "core/idmap.h"
#include "sim/calib.h"

struct cc_calib {
    const cc_scenario *s;
    cc_calib_opts o;
    cc_arena *a;
    char hash[65];
    cc_idmap *seat_ids, *cons_ids, *dec_ids, *inj_ids, *mech_ids;
    int *seat_group; /* nseats: group of the seat, -1 when it has no agent */
    cc_calib_group *groups;
    size_t ngroups;
    size_t **caps; /* per group, per rule: capacity of its obs */
    char **logs;
    char **streams; /* per log: "SEED/REPLICATION" of its run.start */
    size_t nlogs, caplogs, shared;
    size_t unfitted;
    int fitted;
};

/* Fills err (may be NULL) with "name: message". */
void cc_calib_fail(cc_calib_error *err, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
