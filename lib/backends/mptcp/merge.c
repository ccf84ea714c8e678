/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * merge.c: the parts of a capture merged where one context would have
 * seen one connection (lib/partial.c calls partial_join for each node of
 * the later part, partial_adopted for the ones that join none).
 *
 * Across a cut, one context keeps a subflow by its 4-tuple, a join finds
 * its connection by token, and a connection seen without its handshake
 * meets its own by DSN range (infer.c). The merge does the same with what
 * each part kept: a subflow of the later part continues the earlier
 * part's subflow of its 4-tuple, unless it opened with a SYN of another
 * ISN (a new connection on the same ports); a connection joins the one its
 * subflows continue, else the one holding its token, else the one whose
 * DSN range its own falls in (64-bit values, or 32-bit ones and a shared
 * endpoint), never two whose keys differ.
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

static struct mpf_flow *
owner_of(struct state *st, const struct mpf_flow *f)
{
	const struct sub *s = sub_of(f), *o;
	struct mpf_flow *F = g_hash_table_lookup(st->by_tuple, &s->tuple);

	if (!F || !s->fresh)
		return F;
	/* a SYN on a known 4-tuple continues it only with its ISN, and only
	 * while it lives (a subflow that ended is followed by a new one on
	 * its 4-tuple, as ingest.c's tuple_reused says) */
	o = sub_of(F);
	if (mpf__mptcp_sub_ended(o) || o->role != s->role)
		return NULL;
	if (o->dir[0].isn_known && s->dir[0].isn_known &&
	    o->dir[0].isn == s->dir[0].isn && mpf__endpoint_equal(&F->src, &f->src))
		return F;
	return NULL;
}

/* Folds subflow @gs (of the part after) into @ks, the same subflow; @swap
 * when its source is @ks's destination. An RST @ks's part ended on must
 * have been dealt with (flow_fold()). */
static void
sub_fold(struct sub *ks, const struct sub *gs, bool swap)
{
	bool est = gs->established &&
		   !(gs->est_by_traffic && (ks->syn_seen || ks->synack_seen));
	guint i;
	int d;

	ks->syn_seen = ks->syn_seen || gs->syn_seen;
	ks->synack_seen = ks->synack_seen || gs->synack_seen;
	ks->join_rejected = ks->join_rejected || gs->join_rejected;
	if (ks->hmac <= MPF_MPTCP_HMAC_UNVERIFIED && gs->hmac > ks->hmac)
		ks->hmac = gs->hmac;
	ks->established = (ks->established || est) && ks->hmac != MPF_MPTCP_HMAC_BAD;
	for (d = 0; d < 2; d++) {
		struct sdir *kd = &ks->dir[swap ? 1 - d : d];
		const struct sdir *gd = &gs->dir[d];

		if (ks->addr_id[swap ? 1 - d : d] < 0)
			ks->addr_id[swap ? 1 - d : d] = gs->addr_id[d];
		kd->st.data_bytes += gd->st.data_bytes;
		kd->st.unique_bytes += gd->st.unique_bytes;
		kd->st.reinjected_bytes += gd->st.reinjected_bytes;
		kd->st.retransmitted_bytes += gd->st.retransmitted_bytes;
		if (!kd->isn_known && gd->isn_known) {
			kd->isn_known = true;
			kd->isn = gd->isn;
		}
		if (!ks->has_nonce[swap ? 1 - d : d] && gs->has_nonce[d]) {
			ks->has_nonce[swap ? 1 - d : d] = true;
			ks->nonce[swap ? 1 - d : d] = gs->nonce[d];
		}
	}
	/* join HMACs the later part could not check: checked once the
	 * connections are folded (mpf__mptcp_partial_join()) */
	if (gs->pend_synack_frame && !ks->synack_judged && !ks->pend_synack_frame) {
		ks->pend_synack_frame = gs->pend_synack_frame;
		ks->pend_trunc_hmac = gs->pend_trunc_hmac;
	}
	if (gs->pend_ack_frame && !ks->ack_judged && !ks->pend_ack_frame) {
		ks->pend_ack_frame = gs->pend_ack_frame;
		memcpy(ks->pend_hmac, gs->pend_hmac, sizeof(ks->pend_hmac));
	}
	ks->synack_judged = ks->synack_judged || gs->synack_judged;
	ks->ack_judged = ks->ack_judged || gs->ack_judged;
	mpf__mptcp_sf_fold(ks, gs, swap);
	if (ks->rst_reason < 0)
		ks->rst_reason = gs->rst_reason;
	if (!ks->rst_frame)
		ks->rst_frame = gs->rst_frame;
	if (!ks->rst_frame && !ks->pend_rst_frame && gs->pend_rst_frame) {
		ks->pend_rst_frame = gs->pend_rst_frame;
		ks->pend_rst_reason = gs->pend_rst_reason;
		ks->pend_rst_dir = (uint8_t)(swap ? 1 - gs->pend_rst_dir
						  : gs->pend_rst_dir);
		ks->pend_fastclose = gs->pend_fastclose;
	}
	if (!ks->removed_frame)
		ks->removed_frame = gs->removed_frame;
	/* MP_PRIO as ingest lists them: the first one, then each change */
	for (i = 0; gs->prio && i < gs->prio->len; i++) {
		struct prio_change p = g_array_index(gs->prio, struct prio_change, i);

		if (!ks->prio)
			ks->prio = g_array_new(FALSE, FALSE, sizeof(struct prio_change));
		else if (ks->backup == p.backup)
			continue;
		g_array_append_val(ks->prio, p);
		ks->backup = p.backup;
	}
}

/*
 * The third ACK of @F's connection, when the earlier part ended after the
 * SYN/ACK and @gs (of the later part, @swap as flow_fold()) begins with
 * the client's first segment: without a valid MP_CAPABLE (or, v1, without
 * any) the server falls back there, as ingest.c's handshake() says.
 */
static void
third_ack_fold(struct mpf_flow *F, const struct sub *gs, bool swap)
{
	struct sub *ks = sub_of(F);
	struct conn *c = conn_of(F->node);
	int kd = ks->src_is_client ? MPF_SIDE_CLIENT : MPF_SIDE_SERVER;
	const struct sdir *g = &gs->dir[swap ? 1 - kd : kd];
	struct mpf_frame rec;

	if (ks->role != MPF_MPTCP_ROLE_INITIAL || !c->mpc_synack ||
	    c->third_ack_checked || c->fallback || !g->first_frame)
		return;
	c->third_ack_checked = true;
	memset(&rec, 0, sizeof(rec));
	rec.number = g->first_frame;
	if (g->first & FIRST_MPC) {
		if (!(g->first & FIRST_MPC_VALID) || g->first_version != c->version)
			mpf__mptcp_fallback(F, MPF_MPTCP_FALLBACK_ACK_INVALID_MPC,
					    &rec);
	} else if (!(c->version == 0 && (g->first & FIRST_DSS)) &&
		   (g->first & FIRST_WHOLE)) {
		mpf__mptcp_fallback(F, MPF_MPTCP_FALLBACK_ACK_NO_MPC, &rec);
	}
}

/* Folds subflow @f of the later part into @F, the one it continues. */
static void
flow_fold(struct state *st, struct mpf_flow *F, struct mpf_flow *f)
{
	bool swap = !mpf__endpoint_equal(&F->src, &f->src);
	struct sub *ks = sub_of(F);

	/* an RST the earlier part ended on, past what its sender sent, was
	 * no reset if its sender goes on in the later part (fsm.c) */
	if (ks->pend_rst_frame &&
	    f->packets[swap ? 1 - ks->pend_rst_dir : ks->pend_rst_dir]) {
		ks->pend_rst_frame = 0;
		ks->pend_rst_reason = -1;
		ks->pend_fastclose = false;
	}
	third_ack_fold(F, sub_of(f), swap);
	sub_fold(ks, sub_of(f), swap);
	mpf__partial_flow_fold(F, f, swap);
	if (!sub_of(f)->in_table)
		mpf__mptcp_table_drop(st, F);
}

/* Whether keys both nodes know of a side differ (@flip: @g's side s is
 * @k's side 1 - s): two connections, whatever else they share. */
static bool
keys_differ(const struct conn *k, const struct conn *g, bool flip)
{
	int gs;

	for (gs = 0; gs < 2; gs++) {
		const struct side *ks = &k->side[flip ? 1 - gs : gs];

		if (ks->has_key && g->side[gs].has_key && ks->key != g->side[gs].key)
			return true;
	}
	return false;
}

static struct mpf_node *
token_target(struct state *st, const struct mpf_node *node, bool *flip)
{
	const struct conn *g = conn_of(node);
	int gs, ks;

	for (gs = 0; gs < 2; gs++) {
		uint32_t token = g->side[gs].token;
		struct mpf_node *m;
		const struct conn *k;

		if (!g->side[gs].has_token)
			continue;
		m = g_hash_table_lookup(st->by_token, GUINT_TO_POINTER(token));
		if (!m)
			continue;
		k = conn_of(m);
		for (ks = 0; ks < 2; ks++)
			if (k->side[ks].has_token && k->side[ks].token == token)
				break;
		if (ks == 2 || keys_differ(k, g, ks != gs))
			continue;
		*flip = ks != gs;
		return m;
	}
	return NULL;
}

/* The connection of @into whose DSN range a side of @node (seen without
 * its keys, or the other without them) falls in, as infer.c decides. */
static struct mpf_node *
dsn_target(struct state *st, struct mpf_node *node, bool *flip)
{
	const struct conn *g = conn_of(node);
	int gs, pass;

	for (gs = 0; gs < 2; gs++) {
		const struct side *s = &g->side[gs];

		if (!s->dsn_seen)
			continue;
		for (pass = s->dsn_wide ? 0 : 1; pass < 2; pass++) {
			bool wide = pass == 0;
			GArray *owners = wide
				? mpf__mptcp_bucket_owners(st->dsn_wide,
							   s->dsn_lo >> WIDE_BUCKET_SHIFT, false)
				: mpf__mptcp_bucket_owners(st->dsn_narrow,
							   (uint32_t)s->dsn_lo >> NARROW_BUCKET_SHIFT,
							   false);
			guint i;

			for (i = 0; owners && i < owners->len; i++) {
				struct dsn_owner o = g_array_index(owners, struct dsn_owner, i);
				const struct conn *k = conn_of(o.node);
				const struct side *ks = &k->side[o.side];

				if (!mpf__mptcp_unanchored(k) && !mpf__mptcp_unanchored(g))
					continue;
				if (!mpf__mptcp_in_range(ks, s->dsn_lo, wide) ||
				    !mpf__mptcp_in_range(ks, s->dsn_max, wide))
					continue;
				if (!wide && !mpf__mptcp_nodes_share_endpoint(o.node, node))
					continue;
				*flip = o.side != gs;
				return o.node;
			}
		}
	}
	return NULL;
}

/* @v, a 32-bit value widened in a part that knew less, widened again
 * next to @ref (a value of the same space as the earlier part saw it). */
static uint64_t
rewiden(uint64_t v, uint64_t ref)
{
	return mpf__seq_expand32((uint32_t)v, ref);
}

/* Brings the values of side @g (of the later part) into the 64-bit space
 * of side @k of the earlier, when only @k's are real 64-bit ones; @gpeer
 * and @kpeer are the other sides (whose space @g's data acks are in). */
static void
side_align(struct side *g, const struct side *k, const struct side *kpeer)
{
	bool kwide = k->dsn_wide || k->has_idsn;
	uint64_t ref = k->dsn_seen ? k->dsn_max : k->idsn;

	if (kwide && !g->dsn_wide && !g->has_idsn && g->dsn_seen) {
		g->dsn_lo = rewiden(g->dsn_lo, ref);
		g->dsn_max = rewiden(g->dsn_max, ref);
		if (g->data_fin_raw)
			g->data_fin_raw = rewiden(g->data_fin_raw, ref);
		if (g->sent_any)
			g->sent_max = rewiden(g->sent_max, ref);
	}
	if (g->dack_seen && (kpeer->dsn_wide || kpeer->has_idsn))
		g->dack_max = rewiden(g->dack_max,
				      kpeer->dsn_seen ? kpeer->dsn_max : kpeer->idsn);
}

static void
checks_fold(struct mpf_mptcp_checks *k, const struct mpf_mptcp_checks *g,
	    bool orphans)
{
	k->join_hmac_ok += g->join_hmac_ok;
	k->join_hmac_bad += g->join_hmac_bad;
	k->join_hmac_unverified += g->join_hmac_unverified;
	k->add_addr_hmac_ok += g->add_addr_hmac_ok;
	k->add_addr_hmac_bad += g->add_addr_hmac_bad;
	k->add_addr_hmac_legacy += g->add_addr_hmac_legacy;
	k->add_addr_hmac_unverified += g->add_addr_hmac_unverified;
	k->addr_id_conflicts += g->addr_id_conflicts;
	k->csum_ok += g->csum_ok;
	k->csum_bad += g->csum_bad;
	k->csum_unverifiable += g->csum_unverifiable;
	k->key_mismatches += g->key_mismatches;
	if (orphans) {
		k->orphan_joins += g->orphan_joins;
		k->orphan_joins_untracked += g->orphan_joins_untracked;
	}
	if (!k->mp_fail_frame)
		k->mp_fail_frame = g->mp_fail_frame;
	if (!k->fastclose_frame)
		k->fastclose_frame = g->fastclose_frame;
	if (!k->infinite_map_frame)
		k->infinite_map_frame = g->infinite_map_frame;
	k->fastclose_bad_key += g->fastclose_bad_key;
	k->limited += g->limited;
}

/* Adds the later part's announcements: one repeated across the cut is
 * the earlier one (its echo or removal may be in the later part), one
 * that reuses a live id for another address a conflict, as ingest says. */
static void
announced_fold(struct conn *k, const struct conn *g, bool flip)
{
	guint i, j, n;

	if (!g->announced)
		return;
	if (!k->announced)
		k->announced = g_array_new(FALSE, TRUE, sizeof(struct announced));
	n = k->announced->len;
	for (i = 0; i < g->announced->len; i++) {
		struct announced a = g_array_index(g->announced, struct announced, i);
		bool same = false;

		if (flip)
			a.side = (uint8_t)(1 - a.side);
		for (j = 0; j < n && !same; j++) {
			struct announced *x = &g_array_index(k->announced,
							     struct announced, j);

			if (x->side != a.side || x->addr_id != a.addr_id ||
			    x->removed_frame)
				continue;
			if (memcmp(&x->addr, &a.addr, sizeof(a.addr)) == 0 &&
			    x->port == a.port) {
				if (!x->echo_frame)
					x->echo_frame = a.echo_frame;
				x->removed_frame = a.removed_frame;
				same = true;
			} else if (!a.conflict) {
				a.conflict = x->conflict = true;
				k->checks.addr_id_conflicts++;
			}
		}
		if (same)
			continue;
		if (k->announced->len >= ADDR_MAX)
			k->checks.limited++; /* as ingest caps them */
		else
			g_array_append_val(k->announced, a);
	}
}

/* Folds connection @N (the later part's) into @T: @flip when @N's client
 * is @T's server. */
static void
conn_fold(struct conn *k, struct conn *g, bool flip)
{
	bool anchored = !mpf__mptcp_unanchored(k);
	guint i;
	int gs;

	if (k->version < 0)
		k->version = g->version;
	k->checksum = k->checksum || g->checksum;
	k->mpc_syn = k->mpc_syn || g->mpc_syn;
	k->mpc_synack = k->mpc_synack || g->mpc_synack;
	k->third_ack_checked = k->third_ack_checked || g->third_ack_checked;
	/* a join whose token was of nobody in its part found @k's */
	checks_fold(&k->checks, &g->checks, k->orphan || !g->orphan);
	k->orphan = k->orphan && g->orphan;
	k->inferred = k->inferred || (g->inferred && !anchored);
	k->settled = k->settled || g->settled;
	for (gs = 0; gs < 2; gs++)
		side_align(&g->side[gs], &k->side[flip ? 1 - gs : gs],
			   &k->side[flip ? gs : 1 - gs]);
	for (gs = 0; gs < 2; gs++) {
		struct side *ks = &k->side[flip ? 1 - gs : gs], *gsd = &g->side[gs];

		if (gsd->has_key) {
			if (!ks->has_key) {
				ks->has_key = true;
				ks->key = gsd->key;
			} else if (ks->key != gsd->key) {
				k->checks.key_mismatches++;
			}
		}
		if (!ks->has_token && gsd->has_token) {
			ks->has_token = true;
			ks->token = gsd->token;
		}
		if (!ks->has_idsn && gsd->has_idsn) {
			ks->has_idsn = true;
			ks->idsn = gsd->idsn;
		}
		/* relative values count from the IDSN, else the first guess */
		if (gsd->base_known &&
		    (!ks->base_known || (ks->base_guessed && !gsd->base_guessed))) {
			ks->base = gsd->base;
			ks->base_known = true;
			ks->base_guessed = gsd->base_guessed;
		}
		if (gsd->dack_seen &&
		    (!ks->dack_seen || (int64_t)(gsd->dack_max - ks->dack_max) > 0))
			ks->dack_max = gsd->dack_max;
		ks->dack_seen = ks->dack_seen || gsd->dack_seen;
		mpf__mptcp_side_absorb(ks, gsd);
		/* two parts' intervals together stay under the cap, as one
		 * context's would */
		mpf__mptcp_sent_trim(k, ks);
	}
	announced_fold(k, g, flip);
	/* the later part's transitions (a fallback with them), once its
	 * DATA_FINs are the sides' */
	mpf__mptcp_fsm_merge(k, g);
	/* a part that grouped subflows without their keys, when the earlier
	 * one had them: one context tied those subflows by their 4-tuples,
	 * from no evidence */
	for (i = 0; !anchored && g->evidence && i < g->evidence->len; i++) {
		struct evidence e = g_array_index(g->evidence, struct evidence, i);

		if (flip)
			e.keep_side = (int8_t)(1 - e.keep_side);
		if (!k->evidence)
			k->evidence = g_array_new(FALSE, FALSE, sizeof(struct evidence));
		g_array_append_val(k->evidence, e);
	}
}

static bool
node_fresh(const struct mpf_node *n)
{
	const struct sub *s;

	if (!n->flows->len)
		return false;
	s = sub_of(g_ptr_array_index(n->flows, 0));
	return s->fresh && s->role == MPF_MPTCP_ROLE_INITIAL;
}

bool
mpf__mptcp_partial_join(struct mpf_ctx *into, void *state,
			struct mpf_ctx *later, struct mpf_node *node)
{
	struct state *st = state;
	bool fresh = node_fresh(node), flip = false;
	struct mpf_node *target = NULL;
	guint i;
	int sd;

	/* opened by a SYN that only repeats one of @into's: no new one */
	if (fresh && owner_of(st, g_ptr_array_index(node->flows, 0)))
		fresh = false;
	/* subflows that continue one of @into's count there */
	for (i = 0; i < node->flows->len;) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, i);
		struct mpf_flow *F = owner_of(st, f);

		if (!F) {
			/* a new connection on the 4-tuple: the old one left */
			if (sub_of(f)->fresh &&
			    (F = g_hash_table_lookup(st->by_tuple, &sub_of(f)->tuple)))
				mpf__mptcp_table_drop(st, F);
			i++;
			continue;
		}
		if (!target && !fresh) {
			bool same = mpf__endpoint_equal(&F->src, &f->src);

			target = F->node;
			flip = side_of(sub_of(F), same ? MPF_SIDE_CLIENT
						       : MPF_SIDE_SERVER) !=
			       side_of(sub_of(f), MPF_SIDE_CLIENT);
		}
		flow_fold(st, F, f); /* takes @f out of the list */
	}
	if (fresh)
		return false;
	if (!target)
		target = token_target(st, node, &flip);
	if (!target)
		target = dsn_target(st, node, &flip);
	if (!target)
		return false;
	conn_fold(conn_of(target), conn_of(node), flip);
	while (node->flows->len) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, 0);

		if (flip)
			mpf__mptcp_sub_flip(f);
		mpf__partial_flow_move(into, later, target, f);
	}
	mpf__partial_node_fold(target, node);
	conn_of(target)->resets = 0;
	for (i = 0; i < target->flows->len; i++)
		if (sub_of(g_ptr_array_index(target->flows, i))->rst_frame)
			conn_of(target)->resets++;
	/* the keys of one part, the joins of the other */
	mpf__mptcp_verify_pending(into, target);
	mpf__mptcp_file_node(st, target);
	for (sd = 0; sd < 2; sd++)
		mpf__mptcp_index_side(st, target, sd);
	return true;
}

void
mpf__mptcp_partial_adopted(struct mpf_ctx *into, void *state,
			   struct mpf_node *node, const uint32_t *old_flow_ids)
{
	(void)into;
	(void)old_flow_ids;
	mpf__mptcp_file_node(state, node);
}
