/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Partial results: export, read back, merge. A capture cut in shards
 * (cuts inside connections and inside handshakes), each shard analysed
 * alone with the frame numbers of the whole, must merge into the nodes,
 * flows, keys, tokens, tags, prefixes, packets, bytes, frame ranges and
 * counters of one context on the whole capture; and a partial is read as
 * hostile input (every truncation, every flipped byte, made-up values).
 */
#include <glib.h>
#include <string.h>

#include "backends/mptcp/mptcp.h"
#include "mpf-test.h"

/* ------------------------------------------------------------ frames */

struct frame {
	struct mpf_packet pkt;
	uint8_t *data;
};

static void
keep_frame(const struct mpf_packet *pkt, void *user)
{
	GArray *frames = user;
	struct frame f;

	f.pkt = *pkt;
	f.data = g_memdup2(pkt->data, pkt->caplen ? pkt->caplen : 1);
	f.pkt.data = f.data;
	g_array_append_val(frames, f);
}

static GArray *
frames_load(const char *rel)
{
	GArray *frames = g_array_new(FALSE, FALSE, sizeof(struct frame));

	capture_foreach(rel, keep_frame, frames);
	return frames;
}

static void
frames_free(GArray *frames)
{
	guint i;

	for (i = 0; i < frames->len; i++)
		g_free(g_array_index(frames, struct frame, i).data);
	g_array_free(frames, TRUE);
}

/* A context fed frames [from, to) (indexes), in shard mode or not. */
static struct mpf_ctx *
run(GArray *frames, guint from, guint to, bool shard)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;
	guint i;

	mpf_config_set_retain_frames(cfg, false);
	mpf_config_set_shard(cfg, shard);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	for (i = from; i < to; i++)
		ck_assert_int_eq(mpf_ctx_feed(ctx, &g_array_index(frames, struct frame, i).pkt,
					      NULL),
				 MPF_OK);
	return ctx;
}

static GBytes *
export(const struct mpf_ctx *ctx)
{
	void *data;
	size_t len;

	ck_assert_int_eq(mpf_ctx_export_partial(ctx, &data, &len), MPF_OK);
	ck_assert_ptr_nonnull(data);
	return g_bytes_new_with_free_func(data, len, mpf_free, data);
}

/* ---------------------------------------------------------- describe */

static void
endpoint(GString *s, const struct mpf_endpoint *e)
{
	char a[MPF_ADDR_STRLEN];

	g_string_append_printf(s, "%s:%u", mpf_addr_to_string(&e->addr, a, sizeof(a)),
			       e->port);
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * What one process and a merge must agree on, ids aside: each shown node
 * (protocol, frames, packets, bytes; MPTCP version, keys and tokens; SCTP
 * ports and tags; LISP instance and prefix) with its flows (ends, frames,
 * packets and bytes each way), in order of first frame; the counters.
 */
static char *
describe(const struct mpf_ctx *ctx)
{
	GPtrArray *nodes = g_ptr_array_new_with_free_func(g_free);
	GString *out = g_string_new(NULL);
	uint32_t i, j;
	int c;

	for (c = 0; c < MPF_COUNTER_COUNT; c++)
		g_string_append_printf(out, "%s=%" G_GUINT64_FORMAT " ",
				       mpf_counter_to_string((enum mpf_counter)c),
				       mpf_ctx_get_counter(ctx, (enum mpf_counter)c));
	g_string_append_c(out, '\n');
	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, i);
		GPtrArray *flows;
		GString *s;
		int side;

		if (!n || mpf_node_get_merged_into(n) != MPF_ID_NONE)
			continue;
		s = g_string_new(NULL);
		g_string_append_printf(s, "%010u %s frames %u-%u packets %" G_GUINT64_FORMAT
				       " bytes %" G_GUINT64_FORMAT,
				       mpf_node_get_first_frame(n),
				       mpf_protocol_to_string(mpf_node_get_protocol(n)),
				       mpf_node_get_first_frame(n),
				       mpf_node_get_last_frame(n),
				       mpf_node_get_packets(n), mpf_node_get_bytes(n));
		for (side = 0; side < 2; side++) {
			uint64_t key;
			uint32_t token;

			if (mpf_node_get_mptcp_key(n, (enum mpf_side)side, &key))
				g_string_append_printf(s, " key%d %016" G_GINT64_MODIFIER "x",
						       side, key);
			if (mpf_node_get_mptcp_token(n, (enum mpf_side)side, &token))
				g_string_append_printf(s, " token%d %08x", side, token);
			if (mpf_node_get_sctp_vtag(n, (enum mpf_side)side, &token))
				g_string_append_printf(s, " vtag%d %08x", side, token);
			if (mpf_node_get_protocol(n) == MPF_PROTO_SCTP)
				g_string_append_printf(s, " port%d %u", side,
						       mpf_node_get_sctp_port(n, (enum mpf_side)side));
		}
		if (mpf_node_get_protocol(n) == MPF_PROTO_MPTCP) {
			uint32_t at, fb = 0;
			enum mpf_mptcp_end end = mpf_node_get_mptcp_end(n, &at);

			mpf_node_get_mptcp_fallback(n, &fb);
			g_string_append_printf(s, " v%d end %s@%u fallback %u %s state %s",
					       mpf_node_get_mptcp_version(n),
					       mpf_mptcp_end_to_string(end), at, fb,
					       mpf_mptcp_fallback_cause_to_string(
						       mpf_node_get_mptcp_fallback_cause(n)),
					       mpf_mptcp_state_to_string(
						       mpf_node_get_mptcp_state(n)));
		}
		if (mpf_node_get_protocol(n) == MPF_PROTO_LISP) {
			struct mpf_addr p;
			uint32_t iid = 0;
			uint8_t len = 0;
			char a[MPF_ADDR_STRLEN];

			mpf_node_get_lisp_iid(n, &iid);
			mpf_node_get_lisp_eid_prefix(n, &p, &len);
			g_string_append_printf(s, " iid %u %s/%u", iid,
					       mpf_addr_to_string(&p, a, sizeof(a)), len);
		}
		flows = g_ptr_array_new_with_free_func(g_free);
		for (j = 0; j < mpf_node_get_flow_count(n); j++) {
			const struct mpf_flow *f = mpf_node_get_flow(n, j);
			struct mpf_endpoint src, dst;
			GString *fs = g_string_new(NULL);

			mpf_flow_get_endpoints(f, &src, &dst);
			g_string_append_printf(fs, "\n  %010u ", mpf_flow_get_first_frame(f));
			endpoint(fs, &src);
			g_string_append(fs, " > ");
			endpoint(fs, &dst);
			g_string_append_printf(fs, " frames %u-%u packets %" G_GUINT64_FORMAT
					       "/%" G_GUINT64_FORMAT " bytes %" G_GUINT64_FORMAT
					       "/%" G_GUINT64_FORMAT,
					       mpf_flow_get_first_frame(f),
					       mpf_flow_get_last_frame(f),
					       mpf_flow_get_packets(f, MPF_SIDE_CLIENT),
					       mpf_flow_get_packets(f, MPF_SIDE_SERVER),
					       mpf_flow_get_bytes(f, MPF_SIDE_CLIENT),
					       mpf_flow_get_bytes(f, MPF_SIDE_SERVER));
			if (mpf_node_get_protocol(n) == MPF_PROTO_MPTCP)
				g_string_append_printf(fs, " %s reset %u",
						       mpf_mptcp_state_to_string(
							       mpf_flow_get_mptcp_state(f)),
						       mpf_flow_get_mptcp_reset_frame(f));
			g_ptr_array_add(flows, g_string_free(fs, FALSE));
		}
		g_ptr_array_sort(flows, cmp_str);
		for (j = 0; j < flows->len; j++)
			g_string_append(s, g_ptr_array_index(flows, j));
		g_ptr_array_free(flows, TRUE);
		g_ptr_array_add(nodes, g_string_free(s, FALSE));
	}
	g_ptr_array_sort(nodes, cmp_str);
	for (i = 0; i < nodes->len; i++) {
		g_string_append(out, g_ptr_array_index(nodes, i));
		g_string_append_c(out, '\n');
	}
	g_ptr_array_free(nodes, TRUE);
	return g_string_free(out, FALSE);
}

/* The first line where @a and @b differ, for a failure message. */
static char *
first_difference(const char *a, const char *b)
{
	char **x = g_strsplit(a, "\n", -1), **y = g_strsplit(b, "\n", -1);
	char *out = NULL;
	int i;

	for (i = 0; x[i] && y[i] && !out; i++)
		if (strcmp(x[i], y[i]) != 0)
			out = g_strdup_printf("line %d:\n whole: %s\n merge: %s", i,
					      x[i], y[i]);
	if (!out)
		out = g_strdup_printf("line %d: one ends first", i);
	g_strfreev(x);
	g_strfreev(y);
	return out;
}

static struct mpf_ctx *
from_partial(GBytes *b)
{
	struct mpf_ctx *ctx = NULL;
	gsize len;
	const void *data = g_bytes_get_data(b, &len);

	ck_assert_int_eq(mpf_ctx_new_from_partial(data, len, &ctx), MPF_OK);
	return ctx;
}

static GBytes *
merge(GBytes *const *parts, guint n)
{
	const void **data = g_new(const void *, n);
	size_t *lens = g_new(size_t, n), len;
	void *out;
	guint i;
	int st;

	for (i = 0; i < n; i++) {
		gsize l;

		data[i] = g_bytes_get_data(parts[i], &l);
		lens[i] = l;
	}
	st = mpf_partial_merge(data, lens, n, &out, &len);
	ck_assert_msg(st == MPF_OK, "merge: %s", mpf_status_name(st));
	g_free(data);
	g_free(lens);
	return g_bytes_new_with_free_func(out, len, mpf_free, out);
}

/* Cuts @frames at @cuts (indexes, increasing, inside (0, len)), merges
 * the shards and checks the result against @whole. Also merges the tail
 * first (merge(p0, merge(p1, ...))), which must give the same. */
static void
check_cuts(const char *name, GArray *frames, const char *whole,
	   const guint *cuts, guint ncuts)
{
	GBytes **parts = g_new0(GBytes *, ncuts + 2);
	GBytes *merged, *tail, *pair[2];
	struct mpf_ctx *ctx;
	char *got;
	guint k;

	for (k = 0; k <= ncuts; k++) {
		guint from = k ? cuts[k - 1] : 0;
		guint to = k < ncuts ? cuts[k] : frames->len;

		ctx = run(frames, from, to, true);
		parts[k] = export(ctx);
		mpf_ctx_free(ctx);
	}
	merged = merge(parts, ncuts + 1);
	ctx = from_partial(merged);
	got = describe(ctx);
	if (strcmp(got, whole) != 0) {
		GString *cs = g_string_new(NULL);
		char *d = first_difference(whole, got);

		for (k = 0; k < ncuts; k++)
			g_string_append_printf(cs, " %u", cuts[k]);
		ck_abort_msg("%s cut at frames%s: %s", name, cs->str, d);
	}
	g_free(got);
	mpf_ctx_free(ctx);
	if (ncuts >= 2) {
		tail = merge(parts + 1, ncuts);
		pair[0] = parts[0];
		pair[1] = tail;
		g_bytes_unref(merged);
		merged = merge(pair, 2);
		ctx = from_partial(merged);
		got = describe(ctx);
		ck_assert_msg(strcmp(got, whole) == 0, "%s: merge(p0, merge(p1..)): %s",
			      name, first_difference(whole, got));
		g_free(got);
		mpf_ctx_free(ctx);
		g_bytes_unref(tail);
	}
	g_bytes_unref(merged);
	for (k = 0; k <= ncuts; k++)
		g_bytes_unref(parts[k]);
	g_free(parts);
}

static bool
is_handshake(const struct frame *f)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_frame *r;
	bool hs = false;

	/* a frame with MP_CAPABLE or MP_JOIN, or an SCTP INIT / INIT ACK /
	 * COOKIE: a cut after it falls inside a handshake */
	if (mpf_ctx_feed(ctx, &f->pkt, &r) == MPF_OK) {
		unsigned opts = mpf_frame_get_mptcp_options(r);
		uint32_t chunks = mpf_frame_get_sctp_chunks(r);

		hs = (opts & 0x3) != 0 ||
		     (chunks & (mpf_sctp_chunk_bit(1) | mpf_sctp_chunk_bit(2) |
				mpf_sctp_chunk_bit(10) | mpf_sctp_chunk_bit(11))) != 0;
	}
	mpf_ctx_free(ctx);
	return hs;
}

static const char *const captures[] = {
	"kernel/v1-2paths/capture.pcap",
	"kernel/v1-3paths-signal-loss/capture.pcap",
	"kernel/v1-4paths-4conns-loss/capture.pcap",
	"kernel/fallback/capture.pcap",
	"kernel/fastclose/capture.pcap",
	"kernel/v1-ipv6-signal/capture.pcap",
	"kernel/v1-checksum/capture.pcap",
	"kernel/v1-2paths-snaplen96/capture.pcap",
	"kernel/v1-3paths-fastclose/capture.pcap",
	"public/tcpdump-mptcp-v0.pcap",
	"public/tcpdump-mptcp-v1.pcap",
	"public/tcpdump-mptcp-aa-v1.pcap",
	"usrsctp/cmt-3paths-loss/capture.pcap",
	"usrsctp/encaps-4paths-2assocs/capture.pcap",
	"usrsctp/ipv6-4assocs-abort/capture.pcap",
	"usrsctp/raw-2paths-3assocs-sequential/capture.pcap",
	"usrsctp/encaps-2paths-asconf/capture.pcap",
	"public/pkts-sctp_init_collision.cap",
	"public/tcpdump-pr995-sctp-asconf.pcap",
	"public/pkts-sctp-www.cap",
	"oor/dual-iid-proxy/capture.pcap",
	"oor/v4-balance-failover/capture.pcap",
	"oor/v4-primary-backup/capture.pcap",
	"public/tcpdump-lisp_eid_notify.pcap",
	"public/tcpdump-lisp_ipv6.pcap",
};

/* Each capture, whole and in shards: 3 to 8 equal ones, cuts after
 * handshake frames (a dozen one at a time, and all at once). */
START_TEST(shards_merge_to_the_whole)
{
	const char *name = captures[_i];
	GArray *frames = frames_load(name);
	struct mpf_ctx *ctx = run(frames, 0, frames->len, false);
	char *whole = describe(ctx);
	GArray *hs = g_array_new(FALSE, FALSE, sizeof(guint));
	guint cuts[8], n, k, i;

	mpf_ctx_free(ctx);
	for (n = 3; n <= 8 && n <= frames->len; n++) {
		for (k = 1; k < n; k++)
			cuts[k - 1] = (guint)((guint64)frames->len * k / n);
		check_cuts(name, frames, whole, cuts, n - 1);
	}
	for (i = 0; i + 1 < frames->len; i++)
		if (is_handshake(&g_array_index(frames, struct frame, i))) {
			guint c = i + 1;

			g_array_append_val(hs, c);
		}
	/* a dozen of them one at a time (spread over the capture), then
	 * all of them at once */
	for (k = 0; k < hs->len; k += MAX(1, hs->len / 12))
		check_cuts(name, frames, whole, &g_array_index(hs, guint, k), 1);
	if (hs->len)
		check_cuts(name, frames, whole, (guint *)(void *)hs->data,
			   MIN(hs->len, 64));
	g_array_free(hs, TRUE);
	g_free(whole);
	frames_free(frames);
}
END_TEST

/* One part reads back as it was, ids included; merging it alone too. */
START_TEST(round_trip)
{
	const char *name = captures[_i];
	GArray *frames = frames_load(name);
	struct mpf_ctx *ctx = run(frames, 0, frames->len, false), *back;
	GBytes *p = export(ctx), *m;
	char *want = describe(ctx), *got;
	uint32_t i;

	back = from_partial(p);
	got = describe(back);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(mpf_ctx_get_node_count(back), mpf_ctx_get_node_count(ctx));
	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++) {
		const struct mpf_node *a = mpf_ctx_get_node(ctx, i);
		const struct mpf_node *b = mpf_ctx_get_node(back, i);

		if (a && mpf_node_get_merged_into(a) == MPF_ID_NONE)
			ck_assert_msg(b && mpf_node_get_flow_count(a) ==
						   mpf_node_get_flow_count(b),
				      "%s: node %u", name, i);
	}
	/* it takes no frames */
	ck_assert_int_eq(mpf_ctx_feed(back, &g_array_index(frames, struct frame, 0).pkt,
				      NULL),
			 MPF_ERR_BUSY);
	ck_assert_ptr_null(mpf_ctx_get_frame(back, 1));
	m = merge(&p, 1);
	ck_assert(g_bytes_equal(m, p)); /* the export of an import is the same */
	g_free(got);
	g_free(want);
	g_bytes_unref(m);
	g_bytes_unref(p);
	mpf_ctx_free(back);
	mpf_ctx_free(ctx);
	frames_free(frames);
}
END_TEST

/* --------------------------------------------------------- crafted */

/* Appends a crafted TCP segment (raw IPv4) as the next frame, a tenth of
 * a second after the previous one. */
static void
add_tcp(GArray *frames, const char *src, uint16_t sport, const char *dst,
	uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
	const uint8_t *opts, size_t opts_len, size_t payload)
{
	struct craft_tcp t = { src, dst, sport, dport, seq, ack, flags, opts,
			       opts_len, payload };
	uint8_t buf[2048];
	struct frame f;
	size_t n = craft_tcp_frame(buf, sizeof(buf), CRAFT_RAW, &t);

	memset(&f, 0, sizeof(f));
	f.data = g_memdup2(buf, n);
	f.pkt.number = frames->len + 1;
	f.pkt.linktype = CRAFT_RAW;
	f.pkt.data = f.data;
	f.pkt.caplen = f.pkt.wirelen = (uint32_t)n;
	f.pkt.ts_sec = 1700000000 + f.pkt.number / 10;
	f.pkt.ts_nsec = (f.pkt.number % 10) * 100000000u;
	g_array_append_val(frames, f);
}

#define C "10.0.0.1"
#define C2 "10.0.1.1"
#define S "10.0.0.2"
#define SA (MPF_TCP_SYN | MPF_TCP_ACK)
#define A MPF_TCP_ACK

/* An MPTCP v1 connection whose first SYN is sent twice (the second just
 * after a cut continues it), a join, data both ways on both subflows and
 * DATA_FINs; then, on the ports of its first subflow, a plain TCP
 * connection (a new ISN: not the MPTCP one's); then a connection that
 * falls back (the SYN/ACK without MP_CAPABLE) and goes on as plain TCP;
 * one whose third ACK has an MP_CAPABLE Linux does not take (the B flag):
 * the server falls back there, and both go on as plain TCP to an RST. */
static GArray *
scenario(void)
{
	GArray *fr = g_array_new(FALSE, FALSE, sizeof(struct frame));
	uint64_t kc = 0x1122334455667788ULL, ks = 0x99aabbccddeeff00ULL;
	uint64_t ic, is, kf = 0x0102030405060708ULL;
	uint32_t tc, ts;
	uint8_t o[40], h[20] = { 0 };
	size_t n;
	int i;

	mpf__mptcp_key_derive(1, kc, &tc, &ic);
	mpf__mptcp_key_derive(1, ks, &ts, &is);
	n = craft_opt_mpc(o, 1, 0, 0, 0, -1);
	add_tcp(fr, C, 40000, S, 80, 1000, 0, MPF_TCP_SYN, o, n, 0);
	add_tcp(fr, C, 40000, S, 80, 1000, 0, MPF_TCP_SYN, o, n, 0);
	n = craft_opt_mpc(o, 1, 1, ks, 0, -1);
	add_tcp(fr, S, 80, C, 40000, 5000, 1001, SA, o, n, 0);
	n = craft_opt_mpc(o, 1, 2, kc, ks, -1);
	add_tcp(fr, C, 40000, S, 80, 1001, 5001, A, o, n, 0);
	for (i = 0; i < 4; i++) {
		n = craft_opt_dss(o, 8, is + 1, 8, ic + 1 + 100 * i, 1 + 100 * i, 100,
				  false);
		add_tcp(fr, C, 40000, S, 80, 1001 + 100 * i, 5001, A, o, n, 100);
		n = craft_opt_dss(o, 8, ic + 101 + 100 * i, 0, 0, 0, 0, false);
		add_tcp(fr, S, 80, C, 40000, 5001, 1101 + 100 * i, A, o, n, 0);
	}
	/* a join from another address, its handshake, data on it */
	n = craft_opt_join_syn(o, false, 1, ts, 0xabcdef01);
	add_tcp(fr, C2, 40001, S, 80, 9000, 0, MPF_TCP_SYN, o, n, 0);
	n = craft_opt_join_synack(o, 0, 0x1234, 0x12345678);
	add_tcp(fr, S, 80, C2, 40001, 7000, 9001, SA, o, n, 0);
	n = craft_opt_join_ack(o, h);
	add_tcp(fr, C2, 40001, S, 80, 9001, 7001, A, o, n, 0);
	for (i = 0; i < 3; i++) {
		n = craft_opt_dss(o, 8, is + 1, 8, ic + 401 + 100 * i, 1 + 100 * i, 100,
				  false);
		add_tcp(fr, C2, 40001, S, 80, 9001 + 100 * i, 7001, A, o, n, 100);
		n = craft_opt_dss(o, 8, ic + 501 + 100 * i, 0, 0, 0, 0, false);
		add_tcp(fr, S, 80, C2, 40001, 7001, 9101 + 100 * i, A, o, n, 0);
	}
	n = craft_opt_dss(o, 8, is + 1, 8, ic + 701, 401, 1, true);
	add_tcp(fr, C, 40000, S, 80, 1401, 5001, A | MPF_TCP_FIN, o, n, 0);
	n = craft_opt_dss(o, 8, ic + 702, 8, is + 1, 1, 1, true);
	add_tcp(fr, S, 80, C, 40000, 5001, 1402, A | MPF_TCP_FIN, o, n, 0);
	/* plain TCP on the first subflow's ports, a new ISN */
	add_tcp(fr, C, 40000, S, 80, 77000, 0, MPF_TCP_SYN, NULL, 0, 0);
	add_tcp(fr, S, 80, C, 40000, 88000, 77001, SA, NULL, 0, 0);
	for (i = 0; i < 3; i++)
		add_tcp(fr, C, 40000, S, 80, 77001 + 50 * i, 88001, A, NULL, 0, 50);
	/* a fallback: MP_CAPABLE answered without it, then plain TCP */
	n = craft_opt_mpc(o, 0, 1, kf, 0, -1);
	add_tcp(fr, C, 41000, S, 80, 3000, 0, MPF_TCP_SYN, o, n, 0);
	add_tcp(fr, S, 80, C, 41000, 6000, 3001, SA, NULL, 0, 0);
	for (i = 0; i < 4; i++) {
		add_tcp(fr, C, 41000, S, 80, 3001 + 60 * i, 6001, A, NULL, 0, 60);
		add_tcp(fr, S, 80, C, 41000, 6001, 3061 + 60 * i, A, NULL, 0, 0);
	}
	n = craft_opt_mpc(o, 1, 0, 0, 0, -1);
	add_tcp(fr, C, 42000, S, 80, 4000, 0, MPF_TCP_SYN, o, n, 0);
	n = craft_opt_mpc(o, 1, 1, ks, 0, -1);
	add_tcp(fr, S, 80, C, 42000, 8000, 4001, SA, o, n, 0);
	n = craft_opt_mpc(o, 1, 2, kf, ks, -1);
	o[3] |= 0x40; /* B */
	add_tcp(fr, C, 42000, S, 80, 4001, 8001, A, o, n, 0);
	add_tcp(fr, S, 80, C, 42000, 8001, 4001, A, NULL, 0, 80);
	add_tcp(fr, C, 42000, S, 80, 4001, 8081, A, NULL, 0, 0);
	add_tcp(fr, C, 42000, S, 80, 4001, 8081, MPF_TCP_RST, NULL, 0, 0);
	return fr;
}

/* Crafted connections cut at every frame, and at every pair of frames:
 * cuts in every handshake, after a SYN that is sent again, between a
 * connection and the plain one that reuses its ports, inside a fallback. */
START_TEST(crafted_cut_everywhere)
{
	GArray *frames = scenario();
	struct mpf_ctx *ctx = run(frames, 0, frames->len, false);
	char *whole = describe(ctx);
	guint cuts[2], i, j;

	/* what one context makes of it: three MPTCP connections (the first
	 * with two subflows), the plain one not its; the last falls back at
	 * its third ACK */
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 3);
	ck_assert_int_eq(mpf_node_get_mptcp_fallback_cause(mpf_ctx_get_node(ctx, 2)),
			 MPF_MPTCP_FALLBACK_ACK_INVALID_MPC);
	mpf_ctx_free(ctx);
	for (i = 1; i < frames->len; i++) {
		cuts[0] = i;
		check_cuts("crafted", frames, whole, cuts, 1);
		for (j = i + 1; j < frames->len; j++) {
			cuts[1] = j;
			check_cuts("crafted", frames, whole, cuts, 2);
		}
	}
	g_free(whole);
	frames_free(frames);
}
END_TEST

/* ----------------------------------------------------------- hostile */

static GBytes *
small_partial(void)
{
	GArray *frames = frames_load("public/tcpdump-mptcp-v1.pcap");
	struct mpf_ctx *a = run(frames, 0, 10, true);
	GBytes *p = export(a);

	mpf_ctx_free(a);
	frames_free(frames);
	return p;
}

static int
load(const void *data, size_t len)
{
	struct mpf_ctx *ctx = (struct mpf_ctx *)1;
	int st = mpf_ctx_new_from_partial(data, len, &ctx);

	if (st == MPF_OK) {
		char *d;

		ck_assert_ptr_nonnull(ctx);
		d = describe(ctx); /* every getter on what was read */
		g_free(d);
		mpf_ctx_free(ctx);
	} else {
		ck_assert_ptr_null(ctx);
	}
	return st;
}

/* Every prefix of a partial is refused, and said to be cut short. */
START_TEST(hostile_truncated)
{
	GBytes *p = small_partial();
	gsize len, i;
	const uint8_t *data = g_bytes_get_data(p, &len);

	for (i = 0; i < len; i++) {
		struct buf b;
		uint8_t *copy = buf_new(&b, data, i, false);
		int st = load(i ? copy : data, i);

		ck_assert_msg(st == MPF_ERR_TRUNCATED, "prefix of %zu bytes: %s", i,
			      mpf_status_name(st));
		buf_free(&b);
	}
	ck_assert_int_eq(load(data, len), MPF_OK);
	g_bytes_unref(p);
}
END_TEST

/* Every byte flipped, in an exact-size buffer: refused, or read whole and
 * consistent; never a crash (ASan) or an over-read. */
START_TEST(hostile_flipped)
{
	GBytes *p = small_partial();
	gsize len, i;
	const uint8_t *data = g_bytes_get_data(p, &len);
	uint8_t *copy = g_memdup2(data, len);
	unsigned refused = 0;

	for (i = 0; i < len; i++) {
		static const uint8_t masks[] = { 0x01, 0x80, 0xff };
		unsigned m;

		for (m = 0; m < G_N_ELEMENTS(masks); m++) {
			struct buf b;
			uint8_t *x;
			int st;

			copy[i] ^= masks[m];
			x = buf_new(&b, copy, len, false);
			st = load(x, len);
			refused += st != MPF_OK;
			ck_assert(st == MPF_OK || st == MPF_ERR_MALFORMED ||
				  st == MPF_ERR_TRUNCATED || st == MPF_ERR_PARTIAL ||
				  st == MPF_ERR_UNSUPPORTED);
			buf_free(&b);
			copy[i] ^= masks[m];
		}
	}
	ck_assert_uint_gt(refused, len); /* most damage is seen */
	g_free(copy);
	g_bytes_unref(p);
}
END_TEST

static void
put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

START_TEST(hostile_headers)
{
	GBytes *p = small_partial();
	gsize len;
	const uint8_t *data = g_bytes_get_data(p, &len);
	uint8_t *x = g_malloc(len + 8);
	const void *two[2];
	size_t lens[2];
	void *out;
	size_t out_len;

	/* not a partial at all, another version, flags, lengths */
	ck_assert_int_eq(load("GIF89a, not a partial result at all", 36), MPF_ERR_PARTIAL);
	memcpy(x, data, len);
	put_le(x + 8, 2, 4);
	ck_assert_int_eq(load(x, len), MPF_ERR_PARTIAL);
	memcpy(x, data, len);
	put_le(x + 12, 1, 4);
	ck_assert_int_eq(load(x, len), MPF_ERR_PARTIAL);
	memcpy(x, data, len);
	put_le(x + 16, UINT64_MAX, 8);
	ck_assert_int_eq(load(x, len), MPF_ERR_MALFORMED);
	memcpy(x, data, len);
	put_le(x + 16, len - 24 + 1, 8);
	ck_assert_int_eq(load(x, len), MPF_ERR_TRUNCATED);
	memcpy(x, data, len);
	memset(x + len, 0, 8);
	ck_assert_int_eq(load(x, len + 8), MPF_ERR_MALFORMED); /* bytes after */
	ck_assert_int_eq(mpf_ctx_new_from_partial(NULL, 0, (struct mpf_ctx **)&out),
			 MPF_ERR_INVALID);
	/* the merge refuses what loading refuses, and parts out of order */
	two[0] = data;
	lens[0] = len;
	two[1] = x;
	lens[1] = len + 8;
	ck_assert_int_eq(mpf_partial_merge(two, lens, 2, &out, &out_len),
			 MPF_ERR_MALFORMED);
	ck_assert_ptr_null(out);
	two[1] = data;
	lens[1] = len;
	ck_assert_int_eq(mpf_partial_merge(two, lens, 2, &out, &out_len),
			 MPF_ERR_ORDER);
	ck_assert_int_eq(mpf_partial_merge(two, lens, 0, &out, &out_len),
			 MPF_ERR_INVALID);
	g_free(x);
	g_bytes_unref(p);
}
END_TEST

/* The format as lib/partial/ writes it. */
#define NODES_T "a(yuuuxxtta(u(yayq)(yayq)uuxx(tt)(tt)(tt)v)v)"
#define TOP_T "(uuuuxxat" NODES_T "a(yv))"

/* A partial whose top-level numbers are replaced. */
static int
load_with(const uint8_t *head, GVariant *orig, guint32 f0, guint32 f1,
	  guint32 nc, guint32 fc)
{
	GVariant *nodes, *states, *counters, *bad;
	guint32 a, b, c, d;
	gint64 t0, t1;
	gsize blen;
	uint8_t *buf;
	int st;

	g_variant_get(orig, "(uuuuxx@at@" NODES_T "@a(yv))", &a, &b, &c, &d, &t0,
		      &t1, &counters, &nodes, &states);
	bad = g_variant_ref_sink(g_variant_new("(uuuuxx@at@" NODES_T "@a(yv))", f0,
					       f1, nc, fc, t0, t1, counters, nodes,
					       states));
	blen = g_variant_get_size(bad);
	buf = g_malloc(24 + blen);
	memcpy(buf, head, 24);
	put_le(buf + 16, blen, 8);
	g_variant_store(bad, buf + 24);
	st = load(buf, 24 + blen);
	g_free(buf);
	g_variant_unref(bad);
	g_variant_unref(counters);
	g_variant_unref(nodes);
	g_variant_unref(states);
	return st;
}

/* Values no analysis writes, in a well-formed GVariant: refused. */
START_TEST(hostile_values)
{
	GBytes *p = small_partial();
	gsize len;
	const uint8_t *data = g_bytes_get_data(p, &len);
	GBytes *body = g_bytes_new(data + 24, len - 24);
	GVariant *orig = g_variant_ref_sink(
		g_variant_new_from_bytes(G_VARIANT_TYPE(TOP_T), body, FALSE));
	guint32 f0, f1, nc, fc;

	g_variant_get_child(orig, 0, "u", &f0);
	g_variant_get_child(orig, 1, "u", &f1);
	g_variant_get_child(orig, 2, "u", &nc);
	g_variant_get_child(orig, 3, "u", &fc);
	ck_assert_int_eq(load_with(data, orig, f0, f1, nc, fc), MPF_OK);
	/* an id table far beyond the objects held: an attempt at a huge
	 * allocation */
	ck_assert_int_eq(load_with(data, orig, f0, f1, 0xfffffff0u, fc),
			 MPF_ERR_MALFORMED);
	ck_assert_int_eq(load_with(data, orig, f0, f1, nc, 0xfffffff0u),
			 MPF_ERR_MALFORMED);
	/* fewer ids than nodes held */
	ck_assert_int_eq(load_with(data, orig, f0, f1, 0, fc), MPF_ERR_MALFORMED);
	/* a span backwards, or one the nodes' frames fall outside */
	ck_assert_int_eq(load_with(data, orig, f1, f0, nc, fc), MPF_ERR_MALFORMED);
	ck_assert_int_eq(load_with(data, orig, f0 + 5, f1, nc, fc), MPF_ERR_MALFORMED);
	ck_assert_int_eq(load_with(data, orig, 0, 0, nc, fc), MPF_ERR_MALFORMED);
	g_variant_unref(orig);
	g_bytes_unref(body);
	g_bytes_unref(p);
}
END_TEST

/* Streaming contexts have released their nodes: no partial of them. */
START_TEST(streaming_refused)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;
	void *data = (void *)1;
	size_t len = 1;

	mpf_config_set_streaming(cfg, true);
	ctx = mpf_ctx_new(cfg);
	ck_assert_int_eq(mpf_ctx_export_partial(ctx, &data, &len), MPF_ERR_INVALID);
	ck_assert_ptr_null(data);
	ck_assert_uint_eq(len, 0);
	mpf_ctx_free(ctx);
	mpf_config_free(cfg);
}
END_TEST

static Suite *
partial_suite(void)
{
	Suite *s = suite_create("partial");
	TCase *tc = tcase_create("merge");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, shards_merge_to_the_whole, 0, G_N_ELEMENTS(captures));
	tcase_add_loop_test(tc, round_trip, 0, G_N_ELEMENTS(captures));
	tcase_add_test(tc, crafted_cut_everywhere);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, hostile_truncated);
	tcase_add_test(tc, hostile_flipped);
	tcase_add_test(tc, hostile_headers);
	tcase_add_test(tc, hostile_values);
	tcase_add_test(tc, streaming_refused);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(partial_suite)
