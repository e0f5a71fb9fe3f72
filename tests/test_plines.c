/* Tests of io/plines: the lines of a log handed back in order with their checks, on 1 to 5
 * threads and batches from one byte to the default: an empty log, a log of one line (with and
 * without its newline), a refused line as the last line of a batch and as the first of the next,
 * the lines after a refused one, a line over the limit found by the reader and by a checker, and
 * every line, check and error the same as io/lines with cc_evlog_check on a log with defects of
 * every kind, read from the file and from memory (cc_plines_open_mem; there with opts.spans, whose
 * spans must be cc_evlog_check_spans' on the line). Records come from
 * tests/support/evgen. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/evlog.h"
#include "core/merkle.h"
#include "core/verify.h"
#include "io/lines.h"
#include "io/plines.h"
#include "support/evgen.h"
#include "support/tmpfile.h"

/* n generated lines, each with its newline; off[i] is where line i starts (off[n]: the end). */
static void make_log(int n, cc_buf *b, size_t *off)
{
    evgen g;
    evgen_init(&g, 0, NULL);
    cc_buf_init(b);
    cr_assert_eq(evgen_lines(&g, n, b), 0);
    off[0] = 0;
    for (int i = 0; i < n; i++)
        off[i + 1] = (size_t)((char *)memchr(b->data + off[i], '\n', b->len - off[i]) - b->data) + 1;
}

/* The log with line i's payload changed (its hash no longer matches). */
static void spoil(cc_buf *b, const size_t *off, int i)
{
    char *p = strstr(b->data + off[i], "Fictional");
    cr_assert(p && (size_t)(p - b->data) < off[i + 1]);
    *p = 'f';
}

static cc_plines *open_log(const char *path, size_t max, unsigned threads, size_t batch)
{
    cc_plines_opts o = {threads, batch, 1, 0};
    cc_plines *r = NULL;
    char why[200];
    cr_assert_eq(cc_plines_open(path, max, &o, &r, why, sizeof why), CC_OK, "%s", why);
    return r;
}

/* Expects the next line to be accepted, event seq, complete, with its leaf hash. */
static void expect_ok(cc_plines *r, uint64_t seq, int complete)
{
    cc_plines_line l;
    char why[200];
    cr_assert_eq(cc_plines_next(r, &l, why, sizeof why), CC_OK, "line %llu: %s", (unsigned long long)seq,
                 why);
    cr_assert_eq(l.check, CC_OK, "line %llu: %s", (unsigned long long)seq, l.err ? l.err->message : "");
    cr_expect_eq(l.head->seq, seq);
    cr_expect_eq(l.complete, complete);
    unsigned char leaf[32];
    cc_merkle_leaf_hash(l.head->hash, 32, leaf);
    cr_expect(l.leaf && memcmp(l.leaf, leaf, 32) == 0, "line %llu: leaf hash", (unsigned long long)seq);
    cr_expect_eq(cc_plines_number(r), seq + 1);
}

static void expect_refused(cc_plines *r, const char *message)
{
    cc_plines_line l;
    char why[200];
    cr_assert_eq(cc_plines_next(r, &l, why, sizeof why), CC_OK, "%s", why);
    cr_assert_eq(l.check, CC_ERR_PARSE);
    cr_expect_str_eq(l.err->message, message);
    cr_expect_null(l.head);
}

static void expect_end(cc_plines *r, cc_err rc, const char *why_expected)
{
    cc_plines_line l;
    char why[200];
    for (int twice = 0; twice < 2; twice++) {
        cr_expect_eq(cc_plines_next(r, &l, why, sizeof why), rc);
        cr_expect_str_eq(why, why_expected);
    }
}

static const unsigned threads[] = {1, 2, 3, 5};

Test(plines, an_empty_log)
{
    char *path = tmp_write("plines", "", 0);
    for (size_t t = 0; t < 4; t++) {
        cc_plines *r = open_log(path, 1000, threads[t], 0);
        expect_end(r, CC_ERR_NOTFOUND, "");
        cr_expect_eq(cc_plines_number(r), 0);
        cc_plines_close(r);
    }
    unlink(path);
    free(path);
}

Test(plines, a_log_of_one_line)
{
    cc_buf b;
    size_t off[2];
    make_log(1, &b, off);
    for (int nl = 1; nl >= 0; nl--) {
        char *path = tmp_write("plines", b.data, b.len - (size_t)!nl);
        for (size_t t = 0; t < 4; t++)
            for (size_t batch = 0; batch <= 400; batch += 100) {
                cc_plines *r = open_log(path, 1000, threads[t], batch);
                expect_ok(r, 0, nl);
                expect_end(r, CC_ERR_NOTFOUND, "");
                cc_plines_close(r);
            }
        unlink(path);
        free(path);
    }
    cc_buf_free(&b);
}

/* 9 lines in batches of three (the batch size is the bytes of lines 0-2, so each read ends
 * about where a third line does): line bad refused, every other line accepted in order. */
static void refused_at(int bad)
{
    cc_buf b;
    size_t off[10];
    make_log(9, &b, off);
    spoil(&b, off, bad);
    char *path = tmp_write("plines", b.data, b.len);
    for (size_t t = 0; t < 4; t++) {
        cc_plines *r = open_log(path, 1000, threads[t], off[3]);
        for (int i = 0; i < 9; i++)
            if (i == bad)
                expect_refused(r, "hash does not match the record's contents");
            else
                expect_ok(r, (uint64_t)i, 1);
        expect_end(r, CC_ERR_NOTFOUND, "");
        cc_plines_close(r);
    }
    unlink(path);
    free(path);
    cc_buf_free(&b);
}

Test(plines, a_refused_line_last_in_its_batch)
{
    refused_at(2);
}

Test(plines, a_refused_line_first_in_the_next_batch)
{
    refused_at(3);
}

Test(plines, the_lines_after_a_refused_one_keep_their_order)
{
    refused_at(0);
    refused_at(4);
}

/* A line of 1,001 bytes (max 1,000) after two good lines: refused as line 3 whether the reader
 * finds no newline in max + 1 bytes (small batches) or a checker finds the long line (a batch
 * larger than max holds it whole). */
Test(plines, a_line_over_the_limit)
{
    cc_buf b;
    size_t off[4];
    make_log(3, &b, off);
    char *text = malloc(off[2] + 1002 + (off[3] - off[2]));
    memcpy(text, b.data, off[2]);
    memset(text + off[2], 'x', 1001);
    text[off[2] + 1001] = '\n';
    memcpy(text + off[2] + 1002, b.data + off[2], off[3] - off[2]);
    char *path = tmp_write("plines", text, off[2] + 1002 + (off[3] - off[2]));
    for (size_t t = 0; t < 4; t++)
        for (size_t batch = 100; batch <= 4000; batch += 300) {
            cc_plines *r = open_log(path, 1000, threads[t], batch);
            expect_ok(r, 0, 1);
            expect_ok(r, 1, 1);
            expect_end(r, CC_ERR_LIMIT, "line 3 is longer than 1000 bytes");
            cc_plines_close(r);
        }
    unlink(path);
    free(path);
    free(text);
    cc_buf_free(&b);
}

/* Every line, its completeness, its check (values or message) and the way the stream ends, read
 * through io/lines and cc_evlog_check: the reference. */
static void expect_same_as_lines(const char *path, size_t max, unsigned nthreads, size_t batch,
                                 const cc_buf *mem)
{
    cc_lines *ref;
    char why[300], rwhy[300];
    cr_assert_eq(cc_lines_open(path, max, &ref, rwhy, sizeof rwhy), CC_OK);
    cc_plines *r = open_log(path, max, nthreads, batch);
    if (mem) { /* the same bytes from memory, with the spans of each accepted line */
        cc_plines_close(r);
        cc_plines_opts o = {nthreads, batch, 1, 1};
        cr_assert_eq(cc_plines_open_mem(mem->data, mem->len, max, &o, &r, why, sizeof why), CC_OK);
    }
    for (uint64_t n = 1;; n++) {
        const char *line;
        size_t len;
        int complete;
        cc_err rrc = cc_lines_next(ref, &line, &len, &complete, rwhy, sizeof rwhy);
        cc_plines_line l;
        cc_err rc = cc_plines_next(r, &l, why, sizeof why);
        cr_assert_eq(rc, rrc, "threads %u batch %zu line %llu: %d, reference %d", nthreads, batch,
                     (unsigned long long)n, rc, rrc);
        if (rc != CC_OK) {
            if (rc != CC_ERR_NOTFOUND)
                cr_expect_str_eq(why, rwhy);
            break;
        }
        cr_assert(l.len == len && memcmp(l.line, line, len) == 0 && l.complete == complete,
                  "threads %u batch %zu line %llu", nthreads, batch, (unsigned long long)n);
        cc_evhead h;
        cc_evlog_error e;
        cc_err crc = cc_evlog_check(line, len, &h, &e);
        cr_assert_eq(l.check, crc, "threads %u batch %zu line %llu", nthreads, batch, (unsigned long long)n);
        if (crc == CC_OK)
            cr_expect(l.head->seq == h.seq && memcmp(l.head->hash, h.hash, 32) == 0 &&
                      memcmp(l.head->prev, h.prev, 32) == 0 && l.head->wall_ms == h.wall_ms &&
                      l.head->type_len == h.type_len && memcmp(l.head->type, h.type, h.type_len) == 0);
        else
            cr_expect_str_eq(l.err->message, e.message);
        if (crc == CC_OK && mem) { /* the spans cc_evlog_check_spans finds in the line */
            cc_evspans sp;
            cr_assert_eq(cc_evlog_check_spans(line, len, &h, &sp, &e), CC_OK);
            cr_assert(l.spans, "line %llu", (unsigned long long)n);
            const cc_evspan *a[] = {&sp.actor, &sp.type, &sp.label, &sp.payload},
                            *g[] = {&l.spans->actor, &l.spans->type, &l.spans->label, &l.spans->payload};
            cr_assert_eq(l.spans->scanned, sp.scanned, "line %llu", (unsigned long long)n);
            for (int k = 0; k < 4 && sp.scanned; k++)
                cr_expect(g[k]->n == a[k]->n && g[k]->esc == a[k]->esc && !g[k]->p == !a[k]->p &&
                              (!a[k]->p || g[k]->p - l.line == a[k]->p - line),
                          "threads %u batch %zu line %llu span %d", nthreads, batch, (unsigned long long)n,
                          k);
        } else {
            cr_expect(!l.spans, "no spans without opts.spans or for a refused line");
        }
        cr_expect_eq(cc_plines_number(r), cc_lines_number(ref));
    }
    cc_plines_close(r);
    cc_lines_close(ref);
}

Test(plines, the_same_lines_checks_and_errors_as_lines)
{
    cc_buf b;
    size_t off[41];
    make_log(40, &b, off);
    spoil(&b, off, 7);
    spoil(&b, off, 8);
    spoil(&b, off, 30);
    cc_buf t;
    cc_buf_init(&t);
    cc_buf_append(&t, b.data, off[10]);
    cc_buf_append(&t, "\n\ngarbage\n", 10); /* two empty lines and one that is not JSON */
    cc_buf_append(&t, b.data + off[10], off[20] - off[10]);
    char lim[1001];
    memset(lim, 'z', sizeof lim);
    cc_buf_append(&t, lim, 1000); /* exactly max: a line the check refuses */
    cc_buf_append(&t, "\n", 1);
    cc_buf_append(&t, b.data + off[20], off[40] - off[20] - 30); /* the last line without its end */
    const char *tails[] = {"", "\n", "zz", NULL};
    for (int k = 0; tails[k]; k++) {
        cc_buf u;
        cc_buf_init(&u);
        cc_buf_append(&u, t.data, t.len);
        cc_buf_append(&u, tails[k], strlen(tails[k]));
        char *path = tmp_write("plines", u.data, u.len);
        static const size_t batches[] = {1, 7, 376, 377, 1000, 1001, 4096, 0};
        for (size_t th = 0; th < 4; th++)
            for (size_t i = 0; i < sizeof batches / sizeof *batches; i++) {
                expect_same_as_lines(path, 1000, threads[th], batches[i], NULL);
                expect_same_as_lines(path, 1000, threads[th], batches[i], &u);
            }
        /* and with a limit the log's own lines exceed */
        expect_same_as_lines(path, 300, 2, 700, NULL);
        expect_same_as_lines(path, 300, 3, 0, NULL);
        expect_same_as_lines(path, 300, 2, 700, &u);
        expect_same_as_lines(path, 300, 1, 100, &u);
        unlink(path);
        free(path);
        cc_buf_free(&u);
    }
    cc_buf_free(&t);
    cc_buf_free(&b);
}

Test(plines, bad_arguments_and_files)
{
    cc_plines *r = NULL;
    char why[200];
    cc_plines_opts o = {0, 0, 0, 0};
    cr_expect_eq(cc_plines_open("/dev/null", 10, &o, &r, why, sizeof why), CC_ERR_ARG);
    cr_expect_str_eq(why, "threads must be 1 to 64");
    o.threads = CC_PLINES_MAX_THREADS + 1;
    cr_expect_eq(cc_plines_open("/dev/null", 10, &o, &r, why, sizeof why), CC_ERR_ARG);
    o.threads = 2;
    cr_expect_eq(cc_plines_open("/tmp", 10, &o, &r, why, sizeof why), CC_ERR_IO);
    cr_expect_str_eq(why, "is a directory, not a file");
    cr_expect_eq(cc_plines_open("/tmp/caucus-no-such-file", 10, &o, &r, why, sizeof why), CC_ERR_IO);
    cr_expect(strstr(why, "cannot open"), "%s", why);
    cr_expect_null(r);
    cc_plines_close(NULL);
}

/* cc_verify_checked fed by plines gives cc_verify_line's result, root and messages included. */
Test(plines, verify_checked_is_verify_line)
{
    cc_buf b;
    size_t off[31];
    make_log(30, &b, off);
    for (int bad = -1; bad < 30; bad += 7) {
        if (bad >= 0)
            spoil(&b, off, bad);
        char *path = tmp_write("plines", b.data, b.len);
        for (size_t t = 0; t < 4; t++) {
            cc_verify *v1, *v2;
            cr_assert_eq(cc_verify_new(&v1), CC_OK);
            cr_assert_eq(cc_verify_new(&v2), CC_OK);
            for (int i = 0; i < 30; i++)
                if (cc_verify_line(v1, b.data + off[i], off[i + 1] - off[i] - 1, 1) != CC_OK)
                    break;
            cc_plines *r = open_log(path, 1000, threads[t], 1000);
            cc_plines_line l;
            char why[200];
            while (cc_plines_next(r, &l, why, sizeof why) == CC_OK &&
                   cc_verify_checked(v2, l.complete, l.check, l.head, l.err, l.leaf) == CC_OK)
                ;
            cc_plines_close(r);
            cc_verify_result a, c;
            cc_verify_finish(v1, &a);
            cc_verify_finish(v2, &c);
            cr_expect(memcmp(&a, &c, sizeof a) == 0, "bad %d threads %u: %s / %s", bad, threads[t], a.why,
                      c.why);
            cr_expect_eq(a.bad, bad >= 0);
            cc_verify_free(v1);
            cc_verify_free(v2);
        }
        unlink(path);
        free(path);
    }
    cc_buf_free(&b);
}
