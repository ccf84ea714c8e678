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
 * MAX_RESIDUES entries at most.
 */
#include <string.h>

#include "backends/lisp/lisp-int.h"

#define MAX_RESIDUES 65536

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
	const uint8_t *p = k;
	guint h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(struct lres_key); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static gboolean
lres_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(struct lres_key)) == 0;
}

static struct lres *
lres_get(struct state *st, const struct lres_key *k)
{
	struct lres *r;

	if (!st->residues)
		st->residues = g_hash_table_new_full(lres_hash, lres_equal, NULL,
						     g_free);
	r = g_hash_table_lookup(st->residues, k);
	if (!r) {
		if (g_hash_table_size(st->residues) >= MAX_RESIDUES) {
			st->residues_lost++;
			return NULL;
		}
		r = g_new0(struct lres, 1);
		r->key = *k;
		g_hash_table_insert(st->residues, &r->key, r);
	}
	return r;
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
	if (st->residues)
		g_hash_table_destroy(st->residues);
	if (st->mapped)
		g_hash_table_destroy(st->mapped);
	st->residues = st->mapped = NULL;
}

/* ------------------------------------------------------- GVariants */

#define LOC_T "(" MPF_ADDR_T "yyyybbbuuubtb)"
#define CHANGE_T "(yu" MPF_ADDR_T "yyyy)"
#define LSTATS_T "(tttttttttuyttyu)"
#define UNMAPPED_T "(u" MPF_ADDR_T "tu)"
#define LRES_T "(uy" MPF_ADDR_T MPF_ADDR_T MPF_ADDR_T "t" MPF_TRAFFIC_T ")"

const char mpf__lisp_flow_type[] = "()";
const char mpf__lisp_node_type[] =
	"(u" MPF_ADDR_T "ya" LOC_T "a" CHANGE_T LSTATS_T "b)";
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
	GVariantBuilder locs, changes;
	guint i;

	g_variant_builder_init(&locs, G_VARIANT_TYPE("a" LOC_T));
	for (i = 0; s->locs && i < s->locs->len; i++) {
		const struct loc *l = &g_array_index(s->locs, struct loc, i);
		const struct mpf_lisp_locator *p = &l->pub;

		g_variant_builder_add(&locs, "(@" MPF_ADDR_T "yyyybbbuuubtb)",
				      mpf__addr_export(&p->rloc), p->priority,
				      p->weight, p->mpriority, p->mweight, p->local,
				      p->probed, p->reachable, p->first_frame,
				      p->last_frame, p->dropped_frame,
				      p->carried_data, (guint64)p->backup_hits,
				      l->in_latest);
	}
	g_variant_builder_init(&changes, G_VARIANT_TYPE("a" CHANGE_T));
	for (i = 0; s->changes && i < s->changes->len; i++) {
		const struct mpf_lisp_change *c =
			&g_array_index(s->changes, struct mpf_lisp_change, i);

		g_variant_builder_add(&changes, "(yu@" MPF_ADDR_T "yyyy)",
				      (guint8)c->kind, c->frame,
				      mpf__addr_export(&c->rloc), c->old_priority,
				      c->old_weight, c->priority, c->weight);
	}
	return g_variant_new("(u@" MPF_ADDR_T "y@a" LOC_T "@a" CHANGE_T LSTATS_T "b)",
			     s->iid, mpf__addr_export(&s->prefix), s->len,
			     g_variant_builder_end(&locs),
			     g_variant_builder_end(&changes),
			     (guint64)t->registers, (guint64)t->notifies,
			     (guint64)t->replies, (guint64)t->requests,
			     (guint64)t->negative, (guint64)t->data_packets,
			     (guint64)t->data_bytes, (guint64)t->to_site_packets,
			     (guint64)t->backup_used, t->ttl, t->action,
			     (guint64)t->acks, (guint64)t->refusals,
			     t->refusal_reason, t->refusal_frame, s->had_record);
}

static bool
frame_ok(const struct mpf_ctx *ctx, uint32_t f)
{
	return mpf__partial_frame_ok(ctx, f);
}

static int
locs_import(const struct mpf_ctx *ctx, GVariant *v, struct site *s)
{
	gsize i, n = g_variant_n_children(v);

	if (n > MAX_LOCATORS)
		return MPF_ERR_MALFORMED;
	for (i = 0; i < n; i++) {
		struct loc l;
		struct mpf_lisp_locator *p = &l.pub;
		GVariant *addr;
		gboolean b[5];
		guint64 hits;
		bool ok;

		memset(&l, 0, sizeof(l));
		g_variant_get_child(v, i, "(@" MPF_ADDR_T "yyyybbbuuubtb)", &addr,
				    &p->priority, &p->weight, &p->mpriority,
				    &p->mweight, &b[0], &b[1], &b[2], &p->first_frame,
				    &p->last_frame, &p->dropped_frame, &b[3], &hits,
				    &b[4]);
		p->local = b[0];
		p->probed = b[1];
		p->reachable = b[2];
		p->carried_data = b[3];
		p->backup_hits = hits;
		l.in_latest = b[4];
		ok = mpf__addr_import(addr, &p->rloc) && p->rloc.family &&
		     !mpf__lisp_loc_find(s, &p->rloc) && frame_ok(ctx, p->first_frame) &&
		     frame_ok(ctx, p->last_frame) && frame_ok(ctx, p->dropped_frame);
		g_variant_unref(addr);
		if (!ok)
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
	gsize i, n = g_variant_n_children(v);

	if (n > MAX_CHANGES)
		return MPF_ERR_MALFORMED;
	for (i = 0; i < n; i++) {
		struct mpf_lisp_change c;
		GVariant *addr;
		guint8 kind;
		bool ok;

		memset(&c, 0, sizeof(c));
		g_variant_get_child(v, i, "(yu@" MPF_ADDR_T "yyyy)", &kind, &c.frame,
				    &addr, &c.old_priority, &c.old_weight,
				    &c.priority, &c.weight);
		c.kind = kind;
		ok = kind <= MPF_LISP_LOCATOR_PRIORITY &&
		     mpf__addr_import(addr, &c.rloc) && frame_ok(ctx, c.frame);
		g_variant_unref(addr);
		if (!ok)
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
	GVariant *prefix, *locs, *changes;
	guint64 c[11];
	gboolean had;
	guint i;
	int status;

	g_variant_get(v, "(u@" MPF_ADDR_T "y@a" LOC_T "@a" CHANGE_T LSTATS_T "b)",
		      &s->iid, &prefix, &s->len, &locs, &changes, &c[0], &c[1],
		      &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8], &t->ttl,
		      &t->action, &c[9], &c[10], &t->refusal_reason,
		      &t->refusal_frame, &had);
	t->registers = c[0];
	t->notifies = c[1];
	t->replies = c[2];
	t->requests = c[3];
	t->negative = c[4];
	t->data_packets = c[5];
	t->data_bytes = c[6];
	t->to_site_packets = c[7];
	t->backup_used = c[8];
	t->acks = c[9];
	t->refusals = c[10];
	s->had_record = had;
	status = mpf__addr_import(prefix, &s->prefix) && prefix_ok(&s->prefix, s->len) &&
			 frame_ok(ctx, t->refusal_frame)
		 ? MPF_OK
		 : MPF_ERR_MALFORMED;
	if (status == MPF_OK)
		status = locs_import(ctx, locs, s);
	if (status == MPF_OK)
		status = changes_import(ctx, changes, s);
	g_variant_unref(prefix);
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

GVariant *
mpf__lisp_state_export(const struct mpf_ctx *ctx, const void *state)
{
	const struct state *st = state;
	GVariantBuilder un, res;
	GHashTableIter it;
	gpointer v;
	guint i;

	(void)ctx;
	g_variant_builder_init(&un, G_VARIANT_TYPE("a" UNMAPPED_T));
	for (i = 0; i < st->unmapped->len; i++) {
		const struct mpf_lisp_unmapped *u =
			&g_array_index(st->unmapped, struct mpf_lisp_unmapped, i);

		g_variant_builder_add(&un, "(u@" MPF_ADDR_T "tu)", u->iid,
				      mpf__addr_export(&u->eid), (guint64)u->packets,
				      u->first_frame);
	}
	g_variant_builder_init(&res, G_VARIANT_TYPE("a" LRES_T));
	if (st->residues) {
		g_hash_table_iter_init(&it, st->residues);
		while (g_hash_table_iter_next(&it, NULL, &v)) {
			const struct lres *r = v;

			g_variant_builder_add(&res, "(uy@" MPF_ADDR_T "@" MPF_ADDR_T
					      "@" MPF_ADDR_T "t@" MPF_TRAFFIC_T ")",
					      r->key.iid, r->key.kind,
					      mpf__addr_export(&r->key.eid),
					      mpf__addr_export(&r->key.src),
					      mpf__addr_export(&r->key.dst),
					      (guint64)r->count,
					      mpf__traffic_export(&r->t));
		}
	}
	return g_variant_new("(@a" UNMAPPED_T "@a" LRES_T "u)",
			     g_variant_builder_end(&un), g_variant_builder_end(&res),
			     st->residues_lost);
}

int
mpf__lisp_state_import(struct mpf_ctx *ctx, void *state, GVariant *v)
{
	struct state *st = state;
	GVariant *un, *res;
	gsize i, n;
	int status = MPF_OK;

	g_variant_get(v, "(@a" UNMAPPED_T "@a" LRES_T "u)", &un, &res,
		      &st->residues_lost);
	n = g_variant_n_children(un);
	if (n > MAX_UNMAPPED)
		status = MPF_ERR_MALFORMED;
	for (i = 0; i < n && status == MPF_OK; i++) {
		GVariant *addr;
		struct mpf_addr eid;
		guint32 iid, first;
		guint64 packets;

		g_variant_get_child(un, i, "(u@" MPF_ADDR_T "tu)", &iid, &addr,
				    &packets, &first);
		if (!mpf__addr_import(addr, &eid) || !eid.family || !packets ||
		    packets > ctx->counters[MPF_COUNTER_FRAMES] || !first ||
		    !frame_ok(ctx, first))
			status = MPF_ERR_MALFORMED;
		else
			mpf__lisp_unmapped_add(st, iid, &eid, packets, first);
		g_variant_unref(addr);
	}
	if (status == MPF_OK && st->unmapped->len != n)
		status = MPF_ERR_MALFORMED; /* an EID listed twice */
	n = g_variant_n_children(res);
	for (i = 0; i < n && status == MPF_OK; i++) {
		GVariant *eid, *src, *dst, *t;
		struct lres r;
		struct lres *x;
		guint64 count;

		memset(&r, 0, sizeof(r));
		g_variant_get_child(res, i, "(uy@" MPF_ADDR_T "@" MPF_ADDR_T "@"
				    MPF_ADDR_T "t@" MPF_TRAFFIC_T ")", &r.key.iid,
				    &r.key.kind, &eid, &src, &dst, &count, &t);
		r.count = count;
		if (r.key.kind > MPF_LISP_RES_REQUEST ||
		    !mpf__addr_import(eid, &r.key.eid) || !r.key.eid.family ||
		    !mpf__addr_import(src, &r.key.src) ||
		    !mpf__addr_import(dst, &r.key.dst) ||
		    (r.key.kind != MPF_LISP_RES_DATA &&
		     (r.key.src.family || r.key.dst.family)) ||
		    !mpf__traffic_import(t, ctx, &r.t) || r.t.packets[1] ||
		    count > ctx->counters[MPF_COUNTER_FRAMES] * 256 ||
		    (st->residues && g_hash_table_contains(st->residues, &r.key)))
			status = MPF_ERR_MALFORMED;
		else if ((x = lres_get(st, &r.key)) != NULL)
			*x = r;
		g_variant_unref(eid);
		g_variant_unref(src);
		g_variant_unref(dst);
		g_variant_unref(t);
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

void
mpf__lisp_partial_residues(struct mpf_ctx *into, void *state,
			   struct mpf_ctx *later, void *later_state)
{
	struct state *st = state, *ls = later_state;
	GHashTableIter it;
	gpointer v;

	(void)later;
	st->residues_lost += ls->residues_lost;
	if (!ls->residues)
		return;
	if (!st->mapped)
		st->mapped = g_hash_table_new_full(g_int64_hash, g_int64_equal,
						   g_free, NULL);
	g_hash_table_iter_init(&it, ls->residues);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
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
			continue;
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
