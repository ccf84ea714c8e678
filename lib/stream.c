/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: streaming: releasing nodes so that memory stays flat
 *
 * Live nodes sit in three queues, most recently active first: never
 * established (where a flood of handshakes lands), established, and
 * ended. After each frame the frame's node moves to the head of its queue
 * and the tails are checked: an ended node quiet for ENDED_LINGER, or any
 * node idle for the idle timeout, is released; while the state passes the
 * memory cap, tails are evicted, never-established ones first. Each check
 * looks at queue tails only, so a frame costs O(1) however many nodes.
 *
 * The state of a node is estimated from what the core knows (the node,
 * its flows) and, every MEASURE_EVERY packets of the node, from the
 * backend's node_mem(); the context keeps the sum.
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

	if ((full || ++n->touches >= MEASURE_EVERY) && n->backend->node_mem) {
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

void
mpf__node_free(struct mpf_ctx *ctx, struct mpf_node *n)
{
	guint i;

	for (i = 0; i < n->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(n->flows, i);

		if (n->backend->flow_fini)
			n->backend->flow_fini(f);
		g_ptr_array_index(ctx->flows, f->id) = NULL;
		g_free(f);
	}
	for (i = 0; n->absorbed_flows && i < n->absorbed_flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(n->absorbed_flows, i);

		if (n->backend->flow_fini)
			n->backend->flow_fini(f);
		g_ptr_array_index(ctx->flows, f->id) = NULL;
		g_free(f);
	}
	if (n->absorbed_flows)
		g_ptr_array_free(n->absorbed_flows, TRUE);
	if (n->backend->node_fini)
		n->backend->node_fini(n);
	g_ptr_array_index(ctx->nodes, n->id) = NULL;
	g_ptr_array_free(n->flows, TRUE);
	if (n->absorbed)
		g_array_free(n->absorbed, TRUE);
	g_free(n);
}

static void
release(struct mpf_ctx *ctx, struct mpf_node *n, enum mpf_release_reason why)
{
	void *state = ctx->state[n->protocol];
	guint i;

	unqueue(ctx, n);
	if (ctx->config.release_func)
		ctx->config.release_func(ctx, n, why, ctx->config.release_user_data);
	ctx->counters[MPF_COUNTER_RELEASED]++;
	if (why == MPF_RELEASE_EVICTED)
		ctx->counters[MPF_COUNTER_EVICTED]++;
	for (i = 0; n->absorbed && i < n->absorbed->len; i++) {
		struct mpf_node *a = g_ptr_array_index(
			ctx->nodes, g_array_index(n->absorbed, uint32_t, i));

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

void
mpf__stream_before(struct mpf_ctx *ctx)
{
	int64_t now = ctx->now_ns;
	struct mpf_node *t;
	int q;

	/* before the frame is analysed, so that one that comes after a
	 * node's time is up finds it gone */
	while ((t = tail(ctx, MPF_QUEUE_ENDED)) &&
	       now - t->last_ts > ENDED_LINGER_NS)
		release(ctx, t, MPF_RELEASE_ENDED);
	if (ctx->config.idle_ns > 0)
		for (q = MPF_QUEUE_NEW; q <= MPF_QUEUE_SETTLED; q++)
			while ((t = tail(ctx, q)) &&
			       now - t->last_ts > ctx->config.idle_ns)
				release(ctx, t, MPF_RELEASE_IDLE);
}

void
mpf__stream_after(struct mpf_ctx *ctx, struct mpf_node *n)
{
	struct mpf_node *t;

	if (n && n->merged_into == MPF_ID_NONE) {
		uint8_t want = queue_of(n);

		if (n->queue != want || ctx->lru[want - 1].head != &n->lru) {
			unqueue(ctx, n);
			n->lru.data = n;
			g_queue_push_head_link(&ctx->lru[want - 1], &n->lru);
			n->queue = want;
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
mpf__stream_new(struct mpf_ctx *ctx, struct mpf_node *n)
{
	/* queued from birth: a message may make nodes that are not its
	 * frame's (a Map-Register of many records), and they must be
	 * evictable too */
	n->lru.data = n;
	g_queue_push_head_link(&ctx->lru[MPF_QUEUE_NEW - 1], &n->lru);
	n->queue = MPF_QUEUE_NEW;
	measure(ctx, n, true);
}

void
mpf__stream_absorbed(struct mpf_ctx *ctx, struct mpf_node *keep,
		     struct mpf_node *gone)
{
	guint i;

	unqueue(ctx, gone);
	ctx->mem -= MIN(ctx->mem, gone->mem);
	gone->mem = 0;
	if (!ctx->config.streaming)
		return;
	/* released with the survivor */
	if (!keep->absorbed)
		keep->absorbed = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_array_append_val(keep->absorbed, gone->id);
	for (i = 0; gone->absorbed && i < gone->absorbed->len; i++)
		g_array_append_val(keep->absorbed,
				   g_array_index(gone->absorbed, uint32_t, i));
	if (gone->absorbed)
		g_array_set_size(gone->absorbed, 0);
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
	}
	return "unknown";
}

uint64_t
mpf_ctx_get_state_bytes(const struct mpf_ctx *ctx, uint64_t *peak)
{
	if (peak)
		*peak = ctx ? ctx->mem_peak : 0;
	return ctx ? ctx->mem : 0;
}
