"""What the scripts that drive `caucus serve` over HTTP share (standard library only): counting
checks, a free loopback port, starting a server and waiting until it answers, and spotting a
sanitizer report in a server's output. Used by tests/http/*.py, tests/soak/soak.py and
bench/bench_sse.py."""
import http.client
import json
import re
import socket
import subprocess
import time

SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error:")


class Checks:
    """check(name, cond, detail): counts a pass or a failure, and prints a failure with the
    first `width` characters of its detail (with verbose, a line for every check)."""

    def __init__(self, width=600, verbose=False):
        self.passed = self.failed = 0
        self.width, self.verbose = width, verbose

    def __call__(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            if self.verbose:
                print("ok: %s" % name)
        else:
            self.failed += 1
            print("FAIL: %s %s" % (name, str(detail)[:self.width]))
        return bool(cond)

    def summary(self):
        """Prints the final "N passed, N failed" line; returns the exit status."""
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def healthy(port, timeout=2.0):
    """1 when GET /healthz answers 200."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("GET", "/healthz")
        ok = c.getresponse().status == 200
        c.close()
        return ok
    except (OSError, http.client.HTTPException):
        return False


def start_serve(binary, args, port, out, tries=400, **popen):
    """Starts `BINARY serve ARGS --listen 127.0.0.1:PORT` writing to the file out and returns
    the process once /healthz answers; exits the script when it stops or never answers."""
    p = subprocess.Popen([binary, "serve"] + args + ["--listen", "127.0.0.1:%d" % port], stdout=out,
                         stderr=subprocess.STDOUT, **popen)
    for _ in range(tries):
        if healthy(port):
            return p
        if p.poll() is not None:
            raise SystemExit("server exited %d" % p.returncode)
        time.sleep(0.05)
    p.kill()
    raise SystemExit("server did not come up on port %d" % port)


class SeatClient:
    """A session joined with a join code on the server at port: keeps its cookie and CSRF token,
    sends JSON bodies and returns (status, JSON or raw bytes). record(method, path, status,
    content_type, body), when given, sees every answer (openapi_check.record). With must_join the
    join must answer 200; otherwise its status is kept in joined."""

    def __init__(self, port, code, record=None, must_join=True):
        self.port, self.record = port, record
        self.cookie = self.csrf = None
        st, j = self.req("POST", "/api/join", {"code": code})
        self.joined = st
        if must_join:
            assert st == 200, j

    def req(self, method, path, body=None):
        h = {"Host": "127.0.0.1:%d" % self.port, "Content-Type": "application/json"}
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf:
            h["X-CSRF-Token"] = self.csrf
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        if self.record:
            self.record(method, path, r.status, r.getheader("Content-Type"), data)
        if path == "/api/join" and r.status == 200:
            self.cookie = re.match(r"(caucus_session=[0-9a-f]{64})", r.getheader("Set-Cookie")).group(1)
        j = json.loads(data) if data and r.getheader("Content-Type", "").startswith("application/json") else data
        if path == "/api/join" and r.status == 200:
            self.csrf = j["csrf"]
        return r.status, j

    def input(self, body):
        return self.req("POST", "/api/input", body)

    def state(self):
        return self.req("GET", "/api/state")[1]


def sanitizer_report(text):
    """1 when a server's output holds an AddressSanitizer, LeakSanitizer or UBSan report."""
    return SANITIZER.search(text) is not None
