/* msel — the MSEL's columns and table, and the export side: a scenario's injects to a table,
 * written as CSV or as a workbook. The import side (a table back to a scenario) is in
 * msel_import.c. */
#include "io/msel.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/ctime.h"
#include "core/lang.h"
#include "core/scenario_model.h"
#include "io/msel_int.h"

/* ---- columns ------------------------------------------------------------------------ */

static const struct {
    const char *key, *header;
    const char *synonyms; /* normalised, space separated */
} cols[CC_MSEL_NCOLS] = {
    [CC_MSEL_ID] = {"id", "Inject #",
                    "id injectno injectnumber injectid inject no number mselno mselnumber mselid eventno "
                    "eventnumber eventid serial serialno ref reference"},
    [CC_MSEL_TIME] = {"time", "Scenario Time",
                      "scenariotime time at injecttime eventtime exercisetime mseltime releasetime"},
    [CC_MSEL_DELIVERY] = {"delivery", "Delivery Time",
                          "deliverytime delivery deliverydatetime datetime walltime actualtime plannedtime "
                          "deliverydate"},
    [CC_MSEL_TITLE] = {"title", "Event Synopsis",
                       "title eventsynopsis synopsis event eventtitle injecttitle subject summary headline"},
    [CC_MSEL_BODY] = {"body", "Inject Body",
                      "body injectbody description injectdescription eventdescription details text "
                      "content injecttext message injectmessage"},
    [CC_MSEL_FROM] = {"from", "From", "from sender source sentby injectfrom"},
    [CC_MSEL_TO] = {"to", "To",
                    "to recipient recipients intendedplayer intendedplayers player players toplayer "
                    "addressee addressees responder responders"},
    [CC_MSEL_CHANNEL] = {"channel", "Delivery Method",
                         "channel deliverymethod method deliverymode mode medium means deliverychannel"},
    [CC_MSEL_EXPECTED] = {"expected", "Expected Action",
                          "expected expectedaction expectedactions expectedresponse expectedresponses "
                          "expectedplayeraction expectedplayeractions expectedoutcome anticipatedresponse"},
    [CC_MSEL_OBJECTIVES] = {"objectives", "Objective / Capability",
                            "objectives objective objectivecapability objectivescapabilities objectiveid "
                            "objectiveids capability capabilities corecapability"},
    [CC_MSEL_CONTROLLER] = {"controller", "Controller",
                            "controller controllers responsiblecontroller simcell"},
    [CC_MSEL_NOTES] = {"notes", "Notes", "notes note controllernotes remarks comments comment"},
    [CC_MSEL_LABEL] = {"label", "Label", "label classification securitylabel marking banner securitymarking"},
    [CC_MSEL_TRIGGER] = {"trigger", "Trigger", "trigger condition triggercondition releasecondition"},
    [CC_MSEL_DELAY] = {"delay", "Delay", "delay triggerdelay"},
    [CC_MSEL_CLASS] = {"class", "Class", "class classes tags tag category injectclass"},
    [CC_MSEL_ORIGINATOR] = {"originator", "Originator", "originator originatorparty"},
    [CC_MSEL_LABEL_ORIGINATOR] = {"label_originator", "Label Originator", "labeloriginator"},
};

const char *cc_msel_header(cc_msel_col c)
{
    return (unsigned)c < CC_MSEL_NCOLS ? cols[c].header : "";
}

const char *cc_msel_key(cc_msel_col c)
{
    return (unsigned)c < CC_MSEL_NCOLS ? cols[c].key : "";
}

/* Lower case letters and digits only; '#' reads as "no" ("Inject #" = "Inject No."). */
void cc_msel_normalise(const char *s, size_t len, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 3 < size; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 'A' && ch <= 'Z')
            out[k++] = (char)(ch + 32);
        else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
            out[k++] = (char)ch;
        else if (ch == '#') {
            out[k++] = 'n';
            out[k++] = 'o';
        }
    }
    out[k] = 0;
}

static int in_words(const char *words, const char *w)
{
    size_t n = strlen(w);
    if (!n)
        return 0;
    for (const char *p = words; *p;) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, w, n) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

int cc_msel_col_of(const char *header, size_t len)
{
    char n[128];
    cc_msel_normalise(header, len, n, sizeof n);
    for (int c = 0; c < CC_MSEL_NCOLS; c++) {
        char h[64], k[64];
        cc_msel_normalise(cols[c].header, strlen(cols[c].header), h, sizeof h);
        cc_msel_normalise(cols[c].key, strlen(cols[c].key), k, sizeof k);
        if (strcmp(n, h) == 0 || strcmp(n, k) == 0 || in_words(cols[c].synonyms, n))
            return c;
    }
    return -1;
}

const cc_msel_col cc_msel_text_cols[CC_MSEL_NTEXT] = {CC_MSEL_TITLE, CC_MSEL_BODY, CC_MSEL_EXPECTED,
                                                      CC_MSEL_NOTES};

int cc_msel_text_index(cc_msel_col c)
{
    for (int t = 0; t < CC_MSEL_NTEXT; t++)
        if (cc_msel_text_cols[t] == c)
            return t;
    return -1;
}

int cc_msel_lang_header(const char *h, size_t len, char *tag, size_t size)
{
    const char *at = NULL;
    for (size_t i = 0; i < len; i++)
        if (h[i] == '@')
            at = h + i;
    size_t tl = at ? len - (size_t)(at + 1 - h) : 0;
    if (!at || tl == 0 || tl >= size)
        return -1;
    memcpy(tag, at + 1, tl);
    tag[tl] = 0;
    while (tl && (tag[tl - 1] == ' ' || tag[tl - 1] == '\t'))
        tag[--tl] = 0;
    int c = cc_msel_col_of(h, (size_t)(at - h));
    if (c < 0 || cc_msel_text_index((cc_msel_col)c) < 0 || !cc_lang_tag_ok(tag))
        return -1;
    return c;
}

/* ---- the table ---------------------------------------------------------------------- */

struct cc_msel {
    cc_arena *a;
    const char **cells; /* nrows * ncols: the CC_MSEL_NCOLS columns, then per other language the
                           CC_MSEL_NTEXT text columns */
    size_t nrows, ncols;
    const char **langs; /* the other languages' tags */
    size_t nlangs;
};

size_t cc_msel_nlangs(const cc_msel *m)
{
    return m->nlangs;
}

const char *cc_msel_lang(const cc_msel *m, size_t k)
{
    return k < m->nlangs ? m->langs[k] : "";
}

const char *cc_msel_cell_lang(const cc_msel *m, size_t row, cc_msel_col c, size_t k)
{
    int t = cc_msel_text_index(c);
    if (row >= m->nrows || t < 0 || k >= m->nlangs)
        return "";
    const char *v = m->cells[row * m->ncols + CC_MSEL_NCOLS + k * CC_MSEL_NTEXT + (size_t)t];
    return v ? v : "";
}

void cc_msel_free(cc_msel *m)
{
    if (!m)
        return;
    cc_arena_free(m->a);
    free(m);
}

size_t cc_msel_nrows(const cc_msel *m)
{
    return m->nrows;
}

const char *cc_msel_cell(const cc_msel *m, size_t row, cc_msel_col c)
{
    if (row >= m->nrows || (unsigned)c >= CC_MSEL_NCOLS)
        return "";
    const char *v = m->cells[row * m->ncols + c];
    return v ? v : "";
}

static const char *adup(cc_arena *a, cc_buf *b)
{
    return cc_arena_strndup(a, b->data ? b->data : "", b->len);
}

static void put_refs(cc_buf *b, const cc_refs *r)
{
    for (size_t i = 0; i < r->n; i++) {
        char ref[200];
        cc_scenario_ref_text(&r->v[i], ref, sizeof ref);
        cc_buf_printf(b, "%s%s", i ? ", " : "", ref);
    }
}

static void put_strs(cc_buf *b, const cc_strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        cc_buf_printf(b, "%s%s", i ? ", " : "", s->v[i]);
}

static int edge_space(const char *s)
{
    size_t n = strlen(s);
    return n == 0 || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t';
}

/* Expected actions: one per line, or a JSON array when a line form would not read back. */
static cc_err put_expected(cc_buf *b, const cc_strs *s)
{
    int json = s->n > 0 && s->v[0][0] == '[';
    for (size_t i = 0; i < s->n && !json; i++)
        json = edge_space(s->v[i]) || strpbrk(s->v[i], "\r\n") != NULL;
    if (!json) {
        for (size_t i = 0; i < s->n; i++)
            cc_buf_printf(b, "%s%s", i ? "\n" : "", s->v[i]);
        return CC_OK;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < s->n; i++)
        json_array_append_new(arr, json_string(s->v[i]));
    char *txt = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (!txt)
        return CC_ERR_NOMEM;
    cc_buf_puts(b, txt);
    free(txt);
    return CC_OK;
}

/* The originator a banner of this inject gets when nothing else is said (the loader's rule). */
static int default_originator(const cc_scenario *s, const cc_inject *I)
{
    if (I->originator)
        return cc_label_policy_party(s->policy, I->originator);
    if (I->from && strcmp(I->from, "control") == 0) {
        if (s->control_cell < 0)
            return -1;
        for (size_t i = 0; i < s->nseats; i++)
            for (size_t k = 0; k < s->seats[i].cells.n; k++)
                if (strcmp(s->seats[i].cells.v[k], s->cells[s->control_cell].id) == 0)
                    return s->seats[i].party_index;
        return -1;
    }
    for (size_t i = 0; I->from && i < s->nseats; i++)
        if (strcmp(s->seats[i].id, I->from) == 0)
            return s->seats[i].party_index;
    return -1;
}

static void put_civil(cc_buf *b, int64_t unix_s, int32_t off)
{
    int64_t t = unix_s + off;
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t sec = t - days * 86400, y;
    unsigned m, d;
    cc_civil_from_days(days, &y, &m, &d);
    cc_buf_printf(b, "%04lld-%02u-%02u %02d:%02d", (long long)y, m, d, (int)(sec / 3600),
                  (int)(sec / 60 % 60));
    if (sec % 60)
        cc_buf_printf(b, ":%02d", (int)(sec % 60));
}

static void put_trigger(cc_buf *b, const cc_when *w)
{
    static const char *const kind[] = {"after", "decision", "consultation", "timeout"};
    cc_buf_printf(b, "%s %s", kind[w->trig], w->target);
    if (w->outcome)
        cc_buf_printf(b, " outcome %s", w->outcome);
    if (w->stage)
        cc_buf_printf(b, " stage %s", w->stage);
}

/* The inject's texts in the table's other languages, into cells[k * CC_MSEL_NTEXT + t]. A list
 * of expected actions in another language keeps the authoritative list's order, "" for an
 * action without a text in it. */
static cc_err put_lang_cells(const cc_scenario *s, const cc_inject *I, cc_msel *m, const char **cells,
                             cc_buf *b)
{
    for (size_t k = 0; k < m->nlangs; k++) {
        const char *lang = m->langs[k], **c = cells + k * CC_MSEL_NTEXT;
        c[0] = cc_scenario_text_in(s, I->title, lang);
        c[1] = cc_scenario_text_in(s, I->body, lang);
        c[3] = cc_scenario_text_in(s, I->notes, lang);
        const char **v = cc_arena_array(m->a, I->expected_actions.n + 1, sizeof *v);
        if (!v)
            return CC_ERR_NOMEM;
        size_t any = 0;
        for (size_t e = 0; e < I->expected_actions.n; e++) {
            v[e] = cc_scenario_text_in(s, I->expected_actions.v[e], lang);
            any += v[e] != NULL;
            v[e] = v[e] ? v[e] : "";
        }
        cc_strs tr = {v, NULL, I->expected_actions.n};
        cc_buf_reset(b);
        if (any && put_expected(b, &tr) != CC_OK)
            return CC_ERR_NOMEM;
        if (any && !(c[2] = adup(m->a, b)))
            return CC_ERR_NOMEM;
        cc_buf_reset(b);
    }
    return CC_OK;
}

cc_err cc_msel_export(const cc_scenario *s, cc_msel **out)
{
    if (!s || !out)
        return CC_ERR_ARG;
    *out = NULL;
    cc_msel *m = calloc(1, sizeof *m);
    if (!m || !(m->a = cc_arena_new(0))) {
        free(m);
        return CC_ERR_NOMEM;
    }
    m->nlangs = s->languages.n ? s->languages.n - 1 : 0;
    m->ncols = CC_MSEL_NCOLS + m->nlangs * CC_MSEL_NTEXT;
    m->langs = cc_arena_array(m->a, m->nlangs + 1, sizeof *m->langs);
    for (size_t i = 0, k = 0; m->langs && i < s->languages.n; i++)
        if ((int)i != s->authoritative)
            m->langs[k++] = s->languages.v[i];
    m->cells = cc_arena_array(m->a, s->ninjects ? s->ninjects : 1, m->ncols * sizeof *m->cells);
    if (!m->cells || !m->langs) {
        cc_msel_free(m);
        return CC_ERR_NOMEM;
    }
    cc_buf b;
    cc_buf_init(&b);
    cc_err rc = CC_OK;
    for (size_t i = 0; i < s->ninjects && rc == CC_OK; i++) {
        const cc_inject *I = &s->injects[i];
        const char **row = m->cells + i * m->ncols;
#define PUT_CELL(col)                                                                                        \
    do {                                                                                                     \
        if (!(row[col] = adup(m->a, &b)) || b.oom)                                                           \
            rc = CC_ERR_NOMEM;                                                                               \
        cc_buf_reset(&b);                                                                                    \
    } while (0)
        cc_buf_puts(&b, I->id);
        PUT_CELL(CC_MSEL_ID);
        if (I->when.has_at) {
            char dur[48];
            cc_duration_format(I->when.at_s, dur, sizeof dur);
            cc_buf_printf(&b, "+%s", dur);
            PUT_CELL(CC_MSEL_TIME);
            int64_t t = s->start_unix + I->when.at_s;
            put_civil(&b, t, s->zone ? cc_zone_offset(s->zone, t) : 0);
            PUT_CELL(CC_MSEL_DELIVERY);
        }
        if (I->when.has_trigger) {
            put_trigger(&b, &I->when);
            PUT_CELL(CC_MSEL_TRIGGER);
            if (I->when.delay_drawn) { /* the scenario format's notation, which import reads */
                cc_scenario_dist_write(&I->when.delay_dist, &b);
                PUT_CELL(CC_MSEL_DELAY);
            } else if (I->when.delay_s) {
                char dur[48];
                cc_duration_format(I->when.delay_s, dur, sizeof dur);
                cc_buf_puts(&b, dur);
                PUT_CELL(CC_MSEL_DELAY);
            }
        }
        cc_buf_puts(&b, I->title ? I->title : "");
        PUT_CELL(CC_MSEL_TITLE);
        cc_buf_puts(&b, I->body ? I->body : "");
        PUT_CELL(CC_MSEL_BODY);
        cc_buf_puts(&b, I->from ? I->from : "");
        PUT_CELL(CC_MSEL_FROM);
        put_refs(&b, &I->to);
        PUT_CELL(CC_MSEL_TO);
        cc_buf_puts(&b, cc_channel_name(I->channel));
        PUT_CELL(CC_MSEL_CHANNEL);
        if (put_expected(&b, &I->expected_actions) != CC_OK)
            rc = CC_ERR_NOMEM;
        PUT_CELL(CC_MSEL_EXPECTED);
        put_strs(&b, &I->objectives);
        PUT_CELL(CC_MSEL_OBJECTIVES);
        /* a last notes line "Controller: NAME" is the controller column */
        if (I->notes) {
            const char *nl = strrchr(I->notes, '\n');
            const char *last = nl ? nl + 1 : I->notes;
            if ((!nl || nl > I->notes) && strncmp(last, "Controller: ", 12) == 0 && !edge_space(last + 12)) {
                cc_buf_puts(&b, last + 12);
                PUT_CELL(CC_MSEL_CONTROLLER);
                cc_buf_append(&b, I->notes, nl ? (size_t)(nl - I->notes) : 0);
            } else {
                cc_buf_puts(&b, I->notes);
            }
        }
        PUT_CELL(CC_MSEL_NOTES);
        cc_buf_puts(&b, I->label.text ? I->label.text : "");
        PUT_CELL(CC_MSEL_LABEL);
        put_strs(&b, &I->classes);
        PUT_CELL(CC_MSEL_CLASS);
        cc_buf_puts(&b, I->originator ? I->originator : "");
        PUT_CELL(CC_MSEL_ORIGINATOR);
        if (I->label.valid && I->label.label.originator >= 0 &&
            I->label.label.originator != default_originator(s, I))
            cc_buf_puts(&b, cc_label_policy_party_code(s->policy, I->label.label.originator));
        PUT_CELL(CC_MSEL_LABEL_ORIGINATOR);
#undef PUT_CELL
        if (rc == CC_OK)
            rc = put_lang_cells(s, I, m, row + CC_MSEL_NCOLS, &b);
    }
    cc_buf_free(&b);
    m->nrows = s->ninjects;
    if (rc != CC_OK) {
        cc_msel_free(m);
        return rc;
    }
    *out = m;
    return CC_OK;
}

/* The header of column c of the table: an MSEL column's, or "HEADER@TAG" for a language column
 * (written into buf). */
static const char *col_title(const cc_msel *m, size_t c, char *buf, size_t size)
{
    if (c < CC_MSEL_NCOLS)
        return cols[c].header;
    size_t k = (c - CC_MSEL_NCOLS) / CC_MSEL_NTEXT, t = (c - CC_MSEL_NCOLS) % CC_MSEL_NTEXT;
    snprintf(buf, size, "%s@%s", cols[cc_msel_text_cols[t]].header, m->langs[k]);
    return buf;
}

cc_err cc_msel_write_csv(const cc_msel *m, char sep, int bom, cc_buf *out)
{
    if (sep != ',' && sep != ';' && sep != '\t')
        return CC_ERR_ARG;
    const char **hdr = calloc(m->ncols, sizeof *hdr);
    char(*lh)[64] = calloc(m->ncols, sizeof *lh);
    if (!hdr || !lh) {
        free(hdr);
        free(lh);
        return CC_ERR_NOMEM;
    }
    for (size_t c = 0; c < m->ncols; c++)
        hdr[c] = col_title(m, c, lh[c], sizeof lh[c]);
    if (bom)
        cc_buf_puts(out, "\xEF\xBB\xBF");
    cc_csv_put_row(out, hdr, m->ncols, sep);
    for (size_t r = 0; r < m->nrows; r++)
        cc_csv_put_row(out, m->cells + r * m->ncols, m->ncols, sep);
    free(hdr);
    free(lh);
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}

/* ---- workbook ---------------------------------------------------------------------------- */

/* Text as a workbook cell holds it: a literal "_xHHHH_" would read back as the character it
 * names (ECMA-376 ST_Xstring), so its underscore is written "_x005F_" (libxlsxwriter escapes
 * control characters itself). Returns s, or esc's text; NULL on ENOMEM. */
static const char *xlsx_text(const char *s, cc_buf *esc)
{
    const char *p = strstr(s, "_x");
    if (!p)
        return s;
    cc_buf_reset(esc);
    for (const char *q = s; *q; q++) {
        int hex = q[0] == '_' && q[1] == 'x';
        for (int k = 2; hex && k < 6; k++)
            hex = q[k] && strchr("0123456789abcdefABCDEF", q[k]) != NULL;
        hex = hex && q[6] == '_';
        cc_buf_puts(esc, hex ? "_x005F" : "");
        cc_buf_putc(esc, *q);
    }
    return esc->oom ? NULL : esc->data;
}

cc_err cc_msel_write_xlsx(const cc_msel *m, const char *path, char *why, size_t whylen)
{
    /* tried first: libxlsxwriter would print its own message on stderr */
    FILE *probe = fopen(path, "wb");
    if (!probe) {
        snprintf(why, whylen, "cannot create %s: %s", path, strerror(errno));
        return CC_ERR_IO;
    }
    fclose(probe);
    cc_buf esc;
    cc_buf_init(&esc);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        snprintf(why, whylen, "cannot create %s", path);
        return CC_ERR_IO;
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
    char lh[64];
    for (size_t c = 0; c < m->ncols && !e; c++) {
        double w =
            c < CC_MSEL_NCOLS ? width[c] : width[cc_msel_text_cols[(c - CC_MSEL_NCOLS) % CC_MSEL_NTEXT]];
        e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w, cell);
        if (!e)
            e = worksheet_write_string(ws, 0, (lxw_col_t)c, col_title(m, c, lh, sizeof lh), head);
    }
    size_t bad_row = 0, bad_col = 0;
    for (size_t r = 0; r < cc_msel_nrows(m) && !e; r++)
        for (size_t c = 0; c < m->ncols && !e; c++) {
            const char *raw = m->cells[r * m->ncols + c];
            const char *v = xlsx_text(raw ? raw : "", &esc);
            if (!v)
                e = LXW_ERROR_MEMORY_MALLOC_FAILED;
            else if (*v)
                e = worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, v, cell);
            bad_row = r + 2;
            bad_col = c;
        }
    worksheet_freeze_panes(ws, 1, 0);
    if (!e)
        e = worksheet_autofilter(ws, 0, 0, (lxw_row_t)cc_msel_nrows(m), (lxw_col_t)(m->ncols - 1));
    if (e) {
        snprintf(why, whylen, "%s: row %zu, column '%s': %s", path, bad_row,
                 col_title(m, bad_col, lh, sizeof lh), lxw_strerror(e));
        cc_buf_free(&esc);
        workbook_close(wb);
        remove(path);
        return e == LXW_ERROR_MEMORY_MALLOC_FAILED ? CC_ERR_NOMEM : CC_ERR_LIMIT;
    }
    cc_buf_free(&esc);
    e = workbook_close(wb);
    if (e) {
        snprintf(why, whylen, "cannot write %s: %s", path, lxw_strerror(e));
        return CC_ERR_IO;
    }
    return CC_OK;
}
