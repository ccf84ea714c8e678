/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chunk.c: walks the chunks of an SCTP packet and the TLV parameters of
 * a chunk, reads the fields of each chunk type into struct mpf_sctp_info,
 * and names the chunk types.
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

int
mpf__sctp_walk(const uint8_t *sctp, size_t cap, size_t len,
	       bool (*fn)(const struct mpf_sctp_chunk *ch, void *user),
	       void *user)
{
	size_t off = 12;

	if (cap > len)
		cap = len;
	if (len < 12)
		return MPF_ERR_MALFORMED;
	if (cap < 12)
		return MPF_ERR_TRUNCATED;
	while (off < len) {
		struct mpf_sctp_chunk ch;
		size_t padded;

		if (off + 4 > len)
			return MPF_ERR_MALFORMED;
		if (off + 4 > cap)
			return MPF_ERR_TRUNCATED;
		ch.type = sctp[off];
		ch.flags = sctp[off + 1];
		ch.len = (uint16_t)(sctp[off + 2] << 8 | sctp[off + 3]);
		if (ch.len < 4 || off + ch.len > len)
			return MPF_ERR_MALFORMED;
		ch.value = sctp + off + 4;
		ch.value_cap = (uint32_t)(off + ch.len <= cap ? ch.len - 4u
				     : cap - off - 4);
		if (!fn(&ch, user))
			return MPF_OK;
		if (off + ch.len > cap)
			return MPF_ERR_TRUNCATED;
		/* the last chunk may go without its padding */
		padded = ((size_t)ch.len + 3) & ~(size_t)3;
		off += padded;
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
	size_t off = 0;

	if (cap > len)
		cap = len;
	while (off + 4 <= len) {
		uint16_t type, plen;

		if (off + 4 > cap)
			return MPF_ERR_TRUNCATED;
		type = (uint16_t)(p[off] << 8 | p[off + 1]);
		plen = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
		if (plen < 4 || off + plen > len)
			return MPF_ERR_MALFORMED;
		if (!fn(type, p + off + 4,
			(uint32_t)(off + plen <= cap ? plen - 4u : cap - off - 4),
			plen - 4u, user))
			return MPF_OK;
		if (off + plen > cap)
			return MPF_ERR_TRUNCATED;
		off += ((size_t)plen + 3) & ~(size_t)3;
	}
	/* a tail too short for a parameter header */
	return off < len && len - off >= 4 ? MPF_ERR_MALFORMED : MPF_OK;
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
	mpf_cursor_init(&c, ch->value, ch->value_cap, ch->len - 4u);

/* The fixed part the analysis needs: malformed when the chunk is
 * shorter, truncated when the capture is. */
#define NEED(n)                                                              \
	do {                                                                 \
		if (vlen < (n))                                              \
			return MPF_ERR_MALFORMED;                            \
		if (ch->value_cap < (n))                                     \
			return MPF_ERR_TRUNCATED;                            \
	} while (0)

	switch (ch->type) {
	case SCTP_DATA:
		NEED(12);
		in->u.data.tsn = mpf_get_be32(&c);
		in->u.data.stream = mpf_get_be16(&c);
		in->u.data.data_len = vlen - 12;
		break;
	case SCTP_I_DATA:
		NEED(16);
		in->u.data.tsn = mpf_get_be32(&c);
		in->u.data.stream = mpf_get_be16(&c);
		in->u.data.data_len = vlen - 16;
		break;
	case SCTP_INIT:
	case SCTP_INIT_ACK:
		NEED(16);
		in->u.init.tag = mpf_get_be32(&c);
		in->u.init.a_rwnd = mpf_get_be32(&c);
		in->u.init.os = mpf_get_be16(&c);
		in->u.init.mis = mpf_get_be16(&c);
		in->u.init.initial_tsn = mpf_get_be32(&c);
		in->u.init.params = ch->value + 16;
		in->u.init.params_cap = ch->value_cap - 16;
		in->u.init.params_len = vlen - 16;
		break;
	case SCTP_SACK:
		NEED(12);
		in->u.sack.cum_ack = mpf_get_be32(&c);
		in->u.sack.a_rwnd = mpf_get_be32(&c);
		in->u.sack.gaps = mpf_get_be16(&c);
		in->u.sack.dups = mpf_get_be16(&c);
		break;
	case SCTP_NR_SACK:
		/* as SACK, then the number of NR gap blocks before the
		 * number of duplicate TSNs, and 2 reserved bytes */
		NEED(16);
		in->u.sack.cum_ack = mpf_get_be32(&c);
		in->u.sack.a_rwnd = mpf_get_be32(&c);
		in->u.sack.gaps = mpf_get_be16(&c);
		mpf_cursor_skip(&c, 2);
		in->u.sack.dups = mpf_get_be16(&c);
		break;
	case SCTP_HEARTBEAT:
	case SCTP_HEARTBEAT_ACK:
		NEED(4);
		mpf_cursor_skip(&c, 2);
		in->u.heartbeat.info_len = mpf_get_be16(&c);
		if (in->u.heartbeat.info_len < 4 || in->u.heartbeat.info_len > vlen)
			return MPF_ERR_MALFORMED;
		in->u.heartbeat.info_len -= 4;
		in->u.heartbeat.info = ch->value + 4;
		if (ch->value_cap < 4 + in->u.heartbeat.info_len)
			return MPF_ERR_TRUNCATED;
		break;
	case SCTP_ABORT:
		in->u.abort.t_bit = ch->flags & 0x01;
		in->u.abort.cause = -1;
		if (vlen >= 4) {
			NEED(2);
			in->u.abort.cause = mpf_get_be16(&c);
		}
		break;
	case SCTP_SHUTDOWN_COMPLETE:
		in->u.abort.t_bit = ch->flags & 0x01;
		in->u.abort.cause = -1;
		break;
	case SCTP_SHUTDOWN:
		NEED(4);
		in->u.shutdown.cum_ack = mpf_get_be32(&c);
		break;
	case SCTP_ASCONF: {
		uint16_t type, plen;
		struct mpf_addr a;

		NEED(8);
		in->u.asconf.serial = mpf_get_be32(&c);
		type = mpf_get_be16(&c);
		plen = mpf_get_be16(&c);
		/* the address parameter the receiver finds the association by */
		if (plen < 4 || plen > vlen - 4)
			return MPF_ERR_MALFORMED;
		if (ch->value_cap < 4u + plen)
			return MPF_ERR_TRUNCATED;
		if (mpf__sctp_addr_param(type, ch->value + 8, plen - 4,
					 plen - 4u, &a)) {
			in->u.asconf.has_lookup = true;
			in->u.asconf.lookup = a;
		}
		plen = (uint16_t)((plen + 3) & ~3);
		in->u.asconf.params = ch->value + 4 + plen;
		in->u.asconf.params_len = vlen >= 4u + plen ? vlen - 4 - plen : 0;
		in->u.asconf.params_cap = ch->value_cap >= 4u + plen
						  ? ch->value_cap - 4 - plen
						  : 0;
		break;
	}
	case SCTP_ASCONF_ACK:
		NEED(4);
		in->u.asconf.serial = mpf_get_be32(&c);
		break;
	case SCTP_FORWARD_TSN:
	case SCTP_I_FORWARD_TSN:
		NEED(4);
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
#undef NEED
	return MPF_OK;
}
