/* ytree — reads YAML text into a small positioned tree (maps, sequences, scalars) using
 * libfyaml's event parser, with the guards caucus needs on hostile input: size and UTF-8
 * checks before parsing, no anchors/aliases/tags, one document, depth and node limits,
 * duplicate keys refused. Every node carries its 1-based line:column. */
#ifndef CC_YTREE_H
#define CC_YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/diag.h"

#define CC_YTREE_MAX_BYTES (64u << 20) /* 64 MiB */
#define CC_YTREE_MAX_DEPTH 64
#define CC_YTREE_MAX_NODES 4000000

typedef enum cc_ykind { CC_Y_SCALAR, CC_Y_MAP, CC_Y_SEQ } cc_ykind;

typedef enum cc_ystyle { CC_YS_PLAIN, CC_YS_QUOTED, CC_YS_BLOCK, CC_YS_FLOW } cc_ystyle;

typedef struct cc_ynode cc_ynode;
struct cc_ynode {
    cc_ykind kind;
    cc_ystyle style;
    cc_pos pos;
    const char *text; /* scalars: NUL-terminated text (contains no NUL) */
    size_t len;
    cc_ynode **items; /* maps: key,value pairs (2*n entries); sequences: n entries */
    size_t n;         /* maps: number of pairs; sequences: number of items */
};

/* Parses text[0..len) into a tree allocated in arena. file names the input in diagnostics.
 * On any error appends diagnostics and returns CC_ERR_PARSE / CC_ERR_LIMIT with *root NULL.
 * An empty document gives *root == NULL and CC_OK. */
cc_err cc_ytree_parse(const char *text, size_t len, const char *file, cc_arena *arena, cc_diags *diags,
                      cc_ynode **root);

/* Map lookup by key (linear; maps in scenarios are small). NULL when absent or not a map. */
cc_ynode *cc_ytree_get(const cc_ynode *map, const char *key);
/* The key node of a map entry (for positions), or NULL. */
cc_ynode *cc_ytree_key(const cc_ynode *map, const char *key);
/* true when a scalar is a plain null (`~`, `null`, empty plain). */
bool cc_ytree_is_null(const cc_ynode *n);

#endif
