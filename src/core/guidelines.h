/* guidelines — the parties' endorsement of a scenario's guidelines (docs/tamper-evidence.md,
 * "Endorsed guidelines"). The guidelines are rendered as one canonical text (every guideline's
 * id, text, rule and objectives, in file order), which each endorsing party signs as a C2SP signed
 * note with its note key, the verifier key of which the scenario declares (parties' `keys`). An
 * exercise whose scenario names `exercise.endorsers` pins the endorsed note in its run.start. A
 * change of any guideline changes the text, so an endorsement names exactly what was agreed.
 * Pure: no I/O. */
#ifndef CC_GUIDELINES_H
#define CC_GUIDELINES_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/note.h"
#include "core/scenario.h"

/* Appends the canonical text of s's guidelines to out: "caucus guidelines/v1", "scenario ID", then
 * per guideline "guideline ID", "text JSON-STRING", "rule ..." (or "rule none"), "objectives ..."
 * (or "objectives none"); every line ends in a newline. CC_ERR_NOMEM when out could not grow. */
cc_err cc_guidelines_text(const cc_scenario *s, cc_buf *out);

/* What an endorsement note says, checked against a scenario. */
typedef struct cc_endorsement {
    size_t nendorsers;        /* exercise.endorsers */
    const char **endorser;    /* their party ids (the scenario's strings) */
    int *signed_by;           /* per endorser: 1 when its party's note key signed the note */
    uint32_t *key_id;         /* per endorser: the key id of that key (0 when the party has none) */
    size_t missing;           /* endorsers whose signature the note lacks */
    unsigned char sha256[32]; /* of the whole note as given */
} cc_endorsement;
void cc_endorsement_free(cc_endorsement *e);

/* Checks note[0..len) against s: its text must be s's guidelines text byte for byte; every
 * signature by a party's note key (the parties' `keys` of type 0x01) must verify; *out says which
 * of s's endorsers signed (a note that verifies but lacks an endorser is not an error here: the
 * caller decides, from out->missing). Errors: CC_ERR_PARSE / CC_ERR_INVALID with err->status and
 * err->message (a malformed note; a text that is not these guidelines: "line N: ..."; a bad
 * signature), CC_ERR_NOMEM. */
cc_err cc_guidelines_check(const cc_scenario *s, const char *note, size_t len, cc_endorsement *out,
                           cc_note_error *err);

/* What a run's pinned note (run.start's guidelines.note, or NULL when none was pinned) says of
 * s's guidelines, as one sentence written to out (truncated to size) and as a state:
 * - CC_GSTATE_ENDORSED: "endorsed by USA (key 1a2b3c4d), KOR (key ...); note sha256 0123...";
 * - CC_GSTATE_INCOMPLETE: the note checks but lacks endorsers: "NOT endorsed: the pinned note
 *   lacks the signature of KOR";
 * - CC_GSTATE_INVALID: the note is not s's guidelines or a signature fails: "NOT endorsed: the
 *   pinned note does not check: ...";
 * - CC_GSTATE_UNENDORSED: s names endorsers, no note was pinned: "NOT endorsed: the scenario names
 *   endorsers USA KOR; the exercise pinned no endorsed note";
 * - CC_GSTATE_NONE: s names no endorsers and no note was pinned: "none: the scenario names no
 *   endorsers". A note pinned for a scenario without endorsers is checked all the same.
 * Used by caucus verify and the after-action report alike. */
typedef enum cc_gstate {
    CC_GSTATE_NONE,
    CC_GSTATE_ENDORSED,
    CC_GSTATE_INCOMPLETE,
    CC_GSTATE_INVALID,
    CC_GSTATE_UNENDORSED
} cc_gstate;
cc_gstate cc_guidelines_state(const cc_scenario *s, const char *note, char *out, size_t size);

/* Endorses: appends to *note_io (a note being built, or empty) the signature of signer over s's
 * guidelines text. An empty note becomes the text and this signature; an existing note must be
 * these guidelines (else CC_ERR_INVALID), and a signer who already signed it is refused
 * (CC_ERR_INVALID, "already signed"). The signer's name must be a party of s (CC_ERR_NOTFOUND). */
cc_err cc_guidelines_endorse(const cc_scenario *s, const cc_note_signer *signer, cc_buf *note_io,
                             cc_note_error *err);

#endif
