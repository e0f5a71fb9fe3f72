#!/usr/bin/env python3
"""Forges an event log the way an insider with write access would: changes the text of event
SEQ and recomputes the hash chain from there, so that the chain alone looks sound. Used by
tests/cli/verify.sh to show that signed checkpoints expose it. Usage: forge.py IN OUT SEQ"""
import hashlib
import json
import sys

src, dst, at = sys.argv[1], sys.argv[2], int(sys.argv[3])


def canon(o):
    return json.dumps(o, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


out = []
prev = None
for i, line in enumerate(open(src, encoding="utf-8").read().splitlines()):
    r = json.loads(line)
    if i == at:
        r["payload"]["forged"] = "this event was changed after the fact"
    if i >= at:
        r["prev"] = prev
        del r["hash"]
        r["hash"] = hashlib.sha256(canon(r).encode()).hexdigest()
    out.append(canon(r))
    prev = r["hash"]
open(dst, "w", encoding="utf-8").write("\n".join(out) + "\n")
