#!/usr/bin/env python3
"""Server hardening (issue 23, docs/http-api.md "Threat model"): each case is a failure a hostile
review of `caucus serve` found, checked here so that it fails on the server before its fix.

- files: the store, its -wal and -shm, the --codes file and the key are created owner-only
  (0600) under a umask of 022, also when the codes file existed with wider permissions;
- code_used: a seat's /api/state does not say whose code was used (control's does);
- join rate limit: two addresses that shared a slot of the old hashed table each get their own
  count (the 9th wrong code of each is a 429);
- join timing: a malformed code, a well-formed code matching no seat and a code whose first four
  symbols match a seat take the same time (one argon2id each), and argon2id runs off the server's
  thread (/healthz stays fast while joins are checked);
- refusal records: a burst of denied reads of distinct ids leaves every probed id in the log
  (counted, listed), never one record with suppressed = 0;
- input refusals: an input about an item the seat may not see (an inject, a consultation, a
  decision, what a reply answers) is answered as one about an item that does not exist;
- SECURITY.md catalogue items 1, 4, 8 and 19 through the live server (catalogue());
- connections: one address holding many never-finished connections does not lock another
  address out (default per-address cap);
- streams: a closed event stream frees its slot at once (a new stream is not a 429).

Usage: hardening_test.py CAUCUS_BIN WORKDIR. Prints "N passed, N failed"."""
import http.client
import json
import os
import socket
import stat
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, free_port, sanitizer_report  # noqa: E402
import api_test  # noqa: E402
from api_test import Client, Server  # noqa: E402
import openapi_check  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
api_test.BIN, api_test.WORK = BIN, WORK
check = api_test.check
SCEN = "scenarios/ncg-policy-ttx.yaml"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def private_files():
    """Under umask 022 every file caucus serve makes is owner-only."""
    old = os.umask(0o022)
    try:
        db = os.path.join(WORK, "priv.db")
        codes = os.path.join(WORK, "priv-codes.json")
        open(codes, "w").write("{}")
        os.chmod(codes, 0o644)
        srv = Server([SCEN, "--db", db, "--codes", codes, "--seed", "3"])
    finally:
        os.umask(old)
    for path in (db, db + "-wal", db + "-shm", codes, db + ".key"):
        check("%s is created owner-only (0600)" % os.path.basename(path),
              os.path.exists(path) and mode(path) == 0o600, oct(mode(path)) if os.path.exists(path) else "missing")
    check("the checkpoint directory is the owner's only", mode(db + ".checkpoints") & 0o077 == 0,
          oct(mode(db + ".checkpoints")))
    check("the server stops", srv.stop() == 0)
    backup = os.path.join(WORK, "priv-backup.db")
    old = os.umask(0o022)
    try:
        v = subprocess.run([BIN, "backup", db, backup], capture_output=True, text=True)
    finally:
        os.umask(old)
    check("a backup is owner-only too", v.returncode == 0 and mode(backup) == 0o600,
          (v.stderr, oct(mode(backup)) if os.path.exists(backup) else "missing"))


def code_used(port, codes):
    ctl, usa = Client(port), Client(port)
    ctl.join(codes["control"])
    usa.join(codes["usa-chair"])
    st, s, _, _ = usa.req("GET", "/api/state")
    check("a seat's state does not say whose code was used",
          st == 200 and all("code_used" not in x for x in s["seats"]), s and s["seats"][:2])
    st, s, _, _ = ctl.req("GET", "/api/state")
    used = {x["id"]: x.get("code_used") for x in s["seats"]}
    check("control's state does", st == 200 and used.get("usa-chair") is True and used.get("kor-chair") is False,
          used)


def old_slot(addr):
    """The slot of the join rate table before issue 23: FNV-1a of the address, mod 1024."""
    h = 2166136261
    for ch in addr.encode():
        h = ((h ^ ch) * 16777619) & 0xffffffff
    return h % 1024


def colliding_addresses():
    seen = {}
    for i in range(1, 5000):
        a = "127.0.%d.%d" % (i // 250, i % 250 + 1)
        s = old_slot(a)
        if s in seen:
            return seen[s], a
        seen[s] = a
    return None


def join_from(port, source, code):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    c.request("POST", "/api/join", body=json.dumps({"code": code}),
              headers={"Content-Type": "application/json", "Host": "127.0.0.1:%d" % port})
    r = c.getresponse()
    r.read()
    c.close()
    return r.status


def rate_limit_exact(port):
    """Item 1: two addresses that shared a slot of the old table each keep their own count."""
    a, b = colliding_addresses()
    got = {a: [], b: []}
    for _ in range(9):
        for src in (a, b):
            got[src].append(join_from(port, src, "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ"))
    check("rate limit: %s and %s (one slot of the old table) each get 8 tries, then 429" % (a, b),
          got[a] == [401] * 8 + [429] and got[b] == [401] * 8 + [429], got)


def timed_join(port, code):
    body = json.dumps({"code": code})
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    t0 = time.perf_counter()
    c.request("POST", "/api/join", body=body, headers={"Content-Type": "application/json",
                                                       "Host": "127.0.0.1:%d" % port})
    r = c.getresponse()
    r.read()
    t = time.perf_counter() - t0
    c.close()
    return r.status, t


B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def code_shapes(codes):
    """A malformed code, a well-formed one whose first four symbols match no seat, and one whose
    first four symbols are a seat's (the rest wrong)."""
    prefixes = {c.replace("-", "")[:4] for c in codes.values()}
    seat = codes["usa-chair"].replace("-", "")
    nomatch = next(p for p in ("ZZZZ", "YYYY", "XXXX", "WWWW") if p not in prefixes)
    rest = "".join(B32[(B32.index(ch) + 1) % 32] for ch in seat[4:])

    def fmt(sym):
        return "-".join(sym[i:i + 5] for i in range(0, 20, 5))
    return {"malformed": "not a code at all", "no seat's prefix": fmt(nomatch + rest),
            "a seat's prefix": fmt(seat[:4] + rest)}


def join_timing(port, codes, rounds=15):
    """Item 2: every shape of wrong code costs the same (one argon2id); prints the medians."""
    shapes = code_shapes(codes)
    times = {k: [] for k in shapes}
    statuses = set()
    for _ in range(rounds):
        for name, code in shapes.items():
            st, t = timed_join(port, code)
            statuses.add(st)
            times[name].append(t * 1000)
    med = {k: statistics.median(v) for k, v in times.items()}
    print("join timing (median ms over %d): %s" % (rounds, ", ".join("%s %.2f" % kv for kv in med.items())))
    check("every wrong code is a 401", statuses == {401}, statuses)
    lo, hi = min(med.values()), max(med.values())
    check("join timing: the code's shape does not show in the time (medians within 40%%: %.2f .. %.2f ms)" %
          (lo, hi), lo >= 0.6 * hi, med)


def healthz_ms(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    t0 = time.perf_counter()
    c.request("GET", "/healthz")
    r = c.getresponse()
    r.read()
    c.close()
    return (time.perf_counter() - t0) * 1000, r.status


def healthz_under_join_flood(port):
    """Item 1: argon2id runs on the join thread, never on the one that answers requests."""
    base = sorted(healthz_ms(port)[0] for _ in range(20))
    stop = time.time() + 3
    counts = {}

    def flood(i):
        n = 0
        while time.time() < stop:
            try:
                st = join_from(port, "127.0.%d.%d" % (200, i + 1), "not a code")  # one argon2id each
            except OSError:
                st = 0
            counts[st] = counts.get(st, 0) + 1
            n += 1
    threads = [threading.Thread(target=flood, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    lat = []
    while time.time() < stop - 0.3:
        ms, st = healthz_ms(port)
        lat.append(ms)
        time.sleep(0.02)
    for t in threads:
        t.join()
    lat.sort()
    p50 = statistics.median(lat)
    p90 = lat[int(len(lat) * 0.9)]
    print("/healthz: %.2f ms median alone; under 4 flooding join clients %.2f ms median, %.2f ms p90 (%d samples); "
          "join answers %s" % (statistics.median(base), p50, p90, len(lat), counts))
    check("/healthz stays fast under a join flood (median %.2f ms, p90 %.2f ms)" % (p50, p90),
          p50 < 8 and p90 < 25, lat)
    check("the flood was answered (401 checked, 429 when the join queue is full)",
          counts.get(401, 0) > 0 and set(counts) <= {401, 429}, counts)


def denied_burst(port, codes, ctl):
    """Item 6: 30 denied reads of distinct ids in one second: every probed id is in the log, and
    the count adds up; a denied item and a missing one differ only in the record's reason."""
    kor = Client(port)
    kor.join(codes["kor-chair"])
    st, s, _, _ = ctl.req("GET", "/api/state")
    hidden = [i["id"] for i in s["injects"] if i.get("label") == "SECRET//NOFORN"][:10]
    ids = hidden + ["NO-SUCH-%02d" % i for i in range(30 - len(hidden))]
    t0 = time.time()
    answers = set()
    for i in ids:
        st, j, _, _ = kor.req("GET", "/api/items/" + i)
        answers.add((st, json.dumps(j, sort_keys=True)))
    check("the burst took under a second", time.time() - t0 < 1.0, time.time() - t0)
    check("a denied item and a missing one get one answer", len(answers) == 1, answers)
    time.sleep(2.2)  # the summary is written once its second is over
    st, _, body, _ = ctl.req("GET", "/api/log")
    recs = [json.loads(l) for l in body.decode().splitlines()]
    mine = [r["payload"] for r in recs if r["type"] == "access.denied" and r["payload"].get("path") == "/api/items"
            and r["payload"].get("about") == "kor-chair"]
    named = set()
    for p in mine:
        if p.get("item"):
            named.add(p["item"])
        named.update((p.get("items") or "").split())
    counted = sum(1 if p.get("item") else 0 for p in mine) + sum(p.get("suppressed", 0) for p in mine)
    check("every probed id is named in the log", set(ids) <= named, sorted(set(ids) - named))
    check("every refusal is counted (%d of 30)" % counted, counted == 30, mine)
    check("the records are bounded (%d for 30 refusals)" % len(mine), len(mine) <= 6, len(mine))
    reasons = {p["reason"] for p in mine}
    check("the record tells a denied item (not-visible) from a missing one (not-found)",
          reasons == {"not-visible", "not-found"}, reasons)
    vis = set()
    for p in mine:
        if p["reason"] == "not-visible":
            vis.add(p.get("item"))
            vis.update((p.get("items") or "").split())
    check("the not-visible records name exactly the existing ids", vis - {None} == set(hidden), (vis, hidden))


def open_stream(port, cookie):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n"
               "Accept: text/event-stream\r\n\r\n" % (port, cookie)).encode())
    buf = b""
    while b"\r\n" not in buf:
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    return s, int(buf.split(b" ", 2)[1]) if buf else None


def stream_slots(port, codes):
    """Item 9: a stream the client closed gives its slot back at once (a page reload)."""
    usa = Client(port)
    usa.join(codes["usa-chair"])
    a, sa = open_stream(port, usa.cookie)
    b, sb = open_stream(port, usa.cookie)
    c, sc = open_stream(port, usa.cookie)
    c.close()
    check("two streams open, a third is 429", (sa, sb, sc) == (200, 200, 429), (sa, sb, sc))
    time.sleep(0.3)  # both are idle (suspended) now
    a.close()
    t0 = time.time()
    d, sd = open_stream(port, usa.cookie)
    check("a stream closed by its client frees its slot at once (reload: %.0f ms)" % ((time.time() - t0) * 1000),
          sd == 200, sd)
    b.close()
    d.close()
    time.sleep(1.5)  # the ticker reaps closed streams within a second
    e, se = open_stream(port, usa.cookie)
    f, sf = open_stream(port, usa.cookie)
    check("both slots are back within a second of the clients closing", (se, sf) == (200, 200), (se, sf))
    st, s, _, _ = Client(port).req("GET", "/healthz")
    e.close()
    f.close()


def one_address_cannot_lock_out(port):
    """Item 10: 4,200 never-finished connections from 127.0.0.2 leave 127.0.0.1 served."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 6000:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 6000), hard))
    held, refused = [], 0
    for _ in range(4200):
        try:
            s = socket.socket()
            s.settimeout(2)
            s.bind(("127.0.0.2", 0))
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finished
            held.append(s)
        except OSError:
            refused += 1
    time.sleep(0.5)
    ok = 0
    for _ in range(5):
        try:
            ms, st = healthz_ms(port)
            ok += st == 200
        except OSError:
            pass
    alive = 0
    for s in held:
        try:
            s.setblocking(False)
            if s.recv(1) == b"":
                continue
        except BlockingIOError:
            alive += 1
        except OSError:
            continue
    for s in held:
        s.close()
    print("per-address cap: of 4,200 connections from 127.0.0.2, %d stay open" % alive)
    check("another address is still served (%d/5)" % ok, ok == 5, ok)
    check("one address holds at most the default cap (256)", alive <= 256, alive)


def input_refusals(port, codes, ctl):
    """Item 7: an input about an item the seat may not see answers exactly as one about an item
    that does not exist (status and body), for every kind of id an input takes; only the audit
    record tells them apart (not-visible, not-found)."""
    kor = Client(port)
    kor.join(codes["kor-chair"])
    st, s, _, _ = ctl.req("GET", "/api/state")
    hidden = [i["id"] for i in s["injects"] if i.get("label") == "SECRET//NOFORN"][:1]
    check("a national-only inject to probe", len(hidden) == 1, s["injects"][:3])
    pairs = [
        ({"do": "acknowledge", "inject": hidden[0] if hidden else "I-01"}, {"do": "acknowledge", "inject": "I-NOPE"}),
        ({"do": "escalate", "inject": hidden[0] if hidden else "I-01"}, {"do": "escalate", "inject": "I-NOPE"}),
        ({"do": "object", "consultation": "C-1"}, {"do": "object", "consultation": "C-NOPE"}),
        ({"do": "escalate", "consultation": "C-1"}, {"do": "escalate", "consultation": "C-NOPE"}),
        ({"do": "request", "consultation": "C-2"}, {"do": "request", "consultation": "C-NOPE"}),
        ({"do": "vote", "decision": "D-1", "option": "yes"}, {"do": "vote", "decision": "D-NOPE", "option": "yes"}),
        ({"do": "object", "decision": "D-3"}, {"do": "object", "decision": "D-NOPE"}),
        ({"do": "message", "text": "hi", "to": ["usa-chair"], "label": "SECRET//REL TO USA, KOR",
          "reply_to": hidden[0] if hidden else "I-01"},
         {"do": "message", "text": "hi", "to": ["usa-chair"], "label": "SECRET//REL TO USA, KOR",
          "reply_to": "I-NOPE"}),
    ]
    probed = set()
    for there, missing in pairs:
        a = kor.input(there)
        b = kor.input(missing)
        probed.update(v for k, v in there.items() if k in ("inject", "consultation", "decision", "reply_to"))
        probed.update(v for k, v in missing.items() if k in ("inject", "consultation", "decision", "reply_to"))
        check("%s on an unseen item answers as on a missing one (%d %s / %d %s)" % (
            there["do"], a[0], a[2][:60], b[0], b[2][:60]), (a[0], a[2]) == (b[0], b[2]) and a[0] == 404, (a[2], b[2]))
    # its own consultation, not yet started, is kor-chair's to request: not hidden
    st, j, _, _ = kor.input({"do": "request", "consultation": "C-1"})
    check("a seat may request its own consultation (not hidden)", st == 200, j)
    time.sleep(2.2)  # summaries are written once their second is over
    st, _, body, _ = ctl.req("GET", "/api/log")
    recs = [json.loads(l) for l in body.decode().splitlines()]
    mine = [r["payload"] for r in recs if r["type"] == "access.denied" and r["payload"].get("path") == "/api/input"
            and r["payload"].get("about") == "kor-chair"]
    named = {}
    for p in mine:
        for i in ([p["item"]] if p.get("item") else []) + (p.get("items") or "").split():
            named.setdefault(p["reason"], set()).add(i)
    check("every probed id of an input is in the log", probed <= set().union(*named.values()) if named else False,
          (sorted(probed), named))
    check("the record tells an unseen item (not-visible) from a missing one (not-found)",
          named.get("not-visible", set()) == {v for v in probed if "NOPE" not in v}
          and named.get("not-found", set()) == {v for v in probed if "NOPE" in v}, named)


def catalogue(port, codes, ctl):
    """SECURITY.md's catalogue through the live server: (1) a misspelled classification is a clear
    error naming the column; (4) a homoglyph likewise; (8) a label without REL TO is for its
    originator's party only; (19) the policy cannot change after start: the log the server wrote
    is refused by replay and report against a scenario whose policy changed."""
    usa, kor, nsc = Client(port), Client(port), Client(port)
    usa.join(codes["usa-chair"])
    kor.join(codes["kor-chair"])
    nsc.join(codes["usa-nsc"])
    st, j, _, _ = usa.input({"do": "message", "text": "x", "to": ["kor-chair"], "label": "SECRETT//REL TO USA, KOR"})
    check("(1) SECRETT is refused naming the column", st == 400 and "column 1" in j["error"] and "SECRETT" in j["error"], j)
    st, j, _, _ = usa.input({"do": "message", "text": "x", "to": ["kor-chair"],
                             "label": "SECRET//REL TO USA, \u041aOR"})
    check("(4) a Cyrillic homoglyph is refused naming its column", st == 400 and "column" in j["error"], j)
    st, j, _, _ = usa.input({"do": "message", "text": "originator only", "to": ["kor-chair", "usa-nsc"],
                             "label": "SECRET"})
    check("(8) a message without REL TO is accepted", st == 200 and j["refused"] is None, j)
    st, s, _, _ = usa.req("GET", "/api/state")
    mine = [i["id"] for i in s["items"] if i.get("kind") == "message" and i.get("text") == "originator only"]
    check("(8) the sender holds it", len(mine) == 1, s["items"][-3:])
    mid = mine[0] if mine else "M0"
    st_n, _, _, _ = nsc.req("GET", "/api/items/" + mid)
    st_k, jk, _, _ = kor.req("GET", "/api/items/" + mid)
    st, sk, _, _ = kor.req("GET", "/api/state")
    check("(8) missing REL TO = originator only: usa-nsc reads it, kor-chair gets 404 and no item",
          st_n == 200 and st_k == 404 and mid not in [i["id"] for i in sk["items"]], (st_n, st_k, jk))
    # (19): the log as the server wrote it, replayed against a scenario whose policy changed
    st, _, body, _ = ctl.req("GET", "/api/log")
    log = os.path.join(WORK, "catalogue.jsonl")
    open(log, "wb").write(body)
    changed = os.path.join(WORK, "changed-policy.yaml")
    text = open(SCEN).read()
    open(changed, "w").write(text.replace("{name: SECRET, short: S,", "{name: SECRET, short: S2,", 1))
    check("(19) the changed scenario differs in its policy only", text != open(changed).read())
    # the exercise goes on, so the log has no run.end yet: replay up to its last event
    upto = str(len(body.splitlines()) - 1)
    same = subprocess.run([BIN, "replay", log, "--scenario", SCEN, "--until", upto], capture_output=True, text=True)
    check("(19) the server's log replays on its own scenario", same.returncode == 0, same.stderr[-400:])
    r = subprocess.run([BIN, "replay", log, "--scenario", changed, "--until", upto], capture_output=True, text=True)
    check("(19) replay refuses a scenario whose policy changed after start",
          r.returncode == 1 and "not the scenario this log was run on" in r.stderr, r.stderr[-400:])


def main():
    private_files()
    db = os.path.join(WORK, "h.db")
    cf = os.path.join(WORK, "h-codes.json")
    srv = Server([SCEN, "--db", db, "--codes", cf, "--seed", "7"])
    codes = json.load(open(cf))
    code_used(srv.port, codes)
    rate_limit_exact(srv.port)
    ctl = Client(srv.port)
    ctl.join(codes["control"])
    denied_burst(srv.port, codes, ctl)
    input_refusals(srv.port, codes, ctl)
    catalogue(srv.port, codes, ctl)
    one_address_cannot_lock_out(srv.port)
    check("the server stops cleanly", srv.stop() == 0)
    # timing: a join rate high enough that every attempt is checked
    db2 = os.path.join(WORK, "t.db")
    cf2 = os.path.join(WORK, "t-codes.json")
    srv = Server([SCEN, "--db", db2, "--codes", cf2, "--seed", "8", "--join-per-min", "100000"])
    codes2 = json.load(open(cf2))
    join_timing(srv.port, codes2)
    healthz_under_join_flood(srv.port)
    check("the timing server stops cleanly", srv.stop() == 0)
    db3 = os.path.join(WORK, "s.db")
    cf3 = os.path.join(WORK, "s-codes.json")
    srv = Server([SCEN, "--db", db3, "--codes", cf3, "--seed", "9", "--streams-per-session", "2"])
    stream_slots(srv.port, json.load(open(cf3)))
    check("the streams server stops cleanly", srv.stop() == 0)
    for name in sorted(os.listdir(WORK)):
        if name.startswith("serve-") and name.endswith(".out"):
            text = open(os.path.join(WORK, name), errors="replace").read()
            check("no sanitizer report from the server (%s)" % name, not sanitizer_report(text), text[-2000:])
    openapi_check.check_all(check)  # every answer above against the OpenAPI document
    return check.summary()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # an exception is one more failure, with the counts so far
        import traceback
        traceback.print_exc()
        check("the script ran to its end", False, e)
        sys.exit(check.summary())
