/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the one-way delay of a matched connection over time, per
 * subflow, as SVG (`mpflow plot -k delay CLIENT SERVER`, and the HTML
 * report's section on two captures)
 *
 * A panel per direction, as `mpflow plot` draws them: x the sender's time
 * since the connection's first frame in its capture, y the delay
 * (receiver's time minus sender's, corrected by the clock offset asked
 * for). The segments are folded into at most DELAY_BUCKETS columns per
 * subflow and direction: a band from the smallest to the largest delay of
 * each column, a line through their means, and a cross at the top for the
 * columns with segments lost. Memory follows subflows, not segments.
 */
#include <inttypes.h>
#include <string.h>

#include <glib.h>

#include "match.h"
#include "mpf-search.h"
#include "plot.h"
#include "svg.h"

#define DELAY_BUCKETS 480 /* columns: two pixels each */
#define DELAY_SERIES 64   /* subflow pairs drawn; the rest are counted */

struct dbucket {
	uint32_t n, lost;
	double sum;       /* of the delays, ns */
	int64_t min, max; /* ns */
};

/* One way of one subflow pair. */
struct dseries {
	struct dbucket *b; /* DELAY_BUCKETS, NULL until a segment lands */
	uint64_t n, lost;
};

struct dpanel {
	bool any;
	int64_t t0, t1;       /* sender's times of the first and last segment */
	int64_t vmin, vmax;   /* delays, ns */
	int64_t origin;       /* the connection's first frame, sender's clock */
	struct dseries *s;    /* per subflow pair (at most DELAY_SERIES) */
};

/* The connection of packet row @row. */
static uint32_t
row_conn(const struct mpf_match *m, uint64_t row)
{
	struct mpf_match_packet p;

	if (mpf_match_get_packet(m, row, &p, sizeof(p)) != MPF_OK)
		return UINT32_MAX;
	return p.connection;
}

/* The first packet row of connection @conn (rows run by connection). */
static uint64_t
first_row(const struct mpf_match *m, uint32_t conn)
{
	uint64_t lo = 0, hi = mpf_match_get_packet_count(m);

	MPF_LOWER_BOUND(lo, hi, mid, row_conn(m, mid) < conn);
	return lo;
}

/* The sender's time of a row, or false for a row the sender lacks. */
static bool
sent_at(const struct mpf_match_packet *p, int64_t *t)
{
	if (p->state == MPF_MATCH_UNSENT ||
	    (p->state == MPF_MATCH_OUTSIDE &&
	     !(p->dir == MPF_SIDE_CLIENT ? p->client_frame
						   : p->server_frame)))
		return false;
	*t = p->dir == MPF_SIDE_CLIENT ? p->client_time : p->server_time;
	return true;
}

/* Reads connection @conn's rows twice: the ranges, then the columns. */
static void
panels_fill(struct dpanel *pn, const struct mpf_match *m, uint32_t conn,
	    uint32_t nsubs, int64_t off)
{
	uint64_t r, n = mpf_match_get_packet_count(m), first = first_row(m, conn);
	int pass, d;

	for (d = 0; d < 2; d++)
		pn[d].s = g_new0(struct dseries, MIN(nsubs, DELAY_SERIES) + 1);
	for (pass = 0; pass < 2; pass++) {
		for (r = first; r < n; r++) {
			struct mpf_match_packet p;
			struct dpanel *q;
			struct dseries *s;
			struct dbucket *b;
			int64_t t, delay;
			uint64_t k;

			mpf_match_get_packet(m, r, &p, sizeof(p));
			if (p.connection != conn)
				break;
			if (p.subflow >= DELAY_SERIES || !sent_at(&p, &t) ||
			    (p.state != MPF_MATCH_MATCHED && p.state != MPF_MATCH_LOST))
				continue;
			q = &pn[p.dir & 1];
			delay = match_corrected(p.delay, p.dir, off);
			if (pass == 0) {
				if (!q->any || t < q->t0)
					q->t0 = t;
				if (!q->any || t > q->t1)
					q->t1 = t;
				q->any = true;
				if (p.state == MPF_MATCH_MATCHED) {
					q->vmin = MIN(q->vmin, delay);
					q->vmax = MAX(q->vmax, delay);
				}
				continue;
			}
			s = &q->s[p.subflow];
			if (!s->b)
				s->b = g_new0(struct dbucket, DELAY_BUCKETS);
			k = (uint64_t)(t - q->t0) * DELAY_BUCKETS /
			    ((uint64_t)(q->t1 - q->t0) + 1);
			b = &s->b[MIN(k, DELAY_BUCKETS - 1)];
			if (p.state == MPF_MATCH_LOST) {
				b->lost++;
				s->lost++;
				continue;
			}
			if (b->n == 0 || delay < b->min)
				b->min = delay;
			if (b->n == 0 || delay > b->max)
				b->max = delay;
			b->n++;
			b->sum += (double)delay;
			s->n++;
		}
	}
}

static void
panels_free(struct dpanel *pn, uint32_t nsubs)
{
	uint32_t j;
	int d;

	for (d = 0; d < 2; d++) {
		for (j = 0; j < MIN(nsubs, DELAY_SERIES); j++)
			g_free(pn[d].s[j].b);
		g_free(pn[d].s);
	}
}

static const char *const delay_units[] = { "ns", "\xc2\xb5s", "ms", "s", NULL };

static int64_t
bucket_time(const struct dpanel *q, uint32_t k)
{
	return q->t0 + (int64_t)(((double)(q->t1 - q->t0) + 1) * (k + 0.5) /
				 DELAY_BUCKETS);
}

/*
 * A series' columns, run by run of adjacent columns with segments (a gap
 * breaks the band and the line: nothing is drawn where nothing was
 * measured): the band from each column's smallest delay to its largest,
 * the line through their means, a dot for a column alone.
 */
static void
series_runs(FILE *out, const struct dpanel *q, const struct area *a,
	    const struct dseries *s, const char *colour)
{
	uint32_t k = 0, e, i;

	fprintf(out, "<path class=\"band\" fill=\"%s\" fill-opacity=\"0.25\" "
		     "stroke=\"%s\" stroke-opacity=\"0.25\" d=\"",
		colour, colour);
	for (k = 0; k < DELAY_BUCKETS; k = e) {
		for (; k < DELAY_BUCKETS && !s->b[k].n; k++)
			;
		for (e = k; e < DELAY_BUCKETS && s->b[e].n; e++)
			;
		for (i = k; i < e; i++)
			fprintf(out, "%s%.1f %.1f", i == k ? "M" : "L",
				svg_px(a, bucket_time(q, i)),
				svg_py(a, (double)s->b[i].max));
		for (i = e; i-- > k;)
			fprintf(out, "L%.1f %.1f", svg_px(a, bucket_time(q, i)),
				svg_py(a, (double)s->b[i].min));
		if (e > k)
			fputs("Z", out);
	}
	fprintf(out, "\"/>\n<path class=\"mean\" fill=\"none\" stroke=\"%s\" "
		     "stroke-width=\"1.5\" d=\"",
		colour);
	for (k = 0; k < DELAY_BUCKETS; k = e) {
		for (; k < DELAY_BUCKETS && !s->b[k].n; k++)
			;
		for (e = k; e < DELAY_BUCKETS && s->b[e].n; e++)
			;
		for (i = k; i < e && e - k > 1; i++)
			fprintf(out, "%s%.1f %.1f", i == k ? "M" : "L",
				svg_px(a, bucket_time(q, i)),
				svg_py(a, s->b[i].sum / s->b[i].n));
	}
	fputs("\"/>\n", out);
	for (k = 0; k < DELAY_BUCKETS; k++)
		if (s->b[k].n && (k == 0 || !s->b[k - 1].n) &&
		    (k + 1 == DELAY_BUCKETS || !s->b[k + 1].n))
			fprintf(out, "<circle class=\"mean\" cx=\"%.1f\" cy=\"%.1f\" "
				     "r=\"2.5\" fill=\"%s\"/>\n",
				svg_px(a, bucket_time(q, k)),
				svg_py(a, s->b[k].sum / s->b[k].n), colour);
}

static void
delay_panel(FILE *out, const struct dpanel *q, struct area *a, int dir,
	    uint32_t nsubs)
{
	double vmin = (double)MIN(q->vmin, 0), vmax = (double)MAX(q->vmax, 1);
	double div, top;
	const char *unit;
	char yname[64];
	uint32_t j, k;

	div = svg_pick_unit(MAX(vmax, -vmin), delay_units, &unit);
	svg_fit_values(a, vmin, vmax, div);
	snprintf(yname, sizeof(yname), "one-way delay (%s)", unit);
	svg_draw_axes(out, a, div, yname);
	top = a->y + 6;
	for (j = 0; j < MIN(nsubs, DELAY_SERIES); j++) {
		const struct dseries *s = &q->s[j];

		if (!s->b)
			continue;
		fprintf(out, "<g class=\"series\" data-subflow=\"%" PRIu32
			     "\" data-dir=\"%s\" data-segments=\"%" PRIu64
			     "\" data-lost=\"%" PRIu64 "\">\n",
			j, dir == 0 ? "c2s" : "s2c", s->n, s->lost);
		if (s->n)
			series_runs(out, q, a, s, plot_colour(j));
		for (k = 0; k < DELAY_BUCKETS; k++)
			if (s->b[k].lost) {
				double x = svg_px(a, bucket_time(q, k));

				fprintf(out,
					"<path class=\"lost\" data-count=\"%" PRIu32
					"\" d=\"M%.1f %.1fl6 6m0 -6l-6 6\" stroke=\"%s\" "
					"stroke-width=\"1.5\"/>\n",
					s->b[k].lost, x - 3, top - 3, plot_colour(j));
			}
		fputs("</g>\n", out);
	}
}

/* "flows 0/2 10.0.0.1:4000 -> 10.0.0.2:80" (and the server's view when a
 * NAT shows) into @buf. */
static const char *
pair_label(const struct mpf_match_subflow *s, char *buf, size_t len)
{
	char a[64], b[64], c[64], d[64], ids[48];

	if (s->client_flow != MPF_ID_NONE && s->server_flow != MPF_ID_NONE)
		snprintf(ids, sizeof(ids), "flows %" PRIu32 "/%" PRIu32,
			 s->client_flow, s->server_flow);
	else if (s->client_flow != MPF_ID_NONE)
		snprintf(ids, sizeof(ids), "flow %" PRIu32 "/tcp", s->client_flow);
	else
		snprintf(ids, sizeof(ids), "tcp/flow %" PRIu32, s->server_flow);
	report_endpoint(&s->client_src, a, sizeof(a));
	report_endpoint(&s->client_dst, b, sizeof(b));
	report_endpoint(&s->server_src, c, sizeof(c));
	report_endpoint(&s->server_dst, d, sizeof(d));
	if (strcmp(a, c) == 0 && strcmp(b, d) == 0)
		snprintf(buf, len, "%s %s \xe2\x86\x92 %s", ids, a, b);
	else
		snprintf(buf, len, "%s %s \xe2\x86\x92 %s (server side %s \xe2\x86\x92 %s)",
			 ids, a, b, c, d);
	return buf;
}

int
match_plot_svg(FILE *out, const struct match_run *run, uint32_t conn,
	       int64_t off, bool inline_svg)
{
	const struct mpf_match *m = run->match;
	struct mpf_match_connection cn;
	struct mpf_match_clock ck;
	struct dpanel pn[2];
	char title[200], sub[400], caps[600], ob[64], cb[16] = "-", sb[16] = "-";
	uint32_t j, shown;
	int height, dir, i = 0;
	double y;

	if (mpf_match_get_connection(m, conn, &cn, sizeof(cn)) != MPF_OK)
		return -1;
	memset(pn, 0, sizeof(pn));
	panels_fill(pn, m, conn, cn.subflows, off);
	for (dir = 0; dir < 2; dir++) {
		const struct mpf_node *n = mpf_ctx_get_node(
			run->ctx[dir], dir == 0 ? cn.client_node : cn.server_node);

		pn[dir].origin = n ? mpf_node_get_first_time(n) : pn[dir].t0;
		if (pn[dir].origin > pn[dir].t0)
			pn[dir].origin = pn[dir].t0;
	}
	shown = MIN(cn.subflows, DELAY_SERIES);
	height = 80 + 2 * (PANEL_H + PANEL_GAP) + ((shown + 2) / 2) * LEGEND_ROW + 10;
	snprintf(title, sizeof(title), "Connection %" PRIu32 ": one-way delay "
		 "per subflow", conn);
	mpf_match_get_clock(m, &ck, sizeof(ck));
	if (off)
		snprintf(ob, sizeof(ob), "corrected by a clock offset of %.3f \xc2\xb5s",
			 (double)off / 1e3);
	else if (ck.has_offset)
		snprintf(ob, sizeof(ob), "as measured (clock offset estimate %.3f "
			 "\xc2\xb5s)", (double)ck.offset / 1e3);
	else
		snprintf(ob, sizeof(ob), "as measured");
	if (cn.client_node != MPF_ID_NONE)
		snprintf(cb, sizeof(cb), "%" PRIu32, cn.client_node);
	if (cn.server_node != MPF_ID_NONE)
		snprintf(sb, sizeof(sb), "%" PRIu32, cn.server_node);
	snprintf(sub, sizeof(sub), "client node %s, server node %s; delays %s; "
		 "%" PRIu32 " subflow%s%s", cb, sb, ob, cn.subflows,
		 cn.subflows == 1 ? "" : "s",
		 cn.subflows > shown ? " (the first 64 drawn)" : "");
	snprintf(caps, sizeof(caps), "client capture %s, server capture %s",
		 run->shown[0], run->shown[1]);

	svg_begin(out, inline_svg, "delay", "connection", conn, height, title);
	svg_text_line(out, 44, sub);
	svg_text_line(out, 60, caps);

	y = 80;
	for (dir = 0; dir < 2; dir++) {
		struct area a;

		a.x = MARGIN_L;
		a.y = y + 22;
		a.w = SVG_W - MARGIN_L - MARGIN_R;
		a.h = PANEL_H;
		a.t0 = pn[dir].t0;
		a.origin = pn[dir].origin;
		a.span = MAX((double)(pn[dir].t1 - pn[dir].t0) / 1e9, 1e-6);
		a.vmin = 0;
		a.vmax = 1;
		a.ax = NULL; /* to scale: the delays, not the idle times */
		fprintf(out, "<g class=\"panel\" data-dir=\"%s\">\n"
			     "<text class=\"panel-title\" x=\"%.1f\" y=\"%.1f\" "
			     "font-size=\"12\" font-weight=\"bold\">%s</text>\n"
			     "<rect class=\"plot-area\" x=\"%.1f\" y=\"%.1f\" "
			     "width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
			     "stroke=\"#999\"/>\n",
			dir == 0 ? "c2s" : "s2c", a.x, y + 14,
			dir == 0 ? "client to server (c2s): sent by the client, "
				   "time of the client's capture"
				 : "server to client (s2c): sent by the server, "
				   "time of the server's capture",
			a.x, a.y, a.w, a.h);
		if (!pn[dir].any)
			fprintf(out,
				"<text class=\"no-data\" x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"middle\" fill=\"#666\">no data "
				"this way</text>\n",
				a.x + a.w / 2, a.y + a.h / 2);
		else
			delay_panel(out, &pn[dir], &a, dir, cn.subflows);
		fputs("</g>\n", out);
		y += PANEL_H + PANEL_GAP;
	}
	fputs("<g class=\"legend\">\n", out);
	for (j = 0; j < shown; j++) {
		struct mpf_match_subflow s;
		char label[400];

		mpf_match_get_subflow(m, conn, j, &s, sizeof(s));
		svg_legend_entry(out, i++, MARGIN_L, y + 4, plot_colour(j), "line",
				 pair_label(&s, label, sizeof(label)));
	}
	svg_legend_entry(out, i++, MARGIN_L, y + 4, "#666", "area",
			 "smallest to largest delay of a column; line: mean");
	svg_legend_entry(out, i, MARGIN_L, y + 4, "#666", "cross",
			 "segments lost (sent, never received)");
	fputs("</g>\n</svg>\n", out);
	panels_free(pn, cn.subflows);
	return 0;
}

uint32_t
match_plot_default(const struct match_run *run, bool has_node, uint32_t node)
{
	const struct mpf_match *m = run->match;
	uint32_t k, j;

	for (k = 0; k < mpf_match_get_connection_count(m); k++) {
		struct mpf_match_connection cn;

		mpf_match_get_connection(m, k, &cn, sizeof(cn));
		if (has_node) {
			if (cn.client_node == node)
				return k;
			continue;
		}
		for (j = 0; j < cn.subflows; j++) {
			struct mpf_match_subflow s;

			mpf_match_get_subflow(m, k, j, &s, sizeof(s));
			if (s.dir[0].matched || s.dir[1].matched)
				return k;
		}
	}
	return has_node || mpf_match_get_connection_count(m) == 0 ? MPF_ID_NONE : 0;
}

int
match_plot_command(const struct match_options *o, const char *client,
		   const char *server, const char *output, bool has_node,
		   uint32_t node)
{
	struct match_run run;
	uint32_t conn;
	int status;
	FILE *out;

	status = match_open(&run, o, client, server);
	if (!run.match)
		return status ? status : 1;
	conn = match_plot_default(&run, has_node, node);
	if (conn == MPF_ID_NONE) {
		if (has_node)
			fprintf(stderr, "mpflow: no connection of client node %" PRIu32
					" pairs with the server's capture\n",
				node);
		else
			fprintf(stderr, "mpflow: %s and %s share no connection\n",
				run.shown[0], run.shown[1]);
		match_run_free(&run);
		return has_node ? 1 : EXIT_NO_MATCH;
	}
	out = plot_open_output(output);
	if (!out) {
		match_run_free(&run);
		return 1;
	}
	match_plot_svg(out, &run, conn, match_offset(&run, o), false);
	if (plot_close_output(out, output) != 0)
		status = 1;
	match_run_free(&run);
	return status;
}
