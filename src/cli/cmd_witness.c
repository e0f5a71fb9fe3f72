/* cmd_witness — `caucus witness`, a transparency-log witness (c2sp.org/tlog-witness) for the
 * logs of one or more caucus servers, one request at a time (--request) or over HTTP (--listen);
 * and `caucus cosign`, with which a party's auditor checks a store's or log's latest checkpoint
 * against the log itself and against the last checkpoint it cosigned, and adds its cosignature
 * (c2sp.org/tlog-cosignature). Both keep the same state: the latest cosigned checkpoint of each
 * log. docs/tamper-evidence.md. */
#include <inttypes.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/evlog.h"
#include "core/merkle.h"
#include "core/note.h"
#include "core/verify.h"
#include "core/witness.h"
#include "io/lines.h"
#include "server/wsrv.h"
#include "store/store.h"

#define MAX_KEYS 16

/* The keys of --log-key options (texts or files). */
typedef struct keyset {
    cc_note_verifier *v[MAX_KEYS];
    size_t n;
} keyset;

static void keys_free(keyset *k)
{
    for (size_t i = 0; i < k->n; i++)
        cc_note_verifier_free(k->v[i]);
    k->n = 0;
}

static int add_key(const char *cmd, keyset *k, const char *arg)
{
    if (k->n == MAX_KEYS) {
        fprintf(stderr, "caucus %s: at most %d --log-key\n", cmd, MAX_KEYS);
        return -1;
    }
    size_t len;
    char *t = cc_cli_slurp(arg, &len, CC_CLI_SLURP_MAX);
    cc_note_error ne;
    cc_err rc = cc_note_verifier_parse(t ? t : arg, t ? len : strlen(arg), &k->v[k->n], &ne);
    free(t);
    if (rc != CC_OK) {
        fprintf(stderr, "caucus %s: --log-key %s: %s\n", cmd, arg, ne.message);
        return -1;
    }
    k->n++;
    return 0;
}

static cc_note_signer *read_signer(const char *cmd, const char *path)
{
    size_t len;
    char *t = cc_cli_slurp(path, &len, CC_CLI_SLURP_MAX);
    cc_note_signer *s = NULL;
    cc_note_error ne;
    if (!t || cc_note_signer_parse(t, len, &s, &ne) != CC_OK)
        fprintf(stderr, "caucus %s: %s: %s\n", cmd, path, t ? ne.message : "cannot read");
    if (t)
        sodium_memzero(t, len);
    free(t);
    if (s && cc_note_signer_type(s) != CC_NOTE_KEY_COSIGNER) {
        fprintf(stderr, "caucus %s: %s is not a cosigner key: make one with caucus keygen NAME --cosigner --out FILE\n",
                cmd, path);
        cc_note_signer_free(s);
        s = NULL;
    }
    return s;
}

static uint64_t now_s(void)
{
    return (uint64_t)time(NULL);
}

static void print_log(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
    fflush(stdout);
}

/* caucus witness --key KEY --state DIR --log-key VKEY... (--request FILE | --listen HOST:PORT) */
int cc_cmd_witness(int argc, char **argv)
{
    const char *keyf = NULL, *dir = NULL, *reqf = NULL, *listen = NULL;
    keyset logs = {{NULL}, 0};
    int rc = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--key") == 0       ? &keyf
                            : strcmp(a, "--state") == 0   ? &dir
                            : strcmp(a, "--request") == 0 ? &reqf
                            : strcmp(a, "--listen") == 0  ? &listen
                                                          : NULL;
        int is_log = strcmp(a, "--log-key") == 0;
        if ((slot || is_log) && i + 1 < argc) {
            if (is_log && add_key("witness", &logs, argv[++i]) != 0)
                goto out;
            if (slot)
                *slot = argv[++i];
        } else {
            fprintf(stderr, "caucus witness: unexpected \"%s\"\n", a);
            goto usage;
        }
    }
    if (!keyf || !dir || !logs.n || !reqf == !listen)
        goto usage;
    cc_note_signer *key = read_signer("witness", keyf);
    if (!key) {
        rc = 1;
        goto out;
    }
    cc_wsrv *w = NULL;
    char why[400];
    if (cc_wsrv_new(dir, key, (const cc_note_verifier *const *)logs.v, logs.n, &w, why, sizeof why) != CC_OK) {
        fprintf(stderr, "caucus witness: %s\n", why);
        cc_note_signer_free(key);
        rc = 1;
        goto out;
    }
    rc = 1;
    if (reqf) {
        size_t len = 0;
        char *body = cc_cli_slurp(reqf, &len, CC_WITNESS_MAX_BODY);
        int status = 0;
        cc_buf resp;
        cc_buf_init(&resp);
        if (!body)
            fprintf(stderr, "caucus witness: %s: cannot read (at most %d bytes)\n", reqf, CC_WITNESS_MAX_BODY);
        else if (cc_wsrv_add(w, body, len, now_s(), &status, &resp, why, sizeof why) != CC_OK || status != 200) {
            fprintf(stderr, "caucus witness: %d: %s\n", status, why);
            fwrite(resp.data, 1, resp.len, stdout);
        } else {
            fwrite(resp.data, 1, resp.len, stdout);
            rc = 0;
        }
        cc_buf_free(&resp);
        free(body);
    } else {
        char host[64];
        unsigned port = 0;
        const char *colon = strrchr(listen, ':');
        uint16_t bound = 0;
        if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host ||
            sscanf(colon + 1, "%u", &port) != 1 || port > 65535) {
            fprintf(stderr, "caucus witness: --listen takes HOST:PORT\n");
            rc = 2;
        } else {
            memcpy(host, listen, (size_t)(colon - listen));
            host[colon - listen] = 0;
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGINT);
            sigaddset(&set, SIGTERM);
            pthread_sigmask(SIG_BLOCK, &set, NULL);
            if (cc_wsrv_listen(w, host, (uint16_t)port, &bound, print_log, NULL, why, sizeof why) != CC_OK) {
                fprintf(stderr, "caucus witness: %s\n", why);
            } else {
                printf("caucus witness: %s+%08" PRIx32 ", state %s, POST http://%s:%u/add-checkpoint\n",
                       cc_note_signer_name(key), cc_note_signer_key_id(key), dir, host, (unsigned)bound);
                printf("listening on %s:%u; Ctrl-C stops\n", host, (unsigned)bound);
                fflush(stdout);
                int sig;
                sigwait(&set, &sig);
                rc = 0;
            }
        }
    }
    cc_wsrv_free(w);
    cc_note_signer_free(key);
    goto out;
usage:
    fprintf(stderr, "usage: caucus witness --key COSIGNERKEY --state DIR --log-key VKEY... "
                    "(--request FILE | --listen HOST:PORT)\n");
out:
    keys_free(&logs);
    return rc;
}

/* ---- cosign ---- */

typedef struct cosrc {
    cc_verify *v;
    int stop;
} cosrc;

static int co_row(void *ctx, uint64_t seq, const char *line, size_t len)
{
    (void)seq;
    cosrc *c = ctx;
    return cc_verify_line(c->v, line, len, 1) != CC_OK;
}

/* Feeds the log (the store's exercise ex, or the file src) to v. 0, or -1 with the reason
 * printed. */
static int feed_log(cc_verify *v, cc_store *st, int64_t ex, const char *src)
{
    char why[400];
    if (st) {
        cosrc cs = {v, 0};
        cc_store_error serr;
        if (cc_store_events(st, ex, 0, co_row, &cs, NULL, &serr) != CC_OK) {
            fprintf(stderr, "caucus cosign: %s: %s\n", src, serr.message);
            return -1;
        }
        return 0;
    }
    cc_lines *in = NULL;
    if (cc_lines_open(src, CC_EVLOG_LINE_MAX, &in, why, sizeof why) != CC_OK) {
        fprintf(stderr, "caucus cosign: %s: %s\n", src, why);
        return -1;
    }
    const char *l;
    size_t n;
    int complete;
    cc_err lr;
    while ((lr = cc_lines_next(in, &l, &n, &complete, why, sizeof why)) == CC_OK)
        if (cc_verify_line(v, l, n, complete) != CC_OK)
            break;
    cc_lines_close(in);
    if (lr != CC_OK && lr != CC_ERR_NOTFOUND) {
        fprintf(stderr, "caucus cosign: %s: %s\n", src, why);
        return -1;
    }
    return 0;
}

/* The size of the checkpoint this cosigner last cosigned for the log origin (0: none). */
static uint64_t last_cosigned(cc_wsrv *w, const char *origin)
{
    uint64_t old = 0;
    char *prev = cc_wsrv_latest(w, origin);
    if (prev) {
        size_t pl = 0;
        cc_checkpoint pc;
        cc_note_error ne;
        if (cc_note_split(prev, strlen(prev), &pl, NULL, &ne) == CC_OK &&
            cc_checkpoint_parse(prev, pl, &pc, &ne) == CC_OK) {
            old = pc.size;
            cc_checkpoint_clear(&pc);
        }
        free(prev);
    }
    return old;
}

/* Asks the cosigner's state w to cosign note (checkpoint cp), with a consistency proof from the
 * size old built from the hashes v kept; its cosignature lines into resp. 0, or -1 with the
 * reason printed. */
static int cosign_note(cc_wsrv *w, cc_verify *v, const cc_checkpoint *cp, uint64_t old, const char *note,
                       cc_buf *resp)
{
    unsigned char proof[CC_MERKLE_PROOF_MAX][32];
    size_t np = 0;
    if (old > 0 && old < cp->size) {
        uint64_t nh;
        const unsigned char(*hs)[32] = cc_verify_hashes(v, &nh);
        cc_merkle_leaves L;
        cc_merkle_leaves_array(&L, hs, nh, 1);
        cc_merkle_error me;
        if (cc_merkle_consistency_proof(&L, old, cp->size, proof, &np, &me) != CC_OK) {
            fprintf(stderr, "caucus cosign: no consistency proof from %" PRIu64 " to %" PRIu64 ": %s\n", old,
                    cp->size, me.message);
            return -1;
        }
    }
    int status = 0;
    char why[400] = "";
    cc_buf req;
    cc_buf_init(&req);
    int ok =
        cc_witness_format(old, (const unsigned char(*)[32])proof, np, note, strlen(note), &req) == CC_OK &&
        cc_wsrv_add(w, req.data, req.len, now_s(), &status, resp, why, sizeof why) == CC_OK && status == 200;
    cc_buf_free(&req);
    if (!ok) {
        fprintf(stderr, "caucus cosign: refused (%d): %s\n", status, why);
        return -1;
    }
    return 0;
}

/* The store's exercise ex (*x) and, without --log-key, the log's key pinned in it. 0, or -1
 * with the reason printed. */
static int open_store(const char *src, int64_t ex, cc_store **st, cc_store_exercise *x, keyset *logs)
{
    cc_store_error serr;
    if (cc_store_open(src, NULL, st, &serr) != CC_OK || cc_store_exercise_get(*st, ex, x, &serr) != CC_OK) {
        fprintf(stderr, "caucus cosign: %s: %s\n", src, serr.message);
        return -1;
    }
    if (!logs->n && x->log_key) {
        if (add_key("cosign", logs, x->log_key) != 0)
            return -1;
        printf(
            "NOTE: the log's key %s was taken from the store (trust on first use); give --log-key to check "
            "it against the key you hold\n",
            x->log_key);
    }
    return 0;
}

/* The checkpoint note to cosign (the caller's): the --checkpoint file, else the exercise's
 * latest. NULL with the reason printed. */
static char *checkpoint_to_cosign(const char *cpf, cc_store *st, int64_t ex, const char *src)
{
    if (cpf) {
        size_t len;
        char *note = cc_cli_slurp(cpf, &len, CC_NOTE_MAX_SIZE);
        if (!note)
            fprintf(stderr, "caucus cosign: %s: cannot read\n", cpf);
        return note;
    }
    char *note = NULL;
    uint64_t size;
    cc_store_error serr;
    cc_err rc = cc_cli_latest_checkpoint(st, ex, &note, &size, &serr);
    if (rc != CC_OK || !note) {
        fprintf(stderr, "caucus cosign: %s: %s\n", src,
                rc != CC_OK ? serr.message : "the exercise has no checkpoint to cosign");
        return NULL;
    }
    return note;
}

/* The cosigned note: into the store in place of the checkpoint (st, when it came from there),
 * to outf, or else to stdout. 0, or -1 with the reason printed. */
static int deliver(cc_store *st, int64_t ex, const char *src, const char *outf, const cc_checkpoint *cp,
                   const char *note, const cc_buf *cosigned)
{
    cc_store_error serr;
    if (st && cc_store_checkpoint_replace(st, ex, cp->size, note, cosigned->data, &serr) != CC_OK) {
        fprintf(stderr, "caucus cosign: %s: %s\n", src, serr.message);
        return -1;
    }
    if (outf) {
        FILE *f = fopen(outf, "wb");
        int bad = !f || fwrite(cosigned->data, 1, cosigned->len, f) != cosigned->len;
        if (f && fclose(f) != 0)
            bad = 1;
        if (bad) {
            fprintf(stderr, "caucus cosign: %s: cannot write\n", outf);
            return -1;
        }
    } else if (!st) {
        fwrite(cosigned->data, 1, cosigned->len, stdout);
    }
    return 0;
}

/* caucus cosign DB|LOG --key COSIGNERKEY --state DIR [--exercise ID] [--log-key VKEY]
 *                      [--checkpoint FILE] [--out FILE] */
int cc_cmd_cosign(int argc, char **argv)
{
    const char *src = NULL, *keyf = NULL, *dir = NULL, *exs = NULL, *logkey = NULL, *cpf = NULL, *outf = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--key") == 0          ? &keyf
                            : strcmp(a, "--state") == 0      ? &dir
                            : strcmp(a, "--exercise") == 0   ? &exs
                            : strcmp(a, "--log-key") == 0    ? &logkey
                            : strcmp(a, "--checkpoint") == 0 ? &cpf
                            : strcmp(a, "--out") == 0        ? &outf
                                                             : NULL;
        if (slot && i + 1 < argc)
            *slot = argv[++i];
        else if (a[0] != '-' && !src)
            src = a;
        else {
            src = NULL;
            break;
        }
    }
    uint64_t ex = 1;
    if (!src || !keyf || !dir || (exs && (cc_cli_parse_u64(exs, &ex) != 0 || ex == 0 || ex > INT64_MAX))) {
        fprintf(stderr, "usage: caucus cosign DB|LOG --key COSIGNERKEY --state DIR [--exercise ID] [--log-key VKEY]\n"
                        "                     [--checkpoint FILE] [--out FILE]\n");
        return 2;
    }
    int store = cc_cli_is_store(src);
    if (!store && !cpf) {
        fprintf(stderr, "caucus cosign: a log file needs the --checkpoint to cosign\n");
        return 2;
    }
    cc_note_signer *key = read_signer("cosign", keyf);
    if (!key)
        return 1;
    int rc = 1;
    keyset logs = {{NULL}, 0};
    cc_store *st = NULL;
    cc_store_exercise x;
    memset(&x, 0, sizeof x);
    char *note = NULL;
    cc_verify *v = NULL;
    cc_wsrv *w = NULL;
    cc_checkpoint cp;
    memset(&cp, 0, sizeof cp);
    cc_buf resp, cosigned;
    cc_buf_init(&resp);
    cc_buf_init(&cosigned);
    char why[400];
    if ((logkey && add_key("cosign", &logs, logkey) != 0) ||
        (store && open_store(src, (int64_t)ex, &st, &x, &logs) != 0))
        goto out;
    if (!logs.n) {
        fprintf(stderr, "caucus cosign: give the log's public key with --log-key\n");
        goto out;
    }
    if (!(note = checkpoint_to_cosign(cpf, st, (int64_t)ex, src)))
        goto out;
    /* the log's signature, then the log itself against the checkpoint */
    size_t tlen = 0;
    cc_note_error ne;
    if (cc_note_open(note, strlen(note), (const cc_note_verifier *const *)logs.v, logs.n, &tlen, &ne) !=
            CC_OK ||
        cc_checkpoint_parse(note, tlen, &cp, &ne) != CC_OK) {
        fprintf(stderr, "caucus cosign: the checkpoint is not signed by the log's key: %s\n", ne.message);
        goto out;
    }
    if (cc_verify_new(&v) != CC_OK || cc_verify_add_checkpoint(v, &cp, "the checkpoint") != CC_OK)
        goto out;
    cc_verify_keep_hashes(v, 1);
    if (feed_log(v, store ? st : NULL, (int64_t)ex, src) != 0)
        goto out;
    cc_verify_result res;
    cc_verify_finish(v, &res);
    if (res.bad) {
        fprintf(stderr, "caucus cosign: refused: the log does not match the checkpoint: %s\n", res.why);
        goto out;
    }
    /* what this cosigner cosigned last for the log, and a proof from there on this log */
    cc_wsrv_new(dir, key, (const cc_note_verifier *const *)logs.v, logs.n, &w, why, sizeof why);
    if (!w) {
        fprintf(stderr, "caucus cosign: %s\n", why);
        goto out;
    }
    uint64_t old = last_cosigned(w, cp.origin);
    if (cosign_note(w, v, &cp, old, note, &resp) != 0)
        goto out;
    cc_buf_puts(&cosigned, note);
    cc_buf_append(&cosigned, resp.data, resp.len);
    if (cosigned.oom)
        goto out;
    if (deliver(store && !cpf ? st : NULL, (int64_t)ex, src, outf, &cp, note, &cosigned) != 0)
        goto out;
    fprintf(store && !cpf ? stdout : stderr,
            "cosigned the checkpoint of size %" PRIu64 " of %s as %s+%08" PRIx32 " (%s)\n", cp.size, cp.origin,
            cc_note_signer_name(key), cc_note_signer_key_id(key),
            old ? "consistent with the last one it cosigned" : "the first it cosigns for this log");
    rc = 0;
out:
    cc_buf_free(&resp);
    cc_buf_free(&cosigned);
    cc_checkpoint_clear(&cp);
    cc_wsrv_free(w);
    cc_verify_free(v);
    free(note);
    cc_store_exercise_clear(&x);
    cc_store_close(st);
    keys_free(&logs);
    cc_note_signer_free(key);
    return rc;
}
