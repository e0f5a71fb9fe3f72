/* guidelines — the canonical text of a scenario's guidelines, and the parties' endorsement of it
 * as a signed note (guidelines.h). */
#include "core/guidelines.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctime.h"
#include "core/evlog.h"
#include "core/scenario_model.h"
#include "core/sha256.h"

static void ref_text(cc_buf *b, const cc_ref *r)
{
    static const char *const pre[] = {"", "cell:", "party:", "group:", ""};
    cc_buf_printf(b, "%s%s", pre[r->kind], r->name ? r->name : "");
}

static void duration(cc_buf *b, int64_t s)
{
    char t[48];
    cc_duration_format(s, t, sizeof t);
    cc_buf_puts(b, t);
}

/* "KEY TEXT\n" with the text as a JSON string: one line whatever it holds, and no two texts alike. */
static cc_err json_line(cc_buf *b, const char *key, const char *lang, const char *text)
{
    json_t *js = json_string(text ? text : "");
    char *txt = js ? json_dumps(js, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
    json_decref(js);
    if (!txt)
        return CC_ERR_NOMEM;
    cc_buf_printf(b, "%s%s%s %s\n", key, lang ? "@" : "", lang ? lang : "", txt);
    free(txt);
    return CC_OK;
}

/* A guideline's text, then its text in each other declared language that has one ("text@ko ..."),
 * in the order of exercise.languages: the parties endorse what each delegation reads. A scenario
 * in one language gives the one line it always gave. */
static cc_err text_lines(const cc_scenario *s, const char *text, cc_buf *out)
{
    cc_err rc = json_line(out, "text", NULL, text);
    for (size_t i = 0; rc == CC_OK && i < cc_scenario_nlanguages(s); i++) {
        const char *lang = cc_scenario_language(s, i);
        const char *t = (int)i == s->authoritative ? NULL : cc_scenario_text_in(s, text, lang);
        if (t)
            rc = json_line(out, "text", lang, t);
    }
    return rc;
}

cc_err cc_guidelines_text(const cc_scenario *s, cc_buf *out)
{
    cc_buf_printf(out, "caucus guidelines/v1\nscenario %s\n", s->id ? s->id : "");
    for (size_t g = 0; g < s->nguidelines; g++) {
        const cc_guideline *G = &s->guidelines[g];
        cc_buf_printf(out, "guideline %s\n", G->id ? G->id : "");
        if (text_lines(s, G->text, out) != CC_OK)
            return CC_ERR_NOMEM;
        cc_buf_puts(out, "rule ");
        switch (G->kind) {
        case CC_GRULE_NONE: cc_buf_puts(out, "none"); break;
        case CC_GRULE_STAGE_DEADLINE:
            cc_buf_printf(out, "stage_deadline stage=%s within=", cc_stage_kind_name(G->stage));
            duration(out, G->within_s);
            if (G->consultation)
                cc_buf_printf(out, " consultation=%s", G->consultation);
            break;
        case CC_GRULE_SHARE:
            cc_buf_printf(out, "share class=%s with=", G->inject_class ? G->inject_class : "");
            ref_text(out, &G->with);
            cc_buf_puts(out, " within=");
            duration(out, G->within_s);
            break;
        case CC_GRULE_CONSULT_BEFORE:
            cc_buf_printf(out, "consult_before_decision decision=%s", G->decision ? G->decision : "");
            if (G->consultation)
                cc_buf_printf(out, " consultation=%s", G->consultation);
            break;
        }
        cc_buf_puts(out, "\nobjectives");
        for (size_t k = 0; k < G->objectives.n; k++)
            cc_buf_printf(out, " %s", G->objectives.v[k]);
        if (G->objectives.n == 0)
            cc_buf_puts(out, " none");
        cc_buf_putc(out, '\n');
    }
    return out->oom ? CC_ERR_NOMEM : CC_OK;
}

void cc_endorsement_free(cc_endorsement *e)
{
    free(e->endorser);
    free(e->signed_by);
    free(e->key_id);
    memset(e, 0, sizeof *e);
}

static cc_err fail(cc_note_error *err, cc_note_status st, cc_err rc, const char *msg)
{
    if (err) {
        err->status = st;
        err->line = 0;
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
    return rc;
}

/* The note keys (type 0x01) of s's parties, parsed: *v (n of them, the caller frees each and the
 * array) and, per party, its key's index in *v or -1. */
static cc_err party_note_keys(const cc_scenario *s, cc_note_verifier ***v, size_t *n, int *at)
{
    *n = 0;
    *v = calloc(s->nparties + 1, sizeof **v);
    if (!*v)
        return CC_ERR_NOMEM;
    for (size_t p = 0; p < s->nparties; p++) {
        at[p] = -1;
        for (size_t k = 0; k < s->parties[p].keys.n; k++) {
            cc_note_verifier *kv = NULL;
            if (cc_note_verifier_parse(s->parties[p].keys.v[k], strlen(s->parties[p].keys.v[k]), &kv, NULL) !=
                CC_OK)
                continue;
            if (cc_note_verifier_type(kv) == CC_NOTE_KEY_NOTE && at[p] < 0) {
                at[p] = (int)*n;
                (*v)[(*n)++] = kv;
            } else {
                cc_note_verifier_free(kv);
            }
        }
    }
    return CC_OK;
}

/* Whether the signed text of note[0..len) is s's guidelines text; *text_len its length. */
static cc_err same_text(const cc_scenario *s, const char *note, size_t len, size_t *text_len,
                        cc_note_error *err)
{
    cc_err rc = cc_note_split(note, len, text_len, NULL, err);
    if (rc != CC_OK)
        return rc;
    cc_buf want;
    cc_buf_init(&want);
    rc = cc_guidelines_text(s, &want);
    if (rc == CC_OK && (want.len != *text_len || memcmp(want.data, note, *text_len) != 0)) {
        /* the first line that differs, for the reader */
        size_t i = 0, line = 1;
        while (i < want.len && i < *text_len && want.data[i] == note[i]) {
            line += note[i] == '\n';
            i++;
        }
        char msg[200];
        snprintf(msg, sizeof msg,
                 "line %zu: the note's text is not the guidelines of scenario '%s' (it differs here)", line,
                 s->id ? s->id : "");
        rc = fail(err, CC_NOTE_MALFORMED, CC_ERR_INVALID, msg);
        if (err)
            err->line = (int)line;
    }
    cc_buf_free(&want);
    return rc;
}

cc_err cc_guidelines_check(const cc_scenario *s, const char *note, size_t len, cc_endorsement *out,
                           cc_note_error *err)
{
    memset(out, 0, sizeof *out);
    size_t text_len;
    cc_err rc = same_text(s, note, len, &text_len, err);
    if (rc != CC_OK)
        return rc;
    int *at = calloc(s->nparties + 1, sizeof *at);
    cc_note_verifier **v = NULL;
    size_t nv = 0;
    if (!at || party_note_keys(s, &v, &nv, at) != CC_OK) {
        free(at);
        free(v);
        return CC_ERR_NOMEM;
    }
    cc_note_sig *res = calloc(nv + 1, sizeof *res);
    out->nendorsers = s->endorsers.n;
    out->endorser = calloc(s->endorsers.n + 1, sizeof *out->endorser);
    out->signed_by = calloc(s->endorsers.n + 1, sizeof *out->signed_by);
    out->key_id = calloc(s->endorsers.n + 1, sizeof *out->key_id);
    if (!res || !out->endorser || !out->signed_by || !out->key_id)
        rc = CC_ERR_NOMEM;
    size_t tl;
    if (rc == CC_OK)
        rc = cc_note_check(note, len, (const cc_note_verifier *const *)v, nv, &tl, res, err);
    for (size_t i = 0; rc == CC_OK && i < s->endorsers.n; i++) {
        int p = s->endorser_index.n > i ? s->endorser_index.v[i] : -1;
        out->endorser[i] = s->endorsers.v[i];
        if (p >= 0 && at[p] >= 0) {
            out->key_id[i] = cc_note_verifier_key_id(v[at[p]]);
            out->signed_by[i] = res[at[p]].verified;
        }
        out->missing += !out->signed_by[i];
    }
    if (rc == CC_OK)
        cc_sha256((const unsigned char *)note, len, out->sha256);
    for (size_t k = 0; k < nv; k++)
        cc_note_verifier_free(v[k]);
    free(v);
    free(at);
    free(res);
    if (rc != CC_OK)
        cc_endorsement_free(out);
    return rc;
}

cc_err cc_guidelines_endorse(const cc_scenario *s, const cc_note_signer *signer, cc_buf *note_io,
                             cc_note_error *err)
{
    const char *name = cc_note_signer_name(signer);
    int party = -1;
    for (size_t p = 0; p < s->nparties && party < 0; p++)
        if (s->parties[p].id && strcmp(s->parties[p].id, name) == 0)
            party = (int)p;
    if (party < 0)
        return fail(err, CC_NOTE_UNKNOWN_KEY, CC_ERR_NOTFOUND,
                    "the key is not named after a party of the scenario");
    if (cc_note_signer_type(signer) != CC_NOTE_KEY_NOTE)
        return fail(err, CC_NOTE_BAD_KEY, CC_ERR_INVALID,
                    "a cosigner key cosigns checkpoints; endorse with the party's note key");
    cc_buf text;
    cc_buf_init(&text);
    cc_err rc = cc_guidelines_text(s, &text);
    cc_buf sig;
    cc_buf_init(&sig);
    if (rc == CC_OK)
        rc = cc_note_sign(signer, text.data, text.len, &sig, err);
    /* sig is "text\n— NAME SIG\n": its last line is the signature to add */
    const char *line = NULL;
    if (rc == CC_OK) {
        size_t i = sig.len - 1;
        while (i > 0 && sig.data[i - 1] != '\n')
            i--;
        line = sig.data + i;
    }
    if (rc == CC_OK && note_io->len == 0) {
        cc_buf_append(note_io, sig.data, sig.len);
    } else if (rc == CC_OK) {
        size_t tl;
        rc = same_text(s, note_io->data, note_io->len, &tl, err);
        if (rc == CC_OK && strstr(note_io->data + tl, line)) /* deterministic: the same signature */
            rc = fail(err, CC_NOTE_MALFORMED, CC_ERR_INVALID, "this key already signed the note");
        if (rc == CC_OK)
            cc_buf_append(note_io, line, strlen(line));
    }
    cc_buf_free(&sig);
    cc_buf_free(&text);
    if (rc == CC_OK && note_io->oom)
        rc = CC_ERR_NOMEM;
    return rc;
}

/* Appends to out[*len..size) what fmt says, keeping *len within size (the text is truncated). */
static void put(char *out, size_t size, size_t *len, const char *fmt, ...)
{
    if (*len >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + *len, size - *len, fmt, ap);
    va_end(ap);
    *len = n < 0 ? size : *len + (size_t)n;
}

cc_gstate cc_guidelines_state(const cc_scenario *s, const char *note, char *out, size_t size)
{
    size_t len = 0;
    if (size)
        out[0] = 0;
    if (!note) {
        if (!s->endorsers.n) {
            put(out, size, &len, "none: the scenario names no endorsers");
            return CC_GSTATE_NONE;
        }
        put(out, size, &len, "NOT endorsed: the scenario names endorsers");
        for (size_t i = 0; i < s->endorsers.n; i++)
            put(out, size, &len, " %s", s->endorsers.v[i]);
        put(out, size, &len, "; the exercise pinned no endorsed note");
        return CC_GSTATE_UNENDORSED;
    }
    cc_endorsement e;
    cc_note_error ne;
    if (cc_guidelines_check(s, note, strlen(note), &e, &ne) != CC_OK) {
        put(out, size, &len, "NOT endorsed: the pinned note does not check: %s", ne.message);
        return CC_GSTATE_INVALID;
    }
    cc_gstate st = e.missing ? CC_GSTATE_INCOMPLETE : CC_GSTATE_ENDORSED;
    if (e.missing) {
        put(out, size, &len, "NOT endorsed: the pinned note lacks the signature of");
        for (size_t i = 0, k = 0; i < e.nendorsers; i++)
            if (!e.signed_by[i])
                put(out, size, &len, "%s %s", k++ ? "," : "", e.endorser[i]);
    } else {
        put(out, size, &len, "endorsed by");
        for (size_t i = 0; i < e.nendorsers; i++)
            put(out, size, &len, "%s %s (key %08x)", i ? "," : "", e.endorser[i], e.key_id[i]);
        char hex[65];
        cc_hex(e.sha256, 32, hex);
        put(out, size, &len, "; note sha256 %.16s...", hex);
    }
    cc_endorsement_free(&e);
    return st;
}
