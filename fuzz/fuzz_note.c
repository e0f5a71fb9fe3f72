/* libFuzzer target: the signed-note and checkpoint parsers and the key-text parsers. Every
 * accepted checkpoint must format back to exactly the bytes it was parsed from, an opened note's
 * text must be a newline-terminated prefix of it, and every refusal must carry a status. The
 * verifier key is the one of the seed files in fuzz/corpus/note (seed 32 x 0x42, name
 * caucus.example/log), so signed seeds reach signature verification. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char VKEY[] = "caucus.example/log+2549260e+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS";

static void refused(cc_err e, const cc_note_error *err)
{
    if (e == CC_OK || err->status == CC_NOTE_OK || memchr(err->message, '\0', sizeof err->message) == NULL ||
        err->message[0] == '\0')
        abort();
}

static void check_format(const cc_checkpoint *cp, const char *text, size_t len)
{
    cc_buf b;
    cc_buf_init(&b);
    cc_note_error err;
    if (cc_checkpoint_format(cp->origin, cp->size, cp->root, (const char *const *)cp->ext, cp->next, &b,
                             &err) != CC_OK ||
        b.len != len || memcmp(b.data, text, len) != 0)
        abort();
    cc_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cc_note_verifier *v;
    if (!v && cc_note_verifier_parse(VKEY, strlen(VKEY), &v, NULL) != CC_OK)
        abort();
    const char *msg = (const char *)data;
    cc_note_error err;
    cc_checkpoint cp;

    cc_err e = cc_checkpoint_parse(msg, size, &cp, &err);
    if (e == CC_OK) {
        check_format(&cp, msg, size);
        cc_checkpoint_clear(&cp);
    } else {
        refused(e, &err);
    }

    size_t tlen = 0;
    const cc_note_verifier *const list[1] = {v};
    e = cc_note_open(msg, size, list, 1, &tlen, &err);
    if (e == CC_OK) {
        if (tlen == 0 || tlen >= size || msg[tlen - 1] != '\n' || msg[tlen] != '\n')
            abort();
    } else {
        refused(e, &err);
    }

    e = cc_note_open_checkpoint(msg, size, v, NULL, &cp, &err);
    if (e == CC_OK) {
        if (cc_note_open(msg, size, list, 1, &tlen, NULL) != CC_OK)
            abort();
        check_format(&cp, msg, tlen);
        cc_checkpoint_clear(&cp);
    } else {
        refused(e, &err);
    }

    cc_note_verifier *pv = NULL;
    e = cc_note_verifier_parse(msg, size, &pv, &err);
    if (e == CC_OK)
        cc_note_verifier_free(pv);
    else if (pv != NULL)
        abort();
    cc_note_signer *ps = NULL;
    e = cc_note_signer_parse(msg, size, &ps, &err);
    if (e == CC_OK) {
        /* a parsed signer signs, and its signature opens with its own verifier key */
        cc_buf vk, note;
        cc_buf_init(&vk);
        cc_buf_init(&note);
        if (cc_note_signer_vkey(ps, &vk) != CC_OK ||
            cc_note_verifier_parse(vk.data, vk.len, &pv, NULL) != CC_OK ||
            cc_note_sign(ps, "fuzz\n", 5, &note, NULL) != CC_OK)
            abort();
        const cc_note_verifier *const own[1] = {pv};
        if (cc_note_open(note.data, note.len, own, 1, &tlen, NULL) != CC_OK || tlen != 5)
            abort();
        cc_note_verifier_free(pv);
        cc_note_signer_free(ps);
        cc_buf_free(&vk);
        cc_buf_free(&note);
    } else if (ps != NULL) {
        abort();
    }
    return 0;
}
