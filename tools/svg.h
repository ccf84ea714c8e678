/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The drawing helpers the SVG pictures share (tools/plot-svg.c defines
 * them and draws the pictures of one capture with them,
 * tools/plot-delay.c those of two captures matched): the page's
 * geometry, a plot area and its axes, the legend's entries.
 */
#ifndef MPFLOW_PLOT_SVG_H
#define MPFLOW_PLOT_SVG_H

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

/* The start of an SVG picture @height px tall: the XML declaration
 * (unless @inline_svg, for HTML), <svg data-kind="@kind"
 * data-@id_name="@id">, its <title>, a white background and the title
 * line, shortened in the middle to fit the width. */
void svg_begin(FILE *out, bool inline_svg, const char *kind,
	       const char *id_name, uint32_t id, int height, const char *title);

/* A subtitle line on baseline @y, shortened in the middle to fit. */
void svg_text_line(FILE *out, double y, const char *text);

/* The @i-th legend entry (two a row from @x0, @y0): a sample of @style
 * ("line", "dashed", "marker", "area", "band", "cross") in @colour, and
 * @label, shortened in the middle when it would overrun its column. */
void svg_legend_entry(FILE *out, int i, double x0, double y0,
		      const char *colour, const char *style, const char *label);

#endif /* MPFLOW_PLOT_SVG_H */
