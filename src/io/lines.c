/* lines — see lines.h. One buffer of max + 1 bytes; the unread rest of it is moved to the front
 * before each read, and the search for the next newline resumes where the last one stopped, so
 * each byte is read and scanned once. */
#include "io/lines.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cc_lines {
    int fd, own;
    char *buf;
    size_t cap;     /* max + 1: a longest line and its newline */
    size_t start;   /* first byte of the next line */
    size_t end;     /* end of the bytes read */
    size_t scanned; /* bytes from start already known to hold no newline */
    int eof;
    uint64_t number;
};

cc_err cc_lines_open_fd(const char *path, int *fd, int *own, char *why, size_t whylen)
{
    int std = strcmp(path, "-") == 0;
    *fd = std ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    *own = !std;
    if (*fd < 0) {
        snprintf(why, whylen, "cannot open: %s", strerror(errno));
        return CC_ERR_IO;
    }
    struct stat sb;
    if (fstat(*fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        snprintf(why, whylen, "is a directory, not a file");
        if (!std)
            close(*fd);
        return CC_ERR_IO;
    }
    return CC_OK;
}

cc_err cc_lines_open(const char *path, size_t max, cc_lines **out, char *why, size_t whylen)
{
    *out = NULL;
    int fd, own;
    cc_err rc = cc_lines_open_fd(path, &fd, &own, why, whylen);
    if (rc != CC_OK)
        return rc;
    cc_lines *r = calloc(1, sizeof *r);
    if (r)
        r->buf = malloc(max + 1);
    if (!r || !r->buf) {
        free(r);
        if (own)
            close(fd);
        snprintf(why, whylen, "out of memory");
        return CC_ERR_NOMEM;
    }
    r->fd = fd;
    r->own = own;
    r->cap = max + 1;
    *out = r;
    return CC_OK;
}

void cc_lines_close(cc_lines *r)
{
    if (!r)
        return;
    if (r->own)
        close(r->fd);
    free(r->buf);
    free(r);
}

uint64_t cc_lines_number(const cc_lines *r)
{
    return r->number;
}

/* Reads more bytes after end, first moving the unread rest to the front. */
static cc_err fill(cc_lines *r, char *why, size_t whylen)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    for (;;) {
        ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(why, whylen, "read error after line %llu: %s", (unsigned long long)r->number,
                     strerror(errno));
            return CC_ERR_IO;
        }
        if (n == 0)
            r->eof = 1;
        r->end += (size_t)n;
        return CC_OK;
    }
}

cc_err cc_lines_next(cc_lines *r, const char **line, size_t *len, int *complete, char *why, size_t whylen)
{
    for (;;) {
        char *from = r->buf + r->start + r->scanned;
        char *nl = memchr(from, '\n', r->end - r->start - r->scanned);
        if (nl) {
            *line = r->buf + r->start;
            *len = (size_t)(nl - *line);
            *complete = 1;
            r->start += *len + 1;
            r->scanned = 0;
            r->number++;
            return CC_OK;
        }
        r->scanned = r->end - r->start;
        if (r->scanned >= r->cap) {
            snprintf(why, whylen, "line %llu is longer than %zu bytes", (unsigned long long)r->number + 1,
                     r->cap - 1);
            return CC_ERR_LIMIT;
        }
        if (r->eof) {
            if (r->scanned == 0)
                return CC_ERR_NOTFOUND;
            *line = r->buf + r->start;
            *len = r->scanned;
            *complete = 0;
            r->start = r->end;
            r->scanned = 0;
            r->number++;
            return CC_OK;
        }
        cc_err rc = fill(r, why, whylen);
        if (rc != CC_OK)
            return rc;
    }
}
