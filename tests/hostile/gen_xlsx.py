#!/usr/bin/env python3
"""Builds hostile workbooks for the catalogue (tests/hostile/README.md) from a sound one (caucus's
own export), with Python's zipfile: exact members, exact bytes, nothing downloaded.
Usage: gen_xlsx.py MODE SRC.xlsx OUT.xlsx [ARG]."""
import struct
import sys
import zipfile

SHEET = "xl/worksheets/sheet1.xml"


def members(src):
    with zipfile.ZipFile(src) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def write(out, items, big=None):
    """items: (name, bytes); big: (name, head, filler byte, count, tail) streamed in chunks."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in items:
            if big and name == big[0]:
                zi = zipfile.ZipInfo(name)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.file_size = len(big[1]) + (big[3] >> 20 << 20) + len(big[4])
                with z.open(zi, "w", force_zip64=zi.file_size >= 1 << 32) as f:
                    f.write(big[1])
                    chunk = big[2] * (1 << 20)
                    for _ in range(big[3] >> 20):
                        f.write(chunk)
                    f.write(big[4])
                continue
            z.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)


def patch_flag(out, name, bit):
    """Sets a general-purpose flag bit of member name in its local and central headers."""
    b = bytearray(open(out, "rb").read())
    n = name.encode()
    for sig, flag_off, name_off, len_off in ((b"PK\x03\x04", 6, 30, 26), (b"PK\x01\x02", 8, 46, 28)):
        i = b.find(sig)
        while i >= 0:
            ln = struct.unpack_from("<H", b, i + len_off)[0]
            if b[i + name_off:i + name_off + ln] == n:
                f = struct.unpack_from("<H", b, i + flag_off)[0] | (1 << bit)
                struct.pack_into("<H", b, i + flag_off, f)
            i = b.find(sig, i + 4)
    open(out, "wb").write(bytes(b))


def patch_size(out, name, size):
    """Writes a false uncompressed size for member name in its local and central headers."""
    b = bytearray(open(out, "rb").read())
    n = name.encode()
    for sig, size_off, name_off, len_off in ((b"PK\x03\x04", 22, 30, 26), (b"PK\x01\x02", 24, 46, 28)):
        i = b.find(sig)
        while i >= 0:
            ln = struct.unpack_from("<H", b, i + len_off)[0]
            if b[i + name_off:i + name_off + ln] == n:
                struct.pack_into("<I", b, i + size_off, size)
            i = b.find(sig, i + 4)
    open(out, "wb").write(bytes(b))


def main():
    mode, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
    arg = sys.argv[4] if len(sys.argv) > 4 else None
    items = members(src)
    get = dict(items)
    sheet = get[SHEET]
    if mode == "bomb":  # the sheet followed by ARG MiB of spaces: a few hundred KiB packed
        write(out, items, (SHEET, sheet, b" ", int(arg) << 20, b""))
        return
    if mode == "bomb-lie":  # the same, its headers claiming 4,000 bytes
        write(out, items, (SHEET, sheet, b" ", int(arg) << 20, b""))
        patch_size(out, SHEET, 4000)
        return
    if mode == "laughs":  # billion laughs in the sheet
        dtd = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
            b'<!ENTITY lol%d "%s">' % (k, (b"&lol%s;" % (str(k - 1).encode() if k > 1 else b"")) * 10)
            for k in range(1, 10)) + b"]>"
        sheet = dtd + sheet.split(b"?>", 1)[1].replace(b"<sheetData>", b"<sheetData>&lol9;", 1)
    elif mode == "xxe":  # an external entity naming a local file
        sheet = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
                 sheet.split(b"?>", 1)[1].replace(b"</sheetData>",
                                                  b'<row r="900"><c r="A900" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>'))
    elif mode == "member":  # an extra member with the name ARG
        items.append((arg, b"#!/bin/sh\necho pwned\n"))
    elif mode == "dims":  # a cell at XFD1048576 under an absurd dimension
        sheet = sheet.replace(b"</sheetData>",
                              b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
        sheet = sheet.replace(b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="', 1)
    elif mode == "dims-only":  # only the dimension is absurd
        sheet = sheet.replace(b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="', 1)
    elif mode == "members":  # ARG extra empty members
        items += [("xl/media/pad%d.bin" % k, b"") for k in range(int(arg))]
    elif mode == "strings":  # ARG more shared strings than the limit allows, each tiny
        ss = get["xl/sharedStrings.xml"]
        ss = ss.replace(b"</sst>", b"<si><t>x</t></si>" * int(arg) + b"</sst>")
        items = [(n, ss if n == "xl/sharedStrings.xml" else d) for n, d in items]
    elif mode == "deep":  # elements nested ARG deep
        sheet = sheet.replace(b"<sheetData>", b"<x>" * int(arg) + b"</x>" * int(arg) + b"<sheetData>", 1)
    elif mode == "bigcell":  # an inline string cell of ARG MiB
        sheet = sheet.replace(b"</sheetData>", b'<row r="900"><c r="A900" t="inlineStr"><is><t>' +
                              b"a" * (int(arg) << 20) + b"</t></is></c></row></sheetData>")
    elif mode == "encrypted":  # the sheet marked as encrypted (traditional PKWARE)
        write(out, items)
        patch_flag(out, SHEET, 0)
        return
    elif mode == "crc":  # one byte of the packed sheet flipped
        write(out, items)
        b = bytearray(open(out, "rb").read())
        with zipfile.ZipFile(out) as z:
            info = z.getinfo(SHEET)
        at = info.header_offset + 30 + len(SHEET) + info.compress_size // 2
        b[at] ^= 0x55
        open(out, "wb").write(bytes(b))
        return
    elif mode == "nested-zip":  # a workbook whose sheet is itself a zip archive
        sheet = open(src, "rb").read()
    else:
        sys.exit("gen_xlsx.py: unknown mode " + mode)
    items = [(n, sheet if n == SHEET else d) for n, d in items]
    write(out, items)


main()
