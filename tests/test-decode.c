/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: unit tests of the packet decoder (lib/decode.c)
 *
 * Frames are written byte by byte with the small builders below, decoded
 * from a g_malloc'd copy of exactly caplen bytes (so that valgrind or ASan
 * catch any read past the capture) and checked field by field. Besides the
 * per-layer cases, every sample frame is fed cut at every length, once as a
 * snapshot-length cut (TRUNCATED) and once as a frame that really was that
 * short on the wire (MALFORMED).
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "mpf-private.h"
#include "mpf-test.h"

#define TS_SEC 1700000000
#define TS_NSEC 123456789u

#define SPORT 40000
#define DPORT 443
#define SEQ 0x11223344u
#define ACK 0x55667788u
#define WINDOW 0x7210
#define STD_FLAGS (MPF_TCP_PSH | MPF_TCP_ACK)
#define STD_PAYLOAD 5

enum {
	ETH_IPV4 = 0x0800,
	ETH_ARP = 0x0806,
	ETH_VLAN = 0x8100,
	ETH_IPV6 = 0x86dd,
	ETH_QINQ = 0x88a8,
	ETH_MPLS = 0x8847,
	ETH_MPLS_MC = 0x8848,
	ETH_PPPOE_DISC = 0x8863,
	ETH_PPPOE = 0x8864,
	ETH_LLDP = 0x88cc,
	ETH_TEB = 0x6558,
};

enum {
	LT_NULL = 0,
	LT_ETHERNET = 1,
	LT_PPP = 9,
	LT_PPP_HDLC = 50,
	LT_PPP_ETHER = 51,
	LT_RAW = 101,
	LT_LOOP = 108,
	LT_LINUX_SLL = 113,
	LT_LINUX_SLL2 = 276,
};

static const uint8_t a4[4] = { 192, 0, 2, 1 };
static const uint8_t b4[4] = { 198, 51, 100, 2 };
static const uint8_t in_a4[4] = { 10, 1, 1, 1 };
static const uint8_t in_b4[4] = { 10, 2, 2, 2 };
static const uint8_t c4[4] = { 10, 3, 3, 3 };
static const uint8_t d4[4] = { 10, 4, 4, 4 };
static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t b6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };
static const uint8_t in_a6[16] = { 0xfd, [14] = 0x0a, [15] = 0x01 };
static const uint8_t in_b6[16] = { 0xfd, [14] = 0x0b, [15] = 0x02 };

/* MSS (off 0), NOP, window scale (off 5), SACK permitted (off 8),
 * timestamps (off 10): 20 bytes, so a 40-byte TCP header */
static const uint8_t std_opts[] = {
	2, 4, 0x05, 0xb4,
	1,
	3, 3, 7,
	4, 2,
	8, 10, 0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d,
};

/* --------------------------------------------------------------- frames */

#define FRAME_MAX 2048

struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
	size_t l4_off;      /* innermost transport header (last one written) */
	size_t payload_off; /* innermost transport payload */
	size_t ip_end;      /* end of the outermost IP packet (closed last) */
};

static void
frame_init(struct frame *f)
{
	memset(f, 0, sizeof(*f));
}

static void
put8(struct frame *f, uint8_t v)
{
	ck_assert_uint_lt(f->len, sizeof(f->b));
	f->b[f->len++] = v;
}

static void
put16(struct frame *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void
put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void
put_bytes(struct frame *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put8(f, p[i]);
}

static void
put_fill(struct frame *f, uint8_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		put8(f, v);
}

static void
set16(struct frame *f, size_t at, uint16_t v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

static void
put_eth(struct frame *f, uint16_t type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	put_bytes(f, macs, sizeof(macs));
	put16(f, type);
}

/* An 802.1Q/802.1ad tag: TCI, then the next Ethernet type. */
static void
put_vlan(struct frame *f, uint16_t tci, uint16_t type)
{
	put16(f, tci);
	put16(f, type);
}

static void
put_mpls(struct frame *f, uint32_t label, bool bottom)
{
	put32(f, label << 12 | (bottom ? 1u << 8 : 0) | 64);
}

/* A PPPoE session header (RFC 2516); pppoe_end() sets its length. */
static size_t
pppoe_begin(struct frame *f, uint8_t code)
{
	size_t at = f->len;

	put8(f, 0x11); /* version 1, type 1 */
	put8(f, code);
	put16(f, 0x1234); /* session id */
	put16(f, 0);
	return at;
}

static void
pppoe_end(struct frame *f, size_t at)
{
	set16(f, at + 4, (uint16_t)(f->len - at - 6));
}

static size_t
ipv4_begin(struct frame *f, uint8_t proto, const uint8_t *src,
	   const uint8_t *dst)
{
	size_t at = f->len;

	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0); /* total length: ipv4_end() */
	put16(f, 0x1234);
	put16(f, 0x4000); /* DF */
	put8(f, 64);
	put8(f, proto);
	put16(f, 0); /* checksum: not checked by the decoder */
	put_bytes(f, src, 4);
	put_bytes(f, dst, 4);
	return at;
}

static void
ipv4_end(struct frame *f, size_t at)
{
	set16(f, at + 2, (uint16_t)(f->len - at));
	f->ip_end = f->len;
}

static size_t
ipv6_begin(struct frame *f, uint8_t nh, const uint8_t *src,
	   const uint8_t *dst)
{
	size_t at = f->len;

	put32(f, 0x60012345); /* version, class, flow label */
	put16(f, 0);          /* payload length: ipv6_end() */
	put8(f, nh);
	put8(f, 64);
	put_bytes(f, src, 16);
	put_bytes(f, dst, 16);
	return at;
}

static void
ipv6_end(struct frame *f, size_t at)
{
	set16(f, at + 4, (uint16_t)(f->len - at - 40));
	f->ip_end = f->len;
}

/* An IPv6 extension header of @type with header length field @hl: AH
 * counts 4-octet units minus 2, the others 8-octet units minus 1. */
static void
put_ext6(struct frame *f, uint8_t type, uint8_t next, uint8_t hl)
{
	size_t len = type == 51 ? ((size_t)hl + 2) * 4 : ((size_t)hl + 1) * 8;

	put8(f, next);
	put8(f, hl);
	put_fill(f, 0, len - 2); /* Pad1 options, or SPI/sequence/ICV */
}

/* An IPv6 fragment header; @offset in 8-octet units. */
static void
put_frag6(struct frame *f, uint8_t next, uint16_t offset, bool more)
{
	put8(f, next);
	put8(f, 0);
	put16(f, (uint16_t)(offset << 3 | (more ? 1 : 0)));
	put32(f, 0xcafe0001);
}

static void
put_tcp(struct frame *f, uint16_t sport, uint16_t dport, uint8_t flags,
	const uint8_t *opts, size_t opts_len, size_t payload_len)
{
	size_t i;

	ck_assert_uint_eq(opts_len % 4, 0);
	f->l4_off = f->len;
	put16(f, sport);
	put16(f, dport);
	put32(f, SEQ);
	put32(f, ACK);
	put8(f, (uint8_t)((20 + opts_len) / 4 << 4));
	put8(f, flags);
	put16(f, WINDOW);
	put16(f, 0xc0de); /* checksum */
	put16(f, 0);      /* urgent pointer */
	put_bytes(f, opts, opts_len);
	f->payload_off = f->len;
	for (i = 0; i < payload_len; i++)
		put8(f, (uint8_t)(0xd0 + i));
}

static void
put_std_tcp(struct frame *f)
{
	put_tcp(f, SPORT, DPORT, STD_FLAGS, std_opts, sizeof(std_opts),
		STD_PAYLOAD);
}

static void
put_ipv4_std(struct frame *f, const uint8_t *src, const uint8_t *dst)
{
	size_t ip = ipv4_begin(f, 6, src, dst);

	put_std_tcp(f);
	ipv4_end(f, ip);
}

static void
put_ipv6_std(struct frame *f, const uint8_t *src, const uint8_t *dst)
{
	size_t ip = ipv6_begin(f, 6, src, dst);

	put_std_tcp(f);
	ipv6_end(f, ip);
}

/* A UDP header; udp_end() sets its length. */
static size_t
udp_begin(struct frame *f, uint16_t sport, uint16_t dport)
{
	size_t at = f->len;

	f->l4_off = at;
	put16(f, sport);
	put16(f, dport);
	put16(f, 0);
	put16(f, 0);
	f->payload_off = f->len;
	return at;
}

static void
udp_end(struct frame *f, size_t at)
{
	set16(f, at + 4, (uint16_t)(f->len - at));
}

/* A GTP-U header (3GPP TS 29.281) with @flags; the 4 optional bytes
 * (sequence, N-PDU, next extension type @next) when E, S or PN is set. */
static size_t
gtpu_begin(struct frame *f, uint8_t flags, uint8_t type, uint8_t next)
{
	size_t at = f->len;

	put8(f, flags);
	put8(f, type);
	put16(f, 0); /* length: gtpu_end() */
	put32(f, 0x00abcdef);
	if (flags & 0x07) {
		put16(f, 0x0102);
		put8(f, 0);
		put8(f, next);
	}
	return at;
}

static void
gtpu_end(struct frame *f, size_t at)
{
	set16(f, at + 2, (uint16_t)(f->len - at - 8));
}

/* A GTP-U extension header of @units 4-octet units. */
static void
put_gtpu_ext(struct frame *f, uint8_t units, uint8_t next)
{
	put8(f, units);
	put_fill(f, 0x5a, (size_t)units * 4 - 2);
	put8(f, next);
}

static void
put_vxlan(struct frame *f, uint8_t flags)
{
	put8(f, flags);
	put_fill(f, 0, 3);
	put32(f, 0x00123400); /* VNI 0x1234 */
}

/* --------------------------------------------------------------- decode */

struct dec {
	struct mpf_packet raw;
	struct mpf_pkt pkt;
	uint8_t *copy;
	int status;
};

/* A pointer the decoder hands out must stay within the captured bytes. */
static void
assert_inside(const struct dec *d, const uint8_t *p, size_t n)
{
	uintptr_t lo = (uintptr_t)d->copy, hi = lo + d->raw.caplen;

	if (n == 0)
		return;
	ck_assert_ptr_nonnull(p);
	ck_assert_msg((uintptr_t)p >= lo && (uintptr_t)p + n <= hi,
		      "decoded pointer outside the %u captured bytes",
		      d->raw.caplen);
}

/* Properties every decode result has, whatever the frame. */
static void
assert_consistent(const struct dec *d)
{
	const struct mpf_pkt *pkt = &d->pkt;
	int i;

	ck_assert_int_eq(pkt->status, d->status);
	ck_assert_ptr_eq(pkt->raw, &d->raw);
	ck_assert_int_eq(pkt->ts_ns,
			 (int64_t)TS_SEC * 1000000000 + (int64_t)TS_NSEC);
	ck_assert_uint_le(pkt->tunnels, 4);
	ck_assert_uint_le(pkt->l4_cap, pkt->l4_len);
	assert_inside(d, pkt->l4, pkt->l4_cap);
	ck_assert_uint_le(pkt->payload_cap, pkt->payload_len);
	assert_inside(d, pkt->payload, pkt->payload_cap);
	if (!pkt->has_tcp) {
		ck_assert_uint_eq(pkt->n_opts, 0);
		return;
	}
	ck_assert(pkt->has_ports);
	ck_assert_uint_eq(pkt->tcp_opts_len + 20u, pkt->tcp_hlen);
	ck_assert_uint_le(pkt->tcp_opts_cap, pkt->tcp_opts_len);
	ck_assert_ptr_eq(pkt->tcp_opts, pkt->l4 + 20);
	assert_inside(d, pkt->tcp_opts, pkt->tcp_opts_cap);
	ck_assert_uint_le(pkt->n_opts, MPF_TCP_MAX_OPTS);
	for (i = 0; i < pkt->n_opts; i++) {
		/* kind and length were captured; the rest may be cut */
		ck_assert_uint_le(pkt->opts[i].off + 2u, pkt->tcp_opts_cap);
		ck_assert_uint_le(pkt->opts[i].off + pkt->opts[i].len,
				  pkt->tcp_opts_len);
	}
}

static int
dec_run(struct dec *d, int linktype, const uint8_t *data, size_t caplen,
	size_t wirelen)
{
	memset(d, 0, sizeof(*d));
	/* exactly caplen bytes (NULL for 0): any read past them is caught */
	d->copy = g_malloc(caplen);
	if (caplen)
		memcpy(d->copy, data, caplen);
	d->raw.number = 1;
	d->raw.linktype = linktype;
	d->raw.data = d->copy;
	d->raw.caplen = (uint32_t)caplen;
	d->raw.wirelen = (uint32_t)wirelen;
	d->raw.ts_sec = TS_SEC;
	d->raw.ts_nsec = TS_NSEC;
	/* garbage in: mpf__decode() must set every field it reports */
	memset(&d->pkt, 0xa5, sizeof(d->pkt));
	d->status = mpf__decode(&d->raw, &d->pkt);
	assert_consistent(d);
	return d->status;
}

static int
dec_frame(struct dec *d, int linktype, const struct frame *f)
{
	return dec_run(d, linktype, f->b, f->len, f->len);
}

static void
dec_free(struct dec *d)
{
	g_free(d->copy);
	d->copy = NULL;
}

static void
assert_addr(const struct mpf_addr *a, int family, const uint8_t *bytes)
{
	ck_assert_uint_eq(a->family, family);
	ck_assert_mem_eq(a->bytes, bytes, family == 4 ? 4 : 16);
}

static void
assert_opt(const struct mpf_pkt *pkt, int i, uint8_t kind, uint8_t len,
	   uint8_t off)
{
	ck_assert_int_lt(i, pkt->n_opts);
	ck_assert_uint_eq(pkt->opts[i].kind, kind);
	ck_assert_uint_eq(pkt->opts[i].len, len);
	ck_assert_uint_eq(pkt->opts[i].off, off);
}

/* The TCP header of put_std_tcp(), its payload cut to @payload_cap. */
static void
assert_std_tcp(const struct dec *d, uint32_t payload_len,
	       uint32_t payload_cap)
{
	const struct mpf_pkt *pkt = &d->pkt;

	ck_assert_uint_eq(pkt->ip_proto, 6);
	ck_assert(pkt->has_ports);
	ck_assert_uint_eq(pkt->sport, SPORT);
	ck_assert_uint_eq(pkt->dport, DPORT);
	ck_assert(pkt->has_tcp);
	ck_assert_uint_eq(pkt->seq, SEQ);
	ck_assert_uint_eq(pkt->ack, ACK);
	ck_assert_uint_eq(pkt->tcp_flags, STD_FLAGS);
	ck_assert_uint_eq(pkt->window, WINDOW);
	ck_assert_uint_eq(pkt->tcp_hlen, 40);
	ck_assert_uint_eq(pkt->tcp_opts_len, 20);
	ck_assert_uint_eq(pkt->tcp_opts_cap, 20);
	ck_assert_uint_eq(pkt->n_opts, 4);
	assert_opt(pkt, 0, 2, 4, 0);
	assert_opt(pkt, 1, 3, 3, 5);
	assert_opt(pkt, 2, 4, 2, 8);
	assert_opt(pkt, 3, 8, 10, 10);
	ck_assert(pkt->has_ts);
	ck_assert_uint_eq(pkt->ts_val, 0x01020304);
	ck_assert_uint_eq(pkt->ts_ecr, 0x0a0b0c0d);
	ck_assert_uint_eq(pkt->l4_len, 40 + payload_len);
	ck_assert_uint_eq(pkt->payload_len, payload_len);
	ck_assert_uint_eq(pkt->payload_cap, payload_cap);
	if (payload_cap) {
		ck_assert_ptr_eq(pkt->payload, pkt->l4 + 40);
		ck_assert_uint_eq(pkt->payload[0], 0xd0);
	}
}

/* A whole frame carrying put_ipv4_std()/put_ipv6_std() at @l4_off. */
static void
assert_std_frame(const struct dec *d, int version, const uint8_t *src,
		 const uint8_t *dst, size_t l4_off)
{
	ck_assert_int_eq(d->status, MPF_OK);
	ck_assert_uint_eq(d->pkt.ip_version, version);
	assert_addr(&d->pkt.src, version, src);
	assert_addr(&d->pkt.dst, version, dst);
	ck_assert(!d->pkt.fragment);
	ck_assert_ptr_eq(d->pkt.l4, d->copy + l4_off);
	assert_std_tcp(d, STD_PAYLOAD, STD_PAYLOAD);
}

/* A frame decoded to no IP packet at all. */
static void
assert_not_ip(const struct dec *d)
{
	ck_assert_int_eq(d->status, MPF_OK);
	ck_assert_uint_eq(d->pkt.ip_version, 0);
	ck_assert_uint_eq(d->pkt.ip_proto, 0);
	ck_assert_uint_eq(d->pkt.src.family, 0);
	ck_assert(!d->pkt.has_ports);
	ck_assert(!d->pkt.has_tcp);
	ck_assert_ptr_null(d->pkt.l4);
}

/* ------------------------------------------------------------- samples */

static void
build_eth_ipv4(struct frame *f)
{
	put_eth(f, ETH_IPV4);
	put_ipv4_std(f, a4, b4);
}

static void
build_eth_ipv6(struct frame *f)
{
	put_eth(f, ETH_IPV6);
	put_ipv6_std(f, a6, b6);
}

/* 802.1Q, and an IPv4 header with 8 option bytes (IHL 7) */
static void
build_vlan_ipv4_opts(struct frame *f)
{
	static const uint8_t ipopts[8] = { 0x94, 4, 0, 0, 1, 1, 1, 0 };
	size_t ip;

	put_eth(f, ETH_VLAN);
	put_vlan(f, 0x2064, ETH_IPV4);
	ip = ipv4_begin(f, 6, a4, b4);
	f->b[ip] = 0x47;
	put_bytes(f, ipopts, sizeof(ipopts));
	put_std_tcp(f);
	ipv4_end(f, ip);
}

static void
build_qinq_ipv6_ext(struct frame *f)
{
	size_t ip;

	put_eth(f, ETH_QINQ);
	put_vlan(f, 0x000a, ETH_VLAN);
	put_vlan(f, 0x0014, ETH_IPV6);
	ip = ipv6_begin(f, 0, a6, b6);
	put_ext6(f, 0, 60, 0);
	put_ext6(f, 60, 6, 1);
	put_std_tcp(f);
	ipv6_end(f, ip);
}

static void
build_mpls_ipv4(struct frame *f)
{
	put_eth(f, ETH_MPLS);
	put_mpls(f, 1000, false);
	put_mpls(f, 2000, true);
	put_ipv4_std(f, a4, b4);
}

static void
build_pppoe_ipv4(struct frame *f)
{
	size_t at;

	put_eth(f, ETH_PPPOE);
	at = pppoe_begin(f, 0);
	put16(f, 0x0021);
	put_ipv4_std(f, a4, b4);
	pppoe_end(f, at);
}

static void
build_snap_ipv4(struct frame *f)
{
	static const uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0 };

	put_eth(f, 0); /* an 802.3 length: set below */
	put_bytes(f, snap, sizeof(snap));
	put_ipv4_std(f, a4, b4);
	set16(f, 12, (uint16_t)(f->len - 14));
}

static void
put_sll(struct frame *f, uint16_t proto)
{
	static const uint8_t mac[8] = { 2, 0, 0, 0, 0, 1, 0, 0 };

	put16(f, 0); /* to us */
	put16(f, 1); /* ARPHRD_ETHER */
	put16(f, 6);
	put_bytes(f, mac, sizeof(mac));
	put16(f, proto);
}

static void
put_sll2(struct frame *f, uint16_t proto)
{
	static const uint8_t mac[8] = { 2, 0, 0, 0, 0, 1, 0, 0 };

	put16(f, proto);
	put16(f, 0);
	put32(f, 3); /* interface index */
	put16(f, 1); /* ARPHRD_ETHER */
	put8(f, 0);
	put8(f, 6);
	put_bytes(f, mac, sizeof(mac));
}

static void
build_sll_ipv4(struct frame *f)
{
	put_sll(f, ETH_IPV4);
	put_ipv4_std(f, a4, b4);
}

static void
build_sll2_ipv6(struct frame *f)
{
	put_sll2(f, ETH_IPV6);
	put_ipv6_std(f, a6, b6);
}

static void
build_null_ipv4(struct frame *f)
{
	static const uint8_t af[4] = { 2, 0, 0, 0 };

	put_bytes(f, af, sizeof(af));
	put_ipv4_std(f, a4, b4);
}

static void
build_loop_ipv6(struct frame *f)
{
	static const uint8_t af[4] = { 0, 0, 0, 24 };

	put_bytes(f, af, sizeof(af));
	put_ipv6_std(f, a6, b6);
}

static void
build_ppp_ipv4(struct frame *f)
{
	static const uint8_t hdr[4] = { 0xff, 0x03, 0x00, 0x21 };

	put_bytes(f, hdr, sizeof(hdr));
	put_ipv4_std(f, a4, b4);
}

static void
build_ppp_comp_ipv6(struct frame *f)
{
	put8(f, 0x57);
	put_ipv6_std(f, a6, b6);
}

static void
build_ppp_ether_ipv4(struct frame *f)
{
	size_t at = pppoe_begin(f, 0);

	put16(f, 0x0021);
	put_ipv4_std(f, a4, b4);
	pppoe_end(f, at);
}

/* fragment header with offset 0 (analysed), then AH (24 bytes) */
static void
build_raw_ipv6_frag_ah(struct frame *f)
{
	size_t ip = ipv6_begin(f, 44, a6, b6);

	put_frag6(f, 51, 0, true);
	put_ext6(f, 51, 6, 4);
	put_std_tcp(f);
	ipv6_end(f, ip);
}

static void
build_gtpu(struct frame *f)
{
	size_t ip, udp, gtp;

	put_eth(f, ETH_IPV4);
	ip = ipv4_begin(f, 17, a4, b4);
	udp = udp_begin(f, 2152, 2152);
	gtp = gtpu_begin(f, 0x34, 0xff, 0x85);
	put_gtpu_ext(f, 1, 0);
	put_ipv4_std(f, in_a4, in_b4);
	gtpu_end(f, gtp);
	udp_end(f, udp);
	ipv4_end(f, ip);
}

static void
build_vxlan(struct frame *f)
{
	size_t ip, udp;

	put_eth(f, ETH_IPV4);
	ip = ipv4_begin(f, 17, a4, b4);
	udp = udp_begin(f, 49152, 4789);
	put_vxlan(f, 0x08);
	put_eth(f, ETH_IPV4);
	put_ipv4_std(f, in_a4, in_b4);
	udp_end(f, udp);
	ipv4_end(f, ip);
}

static void
build_gre_key(struct frame *f)
{
	size_t ip = ipv4_begin(f, 47, a4, b4);

	put16(f, 0x2000);
	put16(f, ETH_IPV4);
	put32(f, 0xdeadbeef);
	put_ipv4_std(f, in_a4, in_b4);
	ipv4_end(f, ip);
}

static void
build_gre_eth_ipv6(struct frame *f)
{
	size_t ip;

	put_eth(f, ETH_IPV4);
	ip = ipv4_begin(f, 47, a4, b4);
	put16(f, 0);
	put16(f, ETH_TEB);
	put_eth(f, ETH_IPV6);
	put_ipv6_std(f, in_a6, in_b6);
	ipv4_end(f, ip);
}

static void
build_ipip(struct frame *f)
{
	size_t ip = ipv4_begin(f, 4, a4, b4);

	put_ipv4_std(f, in_a4, in_b4);
	ipv4_end(f, ip);
}

static void
build_sit(struct frame *f)
{
	size_t ip;

	put_eth(f, ETH_IPV4);
	ip = ipv4_begin(f, 41, a4, b4);
	put_ipv6_std(f, in_a6, in_b6);
	ipv4_end(f, ip);
}

/* VXLAN, then GRE in the inner IPv4: two tunnels */
static void
build_vxlan_gre(struct frame *f)
{
	size_t ip, udp, ip2;

	put_eth(f, ETH_IPV4);
	ip = ipv4_begin(f, 17, a4, b4);
	udp = udp_begin(f, 49152, 4789);
	put_vxlan(f, 0x08);
	put_eth(f, ETH_IPV4);
	ip2 = ipv4_begin(f, 47, in_a4, in_b4);
	put16(f, 0);
	put16(f, ETH_IPV4);
	put_ipv4_std(f, c4, d4);
	ipv4_end(f, ip2);
	udp_end(f, udp);
	ipv4_end(f, ip);
}

static void
build_udp(struct frame *f)
{
	size_t ip, udp;

	put_eth(f, ETH_IPV4);
	ip = ipv4_begin(f, 17, a4, b4);
	udp = udp_begin(f, 5353, 53);
	put_fill(f, 0x77, 9);
	udp_end(f, udp);
	ipv4_end(f, ip);
}

static void
build_sctp(struct frame *f)
{
	size_t ip = ipv4_begin(f, 132, a4, b4);

	f->l4_off = f->len;
	put16(f, 2905);
	put16(f, 36412);
	put32(f, 0x01020304); /* verification tag */
	put32(f, 0);          /* checksum */
	f->payload_off = f->len;
	put_fill(f, 0x33, 16);
	ipv4_end(f, ip);
}

/* MD5 (off 0), NOP NOP, MPTCP DSS (off 20), SACK 1 block (off 28), NOP
 * NOP: the 40 option bytes full */
static const uint8_t mp_opts[40] = {
	19, 18, [18] = 1, [19] = 1,
	[20] = 30, 8, 0x20, 0x01, 0xaa, 0xbb, 0xcc, 0xdd,
	[28] = 5, 10, 0, 0, 0, 1, 0, 0, 0, 2,
	[38] = 1, [39] = 1,
};

static void
build_ipv6_routing_mptcp(struct frame *f)
{
	size_t ip;

	put_eth(f, ETH_IPV6);
	ip = ipv6_begin(f, 43, a6, b6);
	put_ext6(f, 43, 6, 2);
	put_tcp(f, SPORT, DPORT, MPF_TCP_ACK, mp_opts, sizeof(mp_opts), 3);
	ipv6_end(f, ip);
}

/* a bare ACK: 54 bytes, padded to the 60-byte Ethernet minimum */
static void
build_eth_ipv4_padded(struct frame *f)
{
	size_t ip;

	put_eth(f, ETH_IPV4);
	ip = ipv4_begin(f, 6, a4, b4);
	put_tcp(f, SPORT, DPORT, MPF_TCP_ACK, NULL, 0, 0);
	ipv4_end(f, ip);
	put_fill(f, 0, 6);
}

struct sample {
	const char *name;
	int linktype;
	void (*build)(struct frame *f);
	uint8_t ip_version; /* of the analysed (innermost) packet */
	uint8_t ip_proto;
	uint8_t tunnels;
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	bool std_tcp; /* carries put_std_tcp() */
};

static const struct sample samples[] = {
	{ "ethernet/ipv4/tcp", LT_ETHERNET, build_eth_ipv4, 4, 6, 0, a4, b4,
	  SPORT, DPORT, true },
	{ "ethernet/ipv6/tcp", LT_ETHERNET, build_eth_ipv6, 6, 6, 0, a6, b6,
	  SPORT, DPORT, true },
	{ "vlan/ipv4+options", LT_ETHERNET, build_vlan_ipv4_opts, 4, 6, 0, a4,
	  b4, SPORT, DPORT, true },
	{ "qinq/ipv6+hbh+dst", LT_ETHERNET, build_qinq_ipv6_ext, 6, 6, 0, a6,
	  b6, SPORT, DPORT, true },
	{ "mpls/ipv4", LT_ETHERNET, build_mpls_ipv4, 4, 6, 0, a4, b4, SPORT,
	  DPORT, true },
	{ "pppoe/ipv4", LT_ETHERNET, build_pppoe_ipv4, 4, 6, 0, a4, b4, SPORT,
	  DPORT, true },
	{ "llc-snap/ipv4", LT_ETHERNET, build_snap_ipv4, 4, 6, 0, a4, b4,
	  SPORT, DPORT, true },
	{ "sll/ipv4", LT_LINUX_SLL, build_sll_ipv4, 4, 6, 0, a4, b4, SPORT,
	  DPORT, true },
	{ "sll2/ipv6", LT_LINUX_SLL2, build_sll2_ipv6, 6, 6, 0, a6, b6, SPORT,
	  DPORT, true },
	{ "null/ipv4", LT_NULL, build_null_ipv4, 4, 6, 0, a4, b4, SPORT,
	  DPORT, true },
	{ "loop/ipv6", LT_LOOP, build_loop_ipv6, 6, 6, 0, a6, b6, SPORT,
	  DPORT, true },
	{ "ppp ff03/ipv4", LT_PPP, build_ppp_ipv4, 4, 6, 0, a4, b4, SPORT,
	  DPORT, true },
	{ "ppp-hdlc/ipv4", LT_PPP_HDLC, build_ppp_ipv4, 4, 6, 0, a4, b4,
	  SPORT, DPORT, true },
	{ "ppp compressed/ipv6", LT_PPP, build_ppp_comp_ipv6, 6, 6, 0, a6, b6,
	  SPORT, DPORT, true },
	{ "ppp-ether/ipv4", LT_PPP_ETHER, build_ppp_ether_ipv4, 4, 6, 0, a4,
	  b4, SPORT, DPORT, true },
	{ "raw/ipv6+frag0+ah", LT_RAW, build_raw_ipv6_frag_ah, 6, 6, 0, a6,
	  b6, SPORT, DPORT, true },
	{ "gtp-u/ipv4", LT_ETHERNET, build_gtpu, 4, 6, 1, in_a4, in_b4, SPORT,
	  DPORT, true },
	{ "vxlan/ethernet/ipv4", LT_ETHERNET, build_vxlan, 4, 6, 1, in_a4,
	  in_b4, SPORT, DPORT, true },
	{ "gre key/ipv4", LT_RAW, build_gre_key, 4, 6, 1, in_a4, in_b4, SPORT,
	  DPORT, true },
	{ "gre/ethernet/ipv6", LT_ETHERNET, build_gre_eth_ipv6, 6, 6, 1,
	  in_a6, in_b6, SPORT, DPORT, true },
	{ "ipv4-in-ipv4", LT_RAW, build_ipip, 4, 6, 1, in_a4, in_b4, SPORT,
	  DPORT, true },
	{ "ipv6-in-ipv4", LT_ETHERNET, build_sit, 6, 6, 1, in_a6, in_b6,
	  SPORT, DPORT, true },
	{ "vxlan/gre/ipv4", LT_ETHERNET, build_vxlan_gre, 4, 6, 2, c4, d4,
	  SPORT, DPORT, true },
	{ "udp", LT_ETHERNET, build_udp, 4, 17, 0, a4, b4, 5353, 53, false },
	{ "sctp", LT_RAW, build_sctp, 4, 132, 0, a4, b4, 2905, 36412, false },
	{ "ipv6 routing/tcp mptcp md5 sack", LT_ETHERNET,
	  build_ipv6_routing_mptcp, 6, 6, 0, a6, b6, SPORT, DPORT, false },
	{ "ethernet padding", LT_ETHERNET, build_eth_ipv4_padded, 4, 6, 0, a4,
	  b4, SPORT, DPORT, false },
};

static void
build_sample(const struct sample *s, struct frame *f)
{
	frame_init(f);
	s->build(f);
	ck_assert_uint_gt(f->ip_end, 0);
	ck_assert_uint_le(f->payload_off, f->ip_end);
}

#define ck_assert_cut(expr, s, k)                                            \
	ck_assert_msg((expr), "%s, cut at %zu: %s", (s)->name, (size_t)(k), \
		      #expr)

/* Every sample decodes whole to what it was built from. */
START_TEST(test_sample_full)
{
	const struct sample *s = &samples[_i];
	struct frame f;
	struct dec d;

	build_sample(s, &f);
	dec_frame(&d, s->linktype, &f);
	ck_assert_msg(d.status == MPF_OK, "%s: %s", s->name,
		      mpf_status_name(d.status));
	ck_assert_uint_eq(d.pkt.ip_version, s->ip_version);
	ck_assert_uint_eq(d.pkt.ip_proto, s->ip_proto);
	ck_assert_uint_eq(d.pkt.tunnels, s->tunnels);
	assert_addr(&d.pkt.src, s->ip_version, s->src);
	assert_addr(&d.pkt.dst, s->ip_version, s->dst);
	ck_assert(!d.pkt.fragment);
	ck_assert(d.pkt.has_ports);
	ck_assert_uint_eq(d.pkt.sport, s->sport);
	ck_assert_uint_eq(d.pkt.dport, s->dport);
	ck_assert_ptr_eq(d.pkt.l4, d.copy + f.l4_off);
	ck_assert_uint_eq(d.pkt.l4_len, f.ip_end - f.l4_off);
	ck_assert_uint_eq(d.pkt.l4_cap, f.ip_end - f.l4_off);
	ck_assert_uint_eq(d.pkt.payload_len, f.ip_end - f.payload_off);
	ck_assert_uint_eq(d.pkt.payload_cap, f.ip_end - f.payload_off);
	if (d.pkt.payload_cap)
		ck_assert_ptr_eq(d.pkt.payload, d.copy + f.payload_off);
	ck_assert(d.pkt.has_tcp == (s->ip_proto == 6));
	if (s->std_tcp)
		assert_std_tcp(&d, STD_PAYLOAD, STD_PAYLOAD);
	dec_free(&d);
}
END_TEST

/* How many of @full's options have their kind and length within the
 * first @optcap option bytes. */
static int
opts_with_length(const struct mpf_pkt *full, size_t optcap)
{
	int i, n = 0;

	for (i = 0; i < full->n_opts; i++)
		if (full->opts[i].off + 2u <= optcap)
			n++;
	return n;
}

/* A capture cut at any point before the innermost payload is TRUNCATED,
 * keeps everything fully captured before the cut, and never reads past
 * the cut; a cut inside the payload is OK. */
START_TEST(test_sample_every_caplen)
{
	const struct sample *s = &samples[_i];
	const struct mpf_pkt *fp;
	struct frame f;
	struct dec full, d;
	size_t k;

	build_sample(s, &f);
	ck_assert_int_eq(dec_frame(&full, s->linktype, &f), MPF_OK);
	fp = &full.pkt;
	for (k = 0; k <= f.len; k++) {
		const struct mpf_pkt *p = &d.pkt;

		dec_run(&d, s->linktype, f.b, k, f.len);
		if (k >= f.payload_off) {
			size_t end = k < f.ip_end ? k : f.ip_end;

			ck_assert_cut(d.status == MPF_OK, s, k);
			ck_assert_cut(p->payload_len == fp->payload_len, s, k);
			ck_assert_cut(p->payload_cap == end - f.payload_off, s,
				      k);
			ck_assert_cut(p->l4_len == fp->l4_len, s, k);
		} else {
			ck_assert_cut(d.status == MPF_ERR_TRUNCATED, s, k);
			/* an outer UDP payload may be there, not ours */
			ck_assert_cut(p->payload_cap == 0 ||
					      p->tunnels < s->tunnels,
				      s, k);
		}
		if (k >= f.l4_off) { /* every IP header captured */
			ck_assert_cut(p->ip_version == fp->ip_version, s, k);
			ck_assert_cut(p->ip_proto == fp->ip_proto, s, k);
			ck_assert_cut(p->tunnels == fp->tunnels, s, k);
			ck_assert_cut(!memcmp(&p->src, &fp->src,
					      sizeof(p->src)), s, k);
			ck_assert_cut(!memcmp(&p->dst, &fp->dst,
					      sizeof(p->dst)), s, k);
			ck_assert_cut(p->l4 == d.copy + f.l4_off, s, k);
		}
		if (k >= f.l4_off + 4) {
			ck_assert_cut(p->has_ports, s, k);
			ck_assert_cut(p->sport == fp->sport, s, k);
			ck_assert_cut(p->dport == fp->dport, s, k);
		} else {
			ck_assert_cut(!p->has_ports || p->tunnels < s->tunnels,
				      s, k);
		}
		if (fp->has_tcp && k >= f.l4_off + 20) {
			size_t optcap = k - f.l4_off - 20;
			int i, n;

			if (optcap > fp->tcp_opts_len)
				optcap = fp->tcp_opts_len;
			n = opts_with_length(fp, optcap);
			ck_assert_cut(p->has_tcp, s, k);
			ck_assert_cut(p->seq == fp->seq, s, k);
			ck_assert_cut(p->ack == fp->ack, s, k);
			ck_assert_cut(p->tcp_flags == fp->tcp_flags, s, k);
			ck_assert_cut(p->tcp_hlen == fp->tcp_hlen, s, k);
			ck_assert_cut(p->tcp_opts_cap == optcap, s, k);
			ck_assert_cut(p->n_opts == n, s, k);
			for (i = 0; i < n; i++)
				ck_assert_cut(!memcmp(&p->opts[i], &fp->opts[i],
						      sizeof(p->opts[i])),
					      s, k);
			ck_assert_cut(p->has_ts ==
					      (fp->has_ts &&
					       optcap == fp->tcp_opts_len),
				      s, k);
		} else if (fp->has_tcp) {
			ck_assert_cut(!p->has_tcp, s, k);
		}
		dec_free(&d);
	}
	dec_free(&full);
}
END_TEST

/* A frame that really was shorter on the wire than its headers say is
 * MALFORMED (never TRUNCATED: nothing was lost by the capture), and the
 * transport is still read from what the frame holds. */
START_TEST(test_sample_every_wirelen)
{
	const struct sample *s = &samples[_i];
	struct frame f;
	struct dec d;
	size_t k;

	build_sample(s, &f);
	for (k = 0; k < f.len; k++) {
		const struct mpf_pkt *p = &d.pkt;

		dec_run(&d, s->linktype, f.b, k, k);
		if (k >= f.ip_end) { /* only the link padding is missing */
			ck_assert_cut(d.status == MPF_OK, s, k);
		} else {
			ck_assert_cut(d.status == MPF_ERR_MALFORMED, s, k);
		}
		if (k >= f.payload_off && k < f.ip_end) {
			ck_assert_cut(p->has_ports, s, k);
			ck_assert_cut(p->sport == s->sport, s, k);
			ck_assert_cut(p->tunnels == s->tunnels, s, k);
			ck_assert_cut(p->payload_len == k - f.payload_off, s,
				      k);
			ck_assert_cut(p->payload_cap == k - f.payload_off, s,
				      k);
		}
		dec_free(&d);
	}
}
END_TEST

/* A writer that put a wire length below the captured length is not
 * believed: the frame is as long as what was captured. */
START_TEST(test_wirelen_below_caplen)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_eth_ipv4(&f);
	dec_run(&d, LT_ETHERNET, f.b, f.len, 10);
	assert_std_frame(&d, 4, a4, b4, 34);
	dec_free(&d);
}
END_TEST

/* ----------------------------------------------------------- link layer */

START_TEST(test_link_ethernet)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_eth_ipv4(&f);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, a4, b4, 14 + 20);
	ck_assert_uint_eq(d.pkt.tunnels, 0);
	dec_free(&d);

	frame_init(&f);
	build_eth_ipv6(&f);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 6, a6, b6, 14 + 40);
	dec_free(&d);
}
END_TEST

START_TEST(test_link_vlan)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	put_eth(&f, ETH_VLAN);
	put_vlan(&f, 0x0064, ETH_IPV4);
	put_ipv4_std(&f, a4, b4);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, a4, b4, 18 + 20);
	dec_free(&d);

	/* a tag whose TCI looks like an Ethernet type changes nothing */
	frame_init(&f);
	put_eth(&f, ETH_VLAN);
	put_vlan(&f, 0x86dd, ETH_IPV6);
	put_ipv6_std(&f, a6, b6);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 6, a6, b6, 18 + 40);
	dec_free(&d);
}
END_TEST

/* 802.1ad (0x88a8) or the older 0x9100 outer tag, then 802.1Q */
START_TEST(test_link_qinq)
{
	static const uint16_t outer[] = { ETH_QINQ, 0x9100 };
	struct frame f;
	struct dec d;

	frame_init(&f);
	put_eth(&f, outer[_i]);
	put_vlan(&f, 0x000a, ETH_VLAN);
	put_vlan(&f, 0x0014, ETH_IPV4);
	put_ipv4_std(&f, a4, b4);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, a4, b4, 22 + 20);
	dec_free(&d);
}
END_TEST

START_TEST(test_link_vlan_stack)
{
	struct frame f;
	struct dec d;
	int i;

	/* eight tags are still followed */
	frame_init(&f);
	put_eth(&f, ETH_VLAN);
	for (i = 0; i < 8; i++)
		put_vlan(&f, (uint16_t)i, i < 7 ? ETH_VLAN : ETH_IPV4);
	put_ipv4_std(&f, a4, b4);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, a4, b4, 14 + 32 + 20);
	dec_free(&d);

	/* a frame of nothing but tags is not followed forever */
	frame_init(&f);
	put_eth(&f, ETH_VLAN);
	for (i = 0; i < 40; i++)
		put_vlan(&f, (uint16_t)i, ETH_VLAN);
	put_ipv4_std(&f, a4, b4);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(d.pkt.ip_version, 0);
	dec_free(&d);
}
END_TEST

START_TEST(test_link_llc_snap)
{
	static const uint8_t stp[] = { 0x42, 0x42, 0x03, 0, 0, 0, 0, 0,
				       0, 0, 0, 0, 0, 0, 0, 0 };
	struct frame f;
	struct dec d;
	int i;

	frame_init(&f);
	build_snap_ipv4(&f);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, a4, b4, 14 + 8 + 20);
	dec_free(&d);

	/* 802.2 LLC without SNAP (spanning tree): no Ethernet type, not IP */
	frame_init(&f);
	put_eth(&f, sizeof(stp));
	put_bytes(&f, stp, sizeof(stp));
	put_fill(&f, 0, 60 - f.len);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_not_ip(&d);
	dec_free(&d);

	/* LLC that is not SNAP UI (one of the three bytes differs), even
	 * with 08 00 where the SNAP type would be */
	for (i = 0; i < 3; i++) {
		uint8_t llc[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };

		llc[i] = i == 2 ? 0xf3 : 0x42;
		frame_init(&f);
		put_eth(&f, 0);
		put_bytes(&f, llc, sizeof(llc));
		put_ipv4_std(&f, a4, b4);
		set16(&f, 12, (uint16_t)(f.len - 14));
		dec_frame(&d, LT_ETHERNET, &f);
		assert_not_ip(&d);
		dec_free(&d);
	}

	/* SNAP with a non-IP type (ARP) */
	frame_init(&f);
	put_eth(&f, 36);
	put8(&f, 0xaa);
	put8(&f, 0xaa);
	put8(&f, 0x03);
	put_fill(&f, 0, 3);
	put16(&f, ETH_ARP);
	put_fill(&f, 0, 28);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_not_ip(&d);
	dec_free(&d);
}
END_TEST

START_TEST(test_link_mpls)
{
	struct frame f;
	struct dec d;
	int i;

	frame_init(&f);
	build_mpls_ipv4(&f);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, a4, b4, 14 + 8 + 20);
	dec_free(&d);

	/* multicast MPLS, one label, IPv6 below */
	frame_init(&f);
	put_eth(&f, ETH_MPLS_MC);
	put_mpls(&f, 16, true);
	put_ipv6_std(&f, a6, b6);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 6, a6, b6, 14 + 4 + 40);
	dec_free(&d);

	/* MPLS under a VLAN tag */
	frame_init(&f);
	put_eth(&f, ETH_VLAN);
	put_vlan(&f, 7, ETH_MPLS);
	put_mpls(&f, 100, false);
	put_mpls(&f, 200, false);
	put_mpls(&f, 300, true);
	put_ipv4_std(&f, a4, b4);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, a4, b4, 14 + 4 + 12 + 20);
	dec_free(&d);

	/* a pseudowire control word (first nibble 0) is not IP */
	frame_init(&f);
	put_eth(&f, ETH_MPLS);
	put_mpls(&f, 100, true);
	put32(&f, 0);
	put_eth(&f, ETH_IPV4);
	put_ipv4_std(&f, a4, b4);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_not_ip(&d);
	dec_free(&d);

	/* no bottom of stack in 40 labels */
	frame_init(&f);
	put_eth(&f, ETH_MPLS);
	for (i = 0; i < 40; i++)
		put_mpls(&f, (uint32_t)i, false);
	put_ipv4_std(&f, a4, b4);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(d.pkt.ip_version, 0);
	dec_free(&d);
}
END_TEST

START_TEST(test_link_pppoe)
{
	struct frame f;
	struct dec d;
	size_t at;

	frame_init(&f);
	build_pppoe_ipv4(&f);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, a4, b4, 14 + 6 + 2 + 20);
	dec_free(&d);

	frame_init(&f);
	put_eth(&f, ETH_PPPOE);
	at = pppoe_begin(&f, 0);
	put16(&f, 0x0057);
	put_ipv6_std(&f, a6, b6);
	pppoe_end(&f, at);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 6, a6, b6, 14 + 6 + 2 + 40);
	dec_free(&d);

	/* session data carrying LCP */
	frame_init(&f);
	put_eth(&f, ETH_PPPOE);
	at = pppoe_begin(&f, 0);
	put16(&f, 0xc021);
	put_fill(&f, 0x01, 20);
	pppoe_end(&f, at);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_not_ip(&d);
	dec_free(&d);

	/* a non-zero code in the session type (not session data) */
	frame_init(&f);
	put_eth(&f, ETH_PPPOE);
	at = pppoe_begin(&f, 0x09);
	put16(&f, 0x0021);
	put_ipv4_std(&f, a4, b4);
	pppoe_end(&f, at);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_not_ip(&d);
	dec_free(&d);

	/* the discovery stage (PADI) */
	frame_init(&f);
	put_eth(&f, ETH_PPPOE_DISC);
	at = pppoe_begin(&f, 0x09);
	put_fill(&f, 0, 20);
	pppoe_end(&f, at);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_not_ip(&d);
	dec_free(&d);
}
END_TEST

START_TEST(test_link_sll)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_sll_ipv4(&f);
	dec_frame(&d, LT_LINUX_SLL, &f);
	assert_std_frame(&d, 4, a4, b4, 16 + 20);
	dec_free(&d);

	frame_init(&f);
	put_sll(&f, ETH_IPV6);
	put_ipv6_std(&f, a6, b6);
	dec_frame(&d, LT_LINUX_SLL, &f);
	assert_std_frame(&d, 6, a6, b6, 16 + 40);
	dec_free(&d);

	/* the same bytes as SLL2 put the type elsewhere: not IP */
	dec_frame(&d, LT_LINUX_SLL2, &f);
	assert_not_ip(&d);
	dec_free(&d);

	/* VLAN tag kept in the cooked header's payload */
	frame_init(&f);
	put_sll(&f, ETH_VLAN);
	put_vlan(&f, 5, ETH_IPV4);
	put_ipv4_std(&f, a4, b4);
	dec_frame(&d, LT_LINUX_SLL, &f);
	assert_std_frame(&d, 4, a4, b4, 16 + 4 + 20);
	dec_free(&d);

	frame_init(&f);
	put_sll(&f, ETH_ARP);
	put_fill(&f, 0, 28);
	dec_frame(&d, LT_LINUX_SLL, &f);
	assert_not_ip(&d);
	dec_free(&d);
}
END_TEST

START_TEST(test_link_sll2)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_sll2_ipv6(&f);
	dec_frame(&d, LT_LINUX_SLL2, &f);
	assert_std_frame(&d, 6, a6, b6, 20 + 40);
	dec_free(&d);

	frame_init(&f);
	put_sll2(&f, ETH_IPV4);
	put_ipv4_std(&f, a4, b4);
	dec_frame(&d, LT_LINUX_SLL2, &f);
	assert_std_frame(&d, 4, a4, b4, 20 + 20);
	dec_free(&d);

	frame_init(&f);
	put_sll2(&f, ETH_ARP);
	put_fill(&f, 0, 28);
	dec_frame(&d, LT_LINUX_SLL2, &f);
	assert_not_ip(&d);
	dec_free(&d);
}
END_TEST

/* raw IP: LINKTYPE_RAW, DLT_RAW 12 and 14, LINKTYPE_IPV4/IPV6 */
START_TEST(test_link_raw)
{
	static const int types[] = { LT_RAW, 12, 14, 228, 229 };
	struct frame f;
	struct dec d;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(types); i++) {
		frame_init(&f);
		put_ipv4_std(&f, a4, b4);
		dec_frame(&d, types[i], &f);
		assert_std_frame(&d, 4, a4, b4, 20);
		dec_free(&d);

		frame_init(&f);
		put_ipv6_std(&f, a6, b6);
		dec_frame(&d, types[i], &f);
		assert_std_frame(&d, 6, a6, b6, 40);
		dec_free(&d);
	}
}
END_TEST

/* BSD loopback: the family in host order (NULL: both byte orders are
 * seen, a capture may come from either) or network order (LOOP). */
static const struct {
	int linktype;
	uint8_t af[4];
	uint8_t version; /* 0: not IP */
} null_cases[] = {
	{ LT_NULL, { 2, 0, 0, 0 }, 4 },   /* AF_INET, little-endian host */
	{ LT_NULL, { 0, 0, 0, 2 }, 4 },   /* AF_INET, big-endian host */
	{ LT_NULL, { 10, 0, 0, 0 }, 6 },  /* AF_INET6, Linux */
	{ LT_NULL, { 24, 0, 0, 0 }, 6 },  /* NetBSD, OpenBSD */
	{ LT_NULL, { 28, 0, 0, 0 }, 6 },  /* FreeBSD */
	{ LT_NULL, { 30, 0, 0, 0 }, 6 },  /* macOS */
	{ LT_NULL, { 0, 0, 0, 24 }, 6 },
	{ LT_NULL, { 0, 0, 0, 28 }, 6 },
	{ LT_NULL, { 0, 0, 0, 30 }, 6 },
	{ LT_NULL, { 7, 0, 0, 0 }, 0 },   /* some other family */
	{ LT_NULL, { 0, 0, 0, 0 }, 0 },
	{ LT_LOOP, { 0, 0, 0, 2 }, 4 },
	{ LT_LOOP, { 0, 0, 0, 24 }, 6 },
	{ LT_LOOP, { 0, 0, 0, 28 }, 6 },
	{ LT_LOOP, { 0, 0, 0, 30 }, 6 },
	{ LT_LOOP, { 2, 0, 0, 0 }, 0 },   /* LOOP is network order only */
	{ LT_LOOP, { 30, 0, 0, 0 }, 0 },
};

START_TEST(test_link_null_loop)
{
	struct frame f;
	struct dec d;
	bool v6 = null_cases[_i].version == 6;

	frame_init(&f);
	put_bytes(&f, null_cases[_i].af, 4);
	if (v6)
		put_ipv6_std(&f, a6, b6);
	else
		put_ipv4_std(&f, a4, b4);
	dec_frame(&d, null_cases[_i].linktype, &f);
	if (null_cases[_i].version == 0)
		assert_not_ip(&d);
	else if (v6)
		assert_std_frame(&d, 6, a6, b6, 4 + 40);
	else
		assert_std_frame(&d, 4, a4, b4, 4 + 20);
	dec_free(&d);
}
END_TEST

/* PPP: HDLC address/control present or not, 2-byte or compressed
 * 1-byte protocol field */
static const struct {
	int linktype;
	uint8_t hdr[4];
	uint8_t hdr_len;
	uint8_t version; /* 0: not IP (payload is an IPv4 packet anyway) */
} ppp_cases[] = {
	{ LT_PPP, { 0xff, 0x03, 0x00, 0x21 }, 4, 4 },
	{ LT_PPP, { 0x00, 0x21 }, 2, 4 },
	{ LT_PPP, { 0x21 }, 1, 4 },
	{ LT_PPP, { 0xff, 0x03, 0x21 }, 3, 4 },
	{ LT_PPP, { 0xff, 0x03, 0x00, 0x57 }, 4, 6 },
	{ LT_PPP, { 0x00, 0x57 }, 2, 6 },
	{ LT_PPP, { 0x57 }, 1, 6 },
	{ LT_PPP_HDLC, { 0xff, 0x03, 0x00, 0x21 }, 4, 4 },
	{ LT_PPP_HDLC, { 0xff, 0x03, 0x00, 0x57 }, 4, 6 },
	{ LT_PPP, { 0xff, 0x03, 0xc0, 0x21 }, 4, 0 }, /* LCP */
	{ LT_PPP, { 0x80, 0x21 }, 2, 0 },             /* IPCP */
	{ LT_PPP, { 0x23 }, 1, 0 },
};

START_TEST(test_link_ppp)
{
	struct frame f;
	struct dec d;
	size_t hl = ppp_cases[_i].hdr_len;

	frame_init(&f);
	put_bytes(&f, ppp_cases[_i].hdr, hl);
	if (ppp_cases[_i].version == 6)
		put_ipv6_std(&f, a6, b6);
	else
		put_ipv4_std(&f, a4, b4);
	dec_frame(&d, ppp_cases[_i].linktype, &f);
	if (ppp_cases[_i].version == 0)
		assert_not_ip(&d);
	else if (ppp_cases[_i].version == 6)
		assert_std_frame(&d, 6, a6, b6, hl + 40);
	else
		assert_std_frame(&d, 4, a4, b4, hl + 20);
	dec_free(&d);
}
END_TEST

START_TEST(test_link_ppp_ether)
{
	struct frame f;
	struct dec d;
	size_t at;

	frame_init(&f);
	build_ppp_ether_ipv4(&f);
	dec_frame(&d, LT_PPP_ETHER, &f);
	assert_std_frame(&d, 4, a4, b4, 6 + 2 + 20);
	dec_free(&d);

	frame_init(&f);
	at = pppoe_begin(&f, 0);
	put16(&f, 0x0057);
	put_ipv6_std(&f, a6, b6);
	pppoe_end(&f, at);
	dec_frame(&d, LT_PPP_ETHER, &f);
	assert_std_frame(&d, 6, a6, b6, 6 + 2 + 40);
	dec_free(&d);
}
END_TEST

START_TEST(test_link_unsupported)
{
	static const int types[] = { 147, 105, 127, 192, 263, -1, 100000 };
	struct frame f;
	struct dec d;
	size_t i;

	frame_init(&f);
	build_eth_ipv4(&f);
	for (i = 0; i < G_N_ELEMENTS(types); i++) {
		ck_assert_int_eq(dec_frame(&d, types[i], &f),
				 MPF_ERR_UNSUPPORTED);
		ck_assert_uint_eq(d.pkt.ip_version, 0);
		ck_assert(!d.pkt.has_ports);
		ck_assert(!mpf__linktype_supported(types[i]));
		dec_free(&d);
	}
}
END_TEST

/* The supported list and the decoder agree on every link type: an empty
 * frame is MALFORMED for a known type, UNSUPPORTED for any other. */
START_TEST(test_linktype_supported_matches)
{
	struct dec d;
	int lt;

	for (lt = -2; lt < 400; lt++) {
		bool known = mpf__linktype_supported(lt);

		ck_assert(known == mpf_linktype_is_supported(lt));
		dec_run(&d, lt, NULL, 0, 0);
		ck_assert_msg(d.status == (known ? MPF_ERR_MALFORMED
						 : MPF_ERR_UNSUPPORTED),
			      "linktype %d: %s", lt, mpf_status_name(d.status));
		dec_free(&d);
	}
	ck_assert(mpf__linktype_supported(LT_ETHERNET));
	ck_assert(mpf__linktype_supported(LT_LINUX_SLL2));
	ck_assert(mpf__linktype_supported(228));
}
END_TEST

START_TEST(test_link_not_ip)
{
	static const uint16_t types[] = { ETH_ARP, ETH_LLDP, 0x88e5, 0x0842 };
	struct frame f;
	struct dec d;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(types); i++) {
		frame_init(&f);
		put_eth(&f, types[i]);
		put16(&f, 1); /* ARP: Ethernet, IPv4, request */
		put16(&f, ETH_IPV4);
		put8(&f, 6);
		put8(&f, 4);
		put16(&f, 1);
		put_fill(&f, 0x45, 20);
		put_fill(&f, 0, 60 - f.len);
		dec_frame(&d, LT_ETHERNET, &f);
		assert_not_ip(&d);
		ck_assert_uint_eq(d.pkt.tunnels, 0);
		ck_assert(!d.pkt.fragment);
		dec_free(&d);
	}
}
END_TEST

/* ----------------------------------------------------------------- IPv4 */

/* IHL 6..15: the options are skipped to reach TCP */
START_TEST(test_ipv4_options)
{
	unsigned int ihl = (unsigned int)_i;
	size_t hlen = ihl * 4, ip;
	struct frame f;
	struct dec d;

	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 6, a4, b4);
	f.b[ip] = (uint8_t)(0x40 | ihl);
	put_fill(&f, 1, hlen - 21); /* NOPs */
	put8(&f, 0);                /* EOL */
	put_std_tcp(&f);
	ipv4_end(&f, ip);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, a4, b4, 14 + hlen);
	dec_free(&d);

	/* options cut by the capture: the addresses are known */
	dec_run(&d, LT_ETHERNET, f.b, 14 + hlen - 1, f.len);
	ck_assert_int_eq(d.status, MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(d.pkt.ip_version, 4);
	assert_addr(&d.pkt.src, 4, a4);
	assert_addr(&d.pkt.dst, 4, b4);
	ck_assert(!d.pkt.has_ports);
	dec_free(&d);

	/* options longer than the whole packet */
	set16(&f, ip + 2, (uint16_t)(hlen - 4));
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert(!d.pkt.has_ports);
	dec_free(&d);
}
END_TEST

START_TEST(test_ipv4_ihl_too_small)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_eth_ipv4(&f);
	f.b[14] = (uint8_t)(0x40 | _i);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	/* the fixed header was there: its fields are reported */
	ck_assert_uint_eq(d.pkt.ip_version, 4);
	ck_assert_uint_eq(d.pkt.ip_proto, 6);
	assert_addr(&d.pkt.src, 4, a4);
	assert_addr(&d.pkt.dst, 4, b4);
	ck_assert(!d.pkt.has_ports);
	ck_assert(!d.pkt.has_tcp);
	dec_free(&d);
}
END_TEST

static const struct {
	uint8_t ihl;
	uint16_t total;
} short_total_cases[] = {
	{ 5, 1 }, { 5, 19 }, { 6, 20 }, { 6, 23 }, { 15, 59 },
};

START_TEST(test_ipv4_total_below_header)
{
	struct frame f;
	struct dec d;
	size_t ip;

	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 6, a4, b4);
	f.b[ip] = (uint8_t)(0x40 | short_total_cases[_i].ihl);
	put_fill(&f, 1, (short_total_cases[_i].ihl - 5u) * 4);
	put_std_tcp(&f);
	set16(&f, ip + 2, short_total_cases[_i].total);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(d.pkt.ip_version, 4);
	ck_assert(!d.pkt.has_ports);
	ck_assert(!d.pkt.has_tcp);
	dec_free(&d);
}
END_TEST

/* The header claims more than the frame had: MALFORMED, and the TCP
 * segment is read from what the frame holds. */
START_TEST(test_ipv4_total_beyond_wire)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_eth_ipv4(&f);
	set16(&f, 14 + 2, (uint16_t)(f.len - 14 + 100));
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(d.pkt.ip_version, 4);
	assert_addr(&d.pkt.src, 4, a4);
	assert_std_tcp(&d, STD_PAYLOAD, STD_PAYLOAD);
	dec_free(&d);

	/* and cut by the capture too: the first error found is kept */
	dec_run(&d, LT_ETHERNET, f.b, 14 + 20 + 30, f.len);
	ck_assert_int_eq(d.status, MPF_ERR_MALFORMED);
	ck_assert(d.pkt.has_tcp);
	ck_assert_uint_eq(d.pkt.n_opts, 3);
	dec_free(&d);
}
END_TEST

/* Total length 0 (segmentation offload): the frame gives the length. */
START_TEST(test_ipv4_total_zero)
{
	struct frame f;
	struct dec d;
	size_t ip;

	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 6, a4, b4);
	put_tcp(&f, SPORT, DPORT, STD_FLAGS, std_opts, sizeof(std_opts), 1000);
	ipv4_end(&f, ip);
	set16(&f, ip + 2, 0);
	dec_frame(&d, LT_ETHERNET, &f);
	ck_assert_int_eq(d.status, MPF_OK);
	assert_std_tcp(&d, 1000, 1000);
	dec_free(&d);

	/* with a snapshot length */
	dec_run(&d, LT_ETHERNET, f.b, 200, f.len);
	ck_assert_int_eq(d.status, MPF_OK);
	assert_std_tcp(&d, 1000, 200 - 74);
	dec_free(&d);

	/* larger than an IP length can say (IPv4 BIG TCP, GRO) */
	dec_run(&d, LT_ETHERNET, f.b, 200, 70000);
	ck_assert_int_eq(d.status, MPF_OK);
	assert_std_tcp(&d, 70000 - 74, 200 - 74);
	dec_free(&d);
}
END_TEST

/* Ethernet pads short frames to 60 bytes: the IP length decides. */
START_TEST(test_ipv4_ethernet_padding)
{
	struct frame f;
	struct dec d;
	size_t ip;

	frame_init(&f);
	build_eth_ipv4_padded(&f);
	ck_assert_uint_eq(f.len, 60);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert(d.pkt.has_tcp);
	ck_assert_uint_eq(d.pkt.tcp_hlen, 20);
	ck_assert_uint_eq(d.pkt.n_opts, 0);
	ck_assert_uint_eq(d.pkt.l4_len, 20);
	ck_assert_uint_eq(d.pkt.l4_cap, 20);
	ck_assert_uint_eq(d.pkt.payload_len, 0);
	ck_assert_uint_eq(d.pkt.payload_cap, 0);
	dec_free(&d);

	/* two payload bytes and four of padding */
	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 6, a4, b4);
	put_tcp(&f, SPORT, DPORT, STD_FLAGS, NULL, 0, 2);
	ipv4_end(&f, ip);
	put_fill(&f, 0xee, 4);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.payload_len, 2);
	ck_assert_uint_eq(d.pkt.payload_cap, 2);
	ck_assert_ptr_eq(d.pkt.payload, d.copy + 54);
	dec_free(&d);
}
END_TEST

static const uint16_t first_frag_fields[] = { 0x2000, 0x6000, 0x0000 };

/* The first fragment (offset 0, MF or not) has the TCP header. */
START_TEST(test_ipv4_first_fragment)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_eth_ipv4(&f);
	set16(&f, 14 + 6, first_frag_fields[_i]);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, a4, b4, 34);
	dec_free(&d);
}
END_TEST

static const uint16_t later_frag_fields[] = { 0x20b9, 0x00b9, 0x0001, 0x3fff,
					      0x1fff };

START_TEST(test_ipv4_fragment)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_eth_ipv4(&f);
	set16(&f, 14 + 6, later_frag_fields[_i]);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_FRAGMENT);
	ck_assert(d.pkt.fragment);
	ck_assert_uint_eq(d.pkt.ip_version, 4);
	ck_assert_uint_eq(d.pkt.ip_proto, 6);
	assert_addr(&d.pkt.src, 4, a4);
	assert_addr(&d.pkt.dst, 4, b4);
	/* the bytes after the header are not a TCP header */
	ck_assert(!d.pkt.has_ports);
	ck_assert(!d.pkt.has_tcp);
	dec_free(&d);

	/* a fragment that is also malformed reports the error */
	set16(&f, 14 + 2, 1400);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert(d.pkt.fragment);
	dec_free(&d);
}
END_TEST

START_TEST(test_ipv4_other_proto)
{
	struct frame f;
	struct dec d;
	size_t ip;

	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 1, a4, b4); /* ICMP */
	put_fill(&f, 8, 12);
	ipv4_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.ip_version, 4);
	ck_assert_uint_eq(d.pkt.ip_proto, 1);
	ck_assert(!d.pkt.has_ports);
	ck_assert_ptr_eq(d.pkt.l4, d.copy + 34);
	ck_assert_uint_eq(d.pkt.l4_len, 12);
	dec_free(&d);
}
END_TEST

/* mpf__decode_ip() on its own; a version that is neither 4 nor 6 */
START_TEST(test_decode_ip_direct)
{
	struct mpf_pkt pkt;
	struct frame f;
	struct dec d;

	frame_init(&f);
	put_ipv4_std(&f, a4, b4);
	memset(&pkt, 0, sizeof(pkt));
	ck_assert_int_eq(mpf__decode_ip(&pkt, f.b, f.len, f.len), MPF_OK);
	ck_assert_uint_eq(pkt.ip_version, 4);
	ck_assert_uint_eq(pkt.sport, SPORT);
	ck_assert_uint_eq(pkt.n_opts, 4);

	memset(&pkt, 0, sizeof(pkt));
	ck_assert_int_eq(mpf__decode_ip(&pkt, f.b, 10, f.len),
			 MPF_ERR_TRUNCATED);
	memset(&pkt, 0, sizeof(pkt));
	ck_assert_int_eq(mpf__decode_ip(&pkt, f.b, 10, 10), MPF_ERR_MALFORMED);
	memset(&pkt, 0, sizeof(pkt));
	ck_assert_int_eq(mpf__decode_ip(&pkt, NULL, 0, 0), MPF_ERR_MALFORMED);
	memset(&pkt, 0, sizeof(pkt));
	ck_assert_int_eq(mpf__decode_ip(&pkt, NULL, 0, 40), MPF_ERR_TRUNCATED);

	f.b[0] = 0x55;
	memset(&pkt, 0, sizeof(pkt));
	ck_assert_int_eq(mpf__decode_ip(&pkt, f.b, f.len, f.len),
			 MPF_ERR_MALFORMED);
	ck_assert_uint_eq(pkt.ip_version, 0);

	/* raw IP link with a bad version */
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(d.pkt.ip_version, 0);
	dec_free(&d);
}
END_TEST

/* ----------------------------------------------------------------- IPv6 */

START_TEST(test_ipv6_plain)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	put_ipv6_std(&f, a6, b6);
	dec_frame(&d, LT_RAW, &f);
	assert_std_frame(&d, 6, a6, b6, 40);
	ck_assert_uint_eq(d.pkt.src.family, 6);
	dec_free(&d);
}
END_TEST

static const struct {
	const char *name;
	uint8_t n;
	uint8_t type[5];
	uint8_t hl[5];
	size_t len; /* of all of them */
} ext6_cases[] = {
	{ "hop-by-hop", 1, { 0 }, { 0 }, 8 },
	{ "hop-by-hop, 32", 1, { 0 }, { 3 }, 32 },
	{ "routing", 1, { 43 }, { 2 }, 24 },
	{ "destination", 1, { 60 }, { 1 }, 16 },
	{ "AH, 16", 1, { 51 }, { 2 }, 16 },
	{ "AH, 24", 1, { 51 }, { 4 }, 24 },
	{ "fragment", 1, { 44 }, { 0 }, 8 },
	{ "mobility", 1, { 135 }, { 1 }, 16 },
	{ "HIP", 1, { 139 }, { 0 }, 8 },
	{ "shim6", 1, { 140 }, { 0 }, 8 },
	{ "hbh, routing, dst", 3, { 0, 43, 60 }, { 0, 0, 0 }, 24 },
	{ "hbh, routing, fragment, dst, AH", 5, { 0, 43, 44, 60, 51 },
	  { 1, 0, 0, 2, 4 }, 16 + 8 + 8 + 24 + 24 },
	{ "AH, dst", 2, { 51, 60 }, { 4, 0 }, 24 + 8 },
};

START_TEST(test_ipv6_ext_chain)
{
	struct frame f;
	struct dec d;
	size_t ip;
	int i, n = ext6_cases[_i].n;

	frame_init(&f);
	put_eth(&f, ETH_IPV6);
	ip = ipv6_begin(&f, ext6_cases[_i].type[0], a6, b6);
	for (i = 0; i < n; i++) {
		uint8_t next = i + 1 < n ? ext6_cases[_i].type[i + 1] : 6;

		if (ext6_cases[_i].type[i] == 44)
			put_frag6(&f, next, 0, true);
		else
			put_ext6(&f, ext6_cases[_i].type[i], next,
				 ext6_cases[_i].hl[i]);
	}
	ck_assert_uint_eq(f.len, 14 + 40 + ext6_cases[_i].len);
	put_std_tcp(&f);
	ipv6_end(&f, ip);
	dec_frame(&d, LT_ETHERNET, &f);
	ck_assert_msg(d.status == MPF_OK, "%s: %s", ext6_cases[_i].name,
		      mpf_status_name(d.status));
	assert_std_frame(&d, 6, a6, b6, 14 + 40 + ext6_cases[_i].len);
	dec_free(&d);
}
END_TEST

static const uint16_t later_frag6_offsets[] = { 1, 185, 8191 };

START_TEST(test_ipv6_fragment)
{
	struct frame f;
	struct dec d;
	size_t ip;
	int more;

	for (more = 0; more < 2; more++) {
		frame_init(&f);
		ip = ipv6_begin(&f, 0, a6, b6);
		put_ext6(&f, 0, 44, 0);
		put_frag6(&f, 6, later_frag6_offsets[_i], more);
		put_std_tcp(&f);
		ipv6_end(&f, ip);
		ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_FRAGMENT);
		ck_assert(d.pkt.fragment);
		ck_assert_uint_eq(d.pkt.ip_version, 6);
		ck_assert_uint_eq(d.pkt.ip_proto, 6);
		assert_addr(&d.pkt.src, 6, a6);
		assert_addr(&d.pkt.dst, 6, b6);
		ck_assert(!d.pkt.has_ports);
		ck_assert(!d.pkt.has_tcp);
		dec_free(&d);
	}
}
END_TEST

/* Offset 0 is analysed, with M set (first fragment) or not (an atomic
 * fragment, RFC 6946). */
START_TEST(test_ipv6_first_fragment)
{
	struct frame f;
	struct dec d;
	size_t ip;
	int more;

	for (more = 0; more < 2; more++) {
		frame_init(&f);
		ip = ipv6_begin(&f, 44, a6, b6);
		put_frag6(&f, 6, 0, more);
		put_std_tcp(&f);
		ipv6_end(&f, ip);
		dec_frame(&d, LT_RAW, &f);
		assert_std_frame(&d, 6, a6, b6, 48);
		dec_free(&d);
	}
}
END_TEST

/* An extension header that runs past the payload length is MALFORMED;
 * one cut by the capture is TRUNCATED. */
START_TEST(test_ipv6_ext_bad)
{
	struct frame f;
	struct dec d;
	size_t ip;

	/* hop-by-hop of 24 bytes in a payload length of 16 */
	frame_init(&f);
	ip = ipv6_begin(&f, 0, a6, b6);
	put_ext6(&f, 0, 6, 2);
	put_std_tcp(&f);
	ipv6_end(&f, ip);
	set16(&f, ip + 4, 16);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(d.pkt.ip_version, 6);
	assert_addr(&d.pkt.src, 6, a6);
	ck_assert(!d.pkt.has_ports);
	dec_free(&d);

	/* no room even for next header and length */
	set16(&f, ip + 4, 1);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	dec_free(&d);

	/* a fragment header cut by the payload length */
	frame_init(&f);
	ip = ipv6_begin(&f, 44, a6, b6);
	put_frag6(&f, 6, 0, false);
	put_std_tcp(&f);
	ipv6_end(&f, ip);
	set16(&f, ip + 4, 6);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	ck_assert(!d.pkt.fragment);
	dec_free(&d);

	/* AH whose 4-octet length runs past the packet */
	frame_init(&f);
	ip = ipv6_begin(&f, 51, a6, b6);
	put_ext6(&f, 51, 6, 4);
	ipv6_end(&f, ip);
	set16(&f, ip + 4, 20);
	put_fill(&f, 0, 20);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	dec_free(&d);
}
END_TEST

START_TEST(test_ipv6_ext_truncated)
{
	struct frame f;
	struct dec d;
	size_t ip, k;

	frame_init(&f);
	ip = ipv6_begin(&f, 0, a6, b6);
	put_ext6(&f, 0, 44, 2);
	put_frag6(&f, 6, 0, true);
	put_std_tcp(&f);
	ipv6_end(&f, ip);
	/* cut anywhere in the two extension headers */
	for (k = 40; k < 40 + 24 + 8; k++) {
		dec_run(&d, LT_RAW, f.b, k, f.len);
		ck_assert_int_eq(d.status, MPF_ERR_TRUNCATED);
		ck_assert_uint_eq(d.pkt.ip_version, 6);
		assert_addr(&d.pkt.dst, 6, b6);
		ck_assert(!d.pkt.fragment);
		ck_assert(!d.pkt.has_ports);
		dec_free(&d);
	}
}
END_TEST

/* ESP: the transport is encrypted, decoding stops there. */
START_TEST(test_ipv6_esp)
{
	struct frame f;
	struct dec d;
	size_t ip;

	frame_init(&f);
	ip = ipv6_begin(&f, 50, a6, b6);
	put32(&f, 0x1000); /* SPI */
	put32(&f, 1);
	put_fill(&f, 0x99, 24);
	ipv6_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.ip_version, 6);
	ck_assert_uint_eq(d.pkt.ip_proto, 50);
	ck_assert(!d.pkt.has_ports);
	ck_assert(!d.pkt.has_tcp);
	ck_assert_ptr_eq(d.pkt.l4, d.copy + 40);
	ck_assert_uint_eq(d.pkt.l4_len, 32);
	dec_free(&d);

	/* after AH */
	frame_init(&f);
	ip = ipv6_begin(&f, 51, a6, b6);
	put_ext6(&f, 51, 50, 4);
	put_fill(&f, 0x99, 32);
	ipv6_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.ip_proto, 50);
	ck_assert_ptr_eq(d.pkt.l4, d.copy + 64);
	ck_assert(!d.pkt.has_ports);
	dec_free(&d);

	/* no next header */
	frame_init(&f);
	ip = ipv6_begin(&f, 59, a6, b6);
	ipv6_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.ip_proto, 59);
	ck_assert_uint_eq(d.pkt.l4_len, 0);
	dec_free(&d);
}
END_TEST

/* Payload length 0: a jumbogram (RFC 2675) or offload; the frame gives the
 * length. */
START_TEST(test_ipv6_jumbo)
{
	static const uint8_t jumbo_opt[6] = { 0xc2, 4, 0, 0, 0, 0 };
	struct frame f;
	struct dec d;

	/* payload length left 0 */
	frame_init(&f);
	put_eth(&f, ETH_IPV6);
	ipv6_begin(&f, 0, a6, b6);
	put8(&f, 6);
	put8(&f, 0);
	put_bytes(&f, jumbo_opt, sizeof(jumbo_opt));
	put_tcp(&f, SPORT, DPORT, STD_FLAGS, std_opts, sizeof(std_opts), 300);
	dec_frame(&d, LT_ETHERNET, &f);
	ck_assert_int_eq(d.status, MPF_OK);
	ck_assert_ptr_eq(d.pkt.l4, d.copy + 14 + 48);
	assert_std_tcp(&d, 300, 300);
	dec_free(&d);

	/* a wire length beyond 64 KiB */
	dec_run(&d, LT_ETHERNET, f.b, f.len, 100000);
	ck_assert_int_eq(d.status, MPF_OK);
	assert_std_tcp(&d, 100000 - 14 - 48 - 40, 300);
	dec_free(&d);

	/* no extension header (offload) */
	frame_init(&f);
	ipv6_begin(&f, 6, a6, b6);
	put_tcp(&f, SPORT, DPORT, STD_FLAGS, std_opts, sizeof(std_opts), 7);
	dec_frame(&d, LT_RAW, &f);
	ck_assert_int_eq(d.status, MPF_OK);
	assert_std_tcp(&d, 7, 7);
	dec_free(&d);

	/* nothing after the header: TCP is missing */
	ck_assert_int_eq(dec_run(&d, LT_RAW, f.b, 40, 40), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(d.pkt.ip_version, 6);
	ck_assert(!d.pkt.has_ports);
	dec_free(&d);
}
END_TEST

START_TEST(test_ipv6_plen_beyond_wire)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_eth_ipv6(&f);
	set16(&f, 14 + 4, 1000);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(d.pkt.ip_version, 6);
	assert_std_tcp(&d, STD_PAYLOAD, STD_PAYLOAD);
	dec_free(&d);

	/* shorter than the frame: the rest is link padding */
	frame_init(&f);
	build_eth_ipv6(&f);
	set16(&f, 14 + 4, 40 + 2);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	assert_std_tcp(&d, 2, 2);
	dec_free(&d);
}
END_TEST

/* ------------------------------------------------------------------ TCP */

START_TEST(test_tcp_header_fields)
{
	struct frame f;
	struct dec d;
	size_t ip;

	frame_init(&f);
	ip = ipv4_begin(&f, 6, a4, b4);
	put_tcp(&f, 1, 65535, MPF_TCP_SYN | MPF_TCP_ACK | 0xc0, NULL, 0, 0);
	ipv4_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.sport, 1);
	ck_assert_uint_eq(d.pkt.dport, 65535);
	ck_assert_uint_eq(d.pkt.tcp_flags, 0xc0 | MPF_TCP_SYN | MPF_TCP_ACK);
	ck_assert_uint_eq(d.pkt.tcp_hlen, 20);
	ck_assert_uint_eq(d.pkt.tcp_opts_len, 0);
	ck_assert_uint_eq(d.pkt.n_opts, 0);
	ck_assert(!d.pkt.has_ts);
	ck_assert_uint_eq(d.pkt.payload_len, 0);
	ck_assert_uint_eq(d.pkt.payload_cap, 0);
	dec_free(&d);

	f.b[20 + 13] = MPF_TCP_FIN | MPF_TCP_RST | MPF_TCP_PSH;
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.tcp_flags, 0x0d);
	dec_free(&d);
}
END_TEST

/* Data offset 0..4: below the fixed header */
START_TEST(test_tcp_doff_too_small)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_eth_ipv4(&f);
	f.b[34 + 12] = (uint8_t)(_i << 4);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert(d.pkt.has_ports);
	ck_assert_uint_eq(d.pkt.sport, SPORT);
	ck_assert(!d.pkt.has_tcp);
	ck_assert_uint_eq(d.pkt.n_opts, 0);
	dec_free(&d);
}
END_TEST

START_TEST(test_tcp_doff_beyond_segment)
{
	struct frame f;
	struct dec d;
	size_t ip;

	/* 60-byte header claimed, 24 bytes of segment */
	frame_init(&f);
	ip = ipv4_begin(&f, 6, a4, b4);
	put_tcp(&f, SPORT, DPORT, STD_FLAGS, (const uint8_t *)"\1\1\1\1", 4,
		0);
	ipv4_end(&f, ip);
	f.b[20 + 12] = 0xf0;
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	ck_assert(d.pkt.has_ports);
	ck_assert(!d.pkt.has_tcp);
	dec_free(&d);

	/* the std header (40 bytes) in a 39-byte segment */
	frame_init(&f);
	ip = ipv4_begin(&f, 6, a4, b4);
	put_std_tcp(&f);
	ipv4_end(&f, ip);
	set16(&f, 2, 20 + 39);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	ck_assert(!d.pkt.has_tcp);
	dec_free(&d);

	/* a segment shorter than the fixed header */
	set16(&f, 2, 20 + 12);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	ck_assert(d.pkt.has_ports);
	ck_assert_uint_eq(d.pkt.dport, DPORT);
	ck_assert(!d.pkt.has_tcp);
	dec_free(&d);
}
END_TEST

/* The capture stops inside the 20-byte fixed header; the ports are known
 * from 4 bytes on. */
START_TEST(test_tcp_fixed_header_cut)
{
	struct frame f;
	struct dec d;
	size_t k;

	frame_init(&f);
	build_eth_ipv4(&f);
	for (k = 0; k < 20; k++) {
		ck_assert_int_eq(dec_run(&d, LT_ETHERNET, f.b, 34 + k, f.len),
				 MPF_ERR_TRUNCATED);
		ck_assert_uint_eq(d.pkt.ip_version, 4);
		ck_assert_uint_eq(d.pkt.ip_proto, 6);
		ck_assert(d.pkt.has_ports == (k >= 4));
		if (k >= 4) {
			ck_assert_uint_eq(d.pkt.sport, SPORT);
			ck_assert_uint_eq(d.pkt.dport, DPORT);
		}
		ck_assert(!d.pkt.has_tcp);
		dec_free(&d);
	}
}
END_TEST

/* The capture stops inside the options: the options before the cut are
 * there, the cut one too when its length byte was captured. */
START_TEST(test_tcp_options_cut)
{
	static const uint8_t opts[28] = {
		2, 4, 0x05, 0xb4, 1, 1,
		30, 20, 0x20, 0x05, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
		13, 14, 15, 16, 1, 1,
	};
	struct frame f;
	struct dec d;
	size_t ip, l4 = 20;

	frame_init(&f);
	ip = ipv4_begin(&f, 6, a4, b4);
	put_tcp(&f, SPORT, DPORT, STD_FLAGS, opts, sizeof(opts), 100);
	ipv4_end(&f, ip);

	/* inside the MPTCP option */
	ck_assert_int_eq(dec_run(&d, LT_RAW, f.b, l4 + 20 + 14, f.len),
			 MPF_ERR_TRUNCATED);
	ck_assert(d.pkt.has_tcp);
	ck_assert_uint_eq(d.pkt.seq, SEQ);
	ck_assert_uint_eq(d.pkt.tcp_hlen, 48);
	ck_assert_uint_eq(d.pkt.tcp_opts_len, 28);
	ck_assert_uint_eq(d.pkt.tcp_opts_cap, 14);
	ck_assert_uint_eq(d.pkt.n_opts, 2);
	assert_opt(&d.pkt, 0, 2, 4, 0);
	assert_opt(&d.pkt, 1, 30, 20, 6);
	ck_assert_uint_eq(d.pkt.tcp_opts[6 + 2], 0x20); /* its head */
	ck_assert_uint_eq(d.pkt.payload_len, 100);
	ck_assert_uint_eq(d.pkt.payload_cap, 0);
	dec_free(&d);

	/* its kind captured, its length not */
	ck_assert_int_eq(dec_run(&d, LT_RAW, f.b, l4 + 20 + 7, f.len),
			 MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(d.pkt.n_opts, 1);
	dec_free(&d);

	/* right before it */
	ck_assert_int_eq(dec_run(&d, LT_RAW, f.b, l4 + 20 + 6, f.len),
			 MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(d.pkt.n_opts, 1);
	dec_free(&d);

	/* the options whole, the payload cut */
	ck_assert_int_eq(dec_run(&d, LT_RAW, f.b, l4 + 48 + 10, f.len),
			 MPF_OK);
	ck_assert_uint_eq(d.pkt.n_opts, 2);
	ck_assert_uint_eq(d.pkt.payload_len, 100);
	ck_assert_uint_eq(d.pkt.payload_cap, 10);
	dec_free(&d);
}
END_TEST

/* payload_len is what the wire had, payload_cap what was captured */
START_TEST(test_tcp_payload_snaplen)
{
	static const size_t snaplens[] = { 74, 75, 96, 1000, 1074 };
	struct frame f;
	struct dec d;
	size_t ip, i;

	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 6, a4, b4);
	put_tcp(&f, SPORT, DPORT, STD_FLAGS, std_opts, sizeof(std_opts), 1000);
	ipv4_end(&f, ip);
	for (i = 0; i < G_N_ELEMENTS(snaplens); i++) {
		dec_run(&d, LT_ETHERNET, f.b, snaplens[i], f.len);
		ck_assert_int_eq(d.status, MPF_OK);
		assert_std_tcp(&d, 1000, (uint32_t)(snaplens[i] - 74));
		ck_assert_uint_eq(d.pkt.l4_len, 1040);
		ck_assert_uint_eq(d.pkt.l4_cap, snaplens[i] - 34);
		if (d.pkt.payload_cap)
			ck_assert_ptr_eq(d.pkt.payload, d.copy + 74);
		dec_free(&d);
	}

	frame_init(&f);
	put_eth(&f, ETH_IPV6);
	ip = ipv6_begin(&f, 6, a6, b6);
	put_tcp(&f, SPORT, DPORT, STD_FLAGS, std_opts, sizeof(std_opts), 1000);
	ipv6_end(&f, ip);
	dec_run(&d, LT_ETHERNET, f.b, 128, f.len);
	ck_assert_int_eq(d.status, MPF_OK);
	assert_std_tcp(&d, 1000, 128 - 94);
	dec_free(&d);
}
END_TEST

/* Options of a full 40-byte option space, through a whole frame. */
START_TEST(test_tcp_options_frame)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_ipv6_routing_mptcp(&f);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert_ptr_eq(d.pkt.l4, d.copy + 14 + 40 + 24);
	ck_assert_uint_eq(d.pkt.tcp_hlen, 60);
	ck_assert_uint_eq(d.pkt.tcp_opts_len, 40);
	ck_assert_uint_eq(d.pkt.n_opts, 3);
	assert_opt(&d.pkt, 0, 19, 18, 0);
	assert_opt(&d.pkt, 1, 30, 8, 20);
	assert_opt(&d.pkt, 2, 5, 10, 28);
	ck_assert(!d.pkt.has_ts);
	ck_assert_uint_eq(d.pkt.payload_len, 3);
	dec_free(&d);

	/* an invalid option in a frame: MALFORMED, the others kept */
	f.b[14 + 40 + 24 + 20 + 28 + 1] = 11; /* SACK of 11 bytes: no */
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert(d.pkt.has_tcp);
	ck_assert_uint_eq(d.pkt.n_opts, 2);
	assert_opt(&d.pkt, 1, 30, 8, 20);
	ck_assert_uint_eq(d.pkt.payload_len, 3);
	dec_free(&d);
}
END_TEST

/* ------------------------------------------ mpf__decode_tcp_options() */

/* Decodes option bytes from an exactly-sized copy of @captured bytes. */
static int
decode_opts(struct mpf_pkt *pkt, const uint8_t *opts, size_t declared,
	    size_t captured)
{
	uint8_t *copy = g_malloc(captured);
	int st;

	if (captured)
		memcpy(copy, opts, captured);
	memset(pkt, 0, sizeof(*pkt));
	st = mpf__decode_tcp_options(pkt, copy, declared, captured);
	g_free(copy);
	return st;
}

static const struct {
	uint8_t kind, len;
	bool valid;
} optlen_cases[] = {
	{ 2, 4, true },   { 2, 2, false },  { 2, 3, false },  { 2, 5, false },
	{ 3, 3, true },   { 3, 2, false },  { 3, 4, false },
	{ 4, 2, true },   { 4, 3, false },  { 4, 4, false },
	{ 5, 10, true },  { 5, 18, true },  { 5, 26, true },  { 5, 34, true },
	{ 5, 2, false },  { 5, 8, false },  { 5, 9, false },  { 5, 11, false },
	{ 5, 17, false }, { 5, 33, false }, { 5, 35, false }, { 5, 42, false },
	{ 8, 10, true },  { 8, 2, false },  { 8, 9, false },  { 8, 11, false },
	{ 19, 18, true }, { 19, 2, false }, { 19, 17, false },
	{ 19, 19, false },
	{ 30, 3, true },  { 30, 4, true },  { 30, 12, true }, { 30, 24, true },
	{ 30, 36, true }, { 30, 2, false },
	{ 28, 4, true },  { 34, 2, true },  { 34, 10, true },
	{ 253, 2, true }, { 254, 6, true },
};

/* The length of each kind is checked; a bad one is skipped (MALFORMED)
 * and the options after it are still read. */
START_TEST(test_tcp_option_lengths)
{
	uint8_t kind = optlen_cases[_i].kind, len = optlen_cases[_i].len;
	uint8_t buf[64];
	struct mpf_pkt pkt;
	int st;

	memset(buf, 0x11, sizeof(buf));
	buf[0] = kind;
	buf[1] = len;
	buf[len] = 2; /* then an MSS */
	buf[len + 1] = 4;
	st = decode_opts(&pkt, buf, len + 4u, len + 4u);
	if (optlen_cases[_i].valid) {
		ck_assert_int_eq(st, MPF_OK);
		ck_assert_uint_eq(pkt.n_opts, 2);
		assert_opt(&pkt, 0, kind, len, 0);
		assert_opt(&pkt, 1, 2, 4, len);
		ck_assert(pkt.has_ts == (kind == 8));
		if (kind == 8) {
			ck_assert_uint_eq(pkt.ts_val, 0x11111111);
			ck_assert_uint_eq(pkt.ts_ecr, 0x11111111);
		}
	} else {
		ck_assert_int_eq(st, MPF_ERR_MALFORMED);
		ck_assert_uint_eq(pkt.n_opts, 1);
		assert_opt(&pkt, 0, 2, 4, len);
		ck_assert(!pkt.has_ts);
	}
}
END_TEST

START_TEST(test_tcp_options_eol)
{
	static const uint8_t after_mss[] = { 2, 4, 5, 0xb4, 0, 8, 0, 0xff };
	static const uint8_t first[] = { 0, 2, 4, 5, 0xb4, 1, 1, 1 };
	struct mpf_pkt pkt;

	/* what follows EOL is padding, even when it would be malformed */
	ck_assert_int_eq(decode_opts(&pkt, after_mss, 8, 8), MPF_OK);
	ck_assert_uint_eq(pkt.n_opts, 1);
	assert_opt(&pkt, 0, 2, 4, 0);

	ck_assert_int_eq(decode_opts(&pkt, first, 8, 8), MPF_OK);
	ck_assert_uint_eq(pkt.n_opts, 0);

	/* EOL captured, padding not: nothing more was needed */
	ck_assert_int_eq(decode_opts(&pkt, after_mss, 8, 5), MPF_OK);
	ck_assert_uint_eq(pkt.n_opts, 1);
}
END_TEST

START_TEST(test_tcp_options_nop)
{
	static const uint8_t opts[] = { 1, 1, 1, 3, 3, 7, 1, 1, 4, 2, 1, 1 };
	uint8_t nops[40];
	struct mpf_pkt pkt;

	ck_assert_int_eq(decode_opts(&pkt, opts, sizeof(opts), sizeof(opts)),
			 MPF_OK);
	ck_assert_uint_eq(pkt.n_opts, 2);
	assert_opt(&pkt, 0, 3, 3, 3);
	assert_opt(&pkt, 1, 4, 2, 8);

	memset(nops, 1, sizeof(nops));
	ck_assert_int_eq(decode_opts(&pkt, nops, 40, 40), MPF_OK);
	ck_assert_uint_eq(pkt.n_opts, 0);

	ck_assert_int_eq(decode_opts(&pkt, NULL, 0, 0), MPF_OK);
	ck_assert_uint_eq(pkt.n_opts, 0);
}
END_TEST

/* A length below 2 cannot be skipped: decoding stops (a window scale
 * option follows that would be found otherwise). */
START_TEST(test_tcp_option_len_below_2)
{
	uint8_t opts[12] = { 2, 4, 5, 0xb4, 0, 0, 3, 3, 7, 1, 1, 1 };
	struct mpf_pkt pkt;

	opts[4] = (uint8_t)(_i < 2 ? 254 : 2);
	opts[5] = (uint8_t)(_i % 2);
	ck_assert_int_eq(decode_opts(&pkt, opts, 12, 12), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(pkt.n_opts, 1);
	assert_opt(&pkt, 0, 2, 4, 0);
}
END_TEST

START_TEST(test_tcp_option_past_header)
{
	static const uint8_t ts_cut[12] = { 2, 4, 5, 0xb4, 8, 10, 0, 0,
					    0, 0, 0, 0 };
	static const uint8_t kind_last[4] = { 1, 1, 1, 2 };
	static const uint8_t len_255[8] = { 1, 1, 254, 255, 0, 0, 0, 0 };
	struct mpf_pkt pkt;

	/* timestamps of 10 bytes from offset 4 of 12 */
	ck_assert_int_eq(decode_opts(&pkt, ts_cut, 12, 12), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(pkt.n_opts, 1);
	ck_assert(!pkt.has_ts);

	/* a kind in the last byte: no room for its length */
	ck_assert_int_eq(decode_opts(&pkt, kind_last, 4, 4),
			 MPF_ERR_MALFORMED);
	ck_assert_uint_eq(pkt.n_opts, 0);
	/* that kind not captured: only the capture is known short */
	ck_assert_int_eq(decode_opts(&pkt, kind_last, 4, 3), MPF_ERR_TRUNCATED);

	ck_assert_int_eq(decode_opts(&pkt, len_255, 8, 8), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(pkt.n_opts, 0);
	/* running past the header is known before the capture ends */
	ck_assert_int_eq(decode_opts(&pkt, len_255, 8, 4), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(pkt.n_opts, 0);
}
END_TEST

/* Every cut of the std options: TRUNCATED, the options whose kind and
 * length were captured are there, the timestamps only when whole. */
START_TEST(test_tcp_options_captured)
{
	static const uint8_t offs[] = { 0, 5, 8, 10 };
	struct mpf_pkt pkt;
	size_t cap;
	int i, n;

	for (cap = 0; cap <= sizeof(std_opts); cap++) {
		int st = decode_opts(&pkt, std_opts, sizeof(std_opts), cap);
		bool whole = cap == sizeof(std_opts);

		ck_assert_int_eq(st, whole ? MPF_OK : MPF_ERR_TRUNCATED);
		for (i = 0, n = 0; i < 4; i++)
			if (offs[i] + 2u <= cap)
				n++;
		ck_assert_uint_eq(pkt.n_opts, n);
		for (i = 0; i < n; i++)
			ck_assert_uint_eq(pkt.opts[i].off, offs[i]);
		ck_assert(pkt.has_ts == whole);
	}
	/* captured beyond declared counts as declared */
	ck_assert_int_eq(decode_opts(&pkt, std_opts, 4, 20), MPF_OK);
	ck_assert_uint_eq(pkt.n_opts, 1);
}
END_TEST

/* A cut option is kept only when its length suits its kind. */
START_TEST(test_tcp_options_cut_invalid)
{
	static const uint8_t bad_mss[8] = { 1, 2, 6, 0, 0, 0, 0, 0 };
	static const uint8_t good_mptcp[12] = { 1, 30, 11, 0x20, 0, 0,
						0, 0, 0, 0, 0, 0 };
	struct mpf_pkt pkt;

	ck_assert_int_lt(decode_opts(&pkt, bad_mss, 8, 4), 0);
	ck_assert_uint_eq(pkt.n_opts, 0);

	ck_assert_int_eq(decode_opts(&pkt, good_mptcp, 12, 4),
			 MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(pkt.n_opts, 1);
	assert_opt(&pkt, 0, 30, 11, 1);
}
END_TEST

/* A malformed option before the cut: the first error found is kept, as
 * at every other layer (mpf__status_worst). */
START_TEST(test_tcp_options_malformed_then_cut)
{
	static const uint8_t opts[16] = { 2, 3, 0, 8, 10, 1, 2, 3,
					  4, 5, 6, 7, 8, 1, 1, 1 };
	struct mpf_pkt pkt;

	ck_assert_int_eq(decode_opts(&pkt, opts, 16, 16), MPF_ERR_MALFORMED);
	ck_assert(pkt.has_ts);
	ck_assert_int_eq(decode_opts(&pkt, opts, 16, 8), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(pkt.n_opts, 1);
	assert_opt(&pkt, 0, 8, 10, 3);
	ck_assert(!pkt.has_ts);
	ck_assert_int_eq(decode_opts(&pkt, opts, 16, 3), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(pkt.n_opts, 0);
}
END_TEST

START_TEST(test_tcp_options_reset)
{
	static const uint8_t sackp[40] = {
		4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2,
		4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2, 4, 2,
	};
	struct mpf_pkt pkt;
	int i;

	/* the previous result does not leak into the next */
	memset(&pkt, 0, sizeof(pkt));
	pkt.n_opts = 7;
	pkt.has_ts = true;
	ck_assert_int_eq(mpf__decode_tcp_options(&pkt, sackp, 0, 0), MPF_OK);
	ck_assert_uint_eq(pkt.n_opts, 0);
	ck_assert(!pkt.has_ts);

	/* twenty options of two bytes */
	ck_assert_int_eq(decode_opts(&pkt, sackp, 40, 40), MPF_OK);
	ck_assert_uint_eq(pkt.n_opts, 20);
	for (i = 0; i < 20; i++)
		assert_opt(&pkt, i, 4, 2, (uint8_t)(2 * i));
}
END_TEST

/* ---------------------------------------------------------- UDP, SCTP */

START_TEST(test_udp)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_udp(&f);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.ip_proto, 17);
	ck_assert(d.pkt.has_ports);
	ck_assert_uint_eq(d.pkt.sport, 5353);
	ck_assert_uint_eq(d.pkt.dport, 53);
	ck_assert(!d.pkt.has_tcp);
	ck_assert_uint_eq(d.pkt.payload_len, 9);
	ck_assert_uint_eq(d.pkt.payload_cap, 9);
	ck_assert_ptr_eq(d.pkt.payload, d.copy + 42);
	ck_assert_uint_eq(d.pkt.payload[0], 0x77);
	dec_free(&d);

	/* cut after the ports */
	ck_assert_int_eq(dec_run(&d, LT_ETHERNET, f.b, 34 + 6, f.len),
			 MPF_ERR_TRUNCATED);
	ck_assert(d.pkt.has_ports);
	ck_assert_uint_eq(d.pkt.dport, 53);
	dec_free(&d);

	/* an IP packet with room for 6 bytes of UDP header */
	set16(&f, 14 + 2, 20 + 6);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert(!d.pkt.has_ports);
	dec_free(&d);
}
END_TEST

/* A UDP port a backend claims (SCTP over UDP, RFC 6951) marks the packet
 * for that backend, either way round; a tunnel's port goes first. */
START_TEST(test_udp_owner)
{
	struct frame f;
	struct dec d;

	ck_assert_int_eq(mpf__backend_udp_owner(9899, 1), MPF_PROTO_SCTP);
	ck_assert_int_eq(mpf__backend_udp_owner(1, 9899), MPF_PROTO_SCTP);
	ck_assert_int_eq(mpf__backend_udp_owner(5353, 53), MPF_PROTO_NONE);

	frame_init(&f);
	build_udp(&f);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert_int_eq(d.pkt.udp_owner, MPF_PROTO_NONE);
	dec_free(&d);

	set16(&f, 34 + 2, 9899);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert_int_eq(d.pkt.udp_owner, MPF_PROTO_SCTP);
	ck_assert_ptr_eq(d.pkt.payload, d.copy + 42);
	dec_free(&d);

	set16(&f, 34, 9899);
	set16(&f, 34 + 2, 53);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert_int_eq(d.pkt.udp_owner, MPF_PROTO_SCTP);
	dec_free(&d);

	/* GTP-U's port wins; this payload is no G-PDU, so the outer packet
	 * stands, and no backend's */
	set16(&f, 34 + 2, 2152);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.tunnels, 0);
	ck_assert_int_eq(d.pkt.udp_owner, MPF_PROTO_NONE);
	dec_free(&d);

	/* the header cut: no owner */
	set16(&f, 34 + 2, 9899);
	ck_assert_int_eq(dec_run(&d, LT_ETHERNET, f.b, 34 + 6, f.len),
			 MPF_ERR_TRUNCATED);
	ck_assert_int_eq(d.pkt.udp_owner, MPF_PROTO_NONE);
	dec_free(&d);
}
END_TEST

START_TEST(test_sctp)
{
	struct frame f;
	struct dec d;

	frame_init(&f);
	build_sctp(&f);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.ip_proto, 132);
	ck_assert(d.pkt.has_ports);
	ck_assert_uint_eq(d.pkt.sport, 2905);
	ck_assert_uint_eq(d.pkt.dport, 36412);
	ck_assert(!d.pkt.has_tcp);
	ck_assert_uint_eq(d.pkt.payload_len, 16);
	ck_assert_ptr_eq(d.pkt.payload, d.copy + 32);
	dec_free(&d);

	ck_assert_int_eq(dec_run(&d, LT_RAW, f.b, 20 + 8, f.len),
			 MPF_ERR_TRUNCATED);
	ck_assert(d.pkt.has_ports);
	ck_assert_uint_eq(d.pkt.sport, 2905);
	dec_free(&d);

	set16(&f, 2, 20 + 8);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	dec_free(&d);
}
END_TEST

/* -------------------------------------------------------------- tunnels */

static const struct {
	uint8_t flags;
	uint8_t next;     /* extension type in the optional bytes */
	uint8_t units[2]; /* extension headers, 0: none */
	size_t hlen;      /* GTP-U header and extensions */
} gtpu_cases[] = {
	{ 0x30, 0, { 0, 0 }, 8 },       /* no optional field */
	{ 0x32, 0, { 0, 0 }, 12 },      /* S */
	{ 0x31, 0, { 0, 0 }, 12 },      /* PN */
	{ 0x34, 0, { 0, 0 }, 12 },      /* E, no extension after all */
	{ 0x34, 0x85, { 1, 0 }, 16 },   /* PDU session container */
	{ 0x36, 0x85, { 1, 2 }, 24 },   /* E, S, two extensions */
	{ 0x37, 0xc0, { 3, 0 }, 24 },
};

/* GTP-U G-PDU: the inner packet (IPv4 or IPv6) is analysed */
START_TEST(test_tunnel_gtpu)
{
	struct frame f;
	struct dec d;
	size_t ip, udp, gtp, inner_l4;
	bool v6 = _i % 2;
	int i;

	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 17, a4, b4);
	udp = udp_begin(&f, 2152, 2152);
	gtp = gtpu_begin(&f, gtpu_cases[_i].flags, 0xff, gtpu_cases[_i].next);
	for (i = 0; i < 2 && gtpu_cases[_i].units[i]; i++)
		put_gtpu_ext(&f, gtpu_cases[_i].units[i],
			     i == 0 && gtpu_cases[_i].units[1] ? 0xc0 : 0);
	ck_assert_uint_eq(f.len - gtp, gtpu_cases[_i].hlen);
	if (v6)
		put_ipv6_std(&f, in_a6, in_b6);
	else
		put_ipv4_std(&f, in_a4, in_b4);
	gtpu_end(&f, gtp);
	udp_end(&f, udp);
	ipv4_end(&f, ip);
	inner_l4 = 42 + gtpu_cases[_i].hlen + (v6 ? 40 : 20);
	dec_frame(&d, LT_ETHERNET, &f);
	if (v6)
		assert_std_frame(&d, 6, in_a6, in_b6, inner_l4);
	else
		assert_std_frame(&d, 4, in_a4, in_b4, inner_l4);
	ck_assert_uint_eq(d.pkt.tunnels, 1);
	dec_free(&d);

	/* either port is enough */
	set16(&f, udp + 2, 33333);
	dec_frame(&d, LT_ETHERNET, &f);
	ck_assert_int_eq(d.status, MPF_OK);
	ck_assert_uint_eq(d.pkt.tunnels, 1);
	ck_assert_uint_eq(d.pkt.sport, SPORT);
	dec_free(&d);
}
END_TEST

/* GTP-U that does not carry a user packet is left as the UDP packet. */
START_TEST(test_tunnel_gtpu_not_gpdu)
{
	static const uint8_t variants[][2] = {
		{ 0x32, 0x01 }, /* echo request */
		{ 0x30, 0x1a }, /* error indication */
		{ 0x10, 0xff }, /* version 0 */
		{ 0x48, 0xff }, /* version 2 (GTPv2-C layout) */
	};
	struct frame f;
	struct dec d;
	size_t ip, udp, gtp;

	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 17, a4, b4);
	udp = udp_begin(&f, 2152, 2152);
	gtp = gtpu_begin(&f, variants[_i][0], variants[_i][1], 0);
	put_ipv4_std(&f, in_a4, in_b4);
	gtpu_end(&f, gtp);
	udp_end(&f, udp);
	ipv4_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.tunnels, 0);
	ck_assert_uint_eq(d.pkt.ip_proto, 17);
	assert_addr(&d.pkt.src, 4, a4);
	ck_assert_uint_eq(d.pkt.dport, 2152);
	ck_assert_uint_eq(d.pkt.payload_len, f.len - 42);
	ck_assert(!d.pkt.has_tcp);
	dec_free(&d);
}
END_TEST

START_TEST(test_tunnel_gtpu_bad)
{
	struct frame f;
	struct dec d;
	size_t ip, udp, gtp;

	/* an extension header of length 0 */
	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 17, a4, b4);
	udp = udp_begin(&f, 2152, 2152);
	gtp = gtpu_begin(&f, 0x34, 0xff, 0x85);
	put8(&f, 0);
	put_fill(&f, 0, 3);
	put_ipv4_std(&f, in_a4, in_b4);
	gtpu_end(&f, gtp);
	udp_end(&f, udp);
	ipv4_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(d.pkt.tunnels, 0);
	dec_free(&d);

	/* an extension header running past the UDP payload */
	f.b[gtp + 12] = 100;
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	dec_free(&d);
	/* ... and one that was cut by the capture */
	f.b[gtp + 12] = 10;
	ck_assert_int_eq(dec_run(&d, LT_ETHERNET, f.b, gtp + 12 + 20, f.len),
			 MPF_ERR_TRUNCATED);
	dec_free(&d);

	/* E set, but only the 8 mandatory bytes */
	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 17, a4, b4);
	udp = udp_begin(&f, 2152, 2152);
	put8(&f, 0x34);
	put8(&f, 0xff);
	put16(&f, 0);
	put32(&f, 1);
	udp_end(&f, udp);
	ipv4_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	dec_free(&d);

	/* a UDP payload shorter than the GTP-U header */
	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 17, a4, b4);
	udp = udp_begin(&f, 2152, 2152);
	put_fill(&f, 0x30, 5);
	udp_end(&f, udp);
	ipv4_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	ck_assert(d.pkt.has_ports);
	dec_free(&d);
}
END_TEST

START_TEST(test_tunnel_vxlan)
{
	struct frame f;
	struct dec d;
	size_t ip, udp;

	frame_init(&f);
	build_vxlan(&f);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, in_a4, in_b4, 42 + 8 + 14 + 20);
	ck_assert_uint_eq(d.pkt.tunnels, 1);
	dec_free(&d);

	/* no I flag: the VNI is not valid, leave it alone */
	f.b[42] = 0x00;
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.tunnels, 0);
	ck_assert_uint_eq(d.pkt.ip_proto, 17);
	assert_addr(&d.pkt.src, 4, a4);
	ck_assert_uint_eq(d.pkt.dport, 4789);
	dec_free(&d);

	/* VXLAN is the destination port only */
	f.b[42] = 0x08;
	set16(&f, 34, 4789);
	set16(&f, 36, 4790);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.tunnels, 0);
	ck_assert_uint_eq(d.pkt.sport, 4789);
	dec_free(&d);

	/* a VXLAN header cut short by the UDP length */
	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip = ipv4_begin(&f, 17, a4, b4);
	udp = udp_begin(&f, 49152, 4789);
	put_fill(&f, 0x08, 6);
	udp_end(&f, udp);
	ipv4_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_ETHERNET, &f), MPF_ERR_MALFORMED);
	dec_free(&d);
}
END_TEST

static const struct {
	uint16_t flags;
	size_t hlen;
} gre_cases[] = {
	{ 0x0000, 4 },  { 0x2000, 8 },  { 0x8000, 8 },
	{ 0x1000, 8 },  { 0xa000, 12 }, { 0xb000, 16 },
};

START_TEST(test_tunnel_gre)
{
	size_t hlen = gre_cases[_i].hlen, ip;
	struct frame f;
	struct dec d;

	/* IPv4 inside */
	frame_init(&f);
	ip = ipv4_begin(&f, 47, a4, b4);
	put16(&f, gre_cases[_i].flags);
	put16(&f, ETH_IPV4);
	put_fill(&f, 0xab, hlen - 4);
	put_ipv4_std(&f, in_a4, in_b4);
	ipv4_end(&f, ip);
	dec_frame(&d, LT_RAW, &f);
	assert_std_frame(&d, 4, in_a4, in_b4, 20 + hlen + 20);
	ck_assert_uint_eq(d.pkt.tunnels, 1);
	dec_free(&d);

	/* IPv6 inside */
	frame_init(&f);
	ip = ipv4_begin(&f, 47, a4, b4);
	put16(&f, gre_cases[_i].flags);
	put16(&f, ETH_IPV6);
	put_fill(&f, 0xab, hlen - 4);
	put_ipv6_std(&f, in_a6, in_b6);
	ipv4_end(&f, ip);
	dec_frame(&d, LT_RAW, &f);
	assert_std_frame(&d, 6, in_a6, in_b6, 20 + hlen + 40);
	ck_assert_uint_eq(d.pkt.tunnels, 1);
	dec_free(&d);

	/* transparent Ethernet bridging */
	frame_init(&f);
	ip = ipv4_begin(&f, 47, a4, b4);
	put16(&f, gre_cases[_i].flags);
	put16(&f, ETH_TEB);
	put_fill(&f, 0xab, hlen - 4);
	put_eth(&f, ETH_IPV4);
	put_ipv4_std(&f, in_a4, in_b4);
	ipv4_end(&f, ip);
	dec_frame(&d, LT_RAW, &f);
	assert_std_frame(&d, 4, in_a4, in_b4, 20 + hlen + 14 + 20);
	ck_assert_uint_eq(d.pkt.tunnels, 1);
	dec_free(&d);

	/* optional fields the packet has no room for */
	if (hlen > 4) {
		set16(&f, 2, (uint16_t)(20 + hlen - 1));
		ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
		ck_assert_uint_eq(d.pkt.tunnels, 0);
		dec_free(&d);
	}
}
END_TEST

START_TEST(test_tunnel_gre_other)
{
	struct frame f;
	struct dec d;
	size_t ip;
	unsigned int version;

	/* version 1 (PPTP enhanced GRE), and the unassigned versions */
	for (version = 1; version < 8; version++) {
		frame_init(&f);
		ip = ipv4_begin(&f, 47, a4, b4);
		put16(&f, (uint16_t)(0x2000 | version));
		put16(&f, version == 1 ? 0x880b : ETH_IPV4);
		put32(&f, 0x00100001);
		put_ipv4_std(&f, in_a4, in_b4);
		ipv4_end(&f, ip);
		ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_OK);
		ck_assert_uint_eq(d.pkt.tunnels, 0);
		ck_assert_uint_eq(d.pkt.ip_proto, 47);
		assert_addr(&d.pkt.src, 4, a4);
		ck_assert(!d.pkt.has_ports);
		dec_free(&d);
	}

	/* a payload type that is not IP or Ethernet */
	frame_init(&f);
	ip = ipv4_begin(&f, 47, a4, b4);
	put16(&f, 0);
	put16(&f, 0x88be); /* ERSPAN */
	put_ipv4_std(&f, in_a4, in_b4);
	ipv4_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.tunnels, 0);
	ck_assert_uint_eq(d.pkt.ip_proto, 47);
	dec_free(&d);

	/* GRE with the IPv4 header only */
	frame_init(&f);
	ip = ipv4_begin(&f, 47, a4, b4);
	put16(&f, 0);
	ipv4_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	dec_free(&d);
}
END_TEST

/* IPv4 or IPv6 directly in IPv4 or IPv6 (protocols 4 and 41) */
START_TEST(test_tunnel_ip_in_ip)
{
	bool outer6 = _i & 1, inner6 = _i & 2;
	struct frame f;
	struct dec d;
	size_t ip;
	uint8_t proto = inner6 ? 41 : 4;

	frame_init(&f);
	ip = outer6 ? ipv6_begin(&f, proto, a6, b6)
		    : ipv4_begin(&f, proto, a4, b4);
	if (inner6)
		put_ipv6_std(&f, in_a6, in_b6);
	else
		put_ipv4_std(&f, in_a4, in_b4);
	if (outer6)
		ipv6_end(&f, ip);
	else
		ipv4_end(&f, ip);
	dec_frame(&d, LT_RAW, &f);
	if (inner6)
		assert_std_frame(&d, 6, in_a6, in_b6, (outer6 ? 40 : 20) + 40);
	else
		assert_std_frame(&d, 4, in_a4, in_b4, (outer6 ? 40 : 20) + 20);
	ck_assert_uint_eq(d.pkt.tunnels, 1);
	dec_free(&d);
}
END_TEST

START_TEST(test_tunnel_inner_bad)
{
	struct frame f;
	struct dec d;
	size_t ip;

	/* the inner header claims more than the outer packet holds */
	frame_init(&f);
	build_ipip(&f);
	set16(&f, 20 + 2, 1000);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(d.pkt.tunnels, 1);
	assert_addr(&d.pkt.src, 4, in_a4);
	assert_std_tcp(&d, STD_PAYLOAD, STD_PAYLOAD);
	dec_free(&d);

	/* an outer packet whose protocol says IP in IP and carries nothing */
	frame_init(&f);
	ip = ipv4_begin(&f, 4, a4, b4);
	ipv4_end(&f, ip);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_ERR_MALFORMED);
	dec_free(&d);
}
END_TEST

static void
put_ipip_nest(struct frame *f, unsigned int depth, unsigned int levels)
{
	uint8_t src[4] = { 10, 0, (uint8_t)depth, 1 };
	uint8_t dst[4] = { 10, 0, (uint8_t)depth, 2 };
	size_t ip = ipv4_begin(f, depth < levels ? 4 : 6, src, dst);

	if (depth < levels)
		put_ipip_nest(f, depth + 1, levels);
	else
		put_std_tcp(f);
	ipv4_end(f, ip);
}

/* Up to 4 encapsulations are removed; deeper nesting stops at the 4th
 * inner packet, without an error. */
START_TEST(test_tunnel_nested)
{
	unsigned int levels = (unsigned int)_i;
	unsigned int want = levels < 4 ? levels : 4;
	uint8_t src[4] = { 10, 0, (uint8_t)want, 1 };
	struct frame f;
	struct dec d;

	frame_init(&f);
	put_ipip_nest(&f, 0, levels);
	ck_assert_int_eq(dec_frame(&d, LT_RAW, &f), MPF_OK);
	ck_assert_uint_eq(d.pkt.tunnels, want);
	assert_addr(&d.pkt.src, 4, src);
	if (levels <= 4) {
		ck_assert_ptr_eq(d.pkt.l4, d.copy + 20 * (levels + 1));
		assert_std_tcp(&d, STD_PAYLOAD, STD_PAYLOAD);
	} else {
		ck_assert_uint_eq(d.pkt.ip_proto, 4);
		ck_assert(!d.pkt.has_ports);
		ck_assert(!d.pkt.has_tcp);
	}
	dec_free(&d);
}
END_TEST

/* Mixed nesting, each kind counted alike: Ethernet in GRE, then GTP-U in
 * the inner IPv6 */
START_TEST(test_tunnel_mixed)
{
	struct frame f;
	struct dec d;
	size_t ip1, ip2, udp, gtp;

	frame_init(&f);
	put_eth(&f, ETH_IPV4);
	ip1 = ipv4_begin(&f, 47, a4, b4);
	put16(&f, 0x2000);
	put16(&f, ETH_TEB);
	put32(&f, 42);
	put_eth(&f, ETH_IPV6);
	ip2 = ipv6_begin(&f, 17, in_a6, in_b6);
	udp = udp_begin(&f, 2152, 2152);
	gtp = gtpu_begin(&f, 0x30, 0xff, 0);
	put_ipv4_std(&f, c4, d4);
	gtpu_end(&f, gtp);
	udp_end(&f, udp);
	ipv6_end(&f, ip2);
	ipv4_end(&f, ip1);
	dec_frame(&d, LT_ETHERNET, &f);
	assert_std_frame(&d, 4, c4, d4, 14 + 20 + 8 + 14 + 40 + 8 + 8 + 20);
	ck_assert_uint_eq(d.pkt.tunnels, 2);
	dec_free(&d);
}
END_TEST

/* ---------------------------------------------------------------- suite */

static Suite *
suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc;

	tc = tcase_create("samples");
	tcase_add_loop_test(tc, test_sample_full, 0, G_N_ELEMENTS(samples));
	tcase_add_loop_test(tc, test_sample_every_caplen, 0,
			    G_N_ELEMENTS(samples));
	tcase_add_loop_test(tc, test_sample_every_wirelen, 0,
			    G_N_ELEMENTS(samples));
	tcase_add_test(tc, test_wirelen_below_caplen);
	suite_add_tcase(s, tc);

	tc = tcase_create("link");
	tcase_add_test(tc, test_link_ethernet);
	tcase_add_test(tc, test_link_vlan);
	tcase_add_loop_test(tc, test_link_qinq, 0, 2);
	tcase_add_test(tc, test_link_vlan_stack);
	tcase_add_test(tc, test_link_llc_snap);
	tcase_add_test(tc, test_link_mpls);
	tcase_add_test(tc, test_link_pppoe);
	tcase_add_test(tc, test_link_sll);
	tcase_add_test(tc, test_link_sll2);
	tcase_add_test(tc, test_link_raw);
	tcase_add_loop_test(tc, test_link_null_loop, 0,
			    G_N_ELEMENTS(null_cases));
	tcase_add_loop_test(tc, test_link_ppp, 0, G_N_ELEMENTS(ppp_cases));
	tcase_add_test(tc, test_link_ppp_ether);
	tcase_add_test(tc, test_link_unsupported);
	tcase_add_test(tc, test_linktype_supported_matches);
	tcase_add_test(tc, test_link_not_ip);
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv4");
	tcase_add_loop_test(tc, test_ipv4_options, 6, 16);
	tcase_add_loop_test(tc, test_ipv4_ihl_too_small, 0, 5);
	tcase_add_loop_test(tc, test_ipv4_total_below_header, 0,
			    G_N_ELEMENTS(short_total_cases));
	tcase_add_test(tc, test_ipv4_total_beyond_wire);
	tcase_add_test(tc, test_ipv4_total_zero);
	tcase_add_test(tc, test_ipv4_ethernet_padding);
	tcase_add_loop_test(tc, test_ipv4_first_fragment, 0,
			    G_N_ELEMENTS(first_frag_fields));
	tcase_add_loop_test(tc, test_ipv4_fragment, 0,
			    G_N_ELEMENTS(later_frag_fields));
	tcase_add_test(tc, test_ipv4_other_proto);
	tcase_add_test(tc, test_decode_ip_direct);
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv6");
	tcase_add_test(tc, test_ipv6_plain);
	tcase_add_loop_test(tc, test_ipv6_ext_chain, 0,
			    G_N_ELEMENTS(ext6_cases));
	tcase_add_loop_test(tc, test_ipv6_fragment, 0,
			    G_N_ELEMENTS(later_frag6_offsets));
	tcase_add_test(tc, test_ipv6_first_fragment);
	tcase_add_test(tc, test_ipv6_ext_bad);
	tcase_add_test(tc, test_ipv6_ext_truncated);
	tcase_add_test(tc, test_ipv6_esp);
	tcase_add_test(tc, test_ipv6_jumbo);
	tcase_add_test(tc, test_ipv6_plen_beyond_wire);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp");
	tcase_add_test(tc, test_tcp_header_fields);
	tcase_add_loop_test(tc, test_tcp_doff_too_small, 0, 5);
	tcase_add_test(tc, test_tcp_doff_beyond_segment);
	tcase_add_test(tc, test_tcp_fixed_header_cut);
	tcase_add_test(tc, test_tcp_options_cut);
	tcase_add_test(tc, test_tcp_payload_snaplen);
	tcase_add_test(tc, test_tcp_options_frame);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp-options");
	tcase_add_loop_test(tc, test_tcp_option_lengths, 0,
			    G_N_ELEMENTS(optlen_cases));
	tcase_add_test(tc, test_tcp_options_eol);
	tcase_add_test(tc, test_tcp_options_nop);
	tcase_add_loop_test(tc, test_tcp_option_len_below_2, 0, 4);
	tcase_add_test(tc, test_tcp_option_past_header);
	tcase_add_test(tc, test_tcp_options_captured);
	tcase_add_test(tc, test_tcp_options_cut_invalid);
	tcase_add_test(tc, test_tcp_options_malformed_then_cut);
	tcase_add_test(tc, test_tcp_options_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("udp-sctp");
	tcase_add_test(tc, test_udp);
	tcase_add_test(tc, test_udp_owner);
	tcase_add_test(tc, test_sctp);
	suite_add_tcase(s, tc);

	tc = tcase_create("tunnels");
	tcase_add_loop_test(tc, test_tunnel_gtpu, 0, G_N_ELEMENTS(gtpu_cases));
	tcase_add_loop_test(tc, test_tunnel_gtpu_not_gpdu, 0, 4);
	tcase_add_test(tc, test_tunnel_gtpu_bad);
	tcase_add_test(tc, test_tunnel_vxlan);
	tcase_add_loop_test(tc, test_tunnel_gre, 0, G_N_ELEMENTS(gre_cases));
	tcase_add_test(tc, test_tunnel_gre_other);
	tcase_add_loop_test(tc, test_tunnel_ip_in_ip, 0, 4);
	tcase_add_test(tc, test_tunnel_inner_bad);
	tcase_add_loop_test(tc, test_tunnel_nested, 0, 9);
	tcase_add_test(tc, test_tunnel_mixed);
	suite_add_tcase(s, tc);

	return s;
}

MPF_TEST_MAIN(suite)
