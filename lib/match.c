/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: two captures of one run: the segment log, and the matching of
 * connections, subflows and data segments across a client-side and a
 * server-side context
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
 */
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

struct mpf_seglog *
mpf__seglog_new(void)
{
	struct mpf_seglog *log = g_new0(struct mpf_seglog, 1);

	log->segs = g_array_new(FALSE, FALSE, sizeof(struct seg));
	log->convs = g_array_new(FALSE, FALSE, sizeof(struct conv));
	log->by_tuple = g_hash_table_new_full(mpf__tuple_hash, mpf__tuple_equal,
					      g_free, NULL);
	return log;
}

void
mpf__seglog_free(struct mpf_seglog *log)
{
	if (!log)
		return;
	g_array_free(log->segs, TRUE);
	g_array_free(log->convs, TRUE);
	g_hash_table_destroy(log->by_tuple);
	g_free(log);
}

/* The conversation of a plain TCP segment, a new one for a SYN with
 * another sequence number (the port pair reused); NONE when past the
 * limit. *@rev: sent by its destination. */
static uint32_t
conv_of(struct mpf_seglog *log, const struct mpf_pkt *pkt, bool *rev)
{
	bool syn = (pkt->tcp_flags & (MPF_TCP_SYN | MPF_TCP_ACK)) == MPF_TCP_SYN;
	struct mpf_tuple t;
	struct conv *c = NULL;
	gpointer v;

	mpf__tuple_from_pkt(&t, pkt);
	v = g_hash_table_lookup(log->by_tuple, &t);
	if (v)
		c = &g_array_index(log->convs, struct conv, GPOINTER_TO_UINT(v) - 1);
	if (!c || (syn && !(c->syn && c->isn == pkt->seq))) {
		struct conv n;

		if (log->convs->len >= CONV_LIMIT)
			return NONE;
		memset(&n, 0, sizeof(n));
		n.src.addr = pkt->src;
		n.src.port = pkt->sport;
		n.dst.addr = pkt->dst;
		n.dst.port = pkt->dport;
		n.syn = syn;
		n.isn = pkt->seq;
		n.flow = NONE;
		g_array_append_val(log->convs, n);
		g_hash_table_replace(log->by_tuple, g_memdup2(&t, sizeof(t)),
				     GUINT_TO_POINTER(log->convs->len));
		c = &g_array_index(log->convs, struct conv, log->convs->len - 1);
	}
	*rev = pkt->sport != c->src.port || !mpf__addr_equal(&pkt->src, &c->src.addr);
	return (uint32_t)(c - (struct conv *)(void *)log->convs->data);
}

/* A flow the MPTCP analysis starts at this frame, not at a SYN, on the
 * 4-tuple of a conversation: the conversation was its start (the options
 * of its handshake were cut short). */
static void
conv_to_flow(struct mpf_seglog *log, const struct mpf_pkt *pkt,
	     const struct mpf_flow *f)
{
	struct mpf_tuple t;
	gpointer v;

	if (f->first_frame != pkt->raw->number ||
	    (pkt->tcp_flags & (MPF_TCP_SYN | MPF_TCP_ACK)) == MPF_TCP_SYN)
		return;
	mpf__tuple_from_pkt(&t, pkt);
	v = g_hash_table_lookup(log->by_tuple, &t);
	if (v) {
		struct conv *c = &g_array_index(log->convs, struct conv,
						GPOINTER_TO_UINT(v) - 1);

		if (c->flow == NONE)
			c->flow = f->id;
	}
}

void
mpf__seglog_add(struct mpf_ctx *ctx, const struct mpf_pkt *pkt,
		const struct mpf_frame *rec)
{
	struct mpf_seglog *log = ctx->seglog;
	unsigned bits = 0;
	uint32_t flow;
	bool rev;
	struct seg s;

	if (!log->any || pkt->ts_ns < log->first_ts)
		log->first_ts = pkt->ts_ns;
	if (!log->any || pkt->ts_ns > log->last_ts)
		log->last_ts = pkt->ts_ns;
	log->any = true;
	if (!pkt->has_tcp || pkt->fragment)
		return;
	if (rec->protocol == MPF_PROTO_MPTCP && rec->flow != MPF_ID_NONE &&
	    g_hash_table_size(log->by_tuple) > 0) {
		const struct mpf_flow *f = mpf__ids_get(&ctx->flows, rec->flow);

		if (f)
			conv_to_flow(log, pkt, f);
	}
	if (pkt->payload_len == 0 && !(pkt->tcp_flags & MPF_TCP_SYN))
		return;
	if (log->segs->len >= SEG_LIMIT) {
		log->dropped++;
		return;
	}
	if (rec->protocol == MPF_PROTO_MPTCP && rec->flow != MPF_ID_NONE) {
		const struct mpf_flow *f = mpf__ids_get(&ctx->flows, rec->flow);

		if (!f)
			return;
		flow = rec->flow;
		rev = pkt->sport != f->src.port ||
		      !mpf__addr_equal(&pkt->src, &f->src.addr);
	} else if (rec->protocol == MPF_PROTO_NONE) {
		flow = conv_of(log, pkt, &rev);
		if (flow == NONE) {
			log->dropped++;
			return;
		}
		flow |= CONV_BIT;
	} else {
		return; /* another protocol's (LISP over TCP) */
	}
	if (rev)
		bits |= SEG_REV;
	if (pkt->has_ts)
		bits |= SEG_TS;
	if (rec->flags & MPF_FRAME_HAS_VAL0)
		bits |= SEG_DSN;
	if (rec->bflags & MPF_MPTCP_FRAME_DSN_GUESSED)
		bits |= SEG_GUESSED;
	if (pkt->tcp_flags & MPF_TCP_SYN)
		bits |= SEG_SYN;
	if (rec->bflags & MPF_MPTCP_FRAME_REINJECTION)
		bits |= SEG_REINJ;
	if (rec->bflags & MPF_MPTCP_FRAME_RETRANSMISSION)
		bits |= SEG_RETRANS;
	s.ts = pkt->ts_ns;
	s.dsn = (bits & SEG_DSN) ? rec->val[0] : 0;
	s.frame = rec->number;
	s.flow = flow;
	s.seq = pkt->seq;
	s.tsval = pkt->has_ts ? pkt->ts_val : 0;
	s.reinj_of = (bits & SEG_REINJ) ? rec->ref[1] : 0;
	s.lb = MIN(pkt->payload_len, SEG_LEN_MAX) | (uint32_t)bits << 24;
	g_array_append_val(log->segs, s);
}

/* ---------------------------------------------------------- the match */

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

static int
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

static void
items_sort(GArray *a)
{
	if (a->len > 1)
		qsort(a->data, a->len, sizeof(struct item), item_cmp);
}

static void
item_add(GArray *a, uint64_t k1, uint64_t k2, uint64_t k3)
{
	struct item it = { k1, k2, k3 };

	g_array_append_val(a, it);
}

#define ITEM(a, i) (&g_array_index((a), struct item, (i)))

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

static uint32_t
flow_survivor(const struct mpf_ctx *ctx, uint32_t id, bool *flip)
{
	const struct mpf_flow *f = mpf_ctx_get_flow(ctx, id);
	int hops = 0;

	*flip = false;
	while (f && mpf_flow_get_merged_into(f) != MPF_ID_NONE && hops++ < 64) {
		const struct mpf_flow *k =
			mpf_ctx_get_flow(ctx, mpf_flow_get_merged_into(f));
		struct mpf_endpoint ks, kd, gs, gd;

		if (!k)
			break;
		mpf_flow_get_endpoints(k, &ks, &kd);
		mpf_flow_get_endpoints(f, &gs, &gd);
		/* as mpf__flow_absorb() matches the ways: by source address */
		if (!mpf__addr_equal(&ks.addr, &gs.addr))
			*flip = !*flip;
		f = k;
	}
	return f ? mpf_flow_get_id(f) : NONE;
}

static void
side_init(struct side *sd, const struct mpf_ctx *ctx)
{
	uint32_t i;

	sd->ctx = ctx;
	sd->segs = (const struct seg *)(const void *)ctx->seglog->segs->data;
	sd->n = ctx->seglog->segs->len;
	sd->first_ts = ctx->seglog->first_ts;
	sd->last_ts = ctx->seglog->last_ts;
	sd->any = ctx->seglog->any;
	sd->nflows = mpf_ctx_get_flow_count(ctx);
	sd->nnodes = mpf_ctx_get_node_count(ctx);
	sd->nconvs = ctx->seglog->convs->len;
	sd->convs = (const struct conv *)(const void *)ctx->seglog->convs->data;
	sd->fl = g_new0(struct fl, sd->nflows + sd->nconvs + 1);
	sd->nd = g_new0(struct nd, sd->nnodes + sd->nconvs + 1);
	sd->partner = g_new(uint32_t, sd->n ? sd->n : 1);
	memset(sd->partner, 0xff, sizeof(uint32_t) * (sd->n ? sd->n : 1));
	sd->unmatched_nodes = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	sd->unmatched_flows = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	for (i = 0; i < sd->nnodes; i++) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, i);

		sd->nd[i].key_peer = NONE;
		sd->nd[i].mptcp = n && mpf_node_get_protocol(n) == MPF_PROTO_MPTCP &&
				  mpf_node_get_merged_into(n) == MPF_ID_NONE;
	}
	for (i = 0; i < sd->nflows; i++) {
		struct fl *f = &sd->fl[i];
		const struct mpf_flow *sf;
		const struct mpf_node *n;
		uint32_t nid;

		f->pair = NONE;
		f->node = NONE;
		f->survivor = flow_survivor(ctx, i, &f->flip);
		sf = f->survivor == NONE ? NULL : mpf_ctx_get_flow(ctx, f->survivor);
		if (!sf)
			continue;
		nid = mpf_flow_get_node_id(sf);
		n = mpf_ctx_get_node(ctx, nid);
		if (!n || nid >= sd->nnodes || !sd->nd[nid].mptcp)
			continue;
		f->node = nid;
		f->fwd_c2s = mpf_flow_get_mptcp_src_is_client(sf);
		if (f->survivor == i &&
		    mpf_flow_get_mptcp_role(sf) != MPF_MPTCP_ROLE_UNKNOWN)
			sd->nd[nid].roles_known = true;
	}
	/* a conversation is its own flow of its own node; its source is
	 * the client when its SYN was seen */
	for (i = 0; i < sd->nconvs; i++) {
		const struct conv *cv = &sd->convs[i];
		struct fl *f = &sd->fl[sd->nflows + i];

		if (cv->flow < sd->nflows && sd->fl[cv->flow].node != NONE) {
			/* the start of an MPTCP flow: its segments are the
			 * flow's */
			const struct fl *x = &sd->fl[cv->flow];
			struct mpf_endpoint src, dst;

			mpf_flow_get_endpoints(mpf_ctx_get_flow(ctx, cv->flow), &src,
					       &dst);
			f->survivor = x->survivor;
			f->node = x->node;
			f->pair = NONE;
			f->flip = x->flip != !mpf__endpoint_equal(&src, &cv->src);
			continue;
		}
		f->survivor = sd->nflows + i;
		f->node = sd->nnodes + i;
		f->pair = NONE;
		f->fwd_c2s = true;
		sd->nd[f->node].key_peer = NONE;
		sd->nd[f->node].roles_known = sd->convs[i].syn;
	}
	/* the survivors' data counts and initial sequence numbers */
	for (i = 0; i < sd->n; i++) {
		const struct seg *s = &sd->segs[i];
		const struct fl *o = seg_fl(sd, s);
		struct fl *f;
		int way;

		if (!o || o->survivor == NONE || o->node == NONE)
			continue;
		f = &sd->fl[o->survivor];
		way = !!(seg_bits(s) & SEG_REV) ^ o->flip;
		if (seg_bits(s) & SEG_SYN) {
			if (!f->has_isn[way]) {
				f->has_isn[way] = true;
				f->isn[way] = s->seq;
			}
		} else if (seg_len(s) > 0) {
			f->data++;
		}
	}
}

static void
side_fini(struct side *sd)
{
	g_free(sd->fl);
	g_free(sd->nd);
	g_free(sd->partner);
	if (sd->unmatched_nodes)
		g_array_free(sd->unmatched_nodes, TRUE);
	if (sd->unmatched_flows)
		g_array_free(sd->unmatched_flows, TRUE);
}

/* ------------------------------------------------------ 1. connections */

/* Files each live MPTCP node of both sides under the token values it
 * knows (@which: 3 both tokens, 1 the client's, 2 the server's) and
 * pairs the values found exactly once on each side. */
static void
pair_nodes_by_token(struct mpf_match *m, int which)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct item));
	guint i, j;
	int k;

	for (k = 0; k < 2; k++) {
		struct side *sd = &m->s[k];
		uint32_t id;

		for (id = 0; id < sd->nnodes; id++) {
			const struct mpf_node *n = mpf_ctx_get_node(sd->ctx, id);
			uint32_t ct, st;
			bool hc, hs;
			uint64_t v;

			if (!sd->nd[id].mptcp || sd->nd[id].key_peer != NONE)
				continue;
			hc = mpf_node_get_mptcp_token(n, MPF_SIDE_CLIENT, &ct);
			hs = mpf_node_get_mptcp_token(n, MPF_SIDE_SERVER, &st);
			if (which == 3 && hc && hs)
				v = (uint64_t)ct << 32 | st;
			else if (which == 1 && hc)
				v = ct;
			else if (which == 2 && hs)
				v = st;
			else
				continue;
			item_add(a, v, (uint64_t)k, id);
		}
	}
	items_sort(a);
	for (i = 0; i < a->len; i = j) {
		uint32_t cnt[2] = { 0, 0 }, id[2] = { NONE, NONE };
		guint t;

		for (j = i; j < a->len && ITEM(a, j)->k1 == ITEM(a, i)->k1; j++)
			;
		for (t = i; t < j; t++) {
			cnt[ITEM(a, t)->k2]++;
			id[ITEM(a, t)->k2] = (uint32_t)ITEM(a, t)->k3;
		}
		if (cnt[0] == 1 && cnt[1] == 1) {
			const struct mpf_node *c = mpf_ctx_get_node(m->s[0].ctx, id[0]);
			const struct mpf_node *s = mpf_ctx_get_node(m->s[1].ctx, id[1]);
			uint64_t key;
			bool keys = which == 3;

			for (k = 0; k < 2 && keys; k++)
				keys = mpf_node_get_mptcp_key(c, (enum mpf_side)k, &key) &&
				       mpf_node_get_mptcp_key(s, (enum mpf_side)k, &key);
			m->s[0].nd[id[0]].key_peer = id[1];
			m->s[1].nd[id[1]].key_peer = id[0];
			m->s[0].nd[id[0]].key_how = m->s[1].nd[id[1]].key_how =
				keys ? MPF_MATCH_KEYS : MPF_MATCH_TOKEN;
		}
	}
	g_array_free(a, TRUE);
}

/* --------------------------------------------------------- 2-4. subflows */

/* A candidate subflow pair, before the connections are known. */
struct fpair {
	uint32_t flow[2];
	uint8_t how;
	bool reversed;
};

static bool
flows_may_pair(const struct mpf_match *m, uint32_t c, uint32_t s)
{
	const struct fl *cf = &m->s[0].fl[c], *sf = &m->s[1].fl[s];
	uint32_t cp = m->s[0].nd[cf->node].key_peer;
	uint32_t sp = m->s[1].nd[sf->node].key_peer;

	if (cf->pair != NONE || sf->pair != NONE)
		return false;
	/* two connections the tokens paired keep their subflows */
	return !(cp != NONE && sp != NONE && cp != sf->node);
}

static void
fpair_add(struct mpf_match *m, GArray *fp, uint32_t c, uint32_t s,
	  uint8_t how, bool reversed)
{
	struct fpair p = { { c, s }, how, reversed };

	m->s[0].fl[c].pair = fp->len;
	m->s[1].fl[s].pair = fp->len;
	g_array_append_val(fp, p);
}

static bool
is_live_survivor(const struct side *sd, uint32_t id)
{
	return sd->fl[id].survivor == id && sd->fl[id].node != NONE;
}

/* Subflows by the initial sequence number of their SYN: within token
 * pairs (@scoped), or anywhere the number is unique on both sides. */
static void
pair_flows_by_isn(struct mpf_match *m, GArray *fp, bool scoped)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct item));
	guint i, j;
	int k;

	for (k = 0; k < 2; k++) {
		const struct side *sd = &m->s[k];
		uint32_t id;

		for (id = 0; id < sd->nflows + sd->nconvs; id++) {
			const struct fl *f = &sd->fl[id];
			uint32_t scope;

			if (!is_live_survivor(sd, id) || f->pair != NONE ||
			    !f->has_isn[0])
				continue;
			if (scoped) {
				if (sd->nd[f->node].key_peer == NONE)
					continue;
				/* the client capture's node names the pair */
				scope = k == 0 ? f->node : sd->nd[f->node].key_peer;
			} else {
				scope = 0;
			}
			item_add(a, (uint64_t)scope << 32 | f->isn[0], (uint64_t)k,
				 id);
		}
	}
	items_sort(a);
	for (i = 0; i < a->len; i = j) {
		uint32_t cnt[2] = { 0, 0 }, id[2] = { NONE, NONE };
		guint t;

		for (j = i; j < a->len && ITEM(a, j)->k1 == ITEM(a, i)->k1; j++)
			;
		for (t = i; t < j; t++) {
			cnt[ITEM(a, t)->k2]++;
			id[ITEM(a, t)->k2] = (uint32_t)ITEM(a, t)->k3;
		}
		if (cnt[0] != 1 || cnt[1] != 1 || !flows_may_pair(m, id[0], id[1]))
			continue;
		/* both SYN/ACKs seen: they must agree too */
		if (m->s[0].fl[id[0]].has_isn[1] && m->s[1].fl[id[1]].has_isn[1] &&
		    m->s[0].fl[id[0]].isn[1] != m->s[1].fl[id[1]].isn[1])
			continue;
		fpair_add(m, fp, id[0], id[1], MPF_MATCH_ISN, false);
	}
	g_array_free(a, TRUE);
}

#define VOTE_COPIES 8 /* copies of one (seq, len) a side that vote */

/* Subflows still alone, by the data both captures hold. */
static void
pair_flows_by_data(struct mpf_match *m, GArray *fp)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct item));
	GArray *votes = g_array_new(FALSE, FALSE, sizeof(struct item));
	guint i, j;
	int k;

	for (k = 0; k < 2; k++) {
		const struct side *sd = &m->s[k];
		uint32_t x;

		for (x = 0; x < sd->n; x++) {
			const struct seg *s = &sd->segs[x];
			const struct fl *o = seg_fl(sd, s);

			if (seg_len(s) == 0 || (seg_bits(s) & SEG_SYN) || !o)
				continue;
			if (o->node == NONE || sd->fl[o->survivor].pair != NONE)
				continue;
			item_add(a, (uint64_t)s->seq << 32 | seg_len(s),
				 (uint64_t)k << 32 | x, 0);
		}
	}
	items_sort(a);
	for (i = 0; i < a->len; i = j) {
		struct item cand[VOTE_COPIES * VOTE_COPIES];
		uint32_t cf[VOTE_COPIES], sf[VOTE_COPIES];
		uint8_t cw[VOTE_COPIES], sw[VOTE_COPIES];
		unsigned nc = 0, ns = 0, nv = 0, u, v;
		guint t;

		for (j = i; j < a->len && ITEM(a, j)->k1 == ITEM(a, i)->k1; j++)
			;
		for (t = i; t < j; t++) {
			int side = (int)(ITEM(a, t)->k2 >> 32);
			const struct side *sd = &m->s[side];
			const struct seg *s = &sd->segs[(uint32_t)ITEM(a, t)->k2];
			const struct fl *o = seg_fl(sd, s);
			uint8_t way = (uint8_t)(!!(seg_bits(s) & SEG_REV) ^ o->flip);

			if (side == 0 && nc < VOTE_COPIES) {
				cf[nc] = o->survivor;
				cw[nc++] = way;
			} else if (side == 1 && ns < VOTE_COPIES) {
				sf[ns] = o->survivor;
				sw[ns++] = way;
			}
		}
		for (u = 0; u < nc; u++)
			for (v = 0; v < ns; v++) {
				struct item c = { (uint64_t)cf[u] << 32 | sf[v],
						  (uint64_t)(cw[u] ^ sw[v]), 0 };
				cand[nv++] = c;
			}
		/* one vote per value for each pair, however many copies */
		if (nv > 1)
			qsort(cand, nv, sizeof(cand[0]), item_cmp);
		for (u = 0; u < nv; u++)
			if (u == 0 || item_cmp(&cand[u], &cand[u - 1]) != 0)
				g_array_append_val(votes, cand[u]);
	}
	g_array_free(a, TRUE);

	/* count, then take the best supported pairs first */
	items_sort(votes);
	a = g_array_new(FALSE, FALSE, sizeof(struct item));
	for (i = 0; i < votes->len; i = j) {
		for (j = i; j < votes->len &&
			    ITEM(votes, j)->k1 == ITEM(votes, i)->k1 &&
			    ITEM(votes, j)->k2 == ITEM(votes, i)->k2;
		     j++)
			;
		/* most votes first: k1 descending */
		item_add(a, G_MAXUINT64 - (j - i), ITEM(votes, i)->k1,
			 ITEM(votes, i)->k2);
	}
	g_array_free(votes, TRUE);
	items_sort(a);
	for (i = 0; i < a->len; i++) {
		uint64_t n = G_MAXUINT64 - ITEM(a, i)->k1;
		uint32_t c = (uint32_t)(ITEM(a, i)->k2 >> 32);
		uint32_t s = (uint32_t)ITEM(a, i)->k2;
		uint64_t least = MIN(m->s[0].fl[c].data, m->s[1].fl[s].data);

		/* a quarter of the smaller one's data: not a stray equal
		 * value of another run */
		if (!flows_may_pair(m, c, s) || n * 4 < least)
			continue;
		fpair_add(m, fp, c, s, MPF_MATCH_DATA, ITEM(a, i)->k3 != 0);
	}
	g_array_free(a, TRUE);
}

/* The canonical 4-tuple of flow @id, as the analysis files it. */
static void
flow_tuple(const struct mpf_ctx *ctx, uint32_t id, struct mpf_tuple *t)
{
	struct mpf_endpoint a, b;
	struct mpf_pkt p;

	mpf_flow_get_endpoints(mpf_ctx_get_flow(ctx, id), &a, &b);
	memset(&p, 0, MPF_PKT_RESET_SIZE);
	p.src = a.addr;
	p.sport = a.port;
	p.dst = b.addr;
	p.dport = b.port;
	mpf__tuple_from_pkt(t, &p);
}

/* The flows of node @id of a side that no pair holds, in order. */
static GArray *
flows_left(const struct side *sd, uint32_t id)
{
	const struct mpf_node *n = mpf_ctx_get_node(sd->ctx, id);
	GArray *a = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	uint32_t i, c = mpf_node_get_flow_count(n);

	for (i = 0; i < c; i++) {
		uint32_t f = mpf_flow_get_id(mpf_node_get_flow(n, i));

		if (f < sd->nflows && sd->fl[f].pair == NONE)
			g_array_append_val(a, f);
	}
	return a;
}

/* In two connections the tokens paired: what is left pairs by 4-tuple,
 * then in order of appearance where one of the two carried no data to
 * compare. */
static void
pair_flows_in_conn(struct mpf_match *m, GArray *fp, uint32_t cn, uint32_t sn)
{
	GArray *cl = flows_left(&m->s[0], cn), *sl = flows_left(&m->s[1], sn);
	GHashTable *by = g_hash_table_new_full(mpf__tuple_hash, mpf__tuple_equal,
					       g_free, NULL);
	guint i, j;

	for (j = 0; j < sl->len; j++) {
		struct mpf_tuple *t = g_new0(struct mpf_tuple, 1);
		uint32_t s = g_array_index(sl, uint32_t, j);

		flow_tuple(m->s[1].ctx, s, t);
		if (!g_hash_table_contains(by, t))
			g_hash_table_insert(by, t, GUINT_TO_POINTER(s + 1));
		else
			g_free(t);
	}
	for (i = 0; i < cl->len; i++) {
		uint32_t c = g_array_index(cl, uint32_t, i), s;
		struct mpf_endpoint a, b, x, y;
		struct mpf_tuple t;
		gpointer v;

		flow_tuple(m->s[0].ctx, c, &t);
		v = g_hash_table_lookup(by, &t);
		if (!v)
			continue;
		s = GPOINTER_TO_UINT(v) - 1;
		if (m->s[1].fl[s].pair != NONE)
			continue;
		mpf_flow_get_endpoints(mpf_ctx_get_flow(m->s[0].ctx, c), &a, &b);
		mpf_flow_get_endpoints(mpf_ctx_get_flow(m->s[1].ctx, s), &x, &y);
		fpair_add(m, fp, c, s, MPF_MATCH_TUPLE,
			  !(mpf__endpoint_equal(&a, &x) && mpf__endpoint_equal(&b, &y)));
	}
	g_hash_table_destroy(by);
	i = j = 0;
	while (i < cl->len && j < sl->len) {
		uint32_t c = g_array_index(cl, uint32_t, i);
		uint32_t s = g_array_index(sl, uint32_t, j);

		if (m->s[0].fl[c].pair != NONE) { /* the tuple pass took it */
			i++;
			continue;
		}
		if (m->s[1].fl[s].pair != NONE) {
			j++;
			continue;
		}
		if (m->s[0].fl[c].data == 0 || m->s[1].fl[s].data == 0)
			/* as the two nodes name their clients */
			fpair_add(m, fp, c, s, MPF_MATCH_ORDER,
				  m->s[0].fl[c].fwd_c2s != m->s[1].fl[s].fwd_c2s);
		i++;
		j++;
	}
	g_array_free(cl, TRUE);
	g_array_free(sl, TRUE);
}

/* ------------------------------------------------- connections, ways */

/* The node a subflow pair files its connection under on one side: its
 * node, or NONE for a conversation paired with an MPTCP flow (the
 * conversations of one MPTCP connection make one connection). */
static uint32_t
conn_node(const struct side *sd, const struct side *other, uint32_t flow,
	  uint32_t other_flow)
{
	uint32_t n = sd->fl[flow].node;

	if (is_conv_node(sd, n) && !is_conv_node(other, other->fl[other_flow].node))
		return NONE;
	return n;
}

static const struct nd *
node_at(const struct side *sd, uint32_t id)
{
	return id == NONE ? NULL : &sd->nd[id];
}

/*
 * The connections: every pair of nodes the tokens paired or a subflow
 * pair joins, in order of (client node, server node); their subflow pairs
 * in order of client flow; and each flow's way to the connection's
 * directions.
 */
static void
build_conns(struct mpf_match *m, GArray *fp)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct item));
	struct side *c = &m->s[0], *s = &m->s[1];
	guint i, j;
	uint32_t id;

	for (id = 0; id < c->nnodes; id++)
		if (c->nd[id].mptcp && c->nd[id].key_peer != NONE)
			item_add(a, (uint64_t)id << 32 | c->nd[id].key_peer, 0,
				 G_MAXUINT64);
	for (i = 0; i < fp->len; i++) {
		const struct fpair *p = &g_array_index(fp, struct fpair, i);

		item_add(a,
			 (uint64_t)conn_node(c, s, p->flow[0], p->flow[1]) << 32 |
				 conn_node(s, c, p->flow[1], p->flow[0]),
			 1, (uint64_t)p->flow[0] << 32 | i);
	}
	items_sort(a);
	for (i = 0; i < a->len; i = j) {
		struct cpair cp;
		const struct nd *cn, *sn;
		bool keyed;

		memset(&cp, 0, sizeof(cp));
		cp.node[0] = (uint32_t)(ITEM(a, i)->k1 >> 32);
		cp.node[1] = (uint32_t)ITEM(a, i)->k1;
		cn = node_at(c, cp.node[0]);
		sn = node_at(s, cp.node[1]);
		keyed = cn && cn->key_peer == cp.node[1];
		cp.first_sub = m->subs->len;
		cp.how = keyed ? cn->key_how : MPF_MATCH_DATA;
		/* direction names from a side that saw a SYN, the client's
		 * first */
		cp.ref_server = !(cn && cn->roles_known) && sn && sn->roles_known;
		for (j = i; j < a->len && ITEM(a, j)->k1 == ITEM(a, i)->k1; j++) {
			const struct fpair *p;
			struct spair sp;

			if (ITEM(a, j)->k2 == 0)
				continue;
			p = &g_array_index(fp, struct fpair,
					   (uint32_t)ITEM(a, j)->k3);
			memset(&sp, 0, sizeof(sp));
			sp.flow[0] = p->flow[0];
			sp.flow[1] = p->flow[1];
			sp.how = p->how;
			sp.reversed = p->reversed;
			sp.conn = m->conns->len;
			if (cp.nsubs == 0 && !keyed)
				cp.how = p->how;
			c->fl[sp.flow[0]].pair = s->fl[sp.flow[1]].pair = m->subs->len;
			g_array_append_val(m->subs, sp);
			cp.nsubs++;
		}
		if (cp.node[0] != NONE)
			c->nd[cp.node[0]].in_conn = true;
		if (cp.node[1] != NONE)
			s->nd[cp.node[1]].in_conn = true;
		g_array_append_val(m->conns, cp);
	}
	g_array_free(a, TRUE);

	/* the ways: a segment's connection direction is its REV bit ^ dxor */
	for (i = 0; i < m->subs->len; i++) {
		struct spair *sp = &g_array_index(m->subs, struct spair, i);
		const struct cpair *cp = &g_array_index(m->conns, struct cpair,
							sp->conn);
		int r = cp->ref_server ? 1 : 0;
		uint8_t ref = m->s[r].fl[sp->flow[r]].fwd_c2s ? 0 : 1;

		m->s[r].fl[sp->flow[r]].dxor = ref;
		m->s[1 - r].fl[sp->flow[1 - r]].dxor = ref ^ (uint8_t)sp->reversed;
	}
	for (i = 0; i < 2; i++) {
		struct side *sd = &m->s[i];

		for (id = 0; id < sd->nflows + sd->nconvs; id++) {
			struct fl *f = &sd->fl[id];

			if (f->survivor == NONE || f->survivor == id ||
			    f->node == NONE)
				continue;
			f->pair = sd->fl[f->survivor].pair;
			f->dxor = sd->fl[f->survivor].dxor ^ (uint8_t)f->flip;
		}
	}
}

/* The side that sends direction @dir: the client capture sends c2s. */
static inline int
sender_of(int dir)
{
	return dir == MPF_SIDE_CLIENT ? 0 : 1;
}

/* --------------------------------------------------------- 5. segments */

/* A run of copies of one segment whose pairing waits for the delays. */
struct defer {
	uint32_t s_off, s_n, r_off, r_n; /* in the sorted items */
};

struct pairing {
	struct mpf_match *m;
	GArray *items;  /* the sorted segments */
	GArray *defer;  /* struct defer */
	bool has_dmin[2];
	int64_t dmin[2];        /* the smallest delay each way so far */
	bool frozen[2];
	int64_t dmin_frozen[2]; /* ... after the unambiguous pairs */
};

static inline const struct seg *
item_seg(const struct mpf_match *m, const struct item *it, int *side,
	 uint32_t *idx)
{
	*side = (int)(it->k2 >> 31 & 1);
	*idx = (uint32_t)(it->k3 & SEG_LIMIT);
	return &m->s[*side].segs[*idx];
}

/* Whether two copies may be one segment: equal TCP timestamps, and equal
 * DSNs when both sides know them from the keys. */
static bool
compatible(const struct seg *a, const struct seg *b)
{
	unsigned x = seg_bits(a), y = seg_bits(b);

	if ((x & SEG_TS) && (y & SEG_TS) && a->tsval != b->tsval)
		return false;
	if ((x & SEG_DSN) && (y & SEG_DSN) && !((x | y) & SEG_GUESSED) &&
	    a->dsn != b->dsn)
		return false;
	return true;
}

static void
link_segs(struct pairing *pp, const struct item *si, const struct item *ri)
{
	int ss, rs;
	uint32_t sx, rx;
	const struct seg *s = item_seg(pp->m, si, &ss, &sx);
	const struct seg *r = item_seg(pp->m, ri, &rs, &rx);
	int dir = ss == 0 ? MPF_SIDE_CLIENT : MPF_SIDE_SERVER;
	int64_t d = r->ts - s->ts;

	pp->m->s[ss].partner[sx] = rx;
	pp->m->s[rs].partner[rx] = sx;
	if (!pp->has_dmin[dir] || d < pp->dmin[dir]) {
		pp->dmin[dir] = d;
		pp->has_dmin[dir] = true;
	}
}

static void
defer_run(struct pairing *pp, uint32_t s_off, uint32_t s_n, uint32_t r_off,
	  uint32_t r_n)
{
	struct defer d = { s_off, s_n, r_off, r_n };

	if (s_n && r_n)
		g_array_append_val(pp->defer, d);
}

/* Pairs copies [so, so+sn) sent with [ro, ro+rn) received, in order,
 * when they are as many and compatible two by two; else defers them. */
static void
pair_run(struct pairing *pp, uint32_t so, uint32_t sn, uint32_t ro,
	 uint32_t rn)
{
	uint32_t k;
	int side;
	uint32_t x;

	if (sn == rn) {
		for (k = 0; k < sn; k++)
			if (!compatible(item_seg(pp->m, ITEM(pp->items, so + k),
						 &side, &x),
					item_seg(pp->m, ITEM(pp->items, ro + k),
						 &side, &x)))
				break;
		if (k == sn) {
			for (k = 0; k < sn; k++)
				link_segs(pp, ITEM(pp->items, so + k),
					  ITEM(pp->items, ro + k));
			return;
		}
	}
	defer_run(pp, so, sn, ro, rn);
}

/* One group: the copies of (subflow pair, direction, seq, len) in the
 * sender's capture [so, so+sn) and the receiver's [ro, ro+rn), each in
 * (timestamp, capture) order. */
static void
pair_group(struct pairing *pp, uint32_t so, uint32_t sn, uint32_t ro,
	   uint32_t rn)
{
	uint32_t a = 0, b = 0, k;
	bool all_ts = true;
	int side;
	uint32_t x;

	for (k = 0; k < sn + rn && all_ts; k++) {
		uint32_t at = k < sn ? so + k : ro + (k - sn);

		all_ts = seg_bits(item_seg(pp->m, ITEM(pp->items, at), &side,
					   &x)) &
			 SEG_TS;
	}
	if (!all_ts) {
		pair_run(pp, so, sn, ro, rn);
		return;
	}
	/* runs of equal timestamps on both sides */
	while (a < sn && b < rn) {
		uint32_t ta = (uint32_t)(ITEM(pp->items, so + a)->k3 >> 32);
		uint32_t tb = (uint32_t)(ITEM(pp->items, ro + b)->k3 >> 32);
		uint32_t a2 = a, b2 = b;

		if (ta < tb) {
			a++;
			continue;
		}
		if (tb < ta) {
			b++;
			continue;
		}
		while (a2 < sn && (uint32_t)(ITEM(pp->items, so + a2)->k3 >> 32) == ta)
			a2++;
		while (b2 < rn && (uint32_t)(ITEM(pp->items, ro + b2)->k3 >> 32) == tb)
			b2++;
		pair_run(pp, so + a, a2 - a, ro + b, b2 - b);
		a = a2;
		b = b2;
	}
}

/*
 * A deferred run, once the smallest delay of its direction is known:
 * each received copy, in order, pairs with the latest sent copy that could
 * have arrived by its time (sent at least the smallest delay before), and
 * leaves enough sent copies for the received ones after it; the sent
 * copies left over were lost. Without a known delay, the last ones sent
 * are taken (an earlier copy lost, a retransmission received).
 */
static void
pair_deferred(struct pairing *pp, const struct defer *d)
{
	uint32_t j, p = 0, next = 0;
	int side, dir;
	uint32_t x;

	item_seg(pp->m, ITEM(pp->items, d->s_off), &side, &x);
	dir = side == 0 ? MPF_SIDE_CLIENT : MPF_SIDE_SERVER;
	for (j = 0; j < d->r_n; j++) {
		const struct item *ri = ITEM(pp->items, d->r_off + j);
		const struct seg *r = item_seg(pp->m, ri, &side, &x);
		uint32_t cap = d->s_n - 1, pick;

		if (d->s_n >= d->r_n)
			cap = d->s_n - d->r_n + j;
		/* p: how many copies were sent early enough */
		while (p < d->s_n &&
		       (!pp->frozen[dir] ||
			item_seg(pp->m, ITEM(pp->items, d->s_off + p), &side, &x)->ts +
					pp->dmin_frozen[dir] <=
				r->ts))
			p++;
		if (p == 0)
			continue; /* none sent early enough: not in the sender's */
		pick = MIN(p - 1, cap);
		if (pick < next ||
		    !compatible(item_seg(pp->m, ITEM(pp->items, d->s_off + pick),
					 &side, &x),
				r))
			continue;
		link_segs(pp, ITEM(pp->items, d->s_off + pick), ri);
		next = pick + 1;
	}
}

/* The key of a data segment of a paired subflow, or false. */
static bool
seg_item(const struct mpf_match *m, int side, uint32_t idx, struct item *it)
{
	const struct side *sd = &m->s[side];
	const struct seg *s = &sd->segs[idx];
	const struct fl *o = seg_fl(sd, s);
	uint64_t dir;

	if (seg_len(s) == 0 || (seg_bits(s) & SEG_SYN) || !o)
		return false;
	if (o->node == NONE || o->pair == NONE)
		return false;
	dir = !!(seg_bits(s) & SEG_REV) ^ o->dxor;
	it->k1 = (uint64_t)o->pair << 33 | dir << 32 | s->seq;
	it->k2 = (uint64_t)seg_len(s) << 32 | (uint64_t)side << 31;
	it->k3 = (uint64_t)((seg_bits(s) & SEG_TS) ? s->tsval : 0) << 32 | idx;
	return true;
}

static void
pair_segments(struct mpf_match *m)
{
	struct pairing pp;
	guint i, j;
	int k;

	memset(&pp, 0, sizeof(pp));
	pp.m = m;
	pp.items = g_array_new(FALSE, FALSE, sizeof(struct item));
	pp.defer = g_array_new(FALSE, FALSE, sizeof(struct defer));
	for (k = 0; k < 2; k++) {
		uint32_t x;

		for (x = 0; x < m->s[k].n; x++) {
			struct item it;

			if (seg_item(m, k, x, &it))
				g_array_append_val(pp.items, it);
		}
	}
	items_sort(pp.items);
	for (i = 0; i < pp.items->len; i = j) {
		const struct item *g = ITEM(pp.items, i);
		uint32_t mid, so, sn, ro, rn;

		for (j = i; j < pp.items->len && ITEM(pp.items, j)->k1 == g->k1 &&
			    ITEM(pp.items, j)->k2 >> 32 == g->k2 >> 32;
		     j++)
			;
		for (mid = i; mid < j && !(ITEM(pp.items, mid)->k2 >> 31 & 1); mid++)
			;
		/* client copies [i, mid), server copies [mid, j) */
		if (sender_of((int)(g->k1 >> 32 & 1)) == 0) {
			so = i, sn = mid - i, ro = mid, rn = j - mid;
		} else {
			so = mid, sn = j - mid, ro = i, rn = mid - i;
		}
		if (sn && rn)
			pair_group(&pp, so, sn, ro, rn);
	}
	for (k = 0; k < 2; k++) {
		pp.frozen[k] = pp.has_dmin[k];
		pp.dmin_frozen[k] = pp.dmin[k];
	}
	for (i = 0; i < pp.defer->len; i++)
		pair_deferred(&pp, &g_array_index(pp.defer, struct defer, i));
	m->clock.has_c2s_min = pp.has_dmin[MPF_SIDE_CLIENT];
	m->clock.c2s_min = pp.dmin[MPF_SIDE_CLIENT];
	m->clock.has_s2c_min = pp.has_dmin[MPF_SIDE_SERVER];
	m->clock.s2c_min = pp.dmin[MPF_SIDE_SERVER];
	m->clock.has_offset = m->clock.has_c2s_min && m->clock.has_s2c_min;
	if (m->clock.has_offset)
		m->clock.offset = (m->clock.c2s_min - m->clock.s2c_min) / 2;
	g_array_free(pp.items, TRUE);
	g_array_free(pp.defer, TRUE);
}

/* ------------------------------------------------- 6. verdicts, rows */

/* The segment of frame @frame on a side (the log is in frame order). */
static uint32_t
seg_at_frame(const struct side *sd, uint32_t frame)
{
	uint32_t lo = 0, hi = sd->n;

	MPF_LOWER_BOUND(lo, hi, mid, sd->segs[mid].frame < frame);
	return lo < sd->n && sd->segs[lo].frame == frame ? lo : NONE;
}

/* Whether time @t (of @sd's clock, as near as the smallest delay tells)
 * falls outside the time capture @sd ran. */
static bool
outside(const struct side *sd, int64_t t)
{
	return !sd->any || t < sd->first_ts || t > sd->last_ts;
}

/*
 * The verdict of a reinjection @sx of the sender @ss: useful when the
 * receiver got this copy of the data first. Its copy @rx there, the
 * data's first copy in the sender's capture and its copy in the
 * receiver's decide, and the receiver's own analysis (which flags the
 * later copies it saw) confirms.
 */
static uint8_t
verdict(const struct mpf_match *m, int ss, uint32_t sx, uint32_t *first)
{
	const struct side *snd = &m->s[ss], *rcv = &m->s[1 - ss];
	const struct seg *s = &snd->segs[sx];
	uint32_t rx = snd->partner[sx], ox, orx = NONE;
	const struct seg *r;

	ox = s->reinj_of ? seg_at_frame(snd, s->reinj_of) : NONE;
	if (ox != NONE)
		orx = snd->partner[ox];
	*first = orx != NONE ? rcv->segs[orx].frame : 0;
	if (rx == NONE)
		return MPF_MATCH_REDUNDANT; /* lost: it delivered nothing */
	r = &rcv->segs[rx];
	if (orx != NONE && rcv->segs[orx].frame < r->frame)
		return MPF_MATCH_REDUNDANT;
	if (seg_bits(r) & SEG_REINJ) {
		*first = r->reinj_of;
		return MPF_MATCH_REDUNDANT;
	}
	if (seg_bits(r) & SEG_RETRANS) {
		*first = 0; /* an earlier copy on this subflow */
		return MPF_MATCH_REDUNDANT;
	}
	*first = r->frame;
	return MPF_MATCH_USEFUL;
}

/* The delay of the @k-th item of a run sorted by delay. */
static int64_t
delay_at(const GArray *delays, guint k)
{
	return (int64_t)(ITEM(delays, k)->k2 ^ (1ull << 63));
}

/* Nearest rank: the smallest of the @n delays from @i with at least @p
 * percent at or below it. */
static int64_t
rank(const GArray *delays, guint i, guint n, unsigned p)
{
	guint r = (guint)(((uint64_t)n * p + 99) / 100);

	return delay_at(delays, i + (r ? r - 1 : 0));
}

/* Each subflow pair's delays, one way: items (pair << 1 | dir, delay with
 * its sign bit flipped so that unsigned order is numeric order). */
static void
delays_fill(struct mpf_match *m, GArray *delays)
{
	guint i, j;

	items_sort(delays);
	for (i = 0; i < delays->len; i = j) {
		uint64_t key = ITEM(delays, i)->k1;
		struct spair *sp =
			&g_array_index(m->subs, struct spair, (guint)(key >> 1));
		struct mpf_match_dir *d = &sp->dir[key & 1];

		for (j = i; j < delays->len && ITEM(delays, j)->k1 == key; j++)
			;
		d->has_delay = true;
		d->delay_min = delay_at(delays, i);
		d->delay_max = delay_at(delays, j - 1);
		d->delay_median = rank(delays, i, j - i, 50);
		d->delay_p99 = rank(delays, i, j - i, 99);
	}
}

static void
row_add(struct mpf_match *m, uint32_t sub, int dir, int origin, uint32_t idx,
	uint32_t sseg, uint32_t rseg, uint8_t state, uint8_t verdict_,
	uint32_t first)
{
	const struct spair *sp = &g_array_index(m->subs, struct spair, sub);
	int snd = sender_of(dir);
	struct row r;

	r.key = (uint64_t)sp->conn << 33 | (uint64_t)dir << 32 |
		(uint64_t)origin << 31 | idx;
	r.seg[snd] = sseg;
	r.seg[1 - snd] = rseg;
	r.sub = sub;
	r.first = first;
	r.dir = (uint8_t)dir;
	r.state = state;
	r.verdict = verdict_;
	g_array_append_val(m->rows, r);
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static void
finish(struct mpf_match *m)
{
	GArray *delays = g_array_new(FALSE, FALSE, sizeof(struct item));
	int k;
	uint32_t id;

	for (k = 0; k < 2; k++) {
		const struct side *sd = &m->s[k], *other = &m->s[1 - k];
		uint32_t x;

		for (x = 0; x < sd->n; x++) {
			const struct seg *s = &sd->segs[x];
			struct item it;
			struct spair *sp;
			struct mpf_match_dir *d;
			struct cpair *cp;
			int dir;
			int64_t dm;
			uint32_t p = sd->partner[x], first = 0;
			uint8_t v = MPF_MATCH_NONE;

			if (!seg_item(m, k, x, &it))
				continue;
			dir = (int)(it.k1 >> 32 & 1);
			sp = &g_array_index(m->subs, struct spair, (guint)(it.k1 >> 33));
			cp = &g_array_index(m->conns, struct cpair, sp->conn);
			d = &sp->dir[dir];
			dm = dir == MPF_SIDE_CLIENT
				     ? (m->clock.has_c2s_min ? m->clock.c2s_min : 0)
				     : (m->clock.has_s2c_min ? m->clock.s2c_min : 0);
			if (sender_of(dir) != k) {
				/* the receiver's copies: the sender's rows hold
				 * the matched ones */
				if (p != NONE) {
					d->received++;
					continue;
				}
				if (outside(other, s->ts - dm)) {
					d->outside++;
					row_add(m, (uint32_t)(it.k1 >> 33), dir, 1, x,
						NONE, x, MPF_MATCH_OUTSIDE, 0, 0);
				} else {
					d->received++;
					d->unsent++;
					row_add(m, (uint32_t)(it.k1 >> 33), dir, 1, x,
						NONE, x, MPF_MATCH_UNSENT, 0, 0);
				}
				continue;
			}
			if (p == NONE && outside(other, s->ts + dm)) {
				d->outside++;
				row_add(m, (uint32_t)(it.k1 >> 33), dir, 0, x, x, NONE,
					MPF_MATCH_OUTSIDE, 0, 0);
				continue;
			}
			d->sent++;
			if (p != NONE) {
				d->matched++;
				item_add(delays, it.k1 >> 32,
					 (uint64_t)(other->segs[p].ts - s->ts) ^
						 (1ull << 63),
					 0);
			} else {
				d->lost++;
			}
			if (seg_bits(s) & SEG_REINJ) {
				v = verdict(m, k, x, &first);
				if (v == MPF_MATCH_USEFUL) {
					cp->useful++;
					cp->useful_bytes += seg_len(s);
				} else {
					cp->redundant++;
					cp->redundant_bytes += seg_len(s);
				}
			}
			row_add(m, (uint32_t)(it.k1 >> 33), dir, 0, x, x, p,
				p != NONE ? MPF_MATCH_MATCHED : MPF_MATCH_LOST, v,
				first);
		}
	}
	delays_fill(m, delays);
	g_array_free(delays, TRUE);
	if (m->rows->len > 1)
		qsort(m->rows->data, m->rows->len, sizeof(struct row), row_cmp);

	for (k = 0; k < 2; k++) {
		struct side *sd = &m->s[k];

		for (id = 0; id < sd->nnodes; id++)
			if (sd->nd[id].mptcp && !sd->nd[id].in_conn)
				g_array_append_val(sd->unmatched_nodes, id);
		for (id = 0; id < sd->nflows; id++)
			if (is_live_survivor(sd, id) && sd->fl[id].pair == NONE &&
			    sd->nd[sd->fl[id].node].in_conn)
				g_array_append_val(sd->unmatched_flows, id);
	}
}

/* ------------------------------------------------------------------ API */

int
mpf_match_new(const struct mpf_ctx *client, const struct mpf_ctx *server,
	      struct mpf_match **match)
{
	struct mpf_match *m;
	GArray *fp;
	uint32_t id;

	if (match)
		*match = NULL;
	if (!client || !server || !match || !client->seglog || !server->seglog)
		return MPF_ERR_INVALID;
	m = g_new0(struct mpf_match, 1);
	side_init(&m->s[0], client);
	side_init(&m->s[1], server);
	m->conns = g_array_new(FALSE, FALSE, sizeof(struct cpair));
	m->subs = g_array_new(FALSE, FALSE, sizeof(struct spair));
	m->rows = g_array_new(FALSE, FALSE, sizeof(struct row));

	pair_nodes_by_token(m, 3);
	pair_nodes_by_token(m, 2);
	pair_nodes_by_token(m, 1);
	fp = g_array_new(FALSE, FALSE, sizeof(struct fpair));
	pair_flows_by_isn(m, fp, true);
	pair_flows_by_isn(m, fp, false);
	pair_flows_by_data(m, fp);
	for (id = 0; id < m->s[0].nnodes; id++)
		if (m->s[0].nd[id].mptcp && m->s[0].nd[id].key_peer != NONE)
			pair_flows_in_conn(m, fp, id, m->s[0].nd[id].key_peer);
	build_conns(m, fp);
	g_array_free(fp, TRUE);
	pair_segments(m);
	finish(m);
	*match = m;
	return MPF_OK;
}

void
mpf_match_free(struct mpf_match *match)
{
	if (!match)
		return;
	side_fini(&match->s[0]);
	side_fini(&match->s[1]);
	g_array_free(match->conns, TRUE);
	g_array_free(match->subs, TRUE);
	g_array_free(match->rows, TRUE);
	g_free(match);
}

const char *
mpf_match_how_to_string(enum mpf_match_how how)
{
	static const char *const names[] = { "keys",  "token", "isn",
					     "data",  "tuple", "order" };

	return (unsigned)how < G_N_ELEMENTS(names) ? names[how] : "unknown";
}

const char *
mpf_match_state_to_string(enum mpf_match_state state)
{
	static const char *const names[] = { "matched", "lost", "unsent",
					     "outside" };

	return (unsigned)state < G_N_ELEMENTS(names) ? names[state] : "unknown";
}

const char *
mpf_match_verdict_to_string(enum mpf_match_verdict v)
{
	static const char *const names[] = { "", "useful", "redundant" };

	return (unsigned)v < G_N_ELEMENTS(names) ? names[v] : "unknown";
}

static uint32_t
public_node(const struct side *sd, uint32_t id)
{
	return id == NONE || is_conv_node(sd, id) ? MPF_ID_NONE : id;
}

static void
flow_ends(const struct side *sd, uint32_t id, struct mpf_endpoint *src,
	  struct mpf_endpoint *dst)
{
	if (is_conv_flow(sd, id)) {
		*src = sd->convs[id - sd->nflows].src;
		*dst = sd->convs[id - sd->nflows].dst;
	} else {
		mpf_flow_get_endpoints(mpf_ctx_get_flow(sd->ctx, id), src, dst);
	}
}

uint32_t
mpf_match_get_connection_count(const struct mpf_match *match)
{
	return match ? match->conns->len : 0;
}

int
mpf_match_get_connection(const struct mpf_match *match, uint32_t index,
			 struct mpf_match_connection *conn, size_t size)
{
	const struct cpair *cp;
	struct mpf_match_connection c;

	if (!match || !conn)
		return MPF_ERR_INVALID;
	if (index >= match->conns->len)
		return MPF_ERR_NOT_FOUND;
	cp = &g_array_index(match->conns, struct cpair, index);
	memset(&c, 0, sizeof(c));
	c.client_node = public_node(&match->s[0], cp->node[0]);
	c.server_node = public_node(&match->s[1], cp->node[1]);
	c.how = (enum mpf_match_how)cp->how;
	c.subflows = cp->nsubs;
	c.useful = cp->useful;
	c.redundant = cp->redundant;
	c.useful_bytes = cp->useful_bytes;
	c.redundant_bytes = cp->redundant_bytes;
	return mpf__copy_out(conn, size, &c, sizeof(c));
}

int
mpf_match_get_subflow(const struct mpf_match *match, uint32_t connection,
		      uint32_t index, struct mpf_match_subflow *sub, size_t size)
{
	const struct cpair *cp;
	const struct spair *sp;
	struct mpf_match_subflow s;

	if (!match || !sub)
		return MPF_ERR_INVALID;
	if (connection >= match->conns->len)
		return MPF_ERR_NOT_FOUND;
	cp = &g_array_index(match->conns, struct cpair, connection);
	if (index >= cp->nsubs)
		return MPF_ERR_NOT_FOUND;
	sp = &g_array_index(match->subs, struct spair, cp->first_sub + index);
	memset(&s, 0, sizeof(s));
	s.client_flow = is_conv_flow(&match->s[0], sp->flow[0]) ? MPF_ID_NONE
								  : sp->flow[0];
	s.server_flow = is_conv_flow(&match->s[1], sp->flow[1]) ? MPF_ID_NONE
								  : sp->flow[1];
	flow_ends(&match->s[0], sp->flow[0], &s.client_src, &s.client_dst);
	flow_ends(&match->s[1], sp->flow[1], &s.server_src, &s.server_dst);
	s.how = (enum mpf_match_how)sp->how;
	s.reversed = sp->reversed;
	s.dir[0] = sp->dir[0];
	s.dir[1] = sp->dir[1];
	return mpf__copy_out(sub, size, &s, sizeof(s));
}

uint64_t
mpf_match_get_packet_count(const struct mpf_match *match)
{
	return match ? match->rows->len : 0;
}

int
mpf_match_get_packet(const struct mpf_match *match, uint64_t index,
		     struct mpf_match_packet *packet, size_t size)
{
	const struct row *r;
	const struct spair *sp;
	const struct seg *snd;
	struct mpf_match_packet p;
	int k, ss;

	if (!match || !packet)
		return MPF_ERR_INVALID;
	if (index >= match->rows->len)
		return MPF_ERR_NOT_FOUND;
	r = &g_array_index(match->rows, struct row, (guint)index);
	sp = &g_array_index(match->subs, struct spair, r->sub);
	memset(&p, 0, sizeof(p));
	p.connection = sp->conn;
	p.subflow = r->sub -
		    g_array_index(match->conns, struct cpair, sp->conn).first_sub;
	p.dir = (enum mpf_side)r->dir;
	p.state = (enum mpf_match_state)r->state;
	for (k = 0; k < 2; k++) {
		const struct seg *s;

		if (r->seg[k] == NONE)
			continue;
		s = &match->s[k].segs[r->seg[k]];
		if (k == 0) {
			p.client_frame = s->frame;
			p.client_time = s->ts;
		} else {
			p.server_frame = s->frame;
			p.server_time = s->ts;
		}
		p.seq = s->seq;
		p.len = seg_len(s);
	}
	ss = sender_of(r->dir);
	snd = r->seg[ss] != NONE ? &match->s[ss].segs[r->seg[ss]]
				 : &match->s[1 - ss].segs[r->seg[1 - ss]];
	p.has_dsn = seg_bits(snd) & SEG_DSN;
	p.dsn = snd->dsn;
	if (r->state == MPF_MATCH_MATCHED)
		p.delay = ss == 0 ? p.server_time - p.client_time
				  : p.client_time - p.server_time;
	p.verdict = (enum mpf_match_verdict)r->verdict;
	if (r->verdict != MPF_MATCH_NONE) {
		uint32_t ox = seg_at_frame(&match->s[ss], snd->reinj_of);

		p.original_frame = snd->reinj_of;
		if (ox != NONE && match->s[ss].partner[ox] != NONE)
			p.original_received_frame =
				match->s[1 - ss].segs[match->s[ss].partner[ox]].frame;
		p.first_received_frame = r->first;
	}
	return mpf__copy_out(packet, size, &p, sizeof(p));
}

int
mpf_match_get_clock(const struct mpf_match *match,
		    struct mpf_match_clock *clock, size_t size)
{
	if (!match || !clock)
		return MPF_ERR_INVALID;
	return mpf__copy_out(clock, size, &match->clock, sizeof(match->clock));
}

static const GArray *
unmatched(const struct mpf_match *match, enum mpf_side capture, bool flows)
{
	if (!match || (unsigned)capture > 1)
		return NULL;
	return flows ? match->s[capture].unmatched_flows
		     : match->s[capture].unmatched_nodes;
}

static uint32_t
unmatched_count(const struct mpf_match *match, enum mpf_side capture,
		bool flows)
{
	const GArray *a = unmatched(match, capture, flows);

	return a ? a->len : 0;
}

static uint32_t
unmatched_at(const struct mpf_match *match, enum mpf_side capture, bool flows,
	     uint32_t index)
{
	const GArray *a = unmatched(match, capture, flows);

	return a && index < a->len ? g_array_index(a, uint32_t, index)
				   : MPF_ID_NONE;
}

uint32_t
mpf_match_get_unmatched_node_count(const struct mpf_match *match,
				   enum mpf_side capture)
{
	return unmatched_count(match, capture, false);
}

uint32_t
mpf_match_get_unmatched_node(const struct mpf_match *match,
			     enum mpf_side capture, uint32_t index)
{
	return unmatched_at(match, capture, false, index);
}

uint32_t
mpf_match_get_unmatched_flow_count(const struct mpf_match *match,
				   enum mpf_side capture)
{
	return unmatched_count(match, capture, true);
}

uint32_t
mpf_match_get_unmatched_flow(const struct mpf_match *match,
			     enum mpf_side capture, uint32_t index)
{
	return unmatched_at(match, capture, true, index);
}
