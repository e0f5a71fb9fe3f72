/* tzdb — loads a time zone by IANA name from the system zoneinfo directory. */
#include "io/tzdb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZDB_DEFAULT_DIR "/usr/share/zoneinfo"
#define TZDB_MAX_FILE (1u << 20)
#define TZDB_MAX_NAME 128

static int name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > TZDB_MAX_NAME || name[0] == '/' || name[n - 1] == '/')
        return 0;
    const char *comp = name;
    for (size_t i = 0; i <= n; i++) {
        char c = name[i];
        if (c == '/' || c == 0) {
            size_t cl = (size_t)(name + i - comp);
            if (cl == 0 || (cl == 1 && comp[0] == '.') || (cl == 2 && comp[0] == '.' && comp[1] == '.'))
                return 0;
            if (comp[0] == '.')
                return 0;
            comp = name + i + 1;
            continue;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '+' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

cc_err cc_tzdb_load(const char *dir, const char *name, cc_zone **out, const char **why)
{
    *out = NULL;
    *why = NULL;
    if (!name || !name_ok(name)) {
        *why = "not a valid time zone name";
        return CC_ERR_INVALID;
    }
    if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)
        return cc_zone_utc(out);
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : TZDB_DEFAULT_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        *why = errno == ENOENT || errno == ENOTDIR ? "no such zone in the time zone database"
                                                   : "cannot read the time zone database";
        return errno == ENOENT || errno == ENOTDIR ? CC_ERR_NOTFOUND : CC_ERR_IO;
    }
    unsigned char *buf = malloc(TZDB_MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        return CC_ERR_NOMEM;
    }
    size_t n = fread(buf, 1, TZDB_MAX_FILE + 1, f);
    int rerr = ferror(f);
    fclose(f);
    cc_err rc;
    if (rerr) {
        *why = "cannot read the time zone file (is it a directory?)";
        rc = CC_ERR_NOTFOUND;
    } else if (n > TZDB_MAX_FILE) {
        *why = "time zone file too large";
        rc = CC_ERR_PARSE;
    } else {
        rc = cc_zone_from_tzif(name, buf, n, out, why);
    }
    free(buf);
    return rc;
}
