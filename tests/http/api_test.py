#!/usr/bin/env python3
"""HTTP API tests of `caucus serve` (docs/http-api.md), standard library only.

Usage: api_test.py CAUCUS_BIN WORKDIR. Starts the server on the policy TTX sample, exercises
every endpoint and its errors, kills the server with SIGKILL and resumes the exercise, and
prints "N passed, N failed"."""
import http.client
import json
import urllib.parse
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, free_port, sanitizer_report  # noqa: E402
import openapi_check  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
SCEN = "scenarios/ncg-policy-ttx.yaml"
check = Checks(width=1 << 20)


class Server:
    def __init__(self, args):
        self.port = free_port()
        self.out = open(os.path.join(WORK, "serve-%d.out" % self.port), "w+")
        self.p = subprocess.Popen([BIN, "serve"] + args + ["--listen", "127.0.0.1:%d" % self.port],
                                  stdout=self.out, stderr=subprocess.STDOUT)
        for _ in range(200):
            self.out.seek(0)
            if "listening on" in self.out.read():
                return
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        self.out.seek(0)
        raise SystemExit("server did not start: " + self.out.read())

    def text(self):
        self.out.seek(0)
        return self.out.read()

    def stop(self, sig=signal.SIGINT):
        self.p.send_signal(sig)
        return self.p.wait(timeout=20)


class Client:
    def __init__(self, port, origin=True):
        self.port, self.cookie, self.csrf = port, None, None
        self.origin = origin

    def req(self, method, path, body=None, headers=None, raw=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        h = {"Host": "127.0.0.1:%d" % self.port}
        if self.cookie:
            h["Cookie"] = self.cookie
        if body is not None or raw is not None:
            h["Content-Type"] = "application/json"
        if self.csrf:
            h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        payload = r.read()
        c.close()
        openapi_check.record(method, path, r.status, r.getheader("Content-Type"), payload)
        try:
            j = json.loads(payload) if payload and r.getheader("Content-Type", "").startswith("application/json") else None
        except ValueError:
            j = None
        return r.status, j, payload, r

    def join(self, code):
        st, j, _, r = self.req("POST", "/api/join", {"code": code})
        if st == 200:
            m = re.match(r"((?:__Host-)?caucus_session=[0-9a-f]{64})", r.getheader("Set-Cookie", ""))
            self.cookie = m.group(1) if m else None
            self.csrf = j["csrf"]
        return st, j, r

    def input(self, body):
        return self.req("POST", "/api/input", body)


def sse(port, cookie, last=None, query="", want=1, timeout=5.0):
    """Reads event frames from /api/events; returns (status, list of (id, data))."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    hdr = "GET /api/events%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\nAccept: text/event-stream\r\n" % (
        query, port, cookie)
    if last is not None:
        hdr += "Last-Event-ID: %s\r\n" % last
    s.sendall((hdr + "\r\n").encode())
    buf = b""
    frames = []
    status = None
    end = time.time() + timeout
    while time.time() < end and len(frames) < want:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        buf += chunk
        if status is None and b"\r\n" in buf:
            status = int(buf.split(b" ", 2)[1])
            if status != 200:
                break
        frames = [(int(m.group(1)), json.loads(m.group(2))) for m in
                  re.finditer(rb"id: (\d+)\nevent: caucus\ndata: (.*)\n\n", buf)]
    s.close()
    return status, frames


def open_stream(port, cookie):
    """Opens /api/events and returns (socket, status) without reading further."""
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


def control_scope_and_end(nf):
    """The same sample without exercise.control_bypass: control reads what the control cell's
    seats may read. Then control ends the exercise: 409 afterwards, the log verifies and replays."""
    scen = os.path.join(WORK, "no-bypass.yaml")
    text = open(SCEN).read()
    check("the sample sets control_bypass", "  control_bypass: true\n" in text)
    open(scen, "w").write(text.replace("  control_bypass: true\n", ""))
    db = os.path.join(WORK, "nb.db")
    cf = os.path.join(WORK, "nb-codes.json")
    srv = Server([scen, "--db", db, "--codes", cf, "--seed", "5", "--streams-per-session", "2"])
    codes = json.load(open(cf))
    ctl, usa = Client(srv.port), Client(srv.port)
    ctl.join(codes["control"])
    usa.join(codes["usa-chair"])
    ctl.input({"do": "start"})
    st, j, _, _ = ctl.input({"do": "release", "inject": nf})
    check("no bypass: control still releases a national-only inject", st == 200 and not j["refused"], j)
    st, j, _, _ = ctl.input({"do": "release", "inject": "I-01"})
    check("no bypass: I-01 (released to EXCON) is out at the start", st == 200, j)
    time.sleep(0.3)
    st, j, _, _ = usa.req("GET", "/api/items/" + nf)
    check("no bypass: the USA seat reads the NOFORN item", st == 200, j)
    title = (j or {}).get("title") or "no title"
    st, j, _, _ = ctl.req("GET", "/api/items/" + nf)
    check("no bypass: control asking for the NOFORN item by id: 404", st == 404 and j["code"] == "not-found", j)
    st, j, _, _ = ctl.req("GET", "/api/items/I-01")
    check("no bypass: control reads the item released to EXCON", st == 200 and "EXCON" in j["label"], j)
    st, sc, _, _ = ctl.req("GET", "/api/state")
    ids = {i["id"] for i in sc["items"]}
    check("no bypass: control's items omit the NOFORN item", nf not in ids and "I-01" in ids, ids)
    msel = {i["id"]: i for i in sc["injects"]}
    check("no bypass: the MSEL lists it without its title", msel[nf]["title"] is None and
          msel[nf]["state"] == "released", msel.get(nf))
    check("no bypass: control's state never shows its title", title not in json.dumps(sc))
    status, frames = sse(srv.port, ctl.cookie, want=10000, timeout=2)
    check("no bypass: control's stream opens", status == 200 and len(frames) > 3, status)
    check("no bypass: control's stream omits the NOFORN release and deliveries",
          not any(f[1]["type"] in ("inject.release", "delivery") and
                  nf in (f[1]["payload"].get("inject"), f[1]["payload"].get("item")) for f in frames))
    check("no bypass: control's stream has the EXCON release", any(f[1]["type"] == "inject.release" and
                                                                 f[1]["payload"].get("inject") == "I-01" for f in frames))
    check("no bypass: no frame carries the title", not any(title in json.dumps(f[1]) for f in frames))
    st, _, body, _ = ctl.req("GET", "/api/log")
    lines = body.decode().splitlines()
    check("no bypass: control's log omits the NOFORN release and deliveries", st == 200 and not any(
        ('"type":"inject.release"' in l or '"type":"delivery"' in l) and ('"%s"' % nf) in l for l in lines))
    check("no bypass: control's log never shows the title", title not in body.decode())
    # the scenario's texts in Korean: only texts of the viewer's own state
    def strings(v):
        if isinstance(v, str):
            return {v}
        items = v.values() if isinstance(v, dict) else v if isinstance(v, list) else []
        return set().union(*[strings(x) for x in items]) if items else set()
    st, tj, _, _ = ctl.req("GET", "/api/texts?lang=ko")
    check("no bypass: control's texts never translate the NOFORN title", st == 200 and title not in tj["texts"],
          (st, tj))
    st, uj, _, _ = usa.req("GET", "/api/texts?lang=ko")
    check("/api/texts: the classifications' display names in Korean", uj.get("classes") ==
          {"UNCLASSIFIED": "비밀 아님", "CONFIDENTIAL": "대외비", "SECRET": "비밀"}, uj.get("classes"))
    check("the USA seat's texts translate the title of the NOFORN item it reads", st == 200 and
          uj["lang"] == "ko" and uj["authoritative"] == "en" and title in uj["texts"], (st, uj))
    st, us, _, _ = usa.req("GET", "/api/state")
    check("every text translated is one of the seat's own state", set(uj["texts"]) <= strings(us),
          set(uj["texts"]) - strings(us))
    st, j, _, _ = usa.req("GET", "/api/texts")
    check("/api/texts without lang: 400", st == 400 and j["code"] == "bad-request", (st, j))
    st, j, _, _ = usa.req("GET", "/api/texts?lang=ja")
    check("/api/texts in an undeclared language: none", st == 200 and j["texts"] == {}, (st, j))
    check("no bypass: control's log has the EXCON release", any('"type":"inject.release"' in l and '"I-01"' in l
                                                              for l in lines))
    check("no bypass: no bypass record", not any('"control-bypass"' in l for l in lines))
    st, _, rbody, _ = ctl.req("GET", "/api/report")
    check("no bypass: control's report is a control seat's", st == 200 and b"excon-director" in rbody, st)
    check("no bypass: control's report omits the NOFORN item", title.encode() not in rbody)
    st, j, _, _ = ctl.req("GET", "/api/report?seat=usa-chair")
    check("no bypass: control may not read a player's report", st == 403, (st, j))
    st, j, _, _ = usa.input({"do": "end"})
    check("a seat may not end the exercise: 403", st == 403 and j["code"] == "forbidden", j)
    # streams per session (--streams-per-session 2)
    s1, a = open_stream(srv.port, usa.cookie)
    s2, b = open_stream(srv.port, usa.cookie)
    st3, _ = sse(srv.port, usa.cookie)
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    c.request("GET", "/api/events", headers={"Host": "127.0.0.1:%d" % srv.port, "Cookie": usa.cookie})
    r = c.getresponse()
    j = json.loads(r.read())
    c.close()
    s1.close()
    s2.close()
    check("two streams open", a == 200 and b == 200, (a, b))
    check("a third stream: 429 too-many-streams", st3 == 429 and r.status == 429 and j["code"] == "too-many-streams", j)
    check("the 429 names the configured limit", "at most 2 " in j["error"], j)
    # the end of the exercise
    st, j, _, _ = ctl.input({"do": "end", "now": 1})
    check("end takes no other member: 400", st == 400, j)
    st, j, _, _ = ctl.input({"do": "end"})
    check("control ends the exercise", st == 200 and j["seq"][1] >= j["seq"][0], j)
    st, sc, _, _ = ctl.req("GET", "/api/state")
    check("the state shows the run ended", sc["clock"]["ended"] is True and not sc["clock"]["running"], sc["clock"])
    st, su, _, _ = usa.req("GET", "/api/state")
    check("a seat's state shows it too", su["clock"]["ended"] is True)
    st, j, _, _ = ctl.input({"do": "end"})
    check("ending twice: 409 exercise-ended", st == 409 and j["code"] == "exercise-ended", j)
    st, j, _, _ = usa.input({"do": "note", "text": "too late"})
    check("a seat's input after the end: 409", st == 409 and j["code"] == "exercise-ended", j)
    st, j, _, _ = ctl.input({"do": "resume"})
    check("control's input after the end: 409", st == 409, j)
    st, _, rbody, _ = usa.req("GET", "/api/report")
    check("the report works after the end", st == 200 and b"<html" in rbody.lower(), st)
    check("after the end the report is final, not interim", b"Interim after-action report" not in rbody)
    st, _, rbody, _ = usa.req("GET", "/api/report?lang=ko")
    check("the report in Korean (?lang=ko)", st == 200 and b'<html lang="ko">' in rbody and
          "사후 강평 보고서".encode() in rbody, st)
    st, _, rbody, _ = usa.req("GET", "/api/report?lang=fr")
    check("a language without a catalogue: the English report", st == 200 and b'<html lang="en">' in rbody, st)
    st, j, _, _ = usa.req("GET", "/api/report?lang=not%20a%20tag")
    check("?lang that is no language tag: 400", st == 400 and j["code"] == "bad-request", (st, j))
    st, _, rbody, _ = ctl.req("GET", "/api/report")
    check("control's final report", st == 200 and b"Interim after-action report" not in rbody, st)
    # the other formats (docs/http-api.md): the same document as Markdown, JSON and a Word file
    st, j, _, _ = usa.req("GET", "/api/report?format=json")
    check("report as JSON: the seat's view, in HSEEP order", st == 200 and j["view"]["seat"] == "usa-chair" and
          [x["id"] for x in j["sections"]][:3] == ["overview", "summary", "objectives"], st)
    st, _, md, r = usa.req("GET", "/api/report?format=md")
    check("report as Markdown", st == 200 and r.getheader("Content-Type").startswith("text/markdown") and
          md.startswith(b"**"), (st, md[:40]))
    st, _, dx, r = ctl.req("GET", "/api/report?format=docx")
    check("report as DOCX: a ZIP to save", st == 200 and dx[:2] == b"PK" and
          "attachment" in (r.getheader("Content-Disposition") or "") and
          r.getheader("Content-Type").endswith("wordprocessingml.document"), st)
    st, j, _, _ = usa.req("GET", "/api/report?format=pdf")
    check("report: an unknown format is 400", st == 400 and j["code"] == "bad-request", (st, j))
    st, _, body, _ = ctl.req("GET", "/api/log")
    last = json.loads(body.decode().splitlines()[-1])
    check("run.end is the log's last event", last["type"] == "run.end", last["type"])
    logs = [json.loads(l) for l in body.decode().splitlines()]
    check("logged: a seat trying to end", any(r["type"] == "access.denied" and r["payload"].get("do") == "end"
                                              for r in logs))
    check("logged: a stream over the limit", any(r["type"] == "access.denied" and
                                                 r["payload"].get("reason") == "too-many-streams" for r in logs))
    check("logged: control's denied item", any(r["type"] == "access.denied" and r["payload"].get("role") == "control"
                                                and r["payload"].get("item") == nf for r in logs))
    check("the ended server stops cleanly", srv.stop() == 0)
    srv2 = Server(["--exercise", "1", "--db", db])
    ctl.port = srv2.port
    seeds = re.findall(r"seed (\d+),", srv.text()), re.findall(r"seed (\d+),", srv2.text())
    check("a resumed exercise prints its own seed", seeds[0] and seeds[0] == seeds[1], seeds)
    st, sc, _, _ = ctl.req("GET", "/api/state")
    check("an ended exercise resumes as ended", st == 200 and sc["clock"]["ended"] is True, (st, sc and sc.get("clock")))
    st, j, _, _ = ctl.input({"do": "start"})
    check("after a restart it still refuses inputs: 409", st == 409, j)
    check("the resumed server stops cleanly", srv2.stop() == 0)
    v = subprocess.run([BIN, "verify", db, "--exercise", "1"], capture_output=True, text=True)
    check("the ended exercise verifies", v.returncode == 0, v.stdout + v.stderr)
    out = os.path.join(WORK, "ended.jsonl")
    v = subprocess.run([BIN, "export", db, "--exercise", "1", "--log", out], capture_output=True, text=True)
    v = subprocess.run([BIN, "replay", out], capture_output=True, text=True)
    check("the ended exercise replays byte for byte (whole log, run.end included)", v.returncode == 0,
          v.stdout + v.stderr)


def limits():
    """--max-per-ip, and a report that cannot be written (500 report-failed)."""
    db = os.path.join(WORK, "lim.db")
    cf = os.path.join(WORK, "lim-codes.json")
    env = dict(os.environ, TMPDIR=os.path.join(WORK, "no-such-dir"))
    port = free_port()
    out = open(os.path.join(WORK, "serve-lim.out"), "w+")
    p = subprocess.Popen([BIN, "serve", SCEN, "--db", db, "--codes", cf, "--max-per-ip", "2", "--listen",
                          "127.0.0.1:%d" % port], stdout=out, stderr=subprocess.STDOUT, env=env)
    for _ in range(200):
        out.seek(0)
        if "listening on" in out.read():
            break
        time.sleep(0.05)
    codes = json.load(open(cf))
    ctl = Client(port)
    st, j, _ = ctl.join(codes["control"])
    st, j, _, _ = ctl.req("GET", "/api/report")
    check("a report that cannot be written: 500 report-failed", st == 500 and j["code"] == "report-failed", (st, j))
    held = []
    for _ in range(2):  # two kept-alive connections, each known to be accepted (it answered)
        k = socket.create_connection(("127.0.0.1", port), timeout=5)
        k.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        k.recv(4096)
        held.append(k)
    a, b = held
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        got = c.recv(100)
    except OSError:
        got = b""
    c.close()
    check("--max-per-ip 2: a third connection is refused", b"200" not in got, got)
    a.close()
    b.close()
    time.sleep(0.2)
    st, _, body, _ = Client(port).req("GET", "/healthz")
    check("--max-per-ip: connections are taken again once others close", st == 200, st)
    p.send_signal(signal.SIGINT)
    check("the limits server stops cleanly", p.wait(timeout=20) == 0)


def evaluation_over_http():
    """Evaluation in the live server (tests/scenarios/valid/evaluation.yaml): an evaluator observes
    and is refused acting in play, the hotwash is control's, two seats answer the questionnaire, and
    the reports aggregate it by party for the evaluator and hold only its own answer for a seat."""
    scen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios", "valid", "evaluation.yaml")
    db = os.path.join(WORK, "ev.db")
    cf = os.path.join(WORK, "ev-codes.json")
    srv = Server([scen, "--db", db, "--codes", cf, "--seed", "3"])
    codes = json.load(open(cf))
    ctl, obs, usa, kor = Client(srv.port), Client(srv.port), Client(srv.port), Client(srv.port)
    ctl.join(codes["control"])
    st, j, _ = obs.join(codes["obs-usa"])
    check("an evaluator joins as an evaluator", st == 200 and j["role"] == "evaluator" and j["seat"] == "obs-usa", j)
    usa.join(codes["usa-lead"])
    kor.join(codes["kor-lead"])
    ctl.input({"do": "start"})
    text = "The co-chairs met in person within ten minutes."
    st, j, _, _ = obs.input({"do": "observe", "objective": "O-consult", "target": "CT-1", "kind": "strength",
                             "text": text, "label": "UNCLASSIFIED//REL TO ALLIANCE", "evidence": [1]})
    check("an evaluator observes over HTTP", st == 200 and not j.get("refused"), (st, j))
    st, j, _, _ = obs.input({"do": "note", "text": "A note of the evaluator."})
    check("an evaluator takes notes", st == 200 and not j.get("refused"), (st, j))
    st, j, _, _ = obs.input({"do": "message", "to": ["usa-lead"], "text": "hello", "label": "UNCLASSIFIED//REL TO ALLIANCE"})
    check("an evaluator's act in play is refused", st == 200 and j.get("refused") and "never acts" in j["refused"], (st, j))
    st, j, _, _ = usa.input({"do": "hotwash"})
    check("the hotwash is control's: 403", st == 403, (st, j))
    st, j, _, _ = ctl.input({"do": "hotwash"})
    check("control starts the hotwash", st == 200 and not j.get("refused"), (st, j))
    st, su, _, _ = usa.req("GET", "/api/state")
    qs = {q["id"]: q for q in su.get("questionnaires", [])}
    check("the seat's state holds the questionnaire sent, its questions, no answer yet",
          "Q-end" in qs and [k["id"] for k in qs["Q-end"]["questions"]] == ["h1", "h2"] and
          qs["Q-end"]["questions"][0]["scale"] == 7 and qs["Q-end"]["answer"] is None, su.get("questionnaires"))
    check("a questionnaire not sent yet is not in the state", "Q-p1" not in qs, list(qs))
    sm = {m["id"]: m for m in su.get("scoring", [])}
    check("the seat's state holds its team's scoring model", "SC-move" in sm and sm["SC-move"]["teams"] == ["party:USA"] and
          [c["id"] for c in sm["SC-move"]["criteria"]] == ["timely", "shared", "clear"] and
          {m["id"]: m["open"] for m in sm["SC-move"]["moves"]} == {"p1": True, "p2": False}, su.get("scoring"))
    st, j, _, _ = usa.input({"do": "score", "model": "SC-move", "move": "p1", "scores": {"timely": 4, "shared": 3, "clear": 5}})
    st, su2, _, _ = usa.req("GET", "/api/state")
    sub = su2["scoring"][0]["submitted"] if su2.get("scoring") else {}
    check("its team's submission in the state", sub.get("p1", {}).get("party:USA", {}).get("by") == "usa-lead", sub)
    st, so2, _, _ = obs.req("GET", "/api/state")
    check("an evaluator is on no team", so2.get("scoring") == [], so2.get("scoring"))
    st, sc, _, _ = ctl.req("GET", "/api/state")
    cq = {q["id"]: q for q in sc.get("questionnaires", [])}
    check("control's state: each questionnaire, when sent, seats asked and answered",
          cq.get("Q-end", {}).get("send") == "end" and isinstance(cq["Q-end"].get("sent_t"), int) and
          cq["Q-end"]["answered"] == 0 and cq["Q-end"]["asked"] >= 2 and cq.get("Q-p1", {}).get("sent_t") is None and
          cq["Q-p1"]["send"] == "p1", sc.get("questionnaires"))
    st, j, _, _ = usa.input({"do": "answer", "questionnaire": "Q-end", "answers": {"h1": 6, "h2": "Consult earlier, please."}})
    check("a seat answers the questionnaire", st == 200 and not j.get("refused"), (st, j))
    st, su, _, _ = usa.req("GET", "/api/state")
    qs = {q["id"]: q for q in su.get("questionnaires", [])}
    check("the state shows the seat's last answer and when", qs.get("Q-end", {}).get("answer") == {"h1": 6, "h2": "Consult earlier, please."} and
          isinstance(qs["Q-end"].get("answered_t"), int), qs)
    st, so, _, _ = obs.req("GET", "/api/state")
    check("an evaluator is asked nothing", so.get("questionnaires") == [], so.get("questionnaires"))
    st, j, _, _ = kor.input({"do": "answer", "questionnaire": "Q-end", "answers": {"h1": 3, "h2": "More time for the desks."}})
    check("a second seat answers", st == 200 and not j.get("refused"), (st, j))
    def tab(d, sid, tid):
        return next(t for s in d["sections"] if s["id"] == sid for t in s["tables"] if t["id"] == tid)
    st, d, _, _ = obs.req("GET", "/api/report?format=json")
    check("the evaluator's report has its observation", st == 200 and
          any(r[8] == text for r in tab(d, "objectives", "observations")["rows"]), st)
    h1 = {r[0]: r[1:4] for r in tab(d, "feedback", "Q-end-h1")["rows"]} if st == 200 else {}
    check("the answers aggregated by party", h1.get("6") == [1, 1, 0] and h1.get("3") == [1, 0, 1], h1)
    st, d, body, _ = usa.req("GET", "/api/report?format=json")
    blob = json.dumps(d)
    check("a seat's report: its own answer, not the other seat's, no observation", st == 200 and
          "Consult earlier, please." in blob and "More time for the desks." not in blob and text not in blob, st)
    srv.stop()


def main():
    db = os.path.join(WORK, "serve.db")
    codes_file = os.path.join(WORK, "codes.json")
    srv = Server([SCEN, "--db", db, "--codes", codes_file, "--seed", "11", "--join-per-min", "20"])
    codes = json.load(open(codes_file))
    out = srv.text()
    check("prints the control console URL", "control console: http://127.0.0.1:%d/" % srv.port in out, out)
    check("prints every seat's code", all(code in out for code in codes.values()))
    check("creates a signing key on first use and prints it", "signing key created: %s.key" % db in out and
          os.path.exists(db + ".key.pub"), out)
    check("codes are 100-bit Crockford groups", all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}", c)
                                                    for c in codes.values()))
    port = srv.port
    anon = Client(port)
    st, _, body, r = anon.req("GET", "/healthz")
    check("healthz", st == 200 and body == b"ok\n")
    st, _, body, r = anon.req("GET", "/")
    if os.path.exists("ui/index.html"):
        check("UI index is served, byte for byte", st == 200 and r.getheader("Content-Type", "").startswith(
            "text/html") and body == open("ui/index.html", "rb").read(), st)
    else:
        check("without ui/ there is no index", st == 404, st)
    # the UI in the reader's language: i18n.js and a catalogue per language, the same keys in each
    st, _, body, r = anon.req("GET", "/i18n.js")
    check("i18n.js is served", st == 200 and r.getheader("Content-Type", "").startswith("text/javascript"), st)
    cats = {}
    for tag in ("en", "ko"):
        st, _, body, r = anon.req("GET", "/lang-%s.json" % tag)
        check("the %s catalogue is served as JSON" % tag, st == 200 and
              r.getheader("Content-Type", "").startswith("application/json"), st)
        cats[tag] = json.loads(body) if st == 200 else {}
    check("the catalogues hold the same keys", cats["en"] and set(cats["en"]) == set(cats["ko"]),
          set(cats["en"]) ^ set(cats["ko"]))
    for hname, want in [("Content-Security-Policy", "default-src 'self'"), ("X-Content-Type-Options", "nosniff"),
                        ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store"),
                        ("X-Frame-Options", "DENY")]:
        check("header " + hname, want in (r.getheader(hname) or ""), r.getheader(hname))
    st, j, _, _ = anon.req("GET", "/../../etc/passwd")
    check("path traversal is a 404", st == 404)
    st, j, _, _ = anon.req("GET", "/%2e%2e/%2e%2e/etc/passwd")
    check("encoded traversal is a 404", st == 404)
    st, j, _, _ = anon.req("GET", "/api/state")
    check("state needs a session", st == 401 and j["code"] == "no-session", j)
    st, j, _, _ = anon.req("DELETE", "/api/state")
    check("other methods: 405", st == 405)

    # joining
    bad = Client(port)
    st, j, _ = bad.join("AAAAA-AAAAA-AAAAA-AAAAA")
    check("a wrong code is 401", st == 401 and j["code"] == "bad-code", j)
    st, j, _ = bad.join("not a code at all")
    check("a malformed code is the same 401", st == 401 and j["code"] == "bad-code", j)
    st, j, _, _ = bad.req("POST", "/api/join", raw=b'{"code": "x", "code": "y"}')
    check("duplicate JSON keys are refused", st == 400, j)
    st, j, _, _ = bad.req("POST", "/api/join", raw=b"[" * 10000)
    check("deep nesting is a 400, no crash", st == 400, j)
    st, j, _, _ = bad.req("POST", "/api/join", {"code": codes["control"]}, headers={"Content-Type": "text/plain"})
    check("join needs application/json", st == 415, j)
    st, j, _, _ = bad.req("POST", "/api/join", {"code": codes["control"]},
                          headers={"Origin": "http://evil.example"})
    check("cross-origin join is refused", st == 403 and j["code"] == "csrf", j)
    st, j, _, _ = bad.req("POST", "/api/join", {"code": codes["control"]}, headers={"Sec-Fetch-Site": "cross-site"})
    check("Sec-Fetch-Site cross-site is refused", st == 403, j)
    st, j, _, _ = bad.req("POST", "/api/join", raw=b'{"code":"' + b"A" * 70000 + b'"}')
    check("a body over 64 KiB is 413", st == 413, j)

    ctl = Client(port)
    st, j, r = ctl.join(codes["control"])
    check("control joins", st == 200 and j["role"] == "control" and j["seat"] is None, j)
    sc = r.getheader("Set-Cookie", "")
    check("session cookie flags", "HttpOnly" in sc and "SameSite=Strict" in sc and "Path=/" in sc, sc)
    usa, kor = Client(port), Client(port)
    st, j, _ = usa.join(codes["usa-chair"].lower())
    check("codes are case-insensitive", st == 200 and j["seat"] == "usa-chair", j)
    st, j, _ = kor.join(codes["kor-chair"].replace("-", " "))
    check("separators do not matter", st == 200 and j["seat"] == "kor-chair", j)

    # CSRF
    saved = ctl.csrf
    ctl.csrf = None
    st, j, _, _ = ctl.input({"do": "start"})
    check("POST without X-CSRF-Token: 403", st == 403 and j["code"] == "csrf", j)
    ctl.csrf = "0" * 64
    st, j, _, _ = ctl.input({"do": "start"})
    check("POST with a wrong token: 403", st == 403, j)
    ctl.csrf = usa.csrf
    st, j, _, _ = ctl.input({"do": "start"})
    check("another session's token: 403", st == 403, j)
    ctl.csrf = saved
    st, j, _, _ = ctl.input({"do": "start"}) if False else ctl.req("POST", "/api/input", {"do": "start"},
                                                                   headers={"Origin": "http://evil.example"})
    check("cross-origin input: 403", st == 403, j)

    # seats may not do control's work or act for others
    st, j, _, _ = usa.input({"do": "start"})
    check("a seat cannot start the clock", st == 403 and j["code"] == "forbidden", j)
    st, j, _, _ = usa.input({"do": "release", "inject": "I-03"})
    check("a seat cannot release injects", st == 403, j)
    st, j, _, _ = usa.input({"do": "note", "seat": "kor-chair", "text": "spoof"})
    check("a seat cannot act as another", st == 403, j)
    st, j, _, _ = usa.input({"do": "audit", "what": "access.denied"})
    check("nobody writes audit records by hand", st == 403, j)
    st, j, _, _ = usa.input({"do": "dance"})
    check("an unknown action is 400 bad-input", st == 400 and j["code"] == "bad-input", j)
    st, j, _, _ = usa.req("POST", "/api/input", raw=b'{"do": 1e999}')
    check("1e999 is refused", st == 400, j)
    st, j, _, _ = usa.req("POST", "/api/input", raw=b"\xff\xfe")
    check("invalid UTF-8 is refused", st == 400, j)
    st, j, _, _ = usa.input({"do": "note", "text": "USA cell: watch the 24 h notification rule"})
    check("a seat writes a note", st == 200 and j["refused"] is None, j)

    # clock: start fast, let the national-only inject (I-02 SECRET//NOFORN from USA) release
    st, j, _, _ = ctl.input({"do": "start"})
    check("control starts the clock", st == 200, j)
    st, j, _, _ = ctl.input({"do": "start"})
    check("starting twice is refused by the engine", st == 200 and j["refused"], j)
    st, j, _, _ = ctl.input({"do": "speed", "factor": "5000"})
    check("a speed over 1000 is refused", st == 400, j)
    st, j, _, _ = ctl.input({"do": "speed", "factor": "1000"})
    check("speed", st == 200 and not j["refused"], j)
    time.sleep(1.5)
    st, sctl, _, _ = ctl.req("GET", "/api/state")
    check("control's state has the MSEL and findings", st == 200 and "injects" in sctl and "findings" in sctl)
    check("the clock runs at speed 1000", sctl["clock"]["running"] and sctl["clock"]["speed"] == "1000", sctl["clock"])
    released = [i["id"] for i in sctl["injects"] if i["state"] == "released"]
    check("injects released on the clock", len(released) >= 1, released)
    noforn = [i for i in sctl["injects"] if i.get("label") == "SECRET//NOFORN"]
    check("the sample has NOFORN injects", len(noforn) >= 1, noforn)
    nf = noforn[0]["id"] if noforn else "I-03"
    st, j, _, _ = ctl.input({"do": "release", "inject": nf})
    check("control releases the national-only inject now", st == 200 and not j["refused"], j)
    st, sctl, _, _ = ctl.req("GET", "/api/state")
    st, su, _, _ = usa.req("GET", "/api/state")
    st2, sk, _, _ = kor.req("GET", "/api/state")
    ui = {i["id"]: i for i in su["items"]}
    ki = {i["id"]: i for i in sk["items"]}
    check("the USA seat received the NOFORN item", nf in ui, list(ui))
    check("the KOR seat did not", nf not in ki, list(ki))
    st, j, _, _ = kor.req("GET", "/api/items/" + nf)
    check("KOR asking for it by id: 404", st == 404 and j["code"] == "not-found", j)
    st, j, _, _ = kor.req("GET", "/api/items/NO-SUCH-ITEM")
    check("a missing item looks the same", st == 404 and j["code"] == "not-found", j)
    st, j, _, _ = usa.req("GET", "/api/items/" + nf)
    check("USA reads it by id", st == 200 and j["label"] == "SECRET//NOFORN" and j.get("title"), j)
    check("KOR's state never names it", nf.encode() not in json.dumps(sk).encode() or nf not in ki)
    # search: label-filtered like every other path out
    nft = ui[nf].get("title") or ""
    word = max(nft.split(), key=len) if nft.split() else nf
    st, j, _, _ = usa.req("GET", "/api/search?q=" + urllib.parse.quote(word.upper()))
    check("search: USA finds the NOFORN item by a word of its title, any case",
          st == 200 and nf in [i["id"] for i in j["items"]] and j["total"] >= 1, j)
    st, j, _, _ = kor.req("GET", "/api/search?q=" + urllib.parse.quote(word))
    check("search: KOR's search for the same word never matches it (nor counts it)",
          st == 200 and nf not in [i["id"] for i in j["items"]] and
          j["total"] == len(j["items"]) and nft not in json.dumps(j), j)
    st, j, _, _ = kor.req("GET", "/api/search?q=" + nf)
    check("search: KOR searching the NOFORN item's id finds nothing of it",
          st == 200 and all(i["id"] != nf for i in j["items"]), j)
    st, j, _, _ = usa.req("GET", "/api/search?q=I-&limit=2")
    check("search: limit caps the list, total counts every match, newest first",
          st == 200 and len(j["items"]) == 2 and j["total"] >= 2 and j["items"][0]["seq"] > j["items"][1]["seq"], j)
    for q, why in (("", "empty q"), ("x" * 201, "q over 200 bytes"), ("a&limit=0", "limit 0"),
                   ("a&limit=201", "limit over 200"), ("a&limit=7x", "limit not a number"), ("%C0%AF", "overlong UTF-8")):
        st, j, _, _ = usa.req("GET", "/api/search?q=" + q)
        check("search: 400 for " + why, st == 400 and j["code"] == "bad-request", (st, j))
    st, j, _, _ = usa.req("POST", "/api/search", body={})
    check("search: POST is 405", st == 405 and j["code"] == "method-not-allowed", (st, j))
    check("KOR may request C-1 (it is its requester)", any(c["id"] == "C-1" for c in sk.get("requestable", [])),
          sk.get("requestable"))
    check("USA may not request C-1", not any(c["id"] == "C-1" for c in su.get("requestable", [])))
    check("the seat's labels stop at its clearance", all("TOP SECRET" not in l for l in su["you"]["labels"]))
    check("notes pad: USA sees its cell's note", any("24 h" in n["text"] for n in su["notes"]))
    check("notes pad: KOR does not", not any("24 h" in (n["text"] or "") for n in sk["notes"]))
    st, j, _, _ = usa.req("GET", "/api/log")
    check("the log is control's", st == 403, j)
    st, _, body, r = ctl.req("GET", "/api/log")
    lines = body.decode().splitlines()
    check("control downloads the log", st == 200 and len(lines) > 10 and '"type":"run.start"' in lines[0])
    check("the denied read was logged", any('"type":"access.denied"' in l and nf in l for l in lines))
    check("the granted read was logged", any('"type":"access.read"' in l and nf in l and "usa-chair" in l
                                             for l in lines))
    check("joins were logged", sum('"type":"session.join"' in l for l in lines) == 3)
    check("failed joins were logged", any('"type":"session.refused"' in l for l in lines))
    check("searches were logged with their sizes, not their text",
          any('"type":"access.read"' in l and '"/api/search"' in l and '"query_bytes"' in l for l in lines) and
          not any('"/api/search"' in l and word in json.dumps(json.loads(l).get("payload")) for l in lines))

    # event streams
    status, frames = sse(port, kor.cookie, want=3)
    check("KOR's stream opens", status == 200, status)
    check("KOR's stream starts at event 0", frames and frames[0][0] == 0, frames[:1])
    status, frames = sse(port, kor.cookie, want=1000, timeout=2)
    check("no frame of KOR's stream carries the NOFORN item",
          not any(f[1]["type"] == "delivery" and f[1]["payload"].get("item") == nf for f in frames))
    check("KOR's stream omits control-only events", not any(f[1]["type"] in ("finding", "denial", "inject.release")
                                                            for f in frames))
    last = frames[-1][0] if frames else 0
    status, frames2 = sse(port, kor.cookie, last=str(max(0, last - 5)), want=1000, timeout=2)
    check("Last-Event-ID resumes after that id", frames2 and frames2[0][0] > max(0, last - 5), frames2[:1])
    check("a rewind is re-filtered", not any(f[1]["payload"].get("item") == nf for f in frames2))
    status, _ = sse(port, kor.cookie, last="99999999")
    check("Last-Event-ID beyond the log: 400", status == 400, status)
    status, _ = sse(port, kor.cookie, last="-1")
    check("negative Last-Event-ID: 400", status == 400, status)
    status, _ = sse(port, "caucus_session=" + "0" * 64)
    check("a stream needs a real session", status == 401, status)
    # a new event reaches a waiting stream
    import threading
    got = {}

    def listen():
        got["r"] = sse(port, usa.cookie, query="?after=%d" % (sctl["seq"] + 100), want=1, timeout=3)
    st, cur, _, _ = ctl.req("GET", "/api/state")
    t0 = time.time()

    def listen2():
        got["r"] = sse(port, usa.cookie, last=str(cur["seq"]), want=1, timeout=5)
    th = threading.Thread(target=listen2)
    th.start()
    time.sleep(0.3)
    usa.input({"do": "note", "text": "streamed note"})
    th.join()
    st_, fr = got["r"]
    check("a waiting stream gets the next event", fr and any(f[1]["type"] in ("note", "input") for f in fr), fr)
    check("fan-out latency under 1 s", time.time() - t0 < 2.0)

    # pause keeps the clock still
    ctl.input({"do": "pause"})
    st, a, _, _ = ctl.req("GET", "/api/state")
    time.sleep(0.6)
    st, b, _, _ = ctl.req("GET", "/api/state")
    check("paused: scenario time stands still", a["clock"]["t"] == b["clock"]["t"] and not b["clock"]["running"],
          (a["clock"], b["clock"]))
    check("paused: nothing is released", a["seq"] == b["seq"], (a["seq"], b["seq"]))

    # reports: control's, and per seat only what the seat may read
    st, _, body, r = ctl.req("GET", "/api/report")
    check("control's report", st == 200 and r.getheader("Content-Type", "").startswith("text/html") and
          b"Interim after-action report" in body, (st, body[:200]))
    check("the report is self-contained", b"<script" not in body and b"http://" not in body.replace(
        b"http://www.w3.org/2000/svg", b""))
    st, j, _, _ = usa.req("GET", "/api/items/" + nf)
    nf_title = (j or {}).get("title", "")
    st, _, ubody, _ = usa.req("GET", "/api/report")
    st2, _, kbody, _ = kor.req("GET", "/api/report")
    check("USA's report has the NOFORN item", st == 200 and nf_title and nf_title.encode() in ubody, nf_title)
    check("KOR's report does not", st2 == 200 and nf_title and nf_title.encode() not in kbody)

    # the improvement plan (control only)
    st, j, _, _ = ctl.req("POST", "/api/plan", {"verb": "add", "issue": "Acknowledgements came late",
                                                 "finding": "G-ack", "owner": "NCG secretariat",
                                                 "due": "2027-02-01"})
    check("control adds a plan item", st == 200 and j["id"] >= 1 and j["status"] == "open", j)
    pid = (j or {}).get("id", 0)
    st, j, _, _ = ctl.req("POST", "/api/plan", {"verb": "update", "id": pid, "status": "in progress"})
    check("control updates it", st == 200 and j["status"] == "in progress", j)
    st, j, _, _ = ctl.req("POST", "/api/plan", {"verb": "close", "id": pid})
    check("closing needs a note", st == 400, j)
    st, j, _, _ = ctl.req("POST", "/api/plan", {"verb": "update", "id": pid, "due": "2027-13-01"})
    check("a bad date is refused", st == 400, j)
    st, j, _, _ = ctl.req("POST", "/api/plan", {"verb": "add", "issue": "x", "colour": "red"})
    check("unknown members are refused", st == 400, j)
    st, j, _, _ = ctl.req("POST", "/api/plan", {"verb": "update", "id": 9999, "owner": "x"})
    check("no such item: 404", st == 404, j)
    st, j, _, _ = ctl.req("POST", "/api/plan", {"verb": "close", "id": pid, "closed_note": "met next time"})
    check("control closes it with a note", st == 200 and j["status"] == "closed", j)
    st, j, _, _ = ctl.req("GET", "/api/plan")
    check("control lists the plan", st == 200 and any(i["id"] == pid for i in j["items"]), j)
    st, j, _, _ = usa.req("GET", "/api/plan")
    check("a seat may not read the plan", st == 403, j)
    st, j, _, _ = usa.req("POST", "/api/plan", {"verb": "add", "issue": "x"})
    check("a seat may not change the plan", st == 403, j)

    # methods: the GET endpoints answer POST with 405
    for path in ["/api/state", "/api/events", "/api/items/" + nf, "/api/report", "/api/log"]:
        st, j, _, _ = ctl.req("POST", path, {})
        check("POST %s: 405 method-not-allowed" % path, st == 405 and j["code"] == "method-not-allowed", (st, j))
    st, j, _, _ = ctl.req("POST", "/api/nothing", {})
    check("POST to an unknown endpoint: 404", st == 404 and j["code"] == "not-found", (st, j))
    for path in ["/", "/app.js", "/app.css"]:
        st, j, _, _ = anon.req("POST", path, {})
        check("POST %s: 405" % path, st == 405 and j["code"] == "method-not-allowed", (st, j))

    # logout and its errors
    st, j, _, _ = anon.req("POST", "/api/logout", {})
    check("logout without a session: 401", st == 401 and j["code"] == "no-session", j)
    saved = kor.csrf
    kor.csrf = None
    st, j, _, _ = kor.req("POST", "/api/logout", {})
    check("logout without X-CSRF-Token: 403", st == 403 and j["code"] == "csrf", j)
    kor.csrf = saved
    st, _, _, _ = kor.req("POST", "/api/logout", {})
    check("logout", st == 204, st)
    st, j, _, _ = kor.req("GET", "/api/state")
    check("a logged-out session is gone", st == 401, j)

    # rate limit on joins (20 per minute in this test)
    codes_seen = []
    retry_after = None
    for _ in range(25):
        st, j, r = Client(port).join("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ")
        codes_seen.append(st)
        if st == 429:
            retry_after = r.getheader("Retry-After")
            rl_code = (j or {}).get("code")
    check("join attempts are rate limited", 429 in codes_seen, codes_seen)
    check("a 429 on join says when to retry", retry_after is not None and 1 <= int(retry_after) <= 60, retry_after)
    check("a 429 on join has code rate-limited", 429 in codes_seen and rl_code == "rate-limited")

    # a burst of identical refusals: bounded records, the rest counted
    t0 = time.time()
    for _ in range(20):
        usa.req("GET", "/api/plan")
    time.sleep(max(0, 1.1 - (time.time() - t0)))
    usa.req("GET", "/api/plan")
    time.sleep(2.2)  # a second's summary is written by the ticker once that second is over

    # every refusal above left an audit record
    st, _, body, _ = ctl.req("GET", "/api/log")
    recs = [json.loads(l) for l in body.decode().splitlines()]
    check("control's log carries the bypass record (exercise.control_bypass)",
          any(r["type"] == "access.read" and r["payload"].get("action") == "control-bypass" for r in recs))

    def refused(kind, path, reason, about=None):
        return any(r["type"] == kind and r["payload"].get("path") == path and r["payload"].get("reason") == reason
                   and (about is None or r["payload"].get("about") == about) for r in recs)
    check("logged: a seat asking for the log", refused("access.denied", "/api/log", "control-only", "usa-chair"))
    check("logged: a seat asking for the plan", refused("access.denied", "/api/plan", "control-only", "usa-chair"))
    check("logged: a seat doing control's work", refused("access.denied", "/api/input", "control-only", "usa-chair"))
    check("logged: a seat acting as another", refused("access.denied", "/api/input", "impersonation", "usa-chair"))
    nplan = sum(1 for r in recs if r["type"] == "access.denied" and r["payload"].get("path") == "/api/plan"
                and r["payload"].get("about") == "usa-chair")
    check("22 identical refusals (2 earlier, a burst of 20) leave at most 5 records", 1 <= nplan <= 5, nplan)
    check("the next record counts the ones left out", any(
        r["type"] == "access.denied" and r["payload"].get("path") == "/api/plan" and r["payload"].get("suppressed", 0) >= 5
        for r in recs), [r["payload"] for r in recs if r["payload"].get("path") == "/api/plan"])
    check("logged: a wrong CSRF token", refused("access.denied", "/api/input", "csrf-token"))
    check("logged: a cross-site request", refused("access.denied", "/api/input", "cross-site") or
          refused("access.denied", "/api/join", "cross-site"))
    check("logged: a bad Last-Event-ID", refused("access.denied", "/api/events", "bad-last-event-id", "kor-chair"))
    check("logged: a request without a session", refused("access.denied", "/api/state", "no-session") or
          refused("access.denied", "/api/logout", "no-session"))
    check("logged: a seat's denied item", refused("access.denied", "/api/items", "not-found", "kor-chair"))
    check("logged: logout", any(r["type"] == "access.read" and r["payload"].get("action") == "logout" and
                                r["payload"].get("about") == "kor-chair" for r in recs))
    check("logged: a rate-limited join", refused("session.refused", "/api/join", "rate-limited"))
    n_rl = sum(1 for r in recs if r["type"] == "session.refused" and r["payload"].get("reason") == "rate-limited")
    check("identical refusals are bounded (at most one record a second per client and reason)",
          1 <= n_rl <= 3, n_rl)

    # SIGKILL, then resume: the log continues, sessions survive
    st, before, _, _ = ctl.req("GET", "/api/state")
    srv.p.send_signal(signal.SIGKILL)
    srv.p.wait()
    srv2 = Server(["--exercise", "1", "--db", db])
    ctl.port = usa.port = srv2.port
    st, after, _, _ = ctl.req("GET", "/api/state")
    check("after SIGKILL and resume, control's session still works", st == 200, st)
    check("every event is still there", st == 200 and after["seq"] >= before["seq"], (before["seq"], after.get("seq")))
    check("the clock is still paused", st == 200 and not after["clock"]["running"])
    st, j, _, _ = ctl.input({"do": "resume"})
    check("resume after restart", st == 200 and not j["refused"], j)
    time.sleep(0.5)
    st, j, _, _ = ctl.input({"do": "jump", "to": "+25h"})
    check("jump into day 2", st == 200 and not j["refused"], j)
    check("the end of phase day-1 left a checkpoint", len(os.listdir(db + ".checkpoints")) >= 1)
    st, j, _, _ = usa.input({"do": "note", "text": "after restart"})
    check("a seat acts after restart", st == 200, j)
    st, su2, _, _ = usa.req("GET", "/api/state")
    check("USA still holds the NOFORN item", nf in {i["id"] for i in su2["items"]})
    rc = srv2.stop()
    check("Ctrl-C stops the server cleanly", rc == 0, rc)
    v = subprocess.run([BIN, "verify", db, "--exercise", "1", "--key", db + ".key.pub"], capture_output=True,
                       text=True)
    check("the store verifies with its signed checkpoints", v.returncode == 0 and "signed checkpoint" in v.stdout and
          "verified with key caucus" in v.stdout, v.stdout + v.stderr)
    cps = sorted(os.listdir(db + ".checkpoints"))
    check("checkpoint files: the phase end and the shutdown", len(cps) >= 2, cps)
    v = subprocess.run([BIN, "export", db, "--exercise", "1", "--log", os.path.join(WORK, "live2.jsonl")],
                       capture_output=True, text=True)
    v = subprocess.run([BIN, "verify", os.path.join(WORK, "live2.jsonl"), "--key", db + ".key.pub"] +
                       sum([["--checkpoint", os.path.join(db + ".checkpoints", c)] for c in cps], []),
                       capture_output=True, text=True)
    check("the exported log verifies against every checkpoint file", v.returncode == 0 and
          ("%d signed checkpoint%s verified" % (len(cps), "" if len(cps) == 1 else "s")) in v.stdout,
          v.stdout + v.stderr)
    v = subprocess.run([BIN, "export", db, "--exercise", "1", "--log", os.path.join(WORK, "live.jsonl")],
                       capture_output=True, text=True)
    check("the live log exports", v.returncode == 0, v.stderr)
    n = sum(1 for _ in open(os.path.join(WORK, "live.jsonl")))
    v = subprocess.run([BIN, "replay", os.path.join(WORK, "live.jsonl"), "--until", str(n - 1)], capture_output=True,
                       text=True)
    check("the live log replays byte for byte", v.returncode == 0 and n > 20, v.stdout + v.stderr)

    # TLS: a self-signed certificate made here
    key, cert = os.path.join(WORK, "tls-key.pem"), os.path.join(WORK, "tls-cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    tls = Server([SCEN, "--db", os.path.join(WORK, "tls.db"), "--codes", os.path.join(WORK, "tls-codes.json"),
                  "--tls-cert", cert, "--tls-key", key])
    check("TLS: the console URL is https", "control console: https://" in tls.text())
    import ssl
    ctx = ssl._create_unverified_context()
    c = http.client.HTTPSConnection("127.0.0.1", tls.port, timeout=20, context=ctx)
    tcode = json.load(open(os.path.join(WORK, "tls-codes.json")))["control"]
    c.request("POST", "/api/join", body=json.dumps({"code": tcode}), headers={"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    sc = r.getheader("Set-Cookie", "")
    check("TLS: join works", r.status == 200, r.status)
    check("TLS: the cookie is __Host- and Secure", sc.startswith("__Host-caucus_session=") and "Secure" in sc, sc)
    check("TLS: HSTS", "max-age" in (r.getheader("Strict-Transport-Security") or ""))
    c.close()
    plain = socket.create_connection(("127.0.0.1", tls.port), timeout=5)
    plain.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        got = plain.recv(100)
    except OSError:
        got = b""
    plain.close()
    check("TLS: plain HTTP gets no page", b"200" not in got and b"ok" not in got, got)
    check("TLS: stops cleanly", tls.stop() == 0)
    v = subprocess.run([BIN, "serve", SCEN, "--db", os.path.join(WORK, "t2.db"), "--tls-cert", cert],
                       capture_output=True, text=True)
    check("TLS: a certificate without a key is a usage error", v.returncode == 2, v.stderr)

    control_scope_and_end(nf)
    evaluation_over_http()
    limits()

    # usage errors
    v = subprocess.run([BIN, "serve"], capture_output=True, text=True)
    check("serve without scenario or exercise: usage", v.returncode == 2)
    v = subprocess.run([BIN, "serve", SCEN, "--listen", "nonsense"], capture_output=True, text=True)
    check("bad --listen: usage", v.returncode == 2 and "HOST:PORT" in v.stderr, v.stderr)
    for bad in ("127.0.0.1:18200x", "127.0.0.1:", ":8080", "127.0.0.1:65536", "127.0.0.1:+80", "127.0.0.1: 80",
                "host name:80", "[::1:80", "127.0.0.1:123456"):
        before = set(os.listdir(WORK))
        v = subprocess.run([BIN, "serve", SCEN, "--db", os.path.join(WORK, "listen.db"), "--listen", bad],
                           capture_output=True, text=True)
        check("--listen %r refused before anything is created" % bad,
              v.returncode == 2 and "HOST:PORT" in v.stderr and set(os.listdir(WORK)) == before, v.stderr)
    before = set(os.listdir(WORK))
    v = subprocess.run([BIN, "serve", os.path.join(WORK, "nofile.yaml"), "--db", os.path.join(WORK, "nofile.db")],
                       capture_output=True, text=True)
    check("a missing scenario file creates no store, key or directory",
          v.returncode == 1 and set(os.listdir(WORK)) == before, (v.stderr, set(os.listdir(WORK)) - before))
    v = subprocess.run([BIN, "serve", "--exercise", "42", "--db", db], capture_output=True, text=True)
    check("resuming a missing exercise fails clearly", v.returncode == 1 and "no exercise 42" in v.stderr, v.stderr)
    v = subprocess.run([BIN, "serve", "tests/scenarios/invalid/" + sorted(os.listdir("tests/scenarios/invalid"))[0],
                        "--db", os.path.join(WORK, "x.db")], capture_output=True, text=True)
    check("a bad scenario is refused with its position", v.returncode == 1 and "caucus lint" in v.stderr, v.stderr)
    # every server this test ran (a sanitizer build prints its reports there)
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
