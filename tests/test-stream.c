/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Streaming (mpf_config_set_streaming): nodes released as they end, idle
 * or overflow the memory cap. On real captures the nodes a streaming pass
 * hands out, released or left at the end, are the nodes of a pass that
 * keeps everything; under a generated flood of a million handshakes and
 * registrations the state stays under the cap and the real connections in
 * the same traffic are still analysed in full.
 */
#include <arpa/inet.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "backends/sctp/sctp.h"
#include "mpf-private.h"
#include "mpf-test.h"

/* What identifies a node's analysis, to compare two passes. */
static char *
signature(const struct mpf_node *n)
{
	GString *s = g_string_new(NULL);
	uint32_t token = 0;
	uint32_t i;

	g_string_append_printf(s, "%s first %u last %u packets %" PRIu64
				  " bytes %" PRIu64 " flows %u",
			       mpf_protocol_to_string(mpf_node_get_protocol(n)),
			       mpf_node_get_first_frame(n),
			       mpf_node_get_last_frame(n), mpf_node_get_packets(n),
			       mpf_node_get_bytes(n), mpf_node_get_flow_count(n));
	if (mpf_node_get_mptcp_token(n, MPF_SIDE_CLIENT, &token))
		g_string_append_printf(s, " token %08x", token);
	for (i = 0; i < mpf_node_get_flow_count(n); i++) {
		const struct mpf_flow *f = mpf_node_get_flow(n, i);

		g_string_append_printf(s, " [%" PRIu64 "/%" PRIu64 "]",
				       mpf_flow_get_packets(f, MPF_SIDE_CLIENT),
				       mpf_flow_get_packets(f, MPF_SIDE_SERVER));
	}
	return g_string_free(s, FALSE);
}

struct pass {
	struct mpf_ctx *ctx;
	GPtrArray *nodes;   /* signatures, released or left */
	uint64_t released[3];
};

static void
on_release(const struct mpf_ctx *ctx, const struct mpf_node *n,
	   enum mpf_release_reason why, void *user)
{
	struct pass *p = user;

	(void)ctx;
	ck_assert_uint_lt(why, 3);
	/* the node is whole when it is handed out */
	ck_assert_ptr_nonnull(mpf_ctx_get_node(ctx, mpf_node_get_id(n)));
	p->released[why]++;
	g_ptr_array_add(p->nodes, signature(n));
}

static void
feed_one(const struct mpf_packet *pkt, void *user)
{
	struct pass *p = user;

	ck_assert_int_eq(mpf_ctx_feed(p->ctx, pkt, NULL), MPF_OK);
}

/* The signatures of the live, unmerged nodes left in @ctx. */
static void
add_left(struct pass *p)
{
	uint32_t i;

	for (i = 0; i < mpf_ctx_get_node_count(p->ctx); i++) {
		const struct mpf_node *n = mpf_ctx_get_node(p->ctx, i);

		if (n && mpf_node_get_merged_into(n) == MPF_ID_NONE)
			g_ptr_array_add(p->nodes, signature(n));
	}
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
pass_run(struct pass *p, const char *rel, bool streaming, uint32_t idle)
{
	struct mpf_config *cfg = mpf_config_new();

	memset(p, 0, sizeof(*p));
	p->nodes = g_ptr_array_new_with_free_func(g_free);
	mpf_config_set_streaming(cfg, streaming);
	mpf_config_set_idle_timeout(cfg, idle);
	mpf_config_set_release_handler(cfg, on_release, p);
	p->ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	capture_foreach(rel, feed_one, p);
	add_left(p);
	g_ptr_array_sort(p->nodes, cmp_str);
}

static void
pass_free(struct pass *p)
{
	mpf_ctx_free(p->ctx);
	g_ptr_array_free(p->nodes, TRUE);
}

static const struct {
	const char *rel;
	uint32_t idle;      /* seconds */
	uint64_t min_ended; /* nodes released as ended, at least */
} same_cases[] = {
	{ "kernel/v1-4paths-4conns-loss/capture.pcap", 300, 0 },
	{ "kernel/fastclose/capture.pcap", 300, 0 },
	{ "usrsctp/raw-2paths-3assocs-sequential/capture.pcap", 300, 0 },
	{ "usrsctp/ipv6-4assocs-abort/capture.pcap", 300, 0 },
	{ "oor/v4-balance-failover/capture.pcap", 300, 0 },
	{ "oor/dual-iid-proxy/capture.pcap", 300, 0 },
};

/* A streaming pass hands out the same nodes as a pass that keeps them. */
START_TEST(test_same_nodes)
{
	struct pass keep, stream;
	guint i;

	pass_run(&keep, same_cases[_i].rel, false, 0);
	pass_run(&stream, same_cases[_i].rel, true, same_cases[_i].idle);
	ck_assert_uint_eq(keep.released[0] + keep.released[1] + keep.released[2], 0);
	ck_assert_uint_ge(stream.released[MPF_RELEASE_ENDED],
			  same_cases[_i].min_ended);
	ck_assert_uint_eq(stream.released[MPF_RELEASE_EVICTED], 0);
	ck_assert_uint_eq(stream.nodes->len, keep.nodes->len);
	for (i = 0; i < keep.nodes->len; i++)
		ck_assert_str_eq(g_ptr_array_index(stream.nodes, i),
				 g_ptr_array_index(keep.nodes, i));
	ck_assert_uint_eq(mpf_ctx_get_counter(stream.ctx, MPF_COUNTER_ANALYSED),
			  mpf_ctx_get_counter(keep.ctx, MPF_COUNTER_ANALYSED));
	/* nothing is retained */
	ck_assert_ptr_null(mpf_ctx_get_frame(stream.ctx, 1));
	pass_free(&keep);
	pass_free(&stream);
}
END_TEST

/* Nodes that end are released after a quiet spell, idle ones after the
 * timeout; every one is handed out once and its id reads NULL after. */
START_TEST(test_release_reasons)
{
	static const uint8_t nothing[1];
	struct mpf_packet late = { 0 };
	struct pass p;
	uint32_t i, total;

	/* three associations one after the other, each shut down */
	pass_run(&p, "usrsctp/raw-2paths-3assocs-sequential/capture.pcap", true,
		 300);
	total = mpf_ctx_get_node_count(p.ctx);
	ck_assert_uint_eq(total, 3);
	g_ptr_array_set_size(p.nodes, 0); /* forget the ones left */
	/* an hour later, a frame of nothing: everything goes */
	late.number = 1u << 30;
	late.linktype = CRAFT_RAW;
	late.data = nothing;
	late.caplen = late.wirelen = 1;
	late.ts_sec = 4000000000LL;
	ck_assert_int_eq(mpf_ctx_feed(p.ctx, &late, NULL), MPF_OK);
	ck_assert_uint_eq(p.released[MPF_RELEASE_ENDED], 3);
	ck_assert_uint_eq(p.released[MPF_RELEASE_IDLE], 0);
	ck_assert_uint_eq(p.nodes->len, 3);
	ck_assert_uint_eq(mpf_ctx_get_counter(p.ctx, MPF_COUNTER_RELEASED), 3);
	for (i = 0; i < total; i++)
		ck_assert_ptr_null(mpf_ctx_get_node(p.ctx, i));
	for (i = 0; i < mpf_ctx_get_flow_count(p.ctx); i++)
		ck_assert_ptr_null(mpf_ctx_get_flow(p.ctx, i));
	ck_assert_uint_eq(mpf_ctx_get_state_bytes(p.ctx, NULL), 0);
	pass_free(&p);

	/* MPTCP connections still open at the end of their capture idle out */
	pass_run(&p, "kernel/v1-2paths/capture.pcap", true, 300);
	total = mpf_ctx_get_node_count(p.ctx);
	ck_assert_uint_gt(total, 0);
	late.ts_sec = 4000000000LL;
	ck_assert_int_eq(mpf_ctx_feed(p.ctx, &late, NULL), MPF_OK);
	ck_assert_uint_eq(p.released[MPF_RELEASE_ENDED] + p.released[MPF_RELEASE_IDLE],
			  total);
	ck_assert_uint_eq(mpf_ctx_get_state_bytes(p.ctx, NULL), 0);
	pass_free(&p);
}
END_TEST

/* -------------------------------------------------------------- flood */

static uint8_t frame_buf[256];

static size_t
ip4(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto, size_t payload)
{
	size_t len = 20 + payload;

	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	b[8] = 64;
	b[9] = proto;
	src = htonl(src);
	dst = htonl(dst);
	memcpy(b + 12, &src, 4);
	memcpy(b + 16, &dst, 4);
	return 20;
}

static void
be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v);
}

/* Flood packet @k: an MP_CAPABLE SYN, an MP_JOIN SYN with a random
 * token, an SCTP INIT, or a LISP Map-Register for a random prefix, each
 * from a new address and port. */
static size_t
flood_packet(uint32_t k, GRand *r)
{
	uint8_t *b = frame_buf;
	uint32_t src = 0x0a000000u | (g_rand_int(r) & 0xffffff);
	uint32_t dst = 0xc0a80000u | (k & 0xffff);
	uint16_t sport = (uint16_t)(1024 + g_rand_int_range(r, 0, 60000));
	size_t o = 0;

	switch (k % 4) {
	case 0:
	case 1: /* TCP SYN with MP_CAPABLE (v0, key) or MP_JOIN */
		o = ip4(b, src, dst, 6, 20 + 12);
		be16(b + o, sport);
		be16(b + o + 2, 80);
		be32(b + o + 4, g_rand_int(r));
		b[o + 12] = 0x80; /* 32 bytes of header */
		b[o + 13] = 0x02;
		be16(b + o + 14, 65535);
		b[o + 20] = 30;
		b[o + 21] = 12;
		if (k % 4 == 0) {
			b[o + 22] = 0x00; /* MP_CAPABLE, version 0 */
			b[o + 23] = 0x81;
		} else {
			b[o + 22] = 0x10; /* MP_JOIN */
			b[o + 23] = 1;
		}
		be32(b + o + 24, g_rand_int(r));
		be32(b + o + 28, g_rand_int(r));
		return o + 32;
	case 2: { /* SCTP INIT */
		o = ip4(b, src, dst, 132, 12 + 20);
		be16(b + o, sport);
		be16(b + o + 2, 7);
		be32(b + o + 4, 0);
		b[o + 12] = 1;
		be16(b + o + 14, 20);
		be32(b + o + 16, g_rand_int(r) | 1); /* initiate tag */
		be32(b + o + 20, 65536);
		be16(b + o + 24, 10);
		be16(b + o + 26, 10);
		be32(b + o + 28, g_rand_int(r));
		be32(b + o + 8, mpf__sctp_checksum(b + o, 32));
		return o + 32;
	}
	default: { /* LISP Map-Register, one record, one locator */
		uint8_t *m;

		o = ip4(b, src, 0x0a630001u, 17, 8 + 52);
		be16(b + o, 4342);
		be16(b + o + 2, 4342);
		be16(b + o + 4, 8 + 52);
		m = b + o + 8;
		memset(m, 0, 52);
		m[0] = 0x30;
		m[3] = 1;
		be32(m + 4, g_rand_int(r));
		be32(m + 8, g_rand_int(r));
		be32(m + 16, 1440); /* record: TTL, 1 locator, /24 */
		m[20] = 1;
		m[21] = 24;
		be16(m + 26, 1);
		be32(m + 28, 0xac000000u | (g_rand_int(r) & 0xffff00));
		m[32] = 1; /* priority, weight, m-priority, m-weight */
		m[33] = 100;
		m[34] = 255;
		be16(m + 36, 0x0005); /* L, R */
		be16(m + 38, 1);
		be32(m + 40, src);
		return o + 8 + 44;
	}
	}
}

struct flood {
	struct pass *p;
	GRand *rand;
	uint32_t per_packet; /* flood packets after each real one */
	uint32_t number;
	uint64_t sent;
};

static void
feed_with_flood(const struct mpf_packet *pkt, void *user)
{
	struct flood *fl = user;
	struct mpf_packet q = *pkt;
	uint32_t i;

	q.number = ++fl->number;
	ck_assert_int_eq(mpf_ctx_feed(fl->p->ctx, &q, NULL), MPF_OK);
	for (i = 0; i < fl->per_packet && fl->rand; i++) {
		struct mpf_packet f = *pkt;

		f.number = ++fl->number;
		f.linktype = CRAFT_RAW;
		f.caplen = f.wirelen = (uint32_t)flood_packet(fl->number, fl->rand);
		f.data = frame_buf;
		ck_assert_int_eq(mpf_ctx_feed(fl->p->ctx, &f, NULL), MPF_OK);
		fl->sent++;
	}
}

/* Real traffic of every protocol, one capture after the other. */
static const char *const flood_captures[] = {
	"kernel/v1-3paths-signal-loss/capture.pcap", /* 4340 frames */
	"usrsctp/raw-2paths/capture.pcap",
	"oor/v4-primary-backup/capture.pcap",
};

static void
flood_pass(struct pass *p, struct flood *fl, uint64_t cap)
{
	struct mpf_config *cfg = mpf_config_new();
	guint i;

	memset(p, 0, sizeof(*p));
	p->nodes = g_ptr_array_new_with_free_func(g_free);
	mpf_config_set_streaming(cfg, cap != 0);
	mpf_config_set_memory_cap(cfg, cap);
	mpf_config_set_release_handler(cfg, on_release, p);
	p->ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	fl->p = p;
	for (i = 0; i < G_N_ELEMENTS(flood_captures); i++)
		capture_foreach(flood_captures[i], feed_with_flood, fl);
	add_left(p);
}

/* @sig with frame numbers k turned into the flood run's numbers. */
static char *
shift_frames(const struct mpf_node *n, uint32_t per_packet)
{
	char *sig = signature(n), *out, from[64], to[64];
	gchar **parts;

	snprintf(from, sizeof(from), "first %u last %u",
		 mpf_node_get_first_frame(n), mpf_node_get_last_frame(n));
	snprintf(to, sizeof(to), "first %u last %u",
		 (mpf_node_get_first_frame(n) - 1) * (per_packet + 1) + 1,
		 (mpf_node_get_last_frame(n) - 1) * (per_packet + 1) + 1);
	parts = g_strsplit(sig, from, 2);
	out = g_strjoinv(to, parts);
	g_strfreev(parts);
	g_free(sig);
	return out;
}

/*
 * A million flood packets mixed into real MPTCP, SCTP and LISP traffic
 * (about 170 after each real packet), under the default cap: the state
 * never passes the cap (by more than the node being analysed), the flood
 * is evicted and counted, and every real node comes out as a pass without
 * the flood sees it.
 */
START_TEST(test_flood)
{
	struct pass keep, p;
	struct flood fl;
	uint64_t peak, cap = 16u << 20; /* the default */
	uint32_t i, real;
	guint k, found = 0;
	GHashTable *have;

	memset(&fl, 0, sizeof(fl));
	flood_pass(&keep, &fl, 0);
	real = fl.number;

	memset(&fl, 0, sizeof(fl));
	fl.rand = g_rand_new_with_seed(7);
	fl.per_packet = 1000000 / real + 1;
	flood_pass(&p, &fl, cap);
	ck_assert_uint_ge(fl.sent, 1000000);

	mpf_ctx_get_state_bytes(p.ctx, &peak);
	printf("flood: %" PRIu64 " flood and %u real packets, state peak %" PRIu64
	       " bytes (cap %" PRIu64 "), %" PRIu64 " nodes evicted\n",
	       fl.sent, real, peak, cap,
	       mpf_ctx_get_counter(p.ctx, MPF_COUNTER_EVICTED));
	ck_assert_msg(peak <= cap + (64u << 10), "peak %" PRIu64, peak);
	ck_assert_uint_gt(mpf_ctx_get_counter(p.ctx, MPF_COUNTER_EVICTED),
			  fl.sent / 2);
	ck_assert_uint_eq(mpf_ctx_get_counter(p.ctx, MPF_COUNTER_EVICTED),
			  p.released[MPF_RELEASE_EVICTED]);
	have = g_hash_table_new(g_str_hash, g_str_equal);
	for (k = 0; k < p.nodes->len; k++)
		g_hash_table_add(have, g_ptr_array_index(p.nodes, k));
	for (i = 0; i < mpf_ctx_get_node_count(keep.ctx); i++) {
		const struct mpf_node *n = mpf_ctx_get_node(keep.ctx, i);
		char *want;

		if (mpf_node_get_merged_into(n) != MPF_ID_NONE)
			continue;
		want = shift_frames(n, fl.per_packet);
		ck_assert_msg(g_hash_table_contains(have, want),
			      "node %u lost under the flood: %s", i, want);
		found++;
		g_free(want);
	}
	ck_assert_uint_gt(found, 3);
	g_hash_table_destroy(have);
	g_rand_free(fl.rand);
	pass_free(&keep);
	pass_free(&p);
}
END_TEST

/* Map-Registers of four records each: every site they make counts
 * against the cap, not only the frame's first. */
START_TEST(test_many_records)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;
	GRand *r = g_rand_new_with_seed(11);
	uint64_t peak, cap = 2u << 20;
	uint32_t k, live = 0;

	mpf_config_set_streaming(cfg, true);
	mpf_config_set_memory_cap(cfg, cap);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	for (k = 1; k <= 100000; k++) {
		struct mpf_packet pkt = { 0 };
		uint8_t *b = frame_buf, *m;
		size_t o = ip4(b, 0x0a000001u, 0x0a630001u, 17, 8 + 16 + 4 * 28);
		int i;

		be16(b + o, 4342);
		be16(b + o + 2, 4342);
		be16(b + o + 4, 8 + 16 + 4 * 28);
		m = b + o + 8;
		memset(m, 0, 16 + 4 * 28);
		m[0] = 0x30;
		m[3] = 4;
		be32(m + 4, g_rand_int(r));
		for (i = 0; i < 4; i++) {
			uint8_t *rec = m + 16 + 28 * i; /* after nonce, key id, auth length */

			be32(rec, 1440);
			rec[4] = 1;
			rec[5] = 32;
			be16(rec + 10, 1);
			be32(rec + 12, g_rand_int(r));
			rec[16] = 1;
			rec[17] = 100;
			be16(rec + 20, 0x0005);
			be16(rec + 22, 1);
			be32(rec + 24, 0x0a000001u);
		}
		pkt.number = k;
		pkt.linktype = CRAFT_RAW;
		pkt.data = b;
		pkt.caplen = pkt.wirelen = (uint32_t)(o + 8 + 16 + 4 * 28);
		pkt.ts_sec = 1000;
		ck_assert_int_eq(mpf_ctx_feed(ctx, &pkt, NULL), MPF_OK);
	}
	mpf_ctx_get_state_bytes(ctx, &peak);
	ck_assert_msg(peak <= cap + (64u << 10), "peak %" PRIu64, peak);
	/* the estimate counts what is held: few sites are left alive */
	for (k = 0; k < mpf_ctx_get_node_count(ctx); k++)
		live += mpf_ctx_get_node(ctx, k) != NULL;
	ck_assert_uint_ge(mpf_ctx_get_node_count(ctx), 399000);
	ck_assert_uint_lt(live, 10000);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_EVICTED),
			  mpf_ctx_get_node_count(ctx) - live);
	g_rand_free(r);
	mpf_ctx_free(ctx);
}
END_TEST

static Suite *
stream_suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("captures");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_same_nodes, 0, G_N_ELEMENTS(same_cases));
	tcase_add_test(tc, test_release_reasons);
	suite_add_tcase(s, tc);
	tc = tcase_create("flood");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_flood);
	tcase_add_test(tc, test_many_records);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(stream_suite)
