#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`mpflow report` opened in a real browser: headless Chromium, no network,
takes a screenshot (it must not be blank: a fair share of non-white
pixels, the plots' colours among them) and dumps the DOM (the node table
with a row per node, the plots as inline SVG). Exit 77 (skip) where
Chromium is absent. usage: report_test.py MPFLOW DATA_DIR"""
import json, os, re, shutil, struct, subprocess, sys, tempfile, zlib

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

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
