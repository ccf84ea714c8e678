/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The drawing helpers the SVG pictures share (tools/svg.c defines them;
 * tools/plot-svg.c draws the pictures of one capture with them,
 * tools/plot-delay.c those of two captures matched): the page's
 * geometry, a plot area and its axes, text that fits, the legend's
 * entries.
 */
#ifndef MPFLOW_SVG_H
#define MPFLOW_SVG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct plot_axis; /* plot-axis.h */

#define SVG_W 960
#define MARGIN_L 84
#define MARGIN_R 24
#define PANEL_H 240 /* the plot area */
#define PANEL_GAP 78 /* heading above, tick labels and axis name below */
#define LEGEND_ROW 18
#define LEGEND_COL 430 /* two columns of legend, when the labels fit */

/* Where values land: the plot area and the ranges it shows. */
struct area {
	double x, y, w, h;
	int64_t t0;   /* ns at the left edge */
	int64_t origin; /* ns of the connection's first frame: time 0 */
	double span;  /* seconds across */
	double vmin;  /* value at the bottom (0 but for delays) */
	double vmax;  /* value at the top */
	/* time to x with idle stretches cut (plot-axis.h); NULL: linear
	 * from t0 over span */
	const struct plot_axis *ax;
};

/* The x of time @t and the y of value @v, clamped to the area. */
double svg_px(const struct area *a, int64_t t);
double svg_py(const struct area *a, double v);

/* About the width of @s in px at font @size (sans-serif). */
double svg_text_px(const char *s, double size, bool bold);

/* @s, or, when it would be wider than @max px, its start and end around
 * an ellipsis, into @buf (of @len bytes); returns @buf. */
const char *svg_fit_text(const char *s, double max, double size, bool bold,
			 char *buf, size_t len);

/* A unit for values up to @vmax from the NULL-terminated @names, each
 * 1000 times the one before: its divisor, and its name in *@name. */
double svg_pick_unit(double vmax, const char *const *names, const char **name);

/* Sets the value range to [@vmin, @vmax] widened to whole steps of the
 * unit @div (a round step, 0 stays the bottom when @vmin is 0). */
void svg_fit_values(struct area *a, double vmin, double vmax, double div);

/* The time axis (seconds since a->origin; its cuts marked when a->ax
 * has some) and the value axis, named
 * @yname, with ticks at round steps of the unit @div. */
void svg_draw_axes(FILE *out, const struct area *a, double div,
		   const char *yname);

/* The cut stretches of a->ax under a panel's data: grey bands and the
 * break marks on the time axis. */
void svg_draw_breaks(FILE *out, const struct area *a);

/* The start of an SVG picture @height px tall: the XML declaration
 * (unless @inline_svg, for HTML), <svg data-kind="@kind"
 * data-@id_name="@id">, its <title>, a white background and the title
 * line, shortened in the middle to fit the width. */
void svg_begin(FILE *out, bool inline_svg, const char *kind,
	       const char *id_name, uint32_t id, int height, const char *title);

/* A subtitle line on baseline @y, shortened in the middle to fit. */
void svg_text_line(FILE *out, double y, const char *text);

/* A legend entry's sample, its text at @x + 28 on baseline @y: @style
 * as below. */
void svg_legend_sample(FILE *out, double x, double y, const char *colour,
		       const char *style);

/* The @i-th legend entry (two a row from @x0, @y0): a sample of @style
 * ("line", "dashed", "marker", "area", "band", "cross") in @colour, and
 * @label, shortened in the middle when it would overrun its column. */
void svg_legend_entry(FILE *out, int i, double x0, double y0,
		      const char *colour, const char *style, const char *label);

#endif /* MPFLOW_SVG_H */
