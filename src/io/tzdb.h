/* tzdb — loads a cc_zone by IANA name from the system time zone database
 * (Debian tzdata, /usr/share/zoneinfo), refusing names that could escape the directory. */
#ifndef CC_TZDB_H
#define CC_TZDB_H

#include "core/zone.h"

/* dir is the database directory, or NULL for "/usr/share/zoneinfo" (the library reads no
 * environment variables; callers pass dir explicitly).
 * Names: [A-Za-z0-9_+-] components separated by '/', no "." or ".." components, no leading
 * '/', at most 128 bytes. "UTC" and "Etc/UTC" always succeed even without the files.
 * Errors: CC_ERR_INVALID (bad name), CC_ERR_NOTFOUND (no such zone), CC_ERR_PARSE (not TZif),
 * CC_ERR_IO, CC_ERR_NOMEM; *why is set to a static message. */
cc_err cc_tzdb_load(const char *dir, const char *name, cc_zone **out, const char **why);

#endif
