/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The time axis of the plots (plot-axis.c), private to the SVG drawing
 * (plot-svg.c builds it, svg.c draws it): time to pixels, with the long
 * idle stretches of a connection cut out, so that the data is not
 * crowded into a few percent of the width.
 */
#ifndef MPFLOW_PLOT_AXIS_H
#define MPFLOW_PLOT_AXIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLOT_AXIS_CUTS 6 /* at most this many stretches cut */
#define PLOT_AXIS_CUT_PX 16.0 /* the width a cut stretch keeps */

/* Pieces of the axis in time order, kept and cut alternating, starting
 * and ending with a kept one; a piece maps [t0, t1] to [x0, x1]. */
struct plot_axis_piece {
	int64_t t0, t1; /* ns */
	double x0, x1;
};

struct plot_axis {
	int n; /* pieces: 1 + 2 * cuts */
	struct plot_axis_piece piece[2 * PLOT_AXIS_CUTS + 1];
};

/*
 * The axis for [@t0, @t1] over the pixels [@x, @x + @w]. @events (sorted
 * in place) are the times at which something is drawn; with @cut, the
 * stretches between two of them (longer than 8 * @grain, the coarsest
 * time bucket) are cut to PLOT_AXIS_CUT_PX pixels each, longest first,
 * while one is longer than a fifth of the time still shown; a margin of
 * it is kept on both sides.
 */
void plot_axis_init(struct plot_axis *ax, double x, double w, int64_t t0,
		    int64_t t1, int64_t *events, size_t n, int64_t grain,
		    bool cut);

/* The pixel of time @t, clamped to the axis. */
double plot_axis_x(const struct plot_axis *ax, int64_t t);

/* The time at pixel @x (the inverse, for sampling). */
int64_t plot_axis_t(const struct plot_axis *ax, double x);

/* The time the axis shows, cut stretches left out (ns). */
int64_t plot_axis_shown(const struct plot_axis *ax);

#endif /* MPFLOW_PLOT_AXIS_H */
