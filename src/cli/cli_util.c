/* cli_util — small helpers shared by the subcommands: reading a whole file, telling a store
 * (SQLite file or postgres:// URI) from a log file, writing an exercise's log out of a store,
 * and creating a checkpoint signing key. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/note.h"
#include "io/file.h"
#include "store/store.h"

char *cc_cli_slurp(const char *path, size_t *len, size_t max)
{
    char *text = NULL;
    return cc_file_read(path, max, &text, len, NULL, 0) == CC_OK ? text : NULL;
}

FILE *cc_cli_create_private(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return NULL;
    FILE *f = fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

int cc_cli_is_store(const char *path)
{
    if (strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0)
        return 1;
    FILE *f = fopen(path, "rb");
    char head[16] = {0};
    int r = f && fread(head, 1, 16, f) == 16 && memcmp(head, "SQLite format 3", 16) == 0;
    if (f)
        fclose(f);
    return r;
}

typedef struct log_out {
    FILE *f;
    uint64_t n;
} log_out;

static int write_line(void *ctx, uint64_t seq, const char *line, size_t len)
{
    log_out *o = ctx;
    (void)seq;
    if (fwrite(line, 1, len, o->f) != len || fputc('\n', o->f) == EOF)
        return 1;
    o->n++;
    return 0;
}

cc_err cc_cli_write_log(cc_store *st, int64_t ex, FILE *f, uint64_t *n, cc_store_error *err)
{
    int stopped = 0;
    log_out o = {f, 0};
    cc_err rc = cc_store_events(st, ex, 0, write_line, &o, &stopped, err);
    if (n)
        *n = o.n;
    if (rc == CC_OK && stopped) {
        snprintf(err->msg, sizeof err->msg, "writing the log failed");
        rc = CC_ERR_IO;
    }
    return rc;
}

int cc_cli_new_key(const char *path, const char *name, cc_note_signer **signer, cc_buf *vkey, char *why,
                   size_t whylen)
{
    return cc_cli_new_key_type(path, name, CC_NOTE_KEY_NOTE, signer, vkey, why, whylen);
}

int cc_cli_new_key_type(const char *path, const char *name, int type, cc_note_signer **signer, cc_buf *vkey,
                        char *why, size_t whylen)
{
    unsigned char seed[32];
    randombytes_buf(seed, sizeof seed);
    cc_buf sk;
    cc_buf_init(&sk);
    cc_note_error ne;
    int rc = -1;
    if (cc_note_keygen_type(name, seed, (cc_note_key_type)type, &sk, vkey, &ne) != CC_OK) {
        snprintf(why, whylen, "%s", ne.message);
        goto done;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    char pub[4200];
    snprintf(pub, sizeof pub, "%s.pub", path);
    FILE *pf = NULL;
    if (fd < 0 || write(fd, sk.data, sk.len) != (ssize_t)sk.len || write(fd, "\n", 1) != 1 ||
        fsync(fd) != 0 || !(pf = fopen(pub, "w")) || fprintf(pf, "%s\n", vkey->data) < 0 || fclose(pf) != 0) {
        snprintf(why, whylen, "%s: cannot write a new key (%s)", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        goto done;
    }
    close(fd);
    if (signer && cc_note_signer_parse(sk.data, sk.len, signer, &ne) != CC_OK) {
        snprintf(why, whylen, "%s", ne.message);
        goto done;
    }
    rc = 0;
done:
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk.data, sk.len);
    cc_buf_free(&sk);
    return rc;
}
