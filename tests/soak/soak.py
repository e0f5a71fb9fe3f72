#!/usr/bin/env python3
"""Soak test of `caucus serve` (make soak): MINUTES of load on loopback with PLAYERS simulated
players (every seat of the policy TTX sample, several players per seat) acting at random over
HTTP (notes, messages, acknowledgements, votes, positions) while control runs the clock, and a
SIGKILL of the server every KILL_EVERY seconds followed by a restart on the same store
(`--exercise 1`). Afterwards: every action the server acknowledged (HTTP 200 with its event
numbers) is in the log, `caucus verify` passes on the store with its signed checkpoints, and
the server's RSS stayed flat (the last samples within 25% + 8 MiB of the samples after
warm-up). Every loop is bounded in count and time.

Usage: soak.py CAUCUS_BIN WORKDIR [MINUTES] [PLAYERS] [KILL_EVERY_S]"""
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http"))
from harness import Checks, free_port, start_serve  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
MINUTES = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
PLAYERS = int(sys.argv[4]) if len(sys.argv) > 4 else 500
KILL_EVERY = float(sys.argv[5]) if len(sys.argv) > 5 else 120.0
DB = os.path.join(WORK, "soak.db")
rng = random.Random(20261128)


PORT = free_port()
log = open(os.path.join(WORK, "soak-server.out"), "a")


def start(args):
    return start_serve(BIN, args + ["--db", DB, "--join-per-min", "100000", "--streams-per-session", "1000",
                                    "--max-per-ip", "0", "--checkpoint-every", "500"], PORT, log, tries=600)


codes_file = os.path.join(WORK, "codes.json")
srv = start(["scenarios/ncg-policy-ttx.yaml", "--codes", codes_file, "--seed", "3"])
codes = json.load(open(codes_file))


def req(method, path, body=None, cookie=None, csrf=None):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    h = {"Host": "127.0.0.1:%d" % PORT, "Content-Type": "application/json"}
    if cookie:
        h["Cookie"] = cookie
    if csrf:
        h["X-CSRF-Token"] = csrf
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data, r


def join(code):
    st, data, r = req("POST", "/api/join", {"code": code})
    assert st == 200, data
    return re.match(r"(caucus_session=[0-9a-f]{64})", r.getheader("Set-Cookie")).group(1), json.loads(data)["csrf"]


seats = [k for k in codes if k != "control"]
sessions = {k: join(codes[k]) for k in seats}
ctl = join(codes["control"])
req("POST", "/api/input", {"do": "start"}, *ctl)
req("POST", "/api/input", {"do": "speed", "factor": "20"}, *ctl)

acked = set()
errors = {"conn": 0, "http": 0}
lock = threading.Lock()
stop_at = time.time() + MINUTES * 60
stop = threading.Event()


def player(i):
    seat = seats[i % len(seats)]
    cookie, csrf = sessions[seat]
    prng = random.Random(i)
    while not stop.is_set() and time.time() < stop_at:
        kind = prng.random()
        if kind < 0.5:
            body = {"do": "note", "text": "player %d note %d" % (i, prng.randrange(10 ** 6))}
        elif kind < 0.8:
            other = seats[prng.randrange(len(seats))]
            body = {"do": "message", "to": [other], "text": "player %d to %s" % (i, other),
                    "label": "UNCLASSIFIED//REL TO EXCON, KOR, USA"}
        else:
            try:
                st, data, _ = req("GET", "/api/state", cookie=cookie)
                s = json.loads(data) if st == 200 else {}
            except OSError:
                s = {}
            cons = [c for c in s.get("consultations", []) if c.get("state") == "in progress"]
            decs = [d for d in s.get("decisions", []) if d.get("state") == "open"]
            if decs and prng.random() < 0.5:
                d = decs[0]
                body = {"do": "vote", "decision": d["id"], "option": d["options"][0]["id"]}
            elif cons:
                body = {"do": "acknowledge", "consultation": cons[0]["id"]}
            else:
                body = {"do": "note", "text": "player %d waiting" % i}
        try:
            st, data, _ = req("POST", "/api/input", body, cookie, csrf)
            if st == 200:
                seq = json.loads(data)["seq"]
                with lock:
                    acked.add(seq[0])
            elif st not in (400,):
                with lock:
                    errors["http"] += 1
        except (OSError, http.client.HTTPException):
            with lock:
                errors["conn"] += 1
            time.sleep(0.2)
        time.sleep(prng.uniform(0.5, 3.0))


threads = [threading.Thread(target=player, args=(i,), daemon=True) for i in range(PLAYERS)]
for t in threads:
    t.start()
rss = []
kills = 0
next_kill = time.time() + KILL_EVERY
while time.time() < stop_at:
    time.sleep(1.0)
    try:
        rss.append(int([l for l in open("/proc/%d/status" % srv.pid) if l.startswith("VmRSS:")][0].split()[1]))
    except (OSError, IndexError):
        pass
    if time.time() >= next_kill and time.time() < stop_at - 10:
        srv.send_signal(signal.SIGKILL)
        srv.wait()
        kills += 1
        srv = start(["--exercise", "1"])
        rss = []  # a restarted server warms up again
        next_kill = time.time() + KILL_EVERY
stop.set()
for t in threads:
    t.join(timeout=15)
srv.send_signal(signal.SIGINT)
rc_stop = srv.wait(timeout=60)

check = Checks(width=2000, verbose=True)

out = os.path.join(WORK, "soak.jsonl")
v = subprocess.run([BIN, "export", DB, "--exercise", "1", "--log", out], capture_output=True, text=True)
check("export", v.returncode == 0, v.stderr)
have = {}
for line in open(out):
    r = json.loads(line)
    have[r["seq"]] = r["type"]
missing = [s for s in acked if have.get(s) != "input"]
check("every acknowledged action is in the log (%d acknowledged)" % len(acked), not missing and acked, missing[:10])
v = subprocess.run([BIN, "verify", DB, "--exercise", "1", "--key", DB + ".key.pub"], capture_output=True, text=True)
check("caucus verify passes with the signed checkpoints", v.returncode == 0 and "verified" in v.stdout,
      v.stdout + v.stderr)
check("the server stopped cleanly", rc_stop == 0, rc_stop)
if len(rss) >= 20:
    q = len(rss) // 4
    early = sorted(rss[q:2 * q])[len(rss[q:2 * q]) // 2]
    late = sorted(rss[-q:])[len(rss[-q:]) // 2]
    check("RSS stayed flat (median %d KiB after warm-up, %d KiB at the end)" % (early, late),
          late <= early * 1.25 + 8192)
else:
    check("enough RSS samples since the last restart", False, len(rss))
print("soak: %.1f min, %d players, %d kills, %d events, %d acknowledged actions, %d connection errors "
      "(during restarts), %d other HTTP errors" % (MINUTES, PLAYERS, kills, len(have), len(acked), errors["conn"],
                                                    errors["http"]))
sys.exit(check.summary())
