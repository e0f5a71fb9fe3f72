#!/usr/bin/env python3
"""Event streams that sleep through commits they may not see (docs/http-api.md, GET /api/events):
a commit wakes a viewer's waiting streams only when the viewer may see one of its events. The
oracle: whatever a stream delivered while it slept and woke must be exactly what a fresh stream
opened afterwards with Last-Event-ID at the same position delivers (the same frames, by id and
content), for every seat and for control; and each seat gets exactly the injects its label rights
give it; and the sleeping streams ping after 15 s of silence, once. The server runs two network
threads (--threads 2: streams woken by one commit are sent from both, while the handlers run one
at a time); every other HTTP test runs the default (one per online CPU, at most 4).
Usage: wake_test.py CAUCUS_BIN WORKDIR; prints "N passed, N failed"."""
import http.client
import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, free_port, start_serve  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
check = Checks()
for bad in ("0", "65"):
    r = subprocess.run([BIN, "serve", "scenarios/ncg-policy-ttx.yaml", "--threads", bad], capture_output=True, text=True)
    check("--threads %s is refused, saying the range" % bad,
          r.returncode == 2 and "--threads takes 1 to 64, not %s" % bad in r.stderr, (r.returncode, r.stderr))
port = free_port()
codes_file = os.path.join(WORK, "codes.json")
out = open(os.path.join(WORK, "serve.out"), "w+")
srv = start_serve(BIN, ["scenarios/ncg-policy-ttx.yaml", "--db", os.path.join(WORK, "w.db"), "--codes", codes_file,
                        "--join-per-min", "1000", "--max-per-ip", "0", "--threads", "2"], port, out)
codes = json.load(open(codes_file))
FRAME = re.compile(rb"id: (\d+)\nevent: caucus\ndata: (.*)\n\n")


def join(code):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request("POST", "/api/join", body=json.dumps({"code": code}),
              headers={"Content-Type": "application/json", "Host": "127.0.0.1:%d" % port})
    r = c.getresponse()
    body = json.loads(r.read())
    cookie = re.match(r"(caucus_session=[0-9a-f]{64})", r.getheader("Set-Cookie")).group(1)
    c.close()
    return cookie, body["csrf"]


def post(cookie, csrf, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request("POST", "/api/input", body=json.dumps(body), headers={
        "Content-Type": "application/json", "Host": "127.0.0.1:%d" % port, "Cookie": cookie, "X-CSRF-Token": csrf})
    r = c.getresponse()
    j = json.loads(r.read())
    c.close()
    return r.status, j


def open_stream(cookie, last=None):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    hdr = "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n" % (port, cookie)
    if last is not None:
        hdr += "Last-Event-ID: %d\r\n" % last
    s.sendall((hdr + "\r\n").encode())
    s.setblocking(False)
    return {"sock": s, "buf": b""}


def pump(streams, quiet=1.0, limit=20.0):
    """Reads every stream until none has received anything for `quiet` seconds."""
    sel = selectors.DefaultSelector()
    for st in streams:
        sel.register(st["sock"], selectors.EVENT_READ, st)
    last, end = time.time(), time.time() + limit
    while time.time() - last < quiet and time.time() < end:
        for key, _ in sel.select(timeout=0.1):
            try:
                chunk = key.data["sock"].recv(65536)
            except BlockingIOError:
                continue
            if chunk:
                key.data["buf"] += chunk
                last = time.time()
    sel.close()


def frames(st):
    return [(int(m.group(1)), m.group(2)) for m in FRAME.finditer(st["buf"])]


seats = sorted(k for k in codes if k != "control")
cookies = {k: join(codes[k]) for k in seats}
ctl = join(codes["control"])
for a in ("start", "pause"):
    post(ctl[0], ctl[1], {"do": a})
viewers = seats + ["control"]
live = {v: open_stream((ctl if v == "control" else cookies[v])[0]) for v in viewers}
pump(list(live.values()))
mark = {v: (frames(live[v])[-1][0] if frames(live[v]) else -1) for v in viewers}
check("every stream has its history", all(mark[v] >= 0 for v in viewers), mark)

# commits no seat may see (control's notes), then a USA-only inject, more notes, an alliance one
for i in range(30):
    post(ctl[0], ctl[1], {"do": "note", "text": "control note %d" % i})
usa = {k for k in seats if k.startswith("usa-")}
alliance = {k for k in seats if k.startswith("usa-") or k.startswith("kor-")}
code, res = post(ctl[0], ctl[1], {"do": "add", "inject": {
    "id": "W-1", "title": "National update", "body": "for the USA seats", "label": "CONFIDENTIAL//NOFORN",
    "from": "usa-intel", "to": ["party:USA"], "channel": "message"}})
check("the USA-only inject is added", code == 200 and not res.get("refused"), res)
for i in range(10):
    post(ctl[0], ctl[1], {"do": "note", "text": "later note %d" % i})
code, res = post(ctl[0], ctl[1], {"do": "add", "inject": {
    "id": "W-2", "title": "Alliance update", "body": "for the alliance", "label": "UNCLASSIFIED//REL TO ALLIANCE",
    "from": "control", "to": ["all"], "channel": "message"}})
check("the alliance inject is added", code == 200 and not res.get("refused"), res)
pump(list(live.values()))

fresh = {v: open_stream((ctl if v == "control" else cookies[v])[0], mark[v]) for v in viewers}
pump(list(fresh.values()))
for v in viewers:
    got = [f for f in frames(live[v]) if f[0] > mark[v]]
    want = frames(fresh[v])
    check("%s: the woken stream sent exactly what a fresh one sends" % v, got == want,
          "woken ids %s, fresh ids %s" % ([f[0] for f in got], [f[0] for f in want]))
    items = {m.group(1).decode() for _, d in got if b'"type":"delivery"' in d
             for m in [re.search(rb'"item":"(W-\d)"', d)] if m}
    expect = ({"W-1"} if v in usa else set()) | ({"W-2"} if v in alliance else set())
    if v != "control":
        check("%s: receives exactly the injects its label rights give it" % v, items == expect,
              "got %s, expected %s" % (sorted(items), sorted(expect)))
control_ids = [f[0] for f in frames(live["control"]) if f[0] > mark["control"]]
check("control's stream saw the notes the seats slept through", len(control_ids) >= 40, control_ids)
# Idle streams ping: every 15 s the server wakes the streams that have sent nothing for 15 s (and
# only those); each sends ": ping" 15 to 30 s after its last frame, and nothing else meanwhile.
idle = list(live.values()) + list(fresh.values())
sel = selectors.DefaultSelector()
for st in idle:
    st["rest"], st["ping_at"] = b"", None
    sel.register(st["sock"], selectors.EVENT_READ, st)
quiet_from, end = time.time(), time.time() + 33.0
while time.time() < end and any(st["ping_at"] is None for st in idle):
    for key, _ in sel.select(timeout=0.2):
        try:
            chunk = key.data["sock"].recv(65536)
        except BlockingIOError:
            continue
        key.data["rest"] += chunk
        if key.data["ping_at"] is None and b": ping\n\n" in key.data["rest"]:
            key.data["ping_at"] = time.time()
sel.close()
late = [round(st["ping_at"] - quiet_from, 1) if st["ping_at"] else None for st in idle]
check("every idle stream pings within 30 s of its last frame",
      all(st["ping_at"] is not None for st in idle), late)
check("no stream pings within 14 s of its last frame",
      all(st["ping_at"] is None or st["ping_at"] - quiet_from >= 14.0 for st in idle), late)
PING = b"8\r\n: ping\n\n\r\n"  # one chunk of the chunked response
check("an idle stream sends its ping and nothing else", all(st["rest"] == PING for st in idle),
      [st["rest"][:60] for st in idle if st["rest"] != PING])
for st in idle:
    st["sock"].close()
srv.send_signal(signal.SIGINT)
srv.wait(timeout=30)
sys.exit(check.summary())
