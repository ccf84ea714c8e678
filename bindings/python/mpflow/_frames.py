# SPDX-License-Identifier: LGPL-2.1-or-later
"""One frame's result as a row: the columns of `mpflow frames --format csv`,
as Python values (None where the CSV cell is empty)."""

import collections

from ._native import ffi, lib, string

COLUMNS = ("frame", "time", "protocol", "node", "flow", "direction", "status",
           "len", "dsn", "dack", "mapping_frame", "options", "flags",
           "reinjection_of", "reinjected_in", "tsn", "cum_tsn_ack", "iid",
           "nonce", "request_frame")

Frame = collections.namedtuple("Frame", COLUMNS)
Frame.__doc__ = """One frame's result, the columns of `mpflow frames --format
csv`: time is nanoseconds since the epoch (an int), options and flags the
names joined by "|" ("" for none), nonce an int; None where the CSV cell
is empty."""

# pandas dtypes of the columns (frames() builds its DataFrame with them)
DTYPES = {
    "frame": "uint32", "time": "datetime64[ns, UTC]", "protocol": "string",
    "node": "UInt32", "flow": "UInt32", "direction": "string",
    "status": "string", "len": "uint32", "dsn": "UInt64", "dack": "UInt64",
    "mapping_frame": "UInt32", "options": "string", "flags": "string",
    "reinjection_of": "UInt32", "reinjected_in": "UInt32", "tsn": "UInt32",
    "cum_tsn_ack": "UInt32", "iid": "UInt32", "nonce": "UInt64",
    "request_frame": "UInt32",
}

ID_NONE = 0xFFFFFFFF


class _Names:
    """Names of bits and values, asked of the library once."""

    def __init__(self):
        m = lib()
        bits = range(32)
        # every protocol the library names (MPF_PROTO_COUNT is not
        # exported to Python: the first "unknown" marks the end)
        self.proto = {}
        while True:
            name = string(m.mpf_protocol_to_string(len(self.proto)))
            if name == "unknown":
                break
            self.proto[len(self.proto)] = name
        self.mptcp_opt = {i: string(m.mpf_mptcp_subtype_to_string(i)) for i in bits}
        self.mptcp_flag = {i: string(m.mpf_mptcp_frame_flag_to_string(1 << i))
                           for i in bits}
        self.sctp_flag = {i: string(m.mpf_sctp_frame_flag_to_string(1 << i))
                          for i in bits}
        self.lisp_flag = {i: string(m.mpf_lisp_frame_flag_to_string(1 << i))
                          for i in bits}
        # chunk types by bit, in type order as the CLI lists them
        self.sctp_chunks = []
        for t in range(256):
            b = m.mpf_sctp_chunk_bit(t)
            if b != 1 << 31:
                self.sctp_chunks.append((b, string(m.mpf_sctp_chunk_to_string(t))))
        self.lisp_type = {}
        self.status = {}

    def status_word(self, st):
        if st not in self.status:
            self.status[st] = "ok" if st == 0 else string(lib().mpf_status_name(st))
        return self.status[st]

    def lisp_type_name(self, t):
        if t not in self.lisp_type:
            self.lisp_type[t] = string(lib().mpf_lisp_type_to_string(t))
        return self.lisp_type[t]


_names = None


def _bits(bits, table):
    return "|".join(table[i] for i in range(32) if bits >> i & 1)


class RowReader:
    """Reads rows from frame results (struct mpf_frame pointers)."""

    def __init__(self):
        global _names
        if _names is None:
            _names = _Names()
        self.n = _names
        self.m = lib()
        self.u64 = ffi.new("uint64_t *")
        self.u32 = ffi.new("uint32_t *")

    def names(self, f, proto, flags):
        m, n = self.m, self.n
        if proto == 1:
            if flags:
                return _bits(m.mpf_frame_get_mptcp_flags(f), n.mptcp_flag)
            return _bits(m.mpf_frame_get_mptcp_options(f), n.mptcp_opt)
        if proto == 2:
            if flags:
                return _bits(m.mpf_frame_get_sctp_flags(f), n.sctp_flag)
            chunks = m.mpf_frame_get_sctp_chunks(f)
            out = [name for bit, name in n.sctp_chunks if chunks & bit]
            if chunks & 1 << 31:
                out.append("unknown")
            return "|".join(out)
        if proto == 3:
            if flags:  # the data flag is the type's business
                return _bits(m.mpf_frame_get_lisp_flags(f) & ~1, n.lisp_flag)
            return n.lisp_type_name(m.mpf_frame_get_lisp_type(f))
        return ""

    def row(self, f, sec, nsec):
        m, u64, u32 = self.m, self.u64, self.u32
        proto = m.mpf_frame_get_protocol(f)
        node = m.mpf_frame_get_node_id(f)
        flow = m.mpf_frame_get_flow_id(f)
        dsn = u64[0] if m.mpf_frame_get_mptcp_dsn(f, u64) else None
        dack = u64[0] if m.mpf_frame_get_mptcp_dack(f, u64) else None
        tsn = u32[0] if m.mpf_frame_get_sctp_tsn(f, u32) else None
        cum = u32[0] if m.mpf_frame_get_sctp_cum_ack(f, u32) else None
        iid = u32[0] if m.mpf_frame_get_lisp_iid(f, u32) else None
        nonce = u64[0] if m.mpf_frame_get_lisp_nonce(f, u64) else None
        mapping = m.mpf_frame_get_mptcp_mapping_frame(f)
        rof = m.mpf_frame_get_mptcp_reinjection_of(f)
        rin = m.mpf_frame_get_mptcp_reinjected_in(f)
        req = m.mpf_frame_get_lisp_request_frame(f)
        if proto == 0:
            direction = None
        else:
            direction = "c2s" if m.mpf_frame_get_direction(f) == 0 else "s2c"
        return Frame(
            m.mpf_frame_get_number(f), sec * 1000000000 + nsec,
            self.n.proto[proto] if proto else None,
            None if node == ID_NONE else node,
            None if flow == ID_NONE else flow,
            direction, self.n.status_word(m.mpf_frame_get_status(f)),
            m.mpf_frame_get_payload_length(f), dsn, dack, mapping or None,
            self.names(f, proto, False), self.names(f, proto, True),
            rof or None, rin or None, tsn, cum, iid, nonce, req or None)


def dataframe(rows):
    """A pandas DataFrame of Frame rows, with the columns' dtypes."""
    import pandas as pd

    cols = list(zip(*rows)) if rows else [()] * len(COLUMNS)
    data = {}
    for name, values in zip(COLUMNS, cols):
        dtype = DTYPES[name]
        if name == "time":
            data[name] = pd.to_datetime(pd.array(values, dtype="Int64"),
                                        unit="ns", utc=True)
        else:
            data[name] = pd.array(values, dtype=dtype)
    return pd.DataFrame(data, columns=list(COLUMNS))
