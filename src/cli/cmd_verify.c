/* cmd_verify — `caucus verify LOG|DB`: offline check of everything a log or a store lets us
 * check: each record, the hash chain, the Merkle tree, the stored checkpoints (always, by size
 * and root) and their signatures (with --key, or the key pinned in the store, trusted on first
 * use), and for a store every column against the record it restates and the scenario against its
 * pin in run.start. Ends with what the signed checkpoints cover and an exit status that tells
 * "tampered" (1) from "not provable" (3). Prints inclusion and consistency proofs on request. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/evlog.h"
#include "core/merkle.h"
#include "core/guidelines.h"
#include "core/note.h"
#include "core/scenario.h"
#include "core/scenario_model.h"
#include "core/verify.h"
#include "io/scenario_load.h"
#include "io/lines.h"
#include "io/plines.h"
#include "store/store.h"
#include "core/sha256.h"

#define EXIT_TAMPERED 1
#define EXIT_USAGE 2
#define EXIT_UNPROVEN 3
#define MAX_COSIGNERS 16

static void usage(FILE *f)
{
    fprintf(f,
            "usage: caucus verify LOG|DB [--exercise ID] [--key PUBKEY|FILE] [--checkpoint FILE]...\n"
            "                     [--cosigner NAME=PUBKEY|FILE]... [--require NAME,...]\n"
            "                     [--inclusion SEQ [--size N]] [--consistency N1:N2] [--threads N]\n"
            "Checks every record, the hash chain, the Merkle tree and the checkpoints, and names the\n"
            "first bad event. DB is a SQLite store or a postgres:// URI: its stored checkpoints are\n"
            "always held to the log, its columns to the records and its scenario to its pin; their\n"
            "signatures are checked with --key, or with the key pinned in the store (trusted on first\n"
            "use). Exit status: 0 every event covered by a signed checkpoint, 1 tampered or damaged,\n"
            "2 usage, 3 nothing wrong found but not everything provable. --cosigner names a party's (or a\n"
            "witness's) cosigner key; --require demands their cosignatures on the covering checkpoint.\n"
            "--threads N: threads checking a LOG's lines (default: online CPUs, at most %d; 1: one\n"
            "thread); the verdict and every message are the same. See docs/tamper-evidence.md.\n",
            CC_CLI_LINE_THREADS);
}

/* One checkpoint held against the log: where it came from and whether the trusted key signed it. */
typedef struct vcheck {
    uint64_t size;
    int signed_ok;     /* a valid signature by the trusted key */
    unsigned cosigned; /* bit i: a valid cosignature by cosigner i */
    uint64_t cotime[MAX_COSIGNERS];
    int64_t wall_ms; /* wall time of its last event, once the log reached it */
    char source[80];
} vcheck;

typedef struct vstate {
    cc_verify *v;
    const cc_note_verifier *key; /* the trusted key, or NULL */
    const char *coname[MAX_COSIGNERS]; /* --cosigner NAME=KEY */
    cc_note_verifier *cokey[MAX_COSIGNERS];
    size_t nco;
    unsigned required; /* bit i: --require names cosigner i */
    vcheck *cps;
    size_t ncps;
    int tampered;     /* damage found outside cc_verify (columns, pin, signatures) */
    char why[600];    /* the first such damage */
    int64_t ex;       /* the exercise (stores) */
    const cc_store_exercise *x;
    uint64_t rows;
    char guidelines[400]; /* what the stored scenario and run.start say of the endorsed guidelines */
    char conames[MAX_COSIGNERS][40];
    char pending[MAX_COSIGNERS][40]; /* parties --require names without --cosigner (stores) */
    size_t npending;
} vstate;

static void tamper(vstate *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tamper(vstate *s, const char *fmt, ...)
{
    if (s->tampered++)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why, sizeof s->why, fmt, ap);
    va_end(ap);
}

/* Adds a checkpoint note: its form always, its signature when there is a trusted key. A note
 * by the trusted key that does not verify, or one that is not a checkpoint at all, is damage. */
static void add_note(vstate *s, const char *note, size_t len, const char *source, int has_size_col,
                     uint64_t size_col)
{
    size_t tlen = 0;
    cc_note_error ne;
    cc_checkpoint cp;
    memset(&cp, 0, sizeof cp);
    if (cc_note_split(note, len, &tlen, NULL, &ne) != CC_OK || cc_checkpoint_parse(note, tlen, &cp, &ne) != CC_OK) {
        tamper(s, "%s: not a checkpoint: %s", source, ne.message);
        return;
    }
    if (has_size_col && cp.size != size_col)
        tamper(s, "%s: its size column says %" PRIu64 " but its note says %" PRIu64 ": the row was edited", source,
               size_col, cp.size);
    int signed_ok = 0;
    if (s->key) {
        cc_checkpoint sc;
        cc_err rc = cc_note_open_checkpoint(note, len, s->key, NULL, &sc, &ne);
        if (rc == CC_OK)
            signed_ok = 1;
        else if (rc != CC_ERR_NOTFOUND)
            tamper(s, "%s: not a valid checkpoint signed by this key: %s", source, ne.message);
        cc_checkpoint_clear(&sc);
    }
    cc_note_sig cos[MAX_COSIGNERS];
    memset(cos, 0, sizeof cos);
    if (s->nco && cc_note_check(note, len, (const cc_note_verifier *const *)s->cokey, s->nco, &tlen, cos, &ne) != CC_OK)
        tamper(s, "%s: a cosignature does not verify: %s", source, ne.message);
    vcheck *n = realloc(s->cps, (s->ncps + 1) * sizeof *n);
    if (!n || cc_verify_add_checkpoint(s->v, &cp, source) != CC_OK) {
        if (n)
            s->cps = n;
        tamper(s, "out of memory");
        cc_checkpoint_clear(&cp);
        return;
    }
    s->cps = n;
    vcheck *c = &s->cps[s->ncps++];
    memset(c, 0, sizeof *c);
    c->size = cp.size;
    c->signed_ok = signed_ok;
    for (size_t i = 0; i < s->nco; i++)
        if (cos[i].verified) {
            c->cosigned |= 1u << i;
            c->cotime[i] = cos[i].timestamp;
        }
    c->wall_ms = -1;
    snprintf(c->source, sizeof c->source, "%s", source);
    cc_checkpoint_clear(&cp);
}

static int stored_cp(void *ctx, uint64_t size, const char *note)
{
    vstate *s = ctx;
    char src[64];
    snprintf(src, sizeof src, "stored checkpoint at size %" PRIu64, size);
    add_note(s, note, strlen(note), src, 1, size);
    return 0;
}

/* After each sound event: note the wall time of the checkpoints it completes. */
static void after_event(vstate *s, uint64_t n, int64_t wall)
{
    for (size_t i = 0; i < s->ncps; i++)
        if (s->cps[i].size == n)
            s->cps[i].wall_ms = wall;
}

/* The endorsed guidelines run.start pins (docs/tamper-evidence.md, "Endorsed guidelines"): the
 * note must be the stored scenario's guidelines, signed by every endorser with the key the
 * scenario gives it; a scenario that names endorsers with no note pinned ran unendorsed (said,
 * not damage). */
static void check_guidelines(vstate *s, const cc_evrec *r)
{
    const char *note = json_string_value(json_object_get(json_object_get(r->payload, "guidelines"), "note"));
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *sc = NULL;
    if (cc_scenario_load(s->x->scenario, s->x->scenario_len, "stored scenario", NULL, &d, &sc) != CC_OK) {
        cc_diags_free(&d);
        if (note)
            tamper(s,
                   "exercise %" PRId64
                   ": run.start pins endorsed guidelines, but the stored scenario does not load",
                   s->ex);
        return;
    }
    cc_diags_free(&d);
    char why[sizeof s->guidelines];
    switch (cc_guidelines_state(sc, note, why, sizeof why)) {
    case CC_GSTATE_INVALID:
    case CC_GSTATE_INCOMPLETE:
        tamper(s, "exercise %" PRId64 ": the guidelines run.start pins: %s", s->ex, why);
        break;
    case CC_GSTATE_ENDORSED:
    case CC_GSTATE_UNENDORSED: snprintf(s->guidelines, sizeof s->guidelines, "%s", why); break;
    case CC_GSTATE_NONE: break;
    }
    cc_scenario_free(sc);
}

/* The cosigner keys of the parties named (--require without --cosigner) from the stored scenario's
 * parties' keys; added to s's cosigners and required. 0, or -1 with why printed. */
static int party_cosigners(vstate *s, char (*names)[40], size_t n, char (*conames)[40])
{
    cc_diags d;
    cc_diags_init(&d);
    cc_scenario *sc = NULL;
    int bad = cc_scenario_load(s->x->scenario, s->x->scenario_len, "stored scenario", NULL, &d, &sc) != CC_OK;
    cc_diags_free(&d);
    for (size_t i = 0; i < n && !bad; i++) {
        cc_note_verifier *v = NULL;
        for (size_t p = 0; p < sc->nparties && !v; p++) {
            if (!sc->parties[p].id || strcmp(sc->parties[p].id, names[i]) != 0)
                continue;
            for (size_t k = 0; k < sc->parties[p].keys.n && !v; k++)
                if (cc_note_verifier_parse(sc->parties[p].keys.v[k], strlen(sc->parties[p].keys.v[k]), &v,
                                           NULL) == CC_OK &&
                    cc_note_verifier_type(v) != CC_NOTE_KEY_COSIGNER) {
                    cc_note_verifier_free(v);
                    v = NULL;
                }
        }
        if (!v) {
            fprintf(stderr,
                    "caucus verify: --require %s: give its key with --cosigner %s=PUBKEY (the stored "
                    "scenario gives "
                    "party %s no cosigner key)\n",
                    names[i], names[i], names[i]);
            bad = 1;
            break;
        }
        memcpy(conames[s->nco], names[i], sizeof conames[0]);
        s->coname[s->nco] = conames[s->nco];
        s->cokey[s->nco] = v;
        s->required |= 1u << s->nco;
        s->nco++;
    }
    if (bad && !sc)
        fprintf(stderr, "caucus verify: --require: the stored scenario does not load\n");
    cc_scenario_free(sc);
    return bad ? -1 : 0;
}

/* The first event of a store's exercise pins the scenario, seed and variant the row claims. */
static void check_pin(vstate *s, const char *line, size_t len)
{
    cc_evrec r;
    cc_evlog_error e;
    if (cc_evlog_decode(line, len, &r, &e) != CC_OK)
        return; /* cc_verify names it */
    if (strcmp(r.type, "run.start") != 0) {
        cc_evrec_clear(&r);
        return; /* and this */
    }
    const char *pinned = json_string_value(json_object_get(r.payload, "scenario"));
    const char *seed = json_string_value(json_object_get(r.payload, "seed"));
    const json_t *var = json_object_get(r.payload, "variant");
    const cc_store_exercise *x = s->x;
    unsigned char h[32];
    char hex[65], seedtext[24];
    cc_sha256((const unsigned char *)x->scenario, x->scenario_len, h);
    cc_hex(h, 32, hex);
    snprintf(seedtext, sizeof seedtext, "%" PRIu64, x->seed);
    if (!pinned || strcmp(pinned, hex) != 0)
        tamper(s,
               "exercise %" PRId64 ": the stored scenario's SHA-256 is %.16s..., but run.start pins %.16s...: the "
               "scenario was replaced (an export would write the altered one)",
               s->ex, hex, pinned ? pinned : "nothing");
    else if (strcmp(x->scenario_hash, hex) != 0)
        tamper(s, "exercise %" PRId64 ": the scenario_hash column %.16s... is not the stored scenario's SHA-256 %.16s...",
               s->ex, x->scenario_hash, hex);
    else if (!seed || strcmp(seed, seedtext) != 0)
        tamper(s, "exercise %" PRId64 ": the seed column %s is not the seed %s pinned in run.start", s->ex, seedtext,
               seed ? seed : "(none)");
    else if (x->variant && (!json_is_string(var) || strcmp(x->variant, json_string_value(var)) != 0))
        /* a NULL variant column is "the scenario's default", which run.start names */
        tamper(s, "exercise %" PRId64 ": the variant column %s is not the variant %s pinned in run.start", s->ex,
               x->variant, json_is_string(var) ? json_string_value(var) : "null");
    else if (r.wall_ms && x->created_wall_ms != r.wall_ms)
        tamper(s, "exercise %" PRId64 ": the created_wall column %" PRId64 " is not run.start's wall time %" PRId64,
               s->ex, x->created_wall_ms, r.wall_ms);
    else
        check_guidelines(s, &r);
    cc_evrec_clear(&r);
}

/* One stored row: the line through the verifier, then its columns against the record. */
static int feed_row(void *ctx, uint64_t seq, const char *hash, const char *line, size_t len)
{
    vstate *s = ctx;
    if (s->rows == 0 && s->x)
        check_pin(s, line, len);
    s->rows++;
    if (cc_verify_line(s->v, line, len, 1) != CC_OK)
        return 1;
    uint64_t n;
    unsigned char h[32];
    int64_t wall;
    cc_verify_head(s->v, &n, h, &wall);
    char hex[65];
    cc_hex(h, 32, hex);
    if (seq != n - 1)
        tamper(s, "event %" PRIu64 ": its seq column is %" PRIu64 ": the row was edited", n - 1, seq);
    else if (strcmp(hash, hex) != 0)
        tamper(s,
               "event %" PRIu64 ": its hash column %.16s... is not the hash of its line (%.16s...): the column was "
               "edited (a server resuming the exercise would refuse every input)",
               seq, hash, hex);
    after_event(s, n, wall);
    return s->tampered != 0;
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

static void print_wall(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char buf[40];
    if (ms > 0 && gmtime_r(&t, &tm) && strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
        printf(" at %s", buf);
}

/* The coverage line; returns 1 when every event is covered by a checkpoint signed by the key
 * and cosigned by every cosigner --require names. */
static int coverage(const vstate *s, uint64_t events)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < s->ncps; i++)
        if (s->cps[i].signed_ok && (s->cps[i].cosigned & s->required) == s->required && s->cps[i].size <= events &&
            (best == SIZE_MAX || s->cps[i].size > s->cps[best].size))
            best = i;
    printf("  coverage: ");
    if (best == SIZE_MAX || s->cps[best].size == 0) {
        printf("events 0-%" PRIu64 " covered by none (no checkpoint %s%s)\n", events - 1,
               s->key ? "signed by the key" : "whose signature could be checked",
               s->required ? " and cosigned by every required party" : "");
        for (size_t k = 0; k < s->nco; k++) {
            int any = 0;
            for (size_t i = 0; i < s->ncps; i++)
                any |= (s->cps[i].cosigned >> k) & 1;
            if ((s->required >> k) & 1 && !any)
                printf("  %s: no checkpoint carries its cosignature (%s+%08" PRIx32 ")\n", s->coname[k],
                       cc_note_verifier_name(s->cokey[k]), cc_note_verifier_key_id(s->cokey[k]));
        }
        return 0;
    }
    const vcheck *c = &s->cps[best];
    printf("events 0-%" PRIu64 " covered by a checkpoint signed by %s+%08" PRIx32, c->size - 1,
           cc_note_verifier_name(s->key), cc_note_verifier_key_id(s->key));
    print_wall(c->wall_ms);
    for (size_t k = 0, first = 1; k < s->nco; k++)
        if ((c->cosigned >> k) & 1) {
            printf("%s%s", first ? ", cosigned by " : ", ", s->coname[k]);
            print_wall((int64_t)c->cotime[k] * 1000);
            first = 0;
        }
    if (c->size < events)
        printf("; events %" PRIu64 "-%" PRIu64 " covered by none\n", c->size, events - 1);
    else
        printf("; every event covered\n");
    return c->size == events;
}

/* Reads the key given (a verifier key text or a file holding one); NULL with a message. */
static cc_note_verifier *read_key(const char *arg, const char *what)
{
    size_t kl;
    char *kt = cc_cli_slurp(arg, &kl, CC_CLI_SLURP_MAX);
    const char *k = kt ? kt : arg;
    cc_note_verifier *key = NULL;
    cc_note_error ne;
    if (cc_note_verifier_parse(k, kt ? kl : strlen(k), &key, &ne) != CC_OK)
        fprintf(stderr, "caucus verify: %s: not a verifier key: %s\n", what, ne.message);
    free(kt);
    return key;
}

static int parse_args(int argc, char **argv, const char **src, const char **exs, const char **keyarg,
                      const char **incl, const char **sizes, const char **cons, const char **cpfiles,
                      size_t *ncp, const char **cosigners, size_t *nco, const char **require,
                      const char **threads)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        const char **slot = strcmp(a, "--exercise") == 0      ? exs
                            : strcmp(a, "--key") == 0         ? keyarg
                            : strcmp(a, "--inclusion") == 0   ? incl
                            : strcmp(a, "--size") == 0        ? sizes
                            : strcmp(a, "--consistency") == 0 ? cons
                            : strcmp(a, "--require") == 0     ? require
                            : strcmp(a, "--threads") == 0     ? threads
                                                              : NULL;
        int is_cp = strcmp(a, "--checkpoint") == 0;
        if (strcmp(a, "--cosigner") == 0) {
            if (i + 1 >= argc || *nco == MAX_COSIGNERS || !strchr(argv[i + 1], '=')) {
                fprintf(stderr, "caucus verify: --cosigner takes NAME=PUBKEY|FILE (at most %d)\n", MAX_COSIGNERS);
                return EXIT_USAGE;
            }
            cosigners[(*nco)++] = argv[++i];
            continue;
        }
        if (slot || is_cp) {
            if (i + 1 >= argc) {
                fprintf(stderr, "caucus verify: %s needs a value\n", a);
                return EXIT_USAGE;
            }
            if (is_cp) {
                if (*ncp == 64) {
                    fprintf(stderr, "caucus verify: at most 64 --checkpoint files\n");
                    return EXIT_USAGE;
                }
                cpfiles[(*ncp)++] = argv[++i];
            } else {
                *slot = argv[++i];
            }
        } else if (a[0] == '-' || *src) {
            fprintf(stderr, "caucus verify: unexpected \"%s\"\n", a);
            usage(stderr);
            return EXIT_USAGE;
        } else {
            *src = a;
        }
    }
    if (!*src) {
        usage(stderr);
        return EXIT_USAGE;
    }
    return -1;
}

/* After a line the verifier refused or accepted: 1 to stop (refused), 0 to go on. */
static int after_line(vstate *s, cc_err rc)
{
    if (rc != CC_OK)
        return 1;
    uint64_t ev;
    unsigned char h[32];
    int64_t w;
    cc_verify_head(s->v, &ev, h, &w);
    after_event(s, ev, w);
    return 0;
}

/* A reader's error (a line too long, a read error) as damage at the first unread event. */
static void read_failed(vstate *s, cc_err rc, const char *why)
{
    uint64_t ev;
    unsigned char h[32];
    int64_t w;
    cc_verify_head(s->v, &ev, h, &w);
    tamper(s, "event %" PRIu64 ": %s%s", ev, why,
           rc == CC_ERR_LIMIT ? " (refused without reading the rest)" : "");
}

/* Feeds a log file to the verifier, line by line in bounded memory; with threads > 1 the lines
 * are checked on that many threads (io/plines) and fed in order. 0, or 1 with a message. */
static int read_log(vstate *s, const char *src, unsigned threads)
{
    char why[300];
    if (threads > 1) {
        cc_plines *in = NULL;
        cc_plines_opts o = {threads, 0, 1, 0};
        if (cc_plines_open(src, CC_EVLOG_LINE_MAX, &o, &in, why, sizeof why) != CC_OK) {
            printf("%s: %s\n", src, why);
            return 1;
        }
        for (;;) {
            cc_plines_line l;
            cc_err rc = cc_plines_next(in, &l, why, sizeof why);
            if (rc == CC_ERR_NOTFOUND)
                break;
            if (rc != CC_OK) {
                read_failed(s, rc, why);
                break;
            }
            if (after_line(s, cc_verify_checked(s->v, l.complete, l.check, l.head, l.err, l.leaf)))
                break;
        }
        cc_plines_close(in);
        return 0;
    }
    cc_lines *in = NULL;
    if (cc_lines_open(src, CC_EVLOG_LINE_MAX, &in, why, sizeof why) != CC_OK) {
        printf("%s: %s\n", src, why);
        return 1;
    }
    for (;;) {
        const char *l;
        size_t n;
        int complete;
        cc_err rc = cc_lines_next(in, &l, &n, &complete, why, sizeof why);
        if (rc == CC_ERR_NOTFOUND)
            break;
        if (rc != CC_OK) {
            read_failed(s, rc, why);
            break;
        }
        if (after_line(s, cc_verify_line(s->v, l, n, complete)))
            break;
    }
    cc_lines_close(in);
    return 0;
}

static int proofs(cc_verify *v, const char *incl, uint64_t iseq, const char *sizes, uint64_t isize,
                  const char *cons, uint64_t c1, uint64_t c2)
{
    int rc = 0;
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
        if (size > nh || iseq >= size || cc_merkle_inclusion_proof(&L, iseq, size, proof, &np, &me) != CC_OK ||
            cc_merkle_root(&L, size, root, &me) != CC_OK) {
            printf("no inclusion proof for event %" PRIu64 " in a tree of %" PRIu64 " (the log has %" PRIu64 ")\n",
                   iseq, size, nh);
            rc = 1;
        } else {
            unsigned char leaf[32];
            cc_merkle_leaf_hash(hs[iseq], 32, leaf);
            int ok = cc_merkle_verify_inclusion(iseq, size, leaf, (const unsigned char(*)[32])proof, np, root, 32,
                                                &me) == CC_OK;
            cc_hex(root, 32, hex);
            printf("inclusion of event %" PRIu64 " in the tree of size %" PRIu64 ", root %s\n", iseq, size, hex);
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
            printf("no consistency proof for sizes %" PRIu64 ":%" PRIu64 " (the log has %" PRIu64 ")\n", c1, c2, nh);
            rc = 1;
        } else {
            int ok = cc_merkle_verify_consistency(c1, c2, (const unsigned char(*)[32])proof, np, r1, 32, r2, 32,
                                                  &me) == CC_OK;
            cc_hex(r1, 32, hex);
            printf("consistency of size %" PRIu64 " (root %s)\n", c1, hex);
            cc_hex(r2, 32, hex);
            printf("          with size %" PRIu64 " (root %s)\n", c2, hex);
            print_hashes("proof", proof, np);
            printf("proof %s\n", ok ? "verifies" : "DOES NOT VERIFY");
            rc |= !ok;
        }
    }
    return rc;
}

/* The numbers of --exercise, --inclusion, --size and --consistency N1:N2: -1, or EXIT_USAGE
 * with the reason printed. */
static int parse_numbers(const char *exs, const char *incl, const char *sizes, const char *cons, uint64_t *ex,
                         uint64_t *iseq, uint64_t *isize, uint64_t *c1, uint64_t *c2)
{
    if ((exs && (cc_cli_parse_u64(exs, ex) != 0 || *ex == 0 || *ex > INT64_MAX)) ||
        (incl && cc_cli_parse_u64(incl, iseq) != 0) || (sizes && cc_cli_parse_u64(sizes, isize) != 0)) {
        fprintf(stderr, "caucus verify: --exercise, --inclusion and --size take numbers\n");
        return EXIT_USAGE;
    }
    if (cons) {
        const char *colon = strchr(cons, ':');
        char a1[32];
        if (!colon || (size_t)(colon - cons) >= sizeof a1) {
            fprintf(stderr, "caucus verify: --consistency takes N1:N2\n");
            return EXIT_USAGE;
        }
        memcpy(a1, cons, (size_t)(colon - cons));
        a1[colon - cons] = 0;
        if (cc_cli_parse_u64(a1, c1) != 0 || cc_cli_parse_u64(colon + 1, c2) != 0 || *c1 == 0 || *c1 > *c2) {
            fprintf(stderr, "caucus verify: --consistency takes N1:N2 with 0 < N1 <= N2\n");
            return EXIT_USAGE;
        }
    }
    return -1;
}

/* --cosigner NAME=KEY (names copied into s->conames) and --require NAME,...: a party it names
 * without --cosigner is left pending for a store (its key from the stored scenario). 0, or 1 with
 * the reason printed (the keys read so far are in s). */
static int read_cosigners(vstate *s, const char *const *coargs, size_t ncoargs, const char *require,
                          int store)
{
    char(*conames)[40] = s->conames;
    for (size_t i = 0; i < ncoargs; i++) {
        const char *eq = strchr(coargs[i], '=');
        size_t nl = (size_t)(eq - coargs[i]);
        if (nl == 0 || nl >= sizeof conames[i]) {
            fprintf(stderr, "caucus verify: --cosigner %s: the name is 1 to 39 characters\n", coargs[i]);
            return 1;
        }
        memcpy(conames[i], coargs[i], nl);
        conames[i][nl] = 0;
        s->coname[i] = conames[i];
        if (!(s->cokey[i] = read_key(eq + 1, coargs[i])))
            return 1;
        s->nco++;
    }
    int bad = 0;
    for (const char *r = require; r && *r && !bad;) {
        const char *comma = strchr(r, ',');
        size_t len = comma ? (size_t)(comma - r) : strlen(r);
        size_t k = 0;
        while (k < s->nco && !(strlen(s->coname[k]) == len && strncmp(s->coname[k], r, len) == 0))
            k++;
        if (k == s->nco && store && len > 0 && len < sizeof s->pending[0] &&
            s->npending + s->nco < MAX_COSIGNERS) {
            memcpy(s->pending[s->npending], r, len);
            s->pending[s->npending++][len] = 0;
        } else if (k == s->nco) {
            fprintf(stderr, "caucus verify: --require %.*s: give its key with --cosigner %.*s=PUBKEY%s\n",
                    (int)len, r, (int)len, r,
                    store ? "" : " (a store's scenario may give it: the party's keys)");
            bad = 1;
        } else {
            s->required |= 1u << k;
        }
        r = comma ? comma + 1 : r + len;
    }
    return bad;
}

/* The --checkpoint files, each signed by the key: 0, or -1 with the reason printed. */
static int read_checkpoint_files(vstate *s, const char *const *cpfiles, size_t ncp)
{
    for (size_t i = 0; i < ncp; i++) {
        size_t len;
        char *t = cc_cli_slurp(cpfiles[i], &len, CC_CLI_SLURP_MAX);
        if (!t) {
            printf("%s: cannot read\n", cpfiles[i]);
            return -1;
        }
        add_note(s, t, len, cpfiles[i], 0, 0);
        free(t);
        if (s->ncps == 0 || !s->cps[s->ncps - 1].signed_ok) {
            if (!s->tampered)
                tamper(s, "%s: not a valid checkpoint signed by this key: no signature by key %s+%08" PRIx32,
                       cpfiles[i], cc_note_verifier_name(s->key), cc_note_verifier_key_id(s->key));
        }
        if (s->tampered) {
            printf("%s\n", s->why);
            return -1;
        }
    }
    return 0;
}

/* An exercise of a store: its database checked, the cosigner keys of the parties --require names
 * taken from its scenario, its checkpoints and then its events fed to the verifier. Without
 * --key, the key pinned in the store is trusted (*key, *tofu set). 0, or with the reason printed
 * -1 (damage or an error) or -2 (a --require the scenario cannot serve). */
static int read_store(vstate *s, const char *src, cc_store **st, cc_store_exercise *x, cc_note_verifier **key,
                      int *tofu)
{
    cc_store_error serr;
    cc_store_opts o = {1, NULL, 0, 0};
    if (cc_store_open(src, &o, st, &serr) != CC_OK) {
        printf("%s: %s\n", src, serr.message);
        return -1;
    }
    if (cc_store_integrity(*st, &serr) != CC_OK) {
        printf("%s: the database itself is damaged: %s\n", src, serr.message);
        return -1;
    }
    if (cc_store_exercise_get(*st, s->ex, x, &serr) != CC_OK) {
        printf("%s: %s\n", src, serr.message);
        return -1;
    }
    s->x = x;
    if (s->npending && party_cosigners(s, s->pending, s->npending, s->conames) != 0)
        return -2;
    if (!*key && x->log_key) {
        cc_note_error ne;
        if (cc_note_verifier_parse(x->log_key, strlen(x->log_key), key, &ne) != CC_OK) {
            printf("%s: exercise %" PRId64 ": the pinned checkpoint key is not a verifier key: %s\n", src,
                   s->ex, ne.message);
            return -1;
        }
        s->key = *key;
        *tofu = 1;
    }
    if (cc_store_checkpoints(*st, s->ex, stored_cp, s, &serr) != CC_OK) {
        printf("%s: %s\n", src, serr.message);
        return -1;
    }
    if (s->tampered) {
        printf("%s: %s\n", src, s->why);
        return -1;
    }
    int stopped = 0;
    if (cc_store_event_rows(*st, s->ex, 0, feed_row, s, &stopped, &serr) != CC_OK) {
        printf("%s: %s\n", src, serr.message);
        return -1;
    }
    return 0;
}

/* The verdict on a sound chain: what was checked and whether every event is covered. 0, or
 * EXIT_UNPROVEN. */
static int print_sound(const vstate *s, const char *src, const cc_verify_result *res,
                       const cc_store_exercise *x, int tofu)
{
    const cc_note_verifier *key = s->key;
    printf("%s: %" PRIu64 " events, hash chain ok\n", src, res->events);
    printf("  last event hash %s\n  Merkle root     %s\n  origin          %s\n", res->last_hash, res->root,
           res->origin);
    if (x)
        printf("  scenario        %s, as pinned in run.start (seed, variant and every column as recorded)\n",
               x->scenario_hash);
    if (s->guidelines[0])
        printf("  guidelines      %s\n", s->guidelines);
    size_t nsigned = 0;
    for (size_t i = 0; i < s->ncps; i++)
        nsigned += s->cps[i].signed_ok;
    printf("  checkpoints     %zu, each consistent with the log (size and root)", s->ncps);
    if (key)
        printf("; %zu signed by %s+%08" PRIx32 "\n", nsigned, cc_note_verifier_name(key),
               cc_note_verifier_key_id(key));
    else
        printf("; signatures not checked: no key given%s\n", x ? " and none pinned in the store" : "");
    if (nsigned)
        printf("  %zu signed checkpoint%s verified with key %s\n", nsigned, nsigned == 1 ? "" : "s",
               cc_note_verifier_name(key));
    if (tofu)
        printf("  NOTE: the key %s+%08" PRIx32 " was taken from the store itself (trust on first use): whoever\n"
               "        could rewrite the store could have replaced it too. Verify with --key and the key you\n"
               "        received through a trusted channel to prove the record against it.\n",
               cc_note_verifier_name(key), cc_note_verifier_key_id(key));
    int covered = coverage(s, res->events);
    if (!covered)
        printf("  not provable: nothing contradicts the record, but %s\n",
               !key ? "without a key no checkpoint's signature could be checked (give --key)"
               : s->required
                   ? "not every event is covered by a checkpoint signed by the key and cosigned by every "
                     "party --require names"
                   : "not every event is covered by a checkpoint signed by the key");
    return covered ? 0 : EXIT_UNPROVEN;
}

int cc_cmd_verify(int argc, char **argv)
{
    const char *src = NULL, *exs = NULL, *keyarg = NULL, *incl = NULL, *sizes = NULL, *cons = NULL;
    const char *cpfiles[64], *coargs[MAX_COSIGNERS], *require = NULL;
    size_t ncp = 0, ncoargs = 0;
    const char *tharg = NULL;
    int prc = parse_args(argc, argv, &src, &exs, &keyarg, &incl, &sizes, &cons, cpfiles, &ncp, coargs,
                         &ncoargs, &require, &tharg);
    if (prc >= 0)
        return prc;
    unsigned threads = cc_cli_line_threads("verify", tharg);
    if (!threads)
        return EXIT_USAGE;
    uint64_t ex = 1, iseq = 0, isize = 0, c1 = 0, c2 = 0;
    if ((prc = parse_numbers(exs, incl, sizes, cons, &ex, &iseq, &isize, &c1, &c2)) >= 0)
        return prc;
    int store = cc_cli_is_store(src);
    if (ncp && !keyarg) {
        fprintf(stderr, "caucus verify: checking --checkpoint files needs the signer's public key (--key)\n");
        return EXIT_USAGE;
    }
    cc_note_verifier *key = keyarg ? read_key(keyarg, "--key") : NULL;
    if (keyarg && !key)
        return EXIT_USAGE;
    vstate s;
    memset(&s, 0, sizeof s);
    s.ex = (int64_t)ex;
    if (cc_verify_new(&s.v) != CC_OK) {
        cc_note_verifier_free(key);
        return EXIT_TAMPERED;
    }
    cc_verify_keep_hashes(s.v, incl || cons);
    s.key = key;
    if (read_cosigners(&s, coargs, ncoargs, require, store) != 0) {
        for (size_t i = 0; i < s.nco; i++)
            cc_note_verifier_free(s.cokey[i]);
        cc_verify_free(s.v);
        cc_note_verifier_free(key);
        return EXIT_USAGE;
    }
    int rc = EXIT_TAMPERED, tofu = 0;
    cc_store *st = NULL;
    cc_store_exercise x;
    memset(&x, 0, sizeof x);
    cc_verify_result res;
    int rd = read_checkpoint_files(&s, cpfiles, ncp);
    if (rd == 0)
        rd = store ? read_store(&s, src, &st, &x, &key, &tofu) : read_log(&s, src, threads);
    if (rd != 0) {
        rc = rd == -2 ? EXIT_USAGE : rc;
        goto out;
    }
    cc_verify_finish(s.v, &res);
    if (s.tampered) { /* found first: the stream stopped there */
        printf("%s: %s\n", src, s.why);
        goto out;
    }
    if (res.bad) {
        printf("%s: %s\n", src, res.why);
        if (!strstr(res.why, "another log"))
            printf("%s: first bad event: %" PRIu64 "; the %" PRIu64 " events before it are sound\n", src,
                   res.bad_index, res.bad_index < res.events ? res.bad_index : res.events);
        goto out;
    }
    rc = print_sound(&s, src, &res, store ? &x : NULL, tofu);
    if ((incl || cons) && proofs(s.v, incl, iseq, sizes, isize, cons, c1, c2))
        rc = EXIT_TAMPERED;
out:
    for (size_t i = 0; i < s.nco; i++)
        cc_note_verifier_free(s.cokey[i]);
    cc_store_exercise_clear(&x);
    cc_store_close(st);
    free(s.cps);
    cc_verify_free(s.v);
    cc_note_verifier_free(key);
    return rc;
}

/* caucus keygen NAME --out FILE: an Ed25519 signer key (FILE, mode 0600) and its public key
 * (FILE.pub, also printed) for signing checkpoints of headless runs. */
int cc_cmd_keygen(int argc, char **argv)
{
    const char *name = NULL, *out = NULL;
    int cosigner = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--cosigner") == 0)
            cosigner = 1;
        else if (argv[i][0] != '-' && !name)
            name = argv[i];
        else {
            fprintf(stderr, "usage: caucus keygen NAME --out FILE [--cosigner]\n");
            return 2;
        }
    }
    if (!name || !out) {
        fprintf(stderr, "usage: caucus keygen NAME --out FILE [--cosigner]\n");
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    cc_buf vk;
    cc_buf_init(&vk);
    char why[300];
    int rc = 1;
    if (cc_cli_new_key_type(out, name, cosigner ? CC_NOTE_KEY_COSIGNER : CC_NOTE_KEY_NOTE, NULL, &vk, why,
                            sizeof why) != 0) {
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
