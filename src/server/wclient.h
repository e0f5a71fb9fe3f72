/* wclient — the smallest HTTP/1.1 client the server needs: one POST to a witness's
 * add-checkpoint (c2sp.org/tlog-witness) over plain TCP, with a time limit on every step and a
 * cap on the answer. https:// is not spoken here: put a TLS terminator in front of the witness. */
#ifndef CC_WCLIENT_H
#define CC_WCLIENT_H

#include <stddef.h>

#include "core/buf.h"
#include "core/diag.h"

/* POSTs body to url ("http://HOST[:PORT]/PATH"); *status receives the answer's status, resp its
 * body (at most max bytes), type (may be NULL, 64 bytes) its Content-Type. CC_ERR_ARG for a URL
 * it does not take, CC_ERR_IO when the exchange fails or times out (why says which). */
cc_err cc_wclient_post(const char *url, const char *body, size_t len, unsigned timeout_ms, size_t max, int *status,
                       cc_buf *resp, char *type, char *why, size_t whylen);

#endif
