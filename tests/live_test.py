#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""mpflow -i lo: a live capture of an MPTCP connection made over loopback
with Python's socket (protocol 262, IPPROTO_MPTCP), stopping after -c
frames. The client token mpflow finds is checked against the kernel's
(MPTCP_INFO). Skipped (77) when not root or without MPTCP in the kernel.
usage: live_test.py MPFLOW"""
import csv, io, json, os, socket, struct, subprocess, sys, threading, time

MPFLOW = sys.argv[1]
IPPROTO_MPTCP, SOL_MPTCP, MPTCP_INFO = 262, 284, 1
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def skip(why):
    print("skipped:", why)
    sys.exit(77)


if os.geteuid() != 0:
    skip("not root: no live capture")
try:
    with open("/proc/sys/net/mptcp/enabled") as fh:
        if fh.read().strip() != "1":
            skip("MPTCP is switched off (net.mptcp.enabled)")
    socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP).close()
except OSError as e:
    skip("no MPTCP in this kernel: %s" % e)


def connection(port, started):
    """An MPTCP connection to a server on 127.0.0.1:@port that echoes 30
    small messages; returns the client's token (the kernel's own)."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1)

    def serve():
        c, _ = srv.accept()
        while True:
            d = c.recv(4096)
            if not d:
                break
            c.sendall(d)
        c.close()
    t = threading.Thread(target=serve)
    t.start()
    started.wait(10)
    cl = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    cl.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    cl.connect(("127.0.0.1", port))
    token = None
    try:
        info = cl.getsockopt(SOL_MPTCP, MPTCP_INFO, 256)
        token = struct.unpack_from("=I", info, 12)[0]  # mptcpi_token
    except OSError:
        pass
    for k in range(30):
        cl.sendall(b"hello %d " % k * 20)
        cl.recv(4096)
        time.sleep(0.01)
    cl.close()
    t.join()
    srv.close()
    return token


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def capture(args, port):
    """Runs mpflow ARGS on lo for @port while a connection is made."""
    p = subprocess.Popen([MPFLOW, *args, "-i", "lo", "tcp", "port", str(port)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0)  # the capture is open (libpcap activates at once)
    started = threading.Event()
    started.set()
    token = connection(port, started)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        check(False, "mpflow %s stops after -c" % " ".join(args))
    return p.returncode, out, err, token


# summary: the connection, its keys, the kernel's token
port = free_port()
rc, out, err, token = capture(["summary", "-f", "json", "-c", "12"], port)
try:
    doc = json.loads(out)
except ValueError:
    doc = {"nodes": [], "frames": 0}
check(rc == 0, "summary -i lo: exit 0 (%d: %s)" % (rc, err.decode().strip()))
check(doc["frames"] == 12, "-c 12: 12 frames (%d)" % doc["frames"])
nodes = [n for n in doc["nodes"] if n["protocol"] == "mptcp"]
check(len(nodes) == 1 and len(nodes[0]["flows"]) == 1, "one MPTCP connection, one subflow")
if nodes:
    m, f = nodes[0]["mptcp"], nodes[0]["flows"][0]
    check(m["version"] == 1 and m["client"]["key"] and m["server"]["key"],
          "version 1, both keys from the handshake")
    check(f["src"] == "127.0.0.1" and f["dport"] == port and f["established"],
          "the subflow to port %d, established" % port)
    if token is not None:
        check(m["client"]["token"] == "%08x" % token,
              "client token %s is the kernel's %08x" % (m["client"]["token"], token))
check(b"12 packets captured" in err, "the capture's counts on stderr: %r" % err)

# frames: each frame as it comes (--stream implied), numbered from 1
port = free_port()
rc, out, err, token = capture(["frames", "-f", "csv", "-c", "5"], port)
rows = list(csv.DictReader(io.StringIO(out.decode())))
check(rc == 0 and [r["frame"] for r in rows] == ["1", "2", "3", "4", "5"],
      "frames -i lo -c 5: five rows")
check(rows and rows[0]["options"] == "MP_CAPABLE" and rows[0]["protocol"] == "mptcp",
      "the first frame is the MP_CAPABLE SYN")

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
