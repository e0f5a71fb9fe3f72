/* tmpfile — test support: a new temporary file holding given bytes (mkstemp, write, close), for
 * tests that read files through the library. */
#ifndef CC_TEST_TMPFILE_H
#define CC_TEST_TMPFILE_H

#include <stddef.h>

/* A new file /tmp/caucus-NAME-XXXXXX (mkstemp) holding data[0..len); asserts every step. Returns
 * its path (malloc'd: the caller unlinks the file and frees the path). */
char *tmp_write(const char *name, const void *data, size_t len);

#endif
