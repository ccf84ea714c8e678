/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: what `mpflow summary` and `mpflow frames` print
 *
 * The JSON and CSV shapes are a contract other tools read (see the man
 * page): keys may be added, never renamed or removed. Keys and IDSNs are
 * 16 lowercase hex digits, tokens 8, null where unknown.
 */
#include <inttypes.h>
#include <string.h>

#include "report.h"

void
json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (ch < 0x20)
				fprintf(out, "\\u%04x", ch);
			else
				fputc(ch, out);
		}
	}
	fputc('"', out);
}

/* ------------------------------------------------------------- helpers */

/* The client and server ends of a node: its initial subflow's, else its
 * first flow's as seen from the client. */
static void
node_ends(const struct mpf_node *n, struct mpf_endpoint *client,
	  struct mpf_endpoint *server)
{
	const struct mpf_flow *f = NULL;
	uint32_t i;

	memset(client, 0, sizeof(*client));
	memset(server, 0, sizeof(*server));
	for (i = 0; i < mpf_node_get_flow_count(n); i++) {
		const struct mpf_flow *x = mpf_node_get_flow(n, i);

		if (mpf_flow_get_mptcp_role(x) == MPF_MPTCP_ROLE_INITIAL) {
			f = x;
			break;
		}
		if (!f)
			f = x;
	}
	if (!f)
		return;
	if (mpf_flow_get_mptcp_src_is_client(f))
		mpf_flow_get_endpoints(f, client, server);
	else
		mpf_flow_get_endpoints(f, server, client);
}

static const char *
endpoint_str(const struct mpf_endpoint *e, char *buf, size_t len)
{
	char a[MPF_ADDR_STRLEN];

	mpf_addr_to_string(&e->addr, a, sizeof(a));
	if (e->addr.family == 6)
		snprintf(buf, len, "[%s]:%u", a, e->port);
	else
		snprintf(buf, len, "%s:%u", a, e->port);
	return buf;
}

static double
seconds(int64_t ns)
{
	return (double)ns / 1e9;
}

static const char *
human_bytes(uint64_t b, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)b;
	int u = 0;

	while (v >= 1000.0 && u < 4) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", b);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

/* Writes one name of a list: separated by @sep, or as JSON strings
 * separated by commas when @sep is NULL. */
static void
list_item(FILE *out, const char *name, const char *sep, bool *first)
{
	if (!sep)
		fprintf(out, "%s\"%s\"", *first ? "" : ", ", name);
	else
		fprintf(out, "%s%s", *first ? "" : sep, name);
	*first = false;
}

/* Writes the names of the MPTCP option subtypes set in @opts. */
static void
print_options(FILE *out, unsigned opts, const char *sep)
{
	bool first = true;
	unsigned i;

	for (i = 0; i < 16; i++)
		if (opts & 1u << i)
			list_item(out, mpf_mptcp_subtype_to_string(i), sep,
				  &first);
}

static const struct {
	unsigned flag;
	const char *name;
} frame_flag_names[] = {
	{ MPF_MPTCP_FRAME_DSN_GUESSED, "dsn_base_guessed" },
	{ MPF_MPTCP_FRAME_NO_MAPPING, "no_mapping" },
	{ MPF_MPTCP_FRAME_DATA_FIN, "data_fin" },
	{ MPF_MPTCP_FRAME_INFINITE_MAP, "infinite_mapping" },
	{ MPF_MPTCP_FRAME_KEY_MISMATCH, "key_mismatch" },
	{ MPF_MPTCP_FRAME_ORPHAN_JOIN, "orphan_join" },
	{ MPF_MPTCP_FRAME_BAD_OPTION, "bad_option" },
};

static void
print_flags(FILE *out, unsigned flags, const char *sep)
{
	bool first = true;
	size_t i;

	for (i = 0; i < sizeof(frame_flag_names) / sizeof(frame_flag_names[0]);
	     i++)
		if (flags & frame_flag_names[i].flag)
			list_item(out, frame_flag_names[i].name, sep, &first);
}

/* ------------------------------------------------------------- summary */

static void
json_side(FILE *out, const struct mpf_node *n, enum mpf_side side)
{
	uint64_t key, idsn;
	uint32_t token;

	fputs("{\"key\": ", out);
	if (mpf_node_get_mptcp_key(n, side, &key))
		fprintf(out, "\"%016" PRIx64 "\"", key);
	else
		fputs("null", out);
	fputs(", \"token\": ", out);
	if (mpf_node_get_mptcp_token(n, side, &token))
		fprintf(out, "\"%08" PRIx32 "\"", token);
	else
		fputs("null", out);
	fputs(", \"idsn\": ", out);
	if (mpf_node_get_mptcp_idsn(n, side, &idsn))
		fprintf(out, "\"%016" PRIx64 "\"", idsn);
	else
		fputs("null", out);
	fputc('}', out);
}

static void
json_flow(FILE *out, const struct mpf_flow *f)
{
	struct mpf_endpoint s, d;
	char a[MPF_ADDR_STRLEN];
	int id0, id1;

	mpf_flow_get_endpoints(f, &s, &d);
	fprintf(out, "{\"id\": %" PRIu32 ", \"src\": ", mpf_flow_get_id(f));
	json_string(out, mpf_addr_to_string(&s.addr, a, sizeof(a)));
	fprintf(out, ", \"sport\": %u, \"dst\": ", s.port);
	json_string(out, mpf_addr_to_string(&d.addr, a, sizeof(a)));
	fprintf(out, ", \"dport\": %u", d.port);
	fprintf(out, ", \"role\": \"%s\", \"established\": %s",
		mpf_mptcp_role_to_string(mpf_flow_get_mptcp_role(f)),
		mpf_flow_get_mptcp_established(f) ? "true" : "false");
	fprintf(out, ", \"src_is_client\": %s, \"backup\": %s",
		mpf_flow_get_mptcp_src_is_client(f) ? "true" : "false",
		mpf_flow_get_mptcp_backup(f) ? "true" : "false");
	id0 = mpf_flow_get_mptcp_address_id(f, MPF_FLOW_FORWARD);
	id1 = mpf_flow_get_mptcp_address_id(f, MPF_FLOW_REVERSE);
	fputs(", \"src_addr_id\": ", out);
	if (id0 >= 0)
		fprintf(out, "%d", id0);
	else
		fputs("null", out);
	fputs(", \"dst_addr_id\": ", out);
	if (id1 >= 0)
		fprintf(out, "%d", id1);
	else
		fputs("null", out);
	fprintf(out,
		", \"first_frame\": %" PRIu32 ", \"last_frame\": %" PRIu32
		", \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64,
		mpf_flow_get_first_frame(f), mpf_flow_get_last_frame(f),
		mpf_flow_get_packets(f, MPF_FLOW_FORWARD) +
			mpf_flow_get_packets(f, MPF_FLOW_REVERSE),
		mpf_flow_get_bytes(f, MPF_FLOW_FORWARD) +
			mpf_flow_get_bytes(f, MPF_FLOW_REVERSE));
	fprintf(out,
		", \"packets_fwd\": %" PRIu64 ", \"packets_rev\": %" PRIu64
		", \"payload_fwd\": %" PRIu64 ", \"payload_rev\": %" PRIu64 "}",
		mpf_flow_get_packets(f, MPF_FLOW_FORWARD),
		mpf_flow_get_packets(f, MPF_FLOW_REVERSE),
		mpf_flow_get_payload_bytes(f, MPF_FLOW_FORWARD),
		mpf_flow_get_payload_bytes(f, MPF_FLOW_REVERSE));
}

static void
json_node(FILE *out, const struct mpf_node *n)
{
	uint32_t i, fb;
	int v = mpf_node_get_mptcp_version(n);

	fprintf(out,
		"    {\"id\": %" PRIu32 ", \"protocol\": \"%s\", "
		"\"first_frame\": %" PRIu32 ", \"last_frame\": %" PRIu32
		", \"first_time\": %.9f, \"last_time\": %.9f"
		", \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64 ",\n",
		mpf_node_get_id(n),
		mpf_protocol_to_string(mpf_node_get_protocol(n)),
		mpf_node_get_first_frame(n), mpf_node_get_last_frame(n),
		seconds(mpf_node_get_first_time(n)),
		seconds(mpf_node_get_last_time(n)), mpf_node_get_packets(n),
		mpf_node_get_bytes(n));
	fputs("     \"flows\": [", out);
	for (i = 0; i < mpf_node_get_flow_count(n); i++) {
		fputs(i ? ",\n       " : "\n       ", out);
		json_flow(out, mpf_node_get_flow(n, i));
	}
	fputs("],\n", out);
	if (mpf_node_get_protocol(n) == MPF_PROTO_MPTCP) {
		fputs("     \"mptcp\": {\"version\": ", out);
		if (v >= 0)
			fprintf(out, "%d", v);
		else
			fputs("null", out);
		fprintf(out, ", \"fallback\": %s, \"fallback_frame\": ",
			mpf_node_get_mptcp_fallback(n, &fb) ? "true" : "false");
		if (mpf_node_get_mptcp_fallback(n, &fb))
			fprintf(out, "%" PRIu32, fb);
		else
			fputs("null", out);
		fputs(",\n       \"client\": ", out);
		json_side(out, n, MPF_SIDE_CLIENT);
		fputs(",\n       \"server\": ", out);
		json_side(out, n, MPF_SIDE_SERVER);
		fputs("}", out);
	}
	fputs("}", out);
}

static void
text_side(FILE *out, const char *name, const struct mpf_node *n,
	  enum mpf_side side, const struct mpf_endpoint *e, int width)
{
	char a[MPF_ADDR_STRLEN];
	uint64_t key, idsn;
	uint32_t token;

	fprintf(out, "  %-6s  %-*s", name, width,
		mpf_addr_to_string(&e->addr, a, sizeof(a)));
	if (mpf_node_get_mptcp_key(n, side, &key))
		fprintf(out, "  key %016" PRIx64, key);
	else
		fprintf(out, "  key %-16s", "-");
	if (mpf_node_get_mptcp_token(n, side, &token))
		fprintf(out, "  token %08" PRIx32, token);
	else
		fprintf(out, "  token %-8s", "-");
	if (mpf_node_get_mptcp_idsn(n, side, &idsn))
		fprintf(out, "  idsn %016" PRIx64, idsn);
	else
		fprintf(out, "  idsn -");
	fputc('\n', out);
}

static void
text_node(FILE *out, const struct mpf_node *n)
{
	struct mpf_endpoint client, server;
	char hb[32], se[64], de[64], a[MPF_ADDR_STRLEN];
	uint32_t i, fb, nflows = mpf_node_get_flow_count(n);
	int v = mpf_node_get_mptcp_version(n), ws = 6, wd = 11, wa;

	node_ends(n, &client, &server);
	/* columns as wide as this node's longest endpoint */
	for (i = 0; i < nflows; i++) {
		struct mpf_endpoint s, d;
		int l;

		mpf_flow_get_endpoints(mpf_node_get_flow(n, i), &s, &d);
		l = (int)strlen(endpoint_str(&s, se, sizeof(se)));
		ws = l > ws ? l : ws;
		l = (int)strlen(endpoint_str(&d, de, sizeof(de)));
		wd = l > wd ? l : wd;
	}
	wa = (int)strlen(mpf_addr_to_string(&client.addr, a, sizeof(a)));
	i = (uint32_t)strlen(mpf_addr_to_string(&server.addr, a, sizeof(a)));
	wa = (int)i > wa ? (int)i : wa;

	fprintf(out, "node %" PRIu32 "  %s", mpf_node_get_id(n),
		mpf_protocol_to_string(mpf_node_get_protocol(n)));
	if (v >= 0)
		fprintf(out, " v%d", v);
	if (mpf_node_get_mptcp_fallback(n, &fb))
		fprintf(out, "  FALLBACK to TCP at frame %" PRIu32, fb);
	fprintf(out,
		"  frames %" PRIu32 "-%" PRIu32 "  %" PRIu64
		" packets  %s  %.3f s\n",
		mpf_node_get_first_frame(n), mpf_node_get_last_frame(n),
		mpf_node_get_packets(n),
		human_bytes(mpf_node_get_bytes(n), hb, sizeof(hb)),
		seconds(mpf_node_get_last_time(n) - mpf_node_get_first_time(n)));
	text_side(out, "client", n, MPF_SIDE_CLIENT, &client, wa);
	text_side(out, "server", n, MPF_SIDE_SERVER, &server, wa);
	fprintf(out, "  %5s  %-7s  %-*s    %-*s  %-3s  %8s  %10s  %s\n", "flow",
		"role", ws, "source", wd, "destination", "est", "packets",
		"bytes", "frames");
	for (i = 0; i < nflows; i++) {
		const struct mpf_flow *f = mpf_node_get_flow(n, i);
		struct mpf_endpoint s, d;

		mpf_flow_get_endpoints(f, &s, &d);
		fprintf(out,
			"  %5" PRIu32 "  %-7s  %-*s -> %-*s  %-3s  %8" PRIu64
			"  %10s  %" PRIu32 "-%" PRIu32 "%s\n",
			mpf_flow_get_id(f),
			mpf_mptcp_role_to_string(mpf_flow_get_mptcp_role(f)), ws,
			endpoint_str(&s, se, sizeof(se)), wd,
			endpoint_str(&d, de, sizeof(de)),
			mpf_flow_get_mptcp_established(f) ? "yes" : "no",
			mpf_flow_get_packets(f, MPF_FLOW_FORWARD) +
				mpf_flow_get_packets(f, MPF_FLOW_REVERSE),
			human_bytes(mpf_flow_get_bytes(f, MPF_FLOW_FORWARD) +
					    mpf_flow_get_bytes(f, MPF_FLOW_REVERSE),
				    hb, sizeof(hb)),
			mpf_flow_get_first_frame(f), mpf_flow_get_last_frame(f),
			mpf_flow_get_mptcp_backup(f) ? "  backup" : "");
	}
}

void
report_summary(FILE *out, enum report_format fmt, const char *path,
	       const struct mpf_ctx *ctx)
{
	uint32_t i, n = mpf_ctx_get_node_count(ctx);
	int c;

	if (fmt == REPORT_JSON) {
		fputs("{\"capture\": ", out);
		json_string(out, path);
		fprintf(out, ", \"frames\": %" PRIu64 ",\n \"counters\": {",
			mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES));
		for (c = 0; c < MPF_COUNTER_COUNT; c++)
			fprintf(out, "%s\"%s\": %" PRIu64, c ? ", " : "",
				mpf_counter_name((enum mpf_counter)c),
				mpf_ctx_get_counter(ctx, (enum mpf_counter)c));
		fputs("},\n \"nodes\": [", out);
		for (i = 0; i < n; i++) {
			fputs(i ? ",\n" : "\n", out);
			json_node(out, mpf_ctx_get_node(ctx, i));
		}
		fputs("]}\n", out);
		return;
	}
	fprintf(out, "capture %s: %" PRIu64 " frames, %" PRIu32 " node%s",
		path, mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES), n,
		n == 1 ? "" : "s");
	for (c = MPF_COUNTER_ANALYSED; c < MPF_COUNTER_COUNT; c++) {
		uint64_t v = mpf_ctx_get_counter(ctx, (enum mpf_counter)c);

		if (v)
			fprintf(out, ", %s %" PRIu64,
				mpf_counter_name((enum mpf_counter)c), v);
	}
	fputc('\n', out);
	for (i = 0; i < n; i++) {
		fputc('\n', out);
		text_node(out, mpf_ctx_get_node(ctx, i));
	}
}

/* -------------------------------------------------------------- frames */

static const char *const csv_columns =
	"frame,time,protocol,node,flow,direction,status,len,dsn,dack,"
	"mapping_frame,options,flags";

void
report_frames_begin(struct frames_writer *w, const char *path)
{
	w->rows = 0;
	w->have_t0 = false;
	switch (w->fmt) {
	case REPORT_CSV:
		fprintf(w->out, "%s\n", csv_columns);
		break;
	case REPORT_JSON:
		fputs("{\"capture\": ", w->out);
		json_string(w->out, path);
		fputs(", \"frames\": [", w->out);
		break;
	default:
		fprintf(w->out, "%7s  %11s  %-5s  %5s  %5s  %-3s  %6s  %12s  %12s  %7s  %s\n",
			"frame", "time", "proto", "node", "flow", "dir", "len",
			"dsn", "dack", "mapping", "options / notes");
		break;
	}
}

static const char *
status_word(int st)
{
	return st == MPF_OK ? "ok" : mpf_status_name(st);
}

void
report_frames_row(struct frames_writer *w, const struct mpf_frame *f,
		  int64_t ts_sec, uint32_t ts_nsec)
{
	FILE *out = w->out;
	uint64_t dsn, dack;
	bool has_dsn = mpf_frame_get_mptcp_dsn(f, &dsn);
	bool has_dack = mpf_frame_get_mptcp_dack(f, &dack);
	uint32_t node = mpf_frame_get_node_id(f), flow = mpf_frame_get_flow_id(f);
	uint32_t map = mpf_frame_get_mptcp_mapping_frame(f);
	enum mpf_protocol proto = mpf_frame_get_protocol(f);
	const char *dir = proto == MPF_PROTO_NONE ? ""
			  : mpf_frame_get_direction(f) == MPF_DIR_CLIENT_TO_SERVER
				  ? "c2s"
				  : "s2c";
	char nb[16] = "", fb[16] = "", db[24] = "", ab[24] = "", mb[16] = "";

	if (node != MPF_ID_NONE)
		snprintf(nb, sizeof(nb), "%" PRIu32, node);
	if (flow != MPF_ID_NONE)
		snprintf(fb, sizeof(fb), "%" PRIu32, flow);
	if (has_dsn)
		snprintf(db, sizeof(db), "%" PRIu64, dsn);
	if (has_dack)
		snprintf(ab, sizeof(ab), "%" PRIu64, dack);
	if (map)
		snprintf(mb, sizeof(mb), "%" PRIu32, map);

	switch (w->fmt) {
	case REPORT_CSV:
		fprintf(out, "%" PRIu32 ",%" PRId64 ".%09" PRIu32 ",%s,%s,%s,%s,%s,%" PRIu32
			     ",%s,%s,%s,",
			mpf_frame_get_number(f), ts_sec, ts_nsec,
			proto == MPF_PROTO_NONE ? "" : mpf_protocol_to_string(proto),
			nb, fb, dir, status_word(mpf_frame_get_status(f)),
			mpf_frame_get_payload_length(f), db, ab, mb);
		print_options(out, mpf_frame_get_mptcp_options(f), "|");
		fputc(',', out);
		print_flags(out, mpf_frame_get_mptcp_flags(f), "|");
		fputc('\n', out);
		break;
	case REPORT_JSON:
		fputs(w->rows ? ",\n  " : "\n  ", out);
		fprintf(out,
			"{\"frame\": %" PRIu32 ", \"time\": %" PRId64 ".%09" PRIu32
			", \"protocol\": ",
			mpf_frame_get_number(f), ts_sec, ts_nsec);
		if (proto == MPF_PROTO_NONE)
			fputs("null", out);
		else
			fprintf(out, "\"%s\"", mpf_protocol_to_string(proto));
		fprintf(out, ", \"node\": %s, \"flow\": %s, \"direction\": ",
			node != MPF_ID_NONE ? nb : "null",
			flow != MPF_ID_NONE ? fb : "null");
		if (*dir)
			fprintf(out, "\"%s\"", dir);
		else
			fputs("null", out);
		fprintf(out, ", \"status\": \"%s\", \"len\": %" PRIu32,
			status_word(mpf_frame_get_status(f)),
			mpf_frame_get_payload_length(f));
		fprintf(out, ", \"dsn\": %s, \"dack\": %s, \"mapping_frame\": %s",
			has_dsn ? db : "null", has_dack ? ab : "null",
			map ? mb : "null");
		fputs(", \"options\": [", out);
		print_options(out, mpf_frame_get_mptcp_options(f), NULL);
		fputs("], \"flags\": [", out);
		print_flags(out, mpf_frame_get_mptcp_flags(f), NULL);
		fputs("]}", out);
		break;
	default: {
		int64_t ns = ts_sec * 1000000000LL + ts_nsec;

		if (!w->have_t0) {
			w->t0_ns = ns;
			w->have_t0 = true;
		}
		fprintf(out,
			"%7" PRIu32 "  %11.6f  %-5s  %5s  %5s  %-3s  %6" PRIu32
			"  %12s  %12s  %7s  ",
			mpf_frame_get_number(f), seconds(ns - w->t0_ns),
			proto == MPF_PROTO_NONE ? "-" : mpf_protocol_to_string(proto),
			nb, fb, dir, mpf_frame_get_payload_length(f), db, ab, mb);
		print_options(out, mpf_frame_get_mptcp_options(f), ",");
		if (mpf_frame_get_mptcp_flags(f)) {
			fputs(mpf_frame_get_mptcp_options(f) ? " " : "", out);
			print_flags(out, mpf_frame_get_mptcp_flags(f), ",");
		}
		if (mpf_frame_get_status(f) != MPF_OK)
			fprintf(out, " [%s]", status_word(mpf_frame_get_status(f)));
		fputc('\n', out);
		break;
	}
	}
	w->rows++;
}

void
report_frames_end(struct frames_writer *w)
{
	if (w->fmt == REPORT_JSON)
		fputs(w->rows ? "\n]}\n" : "]}\n", w->out);
}
