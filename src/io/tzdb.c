/* tzdb — loads a time zone by IANA name from a zoneinfo directory (Debian tzdata by default).
 * Names are checked before any path is built, so none can leave the directory; files are
 * read with a size cap and parsed by core/zone. */
#include "io/tzdb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TZDB_DEFAULT_DIR "/usr/share/zoneinfo"
#define TZDB_MAX_FILE (1u << 20)
#define TZDB_MAX_NAME 128

static bool name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '+' || c == '-';
}

/* [A-Za-z0-9_+-]+ components joined by single '/'; no '.', so no "." or ".." either. */
static bool name_ok(const char *name)
{
    size_t n = strnlen(name, TZDB_MAX_NAME + 1);
    if (n == 0 || n > TZDB_MAX_NAME || name[0] == '/' || name[n - 1] == '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (name[i] == '/') {
            if (name[i + 1] == '/')
                return false;
        } else if (!name_char(name[i])) {
            return false;
        }
    }
    /* "localtime" is the machine's own zone (a link to /etc/localtime), not an IANA name */
    return strcmp(name, "localtime") != 0;
}

/* Reads a regular file of at most TZDB_MAX_FILE bytes into *buf (caller frees). */
static cc_err read_zone_file(const char *path, unsigned char **buf, size_t *len, const char **why)
{
    *buf = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO planted in the directory must not hang */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR || errno == ENAMETOOLONG || errno == ELOOP) {
            *why = "no such zone in the time zone database";
            return CC_ERR_NOTFOUND;
        }
        *why = "cannot open the time zone file";
        return CC_ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        *why = "cannot read the time zone file";
        return CC_ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        *why = S_ISDIR(st.st_mode) ? "no such zone in the time zone database (that name is a directory)"
                                   : "no such zone in the time zone database (not a regular file)";
        return CC_ERR_NOTFOUND;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > TZDB_MAX_FILE) {
        close(fd);
        *why = "time zone file too large";
        return CC_ERR_PARSE;
    }
    /* one byte more than the cap, to notice a file that grew past it */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    unsigned char *b = malloc(cap);
    if (!b) {
        close(fd);
        *why = "out of memory";
        return CC_ERR_NOMEM;
    }
    while (n < cap) {
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(b);
            close(fd);
            *why = "cannot read the time zone file";
            return CC_ERR_IO;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n == cap) {
        free(b);
        *why = "time zone file changed while it was read";
        return CC_ERR_IO;
    }
    *buf = b;
    *len = n;
    return CC_OK;
}

cc_err cc_tzdb_load(const char *dir, const char *name, cc_zone **out, const char **why)
{
    const char *ignored;
    if (!why)
        why = &ignored;
    *why = NULL;
    if (!out) {
        *why = "no place for the zone";
        return CC_ERR_ARG;
    }
    *out = NULL;
    if (!name || !name_ok(name)) {
        *why = "not a valid time zone name";
        return CC_ERR_INVALID;
    }
    if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
        cc_err rc = cc_zone_utc(out);
        if (rc != CC_OK)
            *why = "out of memory";
        return rc;
    }
    if (!dir || !*dir)
        dir = TZDB_DEFAULT_DIR;
    size_t size = strlen(dir) + 1 + strlen(name) + 1;
    char *path = malloc(size);
    if (!path) {
        *why = "out of memory";
        return CC_ERR_NOMEM;
    }
    snprintf(path, size, "%s/%s", dir, name);
    unsigned char *buf;
    size_t len;
    cc_err rc = read_zone_file(path, &buf, &len, why);
    free(path);
    if (rc != CC_OK)
        return rc;
    rc = cc_zone_from_tzif(name, buf, len, out, why);
    free(buf);
    return rc;
}
