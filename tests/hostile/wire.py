#!/usr/bin/env python3
"""Raw-socket client for the HTTP cases of the hostile-input catalogue (tests/hostile/README.md),
standard library only. Every network wait is bounded.

  wire.py join PORT CODE            -> "COOKIE CSRF" of a new session (exit 1 when refused)
  wire.py post PORT COOKIE CSRF PATH J -> POSTs J to PATH; prints the status
  wire.py send PORT                 -> sends the request on stdin (escapes and macros below),
                                       prints "STATUS n", "CODE c" (the JSON error code, if
                                       any), then the raw response
  wire.py slow PORT MODE            -> holds hostile slow connections open while other
                                       clients ask for /healthz; prints "SERVED k/n"
  wire.py sse PORT COOKIE LAST      -> reads /api/events with Last-Event-ID: LAST for 1.5 s;
                                       prints "STATUS n" and the frames

Request text: Python-style escapes (\\r \\n \\x00 \\t \\\\), then macros @PORT@, @COOKIE@, @CSRF@
(control's session), @SCOOKIE@, @SCSRF@ (seat usa-chair's), @KCOOKIE@, @KCSRF@ (seat kor-chair's), from
the environment, @KCODE@ (kor-chair's join code), @DEADCOOKIE@ and @DEADCSRF@ (a session that
logged out), @RPT N TEXT@ = TEXT repeated N times (TEXT without '@'), and @LEN@ = the length of
the body after the blank line."""
import json
import os
import re
import socket
import sys
import threading
import time

HOST = "127.0.0.1"


def expand(text):
    for name in ("PORT", "COOKIE", "CSRF", "SCOOKIE", "SCSRF", "KCOOKIE", "KCSRF", "KCODE", "DEADCOOKIE", "DEADCSRF"):
        text = text.replace("@%s@" % name, os.environ.get("H_" + name, ""))
    text = re.sub(r"@RPT (\d+) ([^@]*)@", lambda m: m.group(2) * int(m.group(1)), text)
    data = text.encode("utf-8").decode("unicode_escape").encode("latin-1")
    head, sep, body = data.partition(b"\r\n\r\n")
    return head.replace(b"@LEN@", str(len(body)).encode()) + sep + body


def exchange(port, data, timeout=5.0):
    """Sends data, reads one response (by Content-Length) or until close; bounded by timeout."""
    s = socket.create_connection((HOST, port), timeout=timeout)
    end = time.time() + timeout
    try:
        s.sendall(data)
    except OSError:
        pass  # the server may close early (a too-large body); read what it said
    buf = b""
    while time.time() < end:
        try:
            s.settimeout(max(0.05, end - time.time()))
            chunk = s.recv(65536)
        except (socket.timeout, OSError):
            break
        if not chunk:
            break
        buf += chunk
        head, sep, body = buf.partition(b"\r\n\r\n")
        if sep:
            m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            if m and len(body) >= int(m.group(1)):
                break
    s.close()
    return buf


def status_of(resp):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", resp)
    return int(m.group(1)) if m else None


def code_of(resp):
    body = resp.partition(b"\r\n\r\n")[2]
    try:
        j = json.loads(body)
        return j.get("code") if isinstance(j, dict) else None
    except ValueError:
        return None


def post(port, path, body, cookie=None, csrf=None):
    hdr = "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % (
        path, HOST, port, len(body))
    if cookie:
        hdr += "Cookie: %s\r\n" % cookie
    if csrf:
        hdr += "X-CSRF-Token: %s\r\n" % csrf
    return exchange(port, (hdr + "Connection: close\r\n\r\n").encode() + body)


def healthz(port, timeout=2.0):
    r = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout)
    return status_of(r) == 200


def slow(port, mode):
    """Hostile slow clients in threads; the main thread checks that others are still served."""
    stop = threading.Event()
    socks = []

    def trickle(first, step, n):
        try:
            s = socket.create_connection((HOST, port), timeout=2)
            socks.append(s)
            s.sendall(first)
            for i in range(n):
                if stop.wait(0.2):
                    return
                s.sendall(step % i if b"%d" in step else step)
        except OSError:
            return  # cut off by the server: also fine

    threads = []
    if mode == "headers":  # slowloris: one header line every 200 ms, never the blank line
        for _ in range(20):
            threads.append(threading.Thread(target=trickle, args=(
                b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X-Pad-%d: x\r\n", 25)))
    elif mode == "body":  # slow POST: a large Content-Length, one byte every 200 ms
        for _ in range(20):
            threads.append(threading.Thread(target=trickle, args=(
                b"POST /api/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 60000\r\n\r\n{", b" ", 25)))
    elif mode == "idle":  # many connections that send nothing at all
        for _ in range(100):
            threads.append(threading.Thread(target=trickle, args=(b"", b"", 25)))
    elif mode == "partial-line":  # a request line that never ends
        for _ in range(20):
            threads.append(threading.Thread(target=trickle, args=(b"GET /", b"a", 25)))
    else:
        print("unknown mode")
        return 2
    for t in threads:
        t.start()
    time.sleep(0.5)
    served = 0
    n = 8
    for _ in range(n):
        if healthz(port):
            served += 1
        time.sleep(0.25)
    stop.set()
    for t in threads:
        t.join(5)
    for s in socks:
        s.close()
    print("SERVED %d/%d" % (served, n))
    return 0


def sse(port, cookie, last):
    hdr = "GET /api/events HTTP/1.1\r\nHost: %s:%d\r\nCookie: %s\r\nAccept: text/event-stream\r\n" % (HOST, port, cookie)
    if last != "-":
        hdr += "Last-Event-ID: %s\r\n" % last
    s = socket.create_connection((HOST, port), timeout=2)
    s.sendall((hdr + "\r\n").encode())
    buf = b""
    end = time.time() + 1.5
    while time.time() < end:
        try:
            s.settimeout(max(0.05, end - time.time()))
            chunk = s.recv(65536)
        except (socket.timeout, OSError):
            break
        if not chunk:
            break
        buf += chunk
    s.close()
    print("STATUS %s" % status_of(buf))
    print("FRAMES %d" % len(re.findall(rb"\nid: \d+\n", b"\n" + buf)))
    sys.stdout.write(buf.decode("utf-8", "replace"))
    return 0


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    cmd, port = argv[1], int(argv[2])
    if cmd == "join":
        r = post(port, "/api/join", json.dumps({"code": argv[3]}).encode())
        m = re.search(rb"(?i)\r\nset-cookie: *((?:__Host-)?caucus_session=[0-9a-f]+)", r)
        if status_of(r) != 200 or not m:
            print("join refused: %r" % r[:200])
            return 1
        print(m.group(1).decode(), json.loads(r.partition(b"\r\n\r\n")[2])["csrf"])
        return 0
    if cmd == "post":
        r = post(port, argv[5], argv[6].encode(), argv[3], argv[4])
        print("STATUS %s" % status_of(r))
        return 0
    if cmd == "send":
        r = exchange(port, expand(sys.stdin.read()))
        print("STATUS %s" % status_of(r))
        print("CODE %s" % code_of(r))
        sys.stdout.write(r.decode("utf-8", "replace"))
        return 0
    if cmd == "slow":
        return slow(port, argv[3])
    if cmd == "sse":
        return sse(port, argv[3], argv[4])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
