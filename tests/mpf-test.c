/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: helpers of the test programs (see mpf-test.h)
 */
#include <arpa/inet.h>
#include <glib.h>
#include <pcap/pcap.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mpf-test.h"

static size_t
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

static size_t
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
	return 4;
}

size_t
craft_tcp_frame(uint8_t *buf, size_t size, enum craft_link link,
		const struct craft_tcp *t)
{
	uint8_t a[16], b[16];
	bool v6 = strchr(t->src, ':') != NULL;
	size_t optpad = (t->opts_len + 3) / 4 * 4;
	size_t tcplen = 20 + optpad + t->payload_len;
	size_t iphl = v6 ? 40 : 20;
	size_t off = 0, need;

	ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, t->src, a), 1);
	ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, t->dst, b), 1);
	need = (link == CRAFT_ETHERNET ? 14 : 0) + iphl + tcplen;
	ck_assert_uint_le(need, size);
	memset(buf, 0, need);
	if (link == CRAFT_ETHERNET) {
		memcpy(buf, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
		put16(buf + 12, v6 ? 0x86dd : 0x0800);
		off = 14;
	}
	if (v6) {
		buf[off] = 0x60;
		put16(buf + off + 4, (uint16_t)tcplen);
		buf[off + 6] = 6;
		buf[off + 7] = 64;
		memcpy(buf + off + 8, a, 16);
		memcpy(buf + off + 24, b, 16);
	} else {
		buf[off] = 0x45;
		put16(buf + off + 2, (uint16_t)(20 + tcplen));
		buf[off + 8] = 64;
		buf[off + 9] = 6;
		memcpy(buf + off + 12, a, 4);
		memcpy(buf + off + 16, b, 4);
	}
	off += iphl;
	put16(buf + off, t->sport);
	put16(buf + off + 2, t->dport);
	put32(buf + off + 4, t->seq);
	put32(buf + off + 8, t->ack);
	buf[off + 12] = (uint8_t)(((20 + optpad) / 4) << 4);
	buf[off + 13] = t->flags;
	put16(buf + off + 14, 65535);
	if (t->opts_len)
		memcpy(buf + off + 20, t->opts, t->opts_len);
	memset(buf + off + 20 + t->opts_len, 1, optpad - t->opts_len); /* NOP */
	return need;
}

const struct mpf_frame *
craft_feed(struct mpf_ctx *ctx, enum craft_link link, const uint8_t *frame,
	   size_t len)
{
	struct mpf_packet pkt;
	const struct mpf_frame *f = NULL;

	memset(&pkt, 0, sizeof(pkt));
	pkt.number = (uint32_t)mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES) + 1;
	pkt.linktype = link;
	pkt.data = frame;
	pkt.caplen = pkt.wirelen = (uint32_t)len;
	pkt.ts_sec = 1700000000 + pkt.number;
	ck_assert_int_eq(mpf_ctx_feed(ctx, &pkt, &f), MPF_OK);
	ck_assert_ptr_nonnull(f);
	return f;
}

const struct mpf_frame *
craft_feed_tcp(struct mpf_ctx *ctx, const struct craft_tcp *t)
{
	uint8_t buf[2048];
	size_t len = craft_tcp_frame(buf, sizeof(buf), CRAFT_RAW, t);

	return craft_feed(ctx, CRAFT_RAW, buf, len);
}

char *
capture_path(const char *rel)
{
	if (g_path_is_absolute(rel))
		return g_strdup(rel);
	return g_build_filename(MPF_TEST_DATA_DIR, rel, NULL);
}

void
capture_foreach(const char *rel,
		void (*fn)(const struct mpf_packet *pkt, void *user), void *user)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	char *path = capture_path(rel);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint32_t n = 0;
	pcap_t *pc;
	int r;

	pc = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	ck_assert_msg(pc != NULL, "%s: %s", path, errbuf);
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		struct mpf_packet pkt = {
			.number = ++n,
			.linktype = pcap_datalink(pc),
			.data = data,
			.caplen = h->caplen,
			.wirelen = h->len,
			.ts_sec = h->ts.tv_sec,
			.ts_nsec = (uint32_t)h->ts.tv_usec,
		};

		fn(&pkt, user);
	}
	ck_assert_msg(r == PCAP_ERROR_BREAK, "%s: %s", path, pcap_geterr(pc));
	pcap_close(pc);
	g_free(path);
}

static void
feed_one(const struct mpf_packet *pkt, void *user)
{
	ck_assert_int_eq(mpf_ctx_feed(user, pkt, NULL), MPF_OK);
}

struct mpf_ctx *
capture_load(const char *rel)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);

	ck_assert_ptr_nonnull(ctx);
	capture_foreach(rel, feed_one, ctx);
	return ctx;
}

/* ---------------------------------------------------- exact buffers */

uint8_t *
buf_new(struct buf *b, const uint8_t *bytes, size_t n, bool guarded)
{
	memset(b, 0, sizeof(*b));
	if (!guarded) {
		b->p = n ? g_malloc(n) : NULL;
	} else {
		size_t pg = (size_t)sysconf(_SC_PAGESIZE);
		size_t data = (n + pg - 1) / pg * pg;

		b->map_len = data + pg;
		b->map = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ck_assert(b->map != MAP_FAILED);
		ck_assert_int_eq(mprotect((uint8_t *)b->map + data, pg,
					  PROT_NONE), 0);
		b->p = (uint8_t *)b->map + data - n;
	}
	if (n)
		memcpy(b->p, bytes, n);
	return b->p;
}

void
buf_free(struct buf *b)
{
	if (b->map)
		munmap(b->map, b->map_len);
	else
		g_free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---------------------------------------------------- MPTCP options */

size_t
craft_be(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
	return (size_t)n;
}

size_t
craft_opt_mpc(uint8_t *p, int version, int nkeys, uint64_t k1, uint64_t k2,
	      int data_len)
{
	size_t n = 4;

	p[0] = 30;
	p[2] = (uint8_t)version;
	p[3] = 0x01; /* H: HMAC-SHA1/SHA256 */
	if (nkeys >= 1)
		n += craft_be(p + n, k1, 8);
	if (nkeys >= 2)
		n += craft_be(p + n, k2, 8);
	if (data_len >= 0)
		n += craft_be(p + n, (uint64_t)data_len, 2);
	p[1] = (uint8_t)n;
	return n;
}

size_t
craft_opt_join_syn(uint8_t *p, bool backup, uint8_t id, uint32_t token,
		   uint32_t nonce)
{
	p[0] = 30;
	p[1] = 12;
	p[2] = (uint8_t)(0x10 | (backup ? 1 : 0));
	p[3] = id;
	craft_be(p + 4, token, 4);
	craft_be(p + 8, nonce, 4);
	return 12;
}

size_t
craft_opt_join_synack(uint8_t *p, uint8_t id, uint64_t hmac, uint32_t nonce)
{
	p[0] = 30;
	p[1] = 16;
	p[2] = 0x10;
	p[3] = id;
	craft_be(p + 4, hmac, 8);
	craft_be(p + 12, nonce, 4);
	return 16;
}

size_t
craft_opt_join_ack(uint8_t *p, const uint8_t hmac[20])
{
	memset(p, 0, 24);
	p[0] = 30;
	p[1] = 24;
	p[2] = 0x10;
	memcpy(p + 4, hmac, 20);
	return 24;
}

size_t
craft_opt_dss(uint8_t *p, int ack_len, uint64_t ack, int dsn_len, uint64_t dsn,
	      uint32_t ssn, uint16_t len, bool fin)
{
	size_t n = 4;
	uint8_t f = 0;

	if (ack_len)
		f |= 0x01 | (ack_len == 8 ? 0x02 : 0);
	if (dsn_len)
		f |= 0x04 | (dsn_len == 8 ? 0x08 : 0);
	if (fin)
		f |= 0x10;
	p[0] = 30;
	p[2] = 0x20;
	p[3] = f;
	if (ack_len)
		n += craft_be(p + n, ack, ack_len);
	if (dsn_len) {
		n += craft_be(p + n, dsn, dsn_len);
		n += craft_be(p + n, ssn, 4);
		n += craft_be(p + n, len, 2);
	}
	p[1] = (uint8_t)n;
	return n;
}
