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
 * that sent the SYN.
 */
void
mpf__mptcp_verify_join(struct mpf_node *node, struct mpf_flow *f, int d,
		       const struct mpf_mptcp_opt *o, struct mpf_frame *rec)
{
	struct conn *c = conn_of(node);
	struct sub *s = sub_of(f);
	int a_side = side_of(s, MPF_FLOW_FORWARD), b_side = 1 - a_side;
	const struct side *A = &c->side[a_side], *B = &c->side[b_side];
	uint8_t msg[8], mac[20];
	bool ok;

	if (!A->has_key || !B->has_key || c->version < 0 ||
	    !s->has_nonce[0] || !s->has_nonce[1]) {
		c->checks.join_hmac_unverified++;
		if (s->hmac == MPF_MPTCP_HMAC_NONE)
			s->hmac = MPF_MPTCP_HMAC_UNVERIFIED;
		return;
	}
	if (o->u.join.kind == MPJ_SYNACK && d == MPF_FLOW_REVERSE) {
		uint8_t want[8];
		int i;

		put32(msg, s->nonce[1]);
		put32(msg + 4, s->nonce[0]);
		mpf__mptcp_hmac(c->version, B->key, A->key, msg, 8, mac, 8);
		for (i = 0; i < 8; i++)
			want[i] = (uint8_t)(o->u.join.trunc_hmac >> (56 - 8 * i));
		ok = memcmp(mac, want, 8) == 0;
	} else if (o->u.join.kind == MPJ_ACK && d == MPF_FLOW_FORWARD) {
		put32(msg, s->nonce[0]);
		put32(msg + 4, s->nonce[1]);
		mpf__mptcp_hmac(c->version, A->key, B->key, msg, 8, mac, 20);
		ok = memcmp(mac, o->u.join.hmac, 20) == 0;
	} else {
		return;
	}
	if (ok) {
		rec->bflags |= MPF_MPTCP_FRAME_HMAC_OK;
		c->checks.join_hmac_ok++;
		if (s->hmac != MPF_MPTCP_HMAC_BAD)
			s->hmac = MPF_MPTCP_HMAC_OK;
	} else {
		rec->bflags |= MPF_MPTCP_FRAME_HMAC_BAD;
		c->checks.join_hmac_bad++;
		s->hmac = MPF_MPTCP_HMAC_BAD;
		s->established = false; /* a peer would refuse this join */
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
