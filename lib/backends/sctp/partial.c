/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * partial.c: SCTP in partial results (lib/partial.c): associations and
 * their paths as GVariants, read back into the state's tables, and the
 * parts of a capture merged where one context would have seen one
 * association.
 *
 * One context finds an association by the verification tag a packet
 * carries (with the ports), completes a half association with the tag of
 * its other side, and opens a new one for an INIT unless an open
 * association of the INIT's tag was never established. The merge does the
 * same with what each part kept: an association of the later part joins
 * the earlier one that has one of its tags on the same ports, or the half
 * one it completes; one opened by an INIT only one never established. Its
 * paths fold into the earlier one's of the same address pair.
 *
 * In shard mode a part also keeps the packets with a wrong CRC that found
 * no association in it (one context counts them on the association their
 * tag names), per ports, tag and addresses; the merge counts them where
 * one context would. MPF_RESIDUES_MAX of them at most.
 */
#include <math.h>
#include <string.h>

#include "backends/sctp/sctp-int.h"

/* Packets of a wrong CRC from one address to another, with one tag. */
struct sres {
	struct sres_key {
		uint16_t sport, dport;
		uint32_t vtag;
		uint8_t t_bit;
		uint8_t pad[3];
		struct mpf_addr src, dst;
	} key;
	struct mpf_traffic t; /* way 0 only: from key.src */
};

static guint
sres_hash(gconstpointer k)
{
	return mpf__bytes_hash(k, sizeof(struct sres_key));
}

static gboolean
sres_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(struct sres_key)) == 0;
}

static const struct mpf_residue_type sres_type = {
	sres_hash, sres_equal, sizeof(struct sres_key), sizeof(struct sres)
};

static struct sres *
sres_get(struct state *st, const struct sres_key *k)
{
	return mpf__residue_get(&st->residues, &sres_type, k);
}

void
mpf__sctp_residue_note(struct state *st, const struct mpf_pkt *pkt,
		       uint16_t sport, uint16_t dport, uint32_t vtag, bool t_bit)
{
	struct sres_key k;
	struct sres *r;

	memset(&k, 0, sizeof(k));
	k.sport = sport;
	k.dport = dport;
	k.vtag = vtag;
	k.t_bit = t_bit;
	k.src = pkt->src;
	k.dst = pkt->dst;
	r = sres_get(st, &k);
	if (r)
		mpf__traffic_add(&r->t, 0, pkt);
}

void
mpf__sctp_partial_fini(struct state *st)
{
	mpf__residues_clear(&st->residues);
}

/* ----------------------------------------------------------- format */

/* a path: DATA chunks, retransmissions, heartbeats and their acks each
 * way, RTT samples, min, avg, max, unannounced, the sum of RTTs */
#define PATH_T "(ttttttttudddbd)"
/* one side's stats: TSN range, DATA, retransmissions, SACKs, bad CRCs */
#define SSTATS_M "buuttttu"
/* an association: ports, tags, handshake, established, fresh, end, its
 * frame, shutdown frame, cause, half, each side's stats */
#define ASSOC_T "(qqbbuubbbbyuuib" SSTATS_M SSTATS_M ")"
#define SADDR_T "(" MPF_ADDR_T "quuuu)"
#define PRIMARY_T "(yuy" MPF_ADDR_T "u)"
#define SRES_T "(qquy" MPF_ADDR_T MPF_ADDR_T MPF_TRAFFIC_T ")"

const char mpf__sctp_flow_type[] = PATH_T;
const char mpf__sctp_node_type[] =
	"(" ASSOC_T "a" SADDR_T "a" SADDR_T "a" PRIMARY_T ")";
const char mpf__sctp_state_type[] = "(a" SRES_T "u)";

GVariant *
mpf__sctp_flow_export(const struct mpf_flow *flow)
{
	const struct path *q = path_of(flow);
	const struct mpf_sctp_flow_stats *s = &q->st;
	struct mpf_pack p;
	int d;

	mpf__pack_begin(&p);
	for (d = 0; d < 2; d++)
		mpf__pack_t(&p, s->data_chunks[d]);
	for (d = 0; d < 2; d++)
		mpf__pack_t(&p, s->retransmissions[d]);
	for (d = 0; d < 2; d++)
		mpf__pack_t(&p, s->heartbeats[d]);
	for (d = 0; d < 2; d++)
		mpf__pack_t(&p, s->heartbeat_acks[d]);
	mpf__pack_u(&p, s->rtt_samples);
	mpf__pack_d(&p, s->rtt_min);
	mpf__pack_d(&p, s->rtt_avg);
	mpf__pack_d(&p, s->rtt_max);
	mpf__pack_b(&p, s->unannounced);
	mpf__pack_d(&p, q->rtt_sum);
	return mpf__pack_tuple(&p, PATH_T);
}

/* The key of a path: its two addresses in order, ports 0 (as
 * mpf__sctp_path_get files it). */
static void
path_key(const struct mpf_addr *x, const struct mpf_addr *y, struct mpf_tuple *k)
{
	memset(k, 0, sizeof(*k));
	if (memcmp(x, y, sizeof(*x)) <= 0) {
		k->a.addr = *x;
		k->b.addr = *y;
	} else {
		k->a.addr = *y;
		k->b.addr = *x;
	}
}

static bool
rtt_ok(double v)
{
	return isfinite(v) && v >= 0;
}

int
mpf__sctp_flow_import(struct mpf_flow *flow, GVariant *v)
{
	struct path *q = path_of(flow);
	struct mpf_sctp_flow_stats *s = &q->st;
	struct mpf_unpack u;
	int d;

	mpf__unpack_tuple(&u, v);
	for (d = 0; d < 2; d++)
		s->data_chunks[d] = mpf__unpack_t(&u);
	for (d = 0; d < 2; d++)
		s->retransmissions[d] = mpf__unpack_t(&u);
	for (d = 0; d < 2; d++)
		s->heartbeats[d] = mpf__unpack_t(&u);
	for (d = 0; d < 2; d++)
		s->heartbeat_acks[d] = mpf__unpack_t(&u);
	s->rtt_samples = mpf__unpack_u(&u);
	s->rtt_min = mpf__unpack_d(&u);
	s->rtt_avg = mpf__unpack_d(&u);
	s->rtt_max = mpf__unpack_d(&u);
	s->unannounced = mpf__unpack_b(&u);
	q->rtt_sum = mpf__unpack_d(&u);
	path_key(&flow->src.addr, &flow->dst.addr, &q->tuple);
	if (u.bad || !rtt_ok(s->rtt_min) || !rtt_ok(s->rtt_avg) ||
	    !rtt_ok(s->rtt_max) || !rtt_ok(q->rtt_sum) || flow->src.addr.family == 0)
		return MPF_ERR_MALFORMED;
	return MPF_OK;
}

static GVariant *
addrs_export(const GArray *a)
{
	struct mpf_pack p;
	guint i;

	mpf__pack_begin(&p);
	for (i = 0; a && i < a->len; i++) {
		const struct saddr *x = &g_array_index(a, struct saddr, i);

		mpf__pack_addr(&p, &x->addr);
		mpf__pack_q(&p, x->origin);
		mpf__pack_u(&p, x->first_frame);
		mpf__pack_u(&p, x->added_frame);
		mpf__pack_u(&p, x->deleted_frame);
		mpf__pack_u(&p, x->primary_frame);
		mpf__pack_next(&p);
	}
	return mpf__pack_array(&p, SADDR_T);
}

static void
stats_pack(struct mpf_pack *p, const struct mpf_sctp_stats *s)
{
	mpf__pack_b(p, s->has_tsn);
	mpf__pack_u(p, s->first_tsn);
	mpf__pack_u(p, s->last_tsn);
	mpf__pack_t(p, s->data_chunks);
	mpf__pack_t(p, s->data_bytes);
	mpf__pack_t(p, s->retransmissions);
	mpf__pack_t(p, s->sacks);
	mpf__pack_u(p, s->crc_bad);
}

static void
stats_unpack(struct mpf_unpack *u, struct mpf_sctp_stats *s)
{
	s->has_tsn = mpf__unpack_b(u);
	s->first_tsn = mpf__unpack_u(u);
	s->last_tsn = mpf__unpack_u(u);
	s->data_chunks = mpf__unpack_t(u);
	s->data_bytes = mpf__unpack_t(u);
	s->retransmissions = mpf__unpack_t(u);
	s->sacks = mpf__unpack_t(u);
	s->crc_bad = mpf__unpack_u(u);
}

GVariant *
mpf__sctp_node_export(const struct mpf_node *node)
{
	const struct assoc *a = assoc_of(node);
	struct mpf_pack p, pr;
	guint i;

	mpf__pack_begin(&p);
	mpf__pack_q(&p, a->port[0]);
	mpf__pack_q(&p, a->port[1]);
	mpf__pack_b(&p, a->has_tag[0]);
	mpf__pack_b(&p, a->has_tag[1]);
	mpf__pack_u(&p, a->tag[0]);
	mpf__pack_u(&p, a->tag[1]);
	mpf__pack_b(&p, a->init_seen[0]);
	mpf__pack_b(&p, a->init_seen[1]);
	mpf__pack_b(&p, a->established);
	mpf__pack_b(&p, a->fresh);
	mpf__pack_y(&p, a->end);
	mpf__pack_u(&p, a->end_frame);
	mpf__pack_u(&p, a->shutdown_frame);
	mpf__pack_i(&p, a->cause);
	mpf__pack_b(&p, a->half_listed);
	stats_pack(&p, &a->st[0]);
	stats_pack(&p, &a->st[1]);
	mpf__pack_begin(&pr);
	for (i = 0; a->primary && i < a->primary->len; i++) {
		const struct mpf_sctp_primary *x =
			&g_array_index(a->primary, struct mpf_sctp_primary, i);

		mpf__pack_y(&pr, (uint8_t)x->kind);
		mpf__pack_u(&pr, x->frame);
		mpf__pack_y(&pr, (uint8_t)x->side);
		mpf__pack_addr(&pr, &x->addr);
		mpf__pack_u(&pr, x->flow);
		mpf__pack_next(&pr);
	}
	return mpf__tuple(4, mpf__pack_tuple(&p, ASSOC_T), addrs_export(a->addrs[0]),
			  addrs_export(a->addrs[1]), mpf__pack_array(&pr, PRIMARY_T));
}

static int
addrs_import(const struct mpf_ctx *ctx, GVariant *v, struct assoc *a, int side)
{
	struct mpf_unpack u;
	gsize i, n = mpf__unpack_array(&u, v);

	if (n > MAX_ADDRS)
		return MPF_ERR_MALFORMED;
	for (i = 0; i < n; i++) {
		struct saddr x;
		bool ok;

		memset(&x, 0, sizeof(x));
		ok = mpf__unpack_addr(&u, &x.addr);
		x.origin = mpf__unpack_q(&u);
		x.first_frame = mpf__unpack_u(&u);
		x.added_frame = mpf__unpack_u(&u);
		x.deleted_frame = mpf__unpack_u(&u);
		x.primary_frame = mpf__unpack_u(&u);
		mpf__unpack_next(&u);
		if (!ok || u.bad || !x.addr.family || x.origin > 0x1f ||
		    mpf__sctp_addr_find(a, side, &x.addr) ||
		    !mpf__partial_frame_ok(ctx, x.first_frame) ||
		    !mpf__partial_frame_ok(ctx, x.added_frame) ||
		    !mpf__partial_frame_ok(ctx, x.deleted_frame) ||
		    !mpf__partial_frame_ok(ctx, x.primary_frame))
			return MPF_ERR_MALFORMED;
		if (!a->addrs[side])
			a->addrs[side] = g_array_new(FALSE, TRUE, sizeof(struct saddr));
		g_array_append_val(a->addrs[side], x);
	}
	return MPF_OK;
}

/* Files @node's keys, its half listing and its paths by address pair. */
static int
file_node(struct state *st, struct mpf_node *node)
{
	struct assoc *a = assoc_of(node);
	guint i;
	int side;

	for (side = 0; side < 2; side++)
		if (a->has_tag[side])
			mpf__sctp_file_key(st, node, side);
	if (a->half_listed) {
		a->half_listed = false;
		mpf__sctp_half_add(st, node);
	}
	if (!a->flows)
		a->flows = g_hash_table_new(mpf__tuple_hash, mpf__tuple_equal);
	for (i = 0; i < node->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, i);
		struct mpf_flow *old = g_hash_table_lookup(a->flows, &path_of(f)->tuple);

		if (old && old != f)
			return MPF_ERR_MALFORMED; /* one path an address pair */
		g_hash_table_insert(a->flows, &path_of(f)->tuple, f);
	}
	return MPF_OK;
}

int
mpf__sctp_node_import(struct mpf_ctx *ctx, void *state, struct mpf_node *node,
		      GVariant *v)
{
	struct assoc *a = assoc_of(node);
	GVariant *fixed = g_variant_get_child_value(v, 0);
	GVariant *a0 = g_variant_get_child_value(v, 1);
	GVariant *a1 = g_variant_get_child_value(v, 2);
	GVariant *pr = g_variant_get_child_value(v, 3);
	struct mpf_unpack u;
	gsize i, n;
	int st;

	mpf__unpack_tuple(&u, fixed);
	a->port[0] = mpf__unpack_q(&u);
	a->port[1] = mpf__unpack_q(&u);
	a->has_tag[0] = mpf__unpack_b(&u);
	a->has_tag[1] = mpf__unpack_b(&u);
	a->tag[0] = mpf__unpack_u(&u);
	a->tag[1] = mpf__unpack_u(&u);
	a->init_seen[0] = mpf__unpack_b(&u);
	a->init_seen[1] = mpf__unpack_b(&u);
	a->established = mpf__unpack_b(&u);
	a->fresh = mpf__unpack_b(&u);
	a->end = mpf__unpack_y(&u);
	a->end_frame = mpf__unpack_u(&u);
	a->shutdown_frame = mpf__unpack_u(&u);
	a->cause = mpf__unpack_i(&u);
	a->half_listed = mpf__unpack_b(&u);
	stats_unpack(&u, &a->st[0]);
	stats_unpack(&u, &a->st[1]);
	st = u.bad || a->end > MPF_SCTP_END_ABORT || a->cause < -1 ||
		     a->cause > 65535 ||
		     (a->half_listed && a->has_tag[0] && a->has_tag[1]) ||
		     !mpf__partial_frame_ok(ctx, a->end_frame) ||
		     !mpf__partial_frame_ok(ctx, a->shutdown_frame)
	     ? MPF_ERR_MALFORMED
	     : MPF_OK;
	if (st == MPF_OK)
		st = addrs_import(ctx, a0, a, 0);
	if (st == MPF_OK)
		st = addrs_import(ctx, a1, a, 1);
	n = st == MPF_OK ? mpf__unpack_array(&u, pr) : 0;
	if (n > MAX_PRIMARY)
		st = MPF_ERR_MALFORMED;
	for (i = 0; i < n && st == MPF_OK; i++) {
		struct mpf_sctp_primary x;
		uint8_t kind, side;

		memset(&x, 0, sizeof(x));
		kind = mpf__unpack_y(&u);
		x.frame = mpf__unpack_u(&u);
		side = mpf__unpack_y(&u);
		if (!mpf__unpack_addr(&u, &x.addr))
			st = MPF_ERR_MALFORMED;
		x.flow = mpf__unpack_u(&u);
		mpf__unpack_next(&u);
		x.kind = kind;
		x.side = side;
		if (u.bad || kind > 1 || side > 1 || !mpf__partial_frame_ok(ctx, x.frame) ||
		    (x.flow != MPF_ID_NONE && x.flow >= ctx->flows.next))
			st = MPF_ERR_MALFORMED;
		if (!a->primary)
			a->primary = g_array_new(FALSE, TRUE, sizeof(x));
		g_array_append_val(a->primary, x);
	}
	g_variant_unref(fixed);
	g_variant_unref(a0);
	g_variant_unref(a1);
	g_variant_unref(pr);
	return st == MPF_OK ? file_node(state, node) : st;
}

static bool
sres_pack(struct mpf_pack *p, gconstpointer value)
{
	const struct sres *r = value;

	mpf__pack_q(p, r->key.sport);
	mpf__pack_q(p, r->key.dport);
	mpf__pack_u(p, r->key.vtag);
	mpf__pack_y(p, r->key.t_bit);
	mpf__pack_addr(p, &r->key.src);
	mpf__pack_addr(p, &r->key.dst);
	mpf__pack_traffic(p, &r->t);
	return true;
}

GVariant *
mpf__sctp_state_export(const struct mpf_ctx *ctx, const void *state)
{
	const struct state *st = state;

	(void)ctx;
	return mpf__tuple(2,
			  mpf__pack_values(st->residues.table, sres_pack,
					   SRES_T),
			  g_variant_new_uint32(st->residues.lost));
}

int
mpf__sctp_state_import(struct mpf_ctx *ctx, void *state, GVariant *v)
{
	struct state *st = state;
	GVariant *res = g_variant_get_child_value(v, 0);
	struct mpf_unpack u;
	gsize i, n;
	int status = MPF_OK;

	g_variant_get_child(v, 1, "u", &st->residues.lost);
	n = mpf__unpack_array(&u, res);
	for (i = 0; i < n && status == MPF_OK; i++) {
		struct sres r;
		struct sres *x;
		bool ok;

		memset(&r, 0, sizeof(r));
		r.key.sport = mpf__unpack_q(&u);
		r.key.dport = mpf__unpack_q(&u);
		r.key.vtag = mpf__unpack_u(&u);
		r.key.t_bit = mpf__unpack_y(&u);
		ok = mpf__unpack_addr(&u, &r.key.src);
		ok = mpf__unpack_addr(&u, &r.key.dst) && ok;
		ok = mpf__unpack_traffic(&u, ctx, &r.t) && ok;
		mpf__unpack_next(&u);
		if (!ok || u.bad || r.key.t_bit > 1 || !r.t.first_frame ||
		    r.t.packets[1] ||
		    (st->residues.table &&
		     g_hash_table_contains(st->residues.table, &r.key)))
			status = MPF_ERR_MALFORMED;
		else if ((x = sres_get(st, &r.key)) != NULL)
			x->t = r.t;
	}
	g_variant_unref(res);
	return status;
}

/* ------------------------------------------------------------- merge */

/* The side of @a that sent a packet from @sport to the side of @tag (the
 * receiver's; with the T bit, the sender's own), as ingest decides. */
static int
sender_of(const struct assoc *a, uint16_t sport, uint32_t tag, bool t_bit)
{
	if (a->port[0] != a->port[1])
		return sport == a->port[MPF_SIDE_CLIENT] ? MPF_SIDE_CLIENT
							 : MPF_SIDE_SERVER;
	if (t_bit)
		return a->has_tag[MPF_SIDE_CLIENT] && a->tag[MPF_SIDE_CLIENT] == tag
			       ? MPF_SIDE_CLIENT
			       : MPF_SIDE_SERVER;
	return a->has_tag[MPF_SIDE_SERVER] && a->tag[MPF_SIDE_SERVER] == tag
		       ? MPF_SIDE_CLIENT
		       : MPF_SIDE_SERVER;
}

/* One residue @v of the part after @into's: counted on the association
 * of @into it belongs to, or kept for a part before @into's. */
void
mpf__sctp_partial_residue(struct mpf_ctx *into, void *state, const void *v)
{
	struct state *st = state;
	const struct sres *r = v;
	const struct sres_key *k = &r->key;
	struct mpf_node *n = k->t_bit
		? mpf__sctp_find_key(st, k->sport, k->dport, k->vtag)
		: mpf__sctp_find_key(st, k->dport, k->sport, k->vtag);
	struct sres *x;

	if (n) {
		struct assoc *a = assoc_of(n);
		struct mpf_tuple key;
		struct mpf_flow *f;

		path_key(&k->src, &k->dst, &key);
		f = a->flows ? g_hash_table_lookup(a->flows, &key) : NULL;
		if (f) {
			bool fwd = memcmp(&k->src, &f->src.addr, sizeof(k->src)) == 0;

			if (memcmp(&k->src, &k->dst, sizeof(k->src)) == 0)
				fwd = k->sport == f->src.port;
			mpf__traffic_to_flow(f, &r->t, !fwd);
		} else {
			mpf__traffic_to_node(n, &r->t);
		}
		a->st[sender_of(a, k->sport, k->vtag, k->t_bit)].crc_bad +=
			(uint32_t)r->t.packets[0];
		into->counters[MPF_COUNTER_ANALYSED] += r->t.packets[0];
		return;
	}
	/* for a part before @into's */
	x = sres_get(st, k);
	if (x)
		mpf__traffic_merge(&x->t, &r->t);
}

/* The association of @into that @node (of the part after) is, and in
 * *@flip whether @node's client is its server; NULL when none. */
static struct mpf_node *
target_of(struct state *st, const struct mpf_node *node, bool *flip)
{
	const struct assoc *g = assoc_of(node);
	int gs, ks;

	for (gs = 0; gs < 2; gs++) {
		struct mpf_node *m;
		const struct assoc *k;

		if (!g->has_tag[gs])
			continue;
		m = mpf__sctp_find_key(st, g->port[gs], g->port[1 - gs], g->tag[gs]);
		if (m && m->merged_into != MPF_ID_NONE)
			continue; /* its survivor is filed under its own keys */
		if (!m)
			continue;
		k = assoc_of(m);
		/* an INIT opens a new association, but again the one of its
		 * tag while that was never established */
		if (g->fresh && (k->end != MPF_SCTP_END_OPEN || k->established))
			return NULL;
		for (ks = 0; ks < 2; ks++)
			if (k->has_tag[ks] && k->tag[ks] == g->tag[gs] &&
			    k->port[ks] == g->port[gs] &&
			    k->port[1 - ks] == g->port[1 - gs])
				break;
		if (ks == 2)
			continue;
		*flip = ks != gs;
		return m;
	}
	if (g->fresh)
		return NULL;
	/* a half association of @into it completes: same ports, the side
	 * of @node's tag without one, and an address in common when there
	 * are several */
	for (gs = 0; gs < 2; gs++) {
		GQueue *q;
		struct mpf_node *only = NULL;
		bool only_flip = false;
		guint count = 0;
		GList *l;

		if (!g->has_tag[gs])
			continue;
		/* those waiting for the tag of a side on @node's port of
		 * side gs */
		q = mpf__sctp_half_waiting(st, g->port[gs], g->port[1 - gs]);
		for (l = q ? q->head : NULL; l; l = l->next) {
			struct mpf_node *h = l->data;
			struct assoc *k = assoc_of(h);
			guint j;

			if (k->end != MPF_SCTP_END_OPEN)
				continue;
			ks = k->has_tag[MPF_SIDE_CLIENT] ? MPF_SIDE_SERVER
							 : MPF_SIDE_CLIENT;
			for (j = 0; g->addrs[gs] && j < g->addrs[gs]->len; j++)
				if (mpf__sctp_addr_find(k, ks,
							&g_array_index(g->addrs[gs],
								       struct saddr, j).addr)) {
					*flip = ks != gs;
					return h;
				}
			only = h;
			only_flip = ks != gs;
			count++;
		}
		if (count == 1) {
			*flip = only_flip;
			return only;
		}
	}
	return NULL;
}

static void
stats_fold(struct mpf_sctp_stats *k, const struct mpf_sctp_stats *g)
{
	if (g->has_tsn) {
		if (!k->has_tsn) {
			k->has_tsn = true;
			k->first_tsn = g->first_tsn;
			k->last_tsn = g->last_tsn;
		} else {
			if ((int32_t)(g->last_tsn - k->last_tsn) > 0)
				k->last_tsn = g->last_tsn;
			if ((int32_t)(g->first_tsn - k->first_tsn) < 0)
				k->first_tsn = g->first_tsn;
		}
	}
	k->data_chunks += g->data_chunks;
	k->data_bytes += g->data_bytes;
	k->retransmissions += g->retransmissions;
	k->sacks += g->sacks;
	k->crc_bad += g->crc_bad;
}

static void
path_fold(struct path *k, const struct path *g, bool swap)
{
	struct mpf_sctp_flow_stats *ks = &k->st;
	const struct mpf_sctp_flow_stats *gs = &g->st;
	int d;

	for (d = 0; d < 2; d++) {
		int x = swap ? 1 - d : d;

		ks->data_chunks[x] += gs->data_chunks[d];
		ks->retransmissions[x] += gs->retransmissions[d];
		ks->heartbeats[x] += gs->heartbeats[d];
		ks->heartbeat_acks[x] += gs->heartbeat_acks[d];
	}
	if (gs->rtt_samples) {
		if (!ks->rtt_samples || gs->rtt_min < ks->rtt_min)
			ks->rtt_min = gs->rtt_min;
		if (!ks->rtt_samples || gs->rtt_max > ks->rtt_max)
			ks->rtt_max = gs->rtt_max;
		k->rtt_sum += g->rtt_sum;
		ks->rtt_samples += gs->rtt_samples;
		ks->rtt_avg = k->rtt_sum / ks->rtt_samples;
	}
	ks->unannounced = ks->unannounced || gs->unannounced;
}

/* A flow id of the later part, as @into numbers it (MPF_ID_NONE stays). */
static uint32_t
remap(GHashTable *ids, uint32_t id)
{
	gpointer v;

	if (id == MPF_ID_NONE || !g_hash_table_lookup_extended(ids, GUINT_TO_POINTER(id),
								NULL, &v))
		return id;
	return GPOINTER_TO_UINT(v);
}

static void
assoc_fold(struct mpf_ctx *into, struct state *st, struct mpf_node *keep,
	   struct mpf_node *gone, bool flip, GHashTable *ids)
{
	struct assoc *k = assoc_of(keep), *g = assoc_of(gone);
	guint i;
	int gs;

	for (gs = 0; gs < 2; gs++) {
		int ks = flip ? 1 - gs : gs;

		if (!k->has_tag[ks] && g->has_tag[gs]) {
			/* the tag its INIT ACK stated: in an INIT collision,
			 * the association the other INIT opened joins */
			struct mpf_node *other = mpf__sctp_find_key(st, k->port[ks],
								    k->port[1 - ks],
								    g->tag[gs]);

			if (other && other != keep && g->init_seen[gs] &&
			    other->merged_into == MPF_ID_NONE &&
			    !assoc_of(other)->established)
				mpf__sctp_collision_merge(into, st, keep, other, ks);
			k->has_tag[ks] = true;
			k->tag[ks] = g->tag[gs];
			mpf__sctp_file_key(st, keep, ks);
		}
		k->init_seen[ks] = k->init_seen[ks] || g->init_seen[gs];
		for (i = 0; g->addrs[gs] && i < g->addrs[gs]->len; i++) {
			const struct saddr *x = &g_array_index(g->addrs[gs], struct saddr, i);
			struct saddr *y = mpf__sctp_addr_note(k, ks, &x->addr, x->origin,
							      x->first_frame);

			if (!y)
				continue;
			if (x->first_frame < y->first_frame)
				y->first_frame = x->first_frame;
			if (!y->added_frame)
				y->added_frame = x->added_frame;
			if (!y->deleted_frame)
				y->deleted_frame = x->deleted_frame;
			if (!y->primary_frame)
				y->primary_frame = x->primary_frame;
		}
		stats_fold(&k->st[ks], &g->st[gs]);
	}
	k->established = k->established || g->established;
	/* an ABORT ends it whatever came before; a SHUTDOWN an open one */
	if ((g->end == MPF_SCTP_END_ABORT && k->end != MPF_SCTP_END_ABORT) ||
	    (g->end == MPF_SCTP_END_SHUTDOWN && k->end == MPF_SCTP_END_OPEN)) {
		k->end = g->end;
		k->end_frame = g->end_frame;
		k->cause = g->cause;
	}
	if (!k->shutdown_frame)
		k->shutdown_frame = g->shutdown_frame;
	for (i = 0; g->primary && i < g->primary->len; i++) {
		struct mpf_sctp_primary p =
			g_array_index(g->primary, struct mpf_sctp_primary, i);

		if (!k->primary)
			k->primary = g_array_new(FALSE, TRUE, sizeof(p));
		if (k->primary->len >= MAX_PRIMARY)
			break;
		if (flip)
			p.side = (enum mpf_side)(1 - p.side);
		p.flow = remap(ids, p.flow);
		g_array_append_val(k->primary, p);
	}
	if (k->has_tag[0] && k->has_tag[1])
		mpf__sctp_half_remove(st, keep);
}

bool
mpf__sctp_partial_join(struct mpf_ctx *into, void *state,
		       struct mpf_ctx *later, struct mpf_node *node)
{
	struct state *st = state;
	struct mpf_node *keep;
	struct assoc *k;
	GHashTable *ids;
	bool flip = false;

	keep = target_of(st, node, &flip);
	if (!keep)
		return false;
	k = assoc_of(keep);
	if (assoc_of(node)->fresh && flip && !k->established) {
		/* an INIT collision across the cut (RFC 9260 5.2.4): as in
		 * one context, the association of the later INIT goes on and
		 * the earlier one joins it */
		int side;

		mpf__partial_adopt(into, later, node);
		mpf__sctp_collision_merge(into, st, node, keep, MPF_SIDE_SERVER);
		for (side = 0; side < 2; side++)
			if (assoc_of(node)->has_tag[side])
				mpf__sctp_file_key(st, node, side);
		return true;
	}
	ids = g_hash_table_new(g_direct_hash, g_direct_equal);
	if (!k->flows)
		k->flows = g_hash_table_new(mpf__tuple_hash, mpf__tuple_equal);
	/* paths of an address pair fold into @keep's, the others move */
	while (node->flows->len) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, 0);
		struct mpf_flow *kf = g_hash_table_lookup(k->flows, &path_of(f)->tuple);
		uint32_t old = f->id;

		if (kf) {
			bool swap = memcmp(&kf->src.addr, &f->src.addr,
					   sizeof(f->src.addr)) != 0 ||
				    (kf->src.port != f->src.port &&
				     !memcmp(&f->src.addr, &f->dst.addr,
					     sizeof(f->src.addr)));

			path_fold(path_of(kf), path_of(f), swap);
			mpf__partial_flow_fold(kf, f, swap);
		} else {
			mpf__partial_flow_move(into, later, keep, f);
			g_hash_table_insert(k->flows, &path_of(f)->tuple, f);
			kf = f;
		}
		g_hash_table_insert(ids, GUINT_TO_POINTER(old), GUINT_TO_POINTER(kf->id));
	}
	assoc_fold(into, st, keep, node, flip, ids);
	mpf__partial_node_fold(keep, node);
	g_hash_table_destroy(ids);
	return true;
}

void
mpf__sctp_partial_adopted(struct mpf_ctx *into, void *state,
			  struct mpf_node *node, const uint32_t *old_flow_ids)
{
	struct assoc *a = assoc_of(node);
	GHashTable *ids = g_hash_table_new(g_direct_hash, g_direct_equal);
	guint i;

	(void)into;
	for (i = 0; i < node->flows->len; i++)
		g_hash_table_insert(ids, GUINT_TO_POINTER(old_flow_ids[i]),
				    GUINT_TO_POINTER(((struct mpf_flow *)g_ptr_array_index(
							      node->flows, i))->id));
	for (i = 0; a->primary && i < a->primary->len; i++) {
		struct mpf_sctp_primary *p =
			&g_array_index(a->primary, struct mpf_sctp_primary, i);

		p->flow = remap(ids, p->flow);
	}
	g_hash_table_destroy(ids);
	/* its keys and half listing (the flows table is already its own) */
	for (i = 0; i < 2; i++)
		if (a->has_tag[i])
			mpf__sctp_file_key(state, node, (int)i);
	if (a->half_listed) {
		a->half_listed = false;
		mpf__sctp_half_add(state, node);
	}
}
