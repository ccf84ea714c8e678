/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mpf_match_new() and its accessors: the contract (arguments, the segment
 * log, bounds), a capture matched with itself, crafted pairs where the
 * answer is known (a loss and its retransmission without timestamps,
 * addresses rewritten on one side), and a hostile pair of 160,000 copies
 * of one segment, which must pair in linear time.
 */
#include <string.h>

#include <glib.h>

#include "mpf-test.h"

static struct mpf_ctx *
logging_ctx(void)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;

	mpf_config_set_segment_log(cfg, true);
	mpf_config_set_retain_frames(cfg, false);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	ck_assert_ptr_nonnull(ctx);
	return ctx;
}

/* Feeds a crafted segment at @ts_us microseconds. */
static void
feed_at(struct mpf_ctx *ctx, const struct craft_tcp *t, int64_t ts_us)
{
	uint8_t buf[2048];
	size_t len = craft_tcp_frame(buf, sizeof(buf), CRAFT_RAW, t);
	struct mpf_packet pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.number = (uint32_t)mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES) + 1;
	pkt.linktype = CRAFT_RAW;
	pkt.data = buf;
	pkt.caplen = pkt.wirelen = (uint32_t)len;
	pkt.ts_sec = 1700000000 + ts_us / 1000000;
	pkt.ts_nsec = (uint32_t)(ts_us % 1000000) * 1000;
	ck_assert_int_eq(mpf_ctx_feed(ctx, &pkt, NULL), MPF_OK);
}

static void
feed_file(const struct mpf_packet *pkt, void *user)
{
	ck_assert_int_eq(mpf_ctx_feed(user, pkt, NULL), MPF_OK);
}

START_TEST(contract)
{
	struct mpf_ctx *a = logging_ctx(), *plain = mpf_ctx_new(NULL);
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *streaming;
	struct mpf_match *m = (struct mpf_match *)1;
	struct mpf_match_connection c;
	struct mpf_match_packet p;
	struct mpf_match_clock k;

	mpf_config_set_segment_log(cfg, true);
	mpf_config_set_streaming(cfg, true);
	streaming = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	ck_assert_int_eq(mpf_match_new(NULL, a, &m), MPF_ERR_INVALID);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(mpf_match_new(a, NULL, &m), MPF_ERR_INVALID);
	ck_assert_int_eq(mpf_match_new(a, a, NULL), MPF_ERR_INVALID);
	/* without the log, or streaming (which keeps none) */
	ck_assert_int_eq(mpf_match_new(a, plain, &m), MPF_ERR_INVALID);
	ck_assert_int_eq(mpf_match_new(streaming, a, &m), MPF_ERR_INVALID);
	/* two empty captures: a result with nothing in it */
	ck_assert_int_eq(mpf_match_new(a, a, &m), MPF_OK);
	ck_assert_uint_eq(mpf_match_get_connection_count(m), 0);
	ck_assert_uint_eq(mpf_match_get_packet_count(m), 0);
	ck_assert_int_eq(mpf_match_get_connection(m, 0, &c, sizeof(c)),
			 MPF_ERR_NOT_FOUND);
	ck_assert_int_eq(mpf_match_get_packet(m, 0, &p, sizeof(p)),
			 MPF_ERR_NOT_FOUND);
	ck_assert_int_eq(mpf_match_get_packet(m, 0, NULL, sizeof(p)),
			 MPF_ERR_INVALID);
	ck_assert_int_eq(mpf_match_get_clock(m, &k, sizeof(k)), MPF_OK);
	ck_assert(!k.has_offset && !k.has_c2s_min);
	ck_assert_uint_eq(mpf_match_get_unmatched_node(m, MPF_SIDE_CLIENT, 0),
			  MPF_ID_NONE);
	ck_assert_uint_eq(mpf_match_get_unmatched_node_count(m, (enum mpf_side)7), 0);
	mpf_match_free(m);
	mpf_match_free(NULL);
	ck_assert_uint_eq(mpf_match_get_connection_count(NULL), 0);
	ck_assert_str_eq(mpf_match_how_to_string(MPF_MATCH_ORDER), "order");
	ck_assert_str_eq(mpf_match_how_to_string((enum mpf_match_how)99), "unknown");
	ck_assert_str_eq(mpf_match_state_to_string(MPF_MATCH_UNSENT), "unsent");
	ck_assert_str_eq(mpf_match_verdict_to_string(MPF_MATCH_USEFUL), "useful");
	ck_assert_str_eq(mpf_match_verdict_to_string((enum mpf_match_verdict)9),
			 "unknown");
	mpf_ctx_free(a);
	mpf_ctx_free(plain);
	mpf_ctx_free(streaming);
}
END_TEST

/* A capture matched with itself: every segment pairs with its own frame,
 * every delay is 0, nothing is lost. */
START_TEST(itself)
{
	const char *cap = "kernel/v1-3paths-signal-loss/capture.pcap";
	struct mpf_ctx *a = logging_ctx(), *b = logging_ctx();
	struct mpf_match *m;
	struct mpf_match_clock k;
	uint64_t i, n;
	uint32_t c, s, data = 0;

	capture_foreach(cap, feed_file, a);
	capture_foreach(cap, feed_file, b);
	ck_assert_int_eq(mpf_match_new(a, b, &m), MPF_OK);
	ck_assert_uint_eq(mpf_match_get_connection_count(m), 2);
	for (c = 0; c < 2; c++) {
		struct mpf_match_connection cn;

		ck_assert_int_eq(mpf_match_get_connection(m, c, &cn, sizeof(cn)), 0);
		ck_assert_uint_eq(cn.client_node, cn.server_node);
		ck_assert_int_eq(cn.how, MPF_MATCH_KEYS);
		ck_assert_uint_eq(cn.subflows, 3);
		for (s = 0; s < cn.subflows; s++) {
			struct mpf_match_subflow sf;
			int d;

			ck_assert_int_eq(mpf_match_get_subflow(m, c, s, &sf, sizeof(sf)), 0);
			ck_assert_uint_eq(sf.client_flow, sf.server_flow);
			ck_assert_int_eq(sf.how, MPF_MATCH_ISN);
			for (d = 0; d < 2; d++) {
				ck_assert_uint_eq(sf.dir[d].sent, sf.dir[d].matched);
				ck_assert_uint_eq(sf.dir[d].lost, 0);
				ck_assert_uint_eq(sf.dir[d].unsent, 0);
				ck_assert(!sf.dir[d].has_delay ||
					  (sf.dir[d].delay_min == 0 &&
					   sf.dir[d].delay_max == 0));
				data += (uint32_t)sf.dir[d].sent;
			}
		}
		ck_assert_int_eq(mpf_match_get_subflow(m, c, 3, NULL, 0),
				 MPF_ERR_INVALID);
	}
	n = mpf_match_get_packet_count(m);
	ck_assert_uint_eq(n, data);
	ck_assert_uint_gt(n, 2000);
	for (i = 0; i < n; i++) {
		struct mpf_match_packet p;

		ck_assert_int_eq(mpf_match_get_packet(m, i, &p, sizeof(p)), 0);
		ck_assert_uint_eq(p.client_frame, p.server_frame);
		ck_assert_int_eq(p.state, MPF_MATCH_MATCHED);
		ck_assert_int_eq(p.delay, 0);
		ck_assert(p.len > 0);
	}
	ck_assert_int_eq(mpf_match_get_clock(m, &k, sizeof(k)), 0);
	ck_assert(k.has_offset && k.offset == 0);
	mpf_match_free(m);
	mpf_ctx_free(a);
	mpf_ctx_free(b);
}
END_TEST

#define KA 0x1122334455667788ull
#define KB 0x99aabbccddeeff00ull

/* An MPTCP v1 handshake from @cli to @srv (@sport -> 80) at @t us. */
static void
handshake(struct mpf_ctx *ctx, const char *cli, const char *srv,
	  uint16_t sport, int64_t t)
{
	uint8_t o[40];
	struct craft_tcp x = { cli, srv, sport, 80, 1000, 0, CRAFT_SYN, o, 0, 0 };

	x.opts_len = craft_opt_mpc(o, 1, 0, 0, 0, -1);
	feed_at(ctx, &x, t);
	x.src = srv;
	x.dst = cli;
	x.sport = 80;
	x.dport = sport;
	x.seq = 5000;
	x.ack = 1001;
	x.flags = CRAFT_SYN | CRAFT_ACK;
	x.opts_len = craft_opt_mpc(o, 1, 1, KB, 0, -1);
	feed_at(ctx, &x, t + 10);
	x.src = cli;
	x.dst = srv;
	x.sport = sport;
	x.dport = 80;
	x.seq = 1001;
	x.ack = 5001;
	x.flags = CRAFT_ACK;
	x.opts_len = craft_opt_mpc(o, 1, 2, KA, KB, -1);
	feed_at(ctx, &x, t + 20);
}

/* Data segment @i (100 bytes) from the client, no timestamps. */
static void
data_seg(struct mpf_ctx *ctx, const char *cli, const char *srv,
	 uint16_t sport, uint32_t i, int64_t t)
{
	uint8_t o[40];
	struct craft_tcp x = { cli, srv, sport, 80, 1001 + i * 100, 5001,
			       CRAFT_ACK, o, 0, 100 };

	x.opts_len = craft_opt_dss(o, 0, 0, 8, 1000 + i * 100, 1 + i * 100, 100,
				   false);
	feed_at(ctx, &x, t);
}

/*
 * The client sends 10 segments and segment 3 again (no timestamps); the
 * server, behind a NAT (other addresses and port), got 9 of the first and
 * the retransmission: the original 3 is lost, the copy matched, the
 * delays 1 ms. Pairing is by keys and by ISN: the addresses never agree.
 */
START_TEST(loss_and_nat)
{
	struct mpf_ctx *c = logging_ctx(), *s = logging_ctx();
	struct mpf_match *m;
	struct mpf_match_connection cn;
	struct mpf_match_subflow sf;
	uint64_t i, n;
	uint32_t k, lost = 0, matched = 0;

	handshake(c, "10.0.0.1", "10.0.0.2", 40000, 0);
	handshake(s, "192.0.2.7", "198.51.100.2", 61000, 1000);
	for (k = 0; k < 10; k++) {
		data_seg(c, "10.0.0.1", "10.0.0.2", 40000, k, 100000 + k * 1000);
		if (k != 3)
			data_seg(s, "192.0.2.7", "198.51.100.2", 61000, k,
				 101000 + k * 1000);
	}
	data_seg(c, "10.0.0.1", "10.0.0.2", 40000, 3, 300000);
	data_seg(s, "192.0.2.7", "198.51.100.2", 61000, 3, 301000);

	ck_assert_int_eq(mpf_match_new(c, s, &m), MPF_OK);
	ck_assert_uint_eq(mpf_match_get_connection_count(m), 1);
	mpf_match_get_connection(m, 0, &cn, sizeof(cn));
	ck_assert_int_eq(cn.how, MPF_MATCH_KEYS);
	mpf_match_get_subflow(m, 0, 0, &sf, sizeof(sf));
	ck_assert_int_eq(sf.how, MPF_MATCH_ISN);
	ck_assert(!sf.reversed);
	ck_assert_uint_eq(sf.dir[MPF_SIDE_CLIENT].sent, 11);
	ck_assert_uint_eq(sf.dir[MPF_SIDE_CLIENT].received, 10);
	ck_assert_uint_eq(sf.dir[MPF_SIDE_CLIENT].lost, 1);
	ck_assert_int_eq(sf.dir[MPF_SIDE_CLIENT].delay_min, 1000000);
	ck_assert_int_eq(sf.dir[MPF_SIDE_CLIENT].delay_max, 1000000);
	n = mpf_match_get_packet_count(m);
	ck_assert_uint_eq(n, 11);
	for (i = 0; i < n; i++) {
		struct mpf_match_packet p;

		mpf_match_get_packet(m, i, &p, sizeof(p));
		if (p.state == MPF_MATCH_LOST) {
			lost++;
			/* the original: the 4th data segment, frame 3 + 4 */
			ck_assert_uint_eq(p.client_frame, 7);
			ck_assert_uint_eq(p.server_frame, 0);
		} else {
			matched++;
			ck_assert_int_eq(p.delay, 1000000);
		}
		/* rows in the sender's order */
		if (i > 0) {
			struct mpf_match_packet q;

			mpf_match_get_packet(m, i - 1, &q, sizeof(q));
			ck_assert_uint_lt(q.client_frame, p.client_frame);
		}
	}
	ck_assert_uint_eq(lost, 1);
	ck_assert_uint_eq(matched, 10);
	mpf_match_free(m);
	mpf_ctx_free(c);
	mpf_ctx_free(s);
}
END_TEST

/*
 * 100,000 copies of one segment sent, 60,000 received (the last ones,
 * 1 ms later), plus one other segment that tells the delay: every copy
 * received pairs with the copy it is, 40,000 are lost, in time that
 * grows with the copies (a quadratic pairing would take minutes).
 */
START_TEST(hostile_copies)
{
	struct mpf_ctx *c = logging_ctx(), *s = logging_ctx();
	struct mpf_match *m;
	struct mpf_match_subflow sf;
	struct mpf_match_packet p;
	uint32_t k;
	uint64_t i, n;

	handshake(c, "10.0.0.1", "10.0.0.2", 40000, 0);
	handshake(s, "10.0.0.1", "10.0.0.2", 40000, 0);
	data_seg(c, "10.0.0.1", "10.0.0.2", 40000, 1, 500);
	data_seg(s, "10.0.0.1", "10.0.0.2", 40000, 1, 1500);
	for (k = 0; k < 100000; k++) {
		data_seg(c, "10.0.0.1", "10.0.0.2", 40000, 0, 10000 + k * 10);
		if (k >= 40000)
			data_seg(s, "10.0.0.1", "10.0.0.2", 40000, 0,
				 11000 + k * 10);
	}
	ck_assert_int_eq(mpf_match_new(c, s, &m), MPF_OK);
	mpf_match_get_subflow(m, 0, 0, &sf, sizeof(sf));
	ck_assert_uint_eq(sf.dir[0].sent, 100001);
	ck_assert_uint_eq(sf.dir[0].matched, 60001);
	ck_assert_uint_eq(sf.dir[0].lost, 40000);
	ck_assert_int_eq(sf.dir[0].delay_min, 1000000);
	ck_assert_int_eq(sf.dir[0].delay_max, 1000000);
	n = mpf_match_get_packet_count(m);
	for (i = 0; i < n; i++) {
		mpf_match_get_packet(m, i, &p, sizeof(p));
		ck_assert(p.state == MPF_MATCH_LOST || p.delay == 1000000);
	}
	mpf_match_free(m);
	mpf_ctx_free(c);
	mpf_ctx_free(s);
}
END_TEST

static Suite *
match_suite(void)
{
	Suite *s = suite_create("match");
	TCase *t = tcase_create("match");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, contract);
	tcase_add_test(t, itself);
	tcase_add_test(t, loss_and_nat);
	tcase_add_test(t, hostile_copies);
	suite_add_tcase(s, t);
	return s;
}

MPF_TEST_MAIN(match_suite)
