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

static void
text_node(FILE *out, const struct mpf_node *n)
{
	char hb[32];

	fprintf(out, "node %" PRIu32 "  %s", mpf_node_get_id(n),
		mpf_protocol_to_string(mpf_node_get_protocol(n)));
	if (mpf_node_get_protocol(n) == MPF_PROTO_MPTCP)
		report_mptcp_text_title(out, n);
	else if (mpf_node_get_protocol(n) == MPF_PROTO_SCTP)
		report_sctp_text_title(out, n);
	else if (mpf_node_get_protocol(n) == MPF_PROTO_LISP)
		report_lisp_text_title(out, n);
	fprintf(out,
		"  frames %" PRIu32 "-%" PRIu32 "  %" PRIu64
		" packets  %s  %.3f s\n",
		mpf_node_get_first_frame(n), mpf_node_get_last_frame(n),
		mpf_node_get_packets(n),
		report_bytes(mpf_node_get_bytes(n), hb, sizeof(hb)),
		report_seconds(mpf_node_get_last_time(n) -
			       mpf_node_get_first_time(n)));
	if (mpf_node_get_protocol(n) == MPF_PROTO_MPTCP)
		report_mptcp_text_node(out, n);
	else if (mpf_node_get_protocol(n) == MPF_PROTO_SCTP)
		report_sctp_text_node(out, n);
	else if (mpf_node_get_protocol(n) == MPF_PROTO_LISP)
		report_lisp_text_node(out, n);
}

/* Whether node @i is one to show: live, and not merged into another. */
static const struct mpf_node *
shown_node(const struct mpf_ctx *ctx, uint32_t i)
{
	const struct mpf_node *n = mpf_ctx_get_node(ctx, i);

	return n && mpf_node_get_merged_into(n) == MPF_ID_NONE ? n : NULL;
}

static void
text_counters(FILE *out, const char *path, const struct mpf_ctx *ctx,
	      uint32_t shown)
{
	int c;

	fprintf(out, "capture %s: %" PRIu64 " frames, %" PRIu32 " node%s",
		path, mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES), shown,
		shown == 1 ? "" : "s");
	for (c = MPF_COUNTER_ANALYSED; c < MPF_COUNTER_COUNT; c++) {
		uint64_t v = mpf_ctx_get_counter(ctx, (enum mpf_counter)c);

		if (v)
			fprintf(out, ", %s %" PRIu64,
				mpf_counter_to_string((enum mpf_counter)c), v);
	}
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

/* -------------------------------------------------------------- frames */

static const char *const csv_columns =
	"frame,time,protocol,node,flow,direction,status,len,dsn,dack,"
	"mapping_frame,options,flags,reinjection_of,reinjected_in,tsn,"
	"cum_tsn_ack,iid,nonce,request_frame";

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
			"dsn/tsn", "dack/cumack", "mapping", "elements / notes");
		break;
	}
}

static const char *
status_word(int st)
{
	return st == MPF_OK ? "ok" : mpf_status_name(st);
}

/* The frame's protocol elements (@flags false: MPTCP options, SCTP
 * chunks) or its analysis flags, as a list. */
static void
frame_names(FILE *out, const struct mpf_frame *f, bool flags, const char *sep)
{
	switch (mpf_frame_get_protocol(f)) {
	case MPF_PROTO_MPTCP:
		report_mptcp_frame_names(out, f, flags, sep);
		break;
	case MPF_PROTO_SCTP:
		report_sctp_frame_names(out, f, flags, sep);
		break;
	case MPF_PROTO_LISP:
		report_lisp_frame_names(out, f, flags, sep);
		break;
	default:
		break;
	}
}

/* A number into @buf, or "" when @has is false. */
static const char *
num(char *buf, size_t len, bool has, uint64_t v)
{
	if (has)
		snprintf(buf, len, "%" PRIu64, v);
	else
		buf[0] = '\0';
	return buf;
}

void
report_frames_row(struct frames_writer *w, const struct mpf_frame *f,
		  int64_t ts_sec, uint32_t ts_nsec)
{
	FILE *out = w->out;
	uint64_t dsn = 0, dack = 0;
	uint32_t tsn = 0, cum = 0;
	bool has_dsn = mpf_frame_get_mptcp_dsn(f, &dsn);
	bool has_dack = mpf_frame_get_mptcp_dack(f, &dack);
	bool has_tsn = mpf_frame_get_sctp_tsn(f, &tsn);
	bool has_cum = mpf_frame_get_sctp_cum_ack(f, &cum);
	uint32_t iid = 0, reqf = mpf_frame_get_lisp_request_frame(f);
	uint64_t nonce = 0;
	bool has_iid = mpf_frame_get_lisp_iid(f, &iid);
	bool has_nonce = mpf_frame_get_lisp_nonce(f, &nonce);
	uint32_t node = mpf_frame_get_node_id(f), flow = mpf_frame_get_flow_id(f);
	uint32_t map = mpf_frame_get_mptcp_mapping_frame(f);
	uint32_t rof = mpf_frame_get_mptcp_reinjection_of(f);
	uint32_t rif = mpf_frame_get_mptcp_reinjected_in(f);
	enum mpf_protocol proto = mpf_frame_get_protocol(f);
	const char *dir = proto == MPF_PROTO_NONE ? ""
			  : mpf_frame_get_direction(f) == MPF_SIDE_CLIENT
				  ? "c2s"
				  : "s2c";
	char nb[16], fb[16], db[24], ab[24], mb[16], ro[16], ri[16], tb[16],
		cb[16], ib[16], ob[24], qb[16];

	num(nb, sizeof(nb), node != MPF_ID_NONE, node);
	num(fb, sizeof(fb), flow != MPF_ID_NONE, flow);
	num(db, sizeof(db), has_dsn, dsn);
	num(ab, sizeof(ab), has_dack, dack);
	num(mb, sizeof(mb), map != 0, map);
	num(ro, sizeof(ro), rof != 0, rof);
	num(ri, sizeof(ri), rif != 0, rif);
	num(tb, sizeof(tb), has_tsn, tsn);
	num(cb, sizeof(cb), has_cum, cum);
	num(ib, sizeof(ib), has_iid, iid);
	num(qb, sizeof(qb), reqf != 0, reqf);
	if (has_nonce)
		snprintf(ob, sizeof(ob), "%" PRIx64, nonce);
	else
		ob[0] = '\0';

	switch (w->fmt) {
	case REPORT_CSV:
		fprintf(out, "%" PRIu32 ",%" PRId64 ".%09" PRIu32 ",%s,%s,%s,%s,%s,%" PRIu32
			     ",%s,%s,%s,",
			mpf_frame_get_number(f), ts_sec, ts_nsec,
			proto == MPF_PROTO_NONE ? "" : mpf_protocol_to_string(proto),
			nb, fb, dir, status_word(mpf_frame_get_status(f)),
			mpf_frame_get_payload_length(f), db, ab, mb);
		frame_names(out, f, false, "|");
		fputc(',', out);
		frame_names(out, f, true, "|");
		fprintf(out, ",%s,%s,%s,%s,%s,%s,%s\n", ro, ri, tb, cb, ib, ob, qb);
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
			*nb ? nb : "null", *fb ? fb : "null");
		if (*dir)
			fprintf(out, "\"%s\"", dir);
		else
			fputs("null", out);
		fprintf(out, ", \"status\": \"%s\", \"len\": %" PRIu32,
			status_word(mpf_frame_get_status(f)),
			mpf_frame_get_payload_length(f));
		fprintf(out, ", \"dsn\": %s, \"dack\": %s, \"mapping_frame\": %s",
			*db ? db : "null", *ab ? ab : "null", *mb ? mb : "null");
		fputs(", \"options\": [", out);
		frame_names(out, f, false, NULL);
		fputs("], \"flags\": [", out);
		frame_names(out, f, true, NULL);
		fprintf(out,
			"], \"reinjection_of\": %s, \"reinjected_in\": %s"
			", \"tsn\": %s, \"cum_tsn_ack\": %s, \"iid\": %s"
			", \"nonce\": ",
			*ro ? ro : "null", *ri ? ri : "null", *tb ? tb : "null",
			*cb ? cb : "null", *ib ? ib : "null");
		if (*ob)
			fprintf(out, "\"%s\"", ob);
		else
			fputs("null", out);
		fprintf(out, ", \"request_frame\": %s}", *qb ? qb : "null");
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
			mpf_frame_get_number(f), report_seconds(ns - w->t0_ns),
			proto == MPF_PROTO_NONE ? "-" : mpf_protocol_to_string(proto),
			nb, fb, dir, mpf_frame_get_payload_length(f),
			has_tsn ? tb : db, has_cum ? cb : ab, mb);
		frame_names(out, f, false, ",");
		fputc(' ', out);
		frame_names(out, f, true, ",");
		if (rof)
			fprintf(out, " (of %s)", ro);
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
