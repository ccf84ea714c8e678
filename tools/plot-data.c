/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: what `mpflow plot` and `mpflow report` draw, collected as
 * frames are fed
 *
 * Collection. Frame results are not retained by the context: each one is
 * folded into its connection's buckets as it comes back from
 * mpf_ctx_feed(). A connection's buckets share one time grid that starts
 * fine (1 us) and doubles its width, merging neighbours, whenever a
 * series (or a direction's data acks) would hold more than PLOT_BUCKETS
 * buckets. Only buckets with something in them are kept, so a connection
 * that idles keeps fine buckets where its data is. A bucket keeps what a
 * pixel column can show: the DSN range its segments cover (min and max,
 * so a decimated plot has the same envelope as the full one), the bytes,
 * the highest data ack. Reinjections are kept one by one up to
 * PLOT_MARKERS per connection, then only as counts per bucket. Memory
 * thus follows the number of subflows, not the number of frames.
 */
#include <inttypes.h>
#include <string.h>

#include "mpf-search.h"
#include "plot-data.h"

#define PLOT_MARKERS 1000      /* reinjections kept one by one */
#define PLOT_EVENTS 1000       /* anomalies kept for the report */

/* ------------------------------------------------------------ merges */

/* Where the merges took @id: @into gives what an id was merged into
 * (MPF_ID_NONE: nothing), @count how many ids there are. Bounded: a merge
 * chain cannot be longer than the list it is in. */
static uint32_t
survivor(const struct mpf_ctx *ctx, uint32_t id, uint32_t count,
	 uint32_t (*into)(const struct mpf_ctx *ctx, uint32_t id))
{
	uint32_t hops;

	for (hops = 0; hops <= count; hops++) {
		uint32_t next = into(ctx, id);

		if (next == MPF_ID_NONE)
			break;
		id = next;
	}
	return id;
}

static uint32_t
node_merged_into(const struct mpf_ctx *ctx, uint32_t id)
{
	const struct mpf_node *n = mpf_ctx_get_node(ctx, id);

	return n ? mpf_node_get_merged_into(n) : MPF_ID_NONE;
}

static uint32_t
flow_merged_into(const struct mpf_ctx *ctx, uint32_t id)
{
	const struct mpf_flow *f = mpf_ctx_get_flow(ctx, id);

	return f ? mpf_flow_get_merged_into(f) : MPF_ID_NONE;
}

uint32_t
plot_node_survivor(const struct mpf_ctx *ctx, uint32_t id)
{
	return survivor(ctx, id, mpf_ctx_get_node_count(ctx), node_merged_into);
}

uint32_t
plot_flow_survivor(const struct mpf_ctx *ctx, uint32_t id)
{
	return survivor(ctx, id, mpf_ctx_get_flow_count(ctx), flow_merged_into);
}

/* ---------------------------------------------------------- collection */

struct plot_data *
plot_data_new(void)
{
	struct plot_data *pd = g_new0(struct plot_data, 1);

	pd->conns = g_ptr_array_new();
	return pd;
}

static void
series_free(gpointer p)
{
	struct series *s = p;

	g_array_free(s->b, TRUE);
	g_free(s);
}

static void
conn_free(struct conn *c)
{
	if (!c)
		return;
	g_ptr_array_free(c->series, TRUE);
	g_hash_table_destroy(c->by_key);
	g_array_free(c->acks[0], TRUE);
	g_array_free(c->acks[1], TRUE);
	if (c->markers)
		g_array_free(c->markers, TRUE);
	g_array_free(c->events, TRUE);
	g_free(c);
}

void
plot_data_free(struct plot_data *pd)
{
	guint i;

	if (!pd)
		return;
	for (i = 0; i < pd->conns->len; i++)
		conn_free(g_ptr_array_index(pd->conns, i));
	g_ptr_array_free(pd->conns, TRUE);
	g_free(pd);
}

static void
bucket_merge(struct bucket *into, const struct bucket *b)
{
	if (b->reinj && (!into->reinj || b->rt < into->rt)) {
		into->rt = b->rt;
		into->rdsn = b->rdsn;
		into->rframe = b->rframe;
	}
	into->reinj += b->reinj;
	into->t = MIN(into->t, b->t);
	into->lo = MIN(into->lo, b->lo);
	into->hi = MAX(into->hi, b->hi);
	into->bytes += b->bytes;
	into->good += b->good;
}

static void
ack_merge(struct ack *into, const struct ack *a)
{
	if (a->v > into->v || (a->v == into->v && a->t < into->t)) {
		into->v = a->v;
		into->t = a->t;
	}
}

/* Coarsens @a (buckets or acks, sorted by idx) by 2^@shift. */
static void
coarsen(GArray *a, unsigned shift, bool acks)
{
	guint i, j = 0;

	for (i = 0; i < a->len; i++) {
		if (acks) {
			struct ack *x = &g_array_index(a, struct ack, i);
			struct ack *prev = j ? &g_array_index(a, struct ack, j - 1)
					     : NULL;
			struct ack cur = *x;

			cur.idx >>= shift;
			if (prev && prev->idx == cur.idx)
				ack_merge(prev, &cur);
			else
				g_array_index(a, struct ack, j++) = cur;
		} else {
			struct bucket *x = &g_array_index(a, struct bucket, i);
			struct bucket *prev =
				j ? &g_array_index(a, struct bucket, j - 1) : NULL;
			struct bucket cur = *x;

			cur.idx >>= shift;
			if (prev && prev->idx == cur.idx)
				bucket_merge(prev, &cur);
			else
				g_array_index(a, struct bucket, j++) = cur;
		}
	}
	g_array_set_size(a, j);
}

/* Widens @c's grid 2^@shift times, merging its buckets. */
static void
conn_coarsen(struct conn *c, unsigned shift)
{
	guint i;

	c->width <<= shift;
	for (i = 0; i < c->series->len; i++)
		coarsen(((struct series *)g_ptr_array_index(c->series, i))->b,
			shift, false);
	coarsen(c->acks[0], shift, true);
	coarsen(c->acks[1], shift, true);
}

/* After @grown (a series' buckets or an ack list of @c) got a bucket:
 * the grid widens while it holds more than PLOT_BUCKETS. */
static void
conn_fit(struct conn *c, const GArray *grown)
{
	while (grown->len > PLOT_BUCKETS)
		conn_coarsen(c, 1);
}

/* The bucket of time @t, widening the grid first when its index would
 * pass 2^31 (a capture of hours). The grid starts at the connection's
 * first data: an idle handshake before it would otherwise set its
 * width. Data acks before it, and time stamps that step back, land in
 * bucket 0. */
static uint32_t
conn_index(struct conn *c, int64_t t)
{
	uint64_t d = c->grid && t > c->t0 ? (uint64_t)(t - c->t0) : 0;
	unsigned shift = 0;

	while ((d / (uint64_t)c->width) >> shift >= PLOT_INDEX_MAX)
		shift++;
	if (shift)
		conn_coarsen(c, shift);
	return (uint32_t)(d / (uint64_t)c->width);
}

/* The idx of element @i of @a (elements of @size bytes, idx first). */
static uint32_t
idx_at(const GArray *a, size_t size, guint i)
{
	return *(const uint32_t *)(const void *)(a->data + i * size);
}

/* Position of bucket @idx in @a (sorted by idx, elements of @size bytes
 * whose first member is the idx): found, or where it goes. Frames come in
 * time order, so this is almost always the end. */
static guint
find_idx(GArray *a, size_t size, uint32_t idx, bool *found)
{
	guint lo = 0, hi = a->len;

	*found = false;
	if (hi && idx_at(a, size, hi - 1) < idx)
		return hi;
	MPF_LOWER_BOUND(lo, hi, mid, idx_at(a, size, mid) < idx);
	*found = lo < a->len && idx_at(a, size, lo) == idx;
	return lo;
}

static struct conn *
get_conn(struct plot_data *pd, uint32_t node, int64_t t)
{
	struct conn *c;

	if (node >= pd->conns->len)
		g_ptr_array_set_size(pd->conns, node + 1);
	c = g_ptr_array_index(pd->conns, node);
	if (c)
		return c;
	c = g_new0(struct conn, 1);
	c->node = node;
	c->t0 = t;
	c->width = PLOT_FIRST_WIDTH;
	c->series = g_ptr_array_new_with_free_func(series_free);
	c->by_key = g_hash_table_new(g_direct_hash, g_direct_equal);
	c->acks[0] = g_array_new(FALSE, FALSE, sizeof(struct ack));
	c->acks[1] = g_array_new(FALSE, FALSE, sizeof(struct ack));
	c->markers = g_array_new(FALSE, FALSE, sizeof(struct marker));
	c->events = g_array_new(FALSE, FALSE, sizeof(struct plot_event));
	g_ptr_array_index(pd->conns, node) = c;
	return c;
}

static struct series *
get_series(struct conn *c, uint32_t flow, uint8_t dir)
{
	gpointer key = GSIZE_TO_POINTER((gsize)flow * 2 + dir + 1);
	struct series *s = g_hash_table_lookup(c->by_key, key);

	if (s)
		return s;
	s = g_new0(struct series, 1);
	s->flow = flow;
	s->dir = dir;
	s->b = g_array_new(FALSE, FALSE, sizeof(struct bucket));
	g_ptr_array_add(c->series, s);
	g_hash_table_insert(c->by_key, key, s);
	return s;
}

static void
add_segment(struct conn *c, uint32_t flow, uint8_t dir, uint32_t idx,
	    int64_t t, uint64_t dsn, uint32_t len, unsigned flags,
	    uint32_t frame)
{
	struct series *s = get_series(c, flow, dir);
	struct bucket nb, *b;
	bool found;
	guint pos = find_idx(s->b, sizeof(struct bucket), idx, &found);
	bool reinj = flags & MPF_MPTCP_FRAME_REINJECTION;

	memset(&nb, 0, sizeof(nb));
	nb.idx = idx;
	nb.t = t;
	nb.lo = dsn;
	nb.hi = dsn + len;
	nb.bytes = len;
	if (!(flags & (MPF_MPTCP_FRAME_REINJECTION |
		       MPF_MPTCP_FRAME_RETRANSMISSION)))
		nb.good = len;
	if (reinj) {
		nb.reinj = 1;
		nb.rt = t;
		nb.rdsn = dsn;
		nb.rframe = frame;
	}
	if (!found) {
		g_array_insert_val(s->b, pos, nb);
		conn_fit(c, s->b);
		return;
	}
	b = &g_array_index(s->b, struct bucket, pos);
	bucket_merge(b, &nb);
}

static void
add_ack(struct conn *c, uint8_t data_dir, uint32_t idx, int64_t t,
	uint64_t v)
{
	GArray *a = c->acks[data_dir];
	struct ack na = { idx, t, v };
	bool found;
	guint pos = find_idx(a, sizeof(struct ack), idx, &found);

	if (found) {
		ack_merge(&g_array_index(a, struct ack, pos), &na);
	} else {
		g_array_insert_val(a, pos, na);
		conn_fit(c, a);
	}
}

void
plot_data_add(struct plot_data *pd, const struct mpf_frame *f, int64_t ts_ns)
{
	uint32_t node = mpf_frame_get_node_id(f), flow = mpf_frame_get_flow_id(f);
	unsigned flags = mpf_frame_get_mptcp_flags(f);
	unsigned anomalies = mpf_frame_get_anomalies(f); /* the library's policy */
	bool mp_fail = mpf_frame_get_mptcp_options(f) & 1u << MPF_MPTCP_SUB_FAIL;
	uint32_t len = mpf_frame_get_payload_length(f);
	uint32_t frame = mpf_frame_get_number(f);
	uint8_t dir = mpf_frame_get_direction(f) == MPF_SIDE_CLIENT ? 0 : 1;
	uint64_t dsn = 0, dack;
	struct conn *c;
	uint32_t idx;
	bool has_data;

	if (mpf_frame_get_protocol(f) != MPF_PROTO_MPTCP || node == MPF_ID_NONE)
		return;
	c = get_conn(pd, node, ts_ns);
	has_data = flow != MPF_ID_NONE && len && mpf_frame_get_mptcp_dsn(f, &dsn);
	if (has_data && !c->grid) {
		c->grid = true;
		c->t0 = ts_ns;
	}
	idx = conn_index(c, ts_ns);
	if (has_data)
		add_segment(c, flow, dir, idx, ts_ns, dsn, len, flags, frame);
	else
		flags &= ~(unsigned)MPF_MPTCP_FRAME_REINJECTION;
	/* a frame's data ack acknowledges the data of the other way */
	if (mpf_frame_get_mptcp_dack(f, &dack))
		add_ack(c, (uint8_t)(1 - dir), idx, ts_ns, dack);
	if ((flags & MPF_MPTCP_FRAME_REINJECTION) && c->markers) {
		struct marker m = { ts_ns, dsn, frame,
				    mpf_frame_get_mptcp_reinjection_of(f), dir };

		if (c->markers->len < PLOT_MARKERS) {
			g_array_append_val(c->markers, m);
		} else {
			/* too many to draw one by one: the buckets count them */
			g_array_free(c->markers, TRUE);
			c->markers = NULL;
		}
	}
	if (anomalies || mp_fail) {
		struct plot_event e = { frame, node, flow, dir, anomalies, mp_fail,
					mpf_frame_get_mptcp_reinjection_of(f) };

		if (c->events->len < PLOT_EVENTS)
			g_array_append_val(c->events, e);
		else
			c->events_dropped++;
	}
}

GPtrArray *
plot_conns_of(const struct plot_data *pd, const struct mpf_ctx *ctx,
	      uint32_t node)
{
	GPtrArray *r = g_ptr_array_new();
	guint i;

	for (i = 0; i < pd->conns->len; i++) {
		struct conn *c = g_ptr_array_index(pd->conns, i);

		if (c && plot_node_survivor(ctx, c->node) == node)
			g_ptr_array_add(r, c);
	}
	return r;
}

static gint
event_cmp(gconstpointer a, gconstpointer b)
{
	const struct plot_event *x = *(const struct plot_event *const *)a;
	const struct plot_event *y = *(const struct plot_event *const *)b;

	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

const struct plot_event **
plot_data_events(const struct plot_data *pd, const struct mpf_ctx *ctx,
		 uint32_t node, uint64_t *dropped)
{
	GPtrArray *cs = plot_conns_of(pd, ctx, node);
	GPtrArray *r = g_ptr_array_new();
	uint64_t left = 0;
	guint i, k;

	for (i = 0; i < cs->len; i++) {
		struct conn *c = g_ptr_array_index(cs, i);

		for (k = 0; k < c->events->len; k++)
			g_ptr_array_add(r, &g_array_index(c->events,
							  struct plot_event, k));
		left += c->events_dropped;
	}
	g_ptr_array_sort(r, event_cmp);
	g_ptr_array_add(r, NULL);
	g_ptr_array_free(cs, TRUE);
	if (dropped)
		*dropped = left;
	return (const struct plot_event **)g_ptr_array_free(r, FALSE);
}

bool
plot_node_has_data(const struct plot_data *pd, const struct mpf_ctx *ctx,
		   uint32_t node)
{
	GPtrArray *cs = plot_conns_of(pd, ctx, node);
	bool any = false;
	guint i;

	for (i = 0; i < cs->len && !any; i++)
		any = ((struct conn *)g_ptr_array_index(cs, i))->series->len > 0;
	g_ptr_array_free(cs, TRUE);
	return any;
}

uint32_t
plot_default_node(const struct plot_data *pd, const struct mpf_ctx *ctx)
{
	uint32_t i, first = MPF_ID_NONE;

	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, i);

		if (mpf_node_get_protocol(n) != MPF_PROTO_MPTCP ||
		    mpf_node_get_merged_into(n) != MPF_ID_NONE)
			continue;
		if (plot_node_has_data(pd, ctx, i))
			return i;
		if (first == MPF_ID_NONE)
			first = i;
	}
	return first;
}

bool
plot_series_has_data(const struct series *s)
{
	guint i;

	for (i = 0; i < s->b->len; i++)
		if (g_array_index(s->b, struct bucket, i).bytes)
			return true;
	return false;
}

int64_t
plot_bucket_centre(const struct conn *c, uint32_t idx)
{
	return c->t0 + (int64_t)idx * c->width + c->width / 2;
}
