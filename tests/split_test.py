#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""mpflow split: every frame in exactly one shard, in order, byte for byte,
with the first-frame numbers the manifest and the file names give.

usage: split_test.py MPFLOW TEST_DATA_DIR
"""

import json
import os
import struct
import subprocess
import sys
import tempfile


def records(path):
    """(seconds, nanoseconds, wire length, data) of each frame of a pcap
    (microsecond or nanosecond magic, either byte order)."""
    with open(path, "rb") as f:
        head = f.read(24)
        magic = head[:4]
        order = {b"\xd4\xc3\xb2\xa1": ("<", 1000), b"\x4d\x3c\xb2\xa1": ("<", 1),
                 b"\xa1\xb2\xc3\xd4": (">", 1000), b"\xa1\xb2\x3c\x4d": (">", 1)}
        if magic not in order:
            return None  # pcapng: not read here
        end, scale = order[magic]
        out = []
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            sec, frac, cap, wire = struct.unpack(end + "IIII", h)
            out.append((sec, frac * scale, wire, f.read(cap)))
        return out


def run(args, want):
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != want:
        sys.exit("FAIL %s: exit %d, wanted %d\n%s" % (args, p.returncode, want,
                                                     p.stderr))
    return p


def check(mpflow, capture, shards, by, tmp):
    out = os.path.join(tmp, "%s-%d-%s" % (os.path.basename(os.path.dirname(capture)),
                                          shards, by))
    run([mpflow, "split", capture, "--shards", str(shards), "--by", by, out], 0)
    with open(os.path.join(out, "manifest.json")) as f:
        man = json.load(f)
    whole = records(capture)
    assert man["frames"] == len(whole), (capture, man["frames"], len(whole))
    assert len(man["shards"]) == shards
    got, number = [], 1
    for k, sh in enumerate(man["shards"]):
        stem = os.path.splitext(os.path.basename(capture))[0]
        assert sh["path"] == "%s.shard%d.f%d.pcap" % (stem, k, sh["first_frame"]), sh
        assert sh["first_frame"] == number, (sh, number)
        recs = records(os.path.join(out, sh["path"]))
        assert len(recs) == sh["frames"], sh
        if recs:
            t0 = recs[0][0] + recs[0][1] / 1e9
            assert abs(t0 - sh["first_time"]) < 1e-6, (sh, t0)
        got.extend(recs)
        number += len(recs)
    assert got == whole, capture  # every frame, once, in order, same bytes
    if by == "frames":
        sizes = [s["frames"] for s in man["shards"]]
        assert max(sizes) - min(sizes) <= 1, sizes
    return man


def main():
    mpflow, data = sys.argv[1], sys.argv[2]
    caps = [os.path.join(data, "kernel", "v1-4paths-4conns-loss", "capture.pcap"),
            os.path.join(data, "usrsctp", "raw-2paths-3assocs-sequential", "capture.pcap"),
            os.path.join(data, "oor", "v4-primary-backup", "capture.pcap"),
            os.path.join(data, "public", "tcpdump-mptcp-v1.pcap")]
    with tempfile.TemporaryDirectory() as tmp:
        for cap in caps:
            for n in (1, 3, 8):
                for by in ("time", "frames"):
                    check(mpflow, cap, n, by, tmp)
        # time cuts: each shard's frames fall in its interval of the span
        man = check(mpflow, caps[1], 5, "time", tmp)
        times = [s for s in man["shards"] if s["frames"]]
        t0, t1 = times[0]["first_time"], times[-1]["last_time"]
        for k, s in enumerate(man["shards"]):
            if s["frames"]:
                lo = t0 + (t1 - t0) * k / 5
                assert s["first_time"] >= lo - 1e-6, (k, s, lo)
        # more shards than frames: empty shards, still N files
        tiny = os.path.join(data, "public", "tcpdump-mptcp-tcprst.pcap")
        m = check(mpflow, tiny, 8, "frames", tmp)
        assert sum(1 for s in m["shards"] if s["frames"] == 0) >= 8 - m["frames"]

        run([mpflow, "split", caps[0], tmp], 2)               # no --shards
        run([mpflow, "split", caps[0], "--shards", "0", tmp], 2)
        run([mpflow, "split", caps[0], "--shards", "x", tmp], 2)
        run([mpflow, "split", "-", "--shards", "2", tmp], 2)  # read twice
        run([mpflow, "split", caps[0], "--shards", "2", "--by", "bytes", tmp], 2)
        run([mpflow, "split", "-r", caps[0], "--shards", "2"], 2)  # no OUTDIR
        run([mpflow, "split", os.path.join(tmp, "none.pcap"), "--shards", "2",
             os.path.join(tmp, "o")], 1)
        p = run([mpflow, "split", "--help"], 0)
        assert "--shards" in p.stdout
        # --at: cuts where asked, shards that begin at those frames
        out = os.path.join(tmp, "at")
        run([mpflow, "split", caps[0], "--at", "3,10,500", out], 0)
        with open(os.path.join(out, "manifest.json")) as f:
            man = json.load(f)
        assert [s["first_frame"] for s in man["shards"]] == [1, 3, 10, 500], man
        got = []
        for s in man["shards"]:
            got.extend(records(os.path.join(out, s["path"])))
        assert got == records(caps[0])
        run([mpflow, "split", caps[0], "--at", "10,3", out], 2)
        run([mpflow, "split", caps[0], "--at", "1", out], 2)
        run([mpflow, "split", caps[0], "--at", "5", "--shards", "2", out], 2)
        # -r FILE as tcpdump users type it
        run([mpflow, "split", "-r", caps[0], "-n", "2", os.path.join(tmp, "r")], 0)
    print("split: ok")


if __name__ == "__main__":
    main()
