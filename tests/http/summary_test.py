"""/api/summary (docs/http-api.md): control's executive summary of the live exercise, kept in the
store in versions, on the flood consultation fixture (tests/scenarios/valid/flood-consultation.yaml).

Usage: summary_test.py CAUCUS_BIN WORKDIR; prints "N passed, N failed"."""
import io
import json
import os
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_test  # noqa: E402  (its Client and Server; argv is the same)
import openapi_check  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
check = api_test.check
SCEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios", "valid", "flood-consultation.yaml")


def summary_of(doc):
    return next(s for s in doc["sections"] if s["id"] == "summary")


def main():
    db = os.path.join(WORK, "summary.db")
    cf = os.path.join(WORK, "summary-codes.json")
    srv = api_test.Server([SCEN, "--db", db, "--codes", cf, "--seed", "5"])
    codes = json.load(open(cf))
    ctl, rba = api_test.Client(srv.port), api_test.Client(srv.port)
    ctl.join(codes["control"])
    rba.join(codes["rba-lead"])
    ctl.input({"do": "start"})

    st, j, _, _ = ctl.req("GET", "/api/summary")
    check("control reads the summary: none saved, no versions", st == 200 and j["summary"] is None and j["versions"] == [], (st, j))
    check("the draft is the report's drafted summary",
          j["draft"].startswith("Riverside flood consultation was played from") and "\n\n" in j["draft"] and
          j["draft"].endswith("the planners complete it before the report is issued."), j.get("draft"))
    st, d, _, _ = ctl.req("GET", "/api/report?format=json")
    check("the draft is the summary of control's report, paragraph for paragraph",
          st == 200 and summary_of(d)["intro"] == j["draft"].split("\n\n"), summary_of(d)["intro"] if st == 200 else st)

    for method, body in (("GET", None), ("POST", {"text": "A seat's summary."})):
        st, e, _, _ = rba.req(method, "/api/summary", body)
        check("a seat may not %s the summary: 403" % method, st == 403 and e["code"] == "forbidden", (st, e))
    bad = [({"text": "x", "label": "BOGUS"}, "not a label of the scenario's policy"),
           ({"text": " \n\n "}, "empty"),
           ({"text": "x", "colour": "red"}, "unknown member \"colour\""),
           ({"label": "OFFICIAL"}, "\"text\" is missing"),
           ({"text": None, "label": "OFFICIAL"}, "\"label\" goes with a text"),
           ({"text": 3}, "\"text\" must be a string or null"),
           ({"text": "a\u0000b"}, "\\u0000 is not allowed"),
           ({"text": "x", "author": ""}, "\"author\" is a name")]
    for body, why in bad:
        st, e, _, _ = ctl.req("POST", "/api/summary", body)
        check("refused with a reason: %s" % why, st == 400 and why in e.get("error", ""), (body, st, e))
    st, j, _, _ = ctl.req("GET", "/api/summary")
    check("refused saves add no version", j["versions"] == [], j["versions"])

    text = "The river authority and the health office agreed one advisory.\n\nName a duty officer for flood consultations."
    st, j, _, _ = ctl.req("POST", "/api/summary", {"text": text, "label": "OFFICIAL//REL TO REGION", "author": "Planner A"})
    check("control saves version 1 under a label, written canonically, by the author named",
          st == 200 and j["summary"]["version"] == 1 and j["summary"]["text"] == text and
          j["summary"]["label"] == "OFFICIAL//REL TO EXCON, PHO, RBA" and j["summary"]["author"] == "Planner A" and
          isinstance(j["summary"]["saved_wall_ms"], int), (st, j))
    st, _, body, _ = ctl.req("GET", "/api/log")
    reads = [e for e in (json.loads(l) for l in body.decode().splitlines()) if e["type"] == "access.read" and e["payload"].get("path") == "/api/summary"]
    check("every read and save of the summary is recorded in the log, a save with its version",
          st == 200 and len(reads) == 3 and reads[-1]["payload"].get("saved_version") == 1 and
          "saved_version" not in reads[0]["payload"], [r["payload"] for r in reads])
    st, d, _, _ = ctl.req("GET", "/api/report?format=json")
    sec = summary_of(d)
    check("control's report has the saved summary, in its two paragraphs",
          sec["intro"] == text.split("\n\n") and sec["banner"] == "OFFICIAL//REL TO EXCON, PHO, RBA", sec)
    st, d, _, _ = rba.req("GET", "/api/report?format=json")
    check("a seat that may read its label has it too", st == 200 and summary_of(d)["intro"] == text.split("\n\n"), st)

    secret = "Control cell only: the river authority was slow."
    st, j, _, _ = ctl.req("POST", "/api/summary", {"text": secret, "label": "OFFICIAL//REL TO EXCON"})
    check("version 2, by control (no author given)", st == 200 and j["summary"]["version"] == 2 and
          j["summary"]["author"] == "control" and [v["version"] for v in j["versions"]] == [2, 1], (st, j))
    st, d, _, _ = ctl.req("GET", "/api/report?format=json")
    check("control's report has version 2", summary_of(d)["intro"] == [secret], summary_of(d)["intro"])
    st, d, body, _ = rba.req("GET", "/api/report?format=json")
    check("a seat that may not read its label gets its own draft, never the text",
          st == 200 and secret not in body.decode() and
          summary_of(d)["intro"][0].startswith("Riverside flood consultation was played from"), summary_of(d)["intro"])
    st, _, body, r = rba.req("GET", "/api/report?format=md")
    check("nor in its Markdown", st == 200 and secret not in body.decode(), st)
    st, _, body, r = ctl.req("GET", "/api/report?format=docx")
    xml = zipfile.ZipFile(io.BytesIO(body)).read("word/document.xml").decode() if st == 200 else ""
    check("control's Word report holds version 2", secret in xml, st)

    st, j, _, _ = ctl.req("POST", "/api/summary", {"text": None})
    check("back to the draft: version 3 without text, no current summary",
          st == 200 and j["summary"] is None and j["versions"][0]["version"] == 3 and j["versions"][0]["text"] is None and
          j["versions"][2]["text"] == text, (st, j))
    st, d, _, _ = ctl.req("GET", "/api/report?format=json")
    check("control's report is drafted again", summary_of(d)["intro"][0].startswith("Riverside flood consultation"),
          summary_of(d)["intro"])

    # the store keeps every version for the command line; `caucus report DB` uses the newest
    ctl.req("POST", "/api/summary", {"text": text})
    srv.stop()
    v = subprocess.run([BIN, "summary", db, "--exercise", "1", "--versions"], capture_output=True, text=True)
    lines = v.stdout.splitlines()
    check("caucus summary --versions lists the four versions newest first",
          v.returncode == 0 and len(lines) == 4 and lines[0].startswith("version 4 by control at ") and
          lines[1].startswith("version 3 by control at ") and lines[1].endswith(": back to the drafted summary") and
          lines[3].startswith("version 1 by Planner A at ") and lines[3].endswith("label OFFICIAL//REL TO EXCON, PHO, RBA"),
          v.stdout + v.stderr)
    v = subprocess.run([BIN, "report", db, "--exercise", "1", "--json", "-"], capture_output=True, text=True)
    d = json.loads(v.stdout) if v.returncode == 0 else {"sections": [{"id": "summary", "intro": []}]}
    check("caucus report DB --exercise 1 has version 4", summary_of(d)["intro"] == text.split("\n\n"), v.stderr)
    openapi_check.check_all(check, " (summary)")
    return check.summary()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:
        import traceback
        traceback.print_exc()
        check("the script ran to its end", False, e)
        sys.exit(check.summary())
