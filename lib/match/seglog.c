/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seglog.c: the segment log, fed frame by frame after the analysis: one
 * record for each TCP segment with payload or SYN, MPTCP flows by flow,
 * plain TCP by conversation.
 *
 * Owns struct mpf_seglog and its conversations. Does not read the graph
 * beyond the flow of the frame fed, and matches nothing.
 */
#include "match/match-int.h"

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
