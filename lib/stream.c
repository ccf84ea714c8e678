/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: streaming: releasing nodes so that memory stays flat
 *
 * Live nodes sit in three queues, most recently active first: never
 * established (where a flood of handshakes lands), established, and
 * ended. Before a frame, once a queue tail is due (ctx->deadline), an
 * ended node quiet for ENDED_LINGER, or any node idle for the idle
 * timeout, is released; after it, the frame's node moves to the head of
 * its queue and, while the state passes the memory cap, tails are
 * evicted, never-established ones first. Only queue tails are looked at,
 * so a frame costs O(1) however many nodes.
 *
 * The state of a node is estimated from what the core knows (the node,
 * its flows) and from the backend's node_mem(), every mem_every packets
 * of the node, or every MEASURE_EVERY for one of many flows; the context
 * keeps the sum.
 */
#include "mpf-private.h"

#define ENDED_LINGER_NS (10 * G_GINT64_CONSTANT(1000000000))
#define MEASURE_EVERY 64
#define NODE_COST 160 /* allocation overhead, flow array, table entries */
#define FLOW_COST 96

static uint64_t
fixed_bytes(const struct mpf_node *n)
{
	return sizeof(*n) + n->backend->node_priv_size + NODE_COST +
	       (uint64_t)n->flows->len *
		       (sizeof(struct mpf_flow) + n->backend->flow_priv_size +
			FLOW_COST);
}

static void
measure(struct mpf_ctx *ctx, struct mpf_node *n, bool full)
{
	uint64_t m;

	/* arrays may grow at each packet: measured as often as the backend
	 * says its node_mem() is cheap enough for, one of many flows every
	 * MEASURE_EVERY */
	if ((full || ++n->touches >= (n->flows->len <= 8 ? n->backend->mem_every
							: MEASURE_EVERY)) &&
	    n->backend->node_mem) {
		n->touches = 0;
		n->dyn = n->backend->node_mem(n);
	}
	m = fixed_bytes(n) + n->dyn;
	ctx->mem = ctx->mem - n->mem + m;
	n->mem = m;
	if (ctx->mem > ctx->mem_peak)
		ctx->mem_peak = ctx->mem;
}

static uint8_t
queue_of(const struct mpf_node *n)
{
	const struct mpf_backend *b = n->backend;

	if (b->node_ended && b->node_ended(n))
		return MPF_QUEUE_ENDED;
	if (!b->node_settled || b->node_settled(n))
		return MPF_QUEUE_SETTLED;
	return MPF_QUEUE_NEW;
}

static void
unqueue(struct mpf_ctx *ctx, struct mpf_node *n)
{
	if (n->queue) {
		g_queue_unlink(&ctx->lru[n->queue - 1], &n->lru);
		n->queue = 0;
	}
}

struct mpf_node *
mpf__node_live(struct mpf_ctx *ctx, uint32_t id)
{
	if (!ctx->last_node || ctx->last_node->id != id)
		ctx->last_node = mpf__ids_get(&ctx->nodes, id);
	return ctx->last_node;
}

void
mpf__node_free(struct mpf_ctx *ctx, struct mpf_node *n)
{
	guint i;

	if (ctx->last_node == n)
		ctx->last_node = NULL;
	for (i = 0; i < n->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(n->flows, i);

		if (n->backend->flow_fini)
			n->backend->flow_fini(f);
		mpf__ids_remove(&ctx->flows, f->id);
		g_free(f);
	}
	for (i = 0; n->absorbed_flows && i < n->absorbed_flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(n->absorbed_flows, i);

		if (n->backend->flow_fini)
			n->backend->flow_fini(f);
		mpf__ids_remove(&ctx->flows, f->id);
		g_free(f);
	}
	if (n->absorbed_flows)
		g_ptr_array_free(n->absorbed_flows, TRUE);
	if (n->backend->node_fini)
		n->backend->node_fini(n);
	mpf__ids_remove(&ctx->nodes, n->id);
	g_ptr_array_free(n->flows, TRUE);
	if (n->absorbed)
		g_array_free(n->absorbed, TRUE);
	mpf__node_frames_free(n);
	g_free(n);
}

static void
release(struct mpf_ctx *ctx, struct mpf_node *n, enum mpf_release_reason why)
{
	void *state = ctx->state[n->protocol];
	guint i;

	unqueue(ctx, n);
	if (ctx->config.release_func) {
		ctx->busy++; /* the handler must not feed */
		ctx->config.release_func(ctx, n, why, ctx->config.release_user_data);
		ctx->busy--;
	}
	ctx->counters[MPF_COUNTER_RELEASED]++;
	if (why == MPF_RELEASE_EVICTED)
		ctx->counters[MPF_COUNTER_EVICTED]++;
	for (i = 0; n->absorbed && i < n->absorbed->len; i++) {
		struct mpf_node *a = mpf__ids_get(
			&ctx->nodes, g_array_index(n->absorbed, uint32_t, i));

		if (!a)
			continue;
		if (n->backend->node_unhook)
			n->backend->node_unhook(ctx, state, a, n);
		mpf__node_free(ctx, a);
	}
	if (n->backend->node_unhook)
		n->backend->node_unhook(ctx, state, n, n);
	ctx->mem -= MIN(ctx->mem, n->mem);
	mpf__node_free(ctx, n);
}

static struct mpf_node *
tail(struct mpf_ctx *ctx, int queue)
{
	GList *l = ctx->lru[queue - 1].tail;

	return l ? l->data : NULL;
}

/* How long a node of @queue may stay quiet; G_MAXINT64 for ever. */
static int64_t
timeout_of(const struct mpf_ctx *ctx, int queue)
{
	if (queue == MPF_QUEUE_ENDED)
		return ENDED_LINGER_NS;
	return ctx->config.idle_ns > 0 ? ctx->config.idle_ns : G_MAXINT64;
}

static int64_t
deadline_of(const struct mpf_ctx *ctx, const struct mpf_node *n, int queue)
{
	int64_t t = timeout_of(ctx, queue);

	return t == G_MAXINT64 || n->last_ts > G_MAXINT64 - t ? G_MAXINT64
							    : n->last_ts + t;
}

/* The earliest time a queue tail is due; queues only gain tails that are
 * due later than the ones they had, except an empty queue (see push). */
static void
deadline_update(struct mpf_ctx *ctx)
{
	int q;

	ctx->deadline = G_MAXINT64;
	for (q = MPF_QUEUE_NEW; q <= MPF_QUEUE_ENDED; q++) {
		struct mpf_node *t = tail(ctx, q);

		if (t)
			ctx->deadline = MIN(ctx->deadline, deadline_of(ctx, t, q));
	}
}

static void
push(struct mpf_ctx *ctx, struct mpf_node *n, uint8_t queue)
{
	GQueue *qu = &ctx->lru[queue - 1];

	if (!qu->head) /* the new tail */
		ctx->deadline = MIN(ctx->deadline, deadline_of(ctx, n, queue));
	n->lru.data = n;
	g_queue_push_head_link(qu, &n->lru);
	n->queue = queue;
}

void
mpf__stream_before(struct mpf_ctx *ctx)
{
	int64_t now = ctx->now_ns;
	struct mpf_node *t;
	int q;

	/* before the frame is analysed, so that one that comes after a
	 * node's time is up finds it gone (called only once a queue tail
	 * is due, see ctx->deadline) */
	for (q = MPF_QUEUE_NEW; q <= MPF_QUEUE_ENDED; q++)
		while ((t = tail(ctx, q)) && now > deadline_of(ctx, t, q))
			release(ctx, t, q == MPF_QUEUE_ENDED ? MPF_RELEASE_ENDED
							   : MPF_RELEASE_IDLE);
	deadline_update(ctx);
}

void
mpf__stream_after(struct mpf_ctx *ctx, struct mpf_node *n)
{
	struct mpf_node *t;

	if (n && n->merged_into == MPF_ID_NONE) {
		uint8_t want = queue_of(n);

		if (n->queue != want || ctx->lru[want - 1].head != &n->lru) {
			unqueue(ctx, n);
			push(ctx, n, want);
		}
		measure(ctx, n, n->mem == 0);
	}
	/* over the cap: never established ones first, the current node
	 * last of all */
	while (ctx->config.mem_cap && ctx->mem > ctx->config.mem_cap) {
		t = tail(ctx, MPF_QUEUE_NEW);
		if (!t || t == n)
			t = tail(ctx, MPF_QUEUE_ENDED);
		if (!t || t == n)
			t = tail(ctx, MPF_QUEUE_SETTLED);
		if (!t || t == n)
			break;
		release(ctx, t, MPF_RELEASE_EVICTED);
	}
}

void
mpf__stream_remeasure(struct mpf_ctx *ctx, struct mpf_node *n)
{
	if (n->queue && n->merged_into == MPF_ID_NONE)
		measure(ctx, n, true);
}

void
mpf__stream_new(struct mpf_ctx *ctx, struct mpf_node *n)
{
	/* queued from birth: a message may make nodes that are not its
	 * frame's (a Map-Register of many records), and they must be
	 * evictable too */
	push(ctx, n, MPF_QUEUE_NEW);
	measure(ctx, n, true);
}

void
mpf__stream_absorbed(struct mpf_ctx *ctx, struct mpf_node *keep,
		     struct mpf_node *gone)
{
	unqueue(ctx, gone);
	ctx->mem -= MIN(ctx->mem, gone->mem);
	gone->mem = 0;
	keep->touches = MEASURE_EVERY; /* measured in full next time */
}

const char *
mpf_release_reason_to_string(enum mpf_release_reason reason)
{
	switch (reason) {
	case MPF_RELEASE_ENDED:
		return "ended";
	case MPF_RELEASE_IDLE:
		return "idle";
	case MPF_RELEASE_EVICTED:
		return "evicted";
	case MPF_RELEASE_FINISHED:
		return "finished";
	}
	return "unknown";
}

static gint
id_cmp(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void
mpf__stream_finish(struct mpf_ctx *ctx)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	uint32_t id;
	guint i;

	/* in id order: the live ones (streaming) or every one */
	if (ctx->nodes.live) {
		GHashTableIter it;
		gpointer key;

		g_hash_table_iter_init(&it, ctx->nodes.live);
		while (g_hash_table_iter_next(&it, &key, NULL)) {
			id = GPOINTER_TO_UINT(key);
			g_array_append_val(ids, id);
		}
	} else {
		for (id = 0; id < ctx->nodes.next; id++)
			g_array_append_val(ids, id);
	}
	g_array_sort(ids, id_cmp);
	for (i = 0; i < ids->len; i++) {
		struct mpf_node *n =
			mpf__ids_get(&ctx->nodes, g_array_index(ids, uint32_t, i));

		if (!n || n->merged_into != MPF_ID_NONE)
			continue; /* released with the node that absorbed it */
		if (ctx->config.streaming) {
			release(ctx, n, MPF_RELEASE_FINISHED);
		} else if (ctx->config.release_func) {
			ctx->busy++;
			ctx->config.release_func(ctx, n, MPF_RELEASE_FINISHED,
						 ctx->config.release_user_data);
			ctx->busy--;
		}
	}
	g_array_free(ids, TRUE);
}

void
mpf_ctx_expire(struct mpf_ctx *ctx, int64_t ts_sec, uint32_t ts_nsec)
{
	int64_t t;

	if (!ctx || !ctx->config.streaming || ctx->finished || ctx->busy)
		return;
	t = mpf__ts_ns(ts_sec, ts_nsec);
	if (t > ctx->now_ns)
		ctx->now_ns = t;
	if (ctx->now_ns > ctx->deadline)
		mpf__stream_before(ctx);
}

uint64_t
mpf_ctx_get_state_bytes(const struct mpf_ctx *ctx, uint64_t *peak)
{
	if (peak)
		*peak = ctx ? ctx->mem_peak : 0;
	return ctx ? ctx->mem : 0;
}
