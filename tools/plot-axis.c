/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the plots' time axis, with long idle stretches cut out
 *
 * A connection that idles (a handshake long before the data, a pause, a
 * FIN minutes later) would leave its data in a few percent of the width
 * and its reinjection markers in one blob. The stretches between two
 * drawn events longer than a fifth of the connection are cut to a few
 * pixels, longest first, while one is longer than a fifth of the time
 * still shown (so a pause goes, a stall of a busy connection stays);
 * they are marked on the plot (svg.c), and the rest of the width is
 * shared in proportion to time: one time scale across the kept pieces.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "plot-axis.h"

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The median spacing of the sorted @e (distinct times only). */
static int64_t
typical_spacing(const int64_t *e, size_t n)
{
	int64_t *d = g_new(int64_t, n), m;
	size_t j, k = 0;

	for (j = 1; j < n; j++)
		if (e[j] > e[j - 1])
			d[k++] = e[j] - e[j - 1];
	if (k == 0) {
		g_free(d);
		return 0;
	}
	qsort(d, k, sizeof(*d), cmp_i64);
	m = d[k / 2];
	g_free(d);
	return m;
}

struct gap {
	int64_t a, b;
};

static int
cmp_gap_time(const void *a, const void *b)
{
	const struct gap *x = a, *y = b;

	return x->a < y->a ? -1 : x->a > y->a;
}

/* Keeps the @max longest gaps in @g (*@n of them, longest first). */
static void
gap_offer(struct gap *g, int *n, int max, int64_t a, int64_t b)
{
	int i;

	if (*n == max && b - a <= g[max - 1].b - g[max - 1].a)
		return; /* shorter than every one kept */
	i = *n < max ? (*n)++ : max - 1;
	while (i > 0 && g[i - 1].b - g[i - 1].a < b - a) {
		g[i] = g[i - 1];
		i--;
	}
	g[i].a = a;
	g[i].b = b;
}

void
plot_axis_init(struct plot_axis *ax, double x, double w, int64_t t0,
	       int64_t t1, int64_t *events, size_t n, int64_t grain, bool cut)
{
	struct gap gaps[PLOT_AXIS_CUTS];
	int64_t span = t1 - t0, margin, prev = t0, kept, usual;
	double avail, at;
	int ng = 0, i, k;
	size_t j;

	memset(ax, 0, sizeof(*ax));
	ax->n = 1;
	ax->piece[0].t0 = t0;
	ax->piece[0].t1 = t1;
	ax->piece[0].x0 = x;
	ax->piece[0].x1 = x + w;
	if (!cut || span <= 0)
		return;
	if (n < 2)
		return;
	qsort(events, n, sizeof(*events), cmp_i64);
	/* the longest stretches between events, longest first */
	for (j = 0; j <= n; j++) {
		int64_t e = j < n ? CLAMP(events[j], t0, t1) : t1;

		if (e - prev > 8 * grain)
			gap_offer(gaps, &ng, PLOT_AXIS_CUTS, prev, e);
		prev = MAX(prev, e);
	}
	/* a pause is a stretch far longer than the events' usual spacing,
	 * over an eighth of the time, and over a fifth of what is still
	 * shown once the longer ones are cut (a long pause goes, then a
	 * shorter one the rest would still be crowded by); and cutting is
	 * worth it only when the pauses are two thirds of the time: else
	 * nothing is crowded */
	usual = typical_spacing(events, n);
	kept = span;
	for (i = 0; i < ng; i++) {
		int64_t len = gaps[i].b - gaps[i].a;

		if (len <= kept / 5 || len <= span / 8 || len <= 20 * usual)
			break;
		kept -= len;
	}
	ng = i;
	if (ng == 0 || kept > span / 3)
		return;
	/* a little time kept on both sides of a cut, so that what was drawn
	 * at its edges is not on the break */
	margin = MAX(2 * grain, kept / 50);
	qsort(gaps, (size_t)ng, sizeof(gaps[0]), cmp_gap_time);
	kept = span;
	for (i = 0; i < ng; i++) {
		gaps[i].a += MIN(margin, (gaps[i].b - gaps[i].a) / 4);
		gaps[i].b -= MIN(margin, (gaps[i].b - gaps[i].a) / 3);
		kept -= gaps[i].b - gaps[i].a;
	}
	avail = w - ng * PLOT_AXIS_CUT_PX;
	at = x;
	ax->n = 0;
	for (i = 0, k = 0; i <= ng; i++) {
		struct plot_axis_piece *p = &ax->piece[k++];

		p->t0 = i == 0 ? t0 : gaps[i - 1].b;
		p->t1 = i == ng ? t1 : gaps[i].a;
		p->x0 = at;
		p->x1 = i == ng ? x + w
				: at + avail * (double)(p->t1 - p->t0) / (double)kept;
		at = p->x1;
		if (i == ng)
			break;
		p = &ax->piece[k++];
		p->t0 = gaps[i].a;
		p->t1 = gaps[i].b;
		p->x0 = at;
		p->x1 = at + PLOT_AXIS_CUT_PX;
		at = p->x1;
	}
	ax->n = k;
}

/* The piece holding @t (the first or last one past the ends). */
static const struct plot_axis_piece *
piece_of(const struct plot_axis *ax, int64_t t)
{
	int i;

	for (i = 0; i < ax->n - 1; i++)
		if (t <= ax->piece[i].t1)
			break;
	return &ax->piece[i];
}

double
plot_axis_x(const struct plot_axis *ax, int64_t t)
{
	const struct plot_axis_piece *p = piece_of(ax, t);
	double left = ax->piece[0].x0, right = ax->piece[ax->n - 1].x1;
	double s = (double)(t - p->t0) / 1e9, x;

	if (p->t1 == p->t0)
		return p->x0;
	x = p->x0 + (p->x1 - p->x0) * s / ((double)(p->t1 - p->t0) / 1e9);
	return x < left ? left : x > right ? right : x;
}

int64_t
plot_axis_t(const struct plot_axis *ax, double x)
{
	const struct plot_axis_piece *p = &ax->piece[ax->n - 1];
	int i;

	for (i = 0; i < ax->n; i++)
		if (x <= ax->piece[i].x1) {
			p = &ax->piece[i];
			break;
		}
	if (p->x1 <= p->x0)
		return p->t0;
	x = CLAMP(x, p->x0, p->x1);
	return p->t0 + (int64_t)((double)(p->t1 - p->t0) * (x - p->x0) /
				 (p->x1 - p->x0));
}

int64_t
plot_axis_shown(const struct plot_axis *ax)
{
	int64_t t = 0;
	int i;

	for (i = 0; i < ax->n; i += 2)
		t += ax->piece[i].t1 - ax->piece[i].t0;
	return t;
}
