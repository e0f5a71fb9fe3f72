/* main — the caucus command: dispatches to subcommands. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

#define CAUCUS_VERSION "0.1.0"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"lint", cc_cmd_lint, "check scenario files (FILE:LINE:COL diagnostics)"},
    {"run", cc_cmd_run, "run a scenario headless and write its event log"},
    {"sim", cc_cmd_sim, "compare consultation mechanisms over Monte Carlo replications"},
    {"calibrate", cc_cmd_calibrate,
     "fit the agents' delays and probabilities to the event logs of exercises"},
    {"report", cc_cmd_report, "after-action report of an event log, or report of a sim result"},
    {"msel", cc_cmd_msel, "export injects as an MSEL (CSV, xlsx); import an MSEL CSV as a scenario"},
    {"replay", cc_cmd_replay, "verify an event log and re-run it event for event; --fork for what-ifs"},
    {"serve", cc_cmd_serve, "run a live exercise for a browser UI (control console and player seats)"},
    {"verify", cc_cmd_verify,
     "check a log or store offline: records, hash chain, Merkle tree, signed checkpoints"},
    {"keygen", cc_cmd_keygen, "create an Ed25519 key pair for signing checkpoints"},
    {"checkpoint", cc_cmd_checkpoint, "print a signed checkpoint (tree size and Merkle root) of a log"},
    {"endorse", cc_cmd_endorse,
     "a party endorses the scenario's guidelines (a signed note), or check an endorsement"},
    {"cosign", cc_cmd_cosign, "a party's auditor: check the latest checkpoint against the log and cosign it"},
    {"witness", cc_cmd_witness, "a witness: cosign only checkpoints consistent with the latest it saw"},
    {"plan", cc_cmd_plan, "the improvement plan across exercises: add, list, update, close, seed"},
    {"summary", cc_cmd_summary, "control's executive summary of a stored exercise, kept in versions"},
    {"exercises", cc_cmd_exercises, "list the exercises in a store"},
    {"export", cc_cmd_export, "write an exercise's event log, scenario and checkpoints out of a store"},
    {"import", cc_cmd_import, "load an event log and its scenario into a store as a new exercise"},
    {"backup", cc_cmd_backup, "copy a SQLite store while it is in use (online backup)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: caucus COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\n'caucus COMMAND --help' describes a command; see docs/cli.md.\n");
}

int main(int argc, char **argv)
{
    /* Every file caucus makes (stores and their -wal/-shm, join codes, keys, logs, exports,
     * reports) is its owner's only: they hold the log, NOFORN text and codes (docs/cli.md,
     * "Files"). chmod a file to share it. */
    umask(077);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("caucus %s\n", CAUCUS_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "caucus: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
