#!/usr/bin/env python3
"""SSE fan-out load benchmark of `caucus serve` (loopback, bounded).

N clients (default 2000) hold idle event streams, spread over every seat of the policy TTX
sample; control then adds R injects during play, each released at once, and the time from
sending each POST to each client receiving its delivery frame is recorded. Rounds alternate:
an inject addressed to all under UNCLASSIFIED//REL TO ALLIANCE (14 of the 16 seats may read it:
the label denies the two EXCON seats), then a national one (CONFIDENTIAL//NOFORN from a USA seat
to the USA party) that only the 7 USA seats may receive. Every delivery
frame is checked against the client's seat: a client must receive exactly the injects its seat
is given, each once, in a frame for its own seat (a frame anywhere else is a leak), and GET
/api/items/ID must agree for every seat. Also
measures control's input rate (actions/s at the API) and the server's memory per connected
client (RSS with N idle clients minus RSS before, over N). Prints a Markdown table.

Latency is the arrival of a delivery on the client's socket, stamped by the kernel
(SO_TIMESTAMPNS), so that this one Python process reading N sockets in turn does not add its own
reading time.

Server syscalls per delivery: the system calls every thread of the server enters from the first
round's POST to the last round's deliveries (`perf stat -e raw_syscalls:sys_enter`, counting only,
no trace), over the deliveries; "n/a" when perf cannot count them here.

Usage: bench_sse.py CAUCUS_BIN [N] [ROUNDS] [--row] [--threads T] [--profile CMD]
  --row: the table row without its header
  --threads T: the server runs with `--threads T` (a binary without the option fails)
  --profile CMD: runs CMD (split as the shell would, not run by one; {pid} is the server's) from the first round to the
    last, then sends it SIGINT, e.g. --profile 'strace -c -f -o /tmp/s.txt -p {pid}'"""
import http.client
import json
import os
import re
import resource
import selectors
import signal
import socket
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "http"))
from harness import free_port, start_serve  # noqa: E402

BIN = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 7
# --reading-client: read the sockets while the server fans out (as before), instead of staying off
# the CPU until the server is idle and then reading (latency is the kernel's arrival stamp either way)
QUIET = "--reading-client" not in sys.argv


def opt(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv[:-1] else None


THREADS = opt("--threads")
PROFILE = opt("--profile")
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, N + 512)), hard))


def cpu_ns(pid):
    """CPU time of every thread of process pid so far (ns; /proc/PID/task/*/schedstat)."""
    t = 0
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            t += int(open("/proc/%d/task/%s/schedstat" % (pid, task)).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that ended meanwhile
    return t


def wait_server_idle(pid, most):
    """Sleeps (off the CPU) until the server's CPU time has not grown by more than 1 ms in 20 ms, at
    most `most` seconds: the client then reads what arrived, stamped by the kernel on arrival, without
    taking a core from the server while it fans out."""
    end = time.time() + most
    last = cpu_ns(pid)
    while time.time() < end:
        time.sleep(0.02)
        now = cpu_ns(pid)
        if now - last < 1000000:
            return
        last = now


def rss_kib(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


work = tempfile.mkdtemp()
port = free_port()
codes_file = os.path.join(work, "codes.json")
out = open(os.path.join(work, "serve.out"), "w+")
srv = start_serve(BIN, ["scenarios/ncg-policy-ttx.yaml", "--db", os.path.join(work, "b.db"), "--codes", codes_file,
                        "--streams-per-session", str(N), "--join-per-min", "1000", "--max-per-ip", "0",
                        "--max-conns", str(N + 256)] + (["--threads", THREADS] if THREADS else []), port, out,
                  preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, N + 512)), hard)))
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

# The kernel stamps each segment as it arrives on a client's socket (SO_TIMESTAMPNS, Linux); a
# delivery's latency is its arrival there, so the time this one Python process takes to read
# 10,000 sockets one after another is not counted as the server's.
SO_TIMESTAMPNS = 35
sel = selectors.DefaultSelector()
clients = []
for i in range(N):
    sk = socket.create_connection(("127.0.0.1", port))
    seat = seats[i % len(seats)]
    sk.sendall(("GET /api/events?after=%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n\r\n" % (
        0, port, cookies[seat])).encode())
    sk.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sk.setblocking(False)
    st = {"sock": sk, "buf": b"", "seat": seat}
    clients.append(st)
    sel.register(sk, selectors.EVENT_READ, st)

DELIVERY = re.compile(rb'"type":"delivery"')
ITEM = re.compile(rb'"item":"([^"]+)"')
SEAT = re.compile(rb'"seat":"([^"]+)"')


def pump(until, want=None):
    """Reads every stream until the deadline, or until every client in want (a set of indexes)
    has the inject want_item. Each complete delivery frame is recorded in its client's "got"
    ({item: [(seat, time)]})."""
    while time.time() < until:
        for key, _ in sel.select(timeout=0.05):
            st = key.data
            try:
                chunk, anc, _, _ = st["sock"].recvmsg(65536, 64)
            except BlockingIOError:
                continue
            if not chunk:
                sel.unregister(st["sock"])
                st["closed"] = True
                continue
            now = time.time()
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
                    sec, nsec = struct.unpack("qq", data[:16])
                    now = sec + nsec / 1e9
            buf = st["buf"] + chunk
            end = buf.rfind(b"\n\n")
            if end >= 0:
                for frame in buf[:end].split(b"\n\n"):
                    if DELIVERY.search(frame):
                        m, ms = ITEM.search(frame), SEAT.search(frame)
                        if m:
                            st["got"].setdefault(m.group(1).decode(), []).append(
                                (ms.group(1).decode() if ms else "", now))
                buf = buf[end + 2:]
            st["buf"] = buf
        if want is not None and all(want[1] in clients[i]["got"] for i in want[0]):
            break


for st in clients:
    st["got"] = {}
    st["closed"] = False
pump(time.time() + 5.0)  # streams open and drain their history
time.sleep(1.0)
rss1 = rss_kib(srv.pid)
for st in clients:
    st["got"] = {}


def post(body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/api/input", body=json.dumps(body), headers={
        "Content-Type": "application/json", "Host": "127.0.0.1:%d" % port, "Cookie": ctl_cookie,
        "X-CSRF-Token": ctl_csrf})
    r = c.getresponse()
    j = json.loads(r.read())
    c.close()
    return r.status, j


# the clock runs, then stops: no scenario inject falls due during the rounds (an added inject
# without "at" is released at once, also while the clock is paused)
for a in ("start", "pause"):
    post({"do": a})
pump(time.time() + 1.0)
for st in clients:
    st["got"] = {}

# Addressed to all, REL TO ALLIANCE reaches the USA and KOR seats; the two EXCON seats are outside
# the alliance, so the label denies them. NOFORN keeps an item within its originator's nation: a
# USA seat sends the national round, addressed to its party.
usa = {k for k in seats if k.startswith("usa-")}
alliance = {k for k in seats if k.startswith("usa-") or k.startswith("kor-")}
ROUND_KINDS = [("alliance", "UNCLASSIFIED//REL TO ALLIANCE", "control", ["all"], alliance),
               ("USA only", "CONFIDENTIAL//NOFORN", "usa-intel", ["party:USA"], usa)]
lat = {"alliance": [], "USA only": []}
srv_cpu = []  # the server's CPU time per round (ms), from the POST to the last delivery read
cli_cpu = []  # this client's CPU time per round (ms)
missing = leaks = wrong_seat = dup = 0
missed_seats = set()
released = []


def start_counting(pid):
    """perf stat counting the server's system calls (all its threads), or None without perf."""
    if not shutil.which("perf"):
        return None
    f = os.path.join(work, "perf.txt")
    p = subprocess.Popen(["perf", "stat", "-x", ",", "-e", "raw_syscalls:sys_enter", "-p", str(pid), "-o", f],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)  # attached before the first POST
    return p if p.poll() is None else None


def stop_counting(p):
    """The count of start_counting's perf, or None."""
    if p is None:
        return None
    p.send_signal(signal.SIGINT)
    p.wait(timeout=30)
    for line in open(os.path.join(work, "perf.txt")):
        f = line.split(",")
        if len(f) > 2 and f[2].startswith("raw_syscalls:sys_enter") and f[0].strip().isdigit():
            return int(f[0])
    return None


counter = start_counting(srv.pid)
prof = subprocess.Popen([a.replace("{pid}", str(srv.pid)) for a in shlex.split(PROFILE)]) if PROFILE else None
if prof:
    time.sleep(1.0)  # attached before the first POST
for r in range(ROUNDS):
    kind, label, sender, to, readers = ROUND_KINDS[r % 2]
    iid = "B-%02d" % (r + 1)
    want = {i for i, st in enumerate(clients) if st["seat"] in readers}
    c0, u0 = cpu_ns(srv.pid), time.process_time()
    t0 = time.time()
    code, res = post({"do": "add", "inject": {"id": iid, "title": "Benchmark inject %d" % (r + 1),
                                               "body": "fan-out round %d (%s)" % (r + 1, kind),
                                               "label": label, "from": sender, "to": to,
                                               "channel": "message"}})
    if code != 200 or res.get("refused"):
        srv.send_signal(signal.SIGINT)
        srv.wait(timeout=60)
        sys.exit("bench_sse: control could not add %s: %s %s" % (iid, code, res))
    released.append((iid, kind, t0, want))
    if QUIET:
        wait_server_idle(srv.pid, 10.0)
    pump(t0 + 10.0, (want, iid))
    srv_cpu.append((cpu_ns(srv.pid) - c0) / 1e6)
    cli_cpu.append((time.process_time() - u0) * 1000.0)
    pump(time.time() + 0.3)  # a frame that should not come would come about now
    time.sleep(0.2)
if prof:
    prof.send_signal(signal.SIGINT)
    prof.wait(timeout=60)
syscalls = stop_counting(counter)
pump(time.time() + 1.0)
# the same rule on another path out: each seat may GET /api/items/ID exactly when it should get it
disagree = 0
for iid, kind, t0, want in released:
    readers = ROUND_KINDS[0 if kind == "alliance" else 1][4]
    for seat in seats:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", "/api/items/" + iid, headers={"Host": "127.0.0.1:%d" % port, "Cookie": cookies[seat]})
        st_code = c.getresponse().status
        c.close()
        disagree += (st_code == 200) != (seat in readers)
for iid, kind, t0, want in released:
    for i, st in enumerate(clients):
        got = st["got"].get(iid, [])
        if i in want:
            if not got:
                missing += 1
                missed_seats.add(st["seat"])
                continue
            lat[kind].append((got[0][1] - t0) * 1000.0)
            dup += len(got) - 1
            wrong_seat += sum(1 for seat, _ in got if seat != st["seat"])
        else:
            leaks += len(got)

# API throughput: control notes, sequential, each durable before the answer
t0 = time.time()
K = 200
for i in range(K):
    post({"do": "note", "text": "load note %d" % i})
api_rate = K / (time.time() - t0)

def pct(v, q):
    return v[min(len(v) - 1, int(len(v) * q))] if v else float("nan")


every = sorted(lat["alliance"] + lat["USA only"])
per_client = (rss1 - rss0) / max(1, N)
srv.send_signal(signal.SIGINT)
srv.wait(timeout=60)
if "--row" not in sys.argv:
    print("| clients | injects | deliveries | missed | wrong (leaked, other seat, twice) | fan-out p50 ms | p99 ms | max ms | "
          "alliance rounds p50 / p99 ms | USA-only rounds p50 / p99 ms | KiB per idle client | control actions/s | "
          "server CPU µs per delivery | server / client CPU ms per alliance round | server syscalls per delivery |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
a, u = sorted(lat["alliance"]), sorted(lat["USA only"])
srv_a = [srv_cpu[r] for r in range(ROUNDS) if r % 2 == 0]
cli_a = [cli_cpu[r] for r in range(ROUNDS) if r % 2 == 0]
print("| %d | %d | %d | %d | %d | %.1f | %.1f | %.1f | %.1f / %.1f | %.1f / %.1f | %.1f | %.0f | %.1f | %.0f / %.0f | %s |" % (
    N, ROUNDS, len(every), missing, leaks + wrong_seat + dup, statistics.median(every) if every else float("nan"),
    pct(every, 0.99), every[-1] if every else float("nan"), statistics.median(a) if a else float("nan"),
    pct(a, 0.99), statistics.median(u) if u else float("nan"), pct(u, 0.99), per_client, api_rate,
    sum(srv_cpu) * 1000.0 / max(1, len(every)), statistics.median(srv_a), statistics.median(cli_a),
    "%.2f" % (syscalls / max(1, len(every))) if syscalls is not None else "n/a"))
if missing or leaks or wrong_seat or dup or disagree:
    print("bench_sse: %d missed, %d leaked to seats not given the inject, %d in a frame for another seat, "
          "%d duplicated, %d item answers against the rule; seats that missed one: %s" % (
              missing, leaks, wrong_seat, dup, disagree,
                                                    ", ".join(sorted(missed_seats)) or "none"), file=sys.stderr)
    sys.exit(1)
