#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python package (bindings/python): mpflow.summary() is the CLI's JSON
and mpflow.frames() its CSV on every capture in tests/data; options, errors
and partial results; mpflow.distributed.summary() on a Dask LocalCluster of
two workers gives, for a capture cut in 3 to 8 time shards (cuts inside
connections and inside handshakes), the nodes, flows, keys, tokens, packets
and bytes of one process on the whole capture, and for a list of whole
captures their summaries side by side.

usage: python_test.py MPFLOW_CLI TEST_DATA_DIR BINDINGS_DIR LIBMPFLOW
Exits 77 (skip) when cffi, pandas or dask.distributed is missing, or when
MPFLOW_TEST_SKIP says why not (a sanitized library: Python is not).
"""

import glob
import io
import json
import os
import struct
import subprocess
import sys
import tempfile

MPFLOW, DATA, BINDINGS, LIB = sys.argv[1:5]
if os.environ.get("MPFLOW_TEST_SKIP"):
    print("skip: " + os.environ["MPFLOW_TEST_SKIP"])
    sys.exit(77)
os.environ["MPFLOW_LIBRARY"] = os.path.abspath(LIB)
sys.path.insert(0, os.path.abspath(BINDINGS))

try:
    import cffi  # noqa: F401
    import pandas as pd
    from dask.distributed import Client, LocalCluster
except ImportError as e:
    print("skip: %s" % e)
    sys.exit(77)

import mpflow  # noqa: E402
import mpflow.distributed  # noqa: E402

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL " + what, flush=True)


def cli(*args):
    return subprocess.run([MPFLOW] + list(args), capture_output=True, check=True).stdout


def captures():
    return sorted(glob.glob(os.path.join(DATA, "**", "*.pcap"), recursive=True) +
                  glob.glob(os.path.join(DATA, "**", "*.cap"), recursive=True))


# ------------------------------------------------------- CLI equality

def csv_of(df):
    """A DataFrame of frames() written as the CLI writes its CSV."""
    out = io.StringIO()
    out.write(",".join(mpflow.COLUMNS) + "\n")
    for row in df.itertuples(index=False):
        cells = []
        for name, v in zip(mpflow.COLUMNS, row):
            if name == "time":
                ns = v.value
                cells.append("%d.%09d" % (ns // 10**9, ns % 10**9))
            elif pd.isna(v):
                cells.append("")
            elif name == "nonce":
                cells.append("%x" % v)
            else:
                cells.append(str(v))
        out.write(",".join(cells) + "\n")
    return out.getvalue()


def test_cli_equality():
    for cap in captures():
        check(mpflow.summary(cap) == json.loads(cli("summary", "--format", "json", cap)),
              "summary == CLI json: " + cap)
        check(mpflow.summary(cap, stream=True) ==
              json.loads(cli("summary", "--stream", "--format", "json", cap)),
              "summary(stream=True) == CLI --stream json: " + cap)
        df = mpflow.frames(cap, all=True)
        check(csv_of(df) == cli("frames", "--format", "csv", "--all", cap).decode(),
              "frames(all=True) == CLI csv --all: " + cap)
        df = mpflow.frames(cap)
        check(csv_of(df) == cli("frames", "--format", "csv", cap).decode(),
              "frames() == CLI csv: " + cap)
    cap = os.path.join(DATA, "kernel", "v1-3paths-signal-loss", "capture.pcap")
    check(csv_of(mpflow.frames(cap, stream=True)) ==
          cli("frames", "--format", "csv", "--stream", "--hold", "0", cap).decode(),
          "frames(stream=True) == CLI --stream --hold 0")
    for opts, args in (({"disable": "sctp"}, ["-d", "sctp"]),
                       ({"disable": ["mptcp", "lisp"]}, ["-d", "mptcp", "-d", "lisp"]),
                       ({"stream": True, "memory_cap": 0, "idle_timeout": 1},
                        ["--stream", "--memory-cap", "0", "--idle-timeout", "1"])):
        for cap in (os.path.join(DATA, "usrsctp", "encaps-4paths-2assocs", "capture.pcap"),
                    os.path.join(DATA, "kernel", "v1-4paths-4conns-loss", "capture.pcap")):
            check(mpflow.summary(cap, **opts) ==
                  json.loads(cli("summary", "--format", "json", *args, cap)),
                  "summary(%r) == CLI %s: %s" % (opts, args, cap))


def test_dtypes():
    df = mpflow.frames(os.path.join(DATA, "kernel", "v1-2paths", "capture.pcap"), all=True)
    for name, dtype in mpflow.DTYPES.items():
        check(str(df[name].dtype) == dtype, "dtype of %s: %s" % (name, df[name].dtype))
    check(df["dsn"].isna().any() and df["dsn"].notna().any(), "dsn: values and <NA>")
    check(df["frame"].tolist() == list(range(1, len(df) + 1)), "frames numbered from 1")


def test_time_past_int64():
    """A time stamp past what int64 nanoseconds hold (a pcapng in whole
    seconds holding 2^64-1) is saturated as the CLI does, not an
    OverflowError."""
    cap = os.path.join(DATA, "regress", "capfile-tsresol-overflow.bin")
    df = mpflow.frames(cap, all=True)
    check(len(df) > 0, "frames past int64: rows")
    check(df["time"].max() <= pd_max_time(), "frames past int64: saturated")
    for stream in (False, True):
        s = mpflow.summary(cap, stream=stream)
        check(s is not None, "summary past int64 (stream=%s)" % stream)


def pd_max_time():
    import pandas as pd
    return pd.Timestamp(2 ** 63 - 1, unit="ns", tz="UTC")


def test_iter_frames():
    cap = os.path.join(DATA, "kernel", "v1-3paths-signal-loss", "capture.pcap")
    whole = mpflow.frames(cap, stream=True, all=True)
    rows = list(mpflow.iter_frames(cap, all=True))
    check(len(rows) == len(whole) and all(isinstance(r, mpflow.Frame) for r in rows),
          "iter_frames: one Frame a frame")
    check(mpflow._frames.dataframe(rows).equals(whole), "iter_frames == frames(stream)")
    chunks = list(mpflow.iter_frames(cap, all=True, chunksize=1000))
    check([len(c) for c in chunks] == [1000] * (len(whole) // 1000) + [len(whole) % 1000],
          "iter_frames(chunksize): slices of 1000")
    check(pd.concat(chunks, ignore_index=True).equals(whole), "chunks == frames(stream)")
    check(all(r.reinjected_in is None for r in rows), "streamed: reinjected_in unknown")
    first = next(iter(mpflow.iter_frames(cap, all=True)))
    check(first.frame == 1, "iter_frames starts before the file is read to its end")
    few = list(mpflow.iter_frames(cap, all=True, count=10, first_frame=101))
    check([r.frame for r in few] == list(range(101, 111)), "count and first_frame")


def test_options_and_errors():
    cap = os.path.join(DATA, "kernel", "v1-4paths-4conns-loss", "capture.pcap")
    s = mpflow.summary(cap, first_frame=1001)
    w = mpflow.summary(cap)
    check([n["first_frame"] for n in s["nodes"]] == [n["first_frame"] + 1000 for n in w["nodes"]],
          "first_frame numbers the frames")
    check(mpflow.summary(cap, count=100)["frames"] == 100, "count stops the reading")
    port = w["nodes"][0]["flows"][0]["sport"]
    f = mpflow.frames(cap, all=True, filter="tcp port %d" % port)
    all_frames = mpflow.frames(cap, all=True)
    check(0 < len(f) < len(all_frames) and set(f["frame"]) <= set(all_frames["frame"]),
          "filter: a subset, frames keep their numbers")
    check(mpflow.summary(cap, capture="x")["capture"] == "x", "capture names the summary")
    for bad in (lambda: mpflow.summary(cap, memory_cap=1),
                lambda: mpflow.summary(cap, disable="tcp"),
                lambda: mpflow.summary(cap, first_frame=0),
                lambda: mpflow.frames(cap, filter="not a filter (")):
        try:
            bad()
            check(False, "a wrong option raises ValueError")
        except ValueError:
            pass
    with tempfile.TemporaryDirectory() as tmp:
        try:
            mpflow.summary(os.path.join(tmp, "none.pcap"))
            check(False, "a missing file raises")
        except mpflow.CaptureError as e:
            check(e.status is None and "none.pcap" in str(e), "CaptureError: " + str(e))
        # a capture that breaks off: what came before, and the error
        whole = open(cap, "rb").read()
        cut = os.path.join(tmp, "cut.pcap")
        with open(cut, "wb") as out:
            out.write(whole[:len(whole) // 2])
        try:
            mpflow.summary(cut)
            check(False, "a file that breaks off raises")
        except mpflow.CaptureError as e:
            check(e.result is not None and e.result["frames"] > 100,
                  "CaptureError.result holds what was read: %r" % (e.result and e.result["frames"]))
        # a link type the library does not decode
        odd = os.path.join(tmp, "odd.pcap")
        with open(odd, "wb") as out:
            out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 147))
        try:
            mpflow.summary(odd)
            check(False, "an unsupported link type raises")
        except mpflow.CaptureError as e:
            check(e.status == "ERR_UNSUPPORTED", "unsupported link type: %s" % e.status)
    part = mpflow.partial(cap)
    for bad, status in ((b"not a partial result", "ERR_PARTIAL"),
                        (part[:len(part) // 2], "ERR_TRUNCATED"),
                        (part + b"\0" * 8, "ERR_MALFORMED")):
        try:
            mpflow.merge([bad])
            check(False, "a bad partial raises")
        except mpflow.Error as e:
            check(e.status == status, "bad partial: %s, wanted %s" % (e.status, status))
    try:
        mpflow.merge([part, part])
        check(False, "parts out of order raise")
    except mpflow.Error as e:
        check(e.status == "ERR_ORDER", "out of order: " + str(e.status))
    check(mpflow.version().count(".") == 2, "version")


# ------------------------------------------------------------- Dask

def structure(s):
    """What one process and a merge of shards agree on: nodes (protocol,
    frames, packets, bytes, keys, tokens, tags, ports, prefix) with their
    flows, in order of first frame; the counters."""
    nodes = []
    for n in s["nodes"]:
        key = [n["protocol"], n["first_frame"], n["last_frame"], n["packets"], n["bytes"]]
        if "mptcp" in n:
            m = n["mptcp"]
            key += [m["version"], m["client"]["key"], m["client"]["token"],
                    m["server"]["key"], m["server"]["token"]]
        if "sctp" in n:
            key += [(n["sctp"][x]["port"], n["sctp"][x]["vtag"]) for x in ("client", "server")]
        if "lisp" in n:
            key += [n["lisp"]["iid"], n["lisp"]["eid_prefix"]]
        flows = sorted((f["src"], f["sport"], f["dst"], f["dport"], f["first_frame"],
                        f["last_frame"], f["packets_fwd"], f["packets_rev"], f["bytes"])
                       for f in n["flows"])
        nodes.append((key, flows))
    return sorted(nodes), s["frames"], s["counters"]


def handshake_cuts(cap):
    """Frame numbers right after frames of handshakes (MP_CAPABLE, MP_JOIN,
    SCTP INIT, INIT ACK, COOKIE): cuts inside handshakes."""
    df = mpflow.frames(cap, all=True)
    hs = df["options"].fillna("").str.contains(
        "MP_CAPABLE|MP_JOIN|INIT|COOKIE", regex=True)
    return [int(f) + 1 for f in df["frame"][hs] if int(f) < len(df)]


def test_distributed():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                           dashboard_address=None)
    client = Client(cluster)
    try:
        sharded = [os.path.join(DATA, "kernel", "v1-4paths-4conns-loss", "capture.pcap"),
                   os.path.join(DATA, "kernel", "fallback", "capture.pcap"),
                   os.path.join(DATA, "usrsctp", "ipv6-4assocs-abort", "capture.pcap"),
                   os.path.join(DATA, "oor", "v4-balance-failover", "capture.pcap")]
        with tempfile.TemporaryDirectory() as tmp:
            for cap in sharded:
                whole = structure(mpflow.summary(cap))
                for n, by in ((3, "frames"), (5, "time"), (8, "frames")):
                    out = os.path.join(tmp, "%s-%d-%s" % (os.path.basename(os.path.dirname(cap)),
                                                          n, by))
                    cli("split", cap, "--shards", str(n), "--by", by, out)
                    got = mpflow.distributed.summary(out, client)
                    check(structure(got) == whole,
                          "%d shards by %s merge to the whole: %s" % (n, by, cap))
                    check(got["capture"] == cap, "the merge names the capture")
                # cuts inside handshakes and inside the transfers (3 to 8
                # shards)
                frames = mpflow.summary(cap)["frames"]
                cuts = sorted(set(handshake_cuts(cap)[:5] + [frames // 3, 2 * frames // 3]))
                if len(cuts) >= 2:
                    out = os.path.join(tmp, "%s-hs" % os.path.basename(os.path.dirname(cap)))
                    cli("split", cap, "--at", ",".join(map(str, cuts)), out)
                    got = mpflow.distributed.summary(out, client)
                    check(structure(got) == whole,
                          "cut inside handshakes at %s merges to the whole: %s" % (cuts, cap))
                    # as Shard inputs, the way editcap's would be given
                    man = mpflow.distributed.shards(out)
                    given = [mpflow.distributed.Shard(s.path, s.first_frame, "whole")
                             for s in reversed(man)]
                    got = mpflow.distributed.summary(given, client)
                    check(structure(got) == whole and got["capture"] == "whole",
                          "Shard inputs, in any order: " + cap)
            # the shard files themselves, as mpflow split names them
            out = os.path.join(tmp, "v1-4paths-4conns-loss-5-time")
            files = sorted(glob.glob(os.path.join(out, "*.pcap")))
            check(structure(mpflow.distributed.summary(files, client)) ==
                  structure(mpflow.summary(sharded[0])), "shard files as inputs")
        whole = [os.path.join(DATA, "kernel", "v1-2paths", "capture.pcap"),
                 os.path.join(DATA, "usrsctp", "raw-2paths", "capture.pcap"),
                 os.path.join(DATA, "oor", "v4-primary-backup", "capture.pcap"),
                 os.path.join(DATA, "public", "pkts-sctp_init_collision.cap")]
        got = mpflow.distributed.summary(whole, client)
        check(got == {"captures": [mpflow.summary(c) for c in whole]},
              "whole captures: their summaries side by side")
        check(mpflow.distributed.summary(whole[0]) == mpflow.summary(whole[0]),
              "one capture, the current client")
    finally:
        client.close()
        cluster.close()
    check(mpflow.distributed.summary(whole[:2]) ==
          {"captures": [mpflow.summary(c) for c in whole[:2]]},
          "no client: Dask's local scheduler")


def main():
    test_cli_equality()
    test_dtypes()
    test_time_past_int64()
    test_iter_frames()
    test_options_and_errors()
    test_distributed()
    if FAILS:
        print("%d failures" % len(FAILS))
        sys.exit(1)
    print("python: ok")


if __name__ == "__main__":
    main()
