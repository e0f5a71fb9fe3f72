#!/usr/bin/env python3
"""Control edits a released inject in a live exercise (docs/cli.md, "Control edits an inject";
docs/ui.md, "Control console"): `caucus serve` on tests/scenarios/valid/river-basin.yaml, every seat
a person. Control releases I-1 to all, narrows its label (the seats no longer cleared lose it: gone
from their state and search, their reads refused), widens it with a reason (refused without one),
changes its recipients; edits I-2's recipients and time before its release; the form pickers offer
every part of a label the policy allows; the MSEL shows each inject as it stands now. Every answer is
checked against docs/http-api.openapi.json (api_test.Client). Standard library only.
Usage: edit_test.py CAUCUS_BIN WORKDIR. Prints "N passed, N failed"."""
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


def item_ids(c):
    return [i["id"] for i in state(c).get("items", [])]


def inject(st, iid):
    return next((i for i in st.get("injects", []) if i["id"] == iid), {})


def main():
    codes_file = os.path.join(WORK, "edit-codes.json")
    out = open(os.path.join(WORK, "edit-serve.out"), "w")
    srv = start_serve(BIN, [SCEN, "--codes", codes_file, "--db", os.path.join(WORK, "edit.db"), "--join-per-min",
                            "1000"], PORT, out)
    try:
        codes = json.load(open(codes_file))
        ctl, xmd, xup = Client(PORT), Client(PORT), Client(PORT)
        for c, who in ((ctl, "control"), (xmd, "xmd-hydro"), (xup, "xup-hydro")):
            check("%s joins" % who, c.join(codes[who])[0] == 200)
        pk = state(ctl).get("pickers", {})
        check("the label parts are every class, caveat, group and party of the policy",
              pk.get("label_parts") == {"classes": ["PUBLIC", "RESTRICTED"], "caveats": [],
                                        "release": ["BASIN", "XUP", "XMD", "XLW", "EXCON"]}, pk.get("label_parts"))
        s, j, _, _ = ctl.input({"do": "release", "inject": "I-1"})
        check("control releases I-1", s == 200 and not j.get("refused"), j)
        check("xmd-hydro holds I-1", "I-1" in item_ids(xmd), item_ids(xmd))
        # an upgrade: XMD and XLW no longer cleared
        s, j, _, _ = ctl.input({"do": "edit", "inject": "I-1", "label": "RESTRICTED//REL TO XUP, EXCON"})
        check("control narrows the released inject's label", s == 200 and not j.get("refused"), j)
        check("xmd-hydro lost it", "I-1" not in item_ids(xmd), item_ids(xmd))
        check("xup-hydro keeps it", "I-1" in item_ids(xup), item_ids(xup))
        s, _, _, _ = xmd.req("GET", "/api/items/I-1")
        check("xmd-hydro's read of it is refused: 404", s == 404, s)
        s, j, _, _ = xmd.req("GET", "/api/search?q=outlook")
        check("xmd-hydro's search no longer finds it", s == 200 and j.get("total") == 0, j)
        s, j, _, _ = xmd.input({"do": "share", "seat": "xmd-hydro", "inject": "I-1", "to": ["xmd-commissioner"]})
        check("xmd-hydro can no longer forward it", s in (200, 404) and (s == 404 or j.get("refused")), (s, j))
        # the acts offered on each item are exactly those the engine accepts (docs/http-api.md, item_acts)
        acts = state(xup).get("item_acts", {})
        check("xup-hydro is offered every act on I-1", acts.get("I-1") == ["acknowledge", "escalate", "share", "reply"],
              acts)
        check("xmd-hydro is offered nothing on I-1 (it lost it)", "I-1" not in state(xmd).get("item_acts", {}),
              state(xmd).get("item_acts"))
        tries = {"acknowledge": {"do": "acknowledge", "seat": "xup-hydro", "inject": "I-1"},
                 "escalate": {"do": "escalate", "seat": "xup-hydro", "inject": "I-1"},
                 "share": {"do": "share", "seat": "xup-hydro", "inject": "I-1", "to": ["xup-commissioner"]},
                 "reply": {"do": "message", "seat": "xup-hydro", "to": ["ctl"], "text": "Noted.",
                           "label": "RESTRICTED//REL TO XUP, EXCON", "reply_to": "I-1"}}
        for a in acts.get("I-1", []):
            s, j, _, _ = xup.input(tries[a])
            check("offered %s on I-1 is accepted" % a, s == 200 and not j.get("refused"), (s, j))
        macts = state(xup).get("item_acts", {}).get("M1")
        check("its reply M1 offers share and reply to its sender", macts == ["share", "reply"], macts)
        mtries = {"share": {"do": "share", "seat": "xup-hydro", "message": "M1", "to": ["xup-commissioner"]},
                  "reply": {"do": "message", "seat": "xup-hydro", "to": ["ctl"], "text": "And a follow-up.",
                            "label": "RESTRICTED//REL TO XUP, EXCON", "reply_to": "M1"}}
        for a in macts or []:
            s, j, _, _ = xup.input(mtries[a])
            check("offered %s on M1 is accepted" % a, s == 200 and not j.get("refused"), (s, j))
        s, j, _, _ = xmd.input({"do": "acknowledge", "seat": "xmd-hydro", "inject": "I-1"})
        check("an act not offered is refused", s == 404 or (s == 200 and j.get("refused")), (s, j))
        m = inject(state(ctl), "I-1")
        check("the MSEL shows the label it has now", m.get("label") == "RESTRICTED//REL TO EXCON, XUP" and
              m.get("label_style") is not None, m)
        # a downgrade without a reason is refused, with the reason
        s, j, _, _ = ctl.input({"do": "edit", "inject": "I-1", "label": "RESTRICTED//REL TO XUP, XMD, EXCON"})
        check("a wider label without a reason is refused", s == 200 and "a downgrade needs a \"reason\"" in
              (j.get("refused") or ""), j)
        check("xmd-hydro still lacks it", "I-1" not in item_ids(xmd))
        s, j, _, _ = ctl.input({"do": "edit", "inject": "I-1", "label": "RESTRICTED//REL TO XUP, XMD, EXCON",
                                "reason": "cleared for Midvale"})
        check("with a reason it is applied", s == 200 and not j.get("refused"), j)
        check("xmd-hydro receives it again", "I-1" in item_ids(xmd), item_ids(xmd))
        # recipients: only the commissioners and ctl
        s, j, _, _ = ctl.input({"do": "edit", "inject": "I-1", "to": ["cell:commissioners", "ctl"]})
        check("control changes the recipients", s == 200 and not j.get("refused"), j)
        check("the desks lose it", "I-1" not in item_ids(xmd) and "I-1" not in item_ids(xup),
              (item_ids(xmd), item_ids(xup)))
        check("the MSEL shows the new recipients", inject(state(ctl), "I-1").get("to") ==
              ["cell:commissioners", "ctl"], inject(state(ctl), "I-1"))
        s, j, _, _ = ctl.input({"do": "edit", "inject": "I-1", "title": "x"})
        check("a released inject's text is not edited", s == 200 and j.get("refused") ==
              "the inject was already released: only its label and recipients can change", j)
        s, j, _, _ = ctl.input({"do": "edit", "inject": "I-1", "to": ["cell:nowhere"]})
        check("an unknown recipient: 400 saying which", s == 400 and "'cell:nowhere' names nothing" in
              (j or {}).get("error", ""), (s, j))
        # before the release: recipients and time
        s, j, _, _ = ctl.input({"do": "edit", "inject": "I-2", "to": ["xmd-hydro"], "at": "+8:30"})
        check("control edits I-2's recipients and time", s == 200 and not j.get("refused"), j)
        m = inject(state(ctl), "I-2")
        check("the MSEL shows them", m.get("to") == ["xmd-hydro"] and m.get("at_t") == 30600000, m)
        s, j, _, _ = xmd.input({"do": "edit", "inject": "I-2", "to": ["xmd-hydro"]})
        check("a seat may not edit: 403", s == 403, (s, j))
        s, _, body, _ = ctl.req("GET", "/api/log")
        recs = [json.loads(x) for x in body.decode().splitlines()] if isinstance(body, bytes) else []
        w = [(r["payload"]["seat"], r["payload"]["reason"]) for r in recs if r["type"] == "inject.withdraw"]
        check("the log records each withdrawal", w == [
            ("xmd-commissioner", "label"), ("xlw-commissioner", "label"), ("xmd-hydro", "label"),
            ("xlw-hydro", "label"), ("xup-hydro", "recipients"), ("xmd-hydro", "recipients")], w)
        acts = state(xup).get("item_acts", {})
        check("after losing I-1 xup-hydro is offered nothing on it", "I-1" not in acts, acts)
        openapi_check.check_all(check, "edit_test: ")
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        out.close()
    log = open(os.path.join(WORK, "edit-serve.out")).read()
    check("no sanitizer report", not sanitizer_report(log), log[-400:])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
