/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * partial.c: MPTCP in partial results (lib/partial.c): connections and
 * subflows as GVariants, read back into the state's tables, and the parts
 * of a capture merged where one context would have seen one connection.
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
 *
 * In shard mode a part also keeps its residues: TCP segments without MPTCP
 * options on a 4-tuple it has no subflow for (after a fallback, or before
 * a subflow's first option in the part), counted per 4-tuple, split at the
 * first SYN (a retransmitted SYN continues the earlier subflow only with
 * its ISN). The merge counts them on the earlier part's subflow of that
 * 4-tuple, where one context would have. A filter of the 4-tuples opened
 * by a SYN (past a minute into the part) or owned by a subflow here keeps
 * plain TCP connections out of the table, which holds MAX_RESIDUES.
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

#define MAX_RESIDUES 65536
#define OWNED_BITS (1u << 20) /* 128 KiB */
/* a SYN this far into a part opens a new connection: no earlier subflow
 * retransmits its SYN so late */
#define SYN_WINDOW_NS (60 * G_GINT64_CONSTANT(1000000000))

/* One stretch of TCP on a 4-tuple without a subflow here. */
struct rseg {
	bool syn_from_a;   /* seg[1]: its SYN came from tuple.a */
	uint32_t syn_seq;
	struct mpf_traffic t; /* way 0: sent by tuple.a */
	/* what a subflow's state machine takes from plain segments (a
	 * SYN/ACK, a third ACK, FINs, an RST: fsm.c), first frames each way
	 * (way 0: sent by tuple.a), 0 for none */
	uint32_t synack[2], first[2], fin[2], rst[2];
};

struct residue {
	struct mpf_tuple tuple;
	uint8_t segs;   /* 1: seg[0]; 2: seg[0] (maybe empty), seg[1] */
	bool ended;     /* a SYN of another ISN came after seg[1] */
	bool frozen;    /* a subflow took the 4-tuple: nothing more here */
	struct rseg seg[2];
};

/* --------------------------------------------------------- residues */

static guint
owned_bit(const struct mpf_tuple *key, int k)
{
	guint h = mpf__tuple_hash(key);

	return (k ? h * 0x9e3779b1u >> 7 : h) & (OWNED_BITS - 1);
}

static bool
owned_test(const struct state *st, const struct mpf_tuple *key)
{
	return st->owned && (st->owned[owned_bit(key, 0) / 8] >> (owned_bit(key, 0) % 8) & 1) &&
	       (st->owned[owned_bit(key, 1) / 8] >> (owned_bit(key, 1) % 8) & 1);
}

static void
owned_set(struct state *st, const struct mpf_tuple *key)
{
	int k;

	if (!st->owned)
		st->owned = g_malloc0(OWNED_BITS / 8);
	for (k = 0; k < 2; k++)
		st->owned[owned_bit(key, k) / 8] |= (uint8_t)(1 << (owned_bit(key, k) % 8));
}

static GHashTable *
residues_of(struct state *st)
{
	if (!st->residues)
		st->residues = g_hash_table_new_full(mpf__tuple_hash, mpf__tuple_equal,
						     NULL, g_free);
	return st->residues;
}

void
mpf__mptcp_owned_note(struct state *st, const struct mpf_tuple *key)
{
	struct residue *r = st->residues ? g_hash_table_lookup(st->residues, key)
					 : NULL;

	owned_set(st, key);
	if (r)
		r->frozen = true;
}

static bool
from_a(const struct mpf_tuple *key, const struct mpf_pkt *pkt)
{
	return pkt->sport == key->a.port && mpf__addr_equal(&pkt->src, &key->a.addr);
}

void
mpf__mptcp_residue_note(struct mpf_ctx *ctx, struct state *st,
			const struct mpf_pkt *pkt, const struct mpf_tuple *key)
{
	bool syn = (pkt->tcp_flags & (MPF_TCP_SYN | MPF_TCP_ACK)) == MPF_TCP_SYN;
	bool a = from_a(key, pkt);
	GHashTable *t = residues_of(st);
	struct residue *r = g_hash_table_lookup(t, key);

	if (!r) {
		if (owned_test(st, key))
			return;
		if ((syn && pkt->ts_ns - ctx->first_ts > SYN_WINDOW_NS) ||
		    g_hash_table_size(t) >= MAX_RESIDUES) {
			if (!syn)
				st->residues_lost++;
			owned_set(st, key); /* and its later segments */
			return;
		}
		r = g_new0(struct residue, 1);
		r->tuple = *key;
		g_hash_table_insert(t, &r->tuple, r);
	}
	if (r->ended || r->frozen)
		return;
	if (syn) {
		if (r->segs < 2) {
			r->segs = 2;
			r->seg[1].syn_from_a = a;
			r->seg[1].syn_seq = pkt->seq;
		} else if (r->seg[1].syn_seq != pkt->seq || r->seg[1].syn_from_a != a) {
			r->ended = true;
			return;
		}
	} else if (r->segs == 0) {
		r->segs = 1;
	}
	mpf__traffic_add(&r->seg[r->segs - 1].t, a ? 0 : 1, pkt);
	{
		struct rseg *g = &r->seg[r->segs - 1];
		uint32_t *at = NULL, w = a ? 0 : 1;

		if ((pkt->tcp_flags & (MPF_TCP_SYN | MPF_TCP_ACK)) ==
		    (MPF_TCP_SYN | MPF_TCP_ACK))
			at = &g->synack[w];
		else if (!(pkt->tcp_flags & (MPF_TCP_SYN | MPF_TCP_RST)))
			at = &g->first[w];
		if (at && !*at)
			*at = pkt->raw->number;
		if ((pkt->tcp_flags & MPF_TCP_FIN) && !g->fin[w])
			g->fin[w] = pkt->raw->number;
		if ((pkt->tcp_flags & MPF_TCP_RST) && !g->rst[w])
			g->rst[w] = pkt->raw->number;
	}
}

void
mpf__mptcp_partial_fini(struct state *st)
{
	if (st->residues)
		g_hash_table_destroy(st->residues);
	g_free(st->owned);
	st->residues = NULL;
	st->owned = NULL;
}

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
static void
file_node(struct state *st, struct mpf_node *node)
{
	struct conn *c = conn_of(node);
	guint i;
	int sd;

	for (i = 0; i < node->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, i);
		struct sub *s = sub_of(f);
		struct mpf_flow *old;

		owned_set(st, &s->tuple);
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
		file_node(state, node);
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
	return mpf__tuple(2, mpf__pack_values(st->residues, residue_pack, RESIDUE_T),
			  g_variant_new_uint32(st->residues_lost));
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

	g_variant_get_child(v, 1, "u", &st->residues_lost);
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
		    g_hash_table_contains(residues_of(st), &r->tuple)) {
			status = MPF_ERR_MALFORMED;
			g_free(r);
		} else {
			g_hash_table_insert(residues_of(st), &r->tuple, r);
		}
	}
	g_variant_unref(res);
	return status;
}

/* ------------------------------------------------------------- merge */

static uint64_t
traffic_packets(const struct mpf_traffic *t)
{
	return t->packets[0] + t->packets[1];
}

/* @f no longer owns its 4-tuple (a later SYN of another ISN took it). */
static void
table_drop(struct state *st, struct mpf_flow *f)
{
	struct sub *s = sub_of(f);

	if (s->in_table && g_hash_table_lookup(st->by_tuple, &s->tuple) == f)
		g_hash_table_remove(st->by_tuple, &s->tuple);
	s->in_table = false;
}

/* Adds the later stretch @g to @K, the same one. */
static void
rseg_append(struct rseg *K, const struct rseg *g)
{
	int w;

	mpf__traffic_merge(&K->t, &g->t);
	for (w = 0; w < 2; w++) {
		if (!K->synack[w])
			K->synack[w] = g->synack[w];
		if (!K->first[w])
			K->first[w] = g->first[w];
		if (!K->fin[w])
			K->fin[w] = g->fin[w];
		if (!K->rst[w])
			K->rst[w] = g->rst[w];
	}
}

/* Appends the later residue @r of a 4-tuple to @R, an earlier one. */
static void
residue_append(struct residue *R, const struct residue *r)
{
	if (R->ended || R->frozen)
		return;
	if (r->seg[0].t.first_frame) {
		if (R->segs == 0)
			R->segs = 1;
		rseg_append(&R->seg[R->segs - 1], &r->seg[0]);
	}
	if (r->segs == 2) {
		if (R->segs < 2) {
			R->segs = 2;
			R->seg[1] = r->seg[1];
		} else if (R->seg[1].syn_seq == r->seg[1].syn_seq &&
			   R->seg[1].syn_from_a == r->seg[1].syn_from_a) {
			rseg_append(&R->seg[1], &r->seg[1]);
		} else {
			R->ended = true;
			return;
		}
	}
	R->ended = r->ended;
	R->frozen = r->frozen;
}

/*
 * What one context makes of plain segments @g (of a later part) on
 * subflow @f, @swap when @g's way 0 is @f's reverse: a SYN/ACK without
 * MP_CAPABLE (a fallback) or MP_JOIN (a join refused), a third ACK
 * without MP_CAPABLE (a fallback), FINs and an RST (ingest.c handshake(),
 * fsm.c). An RST its part ended on is no reset when its sender goes on.
 */
static void
residue_states(struct mpf_flow *f, const struct rseg *g, bool swap)
{
	struct sub *s = sub_of(f), tmp;
	struct conn *c = conn_of(f->node);
	struct mpf_frame rec;
	uint32_t rst = 0;
	/* the way of @g the flow's forward (SYN sender's) way is */
	int fwd = swap ? 1 : 0, cw, w;

	memset(&tmp, 0, sizeof(tmp));
	memset(&rec, 0, sizeof(rec));
	if (s->pend_rst_frame &&
	    g->t.packets[s->pend_rst_dir == MPF_SIDE_CLIENT ? fwd : 1 - fwd]) {
		s->pend_rst_frame = 0;
		s->pend_rst_reason = -1;
		s->pend_fastclose = false;
	}
	if (s->syn_seen && !s->synack_seen && (rec.number = g->synack[1 - fwd])) {
		s->synack_seen = true;
		if (s->role == MPF_MPTCP_ROLE_JOIN) {
			s->join_rejected = true;
			tmp.fsm.t[tmp.fsm.n].frame = rec.number;
			tmp.fsm.t[tmp.fsm.n++].state = MPF_MPTCP_STATE_REJECTED;
		} else if (s->role == MPF_MPTCP_ROLE_INITIAL && c->mpc_syn) {
			mpf__mptcp_fallback(f, MPF_MPTCP_FALLBACK_SYNACK_NO_MPC, &rec);
		}
	}
	cw = s->src_is_client ? fwd : 1 - fwd;
	if (s->role == MPF_MPTCP_ROLE_INITIAL && c->mpc_synack &&
	    !c->third_ack_checked && (rec.number = g->first[cw])) {
		c->third_ack_checked = true;
		mpf__mptcp_fallback(f, MPF_MPTCP_FALLBACK_ACK_NO_MPC, &rec);
	}
	for (w = 0; w < 2; w++) {
		tmp.dir[w].fin = g->fin[w] != 0;
		tmp.dir[w].fin_frame = g->fin[w];
		if (g->rst[w] && (!rst || g->rst[w] < rst))
			rst = g->rst[w];
	}
	if (rst && !s->rst_frame) {
		s->rst_frame = rst;
		c->resets++;
		tmp.fsm.t[tmp.fsm.n].frame = rst;
		tmp.fsm.t[tmp.fsm.n++].state = MPF_MPTCP_STATE_RESET;
	}
	mpf__mptcp_sf_fold(s, &tmp, swap);
}

void
mpf__mptcp_partial_residues(struct mpf_ctx *into, void *state,
			    struct mpf_ctx *later, void *later_state)
{
	struct state *st = state, *ls = later_state;
	GHashTableIter it;
	gpointer v;

	(void)later;
	st->residues_lost += ls->residues_lost;
	if (!ls->residues)
		return;
	g_hash_table_iter_init(&it, ls->residues);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		const struct residue *r = v;
		struct mpf_flow *f = g_hash_table_lookup(st->by_tuple, &r->tuple);
		struct residue *R;

		if (f) {
			/* the segments one context would have counted on @f */
			struct sub *s = sub_of(f);
			bool swap = !mpf__endpoint_equal(&f->src, &r->tuple.a);
			uint64_t n = traffic_packets(&r->seg[0].t);

			if (r->seg[0].t.first_frame) {
				mpf__traffic_to_flow(f, &r->seg[0].t, swap);
				residue_states(f, &r->seg[0], swap);
			}
			if (r->segs == 2) {
				/* its SYN: a retransmission of @f's keeps it */
				if (s->dir[0].isn_known &&
				    s->dir[0].isn == r->seg[1].syn_seq &&
				    r->seg[1].syn_from_a == !swap) {
					mpf__traffic_to_flow(f, &r->seg[1].t, swap);
					residue_states(f, &r->seg[1], swap);
					n += traffic_packets(&r->seg[1].t);
					if (r->ended)
						table_drop(st, f);
				} else {
					table_drop(st, f);
				}
			}
			into->counters[MPF_COUNTER_ANALYSED] += n;
			continue;
		}
		if (owned_test(st, &r->tuple))
			continue; /* the tuple's story here ends elsewhere */
		/* for a part before @into's */
		R = g_hash_table_lookup(residues_of(st), &r->tuple);
		if (R) {
			residue_append(R, r);
		} else if (g_hash_table_size(st->residues) < MAX_RESIDUES) {
			R = g_memdup2(r, sizeof(*r));
			g_hash_table_insert(st->residues, &R->tuple, R);
		} else {
			st->residues_lost++;
		}
	}
}

/* The subflow of @into that @f (of the part after) continues, or NULL. */
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
		table_drop(st, F);
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
		if (!same)
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
				table_drop(st, F);
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
	file_node(st, target);
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
	file_node(state, node);
}
