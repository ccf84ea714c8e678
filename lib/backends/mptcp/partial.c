/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * partial.c: MPTCP in partial results (lib/partial.c): connections and
 * subflows as GVariants, read back into the state's tables, and the parts
 * partial.c: MPTCP in partial results (lib/partial.c): connections,
 * subflows and the state's residues as GVariants, and read back into the
 * state's tables (checked: values no analysis gives are refused).
 *
 * merge.c merges the parts, residue.c keeps and folds the residues.
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

/* ----------------------------------------------------------- format */

/* flow: its table state, role, handshake, HMAC, address ids, reset and
 * removal, ISNs, data stats each way, the RST the capture may have ended
 * on, first FIN each way, its machine's state, join nonces and the join
 * HMACs that wait for the keys, the first segment each way after the
 * handshake; its MP_PRIO changes; its transitions */
#define SUB_T "(bbybbbbbynnnuubbbbuuttttttttunybuuy" "uubbuuttttbb" "uyyuyy)"
#define PRIO_T "(ub)"
/* a state machine: its state, its transitions (frame, state, cause) */
#define FSM_T "y"
#define TRANSITION_T "(uyy)"
/* a side: key, token, IDSN, relative base, DSN and data-ack ranges, data
 * stats, DATA_FIN */
#define SIDE_M "btbubtbbtbbttbtbtt" "tttttttttt" "bu"
/* connection: version, flags, fallback, orphan, inferred, checks, two
 * sides, settled, resets; the fallback's cause, fast closes with a bad
 * key, its machine's state */
#define CONN_T "(nbbbbbubbuuuuuuuutttuuuuuu" SIDE_M SIDE_M "buyu" FSM_T ")"
#define ANNOUNCED_T "(yybbqy" MPF_ADDR_T "uuu)"
#define EVIDENCE_T "(yyyyuuuyt)"
#define RSEG_M "bu" MPF_TRAFFIC_T "uuuuuuuu"
#define RESIDUE_T "(" MPF_ENDPOINT_T MPF_ENDPOINT_T "ybb" RSEG_M RSEG_M ")"

const char mpf__mptcp_flow_type[] = "(" SUB_T "a" PRIO_T "a" TRANSITION_T ")";
const char mpf__mptcp_node_type[] =
	"(" CONN_T "a" ANNOUNCED_T "a" EVIDENCE_T "a" TRANSITION_T ")";
const char mpf__mptcp_state_type[] = "(a" RESIDUE_T "u)";

/* @n bytes (up to 8) of a join HMAC as a number, and back. */
static uint64_t
be_get(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void
be_put(uint8_t *p, int n, uint64_t v)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* A machine's transitions (its state goes with the fixed part). */
static GVariant *
transitions_pack(const struct fsm *m)
{
	struct mpf_pack p;
	int i;

	mpf__pack_begin(&p);
	for (i = 0; i < m->n; i++) {
		mpf__pack_u(&p, m->t[i].frame);
		mpf__pack_y(&p, m->t[i].state);
		mpf__pack_y(&p, m->t[i].cause);
		mpf__pack_next(&p);
	}
	return mpf__pack_array(&p, TRANSITION_T);
}

/* Reads @v into @m, whose state is set; false when it is no machine's. */
static bool
transitions_unpack(struct mpf_unpack *u, GVariant *v, struct fsm *m)
{
	gsize i, n = mpf__unpack_array(u, v);

	if (n > MAX_TRANSITIONS)
		return false;
	m->n = (uint8_t)n;
	for (i = 0; i < n; i++) {
		m->t[i].frame = mpf__unpack_u(u);
		m->t[i].state = mpf__unpack_y(u);
		m->t[i].cause = mpf__unpack_y(u);
		mpf__unpack_next(u);
	}
	return !u->bad && mpf__mptcp_fsm_valid(m);
}

/* Whether the frames of @m's transitions are of the capture. */
static bool
transitions_frames_ok(const struct mpf_ctx *ctx, const struct fsm *m)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (!mpf__partial_frame_ok(ctx, m->t[i].frame))
			return false;
	return true;
}

GVariant *
mpf__mptcp_flow_export(const struct mpf_flow *flow)
{
	const struct sub *s = sub_of(flow);
	struct mpf_pack p, pr;
	guint i;
	int d;

	mpf__pack_begin(&p);
	mpf__pack_b(&p, s->in_table);
	mpf__pack_b(&p, s->src_is_client);
	mpf__pack_y(&p, s->role);
	mpf__pack_b(&p, s->syn_seen);
	mpf__pack_b(&p, s->synack_seen);
	mpf__pack_b(&p, s->established);
	mpf__pack_b(&p, s->backup);
	mpf__pack_b(&p, s->join_rejected);
	mpf__pack_y(&p, s->hmac);
	mpf__pack_n(&p, s->addr_id[0]);
	mpf__pack_n(&p, s->addr_id[1]);
	mpf__pack_n(&p, s->rst_reason);
	mpf__pack_u(&p, s->rst_frame);
	mpf__pack_u(&p, s->removed_frame);
	mpf__pack_b(&p, s->fresh);
	mpf__pack_b(&p, s->est_by_traffic);
	mpf__pack_b(&p, s->dir[0].isn_known);
	mpf__pack_b(&p, s->dir[1].isn_known);
	mpf__pack_u(&p, s->dir[0].isn);
	mpf__pack_u(&p, s->dir[1].isn);
	for (d = 0; d < 2; d++) {
		const struct mpf_mptcp_flow_stats *st = &s->dir[d].st;

		mpf__pack_t(&p, st->data_bytes);
		mpf__pack_t(&p, st->unique_bytes);
		mpf__pack_t(&p, st->reinjected_bytes);
		mpf__pack_t(&p, st->retransmitted_bytes);
	}
	mpf__pack_u(&p, s->pend_rst_frame);
	mpf__pack_n(&p, s->pend_rst_reason);
	mpf__pack_y(&p, s->pend_rst_dir);
	mpf__pack_b(&p, s->pend_fastclose);
	mpf__pack_u(&p, s->dir[0].fin_frame);
	mpf__pack_u(&p, s->dir[1].fin_frame);
	mpf__pack_y(&p, s->fsm.state);
	for (d = 0; d < 2; d++)
		mpf__pack_u(&p, s->nonce[d]);
	for (d = 0; d < 2; d++)
		mpf__pack_b(&p, s->has_nonce[d]);
	mpf__pack_u(&p, s->pend_synack_frame);
	mpf__pack_u(&p, s->pend_ack_frame);
	mpf__pack_t(&p, s->pend_trunc_hmac);
	mpf__pack_t(&p, be_get(s->pend_hmac, 8));
	mpf__pack_t(&p, be_get(s->pend_hmac + 8, 8));
	mpf__pack_t(&p, be_get(s->pend_hmac + 16, 4));
	mpf__pack_b(&p, s->synack_judged);
	mpf__pack_b(&p, s->ack_judged);
	for (d = 0; d < 2; d++) {
		mpf__pack_u(&p, s->dir[d].first_frame);
		mpf__pack_y(&p, s->dir[d].first);
		mpf__pack_y(&p, s->dir[d].first_version);
	}
	mpf__pack_begin(&pr);
	for (i = 0; s->prio && i < s->prio->len; i++) {
		const struct prio_change *c = &g_array_index(s->prio, struct prio_change, i);

		mpf__pack_u(&pr, c->frame);
		mpf__pack_b(&pr, c->backup);
		mpf__pack_next(&pr);
	}
	return mpf__tuple(3, mpf__pack_tuple(&p, SUB_T), mpf__pack_array(&pr, PRIO_T),
			  transitions_pack(&s->fsm));
}

/* The tuple (hash key) of a flow's two ends, as ingest files it. */
static void
tuple_of(const struct mpf_flow *f, struct mpf_tuple *t)
{
	struct mpf_packet raw;
	struct mpf_pkt pkt;

	memset(&raw, 0, sizeof(raw));
	memset(&pkt, 0, sizeof(pkt));
	pkt.raw = &raw;
	pkt.src = f->src.addr;
	pkt.dst = f->dst.addr;
	pkt.sport = f->src.port;
	pkt.dport = f->dst.port;
	mpf__tuple_from_pkt(t, &pkt);
}

int
mpf__mptcp_flow_import(struct mpf_flow *flow, GVariant *v)
{
	struct sub *s = sub_of(flow);
	GVariant *fixed = g_variant_get_child_value(v, 0);
	GVariant *prio = g_variant_get_child_value(v, 1);
	GVariant *trans = g_variant_get_child_value(v, 2);
	struct mpf_unpack u;
	uint64_t hmac[3];
	gsize i, n;
	int d;

	mpf__unpack_tuple(&u, fixed);
	s->in_table = mpf__unpack_b(&u);
	s->src_is_client = mpf__unpack_b(&u);
	s->role = mpf__unpack_y(&u);
	s->syn_seen = mpf__unpack_b(&u);
	s->synack_seen = mpf__unpack_b(&u);
	s->established = mpf__unpack_b(&u);
	s->backup = mpf__unpack_b(&u);
	s->join_rejected = mpf__unpack_b(&u);
	s->hmac = mpf__unpack_y(&u);
	s->addr_id[0] = mpf__unpack_n(&u);
	s->addr_id[1] = mpf__unpack_n(&u);
	s->rst_reason = mpf__unpack_n(&u);
	s->rst_frame = mpf__unpack_u(&u);
	s->removed_frame = mpf__unpack_u(&u);
	s->fresh = mpf__unpack_b(&u);
	s->est_by_traffic = mpf__unpack_b(&u);
	s->dir[0].isn_known = mpf__unpack_b(&u);
	s->dir[1].isn_known = mpf__unpack_b(&u);
	s->dir[0].isn = mpf__unpack_u(&u);
	s->dir[1].isn = mpf__unpack_u(&u);
	for (d = 0; d < 2; d++) {
		struct mpf_mptcp_flow_stats *st = &s->dir[d].st;

		st->data_bytes = mpf__unpack_t(&u);
		st->unique_bytes = mpf__unpack_t(&u);
		st->reinjected_bytes = mpf__unpack_t(&u);
		st->retransmitted_bytes = mpf__unpack_t(&u);
	}
	s->pend_rst_frame = mpf__unpack_u(&u);
	s->pend_rst_reason = mpf__unpack_n(&u);
	s->pend_rst_dir = mpf__unpack_y(&u);
	s->pend_fastclose = mpf__unpack_b(&u);
	for (d = 0; d < 2; d++) {
		s->dir[d].fin_frame = mpf__unpack_u(&u);
		s->dir[d].fin = s->dir[d].fin_frame != 0;
	}
	s->fsm.state = mpf__unpack_y(&u);
	for (d = 0; d < 2; d++)
		s->nonce[d] = mpf__unpack_u(&u);
	for (d = 0; d < 2; d++)
		s->has_nonce[d] = mpf__unpack_b(&u);
	s->pend_synack_frame = mpf__unpack_u(&u);
	s->pend_ack_frame = mpf__unpack_u(&u);
	s->pend_trunc_hmac = mpf__unpack_t(&u);
	hmac[0] = mpf__unpack_t(&u);
	hmac[1] = mpf__unpack_t(&u);
	hmac[2] = mpf__unpack_t(&u);
	be_put(s->pend_hmac, 8, hmac[0]);
	be_put(s->pend_hmac + 8, 8, hmac[1]);
	be_put(s->pend_hmac + 16, 4, hmac[2]);
	s->synack_judged = mpf__unpack_b(&u);
	s->ack_judged = mpf__unpack_b(&u);
	for (d = 0; d < 2; d++) {
		s->dir[d].first_frame = mpf__unpack_u(&u);
		s->dir[d].first = mpf__unpack_y(&u);
		s->dir[d].first_version = mpf__unpack_y(&u);
	}
	tuple_of(flow, &s->tuple);
	g_variant_unref(fixed);
	if (u.bad || !transitions_unpack(&u, trans, &s->fsm) || hmac[2] > UINT32_MAX ||
	    s->pend_rst_reason < -1 || s->pend_rst_reason > 255 ||
	    s->pend_rst_dir > 1 || s->role > MPF_MPTCP_ROLE_UNKNOWN ||
	    s->hmac > MPF_MPTCP_HMAC_LEGACY || s->addr_id[0] < -1 ||
	    s->addr_id[0] > 255 || s->addr_id[1] < -1 || s->addr_id[1] > 255 ||
	    s->rst_reason < -1 || s->rst_reason > 255 || flow->src.port == 0 ||
	    flow->dst.port == 0) {
		g_variant_unref(prio);
		g_variant_unref(trans);
		return MPF_ERR_MALFORMED;
	}
	g_variant_unref(trans);
	n = mpf__unpack_array(&u, prio);
	if (n)
		s->prio = g_array_sized_new(FALSE, FALSE, sizeof(struct prio_change),
					    (guint)n);
	for (i = 0; i < n; i++) {
		struct prio_change c;

		c.frame = mpf__unpack_u(&u);
		c.backup = mpf__unpack_b(&u);
		mpf__unpack_next(&u);
		g_array_append_val(s->prio, c);
	}
	g_variant_unref(prio);
	return u.bad ? MPF_ERR_MALFORMED : MPF_OK;
}

static void
side_pack(struct mpf_pack *p, const struct side *s)
{
	const struct mpf_mptcp_stats *t = &s->st;

	mpf__pack_b(p, s->has_key);
	mpf__pack_t(p, s->key);
	mpf__pack_b(p, s->has_token);
	mpf__pack_u(p, s->token);
	mpf__pack_b(p, s->has_idsn);
	mpf__pack_t(p, s->idsn);
	mpf__pack_b(p, s->base_known);
	mpf__pack_b(p, s->base_guessed);
	mpf__pack_t(p, s->base);
	mpf__pack_b(p, s->dsn_seen);
	mpf__pack_b(p, s->dsn_wide);
	mpf__pack_t(p, s->dsn_lo);
	mpf__pack_t(p, s->dsn_max);
	mpf__pack_b(p, s->dack_seen);
	mpf__pack_t(p, s->dack_max);
	mpf__pack_b(p, s->sent_any);
	mpf__pack_t(p, s->sent_max);
	mpf__pack_t(p, s->data_fin_raw);
	mpf__pack_t(p, t->data_bytes);
	mpf__pack_t(p, t->unique_bytes);
	mpf__pack_t(p, t->reinjected_bytes);
	mpf__pack_t(p, t->retransmitted_bytes);
	mpf__pack_t(p, t->segments);
	mpf__pack_t(p, t->reinjections);
	mpf__pack_t(p, t->retransmissions);
	mpf__pack_t(p, t->out_of_order);
	mpf__pack_t(p, t->data_acks);
	mpf__pack_t(p, t->dup_data_acks);
	mpf__pack_b(p, t->data_fin);
	mpf__pack_u(p, t->data_fin_frame);
}

static void
side_unpack(struct mpf_unpack *u, struct side *s)
{
	struct mpf_mptcp_stats *t = &s->st;

	s->has_key = mpf__unpack_b(u);
	s->key = mpf__unpack_t(u);
	s->has_token = mpf__unpack_b(u);
	s->token = mpf__unpack_u(u);
	s->has_idsn = mpf__unpack_b(u);
	s->idsn = mpf__unpack_t(u);
	s->base_known = mpf__unpack_b(u);
	s->base_guessed = mpf__unpack_b(u);
	s->base = mpf__unpack_t(u);
	s->dsn_seen = mpf__unpack_b(u);
	s->dsn_wide = mpf__unpack_b(u);
	s->dsn_lo = mpf__unpack_t(u);
	s->dsn_max = mpf__unpack_t(u);
	s->dack_seen = mpf__unpack_b(u);
	s->dack_max = mpf__unpack_t(u);
	s->sent_any = mpf__unpack_b(u);
	s->sent_max = mpf__unpack_t(u);
	s->data_fin_raw = mpf__unpack_t(u);
	t->data_bytes = mpf__unpack_t(u);
	t->unique_bytes = mpf__unpack_t(u);
	t->reinjected_bytes = mpf__unpack_t(u);
	t->retransmitted_bytes = mpf__unpack_t(u);
	t->segments = mpf__unpack_t(u);
	t->reinjections = mpf__unpack_t(u);
	t->retransmissions = mpf__unpack_t(u);
	t->out_of_order = mpf__unpack_t(u);
	t->data_acks = mpf__unpack_t(u);
	t->dup_data_acks = mpf__unpack_t(u);
	t->data_fin = mpf__unpack_b(u);
	t->data_fin_frame = mpf__unpack_u(u);
}

GVariant *
mpf__mptcp_node_export(const struct mpf_node *node)
{
	const struct conn *c = conn_of(node);
	const struct mpf_mptcp_checks *k = &c->checks;
	struct mpf_pack p, an, ev;
	guint i;

	mpf__pack_begin(&p);
	mpf__pack_n(&p, (int16_t)c->version);
	mpf__pack_b(&p, c->checksum);
	mpf__pack_b(&p, c->mpc_syn);
	mpf__pack_b(&p, c->mpc_synack);
	mpf__pack_b(&p, c->third_ack_checked);
	mpf__pack_b(&p, c->fallback);
	mpf__pack_u(&p, c->fallback_frame);
	mpf__pack_b(&p, c->orphan);
	mpf__pack_b(&p, c->inferred);
	mpf__pack_u(&p, k->join_hmac_ok);
	mpf__pack_u(&p, k->join_hmac_bad);
	mpf__pack_u(&p, k->join_hmac_unverified);
	mpf__pack_u(&p, k->add_addr_hmac_ok);
	mpf__pack_u(&p, k->add_addr_hmac_bad);
	mpf__pack_u(&p, k->add_addr_hmac_legacy);
	mpf__pack_u(&p, k->add_addr_hmac_unverified);
	mpf__pack_u(&p, k->addr_id_conflicts);
	mpf__pack_t(&p, k->csum_ok);
	mpf__pack_t(&p, k->csum_bad);
	mpf__pack_t(&p, k->csum_unverifiable);
	mpf__pack_u(&p, k->key_mismatches);
	mpf__pack_u(&p, k->orphan_joins);
	mpf__pack_u(&p, k->orphan_joins_untracked);
	mpf__pack_u(&p, k->mp_fail_frame);
	mpf__pack_u(&p, k->fastclose_frame);
	mpf__pack_u(&p, k->infinite_map_frame);
	side_pack(&p, &c->side[0]);
	side_pack(&p, &c->side[1]);
	mpf__pack_b(&p, c->settled);
	mpf__pack_u(&p, c->resets);
	mpf__pack_y(&p, c->fallback_cause);
	mpf__pack_u(&p, k->fastclose_bad_key);
	mpf__pack_y(&p, c->fsm.state);
	mpf__pack_begin(&an);
	for (i = 0; c->announced && i < c->announced->len; i++) {
		const struct announced *a = &g_array_index(c->announced,
							   struct announced, i);

		mpf__pack_y(&an, a->side);
		mpf__pack_y(&an, a->addr_id);
		mpf__pack_b(&an, a->has_port);
		mpf__pack_b(&an, a->conflict);
		mpf__pack_q(&an, a->port);
		mpf__pack_y(&an, a->hmac);
		mpf__pack_addr(&an, &a->addr);
		mpf__pack_u(&an, a->frame);
		mpf__pack_u(&an, a->echo_frame);
		mpf__pack_u(&an, a->removed_frame);
		mpf__pack_next(&an);
	}
	mpf__pack_begin(&ev);
	for (i = 0; c->evidence && i < c->evidence->len; i++) {
		const struct evidence *e = &g_array_index(c->evidence,
							  struct evidence, i);

		mpf__pack_y(&ev, e->kind);
		mpf__pack_y(&ev, e->wide);
		mpf__pack_y(&ev, (uint8_t)e->owner_side);
		mpf__pack_y(&ev, (uint8_t)e->prober_side);
		mpf__pack_u(&ev, e->frame);
		mpf__pack_u(&ev, e->prober);
		mpf__pack_u(&ev, e->absorbed);
		mpf__pack_y(&ev, (uint8_t)e->keep_side);
		mpf__pack_t(&ev, e->raw);
		mpf__pack_next(&ev);
	}
	return mpf__tuple(4, mpf__pack_tuple(&p, CONN_T),
			  mpf__pack_array(&an, ANNOUNCED_T),
			  mpf__pack_array(&ev, EVIDENCE_T), transitions_pack(&c->fsm));
}

/* Files @node's subflows, tokens and DSN ranges in the state's tables. */
void
mpf__mptcp_file_node(struct state *st, struct mpf_node *node)
{
	struct conn *c = conn_of(node);
	guint i;
	int sd;

	for (i = 0; i < node->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, i);
		struct sub *s = sub_of(f);
		struct mpf_flow *old;

		mpf__mptcp_owned_set(st, &s->tuple);
		if (!s->in_table)
			continue;
		/* one subflow a 4-tuple: an older one of the tuple left it */
		old = g_hash_table_lookup(st->by_tuple, &s->tuple);
		if (old && old != f)
			sub_of(old)->in_table = false;
		g_hash_table_replace(st->by_tuple, &s->tuple, f);
	}
	for (sd = 0; sd < 2; sd++) {
		if (c->side[sd].has_token)
			g_hash_table_replace(st->by_token,
					     GUINT_TO_POINTER(c->side[sd].token), node);
		mpf__mptcp_index_side(st, node, sd);
	}
}

static bool
frames_ok(const struct mpf_ctx *ctx, const uint32_t *frames, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!mpf__partial_frame_ok(ctx, frames[i]))
			return false;
	return true;
}

int
mpf__mptcp_node_import(struct mpf_ctx *ctx, void *state, struct mpf_node *node,
		       GVariant *v)
{
	struct conn *c = conn_of(node);
	struct mpf_mptcp_checks *k = &c->checks;
	GVariant *fixed = g_variant_get_child_value(v, 0);
	GVariant *ann = g_variant_get_child_value(v, 1);
	GVariant *ev = g_variant_get_child_value(v, 2);
	GVariant *trans = g_variant_get_child_value(v, 3);
	struct mpf_unpack u;
	gsize i, n;
	int st = MPF_OK;

	mpf__unpack_tuple(&u, fixed);
	c->version = mpf__unpack_n(&u);
	c->checksum = mpf__unpack_b(&u);
	c->mpc_syn = mpf__unpack_b(&u);
	c->mpc_synack = mpf__unpack_b(&u);
	c->third_ack_checked = mpf__unpack_b(&u);
	c->fallback = mpf__unpack_b(&u);
	c->fallback_frame = mpf__unpack_u(&u);
	c->orphan = mpf__unpack_b(&u);
	c->inferred = mpf__unpack_b(&u);
	k->join_hmac_ok = mpf__unpack_u(&u);
	k->join_hmac_bad = mpf__unpack_u(&u);
	k->join_hmac_unverified = mpf__unpack_u(&u);
	k->add_addr_hmac_ok = mpf__unpack_u(&u);
	k->add_addr_hmac_bad = mpf__unpack_u(&u);
	k->add_addr_hmac_legacy = mpf__unpack_u(&u);
	k->add_addr_hmac_unverified = mpf__unpack_u(&u);
	k->addr_id_conflicts = mpf__unpack_u(&u);
	k->csum_ok = mpf__unpack_t(&u);
	k->csum_bad = mpf__unpack_t(&u);
	k->csum_unverifiable = mpf__unpack_t(&u);
	k->key_mismatches = mpf__unpack_u(&u);
	k->orphan_joins = mpf__unpack_u(&u);
	k->orphan_joins_untracked = mpf__unpack_u(&u);
	k->mp_fail_frame = mpf__unpack_u(&u);
	k->fastclose_frame = mpf__unpack_u(&u);
	k->infinite_map_frame = mpf__unpack_u(&u);
	side_unpack(&u, &c->side[0]);
	side_unpack(&u, &c->side[1]);
	c->settled = mpf__unpack_b(&u);
	c->resets = mpf__unpack_u(&u);
	c->fallback_cause = mpf__unpack_y(&u);
	k->fastclose_bad_key = mpf__unpack_u(&u);
	c->fsm.state = mpf__unpack_y(&u);
	{
		uint32_t frames[] = { c->fallback_frame, k->mp_fail_frame,
				      k->fastclose_frame, k->infinite_map_frame,
				      c->side[0].st.data_fin_frame,
				      c->side[1].st.data_fin_frame };

		if (u.bad || c->version < -1 || c->version > 1 ||
		    !frames_ok(ctx, frames, 6) || c->resets > node->flows->len ||
		    c->fallback_cause > MPF_MPTCP_FALLBACK_INFINITE_MAPPING ||
		    !transitions_unpack(&u, trans, &c->fsm) ||
		    !transitions_frames_ok(ctx, &c->fsm))
			st = MPF_ERR_MALFORMED;
	}
	n = st == MPF_OK ? mpf__unpack_array(&u, ann) : 0;
	for (i = 0; i < n && st == MPF_OK; i++) {
		struct announced a;

		memset(&a, 0, sizeof(a));
		a.side = mpf__unpack_y(&u);
		a.addr_id = mpf__unpack_y(&u);
		a.has_port = mpf__unpack_b(&u);
		a.conflict = mpf__unpack_b(&u);
		a.port = mpf__unpack_q(&u);
		a.hmac = mpf__unpack_y(&u);
		if (!mpf__unpack_addr(&u, &a.addr))
			st = MPF_ERR_MALFORMED;
		a.frame = mpf__unpack_u(&u);
		a.echo_frame = mpf__unpack_u(&u);
		a.removed_frame = mpf__unpack_u(&u);
		mpf__unpack_next(&u);
		if (u.bad || a.side > 1 || a.hmac > MPF_MPTCP_HMAC_LEGACY ||
		    !frames_ok(ctx, &a.frame, 1) || !frames_ok(ctx, &a.echo_frame, 1) ||
		    !frames_ok(ctx, &a.removed_frame, 1))
			st = MPF_ERR_MALFORMED;
		if (!c->announced)
			c->announced = g_array_new(FALSE, TRUE, sizeof(struct announced));
		g_array_append_val(c->announced, a);
	}
	n = st == MPF_OK ? mpf__unpack_array(&u, ev) : 0;
	for (i = 0; i < n && st == MPF_OK; i++) {
		struct evidence e;

		memset(&e, 0, sizeof(e));
		e.kind = mpf__unpack_y(&u);
		e.wide = mpf__unpack_y(&u);
		e.owner_side = (int8_t)mpf__unpack_y(&u);
		e.prober_side = (int8_t)mpf__unpack_y(&u);
		e.frame = mpf__unpack_u(&u);
		e.prober = mpf__unpack_u(&u);
		e.absorbed = mpf__unpack_u(&u);
		e.keep_side = (int8_t)mpf__unpack_y(&u);
		e.raw = mpf__unpack_t(&u);
		mpf__unpack_next(&u);
		if (u.bad || e.kind > MPF_MPTCP_EVIDENCE_KEY || e.wide > 1 ||
		    (uint8_t)e.owner_side > 1 || (uint8_t)e.prober_side > 1 ||
		    (uint8_t)e.keep_side > 1 || !frames_ok(ctx, &e.frame, 1))
			st = MPF_ERR_MALFORMED;
		if (!c->evidence)
			c->evidence = g_array_new(FALSE, FALSE, sizeof(struct evidence));
		g_array_append_val(c->evidence, e);
	}
	for (i = 0; i < node->flows->len && st == MPF_OK; i++) {
		const struct sub *s = sub_of(g_ptr_array_index(node->flows, i));
		uint32_t frames[] = { s->rst_frame, s->removed_frame,
				      s->pend_rst_frame, s->dir[0].fin_frame,
				      s->dir[1].fin_frame, s->pend_synack_frame,
				      s->pend_ack_frame, s->dir[0].first_frame,
				      s->dir[1].first_frame };
		guint j;

		if (!frames_ok(ctx, frames, 9) ||
		    !transitions_frames_ok(ctx, &s->fsm))
			st = MPF_ERR_MALFORMED;
		for (j = 0; s->prio && j < s->prio->len; j++)
			if (!frames_ok(ctx, &g_array_index(s->prio, struct prio_change,
							   j).frame, 1))
				st = MPF_ERR_MALFORMED;
	}
	g_variant_unref(fixed);
	g_variant_unref(ann);
	g_variant_unref(ev);
	g_variant_unref(trans);
	if (st == MPF_OK)
		mpf__mptcp_file_node(state, node);
	return st;
}

static bool
residue_pack(struct mpf_pack *p, gconstpointer value)
{
	const struct residue *r = value;
	int k, w;

	if (!r->segs)
		return false;
	mpf__pack_endpoint(p, &r->tuple.a);
	mpf__pack_endpoint(p, &r->tuple.b);
	mpf__pack_y(p, r->segs);
	mpf__pack_b(p, r->ended);
	mpf__pack_b(p, r->frozen);
	for (k = 0; k < 2; k++) {
		mpf__pack_b(p, r->seg[k].syn_from_a);
		mpf__pack_u(p, r->seg[k].syn_seq);
		mpf__pack_traffic(p, &r->seg[k].t);
		for (w = 0; w < 2; w++) {
			mpf__pack_u(p, r->seg[k].synack[w]);
			mpf__pack_u(p, r->seg[k].first[w]);
			mpf__pack_u(p, r->seg[k].fin[w]);
			mpf__pack_u(p, r->seg[k].rst[w]);
		}
	}
	return true;
}

GVariant *
mpf__mptcp_state_export(const struct mpf_ctx *ctx, const void *state)
{
	const struct state *st = state;

	(void)ctx;
	return mpf__tuple(2,
			  mpf__pack_values(st->residues.table, residue_pack,
					   RESIDUE_T),
			  g_variant_new_uint32(st->residues.lost));
}

static bool
tuple_canonical(const struct mpf_tuple *t)
{
	struct mpf_flow f;
	struct mpf_tuple u;

	memset(&f, 0, sizeof(f));
	f.src = t->a;
	f.dst = t->b;
	tuple_of(&f, &u);
	return mpf__tuple_equal(&u, t);
}

int
mpf__mptcp_state_import(struct mpf_ctx *ctx, void *state, GVariant *v)
{
	struct state *st = state;
	GVariant *res = g_variant_get_child_value(v, 0);
	struct mpf_unpack u;
	gsize i, n;
	int status = MPF_OK, k, w;

	g_variant_get_child(v, 1, "u", &st->residues.lost);
	n = mpf__unpack_array(&u, res);
	for (i = 0; i < n && status == MPF_OK; i++) {
		struct residue *r = g_new0(struct residue, 1);
		bool ok = mpf__unpack_endpoint(&u, &r->tuple.a);

		ok = mpf__unpack_endpoint(&u, &r->tuple.b) && ok;
		r->segs = mpf__unpack_y(&u);
		r->ended = mpf__unpack_b(&u);
		r->frozen = mpf__unpack_b(&u);
		for (k = 0; k < 2; k++) {
			r->seg[k].syn_from_a = mpf__unpack_b(&u);
			r->seg[k].syn_seq = mpf__unpack_u(&u);
			ok = mpf__unpack_traffic(&u, ctx, &r->seg[k].t) && ok;
			for (w = 0; w < 2; w++) {
				uint32_t *g[] = { &r->seg[k].synack[w],
						  &r->seg[k].first[w],
						  &r->seg[k].fin[w],
						  &r->seg[k].rst[w] };
				int j;

				for (j = 0; j < 4; j++) {
					*g[j] = mpf__unpack_u(&u);
					ok = mpf__partial_frame_ok(ctx, *g[j]) && ok;
				}
			}
		}
		mpf__unpack_next(&u);
		if (u.bad || !ok || !tuple_canonical(&r->tuple) || r->segs < 1 ||
		    r->segs > 2 || (r->ended && r->segs != 2) ||
		    (r->segs == 1 && r->seg[1].t.first_frame) ||
		    g_hash_table_contains(mpf__mptcp_residues_of(st), &r->tuple)) {
			status = MPF_ERR_MALFORMED;
			g_free(r);
		} else {
			g_hash_table_insert(mpf__mptcp_residues_of(st), &r->tuple, r);
		}
	}
	g_variant_unref(res);
	return status;
}
