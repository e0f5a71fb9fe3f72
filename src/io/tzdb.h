/* tzdb — loads a cc_zone by IANA name from the system time zone database
 * (Debian tzdata, /usr/share/zoneinfo), refusing names that could escape the directory. */
#ifndef CC_TZDB_H
#define CC_TZDB_H

#include "core/zone.h"

/* dir is the database directory, or NULL (or "") for "/usr/share/zoneinfo" (the library
 * reads no environment variables; callers pass dir explicitly).
 * Names: [A-Za-z0-9_+-] components separated by '/', no "." or ".." components, no leading
 * or trailing '/', no empty component, at most 128 bytes; "localtime" (the machine's own
 * zone, not an IANA name) is refused. "UTC" and "Etc/UTC" always succeed even without the
 * files (the zone is named "UTC"). Files must be regular files of at most 1 MiB.
 * Errors: CC_ERR_INVALID (bad name), CC_ERR_NOTFOUND (no such zone, or a directory),
 * CC_ERR_PARSE (not TZif, or too large), CC_ERR_IO, CC_ERR_NOMEM, CC_ERR_ARG (out NULL);
 * *why (why may be NULL) is set to a static message. On success the caller frees *out with
 * cc_zone_free. */
cc_err cc_tzdb_load(const char *dir, const char *name, cc_zone **out, const char **why);

#endif
