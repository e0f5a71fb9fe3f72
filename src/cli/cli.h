/* cli — subcommands of the caucus binary. Each takes argc/argv after the subcommand name
 * and returns the process exit status (0 ok, 1 failure found, 2 unusable invocation). */
#ifndef CC_CLI_H
#define CC_CLI_H

#include <stdio.h>

#include "core/diag.h"

int cc_cmd_lint(int argc, char **argv);

/* Prints diagnostics as "FILE:LINE:COL: error: MESSAGE" plus an indented hint line. */
void cc_cli_print_diags(FILE *out, const cc_diags *d);

#endif
