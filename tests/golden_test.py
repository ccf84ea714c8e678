#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Golden outputs: every line of tests/golden/TESTLIST run from the source
root must exit as listed and print its .out file byte for byte. A mismatch
prints the first lines that differ; tests/golden/regen rewrites after an
intended change. usage: golden_test.py MPFLOW SOURCE_ROOT"""
import difflib, os, subprocess, sys

MPFLOW, ROOT = os.path.abspath(sys.argv[1]), sys.argv[2]
os.chdir(ROOT)
failed, ran, skipped = [], 0, 0
for raw in open("tests/golden/TESTLIST"):
    line = raw.split("#", 1)[0].split()
    if not line:
        continue
    name, status, cap, args = line[0], int(line[1]), line[2], line[3:]
    if not os.path.exists(cap):
        skipped += 1
        continue
    ran += 1
    r = subprocess.run([MPFLOW, *args, cap], capture_output=True, timeout=300)
    want = open(os.path.join("tests/golden", name + ".out"), "rb").read()
    if r.returncode == status and r.stdout == want:
        continue
    failed.append(name)
    print("FAIL: %s: exit %d (want %d), %d bytes (want %d)"
          % (name, r.returncode, status, len(r.stdout), len(want)))
    diff = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(),
                                r.stdout.decode("utf-8", "replace").splitlines(),
                                "want", "got", n=1, lineterm="")
    for i, d in enumerate(diff):
        if i == 30:
            print("  ...")
            break
        print("  " + d)
print("golden: %d ran, %d failed, %d skipped (capture absent)" % (ran, len(failed), skipped))
if failed:
    print("to accept an intended change: tests/golden/regen " + " ".join(failed))
sys.exit(1 if failed else (77 if ran == 0 else 0))
