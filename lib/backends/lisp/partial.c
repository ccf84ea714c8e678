/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * partial.c: LISP in partial results (lib/partial.c): sites with their
 * locators, changes and stats as GVariants, read back into the state's
 * table and prefix trie, and the parts of a capture merged where one
 * context would have seen one site.
 *
 * A site is its instance and EID prefix: the later part's site of an
 * (instance, prefix) joins the earlier one's, RLOC pairs of one site
 * folding together. Data one context maps by longest-prefix match on its
 * inner source EID: a part that has not seen the site's mapping counts it
 * as unmapped; in shard mode it keeps such data per (instance, inner
 * source, outer addresses), data it could not count on a destination
 * site per (instance, inner destination), and Map-Requests of EIDs of no
 * site per (instance, EID). The merge maps them with the sites of the
 * parts before, as one context would have (a site registered in the later
 * part before the data, with a shorter prefix, keeps what it matched).
 * MPF_RESIDUES_MAX entries at most.
 */
#include <string.h>

#include "backends/lisp/lisp-int.h"

struct lres_key {
	uint32_t iid;
	uint8_t kind; /* MPF_LISP_RES_* */
	uint8_t pad[3];
	struct mpf_addr eid;      /* inner source / destination, EID */
	struct mpf_addr src, dst; /* data: the outer addresses */
};

struct lres {
	struct lres_key key;
	uint64_t count;       /* to-site packets, request records */
	struct mpf_traffic t; /* data; Map-Request frames of no site */
};

static guint
lres_hash(gconstpointer k)
{
	return mpf__bytes_hash(k, sizeof(struct lres_key));
}

static gboolean
lres_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(struct lres_key)) == 0;
}

static const struct mpf_residue_type lres_type = {
	lres_hash, lres_equal, sizeof(struct lres_key), sizeof(struct lres)
};

static struct lres *
lres_get(struct state *st, const struct lres_key *k)
{
	return mpf__residue_get(&st->residues, &lres_type, k);
}

void
mpf__lisp_residue_note(struct state *st, int kind, uint32_t iid,
		       const struct mpf_addr *eid, const struct mpf_pkt *pkt)
{
	struct lres_key k;
	struct lres *r;

	memset(&k, 0, sizeof(k));
	k.iid = iid;
	k.kind = (uint8_t)kind;
	k.eid = *eid;
	if (kind == MPF_LISP_RES_DATA) {
		k.src = pkt->src;
		k.dst = pkt->dst;
	}
	r = lres_get(st, &k);
	if (!r)
		return;
	if (kind == MPF_LISP_RES_DATA || (kind == MPF_LISP_RES_REQUEST && pkt))
		mpf__traffic_add(&r->t, 0, pkt);
	else
		r->count++;
}

void
mpf__lisp_partial_fini(struct state *st)
{
	mpf__residues_clear(&st->residues);
	if (st->mapped)
		g_hash_table_destroy(st->mapped);
	st->mapped = NULL;
}

/* ----------------------------------------------------------- format */

/* a site: instance, prefix, its length, stats (registers, notifies,
 * replies, requests, negative, data packets and bytes, to the site,
 * backup used, TTL, action, ACKs, refusals, reason, frame), had a record */
#define SITE_T "(u" MPF_ADDR_T "yttttttttt" "uyttyub)"
#define LOC_T "(" MPF_ADDR_T "yyyybbbuuubtb)"
#define CHANGE_T "(yu" MPF_ADDR_T "yyyy)"
#define UNMAPPED_T "(u" MPF_ADDR_T "tu)"
#define LRES_T "(uy" MPF_ADDR_T MPF_ADDR_T MPF_ADDR_T "t" MPF_TRAFFIC_T ")"

const char mpf__lisp_flow_type[] = "()";
const char mpf__lisp_node_type[] = "(" SITE_T "a" LOC_T "a" CHANGE_T ")";
const char mpf__lisp_state_type[] = "(a" UNMAPPED_T "a" LRES_T "u)";

int
mpf__lisp_flow_import(struct mpf_flow *flow, GVariant *v)
{
	struct pair *p = flow->priv;

	(void)v;
	memset(&p->key, 0, sizeof(p->key));
	p->key.a.addr = flow->src.addr;
	p->key.b.addr = flow->dst.addr;
	/* pairs carry data one way, from the site's RLOC; no ports */
	if (flow->src.port || flow->dst.port || flow->packets[1] ||
	    !flow->src.addr.family || !flow->dst.addr.family)
		return MPF_ERR_MALFORMED;
	return MPF_OK;
}

GVariant *
mpf__lisp_node_export(const struct mpf_node *node)
{
	const struct site *s = site_of(node);
	const struct mpf_lisp_stats *t = &s->st;
	struct mpf_pack p, lp, cp;
	guint i;

	mpf__pack_begin(&p);
	mpf__pack_u(&p, s->iid);
	mpf__pack_addr(&p, &s->prefix);
	mpf__pack_y(&p, s->len);
	mpf__pack_t(&p, t->registers);
	mpf__pack_t(&p, t->notifies);
	mpf__pack_t(&p, t->replies);
	mpf__pack_t(&p, t->requests);
	mpf__pack_t(&p, t->negative);
	mpf__pack_t(&p, t->data_packets);
	mpf__pack_t(&p, t->data_bytes);
	mpf__pack_t(&p, t->to_site_packets);
	mpf__pack_t(&p, t->backup_used);
	mpf__pack_u(&p, t->ttl);
	mpf__pack_y(&p, t->action);
	mpf__pack_t(&p, t->acks);
	mpf__pack_t(&p, t->refusals);
	mpf__pack_y(&p, t->refusal_reason);
	mpf__pack_u(&p, t->refusal_frame);
	mpf__pack_b(&p, s->had_record);
	mpf__pack_begin(&lp);
	for (i = 0; s->locs && i < s->locs->len; i++) {
		const struct loc *l = &g_array_index(s->locs, struct loc, i);
		const struct mpf_lisp_locator *x = &l->pub;

		mpf__pack_addr(&lp, &x->rloc);
		mpf__pack_y(&lp, x->priority);
		mpf__pack_y(&lp, x->weight);
		mpf__pack_y(&lp, x->mpriority);
		mpf__pack_y(&lp, x->mweight);
		mpf__pack_b(&lp, x->local);
		mpf__pack_b(&lp, x->probed);
		mpf__pack_b(&lp, x->reachable);
		mpf__pack_u(&lp, x->first_frame);
		mpf__pack_u(&lp, x->last_frame);
		mpf__pack_u(&lp, x->dropped_frame);
		mpf__pack_b(&lp, x->carried_data);
		mpf__pack_t(&lp, x->backup_hits);
		mpf__pack_b(&lp, l->in_latest);
		mpf__pack_next(&lp);
	}
	mpf__pack_begin(&cp);
	for (i = 0; s->changes && i < s->changes->len; i++) {
		const struct mpf_lisp_change *c =
			&g_array_index(s->changes, struct mpf_lisp_change, i);

		mpf__pack_y(&cp, (uint8_t)c->kind);
		mpf__pack_u(&cp, c->frame);
		mpf__pack_addr(&cp, &c->rloc);
		mpf__pack_y(&cp, c->old_priority);
		mpf__pack_y(&cp, c->old_weight);
		mpf__pack_y(&cp, c->priority);
		mpf__pack_y(&cp, c->weight);
		mpf__pack_next(&cp);
	}
	return mpf__tuple(3, mpf__pack_tuple(&p, SITE_T), mpf__pack_array(&lp, LOC_T),
			  mpf__pack_array(&cp, CHANGE_T));
}

static bool
frame_ok(const struct mpf_ctx *ctx, uint32_t f)
{
	return mpf__partial_frame_ok(ctx, f);
}

static int
locs_import(const struct mpf_ctx *ctx, GVariant *v, struct site *s)
{
	struct mpf_unpack u;
	gsize i, n = mpf__unpack_array(&u, v);

	if (n > MAX_LOCATORS)
		return MPF_ERR_MALFORMED;
	for (i = 0; i < n; i++) {
		struct loc l;
		struct mpf_lisp_locator *x = &l.pub;
		bool ok;

		memset(&l, 0, sizeof(l));
		ok = mpf__unpack_addr(&u, &x->rloc);
		x->priority = mpf__unpack_y(&u);
		x->weight = mpf__unpack_y(&u);
		x->mpriority = mpf__unpack_y(&u);
		x->mweight = mpf__unpack_y(&u);
		x->local = mpf__unpack_b(&u);
		x->probed = mpf__unpack_b(&u);
		x->reachable = mpf__unpack_b(&u);
		x->first_frame = mpf__unpack_u(&u);
		x->last_frame = mpf__unpack_u(&u);
		x->dropped_frame = mpf__unpack_u(&u);
		x->carried_data = mpf__unpack_b(&u);
		x->backup_hits = mpf__unpack_t(&u);
		l.in_latest = mpf__unpack_b(&u);
		mpf__unpack_next(&u);
		if (!ok || u.bad || !x->rloc.family || mpf__lisp_loc_find(s, &x->rloc) ||
		    !frame_ok(ctx, x->first_frame) || !frame_ok(ctx, x->last_frame) ||
		    !frame_ok(ctx, x->dropped_frame))
			return MPF_ERR_MALFORMED;
		if (!s->locs)
			s->locs = g_array_new(FALSE, TRUE, sizeof(struct loc));
		g_array_append_val(s->locs, l);
	}
	return MPF_OK;
}

static int
changes_import(const struct mpf_ctx *ctx, GVariant *v, struct site *s)
{
	struct mpf_unpack u;
	gsize i, n = mpf__unpack_array(&u, v);

	if (n > MAX_CHANGES)
		return MPF_ERR_MALFORMED;
	for (i = 0; i < n; i++) {
		struct mpf_lisp_change c;
		uint8_t kind;
		bool ok;

		memset(&c, 0, sizeof(c));
		kind = mpf__unpack_y(&u);
		c.frame = mpf__unpack_u(&u);
		ok = mpf__unpack_addr(&u, &c.rloc);
		c.old_priority = mpf__unpack_y(&u);
		c.old_weight = mpf__unpack_y(&u);
		c.priority = mpf__unpack_y(&u);
		c.weight = mpf__unpack_y(&u);
		mpf__unpack_next(&u);
		c.kind = kind;
		if (!ok || u.bad || kind > MPF_LISP_LOCATOR_PRIORITY ||
		    !frame_ok(ctx, c.frame))
			return MPF_ERR_MALFORMED;
		if (!s->changes)
			s->changes = g_array_new(FALSE, TRUE, sizeof(c));
		g_array_append_val(s->changes, c);
	}
	return MPF_OK;
}

/* Whether @p (of @len bits) is a prefix as sites keep them: within its
 * family's bits, nothing set past @len. */
static bool
prefix_ok(const struct mpf_addr *p, unsigned len)
{
	struct mpf_addr m = *p;

	if (p->family != 4 && p->family != 6)
		return false;
	if (len > (p->family == 4 ? 32u : 128u))
		return false;
	mpf__lisp_mask_prefix(&m, len);
	return memcmp(&m, p, sizeof(m)) == 0;
}

int
mpf__lisp_node_import(struct mpf_ctx *ctx, void *state, struct mpf_node *node,
		      GVariant *v)
{
	struct state *st = state;
	struct site *s = site_of(node);
	struct mpf_lisp_stats *t = &s->st;
	GVariant *fixed = g_variant_get_child_value(v, 0);
	GVariant *locs = g_variant_get_child_value(v, 1);
	GVariant *changes = g_variant_get_child_value(v, 2);
	struct mpf_unpack u;
	guint i;
	int status;
	bool ok;

	mpf__unpack_tuple(&u, fixed);
	s->iid = mpf__unpack_u(&u);
	ok = mpf__unpack_addr(&u, &s->prefix);
	s->len = mpf__unpack_y(&u);
	t->registers = mpf__unpack_t(&u);
	t->notifies = mpf__unpack_t(&u);
	t->replies = mpf__unpack_t(&u);
	t->requests = mpf__unpack_t(&u);
	t->negative = mpf__unpack_t(&u);
	t->data_packets = mpf__unpack_t(&u);
	t->data_bytes = mpf__unpack_t(&u);
	t->to_site_packets = mpf__unpack_t(&u);
	t->backup_used = mpf__unpack_t(&u);
	t->ttl = mpf__unpack_u(&u);
	t->action = mpf__unpack_y(&u);
	t->acks = mpf__unpack_t(&u);
	t->refusals = mpf__unpack_t(&u);
	t->refusal_reason = mpf__unpack_y(&u);
	t->refusal_frame = mpf__unpack_u(&u);
	s->had_record = mpf__unpack_b(&u);
	status = ok && !u.bad && prefix_ok(&s->prefix, s->len) &&
			 frame_ok(ctx, t->refusal_frame)
		 ? MPF_OK
		 : MPF_ERR_MALFORMED;
	if (status == MPF_OK)
		status = locs_import(ctx, locs, s);
	if (status == MPF_OK)
		status = changes_import(ctx, changes, s);
	g_variant_unref(fixed);
	g_variant_unref(locs);
	g_variant_unref(changes);
	if (status != MPF_OK)
		return status;
	if (!mpf__lisp_site_file(st, node))
		return MPF_ERR_MALFORMED; /* two sites of one prefix */
	s->flows = g_hash_table_new(mpf__tuple_hash, mpf__tuple_equal);
	for (i = 0; i < node->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, i);
		struct pair *p = f->priv;

		if (g_hash_table_contains(s->flows, &p->key))
			return MPF_ERR_MALFORMED;
		g_hash_table_insert(s->flows, &p->key, f);
	}
	return MPF_OK;
}

static bool
lres_pack(struct mpf_pack *p, gconstpointer value)
{
	const struct lres *r = value;

	mpf__pack_u(p, r->key.iid);
	mpf__pack_y(p, r->key.kind);
	mpf__pack_addr(p, &r->key.eid);
	mpf__pack_addr(p, &r->key.src);
	mpf__pack_addr(p, &r->key.dst);
	mpf__pack_t(p, r->count);
	mpf__pack_traffic(p, &r->t);
	return true;
}

GVariant *
mpf__lisp_state_export(const struct mpf_ctx *ctx, const void *state)
{
	const struct state *st = state;
	struct mpf_pack up;
	guint i;

	(void)ctx;
	mpf__pack_begin(&up);
	for (i = 0; i < st->unmapped->len; i++) {
		const struct mpf_lisp_unmapped *x =
			&g_array_index(st->unmapped, struct mpf_lisp_unmapped, i);

		mpf__pack_u(&up, x->iid);
		mpf__pack_addr(&up, &x->eid);
		mpf__pack_t(&up, x->packets);
		mpf__pack_u(&up, x->first_frame);
		mpf__pack_next(&up);
	}
	return mpf__tuple(3, mpf__pack_array(&up, UNMAPPED_T),
			  mpf__pack_values(st->residues.table, lres_pack,
					   LRES_T),
			  g_variant_new_uint32(st->residues.lost));
}

int
mpf__lisp_state_import(struct mpf_ctx *ctx, void *state, GVariant *v)
{
	struct state *st = state;
	GVariant *un = g_variant_get_child_value(v, 0);
	GVariant *res = g_variant_get_child_value(v, 1);
	struct mpf_unpack u;
	gsize i, n;
	int status = MPF_OK;

	g_variant_get_child(v, 2, "u", &st->residues.lost);
	n = mpf__unpack_array(&u, un);
	if (n > MAX_UNMAPPED)
		status = MPF_ERR_MALFORMED;
	for (i = 0; i < n && status == MPF_OK; i++) {
		struct mpf_addr eid;
		uint32_t iid, first;
		uint64_t packets;
		bool ok;

		iid = mpf__unpack_u(&u);
		ok = mpf__unpack_addr(&u, &eid);
		packets = mpf__unpack_t(&u);
		first = mpf__unpack_u(&u);
		mpf__unpack_next(&u);
		if (!ok || u.bad || !eid.family || !packets ||
		    packets > ctx->counters[MPF_COUNTER_FRAMES] || !first ||
		    !frame_ok(ctx, first))
			status = MPF_ERR_MALFORMED;
		else
			mpf__lisp_unmapped_add(st, iid, &eid, packets, first);
	}
	if (status == MPF_OK && st->unmapped->len != n)
		status = MPF_ERR_MALFORMED; /* an EID listed twice */
	n = status == MPF_OK ? mpf__unpack_array(&u, res) : 0;
	for (i = 0; i < n && status == MPF_OK; i++) {
		struct lres r;
		struct lres *x;
		bool ok;

		memset(&r, 0, sizeof(r));
		r.key.iid = mpf__unpack_u(&u);
		r.key.kind = mpf__unpack_y(&u);
		ok = mpf__unpack_addr(&u, &r.key.eid);
		ok = mpf__unpack_addr(&u, &r.key.src) && ok;
		ok = mpf__unpack_addr(&u, &r.key.dst) && ok;
		r.count = mpf__unpack_t(&u);
		ok = mpf__unpack_traffic(&u, ctx, &r.t) && ok;
		mpf__unpack_next(&u);
		if (!ok || u.bad || r.key.kind > MPF_LISP_RES_REQUEST || !r.key.eid.family ||
		    (r.key.kind != MPF_LISP_RES_DATA &&
		     (r.key.src.family || r.key.dst.family)) ||
		    r.t.packets[1] || r.count > ctx->counters[MPF_COUNTER_FRAMES] * 256 ||
		    (st->residues.table &&
		     g_hash_table_contains(st->residues.table, &r.key)))
			status = MPF_ERR_MALFORMED;
		else if ((x = lres_get(st, &r.key)) != NULL)
			*x = r;
	}
	g_variant_unref(un);
	g_variant_unref(res);
	return status;
}

/* ------------------------------------------------------------- merge */

static uint64_t
mapped_key(uint32_t iid, const struct mpf_addr *eid)
{
	guint64 h = iid;
	int i;

	for (i = 0; i < 16; i++)
		h = h * 1099511628211ULL ^ eid->bytes[i];
	return h ^ (guint64)eid->family << 56;
}

/* One residue @v of the part after @into's: counted on the site of @into
 * its EID falls in, or kept for a part before @into's. */
void
mpf__lisp_partial_residue(struct mpf_ctx *into, void *state, const void *v)
{
	struct state *st = state;
	const struct lres *r = v;
	struct mpf_node *site = mpf__lisp_trie_lookup(st, r->key.iid,
						      &r->key.eid);
	uint64_t pk = r->t.packets[0];
	struct lres *x;

	if (!site) {
		/* for a part before @into's */
		x = lres_get(st, &r->key);
		if (x) {
			x->count += r->count;
			mpf__traffic_merge(&x->t, &r->t);
		}
		return;
	}
	switch (r->key.kind) {
	case MPF_LISP_RES_DATA: {
		struct mpf_flow *f = mpf__lisp_pair_get(into, site, &r->key.src,
							&r->key.dst);
		gint64 *k = g_new(gint64, 1);

		mpf__traffic_to_flow(f, &r->t, false);
		site_of(site)->st.data_packets += pk;
		site_of(site)->st.data_bytes += r->t.payload[0] - MIN(r->t.payload[0], 8 * pk);
		/* no longer unmapped: counted on the site */
		*k = (gint64)mapped_key(r->key.iid, &r->key.eid);
		if (!st->mapped)
			st->mapped = g_hash_table_new_full(g_int64_hash,
							   g_int64_equal,
							   g_free, NULL);
		g_hash_table_add(st->mapped, k);
		break;
	}
	case MPF_LISP_RES_TO_SITE:
		site_of(site)->st.to_site_packets += r->count;
		break;
	default:
		site_of(site)->st.requests += r->count;
		if (pk)
			mpf__traffic_to_node(site, &r->t);
		break;
	}
	if (r->key.kind != MPF_LISP_RES_TO_SITE) {
		into->counters[MPF_COUNTER_UNMATCHED] -=
			MIN(into->counters[MPF_COUNTER_UNMATCHED], pk);
		into->counters[MPF_COUNTER_ANALYSED] += pk;
	}
}

/* Folds site @g (the later part's) into @k, the same (instance, prefix):
 * its locators as its records gave them last, its changes and counts. */
static void
site_fold(struct site *k, const struct site *g)
{
	struct mpf_lisp_stats *ks = &k->st;
	const struct mpf_lisp_stats *gs = &g->st;
	guint i;

	for (i = 0; g->locs && i < g->locs->len; i++) {
		const struct loc *y = &g_array_index(g->locs, struct loc, i);
		struct loc *x = mpf__lisp_loc_find(k, &y->pub.rloc);

		if (!x) {
			if (!k->locs)
				k->locs = g_array_new(FALSE, TRUE, sizeof(struct loc));
			if (k->locs->len < MAX_LOCATORS)
				g_array_append_val(k->locs, *y);
			continue;
		}
		if (y->pub.last_frame) {
			uint32_t first = MIN(x->pub.first_frame, y->pub.first_frame);
			uint64_t hits = x->pub.backup_hits + y->pub.backup_hits;
			bool data = x->pub.carried_data || y->pub.carried_data;

			x->pub = y->pub;
			x->pub.first_frame = first ? first : y->pub.first_frame;
			x->pub.backup_hits = hits;
			x->pub.carried_data = data;
			x->in_latest = y->in_latest;
		} else {
			x->pub.backup_hits += y->pub.backup_hits;
			x->pub.carried_data = x->pub.carried_data || y->pub.carried_data;
		}
	}
	for (i = 0; g->changes && i < g->changes->len; i++) {
		if (!k->changes)
			k->changes = g_array_new(FALSE, TRUE, sizeof(struct mpf_lisp_change));
		if (k->changes->len >= MAX_CHANGES)
			break;
		g_array_append_val(k->changes,
				   g_array_index(g->changes, struct mpf_lisp_change, i));
	}
	ks->registers += gs->registers;
	ks->notifies += gs->notifies;
	ks->replies += gs->replies;
	ks->requests += gs->requests;
	ks->negative += gs->negative;
	ks->data_packets += gs->data_packets;
	ks->data_bytes += gs->data_bytes;
	ks->to_site_packets += gs->to_site_packets;
	ks->backup_used += gs->backup_used;
	ks->acks += gs->acks;
	ks->refusals += gs->refusals;
	if (g->had_record) {
		ks->ttl = gs->ttl;
		ks->action = gs->action;
	}
	if (gs->refusal_frame) {
		ks->refusal_reason = gs->refusal_reason;
		ks->refusal_frame = gs->refusal_frame;
	}
	k->had_record = k->had_record || g->had_record;
}

bool
mpf__lisp_partial_join(struct mpf_ctx *into, void *state,
		       struct mpf_ctx *later, struct mpf_node *node)
{
	struct mpf_node *keep = mpf__lisp_site_find(state, node);
	struct site *k;

	if (!keep)
		return false;
	k = site_of(keep);
	if (!k->flows)
		k->flows = g_hash_table_new(mpf__tuple_hash, mpf__tuple_equal);
	while (node->flows->len) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, 0);
		struct pair *p = f->priv;
		struct mpf_flow *kf = g_hash_table_lookup(k->flows, &p->key);

		if (kf) {
			mpf__partial_flow_fold(kf, f, false);
		} else {
			mpf__partial_flow_move(into, later, keep, f);
			g_hash_table_insert(k->flows, &p->key, f);
		}
	}
	site_fold(k, site_of(node));
	mpf__partial_node_fold(keep, node);
	return true;
}

void
mpf__lisp_partial_adopted(struct mpf_ctx *into, void *state,
			  struct mpf_node *node, const uint32_t *old_flow_ids)
{
	(void)into;
	(void)old_flow_ids;
	mpf__lisp_site_file(state, node);
}

void
mpf__lisp_partial_done(struct mpf_ctx *into, void *state, struct mpf_ctx *later,
		       void *later_state)
{
	struct state *st = state, *ls = later_state;
	guint i;

	(void)into;
	(void)later;
	/* the later part's unmapped EIDs after the earlier ones', but those
	 * the merge mapped */
	for (i = 0; i < ls->unmapped->len; i++) {
		const struct mpf_lisp_unmapped *u =
			&g_array_index(ls->unmapped, struct mpf_lisp_unmapped, i);
		gint64 k = (gint64)mapped_key(u->iid, &u->eid);

		if (st->mapped && g_hash_table_contains(st->mapped, &k))
			continue;
		mpf__lisp_unmapped_add(st, u->iid, &u->eid, u->packets,
				       u->first_frame);
	}
	if (st->mapped)
		g_hash_table_remove_all(st->mapped);
}
