#!/usr/bin/env python3
"""Regenerate the committed seed corpora of the fuzz targets (tests/fuzz/corpus/).

A maintainer tool, not part of the build or the tests: run it from the top of
the tree after the recorded inputs it reads change, review the diff, commit.

  tests/fuzz/seeds/mkseeds.py

Sources (all real inputs, see tests/fuzz/README.md):
  tests/data/rpc/*.txt     OpenOCD 0.12 Tcl RPC transcripts (recorded against h7sim)
                           -> tcl_list (each reply frame), rpc_reply (each session's
                              server stream), snapcap (the capture script's result)
  examples/*.json          reports written by the tool (decode, run) -> report_json
  tests/data/svd/mini.svd  -> svd (plus excerpts cut from it)
  tests/fuzz/seeds/tiny.c  -> elf (built with arm-none-eabi-gcc: DWARF 5, DWARF 4,
                              zlib-compressed debug sections, no debug info)
  the H7 ROM bootloader's descriptors and alt names (tests/unit/test_dfuse.c,
  ../shared/notes/domain.md) -> usb_desc, dfuse_layout
Files it does not write are left alone (delete stale ones by hand). Committed
as they are, not written here: the simctl_line and sim_ctl seeds (a session
recorded from h7sim's control socket, and the commands sent in it) and the
report_json snapshot-*.json (`h7jumpdiag snapshot --board sim [--core cm4] -f json`).
"""
import glob
import os
import re
import struct
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CORPUS = os.path.join(TOP, "tests", "fuzz", "corpus")


def unescape(s):
    """Transcript escapes (tests/common/rpc_fake.h): \\\\ \\n \\r \\t \\xHH."""
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x":
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"\\": b"\\", "n": b"\n", "r": b"\r", "t": b"\t"}.get(n, ("\\" + n).encode())
            i += 2
            continue
        out += c.encode()
        i += 1
    return bytes(out)


def frames(path):
    with open(path, encoding="utf-8") as f:
        return [unescape(l[2:].rstrip("\n")) for l in f if l.startswith("< ")]


def tcl_split2(b):
    """'0 {payload}' -> payload (only what the recorded captures look like)."""
    code, rest = b.split(b" ", 1)
    assert code == b"0" and rest.startswith(b"{") and rest.endswith(b"}"), b[:40]
    return rest[1:-1]


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def rpc():
    seen = set()
    for path in sorted(glob.glob(os.path.join(TOP, "tests", "data", "rpc", "*.txt"))):
        base = os.path.splitext(os.path.basename(path))[0]
        fr = frames(path)
        put("rpc_reply", base + "-session", b"\x1a".join(fr) + b"\x1a")
        for i, f in enumerate(fr):
            if f in seen:
                continue
            seen.add(f)
            put("tcl_list", "%s-%02d" % (base, i), f)
            # the snapshot capture's reply: the core's state, then "code result" per item
            if re.match(rb"0 \{[a-z-]+ \{0 \{", f):
                put("snapcap", "%s-%02d" % (base, i), tcl_split2(f))
    # list syntax the recordings lack: quoted words, backslash escapes, nested braces
    put("tcl_list", "syntax", b'a\\x41 {b {c d}} "e\\n\\101\\u00e9" {} \\{ f\\\ng')


def reports():
    # decode reports, and a run report (`decode --report` reads its faults' snapshots)
    for path in sorted(glob.glob(os.path.join(TOP, "examples", "decode-*.json")) +
                       [os.path.join(TOP, "examples", "run-seed.json")]):
        with open(path, "rb") as f:
            put("report_json", os.path.basename(path), f.read())


def svd():
    with open(os.path.join(TOP, "tests", "data", "svd", "mini.svd"), "rb") as f:
        mini = f.read()
    put("svd", "mini.svd", mini)
    # small documents the parser accepts and refuses
    put("svd", "one-register.svd", b'<device><name>X</name><peripherals><peripheral><name>P</name>'
        b'<baseAddress>0x40000000</baseAddress><registers><register><name>R</name><addressOffset>4</addressOffset>'
        b'<size>16</size></register></registers></peripheral></peripherals></device>\n')
    put("svd", "no-peripherals.svd", b'<?xml version="1.0"?>\n<device><name>X</name><peripherals/></device>\n')
    put("svd", "doctype.svd", b'<?xml version="1.0"?>\n<!DOCTYPE device [<!ENTITY e "x">]>\n<device>&e;</device>\n')


def elf():
    cc = "arm-none-eabi-gcc"
    flags = ["-mcpu=cortex-m7", "-mthumb", "-Os", "-ffreestanding", "-nostdlib", "-nostartfiles",
             "-Wall", "-Wextra", "-Werror", "-Wl,-n", "-T", os.path.join(TOP, "tests", "fuzz", "seeds", "tiny.ld")]
    src = os.path.join(TOP, "tests", "fuzz", "seeds", "tiny.c")
    with tempfile.TemporaryDirectory() as tmp:
        def build(name, g):
            out = os.path.join(tmp, name)
            # relative source path and a fixed comp_dir: the seed does not depend on where it was built
            subprocess.check_call([cc] + flags + [g, "-fdebug-prefix-map=%s=/src" % TOP,
                                                  "-o", out, os.path.relpath(src, TOP)], cwd=TOP)
            return out
        e5 = build("tiny.elf", "-g")
        e4 = build("tiny-dwarf4.elf", "-gdwarf-4")
        z = os.path.join(tmp, "tiny-zlib.elf")
        subprocess.check_call(["arm-none-eabi-objcopy", "--compress-debug-sections=zlib", e5, z])
        nd = os.path.join(tmp, "tiny-nodebug.elf")
        subprocess.check_call(["arm-none-eabi-strip", "-g", e5, "-o", nd])
        for p in (e5, e4, z, nd):
            with open(p, "rb") as f:
                put("elf", os.path.basename(p), f.read())


# The STM32H7 ROM bootloader's DFU device (tests/unit/test_dfuse.c rom_hex,
# ../shared/notes/domain.md "DFU device"): device + configuration descriptors.
ROM_DEV = bytes.fromhex("1201000200000040830411DF000201020301")
ROM_CFG = bytes.fromhex("09023600010100C032" "0904000000FE01020409040001" "00FE0102050904000200FE0102060904000300FE010207"
                        "09210BFF0000041A01")
ROM_ALTS = ["@Internal Flash   /0x08000000/16*128Kg", "@Option Bytes   /0x5200201C/01*128 e"]


def strdesc(s, cut=None):
    u = s.encode("utf-16-le")
    d = bytes([2 + len(u), 3]) + u
    return d[:cut] if cut else d


def rec(b):
    return struct.pack("<H", len(b)) + b


def usb():
    status_ok = bytes([0, 0, 0, 0, 2, 0])
    strings = [strdesc("STMicroelectronics"), strdesc("DFU in FS Mode"), strdesc("200364500000")]
    alts = [strdesc(a) for a in ROM_ALTS] + [strdesc("DFU Flash")]
    put("usb_desc", "h7-rom", b"".join(rec(x) for x in [ROM_DEV, ROM_CFG, status_ok] + strings + alts))
    # the alt 0 name cut after 25 characters (a ROM quirk the watcher warns about), dfuERROR status
    cut = [strdesc(ROM_ALTS[0], 2 + 2 * 25)] + alts[1:]
    put("usb_desc", "h7-rom-cut-alt0",
        b"".join(rec(x) for x in [ROM_DEV, ROM_CFG, bytes([0x0A, 0, 0, 0, 10, 0])] + strings + cut))
    for i, a in enumerate(ROM_ALTS + ["@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg/0x08100000/2*1Ma"]):
        put("dfuse_layout", "alt-%d" % i, a.encode())


def main():
    rpc()
    reports()
    svd()
    elf()
    usb()
    print("seeds written under", os.path.relpath(CORPUS, os.getcwd()))


if __name__ == "__main__":
    sys.exit(main())
