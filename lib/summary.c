/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the summary as JSON, the one writer of `mpflow summary
 * --format json`, of its --stream form, of the Python package's
 * mpflow.summary() and of a merge of partial results
 *
 * The JSON shape is a contract other tools read (mpflow(1) lists every
 * key): keys may be added, never renamed or removed. Keys and IDSNs are 16
 * lowercase hex digits, tokens 8, null where unknown. Reads the graph
 * through the public API only; numbers are written in the C locale
 * whatever the program's.
 */
#include <inttypes.h>
#include <string.h>

#include "summary.h"

/* ----------------------------------------------------------- values */

/* The characters JSON escapes by name. */
static const char *const json_escapes[128] = {
	['"'] = "\\\"", ['\\'] = "\\\\", ['\n'] = "\\n", ['\t'] = "\\t",
	['\r'] = "\\r",
};

void
mpf__json_string(GString *out, const char *s)
{
	const char *end = s + strlen(s);

	g_string_append_c(out, '"');
	while (s < end) {
		gunichar c = g_utf8_get_char_validated(s, end - s);
		unsigned char ch = (unsigned char)*s;

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			/* not UTF-8: one replacement character a byte */
			g_string_append(out, "\\ufffd");
			s++;
			continue;
		}
		if (ch < G_N_ELEMENTS(json_escapes) && json_escapes[ch])
			g_string_append(out, json_escapes[ch]);
		else if (ch < 0x20)
			g_string_append_printf(out, "\\u%04x", ch);
		else
			g_string_append_len(out, s, g_utf8_next_char(s) - s);
		s = g_utf8_next_char(s);
	}
	g_string_append_c(out, '"');
}

char *
mpf_json_string(const char *s)
{
	GString *out;

	if (!s)
		return NULL;
	out = g_string_new(NULL);
	mpf__json_string(out, s);
	return g_string_free(out, FALSE);
}

void
mpf__json_addr(GString *out, const struct mpf_addr *addr)
{
	char a[MPF_ADDR_STRLEN];

	mpf__json_string(out, mpf_addr_to_string(addr, a, sizeof(a)));
}

void
mpf__json_uint(GString *out, bool has, uint64_t v)
{
	if (has)
		g_string_append_printf(out, "%" PRIu64, v);
	else
		g_string_append(out, "null");
}

void
mpf__json_hex(GString *out, bool has, uint64_t v, int digits)
{
	if (has)
		g_string_append_printf(out, "\"%0*" PRIx64 "\"", digits, v);
	else
		g_string_append(out, "null");
}

void
mpf__json_frame(GString *out, uint32_t frame)
{
	mpf__json_uint(out, frame != 0, frame);
}

void
mpf__json_double(GString *out, double v, int decimals)
{
	char fmt[8], buf[G_ASCII_DTOSTR_BUF_SIZE];

	g_snprintf(fmt, sizeof(fmt), "%%.%df", decimals);
	g_string_append(out, g_ascii_formatd(buf, sizeof(buf), fmt, v));
}

void
mpf__json_seconds(GString *out, int64_t ns)
{
	mpf__json_double(out, (double)ns / 1e9, 9);
}

const char *
mpf__json_bool(bool b)
{
	return b ? "true" : "false";
}

void
mpf__json_list_item(GString *out, const char *name, bool *first)
{
	g_string_append_printf(out, "%s\"%s\"", *first ? "" : ", ", name);
	*first = false;
}

/* ------------------------------------------------------------ graph */

static void
json_flow(GString *out, const struct mpf_node *node, const struct mpf_flow *f)
{
	struct mpf_endpoint s, d;

	mpf_flow_get_endpoints(f, &s, &d);
	g_string_append_printf(out, "{\"id\": %" PRIu32 ", \"src\": ",
			       mpf_flow_get_id(f));
	mpf__json_addr(out, &s.addr);
	g_string_append_printf(out, ", \"sport\": %u, \"dst\": ", s.port);
	mpf__json_addr(out, &d.addr);
	g_string_append_printf(out, ", \"dport\": %u", d.port);
	g_string_append_printf(out,
			       ", \"first_frame\": %" PRIu32 ", \"last_frame\": %" PRIu32
			       ", \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64,
			       mpf_flow_get_first_frame(f), mpf_flow_get_last_frame(f),
			       mpf_flow_get_packets(f, MPF_SIDE_CLIENT) +
				       mpf_flow_get_packets(f, MPF_SIDE_SERVER),
			       mpf_flow_get_bytes(f, MPF_SIDE_CLIENT) +
				       mpf_flow_get_bytes(f, MPF_SIDE_SERVER));
	g_string_append_printf(out,
			       ", \"packets_fwd\": %" PRIu64 ", \"packets_rev\": %" PRIu64
			       ", \"payload_fwd\": %" PRIu64 ", \"payload_rev\": %" PRIu64,
			       mpf_flow_get_packets(f, MPF_SIDE_CLIENT),
			       mpf_flow_get_packets(f, MPF_SIDE_SERVER),
			       mpf_flow_get_payload_bytes(f, MPF_SIDE_CLIENT),
			       mpf_flow_get_payload_bytes(f, MPF_SIDE_SERVER));
	g_string_append(out, ", \"first_time\": ");
	mpf__json_seconds(out, mpf_flow_get_first_time(f));
	g_string_append(out, ", \"last_time\": ");
	mpf__json_seconds(out, mpf_flow_get_last_time(f));
	switch (mpf_node_get_protocol(node)) {
	case MPF_PROTO_MPTCP:
		mpf__json_mptcp_flow(out, node, f);
		break;
	case MPF_PROTO_SCTP:
		mpf__json_sctp_flow(out, node, f);
		break;
	default:
		break;
	}
	g_string_append_c(out, '}');
}

static void
json_node(GString *out, const struct mpf_node *n)
{
	uint32_t i;

	g_string_append_printf(out,
			       "    {\"id\": %" PRIu32 ", \"protocol\": \"%s\", "
			       "\"first_frame\": %" PRIu32 ", \"last_frame\": %" PRIu32
			       ", \"first_time\": ",
			       mpf_node_get_id(n),
			       mpf_protocol_to_string(mpf_node_get_protocol(n)),
			       mpf_node_get_first_frame(n), mpf_node_get_last_frame(n));
	mpf__json_seconds(out, mpf_node_get_first_time(n));
	g_string_append(out, ", \"last_time\": ");
	mpf__json_seconds(out, mpf_node_get_last_time(n));
	g_string_append(out, ", \"duration\": ");
	mpf__json_seconds(out, mpf_node_get_last_time(n) - mpf_node_get_first_time(n));
	g_string_append_printf(out, ", \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64
			       ",\n",
			       mpf_node_get_packets(n), mpf_node_get_bytes(n));
	g_string_append(out, "     \"flows\": [");
	for (i = 0; i < mpf_node_get_flow_count(n); i++) {
		g_string_append(out, i ? ",\n       " : "\n       ");
		json_flow(out, n, mpf_node_get_flow(n, i));
	}
	g_string_append(out, "]");
	switch (mpf_node_get_protocol(n)) {
	case MPF_PROTO_MPTCP:
		mpf__json_mptcp_node(out, n);
		break;
	case MPF_PROTO_SCTP:
		mpf__json_sctp_node(out, n);
		break;
	case MPF_PROTO_LISP:
		mpf__json_lisp_node(out, n);
		break;
	default:
		break;
	}
	g_string_append(out, "}");
}

/* Node @i if it is one to show: live, and not merged into another (its
 * flows are in the survivor). */
static const struct mpf_node *
shown_node(const struct mpf_ctx *ctx, uint32_t i)
{
	const struct mpf_node *n = mpf_ctx_get_node(ctx, i);

	return n && mpf_node_get_merged_into(n) == MPF_ID_NONE ? n : NULL;
}

static void
json_counters(GString *out, const struct mpf_ctx *ctx)
{
	int c;

	g_string_append_printf(out, "\"frames\": %" PRIu64 ",\n \"counters\": {",
			       mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES));
	for (c = 0; c < MPF_COUNTER_COUNT; c++)
		g_string_append_printf(out, "%s\"%s\": %" PRIu64, c ? ", " : "",
				       mpf_counter_to_string((enum mpf_counter)c),
				       mpf_ctx_get_counter(ctx, (enum mpf_counter)c));
	g_string_append_c(out, '}');
}

char *
mpf_ctx_summary_json(const struct mpf_ctx *ctx, const char *capture)
{
	uint32_t i, n, shown = 0;
	GString *out;

	if (!ctx || !capture)
		return NULL;
	n = mpf_ctx_get_node_count(ctx);
	out = g_string_new("{\"capture\": ");
	mpf__json_string(out, capture);
	g_string_append(out, ", ");
	json_counters(out, ctx);
	g_string_append(out, ",\n \"nodes\": [");
	for (i = 0; i < n; i++) {
		const struct mpf_node *node = shown_node(ctx, i);

		if (!node)
			continue;
		g_string_append(out, shown++ ? ",\n" : "\n");
		json_node(out, node);
	}
	g_string_append(out, "]");
	if (mpf_protocol_is_available(MPF_PROTO_LISP))
		mpf__json_lisp_ctx(out, ctx);
	g_string_append(out, "}\n");
	return g_string_free(out, FALSE);
}

/* -------------------------------------------------------- streaming */

struct mpf_summary_stream {
	mpf_write_func write;
	void *user_data;
	uint32_t shown;
	GString *released; /* {"id", "reason"} of each node released */
	GString *buf;
};

static void
flush(struct mpf_summary_stream *s)
{
	if (s->buf->len)
		s->write(s->buf->str, s->buf->len, s->user_data);
	g_string_truncate(s->buf, 0);
}

struct mpf_summary_stream *
mpf_summary_stream_new(const char *capture, mpf_write_func write,
		       void *user_data)
{
	struct mpf_summary_stream *s;

	if (!capture || !write)
		return NULL;
	s = g_new0(struct mpf_summary_stream, 1);
	s->write = write;
	s->user_data = user_data;
	s->released = g_string_new(NULL);
	s->buf = g_string_new("{\"capture\": ");
	mpf__json_string(s->buf, capture);
	g_string_append(s->buf, ",\n \"nodes\": [");
	flush(s);
	return s;
}

void
mpf_summary_stream_node(struct mpf_summary_stream *s, const struct mpf_node *node,
			int reason)
{
	if (!s || !node || mpf_node_get_merged_into(node) != MPF_ID_NONE)
		return;
	g_string_append(s->buf, s->shown++ ? ",\n" : "\n");
	json_node(s->buf, node);
	if (reason >= 0) {
		/* kept aside: the node's keys are the contract */
		g_string_append_printf(s->released,
				       "%s{\"id\": %" PRIu32 ", \"reason\": \"%s\"}",
				       s->released->len ? ", " : "",
				       mpf_node_get_id(node),
				       mpf_release_reason_to_string(
					       (enum mpf_release_reason)reason));
	}
	flush(s); /* as it happens, for a pipe */
}

void
mpf_summary_stream_end(struct mpf_summary_stream *s, const struct mpf_ctx *ctx)
{
	uint32_t i, n;
	uint64_t peak = 0;

	if (!s)
		return;
	n = ctx ? mpf_ctx_get_node_count(ctx) : 0;
	for (i = 0; i < n; i++) {
		const struct mpf_node *node = shown_node(ctx, i);

		if (node)
			mpf_summary_stream_node(s, node, -1);
	}
	if (ctx)
		mpf_ctx_get_state_bytes(ctx, &peak);
	g_string_append_printf(s->buf,
			       "],\n \"released\": [%s], \"state_peak\": %" PRIu64
			       ",\n ",
			       s->released->str, peak);
	if (ctx) {
		json_counters(s->buf, ctx);
		if (mpf_protocol_is_available(MPF_PROTO_LISP))
			mpf__json_lisp_ctx(s->buf, ctx);
	}
	g_string_append(s->buf, "}\n");
	flush(s);
	g_string_free(s->released, TRUE);
	g_string_free(s->buf, TRUE);
	g_free(s);
}
