# SPDX-License-Identifier: LGPL-2.1-or-later
"""Capture files written and read block by block, for the tests and the
fuzz seeds (tests/input_test.py, tests/fuzz/make-corpus): every pcapng
block mpflow's reader knows, in either byte order, and the frames of a
pcap or pcapng file with their time stamps. Python's standard library
only."""
import struct

SHB, IDB, OPB, SPB, EPB = 0x0A0D0D0A, 1, 2, 3, 6


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


class Pcapng:
    """Blocks of one byte order (big=True: big-endian)."""

    def __init__(self, big=False):
        self.e = ">" if big else "<"

    def block(self, btype, body):
        body = pad4(body)
        n = 12 + len(body)
        return struct.pack(self.e + "II", btype, n) + body + struct.pack(self.e + "I", n)

    def option(self, code, value):
        return struct.pack(self.e + "HH", code, len(value)) + pad4(value)

    def shb(self, major=1, minor=0):
        return self.block(SHB, struct.pack(self.e + "IHHq", 0x1A2B3C4D, major, minor, -1))

    def idb(self, linktype, snaplen=0, tsresol=None, tsoffset=None):
        opts = b""
        if tsresol is not None:
            opts += self.option(9, bytes([tsresol]))
        if tsoffset is not None:
            opts += self.option(14, struct.pack(self.e + "q", tsoffset))
        if opts:
            opts += self.option(0, b"")
        return self.block(IDB, struct.pack(self.e + "HHI", linktype, 0, snaplen) + opts)

    def epb(self, iface, ts, data, wirelen=None):
        return self.block(EPB, struct.pack(self.e + "IIIII", iface, ts >> 32, ts & 0xFFFFFFFF,
                                           len(data), len(data) if wirelen is None else wirelen) + data)

    def opb(self, iface, ts, data, wirelen=None):
        return self.block(OPB, struct.pack(self.e + "HHIIII", iface, 0, ts >> 32, ts & 0xFFFFFFFF,
                                           len(data), len(data) if wirelen is None else wirelen) + data)

    def spb(self, data, wirelen=None):
        return self.block(SPB, struct.pack(self.e + "I", len(data) if wirelen is None else wirelen) + data)


def pcap(frames, linktype=1, big=False, nsec=True):
    """A classic pcap file of (ts_ns, data, wirelen) frames."""
    e = ">" if big else "<"
    out = [struct.pack(e + "IHHiIII", 0xA1B23C4D if nsec else 0xA1B2C3D4, 2, 4, 0, 0, 262144,
                       linktype)]
    for ts, data, wire in frames:
        sub = ts % 10**9 if nsec else ts % 10**9 // 1000
        out.append(struct.pack(e + "IIII", ts // 10**9, sub, len(data), wire) + data)
    return b"".join(out)


def read(data):
    """(linktype, ts_ns, bytes, wirelen) of each frame of a pcap or pcapng
    file's bytes (pcapng: Enhanced Packet Blocks, microsecond or
    nanosecond resolution); stops quietly at a damaged tail."""
    out = []
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        e, links, off = "<", [], 0
        while off + 12 <= len(data):
            btype = struct.unpack(e + "I", data[off:off + 4])[0]
            if btype == SHB:
                e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
                links = []
            blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
            if blen < 12 or off + blen > len(data):
                break
            body = data[off + 8:off + blen - 4]
            if btype == IDB:
                res, o = 6, 8
                while o + 4 <= len(body):
                    code, n = struct.unpack(e + "HH", body[o:o + 4])
                    if code == 0:
                        break
                    if code == 9:
                        res = body[o + 4]
                    o += 4 + n + (-n % 4)
                links.append((struct.unpack(e + "H", body[:2])[0], res))
            elif btype == EPB:
                iface, hi, lo, cap, wire = struct.unpack(e + "IIIII", body[:20])
                link, res = links[iface]
                ts = (hi << 32 | lo) * 10**9 // 10**res
                out.append((link, ts, body[20:20 + cap], wire))
            off += blen
        return out
    magic = data[:4]
    e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nsec = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    link = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF
    off = 24
    while off + 16 <= len(data):
        sec, sub, cap, wire = struct.unpack(e + "IIII", data[off:off + 16])
        if off + 16 + cap > len(data):
            break
        out.append((link, sec * 10**9 + sub * (1 if nsec else 1000), data[off + 16:off + 16 + cap], wire))
        off += 16 + cap
    return out
