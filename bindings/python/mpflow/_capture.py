# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reading a capture into a libmpflow context, as the mpflow command does:
libpcap with nanosecond time stamps, an optional BPF filter applied frame
by frame (frames keep their numbers in the file), frames numbered from
first_frame (a shard of a capture numbers its frames as the whole does).
"""

import os

from ._native import ffi, lib, pcap, string

# MPF_COUNTER_MAP order (lib/mpflow.h)
COUNTERS = ("frames", "analysed", "truncated", "malformed", "unsupported",
            "fragments", "not_ip", "backend_off", "unmatched", "released",
            "evicted")



# The most seconds whose nanoseconds an int64 holds, with room: the CLI
# (tools/capfile.c) saturates time stamps to it, and so does this reader,
# so that a time stamp past it gives the CLI's results, not an overflow.
_MAX_SEC = (2 ** 63 - 1) // 1000000000 - 1


def _saturate(sec, nsec):
    """(sec, nsec) within what int64 nanoseconds hold, as the CLI does."""
    if sec > _MAX_SEC:
        return _MAX_SEC, 999999999
    if sec < -_MAX_SEC:
        return -_MAX_SEC, 0
    return sec, nsec


class Error(Exception):
    """A failure of libmpflow or of reading a capture.

    status: the library's status name ("ERR_MALFORMED", as
    mpf_status_name() gives it), or None when the failure is not the
    library's (a file libpcap cannot read); code: the status value or None.
    """

    def __init__(self, message, status=None, code=None):
        super().__init__(message)
        self.status = status
        self.code = code


class CaptureError(Error):
    """The capture could not be read, or not to its end. When it broke off
    after some frames, result holds what the frames before the break gave
    (the mpflow command prints it too, then exits 1); else None."""

    def __init__(self, message, status=None, code=None, result=None):
        super().__init__(message, status, code)
        self.result = result


def check(code, what):
    """Raises Error for a negative libmpflow status."""
    if code < 0:
        m = lib()
        raise Error("%s: %s" % (what, string(m.mpf_status_to_string(code))),
                    string(m.mpf_status_name(code)), code)
    return code


def config(disable=(), stream=False, idle_timeout=None, memory_cap=None,
           retain=False, shard=False):
    """A struct mpf_config (freed by the caller) for the CLI's options."""
    m = lib()
    if (idle_timeout is not None or memory_cap is not None) and not stream:
        raise ValueError("idle_timeout and memory_cap apply to stream=True only")
    cfg = m.mpf_config_new()
    if cfg == ffi.NULL:
        raise MemoryError("mpf_config_new")
    try:
        if isinstance(disable, str):
            disable = (disable,)
        for name in disable:
            proto = ffi.new("int *")
            if (m.mpf_protocol_from_string(name.encode(), proto) != 0 or
                    not m.mpf_protocol_is_available(proto[0])):
                raise ValueError("no backend named %r" % (name,))
            check(m.mpf_config_set_backend(cfg, proto[0], False), "disable " + name)
        m.mpf_config_set_retain_frames(cfg, bool(retain) and not stream)
        m.mpf_config_set_shard(cfg, bool(shard))
        if stream:
            m.mpf_config_set_streaming(cfg, True)
            if idle_timeout is not None:
                if not 0 <= int(idle_timeout) < 1 << 32:
                    raise ValueError("idle_timeout wants seconds, not %r" % (idle_timeout,))
                m.mpf_config_set_idle_timeout(cfg, int(idle_timeout))
            if memory_cap is not None:
                if not 0 <= int(memory_cap) < 1 << 44:
                    raise ValueError("memory_cap wants MiB, not %r" % (memory_cap,))
                m.mpf_config_set_memory_cap(cfg, int(memory_cap) << 20)
    except BaseException:
        m.mpf_config_free(cfg)
        raise
    return cfg


class Capture:
    """An open capture file (a context manager) that feeds its frames to a
    context."""

    def __init__(self, path, filter=None, first_frame=1, count=None):
        self.path = os.fspath(path)
        if isinstance(self.path, bytes):
            self.path = os.fsdecode(self.path)
        self.shown = "(standard input)" if self.path == "-" else self.path
        if not 1 <= int(first_frame) < 1 << 32:
            raise ValueError("first_frame wants a frame number from 1, not %r"
                             % (first_frame,))
        if count is not None and int(count) < 0:
            raise ValueError("count wants a number of frames, not %r" % (count,))
        self.first_frame = int(first_frame)
        self.count = None if count is None else int(count)
        p = pcap()
        err = ffi.new("char[256]")
        self.pc = p.pcap_open_offline_with_tstamp_precision(
            os.fsencode(self.path), 1, err)  # 1: PCAP_TSTAMP_PRECISION_NANO
        if self.pc == ffi.NULL:
            raise CaptureError("%s: %s" % (self.shown,
                                          string(err) or "cannot read the capture"))
        self.linktype = p.pcap_datalink(self.pc)
        if not lib().mpf_linktype_is_supported(self.linktype):
            name = string(p.pcap_datalink_val_to_name(self.linktype)) or "unknown"
            self.close()
            raise CaptureError("%s: unsupported link type %d (%s)"
                               % (self.shown, self.linktype, name),
                               "ERR_UNSUPPORTED", -3)
        self.number = self.first_frame - 1  # the last frame read
        self.fed = 0
        self.done = False
        self._hp = ffi.new("struct pcap_pkthdr **")
        self._dp = ffi.new("const uint8_t **")
        self._pkt = ffi.new("struct mpf_packet *")
        self._res = ffi.new("const struct mpf_frame **")
        self.bpf = None
        if filter:
            self.bpf = ffi.new("struct bpf_program *")
            # netmask unknown in a file: PCAP_NETMASK_UNKNOWN
            if p.pcap_compile(self.pc, self.bpf, filter.encode(), 1, 0xffffffff) != 0:
                msg = string(p.pcap_geterr(self.pc))
                self.bpf = None
                self.close()
                raise ValueError("invalid filter %r: %s" % (filter, msg))

    def close(self):
        if getattr(self, "bpf", None) is not None:
            pcap().pcap_freecode(self.bpf)
            self.bpf = None
        if self.pc != ffi.NULL:
            pcap().pcap_close(self.pc)
            self.pc = ffi.NULL

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def feed(self, ctx, on_frame=None, times=None, limit=None):
        """Feeds the next frames (that pass the filter) to @ctx: all of
        them, or @limit more; at most count in all. Calls
        on_frame(frame, ts_sec, ts_nsec) with each result and appends
        (number, ts_sec, ts_nsec) to the list @times. Returns how many it
        fed; self.done says whether the capture (or count) is exhausted.
        Raises CaptureError when the file breaks off, after feeding what
        came before."""
        p, m = pcap(), lib()
        nx, feed, offline_filter = p.pcap_next_ex, m.mpf_ctx_feed, p.pcap_offline_filter
        hp, dp, pkt, res = self._hp, self._dp, self._pkt, self._res
        pkt.linktype = self.linktype
        number = self.number
        fed = 0
        bpf, pc = self.bpf, self.pc
        if self.count is not None:
            left = self.count - self.fed
            limit = left if limit is None else min(limit, left)
        r = 1
        while limit is None or fed < limit:
            r = nx(pc, hp, dp)
            if r != 1:
                self.done = True
                break
            number += 1
            if number >= 1 << 32:
                self.number = number
                raise CaptureError("%s: more frames than mpflow numbers" % self.shown)
            h = hp[0]
            if bpf is not None and offline_filter(bpf, h, dp[0]) == 0:
                continue
            ts = h.ts
            sec, nsec = _saturate(ts.tv_sec, ts.tv_usec)  # ns: see open
            pkt.number = number
            pkt.data = dp[0]
            pkt.caplen = h.caplen
            pkt.wirelen = h.len
            pkt.ts_sec = sec
            pkt.ts_nsec = nsec
            fed += 1
            if feed(ctx, pkt, res) != 0:
                continue
            if times is not None:
                times.append((number, sec, nsec))
            if on_frame is not None:
                on_frame(res[0], sec, nsec)
        self.number = number
        self.fed += fed
        if self.count is not None and self.fed >= self.count:
            self.done = True
        if r == -1:  # PCAP_ERROR
            raise CaptureError("%s: frame %d: %s"
                               % (self.shown, number + 1, string(p.pcap_geterr(pc))))
        return fed
