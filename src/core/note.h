/* note — C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and the transparency-log
 * checkpoint carried in them (c2sp.org/tlog-checkpoint): key generation from a caller's seed,
 * signer and verifier key texts in the Go sumdb/note format, signing, and strict parsing and
 * verification that names the line and the reason of every refusal. Pure: no I/O, no
 * randomness of its own (Ed25519 signing is deterministic). Format: docs/tamper-evidence.md. */
#ifndef CC_NOTE_H
#define CC_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/diag.h"

#define CC_NOTE_MAX_SIZE (1u << 20) /* longest note accepted or produced, bytes */
#define CC_NOTE_MAX_LINE 8192       /* longest line, bytes, without its newline */
#define CC_NOTE_MAX_SIGS 100        /* signature lines per note */
#define CC_NOTE_MAX_NAME 256        /* longest key name, bytes */
#define CC_NOTE_MAX_EXT 64          /* checkpoint extension lines */

/* What was wrong; each failing call sets exactly one. */
typedef enum cc_note_status {
    CC_NOTE_OK = 0,
    CC_NOTE_MALFORMED,     /* not a signed note: layout, signature line, base64 (CC_ERR_PARSE) */
    CC_NOTE_ENCODING,      /* not UTF-8, or an ASCII control character other than newline (CC_ERR_PARSE) */
    CC_NOTE_TOO_LONG,      /* note, line, name, signature or extension count over its limit (CC_ERR_LIMIT) */
    CC_NOTE_UNKNOWN_KEY,   /* no signature by any of the given verifier keys (CC_ERR_NOTFOUND) */
    CC_NOTE_BAD_SIGNATURE, /* a signature by a given key does not verify (CC_ERR_INVALID) */
    CC_NOTE_BAD_ORIGIN, /* checkpoint origin empty or not the expected one (CC_ERR_PARSE / CC_ERR_INVALID) */
    CC_NOTE_BAD_SIZE,   /* checkpoint tree size not a canonical decimal 64-bit number (CC_ERR_PARSE) */
    CC_NOTE_BAD_ROOT,   /* checkpoint root hash not base64 of 32 bytes (CC_ERR_PARSE) */
    CC_NOTE_BAD_KEY,    /* key text malformed, wrong algorithm or length, bad name (CC_ERR_PARSE) */
    CC_NOTE_KEY_ID      /* the key id in a key text is not the one its name and key give (CC_ERR_INVALID) */
} cc_note_status;

/* Where and why a call failed. line is the 1-based line of the note (0 when the problem has
 * no line); message starts with "line N: " when it has one. */
typedef struct cc_note_error {
    cc_note_status status;
    int line;
    char message[256];
} cc_note_error;

const char *cc_note_status_str(cc_note_status s); /* "malformed", "bad-signature", ... */

/* ---- Keys ---- */

/* A key's signature type, the byte before the key material in key texts and key ids:
 * CC_NOTE_KEY_NOTE signs notes (signed-note Ed25519, 0x01); CC_NOTE_KEY_COSIGNER cosigns
 * checkpoints (c2sp.org/tlog-cosignature, Ed25519 v1, 0x04: the signature carries a timestamp
 * and covers "cosignature/v1\ntime T\n" followed by the checkpoint text). */
typedef enum cc_note_key_type { CC_NOTE_KEY_NOTE = 0x01, CC_NOTE_KEY_COSIGNER = 0x04 } cc_note_key_type;

typedef struct cc_note_signer cc_note_signer;     /* name, key id, Ed25519 secret key */
typedef struct cc_note_verifier cc_note_verifier; /* name, key id, Ed25519 public key */

/* Derives the Ed25519 key pair of seed (32 bytes; the caller draws it, e.g. randombytes_buf)
 * and appends to skey the signer key "PRIVATE+KEY+name+keyid+base64(0x01 || seed)" and to vkey
 * the verifier key "name+keyid+base64(0x01 || public key)", keyid = 8 lower-case hex digits of
 * SHA-256(name || 0x0A || 0x01 || public key)[:4]. Neither text ends in a newline. Errors:
 * CC_ERR_PARSE / CC_NOTE_BAD_KEY for an invalid name (empty, not UTF-8, a Unicode space, '+'
 * or a control character, longer than CC_NOTE_MAX_NAME), CC_ERR_NOMEM. */
cc_err cc_note_keygen(const char *name, const unsigned char seed[32], cc_buf *skey, cc_buf *vkey,
                      cc_note_error *err);

/* As cc_note_keygen, for a key of either type; the signer text of a cosigner key is
 * "PRIVATE+KEY+name+keyid+base64(0x04 || seed)" (caucus's form; the spec defines only the
 * verifier key text). */
cc_err cc_note_keygen_type(const char *name, const unsigned char seed[32], cc_note_key_type type, cc_buf *skey,
                           cc_buf *vkey, cc_note_error *err);

/* Parses a signer key text (trailing newline and spaces allowed). On success *out is owned by
 * the caller (cc_note_signer_free wipes the secret). Errors: CC_NOTE_BAD_KEY, CC_NOTE_KEY_ID. */
cc_err cc_note_signer_parse(const char *text, size_t len, cc_note_signer **out, cc_note_error *err);
void cc_note_signer_free(cc_note_signer *s);
/* Appends the verifier key text of the signer's key to vkey. */
cc_err cc_note_signer_vkey(const cc_note_signer *s, cc_buf *vkey);
const char *cc_note_signer_name(const cc_note_signer *s);
uint32_t cc_note_signer_key_id(const cc_note_signer *s);
cc_note_key_type cc_note_signer_type(const cc_note_signer *s);

/* Parses a verifier key text (trailing newline and spaces allowed); *out owned by the caller.
 * Errors: CC_NOTE_BAD_KEY, CC_NOTE_KEY_ID. */
cc_err cc_note_verifier_parse(const char *text, size_t len, cc_note_verifier **out, cc_note_error *err);
void cc_note_verifier_free(cc_note_verifier *v);
const char *cc_note_verifier_name(const cc_note_verifier *v);
uint32_t cc_note_verifier_key_id(const cc_note_verifier *v);
cc_note_key_type cc_note_verifier_type(const cc_note_verifier *v);

/* ---- Signed notes ---- */

/* Appends to out the signed note: text (non-empty, ending in a newline, UTF-8 without control
 * characters other than newline), a blank line, and the signature line
 * "— name base64(keyid || signature)". Errors: CC_NOTE_MALFORMED / ENCODING for a bad text,
 * CC_NOTE_TOO_LONG when the note would exceed CC_NOTE_MAX_SIZE, CC_ERR_NOMEM. */
cc_err cc_note_sign(const cc_note_signer *s, const char *text, size_t len, cc_buf *out, cc_note_error *err);

/* Parses the signed note msg[0..len) and checks its signatures against the n verifiers: every
 * signature line whose key name and id both match a verifier must verify (one that does not
 * fails the note), other lines are ignored, and at least one must be by a verifier. On success
 * *text_len is the length of the signed text, msg[0..*text_len) (it ends in a newline). */
cc_err cc_note_open(const char *msg, size_t len, const cc_note_verifier *const *verifiers, size_t n,
                    size_t *text_len, cc_note_error *err);

/* Per verifier, what cc_note_check found: a valid signature (verified = 1) on line `line`, and
 * for a cosigner key its timestamp (POSIX seconds). */
typedef struct cc_note_sig {
    int verified;
    int line;
    uint64_t timestamp;
} cc_note_sig;

/* As cc_note_open, but a key that did not sign is not an error: res[i] (n entries, zeroed
 * first) says which of the verifiers signed. Still an error: a malformed note, and a signature
 * line by one of the keys (same name and key id) that does not verify (CC_NOTE_BAD_SIGNATURE). */
cc_err cc_note_check(const char *msg, size_t len, const cc_note_verifier *const *verifiers, size_t n,
                     size_t *text_len, cc_note_sig *res, cc_note_error *err);

/* Appends to out one cosignature line "— name base64(keyid || timestamp || signature)\n" by the
 * cosigner key s (CC_NOTE_KEY_COSIGNER) over the text of the signed note msg[0..len) at
 * timestamp (POSIX seconds, at most 2^63 - 1). Append it to the note to add the cosignature. */
cc_err cc_note_cosign(const cc_note_signer *s, const char *msg, size_t len, uint64_t timestamp, cc_buf *out,
                      cc_note_error *err);

/* Checks that msg[0..len) is a well-formed signed note (the layout, every signature line's
 * syntax and base64) without verifying any signature: for reading the text of a note whose
 * signer is not known, e.g. to compare a stored checkpoint with the log. *text_len as for
 * cc_note_open; *nsigs (may be NULL) receives the number of signature lines. */
cc_err cc_note_split(const char *msg, size_t len, size_t *text_len, size_t *nsigs, cc_note_error *err);

/* ---- Checkpoints ---- */

typedef struct cc_checkpoint {
    char *origin;           /* owned */
    uint64_t size;          /* tree size */
    unsigned char root[32]; /* RFC 6962 root hash at size */
    char **ext;             /* owned extension lines, without newlines */
    size_t next;
} cc_checkpoint;

void cc_checkpoint_clear(cc_checkpoint *c); /* frees and zeroes */

/* Appends the checkpoint text "origin\nsize\nbase64(root)\n" plus "ext[i]\n" for each of the
 * next extension lines. origin and extensions must be non-empty UTF-8 without control
 * characters; at most CC_NOTE_MAX_EXT extensions. */
cc_err cc_checkpoint_format(const char *origin, uint64_t size, const unsigned char root[32],
                            const char *const *ext, size_t next, cc_buf *out, cc_note_error *err);
/* Parses a checkpoint text (as cc_note_open returns it) into *out (caller clears). */
cc_err cc_checkpoint_parse(const char *text, size_t len, cc_checkpoint *out, cc_note_error *err);

/* Formats and signs a checkpoint: cc_checkpoint_format then cc_note_sign. */
cc_err cc_note_sign_checkpoint(const cc_note_signer *s, const char *origin, uint64_t size,
                               const unsigned char root[32], const char *const *ext, size_t next, cc_buf *out,
                               cc_note_error *err);
/* Opens a signed checkpoint with one verifier key and parses it. When origin is not NULL the
 * checkpoint's origin must equal it (CC_NOTE_BAD_ORIGIN otherwise). */
cc_err cc_note_open_checkpoint(const char *msg, size_t len, const cc_note_verifier *v, const char *origin,
                               cc_checkpoint *out, cc_note_error *err);

#endif
