/* lines — reading a file line by line in bounded memory: one buffer of max + 1 bytes, whatever
 * the file holds. A line longer than max is refused as soon as max + 1 bytes of it have been
 * read, without reading the rest; a directory or unreadable file is refused at open. Used by
 * `caucus verify`, `import`, `checkpoint` and `cosign` for event logs (docs/store.md). */
#ifndef CC_LINES_H
#define CC_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

typedef struct cc_lines cc_lines; /* opaque */

/* Opens path ("-" is standard input) for reading lines of at most max bytes (without the
 * newline). CC_ERR_IO with why ("cannot open: ...", "is a directory") on failure; CC_ERR_NOMEM.
 * On success *out is owned by the caller (cc_lines_close). */
cc_err cc_lines_open(const char *path, size_t max, cc_lines **out, char *why, size_t whylen);
void cc_lines_close(cc_lines *r);
/* What cc_lines_open does to the file, for other readers of it (io/plines): *fd open for reading
 * (0 for "-"), *own 1 when the caller is to close it; the same errors and why. */
cc_err cc_lines_open_fd(const char *path, int *fd, int *own, char *why, size_t whylen);

/* The next line: *line points into the reader's buffer (valid until the next call), *len is its
 * length without the newline, *complete is 0 for a last line that has no newline. Returns
 * CC_OK with a line, CC_ERR_NOTFOUND at the end of the file, CC_ERR_LIMIT for a line longer than
 * max (why: "line N is longer than M bytes"), CC_ERR_IO for a read error (why says which). */
cc_err cc_lines_next(cc_lines *r, const char **line, size_t *len, int *complete, char *why, size_t whylen);

/* The 1-based number of the line last returned (0 before the first). */
uint64_t cc_lines_number(const cc_lines *r);

#endif
