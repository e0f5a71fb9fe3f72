/* cmd_verify — `caucus verify LOG|DB`: offline check of an event log's records, hash chain,
 * Merkle tree and signed checkpoints; prints inclusion and consistency proofs on request. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/evlog.h"
#include "core/merkle.h"
#include "core/note.h"
#include "core/verify.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: caucus verify LOG|DB [--exercise ID] [--key PUBKEY|FILE] [--checkpoint FILE]...\n"
               "                     [--inclusion SEQ [--size N]] [--consistency N1:N2]\n"
               "Checks every record, the hash chain, the Merkle tree and the signed checkpoints, and\n"
               "names the first bad event. DB is a SQLite store or a postgres:// URI (its stored\n"
               "checkpoints are checked too). See docs/tamper-evidence.md.\n");
}

typedef struct cps {
    cc_verify *v;
    const cc_note_verifier *key;
    int bad, unchecked;
} cps;

static int add_signed(cps *c, const char *text, size_t len, const char *source)
{
    cc_checkpoint cp;
    memset(&cp, 0, sizeof cp);
    cc_note_error ne;
    if (cc_note_open_checkpoint(text, len, c->key, NULL, &cp, &ne) != CC_OK) {
        printf("%s: not a valid checkpoint signed by this key: %s\n", source, ne.message);
        c->bad = 1;
        return 1;
    }
    cc_err rc = cc_verify_add_checkpoint(c->v, &cp, source);
    cc_checkpoint_clear(&cp);
    return rc != CC_OK;
}

static int stored_cp(void *ctx, uint64_t size, const char *note)
{
    cps *c = ctx;
    if (!c->key) {
        c->unchecked++;
        return 0;
    }
    char src[64];
    snprintf(src, sizeof src, "stored checkpoint at size %" PRIu64, size);
    return add_signed(c, note, strlen(note), src);
}

static int feed(void *ctx, uint64_t seq, const char *line, size_t len)
{
    (void)seq;
    return cc_verify_line(ctx, line, len, 1) != CC_OK;
}

static void print_hashes(const char *what, unsigned char (*p)[32], size_t n)
{
    printf("%s (%zu hashes, leaf level first):\n", what, n);
    for (size_t i = 0; i < n; i++) {
        char hex[65];
        cc_hex(p[i], 32, hex);
        printf("  %s\n", hex);
    }
}

int cc_cmd_verify(int argc, char **argv)
{
    const char *src = NULL, *exs = NULL, *keyarg = NULL, *incl = NULL, *sizes = NULL, *cons = NULL;
    const char *cpfiles[64];
    size_t ncp = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        const char **slot = strcmp(a, "--exercise") == 0      ? &exs
                            : strcmp(a, "--key") == 0         ? &keyarg
                            : strcmp(a, "--inclusion") == 0   ? &incl
                            : strcmp(a, "--size") == 0        ? &sizes
                            : strcmp(a, "--consistency") == 0 ? &cons
                                                              : NULL;
        int is_cp = strcmp(a, "--checkpoint") == 0;
        if (slot || is_cp) {
            if (i + 1 >= argc) {
                fprintf(stderr, "caucus verify: %s needs a value\n", a);
                return 2;
            }
            if (is_cp) {
                if (ncp == sizeof cpfiles / sizeof cpfiles[0]) {
                    fprintf(stderr, "caucus verify: at most 64 --checkpoint files\n");
                    return 2;
                }
                cpfiles[ncp++] = argv[++i];
            } else {
                *slot = argv[++i];
            }
        } else if (a[0] == '-' || src) {
            fprintf(stderr, "caucus verify: unexpected \"%s\"\n", a);
            usage(stderr);
            return 2;
        } else {
            src = a;
        }
    }
    if (!src) {
        usage(stderr);
        return 2;
    }
    uint64_t ex = 1, iseq = 0, isize = 0, c1 = 0, c2 = 0;
    if ((exs && (cc_cli_parse_u64(exs, &ex) != 0 || ex == 0)) ||
        (incl && cc_cli_parse_u64(incl, &iseq) != 0) || (sizes && cc_cli_parse_u64(sizes, &isize) != 0)) {
        fprintf(stderr, "caucus verify: --exercise, --inclusion and --size take numbers\n");
        return 2;
    }
    if (cons) {
        const char *colon = strchr(cons, ':');
        char a1[32];
        if (!colon || (size_t)(colon - cons) >= sizeof a1) {
            fprintf(stderr, "caucus verify: --consistency takes N1:N2\n");
            return 2;
        }
        memcpy(a1, cons, (size_t)(colon - cons));
        a1[colon - cons] = 0;
        if (cc_cli_parse_u64(a1, &c1) != 0 || cc_cli_parse_u64(colon + 1, &c2) != 0 || c1 == 0 || c1 > c2) {
            fprintf(stderr, "caucus verify: --consistency takes N1:N2 with 0 < N1 <= N2\n");
            return 2;
        }
    }
    if (ncp && !keyarg) {
        fprintf(stderr, "caucus verify: checking --checkpoint files needs the signer's public key (--key)\n");
        return 2;
    }
    cc_note_verifier *key = NULL;
    if (keyarg) {
        size_t kl;
        char *kt = cc_cli_slurp(keyarg, &kl, CC_CLI_SLURP_MAX);
        const char *k = kt ? kt : keyarg;
        cc_note_error ne;
        if (cc_note_verifier_parse(k, kt ? kl : strlen(k), &key, &ne) != CC_OK) {
            fprintf(stderr, "caucus verify: --key: not a verifier key: %s\n", ne.message);
            free(kt);
            return 2;
        }
        free(kt);
    }
    cc_verify *v = NULL;
    if (cc_verify_new(&v) != CC_OK) {
        cc_note_verifier_free(key);
        return 1;
    }
    cc_verify_keep_hashes(v, incl || cons);
    cps c = {v, key, 0, 0};
    int rc = 1;
    for (size_t i = 0; i < ncp; i++) {
        size_t len;
        char *t = cc_cli_slurp(cpfiles[i], &len, CC_CLI_SLURP_MAX);
        if (!t) {
            printf("%s: cannot read\n", cpfiles[i]);
            c.bad = 1;
            continue;
        }
        add_signed(&c, t, len, cpfiles[i]);
        free(t);
    }
    cc_store *st = NULL;
    cc_store_error serr;
    cc_verify_result res;
    if (c.bad)
        goto out;
    if (cc_cli_is_store(src)) {
        cc_store_opts o = {1, NULL, 0, 0};
        if (cc_store_open(src, &o, &st, &serr) != CC_OK) {
            printf("%s: %s\n", src, serr.msg);
            goto out;
        }
        if (cc_store_integrity(st, &serr) != CC_OK) {
            printf("%s: the database itself is damaged: %s\n", src, serr.msg);
            goto out;
        }
        if (cc_store_checkpoints(st, (int64_t)ex, stored_cp, &c, &serr) != CC_OK || c.bad) {
            if (!c.bad)
                printf("%s: %s\n", src, serr.msg);
            goto out;
        }
        int stopped = 0;
        if (cc_store_events(st, (int64_t)ex, 0, feed, v, &stopped, &serr) != CC_OK) {
            printf("%s: %s\n", src, serr.msg);
            goto out;
        }
    } else {
        FILE *f = fopen(src, "rb");
        if (!f) {
            printf("%s: cannot read\n", src);
            goto out;
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, f)) > 0) {
            int complete = line[n - 1] == '\n';
            if (cc_verify_line(v, line, (size_t)(n - complete), complete) != CC_OK)
                break;
        }
        free(line);
        fclose(f);
    }
    cc_verify_finish(v, &res);
    if (res.bad) {
        printf("%s: %s\n", src, res.why);
        if (!strstr(res.why, "another log"))
            printf("%s: first bad event: %" PRIu64 "; the %" PRIu64 " events before it are sound\n", src,
                   res.bad_index, res.bad_index < res.events ? res.bad_index : res.events);
        goto out;
    }
    printf("%s: %" PRIu64 " events, hash chain ok\n", src, res.events);
    printf("  last event hash %s\n  Merkle root     %s\n  origin          %s\n", res.last_hash, res.root,
           res.origin);
    if (res.checkpoints)
        printf("  %zu signed checkpoint%s verified with key %s\n", res.checkpoints,
               res.checkpoints == 1 ? "" : "s", cc_note_verifier_name(key));
    else
        printf("  no signed checkpoint checked%s\n", key ? "" : " (give --key and --checkpoint files)");
    if (c.unchecked)
        printf("  %d stored checkpoint%s not checked: give the signer's public key with --key\n", c.unchecked,
               c.unchecked == 1 ? "" : "s");
    rc = 0;
    if (incl || cons) {
        uint64_t nh;
        const unsigned char(*hs)[32] = cc_verify_hashes(v, &nh);
        cc_merkle_leaves L;
        cc_merkle_leaves_array(&L, hs, nh, 1);
        unsigned char proof[CC_MERKLE_PROOF_MAX][32], root[32];
        size_t np = 0;
        cc_merkle_error me;
        char hex[65];
        if (incl) {
            uint64_t size = sizes ? isize : nh;
            if (size > nh || iseq >= size ||
                cc_merkle_inclusion_proof(&L, iseq, size, proof, &np, &me) != CC_OK ||
                cc_merkle_root(&L, size, root, &me) != CC_OK) {
                printf("no inclusion proof for event %" PRIu64 " in a tree of %" PRIu64
                       " (the log has %" PRIu64 ")\n",
                       iseq, size, nh);
                rc = 1;
            } else {
                unsigned char leaf[32];
                cc_merkle_leaf_hash(hs[iseq], 32, leaf);
                int ok = cc_merkle_verify_inclusion(iseq, size, leaf, (const unsigned char(*)[32])proof, np,
                                                    root, 32, &me) == CC_OK;
                cc_hex(root, 32, hex);
                printf("inclusion of event %" PRIu64 " in the tree of size %" PRIu64 ", root %s\n", iseq,
                       size, hex);
                cc_hex(leaf, 32, hex);
                printf("leaf hash %s\n", hex);
                print_hashes("proof", proof, np);
                printf("proof %s\n", ok ? "verifies" : "DOES NOT VERIFY");
                rc |= !ok;
            }
        }
        if (cons) {
            unsigned char r1[32], r2[32];
            if (c2 > nh || cc_merkle_consistency_proof(&L, c1, c2, proof, &np, &me) != CC_OK ||
                cc_merkle_root(&L, c1, r1, &me) != CC_OK || cc_merkle_root(&L, c2, r2, &me) != CC_OK) {
                printf("no consistency proof for sizes %" PRIu64 ":%" PRIu64 " (the log has %" PRIu64 ")\n",
                       c1, c2, nh);
                rc = 1;
            } else {
                int ok = cc_merkle_verify_consistency(c1, c2, (const unsigned char(*)[32])proof, np, r1, 32,
                                                      r2, 32, &me) == CC_OK;
                cc_hex(r1, 32, hex);
                printf("consistency of size %" PRIu64 " (root %s)\n", c1, hex);
                cc_hex(r2, 32, hex);
                printf("          with size %" PRIu64 " (root %s)\n", c2, hex);
                print_hashes("proof", proof, np);
                printf("proof %s\n", ok ? "verifies" : "DOES NOT VERIFY");
                rc |= !ok;
            }
        }
    }
out:
    cc_store_close(st);
    cc_verify_free(v);
    cc_note_verifier_free(key);
    return rc;
}

/* caucus keygen NAME --out FILE: an Ed25519 signer key (FILE, mode 0600) and its public key
 * (FILE.pub, also printed) for signing checkpoints of headless runs. */
int cc_cmd_keygen(int argc, char **argv)
{
    const char *name = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] != '-' && !name)
            name = argv[i];
        else {
            fprintf(stderr, "usage: caucus keygen NAME --out FILE\n");
            return 2;
        }
    }
    if (!name || !out) {
        fprintf(stderr, "usage: caucus keygen NAME --out FILE\n");
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    cc_buf vk;
    cc_buf_init(&vk);
    char why[300];
    int rc = 1;
    if (cc_cli_new_key(out, name, NULL, &vk, why, sizeof why) != 0) {
        fprintf(stderr, "caucus keygen: %s\n", why);
    } else {
        printf("%s\n", vk.data);
        rc = 0;
    }
    cc_buf_free(&vk);
    return rc;
}

/* caucus checkpoint LOG --key SIGNERFILE [--size N]: verifies the log, then prints a signed
 * checkpoint of its first N events (default all). */
int cc_cmd_checkpoint(int argc, char **argv)
{
    const char *log = NULL, *keyf = NULL, *sz = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
            keyf = argv[++i];
        else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
            sz = argv[++i];
        else if (argv[i][0] != '-' && !log)
            log = argv[i];
        else {
            fprintf(stderr, "usage: caucus checkpoint LOG --key SIGNERFILE [--size N]\n");
            return 2;
        }
    }
    uint64_t size = 0;
    if (!log || !keyf || (sz && (cc_cli_parse_u64(sz, &size) != 0 || size == 0))) {
        fprintf(stderr, "usage: caucus checkpoint LOG --key SIGNERFILE [--size N]\n");
        return 2;
    }
    size_t kl;
    char *kt = cc_cli_slurp(keyf, &kl, CC_CLI_SLURP_MAX);
    cc_note_signer *signer = NULL;
    cc_note_error ne;
    if (!kt || cc_note_signer_parse(kt, kl, &signer, &ne) != CC_OK) {
        fprintf(stderr, "caucus checkpoint: %s: %s\n", keyf, kt ? ne.message : "cannot read");
        free(kt);
        return 1;
    }
    sodium_memzero(kt, kl);
    free(kt);
    cc_verify *v = NULL;
    int rc = 1;
    FILE *f = fopen(log, "rb");
    if (!f || cc_verify_new(&v) != CC_OK) {
        fprintf(stderr, "caucus checkpoint: %s: cannot read\n", log);
        goto done;
    }
    cc_verify_keep_hashes(v, 1);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        int complete = line[n - 1] == '\n';
        if (cc_verify_line(v, line, (size_t)(n - complete), complete) != CC_OK)
            break;
    }
    free(line);
    cc_verify_result res;
    cc_verify_finish(v, &res);
    if (res.bad) {
        fprintf(stderr, "caucus checkpoint: %s: %s (no checkpoint for a bad log)\n", log, res.why);
        goto done;
    }
    if (!size)
        size = res.events;
    if (size > res.events) {
        fprintf(stderr, "caucus checkpoint: the log has only %" PRIu64 " events\n", res.events);
        goto done;
    }
    uint64_t nh;
    const unsigned char(*hs)[32] = cc_verify_hashes(v, &nh);
    cc_merkle_leaves L;
    cc_merkle_leaves_array(&L, hs, nh, 1);
    unsigned char root[32];
    cc_merkle_error me;
    cc_buf out;
    cc_buf_init(&out);
    if (cc_merkle_root(&L, size, root, &me) == CC_OK &&
        cc_note_sign_checkpoint(signer, res.origin, size, root, NULL, 0, &out, &ne) == CC_OK) {
        fwrite(out.data, 1, out.len, stdout);
        rc = 0;
    } else {
        fprintf(stderr, "caucus checkpoint: cannot sign: %s\n", ne.message);
    }
    cc_buf_free(&out);
done:
    if (f)
        fclose(f);
    cc_verify_free(v);
    cc_note_signer_free(signer);
    return rc;
}
