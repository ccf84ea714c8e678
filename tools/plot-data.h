/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the pictures are drawn from: the per-connection time buckets that
 * plot-data.c fills as frames are fed and plot-svg.c reads. Private to
 * those two files; everything else goes through plot.h.
 */
#ifndef MPFLOW_PLOT_DATA_H
#define MPFLOW_PLOT_DATA_H

#include <glib.h>

#include "plot.h"

#define PLOT_BUCKETS 1024      /* per series: about one per pixel column */
#define PLOT_INDEX_MAX (1u << 31) /* a bucket's index stays below */
#define PLOT_FIRST_WIDTH 1000  /* ns: the grid's first bucket width */

/* Segments of one subflow one way, in one bucket of the grid. */
struct bucket {
	uint32_t idx;
	uint32_t reinj;  /* reinjections in it */
	int64_t t;       /* time of its first segment */
	uint64_t lo, hi; /* the DSN range its segments cover */
	uint64_t bytes;  /* mapped payload, repeats too */
	uint64_t good;   /* new data: neither reinjected nor retransmitted */
	int64_t rt;      /* its first reinjection: time, DSN, frame */
	uint64_t rdsn;
	uint32_t rframe;
};

/* The highest data ack of one bucket. */
struct ack {
	uint32_t idx;
	int64_t t;
	uint64_t v;
};

struct marker {
	int64_t t;
	uint64_t dsn;
	uint32_t frame, of;
	uint8_t dir;
};

struct series {
	uint32_t flow; /* as the frames reported it when fed */
	uint8_t dir;   /* enum mpf_side */
	GArray *b;     /* struct bucket, by idx */
};

/* One node id as the frames reported it when fed. A node later merged
 * into another keeps its own grid; drawing reads both. */
struct conn {
	uint32_t node;
	bool grid;          /* t0 set: data was seen */
	int64_t t0, width;
	GPtrArray *series;
	GHashTable *by_key; /* flow * 2 + dir + 1 -> struct series */
	GArray *acks[2];    /* data acks of each direction's data */
	GArray *markers;    /* struct marker; NULL once past PLOT_MARKERS */
	GArray *events;     /* struct plot_event */
	uint64_t events_dropped;
};

struct plot_data {
	GPtrArray *conns; /* by node id; NULL where no MPTCP frame was seen */
};

/* The conns whose node ended up as @node. Returns: (transfer container)
 * borrowed conns, released with g_ptr_array_free(r, TRUE). */
GPtrArray *plot_conns_of(const struct plot_data *pd, const struct mpf_ctx *ctx,
			 uint32_t node);

/* Whether a series holds any byte of data. */
bool plot_series_has_data(const struct series *s);

/* The time at the middle of bucket @idx of @c's grid, in ns. */
int64_t plot_bucket_centre(const struct conn *c, uint32_t idx);

#endif /* MPFLOW_PLOT_DATA_H */
