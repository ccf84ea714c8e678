/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hmac.c: verifies the MP_JOIN HMACs (RFC 8684 3.2) and the ADD_ADDR HMAC
 * (3.4.1) from the keys and nonces already recorded.
 *
 * Reads connection and subflow state; writes only the verdicts (frame
 * flags, check counters, the subflow's hmac and established).
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * The MP_JOIN HMACs (RFC 8684 3.2): HMAC-B = HMAC(Key-B || Key-A,
 * R-B || R-A), its leftmost 64 bits in the SYN/ACK; HMAC-A = HMAC(Key-A ||
 * Key-B, R-A || R-B), its leftmost 160 bits in the third ACK. A is the side
 * that sent the SYN, @a_side of connection @c; @s gives the nonces.
 * Checks the SYN/ACK's @trunc (@synack) or the third ACK's @hmac.
 * Returns: MPF_MPTCP_HMAC_OK, _BAD, or _UNVERIFIED when a key, the version
 * or a nonce is not known (yet).
 */
uint8_t
mpf__mptcp_join_check(const struct conn *c, const struct sub *s, int a_side,
		      bool synack, uint64_t trunc, const uint8_t *hmac)
{
	const struct side *A = &c->side[a_side], *B = &c->side[1 - a_side];
	uint8_t msg[8], mac[20], want[8];
	int i;

	if (!A->has_key || !B->has_key || c->version < 0 ||
	    !s->has_nonce[0] || !s->has_nonce[1])
		return MPF_MPTCP_HMAC_UNVERIFIED;
	if (synack) {
		put32(msg, s->nonce[1]);
		put32(msg + 4, s->nonce[0]);
		mpf__mptcp_hmac(c->version, B->key, A->key, msg, 8, mac, 8);
		for (i = 0; i < 8; i++)
			want[i] = (uint8_t)(trunc >> (56 - 8 * i));
		return memcmp(mac, want, 8) == 0 ? MPF_MPTCP_HMAC_OK
						 : MPF_MPTCP_HMAC_BAD;
	}
	put32(msg, s->nonce[0]);
	put32(msg + 4, s->nonce[1]);
	mpf__mptcp_hmac(c->version, A->key, B->key, msg, 8, mac, 20);
	return memcmp(mac, hmac, 20) == 0 ? MPF_MPTCP_HMAC_OK
					  : MPF_MPTCP_HMAC_BAD;
}

/* Records a verdict on the SYN/ACK's (@synack) or the third ACK's HMAC:
 * on the subflow, its connection's counters (once per kind: a third ACK
 * sent again is not a second check) and frame @rec (nullable: not
 * retained). A bad one means the peer refuses the join: not
 * established. */
static void
join_verdict(struct conn *c, struct sub *s, bool synack, uint8_t v,
	     struct mpf_frame *rec)
{
	bool *judged = synack ? &s->synack_judged : &s->ack_judged;
	bool count = !*judged;

	*judged = true;
	if (v == MPF_MPTCP_HMAC_OK) {
		if (rec)
			rec->bflags |= MPF_MPTCP_FRAME_HMAC_OK;
		if (count)
			c->checks.join_hmac_ok++;
		if (s->hmac != MPF_MPTCP_HMAC_BAD)
			s->hmac = MPF_MPTCP_HMAC_OK;
	} else {
		if (rec)
			rec->bflags |= MPF_MPTCP_FRAME_HMAC_BAD;
		if (count)
			c->checks.join_hmac_bad++;
		s->hmac = MPF_MPTCP_HMAC_BAD;
		s->established = false; /* a peer would refuse this join */
	}
}

/*
 * Checks the HMAC of a join's SYN/ACK (sent by the subflow's server
 * side) or third ACK (its client side) in frame @rec. When the keys are
 * not known yet (a join before the MP_CAPABLE third ACK), the HMAC waits
 * in the subflow and counts as unverified until
 * mpf__mptcp_verify_pending() checks it.
 * Returns: the verdict (MPF_MPTCP_HMAC_*), NONE for an option of the
 * wrong way.
 */
uint8_t
mpf__mptcp_verify_join(struct mpf_node *node, struct mpf_flow *f, int d,
		       const struct mpf_mptcp_opt *o, struct mpf_frame *rec)
{
	struct conn *c = conn_of(node);
	struct sub *s = sub_of(f);
	bool synack = o->u.join.kind == MPJ_SYNACK;
	uint8_t v;

	if (!(synack && d == MPF_SIDE_SERVER) &&
	    !(o->u.join.kind == MPJ_ACK && d == MPF_SIDE_CLIENT))
		return MPF_MPTCP_HMAC_NONE;
	v = mpf__mptcp_join_check(c, s, side_of(s, MPF_SIDE_CLIENT), synack,
				  o->u.join.trunc_hmac, o->u.join.hmac);
	if (v == MPF_MPTCP_HMAC_UNVERIFIED) {
		if (!(synack ? s->pend_synack_frame : s->pend_ack_frame))
			c->checks.join_hmac_unverified++;
		if (s->hmac == MPF_MPTCP_HMAC_NONE)
			s->hmac = MPF_MPTCP_HMAC_UNVERIFIED;
		if (synack) {
			s->pend_synack_frame = rec->number;
			s->pend_trunc_hmac = o->u.join.trunc_hmac;
		} else {
			s->pend_ack_frame = rec->number;
			memcpy(s->pend_hmac, o->u.join.hmac, sizeof(s->pend_hmac));
		}
		return v;
	}
	join_verdict(c, s, synack, v, rec);
	return v;
}

/*
 * The keys of @node are all known now: checks the join HMACs that waited
 * for them, moving them from unverified to ok or bad, flagging their
 * frames (when retained), and amending the subflow's transitions where a
 * bad HMAC means the join was refused at that frame.
 */
void
mpf__mptcp_verify_pending(struct mpf_ctx *ctx, struct mpf_node *node)
{
	struct conn *c = conn_of(node);
	guint i;

	if (!c->side[0].has_key || !c->side[1].has_key || c->version < 0)
		return;
	for (i = 0; i < node->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, i);
		struct sub *s = sub_of(f);
		int a = side_of(s, MPF_SIDE_CLIENT), k;

		for (k = 0; k < 2; k++) {
			uint32_t frame = k ? s->pend_ack_frame
					   : s->pend_synack_frame;
			uint8_t v;

			if (!frame)
				continue;
			v = mpf__mptcp_join_check(c, s, a, k == 0,
						  s->pend_trunc_hmac,
						  s->pend_hmac);
			if (v == MPF_MPTCP_HMAC_UNVERIFIED)
				continue; /* a nonce was never captured */
			if (k)
				s->pend_ack_frame = 0;
			else
				s->pend_synack_frame = 0;
			if (c->checks.join_hmac_unverified)
				c->checks.join_hmac_unverified--;
			if (s->hmac == MPF_MPTCP_HMAC_UNVERIFIED)
				s->hmac = MPF_MPTCP_HMAC_NONE;
			join_verdict(c, s, k == 0, v, mpf__frame_at(ctx, frame));
			if (v == MPF_MPTCP_HMAC_BAD)
				mpf__mptcp_fsm_amend(&s->fsm, frame,
						     MPF_MPTCP_STATE_REJECTED);
		}
	}
}

/*
 * ADD_ADDR v1 (RFC 8684 3.4.1): the rightmost 64 bits of HMAC(Key-sender ||
 * Key-receiver, id || address || port, the port 0 when absent). Linux sent
 * the leftmost 64 bits before 2020, and port 0 even with a port: both are
 * reported as LEGACY, a known deviation rather than an attack.
 */
uint8_t
mpf__mptcp_verify_add_addr(const struct conn *c, int side,
			   const struct mpf_mptcp_opt *o)
{
	const struct side *S = &c->side[side], *R = &c->side[1 - side];
	uint8_t msg[19], d[32], want[8];
	size_t n = 0, alen = o->u.add_addr.addr.family == 4 ? 4 : 16;
	int i, pass;

	if (o->u.add_addr.version == 0 || o->u.add_addr.echo ||
	    !o->u.add_addr.has_hmac)
		return MPF_MPTCP_HMAC_NONE;
	if (!S->has_key || !R->has_key)
		return MPF_MPTCP_HMAC_UNVERIFIED;
	for (i = 0; i < 8; i++)
		want[i] = (uint8_t)(o->u.add_addr.hmac >> (56 - 8 * i));
	msg[n++] = o->u.add_addr.addr_id;
	memcpy(msg + n, o->u.add_addr.addr.bytes, alen);
	n += alen;
	for (pass = 0; pass < 2; pass++) {
		uint16_t port = pass == 0 ? o->u.add_addr.port : 0;

		msg[n] = (uint8_t)(port >> 8);
		msg[n + 1] = (uint8_t)port;
		mpf__mptcp_hmac(1, S->key, R->key, msg, n + 2, d, sizeof(d));
		if (pass == 0 && memcmp(d + 24, want, 8) == 0)
			return MPF_MPTCP_HMAC_OK;
		if (memcmp(d, want, 8) == 0 || memcmp(d + 24, want, 8) == 0)
			return MPF_MPTCP_HMAC_LEGACY;
		if (!o->u.add_addr.has_port)
			break;
	}
	return MPF_MPTCP_HMAC_BAD;
}
