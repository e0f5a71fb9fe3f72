/* cmd_endorse — `caucus endorse SCENARIO --key KEY --note NOTE` adds a party's endorsement of the
 * scenario's guidelines to a signed note (creating it), `caucus endorse SCENARIO --check NOTE`
 * checks one (docs/tamper-evidence.md, "Endorsed guidelines"). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/guidelines.h"
#include "core/note.h"
#include "core/scenario.h"
#include "core/scenario_model.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: caucus endorse SCENARIO --key PARTY.key --note NOTE   (add the party's endorsement)\n"
               "       caucus endorse SCENARIO --check NOTE                    (check a note)\n"
               "       caucus endorse SCENARIO --text                          (print what is endorsed)\n"
               "The guidelines of SCENARIO, rendered as one text, signed by each endorsing party's note key\n"
               "(exercise.endorsers; the parties' keys in the scenario). See docs/tamper-evidence.md.\n");
}

/* Writes buf to path through a temporary file and a rename (never a half-written note). */
static int write_note(const char *path, const cc_buf *b)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    int bad = write(fd, b->data, b->len) != (ssize_t)b->len || fsync(fd) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Prints the check of note against s; 0 endorsed by every endorser, 3 some missing, 1 invalid. */
static int check(const cc_scenario *s, const char *path, const char *note, size_t len)
{
    cc_endorsement e;
    cc_note_error ne;
    if (cc_guidelines_check(s, note, len, &e, &ne) != CC_OK) {
        fprintf(stderr, "caucus endorse: %s: %s\n", path, ne.message);
        return 1;
    }
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", e.sha256[i]);
    printf("%s: the guidelines of %s (%zu), note sha256 %s\n", path, s->id, s->nguidelines, hex);
    for (size_t i = 0; i < e.nendorsers; i++)
        printf("  %s: %s (key %08x)\n", e.endorser[i], e.signed_by[i] ? "endorsed" : "NOT endorsed",
               e.key_id[i]);
    if (e.nendorsers == 0)
        printf("  the scenario names no endorsers (exercise.endorsers)\n");
    int st = e.missing ? 3 : e.nendorsers ? 0 : 3;
    printf("%s\n", st == 0 ? "endorsed by every endorser" : "not endorsed by every endorser");
    cc_endorsement_free(&e);
    return st;
}

int cc_cmd_endorse(int argc, char **argv)
{
    const char *scen = NULL, *keyf = NULL, *notef = NULL, *checkf = NULL;
    int text = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
            keyf = argv[++i];
        else if (strcmp(argv[i], "--note") == 0 && i + 1 < argc)
            notef = argv[++i];
        else if (strcmp(argv[i], "--check") == 0 && i + 1 < argc)
            checkf = argv[++i];
        else if (strcmp(argv[i], "--text") == 0)
            text = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] != '-' && !scen)
            scen = argv[i];
        else {
            usage(stderr);
            return 2;
        }
    }
    int modes = (keyf || notef) + (checkf != NULL) + text;
    if (!scen || modes != 1 || (keyf && !notef) || (notef && !keyf)) {
        usage(stderr);
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    cc_scenario *s = cc_cli_load("endorse", scen);
    if (!s)
        return 1;
    int rc = 1;
    if (text) {
        cc_buf b;
        cc_buf_init(&b);
        if (cc_guidelines_text(s, &b) == CC_OK && fwrite(b.data, 1, b.len, stdout) == b.len)
            rc = 0;
        cc_buf_free(&b);
    } else if (checkf) {
        size_t len;
        char *note = cc_cli_slurp(checkf, &len, CC_NOTE_MAX_SIZE);
        if (!note)
            fprintf(stderr, "caucus endorse: %s: cannot read (or larger than 1 MiB)\n", checkf);
        else
            rc = check(s, checkf, note, len);
        free(note);
    } else {
        size_t klen, nlen = 0;
        char *ktext = cc_cli_slurp(keyf, &klen, CC_CLI_SLURP_MAX);
        cc_note_signer *signer = NULL;
        cc_note_error ne;
        cc_buf note;
        cc_buf_init(&note);
        char *old = NULL;
        if (!ktext) {
            fprintf(stderr, "caucus endorse: %s: cannot read the key\n", keyf);
        } else if (cc_note_signer_parse(ktext, klen, &signer, &ne) != CC_OK) {
            fprintf(stderr, "caucus endorse: %s: %s\n", keyf, ne.message);
        } else if (access(notef, F_OK) == 0 && !(old = cc_cli_slurp(notef, &nlen, CC_NOTE_MAX_SIZE))) {
            fprintf(stderr, "caucus endorse: %s: cannot read the note\n", notef);
        } else {
            if (old)
                cc_buf_append(&note, old, nlen);
            if (cc_guidelines_endorse(s, signer, &note, &ne) != CC_OK)
                fprintf(stderr, "caucus endorse: %s: %s\n", notef, ne.message);
            else if (write_note(notef, &note) != 0)
                fprintf(stderr, "caucus endorse: %s: cannot write: %s\n", notef, strerror(errno));
            else {
                printf("%s: endorsed by %s\n", notef, cc_note_signer_name(signer));
                rc = check(s, notef, note.data, note.len) == 1 ? 1 : 0;
            }
        }
        if (ktext)
            sodium_memzero(ktext, klen);
        free(ktext);
        free(old);
        cc_buf_free(&note);
        cc_note_signer_free(signer);
    }
    cc_scenario_free(s);
    return rc;
}

int cc_cli_guidelines_pin(const char *cmd, cc_scenario *s, const char *note_path)
{
    if (!note_path) {
        if (s->endorsers.n &&
            strcmp(cmd, "serve") == 0) { /* a live exercise; a headless run is a rehearsal */
            fprintf(
                stderr,
                "caucus %s: warning: the guidelines are not endorsed for this exercise (exercise.endorsers:",
                cmd);
            for (size_t i = 0; i < s->endorsers.n; i++)
                fprintf(stderr, " %s", s->endorsers.v[i]);
            fprintf(stderr, "); give --guidelines NOTE (caucus endorse)\n");
        }
        return 0;
    }
    if (sodium_init() < 0)
        return -1;
    size_t len;
    char *note = cc_cli_slurp(note_path, &len, CC_NOTE_MAX_SIZE);
    if (!note) {
        fprintf(stderr, "caucus %s: --guidelines %s: cannot read (or larger than 1 MiB)\n", cmd, note_path);
        return -1;
    }
    cc_endorsement e;
    cc_note_error ne;
    int rc = -1;
    if (cc_guidelines_check(s, note, len, &e, &ne) != CC_OK) {
        fprintf(stderr, "caucus %s: --guidelines %s: %s\n", cmd, note_path, ne.message);
    } else {
        if (e.nendorsers == 0)
            fprintf(stderr,
                    "caucus %s: --guidelines %s: the scenario names no endorsers (exercise.endorsers)\n", cmd,
                    note_path);
        for (size_t i = 0; i < e.nendorsers; i++)
            if (!e.signed_by[i])
                fprintf(stderr, "caucus %s: --guidelines %s: not endorsed by %s\n", cmd, note_path,
                        e.endorser[i]);
        if (e.nendorsers && !e.missing) {
            rc = cc_scenario_set_endorsement(s, note, len) == CC_OK ? 0 : -1;
            if (rc != 0)
                fprintf(stderr, "caucus %s: out of memory\n", cmd);
        }
        cc_endorsement_free(&e);
    }
    free(note);
    return rc;
}

void cc_cli_guidelines_print(const cc_scenario *s)
{
    cc_endorsement e;
    if (!s->endorsement || cc_guidelines_check(s, s->endorsement, strlen(s->endorsement), &e, NULL) != CC_OK)
        return;
    printf("guidelines: endorsed by");
    for (size_t i = 0; i < e.nendorsers; i++)
        printf("%s %s", i ? "," : "", e.endorser[i]);
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", e.sha256[i]);
    printf(" (note sha256 %.16s..., pinned in run.start)\n", hex);
    cc_endorsement_free(&e);
}
