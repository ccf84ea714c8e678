/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MPTCP analysis in depth, on the captures in tests/data: which frames are
 * reinjections (and why Wireshark misses some), what verification finds,
 * how connections end, per-direction statistics, and association without
 * the handshake (the captures cut at several points, as `editcap -r` would,
 * must group their subflows as the full captures do).
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mpf-private.h"
#include "mpf-test.h"

/* ------------------------------------------------------ reinjections */

struct seqs {
	uint32_t want[2];
	uint32_t seq[2];
};

static void
grab_seq(const struct mpf_packet *raw, void *user)
{
	struct seqs *s = user;
	struct mpf_pkt pkt;
	int i;

	for (i = 0; i < 2; i++) {
		if (raw->number != s->want[i])
			continue;
		mpf__decode(raw, &pkt);
		ck_assert(pkt.has_tcp);
		s->seq[i] = pkt.seq;
	}
}

/*
 * Frame 2308 sends again, on the same subflow, the DSN range frame 117 sent
 * (the kernel's MPTCP-level retransmission), at another subflow sequence
 * number: an MPTCP reinjection, not a TCP retransmission. Wireshark 4.0
 * looks for reinjections on other subflows only and does not flag it
 * (tshark -o mptcp.intersubflows_retransmission:TRUE shows no
 * mptcp.reinjection_of here: see the capture's .tshark.tsv).
 */
START_TEST(test_same_subflow_reinjection)
{
	const char *rel = "kernel/v1-3paths-signal-loss/capture.pcap";
	struct mpf_ctx *ctx = capture_load(rel);
	const struct mpf_frame *a = mpf_ctx_get_frame(ctx, 117);
	const struct mpf_frame *b = mpf_ctx_get_frame(ctx, 2308);
	struct seqs s = { { 117, 2308 }, { 0, 0 } };
	uint64_t da, db;

	ck_assert(mpf_frame_get_mptcp_dsn(a, &da));
	ck_assert(mpf_frame_get_mptcp_dsn(b, &db));
	ck_assert_uint_eq(da, 65537);
	ck_assert_uint_eq(db, da);
	ck_assert_uint_eq(mpf_frame_get_flow_id(a), mpf_frame_get_flow_id(b));
	capture_foreach(rel, grab_seq, &s);
	ck_assert_uint_eq(s.seq[1] - s.seq[0], 130049 - 64513);
	ck_assert(mpf_frame_get_mptcp_flags(b) & MPF_MPTCP_FRAME_REINJECTION);
	ck_assert(!(mpf_frame_get_mptcp_flags(b) & MPF_MPTCP_FRAME_RETRANSMISSION));
	ck_assert_uint_eq(mpf_frame_get_mptcp_reinjection_of(b), 117);
	ck_assert_uint_eq(mpf_frame_get_mptcp_reinjected_in(a), 2308);
	mpf_ctx_free(ctx);
}
END_TEST

/*
 * The library's anomaly policy and goodput, which the CLI's report and
 * summary print: the 23 reinjections of connection 0 are anomalies, its
 * duplicate data acks and DATA_FINs are not; the goodput is the unique
 * bytes over the connection's 0.509792 s.
 */
START_TEST(test_anomalies_goodput)
{
	const char *rel = "kernel/v1-3paths-signal-loss/capture.pcap";
	struct mpf_ctx *ctx = capture_load(rel);
	const struct mpf_node *n = mpf_ctx_get_node(ctx, 0);
	uint32_t i, reinj = 0, other = 0;

	ck_assert_uint_eq(mpf_frame_get_anomalies(mpf_ctx_get_frame(ctx, 2308)),
			  MPF_MPTCP_FRAME_REINJECTION);
	for (i = 1; i <= mpf_node_get_last_frame(n); i++) {
		const struct mpf_frame *f = mpf_ctx_get_frame(ctx, i);
		unsigned a = mpf_frame_get_anomalies(f);

		if (mpf_frame_get_node_id(f) != 0)
			continue;
		reinj += a == MPF_MPTCP_FRAME_REINJECTION;
		other += a && a != MPF_MPTCP_FRAME_REINJECTION;
		if (mpf_frame_get_mptcp_flags(f) &
		    (MPF_MPTCP_FRAME_DUP_DACK | MPF_MPTCP_FRAME_DATA_FIN))
			ck_assert_uint_eq(a & ~(unsigned)MPF_MPTCP_FRAME_REINJECTION,
					  0);
	}
	ck_assert_uint_eq(reinj, 23);
	ck_assert_uint_eq(other, 0);
	ck_assert_double_eq_tol(mpf_node_get_mptcp_goodput(n, MPF_SIDE_SERVER),
				1500000 / 0.509792, 1e-6);
	ck_assert_double_eq_tol(mpf_node_get_mptcp_goodput(n, MPF_SIDE_CLIENT),
				9 / 0.509792, 1e-9);
	ck_assert_double_eq(mpf_node_get_mptcp_goodput(n, (enum mpf_side)2), 0.0);
	ck_assert_double_eq(mpf_node_get_mptcp_goodput(NULL, MPF_SIDE_CLIENT),
			    0.0);
	mpf_ctx_free(ctx);
}
END_TEST

/* TCP retransmissions (same subflow, same sequence number) are not
 * reinjections: the fast close capture has 24 (tshark counts 25, one of
 * which re-sends a segment whose first copy was lost before the capture
 * point, new data for the receiver). */
START_TEST(test_retransmissions)
{
	struct mpf_ctx *ctx = capture_load("kernel/fastclose/capture.pcap");
	const struct mpf_node *n = mpf_ctx_get_node(ctx, 0);
	const struct mpf_frame *f = mpf_ctx_get_frame(ctx, 483);
	struct mpf_mptcp_stats st;

	ck_assert_int_eq(mpf_node_get_mptcp_stats(n, MPF_SIDE_SERVER, &st,
						  sizeof(st)),
			 MPF_OK);
	ck_assert_uint_eq(st.retransmissions, 24);
	ck_assert_uint_eq(st.retransmitted_bytes, 32796);
	ck_assert_uint_eq(st.reinjections, 0);
	ck_assert_uint_eq(st.unique_bytes + st.retransmitted_bytes,
			  st.data_bytes);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_RETRANSMISSION);
	ck_assert_uint_eq(mpf_frame_get_mptcp_reinjection_of(f), 0);
	mpf_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------ concrete values */

struct expect {
	const char *capture;
	uint32_t node;
	enum mpf_mptcp_end end;
	uint32_t end_frame;
	uint32_t join_ok, csum_ok, add_addr_ok, add_addr_legacy;
	uint64_t s2c_reinjections, s2c_reinjected_bytes;
	uint64_t s2c_unique;
	uint32_t s2c_data_fin_frame;
	bool checksum;
};

static const struct expect expects[] = {
	{ "kernel/v1-3paths-signal-loss/capture.pcap", 0,
	  MPF_MPTCP_END_DATA_FIN, 4325, 4, 0, 2, 0, 23, 32608, 1500000, 4325,
	  false },
	{ "kernel/v1-3paths-signal-loss/capture.pcap", 1,
	  MPF_MPTCP_END_DATA_FIN, 2291, 4, 0, 2, 0, 0, 0, 1500000, 2291,
	  false },
	{ "kernel/v1-checksum/capture.pcap", 0, MPF_MPTCP_END_DATA_FIN, 832, 2,
	  23, 0, 0, 0, 0, 600000, 832, true },
	{ "kernel/v1-ipv6-signal/capture.pcap", 0, MPF_MPTCP_END_DATA_FIN, 1110,
	  2, 0, 1, 0, 0, 0, 800000, 1110, false },
	{ "kernel/fastclose/capture.pcap", 0, MPF_MPTCP_END_FASTCLOSE, 2199, 2,
	  0, 0, 0, 0, 0, 1507248, 0, false },
	{ "kernel/fallback/capture.pcap", 0, MPF_MPTCP_END_FALLBACK, 2, 0, 0, 0,
	  0, 0, 0, 0, 0, false },
	{ "public/tcpdump-mptcp-v0.pcap", 0, MPF_MPTCP_END_DATA_FIN, 260, 2, 151,
	  0, 0, 0, 0, 8561, 260, true },
	{ "public/tcpdump-mptcp-aa-v1.pcap", 0, MPF_MPTCP_END_DATA_FIN, 23, 0, 0,
	  0, 1, 2, 32, 48, 23, false },
	{ "public/tcpdump-mptcp-fclose.pcap", 0, MPF_MPTCP_END_FASTCLOSE, 10, 0,
	  2, 0, 0, 0, 0, 1, 0, true },
	{ "public/tcpdump-mptcp-tcprst.pcap", 0, MPF_MPTCP_END_RESET, 1, 0, 0, 0,
	  0, 0, 0, 0, 0, false },
};

START_TEST(test_values)
{
	const struct expect *e = &expects[_i];
	struct mpf_ctx *ctx = capture_load(e->capture);
	const struct mpf_node *n = mpf_ctx_get_node(ctx, e->node);
	struct mpf_mptcp_checks ck;
	struct mpf_mptcp_stats st;
	uint32_t frame;

	ck_assert_int_eq(mpf_node_get_mptcp_end(n, &frame), e->end);
	ck_assert_uint_eq(frame, e->end_frame);
	ck_assert_int_eq(mpf_node_get_mptcp_checks(n, &ck, sizeof(ck)), MPF_OK);
	ck_assert_uint_eq(ck.join_hmac_ok, e->join_ok);
	ck_assert_uint_eq(ck.join_hmac_bad, 0);
	ck_assert_uint_eq(ck.csum_ok, e->csum_ok);
	ck_assert_uint_eq(ck.csum_bad, 0);
	ck_assert_uint_eq(ck.csum_unverifiable, 0);
	ck_assert_uint_eq(ck.add_addr_hmac_ok, e->add_addr_ok);
	ck_assert_uint_eq(ck.add_addr_hmac_legacy, e->add_addr_legacy);
	ck_assert_uint_eq(ck.add_addr_hmac_bad, 0);
	ck_assert_int_eq(mpf_node_get_mptcp_stats(n, MPF_SIDE_SERVER, &st,
						  sizeof(st)),
			 MPF_OK);
	ck_assert_uint_eq(st.reinjections, e->s2c_reinjections);
	ck_assert_uint_eq(st.reinjected_bytes, e->s2c_reinjected_bytes);
	ck_assert_uint_eq(st.unique_bytes, e->s2c_unique);
	ck_assert_uint_eq(st.data_fin ? st.data_fin_frame : 0,
			  e->s2c_data_fin_frame);
	ck_assert(mpf_node_get_mptcp_checksum(n) == e->checksum);
	mpf_ctx_free(ctx);
}
END_TEST

/* ADD_ADDR: an RFC HMAC, the peer's echo; the pre-2020 Linux form. */
START_TEST(test_add_addr)
{
	struct mpf_ctx *ctx = capture_load("kernel/v1-ipv6-signal/capture.pcap");
	struct mpf_mptcp_address ad;
	char a[MPF_ADDR_STRLEN];
	const struct mpf_frame *f;

	ck_assert_uint_eq(mpf_node_get_mptcp_address_count(mpf_ctx_get_node(ctx, 0)), 1);
	ck_assert_int_eq(mpf_node_get_mptcp_address(mpf_ctx_get_node(ctx, 0), 0,
						    &ad, sizeof(ad)),
			 MPF_OK);
	ck_assert_int_eq(ad.side, MPF_SIDE_SERVER);
	ck_assert_uint_eq(ad.id, 1);
	ck_assert_str_eq(mpf_addr_to_string(&ad.addr, a, sizeof(a)), "fd00:2::2");
	ck_assert_uint_eq(ad.frame, 4);
	ck_assert_uint_eq(ad.echo_frame, 5);
	ck_assert_int_eq(ad.hmac, MPF_MPTCP_HMAC_OK);
	f = mpf_ctx_get_frame(ctx, 4);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_ADD_ADDR_HMAC_OK);
	ck_assert_int_eq(mpf_node_get_mptcp_address(mpf_ctx_get_node(ctx, 0), 1,
						    &ad, sizeof(ad)),
			 MPF_ERR_NOT_FOUND);
	mpf_ctx_free(ctx);

	ctx = capture_load("public/tcpdump-mptcp-aa-v1.pcap");
	ck_assert_int_eq(mpf_node_get_mptcp_address(mpf_ctx_get_node(ctx, 0), 0,
						    &ad, sizeof(ad)),
			 MPF_OK);
	ck_assert_str_eq(mpf_addr_to_string(&ad.addr, a, sizeof(a)),
			 "192.168.136.225");
	ck_assert_int_eq(ad.hmac, MPF_MPTCP_HMAC_LEGACY);
	f = mpf_ctx_get_frame(ctx, 13);
	ck_assert(mpf_frame_get_mptcp_flags(f) &
		  MPF_MPTCP_FRAME_ADD_ADDR_HMAC_LEGACY);
	/* the server re-sent its first 16 bytes at subflow sequence 17 */
	ck_assert_uint_eq(mpf_frame_get_mptcp_reinjection_of(
				  mpf_ctx_get_frame(ctx, 10)),
			  8);
	ck_assert_uint_eq(mpf_frame_get_mptcp_reinjection_of(
				  mpf_ctx_get_frame(ctx, 16)),
			  14);
	mpf_ctx_free(ctx);
}
END_TEST

/* REMOVE_ADDR ends the subflows of the removed id; MP_TCPRST's reason. */
START_TEST(test_subflow_ends)
{
	struct mpf_ctx *ctx = capture_load("public/tcpdump-mptcp-v0.pcap");
	const struct mpf_flow *f0 = mpf_ctx_get_flow(ctx, 0);

	/* the client removes address id 0: the initial subflow */
	ck_assert_uint_eq(mpf_flow_get_mptcp_removed_frame(f0), 210);
	ck_assert(mpf_frame_get_mptcp_flags(mpf_ctx_get_frame(ctx, 210)) &
		  MPF_MPTCP_FRAME_SUBFLOW_REMOVED);
	ck_assert_uint_eq(mpf_flow_get_mptcp_reset_frame(f0), 211);
	ck_assert_uint_eq(mpf_flow_get_mptcp_removed_frame(mpf_ctx_get_flow(ctx, 1)), 0);
	mpf_ctx_free(ctx);

	ctx = capture_load("public/tcpdump-mptcp-tcprst.pcap");
	ck_assert_int_eq(mpf_flow_get_mptcp_reset_reason(mpf_ctx_get_flow(ctx, 0)), 0);
	ck_assert_uint_eq(mpf_flow_get_mptcp_reset_frame(mpf_ctx_get_flow(ctx, 0)), 1);
	mpf_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------- association, inferred */

/* A subflow's 4-tuple, both directions alike. */
static char *
flow_key(const struct mpf_flow *f)
{
	struct mpf_endpoint s, d;
	char a[MPF_ADDR_STRLEN], b[MPF_ADDR_STRLEN], *x, *y, *k;

	mpf_flow_get_endpoints(f, &s, &d);
	x = g_strdup_printf("%s.%u", mpf_addr_to_string(&s.addr, a, sizeof(a)),
			    s.port);
	y = g_strdup_printf("%s.%u", mpf_addr_to_string(&d.addr, b, sizeof(b)),
			    d.port);
	k = strcmp(x, y) < 0 ? g_strconcat(x, "|", y, NULL)
			     : g_strconcat(y, "|", x, NULL);
	g_free(x);
	g_free(y);
	return k;
}

/* flow key -> node id, for flows with at least @min_packets */
static GHashTable *
grouping(const struct mpf_ctx *ctx, uint64_t min_packets)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	uint32_t i;

	for (i = 0; i < mpf_ctx_get_flow_count(ctx); i++) {
		const struct mpf_flow *f = mpf_ctx_get_flow(ctx, i);

		if (mpf_flow_get_packets(f, MPF_SIDE_CLIENT) +
			    mpf_flow_get_packets(f, MPF_SIDE_SERVER) <
		    min_packets)
			continue;
		g_hash_table_insert(t, flow_key(f),
				    GUINT_TO_POINTER(mpf_flow_get_node_id(f) + 1));
	}
	return t;
}

struct cut {
	struct mpf_ctx *ctx;
	uint32_t from;
};

static void
feed_from(const struct mpf_packet *pkt, void *user)
{
	struct cut *c = user;

	if (pkt->number >= c->from)
		ck_assert_int_eq(mpf_ctx_feed(c->ctx, pkt, NULL), MPF_OK);
}

static const char *const cut_captures[] = {
	"kernel/v1-2paths/capture.pcap",
	"kernel/v1-3paths-signal-loss/capture.pcap",
	"kernel/v1-ipv6-signal/capture.pcap",
	"kernel/v1-checksum/capture.pcap",
	"kernel/fastclose/capture.pcap",
	"kernel/v1-4paths-4conns-loss/capture.pcap",
	"kernel/v1-2paths-snaplen96/capture.pcap",
	"kernel/v1-ipv6-3paths-loss/capture.pcap",
	"kernel/v1-3paths-fastclose/capture.pcap",
};

/*
 * Feeds @rel from frame @from into a new context and checks its grouping
 * of the flows with at least @min_packets in the cut against @full's: two
 * flows are together in the cut exactly when they are in the full
 * capture. Returns: how many pairs of the cut are together in @full.
 */
static unsigned
check_cut(const char *rel, const struct mpf_ctx *full, uint32_t from,
	  uint64_t min_packets)
{
	struct cut c = { mpf_ctx_new(NULL), from };
	GHashTable *want, *got;
	GHashTableIter it, it2;
	gpointer ka, va, kb, vb;
	unsigned joined = 0;

	capture_foreach(rel, feed_from, &c);
	want = grouping(full, 1);
	got = grouping(c.ctx, min_packets);
	g_hash_table_iter_init(&it, got);
	while (g_hash_table_iter_next(&it, &ka, &va)) {
		gpointer wa = g_hash_table_lookup(want, ka);

		ck_assert_ptr_nonnull(wa);
		g_hash_table_iter_init(&it2, got);
		while (g_hash_table_iter_next(&it2, &kb, &vb)) {
			gpointer wb = g_hash_table_lookup(want, kb);

			if (strcmp(ka, kb) >= 0)
				continue;
			ck_assert_msg((wa == wb) == (va == vb),
				      "%s from frame %u: %s and %s are %s in the "
				      "full capture, %s in the cut one",
				      rel, from, (char *)ka, (char *)kb,
				      wa == wb ? "together" : "apart",
				      va == vb ? "together" : "apart");
			joined += wa == wb;
		}
	}
	g_hash_table_destroy(want);
	g_hash_table_destroy(got);
	mpf_ctx_free(c.ctx);
	return joined;
}

/* Cut points, as fractions of the capture: some inside the handshakes,
 * most after every one. */
static const double cut_at[] = { 0.004, 0.02, 0.1, 0.3, 0.6 };

START_TEST(test_inferred_grouping)
{
	const char *rel = cut_captures[_i / G_N_ELEMENTS(cut_at)];
	double frac = cut_at[_i % G_N_ELEMENTS(cut_at)];
	struct mpf_ctx *full = capture_load(rel);
	uint32_t from = (uint32_t)(frac * (double)mpf_ctx_get_counter(
					      full, MPF_COUNTER_FRAMES)) + 1;
	/* a subflow needs a few segments in the cut to show its DSN space */
	unsigned joined = check_cut(rel, full, from, 6);

	/* the test means something only if subflows had to be joined (the
	 * 3-path fast close sends its data on the first subflow only) */
	if (frac >= 0.1 && !strstr(rel, "snaplen") &&
	    !strstr(rel, "3paths-fastclose"))
		ck_assert_uint_gt(joined, 0);
	mpf_ctx_free(full);
}
END_TEST

/*
 * Every subflow counts, however little of it the cut left: the captures
 * cut a few frames from the start and, where connections end abruptly or
 * cleanly, a few frames from the end, where a subflow may be down to its
 * last FIN or its MP_FASTCLOSE reset. Two flows are together in the cut
 * exactly when they are in the full capture. (Three frames from the end
 * each subflow may be down to one ack, of another value on each: nothing
 * could tell those apart from two connections.)
 */
static const int cut_from_end[] = { -2, -4, 6, 12, 25 };

START_TEST(test_inferred_every_flow)
{
	const char *rel = cut_captures[_i / G_N_ELEMENTS(cut_from_end)];
	int k = cut_from_end[_i % G_N_ELEMENTS(cut_from_end)];
	struct mpf_ctx *full = capture_load(rel);
	uint32_t nf = (uint32_t)mpf_ctx_get_counter(full, MPF_COUNTER_FRAMES);

	/* negative: that many frames from the start; else from the end */
	check_cut(rel, full, k < 0 ? (uint32_t)-k + 1 : nf - (uint32_t)k + 1, 1);
	mpf_ctx_free(full);
}
END_TEST

/* A node grouped after the fact says so, with its evidence. */
START_TEST(test_inferred_evidence)
{
	const char *rel = "kernel/v1-3paths-signal-loss/capture.pcap";
	struct cut c = { mpf_ctx_new(NULL), 1000 };
	struct mpf_mptcp_evidence ev;
	uint32_t i, inferred = 0, absorbed = 0;

	capture_foreach(rel, feed_from, &c);
	for (i = 0; i < mpf_ctx_get_node_count(c.ctx); i++) {
		const struct mpf_node *n = mpf_ctx_get_node(c.ctx, i);

		if (mpf_node_get_merged_into(n) != MPF_ID_NONE) {
			absorbed++;
			ck_assert_uint_eq(mpf_node_get_flow_count(n), 0);
			continue;
		}
		if (!mpf_node_get_mptcp_inferred(n))
			continue;
		inferred++;
		ck_assert_uint_ge(mpf_node_get_mptcp_evidence_count(n), 2);
		ck_assert_int_eq(mpf_node_get_mptcp_evidence(n, 0, &ev, sizeof(ev)),
				 MPF_OK);
		ck_assert(ev.wide); /* Linux sends 8-byte DSNs */
		ck_assert_uint_ge(ev.frame, 1000);
		ck_assert(mpf_ctx_get_node(c.ctx, ev.absorbed) != NULL);
	}
	/* 2 connections of 3 subflows each: 4 absorbed nodes */
	ck_assert_uint_eq(inferred, 2);
	ck_assert_uint_eq(absorbed, 4);
	mpf_ctx_free(c.ctx);
}
END_TEST

static Suite *
depth_suite(void)
{
	Suite *s = suite_create("depth");
	TCase *tc = tcase_create("reinjections");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_same_subflow_reinjection);
	tcase_add_test(tc, test_anomalies_goodput);
	tcase_add_test(tc, test_retransmissions);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_values, 0, G_N_ELEMENTS(expects));
	tcase_add_test(tc, test_add_addr);
	tcase_add_test(tc, test_subflow_ends);
	suite_add_tcase(s, tc);

	tc = tcase_create("inferred");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_inferred_grouping, 0,
			    G_N_ELEMENTS(cut_captures) * G_N_ELEMENTS(cut_at));
	tcase_add_loop_test(tc, test_inferred_every_flow, 0,
			    G_N_ELEMENTS(cut_captures) * G_N_ELEMENTS(cut_from_end));
	tcase_add_test(tc, test_inferred_evidence);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(depth_suite)
