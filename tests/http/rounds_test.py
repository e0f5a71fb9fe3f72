#!/usr/bin/env python3
"""Review rounds in a live exercise (docs/scenario-format.md, "Review rounds"): `caucus serve` on
tests/scenarios/valid/engine-rounds.yaml with every seat played by a person. Control starts the
clock and jumps to the request; usa-desk approves, kor-desk objects; the state then shows round 1
of 3 with kor-desk's objection, and after the revision round 2 with kor-desk alone as
participant; kor-desk approves and the stage ends. Standard library only.
Usage: rounds_test.py CAUCUS_BIN WORKDIR. Prints "N passed, N failed"."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, SeatClient, free_port, start_serve, sanitizer_report  # noqa: E402
import openapi_check  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
SCEN = "tests/scenarios/valid/engine-rounds.yaml"
check = Checks()


PORT = free_port()


class Client(SeatClient):
    def __init__(self, code):
        super().__init__(PORT, code, openapi_check.record)

    def consultation(self):
        st, j = self.req("GET", "/api/state")
        return next((c for c in j.get("consultations", []) if c.get("id") == "C-1"), None) if st == 200 else None


def main():
    codes_file = os.path.join(WORK, "rounds-codes.json")
    out = open(os.path.join(WORK, "rounds-serve.out"), "w")
    srv = start_serve(BIN, [SCEN, "--codes", codes_file, "--db", os.path.join(WORK, "rounds.db"), "--join-per-min",
                            "1000"], PORT, out)
    try:
        codes = json.load(open(codes_file))
        ctl, usa, kor = (Client(codes[k]) for k in ("control", "usa-desk", "kor-desk"))
        check("start", ctl.input({"do": "start"})[0] == 200)
        check("pause", ctl.input({"do": "pause"})[0] == 200)
        check("jump to the request", ctl.input({"do": "jump", "to": "+1h"})[0] == 200)
        c = kor.consultation()
        check("round 1 of 3", c and c.get("round") == 1 and c.get("rounds") == 3, c)
        check("both review", c and sorted(c.get("participants") or []) == ["kor-desk", "usa-desk"], c)
        check("usa approves", usa.input({"do": "acknowledge", "consultation": "C-1"})[0] == 200)
        check("kor objects", kor.input({"do": "object", "consultation": "C-1"})[0] == 200)
        c = kor.consultation()
        check("the objection is kor's review", c and c.get("objectors") == ["kor-desk"] and
              "kor-desk" in (c.get("acks") or []), c)
        check("revising", c and c.get("revising") is True, c)
        check("jump past the revision", ctl.input({"do": "jump", "to": "+1h31m"})[0] == 200)
        c = kor.consultation()
        check("round 2: the objector alone", c and c.get("round") == 2 and c.get("participants") == ["kor-desk"] and
              c.get("objectors") == [] and c.get("revising") is False, c)
        st, j = usa.input({"do": "acknowledge", "consultation": "C-1"})
        check("usa is not in round 2", st != 200 or "refused" in json.dumps(j) or "not" in json.dumps(j), (st, j))
        check("kor approves", kor.input({"do": "acknowledge", "consultation": "C-1"})[0] == 200)
        # control reads only what its control seats may (no exercise.control_bypass here): the
        # requester follows the consultation to its close
        c = kor.consultation()
        check("the review stage ends", c and c.get("stage") == "close", c)
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        out.close()
    log = open(os.path.join(WORK, "rounds-serve.out")).read()
    check("no sanitizer report", not sanitizer_report(log), log[-400:])
    openapi_check.check_all(check)  # every answer above against the OpenAPI document
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
