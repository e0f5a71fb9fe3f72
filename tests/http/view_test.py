#!/usr/bin/env python3
"""Who sees what in a live exercise (core/view; docs/scenario-format.md, "Who sees what"):
`caucus serve` on tests/scenarios/valid/view-national.yaml, every seat played by a person, no
exercise.control_bypass. A national-only (SECRET//NOFORN) consultation and its decision reach
their US participants, who see them in their state, stream and report; the KOR co-chair, named
through the co-chairs cell but not admitted by the label, and the US press officer, never named,
see none of it. Notes follow the notes pad: a cell-mate whose clearance may read the writer's
sees a note, a cell-mate of lower clearance does not, nor does control (no US seat in its cell).
Standard library only. Usage: view_test.py CAUCUS_BIN WORKDIR. Prints "N passed, N failed"."""
import json
import os
import re
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, SeatClient, free_port, start_serve, sanitizer_report  # noqa: E402
import openapi_check  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
SCEN = "tests/scenarios/valid/view-national.yaml"
check = Checks()
PORT = free_port()


class Client(SeatClient):
    def __init__(self, code):
        super().__init__(PORT, code, openapi_check.record)

    def state(self):
        st, j = self.req("GET", "/api/state")
        assert st == 200, j
        return j

    def frames(self):
        """Every frame of the seat's event stream so far (it closes when nothing more comes)."""
        s = socket.create_connection(("127.0.0.1", PORT), timeout=2)
        s.sendall(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n"
                   "Accept: text/event-stream\r\n\r\n" % (PORT, self.cookie)).encode())
        buf = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        except socket.timeout:
            pass
        s.close()
        return [json.loads(m) for m in re.findall(rb"^data: (.*)$", buf, re.M)]


def ids(state, key):
    return sorted(x["id"] for x in state.get(key, []))


def main():
    codes_file = os.path.join(WORK, "view-codes.json")
    out = open(os.path.join(WORK, "view-serve.out"), "w")
    srv = start_serve(BIN, [SCEN, "--codes", codes_file, "--db", os.path.join(WORK, "view.db"), "--join-per-min",
                            "1000"], PORT, out)
    try:
        codes = json.load(open(codes_file))
        ctl, chair, staff, press, kor = (Client(codes[k]) for k in
                                         ("control", "usa-chair", "usa-staff", "usa-press", "kor-chair"))
        check("start", ctl.input({"do": "start"})[0] == 200)
        check("pause", ctl.input({"do": "pause"})[0] == 200)
        check("jump to the request", ctl.input({"do": "jump", "to": "+1h"})[0] == 200)
        for c in (chair, staff):
            check("a US participant acknowledges", c.input({"do": "acknowledge", "consultation": "C-US"})[0] == 200)
        st = {name: c.state() for name, c in (("chair", chair), ("staff", staff), ("press", press), ("kor", kor),
                                              ("control", ctl))}
        # the national-only consultation and decision: what a participant was delivered it sees
        for name in ("chair", "staff"):
            check("%s sees the national consultation" % name, ids(st[name], "consultations") == ["C-US"],
                  st[name].get("consultations"))
            check("%s sees the national decision" % name, ids(st[name], "decisions") == ["D-US"],
                  st[name].get("decisions"))
        c = next(iter(st["chair"]["consultations"]), {})
        check("in its decide stage, both having acknowledged", c.get("stage") == "decide" and
              sorted(c.get("participants") or []) == ["usa-chair", "usa-staff"], c)
        for name in ("press", "kor", "control"):
            check("%s sees neither" % name, not st[name].get("consultations") and not st[name].get("decisions"),
                  (st[name].get("consultations"), st[name].get("decisions")))
            check("%s's state never names them" % name,
                  "C-US" not in json.dumps(st[name]) and "national line" not in json.dumps(st[name]))
        fr = chair.frames()
        check("the chair's stream carries the stages", sum(f["type"] == "consult.stage" for f in fr) == 2,
              [f["type"] for f in fr])
        check("... and the decision's opening", any(f["type"] == "decision.open" for f in fr))
        check("no frame of KOR's stream is of them", not any("C-US" in json.dumps(f) or "D-US" in json.dumps(f)
                                                             for f in kor.frames()))
        st_, rep = chair.req("GET", "/api/report")
        check("the chair's report holds the consultation", st_ == 200 and b"The national line before" in rep, st_)
        st_, rep = kor.req("GET", "/api/report")
        check("KOR's report does not", st_ == 200 and b"The national line before" not in rep, st_)

        # how labels are shown: each labelled object carries its class's rank and style, from the
        # label policy; the classes up to the viewer's clearance are listed once
        chair_st = st["chair"]
        for key in ("items", "consultations", "decisions"):
            for o in chair_st[key]:
                cls = chair_st["classes"][o["label_rank"]]
                check("%s %s: rank and style of its class" % (key, o["id"]),
                      o["label"].split("//")[0] == cls["name"] and o["label_style"] == cls["style"], (o, cls))
        check("a seat's classes stop at its clearance",
              [c["name"] for c in chair_st["classes"]] == ["UNCLASSIFIED", "CONFIDENTIAL", "SECRET"] and
              [c["name"] for c in st["press"]["classes"]] == ["UNCLASSIFIED", "CONFIDENTIAL"], chair_st["classes"])
        check("control's list every class, with the style the scenario gives one",
              st["control"]["classes"][-1] == {"name": "NATIONAL EYES", "short": "NE", "style": "top-secret"} and
              st["control"]["classes"][2]["style"] == "secret", st["control"]["classes"])
        check("the control's MSEL carries them", all(i["label_style"] in ("unclassified", "secret")
                                                     for i in st["control"]["injects"]), st["control"]["injects"])
        you = chair_st["you"]
        check("the label picker's styles", len(you["labels"]) == len(you["label_styles"]) and
              all(s_ == chair_st["classes"][[c["name"] for c in chair_st["classes"]].index(l.split("//")[0])]["style"]
                  for l, s_ in zip(you["labels"], you["label_styles"])), you)

        # the notes pad: usa-staff (SECRET) shares usa-team with the chair and press with usa-press
        check("staff writes a note", staff.input({"do": "note", "text": "staff pad note"})[0] == 200)
        check("press writes a note", press.input({"do": "note", "text": "press pad note"})[0] == 200)
        check("control writes a note", ctl.input({"do": "note", "text": "control pad note"})[0] == 200)
        notes = {name: [n["text"] for n in c.state()["notes"]] for name, c in
                 (("chair", chair), ("staff", staff), ("press", press), ("kor", kor), ("control", ctl))}
        check("the writer sees its note", "staff pad note" in notes["staff"], notes)
        check("a cell-mate with the clearance sees it", "staff pad note" in notes["chair"], notes)
        check("a cell-mate of lower clearance does not", "staff pad note" not in notes["press"], notes)
        check("the press note reaches its SECRET cell-mate", "press pad note" in notes["staff"], notes)
        check("... and not the chair, no cell-mate", "press pad note" not in notes["chair"], notes)
        check("KOR sees no US note", not notes["kor"], notes)
        check("control, without the bypass, reads no US note", notes["control"] == ["control pad note"], notes)
        st_, log = ctl.req("GET", "/api/log")
        check("control's log holds no US note, nor the input that wrote it", st_ == 200 and
              b"staff pad note" not in log and b"press pad note" not in log and b"control pad note" in log)
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        out.close()
    log = open(os.path.join(WORK, "view-serve.out")).read()
    check("no sanitizer report", not sanitizer_report(log), log[-400:])
    openapi_check.check_all(check)  # every answer above against the OpenAPI document
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
