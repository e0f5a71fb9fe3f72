#!/usr/bin/env python3
"""The live server's views of a log longer than what it keeps in memory (docs/http-api.md):
`caucus serve` keeps the frames of only the most recent events and lists only the most recent
items and notes in a state; everything older is read back from the store. Standard library only.

Usage: backlog_test.py CAUCUS_BIN WORKDIR. Three players exchange some 3,600 messages and notes
(about 10,000 events) while event streams for control, a USA seat and a KOR seat follow live. Then:
a stream from the start (read back from the store) carries exactly the frames the live stream
carried, byte for byte, for each viewer; the state lists the last 500 items and notes with the
totals; an old item by id is the sender's and the recipient's as it was when delivered and
not found for a seat it was not sent to; the same after a SIGKILL and a resume; and /api/log is
the exported log byte for byte. Prints "N passed, N failed"."""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, free_port, start_serve, sanitizer_report  # noqa: E402
import openapi_check  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
SCEN = "scenarios/ncg-policy-ttx.yaml"
KEEP = 500
check = Checks()
DB = os.path.join(WORK, "backlog.db")
PORT = free_port()
OUT = open(os.path.join(WORK, "backlog-serve.out"), "a")


def start(args):
    return start_serve(BIN, args + ["--db", DB, "--join-per-min", "1000", "--streams-per-session", "100"], PORT, OUT)


class Client:
    """One session over one kept-alive connection."""

    def __init__(self, code):
        self.conn = None
        self.cookie = self.csrf = None
        st, j, r = self.req("POST", "/api/join", {"code": code})
        assert st == 200, j
        self.cookie = re.match(r"(caucus_session=[0-9a-f]{64})", r.getheader("Set-Cookie")).group(1)
        self.csrf = j["csrf"]

    def req(self, method, path, body=None):
        h = {"Host": "127.0.0.1:%d" % PORT, "Content-Type": "application/json"}
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf:
            h["X-CSRF-Token"] = self.csrf
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                openapi_check.record(method, path, r.status, r.getheader("Content-Type"), data)
                break
            except (OSError, http.client.HTTPException):
                self.conn = None
                if attempt:
                    raise
        j = json.loads(data) if r.getheader("Content-Type", "").startswith("application/json") and data else None
        return r.status, (j if j is not None else data), r


class Stream(threading.Thread):
    """Follows /api/events from the start (or after Last-Event-ID last) and keeps every frame as sent."""

    def __init__(self, cookie, last=None):
        super().__init__(daemon=True)
        self.cookie, self.last_id = cookie, last
        self.frames = []  # (id, raw data line)
        self.status = None
        self.stop = threading.Event()
        self.start()

    def run(self):
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
        h = {"Host": "127.0.0.1:%d" % PORT, "Cookie": self.cookie}
        if self.last_id is not None:
            h["Last-Event-ID"] = str(self.last_id)
        c.request("GET", "/api/events", headers=h)
        r = c.getresponse()
        self.status = r.status
        buf = b""
        while not self.stop.is_set():
            try:
                chunk = r.read1(65536)
            except (socket.timeout, TimeoutError):
                continue
            except (OSError, http.client.HTTPException):
                break
            if not chunk:
                break
            buf += chunk
            while b"\n\n" in buf:
                block, buf = buf.split(b"\n\n", 1)
                m = re.match(rb"id: (\d+)\nevent: caucus\ndata: (.*)$", block, re.S)
                if m:
                    self.frames.append((int(m.group(1)), m.group(2)))
        c.close()

    def last(self):
        return self.frames[-1][0] if self.frames else -1


def read_all(cookie, upto):
    """A new stream from the start, read until it has sent event upto."""
    s = Stream(cookie)
    end = time.time() + 120
    while s.last() < upto and time.time() < end and s.is_alive():
        time.sleep(0.05)
    s.stop.set()
    s.join(3)
    return s.frames


def label_display(banner):
    """The rank and display style of a banner's classification in the sample's label policy (the
    scenario's order; the default style of a conventional name), as the server adds them."""
    classes = re.findall(r"^    - \{name: ([A-Z ]+), short: [A-Z]+(?:, .*)?\}$", open(SCEN).read(), re.M)
    conv = {"UNCLASSIFIED": "unclassified", "CONFIDENTIAL": "confidential", "RESTRICTED": "confidential",
            "SECRET": "secret", "TOP SECRET": "top-secret"}
    name = (banner or "").split("//")[0]
    rank = classes.index(name) if name in classes else -1
    return rank, conv.get(name, "other") if rank >= 0 else "other"


def item_of(rec, kind):
    p = rec["payload"]
    iid = p.get("inject") if kind == "inject" else p.get("message")
    if iid is None:
        iid = p.get("item")
    it = {"id": iid or "", "kind": kind}
    for k in ("title", "body", "from", "channel", "text", "to", "reply_to"):
        if k in p:
            it[k] = p[k]
    if "from" not in it and "actor" in rec:
        it["from"] = rec["actor"]
    rank, style = label_display(rec["label"])
    it.update({"label": rec["label"], "label_rank": rank, "label_style": style, "t": rec["t"], "seq": rec["seq"]})
    return it


def views_of(frames, control):
    """Items and notes a viewer's state lists, computed from the frames it was sent."""
    items, notes = [], []
    for _, raw in frames:
        rec = json.loads(raw)
        t, p = rec["type"], rec["payload"]
        if t == "delivery" and not control and p.get("kind") in ("inject", "message"):
            items.append(item_of(rec, p["kind"]))
        elif t == "inject.release" and control:
            items.append(item_of(rec, "inject"))
        elif t == "message" and p.get("message"):
            items.append(item_of(rec, "message"))
        elif t == "note":
            notes.append({"seq": rec["seq"], "seat": rec["actor"], "text": p.get("text"), "t": rec["t"]})
    return items, notes


def main():
    codes_file = os.path.join(WORK, "backlog-codes.json")
    srv = start([SCEN, "--codes", codes_file, "--seed", "5"])
    codes = json.load(open(codes_file))
    ctl, usa, kor, nsc = (Client(codes[k]) for k in ("control", "usa-chair", "kor-chair", "usa-nsc"))
    ctl.req("POST", "/api/input", {"do": "start"})
    ctl.req("POST", "/api/input", {"do": "speed", "factor": "50"})
    st, su, _ = usa.req("GET", "/api/state")
    usa_only = [lab for lab in su["you"]["labels"] if lab.endswith("REL TO USA")]
    check("a USA-only banner to send with", usa_only, su["you"]["labels"])
    live = {"control": Stream(ctl.cookie), "usa-chair": Stream(usa.cookie), "kor-chair": Stream(kor.cookie)}
    time.sleep(0.3)
    check("live streams open", all(s.status == 200 for s in live.values()), [s.status for s in live.values()])

    shared = "UNCLASSIFIED//REL TO KOR, USA"
    plan = [(usa, {"do": "message", "to": ["kor-chair"], "text": "first message", "label": shared})]
    for i in range(3600):
        who = (usa, kor, nsc)[i % 3]
        if i % 4 == 3:
            plan.append((who, {"do": "note", "text": "note %d" % i}))
        elif who is usa and i % 5 == 0:
            plan.append((usa, {"do": "message", "to": ["usa-nsc", "kor-chair"], "text": "usa only %d" % i,
                               "label": usa_only[0]}))
        else:
            to = {id(usa): "kor-chair", id(kor): "usa-chair", id(nsc): "kor-chair"}[id(who)]
            plan.append((who, {"do": "message", "to": [to], "text": "message %d" % i, "label": shared}))
    releases = {300: "I-03", 2400: "I-05"}
    errors = []
    lock = threading.Lock()

    def worker(k):
        mine = {}

        def conn(who):  # a connection of its own per worker, same session
            c = mine.get(id(who))
            if c is None:
                c = mine[id(who)] = Client.__new__(Client)
                c.conn, c.cookie, c.csrf = None, who.cookie, who.csrf
            return c

        for n, (who, body) in enumerate(plan):
            if n == 0 or n % 6 != k:
                continue  # plan[0], the first message (M1), is sent before the workers start
            if n in releases:
                st, j, _ = conn(ctl).req("POST", "/api/input", {"do": "release", "inject": releases[n]})
                if st != 200 or j.get("refused"):
                    with lock:
                        errors.append((st, j))
            st, j, _ = conn(who).req("POST", "/api/input", body)
            if st != 200:
                with lock:
                    errors.append((st, j))

    t0 = time.time()
    st, j, _ = plan[0][0].req("POST", "/api/input", plan[0][1])  # M1: usa-chair to kor-chair only
    if st != 200:
        errors.append((st, j))
    workers = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    check("every input accepted", not errors, errors[:3])
    # the clock stops here: nothing is released after the streams are read (a slow build, e.g. under
    # the sanitizers, would otherwise see a timed inject delivered between the streams and the state)
    st, j, _ = ctl.req("POST", "/api/input", {"do": "pause"})
    check("the clock pauses", st == 200, (st, j))
    st, sc, _ = ctl.req("GET", "/api/state")
    last = sc["seq"]
    print("backlog: %d events in %.1f s" % (last + 1, time.time() - t0))
    check("the log is longer than the frames kept in memory (4096)", last > 2 * 4096, last)
    end = time.time() + 60
    while time.time() < end and any(s.last() < last - 50 for s in live.values()):
        time.sleep(0.1)
    time.sleep(1.0)
    for s in live.values():
        s.stop.set()

    # 1. a stream from the start is read back from the store: the same frames as sent live
    def same_frames(name, cookie, frames_live, upto):
        want = [f for f in frames_live if f[0] <= upto]
        got = [f for f in read_all(cookie, want[-1][0]) if f[0] <= upto]
        diff = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), None)
        check("%s: a stream from the start sends the %d frames the live stream sent" % (name, len(want)),
              got == want, "got %d frames, first difference at %s: %s vs %s" % (
                  len(got), diff, got[diff] if diff is not None else "", want[diff] if diff is not None else ""))
        return want

    cookies = {"control": ctl.cookie, "usa-chair": usa.cookie, "kor-chair": kor.cookie}
    frames = {}
    for name in live:
        lf = [f for f in live[name].frames if f[0] <= last]
        frames[name] = same_frames(name, cookies[name], lf, lf[-1][0])
    kor_ids = {i for i, _ in frames["kor-chair"]}
    usa_only_seqs = [i for i, d in frames["usa-chair"] if json.loads(d)["label"] == usa_only[0]]
    check("USA-only messages went out", usa_only_seqs, len(usa_only_seqs))
    check("KOR's stream read back from the store has none of them", not kor_ids.intersection(usa_only_seqs))
    # a stream resuming between a message and its delivery: what the delivery shows is read back
    d = next((i, raw) for i, raw in frames["kor-chair"]
             if i < last - 5000 and json.loads(raw)["payload"].get("kind") == "message")
    s = Stream(kor.cookie, d[0] - 1)
    end = time.time() + 10
    while not s.frames and time.time() < end:
        time.sleep(0.05)
    s.stop.set()
    check("a stream resumed right after a message sends its delivery as it was sent live",
          s.frames[:1] == [d], (s.frames[:1], d))
    # far beyond the log: the clock still runs (speed 50), so events go on being added meanwhile
    st, sse_after, _ = kor.req("GET", "/api/events?after=%d" % (last + 10 ** 6))
    check("after= beyond the log is still refused", st == 400, st)

    # 2. the state lists the most recent items and notes, with the totals
    for name, c in (("usa-chair", usa), ("kor-chair", kor), ("control", ctl)):
        st, s, _ = c.req("GET", "/api/state")
        items, notes = views_of(frames[name], name == "control")
        items = [i for i in items if i["seq"] <= s["seq"]]
        notes = [n for n in notes if n["seq"] <= s["seq"]]
        check("%s: the state lists the last %d items" % (name, KEEP), s["items"] == items[-KEEP:],
              (len(s["items"]), len(items), s["items"][:1], items[-KEEP:][:1]))
        check("%s: items_total counts them all (%d)" % (name, len(items)), s["items_total"] == len(items),
              (s["items_total"], len(items)))
        check("%s: the state lists the last notes" % name, s["notes"] == notes[-KEEP:] and
              s["notes_total"] == len(notes), (len(s["notes"]), s["notes_total"], len(notes)))
        check("%s: more than %d items in all" % (name, KEEP), len(items) > KEEP, len(items))

    # 3. an old item by id, long out of the list: the sender's, the recipient's, nobody else's
    def first_item(name, iid):
        return next((i for i in views_of(frames[name], name == "control")[0] if i["id"] == iid), None)

    for name, c in (("usa-chair", usa), ("kor-chair", kor), ("control", ctl)):
        for iid in ("M1", "M2", "I-03"):
            want = first_item(name, iid)
            st, j, _ = c.req("GET", "/api/items/" + iid)
            check("%s: GET /api/items/%s as first listed" % (name, iid),
                  (st == 200 and j == want) if want else st == 404, (st, j, want))
    st, j, _ = nsc.req("GET", "/api/items/M1")
    check("a seat the message was not sent to: 404", st == 404, (st, j))
    st, j, _ = kor.req("GET", "/api/items/M%d" % 10 ** 12)
    check("a message that does not exist: 404", st == 404, (st, j))

    # 4. /api/log is the exported log byte for byte
    st, log, r = ctl.req("GET", "/api/log")
    exp = os.path.join(WORK, "backlog-export.jsonl")
    subprocess.run([BIN, "export", DB, "--exercise", "1", "--log", exp], check=True, capture_output=True)
    stored = open(exp, "rb").read()
    check("/api/log is the log as stored", st == 200 and stored.startswith(log) and log.count(b"\n") > last,
          (st, len(log), len(stored)))

    # 5. after a SIGKILL and a resume: the same frames read back, the same state lists
    srv.send_signal(signal.SIGKILL)
    srv.wait()
    srv = start(["--exercise", "1"])
    for c in (ctl, usa, kor, nsc):
        c.conn = None
    for name in ("usa-chair", "kor-chair"):
        same_frames(name + " after a resume", cookies[name], frames[name], frames[name][-1][0])
    st, s, _ = usa.req("GET", "/api/state")
    items, notes = views_of(frames["usa-chair"], False)
    check("after a resume the state lists the same last items and notes",
          s["items"] == items[-KEEP:] and s["notes"] == notes[-KEEP:] and s["items_total"] == len(items),
          (len(s["items"]), s["items_total"], len(items)))
    st, j, _ = kor.req("GET", "/api/items/M1")
    check("after a resume an old item is still found", st == 200 and j is not None and j == first_item("kor-chair", "M1"),
          (st, j))
    check("the server stops cleanly", srv.send_signal(signal.SIGINT) or srv.wait(timeout=30) == 0)
    v = subprocess.run([BIN, "verify", DB, "--exercise", "1"], capture_output=True, text=True)
    check("the log verifies", v.returncode == 0, v.stdout + v.stderr)
    OUT.flush()
    text = open(OUT.name, errors="replace").read()
    check("no sanitizer report from the server", not sanitizer_report(text), text[-2000:])
    openapi_check.check_all(check)  # every answer above against the OpenAPI document
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
