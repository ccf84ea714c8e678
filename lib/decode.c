/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: link layer, IPv4/IPv6 and transport header decoding
 *
 * specification: IEEE 802.3 and 802.1Q (VLAN, QinQ), RFC 1042 (SNAP),
 * RFC 3032 (MPLS), RFC 2516 (PPPoE), RFC 1661/1662 (PPP), the Linux cooked
 * headers (tcpdump.org LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2), BSD
 * loopback (LINKTYPE_NULL, LINKTYPE_LOOP), RFC 791 (IPv4), RFC 8200 (IPv6
 * and its extension headers), RFC 4302 (AH), RFC 9293 (TCP), RFC 768
 * (UDP), RFC 9260 (SCTP common header); tunnels: 3GPP TS 29.281 (GTP-U),
 * RFC 7348 (VXLAN), RFC 2784/2890 (GRE), RFC 2003/4213 (IP in IP). A
 * tunnelled packet is analysed as its innermost IP packet.
 *
 * Outcome rules, the same at every layer:
 *  - ERR_TRUNCATED: the capture (snapshot length) stopped before bytes that
 *    the frame had on the wire;
 *  - ERR_MALFORMED: the fields contradict each other or the wire length
 *    (a header longer than the packet, a length below its minimum);
 *  - ERR_UNSUPPORTED: a link type this decoder does not know.
 * A frame that is simply not IP (ARP, LLDP) is OK with ip_version 0.
 */
#include <string.h>

#include "mpf-cursor.h"
#include "mpf-private.h"

/* LINKTYPE_ values (pcap/pcapng) and the DLT_ values libpcap may hand out
 * for the same formats. */
enum {
	LT_NULL = 0,
	LT_ETHERNET = 1,
	LT_PPP = 9,
	LT_RAW_DLT12 = 12, /* DLT_RAW on most systems */
	LT_RAW_DLT14 = 14, /* DLT_RAW on OpenBSD */
	LT_PPP_HDLC = 50,
	LT_PPP_ETHER = 51,
	LT_RAW = 101,
	LT_LOOP = 108,
	LT_LINUX_SLL = 113,
	LT_IPV4 = 228,
	LT_IPV6 = 229,
	LT_LINUX_SLL2 = 276,
};

enum {
	ETH_IPV4 = 0x0800,
	ETH_IPV6 = 0x86dd,
	ETH_VLAN = 0x8100,
	ETH_QINQ = 0x88a8,
	ETH_QINQ_OLD = 0x9100,
	ETH_MPLS = 0x8847,
	ETH_MPLS_MC = 0x8848,
	ETH_PPPOE = 0x8864,
};

#define MAX_STACKED_TAGS 16 /* VLAN tags or MPLS labels before we give up */

bool
mpf__linktype_supported(int linktype)
{
	switch (linktype) {
	case LT_NULL:
	case LT_ETHERNET:
	case LT_PPP:
	case LT_RAW_DLT12:
	case LT_RAW_DLT14:
	case LT_PPP_HDLC:
	case LT_PPP_ETHER:
	case LT_RAW:
	case LT_LOOP:
	case LT_LINUX_SLL:
	case LT_IPV4:
	case LT_IPV6:
	case LT_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

/*
 * The header at @c (captured) needs @need bytes that the frame had on the
 * wire only if @wire_left >= @need: truncated when the wire had them,
 * malformed when even the wire did not.
 */
static int
short_header(size_t need, size_t wire_left)
{
	return wire_left >= need ? MPF_ERR_TRUNCATED : MPF_ERR_MALFORMED;
}

/* ------------------------------------------------------------ transport */

/* Checks one TCP option's declared length against its kind. */
static bool
tcp_option_length_ok(uint8_t kind, uint8_t len)
{
	switch (kind) {
	case 2: /* MSS */
		return len == 4;
	case 3: /* window scale */
		return len == 3;
	case 4: /* SACK permitted */
		return len == 2;
	case 5: /* SACK: 1 to 4 blocks */
		return len >= 10 && len <= 34 && (len - 2) % 8 == 0;
	case 8: /* timestamps */
		return len == 10;
	case 19: /* MD5 signature */
		return len == 18;
	case 30: /* MPTCP: checked by the backend per subtype */
		return len >= 3;
	default:
		return len >= 2;
	}
}

int
mpf__decode_tcp_options(struct mpf_pkt *pkt, const uint8_t *opts,
			size_t declared, size_t captured)
{
	size_t off = 0;
	int status = MPF_OK;

	pkt->n_opts = 0;
	pkt->has_ts = false;
	if (captured > declared)
		captured = declared;
	while (off < declared) {
		uint8_t kind, len;

		if (off >= captured) /* a malformed option before stays first */
			return mpf__status_worst(status, MPF_ERR_TRUNCATED);
		kind = opts[off];
		if (kind == 0) /* end of option list: the rest is padding */
			break;
		if (kind == 1) { /* NOP */
			off++;
			continue;
		}
		if (off + 1 >= declared)
			return MPF_ERR_MALFORMED; /* no room for a length byte */
		if (off + 1 >= captured)
			return mpf__status_worst(status, MPF_ERR_TRUNCATED);
		len = opts[off + 1];
		if (len < 2 || off + len > declared)
			return MPF_ERR_MALFORMED;
		if (off + len > captured) {
			/* keep the cut option: its captured head may still
			 * say something (an MPTCP data ack, a join token) */
			if (tcp_option_length_ok(kind, len) &&
			    pkt->n_opts < MPF_TCP_MAX_OPTS) {
				struct mpf_tcp_opt *o = &pkt->opts[pkt->n_opts++];

				o->kind = kind;
				o->len = len;
				o->off = (uint8_t)off;
			}
			return mpf__status_worst(status, MPF_ERR_TRUNCATED);
		}
		if (!tcp_option_length_ok(kind, len)) {
			status = MPF_ERR_MALFORMED; /* skip it, keep the rest */
		} else if (pkt->n_opts < MPF_TCP_MAX_OPTS) {
			struct mpf_tcp_opt *o = &pkt->opts[pkt->n_opts++];

			o->kind = kind;
			o->len = len;
			o->off = (uint8_t)off;
			if (kind == 8) {
				struct mpf_cursor c;

				mpf_cursor_init(&c, opts + off + 2, 8);
				pkt->ts_val = mpf_get_be32(&c);
				pkt->ts_ecr = mpf_get_be32(&c);
				pkt->has_ts = true;
			}
		}
		off += len;
	}
	return status;
}

static int
decode_tcp(struct mpf_pkt *pkt)
{
	struct mpf_cursor c;
	uint16_t off_flags;
	size_t hlen;
	int st;

	mpf_cursor_init(&c, pkt->l4, pkt->l4_cap);
	if (pkt->l4_cap >= 4) {
		pkt->sport = mpf_get_be16(&c);
		pkt->dport = mpf_get_be16(&c);
		pkt->has_ports = true;
	}
	if (pkt->l4_cap < 20 || pkt->l4_len < 20)
		return short_header(20, pkt->l4_len);
	pkt->seq = mpf_get_be32(&c);
	pkt->ack = mpf_get_be32(&c);
	off_flags = mpf_get_be16(&c);
	pkt->window = mpf_get_be16(&c);
	hlen = (size_t)(off_flags >> 12) * 4;
	pkt->tcp_flags = (uint8_t)(off_flags & 0xff);
	if (hlen < 20 || hlen > pkt->l4_len)
		return MPF_ERR_MALFORMED;
	pkt->has_tcp = true;
	pkt->tcp_hlen = (uint8_t)hlen;
	pkt->tcp_opts = pkt->l4 + 20;
	pkt->tcp_opts_len = (uint8_t)(hlen - 20);
	pkt->tcp_opts_cap =
		(uint8_t)(pkt->l4_cap >= hlen ? hlen - 20 : pkt->l4_cap - 20);
	pkt->payload_len = pkt->l4_len - (uint32_t)hlen;
	pkt->payload_cap = pkt->l4_cap > hlen ? pkt->l4_cap - (uint32_t)hlen : 0;
	pkt->payload = pkt->payload_cap ? pkt->l4 + hlen : NULL;
	st = mpf__decode_tcp_options(pkt, pkt->tcp_opts, pkt->tcp_opts_len,
				     pkt->tcp_opts_cap);
	return st;
}

static int
decode_ports(struct mpf_pkt *pkt, size_t hlen)
{
	struct mpf_cursor c;

	mpf_cursor_init(&c, pkt->l4, pkt->l4_cap);
	if (pkt->l4_cap < 4 || pkt->l4_len < hlen)
		return short_header(hlen, pkt->l4_len);
	pkt->sport = mpf_get_be16(&c);
	pkt->dport = mpf_get_be16(&c);
	pkt->has_ports = true;
	if (pkt->l4_cap < hlen)
		return MPF_ERR_TRUNCATED;
	pkt->payload_len = pkt->l4_len - (uint32_t)hlen;
	pkt->payload_cap = pkt->l4_cap - (uint32_t)hlen;
	pkt->payload = pkt->l4 + hlen;
	return MPF_OK;
}

/* ------------------------------------------------------------- tunnels */

#define MAX_TUNNELS 4 /* nested encapsulations followed before we stop */

static int decode_ethernet(struct mpf_pkt *pkt, const uint8_t *p, size_t cap,
			   size_t wire);

/* Forgets the outer packet before decoding the one it carries. */
static void
reset_for_inner(struct mpf_pkt *pkt)
{
	const struct mpf_packet *raw = pkt->raw;
	int64_t ts = pkt->ts_ns;
	uint8_t tunnels = pkt->tunnels;

	memset(pkt, 0, MPF_PKT_RESET_SIZE);
	pkt->raw = raw;
	pkt->ts_ns = ts;
	pkt->tunnels = (uint8_t)(tunnels + 1);
}

/*
 * The payload of the current transport (@p, captured @cap, on the wire
 * @wire) is itself a packet: an IP packet when @ethernet is false, else an
 * Ethernet frame.
 */
static int
decode_inner(struct mpf_pkt *pkt, const uint8_t *p, size_t cap, size_t wire,
	     bool ethernet)
{
	if (pkt->tunnels >= MAX_TUNNELS)
		return MPF_OK; /* leave it as the outer packet */
	if (!ethernet) {
		if (cap < 1)
			return short_header(1, wire);
		if ((p[0] >> 4) != 4 && (p[0] >> 4) != 6)
			return MPF_OK; /* not IP: the outer packet stands */
	}
	reset_for_inner(pkt);
	if (ethernet)
		return decode_ethernet(pkt, p, cap, wire);
	return mpf__decode_ip(pkt, p, cap, wire);
}

/* GTP-U (3GPP TS 29.281): a G-PDU carries a user IP packet. */
static int
decode_gtpu(struct mpf_pkt *pkt)
{
	const uint8_t *p = pkt->payload;
	size_t cap = pkt->payload_cap, wire = pkt->payload_len, off = 8;
	uint8_t flags;

	if (cap < 8)
		return short_header(8, wire);
	flags = p[0];
	if ((flags >> 5) != 1 || p[1] != 0xff)
		return MPF_OK; /* not version 1, or signalling */
	if (flags & 0x07) { /* E, S or PN: sequence, N-PDU, next extension */
		uint8_t next;

		if (wire < 12)
			return MPF_ERR_MALFORMED;
		if (cap < 12)
			return MPF_ERR_TRUNCATED;
		next = (flags & 0x04) ? p[11] : 0;
		off = 12;
		while (next != 0) { /* extension headers, 4-octet units */
			size_t len;

			if (off >= wire)
				return MPF_ERR_MALFORMED;
			if (off >= cap)
				return MPF_ERR_TRUNCATED;
			len = (size_t)p[off] * 4;
			if (len == 0 || off + len > wire)
				return MPF_ERR_MALFORMED;
			if (off + len > cap)
				return MPF_ERR_TRUNCATED;
			next = p[off + len - 1];
			off += len;
		}
	}
	return decode_inner(pkt, p + off, cap - off, wire - off, false);
}

/* VXLAN (RFC 7348): 8 bytes, then an Ethernet frame. */
static int
decode_vxlan(struct mpf_pkt *pkt)
{
	const uint8_t *p = pkt->payload;
	size_t cap = pkt->payload_cap, wire = pkt->payload_len;

	if (cap < 8)
		return short_header(8, wire);
	if (!(p[0] & 0x08))
		return MPF_OK; /* no valid VNI: not ours to guess */
	return decode_inner(pkt, p + 8, cap - 8, wire - 8, true);
}

/* GRE (RFC 2784, RFC 2890) carrying IP or Ethernet (0x6558). */
static int
decode_gre(struct mpf_pkt *pkt)
{
	const uint8_t *p = pkt->l4;
	size_t cap = pkt->l4_cap, wire = pkt->l4_len, off = 4;
	uint16_t flags, type;

	if (cap < 4)
		return short_header(4, wire);
	flags = (uint16_t)(p[0] << 8 | p[1]);
	type = (uint16_t)(p[2] << 8 | p[3]);
	if ((flags & 0x4007) != 0)
		return MPF_OK; /* version 1 (PPTP), RFC 1701 source routes */
	off += (flags & 0x8000) ? 4 : 0; /* checksum and reserved */
	off += (flags & 0x2000) ? 4 : 0; /* key */
	off += (flags & 0x1000) ? 4 : 0; /* sequence number */
	if (off > wire)
		return MPF_ERR_MALFORMED;
	if (off > cap)
		return MPF_ERR_TRUNCATED;
	if (type == ETH_IPV4 || type == ETH_IPV6)
		return decode_inner(pkt, p + off, cap - off, wire - off, false);
	if (type == 0x6558)
		return decode_inner(pkt, p + off, cap - off, wire - off, true);
	return MPF_OK;
}

static int
decode_udp(struct mpf_pkt *pkt)
{
	int st = decode_ports(pkt, 8);

	if (st != MPF_OK)
		return st;
	if (pkt->dport == 2152 || pkt->sport == 2152)
		return decode_gtpu(pkt);
	if (pkt->dport == 4789)
		return decode_vxlan(pkt);
	if (pkt->dport == 9899 || pkt->sport == 9899) {
		/* SCTP over UDP: the addresses stay the outer ones */
		pkt->sctp = pkt->payload;
		pkt->sctp_cap = pkt->payload_cap;
		pkt->sctp_len = pkt->payload_len;
		pkt->sctp_udp = true;
	}
	return MPF_OK;
}

static int
decode_transport(struct mpf_pkt *pkt)
{
	switch (pkt->ip_proto) {
	case 4:  /* IPv4 in IP */
	case 41: /* IPv6 in IP */
		return decode_inner(pkt, pkt->l4, pkt->l4_cap, pkt->l4_len,
				    false);
	case 6:
		return decode_tcp(pkt);
	case 17:
		return decode_udp(pkt);
	case 47:
		return decode_gre(pkt);
	case 132:
		pkt->sctp = pkt->l4;
		pkt->sctp_cap = pkt->l4_cap;
		pkt->sctp_len = pkt->l4_len;
		return decode_ports(pkt, 12);
	default:
		return MPF_OK;
	}
}

/* ------------------------------------------------------------------- IP */

static int
decode_ipv4(struct mpf_pkt *pkt, const uint8_t *p, size_t cap, size_t wire)
{
	struct mpf_cursor c;
	uint8_t vihl;
	uint16_t frag;
	size_t total, hlen;
	int st = MPF_OK;

	if (cap < 20)
		return short_header(20, wire);
	mpf_cursor_init(&c, p, cap);
	vihl = mpf_get_u8(&c);
	hlen = (size_t)(vihl & 0x0f) * 4;
	mpf_cursor_skip(&c, 1); /* TOS */
	total = mpf_get_be16(&c);
	mpf_cursor_skip(&c, 2); /* identification */
	frag = mpf_get_be16(&c);
	mpf_cursor_skip(&c, 1); /* TTL */
	pkt->ip_proto = mpf_get_u8(&c);
	mpf_cursor_skip(&c, 2); /* checksum */
	pkt->src.family = pkt->dst.family = 4;
	mpf_get_bytes(&c, pkt->src.bytes, 4);
	mpf_get_bytes(&c, pkt->dst.bytes, 4);
	pkt->ip_version = 4;
	if (hlen < 20)
		return MPF_ERR_MALFORMED;
	if (total == 0) {
		/* TCP segmentation offload on the capturing host leaves the
		 * length 0 (BIG TCP even beyond 64 KiB): trust the frame, as
		 * Wireshark does */
		total = wire;
	}
	if (total < hlen)
		return MPF_ERR_MALFORMED;
	if (total > wire) {
		/* the header claims more than the frame had: analyse what the
		 * frame holds, but say so */
		st = MPF_ERR_MALFORMED;
		total = wire;
		if (total < hlen)
			return st;
	}
	if (cap < hlen)
		return MPF_ERR_TRUNCATED;
	if ((frag & 0x1fff) != 0) {
		pkt->fragment = true;
		return mpf__status_worst(st, MPF_FRAGMENT);
	}
	pkt->l4 = p + hlen;
	pkt->l4_len = (uint32_t)(total - hlen);
	pkt->l4_cap = (uint32_t)((cap < total ? cap : total) - hlen);
	return mpf__status_worst(st, decode_transport(pkt));
}

static bool
ipv6_is_ext_header(uint8_t nh)
{
	switch (nh) {
	case 0:   /* hop-by-hop options */
	case 43:  /* routing */
	case 44:  /* fragment */
	case 51:  /* authentication header */
	case 60:  /* destination options */
	case 135: /* mobility */
	case 139: /* HIP */
	case 140: /* shim6 */
		return true;
	default:
		return false;
	}
}

static int
decode_ipv6(struct mpf_pkt *pkt, const uint8_t *p, size_t cap, size_t wire)
{
	struct mpf_cursor c;
	uint16_t plen;
	uint8_t nh;
	size_t total, off = 40;
	int st = MPF_OK;

	if (cap < 40)
		return short_header(40, wire);
	mpf_cursor_init(&c, p, cap);
	mpf_cursor_skip(&c, 4); /* version, class, flow label */
	plen = mpf_get_be16(&c);
	nh = mpf_get_u8(&c);
	mpf_cursor_skip(&c, 1); /* hop limit */
	pkt->src.family = pkt->dst.family = 6;
	mpf_get_bytes(&c, pkt->src.bytes, 16);
	mpf_get_bytes(&c, pkt->dst.bytes, 16);
	pkt->ip_version = 6;
	total = 40 + (size_t)plen;
	if (plen == 0 && wire > 40)
		total = wire; /* jumbogram (RFC 2675) or offload: trust the frame */
	if (total > wire) {
		st = MPF_ERR_MALFORMED;
		total = wire;
	}
	while (ipv6_is_ext_header(nh)) {
		struct mpf_cursor e;
		uint8_t next, hl;
		size_t len;

		if (off + 2 > total)
			return mpf__status_worst(st, MPF_ERR_MALFORMED);
		if (off + 2 > cap)
			return mpf__status_worst(st, MPF_ERR_TRUNCATED);
		mpf_cursor_init(&e, p + off, cap - off);
		next = mpf_get_u8(&e);
		hl = mpf_get_u8(&e);
		if (nh == 44) {
			uint16_t fo;

			len = 8;
			if (off + len > total)
				return mpf__status_worst(st, MPF_ERR_MALFORMED);
			if (off + len > cap)
				return mpf__status_worst(st, MPF_ERR_TRUNCATED);
			fo = mpf_get_be16(&e);
			if ((fo & 0xfff8) != 0) {
				pkt->fragment = true;
				pkt->ip_proto = next;
				return mpf__status_worst(st, MPF_FRAGMENT);
			}
		} else if (nh == 51) {
			len = ((size_t)hl + 2) * 4;
		} else {
			len = ((size_t)hl + 1) * 8;
		}
		if (off + len > total)
			return mpf__status_worst(st, MPF_ERR_MALFORMED);
		if (off + len > cap)
			return mpf__status_worst(st, MPF_ERR_TRUNCATED);
		off += len;
		nh = next;
	}
	pkt->ip_proto = nh;
	pkt->l4 = p + off;
	pkt->l4_len = (uint32_t)(total - off);
	pkt->l4_cap = (uint32_t)((cap < total ? cap : total) - off);
	return mpf__status_worst(st, decode_transport(pkt));
}

int
mpf__decode_ip(struct mpf_pkt *pkt, const uint8_t *p, size_t cap, size_t wire)
{
	if (cap < 1)
		return short_header(1, wire);
	switch (p[0] >> 4) {
	case 4:
		return decode_ipv4(pkt, p, cap, wire);
	case 6:
		return decode_ipv6(pkt, p, cap, wire);
	default:
		return MPF_ERR_MALFORMED;
	}
}

/* ----------------------------------------------------------- link layer */

static int decode_ppp(struct mpf_pkt *pkt, const uint8_t *p, size_t cap,
		      size_t wire);

/*
 * An Ethernet type at @p (already read: @type), through any stack of VLAN
 * tags, MPLS labels and PPPoE down to IP.
 */
static int
decode_ethertype(struct mpf_pkt *pkt, uint16_t type, const uint8_t *p,
		 size_t cap, size_t wire)
{
	int depth;

	for (depth = 0; depth < MAX_STACKED_TAGS; depth++) {
		switch (type) {
		case ETH_IPV4:
		case ETH_IPV6:
			return mpf__decode_ip(pkt, p, cap, wire);
		case ETH_VLAN:
		case ETH_QINQ:
		case ETH_QINQ_OLD:
			if (cap < 4)
				return short_header(4, wire);
			type = (uint16_t)(p[2] << 8 | p[3]);
			p += 4, cap -= 4, wire -= 4;
			continue;
		case ETH_MPLS:
		case ETH_MPLS_MC:
			for (; depth < MAX_STACKED_TAGS; depth++) {
				bool bottom;

				if (cap < 4)
					return short_header(4, wire);
				bottom = (p[2] & 0x01) != 0;
				p += 4, cap -= 4, wire -= 4;
				if (bottom)
					break;
			}
			if (depth == MAX_STACKED_TAGS)
				return MPF_ERR_MALFORMED;
			/* no type field under MPLS: guess from the version */
			if (cap < 1)
				return short_header(1, wire);
			if ((p[0] >> 4) != 4 && (p[0] >> 4) != 6)
				return MPF_OK; /* pseudowire or other payload */
			return mpf__decode_ip(pkt, p, cap, wire);
		case ETH_PPPOE:
			if (cap < 6)
				return short_header(6, wire);
			if (p[1] != 0x00) /* code 0: session data */
				return MPF_OK;
			return decode_ppp(pkt, p + 6, cap - 6, wire - 6);
		default:
			return MPF_OK; /* not IP: ARP, LLDP, ... */
		}
	}
	return MPF_ERR_MALFORMED; /* an endless stack of tags */
}

static int
decode_ethernet(struct mpf_pkt *pkt, const uint8_t *p, size_t cap, size_t wire)
{
	uint16_t type;

	if (cap < 14)
		return short_header(14, wire);
	type = (uint16_t)(p[12] << 8 | p[13]);
	p += 14, cap -= 14, wire -= 14;
	if (type < 0x0600) {
		/* 802.3 length field: only LLC/SNAP carries an Ethernet type */
		if (cap < 8)
			return short_header(8, wire);
		if (p[0] != 0xaa || p[1] != 0xaa || p[2] != 0x03)
			return MPF_OK;
		type = (uint16_t)(p[6] << 8 | p[7]);
		p += 8, cap -= 8, wire -= 8;
	}
	return decode_ethertype(pkt, type, p, cap, wire);
}

/* PPP (RFC 1661), with or without the HDLC address and control bytes and
 * with a one- or two-byte protocol field. */
static int
decode_ppp(struct mpf_pkt *pkt, const uint8_t *p, size_t cap, size_t wire)
{
	uint16_t proto;

	/* a lone 0xff is the address field cut by the capture, not a
	 * protocol: RFC 1661 6.6 decides on two bytes, 0x00ff is reserved */
	if (cap == 1 && p[0] == 0xff)
		return short_header(2, wire);
	if (cap >= 2 && p[0] == 0xff && p[1] == 0x03)
		p += 2, cap -= 2, wire -= 2;
	if (cap < 1)
		return short_header(1, wire);
	if (p[0] & 0x01) { /* compressed protocol field */
		proto = p[0];
		p += 1, cap -= 1, wire -= 1;
	} else {
		if (cap < 2)
			return short_header(2, wire);
		proto = (uint16_t)(p[0] << 8 | p[1]);
		p += 2, cap -= 2, wire -= 2;
	}
	if (proto == 0x0021 || proto == 0x0057)
		return mpf__decode_ip(pkt, p, cap, wire);
	return MPF_OK;
}

/* BSD loopback: a 4-byte address family, host order (NULL) or network
 * order (LOOP). IPv6 has a different value on each BSD. */
static int
decode_null(struct mpf_pkt *pkt, const uint8_t *p, size_t cap, size_t wire,
	    bool network_order)
{
	uint32_t af, le, be;

	if (cap < 4)
		return short_header(4, wire);
	be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	     p[3];
	le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 |
	     p[0];
	/* host order is unknown: the family values are small, so the byte
	 * order in which the value is small is the right one */
	af = network_order || be < 256 ? be : le;
	p += 4, cap -= 4, wire -= 4;
	switch (af) {
	case 2:                     /* AF_INET */
	case 10:                    /* AF_INET6, Linux */
	case 24: case 28: case 30:  /* AF_INET6: NetBSD/OpenBSD, FreeBSD, macOS */
		return mpf__decode_ip(pkt, p, cap, wire);
	default:
		return MPF_OK;
	}
}

int
mpf__decode(const struct mpf_packet *raw, struct mpf_pkt *pkt)
{
	const uint8_t *p = raw->data;
	size_t cap = raw->caplen, wire = raw->wirelen;
	int st;

	memset(pkt, 0, MPF_PKT_RESET_SIZE);
	pkt->raw = raw;
	/* saturating: a caller may hand any time (the fuzzers do) */
	pkt->ts_ns = mpf__ts_ns(raw->ts_sec, raw->ts_nsec);
	if (wire < cap)
		wire = cap; /* a writer that lied about the wire length */

	switch (raw->linktype) {
	case LT_ETHERNET:
		st = decode_ethernet(pkt, p, cap, wire);
		break;
	case LT_LINUX_SLL:
		if (cap < 16) {
			st = short_header(16, wire);
			break;
		}
		st = decode_ethertype(pkt, (uint16_t)(p[14] << 8 | p[15]),
				      p + 16, cap - 16, wire - 16);
		break;
	case LT_LINUX_SLL2:
		if (cap < 20) {
			st = short_header(20, wire);
			break;
		}
		st = decode_ethertype(pkt, (uint16_t)(p[0] << 8 | p[1]), p + 20,
				      cap - 20, wire - 20);
		break;
	case LT_RAW:
	case LT_RAW_DLT12:
	case LT_RAW_DLT14:
	case LT_IPV4:
	case LT_IPV6:
		st = mpf__decode_ip(pkt, p, cap, wire);
		break;
	case LT_NULL:
		st = decode_null(pkt, p, cap, wire, false);
		break;
	case LT_LOOP:
		st = decode_null(pkt, p, cap, wire, true);
		break;
	case LT_PPP:
	case LT_PPP_HDLC:
		st = decode_ppp(pkt, p, cap, wire);
		break;
	case LT_PPP_ETHER: /* a PPPoE header, then PPP */
		st = decode_ethertype(pkt, ETH_PPPOE, p, cap, wire);
		break;
	default:
		st = MPF_ERR_UNSUPPORTED;
		break;
	}
	pkt->status = st;
	return st;
}
