/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * assoc.c: the backend's lifecycle and its table (mpf__backend_sctp);
 * associations (nodes) and their keys in by_key, half associations,
 * the addresses of each side, paths (flows) by address pair, the window
 * of TSNs each side sent, and the streaming hooks.
 *
 * The only file that files or unfiles keys; does not parse chunks
 * (chunk.c) or decide what a packet means (ingest.c).
 */
#include <string.h>

#include "backends/sctp/sctp-int.h"

static guint
side_key_hash(gconstpointer k)
{
	const struct side_key *s = k;

	return (guint)(s->tag * 0x9e3779b1u) ^ ((guint)s->rport << 16 | s->sport);
}

static gboolean
side_key_equal(gconstpointer a, gconstpointer b)
{
	const struct side_key *x = a, *y = b;

	return x->tag == y->tag && x->rport == y->rport && x->sport == y->sport;
}

guint
mpf__sctp_port_pair(uint16_t a, uint16_t b)
{
	return a < b ? (guint)a << 16 | b : (guint)b << 16 | a;
}

static void
sctp_init(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	mpf__sctp_crc32c_init();
	s->by_key = g_hash_table_new_full(side_key_hash, side_key_equal, g_free,
					  NULL);
	s->half = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
					(GDestroyNotify)g_ptr_array_unref);
}

static void
sctp_fini(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	g_hash_table_destroy(s->by_key);
	g_hash_table_destroy(s->half);
	mpf__sctp_partial_fini(s);
}

static void
sctp_node_fini(struct mpf_node *n)
{
	struct assoc *a = assoc_of(n);
	int i;

	for (i = 0; i < 2; i++) {
		if (a->addrs[i])
			g_array_free(a->addrs[i], TRUE);
		g_free(a->tsn[i].bits);
	}
	if (a->primary)
		g_array_free(a->primary, TRUE);
	if (a->flows)
		g_hash_table_destroy(a->flows);
}

static bool
sctp_claims(const struct mpf_pkt *pkt)
{
	return pkt->sctp != NULL;
}

/* ----------------------------------------------------- associations */

void
mpf__sctp_file_key(struct state *st, struct mpf_node *n, int side)
{
	struct assoc *a = assoc_of(n);
	struct side_key *k = g_new(struct side_key, 1);

	k->rport = a->port[side];
	k->sport = a->port[1 - side];
	k->tag = a->tag[side];
	g_hash_table_replace(st->by_key, k, n);
}

struct mpf_node *
mpf__sctp_find_key(struct state *st, uint16_t rport, uint16_t sport,
		   uint32_t tag)
{
	struct side_key k = { rport, sport, tag };

	return g_hash_table_lookup(st->by_key, &k);
}

void
mpf__sctp_half_add(struct state *st, struct mpf_node *n)
{
	struct assoc *a = assoc_of(n);
	gpointer key = GUINT_TO_POINTER(mpf__sctp_port_pair(a->port[0],
							    a->port[1]));
	GPtrArray *v = g_hash_table_lookup(st->half, key);

	if (!v) {
		v = g_ptr_array_new();
		g_hash_table_insert(st->half, key, v);
	}
	g_ptr_array_add(v, n);
	a->half_listed = true;
}

void
mpf__sctp_half_remove(struct state *st, struct mpf_node *n)
{
	struct assoc *a = assoc_of(n);
	GPtrArray *v;

	if (!a->half_listed)
		return;
	v = g_hash_table_lookup(st->half,
				GUINT_TO_POINTER(mpf__sctp_port_pair(a->port[0],
								     a->port[1])));
	if (v)
		g_ptr_array_remove_fast(v, n);
	a->half_listed = false;
}

struct saddr *
mpf__sctp_addr_find(struct assoc *a, int side, const struct mpf_addr *addr)
{
	guint i;

	for (i = 0; a->addrs[side] && i < a->addrs[side]->len; i++) {
		struct saddr *x = &g_array_index(a->addrs[side], struct saddr, i);

		if (memcmp(&x->addr, addr, sizeof(*addr)) == 0)
			return x;
	}
	return NULL;
}

/* Records @addr for @side with @origin; returns it (NULL past the cap). */
struct saddr *
mpf__sctp_addr_note(struct assoc *a, int side, const struct mpf_addr *addr,
		    unsigned origin, uint32_t frame)
{
	struct saddr *x = mpf__sctp_addr_find(a, side, addr);

	if (!x) {
		struct saddr n;

		if (!a->addrs[side])
			a->addrs[side] = g_array_new(FALSE, TRUE, sizeof(struct saddr));
		if (a->addrs[side]->len >= MAX_ADDRS)
			return NULL;
		memset(&n, 0, sizeof(n));
		n.addr = *addr;
		n.first_frame = frame;
		g_array_append_val(a->addrs[side], n);
		x = &g_array_index(a->addrs[side], struct saddr,
				   a->addrs[side]->len - 1);
	}
	x->origin |= (uint16_t)origin;
	return x;
}

/* Whether @side's address set was announced (its INIT or INIT ACK seen,
 * so that an address outside it is news). */
bool
mpf__sctp_announced_known(const struct assoc *a, int side)
{
	return a->init_seen[side];
}

bool
mpf__sctp_is_announced(const struct saddr *x)
{
	return x->origin & (MPF_SCTP_ADDR_INIT_PARAM | MPF_SCTP_ADDR_INIT_SOURCE |
			    MPF_SCTP_ADDR_ASCONF_ADD | MPF_SCTP_ADDR_ASCONF_LOOKUP);
}

struct mpf_node *
mpf__sctp_assoc_new(struct mpf_ctx *ctx, const struct mpf_pkt *pkt,
		    uint16_t cport, uint16_t sport)
{
	struct mpf_node *n = mpf__node_new(ctx, &mpf__backend_sctp, pkt);
	struct assoc *a = assoc_of(n);

	a->port[MPF_SIDE_CLIENT] = cport;
	a->port[MPF_SIDE_SERVER] = sport;
	a->cause = -1;
	return n;
}

/* The flow of the packet's address pair in @n, made when new (unless
 * @may_create is false). *@dir gets the packet's way along it. */
struct mpf_flow *
mpf__sctp_path_get(struct mpf_ctx *ctx, struct mpf_node *n,
		   const struct mpf_pkt *pkt, uint16_t sport, uint16_t dport,
		   bool may_create, int *dir)
{
	struct assoc *a = assoc_of(n);
	struct mpf_tuple key;
	struct mpf_flow *f;
	bool fwd;

	memset(&key, 0, sizeof(key));
	if (memcmp(&pkt->src, &pkt->dst, sizeof(pkt->src)) <= 0) {
		key.a.addr = pkt->src;
		key.b.addr = pkt->dst;
	} else {
		key.a.addr = pkt->dst;
		key.b.addr = pkt->src;
	}
	if (!a->flows)
		a->flows = g_hash_table_new(mpf__tuple_hash, mpf__tuple_equal);
	f = g_hash_table_lookup(a->flows, &key);
	if (!f) {
		struct mpf_endpoint s, d;

		if (!may_create)
			return NULL;
		memset(&s, 0, sizeof(s));
		memset(&d, 0, sizeof(d));
		s.addr = pkt->src;
		s.port = sport;
		d.addr = pkt->dst;
		d.port = dport;
		f = mpf__flow_new(ctx, n, &s, &d, pkt);
		path_of(f)->tuple = key;
		g_hash_table_insert(a->flows, &path_of(f)->tuple, f);
	}
	fwd = memcmp(&pkt->src, &f->src.addr, sizeof(pkt->src)) == 0;
	if (memcmp(&pkt->src, &pkt->dst, sizeof(pkt->src)) == 0)
		fwd = sport == f->src.port; /* one address both ways: loopback */
	*dir = fwd ? MPF_SIDE_CLIENT : MPF_SIDE_SERVER;
	return f;
}

/* ------------------------------------------------------------- TSNs */

/* Marks @tsn sent by one side; returns true when it was seen before. */
bool
mpf__sctp_tsn_seen(struct tsnwin *w, uint32_t tsn)
{
	uint32_t i;
	int32_t d;

	if (!w->bits)
		w->bits = g_malloc0(TSN_WINDOW / 8);
	if (!w->init) {
		w->init = true;
		w->hi = tsn;
		w->bits[(tsn % TSN_WINDOW) / 8] |= (uint8_t)(1 << (tsn % 8));
		return false;
	}
	d = (int32_t)(tsn - w->hi);
	if (d > 0) {
		/* forget the TSNs that leave the window */
		uint32_t clear = (uint32_t)d < TSN_WINDOW ? (uint32_t)d : TSN_WINDOW;

		for (i = 1; i <= clear; i++) {
			uint32_t t = w->hi + i;

			w->bits[(t % TSN_WINDOW) / 8] &= (uint8_t)~(1 << (t % 8));
		}
		w->hi = tsn;
	} else if ((uint32_t)-d >= TSN_WINDOW) {
		return true; /* far below the window: surely sent before */
	}
	if (w->bits[(tsn % TSN_WINDOW) / 8] & (1 << (tsn % 8)))
		return true;
	w->bits[(tsn % TSN_WINDOW) / 8] |= (uint8_t)(1 << (tsn % 8));
	return false;
}

/* --------------------------------------------------------- streaming */

static void
sctp_node_unhook(struct mpf_ctx *ctx, void *state, struct mpf_node *node,
		 struct mpf_node *owner)
{
	struct state *st = state;
	struct assoc *a = assoc_of(node);
	int side;

	(void)ctx;
	for (side = 0; side < 2; side++) {
		struct side_key k = { a->port[side], a->port[1 - side],
				      a->tag[side] };
		struct mpf_node *v;

		if (!a->has_tag[side])
			continue;
		v = g_hash_table_lookup(st->by_key, &k);
		if (v == node || v == owner)
			g_hash_table_remove(st->by_key, &k);
	}
	if (a->half_listed) {
		gpointer key = GUINT_TO_POINTER(mpf__sctp_port_pair(a->port[0],
								    a->port[1]));
		GPtrArray *v;

		mpf__sctp_half_remove(st, node);
		v = g_hash_table_lookup(st->half, key);
		if (v && v->len == 0)
			g_hash_table_remove(st->half, key);
	}
}

static size_t
sctp_node_mem(const struct mpf_node *node)
{
	const struct assoc *a = assoc_of(node);
	size_t m = 0;
	int i;

	for (i = 0; i < 2; i++) {
		if (a->addrs[i])
			m += a->addrs[i]->len * sizeof(struct saddr) + 32;
		if (a->tsn[i].bits)
			m += TSN_WINDOW / 8;
	}
	if (a->primary)
		m += a->primary->len * sizeof(struct mpf_sctp_primary) + 32;
	if (a->flows)
		m += 64 + g_hash_table_size(a->flows) * 32;
	return m;
}

static bool
sctp_node_settled(const struct mpf_node *node)
{
	return assoc_of(node)->established;
}

static bool
sctp_node_ended(const struct mpf_node *node)
{
	const struct assoc *a = assoc_of(node);

	return a->end != MPF_SCTP_END_OPEN || a->shutdown_frame != 0;
}

/* The backend: its hooks are here, in ingest.c and in partial.c. */
const struct mpf_backend mpf__backend_sctp = {
	.name = "sctp",
	.protocol = MPF_PROTO_SCTP,
	.state_size = sizeof(struct state),
	.node_priv_size = sizeof(struct assoc),
	.flow_priv_size = sizeof(struct path),
	.init = sctp_init,
	.fini = sctp_fini,
	.claims = sctp_claims,
	.ingest = mpf__sctp_ingest,
	.node_fini = sctp_node_fini,
	.flow_fini = NULL,
	.node_unhook = sctp_node_unhook,
	.node_mem = sctp_node_mem,
	.mem_every = 1,
	.node_settled = sctp_node_settled,
	.node_ended = sctp_node_ended,
	.flow_type = mpf__sctp_flow_type,
	.node_type = mpf__sctp_node_type,
	.state_type = mpf__sctp_state_type,
	.flow_export = mpf__sctp_flow_export,
	.flow_import = mpf__sctp_flow_import,
	.node_export = mpf__sctp_node_export,
	.node_import = mpf__sctp_node_import,
	.state_export = mpf__sctp_state_export,
	.state_import = mpf__sctp_state_import,
	.partial_residues = mpf__sctp_partial_residues,
	.partial_join = mpf__sctp_partial_join,
	.partial_adopted = mpf__sctp_partial_adopted,
};
