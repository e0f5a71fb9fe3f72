/* marks — see marks.h. */
#include "server/marks.h"

#include <string.h>

void cc_marks_init(cc_marks *m, uint64_t since)
{
    m->since = since;
    m->nread = 0;
}

static size_t lower(const cc_marks *m, uint64_t seq)
{
    size_t lo = 0, hi = m->nread;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->read[mid] < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int cc_marks_is_new(const cc_marks *m, uint64_t seq)
{
    if (seq < m->since)
        return 0;
    size_t k = lower(m, seq);
    return !(k < m->nread && m->read[k] == seq);
}

void cc_marks_read(cc_marks *m, uint64_t seq)
{
    if (!cc_marks_is_new(m, seq))
        return;
    if (m->nread == CC_MARKS_MAX) {
        /* forget the oldest: everything up to it counts as read */
        m->since = m->read[0] + 1;
        memmove(m->read, m->read + 1, (m->nread - 1) * sizeof *m->read);
        m->nread--;
        if (seq < m->since)
            return;
    }
    size_t k = lower(m, seq);
    memmove(m->read + k + 1, m->read + k, (m->nread - k) * sizeof *m->read);
    m->read[k] = seq;
    m->nread++;
}

void cc_marks_all(cc_marks *m, uint64_t upto)
{
    if (upto <= m->since)
        return;
    size_t k = lower(m, upto);
    memmove(m->read, m->read + k, (m->nread - k) * sizeof *m->read);
    m->nread -= k;
    m->since = upto;
}

json_t *cc_marks_unread(const cc_marks *m, const json_t *items)
{
    json_t *out = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        json_t *seq = json_object_get(it, "seq");
        const char *id = json_string_value(json_object_get(it, "id"));
        if (out && id && json_is_integer(seq) && json_integer_value(seq) >= 0 &&
            cc_marks_is_new(m, (uint64_t)json_integer_value(seq)))
            json_array_append_new(out, json_string(id));
    }
    return out;
}
