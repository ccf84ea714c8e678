/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: hostile values, each with the outcome the library defines
 *
 * A capture is data from the network: anyone on the path chose its bytes.
 * Each test here feeds one kind of hostile value through a whole context
 * and checks the one outcome the library promises for it, so that the
 * outcome is a decision, written down, not an accident of the code.
 *
 * Already covered elsewhere, and not repeated here:
 *  - test-ctx.c: two connections with one server key (the log names the
 *    token: test_log_token_collision), third-ACK keys that differ from the
 *    handshake's (test_key_mismatch), 32-bit DSNs across a 2^32 boundary
 *    (test_dsn32_wrap), an MPTCP option whose length does not fit its
 *    subtype (test_bad_option), join floods (test_orphan_flood_bounded);
 *  - test-decode.c: TCP option lengths below 2 (test_tcp_option_len_below_2)
 *    and past the data offset (test_tcp_option_past_header), extension
 *    header chains of every type, cut or overlong (test_ipv6_ext_chain,
 *    test_ipv6_ext_bad, test_ipv6_ext_truncated), IPv6 jumbograms and
 *    offload lengths (test_ipv6_jumbo, test_ipv4_total_zero), every sample
 *    frame cut at every length (test_sample_every_caplen);
 *  - test-mptcp-opt.c: every MPTCP option cut at every length
 *    (test_prefix) and against the declared option area (test_declared).
 */
#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "backends/mptcp/mptcp.h"
#include "backends/sctp/sctp.h"
#include "mpf-private.h"
#include "mpf-test.h"

/* Big-endian @n bytes of @v at @p. */
#define be craft_be

/* ------------------------------------------------------------ fixtures */

#define C_ADDR "10.0.0.1"
#define S_ADDR "10.0.0.2"
#define ISN_C 1000u
#define ISN_S 5000u

/* The synthetic keys of test-ctx.c and their v1 values. */
#define KA 0x0102030405060708ULL
#define KB 0x1122334455667788ULL
#define TOKEN_B1 0x1dce6604U
#define IDSN_B1 0x62815714b76ae9a5ULL

/*
 * Two v1 keys whose tokens collide (SHA-256 of the key, first 32 bits:
 * ee56fd1e for both). A 32-bit token collides by the birthday bound after
 * some 65,000 keys, so a busy capture can hold such a pair by chance, and a
 * hostile peer can pick one on purpose; these were found by counting up
 * from 0x5a5a000000000000 with Python's hashlib.
 */
#define KEY_COLL1 0x5a5a000000005d2eULL
#define KEY_COLL2 0x5a5a000000006f0fULL
#define TOKEN_COLL 0xee56fd1eU

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

/* Feeds @len captured bytes of a frame of @wire bytes at time @ts_sec as
 * the context's next frame. */
static const struct mpf_frame *
feed_raw(struct mpf_ctx *ctx, int link, const uint8_t *data, size_t len,
	 size_t wire, int64_t ts_sec)
{
	struct mpf_packet pkt;
	const struct mpf_frame *f = NULL;
	uint8_t *copy = len ? g_memdup2(data, len) : NULL;

	/* a copy of exactly @len bytes: a read past the capture is an ASan
	 * or valgrind error, not a silent success */
	memset(&pkt, 0, sizeof(pkt));
	pkt.number = (uint32_t)mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES) + 1;
	pkt.linktype = link;
	pkt.data = copy;
	pkt.caplen = (uint32_t)len;
	pkt.wirelen = (uint32_t)wire;
	pkt.ts_sec = ts_sec;
	ck_assert_int_eq(mpf_ctx_feed(ctx, &pkt, &f), MPF_OK);
	ck_assert_ptr_nonnull(f);
	g_free(copy);
	return f;
}

/* A v1 handshake on client port @cport, the server's key @kb, the
 * client's @ka: SYN, SYN/ACK, third ACK (three frames). */
static void
v1_handshake(struct mpf_ctx *ctx, uint16_t cport, uint64_t ka, uint64_t kb)
{
	uint8_t o[40];
	struct craft_tcp t;

	t = seg(C_ADDR, cport, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, o,
		craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	t = seg(S_ADDR, 80, C_ADDR, cport, ISN_S, ISN_C + 1,
		CRAFT_SYN | CRAFT_ACK, o, craft_opt_mpc(o, 1, 1, kb, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	t = seg(C_ADDR, cport, S_ADDR, 80, ISN_C + 1, ISN_S + 1, CRAFT_ACK, o,
		craft_opt_mpc(o, 1, 2, ka, kb, -1), 0);
	craft_feed_tcp(ctx, &t);
}

static void
collect_log(enum mpf_log_level level, const char *message, void *user)
{
	g_string_append_printf(user, "%d:%s\n", (int)level, message);
}

static struct mpf_ctx *
ctx_with_log(GString *log)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;

	mpf_config_set_log_handler(cfg, collect_log, MPF_LOG_DEBUG, log);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	return ctx;
}

/* ---------------------------------------------------------- tokens */

/*
 * Two connections whose server keys differ but give one token. Outcome:
 * both keep their own (equal) token; the second to derive it files it for
 * joins and a warning is logged; a join with that token goes to that newer
 * connection first. When it really belongs to the older one, its SYN/ACK
 * HMAC does not verify with the newer connection's keys but does with the
 * older's (issue 14): the subflow moves there, its SYN with it, and its
 * HMAC is ok.
 */
START_TEST(test_token_collision)
{
	GString *log = g_string_new(NULL);
	struct mpf_ctx *ctx = ctx_with_log(log);
	const struct mpf_frame *f;
	struct craft_tcp t;
	uint8_t o[40], msg[8], mac[8];
	uint32_t tok0, tok1;
	uint64_t hmac;
	int i;

	v1_handshake(ctx, 40000, KA, KEY_COLL1);
	v1_handshake(ctx, 40001, KA + 1, KEY_COLL2);
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 2);
	ck_assert(mpf_node_get_mptcp_token(mpf_ctx_get_node(ctx, 0),
					   MPF_SIDE_SERVER, &tok0));
	ck_assert(mpf_node_get_mptcp_token(mpf_ctx_get_node(ctx, 1),
					   MPF_SIDE_SERVER, &tok1));
	ck_assert_uint_eq(tok0, TOKEN_COLL);
	ck_assert_uint_eq(tok1, TOKEN_COLL);
	ck_assert_ptr_nonnull(strstr(log->str, "1:token ee56fd1e of node 1 "
					       "already belonged to node 0"));

	/* a join toward the server with the shared token: the newer node */
	t = seg(C_ADDR, 40100, S_ADDR, 80, 77, 0, CRAFT_SYN, o,
		craft_opt_join_syn(o, false, 1, TOKEN_COLL, 0x0a0b0c0d), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 1);
	ck_assert_uint_eq(mpf_frame_get_mptcp_flags(f) &
				  MPF_MPTCP_FRAME_ORPHAN_JOIN, 0);

	/* the server answers with the HMAC of the older connection's keys
	 * (HMAC-B = HMAC(Key-B || Key-A, R-B || R-A)) */
	for (i = 0; i < 4; i++) {
		msg[i] = (uint8_t)(0x01020304u >> (24 - 8 * i));
		msg[4 + i] = (uint8_t)(0x0a0b0c0du >> (24 - 8 * i));
	}
	mpf__mptcp_hmac(1, KEY_COLL1, KA, msg, 8, mac, 8);
	for (hmac = 0, i = 0; i < 8; i++)
		hmac = hmac << 8 | mac[i];
	t = seg(S_ADDR, 80, C_ADDR, 40100, 99, 78, CRAFT_SYN | CRAFT_ACK, o,
		craft_opt_join_synack(o, 2, hmac, 0x01020304), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_HMAC_OK);
	ck_assert_int_eq(mpf_flow_get_mptcp_join_hmac(mpf_ctx_get_flow(
				 ctx, mpf_frame_get_flow_id(f))),
			 MPF_MPTCP_HMAC_OK);
	ck_assert_uint_eq(mpf_frame_get_node_id(mpf_ctx_get_frame(ctx, 7)), 0);
	ck_assert_uint_eq(mpf_node_get_flow_count(mpf_ctx_get_node(ctx, 0)), 2);
	ck_assert_uint_eq(mpf_node_get_flow_count(mpf_ctx_get_node(ctx, 1)), 1);
	ck_assert_uint_eq(mpf_node_get_packets(mpf_ctx_get_node(ctx, 1)), 3);
	mpf_ctx_free(ctx);
	g_string_free(log, TRUE);
}
END_TEST

/* --------------------------------------------------------- keys */

/*
 * The server's key changes between the SYN/ACK and its retransmission, and
 * the client's between the third ACK and the first data (v1 repeats both
 * keys there). Outcome: the first key seen for a side stands (its token
 * and IDSN do not move), every later different one flags the frame
 * KEY_MISMATCH and is counted in the checks.
 */
START_TEST(test_keys_change_mid_handshake)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_node *n;
	const struct mpf_frame *f;
	struct mpf_mptcp_checks ck;
	struct craft_tcp t;
	uint8_t o[40];
	uint64_t key;
	uint32_t tok;

	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, o,
		craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S, ISN_C + 1,
		CRAFT_SYN | CRAFT_ACK, o, craft_opt_mpc(o, 1, 1, KB, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	/* the SYN/ACK again, same ISN, another key */
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S, ISN_C + 1,
		CRAFT_SYN | CRAFT_ACK, o, craft_opt_mpc(o, 1, 1, KB ^ 0xff, 0, -1), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_KEY_MISMATCH);
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C + 1, ISN_S + 1, CRAFT_ACK, o,
		craft_opt_mpc(o, 1, 2, KA, KB, -1), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_uint_eq(mpf_frame_get_mptcp_flags(f) &
				  MPF_MPTCP_FRAME_KEY_MISMATCH, 0);
	/* first data with another client key */
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C + 1, ISN_S + 1, CRAFT_ACK, o,
		craft_opt_mpc(o, 1, 2, KA + 1, KB, 10), 10);
	f = craft_feed_tcp(ctx, &t);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_KEY_MISMATCH);

	n = mpf_ctx_get_node(ctx, 0);
	ck_assert(mpf_node_get_mptcp_key(n, MPF_SIDE_SERVER, &key));
	ck_assert_uint_eq(key, KB);
	ck_assert(mpf_node_get_mptcp_token(n, MPF_SIDE_SERVER, &tok));
	ck_assert_uint_eq(tok, TOKEN_B1);
	ck_assert(mpf_node_get_mptcp_key(n, MPF_SIDE_CLIENT, &key));
	ck_assert_uint_eq(key, KA);
	ck_assert_int_eq(mpf_node_get_mptcp_checks(n, &ck, sizeof(ck)), MPF_OK);
	ck_assert_uint_eq(ck.key_mismatches, 2);
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 1);
	mpf_ctx_free(ctx);
}
END_TEST

/*
 * The version changes mid-handshake: a v1 SYN answered by a v0 SYN/ACK.
 * A v0 handshake needs the client's key in the SYN, which a v1 SYN does
 * not carry, and a Linux client ignores an MP_CAPABLE of another version
 * (packetdrill v1_connect_tcpfallback_wrongver). Outcome: a fallback to
 * TCP at the SYN/ACK; the connection stays v1 as its SYN said, and no key
 * is taken from the option it refused.
 */
START_TEST(test_version_change_mid_handshake)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_node *n;
	struct craft_tcp t;
	uint8_t o[40];
	uint32_t frame;

	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, o,
		craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S, ISN_C + 1,
		CRAFT_SYN | CRAFT_ACK, o, craft_opt_mpc(o, 0, 1, KB, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	n = mpf_ctx_get_node(ctx, 0);
	ck_assert_int_eq(mpf_node_get_mptcp_version(n), 1);
	ck_assert(mpf_node_get_mptcp_fallback(n, &frame));
	ck_assert_uint_eq(frame, 2);
	ck_assert_int_eq(mpf_node_get_mptcp_fallback_cause(n),
			 MPF_MPTCP_FALLBACK_SYNACK_INVALID_MPC);
	ck_assert(!mpf_node_get_mptcp_key(n, MPF_SIDE_SERVER, NULL));
	mpf_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------ DSN wraps */

/*
 * The server's 64-bit DSNs cross 2^64 (its IDSN plus the data sent wraps
 * around). Outcome: relative DSNs keep counting up by the bytes sent, and
 * the wrap is neither an out-of-order arrival nor a reinjection.
 */
START_TEST(test_dsn64_wrap)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	struct mpf_mptcp_stats ms;
	const struct mpf_frame *f;
	struct craft_tcp t;
	uint8_t o[40];
	/* relative start: 2500 bytes below 2^64 in absolute DSNs */
	uint64_t start = (uint64_t)0 - 2500 - IDSN_B1;
	uint32_t seq = ISN_S + 1;
	uint64_t v;
	int i;

	v1_handshake(ctx, 40000, KA, KB);
	for (i = 0; i < 6; i++) {
		uint64_t rel = start + (uint64_t)i * 1000;

		t = seg(S_ADDR, 80, C_ADDR, 40000, seq, ISN_C + 1, CRAFT_ACK, o,
			craft_opt_dss(o, 0, 0, 8, IDSN_B1 + rel, seq - ISN_S, 1000, false),
			1000);
		f = craft_feed_tcp(ctx, &t);
		ck_assert(mpf_frame_get_mptcp_dsn(f, &v));
		ck_assert_uint_eq(v, rel);
		ck_assert_uint_eq(mpf_frame_get_mptcp_flags(f) &
					  (MPF_MPTCP_FRAME_OUT_OF_ORDER |
					   MPF_MPTCP_FRAME_REINJECTION),
				  0);
		seq += 1000;
	}
	ck_assert_int_eq(mpf_node_get_mptcp_stats(mpf_ctx_get_node(ctx, 0),
						  MPF_SIDE_SERVER, &ms,
						  sizeof(ms)),
			 MPF_OK);
	ck_assert_uint_eq(ms.unique_bytes, 6000);
	ck_assert_uint_eq(ms.out_of_order, 0);
	mpf_ctx_free(ctx);
}
END_TEST

/*
 * The same wrap seen without the handshake: DSNs relative to the first one
 * (1), and after the wrap 1001, 2001, ... Then 32-bit DSNs cross 2^32 and
 * 2^64 at once (test_dsn32_wrap covers a 2^32 boundary alone): widened
 * against the highest DSN seen, they stay monotonic.
 */
START_TEST(test_dsn64_wrap_midstream)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_frame *f;
	struct craft_tcp t;
	uint8_t o[40];
	uint64_t first = (uint64_t)0 - 1500, v;
	uint32_t seq = 777;
	int i;

	for (i = 0; i < 6; i++) {
		uint64_t dsn = first + (uint64_t)i * 1000;
		int len = i < 3 ? 8 : 4; /* 64-bit DSNs, then 32-bit ones */

		t = seg(S_ADDR, 80, C_ADDR, 40000, seq, 1, CRAFT_ACK, o,
			craft_opt_dss(o, 0, 0, len, len == 8 ? dsn : (uint32_t)dsn,
				      seq - 776, 1000, false),
			1000);
		f = craft_feed_tcp(ctx, &t);
		ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
		ck_assert(mpf_frame_get_mptcp_dsn(f, &v));
		ck_assert_uint_eq(v, 1 + (uint64_t)i * 1000);
		ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_DSN_GUESSED);
		ck_assert_uint_eq(mpf_frame_get_mptcp_flags(f) &
					  (MPF_MPTCP_FRAME_OUT_OF_ORDER |
					   MPF_MPTCP_FRAME_REINJECTION),
				  0);
		seq += 1000;
	}
	mpf_ctx_free(ctx);
}
END_TEST

/* --------------------------------------------------------- options */

/*
 * MPTCP options of length 0 and 2 (below the kind, length and subtype
 * bytes). Outcome: the frame is MALFORMED and counted; with no usable
 * MPTCP option it opens no connection.
 */
START_TEST(test_option_zero_length)
{
	static const uint8_t zero[] = { 30, 0, 0x00, 0x01 };
	static const uint8_t two[] = { 30, 2, 1, 1 };
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_frame *f;
	struct craft_tcp t;

	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, zero,
		sizeof(zero), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_MALFORMED);
	t = seg(C_ADDR, 40001, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, two,
		sizeof(two), 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_MALFORMED), 2);
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 0);
	mpf_ctx_free(ctx);
}
END_TEST

/*
 * One option filling the whole 40-byte option area (a 60-byte TCP
 * header). Outcomes: a REMOVE_ADDR listing 37 ids is OK and read whole;
 * an unknown subtype of 40 bytes is OK and ignored; a DSS claiming 40
 * bytes (its flags say 4) is MALFORMED and flagged BAD_OPTION, and the
 * segment still belongs to its connection.
 */
START_TEST(test_option_maximal)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_frame *f;
	struct craft_tcp t;
	uint8_t o[40];
	int i;

	v1_handshake(ctx, 40000, KA, KB);

	memset(o, 0, sizeof(o));
	o[0] = 30;
	o[1] = 40;
	o[2] = 0x40; /* REMOVE_ADDR */
	for (i = 3; i < 40; i++)
		o[i] = (uint8_t)(100 + i);
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S + 1, ISN_C + 1, CRAFT_ACK, o,
		40, 0);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_OK);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert(mpf_frame_get_mptcp_options(f) &
		  (1u << MPF_MPTCP_SUB_REMOVE_ADDR));

	o[2] = 0xe0; /* subtype 14: not assigned */
	f = craft_feed_tcp(ctx, &t);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_OK);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);

	o[2] = 0x20; /* DSS */
	o[3] = 0x00; /* no ack, no mapping: 4 bytes */
	f = craft_feed_tcp(ctx, &t);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_MALFORMED);
	ck_assert(mpf_frame_get_mptcp_flags(f) & MPF_MPTCP_FRAME_BAD_OPTION);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	mpf_ctx_free(ctx);
}
END_TEST

/*
 * A DSS whose length runs past the TCP header's option area (20 bytes
 * claimed, 8 there). Outcome: MALFORMED; the option is not read at all
 * (its bytes belong to the payload), so it maps nothing, but the segment
 * stays on its connection's subflow.
 */
START_TEST(test_option_past_header)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_frame *f;
	struct craft_tcp t;
	uint8_t o[8] = { 30, 20, 0x20, 0x05, 0, 0, 0, 1 };

	v1_handshake(ctx, 40000, KA, KB);
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S + 1, ISN_C + 1, CRAFT_ACK, o,
		sizeof(o), 100);
	f = craft_feed_tcp(ctx, &t);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert_uint_eq(mpf_frame_get_flow_id(f), 0);
	ck_assert(!mpf_frame_get_mptcp_dsn(f, NULL));
	ck_assert(!mpf_frame_get_mptcp_dack(f, NULL));
	mpf_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------- IPv6 extension headers */

/* Raw IPv6: header, @n destination-options headers of 8 bytes, then @tcp
 * (a TCP segment, maybe empty) in @buf; returns the length. The payload
 * length field says @plen when nonzero, else the real length. */
static size_t
ipv6_chain(uint8_t *buf, size_t size, unsigned n, const uint8_t *tcp,
	   size_t tcp_len, uint8_t last_next, size_t plen)
{
	size_t len = 40 + (size_t)n * 8 + tcp_len, off = 40;
	unsigned i;

	ck_assert_uint_le(len, size);
	memset(buf, 0, len);
	buf[0] = 0x60;
	be(buf + 4, plen ? plen : len - 40, 2);
	buf[6] = n ? 60 : last_next;
	buf[7] = 64;
	inet_pton(AF_INET6, "2001:db8::1", buf + 8);
	inet_pton(AF_INET6, "2001:db8::2", buf + 24);
	for (i = 0; i < n; i++, off += 8) {
		buf[off] = i + 1 < n ? 60 : last_next;
		buf[off + 1] = 0; /* 8 bytes */
		buf[off + 2] = 1; /* PadN, 4 bytes of padding */
		buf[off + 3] = 4;
	}
	if (tcp_len)
		memcpy(buf + off, tcp, tcp_len);
	return len;
}

/*
 * A long chain: 500 destination-options headers (4000 bytes) before an
 * MP_CAPABLE SYN. Outcome: the decoder has no count limit (each header is
 * at least 8 bytes, so the packet's length bounds the walk); the SYN is
 * found and opens a connection.
 */
START_TEST(test_ipv6_long_chain)
{
	static uint8_t buf[8192];
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_frame *f;
	struct craft_tcp t;
	uint8_t syn[128], o[40];
	size_t n, len;

	t = seg("2001:db8::1", 40000, "2001:db8::2", 80, ISN_C, 0, CRAFT_SYN,
		o, craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
	n = craft_tcp_frame(syn, sizeof(syn), CRAFT_RAW, &t);
	len = ipv6_chain(buf, sizeof(buf), 500, syn + 40, n - 40, 6, 0);
	f = feed_raw(ctx, CRAFT_RAW, buf, len, len, 1700000000);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_OK);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert_int_eq(mpf_frame_get_protocol(f), MPF_PROTO_MPTCP);
	mpf_ctx_free(ctx);
}
END_TEST

/*
 * Too many: a 64 KiB packet that is nothing but 8-byte headers each naming
 * the next (a chain that "loops" on one type until the packet ends), then
 * the same cut by a 200-byte snapshot length. Outcome: no upper-layer
 * header was found, so MALFORMED for the whole packet and TRUNCATED for the
 * cut one; the walk ends at the packet's (or the capture's) end, after at
 * most length / 8 headers; the frame opens nothing.
 */
START_TEST(test_ipv6_endless_chain)
{
	size_t size = 40 + 8191 * 8;
	uint8_t *buf = g_malloc(size);
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_frame *f;
	size_t len;

	len = ipv6_chain(buf, size, 8191, NULL, 0, 60, 0);
	f = feed_raw(ctx, CRAFT_RAW, buf, len, len, 1700000000);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_MALFORMED);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), MPF_ID_NONE);
	f = feed_raw(ctx, CRAFT_RAW, buf, 200, len, 1700000001);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 0);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_MALFORMED), 1);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_TRUNCATED), 1);
	g_free(buf);
	mpf_ctx_free(ctx);
}
END_TEST

/* ----------------------------------------------- jumbo and truncated */

/*
 * A segment of 100,000 bytes on the wire (TCP segmentation offload: IPv4
 * total length 0, as test_ipv4_total_zero decodes), captured at 200 bytes,
 * carrying a DSS mapping of 1000 bytes. Outcome: OK, not TRUNCATED (the
 * capture is a snapshot-length cut of the payload only); the payload
 * length is the wire's (frames keep lengths in 32 bits); the node's bytes
 * count the wire length; the DSN is the mapping's.
 */
START_TEST(test_jumbo_segment)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_frame *f;
	struct craft_tcp t;
	uint8_t buf[512], o[40];
	size_t len;
	uint64_t v, before;

	v1_handshake(ctx, 40000, KA, KB);
	before = mpf_node_get_bytes(mpf_ctx_get_node(ctx, 0));
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S + 1, ISN_C + 1, CRAFT_ACK, o,
		craft_opt_dss(o, 0, 0, 8, IDSN_B1 + 1, 1, 1000, false), 200);
	len = craft_tcp_frame(buf, sizeof(buf), CRAFT_RAW, &t);
	buf[2] = buf[3] = 0; /* IPv4 total length 0 */
	f = feed_raw(ctx, CRAFT_RAW, buf, len, 100000, 1700000100);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_OK);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert_uint_eq(mpf_frame_get_payload_length(f), 100000 - len + 200);
	ck_assert(mpf_frame_get_mptcp_dsn(f, &v));
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_eq(mpf_node_get_bytes(mpf_ctx_get_node(ctx, 0)),
			  before + 100000);
	/* retained as fed, however the store packs it */
	f = mpf_ctx_get_frame(ctx, 4);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(mpf_frame_get_payload_length(f), 100000 - len + 200);
	mpf_ctx_free(ctx);
}
END_TEST

/*
 * Frames cut to nothing or almost: caplen 0 (no data pointer at all) and 1
 * of a 60-byte Ethernet frame, and an SYN/ACK cut inside its MP_CAPABLE
 * key. Outcome: TRUNCATED and counted, never an API error; the cut key is
 * not used (the server's key then comes from the third ACK's echo, and
 * the token with it).
 */
START_TEST(test_truncated_frames)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_frame *f;
	struct craft_tcp t;
	uint8_t buf[256], o[40];
	size_t len;
	uint32_t tok;

	f = feed_raw(ctx, CRAFT_ETHERNET, NULL, 0, 60, 1700000000);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_TRUNCATED);
	f = feed_raw(ctx, CRAFT_ETHERNET, (const uint8_t *)"\x02", 1, 60,
		     1700000000);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_TRUNCATED);

	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, o,
		craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
	craft_feed_tcp(ctx, &t);
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S, ISN_C + 1,
		CRAFT_SYN | CRAFT_ACK, o, craft_opt_mpc(o, 1, 1, KB, 0, -1), 0);
	len = craft_tcp_frame(buf, sizeof(buf), CRAFT_RAW, &t);
	/* cut 4 bytes into the 8-byte key: 20 IP + 20 TCP + 4 + 4 */
	f = feed_raw(ctx, CRAFT_RAW, buf, 48, len, 1700000001);
	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert(!mpf_node_get_mptcp_token(mpf_ctx_get_node(ctx, 0),
					    MPF_SIDE_SERVER, NULL));
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C + 1, ISN_S + 1, CRAFT_ACK, o,
		craft_opt_mpc(o, 1, 2, KA, KB, -1), 0);
	craft_feed_tcp(ctx, &t);
	ck_assert(mpf_node_get_mptcp_token(mpf_ctx_get_node(ctx, 0),
					   MPF_SIDE_SERVER, &tok));
	ck_assert_uint_eq(tok, TOKEN_B1);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_TRUNCATED), 3);
	mpf_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------- timestamps */

/*
 * Time stamps that go backwards (a capture merged from two hosts, a clock
 * step). Frames are ordered by number, never by time: outcome, every frame
 * is accepted and analysed as usual; a node's and a flow's first and last
 * times are those of their first and last frames, so the last may be
 * earlier than the first (a negative duration is the capture's, shown as
 * it is, not hidden).
 */
START_TEST(test_time_backwards_mptcp)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_node *n;
	struct craft_tcp t;
	uint8_t buf[256], o[40];
	size_t len;

	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C, 0, CRAFT_SYN, o,
		craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
	len = craft_tcp_frame(buf, sizeof(buf), CRAFT_RAW, &t);
	feed_raw(ctx, CRAFT_RAW, buf, len, len, 1700000100);
	t = seg(S_ADDR, 80, C_ADDR, 40000, ISN_S, ISN_C + 1,
		CRAFT_SYN | CRAFT_ACK, o, craft_opt_mpc(o, 1, 1, KB, 0, -1), 0);
	len = craft_tcp_frame(buf, sizeof(buf), CRAFT_RAW, &t);
	feed_raw(ctx, CRAFT_RAW, buf, len, len, 1700000050);
	t = seg(C_ADDR, 40000, S_ADDR, 80, ISN_C + 1, ISN_S + 1, CRAFT_ACK, o,
		craft_opt_mpc(o, 1, 2, KA, KB, -1), 0);
	len = craft_tcp_frame(buf, sizeof(buf), CRAFT_RAW, &t);
	feed_raw(ctx, CRAFT_RAW, buf, len, len, -5);

	n = mpf_ctx_get_node(ctx, 0);
	ck_assert_uint_eq(mpf_node_get_packets(n), 3);
	ck_assert_int_eq(mpf_node_get_first_time(n), 1700000100LL * 1000000000);
	ck_assert_int_eq(mpf_node_get_last_time(n), -5LL * 1000000000);
	ck_assert_int_eq(mpf_flow_get_last_time(mpf_ctx_get_flow(ctx, 0)),
			 -5LL * 1000000000);
	ck_assert(mpf_flow_get_mptcp_established(mpf_ctx_get_flow(ctx, 0)));
	mpf_ctx_free(ctx);
}
END_TEST

/* Raw IPv4 + SCTP: common header (ports 5000 -> 5001, @vtag), then
 * @chunks, with the right CRC32c. */
static size_t
sctp_packet(uint8_t *buf, size_t size, bool from_client, uint32_t vtag,
	    const uint8_t *chunks, size_t chunks_len)
{
	size_t len = 20 + 12 + chunks_len;

	ck_assert_uint_le(len, size);
	memset(buf, 0, len);
	buf[0] = 0x45;
	be(buf + 2, len, 2);
	buf[8] = 64;
	buf[9] = 132;
	inet_pton(AF_INET, from_client ? C_ADDR : S_ADDR, buf + 12);
	inet_pton(AF_INET, from_client ? S_ADDR : C_ADDR, buf + 16);
	be(buf + 20, from_client ? 5000 : 5001, 2);
	be(buf + 22, from_client ? 5001 : 5000, 2);
	be(buf + 24, vtag, 4);
	memcpy(buf + 32, chunks, chunks_len);
	be(buf + 28, mpf__sctp_checksum(buf + 20, len - 20), 4);
	return len;
}

/*
 * An SCTP heartbeat acked "before" it was sent. Outcome: the heartbeat
 * and its ack are counted, but the negative round trip is not a sample
 * (rtt_samples stays 0, no negative minimum).
 */
START_TEST(test_time_backwards_sctp)
{
	static const uint8_t init[] = {
		1, 0, 0, 20, 0x11, 0x11, 0x11, 0x11, 0, 1, 0, 0,
		0, 1, 0, 1, 0, 0, 0, 100,
	};
	static const uint8_t init_ack[] = {
		2, 0, 0, 20, 0x22, 0x22, 0x22, 0x22, 0, 1, 0, 0,
		0, 1, 0, 1, 0, 0, 0, 200,
	};
	static const uint8_t hb[] = {
		4, 0, 0, 16, 0, 1, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8,
	};
	static const uint8_t hb_ack[] = {
		5, 0, 0, 16, 0, 1, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8,
	};
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	struct mpf_sctp_flow_stats st;
	const struct mpf_frame *f;
	uint8_t buf[128];
	size_t len;

	len = sctp_packet(buf, sizeof(buf), true, 0, init, sizeof(init));
	feed_raw(ctx, CRAFT_RAW, buf, len, len, 1700000000);
	len = sctp_packet(buf, sizeof(buf), false, 0x11111111, init_ack,
			  sizeof(init_ack));
	feed_raw(ctx, CRAFT_RAW, buf, len, len, 1700000001);
	len = sctp_packet(buf, sizeof(buf), true, 0x22222222, hb, sizeof(hb));
	f = feed_raw(ctx, CRAFT_RAW, buf, len, len, 1700000010);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	len = sctp_packet(buf, sizeof(buf), false, 0x11111111, hb_ack,
			  sizeof(hb_ack));
	f = feed_raw(ctx, CRAFT_RAW, buf, len, len, 1700000005);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	ck_assert_int_eq(mpf_flow_get_sctp_stats(mpf_ctx_get_flow(ctx, 0), &st,
						 sizeof(st)),
			 MPF_OK);
	ck_assert_uint_eq(st.heartbeats[MPF_SIDE_CLIENT], 1);
	ck_assert_uint_eq(st.heartbeat_acks[MPF_SIDE_SERVER], 1);
	ck_assert_uint_eq(st.rtt_samples, 0);
	ck_assert(st.rtt_min >= 0);
	mpf_ctx_free(ctx);
}
END_TEST

static Suite *
hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("mptcp");

	tcase_add_test(tc, test_token_collision);
	tcase_add_test(tc, test_keys_change_mid_handshake);
	tcase_add_test(tc, test_version_change_mid_handshake);
	tcase_add_test(tc, test_dsn64_wrap);
	tcase_add_test(tc, test_dsn64_wrap_midstream);
	tcase_add_test(tc, test_option_zero_length);
	tcase_add_test(tc, test_option_maximal);
	tcase_add_test(tc, test_option_past_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("frames");
	tcase_add_test(tc, test_ipv6_long_chain);
	tcase_add_test(tc, test_ipv6_endless_chain);
	tcase_add_test(tc, test_jumbo_segment);
	tcase_add_test(tc, test_truncated_frames);
	tcase_add_test(tc, test_time_backwards_mptcp);
	tcase_add_test(tc, test_time_backwards_sctp);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(hostile_suite)
