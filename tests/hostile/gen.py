#!/usr/bin/env python3
"""Builds hostile inputs for the catalogue (tests/hostile/README.md) from a sound file, so that
the case files stay small and the bytes are exact. Usage: gen.py MODE SRC OUT [ARGS...].
Strings in ARGS take Python escapes (\\n, \\t, \\x00, \\xc0)."""
import codecs
import sys


def esc(s):
    return codecs.escape_decode(s.encode("utf-8"))[0]


def main():
    mode, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
    args = sys.argv[4:]
    data = open(src, "rb").read()
    if mode == "replace":  # replace OLD NEW [COUNT]: OLD must occur
        old, new = esc(args[0]), esc(args[1])
        if old not in data:
            sys.exit("gen.py: %r not in %s" % (old, src))
        data = data.replace(old, new, int(args[2]) if len(args) > 2 else -1)
    elif mode == "line":  # line N NEW: replaces line N (1-based) of a text file
        lines = data.split(b"\n")
        lines[int(args[0]) - 1] = esc(args[1])
        data = b"\n".join(lines)
    elif mode == "append":
        data += esc(args[0]) + b"\n"
    elif mode == "prepend":
        data = esc(args[0]) + data
    elif mode == "alias-bomb":  # nine levels of nine aliases each: 387,420,489 strings expanded
        bomb = b'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        for i in range(8):
            p, c = chr(97 + i), chr(98 + i)
            bomb += ("%s: &%s [%s]\n" % (c, c, ",".join(["*" + p] * 9))).encode()
        data = bomb + data
    elif mode == "merge":
        data = data.replace(b"exercise:\n", b"base: &b {id: x}\nexercise:\n  <<: *b\n", 1)
    elif mode == "deep-flow":
        data += b"x: " + b"[" * 10000 + b"]" * 10000 + b"\n"
    elif mode == "deep-block":
        data = data.replace(b"caucus: 1\n", b"caucus: 1\nnotes:\n" + b"".join(b"  " * i + b"k:\n" for i in range(1, 200)), 1)
    elif mode == "utf16":
        data = data.decode("utf-8").encode("utf-16")
    elif mode == "binary":
        data = bytes(range(256)) * 16
    elif mode == "many-injects":  # 10^5 injects no seat may read (no REL TO: originator only)
        extra = b"".join(b"  - {id: J-%d, title: t, label: UNCLASSIFIED, from: control, to: [usa-chair], at: +1h}\n" % i
                         for i in range(100000))
        data = data.replace(b"decisions:\n", extra + b"decisions:\n", 1)
    elif mode == "big":  # big N: pads with a comment line of N MiB
        data += b"#" + b"x" * (int(args[0]) << 20) + b"\n"
    elif mode == "csv-rows":  # csv-rows N: N well-formed MSEL rows after the header of SRC
        head = data.split(b"\n")[0]
        data = head + b"\n" + b"".join(b"J-%d,+1h,,T,,control,usa-chair,message,,,,,SECRET//REL TO USA,,,,,\n" % i
                                       for i in range(int(args[0])))
    elif mode == "swap":  # swap I J: swaps lines I and J (0-based)
        lines = data.split(b"\n")
        i, j = int(args[0]), int(args[1])
        lines[i], lines[j] = lines[j], lines[i]
        data = b"\n".join(lines)
    elif mode == "insert-line":  # insert-line N TEXT: TEXT becomes line N (0-based)
        lines = data.split(b"\n")
        lines.insert(int(args[0]), esc(args[1]))
        data = b"\n".join(lines)
    elif mode == "flip-hash":  # flip-hash N: changes one hex digit of line N's "hash" (to another hex digit)
        lines = data.split(b"\n")
        line = bytearray(lines[int(args[0])])
        at = line.index(b'"hash":"') + len(b'"hash":"') + 2
        line[at] = ord("1") if line[at] == ord("0") else ord("0")
        lines[int(args[0])] = bytes(line)
        data = b"\n".join(lines)
    else:
        sys.exit("gen.py: unknown mode " + mode)
    open(out, "wb").write(data)


if __name__ == "__main__":
    main()
