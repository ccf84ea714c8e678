# SPDX-License-Identifier: LGPL-2.1-or-later
"""Many captures, or the time shards of one, analysed on Dask.

    from dask.distributed import Client, LocalCluster
    import mpflow.distributed

    client = Client(LocalCluster(n_workers=4))
    s = mpflow.distributed.summary("shards/", client)   # mpflow split's OUTDIR

Each input is analysed by the C library on a worker, which sends back its
partial result (bytes); the partials of one capture's shards are merged by
the library (mpf_partial_merge, on a worker too) into the partial of the
whole capture, and the library's summary writer turns it into the dict
mpflow.summary() gives for the whole file: the same nodes, flows, keys,
tokens, packets, bytes, frame ranges and counters (what straddles a cut is
seen from one side: see mpf_partial_merge() in lib/mpflow.h). Python only
moves bytes.

Inputs: a list of, or one of,
  - a capture file: a whole capture;
  - a folder made by `mpflow split FILE --shards N OUTDIR`, or its
    manifest.json: the shards of one capture;
  - a shard file named as mpflow split names them (NAME.shardK.fFIRST.pcap),
    grouped with the other shards of NAME in its folder;
  - a Shard(path, first_frame, capture): a shard made another way (editcap
    -A/-B, tcpdump -G), with the number its first frame has in the whole
    capture; shards of one capture share the capture name.

Every worker must load libmpflow (installed, on LD_LIBRARY_PATH, or named by
MPFLOW_LIBRARY in the workers' environment) and read the input paths (a
shared file system, or the same paths on each machine).
"""

import collections
import json
import os
import re

from . import merge, partial, summary_of_partial

__all__ = ["Shard", "shards", "summary"]

_SHARD_NAME = re.compile(r"^(?P<capture>.+)\.shard(?P<k>\d+)\.f(?P<first>\d+)\.pcap$")


class Shard(collections.namedtuple("Shard", "path first_frame capture")):
    """A part of a capture cut by time: its file, the number its first
    frame has in the whole capture (from 1), and the whole capture's name
    (the shards of one capture share it; it is the summary's "capture")."""

    __slots__ = ()


def shards(where):
    """The shards `mpflow split` wrote: from its OUTDIR or manifest.json,
    in order."""
    path = os.fspath(where)
    manifest = os.path.join(path, "manifest.json") if os.path.isdir(path) else path
    with open(manifest, encoding="utf-8") as f:
        man = json.load(f)
    folder = os.path.dirname(manifest)
    out = []
    for s in man.get("shards", []):
        first = s["first_frame"]
        if not isinstance(first, int) or first < 1:
            raise ValueError("%s: a shard's first_frame is %r" % (manifest, first))
        out.append(Shard(os.path.join(folder, s["path"]), first, man["capture"]))
    return out


def _split_capture_name(folder, name):
    """The capture a split shard came from: manifest.json's name if the
    folder has one, else the shard's NAME."""
    try:
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
            return json.load(f)["capture"]
    except (OSError, ValueError, KeyError):
        return name


def _expand(inputs):
    """Shards of every input, in the order given."""
    if isinstance(inputs, (str, bytes, os.PathLike, Shard)):
        inputs = [inputs]
    out = []
    for x in inputs:
        if isinstance(x, Shard):
            out.append(Shard(os.fspath(x.path), int(x.first_frame), str(x.capture)))
            continue
        path = os.fsdecode(os.fspath(x))
        if os.path.isdir(path) or path.endswith(".json"):
            out.extend(shards(path))
            continue
        m = _SHARD_NAME.match(os.path.basename(path))
        if m:
            folder = os.path.dirname(path)
            out.append(Shard(path, int(m.group("first")),
                             _split_capture_name(folder, m.group("capture"))))
        else:
            out.append(Shard(path, 1, path))
    return out


def _groups(inputs):
    """Shards by capture, in order of first appearance, each capture's in
    frame order."""
    groups = collections.OrderedDict()
    for s in _expand(inputs):
        groups.setdefault(s.capture, []).append(s)
    for name, group in groups.items():
        group.sort(key=lambda s: s.first_frame)
    return groups


def _partial_task(path, first_frame, disable, filter):
    return partial(path, first_frame=first_frame, disable=disable, filter=filter)


def _merge_task(capture, *parts):
    return summary_of_partial(merge(parts), capture)


def summary(inputs, client=None, *, disable=(), filter=None):
    """The summary of each capture among @inputs, its shards analysed as
    Dask tasks and merged: for one capture the dict mpflow.summary() gives
    for the whole file, for several {"captures": [dict, ...]} in the order
    they first appear. @client: a dask.distributed.Client; None for the
    current one, or, without one, Dask's local scheduler. disable and
    filter as for mpflow.summary()."""
    groups = _groups(inputs)
    if not groups:
        raise ValueError("no input")
    disable = tuple([disable] if isinstance(disable, str) else disable)
    if client is None:
        try:
            from dask.distributed import get_client
            client = get_client()
        except (ImportError, ValueError):
            client = None
    results = []
    if client is not None:
        merged = []
        for name, group in groups.items():
            parts = [client.submit(_partial_task, s.path, s.first_frame, disable,
                                   filter, pure=False) for s in group]
            merged.append(client.submit(_merge_task, name, *parts, pure=False))
        results = client.gather(merged)
    else:
        import dask

        tasks = []
        for name, group in groups.items():
            parts = [dask.delayed(_partial_task, pure=False)(s.path, s.first_frame,
                                                              disable, filter)
                     for s in group]
            tasks.append(dask.delayed(_merge_task, pure=False)(name, *parts))
        results = list(dask.compute(*tasks))
    if len(results) == 1:
        return results[0]
    return {"captures": results}
