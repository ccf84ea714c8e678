/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chunk.c: finds the SCTP packet in a decoded one (over IP, or over UDP
 * on the ports the backend claims in the registry), walks its chunks and
 * the TLV parameters of a chunk, reads the fields of each chunk type into
 * struct mpf_sctp_info, and names the chunk types.
 *
 * Reads only the captured bytes it is given (mpf-cursor.h); knows nothing
 * of associations, paths or the graph.
 */
#include <string.h>

#include "backends/sctp/sctp-int.h"
#include "mpf-cursor.h"

static const struct {
	uint8_t type;
	const char *name;
} chunk_names[] = {
	{ SCTP_DATA, "DATA" },
	{ SCTP_INIT, "INIT" },
	{ SCTP_INIT_ACK, "INIT_ACK" },
	{ SCTP_SACK, "SACK" },
	{ SCTP_HEARTBEAT, "HEARTBEAT" },
	{ SCTP_HEARTBEAT_ACK, "HEARTBEAT_ACK" },
	{ SCTP_ABORT, "ABORT" },
	{ SCTP_SHUTDOWN, "SHUTDOWN" },
	{ SCTP_SHUTDOWN_ACK, "SHUTDOWN_ACK" },
	{ SCTP_ERROR, "ERROR" },
	{ SCTP_COOKIE_ECHO, "COOKIE_ECHO" },
	{ SCTP_COOKIE_ACK, "COOKIE_ACK" },
	{ SCTP_ECNE, "ECNE" },
	{ SCTP_CWR, "CWR" },
	{ SCTP_SHUTDOWN_COMPLETE, "SHUTDOWN_COMPLETE" },
	{ SCTP_AUTH, "AUTH" },
	{ SCTP_NR_SACK, "NR_SACK" },
	{ SCTP_I_DATA, "I_DATA" },
	{ SCTP_ASCONF_ACK, "ASCONF_ACK" },
	{ SCTP_RE_CONFIG, "RE_CONFIG" },
	{ SCTP_PAD, "PAD" },
	{ SCTP_FORWARD_TSN, "FORWARD_TSN" },
	{ SCTP_ASCONF, "ASCONF" },
	{ SCTP_I_FORWARD_TSN, "I_FORWARD_TSN" },
};

const char *
mpf_sctp_chunk_to_string(unsigned type)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(chunk_names); i++)
		if (chunk_names[i].type == type)
			return chunk_names[i].name;
	return "unknown";
}

uint32_t
mpf_sctp_chunk_bit(unsigned type)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(chunk_names); i++)
		if (chunk_names[i].type == type)
			return 1u << i;
	return 1u << 31; /* any other type */
}

const uint16_t mpf__sctp_udp_ports[] = { 9899, 0 };

bool
mpf__sctp_locate(const struct mpf_pkt *pkt, const uint8_t **sctp,
		 uint32_t *cap, uint32_t *len)
{
	if (pkt->ip_proto == 132 && pkt->l4) {
		*sctp = pkt->l4;
		*cap = pkt->l4_cap;
		*len = pkt->l4_len;
		return true;
	}
	if (pkt->udp_owner == MPF_PROTO_SCTP) {
		*sctp = pkt->payload;
		*cap = pkt->payload_cap;
		*len = pkt->payload_len;
		return true;
	}
	return false;
}

/* Moves past the padding after a chunk or parameter of @len bytes; the
 * last one of a packet may go without it. */
static void
pass_padding(struct mpf_cursor *c, size_t len)
{
	size_t pad = (((len + 3) & ~(size_t)3) - len);
	size_t left = mpf_cursor_wire_left(c);

	mpf_cursor_pass(c, pad < left ? pad : left);
}

int
mpf__sctp_walk(const uint8_t *sctp, size_t cap, size_t len,
	       bool (*fn)(const struct mpf_sctp_chunk *ch, void *user),
	       void *user)
{
	struct mpf_cursor c;

	mpf_cursor_init(&c, sctp, cap, len);
	if (!mpf_cursor_skip(&c, 12)) /* the common header */
		return c.status;
	while (mpf_cursor_wire_left(&c) > 0) {
		struct mpf_cursor h = c, v;
		struct mpf_sctp_chunk ch;

		if (!mpf_cursor_need(&h, 4)) /* type, flags, length */
			return h.status;
		ch.type = mpf_get_u8(&h);
		ch.flags = mpf_get_u8(&h);
		ch.len = mpf_get_be16(&h);
		if (ch.len < 4 || ch.len > mpf_cursor_wire_left(&c))
			return MPF_ERR_MALFORMED;
		v = mpf_cursor_sub(&c, ch.len);
		mpf_cursor_skip(&v, 4);
		ch.value = v.p;
		ch.value_cap = (uint32_t)mpf_cursor_left(&v);
		if (!fn(&ch, user))
			return MPF_OK;
		if (!mpf_cursor_skip(&c, ch.len))
			return c.status;
		pass_padding(&c, ch.len);
	}
	/* all chunks captured, but maybe not the last one's padding */
	return cap < len ? MPF_ERR_TRUNCATED : MPF_OK;
}

int
mpf__sctp_walk_params(const uint8_t *p, size_t cap, size_t len,
		      bool (*fn)(uint16_t type, const uint8_t *value,
				 uint32_t value_cap, uint32_t value_len,
				 void *user),
		      void *user)
{
	struct mpf_cursor c;

	mpf_cursor_init(&c, p, cap, len);
	while (mpf_cursor_wire_left(&c) >= 4) {
		struct mpf_cursor h = c, v;
		uint16_t type, plen;

		type = mpf_get_be16(&h);
		plen = mpf_get_be16(&h);
		if (h.status != MPF_OK)
			return h.status;
		if (plen < 4 || plen > mpf_cursor_wire_left(&c))
			return MPF_ERR_MALFORMED;
		v = mpf_cursor_sub(&c, plen);
		mpf_cursor_skip(&v, 4);
		if (!fn(type, v.p, (uint32_t)mpf_cursor_left(&v), plen - 4u,
			user))
			return MPF_OK;
		if (!mpf_cursor_skip(&c, plen))
			return c.status;
		pass_padding(&c, plen);
	}
	/* a tail shorter than a parameter header: nothing to read */
	return MPF_OK;
}

/* An IPv4 or IPv6 address parameter's value into @a. */
bool
mpf__sctp_addr_param(uint16_t type, const uint8_t *v, uint32_t cap,
		     uint32_t len, struct mpf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (type == SCTP_P_IPV4 && len == 4 && cap >= 4) {
		a->family = 4;
		memcpy(a->bytes, v, 4);
		return true;
	}
	if (type == SCTP_P_IPV6 && len == 16 && cap >= 16) {
		a->family = 6;
		memcpy(a->bytes, v, 16);
		return true;
	}
	return false;
}

int
mpf__sctp_parse_chunk(const struct mpf_sctp_chunk *ch,
		      struct mpf_sctp_info *in)
{
	struct mpf_cursor c;
	uint32_t vlen = ch->len - 4u;

	memset(in, 0, sizeof(*in));
	in->type = ch->type;
	mpf_cursor_init(&c, ch->value, ch->value_cap, vlen);

	/* Each type first checks the fixed part the analysis needs:
	 * malformed when the chunk is shorter, truncated when the capture
	 * is. */
	switch (ch->type) {
	case SCTP_DATA:
	case SCTP_I_DATA: {
		uint32_t fixed = ch->type == SCTP_DATA ? 12 : 16;

		if (!mpf_cursor_need(&c, fixed))
			return c.status;
		in->u.data.tsn = mpf_get_be32(&c);
		in->u.data.stream = mpf_get_be16(&c);
		in->u.data.data_len = vlen - fixed;
		break;
	}
	case SCTP_INIT:
	case SCTP_INIT_ACK:
		if (!mpf_cursor_need(&c, 16))
			return c.status;
		in->u.init.tag = mpf_get_be32(&c);
		in->u.init.a_rwnd = mpf_get_be32(&c);
		in->u.init.os = mpf_get_be16(&c);
		in->u.init.mis = mpf_get_be16(&c);
		in->u.init.initial_tsn = mpf_get_be32(&c);
		in->u.init.params = c.p;
		in->u.init.params_cap = (uint32_t)mpf_cursor_left(&c);
		in->u.init.params_len = (uint32_t)mpf_cursor_wire_left(&c);
		break;
	case SCTP_SACK:
	case SCTP_NR_SACK:
		/* NR-SACK: as SACK, then the number of NR gap blocks before
		 * the number of duplicate TSNs, and 2 reserved bytes */
		if (!mpf_cursor_need(&c, ch->type == SCTP_SACK ? 12 : 16))
			return c.status;
		in->u.sack.cum_ack = mpf_get_be32(&c);
		in->u.sack.a_rwnd = mpf_get_be32(&c);
		in->u.sack.gaps = mpf_get_be16(&c);
		if (ch->type == SCTP_NR_SACK)
			mpf_cursor_skip(&c, 2);
		in->u.sack.dups = mpf_get_be16(&c);
		break;
	case SCTP_HEARTBEAT:
	case SCTP_HEARTBEAT_ACK:
		/* one Heartbeat Info parameter: type, length, the info */
		mpf_cursor_skip(&c, 2);
		in->u.heartbeat.info_len = mpf_get_be16(&c);
		if (c.status != MPF_OK)
			return c.status;
		if (in->u.heartbeat.info_len < 4 ||
		    in->u.heartbeat.info_len - 4u > mpf_cursor_wire_left(&c))
			return MPF_ERR_MALFORMED;
		in->u.heartbeat.info_len -= 4;
		in->u.heartbeat.info = c.p;
		if (!mpf_cursor_need(&c, in->u.heartbeat.info_len))
			return c.status;
		break;
	case SCTP_ABORT:
		in->u.abort.t_bit = ch->flags & 0x01;
		in->u.abort.cause = -1;
		if (vlen >= 4) { /* the first error cause's code */
			in->u.abort.cause = mpf_get_be16(&c);
			if (c.status != MPF_OK)
				return c.status;
		}
		break;
	case SCTP_SHUTDOWN_COMPLETE:
		in->u.abort.t_bit = ch->flags & 0x01;
		in->u.abort.cause = -1;
		break;
	case SCTP_SHUTDOWN:
		if (!mpf_cursor_need(&c, 4))
			return c.status;
		in->u.shutdown.cum_ack = mpf_get_be32(&c);
		break;
	case SCTP_ASCONF: {
		struct mpf_cursor v;
		uint16_t type, plen;
		struct mpf_addr a;

		if (!mpf_cursor_need(&c, 8))
			return c.status;
		in->u.asconf.serial = mpf_get_be32(&c);
		/* the address parameter the receiver finds the association by */
		type = mpf_get_be16(&c);
		plen = mpf_get_be16(&c);
		if (plen < 4 || plen - 4u > mpf_cursor_wire_left(&c))
			return MPF_ERR_MALFORMED;
		v = mpf_cursor_sub(&c, plen - 4u);
		if (!mpf_cursor_need(&v, plen - 4u))
			return v.status;
		if (mpf__sctp_addr_param(type, v.p, plen - 4u, plen - 4u, &a)) {
			in->u.asconf.has_lookup = true;
			in->u.asconf.lookup = a;
		}
		mpf_cursor_skip(&c, plen - 4u);
		pass_padding(&c, plen);
		in->u.asconf.params = c.p;
		in->u.asconf.params_len = (uint32_t)mpf_cursor_wire_left(&c);
		in->u.asconf.params_cap = (uint32_t)mpf_cursor_left(&c);
		break;
	}
	case SCTP_ASCONF_ACK:
		if (!mpf_cursor_need(&c, 4))
			return c.status;
		in->u.asconf.serial = mpf_get_be32(&c);
		break;
	case SCTP_FORWARD_TSN:
	case SCTP_I_FORWARD_TSN:
		if (!mpf_cursor_need(&c, 4))
			return c.status;
		in->u.forward_tsn.new_cum_tsn = mpf_get_be32(&c);
		break;
	case SCTP_SHUTDOWN_ACK:
	case SCTP_COOKIE_ACK:
		break;
	default:
		/* COOKIE ECHO, ERROR, ECNE, CWR, AUTH, RE-CONFIG, PAD and
		 * unknown ones: nothing the analysis reads */
		break;
	}
	return MPF_OK;
}
