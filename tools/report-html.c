/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: `mpflow report`: one self-contained HTML file
 *
 * Everything is inline (style, SVG), nothing is fetched, no script runs:
 * the file opens the same offline, in a mail attachment or a CI artifact.
 * It holds the table of every node (id="nodes"), then a section per node
 * (id="node-N"): its flows drawn as a graph between the two sides
 * (report-graph.c), its flows table, and for an MPTCP connection its
 * anomalies (rows id="frame-N", which the plots' reinjection markers link
 * to) and its three plots. Sections and plots are capped so that a
 * capture of thousands of connections still gives a file a browser opens.
 */
#include <inttypes.h>
#include <string.h>

#include <glib.h>

#include "plot.h"
#include "report.h"

#define REPORT_MAX_SECTIONS 200 /* node sections; the table lists all */
#define REPORT_MAX_PLOTTED 50   /* MPTCP connections with plots */

static const char css[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"h1{font-size:1.5em}h2{font-size:1.2em}h3{font-size:1em}"
	"table{border-collapse:collapse;margin:.5em 0}"
	"th,td{border:1px solid #ccc;padding:2px 6px;font-size:13px;"
	"text-align:left;vertical-align:top}"
	"th{background:#eee}td.n{text-align:right}"
	"section.node{border-top:2px solid #999;margin-top:2em}"
	".sw{display:inline-block;width:10px;height:10px;margin-right:4px}"
	"svg{max-width:100%;height:auto;display:block;margin:.5em 0}"
	"tr:target{background:#ffe39a}.note{color:#555}";

/* ------------------------------------------------------------ helpers */

static void
esc(FILE *out, const char *s)
{
	plot_escape(out, s);
}

/* "addr:port", or the address alone where there is no port (LISP). */
static const char *
endpoint_str(const struct mpf_endpoint *e, char *buf, size_t len)
{
	if (e->port == 0)
		return mpf_addr_to_string(&e->addr, buf, len);
	return report_endpoint(e, buf, len);
}

static void
td_num(FILE *out, uint64_t v)
{
	fprintf(out, "<td class=\"n\">%" PRIu64 "</td>", v);
}

static void
td_text(FILE *out, const char *s)
{
	fputs("<td>", out);
	esc(out, s);
	fputs("</td>", out);
}

static void
td_frames(FILE *out, uint32_t first, uint32_t last)
{
	fprintf(out, "<td class=\"n\">%" PRIu32 "\xe2\x80\x93%" PRIu32 "</td>",
		first, last);
}

static bool
is_shown(const struct mpf_node *n)
{
	return mpf_node_get_merged_into(n) == MPF_ID_NONE;
}

/* What the node is, in a few words, for its table row. */
static const char *
node_what(const struct mpf_node *n, char *buf, size_t len)
{
	char a[64], b[64];

	switch (mpf_node_get_protocol(n)) {
	case MPF_PROTO_MPTCP: {
		struct mpf_endpoint c, s;

		report_mptcp_node_ends(n, &c, &s);
		if (!c.addr.family)
			snprintf(buf, len, "(no subflow)");
		else
			snprintf(buf, len, "%s \xe2\x86\x92 %s",
				 endpoint_str(&c, a, sizeof(a)),
				 endpoint_str(&s, b, sizeof(b)));
		break;
	}
	case MPF_PROTO_SCTP: {
		struct mpf_sctp_addr x, y;
		uint32_t nc = mpf_node_get_sctp_addr_count(n, MPF_SIDE_CLIENT);
		uint32_t ns = mpf_node_get_sctp_addr_count(n, MPF_SIDE_SERVER);
		char c1[MPF_ADDR_STRLEN] = "?", s1[MPF_ADDR_STRLEN] = "?";

		if (nc && mpf_node_get_sctp_addr(n, MPF_SIDE_CLIENT, 0, &x,
						 sizeof(x)) == MPF_OK)
			mpf_addr_to_string(&x.addr, c1, sizeof(c1));
		if (ns && mpf_node_get_sctp_addr(n, MPF_SIDE_SERVER, 0, &y,
						 sizeof(y)) == MPF_OK)
			mpf_addr_to_string(&y.addr, s1, sizeof(s1));
		snprintf(buf, len, "%s port %u (%" PRIu32 " address%s) \xe2\x86\x94 "
			 "%s port %u (%" PRIu32 " address%s)",
			 c1, mpf_node_get_sctp_port(n, MPF_SIDE_CLIENT), nc,
			 nc == 1 ? "" : "es", s1,
			 mpf_node_get_sctp_port(n, MPF_SIDE_SERVER), ns,
			 ns == 1 ? "" : "es");
		break;
	}
	case MPF_PROTO_LISP: {
		struct mpf_addr p;
		uint32_t iid = 0;
		uint8_t plen = 0;

		mpf_node_get_lisp_iid(n, &iid);
		if (mpf_node_get_lisp_eid_prefix(n, &p, &plen))
			mpf_addr_to_string(&p, a, sizeof(a));
		else
			snprintf(a, sizeof(a), "?");
		snprintf(buf, len, "site [%" PRIu32 "] %s/%u, %" PRIu32 " locator%s",
			 iid, a, plen, mpf_node_get_lisp_locator_count(n),
			 mpf_node_get_lisp_locator_count(n) == 1 ? "" : "s");
		break;
	}
	default:
		snprintf(buf, len, "-");
	}
	return buf;
}

/* The node's notable facts, for its table row. */
static void
node_notes(FILE *out, const struct mpf_node *n, const struct plot_data *pd,
	   const struct mpf_ctx *ctx)
{
	uint32_t frame;
	bool first = true;

	switch (mpf_node_get_protocol(n)) {
	case MPF_PROTO_MPTCP: {
		const struct plot_event **ev;
		uint64_t dropped, k = 0;
		enum mpf_mptcp_end end = mpf_node_get_mptcp_end(n, &frame);

		fprintf(out, "ended %s", mpf_mptcp_end_to_string(end));
		first = false;
		if (mpf_node_get_mptcp_fallback(n, &frame))
			fprintf(out, ", fallback at frame %" PRIu32, frame);
		if (mpf_node_get_mptcp_inferred(n))
			fputs(", inferred", out);
		ev = plot_data_events(pd, ctx, mpf_node_get_id(n), &dropped);
		while (ev[k])
			k++;
		if (k + dropped)
			fprintf(out, ", %" PRIu64 " anomal%s", k + dropped,
				k + dropped == 1 ? "y" : "ies");
		g_free(ev);
		break;
	}
	case MPF_PROTO_SCTP: {
		struct mpf_sctp_stats st[2];
		int cause;
		enum mpf_sctp_end end = mpf_node_get_sctp_end(n, &frame, &cause);

		mpf_node_get_sctp_stats(n, MPF_SIDE_CLIENT, &st[0], sizeof(st[0]));
		mpf_node_get_sctp_stats(n, MPF_SIDE_SERVER, &st[1], sizeof(st[1]));
		fprintf(out, "ended %s", mpf_sctp_end_to_string(end));
		first = false;
		if (frame)
			fprintf(out, " at frame %" PRIu32, frame);
		if (mpf_node_get_sctp_half(n))
			fputs(", half association", out);
		if (st[0].retransmissions + st[1].retransmissions)
			fprintf(out, ", %" PRIu64 " retransmissions",
				st[0].retransmissions + st[1].retransmissions);
		if (st[0].crc_bad + st[1].crc_bad)
			fprintf(out, ", %" PRIu32 " bad CRC",
				st[0].crc_bad + st[1].crc_bad);
		break;
	}
	case MPF_PROTO_LISP: {
		struct mpf_lisp_stats st;
		uint32_t changes = mpf_node_get_lisp_change_count(n);

		mpf_node_get_lisp_stats(n, &st, sizeof(st));
		if (changes) {
			fprintf(out, "%" PRIu32 " locator change%s", changes,
				changes == 1 ? "" : "s");
			first = false;
		}
		if (st.backup_used) {
			fprintf(out, "%s%" PRIu64 " packets to a backup",
				first ? "" : ", ", st.backup_used);
			first = false;
		}
		if (st.refusals)
			fprintf(out, "%s%" PRIu64 " registrations refused",
				first ? "" : ", ", st.refusals);
		break;
	}
	default:
		break;
	}
}

/* --------------------------------------------------------- the tables */

static void
write_node_table(FILE *out, const struct mpf_ctx *ctx,
		 const struct plot_data *pd)
{
	uint32_t i, shown = 0;

	fputs("<table id=\"nodes\">\n<thead><tr><th>node</th><th>protocol</th>"
	      "<th>what</th><th>flows</th><th>frames</th><th>packets</th>"
	      "<th>bytes</th><th>duration (s)</th><th>notes</th></tr></thead>\n"
	      "<tbody>\n", out);
	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, i);
		char buf[256];

		if (!is_shown(n))
			continue;
		fprintf(out, "<tr class=\"node\" data-node=\"%" PRIu32 "\"><td>", i);
		if (shown++ < REPORT_MAX_SECTIONS)
			fprintf(out, "<a href=\"#node-%" PRIu32 "\">%" PRIu32 "</a>",
				i, i);
		else
			fprintf(out, "%" PRIu32, i);
		fputs("</td>", out);
		td_text(out, mpf_protocol_to_string(mpf_node_get_protocol(n)));
		td_text(out, node_what(n, buf, sizeof(buf)));
		td_num(out, mpf_node_get_flow_count(n));
		td_frames(out, mpf_node_get_first_frame(n), mpf_node_get_last_frame(n));
		td_num(out, mpf_node_get_packets(n));
		td_text(out, report_bytes(mpf_node_get_bytes(n), buf, sizeof(buf)));
		fprintf(out, "<td class=\"n\">%.3f</td><td>",
			report_seconds(mpf_node_get_last_time(n) -
				       mpf_node_get_first_time(n)));
		node_notes(out, n, pd, ctx);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

static void
write_flows(FILE *out, const struct mpf_node *n)
{
	enum mpf_protocol proto = mpf_node_get_protocol(n);
	struct mpf_mptcp_stats cs[2];
	uint32_t i;

	if (proto == MPF_PROTO_MPTCP) {
		mpf_node_get_mptcp_stats(n, MPF_SIDE_CLIENT, &cs[0], sizeof(cs[0]));
		mpf_node_get_mptcp_stats(n, MPF_SIDE_SERVER, &cs[1], sizeof(cs[1]));
	}
	fputs("<table class=\"flows\">\n<thead><tr><th>flow</th><th>source</th>"
	      "<th>destination</th><th>packets</th><th>bytes</th><th>frames</th>",
	      out);
	if (proto == MPF_PROTO_MPTCP)
		fputs("<th>role</th><th>established</th><th>c2s share</th>"
		      "<th>s2c share</th><th>notes</th>", out);
	else if (proto == MPF_PROTO_SCTP)
		fputs("<th>DATA chunks</th><th>retransmissions</th>"
		      "<th>heartbeats</th><th>RTT avg (ms)</th>", out);
	fputs("</tr></thead>\n<tbody>\n", out);
	for (i = 0; i < mpf_node_get_flow_count(n); i++) {
		const struct mpf_flow *f = mpf_node_get_flow(n, i);
		struct mpf_endpoint s, d;
		char buf[64];

		mpf_flow_get_endpoints(f, &s, &d);
		fprintf(out,
			"<tr class=\"flow\" data-flow=\"%" PRIu32 "\"><td><span "
			"class=\"sw\" style=\"background:%s\"></span>%" PRIu32 "</td>",
			mpf_flow_get_id(f), plot_colour(i), mpf_flow_get_id(f));
		td_text(out, endpoint_str(&s, buf, sizeof(buf)));
		td_text(out, endpoint_str(&d, buf, sizeof(buf)));
		td_num(out, mpf_flow_get_packets(f, MPF_SIDE_CLIENT) +
				    mpf_flow_get_packets(f, MPF_SIDE_SERVER));
		td_text(out, report_bytes(mpf_flow_get_bytes(f, MPF_SIDE_CLIENT) +
						  mpf_flow_get_bytes(f, MPF_SIDE_SERVER),
					  buf, sizeof(buf)));
		td_frames(out, mpf_flow_get_first_frame(f), mpf_flow_get_last_frame(f));
		if (proto == MPF_PROTO_MPTCP) {
			double share[2] = { 0, 0 };
			int dir;

			for (dir = 0; dir < 2; dir++) {
				struct mpf_mptcp_flow_stats fs;
				/* the flow's forward way is c2s when its source
				 * is the client */
				int side = (dir == 0) == mpf_flow_get_mptcp_src_is_client(f)
						   ? 0 : 1;

				mpf_flow_get_mptcp_stats(f, (enum mpf_side)dir, &fs,
							 sizeof(fs));
				if (cs[side].data_bytes)
					share[side] += 100.0 * (double)fs.data_bytes /
						       (double)cs[side].data_bytes;
			}
			td_text(out, mpf_mptcp_role_to_string(mpf_flow_get_mptcp_role(f)));
			td_text(out, mpf_flow_get_mptcp_established(f) ? "yes" : "no");
			fprintf(out, "<td class=\"n\">%.1f %%</td><td class=\"n\">%.1f %%"
				     "</td><td>", share[0], share[1]);
			{
				enum mpf_mptcp_hmac h = mpf_flow_get_mptcp_join_hmac(f);
				bool first = true;
				char note[64];

				if (h != MPF_MPTCP_HMAC_NONE) {
					snprintf(note, sizeof(note), "join HMAC %s",
						 mpf_mptcp_hmac_to_string(h));
					report_list_item(out, note, ", ", &first);
				}
				if (mpf_flow_get_mptcp_backup(f))
					report_list_item(out, "backup", ", ", &first);
				if (mpf_flow_get_mptcp_removed_frame(f)) {
					snprintf(note, sizeof(note),
						 "removed at frame %" PRIu32,
						 mpf_flow_get_mptcp_removed_frame(f));
					report_list_item(out, note, ", ", &first);
				}
				if (mpf_flow_get_mptcp_reset_frame(f)) {
					snprintf(note, sizeof(note),
						 "reset at frame %" PRIu32,
						 mpf_flow_get_mptcp_reset_frame(f));
					report_list_item(out, note, ", ", &first);
				}
			}
			fputs("</td>", out);
		} else if (proto == MPF_PROTO_SCTP) {
			struct mpf_sctp_flow_stats st;

			mpf_flow_get_sctp_stats(f, &st, sizeof(st));
			td_num(out, st.data_chunks[0] + st.data_chunks[1]);
			td_num(out, st.retransmissions[0] + st.retransmissions[1]);
			td_num(out, st.heartbeats[0] + st.heartbeats[1]);
			if (st.rtt_samples)
				fprintf(out, "<td class=\"n\">%.3f</td>",
					st.rtt_avg * 1000);
			else
				fputs("<td></td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

/* The names of an event's anomalies, "reinjection, join_hmac_bad". */
static void
event_names(FILE *out, const struct plot_event *e)
{
	bool first = true;
	unsigned i;

	for (i = 0; i < 32; i++)
		if (e->flags & 1u << i)
			report_list_item(out, mpf_mptcp_frame_flag_to_string(1u << i),
					 ", ", &first);
	if (e->mp_fail)
		report_list_item(out, "MP_FAIL", ", ", &first);
}

static bool
event_listed(const struct plot_event *const *ev, uint32_t frame)
{
	size_t i;

	for (i = 0; ev[i]; i++)
		if (ev[i]->frame == frame)
			return true;
	return false;
}

static void
write_anomalies(FILE *out, const struct mpf_node *n, const struct mpf_ctx *ctx,
		const struct plot_data *pd)
{
	struct mpf_mptcp_checks ck;
	const struct plot_event **ev;
	uint64_t dropped;
	size_t i;

	mpf_node_get_mptcp_checks(n, &ck, sizeof(ck));
	fprintf(out,
		"<p>Checks: join HMAC %" PRIu32 " ok, %" PRIu32 " bad, %" PRIu32
		" unverified; ADD_ADDR HMAC %" PRIu32 " ok, %" PRIu32 " bad, %" PRIu32
		" legacy; DSS checksum %" PRIu64 " ok, %" PRIu64 " bad.</p>\n",
		ck.join_hmac_ok, ck.join_hmac_bad, ck.join_hmac_unverified,
		ck.add_addr_hmac_ok, ck.add_addr_hmac_bad, ck.add_addr_hmac_legacy,
		ck.csum_ok, ck.csum_bad);
	ev = plot_data_events(pd, ctx, mpf_node_get_id(n), &dropped);
	if (!ev[0]) {
		fputs("<p class=\"anomalies-none\">No anomalies (bad HMACs, "
		      "reinjections, fallbacks, bad checksums...).</p>\n", out);
		g_free(ev);
		return;
	}
	fputs("<table class=\"anomalies\">\n<thead><tr><th>frame</th><th>flow</th>"
	      "<th>direction</th><th>anomaly</th><th>detail</th></tr></thead>\n"
	      "<tbody>\n", out);
	for (i = 0; ev[i]; i++) {
		const struct plot_event *e = ev[i];
		uint32_t flow = plot_flow_survivor(ctx, e->flow);

		fprintf(out,
			"<tr id=\"frame-%" PRIu32 "\"><td class=\"n\"><a href=\"#frame-%"
			PRIu32 "\">%" PRIu32 "</a></td><td class=\"n\">",
			e->frame, e->frame, e->frame);
		if (flow != MPF_ID_NONE)
			fprintf(out, "%" PRIu32, flow);
		fprintf(out, "</td><td>%s</td><td>", e->dir == 0 ? "c2s" : "s2c");
		event_names(out, e);
		fputs("</td><td>", out);
		if ((e->flags & MPF_MPTCP_FRAME_REINJECTION) && e->of) {
			fputs("data first sent in frame ", out);
			if (event_listed(ev, e->of))
				fprintf(out, "<a href=\"#frame-%" PRIu32 "\">%" PRIu32
					     "</a>", e->of, e->of);
			else
				fprintf(out, "%" PRIu32, e->of);
		}
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
	if (dropped)
		fprintf(out, "<p class=\"note\">%" PRIu64 " more anomalies not "
			     "listed.</p>\n", dropped);
	g_free(ev);
}

static void
write_section(FILE *out, const struct mpf_node *n, const struct mpf_ctx *ctx,
	      const struct plot_data *pd, const struct plot_request *rq,
	      const char *capture, uint32_t *plotted)
{
	enum mpf_protocol proto = mpf_node_get_protocol(n);
	uint32_t id = mpf_node_get_id(n);
	char buf[256];

	fprintf(out, "<section class=\"node\" id=\"node-%" PRIu32 "\">\n<h2>", id);
	if (proto == MPF_PROTO_MPTCP)
		esc(out, plot_node_title(n, buf, sizeof(buf)));
	else {
		fprintf(out, "node %" PRIu32 ", %s: ", id,
			proto == MPF_PROTO_SCTP ? "SCTP association"
			: proto == MPF_PROTO_LISP ? "LISP site" : "node");
		esc(out, node_what(n, buf, sizeof(buf)));
	}
	fputs("</h2>\n", out);
	report_html_graph(out, n);
	write_flows(out, n);
	if (proto == MPF_PROTO_MPTCP) {
		static const enum plot_kind kinds[] = { PLOT_DSN, PLOT_THROUGHPUT,
							PLOT_SHARE };
		size_t k;

		fputs("<h3>Anomalies</h3>\n", out);
		write_anomalies(out, n, ctx, pd);
		if (plot_node_has_data(pd, ctx, id) && (*plotted)++ < REPORT_MAX_PLOTTED) {
			fputs("<h3>Plots</h3>\n", out);
			for (k = 0; k < G_N_ELEMENTS(kinds); k++) {
				struct plot_options o = { kinds[k], rq->window, true,
							  capture, rq->full_time };

				plot_write_svg(out, pd, ctx, id, &o);
			}
		} else if (plot_node_has_data(pd, ctx, id)) {
			fprintf(out, "<p class=\"note\">Plots left out (only the first "
				     "%d connections are drawn): <code>mpflow plot "
				     "--node %" PRIu32 "</code>.</p>\n",
				REPORT_MAX_PLOTTED, id);
		}
	}
	fputs("</section>\n", out);
}

int
report_html_command(const struct plot_request *rq, const char *capture,
		    const struct mpf_ctx *ctx, const struct plot_data *pd)
{
	uint32_t i, nodes = 0, sections = 0, plotted = 0;
	FILE *out = plot_open_output(rq->output);

	if (!out)
		return 1;
	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++)
		if (is_shown(mpf_ctx_get_node(ctx, i)))
			nodes++;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"generator\" content=\"mpflow\">\n<title>mpflow report: ",
	      out);
	esc(out, capture);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n"
		     "<h1>mpflow report</h1>\n<p class=\"capture\">Capture <code>",
		css);
	esc(out, capture);
	fputs("</code>: ", out);
	report_counters(out, ctx, nodes);
	fputs(".</p>\n<h2>Nodes</h2>\n", out);
	write_node_table(out, ctx, pd);
	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, i);

		if (!is_shown(n))
			continue;
		if (sections++ >= REPORT_MAX_SECTIONS)
			break;
		write_section(out, n, ctx, pd, rq, capture, &plotted);
	}
	if (nodes > REPORT_MAX_SECTIONS)
		fprintf(out, "<p class=\"note\">Only the first %d nodes have a "
			     "section; <code>mpflow summary</code> lists all.</p>\n",
			REPORT_MAX_SECTIONS);
	if (rq->extra)
		rq->extra(out, rq->extra_user);
	fprintf(out, "<footer class=\"note\"><p>Made by mpflow with libmpflow %s."
		     "</p></footer>\n</body>\n</html>\n", mpf_version_string());
	return plot_close_output(out, rq->output);
}
