/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SCTP on the captures in tests/data: the usrsctp associations against the
 * two stacks' own truth (ports, both verification tags, every address each
 * side had, how it ended), retransmissions against Wireshark's TSN
 * analysis, and the public captures' features (ASCONF, I-DATA, PAD,
 * RE-CONFIG, an INIT collision, 16,143 chunks in one packet, associations
 * seen mid-way). Then the same captures cut at several points: packets
 * seen before the handshake make half associations that must complete.
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mpf-test.h"

static const char *const usrsctp_dirs[] = {
	"usrsctp/raw-2paths",
	"usrsctp/raw-3paths-failover",
	"usrsctp/cmt-3paths-loss",
	"usrsctp/encaps-2paths-asconf",
	"usrsctp/ipv6-4assocs-abort",
	"usrsctp/raw-2paths-3assocs-sequential",
	"usrsctp/ipv6-3paths-asconf",
	"usrsctp/encaps-3paths-failover",
	"usrsctp/raw-2paths-2assocs-abort-cmt-loss",
	"usrsctp/encaps-4paths-2assocs",
};

/* ------------------------------------------------------- the truth */

struct tassoc {
	int num;
	uint16_t cport, sport;
	uint32_t cvtag, svtag;
	GHashTable *addrs[2]; /* client, server: address strings */
	bool abort;
};

static struct tassoc *
tassoc_get(GPtrArray *v, int num)
{
	struct tassoc *a;
	guint i;

	for (i = 0; i < v->len; i++) {
		a = g_ptr_array_index(v, i);
		if (a->num == num)
			return a;
	}
	a = g_new0(struct tassoc, 1);
	a->num = num;
	a->addrs[0] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	a->addrs[1] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_ptr_array_add(v, a);
	return a;
}

static void
tassoc_free(gpointer p)
{
	struct tassoc *a = p;

	g_hash_table_destroy(a->addrs[0]);
	g_hash_table_destroy(a->addrs[1]);
	g_free(a);
}

/* "key=value" of a word list, or NULL */
static const char *
kv(char **w, const char *key)
{
	size_t n = strlen(key);
	int i;

	for (i = 0; w[i]; i++)
		if (strncmp(w[i], key, n) == 0 && w[i][n] == '=')
			return w[i] + n + 1;
	return NULL;
}

static void
add_list(GHashTable *set, const char *list, bool plus_only)
{
	char **v;
	int i;

	if (!list)
		return;
	v = g_strsplit(list, ",", -1);
	for (i = 0; v[i]; i++) {
		const char *x = v[i];

		if (plus_only) {
			if (x[0] != '+')
				continue;
			x++;
		}
		if (strchr(x, '.') || strchr(x, ':'))
			g_hash_table_add(set, g_strdup(x));
	}
	g_strfreev(v);
}

/* The associations of truth.txt, as the SCTP oracle reads them. */
static GPtrArray *
read_truth(const char *dir)
{
	char *path = capture_path(dir), *file = g_build_filename(path, "truth.txt", NULL);
	char *text = NULL, **lines;
	GPtrArray *v = g_ptr_array_new_with_free_func(tassoc_free);
	int i;

	ck_assert_msg(g_file_get_contents(file, &text, NULL, NULL), "%s", file);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i]; i++) {
		char **w = g_strsplit(lines[i], " ", -1);
		struct tassoc *a;

		if (g_strv_length(w) < 3 || strcmp(w[0], "assoc") != 0) {
			g_strfreev(w);
			continue;
		}
		a = tassoc_get(v, atoi(w[1]));
		if (strcmp(w[2], "client_port") == 0 && g_strv_length(w) >= 10) {
			a->cport = (uint16_t)atoi(w[3]);
			a->sport = (uint16_t)atoi(w[5]);
			a->cvtag = (uint32_t)strtoul(w[7], NULL, 16);
			a->svtag = (uint32_t)strtoul(w[9], NULL, 16);
		} else if (strcmp(w[2], "summary") == 0) {
			add_list(a->addrs[0], kv(w, "client_addrs"), false);
			add_list(a->addrs[1], kv(w, "server_addrs"), false);
			add_list(a->addrs[0], kv(w, "server_saw_peer_addrs"), true);
			a->abort = kv(w, "client_did") &&
				   strcmp(kv(w, "client_did"), "ABORT") == 0;
		} else if (g_strv_length(w) > 6 && strcmp(w[3], "asconf") == 0 &&
			   strcmp(w[5], "add") == 0 &&
			   g_strv_contains((const char *const *)w, "rc=0")) {
			g_hash_table_add(a->addrs[strcmp(w[2], "client") == 0 ? 0 : 1],
					 g_strdup(w[6]));
		}
		g_strfreev(w);
	}
	g_strfreev(lines);
	g_free(text);
	g_free(file);
	g_free(path);
	return v;
}

static bool
node_has_addr(const struct mpf_node *n, enum mpf_side side, const char *want)
{
	uint32_t i;
	char a[MPF_ADDR_STRLEN];

	for (i = 0; i < mpf_node_get_sctp_addr_count(n, side); i++) {
		struct mpf_sctp_addr ad;

		mpf_node_get_sctp_addr(n, side, i, &ad, sizeof(ad));
		if (strcmp(mpf_addr_to_string(&ad.addr, a, sizeof(a)), want) == 0)
			return true;
	}
	return false;
}

/* Each association of the truth is exactly one SCTP node with its ports
 * and tags, all its addresses, and its end; there are no other nodes. */
START_TEST(test_truth)
{
	const char *dir = usrsctp_dirs[_i];
	char *rel = g_build_filename(dir, "capture.pcap", NULL);
	struct mpf_ctx *ctx = capture_load(rel);
	GPtrArray *truth = read_truth(dir);
	uint32_t nodes = 0, n;
	guint k;

	for (n = 0; n < mpf_ctx_get_node_count(ctx); n++)
		if (mpf_node_get_merged_into(mpf_ctx_get_node(ctx, n)) == MPF_ID_NONE)
			nodes++;
	ck_assert_uint_eq(nodes, truth->len);
	for (k = 0; k < truth->len; k++) {
		struct tassoc *t = g_ptr_array_index(truth, k);
		const struct mpf_node *hit = NULL;
		GHashTableIter it;
		gpointer addr;
		int count = 0, side;

		for (n = 0; n < mpf_ctx_get_node_count(ctx); n++) {
			const struct mpf_node *x = mpf_ctx_get_node(ctx, n);
			uint32_t cv, sv;

			if (mpf_node_get_sctp_port(x, MPF_SIDE_CLIENT) == t->cport &&
			    mpf_node_get_sctp_port(x, MPF_SIDE_SERVER) == t->sport &&
			    mpf_node_get_sctp_vtag(x, MPF_SIDE_CLIENT, &cv) &&
			    mpf_node_get_sctp_vtag(x, MPF_SIDE_SERVER, &sv) &&
			    cv == t->cvtag && sv == t->svtag) {
				hit = x;
				count++;
			}
		}
		ck_assert_msg(count == 1, "%s assoc %d: %d nodes", dir, t->num, count);
		for (side = 0; side < 2; side++) {
			g_hash_table_iter_init(&it, t->addrs[side]);
			while (g_hash_table_iter_next(&it, &addr, NULL))
				ck_assert_msg(node_has_addr(hit, (enum mpf_side)side, addr),
					      "%s assoc %d: %s address %s missing",
					      dir, t->num, side ? "server" : "client",
					      (char *)addr);
		}
		ck_assert_int_eq(mpf_node_get_sctp_end(hit, NULL, NULL),
				 t->abort ? MPF_SCTP_END_ABORT : MPF_SCTP_END_SHUTDOWN);
		ck_assert(!mpf_node_get_sctp_half(hit));
	}
	g_ptr_array_free(truth, TRUE);
	mpf_ctx_free(ctx);
	g_free(rel);
}
END_TEST

/* ------------------------------------------------- concrete values */

static const struct mpf_node *
node(const struct mpf_ctx *ctx, uint32_t id)
{
	const struct mpf_node *n = mpf_ctx_get_node(ctx, id);

	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(mpf_node_get_protocol(n), MPF_PROTO_SCTP);
	return n;
}

static struct mpf_sctp_stats
stats(const struct mpf_node *n, enum mpf_side side)
{
	struct mpf_sctp_stats st;

	ck_assert_int_eq(mpf_node_get_sctp_stats(n, side, &st, sizeof(st)), MPF_OK);
	return st;
}

/* Retransmitted DATA chunks, as Wireshark's TSN analysis counts them
 * (sctp.retransmission, with tsn_analysis on). */
START_TEST(test_retransmissions)
{
	static const struct {
		const char *capture;
		uint64_t c2s;
	} cases[] = {
		{ "public/tcpdump-pr995-sctp-i-forward.pcap", 8 },
		{ "usrsctp/cmt-3paths-loss/capture.pcap", 4 },
		{ "usrsctp/raw-3paths-failover/capture.pcap", 11 },
	};
	struct mpf_ctx *ctx = capture_load(cases[_i].capture);

	ck_assert_uint_eq(stats(node(ctx, 0), MPF_SIDE_CLIENT).retransmissions,
			  cases[_i].c2s);
	ck_assert_uint_eq(stats(node(ctx, 0), MPF_SIDE_SERVER).retransmissions, 0);
	mpf_ctx_free(ctx);
}
END_TEST

/* ASCONF: Add IP (frame 9), Set Primary (15), Delete IP (22 or 23), in
 * IPv4 and IPv6. */
START_TEST(test_asconf)
{
	static const struct {
		const char *capture, *added;
		uint32_t deleted;
	} cases[] = {
		{ "public/tcpdump-pr995-sctp-asconf.pcap", "192.168.5.3", 22 },
		{ "public/tcpdump-pr995-sctp-asconf-6.pcap", "2000::5:3", 23 },
	};
	struct mpf_ctx *ctx = capture_load(cases[_i].capture);
	const struct mpf_node *n = node(ctx, 0);
	struct mpf_sctp_primary p;
	struct mpf_sctp_addr ad;
	char a[MPF_ADDR_STRLEN];
	uint32_t i, found = 0;

	for (i = 0; i < mpf_node_get_sctp_addr_count(n, MPF_SIDE_CLIENT); i++) {
		mpf_node_get_sctp_addr(n, MPF_SIDE_CLIENT, i, &ad, sizeof(ad));
		if (strcmp(mpf_addr_to_string(&ad.addr, a, sizeof(a)),
			   cases[_i].added) != 0)
			continue;
		found++;
		ck_assert_uint_eq(ad.added_frame, 9);
		ck_assert_uint_eq(ad.deleted_frame, cases[_i].deleted);
		ck_assert_uint_eq(ad.primary_frame, 15);
		ck_assert(ad.origin & MPF_SCTP_ADDR_ASCONF_ADD);
	}
	ck_assert_uint_eq(found, 1);
	ck_assert_uint_ge(mpf_node_get_sctp_primary_count(n), 1);
	mpf_node_get_sctp_primary(n, 0, &p, sizeof(p));
	ck_assert_int_eq(p.kind, MPF_SCTP_PRIMARY_SET);
	ck_assert_uint_eq(p.frame, 15);
	ck_assert_str_eq(mpf_addr_to_string(&p.addr, a, sizeof(a)), cases[_i].added);
	ck_assert(mpf_frame_get_sctp_flags(mpf_ctx_get_frame(ctx, 9)) &
		  MPF_SCTP_FRAME_ADDR_ADDED);
	ck_assert_int_eq(mpf_node_get_sctp_end(n, NULL, NULL), MPF_SCTP_END_SHUTDOWN);
	mpf_ctx_free(ctx);
}
END_TEST

/* ForCES: six associations between the same two hosts; the first three
 * shut down (frames 53, 55, 57), the others are still open when the
 * capture ends (its manifest says otherwise; tshark agrees with this). */
START_TEST(test_forces)
{
	struct mpf_ctx *ctx = capture_load("public/tcpdump-forces2.pcap");
	uint32_t i;

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 6);
	for (i = 0; i < 6; i++) {
		const struct mpf_node *n = node(ctx, i);
		uint16_t sp = mpf_node_get_sctp_port(n, MPF_SIDE_SERVER);

		uint32_t frame;

		ck_assert(sp == 6704 || sp == 6705 || sp == 6706);
		ck_assert_int_eq(mpf_node_get_sctp_end(n, &frame, NULL),
				 i < 3 ? MPF_SCTP_END_SHUTDOWN : MPF_SCTP_END_OPEN);
		ck_assert_uint_eq(frame, i < 3 ? 53 + 2 * i : 0);
		ck_assert(!mpf_node_get_sctp_half(n));
	}
	mpf_ctx_free(ctx);
}
END_TEST

/* Four local addresses, heartbeats on each path (PAD chunks bundled):
 * loopback paths, one address both ways, matched heartbeat round trips. */
START_TEST(test_pad_loopback)
{
	struct mpf_ctx *ctx = capture_load("public/tcpdump-pr995-sctp-pad.pcap");
	const struct mpf_node *n = node(ctx, 0);
	uint32_t i;

	ck_assert_uint_eq(mpf_node_get_flow_count(n), 4);
	for (i = 0; i < 4; i++) {
		struct mpf_sctp_flow_stats fs;

		mpf_flow_get_sctp_stats(mpf_node_get_flow(n, i), &fs, sizeof(fs));
		ck_assert_uint_gt(fs.heartbeats[0] + fs.heartbeats[1], 0);
		ck_assert_uint_gt(fs.rtt_samples, 0);
		ck_assert(fs.rtt_min <= fs.rtt_avg && fs.rtt_avg <= fs.rtt_max);
	}
	ck_assert(mpf_frame_get_sctp_chunks(mpf_ctx_get_frame(ctx, 17)) &
		  mpf_sctp_chunk_bit(0x84));
	mpf_ctx_free(ctx);
}
END_TEST

/* I-DATA, RE-CONFIG; IPv4 and IPv6 addresses mixed in one INIT. */
START_TEST(test_extensions)
{
	struct mpf_ctx *ctx = capture_load("public/tcpdump-pr995-sctp-i-data.pcap");
	uint32_t i, reconf = 0;

	ck_assert_uint_eq(stats(node(ctx, 0), MPF_SIDE_CLIENT).data_chunks, 2);
	ck_assert_uint_eq(stats(node(ctx, 0), MPF_SIDE_SERVER).data_bytes, 2671);
	mpf_ctx_free(ctx);

	ctx = capture_load("public/tcpdump-pr995-sctp-re-config.pcap");
	for (i = 1; i <= 16; i++)
		if (mpf_frame_get_sctp_chunks(mpf_ctx_get_frame(ctx, i)) &
		    mpf_sctp_chunk_bit(0x82))
			reconf++;
	ck_assert_uint_eq(reconf, 3); /* four chunks in frames 5, 6 and 7 */
	mpf_ctx_free(ctx);

	ctx = capture_load("public/pkts-sctp001.pcap");
	ck_assert_uint_eq(mpf_node_get_sctp_addr_count(node(ctx, 0), MPF_SIDE_SERVER), 5);
	ck_assert(node_has_addr(node(ctx, 0), MPF_SIDE_SERVER, "::1"));
	ck_assert(node_has_addr(node(ctx, 0), MPF_SIDE_SERVER,
				"fe80::a1d4:26c9:8ed0:30ba"));
	mpf_ctx_free(ctx);
}
END_TEST

/* An INIT collision: eight INITs aborted, then each end sends an INIT and
 * both INIT ACKs: one association from frame 17 to 34 (Wireshark splits
 * frame 17 off into an association of its own). */
START_TEST(test_init_collision)
{
	struct mpf_ctx *ctx = capture_load("public/pkts-sctp_init_collision.cap");
	uint32_t i, live = 0, id = mpf_frame_get_node_id(mpf_ctx_get_frame(ctx, 18));

	for (i = 17; i <= 34; i++)
		ck_assert_uint_eq(mpf_frame_get_node_id(mpf_ctx_get_frame(ctx, i)), id);
	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++)
		if (mpf_node_get_merged_into(mpf_ctx_get_node(ctx, i)) == MPF_ID_NONE)
			live++;
	ck_assert_uint_eq(live, 9);
	ck_assert_uint_eq(mpf_node_get_flow_count(node(ctx, id)), 1);
	ck_assert_int_eq(mpf_node_get_sctp_end(node(ctx, id), &i, NULL),
			 MPF_SCTP_END_SHUTDOWN);
	ck_assert_uint_eq(i, 33);
	ck_assert_int_eq(mpf_node_get_sctp_end(node(ctx, 0), NULL, NULL),
			 MPF_SCTP_END_ABORT);
	mpf_ctx_free(ctx);
}
END_TEST

/* One 64 KB packet of 16,143 ABORT chunks. */
START_TEST(test_max_chunks)
{
	struct mpf_ctx *ctx = capture_load("public/suricata-verify-sctp-max-chunks.pcap");
	const struct mpf_frame *f = mpf_ctx_get_frame(ctx, 1);

	ck_assert_int_eq(mpf_frame_get_status(f), MPF_OK);
	ck_assert_int_eq(mpf_frame_get_protocol(f), MPF_PROTO_SCTP);
	ck_assert(mpf_frame_get_sctp_chunks(f) & mpf_sctp_chunk_bit(6));
	ck_assert_int_eq(mpf_node_get_sctp_end(node(ctx, 0), NULL, NULL),
			 MPF_SCTP_END_ABORT);
	mpf_ctx_free(ctx);
}
END_TEST

/* Two associations seen mid-way: half nodes, each one tag known. */
START_TEST(test_midway)
{
	struct mpf_ctx *ctx = capture_load("public/pkts-sctp.cap");

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 2);
	ck_assert_uint_eq(mpf_frame_get_node_id(mpf_ctx_get_frame(ctx, 2)), 0);
	ck_assert_uint_eq(mpf_frame_get_node_id(mpf_ctx_get_frame(ctx, 4)), 1);
	mpf_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------ cut captures */

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

/*
 * Without the handshake, the first packet makes a half association and
 * the first packet the other way completes it: every association of the
 * full capture still active after the cut is one complete node with the
 * same two tags, and every frame after the cut is in that node.
 */
START_TEST(test_cut)
{
	const char *dir = usrsctp_dirs[_i / 3];
	double frac = (double[]){ 0.1, 0.4, 0.7 }[_i % 3];
	char *rel = g_build_filename(dir, "capture.pcap", NULL);
	struct mpf_ctx *full = capture_load(rel);
	struct cut c = { mpf_ctx_new(NULL), 0 };
	uint32_t count = (uint32_t)mpf_ctx_get_counter(full, MPF_COUNTER_FRAMES), i;
	GHashTable *map = g_hash_table_new(g_direct_hash, g_direct_equal);

	c.from = (uint32_t)(frac * count) + 1;
	capture_foreach(rel, feed_from, &c);
	for (i = c.from; i <= count; i++) {
		const struct mpf_frame *a = mpf_ctx_get_frame(full, i);
		const struct mpf_frame *b = mpf_ctx_get_frame(c.ctx, i);
		gpointer want, got;

		if (mpf_frame_get_node_id(a) == MPF_ID_NONE)
			continue;
		want = GUINT_TO_POINTER(mpf_frame_get_node_id(a) + 1);
		got = GUINT_TO_POINTER(mpf_frame_get_node_id(b) + 1);
		if (!g_hash_table_contains(map, want))
			g_hash_table_insert(map, want, got);
		ck_assert_msg(g_hash_table_lookup(map, want) == got,
			      "%s from frame %u: frame %u in node %u, expected "
			      "the node of its association", dir, c.from, i,
			      GPOINTER_TO_UINT(got) - 1);
	}
	/* the nodes that got frames are complete, with the full capture's
	 * tags (either way round: without the INIT no side is known to have
	 * begun) */
	{
		GHashTableIter it;
		gpointer k, v;

		g_hash_table_iter_init(&it, map);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			const struct mpf_node *fn = mpf_ctx_get_node(full, GPOINTER_TO_UINT(k) - 1);
			const struct mpf_node *cn = mpf_ctx_get_node(c.ctx, GPOINTER_TO_UINT(v) - 1);
			uint32_t f0, f1, c0, c1;

			if (mpf_node_get_last_frame(fn) <= c.from + 2)
				continue; /* its last frames only: may stay half */
			ck_assert(mpf_node_get_sctp_vtag(fn, MPF_SIDE_CLIENT, &f0));
			ck_assert(mpf_node_get_sctp_vtag(fn, MPF_SIDE_SERVER, &f1));
			ck_assert_msg(!mpf_node_get_sctp_half(cn), "%s from frame %u: "
				      "node %u stays half", dir, c.from,
				      mpf_node_get_id(cn));
			mpf_node_get_sctp_vtag(cn, MPF_SIDE_CLIENT, &c0);
			mpf_node_get_sctp_vtag(cn, MPF_SIDE_SERVER, &c1);
			ck_assert((c0 == f0 && c1 == f1) || (c0 == f1 && c1 == f0));
		}
	}
	g_hash_table_destroy(map);
	mpf_ctx_free(c.ctx);
	mpf_ctx_free(full);
	g_free(rel);
}
END_TEST

/* A packet whose CRC32c is wrong changes nothing: the same capture with
 * one byte of an INIT's payload flipped has no association for it. */
static void
feed_corrupt(const struct mpf_packet *pkt, void *user)
{
	struct mpf_packet copy = *pkt;
	uint8_t buf[65536];

	memcpy(buf, pkt->data, pkt->caplen);
	if (pkt->number == 1)
		buf[pkt->caplen - 1] ^= 0x40; /* inside the INIT's parameters */
	copy.data = buf;
	ck_assert_int_eq(mpf_ctx_feed(user, &copy, NULL), MPF_OK);
}

START_TEST(test_crc_bad)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_frame *f;
	uint32_t cv;

	capture_foreach("usrsctp/raw-2paths/capture.pcap", feed_corrupt, ctx);
	f = mpf_ctx_get_frame(ctx, 1);
	ck_assert(mpf_frame_get_sctp_flags(f) & MPF_SCTP_FRAME_CRC_BAD ||
		  mpf_frame_get_node_id(f) == MPF_ID_NONE);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), MPF_ID_NONE);
	/* the INIT ACK made the association without it: the client's tag
	 * came from the INIT ACK's verification tag */
	ck_assert(mpf_node_get_sctp_vtag(mpf_ctx_get_node(ctx, 0), MPF_SIDE_CLIENT,
					 &cv));
	ck_assert_uint_eq(cv, 0x165c791c);
	mpf_ctx_free(ctx);
}
END_TEST

static Suite *
sctp_data_suite(void)
{
	Suite *s = suite_create("sctp-data");
	TCase *tc = tcase_create("truth");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_truth, 0, G_N_ELEMENTS(usrsctp_dirs));
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_retransmissions, 0, 3);
	tcase_add_loop_test(tc, test_asconf, 0, 2);
	tcase_add_test(tc, test_forces);
	tcase_add_test(tc, test_pad_loopback);
	tcase_add_test(tc, test_extensions);
	tcase_add_test(tc, test_init_collision);
	tcase_add_test(tc, test_max_chunks);
	tcase_add_test(tc, test_midway);
	tcase_add_test(tc, test_crc_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("cut");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_cut, 0, G_N_ELEMENTS(usrsctp_dirs) * 3);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(sctp_data_suite)
