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
 */
#include "mptcp-int.h"

static inline uint32_t
lower(uint32_t a, uint32_t b)
{
	return a && a < b ? a : b;
}

uint32_t
mpf__mptcp_node_unsettled(const struct mpf_node *node)
{
	const struct conn *c = conn_of(node);
	uint32_t low = UINT32_MAX;
	guint i;
	int d;

	if (mpf__mptcp_unanchored(c))
		return node->first_frame; /* it may still join another */
	for (d = 0; d < 2; d++) {
		const struct side *sd = &c->side[d];
		struct opos p = { 0, 0 };

		for (; !mpf__oarr_end(&sd->sent, p); mpf__oarr_next(&sd->sent, &p))
			low = lower(((const struct sent *)mpf__oarr_at(&sd->sent,
								      p))->frame,
				    low);
	}
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
