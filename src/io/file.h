/* file — reading a whole file into memory, bounded: the one reader behind the CLI's files
 * (scenarios, keys, certificates, checkpoints), MSEL CSVs and the fuzz targets' fixtures. */
#ifndef CC_FILE_H
#define CC_FILE_H

#include <stddef.h>

#include "core/diag.h"

/* Reads the file at path into a NUL-terminated malloc'd buffer: *text (the caller frees it)
 * and *len (the NUL not counted; an empty file gives "" and 0). max is the largest size
 * accepted, 0 for no limit. Errors: CC_ERR_IO (cannot open or read), CC_ERR_LIMIT (larger
 * than max), CC_ERR_NOMEM; *text is NULL then, and why (if not NULL) receives the reason,
 * e.g. "cannot open: No such file or directory" or "file is larger than 64 MiB". */
cc_err cc_file_read(const char *path, size_t max, char **text, size_t *len, char *why, size_t whylen);

#endif
