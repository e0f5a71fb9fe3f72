/* marks — which items are new for one session of the live server (docs/http-api.md, "New
 * items"): an item of the viewer's state is new when it reached the viewer after the session
 * started (its "seq" at or after `since`) and the session has not marked it read. Kept by the
 * server per session, so a reload or another tab of the same session sees the same marks. A value
 * type with no allocation, embedded in the server's session (server/http.c). */
#ifndef CC_MARKS_H
#define CC_MARKS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define CC_MARKS_MAX 256 /* items marked read one by one that a session remembers */

typedef struct cc_marks {
    uint64_t since;              /* items whose seq is below this are not new */
    uint64_t read[CC_MARKS_MAX]; /* seqs of items marked read at or after since, ascending */
    size_t nread;
} cc_marks;

/* Starts a session's marks: nothing before event number since is new. */
void cc_marks_init(cc_marks *m, uint64_t since);
/* Marks the item whose event is seq read. When CC_MARKS_MAX items are remembered, the oldest is
 * forgotten by moving since past it (every item up to it counts as read). */
void cc_marks_read(cc_marks *m, uint64_t seq);
/* Marks every item up to event number upto (exclusive) read. */
void cc_marks_all(cc_marks *m, uint64_t upto);
/* 1 when the item whose event is seq is new. */
int cc_marks_is_new(const cc_marks *m, uint64_t seq);
/* The ids of the new items of items (a state's "items": objects with "id" and "seq"), in their
 * order; a new array (NULL when out of memory). */
json_t *cc_marks_unread(const cc_marks *m, const json_t *items);

#endif
