/* cmd_msel — `caucus msel export|import`: a scenario's injects as a Master Scenario Events
 * List (CSV or Excel workbook), and an MSEL (CSV or workbook, told by content) back into a
 * scenario file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/scenario.h"
#include "core/utf8.h"
#include "io/csv.h"
#include "io/msel.h"
#include "io/sniff.h"
#include "io/xlsx.h"

#define MAX_MAPS 32

static void msel_usage(FILE *f)
{
    fprintf(f,
            "usage: caucus msel export SCENARIO (--csv OUT | --xlsx OUT) [--sep ,|;|tab] [--bom]\n"
            "       caucus msel import FILE --out SCENARIO.yaml [--into SCENARIO [--merge]]\n"
            "                          [--sheet NAME|N] [--encoding windows-1252]\n"
            "                          [--map 'COLUMN=Header Name,...'] [--sep ,|;|tab] [--dates dmy|mdy]\n"
            "                          [--start RFC3339] [--zone ZONE] [--id ID] [--title TEXT]\n"
            "  export   one row per inject; '-' writes the CSV to stdout; --bom starts the CSV with a\n"
            "           UTF-8 byte order mark (for spreadsheet programs)\n"
            "  import   FILE: a CSV (UTF-8 or UTF-16) or an Excel workbook (.xlsx), told by its content\n"
            "           --into: the base scenario whose injects the sheet replaces (--merge: replaces\n"
            "           those it names, keeping the fields the sheet has no column for, and keeps the\n"
            "           others); without it, a minimal scenario around the injects\n"
            "           --sheet  the workbook's sheet, by name or number (default: the only sheet, else\n"
            "                    the one named MSEL, else the first whose header names MSEL columns)\n"
            "           --encoding windows-1252: read a CSV saved in that encoding\n"
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
    if (xlsx) {
        char why[300];
        if (cc_msel_write_xlsx(m, xlsx, why, sizeof why) != CC_OK) {
            fprintf(stderr, "caucus msel: %s\n", why);
            status = 1;
        }
    }
    if (!status && !(csv && strcmp(csv, "-") == 0))
        fprintf(stderr, "msel export %s: %zu injects\n", scen, cc_msel_nrows(m));
    cc_msel_free(m);
    cc_scenario_free(s);
    return status;
}

/* The sheet to read: --sheet by name (any case) or 1-based number; else the only sheet, the one
 * named MSEL, or the first whose first rows name two MSEL columns. -1 (reported) when not found. */
static long pick_sheet(cc_xlsx *x, const char *in, const char *want, cc_diags *d)
{
    size_t n = cc_xlsx_nsheets(x);
    char names[400] = "";
    for (size_t i = 0, used = 0; i < n && used + 1 < sizeof names; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s'%s'", i ? ", " : "",
                                 cc_xlsx_sheet_name(x, i));
    if (want) {
        char *end;
        long k = strtol(want, &end, 10);
        if (!*end && k >= 1 && (size_t)k <= n)
            return k - 1;
        for (size_t i = 0; i < n; i++)
            if (strcasecmp(cc_xlsx_sheet_name(x, i), want) == 0)
                return (long)i;
        char hint[500];
        snprintf(hint, sizeof hint, "the sheets are %s; give a name or a number from 1 to %zu", names, n);
        cc_diags_add(d, CC_SEV_ERROR, in, (cc_pos){0, 0}, "msel-sheet", hint,
                     "the workbook has no sheet '%s'", want);
        return -1;
    }
    if (n == 1)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(cc_xlsx_sheet_name(x, i), "MSEL") == 0)
            return (long)i;
    for (size_t i = 0; i < n; i++) {
        cc_diags tmp;
        cc_diags_init(&tmp);
        cc_csv *t = NULL;
        int known = 0;
        if (cc_xlsx_read_sheet(x, i, &tmp, &t, NULL, NULL) == CC_OK)
            for (size_t r = 0; r < cc_csv_nrecords(t) && r < 10 && known < 2; r++) {
                known = 0;
                for (size_t j = 0; j < cc_csv_nfields(t, r); j++) {
                    size_t hl;
                    const char *h = cc_csv_field(t, r, j, &hl);
                    known += hl && cc_msel_col_of(h, hl) >= 0;
                }
            }
        cc_csv_free(t);
        cc_diags_free(&tmp);
        if (known >= 2) {
            cc_diags_add(d, CC_SEV_NOTE, in, (cc_pos){0, 0}, "msel-sheet", "choose another with --sheet NAME",
                         "reading sheet '%s', the first whose header names MSEL columns (sheets: %s)",
                         cc_xlsx_sheet_name(x, i), names);
            return (long)i;
        }
    }
    char hint[500];
    snprintf(hint, sizeof hint, "choose the MSEL's sheet with --sheet NAME (sheets: %s)", names);
    cc_diags_add(d, CC_SEV_ERROR, in, (cc_pos){0, 0}, "msel-sheet", hint,
                 "no sheet of the workbook has a header row naming MSEL columns");
    return -1;
}

/* Reads the input by its kind: a workbook's sheet or text in UTF-8 (UTF-16 and, when asked,
 * Windows-1252 converted first), then imports it. A kind caucus does not read is named with
 * what to do. */
static cc_err import_any(const char *in, const char *data, size_t len, const char *sheet, int cp1252,
                         cc_msel_import_opts *o, cc_diags *d, cc_buf *y)
{
    cc_sniff_kind k = cc_sniff(data, len);
    static const char save_as[] = "save it as Excel Workbook (.xlsx) or CSV UTF-8 in the spreadsheet program";
    switch (k) {
    case CC_SNIFF_XLSX: {
        if (o->sep) {
            cc_diags_add(d, CC_SEV_ERROR, "--sep", (cc_pos){0, 0}, "msel-args",
                         "leave --sep out for a workbook", "%s is a workbook, which has no separator", in);
            return CC_ERR_ARG;
        }
        cc_xlsx *x = NULL;
        cc_err rc = cc_xlsx_open(data, len, in, d, &x);
        if (rc != CC_OK)
            return rc;
        long i = pick_sheet(x, in, sheet, d);
        if (i < 0) {
            cc_xlsx_free(x);
            return CC_ERR_INVALID;
        }
        cc_csv *t = NULL;
        cc_xlsx_merge *m = NULL;
        size_t nm = 0;
        rc = cc_xlsx_read_sheet(x, (size_t)i, d, &t, &m, &nm);
        if (rc == CC_OK) {
            char name[600];
            snprintf(name, sizeof name, "%s[%s]", in, cc_xlsx_sheet_name(x, (size_t)i));
            o->merges = m;
            o->nmerges = nm;
            rc = cc_msel_import_table(t, name, o, d, y);
            o->merges = NULL;
            o->nmerges = 0;
        }
        free(m);
        cc_csv_free(t);
        cc_xlsx_free(x);
        return rc;
    }
    case CC_SNIFF_UTF16LE:
    case CC_SNIFF_UTF16BE:
    case CC_SNIFF_CP1252: {
        if (k == CC_SNIFF_CP1252 && !cp1252) {
            size_t bad = 0;
            for (size_t b = 0; b < len && !bad; b++)
                if ((unsigned char)data[b] >= 0x80)
                    bad = b + 1;
            cc_pos at = cc_utf8_pos(data, len, bad ? bad - 1 : 0);
            cc_diags_add(d, CC_SEV_ERROR, in, (cc_pos){at.line, 0}, "encoding",
                         "save it as CSV UTF-8 in the spreadsheet program, or give --encoding windows-1252",
                         "the file is not UTF-8: it reads as Windows-1252 text (byte 0x%02x on line %d)",
                         (unsigned char)data[bad ? bad - 1 : 0], at.line);
            return CC_ERR_PARSE;
        }
        cc_buf u;
        cc_buf_init(&u);
        size_t bad = 0;
        cc_err rc = cc_sniff_to_utf8(k, data, len, &u, &bad);
        if (rc == CC_ERR_PARSE)
            cc_diags_add(d, CC_SEV_ERROR, in, (cc_pos){0, 0}, "encoding", "save it as CSV UTF-8",
                         "%s: cannot convert the byte at offset %zu", cc_sniff_name(k), bad);
        else if (rc == CC_OK)
            rc = cc_msel_import(u.data ? u.data : "", u.len, in, o, d, y);
        cc_buf_free(&u);
        return rc;
    }
    case CC_SNIFF_EMPTY:
    case CC_SNIFF_UTF8:
        if (cp1252 && k == CC_SNIFF_UTF8) {
            size_t bad;
            if (cc_utf8_check(data, len, &bad) == CC_UTF8_OK)
                cc_diags_add(d, CC_SEV_NOTE, in, (cc_pos){0, 0}, "encoding", NULL,
                             "the file is valid UTF-8; read as UTF-8, not Windows-1252");
        }
        return cc_msel_import(data, len, in, o, d, y);
    case CC_SNIFF_ODS:
    case CC_SNIFF_XLS:
    case CC_SNIFF_ENCRYPTED:
    case CC_SNIFF_ZIP:
    case CC_SNIFF_BINARY: break;
    }
    const char *hint =
        k == CC_SNIFF_ENCRYPTED ? "remove the password in the spreadsheet program, then save as Excel "
                                  "Workbook (.xlsx)"
        : k == CC_SNIFF_BINARY  ? "give an MSEL as CSV or Excel Workbook (.xlsx)"
        : k == CC_SNIFF_ODS     ? "save it as Excel 2007-365 (.xlsx) or Text CSV (UTF-8): in LibreOffice "
                                  "File > Save As, or soffice --headless --convert-to xlsx FILE"
                                : save_as;
    cc_diags_add(d, CC_SEV_ERROR, in, (cc_pos){0, 0}, "file-kind", hint,
                 "this is %s, which caucus cannot read", cc_sniff_name(k));
    return CC_ERR_PARSE;
}

static int msel_import(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *into = NULL, *sheet = NULL;
    int cp1252 = 0;
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
        else if (strcmp(a, "--sheet") == 0 && more)
            sheet = argv[++i];
        else if (strcmp(a, "--encoding") == 0 && more) {
            const char *v = argv[++i];
            if (strcasecmp(v, "windows-1252") == 0 || strcasecmp(v, "cp1252") == 0)
                cp1252 = 1;
            else if (strcasecmp(v, "utf-8") != 0 && strcasecmp(v, "utf8") != 0) {
                fprintf(stderr,
                        "caucus msel import: --encoding takes windows-1252 or utf-8, not '%s' "
                        "(UTF-16 is recognised by itself)\n",
                        v);
                return 2;
            }
        } else if (strcmp(a, "--map") == 0 && more) {
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
            fprintf(stderr, "caucus msel import: one file at a time ('%s')\n", a);
            return 2;
        }
    }
    if (!in || !out) {
        fprintf(stderr, "caucus msel import: %s\n",
                !in ? "no CSV or workbook given" : "give --out SCENARIO.yaml");
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
    cc_err rc = import_any(in, csv, csv_len, sheet, cp1252, &o, &d, &y);
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
