/* cmd_serve — `caucus serve`: run a live exercise over HTTP (docs/http-api.md). A scenario
 * starts a new exercise and prints its join codes; --exercise ID resumes one from the store. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/note.h"
#include "core/scenario_model.h"
#include "report/report.h"
#include "report/report_lang.h"
#include "server/http.h"
#include "server/live.h"
#include "store/store.h"

/* caucus serve without --threads: one network thread per online CPU, at most this many (the
 * request handlers run one at a time, so more threads only share the sending) */
#define SERVE_THREADS_MAX 4

/* HOST:PORT, [IPV6]:PORT: the host non-empty and of host-name characters, the port all digits,
 * 0 to 65535. 0 ok, -1 otherwise. */
static int parse_listen(const char *listen, char *host, size_t hostsize, unsigned *port)
{
    const char *colon = strrchr(listen, ':'), *h = listen, *hend = colon;
    if (!colon || colon == listen)
        return -1;
    if (listen[0] == '[') { /* [v6]:port */
        if (colon[-1] != ']')
            return -1;
        h = listen + 1;
        hend = colon - 1;
    }
    size_t hl = (size_t)(hend - h);
    if (hl == 0 || hl >= hostsize)
        return -1;
    for (const char *c = h; c < hend; c++)
        if (!(isalnum((unsigned char)*c) || *c == '.' || *c == '-' || (listen[0] == '[' && *c == ':')))
            return -1;
    const char *p = colon + 1;
    size_t pl = strlen(p);
    if (pl == 0 || pl > 5 || strspn(p, "0123456789") != pl)
        return -1;
    unsigned long v = strtoul(p, NULL, 10);
    if (v > 65535)
        return -1;
    memcpy(host, h, hl);
    host[hl] = 0;
    *port = (unsigned)v;
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: caucus serve [SCENARIO] [--db FILE | --store postgres://...] [--listen HOST:PORT]\n"
               "                    [--exercise ID | --doc ID[:VERSION]] [--seed N] [--variant MECHANISM]\n"
               "                    [--name NAME]\n"
               "                    [--tls-cert FILE --tls-key FILE] [--codes FILE] [--max-conns N] "
               "[--max-per-ip N] [--threads N]\n"
               "                    [--join-per-min N] [--key FILE] [--checkpoint-dir DIR]\n"
               "                    [--checkpoint-every N] [--streams-per-session N] [--store-wait MS]\n"
               "                    [--witness URL --witness-key PUBKEY|FILE] [--guidelines NOTE]\n"
               "                    [--auto SEATS]\n"
               "A SCENARIO starts a new exercise and prints control's and every seat's join code;\n"
               "--exercise ID resumes an exercise of the store; --doc ID[:VERSION] starts one from a\n"
               "scenario document of the store (the browser's scenario editor; default: its newest\n"
               "version). The exercise records the document version it runs (a SCENARIO file becomes\n"
               "a new document). --auto SEATS (all, none or SEAT,SEAT) with a SCENARIO: those seats\n"
               "start played by their agent policies, as by control's Play by agent (logged), and\n"
               "control can hand them back to people. Default store: caucus.db; default\n"
               "listen address: 127.0.0.1:8080. Stop with Ctrl-C. See docs/http-api.md.\n"
               "Checkpoints of the log are signed with the Ed25519 key in --key (default DB.key,\n"
               "created on first use; its public key is printed and written to KEY.pub) and written\n"
               "to the store and to --checkpoint-dir (default DB.checkpoints).\n"
               "--store-wait: how long a write waits for a SQLite store locked by another process\n"
               "(default 10000 ms); an audited read whose record cannot be written is answered 503.\n"
               "--max-conns: open connections in all (default 4096, within the open-file limit);\n"
               "--max-per-ip: per client address (default 256, at most a quarter of --max-conns;\n"
               "0: no limit, for load tests from one address).\n"
               "--threads: network threads sending answers and event-stream frames (1 to 64; default\n"
               "the online CPUs, at most 4); requests are still handled one at a time.\n"
               "--witness: a witness's add-checkpoint URL (http://HOST:PORT/add-checkpoint); each\n"
               "checkpoint is sent to it and stored with its cosignature (see caucus witness).\n");
}

static int64_t wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Creates control's and each seat's join code, stores their hashes, prints the codes. */
static int make_codes(cc_store *st, cc_live *lv, FILE *out, FILE *codes_json)
{
    const cc_scenario *s = cc_live_scenario(lv);
    int64_t ex = cc_live_exercise_id(lv);
    if (codes_json)
        fprintf(codes_json, "{");
    for (size_t i = 0; i <= s->nseats; i++) {
        int control = i == s->nseats;
        unsigned char rnd[13];
        randombytes_buf(rnd, sizeof rnd);
        char code[CC_HTTP_CODE_LEN + 1], secret[CC_HTTP_SECRET_MAX];
        cc_store_error err;
        if (cc_http_make_code(rnd, code, secret) != CC_OK ||
            cc_store_account_set(st, ex, control ? "control" : "seat", control ? NULL : s->seats[i].id,
                                 secret, &err) != CC_OK) {
            fprintf(stderr, "caucus serve: cannot store the join codes\n");
            return -1;
        }
        if (control)
            fprintf(out, "  %-22s %s\n", "control", code);
        else
            fprintf(out, "  %-22s %s   (%s, %s)\n", s->seats[i].id, code, s->seats[i].party,
                    s->seats[i].role ? s->seats[i].role : "");
        if (codes_json)
            fprintf(codes_json, "%s\"%s\":\"%s\"", i ? "," : "", control ? "control" : s->seats[i].id, code);
    }
    if (codes_json)
        fprintf(codes_json, "}\n");
    return 0;
}

/* /api/report: the after-action report so far (final once the run has ended), from the stored
 * log, for this viewer (a seat's report holds only what the seat may read). The log goes through
 * a private temporary file because the report reads it twice, streaming. */
static char *serve_report(void *ctx, cc_live *lv, cc_live_viewer v, int format, const char *lang, size_t *len,
                          char *why, size_t whylen)
{
    cc_store *st = ctx;
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/caucus-report-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(why, whylen, "no temporary file for the report");
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    cc_store_error err;
    cc_err rc = f ? cc_cli_write_log(st, cc_live_exercise_id(lv), f, NULL, &err) : CC_ERR_IO;
    if (f && fclose(f) != 0)
        rc = CC_ERR_IO;
    else if (!f)
        close(fd);
    char *out = NULL;
    if (rc != CC_OK) {
        snprintf(why, whylen, "the log could not be read for the report");
    } else {
        const cc_scenario *s = cc_live_scenario(lv);
        cc_diags d;
        cc_diags_init(&d);
        json_t *doc = NULL;
        /* final once control ended the run (the log then ends with run.end), interim before: what
         * is still open is timed up to the clock's scenario time now */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        /* control's summary: the newest version in the store (none, or one back to the draft: the
         * draft); the draft itself for /api/summary */
        cc_store_summary sum;
        memset(&sum, 0, sizeof sum);
        if (format != CC_HTTP_REPORT_DRAFT)
            (void)cc_store_summary_get(st, cc_live_exercise_id(lv), 0, &sum, &err);
        cc_report_opts ro = {.seat = v.control ? NULL : s->seats[v.seat].id,
                             .flags = cc_live_ended(lv) ? 0u : CC_REPORT_IN_PROGRESS,
                             .summary = sum.text,
                             .summary_label = sum.label,
                             .as_of_ms =
                                 cc_live_scenario_ms(lv, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000)};
        rc = cc_report_from_log_opts(path, s, &ro, &d, &doc);
        cc_store_summary_clear(&sum);
        cc_error le = {0};
        if (rc == CC_OK && lang && cc_report_lang_known(lang) &&
            cc_report_localise(doc, s, lang, &le) != CC_OK) {
            rc = CC_ERR_NOMEM;
            snprintf(why, whylen, "%s", le.message);
        } else if (rc != CC_OK) {
            snprintf(why, whylen, "%s", d.count ? d.items[0].message : cc_err_str(rc));
        }
        if (rc == CC_OK && format == CC_HTTP_REPORT_DRAFT) {
            if ((out = cc_report_summary_text(doc)) != NULL)
                *len = strlen(out);
            else
                snprintf(why, whylen, "out of memory");
        } else if (rc == CC_OK) {
            cc_buf b;
            cc_buf_init(&b);
            cc_err r2 = format == CC_HTTP_REPORT_MD     ? cc_report_md(doc, &b)
                        : format == CC_HTTP_REPORT_JSON ? cc_report_json(doc, &b)
                        : format == CC_HTTP_REPORT_DOCX ? cc_report_docx(doc, &b)
                                                        : cc_report_html(doc, s->policy, &b);
            if (r2 == CC_OK && !b.oom && b.data) {
                out = b.data;
                *len = b.len;
            } else {
                cc_buf_free(&b);
                snprintf(why, whylen, "the report could not be rendered");
            }
        }
        json_decref(doc);
        cc_diags_free(&d);
    }
    unlink(path);
    return out;
}

/* Reads the signer key at path, or creates it (0600) with its public key at path.pub. */
static cc_note_signer *load_signer(const char *path)
{
    size_t len = 0;
    char *text = cc_cli_slurp(path, &len, CC_CLI_SLURP_MAX);
    cc_note_signer *s = NULL;
    cc_note_error ne;
    if (text) {
        if (cc_note_signer_parse(text, len, &s, &ne) != CC_OK)
            fprintf(stderr, "caucus serve: %s: not a signer key: %s\n", path, ne.message);
        sodium_memzero(text, len);
        free(text);
        return s;
    }
    cc_buf vk;
    cc_buf_init(&vk);
    char why[300];
    if (cc_cli_new_key(path, "caucus", &s, &vk, why, sizeof why) != 0)
        fprintf(stderr, "caucus serve: cannot create the signing key: %s\n", why);
    else
        printf("signing key created: %s\npublic key (give it to your auditors; also in %s.pub):\n  %s\n",
               path, path, vk.data);
    cc_buf_free(&vk);
    return s;
}

static void serve_publish(void *ctx)
{
    cc_http *h = __atomic_load_n((cc_http **)ctx, __ATOMIC_ACQUIRE);
    if (h)
        cc_http_publish_events(h);
}

/* The command line of `caucus serve`. */
typedef struct {
    const char *scen, *db, *store_uri, *listen, *variant, *name, *cert, *key, *codes;
    const char *keyfile, *cpdir, *wurl, *wkeyarg, *docarg, *guidelines;
    const char *autos; /* --auto: seats their agents play from the start */
    uint64_t seed, exid, per_ip, join_rate, cp_every, streams, store_wait, max_conns, threads;
    int have_seed, threads_given;
    int64_t docid, docver;
    char host[64];
    unsigned port;
    char docsrc[96]; /* the name a store document runs under */
} serve_args;

/* Reads the options into a: -1 to go on, otherwise the exit status (0 after --help). */
static int parse_args(int argc, char **argv, serve_args *a)
{
    memset(a, 0, sizeof *a);
    a->listen = "127.0.0.1:8080";
    a->per_ip = UINT64_MAX; /* not given: the server's default */
    a->join_rate = 8;
    a->cp_every = 1000;
    a->streams = 4;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        const char **sval = strcmp(o, "--key") == 0              ? &a->keyfile
                            : strcmp(o, "--witness") == 0        ? &a->wurl
                            : strcmp(o, "--witness-key") == 0    ? &a->wkeyarg
                            : strcmp(o, "--checkpoint-dir") == 0 ? &a->cpdir
                            : strcmp(o, "--db") == 0             ? &a->db
                            : strcmp(o, "--store") == 0          ? &a->store_uri
                            : strcmp(o, "--listen") == 0         ? &a->listen
                            : strcmp(o, "--variant") == 0        ? &a->variant
                            : strcmp(o, "--name") == 0           ? &a->name
                            : strcmp(o, "--tls-cert") == 0       ? &a->cert
                            : strcmp(o, "--tls-key") == 0        ? &a->key
                            : strcmp(o, "--codes") == 0          ? &a->codes
                            : strcmp(o, "--doc") == 0            ? &a->docarg
                            : strcmp(o, "--guidelines") == 0     ? &a->guidelines
                            : strcmp(o, "--auto") == 0           ? &a->autos
                                                                 : NULL;
        uint64_t *nval = strcmp(o, "--checkpoint-every") == 0      ? &a->cp_every
                         : strcmp(o, "--seed") == 0                ? &a->seed
                         : strcmp(o, "--exercise") == 0            ? &a->exid
                         : strcmp(o, "--max-per-ip") == 0          ? &a->per_ip
                         : strcmp(o, "--max-conns") == 0           ? &a->max_conns
                         : strcmp(o, "--threads") == 0             ? &a->threads
                         : strcmp(o, "--join-per-min") == 0        ? &a->join_rate
                         : strcmp(o, "--streams-per-session") == 0 ? &a->streams
                         : strcmp(o, "--store-wait") == 0          ? &a->store_wait
                                                                   : NULL;
        if (sval || nval) {
            if (i + 1 >= argc) {
                fprintf(stderr, "caucus serve: %s needs a value\n", o);
                return 2;
            }
            const char *v = argv[++i];
            if (sval)
                *sval = v;
            else if (cc_cli_parse_u64(v, nval) != 0 || (nval != &a->seed && *nval > 1000000000)) {
                fprintf(stderr, "caucus serve: %s takes a number, not \"%s\"\n", o, v);
                return 2;
            }
            a->have_seed |= nval == &a->seed;
            a->threads_given |= nval == &a->threads;
        } else if (o[0] == '-' || a->scen) {
            fprintf(stderr, "caucus serve: unexpected \"%s\"\n", o);
            usage(stderr);
            return 2;
        } else {
            a->scen = o;
        }
    }
    if (a->threads_given && (a->threads < 1 || a->threads > CC_HTTP_MAX_THREADS)) {
        fprintf(stderr, "caucus serve: --threads takes 1 to %d, not %llu\n", CC_HTTP_MAX_THREADS,
                (unsigned long long)a->threads);
        return 2;
    }
    if (a->db && a->store_uri) {
        fprintf(stderr, "caucus serve: give --db or --store, not both\n");
        return 2;
    }
    if (a->docarg) {
        char *end;
        a->docid = strtoll(a->docarg, &end, 10);
        if (*end == ':')
            a->docver = strtoll(end + 1, &end, 10);
        if (*end || a->docid <= 0 || a->docver < 0 || a->docarg[0] < '1' || a->docarg[0] > '9') {
            fprintf(stderr,
                    "caucus serve: --doc takes a document id and an optional version, e.g. 3 or 3:7\n");
            return 2;
        }
    }
    if ((a->scen != NULL) + (a->exid != 0) + (a->docid != 0) != 1) {
        fprintf(stderr,
                "caucus serve: give a SCENARIO or --doc ID to start an exercise, or --exercise ID to resume "
                "one\n");
        usage(stderr);
        return 2;
    }
    if (parse_listen(a->listen, a->host, sizeof a->host, &a->port) != 0) {
        fprintf(
            stderr,
            "caucus serve: --listen takes HOST:PORT (a host name or IPv4 address, or [IPv6], and a port 0 "
            "to 65535 in digits; 0 picks a free port), e.g. 127.0.0.1:8080, not '%s'\n",
            a->listen);
        return 2;
    }
    return -1;
}

/* The SCENARIO file loads and its --guidelines note checks against it (a copy of the note into
 * *gnote, the caller's); --guidelines without a SCENARIO file is refused. -1 to go on, otherwise
 * the exit status (the reason printed). */
static int check_scenario(const serve_args *a, char **gnote)
{
    if (a->autos && (!a->scen || a->docarg)) {
        fprintf(stderr, "caucus serve: --auto goes with a SCENARIO file (a resumed exercise's log says who "
                        "plays each seat; control hands seats over from the console)\n");
        return 2;
    }
    if (!a->scen) {
        if (!a->guidelines)
            return -1;
        fprintf(stderr,
                "caucus serve: --guidelines goes with a SCENARIO file (a resumed exercise keeps the note "
                "its run.start pinned)\n");
        return 2;
    }
    cc_scenario *chk = cc_cli_load("serve", a->scen);
    if (!chk)
        return 1;
    int bad = cc_cli_guidelines_pin("serve", chk, a->guidelines) != 0;
    uint8_t *flags = a->autos ? calloc(chk->nseats + 1, 1) : NULL;
    if (!bad && a->autos && (!flags || cc_cli_parse_seats(chk, a->autos, flags) != 0))
        bad = 1; /* checked before anything is created */
    free(flags);
    if (!bad && chk->endorsement && !(*gnote = strdup(chk->endorsement)))
        bad = 1;
    cc_scenario_free(chk);
    return bad ? 1 : -1;
}

/* The witness's cosigner key from --witness-key (a file, or the key itself) into *out: 0, or 2
 * with the reason printed. */
static int load_witness_key(const char *arg, cc_note_verifier **out)
{
    size_t wl;
    char *wt = cc_cli_slurp(arg, &wl, CC_CLI_SLURP_MAX);
    cc_note_error ne;
    cc_note_verifier *wkey = NULL;
    if (cc_note_verifier_parse(wt ? wt : arg, wt ? wl : strlen(arg), &wkey, &ne) != CC_OK ||
        cc_note_verifier_type(wkey) != CC_NOTE_KEY_COSIGNER) {
        fprintf(stderr, "caucus serve: --witness-key: not a cosigner key: %s\n",
                wkey ? "type 0x01" : ne.message);
        cc_note_verifier_free(wkey);
        free(wt);
        return 2;
    }
    free(wt);
    *out = wkey;
    return 0;
}

/* --auto SEATS: control hands each seat to its agent before the exercise starts (docs/cli.md,
 * "caucus serve"), by the same `play` input as the console's, so the log says so and control can
 * hand a seat back to a person. 0, or 1 with the reason printed. */
static int hand_to_agents(cc_live *lv, const char *autos)
{
    const cc_scenario *s = cc_live_scenario(lv);
    uint8_t *flags = calloc(s->nseats + 1, 1);
    int bad = !flags || cc_cli_parse_seats(s, autos, flags) != 0;
    for (size_t i = 0; !bad && i < s->nseats; i++) {
        if (!flags[i])
            continue;
        json_t *in = json_pack("{s:s,s:s,s:s}", "do", "play", "seat", s->seats[i].id, "by", "agent");
        char refused[200] = "", why[300] = "";
        uint64_t first, last;
        cc_err rc = in ? cc_live_input(lv, (cc_live_viewer){1, -1}, in, wall_now(), &first, &last, refused,
                                       sizeof refused, why, sizeof why)
                       : CC_ERR_NOMEM;
        json_decref(in);
        if (rc != CC_OK || refused[0]) {
            fprintf(stderr, "caucus serve: --auto: %s: %s\n", s->seats[i].id,
                    refused[0] ? refused
                    : why[0]   ? why
                               : "out of memory");
            bad = 1;
        }
    }
    free(flags);
    return bad;
}

/* Creates the exercise (from a scenario file or a store document) or resumes it into *lv; the
 * text read is the caller's (*text). 0, or 1 with the reason printed. */
static int open_exercise(serve_args *a, cc_store *st, const cc_live_opts *lo, char **text, cc_live **lv)
{
    char why[400] = "";
    cc_store_error serr;
    if (a->docid) { /* a version of a scenario document, as the editor saved it */
        cc_store_version v;
        if (cc_store_version_get(st, a->docid, a->docver, &v, &serr) != CC_OK) {
            fprintf(stderr, "caucus serve: %s\n", serr.message);
            return 1;
        }
        a->docver = v.version;
        *text = v.text;
        v.text = NULL;
        cc_store_version_clear(&v);
        snprintf(a->docsrc, sizeof a->docsrc, "scenario document %lld version %lld", (long long)a->docid,
                 (long long)a->docver);
        a->scen = a->docsrc;
    }
    if (!a->scen) {
        if (cc_live_resume(lo, (int64_t)a->exid, lv, why, sizeof why) != CC_OK) {
            fprintf(stderr, "caucus serve: %s\n", why);
            return 1;
        }
        return 0;
    }
    size_t len;
    if (!*text)
        *text = cc_cli_slurp(a->scen, &len, CC_CLI_SLURP_MAX);
    else
        len = strlen(*text);
    if (!*text) {
        fprintf(stderr, "caucus serve: %s: cannot read\n", a->scen);
        return 1;
    }
    if (cc_live_create(lo, a->name, *text, len, a->scen, a->seed, a->variant, wall_now(), lv, why,
                       sizeof why) != CC_OK) {
        fprintf(stderr, "caucus serve: %s\n", why);
        if (strstr(why, ":") && !a->docid)
            fprintf(stderr, "caucus serve: check the scenario with: caucus lint %s\n", a->scen);
        return 1;
    }
    /* the exercise records the document version it runs; a file becomes a new document */
    if (!a->docid) {
        const char *bn = strrchr(a->scen, '/');
        a->docver = 1;
        if (cc_store_doc_create(st, bn ? bn + 1 : a->scen, *text, len, "caucus serve", wall_now(), &a->docid,
                                &serr) != CC_OK) {
            fprintf(stderr, "caucus serve: %s\n", serr.message);
            return 1;
        }
    }
    if (cc_store_exercise_pin(st, cc_live_exercise_id(*lv), a->docid, a->docver, &serr) != CC_OK) {
        fprintf(stderr, "caucus serve: %s\n", serr.message);
        return 1;
    }
    return a->autos ? hand_to_agents(*lv, a->autos) : 0;
}

/* The exercise's checkpoints are signed with one key: pinned in the store by the first server
 * (`caucus verify` trusts it on first use), a server with another key is refused. 0, or 1 with
 * the reason printed. */
static int pin_signer(cc_store *st, cc_live *lv, const cc_note_signer *signer)
{
    cc_store_error serr;
    cc_buf vk;
    cc_buf_init(&vk);
    cc_err pe = cc_note_signer_vkey(signer, &vk);
    if (pe == CC_OK)
        pe = cc_store_exercise_pin_key(st, cc_live_exercise_id(lv), vk.data, &serr);
    cc_buf_free(&vk);
    if (pe != CC_OK) {
        fprintf(stderr, "caucus serve: %s\n", pe == CC_ERR_NOMEM ? "out of memory" : serr.message);
        return 1;
    }
    return 0;
}

/* A new exercise's join codes, made before the server listens (it reads the accounts at start)
 * into *codetext (the caller's) and, with --codes, the file codes. 0, or 1 with the reason
 * printed. */
static int write_codes(cc_store *st, cc_live *lv, const char *codes, char **codetext, size_t *codelen)
{
    FILE *cj = codes ? cc_cli_create_private(codes) : NULL;
    FILE *mem = open_memstream(codetext, codelen);
    int bad = (codes && !cj) || !mem || make_codes(st, lv, mem, cj) != 0;
    if (cj && fclose(cj) != 0)
        bad = 1;
    if (mem && fclose(mem) != 0)
        bad = 1;
    if (bad) {
        fprintf(stderr, "caucus serve: the join codes could not be made%s%s\n",
                codes ? " or written to " : "", codes ? codes : "");
        return 1;
    }
    return 0;
}

/* What the operator reads once the server listens. */
static void print_banner(const serve_args *a, cc_live *lv, cc_http *h, int tls, const char *codetext)
{
    const cc_scenario *s = cc_live_scenario(lv);
    printf("caucus serve: exercise %" PRId64 " \"%s\" (%s), seed %" PRIu64 ", store %s\n",
           cc_live_exercise_id(lv), cc_scenario_title(s) ? cc_scenario_title(s) : cc_scenario_id(s),
           cc_scenario_id(s), cc_live_seed(lv), a->store_uri ? "postgres" : (a->db ? a->db : "caucus.db"));
    if (a->docid)
        printf("scenario: document %lld version %lld of the store (the scenario editor edits it)\n",
               (long long)a->docid, (long long)a->docver);
    if (s->endorsement)
        cc_cli_guidelines_print(s);
    printf("control console: %s://%s:%u/\n", tls ? "https" : "http", a->host, (unsigned)cc_http_port(h));
    if (a->scen)
        printf("join codes (shown once; only their hashes are stored):\n%s", codetext ? codetext : "");
    else
        printf("join codes were printed when the exercise was created\n");
    printf("listening on %s:%u; Ctrl-C stops\n", a->host, (unsigned)cc_http_port(h));
    fflush(stdout);
}

/* Blocks until SIGINT or SIGTERM and says which. */
static void wait_for_stop(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    int sig;
    sigwait(&set, &sig);
    printf("caucus serve: stopping (%s)\n", sig == SIGINT ? "interrupt" : "terminate");
}

int cc_cmd_serve(int argc, char **argv)
{
    serve_args a;
    int prc = parse_args(argc, argv, &a);
    if (prc >= 0)
        return prc;
    /* A scenario file is read and checked before anything is created: a store, a key or a
     * checkpoint directory are made only for an exercise that can start. */
    char *gnote = NULL; /* --guidelines: checked against the scenario before anything is created */
    if ((prc = check_scenario(&a, &gnote)) >= 0)
        return prc;
    size_t certlen = 0, keylen = 0;
    char *certpem = a.cert ? cc_cli_slurp(a.cert, &certlen, CC_CLI_SLURP_MAX) : NULL,
         *keypem = a.key ? cc_cli_slurp(a.key, &keylen, CC_CLI_SLURP_MAX) : NULL;
    cc_note_verifier *wkey = NULL;
    if ((a.cert && !certpem) || (a.key && !keypem) || (!a.cert != !a.key)) {
        fprintf(stderr, "caucus serve: TLS needs readable --tls-cert and --tls-key files\n");
        prc = 2;
    } else if (!a.wurl != !a.wkeyarg) {
        fprintf(stderr, "caucus serve: --witness and --witness-key go together\n");
        prc = 2;
    } else if (a.wkeyarg) {
        prc = load_witness_key(a.wkeyarg, &wkey) ? 2 : -1;
    }
    if (prc < 0 && sodium_init() < 0)
        prc = 1;
    if (prc >= 0) {
        free(certpem);
        free(keypem);
        free(gnote);
        return prc;
    }
    if (!a.have_seed)
        randombytes_buf(&a.seed, sizeof a.seed);
    a.seed &= (1ULL << 53) - 1; /* integers in the log stay exact in JSON */

    int rc = 1;
    cc_store *st = NULL;
    cc_note_signer *signer = NULL;
    cc_live *lv = NULL;
    cc_http *h = NULL;
    char *text = NULL, *codetext = NULL;
    size_t codelen = 0;
    cc_store_error serr;
    cc_store_opts so;
    memset(&so, 0, sizeof so);
    so.busy_timeout_ms = (unsigned)a.store_wait;
    if (cc_store_open(a.store_uri ? a.store_uri : a.db ? a.db : "caucus.db", &so, &st, &serr) != CC_OK) {
        fprintf(stderr, "caucus serve: %s\n", serr.message);
        goto out;
    }
    char keypath[4096], dirpath[4096];
    const char *base = a.store_uri ? "caucus" : (a.db ? a.db : "caucus.db");
    snprintf(keypath, sizeof keypath, "%s%s", a.keyfile ? a.keyfile : base, a.keyfile ? "" : ".key");
    snprintf(dirpath, sizeof dirpath, "%s%s", a.cpdir ? a.cpdir : base, a.cpdir ? "" : ".checkpoints");
    signer = load_signer(keypath);
    if (!signer)
        goto out;
    if (mkdir(dirpath, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "caucus serve: %s: cannot create the checkpoint directory (%s)\n", dirpath,
                strerror(errno));
        goto out;
    }
    /* The exercise exists before the server that publishes its events: the hook reaches the
     * server through this cell, filled once the server listens. */
    cc_http *cell = NULL;
    cc_live_opts lo = {st,      serve_publish, &cell, signer, a.cp_every ? a.cp_every : 1000,
                       dirpath, a.wurl,        wkey,  gnote};
    if (open_exercise(&a, st, &lo, &text, &lv) != 0 || pin_signer(st, lv, signer) != 0 ||
        (a.scen && write_codes(st, lv, a.codes, &codetext, &codelen) != 0))
        goto out;
    cc_http_opts ho;
    memset(&ho, 0, sizeof ho);
    ho.host = a.host;
    ho.port = (uint16_t)a.port;
    ho.tls_cert = certpem;
    ho.tls_key = keypem;
    /* --max-per-ip 0: no limit; not given: the server's default */
    ho.max_per_ip = a.per_ip == UINT64_MAX ? 0 : a.per_ip == 0 ? CC_HTTP_NO_LIMIT : (unsigned)a.per_ip;
    ho.max_conns = (unsigned)a.max_conns;
    ho.threads = (unsigned)a.threads;
    if (!a.threads_given) {
        /* the default: a thread per online CPU, at most SERVE_THREADS_MAX (docs/cli.md) */
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        ho.threads = ncpu < 1 ? 1 : ncpu > SERVE_THREADS_MAX ? SERVE_THREADS_MAX : (unsigned)ncpu;
    }
    ho.join_per_min = (unsigned)a.join_rate;
    ho.streams_per_session = (unsigned)a.streams;
    ho.poll_ms = a.store_uri ? 200 : 1000; /* other servers may share a PostgreSQL store */
    ho.store = st;
    ho.report = serve_report;
    ho.report_ctx = st;
    ho.live = lv;
    char why[400] = "";
    if (cc_http_start(&ho, &h, why, sizeof why) != CC_OK) {
        fprintf(stderr, "caucus serve: %s\n", why);
        goto out;
    }
    __atomic_store_n(&cell, h, __ATOMIC_RELEASE);
    print_banner(&a, lv, h, certpem != NULL, codetext);
    wait_for_stop();
    rc = 0;
out:
    __atomic_store_n(&cell, NULL, __ATOMIC_RELEASE);
    cc_http_stop(h);
    if (lv) {
        /* the shutdown checkpoint: an auditor can hold the log to everything up to here */
        char cw[200] = "";
        cc_live_checkpoint(lv, cw, sizeof cw);
        if (cw[0])
            fprintf(stderr, "caucus serve: %s\n", cw);
    }
    cc_note_signer_free(signer);
    cc_live_free(lv);
    cc_note_verifier_free(wkey);
    cc_store_close(st);
    free(text);
    free(codetext);
    free(certpem);
    free(keypem);
    free(gnote);
    return rc;
}
