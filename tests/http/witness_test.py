#!/usr/bin/env python3
"""A live server with a witness (docs/tamper-evidence.md, "Witnesses"), standard library only.

Usage: witness_test.py CAUCUS_BIN WORKDIR. Starts `caucus witness --listen` and `caucus serve
--witness URL --witness-key KEY --checkpoint-every 5`; every checkpoint the server stores carries
the witness's cosignature, and `caucus verify --cosigner W=KEY --require W` proves the whole log.
Then the store is rolled back (a copy holding only its first events and their checkpoint, resumed
with the same key): the witness refuses the smaller tree, the server says so, and the rolled-back
store is not provable with the witness required. Prints "N passed, N failed"."""
import http.client
import json
import os
import re
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
check = Checks(width=3000)
PROCS = []


def start(args, ready="listening on"):
    out = open(os.path.join(WORK, "p%d.out" % len(PROCS)), "w+")
    p = subprocess.Popen([BIN] + args, stdout=out, stderr=subprocess.STDOUT)
    PROCS.append(p)
    for _ in range(200):
        out.seek(0)
        if ready in out.read():
            return p, out
        if p.poll() is not None:
            break
        time.sleep(0.05)
    out.seek(0)
    raise SystemExit("did not start: %s %s" % (args, out.read()))


def text(out):
    out.seek(0)
    return out.read()


def post(port, cookie, csrf, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Host": "127.0.0.1:%d" % port, "Content-Type": "application/json"}
    if cookie:
        h["Cookie"], h["X-CSRF-Token"] = cookie, csrf
    c.request("POST", "/api/input" if cookie else "/api/join", json.dumps(body), h)
    r = c.getresponse()
    data = r.read()
    openapi_check.record("POST", "/api/input" if cookie else "/api/join", r.status, r.getheader("Content-Type"), data)
    c.close()
    return r.status, data, r.getheader("Set-Cookie", "")


def main():
    run = lambda *a: subprocess.run([BIN] + list(a), capture_output=True, text=True)  # noqa: E731
    run("keygen", "witness.example/w1", "--cosigner", "--out", WORK + "/w")
    run("keygen", "caucus.example/log", "--out", WORK + "/log")
    wport = free_port()
    wit, wout = start(["witness", "--key", WORK + "/w", "--state", WORK + "/wstate", "--log-key", WORK + "/log.pub",
                       "--listen", "127.0.0.1:%d" % wport])
    url = "http://127.0.0.1:%d/add-checkpoint" % wport
    db = WORK + "/s.db"
    port = free_port()
    srv, sout = start(["serve", SCEN, "--db", db, "--key", WORK + "/log", "--codes", WORK + "/codes.json",
                       "--checkpoint-every", "5", "--witness", url, "--witness-key", WORK + "/w.pub",
                       "--listen", "127.0.0.1:%d" % port])
    codes = json.load(open(WORK + "/codes.json"))
    st, data, cookie = post(port, None, None, {"code": codes["control"]})
    check("control joins", st == 200, data)
    cookie = re.match(r"(caucus_session=[0-9a-f]{64})", cookie).group(1)
    csrf = json.loads(data)["csrf"]
    for inj in ("I-01", "I-02", "I-03"):
        st, data, _ = post(port, cookie, csrf, {"do": "release", "inject": inj})
        check("release " + inj, st == 200, data)
    srv.send_signal(signal.SIGINT)
    check("the server stops cleanly", srv.wait(timeout=30) == 0, text(sout))
    check("no witness problem reported", re.search(r"caucus serve: witness", text(sout)) is None, text(sout))
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    notes = [r[0] for r in c.execute("SELECT CAST(note AS TEXT) FROM checkpoint ORDER BY size")]
    sizes = [r[0] for r in c.execute("SELECT size FROM checkpoint ORDER BY size")]
    c.close()
    check("several checkpoints were made", len(notes) >= 3, sizes)
    check("every stored checkpoint carries the witness's cosignature",
          notes and all("\u2014 witness.example/w1 " in n for n in notes), notes[:2])
    v = run("verify", db, "--key", WORK + "/log.pub", "--cosigner", "W=" + WORK + "/w.pub", "--require", "W")
    check("verify --require W proves the log", v.returncode == 0 and "cosigned by W at" in v.stdout, v.stdout + v.stderr)

    # roll back: a copy holding only the first checkpoint's events, resumed with the same key
    rb = WORK + "/rb.db"
    run("backup", db, rb)
    first = sizes[0]
    c = sqlite3.connect(rb)
    c.execute("DELETE FROM event WHERE seq >= ?", (first,))
    c.execute("DELETE FROM checkpoint WHERE size > ?", (first,))
    c.commit()
    c.close()
    port2 = free_port()
    srv2, sout2 = start(["serve", "--exercise", "1", "--db", rb, "--key", WORK + "/log", "--checkpoint-every", "5",
                         "--witness", url, "--witness-key", WORK + "/w.pub", "--listen", "127.0.0.1:%d" % port2])
    # a join writes events; the shutdown checkpoint is then a tree the witness has not seen grow
    post(port2, None, None, {"code": codes["usa-chair"]})
    srv2.send_signal(signal.SIGINT)
    srv2.wait(timeout=30)
    out2 = text(sout2)
    check("the witness refused the rolled-back log, and the server said so",
          re.search(r"witness refused the checkpoint of size \d+ \((409|422|400)\)", out2) is not None, out2)
    v = run("verify", rb, "--key", WORK + "/log.pub", "--cosigner", "W=" + WORK + "/w.pub", "--require", "W")
    check("the rolled-back store is not provable with the witness required", v.returncode == 3, v.stdout + v.stderr)
    check("the witness logged its refusals", re.search(r"add-checkpoint: (409|422|400) ", text(wout)) is not None,
          text(wout))
    wit.send_signal(signal.SIGINT)
    wit.wait(timeout=30)
    check("no sanitizer report", not any(sanitizer_report(text(o)) for o in (wout, sout, sout2)))
    openapi_check.check_all(check)  # every answer above against the OpenAPI document
    return check.summary()


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        for p in PROCS:
            if p.poll() is None:
                p.kill()
