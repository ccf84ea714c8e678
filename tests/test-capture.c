/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Integration tests on the captures in tests/data: real traffic, judged
 * against the truth of the stacks that made it and against Wireshark.
 *
 *  - kernel/: Linux MPTCP v1 captures with `ip mptcp monitor` events: every
 *    connection the kernel created is one node with the kernel's client and
 *    server tokens, whose established flows are exactly the kernel's
 *    subflows; no other non-fallback node.
 *  - every capture: Wireshark's per-frame view, recorded beside it
 *    (CAPTURE.tshark.tsv, see data/make-golden): the same grouping of frames
 *    into connections, the same relative DSN and data ack on every frame
 *    where Wireshark has one.
 *  - known values: tokens, keys and versions of the public captures, as
 *    Wireshark's mptcp.expected_token shows them.
 *  - the two passes: results read back in any order equal those of the
 *    first pass, and a streaming context gives the same results.
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mpf-test.h"

static const char *const kernel_dirs[] = {
	"kernel/v1-2paths",
	"kernel/v1-3paths-signal-loss",
	"kernel/v1-ipv6-signal",
	"kernel/v1-checksum",
	"kernel/fallback",
	"kernel/fastclose",
	"kernel/v1-2paths-snaplen96",
	"kernel/v1-4paths-4conns-loss",
	"kernel/v1-ipv6-3paths-loss",
	"kernel/v1-3paths-fastclose",
};

static const char *const all_captures[] = {
	"kernel/v1-2paths/capture.pcap",
	"kernel/v1-3paths-signal-loss/capture.pcap",
	"kernel/v1-ipv6-signal/capture.pcap",
	"kernel/v1-checksum/capture.pcap",
	"kernel/fallback/capture.pcap",
	"kernel/fastclose/capture.pcap",
	"kernel/v1-2paths-snaplen96/capture.pcap",
	"kernel/v1-4paths-4conns-loss/capture.pcap",
	"kernel/v1-ipv6-3paths-loss/capture.pcap",
	"kernel/v1-3paths-fastclose/capture.pcap",
	"public/tcpdump-mptcp-v0.pcap",
	"public/tcpdump-mptcp-v1.pcap",
	"public/tcpdump-mptcp-aa-v1.pcap",
	"public/tcpdump-mptcp-aa-echo.pcap",
	"public/tcpdump-mptcp-fclose.pcap",
	"public/tcpdump-mptcp-tcprst.pcap",
	"public/tcpdump-mptcp-dss-oobr.pcap",
	"public/ptcpdump-mptcp.pcap",
};

/* ------------------------------------------------------ kernel truth */

/* "addr:port" of one end of an `ip mptcp monitor` event, or NULL. */
static char *
event_end(GHashTable *kv, const char *side)
{
	char k4[16], k6[16], kp[16];
	const char *a, *port;

	g_snprintf(k4, sizeof(k4), "%saddr4", side);
	g_snprintf(k6, sizeof(k6), "%saddr6", side);
	g_snprintf(kp, sizeof(kp), "%sport", side);
	a = g_hash_table_lookup(kv, k4);
	if (!a)
		a = g_hash_table_lookup(kv, k6);
	port = g_hash_table_lookup(kv, kp);
	return a && port ? g_strdup_printf("%s:%s", a, port) : NULL;
}

/* An unordered pair of ends, as one string. */
static char *
pair_key(const char *x, const char *y)
{
	return strcmp(x, y) < 0 ? g_strdup_printf("%s|%s", x, y)
				: g_strdup_printf("%s|%s", y, x);
}

struct kconn {
	char token[9];
	char server[9];
	GHashTable *subflows; /* pair_key -> 1 */
};

/* Parses one events file into a list of (kind, key=value table). */
static GPtrArray *
read_events(const char *path)
{
	GPtrArray *out = g_ptr_array_new();
	char *text = NULL, **lines;
	int i;

	ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "%s", path);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i]; i++) {
		char *l = g_strstrip(lines[i]), *close, **words;
		GHashTable *kv;
		int w;

		if (l[0] != '[' || !(close = strchr(l, ']')))
			continue;
		*close = '\0';
		kv = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		g_hash_table_insert(kv, g_strdup("@kind"),
				    g_strdup(g_strstrip(l + 1)));
		words = g_strsplit(close + 1, " ", -1);
		for (w = 0; words[w]; w++) {
			char *eq = strchr(words[w], '=');

			if (eq)
				g_hash_table_insert(kv, g_strndup(words[w], eq - words[w]),
						    g_strdup(eq + 1));
		}
		g_strfreev(words);
		g_ptr_array_add(out, kv);
	}
	g_strfreev(lines);
	g_free(text);
	return out;
}

/* The kernel's connections of a capture directory, by client token. */
static GPtrArray *
kernel_truth(const char *dir)
{
	char *cpath = capture_path(dir), *cev, *sev;
	GPtrArray *conns = g_ptr_array_new(), *ce, *se;
	guint i, j;

	cev = g_build_filename(cpath, "client.events", NULL);
	sev = g_build_filename(cpath, "server.events", NULL);
	ce = read_events(cev);
	se = read_events(sev);
	for (i = 0; i < ce->len; i++) {
		GHashTable *kv = g_ptr_array_index(ce, i);
		const char *kind = g_hash_table_lookup(kv, "@kind");
		const char *tok = g_hash_table_lookup(kv, "token");
		char *s = event_end(kv, "s"), *d = event_end(kv, "d");

		if (tok && s && d && strcmp(kind, "CREATED") == 0) {
			struct kconn *k = g_new0(struct kconn, 1);

			g_snprintf(k->token, sizeof(k->token), "%08" PRIx32,
				   (uint32_t)strtoul(tok, NULL, 16));
			k->subflows = g_hash_table_new_full(g_str_hash, g_str_equal,
							    g_free, NULL);
			g_hash_table_add(k->subflows, pair_key(s, d));
			/* the server names the same initial subflow */
			for (j = 0; j < se->len; j++) {
				GHashTable *sv = g_ptr_array_index(se, j);
				char *ss = event_end(sv, "s"), *sd = event_end(sv, "d");
				char *a = pair_key(s, d), *b = ss && sd ? pair_key(ss, sd) : NULL;

				if (b && strcmp(a, b) == 0 &&
				    strcmp(g_hash_table_lookup(sv, "@kind"), "CREATED") == 0)
					g_snprintf(k->server, sizeof(k->server),
						   "%08" PRIx32,
						   (uint32_t)strtoul(g_hash_table_lookup(sv, "token"),
								     NULL, 16));
				g_free(a);
				g_free(b);
				g_free(ss);
				g_free(sd);
			}
			g_ptr_array_add(conns, k);
		} else if (tok && s && d && strcmp(kind, "SF_ESTABLISHED") == 0) {
			for (j = 0; j < conns->len; j++) {
				struct kconn *k = g_ptr_array_index(conns, j);

				if (strtoul(tok, NULL, 16) == strtoul(k->token, NULL, 16))
					g_hash_table_add(k->subflows, pair_key(s, d));
			}
		}
		g_free(s);
		g_free(d);
	}
	g_ptr_array_set_free_func(ce, (GDestroyNotify)g_hash_table_unref);
	g_ptr_array_set_free_func(se, (GDestroyNotify)g_hash_table_unref);
	g_ptr_array_free(ce, TRUE);
	g_ptr_array_free(se, TRUE);
	g_free(cev);
	g_free(sev);
	g_free(cpath);
	return conns;
}

static char *
flow_end(const struct mpf_endpoint *e)
{
	char a[MPF_ADDR_STRLEN];

	return g_strdup_printf("%s:%u", mpf_addr_to_string(&e->addr, a, sizeof(a)),
			       e->port);
}

START_TEST(test_kernel_truth)
{
	const char *dir = kernel_dirs[_i];
	char *rel = g_build_filename(dir, "capture.pcap", NULL);
	struct mpf_ctx *ctx = capture_load(rel);
	GPtrArray *truth = kernel_truth(dir);
	GHashTable *matched = g_hash_table_new(g_direct_hash, g_direct_equal);
	uint32_t n, i;
	guint k;

	for (k = 0; k < truth->len; k++) {
		struct kconn *kc = g_ptr_array_index(truth, k);
		const struct mpf_node *found = NULL;
		GHashTable *mine;
		GHashTableIter it;
		gpointer key;
		int count = 0;

		for (n = 0; n < mpf_ctx_get_node_count(ctx); n++) {
			const struct mpf_node *node = mpf_ctx_get_node(ctx, n);
			uint32_t tok;
			char buf[9];

			if (mpf_node_get_mptcp_fallback(node, NULL) ||
			    !mpf_node_get_mptcp_token(node, MPF_SIDE_CLIENT, &tok))
				continue;
			g_snprintf(buf, sizeof(buf), "%08" PRIx32, tok);
			if (strcmp(buf, kc->token) == 0) {
				found = node;
				count++;
			}
		}
		ck_assert_msg(count == 1, "%s: client token %s: %d nodes", dir,
			      kc->token, count);
		g_hash_table_add(matched, (gpointer)found);
		if (kc->server[0]) {
			uint32_t tok;
			char buf[9];

			ck_assert(mpf_node_get_mptcp_token(found, MPF_SIDE_SERVER, &tok));
			g_snprintf(buf, sizeof(buf), "%08" PRIx32, tok);
			ck_assert_str_eq(buf, kc->server);
		}
		ck_assert_int_eq(mpf_node_get_mptcp_version(found), 1);
		mine = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		for (i = 0; i < mpf_node_get_flow_count(found); i++) {
			const struct mpf_flow *f = mpf_node_get_flow(found, i);
			struct mpf_endpoint s, d;
			char *a, *b;

			if (!mpf_flow_get_mptcp_established(f))
				continue;
			mpf_flow_get_endpoints(f, &s, &d);
			a = flow_end(&s);
			b = flow_end(&d);
			g_hash_table_add(mine, pair_key(a, b));
			g_free(a);
			g_free(b);
		}
		ck_assert_uint_eq(g_hash_table_size(mine),
				  g_hash_table_size(kc->subflows));
		g_hash_table_iter_init(&it, kc->subflows);
		while (g_hash_table_iter_next(&it, &key, NULL))
			ck_assert_msg(g_hash_table_contains(mine, key),
				      "%s: token %s: subflow %s missing", dir,
				      kc->token, (char *)key);
		g_hash_table_destroy(mine);
		g_hash_table_destroy(kc->subflows);
		g_free(kc);
	}
	/* every other node must be a fallback: nothing invented */
	for (n = 0; n < mpf_ctx_get_node_count(ctx); n++) {
		const struct mpf_node *node = mpf_ctx_get_node(ctx, n);

		if (!g_hash_table_contains(matched, node))
			ck_assert_msg(mpf_node_get_mptcp_fallback(node, NULL),
				      "%s: node %u is no kernel connection", dir, n);
	}
	g_hash_table_destroy(matched);
	g_ptr_array_free(truth, TRUE);
	mpf_ctx_free(ctx);
	g_free(rel);
}
END_TEST

/* The fallback capture: the server answered without MP_CAPABLE. */
START_TEST(test_fallback)
{
	struct mpf_ctx *ctx = capture_load("kernel/fallback/capture.pcap");
	const struct mpf_node *n;
	uint32_t frame = 0;

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 1);
	n = mpf_ctx_get_node(ctx, 0);
	ck_assert(mpf_node_get_mptcp_fallback(n, &frame));
	ck_assert_uint_eq(frame, 2); /* the SYN/ACK */
	ck_assert(!mpf_node_get_mptcp_key(n, MPF_SIDE_CLIENT, NULL));
	mpf_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------ Wireshark's view */

/* Whether the comma-separated list @list holds @item. */
static bool
strv_has(const char *list, const char *item)
{
	char **v = g_strsplit(list, ",", -1);
	bool found = g_strv_contains((const char *const *)v, item);

	g_strfreev(v);
	return found;
}

START_TEST(test_tshark_golden)
{
	const char *rel = all_captures[_i];
	char *tsv_rel, *tsv, *text = NULL, **lines;
	struct mpf_ctx *ctx = capture_load(rel);
	GHashTable *fwd = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *back = g_hash_table_new(g_direct_hash, g_direct_equal);
	unsigned ndsn = 0, ndack = 0, nconn = 0, nreinj = 0, nsame = 0;
	int i;

	tsv_rel = g_strdup_printf("%.*s.tshark.tsv",
				  (int)(strrchr(rel, '.') - rel), rel);
	tsv = capture_path(tsv_rel);
	ck_assert_msg(g_file_get_contents(tsv, &text, NULL, NULL), "%s", tsv);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] && lines[i][0]; i++) {
		char **v = g_strsplit(lines[i], "\t", -1);
		uint32_t number = (uint32_t)strtoul(v[0], NULL, 10);
		const struct mpf_frame *f = mpf_ctx_get_frame(ctx, number);
		uint64_t x;

		ck_assert_uint_ge(g_strv_length(v), 6);
		ck_assert_ptr_nonnull(f);
		if (v[1][0]) { /* tshark's mptcp.stream */
			uint32_t node = mpf_frame_get_node_id(f);
			gpointer prev;

			ck_assert_msg(node != MPF_ID_NONE, "%s frame %u: no node",
				      rel, number);
			prev = g_hash_table_lookup(fwd, v[1]);
			if (!prev)
				g_hash_table_insert(fwd, g_strdup(v[1]),
						    GUINT_TO_POINTER(node + 1));
			else
				ck_assert_msg(GPOINTER_TO_UINT(prev) == node + 1,
					      "%s frame %u: stream %s split",
					      rel, number, v[1]);
			prev = g_hash_table_lookup(back, GUINT_TO_POINTER(node + 1));
			if (!prev)
				g_hash_table_insert(back, GUINT_TO_POINTER(node + 1),
						    GUINT_TO_POINTER(strtoul(v[1], NULL, 10) + 1));
			else
				ck_assert_msg(GPOINTER_TO_UINT(prev) ==
						      strtoul(v[1], NULL, 10) + 1,
					      "%s frame %u: node %u merges streams",
					      rel, number, node);
			nconn++;
		}
		if (v[3][0] && v[2][0] && strcmp(v[2], "0") != 0) {
			ck_assert_msg(mpf_frame_get_mptcp_dsn(f, &x),
				      "%s frame %u: no dsn (tshark %s)", rel,
				      number, v[3]);
			ck_assert_msg(x == g_ascii_strtoull(v[3], NULL, 10),
				      "%s frame %u: dsn %" PRIu64 ", tshark %s",
				      rel, number, x, v[3]);
			ndsn++;
		}
		if (v[5] && v[5][0]) {
			/* Wireshark's inter-subflow reinjections are ours
			 * too, pointing at one of the frames it names */
			uint32_t of = mpf_frame_get_mptcp_reinjection_of(f);
			char buf[16];

			g_snprintf(buf, sizeof(buf), "%u", of);
			ck_assert_msg(mpf_frame_get_mptcp_flags(f) &
					      MPF_MPTCP_FRAME_REINJECTION,
				      "%s frame %u: tshark reinjection of %s, not "
				      "ours", rel, number, v[5]);
			ck_assert_msg(strv_has(v[5], buf),
				      "%s frame %u: reinjection of %u, tshark %s",
				      rel, number, of, v[5]);
			nreinj++;
		} else if (mpf_frame_get_mptcp_flags(f) &
			   MPF_MPTCP_FRAME_REINJECTION) {
			/* one Wireshark misses: it looks on other subflows
			 * only, so this must be on the same subflow */
			const struct mpf_frame *o = mpf_ctx_get_frame(
				ctx, mpf_frame_get_mptcp_reinjection_of(f));

			ck_assert_msg(o && mpf_frame_get_flow_id(o) ==
						   mpf_frame_get_flow_id(f),
				      "%s frame %u: a reinjection tshark does not "
				      "see, on another subflow", rel, number);
			nsame++;
		}
		if (v[4][0]) {
			ck_assert_msg(mpf_frame_get_mptcp_dack(f, &x),
				      "%s frame %u: no dack (tshark %s)", rel,
				      number, v[4]);
			ck_assert_msg(x == g_ascii_strtoull(v[4], NULL, 10),
				      "%s frame %u: dack %" PRIu64 ", tshark %s",
				      rel, number, x, v[4]);
			ndack++;
		}
		g_strfreev(v);
	}
	ck_assert_uint_eq((uint32_t)i, mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES));
	/* the golden files are not empty where they should not be (a
	 * snapshot length of 96 cuts most mappings, not the data acks) */
	if (strstr(rel, "kernel/") && !strstr(rel, "fallback")) {
		ck_assert_uint_gt(ndack, 100);
		if (!strstr(rel, "snaplen"))
			ck_assert_uint_gt(ndsn, 100);
	}
	(void)nconn;
	if (nreinj || nsame)
		printf("%s: %u reinjections as Wireshark sees them, %u more on the "
		       "same subflow\n", rel, nreinj, nsame);
	g_strfreev(lines);
	g_free(text);
	g_free(tsv);
	g_free(tsv_rel);
	g_hash_table_destroy(fwd);
	g_hash_table_destroy(back);
	mpf_ctx_free(ctx);
}
END_TEST

/* --------------------------------------------------------- known values */

struct known {
	const char *capture;
	uint32_t nodes, flows;
	int version;
	uint64_t client_key, server_key;
	uint32_t client_token, server_token;
};

static const struct known known[] = {
	/* tokens as Wireshark 4.0 computes them (mptcp.expected_token) */
	{ "public/tcpdump-mptcp-v0.pcap", 1, 2, 0, 0x9c9eabd1e46a33b2ULL,
	  0x967d2770b6960552ULL, 2945910507u, 3833528642u },
	{ "public/tcpdump-mptcp-v1.pcap", 1, 1, 1, 0x1fdb5df328bc3defULL,
	  0x29a6c86981ad933cULL, 597671344u, 2740809090u },
	{ "public/tcpdump-mptcp-aa-v1.pcap", 1, 1, 1, 0x8f0c7c64a6a32ac1ULL,
	  0x73bb150358a0aecbULL, 773504493u, 1597986193u },
	{ "public/tcpdump-mptcp-fclose.pcap", 1, 1, 0, 0x9b59be3d695e66a7ULL,
	  0xd005b1ab34bad344ULL, 3554470991u, 528961146u },
	{ "public/ptcpdump-mptcp.pcap", 1, 1, 1, 0xfe7b93dc894dcb73ULL,
	  0xe356a8f252e41976ULL, 3292443918u, 1688505345u },
};

START_TEST(test_known_values)
{
	const struct known *k = &known[_i];
	struct mpf_ctx *ctx = capture_load(k->capture);
	const struct mpf_node *n = mpf_ctx_get_node(ctx, 0);
	uint64_t key, idsn;
	uint32_t tok;

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), k->nodes);
	ck_assert_uint_eq(mpf_ctx_get_flow_count(ctx), k->flows);
	ck_assert_int_eq(mpf_node_get_mptcp_version(n), k->version);
	ck_assert(mpf_node_get_mptcp_key(n, MPF_SIDE_CLIENT, &key));
	ck_assert_uint_eq(key, k->client_key);
	ck_assert(mpf_node_get_mptcp_key(n, MPF_SIDE_SERVER, &key));
	ck_assert_uint_eq(key, k->server_key);
	ck_assert(mpf_node_get_mptcp_token(n, MPF_SIDE_CLIENT, &tok));
	ck_assert_uint_eq(tok, k->client_token);
	ck_assert(mpf_node_get_mptcp_token(n, MPF_SIDE_SERVER, &tok));
	ck_assert_uint_eq(tok, k->server_token);
	ck_assert(mpf_node_get_mptcp_idsn(n, MPF_SIDE_CLIENT, &idsn));
	ck_assert(!mpf_node_get_mptcp_fallback(n, NULL));
	mpf_ctx_free(ctx);
}
END_TEST

/* v0 (SHA-1): the MP_JOIN subflow is joined by the server's token. */
START_TEST(test_v0_join)
{
	struct mpf_ctx *ctx = capture_load("public/tcpdump-mptcp-v0.pcap");
	const struct mpf_node *n = mpf_ctx_get_node(ctx, 0);
	const struct mpf_flow *f0 = mpf_node_get_flow(n, 0);
	const struct mpf_flow *f1 = mpf_node_get_flow(n, 1);
	struct mpf_endpoint s, d;
	char a[MPF_ADDR_STRLEN];

	ck_assert_int_eq(mpf_flow_get_mptcp_role(f0), MPF_MPTCP_ROLE_INITIAL);
	ck_assert_int_eq(mpf_flow_get_mptcp_role(f1), MPF_MPTCP_ROLE_JOIN);
	ck_assert(mpf_flow_get_mptcp_established(f1));
	ck_assert(mpf_flow_get_mptcp_src_is_client(f1));
	mpf_flow_get_endpoints(f1, &s, &d);
	ck_assert_str_eq(mpf_addr_to_string(&d.addr, a, sizeof(a)), "10.1.2.2");
	ck_assert_uint_eq(d.port, 22);
	ck_assert_int_eq(mpf_flow_get_mptcp_address_id(f1, MPF_SIDE_SERVER), 1);
	ck_assert_uint_eq(mpf_flow_get_packets(f0, MPF_SIDE_CLIENT) +
				  mpf_flow_get_packets(f0, MPF_SIDE_SERVER) +
				  mpf_flow_get_packets(f1, MPF_SIDE_CLIENT) +
				  mpf_flow_get_packets(f1, MPF_SIDE_SERVER),
			  264);
	mpf_ctx_free(ctx);
}
END_TEST

/* A DSS cut by the snapshot length is truncated, not malformed, and
 * leaves no node behind (nothing identifies the connection). */
START_TEST(test_dss_oobr)
{
	struct mpf_ctx *ctx = capture_load("public/tcpdump-mptcp-dss-oobr.pcap");
	const struct mpf_frame *f = mpf_ctx_get_frame(ctx, 1);

	ck_assert_int_eq(mpf_frame_get_status(f), MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_TRUNCATED), 1);
	mpf_ctx_free(ctx);
}
END_TEST

/* ---------------------------------------------------------- two passes */

/* What a frame's result says, for comparing two contexts. */
struct row {
	uint32_t number, node, flow, map;
	int status;
	bool has_dsn, has_dack;
	uint64_t dsn, dack;
};

static struct row
row_of(const struct mpf_frame *f)
{
	struct row r;

	memset(&r, 0, sizeof(r));
	r.number = mpf_frame_get_number(f);
	r.node = mpf_frame_get_node_id(f);
	r.flow = mpf_frame_get_flow_id(f);
	r.map = mpf_frame_get_mptcp_mapping_frame(f);
	r.status = mpf_frame_get_status(f);
	r.has_dsn = mpf_frame_get_mptcp_dsn(f, &r.dsn);
	r.has_dack = mpf_frame_get_mptcp_dack(f, &r.dack);
	return r;
}

struct stream_check {
	struct mpf_ctx *ctx;
	const struct row *want; /* by frame number */
};

static void
feed_and_compare(const struct mpf_packet *pkt, void *user)
{
	struct stream_check *sc = user;
	const struct mpf_frame *f = NULL;
	struct row got;

	ck_assert_int_eq(mpf_ctx_feed(sc->ctx, pkt, &f), MPF_OK);
	got = row_of(f);
	ck_assert_msg(memcmp(&got, &sc->want[pkt->number], sizeof(got)) == 0,
		      "frame %u differs between the passes", pkt->number);
	/* a streaming context keeps nothing to revisit */
	ck_assert_ptr_null(mpf_ctx_get_frame(sc->ctx, pkt->number));
}

/* The stored results, read from the last frame to the first, equal what a
 * streaming context returns while it is fed. */
START_TEST(test_passes_agree)
{
	const char *rel = all_captures[_i];
	struct mpf_ctx *retained = capture_load(rel);
	struct mpf_config *cfg = mpf_config_new();
	struct stream_check sc;
	uint32_t n, count;
	struct row *want;

	count = (uint32_t)mpf_ctx_get_counter(retained, MPF_COUNTER_FRAMES);
	want = g_new0(struct row, count + 1);
	for (n = count; n >= 1; n--) {
		const struct mpf_frame *f = mpf_ctx_get_frame(retained, n);

		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(mpf_frame_get_number(f), n);
		want[n] = row_of(f);
	}
	ck_assert_ptr_null(mpf_ctx_get_frame(retained, count + 1));
	ck_assert_ptr_null(mpf_ctx_get_frame(retained, 0));

	mpf_config_set_retain_frames(cfg, false);
	sc.ctx = mpf_ctx_new(cfg);
	sc.want = want;
	mpf_config_free(cfg);
	capture_foreach(rel, feed_and_compare, &sc);
	ck_assert_uint_eq(mpf_ctx_get_node_count(sc.ctx),
			  mpf_ctx_get_node_count(retained));
	mpf_ctx_free(sc.ctx);
	g_free(want);
	mpf_ctx_free(retained);
}
END_TEST

static Suite *
capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("kernel");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_kernel_truth, 0, G_N_ELEMENTS(kernel_dirs));
	tcase_add_test(tc, test_fallback);
	suite_add_tcase(s, tc);

	tc = tcase_create("tshark");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_tshark_golden, 0, G_N_ELEMENTS(all_captures));
	suite_add_tcase(s, tc);

	tc = tcase_create("known");
	tcase_add_loop_test(tc, test_known_values, 0, G_N_ELEMENTS(known));
	tcase_add_test(tc, test_v0_join);
	tcase_add_test(tc, test_dss_oobr);
	suite_add_tcase(s, tc);

	tc = tcase_create("passes");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_passes_agree, 0, G_N_ELEMENTS(all_captures));
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(capture_suite)
