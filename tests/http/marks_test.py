#!/usr/bin/env python3
"""New items kept per session by the server (docs/http-api.md, "New items"; docs/ui.md,
"Attention"): `caucus serve` on tests/scenarios/valid/river-basin.yaml. What reaches a seat after its
session started is in the state's "unread" until the session marks it read (POST /api/read); a second
client with the same session cookie (a reload, another tab) sees the same marks; another session of
the same seat keeps its own. Every answer is checked against docs/http-api.openapi.json
(api_test.Client). Standard library only. Usage: marks_test.py CAUCUS_BIN WORKDIR."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, free_port, start_serve, sanitizer_report  # noqa: E402
import openapi_check  # noqa: E402
from api_test import Client  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
SCEN = "tests/scenarios/valid/river-basin.yaml"
check = Checks()
PORT = free_port()


def state(c):
    return c.req("GET", "/api/state")[1] or {}


def main():
    codes_file = os.path.join(WORK, "marks-codes.json")
    out = open(os.path.join(WORK, "marks-serve.out"), "w")
    srv = start_serve(BIN, [SCEN, "--codes", codes_file, "--db", os.path.join(WORK, "marks.db"), "--join-per-min",
                            "1000"], PORT, out)
    try:
        codes = json.load(open(codes_file))
        ctl, a = Client(PORT), Client(PORT)
        check("control joins", ctl.join(codes["control"])[0] == 200)
        check("xmd-hydro joins", a.join(codes["xmd-hydro"])[0] == 200)
        st = state(a)
        check("nothing is new at first", st.get("unread") == [] and st.get("unread_count") == 0, st.get("unread"))
        for i in ("I-1", "I-2"):
            s, j, _, _ = ctl.input({"do": "release", "inject": i})
            check("control releases " + i, s == 200 and not j.get("refused"), j)
        st = state(a)
        check("both are new", st.get("unread") == ["I-1", "I-2"] and st.get("unread_count") == 2, st.get("unread"))
        # the same session in another tab (its cookie): the same marks
        tab = Client(PORT)
        tab.cookie, tab.csrf = a.cookie, a.csrf
        check("another tab of the session sees them new", state(tab).get("unread") == ["I-1", "I-2"])
        s, j, _, _ = a.req("POST", "/api/read", {"items": ["I-1"]})
        check("the session marks I-1 read", s == 200 and j == {"unread": ["I-2"], "unread_count": 1}, (s, j))
        check("the other tab sees it read", state(tab).get("unread") == ["I-2"], state(tab).get("unread"))
        # another session of the same seat keeps its own marks
        b = Client(PORT)
        check("xmd-hydro joins again (another session)", b.join(codes["xmd-hydro"])[0] == 200)
        check("what came before that session is not new to it", state(b).get("unread") == [])
        s, j, _, _ = ctl.input({"do": "release", "inject": "I-3"})
        check("I-3 goes to the commissioners, not to the desk", "I-3" not in [x["id"] for x in state(b).get("items", [])])
        s, j, _, _ = ctl.input({"do": "add", "inject": {"id": "N-1", "title": "Commission notice", "label":
                                                       "PUBLIC//REL TO BASIN, EXCON", "from": "control",
                                                       "to": ["cell:technical"]}})
        check("control adds N-1 to the desks", s == 200 and not j.get("refused"), j)
        check("N-1 is new to both sessions", state(a).get("unread") == ["I-2", "N-1"] and
              state(b).get("unread") == ["N-1"], (state(a).get("unread"), state(b).get("unread")))
        s, j, _, _ = tab.req("POST", "/api/read", {"all": True})
        check("mark all read (from the other tab)", s == 200 and j == {"unread": [], "unread_count": 0}, (s, j))
        check("nothing new for the session now", state(a).get("unread") == [])
        check("the other session still has N-1 new", state(b).get("unread") == ["N-1"])
        for body, why in (({"items": []}, "an empty list"), ({"items": [3]}, "a number"), ({}, "nothing"),
                          ({"all": True, "items": ["I-1"]}, "both")):
            s, j, _, _ = b.req("POST", "/api/read", body)
            check("POST /api/read with %s: 400" % why, s == 400 and "\"items\"" in (j or {}).get("error", ""), (s, j))
        s, j, _, _ = b.req("GET", "/api/read")
        check("GET /api/read: 405", s == 405, s)
        anon = Client(PORT)
        s, j, _, _ = anon.req("POST", "/api/read", {"all": True})
        check("without a session: 401", s == 401, s)
        s, j, _, _ = ctl.req("POST", "/api/read", {"all": True})
        check("control has marks too", s == 200 and j.get("unread") == [], j)
        openapi_check.check_all(check, "marks_test: ")
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        out.close()
    log = open(os.path.join(WORK, "marks-serve.out")).read()
    check("no sanitizer report", not sanitizer_report(log), log[-400:])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
