#!/usr/bin/env python3
"""The debrief (docs/ui.md, "Debrief"; docs/http-api.md, /api/debrief): `caucus serve` on
tests/scenarios/valid/harbour-debrief.yaml, two harbour masters who acknowledge and vote, then
control ends the exercise. Control steps to events and sees each seat's state as it was (I-2,
releasable to Northport only, never in Southbay's), players get 403, bad event numbers 400, and a
fork from event K with every seat on its agent is run headless with the outcome computed by hand.
Every answer is checked against the OpenAPI document. Standard library only.
Usage: debrief_test.py CAUCUS_BIN WORKDIR. Prints "N passed, N failed"."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, free_port, start_serve, sanitizer_report  # noqa: E402
import api_test  # noqa: E402  (its Client records every answer for the OpenAPI check)
import openapi_check  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
SCEN = "tests/scenarios/valid/harbour-debrief.yaml"
check = Checks()
PORT = free_port()


def client(code):
    c = api_test.Client(PORT)
    st = c.join(code)[0]
    return c if st == 200 else None


def main():
    codes_file = os.path.join(WORK, "debrief-codes.json")
    out = open(os.path.join(WORK, "debrief-serve.out"), "w")
    srv = start_serve(BIN, [SCEN, "--codes", codes_file, "--db", os.path.join(WORK, "debrief.db"),
                            "--join-per-min", "1000"], PORT, out)
    try:
        codes = json.load(open(codes_file))
        ctl, xna, xso = client(codes["control"]), client(codes["xna-harbour"]), client(codes["xso-harbour"])
        check("control and both harbour masters join", ctl and xna and xso)
        for body in ({"do": "start"}, {"do": "pause"}, {"do": "jump", "to": "+1h"}):
            check("control: %s" % body["do"], ctl.input(body)[0] == 200)
        s, j, _, _ = ctl.req("GET", "/api/debrief?at=1")
        check("no debrief before the end: 409", s == 409 and j["code"] == "not-ended", (s, j))
        check("Northport acknowledges", xna.input({"do": "acknowledge", "consultation": "C-1"})[0] == 200)
        check("Southbay acknowledges", xso.input({"do": "acknowledge", "consultation": "C-1"})[0] == 200)
        for c in (xna, xso):
            check("a vote", c.input({"do": "vote", "decision": "D-1", "option": "share-berths"})[0] == 200)
        check("control ends the exercise", ctl.input({"do": "end"})[0] == 200)
        # control's log leaves out what control may not read (C-1's events): the scrubber's list counts all
        s, j, _, _ = ctl.req("GET", "/api/debrief/events?seat=xna-harbour")
        n = j["total"] if s == 200 else 0
        nev = [e for e in j["events"]] if s == 200 else []
        log = [json.loads(x) for x in ctl.req("GET", "/api/log")[2].decode().splitlines()]
        i2 = [e["seq"] for e in log if e["type"] == "delivery" and e["payload"].get("item") == "I-2"]
        check("I-2 delivered once (to Northport)", len(i2) == 1, i2)
        c1 = [e["seq"] for e in nev if e["type"] == "delivery" and e["label"] == "RESTRICTED//REL TO XNA, XSO"]
        check("C-1 delivered to Northport", len(c1) >= 1, nev)
        # players may not debrief
        for c, who in ((xna, "Northport"), (xso, "Southbay")):
            s, j, _, _ = c.req("GET", "/api/debrief?at=1&seat=xna-harbour")
            check("%s: /api/debrief is 403" % who, s == 403 and j["code"] == "forbidden", (s, j))
            s, _, _, _ = c.req("GET", "/api/debrief/events?seat=%s" % ("xso-harbour" if c is xna else "xna-harbour"))
            check("%s: /api/debrief/events is 403" % who, s == 403, s)
            s, _, _, _ = c.req("POST", "/api/debrief/fork", {"at": 1})
            check("%s: a fork is 403" % who, s == 403, s)
        # the scrubber's events: each viewer's own, I-2's never Southbay's
        s, j, _, _ = ctl.req("GET", "/api/debrief/events?seat=xso-harbour")
        seqs = [e["seq"] for e in j["events"]] if s == 200 else []
        check("Southbay's events", s == 200 and j["viewer"] == "xso-harbour" and j["total"] == n and 0 < len(seqs) < n,
              (s, j))
        check("none of them is I-2's", not any(e["label"] and "REL TO EXCON, XNA" == e["label"][-17:] for e in j["events"]) and
              i2[0] not in seqs, j)
        s, j, _, _ = ctl.req("GET", "/api/debrief/events")
        check("control's events (the default viewer)", s == 200 and j["viewer"] == "control" and i2[0] in
              [e["seq"] for e in j["events"]], (s, j))
        # the state at I-2's delivery
        s, j, _, _ = ctl.req("GET", "/api/debrief?at=%d&seat=xso-harbour" % i2[0])
        ids = [it["id"] for it in j["state"]["items"]] if s == 200 else []
        check("Southbay at I-2's delivery: I-1 only, and not the event", s == 200 and ids == ["I-1"] and
              j["event"] is None and j["at"] == i2[0] and j["events"] == n, (s, j))
        s, j, _, _ = ctl.req("GET", "/api/debrief?at=%d&seat=xna-harbour" % i2[0])
        before = j
        ids = sorted(it["id"] for it in j["state"]["items"]) if s == 200 else []
        check("Northport at I-2's delivery: I-1 and I-2, and the event", s == 200 and ids == ["I-1", "I-2"] and
              j["event"]["type"] == "delivery" and j["state"]["you"]["seat"] == "xna-harbour", (s, j))
        s, j, _, _ = ctl.req("GET", "/api/debrief?at=%d&seat=xso-harbour" % (n - 1))
        d = j["state"]["decisions"] if s == 200 else []
        check("Southbay at the end: D-1 decided share-berths", d and d[0]["state"] == "decided" and
              d[0]["outcome"] == "share-berths", d)
        # bad requests
        for q, why in (("at=abc", "at: give an event number from 0 to %d" % (n - 1)), ("at=%d" % n, "at: give"),
                       ("", "at: give"), ("at=1&seat=nobody", "no seat 'nobody'")):
            s, j, _, _ = ctl.req("GET", "/api/debrief?" + q)
            check("bad request %r: 400" % q, s == 400 and why in j.get("error", ""), (s, j))
        check("POST to /api/debrief: 405", ctl.req("POST", "/api/debrief", {})[0] == 405)
        check("GET of the fork: 405", ctl.req("GET", "/api/debrief/fork")[0] == 405)
        # fork from the second delivery of C-1 (+1h, Southbay's): agents acknowledge at +1h10m and vote
        # share-berths at +1h30m: D-1 made, C-1 done, 4 agent actions; control may not read D-1's label
        # (RESTRICTED//REL TO XNA, XSO), so the outcome is not shown to it
        k = c1[0] + 1  # the stage's deliveries go to Northport, then Southbay: fork after both
        s, j, _, _ = ctl.req("GET", "/api/debrief?at=%d&seat=xso-harbour" % k)
        check("Southbay holds C-1 at the fork point", s == 200 and j["event"]["type"] == "delivery" and
              [c["id"] for c in j["state"]["consultations"]] == ["C-1"], (s, j))
        wall = j["state"]["clock"]["wall"] if s == 200 else None
        s, j, _, _ = ctl.req("POST", "/api/debrief/fork", {"at": k, "auto": "all"})
        check("fork from here", s == 200 and j["at"] == k and j["decisions_made"] == 1 and
              j["consultations_done"] == 1 and j["agent_actions"] == 4 and j["fork_t"] == wall and
              len(j["event_hash"]) == 64 and len(j["merkle_root"]) == 64 and sorted(j["auto"]) == ["ctl", "xna-harbour", "xso-harbour"], (s, j))
        d = j["outcome"]["decisions"][0] if s == 200 else {}
        check("D-1 decided in the fork; its outcome hidden from control as live", d.get("state") == "decided" and
              d.get("outcome") is None and d.get("question") is None, d)
        s, j, _, _ = ctl.req("POST", "/api/debrief/fork", {"at": k, "auto": ["xna-harbour"]})
        check("one seat on its agent: nothing decided", s == 200 and j["decisions_made"] == 0 and j["agent_actions"] == 1,
              (s, j))
        # Northport on its agent, Southbay a person who acts in the fork: the clock resumes at the fork point
        # (+1h); Southbay acknowledges at +1h05m, Northport's agent at +1h10m (D-1 opens), its vote at +1h30m,
        # Southbay's at +1h40m: D-1 made, 2 agent actions
        ins = [{"wall": wall + 300000, "do": "acknowledge", "seat": "xso-harbour", "consultation": "C-1"},
               {"wall": wall + 2400000, "do": "vote", "seat": "xso-harbour", "decision": "D-1", "option": "share-berths"}]
        s, j, _, _ = ctl.req("POST", "/api/debrief/fork", {"at": k, "auto": ["xna-harbour"], "inputs": ins})
        check("a fork with Southbay's own inputs", s == 200 and j["decisions_made"] == 1 and j["consultations_done"] == 1 and
              j["agent_actions"] == 2, (s, j))
        for body, why in (({"at": k, "inputs": [{"wall": wall - 1, "do": "note", "text": "x"}]}, "before the fork point"),
                          ({"at": k, "inputs": [{"wall": wall + 1, "do": "fly"}]}, "input 1: "),
                          ({"at": k, "inputs": [{"do": "note", "text": "x"}]}, "inputs[0]: an input object with \"wall\""),
                          ({"at": k, "inputs": {"do": "note"}}, "inputs: a list of at most 256 inputs"),
                          ({"at": n - 1}, "is the run's end"), ({"at": -1}, "at: give"), ({"at": "3"}, "at: give"),
                          ({"at": 3, "auto": ["nobody"]}, "auto[0]: the scenario has no seat 'nobody'"),
                          ({"at": 3, "seed": 2}, "unknown member 'seed'")):
            s, j, _, _ = ctl.req("POST", "/api/debrief/fork", body)
            check("bad fork %r: 400" % body, s == 400 and why in j.get("error", ""), (s, j))
        s, j, _, _ = ctl.req("GET", "/api/debrief/events")
        check("the forks left the exercise's log as it was", s == 200 and j["total"] == n, (s, j))
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        out.close()
    # the stored exercise served again after the fact (caucus serve --exercise 1): the same debrief
    out = open(os.path.join(WORK, "debrief-serve2.out"), "w")
    srv = start_serve(BIN, ["--exercise", "1", "--db", os.path.join(WORK, "debrief.db"), "--join-per-min", "1000"],
                      PORT, out)
    try:
        ctl = client(codes["control"])
        check("control joins the stored exercise", ctl is not None)
        s, j, _, _ = ctl.req("GET", "/api/debrief?at=%d&seat=xna-harbour" % i2[0]) if ctl else (0, None, 0, 0)
        check("the stored exercise's debrief: the same state at I-2's delivery", s == 200 and j == before, (s, j))
        xna = client(codes["xna-harbour"])
        check("a player of the stored exercise: 403", xna and xna.req("GET", "/api/debrief/events")[0] == 403)
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        out.close()
    openapi_check.check_all(check)
    text = open(os.path.join(WORK, "debrief-serve.out")).read() + open(os.path.join(WORK, "debrief-serve2.out")).read()
    check("no sanitizer report", not sanitizer_report(text), text[-400:])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
