#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The mpflow command as a user meets it: exit codes, messages, formats,
standard input, damaged files. usage: cli_test.py MPFLOW DATA_DIR"""
import csv, io, json, os, struct, subprocess, sys, tempfile

MPFLOW, DATA = sys.argv[1], sys.argv[2]
CAP = os.path.join(DATA, "kernel", "v1-3paths-signal-loss", "capture.pcap")
failures = []


def run(*args, stdin=None):
    return subprocess.run([MPFLOW, *args], input=stdin, capture_output=True, timeout=120)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def text(b):
    return b.decode("utf-8", "replace")


# --help, --version, usage errors
r = run("--help")
check(r.returncode == 0 and b"summary" in r.stdout and b"frames" in r.stdout, "--help")
r = run("--version")
check(r.returncode == 0 and text(r.stdout).startswith("mpflow "), "--version")
for args, why in [((), "no command"), (("nonsense", CAP), "unknown command"),
                  (("summary",), "no file"), (("summary", "-f", "xml", CAP), "bad format"),
                  (("summary", "-f", "csv", CAP), "summary has no csv"),
                  (("summary", CAP, CAP), "two files"), (("frames", "--disable", "quic", CAP), "bad backend"),
                  (("summary", "--bogus", CAP), "unknown option")]:
    r = run(*args)
    check(r.returncode == 2 and r.stderr and not r.stdout, "usage error exits 2: " + why)

# JSON summary: the contract
r = run("summary", "--format", "json", CAP)
check(r.returncode == 0, "summary json exit 0")
doc = json.loads(r.stdout)
check(doc["capture"] == CAP and doc["frames"] == 4340, "summary json capture/frames")
check(len(doc["nodes"]) == 2, "two connections")
for n in doc["nodes"]:
    check(set(["id", "protocol", "first_frame", "last_frame", "flows", "mptcp"]) <= set(n), "node keys")
    m = n["mptcp"]
    check(m["version"] == 1 and m["fallback"] is False, "node mptcp version/fallback")
    for side in ("client", "server"):
        s = m[side]
        check(len(s["key"]) == 16 and len(s["token"]) == 8 and len(s["idsn"]) == 16, "hex widths")
        check(s["key"] == s["key"].lower(), "lowercase hex")
    for f in n["flows"]:
        check(set(["id", "src", "sport", "dst", "dport", "role", "established", "first_frame",
                   "last_frame", "packets", "bytes"]) <= set(f), "flow keys")
        check(f["role"] in ("initial", "join", "unknown"), "flow role")
check(doc["nodes"][0]["mptcp"]["client"]["token"] == "76b27e7a", "kernel's client token")

# options may follow the file; --format= form
r2 = run("summary", CAP, "--format=json")
check(r2.returncode == 0 and json.loads(r2.stdout) == doc, "options after the file")

# text summary is for people
r = run("summary", CAP)
check(r.returncode == 0 and b"node 0  mptcp v1" in r.stdout and b"token 76b27e7a" in r.stdout, "text summary")

# frames CSV: header and rows
r = run("frames", "--format", "csv", CAP)
rows = list(csv.DictReader(io.StringIO(text(r.stdout))))
check(r.returncode == 0 and len(rows) == 4340, "frames csv rows")
for col in ("frame", "protocol", "node", "flow", "dsn", "dack", "mapping_frame"):
    check(col in rows[0], "csv column " + col)
with_dsn = [x for x in rows if x["dsn"]]
check(len(with_dsn) > 1000 and all(x["mapping_frame"] for x in with_dsn), "dsn rows have a mapping frame")
check(rows[0]["node"] == "0" and rows[0]["protocol"] == "mptcp", "first frame in node 0")

# reinjections are linked both ways: a row waits until no later frame can
# change it, with --stream too (which bounds the rows waiting)
byn = {int(x["frame"]): x for x in rows}
check(byn[2308]["reinjection_of"] == "117" and byn[117]["reinjected_in"] == "2308",
      "reinjection links both ways")
check("reinjection" in byn[2308]["flags"].split("|"), "reinjection flag")
r = run("frames", "--format", "csv", "--stream", CAP)
srows = {int(x["frame"]): x for x in csv.DictReader(io.StringIO(text(r.stdout)))}
check(r.returncode == 0 and srows[2308]["reinjection_of"] == "117" and srows[117]["reinjected_in"] == "2308",
      "--stream")
check(srows == byn, "--stream gives the same rows")

# summary --stream: the same nodes; a capture played twice, an hour apart,
# releases the first play's nodes (ended or idle) before the second's
r = run("summary", "--stream", "--format", "json", CAP)
sdoc = json.loads(r.stdout)
check(r.returncode == 0 and sdoc["released"] == [], "summary --stream: nothing to release")
check([n["mptcp"]["client"]["token"] for n in sdoc["nodes"]] ==
      [n["mptcp"]["client"]["token"] for n in doc["nodes"]], "summary --stream: same nodes")
check(run("summary", "--memory-cap", "4", CAP).returncode == 2, "--memory-cap needs --stream")
check(run("summary", "-s", "--idle-timeout", "x", CAP).returncode == 2, "bad --idle-timeout")


def replayed(path, shift):
    """@path's records, then the same again @shift seconds later."""
    raw = open(path, "rb").read()
    head, recs, off = raw[:24], [], 24
    endian = "<" if raw[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    while off + 16 <= len(raw):
        sec, sub, incl, orig = struct.unpack(endian + "IIII", raw[off:off + 16])
        recs.append((sec, sub, raw[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    out = [head]
    for k in (0, shift):
        for sec, sub, data, orig in recs:
            out.append(struct.pack(endian + "IIII", sec + k, sub, len(data), orig) + data)
    return b"".join(out)


with tempfile.TemporaryDirectory() as tmp:
    twice = os.path.join(tmp, "twice.pcap")
    one = os.path.join(DATA, "kernel", "v1-checksum", "capture.pcap")  # classic pcap
    open(twice, "wb").write(replayed(one, 3600))
    r = run("summary", "--stream", "--format", "json", twice)
    tdoc = json.loads(r.stdout)
    check(r.returncode == 0 and len(tdoc["nodes"]) == 2, "played twice: two nodes")
    check(sorted(x["id"] for x in tdoc["released"]) == [0] and
          all(x["reason"] in ("ended", "idle") for x in tdoc["released"]),
          "played twice: the first play's nodes released")
    check(tdoc["counters"]["released"] == 1 and tdoc["counters"]["evicted"] == 0,
          "played twice: counters")
    r = run("summary", "--stream", twice)
    check(r.stdout.count(b"released: ") == 1 and b"released 1" in r.stdout,
          "played twice: text says what was released")


# the analysis in depth, in the summary
m0 = doc["nodes"][0]["mptcp"]
check(m0["end"] == "data_fin" and m0["end_frame"] == 4325, "how it ended")
check(m0["s2c"]["reinjections"] == 23 and m0["checks"]["join_hmac"]["ok"] == 4, "stats and checks")
check(len(m0["addresses"]) == 2 and m0["addresses"][0]["hmac"] == "ok", "addresses")
check(all("share" in f["rev"] for f in doc["nodes"][0]["flows"]), "flow share")
check(abs(sum(f["rev"]["share"] for f in doc["nodes"][0]["flows"]) - 1.0) < 0.01, "shares add up")

# frames JSON parses and agrees with CSV
r = run("frames", "--format", "json", CAP)
fj = json.loads(r.stdout)
check(len(fj["frames"]) == len(rows), "frames json rows")
check(all(str(a["dsn"] if a["dsn"] is not None else "") == b["dsn"] for a, b in zip(fj["frames"], rows)),
      "json dsn equals csv dsn")

# text frames
r = run("frames", CAP)
check(r.returncode == 0 and len(r.stdout.splitlines()) == 4341, "text frames: header + rows")

# --all lists frames without a node; --disable switches the backend off
plain = os.path.join(DATA, "public", "tcpdump-mptcp-fclose.pcap")
check(len(run("frames", "-f", "csv", plain).stdout.splitlines()) == 1 + 9, "frames: only those in a node")
check(len(run("frames", "-f", "csv", "--all", plain).stdout.splitlines()) == 1 + 11, "frames --all")
off = json.loads(run("summary", "-f", "json", "--disable", "mptcp", CAP).stdout)
check(off["nodes"] == [] and off["counters"]["backend_off"] == 4340, "--disable mptcp")

# standard input
with open(CAP, "rb") as fh:
    r = run("summary", "--format", "json", "-", stdin=fh.read())
d2 = json.loads(r.stdout)
check(r.returncode == 0 and d2["nodes"] == doc["nodes"] and d2["capture"] == "(standard input)", "stdin")

with tempfile.TemporaryDirectory() as tmp:
    # missing file, not a capture, empty file
    for name, content in (("missing.pcap", None), ("notes.txt", b"hello, this is not a capture\n" * 4),
                          ("empty.pcap", b"")):
        p = os.path.join(tmp, name)
        if content is not None:
            open(p, "wb").write(content)
        r = run("summary", p)
        check(r.returncode == 1 and p.encode() in r.stderr and len(r.stderr.splitlines()) == 1,
              "one-line error naming the file: " + name)
    # a file cut in the middle of a record: what came before is still analysed
    data = open(CAP, "rb").read()
    cut = os.path.join(tmp, "cut.pcap")
    open(cut, "wb").write(data[: len(data) // 2 + 7])
    r = run("summary", "--format", "json", cut)
    check(r.returncode == 1, "cut file exits 1")
    check(b"frame " in r.stderr and cut.encode() in r.stderr, "cut file: message names file and frame")
    part = json.loads(r.stdout)
    check(part["frames"] > 1000 and len(part["nodes"]) >= 1, "cut file: analysis before the cut printed")
    r = run("frames", "--format", "json", cut)
    check(r.returncode == 1 and len(json.loads(r.stdout)["frames"]) > 1000, "cut file: frames json still valid")
    # an unsupported link type (147, a user DLT)
    odd = os.path.join(tmp, "odd.pcap")
    open(odd, "wb").write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 147))
    r = run("summary", odd)
    check(r.returncode == 1 and b"unsupported link type 147" in r.stderr, "unsupported link type")
    # pcapng (CAP is one): unknown blocks are skipped, as the format asks
    # of readers; a block that breaks the format or a cut block: exit 1
    # after printing what came before, one line naming the file and the
    # frame; a second interface of another link type is no error (each
    # frame has its own: tests/input_test.py)
    blocks, off = [], 0
    while off < len(data):
        blen = struct.unpack("<I", data[off + 4:off + 8])[0]
        blocks.append(data[off:off + blen])
        off += blen
    head = [b for b in blocks if b[:4] in (b"\x0a\x0d\x0d\x0a", b"\x01\0\0\0")]
    pkts = [b for b in blocks if b not in head]

    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", btype, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))

    odd_idb = head[1][:8] + struct.pack("<H", 147) + head[1][10:]
    unknown = (head[0] + block(0x0BAD, b"not a block libpcap knows") + b"".join(head[1:]) +
               b"".join(p + (block(0x40000BAD, b"\1\2\3") if i % 1000 == 0 else b"")
                        for i, p in enumerate(pkts)))
    bad_ng = {
        "badlen.pcapng": (b"".join(head + pkts[:100]) + struct.pack("<II", 0x0BAD, 13) + b"x" * 5 +
                          b"".join(pkts[100:]), 101),
        "cut.pcapng": (b"".join(head + pkts)[: len(data) // 2 + 7], None),
    }
    p = os.path.join(tmp, "unknown.pcapng")
    open(p, "wb").write(unknown)
    r = run("summary", "--format", "json", p)
    check(r.returncode == 0 and not r.stderr and json.loads(r.stdout)["nodes"] == doc["nodes"],
          "pcapng: unknown blocks skipped")
    for name, (content, frame) in bad_ng.items():
        p = os.path.join(tmp, name)
        open(p, "wb").write(content)
        r = run("summary", "--format", "json", p)
        err = text(r.stderr)
        check(r.returncode == 1 and len(err.splitlines()) == 1 and p in err and
              (frame is None and "frame " in err or "frame %d:" % frame in err),
              "pcapng %s: one-line error naming file and frame: %s" % (name, err.strip()))
        part = json.loads(r.stdout)
        check(part["frames"] == (frame - 1 if frame else part["frames"]) and part["frames"] > 0 and
              len(part["nodes"]) >= 1, "pcapng %s: analysis before the error printed" % name)
    p = os.path.join(tmp, "twolinks.pcapng")
    open(p, "wb").write(b"".join(head + pkts[:50]) + odd_idb + b"".join(pkts[50:]))
    r = run("summary", "--format", "json", p)
    check(r.returncode == 0 and not r.stderr and json.loads(r.stdout)["nodes"] == doc["nodes"],
          "pcapng: a second interface of another link type")
    p = os.path.join(tmp, "odd.pcapng")
    open(p, "wb").write(head[0] + odd_idb + b"".join(pkts[:10]))
    r = run("summary", p)
    check(r.returncode == 1 and b"unsupported link type 147" in r.stderr and p.encode() in r.stderr and
          len(r.stderr.splitlines()) == 1, "pcapng: unsupported link type")
    # the classic pcap cut above: its error is one line too
    r = run("summary", cut)
    check(len(r.stderr.splitlines()) == 1, "cut file: one-line error")
    # output to a full device is an error, not silence
    if os.path.exists("/dev/full"):
        with open("/dev/full", "wb") as full:
            r = subprocess.run([MPFLOW, "frames", CAP], stdout=full, stderr=subprocess.PIPE, timeout=60)
        check(r.returncode == 1 and b"writing" in r.stderr, "write error reported")

# what the MPTCP caps turn away is shown, only when something was:
# bench/hostile's ADD_ADDR shape, 100 new addresses of one id (64 kept)
import importlib.machinery
hostile = importlib.machinery.SourceFileLoader(
    "hostile", os.path.join(DATA, "..", "..", "bench", "hostile")).load_module()
with tempfile.TemporaryDirectory() as tmp2:
    p = os.path.join(tmp2, "add-addr.pcap")
    pc = hostile.Pcap(p)
    hostile.gen_add_addr(pc, 100)
    pc.close()
    r = run("summary", "--format", "json", p)
    checks = json.loads(r.stdout)["nodes"][0]["mptcp"]["checks"]
    check(checks.get("limited") == 36, "limited in JSON: %s" % checks.get("limited"))
    r = run("summary", p)
    check(b"; 36 records past the caps dropped" in r.stdout, "limited in text")
    r = run("summary", "--format", "json", CAP)
    check(all("limited" not in n.get("mptcp", {}).get("checks", {})
              for n in json.loads(r.stdout)["nodes"]), "no limited key when none")

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
