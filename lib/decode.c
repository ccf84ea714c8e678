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

/* Files option @kind of @len bytes at @off, while the list has room. */
static inline void
tcp_option_keep(struct mpf_pkt *pkt, uint8_t kind, uint8_t len, size_t off)
{
	struct mpf_tcp_opt *t;

	if (pkt->n_opts >= MPF_TCP_MAX_OPTS)
		return;
	t = &pkt->opts[pkt->n_opts++];
	t->kind = kind;
	t->len = len;
	t->off = (uint8_t)off;
}

/*
 * The option list is at most 40 bytes and walked on every segment: plain
 * offsets, each read checked against @cap (captured) and each length
 * against @declared (the header's), as a cursor would, without a
 * cursor's copy and status per option (a quarter of decoding a segment).
 */
int
mpf__decode_tcp_options(struct mpf_pkt *pkt, const uint8_t *opts,
			size_t declared, size_t captured)
{
	size_t cap = captured < declared ? captured : declared, i = 0;
	int status = MPF_OK;

	pkt->n_opts = 0;
	pkt->has_ts = false;
	if (cap >= 12 && opts[0] == 1 && opts[1] == 1 && opts[2] == 8 &&
	    opts[3] == 10) {
		/* the usual head (Linux, BSD): NOP, NOP, timestamps, as the
		 * walk below would take them */
		pkt->ts_val = mpf_be32_at(opts, 4);
		pkt->ts_ecr = mpf_be32_at(opts, 8);
		pkt->has_ts = true;
		tcp_option_keep(pkt, 8, 10, 2);
		i = 12;
	}
	while (i < declared) {
		uint8_t kind, len;

		if (i >= cap) /* a malformed option before stays first */
			return mpf__status_worst(status, MPF_ERR_TRUNCATED);
		kind = opts[i];
		if (kind == 0) /* end of option list: the rest is padding */
			break;
		if (kind == 1) { /* NOP */
			i++;
			continue;
		}
		if (declared - i < 2)
			return MPF_ERR_MALFORMED; /* no room for a length byte */
		if (cap - i < 2)
			return mpf__status_worst(status, MPF_ERR_TRUNCATED);
		len = opts[i + 1];
		if (len < 2 || len > declared - i)
			return MPF_ERR_MALFORMED;
		if (cap - i < len) {
			/* keep the cut option: its captured head may still
			 * say something (an MPTCP data ack, a join token) */
			if (tcp_option_length_ok(kind, len))
				tcp_option_keep(pkt, kind, len, i);
			return mpf__status_worst(status, MPF_ERR_TRUNCATED);
		}
		if (!tcp_option_length_ok(kind, len)) {
			status = MPF_ERR_MALFORMED; /* skip it, keep the rest */
		} else {
			if (kind == 8 && pkt->n_opts < MPF_TCP_MAX_OPTS) {
				/* len 10, all captured (cap - i >= len) */
				pkt->ts_val = mpf_be32_at(opts, i + 2);
				pkt->ts_ecr = mpf_be32_at(opts, i + 6);
				pkt->has_ts = true;
			}
			tcp_option_keep(pkt, kind, len, i);
		}
		i += len;
	}
	return status;
}

static int
decode_tcp(struct mpf_pkt *pkt)
{
	struct mpf_cursor c;
	const uint8_t *q;
	uint16_t off_flags;
	size_t hlen;
	int st;

	mpf_cursor_init(&c, pkt->l4, pkt->l4_cap, pkt->l4_len);
	if (mpf_cursor_has(&c, 4)) { /* the ports even of a cut header */
		pkt->sport = mpf_be16_at(c.p, 0);
		pkt->dport = mpf_be16_at(c.p, 2);
		pkt->has_ports = true;
	}
	if (!(q = mpf_cursor_take(&c, 20)))
		return c.status;
	pkt->seq = mpf_be32_at(q, 4);
	pkt->ack = mpf_be32_at(q, 8);
	off_flags = mpf_be16_at(q, 12);
	pkt->window = mpf_be16_at(q, 14);
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

	mpf_cursor_init(&c, pkt->l4, pkt->l4_cap, pkt->l4_len);
	if (mpf_cursor_wire_left(&c) < hlen)
		return MPF_ERR_MALFORMED;
	pkt->sport = mpf_get_be16(&c);
	pkt->dport = mpf_get_be16(&c);
	if (c.status != MPF_OK)
		return c.status;
	pkt->has_ports = true;
	if (!mpf_cursor_skip(&c, hlen - 4))
		return c.status;
	pkt->payload_len = pkt->l4_len - (uint32_t)hlen;
	pkt->payload_cap = pkt->l4_cap - (uint32_t)hlen;
	pkt->payload = pkt->l4 + hlen;
	return MPF_OK;
}

/* ------------------------------------------------------------- tunnels */

#define MAX_TUNNELS 4 /* nested encapsulations followed before we stop */

static int decode_ethernet(struct mpf_pkt *pkt, struct mpf_cursor *c);
static int decode_ip(struct mpf_pkt *pkt, struct mpf_cursor *c);

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

/* Whether the next byte starts an IPv4 or IPv6 header (the cursor's
 * status tells when there is no next byte). */
static bool
looks_like_ip(struct mpf_cursor *c)
{
	uint8_t version = mpf_peek_u8(c) >> 4;

	return version == 4 || version == 6;
}

/*
 * What is left at @c, the payload of the current transport, is itself a
 * packet: an IP packet when @ethernet is false, else an Ethernet frame.
 */
static int
decode_inner(struct mpf_pkt *pkt, struct mpf_cursor *c, bool ethernet)
{
	if (pkt->tunnels >= MAX_TUNNELS)
		return MPF_OK; /* leave it as the outer packet */
	if (!ethernet && !looks_like_ip(c))
		return c->status; /* not IP: the outer packet stands */
	reset_for_inner(pkt);
	if (ethernet)
		return decode_ethernet(pkt, c);
	return decode_ip(pkt, c);
}

/* The transport payload, as a cursor. */
static void
payload_cursor(const struct mpf_pkt *pkt, struct mpf_cursor *c)
{
	mpf_cursor_init(c, pkt->payload, pkt->payload_cap, pkt->payload_len);
}

/* GTP-U (3GPP TS 29.281): a G-PDU carries a user IP packet. */
static int
decode_gtpu(struct mpf_pkt *pkt)
{
	struct mpf_cursor c;
	uint8_t flags, type, next;

	payload_cursor(pkt, &c);
	if (!mpf_cursor_need(&c, 8))
		return c.status;
	flags = mpf_get_u8(&c);
	type = mpf_get_u8(&c);
	mpf_cursor_skip(&c, 6); /* length, TEID */
	if ((flags >> 5) != 1 || type != 0xff)
		return MPF_OK; /* not version 1, or signalling */
	if (flags & 0x07) { /* E, S or PN: sequence, N-PDU, next extension */
		if (!mpf_cursor_need(&c, 4))
			return c.status;
		mpf_cursor_skip(&c, 3);
		next = mpf_get_u8(&c);
		if (!(flags & 0x04))
			next = 0;
		while (next != 0) { /* extension headers, 4-octet units */
			size_t len = (size_t)mpf_peek_u8(&c) * 4;

			if (c.status != MPF_OK)
				return c.status;
			if (len == 0)
				return MPF_ERR_MALFORMED;
			if (!mpf_cursor_need(&c, len))
				return c.status;
			mpf_cursor_skip(&c, len - 1);
			next = mpf_get_u8(&c); /* the last octet */
		}
	}
	return decode_inner(pkt, &c, false);
}

/* VXLAN (RFC 7348): 8 bytes, then an Ethernet frame. */
static int
decode_vxlan(struct mpf_pkt *pkt)
{
	struct mpf_cursor c;
	uint8_t flags;

	payload_cursor(pkt, &c);
	if (!mpf_cursor_need(&c, 8))
		return c.status;
	flags = mpf_get_u8(&c);
	mpf_cursor_skip(&c, 7); /* reserved, VNI, reserved */
	if (!(flags & 0x08))
		return MPF_OK; /* no valid VNI: not ours to guess */
	return decode_inner(pkt, &c, true);
}

/* GRE (RFC 2784, RFC 2890) carrying IP or Ethernet (0x6558). */
static int
decode_gre(struct mpf_pkt *pkt)
{
	struct mpf_cursor c;
	uint16_t flags, type;
	size_t more = 0;

	mpf_cursor_init(&c, pkt->l4, pkt->l4_cap, pkt->l4_len);
	if (!mpf_cursor_need(&c, 4))
		return c.status;
	flags = mpf_get_be16(&c);
	type = mpf_get_be16(&c);
	if ((flags & 0x4007) != 0)
		return MPF_OK; /* version 1 (PPTP), RFC 1701 source routes */
	more += (flags & 0x8000) ? 4 : 0; /* checksum and reserved */
	more += (flags & 0x2000) ? 4 : 0; /* key */
	more += (flags & 0x1000) ? 4 : 0; /* sequence number */
	if (!mpf_cursor_skip(&c, more))
		return c.status;
	if (type == ETH_IPV4 || type == ETH_IPV6)
		return decode_inner(pkt, &c, false);
	if (type == 0x6558)
		return decode_inner(pkt, &c, true);
	return MPF_OK;
}

/* The encapsulations over UDP this decoder removes, by port: the only
 * ports it knows (a backend's own ports are in its udp_ports). */
static const struct udp_tunnel {
	uint16_t port;
	bool either; /* the source port too, not only the destination */
	int (*decode)(struct mpf_pkt *pkt);
} udp_tunnels[] = {
	{ 2152, true, decode_gtpu },   /* GTP-U */
	{ 4789, false, decode_vxlan }, /* VXLAN */
};

static int
decode_udp(struct mpf_pkt *pkt)
{
	int st = decode_ports(pkt, 8);
	size_t i;

	if (st != MPF_OK)
		return st;
	for (i = 0; i < G_N_ELEMENTS(udp_tunnels); i++) {
		const struct udp_tunnel *t = &udp_tunnels[i];

		if (pkt->dport == t->port || (t->either && pkt->sport == t->port))
			return t->decode(pkt);
	}
	/* a protocol over UDP (SCTP, RFC 6951) is its backend's to read;
	 * the addresses stay the outer ones */
	pkt->udp_owner = mpf__backend_udp_owner(pkt->sport, pkt->dport);
	return MPF_OK;
}

static int
decode_transport(struct mpf_pkt *pkt)
{
	struct mpf_cursor c;

	switch (pkt->ip_proto) {
	case 4:  /* IPv4 in IP */
	case 41: /* IPv6 in IP */
		mpf_cursor_init(&c, pkt->l4, pkt->l4_cap, pkt->l4_len);
		return decode_inner(pkt, &c, false);
	case 6:
		return decode_tcp(pkt);
	case 17:
		return decode_udp(pkt);
	case 47:
		return decode_gre(pkt);
	case 132: /* SCTP: the ports of its 12-byte common header */
		return decode_ports(pkt, 12);
	default:
		return MPF_OK;
	}
}

/* ------------------------------------------------------------------- IP */

static int
decode_ipv4(struct mpf_pkt *pkt, struct mpf_cursor *c)
{
	const uint8_t *p = c->p;
	size_t cap = mpf_cursor_left(c), wire = mpf_cursor_wire_left(c);
	uint16_t frag;
	size_t total, hlen;
	int st = MPF_OK;

	if (!mpf_cursor_take(c, 20))
		return c->status;
	/* version and header length; TOS; total length; identification;
	 * flags and fragment offset; TTL; protocol; checksum; addresses */
	hlen = (size_t)(p[0] & 0x0f) * 4;
	total = mpf_be16_at(p, 2);
	frag = mpf_be16_at(p, 6);
	pkt->ip_proto = p[9];
	pkt->src.family = pkt->dst.family = 4;
	memcpy(pkt->src.bytes, p + 12, 4);
	memcpy(pkt->dst.bytes, p + 16, 4);
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
decode_ipv6(struct mpf_pkt *pkt, struct mpf_cursor *c)
{
	const uint8_t *p = c->p;
	size_t cap = mpf_cursor_left(c), wire = mpf_cursor_wire_left(c);
	struct mpf_cursor ip;
	uint16_t plen;
	uint8_t nh;
	size_t total;
	int st = MPF_OK;

	if (!mpf_cursor_need(c, 40))
		return c->status;
	mpf_cursor_skip(c, 4); /* version, class, flow label */
	plen = mpf_get_be16(c);
	nh = mpf_get_u8(c);
	mpf_cursor_skip(c, 1); /* hop limit */
	pkt->src.family = pkt->dst.family = 6;
	mpf_get_bytes(c, pkt->src.bytes, 16);
	mpf_get_bytes(c, pkt->dst.bytes, 16);
	pkt->ip_version = 6;
	total = 40 + (size_t)plen;
	if (plen == 0 && wire > 40)
		total = wire; /* jumbogram (RFC 2675) or offload: trust the frame */
	if (total > wire) {
		st = MPF_ERR_MALFORMED;
		total = wire;
	}
	/* the extension headers and the transport end where the IP
	 * packet does, not where the frame does */
	mpf_cursor_init(&ip, p, cap, total);
	mpf_cursor_skip(&ip, 40);
	while (ipv6_is_ext_header(nh)) {
		struct mpf_cursor e = ip;
		uint8_t next, hl;
		size_t len;

		if (!mpf_cursor_need(&e, 2))
			return mpf__status_worst(st, e.status);
		next = mpf_get_u8(&e);
		hl = mpf_get_u8(&e);
		if (nh == 44) {
			uint16_t fo;

			len = 8;
			if (!mpf_cursor_need(&ip, len))
				return mpf__status_worst(st, ip.status);
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
		if (!mpf_cursor_skip(&ip, len))
			return mpf__status_worst(st, ip.status);
		nh = next;
	}
	pkt->ip_proto = nh;
	pkt->l4 = ip.p;
	pkt->l4_len = (uint32_t)mpf_cursor_wire_left(&ip);
	pkt->l4_cap = (uint32_t)mpf_cursor_left(&ip);
	return mpf__status_worst(st, decode_transport(pkt));
}

static int
decode_ip(struct mpf_pkt *pkt, struct mpf_cursor *c)
{
	uint8_t version = mpf_peek_u8(c) >> 4;

	if (c->status != MPF_OK)
		return c->status;
	switch (version) {
	case 4:
		return decode_ipv4(pkt, c);
	case 6:
		return decode_ipv6(pkt, c);
	default:
		return MPF_ERR_MALFORMED;
	}
}

int
mpf__decode_ip(struct mpf_pkt *pkt, const uint8_t *p, size_t cap, size_t wire)
{
	struct mpf_cursor c;

	mpf_cursor_init(&c, p, cap, wire);
	return decode_ip(pkt, &c);
}

/* ----------------------------------------------------------- link layer */

static int decode_ppp(struct mpf_pkt *pkt, struct mpf_cursor *c);

/*
 * An Ethernet type (already read: @type), then what @c holds, through any
 * stack of VLAN tags, MPLS labels and PPPoE down to IP.
 */
static int
decode_ethertype(struct mpf_pkt *pkt, uint16_t type, struct mpf_cursor *c)
{
	int depth;

	for (depth = 0; depth < MAX_STACKED_TAGS; depth++) {
		switch (type) {
		case ETH_IPV4:
		case ETH_IPV6:
			return decode_ip(pkt, c);
		case ETH_VLAN:
		case ETH_QINQ:
		case ETH_QINQ_OLD:
			if (!mpf_cursor_need(c, 4))
				return c->status;
			mpf_cursor_skip(c, 2); /* priority, DEI, VLAN id */
			type = mpf_get_be16(c);
			continue;
		case ETH_MPLS:
		case ETH_MPLS_MC:
			for (; depth < MAX_STACKED_TAGS; depth++) {
				bool bottom;

				if (!mpf_cursor_need(c, 4))
					return c->status;
				mpf_cursor_skip(c, 2); /* label */
				bottom = (mpf_get_u8(c) & 0x01) != 0;
				mpf_cursor_skip(c, 1); /* TTL */
				if (bottom)
					break;
			}
			if (depth == MAX_STACKED_TAGS)
				return MPF_ERR_MALFORMED;
			/* no type field under MPLS: guess from the version */
			if (!looks_like_ip(c))
				return c->status; /* pseudowire or other payload */
			return decode_ip(pkt, c);
		case ETH_PPPOE: {
			uint8_t code;

			if (!mpf_cursor_need(c, 6))
				return c->status;
			mpf_cursor_skip(c, 1); /* version, type */
			code = mpf_get_u8(c);
			mpf_cursor_skip(c, 4); /* session id, length */
			if (code != 0x00) /* code 0: session data */
				return MPF_OK;
			return decode_ppp(pkt, c);
		}
		default:
			return MPF_OK; /* not IP: ARP, LLDP, ... */
		}
	}
	return MPF_ERR_MALFORMED; /* an endless stack of tags */
}

static int
decode_ethernet(struct mpf_pkt *pkt, struct mpf_cursor *c)
{
	const uint8_t *q = mpf_cursor_take(c, 14);
	uint16_t type;

	if (!q)
		return c->status;
	type = mpf_be16_at(q, 12); /* after destination, source */
	if (type < 0x0600) {
		/* 802.3 length field: only LLC/SNAP carries an Ethernet type */
		static const uint8_t snap[3] = { 0xaa, 0xaa, 0x03 };
		const uint8_t *llc;

		if (!mpf_cursor_need(c, 8))
			return c->status;
		llc = mpf_cursor_take(c, 3);
		if (memcmp(llc, snap, sizeof(snap)) != 0)
			return MPF_OK;
		mpf_cursor_skip(c, 3); /* OUI */
		type = mpf_get_be16(c);
	}
	return decode_ethertype(pkt, type, c);
}

/* PPP (RFC 1661), with or without the HDLC address and control bytes and
 * with a one- or two-byte protocol field. */
static int
decode_ppp(struct mpf_pkt *pkt, struct mpf_cursor *c)
{
	struct mpf_cursor hdlc = *c;
	uint16_t proto;

	/* a lone 0xff is the address field cut by the capture, not a
	 * protocol: RFC 1661 6.6 decides on two bytes, 0x00ff is reserved */
	if (mpf_get_u8(&hdlc) == 0xff) {
		uint8_t control = mpf_get_u8(&hdlc);

		if (hdlc.status != MPF_OK)
			return hdlc.status;
		if (control == 0x03)
			*c = hdlc;
	}
	proto = mpf_peek_u8(c);
	if (c->status != MPF_OK)
		return c->status;
	if (proto & 0x01) /* compressed protocol field */
		mpf_cursor_skip(c, 1);
	else
		proto = mpf_get_be16(c);
	if (c->status != MPF_OK)
		return c->status;
	if (proto == 0x0021 || proto == 0x0057)
		return decode_ip(pkt, c);
	return MPF_OK;
}

/* BSD loopback: a 4-byte address family, host order (NULL) or network
 * order (LOOP). IPv6 has a different value on each BSD. */
static int
decode_null(struct mpf_pkt *pkt, struct mpf_cursor *c, bool network_order)
{
	struct mpf_cursor host = *c;
	uint32_t af, le, be;

	be = mpf_get_be32(c);
	le = mpf_get_le32(&host);
	if (c->status != MPF_OK)
		return c->status;
	/* host order is unknown: the family values are small, so the byte
	 * order in which the value is small is the right one */
	af = network_order || be < 256 ? be : le;
	switch (af) {
	case 2:                     /* AF_INET */
	case 10:                    /* AF_INET6, Linux */
	case 24: case 28: case 30:  /* AF_INET6: NetBSD/OpenBSD, FreeBSD, macOS */
		return decode_ip(pkt, c);
	default:
		return MPF_OK;
	}
}

int
mpf__decode(const struct mpf_packet *raw, struct mpf_pkt *pkt)
{
	size_t cap = raw->caplen, wire = raw->wirelen;
	struct mpf_cursor c;
	uint16_t type;
	int st;

	memset(pkt, 0, MPF_PKT_RESET_SIZE);
	pkt->raw = raw;
	/* saturating: a caller may hand any time (the fuzzers do) */
	pkt->ts_ns = mpf__ts_ns(raw->ts_sec, raw->ts_nsec);
	if (wire < cap)
		wire = cap; /* a writer that lied about the wire length */
	mpf_cursor_init(&c, raw->data, cap, wire);

	switch (raw->linktype) {
	case LT_ETHERNET:
		st = decode_ethernet(pkt, &c);
		break;
	case LT_LINUX_SLL:
		if (!mpf_cursor_need(&c, 16)) {
			st = c.status;
			break;
		}
		mpf_cursor_skip(&c, 14); /* packet type ... address */
		type = mpf_get_be16(&c);
		st = decode_ethertype(pkt, type, &c);
		break;
	case LT_LINUX_SLL2:
		if (!mpf_cursor_need(&c, 20)) {
			st = c.status;
			break;
		}
		type = mpf_get_be16(&c);
		mpf_cursor_skip(&c, 18); /* reserved ... address */
		st = decode_ethertype(pkt, type, &c);
		break;
	case LT_RAW:
	case LT_RAW_DLT12:
	case LT_RAW_DLT14:
	case LT_IPV4:
	case LT_IPV6:
		st = decode_ip(pkt, &c);
		break;
	case LT_NULL:
		st = decode_null(pkt, &c, false);
		break;
	case LT_LOOP:
		st = decode_null(pkt, &c, true);
		break;
	case LT_PPP:
	case LT_PPP_HDLC:
		st = decode_ppp(pkt, &c);
		break;
	case LT_PPP_ETHER: /* a PPPoE header, then PPP */
		st = decode_ethertype(pkt, ETH_PPPOE, &c);
		break;
	default:
		st = MPF_ERR_UNSUPPORTED;
		break;
	}
	pkt->status = st;
	return st;
}
