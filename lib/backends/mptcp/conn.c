/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conn.c: the backend's lifecycle and its table (mpf__backend_mptcp): the
 * state's hash tables, freeing a connection (node) and a subflow (flow),
 * and creating them for the first packet of an unknown 4-tuple (MP_CAPABLE
 * opens a connection, MP_JOIN joins one by token, anything else opens one
 * whose handshake was not captured).
 *
 * Files subflows in by_tuple and orphan tokens in by_token. Reads parsed
 * options only; does not touch the data level (seq.c, dss.c) or merge
 * nodes (infer.c).
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

static void
owners_free(gpointer p)
{
	g_array_free(p, TRUE);
}

/*
 * The tables keyed by values a peer chooses (keys, tokens, DSN buckets)
 * hash them mixed with a seed drawn once per process: GLib's own hashes
 * of integers keep their bits, so chosen values (or merely regular ones,
 * as DSN buckets are) would share one hash and every lookup walk them.
 */
static uint64_t hash_seed;

static guint
mix64(uint64_t v)
{
	v ^= hash_seed;
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	v *= 0xc4ceb9fe1a85ec53ULL;
	v ^= v >> 33;
	return (guint)v;
}

static guint
u64_hash(gconstpointer k)
{
	return mix64(*(const uint64_t *)k);
}

static guint
uint_hash(gconstpointer k)
{
	return mix64(GPOINTER_TO_UINT(k));
}

static void
mptcp_init(struct mpf_ctx *ctx, void *st)
{
	static gsize seeded;
	struct state *s = st;

	(void)ctx;
	mpf__crypto_init();
	if (g_once_init_enter(&seeded)) {
		hash_seed = (uint64_t)g_random_int() << 32 | g_random_int();
		g_once_init_leave(&seeded, 1);
	}
	s->by_tuple = g_hash_table_new(mpf__tuple_hash, mpf__tuple_equal);
	s->by_token = g_hash_table_new(uint_hash, g_direct_equal);
	s->by_key = g_hash_table_new_full(u64_hash, g_int64_equal, g_free, NULL);
	s->dsn_wide = g_hash_table_new_full(u64_hash, g_int64_equal, g_free,
					    owners_free);
	s->dsn_narrow = g_hash_table_new_full(u64_hash, g_int64_equal, g_free,
					      owners_free);
}

static void
mptcp_fini(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	g_hash_table_destroy(s->by_tuple);
	g_hash_table_destroy(s->by_token);
	g_hash_table_destroy(s->by_key);
	g_hash_table_destroy(s->dsn_wide);
	g_hash_table_destroy(s->dsn_narrow);
	mpf__mptcp_partial_fini(s);
}

static void
mptcp_node_fini(struct mpf_node *n)
{
	struct conn *c = conn_of(n);
	int i;

	if (c->announced)
		g_array_free(c->announced, TRUE);
	if (c->evidence)
		g_array_free(c->evidence, TRUE);
	g_free(c->pend);
	for (i = 0; i < 2; i++) {
		mpf__oarr_free(&c->side[i].sent);
		mpf__oarr_free(&c->side[i].sent_frames);
	}
}

static void
mptcp_flow_fini(struct mpf_flow *f)
{
	struct sub *s = sub_of(f);
	int d;

	for (d = 0; d < 2; d++)
		mpf__oarr_free(&s->dir[d].maps);
	if (s->prio)
		g_array_free(s->prio, TRUE);
}

static bool
mptcp_claims(const struct mpf_pkt *pkt)
{
	return pkt->has_tcp;
}

/* --------------------------------------------------------- creation */

bool
mpf__mptcp_pkt_from_src(const struct mpf_flow *f, const struct mpf_pkt *pkt)
{
	return pkt->sport == f->src.port && mpf__addr_equal(&pkt->src, &f->src.addr);
}

static void
endpoints_of(const struct mpf_pkt *pkt, struct mpf_endpoint *src,
	     struct mpf_endpoint *dst)
{
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	src->addr = pkt->src;
	src->port = pkt->sport;
	dst->addr = pkt->dst;
	dst->port = pkt->dport;
}

static struct mpf_node *
conn_new(struct mpf_ctx *ctx, const struct mpf_pkt *pkt)
{
	struct mpf_node *n = mpf__node_new(ctx, &mpf__backend_mptcp, pkt);

	conn_of(n)->version = -1;
	conn_of(n)->side[0].settling = conn_of(n)->side[1].settling =
		ctx->store != NULL;
	return n;
}

/* Swaps which end of a subflow is the client (after an inferred merge
 * found the guess wrong). */
void
mpf__mptcp_sub_flip(struct mpf_flow *f)
{
	struct sub *s = sub_of(f);

	s->src_is_client = !s->src_is_client;
}

/*
 * A new subflow for a packet on an unknown 4-tuple. @opened_by_src says the
 * packet's source opened the subflow (sent the SYN); otherwise the packet
 * is the SYN/ACK and its destination did.
 */
static struct mpf_flow *
sub_new(struct mpf_ctx *ctx, struct state *st, struct mpf_node *node,
	const struct mpf_pkt *pkt, const struct mpf_tuple *key,
	bool opened_by_src, bool src_is_client, enum mpf_mptcp_role role)
{
	struct mpf_endpoint a, b;
	struct mpf_flow *f;
	struct sub *s;

	endpoints_of(pkt, &a, &b);
	f = opened_by_src ? mpf__flow_new(ctx, node, &a, &b, pkt)
			  : mpf__flow_new(ctx, node, &b, &a, pkt);
	s = sub_of(f);
	s->tuple = *key;
	s->src_is_client = src_is_client;
	s->role = (uint8_t)role;
	s->addr_id[0] = s->addr_id[1] = -1;
	s->rst_reason = -1;
	s->fresh = (pkt->tcp_flags & (MPF_TCP_SYN | MPF_TCP_ACK)) == MPF_TCP_SYN;
	s->pend_rst_reason = -1;
	if (role == MPF_MPTCP_ROLE_INITIAL)
		s->addr_id[0] = s->addr_id[1] = 0;
	g_hash_table_replace(st->by_tuple, &s->tuple, f);
	s->in_table = true;
	st->last = NULL;
	return f;
}

/* The first option of @subtype among the @n parsed ones, or NULL. */
const struct mpf_mptcp_opt *
mpf__mptcp_find_opt(const struct mpf_mptcp_opt *o, int n, unsigned subtype)
{
	int i;

	for (i = 0; i < n; i++)
		if (o[i].subtype == subtype)
			return &o[i];
	return NULL;
}

/*
 * Creates the node and flow for the first packet of an unknown 4-tuple
 * that carries MPTCP options; NULL when it carries none, or when it is a
 * join of a flood whose flows are no longer kept (then *@orphan_node is the
 * node the frame still belongs to).
 */
struct mpf_flow *
mpf__mptcp_flow_create(struct mpf_ctx *ctx, struct state *st,
		       const struct mpf_pkt *pkt, const struct mpf_tuple *key,
		       const struct mpf_mptcp_opt *o, int n,
		       struct mpf_frame *rec, struct mpf_node **orphan_node)
{
	bool syn = pkt->tcp_flags & MPF_TCP_SYN, ack = pkt->tcp_flags & MPF_TCP_ACK;
	const struct mpf_mptcp_opt *mpc =
		mpf__mptcp_find_opt(o, n, MPF_MPTCP_SUB_CAPABLE);
	const struct mpf_mptcp_opt *join =
		mpf__mptcp_find_opt(o, n, MPF_MPTCP_SUB_JOIN);
	struct mpf_node *node;
	struct mpf_flow *f;

	if (n == 0)
		return NULL;
	if (mpc) {
		/* a SYN/ACK opens for its destination; anything else (SYN,
		 * third ACK, first data) is sent by the client */
		node = conn_new(ctx, pkt);
		return sub_new(ctx, st, node, pkt, key, !(syn && ack), true,
			       MPF_MPTCP_ROLE_INITIAL);
	}
	if (join && join->u.join.kind == MPJ_SYN && syn && !ack &&
	    mpf__mptcp_opt_has(join, 8)) {
		uint32_t token = join->u.join.token;
		bool src_is_client = true;
		struct conn *c;

		node = g_hash_table_lookup(st->by_token, GUINT_TO_POINTER(token));
		if (!node) {
			/* no connection has this token: keep the join in a
			 * node of its own, which later joins with the same
			 * token share (as Wireshark groups them) */
			node = conn_new(ctx, pkt);
			c = conn_of(node);
			c->orphan = true;
			c->side[MPF_SIDE_SERVER].has_token = true;
			c->side[MPF_SIDE_SERVER].token = token;
			g_hash_table_replace(st->by_token,
					     GUINT_TO_POINTER(token), node);
		} else {
			c = conn_of(node);
			/* a join carries the token of the side it is sent
			 * to: the server's for a join from the client */
			src_is_client = !(c->side[MPF_SIDE_CLIENT].has_token &&
					  c->side[MPF_SIDE_CLIENT].token == token &&
					  !(c->side[MPF_SIDE_SERVER].has_token &&
					    c->side[MPF_SIDE_SERVER].token ==
						    token));
		}
		if (c->orphan) {
			rec->bflags |= MPF_MPTCP_FRAME_ORPHAN_JOIN;
			c->checks.orphan_joins++;
			if (node->flows->len >= MAX_ORPHAN_FLOWS) {
				/* a flood: count the frame in the node but
				 * keep no state for its 4-tuple */
				c->checks.orphan_joins_untracked++;
				*orphan_node = node;
				return NULL;
			}
		}
		if (node->flows->len >= MAX_SUBFLOWS) {
			/* as many as a connection may have: the frame is
			 * the node's, its 4-tuple is not kept */
			c->checks.limited++;
			*orphan_node = node;
			return NULL;
		}
		f = sub_new(ctx, st, node, pkt, key, true, src_is_client,
			    MPF_MPTCP_ROLE_JOIN);
		sub_of(f)->has_join_token = true;
		sub_of(f)->join_token = token;
		return f;
	}
	/* the handshake was not captured: a connection of its own, its
	 * client guessed as the subflow's opener or the first sender, until
	 * the data level shows where it belongs */
	node = conn_new(ctx, pkt);
	if (join)
		return sub_new(ctx, st, node, pkt, key, !(syn && ack), true,
			       MPF_MPTCP_ROLE_JOIN);
	return sub_new(ctx, st, node, pkt, key, true, true,
		       MPF_MPTCP_ROLE_UNKNOWN);
}

/* ------------------------------------------------- token collisions */

/* Which side of @c a join's SYN was sent to: the one whose token it
 * carried; -1 when neither has it. */
static int
token_side(const struct conn *c, uint32_t token)
{
	int i;

	for (i = 1; i >= 0; i--)
		if (c->side[i].has_token && c->side[i].token == token)
			return i;
	return -1;
}

/* The live node a node id stands for (merges are followed), or NULL. */
static struct mpf_node *
node_by_id(struct mpf_ctx *ctx, uint32_t id)
{
	struct mpf_node *n = mpf__ids_get(&ctx->nodes, id);
	int hops;

	for (hops = 0; n && n->merged_into != MPF_ID_NONE && hops < 8; hops++)
		n = mpf__ids_get(&ctx->nodes, n->merged_into);
	return n && n->merged_into == MPF_ID_NONE ? n : NULL;
}

struct move_fix {
	uint32_t flow, to;
	bool flip;
};

static void
fix_moved(struct mpf_frame *rec, void *user)
{
	const struct move_fix *m = user;

	if (rec->flow != m->flow)
		return;
	rec->node = m->to;
	if (m->flip)
		rec->dir = (uint8_t)(1 - rec->dir);
}

/*
 * A join whose token several connections share (a collision: the same
 * server key twice, or keys chosen to collide) was filed with the newest
 * owner. When its HMAC (the SYN/ACK's @trunc, or the third ACK's @hmac)
 * does not verify there, tries the older owners of the token and moves
 * the subflow, with its frames, to the one it verifies with.
 */
void
mpf__mptcp_join_owner(struct mpf_ctx *ctx, struct mpf_flow *f, bool synack,
		      uint64_t trunc, const uint8_t *hmac)
{
	struct sub *s = sub_of(f);
	struct mpf_node *cand = f->node;
	int hops, b;

	if (!s->has_join_token)
		return;
	b = token_side(conn_of(cand), s->join_token);
	if (b < 0 || !conn_of(cand)->side[b].has_token_prev ||
	    mpf__mptcp_join_check(conn_of(cand), s, 1 - b, synack, trunc,
				  hmac) == MPF_MPTCP_HMAC_OK)
		return;
	for (hops = 0; hops < 8; hops++) {
		const struct conn *c = conn_of(cand);
		struct move_fix m;

		b = token_side(c, s->join_token);
		if (b < 0 || !c->side[b].has_token_prev)
			return;
		cand = node_by_id(ctx, c->side[b].token_prev);
		if (!cand || cand == f->node)
			return;
		b = token_side(conn_of(cand), s->join_token);
		if (b < 0 || mpf__mptcp_join_check(conn_of(cand), s, 1 - b,
						   synack, trunc,
						   hmac) != MPF_MPTCP_HMAC_OK)
			continue;
		m.flow = f->id;
		m.to = cand->id;
		/* the SYN went to side b: its sender is the other one */
		m.flip = s->src_is_client != (b == MPF_SIDE_SERVER);
		s->src_is_client = b == MPF_SIDE_SERVER;
		mpf_log(ctx, MPF_LOG_INFO,
			"join flow %u moves from node %u to node %u: its HMAC "
			"verifies with the older owner of token %08x",
			f->id, f->node->id, cand->id, s->join_token);
		mpf__flow_move(ctx, f, cand, fix_moved, &m);
		return;
	}
}

/* The backend: its hooks are here, in ingest.c, stream.c and partial.c. */
const struct mpf_backend mpf__backend_mptcp = {
	.name = "mptcp",
	.protocol = MPF_PROTO_MPTCP,
	.state_size = sizeof(struct state),
	.node_priv_size = sizeof(struct conn),
	.flow_priv_size = sizeof(struct sub),
	.init = mptcp_init,
	.fini = mptcp_fini,
	.claims = mptcp_claims,
	.ingest = mpf__mptcp_ingest,
	.node_fini = mptcp_node_fini,
	.flow_fini = mptcp_flow_fini,
	.node_unhook = mpf__mptcp_node_unhook,
	.node_mem = mpf__mptcp_node_mem,
	.mem_every = 32,
	.node_settled = mpf__mptcp_node_settled,
	.node_ended = mpf__mptcp_node_ended,
	.node_unsettled = mpf__mptcp_node_pending,
	.node_link_low = mpf__mptcp_node_link_low,
	.relink_window = RELINK_FRAMES,
	.flow_type = mpf__mptcp_flow_type,
	.node_type = mpf__mptcp_node_type,
	.state_type = mpf__mptcp_state_type,
	.flow_export = mpf__mptcp_flow_export,
	.flow_import = mpf__mptcp_flow_import,
	.node_export = mpf__mptcp_node_export,
	.node_import = mpf__mptcp_node_import,
	.state_export = mpf__mptcp_state_export,
	.state_import = mpf__mptcp_state_import,
	.residues_at = offsetof(struct state, residues),
	.partial_residue = mpf__mptcp_partial_residue,
	.partial_join = mpf__mptcp_partial_join,
	.partial_adopted = mpf__mptcp_partial_adopted,
};
