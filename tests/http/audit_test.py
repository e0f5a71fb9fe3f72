#!/usr/bin/env python3
"""Fail-closed audit (docs/http-api.md, "Fail closed"), standard library only.

Usage: audit_test.py CAUCUS_BIN WORKDIR. An audited read (an item by id, a search, the log, the
report) and a join are answered only once their audit record is durable. With the SQLite store
locked by another process, full (the server's file-size limit reached) and read-only (the
write-ahead log made immutable), each is answered 503 with Retry-After and nothing of the item;
once the store takes writes again the same request is served, and the store then holds exactly
one record per answered read. Prints "N passed, N failed"."""
import http.client
import json
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, free_port, sanitizer_report  # noqa: E402
import openapi_check  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
SCEN = "scenarios/ncg-policy-ttx.yaml"
check = Checks(width=2000)
ITEM_TEXT = None  # the title of I-01, which must never appear in a refused answer


class Client:
    def __init__(self, port):
        self.port, self.cookie, self.csrf = port, None, None

    def req(self, method, path, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"Host": "127.0.0.1:%d" % self.port}
        if self.cookie:
            h["Cookie"] = self.cookie
        if body is not None:
            h["Content-Type"] = "application/json"
        if self.csrf:
            h["X-CSRF-Token"] = self.csrf
        c.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=h)
        r = c.getresponse()
        payload = r.read()
        openapi_check.record(method, path, r.status, r.getheader("Content-Type"), payload)
        c.close()
        return r.status, payload, r

    def join(self, code):
        st, payload, r = self.req("POST", "/api/join", {"code": code})
        m = re.match(r"(caucus_session=[0-9a-f]{64})", r.getheader("Set-Cookie", "") or "")
        if st == 200 and m:
            self.cookie, self.csrf = m.group(1), json.loads(payload)["csrf"]
        return st, payload, r


def records(db, kind, needle=""):
    """Audit records of one kind in the store (read-only, outside the server)."""
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    n = c.execute("SELECT count(*) FROM event WHERE line LIKE ? AND line LIKE ?",
                  ('%%"type":"%s"%%' % kind, "%%%s%%" % needle)).fetchone()[0]
    c.close()
    return n


def refused(name, st, payload, r, code=b'"audit-failed"'):
    """The fail-closed answer: 503, Retry-After, code audit-failed, nothing of the item."""
    check(name + ": 503", st == 503, (st, payload[:200]))
    check(name + ": Retry-After", (r.getheader("Retry-After") or "").isdigit(), r.getheaders())
    check(name + ": code " + code.decode(), code in payload, payload[:300])
    check(name + ": nothing of the item", ITEM_TEXT.encode() not in payload and b"REL TO" not in payload,
          payload[:300])
    check(name + ": no session cookie", r.getheader("Set-Cookie") is None, r.getheader("Set-Cookie"))


def served_once(name, db, ctl, before):
    st, payload, _ = ctl.req("GET", "/api/items/I-01")
    check(name + ": served again once the store takes writes", st == 200 and ITEM_TEXT.encode() in payload,
          (st, payload[:200]))
    after = records(db, "access.read", '"item":"I-01"')
    check(name + ": exactly one access.read per answered read", after == before + 1, (before, after))
    return after


def main():
    global ITEM_TEXT
    db = os.path.join(WORK, "audit.db")
    cf = os.path.join(WORK, "codes.json")
    port = free_port()
    out = open(os.path.join(WORK, "serve.out"), "w+")

    def no_sigxfsz():  # a write over the file-size limit fails with EFBIG instead of killing
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    srv = subprocess.Popen([BIN, "serve", SCEN, "--db", db, "--codes", cf, "--seed", "3", "--store-wait", "1500",
                            "--join-per-min", "100", "--listen", "127.0.0.1:%d" % port],
                           stdout=out, stderr=subprocess.STDOUT, preexec_fn=no_sigxfsz)
    SERVERS.append(srv)
    for _ in range(200):
        out.seek(0)
        if "listening on" in out.read():
            break
        time.sleep(0.05)
    codes = json.load(open(cf))
    ctl = Client(port)
    st, _, _ = ctl.join(codes["control"])
    check("control joins", st == 200, st)
    st, payload, _ = ctl.req("POST", "/api/input", {"do": "release", "inject": "I-01"})
    check("I-01 released", st == 200, payload)
    st, payload, _ = ctl.req("GET", "/api/items/I-01")
    check("a read is served", st == 200, payload[:200])
    ITEM_TEXT = json.loads(payload)["title"]
    n = records(db, "access.read", '"item":"I-01"')
    check("the read is recorded", n == 1, n)
    joins = records(db, "session.join")

    # 1. locked: another process holds the write lock
    lock = sqlite3.connect(db, isolation_level=None, timeout=30)
    lock.execute("BEGIN IMMEDIATE")
    t0 = time.time()
    refused("locked: item", *ctl.req("GET", "/api/items/I-01"))
    check("locked: the answer comes after the store wait, not a hang", time.time() - t0 < 30, time.time() - t0)
    refused("locked: search", *ctl.req("GET", "/api/search?q=" + ITEM_TEXT.split()[0]))
    refused("locked: log", *ctl.req("GET", "/api/log"))
    usa = Client(port)
    # the session cannot be stored either: no session, no record
    refused("locked: join", *usa.join(codes["usa-chair"]), code=b'"store-failed"')
    st, _, _ = usa.req("GET", "/api/state")
    check("locked: a refused join opened no session", st == 401, st)
    lock.execute("ROLLBACK")
    lock.close()
    check("locked: nothing was recorded meanwhile", records(db, "access.read", '"item":"I-01"') == n)
    n = served_once("locked", db, ctl, n)
    st, _, _ = usa.join(codes["usa-chair"])
    check("locked: the join succeeds afterwards", st == 200, st)
    check("locked: one session.join per answered join", records(db, "session.join") == joins + 1,
          (joins, records(db, "session.join")))

    # 2. full: the server may not grow its files any more (a disk that is full)
    wal = db + "-wal"
    size = os.path.getsize(wal)
    hard = resource.prlimit(srv.pid, resource.RLIMIT_FSIZE)[1]
    resource.prlimit(srv.pid, resource.RLIMIT_FSIZE, (size, hard))
    refused("full: item", *ctl.req("GET", "/api/items/I-01"))
    refused("full: report", *ctl.req("GET", "/api/report"))
    resource.prlimit(srv.pid, resource.RLIMIT_FSIZE, (hard, hard))
    n = served_once("full", db, ctl, n)

    # 3. read-only: the write-ahead log cannot be written (immutable, even for root)
    ro = subprocess.run(["chattr", "+i", wal], capture_output=True, text=True)
    check("read-only: chattr +i works here (ext4, root)", ro.returncode == 0, ro.stderr)
    try:
        refused("read-only: item", *ctl.req("GET", "/api/items/I-01"))
    finally:
        subprocess.run(["chattr", "-i", wal])
    n = served_once("read-only", db, ctl, n)

    srv.send_signal(signal.SIGINT)
    check("server stops cleanly", srv.wait(timeout=30) == 0)
    out.seek(0)
    text = out.read()
    check("no sanitizer report", not sanitizer_report(text), text[-2000:])
    v = subprocess.run([BIN, "verify", db, "--exercise", "1", "--key", db + ".key.pub"], capture_output=True,
                       text=True)
    check("the store verifies after the refusals", v.returncode == 0, v.stdout + v.stderr)
    v = subprocess.run([BIN, "verify", db], capture_output=True, text=True)
    check("the server pinned its key: verify trusts it on first use, loudly",
          v.returncode == 0 and "trust on first use" in v.stdout and "every event covered" in v.stdout,
          v.stdout + v.stderr)
    other = os.path.join(WORK, "other.key")
    subprocess.run([BIN, "keygen", "other.example", "--out", other], capture_output=True)
    r = subprocess.run([BIN, "serve", "--exercise", "1", "--db", db, "--key", other, "--listen",
                        "127.0.0.1:%d" % free_port()], capture_output=True, text=True, timeout=60)
    check("a server with another key is refused for the exercise",
          r.returncode != 0 and "is pinned to the checkpoint key" in r.stderr, r.stdout + r.stderr)
    openapi_check.check_all(check)  # every answer above against the OpenAPI document
    return check.summary()


SERVERS = []

if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        for p in SERVERS:  # a check that raised leaves no server behind
            if p.poll() is None:
                p.kill()
