/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Settling (mpf_ctx_get_first_unsettled, mpf_ctx_release_frames): a frame
 * below the first unsettled one has its final result. Each capture is fed
 * twice: one pass keeps every result to the end; the other copies each
 * result the moment it is declared settled, then releases it, as `mpflow
 * frames` prints and forgets rows. Every copy must equal the final result
 * of the first pass (a link filled, a node renumbered after the copy is a
 * row printed too early), and most frames must settle long before the
 * end (a library that never settles would pass the first check).
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "backends/mptcp/mptcp-int.h"
#include "mpf-private.h"
#include "mpf-test.h"

/* A result in full, comparable with memcmp. */
static struct mpf_frame
full(const struct mpf_frame *f)
{
	struct mpf_frame tmp, out;

	memset(&out, 0, sizeof(out));
	f = mpf__frame_view(f, &tmp);
	if (f)
		out = *f;
	out.form = MPF_FORM_FULL;
	return out;
}

struct pass {
	struct mpf_ctx *ctx;
	uint32_t skip;      /* frames up to this one are not fed */
	GArray *early;      /* struct mpf_frame: copies when settled */
	uint32_t printed;   /* frames below were copied */
	uint32_t fed;
	uint32_t max_lag;   /* frames fed but not yet settled, at most */
	uint32_t last_settled;
	bool release;
	uint32_t wrong; /* MPTCP answers unlike the walk of the intervals */
	uint32_t unlike_walk; /* context answers unlike the walk of nodes */
};

/* The incremental answer of an MPTCP node against the walk of every
 * interval it keeps (settle.c): the same after every frame. */
static void
compare_walk(void *obj, void *user)
{
	struct mpf_node *n = obj;
	struct pass *p = user;

	if (n->protocol == MPF_PROTO_MPTCP && n->merged_into == MPF_ID_NONE &&
	    mpf__mptcp_node_unsettled(n) != mpf__mptcp_node_unsettled_scan(n))
		p->wrong++;
}

/* Copies the results that settled, as a printer would. */
static void
take_settled(struct pass *p, uint32_t upto)
{
	for (; p->printed < upto; p->printed++) {
		const struct mpf_frame *f = mpf_ctx_get_frame(p->ctx, p->printed);
		struct mpf_frame c;

		if (!f)
			continue;
		c = full(f);
		g_array_append_val(p->early, c);
	}
	if (p->release)
		mpf_ctx_release_frames(p->ctx, upto);
}

static void
feed_settling(const struct mpf_packet *pkt, void *user)
{
	struct pass *p = user;
	uint32_t u;

	if (pkt->number <= p->skip)
		return;
	ck_assert_int_eq(mpf_ctx_feed(p->ctx, pkt, NULL), MPF_OK);
	p->fed = pkt->number;
	mpf__ids_foreach_data(&p->ctx->nodes, compare_walk, p);
	u = mpf_ctx_get_first_unsettled(p->ctx);
	p->unlike_walk += u != mpf__ctx_first_unsettled_walk(p->ctx);
	ck_assert_uint_ge(u, p->last_settled); /* never goes back */
	ck_assert_uint_le(u, pkt->number + 1);
	p->last_settled = u;
	if (pkt->number + 1 - u > p->max_lag)
		p->max_lag = pkt->number + 1 - u;
	take_settled(p, u);
}

static void
feed_plain(const struct mpf_packet *pkt, void *user)
{
	struct pass *p = user;

	if (pkt->number > p->skip)
		ck_assert_int_eq(mpf_ctx_feed(p->ctx, pkt, NULL), MPF_OK);
}

static void
feed_until_2000(const struct mpf_packet *pkt, void *user)
{
	struct pass *p = user;

	if (pkt->number <= 2000)
		ck_assert_int_eq(mpf_ctx_feed(p->ctx, pkt, NULL), MPF_OK);
}

/* Feeds @rel from frame @skip + 1 both ways; returns the largest number
 * of frames left unsettled at once. */
static uint32_t
check_capture(const char *rel, uint32_t skip, bool streaming)
{
	struct mpf_config *cfg = mpf_config_new();
	struct pass keep = { 0 }, settle = { 0 };
	guint i, compared = 0;

	keep.skip = settle.skip = skip;
	/* streaming releases ended nodes, which changes what late frames
	 * do: both passes stream then, one keeping every result */
	mpf_config_set_streaming(cfg, streaming);
	mpf_config_set_retain_frames(cfg, true);
	mpf_config_set_idle_timeout(cfg, 0);
	mpf_config_set_memory_cap(cfg, 0);
	keep.ctx = mpf_ctx_new(cfg);
	settle.ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	settle.early = g_array_new(FALSE, FALSE, sizeof(struct mpf_frame));
	settle.printed = skip + 1;
	settle.release = true;
	capture_foreach(rel, feed_plain, &keep);
	capture_foreach(rel, feed_settling, &settle);
	if (settle.fed == 0) { /* a capture shorter than the cut */
		mpf_ctx_free(keep.ctx);
		mpf_ctx_free(settle.ctx);
		g_array_free(settle.early, TRUE);
		return 0;
	}

	for (i = 0; i < settle.early->len; i++) {
		const struct mpf_frame *e =
			&g_array_index(settle.early, struct mpf_frame, i);
		struct mpf_frame want =
			full(mpf_ctx_get_frame(keep.ctx, e->number));

		ck_assert_msg(memcmp(e, &want, sizeof(want)) == 0,
			      "%s: frame %u printed before its result was "
			      "final (node %u/%u, reinjected_in %u/%u, "
			      "bflags %x/%x)",
			      rel, e->number, e->node, want.node, e->ref[2],
			      want.ref[2], e->bflags, want.bflags);
		/* released once printed */
		ck_assert_ptr_null(mpf_ctx_get_frame(settle.ctx, e->number));
		compared++;
	}
	ck_assert_uint_eq(settle.wrong, 0);
	ck_assert_uint_eq(settle.unlike_walk, 0);
	/* the frames still held at the end are the unsettled ones only */
	ck_assert_uint_eq(compared + mpf__store_count(settle.ctx->store),
			  settle.fed - skip);
	g_array_free(settle.early, TRUE);
	mpf_ctx_free(keep.ctx);
	mpf_ctx_free(settle.ctx);
	return settle.max_lag;
}

static const char *const captures[] = {
	"kernel/fallback/capture.pcap",
	"kernel/fastclose/capture.pcap",
	"kernel/v1-2paths/capture.pcap",
	"kernel/v1-2paths-snaplen96/capture.pcap",
	"kernel/v1-3paths-fastclose/capture.pcap",
	"kernel/v1-3paths-signal-loss/capture.pcap",
	"kernel/v1-4paths-4conns-loss/capture.pcap",
	"kernel/v1-checksum/capture.pcap",
	"kernel/v1-ipv6-3paths-loss/capture.pcap",
	"kernel/v1-ipv6-signal/capture.pcap",
	"public/pkts-sctp_init_collision.cap",
	"public/ptcpdump-mptcp.pcap",
	"public/pkts-sctp.cap",
	"public/tcpdump-forces2.pcap",
};

/* Whole captures: handshakes, joins, reinjections, resets. */
START_TEST(settled_results_are_final)
{
	uint32_t lag = check_capture(captures[_i], 0, false);

	ck_assert_uint_gt(lag, 0);
}
END_TEST

/* The same, streaming with results kept until released. */
START_TEST(settled_results_are_final_streaming)
{
	check_capture(captures[_i], 0, true);
}
END_TEST

/* Cut after the handshakes: subflows without keys, grouped by inference
 * later (merges renumber frames already fed), and joins whose HMAC waits
 * for keys. */
START_TEST(settled_results_are_final_cut)
{
	static const uint32_t cuts[] = { 3, 7, 12, 40 };
	guint k;

	for (k = 0; k < G_N_ELEMENTS(cuts); k++)
		check_capture(captures[_i], cuts[k], false);
}
END_TEST

/* The synthetic keys of the research notes, with their v1 values. */
#define KA 0x0102030405060708ULL
#define KB 0x1122334455667788ULL
#define IDSN_A1 0xf5a101d3d29d6f72ULL
#define ISN_C 1000u
#define ISN_S 5000u
#define SEGS 12000u

static void
feed_seg(struct mpf_ctx *ctx, bool from_client, uint32_t seq, uint32_t ack,
	 uint8_t flags, const uint8_t *o, size_t olen, size_t payload)
{
	struct craft_tcp t = {
		.src = from_client ? "10.0.0.1" : "10.0.0.2",
		.dst = from_client ? "10.0.0.2" : "10.0.0.1",
		.sport = from_client ? 40000 : 80,
		.dport = from_client ? 80 : 40000,
		.seq = seq, .ack = ack, .flags = flags, .opts = o,
		.opts_len = olen, .payload_len = payload,
	};

	craft_feed_tcp(ctx, &t);
}

/* Settling is no formality: on one long connection, each data frame
 * settles once its data is acked and past the intervals kept for late
 * reinjections (SENT_KEEP_ACKED a side), not at the end of the capture;
 * and every row copied when settled is the final one. */
START_TEST(settling_keeps_a_small_window)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	uint32_t i, u, lag = 0, prev = 0;
	uint8_t o[40];

	feed_seg(ctx, true, ISN_C, 0, CRAFT_SYN, o,
		 craft_opt_mpc(o, 1, 0, 0, 0, -1), 0);
	feed_seg(ctx, false, ISN_S, ISN_C + 1, CRAFT_SYN | CRAFT_ACK, o,
		 craft_opt_mpc(o, 1, 1, KB, 0, -1), 0);
	feed_seg(ctx, true, ISN_C + 1, ISN_S + 1, CRAFT_ACK, o,
		 craft_opt_mpc(o, 1, 2, KA, KB, -1), 0);
	for (i = 0; i < SEGS; i++) {
		uint32_t off = i * 100;

		feed_seg(ctx, true, ISN_C + 1 + off, ISN_S + 1, CRAFT_ACK, o,
			 craft_opt_dss(o, 0, 0, 8, IDSN_A1 + 1 + off, 1 + off,
				       100, false),
			 100);
		feed_seg(ctx, false, ISN_S + 1, ISN_C + 101 + off, CRAFT_ACK, o,
			 craft_opt_dss(o, 8, IDSN_A1 + 101 + off, 0, 0, 0, 0,
				       false),
			 0);
		u = mpf_ctx_get_first_unsettled(ctx);
		ck_assert_uint_ge(u, prev);
		prev = u;
		if (2 * i + 6 - u > lag)
			lag = 2 * i + 6 - u;
		/* what settled is final already: the data frames below
		 * the window carry their DSN and are released */
		mpf_ctx_release_frames(ctx, u);
	}
	/* every data frame of the first SEGS - SENT_KEEP_ACKED settled;
	 * the window is the intervals kept, two frames each */
	ck_assert_uint_gt(prev, 2 * (SEGS - SENT_KEEP_ACKED) - 8);
	ck_assert_uint_le(lag, 2 * SENT_KEEP_ACKED + 8);
	ck_assert_uint_le(mpf__store_count(ctx->store), 2 * SENT_KEEP_ACKED + 8);
	ck_assert_ptr_null(mpf_ctx_get_frame(ctx, 10));
	ck_assert_int_eq(mpf_ctx_finish(ctx), MPF_OK);
	ck_assert_uint_eq(mpf_ctx_get_first_unsettled(ctx), 2 * SEGS + 4);
	mpf_ctx_free(ctx);
}
END_TEST

/* Releasing up to the first unsettled frame keeps the rest; releasing
 * past it is allowed (a caller bounding its memory) and a later link to a
 * released frame is dropped, not an error; a context without a store
 * takes the calls quietly. */
START_TEST(release_frames)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const char *rel = "kernel/v1-3paths-signal-loss/capture.pcap";
	struct pass p = { 0 };
	struct mpf_config *cfg;

	/* frame 2308 reinjects frame 117's data: released before, 117
	 * has nothing to link */
	p.ctx = ctx;
	p.skip = 0;
	p.early = g_array_new(FALSE, FALSE, sizeof(struct mpf_frame));
	p.printed = 1;
	capture_foreach(rel, feed_plain, &p);
	ck_assert_uint_eq(mpf_frame_get_mptcp_reinjected_in(
				  mpf_ctx_get_frame(ctx, 117)), 2308);
	mpf_ctx_free(ctx);

	ctx = mpf_ctx_new(NULL);
	p.ctx = ctx;
	p.skip = 0;
	capture_foreach(rel, feed_until_2000, &p);
	ck_assert_uint_lt(mpf_ctx_get_first_unsettled(ctx), 118);
	mpf_ctx_release_frames(ctx, 1000);
	ck_assert_ptr_null(mpf_ctx_get_frame(ctx, 117));
	ck_assert_ptr_nonnull(mpf_ctx_get_frame(ctx, 1000));
	ck_assert_uint_eq(mpf__store_count(ctx->store), 1001);
	p.skip = 2000;
	capture_foreach(rel, feed_plain, &p);
	ck_assert_uint_eq(mpf_frame_get_mptcp_reinjection_of(
				  mpf_ctx_get_frame(ctx, 2308)), 117);
	mpf_ctx_release_frames(ctx, UINT32_MAX);
	ck_assert_uint_eq(mpf__store_count(ctx->store), 0);
	ck_assert_ptr_null(mpf_ctx_get_frame(ctx, 2308));
	mpf_ctx_free(ctx);
	g_array_free(p.early, TRUE);

	ck_assert_uint_eq(mpf_ctx_get_first_unsettled(NULL), 0);
	mpf_ctx_release_frames(NULL, 5);
	cfg = mpf_config_new();
	mpf_config_set_streaming(cfg, true); /* no store unless asked */
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	ck_assert_ptr_null(ctx->store);
	ck_assert_uint_eq(mpf_ctx_get_first_unsettled(ctx), 0);
	mpf_ctx_release_frames(ctx, 5);
	mpf_ctx_free(ctx);
}
END_TEST

/*
 * The context's answer comes from heaps kept as nodes get packets
 * (unsettled.c); the walk of every node it replaced is kept as the
 * reference. After every frame both must agree, whichever is asked
 * first (both read the nodes' cached answers), on captures of each
 * protocol and in each mode: whole, streaming with results, without a
 * store (no cache dropped per frame), and streaming under a memory cap
 * that evicts nodes while they are filed.
 */
static const char *const walk_captures[] = {
	"kernel/v1-4paths-4conns-loss/capture.pcap",
	"kernel/v1-3paths-signal-loss/capture.pcap",
	"kernel/v1-ipv6-3paths-loss/capture.pcap",
	"public/ptcpdump-mptcp.pcap",
	"public/pkts-sctp_init_collision.cap",
	"public/pkts-sctp-www.cap",
	"usrsctp/raw-2paths-2assocs-abort-cmt-loss/capture.pcap",
	"usrsctp/ipv6-4assocs-abort/capture.pcap",
	"oor/dual-iid-proxy/capture.pcap",
	"oor/v4-balance-failover/capture.pcap",
	"public/tcpdump-lisp_eid_register.pcap",
};

struct walk_pass {
	struct mpf_ctx *ctx;
	uint32_t frames, unlike, first_unlike, below_end;
};

static void
feed_both(const struct mpf_packet *pkt, void *user)
{
	struct walk_pass *w = user;
	uint32_t a, b;

	ck_assert_int_eq(mpf_ctx_feed(w->ctx, pkt, NULL), MPF_OK);
	if (w->frames++ % 2) {
		a = mpf_ctx_get_first_unsettled(w->ctx);
		b = mpf__ctx_first_unsettled_walk(w->ctx);
	} else {
		b = mpf__ctx_first_unsettled_walk(w->ctx);
		a = mpf_ctx_get_first_unsettled(w->ctx);
	}
	if (a != b && w->unlike++ == 0)
		w->first_unlike = pkt->number;
	w->below_end += a <= pkt->number;
}

START_TEST(first_unsettled_as_walk)
{
	const char *rel = walk_captures[_i];
	uint32_t below = 0;
	int mode;

	for (mode = 0; mode < 4; mode++) {
		struct mpf_config *cfg = mpf_config_new();
		struct walk_pass w = { 0 };

		mpf_config_set_streaming(cfg, mode == 1 || mode == 3);
		mpf_config_set_retain_frames(cfg, mode != 2);
		mpf_config_set_idle_timeout(cfg, mode == 3 ? 1 : 0);
		mpf_config_set_memory_cap(cfg, mode == 3 ? 20000 : 0);
		w.ctx = mpf_ctx_new(cfg);
		mpf_config_free(cfg);
		capture_foreach(rel, feed_both, &w);
		ck_assert_msg(w.unlike == 0,
			      "%s mode %d: %u answers unlike the walk, the "
			      "first after frame %u",
			      rel, mode, w.unlike, w.first_unlike);
		ck_assert_uint_gt(w.frames, 0);
		below += w.below_end;
		ck_assert_int_eq(mpf_ctx_finish(w.ctx), MPF_OK);
		ck_assert_uint_eq(mpf_ctx_get_first_unsettled(w.ctx),
				  mpf__ctx_first_unsettled_walk(w.ctx));
		mpf_ctx_free(w.ctx);
	}
	/* LISP never holds a frame back; the others do at times */
	if (!g_str_has_prefix(rel, "oor/") && !strstr(rel, "lisp"))
		ck_assert_uint_gt(below, 0);
}
END_TEST

/* Connection @c's SYN (MP_CAPABLE, no key: the node may still join
 * another, so its first frame is unsettled), or the SYN-ACK with the
 * server's key that answers it. */
static void
feed_syn(struct mpf_ctx *ctx, uint32_t c, bool synack)
{
	char src[32], dst[32];
	struct craft_tcp t = { 0 };
	uint8_t o[40];

	g_snprintf(src, sizeof(src), "10.%u.%u.1", (c >> 8) & 255, c & 255);
	g_snprintf(dst, sizeof(dst), "10.200.%u.2", (c >> 16) & 255);
	t.src = synack ? dst : src;
	t.dst = synack ? src : dst;
	t.sport = synack ? 80 : 40000;
	t.dport = synack ? 40000 : 80;
	t.seq = synack ? 5000 : 1000;
	t.ack = synack ? 1001 : 0;
	t.flags = synack ? CRAFT_SYN | CRAFT_ACK : CRAFT_SYN;
	t.opts = o;
	t.opts_len = craft_opt_mpc(o, 1, synack ? 1 : 0,
				   synack ? 0x2222ull + c : 0, 0, -1);
	craft_feed_tcp(ctx, &t);
}

/* A many-node shape: @n MPTCP connections opened (each holds its SYN
 * unsettled until it is answered), then @rounds frames: SYN-ACKs
 * answering the first half in order, and SYNs again to connections
 * picked across all; asking after every frame as `mpflow frames -l` does and
 * comparing with the walk on every @check-th. Returns the steps the
 * heaps took over the rounds. */
static uint64_t
many_nodes(uint32_t n, uint32_t rounds, uint32_t check)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;
	uint64_t steps = 0;
	uint32_t i, unlike = 0, low = 0, synacks = 0;

	mpf_config_set_streaming(cfg, true);
	mpf_config_set_retain_frames(cfg, true);
	mpf_config_set_idle_timeout(cfg, 0);
	mpf_config_set_memory_cap(cfg, 0);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	for (i = 0; i < n + rounds; i++) {
		/* the first n open connection i; then every third answers
		 * the next of the first half in order (the answer moves
		 * on), the others repeat SYNs spread over all */
		bool synack = i >= n && i % 3 == 0 && synacks < n / 2;
		uint32_t c = i < n	? i
			     : synack ? synacks++
				      : (uint32_t)((i * 7919ull) % n);
		uint32_t u;

		feed_syn(ctx, c, synack);
		if (i == n)
			steps = mpf__settle_steps(ctx);
		u = mpf_ctx_get_first_unsettled(ctx);
		ck_assert_uint_ge(u, low);
		low = u;
		/* bounded by the nodes held */
		ck_assert_uint_le(mpf__settle_largest(ctx),
				  2 * mpf_ctx_get_node_count(ctx) + 64);
		if (i % check == 0)
			unlike += u != mpf__ctx_first_unsettled_walk(ctx);
	}
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), n);
	ck_assert_uint_eq(unlike, 0);
	/* the SYNs of connections never answered hold the first back,
	 * past those answered */
	ck_assert_uint_eq(low, synacks + 1);
	ck_assert_uint_ge(synacks, 1000);
	/* many more pushes than nodes pile up entries: rebuilt then */
	if (rounds >= 4 * n)
		ck_assert_uint_gt(mpf__settle_rebuilds(ctx), 1);
	steps = mpf__settle_steps(ctx) - steps;
	mpf_ctx_free(ctx);
	return steps;
}

/* The walk read every node per question: 2000 then 16000 steps a frame
 * here. The heaps' work per question follows the nodes that got a
 * packet, not the nodes held: a few steps a frame at both sizes. */
START_TEST(first_unsettled_per_frame)
{
	uint32_t rounds = 20000;
	uint64_t a = many_nodes(2000, rounds, 97);
	uint64_t b = many_nodes(16000, rounds, 997);

	printf("first unsettled: %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT
	       " steps for %u frames\n", a, b, rounds);
	ck_assert_uint_le(a, rounds * 8ull);
	ck_assert_uint_le(b, rounds * 8ull);
	ck_assert_uint_gt(a, rounds); /* something was counted */
}
END_TEST

/* Asked seldom while a memory cap evicts most of many new nodes: the
 * touched list fills with nodes already gone, is dropped past its bound
 * and the heaps built again from the live nodes; every answer is still
 * the walk's, and the list stays bounded. */
START_TEST(first_unsettled_sparse)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;
	uint32_t i, unlike = 0, asked = 0;

	mpf_config_set_streaming(cfg, true);
	mpf_config_set_retain_frames(cfg, true);
	mpf_config_set_idle_timeout(cfg, 0);
	mpf_config_set_memory_cap(cfg, 200000);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	for (i = 0; i < 30000; i++) {
		/* new connections, now and then the answer to an older one */
		feed_syn(ctx, i % 7 == 6 ? i / 2 : i, i % 7 == 6);
		ck_assert_uint_le(mpf__settle_largest(ctx),
				  2 * mpf_ctx_get_node_count(ctx) + 64);
		if (i % 997 == 5) {
			unlike += mpf_ctx_get_first_unsettled(ctx) !=
				  mpf__ctx_first_unsettled_walk(ctx);
			asked++;
		}
		if (i % 997 == 6) /* and once right after */
			unlike += mpf_ctx_get_first_unsettled(ctx) !=
				  mpf__ctx_first_unsettled_walk(ctx);
	}
	ck_assert_uint_eq(unlike, 0);
	ck_assert_uint_gt(mpf_ctx_get_counter(ctx, MPF_COUNTER_EVICTED), 10000);
	/* more than the first build: the list passed its bound */
	ck_assert_uint_gt(mpf__settle_rebuilds(ctx), asked / 2);
	mpf_ctx_free(ctx);
}
END_TEST

static Suite *
settle_suite(void)
{
	Suite *s = suite_create("settle");
	TCase *tc = tcase_create("settle");

	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, settled_results_are_final, 0,
			    G_N_ELEMENTS(captures));
	tcase_add_loop_test(tc, settled_results_are_final_streaming, 0,
			    G_N_ELEMENTS(captures));
	tcase_add_loop_test(tc, settled_results_are_final_cut, 0,
			    G_N_ELEMENTS(captures));
	tcase_add_test(tc, settling_keeps_a_small_window);
	tcase_add_test(tc, release_frames);
	tcase_add_loop_test(tc, first_unsettled_as_walk, 0,
			    G_N_ELEMENTS(walk_captures));
	tcase_add_test(tc, first_unsettled_per_frame);
	tcase_add_test(tc, first_unsettled_sparse);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(settle_suite)
