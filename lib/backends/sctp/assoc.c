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

static void
sctp_init(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	mpf__sctp_crc32c_init();
	s->by_key = g_hash_table_new_full(side_key_hash, side_key_equal, g_free,
					  NULL);
	s->half = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
					(GDestroyNotify)g_queue_free);
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
	const uint8_t *sctp;
	uint32_t cap, len;

	return mpf__sctp_locate(pkt, &sctp, &cap, &len);
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

/* The key of the half associations that wait for the tag of the side on
 * port @rport, the other side being on @sport. */
static gpointer
half_key(uint16_t rport, uint16_t sport)
{
	return GUINT_TO_POINTER((guint)rport << 16 | sport);
}

static int
half_missing(const struct assoc *a)
{
	return a->has_tag[MPF_SIDE_CLIENT] ? MPF_SIDE_SERVER : MPF_SIDE_CLIENT;
}

GQueue *
mpf__sctp_half_waiting(struct state *st, uint16_t rport, uint16_t sport)
{
	return g_hash_table_lookup(st->half, half_key(rport, sport));
}

/* Files @n, which knows one tag, among those waiting for the other: the
 * most recent first, at most HALF_WAITING on one port pair and way, so
 * that finding the one a packet completes costs the same whatever came
 * before (the oldest stops waiting: a packet for it makes a new half). */
void
mpf__sctp_half_add(struct state *st, struct mpf_node *n)
{
	struct assoc *a = assoc_of(n);
	int m = half_missing(a);
	gpointer key = half_key(a->port[m], a->port[1 - m]);
	GQueue *q = g_hash_table_lookup(st->half, key);

	if (!q) {
		q = g_queue_new();
		g_hash_table_insert(st->half, key, q);
	}
	if (q->length >= HALF_WAITING) {
		struct mpf_node *old = g_queue_pop_tail(q);

		assoc_of(old)->half_listed = false;
		st->half_dropped++;
	}
	g_queue_push_head(q, n);
	a->half_listed = true;
}

void
mpf__sctp_half_remove(struct state *st, struct mpf_node *n)
{
	struct assoc *a = assoc_of(n);
	gpointer key;
	GQueue *q;
	int m;

	if (!a->half_listed)
		return;
	/* filed under the side it missed then: with both tags known now,
	 * either side may be it */
	for (m = 0; m < 2; m++) {
		key = half_key(a->port[m], a->port[1 - m]);
		q = g_hash_table_lookup(st->half, key);
		if (q && g_queue_remove(q, n)) {
			if (q->length == 0)
				g_hash_table_remove(st->half, key);
			break;
		}
	}
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

static void
tsn_set(struct tsnwin *w, uint32_t tsn)
{
	uint32_t i = tsn & (w->size - 1);

	w->bits[i / 8] |= (uint8_t)(1 << (i % 8));
}

static bool
tsn_get(const struct tsnwin *w, uint32_t tsn)
{
	uint32_t i = tsn & (w->size - 1);

	return w->bits[i / 8] >> (i % 8) & 1;
}

/* Makes the window @need bits wide (a power of two), keeping what it
 * knows of the TSNs from w->hi down. */
static void
tsn_grow(struct tsnwin *w, uint32_t need)
{
	struct tsnwin old = *w;
	uint32_t k;

	while (w->size < need)
		w->size *= 2;
	if (w->size == old.size)
		return;
	w->bits = g_malloc0(w->size / 8);
	for (k = 0; k < old.size; k++)
		if (tsn_get(&old, old.hi - k))
			tsn_set(w, old.hi - k);
	g_free(old.bits);
}

/* Marks @tsn sent by one side; returns true when it was seen before. */
bool
mpf__sctp_tsn_seen(struct tsnwin *w, uint32_t tsn)
{
	uint32_t i, hi, lo, need;
	int32_t d;

	if (!w->init) {
		w->init = true;
		w->hi = w->lo = tsn;
		w->size = TSN_WINDOW_MIN;
		w->bits = g_malloc0(w->size / 8);
		tsn_set(w, tsn);
		return false;
	}
	d = (int32_t)(tsn - w->hi);
	if (d <= 0 && (uint32_t)-d >= TSN_WINDOW)
		return true; /* far below the window: surely sent before */
	hi = d > 0 ? tsn : w->hi;
	lo = (int32_t)(tsn - w->lo) < 0 ? tsn : w->lo;
	need = hi - lo + 1;
	if (need > TSN_WINDOW || need == 0) {
		need = TSN_WINDOW;
		lo = hi - (TSN_WINDOW - 1);
	}
	tsn_grow(w, need);
	if (d > 0) {
		/* forget the TSNs that leave the window */
		uint32_t clear = (uint32_t)d < w->size ? (uint32_t)d : w->size;

		for (i = 1; i <= clear; i++) {
			uint32_t t = (w->hi + i) & (w->size - 1);

			w->bits[t / 8] &= (uint8_t)~(1 << (t % 8));
		}
		w->hi = tsn;
	}
	w->lo = lo;
	if (tsn_get(w, tsn))
		return true;
	tsn_set(w, tsn);
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
	mpf__sctp_half_remove(st, node);
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
			m += a->tsn[i].size / 8 + 16;
	}
	if (a->primary)
		m += a->primary->len * sizeof(struct mpf_sctp_primary) + 32;
	/* a GHashTable and its first arrays of 8 slots, then per entry */
	if (a->flows)
		m += 224 + g_hash_table_size(a->flows) * 32;
	/* each tag filed in by_key: its key and the table's slots */
	m += (size_t)(a->has_tag[0] + a->has_tag[1]) * 56;
	return m;
}

static bool
sctp_node_settled(const struct mpf_node *node)
{
	return assoc_of(node)->established;
}

/* Only an INIT collision changes earlier records: the node opened by one
 * of the two INITs, never established, is absorbed with its frames. */
static uint32_t
sctp_node_unsettled(const struct mpf_node *node)
{
	return assoc_of(node)->established ? UINT32_MAX : node->first_frame;
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
	.udp_ports = mpf__sctp_udp_ports,
	.ingest = mpf__sctp_ingest,
	.node_fini = sctp_node_fini,
	.flow_fini = NULL,
	.node_unhook = sctp_node_unhook,
	.node_mem = sctp_node_mem,
	.mem_every = 1,
	.node_settled = sctp_node_settled,
	.node_ended = sctp_node_ended,
	.node_unsettled = sctp_node_unsettled,
	.flow_type = mpf__sctp_flow_type,
	.node_type = mpf__sctp_node_type,
	.state_type = mpf__sctp_state_type,
	.flow_export = mpf__sctp_flow_export,
	.flow_import = mpf__sctp_flow_import,
	.node_export = mpf__sctp_node_export,
	.node_import = mpf__sctp_node_import,
	.state_export = mpf__sctp_state_export,
	.state_import = mpf__sctp_state_import,
	.residues_at = offsetof(struct state, residues),
	.partial_residue = mpf__sctp_partial_residue,
	.partial_join = mpf__sctp_partial_join,
	.partial_adopted = mpf__sctp_partial_adopted,
};
