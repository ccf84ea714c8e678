/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: MPTCP: which retained frame records a later frame may change
 *
 * A later frame changes an earlier record in four ways, each bounded here:
 * a merge of a node whose keys were never seen (infer.c: every record of
 * it), a reinjection naming the frame that first carried its data
 * (dss.c: the frames of the DSN intervals still kept), a join HMAC or an
 * RST judged when the keys or the sender's next segment come (hmac.c,
 * fsm.c: the pending frames), and a join moved to an older owner of its
 * token until its third ACK (conn.c: the subflow's frames).
 *
 * `mpflow frames -l` asks on every frame, and a side keeps up to SENT_MAX
 * intervals: the lowest of their frames comes from side.sent_frames, the
 * frames counted in frame order as intervals are filed and dropped (every
 * change to sent is one of the two, dss.c), not from a walk of sent.
 * New intervals carry the newest frame, so filing one is mostly an
 * append; a merge files older ones in the middle.
 */
#include "mptcp-int.h"

static inline uint32_t
lower(uint32_t a, uint32_t b)
{
	return a && a < b ? a : b;
}

/* The key of a search of sent_frames, counting the comparisons. */
struct frame_key {
	uint32_t frame;
	uint64_t *steps;
};

static bool
frame_below(const void *e, const void *key)
{
	const struct frame_key *k = key;

	(*k->steps)++;
	return ((const struct sent_frame *)e)->frame < k->frame;
}

void
mpf__mptcp_settle_add(struct side *sd, const struct sent *x)
{
	struct frame_key k = { x->frame, &sd->settle_steps };
	struct sent_frame *e, n = { x->frame, 1 };
	struct oarr *a = &sd->sent_frames;
	struct opos p;

	if (!x->frame || !sd->settling)
		return; /* frame 0 is no frame: lower() skips it */
	a->esize = sizeof(struct sent_frame);
	/* the common case: the newest frame, at the end */
	p = mpf__oarr_last(a);
	if (!a->len || frame_below(mpf__oarr_at(a, p), &k))
		p.c = a->ch ? a->ch->len : 0, p.i = 0;
	else
		p = mpf__oarr_bound(a, frame_below, &k);
	if (!mpf__oarr_end(a, p) &&
	    (e = mpf__oarr_at(a, p))->frame == x->frame)
		e->n++;
	else
		mpf__oarr_insert(a, p, &n);
}

void
mpf__mptcp_settle_del(struct side *sd, const struct sent *x)
{
	struct frame_key k = { x->frame, &sd->settle_steps };
	struct oarr *a = &sd->sent_frames;
	struct sent_frame *e;
	struct opos p;

	if (!x->frame || !a->len || !sd->settling)
		return;
	/* the common case: the lowest interval goes, and with it the
	 * lowest frame, at the front */
	p = mpf__oarr_begin(a);
	if (((const struct sent_frame *)mpf__oarr_at(a, p))->frame != x->frame)
		p = mpf__oarr_bound(a, frame_below, &k);
	if (mpf__oarr_end(a, p) ||
	    (e = mpf__oarr_at(a, p))->frame != x->frame)
		return; /* never filed: cannot be, every add came first */
	if (--e->n == 0)
		mpf__oarr_remove(a, p);
}

/* The lowest frame of the kept intervals of @sd, through lower(). */
static uint32_t
sent_lowest(struct side *sd, uint32_t low)
{
	struct opos p = mpf__oarr_begin(&sd->sent_frames);

	sd->settle_steps++;
	if (!sd->sent_frames.len)
		return low;
	return lower(((const struct sent_frame *)mpf__oarr_at(&sd->sent_frames,
							       p))->frame,
		     low);
}

/* The frames a subflow still waits to judge, and the answer when the
 * connection may still join another, through lower(). */
static uint32_t
pending_lowest(const struct mpf_node *node, uint32_t low)
{
	guint i;

	for (i = 0; i < node->flows->len; i++) {
		const struct mpf_flow *f = g_ptr_array_index(node->flows, i);
		const struct sub *s = sub_of(f);

		low = lower(s->pend_synack_frame, low);
		low = lower(s->pend_ack_frame, low);
		low = lower(s->pend_rst_frame, low);
		if (s->has_join_token && !s->ack_judged)
			low = lower(f->first_frame, low);
	}
	return low;
}

uint32_t
mpf__mptcp_node_pending(const struct mpf_node *node)
{
	if (mpf__mptcp_unanchored(conn_of(node)))
		return node->first_frame; /* it may still join another */
	return pending_lowest(node, UINT32_MAX);
}

uint32_t
mpf__mptcp_node_link_low(const struct mpf_node *node)
{
	/* the node is the caller's const; the work counters are not state */
	struct conn *c = conn_of(node);
	uint32_t low = UINT32_MAX;
	int d;

	for (d = 0; d < 2; d++)
		low = sent_lowest(&c->side[d], low);
	return low;
}

uint32_t
mpf__mptcp_node_unsettled(const struct mpf_node *node)
{
	uint32_t a = mpf__mptcp_node_pending(node);
	uint32_t b = mpf__mptcp_node_link_low(node);

	return a < b ? a : b;
}

uint32_t
mpf__mptcp_node_unsettled_scan(const struct mpf_node *node)
{
	const struct conn *c = conn_of(node);
	uint32_t low = UINT32_MAX;
	int d;

	if (mpf__mptcp_unanchored(c))
		return node->first_frame;
	for (d = 0; d < 2; d++) {
		const struct side *sd = &c->side[d];
		struct opos p = mpf__oarr_begin(&sd->sent);

		for (; !mpf__oarr_end(&sd->sent, p); mpf__oarr_next(&sd->sent, &p))
			low = lower(((const struct sent *)mpf__oarr_at(&sd->sent,
								      p))->frame,
				    low);
	}
	return pending_lowest(node, low);
}
