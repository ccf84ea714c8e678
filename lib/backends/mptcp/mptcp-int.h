/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: Multipath TCP: options, association of subflows, data sequence
 * numbers (the backend's private header)
 *
 * specification: RFC 6824 (MPTCP v0), RFC 8684 (MPTCP v1)
 *
 * A node is one MPTCP connection, a flow one TCP subflow. Vocabulary
 * follows the Linux kernel (net/mptcp): key, token, idsn; a DSS mapping
 * maps subflow sequence numbers [map_ssn, map_ssn + data_len) to data
 * sequence numbers from map_dsn.
 *
 * Per packet: parse the MPTCP options (all of them, bounds-checked), find
 * the subflow by its 4-tuple (hash), or create it (MP_CAPABLE opens a
 * connection, MP_JOIN joins one by token, any other MPTCP option on an
 * unknown 4-tuple opens a connection whose handshake was not captured),
 * then apply the options and give a segment with payload the DSN of its
 * first byte through the mapping that covers it.
 *
 *  MP_CAPABLE  +-------+-------+-------+---------+--------------------+
 *  (RFC 8684)  | kind  | len   |sub|ver| A..H    | keys, data-level   |
 *              |  30   | 4..24 | 0 |   | flags   | length, checksum   |
 *              +-------+-------+-------+---------+--------------------+
 *
 * One file per concern, each saying what it owns: opt.c (option parsing,
 * exposed to the unit tests and fuzzers), conn.c (lifecycle, creation, the
 * backend table), keys.c, seq.c, dss.c (data level, checksums), hmac.c,
 * infer.c (association without the handshake), ingest.c (the per-packet
 * entry and the option logic), stream.c (streaming hooks), api.c (public
 * getters), addr.c (ADD_ADDR, REMOVE_ADDR, MP_PRIO), oarr.c (the ordered arrays of intervals and mappings),
 * partial.c (the partial-result format), residue.c (a part's plain TCP),
 * merge.c (merging parts). This header holds what they share: the connection state and the
 * functions one file calls in another (mpf__*, hidden like every internal
 * symbol); mptcp.h, which it includes, the parser the tests also use.
 */
#ifndef MPF_BACKEND_MPTCP_INT_H
#define MPF_BACKEND_MPTCP_INT_H

#include "backends/mptcp/mptcp.h"

/* ------------------------------------------------------------- state */

/* An ordered array in chunks (oarr.c): elements of esize bytes, sorted by
 * the caller's order; a position is a chunk and an index in it. */
struct oarr {
	GPtrArray *ch; /* GArray *, each sorted and not empty; NULL when empty */
	guint len;     /* elements */
	guint esize;
	guint head;    /* dropped elements still at the front of chunk 0 */
};

struct opos {
	guint c, i;
};

/* One end of a connection, and the data it sends. */
struct side {
	bool has_key, has_token, has_idsn;
	uint64_t key, idsn;
	uint32_t token;
	/* another connection had the same token before (a collision): its
	 * id, for joins whose HMAC says they are its (conn.c) */
	bool has_token_prev;
	uint32_t token_prev;
	/* base of relative DSNs: the IDSN, or a guess from the first value
	 * seen when the key was not captured */
	bool base_known, base_guessed;
	uint64_t base;
	/* the DSN range this side sent, for 32-bit widening and inference */
	bool dsn_seen;
	bool dsn_wide;     /* values are real 64-bit ones (key or 8-byte DSN) */
	uint64_t dsn_lo, dsn_max;
	bool dack_seen;
	uint64_t dack_max; /* highest data ack this side sent */
	/* data this side sent: [start, end) DSN intervals by start, each with
	 * the frame and flow that first carried it (struct sent) */
	struct oarr sent;
	/* the frames that intervals in sent carry, each with how many, in
	 * frame order (struct sent_frame; frame 0 left out): the lowest
	 * unsettled frame without a walk of sent (settle.c); kept only when
	 * the context retains frames (settling means nothing without them,
	 * and it cost a sixth of a summary) */
	struct oarr sent_frames;
	bool settling;
	/* work counter, for the tests (test-bounded.c): sent_frames
	 * entries compared to keep it and to answer node_unsettled */
	uint64_t settle_steps;
	bool sent_any;
	uint64_t sent_max; /* highest DSN end sent */
	struct mpf_mptcp_stats st; /* relative fields filled when read */
	uint64_t data_fin_raw;
	/* DSN index buckets registered (see mpf__mptcp_index_side) */
	bool wide_indexed, narrow_indexed;
	uint64_t wide_lo, wide_hi;
	uint32_t narrow_lo, narrow_hi;
	uint16_t probes; /* inference lookups made for this side */
};

struct announced {
	uint8_t side, addr_id;
	bool has_port, conflict;
	uint16_t port;
	uint8_t hmac; /* enum mpf_mptcp_hmac */
	struct mpf_addr addr;
	uint32_t frame, echo_frame, removed_frame;
};

/*
 * A data-level match between a node seen without its handshake (the
 * prober) and a side of another node (the owner of a DSN range). Pending
 * ones sit with the owner until enough agree; then the nodes merge and the
 * matches become the survivor's evidence.
 */
struct evidence {
	uint8_t kind, wide;
	int8_t owner_side, prober_side; /* the DSN space, in each node */
	uint32_t frame;
	uint32_t prober;   /* pending: the probing node's id */
	uint32_t absorbed; /* final: the node merged in */
	int8_t keep_side;  /* final: the survivor's side of the space */
	uint64_t raw;
};

/*
 * A state machine's record (fsm.c): its state (enum mpf_mptcp_state) and
 * the transitions that led there, each with its frame. Transitions only
 * move forward (the tables in fsm.c), so a subflow makes at most six and a
 * connection five; the array is a bound, not a guess.
 */
struct transition {
	uint32_t frame;
	uint8_t state; /* enum mpf_mptcp_state */
	uint8_t cause; /* enum mpf_mptcp_fallback_cause, for FALLBACK */
};

#define MAX_TRANSITIONS 8

struct fsm {
	uint8_t state, n;
	struct transition t[MAX_TRANSITIONS];
};

/* What moves a subflow's state machine (the table is in fsm.c). */
enum sf_event {
	SF_EV_SYN,       /* a SYN */
	SF_EV_SYNACK,    /* a SYN/ACK that accepts the MP_CAPABLE or MP_JOIN */
	SF_EV_REFUSED,   /* a join refused: no MP_JOIN in the SYN/ACK, or an
			  * HMAC that does not match the keys */
	SF_EV_ESTABLISH, /* the third ACK with keys or HMAC; both ways seen */
	SF_EV_FALLBACK,  /* the connection on it goes plain TCP */
	SF_EV_FIN,       /* a FIN one way */
	SF_EV_FIN_BOTH,  /* FINs both ways */
	SF_EV_RST,       /* an RST its receiver accepts */
	SF_EV_COUNT
};

/* What moves a connection's state machine. */
enum conn_event {
	CONN_EV_SYN,           /* an MP_CAPABLE SYN */
	CONN_EV_SYNACK,        /* the SYN/ACK accepting it */
	CONN_EV_ESTABLISH,     /* a valid third ACK; a subflow established */
	CONN_EV_FALLBACK,      /* plain TCP from here on */
	CONN_EV_DATA_FIN,      /* a DATA_FIN from one side */
	CONN_EV_DATA_FIN_BOTH, /* ... from both */
	CONN_EV_FASTCLOSE,     /* MP_FASTCLOSE with the receiver's key */
	CONN_EV_COUNT
};

/* Node data: one MPTCP connection. */
struct conn {
	int version; /* -1 until an MP_CAPABLE says */
	bool checksum;
	bool mpc_syn;    /* the first SYN carried MP_CAPABLE */
	bool mpc_synack; /* the SYN/ACK did */
	bool third_ack_checked;
	bool fallback;
	uint32_t fallback_frame;
	uint8_t fallback_cause; /* enum mpf_mptcp_fallback_cause */
	/* fallback stays possible while no join is established and no data
	 * was sent again at the data level (Linux: allow_infinite_fallback) */
	bool no_more_fallback;
	struct fsm fsm;
	bool orphan; /* opened by an MP_JOIN whose token nobody had */
	bool inferred;
	struct mpf_mptcp_checks checks;
	struct side side[2];
	GArray *announced; /* struct announced, created on first use */
	/* matches probing this node, oldest first: PENDING_MAX of them,
	 * allocated with the first */
	struct evidence *pend;
	uint8_t pend_len;
	GArray *evidence;  /* struct evidence: what made merges */
	/* for streaming: cheap answers to "established?" and "ended?" */
	bool settled;      /* some subflow was established */
	uint32_t resets;   /* subflows reset */
	uint32_t maps_kept; /* DSS mappings its subflows keep (about) */
};

struct mapping {
	uint64_t ssn; /* 64-bit relative subflow sequence number */
	uint64_t dsn; /* 64-bit raw data sequence number */
	uint32_t len;
	uint32_t frame;
};

/* A DSS checksum being summed over the segments of its mapping. */
struct csum_acc {
	bool active, broken, fin;
	uint64_t ssn, dsn;    /* the mapping */
	uint16_t data_len, wire_csum;
	uint32_t need, got;   /* payload bytes: expected, summed */
	uint32_t sum;         /* ones' complement sum of the payload so far */
};

/* One way of a subflow. */
struct sdir {
	bool isn_known, isn_guessed;
	uint32_t isn;
	bool seq_seen;
	uint64_t seq_ref; /* highest 64-bit relative sequence number seen */
	struct oarr maps; /* struct mapping by ssn */
	struct csum_acc csum;
	struct mpf_mptcp_flow_stats st;
	/* TCP this way (fsm.c): the next sequence number the sender will
	 * use, the highest ack it sent for the other way, its FIN */
	bool nxt_seen, ack_seen, fin;
	uint32_t fin_frame; /* its first FIN's */
	uint64_t snd_nxt, ack_max; /* relative, 64-bit */
	/* the first segment this way without SYN (FIRST_* flags), for a
	 * merge whose earlier part ended before the third ACK (partial.c) */
	uint32_t first_frame;
	uint8_t first, first_version;
	bool map_seen;    /* a DSS mapping was seen this way */
	bool csum_ok;     /* a DSS checksum was found right this way */
};

struct prio_change {
	uint32_t frame;
	bool backup;
};

/* Flow data: one TCP subflow. */
struct sub {
	struct mpf_tuple tuple; /* key in by_tuple while in_table */
	bool in_table;
	bool src_is_client;
	uint8_t role; /* enum mpf_mptcp_role */
	bool syn_seen, synack_seen, established, backup, join_rejected;
	uint8_t hmac; /* enum mpf_mptcp_hmac */
	int16_t addr_id[2]; /* per flow end (src, dst), -1 unknown */
	uint32_t nonce[2];
	bool has_nonce[2];
	int16_t rst_reason;
	uint32_t rst_frame, removed_frame;
	struct sdir dir[2]; /* per enum mpf_side */
	GArray *prio;       /* struct prio_change */
	/* for merging parts of a capture (partial.c): opened by a SYN here
	 * (so it continues no subflow of an earlier part but one whose SYN
	 * had the same ISN), established because both ways carried traffic
	 * (not from its handshake) */
	bool fresh, est_by_traffic;
	struct fsm fsm;
	/* join HMACs seen before the keys, checked when they come (hmac.c):
	 * the SYN/ACK's truncated HMAC and the third ACK's, with frames */
	uint32_t pend_synack_frame, pend_ack_frame;
	uint64_t pend_trunc_hmac;
	uint8_t pend_hmac[20];
	/* an HMAC of this kind was counted: one sent again (a third ACK
	 * retransmitted) is flagged but not counted twice */
	bool synack_judged, ack_judged;
	bool has_join_token; /* the token its MP_JOIN SYN carried */
	uint32_t join_token;
	/* an RST past what its sender was seen to send (fsm.c): the reset,
	 * with its MP_TCPRST reason and MP_FASTCLOSE, unless its sender goes
	 * on or a later RST is taken instead */
	uint32_t pend_rst_frame;
	int16_t pend_rst_reason;
	uint8_t pend_rst_dir;
	bool pend_fastclose;
};

/* What the receiver of an RST does with it (fsm.c). */
enum rst_verdict {
	RST_TAKEN = 0, /* the subflow is reset */
	RST_AHEAD,     /* past what the sender was seen to send: a reset,
			* or out of window if the sender goes on */
	RST_REFUSED,   /* below what the receiver acknowledged, or not
			* acknowledging an unanswered SYN: no effect */
};

/* What the first segment of a way without SYN carried (sdir.first). */
#define FIRST_MPC 1u       /* an MP_CAPABLE */
#define FIRST_MPC_VALID 2u /* ... one Linux takes, whatever the version */
#define FIRST_DSS 4u       /* a DSS */
#define FIRST_WHOLE 8u     /* all its TCP options were captured */

/* A DSN index entry: which side of which node sent DSNs in a bucket. */
struct dsn_owner {
	struct mpf_node *node;
	int side;
};

struct state {
	GHashTable *by_tuple; /* struct mpf_tuple * -> struct mpf_flow * */
	struct mpf_flow *last; /* the flow of the previous packet: segments
				* come in bursts, so it saves most lookups */
	GHashTable *by_token; /* token -> struct mpf_node * */
	GHashTable *by_key;   /* uint64_t key (owned) -> struct mpf_node *:
			       * a key is one connection's (infer.c) */
	/* for association without the handshake: DSN bucket -> GArray of
	 * struct dsn_owner; wide (64-bit) and narrow (low 32 bits) */
	GHashTable *dsn_wide, *dsn_narrow;
	/* shard mode (partial.c): TCP on 4-tuples no subflow has here, that
	 * a subflow of an earlier part may own (struct mpf_mptcp_residue by
	 * tuple), and a filter of the 4-tuples that cannot be (opened by a
	 * SYN or owned by a subflow here) */
	struct mpf_residues residues;
	uint8_t *owned;
	/* work counters, for the tests (test-bounded.c): entries in the DSN
	 * index, and the owner entries and pending matches looked at */
	uint64_t index_entries, index_steps, pending_steps;
};

/* Limits that keep hostile traffic from growing the state. */
#define MAX_ORPHAN_FLOWS 1024 /* join flows kept per orphan node */
#define MAX_PROBES 256        /* inference lookups per side */
#define MAX_SUBFLOWS 1024     /* subflows per connection */
#define ADDR_MAX 64           /* announced addresses kept per connection */
#define PRIO_MAX 64           /* MP_PRIO changes kept per subflow */
#define SENT_KEEP_ACKED 4096  /* acked DSN intervals kept for reinjections */
#define SENT_MAX 16384        /* DSN intervals kept per side, acked or not */
/* A reinjection always names the frame it repeats (reinjection_of); that
 * frame names the reinjection back (reinjected_in) only when it is fewer
 * than this many frames older. Without the bound, one small acked
 * interval kept for late duplicates held every later row of `frames`
 * back until the connection ended (settle.c). */
#define RELINK_FRAMES (1u << 18)
#define MAPS_MAX 32768        /* DSS mappings kept per connection */
#define WIDE_BUCKET_SHIFT 24  /* 16 MiB buckets of 64-bit DSNs */
#define NARROW_BUCKET_SHIFT 20
#define WIDE_MASK (((uint64_t)1 << (64 - WIDE_BUCKET_SHIFT)) - 1)
#define NARROW_MASK 0xfffu    /* 4096 buckets of 1 MiB: the 32-bit space */
#define INDEX_WINDOW 64       /* buckets a side is filed in, per index */
#define OWNERS_MAX 32         /* sides filed in one bucket */
#define PENDING_MAX 32        /* pending matches kept by one owner */
#define SHARE_FLOWS 64        /* flows of each node a shared endpoint is
			       * looked for in */
#define WIDE_WINDOW ((uint64_t)1 << 24)   /* evidence: this close to a range */
#define NARROW_WINDOW ((uint64_t)1 << 16)
#define WIDE_EVIDENCE 2   /* matches needed with 64-bit values */
#define NARROW_EVIDENCE 4 /* with 32-bit values, and a shared endpoint */

static inline struct conn *
conn_of(const struct mpf_node *n)
{
	return n->priv;
}

static inline struct sub *
sub_of(const struct mpf_flow *f)
{
	return f->priv;
}

/* The connection side (enum mpf_side) that sends in flow direction @d. */
static inline int
side_of(const struct sub *s, int d)
{
	return (d == MPF_SIDE_CLIENT) == s->src_is_client ? MPF_SIDE_CLIENT
							   : MPF_SIDE_SERVER;
}

/* A DSN range first carried by one frame of one flow. */
struct sent {
	uint64_t start, end;
	uint64_t ssn; /* subflow sequence number of start */
	uint32_t frame, flow;
};

/* How many kept intervals of a side carry one frame (side.sent_frames). */
struct sent_frame {
	uint32_t frame, n;
};

/* --------------------------------------------------- across files */

/* Functions one file of the backend calls in another, by the file that
 * defines them (each documented there). */

/* oarr.c: positions run from {0, 0}; the end is any past the last */
void mpf__oarr_free(struct oarr *a);
/* the walkers, inline: a segment's DSS takes a dozen steps through a
 * side's intervals and mappings */
static inline GArray *
mpf__oarr_chunk(const struct oarr *a, guint c)
{
	return g_ptr_array_index(a->ch, c);
}

static inline void *
mpf__oarr_at(const struct oarr *a, struct opos p)
{
	GArray *g = mpf__oarr_chunk(a, p.c);

	return g->data + (gsize)p.i * a->esize;
}

/* the first element (past the dropped ones not yet moved out) */
static inline struct opos
mpf__oarr_begin(const struct oarr *a)
{
	struct opos p = { 0, a->head };

	return p;
}

static inline bool
mpf__oarr_end(const struct oarr *a, struct opos p)
{
	return !a->ch || p.c >= a->ch->len;
}

static inline struct opos
mpf__oarr_last(const struct oarr *a)
{
	struct opos p = { 0, 0 };

	if (a->ch && a->ch->len) {
		p.c = a->ch->len - 1;
		p.i = mpf__oarr_chunk(a, p.c)->len - 1;
	}
	return p;
}

static inline void
mpf__oarr_next(const struct oarr *a, struct opos *p)
{
	if (++p->i >= mpf__oarr_chunk(a, p->c)->len) {
		p->c++;
		p->i = 0;
	}
}
bool mpf__oarr_prev(const struct oarr *a, struct opos *p);
/* the first element for which @before(element, @key) is false (they are
 * all true, then all false, in order); the end when none. Inline, so
 * that each caller's @before is too: two binary searches a segment. */
static inline struct opos
mpf__oarr_bound(const struct oarr *a,
		bool (*before)(const void *e, const void *key), const void *key)
{
	struct opos p = { 0, 0 };
	guint lo = 0, hi;
	GArray *g;

	if (!a->ch)
		return p;
	hi = a->ch->len;
	while (lo < hi) { /* the first chunk whose last element is not before */
		guint mid = lo + (hi - lo) / 2;

		g = mpf__oarr_chunk(a, mid);
		if (before(g->data + (gsize)(g->len - 1) * a->esize, key))
			lo = mid + 1;
		else
			hi = mid;
	}
	p.c = lo;
	if (lo == a->ch->len)
		return p;
	g = mpf__oarr_chunk(a, lo);
	lo = p.c == 0 ? a->head : 0;
	hi = g->len - 1;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (before(g->data + (gsize)mid * a->esize, key))
			lo = mid + 1;
		else
			hi = mid;
	}
	p.i = lo;
	return p;
}

/* inserts a copy of @e before @p; returns its position */
struct opos mpf__oarr_insert(struct oarr *a, struct opos p, const void *e);
void mpf__oarr_drop_front(struct oarr *a, guint n);
/* removes the element at @p (which is not the end) */
void mpf__oarr_remove(struct oarr *a, struct opos p);
/* elements before @p: O(chunks from the nearer end) */
guint mpf__oarr_rank(const struct oarr *a, struct opos p);
size_t mpf__oarr_bytes(const struct oarr *a);

/* conn.c */
bool mpf__mptcp_pkt_from_src(const struct mpf_flow *f,
			     const struct mpf_pkt *pkt);
void mpf__mptcp_sub_flip(struct mpf_flow *f);
const struct mpf_mptcp_opt *mpf__mptcp_find_opt(const struct mpf_mptcp_opt *o,
						int n, unsigned subtype);
void mpf__mptcp_join_owner(struct mpf_ctx *ctx, struct mpf_flow *f,
			   bool synack, uint64_t trunc, const uint8_t *hmac);
struct mpf_flow *mpf__mptcp_flow_create(struct mpf_ctx *ctx, struct state *st,
					const struct mpf_pkt *pkt,
					const struct mpf_tuple *key,
					const struct mpf_mptcp_opt *o, int n,
					struct mpf_frame *rec,
					struct mpf_node **orphan_node);

/* keys.c */
void mpf__mptcp_set_key(struct mpf_ctx *ctx, struct state *st,
			struct mpf_node *node, int side, uint64_t key,
			struct mpf_frame *rec);
void mpf__mptcp_set_version(struct mpf_ctx *ctx, struct state *st,
			    struct mpf_node *node, int version);

/* seq.c */
uint64_t mpf__mptcp_side_base(struct side *s, uint64_t value);
void mpf__mptcp_side_saw_dsn(struct side *s, uint64_t dsn, bool wide);
bool mpf__mptcp_rel_seq(struct sdir *d, uint32_t seq, uint64_t *out);
void mpf__mptcp_map_add(struct conn *c, struct sdir *d,
			const struct mapping *m);
const struct mapping *mpf__mptcp_map_find(const struct sdir *d, uint64_t ssn);
void mpf__mptcp_map_prune(struct conn *c, struct sdir *d, uint64_t acked);
void mpf__mptcp_maps_trim(struct mpf_node *node);

/* dss.c */
void mpf__mptcp_data_sent(struct mpf_ctx *ctx, struct mpf_flow *f, int d,
			  int side, uint64_t dsn, uint32_t len, uint64_t ssn,
			  struct mpf_frame *rec);
void mpf__mptcp_sent_prune(struct side *sd, uint64_t acked);
void mpf__mptcp_sent_insert(struct side *sd, const struct sent *x);
void mpf__mptcp_sent_trim(struct conn *c, struct side *sd);
void mpf__mptcp_csum_start(struct conn *c, struct sdir *fd, uint64_t ssn,
			   uint64_t dsn, uint16_t data_len, uint16_t wire,
			   bool fin);
void mpf__mptcp_csum_feed(struct conn *c, struct sdir *fd, uint64_t r,
			  const struct mpf_pkt *pkt, struct mpf_frame *rec);

/* fsm.c */
uint8_t mpf__mptcp_sf_next(uint8_t state, enum sf_event ev);
uint8_t mpf__mptcp_conn_next(uint8_t state, enum conn_event ev);
bool mpf__mptcp_sf_event(struct mpf_flow *f, enum sf_event ev, uint32_t frame);
bool mpf__mptcp_conn_event(struct mpf_node *node, enum conn_event ev,
			   uint32_t frame);
void mpf__mptcp_fsm_amend(struct fsm *m, uint32_t frame, uint8_t state);
void mpf__mptcp_fsm_merge(struct conn *k, const struct conn *g);
void mpf__mptcp_sf_fold(struct sub *ks, const struct sub *gs, bool swap);
bool mpf__mptcp_fsm_valid(const struct fsm *m);
void mpf__mptcp_fallback(struct mpf_flow *f, uint8_t cause,
			 struct mpf_frame *rec);
bool mpf__mptcp_mpc_valid(const struct mpf_mptcp_opt *o, bool syn, bool ack,
			  bool has_payload, int version);
void mpf__mptcp_tcp_track(struct sub *s, int d, const struct mpf_pkt *pkt);
enum rst_verdict mpf__mptcp_rst_verdict(const struct sub *s, int d,
					const struct mpf_pkt *pkt);
void mpf__mptcp_rst_pending_drop(struct mpf_ctx *ctx, struct sub *s);
bool mpf__mptcp_seg_stale(const struct sub *s, int d,
			  const struct mpf_pkt *pkt);
uint32_t mpf__mptcp_sub_reset_frame(const struct sub *s);
bool mpf__mptcp_sub_ended(const struct sub *s);
uint8_t mpf__mptcp_conn_state(const struct mpf_node *node, uint32_t *frame);

/* hmac.c */
uint8_t mpf__mptcp_join_check(const struct conn *c, const struct sub *s,
			      int a_side, bool synack, uint64_t trunc,
			      const uint8_t *hmac);
uint8_t mpf__mptcp_verify_join(struct mpf_node *node, struct mpf_flow *f,
			       int d, const struct mpf_mptcp_opt *o,
			       struct mpf_frame *rec);
void mpf__mptcp_verify_pending(struct mpf_ctx *ctx, struct mpf_node *node);
uint8_t mpf__mptcp_verify_add_addr(const struct conn *c, int side,
				   const struct mpf_mptcp_opt *o);

/* infer.c */
void mpf__mptcp_index_side(struct state *st, struct mpf_node *node, int side);
void mpf__mptcp_index_drop(struct state *st, struct mpf_node *node);
uint32_t mpf__mptcp_index_count(const struct conn *c);
void mpf__mptcp_owner_drop(struct state *st, GHashTable *t, uint64_t bucket,
			   const struct mpf_node *node, int side);
bool mpf__mptcp_unanchored(const struct conn *c);
GArray *mpf__mptcp_bucket_owners(GHashTable *t, uint64_t bucket, bool create);
bool mpf__mptcp_in_range(const struct side *s, uint64_t v, bool wide);
bool mpf__mptcp_nodes_share_endpoint(const struct mpf_node *a,
				     const struct mpf_node *b);
void mpf__mptcp_side_absorb(struct side *ks, const struct side *gsd);
void mpf__mptcp_announced_absorb(struct conn *k, const struct conn *g,
				 bool flip);
struct mpf_node *mpf__mptcp_infer(struct mpf_ctx *ctx, struct state *st,
				  struct mpf_node *node, int side, uint64_t raw,
				  bool wide, bool is_dack, uint32_t frame);
struct mpf_node *mpf__mptcp_infer_key(struct mpf_ctx *ctx, struct state *st,
				      struct mpf_node *node, int side,
				      uint64_t key, uint32_t frame);

/* addr.c */
void mpf__mptcp_on_add_addr(struct conn *c, int side,
			    const struct mpf_mptcp_opt *o, struct mpf_frame *rec);
void mpf__mptcp_on_remove_addr(struct mpf_node *node, int side,
			       const struct mpf_mptcp_opt *o,
			       struct mpf_frame *rec);
void mpf__mptcp_on_prio(struct conn *c, struct sub *s,
			const struct mpf_mptcp_opt *o,
			const struct mpf_frame *rec);

/* ingest.c */
int mpf__mptcp_ingest(struct mpf_ctx *ctx, void *state,
		      const struct mpf_pkt *pkt, struct mpf_frame *rec);

/* residue.c: a part's TCP on 4-tuples without a subflow here (at most
 * MPF_RESIDUES_MAX of them) */
/* One stretch of TCP on a 4-tuple without a subflow here. */
struct rseg {
	bool syn_from_a;   /* seg[1]: its SYN came from tuple.a */
	uint32_t syn_seq;
	struct mpf_traffic t; /* way 0: sent by tuple.a */
	/* what a subflow's state machine takes from plain segments (a
	 * SYN/ACK, a third ACK, FINs, an RST: fsm.c), first frames each way
	 * (way 0: sent by tuple.a), 0 for none */
	uint32_t synack[2], first[2], fin[2], rst[2];
};

struct residue {
	struct mpf_tuple tuple;
	uint8_t segs;   /* 1: seg[0]; 2: seg[0] (maybe empty), seg[1] */
	bool ended;     /* a SYN of another ISN came after seg[1] */
	bool frozen;    /* a subflow took the 4-tuple: nothing more here */
	struct rseg seg[2];
};
GHashTable *mpf__mptcp_residues_of(struct state *st);
void mpf__mptcp_owned_set(struct state *st, const struct mpf_tuple *key);
void mpf__mptcp_table_drop(struct state *st, struct mpf_flow *f);
void mpf__mptcp_residue_note(struct mpf_ctx *ctx, struct state *st,
			     const struct mpf_pkt *pkt,
			     const struct mpf_tuple *key);
void mpf__mptcp_owned_note(struct state *st, const struct mpf_tuple *key);
void mpf__mptcp_partial_fini(struct state *st);
void mpf__mptcp_partial_residue(struct mpf_ctx *into, void *state,
				const void *residue);

/* partial.c */
void mpf__mptcp_file_node(struct state *st, struct mpf_node *node);
extern const char mpf__mptcp_flow_type[], mpf__mptcp_node_type[],
	mpf__mptcp_state_type[];
GVariant *mpf__mptcp_flow_export(const struct mpf_flow *flow);
int mpf__mptcp_flow_import(struct mpf_flow *flow, GVariant *v);
GVariant *mpf__mptcp_node_export(const struct mpf_node *node);
int mpf__mptcp_node_import(struct mpf_ctx *ctx, void *state,
			   struct mpf_node *node, GVariant *v);
GVariant *mpf__mptcp_state_export(const struct mpf_ctx *ctx, const void *state);
int mpf__mptcp_state_import(struct mpf_ctx *ctx, void *state, GVariant *v);

/* merge.c */
bool mpf__mptcp_partial_join(struct mpf_ctx *into, void *state,
			     struct mpf_ctx *later, struct mpf_node *node);
void mpf__mptcp_partial_adopted(struct mpf_ctx *into, void *state,
				struct mpf_node *node,
				const uint32_t *old_flow_ids);

/* settle.c */
/* both hooks' answers in one, without the relink window: for the tests,
 * against mpf__mptcp_node_unsettled_scan() */
uint32_t mpf__mptcp_node_unsettled(const struct mpf_node *node);
/* the backend's two settling hooks: what anything but a back-link may
 * still change, and the lowest frame a later one may link back to */
uint32_t mpf__mptcp_node_pending(const struct mpf_node *node);
uint32_t mpf__mptcp_node_link_low(const struct mpf_node *node);
/* the same answer from a walk of every kept interval (what
 * node_unsettled was): for the tests, which compare the two */
uint32_t mpf__mptcp_node_unsettled_scan(const struct mpf_node *node);
/* interval @x was filed in @sd->sent, or is about to leave it */
void mpf__mptcp_settle_add(struct side *sd, const struct sent *x);
void mpf__mptcp_settle_del(struct side *sd, const struct sent *x);

/* stream.c */
void mpf__mptcp_node_unhook(struct mpf_ctx *ctx, void *state,
			    struct mpf_node *node, struct mpf_node *owner);
size_t mpf__mptcp_node_mem(const struct mpf_node *node);
bool mpf__mptcp_node_settled(const struct mpf_node *node);
bool mpf__mptcp_node_ended(const struct mpf_node *node);

#endif /* MPF_BACKEND_MPTCP_INT_H */
