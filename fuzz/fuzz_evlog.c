/* libFuzzer target: the strict event-log line decoder; every accepted line must re-encode to
 * exactly the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/evlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_evrec r;
    cc_evlog_error err;
    if (cc_evlog_decode((const char *)data, size, &r, &err) != CC_OK)
        return 0;
    cc_buf b;
    cc_buf_init(&b);
    unsigned char hash[32];
    memcpy(hash, r.hash, 32);
    if (cc_evlog_encode(&r, &b) != CC_OK || b.len != size + 1 || memcmp(b.data, data, size) != 0 ||
        memcmp(hash, r.hash, 32) != 0)
        abort();
    cc_buf_free(&b);
    cc_evrec_clear(&r);
    return 0;
}
