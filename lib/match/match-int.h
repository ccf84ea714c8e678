/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: two captures of one run: the segment log, and the matching of
 * connections, subflows and data segments across a client-side and a
 * server-side context (the match's private header)
 *
 * The log keeps 40 bytes for each TCP segment that carries payload or
 * SYN, taken when the frame is fed (the frame store keeps neither sequence
 * numbers nor times): for an MPTCP flow its flow, DSN and reinjection
 * link; plain TCP by conversation (4-tuple). mpf_match_new() then works in
 * passes, each a scan, a sort or a hash lookup (no nested scans, so
 * n log n however hostile the input):
 *
 *  1. connections by both tokens (from the keys), then by one token;
 *  2. subflows of paired connections by their SYN's initial sequence
 *     number, then the others (and conversations) wherever that number
 *     is unique;
 *  3. subflows still alone by votes: data segments with equal (sequence
 *     number, length) in both captures, at most 8 copies a side counted
 *     per value, the pairs with most votes first;
 *  4. in each connection, what is left by 4-tuple, then in order of
 *     appearance when one of the two carried no data;
 *  5. segments, sorted by (subflow pair, direction, sequence number,
 *     length, capture, TCP timestamp): copies with equal timestamps pair
 *     in order; the ambiguous rest (no timestamps, unequal counts) pairs
 *     after the smallest delay of each direction is known, each received
 *     copy with the latest sent copy that could have arrived by then;
 *  6. the verdicts, delays and rows.
 *
 * One file per concern, each saying what it owns: seglog.c (the log, fed
 * frame by frame), side.c (one capture as the match sees it), pair.c
 * (passes 1-4: connections and subflows), segments.c (pass 5), rows.c
 * (pass 6), api.c (mpf_match_new() and the public getters). This header
 * holds what they share: the log's records, the match's state, the sort
 * items and the few cross-file functions.
 */
#ifndef MPF_MATCH_INT_H
#define MPF_MATCH_INT_H

#include <stdlib.h>
#include <string.h>

#include "mpf-private.h"

/* ------------------------------------------------------------ the log */

enum {
	SEG_REV = 1 << 0,     /* sent by the flow's destination */
	SEG_TS = 1 << 1,      /* tsval is valid */
	SEG_DSN = 1 << 2,     /* dsn is valid */
	SEG_GUESSED = 1 << 3, /* dsn relative to a guessed base */
	SEG_SYN = 1 << 4,
	SEG_REINJ = 1 << 5,   /* the analysis flagged REINJECTION */
	SEG_RETRANS = 1 << 6, /* ... RETRANSMISSION */
};

#define SEG_LEN_MAX 0xffffffu
#define SEG_LIMIT 0x7fffffffu /* indexes fit in 31 bits */
#define NONE UINT32_MAX

struct seg {
	int64_t ts;
	uint64_t dsn;      /* relative, as the analysis gave it */
	uint32_t frame;
	uint32_t flow;     /* as fed: the flow may be absorbed later */
	uint32_t seq;
	uint32_t tsval;
	uint32_t reinj_of; /* frame */
	uint32_t lb;       /* payload length (24 bits) | SEG_* << 24 */
};

G_STATIC_ASSERT(sizeof(struct seg) == 40);

static inline uint32_t
seg_len(const struct seg *s)
{
	return s->lb & SEG_LEN_MAX;
}

static inline unsigned
seg_bits(const struct seg *s)
{
	return s->lb >> 24;
}

/* A plain TCP connection (no MPTCP flow: never negotiated, or the
 * options cut by the snapshot length), which the log keeps its own way. */
struct conv {
	struct mpf_endpoint src, dst; /* src sent the SYN, else the first seen */
	uint32_t isn;
	bool syn;
	/* the MPTCP flow it turned out to be (the options of its handshake
	 * were cut, later ones were not), or NONE */
	uint32_t flow;
};

#define CONV_BIT 0x80000000u   /* seg.flow: a conversation, not a flow */
#define CONV_LIMIT 0x40000u    /* conversations kept: past them, none */

struct mpf_seglog {
	GArray *segs; /* struct seg, in frame order */
	GArray *convs; /* struct conv, by index */
	GHashTable *by_tuple; /* struct mpf_tuple * -> conversation + 1 */
	int64_t first_ts, last_ts; /* of every frame fed */
	bool any;
	uint64_t dropped; /* past SEG_LIMIT or CONV_LIMIT */
};

/* A flow of one capture as the match sees it (indexed by flow id). */
struct fl {
	uint32_t survivor; /* the flow its segments count for */
	uint32_t node;     /* the survivor's node; NONE when not MPTCP */
	uint32_t pair;     /* subflow pair (of the survivor), or NONE */
	uint64_t data;     /* data segments (survivors) */
	uint32_t isn[2];   /* SYN, SYN/ACK sequence numbers (survivors) */
	bool has_isn[2];
	bool flip;         /* its forward way is the survivor's reverse */
	bool fwd_c2s;      /* forward is the node's client to server */
	uint8_t dxor;      /* connection direction = REV ^ dxor (any flow) */
};

/* A node of one capture (indexed by node id). */
struct nd {
	bool mptcp;        /* a live MPTCP node (not merged away) */
	bool roles_known;  /* a SYN told which side is the client */
	uint32_t key_peer; /* the node paired by tokens, or NONE */
	uint8_t key_how;
	bool in_conn;
};

struct side {
	const struct mpf_ctx *ctx;
	const struct seg *segs;
	uint32_t n;
	int64_t first_ts, last_ts;
	bool any;
	/* flows: the context's, then one per plain TCP conversation
	 * (nflows + its index); nodes likewise, one per conversation */
	uint32_t nflows, nnodes, nconvs;
	const struct conv *convs;
	struct fl *fl;
	struct nd *nd;
	uint32_t *partner; /* per segment: the other side's, or NONE */
	GArray *unmatched_nodes, *unmatched_flows; /* uint32_t ids */
};

struct spair {
	uint32_t flow[2]; /* survivors */
	uint32_t conn;
	uint8_t how;
	bool reversed;
	struct mpf_match_dir dir[2];
};

struct cpair {
	uint32_t node[2];  /* NONE: plain TCP conversations */
	uint8_t how;
	bool ref_server;   /* direction names come from the server's node */
	uint32_t first_sub, nsubs;
	uint64_t useful, redundant, useful_bytes, redundant_bytes;
};

struct row {
	uint64_t key; /* sort order: connection, direction, origin, index */
	uint32_t seg[2];
	uint32_t sub;
	uint32_t first; /* first_received_frame */
	uint8_t dir, state, verdict;
};

struct mpf_match {
	struct side s[2];
	GArray *conns; /* struct cpair, by (client node, server node) */
	GArray *subs;  /* struct spair, by connection, then client flow */
	GArray *rows;  /* struct row */
	struct mpf_match_clock clock;
};

/* Items of the sort joins: compared as (k1, k2, k3). */
struct item {
	uint64_t k1, k2, k3;
};

static inline int
item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->k1 != y->k1)
		return x->k1 < y->k1 ? -1 : 1;
	if (x->k2 != y->k2)
		return x->k2 < y->k2 ? -1 : 1;
	if (x->k3 != y->k3)
		return x->k3 < y->k3 ? -1 : 1;
	return 0;
}

static inline void
items_sort(GArray *a)
{
	if (a->len > 1)
		qsort(a->data, a->len, sizeof(struct item), item_cmp);
}

static inline void
item_add(GArray *a, uint64_t k1, uint64_t k2, uint64_t k3)
{
	struct item it = { k1, k2, k3 };

	g_array_append_val(a, it);
}

#define ITEM(a, i) (&g_array_index((a), struct item, (i)))

/* The end of the run of sorted items from @i that share its k1. */
static inline guint
item_run_end(const GArray *a, guint i)
{
	guint j = i;

	while (j < a->len && ITEM(a, j)->k1 == ITEM(a, i)->k1)
		j++;
	return j;
}

/* ------------------------------------------------------------- sides */

/* The flow (or conversation) a segment counts for as fed; NULL if none. */
static inline const struct fl *
seg_fl(const struct side *sd, const struct seg *s)
{
	if (s->flow & CONV_BIT)
		return (s->flow & ~CONV_BIT) < sd->nconvs
			       ? &sd->fl[sd->nflows + (s->flow & ~CONV_BIT)]
			       : NULL;
	return s->flow < sd->nflows ? &sd->fl[s->flow] : NULL;
}

/* Whether flow index @id is a conversation, node index @id a
 * conversation's. */
static inline bool
is_conv_flow(const struct side *sd, uint32_t id)
{
	return id >= sd->nflows;
}

static inline bool
is_conv_node(const struct side *sd, uint32_t id)
{
	return id >= sd->nnodes;
}

static inline bool
is_live_survivor(const struct side *sd, uint32_t id)
{
	return sd->fl[id].survivor == id && sd->fl[id].node != NONE;
}

/* The side that sends direction @dir: the client capture sends c2s. */
static inline int
sender_of(int dir)
{
	return dir == MPF_SIDE_CLIENT ? 0 : 1;
}

/* side.c: the side of capture @ctx, and its release. */
void mpf__match_side_init(struct side *sd, const struct mpf_ctx *ctx);
void mpf__match_side_fini(struct side *sd);

/* pair.c: passes 1-4, the connections and their subflow pairs (m->conns,
 * m->subs) and each flow's pair and way. */
void mpf__match_pair_conns(struct mpf_match *m);

/* segments.c: pass 5, each data segment's partner and the clock. */
void mpf__match_pair_segments(struct mpf_match *m);

/* The sort key of data segment @idx of capture @side when its subflow is
 * paired (k1: pair << 33 | direction << 32 | seq; k2: len << 32 | side <<
 * 31; k3: TCP timestamp << 32 | idx); false for any other segment. */
bool mpf__match_seg_item(const struct mpf_match *m, int side, uint32_t idx,
			 struct item *it);

/* rows.c: pass 6, the verdicts, delays, rows and unmatched lists. */
void mpf__match_finish(struct mpf_match *m);

/* The segment of frame @frame on a side (the log is in frame order), or
 * NONE. */
uint32_t mpf__match_seg_at_frame(const struct side *sd, uint32_t frame);

#endif /* MPF_MATCH_INT_H */
