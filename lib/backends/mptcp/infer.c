/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * infer.c: association without the handshake: the DSN index (which side
 * of which node sent DSNs in a bucket), the evidence a node without keys
 * gathers against the others, and merging two nodes found to be one
 * connection.
 *
 * The only file that merges MPTCP nodes. Does not parse options or create
 * flows.
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

GArray *
mpf__mptcp_bucket_owners(GHashTable *t, uint64_t bucket, bool create)
{
	GArray *a = g_hash_table_lookup(t, &bucket);

	if (!a && create) {
		uint64_t *k = g_new(uint64_t, 1);

		*k = bucket;
		a = g_array_new(FALSE, FALSE, sizeof(struct dsn_owner));
		g_hash_table_insert(t, k, a);
	}
	return a;
}

/* Adds @node's @side to bucket @bucket of @t, unless the bucket has
 * OWNERS_MAX owners already (counted as limited). */
static void
owner_add(struct state *st, GHashTable *t, uint64_t bucket,
	  struct mpf_node *node, int side)
{
	GArray *a = mpf__mptcp_bucket_owners(t, bucket, true);
	struct dsn_owner o = { node, side };

	if (a->len >= OWNERS_MAX) {
		conn_of(node)->checks.limited++;
		return;
	}
	g_array_append_val(a, o);
	st->index_entries++;
}

/* Removes @node's @side from bucket @bucket of @t. */
void
mpf__mptcp_owner_drop(struct state *st, GHashTable *t, uint64_t bucket,
		      const struct mpf_node *node, int side)
{
	GArray *a = g_hash_table_lookup(t, &bucket);
	guint i;

	for (i = 0; a && i < a->len; i++) {
		const struct dsn_owner *x = &g_array_index(a, struct dsn_owner, i);

		st->index_steps++;
		if (x->node == node && x->side == side) {
			g_array_remove_index_fast(a, i);
			st->index_entries--;
			break;
		}
	}
	if (a && a->len == 0)
		g_hash_table_remove(t, &bucket);
}

/* Whether bucket @b is in the window [lo, hi] of a space of @mask + 1
 * buckets (the narrow one wraps). */
static bool
in_window(uint64_t b, uint64_t lo, uint64_t hi, uint64_t mask)
{
	return ((b - lo) & mask) <= ((hi - lo) & mask);
}

/* Moves the window [*lo, *hi] (none when !*on) to [want_lo, want_hi]
 * (at most INDEX_WINDOW buckets): what it adds and removes. */
static void
window_shift(struct state *st, GHashTable *t, uint64_t mask, bool *on,
	     uint64_t *lo, uint64_t *hi, uint64_t want_lo, uint64_t want_hi,
	     struct mpf_node *node, int side)
{
	uint64_t b, k, n;

	if (*on) {
		n = ((*hi - *lo) & mask) + 1;
		for (k = 0, b = *lo; k < n; k++, b = (b + 1) & mask)
			if (!in_window(b, want_lo, want_hi, mask))
				mpf__mptcp_owner_drop(st, t, b, node, side);
	}
	n = ((want_hi - want_lo) & mask) + 1;
	for (k = 0, b = want_lo; k < n; k++, b = (b + 1) & mask)
		if (!*on || !in_window(b, *lo, *hi, mask))
			owner_add(st, t, b, node, side);
	*on = true;
	*lo = want_lo;
	*hi = want_hi;
	/* entries were added or removed: the node is measured in full
	 * after this frame */
	node->touches = UINT32_MAX - 1;
}

/*
 * Moves the window of buckets a side is filed in, [*lo, *hi] (none when
 * !*on), to [want_lo, want_hi], or to its top INDEX_WINDOW buckets when
 * it is wider: a side owns at most INDEX_WINDOW entries per index, and a
 * move costs what it adds and removes. The same window again (nearly
 * every mapping: buckets are wide) is a comparison, inline.
 */
static inline void
window_move(struct state *st, GHashTable *t, uint64_t mask, bool *on,
	    uint64_t *lo, uint64_t *hi, uint64_t want_lo, uint64_t want_hi,
	    struct mpf_node *node, int side)
{
	if (((want_hi - want_lo) & mask) >= INDEX_WINDOW)
		want_lo = (want_hi - (INDEX_WINDOW - 1)) & mask;
	if (*on && *lo == want_lo && *hi == want_hi)
		return;
	window_shift(st, t, mask, on, lo, hi, want_lo, want_hi, node, side);
}

/*
 * Files @side's DSN range in the index, bucket by bucket as it grows, so
 * that a subflow seen without its handshake can find its connection by a
 * hash lookup. Wide buckets only for real 64-bit values.
 */
void
mpf__mptcp_index_side(struct state *st, struct mpf_node *node, int side)
{
	struct side *s = &conn_of(node)->side[side];
	uint64_t lo, hi;

	if (!s->dsn_seen)
		return;
	if (s->dsn_wide)
		window_move(st, st->dsn_wide, WIDE_MASK, &s->wide_indexed,
			    &s->wide_lo, &s->wide_hi,
			    s->dsn_lo >> WIDE_BUCKET_SHIFT,
			    s->dsn_max >> WIDE_BUCKET_SHIFT, node, side);
	/* narrow buckets wrap with the 32-bit space: 4096 of 1 MiB */
	lo = s->narrow_lo;
	hi = s->narrow_hi;
	window_move(st, st->dsn_narrow, NARROW_MASK, &s->narrow_indexed, &lo, &hi,
		    (uint32_t)s->dsn_lo >> NARROW_BUCKET_SHIFT,
		    (uint32_t)s->dsn_max >> NARROW_BUCKET_SHIFT, node, side);
	s->narrow_lo = (uint32_t)lo;
	s->narrow_hi = (uint32_t)hi;
}

/* Removes every index entry of @node's sides. */
void
mpf__mptcp_index_drop(struct state *st, struct mpf_node *node)
{
	struct conn *c = conn_of(node);
	uint64_t b, k, n;
	int sd;

	for (sd = 0; sd < 2; sd++) {
		struct side *x = &c->side[sd];

		if (x->wide_indexed) {
			n = ((x->wide_hi - x->wide_lo) & WIDE_MASK) + 1;
			for (k = 0, b = x->wide_lo; k < n; k++, b = (b + 1) & WIDE_MASK)
				mpf__mptcp_owner_drop(st, st->dsn_wide, b, node, sd);
		}
		if (x->narrow_indexed) {
			n = ((x->narrow_hi - x->narrow_lo) & NARROW_MASK) + 1;
			for (k = 0, b = x->narrow_lo; k < n;
			     k++, b = (b + 1) & NARROW_MASK)
				mpf__mptcp_owner_drop(st, st->dsn_narrow, b, node, sd);
		}
		x->wide_indexed = x->narrow_indexed = false;
	}
}

/* The index entries @c's sides hold. */
uint32_t
mpf__mptcp_index_count(const struct conn *c)
{
	uint32_t n = 0;
	int sd;

	for (sd = 0; sd < 2; sd++) {
		const struct side *x = &c->side[sd];

		if (x->wide_indexed)
			n += (uint32_t)((x->wide_hi - x->wide_lo) & WIDE_MASK) + 1;
		if (x->narrow_indexed)
			n += ((x->narrow_hi - x->narrow_lo) & NARROW_MASK) + 1;
	}
	return n;
}

/* Whether a node may still be grouped with another by inference. */
bool
mpf__mptcp_unanchored(const struct conn *c)
{
	return !c->side[0].has_key && !c->side[1].has_key;
}

/* Whether @v falls in (or just beside) the DSN range @s sent. */
bool
mpf__mptcp_in_range(const struct side *s, uint64_t v, bool wide)
{
	if (!s->dsn_seen)
		return false;
	if (wide) {
		return s->dsn_wide &&
		       v - (s->dsn_lo - WIDE_WINDOW) <=
			       (s->dsn_max - s->dsn_lo) + 2 * WIDE_WINDOW;
	}
	return (uint32_t)(v - (s->dsn_lo - NARROW_WINDOW)) <=
	       (uint32_t)(s->dsn_max - s->dsn_lo) + 2 * NARROW_WINDOW;
}

/* Whether two nodes have an endpoint in common, among the first
 * SHARE_FLOWS flows of each (a bound on the work, not on real traffic:
 * the nodes it asks about have a few flows). */
bool
mpf__mptcp_nodes_share_endpoint(const struct mpf_node *a, const struct mpf_node *b)
{
	guint i, j;

	for (i = 0; i < a->flows->len && i < SHARE_FLOWS; i++) {
		const struct mpf_flow *x = g_ptr_array_index(a->flows, i);

		for (j = 0; j < b->flows->len && j < SHARE_FLOWS; j++) {
			const struct mpf_flow *y = g_ptr_array_index(b->flows, j);

			if (mpf__endpoint_equal(&x->dst, &y->dst) ||
			    mpf__endpoint_equal(&x->src, &y->src) ||
			    mpf__endpoint_equal(&x->src, &y->dst) ||
			    mpf__endpoint_equal(&x->dst, &y->src))
				return true;
		}
	}
	return false;
}

/* What merging needs to rewrite in the absorbed node's frame records. */
struct merge_fix {
	uint32_t keep;
	bool flip;          /* the absorbed node's client is the server */
	uint64_t rebase[2]; /* added to relative values, by sender side */
	bool real_base[2];  /* the survivor knows the side's IDSN */
};

static void
fix_record(struct mpf_frame *rec, void *user)
{
	const struct merge_fix *m = user;
	int sender = rec->dir; /* the absorbed node's side */

	rec->node = m->keep;
	if (rec->flags & MPF_FRAME_HAS_VAL0)
		rec->val[0] += m->rebase[sender];
	if (rec->flags & MPF_FRAME_HAS_VAL1)
		rec->val[1] += m->rebase[1 - sender];
	if (m->flip)
		rec->dir = (uint8_t)(1 - rec->dir);
	/* values that now count from a real IDSN are no longer guesses */
	if ((!(rec->flags & MPF_FRAME_HAS_VAL0) || m->real_base[sender]) &&
	    (!(rec->flags & MPF_FRAME_HAS_VAL1) || m->real_base[1 - sender]))
		rec->bflags &= ~(uint32_t)MPF_MPTCP_FRAME_DSN_GUESSED;
}

/*
 * The counters of struct mpf_mptcp_stats, which add up when two sides
 * turn out to be one; the fields after them are positions (highest data
 * ack, DATA_FIN), not sums. The assertion fails when a counter is added
 * to the struct and not here.
 */
#define STATS_COUNTERS(XX)                                                   \
	XX(data_bytes) XX(unique_bytes) XX(reinjected_bytes)                 \
	XX(retransmitted_bytes) XX(segments) XX(reinjections)                \
	XX(retransmissions) XX(out_of_order) XX(data_acks) XX(dup_data_acks)
#define STATS_ONE(field) +1
G_STATIC_ASSERT((0 STATS_COUNTERS(STATS_ONE)) * sizeof(uint64_t) ==
		offsetof(struct mpf_mptcp_stats, has_highest_dack));

static void
stats_add(struct mpf_mptcp_stats *into, const struct mpf_mptcp_stats *from)
{
#define STATS_ADD(field) into->field += from->field;
	STATS_COUNTERS(STATS_ADD)
#undef STATS_ADD
}

/*
 * Adds what side @gsd of one node sent to side @ks of another that is the
 * same connection: the data counters, the DSN range, the data intervals
 * (in DSN order), the DATA_FIN if @ks has none. Relative bases are the
 * caller's.
 */
void
mpf__mptcp_side_absorb(struct side *ks, const struct side *gsd)
{
	stats_add(&ks->st, &gsd->st);
	if (gsd->dsn_seen) {
		mpf__mptcp_side_saw_dsn(ks, gsd->dsn_lo, gsd->dsn_wide);
		mpf__mptcp_side_saw_dsn(ks, gsd->dsn_max, gsd->dsn_wide);
	}
	if (gsd->sent.len) {
		/* their data intervals join ours, in DSN order */
		struct opos p = mpf__oarr_begin(&gsd->sent);

		for (; !mpf__oarr_end(&gsd->sent, p); mpf__oarr_next(&gsd->sent, &p))
			mpf__mptcp_sent_insert(ks, mpf__oarr_at(&gsd->sent, p));
	}
	if (gsd->sent_any &&
	    (!ks->sent_any || (int64_t)(gsd->sent_max - ks->sent_max) > 0))
		ks->sent_max = gsd->sent_max;
	ks->sent_any = ks->sent_any || gsd->sent_any;
	if (gsd->data_fin_raw && !ks->st.data_fin) {
		ks->st.data_fin = gsd->st.data_fin;
		ks->st.data_fin_frame = gsd->st.data_fin_frame;
		ks->data_fin_raw = gsd->data_fin_raw;
	}
}

/* Appends @g's announced addresses to @k's, the sides swapped when @flip. */
void
mpf__mptcp_announced_absorb(struct conn *k, const struct conn *g, bool flip)
{
	guint i;

	if (!g->announced)
		return;
	if (!k->announced)
		k->announced = g_array_new(FALSE, TRUE, sizeof(struct announced));
	for (i = 0; i < g->announced->len; i++) {
		struct announced a = g_array_index(g->announced, struct announced, i);

		if (k->announced->len >= ADDR_MAX) {
			k->checks.limited += g->announced->len - i;
			break;
		}
		if (flip)
			a.side = (uint8_t)(1 - a.side);
		g_array_append_val(k->announced, a);
	}
}

/* Token entries that lead to @gone now lead to @keep. Only the tokens of
 * @gone and of the nodes it absorbed can lead to it (each merge moves
 * them so), so the work is what @gone owns, not the table. */
static void
tokens_follow(struct mpf_ctx *ctx, struct state *st, struct mpf_node *gone,
	      struct mpf_node *keep)
{
	guint i, n = gone->absorbed ? gone->absorbed->len : 0;
	int sd;

	for (i = 0; i <= n; i++) {
		const struct mpf_node *x =
			i == n ? gone
			       : mpf__ids_get(&ctx->nodes,
					      g_array_index(gone->absorbed,
							    uint32_t, i));

		for (sd = 0; x && sd < 2; sd++) {
			gpointer tok = GUINT_TO_POINTER(conn_of(x)->side[sd].token);

			if (conn_of(x)->side[sd].has_token &&
			    g_hash_table_lookup(st->by_token, tok) == gone)
				g_hash_table_insert(st->by_token, tok, keep);
		}
	}
}

/*
 * Absorbs node @gone into @keep: their sides correspond as @gone's side
 * @gone_side is @keep's side @keep_side. Moves flows, data stats, tokens,
 * announcements; rebases the absorbed frames' relative values.
 */
static void
conn_merge(struct mpf_ctx *ctx, struct state *st, struct mpf_node *keep,
	   struct mpf_node *gone, int keep_side, int gone_side)
{
	struct conn *k = conn_of(keep), *g = conn_of(gone);
	bool flip = keep_side != gone_side;
	struct merge_fix fx;
	guint i;
	int gs;

	memset(&fx, 0, sizeof(fx));
	fx.keep = keep->id;
	fx.flip = flip;
	for (gs = 0; gs < 2; gs++) {
		struct side *ks = &k->side[flip ? 1 - gs : gs], *gsd = &g->side[gs];

		/* relative values: old = raw - gone base; new = raw - keep base */
		if (gsd->base_known && ks->base_known)
			fx.rebase[gs] = gsd->base - ks->base;
		else if (gsd->base_known && !ks->base_known) {
			ks->base = gsd->base;
			ks->base_known = true;
			ks->base_guessed = gsd->base_guessed;
		}
		fx.real_base[gs] = ks->base_known && !ks->base_guessed;
		mpf__mptcp_side_absorb(ks, gsd);
		mpf__mptcp_sent_trim(k, ks);
	}
	k->maps_kept += g->maps_kept; /* its flows come with their mappings */
	for (i = 0; i < gone->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(gone->flows, i);

		if (flip)
			mpf__mptcp_sub_flip(f);
	}
	/* tokens and keys of the absorbed node now lead to the survivor */
	tokens_follow(ctx, st, gone, keep);
	for (gs = 0; gs < 2; gs++) {
		struct side *ks = &k->side[flip ? 1 - gs : gs];
		const struct side *x = &g->side[gs];

		if (x->has_key &&
		    g_hash_table_lookup(st->by_key, &x->key) == gone)
			g_hash_table_insert(st->by_key,
					    g_memdup2(&x->key, sizeof(x->key)),
					    keep);
		if (x->has_key && !ks->has_key) {
			/* a key the survivor had not seen (MP_FASTCLOSE) */
			ks->has_key = true;
			ks->key = x->key;
			if (x->has_idsn && !ks->has_idsn) {
				ks->has_idsn = true;
				ks->idsn = x->idsn;
			}
		}

		if (g->side[gs].has_token && !ks->has_token) {
			ks->has_token = true;
			ks->token = g->side[gs].token;
		}
	}
	mpf__mptcp_announced_absorb(k, g, flip);
	k->checks.orphan_joins += g->checks.orphan_joins;
	k->checks.orphan_joins_untracked += g->checks.orphan_joins_untracked;
	if (!k->checks.fastclose_frame ||
	    (g->checks.fastclose_frame &&
	     g->checks.fastclose_frame < k->checks.fastclose_frame))
		k->checks.fastclose_frame = g->checks.fastclose_frame;
	k->checks.fastclose_bad_key += g->checks.fastclose_bad_key;
	k->checks.limited += g->checks.limited;
	if (!k->checks.mp_fail_frame)
		k->checks.mp_fail_frame = g->checks.mp_fail_frame;
	mpf__mptcp_fsm_merge(k, g);
	k->no_more_fallback = k->no_more_fallback || g->no_more_fallback;
	if (k->version < 0)
		k->version = g->version;
	k->inferred = true;
	k->settled = k->settled || g->settled;
	k->resets += g->resets;
	mpf__node_merge(ctx, keep, gone, fix_record, &fx);
	mpf_log(ctx, MPF_LOG_INFO, "node %u joins node %u: one connection",
		gone->id, keep->id);
}

/* Moves the pending matches between @prober and @owner into the
 * survivor's evidence, telling which node was absorbed. */
static void
settle_evidence(struct conn *owner, struct conn *keep, uint32_t prober,
		uint32_t absorbed, bool keep_is_owner)
{
	guint i, n = 0;

	if (!keep->evidence)
		keep->evidence = g_array_new(FALSE, FALSE, sizeof(struct evidence));
	for (i = 0; i < owner->pend_len; i++) {
		struct evidence e = owner->pend[i];

		if (e.prober != prober) {
			owner->pend[n++] = e;
			continue;
		}
		e.absorbed = absorbed;
		e.keep_side = keep_is_owner ? e.owner_side : e.prober_side;
		g_array_append_val(keep->evidence, e);
	}
	owner->pend_len = (uint8_t)n;
}

/*
 * Files match @ev with its owner @o, among the PENDING_MAX latest: an
 * older one gives way (counted as limited), so a node probed by many
 * others holds a bounded record. The first one allocates the record,
 * and the owner, which may not be the frame's node, is measured again.
 */
static void
pending_add(struct mpf_ctx *ctx, struct mpf_node *o, const struct evidence *ev)
{
	struct conn *oc = conn_of(o);

	if (!oc->pend) {
		oc->pend = g_new(struct evidence, PENDING_MAX);
		mpf__stream_remeasure(ctx, o);
	}
	if (oc->pend_len == PENDING_MAX) {
		memmove(oc->pend, oc->pend + 1,
			(PENDING_MAX - 1) * sizeof(struct evidence));
		oc->pend_len--;
		oc->checks.limited++;
	}
	oc->pend[oc->pend_len++] = *ev;
}

/*
 * Node @node, which has no key, learns @key, its side @side's, from an
 * MP_FASTCLOSE in frame @frame (its handshake was not captured). A node
 * that has that key on a side is the same connection (a key is 64 random
 * bits of one connection), unless the keys of their other sides, both
 * known, differ. Call before filing the key.
 * Returns: the survivor (the node that had the key).
 */
struct mpf_node *
mpf__mptcp_infer_key(struct mpf_ctx *ctx, struct state *st,
		     struct mpf_node *node, int side, uint64_t key,
		     uint32_t frame)
{
	struct conn *c = conn_of(node), *oc;
	struct mpf_node *other = g_hash_table_lookup(st->by_key, &key);
	struct evidence ev;
	int os;

	if (!other || other == node || other->merged_into != MPF_ID_NONE)
		return node;
	oc = conn_of(other);
	os = oc->side[0].has_key && oc->side[0].key == key ? 0 : 1;
	if (!oc->side[os].has_key || oc->side[os].key != key)
		return node;
	if (c->side[1 - side].has_key && oc->side[1 - os].has_key &&
	    c->side[1 - side].key != oc->side[1 - os].key)
		return node;
	if (!oc->evidence)
		oc->evidence = g_array_new(FALSE, FALSE, sizeof(struct evidence));
	memset(&ev, 0, sizeof(ev));
	ev.kind = MPF_MPTCP_EVIDENCE_KEY;
	ev.wide = 1;
	ev.frame = frame;
	ev.prober = node->id;
	ev.absorbed = node->id;
	ev.owner_side = ev.keep_side = (int8_t)os;
	ev.prober_side = (int8_t)side;
	ev.raw = key;
	g_array_append_val(oc->evidence, ev);
	conn_merge(ctx, st, other, node, os, side);
	mpf__mptcp_index_side(st, other, 0);
	mpf__mptcp_index_side(st, other, 1);
	return other;
}

/*
 * A node whose handshake was not seen looks for the connection that owns
 * the DSN @raw its side @side sent (or, @is_dack, the data ack of the
 * other side's data) in frame @frame. Enough consistent matches with one
 * node (64-bit values: WIDE_EVIDENCE; 32-bit ones: NARROW_EVIDENCE and a
 * shared endpoint) merge the two. Returns the survivor.
 */
struct mpf_node *
mpf__mptcp_infer(struct mpf_ctx *ctx, struct state *st, struct mpf_node *node,
		 int side, uint64_t raw, bool wide, bool is_dack,
		 uint32_t frame)
{
	struct conn *c = conn_of(node);
	int space = is_dack ? 1 - side : side; /* whose data the value is in */
	struct side *mine = &c->side[space];
	GArray *owners;
	guint i;

	if (mine->probes >= MAX_PROBES)
		return node;
	mine->probes++;
	owners = wide ? mpf__mptcp_bucket_owners(st->dsn_wide, raw >> WIDE_BUCKET_SHIFT,
				      false)
		      : mpf__mptcp_bucket_owners(st->dsn_narrow,
				      (uint32_t)raw >> NARROW_BUCKET_SHIFT,
				      false);
	for (i = 0; owners && i < owners->len; i++) {
		struct dsn_owner o = g_array_index(owners, struct dsn_owner, i);
		struct conn *oc;

		st->index_steps++;
		struct evidence ev;
		guint k, count = 0;

		if (o.node == node || o.node->merged_into != MPF_ID_NONE)
			continue;
		oc = conn_of(o.node);
		/* two connections whose keys we saw are two connections */
		if (!mpf__mptcp_unanchored(c) && !mpf__mptcp_unanchored(oc))
			continue;
		if (!mpf__mptcp_in_range(&oc->side[o.side], raw, wide))
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.kind = is_dack ? MPF_MPTCP_EVIDENCE_DACK
				  : MPF_MPTCP_EVIDENCE_DSN;
		ev.wide = wide;
		ev.owner_side = (int8_t)o.side;
		ev.prober_side = (int8_t)space;
		ev.frame = frame;
		ev.prober = node->id;
		ev.absorbed = MPF_ID_NONE;
		ev.raw = raw;
		pending_add(ctx, o.node, &ev);
		for (k = 0; k < oc->pend_len; k++) {
			const struct evidence *e = &oc->pend[k];

			st->pending_steps++;
			if (e->prober == node->id && e->wide == wide &&
			    e->owner_side == ev.owner_side &&
			    e->prober_side == ev.prober_side)
				count++;
		}
		/* the very value this side's range ends at: 64 bits of two
		 * random IDSNs apart never meet, so one such match is proof
		 * (the last acks before an abrupt end) */
		if (wide && (raw == oc->side[o.side].dsn_max ||
			     raw == oc->side[o.side].dsn_lo))
			count = WIDE_EVIDENCE;
		if (count < (wide ? WIDE_EVIDENCE : NARROW_EVIDENCE))
			continue;
		if (!wide && !mpf__mptcp_nodes_share_endpoint(node, o.node))
			continue;
		if (node->flows->len + o.node->flows->len > MAX_SUBFLOWS) {
			/* one connection of that many subflows is a flood:
			 * the two stay apart */
			c->checks.limited++;
			continue;
		}
		/* the node with keys, else the older one, survives */
		if (!mpf__mptcp_unanchored(oc) ||
		    (mpf__mptcp_unanchored(c) && o.node->id < node->id)) {
			settle_evidence(oc, oc, node->id, node->id, true);
			conn_merge(ctx, st, o.node, node, o.side, space);
			node = o.node;
		} else {
			settle_evidence(oc, c, node->id, o.node->id, false);
			conn_merge(ctx, st, node, o.node, space, o.side);
		}
		mpf__mptcp_index_side(st, node, 0);
		mpf__mptcp_index_side(st, node, 1);
		return node;
	}
	return node;
}
