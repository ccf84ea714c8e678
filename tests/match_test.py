#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""mpflow match on real pairs of captures (tests/data/pairs: one run, a
capture at each end, real losses between them), checked against this
file's own reading of both pcaps: every data segment of the sender's
capture is matched or lost, the losses are what one side has and the
other lacks, each reinjection's verdict is which copy the receiver saw
first (by raw DSN, from the DSS options). Then test copies: NAT (other
addresses and ports on one side), late start, snaplen, a file cut short,
captures of different runs, swapped arguments.

usage: match_test.py MPFLOW DATA_DIR"""
import collections, csv, io, json, os, struct, subprocess, sys, tempfile

MPFLOW, DATA = sys.argv[1], sys.argv[2]
PAIRS = os.path.join(DATA, "pairs")
NAMES = sorted(d for d in os.listdir(PAIRS) if os.path.isdir(os.path.join(PAIRS, d)))
failures = []
TMP = tempfile.mkdtemp(prefix="match-test-")


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args):
    return subprocess.run([MPFLOW, *args], capture_output=True, timeout=300)


# ------------------------------------------------------------ pcap reading

def read_pcap(path):
    """(header bytes, endian, nanosecond?, linktype, [(ts_ns, wirelen, data)])"""
    with open(path, "rb") as f:
        raw = f.read()
    magic = raw[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    else:
        e = ">"
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", raw[20:24])[0]
    recs, off = [], 24
    while off + 16 <= len(raw):
        sec, frac, cap, wire = struct.unpack(e + "IIII", raw[off:off + 16])
        if off + 16 + cap > len(raw):
            break
        ts = sec * 1000000000 + (frac if nano else frac * 1000)
        recs.append((ts, wire, raw[off + 16:off + 16 + cap]))
        off += 16 + cap
    return raw[:24], e, nano, linktype, recs


def write_pcap(path, hdr, e, nano, recs):
    with open(path, "wb") as f:
        f.write(hdr)
        for ts, wire, data in recs:
            frac = ts % 1000000000 if nano else (ts % 1000000000) // 1000
            f.write(struct.pack(e + "IIII", ts // 1000000000, frac, len(data), wire))
            f.write(data)


def ip_offset(linktype, data):
    if linktype == 276:  # Linux SLL2
        return 20, struct.unpack(">H", data[0:2])[0]
    if linktype == 113:
        return 16, struct.unpack(">H", data[14:16])[0]
    if linktype == 1:
        return 14, struct.unpack(">H", data[12:14])[0]
    raise ValueError("link type %d" % linktype)


def parse(linktype, data):
    """The TCP segment of a frame: a dict, or None."""
    off, proto = ip_offset(linktype, data)
    if proto == 0x0800:
        if len(data) < off + 20:
            return None
        ihl = (data[off] & 15) * 4
        total = struct.unpack(">H", data[off + 2:off + 4])[0]
        if data[off + 9] != 6:
            return None
        src, dst = data[off + 12:off + 16], data[off + 16:off + 20]
        tcp, l4len = off + ihl, total - ihl
    elif proto == 0x86DD:
        if len(data) < off + 40 or data[off + 6] != 6:
            return None
        l4len = struct.unpack(">H", data[off + 4:off + 6])[0]
        src, dst = data[off + 8:off + 24], data[off + 24:off + 40]
        tcp = off + 40
    else:
        return None
    if len(data) < tcp + 20:
        return None
    sport, dport, seq = struct.unpack(">HHI", data[tcp:tcp + 8])
    hlen = (data[tcp + 12] >> 4) * 4
    flags = data[tcp + 13]
    seg = {"src": src, "dst": dst, "sport": sport, "dport": dport, "seq": seq,
           "flags": flags, "len": l4len - hlen, "tsval": None, "dss": None}
    o, end = tcp + 20, min(tcp + hlen, len(data))
    while o < end:
        kind = data[o]
        if kind == 0:
            break
        if kind == 1:
            o += 1
            continue
        if o + 1 >= end:
            break
        ln = data[o + 1]
        if ln < 2 or o + ln > end:
            break
        if kind == 8 and ln == 10:
            seg["tsval"] = struct.unpack(">I", data[o + 2:o + 6])[0]
        if kind == 30 and ln >= 4 and data[o + 2] >> 4 == 2:  # DSS
            fl, p = data[o + 3], o + 4
            if fl & 1:
                p += 8 if fl & 2 else 4
            if fl & 4:
                if fl & 8:
                    dsn = struct.unpack(">Q", data[p:p + 8])[0]
                    p += 8
                else:
                    dsn = struct.unpack(">I", data[p:p + 4])[0]
                    p += 4
                ssn, dlen = struct.unpack(">IH", data[p:p + 6])
                seg["dss"] = (dsn, ssn, dlen)
        o += ln
    return seg


class Capture:
    """Data segments of a capture, by frame number, with raw DSNs."""

    def __init__(self, path):
        self.path = path
        self.hdr, self.e, self.nano, self.lt, self.recs = read_pcap(path)
        self.data = {}  # frame -> (key, ts, dsn or None, len)
        isn, maps = {}, {}
        for n, (ts, wire, d) in enumerate(self.recs, 1):
            s = parse(self.lt, d)
            if s is None:
                continue
            flow = (s["src"], s["sport"], s["dst"], s["dport"])
            if s["flags"] & 2:
                isn[flow] = s["seq"]
            if s["len"] <= 0 or s["flags"] & 2:
                continue
            dsn = None
            if s["dss"] and flow in isn:
                maps[flow] = s["dss"]
            if flow in maps and flow in isn:
                m_dsn, m_ssn, m_len = maps[flow]
                rel = (s["seq"] - isn[flow] - m_ssn) & 0xFFFFFFFF
                if rel < m_len:
                    dsn = (m_dsn + rel) & 0xFFFFFFFF  # compare 32 bits
            key = (flow, s["seq"], s["len"], s["tsval"])
            self.data[n] = (key, ts, dsn, s["len"])
        self.first_ts = self.recs[0][0] if self.recs else 0
        self.last_ts = self.recs[-1][0] if self.recs else 0


def is_s2c(key):
    return key[0][1] == 5201  # the server port of mptcp-capture


def match_csv(client, server, *extra):
    r = run("match", "-f", "csv", *extra, client, server)
    return r, list(csv.DictReader(io.StringIO(r.stdout.decode())))


def match_json(client, server, *extra):
    r = run("match", "-f", "json", *extra, client, server)
    try:
        return r, json.loads(r.stdout) if r.stdout else None
    except ValueError:
        return r, None


def totals(doc):
    t = {"c2s": collections.Counter(), "s2c": collections.Counter()}
    for c in doc["connections"]:
        for s in c["subflows"]:
            for d in ("c2s", "s2c"):
                for k in ("sent", "received", "lost", "matched", "unsent", "outside"):
                    t[d][k] += s[d][k]
    return t


def independent_losses(snd, rcv, want_s2c, window=None, nat=False):
    """Copies in the sender's capture that the receiver's lacks, by
    (4-tuple, seq, len, timestamp); without the 4-tuple across a NAT."""
    a, b = collections.Counter(), collections.Counter()
    for n, (key, ts, dsn, ln) in snd.data.items():
        if is_s2c(key) == want_s2c and (window is None or window(ts)):
            a[key[1:] if nat else key] += 1
    for n, (key, ts, dsn, ln) in rcv.data.items():
        if is_s2c(key) == want_s2c:
            b[key[1:] if nat else key] += 1
    lost = sum(max(0, a[k] - b[k]) for k in a)
    return lost, a


def check_pair(name, cpath, spath, cli, srv, nat=False):
    r, doc = match_json(cpath, spath)
    check(r.returncode == 0 and doc is not None, name + ": match json exit 0")
    if doc is None:
        return None
    r2, rows = match_csv(cpath, spath)
    check(r2.returncode == 0, name + ": match csv exit 0")
    check(len(rows) == len(doc["packets"]), name + ": csv and json rows agree")
    check(doc["connections"], name + ": connections paired")
    check(not doc["unmatched"]["client_nodes"] and not doc["unmatched"]["server_nodes"],
          name + ": no node left unpaired")
    t = totals(doc)
    for d, snd, rcv, sk, rk in (("c2s", cli, srv, "client_frame", "server_frame"),
                                ("s2c", srv, cli, "server_frame", "client_frame")):
        lost, sent = independent_losses(snd, rcv, d == "s2c")
        check(t[d]["lost"] == lost,
              "%s %s: lost %d, the captures differ by %d" % (name, d, t[d]["lost"], lost))
        check(t[d]["outside"] == 0, "%s %s: nothing outside" % (name, d))
        # every data segment of the sender's capture is a row: matched or lost
        mine = {int(x[sk]) for x in rows if x["direction"] == d and x[sk] and
                x["status"] in ("matched", "lost")}
        theirs = {n for n, v in snd.data.items() if is_s2c(v[0]) == (d == "s2c")}
        check(mine == theirs, "%s %s: every sent segment has a row (%d of %d)" %
              (name, d, len(mine & theirs), len(theirs)))
        for x in rows:
            if x["direction"] != d or x["status"] != "matched":
                continue
            a, b = snd.data[int(x[sk])], rcv.data[int(x[rk])]
            same = a[0][1:] == b[0][1:] and (nat or a[0] == b[0])
            if not same or int(round(float(x["delay_us"]) * 1000)) != b[1] - a[1]:
                check(False, "%s %s: frames %s/%s are one segment, delay right" %
                      (name, d, x[sk], x[rk]))
                break
    # each verdict is which copy the receiver saw first
    verdicts = collections.Counter()
    for x in rows:
        if not x["reinjection"]:
            continue
        verdicts[x["reinjection"]] += 1
        s2c = x["direction"] == "s2c"
        snd, rcv = (srv, cli) if s2c else (cli, srv)
        sf = int(x["server_frame"] if s2c else x["client_frame"])
        rf = x["client_frame"] if s2c else x["server_frame"]
        dsn = snd.data[sf][2]
        first = min((n for n, v in rcv.data.items() if v[2] is not None and
                     (dsn - v[2]) & 0xFFFFFFFF < v[3]), default=None)
        if x["status"] == "lost":
            want = "redundant"
        else:
            want = "useful" if first == int(rf) else "redundant"
        check(x["reinjection"] == want, "%s: reinjection in frame %d is %s (first copy at %s)"
              % (name, sf, want, first))
        if want == "redundant" and first and x["first_received_frame"]:
            check(int(x["first_received_frame"]) == first,
                  "%s: frame %d: the proof is the first copy" % (name, sf))
    got = collections.Counter()
    for c in doc["connections"]:
        got["useful"] += c["reinjections"]["useful"]
        got["redundant"] += c["reinjections"]["redundant"]
    check(got == verdicts, name + ": connection reinjection counts are the rows'")
    return doc, rows, t, verdicts


# ---------------------------------------------------------------- pairs

summary = {}
for name in NAMES:
    d = os.path.join(PAIRS, name)
    cpath, spath = os.path.join(d, "client.pcap"), os.path.join(d, "server.pcap")
    cli, srv = Capture(cpath), Capture(spath)
    res = check_pair(name, cpath, spath, cli, srv)
    if res:
        doc, rows, t, verdicts = res
        summary[name] = (t, verdicts, rows, doc)
        print("%s: c2s sent %d lost %d, s2c sent %d lost %d, reinjections %s" %
              (name, t["c2s"]["sent"], t["c2s"]["lost"], t["s2c"]["sent"],
               t["s2c"]["lost"], dict(verdicts)))
        # the JSON contract
        for c in doc["connections"]:
            check({"client_node", "server_node", "token", "subflows", "reinjections"} <= set(c),
                  name + ": connection keys")
            check(set(c["reinjections"]) >= {"useful", "redundant", "useful_bytes",
                                              "redundant_bytes"}, name + ": reinjection keys")
            for s in c["subflows"]:
                check({"client_flow", "server_flow", "c2s", "s2c"} <= set(s), name + ": subflow keys")
                for w in ("c2s", "s2c"):
                    check({"sent", "received", "lost", "delay_us"} <= set(s[w]), name + ": dir keys")
                    if s[w]["delay_us"]:
                        q = s[w]["delay_us"]
                        check(q["min"] <= q["median"] <= q["p99"] <= q["max"], name + ": delay order")
        check({"client_capture", "server_capture", "connections", "unmatched"} <= set(doc),
              name + ": top keys")

check(any(sum(v[0][w]["lost"] for w in ("c2s", "s2c")) > 0 for v in summary.values()),
      "some pair has losses")
check(any(v[1]["useful"] for v in summary.values()), "some reinjection was useful")
check(any(v[1]["redundant"] for v in summary.values()), "some reinjection was redundant")

# ------------------------------------------------------------ test copies

def rewrite(src, dst, fn=None, keep=None, snaplen=None, cut=None):
    hdr, e, nano, lt, recs = read_pcap(src)
    out = []
    for i, (ts, wire, data) in enumerate(recs):
        if keep and not keep(i, len(recs)):
            continue
        if fn:
            data = fn(lt, bytearray(data))
        if snaplen:
            data = data[:snaplen]
        out.append((ts, wire, bytes(data)))
    write_pcap(dst, hdr, e, nano, out)
    if cut:
        with open(dst, "r+b") as f:
            f.truncate(int(os.path.getsize(dst) * cut))


def nat(lt, d):
    """Other addresses and ports on this side, as a NAT between the two
    capture points would give them (both ways, every subflow)."""
    off, proto = ip_offset(lt, d)
    if proto == 0x0800:
        a, ln, tcp = off + 12, 4, off + (d[off] & 15) * 4
    else:
        a, ln, tcp = off + 8, 16, off + 40
    for base in (a, a + ln):
        d[base] ^= 0x40  # 10.x -> 74.x; fd00:: -> bd00::
        d[base + ln - 1] ^= 0x20
    for p in (tcp, tcp + 2):
        port = struct.unpack(">H", d[p:p + 2])[0]
        if port != 5201:
            d[p:p + 2] = struct.pack(">H", port ^ 0x0404)
    return d


def late_losses(doc, snd, late, want_s2c, nat=False):
    """The losses one way, independently, of what @snd sent while the
    receiver's capture @late ran (by the match's smallest delay that
    way); and that delay, in microseconds."""
    dmin = doc["clock"]["s2c_min_us" if want_s2c else "c2s_min_us"] or 0
    lost, _ = independent_losses(
        snd, late, want_s2c,
        lambda ts: late.first_ts <= ts + dmin * 1000 <= late.last_ts, nat=nat)
    return lost, dmin


for name in NAMES:
    d = os.path.join(PAIRS, name)
    cpath, spath = os.path.join(d, "client.pcap"), os.path.join(d, "server.pcap")
    if name not in summary:
        continue
    t0, v0, rows0, doc0 = summary[name]
    cli = Capture(cpath)

    # NAT: the server side sees other addresses and ports; the pairing
    # (by keys, ISNs) and every row are the same
    npath = os.path.join(TMP, name + "-nat.pcap")
    rewrite(spath, npath, fn=nat)
    r, rows = match_csv(cpath, npath)
    check(r.returncode == 0 and rows == rows0, name + ": NAT gives the same rows")
    r, doc = match_json(cpath, npath)
    subs = [s for c in doc["connections"] for s in c["subflows"]]
    check(all(s["paired_by"] != "tuple" for s in subs), name + ": NAT: not paired by tuple")
    check(all(s["client_src"] != s["server_src"] and s["client_dst"] != s["server_dst"]
              for s in subs), name + ": NAT: each side's endpoints shown")

    # late start and NAT: the server capture misses the first 30 % of its
    # frames, the handshakes with them; subflows pair by their data
    lpath = os.path.join(TMP, name + "-late.pcap")
    rewrite(spath, lpath, fn=nat, keep=lambda i, n: i >= n * 3 // 10)
    srv_late = Capture(lpath)
    r, doc = match_json(cpath, lpath)
    check(r.returncode == 0 and doc and doc["connections"], name + ": late start pairs")
    if doc and doc["connections"]:
        t = totals(doc)
        lost, dmin = late_losses(doc, cli, srv_late, False, nat=True)
        check(t["c2s"]["lost"] == lost, "%s: late start: c2s lost %d, independently %d" %
              (name, t["c2s"]["lost"], lost))
        lost, sent = independent_losses(srv_late, cli, True, nat=True)
        check(t["s2c"]["lost"] == lost, "%s: late start: s2c lost %d, independently %d" %
              (name, t["s2c"]["lost"], lost))
        # what was sent before the server capture began is outside, not lost
        before = sum(1 for n, v in cli.data.items() if not is_s2c(v[0]) and
                     v[1] + dmin * 1000 < srv_late.first_ts)
        check(t["c2s"]["outside"] >= before, name + ": late start: early ones outside")
        check(t["s2c"]["matched"] + t["s2c"]["lost"] == t["s2c"]["sent"], name + ": sums")

    # the client capture starting late (40 % cut): the s2c losses while
    # it ran, what the server sent before it began outside
    lpath = os.path.join(TMP, name + "-clate.pcap")
    rewrite(cpath, lpath, keep=lambda i, n: i >= n * 4 // 10)
    cli_late, srv = Capture(lpath), Capture(spath)
    r, doc = match_json(lpath, spath)
    check(r.returncode == 0 and doc and doc["connections"], name + ": client late: pairs")
    if doc and doc["connections"]:
        t = totals(doc)
        lost, dmin = late_losses(doc, srv, cli_late, True)
        check(t["s2c"]["lost"] == lost and t["s2c"]["outside"] > 0,
              "%s: client late: s2c lost %d, independently %d" % (name, t["s2c"]["lost"], lost))

    # snaplen 96 on the server side: options partly cut, same results
    tpath = os.path.join(TMP, name + "-snap.pcap")
    rewrite(spath, tpath, snaplen=96)
    r, doc = match_json(cpath, tpath)
    check(r.returncode == 0 and doc is not None, name + ": snaplen 96 exit 0")
    if doc:
        t = totals(doc)
        for w in ("c2s", "s2c"):
            check(t[w]["lost"] == t0[w]["lost"] and t[w]["sent"] == t0[w]["sent"],
                  "%s: snaplen 96: %s sent %d lost %d as in full" %
                  (name, w, t[w]["sent"], t[w]["lost"]))

    # a file cut short: an error (exit 1) after the result
    cpath2 = os.path.join(TMP, name + "-cut.pcap")
    rewrite(spath, cpath2, cut=0.6)
    r, doc = match_json(cpath, cpath2)
    check(r.returncode == 1 and b"frame" in r.stderr, name + ": cut file: exit 1 naming the frame")
    check(doc is not None and doc["connections"], name + ": cut file: the match is printed")
    if doc:
        t = totals(doc)
        srv_cut = Capture(cpath2)
        lost, sent = independent_losses(srv_cut, cli, True)
        check(t["s2c"]["lost"] == lost, name + ": cut file: s2c losses")
        check(t["c2s"]["outside"] + t["s2c"]["outside"] > 0, name + ": cut file: after the end is outside")

# snaplen that cuts the TCP options away: the server side sees plain TCP;
# its connections pair with the client's MPTCP subflows (by ISN), the
# losses are the same; one that cuts the TCP header leaves nothing to
# pair: said, exit 3; never a crash
for name in NAMES:
    d = os.path.join(PAIRS, name)
    if name not in summary:
        continue
    tpath = os.path.join(TMP, "snap60.pcap")
    rewrite(os.path.join(d, "server.pcap"), tpath, snaplen=60 if "v6" not in name else 80)
    r, doc = match_json(os.path.join(d, "client.pcap"), tpath)
    check(r.returncode == 0 and doc is not None and doc["connections"], name + ": options cut: pairs")
    if doc and doc["connections"]:
        t, t0 = totals(doc), summary[name][0]
        check(all(c["server_node"] is None for c in doc["connections"]),
              name + ": options cut: the server side is plain TCP")
        for w in ("c2s", "s2c"):
            check(t[w]["lost"] == t0[w]["lost"] and t[w]["sent"] == t0[w]["sent"],
                  "%s: options cut: %s sent %d lost %d as in full" %
                  (name, w, t[w]["sent"], t[w]["lost"]))
name = NAMES[0]
d = os.path.join(PAIRS, name)
tpath = os.path.join(TMP, "snap50.pcap")
rewrite(os.path.join(d, "server.pcap"), tpath, snaplen=50)
r, doc = match_json(os.path.join(d, "client.pcap"), tpath)
check(r.returncode == 3 and doc is not None and b"no MPTCP connection" in r.stderr and
      b"snapshot length" in r.stderr, "snaplen 50: no TCP header on the server side: said, exit 3")
for snap in (20, 41, 54, 74):
    rewrite(os.path.join(d, "server.pcap"), tpath, snaplen=snap)
    r = run("match", os.path.join(d, "client.pcap"), tpath)
    check(r.returncode in (0, 3), "snaplen %d: no crash" % snap)

# segments cut differently on the two sides (as TSO or GRO on one capture
# host do; here every data segment's sequence number moved by one): a
# warning
def shift_seq(lt, d):
    off, proto = ip_offset(lt, d)
    tcp = off + ((d[off] & 15) * 4 if proto == 0x0800 else 40)
    if len(d) >= tcp + 8:
        seq = struct.unpack(">I", d[tcp + 4:tcp + 8])[0]
        d[tcp + 4:tcp + 8] = struct.pack(">I", (seq + 1) & 0xFFFFFFFF)
    return d


d = os.path.join(PAIRS, NAMES[0])
tpath = os.path.join(TMP, "reseg.pcap")
rewrite(os.path.join(d, "server.pcap"), tpath, fn=shift_seq)
r = run("match", os.path.join(d, "client.pcap"), tpath)
check(b"cut differently" in r.stderr, "other segment boundaries: warned")
r = run("match", os.path.join(d, "client.pcap"), os.path.join(d, "server.pcap"))
check(r.returncode == 0 and not r.stderr, "a good pair: no warning")

# captures of different runs: nothing pairs, said so, exit 3
if len(NAMES) >= 2:
    a = os.path.join(PAIRS, NAMES[0], "client.pcap")
    b = os.path.join(PAIRS, NAMES[1], "server.pcap")
    r, doc = match_json(a, b)
    check(r.returncode == 3 and b"share no" in r.stderr, "different runs: exit 3, said")
    check(doc is not None and doc["connections"] == [] and doc["unmatched"]["client_nodes"]
          and doc["unmatched"]["server_nodes"], "different runs: all unmatched")

# swapped arguments: warned
d = os.path.join(PAIRS, NAMES[0])
r = run("match", os.path.join(d, "server.pcap"), os.path.join(d, "client.pcap"))
check(b"negative" in r.stderr, "swapped captures: warned")

# usage
# (words after the two captures are a BPF filter for both: one that does
# not compile is a usage error)
for args in (("match", "x"), ("match", "--all", "a", "b"),
             ("match", os.path.join(d, "client.pcap"), os.path.join(d, "server.pcap"), "c", "("),
             ("summary", "--clock-offset", "3", "a"), ("match", "--clock-offset", "x", "a", "b")):
    r = run(*args)
    check(r.returncode == 2, "usage: %s exits 2" % " ".join(args))
r = run("match", "/nonexistent.pcap", os.path.join(d, "client.pcap"))
check(r.returncode == 1 and b"nonexistent" in r.stderr, "missing file: exit 1")

# --clock-offset: delays shift by the offset, the opposite way back
r1, doc1 = match_json(os.path.join(d, "client.pcap"), os.path.join(d, "server.pcap"))
r2, doc2 = match_json(os.path.join(d, "client.pcap"), os.path.join(d, "server.pcap"),
                      "--clock-offset", "100")
s1 = doc1["connections"][0]["subflows"][0]
s2 = doc2["connections"][0]["subflows"][0]
check(abs(s2["s2c"]["delay_us"]["min"] - s1["s2c"]["delay_us"]["min"] - 100) < 1e-6 and
      abs(s2["c2s"]["delay_us"]["min"] - s1["c2s"]["delay_us"]["min"] + 100) < 1e-6,
      "--clock-offset shifts the delays")

# the delay picture (plot -k delay) and the report's section: one series
# per subflow pair and way with as many segments and losses as the match
# counts, every point inside its plot area; the report of two captures
# holds the client capture's report and a section with a picture per
# connection
import xml.etree.ElementTree as ET
SVG = "{http://www.w3.org/2000/svg}"


def numbers(text):
    out, cur = [], ""
    for ch in text + " ":
        if ch in "0123456789.-":
            cur += ch
        else:
            if cur:
                out.append(float(cur))
            cur = ""
    return out


for name in NAMES:
    if name not in summary:
        continue
    d = os.path.join(PAIRS, name)
    cpath, spath = os.path.join(d, "client.pcap"), os.path.join(d, "server.pcap")
    doc = summary[name][3]
    for k, c in enumerate(doc["connections"]):
        out = os.path.join(TMP, "%s-%d.svg" % (name, k))
        r = run("plot", "-k", "delay", "-n", str(c["client_node"]), "-o", out, cpath, spath)
        check(r.returncode == 0, "%s: plot -k delay -n %d" % (name, c["client_node"]))
        if r.returncode:
            continue
        root = ET.parse(out).getroot()
        check(root.get("data-kind") == "delay" and root.get("data-connection") == str(k),
              name + ": delay svg root")
        for panel in root.iter(SVG + "g"):
            if panel.get("class") != "panel":
                continue
            w = panel.get("data-dir")
            area = [x for x in panel.iter(SVG + "rect") if x.get("class") == "plot-area"][0]
            x0, y0 = float(area.get("x")), float(area.get("y"))
            x1, y1 = x0 + float(area.get("width")), y0 + float(area.get("height"))
            seen = {}
            for g in panel.iter(SVG + "g"):
                if g.get("class") != "series":
                    continue
                seen[int(g.get("data-subflow"))] = (int(g.get("data-segments")),
                                                    int(g.get("data-lost")))
                pts = []
                for el in g:
                    if el.get("class") in ("band", "mean") and el.get("d"):
                        pts += numbers(el.get("d"))
                    if el.tag == SVG + "circle":
                        pts += [float(el.get("cx")), float(el.get("cy"))]
                ok = all(x0 - 0.1 <= pts[i] <= x1 + 0.1 and y0 - 0.1 <= pts[i + 1] <= y1 + 0.1
                         for i in range(0, len(pts) - 1, 2))
                check(ok, "%s: connection %d %s: points inside the plot area" % (name, k, w))
                lost = sum(int(x.get("data-count")) for x in g if x.get("class") == "lost")
                check(lost == int(g.get("data-lost")), name + ": lost crosses add up")
            want = {j: (s[w]["matched"], s[w]["lost"]) for j, s in enumerate(c["subflows"])
                    if s[w]["matched"] or s[w]["lost"]}
            check(seen == want, "%s: connection %d %s: series %s, match says %s" %
                  (name, k, w, seen, want))
    out = os.path.join(TMP, name + ".html")
    r = run("report", "-o", out, cpath, spath)
    check(r.returncode == 0, name + ": report of two captures")
    html = open(out, encoding="utf-8").read() if r.returncode == 0 else ""
    check('<section class="match" id="match">' in html and 'id="nodes"' in html,
          name + ": the report has the node table and the match section")
    check(html.count('data-kind="delay"') == len(doc["connections"]),
          name + ": a delay picture per connection")
    r2 = run("report", "-o", out + "2", cpath, spath)
    check(open(out + "2", encoding="utf-8").read() == html, name + ": the same report twice")

d = os.path.join(PAIRS, NAMES[0])
cpath, spath = os.path.join(d, "client.pcap"), os.path.join(d, "server.pcap")
for args, code in ((("plot", "-k", "delay", "-o", os.path.join(TMP, "x.svg"), cpath), 2),
                   (("plot", "-k", "delay", cpath, spath), 2),
                   (("plot", "-k", "delay", "-n", "99", "-o", os.path.join(TMP, "x.svg"), cpath,
                     spath), 1),
                   (("report", "-o", os.path.join(TMP, "x.html"), cpath, spath, cpath), 2),
                   (("plot", "-o", os.path.join(TMP, "x.svg"), cpath, spath), 2)):
    r = run(*args)
    check(r.returncode == code, "%s exits %d (got %d)" % (" ".join(args[:3]), code, r.returncode))
a = os.path.join(PAIRS, NAMES[0], "client.pcap")
b = os.path.join(PAIRS, NAMES[1], "server.pcap")
r = run("plot", "-k", "delay", "-o", os.path.join(TMP, "x.svg"), a, b)
check(r.returncode == 3, "plot -k delay of different runs: exit 3")

if failures:
    print("%d failures" % len(failures))
    sys.exit(1)
print("match: all checks passed")
