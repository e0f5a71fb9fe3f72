#!/bin/sh
# CLI tests of `caucus msel export|import`: CSV and workbook export, the round trip of every
# sample, imports from other templates (lint clean), and every bad fixture in tests/msel/bad
# with its expected first error. Usage: tests/cli/msel.sh BUILD_DIR.
. tests/cli/harness.inc

# round trip: scenario -> CSV -> scenario (--into) -> CSV gives the same bytes; the result lints
for f in scenarios/*.yaml tests/scenarios/valid/*.yaml tests/msel/edge.yaml; do
  n=$(basename "$f" .yaml)
  expect_rc "export $n" 0 "$BIN" msel export "$f" --csv "$T/$n.csv"
  expect_out "export $n summary" "msel export $f:"
  expect_rc "import $n" 0 "$BIN" msel import "$T/$n.csv" --into "$f" --out "$T/$n.yaml"
  expect_rc "lint $n" 0 "$BIN" lint "$T/$n.yaml"
  expect_out "lint $n clean" "ok (0 errors, 0 warnings)"
  expect_rc "re-export $n" 0 "$BIN" msel export "$T/$n.yaml" --csv "$T/$n.2.csv"
  if cmp -s "$T/$n.csv" "$T/$n.2.csv"; then ok; else no "$n: CSV round trip differs"; fi
done
# the same through semicolons with a BOM, and through tabs
expect_rc "export ;" 0 "$BIN" msel export scenarios/ncg-policy-ttx.yaml --csv "$T/semi.csv" --sep ';' --bom
if head -c 3 "$T/semi.csv" | od -An -tx1 | grep -q 'ef bb bf'; then ok; else no "--bom writes a BOM"; fi
expect_rc "import ;" 0 "$BIN" msel import "$T/semi.csv" --into scenarios/ncg-policy-ttx.yaml --out "$T/semi.yaml"
expect_rc "re-export ;" 0 "$BIN" msel export "$T/semi.yaml" --csv "$T/semi2.csv"
if cmp -s "$T/semi2.csv" "$T/ncg-policy-ttx.csv"; then ok; else no "semicolon round trip"; fi
expect_rc "export tab to stdout" 0 sh -c "$BIN msel export scenarios/ncg-mil-ttx.yaml --csv - --sep tab > $T/tab.csv"
expect_rc "import tab" 0 "$BIN" msel import "$T/tab.csv" --into scenarios/ncg-mil-ttx.yaml --out "$T/tab.yaml"
expect_rc "re-export tab" 0 "$BIN" msel export "$T/tab.yaml" --csv "$T/tab2.csv"
if cmp -s "$T/tab2.csv" "$T/ncg-mil-ttx.csv"; then ok; else no "tab round trip"; fi

# merge: replace one inject, keep the others
printf 'Inject #,Scenario Time,Event Synopsis,From,To,Label\nI-02,+20m,Changed synopsis,control,all,UNCLASSIFIED//REL TO ALLIANCE\n' > "$T/one.csv"
expect_rc "merge" 0 "$BIN" msel import "$T/one.csv" --into scenarios/ncg-policy-ttx.yaml --merge --out "$T/merged.yaml"
expect_rc "merge lints" 0 "$BIN" lint --summary "$T/merged.yaml"
expect_out "merge keeps 33 injects" "33 injects"
expect_rc "merged export" 0 "$BIN" msel export "$T/merged.yaml" --csv "$T/merged.csv"
if grep -q '^I-02,+20m,.*Changed synopsis' "$T/merged.csv"; then ok; else no "merge replaced I-02"; fi
if [ "$(grep -c '^I-' "$T/merged.csv")" = 33 ]; then ok; else no "merge keeps the other injects"; fi
expect_rc "replace without --merge breaks triggers" 1 "$BIN" msel import "$T/one.csv" --into scenarios/ncg-policy-ttx.yaml --out "$T/r.yaml"
expect_out "reported on the base file" "scenarios/ncg-policy-ttx.yaml:"
expect_out "reported with the imported injects" "(with the imported injects)"
if [ -e "$T/r.yaml" ]; then no "no output on error"; else ok; fi

# workbook: a zip with the sheet and every title in it
expect_rc "xlsx" 0 "$BIN" msel export scenarios/ncg-policy-ttx.yaml --xlsx "$T/p.xlsx"
expect_rc "xlsx is a zip" 0 python3 -m zipfile -l "$T/p.xlsx"
expect_out "xlsx sheet" "xl/worksheets/sheet1.xml"
# read the workbook back cell by cell and compare with the CSV export
cat > "$T/xlsx.py" <<'PY'
import csv, sys, zipfile, re
import xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
unx = lambda s: re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), s)
strings = [unx("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"]))) for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
rows = {}
for c in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter("{%s}c" % ns["m"]):
    col, row = re.match(r"([A-Z]+)(\d+)", c.get("r")).groups()
    ci = 0
    for ch in col: ci = ci * 26 + ord(ch) - 64
    v = c.find("m:v", ns)
    # OOXML escapes characters XML cannot hold as _xHHHH_
    rows.setdefault(int(row), {})[ci - 1] = strings[int(v.text)] if c.get("t") == "s" else v.text
want = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8-sig")))
got = [[rows.get(r + 1, {}).get(k, "") for k in range(len(want[0]))] for r in range(len(want))]
if got != want:
    for r, (g, w) in enumerate(zip(got, want)):
        if g != w: print("row", r + 1, g, w); break
    sys.exit(1)
print("xlsx matches csv:", len(want) - 1, "rows")
PY
expect_rc "xlsx cells equal the CSV" 0 python3 "$T/xlsx.py" "$T/p.xlsx" "$T/ncg-policy-ttx.csv"
expect_out "xlsx rows" "xlsx matches csv: 33 rows"
expect_rc "xlsx of the edge cases" 0 "$BIN" msel export tests/msel/edge.yaml --xlsx "$T/e.xlsx"
expect_rc "xlsx edge cells equal the CSV" 0 python3 "$T/xlsx.py" "$T/e.xlsx" "$T/edge.csv"
expect_rc "xlsx unwritable" 1 "$BIN" msel export scenarios/ncg-policy-ttx.yaml --xlsx /nonexistent/dir/p.xlsx

# other templates: a minimal scenario that lints clean
expect_rc "foreign template" 0 "$BIN" msel import tests/msel/foreign-semicolon.csv --zone Asia/Seoul --out "$T/f.yaml"
expect_rc "foreign lints clean" 0 "$BIN" lint --summary "$T/f.yaml"
expect_out "foreign clean" "ok (0 errors, 0 warnings)"
expect_out "foreign counts" "3 parties, 5 seats, 1 cells, 3 injects"
expect_rc "foreign export" 0 "$BIN" msel export "$T/f.yaml" --csv "$T/f.csv"
if grep -q '^3,+1h30m,2026-03-02 10:30,National assessment' "$T/f.csv"; then ok; else no "Excel serial and dmy dates read"; fi
expect_rc "foreign with --into (its clock)" 1 "$BIN" msel import tests/msel/foreign-semicolon.csv --into scenarios/ncg-policy-ttx.yaml --out "$T/f2.yaml"
expect_out "foreign into error" "tests/msel/foreign-semicolon.csv:2:2: error: column 'Date/Time': time '02/03/2026 09:00' lies before the exercise start 2026-03-03T09:00:00+09:00"
expect_rc "needs --map" 1 "$BIN" msel import tests/msel/needs-map.csv --out "$T/n.yaml"
expect_out "needs map message" "tests/msel/needs-map.csv:1:0: error: no column for the inject number"
expect_out "needs map hint" "hint: name a column 'Inject #', or use --map id=HEADER"
expect_rc "with --map" 0 "$BIN" msel import tests/msel/needs-map.csv --out "$T/n.yaml" --map 'id=Msg Ref,time=When' --map 'title=subject,to=Addressees,label=Caveat'
expect_out "unmapped column warning" "tests/msel/needs-map.csv:1:6: warning: column 'Weather' is not an MSEL column; it is not imported"
expect_rc "mapped lints clean" 0 "$BIN" lint "$T/n.yaml"
expect_out "mapped clean" "ok (0 errors, 0 warnings)"
expect_rc "to stdout" 0 sh -c "$BIN msel import tests/msel/needs-map.csv --out - --map 'id=Msg Ref,time=When,title=subject,to=Addressees,label=Caveat' --id media --title 'Media cell' > $T/stdout.yaml"
if grep -q '^  id: "media"' "$T/stdout.yaml" && grep -q '^  title: "Media cell"' "$T/stdout.yaml"; then ok; else no "--id and --title"; fi

# workbooks: scenario -> xlsx -> scenario (--into) -> CSV gives the export's bytes, for every sample
for f in scenarios/*.yaml tests/scenarios/valid/*.yaml tests/msel/edge.yaml; do
  n=$(basename "$f" .yaml)
  expect_rc "xlsx export $n" 0 "$BIN" msel export "$f" --xlsx "$T/$n.xlsx"
  expect_rc "xlsx import $n" 0 "$BIN" msel import "$T/$n.xlsx" --into "$f" --out "$T/$n.x.yaml"
  expect_out "xlsx import $n: no warning" "(0 warnings)"
  expect_rc "xlsx lint $n" 0 "$BIN" lint "$T/$n.x.yaml"
  expect_rc "xlsx re-export $n" 0 "$BIN" msel export "$T/$n.x.yaml" --csv "$T/$n.x.csv"
  if cmp -s "$T/$n.csv" "$T/$n.x.csv"; then ok; else no "$n: xlsx round trip differs"; fi
done
# trigger delays drawn from a distribution (docs/msel.md, "A delay drawn from a distribution"):
# every kind is written in the Delay cell in the scenario format's notation, and the scenario comes
# back byte for byte through CSV and through the workbook (both made by the loops above)
h=tests/scenarios/valid/health-council-drawn.yaml
for k in '{dist: fixed, value: 45m}' '{dist: uniform, min: 30m, max: 1h30m}' '{dist: exponential, mean: 40m}' \
  '{dist: lognormal, median: 20m, sigma: 0.5}' '{dist: gamma, shape: 1.7, scale: 12m}' \
  '{dist: triangular, min: 15m, mode: 25m, max: 1h5m}' '{dist: empirical, values: [10m, 20m, 20m, 1h15m]}'; do
  if grep -qF ",\"$k\"," "$T/health-council-drawn.csv"; then ok; else no "drawn delay $k not in the Delay cell"; fi
done
if cmp -s "$T/health-council-drawn.yaml" "$h"; then ok; else no "drawn delays: CSV round trip is not byte for byte"; diff "$T/health-council-drawn.yaml" "$h" | head -5; fi
if cmp -s "$T/health-council-drawn.x.yaml" "$h"; then ok; else no "drawn delays: workbook round trip is not byte for byte"; diff "$T/health-council-drawn.x.yaml" "$h" | head -5; fi
# an edit, in the Trigger cell, in another form: read, written in the form export writes
sed 's/,after H-03,"{dist: exponential, mean: 40m}",/,"after H-03 delay {dist: exponential, mean: 3600s}",,/' \
  "$T/health-council-drawn.csv" > "$T/hd-edit.csv"
expect_rc "drawn delay edited in the trigger" 0 "$BIN" msel import "$T/hd-edit.csv" --into "$h" --out "$T/hd-edit.yaml"
if [ "$(diff "$h" "$T/hd-edit.yaml" | grep -c '^[<>]')" = 2 ] &&
  grep -qF '    trigger: {after: "H-03", delay: {dist: exponential, mean: 1h}}' "$T/hd-edit.yaml"; then ok; else no "drawn delay edit: only H-04's trigger changes, to 1h"; fi
# bad cells: each at its row and column, in one pass, nothing written
sed -e 's/{dist: fixed, value: 45m}/{dist: fixd, value: 45m}/' -e 's/{dist: uniform, min: 30m, max: 1h30m}/{dist: uniform, min: 30m}/' \
  -e 's/{dist: exponential, mean: 40m}/{dist: exponential, mean: -40m}/' \
  -e 's/,after H-06,"{dist: triangular, min: 15m, mode: 25m, max: 1h5m}",/,"after H-06 delay {dist: triangular, min: 15m, mode: 1h10m, max: 1h5m}",,/' \
  "$T/health-council-drawn.csv" > "$T/hd-bad.csv"
rm -f "$T/hd-bad.yaml"
expect_rc "bad drawn delays" 1 "$BIN" msel import "$T/hd-bad.csv" --into "$h" --out "$T/hd-bad.yaml"
expect_out "unknown dist" "hd-bad.csv:3:15: error: column 'Delay': the delay 'dist': unknown value 'fixd', in '{dist: fixd, value: 45m}'"
expect_out "unknown dist hint" "hint: did you mean 'fixed'?"
expect_out "missing parameter" "hd-bad.csv:4:15: error: column 'Delay': the delay is missing required key 'max', in '{dist: uniform, min: 30m}'"
expect_out "negative mean" "hd-bad.csv:5:15: error: column 'Delay': the delay 'mean': a duration cannot be negative, in '{dist: exponential, mean: -40m}'"
expect_out "in the trigger" "hd-bad.csv:8:14: error: column 'Trigger': the delay: triangular needs min <= mode <= max and min < max, in '{dist: triangular, min: 15m, mode: 1h10m, max: 1h5m}'"
expect_out "one pass" "FAILED (4 errors)"
if [ -e "$T/hd-bad.yaml" ]; then no "bad drawn delays: output written"; else ok; fi

# golden workbooks written by libxlsxwriter and by LibreOffice Calc (tests/msel/xlsx/README.md)
for g in planner-libxlsxwriter planner-libreoffice; do
  expect_rc "golden $g" 0 "$BIN" msel import "tests/msel/xlsx/$g.xlsx" --zone Asia/Seoul --out "$T/$g.yaml"
  if cmp -s "$T/$g.yaml" "tests/msel/xlsx/$g.expect.yaml"; then ok; else no "golden $g differs"; diff "$T/$g.yaml" "tests/msel/xlsx/$g.expect.yaml" | head -10; fi
  expect_rc "golden $g lints" 0 "$BIN" lint "$T/$g.yaml"
  expect_out "golden $g lint clean" "ok (0 errors, 0 warnings)"
done
expect_rc "golden notes" 0 "$BIN" msel import tests/msel/xlsx/planner-libxlsxwriter.xlsx --zone Asia/Seoul --out "$T/g.yaml"
expect_out "title row" "planner-libxlsxwriter.xlsx[MSEL]:1:0: note: rows 1 to 1 above the header row 2 are a title; not imported"
expect_out "day heading" "planner-libxlsxwriter.xlsx[MSEL]:8:1: note: a section heading ('DAY 2 - Wednesday 4 March 2026', merged across the table); not imported"
expect_out "prose warning" "planner-libxlsxwriter.xlsx[MSEL]:6:10: warning: column 'Core Capability': 'Situational assessment and information sharing' looks like prose: read as one value"
# sheets
expect_rc "--sheet by number" 0 "$BIN" msel import tests/msel/xlsx/planner-libxlsxwriter.xlsx --sheet 2 --zone Asia/Seoul --out "$T/g2.yaml"
if cmp -s "$T/g2.yaml" tests/msel/xlsx/planner-libxlsxwriter.expect.yaml; then ok; else no "--sheet 2 reads the MSEL sheet"; fi
expect_rc "--sheet by name" 0 "$BIN" msel import tests/msel/xlsx/planner-libxlsxwriter.xlsx --sheet msel --zone Asia/Seoul --out "$T/g3.yaml"
expect_rc "--sheet unknown" 1 "$BIN" msel import tests/msel/xlsx/planner-libxlsxwriter.xlsx --sheet Injects --out "$T/g4.yaml"
expect_out "--sheet unknown message" "planner-libxlsxwriter.xlsx: error: the workbook has no sheet 'Injects'"
expect_out "--sheet unknown hint" "hint: the sheets are 'Cover', 'MSEL'; give a name or a number from 1 to 2"
expect_rc "--sheet without MSEL columns" 1 "$BIN" msel import tests/msel/xlsx/planner-libxlsxwriter.xlsx --sheet Cover --out "$T/g5.yaml"
expect_out "--sheet Cover" "planner-libxlsxwriter.xlsx[Cover]:1:0: error: no column for the inject number"
if [ -e "$T/g5.yaml" ]; then no "no output on error"; else ok; fi
expect_rc "--sep with a workbook" 2 "$BIN" msel import tests/msel/xlsx/planner-libreoffice.xlsx --sep ';' --out "$T/g6.yaml"
expect_out "--sep with a workbook message" "planner-libreoffice.xlsx is a workbook, which has no separator"
# caucus's own workbook export, imported as a new user would (the issue's first complaint)
expect_rc "own xlsx without --into" 1 "$BIN" msel import "$T/p.xlsx" --zone Asia/Seoul --out "$T/own.yaml"
expect_out "own xlsx is read as a workbook" "p.xlsx[MSEL]:8:14: error: column 'Trigger': the trigger waits for consultation 'C-1', which an MSEL cannot define"
expect_out "own xlsx: the fix" "hint: import --into SCENARIO, the scenario that defines consultation 'C-1'"
expect_out "own xlsx: timeout" "hint: import --into SCENARIO, the scenario that defines the decision or consultation 'C-1'"
if grep -q "UTF-8\|NUL" "$T/err"; then no "a workbook read as text"; else ok; fi
expect_rc "own xlsx with --into" 0 "$BIN" msel import "$T/p.xlsx" --into scenarios/ncg-policy-ttx.yaml --out "$T/own.yaml"
# every input told by its content, with what to do
expect_rc "ods" 1 "$BIN" msel import tests/msel/xlsx/planner-libreoffice.ods --out "$T/k.yaml"
expect_out "ods message" "planner-libreoffice.ods: error: this is an OpenDocument spreadsheet (.ods), which caucus cannot read"
expect_out "ods hint" "soffice --headless --convert-to xlsx FILE"
expect_rc "xls" 1 "$BIN" msel import tests/msel/xlsx/planner-libreoffice.xls --out "$T/k.yaml"
expect_out "xls message" "planner-libreoffice.xls: error: this is an Excel 97-2003 workbook (.xls) or another OLE2 compound file, which caucus cannot read"
expect_out "xls hint" "hint: save it as Excel Workbook (.xlsx) or CSV UTF-8 in the spreadsheet program"
cp tests/msel/xlsx/planner-libreoffice.xlsx "$T/renamed.csv"
expect_rc "xlsx named .csv" 0 "$BIN" msel import "$T/renamed.csv" --zone Asia/Seoul --out "$T/k.yaml"
python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w"); z.writestr("word/document.xml","<w/>"); z.close()' "$T/doc.docx"
expect_rc "other zip" 1 "$BIN" msel import "$T/doc.docx" --out "$T/k.yaml"
expect_out "other zip message" "doc.docx: error: this is a ZIP archive that is not a workbook, which caucus cannot read"
printf 'Inject #,Scenario Time,Event Synopsis,To,Label\r\n1,+1h,Caf\351 meeting,usa-chair,UNCLASSIFIED//REL TO USA\r\n' > "$T/cp1252.csv"
expect_rc "windows-1252" 1 "$BIN" msel import "$T/cp1252.csv" --out "$T/k.yaml"
expect_out "windows-1252 message" "cp1252.csv:2:0: error: the file is not UTF-8: it reads as Windows-1252 text (byte 0xe9 on line 2)"
expect_out "windows-1252 hint" "hint: save it as CSV UTF-8 in the spreadsheet program, or give --encoding windows-1252"
expect_rc "--encoding windows-1252" 0 "$BIN" msel import "$T/cp1252.csv" --encoding windows-1252 --out "$T/cp.yaml"
if grep -q 'title: "Café meeting"' "$T/cp.yaml"; then ok; else no "windows-1252 text converted"; fi
expect_rc "--encoding bad" 2 "$BIN" msel import "$T/cp1252.csv" --encoding ebcdic --out "$T/k.yaml"
python3 -c 'import sys; open(sys.argv[2],"wb").write(open(sys.argv[1],encoding="utf-8").read().encode("utf-16"))' "$T/ncg-policy-ttx.csv" "$T/u16.csv"
expect_rc "utf-16" 0 "$BIN" msel import "$T/u16.csv" --into scenarios/ncg-policy-ttx.yaml --out "$T/u16.yaml"
expect_rc "utf-16 re-export" 0 "$BIN" msel export "$T/u16.yaml" --csv "$T/u16b.csv"
if cmp -s "$T/u16b.csv" "$T/ncg-policy-ttx.csv"; then ok; else no "UTF-16 round trip"; fi
head -c 4096 /dev/urandom > "$T/noise.bin"; printf '\001\002\003' >> "$T/noise.bin"
"$BIN" msel import "$T/noise.bin" --out "$T/k.yaml" > /dev/null 2> "$T/err"; rc=$?
if [ "$rc" = 1 ]; then ok; else no "binary: exit $rc"; fi
# the merge keeps what the sheet has no column for (class: [warning] of the issue)
printf 'Inject #,Event Synopsis\nI-01,Renamed only\n' > "$T/title-only.csv"
expect_rc "merge title only" 0 "$BIN" msel import "$T/title-only.csv" --into scenarios/ncg-interagency-sim.yaml --merge --out "$T/m2.yaml"
expect_rc "merge title only lints" 0 "$BIN" lint "$T/m2.yaml"
expect_rc "merge export" 0 "$BIN" msel export "$T/m2.yaml" --csv "$T/m2.csv"
expect_rc "sample export" 0 "$BIN" msel export scenarios/ncg-interagency-sim.yaml --csv "$T/m1.csv"
# every row and field the same but I-01's synopsis (class, body, times, ... kept)
expect_rc "merge kept every field" 0 python3 -c 'import csv, sys
a = list(csv.reader(open(sys.argv[1], newline=""))); b = list(csv.reader(open(sys.argv[2], newline="")))
assert len(a) == len(b), "row count"
for ra, rb in zip(a, b):
    if ra[0] == "I-01":
        assert rb[3] == "Renamed only", rb[3]; ra[3] = rb[3]
    assert ra == rb, (ra, rb)
print("ok")' "$T/m1.csv" "$T/m2.csv"
# all problems in one pass, with the fix named
printf 'Inject #,Scenario Time,Event Synopsis,To,Label,Trigger\n1,+2q,A,usa-chair,UNCLASSIFIED//REL TO USA,\n2,,B,usa-chiar,UNCLASSIFIED//REL TO USA,decision D-1\n3,+1h,C,usa-chair,secret//REL TO USA,\n' > "$T/many.csv"
expect_rc "one pass" 1 "$BIN" msel import "$T/many.csv" --out "$T/k.yaml"
expect_out "one pass: time" "many.csv:2:2: error: column 'Scenario Time': cannot read '+2q' as a time"
expect_out "one pass: trigger" "many.csv:3:6: error: column 'Trigger': the trigger waits for decision 'D-1', which an MSEL cannot define"
expect_out "one pass: --into hint" "hint: import --into SCENARIO, the scenario that defines decision 'D-1'"
expect_out "one pass: summary" "FAILED (3 errors)"

# every bad fixture: exit 1, its first error as expected, no output
for f in tests/msel/bad/*.csv; do
  n=${f%.csv}
  into=""
  [ -f "$n.args" ] && into="--into $(sed -n 's/^into=//p' "$n.args")"
  rm -f "$T/bad.yaml"
  # shellcheck disable=SC2086
  expect_rc "bad $(basename "$n")" 1 "$BIN" msel import "$f" $into --out "$T/bad.yaml"
  got=$(grep -m1 ': error:' "$T/err")
  case "$got" in "$(cat "$n.expect")"*) ok ;; *) no "$f: first error '$got', want '$(cat "$n.expect")'" ;; esac
  if [ -e "$T/bad.yaml" ]; then no "$f: output written despite errors"; else ok; fi
done
if [ "$(ls tests/msel/bad/*.csv | wc -l)" -ge 14 ]; then ok; else no "bad fixtures missing"; fi

# invocation errors
expect_rc "no subcommand" 2 "$BIN" msel
expect_rc "help" 0 "$BIN" msel --help
expect_out "help text" "usage: caucus msel export SCENARIO"
expect_rc "unknown subcommand" 2 "$BIN" msel frobnicate
expect_rc "export without output" 2 "$BIN" msel export scenarios/ncg-policy-ttx.yaml
expect_out "export without output message" "give --csv OUT or --xlsx OUT"
expect_rc "export bad separator" 2 "$BIN" msel export scenarios/ncg-policy-ttx.yaml --csv "$T/x.csv" --sep '|'
expect_rc "export invalid scenario" 1 "$BIN" msel export tests/scenarios/invalid/044-label-unknown-classification.yaml --csv "$T/x.csv"
expect_out "export invalid message" "does not load; fix it first"
expect_rc "import without --out" 2 "$BIN" msel import tests/msel/needs-map.csv
expect_rc "import --merge without --into" 2 "$BIN" msel import "$T/one.csv" --merge --out "$T/x.yaml"
expect_rc "import --zone with --into" 2 "$BIN" msel import "$T/one.csv" --into scenarios/ncg-policy-ttx.yaml --zone UTC --out "$T/x.yaml"
expect_rc "import bad --dates" 2 "$BIN" msel import "$T/one.csv" --dates ymd --out "$T/x.yaml"
expect_rc "import bad --map" 2 "$BIN" msel import "$T/one.csv" --map 'colour=Label' --out "$T/x.yaml"
expect_out "bad map message" "--map: error: unknown column 'colour'"
expect_rc "import missing file" 1 "$BIN" msel import "$T/none.csv" --out "$T/x.yaml"
expect_out "missing file message" "none.csv: error: cannot open: No such file or directory"
expect_rc "import base missing" 1 "$BIN" msel import "$T/one.csv" --into "$T/none.yaml" --out "$T/x.yaml"
expect_rc "import bad zone" 2 "$BIN" msel import "$T/one.csv" --zone Mars/Base --out "$T/x.yaml"
expect_out "bad zone message" "--zone: error: unknown time zone 'Mars/Base'"
# hostile input: binary noise never crashes or hangs
head -c 65536 /dev/urandom > "$T/noise.csv"
"$BIN" msel import "$T/noise.csv" --out "$T/x.yaml" > /dev/null 2>&1; rc=$?
if [ "$rc" = 1 ]; then ok; else no "noise: exit $rc, want 1"; fi

# several languages (docs/msel.md, "Several languages"): a language column per text; an edited
# Korean cell comes back as that inject's Korean text; what cannot be read back is an error at
# its header or cell
f=tests/scenarios/valid/river-commission-bilingual.yaml
expect_rc "bilingual export" 0 "$BIN" msel export "$f" --csv "$T/bi.csv"
if head -1 "$T/bi.csv" | grep -q ',Label Originator,Event Synopsis@ko,Inject Body@ko,Expected Action@ko,Notes@ko'; then ok; else no "language columns in the header"; fi
sed 's/P1 단계 시작 시 낭독한다\./P1 단계 시작 시 통제관이 낭독한다./' "$T/bi.csv" > "$T/bi2.csv"
expect_rc "bilingual import of an edited Korean cell" 0 "$BIN" msel import "$T/bi2.csv" --into "$f" --out "$T/bi2.yaml"
if grep -q 'notes: {"en": "Read out at the start of phase P1.", "ko": "P1 단계 시작 시 통제관이 낭독한다."}' "$T/bi2.yaml"; then ok; else no "the edited Korean notes"; fi
expect_rc "bilingual import lints clean" 0 "$BIN" lint --require-languages "$T/bi2.yaml"
expect_rc "language columns without --into" 1 "$BIN" msel import "$T/bi.csv" --out "$T/bi3.yaml"
expect_out "language columns without --into: where" "bi.csv:1:19: error: column 'Event Synopsis@ko' holds a text in another language, which needs a scenario that declares it"
sed '1s/Notes@ko/Notes@ja/' "$T/bi.csv" > "$T/bi4.csv"
expect_rc "undeclared language column" 1 "$BIN" msel import "$T/bi4.csv" --into "$f" --out "$T/bi4.yaml"
expect_out "undeclared language column: where" "bi4.csv:1:22: error: column 'Notes@ja' is in a language the base scenario does not declare (exercise.languages)"
expect_out "the missing Korean notes at the cell" "bi4.csv:2:12: warning: column 'Notes': inject 'notes' of 'I-1' has no text in 'ko' (a declared language)"
sed '2s/관측값을 상대 대표단과 공유한다,/"관측값을 공유한다\n상대에게 알린다",/' "$T/bi.csv" > "$T/bi5.csv"
expect_rc "expected actions in Korean miscounted" 1 "$BIN" msel import "$T/bi5.csv" --into "$f" --out "$T/bi5.yaml"
expect_out "expected actions miscounted: why" "error: column 'Expected Action@ko' lists 2 actions, column 'Expected Action' 1"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
