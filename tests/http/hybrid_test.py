#!/usr/bin/env python3
"""Hybrid seats in a live exercise (docs/ui.md, "Hybrid seats"; docs/cli.md, "Hybrid seats"):
`caucus serve` on tests/scenarios/valid/river-basin.yaml, nobody played by an agent at the start.
Control hands four seats to their agents, one person (xmd-commissioner) joins and acts, control
acts on behalf of the empty xmd-hydro desk; the state says who plays each seat and who took each
act, the log records seat.play and "by": "control", and a seat may neither hand over nor claim
"by". Standard library only. Usage: hybrid_test.py CAUCUS_BIN WORKDIR. Prints "N passed, N failed"."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, SeatClient, free_port, start_serve, sanitizer_report  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
SCEN = "tests/scenarios/valid/river-basin.yaml"
check = Checks()
PORT = free_port()


class Client(SeatClient):
    def __init__(self, code):
        super().__init__(PORT, code)

def find(lst, key, val):
    return next((x for x in lst or [] if x.get(key) == val), None)


def main():
    codes_file = os.path.join(WORK, "hybrid-codes.json")
    out = open(os.path.join(WORK, "hybrid-serve.out"), "w")
    srv = start_serve(BIN, [SCEN, "--codes", codes_file, "--db", os.path.join(WORK, "hybrid.db"), "--join-per-min",
                            "1000"], PORT, out)
    try:
        codes = json.load(open(codes_file))
        ctl, xmd = Client(codes["control"]), Client(codes["xmd-commissioner"])
        st = ctl.state()
        check("nobody is played by an agent at the start",
              all(s.get("played_by") == "person" for s in st["seats"]), st["seats"])
        check("the state names each seat's agent", find(st["seats"], "id", "xup-hydro").get("agent") == "technical")
        check("start", ctl.input({"do": "start"})[0] == 200)
        check("pause", ctl.input({"do": "pause"})[0] == 200)
        check("jump to the request", ctl.input({"do": "jump", "to": "+1h45m"})[0] == 200)
        for seat in ("xup-commissioner", "xlw-commissioner", "xup-hydro", "xlw-hydro"):
            s, j = ctl.input({"do": "play", "seat": seat, "by": "agent"})
            check("control hands %s to its agent" % seat, s == 200 and not j.get("refused"), (s, j))
        s, j = ctl.input({"do": "play", "seat": "xup-hydro", "by": "agent"})
        check("handing it over twice is refused with the reason", s == 200 and
              j.get("refused") == "the seat is already played by its agent", j)
        st = ctl.state()
        check("the state says who plays each seat", [x["id"] for x in st["seats"] if x["played_by"] == "agent"] ==
              ["xup-commissioner", "xlw-commissioner", "xup-hydro", "xlw-hydro"], st["seats"])
        s, j = xmd.input({"do": "play", "seat": "xmd-commissioner", "by": "agent"})
        check("a seat may not hand itself over: 403", s == 403, (s, j))
        s, j = xmd.input({"do": "acknowledge", "consultation": "C-1", "by": "control"})
        check("a seat may not claim \"by\": 403", s == 403, (s, j))
        # affordances (docs/http-api.md): what the seat may do now, by the engine's own checks
        st = xmd.state()
        check("the seat may acknowledge C-1, and it waits for it",
              {"do": "acknowledge", "consultation": "C-1", "waiting": True} in st["affordances"] and
              st["waiting"] == [{"kind": "consultation", "id": "C-1", "do": "acknowledge"}], st.get("affordances"))
        hydro = Client(codes["xmd-hydro"])
        hs = hydro.state()
        check("a seat named only in a later stage sees the consultation coming",
              hs["upcoming"] == [{"consultation": "C-1", "topic": "Temporary release schedule during the drought outlook",
                                  "stage": "assess", "current": "acknowledge"}] and hs["waiting"] == [], hs.get("upcoming"))
        check("... and is offered nothing it would be refused", not any(
            a.get("consultation") == "C-1" and a["do"] in ("acknowledge", "position") for a in hs["affordances"]),
            hs["affordances"])
        check("the person acknowledges", xmd.input({"do": "acknowledge", "consultation": "C-1"})[0] == 200)
        st = xmd.state()
        check("once acted, it waits no more", st["waiting"] == [] and
              not any(a["do"] == "acknowledge" for a in st["affordances"]), st["affordances"])
        # the agents, offered the open stage at +1h45, acknowledge 10 minutes later
        check("jump", ctl.input({"do": "jump", "to": "+2h"})[0] == 200)
        c = find(ctl.state()["consultations"], "id", "C-1")
        check("the agents' acknowledgements ended the stage", c and c.get("stage") == "assess", c)
        s, j = ctl.input({"do": "acknowledge", "seat": "xmd-hydro", "consultation": "C-1"})
        check("control acts for the empty xmd-hydro desk", s == 200 and not j.get("refused"), (s, j))
        c = find(ctl.state()["consultations"], "id", "C-1")
        check("the state says control acted for it", c and (c.get("acted_by") or {}).get("xmd-hydro") == "control", c)
        check("jump past the agents' assessments", ctl.input({"do": "jump", "to": "+3h"})[0] == 200)
        c = find(ctl.state()["consultations"], "id", "C-1")
        check("decide stage", c and c.get("stage") == "decide", c)
        check("jump past the agents' votes", ctl.input({"do": "jump", "to": "+3h20m"})[0] == 200)
        d = find(xmd.state()["decisions"], "id", "D-1")
        check("the agents' votes are marked as theirs", d and d.get("votes_by") ==
              {"xup-commissioner": "agent", "xlw-commissioner": "agent"}, d)
        st = xmd.state()
        check("the vote waits for the person", st["waiting"] == [{"kind": "decision", "id": "D-1", "do": "vote"}],
              st["waiting"])
        # every offered action is accepted: post each while it is still offered
        refused = []
        for a in st["affordances"]:
            if a["do"] in ("escalate", "object") or a.get("option") == "defer":
                continue  # accepted too, but they would change the course of this test
            cur = xmd.state()["affordances"]
            if any(all(b.get(k) == v for k, v in a.items()) for b in cur):
                body = {k: v for k, v in a.items() if k != "waiting"}
                s, j = xmd.input(body)
                if s != 200 or j.get("refused"):
                    refused.append((body, s, j))
        check("none of the offered actions is refused", refused == [], refused)
        d = find(xmd.state()["decisions"], "id", "D-1")
        check("D-1 decided by the person's vote", d and d.get("state") == "decided" and
              d["votes"].get("xmd-commissioner") == "coordinated-release" and
              "xmd-commissioner" not in (d.get("votes_by") or {}), d)
        s, j = ctl.input({"do": "play", "seat": "xup-hydro", "by": "person"})
        check("control takes xup-hydro back", s == 200 and not j.get("refused"), j)
        check("back to a person", find(ctl.state()["seats"], "id", "xup-hydro")["played_by"] == "person")
        s, body = ctl.req("GET", "/api/log")
        recs = [json.loads(l) for l in body.decode().splitlines()]
        plays = [(r["payload"]["seat"], r["payload"]["by"]) for r in recs if r["type"] == "seat.play"]
        check("the log records each hand-over", plays == [("xup-commissioner", "agent"), ("xlw-commissioner", "agent"),
                                                        ("xup-hydro", "agent"), ("xlw-hydro", "agent"),
                                                        ("xup-hydro", "person")], plays)
        behalf = [r for r in recs if r["type"] == "input" and r["payload"].get("by") == "control"]
        check("the log records control acting for the seat", len(behalf) == 1 and behalf[0]["actor"] == "xmd-hydro",
              behalf)
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        out.close()
    log = open(os.path.join(WORK, "hybrid-serve.out")).read()
    check("no sanitizer report", not sanitizer_report(log), log[-400:])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
