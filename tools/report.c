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

#include <glib.h>

#include "report.h"

void
json_string(FILE *out, const char *s)
{
	char *q = mpf_json_string(s);

	fputs(q, out);
	mpf_free(q);
}

/* ------------------------------------------------------------- helpers */

const char *
report_endpoint(const struct mpf_endpoint *e, char *buf, size_t len)
{
	char a[MPF_ADDR_STRLEN];

	mpf_addr_to_string(&e->addr, a, sizeof(a));
	if (e->addr.family == 6)
		snprintf(buf, len, "[%s]:%u", a, e->port);
	else
		snprintf(buf, len, "%s:%u", a, e->port);
	return buf;
}

double
report_seconds(int64_t ns)
{
	return (double)ns / 1e9;
}

const char *
report_bytes(uint64_t b, char *buf, size_t len)
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

void
report_list_item(FILE *out, const char *name, const char *sep, bool *first)
{
	if (!sep)
		fprintf(out, "%s\"%s\"", *first ? "" : ", ", name);
	else
		fprintf(out, "%s%s", *first ? "" : sep, name);
	*first = false;
}

void
report_json_frame(FILE *out, uint32_t frame)
{
	if (frame)
		fprintf(out, "%" PRIu32, frame);
	else
		fputs("null", out);
}

void
report_endpoint_widths(const struct mpf_node *n, int *ws, int *wd)
{
	char buf[64];
	uint32_t i;

	for (i = 0; i < mpf_node_get_flow_count(n); i++) {
		struct mpf_endpoint s, d;
		int l;

		mpf_flow_get_endpoints(mpf_node_get_flow(n, i), &s, &d);
		l = (int)strlen(report_endpoint(&s, buf, sizeof(buf)));
		*ws = l > *ws ? l : *ws;
		l = (int)strlen(report_endpoint(&d, buf, sizeof(buf)));
		*wd = l > *wd ? l : *wd;
	}
}

/* ------------------------------------------------------------- summary */

/* Each protocol's part of a node's text: its title line's end, then the
 * lines after the common one. */
static const struct {
	enum mpf_protocol protocol;
	void (*title)(FILE *out, const struct mpf_node *n);
	void (*node)(FILE *out, const struct mpf_node *n);
} text_parts[] = {
	{ MPF_PROTO_MPTCP, report_mptcp_text_title, report_mptcp_text_node },
	{ MPF_PROTO_SCTP, report_sctp_text_title, report_sctp_text_node },
	{ MPF_PROTO_LISP, report_lisp_text_title, report_lisp_text_node },
};

static void
text_node(FILE *out, const struct mpf_node *n)
{
	enum mpf_protocol proto = mpf_node_get_protocol(n);
	size_t k;
	char hb[32];

	for (k = 0; k < G_N_ELEMENTS(text_parts); k++)
		if (text_parts[k].protocol == proto)
			break;
	fprintf(out, "node %" PRIu32 "  %s", mpf_node_get_id(n),
		mpf_protocol_to_string(proto));
	if (k < G_N_ELEMENTS(text_parts))
		text_parts[k].title(out, n);
	fprintf(out,
		"  frames %" PRIu32 "-%" PRIu32 "  %" PRIu64
		" packets  %s  %.3f s\n",
		mpf_node_get_first_frame(n), mpf_node_get_last_frame(n),
		mpf_node_get_packets(n),
		report_bytes(mpf_node_get_bytes(n), hb, sizeof(hb)),
		report_seconds(mpf_node_get_last_time(n) -
			       mpf_node_get_first_time(n)));
	if (k < G_N_ELEMENTS(text_parts))
		text_parts[k].node(out, n);
}

/* Whether node @i is one to show: live, and not merged into another. */
static const struct mpf_node *
shown_node(const struct mpf_ctx *ctx, uint32_t i)
{
	const struct mpf_node *n = mpf_ctx_get_node(ctx, i);

	return n && mpf_node_get_merged_into(n) == MPF_ID_NONE ? n : NULL;
}

void
report_counters(FILE *out, const struct mpf_ctx *ctx, uint32_t nodes)
{
	int c;

	fprintf(out, "%" PRIu64 " frames, %" PRIu32 " node%s",
		mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES), nodes,
		nodes == 1 ? "" : "s");
	for (c = MPF_COUNTER_ANALYSED; c < MPF_COUNTER_COUNT; c++) {
		uint64_t v = mpf_ctx_get_counter(ctx, (enum mpf_counter)c);

		if (v)
			fprintf(out, ", %s %" PRIu64,
				mpf_counter_to_string((enum mpf_counter)c), v);
	}
}

static void
text_counters(FILE *out, const char *path, const struct mpf_ctx *ctx,
	      uint32_t shown)
{
	fprintf(out, "capture %s: ", path);
	report_counters(out, ctx, shown);
	fputc('\n', out);
}

void
report_summary(FILE *out, enum report_format fmt, const char *path,
	       const struct mpf_ctx *ctx)
{
	uint32_t i, n = mpf_ctx_get_node_count(ctx), shown = 0;

	if (fmt == REPORT_JSON) {
		/* the library's writer: the one of mpflow.summary() too */
		char *json = mpf_ctx_summary_json(ctx, path);

		fputs(json, out);
		mpf_free(json);
		return;
	}
	for (i = 0; i < n; i++)
		shown += shown_node(ctx, i) != NULL;
	text_counters(out, path, ctx, shown);
	for (i = 0; i < n; i++) {
		const struct mpf_node *node = shown_node(ctx, i);

		if (!node)
			continue;
		fputc('\n', out);
		text_node(out, node);
	}
}

static void
write_out(const char *text, size_t len, void *user_data)
{
	FILE *out = user_data;

	fwrite(text, 1, len, out);
	fflush(out); /* as it happens, for a pipe */
}

void
report_stream_begin(struct summary_stream *s)
{
	s->shown = 0;
	if (s->fmt == REPORT_JSON)
		s->json = mpf_summary_stream_new(s->path, write_out, s->out);
}

void
report_stream_node(struct summary_stream *s, const struct mpf_node *n,
		   int reason)
{
	if (mpf_node_get_merged_into(n) != MPF_ID_NONE)
		return;
	if (s->fmt == REPORT_JSON) {
		mpf_summary_stream_node(s->json, n, reason);
		return;
	}
	if (s->shown)
		fputc('\n', s->out);
	text_node(s->out, n);
	if (reason >= 0)
		fprintf(s->out, "  released: %s\n",
			mpf_release_reason_to_string((enum mpf_release_reason)reason));
	s->shown++;
	fflush(s->out); /* as it happens, for a pipe */
}

void
report_stream_end(struct summary_stream *s, const struct mpf_ctx *ctx)
{
	uint32_t i, n = mpf_ctx_get_node_count(ctx);
	uint64_t peak;
	char hb[32];

	if (s->fmt == REPORT_JSON) {
		mpf_summary_stream_end(s->json, ctx);
		s->json = NULL;
		return;
	}
	for (i = 0; i < n; i++) {
		const struct mpf_node *node = shown_node(ctx, i);

		if (node)
			report_stream_node(s, node, -1);
	}
	mpf_ctx_get_state_bytes(ctx, &peak);
	if (s->shown)
		fputc('\n', s->out);
	text_counters(s->out, s->path, ctx, s->shown);
	fprintf(s->out, "state: at most %s held (an estimate)\n",
		report_bytes(peak, hb, sizeof(hb)));
}
