#!/usr/bin/env python3
"""`caucus serve --auto SEATS` (docs/cli.md, "caucus serve"; docs/ui.md, "Hybrid seats"): on
tests/scenarios/valid/river-basin.yaml the seats named start played by their agents, as by control's
Play by agent (seat.play in the log at scenario time 0), their agents act once the clock runs, and
control hands one back to a person. A seat that is not in the scenario, and --auto on a resumed
exercise, are refused before anything is created. Every answer is checked against
docs/http-api.openapi.json (api_test.Client). Standard library only.
Usage: auto_test.py CAUCUS_BIN WORKDIR. Prints "N passed, N failed"."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, free_port, start_serve, sanitizer_report  # noqa: E402
import openapi_check  # noqa: E402
from api_test import Client  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
SCEN = "tests/scenarios/valid/river-basin.yaml"
check = Checks()
PORT = free_port()


def played(c):
    st = c.req("GET", "/api/state")[1] or {}
    return {s["id"]: s["played_by"] for s in st.get("seats", [])}


def main():
    db = os.path.join(WORK, "auto.db")
    r = subprocess.run([BIN, "serve", SCEN, "--db", db, "--auto", "xup-hydro,nosuch", "--listen", "127.0.0.1:0"],
                       capture_output=True, text=True, timeout=60)
    check("a seat not in the scenario: exit 1, saying which", r.returncode == 1 and
          "--auto: no seat 'nosuch' in the scenario" in r.stderr, (r.returncode, r.stderr))
    check("nothing created before the check", not os.path.exists(db), os.listdir(WORK))
    r = subprocess.run([BIN, "serve", "--exercise", "1", "--db", db, "--auto", "all"], capture_output=True,
                       text=True, timeout=60)
    check("--auto on a resumed exercise: exit 2", r.returncode == 2 and "--auto goes with a SCENARIO" in r.stderr,
          (r.returncode, r.stderr))
    codes_file = os.path.join(WORK, "auto-codes.json")
    out = open(os.path.join(WORK, "auto-serve.out"), "w")
    srv = start_serve(BIN, [SCEN, "--codes", codes_file, "--db", db, "--join-per-min", "1000", "--auto",
                            "xup-commissioner,xlw-commissioner,xup-hydro,xlw-hydro"], PORT, out)
    try:
        codes = json.load(open(codes_file))
        ctl = Client(PORT)
        check("control joins", ctl.join(codes["control"])[0] == 200)
        p = played(ctl)
        check("the four seats start played by their agents, the others by people",
              p == {"xup-commissioner": "agent", "xmd-commissioner": "person", "xlw-commissioner": "agent",
                    "xup-hydro": "agent", "xmd-hydro": "person", "xlw-hydro": "agent", "ctl": "person"}, p)
        s, _, body, _ = ctl.req("GET", "/api/log")
        recs = [json.loads(x) for x in body.decode().splitlines()]
        plays = [(x["t"], x["payload"]["seat"], x["payload"]["by"]) for x in recs if x["type"] == "seat.play"]
        check("the log records each hand-over at scenario time 0, in seat order", plays == [
            (0, "xup-commissioner", "agent"), (0, "xlw-commissioner", "agent"), (0, "xup-hydro", "agent"),
            (0, "xlw-hydro", "agent")], plays)
        for i in ({"do": "start"}, {"do": "pause"}, {"do": "jump", "to": "+1h45m"}):
            ctl.input(i)
        s, _, body, _ = ctl.req("GET", "/api/log")
        acks = sorted(x["actor"] for x in (json.loads(l) for l in body.decode().splitlines())
                      if x["type"] == "consult.ack")
        check("their agents act: the two commissioners acknowledge C-1 at +1h40",
              acks == ["xlw-commissioner", "xup-commissioner"], acks)
        s, j, _, _ = ctl.input({"do": "play", "seat": "xup-hydro", "by": "person"})
        check("control hands a seat back to a person", s == 200 and not j.get("refused"), j)
        check("it is played by a person now", played(ctl).get("xup-hydro") == "person")
        openapi_check.check_all(check, "auto_test: ")
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        out.close()
    log = open(os.path.join(WORK, "auto-serve.out")).read()
    check("no sanitizer report", not sanitizer_report(log), log[-400:])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
