#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""mpflow as tcpdump and tshark users type it, and every input it reads:
the command line forms (-r, a default command, a trailing BPF filter,
-c, -l, -D), pcapng files whose interfaces have different link types,
both byte orders, time stamp resolutions and offsets, Simple and
obsolete Packet Blocks, sections, pipes and FIFOs, a progress line on a
terminal, clean one-line errors and JSON that stays valid UTF-8; match
and split reading through the same reader.
usage: input_test.py MPFLOW DATA_DIR"""
import csv, io, json, os, pty, select, struct, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capbuild  # noqa: E402

MPFLOW, DATA = sys.argv[1], sys.argv[2]
CAP = os.path.join(DATA, "kernel", "v1-3paths-signal-loss", "capture.pcap")  # pcapng
failures = []


def run(*args, stdin=None, env=None):
    return subprocess.run([MPFLOW, *args], input=stdin, capture_output=True, timeout=120,
                          env=env)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def rows(b):
    return list(csv.DictReader(io.StringIO(b.decode())))


raw = open(CAP, "rb").read()
frames = capbuild.read(raw)  # (linktype, ts_ns, data, wirelen)
check(len(frames) == 4340 and all(f[0] == 276 for f in frames), "the capture: 4340 Linux SLL2 frames")
base = run("frames", "-f", "csv", "--all", CAP)
want_csv = base.stdout
summary = json.loads(run("summary", "-f", "json", CAP).stdout)

# ------------------------------------------------ the command line forms

r = run("-r", CAP, "-f", "json")
check(r.returncode == 0 and json.loads(r.stdout)["nodes"] == summary["nodes"],
      "mpflow -r FILE: summary by default")
r = run(CAP, "--format", "json")
check(r.returncode == 0 and json.loads(r.stdout)["nodes"] == summary["nodes"],
      "mpflow FILE: summary by default")
r = run("frames", "-r", CAP, "-f", "csv", "--all")
check(r.returncode == 0 and r.stdout == want_csv, "mpflow frames -r FILE")
check(run("--read-file", CAP, "-f", "json").stdout == run("-r", CAP, "-f", "json").stdout,
      "--read-file")
r = run("nonsense")
check(r.returncode == 2 and b"unknown command 'nonsense'" in r.stderr, "an unknown command")
r = run("-r", CAP, "-i", "lo")
check(r.returncode == 2 and b"one input" in r.stderr, "-r and -i together")
r = run("summary")
check(r.returncode == 2 and b"missing capture" in r.stderr, "no input")
for bad in ("0", "-3", "x", ""):
    r = run("-c", bad, CAP)
    check(r.returncode == 2 and not r.stdout, "-c %r refused" % bad)


# the capture's Linux SLL2 frames as other link types would carry them
def to_raw(d):
    return d[20:]


def to_eth(d):
    return b"\2\0\0\0\0\1" + d[12:18] + d[0:2] + d[20:]


def to_sll(d):
    return b"\0" + d[10:11] + d[8:10] + b"\0" + d[11:12] + d[12:20] + d[0:2] + d[20:]


def ip_addrs(data):
    """Source and destination of an SLL2 frame's IPv4 packet."""
    if len(data) >= 40 and data[0:2] == b"\x08\x00":
        return data[32:36], data[36:40]
    return None, None


host = bytes([10, 9, 2, 1])
match = [k + 1 for k, f in enumerate(frames) if host in ip_addrs(f[2])]
check(len(match) > 500, "frames of 10.9.2.1: %d" % len(match))

# a trailing filter, in one word or many (tcpdump joins them)
for args in (("frames", "-f", "csv", "--all", CAP, "ip host 10.9.2.1"),
             ("frames", "-f", "csv", "--all", CAP, "ip", "host", "10.9.2.1"),
             ("frames", "-f", "csv", "--all", "-r", CAP, "ip", "host", "10.9.2.1")):
    r = run(*args)
    got = [int(x["frame"]) for x in rows(r.stdout)]
    check(r.returncode == 0 and got == match,
          "filter %r: the frames of 10.9.2.1, numbered as in the file" % (args[4:],))
r = run("summary", "-f", "json", CAP, "ip host 10.9.2.1")
doc = json.loads(r.stdout)
check(r.returncode == 0 and doc["frames"] == len(match) and len(doc["nodes"]) == 2 and
      all([f["src"] for f in n["flows"]] == ["10.9.2.1"] for n in doc["nodes"]),
      "summary with a filter: one subflow of each connection")
r = run("summary", CAP, "tcp prt 5201")
check(r.returncode == 2 and not r.stdout and b"invalid filter 'tcp prt 5201'" in r.stderr,
      "a filter that does not compile: exit 2 before any output")

# -c: that many frames that pass the filter
r = run("frames", "-f", "csv", "--all", "-c", "7", CAP)
check([int(x["frame"]) for x in rows(r.stdout)] == list(range(1, 8)), "-c 7")
r = run("frames", "-f", "csv", "--all", "-c", "5", CAP, "ip host 10.9.2.1")
check([int(x["frame"]) for x in rows(r.stdout)] == match[:5], "-c 5 with a filter")
r = run("summary", "-f", "json", "--count", "100", CAP)
check(json.loads(r.stdout)["frames"] == 100, "--count 100")

# -D lists what -i takes, loopback included
r = run("-D")
check(r.returncode == 0 and any(l.split(b".", 1)[1].startswith(b"lo") for l in r.stdout.splitlines()),
      "-D lists lo")

# ----------------------------------------------- pcapng: every block kind


def build(big=False, layout="mixed"):
    """CAP again, its frames spread over interfaces of other link types,
    resolutions and offsets; the analysis must not change."""
    w = capbuild.Pcapng(big)
    out = [w.shb(), w.idb(1), w.idb(101, 0, 9, -7200), w.idb(276, 0, 0x80 | 30),
           w.idb(113, 0, 3, 86400)]
    for k, (link, ts, data, wire) in enumerate(frames):
        if layout == "sections" and k == 2000:
            # a new section, in the other byte order, with its own interfaces
            w = capbuild.Pcapng(not big)
            out += [w.shb(), w.idb(101, 0, 9), w.idb(1)]
        if layout == "sections" and k >= 2000:
            out.append(w.epb(0, ts, to_raw(data), wire - 20) if k % 2 == 0
                       else w.epb(1, ts // 1000, to_eth(data), wire - 6))
            continue
        kind = k % 5
        if kind == 0:      # Ethernet, microseconds
            out.append(w.epb(0, ts // 1000, to_eth(data), wire - 6))
        elif kind == 1:    # raw IP, nanoseconds, two hours behind
            out.append(w.epb(1, ts + 7200 * 10**9, to_raw(data), wire - 20))
        elif kind == 2:    # obsolete Packet Block, SLL2, 2^-30 s
            out.append(w.opb(2, (ts << 30) // 10**9 + 1, data, wire))
        elif kind == 3:    # Linux SLL, milliseconds, a day ahead
            out.append(w.epb(3, (ts - 86400 * 10**9) // 10**6, to_sll(data), wire - 4))
        else:              # a block nobody knows, then Ethernet again
            out.append(w.block(0x40000BAD, b"skip me"))
            out.append(w.epb(0, ts // 1000, to_eth(data), wire - 6))
    return b"".join(out)


def same_but_time(got, want, tolerance_ns):
    """Frames CSV equal column for column, times within @tolerance_ns."""
    a, b = rows(got), rows(want)
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        tx, ty = x.pop("time"), y.pop("time")
        if x != y:
            return False
        sx, nx = tx.split(".")
        sy, ny = ty.split(".")
        if abs((int(sx) - int(sy)) * 10**9 + int(nx) - int(ny)) > tolerance_ns:
            return False
    return True


with tempfile.TemporaryDirectory() as tmp:
    # millisecond resolution of the SLL2 interface: times to the ms
    for big in (False, True):
        p = os.path.join(tmp, "mixed-%s.pcapng" % ("be" if big else "le"))
        open(p, "wb").write(build(big))
        r = run("frames", "-f", "csv", "--all", p)
        check(r.returncode == 0 and not r.stderr and same_but_time(r.stdout, want_csv, 10**6),
              "pcapng %s: four link types, resolutions and offsets, the same analysis" %
              ("big-endian" if big else "little-endian"))
        r = run("summary", "-f", "json", p)
        doc = json.loads(r.stdout)
        check([n["mptcp"] for n in doc["nodes"]] == [n["mptcp"] for n in summary["nodes"]],
              "pcapng %s: the same connections" % ("big-endian" if big else "little-endian"))
    p = os.path.join(tmp, "sections.pcapng")
    open(p, "wb").write(build(False, "sections"))
    r = run("frames", "-f", "csv", "--all", p)
    check(r.returncode == 0 and same_but_time(r.stdout, want_csv, 10**6),
          "pcapng: a second section, other byte order and interfaces")
    # a filter on interfaces of different link types: compiled for each
    r = run("frames", "-f", "csv", "--all", os.path.join(tmp, "mixed-le.pcapng"), "ip host 10.9.2.1")
    check([int(x["frame"]) for x in rows(r.stdout)] == match,
          "a filter across link types: the same frames")
    r = run("frames", "-f", "csv", "--all", os.path.join(tmp, "mixed-le.pcapng"),
            "ether host 02:00:00:00:00:01 or ip host 10.9.2.1")
    err = r.stderr.decode()
    check(r.returncode == 0 and err.count("does not apply to link type") == 3 and
          "link type 101" in err and "link type 276" in err and "link type 113" in err,
          "a filter that does not apply to a link type: said once per type: %s" % err.strip())
    # Simple Packet Blocks: interface 0, the time of the frame before
    w = capbuild.Pcapng()
    p = os.path.join(tmp, "simple.pcapng")
    open(p, "wb").write(w.shb() + w.idb(276) + w.epb(0, frames[0][1] // 1000, frames[0][2]) +
                        b"".join(w.spb(f[2], f[3]) for f in frames[1:40]))
    r = run("frames", "-f", "csv", "--all", p)
    got = rows(r.stdout)
    check(r.returncode == 0 and len(got) == 40 and len({x["time"] for x in got}) == 1 and
          [x["dsn"] for x in got] == [x["dsn"] for x in rows(want_csv)[:40]],
          "Simple Packet Blocks")

    # ------------------------------------------------ link types and errors
    p = os.path.join(tmp, "usb.pcapng")
    open(p, "wb").write(w.shb() + w.idb(189) + w.epb(0, 1, b"\0" * 40))
    r = run("summary", p)
    check(r.returncode == 1 and len(r.stderr.splitlines()) == 1 and
          b"unsupported link type 189" in r.stderr, "pcapng of no link type mpflow decodes")
    p = os.path.join(tmp, "usb-and-eth.pcapng")
    open(p, "wb").write(w.shb() + w.idb(189) + w.idb(276) + w.epb(0, 1, b"\0" * 40) +
                        b"".join(w.epb(1, f[1] // 1000, f[2], f[3]) for f in frames[:100]))
    r = run("summary", "-f", "json", p)
    doc = json.loads(r.stdout)
    check(r.returncode == 0 and doc["counters"]["unsupported"] == 1 and doc["counters"]["analysed"] == 100,
          "one interface mpflow cannot decode: its frames counted, the others analysed")
    r = run("summary", os.path.join(tmp, "missing.pcap"))
    check(r.returncode == 1 and r.stderr.decode() ==
          "mpflow: %s: No such file or directory\n" % os.path.join(tmp, "missing.pcap"),
          "one clean line, the path once: %r" % r.stderr)
    p = os.path.join(tmp, "cut.pcapng")
    open(p, "wb").write(raw[:len(raw) // 3])
    r = run("summary", "-f", "json", p)
    err = r.stderr.decode()
    check(r.returncode == 1 and len(err.splitlines()) == 1 and err.count(p) == 1 and
          "truncated" in err and "frame %d:" % (json.loads(r.stdout)["frames"] + 1) in err,
          "a cut pcapng: truncated, at the next frame: %s" % err.strip())
    p = os.path.join(tmp, "capture.pcap.gz")
    open(p, "wb").write(b"\x1f\x8b\x08\x00" + b"\0" * 40)
    r = run("summary", p)
    check(r.returncode == 1 and b"gzip" in r.stderr, "a gzip file says so")

    # --------------------------------------------- pipes, FIFOs, both formats
    classic = capbuild.pcap([f[1:] for f in frames], linktype=276)
    for name, content in (("pcapng", raw), ("pcap", classic)):
        r = run("frames", "-f", "csv", "--all", "-", stdin=content)
        check(r.returncode == 0 and r.stdout == want_csv, "standard input, " + name)
        r = run("frames", "-f", "csv", "--all", "-r", "-", stdin=content)
        check(r.returncode == 0 and r.stdout == want_csv, "-r -, " + name)
        fifo = os.path.join(tmp, "fifo-" + name)
        os.mkfifo(fifo)

        def feed(path=fifo, data=content):
            with open(path, "wb") as fh:
                fh.write(data)
        t = threading.Thread(target=feed)
        t.start()
        r = run("frames", "-f", "csv", "--all", fifo)
        t.join()
        check(r.returncode == 0 and r.stdout == want_csv, "a FIFO, " + name)

    # -l: each line out as soon as it is made, on a pipe too
    fifo = os.path.join(tmp, "fifo-l")
    os.mkfifo(fifo)
    for flag, want_early in (("-l", True), (None, False)):
        args = [MPFLOW, "frames", "--stream", "-f", "csv", fifo] + ([flag] if flag else [])
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        w_fh = open(fifo, "wb")
        head = raw[:raw.index(frames[20][2]) + len(frames[20][2]) + 200]
        w_fh.write(head)
        w_fh.flush()
        ready, _, _ = select.select([p.stdout], [], [], 5)
        early = bool(ready) and len(os.read(p.stdout.fileno(), 65536)) > 0
        w_fh.close()
        p.communicate(timeout=60)
        check(early == want_early, "%s: rows before the input ends: %s" % (flag or "no -l", early))

    # -------------------------------------------- a progress line on a tty
    big = os.path.join(tmp, "big.pcapng")
    open(big, "wb").write(raw)
    for tty in (True, False):
        env = dict(os.environ, MPFLOW_PROGRESS_DELAY="0")
        if tty:
            master, slave = pty.openpty()
            p = subprocess.Popen([MPFLOW, "summary", big], stdout=subprocess.DEVNULL,
                                 stderr=slave, env=env)
            os.close(slave)
            out = b""
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            p.wait(timeout=60)
            os.close(master)
        else:
            out = run("summary", big, env=env).stderr
        shown = b"% (" in out
        check(shown == tty and (not tty or out.endswith(b"\r\x1b[K")),
              "progress line %s a terminal: %r" % ("on" if tty else "off", out[-80:]))

    # ------------------- match and split read as every other command reads
    pair = os.path.join(DATA, "pairs", "v4-2paths-drop")
    cli_cap, srv_cap = (os.path.join(pair, n + ".pcap") for n in ("client", "server"))
    want = run("match", "-f", "csv", cli_cap, srv_cap)
    check(want.returncode == 0 and want.stdout.count(b"\n") > 100, "match of a pair")
    r = run("match", "-f", "csv", "-", srv_cap, stdin=open(cli_cap, "rb").read())
    check(r.returncode == 0 and r.stdout == want.stdout, "match: the client on standard input")
    fifo = os.path.join(tmp, "fifo-match")
    os.mkfifo(fifo)
    t = threading.Thread(target=lambda: open(fifo, "wb").write(open(srv_cap, "rb").read()))
    t.start()
    r = run("match", "-f", "csv", cli_cap, fifo)
    t.join()
    check(r.returncode == 0 and r.stdout == want.stdout, "match: the server from a FIFO")
    r = run("match", "-f", "csv", cli_cap, srv_cap, "tcp")
    check(r.returncode == 0 and r.stdout == want.stdout, "match with a filter every frame passes")
    r = run("match", cli_cap, srv_cap, "udp")
    check(r.returncode == 3, "match with a filter no frame passes: nothing pairs (3)")
    r = run("match", cli_cap, srv_cap, "tcp", "and", "nonsense(")
    check(r.returncode == 2 and r.stderr.count(b"\n") <= 3, "match: a filter that does not compile")

    fifo = os.path.join(tmp, "fifo-split")
    os.mkfifo(fifo)
    t = threading.Thread(target=lambda: open(fifo, "wb").write(raw))
    t.start()
    r = run("split", fifo, "--shards", "2", os.path.join(tmp, "split-fifo"))
    t.join()
    check(r.returncode == 2 and b"read twice" in r.stderr, "split of a FIFO: it reads twice")
    out = os.path.join(tmp, "split-ng")
    r = run("split", big, "--shards", "3", out)
    shards = json.load(open(os.path.join(out, "manifest.json")))["shards"] if r.returncode == 0 else []
    got = []
    for sh in shards:
        got += capbuild.read(open(os.path.join(out, sh["path"]), "rb").read())
    check(r.returncode == 0 and got == frames, "split of a pcapng: every frame, same bytes")
    mixed = os.path.join(tmp, "mixed.pcapng")
    open(mixed, "wb").write(build())
    r = run("split", mixed, "--shards", "2", os.path.join(tmp, "split-mixed"))
    check(r.returncode == 1 and b"several link types" in r.stderr,
          "split of a pcapng of several link types: refused, said why")

    # ---------------------------------------------- JSON stays valid UTF-8
    odd = os.path.join(tmp.encode(), b"caf\xe9-\xff\xfe.pcapng")
    open(odd, "wb").write(raw[:20000])
    r = subprocess.run([MPFLOW.encode(), b"summary", b"-f", b"json", odd], capture_output=True,
                       timeout=60)
    try:
        doc = json.loads(r.stdout.decode("utf-8"))
        ok = doc["capture"].endswith("caf\ufffd-\ufffd\ufffd.pcapng")
    except (UnicodeDecodeError, ValueError):
        ok = False
    check(r.returncode == 1 and ok, "a file name that is not UTF-8: valid JSON, U+FFFD")
    r = subprocess.run([MPFLOW.encode(), b"frames", b"-f", b"json", odd], capture_output=True,
                       timeout=60)
    try:
        json.loads(r.stdout.decode("utf-8"))
        ok = True
    except (UnicodeDecodeError, ValueError):
        ok = False
    check(ok, "frames JSON of that file: valid UTF-8")

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
