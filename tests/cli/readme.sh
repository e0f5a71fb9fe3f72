#!/bin/sh
# Keeps the README honest: every "$ build/caucus ...", "$ sed ..." or "$ rm -f ..." example in a ``` block
# of README.md is run and its output (stdout and stderr) compared with the lines that follow.
# Usage: tests/cli/readme.sh BUILD_DIR. Prints "N passed, N failed".
B=${1:-build}
python3 - "$B" <<'PY'
import re, subprocess, sys
b = sys.argv[1]
text = open("README.md").read()
passed = failed = 0
for block in re.findall(r"```\n(.*?)```", text, re.S):
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        if not (lines[i].startswith("$ build/caucus ") or lines[i].startswith("$ sed ") or lines[i].startswith("$ rm -f ")):
            i += 1
            continue
        cmd = lines[i][2:].replace("build/caucus", b + "/caucus")
        want = []
        i += 1
        while i < len(lines) and not lines[i].startswith("$ "):
            want.append(lines[i])
            i += 1
        got = subprocess.run(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True).stdout.splitlines()
        if got == want:
            passed += 1
        else:
            failed += 1
            print("FAIL: README example differs: " + cmd)
            for g, w in zip(got + [""] * len(want), want + [""] * len(got)):
                if g != w:
                    print("  want: " + w)
                    print("  got:  " + g)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
