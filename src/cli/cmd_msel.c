/* cmd_msel — `caucus msel export|import`: a scenario's injects as a Master Scenario Events
 * List (CSV or Excel workbook), and an MSEL CSV back into a scenario file. The workbook is
 * written here with libxlsxwriter, from the library's table (io/msel). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/scenario.h"
#include "io/csv.h"
#include "io/msel.h"

#define MAX_MAPS 32

static void msel_usage(FILE *f)
{
    fprintf(f,
            "usage: caucus msel export SCENARIO (--csv OUT | --xlsx OUT) [--sep ,|;|tab] [--bom]\n"
            "       caucus msel import CSV --out SCENARIO.yaml [--into SCENARIO [--merge]]\n"
            "                          [--map 'COLUMN=Header Name,...'] [--sep ,|;|tab] [--dates dmy|mdy]\n"
            "                          [--start RFC3339] [--zone ZONE] [--id ID] [--title TEXT]\n"
            "  export   one row per inject; '-' writes the CSV to stdout; --bom starts the CSV with a\n"
            "           UTF-8 byte order mark (for spreadsheet programs)\n"
            "  import   --into: the base scenario whose injects the CSV replaces (--merge: replaces those\n"
            "           it names, keeps the others); without it, a minimal scenario around the injects\n"
            "           --map    which header holds which column (id, time, delivery, title, body, from,\n"
            "                    to, channel, expected, objectives, controller, notes, label, trigger,\n"
            "                    delay, class, originator, label_originator); repeatable\n"
            "           --sep    separator (default: detected from the header line)\n"
            "           --dates  order of dates such as 01/03/2026 (default: from the values, else dmy)\n"
            "           --start, --zone, --id, --title: the minimal scenario's exercise\n"
            "See docs/msel.md.\n");
}

static int parse_sep(const char *s, char *out)
{
    if (strcmp(s, ",") == 0 || strcmp(s, "comma") == 0)
        *out = ',';
    else if (strcmp(s, ";") == 0 || strcmp(s, "semicolon") == 0)
        *out = ';';
    else if (strcmp(s, "tab") == 0 || strcmp(s, "\t") == 0)
        *out = '\t';
    else {
        fprintf(stderr, "caucus msel: unknown separator '%s' (',', ';' or tab)\n", s);
        return -1;
    }
    return 0;
}

static int write_file(const char *path, const char *data, size_t len)
{
    if (strcmp(path, "-") == 0)
        return fwrite(data, 1, len, stdout) == len ? 0 : -1;
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    int bad = fwrite(data, 1, len, f) != len;
    bad |= fclose(f) != 0;
    if (bad)
        fprintf(stderr, "caucus msel: cannot write %s\n", path);
    return bad ? -1 : 0;
}

static int write_xlsx(const cc_msel *m, const char *path)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        fprintf(stderr, "caucus msel: cannot create %s\n", path);
        return -1;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "MSEL");
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDE4EE);
    format_set_text_wrap(head);
    format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
    lxw_format *cell = workbook_add_format(wb);
    format_set_text_wrap(cell);
    format_set_align(cell, LXW_ALIGN_VERTICAL_TOP);
    static const double width[CC_MSEL_NCOLS] = {
        [CC_MSEL_ID] = 9,          [CC_MSEL_TIME] = 12,       [CC_MSEL_DELIVERY] = 17,
        [CC_MSEL_TITLE] = 36,      [CC_MSEL_BODY] = 60,       [CC_MSEL_FROM] = 14,
        [CC_MSEL_TO] = 24,         [CC_MSEL_CHANNEL] = 13,    [CC_MSEL_EXPECTED] = 40,
        [CC_MSEL_OBJECTIVES] = 16, [CC_MSEL_CONTROLLER] = 14, [CC_MSEL_NOTES] = 36,
        [CC_MSEL_LABEL] = 30,      [CC_MSEL_TRIGGER] = 24,    [CC_MSEL_DELAY] = 9,
        [CC_MSEL_CLASS] = 12,      [CC_MSEL_ORIGINATOR] = 11, [CC_MSEL_LABEL_ORIGINATOR] = 11};
    lxw_error e = LXW_NO_ERROR;
    for (int c = 0; c < CC_MSEL_NCOLS && !e; c++) {
        e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width[c], cell);
        if (!e)
            e = worksheet_write_string(ws, 0, (lxw_col_t)c, cc_msel_header((cc_msel_col)c), head);
    }
    size_t bad_row = 0;
    int bad_col = 0;
    for (size_t r = 0; r < cc_msel_nrows(m) && !e; r++)
        for (int c = 0; c < CC_MSEL_NCOLS && !e; c++) {
            const char *v = cc_msel_cell(m, r, (cc_msel_col)c);
            if (*v)
                e = worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, v, cell);
            bad_row = r + 2;
            bad_col = c;
        }
    worksheet_freeze_panes(ws, 1, 0);
    if (!e)
        e = worksheet_autofilter(ws, 0, 0, (lxw_row_t)cc_msel_nrows(m), CC_MSEL_NCOLS - 1);
    if (e) {
        fprintf(stderr, "caucus msel: %s: row %zu, column '%s': %s\n", path, bad_row,
                cc_msel_header((cc_msel_col)bad_col), lxw_strerror(e));
        workbook_close(wb);
        remove(path);
        return -1;
    }
    e = workbook_close(wb);
    if (e) {
        fprintf(stderr, "caucus msel: cannot write %s: %s\n", path, lxw_strerror(e));
        return -1;
    }
    return 0;
}

static int msel_export(int argc, char **argv)
{
    const char *scen = NULL, *csv = NULL, *xlsx = NULL;
    char sep = ',';
    int bom = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--csv") == 0 && i + 1 < argc)
            csv = argv[++i];
        else if (strcmp(a, "--xlsx") == 0 && i + 1 < argc)
            xlsx = argv[++i];
        else if (strcmp(a, "--sep") == 0 && i + 1 < argc) {
            if (parse_sep(argv[++i], &sep))
                return 2;
        } else if (strcmp(a, "--bom") == 0)
            bom = 1;
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "caucus msel export: unknown option '%s'\n", a);
            msel_usage(stderr);
            return 2;
        } else if (!scen)
            scen = a;
        else {
            fprintf(stderr, "caucus msel export: one scenario at a time ('%s')\n", a);
            return 2;
        }
    }
    if (!scen || (!csv && !xlsx)) {
        fprintf(stderr, "caucus msel export: %s\n",
                !scen ? "no scenario given" : "give --csv OUT or --xlsx OUT");
        msel_usage(stderr);
        return 2;
    }
    cc_scenario *s = cc_cli_load("msel export", scen);
    if (!s)
        return 1;
    cc_msel *m = NULL;
    int status = 0;
    if (cc_msel_export(s, &m) != CC_OK) {
        fprintf(stderr, "caucus msel export: out of memory\n");
        cc_scenario_free(s);
        return 1;
    }
    if (csv) {
        cc_buf b;
        cc_buf_init(&b);
        if (cc_msel_write_csv(m, sep, bom, &b) != CC_OK || write_file(csv, b.data, b.len))
            status = 1;
        cc_buf_free(&b);
    }
    if (xlsx && write_xlsx(m, xlsx))
        status = 1;
    if (!status && !(csv && strcmp(csv, "-") == 0))
        fprintf(stderr, "msel export %s: %zu injects\n", scen, cc_msel_nrows(m));
    cc_msel_free(m);
    cc_scenario_free(s);
    return status;
}

static int msel_import(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *into = NULL;
    const char *maps[MAX_MAPS];
    cc_msel_import_opts o = {.dates = -1, .maps = maps};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (strcmp(a, "--out") == 0 && more)
            out = argv[++i];
        else if (strcmp(a, "--into") == 0 && more)
            into = argv[++i];
        else if (strcmp(a, "--merge") == 0)
            o.merge = 1;
        else if (strcmp(a, "--map") == 0 && more) {
            if (o.nmaps == MAX_MAPS) {
                fprintf(stderr, "caucus msel import: at most %d --map options\n", MAX_MAPS);
                return 2;
            }
            maps[o.nmaps++] = argv[++i];
        } else if (strcmp(a, "--sep") == 0 && more) {
            if (parse_sep(argv[++i], &o.sep))
                return 2;
        } else if (strcmp(a, "--dates") == 0 && more) {
            const char *v = argv[++i];
            if (strcmp(v, "dmy") == 0)
                o.dates = CC_CSV_DMY;
            else if (strcmp(v, "mdy") == 0)
                o.dates = CC_CSV_MDY;
            else {
                fprintf(stderr, "caucus msel import: --dates takes dmy or mdy, not '%s'\n", v);
                return 2;
            }
        } else if (strcmp(a, "--start") == 0 && more)
            o.start = argv[++i];
        else if (strcmp(a, "--zone") == 0 && more)
            o.zone = argv[++i];
        else if (strcmp(a, "--id") == 0 && more)
            o.id = argv[++i];
        else if (strcmp(a, "--title") == 0 && more)
            o.title = argv[++i];
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "caucus msel import: unknown option '%s'%s\n", a,
                    more ? "" : " (or missing value)");
            msel_usage(stderr);
            return 2;
        } else if (!in)
            in = a;
        else {
            fprintf(stderr, "caucus msel import: one CSV at a time ('%s')\n", a);
            return 2;
        }
    }
    if (!in || !out) {
        fprintf(stderr, "caucus msel import: %s\n", !in ? "no CSV given" : "give --out SCENARIO.yaml");
        msel_usage(stderr);
        return 2;
    }
    if (o.merge && !into) {
        fprintf(stderr, "caucus msel import: --merge needs --into SCENARIO\n");
        return 2;
    }
    if (into && (o.start || o.zone || o.id || o.title)) {
        fprintf(stderr, "caucus msel import: --start, --zone, --id and --title apply without --into only\n");
        return 2;
    }
    cc_diags d;
    cc_diags_init(&d);
    char *csv = NULL, *base = NULL;
    size_t csv_len = 0, base_len = 0;
    int status = 1;
    cc_buf y;
    cc_buf_init(&y);
    if (cc_csv_read_file(in, &csv, &csv_len, &d) != CC_OK)
        goto out;
    if (into) {
        if (cc_csv_read_file(into, &base, &base_len, &d) != CC_OK)
            goto out;
        o.into_file = into;
        o.into_text = base;
        o.into_len = base_len;
    }
    cc_err rc = cc_msel_import(csv, csv_len, in, &o, &d, &y);
    if (rc == CC_ERR_ARG)
        status = 2;
    else if (rc == CC_ERR_NOMEM)
        cc_diags_add(&d, CC_SEV_ERROR, in, (cc_pos){0, 0}, "nomem", NULL, "out of memory");
    else if (rc == CC_OK && write_file(out, y.data, y.len) == 0)
        status = 0;
out:
    cc_diags_sort(&d);
    cc_cli_print_diags(stderr, &d);
    if (status == 0 && strcmp(out, "-") != 0)
        fprintf(stderr, "msel import %s: wrote %s (%zu warning%s)\n", in, out, d.warnings,
                d.warnings == 1 ? "" : "s");
    else if (status == 1)
        fprintf(stderr, "msel import %s: FAILED (%zu error%s)\n", in, d.errors, d.errors == 1 ? "" : "s");
    cc_buf_free(&y);
    free(csv);
    free(base);
    cc_diags_free(&d);
    return status;
}

int cc_cmd_msel(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        msel_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "export") == 0)
        return msel_export(argc - 2, argv + 2);
    if (strcmp(argv[1], "import") == 0)
        return msel_import(argc - 2, argv + 2);
    fprintf(stderr, "caucus msel: unknown subcommand '%s' (export or import)\n", argv[1]);
    msel_usage(stderr);
    return 2;
}
