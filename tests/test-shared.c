/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Public captures whose licence keeps them out of this repository (no
 * licence, GPL-3.0): read from ../shared/captures/public/ and skipped
 * (exit 77) when that folder is absent. Each asserts what the capture was
 * made to show: crafted anomalies (echoed keys that change, duplicate
 * address ids, a bad token, a join flood, a rejected handshake) and real
 * v0 traffic (DSS checksums, fast closes, four connections of four
 * subflows, an IPv6 address announced on an IPv4 subflow); LISP
 * registration over UDP and over TCP (nDPI, LGPL-3.0).
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "mpf-test.h"

#ifndef MPF_SHARED_DIR
#error "MPF_SHARED_DIR must point at ../shared"
#endif

static char *
shared(const char *name)
{
	return g_build_filename(MPF_SHARED_DIR, "captures", "public", name, NULL);
}

static struct mpf_ctx *
load(const char *name)
{
	char *p = shared(name);
	struct mpf_ctx *ctx = capture_load(p);

	g_free(p);
	return ctx;
}

static struct mpf_mptcp_checks
checks_of(const struct mpf_ctx *ctx, uint32_t node)
{
	struct mpf_mptcp_checks ck;

	ck_assert_int_eq(mpf_node_get_mptcp_checks(mpf_ctx_get_node(ctx, node),
						   &ck, sizeof(ck)),
			 MPF_OK);
	return ck;
}

/* The third ACK echoes keys other than those of SYN and SYN/ACK. */
START_TEST(test_key_change)
{
	struct mpf_ctx *ctx = load("dpi-mptcp-mp_key_change.pcap");
	struct mpf_mptcp_checks ck = checks_of(ctx, 0);

	ck_assert_uint_eq(ck.key_mismatches, 2);
	ck_assert(mpf_frame_get_mptcp_flags(mpf_ctx_get_frame(ctx, 3)) &
		  MPF_MPTCP_FRAME_KEY_MISMATCH);
	ck_assert(!(mpf_frame_get_mptcp_flags(mpf_ctx_get_frame(ctx, 2)) &
		    MPF_MPTCP_FRAME_KEY_MISMATCH));
	mpf_ctx_free(ctx);
}
END_TEST

/* Two ADD_ADDR with one address id and two addresses. */
START_TEST(test_duplicate_address_id)
{
	struct mpf_ctx *ctx = load("dpi-mptcp-wrongAdd_Addr.pcap");
	const struct mpf_node *n = mpf_ctx_get_node(ctx, 0);
	struct mpf_mptcp_address a, b;

	ck_assert_uint_eq(checks_of(ctx, 0).addr_id_conflicts, 1);
	ck_assert_uint_eq(mpf_node_get_mptcp_address_count(n), 2);
	mpf_node_get_mptcp_address(n, 0, &a, sizeof(a));
	mpf_node_get_mptcp_address(n, 1, &b, sizeof(b));
	ck_assert_uint_eq(a.id, 2);
	ck_assert_uint_eq(b.id, 2);
	ck_assert(a.id_conflict && b.id_conflict);
	ck_assert_uint_eq(b.frame, 5);
	ck_assert(mpf_frame_get_mptcp_flags(mpf_ctx_get_frame(ctx, 5)) &
		  MPF_MPTCP_FRAME_ADDR_ID_CONFLICT);
	mpf_ctx_free(ctx);
}
END_TEST

/* A join with a token of no connection: an orphan, not established. */
START_TEST(test_bad_token)
{
	struct mpf_ctx *ctx = load("dpi-mptcp-mod_tok.pcap");
	const struct mpf_frame *f = mpf_ctx_get_frame(ctx, 4);

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 2);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 1);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_ORPHAN_JOIN);
	ck_assert_uint_eq(checks_of(ctx, 1).orphan_joins, 1);
	ck_assert(!mpf_flow_get_mptcp_established(mpf_ctx_get_flow(ctx, 1)));
	mpf_ctx_free(ctx);
}
END_TEST

/* 10,000 join SYNs with one unknown token: one node holds every frame,
 * but only a bounded number of subflows is kept. */
START_TEST(test_join_flood)
{
	struct mpf_ctx *ctx = load("dpi-mptcp-flood.pcap");
	const struct mpf_node *n = mpf_ctx_get_node(ctx, 0);
	struct mpf_mptcp_checks ck = checks_of(ctx, 0);
	uint32_t i;

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 1);
	ck_assert_uint_eq(mpf_node_get_packets(n), 10000);
	ck_assert_uint_eq(mpf_node_get_flow_count(n), 1024);
	ck_assert_uint_eq(ck.orphan_joins, 9854); /* the rest retransmit */
	ck_assert_uint_eq(ck.orphan_joins_untracked, 9854 - 1024);
	for (i = 1; i <= 10000; i++)
		ck_assert_uint_eq(mpf_frame_get_node_id(mpf_ctx_get_frame(ctx, i)), 0);
	mpf_ctx_free(ctx);
}
END_TEST

/* The SYN/ACK answers without MP_CAPABLE (IPv6 lengths hand-edited). */
START_TEST(test_rejected)
{
	struct mpf_ctx *ctx = load("dpi-mptcp-mp_rejected2.pcap");
	uint32_t frame = 0;

	ck_assert_int_eq(mpf_node_get_mptcp_end(mpf_ctx_get_node(ctx, 0), &frame),
			 MPF_MPTCP_END_FALLBACK);
	ck_assert_uint_eq(frame, 2);
	ck_assert(mpf_frame_get_mptcp_flags(mpf_ctx_get_frame(ctx, 2)) &
		  MPF_MPTCP_FRAME_FALLBACK);
	mpf_ctx_free(ctx);
}
END_TEST

/* v0 with DSS checksums: every mapping verifies, among them frame 9, the
 * research notes' vector (DSN 9485794687403768074, 24 bytes, 0x3ea1). */
START_TEST(test_v0_checksums)
{
	struct mpf_ctx *ctx = load("pymptcpanalyzer-iperf-mptcp-0-0.pcap");
	struct mpf_mptcp_checks ck = checks_of(ctx, 0);

	ck_assert_uint_eq(ck.csum_ok, 1657);
	ck_assert_uint_eq(ck.csum_bad, 0);
	ck_assert_uint_eq(ck.csum_unverifiable, 0);
	ck_assert_uint_eq(ck.join_hmac_ok, 2);
	ck_assert(mpf_frame_get_mptcp_flags(mpf_ctx_get_frame(ctx, 9)) &
		  MPF_MPTCP_FRAME_CSUM_OK);
	mpf_ctx_free(ctx);
}
END_TEST

/* Four v0 connections of four subflows (Wireshark: {0,1,2,6} {3,4,5,7}
 * {8-11} {12-15}), two ended by MP_FASTCLOSE. */
START_TEST(test_client_2)
{
	struct mpf_ctx *ctx = load("pymptcpanalyzer-client_2.pcap");
	static const enum mpf_mptcp_end ends[4] = {
		MPF_MPTCP_END_DATA_FIN, MPF_MPTCP_END_FASTCLOSE,
		MPF_MPTCP_END_DATA_FIN, MPF_MPTCP_END_FASTCLOSE,
	};
	static const uint32_t fastclose[4] = { 0, 2051, 0, 2775 };
	uint32_t i, frame;

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 4);
	for (i = 0; i < 4; i++) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, i);

		ck_assert_uint_eq(mpf_node_get_flow_count(n), 4);
		ck_assert_int_eq(mpf_node_get_mptcp_version(n), 0);
		ck_assert_int_eq(mpf_node_get_mptcp_end(n, &frame), ends[i]);
		ck_assert_uint_eq(checks_of(ctx, i).fastclose_frame, fastclose[i]);
		ck_assert_uint_eq(checks_of(ctx, i).join_hmac_bad, 0);
	}
	ck_assert_uint_eq(mpf_node_get_id(mpf_ctx_get_node(ctx, 0)), 0);
	ck_assert_uint_eq(mpf_flow_get_node_id(mpf_ctx_get_flow(ctx, 6)), 0);
	ck_assert_uint_eq(mpf_flow_get_node_id(mpf_ctx_get_flow(ctx, 7)), 1);
	mpf_ctx_free(ctx);
}
END_TEST

/* An IPv6 address announced on an IPv4 subflow; two connections. */
START_TEST(test_demo)
{
	struct mpf_ctx *ctx = load("theinversekey-multipath-demo.pcap");
	const struct mpf_node *n = mpf_ctx_get_node(ctx, 0);
	struct mpf_mptcp_address a;
	char s[MPF_ADDR_STRLEN];

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 2);
	ck_assert_uint_eq(mpf_node_get_mptcp_address_count(n), 2);
	mpf_node_get_mptcp_address(n, 1, &a, sizeof(a));
	ck_assert_int_eq(a.side, MPF_SIDE_SERVER);
	ck_assert_uint_eq(a.addr.family, 6);
	ck_assert_str_eq(mpf_addr_to_string(&a.addr, s, sizeof(s)),
			 "2001:6a8:308f:1:216:3eff:fec5:c815");
	ck_assert_uint_eq(checks_of(ctx, 0).csum_ok, 40);
	mpf_ctx_free(ctx);
}
END_TEST

/* Three connections seen only from their MP_JOINs, each with its own
 * token and DSN space: inference must keep them apart. */
START_TEST(test_three_joins_apart)
{
	struct mpf_ctx *ctx = load("dpi-mptcp-longer.pcapng");
	uint32_t i;

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 3);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(mpf_node_get_merged_into(mpf_ctx_get_node(ctx, i)),
				  MPF_ID_NONE);
		ck_assert(!mpf_node_get_mptcp_inferred(mpf_ctx_get_node(ctx, i)));
	}
	mpf_ctx_free(ctx);
}
END_TEST

static const struct mpf_node *
lisp_site(const struct mpf_ctx *ctx, uint32_t iid, const char *prefix)
{
	uint32_t i;

	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, i);
		struct mpf_addr p;
		uint32_t v;
		uint8_t len;
		char a[MPF_ADDR_STRLEN], buf[MPF_ADDR_STRLEN + 8];

		if (!mpf_node_get_lisp_eid_prefix(n, &p, &len))
			continue;
		mpf_node_get_lisp_iid(n, &v);
		snprintf(buf, sizeof(buf), "%s/%u",
			 mpf_addr_to_string(&p, a, sizeof(a)), len);
		if (v == iid && strcmp(buf, prefix) == 0)
			return n;
	}
	ck_abort_msg("no LISP site [%u] %s", iid, prefix);
	return NULL;
}

/*
 * Two xTRs register eight prefixes (IPv4 and IPv6 EIDs, instance 0 and
 * LCAF instance 100) over UDP, then again over TCP (reliable transport,
 * several messages a segment); the map server refuses two of the second
 * xTR's prefixes (NACK, "not a valid site EID prefix").
 */
START_TEST(test_lisp_registration)
{
	struct mpf_ctx *ctx = load("ndpi-lisp_registration.pcap");
	const struct mpf_frame *f;
	struct mpf_lisp_stats st;
	uint64_t nonce;
	uint32_t iid;

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 10);
	/* frame 16 registers two prefixes in one Map-Register; the first
	 * with priority 255 (not to be used) */
	mpf_node_get_lisp_stats(lisp_site(ctx, 0, "192.168.103.0/26"), &st,
				sizeof(st));
	ck_assert_uint_eq(st.registers, 2); /* frame 16, and over TCP */
	ck_assert_uint_eq(st.notifies, 0);  /* the server never confirmed */
	ck_assert_uint_eq(st.acks, 0);
	ck_assert_uint_eq(st.refusals, 1);
	ck_assert_uint_eq(st.refusal_reason, 1);
	ck_assert_uint_eq(st.refusal_frame, 29);
	mpf_node_get_lisp_stats(lisp_site(ctx, 0, "fc00:192:168:103::/64"), &st,
				sizeof(st));
	ck_assert_uint_eq(st.refusals, 1);
	mpf_node_get_lisp_stats(lisp_site(ctx, 100, "192.168.103.0/26"), &st,
				sizeof(st));
	ck_assert_uint_eq(st.acks, 1);
	ck_assert_uint_eq(st.refusals, 0);
	ck_assert_uint_eq(st.notifies, 2); /* UDP and TCP */
	mpf_node_get_lisp_stats(lisp_site(ctx, 100, "fc00:192:168:102::/64"), &st,
				sizeof(st));
	ck_assert_uint_eq(st.registers, 2);
	/* Map-Notify to Map-Register by nonce */
	ck_assert_uint_eq(mpf_frame_get_lisp_request_frame(mpf_ctx_get_frame(ctx, 5)), 2);
	ck_assert_uint_eq(mpf_frame_get_lisp_request_frame(mpf_ctx_get_frame(ctx, 22)), 19);
	/* frame 13: four Registrations in one segment; the frame is its
	 * first message's (10.0.0.2/32, no instance id) */
	f = mpf_ctx_get_frame(ctx, 13);
	ck_assert_int_eq(mpf_frame_get_lisp_type(f), 3);
	ck_assert(mpf_frame_get_lisp_flags(f) & MPF_LISP_FRAME_TCP);
	ck_assert(mpf_frame_get_lisp_nonce(f, &nonce));
	ck_assert_uint_eq(nonce, 0x67ab931f9e8b974aull);
	ck_assert(!mpf_frame_get_lisp_iid(f, &iid));
	ck_assert_uint_eq(mpf_frame_get_node_id(f),
			  mpf_node_get_id(lisp_site(ctx, 0, "10.0.0.2/32")));
	/* frame 29: ACKs, NACKs and Mapping Notifications */
	f = mpf_ctx_get_frame(ctx, 29);
	ck_assert_str_eq(mpf_lisp_type_to_string(mpf_frame_get_lisp_type(f)),
			 "Registration-ACK");
	ck_assert(mpf_frame_get_lisp_flags(f) & MPF_LISP_FRAME_REFUSED);
	/* the TCP handshake and the refreshes name no site */
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_UNMATCHED), 10);
	ck_assert_str_eq(mpf_lisp_type_to_string(mpf_frame_get_lisp_type(
				 mpf_ctx_get_frame(ctx, 12))),
			 "Registration-Refresh");
	mpf_ctx_free(ctx);
}
END_TEST

static Suite *
shared_suite(void)
{
	Suite *s = suite_create("shared");
	TCase *tc = tcase_create("public");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_key_change);
	tcase_add_test(tc, test_duplicate_address_id);
	tcase_add_test(tc, test_bad_token);
	tcase_add_test(tc, test_join_flood);
	tcase_add_test(tc, test_rejected);
	tcase_add_test(tc, test_v0_checksums);
	tcase_add_test(tc, test_client_2);
	tcase_add_test(tc, test_demo);
	tcase_add_test(tc, test_three_joins_apart);
	tcase_add_test(tc, test_lisp_registration);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	char *dir = g_build_filename(MPF_SHARED_DIR, "captures", "public", NULL);
	SRunner *sr;
	int failed;

	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		printf("skipped: %s not found\n", dir);
		g_free(dir);
		return 77;
	}
	g_free(dir);
	sr = srunner_create(shared_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
