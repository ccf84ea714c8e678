/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pair.c: passes 1 to 4: connections by tokens, subflows by initial
 * sequence number, by data votes, by 4-tuple and by order; then the
 * connections they make and each flow's way to their directions.
 *
 * Sets the sides' key peers, pairs and ways, m->conns and m->subs. Does
 * not pair segments (segments.c) nor count anything (rows.c).
 */
#include "match/match-int.h"

/* ------------------------------------------------------ 1. connections */

/* The run of items from @i with @i's k1 (it ends at *@end): whether it
 * holds exactly one item of each side (k2), whose ids (k3) are then in
 * @id. */
static bool
one_each(const GArray *a, guint i, guint *end, uint32_t id[2])
{
	uint32_t cnt[2] = { 0, 0 };
	guint t;

	*end = item_run_end(a, i);
	id[0] = id[1] = NONE;
	for (t = i; t < *end; t++) {
		cnt[ITEM(a, t)->k2]++;
		id[ITEM(a, t)->k2] = (uint32_t)ITEM(a, t)->k3;
	}
	return cnt[0] == 1 && cnt[1] == 1;
}

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
		const struct mpf_node *c, *s;
		uint32_t id[2];
		uint64_t key;
		bool keys = which == 3;

		if (!one_each(a, i, &j, id))
			continue;
		c = mpf_ctx_get_node(m->s[0].ctx, id[0]);
		s = mpf_ctx_get_node(m->s[1].ctx, id[1]);
		for (k = 0; k < 2 && keys; k++)
			keys = mpf_node_get_mptcp_key(c, (enum mpf_side)k, &key) &&
			       mpf_node_get_mptcp_key(s, (enum mpf_side)k, &key);
		m->s[0].nd[id[0]].key_peer = id[1];
		m->s[1].nd[id[1]].key_peer = id[0];
		m->s[0].nd[id[0]].key_how = m->s[1].nd[id[1]].key_how =
			keys ? MPF_MATCH_KEYS : MPF_MATCH_TOKEN;
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
		uint32_t id[2];

		if (!one_each(a, i, &j, id) || !flows_may_pair(m, id[0], id[1]))
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

		j = item_run_end(a, i);
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

void
mpf__match_pair_conns(struct mpf_match *m)
{
	GArray *fp;
	uint32_t id;

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
}
