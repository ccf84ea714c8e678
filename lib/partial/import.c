/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * import.c: a partial read back into a new context: the header and
 * normal form checked, every value validated like packet data
 * (truncated, malformed and unsupported told apart), the backends' parts
 * handed to their importers.
 *
 * Builds only the context it returns, and frees it on any error.
 */
#include "partial/partial-int.h"

static uint64_t
get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The GVariant of a partial, checked for its header and normal form. */
static int
partial_open(const void *data, size_t len, GVariant **out)
{
	const uint8_t *p = data;
	uint64_t size;
	GVariant *top;
	GBytes *bytes;

	*out = NULL;
	if (!data)
		return MPF_ERR_INVALID;
	if (len < PARTIAL_HEAD)
		return memcmp(p, PARTIAL_MAGIC, MIN(len, 8)) == 0
			       ? MPF_ERR_TRUNCATED
			       : MPF_ERR_PARTIAL;
	if (memcmp(p, PARTIAL_MAGIC, 8) != 0 ||
	    get_le(p + 8, 4) != PARTIAL_VERSION || get_le(p + 12, 4) != 0)
		return MPF_ERR_PARTIAL;
	size = get_le(p + 16, 8);
	if (size > PARTIAL_MAX)
		return MPF_ERR_MALFORMED;
	if (len - PARTIAL_HEAD < size)
		return MPF_ERR_TRUNCATED;
	if (len - PARTIAL_HEAD > size)
		return MPF_ERR_MALFORMED; /* bytes after the end */
	/* a copy: GVariant wants its data aligned, and ours for life */
	bytes = g_bytes_new(p + PARTIAL_HEAD, (gsize)size);
	top = g_variant_ref_sink(
		g_variant_new_from_bytes(TYPE(TOP_T), bytes, FALSE));
	g_bytes_unref(bytes);
	if (G_BYTE_ORDER == G_BIG_ENDIAN) {
		GVariant *host = g_variant_byteswap(top);

		g_variant_unref(top);
		top = host;
	}
	if (!g_variant_is_normal_form(top)) {
		g_variant_unref(top);
		return MPF_ERR_MALFORMED;
	}
	*out = top;
	return MPF_OK;
}

/* The backend's part: a variant of its type, or the unit when it has
 * none. */
static GVariant *
backend_part(GVariant *v, const char *type)
{
	GVariant *inner = g_variant_get_variant(v);

	if (!g_variant_is_of_type(inner, TYPE(type ? type : "()"))) {
		g_variant_unref(inner);
		return NULL;
	}
	return inner;
}

struct span {
	uint32_t first, last; /* frames fed; 0, 0 when none */
};

static bool
in_span(const struct span *sp, uint32_t first, uint32_t last)
{
	return sp->first && sp->first <= first && first <= last &&
	       last <= sp->last;
}

static int
flow_import(struct mpf_ctx *ctx, struct mpf_node *n, GVariant *v,
	    const struct span *sp, uint64_t *packets)
{
	const struct mpf_backend *b = n->backend;
	GVariant *core = g_variant_get_child_value(v, 0);
	GVariant *bv = g_variant_get_child_value(v, 1), *part;
	struct mpf_endpoint src, dst;
	struct mpf_unpack u;
	struct mpf_flow *f;
	struct mpf_traffic t;
	uint32_t id;
	bool ends;
	int st = MPF_OK, d;

	mpf__unpack_tuple(&u, core);
	id = mpf__unpack_u(&u);
	/* one after the other: the order of operands is not C's to keep */
	ends = mpf__unpack_endpoint(&u, &src);
	ends = mpf__unpack_endpoint(&u, &dst) && ends;
	mpf__partial_traffic_read(&u, &t);
	if (u.bad || !ends || !mpf__partial_times_ok(t.first_ts, t.last_ts) ||
	    id >= ctx->flows.next || mpf__ids_get(&ctx->flows, id) ||
	    !in_span(sp, t.first_frame, t.last_frame) ||
	    t.first_frame < n->first_frame || t.last_frame > n->last_frame ||
	    t.packets[0] > G_MAXUINT32 || t.packets[1] > G_MAXUINT32 ||
	    t.bytes[0] > t.packets[0] << 32 || t.bytes[1] > t.packets[1] << 32) {
		st = MPF_ERR_MALFORMED;
		goto out;
	}
	f = mpf__flow_alloc(ctx, n, id);
	f->src = src;
	f->dst = dst;
	f->first_frame = t.first_frame;
	f->last_frame = t.last_frame;
	f->first_ts = t.first_ts;
	f->last_ts = t.last_ts;
	for (d = 0; d < 2; d++) {
		f->packets[d] = t.packets[d];
		f->bytes[d] = t.bytes[d];
		f->payload[d] = t.payload[d];
	}
	*packets += t.packets[0] + t.packets[1];
	part = backend_part(bv, b->flow_type);
	if (!part)
		st = MPF_ERR_MALFORMED;
	else if (b->flow_import)
		st = b->flow_import(f, part);
	if (part)
		g_variant_unref(part);
out:
	g_variant_unref(core);
	g_variant_unref(bv);
	return st;
}

static int
node_import(struct mpf_ctx *ctx, GVariant *v, const struct span *sp)
{
	const struct mpf_backend *b;
	GVariant *core = g_variant_get_child_value(v, 0);
	GVariant *flows = g_variant_get_child_value(v, 1);
	GVariant *bv = g_variant_get_child_value(v, 2), *part = NULL;
	struct mpf_unpack u;
	struct mpf_node *n;
	uint8_t proto;
	uint32_t id, first, last;
	int64_t t0, t1;
	uint64_t packets, bytes, flow_packets = 0;
	gsize i, nflows;
	int st = MPF_OK;

	mpf__unpack_tuple(&u, core);
	proto = mpf__unpack_y(&u);
	id = mpf__unpack_u(&u);
	first = mpf__unpack_u(&u);
	last = mpf__unpack_u(&u);
	t0 = mpf__unpack_x(&u);
	t1 = mpf__unpack_x(&u);
	packets = mpf__unpack_t(&u);
	bytes = mpf__unpack_t(&u);
	b = proto < MPF_PROTO_COUNT ? mpf__backend_find((enum mpf_protocol)proto)
				  : NULL;
	if (!b) {
		/* a protocol this build has no backend for */
		st = proto && proto < MPF_PROTO_COUNT ? MPF_ERR_UNSUPPORTED
						    : MPF_ERR_MALFORMED;
		goto out;
	}
	if (u.bad || !mpf__partial_times_ok(t0, t1) || id >= ctx->nodes.next ||
	    mpf__ids_get(&ctx->nodes, id) || !in_span(sp, first, last) ||
	    packets > ctx->counters[MPF_COUNTER_FRAMES] ||
	    bytes > packets << 32) {
		st = MPF_ERR_MALFORMED;
		goto out;
	}
	n = mpf__node_alloc(ctx, b, id);
	n->first_frame = first;
	n->last_frame = last;
	n->first_ts = t0;
	n->last_ts = t1;
	n->packets = packets;
	n->bytes = bytes;
	nflows = g_variant_n_children(flows);
	for (i = 0; i < nflows && st == MPF_OK; i++) {
		GVariant *fv = g_variant_get_child_value(flows, i);

		st = flow_import(ctx, n, fv, sp, &flow_packets);
		g_variant_unref(fv);
	}
	/* a node counts its flows' frames and its own (flowless) ones */
	if (st == MPF_OK && flow_packets > packets)
		st = MPF_ERR_MALFORMED;
	if (st == MPF_OK) {
		part = backend_part(bv, b->node_type);
		if (!part)
			st = MPF_ERR_MALFORMED;
		else if (b->node_import)
			st = b->node_import(ctx, ctx->state[b->protocol], n, part);
	}
out:
	if (part)
		g_variant_unref(part);
	g_variant_unref(core);
	g_variant_unref(flows);
	g_variant_unref(bv);
	return st;
}

static int
state_import(struct mpf_ctx *ctx, GVariant *states)
{
	bool seen[MPF_PROTO_COUNT] = { false };
	gsize i, n = g_variant_n_children(states);
	int st = MPF_OK;

	for (i = 0; i < n && st == MPF_OK; i++) {
		const struct mpf_backend *b;
		GVariant *bv, *part;
		guint8 proto;

		g_variant_get_child(states, i, "(y@v)", &proto, &bv);
		b = proto < MPF_PROTO_COUNT
			    ? mpf__backend_find((enum mpf_protocol)proto)
			    : NULL;
		if (!proto || proto >= MPF_PROTO_COUNT) {
			st = MPF_ERR_MALFORMED;
		} else if (!b) {
			st = MPF_ERR_UNSUPPORTED; /* not in this build */
		} else if (seen[proto] || !b->state_import) {
			st = MPF_ERR_MALFORMED;
		} else {
			seen[proto] = true;
			part = backend_part(bv, b->state_type);
			st = part ? b->state_import(ctx, ctx->state[proto], part)
				  : MPF_ERR_MALFORMED;
			if (part)
				g_variant_unref(part);
		}
		g_variant_unref(bv);
	}
	return st;
}

/* A context of the partial @data: every backend on, no frame store. */
int
mpf__partial_load(const void *data, size_t len, struct mpf_ctx **out)
{
	struct mpf_config cfg;
	struct mpf_config *defaults;
	struct mpf_ctx *ctx;
	GVariant *top, *spanv, *counters, *nodes, *states;
	struct mpf_unpack u;
	struct span sp;
	uint64_t cv[MPF_COUNTER_COUNT];
	uint32_t node_count, flow_count;
	int64_t t0, t1;
	gsize i, n, nc, flows = 0;
	int st;

	*out = NULL;
	st = partial_open(data, len, &top);
	if (st != MPF_OK)
		return st;
	spanv = g_variant_get_child_value(top, 0);
	counters = g_variant_get_child_value(top, 1);
	nodes = g_variant_get_child_value(top, 2);
	states = g_variant_get_child_value(top, 3);
	mpf__unpack_tuple(&u, spanv);
	sp.first = mpf__unpack_u(&u);
	sp.last = mpf__unpack_u(&u);
	node_count = mpf__unpack_u(&u);
	flow_count = mpf__unpack_u(&u);
	t0 = mpf__unpack_x(&u);
	t1 = mpf__unpack_x(&u);
	nc = g_variant_n_children(counters);
	if (nc == MPF_COUNTER_COUNT)
		memcpy(cv, g_variant_get_data(counters), sizeof(cv));
	n = g_variant_n_children(nodes);
	for (i = 0; i < n; i++) {
		GVariant *nv = g_variant_get_child_value(nodes, i);
		GVariant *fv = g_variant_get_child_value(nv, 1);

		flows += g_variant_n_children(fv);
		g_variant_unref(fv);
		g_variant_unref(nv);
	}
	/* the span: none, or first <= last; no more ids than objects held
	 * allow; counters of as many frames as the span has at most */
	if (u.bad || !mpf__partial_times_ok(t0, t1) || nc != MPF_COUNTER_COUNT ||
	    (sp.first == 0) != (sp.last == 0) ||
	    sp.first > sp.last ||
	    cv[MPF_COUNTER_FRAMES] > (uint64_t)sp.last - sp.first + (sp.last != 0) ||
	    node_count > ID_SLACK * (uint64_t)(n + flows + 1) ||
	    flow_count > ID_SLACK * (uint64_t)(flows + 1) ||
	    n > node_count || flows > flow_count) {
		st = MPF_ERR_MALFORMED;
		goto out;
	}
	defaults = mpf_config_new();
	cfg = *defaults;
	mpf_config_free(defaults);
	cfg.retain_frames = false;
	ctx = mpf_ctx_new(&cfg);
	ctx->imported = true;
	ctx->fed = sp.first != 0;
	ctx->first_number = sp.first;
	ctx->last_number = sp.last;
	ctx->first_ts = t0;
	ctx->last_ts = t1;
	ctx->now_ns = t1;
	memcpy(ctx->counters, cv, sizeof(ctx->counters));
	/* ids are kept: a merge of one part reads as the part itself */
	if (node_count) {
		g_ptr_array_set_size(ctx->nodes.all, node_count);
		ctx->nodes.next = node_count;
	}
	if (flow_count) {
		g_ptr_array_set_size(ctx->flows.all, flow_count);
		ctx->flows.next = flow_count;
	}
	for (i = 0; i < n && st == MPF_OK; i++) {
		GVariant *nv = g_variant_get_child_value(nodes, i);

		st = node_import(ctx, nv, &sp);
		g_variant_unref(nv);
	}
	for (i = 0; i < MPF_COUNTER_COUNT && st == MPF_OK; i++)
		if (ctx->counters[i] > ctx->counters[MPF_COUNTER_FRAMES] &&
		    i != MPF_COUNTER_RELEASED && i != MPF_COUNTER_EVICTED)
			st = MPF_ERR_MALFORMED;
	if (st == MPF_OK)
		st = state_import(ctx, states);
	if (st != MPF_OK)
		mpf_ctx_free(ctx);
	else
		*out = ctx;
out:
	g_variant_unref(spanv);
	g_variant_unref(counters);
	g_variant_unref(nodes);
	g_variant_unref(states);
	g_variant_unref(top);
	return st;
}

int
mpf_ctx_new_from_partial(const void *data, size_t len, struct mpf_ctx **ctx)
{
	if (ctx)
		*ctx = NULL;
	if (!data || !ctx)
		return MPF_ERR_INVALID;
	return mpf__partial_load(data, len, ctx);
}
