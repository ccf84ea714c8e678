/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: `mpflow match CLIENT SERVER`: two captures of one run, one at
 * each end, matched connection by connection and packet by packet
 *
 * The JSON and CSV shapes are a contract (see the man page): keys and
 * columns may be added, never renamed or removed. Delays are in
 * microseconds with nanosecond digits, times in seconds since the epoch.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "input.h"
#include "match.h"

/* Reads @path (tools/input.c: a file, "-", a pipe or a FIFO; with the
 * filter and count of @o) into a new context keeping the segment log.
 * Returns the context (NULL when the input cannot be opened) and sets
 * *@status to 1 when the capture could not be read to its end. */
static struct mpf_ctx *
load_one(const char *path, const struct match_options *o, int *status)
{
	struct input_options io = {
		.path = path,
		.filter = o->filter,
		.count = o->count,
		.progress = true,
	};
	struct mpf_config *cfg;
	struct input_frame f;
	struct mpf_ctx *ctx;
	struct input *in;
	char *msg;
	int r, i;

	r = input_open(&io, &in, &msg);
	if (r != INPUT_OK) {
		fprintf(stderr, "mpflow: %s\n", msg);
		g_free(msg);
		*status = r;
		return NULL;
	}
	cfg = mpf_config_new();
	if (!cfg) {
		input_close(in);
		*status = 1;
		return NULL;
	}
	mpf_config_set_retain_frames(cfg, false);
	mpf_config_set_segment_log(cfg, true);
	for (i = 1; i < MPF_PROTO_COUNT; i++)
		if (o->disabled[i] &&
		    mpf_config_set_backend(cfg, (enum mpf_protocol)i, false) !=
			    MPF_OK) {
			fprintf(stderr, "mpflow: no backend for '%s' in this build\n",
				mpf_protocol_to_string((enum mpf_protocol)i));
			mpf_config_free(cfg);
			input_close(in);
			*status = 2;
			return NULL;
		}
	if (o->verbose && o->log)
		mpf_config_set_log_handler(cfg, o->log,
					   o->verbose > 1 ? MPF_LOG_DEBUG
							  : MPF_LOG_WARNING,
					   NULL);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	if (!ctx) {
		fprintf(stderr, "mpflow: out of memory\n");
		input_close(in);
		*status = 1;
		return NULL;
	}
	while ((r = input_next(in, &f)) > 0) {
		struct mpf_packet pkt = {
			.number = f.number,
			.linktype = f.linktype,
			.data = f.data,
			.caplen = f.caplen,
			.wirelen = f.wirelen,
			.ts_sec = f.ts_sec,
			.ts_nsec = f.ts_nsec,
		};

		/* numbers increase and the context is fresh: cannot fail */
		(void)!mpf_ctx_feed(ctx, &pkt, NULL);
	}
	if (r < 0) {
		fprintf(stderr, "mpflow: %s\n", input_error(in));
		*status = 1;
	}
	input_close(in);
	return ctx;
}

int
match_load(struct match_run *run, const struct match_options *o)
{
	int k;

	run->status = 0;
	run->match = NULL;
	for (k = 0; k < 2; k++) {
		run->shown[k] = strcmp(run->path[k], "-") == 0 ? "(standard input)"
							       : run->path[k];
		run->ctx[k] = load_one(run->path[k], o, &run->status);
	}
	if (run->ctx[0] && run->ctx[1] &&
	    mpf_match_new(run->ctx[0], run->ctx[1], &run->match) != MPF_OK) {
		fprintf(stderr, "mpflow: out of memory\n");
		run->status = 1;
	}
	return run->status;
}

void
match_run_free(struct match_run *run)
{
	mpf_match_free(run->match);
	mpf_ctx_free(run->ctx[0]);
	mpf_ctx_free(run->ctx[1]);
	run->match = NULL;
	run->ctx[0] = run->ctx[1] = NULL;
}

int
match_open(struct match_run *run, const struct match_options *o,
	   const char *client, const char *server)
{
	int status;

	memset(run, 0, sizeof(*run));
	run->path[0] = client;
	run->path[1] = server;
	status = match_load(run, o);
	if (!run->match)
		match_run_free(run);
	return status;
}

int64_t
match_offset(const struct match_run *run, const struct match_options *o)
{
	struct mpf_match_clock c;

	if (!o->has_offset)
		return 0;
	if (!o->offset_auto)
		return o->offset_ns;
	if (mpf_match_get_clock(run->match, &c, sizeof(c)) == MPF_OK &&
	    c.has_offset)
		return c.offset;
	return 0;
}

/* ---------------------------------------------------------- numbers */

/* @ns as microseconds with three decimals, exactly. */
static const char *
us(int64_t ns, char *buf, size_t len)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

	snprintf(buf, len, "%s%" PRIu64 ".%03u", ns < 0 ? "-" : "", a / 1000,
		 (unsigned)(a % 1000));
	return buf;
}

/* @ns since the epoch as seconds with nine decimals. */
static void
print_time(FILE *out, int64_t ns)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

	fprintf(out, "%s%" PRIu64 ".%09u", ns < 0 ? "-" : "", a / 1000000000u,
		(unsigned)(a % 1000000000u));
}

static double
loss_rate(const struct mpf_match_dir *d)
{
	return d->sent ? (double)d->lost / (double)d->sent : 0.0;
}

static const char *const dir_names[2] = { "c2s", "s2c" };

/* --------------------------------------------------------------- text */

/* A node or flow id, "tcp" for none (a plain TCP connection). */
static const char *
id_text(uint32_t id, char *buf, size_t len)
{
	if (id == MPF_ID_NONE)
		snprintf(buf, len, "tcp");
	else
		snprintf(buf, len, "%" PRIu32, id);
	return buf;
}

static void
text_token(FILE *out, const struct mpf_node *n, enum mpf_side side)
{
	uint32_t t;

	if (n && mpf_node_get_mptcp_token(n, side, &t))
		fprintf(out, "%08" PRIx32, t);
	else
		fputs("-", out);
}

/* The four unmatched lists, in order: client nodes, server nodes, client
 * flows, server flows. */
#define UNMATCHED_SIDE(k) ((k) % 2 ? MPF_SIDE_SERVER : MPF_SIDE_CLIENT)
#define UNMATCHED_FLOWS(k) ((k) >= 2)
static const char *const text_unmatched[4] = {
	"\nunmatched client nodes:", "; server nodes:",
	"\n          client flows:", "; server flows:",
};
static const char *const json_unmatched[4] = {
	"client_nodes", "server_nodes", "client_flows", "server_flows",
};

static void
text_ids(FILE *out, const struct mpf_match *m, enum mpf_side side, bool flows)
{
	uint32_t i, n = flows ? mpf_match_get_unmatched_flow_count(m, side)
			      : mpf_match_get_unmatched_node_count(m, side);

	if (n == 0)
		fputs(" none", out);
	for (i = 0; i < n && i < 32; i++)
		fprintf(out, " %" PRIu32,
			flows ? mpf_match_get_unmatched_flow(m, side, i)
			      : mpf_match_get_unmatched_node(m, side, i));
	if (n > 32)
		fprintf(out, " ... (%" PRIu32 " in all)", n);
}

static void
print_text(FILE *out, const struct match_run *run, int64_t off)
{
	const struct mpf_match *m = run->match;
	struct mpf_match_clock c;
	char a[72], b[32], d1[32], d2[32], d3[32], d4[32];
	uint32_t i, j;
	int k;

	fprintf(out, "client %s: %" PRIu64 " frames\nserver %s: %" PRIu64
		     " frames\n",
		run->shown[0], mpf_ctx_get_counter(run->ctx[0], MPF_COUNTER_FRAMES),
		run->shown[1], mpf_ctx_get_counter(run->ctx[1], MPF_COUNTER_FRAMES));
	mpf_match_get_clock(m, &c, sizeof(c));
	fprintf(out, "clock   smallest delay c2s %s us, s2c %s us",
		c.has_c2s_min ? us(c.c2s_min, a, sizeof(a)) : "-",
		c.has_s2c_min ? us(c.s2c_min, b, sizeof(b)) : "-");
	if (c.has_offset)
		fprintf(out, "; server clock - client clock ~ %s us (if the "
			     "smallest delay is the same both ways)",
			us(c.offset, d1, sizeof(d1)));
	fputc('\n', out);
	if (off)
		fprintf(out, "        delays below corrected by %s us\n",
			us(off, a, sizeof(a)));
	for (i = 0; i < mpf_match_get_connection_count(m); i++) {
		struct mpf_match_connection cn;
		const struct mpf_node *nc, *ns;

		mpf_match_get_connection(m, i, &cn, sizeof(cn));
		nc = mpf_ctx_get_node(run->ctx[0], cn.client_node);
		ns = mpf_ctx_get_node(run->ctx[1], cn.server_node);
		fprintf(out, "\nconnection %" PRIu32 "  client node %s, server "
			     "node %s, by %s  tokens ",
			i, id_text(cn.client_node, a, sizeof(a)),
			id_text(cn.server_node, b, sizeof(b)),
			mpf_match_how_to_string(cn.how));
		text_token(out, nc ? nc : ns, MPF_SIDE_CLIENT);
		fputc('/', out);
		text_token(out, nc ? nc : ns, MPF_SIDE_SERVER);
		fprintf(out, "\n  reinjections %" PRIu64 " useful (%s), %" PRIu64
			     " redundant (%s)\n",
			cn.useful, report_bytes(cn.useful_bytes, a, sizeof(a)),
			cn.redundant,
			report_bytes(cn.redundant_bytes, b, sizeof(b)));
		fprintf(out, "  flows  by     dir      sent  received      lost"
			     "   loss  unsent  outside   delay us: min / median / "
			     "p99 / max\n");
		for (j = 0; j < cn.subflows; j++) {
			struct mpf_match_subflow s;
			int d;

			mpf_match_get_subflow(m, i, j, &s, sizeof(s));
			for (d = 0; d < 2; d++) {
				const struct mpf_match_dir *x = &s.dir[d];

				if (d == 0)
					snprintf(a, sizeof(a), "%s-%s",
						 id_text(s.client_flow, d1, sizeof(d1)),
						 id_text(s.server_flow, d2, sizeof(d2)));
				fprintf(out,
					"  %-6s %-6s %s %9" PRIu64 " %9" PRIu64
					" %9" PRIu64 " %5.1f%% %7" PRIu64
					" %8" PRIu64,
					d == 0 ? a : "",
					d == 0 ? mpf_match_how_to_string(s.how) : "",
					dir_names[d], x->sent, x->received,
					x->lost, 100.0 * loss_rate(x), x->unsent,
					x->outside);
				if (x->has_delay)
					fprintf(out, "   %s / %s / %s / %s",
						us(match_corrected(x->delay_min, d, off),
						   d1, sizeof(d1)),
						us(match_corrected(x->delay_median, d, off),
						   d2, sizeof(d2)),
						us(match_corrected(x->delay_p99, d, off),
						   d3, sizeof(d3)),
						us(match_corrected(x->delay_max, d, off),
						   d4, sizeof(d4)));
				fputc('\n', out);
			}
		}
	}
	for (k = 0; k < 4; k++) {
		fputs(text_unmatched[k], out);
		text_ids(out, m, UNMATCHED_SIDE(k), UNMATCHED_FLOWS(k));
	}
	fputc('\n', out);
}

/* ---------------------------------------------------------- CSV, JSON */

/* A frame number and the comma after it; nothing for 0. */
static void
csv_frame(FILE *out, uint32_t frame)
{
	if (frame)
		fprintf(out, "%" PRIu32, frame);
	fputc(',', out);
}

static void
print_csv(FILE *out, const struct mpf_match *m, int64_t off)
{
	uint64_t i, n = mpf_match_get_packet_count(m);
	char buf[32];

	fputs("connection,subflow,direction,status,client_frame,server_frame,"
	      "client_time,server_time,delay_us,seq,len,dsn,reinjection,"
	      "original_frame,original_received_frame,first_received_frame\n",
	      out);
	for (i = 0; i < n; i++) {
		struct mpf_match_packet p;

		mpf_match_get_packet(m, i, &p, sizeof(p));
		fprintf(out, "%" PRIu32 ",%" PRIu32 ",%s,%s,", p.connection,
			p.subflow, dir_names[p.dir & 1],
			mpf_match_state_to_string(p.state));
		csv_frame(out, p.client_frame);
		csv_frame(out, p.server_frame);
		if (p.client_frame)
			print_time(out, p.client_time);
		fputc(',', out);
		if (p.server_frame)
			print_time(out, p.server_time);
		fputc(',', out);
		if (p.state == MPF_MATCH_MATCHED)
			fputs(us(match_corrected(p.delay, p.dir, off), buf,
				 sizeof(buf)),
			      out);
		fprintf(out, ",%" PRIu32 ",%" PRIu32 ",", p.seq, p.len);
		if (p.has_dsn)
			fprintf(out, "%" PRIu64, p.dsn);
		fprintf(out, ",%s,", mpf_match_verdict_to_string(p.verdict));
		csv_frame(out, p.original_frame);
		csv_frame(out, p.original_received_frame);
		if (p.first_received_frame)
			fprintf(out, "%" PRIu32, p.first_received_frame);
		fputc('\n', out);
	}
}

static void
json_us(FILE *out, bool has, int64_t ns)
{
	char buf[32];

	fputs(has ? us(ns, buf, sizeof(buf)) : "null", out);
}

static void
json_id(FILE *out, uint32_t id)
{
	if (id == MPF_ID_NONE)
		fputs("null", out);
	else
		fprintf(out, "%" PRIu32, id);
}

/* , "key": "addr:port" */
static void
json_endpoint(FILE *out, const char *key, const struct mpf_endpoint *e)
{
	char buf[MPF_ADDR_STRLEN + 16];

	fprintf(out, ", \"%s\": ", key);
	json_string(out, report_endpoint(e, buf, sizeof(buf)));
}

static void
json_token(FILE *out, const struct mpf_node *n, enum mpf_side side)
{
	uint32_t t;

	if (n && mpf_node_get_mptcp_token(n, side, &t))
		fprintf(out, "\"%08" PRIx32 "\"", t);
	else
		fputs("null", out);
}

static void
json_dir(FILE *out, const struct mpf_match_dir *x, int d, int64_t off)
{
	fprintf(out,
		"{\"sent\": %" PRIu64 ", \"received\": %" PRIu64
		", \"lost\": %" PRIu64 ", \"matched\": %" PRIu64
		", \"unsent\": %" PRIu64 ", \"outside\": %" PRIu64
		", \"loss_rate\": %.6f, \"delay_us\": ",
		x->sent, x->received, x->lost, x->matched, x->unsent, x->outside,
		loss_rate(x));
	if (!x->has_delay) {
		fputs("null}", out);
		return;
	}
	fputs("{\"min\": ", out);
	json_us(out, true, match_corrected(x->delay_min, d, off));
	fputs(", \"median\": ", out);
	json_us(out, true, match_corrected(x->delay_median, d, off));
	fputs(", \"p99\": ", out);
	json_us(out, true, match_corrected(x->delay_p99, d, off));
	fputs(", \"max\": ", out);
	json_us(out, true, match_corrected(x->delay_max, d, off));
	fputs("}}", out);
}

static void
json_ids(FILE *out, const struct mpf_match *m, enum mpf_side side, bool flows)
{
	uint32_t i, n = flows ? mpf_match_get_unmatched_flow_count(m, side)
			      : mpf_match_get_unmatched_node_count(m, side);

	fputc('[', out);
	for (i = 0; i < n; i++)
		fprintf(out, "%s%" PRIu32, i ? ", " : "",
			flows ? mpf_match_get_unmatched_flow(m, side, i)
			      : mpf_match_get_unmatched_node(m, side, i));
	fputc(']', out);
}

static void
print_json(FILE *out, const struct match_run *run, int64_t off)
{
	const struct mpf_match *m = run->match;
	struct mpf_match_clock c;
	uint64_t i, np = mpf_match_get_packet_count(m);
	uint32_t k, j;

	fputs("{\"client_capture\": ", out);
	json_string(out, run->shown[0]);
	fputs(", \"server_capture\": ", out);
	json_string(out, run->shown[1]);
	mpf_match_get_clock(m, &c, sizeof(c));
	fputs(", \"clock\": {\"c2s_min_us\": ", out);
	json_us(out, c.has_c2s_min, c.c2s_min);
	fputs(", \"s2c_min_us\": ", out);
	json_us(out, c.has_s2c_min, c.s2c_min);
	fputs(", \"offset_us\": ", out);
	json_us(out, c.has_offset, c.offset);
	fputs(", \"applied_us\": ", out);
	json_us(out, true, off);
	fputs(", \"assumption\": \"offset = (c2s_min - s2c_min) / 2: server "
	      "clock minus client clock, if the smallest one-way delay is the "
	      "same both ways and the clocks do not drift\"}",
	      out);
	fputs(", \"connections\": [", out);
	for (k = 0; k < mpf_match_get_connection_count(m); k++) {
		struct mpf_match_connection cn;
		const struct mpf_node *nc;

		mpf_match_get_connection(m, k, &cn, sizeof(cn));
		nc = mpf_ctx_get_node(run->ctx[0], cn.client_node);
		if (!nc)
			nc = mpf_ctx_get_node(run->ctx[1], cn.server_node);
		fprintf(out, "%s{\"client_node\": ", k ? ", " : "");
		json_id(out, cn.client_node);
		fputs(", \"server_node\": ", out);
		json_id(out, cn.server_node);
		fprintf(out, ", \"paired_by\": \"%s\", \"token\": ",
			mpf_match_how_to_string(cn.how));
		json_token(out, nc, MPF_SIDE_CLIENT);
		fputs(", \"server_token\": ", out);
		json_token(out, nc, MPF_SIDE_SERVER);
		fputs(", \"subflows\": [", out);
		for (j = 0; j < cn.subflows; j++) {
			struct mpf_match_subflow s;

			mpf_match_get_subflow(m, k, j, &s, sizeof(s));
			fprintf(out, "%s{\"client_flow\": ", j ? ", " : "");
			json_id(out, s.client_flow);
			fputs(", \"server_flow\": ", out);
			json_id(out, s.server_flow);
			json_endpoint(out, "client_src", &s.client_src);
			json_endpoint(out, "client_dst", &s.client_dst);
			json_endpoint(out, "server_src", &s.server_src);
			json_endpoint(out, "server_dst", &s.server_dst);
			fprintf(out, ", \"paired_by\": \"%s\", \"reversed\": %s"
				     ", \"c2s\": ",
				mpf_match_how_to_string(s.how),
				s.reversed ? "true" : "false");
			json_dir(out, &s.dir[0], 0, off);
			fputs(", \"s2c\": ", out);
			json_dir(out, &s.dir[1], 1, off);
			fputc('}', out);
		}
		fprintf(out,
			"], \"reinjections\": {\"useful\": %" PRIu64
			", \"redundant\": %" PRIu64 ", \"useful_bytes\": %" PRIu64
			", \"redundant_bytes\": %" PRIu64 "}}",
			cn.useful, cn.redundant, cn.useful_bytes,
			cn.redundant_bytes);
	}
	fputs("], \"unmatched\": {", out);
	for (k = 0; k < 4; k++) {
		fprintf(out, "%s\"%s\": ", k ? ", " : "", json_unmatched[k]);
		json_ids(out, m, UNMATCHED_SIDE(k), UNMATCHED_FLOWS(k));
	}
	fputs("}, \"packets\": [", out);
	for (i = 0; i < np; i++) {
		struct mpf_match_packet p;

		mpf_match_get_packet(m, i, &p, sizeof(p));
		fprintf(out,
			"%s\n{\"connection\": %" PRIu32 ", \"subflow\": %" PRIu32
			", \"direction\": \"%s\", \"status\": \"%s\", "
			"\"client_frame\": ",
			i ? "," : "", p.connection, p.subflow,
			dir_names[p.dir & 1], mpf_match_state_to_string(p.state));
		report_json_frame(out, p.client_frame);
		fputs(", \"server_frame\": ", out);
		report_json_frame(out, p.server_frame);
		fputs(", \"delay_us\": ", out);
		json_us(out, p.state == MPF_MATCH_MATCHED,
			match_corrected(p.delay, p.dir, off));
		fprintf(out, ", \"seq\": %" PRIu32 ", \"len\": %" PRIu32
			     ", \"dsn\": ",
			p.seq, p.len);
		if (p.has_dsn)
			fprintf(out, "%" PRIu64, p.dsn);
		else
			fputs("null", out);
		fputs(", \"reinjection\": ", out);
		if (p.verdict == MPF_MATCH_NONE)
			fputs("null", out);
		else
			fprintf(out, "\"%s\"", mpf_match_verdict_to_string(p.verdict));
		fputs(", \"original_frame\": ", out);
		report_json_frame(out, p.original_frame);
		fputs(", \"original_received_frame\": ", out);
		report_json_frame(out, p.original_received_frame);
		fputs(", \"first_received_frame\": ", out);
		report_json_frame(out, p.first_received_frame);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

/* ----------------------------------------------------------- command */

/* Whether @pred holds for a way of a subflow pair of @m. */
static bool
any_way(const struct mpf_match *m, bool (*pred)(const struct mpf_match_dir *x))
{
	uint32_t k, j;

	for (k = 0; k < mpf_match_get_connection_count(m); k++) {
		struct mpf_match_connection cn;

		mpf_match_get_connection(m, k, &cn, sizeof(cn));
		for (j = 0; j < cn.subflows; j++) {
			struct mpf_match_subflow s;

			mpf_match_get_subflow(m, k, j, &s, sizeof(s));
			if (pred(&s.dir[0]) || pred(&s.dir[1]))
				return true;
		}
	}
	return false;
}

static bool
delay_not_negative(const struct mpf_match_dir *x)
{
	return x->has_delay && x->delay_max >= 0;
}

/* Every delay negative both ways: the captures are likely given in the
 * wrong order (the server's first). */
static bool
looks_swapped(const struct mpf_match *m)
{
	struct mpf_match_clock c;

	mpf_match_get_clock(m, &c, sizeof(c));
	return c.has_c2s_min && c.has_s2c_min && !any_way(m, delay_not_negative);
}

static uint32_t
mptcp_nodes(const struct mpf_ctx *ctx)
{
	uint32_t i, n = 0;

	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++) {
		const struct mpf_node *node = mpf_ctx_get_node(ctx, i);

		if (node && mpf_node_get_protocol(node) == MPF_PROTO_MPTCP &&
		    mpf_node_get_merged_into(node) == MPF_ID_NONE)
			n++;
	}
	return n;
}

/* Many segments lost one way and as many unsent the other in one subflow
 * pair: the two captures cut the data into other segments (offloads). */
static bool
resegmented(const struct mpf_match_dir *x)
{
	return x->lost >= 8 && x->unsent >= 8 && x->lost * 4 >= x->sent &&
	       x->unsent * 4 >= x->received;
}

int
match_command(const struct match_options *o, const char *client,
	      const char *server)
{
	struct match_run run;
	int status;
	int64_t off;

	status = match_open(&run, o, client, server);
	if (!run.match)
		return status ? status : 1;
	off = match_offset(&run, o);
	if (o->fmt == REPORT_CSV)
		print_csv(stdout, run.match, off);
	else if (o->fmt == REPORT_JSON)
		print_json(stdout, &run, off);
	else
		print_text(stdout, &run, off);
	fflush(stdout);
	if (mpf_match_get_connection_count(run.match) == 0) {
		int k, empty = 0;

		for (k = 0; k < 2; k++)
			if (mptcp_nodes(run.ctx[k]) == 0) {
				uint64_t cut = mpf_ctx_get_counter(run.ctx[k],
								   MPF_COUNTER_TRUNCATED);

				empty++;
				fprintf(stderr, "mpflow: %s holds no MPTCP connection",
					run.shown[k]);
				if (cut)
					fprintf(stderr, " (%" PRIu64 " frames cut short "
							"by the snapshot length)",
						cut);
				fputc('\n', stderr);
			}
		if (!empty)
			fprintf(stderr,
				"mpflow: %s and %s share no MPTCP connection: are "
				"they two ends of one run?\n",
				run.shown[0], run.shown[1]);
		if (status == 0)
			status = EXIT_NO_MATCH;
	} else if (looks_swapped(run.match)) {
		fprintf(stderr,
			"mpflow: warning: every delay is negative both ways: is "
			"the server's capture given first? (mpflow match CLIENT "
			"SERVER)\n");
	}
	if (any_way(run.match, resegmented))
		fprintf(stderr,
			"mpflow: warning: many segments of one capture are not "
			"in the other and the other way round: were they cut "
			"differently (TSO, GRO on a capture host)? Segments pair "
			"whole.\n");
	match_run_free(&run);
	return status;
}
