#!/usr/bin/env python3
"""SSE fan-out load benchmark of `caucus serve` (loopback, bounded).

N clients (default 2000) hold idle event streams, spread over every seat of the policy TTX
sample; control then changes the clock (a clock event every seat may see) R times, and the
time from sending each POST to every client receiving its frame is recorded. Also measures
control's input rate (actions/s at the API) and the server's memory per connected client
(RSS with N idle clients minus RSS before, over N). Prints a Markdown table.

Usage: bench_sse.py CAUCUS_BIN [N] [ROUNDS]"""
import http.client
import json
import os
import re
import resource
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BIN = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 7
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, N + 512)), hard))


def rss_kib(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


work = tempfile.mkdtemp()
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
codes_file = os.path.join(work, "codes.json")
out = open(os.path.join(work, "serve.out"), "w+")
srv = subprocess.Popen([BIN, "serve", "scenarios/ncg-policy-ttx.yaml", "--db", os.path.join(work, "b.db"),
                        "--listen", "127.0.0.1:%d" % port, "--codes", codes_file, "--streams-per-session",
                        str(N), "--join-per-min", "1000"], stdout=out, stderr=subprocess.STDOUT,
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE,
                                                             (min(hard, max(soft, N + 512)), hard)))
for _ in range(400):
    out.seek(0)
    if "listening on" in out.read():
        break
    time.sleep(0.05)
codes = json.load(open(codes_file))


def join(code):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/api/join", body=json.dumps({"code": code}),
              headers={"Content-Type": "application/json", "Host": "127.0.0.1:%d" % port})
    r = c.getresponse()
    body = json.loads(r.read())
    cookie = re.match(r"(caucus_session=[0-9a-f]{64})", r.getheader("Set-Cookie")).group(1)
    c.close()
    return cookie, body["csrf"]


seats = [k for k in codes if k != "control"]
cookies = {k: join(codes[k])[0] for k in seats}
ctl_cookie, ctl_csrf = join(codes["control"])
time.sleep(0.5)
rss0 = rss_kib(srv.pid)

sel = selectors.DefaultSelector()
clients = []
for i in range(N):
    sk = socket.create_connection(("127.0.0.1", port))
    seat = seats[i % len(seats)]
    sk.sendall(("GET /api/events?after=%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n\r\n" % (
        0, port, cookies[seat])).encode())
    sk.setblocking(False)
    st = {"sock": sk, "buf": b"", "ids": set()}
    clients.append(st)
    sel.register(sk, selectors.EVENT_READ, st)

frame_re = re.compile(rb"id: (\d+)\nevent: caucus\ndata: [^\n]*\"type\":\"clock\.")


def pump(until, want_id=None):
    """Reads until every client has a clock frame with id > want_id, or until the deadline."""
    got = {}
    while time.time() < until:
        for key, _ in sel.select(timeout=0.05):
            st = key.data
            try:
                chunk = st["sock"].recv(65536)
            except BlockingIOError:
                continue
            if not chunk:
                sel.unregister(st["sock"])
                continue
            st["buf"] += chunk
            if want_id is not None and id(st) not in got:
                for m in frame_re.finditer(st["buf"]):
                    if int(m.group(1)) > want_id:
                        got[id(st)] = time.time()
                        break
            if len(st["buf"]) > 1 << 20:
                st["buf"] = st["buf"][-65536:]
        if want_id is not None and len(got) == len(clients):
            break
    return got


pump(time.time() + 5.0)  # streams open and drain their history
time.sleep(1.0)
rss1 = rss_kib(srv.pid)
for st in clients:
    st["buf"] = b""


def post(body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/api/input", body=json.dumps(body), headers={
        "Content-Type": "application/json", "Host": "127.0.0.1:%d" % port, "Cookie": ctl_cookie,
        "X-CSRF-Token": ctl_csrf})
    r = c.getresponse()
    j = json.loads(r.read())
    c.close()
    return j


lat = []
missing = 0
actions = ["start"] + ["pause", "resume"] * ROUNDS
for a in actions[:ROUNDS]:
    t0 = time.time()
    res = post({"do": a})
    first = res["seq"][0]
    got = pump(t0 + 10.0, first - 1)
    missing += len(clients) - len(got)
    lat.extend((t - t0) * 1000.0 for t in got.values())
    time.sleep(0.2)

# API throughput: control notes, sequential, each durable before the answer
t0 = time.time()
K = 200
for i in range(K):
    post({"do": "note", "text": "load note %d" % i})
api_rate = K / (time.time() - t0)

lat.sort()
p50 = statistics.median(lat) if lat else float("nan")
p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("nan")
per_client = (rss1 - rss0) / max(1, N)
srv.send_signal(signal.SIGINT)
srv.wait(timeout=60)
print("| clients | rounds | deliveries | missed | fan-out p50 ms | p99 ms | max ms | KiB per idle client | control actions/s |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
print("| %d | %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.0f |" % (
    N, ROUNDS, len(lat), missing, p50, p99, lat[-1] if lat else float("nan"), per_client, api_rate))
