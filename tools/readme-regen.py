#!/usr/bin/env python3
"""Rewrites the outputs of README.md's examples in place (the counterpart of tests/cli/readme.sh):
every "$ build/caucus ...", "$ sed ..." or "$ rm -f ..." line in a ``` block is run from the repo
root and the lines after it, up to the next "$ " line or the end of the block, are replaced by
what it prints (stdout and stderr). For an intended change of output only: read the diff, and
update the prose that quotes the numbers. Usage: tools/readme-regen.py [BUILD_DIR]"""
import re
import subprocess
import sys

b = sys.argv[1] if len(sys.argv) > 1 else "build"
text = open("README.md").read()


def regen(block):
    lines = block.group(1).splitlines()
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if not (line.startswith("$ build/caucus ") or line.startswith("$ sed ") or line.startswith("$ rm -f ")):
            continue
        while i < len(lines) and not lines[i].startswith("$ "):
            i += 1
        cmd = line[2:].replace("build/caucus", b + "/caucus")
        got = subprocess.run(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
        out.extend(got.splitlines())
    return "```\n" + "\n".join(out) + "\n```"


new = re.sub(r"```\n(.*?)```", regen, text, flags=re.S)
open("README.md", "w").write(new)
