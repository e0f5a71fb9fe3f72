/* libFuzzer target: arbitrary bytes as an event log fed to the offline verifier (core/verify) line
 * by line, as `caucus verify` does; a first block up to a blank line that parses as a checkpoint
 * is added as a (trusted) checkpoint first. Checks beyond "no crash": a problem always comes with
 * a reason; a sound log's event count equals its line count; an empty log is bad. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/note.h"
#include "core/verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    cc_verify *v = NULL;
    if (cc_verify_new(&v) != CC_OK)
        abort();
    int keep = (int)(size & 1);
    cc_verify_keep_hashes(v, keep);
    /* an optional checkpoint block, ended by an empty line */
    const char *blank = NULL;
    for (size_t i = 0; i + 1 < size && !blank; i++)
        if (p[i] == '\n' && p[i + 1] == '\n')
            blank = p + i;
    if (blank && size > 11 && memcmp(p, "caucus-log/", 11) == 0) {
        cc_checkpoint c;
        memset(&c, 0, sizeof c);
        cc_note_error err;
        size_t n = (size_t)(blank - p) + 1;
        if (cc_checkpoint_parse(p, n, &c, &err) == CC_OK)
            (void)cc_verify_add_checkpoint(v, &c, "fuzz");
        cc_checkpoint_clear(&c);
        p += n + 1;
        size -= n + 1;
    }
    uint64_t lines = 0;
    int bad = 0;
    while (size > 0) {
        const char *nl = memchr(p, '\n', size);
        size_t len = nl ? (size_t)(nl - p) : size;
        cc_err rc = cc_verify_line(v, p, len, nl != NULL);
        if (rc != CC_OK && rc != CC_ERR_INVALID)
            abort();
        bad |= rc != CC_OK;
        lines++;
        if (!nl)
            break;
        p += len + 1;
        size -= len + 1;
    }
    cc_verify_result r;
    memset(&r, 0, sizeof r);
    cc_verify_finish(v, &r);
    if (r.bad && r.why[0] == '\0')
        abort(); /* a refusal without a reason */
    if (bad && !r.bad)
        abort(); /* a line was refused but the verdict is sound */
    if (!r.bad && (r.events != lines || lines == 0))
        abort(); /* a sound verdict must cover every line, and an empty log is bad */
    if (r.events > lines)
        abort();
    uint64_t nh = 0;
    (void)cc_verify_hashes(v, &nh);
    if ((keep && nh != r.events) || (!keep && nh != 0))
        abort();
    cc_verify_free(v);
    return 0;
}
