/* yaml_write — the few pieces of YAML caucus writes itself: double-quoted scalars with every
 * character that could read differently escaped, so that a written string always parses back
 * to the same bytes. Appends to a cc_buf. */
#ifndef CC_YAML_WRITE_H
#define CC_YAML_WRITE_H

#include <stddef.h>

#include "core/buf.h"
#include "core/diag.h"

/* Appends s[0..len) as a YAML double-quoted scalar: '"' and '\' escaped, line breaks, tabs
 * and every other C0/C1 control, DEL, U+2028, U+2029, U+FEFF and the non-characters U+FFFE
 * and U+FFFF written as escapes; other UTF-8 kept as is. Returns CC_ERR_INVALID (and appends
 * nothing) when s is not valid UTF-8 or contains a NUL, CC_ERR_NOMEM when the buffer could not
 * grow, CC_OK otherwise. */
cc_err cc_yw_quoted(cc_buf *b, const char *s, size_t len);

/* cc_yw_quoted of a NUL-terminated string. */
cc_err cc_yw_quotedz(cc_buf *b, const char *s);

/* Appends "INDENTkey: " (indent spaces), ready for a value. key is written as is: the caller
 * passes a plain, safe key. */
cc_err cc_yw_key(cc_buf *b, int indent, const char *key);

/* Appends "INDENTkey: \"value\"\n". */
cc_err cc_yw_pair(cc_buf *b, int indent, const char *key, const char *value);

/* Appends s as a plain scalar when it reads back as the same text and never as null (letters,
 * digits and ordinary punctuation, no ": " or " #", no surrounding spaces; in a flow
 * collection (flow != 0) none of ",[]{}:"), else double-quoted as cc_yw_quoted. */
cc_err cc_yw_scalar(cc_buf *b, const char *s, int flow);

/* Appends a flow sequence of quoted strings: ["a", "b"]. */
cc_err cc_yw_flow_list(cc_buf *b, const char *const *items, size_t n);

#endif
