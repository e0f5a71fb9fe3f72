#!/usr/bin/env python3
"""Two `caucus serve` processes on one PostgreSQL store serve the same exercise: a USA player on
one and a KOR player on the other see each other's actions; a logout on one ends the session on
the other (its state, its inputs and its open stream); afterwards the shared log is one sound chain
that replays byte for byte.

Usage: two_servers.py CAUCUS_BIN WORKDIR PG_URI. Prints "N passed, N failed"."""
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from api_test import Client, Server, check, sse  # noqa: E402
from harness import sanitizer_report  # noqa: E402
import api_test  # noqa: E402
import openapi_check  # noqa: E402

BIN, WORK, URI = sys.argv[1], sys.argv[2], sys.argv[3]
api_test.BIN, api_test.WORK = BIN, WORK
schema = "two_servers_%d" % os.getpid()
subprocess.run(["psql", URI, "-qc", "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE; "
                "CREATE SCHEMA %s" % (schema, schema)], check=True, capture_output=True)
store = URI + ("&" if "?" in URI else "?") + "options=-csearch_path%3D" + schema
common = ["--store", store, "--key", os.path.join(WORK, "k"), "--checkpoint-dir", os.path.join(WORK, "cps")]
codes_file = os.path.join(WORK, "codes2.json")


def wait_for(fn, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        r = fn()
        if r:
            return r
        time.sleep(0.1)
    return fn()


def main():
    a = Server(["scenarios/ncg-policy-ttx.yaml", "--codes", codes_file, "--seed", "5"] + common)
    codes = json.load(open(codes_file))
    b = Server(["--exercise", "1"] + common)
    check("two servers on different ports", a.port != b.port)
    ctl, usa, kor = Client(a.port), Client(a.port), Client(b.port)
    check("control joins on A", ctl.join(codes["control"])[0] == 200)
    check("USA joins on A", usa.join(codes["usa-chair"])[0] == 200)
    check("KOR joins on B", kor.join(codes["kor-chair"])[0] == 200)
    st, j, _, _ = ctl.input({"do": "start"})
    check("control starts the clock on A", st == 200 and not j["refused"], j)
    ctl.input({"do": "speed", "factor": "1000"})

    def kor_items():
        st, s, _, _ = kor.req("GET", "/api/state")
        return st == 200 and s["clock"]["running"] and len(s["items"]) >= 1 and s

    s = wait_for(kor_items)
    check("B sees the clock A started and the injects it released", bool(s), s and s["clock"])
    st, j, _, _ = kor.input({"do": "message", "to": ["usa-chair"], "text": "KOR to USA via server B",
                             "label": "UNCLASSIFIED//REL TO KOR, USA"})
    check("KOR sends a message on B", st == 200 and not j["refused"], j)

    def usa_has(text):
        def f():
            st, s, _, _ = usa.req("GET", "/api/state")
            return st == 200 and any(i.get("text") == text for i in s["items"])
        return f

    check("USA on A receives KOR's message from B", wait_for(usa_has("KOR to USA via server B")))
    st, cur, _, _ = usa.req("GET", "/api/state")
    st, j, _, _ = usa.input({"do": "message", "to": ["kor-chair"], "text": "USA to KOR via server A",
                             "label": "UNCLASSIFIED//REL TO KOR, USA"})
    check("USA answers on A", st == 200 and not j["refused"], j)

    def kor_has():
        st, s, _, _ = kor.req("GET", "/api/state")
        return st == 200 and any(i.get("text") == "USA to KOR via server A" for i in s["items"])

    check("KOR on B receives USA's answer from A", wait_for(kor_has))
    status, frames = sse(b.port, kor.cookie, want=1000, timeout=2)
    check("B's event stream carries A's delivery to KOR",
          any(f[1]["type"] == "delivery" and f[1]["payload"].get("text") == "USA to KOR via server A"
              for f in frames))
    st, j, _, _ = ctl.input({"do": "pause"})
    check("control pauses on A", st == 200 and not j["refused"], j)
    st, sb, _, _ = kor.req("GET", "/api/state")
    sb = wait_for(lambda: (lambda r: r[0] == 200 and not r[1]["clock"]["running"] and r[1])(kor.req("GET",
                                                                                                    "/api/state")))
    check("B sees the pause", bool(sb))
    # a logout on A ends the session on B too: state, inputs and the open stream (issue 23)
    stream, sst = api_test.open_stream(b.port, kor.cookie)
    check("KOR's stream on B opens", sst == 200, sst)
    on_a = Client(a.port)
    on_a.cookie, on_a.csrf = kor.cookie, kor.csrf
    st, _, _, _ = on_a.req("POST", "/api/logout", {})
    check("KOR's session logs out on A", st == 204, st)
    stream.settimeout(5)
    t0 = time.time()
    closed, buf = False, b""
    try:
        while time.time() - t0 < 5:
            chunk = stream.recv(65536)
            buf += chunk
            if not chunk or (b"\r\n" + buf).endswith(b"\r\n0\r\n\r\n"):  # closed, or the response's last chunk
                closed = True
                break
    except socket.timeout:
        closed = False
    except OSError:
        closed = True
    stream.close()
    check("B ends the logged-out session's stream within seconds, with no request on B (%.1f s)" %
          (time.time() - t0), closed, buf[-300:])
    st, j, _, _ = kor.req("GET", "/api/state")
    check("B no longer answers the state to the logged-out cookie", st == 401 and j["code"] == "no-session", (st, j))
    st, j, _, _ = kor.input({"do": "note", "text": "after logout elsewhere"})
    check("B no longer takes its inputs", st == 401, (st, j))
    check("A stops cleanly", a.stop() == 0)
    check("B stops cleanly", b.stop() == 0)
    log = os.path.join(WORK, "shared.jsonl")
    v = subprocess.run([BIN, "export", store, "--exercise", "1", "--log", log], capture_output=True, text=True)
    check("the shared log exports", v.returncode == 0, v.stderr)
    v = subprocess.run([BIN, "verify", store, "--exercise", "1", "--key", os.path.join(WORK, "k.pub")],
                       capture_output=True, text=True)
    check("the shared log is one sound chain with valid checkpoints", v.returncode == 0 and "verified" in v.stdout,
          v.stdout + v.stderr)
    n = sum(1 for _ in open(log))
    v = subprocess.run([BIN, "replay", log, "--until", str(n - 1)], capture_output=True, text=True)
    check("the shared log replays byte for byte", v.returncode == 0, v.stdout + v.stderr)
    # store failures answer 503 store-failed: a table taken away under a running server
    c = Server(["--exercise", "1"] + common)
    ctl3 = Client(c.port)
    check("control joins on C", ctl3.join(codes["control"])[0] == 200)

    def without(table, fn):
        subprocess.run(["psql", URI, "-qc", "ALTER TABLE %s.%s RENAME TO %s_gone" % (schema, table, table)],
                       capture_output=True, check=True)
        try:
            return fn()
        finally:
            subprocess.run(["psql", URI, "-qc", "ALTER TABLE %s.%s_gone RENAME TO %s" % (schema, table, table)],
                           capture_output=True, check=True)

    st, j, _ = without("session", lambda: Client(c.port).join(codes["usa-chair"]))
    check("join when the store fails: 503 store-failed", st == 503 and j["code"] == "store-failed", (st, j))
    st, j, _, _ = without("plan_item", lambda: ctl3.req("GET", "/api/plan"))
    check("GET /api/plan when the store fails: 503", st == 503 and j["code"] == "store-failed", (st, j))
    st, j, _, _ = without("plan_item", lambda: ctl3.req("POST", "/api/plan", {"verb": "add", "issue": "x"}))
    check("POST /api/plan when the store fails: 503", st == 503 and j["code"] == "store-failed", (st, j))
    st, j, _, _ = without("event", lambda: ctl3.req("GET", "/api/log"))
    check("GET /api/log when the store fails: 503", st == 503 and j["code"] == "store-failed", (st, j))
    st, j, _, _ = without("event", lambda: ctl3.input({"do": "pause"}))
    check("POST /api/input when the store fails: 503", st == 503 and j["code"] == "store-failed", (st, j))
    st, j, _, _ = ctl3.req("GET", "/api/state")
    check("C still answers once the store is back", st == 200, st)
    check("C stops cleanly", c.stop() == 0)
    subprocess.run(["psql", URI, "-qc", "SET client_min_messages = warning; DROP SCHEMA %s CASCADE" % schema],
                   capture_output=True)
    for srv in (a, b, c):  # a sanitizer build prints its reports there
        check("no sanitizer report from server %d" % srv.port, not sanitizer_report(srv.text()),
              srv.text()[-2000:])
    openapi_check.check_all(check)  # every answer above against the OpenAPI document
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
