/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: `mpflow plot`: SVG pictures of an MPTCP connection
 *
 * Drawing. The SVG is written by hand, with fixed-precision numbers in
 * the C locale, so the same capture always gives the same bytes. Its
 * structure is a contract the tests read: per direction a
 * <g class="panel" data-dir="c2s|s2c"> holding a <rect class="plot-area">,
 * one <g class="series" data-flow="ID"> per subflow that carried data
 * that way, <polyline class="dack">, <circle class="reinjection"
 * data-frame="N">, and in throughput plots a <polyline class="total">.
 *
 * What is drawn comes from plot-data.c's buckets (plot-data.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "plot-axis.h"
#include "plot-data.h"
#include "report.h"
#include "svg.h"

/* ------------------------------------------------------------ helpers */

static const char *const kind_names[] = { "dsn", "throughput", "share" };

int
plot_kind_from_string(const char *name, enum plot_kind *kind)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(kind_names); i++)
		if (strcmp(name, kind_names[i]) == 0) {
			*kind = (enum plot_kind)i;
			return 0;
		}
	return -1;
}

const char *
plot_kind_to_string(enum plot_kind kind)
{
	return (unsigned)kind < G_N_ELEMENTS(kind_names) ? kind_names[kind]
							  : "unknown";
}

/* The characters XML text and attributes escape. */
static const char *const xml_entities[128] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
	['\''] = "&#39;",
};

void
plot_escape(FILE *out, const char *s)
{
	const char *end = s + strlen(s);

	for (; *s; s++) {
		gunichar c = g_utf8_get_char_validated(s, end - s);

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			/* not UTF-8: U+FFFD, as the document says it is */
			fputs("\xef\xbf\xbd", out);
			continue;
		}
		if (c >= 0x80) {
			const char *next = g_utf8_next_char(s);

			fwrite(s, 1, (size_t)(next - s), out);
			s = next - 1;
			continue;
		}
		/* ASCII here */
		if (xml_entities[(unsigned char)*s])
			fputs(xml_entities[(unsigned char)*s], out);
		else if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
			fputc('?', out); /* not allowed in XML 1.0 */
		else
			fputc(*s, out);
	}
}

/* Colour-blind-friendly first (Okabe and Ito), then distinct darker ones. */
static const char *const palette[] = {
	"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00",
	"#56b4e9", "#7f3c8d", "#8c564b", "#808000", "#4d4d4d",
};

const char *
plot_colour(uint32_t index)
{
	return palette[index % G_N_ELEMENTS(palette)];
}
const char *
plot_node_title(const struct mpf_node *n, char *buf, size_t len)
{
	struct mpf_endpoint c, s;
	char cb[64], sb[64], vb[16] = "";
	int v = mpf_node_get_mptcp_version(n);

	report_mptcp_node_ends(n, &c, &s);
	if (v >= 0)
		snprintf(vb, sizeof(vb), " (v%d)", v);
	if (c.addr.family)
		snprintf(buf, len, "MPTCP connection %" PRIu32 "%s: %s \xe2\x86\x92 %s",
			 mpf_node_get_id(n), vb, report_endpoint(&c, cb, sizeof(cb)),
			 report_endpoint(&s, sb, sizeof(sb)));
	else
		snprintf(buf, len, "MPTCP connection %" PRIu32 "%s",
			 mpf_node_get_id(n), vb);
	return buf;
}

/* ------------------------------------------------------------- drawing */

#define MARK_NEAR 14.0 /* px: reinjection markers closer are one */

static const char *const byte_units[] = { "B", "kB", "MB", "GB", "TB", NULL };
static const char *const bit_units[] = { "bit/s", "kbit/s", "Mbit/s",
					  "Gbit/s", "Tbit/s", NULL };

/* What a picture draws: the node's flows that carried data, by their
 * index in the node (their colour), with the series of each way. */
struct picture {
	const struct mpf_ctx *ctx;
	const struct mpf_node *n;
	const struct plot_options *o;
	GPtrArray *conns;
	uint32_t nflows;
	GPtrArray **flow_series; /* per flow index: struct series of any way */
	GHashTable *series_conn; /* struct series -> struct conn */
	bool has_data[2];
	int64_t origin; /* the node's first frame */
	int64_t t0, t1; /* the time shown */
	int64_t max_width; /* the coarsest grid among the conns */
	struct plot_axis axis; /* both panels' */
};

static uint32_t
flow_index(const struct picture *p, uint32_t flow)
{
	uint32_t i, id = plot_flow_survivor(p->ctx, flow);

	for (i = 0; i < p->nflows; i++)
		if (mpf_flow_get_id(mpf_node_get_flow(p->n, i)) == id)
			return i;
	return MPF_ID_NONE;
}
/* Whether flow index @i carried data the way @dir. */
static bool
flow_has_data(const struct picture *p, uint32_t i, int dir)
{
	GPtrArray *l = p->flow_series[i];
	guint k;

	for (k = 0; k < l->len; k++) {
		const struct series *s = g_ptr_array_index(l, k);

		if (s->dir == dir && plot_series_has_data(s))
			return true;
	}
	return false;
}

static void
picture_init(struct picture *p, const struct plot_data *pd,
	     const struct mpf_ctx *ctx, const struct mpf_node *n,
	     const struct plot_options *o)
{
	guint i, k;

	memset(p, 0, sizeof(*p));
	p->ctx = ctx;
	p->n = n;
	p->o = o;
	p->conns = plot_conns_of(pd, ctx, mpf_node_get_id(n));
	p->nflows = mpf_node_get_flow_count(n);
	p->flow_series = g_new0(GPtrArray *, p->nflows + 1);
	for (i = 0; i < p->nflows; i++)
		p->flow_series[i] = g_ptr_array_new();
	p->series_conn = g_hash_table_new(g_direct_hash, g_direct_equal);
	p->origin = mpf_node_get_first_time(n);
	p->t0 = INT64_MAX;
	p->t1 = mpf_node_get_last_time(n);
	p->max_width = PLOT_FIRST_WIDTH;
	for (i = 0; i < p->conns->len; i++) {
		struct conn *c = g_ptr_array_index(p->conns, i);

		/* from the first data on (see conn_index) */
		if (c->grid)
			p->t0 = MIN(p->t0, c->t0);
		p->max_width = MAX(p->max_width, c->width);
		for (k = 0; k < c->series->len; k++) {
			struct series *s = g_ptr_array_index(c->series, k);
			uint32_t fi = flow_index(p, s->flow);

			if (fi == MPF_ID_NONE || !plot_series_has_data(s))
				continue;
			g_ptr_array_add(p->flow_series[fi], s);
			g_hash_table_insert(p->series_conn, s, c);
			p->has_data[s->dir] = true;
		}
	}
	if (p->t0 == INT64_MAX || p->t0 > p->t1)
		p->t0 = p->origin;
	/* a connection of one frame still gets a visible time axis */
	if (p->t1 - p->t0 < 1000000)
		p->t1 = p->t0 + 1000000;
}

static void
picture_clear(struct picture *p)
{
	uint32_t i;

	for (i = 0; i < p->nflows; i++)
		g_ptr_array_free(p->flow_series[i], TRUE);
	g_free(p->flow_series);
	g_hash_table_destroy(p->series_conn);
	g_ptr_array_free(p->conns, TRUE);
}
/* ---- dsn */

static gint
ack_time_cmp(gconstpointer a, gconstpointer b)
{
	const struct ack *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

/* Every data ack of the @dir data, all conns together, by time. */
static GArray *
collect_acks(const struct picture *p, int dir)
{
	GArray *r = g_array_new(FALSE, FALSE, sizeof(struct ack));
	guint i;

	for (i = 0; i < p->conns->len; i++) {
		struct conn *c = g_ptr_array_index(p->conns, i);

		g_array_append_vals(r, c->acks[dir]->data, c->acks[dir]->len);
	}
	g_array_sort(r, ack_time_cmp);
	return r;
}

/* The time axis both panels share. What is drawn happens at the data's
 * buckets (from the first segment to the bucket's end) and at the data
 * acks that move; the stretches between are what may be cut. */
static void
picture_axis(struct picture *p)
{
	GArray *ev = g_array_new(FALSE, FALSE, sizeof(int64_t));
	uint32_t fi;
	guint i, k;
	int dir;

	for (fi = 0; fi < p->nflows; fi++)
		for (k = 0; k < p->flow_series[fi]->len; k++) {
			const struct series *s = g_ptr_array_index(p->flow_series[fi], k);
			const struct conn *c = g_hash_table_lookup(p->series_conn, s);

			for (i = 0; i < s->b->len; i++) {
				const struct bucket *b =
					&g_array_index(s->b, struct bucket, i);
				int64_t end = c->t0 + ((int64_t)b->idx + 1) * c->width;

				g_array_append_val(ev, b->t);
				g_array_append_val(ev, end);
			}
		}
	for (dir = 0; dir < 2; dir++) {
		GArray *acks = collect_acks(p, dir);
		uint64_t top = 0;

		for (i = 0; i < acks->len; i++) {
			const struct ack *x = &g_array_index(acks, struct ack, i);

			if (i == 0 || x->v > top)
				g_array_append_val(ev, x->t);
			top = MAX(top, x->v);
		}
		g_array_free(acks, TRUE);
	}
	plot_axis_init(&p->axis, MARGIN_L, SVG_W - MARGIN_L - MARGIN_R, p->t0,
		       p->t1, (int64_t *)(void *)ev->data, ev->len, p->max_width,
		       !p->o->full_time);
	g_array_free(ev, TRUE);
}

static guint
acks_count(const struct picture *p, int dir)
{
	guint i, n = 0;

	for (i = 0; i < p->conns->len; i++)
		n += ((struct conn *)g_ptr_array_index(p->conns, i))->acks[dir]->len;
	return n;
}

/* A reinjection marker: reinjections closer than MARK_NEAR pixels are
 * one, counted, so that a burst does not draw a blob of circles. */
struct mark {
	double x, y;
	uint32_t frame, of; /* the first one's */
	uint32_t count;
	GArray *frames;     /* uint32_t: every one's frame that is known */
};

static gint
mark_cmp(gconstpointer a, gconstpointer b)
{
	const struct mark *x = a, *y = b;

	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

static gint
u32_cmp(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
mark_add(GArray *raw, const struct area *a, int64_t t, uint64_t dsn,
	 uint32_t frame, uint32_t of, uint32_t count)
{
	struct mark m = { svg_px(a, t), svg_py(a, (double)dsn), frame, of, count, NULL };

	g_array_append_val(raw, m);
}

/* Folds @raw (sorted by x) into markers at least MARK_NEAR apart. */
static GArray *
marks_cluster(GArray *raw)
{
	GArray *r = g_array_new(FALSE, FALSE, sizeof(struct mark));
	guint i, j;

	g_array_sort(raw, mark_cmp);
	for (i = 0; i < raw->len; i++) {
		const struct mark *m = &g_array_index(raw, struct mark, i);
		struct mark *into = NULL;

		for (j = r->len; j-- > 0;) {
			struct mark *c = &g_array_index(r, struct mark, j);
			double dx = m->x - c->x, dy = m->y - c->y;

			if (dx > MARK_NEAR)
				break; /* centres only grow to the right */
			if (dx * dx + dy * dy <= MARK_NEAR * MARK_NEAR) {
				into = c;
				break;
			}
		}
		if (!into) {
			struct mark c = *m;

			c.frames = g_array_new(FALSE, FALSE, sizeof(uint32_t));
			c.count = 0;
			g_array_append_val(r, c);
			into = &g_array_index(r, struct mark, r->len - 1);
		}
		if (m->frame < into->frame || into->count == 0) {
			into->frame = m->frame;
			into->of = m->of;
		}
		into->count += m->count;
		g_array_append_val(into->frames, m->frame);
	}
	return r;
}

/* One marker; in the report it links to the anomaly row of its first
 * frame. A counted one lists its frames in data-frames. */
static void
draw_mark(FILE *out, const struct picture *p, struct mark *m)
{
	guint i;

	if (p->o->inline_svg)
		fprintf(out, "<a href=\"#frame-%" PRIu32 "\">", m->frame);
	fprintf(out, "<circle class=\"reinjection\" data-frame=\"%" PRIu32 "\"",
		m->frame);
	if (m->count > 1) {
		g_array_sort(m->frames, u32_cmp);
		fprintf(out, " data-count=\"%" PRIu32 "\" data-frames=\"", m->count);
		for (i = 0; i < m->frames->len; i++)
			fprintf(out, "%s%" PRIu32, i ? " " : "",
				g_array_index(m->frames, uint32_t, i));
		fprintf(out, "\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
			     "fill=\"#fff\" fill-opacity=\"0.7\"><title>%" PRIu32
			     " reinjections, frames ",
			m->x, m->y, m->count);
		for (i = 0; i < m->frames->len && i < 12; i++)
			fprintf(out, "%s%" PRIu32, i ? ", " : "",
				g_array_index(m->frames, uint32_t, i));
		fputs(i < m->frames->len || m->count > m->frames->len
			      ? ", \xe2\x80\xa6" : "", out);
	} else {
		fprintf(out, " cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"><title>frame %" PRIu32,
			m->x, m->y, m->frame);
		if (m->of)
			fprintf(out, ": reinjection of frame %" PRIu32, m->of);
		else
			fputs(": reinjection", out);
	}
	fputs("</title></circle>", out);
	if (p->o->inline_svg)
		fputs("</a>", out);
	if (m->count > 1)
		fprintf(out,
			"<text class=\"reinjection-count\" x=\"%.1f\" y=\"%.1f\" "
			"font-size=\"9\" fill=\"#c00000\" stroke=\"none\">%" PRIu32
			"</text>",
			m->x + 6, m->y - 4, m->count);
	fputc('\n', out);
}

static void
dsn_panel(FILE *out, const struct picture *p, struct area *a, int dir)
{
	GArray *acks = collect_acks(p, dir), *raw, *marks;
	double vmax = 1, div;
	const char *unit;
	char yname[64];
	bool overflow = false;
	guint i, k;
	uint32_t fi;

	for (fi = 0; fi < p->nflows; fi++)
		for (k = 0; k < p->flow_series[fi]->len; k++) {
			const struct series *s = g_ptr_array_index(p->flow_series[fi], k);

			if (s->dir != dir)
				continue;
			for (i = 0; i < s->b->len; i++)
				vmax = MAX(vmax, (double)g_array_index(s->b, struct bucket,
								       i).hi);
		}
	for (i = 0; i < acks->len; i++)
		vmax = MAX(vmax, (double)g_array_index(acks, struct ack, i).v);
	div = svg_pick_unit(vmax, byte_units, &unit);
	svg_fit_values(a, 0, vmax, div);
	snprintf(yname, sizeof(yname), "relative data sequence number (%s)", unit);
	svg_draw_axes(out, a, div, yname);

	for (fi = 0; fi < p->nflows; fi++) {
		if (!flow_has_data(p, fi, dir))
			continue;
		fprintf(out,
			"<g class=\"series\" data-flow=\"%" PRIu32 "\" stroke=\"%s\" "
			"stroke-width=\"1.5\" fill=\"none\"><path d=\"",
			mpf_flow_get_id(mpf_node_get_flow(p->n, fi)), plot_colour(fi));
		for (k = 0; k < p->flow_series[fi]->len; k++) {
			const struct series *s = g_ptr_array_index(p->flow_series[fi], k);

			if (s->dir != dir)
				continue;
			for (i = 0; i < s->b->len; i++) {
				const struct bucket *b =
					&g_array_index(s->b, struct bucket, i);
				double x = svg_px(a, b->t), y1 = svg_py(a, (double)b->lo),
				       y2 = svg_py(a, (double)b->hi);

				/* at least a pixel tall, inside the area */
				if (y1 - y2 < 1.0)
					y2 = y1 - 1.0 >= a->y ? y1 - 1.0 : y1;
				fprintf(out, "M%.1f %.1fV%.1f", x, y1, y2);
			}
		}
		fputs("\"/></g>\n", out);
	}

	/* how far the data is acknowledged: the highest data ack so far */
	if (acks->len) {
		uint64_t top = 0;
		double lastx = 0, lasty = 0;

		fputs("<polyline class=\"dack\" fill=\"none\" stroke=\"#333\" "
		      "stroke-width=\"1\" stroke-dasharray=\"4 2\" points=\"",
		      out);
		for (i = 0; i < acks->len; i++) {
			const struct ack *x = &g_array_index(acks, struct ack, i);
			double xx = svg_px(a, x->t);

			if (i && x->v <= top)
				continue;
			top = x->v;
			if (i)
				fprintf(out, " %.1f,%.1f", xx, lasty);
			lastx = xx;
			lasty = svg_py(a, (double)top);
			fprintf(out, "%s%.1f,%.1f", i ? " " : "", lastx, lasty);
		}
		fprintf(out, " %.1f,%.1f\"/>\n", a->x + a->w, lasty);
	}
	g_array_free(acks, TRUE);

	for (i = 0; i < p->conns->len; i++)
		if (!((struct conn *)g_ptr_array_index(p->conns, i))->markers)
			overflow = true;
	raw = g_array_new(FALSE, FALSE, sizeof(struct mark));
	for (i = 0; i < p->conns->len; i++) {
		const struct conn *c = g_ptr_array_index(p->conns, i);

		if (overflow) {
			/* past PLOT_MARKERS: one marker per bucket, counted */
			for (k = 0; k < c->series->len; k++) {
				const struct series *s = g_ptr_array_index(c->series, k);
				guint j;

				if (s->dir != dir)
					continue;
				for (j = 0; j < s->b->len; j++) {
					const struct bucket *b =
						&g_array_index(s->b, struct bucket, j);

					if (b->reinj)
						mark_add(raw, a, b->rt, b->rdsn,
							 b->rframe, 0, b->reinj);
				}
			}
			continue;
		}
		for (k = 0; k < c->markers->len; k++) {
			const struct marker *m =
				&g_array_index(c->markers, struct marker, k);

			if (m->dir == dir)
				mark_add(raw, a, m->t, m->dsn, m->frame, m->of, 1);
		}
	}
	marks = marks_cluster(raw);
	fputs("<g class=\"reinjections\" fill=\"none\" stroke=\"#c00000\" "
	      "stroke-width=\"1.5\">\n", out);
	for (i = 0; i < marks->len; i++) {
		struct mark *m = &g_array_index(marks, struct mark, i);

		draw_mark(out, p, m);
		g_array_free(m->frames, TRUE);
	}
	fputs("</g>\n", out);
	g_array_free(marks, TRUE);
	g_array_free(raw, TRUE);
}

/* ---- throughput and share */

/* Sample times across the time shown (evenly across the width where
 * stretches are cut), and the window that fits them. */
struct samples {
	int n;
	int64_t *t;
	int64_t window;
};

static void
samples_init(struct samples *sm, const struct picture *p)
{
	const struct plot_axis *ax = &p->axis;
	int64_t dur = p->t1 - p->t0, shown = plot_axis_shown(ax), w;
	int64_t n;
	int k;

	w = p->o->window > 0 ? (int64_t)(p->o->window * 1e9) : shown / 50;
	/* the buckets are the finest time there is */
	sm->window = MAX(w, p->max_width);
	n = shown / sm->window * 4 + 1;
	sm->n = (int)CLAMP(n, 2, PLOT_BUCKETS);
	sm->t = g_new(int64_t, sm->n);
	for (k = 0; k < sm->n; k++) {
		double x0 = ax->piece[0].x0, x1 = ax->piece[ax->n - 1].x1;

		if (ax->n == 1)
			sm->t[k] = p->t0 + dur * k / (sm->n - 1);
		else
			sm->t[k] = plot_axis_t(ax, x0 + (x1 - x0) * k / (sm->n - 1));
	}
}

/* Adds to @out[k] the bytes (new data only when @good) of @s's buckets
 * whose centre is in (t_k - window, t_k]: a sliding window. */
static void
window_sums(const struct picture *p, const struct series *s,
	    const struct samples *sm, bool good, double *out)
{
	const struct conn *c = g_hash_table_lookup(p->series_conn, s);
	guint lo = 0, hi = 0;
	uint64_t acc = 0;
	int k;

	for (k = 0; k < sm->n; k++) {
		while (hi < s->b->len) {
			const struct bucket *b = &g_array_index(s->b, struct bucket, hi);

			if (plot_bucket_centre(c, b->idx) > sm->t[k])
				break;
			acc += good ? b->good : b->bytes;
			hi++;
		}
		while (lo < hi) {
			const struct bucket *b = &g_array_index(s->b, struct bucket, lo);

			if (plot_bucket_centre(c, b->idx) > sm->t[k] - sm->window)
				break;
			acc -= good ? b->good : b->bytes;
			lo++;
		}
		out[k] += (double)acc;
	}
}

/* Per flow index, the windowed sums of the @dir data, and their total. */
static double **
flow_sums(const struct picture *p, const struct samples *sm, int dir,
	  bool good, double *total)
{
	double **r = g_new0(double *, p->nflows + 1);
	uint32_t fi;
	guint k;

	memset(total, 0, sizeof(double) * (size_t)sm->n);
	for (fi = 0; fi < p->nflows; fi++) {
		int j;

		if (!flow_has_data(p, fi, dir))
			continue;
		r[fi] = g_new0(double, sm->n);
		for (k = 0; k < p->flow_series[fi]->len; k++) {
			const struct series *s = g_ptr_array_index(p->flow_series[fi], k);

			if (s->dir == dir)
				window_sums(p, s, sm, good, r[fi]);
		}
		for (j = 0; j < sm->n; j++)
			total[j] += r[fi][j];
	}
	return r;
}

static void
free_sums(const struct picture *p, double **r)
{
	uint32_t fi;

	for (fi = 0; fi < p->nflows; fi++)
		g_free(r[fi]);
	g_free(r);
}

static void
polyline(FILE *out, const struct area *a, const struct samples *sm,
	 const double *v, double scale)
{
	int k;

	for (k = 0; k < sm->n; k++)
		fprintf(out, "%s%.1f,%.1f", k ? " " : "", svg_px(a, sm->t[k]),
			svg_py(a, v[k] * scale));
}

static void
throughput_panel(FILE *out, const struct picture *p, struct area *a, int dir)
{
	struct samples sm;
	double *total, **sums, scale, vmax = 1, div;
	const char *unit;
	char yname[64];
	uint32_t fi;
	int k;

	samples_init(&sm, p);
	total = g_new0(double, sm.n);
	sums = flow_sums(p, &sm, dir, true, total);
	scale = 8.0 / ((double)sm.window / 1e9); /* bytes in the window: bit/s */
	for (k = 0; k < sm.n; k++)
		vmax = MAX(vmax, total[k] * scale);
	div = svg_pick_unit(vmax, bit_units, &unit);
	svg_fit_values(a, 0, vmax, div);
	snprintf(yname, sizeof(yname), "goodput (%s)", unit);
	svg_draw_axes(out, a, div, yname);
	for (fi = 0; fi < p->nflows; fi++) {
		if (!sums[fi])
			continue;
		fprintf(out,
			"<g class=\"series\" data-flow=\"%" PRIu32 "\"><polyline "
			"fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
			mpf_flow_get_id(mpf_node_get_flow(p->n, fi)), plot_colour(fi));
		polyline(out, a, &sm, sums[fi], scale);
		fputs("\"/></g>\n", out);
	}
	fputs("<polyline class=\"total\" fill=\"none\" stroke=\"#000\" "
	      "stroke-width=\"2\" points=\"", out);
	polyline(out, a, &sm, total, scale);
	fputs("\"/>\n", out);
	free_sums(p, sums);
	g_free(total);
	g_free(sm.t);
}

static void
share_panel(FILE *out, const struct picture *p, struct area *a, int dir)
{
	struct samples sm;
	double *total, **sums, *below;
	uint32_t fi;
	int k;

	samples_init(&sm, p);
	total = g_new0(double, sm.n);
	below = g_new0(double, sm.n);
	sums = flow_sums(p, &sm, dir, false, total);
	a->vmax = 100;
	svg_draw_axes(out, a, 1, "share of the data sent (%)");
	/* stacked in flow order; no area where the window holds no data */
	for (fi = 0; fi < p->nflows; fi++) {
		if (!sums[fi])
			continue;
		fprintf(out,
			"<g class=\"series\" data-flow=\"%" PRIu32 "\"><path "
			"fill=\"%s\" fill-opacity=\"0.75\" stroke=\"none\" d=\"",
			mpf_flow_get_id(mpf_node_get_flow(p->n, fi)), plot_colour(fi));
		for (k = 0; k < sm.n; k++) {
			int e, j;

			if (total[k] <= 0)
				continue;
			for (e = k; e + 1 < sm.n && total[e + 1] > 0; e++)
				;
			for (j = k; j <= e; j++)
				fprintf(out, "%s%.1f %.1f", j == k ? "M" : "L",
					svg_px(a, sm.t[j]),
					svg_py(a, 100 * (below[j] + sums[fi][j]) / total[j]));
			for (j = e; j >= k; j--)
				fprintf(out, "L%.1f %.1f", svg_px(a, sm.t[j]),
					svg_py(a, 100 * below[j] / total[j]));
			fputc('Z', out);
			k = e;
		}
		fputs("\"/></g>\n", out);
		for (k = 0; k < sm.n; k++)
			below[k] += sums[fi][k];
	}
	free_sums(p, sums);
	g_free(below);
	g_free(total);
	g_free(sm.t);
}

/* One entry of the legend. */
struct legend_item {
	const char *colour;
	const char *style; /* line, dashed, area, marker, band */
	char label[256];
};

struct legend {
	struct legend_item *item;
	int n, cols;
};

static void
legend_add(struct legend *l, const char *colour, const char *style,
	   const char *label)
{
	struct legend_item *it = &l->item[l->n++];

	it->colour = colour;
	it->style = style;
	g_strlcpy(it->label, label, sizeof(it->label));
}

/* The legend of @p: a line per subflow that carried data, then what the
 * kind draws; two columns when every label fits in one. */
static void
legend_init(struct legend *l, const struct picture *p)
{
	uint32_t fi;
	int i;

	l->item = g_new0(struct legend_item, p->nflows + 4);
	l->n = 0;
	for (fi = 0; fi < p->nflows; fi++) {
		const struct mpf_flow *f = mpf_node_get_flow(p->n, fi);
		struct mpf_endpoint s, d;
		char label[256], sb[64], db[64];

		if (!flow_has_data(p, fi, 0) && !flow_has_data(p, fi, 1))
			continue;
		mpf_flow_get_endpoints(f, &s, &d);
		snprintf(label, sizeof(label), "flow %" PRIu32 " (%s%s) %s \xe2\x86\x92 %s",
			 mpf_flow_get_id(f),
			 mpf_mptcp_role_to_string(mpf_flow_get_mptcp_role(f)),
			 mpf_flow_get_mptcp_backup(f) ? ", backup" : "",
			 report_endpoint(&s, sb, sizeof(sb)),
			 report_endpoint(&d, db, sizeof(db)));
		legend_add(l, plot_colour(fi),
			   p->o->kind == PLOT_SHARE ? "area" : "line", label);
	}
	if (p->o->kind == PLOT_DSN) {
		legend_add(l, "#333", "dashed",
			   "highest data ack (from the other side)");
		legend_add(l, "#c00000", "marker",
			   "reinjection (data sent again; a number: that many)");
	} else if (p->o->kind == PLOT_THROUGHPUT) {
		legend_add(l, "#000", "line", "all subflows");
	}
	if (p->axis.n > 1)
		legend_add(l, "#ececec", "band",
			   "time cut out: no data, no new data ack (its length written in)");
	l->cols = 2;
	for (i = 0; i < l->n; i++)
		if (svg_text_px(l->item[i].label, 11, false) > LEGEND_COL - 36)
			l->cols = 1;
}

static int
legend_rows(const struct legend *l)
{
	return (l->n + l->cols - 1) / l->cols;
}

static void
legend_draw(FILE *out, const struct legend *l, double x0, double y0)
{
	double room = SVG_W - MARGIN_R - x0 - 28;
	int i;

	fputs("<g class=\"legend\">\n", out);
	for (i = 0; i < l->n; i++) {
		const struct legend_item *it = &l->item[i];
		double x = x0 + (i % l->cols) * LEGEND_COL;
		double y = y0 + (i / l->cols) * LEGEND_ROW;
		char fit[256];

		svg_legend_sample(out, x, y, it->colour, it->style);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", x + 28, y);
		plot_escape(out, svg_fit_text(it->label,
					  l->cols == 1 ? room : LEGEND_COL - 36, 11,
					  false, fit, sizeof(fit)));
		fputs("</text>\n", out);
	}
	fputs("</g>\n", out);
}

/* The subtitle: what is drawn, then the capture; on two lines when one
 * is too narrow, each shortened in the middle if it must. Returns the
 * number of lines (1 or 2) in @line1 and @line2. */
static int
subtitle(const struct picture *p, char *line1, char *line2, size_t len)
{
	const struct plot_options *o = p->o;
	double room = SVG_W - MARGIN_L - MARGIN_R;
	char what[256], wb[64] = "", both[1024];
	uint32_t token;
	int k;

	k = snprintf(what, sizeof(what), "%s: %" PRIu32 " subflow%s",
		     o->kind == PLOT_DSN ? "data sequence numbers"
		     : o->kind == PLOT_THROUGHPUT ? "goodput per subflow"
						  : "share of the data per subflow",
		     p->nflows, p->nflows == 1 ? "" : "s");
	if (mpf_node_get_mptcp_token(p->n, MPF_SIDE_CLIENT, &token) && k > 0 &&
	    (size_t)k < sizeof(what))
		k += snprintf(what + k, sizeof(what) - (size_t)k,
			      ", client token %08" PRIx32, token);
	if (o->kind != PLOT_DSN) {
		struct samples sm;

		samples_init(&sm, p);
		if (sm.window < 1000000000)
			snprintf(wb, sizeof(wb), ", sliding window %.3g ms",
				 (double)sm.window / 1e6);
		else
			snprintf(wb, sizeof(wb), ", sliding window %.3g s",
				 (double)sm.window / 1e9);
		g_free(sm.t);
	}
	if (k > 0 && (size_t)k < sizeof(what))
		g_strlcat(what, wb, sizeof(what));
	snprintf(both, sizeof(both), "%s%s%s", what, o->capture ? ", capture " : "",
		 o->capture ? o->capture : "");
	line2[0] = '\0';
	if (!o->capture || svg_text_px(both, 12, false) <= room) {
		svg_fit_text(both, room, 12, false, line1, len);
		return 1;
	}
	svg_fit_text(what, room, 12, false, line1, len);
	snprintf(both, sizeof(both), "capture %s", o->capture);
	svg_fit_text(both, room, 12, false, line2, len);
	return 2;
}

int
plot_write_svg(FILE *out, const struct plot_data *pd,
	       const struct mpf_ctx *ctx, uint32_t node,
	       const struct plot_options *o)
{
	const struct mpf_node *n;
	struct picture p;
	struct mpf_endpoint c, s;
	struct legend legend;
	char title[256], fit[256], sub1[256], sub2[256];
	int height, dir, lines;
	double y, top;

	node = plot_node_survivor(ctx, node);
	n = mpf_ctx_get_node(ctx, node);
	if (!n || mpf_node_get_protocol(n) != MPF_PROTO_MPTCP)
		return -1;
	picture_init(&p, pd, ctx, n, o);
	picture_axis(&p);
	legend_init(&legend, &p);
	lines = subtitle(&p, sub1, sub2, sizeof(sub1));
	top = 64 + (lines - 1) * 16;
	height = (int)top + 2 * (PANEL_H + PANEL_GAP) +
		 legend_rows(&legend) * LEGEND_ROW + 10;
	report_mptcp_node_ends(n, &c, &s);
	plot_node_title(n, title, sizeof(title));

	svg_begin(out, o->inline_svg, plot_kind_to_string(o->kind), "node", node,
		  height, title);
	fprintf(out, "<text class=\"subtitle\" x=\"%d\" y=\"44\" "
		     "font-size=\"12\" fill=\"#444\">", MARGIN_L);
	plot_escape(out, sub1);
	if (lines > 1) {
		fprintf(out, "<tspan x=\"%d\" dy=\"16\">", MARGIN_L);
		plot_escape(out, sub2);
		fputs("</tspan>", out);
	}
	fputs("</text>\n", out);

	y = top;
	for (dir = 0; dir < 2; dir++) {
		struct area a;
		char head[200];
		const struct mpf_endpoint *from = dir == 0 ? &c : &s;
		char fb[MPF_ADDR_STRLEN];

		a.x = MARGIN_L;
		a.y = y + 22;
		a.w = SVG_W - MARGIN_L - MARGIN_R;
		a.h = PANEL_H;
		a.t0 = p.t0;
		a.origin = p.origin;
		a.span = (double)(p.t1 - p.t0) / 1e9;
		a.vmin = 0;
		a.vmax = 1;
		a.ax = &p.axis;
		snprintf(head, sizeof(head), "%s: data sent by the %s%s%s",
			 dir == 0 ? "client to server (c2s)" : "server to client (s2c)",
			 dir == 0 ? "client" : "server", from->addr.family ? " " : "",
			 from->addr.family ? mpf_addr_to_string(&from->addr, fb,
								 sizeof(fb))
					   : "");
		fprintf(out, "<g class=\"panel\" data-dir=\"%s\">\n"
			     "<text class=\"panel-title\" x=\"%.1f\" y=\"%.1f\" "
			     "font-size=\"12\" font-weight=\"bold\">",
			dir == 0 ? "c2s" : "s2c", a.x, y + 14);
		plot_escape(out, svg_fit_text(head, a.w, 12, true, fit, sizeof(fit)));
		fprintf(out,
			"</text>\n<rect class=\"plot-area\" x=\"%.1f\" y=\"%.1f\" "
			"width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
			"stroke=\"#999\"/>\n",
			a.x, a.y, a.w, a.h);
		if (!p.has_data[dir] && (o->kind != PLOT_DSN || !acks_count(&p, dir))) {
			fprintf(out,
				"<text class=\"no-data\" x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"middle\" fill=\"#666\">no MPTCP data "
				"this way</text>\n",
				a.x + a.w / 2, a.y + a.h / 2);
		} else {
			svg_draw_breaks(out, &a);
			if (o->kind == PLOT_DSN)
				dsn_panel(out, &p, &a, dir);
			else if (o->kind == PLOT_THROUGHPUT)
				throughput_panel(out, &p, &a, dir);
			else
				share_panel(out, &p, &a, dir);
		}
		fputs("</g>\n", out);
		y += PANEL_H + PANEL_GAP;
	}
	legend_draw(out, &legend, MARGIN_L, y + 4);
	fputs("</svg>\n", out);
	g_free(legend.item);
	picture_clear(&p);
	return 0;
}

/* ------------------------------------------------------------ command */

FILE *
plot_open_output(const char *path)
{
	FILE *out;

	if (strcmp(path, "-") == 0)
		return stdout;
	out = fopen(path, "w");
	if (!out)
		fprintf(stderr, "mpflow: %s: %s\n", path, strerror(errno));
	return out;
}

int
plot_close_output(FILE *out, const char *path)
{
	bool bad = ferror(out) != 0;
	int e = 0;

	if (out == stdout) {
		if (fflush(out) != 0)
			bad = true;
	} else if (fclose(out) != 0) {
		bad = true;
	}
	if (bad) {
		e = errno;
		fprintf(stderr, "mpflow: %s: cannot write: %s\n",
			strcmp(path, "-") == 0 ? "(standard output)" : path,
			strerror(e ? e : EIO));
		return 1;
	}
	return 0;
}

int
plot_command(const struct plot_request *rq, const char *capture,
	     const struct mpf_ctx *ctx, const struct plot_data *pd)
{
	struct plot_options o = { rq->kind, rq->window, false, capture,
				  rq->full_time };
	uint32_t node;
	FILE *out;

	if (rq->has_node) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, rq->node);

		if (!n || mpf_node_get_protocol(n) != MPF_PROTO_MPTCP) {
			fprintf(stderr,
				"mpflow: %s: node %" PRIu32 " is no MPTCP connection "
				"(see mpflow summary)\n",
				capture, rq->node);
			return 1;
		}
		node = rq->node;
	} else {
		node = plot_default_node(pd, ctx);
		if (node == MPF_ID_NONE) {
			fprintf(stderr, "mpflow: %s: no MPTCP connection to plot\n",
				capture);
			return 1;
		}
	}
	out = plot_open_output(rq->output);
	if (!out)
		return 1;
	plot_write_svg(out, pd, ctx, node, &o);
	return plot_close_output(out, rq->output);
}
