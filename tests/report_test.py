#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`mpflow report` opened in a real browser: headless Chromium, no network,
takes a screenshot (it must not be blank: a fair share of non-white
pixels, the plots' colours among them) and dumps the DOM (the node table
with a row per node, the plots as inline SVG). Then, with the browser's
own fonts, measures every text of the reports of a long-named IPv6
capture, a pausing connection and crossing subflows: none may reach past
its picture, and no two flow labels of a graph may overlap. Exit 77
(skip) where Chromium is absent. usage: report_test.py MPFLOW DATA_DIR"""
import json, os, re, shutil, struct, subprocess, sys, tempfile, zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capbuild  # noqa: E402

MPFLOW, DATA = sys.argv[1], sys.argv[2]
CAP = os.path.join(DATA, "kernel", "v1-4paths-4conns-loss", "capture.pcap")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def png_pixels(path):
    """(width, height, rows of RGB(A) tuples): a small PNG decoder, so
    that the test needs nothing beyond Python."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "8-bit RGB or RGBA expected"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        ft, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


chromium = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
if not chromium:
    print("chromium not found: skipped")
    sys.exit(77)

with tempfile.TemporaryDirectory() as tmp:
    html = os.path.join(tmp, "report.html")
    r = subprocess.run([MPFLOW, "report", "-o", html, CAP], capture_output=True, timeout=300)
    check(r.returncode == 0, "report exit 0")
    doc = json.loads(subprocess.run([MPFLOW, "summary", "-f", "json", CAP], capture_output=True,
                                    timeout=300).stdout)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--user-data-dir=" + os.path.join(tmp, "profile"), "--window-size=1200,1600"]
    url = "file://" + html
    png = os.path.join(tmp, "shot.png")
    r = subprocess.run([chromium, *flags, "--screenshot=" + png, url], capture_output=True, timeout=180,
                       env=dict(os.environ, HOME=tmp))
    check(r.returncode == 0 and os.path.exists(png), "screenshot taken")
    if os.path.exists(png):
        w, h, bpp, rows = png_pixels(png)
        check((w, h) == (1200, 1600), "screenshot size %dx%d" % (w, h))
        ink = colours = 0
        seen = set()
        for line in rows[::2]:
            for x in range(0, w * bpp, bpp * 2):
                px = tuple(line[x:x + 3])
                if px != (255, 255, 255):
                    ink += 1
                seen.add(px)
        total = (h // 2) * (w // 2)
        check(ink > total // 100, "not blank: %d of %d pixels inked" % (ink, total))
        check(len(seen) > 20, "rendered text, tables and graphs: %d colours" % len(seen))
        # the subflow colours of the graph (tools/plot-svg.c's palette)
        check((0x00, 0x72, 0xb2) in seen and (0xd5, 0x5e, 0x00) in seen, "flow colours drawn")
    r = subprocess.run([chromium, *flags, "--dump-dom", url], capture_output=True, timeout=180,
                       env=dict(os.environ, HOME=tmp))
    dom = r.stdout.decode("utf-8", "replace")
    check(r.returncode == 0 and '<table id="nodes">' in dom, "--dump-dom: the node table")
    check(len(re.findall(r'<tr class="node"', dom)) == len(doc["nodes"]), "a row per node")
    check(len(re.findall(r'<svg [^>]*class="mpflow-plot"', dom)) == 3 * len(doc["nodes"]), "three plots per connection")
    check(len(re.findall(r'<svg [^>]*class="graph"', dom)) == len(doc["nodes"]), "a graph per node")

# Measured in the browser: a script added to a copy of each report
# writes what it finds into the page, which --dump-dom prints.
MEASURE = """<pre id="measured"></pre><script>
const out = [];
for (const svg of document.querySelectorAll("svg")) {
  const box = svg.getBoundingClientRect();
  for (const t of svg.querySelectorAll("text")) {
    const r = t.getBoundingClientRect();
    if (r.width && (r.left < box.left - 1 || r.right > box.right + 1 ||
                    r.top < box.top - 1 || r.bottom > box.bottom + 1))
      out.push("CLIPPED " + svg.getAttribute("class") + ": " + t.textContent);
  }
  const labels = [...svg.querySelectorAll("text.flow-label")].map(t => [t, t.getBoundingClientRect()]);
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i][1], b = labels[j][1];
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
        out.push("OVERLAP " + labels[i][0].textContent + " / " + labels[j][0].textContent);
    }
  out.push("SVG " + svg.getAttribute("class"));
}
document.getElementById("measured").textContent = out.join("\\n");
</script>"""

with tempfile.TemporaryDirectory() as tmp:
    # a capture path long enough to overflow any one line, IPv6 labels
    deep = os.path.join(tmp, "a-rather-long-folder-name-for-captures-of-the-lab", "2026-11-26",
                        "multipath-tcp-over-ipv6-with-address-signalling-between-the-hosts")
    os.makedirs(deep)
    v6 = os.path.join(deep, "capture-of-the-ipv6-signal-experiment-number-one.pcap")
    shutil.copy(os.path.join(DATA, "kernel", "v1-ipv6-signal", "capture.pcap"), v6)
    # a connection that pauses 100 s, then lingers 400 s
    frames = capbuild.read(open(os.path.join(DATA, "kernel", "v1-3paths-signal-loss", "capture.pcap"),
                                "rb").read())
    idle = os.path.join(tmp, "idle.pcap")
    open(idle, "wb").write(capbuild.pcap(
        [(ts + (100 * 10**9 if k >= len(frames) // 2 else 0), d, w)
         for k, (link, ts, d, w) in enumerate(frames)], linktype=frames[0][0]))
    measured = 0
    for cap in (v6, idle, CAP):
        html = os.path.join(tmp, "m.html")
        r = subprocess.run([MPFLOW, "report", "-o", html, cap], capture_output=True, timeout=300)
        page = open(html, encoding="utf-8").read().replace("</body>", MEASURE + "</body>")
        open(html, "w", encoding="utf-8").write(page)
        r = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                            "--user-data-dir=" + os.path.join(tmp, "profile"), "--window-size=1200,1600",
                            "--virtual-time-budget=10000", "--dump-dom", "file://" + html],
                           capture_output=True, timeout=180, env=dict(os.environ, HOME=tmp))
        m = re.search(r'<pre id="measured">(.*?)</pre>', r.stdout.decode("utf-8", "replace"), re.S)
        lines = m.group(1).splitlines() if m else []
        svgs = sum(1 for l in lines if l.startswith("SVG "))
        bad = [l for l in lines if not l.startswith("SVG ")]
        check(svgs >= 4, "%s: the browser measured %d pictures" % (os.path.basename(cap), svgs))
        check(not bad, "%s: every text inside its picture, no flow labels on each other: %s" %
              (os.path.basename(cap), bad[:5]))
        measured += svgs
    print("%d pictures measured in the browser" % measured)

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
