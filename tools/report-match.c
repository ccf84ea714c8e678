/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the HTML report's section on two captures of one run
 * (`mpflow report -o FILE CLIENT SERVER`)
 *
 * After the client capture's own report: the clocks, a table of the
 * connections paired (client nodes link to their sections above), and
 * for each connection its subflow pairs one way and the other (segments
 * sent, received, lost, the delays) and its delay picture, the first
 * MATCH_MAX_PLOTTED connections only, so that a large pair still gives a
 * file a browser opens.
 */
#include <inttypes.h>
#include <string.h>

#include <glib.h>

#include "match.h"
#include "plot.h"

#define MATCH_MAX_SECTIONS 200
#define MATCH_MAX_PLOTTED 50

static void
cell_id(FILE *out, uint32_t id, bool link)
{
	if (id == MPF_ID_NONE)
		fputs("<td>tcp</td>", out);
	else if (link)
		fprintf(out, "<td class=\"n\"><a href=\"#node-%" PRIu32 "\">%" PRIu32
			     "</a></td>",
			id, id);
	else
		fprintf(out, "<td class=\"n\">%" PRIu32 "</td>", id);
}

static void
cell_us(FILE *out, int64_t ns)
{
	fprintf(out, "<td class=\"n\">%.3f</td>", (double)ns / 1e3);
}

static void
subflow_rows(FILE *out, const struct mpf_match *m, uint32_t k, uint32_t j,
	     int64_t off)
{
	struct mpf_match_subflow s;
	char a[64], b[64];
	int d;

	mpf_match_get_subflow(m, k, j, &s, sizeof(s));
	for (d = 0; d < 2; d++) {
		const struct mpf_match_dir *x = &s.dir[d];

		fputs("<tr>", out);
		if (d == 0) {
			fprintf(out, "<td rowspan=\"2\"><span class=\"sw\" "
				     "style=\"background:%s\"></span>",
				plot_colour(j));
			if (s.client_flow == MPF_ID_NONE)
				fputs("tcp", out);
			else
				fprintf(out, "%" PRIu32, s.client_flow);
			fputs(" / ", out);
			if (s.server_flow == MPF_ID_NONE)
				fputs("tcp", out);
			else
				fprintf(out, "%" PRIu32, s.server_flow);
			fputs("</td><td rowspan=\"2\">", out);
			plot_escape(out, report_endpoint(&s.client_src, a, sizeof(a)));
			fputs(" \xe2\x86\x92 ", out);
			plot_escape(out, report_endpoint(&s.client_dst, b, sizeof(b)));
			fprintf(out, "</td><td rowspan=\"2\">%s</td>",
				mpf_match_how_to_string(s.how));
		}
		fprintf(out,
			"<td>%s</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%"
			PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">"
			"%.1f%%</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%"
			PRIu64 "</td>",
			d == 0 ? "c2s" : "s2c", x->sent, x->received, x->lost,
			x->sent ? 100.0 * (double)x->lost / (double)x->sent : 0.0,
			x->unsent, x->outside);
		if (x->has_delay) {
			cell_us(out, match_corrected(x->delay_min, d, off));
			cell_us(out, match_corrected(x->delay_median, d, off));
			cell_us(out, match_corrected(x->delay_p99, d, off));
			cell_us(out, match_corrected(x->delay_max, d, off));
		} else {
			fputs("<td></td><td></td><td></td><td></td>", out);
		}
		fputs("</tr>\n", out);
	}
}

void
match_html_section(FILE *out, void *user)
{
	const struct match_html *h = user;
	const struct match_run *run = h->run;
	const struct mpf_match *m = run->match;
	struct mpf_match_clock c;
	uint32_t k, j, n = mpf_match_get_connection_count(m), plotted = 0;

	fputs("<section class=\"match\" id=\"match\">\n<h2>Two captures of one "
	      "run</h2>\n<p>This capture, taken at the client, matched with "
	      "<code>",
	      out);
	plot_escape(out, run->shown[1]);
	fprintf(out, "</code>, taken at the server: %" PRIu32 " connection%s "
		     "paired.",
		n, n == 1 ? "" : "s");
	mpf_match_get_clock(m, &c, sizeof(c));
	if (c.has_offset)
		fprintf(out, " Smallest one-way delay c2s %.3f \xc2\xb5s, s2c %.3f "
			     "\xc2\xb5s: the server's clock is about %.3f \xc2\xb5s "
			     "ahead of the client's, if the smallest delay is the "
			     "same both ways.",
			(double)c.c2s_min / 1e3, (double)c.s2c_min / 1e3,
			(double)c.offset / 1e3);
	if (h->offset)
		fprintf(out, " Delays below are corrected by %.3f \xc2\xb5s.",
			(double)h->offset / 1e3);
	fputs("</p>\n", out);
	if (n == 0) {
		fputs("<p class=\"note\">The captures share no connection: are "
		      "they of one run?</p>\n</section>\n",
		      out);
		return;
	}
	fputs("<table class=\"match-connections\">\n<tr><th>connection</th>"
	      "<th>client node</th><th>server node</th><th>paired by</th>"
	      "<th>subflows</th><th>useful reinjections</th><th>bytes</th>"
	      "<th>redundant reinjections</th><th>bytes</th></tr>\n",
	      out);
	for (k = 0; k < n; k++) {
		struct mpf_match_connection cn;

		mpf_match_get_connection(m, k, &cn, sizeof(cn));
		fprintf(out, "<tr><td class=\"n\"><a href=\"#match-%" PRIu32 "\">%"
			     PRIu32 "</a></td>",
			k, k);
		cell_id(out, cn.client_node, true);
		cell_id(out, cn.server_node, false);
		fprintf(out,
			"<td>%s</td><td class=\"n\">%" PRIu32 "</td><td class=\"n\">%"
			PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%"
			PRIu64 "</td><td class=\"n\">%" PRIu64 "</td></tr>\n",
			mpf_match_how_to_string(cn.how), cn.subflows, cn.useful,
			cn.useful_bytes, cn.redundant, cn.redundant_bytes);
	}
	fputs("</table>\n", out);
	for (k = 0; k < n && k < MATCH_MAX_SECTIONS; k++) {
		struct mpf_match_connection cn;

		mpf_match_get_connection(m, k, &cn, sizeof(cn));
		fprintf(out, "<h3 id=\"match-%" PRIu32 "\">Connection %" PRIu32
			     "</h3>\n<table class=\"match-subflows\">\n<tr><th>flows "
			     "(client / server)</th><th>client side</th><th>paired "
			     "by</th><th>way</th><th>sent</th><th>received</th>"
			     "<th>lost</th><th>loss</th><th>unsent</th><th>outside"
			     "</th><th>delay min (\xc2\xb5s)</th><th>median</th>"
			     "<th>p99</th><th>max</th></tr>\n",
			k, k);
		for (j = 0; j < cn.subflows; j++)
			subflow_rows(out, m, k, j, h->offset);
		fputs("</table>\n", out);
		if (plotted < MATCH_MAX_PLOTTED) {
			match_plot_svg(out, run, k, h->offset, true);
			plotted++;
		}
	}
	if (n > MATCH_MAX_SECTIONS || n > MATCH_MAX_PLOTTED)
		fprintf(out, "<p class=\"note\">Only the first %d connections have "
			     "a table and the first %d a picture; <code>mpflow match"
			     "</code> lists all.</p>\n",
			MATCH_MAX_SECTIONS, MATCH_MAX_PLOTTED);
	fputs("</section>\n", out);
}
