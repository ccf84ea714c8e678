#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Wireshark plugin, loaded into tshark from a temporary HOME
(~/.local/lib/wireshark/plugins/4.0/epan/), must show exactly what
`mpflow frames` prints, frame by frame, in one pass and with -2; list every
contract field in `tshark -G fields`; honour its preference; and give
working display filters.

Wireshark never loads personal plugins for root, so as root tshark runs as
the unprivileged user nobody (setpriv). Skips (77) without tshark.
usage: wireshark_test.py PLUGIN MPFLOW DATA_DIR"""
import csv, glob, io, json, os, shutil, subprocess, sys, tempfile

PLUGIN, MPFLOW, DATA = sys.argv[1:4]
FIELDS = ["mpflow.node", "mpflow.flow", "mpflow.protocol", "mpflow.node.flows",
          "mpflow.direction", "mpflow.status", "mpflow.mptcp.version",
          "mpflow.mptcp.dsn", "mpflow.mptcp.dack", "mpflow.mptcp.mapping_frame",
          "mpflow.mptcp.token", "mpflow.mptcp.reinjection_of",
          "mpflow.mptcp.reinjected_in", "mpflow.sctp.tsn", "mpflow.sctp.cum_ack",
          "mpflow.sctp.vtag", "mpflow.sctp.chunk", "mpflow.lisp.type",
          "mpflow.lisp.iid", "mpflow.lisp.eid_prefix", "mpflow.lisp.nonce",
          "mpflow.lisp.request_frame"]
failures = []

if not shutil.which("tshark"):
    print("skipped: tshark is not installed")
    sys.exit(77)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


tmp = tempfile.mkdtemp(prefix="mpflow-ws-")
try:
    plugdir = os.path.join(tmp, ".local", "lib", "wireshark", "plugins", "4.0", "epan")
    os.makedirs(plugdir)
    shutil.copy(PLUGIN, plugdir)
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            print("skipped: root, and no setpriv to run tshark unprivileged")
            sys.exit(77)
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    for root, dirs, files in os.walk(tmp):
        os.chmod(root, 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    env = dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, ".config"))

    def tshark(*args):
        r = subprocess.run(prefix + ["tshark", *args], env=env, capture_output=True,
                           text=True, timeout=600, cwd=tmp)
        check(r.returncode == 0, "tshark %s: %s" % (" ".join(args), r.stderr.strip()[-300:]))
        return r.stdout

    listed = {line.split("\t")[2] for line in tshark("-G", "fields").splitlines()
              if line.startswith("F\t")}
    for f in FIELDS:
        check(f in listed, "tshark -G fields lists " + f)

    caps = sorted(glob.glob(os.path.join(DATA, "kernel", "*", "capture.pcap")) +
                  glob.glob(os.path.join(DATA, "usrsctp", "*", "capture.pcap")) +
                  glob.glob(os.path.join(DATA, "oor", "*", "capture.pcap")) +
                  glob.glob(os.path.join(DATA, "public", "*.pcap")) +
                  glob.glob(os.path.join(DATA, "public", "*.cap")))
    # reinjected_in last: a single pass cannot know it (see below)
    cols = ["mpflow.node", "mpflow.flow", "mpflow.mptcp.dsn", "mpflow.mptcp.dack",
            "mpflow.mptcp.mapping_frame", "mpflow.mptcp.reinjection_of",
            "mpflow.sctp.tsn", "mpflow.sctp.cum_ack", "mpflow.lisp.iid",
            "mpflow.lisp.request_frame", "mpflow.mptcp.reinjected_in"]
    keys = ["node", "flow", "dsn", "dack", "mapping_frame", "reinjection_of",
            "tsn", "cum_tsn_ack", "lisp_iid", "request_frame", "reinjected_in"]
    for cap in caps:
        local = os.path.join(tmp, "c.pcap")
        shutil.copy(cap, local)
        os.chmod(local, 0o644)
        def frames(*extra):
            r = subprocess.run([MPFLOW, "frames", "--all", "--format", "csv", *extra, cap],
                               capture_output=True, text=True, timeout=600)
            out = {}
            for x in csv.DictReader(io.StringIO(r.stdout)):
                # mpflow.lisp.iid is the site's instance; the CSV's iid the packet's
                x["lisp_iid"] = site_iid.get(x["node"], "") if x["protocol"] == "lisp" else ""
                out[int(x["frame"])] = [x[k] for k in keys]
            return out
        site_iid = {}
        summ = subprocess.run([MPFLOW, "summary", "--format", "json", cap],
                              capture_output=True, text=True, timeout=600)
        for n in json.loads(summ.stdout)["nodes"]:
            if n["protocol"] == "lisp":
                site_iid[str(n["id"])] = str(n["lisp"]["iid"])
        # one pass shows each frame as it was when fed, as mpflow --stream
        # --hold 0 prints it (later merges and reinjected_in come after); -2 shows the
        # final results, as mpflow prints them by default
        want = frames()
        name = os.path.relpath(cap, DATA)
        for passes, w in (([], frames("--stream", "--hold", "0")), (["-2"], want)):
            out = tshark("-r", local, *passes, "-T", "fields", "-E", "occurrence=f",
                         "-e", "frame.number", *sum([["-e", c] for c in cols], []))
            got = {}
            for line in out.splitlines():
                v = line.split("\t")
                got[int(v[0])] = v[1:]
            bad = [n for n in w if got.get(n) != w[n]]
            check(len(got) == len(w), "%s %s: %d frames in tshark, %d in mpflow"
                  % (name, passes, len(got), len(w)))
            check(not bad, "%s %s: %d frames differ, first %s: tshark %s, mpflow %s"
                  % (name, passes, len(bad), bad[:1], got.get(bad[0]) if bad else "",
                     w.get(bad[0]) if bad else ""))
        print("%s: %d frames agree in one pass and with -2" % (name, len(want)))

    # display filters and the preference, on a capture with two connections
    cap = os.path.join(DATA, "kernel", "v1-3paths-signal-loss", "capture.pcap")
    local = os.path.join(tmp, "c.pcap")
    shutil.copy(cap, local)
    os.chmod(local, 0o644)
    r = subprocess.run([MPFLOW, "frames", "--format", "csv", cap], capture_output=True, text=True)
    n1 = sum(1 for x in csv.DictReader(io.StringIO(r.stdout)) if x["node"] == "1")
    out = tshark("-r", local, "-Y", "mpflow.node == 1", "-T", "fields", "-e", "frame.number")
    check(len(out.splitlines()) == n1 > 0, "filter mpflow.node == 1: %d frames, want %d"
          % (len(out.splitlines()), n1))
    out = tshark("-r", local, "-Y", "mpflow.mptcp.token == 0x9b4010d6", "-T", "fields", "-e", "mpflow.node")
    check(out.splitlines() and set(out.split()) == {"1"}, "filter on a token")
    out = tshark("-r", local, "-o", "mpflow.mptcp:FALSE", "-Y", "mpflow", "-T", "fields", "-e", "frame.number")
    check(out.strip() == "", "preference mpflow.mptcp:FALSE switches the analysis off")

    # SCTP: a filter on an association's tag; the preference
    cap = os.path.join(DATA, "usrsctp", "ipv6-4assocs-abort", "capture.pcap")
    shutil.copy(cap, local)
    r = subprocess.run([MPFLOW, "frames", "--format", "csv", cap], capture_output=True, text=True)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    n2 = sum(1 for x in rows if x["node"] == "2")
    out = tshark("-r", local, "-Y", "mpflow.node == 2 && mpflow.protocol == \"sctp\"",
                 "-T", "fields", "-e", "frame.number")
    check(len(out.splitlines()) == n2 > 0, "sctp filter: %d frames, want %d" % (len(out.splitlines()), n2))
    out = tshark("-r", local, "-o", "mpflow.sctp:FALSE", "-Y", "mpflow", "-T", "fields", "-e", "frame.number")
    check(out.strip() == "", "preference mpflow.sctp:FALSE")

    # LISP: a filter on a site's prefix; the preference
    cap = os.path.join(DATA, "oor", "dual-iid-proxy", "capture.pcap")
    shutil.copy(cap, local)
    out = tshark("-r", local, "-Y", "mpflow.lisp.eid_prefix == \"fd00:2::/64\" && mpflow.lisp.type == \"data\"",
                 "-T", "fields", "-e", "mpflow.lisp.iid")
    check(out.split() and set(out.split()) == {"7"}, "lisp filter on a prefix")
    out = tshark("-r", local, "-o", "mpflow.lisp:FALSE", "-Y", "mpflow", "-T", "fields", "-e", "frame.number")
    check(out.strip() == "", "preference mpflow.lisp:FALSE")

    # tshark -z expert with no mpflow field asked for: the expert tap
    # still hears of each flagged frame (the items are not built)
    cap = os.path.join(DATA, "kernel", "v1-3paths-signal-loss", "capture.pcap")
    shutil.copy(cap, local)
    rows = list(csv.DictReader(io.StringIO(subprocess.run(
        [MPFLOW, "frames", "--format", "csv", cap], capture_output=True,
        text=True, check=True).stdout)))
    want = sum("reinjection" in r["flags"].split("|") for r in rows)
    out = tshark("-r", local, "-q", "-z", "expert")
    got = [line.split()[0] for line in out.splitlines()
           if "mpflow" in line and "reinjection" in line]
    check(want > 0 and got == [str(want)],
          "-z expert: %s mpflow reinjection entries, want %d" % (got, want))
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
