/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public API's contract: configuration, the two-phase frame interface,
 * status codes, addresses, and MPTCP association and sequence numbers on
 * crafted handshakes (v0 and v1, joins, fallback, orphans, 32-bit wrap,
 * port reuse) whose every value is computed by hand here.
 */
#include <inttypes.h>
#include <string.h>

#include "mpf-private.h"
#include "mpf-test.h"

/* HMAC-A of the synthetic keys KA, KB and nonces 0x0a0b0c0d, 0x01020304
 * (research notes, vector G) */
static const uint8_t HMAC_A1[20] = {
	0x0d, 0x15, 0x8f, 0xbf, 0x94, 0x14, 0x97, 0x79, 0x2d, 0xcb,
	0x96, 0xd4, 0x29, 0x64, 0xc5, 0xa6, 0xa8, 0x6a, 0x0f, 0xca,
};

/* ------------------------------------------------------------ fixtures */

#define C_ADDR "10.0.0.1"
#define S_ADDR "10.0.0.2"
#define C2_ADDR "10.0.1.1"

/* The synthetic keys of the research notes, with their v1 values. */
#define KA 0x0102030405060708ULL
#define KB 0x1122334455667788ULL
#define TOKEN_A1 0x66840ddaU
#define IDSN_A1 0xf5a101d3d29d6f72ULL
#define TOKEN_B1 0x1dce6604U
#define IDSN_B1 0x62815714b76ae9a5ULL
#define TOKEN_B0 0xbdc04c09U
#define IDSN_A0 0x3a95ed6e4ebb4ad5ULL
#define IDSN_B0 0xd0549cc0405811d5ULL

static struct craft_tcp
seg(const char *src, uint16_t sport, const char *dst, uint16_t dport,
    uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *opts,
    size_t opts_len, size_t payload)
{
	struct craft_tcp t = {
		.src = src, .dst = dst, .sport = sport, .dport = dport,
		.seq = seq, .ack = ack, .flags = flags, .opts = opts,
		.opts_len = opts_len, .payload_len = payload,
	};

	return t;
}

#define ISN_C 1000u
#define ISN_S 5000u

/* A v1 connection 10.0.0.1:40000 -> 10.0.0.2:80: SYN, SYN/ACK, third
 * ACK, then 100 client bytes carried on MP_CAPABLE (frames 1-4). */
static void
v1_handshake(struct mpf_ctx *ctx)
{
	uint8_t o[40];
	struct craft_tcp t;
	const struct mpf_frame *f;
	uint64_t v;

	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, o,
		craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert_int_eq(mpf_frame_get_direction(f), MPF_SIDE_CLIENT);
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S, ISN_C + 1,
		CRAFT_SYN | CRAFT_ACK, o, craft_opt_mpc(o, 1, 1, KB, 0, -1), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_int_eq(mpf_frame_get_direction(f), MPF_SIDE_SERVER);
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C + 1, ISN_S + 1, CRAFT_ACK, o,
		craft_opt_mpc(o, 1, 2, KA, KB, -1), 0);
	craft_feed_tcp(ctx, &t);
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C + 1, ISN_S + 1, CRAFT_ACK, o,
		craft_opt_mpc(o, 1, 2, KA, KB, 100), 100);
	f = craft_feed_tcp(ctx, &t);
	/* RFC 8684 3.1: the first data is mapped to IDSN + 1 */
	ck_assert(mpf_frame_get_mptcp_dsn(f, &v));
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_eq(mpf_frame_get_mptcp_mapping_frame(f), 4);
}

/* ------------------------------------------------------------- tests */

START_TEST(test_status_strings)
{
	static const int codes[] = {
#define MPF_XX(name, value, text) MPF_##name,
		MPF_STATUS_MAP(MPF_XX)
#undef MPF_XX
	};
	size_t i, j;

	for (i = 0; i < G_N_ELEMENTS(codes); i++) {
		ck_assert_str_ne(mpf_status_to_string(codes[i]), "unknown status");
		for (j = 0; j < i; j++) {
			ck_assert_int_ne(codes[i], codes[j]);
			ck_assert_str_ne(mpf_status_name(codes[i]),
					 mpf_status_name(codes[j]));
		}
	}
	ck_assert_str_eq(mpf_status_name(MPF_ERR_TRUNCATED), "ERR_TRUNCATED");
	ck_assert_str_eq(mpf_status_to_string(-999), "unknown status");
	ck_assert_str_eq(mpf_counter_to_string(MPF_COUNTER_MALFORMED), "malformed");
	ck_assert_str_eq(mpf_counter_to_string(MPF_COUNTER_COUNT), "unknown");
	ck_assert_str_eq(mpf_version_string(), MPF_VERSION_FOR_TESTS);
}
END_TEST

START_TEST(test_protocols)
{
	enum mpf_protocol p = MPF_PROTO_NONE;

	ck_assert_int_eq(mpf_protocol_from_string("MPTCP", &p), MPF_OK);
	ck_assert_int_eq(p, MPF_PROTO_MPTCP);
	ck_assert_int_eq(mpf_protocol_from_string("quic", &p), MPF_ERR_NOT_FOUND);
	ck_assert_int_eq(mpf_protocol_from_string(NULL, &p), MPF_ERR_INVALID);
	ck_assert_str_eq(mpf_protocol_to_string(MPF_PROTO_LISP), "lisp");
	ck_assert_str_eq(mpf_protocol_to_string((enum mpf_protocol)77), "unknown");
	ck_assert(mpf_protocol_is_available(MPF_PROTO_MPTCP));
	ck_assert(!mpf_protocol_is_available(MPF_PROTO_NONE));
	ck_assert_str_eq(mpf_mptcp_subtype_to_string(MPF_MPTCP_SUB_DSS), "DSS");
	ck_assert_str_eq(mpf_mptcp_subtype_to_string(12), "unknown");
	ck_assert_str_eq(mpf_mptcp_role_to_string(MPF_MPTCP_ROLE_JOIN), "join");
	ck_assert(mpf_linktype_is_supported(276));
	ck_assert(!mpf_linktype_is_supported(147));
}
END_TEST

static const struct {
	int family;
	uint8_t bytes[16];
	const char *text;
} addr_cases[] = {
	{ 4, { 192, 0, 2, 1 }, "192.0.2.1" },
	{ 6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, "2001:db8::1" },
	{ 6, { [15] = 1 }, "::1" },
	{ 6, { 0 }, "::" },
	{ 6, { 0xfe, 0x80, [11] = 1, [15] = 1 }, "fe80::1:0:1" },
	/* a single zero group is not compressed (RFC 5952 4.2.2) */
	{ 6, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 },
	  "2001:db8:0:1:1:1:1:1" },
	/* of two equal runs, the first is compressed */
	{ 6, { 0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1 },
	  "2001::1:0:0:1:1" },
	/* the longest run wins over an earlier shorter one */
	{ 6, { 0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 },
	  "2001:0:0:1::1" },
	/* inet_ntop's IPv4-mapped and IPv4-compatible forms */
	{ 6, { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 }, "::ffff:192.0.2.1" },
	{ 6, { [12] = 192, [13] = 0, [14] = 2, [15] = 1 }, "::192.0.2.1" },
	{ 6, { [14] = 0x12, [15] = 0x34 }, "::1234" },
	{ 0, { 0 }, "" },
};

START_TEST(test_addr_to_string)
{
	struct mpf_addr a;
	char buf[MPF_ADDR_STRLEN], tiny[4];

	memset(&a, 0, sizeof(a));
	a.family = (uint8_t)addr_cases[_i].family;
	memcpy(a.bytes, addr_cases[_i].bytes, 16);
	ck_assert_str_eq(mpf_addr_to_string(&a, buf, sizeof(buf)),
			 addr_cases[_i].text);
	/* a short buffer is cut, still terminated */
	mpf_addr_to_string(&a, tiny, sizeof(tiny));
	ck_assert_uint_le(strlen(tiny), 3);
}
END_TEST

START_TEST(test_feed_contract)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	uint8_t byte = 0;
	struct mpf_packet pkt = { .number = 5, .linktype = 1, .data = &byte,
				  .caplen = 1, .wirelen = 60 };
	const struct mpf_frame *f = (const void *)&pkt;

	ck_assert_int_eq(mpf_ctx_feed(NULL, &pkt, &f), MPF_ERR_INVALID);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(mpf_ctx_feed(ctx, NULL, NULL), MPF_ERR_INVALID);
	ck_assert_int_eq(mpf_ctx_feed(ctx, &pkt, &f), MPF_OK);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_TRUNCATED);
	/* the same byte as the whole frame: too short even on the wire */
	pkt.number = 6;
	pkt.wirelen = 1;
	ck_assert_int_eq(mpf_ctx_feed(ctx, &pkt, &f), MPF_OK);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_MALFORMED);
	pkt.number = 5;
	/* numbers must increase; gaps are fine */
	ck_assert_int_eq(mpf_ctx_feed(ctx, &pkt, &f), MPF_ERR_ORDER);
	pkt.number = 4;
	ck_assert_int_eq(mpf_ctx_feed(ctx, &pkt, NULL), MPF_ERR_ORDER);
	pkt.number = 9;
	pkt.linktype = 147; /* a user link type */
	ck_assert_int_eq(mpf_ctx_feed(ctx, &pkt, &f), MPF_OK);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_UNSUPPORTED);
	ck_assert_uint_eq(mpf_frame_get_number(mpf_ctx_get_frame(ctx, 5)), 5);
	ck_assert_uint_eq(mpf_frame_get_number(mpf_ctx_get_frame(ctx, 9)), 9);
	ck_assert_ptr_null(mpf_ctx_get_frame(ctx, 7));
	ck_assert_ptr_null(mpf_ctx_get_frame(ctx, 10));
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES), 3);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_MALFORMED), 1);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_TRUNCATED), 1);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_UNSUPPORTED), 1);
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 0);
	ck_assert_ptr_null(mpf_ctx_get_node(ctx, 0));
	ck_assert_ptr_null(mpf_ctx_get_flow(ctx, 0));
	/* accessors are NULL-safe */
	ck_assert_uint_eq(mpf_node_get_id(NULL), MPF_ID_NONE);
	ck_assert_uint_eq(mpf_frame_get_node_id(NULL), MPF_ID_NONE);
	ck_assert(!mpf_frame_get_mptcp_dsn(NULL, NULL));
	ck_assert_int_eq(mpf_node_get_mptcp_version(NULL), -1);
	mpf_ctx_free(ctx);
	mpf_ctx_free(NULL);
	mpf_config_free(NULL);
}
END_TEST

/* What retaining a whole capture costs (README, "Benchmark"): 32 bytes a
 * frame, blocks of 32767 slots, and a full record for the few frames that
 * do not pack; every retained result reads back as fed. */
static const struct {
	const char *rel;
	unsigned max_full_pct;
} retained_captures[] = {
	{ "kernel/v1-3paths-signal-loss/capture.pcap", 2 },
	{ "kernel/v1-checksum/capture.pcap", 2 },
	{ "usrsctp/raw-2paths/capture.pcap", 2 },
	{ "oor/v4-balance-failover/capture.pcap", 2 }, /* 64-bit nonces pack */
};

static void
compare_fed(const struct mpf_packet *pkt, void *user)
{
	struct mpf_ctx *both = user;
	const struct mpf_frame *fed, *kept;
	struct mpf_frame a;
	int k;

	ck_assert_int_eq(mpf_ctx_feed(both, pkt, &fed), MPF_OK);
	/* the working record the backends filled, against what the store
	 * kept of it (packed, or in full) */
	a = both->scratch;
	kept = mpf_ctx_get_frame(both, pkt->number);
	ck_assert_ptr_eq(kept, fed);
	for (k = 0; k <= MPF_FIELD_BFLAGS; k++)
		ck_assert_msg(mpf__frame_field(kept, (enum mpf__field)k) ==
				      mpf__frame_field(&a, (enum mpf__field)k),
			      "frame %u: field %d differs", pkt->number, k);
}

START_TEST(test_frame_record_size)
{
	const char *rel = retained_captures[_i].rel;
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	uint64_t n, ext, blocks;

	capture_foreach(rel, compare_fed, ctx);
	n = mpf__store_count(ctx->store);
	ext = mpf__store_ext_count(ctx->store);
	blocks = (n + 32766) / 32767;
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(mpf__store_bytes(ctx->store),
			  blocks * 32767 * 32 + blocks * sizeof(void *) +
				  ext * sizeof(struct mpf_frame));
	/* links between frames (reinjections) and 64-bit values are rare */
	ck_assert_msg(ext * 100 <= n * retained_captures[_i].max_full_pct,
		      "%s: %" PRIu64 " of %" PRIu64 " in full", rel, ext, n);
	mpf_ctx_free(ctx);
}
END_TEST

START_TEST(test_not_retained)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;

	mpf_config_set_retain_frames(cfg, false);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	v1_handshake(ctx);
	ck_assert_ptr_null(mpf_ctx_get_frame(ctx, 1));
	ck_assert_ptr_null(mpf_ctx_get_frame(ctx, 4));
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 1);
	mpf_ctx_free(ctx);
}
END_TEST

START_TEST(test_backend_off)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;

	ck_assert_int_eq(mpf_config_set_backend(cfg, MPF_PROTO_MPTCP, false),
			 MPF_OK);
	ck_assert_int_eq(mpf_config_set_backend(cfg, MPF_PROTO_NONE, false),
			 MPF_ERR_NOT_FOUND);
	ck_assert_int_eq(mpf_config_set_backend(NULL, MPF_PROTO_MPTCP, false),
			 MPF_ERR_INVALID);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	{
		uint8_t o[40];
		struct craft_tcp t = seg(C_ADDR, 1, S_ADDR, 2, 1, 0, CRAFT_SYN,
					 o, craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
		const struct mpf_frame *f = craft_feed_tcp(ctx, &t);

		ck_assert_uint_eq(mpf_frame_get_node_id(f), MPF_ID_NONE);
		ck_assert_int_eq(mpf_frame_get_protocol(f), MPF_PROTO_NONE);
	}
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 0);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_BACKEND_OFF), 1);
	mpf_ctx_free(ctx);
}
END_TEST

/* A full v1 connection: handshake, data both ways, a join by the server's
 * token, its handshake, data with a 4-byte DSN on it. */
START_TEST(test_v1_connection)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_node *n;
	const struct mpf_flow *fl;
	const struct mpf_frame *f;
	struct craft_tcp t;
	uint8_t o[40];
	uint64_t v;
	uint32_t tok;
	size_t k;

	v1_handshake(ctx);
	n = mpf_ctx_get_node(ctx, 0);
	ck_assert_int_eq(mpf_node_get_mptcp_version(n), 1);
	ck_assert(mpf_node_get_mptcp_token(n, MPF_SIDE_CLIENT, &tok));
	ck_assert_uint_eq(tok, TOKEN_A1);
	ck_assert(mpf_node_get_mptcp_token(n, MPF_SIDE_SERVER, &tok));
	ck_assert_uint_eq(tok, TOKEN_B1);
	ck_assert(mpf_node_get_mptcp_idsn(n, MPF_SIDE_SERVER, &v));
	ck_assert_uint_eq(v, IDSN_B1);
	ck_assert(mpf_flow_get_mptcp_established(mpf_node_get_flow(n, 0)));

	/* frame 5: server data, 8-byte DSN IDSN_B + 1 at ssn 1, acking the
	 * client's 100 bytes (data ack IDSN_A + 101) */
	k = craft_opt_dss(o, 8, IDSN_A1 + 101, 8, IDSN_B1 + 1, 1, 500, false);
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S + 1, ISN_C + 101, CRAFT_ACK,
		o, k, 500);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_frame_get_mptcp_dsn(f, &v));
	ck_assert_uint_eq(v, 1);
	ck_assert(mpf_frame_get_mptcp_dack(f, &v));
	ck_assert_uint_eq(v, 101);
	ck_assert_uint_eq(mpf_frame_get_mptcp_mapping_frame(f), 5);
	ck_assert_uint_eq(mpf_frame_get_payload_length(f), 500);
	ck_assert_uint_eq(mpf_frame_get_mptcp_options(f), 1u << MPF_MPTCP_SUB_DSS);

	/* frame 6: a second segment of the same mapping carries no DSS: its
	 * DSN comes from frame 5's mapping */
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S + 301, ISN_C + 101, CRAFT_ACK,
		NULL, 0, 200);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_frame_get_mptcp_dsn(f, &v));
	ck_assert_uint_eq(v, 301);
	ck_assert_uint_eq(mpf_frame_get_mptcp_mapping_frame(f), 5);
	ck_assert(!mpf_frame_get_mptcp_dack(f, &v));

	/* frame 7: a 4-byte data ack from the client */
	k = craft_opt_dss(o, 4, (uint32_t)(IDSN_B1 + 501), 0, 0, 0, 0, false);
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C + 101, ISN_S + 501, CRAFT_ACK,
		o, k, 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_frame_get_mptcp_dack(f, &v));
	ck_assert_uint_eq(v, 501);
	ck_assert(!mpf_frame_get_mptcp_dsn(f, &v));

	/* frames 8-10: a join from 10.0.1.1 with the server's token */
	t = seg(C2_ADDR, 40001, S_ADDR, 80, 70000, 0, CRAFT_SYN, o,
		craft_opt_join_syn(o, true, 2, TOKEN_B1, 0x0a0b0c0d), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert_uint_eq(mpf_frame_get_flow_id(f), 1);
	t = seg(S_ADDR, 80, C2_ADDR, 40001, 90000, 70001, CRAFT_SYN | CRAFT_ACK,
		o, craft_opt_join_synack(o, 0, 0x8bb5ef2a5abbce8cULL, 0x01020304), 0);
	craft_feed_tcp(ctx, &t);
	fl = mpf_node_get_flow(n, 1);
	ck_assert(!mpf_flow_get_mptcp_established(fl));
	f = mpf_ctx_get_frame(ctx, 9);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_HMAC_OK);
	t = seg(C2_ADDR, 40001, S_ADDR, 80, 70001, 90001, CRAFT_ACK, o,
		craft_opt_join_ack(o, HMAC_A1), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_HMAC_OK);
	ck_assert(mpf_flow_get_mptcp_established(fl));
	ck_assert_int_eq(mpf_flow_get_mptcp_join_hmac(fl), MPF_MPTCP_HMAC_OK);
	ck_assert_int_eq(mpf_flow_get_mptcp_role(fl), MPF_MPTCP_ROLE_JOIN);
	ck_assert(mpf_flow_get_mptcp_backup(fl));
	ck_assert(mpf_flow_get_mptcp_src_is_client(fl));
	ck_assert_int_eq(mpf_flow_get_mptcp_address_id(fl, MPF_SIDE_CLIENT), 2);
	ck_assert_int_eq(mpf_flow_get_mptcp_address_id(fl, MPF_SIDE_SERVER), 0);

	/* frame 11: server data on the join with a 4-byte DSN: widened to
	 * the 64-bit value next to what the server sent before */
	k = craft_opt_dss(o, 0, 0, 4, (uint32_t)(IDSN_B1 + 701), 1, 100, false);
	t = seg(S_ADDR, 80, C2_ADDR, 40001, 90001, 70001, CRAFT_ACK, o, k, 100);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_frame_get_mptcp_dsn(f, &v));
	ck_assert_uint_eq(v, 701);
	ck_assert_int_eq(mpf_frame_get_direction(f), MPF_SIDE_SERVER);
	ck_assert_uint_eq(mpf_node_get_flow_count(n), 2);
	ck_assert_uint_eq(mpf_node_get_packets(n), 11);
	ck_assert_uint_eq(mpf_node_get_first_frame(n), 1);
	ck_assert_uint_eq(mpf_node_get_last_frame(n), 11);
	ck_assert_uint_eq(mpf_flow_get_packets(fl, MPF_SIDE_SERVER), 2);
	ck_assert_uint_eq(mpf_flow_get_payload_bytes(fl, MPF_SIDE_SERVER), 100);
	mpf_ctx_free(ctx);
}
END_TEST

/* A join whose HMAC does not match the keys is flagged and not
 * established, though it stays in its connection for the analyst. */
START_TEST(test_join_bad_hmac)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_flow *fl;
	const struct mpf_frame *f;
	struct mpf_mptcp_checks ck;
	struct craft_tcp t;
	uint8_t o[40], bad[20];

	v1_handshake(ctx);
	memcpy(bad, HMAC_A1, 20);
	bad[19] ^= 1;
	t = seg(C2_ADDR, 40001, S_ADDR, 80, 70000, 0, CRAFT_SYN, o,
		craft_opt_join_syn(o, false, 2, TOKEN_B1, 0x0a0b0c0d), 0);
	craft_feed_tcp(ctx, &t);
	/* a wrong truncated HMAC-B in the SYN/ACK */
	t = seg(S_ADDR, 80, C2_ADDR, 40001, 90000, 70001, CRAFT_SYN | CRAFT_ACK,
		o, craft_opt_join_synack(o, 0, 0x8bb5ef2a5abbce8dULL, 0x01020304), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_HMAC_BAD);
	t = seg(C2_ADDR, 40001, S_ADDR, 80, 70001, 90001, CRAFT_ACK, o,
		craft_opt_join_ack(o, bad), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_HMAC_BAD);
	fl = mpf_ctx_get_flow(ctx, 1);
	ck_assert_uint_eq(mpf_flow_get_node_id(fl), 0);
	ck_assert(!mpf_flow_get_mptcp_established(fl));
	ck_assert_int_eq(mpf_flow_get_mptcp_join_hmac(fl), MPF_MPTCP_HMAC_BAD);
	ck_assert_int_eq(mpf_node_get_mptcp_checks(mpf_ctx_get_node(ctx, 0), &ck,
						   sizeof(ck)),
			 MPF_OK);
	ck_assert_uint_eq(ck.join_hmac_bad, 2);
	ck_assert_uint_eq(ck.join_hmac_ok, 0);
	mpf_ctx_free(ctx);
}
END_TEST

/* v0: keys in SYN and SYN/ACK, SHA-1 tokens, and a join the server opens
 * toward the client (it carries the client's token). */
START_TEST(test_v0_connection)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_node *n;
	const struct mpf_flow *fl;
	const struct mpf_frame *f;
	struct craft_tcp t;
	uint8_t o[40];
	uint32_t tok, client_tok;
	uint64_t v;

	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, o,
		craft_opt_mpc(o, 0, 1, KA, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S, ISN_C + 1,
		CRAFT_SYN | CRAFT_ACK, o, craft_opt_mpc(o, 0, 1, KB, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C + 1, ISN_S + 1, CRAFT_ACK, o,
		craft_opt_mpc(o, 0, 2, KA, KB, -1), 0);
	craft_feed_tcp(ctx, &t);
	n = mpf_ctx_get_node(ctx, 0);
	ck_assert_int_eq(mpf_node_get_mptcp_version(n), 0);
	ck_assert(mpf_node_get_mptcp_token(n, MPF_SIDE_SERVER, &tok));
	ck_assert_uint_eq(tok, TOKEN_B0);
	ck_assert(mpf_node_get_mptcp_idsn(n, MPF_SIDE_CLIENT, &v));
	ck_assert_uint_eq(v, IDSN_A0);
	ck_assert(mpf_node_get_mptcp_token(n, MPF_SIDE_CLIENT, &client_tok));

	/* v0 client data with a 4-byte DSN */
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C + 1, ISN_S + 1, CRAFT_ACK, o,
		craft_opt_dss(o, 4, (uint32_t)(IDSN_B0 + 1), 4, (uint32_t)(IDSN_A0 + 1),
			1, 10, false),
		10);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_frame_get_mptcp_dsn(f, &v));
	ck_assert_uint_eq(v, 1);
	ck_assert(mpf_frame_get_mptcp_dack(f, &v));
	ck_assert_uint_eq(v, 1);

	/* the server joins toward the client with the client's token */
	t = seg(S_ADDR, 81, C_ADDR, 40002, 123, 0, CRAFT_SYN, o,
		craft_opt_join_syn(o, false, 3, client_tok, 7), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert_int_eq(mpf_frame_get_direction(f), MPF_SIDE_SERVER);
	fl = mpf_ctx_get_flow(ctx, mpf_frame_get_flow_id(f));
	ck_assert(!mpf_flow_get_mptcp_src_is_client(fl));
	mpf_ctx_free(ctx);
}
END_TEST

/* The SYN/ACK answers without MP_CAPABLE: fallback to TCP, at frame 2. */
START_TEST(test_fallback_synack)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	struct craft_tcp t;
	uint8_t o[40];
	uint32_t frame = 0;
	const struct mpf_frame *f;

	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, o,
		craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S, ISN_C + 1,
		CRAFT_SYN | CRAFT_ACK, NULL, 0, 0);
	craft_feed_tcp(ctx, &t);
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C + 1, ISN_S + 1, CRAFT_ACK,
		NULL, 0, 50);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_node_get_mptcp_fallback(mpf_ctx_get_node(ctx, 0), &frame));
	ck_assert_uint_eq(frame, 2);
	/* plain TCP data: in the node, with no DSN and no complaint */
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert(!mpf_frame_get_mptcp_dsn(f, NULL));
	ck_assert_uint_eq(mpf_frame_get_mptcp_flags(f) &
				  MPF_MPTCP_FRAME_NO_MAPPING, 0);
	mpf_ctx_free(ctx);
}
END_TEST

/* The third ACK echoes the keys: one that differs is flagged. */
START_TEST(test_key_mismatch)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	struct craft_tcp t;
	uint8_t o[40];
	const struct mpf_frame *f;
	uint64_t key;

	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, o,
		craft_opt_mpc(o, 0, 1, KA, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S, ISN_C + 1,
		CRAFT_SYN | CRAFT_ACK, o, craft_opt_mpc(o, 0, 1, KB, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C + 1, ISN_S + 1, CRAFT_ACK, o,
		craft_opt_mpc(o, 0, 2, KA, KB + 1, -1), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_KEY_MISMATCH);
	/* the handshake's key stands */
	ck_assert(mpf_node_get_mptcp_key(mpf_ctx_get_node(ctx, 0),
					 MPF_SIDE_SERVER, &key));
	ck_assert_uint_eq(key, KB);
	mpf_ctx_free(ctx);
}
END_TEST

/* Joins whose token nobody has: one orphan node per token, flagged. */
START_TEST(test_orphan_joins)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	struct craft_tcp t;
	uint8_t o[40];
	const struct mpf_frame *f;
	uint32_t tok;
	int i;

	for (i = 0; i < 3; i++) {
		t = seg(C_ADDR, (uint16_t)(50000 + i), S_ADDR, 80, 1, 0, CRAFT_SYN,
			o, craft_opt_join_syn(o, false, 1, i < 2 ? 0xdeadbeef : 0x1234, 9),
			0);
		f = craft_feed_tcp(ctx, &t);
		ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_ORPHAN_JOIN);
	}
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 2);
	ck_assert_uint_eq(mpf_node_get_flow_count(mpf_ctx_get_node(ctx, 0)), 2);
	ck_assert(mpf_node_get_mptcp_token(mpf_ctx_get_node(ctx, 0),
					   MPF_SIDE_SERVER, &tok));
	ck_assert_uint_eq(tok, 0xdeadbeef);
	ck_assert(!mpf_flow_get_mptcp_established(mpf_ctx_get_flow(ctx, 0)));
	mpf_ctx_free(ctx);
}
END_TEST

/* MP_PRIO changes a subflow's backup flag; each change is kept. */
START_TEST(test_prio_changes)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	static const uint8_t prio_on[] = { 30, 3, 0x51 }, prio_off[] = { 30, 3, 0x50 };
	const struct mpf_flow *fl;
	struct craft_tcp t;
	uint32_t frame;
	bool backup;

	v1_handshake(ctx);
	fl = mpf_ctx_get_flow(ctx, 0);
	ck_assert(!mpf_flow_get_mptcp_backup(fl));
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S + 1, ISN_C + 101, CRAFT_ACK,
		prio_on, sizeof(prio_on), 0);
	craft_feed_tcp(ctx, &t); /* frame 5 */
	ck_assert(mpf_flow_get_mptcp_backup(fl));
	craft_feed_tcp(ctx, &t); /* the same again: no change */
	t.opts = prio_off;
	craft_feed_tcp(ctx, &t); /* frame 7 */
	ck_assert(!mpf_flow_get_mptcp_backup(fl));
	ck_assert_uint_eq(mpf_flow_get_mptcp_prio_count(fl), 2);
	ck_assert(mpf_flow_get_mptcp_prio(fl, 0, &frame, &backup));
	ck_assert_uint_eq(frame, 5);
	ck_assert(backup);
	ck_assert(mpf_flow_get_mptcp_prio(fl, 1, &frame, &backup));
	ck_assert_uint_eq(frame, 7);
	ck_assert(!backup);
	ck_assert(!mpf_flow_get_mptcp_prio(fl, 2, &frame, &backup));
	mpf_ctx_free(ctx);
}
END_TEST

/* A flood of joins with one unknown token keeps every frame in one node
 * but a bounded number of subflows. */
START_TEST(test_orphan_flood_bounded)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	struct mpf_mptcp_checks ck;
	const struct mpf_frame *f = NULL;
	struct craft_tcp t;
	uint8_t o[40];
	char src[32];
	int i;

	for (i = 0; i < 3000; i++) {
		g_snprintf(src, sizeof(src), "10.%d.%d.%d", i >> 16, (i >> 8) & 255,
			   i & 255);
		t = seg(src, 1000, S_ADDR, 80, 1, 0, CRAFT_SYN, o,
			craft_opt_join_syn(o, false, 1, 0x0badf00d, (uint32_t)i), 0);
		f = craft_feed_tcp(ctx, &t);
		ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	}
	ck_assert_uint_eq(mpf_frame_get_flow_id(f), MPF_ID_NONE);
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 1);
	ck_assert_uint_eq(mpf_ctx_get_flow_count(ctx), 1024);
	ck_assert_uint_eq(mpf_node_get_packets(mpf_ctx_get_node(ctx, 0)), 3000);
	mpf_node_get_mptcp_checks(mpf_ctx_get_node(ctx, 0), &ck, sizeof(ck));
	ck_assert_uint_eq(ck.orphan_joins, 3000);
	ck_assert_uint_eq(ck.orphan_joins_untracked, 3000 - 1024);
	mpf_ctx_free(ctx);
}
END_TEST

/* A new SYN (another ISN) on a used 4-tuple is a new subflow; a
 * retransmitted SYN is not. */
START_TEST(test_port_reuse)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	struct craft_tcp t;
	uint8_t o[40];
	const struct mpf_frame *f;

	v1_handshake(ctx);
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, o,
		craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
	f = craft_feed_tcp(ctx, &t); /* the same ISN: a retransmission */
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	t.seq = ISN_C + 777777;
	f = craft_feed_tcp(ctx, &t);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 1);
	ck_assert_uint_eq(mpf_frame_get_flow_id(f), 1);
	t = seg(S_ADDR, 80, C_ADDR, 40000, 3, ISN_C + 777778,
		CRAFT_SYN | CRAFT_ACK, o, craft_opt_mpc(o, 1, 1, KA, 0, -1), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 1);
	mpf_ctx_free(ctx);
}
END_TEST

/* 32-bit DSNs across the 2^32 boundary stay monotonic in 64 bits. */
START_TEST(test_dsn32_wrap)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	struct craft_tcp t;
	uint8_t o[40];
	const struct mpf_frame *f;
	/* the server maps 4-byte DSNs from 2500 below a 2^32 boundary of
	 * its data sequence space, in 1000-byte segments */
	uint64_t start = (IDSN_B1 | 0xffffffffULL) - 2500 - IDSN_B1;
	uint32_t seq = ISN_S + 1;
	uint64_t v, last = 0;
	int i;

	v1_handshake(ctx);
	for (i = 0; i < 6; i++) {
		uint64_t rel = start + (uint64_t)i * 1000;

		t = seg(S_ADDR, 80, C_ADDR, 40000, seq, ISN_C + 101, CRAFT_ACK, o,
			craft_opt_dss(o, 0, 0, 4, (uint32_t)(IDSN_B1 + rel),
				seq - ISN_S, 1000, false),
			1000);
		f = craft_feed_tcp(ctx, &t);
		ck_assert(mpf_frame_get_mptcp_dsn(f, &v));
		ck_assert_uint_eq(v, rel);
		if (i)
			ck_assert_uint_gt(v, last);
		last = v;
		seq += 1000;
	}
	mpf_ctx_free(ctx);
}
END_TEST

/* The handshake was not captured: a node without keys, DSNs relative to
 * the first one seen, flagged as such. */
START_TEST(test_midstream)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	struct craft_tcp t;
	uint8_t o[40];
	const struct mpf_frame *f;
	uint64_t v;

	t = seg(S_ADDR, 80, C_ADDR, 40000, 777, 1, CRAFT_ACK, o,
		craft_opt_dss(o, 8, 5000, 8, 1000000, 42, 100, false), 100);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert(mpf_frame_get_mptcp_dsn(f, &v));
	ck_assert_uint_eq(v, 1);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_DSN_GUESSED);
	ck_assert_int_eq(mpf_flow_get_mptcp_role(mpf_ctx_get_flow(ctx, 0)),
			 MPF_MPTCP_ROLE_UNKNOWN);
	/* the next segment of the mapping, without DSS */
	t = seg(S_ADDR, 80, C_ADDR, 40000, 827, 1, CRAFT_ACK, NULL, 0, 50);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_frame_get_mptcp_dsn(f, &v));
	ck_assert_uint_eq(v, 51);
	ck_assert_int_eq(mpf_node_get_mptcp_version(mpf_ctx_get_node(ctx, 0)), -1);
	mpf_ctx_free(ctx);
}
END_TEST

/* An MPTCP option with an impossible length: malformed, flagged. */
START_TEST(test_bad_option)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	static const uint8_t bad[] = { 30, 5, 0x00, 0x01, 0x00 };
	struct craft_tcp t = seg(C_ADDR, 1, S_ADDR, 2, 1, 0, CRAFT_SYN, bad,
				 sizeof(bad), 0);
	const struct mpf_frame *f = craft_feed_tcp(ctx, &t);

	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_MALFORMED), 1);
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 0);
	mpf_ctx_free(ctx);
}
END_TEST

static void
collect_log(enum mpf_log_level level, const char *message, void *user)
{
	GString *s = user;

	g_string_append_printf(s, "%d:%s\n", (int)level, message);
}

/* Two connections with one server key share a token: the log says so. */
START_TEST(test_log_token_collision)
{
	GString *log = g_string_new(NULL);
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;
	struct craft_tcp t;
	uint8_t o[40];
	int i;

	mpf_config_set_log_handler(cfg, collect_log, MPF_LOG_WARNING, log);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	for (i = 0; i < 2; i++) {
		t = seg(C_ADDR, (uint16_t)(40000 + i), S_ADDR, 80, ISN_C, 0,
			CRAFT_SYN, o, craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
		craft_feed_tcp(ctx, &t);
		t = seg(S_ADDR, 80, C_ADDR, (uint16_t)(40000 + i), ISN_S,
			ISN_C + 1, CRAFT_SYN | CRAFT_ACK, o,
			craft_opt_mpc(o, 1, 1, KB, 0, -1), 0);
		craft_feed_tcp(ctx, &t);
	}
	ck_assert_ptr_nonnull(strstr(log->str, "1:token 1dce6604"));
	mpf_ctx_free(ctx);
	g_string_free(log, TRUE);
}
END_TEST

static Suite *
ctx_suite(void)
{
	Suite *s = suite_create("ctx");
	TCase *tc = tcase_create("api");

	tcase_add_test(tc, test_status_strings);
	tcase_add_test(tc, test_protocols);
	tcase_add_loop_test(tc, test_addr_to_string, 0, G_N_ELEMENTS(addr_cases));
	tcase_add_test(tc, test_feed_contract);
	tcase_add_loop_test(tc, test_frame_record_size, 0,
			    G_N_ELEMENTS(retained_captures));
	tcase_add_test(tc, test_not_retained);
	tcase_add_test(tc, test_backend_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("mptcp");
	tcase_add_test(tc, test_v1_connection);
	tcase_add_test(tc, test_join_bad_hmac);
	tcase_add_test(tc, test_v0_connection);
	tcase_add_test(tc, test_fallback_synack);
	tcase_add_test(tc, test_key_mismatch);
	tcase_add_test(tc, test_orphan_joins);
	tcase_add_test(tc, test_port_reuse);
	tcase_add_test(tc, test_prio_changes);
	tcase_add_test(tc, test_orphan_flood_bounded);
	tcase_add_test(tc, test_dsn32_wrap);
	tcase_add_test(tc, test_midstream);
	tcase_add_test(tc, test_bad_option);
	tcase_add_test(tc, test_log_token_collision);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(ctx_suite)
