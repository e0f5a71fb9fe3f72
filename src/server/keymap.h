/* keymap — a bounded map from short text keys (a client address, a refusal's who|kind|path|reason)
 * to fixed-size records, for the server's rate limits and refusal counts. Keys are compared
 * exactly (two keys never share a record, unlike a table of hashed slots), looked up through a
 * keyed hash (SipHash; the caller gives the key, so a client cannot aim keys at one chain), and
 * kept in order of last use. The map never grows past the capacity it was made with: a new key
 * takes the record of the least recently used one only when the caller allows that record to be
 * dropped (it was last used before a time the caller names); otherwise there is no room, and the
 * caller decides what that means (a shared overflow record, counted).
 *
 * Memory: capacity x (key + record) bytes, allocated at cc_keymap_new; nothing after. Not
 * thread-safe (the server holds its lock around every call). */
#ifndef CC_KEYMAP_H
#define CC_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

#define CC_KEYMAP_KEY_MAX 191 /* bytes of a key, without its NUL */

typedef struct cc_keymap cc_keymap; /* opaque */

/* A map of at most cap keys, each with a record of valsize bytes (zeroed when the key is added),
 * hashed under hashkey (16 bytes, borrowed only during the call). Free with cc_keymap_free.
 * CC_ERR_ARG (cap or valsize 0), CC_ERR_NOMEM. */
cc_err cc_keymap_new(size_t cap, size_t valsize, const unsigned char hashkey[16], cc_keymap **out);
void cc_keymap_free(cc_keymap *m);

/* The record of key, or NULL when it has none; marks it used at now. */
void *cc_keymap_get(cc_keymap *m, const char *key, int64_t now);

/* The record of key, added (zeroed, *added = 1) when absent. When the map is full, the least
 * recently used key makes room if it was last used before drop_before; *dropped (may be NULL)
 * then receives a copy of its record and *had_dropped (may be NULL) 1, so that the caller can
 * account for what it held. NULL when there is no room (every key used since drop_before) or the
 * key is longer than CC_KEYMAP_KEY_MAX. Marks the record used at now. */
void *cc_keymap_put(cc_keymap *m, const char *key, int64_t now, int64_t drop_before, int *added,
                    void *dropped, int *had_dropped);

/* Calls fn for every key (least recently used first) with its record, which fn may change; a key
 * for which fn returns 1 is removed. */
void cc_keymap_each(cc_keymap *m, int (*fn)(void *ctx, const char *key, void *val), void *ctx);

size_t cc_keymap_count(const cc_keymap *m);
size_t cc_keymap_capacity(const cc_keymap *m);

#endif
