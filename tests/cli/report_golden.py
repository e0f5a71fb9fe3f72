# Golden checks of each report section against values re-derived from the log (and scenario)
# by this script alone. Usage: golden.py LOG SCENARIO REPORT.json REPORT.html REPORT.md
import datetime, html, json, sys, zoneinfo
import yaml

log, scen, rj, rh, rm = sys.argv[1:6]
ev = [json.loads(l) for l in open(log)]
sc = yaml.safe_load(open(scen))
d = json.load(open(rj))
page = html.unescape(open(rh).read())
md = open(rm).read()
sec = {s["id"]: s for s in d["sections"]}
def table(s, t):
    tb = next(x for x in sec[s]["tables"] if x["id"] == t)
    return [dict(zip(tb["columns"], r)) for r in tb["rows"]]
def facts(s):
    return {k: v for k, v in sec[s]["facts"]}
def dfmt(ms):
    s = ms // 1000
    if s <= 0:
        return "0s"
    out = ""
    for n, u in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        if s >= n:
            out += "%d%s" % (s // n, u)
            s %= n
    return out
def tfmt(ms):
    return "+" + dfmt(ms)
checked = {}
def count(what, n=1):
    checked[what] = checked.get(what, 0) + n

seats = {s["id"]: s for s in sc["seats"]}
parties = {p["id"]: p for p in sc["parties"]}
end_t = ev[-1]["t"]

# integrity appendix: hashes and the RFC 6962 Merkle root over the event hashes, computed here
import hashlib
def mth(leaves):
    if len(leaves) == 1:
        return hashlib.sha256(b"\0" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\1" + mth(leaves[:k]) + mth(leaves[k:])).digest()
root = mth([bytes.fromhex(e["hash"]) for e in ev]).hex()
f = facts("integrity")
assert "/" not in f["Scenario file (as recorded)"], "a file is named by its name alone"
assert f["Events"] == len(ev) and f["Final event hash"] == ev[-1]["hash"] and f["First event hash"] == ev[0]["hash"]
assert f["Merkle root"] == root and d["merkle"] == {"size": len(ev), "root": root}, (f["Merkle root"], root)
assert f["Scenario SHA-256"] == ev[0]["payload"]["scenario"]
assert root in page and root in md
count("integrity")

# timeline: one inject mark per party lane that received it, at the first delivery to that party
lanes = {}
rel = {e["payload"]["inject"]: e["t"] for e in ev if e["type"] == "inject.release"}
for e in ev:
    if e["type"] == "delivery" and e["payload"]["kind"] == "inject":
        lanes.setdefault((e["payload"]["item"], seats[e["payload"]["seat"]]["party"]), e["t"])
marks = {(m["item"], m["lane"]): m["time"] for m in table("timeline", "marks") if m["kind"] == "inject"}
for (i, p), t in lanes.items():
    assert marks.get((i, p)) == tfmt(t), (i, p, marks.get((i, p)), tfmt(t))
count("timeline lanes", len(lanes))
assert "<svg" in page

# consultations: stage start/end, duration, and off-hours waiting re-derived from working hours
auto = set(ev[0]["payload"].get("auto", []))
agents = {a["id"]: a for a in sc.get("agents", [])}
def keeps_hours(seat):
    s = seats[seat]
    a = agents.get(s.get("agent"))
    return seat in auto and a is not None and a.get("availability", {}).get("hours", "always") != "always"
start = sc["exercise"]["start"]
if isinstance(start, str):
    start = datetime.datetime.fromisoformat(start)
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
def hm(x):
    h, m = str(x).split(":")
    return int(h) * 60 + int(m)
def open_at(party, ms):
    p = parties[party]
    w = p.get("working_hours")
    if not w:
        return True
    t = (start + datetime.timedelta(milliseconds=ms)).astimezone(zoneinfo.ZoneInfo(p["zone"]))
    mins = t.hour * 60 + t.minute + t.second / 60
    return DAYS[t.weekday()] in w["days"] and hm(w["start"]) <= mins < hm(w["end"])
stages = []
for e in ev:
    p = e["payload"]
    if e["type"] == "consult.stage":
        stages.append({"c": p["consultation"], "s": p["stage"], "start": e["t"], "end": None,
                       "part": p["participants"], "acted": {}})
    elif e["type"] in ("consult.ack", "consult.position") or (e["type"] == "consult.object" and p.get("stage")):
        st = [x for x in stages if x["c"] == p["consultation"] and x["s"] == p.get("stage")]
        if st and e["actor"] in st[-1]["part"]:
            st[-1]["acted"].setdefault(e["actor"], e["t"])
    elif e["type"] == "consult.stage_done":
        st = [x for x in stages if x["c"] == p["consultation"] and x["s"] == p["stage"]]
        st[-1]["end"] = e["t"]
corder = [c["id"] for c in sc.get("consultations", [])]
stages.sort(key=lambda x: corder.index(x["c"]))  # the report lists stages by consultation
rows = table("consultations", "stages")
assert len(rows) == len(stages), (len(rows), len(stages))
off_nonzero = 0
for st, r in zip(stages, rows):
    assert (r["consultation"], r["stage"], r["started"]) == (st["c"], st["s"], tfmt(st["start"])), (r, st)
    end = st["end"] if st["end"] is not None else end_t
    if st["end"] is not None:
        assert r["ended"] == tfmt(st["end"]) and r["duration"] == dfmt(st["end"] - st["start"]), r
    if not any(keeps_hours(s) for s in st["part"]):
        assert r["off-hours"] == "n/a", r
        continue
    total, t = 0, st["start"]
    while t < end:
        for s in st["part"]:
            if not keeps_hours(s) or st["acted"].get(s, end + 1) <= t:
                continue
            if not open_at(seats[s]["party"], t):
                total += min(60000, end - t)
                break
        t += 60000
    assert r["off-hours"] == dfmt(total), (r["consultation"], r["stage"], r["off-hours"], dfmt(total))
    off_nonzero += total > 0
count("stages", len(stages))
count("off-hours waiting > 0", off_nonzero)

# who knew what when: per party first receipt, seats delivered, seats withheld (denials)
rx = {}
for e in ev:
    p = e["payload"]
    if e["type"] in ("delivery", "denial") and p.get("kind") == "inject":
        x = rx.setdefault((p["item"], seats[p["seat"]]["party"]), {"first": None, "n": set(), "den": set()})
        if e["type"] == "delivery":
            x["first"] = e["t"] if x["first"] is None else x["first"]
            x["n"].add(p["seat"])
        else:
            x["den"].add(p["seat"])
for r in table("knowledge", "injects"):
    for party in parties:
        x = rx.get((r["inject"], party))
        cell = r["%s received" % party]
        if not x:
            assert cell == "", (r["inject"], party, cell)
            continue
        den = len(x["den"] - x["n"])
        if x["first"] is None:
            want = "withheld (%d seat%s)" % (den, "" if den == 1 else "s") if den else ""
        else:
            n = len(x["n"])
            want = "%s (%d seat%s%s" % (tfmt(x["first"]), n, "" if n == 1 else "s",
                                        ", %d withheld)" % den if den else ")")
        assert cell == want, (r["inject"], party, cell, want)
        count("receipt cells")
wh = {}
for e in ev:
    if e["type"] == "denial":
        wh[e["payload"]["seat"]] = wh.get(e["payload"]["seat"], 0) + 1
for r in table("knowledge", "withheld"):
    assert r["total"] == wh.get(r["seat"], 0), (r, wh.get(r["seat"]))
count("withheld counts", len(wh))

# guideline compliance: every finding event with its evidence seqs, and the per-guideline counts
fs = [e for e in ev if e["type"] == "finding"]
rows = table("compliance", "findings")
assert [r["event"] for r in rows] == [e["seq"] for e in fs]
ev_rows = table("compliance", "evidence")
for e, r in zip(fs, rows):
    p = e["payload"]
    assert (r["guideline"], r["result"], r["subject"], r["time"]) == (p["guideline"], p["result"], p.get("subject"), tfmt(e["t"])), r
    for q in p["evidence"]:
        assert "#%d %s %s" % (q, tfmt(ev[q]["t"]), ev[q]["type"]) in r["evidence"], (r["evidence"], q)
    want = sorted(set(p["evidence"]))
    got = sorted(x["evidence event"] for x in ev_rows if x["finding event"] == e["seq"])
    assert got == want, (e["seq"], got, want)
for r in table("compliance", "guidelines"):
    assert r["met"] == sum(1 for e in fs if e["payload"]["guideline"] == r["guideline"] and e["payload"]["result"] == "met")
    assert r["missed"] == sum(1 for e in fs if e["payload"]["guideline"] == r["guideline"] and e["payload"]["result"] == "missed")
count("findings", len(fs))

# decisions: outcome, decided at, votes; options with proposer and endorsers (final votes)
made = {e["payload"]["decision"]: e for e in ev if e["type"] == "decision.made"}
drows = {r["decision"]: r for r in table("decisions", "decisions")}
for k, e in made.items():
    r = drows[k]
    assert r["outcome"] == e["payload"]["outcome"] and r["decided at"] == tfmt(e["t"]), (r, e["payload"])
    votes = e["payload"]["votes"]
    assert r["votes"] == ", ".join("%s: %s" % (s, votes[s]) for s in sorted(votes, key=lambda s: [x["id"] for x in sc["seats"]].index(s))) or r["votes"] == ", ".join("%s: %s" % kv for kv in sorted(votes.items())), (r["votes"], votes)
    for o in table("decisions", "options"):
        if o["decision"] != k:
            continue
        endorsers = sorted(s for s, v in votes.items() if v == o["option"])
        assert sorted(x for x in o["endorsed by"].split(", ") if x) == endorsers, (o, endorsers)
        assert o["chosen"] == ("yes" if o["option"] == e["payload"]["outcome"] else ""), o
        count("options")
props = [e for e in ev if e["type"] == "decision.propose"]
for e in props:
    o = [o for o in table("decisions", "options") if o["decision"] == e["payload"]["decision"] and o["text"] == e["payload"]["text"]]
    assert o and o[0]["proposed by"] == "%s at %s" % (e["actor"], tfmt(e["t"])), (o, e["actor"])
count("decisions", len(made))
count("proposals", len(props))

# objectives: ratings and their evaluator notes, and the notes entered during play
rates = {}
for e in ev:
    if e["type"] == "input" and e["payload"].get("do") == "rate":
        rates[e["payload"]["objective"]] = (e["payload"]["rating"], e["payload"].get("text"), e["t"])
for r in table("objectives", "ratings"):
    if r["objective"] in rates:
        g, txt, t = rates[r["objective"]]
        assert (r["rating"], r["evaluator notes"], r["rated at"]) == (g, txt, tfmt(t)), (r, rates[r["objective"]])
        count("ratings")
    else:
        assert r["rating"] == "not rated", r
notes = [e for e in ev if e["type"] == "note"]
nrows = table("objectives", "notes")
assert [(n["time"], n["note"]) for n in nrows] == [(tfmt(e["t"]), e["payload"]["text"]) for e in notes], nrows
count("notes", len(notes))
# spot checks of the other renderings
for e in fs[:5]:
    assert e["payload"]["guideline"] in page and e["payload"]["guideline"] in md
print(" ".join("%s=%d" % kv for kv in sorted(checked.items())))
