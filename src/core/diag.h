/* diag — error codes and positioned diagnostics shared by every caucus module.
 * The library never prints: functions return a cc_err and append cc_diag records
 * (file, line, column, severity, code, message, hint) to a caller-owned cc_diags. */
#ifndef CC_DIAG_H
#define CC_DIAG_H

#include <stddef.h>

typedef enum cc_err {
    CC_OK = 0,
    CC_ERR_NOMEM = -1,   /* allocation failed */
    CC_ERR_IO = -2,      /* file could not be read or written */
    CC_ERR_PARSE = -3,   /* input is not well-formed (YAML, JSON, banner, ...) */
    CC_ERR_INVALID = -4, /* well-formed but semantically invalid */
    CC_ERR_LIMIT = -5,   /* input exceeds a size, depth or count limit */
    CC_ERR_RANGE = -6,   /* number or time out of range */
    CC_ERR_NOTFOUND = -7,
    CC_ERR_DENIED = -8,   /* access denied by the label rule */
    CC_ERR_ARG = -9,      /* invalid argument from the caller */
    CC_ERR_CONFLICT = -10 /* another writer changed it first: a log that no longer continues, an
                             event someone else appended, a save from a stale version */
} cc_err;

/* Static, human-readable name of an error code ("invalid", "nomem", ...). */
const char *cc_err_str(cc_err e);

/* The detail of an error, the one type every module fills (returned beside its cc_err): the
 * code, where in the input (1-based line and column, 0 when none), what and the fix when known.
 * message and hint are "" when there is nothing to say. */
typedef struct cc_error {
    cc_err code;
    int line, col;
    char message[300];
    char hint[160];
} cc_error;

/* Fills err (may be NULL) with code, no position or hint, and the formatted message; returns code. */
cc_err cc_error_set(cc_error *err, cc_err code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

typedef enum cc_severity { CC_SEV_ERROR = 0, CC_SEV_WARNING = 1, CC_SEV_NOTE = 2 } cc_severity;

/* A source position; line and col are 1-based, 0 means unknown. */
typedef struct cc_pos {
    int line;
    int col;
} cc_pos;

typedef struct cc_diag {
    cc_severity sev;
    int line, col; /* 1-based; 0 when the diagnostic has no position */
    char *file;    /* owned; may be NULL */
    char *code;    /* owned; short kebab-case identifier, e.g. "unknown-key" */
    char *message; /* owned */
    char *hint;    /* owned; may be NULL */
} cc_diag;

/* Growable list of diagnostics. Zero-initialise, or use cc_diags_init(). */
typedef struct cc_diags {
    cc_diag *items;
    size_t count, cap;
    size_t errors, warnings;
    size_t max_items; /* 0 = default cap (1000); further diagnostics are counted but dropped */
    size_t dropped;
    int oom; /* set when a diagnostic could not be stored */
} cc_diags;

void cc_diags_init(cc_diags *d);
/* Frees every diagnostic; the list is empty and reusable afterwards. */
void cc_diags_free(cc_diags *d);

/* Appends a diagnostic; file/code/hint may be NULL. Strings are copied.
 * Returns CC_OK or CC_ERR_NOMEM (the list records the failure in ->oom). */
cc_err cc_diags_add(cc_diags *d, cc_severity sev, const char *file, cc_pos pos, const char *code,
                    const char *hint, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Stable sort by (file, line, col) keeping insertion order for ties. */
void cc_diags_sort(cc_diags *d);

/* Formats one diagnostic as "FILE:LINE:COL: error: MESSAGE" into buf (truncating).
 * Returns the length the full text needs, like snprintf. */
int cc_diag_format(const cc_diag *g, char *buf, size_t size);

const char *cc_severity_str(cc_severity s);

#endif
