/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * svg.c: the drawing primitives of the SVG pictures (svg.h): where times
 * and values land in a plot area, text shortened to fit, round ticks,
 * the axes, the picture's start and subtitle lines, legend entries.
 *
 * Writes SVG elements only; knows no capture, node or kind of plot
 * (plot-svg.c, plot-delay.c draw those with these).
 */
#include <inttypes.h>
#include <string.h>

#include <glib.h>

#include "plot-axis.h"
#include "plot.h"
#include "svg.h"

double
svg_px(const struct area *a, int64_t t)
{
	double sec, x;

	if (a->ax)
		return plot_axis_x(a->ax, t);
	sec = (double)(t - a->t0) / 1e9;
	x = a->x + a->w * sec / a->span;
	return x < a->x ? a->x : x > a->x + a->w ? a->x + a->w : x;
}

/* ---- text that fits */

/* The characters of UTF-8 @s. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* About the width of @s in px at font @size: sans-serif (DejaVu Sans,
 * Liberation Sans) averages under 0.6 em a character over addresses,
 * paths and words, under 0.68 em bold. */
double
svg_text_px(const char *s, double size, bool bold)
{
	return (double)utf8_chars(s) * size * (bold ? 0.68 : 0.6);
}

/* @s, or, when it would be wider than @max px, its start and end around
 * an ellipsis (the end, a file name or a port, matters most), into @buf. */
const char *
svg_fit_text(const char *s, double max, double size, bool bold, char *buf,
	 size_t len)
{
	size_t keep, head, tail, k;
	const char *p = s, *q;

	if (svg_text_px(s, size, bold) <= max) {
		g_strlcpy(buf, s, len);
		return buf;
	}
	keep = (size_t)(max / (size * (bold ? 0.68 : 0.6)));
	keep = keep > 1 ? keep - 1 : 0;
	head = keep / 3;
	tail = keep - head;
	for (k = 0; k < head && *p; p++)
		k += ((unsigned char)p[1] & 0xc0) != 0x80;
	for (q = s + strlen(s), k = 0; q > p && k < tail;) {
		q--;
		k += ((unsigned char)*q & 0xc0) != 0x80;
	}
	g_snprintf(buf, len, "%.*s\xe2\x80\xa6%s", (int)(p - s), s, q);
	return buf;
}

double
svg_py(const struct area *a, double v)
{
	double y = a->y + a->h - a->h * (v - a->vmin) / (a->vmax - a->vmin);

	return y < a->y ? a->y : y > a->y + a->h ? a->y + a->h : y;
}

/* A round step (1, 2 or 5 times a power of ten) giving about @target
 * ticks over @range; no libm needed. */
static double
nice_step(double range, int target)
{
	double raw = range / target, mag = 1.0;

	if (!(raw > 0))
		return 1.0;
	while (mag * 10 <= raw)
		mag *= 10;
	while (mag > raw)
		mag /= 10;
	if (raw <= mag)
		return mag;
	if (raw <= 2 * mag)
		return 2 * mag;
	if (raw <= 5 * mag)
		return 5 * mag;
	return 10 * mag;
}

static int
step_decimals(double step)
{
	int d = 0;

	while (step < 0.999999 && d < 9) {
		step *= 10;
		d++;
	}
	return d;
}

/* A unit for values up to @vmax: its divisor and name. */
double
svg_pick_unit(double vmax, const char *const *names, const char **name)
{
	double div = 1;
	int u = 0;

	while (vmax / div >= 1000 && names[u + 1]) {
		div *= 1000;
		u++;
	}
	*name = names[u];
	return div;
}

void
svg_fit_values(struct area *a, double vmin, double vmax, double div)
{
	double step = nice_step((vmax - vmin) / div, 5), top = step, bottom = 0;

	while (top < vmax / div)
		top += step;
	while (bottom > vmin / div)
		bottom -= step;
	a->vmin = bottom * div;
	a->vmax = top * div;
}

static void
time_tick(FILE *out, const struct area *a, double x, int decimals, double v,
	  bool label)
{
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
		x, a->y + a->h, x, a->y + a->h + 5);
	if (label)
		fprintf(out,
			"<text x=\"%.1f\" y=\"%.1f\" stroke=\"none\" "
			"text-anchor=\"middle\">%.*f</text>",
			x, a->y + a->h + 17, decimals, v);
	fputc('\n', out);
}

/* Ticks of an axis with stretches cut out: whole steps of the time
 * shown in each kept piece, labels never closer than 36 px, and a piece
 * that gets none labelled at its start. */
static void
time_ticks_cut(FILE *out, const struct area *a)
{
	const struct plot_axis *ax = a->ax;
	double step = nice_step((double)plot_axis_shown(ax) / 1e9, 8);
	int d = step_decimals(step), k, i;
	double last = -1e9;

	for (k = 0; k < ax->n; k += 2) {
		const struct plot_axis_piece *pc = &ax->piece[k];
		double s0 = (double)(pc->t0 - a->origin) / 1e9;
		double s1 = (double)(pc->t1 - a->origin) / 1e9, v;
		bool labelled = false;

		v = (double)(int64_t)(s0 / step) * step;
		while (v < s0 - 1e-9 * step)
			v += step;
		for (i = 0; v <= s1 + 1e-9 * step && i < 100; i++, v += step) {
			double x = svg_px(a, a->origin + (int64_t)(v * 1e9 + 0.5));
			bool label = x - last >= 36;

			time_tick(out, a, x, d, v, label);
			if (label)
				last = x;
			labelled |= label;
		}
		if (!labelled && pc->x1 - pc->x0 >= 36 && pc->x0 - last >= 36) {
			time_tick(out, a, pc->x0, d + 1, s0, true);
			last = pc->x0;
		}
	}
}

/* The cut stretches of the time axis, under the data of a panel: a grey
 * band each, and the break marks on the axis. */
void
svg_draw_breaks(FILE *out, const struct area *a)
{
	int k;

	for (k = 1; k < a->ax->n; k += 2) {
		const struct plot_axis_piece *pc = &a->ax->piece[k];
		double cut = (double)(pc->t1 - pc->t0) / 1e9, yb = a->y + a->h;

		char len[32];

		if (cut < 1)
			g_snprintf(len, sizeof(len), "%.3g ms", cut * 1e3);
		else
			g_snprintf(len, sizeof(len), "%.*f s", cut < 100 ? 3 : 0, cut);
		fprintf(out,
			"<g class=\"axis-break\" data-cut=\"%.6f\"><title>%s "
			"without data or new data acks, cut out of the time "
			"axis</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"#ececec\"/><path d=\"M%.1f %.1fL%.1f "
			"%.1fM%.1f %.1fL%.1f %.1f\" stroke=\"#555\" stroke-width=\"1.5\" "
			"fill=\"none\"/><text transform=\"translate(%.1f %.1f) "
			"rotate(-90)\" text-anchor=\"end\" font-size=\"9\" stroke=\"#ececec\" "
			"stroke-width=\"3\" paint-order=\"stroke\" "
			"fill=\"#555\">%s cut</text></g>\n",
			cut, len, pc->x0, a->y, pc->x1 - pc->x0, a->h, pc->x0 - 2,
			yb + 5, pc->x0 + 2, yb - 5, pc->x1 - 2, yb + 5, pc->x1 + 2,
			yb - 5, (pc->x0 + pc->x1) / 2 + 3, a->y + 4, len);
	}
}

void
svg_draw_axes(FILE *out, const struct area *a, double div, const char *yname)
{
	double step = nice_step(a->span, 8), v, first;
	int d = step_decimals(step), i;
	double vs = nice_step((a->vmax - a->vmin) / div, 5);
	double q = a->vmin / div / vs, vfirst;
	int64_t qn = (int64_t)(q < 0 ? q - 0.5 : q + 0.5);
	int vd = step_decimals(vs);
	double left = (double)(a->t0 - a->origin) / 1e9; /* seconds at x */

	if ((double)qn < q - 1e-6)
		qn++; /* the first whole step at or above the bottom */
	vfirst = (double)qn * vs;

	fputs("<g class=\"axis\" data-axis=\"x\" stroke=\"#000\">\n", out);
	if (a->ax && a->ax->n > 1) {
		time_ticks_cut(out, a);
	} else {
		/* ticks at whole steps of the time since the first frame */
		first = (double)(int64_t)(left / step) * step;
		while (first < left - 1e-9 * step)
			first += step;
		for (i = 0, v = first;
		     v - left <= a->span * (1 + 1e-9) && i < 100;
		     i++, v = first + i * step)
			time_tick(out, a, a->x + a->w * (v - left) / a->span, d, v,
				  true);
	}
	fprintf(out,
		"<text x=\"%.1f\" y=\"%.1f\" stroke=\"none\" text-anchor=\"middle\">"
		"time since the connection's first frame (s)</text>\n</g>\n",
		a->x + a->w / 2, a->y + a->h + 33);
	fputs("<g class=\"axis\" data-axis=\"y\" stroke=\"#000\">\n", out);
	for (i = 0, v = vfirst; v * div <= a->vmax + 1e-9 * (a->vmax - a->vmin) &&
				i < 100;
	     i++, v = vfirst + i * vs) {
		double y = svg_py(a, v * div);

		fprintf(out,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#e4e4e4\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" stroke=\"none\" "
			"text-anchor=\"end\">%.*f</text>\n",
			a->x - 5, y, a->x, y, a->x + 0.5, y, a->x + a->w - 0.5, y,
			a->x - 8, y + 4, vd, v);
	}
	fprintf(out,
		"<text transform=\"translate(%.1f %.1f) rotate(-90)\" stroke=\"none\" "
		"text-anchor=\"middle\">",
		a->x - 60, a->y + a->h / 2);
	plot_escape(out, yname);
	fputs("</text>\n</g>\n", out);
}

void
svg_begin(FILE *out, bool inline_svg, const char *kind, const char *id_name,
	  uint32_t id, int height, const char *title)
{
	char fit[256];

	if (!inline_svg)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"mpflow-plot\" "
		"data-kind=\"%s\" data-%s=\"%" PRIu32 "\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
		"font-size=\"11\">\n<title>",
		kind, id_name, id, SVG_W, height, SVG_W, height);
	plot_escape(out, title);
	fprintf(out,
		"</title>\n<rect class=\"background\" width=\"%d\" height=\"%d\" "
		"fill=\"#fff\"/>\n<text class=\"title\" x=\"%d\" y=\"24\" "
		"font-size=\"16\" font-weight=\"bold\">",
		SVG_W, height, MARGIN_L);
	plot_escape(out, svg_fit_text(title, SVG_W - MARGIN_L - MARGIN_R, 16, true,
				  fit, sizeof(fit)));
	fputs("</text>\n", out);
}

void
svg_text_line(FILE *out, double y, const char *text)
{
	char fit[512];

	fprintf(out, "<text class=\"subtitle\" x=\"%d\" y=\"%.0f\" "
		     "font-size=\"12\" fill=\"#444\">", MARGIN_L, y);
	plot_escape(out, svg_fit_text(text, SVG_W - MARGIN_L - MARGIN_R, 12, false,
				  fit, sizeof(fit)));
	fputs("</text>\n", out);
}

/* The sample of a legend entry whose text starts at @x + 28, on the
 * baseline @y: @style is line, dashed, marker, cross, area or band. */
void
svg_legend_sample(FILE *out, double x, double y, const char *colour,
	      const char *style)
{
	if (strcmp(style, "marker") == 0)
		fprintf(out,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"none\" "
			"stroke=\"%s\" stroke-width=\"1.5\"/>",
			x + 11, y - 4, colour);
	else if (strcmp(style, "cross") == 0)
		fprintf(out,
			"<path d=\"M%.1f %.1fl6 6m0 -6l-6 6\" stroke=\"%s\" "
			"stroke-width=\"1.5\"/>",
			x + 8, y - 7, colour);
	else if (strcmp(style, "area") == 0 || strcmp(style, "band") == 0)
		fprintf(out,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" height=\"10\" "
			"fill=\"%s\"%s/>",
			x, y - 9, colour,
			style[0] == 'a' ? " fill-opacity=\"0.75\"" : "");
	else
		fprintf(out,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"%s\" stroke-width=\"2\"%s/>",
			x, y - 4, x + 22, y - 4, colour,
			strcmp(style, "dashed") == 0 ? " stroke-dasharray=\"4 2\""
						     : "");
}

void
svg_legend_entry(FILE *out, int i, double x0, double y0, const char *colour,
		 const char *style, const char *label)
{
	double x = x0 + (i % 2) * LEGEND_COL, y = y0 + (i / 2) * LEGEND_ROW;
	char fit[256];

	svg_legend_sample(out, x, y, colour, style);
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", x + 28, y);
	plot_escape(out, svg_fit_text(label, LEGEND_COL - 36, 11, false, fit,
				  sizeof(fit)));
	fputs("</text>\n", out);
}

