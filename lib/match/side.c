/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * side.c: one capture as the match sees it: each flow's survivor (through
 * the merges), node, way and initial sequence numbers, conversations as
 * flows and nodes of their own.
 *
 * Fills struct side from a context and its log. Does not pair anything
 * (pair.c, segments.c) nor change the context.
 */
#include "match/match-int.h"

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

void
mpf__match_side_init(struct side *sd, const struct mpf_ctx *ctx)
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

void
mpf__match_side_fini(struct side *sd)
{
	g_free(sd->fl);
	g_free(sd->nd);
	g_free(sd->partner);
	if (sd->unmatched_nodes)
		g_array_free(sd->unmatched_nodes, TRUE);
	if (sd->unmatched_flows)
		g_array_free(sd->unmatched_flows, TRUE);
}
