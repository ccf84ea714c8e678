/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmpflow: the multipath structure hidden in packet captures.
 *
 * A context (struct mpf_ctx) is fed the frames of a capture in capture
 * order. Protocol backends (MPTCP, SCTP, LISP) build a graph from them: a
 * *node* is one multipath entity (an MPTCP connection, an SCTP
 * association, a LISP site) and owns *flows* (its TCP subflows, address
 * pairs, RLOC pairs). Every fed frame gets a compact result (struct
 * mpf_frame): which node and flow it belongs to and what the protocol
 * says of it (for MPTCP, its relative data sequence number, data ack and
 * the frame that carried its mapping).
 *
 * Conventions, once for the whole header:
 *  - Functions that can fail return an int status: 0 (MPF_OK) or a negative
 *    MPF_ERR_* code from the one list below; mpf_status_to_string() names it.
 *  - Objects named _new are owned by the caller and released with _free
 *    (both NULL-safe). Pointers returned by _get functions are borrowed:
 *    they stay valid until the object that owns them is freed.
 *  - Ids of nodes and flows are small integers from 0, assigned in order of
 *    first appearance and never reused within a context. MPF_ID_NONE means
 *    "none".
 *  - Nothing here prints, aborts or exits on bad packet data. Memory comes
 *    from GLib, which aborts when it runs out, so no function reports an
 *    allocation failure (only the _new constructors return NULL then).
 *  - Declarations added after version 0.1 say "Since: X.Y"; test for them
 *    with MPF_CHECK_VERSION(X, Y, 0).
 *
 * This header is the whole public API. It is C99 and needs only <stdbool.h>,
 * <stddef.h> and <stdint.h>.
 */
#ifndef MPFLOW_H
#define MPFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MPF_BUILDING_LIBRARY) && defined(__GNUC__)
#define MPF_PUBLIC __attribute__((visibility("default")))
#else
#define MPF_PUBLIC
#endif

/* A status that is a bug to ignore (an argument refused, a frame not
 * taken). Define MPF_NO_WARN_UNUSED to silence the compiler's warnings. */
#if defined(__GNUC__) && !defined(MPF_NO_WARN_UNUSED)
#define MPF_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define MPF_WARN_UNUSED
#endif

/* An old name kept so that programs written for 0.1 still compile and
 * link; the compiler says what replaces it. Define
 * MPF_DISABLE_DEPRECATION_WARNINGS to silence it. */
#if defined(__GNUC__) && !defined(MPF_DISABLE_DEPRECATION_WARNINGS)
#define MPF_DEPRECATED_FOR(f) __attribute__((deprecated("use " #f)))
#define MPF_DEPRECATED_ENUM __attribute__((deprecated("use MPF_SIDE_*")))
#else
#define MPF_DEPRECATED_FOR(f)
#define MPF_DEPRECATED_ENUM
#endif

/* --------------------------------------------------------------- version */

/* The version of this header (the build checks that it is the project's).
 * mpf_version_string() gives the version of the library loaded. */
#define MPF_VERSION_MAJOR 0
#define MPF_VERSION_MINOR 2
#define MPF_VERSION_MICRO 0

/* Whether this header is version @major.@minor.@micro or later:
 * #if MPF_CHECK_VERSION(0, 2, 0) guards code that uses what 0.2 added. */
#define MPF_CHECK_VERSION(major, minor, micro)                               \
	(MPF_VERSION_MAJOR > (major) ||                                      \
	 (MPF_VERSION_MAJOR == (major) && MPF_VERSION_MINOR > (minor)) ||    \
	 (MPF_VERSION_MAJOR == (major) && MPF_VERSION_MINOR == (minor) &&    \
	  MPF_VERSION_MICRO >= (micro)))

/* ---------------------------------------------------------------- status */

/*
 * The one list of status codes. Zero and positive values are not errors:
 * a positive frame status says the frame was counted but not analysed.
 * Negative values are errors. Packet-level outcomes (TRUNCATED, MALFORMED,
 * UNSUPPORTED) are per-frame results, never fatal to the context. Value
 * -4 was "out of memory" before 0.2; it was never returned (see the
 * conventions above) and is not reused.
 */
#define MPF_STATUS_MAP(XX)                                                   \
	XX(OK, 0, "success")                                                 \
	XX(FRAGMENT, 1, "non-first IP fragment: counted, not analysed")      \
	XX(ERR_TRUNCATED, -1,                                                \
	   "truncated: the captured bytes end inside a header or option")    \
	XX(ERR_MALFORMED, -2,                                                \
	   "malformed: header or option fields contradict each other")       \
	XX(ERR_UNSUPPORTED, -3, "unsupported link type or encapsulation")    \
	XX(ERR_INVALID, -5, "invalid argument")                              \
	XX(ERR_ORDER, -6, "frame fed out of capture order")                  \
	XX(ERR_NOT_FOUND, -7, "no such frame, node, flow or backend")       \
	XX(ERR_BUSY, -8, "not allowed now: frames were fed, the context is "  \
	   "finished or made from a partial result, or in a callback")        \
	XX(ERR_PARTIAL, -9,                                                  \
	   "not a partial result this library reads (another format)")

enum mpf_status {
#define MPF_XX(name, value, text) MPF_##name = value,
	MPF_STATUS_MAP(MPF_XX)
#undef MPF_XX
};

/*
 * Returns: (transfer none) a static one-line English description of
 * @status, or "unknown status" for a value not in MPF_STATUS_MAP.
 */
MPF_PUBLIC const char *mpf_status_to_string(int status);

/* Returns: (transfer none) the symbolic name ("ERR_TRUNCATED") of @status.
 * Not a _to_string: that one gives the description, as libuv's
 * uv_err_name() and uv_strerror() do. */
MPF_PUBLIC const char *mpf_status_name(int status);

/* Returns: (transfer none) the library version, "MAJOR.MINOR.PATCH". */
MPF_PUBLIC const char *mpf_version_string(void);

/* -------------------------------------------------------------- protocol */

enum mpf_protocol {
	MPF_PROTO_NONE = 0, /* frame belongs to no node */
	MPF_PROTO_MPTCP = 1,
	MPF_PROTO_SCTP = 2,
	MPF_PROTO_LISP = 3,
	/* one past the last value: arrays by protocol are this long, so
	 * adding a protocol is one line here (Since: 0.2) */
	MPF_PROTO_COUNT
};

/* Returns: (transfer none) "none", "mptcp", "sctp", "lisp" or "unknown". */
MPF_PUBLIC const char *mpf_protocol_to_string(enum mpf_protocol proto);

/*
 * Stores in *proto the protocol named @name ("mptcp", ...).
 * Returns: 0, or MPF_ERR_NOT_FOUND for a name no backend has.
 */
MPF_PUBLIC int mpf_protocol_from_string(const char *name,
					enum mpf_protocol *proto)
	MPF_WARN_UNUSED;

/* Whether this build has a backend for @proto. */
MPF_PUBLIC bool mpf_protocol_is_available(enum mpf_protocol proto);

#define MPF_ID_NONE UINT32_MAX

/* ------------------------------------------------------------- addresses */

/* An IPv4 or IPv6 address by value. IPv4 uses the first 4 bytes. */
struct mpf_addr {
	uint8_t family; /* 4 or 6; 0 for "no address" */
	uint8_t bytes[16];
};

#define MPF_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

/*
 * Writes @addr in presentation form ("10.0.0.1", "fd00::1") into @buf of
 * @len bytes (MPF_ADDR_STRLEN is always enough), NUL-terminated.
 * Returns: @buf.
 */
MPF_PUBLIC char *mpf_addr_to_string(const struct mpf_addr *addr, char *buf,
				    size_t len);

/*
 * Whether frames of this link type (a LINKTYPE_ value, or the DLT_ value
 * libpcap's pcap_datalink() returns for it) can be decoded.
 */
MPF_PUBLIC bool mpf_linktype_is_supported(int linktype);

/* -------------------------------------------------------------- logging */

enum mpf_log_level {
	MPF_LOG_ERROR = 0,
	MPF_LOG_WARNING = 1,
	MPF_LOG_INFO = 2,
	MPF_LOG_DEBUG = 3,
};

/*
 * Receives each log message at or below the configured level. @message is
 * borrowed for the duration of the call and carries no trailing newline.
 */
typedef void (*mpf_log_func)(enum mpf_log_level level, const char *message,
			     void *user_data);

/* --------------------------------------------------------------- config */

struct mpf_config;

/*
 * A configuration with the defaults: every available backend on, per-frame
 * results retained, no log handler.
 * Returns: (transfer full) the config, or NULL when out of memory.
 */
MPF_PUBLIC struct mpf_config *mpf_config_new(void);

MPF_PUBLIC void mpf_config_free(struct mpf_config *config);

/*
 * Switches the backend of @proto on or off (as Wireshark's MPTCP analysis
 * can be switched off). A frame of a protocol whose backend is off is
 * counted and left without a node.
 * Returns: 0, or MPF_ERR_NOT_FOUND when this build has no such backend.
 */
MPF_PUBLIC int mpf_config_set_backend(struct mpf_config *config,
				      enum mpf_protocol proto, bool enabled)
	MPF_WARN_UNUSED;

/*
 * Whether the context keeps every frame's result for mpf_ctx_get_frame()
 * (true, the default; what Wireshark's later passes need) or only the
 * latest one (a single streaming pass). Asked for explicitly (true) on a
 * streaming config, results are kept until mpf_ctx_release_frames() lets
 * them go (since 0.2).
 */
MPF_PUBLIC void mpf_config_set_retain_frames(struct mpf_config *config,
					     bool retain);

/*
 * Streaming: memory that stays flat however long the capture. Frames are
 * not retained (as with mpf_config_set_retain_frames(false)) unless
 * mpf_config_set_retain_frames(true) is called too, and a node
 * is released (shown to the release handler, then freed:
 * mpf_ctx_get_node() returns NULL for its id from then on) when
 *  - it ended (MPTCP: DATA_FIN both ways, MP_FASTCLOSE, every subflow
 *    reset, or fallback; SCTP: SHUTDOWN or ABORT) and has been quiet for
 *    10 seconds of capture time, so that late retransmissions still find
 *    it (MPF_RELEASE_ENDED);
 *  - it has been idle for the idle timeout (MPF_RELEASE_IDLE);
 *  - the analysis state passes the memory cap: the least recently active
 *    nodes go first, those never established (the half-open handshakes of
 *    a flood) before the others (MPF_RELEASE_EVICTED, also counted in
 *    MPF_COUNTER_EVICTED).
 * Off by default: every node is kept until the context is freed.
 */
MPF_PUBLIC void mpf_config_set_streaming(struct mpf_config *config,
					 bool streaming);

/* Seconds of capture time without a packet after which a node is
 * released when streaming; 0 for never. Default 300. */
MPF_PUBLIC void mpf_config_set_idle_timeout(struct mpf_config *config,
					    uint32_t seconds);

/* Bytes of analysis state (an estimate the context keeps, see
 * mpf_ctx_get_state_bytes()) past which nodes are evicted when streaming;
 * 0 for no cap. Default 16 MiB. */
MPF_PUBLIC void mpf_config_set_memory_cap(struct mpf_config *config,
					  uint64_t bytes);

enum mpf_release_reason {
	MPF_RELEASE_ENDED = 0,
	MPF_RELEASE_IDLE = 1,
	MPF_RELEASE_EVICTED = 2,
	MPF_RELEASE_FINISHED = 3, /* still held at mpf_ctx_finish(). Since: 0.2 */
};

/* Returns: (transfer none) "ended", "idle", "evicted", "finished" or
 * "unknown". */
MPF_PUBLIC const char *mpf_release_reason_to_string(enum mpf_release_reason reason);

struct mpf_ctx;
struct mpf_node;

/* Sees a node, its flows and its protocol data for the last time, just
 * before it is freed (streaming) or, from mpf_ctx_finish() without
 * streaming, once the capture is over. It must not feed or finish the
 * context (those return MPF_ERR_BUSY while it runs). */
typedef void (*mpf_release_func)(const struct mpf_ctx *ctx,
				 const struct mpf_node *node,
				 enum mpf_release_reason reason,
				 void *user_data);

MPF_PUBLIC void mpf_config_set_release_handler(struct mpf_config *config,
					       mpf_release_func func,
					       void *user_data);

/* Installs @func for messages at @max_level and more severe ones. */
MPF_PUBLIC void mpf_config_set_log_handler(struct mpf_config *config,
					   mpf_log_func func,
					   enum mpf_log_level max_level,
					   void *user_data);

/*
 * Keeps, beside the analysis, a 40-byte record of every TCP segment that
 * carries payload or SYN (its frame, time, sequence number, length, TCP
 * timestamp, and for MPTCP its flow, DSN and reinjection link; plain TCP
 * by 4-tuple, at most 262,144 connections), for mpf_match_new(). Off by
 * default: a context that does not keep it pays nothing. Ignored when
 * streaming.
 */
MPF_PUBLIC void mpf_config_set_segment_log(struct mpf_config *config,
					   bool keep);

/* -------------------------------------------------------------- context */

struct mpf_ctx;

/*
 * Creates an analysis context. @config is copied (it may be freed right
 * after) and may be NULL for the defaults.
 * Returns: (transfer full) the context, or NULL when out of memory.
 */
MPF_PUBLIC struct mpf_ctx *mpf_ctx_new(const struct mpf_config *config);

/* Releases the context, its graph and every frame result. */
MPF_PUBLIC void mpf_ctx_free(struct mpf_ctx *ctx);

/*
 * One captured frame, as a capture file or a dissector has it. @linktype is
 * a LINKTYPE_ value of the pcap/pcapng formats (1 Ethernet, 113 Linux SLL,
 * 276 Linux SLL2, 101 raw IP, 0 BSD loopback, 9 PPP, ...). @data holds
 * @caplen captured bytes of a frame that was @wirelen bytes on the wire.
 * @number is the 1-based frame number; numbers must increase from one call
 * to the next (gaps are allowed).
 */
struct mpf_packet {
	uint32_t number;
	int linktype;
	const uint8_t *data;
	uint32_t caplen;
	uint32_t wirelen;
	int64_t ts_sec;
	uint32_t ts_nsec;
};

struct mpf_frame;

/*
 * Analyses one frame (first pass, capture order). On success stores in
 * *@result (nullable) the frame's result: (transfer none) owned by @ctx,
 * valid until @ctx is freed when frames are retained, else until the next
 * call. A frame that is truncated, malformed or of an unsupported link type
 * is still a success of this call: its status is in the result, it is
 * counted, and the graph is left as the valid part of the frame allows.
 * A time stamp past what int64 nanoseconds hold (about 1678 to 2262) is
 * taken as the nearest one that fits.
 * Returns: 0; MPF_ERR_INVALID for a NULL argument; MPF_ERR_ORDER when
 * @pkt->number does not exceed the previous frame's number; MPF_ERR_BUSY
 * after mpf_ctx_finish(), for a context made from a partial result, or
 * from inside the release handler or an mpf_node_foreach_frame() callback.
 * The frame is not analysed then.
 */
MPF_PUBLIC int mpf_ctx_feed(struct mpf_ctx *ctx, const struct mpf_packet *pkt,
			    const struct mpf_frame **result) MPF_WARN_UNUSED;

/*
 * The capture is over: every node not yet released is shown to the
 * release handler (in id order, reason MPF_RELEASE_FINISHED, absorbed
 * nodes never), so that a handler sees each node exactly once. When
 * streaming, they are then freed (mpf_ctx_get_node() returns NULL for
 * them); otherwise the graph and the frames stay readable until
 * mpf_ctx_free(). Later calls of mpf_ctx_feed() and of this return
 * MPF_ERR_BUSY.
 * Returns: 0, MPF_ERR_INVALID for NULL, MPF_ERR_BUSY (see above).
 * Since: 0.2
 */
MPF_PUBLIC int mpf_ctx_finish(struct mpf_ctx *ctx) MPF_WARN_UNUSED;

/*
 * Streaming: capture time has reached @ts_sec.@ts_nsec without a frame
 * (a live capture on a quiet interface). The nodes due by then (ended and
 * quiet, or idle) are released, as a frame of that time would release
 * them. An earlier time than the latest seen changes nothing; so does
 * this call when not streaming, or from a callback.
 * Since: 0.2
 */
MPF_PUBLIC void mpf_ctx_expire(struct mpf_ctx *ctx, int64_t ts_sec,
			       uint32_t ts_nsec);

/*
 * The stored result of frame @number (second pass, any order). Never
 * changes the graph.
 * Returns: (transfer none) (nullable) the result, or NULL when the frame was
 * never fed or results are not retained.
 */
MPF_PUBLIC const struct mpf_frame *mpf_ctx_get_frame(const struct mpf_ctx *ctx,
						     uint32_t number);

/*
 * Settling, for a caller that prints each frame's result once, in one pass
 * (`mpflow frames`): a later frame can still change an earlier result (a
 * reinjection fills the reinjected frame's link, a node merged by
 * inference renumbers the frames it had, a join HMAC or an RST is judged
 * when later segments come). Returns the lowest frame number whose
 * result may still change: every retained result of a lower number is
 * final. Past the last frame fed when nothing is pending (the next
 * frame's number is not known yet); 0 before the first frame. Costs time
 * in proportion to the nodes that got a frame since the last call (and
 * a logarithm of the live nodes), so it may be called after every frame;
 * the first call, and one after many nodes changed, reads every live
 * node.
 * Since: 0.2
 */
MPF_PUBLIC uint32_t mpf_ctx_get_first_unsettled(const struct mpf_ctx *ctx);

/*
 * Frees the retained results of the frames numbered below @before, so
 * that a caller that printed them keeps memory flat: mpf_ctx_get_frame()
 * returns NULL for them from then on, and pointers to them are no longer
 * valid. Below mpf_ctx_get_first_unsettled() nothing is lost; a result
 * released before it settled keeps what it had, and what a later frame
 * would have added to it (a link to a reinjection, a node renumbered by
 * a merge) is dropped (a caller bounding its memory by frames does that
 * on purpose). With streaming, results are retained (and then must be
 * released with this) only when mpf_config_set_retain_frames(true) was
 * called on the config. Does nothing from a callback.
 * Since: 0.2
 */
MPF_PUBLIC void mpf_ctx_release_frames(struct mpf_ctx *ctx, uint32_t before);

/* Number of nodes created so far; node ids run from 0 to this minus 1. */
MPF_PUBLIC uint32_t mpf_ctx_get_node_count(const struct mpf_ctx *ctx);

/* Returns: (transfer none) (nullable) node @id, NULL when out of range or
 * released (streaming). */
MPF_PUBLIC const struct mpf_node *mpf_ctx_get_node(const struct mpf_ctx *ctx,
						   uint32_t id);

/* Number of flows created so far; flow ids run from 0 to this minus 1. */
MPF_PUBLIC uint32_t mpf_ctx_get_flow_count(const struct mpf_ctx *ctx);

/* Returns: (transfer none) (nullable) flow @id, NULL when out of range or
 * its node was released (streaming). */
MPF_PUBLIC const struct mpf_flow *mpf_ctx_get_flow(const struct mpf_ctx *ctx,
						   uint32_t id);

/* Counters kept by every context, one list (names are for reports). */
#define MPF_COUNTER_MAP(XX)                                                  \
	XX(FRAMES, "frames")           /* every frame fed */                 \
	XX(ANALYSED, "analysed")       /* frames given a node */             \
	XX(TRUNCATED, "truncated")     /* status ERR_TRUNCATED */            \
	XX(MALFORMED, "malformed")     /* status ERR_MALFORMED */            \
	XX(UNSUPPORTED, "unsupported") /* status ERR_UNSUPPORTED */          \
	XX(FRAGMENTS, "fragments")     /* non-first IP fragments */          \
	XX(NOT_IP, "not_ip")           /* frames carrying no IP packet */    \
	XX(BACKEND_OFF, "backend_off") /* frames of a switched-off backend */ \
	XX(UNMATCHED, "unmatched")     /* claimed, but tied to no node */    \
	XX(RELEASED, "released")       /* nodes released when streaming */  \
	XX(EVICTED, "evicted")         /* of which for the memory cap */

enum mpf_counter {
#define MPF_XX(name, text) MPF_COUNTER_##name,
	MPF_COUNTER_MAP(MPF_XX)
#undef MPF_XX
	MPF_COUNTER_COUNT
};

MPF_PUBLIC uint64_t mpf_ctx_get_counter(const struct mpf_ctx *ctx,
					enum mpf_counter counter);

/* The analysis state the context holds now (nodes, flows, their tables;
 * not retained frames), an estimate in bytes, and its highest value so far
 * in *@peak (nullable). */
MPF_PUBLIC uint64_t mpf_ctx_get_state_bytes(const struct mpf_ctx *ctx,
					    uint64_t *peak);

/* Returns: (transfer none) the report name of @counter ("truncated"), or
 * "unknown". Since: 0.2 */
MPF_PUBLIC const char *mpf_counter_to_string(enum mpf_counter counter);

/* The 0.1 name of mpf_counter_to_string(), deprecated. */
MPF_PUBLIC const char *mpf_counter_name(enum mpf_counter counter)
	MPF_DEPRECATED_FOR(mpf_counter_to_string);

/* ------------------------------------------------------------- partials */

/*
 * Past one process: a capture cut in time shards (`mpflow split`), or many
 * captures, analysed apart, maybe on other machines, and merged.
 *
 * Each shard is fed to its own context with the numbers its frames have in
 * the whole capture (a shard starting at frame 1001 feeds 1001, 1002, ...),
 * in shard mode (mpf_config_set_shard()), and exported as a partial result:
 * bytes, the shard's graph node by node. mpf_partial_merge() merges the
 * partials of consecutive shards into the partial of the whole; for shards
 * that begin inside a connection it does what one process does across the
 * cut: MPTCP subflows continue by 4-tuple, connections meet by token and,
 * without their handshake, by DSN range (as the inference of a single
 * context); SCTP associations by ports and verification tags; LISP sites
 * by instance and EID prefix, and data a shard could not map is mapped by
 * the sites of the shards before it. mpf_ctx_new_from_partial() turns a
 * partial into a context that reads like any other (no frame results).
 *
 * What one process gets and a merge gets alike: the nodes, their flows,
 * keys and tokens, packets, bytes and frame ranges, the counters; for
 * MPTCP the fallback, the end and the states (join HMACs a shard saw
 * without the keys are checked in the merge). Per-frame
 * relations that straddle a cut are seen from one side only: a
 * reinjection of data first sent before the cut counts as new data, an
 * ADD_ADDR echo or REMOVE_ADDR of an address announced before it is not
 * tied to it, data without DSS after it is no fallback, an SCTP
 * retransmission of a TSN sent before it counts as new, a heartbeat and
 * its ack on both sides give no RTT sample. Node and flow ids of a merge
 * are those of the first shard, then new ones in order of appearance.
 *
 * A partial is validated as hostile input when read: a wrong or damaged
 * one is refused with a status, never a crash.
 */

/*
 * Shard mode: the context also keeps, compactly, the traffic it could tie
 * to no node but a node of an earlier shard may own (TCP segments without
 * MPTCP options on a 4-tuple it has no subflow for, SCTP packets of no
 * association, LISP data and Map-Requests of EIDs it has no site for), so
 * that a merge counts them where one process would. Off by default.
 */
MPF_PUBLIC void mpf_config_set_shard(struct mpf_config *config, bool shard);

/*
 * Exports what @ctx found as a partial result.
 * Returns: 0 and in *@data (transfer full, freed with mpf_free()) *@len
 * bytes; MPF_ERR_INVALID for a NULL argument or a streaming context
 * (released nodes are gone).
 */
MPF_PUBLIC int mpf_ctx_export_partial(const struct mpf_ctx *ctx, void **data,
				      size_t *len) MPF_WARN_UNUSED;

/*
 * Merges @n partials (@parts[i] of @lens[i] bytes) of consecutive parts of
 * one capture, in capture order, into the partial of the whole span. A
 * merged partial merges again like any other, with the ones before or
 * after it: merge(a, merge(b, c)) is merge(a, b, c) but where a 4-tuple
 * an MPTCP subflow of a had is reused by plain TCP inside b or c (merge
 * from the first part on to be exact there). Partials of different
 * captures must not be merged: keep their results side by side.
 * Returns: 0 and in *@data (transfer full, freed with mpf_free()) *@len
 * bytes; MPF_ERR_INVALID (NULL, n == 0); MPF_ERR_PARTIAL (not a partial,
 * or of another format version); MPF_ERR_TRUNCATED (cut short);
 * MPF_ERR_MALFORMED (damaged); MPF_ERR_ORDER (a part's frames do not come
 * after the previous part's).
 */
MPF_PUBLIC int mpf_partial_merge(const void *const *parts, const size_t *lens,
				 size_t n, void **data, size_t *len) MPF_WARN_UNUSED;

/*
 * A context holding the graph of a partial: nodes, flows and counters read
 * as after the frames were fed; it keeps no frame results and takes no
 * more frames (mpf_ctx_feed() returns MPF_ERR_BUSY).
 * Returns: 0 and the context in *@ctx (transfer full); the errors of
 * mpf_partial_merge() but MPF_ERR_ORDER.
 */
MPF_PUBLIC int mpf_ctx_new_from_partial(const void *data, size_t len,
					struct mpf_ctx **ctx) MPF_WARN_UNUSED;

/* Frees memory the library handed over (a partial's bytes). NULL-safe. */
MPF_PUBLIC void mpf_free(void *data);

/* -------------------------------------------------------------- summary */

/*
 * The summary of what @ctx found as JSON, as `mpflow summary --format
 * json` prints it (mpflow(1) lists the keys; they may be added to, never
 * renamed or removed): "capture" (@capture, any bytes: those that are not
 * UTF-8 become U+FFFD), "frames", "counters", "nodes" (each shown node
 * with its flows and its protocol's keys), "lisp_unmapped". Numbers are
 * written in the C locale whatever the program's.
 * Returns: (transfer full) the text, NUL-terminated, ending in a newline,
 * freed with mpf_free(); NULL when @ctx or @capture is NULL.
 */
MPF_PUBLIC char *mpf_ctx_summary_json(const struct mpf_ctx *ctx,
				      const char *capture);

/* Receives text as a writer makes it; @text (@len bytes, not
 * NUL-terminated) is borrowed for the call. */
typedef void (*mpf_write_func)(const char *text, size_t len, void *user_data);

/*
 * The summary while streaming (`mpflow summary --stream --format json`):
 * _new() writes the head, _node() each node as it is released (from the
 * release handler, @reason an enum mpf_release_reason), _end() the nodes
 * still live, the "released" list, "state_peak", the counters, and frees
 * the writer. Each call hands @write what it made, at once.
 * Returns: (transfer full) the writer, or NULL when an argument is NULL.
 */
struct mpf_summary_stream;
MPF_PUBLIC struct mpf_summary_stream *
mpf_summary_stream_new(const char *capture, mpf_write_func write,
		       void *user_data);
MPF_PUBLIC void mpf_summary_stream_node(struct mpf_summary_stream *s,
					const struct mpf_node *node, int reason);
MPF_PUBLIC void mpf_summary_stream_end(struct mpf_summary_stream *s,
				       const struct mpf_ctx *ctx);

/* Returns: (transfer full) @s as a JSON string, quotes included, as the
 * library writes strings (freed with mpf_free()); NULL for NULL. */
MPF_PUBLIC char *mpf_json_string(const char *s);

/* ---------------------------------------------------------------- frame */

/*
 * The one direction vocabulary: the two ends of a node or a flow, and a
 * way data goes, named by the end that sends. The client opened the
 * thing: a node's client sent its first SYN (INIT, ...); a flow's client
 * is its source, the end that opened that flow (an MPTCP subflow's SYN
 * sender, which may be the connection's server). So a frame's direction
 * (mpf_frame_get_direction()) is the node side that sent it, and a flow's
 * counts one way (mpf_flow_get_packets()) are by the flow side that sent.
 */
enum mpf_side {
	MPF_SIDE_CLIENT = 0,
	MPF_SIDE_SERVER = 1,
	/* names before 0.2, the same values; deprecated: they warn unless
	 * MPF_DISABLE_DEPRECATION_WARNINGS is defined */
	MPF_DIR_CLIENT_TO_SERVER MPF_DEPRECATED_ENUM = MPF_SIDE_CLIENT,
	MPF_DIR_SERVER_TO_CLIENT MPF_DEPRECATED_ENUM = MPF_SIDE_SERVER,
	MPF_FLOW_FORWARD MPF_DEPRECATED_ENUM = MPF_SIDE_CLIENT,
	MPF_FLOW_REVERSE MPF_DEPRECATED_ENUM = MPF_SIDE_SERVER,
};

/* The 0.1 enums enum mpf_direction and enum mpf_flow_dir, deprecated. */
#define mpf_direction mpf_side
#define mpf_flow_dir mpf_side

MPF_PUBLIC uint32_t mpf_frame_get_number(const struct mpf_frame *frame);
/* The frame's MPF_* status (0, MPF_FRAGMENT or a negative packet error). */
MPF_PUBLIC int mpf_frame_get_status(const struct mpf_frame *frame);
MPF_PUBLIC enum mpf_protocol
mpf_frame_get_protocol(const struct mpf_frame *frame);
/* Node and flow ids, or MPF_ID_NONE. */
MPF_PUBLIC uint32_t mpf_frame_get_node_id(const struct mpf_frame *frame);
MPF_PUBLIC uint32_t mpf_frame_get_flow_id(const struct mpf_frame *frame);
MPF_PUBLIC enum mpf_side
mpf_frame_get_direction(const struct mpf_frame *frame);
/* Transport payload length on the wire (TCP segment data, UDP payload;
 * for SCTP the whole SCTP packet, for LISP data the inner packet), for
 * every frame whose transport header was read, in a node or not; 0 if
 * none. */
MPF_PUBLIC uint32_t mpf_frame_get_payload_length(const struct mpf_frame *frame);

/*
 * The frame's flags (of its protocol's set: MPF_MPTCP_FRAME_*, ...) that
 * are anomalies, the ones a report lists: the anomaly column of the
 * MPF_*_FRAME_FLAG_MAP tables. For MPTCP, REINJECTION counts only on a
 * segment with mapped payload. 0 for a frame of no node's protocol.
 * Since: 0.2
 */
MPF_PUBLIC unsigned mpf_frame_get_anomalies(const struct mpf_frame *frame);

/*
 * MPTCP: the data sequence number of the segment's first payload byte,
 * relative to the sender's IDSN (Wireshark's mptcp.dsn). Present only for
 * segments with payload covered by a known mapping.
 * Returns: true and stores it in *dsn, or false when there is none.
 */
MPF_PUBLIC bool mpf_frame_get_mptcp_dsn(const struct mpf_frame *frame,
					uint64_t *dsn);

/* MPTCP: the data ack in the frame, relative to the receiver's IDSN. */
MPF_PUBLIC bool mpf_frame_get_mptcp_dack(const struct mpf_frame *frame,
					 uint64_t *dack);

/* MPTCP: the frame that carried the mapping of this segment, or 0. */
MPF_PUBLIC uint32_t
mpf_frame_get_mptcp_mapping_frame(const struct mpf_frame *frame);

/*
 * MPTCP: the option subtypes the frame carried, bit (1 << subtype) for each
 * MPF_MPTCP_SUB_* value.
 */
MPF_PUBLIC unsigned
mpf_frame_get_mptcp_options(const struct mpf_frame *frame);

/*
 * Frame flags: one table per protocol, the only place a flag is listed.
 * The enum, the names mpf_*_frame_flag_to_string() gives, which flags
 * are anomalies (mpf_frame_get_anomalies()), the Wireshark plugin's
 * expert infos and the man page's list all come from it (a unit test
 * compares the man page). Each entry is
 *   XX(NAME, bit, group, severity, anomaly, name, field, text)
 * NAME     the enum constant, MPF_<PROTO>_FRAME_<NAME>;
 * bit      its bit number (never reused: frames store them);
 * group    what it is about: SEQUENCE, PROTOCOL, MALFORMED, SECURITY,
 *          CHECKSUM or RESPONSE_CODE (Wireshark's expert groups);
 * severity NONE (a fact, no expert info), CHAT, NOTE, WARN or ERROR;
 * anomaly  true when a report lists frames with it as anomalies;
 * name     the report name (CSV, JSON, text);
 * field    the plugin's filter name, mpflow.<proto>.<field>: kept stable
 *          for users' filters even where the report name differs;
 * text     one line, the plugin's expert info.
 * Adding a flag: doc/recipes.md. Since: 0.2
 */
#define MPF_MPTCP_FRAME_FLAG_MAP(XX)                                        \
	/* the IDSN was not seen: DSN and data ack are relative to the      \
	 * first value seen in that direction instead */                    \
	XX(DSN_GUESSED, 0, SEQUENCE, CHAT, false, "dsn_base_guessed",       \
	   "dsn_guessed",                                                   \
	   "IDSN not captured: DSN relative to the first one seen")         \
	/* a segment with payload that no known mapping covers */           \
	XX(NO_MAPPING, 1, SEQUENCE, WARN, false, "no_mapping", "no_mapping", \
	   "No DSS mapping covers this segment")                            \
	/* the DSS option carried DATA_FIN */                               \
	XX(DATA_FIN, 2, SEQUENCE, NONE, false, "data_fin", "data_fin",      \
	   "DATA_FIN: the sender has no more data")                         \
	/* an infinite mapping (data-level length 0): fallback */           \
	XX(INFINITE_MAP, 3, SEQUENCE, NOTE, true, "infinite_mapping",       \
	   "infinite_mapping", "Infinite mapping: fallback to TCP")         \
	/* an echoed key (the third ACK's, MP_FASTCLOSE's) differs from the \
	 * handshake's */                                                   \
	XX(KEY_MISMATCH, 4, PROTOCOL, WARN, true, "key_mismatch",           \
	   "key_mismatch", "Echoed keys differ from the handshake's")       \
	/* MP_JOIN SYN whose token matches no known connection */           \
	XX(ORPHAN_JOIN, 5, PROTOCOL, WARN, true, "orphan_join",             \
	   "orphan_join", "MP_JOIN token of no known connection")           \
	/* an MPTCP option whose length does not fit its subtype */         \
	XX(BAD_OPTION, 6, MALFORMED, ERROR, true, "bad_option", "bad_option", \
	   "MPTCP option length impossible for its subtype")                \
	/* data already sent: first on another subflow, or on this one at   \
	 * another subflow sequence number (see reinjection_of); an anomaly \
	 * only on a segment with mapped payload */                         \
	XX(REINJECTION, 7, SEQUENCE, NOTE, true, "reinjection", "reinjection", \
	   "Data sent before: an MPTCP reinjection")                        \
	/* a TCP retransmission: the same data at the same subflow sequence \
	 * number on the same subflow */                                    \
	XX(RETRANSMISSION, 8, SEQUENCE, NOTE, false, "retransmission",      \
	   "retransmission", "TCP retransmission of mapped data")           \
	/* new data below the highest DSN already seen this way: it arrives \
	 * out of order at the receiver (as seen at the capture point) */   \
	XX(OUT_OF_ORDER, 9, SEQUENCE, CHAT, false, "out_of_order",          \
	   "out_of_order",                                                  \
	   "New data below the highest DSN seen: out of order")             \
	/* a data ack that repeats the highest one, on a segment without    \
	 * data */                                                          \
	XX(DUP_DACK, 10, SEQUENCE, CHAT, false, "dup_data_ack",             \
	   "dup_data_ack", "Duplicate data ack")                            \
	/* MP_JOIN HMAC (SYN/ACK or third ACK) checked against the keys */  \
	XX(HMAC_OK, 11, SECURITY, NONE, false, "join_hmac_ok", "join_hmac_ok", \
	   "MP_JOIN HMAC matches the keys")                                 \
	XX(HMAC_BAD, 12, SECURITY, ERROR, true, "join_hmac_bad",            \
	   "join_hmac_bad", "MP_JOIN HMAC does not match the keys")         \
	/* DSS checksum (checked when the mapping's last byte arrives) */   \
	XX(CSUM_OK, 13, CHECKSUM, NONE, false, "csum_ok", "checksum_ok",    \
	   "DSS checksum of the mapping is right")                          \
	XX(CSUM_BAD, 14, CHECKSUM, ERROR, true, "csum_bad", "checksum_bad", \
	   "DSS checksum of the mapping is wrong")                          \
	/* the mapping's payload was cut by the capture or not all seen */  \
	XX(CSUM_UNVERIFIABLE, 15, CHECKSUM, CHAT, false, "csum_unverifiable", \
	   "checksum_unverifiable",                                         \
	   "DSS checksum not verifiable: payload not all captured")         \
	/* ADD_ADDR HMAC: right, wrong, or the leftmost 64 bits that Linux  \
	 * sent before a 2020 fix (not an attack, a known deviation) */     \
	XX(ADD_ADDR_HMAC_OK, 16, SECURITY, NONE, false, "add_addr_hmac_ok", \
	   "add_addr_hmac_ok", "ADD_ADDR HMAC matches the keys")            \
	XX(ADD_ADDR_HMAC_BAD, 17, SECURITY, ERROR, true, "add_addr_hmac_bad", \
	   "add_addr_hmac_bad", "ADD_ADDR HMAC does not match the keys")    \
	XX(ADD_ADDR_HMAC_LEGACY, 18, PROTOCOL, NOTE, false,                 \
	   "add_addr_hmac_legacy", "add_addr_hmac_legacy",                  \
	   "ADD_ADDR HMAC in the pre-2020 Linux form")                      \
	/* ADD_ADDR reuses a live address id for another address */         \
	XX(ADDR_ID_CONFLICT, 19, PROTOCOL, WARN, true, "addr_id_conflict",  \
	   "addr_id_conflict",                                              \
	   "ADD_ADDR reuses a live address id for another address")         \
	/* the connection falls back to TCP at this frame */                \
	XX(FALLBACK, 20, PROTOCOL, NOTE, true, "fallback", "fallback",      \
	   "Connection falls back to TCP here")                             \
	/* REMOVE_ADDR here ends one or more subflows */                    \
	XX(SUBFLOW_REMOVED, 21, SEQUENCE, NOTE, false, "subflow_removed",   \
	   "subflow_removed", "REMOVE_ADDR ends a subflow")                 \
	/* a DSS mapping on a segment that carries neither data nor FIN     \
	 * (and is no DATA_FIN of length 1): a receiver ignores it (RFC     \
	 * 8684 3.3.1; Linux), so it is no infinite mapping and maps        \
	 * nothing */                                                       \
	XX(MAPPING_IGNORED, 22, PROTOCOL, NOTE, false, "mapping_ignored",   \
	   "mapping_ignored",                                               \
	   "DSS mapping on a segment without data: ignored (no infinite "   \
	   "mapping)")                                                      \
	/* MP_FASTCLOSE whose key is not the receiver's: ignored */         \
	XX(FASTCLOSE_KEY_BAD, 23, SECURITY, WARN, false, "fastclose_key_bad", \
	   "fastclose_key_bad",                                             \
	   "MP_FASTCLOSE with a key that is not the receiver's: ignored")   \
	/* an RST (with its MP_TCPRST, MP_FASTCLOSE) that the receiver does \
	 * not accept: its sequence number is past what the sender sent or  \
	 * below what the receiver acknowledged (RFC 5961: a challenge ACK  \
	 * answers it), or MP_TCPRST on a segment without RST */            \
	XX(RST_IGNORED, 24, SEQUENCE, NOTE, false, "rst_ignored",           \
	   "rst_ignored",                                                   \
	   "RST its receiver does not take (out of window), or MP_TCPRST "  \
	   "without RST")

/* Flags of a frame's MPTCP analysis, for mpf_frame_get_mptcp_flags(). */
enum mpf_mptcp_frame_flag {
#define MPF_XX(NAME, bit, group, sev, anomaly, name, field, text)           \
	MPF_MPTCP_FRAME_##NAME = 1 << (bit),
	MPF_MPTCP_FRAME_FLAG_MAP(MPF_XX)
#undef MPF_XX
};

MPF_PUBLIC unsigned mpf_frame_get_mptcp_flags(const struct mpf_frame *frame);

/* Returns: (transfer none) the report name of one flag ("reinjection"),
 * or "unknown". */
MPF_PUBLIC const char *mpf_mptcp_frame_flag_to_string(unsigned flag);

/*
 * MPTCP: for a reinjection, the frame that first carried (part of) its
 * data; for data that was later reinjected, the first frame that did so
 * (set during the first pass, so seen on revisits), when that frame is
 * fewer than 262144 (2^18) frames later: so that a frame's result
 * settles within that many frames (mpf_ctx_get_first_unsettled()).
 * 0 when none.
 */
MPF_PUBLIC uint32_t
mpf_frame_get_mptcp_reinjection_of(const struct mpf_frame *frame);
MPF_PUBLIC uint32_t
mpf_frame_get_mptcp_reinjected_in(const struct mpf_frame *frame);

/* ----------------------------------------------------------------- node */

struct mpf_node;

MPF_PUBLIC uint32_t mpf_node_get_id(const struct mpf_node *node);
MPF_PUBLIC enum mpf_protocol mpf_node_get_protocol(const struct mpf_node *node);
MPF_PUBLIC uint32_t mpf_node_get_first_frame(const struct mpf_node *node);
MPF_PUBLIC uint32_t mpf_node_get_last_frame(const struct mpf_node *node);
/* Timestamps of the first and last frame, in nanoseconds since the epoch. */
MPF_PUBLIC int64_t mpf_node_get_first_time(const struct mpf_node *node);
MPF_PUBLIC int64_t mpf_node_get_last_time(const struct mpf_node *node);
/* Frames and wire bytes over all of the node's flows. */
MPF_PUBLIC uint64_t mpf_node_get_packets(const struct mpf_node *node);
MPF_PUBLIC uint64_t mpf_node_get_bytes(const struct mpf_node *node);

/*
 * When subflows are grouped after the fact (MPTCP association without the
 * handshake), a node can be absorbed by another: this returns the id of the
 * node that absorbed @node, or MPF_ID_NONE. An absorbed node has no flows
 * and its frames report the survivor's id; reports skip it.
 */
MPF_PUBLIC uint32_t mpf_node_get_merged_into(const struct mpf_node *node);

MPF_PUBLIC uint32_t mpf_node_get_flow_count(const struct mpf_node *node);
/* Returns: (transfer none) (nullable) the node's @index-th flow, in order
 * of appearance. */
MPF_PUBLIC const struct mpf_flow *mpf_node_get_flow(const struct mpf_node *node,
						    uint32_t index);

/* The node's frames whose results are retained (0 when frames are not
 * retained). Since: 0.2 */
MPF_PUBLIC uint32_t mpf_node_get_frame_count(const struct mpf_node *node);

/* Returns true to go on, false to stop. @frame is borrowed for the call. */
typedef bool (*mpf_frame_func)(const struct mpf_frame *frame, void *user_data);

/*
 * Calls @func on each retained frame of @node (of @ctx), in frame order,
 * frames of nodes it absorbed included. Costs a few bytes a retained
 * frame (delta-coded frame numbers per node, kept with the frames, so
 * never while streaming), and time in proportion to the node's frames,
 * not the capture's. @func must not feed @ctx.
 * Returns: 0; MPF_ERR_INVALID for NULL, a node of another context or an
 * absorbed node; MPF_ERR_NOT_FOUND when frames are not retained.
 * Since: 0.2
 */
MPF_PUBLIC int mpf_node_foreach_frame(const struct mpf_ctx *ctx,
				      const struct mpf_node *node,
				      mpf_frame_func func, void *user_data)
	MPF_WARN_UNUSED;

/* ----------------------------------------------------------------- flow */

struct mpf_flow;

/*
 * The ends of a flow. For an MPTCP subflow, the source is the side that sent
 * its SYN (when the SYN was not captured: the sender of the first frame).
 */
struct mpf_endpoint {
	struct mpf_addr addr;
	uint16_t port;
};

MPF_PUBLIC uint32_t mpf_flow_get_id(const struct mpf_flow *flow);
MPF_PUBLIC uint32_t mpf_flow_get_node_id(const struct mpf_flow *flow);
/* When two nodes merge and both had a flow for one address pair, one flow
 * absorbs the other: this returns the absorbing flow's id, or MPF_ID_NONE.
 * An absorbed flow is in no node's list; its frames report the survivor. */
MPF_PUBLIC uint32_t mpf_flow_get_merged_into(const struct mpf_flow *flow);
MPF_PUBLIC void mpf_flow_get_endpoints(const struct mpf_flow *flow,
				       struct mpf_endpoint *src,
				       struct mpf_endpoint *dst);
MPF_PUBLIC uint32_t mpf_flow_get_first_frame(const struct mpf_flow *flow);
MPF_PUBLIC uint32_t mpf_flow_get_last_frame(const struct mpf_flow *flow);
MPF_PUBLIC int64_t mpf_flow_get_first_time(const struct mpf_flow *flow);
MPF_PUBLIC int64_t mpf_flow_get_last_time(const struct mpf_flow *flow);

/* Frames and wire bytes one way of the flow. */
MPF_PUBLIC uint64_t mpf_flow_get_packets(const struct mpf_flow *flow,
					 enum mpf_side dir);
MPF_PUBLIC uint64_t mpf_flow_get_bytes(const struct mpf_flow *flow,
				       enum mpf_side dir);
/* Transport payload bytes one way (retransmissions included). */
MPF_PUBLIC uint64_t mpf_flow_get_payload_bytes(const struct mpf_flow *flow,
					       enum mpf_side dir);

/* ---------------------------------------------------------------- MPTCP */

/* MPTCP option subtypes (RFC 8684 section 3, IANA registry). */
enum mpf_mptcp_subtype {
	MPF_MPTCP_SUB_CAPABLE = 0,
	MPF_MPTCP_SUB_JOIN = 1,
	MPF_MPTCP_SUB_DSS = 2,
	MPF_MPTCP_SUB_ADD_ADDR = 3,
	MPF_MPTCP_SUB_REMOVE_ADDR = 4,
	MPF_MPTCP_SUB_PRIO = 5,
	MPF_MPTCP_SUB_FAIL = 6,
	MPF_MPTCP_SUB_FASTCLOSE = 7,
	MPF_MPTCP_SUB_TCPRST = 8,
};

/* Returns: (transfer none) "MP_CAPABLE", "DSS", ... or "unknown". */
MPF_PUBLIC const char *mpf_mptcp_subtype_to_string(unsigned subtype);

/* Version 0 (RFC 6824) or 1 (RFC 8684); -1 when unknown or not MPTCP. */
MPF_PUBLIC int mpf_node_get_mptcp_version(const struct mpf_node *node);

/* Whether the connection fell back to plain TCP, and in which frame. */
MPF_PUBLIC bool mpf_node_get_mptcp_fallback(const struct mpf_node *node,
					    uint32_t *frame);

/* Why a connection fell back to TCP (RFC 8684 3.7, as Linux applies it). */
enum mpf_mptcp_fallback_cause {
	MPF_MPTCP_FALLBACK_NONE = 0,
	/* the SYN was sent again without MP_CAPABLE (the MP_CAPABLE SYNs
	 * went unanswered: a middlebox dropping them) */
	MPF_MPTCP_FALLBACK_SYN_NO_MPC = 1,
	/* the SYN/ACK has no MP_CAPABLE: the server does not speak MPTCP */
	MPF_MPTCP_FALLBACK_SYNACK_NO_MPC = 2,
	/* its MP_CAPABLE is not valid: another version, the B flag, no H
	 * flag, a wrong length; the client ignores it */
	MPF_MPTCP_FALLBACK_SYNACK_INVALID_MPC = 3,
	/* the third ACK (the client's first segment after the SYN/ACK) has
	 * no MP_CAPABLE, or one that is not valid: the server falls back */
	MPF_MPTCP_FALLBACK_ACK_NO_MPC = 4,
	MPF_MPTCP_FALLBACK_ACK_INVALID_MPC = 5,
	/* data on the initial subflow with no DSS and no mapping covering
	 * it, while a fallback was still possible (one subflow, nothing
	 * sent again at the data level): a middlebox strips the options */
	MPF_MPTCP_FALLBACK_DATA_NO_DSS = 6,
	/* an infinite mapping (data-level length 0) on a segment with data
	 * or FIN: after MP_FAIL, or by the sender's choice */
	MPF_MPTCP_FALLBACK_INFINITE_MAPPING = 7,
};

/* Returns: (transfer none) "syn_no_mp_capable", "synack_no_mp_capable",
 * "synack_invalid_mp_capable", "ack_no_mp_capable",
 * "ack_invalid_mp_capable", "data_no_dss", "infinite_mapping", "none" or
 * "unknown". */
MPF_PUBLIC const char *
mpf_mptcp_fallback_cause_to_string(enum mpf_mptcp_fallback_cause cause);

/* The cause of the connection's fallback, NONE when it did not. */
MPF_PUBLIC enum mpf_mptcp_fallback_cause
mpf_node_get_mptcp_fallback_cause(const struct mpf_node *node);

/*
 * The states of the two MPTCP state machines, one per subflow and one per
 * connection (not every state applies to both):
 *  - SYN_SENT, SYN_RECEIVED: the handshake's SYN (MP_CAPABLE or MP_JOIN),
 *    and the SYN/ACK that accepts it;
 *  - ESTABLISHED: the third ACK with the keys (or MP_CAPABLE carrying the
 *    first data), a join's third ACK with its HMAC; a subflow seen without
 *    its handshake once both ways carry MPTCP options;
 *  - FALLBACK: plain TCP from here on (the connection, and the initial
 *    subflow that carries it), see mpf_node_get_mptcp_fallback_cause();
 *  - REJECTED (subflow): a join the peer refused (a SYN/ACK without
 *    MP_JOIN) or whose HMAC does not match the keys;
 *  - CLOSING, CLOSED: a subflow's FIN one way, both ways (its 4-tuple may
 *    then be reused by a new subflow); a connection's DATA_FIN from one
 *    side, from both;
 *  - RESET: a subflow's RST that the receiver accepts; a connection whose
 *    every subflow was reset, with no DATA_FIN both ways nor fast close;
 *  - FASTCLOSE (connection): MP_FASTCLOSE with the receiver's key.
 */
enum mpf_mptcp_state {
	MPF_MPTCP_STATE_NONE = 0,
	MPF_MPTCP_STATE_SYN_SENT = 1,
	MPF_MPTCP_STATE_SYN_RECEIVED = 2,
	MPF_MPTCP_STATE_ESTABLISHED = 3,
	MPF_MPTCP_STATE_FALLBACK = 4,
	MPF_MPTCP_STATE_REJECTED = 5,
	MPF_MPTCP_STATE_CLOSING = 6,
	MPF_MPTCP_STATE_CLOSED = 7,
	MPF_MPTCP_STATE_RESET = 8,
	MPF_MPTCP_STATE_FASTCLOSE = 9,
};

/* Returns: (transfer none) "none", "syn_sent", "syn_received",
 * "established", "fallback", "rejected", "closing", "closed", "reset",
 * "fastclose" or "unknown". */
MPF_PUBLIC const char *mpf_mptcp_state_to_string(enum mpf_mptcp_state state);

/* One step of a state machine: the state entered, and the frame that made
 * it (for FALLBACK, the cause). */
struct mpf_mptcp_transition {
	enum mpf_mptcp_state state;
	uint32_t frame;
	enum mpf_mptcp_fallback_cause cause;
};

/*
 * A connection's state and the transitions that led to it, in frame order
 * (a connection's RESET, known only when nothing follows, is the last one
 * once every subflow was reset). Returns: the state; the count; 0 or
 * MPF_ERR_NOT_FOUND / MPF_ERR_INVALID, @size as for the stats.
 */
MPF_PUBLIC enum mpf_mptcp_state
mpf_node_get_mptcp_state(const struct mpf_node *node);
MPF_PUBLIC uint32_t
mpf_node_get_mptcp_transition_count(const struct mpf_node *node);
MPF_PUBLIC int mpf_node_get_mptcp_transition(const struct mpf_node *node,
					     uint32_t index,
					     struct mpf_mptcp_transition *t,
					     size_t size);

/*
 * The key, token and IDSN of one side. Each returns true and stores the
 * value, or false when it is unknown (the key was never captured) or the
 * node is not MPTCP. A token can be known without the key: an MP_JOIN SYN
 * carries the token of the side it is sent to.
 */
MPF_PUBLIC bool mpf_node_get_mptcp_key(const struct mpf_node *node,
				       enum mpf_side side, uint64_t *key);
MPF_PUBLIC bool mpf_node_get_mptcp_token(const struct mpf_node *node,
					 enum mpf_side side, uint32_t *token);
MPF_PUBLIC bool mpf_node_get_mptcp_idsn(const struct mpf_node *node,
					enum mpf_side side, uint64_t *idsn);

/* How an MPTCP connection ended, as far as the capture shows. */
enum mpf_mptcp_end {
	MPF_MPTCP_END_OPEN = 0,     /* still open when the capture ends */
	MPF_MPTCP_END_DATA_FIN = 1, /* DATA_FIN from both sides */
	MPF_MPTCP_END_FASTCLOSE = 2,
	MPF_MPTCP_END_RESET = 3,    /* every subflow reset, no DATA_FIN */
	MPF_MPTCP_END_FALLBACK = 4, /* it went on as plain TCP */
};

/* Returns: (transfer none) "open", "data_fin", "fastclose", "reset",
 * "fallback" or "unknown". */
MPF_PUBLIC const char *mpf_mptcp_end_to_string(enum mpf_mptcp_end end);

/* How the connection ended; *frame (nullable) gets the frame, 0 if open. */
MPF_PUBLIC enum mpf_mptcp_end mpf_node_get_mptcp_end(const struct mpf_node *node,
						      uint32_t *frame);

/* Whether the checksum was negotiated (the A flag of MP_CAPABLE). */
MPF_PUBLIC bool mpf_node_get_mptcp_checksum(const struct mpf_node *node);

/*
 * One direction of a connection's data, by the side that sends it. Filled
 * by mpf_node_get_mptcp_stats(); @size is sizeof(struct mpf_mptcp_stats) as
 * the caller knows it, so that later versions may add fields at the end.
 */
struct mpf_mptcp_stats {
	uint64_t data_bytes;          /* payload with a mapping, repeats too */
	uint64_t unique_bytes;        /* data whose DSN was not seen before */
	uint64_t reinjected_bytes;    /* data sent again (see the flag) */
	uint64_t retransmitted_bytes; /* TCP retransmissions */
	uint64_t segments;            /* segments with mapped payload */
	uint64_t reinjections;        /* segments flagged REINJECTION */
	uint64_t retransmissions;     /* segments flagged RETRANSMISSION */
	uint64_t out_of_order;        /* segments flagged OUT_OF_ORDER */
	uint64_t data_acks;           /* data acks the other side sent */
	uint64_t dup_data_acks;       /* of which duplicates */
	bool has_highest_dack;
	uint64_t highest_dack;        /* relative: how far this data is acked */
	bool data_fin;                /* this side sent DATA_FIN */
	uint32_t data_fin_frame;
	uint64_t data_fin_dsn;        /* relative DSN of the DATA_FIN */
};

/* Returns: 0, or MPF_ERR_INVALID (not MPTCP, NULL, bad side or size). */
MPF_PUBLIC int mpf_node_get_mptcp_stats(const struct mpf_node *node,
					enum mpf_side sender,
					struct mpf_mptcp_stats *stats,
					size_t size);

/*
 * Goodput one way: the data @sender sent that was new at the data level
 * (unique_bytes of mpf_node_get_mptcp_stats()) over the connection's
 * duration (first to last frame), in bytes per second; 0 when the
 * connection lasted no time or is no MPTCP connection.
 * Since: 0.2
 */
MPF_PUBLIC double mpf_node_get_mptcp_goodput(const struct mpf_node *node,
					     enum mpf_side sender);

/*
 * What the connection's verification found, and when its events happened.
 * Filled by mpf_node_get_mptcp_checks(); @size as for the stats.
 */
struct mpf_mptcp_checks {
	uint32_t join_hmac_ok;         /* MP_JOIN HMACs that match the keys */
	uint32_t join_hmac_bad;        /* ... that do not: those joins fail */
	uint32_t join_hmac_unverified; /* keys unknown */
	uint32_t add_addr_hmac_ok;
	uint32_t add_addr_hmac_bad;
	uint32_t add_addr_hmac_legacy; /* leftmost bits: old Linux */
	uint32_t add_addr_hmac_unverified;
	uint32_t addr_id_conflicts;    /* one live id, two addresses */
	uint64_t csum_ok, csum_bad, csum_unverifiable; /* DSS mappings */
	uint32_t key_mismatches;       /* echoed keys that differ */
	uint32_t orphan_joins;         /* joins with a token of nobody */
	uint32_t orphan_joins_untracked; /* of which no flow was kept for
					  * (a flood: state stays bounded) */
	uint32_t mp_fail_frame;        /* first MP_FAIL, 0 if none */
	uint32_t fastclose_frame;      /* first MP_FASTCLOSE with the right key
					* (or any, when the key is unknown) */
	uint32_t infinite_map_frame;   /* first infinite mapping, 0 if none */
	uint32_t fastclose_bad_key;    /* MP_FASTCLOSE with a wrong key */
	/* Since: 0.2. Records the connection's limits dropped (addresses,
	 * priority changes, data intervals, mappings, subflows, index
	 * entries and inference evidence past their caps): the state stays
	 * bounded, later frames see less of the past. 0 on any normal
	 * capture. */
	uint32_t limited;
};

MPF_PUBLIC int mpf_node_get_mptcp_checks(const struct mpf_node *node,
					 struct mpf_mptcp_checks *checks,
					 size_t size);

/* An HMAC check's outcome. */
enum mpf_mptcp_hmac {
	MPF_MPTCP_HMAC_NONE = 0,       /* none carried (v0, echo) */
	MPF_MPTCP_HMAC_UNVERIFIED = 1, /* the keys were not captured */
	MPF_MPTCP_HMAC_OK = 2,
	MPF_MPTCP_HMAC_BAD = 3,
	MPF_MPTCP_HMAC_LEGACY = 4,     /* ADD_ADDR: pre-2020 Linux form */
};

/* Returns: (transfer none) "none", "unverified", "ok", "bad", "legacy". */
MPF_PUBLIC const char *mpf_mptcp_hmac_to_string(enum mpf_mptcp_hmac hmac);

/* An address a side announced with ADD_ADDR. */
struct mpf_mptcp_address {
	enum mpf_side side; /* who announced it */
	uint8_t id;
	struct mpf_addr addr;
	bool has_port;
	uint16_t port;
	uint32_t frame;         /* the announcement */
	uint32_t echo_frame;    /* the peer's echo (v1), 0 if none */
	uint32_t removed_frame; /* REMOVE_ADDR of its id, 0 if none */
	enum mpf_mptcp_hmac hmac;
	bool id_conflict;       /* its id was live for another address */
};

MPF_PUBLIC uint32_t mpf_node_get_mptcp_address_count(const struct mpf_node *node);
/* Returns: 0, or MPF_ERR_NOT_FOUND / MPF_ERR_INVALID. */
MPF_PUBLIC int mpf_node_get_mptcp_address(const struct mpf_node *node,
					  uint32_t index,
					  struct mpf_mptcp_address *addr,
					  size_t size);

/*
 * Whether subflows were grouped into this connection without seeing their
 * handshake, from data-level evidence (one DSN space per direction, data
 * acks of data sent on another subflow). The evidence is listed.
 */
MPF_PUBLIC bool mpf_node_get_mptcp_inferred(const struct mpf_node *node);

enum mpf_mptcp_evidence_kind {
	MPF_MPTCP_EVIDENCE_DSN = 0,  /* a DSN inside this node's DSN range */
	MPF_MPTCP_EVIDENCE_DACK = 1, /* a data ack of this node's data */
	MPF_MPTCP_EVIDENCE_KEY = 2,  /* the same key (from MP_FASTCLOSE) */
};

struct mpf_mptcp_evidence {
	enum mpf_mptcp_evidence_kind kind;
	uint32_t frame;       /* where it was seen */
	uint32_t absorbed;    /* the node id merged in on this evidence */
	bool wide;            /* a 64-bit value (strong) or 32 bits */
	uint64_t value;       /* the DSN or data ack, relative to this node */
};

MPF_PUBLIC uint32_t mpf_node_get_mptcp_evidence_count(const struct mpf_node *node);
MPF_PUBLIC int mpf_node_get_mptcp_evidence(const struct mpf_node *node,
					   uint32_t index,
					   struct mpf_mptcp_evidence *ev,
					   size_t size);

/* Role of a subflow within its connection. */
enum mpf_mptcp_role {
	MPF_MPTCP_ROLE_INITIAL = 0, /* opened with MP_CAPABLE */
	MPF_MPTCP_ROLE_JOIN = 1,    /* opened with MP_JOIN */
	MPF_MPTCP_ROLE_UNKNOWN = 2, /* its handshake was not captured */
};

/* Returns: (transfer none) "initial", "join" or "unknown". */
MPF_PUBLIC const char *mpf_mptcp_role_to_string(enum mpf_mptcp_role role);

MPF_PUBLIC enum mpf_mptcp_role
mpf_flow_get_mptcp_role(const struct mpf_flow *flow);

/*
 * Whether the subflow's handshake completed: the third ACK (MP_CAPABLE or
 * MP_JOIN with the HMAC) was seen, or both ends sent data after it.
 */
MPF_PUBLIC bool mpf_flow_get_mptcp_established(const struct mpf_flow *flow);

/* Whether the flow's source is the connection's client side. */
MPF_PUBLIC bool mpf_flow_get_mptcp_src_is_client(const struct mpf_flow *flow);

/* The backup flag of the MP_JOIN SYN (or the latest MP_PRIO). */
MPF_PUBLIC bool mpf_flow_get_mptcp_backup(const struct mpf_flow *flow);

/*
 * The address id each end announced for this subflow in MP_JOIN, or -1
 * when unknown. An initial subflow has id 0 on both ends.
 */
MPF_PUBLIC int mpf_flow_get_mptcp_address_id(const struct mpf_flow *flow,
					     enum mpf_side end);

/* The MP_JOIN HMAC check of the subflow (NONE for an initial one). */
MPF_PUBLIC enum mpf_mptcp_hmac
mpf_flow_get_mptcp_join_hmac(const struct mpf_flow *flow);

/* The frame of the REMOVE_ADDR that ended the subflow, or 0. */
MPF_PUBLIC uint32_t mpf_flow_get_mptcp_removed_frame(const struct mpf_flow *flow);

/* The MP_TCPRST reason of the subflow's reset (RFC 8684 3.6), or -1. */
MPF_PUBLIC int mpf_flow_get_mptcp_reset_reason(const struct mpf_flow *flow);

/* The frame of the subflow's first TCP RST that its receiver accepts, or
 * 0 (see MPF_MPTCP_FRAME_RST_IGNORED). */
MPF_PUBLIC uint32_t mpf_flow_get_mptcp_reset_frame(const struct mpf_flow *flow);

/* A subflow's state and its transitions, as for a connection. */
MPF_PUBLIC enum mpf_mptcp_state
mpf_flow_get_mptcp_state(const struct mpf_flow *flow);
MPF_PUBLIC uint32_t
mpf_flow_get_mptcp_transition_count(const struct mpf_flow *flow);
MPF_PUBLIC int mpf_flow_get_mptcp_transition(const struct mpf_flow *flow,
					     uint32_t index,
					     struct mpf_mptcp_transition *t,
					     size_t size);

/* One way of a subflow's data (MPTCP level). */
struct mpf_mptcp_flow_stats {
	uint64_t data_bytes;          /* mapped payload, repeats too */
	uint64_t unique_bytes;        /* new data first carried here */
	uint64_t reinjected_bytes;    /* data sent again on this subflow */
	uint64_t retransmitted_bytes; /* TCP retransmissions */
};

MPF_PUBLIC int mpf_flow_get_mptcp_stats(const struct mpf_flow *flow,
					enum mpf_side dir,
					struct mpf_mptcp_flow_stats *stats,
					size_t size);

/* The backup flag's changes by MP_PRIO, in order: how many, and each one's
 * frame and new value (returns false past the end). */
MPF_PUBLIC uint32_t mpf_flow_get_mptcp_prio_count(const struct mpf_flow *flow);
MPF_PUBLIC bool mpf_flow_get_mptcp_prio(const struct mpf_flow *flow,
					uint32_t index, uint32_t *frame,
					bool *backup);

/* ----------------------------------------------------------------- SCTP */

/*
 * An SCTP association is a node; each pair of IP addresses it uses is a
 * flow (for SCTP over UDP, the outer addresses). The client is the side
 * that sent the INIT (when the INIT was not captured: the sender of the
 * first packet seen). A side's verification tag is the one it chose (its
 * Initiate Tag), which the packets sent to it carry.
 */

/* The side's SCTP port, or 0 when the node is not SCTP. */
MPF_PUBLIC uint16_t mpf_node_get_sctp_port(const struct mpf_node *node,
					   enum mpf_side side);

/* The verification tag @side chose; false while it is unknown (a half
 * association: the capture missed the handshake and that side's tag). */
MPF_PUBLIC bool mpf_node_get_sctp_vtag(const struct mpf_node *node,
				       enum mpf_side side, uint32_t *vtag);

/* How an address became one of a side's (bits of mpf_sctp_addr.origin). */
enum mpf_sctp_origin {
	MPF_SCTP_ADDR_INIT_PARAM = 1 << 0,  /* listed in INIT / INIT ACK */
	MPF_SCTP_ADDR_INIT_SOURCE = 1 << 1, /* source of INIT / INIT ACK */
	MPF_SCTP_ADDR_ASCONF_ADD = 1 << 2,  /* added by ASCONF */
	MPF_SCTP_ADDR_SOURCE = 1 << 3,      /* used as a source */
	MPF_SCTP_ADDR_ASCONF_LOOKUP = 1 << 4, /* ASCONF's address parameter */
};

struct mpf_sctp_addr {
	struct mpf_addr addr;
	unsigned origin;        /* enum mpf_sctp_origin bits */
	uint32_t first_frame;   /* where it first appeared */
	uint32_t added_frame;   /* ASCONF Add IP, 0 if none */
	uint32_t deleted_frame; /* ASCONF Delete IP, 0 if none */
	uint32_t primary_frame; /* ASCONF Set Primary, 0 if none */
	bool unannounced;       /* used as a source, never announced: NAT? */
};

MPF_PUBLIC uint32_t mpf_node_get_sctp_addr_count(const struct mpf_node *node,
						 enum mpf_side side);
/* Returns: 0, or MPF_ERR_NOT_FOUND / MPF_ERR_INVALID. */
MPF_PUBLIC int mpf_node_get_sctp_addr(const struct mpf_node *node,
				      enum mpf_side side, uint32_t index,
				      struct mpf_sctp_addr *addr, size_t size);

enum mpf_sctp_end {
	MPF_SCTP_END_OPEN = 0,
	MPF_SCTP_END_SHUTDOWN = 1, /* SHUTDOWN ... SHUTDOWN COMPLETE */
	MPF_SCTP_END_ABORT = 2,
};

/* Returns: (transfer none) "open", "shutdown", "abort" or "unknown". */
MPF_PUBLIC const char *mpf_sctp_end_to_string(enum mpf_sctp_end end);

/*
 * How the association ended: *frame (nullable) the SHUTDOWN COMPLETE (or
 * the first SHUTDOWN when that was not seen) or the ABORT; *cause
 * (nullable) the ABORT's first error cause code, -1 when none.
 */
MPF_PUBLIC enum mpf_sctp_end mpf_node_get_sctp_end(const struct mpf_node *node,
						    uint32_t *frame, int *cause);

/* One direction of an association, by the side that sends the DATA. */
struct mpf_sctp_stats {
	bool has_tsn;
	uint32_t first_tsn, last_tsn; /* the TSN range seen */
	uint64_t data_chunks;         /* DATA and I-DATA chunks */
	uint64_t data_bytes;          /* user data in them */
	uint64_t retransmissions;     /* chunks whose TSN was seen before */
	uint64_t sacks;               /* SACK / NR-SACK chunks received */
	uint32_t crc_bad;             /* packets with a wrong CRC32c */
};

MPF_PUBLIC int mpf_node_get_sctp_stats(const struct mpf_node *node,
				       enum mpf_side sender,
				       struct mpf_sctp_stats *stats, size_t size);

/* Whether the association's handshake was missed and a side's tag is
 * still unknown. */
MPF_PUBLIC bool mpf_node_get_sctp_half(const struct mpf_node *node);

/* A change of primary path: asked for (ASCONF Set Primary) or seen (new
 * DATA moving to another address pair and staying there). */
enum mpf_sctp_primary_kind {
	MPF_SCTP_PRIMARY_SET = 0,
	MPF_SCTP_PRIMARY_DATA_MOVED = 1,
};

struct mpf_sctp_primary {
	enum mpf_sctp_primary_kind kind;
	uint32_t frame;
	enum mpf_side side;   /* who asked, or whose DATA moved */
	struct mpf_addr addr; /* the new primary (destination) address */
	uint32_t flow;        /* for DATA_MOVED: the flow the DATA uses */
};

MPF_PUBLIC uint32_t mpf_node_get_sctp_primary_count(const struct mpf_node *node);
MPF_PUBLIC int mpf_node_get_sctp_primary(const struct mpf_node *node,
					 uint32_t index,
					 struct mpf_sctp_primary *change,
					 size_t size);

/* One path (address pair) of an association. */
struct mpf_sctp_flow_stats {
	uint64_t data_chunks[2];     /* per enum mpf_side */
	uint64_t retransmissions[2]; /* DATA chunks sent again on this path */
	uint64_t heartbeats[2];      /* HEARTBEAT chunks sent */
	uint64_t heartbeat_acks[2];  /* HEARTBEAT ACK chunks sent */
	uint32_t rtt_samples;        /* heartbeats matched to their ack */
	double rtt_min, rtt_avg, rtt_max; /* seconds */
	bool unannounced;            /* an address never announced (NAT?) */
};

MPF_PUBLIC int mpf_flow_get_sctp_stats(const struct mpf_flow *flow,
				       struct mpf_sctp_flow_stats *stats,
				       size_t size);

/* SCTP frame flags, as MPF_MPTCP_FRAME_FLAG_MAP. Since: 0.2 */
#define MPF_SCTP_FRAME_FLAG_MAP(XX)                                         \
	/* wrong CRC32c: the graph is left untouched */                     \
	XX(CRC_BAD, 0, CHECKSUM, ERROR, true, "crc_bad", "crc_bad",         \
	   "Wrong CRC32c: the packet changes nothing")                      \
	/* cut by the capture, or 0 */                                      \
	XX(CRC_UNVERIFIED, 1, CHECKSUM, NONE, false, "crc_unverified",      \
	   "crc_unverified",                                                \
	   "CRC32c not verifiable: cut by the capture, or 0")               \
	/* a DATA TSN seen before */                                        \
	XX(RETRANSMISSION, 2, SEQUENCE, NOTE, false, "retransmission",      \
	   "retransmission", "DATA whose TSN was sent before")              \
	/* a source address never announced (NAT?) */                       \
	XX(UNANNOUNCED, 3, PROTOCOL, WARN, true, "unannounced", "unannounced", \
	   "Source address never announced (NAT?)")                         \
	/* one verification tag of the node unknown */                      \
	XX(HALF, 4, SEQUENCE, CHAT, false, "half", "half",                  \
	   "One side's verification tag not seen yet")                      \
	/* completed a half association */                                  \
	XX(MERGED, 5, SEQUENCE, NOTE, false, "merged", "merged",            \
	   "Completes an association seen without its handshake")           \
	/* an INIT reusing the ports and tags of a finished association */  \
	XX(NEW_ASSOC, 6, SEQUENCE, NOTE, false, "new_assoc", "new_assoc",   \
	   "An INIT on the ports and tag of a finished association")        \
	XX(ADDR_ADDED, 7, SEQUENCE, NOTE, false, "addr_added", "addr_added", \
	   "ASCONF adds an address")                                        \
	XX(ADDR_DELETED, 8, SEQUENCE, NOTE, false, "addr_deleted",          \
	   "addr_deleted", "ASCONF deletes an address")                     \
	XX(SET_PRIMARY, 9, SEQUENCE, NOTE, false, "set_primary",            \
	   "set_primary", "ASCONF asks for a new primary address")          \
	/* matches no association */                                        \
	XX(NO_ASSOC, 10, SEQUENCE, NONE, false, "no_assoc", "no_assoc",     \
	   "Packet of no association seen")                                 \
	/* ABORT or SHUTDOWN COMPLETE with the T bit */                     \
	XX(T_BIT, 11, PROTOCOL, NONE, false, "t_bit", "t_bit",              \
	   "ABORT or SHUTDOWN COMPLETE with the T bit (a reflected tag)")   \
	/* the legacy Adler-32 checksum (RFC 2960) */                       \
	XX(ADLER32, 12, CHECKSUM, NONE, false, "adler32", "adler32",        \
	   "Legacy Adler-32 checksum")

/* Frame flags of the SCTP analysis, for mpf_frame_get_sctp_flags(). */
enum mpf_sctp_frame_flag {
#define MPF_XX(NAME, bit, group, sev, anomaly, name, field, text)           \
	MPF_SCTP_FRAME_##NAME = 1 << (bit),
	MPF_SCTP_FRAME_FLAG_MAP(MPF_XX)
#undef MPF_XX
};

MPF_PUBLIC unsigned mpf_frame_get_sctp_flags(const struct mpf_frame *frame);

/* Returns: (transfer none) the report name of one flag, or "unknown". */
MPF_PUBLIC const char *mpf_sctp_frame_flag_to_string(unsigned flag);

/* The first DATA / I-DATA TSN of the packet, and the SACK's cumulative
 * TSN ack; each false when the packet has none. */
MPF_PUBLIC bool mpf_frame_get_sctp_tsn(const struct mpf_frame *frame,
				       uint32_t *tsn);
MPF_PUBLIC bool mpf_frame_get_sctp_cum_ack(const struct mpf_frame *frame,
					   uint32_t *tsn);

/* The chunk types of the packet, as bits of mpf_sctp_chunk_bit(). */
MPF_PUBLIC uint32_t mpf_frame_get_sctp_chunks(const struct mpf_frame *frame);

/* Chunk type names ("DATA", "INIT", "ASCONF", ...) and the bit that
 * mpf_frame_get_sctp_chunks() uses for each ("unknown" and 1u << 31,
 * the "other" bit, for types without a name). */
MPF_PUBLIC const char *mpf_sctp_chunk_to_string(unsigned type);
MPF_PUBLIC uint32_t mpf_sctp_chunk_bit(unsigned type);

/* ----------------------------------------------------------------- LISP */

/*
 * A LISP site, an EID prefix in an instance, is a node: one per (instance
 * id, EID prefix) that a Map-Register, Map-Notify or Map-Reply record
 * carried (the EID of a Map-Request is a query, not a mapping). Its
 * locators are every RLOC a record gave it; its flows are the pairs (the
 * site's RLOC, the remote RLOC) that carried its encapsulated data, each
 * data packet tied by longest-prefix match on its inner source EID.
 */

/* The node's instance id (0 when none was given). */
MPF_PUBLIC bool mpf_node_get_lisp_iid(const struct mpf_node *node,
				      uint32_t *iid);

/* The node's EID prefix: its network address and length. */
MPF_PUBLIC bool mpf_node_get_lisp_eid_prefix(const struct mpf_node *node,
					     struct mpf_addr *prefix,
					     uint8_t *length);

/* A locator (RLOC) of a site, as its latest record gave it. */
struct mpf_lisp_locator {
	struct mpf_addr rloc;
	uint8_t priority, weight;   /* unicast (255: do not use) */
	uint8_t mpriority, mweight; /* multicast */
	bool local, probed, reachable; /* the L, p and R bits */
	uint32_t first_frame;  /* the first record that gave it */
	uint32_t last_frame;   /* the latest record that gave it */
	uint32_t dropped_frame; /* a later record left it out; 0: still in */
	bool carried_data;     /* some data of the site left from it */
	uint64_t backup_hits;  /* data sent to it while a better one was up */
};

MPF_PUBLIC uint32_t mpf_node_get_lisp_locator_count(const struct mpf_node *node);
MPF_PUBLIC int mpf_node_get_lisp_locator(const struct mpf_node *node,
					 uint32_t index,
					 struct mpf_lisp_locator *loc,
					 size_t size);

/* A change of a site's locator set, frame by frame. */
enum mpf_lisp_change_kind {
	MPF_LISP_LOCATOR_ADDED = 0,
	MPF_LISP_LOCATOR_DROPPED = 1,
	MPF_LISP_LOCATOR_PRIORITY = 2, /* priority or weight changed */
};

struct mpf_lisp_change {
	enum mpf_lisp_change_kind kind;
	uint32_t frame;
	struct mpf_addr rloc;
	uint8_t old_priority, old_weight, priority, weight;
};

MPF_PUBLIC uint32_t mpf_node_get_lisp_change_count(const struct mpf_node *node);
MPF_PUBLIC int mpf_node_get_lisp_change(const struct mpf_node *node,
					uint32_t index,
					struct mpf_lisp_change *change,
					size_t size);

/* What happened to a site. */
struct mpf_lisp_stats {
	uint64_t registers, notifies, replies; /* records that named it */
	uint64_t requests;     /* Map-Requests that asked for it */
	uint64_t negative;     /* records with no locator (negative reply) */
	uint64_t data_packets, data_bytes; /* its encapsulated data */
	uint64_t to_site_packets; /* data sent to it (inner destination) */
	uint64_t backup_used;  /* of which to a backup while a primary was up */
	uint32_t ttl;          /* of the latest record, minutes */
	uint8_t action;        /* of the latest record */
	/* LISP over TCP: Registration ACKs and NACKs for the prefix, and
	 * the reason (1 not a valid site EID prefix, 2 authentication
	 * failure, 3 locator set not allowed, 4 unspecified) and frame of
	 * the latest NACK */
	uint64_t acks, refusals;
	uint8_t refusal_reason;
	uint32_t refusal_frame;
};

MPF_PUBLIC int mpf_node_get_lisp_stats(const struct mpf_node *node,
				       struct mpf_lisp_stats *stats,
				       size_t size);

/* Data packets whose inner source EID no known mapping covered. */
struct mpf_lisp_unmapped {
	uint32_t iid;
	struct mpf_addr eid; /* the inner source */
	uint64_t packets;
	uint32_t first_frame;
};

MPF_PUBLIC uint32_t mpf_ctx_get_lisp_unmapped_count(const struct mpf_ctx *ctx);
MPF_PUBLIC int mpf_ctx_get_lisp_unmapped(const struct mpf_ctx *ctx,
					 uint32_t index,
					 struct mpf_lisp_unmapped *u, size_t size);

/* LISP frame flags, as MPF_MPTCP_FRAME_FLAG_MAP. Since: 0.2 */
#define MPF_LISP_FRAME_FLAG_MAP(XX)                                         \
	/* encapsulated data (port 4341) */                                 \
	XX(DATA, 0, SEQUENCE, NONE, false, "data", "data",                  \
	   "Encapsulated data")                                             \
	/* data of an unmapped EID */                                       \
	XX(NO_MAPPING, 1, SEQUENCE, WARN, true, "no_mapping", "no_mapping", \
	   "Data of an EID no known mapping covers")                        \
	/* data to a backup locator while a primary is up */                \
	XX(BACKUP_USED, 2, SEQUENCE, WARN, true, "backup_used",             \
	   "backup_used",                                                   \
	   "Data sent to a backup locator while a primary is up")           \
	/* a Map-Reply with no request */                                   \
	XX(UNSOLICITED, 3, PROTOCOL, WARN, true, "unsolicited_reply",       \
	   "unsolicited_reply", "Map-Reply to no Map-Request seen")         \
	/* a record left a locator out */                                   \
	XX(LOCATOR_DROPPED, 4, SEQUENCE, NOTE, false, "locator_dropped",    \
	   "locator_dropped", "A record leaves a locator out")              \
	XX(LOCATOR_ADDED, 5, SEQUENCE, NOTE, false, "locator_added",        \
	   "locator_added", "A record brings a new locator")                \
	XX(PRIORITY_CHANGED, 6, SEQUENCE, NOTE, false, "priority_changed",  \
	   "priority_changed", "A locator's priority or weight changed")    \
	/* Map-Request, S bit */                                            \
	XX(SMR, 7, PROTOCOL, NONE, false, "smr", "smr",                     \
	   "Solicit-Map-Request (S bit)")                                   \
	/* Map-Request, s bit */                                            \
	XX(SMR_INVOKED, 8, PROTOCOL, NONE, false, "smr_invoked",            \
	   "smr_invoked", "Map-Request invoked by an SMR (s bit)")          \
	/* RLOC probe (P bit) */                                            \
	XX(PROBE, 9, PROTOCOL, NONE, false, "rloc_probe", "rloc_probe",     \
	   "RLOC probe (P bit)")                                            \
	/* inside an Encapsulated Control Message */                        \
	XX(ECM, 10, PROTOCOL, NONE, false, "ecm", "ecm",                    \
	   "Inside an Encapsulated Control Message")                        \
	/* a record with no locator */                                      \
	XX(NEGATIVE, 11, PROTOCOL, NONE, false, "negative", "negative",     \
	   "A record with no locator (negative)")                           \
	/* LISP control over TCP */                                         \
	XX(TCP, 12, PROTOCOL, NONE, false, "tcp", "tcp",                    \
	   "LISP control over TCP")                                         \
	/* a Registration NACK */                                           \
	XX(REFUSED, 13, RESPONSE_CODE, WARN, true, "registration_refused",  \
	   "registration_refused",                                          \
	   "The map server refused a registration (NACK)")

/* Frame flags of the LISP analysis, for mpf_frame_get_lisp_flags(). */
enum mpf_lisp_frame_flag {
#define MPF_XX(NAME, bit, group, sev, anomaly, name, field, text)           \
	MPF_LISP_FRAME_##NAME = 1 << (bit),
	MPF_LISP_FRAME_FLAG_MAP(MPF_XX)
#undef MPF_XX
};

MPF_PUBLIC unsigned mpf_frame_get_lisp_flags(const struct mpf_frame *frame);

/* Returns: (transfer none) the report name of one flag, or "unknown". */
MPF_PUBLIC const char *mpf_lisp_frame_flag_to_string(unsigned flag);

/* The message type (1 Map-Request ... 8 ECM; 0 for data; for LISP over
 * TCP, 3 and 4 for a Registration and a Mapping Notification, which carry
 * a Map-Register and a Map-Notify record, 18 Registration ACK, 19 NACK,
 * 20 Refresh, and 256 for a segment that holds no whole message). With
 * several messages in a frame, the first one's. */
MPF_PUBLIC int mpf_frame_get_lisp_type(const struct mpf_frame *frame);

/* Returns: (transfer none) "Map-Request", "Map-Reply", ..., "data",
 * "Registration", "Registration-ACK", "Registration-NACK",
 * "Registration-Refresh", "Mapping-Notification", "no-message" or
 * "unknown". */
MPF_PUBLIC const char *mpf_lisp_type_to_string(int type);

/* The nonce of a control message (64 bits) or a data packet (24); false
 * when none. */
MPF_PUBLIC bool mpf_frame_get_lisp_nonce(const struct mpf_frame *frame,
					 uint64_t *nonce);

/* The instance id of a data packet (I bit), of the message's first
 * record, or of the prefix a Registration ACK/NACK answers; false when
 * none. */
MPF_PUBLIC bool mpf_frame_get_lisp_iid(const struct mpf_frame *frame,
				       uint32_t *iid);

/* For a Map-Reply, the frame of its Map-Request (by nonce); for a
 * Map-Notify, the frame of its Map-Register. 0 when none. */
MPF_PUBLIC uint32_t mpf_frame_get_lisp_request_frame(const struct mpf_frame *frame);

/* ---------------------------------------------------------------- match */

/*
 * Two captures of one run, one at each end: mpf_match_new() pairs the
 * MPTCP connections of a context fed the client-side capture with those
 * of a context fed the server-side one, their subflows, and in each
 * direction every data segment (a TCP segment with payload) the sender's
 * capture holds with its copy in the receiver's. Both contexts must keep
 * the segment log (mpf_config_set_segment_log()).
 *
 * Connections pair by their MPTCP keys (or a token); subflows by their
 * SYNs' initial sequence numbers, else by the data they carried (segments
 * with equal sequence number and length in both captures), else by
 * 4-tuple, else in join order, so that addresses and ports may differ
 * between the sides (NAT). Plain TCP connections pair the same way, with
 * each other or with the subflows of an MPTCP connection that the other
 * capture saw as MPTCP. Segments pair by subflow sequence number and
 * length, copies of one segment (TCP retransmissions) by their TCP
 * timestamp, else by time order; the DSN must agree when both sides know
 * it. Sorts and hash tables only: the work grows as n log n.
 *
 * The client capture is taken to be the one at the MPTCP client (the side
 * that sent the first SYN): its segments are the client-to-server ones
 * sent and the server-to-client ones received. The two clocks are
 * independent: delays are as measured (receiver's time minus sender's),
 * and mpf_match_get_clock() estimates the offset between them.
 */
struct mpf_match;

/*
 * Matches @client against @server. Both are borrowed: they must outlive
 * the match and not be fed any more. *@match gets (transfer full) the
 * result, released with mpf_match_free(); a match with no connection is
 * still a result (the captures are of different runs).
 * Returns: 0; MPF_ERR_INVALID for a NULL argument or a context without
 * the segment log.
 */
MPF_PUBLIC int mpf_match_new(const struct mpf_ctx *client,
			     const struct mpf_ctx *server,
			     struct mpf_match **match) MPF_WARN_UNUSED;

MPF_PUBLIC void mpf_match_free(struct mpf_match *match);

/* How a connection or a subflow found its counterpart. */
enum mpf_match_how {
	MPF_MATCH_KEYS = 0,  /* connections: both MPTCP keys */
	MPF_MATCH_TOKEN = 1, /* connections: a token */
	MPF_MATCH_ISN = 2,   /* subflows: their SYNs' sequence numbers */
	MPF_MATCH_DATA = 3,  /* segments with equal sequence and length */
	MPF_MATCH_TUPLE = 4, /* subflows: the same addresses and ports */
	MPF_MATCH_ORDER = 5, /* subflows: join order (no data to compare) */
};

/* Returns: (transfer none) "keys", "token", "isn", "data", "tuple",
 * "order" or "unknown". */
MPF_PUBLIC const char *mpf_match_how_to_string(enum mpf_match_how how);

/*
 * A pair of connections. A connection that one side's analysis split in
 * two (a capture that started late) pairs with each part. A side where
 * the connection is plain TCP (MPTCP never negotiated, or its options cut
 * by the snapshot length) has no node: MPF_ID_NONE, and its subflows no
 * flow ids; their endpoints say which they are.
 */
struct mpf_match_connection {
	uint32_t client_node, server_node; /* node ids, or MPF_ID_NONE */
	enum mpf_match_how how;
	uint32_t subflows;          /* subflow pairs: mpf_match_get_subflow() */
	/* reinjections (both ways): useful when the receiver got the
	 * reinjected copy of the data first, redundant when an earlier copy
	 * had arrived or the reinjection was lost */
	uint64_t useful, redundant;
	uint64_t useful_bytes, redundant_bytes;
};

MPF_PUBLIC uint32_t mpf_match_get_connection_count(const struct mpf_match *match);
/* Returns: 0, or MPF_ERR_NOT_FOUND / MPF_ERR_INVALID. @size as for the
 * stats (sizeof as the caller knows it). */
MPF_PUBLIC int mpf_match_get_connection(const struct mpf_match *match,
					uint32_t index,
					struct mpf_match_connection *conn,
					size_t size);

/*
 * One direction of a subflow pair, counting data segments. The sender's
 * capture is the client's for MPF_SIDE_CLIENT.
 */
struct mpf_match_dir {
	uint64_t sent;     /* in the sender's capture, while the receiver's ran */
	uint64_t received; /* in the receiver's capture, while the sender's ran */
	uint64_t matched;  /* sent and received */
	uint64_t lost;     /* sent, never received */
	uint64_t unsent;   /* received, not in the sender's capture */
	uint64_t outside;  /* in one capture before or after the other ran */
	bool has_delay;    /* matched > 0 */
	/* one-way delay, receiver's time minus sender's, nanoseconds, as
	 * measured; median and p99 by nearest rank */
	int64_t delay_min, delay_median, delay_p99, delay_max;
};

struct mpf_match_subflow {
	uint32_t client_flow, server_flow; /* flow ids, or MPF_ID_NONE */
	enum mpf_match_how how;
	/* the server capture's flow runs the other way round (its source is
	 * the client capture flow's destination) */
	bool reversed;
	struct mpf_match_dir dir[2]; /* by enum mpf_side */
	/* the subflow as each capture saw it (a NAT between them shows):
	 * source the side that sent its SYN, else its first segment */
	struct mpf_endpoint client_src, client_dst, server_src, server_dst;
};

/* Returns: 0, or MPF_ERR_NOT_FOUND / MPF_ERR_INVALID. */
MPF_PUBLIC int mpf_match_get_subflow(const struct mpf_match *match,
				     uint32_t connection, uint32_t index,
				     struct mpf_match_subflow *sub, size_t size);

/* What became of one data segment. */
enum mpf_match_state {
	MPF_MATCH_MATCHED = 0, /* in both captures */
	MPF_MATCH_LOST = 1,    /* sent, never received */
	MPF_MATCH_UNSENT = 2,  /* received, not in the sender's capture */
	MPF_MATCH_OUTSIDE = 3, /* in one capture before or after the other */
};

/* Returns: (transfer none) "matched", "lost", "unsent", "outside" or
 * "unknown". */
MPF_PUBLIC const char *mpf_match_state_to_string(enum mpf_match_state state);

enum mpf_match_verdict {
	MPF_MATCH_NONE = 0,      /* not a reinjection (or outside) */
	MPF_MATCH_USEFUL = 1,    /* the receiver got this copy first */
	MPF_MATCH_REDUNDANT = 2, /* an earlier copy arrived, or it was lost */
};

/* Returns: (transfer none) "", "useful", "redundant" or "unknown". */
MPF_PUBLIC const char *mpf_match_verdict_to_string(enum mpf_match_verdict v);

/*
 * One data segment: a row per segment of the sender's capture, and one
 * per segment only the receiver's holds. Rows run by connection, then
 * direction, then the sender's frame order (receiver-only rows last).
 */
struct mpf_match_packet {
	uint32_t connection, subflow; /* indexes into the match */
	enum mpf_side dir;
	enum mpf_match_state state;
	uint32_t client_frame, server_frame; /* 0 when not in that capture */
	int64_t client_time, server_time;    /* ns since the epoch, or 0 */
	int64_t delay;   /* MATCHED: receiver's time minus sender's, ns */
	uint32_t seq;    /* TCP sequence number */
	uint32_t len;    /* TCP payload bytes */
	bool has_dsn;
	uint64_t dsn;    /* relative DSN, as the sender's analysis gave it */
	/* reinjections: the verdict, the frame of the data's first copy in
	 * the sender's capture (mpf_frame_get_mptcp_reinjection_of()) and
	 * in the receiver's (0: lost), and the receiver's frame that first
	 * carried the data (0: unknown), which proves the verdict */
	enum mpf_match_verdict verdict;
	uint32_t original_frame;
	uint32_t original_received_frame;
	uint32_t first_received_frame;
};

MPF_PUBLIC uint64_t mpf_match_get_packet_count(const struct mpf_match *match);
/* Returns: 0, or MPF_ERR_NOT_FOUND / MPF_ERR_INVALID. */
MPF_PUBLIC int mpf_match_get_packet(const struct mpf_match *match,
				    uint64_t index,
				    struct mpf_match_packet *packet,
				    size_t size);

/*
 * The clocks. Measured delays include the offset between the captures'
 * clocks (server minus client): c2s = d1 + offset, s2c = d2 - offset.
 * Assuming the smallest one-way delay is the same both ways (a symmetric
 * path) and the clocks do not drift, offset = (c2s_min - s2c_min) / 2.
 */
struct mpf_match_clock {
	bool has_c2s_min, has_s2c_min, has_offset;
	int64_t c2s_min, s2c_min; /* smallest measured delays, ns */
	int64_t offset;           /* the estimate, ns */
};

MPF_PUBLIC int mpf_match_get_clock(const struct mpf_match *match,
				   struct mpf_match_clock *clock, size_t size);

/*
 * What found no counterpart: the MPTCP nodes of one capture (@capture
 * MPF_SIDE_CLIENT or MPF_SIDE_SERVER) in no connection pair, and the flows
 * of paired nodes in no subflow pair. Returns the @index-th id, or
 * MPF_ID_NONE past the end.
 */
MPF_PUBLIC uint32_t mpf_match_get_unmatched_node_count(const struct mpf_match *match,
						       enum mpf_side capture);
MPF_PUBLIC uint32_t mpf_match_get_unmatched_node(const struct mpf_match *match,
						 enum mpf_side capture,
						 uint32_t index);
MPF_PUBLIC uint32_t mpf_match_get_unmatched_flow_count(const struct mpf_match *match,
						       enum mpf_side capture);
MPF_PUBLIC uint32_t mpf_match_get_unmatched_flow(const struct mpf_match *match,
						 enum mpf_side capture,
						 uint32_t index);

#ifdef __cplusplus
}
#endif

#endif /* MPFLOW_H */
