#!/usr/bin/env python3
"""HTTP tests of the scenario editor's API (docs/http-api.md, /api/editor/...), standard library
only. Usage: editor_test.py CAUCUS_BIN WORKDIR.

Per sample scenario: `caucus serve` keeps the scenario as document 1 version 1 and the export of
that version is the sample byte for byte. Then, on one server: control only; a new document from
the empty scenario built item by item until it lints clean; live checks placed on the field;
versions and diffs; a second save of the same inject refused with the other planner's change,
a save of another inject merged; exports (YAML, CSV, workbook); the inject catalogue; a headless
run recorded as an exercise pinned to its version, whose log verifies; every error path."""
import http.client
import json
import os
import subprocess
import sys
import urllib.parse
import zipfile
import io

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, free_port, sanitizer_report, start_serve  # noqa: E402
import openapi_check  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)
check = Checks(width=2000)
SAMPLES = ["scenarios/ncg-policy-ttx.yaml", "scenarios/ncg-mil-ttx.yaml", "scenarios/ncg-interagency-sim.yaml"]


class Client:
    def __init__(self, port):
        self.port, self.cookie, self.csrf = port, None, None

    def req(self, method, path, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"Host": "127.0.0.1:%d" % self.port, "Origin": "http://127.0.0.1:%d" % self.port}
        if self.cookie:
            h["Cookie"] = self.cookie
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if method == "POST" and self.csrf:
            h["X-CSRF-Token"] = self.csrf
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        raw = r.read()
        openapi_check.record(method, path, r.status, r.getheader("Content-Type"), raw)
        c.close()
        ctype = r.getheader("Content-Type") or ""
        val = json.loads(raw) if ctype.startswith("application/json") and raw else raw
        return r.status, val, r

    def join(self, code):
        st, j, r = self.req("POST", "/api/join", {"code": code})
        assert st == 200, (st, j)
        self.cookie = r.getheader("Set-Cookie").split(";")[0]
        self.csrf = j["csrf"]
        return j

    def get(self, path, **q):
        return self.req("GET", "/api/editor/" + path + ("?" + urllib.parse.urlencode(q) if q else ""))

    def post(self, path, body):
        return self.req("POST", "/api/editor/" + path, body)


def serve(scen, tag):
    port = free_port()
    db = os.path.join(WORK, "%s.db" % tag)
    codes = os.path.join(WORK, "%s.codes.json" % tag)
    out = open(os.path.join(WORK, "%s.out" % tag), "w+")
    p = start_serve(BIN, [scen, "--db", db, "--codes", codes], port, out)
    return p, port, db, json.load(open(codes)), out


def stop(p, out, tag):
    p.send_signal(2)
    rc = p.wait(timeout=30)
    out.seek(0)
    text = out.read()
    check("%s: server stops cleanly" % tag, rc == 0, rc)
    check("%s: no sanitizer report" % tag, not sanitizer_report(text), text[-2000:])


# ---- YAML -> store -> YAML, byte for byte, for the three samples ----
for i, scen in enumerate(SAMPLES):
    tag = "sample%d" % i
    p, port, db, codes, out = serve(scen, tag)
    c = Client(port)
    c.join(codes["control"])
    st, j, _ = c.get("docs")
    check("%s: the served scenario is document 1" % tag, st == 200 and j["docs"][0]["doc"] == 1 and
          j["docs"][0]["latest"] == 1 and j["docs"][0]["name"] == os.path.basename(scen), j)
    st, body, r = c.get("export", doc=1, version=1, format="yaml")
    check("%s: export of the stored version is the file byte for byte" % tag,
          st == 200 and body == open(scen, "rb").read(), (st, len(body)))
    check("%s: export is a download" % tag, 'attachment; filename="scenario-1-v1.yaml"' in (r.getheader(
        "Content-Disposition") or ""), r.getheader("Content-Disposition"))
    st, j, _ = c.get("doc", doc=1)
    check("%s: the sample has no diagnostics" % tag, st == 200 and j["errors"] == 0 and j["diagnostics"] == [], j)
    check("%s: the model holds every section" % tag,
          [s["key"] for s in j["model"]][:3] == ["caucus", "exercise", "label_policy"], j["model"][:1])
    # writing an inject back unchanged is a new version whose text is the same
    inj = [s for s in j["model"] if s["key"] == "injects"][0]["items"][0]
    st, k, _ = c.post("item", {"doc": 1, "base": 1, "section": "injects", "id": inj["id"], "item": inj})
    check("%s: save" % tag, st == 200 and k["version"] == 2, k)
    st, k, _ = c.get("doc", doc=1, version=2)
    check("%s: still lint clean" % tag, st == 200 and k["errors"] == 0, k.get("diagnostics"))
    st, body, _ = c.get("export", doc=1, version=2, format="yaml")
    check("%s: saved unchanged, the text is the same byte for byte" % tag, body == open(scen, "rb").read())
    stop(p, out, tag)


# ---- distributions (docs/ui.md, "A delay drawn from a distribution"): shown as the model's
# values, kept byte for byte when saved unchanged, edited as {"$yaml": TEXT}, and a bad one
# refused at its field with the scenario loader's message, nothing saved ----
def item_of(model, section, id):
    return [x for x in [s for s in model if s["key"] == section][0]["items"] if x["id"] == id][0]


def latest(c):
    st, j, _ = c.get("doc", doc=1)
    return j["version"]


def refused(c, tag, section, item, field, words, id=None, path="item"):
    v = latest(c)
    body = {"doc": 1, "base": v, "section": section, "item": item}
    if id:
        body["id"] = id
    st, j, _ = c.post(path, body)
    check("%s: refused at field '%s'" % (tag, field), st == 422 and j.get("code") == "bad-edit" and
          j.get("field") == field and all(w in j.get("error", "") for w in words) and
          "nothing was saved" in j["error"], (st, j))
    check("%s: nothing saved" % tag, latest(c) == v)
    return j


scen = "tests/scenarios/valid/health-council-drawn.yaml"
fixture = open(scen, "rb").read()
p, port, db, codes, out = serve(scen, "drawn")
c = Client(port)
c.join(codes["control"])
st, j, _ = c.get("doc", doc=1)
h04 = item_of(j["model"], "injects", "H-04")
check("drawn: the model holds the delay as a map", h04["trigger"] == {
    "after": "H-03", "delay": {"dist": "exponential", "mean": "40m"}}, h04.get("trigger"))
check("drawn: ... an empirical one with its list", item_of(j["model"], "injects", "H-08")["trigger"]["delay"] == {
    "dist": "empirical", "values": ["10m", "20m", "20m", "1h15m"]})
# what the form sends for an untouched inject: the delay as the text it shows
sent = dict(h04, trigger={"after": "H-03", "delay": {"$yaml": "{dist: exponential, mean: 40m}"}})
st, k, _ = c.post("item", {"doc": 1, "base": 1, "section": "injects", "id": "H-04", "item": sent})
st2, body, _ = c.get("export", doc=1, version=2, format="yaml")
check("drawn: saved unchanged, byte for byte (quoted scalars and all)", st == 200 and k["version"] == 2 and
      body == fixture, (st, k.get("version")))
sent["trigger"]["delay"] = {"$yaml": "{dist: uniform, min: 10m, max: 20m}"}
st, k, _ = c.post("item", {"doc": 1, "base": 2, "section": "injects", "id": "H-04", "item": sent})
st2, body, _ = c.get("export", doc=1, version=3, format="yaml")
check("drawn: edited to another distribution, lint clean", st == 200 and k["version"] == 3 and k["errors"] == 0,
      (st, k))
check("drawn: written in the notation", b"    trigger: {after: H-03, delay: {dist: uniform, min: 10m, max: 20m}}\n"
      in body and body.count(b"dist: uniform") == 2, [x for x in body.split(b"\n") if b"H-03" in x])
bad = dict(sent)
for why, delay, words in [
        ("min above max (docs/ui.md's example)", {"$yaml": "{dist: uniform, min: 20m, max: 10m}"}, [
            "injects 'H-04', field 'trigger': trigger 'delay': uniform min is greater than max, in "
            "{dist: uniform, min: 20m, max: 10m} (column 22); nothing was saved"]),
        ("no such kind", {"$yaml": "{dist: poisson, mean: 1h}"}, ["trigger 'delay'", "poisson"]),
        ("a bad duration", {"$yaml": "{dist: exponential, mean: -5m}"}, ["trigger 'delay'", "-5m"]),
        ("sent as JSON", {"dist": "gamma", "shape": "0", "scale": "10m"}, ["trigger 'delay'", "shape"]),
        ("not YAML", {"$yaml": "{dist: exponential, mean: 30m"}, ["injects 'H-04', field 'trigger'"])]:
    bad["trigger"] = {"after": "H-03", "delay": delay}
    j = refused(c, "drawn: " + why, "injects", bad, "trigger", words, id="H-04")
    if why.startswith("min above max"):
        check("drawn: the loader's hint", j.get("hint") == "swap min and max", j)
bad["trigger"] = {"after": "H-03", "delay": {"$yaml": "{dist: exponential}"}}
refused(c, "drawn: a dry run", "injects", bad, "trigger", ["'mean'"], id="H-04", path="check")
st, j, _ = c.post("catalogue", {"name": "Bad", "item": dict(sent, trigger={"after": "H-03", "delay": {
    "$yaml": "{dist: fixed"}})})
check("drawn: the catalogue refuses YAML that does not parse", st == 422 and j.get("code") == "bad-edit", (st, j))
st, j, _ = c.post("catalogue", {"name": "Drawn", "item": sent})
st, j, _ = c.get("catalogue")
check("drawn: the catalogue keeps the distribution as a value", j["templates"][0]["item"]["trigger"]["delay"] == {
    "dist": "uniform", "min": "10m", "max": "20m"}, j)
stop(p, out, "drawn")

# every other place a distribution can be: a decision's trigger, a review round's revision, an
# agent's retry and an agent rule's delay
scen = "tests/scenarios/valid/ports-storm-drawn.yaml"
fixture = open(scen, "rb").read()
p, port, db, codes, out = serve(scen, "ports")
c = Client(port)
c.join(codes["control"])
st, j, _ = c.get("doc", doc=1)
check("ports: lint clean", j["errors"] == 0, j["diagnostics"])
model = j["model"]
for section, id, field in [("decisions", "D-1", "trigger"), ("mechanisms", "review", "stages"),
                           ("agents", "xpb", "retry"), ("agents", "xpb", "rules")]:
    it = item_of(model, section, id)
    st, k, _ = c.post("item", {"doc": 1, "base": latest(c), "section": section, "id": id, "item": it})
    st, body, _ = c.get("export", doc=1, format="yaml")
    check("ports: %s %s saved unchanged, byte for byte" % (section, id), st == 200 and body == fixture)
    bad = json.loads(json.dumps(it))
    if field == "trigger":
        bad["trigger"]["delay"] = {"$yaml": "{dist: lognormal, median: 30m, sigma: 0}"}
        what = "trigger 'delay'"
    elif field == "stages":
        bad["stages"][0]["rounds"]["revision"] = {"dist": "triangular", "min": "1h", "mode": "30m", "max": "2h"}
        what = "rounds 'revision'"
    elif field == "retry":
        bad["retry"] = {"$yaml": "{after: {dist: empirical, values: []}, max: 3}"}
        what = "retry 'after'"
    else:
        bad["rules"][0]["delay"] = {"dist": "fixed", "value": "soon"}
        what = "agent rule 'delay'"
    refused(c, "ports: %s %s, a bad %s" % (section, id, what), section, bad, field, [what], id=id)
it = item_of(model, "mechanisms", "review")
it["stages"][0]["rounds"]["revision"] = {"$yaml": "{dist: fixed, value: 1h}"}
st, k, _ = c.post("item", {"doc": 1, "base": latest(c), "section": "mechanisms", "id": "review", "item": it})
st2, body, _ = c.get("export", doc=1, format="yaml")
check("ports: a revision edited to another distribution", st == 200 and k["errors"] == 0 and
      b"rounds: {max: 2, revision: {dist: fixed, value: 1h}}" in body, (st, k))
ex = [x for x in model if x["key"] == "exercise"][0]["value"]
j = refused(c, "ports: YAML that does not parse in a map section", "exercise", dict(ex, title={"$yaml": "[a,"}),
            "title", ["exercise 'ports-storm-drawn', field 'title': YAML syntax"])
stop(p, out, "ports")

# ---- one server for the rest ----
p, port, db, codes, out = serve("scenarios/ncg-policy-ttx.yaml", "editor")
ctl = Client(port)
ctl.join(codes["control"])
seat = Client(port)
seat.join(codes["usa-chair"])

st, j, _ = seat.get("docs")
check("a seat is refused the editor", st == 403 and j["code"] == "forbidden", (st, j))
st, j, _ = seat.post("docs", {"name": "x"})
check("a seat is refused the editor (POST)", st == 403, (st, j))
anon = Client(port)
st, j, _ = anon.get("docs")
check("no session: 401", st == 401 and j["code"] == "no-session", (st, j))

st, j, _ = ctl.post("docs", {"name": "Tabletop draft", "from": "empty", "author": "planner A"})
check("new document from the empty scenario", st == 200 and j["doc"] == 2 and j["version"] == 1, j)
DOC = j["doc"]
st, j, _ = ctl.get("doc", doc=DOC)
check("the empty scenario does not lint clean yet", st == 200 and j["errors"] == 3, j.get("diagnostics"))
check("a diagnostic placed on its section", any(d.get("section") == "parties" for d in j["diagnostics"]),
      j["diagnostics"])

version = 1


def save(section, item, id=None, at=None, author="planner A", base=None):
    global version
    body = {"doc": DOC, "base": base or version, "section": section, "item": item, "author": author}
    if id:
        body["id"] = id
    if at is not None:
        body["at"] = at
    st, j, _ = ctl.post("item", body)
    if st == 200:
        version = j["version"]
    return st, j


steps = [
    ("parties", {"id": "USA", "name": "United States", "zone": "America/New_York"}),
    ("parties", {"id": "KOR", "name": "Republic of Korea", "zone": "Asia/Seoul"}),
    ("parties", {"id": "EXCON", "name": "Exercise control", "kind": "organisation", "zone": "UTC"}),
    ("cells", {"id": "control", "name": "Control cell", "kind": "control"}),
    ("seats", {"id": "usa-chair", "party": "USA", "role": "Co-chair", "clearance": "SECRET"}),
    ("seats", {"id": "kor-chair", "party": "KOR", "role": "Co-chair", "clearance": "SECRET"}),
    ("seats", {"id": "ctl", "party": "EXCON", "role": "Controller", "clearance": "SECRET", "cells": ["control"]}),
    ("injects", {"id": "I-1", "title": "Request to consult", "label": "SECRET//REL TO USA, KOR, EXCON",
                 "from": "control", "to": ["usa-chair", "kor-chair"], "at": "+1h"}),
    ("injects", {"id": "I-2", "title": "Media inquiry", "label": "UNCLASSIFIED//REL TO USA, KOR, EXCON",
                 "from": "control", "to": ["all"], "channel": "news", "at": "+2h"}),
]
for section, item in steps:
    st, j = save(section, item)
    check("add %s %s" % (section, item["id"]), st == 200, j)
check("built item by item: lint clean", j["errors"] == 0, j.get("diagnostics"))
check("each save a version", version == 1 + len(steps), version)

# live validation: the same diagnostics as lint, on the field, nothing saved
st, j, _ = ctl.post("check", {"doc": DOC, "base": version, "section": "injects", "id": "I-2",
                              "item": dict(steps[-1][1], to=["usa-chiar"])})
d = [x for x in j.get("diagnostics", []) if x.get("id") == "I-2"]
check("check: the error on inject I-2, field 'to'", st == 200 and j["errors"] == 1 and d and d[0]["field"] == "to"
      and "usa-chiar" in d[0]["message"] and d[0].get("hint") == "did you mean 'usa-chair'?", j)
st, j, _ = ctl.get("doc", doc=DOC)
check("check saves nothing", j["version"] == version and j["errors"] == 0, (j["version"], version))
lint = subprocess.run([BIN, "lint", "/dev/stdin"], input=b"", capture_output=True)

# duplicate, reorder, delete, a map section
st, j = save("injects", dict(steps[-1][1], id="I-3", at="+3h"))
check("duplicate as I-3", st == 200, j)
st, j = save("injects", dict(steps[-1][1], id="I-3", at="+3h"), id="I-3", at=0)
ids = [x["id"] for x in [s for s in j["model"] if s["key"] == "injects"][0]["items"]]
check("move I-3 first", st == 200 and ids == ["I-3", "I-1", "I-2"], ids)
st, j = save("injects", None, id="I-3")
ids = [x["id"] for x in [s for s in j["model"] if s["key"] == "injects"][0]["items"]]
check("delete I-3", st == 200 and ids == ["I-1", "I-2"], ids)
st, j = save("exercise", {"id": "draft-ttx", "title": "Draft: allied consultation", "start": "2026-03-03T09:00:00Z",
                          "zone": "UTC"})
check("edit the exercise section", st == 200 and j["errors"] == 0, j)
st, j = save("objectives", {"id": "O-1", "title": "Consult promptly"})
st, j = save("injects", dict(steps[-2][1], objectives=["O-1"]), id="I-1")
check("pickers' values saved (objective)", st == 200 and j["errors"] == 0, j.get("diagnostics"))

# two planners: the second save of the same inject is refused with the other's change
base = version
st, a = save("injects", dict(steps[-1][1], title="Media inquiry (A)"), id="I-2", author="planner A", base=base)
check("planner A saves I-2", st == 200, a)
st, b = save("injects", dict(steps[-1][1], title="Media inquiry (B)"), id="I-2", author="planner B", base=base)
check("planner B's save of the same inject is refused", st == 409 and b["code"] == "conflict", (st, b))
check("with A's change shown", b.get("theirs", {}).get("title") == "Media inquiry (A)" and
      b.get("author") == "planner A" and b.get("version") == version and "planner A" in b.get("error", ""), b)
st, j, _ = ctl.get("doc", doc=DOC)
i2 = [x for x in [s for s in j["model"] if s["key"] == "injects"][0]["items"] if x["id"] == "I-2"][0]
check("nothing silently overwritten", i2["title"] == "Media inquiry (A)", i2)
st, c2 = save("injects", dict(steps[-2][1], title="Request to consult (B)", objectives=["O-1"]), id="I-1",
              author="planner B", base=base)
check("B's save of another inject from the same base is merged", st == 200, (st, c2))
st, j, _ = ctl.get("doc", doc=DOC)
titles = {x["id"]: x["title"] for x in [s for s in j["model"] if s["key"] == "injects"][0]["items"]}
check("both changes kept", titles == {"I-1": "Request to consult (B)", "I-2": "Media inquiry (A)"}, titles)

# versions and a readable diff
st, j, _ = ctl.get("versions", doc=DOC)
check("versions newest first, with authors", st == 200 and j["versions"][0]["version"] == version and
      j["versions"][0]["author"] == "planner B" and j["versions"][-1]["version"] == 1, j)
st, body, r = ctl.get("diff", doc=DOC, **{"from": version - 1, "to": version})
text = body.decode()
check("diff", st == 200 and text.startswith("--- version %d\n+++ version %d\n@@" % (version - 1, version)) and
      "-    title: Request to consult\n+    title: Request to consult (B)\n" in text, text)

# exports
st, y, _ = ctl.get("export", doc=DOC, format="yaml")
yp = os.path.join(WORK, "draft.yaml")
open(yp, "wb").write(y)
r = subprocess.run([BIN, "lint", yp], capture_output=True, text=True)
check("the exported YAML passes caucus lint", st == 200 and r.returncode == 0 and "ok (0 errors, 0 warnings)" in
      r.stdout, r.stdout + r.stderr)
st, csvb, _ = ctl.get("export", doc=DOC, format="csv")
check("CSV export", st == 200 and csvb.startswith(b"\xef\xbb\xbfInject #,Scenario Time") and b"I-2,+2h," in csvb,
      csvb[:200])
st, xb, r = ctl.get("export", doc=DOC, format="xlsx")
z = zipfile.ZipFile(io.BytesIO(xb)) if st == 200 else None
check("workbook export", z is not None and "xl/worksheets/sheet1.xml" in z.namelist() and
      r.getheader("Content-Type").startswith("application/vnd.openxmlformats"), st)
xp = os.path.join(WORK, "draft.xlsx")
open(xp, "wb").write(xb)
r = subprocess.run([BIN, "msel", "import", xp, "--into", yp, "--out", os.path.join(WORK, "back.yaml")],
                   capture_output=True, text=True)
check("the workbook imports back", r.returncode == 0, r.stderr)

# the inject catalogue
st, j, _ = ctl.post("catalogue", {"name": "Media inquiry", "item": steps[-1][1]})
check("template saved", st == 200 and j["id"] > 0, j)
tid = j["id"]
st, j, _ = ctl.get("catalogue")
check("catalogue lists it", st == 200 and j["templates"][0]["name"] == "Media inquiry" and
      j["templates"][0]["item"]["channel"] == "news", j)
st, j, _ = ctl.post("catalogue", {"delete": tid})
st2, j2, _ = ctl.get("catalogue")
check("template deleted", st == 200 and j2["templates"] == [], (j, j2))

# a headless run, recorded as an exercise pinned to the version it ran
st, j, _ = ctl.post("run", {"doc": DOC, "seed": 7})
check("run", st == 200 and j["version"] == version and j["summary"]["injects_released"] == 2 and
      j["summary"]["deliveries"] >= 2, j)
ex = j.get("exercise")
lp = os.path.join(WORK, "run.jsonl")
st, y, _ = ctl.get("export", doc=DOC, version=version, format="yaml")
vp = os.path.join(WORK, "ran.yaml")
open(vp, "wb").write(y)
r = subprocess.run([BIN, "export", db, "--exercise", str(ex), "--log", lp], capture_output=True, text=True)
r2 = subprocess.run([BIN, "replay", lp, "--scenario", vp], capture_output=True, text=True)
check("the run's log is stored and replays", r.returncode == 0 and r2.returncode == 0 and "engine reproduces" in
      r2.stdout, r.stderr + r2.stdout + r2.stderr)
r = subprocess.run(["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("
                    "'SELECT exercise, doc, version FROM exercise_scenario ORDER BY exercise').fetchall())", db],
                   capture_output=True, text=True)
check("the exercises pin the versions they ran", r.stdout.strip() == "[(1, 1, 1), (%d, %d, %d)]" % (ex, DOC, version),
      r.stdout + r.stderr)

# errors
cases = [
    ("GET", "doc", {}, 400, "bad-request"),
    ("GET", "doc?doc=99", None, 404, "not-found"),
    ("GET", "doc?doc=%d&version=999" % DOC, None, 404, "not-found"),
    ("GET", "doc?doc=abc", None, 400, "bad-request"),
    ("GET", "versions?doc=99", None, 404, "not-found"),
    ("GET", "diff?doc=%d&from=1" % DOC, None, 400, "bad-request"),
    ("GET", "export?doc=%d&format=pdf" % DOC, None, 400, "bad-request"),
    ("GET", "nothing", None, 404, "not-found"),
    ("GET", "item", None, 405, "method-not-allowed"),
    ("POST", "doc", {}, 405, "method-not-allowed"),
    ("POST", "docs", {"name": ""}, 400, "bad-request"),
    ("POST", "docs", {"name": "x", "from": "nowhere"}, 400, "bad-request"),
    ("POST", "item", {"doc": DOC}, 400, "bad-request"),
    ("POST", "item", {"doc": DOC, "base": 1, "section": "injects", "id": "I-9", "item": {"id": "I-9"}}, 404,
     "not-found"),
    ("POST", "item", {"doc": DOC, "base": version, "section": "injects", "id": "I-9", "item": {"id": "I-9"}}, 404,
     "not-found"),
    ("POST", "item", {"doc": DOC, "base": version, "section": "injects", "item": {"id": "I-1"}}, 422, "bad-edit"),
    ("POST", "item", {"doc": DOC, "base": version, "section": "caucus", "item": {"id": "x"}}, 422, "bad-edit"),
    ("POST", "item", {"doc": 99, "base": 1, "section": "injects", "item": {"id": "x"}}, 404, "not-found"),
    ("POST", "catalogue", {"name": "x"}, 400, "bad-request"),
    ("POST", "catalogue", {"delete": 999}, 404, "not-found"),
    ("POST", "run", {"doc": 2, "version": 1}, 422, "bad-edit"),
]
for method, path, body, want, code in cases:
    if method == "GET":
        st, j, _ = ctl.req("GET", "/api/editor/" + path)
    else:
        st, j, _ = ctl.post(path, body)
    check("%s %s -> %d %s" % (method, path, want, code), st == want and isinstance(j, dict) and j.get("code") == code,
          (st, j))
st, j, _ = ctl.req("POST", "/api/editor/item", None)
check("POST without a body", st == 400, (st, j))
# a seat id conflict: planner A adds I-5 from an old base while B added I-5 already
st, j = save("injects", dict(steps[-1][1], id="I-5"), author="planner B")
st, j = save("injects", dict(steps[-1][1], id="I-5", title="Other"), author="planner A", base=version - 1)
check("a new inject whose id someone added meanwhile is refused", st == 409 and j.get("theirs", {}).get("id") == "I-5",
      (st, j))

stop(p, out, "editor")
openapi_check.check_all(check)  # every answer above against the OpenAPI document
sys.exit(check.summary())
