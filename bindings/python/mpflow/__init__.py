# SPDX-License-Identifier: LGPL-2.1-or-later
"""libmpflow from Python: the multipath structure (MPTCP connections and
their subflows, SCTP associations and their paths, LISP sites and their
RLOC pairs) of packet captures.

    import mpflow
    s = mpflow.summary("capture.pcap")          # mpflow summary --format json
    df = mpflow.frames("capture.pcap")          # mpflow frames --format csv
    for row in mpflow.iter_frames("big.pcap"):  # bounded memory
        ...

Options are the mpflow command's: disable (backends switched off, "mptcp",
"sctp", "lisp"), stream, idle_timeout (seconds) and memory_cap (MiB) for
summary(stream=True), all for frames, filter (a BPF expression, applied
frame by frame: frames keep their numbers), count (stop after so many
frames), and first_frame, the number of the file's first frame (a shard of
a capture numbers its frames as the whole capture does). Many captures or
the shards of one on a Dask cluster: mpflow.distributed.

Errors are mpflow.Error (status: the library's status name, such as
"ERR_MALFORMED"); a capture that cannot be read, or breaks off, raises
mpflow.CaptureError, whose result holds what was read before the break.
The C library is the one the dynamic loader finds, or MPFLOW_LIBRARY.
"""

import json
import os

from ._capture import COUNTERS, Capture, CaptureError, Error, check, config
from ._frames import COLUMNS, DTYPES, Frame, RowReader, dataframe
from ._native import ffi, lib, string

__all__ = ["summary", "frames", "iter_frames", "partial", "merge",
           "summary_of_partial", "version", "Error", "CaptureError", "Frame",
           "COLUMNS", "DTYPES"]


def version():
    """The C library's version, "MAJOR.MINOR.PATCH"."""
    return string(lib().mpf_version_string())


class _Ctx:
    """An analysis context, freed on exit."""

    def __init__(self, cfg):
        self.ptr = lib().mpf_ctx_new(cfg)
        if self.ptr == ffi.NULL:
            raise MemoryError("mpf_ctx_new")

    def __enter__(self):
        return self.ptr

    def __exit__(self, *exc):
        lib().mpf_ctx_free(self.ptr)
        self.ptr = ffi.NULL


def _owned_string(p, what):
    if p == ffi.NULL:
        raise Error("%s failed" % what)
    try:
        return ffi.string(p).decode("utf-8")
    finally:
        lib().mpf_free(p)


def _run(path, cfg_args, capture_args, on_frame=None, times=None, before_free=None,
         release=None):
    """Reads @path into a fresh context and returns before_free(ctx, cap);
    a capture that breaks off raises CaptureError with that result."""
    m = lib()
    cap = Capture(path, **capture_args)  # before anything else: its errors
    try:
        cfg = config(**cfg_args)
        handle = None
        try:
            if release is not None:
                handle = ffi.callback("void(const struct mpf_ctx *,"
                                      " const struct mpf_node *, int, void *)",
                                      release)
                m.mpf_config_set_release_handler(cfg, handle, ffi.NULL)
            ctx_holder = _Ctx(cfg)
        finally:
            m.mpf_config_free(cfg)
        with ctx_holder as ctx:
            try:
                cap.feed(ctx, on_frame=on_frame, times=times)
            except CaptureError as e:
                e.result = before_free(ctx, cap)
                raise
            return before_free(ctx, cap)
    finally:
        cap.close()


def _capture_args(filter, first_frame, count):
    return {"filter": filter, "first_frame": first_frame, "count": count}


def _shown(path, capture):
    if capture is not None:
        return capture
    path = os.fsdecode(os.fspath(path))
    return "(standard input)" if path == "-" else path


def summary(path, *, stream=False, idle_timeout=None, memory_cap=None,
            disable=(), filter=None, count=None, first_frame=1, capture=None):
    """The summary of a capture: the dict `mpflow summary --format json`
    prints (with stream=True, `mpflow summary --stream --format json`:
    nodes as they are released, memory_cap (MiB) and idle_timeout (s) as
    there). capture: the name written in "capture" (default: path as
    given). The library's own writer makes the JSON, so it is the CLI's."""
    m = lib()
    cfg_args = {"disable": disable, "stream": stream, "idle_timeout": idle_timeout,
                "memory_cap": memory_cap}
    name = _shown(path, capture).encode("utf-8", "surrogateescape")
    cap_args = _capture_args(filter, first_frame, count)
    if not stream:
        def finish(ctx, cap):
            return json.loads(_owned_string(m.mpf_ctx_summary_json(ctx, name),
                                            "mpf_ctx_summary_json"))

        return _run(path, cfg_args, cap_args, before_free=finish)

    chunks = []

    @ffi.callback("void(const char *, size_t, void *)")
    def write(text, length, user):
        chunks.append(ffi.unpack(text, length))

    writer = [m.mpf_summary_stream_new(name, write, ffi.NULL)]
    if writer[0] == ffi.NULL:
        raise Error("mpf_summary_stream_new failed")

    def released(ctx, node, reason, user):
        m.mpf_summary_stream_node(writer[0], node, reason)

    def finish_stream(ctx, cap):
        w, writer[0] = writer[0], ffi.NULL
        m.mpf_summary_stream_end(w, ctx)  # frees the writer
        return json.loads(b"".join(chunks).decode("utf-8"))

    try:
        return _run(path, cfg_args, cap_args, before_free=finish_stream,
                    release=released)
    finally:
        if writer[0] != ffi.NULL:  # never ended (an error before the end)
            m.mpf_summary_stream_end(writer[0], ffi.NULL)


def partial(path, *, first_frame=1, disable=(), filter=None, count=None):
    """The partial result of a capture or of a shard of one (bytes, the
    library's format): analysed in shard mode, its frames numbered from
    first_frame, the number its first frame has in the whole capture (see
    mpflow split). Merge the partials of a capture's shards with merge();
    read one with summary_of_partial()."""
    m = lib()

    def export(ctx, cap):
        data = ffi.new("void **")
        length = ffi.new("size_t *")
        check(m.mpf_ctx_export_partial(ctx, data, length), "export")
        try:
            return ffi.unpack(ffi.cast("char *", data[0]), length[0])
        finally:
            m.mpf_free(data[0])

    return _run(path, {"disable": disable, "shard": True},
                _capture_args(filter, first_frame, count), before_free=export)


def merge(parts):
    """The partial of a whole capture from the partials (bytes) of its
    consecutive shards, in capture order (C: mpf_partial_merge). Raises
    Error, status ERR_ORDER when a part's frames do not follow the
    previous part's, ERR_PARTIAL / ERR_TRUNCATED / ERR_MALFORMED for
    bytes that are not a partial, or a damaged one."""
    m = lib()
    parts = [bytes(p) for p in parts]
    if not parts:
        raise ValueError("merge() wants at least one partial")
    keep = [ffi.from_buffer(p) for p in parts]
    ptrs = ffi.new("const void *[]", keep)
    lens = ffi.new("size_t[]", [len(p) for p in parts])
    data = ffi.new("void **")
    length = ffi.new("size_t *")
    check(m.mpf_partial_merge(ptrs, lens, len(parts), data, length), "merge")
    try:
        return ffi.unpack(ffi.cast("char *", data[0]), length[0])
    finally:
        m.mpf_free(data[0])


def summary_of_partial(data, capture):
    """The summary dict of a partial result (a merge of a capture's
    shards, say), as summary() gives it for the whole capture: written by
    the same library writer under the name @capture."""
    m = lib()
    data = bytes(data)
    ctx = ffi.new("struct mpf_ctx **")
    buf = ffi.from_buffer(data)
    check(m.mpf_ctx_new_from_partial(buf, len(data), ctx), "partial")
    try:
        text = m.mpf_ctx_summary_json(ctx[0], str(capture).encode("utf-8",
                                                                 "surrogateescape"))
        return json.loads(_owned_string(text, "mpf_ctx_summary_json"))
    finally:
        m.mpf_ctx_free(ctx[0])


def frames(path, *, all=False, stream=False, disable=(), filter=None, count=None,
           first_frame=1):
    """The frames of a capture as a pandas DataFrame: the rows and columns
    of `mpflow frames --format csv` (all=True: --all; stream=True:
    --stream --hold 0, reinjected_in then stays empty as it is only
    known later),
    with nullable integer columns (UInt32, UInt64: <NA> where the CSV cell
    is empty), time as datetime64[ns, UTC], and strings; options and flags
    are the names joined by "|", "" for none."""
    return dataframe(list(_frame_rows(path, all, stream, disable, filter, count,
                                      first_frame)))


def _frame_rows(path, all, stream, disable, filter, count, first_frame):
    reader = RowReader()
    rows = []
    m = lib()
    keep = all

    def on_frame(f, sec, nsec):
        if keep or m.mpf_frame_get_node_id(f) != 0xFFFFFFFF:
            rows.append(reader.row(f, sec, nsec))

    if stream:
        def finish(ctx, cap):
            return rows
        return _run(path, {"disable": disable, "stream": False, "retain": False},
                    _capture_args(filter, first_frame, count), on_frame=on_frame,
                    before_free=finish)

    times = []

    def finish_retained(ctx, cap):
        # links to later frames (reinjected_in) are known once all are fed
        out = []
        for number, sec, nsec in times:
            f = m.mpf_ctx_get_frame(ctx, number)
            if f != ffi.NULL and (keep or m.mpf_frame_get_node_id(f) != 0xFFFFFFFF):
                out.append(reader.row(f, sec, nsec))
        return out

    return _run(path, {"disable": disable, "retain": True},
                _capture_args(filter, first_frame, count), times=times,
                before_free=finish_retained)


def iter_frames(path, *, all=False, disable=(), filter=None, count=None,
                first_frame=1, chunksize=None):
    """The frames of a capture as they are read, in bounded memory: each
    an mpflow.Frame (the CSV's columns; time in nanoseconds since the
    epoch), or with chunksize=N DataFrames of N rows as frames() builds.
    Nothing is kept, so reinjected_in is always None (--stream)."""
    m = lib()
    reader = RowReader()
    cfg = config(disable=disable, retain=False)
    try:
        holder = _Ctx(cfg)
    finally:
        m.mpf_config_free(cfg)
    pending = []

    def on_frame(f, sec, nsec):
        if all or m.mpf_frame_get_node_id(f) != 0xFFFFFFFF:
            pending.append(reader.row(f, sec, nsec))

    with Capture(path, filter=filter, first_frame=first_frame, count=count) as cap, \
            holder as ctx:
        # a slice of frames at a time, so that rows go out as it reads
        while not cap.done:
            cap.feed(ctx, on_frame=on_frame, limit=4096)
            if chunksize:
                while len(pending) >= chunksize:
                    yield dataframe(pending[:chunksize])
                    del pending[:chunksize]
            else:
                yield from pending
                pending.clear()
        if chunksize and pending:
            yield dataframe(pending)
