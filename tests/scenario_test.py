#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Scripted MPTCP scenarios, the way the kernel developers test their stack
with packetdrill: each tests/scenarios/*.scn file states every packet of a
connection (flags, relative sequence numbers, MPTCP options with keys, DSS
values, HMACs and checksums computed here from the keys) and what the Linux
kernel would make of it. This script turns each one into a pcap, runs
`mpflow summary --format json` and `mpflow frames --format json --all` on it
and checks every `expect` line against their output: the contract the
held-out checks read. The crypto here is Python's hashlib, independent of
the library's libgcrypt, so tokens, IDSNs and HMACs are checked too.

usage: scenario_test.py MPFLOW SCENARIO_DIR [--write DIR] [NAME...]
  --write DIR   also keep each pcap as DIR/NAME.pcap
  NAME          run only these scenarios

The format (one statement a line, `#` starts a comment):

  version 0|1                  MPTCP version of the options (default 1)
  keys c=KEY s=KEY             the client's and the server's 64-bit keys
  keys2 c=KEY s=KEY            a second connection's keys (options say
                               key=c2 / token=s2 ... to use them)
  path ID CADDR:PORT SADDR:PORT [isn=C:S]
                               a subflow's 4-tuple, client end first; its
                               initial sequence numbers (defaults differ per
                               path); IPv6 addresses in brackets
  c|s PATH FLAGS SEQ[:END] [ack N] [<OPT, OPT...>]
                               a segment from the client (c) or server (s)
                               end of the path: FLAGS of S A F R P; SEQ and
                               ack relative to each end's ISN (packetdrill
                               style, so 0 is the SYN); END-SEQ payload bytes
  expect ...                   see check_expect()

Options (values relative to the IDSN of the side whose data they number,
like packetdrill's dsn8=1; raw:0xN for an absolute value):
  mpc [v=N] [flags=AHBC|0] [key=c|s|c:s|none] [dll=N] [csum=auto|bad|0xN]
  join [id=N] [backup] [token=c|s|0xN] [nonce=N] [hmac=auto|bad|0xN]
                               SYN, SYN/ACK or third ACK form by the flags
  dss [ack=N|ack4=N] [dsn=N|dsn4=N] [ssn=N] [dll=N] [fin] [csum=auto|bad|0xN]
  add id=N addr=A [port=P] [echo] [hmac=auto|bad|legacy|none]
  rm id=N[:N...]
  prio [backup] [id=N]
  fail dsn=N                   (the DSN of the peer's data that failed)
  fastclose [key=c|s|0xN]      (default: the receiver's key)
  tcprst reason=N [flags=T]
"""
import hashlib, hmac, ipaddress, json, os, re, shlex, struct, subprocess, sys, tempfile

# ------------------------------------------------------------ crypto


def derive(version, key):
    """(token, idsn) of a key: SHA-256 (v1) or SHA-1 (v0) of its 8 bytes."""
    d = (hashlib.sha256 if version == 1 else hashlib.sha1)(struct.pack(">Q", key)).digest()
    return struct.unpack(">I", d[:4])[0], struct.unpack(">Q", d[-8:])[0]


def mac(version, k1, k2, msg):
    return hmac.new(struct.pack(">QQ", k1, k2), msg,
                    hashlib.sha256 if version == 1 else hashlib.sha1).digest()


def csum_add(s, data):
    if len(data) % 2:
        data += b"\0"
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def dss_csum(dsn, ssn, dll, payload):
    ph = struct.pack(">QIHH", dsn & (2**64 - 1), ssn & 0xffffffff, dll, 0)
    return (~csum_add(csum_add(0, ph), payload)) & 0xffff


def payload_byte(path, sender, rel):
    """The payload byte at relative sequence number @rel: known to every
    statement, so a checksum can cover segments not yet written."""
    return (rel * 7 + path * 13 + (0 if sender == "c" else 101)) & 0xff


# ------------------------------------------------------------ scenario


class ScenarioError(Exception):
    pass


class Path:
    def __init__(self, pid, c, s, isn):
        self.id, self.ep = pid, {"c": c, "s": s}
        self.isn = isn
        self.nonce = {}


def parse_ep(text):
    m = re.fullmatch(r"\[([0-9a-fA-F:.]+)\]:(\d+)|([0-9.]+):(\d+)", text)
    if not m:
        raise ScenarioError("bad endpoint " + text)
    addr = m.group(1) or m.group(3)
    return ipaddress.ip_address(addr), int(m.group(2) or m.group(4))


def num(text):
    return int(text, 0)


class Scenario:
    def __init__(self, name, lines):
        self.name = name
        self.version = 1
        self.keys = {}
        self.paths = {}
        self.frames = []   # bytes of each IP packet
        self.expects = []  # (line number, words)
        self.nframes = 0
        for ln, raw in enumerate(lines, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            try:
                self.statement(line, ln)
            except (ScenarioError, ValueError, KeyError, IndexError) as e:
                raise ScenarioError("%s:%d: %s (%s)" % (name, ln, e, line))

    # -- keys and tokens
    def key(self, who):
        if who not in self.keys:
            raise ScenarioError("no key for " + who)
        return self.keys[who]

    def keyval(self, text):
        if text.startswith("0x") or text.isdigit():
            return num(text)
        return self.key(text)

    def statement(self, line, ln):
        words = line.split(None, 1)
        op, rest = words[0], words[1] if len(words) > 1 else ""
        if op == "version":
            self.version = num(rest)
        elif op in ("keys", "keys2"):
            suffix = "" if op == "keys" else "2"
            for kv in rest.split():
                k, v = kv.split("=")
                self.keys[k + suffix] = num(v)
        elif op == "path":
            w = rest.split()
            pid = num(w[0])
            c, s = parse_ep(w[1]), parse_ep(w[2])
            isn = {"c": 1000000 + 100000 * pid, "s": 5000000 + 300000 * pid}
            for extra in w[3:]:
                k, v = extra.split("=")
                if k == "isn":
                    a, b = v.split(":")
                    isn = {"c": num(a), "s": num(b)}
                else:
                    raise ScenarioError("unknown path parameter " + k)
            self.paths[pid] = Path(pid, c, s, isn)
        elif op in ("c", "s"):
            self.segment(op, rest)
        elif op == "expect":
            self.expects.append((ln, rest))
        else:
            raise ScenarioError("unknown statement " + op)

    # -- segments
    def segment(self, sender, rest):
        m = re.fullmatch(r"(\d+)\s+([SAFRP.]+)\s+(\d+)(?::(\d+))?(?:\s+ack\s+(\d+))?\s*(?:<(.*)>)?\s*", rest)
        if not m:
            raise ScenarioError("bad segment")
        path = self.paths[num(m.group(1))]
        flags = m.group(2)
        seq = num(m.group(3))
        end = num(m.group(4)) if m.group(4) else seq
        ack = m.group(5)
        other = "s" if sender == "c" else "c"
        payload = bytes(payload_byte(path.id, sender, r) for r in range(seq, end))
        ctx = {"sender": sender, "other": other, "path": path, "flags": flags,
               "seq": seq, "payload": payload}
        opts = b""
        if m.group(6):
            for text in split_opts(m.group(6)):
                opts += self.option(text, ctx)
        if len(opts) > 40:
            raise ScenarioError("options of %d bytes" % len(opts))
        while len(opts) % 4:
            opts += b"\x01"
        bits = 0
        for ch, b in (("F", 1), ("S", 2), ("R", 4), ("P", 8), ("A", 16)):
            if ch in flags:
                bits |= b
        src, sport = path.ep[sender]
        dst, dport = path.ep[other]
        tcp = struct.pack(">HHIIBBHHH", sport, dport,
                          (path.isn[sender] + seq) & 0xffffffff,
                          (path.isn[other] + num(ack)) & 0xffffffff if ack is not None else 0,
                          (20 + len(opts)) // 4 << 4, bits, 65535, 0, 0) + opts + payload
        self.frames.append(ip_packet(src, dst, tcp))

    def side_key(self, who, conn):
        return self.key(who + conn)

    def option(self, text, ctx):
        w = text.split()
        kind, params = w[0], {}
        for p in w[1:]:
            k, _, v = p.partition("=")
            params[k] = v if _ else True
        conn = params.pop("conn", "")
        conn = "2" if conn == "2" else ""
        fn = getattr(self, "opt_" + kind, None)
        if not fn:
            raise ScenarioError("unknown option " + kind)
        return fn(params, ctx, conn)

    def idsn(self, who, conn):
        return derive(self.version, self.side_key(who, conn))[1]

    def rel(self, text, who, conn):
        if text.startswith("raw:"):
            return num(text[4:])
        return (self.idsn(who, conn) + num(text)) & (2**64 - 1)

    def opt_mpc(self, p, ctx, conn):
        v = num(p.get("v", str(self.version)))
        flags = p.get("flags", "H")
        fb = 0
        for ch in flags if flags != "0" else "":
            fb |= {"A": 0x80, "B": 0x40, "C": 0x20, "H": 0x01}[ch]
        syn, ack = "S" in ctx["flags"], "A" in ctx["flags"]
        if "key" in p:
            keys = [] if p["key"] == "none" else p["key"].split(":")
        elif syn and not ack:
            keys = [] if v == 1 else [ctx["sender"]]
        elif syn:
            keys = [ctx["sender"]]
        else:
            keys = [ctx["sender"], ctx["other"]]
        body = bytes([fb])
        for k in keys:
            body += struct.pack(">Q", self.keyval(k + conn if k in ("c", "s") else k))
        if "dll" in p:
            dll = num(p["dll"])
            body += struct.pack(">H", dll)
            if "csum" in p:
                dsn = self.idsn(ctx["sender"], conn) + 1
                body += struct.pack(">H", self.csum_value(p["csum"], dsn, 1, dll, ctx, 1))
        return opt(0, v, body)

    def csum_value(self, how, dsn, ssn, dll, ctx, ssn_rel, fin=False):
        if how.startswith("0x"):
            return num(how)
        n = dll - 1 if fin and dll else dll
        data = bytes(payload_byte(ctx["path"].id, ctx["sender"], r) for r in range(ssn_rel, ssn_rel + n))
        c = dss_csum(dsn, ssn, dll, data)
        return c ^ 0x0101 if how == "bad" else c

    def opt_join(self, p, ctx, conn):
        path, sender, other = ctx["path"], ctx["sender"], ctx["other"]
        syn, ack = "S" in ctx["flags"], "A" in ctx["flags"]
        sub = 0x10 | (1 if "backup" in p else 0)
        aid = num(p.get("id", "0"))
        if syn and not ack:
            # the SYN carries the token of the side it is sent to
            tok = p.get("token", other)
            token = num(tok) if tok.startswith("0x") else derive(self.version, self.keyval(tok + conn))[0]
            nonce = num(p.get("nonce", str(0x0a0b0c0d + path.id)))
            path.nonce[sender] = nonce
            path.opener = sender
            return bytes([30, 12, sub, aid]) + struct.pack(">II", token, nonce)
        a = path.opener
        b = "s" if a == "c" else "c"
        ka, kb = self.keyval(a + conn), self.keyval(b + conn)
        if syn:
            nonce = num(p.get("nonce", str(0x01020304 + path.id)))
            path.nonce[sender] = nonce
            h = p.get("hmac", "auto")
            if h.startswith("0x"):
                trunc = num(h)
            else:
                d = mac(self.version, kb, ka, struct.pack(">II", path.nonce[b], path.nonce[a]))
                trunc = struct.unpack(">Q", d[:8])[0] ^ (1 if h == "bad" else 0)
            return bytes([30, 16, sub, aid]) + struct.pack(">QI", trunc, nonce)
        h = p.get("hmac", "auto")
        if h.startswith("0x"):
            full = bytes.fromhex(h[2:])
        else:
            full = mac(self.version, ka, kb, struct.pack(">II", path.nonce[a], path.nonce[b]))[:20]
            if h == "bad":
                full = full[:19] + bytes([full[19] ^ 1])
        return bytes([30, 24, 0x10, 0]) + full

    def opt_dss(self, p, ctx, conn):
        sender, other = ctx["sender"], ctx["other"]
        flags, body = 0, b""
        if "ack" in p or "ack4" in p:
            a = self.rel(p.get("ack", p.get("ack4")), other, conn)
            flags |= 0x01
            if "ack" in p:
                flags |= 0x02
                body += struct.pack(">Q", a)
            else:
                body += struct.pack(">I", a & 0xffffffff)
        if "dsn" in p or "dsn4" in p:
            d = self.rel(p.get("dsn", p.get("dsn4")), sender, conn)
            ssn = num(p.get("ssn", "0"))
            dll = num(p.get("dll", "0"))
            flags |= 0x04
            if "dsn" in p:
                flags |= 0x08
                body += struct.pack(">Q", d)
            else:
                body += struct.pack(">I", d & 0xffffffff)
            body += struct.pack(">IH", ssn, dll)
            if "csum" in p:
                body += struct.pack(">H", self.csum_value(p["csum"], d, ssn, dll, ctx, ssn,
                                                          "fin" in p))
        if "fin" in p:
            flags |= 0x10
        return bytes([30, 4 + len(body), 0x20, flags]) + body

    def opt_add(self, p, ctx, conn):
        a = ipaddress.ip_address(p["addr"])
        aid = num(p["id"])
        port = num(p["port"]) if "port" in p else None
        ab = a.packed
        tail = struct.pack(">H", port) if port is not None else b""
        if self.version == 0:
            nib = 4 if a.version == 4 else 6
            body = bytes([0x30 | nib, aid]) + ab + tail
            return bytes([30, 2 + len(body)]) + body
        echo = "echo" in p
        h = p.get("hmac", "none" if echo else "auto")
        mac8 = b""
        if h != "none":
            if h.startswith("0x"):
                mac8 = struct.pack(">Q", num(h))
            else:
                msg = bytes([aid]) + ab + struct.pack(">H", port or 0)
                d = mac(1, self.keyval(ctx["sender"] + conn), self.keyval(ctx["other"] + conn), msg)
                mac8 = d[:8] if h == "legacy" else d[-8:]
                if h == "bad":
                    mac8 = mac8[:7] + bytes([mac8[7] ^ 1])
        body = bytes([0x30 | (1 if echo else 0), aid]) + ab + tail + mac8
        return bytes([30, 2 + len(body)]) + body

    def opt_rm(self, p, ctx, conn):
        ids = [num(x) for x in p["id"].split(":")]
        return bytes([30, 3 + len(ids), 0x40]) + bytes(ids)

    def opt_prio(self, p, ctx, conn):
        b = bytes([0x50 | (1 if "backup" in p else 0)])
        if "id" in p:
            b += bytes([num(p["id"])])
        return bytes([30, 2 + len(b)]) + b

    def opt_fail(self, p, ctx, conn):
        return bytes([30, 12, 0x60, 0]) + struct.pack(">Q", self.rel(p["dsn"], ctx["other"], conn))

    def opt_fastclose(self, p, ctx, conn):
        k = p.get("key", ctx["other"])
        key = self.keyval(k + conn if k in ("c", "s") else k)
        return bytes([30, 12, 0x70, 0]) + struct.pack(">Q", key)

    def opt_tcprst(self, p, ctx, conn):
        f = 0
        for ch in p.get("flags", ""):
            f |= {"U": 8, "V": 4, "W": 2, "T": 1}[ch]
        return bytes([30, 4, 0x80 | f, num(p.get("reason", "0"))])

    def opt_raw(self, p, ctx, conn):
        return bytes.fromhex(p["hex"])

    def pcap(self):
        out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)
        for i, f in enumerate(self.frames):
            out += struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(f), len(f)) + f
        return out


def split_opts(text):
    return [t.strip() for t in text.split(",") if t.strip()]


def opt(subtype, low, body):
    return bytes([30, 3 + len(body), subtype << 4 | low]) + body


def ip_packet(src, dst, tcp):
    if src.version == 4:
        h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0,
                        src.packed, dst.packed)
        s = (~csum_add(0, h)) & 0xffff
        h = h[:10] + struct.pack(">H", s) + h[12:]
        pseudo = src.packed + dst.packed + struct.pack(">BBH", 0, 6, len(tcp))
    else:
        h = struct.pack(">IHBB16s16s", 0x60000000, len(tcp), 6, 64, src.packed, dst.packed)
        pseudo = src.packed + dst.packed + struct.pack(">IxxxB", len(tcp), 6)
    c = (~csum_add(0, pseudo + tcp)) & 0xffff
    tcp = tcp[:16] + struct.pack(">H", c) + tcp[18:]
    return h + tcp


# ------------------------------------------------------------ checking


def lookup(doc, path):
    cur = doc
    for part in path.split("."):
        if isinstance(cur, list):
            cur = cur[int(part)]
        elif isinstance(cur, dict):
            if part not in cur:
                raise KeyError("no key %r" % part)
            cur = cur[part]
        else:
            raise KeyError("%r is not an object" % part)
    return cur


def value(text):
    if text == "-":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


TSHARK_PREFS = ["-o", "mptcp.analyze_mappings:TRUE", "-o", "mptcp.relative_sequence_numbers:TRUE"]


def tshark_field(pcap, field):
    """Wireshark's value of @field per frame (strings, "" when absent), or
    None when tshark is not installed."""
    try:
        r = subprocess.run(["tshark", "-r", pcap, *TSHARK_PREFS, "-T", "fields", "-e", field],
                           capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        return None
    return r.stdout.split("\n")


class Checker:
    def __init__(self, name, summary, frames, pcap):
        self.name, self.s, self.failures = name, summary, []
        self.frames = {f["frame"]: f for f in frames["frames"]}
        self.node_id = 0
        self.pcap = pcap
        self.skipped = 0

    def fail(self, ln, what):
        self.failures.append("%s:%d: %s" % (self.name, ln, what))

    def eq(self, ln, what, got, want):
        if got != want:
            self.fail(ln, "%s: got %s, want %s" % (what, json.dumps(got), json.dumps(want)))

    def node(self):
        for n in self.s["nodes"]:
            if n["id"] == self.node_id:
                return n
        raise KeyError("no node %d" % self.node_id)

    def flow(self, fid):
        for n in self.s["nodes"]:
            for f in n.get("flows", []):
                if f["id"] == fid:
                    return f
        raise KeyError("no flow %d" % fid)

    def states(self, ln, what, obj, words):
        want = []
        for w in words:
            st, _, fr = w.partition("@")
            want.append([st, int(fr)])
        got = [[t["state"], t["frame"]] for t in obj.get("transitions", [])]
        self.eq(ln, what + " transitions", got, want)

    def check(self, ln, text):
        w = shlex.split(text)
        op, args = w[0], w[1:]
        try:
            self.check_one(ln, op, args)
        except (KeyError, IndexError, ValueError, TypeError) as e:
            self.fail(ln, "%s: %s" % (text, e))

    def check_one(self, ln, op, a):
        """expect node ID                 later lines look at node ID (default 0)
        expect nodes N                   MPTCP nodes in the summary
        expect fallback FRAME CAUSE      fell back at FRAME, for CAUSE
        expect fallback none
        expect end KIND [FRAME]          how the connection ended
        expect subflows N / joins N      flows, and those opened by MP_JOIN
        expect hmac OK BAD UNVERIFIED    MP_JOIN HMAC checks of the node
        expect dsn F=V...                relative DSN of frames (- for none)
        expect dack F=V...               relative data ack of frames
        expect where F=NODE/FLOW...      the node and flow of frames
        expect flags F NAME...           frame F carries these flags
        expect noflags F NAME...         ... and not these
        expect node-states S@F...        the node's transitions
        expect flow-states FLOW S@F...   a flow's transitions
        expect json PATH VALUE           any key of the node's JSON
        expect summary PATH VALUE        any key of the whole summary
        expect tshark FIELD F=V...       Wireshark's FIELD of frames (- for
                                         none): where it agrees, and where
                                         it is wrong (said in a comment);
                                         skipped without tshark"""
        if op == "node":
            self.node_id = int(a[0])
        elif op == "nodes":
            got = sum(1 for n in self.s["nodes"] if n["protocol"] == "mptcp")
            self.eq(ln, "nodes", got, int(a[0]))
        elif op == "fallback":
            m = self.node()["mptcp"]
            if a[0] == "none":
                self.eq(ln, "fallback", m["fallback"], False)
            else:
                self.eq(ln, "fallback", [m["fallback"], m["fallback_frame"], m.get("fallback_cause")],
                        [True, int(a[0]), a[1]])
        elif op == "end":
            m = self.node()["mptcp"]
            self.eq(ln, "end", m["end"], a[0])
            if len(a) > 1:
                self.eq(ln, "end_frame", m["end_frame"], value(a[1]))
        elif op == "subflows":
            self.eq(ln, "subflows", len(self.node()["flows"]), int(a[0]))
        elif op == "joins":
            got = sum(1 for f in self.node()["flows"] if f["role"] == "join")
            self.eq(ln, "joins", got, int(a[0]))
            self.eq(ln, "mptcp.joins", self.node()["mptcp"].get("joins"), int(a[0]))
        elif op == "hmac":
            h = self.node()["mptcp"]["checks"]["join_hmac"]
            self.eq(ln, "join_hmac", [h["ok"], h["bad"], h["unverified"]], [int(x) for x in a])
        elif op in ("dsn", "dack"):
            for item in a:
                f, v = item.split("=")
                self.eq(ln, "frame %s %s" % (f, op), self.frames[int(f)][op], value(v))
        elif op == "where":
            for item in a:
                f, v = item.split("=")
                nd, _, fl = v.partition("/")
                fr = self.frames[int(f)]
                self.eq(ln, "frame %s node/flow" % f, [fr["node"], fr["flow"]],
                        [value(nd), value(fl) if fl else fr["flow"]])
        elif op in ("flags", "noflags"):
            fr = self.frames[int(a[0])]
            for name in a[1:]:
                if (name in fr["flags"]) != (op == "flags"):
                    self.fail(ln, "frame %s: flag %s %s (flags %s)" % (
                        a[0], name, "missing" if op == "flags" else "present", fr["flags"]))
        elif op == "node-states":
            self.states(ln, "node %d" % self.node_id, self.node()["mptcp"], a)
        elif op == "flow-states":
            self.states(ln, "flow %s" % a[0], self.flow(int(a[0])), a[1:])
        elif op == "json":
            self.eq(ln, a[0], lookup(self.node(), a[0]), value(a[1]))
        elif op == "tshark":
            col = tshark_field(self.pcap, a[0])
            if col is None:
                self.skipped += 1
                return
            for item in a[1:]:
                f, v = item.split("=", 1)
                got = col[int(f) - 1] if int(f) <= len(col) else ""
                self.eq(ln, "tshark frame %s %s" % (f, a[0]), got, "" if v == "-" else v)
        elif op == "summary":
            self.eq(ln, a[0], lookup(self.s, a[0]), value(a[1]))
        else:
            raise ValueError("unknown expectation " + op)


def run(mpflow, path):
    out = []
    for cmd in (["summary", "--format", "json"], ["frames", "--format", "json", "--all"]):
        r = subprocess.run([mpflow, *cmd, path], capture_output=True, timeout=60)
        if r.returncode != 0:
            raise ScenarioError("%s exit %d: %s" % (" ".join(cmd), r.returncode,
                                                  r.stderr.decode(errors="replace")))
        out.append(json.loads(r.stdout))
    return out


def main(argv):
    mpflow, sdir = argv[1], argv[2]
    write, names, i = None, [], 3
    while i < len(argv):
        if argv[i] == "--write":
            write = argv[i + 1]
            i += 2
        else:
            names.append(argv[i])
            i += 1
    files = sorted(f for f in os.listdir(sdir) if f.endswith(".scn"))
    if names:
        files = [f for f in files if f[:-4] in names]
    failures, checked = [], 0
    with tempfile.TemporaryDirectory(prefix="mpflow-scn-") as tmp:
        for f in files:
            name = f[:-4]
            try:
                sc = Scenario(name, open(os.path.join(sdir, f)).read().splitlines())
                if not sc.expects:
                    raise ScenarioError(name + ": no expectations")
                path = os.path.join(write or tmp, name + ".pcap")
                with open(path, "wb") as o:
                    o.write(sc.pcap())
                summary, frames = run(mpflow, path)
            except ScenarioError as e:
                failures.append(str(e))
                print("FAIL", e)
                continue
            ck = Checker(name, summary, frames, path)
            for ln, text in sc.expects:
                ck.check(ln, text)
                checked += 1
            for x in ck.failures:
                print("FAIL", x)
            failures += ck.failures
            print("%s %s (%d packets, %d expectations%s)" % (
                "not ok" if ck.failures else "ok", name, len(sc.frames), len(sc.expects),
                ", %d skipped: no tshark" % ck.skipped if ck.skipped else ""))
    print("scenarios: %d files, %d expectations, %d failed" % (len(files), checked, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
