/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * report-graph.c: the HTML report's graph of a node: its addresses on two
 * sides (MPTCP client and server, SCTP address sets, a LISP site's
 * locators and the remote RLOCs) and its flows as edges between them,
 * drawn as inline SVG with labels placed so that they do not overlap.
 *
 * Reads one node through the public API and writes its picture; the
 * rest of the report (tables, anomalies, plots) is report-html.c's.
 */
#include <inttypes.h>
#include <string.h>

#include <glib.h>

#include "plot.h"
#include "report.h"

#define GRAPH_MAX_BOXES 40      /* addresses per side of a graph */
#define GRAPH_MAX_EDGES 160

/* One address of a graph side. */
struct gbox {
	char label[MPF_ADDR_STRLEN];
	char sub[48];
	bool dashed; /* announced but unused, deleted, dropped */
};

struct gedge {
	int l, r;
	uint32_t colour; /* the flow's index in its node */
	char label[32];
};

struct graph {
	GArray *side[2]; /* struct gbox */
	GArray *edges;   /* struct gedge */
	char title[2][96];
	uint32_t left_out; /* boxes and edges past the caps */
};

static void
graph_init(struct graph *g)
{
	memset(g, 0, sizeof(*g));
	g->side[0] = g_array_new(FALSE, TRUE, sizeof(struct gbox));
	g->side[1] = g_array_new(FALSE, TRUE, sizeof(struct gbox));
	g->edges = g_array_new(FALSE, TRUE, sizeof(struct gedge));
}

static void
graph_clear(struct graph *g)
{
	g_array_free(g->side[0], TRUE);
	g_array_free(g->side[1], TRUE);
	g_array_free(g->edges, TRUE);
}

static int
graph_find(const struct graph *g, int side, const struct mpf_addr *a)
{
	char s[MPF_ADDR_STRLEN];
	guint i;

	mpf_addr_to_string(a, s, sizeof(s));
	for (i = 0; i < g->side[side]->len; i++)
		if (strcmp(g_array_index(g->side[side], struct gbox, i).label, s) == 0)
			return (int)i;
	return -1;
}

/* The box of @a on @side, added when new; -1 past the cap. */
static int
graph_box(struct graph *g, int side, const struct mpf_addr *a,
	  const char *sub, bool dashed)
{
	struct gbox b;
	int i = graph_find(g, side, a);

	if (i >= 0)
		return i;
	if (g->side[side]->len >= GRAPH_MAX_BOXES) {
		g->left_out++;
		return -1;
	}
	memset(&b, 0, sizeof(b));
	mpf_addr_to_string(a, b.label, sizeof(b.label));
	snprintf(b.sub, sizeof(b.sub), "%s", sub ? sub : "");
	b.dashed = dashed;
	g_array_append_val(g->side[side], b);
	return (int)g->side[side]->len - 1;
}

static void
graph_edge(struct graph *g, int l, int r, uint32_t colour, const char *label)
{
	struct gedge e;

	if (l < 0 || r < 0 || g->edges->len >= GRAPH_MAX_EDGES) {
		g->left_out++;
		return;
	}
	memset(&e, 0, sizeof(e));
	e.l = l;
	e.r = r;
	e.colour = colour;
	snprintf(e.label, sizeof(e.label), "%s", label);
	g_array_append_val(g->edges, e);
}

#define GRAPH_W 760
#define BOX_W 230
#define BOX_H 30
#define ROW_H 40

/* A label's box, as placed. */
struct lbox {
	double x0, y0, x1, y1;
};

static bool
lbox_hits(const struct lbox *a, const struct lbox *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Where along its curve (x1,y1)-(cx,cy)-(x2,y2) an edge's label of @w
 * px goes: the first of a few places, from the end whose box the fewest
 * flows share (where curves are apart) towards the other (@from_left),
 * whose box hits no label placed before (@placed, @n of them) and stays
 * between the two columns of boxes; the least crowded one when none is
 * free. The label sits just above its curve, on a white halo. */
static struct lbox
place_label(const struct lbox *placed, guint n, double w, bool from_left,
	    double x1, double y1, double cx, double cy, double x2, double y2)
{
	static const double ts[] = { 0.2, 0.27, 0.34, 0.41, 0.48, 0.55, 0.62,
				     0.69, 0.76, 0.83 };
	struct lbox best = { 0, 0, 0, 0 };
	guint least = G_MAXUINT, k, j;

	for (k = 0; k < G_N_ELEMENTS(ts); k++) {
		double t = from_left ? ts[k] : 1 - ts[k];
		double mx = (1 - t) * (1 - t) * x1 + 2 * t * (1 - t) * cx + t * t * x2;
		double my = (1 - t) * (1 - t) * y1 + 2 * t * (1 - t) * cy + t * t * y2;
		struct lbox b = { mx - w / 2, my - 13, mx + w / 2, my - 1 };
		guint hits = 0;

		if (b.x0 < x1 + 2 || b.x1 > x2 - 2)
			hits += 100; /* over an address box */
		for (j = 0; j < n; j++)
			hits += lbox_hits(&b, &placed[j]);
		if (hits < least) {
			least = hits;
			best = b;
		}
		if (hits == 0)
			break;
	}
	return best;
}

static void
graph_svg(FILE *out, const struct graph *g)
{
	guint rows = MAX(MAX(g->side[0]->len, g->side[1]->len), 1), i, j;
	int h = 36 + (int)rows * ROW_H + 6, s;
	struct lbox *placed = g_new(struct lbox, g->edges->len + 1);

	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n",
		GRAPH_W, h, GRAPH_W, h);
	for (s = 0; s < 2; s++) {
		double x = s == 0 ? 10 : GRAPH_W - 10 - BOX_W;

		fprintf(out, "<text x=\"%.1f\" y=\"18\" font-weight=\"bold\">", x);
		plot_escape(out, g->title[s]);
		fputs("</text>\n", out);
		for (i = 0; i < g->side[s]->len; i++) {
			const struct gbox *b = &g_array_index(g->side[s], struct gbox, i);
			double y = 32 + i * ROW_H;

			fprintf(out,
				"<g class=\"address\"><rect x=\"%.1f\" y=\"%.1f\" "
				"width=\"%d\" height=\"%d\" rx=\"4\" fill=\"#f4f6fa\" "
				"stroke=\"#666\"%s/><text x=\"%.1f\" y=\"%.1f\">",
				x, y, BOX_W, BOX_H,
				b->dashed ? " stroke-dasharray=\"4 3\"" : "", x + 6,
				y + 13);
			plot_escape(out, b->label);
			fprintf(out, "</text><text x=\"%.1f\" y=\"%.1f\" "
				     "font-size=\"10\" fill=\"#555\">", x + 6, y + 25);
			plot_escape(out, b->sub);
			fputs("</text></g>\n", out);
		}
	}
	/* parallel flows between one address pair bow apart */
	for (i = 0; i < g->edges->len; i++) {
		const struct gedge *e = &g_array_index(g->edges, struct gedge, i);
		double x1 = 10 + BOX_W, x2 = GRAPH_W - 10 - BOX_W;
		double y1 = 32 + e->l * ROW_H + BOX_H / 2.0;
		double y2 = 32 + e->r * ROW_H + BOX_H / 2.0;
		int same = 0, before = 0, at_l = 0, at_r = 0;
		double off, cx, cy;

		for (j = 0; j < g->edges->len; j++) {
			const struct gedge *o = &g_array_index(g->edges, struct gedge, j);

			if (o->l == e->l && o->r == e->r) {
				same++;
				if (j < i)
					before++;
			}
			at_l += o->l == e->l;
			at_r += o->r == e->r;
		}
		off = (before - (same - 1) / 2.0) * 22;
		cx = (x1 + x2) / 2;
		cy = (y1 + y2) / 2 + off * 2;
		fprintf(out,
			"<g class=\"flow\"><path d=\"M%.1f %.1fQ%.1f %.1f %.1f %.1f\" "
			"fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/></g>\n",
			x1, y1, cx, cy, x2, y2, plot_colour(e->colour));
		/* labels where no other label is, drawn over every curve
		 * below: crossing flows do not hide each other's names */
		placed[i] = place_label(placed, i, 6.3 * (double)strlen(e->label),
					at_l <= at_r, x1, y1, cx, cy, x2, y2);
	}
	for (i = 0; i < g->edges->len; i++) {
		const struct gedge *e = &g_array_index(g->edges, struct gedge, i);

		fprintf(out,
			"<text class=\"flow-label\" data-flow-index=\"%u\" x=\"%.1f\" "
			"y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" "
			"fill=\"%s\" stroke=\"#fff\" stroke-width=\"4\" "
			"paint-order=\"stroke\">",
			e->colour, (placed[i].x0 + placed[i].x1) / 2, placed[i].y1 - 2,
			plot_colour(e->colour));
		plot_escape(out, e->label);
		fputs("</text>\n", out);
	}
	g_free(placed);
	fputs("</svg>\n", out);
	if (g->left_out)
		fprintf(out, "<p class=\"note\">%" PRIu32 " addresses or flows "
			     "left out of the drawing.</p>\n", g->left_out);
}

static void
graph_mptcp(struct graph *g, const struct mpf_node *n)
{
	uint32_t i, count = mpf_node_get_mptcp_address_count(n);

	snprintf(g->title[0], sizeof(g->title[0]), "client");
	snprintf(g->title[1], sizeof(g->title[1]), "server");
	for (i = 0; i < mpf_node_get_flow_count(n); i++) {
		const struct mpf_flow *f = mpf_node_get_flow(n, i);
		struct mpf_endpoint s, d, *c = &s, *v = &d;
		char label[32];

		mpf_flow_get_endpoints(f, &s, &d);
		if (!mpf_flow_get_mptcp_src_is_client(f)) {
			c = &d;
			v = &s;
		}
		snprintf(label, sizeof(label), "flow %" PRIu32 " (:%u\xe2\x86\x92:%u)",
			 mpf_flow_get_id(f), c->port, v->port);
		graph_edge(g, graph_box(g, 0, &c->addr, NULL, false),
			   graph_box(g, 1, &v->addr, NULL, false), i, label);
	}
	/* announced addresses: named where used, dashed where never used */
	for (i = 0; i < count; i++) {
		struct mpf_mptcp_address ad;
		char sub[48];
		int side, b;

		if (mpf_node_get_mptcp_address(n, i, &ad, sizeof(ad)) != MPF_OK)
			continue;
		side = ad.side == MPF_SIDE_CLIENT ? 0 : 1;
		snprintf(sub, sizeof(sub), "ADD_ADDR id %u, frame %" PRIu32 "%s",
			 ad.id, ad.frame, ad.removed_frame ? ", removed" : "");
		b = graph_box(g, side, &ad.addr, sub, true);
		if (b >= 0)
			snprintf(g_array_index(g->side[side], struct gbox, b).sub,
				 sizeof(((struct gbox *)NULL)->sub), "%s", sub);
	}
}

static void
graph_sctp(struct graph *g, const struct mpf_node *n)
{
	uint32_t i;
	int side;

	snprintf(g->title[0], sizeof(g->title[0]), "client, port %u",
		 mpf_node_get_sctp_port(n, MPF_SIDE_CLIENT));
	snprintf(g->title[1], sizeof(g->title[1]), "server, port %u",
		 mpf_node_get_sctp_port(n, MPF_SIDE_SERVER));
	for (side = 0; side < 2; side++)
		for (i = 0; i < mpf_node_get_sctp_addr_count(n, (enum mpf_side)side);
		     i++) {
			struct mpf_sctp_addr ad;
			char sub[48];

			if (mpf_node_get_sctp_addr(n, (enum mpf_side)side, i, &ad,
						   sizeof(ad)) != MPF_OK)
				continue;
			snprintf(sub, sizeof(sub), "from frame %" PRIu32 "%s%s",
				 ad.first_frame,
				 ad.deleted_frame ? ", deleted" : "",
				 ad.unannounced ? ", unannounced" : "");
			graph_box(g, side, &ad.addr, sub, ad.deleted_frame != 0);
		}
	for (i = 0; i < mpf_node_get_flow_count(n); i++) {
		const struct mpf_flow *f = mpf_node_get_flow(n, i);
		struct mpf_endpoint s, d;
		char label[32];
		int l, r;

		mpf_flow_get_endpoints(f, &s, &d);
		snprintf(label, sizeof(label), "flow %" PRIu32, mpf_flow_get_id(f));
		/* a path's source may be either side */
		if (graph_find(g, 0, &s.addr) >= 0 || graph_find(g, 1, &d.addr) >= 0) {
			l = graph_box(g, 0, &s.addr, NULL, false);
			r = graph_box(g, 1, &d.addr, NULL, false);
		} else {
			l = graph_box(g, 0, &d.addr, NULL, false);
			r = graph_box(g, 1, &s.addr, NULL, false);
		}
		graph_edge(g, l, r, i, label);
	}
}

static void
graph_lisp(struct graph *g, const struct mpf_node *n)
{
	struct mpf_addr p;
	char a[MPF_ADDR_STRLEN] = "?";
	uint32_t i, iid = 0;
	uint8_t plen = 0;

	mpf_node_get_lisp_iid(n, &iid);
	if (mpf_node_get_lisp_eid_prefix(n, &p, &plen))
		mpf_addr_to_string(&p, a, sizeof(a));
	snprintf(g->title[0], sizeof(g->title[0]), "site [%" PRIu32 "] %s/%u: locators",
		 iid, a, plen);
	snprintf(g->title[1], sizeof(g->title[1]), "remote RLOCs");
	for (i = 0; i < mpf_node_get_lisp_locator_count(n); i++) {
		struct mpf_lisp_locator loc;
		char sub[48];

		if (mpf_node_get_lisp_locator(n, i, &loc, sizeof(loc)) != MPF_OK)
			continue;
		snprintf(sub, sizeof(sub), "priority %u weight %u%s", loc.priority,
			 loc.weight, loc.dropped_frame ? ", dropped" : "");
		graph_box(g, 0, &loc.rloc, sub, loc.dropped_frame != 0);
	}
	for (i = 0; i < mpf_node_get_flow_count(n); i++) {
		const struct mpf_flow *f = mpf_node_get_flow(n, i);
		struct mpf_endpoint s, d;
		char label[32];

		mpf_flow_get_endpoints(f, &s, &d);
		snprintf(label, sizeof(label), "flow %" PRIu32, mpf_flow_get_id(f));
		graph_edge(g, graph_box(g, 0, &s.addr, NULL, false),
			   graph_box(g, 1, &d.addr, NULL, false), i, label);
	}
}

void
report_html_graph(FILE *out, const struct mpf_node *n)
{
	enum mpf_protocol proto = mpf_node_get_protocol(n);
	struct graph g;

	graph_init(&g);
	if (proto == MPF_PROTO_MPTCP)
		graph_mptcp(&g, n);
	else if (proto == MPF_PROTO_SCTP)
		graph_sctp(&g, n);
	else if (proto == MPF_PROTO_LISP)
		graph_lisp(&g, n);
	graph_svg(out, &g);
	graph_clear(&g);
}
