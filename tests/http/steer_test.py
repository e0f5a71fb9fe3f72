#!/usr/bin/env python3
"""Control steers a live exercise (docs/ui.md, "Control steers"; docs/cli.md, "Control steers"):
`caucus serve` on tests/scenarios/valid/river-basin.yaml, every seat a person nobody plays. The
console's "stuck" list names what C-1 waits for and since when; control extends its deadline,
forces the stage on, re-opens it, fails the consultation, skips an inject chain, and reissues a
seat's join code (the old code and its sessions stop working). Standard library only.
Usage: steer_test.py CAUCUS_BIN WORKDIR. Prints "N passed, N failed"."""
import base64
import hashlib
import http.client
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, SeatClient, free_port, start_serve, sanitizer_report  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
SCEN = "tests/scenarios/valid/river-basin.yaml"
check = Checks()
PORT = free_port()


class Client(SeatClient):
    def __init__(self, code):
        super().__init__(PORT, code, must_join=False)

def find(lst, key, val):
    return next((x for x in lst or [] if x.get(key) == val), None)


def main():
    codes_file = os.path.join(WORK, "steer-codes.json")
    out = open(os.path.join(WORK, "steer-serve.out"), "w")
    srv = start_serve(BIN, [SCEN, "--codes", codes_file, "--db", os.path.join(WORK, "steer.db"), "--join-per-min",
                            "1000"], PORT, out)
    try:
        codes = json.load(open(codes_file))
        ctl, xmd = Client(codes["control"]), Client(codes["xmd-commissioner"])
        check("start", ctl.input({"do": "start"})[0] == 200)
        check("pause", ctl.input({"do": "pause"})[0] == 200)
        check("jump to the request", ctl.input({"do": "jump", "to": "+1h45m"})[0] == 200)
        st = ctl.state()
        s1 = find(st.get("stuck"), "id", "C-1")
        check("the stuck list names C-1's stage, whom it waits for and since when",
              s1 and s1["stage"] == "acknowledge" and sorted(s1["waiting_for"]) ==
              ["xlw-commissioner", "xmd-commissioner", "xup-commissioner"] and s1["since_t"] == 5400000 and
              s1["waiting_ms"] == 900000 and s1["overdue"] is False, s1)
        check("a seat's state has no stuck list", "stuck" not in xmd.state())
        pk = st.get("pickers") or {}
        check("control's form pickers come from the scenario",
              pk.get("senders", [None])[0] == "control" and "cell:technical" in pk.get("recipients", []) and
              "xmd-hydro" in pk.get("recipients", []) and "call" in pk.get("channels", []) and
              "phone" not in pk.get("channels", []) and pk.get("labels") == ["PUBLIC//REL TO EXCON, XLW, XMD, XUP"], pk)
        s, j = xmd.input({"do": "force", "consultation": "C-1", "outcome": "complete", "reason": "x"})
        check("a seat may not steer: 403", s == 403, (s, j))
        s, j = ctl.input({"do": "extend", "consultation": "C-1", "duration": "30m"})
        check("control extends the stage's deadline", s == 200 and not j.get("refused"), j)
        c = find(ctl.state()["consultations"], "id", "C-1")
        check("the new deadline is +3h", c and c["deadline_t"] == 10800000, c)
        check("jump past it", ctl.input({"do": "jump", "to": "+3h05m"})[0] == 200)
        s1 = find(ctl.state().get("stuck"), "id", "C-1")
        check("the stuck list says the deadline passed", s1 and s1["overdue"] is True, s1)
        s, j = ctl.input({"do": "force", "consultation": "C-1", "outcome": "complete",
                          "reason": "the commissioners are absent"})
        check("control forces the stage on", s == 200 and not j.get("refused"), j)
        c = find(ctl.state()["consultations"], "id", "C-1")
        check("assess starts", c and c["stage"] == "assess", c)
        check("the card lists control's act", c and any(e["type"] == "consult.force" for e in c.get("events", [])), c)
        s, j = ctl.input({"do": "reopen", "consultation": "C-1", "stage": "acknowledge", "reason": "they arrived"})
        check("control re-opens the acknowledge stage", s == 200 and not j.get("refused"), j)
        c = find(ctl.state()["consultations"], "id", "C-1")
        check("acknowledge again, nobody has acted", c and c["stage"] == "acknowledge" and c["acks"] == [], c)
        s, j = ctl.input({"do": "reopen", "consultation": "C-1", "stage": "decide"})
        check("a later stage cannot be re-opened", s == 200 and j.get("refused") ==
              "only the current stage or an earlier one can be re-opened", j)
        s, j = ctl.input({"do": "force", "consultation": "C-1", "outcome": "fail", "reason": "called off"})
        check("control ends the consultation as failed", s == 200 and not j.get("refused"), j)
        st = ctl.state()
        check("failed, and off the stuck list", find(st["consultations"], "id", "C-1")["state"] == "failed" and
              not find(st.get("stuck"), "id", "C-1"), st.get("stuck"))
        s, j = ctl.input({"do": "reopen", "consultation": "C-1", "stage": "acknowledge", "reason": "resumed"})
        check("control re-opens the failed consultation", s == 200 and not j.get("refused"), j)
        st = ctl.state()
        c = find(st["consultations"], "id", "C-1")
        check("it is in progress again, and back on the stuck list", c and c["state"] == "in progress" and
              c["stage"] == "acknowledge" and find(st.get("stuck"), "id", "C-1"), c)
        check("its card lists the re-opening", c and sum(e["type"] == "consult.reopen"
                                                         for e in c.get("events", [])) == 2, c and c.get("events"))
        ctl.input({"do": "force", "consultation": "C-1", "outcome": "fail", "reason": "called off again"})
        s, j = ctl.input({"do": "skip", "inject": "I-2", "reason": "out of scope"})
        check("control skips the I-2 chain", s == 200 and not j.get("refused"), j)
        msel = {i["id"]: i["state"] for i in ctl.state()["injects"]}
        check("I-2 and I-3 held", msel.get("I-2") == "held" and msel.get("I-3") == "held", msel)
        # a new join code for xmd-commissioner
        s, j = xmd.req("POST", "/api/reissue", {"seat": "xmd-commissioner"})
        check("a seat may not reissue codes: 403", s == 403, (s, j))
        s, j = ctl.req("POST", "/api/reissue", {"seat": "xmd-commissioner"})
        check("control reissues the code", s == 200 and j.get("seat") == "xmd-commissioner" and
              len(j.get("code", "")) == 23 and j["code"] != codes["xmd-commissioner"], j)
        new = j.get("code") if s == 200 else None
        s, _ = xmd.req("GET", "/api/state")
        check("the old code's session has ended: 401", s == 401, s)
        old = Client(codes["xmd-commissioner"])
        check("the old code is refused", old.joined != 200, old.joined)
        again = Client(new) if new else None
        check("the new code joins", again and again.joined == 200)
        s, body = ctl.req("GET", "/api/log")
        text = body.decode()
        recs = [json.loads(l) for l in text.splitlines()]
        r = [x for x in recs if x["type"] == "session.reissue"]
        check("the log records the reissue, never the code", len(r) == 1 and
              r[0]["payload"].get("about") == "xmd-commissioner" and
              r[0]["payload"].get("sessions_ended", 0) >= 1 and (new or "x") not in text, r)
        # the interim report: styled under the page's policy by its stylesheet's hash, timed up to now
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        c.request("GET", "/api/report", headers={"Host": "127.0.0.1:%d" % PORT, "Cookie": ctl.cookie})
        r = c.getresponse()
        html = r.read().decode()
        csp = r.getheader("Content-Security-Policy", "")
        c.close()
        m = re.search(r"<style>(.*?)</style>", html, re.S)
        want = "'sha256-%s'" % base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode() if m else None
        check("the report's CSP allows its stylesheet by hash, nothing inline else",
              r.status == 200 and want and ("style-src " + want) in csp and "unsafe-inline" not in csp and
              "default-src 'self'" in csp, csp)
        check("the interim report says so", "Interim after-action report (exercise in progress)" in html)
        check("its run length is the clock's time, not +0s", "+3h5m scenario time (interim: the exercise is in progress)"
              in html, re.findall(r"Run length[^\n]{0,160}", html))
        types = [x["type"] for x in recs]
        check("the log records each steering act", all(t in types for t in (
            "consult.extend", "consult.force", "consult.reopen", "inject.skip")), types[-20:])
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        out.close()
    log = open(os.path.join(WORK, "steer-serve.out")).read()
    check("no sanitizer report", not sanitizer_report(log), log[-400:])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
