# SPDX-License-Identifier: LGPL-2.1-or-later
"""The C libraries through cffi in ABI mode: libmpflow, and libpcap to read
captures as the mpflow command does.

libmpflow is the one the dynamic loader finds (libmpflow.so.0: installed,
or on LD_LIBRARY_PATH), or the file named by MPFLOW_LIBRARY when it is set;
libpcap likewise (MPFLOW_PCAP_LIBRARY). Only the public API of
lib/mpflow.h is declared here, and only what the package uses.
"""

import ctypes.util
import os

import cffi

ffi = cffi.FFI()

ffi.cdef("""
/* lib/mpflow.h */
const char *mpf_status_to_string(int status);
const char *mpf_status_name(int status);
const char *mpf_version_string(void);
const char *mpf_protocol_to_string(int proto);
int mpf_protocol_from_string(const char *name, int *proto);
bool mpf_protocol_is_available(int proto);
bool mpf_linktype_is_supported(int linktype);

struct mpf_config;
struct mpf_ctx;
struct mpf_frame;
struct mpf_node;

struct mpf_config *mpf_config_new(void);
void mpf_config_free(struct mpf_config *config);
int mpf_config_set_backend(struct mpf_config *config, int proto, bool enabled);
void mpf_config_set_retain_frames(struct mpf_config *config, bool retain);
void mpf_config_set_streaming(struct mpf_config *config, bool streaming);
void mpf_config_set_idle_timeout(struct mpf_config *config, uint32_t seconds);
void mpf_config_set_memory_cap(struct mpf_config *config, uint64_t bytes);
void mpf_config_set_shard(struct mpf_config *config, bool shard);
typedef void (*mpf_release_func)(const struct mpf_ctx *ctx,
                                 const struct mpf_node *node,
                                 int reason, void *user_data);
void mpf_config_set_release_handler(struct mpf_config *config,
                                    mpf_release_func func, void *user_data);

struct mpf_ctx *mpf_ctx_new(const struct mpf_config *config);
void mpf_ctx_free(struct mpf_ctx *ctx);

struct mpf_packet {
    uint32_t number;
    int linktype;
    const uint8_t *data;
    uint32_t caplen;
    uint32_t wirelen;
    int64_t ts_sec;
    uint32_t ts_nsec;
};

int mpf_ctx_feed(struct mpf_ctx *ctx, const struct mpf_packet *pkt,
                 const struct mpf_frame **result);
const struct mpf_frame *mpf_ctx_get_frame(const struct mpf_ctx *ctx,
                                          uint32_t number);
uint64_t mpf_ctx_get_counter(const struct mpf_ctx *ctx, int counter);
uint64_t mpf_ctx_get_state_bytes(const struct mpf_ctx *ctx, uint64_t *peak);

int mpf_ctx_export_partial(const struct mpf_ctx *ctx, void **data,
                           size_t *len);
int mpf_partial_merge(const void *const *parts, const size_t *lens,
                      size_t n, void **data, size_t *len);
int mpf_ctx_new_from_partial(const void *data, size_t len,
                             struct mpf_ctx **ctx);
void mpf_free(void *data);

uint32_t mpf_frame_get_number(const struct mpf_frame *frame);
int mpf_frame_get_status(const struct mpf_frame *frame);
int mpf_frame_get_protocol(const struct mpf_frame *frame);
uint32_t mpf_frame_get_node_id(const struct mpf_frame *frame);
uint32_t mpf_frame_get_flow_id(const struct mpf_frame *frame);
int mpf_frame_get_direction(const struct mpf_frame *frame);
uint32_t mpf_frame_get_payload_length(const struct mpf_frame *frame);
bool mpf_frame_get_mptcp_dsn(const struct mpf_frame *frame, uint64_t *dsn);
bool mpf_frame_get_mptcp_dack(const struct mpf_frame *frame, uint64_t *dack);
uint32_t mpf_frame_get_mptcp_mapping_frame(const struct mpf_frame *frame);
unsigned mpf_frame_get_mptcp_options(const struct mpf_frame *frame);
unsigned mpf_frame_get_mptcp_flags(const struct mpf_frame *frame);
uint32_t mpf_frame_get_mptcp_reinjection_of(const struct mpf_frame *frame);
uint32_t mpf_frame_get_mptcp_reinjected_in(const struct mpf_frame *frame);
const char *mpf_mptcp_subtype_to_string(unsigned subtype);
const char *mpf_mptcp_frame_flag_to_string(unsigned flag);
unsigned mpf_frame_get_sctp_flags(const struct mpf_frame *frame);
const char *mpf_sctp_frame_flag_to_string(unsigned flag);
bool mpf_frame_get_sctp_tsn(const struct mpf_frame *frame, uint32_t *tsn);
bool mpf_frame_get_sctp_cum_ack(const struct mpf_frame *frame, uint32_t *tsn);
uint32_t mpf_frame_get_sctp_chunks(const struct mpf_frame *frame);
const char *mpf_sctp_chunk_to_string(unsigned type);
uint32_t mpf_sctp_chunk_bit(unsigned type);
unsigned mpf_frame_get_lisp_flags(const struct mpf_frame *frame);
const char *mpf_lisp_frame_flag_to_string(unsigned flag);
int mpf_frame_get_lisp_type(const struct mpf_frame *frame);
const char *mpf_lisp_type_to_string(int type);
bool mpf_frame_get_lisp_nonce(const struct mpf_frame *frame, uint64_t *nonce);
bool mpf_frame_get_lisp_iid(const struct mpf_frame *frame, uint32_t *iid);
uint32_t mpf_frame_get_lisp_request_frame(const struct mpf_frame *frame);

uint32_t mpf_node_get_id(const struct mpf_node *node);
uint32_t mpf_node_get_merged_into(const struct mpf_node *node);

char *mpf_ctx_summary_json(const struct mpf_ctx *ctx, const char *capture);
typedef void (*mpf_write_func)(const char *text, size_t len, void *user_data);
struct mpf_summary_stream;
struct mpf_summary_stream *mpf_summary_stream_new(const char *capture,
                                                  mpf_write_func write,
                                                  void *user_data);
void mpf_summary_stream_node(struct mpf_summary_stream *s,
                             const struct mpf_node *node, int reason);
void mpf_summary_stream_end(struct mpf_summary_stream *s,
                            const struct mpf_ctx *ctx);

/* libpcap */
typedef struct pcap pcap_t;
struct bpf_insn;
struct bpf_program { unsigned int bf_len; struct bpf_insn *bf_insns; };
struct mpf_timeval { long tv_sec; long tv_usec; };
struct pcap_pkthdr { struct mpf_timeval ts; uint32_t caplen; uint32_t len; };
pcap_t *pcap_open_offline_with_tstamp_precision(const char *fname,
                                                unsigned int precision,
                                                char *errbuf);
int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **h, const uint8_t **data);
int pcap_datalink(pcap_t *p);
const char *pcap_datalink_val_to_name(int dlt);
char *pcap_geterr(pcap_t *p);
void pcap_close(pcap_t *p);
int pcap_compile(pcap_t *p, struct bpf_program *fp, const char *str,
                 int optimize, uint32_t netmask);
void pcap_freecode(struct bpf_program *fp);
int pcap_offline_filter(const struct bpf_program *fp,
                        const struct pcap_pkthdr *h, const uint8_t *data);
""")

_LIBS = {}


def _open(env, names, what):
    path = os.environ.get(env)
    if path:
        try:
            return ffi.dlopen(path)
        except OSError as e:
            raise ImportError("%s=%s: %s" % (env, path, e)) from None
    errors = []
    for name in names:
        if name is None:
            continue
        try:
            return ffi.dlopen(name)
        except OSError as e:
            errors.append(str(e))
    raise ImportError("cannot load %s (install it, put it on LD_LIBRARY_PATH, "
                      "or name the file in %s): %s" % (what, env, "; ".join(errors)))


def lib():
    """libmpflow, loaded on first use."""
    if "mpflow" not in _LIBS:
        _LIBS["mpflow"] = _open("MPFLOW_LIBRARY",
                                ["libmpflow.so.0", ctypes.util.find_library("mpflow")],
                                "libmpflow")
    return _LIBS["mpflow"]


def pcap():
    """libpcap, loaded on first use."""
    if "pcap" not in _LIBS:
        _LIBS["pcap"] = _open("MPFLOW_PCAP_LIBRARY",
                              ["libpcap.so.0.8", "libpcap.so.1",
                               ctypes.util.find_library("pcap")],
                              "libpcap")
    return _LIBS["pcap"]


def string(p):
    """A C string the library owns, as str (None for NULL)."""
    return None if p == ffi.NULL else ffi.string(p).decode("utf-8", "replace")
