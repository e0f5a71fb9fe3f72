/* libFuzzer target: arbitrary bytes as a tlog-witness add-checkpoint body into core/witness
 * (cc_witness_parse, cc_witness_check) against the documentation key of docs/tamper-evidence.md,
 * with the witness's latest state taken from the input's first bytes. Checks beyond "no crash":
 * the status is one of the spec's; a 200 is never given for an unsigned, smaller or differently
 * rooted tree; a refusal always says why. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/note.h"
#include "core/witness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char VKEY[] = "caucus.example/ncg-policy-ttx+87bfcaaa+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cc_note_verifier *key;
    if (!key) {
        cc_note_error e;
        if (cc_note_verifier_parse(VKEY, strlen(VKEY), &key, &e) != CC_OK)
            abort();
    }
    cc_witness_latest latest;
    memset(&latest, 0, sizeof latest);
    if (size >= 1 && (data[0] & 1)) {
        latest.known = 1;
        latest.size = size >= 2 ? data[1] * 2u : 0;
        memset(latest.root, size >= 3 ? data[2] : 0, 32);
    }
    size_t skip = size < 3 ? size : 3;
    cc_witness_request r;
    char why[300];
    why[0] = 0;
    if (cc_witness_parse((const char *)data + skip, size - skip, &r, why, sizeof why) != CC_OK) {
        if (!why[0])
            abort();
        return 0;
    }
    const cc_note_verifier *keys[1] = {key};
    cc_checkpoint cp;
    uint64_t conflict = 0;
    why[0] = 0;
    int st = cc_witness_check(&r, keys, 1, &latest, &cp, &conflict, why, sizeof why);
    if (st != 200 && st != 400 && st != 403 && st != 404 && st != 409 && st != 422)
        abort();
    if (st != 200 && !why[0])
        abort();
    if (st == 200) {
        size_t tlen;
        cc_note_error e;
        if (cc_note_open(r.note, r.note_len, keys, 1, &tlen, &e) != CC_OK)
            abort(); /* cosigned without a valid log signature */
        if (latest.known && (cp.size < latest.size || (cp.size == latest.size && memcmp(cp.root, latest.root, 32))))
            abort(); /* a rollback or a split view cosigned */
        if (r.old_size != (latest.known ? latest.size : 0))
            abort();
    }
    cc_checkpoint_clear(&cp);
    return 0;
}
