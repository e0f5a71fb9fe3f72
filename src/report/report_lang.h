/* report_lang — a report document in another language (docs/report.md, "Languages"). The report is
 * built in English; this rewrites a document for a reader of language TAG: section and table
 * titles, table headings, facts and generated sentences from the message catalogue of TAG (a data
 * file per language, src/report/lang/TAG.json, embedded at build), and the scenario's texts in TAG
 * (core/scenario: cc_scenario_text_in), with each section's authoritative texts kept beside them
 * in a table of its own. Labels, ids, times and hashes are untouched. */
#ifndef CC_REPORT_LANG_H
#define CC_REPORT_LANG_H

#include <jansson.h>
#include <stdbool.h>

#include "core/diag.h"
#include "core/scenario.h"

/* Whether a catalogue for tag is built in. */
bool cc_report_lang_known(const char *tag);
/* The built-in catalogues' tags, comma separated ("en, ko"), into buf. */
void cc_report_lang_list(char *buf, size_t size);

/* Rewrites doc (a document of cc_report_from_log*, run on scenario s; or of cc_report_from_sim with
 * s NULL: the catalogue's headings and sentences only) for a reader of lang. A
 * no-op (doc unchanged, byte for byte in every rendering) when lang is "en" and s's texts are
 * English or in one language. Otherwise it sets doc's "lang" (and "authoritative_language" when s
 * declares languages), "none" (a table without rows), each table's "headings" (the renderers show
 * them instead of its "columns", which stay the keys), and adds to a section whose scenario texts
 * were given in lang a table "authoritative" (text in lang, authoritative text). Errors:
 * CC_ERR_NOTFOUND (no catalogue for lang; err says which exist), CC_ERR_NOMEM. */
cc_err cc_report_localise(json_t *doc, const cc_scenario *s, const char *lang, cc_error *err);

#endif
