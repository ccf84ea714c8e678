/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: bounded by construction: the work and the state a hostile
 * shape costs, at a small size (issue 13, items 7, 8 and 10)
 *
 * Each test feeds a shape that once made the cost per packet grow with
 * what came before, or left state behind, and asserts the work counter or
 * the state that shows it: halves looked at per packet (SCTP), bytes of a
 * half association, trie roots alive after their sites went (LISP), a
 * time stamp past what int64 nanoseconds hold (the decoder).
 */
#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "backends/sctp/sctp-int.h"
#include "mpf-private.h"
#include "mpf-test.h"

/* lisp-int.h and sctp-int.h each name their state struct state: the LISP
 * backend's counts come through this one function of site.c */
void mpf__lisp_count(const void *state, guint *roots, guint *sites);

#define be craft_be

/* An IPv4 packet (raw link) from @src to @dst carrying @proto's @body. */
static size_t
ip4(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto,
    const uint8_t *body, size_t len)
{
	memset(buf, 0, 20);
	buf[0] = 0x45;
	be(buf + 2, 20 + len, 2);
	buf[8] = 64;
	buf[9] = proto;
	be(buf + 12, src, 4);
	be(buf + 16, dst, 4);
	memcpy(buf + 20, body, len);
	return 20 + len;
}

/* An SCTP packet of one DATA chunk (TSN @tsn), tag @vtag, valid CRC32c. */
static size_t
sctp_data(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport,
	  uint16_t dport, uint32_t vtag, uint32_t tsn)
{
	uint8_t s[32];

	memset(s, 0, sizeof(s));
	be(s, sport, 2);
	be(s + 2, dport, 2);
	be(s + 4, vtag, 4);
	s[12] = 0;  /* DATA */
	s[13] = 3;  /* B, E */
	be(s + 14, 20, 2);
	be(s + 16, tsn, 4);
	s[28] = 'x';
	/* as the backend reads it back (a 32-bit big-endian field) */
	be(s + 8, mpf__sctp_checksum(s, sizeof(s)), 4);
	return ip4(buf, src, dst, 132, s, sizeof(s));
}

static struct mpf_ctx *
ctx_new(bool streaming, uint64_t cap)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;

	mpf_config_set_retain_frames(cfg, false);
	if (streaming) {
		mpf_config_set_streaming(cfg, true);
		mpf_config_set_memory_cap(cfg, cap);
	}
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	ck_assert_ptr_nonnull(ctx);
	return ctx;
}

/* ------------------------------------------------------------ item 7 */

#define SCTP_N 3000

/* One port pair, a new tag on every packet, one way: no packet completes
 * an earlier half, so none may look at them (main looked at all). */
START_TEST(test_sctp_new_tags_one_way)
{
	struct mpf_ctx *ctx = ctx_new(false, 0);
	struct state *st = ctx->state[MPF_PROTO_SCTP];
	uint8_t buf[128];
	uint32_t i;

	for (i = 0; i < SCTP_N; i++)
		craft_feed(ctx, CRAFT_RAW, buf,
			   sctp_data(buf, 0x0a000001, 0x0a000002, 5000, 5001,
				     0x10000 + i, 1));
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), SCTP_N);
	ck_assert_uint_eq(st->half_steps, 0);
	mpf_ctx_free(ctx);
}
END_TEST

/* Both ways, two packets each way in turn, each from a new address:
 * every packet finds several waiting halves and no address in common;
 * the halves looked at stay below HALF_WAITING a packet however many
 * wait (main looked at every half of the port pair). */
START_TEST(test_sctp_new_tags_both_ways)
{
	struct mpf_ctx *ctx = ctx_new(false, 0);
	struct state *st = ctx->state[MPF_PROTO_SCTP];
	uint8_t buf[128];
	uint32_t i;

	for (i = 0; i < SCTP_N; i++) {
		uint32_t a = 0x0a000000 | i, b = 0x0b000000 | i;
		size_t len = i % 4 >= 2 ? sctp_data(buf, a, b, 5000, 5001,
					       0x10000 + i, 1)
				   : sctp_data(buf, b, a, 5001, 5000,
					       0x10000 + i, 1);

		craft_feed(ctx, CRAFT_RAW, buf, len);
	}
	ck_assert_uint_ge(st->half_steps, (uint64_t)SCTP_N); /* they wait */
	ck_assert_uint_le(st->half_steps, (uint64_t)SCTP_N * HALF_WAITING);
	ck_assert_uint_gt(st->half_dropped, 0);
	mpf_ctx_free(ctx);
}
END_TEST

/* A half association of one packet is small, and charged what it holds:
 * main gave it a TSN window of 8 KiB per side on its first DATA. */
START_TEST(test_sctp_half_small)
{
	struct mpf_ctx *ctx = ctx_new(true, 0);
	uint8_t buf[128];
	uint64_t mem;
	uint32_t i;

	for (i = 0; i < 100; i++)
		craft_feed(ctx, CRAFT_RAW, buf,
			   sctp_data(buf, 0x0a000001, 0x0a000002, 5000, 5001,
				     0x10000 + i, 7));
	mem = mpf_ctx_get_state_bytes(ctx, NULL);
	ck_assert_uint_lt(mem / 100, 2048);
	ck_assert_uint_gt(mem / 100, 512); /* the node, its flow, its tables */
	mpf_ctx_free(ctx);
}
END_TEST

/* The window that starts small finds the same retransmissions as a full
 * one: below what it covers, inside it, across its growth, and past
 * TSN_WINDOW below the highest. */
START_TEST(test_sctp_tsn_window_grows)
{
	struct tsnwin w;
	uint32_t t;

	memset(&w, 0, sizeof(w));
	ck_assert(!mpf__sctp_tsn_seen(&w, 1000));
	ck_assert_uint_eq(w.size, TSN_WINDOW_MIN);
	ck_assert(mpf__sctp_tsn_seen(&w, 1000));
	ck_assert(!mpf__sctp_tsn_seen(&w, 990)); /* below, never sent */
	for (t = 1001; t < 1000 + 3 * TSN_WINDOW_MIN; t++)
		ck_assert(!mpf__sctp_tsn_seen(&w, t));
	ck_assert_uint_ge(w.size, 3 * TSN_WINDOW_MIN);
	ck_assert(mpf__sctp_tsn_seen(&w, 990)); /* kept across the growth */
	ck_assert(mpf__sctp_tsn_seen(&w, 1500));
	ck_assert(!mpf__sctp_tsn_seen(&w, 980));
	/* far ahead: the window is full width, what left it counts as sent */
	ck_assert(!mpf__sctp_tsn_seen(&w, 1000 + 2 * TSN_WINDOW));
	ck_assert_uint_eq(w.size, TSN_WINDOW);
	ck_assert(mpf__sctp_tsn_seen(&w, 1500));
	ck_assert(!mpf__sctp_tsn_seen(&w, 1000 + 2 * TSN_WINDOW - 5));
	ck_assert(mpf__sctp_tsn_seen(&w, 1000 + 2 * TSN_WINDOW - 5));
	g_free(w.bits);
}
END_TEST

/* ------------------------------------------------------------ item 8 */

#define LISP_MSGS 200
#define LISP_RECS 10

/* A Map-Register of LISP_RECS records, each EID 172.16.0.0/24 in its own
 * instance id (LCAF type 2), from @i on. */
static size_t
map_register(uint8_t *buf, uint32_t first_iid)
{
	uint8_t m[1400];
	size_t n = 0;
	int r;

	memset(m, 0, sizeof(m));
	be(m + n, 4342, 2); /* UDP: both ports 4342 */
	be(m + n + 2, 4342, 2);
	n = 8;
	m[n] = 0x30;       /* type 3 */
	m[n + 3] = LISP_RECS;
	be(m + n + 4, 0x1122334455667788ULL, 8);
	n += 16;           /* nonce, key id, auth length 0 */
	for (r = 0; r < LISP_RECS; r++) {
		be(m + n, 1440, 4);
		m[n + 4] = 1;  /* one locator */
		m[n + 5] = 24;
		n += 10;       /* ACT/A, reserved, map version */
		be(m + n, 16387, 2); /* LCAF */
		m[n + 4] = 2;  /* instance id */
		be(m + n + 6, 10, 2);
		be(m + n + 8, first_iid + (uint32_t)r, 4);
		be(m + n + 12, 1, 2);
		be(m + n + 14, 0xAC100000, 4);
		n += 18;
		m[n] = 1;
		m[n + 1] = 100;
		m[n + 2] = 255;
		be(m + n + 4, 0x0005, 2);
		be(m + n + 6, 1, 2);
		be(m + n + 8, 0x0a000001, 4);
		n += 12;
	}
	be(m + 4, n, 2);
	return ip4(buf, 0x0a000001, 0x0a630001, 17, m, n);
}

/* Sites of a new instance id each, evicted under a small cap: their trie
 * roots go with them (main kept one per instance id for ever). */
START_TEST(test_lisp_trie_roots_freed)
{
	struct mpf_ctx *ctx = ctx_new(true, 64 * 1024);
	uint8_t buf[1500];
	guint roots, sites;
	uint32_t i;

	for (i = 0; i < LISP_MSGS; i++)
		craft_feed(ctx, CRAFT_RAW, buf,
			   map_register(buf, i * LISP_RECS + 1));
	ck_assert_uint_gt(ctx->counters[MPF_COUNTER_EVICTED], LISP_MSGS);
	/* one root per live site (each its own instance), no more */
	mpf__lisp_count(ctx->state[MPF_PROTO_LISP], &roots, &sites);
	ck_assert_uint_eq(roots, sites);
	ck_assert_uint_lt(roots, LISP_MSGS * LISP_RECS / 4);
	mpf_ctx_free(ctx);
}
END_TEST

/* ----------------------------------------------------------- item 10 */

/* A time stamp whose nanoseconds pass int64 saturates (it was a signed
 * overflow: a pcapng in whole seconds of 2^64 - 1). */
START_TEST(test_decode_ts_saturates)
{
	static const uint8_t frame[] = { 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17,
					 0, 0, 10, 0, 0, 1, 10, 0, 0, 2 };
	struct mpf_packet raw;
	struct mpf_pkt pkt;

	memset(&raw, 0, sizeof(raw));
	raw.linktype = CRAFT_RAW;
	raw.data = frame;
	raw.caplen = raw.wirelen = sizeof(frame);
	raw.ts_sec = INT64_MAX / 1000000000 + 1;
	raw.ts_nsec = 999999999;
	mpf__decode(&raw, &pkt);
	ck_assert_int_eq(pkt.ts_ns, INT64_MAX);
	raw.ts_sec = -(INT64_MAX / 1000000000) - 2;
	mpf__decode(&raw, &pkt);
	ck_assert_int_eq(pkt.ts_ns, INT64_MIN);
	raw.ts_sec = INT64_MAX / 1000000000;
	raw.ts_nsec = 999999999; /* 9223372036.999999999 > INT64_MAX ns */
	mpf__decode(&raw, &pkt);
	ck_assert_int_eq(pkt.ts_ns, INT64_MAX);
}
END_TEST

static Suite *
bounded_suite(void)
{
	Suite *s = suite_create("bounded-core");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_sctp_new_tags_one_way);
	tcase_add_test(tc, test_sctp_new_tags_both_ways);
	tcase_add_test(tc, test_sctp_half_small);
	tcase_add_test(tc, test_sctp_tsn_window_grows);
	tcase_add_test(tc, test_lisp_trie_roots_freed);
	tcase_add_test(tc, test_decode_ts_saturates);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(bounded_suite)
