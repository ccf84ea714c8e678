#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`mpflow plot` and `mpflow report` against the analysis itself: every SVG
parses as XML and has, per direction, one series per subflow that carried
data that way (`summary -f json`), every point inside the plot area, every
frame flagged reinjection (`frames -f csv`) in exactly one marker and no
two markers on top of each other, at most one bar per bucket
(decimation); a long pause is cut out of the time axis (and kept with
--time-axis full); the report lists every node and links every
reinjection; output is byte-for-byte stable; errors exit as documented.
usage: plot_test.py MPFLOW DATA_DIR"""
import csv, glob, io, json, os, re, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capbuild  # noqa: E402

MPFLOW, DATA = sys.argv[1], sys.argv[2]
SVG = "{http://www.w3.org/2000/svg}"
MAX_BARS = 1024  # PLOT_BUCKETS in tools/plot-data.h
MARK_NEAR = 14  # MARK_NEAR in tools/plot-svg.c: markers closer are one
failures = []


def run(*args):
    return subprocess.run([MPFLOW, *args], capture_output=True, timeout=300)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def numbers(s):
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", s)]


def path_points(d):
    """(x, y) of every vertex of an M/L/V path (absolute commands only)."""
    pts, x, y = [], None, None
    for cmd, args in re.findall(r"([MLVZ])([^MLVZ]*)", d):
        v = numbers(args)
        if cmd in "ML":
            x, y = v[0], v[1]
            pts.append((x, y))
        elif cmd == "V":
            y = v[0]
            pts.append((x, y))
    return pts


def poly_points(s):
    v = numbers(s)
    return list(zip(v[0::2], v[1::2]))


def inside(area, pts):
    x, y = float(area.get("x")), float(area.get("y"))
    w, h = float(area.get("width")), float(area.get("height"))
    eps = 0.06  # one rounding step of the %.1f coordinates
    return all(x - eps <= px <= x + w + eps and y - eps <= py <= y + h + eps for px, py in pts)


def data_flows(node):
    """Per direction, the ids of the flows that carried MPTCP data."""
    r = {"c2s": set(), "s2c": set()}
    for f in node["flows"]:
        fwd, rev = ("c2s", "s2c") if f["src_is_client"] else ("s2c", "c2s")
        if f["fwd"]["data_bytes"]:
            r[fwd].add(f["id"])
        if f["rev"]["data_bytes"]:
            r[rev].add(f["id"])
    return r


def check_svg(path, name, kind, node, rows):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        check(False, "%s: SVG parses: %s" % (name, e))
        return
    check(root.tag == SVG + "svg" and root.get("data-kind") == kind and
          root.get("data-node") == str(node["id"]), name + ": svg root")
    title = root.find(SVG + "title")
    check(title is not None and ("connection %d" % node["id"]) in title.text, name + ": title names the connection")
    check(root.find(".//*[@class='legend']") is not None, name + ": legend")
    want = data_flows(node)
    panels = {p.get("data-dir"): p for p in root.iter(SVG + "g") if p.get("class") == "panel"}
    check(set(panels) == {"c2s", "s2c"}, name + ": both directions")
    for d, panel in panels.items():
        area = panel.find(SVG + "rect[@class='plot-area']")
        check(area is not None, "%s %s: plot area" % (name, d))
        series = [g for g in panel.iter(SVG + "g") if g.get("class") == "series"]
        ids = [int(g.get("data-flow")) for g in series]
        check(len(ids) == len(set(ids)), "%s %s: one series per subflow" % (name, d))
        check(set(ids) == want[d], "%s %s: series %s == subflows with data %s" % (name, d, sorted(ids), sorted(want[d])))
        if want[d]:
            axes = [g.get("data-axis") for g in panel.iter(SVG + "g") if g.get("class") == "axis"]
            check(sorted(axes) == ["x", "y"], "%s %s: two axes" % (name, d))
            check(len([t for t in panel.iter(SVG + "text") if t.text and re.match(r"^[\d.]+$", t.text)]) >= 4,
                  "%s %s: tick labels" % (name, d))
        pts = []
        for g in series:
            for el in g:
                if el.tag == SVG + "path":
                    pp = path_points(el.get("d"))
                    if kind == "dsn":
                        check(len(pp) <= 2 * MAX_BARS, "%s %s: decimated to the buckets" % (name, d))
                    pts += pp
                elif el.tag == SVG + "polyline":
                    pts += poly_points(el.get("points"))
        for el in panel.iter():
            if el.get("class") in ("dack", "total"):
                pts += poly_points(el.get("points"))
        marks = [c for c in panel.iter(SVG + "circle") if c.get("class") == "reinjection"]
        pts += [(float(c.get("cx")), float(c.get("cy"))) for c in marks]
        check(pts or not want[d], "%s %s: points drawn" % (name, d))
        if area is not None:
            check(inside(area, pts), "%s %s: every point inside the plot area" % (name, d))
        if kind == "dsn":
            flagged = {int(r["frame"]) for r in rows if r["node"] == str(node["id"]) and r["direction"] == d
                       and "reinjection" in r["flags"].split("|")}
            got = []
            for c in marks:
                frames = [int(x) for x in c.get("data-frames", c.get("data-frame")).split()]
                check(int(c.get("data-count", "1")) == len(frames) and int(c.get("data-frame")) == min(frames),
                      "%s %s: a marker's count and frames" % (name, d))
                got += frames
            check(len(got) == len(flagged) and set(got) == flagged,
                  "%s %s: %d reinjections in markers == %d flagged frames" % (name, d, len(got), len(flagged)))
            xy = [(float(c.get("cx")), float(c.get("cy"))) for c in marks]
            close = [(a, b) for i, a in enumerate(xy) for b in xy[i + 1:]
                     if (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 < (MARK_NEAR - 0.2) ** 2]
            check(not close, "%s %s: no two markers on each other: %s" % (name, d, close[:3]))
            acked = any(r["dack"] for r in rows if r["node"] == str(node["id"]) and r["direction"] != d)
            check((panel.find(SVG + "polyline[@class='dack']") is not None) == acked, "%s %s: data-ack line" % (name, d))
        if kind == "throughput" and want[d]:
            total = panel.find(SVG + "polyline[@class='total']")
            check(total is not None, "%s %s: total line" % (name, d))
            if total is not None:
                xs = [p[0] for p in poly_points(total.get("points"))]
                check(xs == sorted(xs), "%s %s: time runs left to right" % (name, d))


captures = sorted(glob.glob(os.path.join(DATA, "kernel", "*", "capture.pcap")) +
                  glob.glob(os.path.join(DATA, "public", "*mptcp*.pcap")))
check(len(captures) >= 10, "captures found")
plotted = reinjections = 0
with tempfile.TemporaryDirectory() as tmp:
    for cap in captures:
        name = os.path.relpath(cap, DATA)
        doc = json.loads(run("summary", "-f", "json", cap).stdout)
        rows = list(csv.DictReader(io.StringIO(run("frames", "-f", "csv", cap).stdout.decode())))
        nodes = [n for n in doc["nodes"] if n["protocol"] == "mptcp"]
        for node in nodes:
            for kind in ("dsn", "throughput", "share"):
                out = os.path.join(tmp, "p.svg")
                r = run("plot", "--node", str(node["id"]), "--kind", kind, "-o", out, cap)
                check(r.returncode == 0 and not r.stderr, "%s node %d %s: exit 0" % (name, node["id"], kind))
                if r.returncode == 0:
                    check_svg(out, "%s node %d %s" % (name, node["id"], kind), kind, node, rows)
                    plotted += 1
        reinjections += sum(1 for r in rows if "reinjection" in r["flags"].split("|"))
        # the report: every node in the table, every reinjection a row
        out = os.path.join(tmp, "r.html")
        r = run("report", "-o", out, cap)
        check(r.returncode == 0 and not r.stderr, name + ": report exit 0")
        html = open(out, encoding="utf-8").read()
        check(html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>"), name + ": report is a whole page")
        check('<table id="nodes">' in html, name + ": node table")
        check(html.count('<tr class="node"') == len(doc["nodes"]), name + ": a row per node")
        for svg in re.findall(r"<svg .*?</svg>", html, re.S):
            try:
                ET.fromstring(svg)
            except ET.ParseError as e:
                check(False, "%s: inline SVG parses: %s" % (name, e))
        check(html.count('class="mpflow-plot"') == 3 * sum(1 for n in nodes if any(data_flows(n).values())),
              name + ": three plots per connection with data")
        for row in rows:
            if "reinjection" in row["flags"].split("|"):
                check('<tr id="frame-%s">' % row["frame"] in html, "%s: reinjection frame %s listed" % (name, row["frame"]))
                check('href="#frame-%s"' % row["frame"] in html, "%s: frame %s linked" % (name, row["frame"]))
        check("http://" not in html.replace("http://www.w3.org/2000/svg", ""), name + ": nothing fetched")
    check(plotted >= 30 and reinjections >= 20, "enough plots (%d) and reinjections (%d) checked" % (plotted, reinjections))

    # the other protocols: the report draws them, plot refuses them
    for cap in sorted(glob.glob(os.path.join(DATA, "usrsctp", "*", "capture.pcap")) +
                      glob.glob(os.path.join(DATA, "oor", "*", "capture.pcap")))[:6]:
        out = os.path.join(tmp, "o.html")
        doc = json.loads(run("summary", "-f", "json", cap).stdout)
        r = run("report", "-o", out, cap)
        html = open(out, encoding="utf-8").read() if r.returncode == 0 else ""
        check(r.returncode == 0 and html.count('<tr class="node"') == len(doc["nodes"]), cap + ": report")
        check(html.count('class="graph"') == min(len(doc["nodes"]), 200), cap + ": a graph per node")
        for svg in re.findall(r"<svg .*?</svg>", html, re.S):
            try:
                ET.fromstring(svg)
            except ET.ParseError as e:
                check(False, "%s: graph SVG parses: %s" % (cap, e))
    sctp = os.path.join(DATA, "usrsctp", "raw-2paths", "capture.pcap")
    r = run("plot", "-o", os.path.join(tmp, "x.svg"), sctp)
    check(r.returncode == 1 and b"no MPTCP connection" in r.stderr, "plot of a capture without MPTCP exits 1")

    # same capture, same bytes; default node; standard output
    cap = os.path.join(DATA, "kernel", "v1-3paths-signal-loss", "capture.pcap")
    a, b = os.path.join(tmp, "a.svg"), os.path.join(tmp, "b.svg")
    run("plot", "-o", a, cap)
    run("plot", "-o", b, "--node", "0", "--kind", "dsn", cap)
    check(open(a, "rb").read() == open(b, "rb").read(), "deterministic; default is node 0, dsn")
    r = run("plot", "-o", "-", cap)
    check(r.returncode == 0 and r.stdout == open(a, "rb").read(), "-o - writes to standard output")
    run("report", "-o", a, cap)
    run("report", "-o", b, cap)
    check(open(a, "rb").read() == open(b, "rb").read(), "report deterministic")
    for w in ("0.001", "0.05"):
        r = run("plot", "-k", "throughput", "-w", w, "-o", a, cap)
        check(r.returncode == 0 and ("sliding window %g ms" % (float(w) * 1000)).encode() in open(a, "rb").read(),
              "--window " + w)

    # a connection that pauses 100 s in the middle and lingers 400 s: the
    # pauses are cut out of the time axis (marked, with their length) and
    # the data spreads over the width; --time-axis full keeps them
    frames = capbuild.read(open(cap, "rb").read())
    half = len(frames) // 2
    idle = os.path.join(tmp, "idle.pcap")
    open(idle, "wb").write(capbuild.pcap(
        [(ts + (100 * 10**9 if k >= half else 0) + (400 * 10**9 if k == len(frames) - 1 else 0), d, w)
         for k, (link, ts, d, w) in enumerate(frames)], linktype=frames[0][0]))

    def spread(path):
        """(cuts in seconds, the pixel columns the s2c data is drawn in)"""
        root = ET.parse(path).getroot()
        panel = [p for p in root.iter(SVG + "g") if p.get("data-dir") == "s2c"][0]
        area = panel.find(SVG + "rect[@class='plot-area']")
        xs = [x for g in panel.iter(SVG + "g") if g.get("class") == "series"
              for el in g if el.tag == SVG + "path" for x, _ in path_points(el.get("d"))]
        cuts = sorted(float(g.get("data-cut")) for g in panel.iter(SVG + "g")
                      if g.get("class") == "axis-break")
        return cuts, len({round(x) for x in xs})

    for kind in ("dsn", "throughput", "share"):
        r = run("plot", "-k", kind, "-o", a, idle)
        check(r.returncode == 0, "a pausing connection: %s plot" % kind)
        check_svg(a, "pausing connection " + kind, kind,
                  json.loads(run("summary", "-f", "json", idle).stdout)["nodes"][0],
                  list(csv.DictReader(io.StringIO(run("frames", "-f", "csv", idle).stdout.decode()))))
    run("plot", "-o", a, idle)
    cuts, used = spread(a)
    check(len(cuts) == 2 and 99 < cuts[0] < 100.3 and 399 < cuts[1] < 400.3 and used > 300,
          "pauses cut out of the time axis: %s, the data in %d pixel columns" % (cuts, used))
    check(b"100.000 s cut" in open(a, "rb").read() or b"s cut</text>" in open(a, "rb").read(),
          "a cut says how long it was")
    run("plot", "--time-axis", "full", "-o", a, idle)
    cuts, used = spread(a)
    check(cuts == [] and used < 10,
          "--time-axis full: to scale, the data crowded in %d pixel columns" % used)
    check(run("summary", "--time-axis", "full", idle).returncode == 2, "--time-axis is for pictures")
    check(run("plot", "--time-axis", "zoom", "-o", a, idle).returncode == 2, "--time-axis cut|full")

    # the picture the README shows is what this build draws
    readme = os.path.join(DATA, "..", "..", "doc", "dsn-plot.svg")
    if os.path.exists(readme):
        src = os.path.join(DATA, "..", "..")
        r = subprocess.run([os.path.abspath(MPFLOW), "plot", "--node", "2", "-o", "-",
                            "tests/data/kernel/v1-4paths-4conns-loss/capture.pcap"],
                           cwd=src, capture_output=True, timeout=300)
        check(r.stdout == open(readme, "rb").read(), "doc/dsn-plot.svg is up to date")

    # errors
    r = run("plot", "-o", os.path.join(tmp, "no", "such", "dir", "x.svg"), cap)
    check(r.returncode == 1 and b"x.svg" in r.stderr, "unwritable output: message, exit 1")
    r = run("report", "-o", "/dev/full", cap)
    check(r.returncode == 1 and b"/dev/full" in r.stderr, "full disk: message, exit 1")
    r = run("plot", "--node", "99", "-o", a, cap)
    check(r.returncode == 1 and b"node 99" in r.stderr, "no such node: exit 1")
    for args, why in (((cap,), "plot needs -o"), (("-k", "pie", "-o", a, cap), "unknown kind"),
                      (("-w", "0", "-o", a, cap), "bad window"), (("-n", "x", "-o", a, cap), "bad node"),
                      (("-f", "json", "-o", a, cap), "no --format")):
        r = run("plot", *args)
        check(r.returncode == 2 and r.stderr and not r.stdout, "usage error exits 2: " + why)
    check(run("summary", "-o", a, cap).returncode == 2, "summary takes no -o")
    check(run("report", "--node", "0", "-o", a, cap).returncode == 2, "report takes no --node")
    check(b"plot" in run("--help").stdout and b"report" in run("--help").stdout, "--help lists plot and report")

print("%d plots, %d reinjections checked; %d failure(s)" % (plotted, reinjections, len(failures)))
sys.exit(1 if failures else 0)
