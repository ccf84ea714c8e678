/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * residue.c: in shard mode, the residues of a part (lib/partial.c): TCP
 * segments without MPTCP options on a 4-tuple it has no subflow for
 * (after a fallback, or before a subflow's first option in the part),
 * counted per 4-tuple, split at the first SYN (a retransmitted SYN
 * continues the earlier subflow only with its ISN); and, when parts
 * merge, the later part's residues counted on the earlier part's subflow
 * of that 4-tuple, where one context would have. A filter of the 4-tuples
 * opened by a SYN (past a minute into the part) or owned by a subflow
 * here keeps plain TCP connections out of the table, which holds
 * MPF_RESIDUES_MAX.
 *
 * Owns the state's residue table and filter; their format is partial.c's.
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

#define OWNED_BITS (1u << 20) /* 128 KiB */
/* a SYN this far into a part opens a new connection: no earlier subflow
 * retransmits its SYN so late */
#define SYN_WINDOW_NS (60 * G_GINT64_CONSTANT(1000000000))

/* --------------------------------------------------------- residues */

static guint
owned_bit(const struct mpf_tuple *key, int k)
{
	guint h = mpf__tuple_hash(key);

	return (k ? h * 0x9e3779b1u >> 7 : h) & (OWNED_BITS - 1);
}

static bool
owned_test(const struct state *st, const struct mpf_tuple *key)
{
	return st->owned && (st->owned[owned_bit(key, 0) / 8] >> (owned_bit(key, 0) % 8) & 1) &&
	       (st->owned[owned_bit(key, 1) / 8] >> (owned_bit(key, 1) % 8) & 1);
}

void
mpf__mptcp_owned_set(struct state *st, const struct mpf_tuple *key)
{
	int k;

	if (!st->owned)
		st->owned = g_malloc0(OWNED_BITS / 8);
	for (k = 0; k < 2; k++)
		st->owned[owned_bit(key, k) / 8] |= (uint8_t)(1 << (owned_bit(key, k) % 8));
}

GHashTable *
mpf__mptcp_residues_of(struct state *st)
{
	if (!st->residues.table)
		st->residues.table = g_hash_table_new_full(mpf__tuple_hash,
							   mpf__tuple_equal,
							   NULL, g_free);
	return st->residues.table;
}

void
mpf__mptcp_owned_note(struct state *st, const struct mpf_tuple *key)
{
	struct residue *r =
		st->residues.table ? g_hash_table_lookup(st->residues.table, key)
				   : NULL;

	mpf__mptcp_owned_set(st, key);
	if (r)
		r->frozen = true;
}

static bool
from_a(const struct mpf_tuple *key, const struct mpf_pkt *pkt)
{
	return pkt->sport == key->a.port && mpf__addr_equal(&pkt->src, &key->a.addr);
}

void
mpf__mptcp_residue_note(struct mpf_ctx *ctx, struct state *st,
			const struct mpf_pkt *pkt, const struct mpf_tuple *key)
{
	bool syn = (pkt->tcp_flags & (MPF_TCP_SYN | MPF_TCP_ACK)) == MPF_TCP_SYN;
	bool a = from_a(key, pkt);
	GHashTable *t = mpf__mptcp_residues_of(st);
	struct residue *r = g_hash_table_lookup(t, key);

	if (!r) {
		if (owned_test(st, key))
			return;
		if ((syn && pkt->ts_ns - ctx->first_ts > SYN_WINDOW_NS) ||
		    g_hash_table_size(t) >= MPF_RESIDUES_MAX) {
			if (!syn)
				st->residues.lost++;
			mpf__mptcp_owned_set(st, key); /* and its later segments */
			return;
		}
		r = g_new0(struct residue, 1);
		r->tuple = *key;
		g_hash_table_insert(t, &r->tuple, r);
	}
	if (r->ended || r->frozen)
		return;
	if (syn) {
		if (r->segs < 2) {
			r->segs = 2;
			r->seg[1].syn_from_a = a;
			r->seg[1].syn_seq = pkt->seq;
		} else if (r->seg[1].syn_seq != pkt->seq || r->seg[1].syn_from_a != a) {
			r->ended = true;
			return;
		}
	} else if (r->segs == 0) {
		r->segs = 1;
	}
	mpf__traffic_add(&r->seg[r->segs - 1].t, a ? 0 : 1, pkt);
	{
		struct rseg *g = &r->seg[r->segs - 1];
		uint32_t *at = NULL, w = a ? 0 : 1;

		if ((pkt->tcp_flags & (MPF_TCP_SYN | MPF_TCP_ACK)) ==
		    (MPF_TCP_SYN | MPF_TCP_ACK))
			at = &g->synack[w];
		else if (!(pkt->tcp_flags & (MPF_TCP_SYN | MPF_TCP_RST)))
			at = &g->first[w];
		if (at && !*at)
			*at = pkt->raw->number;
		if ((pkt->tcp_flags & MPF_TCP_FIN) && !g->fin[w])
			g->fin[w] = pkt->raw->number;
		if ((pkt->tcp_flags & MPF_TCP_RST) && !g->rst[w])
			g->rst[w] = pkt->raw->number;
	}
}

void
mpf__mptcp_partial_fini(struct state *st)
{
	mpf__residues_clear(&st->residues);
	g_free(st->owned);
	st->owned = NULL;
}

static uint64_t
traffic_packets(const struct mpf_traffic *t)
{
	return t->packets[0] + t->packets[1];
}

/* @f no longer owns its 4-tuple (a later SYN of another ISN took it). */
void
mpf__mptcp_table_drop(struct state *st, struct mpf_flow *f)
{
	struct sub *s = sub_of(f);

	if (s->in_table && g_hash_table_lookup(st->by_tuple, &s->tuple) == f)
		g_hash_table_remove(st->by_tuple, &s->tuple);
	s->in_table = false;
}

/* Adds the later stretch @g to @K, the same one. */
static void
rseg_append(struct rseg *K, const struct rseg *g)
{
	int w;

	mpf__traffic_merge(&K->t, &g->t);
	for (w = 0; w < 2; w++) {
		if (!K->synack[w])
			K->synack[w] = g->synack[w];
		if (!K->first[w])
			K->first[w] = g->first[w];
		if (!K->fin[w])
			K->fin[w] = g->fin[w];
		if (!K->rst[w])
			K->rst[w] = g->rst[w];
	}
}

/* Appends the later residue @r of a 4-tuple to @R, an earlier one. */
static void
residue_append(struct residue *R, const struct residue *r)
{
	if (R->ended || R->frozen)
		return;
	if (r->seg[0].t.first_frame) {
		if (R->segs == 0)
			R->segs = 1;
		rseg_append(&R->seg[R->segs - 1], &r->seg[0]);
	}
	if (r->segs == 2) {
		if (R->segs < 2) {
			R->segs = 2;
			R->seg[1] = r->seg[1];
		} else if (R->seg[1].syn_seq == r->seg[1].syn_seq &&
			   R->seg[1].syn_from_a == r->seg[1].syn_from_a) {
			rseg_append(&R->seg[1], &r->seg[1]);
		} else {
			R->ended = true;
			return;
		}
	}
	R->ended = r->ended;
	R->frozen = r->frozen;
}

/*
 * What one context makes of plain segments @g (of a later part) on
 * subflow @f, @swap when @g's way 0 is @f's reverse: a SYN/ACK without
 * MP_CAPABLE (a fallback) or MP_JOIN (a join refused), a third ACK
 * without MP_CAPABLE (a fallback), FINs and an RST (ingest.c handshake(),
 * fsm.c). An RST its part ended on is no reset when its sender goes on.
 */
static void
residue_states(struct mpf_flow *f, const struct rseg *g, bool swap)
{
	struct sub *s = sub_of(f), tmp;
	struct conn *c = conn_of(f->node);
	struct mpf_frame rec;
	uint32_t rst = 0;
	/* the way of @g the flow's forward (SYN sender's) way is */
	int fwd = swap ? 1 : 0, cw, w;

	memset(&tmp, 0, sizeof(tmp));
	memset(&rec, 0, sizeof(rec));
	if (s->pend_rst_frame &&
	    g->t.packets[s->pend_rst_dir == MPF_SIDE_CLIENT ? fwd : 1 - fwd]) {
		s->pend_rst_frame = 0;
		s->pend_rst_reason = -1;
		s->pend_fastclose = false;
	}
	if (s->syn_seen && !s->synack_seen && (rec.number = g->synack[1 - fwd])) {
		s->synack_seen = true;
		if (s->role == MPF_MPTCP_ROLE_JOIN) {
			s->join_rejected = true;
			tmp.fsm.t[tmp.fsm.n].frame = rec.number;
			tmp.fsm.t[tmp.fsm.n++].state = MPF_MPTCP_STATE_REJECTED;
		} else if (s->role == MPF_MPTCP_ROLE_INITIAL && c->mpc_syn) {
			mpf__mptcp_fallback(f, MPF_MPTCP_FALLBACK_SYNACK_NO_MPC, &rec);
		}
	}
	cw = s->src_is_client ? fwd : 1 - fwd;
	if (s->role == MPF_MPTCP_ROLE_INITIAL && c->mpc_synack &&
	    !c->third_ack_checked && (rec.number = g->first[cw])) {
		c->third_ack_checked = true;
		mpf__mptcp_fallback(f, MPF_MPTCP_FALLBACK_ACK_NO_MPC, &rec);
	}
	for (w = 0; w < 2; w++) {
		tmp.dir[w].fin = g->fin[w] != 0;
		tmp.dir[w].fin_frame = g->fin[w];
		if (g->rst[w] && (!rst || g->rst[w] < rst))
			rst = g->rst[w];
	}
	if (rst && !s->rst_frame) {
		s->rst_frame = rst;
		c->resets++;
		tmp.fsm.t[tmp.fsm.n].frame = rst;
		tmp.fsm.t[tmp.fsm.n++].state = MPF_MPTCP_STATE_RESET;
	}
	mpf__mptcp_sf_fold(s, &tmp, swap);
}

/* One residue @v of the part after @into's: counted on the subflow of
 * @into that it continues, or kept for a part before @into's. */
void
mpf__mptcp_partial_residue(struct mpf_ctx *into, void *state, const void *v)
{
	struct state *st = state;
	const struct residue *r = v;
	struct mpf_flow *f = g_hash_table_lookup(st->by_tuple, &r->tuple);
	struct residue *R;

	if (f) {
		/* the segments one context would have counted on @f */
		struct sub *s = sub_of(f);
		bool swap = !mpf__endpoint_equal(&f->src, &r->tuple.a);
		uint64_t n = traffic_packets(&r->seg[0].t);

		if (r->seg[0].t.first_frame) {
			mpf__traffic_to_flow(f, &r->seg[0].t, swap);
			residue_states(f, &r->seg[0], swap);
		}
		if (r->segs == 2) {
			/* its SYN: a retransmission of @f's keeps it */
			if (s->dir[0].isn_known &&
			    s->dir[0].isn == r->seg[1].syn_seq &&
			    r->seg[1].syn_from_a == !swap) {
				mpf__traffic_to_flow(f, &r->seg[1].t, swap);
				residue_states(f, &r->seg[1], swap);
				n += traffic_packets(&r->seg[1].t);
				if (r->ended)
					mpf__mptcp_table_drop(st, f);
			} else {
				mpf__mptcp_table_drop(st, f);
			}
		}
		into->counters[MPF_COUNTER_ANALYSED] += n;
		return;
	}
	if (owned_test(st, &r->tuple))
		return; /* the tuple's story here ends elsewhere */
	/* for a part before @into's */
	R = g_hash_table_lookup(mpf__mptcp_residues_of(st), &r->tuple);
	if (R) {
		residue_append(R, r);
	} else if (g_hash_table_size(st->residues.table) < MPF_RESIDUES_MAX) {
		R = g_memdup2(r, sizeof(*r));
		g_hash_table_insert(st->residues.table, &R->tuple, R);
	} else {
		st->residues.lost++;
	}
}

/* The subflow of @into that @f (of the part after) continues, or NULL. */
