/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * opt.c: parses one MPTCP option (RFC 6824, RFC 8684 section 3) into a
 * struct mpf_mptcp_opt, and names the subtypes.
 *
 * Reads only the captured bytes it is given, through mpf-cursor.h; knows
 * nothing of connections, subflows or the graph.
 */
#include <string.h>

#include "backends/mptcp/mptcp.h"
#include "mpf-cursor.h"

static const char *const subtype_names[] = {
	"MP_CAPABLE", "MP_JOIN", "DSS", "ADD_ADDR", "REMOVE_ADDR",
	"MP_PRIO", "MP_FAIL", "MP_FASTCLOSE", "MP_TCPRST",
};

const char *
mpf_mptcp_subtype_to_string(unsigned subtype)
{
	if (subtype < G_N_ELEMENTS(subtype_names))
		return subtype_names[subtype];
	return "unknown";
}

static int
parse_capable(struct mpf_cursor *c, uint8_t b2, struct mpf_mptcp_opt *o)
{
	o->u.mpc.version = b2 & 0x0f;
	o->u.mpc.flags = mpf_get_u8(c);
	switch (o->len) {
	case 4: /* v1 SYN */
		break;
	case 12: /* sender's key */
	case 20: /* both keys */
	case 22: /* both keys, data-level length (v1) */
	case 24: /* both keys, data-level length, checksum (v1) */
		o->u.mpc.nkeys = o->len == 12 ? 1 : 2;
		o->u.mpc.snd_key = mpf_get_be64(c);
		if (o->len >= 20)
			o->u.mpc.rcv_key = mpf_get_be64(c);
		if (o->len >= 22) {
			o->u.mpc.has_data_len = true;
			o->u.mpc.data_len = mpf_get_be16(c);
		}
		if (o->len == 24) {
			o->u.mpc.has_csum = true;
			o->u.mpc.csum = mpf_get_be16(c);
		}
		break;
	default:
		return MPF_ERR_MALFORMED;
	}
	return MPF_OK;
}

static int
parse_join(struct mpf_cursor *c, uint8_t b2, struct mpf_mptcp_opt *o)
{
	o->u.join.backup = (b2 & 0x01) != 0;
	o->u.join.addr_id = mpf_get_u8(c);
	switch (o->len) {
	case 12:
		o->u.join.kind = MPJ_SYN;
		o->u.join.token = mpf_get_be32(c);
		o->u.join.nonce = mpf_get_be32(c);
		break;
	case 16:
		o->u.join.kind = MPJ_SYNACK;
		o->u.join.trunc_hmac = mpf_get_be64(c);
		o->u.join.nonce = mpf_get_be32(c);
		break;
	case 24:
		o->u.join.kind = MPJ_ACK;
		o->u.join.backup = false;
		o->u.join.addr_id = 0; /* reserved in the third ACK */
		mpf_get_bytes(c, o->u.join.hmac, sizeof(o->u.join.hmac));
		break;
	default:
		return MPF_ERR_MALFORMED;
	}
	return MPF_OK;
}

static int
parse_dss(struct mpf_cursor *c, struct mpf_mptcp_opt *o)
{
	uint8_t f;
	size_t want = 4;

	if (o->cap < 4) {
		/* the flags were not captured: reject only the lengths that
		 * no flags allow (4, 8, 12 and 14 to 28 in steps of 2 do) */
		if (o->len > 28 || o->len % 2 || o->len == 6 || o->len == 10)
			return MPF_ERR_MALFORMED;
		return MPF_OK;
	}
	f = mpf_get_u8(c);

	o->u.dss.flags = f;
	o->u.dss.fin = (f & DSS_FLAG_F) != 0;
	o->u.dss.has_ack = (f & DSS_FLAG_A) != 0;
	o->u.dss.ack64 = o->u.dss.has_ack && (f & DSS_FLAG_a);
	o->u.dss.has_map = (f & DSS_FLAG_M) != 0;
	o->u.dss.dsn64 = o->u.dss.has_map && (f & DSS_FLAG_m);
	if (o->u.dss.has_ack)
		want += o->u.dss.ack64 ? 8 : 4;
	if (o->u.dss.has_map)
		want += (o->u.dss.dsn64 ? 8 : 4) + 4 + 2;
	if (o->u.dss.has_map && o->len == want + 2)
		o->u.dss.has_csum = true;
	else if (o->len != want)
		return MPF_ERR_MALFORMED;
	if (o->cap == o->len) {
		/* whole (nearly every segment): one check, plain loads */
		const uint8_t *q = mpf_cursor_take(c, o->len - 4u);
		size_t at = 0;

		if (!q)
			return c->status;
		if (o->u.dss.has_ack) {
			o->u.dss.ack = o->u.dss.ack64 ? mpf_be64_at(q, 0)
						      : mpf_be32_at(q, 0);
			at = o->u.dss.ack64 ? 8 : 4;
		}
		if (o->u.dss.has_map) {
			o->u.dss.dsn = o->u.dss.dsn64 ? mpf_be64_at(q, at)
						      : mpf_be32_at(q, at);
			at += o->u.dss.dsn64 ? 8 : 4;
			o->u.dss.ssn = mpf_be32_at(q, at);
			o->u.dss.data_len = mpf_be16_at(q, at + 4);
			if (o->u.dss.has_csum)
				o->u.dss.csum = mpf_be16_at(q, at + 6);
		}
		return MPF_OK;
	}
	if (o->u.dss.has_ack)
		o->u.dss.ack = o->u.dss.ack64 ? mpf_get_be64(c) : mpf_get_be32(c);
	if (o->u.dss.has_map) {
		o->u.dss.dsn = o->u.dss.dsn64 ? mpf_get_be64(c) : mpf_get_be32(c);
		o->u.dss.ssn = mpf_get_be32(c);
		o->u.dss.data_len = mpf_get_be16(c);
		if (o->u.dss.has_csum)
			o->u.dss.csum = mpf_get_be16(c);
	}
	return MPF_OK;
}

/*
 * ADD_ADDR: version 0 (RFC 6824) has an IPVer nibble of 4 or 6; version 1
 * (RFC 8684) has reserved bits and the E (echo) flag there, an address
 * family given by the length, and an HMAC unless it is an echo.
 */
static int
parse_add_addr(struct mpf_cursor *c, uint8_t b2, struct mpf_mptcp_opt *o)
{
	uint8_t nib = b2 & 0x0f;
	size_t alen;
	unsigned rest;

	o->u.add_addr.addr_id = mpf_get_u8(c);
	if (nib == 4 || nib == 6) {
		alen = nib == 4 ? 4 : 16;
		if (o->len != 4 + alen && o->len != 6 + alen)
			return MPF_ERR_MALFORMED;
		o->u.add_addr.version = 0;
		o->u.add_addr.has_port = o->len == 6 + alen;
	} else if ((nib & 0x0e) == 0) {
		o->u.add_addr.version = 1;
		o->u.add_addr.echo = (nib & 0x01) != 0;
		switch (o->len) {
		case 8: alen = 4, rest = 0; break;
		case 10: alen = 4, rest = 2; break;
		case 16: alen = 4, rest = 8; break;
		case 18: alen = 4, rest = 10; break;
		case 20: alen = 16, rest = 0; break;
		case 22: alen = 16, rest = 2; break;
		case 28: alen = 16, rest = 8; break;
		case 30: alen = 16, rest = 10; break;
		default: return MPF_ERR_MALFORMED;
		}
		o->u.add_addr.has_port = rest == 2 || rest == 10;
		o->u.add_addr.has_hmac = rest >= 8;
	} else {
		return MPF_ERR_MALFORMED;
	}
	o->u.add_addr.addr.family = alen == 4 ? 4 : 6;
	mpf_get_bytes(c, o->u.add_addr.addr.bytes, alen);
	if (o->u.add_addr.has_port)
		o->u.add_addr.port = mpf_get_be16(c);
	if (o->u.add_addr.has_hmac)
		o->u.add_addr.hmac = mpf_get_be64(c);
	return MPF_OK;
}

int
mpf__mptcp_opt_parse(const uint8_t *p, size_t captured, size_t declared,
		     struct mpf_mptcp_opt *o)
{
	struct mpf_cursor c;
	uint8_t b2;
	int st = MPF_OK;

	memset(o, 0, sizeof(*o));
	o->subtype = 0xff;
	if (!p && captured > 0)
		return MPF_ERR_INVALID;
	if (declared < 2)
		return MPF_ERR_MALFORMED; /* no room for a length byte */
	if (captured < 2)
		return MPF_ERR_TRUNCATED;
	/* kind and length: two bytes, captured */
	if (p[0] != MPTCP_OPT_KIND)
		return MPF_ERR_INVALID;
	o->len = p[1];
	if (o->len > declared || o->len < 3)
		return MPF_ERR_MALFORMED;
	if (captured < 3)
		return MPF_ERR_TRUNCATED; /* the subtype was not captured */
	/* from here on the option's own bytes: read what was captured;
	 * fields past the cut read as zero, and o->cap tells the caller
	 * which ones are real */
	o->cap = (uint8_t)(captured < o->len ? captured : o->len);
	mpf_cursor_init(&c, p, o->cap, o->len);
	mpf_cursor_skip(&c, 2);
	b2 = mpf_get_u8(&c);
	o->subtype = b2 >> 4;

	switch (o->subtype) {
	case MPF_MPTCP_SUB_CAPABLE:
		st = o->len >= 4 ? parse_capable(&c, b2, o) : MPF_ERR_MALFORMED;
		break;
	case MPF_MPTCP_SUB_JOIN:
		st = o->len >= 12 ? parse_join(&c, b2, o) : MPF_ERR_MALFORMED;
		break;
	case MPF_MPTCP_SUB_DSS:
		st = o->len >= 4 ? parse_dss(&c, o) : MPF_ERR_MALFORMED;
		break;
	case MPF_MPTCP_SUB_ADD_ADDR:
		st = o->len >= 8 ? parse_add_addr(&c, b2, o) : MPF_ERR_MALFORMED;
		break;
	case MPF_MPTCP_SUB_REMOVE_ADDR:
		if (o->len < 4 || o->len > 3 + sizeof(o->u.rm_addr.ids))
			return MPF_ERR_MALFORMED;
		o->u.rm_addr.count = (uint8_t)(o->cap - 3);
		mpf_get_bytes(&c, o->u.rm_addr.ids, o->u.rm_addr.count);
		break;
	case MPF_MPTCP_SUB_PRIO:
		if (o->len != 3 && o->len != 4)
			return MPF_ERR_MALFORMED;
		o->u.prio.backup = (b2 & 0x01) != 0;
		o->u.prio.has_id = o->len == 4;
		if (o->u.prio.has_id)
			o->u.prio.addr_id = mpf_get_u8(&c);
		break;
	case MPF_MPTCP_SUB_FAIL:
		if (o->len != 12)
			return MPF_ERR_MALFORMED;
		mpf_cursor_skip(&c, 1);
		o->u.fail.dsn = mpf_get_be64(&c);
		break;
	case MPF_MPTCP_SUB_FASTCLOSE:
		if (o->len != 12)
			return MPF_ERR_MALFORMED;
		mpf_cursor_skip(&c, 1);
		o->u.fastclose.key = mpf_get_be64(&c);
		break;
	case MPF_MPTCP_SUB_TCPRST:
		if (o->len != 4)
			return MPF_ERR_MALFORMED;
		o->u.tcprst.flags = b2 & 0x0f;
		o->u.tcprst.reason = mpf_get_u8(&c);
		break;
	default: /* unassigned or experimental (0xf): nothing to read */
		break;
	}
	if (st == MPF_OK && o->cap < o->len)
		st = MPF_ERR_TRUNCATED; /* a valid length, cut by the capture */
	return st;
}
