/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the first unsettled frame (mpf_ctx_get_first_unsettled()),
 * kept incrementally
 *
 * A node's answer is min(u, w(l)): u its backend's node_unsettled(), l
 * its node_link_low(), w() raising l to the relink window's floor. Both
 * change only when the node's packets change (or its cache is dropped
 * with a frame), so the answers are kept in a lazy min-heap per
 * protocol and kind: a node touched since the last question is asked
 * again then and pushed anew; an entry whose node went, was merged, or
 * now answers otherwise is dropped when it comes to the top. w() rises
 * with l, so the least l of a backend, raised, is the least w(l). The
 * heaps and the list of touched nodes are rebuilt from the live nodes
 * when they pass twice their number, which keeps them bounded and pays
 * for the rebuild with the pushes that led to it.
 */
#include "mpf-private.h"

enum {
	KIND_U, /* node_unsettled() */
	KIND_L, /* node_link_low() */
	KIND_COUNT,
};

struct settle_entry {
	uint32_t value;
	uint32_t id;
};

struct mpf_settle {
	GArray *heap[MPF_PROTO_COUNT][KIND_COUNT]; /* struct settle_entry */
	GArray *dirty; /* uint32_t: ids of the nodes touched since */
	bool armed;    /* asked once: touches are recorded from then */
	bool stale;    /* too many touched: rebuild at the next question */
	uint64_t steps, rebuilds; /* for tests */
};

struct mpf_settle *
mpf__settle_new(void)
{
	return g_try_new0(struct mpf_settle, 1);
}

static void
settle_clear(struct mpf_settle *s)
{
	int p, k;

	for (p = 0; p < MPF_PROTO_COUNT; p++)
		for (k = 0; k < KIND_COUNT; k++)
			if (s->heap[p][k]) {
				g_array_free(s->heap[p][k], TRUE);
				s->heap[p][k] = NULL;
			}
	if (s->dirty)
		g_array_free(s->dirty, TRUE);
	s->dirty = NULL;
}

void
mpf__settle_free(struct mpf_settle *s)
{
	if (!s)
		return;
	settle_clear(s);
	g_free(s);
}

uint64_t
mpf__settle_steps(const struct mpf_ctx *ctx)
{
	return ctx && ctx->settle ? ctx->settle->steps : 0;
}

uint64_t
mpf__settle_rebuilds(const struct mpf_ctx *ctx)
{
	return ctx && ctx->settle ? ctx->settle->rebuilds : 0;
}

guint
mpf__settle_largest(const struct mpf_ctx *ctx)
{
	const struct mpf_settle *s = ctx ? ctx->settle : NULL;
	guint most = 0;
	int p, k;

	for (p = 0; s && p < MPF_PROTO_COUNT; p++)
		for (k = 0; k < KIND_COUNT; k++)
			if (s->heap[p][k] && s->heap[p][k]->len > most)
				most = s->heap[p][k]->len;
	if (s && s->dirty && s->dirty->len > most)
		most = s->dirty->len;
	return most;
}

/* Nodes in the table (kept ones count while they stay listed): what the
 * heaps are bounded by. */
static guint
live_count(const struct mpf_ctx *ctx)
{
	const struct mpf_ids *t = &ctx->nodes;

	return t->live ? g_hash_table_size(t->live) : t->all->len;
}

static bool
over_bound(const struct mpf_ctx *ctx, guint len)
{
	return len > 2 * (uint64_t)live_count(ctx) + 64;
}

void
mpf__settle_touch(struct mpf_ctx *ctx, struct mpf_node *n)
{
	struct mpf_settle *s = ctx->settle;

	/* before the first question, or with a rebuild due, the next
	 * question reads every node anyway */
	if (!s || !n || !s->armed || s->stale || n->settle_dirty)
		return;
	n->settle_dirty = true;
	g_array_append_val(s->dirty, n->id);
	if (over_bound(ctx, s->dirty->len))
		s->stale = true;
}

void
mpf__settle_touch_id(struct mpf_ctx *ctx, uint32_t id)
{
	struct mpf_settle *s = ctx->settle;

	if (s && s->armed && !s->stale)
		mpf__settle_touch(ctx, mpf__node_live(ctx, id));
}

static void
heap_push(struct mpf_settle *s, GArray *h, uint32_t value, uint32_t id)
{
	struct settle_entry e = { value, id };
	struct settle_entry *a;
	guint i;

	g_array_append_val(h, e);
	a = (struct settle_entry *)(void *)h->data;
	for (i = h->len - 1; i > 0; i = (i - 1) / 2) {
		guint up = (i - 1) / 2;

		if (a[up].value <= e.value)
			break;
		a[i] = a[up];
	}
	a[i] = e;
	s->steps++;
}

static void
heap_pop(struct mpf_settle *s, GArray *h)
{
	struct settle_entry *a = (struct settle_entry *)(void *)h->data;
	struct settle_entry e = a[h->len - 1];
	guint n = h->len - 1, i = 0;

	for (;;) {
		guint c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && a[c + 1].value < a[c].value)
			c++;
		if (e.value <= a[c].value)
			break;
		a[i] = a[c];
		i = c;
	}
	if (n > 0)
		a[i] = e;
	g_array_set_size(h, n);
	s->steps++;
}

/* Asks the backend again when @n got a packet since it was last asked
 * (the walk's test, so that both read the same cache). */
static void
node_refresh(struct mpf_node *n)
{
	const struct mpf_backend *b = n->backend;

	if (n->unsettled_at != n->packets + 1) {
		n->unsettled = b->node_unsettled(n);
		n->link_low = b->node_link_low ? b->node_link_low(n) : UINT32_MAX;
		n->unsettled_at = n->packets + 1;
	}
}

static bool
node_counts(const struct mpf_node *n)
{
	return n && n->merged_into == MPF_ID_NONE && n->backend->node_unsettled;
}

static GArray *
heap_of(struct mpf_settle *s, unsigned proto, int kind)
{
	if (!s->heap[proto][kind])
		s->heap[proto][kind] =
			g_array_new(FALSE, FALSE, sizeof(struct settle_entry));
	return s->heap[proto][kind];
}

/* Files @n's answers (a settled one, UINT32_MAX, lowers nothing). */
static void
node_file(struct mpf_settle *s, struct mpf_node *n)
{
	n->settle_dirty = false;
	s->steps++;
	if (!node_counts(n))
		return;
	node_refresh(n);
	if (n->unsettled != UINT32_MAX)
		heap_push(s, heap_of(s, n->protocol, KIND_U), n->unsettled,
			  n->id);
	if (n->link_low != UINT32_MAX)
		heap_push(s, heap_of(s, n->protocol, KIND_L), n->link_low,
			  n->id);
}

static void
file_each(void *obj, void *user)
{
	node_file(user, obj);
}

static void
settle_rebuild(const struct mpf_ctx *ctx, struct mpf_settle *s)
{
	settle_clear(s);
	s->dirty = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	mpf__ids_foreach_data(&ctx->nodes, file_each, s);
	s->armed = true;
	s->stale = false;
	s->rebuilds++;
}

/* The top of heap @proto/@kind that still holds, or NULL; what no longer
 * holds is dropped on the way. */
static const struct mpf_node *
heap_top(const struct mpf_ctx *ctx, struct mpf_settle *s, unsigned proto,
	 int kind)
{
	GArray *h = s->heap[proto][kind];

	while (h && h->len > 0) {
		const struct settle_entry *e =
			&g_array_index(h, struct settle_entry, 0);
		const struct mpf_node *n = mpf__ids_get(&ctx->nodes, e->id);

		if (node_counts(n) &&
		    (kind == KIND_U ? n->unsettled : n->link_low) == e->value)
			return n;
		heap_pop(s, h);
	}
	return NULL;
}

/* @l raised to the relink window's floor behind @newest (see
 * node_link_low in mpf-private.h). */
static uint32_t
window_floor(const struct mpf_backend *b, uint32_t l, uint32_t newest)
{
	if (l <= newest && b->relink_window && newest - l >= b->relink_window)
		return newest - b->relink_window + 1;
	return l;
}

/* The lowest frame of @n (live, not absorbed) whose record may change,
 * @newest the last frame fed. */
static uint32_t
node_unsettled(struct mpf_node *n, uint32_t newest)
{
	uint32_t v, w;

	if (!node_counts(n))
		return UINT32_MAX;
	/* the nodes that got no packet since (most of a long capture's,
	 * when they are kept) cost nothing */
	node_refresh(n);
	v = n->unsettled;
	/* no later frame links back past the window: the frames it leaves
	 * behind are settled, however long the node lives */
	w = window_floor(n->backend, n->link_low, newest);
	return v < w ? v : w;
}

struct unsettled {
	uint32_t low;
	uint32_t newest;
};

static void
lower_unsettled(void *obj, void *user)
{
	struct unsettled *u = user;
	uint32_t v = node_unsettled(obj, u->newest);

	if (v < u->low)
		u->low = v;
}

/* At most what the frames fed allow, 0 before any: the next frame's
 * number is not known, so past the last is the most that can be
 * promised. */
static uint32_t
settle_cap(const struct mpf_ctx *ctx)
{
	if (!ctx->fed)
		return 0;
	return ctx->last_number == UINT32_MAX ? UINT32_MAX
					      : ctx->last_number + 1;
}

uint32_t
mpf__ctx_first_unsettled_walk(const struct mpf_ctx *ctx)
{
	struct unsettled u;

	if (!ctx || !ctx->fed)
		return 0;
	u.newest = ctx->last_number;
	u.low = settle_cap(ctx);
	if (!ctx->finished && !ctx->imported)
		mpf__ids_foreach_data(&ctx->nodes, lower_unsettled, &u);
	return u.low;
}

uint32_t
mpf_ctx_get_first_unsettled(const struct mpf_ctx *ctx)
{
	struct mpf_settle *s;
	uint32_t low;
	unsigned p;
	guint i;

	if (!ctx || !ctx->fed)
		return 0;
	low = settle_cap(ctx);
	s = ctx->settle;
	if (ctx->finished || ctx->imported || !s)
		return low;
	if (!s->armed || s->stale) {
		settle_rebuild(ctx, s);
	} else {
		for (i = 0; i < s->dirty->len; i++) {
			struct mpf_node *n = mpf__ids_get(
				&ctx->nodes, g_array_index(s->dirty, uint32_t, i));

			s->steps++;
			if (n && n->settle_dirty)
				node_file(s, n);
		}
		g_array_set_size(s->dirty, 0);
		for (p = 0; p < MPF_PROTO_COUNT; p++)
			for (i = 0; i < KIND_COUNT; i++)
				if (s->heap[p][i] &&
				    over_bound(ctx, s->heap[p][i]->len))
					s->stale = true;
		if (s->stale)
			settle_rebuild(ctx, s);
	}
	for (p = 0; p < MPF_PROTO_COUNT; p++) {
		const struct mpf_node *n = heap_top(ctx, s, p, KIND_U);

		if (n && n->unsettled < low)
			low = n->unsettled;
		n = heap_top(ctx, s, p, KIND_L);
		if (n) {
			uint32_t w = window_floor(n->backend, n->link_low,
						  ctx->last_number);

			if (w < low)
				low = w;
		}
	}
	return low;
}
