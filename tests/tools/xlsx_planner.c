/* Writes tests/msel/xlsx/planner-libxlsxwriter.xlsx, the golden workbook "written by libxlsxwriter"
 * (committed; run again only to change it, then update planner-libxlsxwriter.expect.yaml):
 *   cc tests/tools/xlsx_planner.c -o /tmp/xlsx_planner -lxlsxwriter && /tmp/xlsx_planner OUT.xlsx
 * A planner's MSEL as Excel users lay it out: a cover sheet, then the MSEL sheet with a title
 * merged across the top, a group header "Delivery" over "Method" and "Date/Time", a section
 * heading per day merged across the table, inject numbers as numbers, delivery times as real
 * dates, a controller merged down two rows, a capability written as prose, and relative times
 * written the planners' way. Fictional content at the policy and staff level. */
#include <stdio.h>
#include <xlsxwriter.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: xlsx_planner OUT.xlsx\n");
        return 2;
    }
    lxw_workbook *wb = workbook_new(argv[1]);
    lxw_worksheet *cover = workbook_add_worksheet(wb, "Cover");
    lxw_worksheet *ws = workbook_add_worksheet(wb, "MSEL");
    lxw_format *bold = workbook_add_format(wb), *when = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_num_format(when, "dd/mm/yyyy hh:mm");
    worksheet_write_string(cover, 0, 0, "Allied consultation exercise: planning workbook", bold);
    worksheet_write_string(cover, 2, 0, "The MSEL is on the next sheet.", NULL);
    static const char *const head[] = {
        "Inject #", "Scenario Time",   "Event Synopsis", "Inject Body", "From", "To", "Label", "Delivery",
        "",         "Core Capability", "Controller"};
    worksheet_merge_range(ws, 0, 0, 0, 10, "Exercise NORTHERN LANTERN - Master Scenario Events List", bold);
    for (int c = 0; c < 11; c++)
        if (c != 7 && c != 8)
            worksheet_merge_range(ws, 1, (lxw_col_t)c, 2, (lxw_col_t)c, head[c], bold);
    worksheet_merge_range(ws, 1, 7, 1, 8, "Delivery", bold);
    worksheet_write_string(ws, 2, 7, "Method", bold);
    worksheet_write_string(ws, 2, 8, "Date/Time", bold);
    worksheet_merge_range(ws, 3, 0, 3, 10, "DAY 1 - Tuesday 3 March 2026", bold);
    static struct {
        double id;
        const char *time, *title, *body, *from, *to, *label, *method;
        lxw_datetime at;
        const char *capability, *controller;
    } r[] = {
        {1,
         "H+0",
         "STARTEX",
         "The exercise starts.",
         "control",
         "all",
         "UNCLASSIFIED//REL TO USA, KOR",
         "Message",
         {2026, 3, 3, 9, 0, 0},
         "",
         "Lee"},
        {2,
         "H+1:30",
         "Press reports an unexplained escalation",
         "Wire services report heightened tensions.",
         "control",
         "party:USA; party:KOR",
         "UNCLASSIFIED//REL TO USA, KOR",
         "Media",
         {2026, 3, 3, 10, 30, 0},
         "Situational assessment and information sharing",
         ""},
        {3,
         "+2:00",
         "Request to consult",
         "The KOR co-chair requests consultation.",
         "kor-chair",
         "usa-chair, usa-nsc",
         "CONFIDENTIAL//REL TO USA, KOR",
         "Diplomatic cable",
         {2026, 3, 3, 11, 0, 0},
         "Operational coordination",
         "Kim"},
    };
    static struct {
        double id;
        const char *time, *title, *to;
        lxw_datetime at;
    } r2[] = {
        {4, "D+1 H+0:30", "Joint statement drafted", "usa-chair\nkor-chair", {2026, 3, 4, 9, 30, 0}},
        {5, "Day 2 11:00", "Media inquiry", "party:KOR", {2026, 3, 4, 11, 0, 0}},
    };
    int row = 4;
    for (size_t i = 0; i < 3; i++, row++) {
        worksheet_write_number(ws, (lxw_row_t)row, 0, r[i].id, NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 1, r[i].time, NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 2, r[i].title, NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 3, r[i].body, NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 4, r[i].from, NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 5, r[i].to, NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 6, r[i].label, NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 7, r[i].method, NULL);
        worksheet_write_datetime(ws, (lxw_row_t)row, 8, &r[i].at, when);
        if (*r[i].capability)
            worksheet_write_string(ws, (lxw_row_t)row, 9, r[i].capability, NULL);
        if (i == 1)
            continue; /* the controller of row 6 is the merged cell above it */
        if (i == 0)
            worksheet_merge_range(ws, (lxw_row_t)row, 10, (lxw_row_t)row + 1, 10, r[i].controller, NULL);
        else
            worksheet_write_string(ws, (lxw_row_t)row, 10, r[i].controller, NULL);
    }
    worksheet_merge_range(ws, (lxw_row_t)row, 0, (lxw_row_t)row, 10, "DAY 2 - Wednesday 4 March 2026", bold);
    row++;
    for (size_t i = 0; i < 2; i++, row++) {
        worksheet_write_number(ws, (lxw_row_t)row, 0, r2[i].id, NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 1, r2[i].time, NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 2, r2[i].title, NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 4, "control", NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 5, r2[i].to, NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 6, "UNCLASSIFIED//REL TO USA, KOR", NULL);
        worksheet_write_string(ws, (lxw_row_t)row, 7, "E-mail", NULL);
        worksheet_write_datetime(ws, (lxw_row_t)row, 8, &r2[i].at, when);
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
