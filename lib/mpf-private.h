/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal structures shared by the core (ctx.c, graph.c, decode.c) and the
 * backends. Nothing here is installed. Cross-file internal functions are
 * named mpf__* and have hidden visibility.
 *
 * The rule that keeps hostile input bounded, for every file here
 * (bench/hostile and tests/test-bounded*.c check it):
 *  - every structure that grows with input is owned by a node (or by a
 *    global index whose entries each node owns a bounded number of, or
 *    that has a cap of its own), charged to the state estimate when it
 *    grows (the backend's node_mem(), or mpf__stream_remeasure() when a
 *    frame of another node made it grow), and freed with its owner, the
 *    last of an index's entries taking the index's own structures with it
 *    (a LISP trie root goes with its last site);
 *  - what a node keeps per kind of record has a cap, and a record a cap
 *    turns away is counted where the caller can see it (a counter, an
 *    anomaly), never a crash, and never undoes what was analysed;
 *  - every per-packet operation is O(1) amortized or O(log n) in the
 *    state held; nothing scans a whole table per event (unhooking a node
 *    walks what it owns); a list that a packet searches has a fixed bound
 *    (the SCTP halves waiting on one port pair).
 * The estimate stays within 25 % of the heap really held.
 */
#ifndef MPF_PRIVATE_H
#define MPF_PRIVATE_H

#include <glib.h>
#include <stddef.h>
#include <string.h>

#include "mpf-search.h"
#include "mpflow.h"

/* ------------------------------------------------------------ config */

struct mpf_config {
	bool backend_on[MPF_PROTO_COUNT];
	bool retain_frames;
	bool retain_set; /* retain_frames was asked for: kept when streaming */
	mpf_log_func log_func;
	enum mpf_log_level log_level;
	void *log_user_data;
	bool streaming;
	int64_t idle_ns;   /* 0: never */
	uint64_t mem_cap;  /* 0: none */
	mpf_release_func release_func;
	void *release_user_data;
	bool shard; /* keep what a merge needs (see mpf_config_set_shard) */
	bool segment_log;
};

/* ------------------------------------------------------- frame record */

/*
 * One frame's result, as backends fill it while a frame is analysed. The
 * store keeps it packed in 32 bytes (frames.c); a pointer the API hands
 * out may be to either form, told apart by the first byte, and
 * mpf__frame_field() reads any. The meaning of the value slots depends on
 * the protocol; for MPTCP val[] are the relative DSN and data ack, ref[]
 * the mapping frame, the frame this one reinjects and the frame that
 * reinjects this one.
 */
enum {
	MPF_FORM_FULL = 0,   /* struct mpf_frame */
	MPF_FORM_PACKED = 1, /* a store slot */
	MPF_FORM_EXT = 2,    /* a store slot pointing at a struct mpf_frame */
};

struct mpf_frame {
	uint8_t form;         /* MPF_FORM_FULL */
	int8_t status;        /* enum mpf_status */
	uint8_t protocol;     /* enum mpf_protocol */
	uint8_t dir;          /* enum mpf_side */
	uint16_t flags;       /* MPF_FRAME_HAS_* */
	uint16_t opts;        /* MPTCP: option subtypes seen, 1 << subtype */
	uint32_t number;
	uint32_t node;        /* MPF_ID_NONE when none */
	uint32_t flow;        /* MPF_ID_NONE when none */
	uint32_t payload_len; /* transport payload on the wire */
	uint64_t val[2];
	uint32_t ref[3];      /* frame numbers, 0 when none */
	uint32_t bflags;      /* backend flags (enum mpf_mptcp_frame_flag) */
};

/* The full form of @f: @f itself, its heap record, or @tmp filled from
 * its packed slot. NULL for NULL. For the tests, which compare whole
 * records; the getters read one field (mpf__frame_field()). */
const struct mpf_frame *mpf__frame_view(const struct mpf_frame *f,
					struct mpf_frame *tmp);

/* struct mpf_frame's flags */
enum {
	MPF_FRAME_HAS_VAL0 = 1 << 0,
	MPF_FRAME_HAS_VAL1 = 1 << 1,
};

#include "mpf-frame.h"


/* The frame store (frames.c); NULL when frames are not retained. */
struct mpf_store;
struct mpf_store *mpf__store_new(void);
void mpf__store_free(struct mpf_store *s);
/* Keeps a copy of @f; returns: the stored result, valid until the store
 * is freed. */
const struct mpf_frame *mpf__store_add(struct mpf_store *s,
				       const struct mpf_frame *f);
/* The stored result of frame @number, read-only; NULL when none. */
const struct mpf_frame *mpf__store_find(const struct mpf_store *s,
					uint32_t number);
/* The stored result of frame @number in full, writable; NULL when none. */
struct mpf_frame *mpf__store_edit(struct mpf_store *s, uint32_t number);

/* A node's list of retained frames (about a byte a frame): adds frame
 * @number (above every number in it), folds @gone's list into @keep's
 * (a merge), frees one, and calls @fn on each number in order until it
 * returns false. */
void mpf__node_frames_add(struct mpf_node *n, uint32_t number);
void mpf__node_frames_merge(struct mpf_node *keep, struct mpf_node *gone);
void mpf__node_frames_free(struct mpf_node *n);
void mpf__node_frames_walk(const struct mpf_node *n,
			   bool (*fn)(uint32_t number, void *user), void *user);
/* Calls @fix on every record of node @node from frame @from on. */
void mpf__store_rewrite(struct mpf_store *s, uint32_t from, uint32_t node,
			void (*fix)(struct mpf_frame *rec, void *user),
			void *user);
/* The bytes the store holds (slots of whole blocks and heap records), its
 * number of records, and how many of them are kept in full. */
uint64_t mpf__store_bytes(const struct mpf_store *s);
uint32_t mpf__store_count(const struct mpf_store *s);
uint64_t mpf__store_ext_count(const struct mpf_store *s);
/* Frees the records of the frames numbered below @before; finding or
 * editing them gives NULL from then on (an edit of a released record is
 * dropped: the caller let it go). */
void mpf__store_release(struct mpf_store *s, uint32_t before);

/* ------------------------------------------------------ decoded packet */

#define MPF_TCP_MAX_OPTS 40 /* 40 option bytes, one byte per NOP at most */

struct mpf_tcp_opt {
	uint8_t kind;
	uint8_t len;  /* declared length; the last option may be cut short
		       * by the capture (tcp_opts_cap - off bytes) */
	uint8_t off;  /* offset from the first option byte */
	uint8_t pad;
};

/*
 * A frame decoded down to its transport header. Pointers point into the
 * caller's captured bytes and are valid for one mpf_ctx_feed() call.
 */
struct mpf_pkt {
	const struct mpf_packet *raw;
	int64_t ts_ns;
	int status;         /* worst decode outcome, enum mpf_status */
	uint8_t ip_version; /* 0 when no IP packet was found */
	uint8_t ip_proto;   /* transport protocol after extension headers */
	bool fragment;      /* a non-first IP fragment */
	uint8_t tunnels;    /* encapsulations removed to reach this packet */
	struct mpf_addr src, dst;
	/* transport: header and payload as captured (l4_cap bytes) and as the
	 * IP header says they were on the wire (l4_len bytes) */
	const uint8_t *l4;
	uint32_t l4_cap;
	uint32_t l4_len;
	bool has_ports;
	uint16_t sport, dport;
	/* TCP, valid when has_tcp */
	bool has_tcp;
	uint32_t seq, ack;
	uint8_t tcp_flags;
	uint16_t window;
	uint8_t tcp_hlen; /* data offset in bytes */
	const uint8_t *tcp_opts; /* first option byte */
	uint8_t tcp_opts_len;    /* declared option bytes */
	uint8_t tcp_opts_cap;    /* of which captured */
	uint8_t n_opts;
	bool has_ts;
	uint32_t ts_val, ts_ecr;
	/* UDP: the backend that claims one of the ports (its udp_ports),
	 * whose header the payload is; MPF_PROTO_NONE for the others */
	enum mpf_protocol udp_owner;
	/* transport payload */
	const uint8_t *payload;
	uint32_t payload_len; /* on the wire */
	uint32_t payload_cap; /* captured */
	/* last: only the first n_opts are valid, so a reset clears the
	 * fields before it (MPF_PKT_RESET_SIZE), not these 160 bytes */
	struct mpf_tcp_opt opts[MPF_TCP_MAX_OPTS];
};

#define MPF_PKT_RESET_SIZE offsetof(struct mpf_pkt, opts)

#define MPF_TCP_FIN 0x01
#define MPF_TCP_SYN 0x02
#define MPF_TCP_RST 0x04
#define MPF_TCP_PSH 0x08
#define MPF_TCP_ACK 0x10

/*
 * Decodes @raw into @pkt: link layer, IP (options, extension headers,
 * fragments), then the TCP header and options or the UDP/SCTP ports.
 * Returns: the worst outcome, also stored in pkt->status. A truncated or
 * malformed transport still leaves the addresses (and ports when read).
 */
int mpf__decode(const struct mpf_packet *raw, struct mpf_pkt *pkt);

/* The same from a given layer: an IPv4 or IPv6 packet, a TCP header. */
int mpf__decode_ip(struct mpf_pkt *pkt, const uint8_t *p, size_t cap,
		   size_t wire);
int mpf__decode_tcp_options(struct mpf_pkt *pkt, const uint8_t *opts,
			    size_t declared, size_t captured);

/* Whether the linktype is one the decoder understands. */
bool mpf__linktype_supported(int linktype);

static inline int
mpf__status_worst(int a, int b)
{
	/* errors (negative) beat notes (positive) beat OK; among errors the
	 * first one found is kept */
	if (a < 0)
		return a;
	if (b < 0)
		return b;
	return a > b ? a : b;
}

/* --------------------------------------------------------------- graph */

struct mpf_backend;

struct mpf_node {
	uint32_t id;
	uint32_t merged_into; /* MPF_ID_NONE, or the node that absorbed it */
	uint8_t protocol;
	const struct mpf_backend *backend;
	uint32_t first_frame, last_frame;
	int64_t first_ts, last_ts;
	uint64_t packets, bytes;
	GPtrArray *flows; /* struct mpf_flow *, not owned */
	void *priv;       /* backend data, node_priv_size bytes, zeroed */
	/* streaming (see stream.c) */
	GArray *absorbed; /* uint32_t ids of the nodes merged into this one */
	GPtrArray *absorbed_flows; /* flows folded into its flows */
	GList lru;        /* link in ctx->lru[queue - 1] */
	uint8_t queue;    /* MPF_QUEUE_*, 0 when in none */
	bool settle_dirty; /* listed as touched for unsettled.c */
	uint32_t touches; /* packets since the state was last measured */
	uint64_t dyn;     /* the backend's part of it, as last measured */
	uint64_t mem;     /* estimated bytes of state */
	/* retained frames (frames.c): their numbers, each as the LEB128
	 * varint of its distance from the one before */
	uint8_t *fr_buf;
	size_t fr_len, fr_cap;
	uint32_t fr_last, fr_count;
	/* the backend's node_unsettled() answer, kept while the node gets
	 * no packet (every change to it comes with one): packets + 1 when
	 * it was asked, 0 never */
	uint64_t unsettled_at;
	uint32_t unsettled;
	uint32_t link_low; /* node_link_low()'s answer, kept the same way */
};

enum {
	MPF_QUEUE_NEW = 1,     /* never established: evicted first */
	MPF_QUEUE_SETTLED = 2, /* established */
	MPF_QUEUE_ENDED = 3,   /* ended, lingering for late packets */
};

struct mpf_flow {
	uint32_t id;
	uint32_t merged_into; /* MPF_ID_NONE, or the flow that absorbed it */
	struct mpf_node *node;
	struct mpf_endpoint src, dst;
	uint32_t first_frame, last_frame;
	int64_t first_ts, last_ts;
	uint64_t packets[2], bytes[2], payload[2];
	void *priv; /* backend data, flow_priv_size bytes, zeroed */
};

/*
 * An address/port pair in a canonical order, so that both directions of a
 * conversation give the same key. Embedded in backend flow data and used
 * as a GHashTable key with mpf__tuple_hash / mpf__tuple_equal.
 */
struct mpf_tuple {
	struct mpf_endpoint a, b; /* a <= b */
};

/* Fills @t from a packet's addresses and ports; returns true when the
 * packet's source is t->a. */
bool mpf__tuple_from_pkt(struct mpf_tuple *t, const struct mpf_pkt *pkt);
guint mpf__tuple_hash(gconstpointer key);
gboolean mpf__tuple_equal(gconstpointer a, gconstpointer b);
/* Address equality, inline for the per-packet paths (memcmp of 17 bytes
 * is a libc call). */
static inline bool
mpf__addr_equal(const struct mpf_addr *x, const struct mpf_addr *y)
{
	uint64_t a[2], b[2];

	memcpy(a, x->bytes, 16);
	memcpy(b, y->bytes, 16);
	return x->family == y->family && a[0] == b[0] && a[1] == b[1];
}

bool mpf__endpoint_equal(const struct mpf_endpoint *x,
			 const struct mpf_endpoint *y);

/* Allocates a node (flow) of @backend with zeroed private data and id
 * @id, filed in @ctx's ids; nothing else is set (partial.c fills them). */
struct mpf_node *mpf__node_alloc(struct mpf_ctx *ctx,
				 const struct mpf_backend *backend, uint32_t id);
struct mpf_flow *mpf__flow_alloc(struct mpf_ctx *ctx, struct mpf_node *node,
				 uint32_t id);
/* Creates node (and flow) objects owned by @ctx with zeroed private data of
 * the backend's size; ids are the next ones. Never fail (GLib aborts on
 * out of memory, as everywhere else in GLib). */
struct mpf_node *mpf__node_new(struct mpf_ctx *ctx,
			       const struct mpf_backend *backend,
			       const struct mpf_pkt *pkt);
struct mpf_flow *mpf__flow_new(struct mpf_ctx *ctx, struct mpf_node *node,
			       const struct mpf_endpoint *src,
			       const struct mpf_endpoint *dst,
			       const struct mpf_pkt *pkt);

/*
 * Merges node @gone into @keep (the graph part): @gone's flows move to
 * @keep, its counters add up, it becomes an alias (merged_into), and every
 * retained frame record of @gone is handed to @fix (which the backend uses
 * to rewrite it: node id, direction, relative values). Ids stay stable.
 */
void mpf__node_merge(struct mpf_ctx *ctx, struct mpf_node *keep,
		     struct mpf_node *gone,
		     void (*fix)(struct mpf_frame *rec, void *user), void *user);

/*
 * Folds flow @gone into @keep (same address pair, as found when two nodes
 * merge): counters add up (directions matched by source address), @gone
 * leaves its node's list and becomes an alias. Frame records are the
 * caller's to rewrite.
 */
void mpf__flow_absorb(struct mpf_flow *keep, struct mpf_flow *gone);

/*
 * Moves flow @f from its node to @to (a join that proves to belong to
 * another connection): the nodes' counters and frame ranges follow, and
 * every retained record of @f's old node from @f's first frame on is
 * handed to @fix, which rewrites those of @f.
 */
void mpf__flow_move(struct mpf_ctx *ctx, struct mpf_flow *f,
		    struct mpf_node *to,
		    void (*fix)(struct mpf_frame *rec, void *user), void *user);

/* The stored record of frame @number, writable; NULL when not retained.
 * For backends that annotate an earlier frame (a reinjection's origin). */
struct mpf_frame *mpf__frame_at(struct mpf_ctx *ctx, uint32_t number);

/*
 * Copies a public struct out to a caller that may know a shorter or longer
 * version of it (@size, its sizeof): zero-fills @dst, then copies what
 * both versions have. Returns: MPF_OK, or MPF_ERR_INVALID when @dst is
 * NULL or @size 0.
 */
int mpf__copy_out(void *dst, size_t size, const void *src, size_t n);

/* Counts a frame of @flow (one way) on the flow and its node. */
void mpf__flow_account(struct mpf_ctx *ctx, struct mpf_flow *flow,
		       enum mpf_side dir, const struct mpf_pkt *pkt);

/* ------------------------------------------------------------ partials */

/* Traffic counted apart from any flow (a part's residue, partial.c): per
 * way (0: from the first end the owner knows it by), and its span. */
struct mpf_traffic {
	uint32_t first_frame, last_frame; /* 0 when empty */
	int64_t first_ts, last_ts;
	uint64_t packets[2], bytes[2], payload[2];
};

/*
 * Packing: the fixed-size parts of a partial result (flat tuples of
 * integers, booleans and doubles, and arrays of them) are written as
 * GVariant lays them out (each member aligned to its size, the tuple
 * padded to its largest alignment) into one buffer, and wrapped as one
 * trusted GVariant: one allocation for a tuple or an array, not one a
 * member. Reading walks the same way through the bytes of a GVariant that
 * GLib found in normal form, with bounds checked all the same. The type
 * strings stay the contract (the reader's GVariant types are checked).
 */
struct mpf_pack {
	GByteArray *b;
	guint align; /* the largest member alignment so far */
};

void mpf__pack_begin(struct mpf_pack *p);
void mpf__pack_y(struct mpf_pack *p, uint8_t v);
void mpf__pack_b(struct mpf_pack *p, bool v);
void mpf__pack_n(struct mpf_pack *p, int16_t v);
void mpf__pack_q(struct mpf_pack *p, uint16_t v);
void mpf__pack_i(struct mpf_pack *p, int32_t v);
void mpf__pack_u(struct mpf_pack *p, uint32_t v);
void mpf__pack_x(struct mpf_pack *p, int64_t v);
void mpf__pack_t(struct mpf_pack *p, uint64_t v);
void mpf__pack_d(struct mpf_pack *p, double v);
/* Ends one element of an array being packed. */
void mpf__pack_next(struct mpf_pack *p);
/* Ends the packing: a tuple of @type, or an array of elements of @type
 * (a flat tuple type). Returns: (transfer floating) the GVariant. */
GVariant *mpf__pack_tuple(struct mpf_pack *p, const char *type);
GVariant *mpf__pack_array(struct mpf_pack *p, const char *type);
/* Every value of table @t (may be NULL) packed by @one (which returns
 * false to leave one out), as an array of @type. */
GVariant *mpf__pack_values(GHashTable *t,
			   bool (*one)(struct mpf_pack *p, gconstpointer value),
			   const char *type);
/* A tuple of the @n (up to 8) values given, taking floating ones; no
 * format string to parse, as g_variant_new() would for each. */
GVariant *mpf__tuple(gsize n, ...);

struct mpf_unpack {
	const uint8_t *p;
	gsize size, off;
	guint align;
	bool bad; /* read past the end: values read as 0 */
};

/* Reads tuple @v (of a flat fixed-size type), or the elements of array
 * @v (of one) one after the other (mpf__unpack_next() between): returns
 * how many. The data stays @v's: keep it while reading. */
void mpf__unpack_tuple(struct mpf_unpack *u, GVariant *v);
gsize mpf__unpack_array(struct mpf_unpack *u, GVariant *v);
void mpf__unpack_next(struct mpf_unpack *u);
uint8_t mpf__unpack_y(struct mpf_unpack *u);
bool mpf__unpack_b(struct mpf_unpack *u);
int16_t mpf__unpack_n(struct mpf_unpack *u);
uint16_t mpf__unpack_q(struct mpf_unpack *u);
int32_t mpf__unpack_i(struct mpf_unpack *u);
uint32_t mpf__unpack_u(struct mpf_unpack *u);
int64_t mpf__unpack_x(struct mpf_unpack *u);
uint64_t mpf__unpack_t(struct mpf_unpack *u);
double mpf__unpack_d(struct mpf_unpack *u);

/* An address as "ytt" (family, the 16 bytes as two big-endian numbers),
 * an endpoint as "yttq", traffic as "uuxxtttttt". */
#define MPF_ADDR_T "ytt"
#define MPF_ENDPOINT_T "yttq"
#define MPF_TRAFFIC_T "uuxxtttttt"
void mpf__pack_addr(struct mpf_pack *p, const struct mpf_addr *a);
void mpf__pack_endpoint(struct mpf_pack *p, const struct mpf_endpoint *e);
void mpf__pack_traffic(struct mpf_pack *p, const struct mpf_traffic *t);
/* Read an address (endpoint); false when it is not one: another family,
 * an IPv4 address with bytes past its 4, none with bytes. */
bool mpf__unpack_addr(struct mpf_unpack *u, struct mpf_addr *a);
bool mpf__unpack_endpoint(struct mpf_unpack *u, struct mpf_endpoint *e);
/* Reads traffic into @t; false when its frames fall outside what @ctx was
 * fed or its counts cannot be. */
bool mpf__unpack_traffic(struct mpf_unpack *u, const struct mpf_ctx *ctx,
			 struct mpf_traffic *t);

/* FNV-1a over @n bytes: for hash keys that are plain structs (their
 * padding zeroed). */
static inline guint
mpf__bytes_hash(const void *key, size_t n)
{
	const uint8_t *p = key;
	guint h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Counts @pkt one way (@way 0 or 1). */
void mpf__traffic_add(struct mpf_traffic *t, int way, const struct mpf_pkt *pkt);
/* Adds @u to @t. */
void mpf__traffic_merge(struct mpf_traffic *t, const struct mpf_traffic *u);
/* Counts @t on flow @f (ways swapped when @swap) and its node. */
void mpf__traffic_to_flow(struct mpf_flow *f, const struct mpf_traffic *t,
			  bool swap);
/* Counts @t on node @n, in no flow. */
void mpf__traffic_to_node(struct mpf_node *n, const struct mpf_traffic *t);
/* A backend's residues (shard mode): what it could not tie to a node,
 * kept in its state for the merge (where mpf_backend.residues_at says). */
struct mpf_residues {
	GHashTable *table; /* records by key, owned; NULL until the first */
	uint32_t lost;     /* not kept: the table was full */
};
/* A backend's residue records: hashed and compared by their key, the
 * first @key_size bytes of a record of @size bytes. */
struct mpf_residue_type {
	GHashFunc hash;
	GEqualFunc equal;
	size_t key_size, size;
};
/* The residues a backend keeps at the most; one more is counted lost. */
#define MPF_RESIDUES_MAX 65536
/* The record of @key in @res (its table made on first use), a new zeroed
 * one with the key when there is none and the table has room; NULL,
 * counted lost, when it is full. The table keeps it. */
void *mpf__residue_get(struct mpf_residues *res,
		       const struct mpf_residue_type *type, const void *key);
/* Frees @res's table, leaving none. */
void mpf__residues_clear(struct mpf_residues *res);
/* Whether @frame is 0 or one @ctx was fed. */
bool mpf__partial_frame_ok(const struct mpf_ctx *ctx, uint32_t frame);

/* Merging: folds flow @gone (of a later part) into @keep (its ways
 * swapped when @swap): its counts move to @keep and @keep's node, and
 * leave @gone's node. */
void mpf__partial_flow_fold(struct mpf_flow *keep, struct mpf_flow *gone,
			    bool swap);
/* Moves flow @f of @later to node @to of @into, with a new id; its counts
 * move from its node to @to. */
void mpf__partial_flow_move(struct mpf_ctx *into, struct mpf_ctx *later,
			    struct mpf_node *to, struct mpf_flow *f);
/* Moves node @gone of @later into @into with new ids, as the merge does
 * with the nodes that join none (partial_adopted included). */
void mpf__partial_adopt(struct mpf_ctx *into, struct mpf_ctx *later,
			struct mpf_node *n);
/* Folds what is left of node @gone (its flows gone elsewhere) into
 * @keep: its counts and frame span. */
void mpf__partial_node_fold(struct mpf_node *keep, struct mpf_node *gone);

/* ------------------------------------------------------------ backends */

/*
 * A protocol backend. The core calls claims() on each decoded packet for
 * the enabled backends in registry order; the first that claims it gets
 * ingest(), which fills the frame record (node, flow, values, flags) and
 * returns an extra status for the frame (0 or a negative packet error).
 */
struct mpf_backend {
	const char *name;
	enum mpf_protocol protocol;
	size_t state_size;     /* per-context state, zeroed */
	size_t node_priv_size; /* per-node data, zeroed */
	size_t flow_priv_size; /* per-flow data, zeroed */
	void (*init)(struct mpf_ctx *ctx, void *state);
	void (*fini)(struct mpf_ctx *ctx, void *state);
	bool (*claims)(const struct mpf_pkt *pkt);
	/* UDP ports (either side, 0-terminated; NULL for none) whose payload
	 * is this backend's protocol: the decoder marks such packets in
	 * pkt->udp_owner, after the tunnels it removes */
	const uint16_t *udp_ports;
	int (*ingest)(struct mpf_ctx *ctx, void *state,
		      const struct mpf_pkt *pkt, struct mpf_frame *rec);
	void (*node_fini)(struct mpf_node *node);
	void (*flow_fini)(struct mpf_flow *flow);
	/* streaming (all optional): */
	/* forgets every table entry of the backend's state that leads to
	 * @node, or to @owner, the node being released that absorbed it */
	void (*node_unhook)(struct mpf_ctx *ctx, void *state,
			    struct mpf_node *node, struct mpf_node *owner);
	/* bytes the node's private data and its flows' hold beyond their
	 * fixed size (arrays, table entries) */
	size_t (*node_mem)(const struct mpf_node *node);
	uint8_t mem_every; /* packets of a node between node_mem() calls */
	bool (*node_settled)(const struct mpf_node *node); /* established */
	/* Settling (mpf_ctx_get_first_unsettled()): the lowest frame of
	 * @node whose retained record the backend may still change from a
	 * later frame (through mpf__frame_at(), a merge or a flow move), or
	 * UINT32_MAX when none. A backend that edits earlier records MUST
	 * say so here, or a caller prints and frees them too early; one
	 * without the hook never edits an earlier record. */
	uint32_t (*node_unsettled)(const struct mpf_node *node);
	/* Optional, with relink_window: the lowest frame of @node that a
	 * later frame may still name as the one it repeats, a link the
	 * backend writes only when the later frame is fewer than
	 * relink_window frames newer; UINT32_MAX when none. Frames older
	 * than the window behind the newest fed are settled whatever this
	 * says. Every other later change goes in node_unsettled. */
	uint32_t (*node_link_low)(const struct mpf_node *node);
	uint32_t relink_window;
	bool (*node_ended)(const struct mpf_node *node);
	/* partial results (partial.c; all optional: without them a backend's
	 * nodes and flows carry the core's part only, and merge by nothing).
	 * Each export returns a floating GVariant of the backend's type
	 * string; each import reads one (of that type, checked by the caller)
	 * and returns MPF_OK or MPF_ERR_MALFORMED for values no analysis
	 * gives. flow_import runs for each flow before node_import for the
	 * node, which also files the node and its flows in the state's tables
	 * (the merge looks them up there). */
	const char *flow_type, *node_type, *state_type;
	GVariant *(*flow_export)(const struct mpf_flow *flow);
	int (*flow_import)(struct mpf_flow *flow, GVariant *v);
	GVariant *(*node_export)(const struct mpf_node *node);
	int (*node_import)(struct mpf_ctx *ctx, void *state,
			   struct mpf_node *node, GVariant *v);
	GVariant *(*state_export)(const struct mpf_ctx *ctx, const void *state);
	int (*state_import)(struct mpf_ctx *ctx, void *state, GVariant *v);
	/* merging @later (the partial of the part after @into's) into @into:
	 * first the traffic @later could not tie to a node (the residues at
	 * @residues_at in its state: their lost count added up, each record
	 * handed to partial_residue() in table order), then
	 * each node of @later in id order: partial_join() folds it into a node
	 * of @into and returns true, or returns false and the core moves it
	 * into @into with new ids (old flow ids in @old_flow_ids, by index in
	 * its flow list) and calls partial_adopted(); partial_done() last */
	size_t residues_at; /* offsetof(state, its struct mpf_residues) */
	void (*partial_residue)(struct mpf_ctx *into, void *state,
				const void *residue);
	bool (*partial_join)(struct mpf_ctx *into, void *state,
			     struct mpf_ctx *later, struct mpf_node *node);
	void (*partial_adopted)(struct mpf_ctx *into, void *state,
				struct mpf_node *node,
				const uint32_t *old_flow_ids);
	void (*partial_done)(struct mpf_ctx *into, void *state,
			     struct mpf_ctx *later, void *later_state);
};

/* The registry: every backend this build has, NULL-terminated. */
extern const struct mpf_backend *const mpf__backends[];
const struct mpf_backend *mpf__backend_find(enum mpf_protocol proto);
/* The backend whose udp_ports hold @sport or @dport (the first in registry
 * order), or MPF_PROTO_NONE. */
enum mpf_protocol mpf__backend_udp_owner(uint16_t sport, uint16_t dport);

extern const struct mpf_backend mpf__backend_mptcp;
extern const struct mpf_backend mpf__backend_sctp;
extern const struct mpf_backend mpf__backend_lisp;

/* -------------------------------------------------------------- context */

/*
 * Ids to objects: an array while every object is kept; when streaming, a
 * hash table of the live ones, so that released ids leave nothing behind.
 */
struct mpf_ids {
	GPtrArray *all;    /* index = id; NULL when streaming */
	GHashTable *live;  /* id -> object, when streaming */
	uint32_t next;     /* the next id */
};

void mpf__ids_init(struct mpf_ids *t, bool streaming);
/* Files @obj under @id, any id not in use; the table grows to hold it and
 * the next id is past it. */
void mpf__ids_put(struct mpf_ids *t, uint32_t id, void *obj);
void *mpf__ids_get(const struct mpf_ids *t, uint32_t id);
void mpf__ids_remove(struct mpf_ids *t, uint32_t id);
/* Calls @fn on every object (in id order when kept). */
void mpf__ids_foreach(const struct mpf_ids *t, void (*fn)(void *obj));
void mpf__ids_foreach_data(const struct mpf_ids *t,
			   void (*fn)(void *obj, void *user), void *user);
void mpf__ids_fini(struct mpf_ids *t);

struct mpf_ctx {
	struct mpf_config config;
	struct mpf_ids nodes; /* struct mpf_node *, owned */
	struct mpf_ids flows; /* struct mpf_flow *, owned */
	struct mpf_store *store; /* frame results, when retained */
	struct mpf_frame scratch; /* the frame being analysed */
	uint32_t last_number;
	bool fed;
	uint64_t counters[MPF_COUNTER_COUNT];
	void *state[MPF_PROTO_COUNT]; /* backend states by protocol */
	/* streaming: live nodes by queue, most recently active first */
	GQueue lru[3];
	struct mpf_node *last_node; /* the previous frame's: most come in runs */
	uint64_t mem, mem_peak; /* estimated state bytes */
	int64_t now_ns;         /* latest capture time seen */
	int64_t deadline;       /* no queue tail is due before (streaming) */
	/* the span fed: first frame (with fed), first and last time stamps */
	uint32_t first_number;
	int64_t first_ts, last_ts;
	bool imported; /* made from a partial result: takes no frames */
	struct mpf_seglog *seglog; /* for mpf_match_new(), when kept */
	bool finished;          /* mpf_ctx_finish() was called */
	unsigned busy;          /* inside a callback: feeding is refused */
	struct mpf_settle *settle; /* unsettled.c's heaps, owned */
};

/* The first unsettled frame kept incrementally (unsettled.c). */
struct mpf_settle;
/* Returns: a new, empty one, owned by the caller (mpf__settle_free()). */
struct mpf_settle *mpf__settle_new(void);
void mpf__settle_free(struct mpf_settle *s);
/* @n got a packet, lost or gained some, or had its cached answers
 * dropped: asked again at the next mpf_ctx_get_first_unsettled(). Every
 * change to n->packets or n->unsettled_at of a live node must come with
 * it. */
void mpf__settle_touch(struct mpf_ctx *ctx, struct mpf_node *n);
/* The same for node @id, when it is live. */
void mpf__settle_touch_id(struct mpf_ctx *ctx, uint32_t id);
/* Tests: the answer by walking every node, as it was before the heaps;
 * and the work the heaps did (entries pushed, popped, nodes read). */
uint32_t mpf__ctx_first_unsettled_walk(const struct mpf_ctx *ctx);
uint64_t mpf__settle_steps(const struct mpf_ctx *ctx);
/* Tests: the times the heaps were built from every node; the entries
 * of the largest heap, or of the list of touched nodes when longer. */
uint64_t mpf__settle_rebuilds(const struct mpf_ctx *ctx);
guint mpf__settle_largest(const struct mpf_ctx *ctx);

/* Streaming (stream.c): before a frame that comes after ctx->deadline,
 * releases the nodes that ended or idled by its time; after it, places @node (the frame's) in its queue,
 * measures it, and evicts while the state passes the cap. */
void mpf__stream_before(struct mpf_ctx *ctx);
void mpf__stream_after(struct mpf_ctx *ctx, struct mpf_node *node);
/* Node @id, live (streaming looks ids up in a hash table: the previous
 * frame's node is tried first). */
struct mpf_node *mpf__node_live(struct mpf_ctx *ctx, uint32_t id);
/* Measures node @n again now when another node's frame made its state
 * grow (a backend filing something with it, a record of a message that
 * carries many), so that what it holds is charged before the next
 * eviction looks; nothing when not streaming. */
void mpf__stream_remeasure(struct mpf_ctx *ctx, struct mpf_node *n);
/* Queues a new node. */
void mpf__stream_new(struct mpf_ctx *ctx, struct mpf_node *n);
/* Takes a node that a merge absorbed out of the queues. */
void mpf__stream_absorbed(struct mpf_ctx *ctx, struct mpf_node *keep,
			  struct mpf_node *gone);
/* Frees a node and its flows (not the ones absorbed into it). */
void mpf__node_free(struct mpf_ctx *ctx, struct mpf_node *n);
/* mpf_ctx_finish(): every node left to the release handler. */
void mpf__stream_finish(struct mpf_ctx *ctx);

/* Nanoseconds since the epoch of @sec and @nsec, saturating at what an
 * int64 holds (a hostile file's time stamps must not overflow). */
int64_t mpf__ts_ns(int64_t sec, uint32_t nsec);

/* The segment log (match.c): created with the context when the config
 * asks for it; mpf__seglog_add() sees every frame after its analysis. */
struct mpf_seglog;
struct mpf_seglog *mpf__seglog_new(void);
void mpf__seglog_free(struct mpf_seglog *log);
void mpf__seglog_add(struct mpf_ctx *ctx, const struct mpf_pkt *pkt,
		     const struct mpf_frame *rec);

/* ---------------------------------------------------------------- log */

void mpf__log(const struct mpf_ctx *ctx, enum mpf_log_level level,
	      const char *fmt, ...) G_GNUC_PRINTF(3, 4);

#define mpf__log_enabled(ctx, lvl)                                           \
	((ctx)->config.log_func != NULL && (lvl) <= (ctx)->config.log_level)

#define mpf_log(ctx, lvl, ...)                                               \
	do {                                                                 \
		if (mpf__log_enabled(ctx, lvl))                              \
			mpf__log(ctx, lvl, __VA_ARGS__);                     \
	} while (0)

/* ------------------------------------------------------------- crypto */

/* Makes sure libgcrypt is initialised (idempotent, thread-safe). */
void mpf__crypto_init(void);

#endif /* MPF_PRIVATE_H */
