/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * export.c: a context's graph as a partial: the header, the span, the
 * counters, the nodes with their flows, each backend's part.
 *
 * Reads the context; changes nothing.
 */
#include "partial/partial-int.h"

void
mpf_free(void *data)
{
	g_free(data);
}

static GVariant *
unit(void)
{
	return g_variant_new_tuple(NULL, 0);
}

static GVariant *
flow_export(const struct mpf_flow *f)
{
	const struct mpf_backend *b = f->node->backend;
	struct mpf_traffic t;
	struct mpf_pack p;

	mpf__partial_flow_traffic(f, &t);
	mpf__pack_begin(&p);
	mpf__pack_u(&p, f->id);
	mpf__pack_endpoint(&p, &f->src);
	mpf__pack_endpoint(&p, &f->dst);
	mpf__pack_traffic(&p, &t);
	return mpf__tuple(2, mpf__pack_tuple(&p, FLOW_CORE_T),
			  g_variant_new_variant(b->flow_export ? b->flow_export(f)
							       : unit()));
}

static GVariant *
node_export(const struct mpf_node *n)
{
	const struct mpf_backend *b = n->backend;
	GVariant **flows = g_new(GVariant *, n->flows->len + 1);
	struct mpf_pack p;
	GVariant *v;
	guint i;

	for (i = 0; i < n->flows->len; i++)
		flows[i] = flow_export(g_ptr_array_index(n->flows, i));
	mpf__pack_begin(&p);
	mpf__pack_y(&p, n->protocol);
	mpf__pack_u(&p, n->id);
	mpf__pack_u(&p, n->first_frame);
	mpf__pack_u(&p, n->last_frame);
	mpf__pack_x(&p, n->first_ts);
	mpf__pack_x(&p, n->last_ts);
	mpf__pack_t(&p, n->packets);
	mpf__pack_t(&p, n->bytes);
	v = mpf__tuple(3, mpf__pack_tuple(&p, NODE_CORE_T),
		       g_variant_new_array(TYPE(FLOW_T), flows, n->flows->len),
		       g_variant_new_variant(b->node_export ? b->node_export(n)
							    : unit()));
	g_free(flows);
	return v;
}

static GVariant *
ctx_export(const struct mpf_ctx *ctx)
{
	GPtrArray *nodes = g_ptr_array_new();
	GVariantBuilder states;
	struct mpf_pack span, counters;
	GVariant *v;
	uint32_t id;
	int i;

	for (id = 0; id < ctx->nodes.next; id++) {
		const struct mpf_node *n = mpf__ids_get(&ctx->nodes, id);

		/* a node merged into another is shown through it */
		if (n && n->merged_into == MPF_ID_NONE)
			g_ptr_array_add(nodes, node_export(n));
	}
	g_variant_builder_init(&states, G_VARIANT_TYPE("a(yv)"));
	for (i = 0; mpf__backends[i]; i++) {
		const struct mpf_backend *b = mpf__backends[i];

		if (b->state_export && ctx->state[b->protocol])
			g_variant_builder_add(&states, "(yv)", b->protocol,
					      b->state_export(ctx,
							      ctx->state[b->protocol]));
	}
	mpf__pack_begin(&span);
	mpf__pack_u(&span, ctx->fed ? ctx->first_number : 0);
	mpf__pack_u(&span, ctx->fed ? ctx->last_number : 0);
	mpf__pack_u(&span, ctx->nodes.next);
	mpf__pack_u(&span, ctx->flows.next);
	mpf__pack_x(&span, ctx->first_ts);
	mpf__pack_x(&span, ctx->last_ts);
	mpf__pack_begin(&counters);
	for (i = 0; i < MPF_COUNTER_COUNT; i++) {
		mpf__pack_t(&counters, ctx->counters[i]);
		mpf__pack_next(&counters);
	}
	v = mpf__tuple(4, mpf__pack_tuple(&span, SPAN_T),
		       mpf__pack_array(&counters, "t"),
		       g_variant_new_array(TYPE(NODE_T), (GVariant **)nodes->pdata,
					   nodes->len),
		       g_variant_builder_end(&states));
	g_ptr_array_free(nodes, TRUE);
	return v;
}

/* @v as @n little-endian bytes at @p. */
static void
put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int
mpf_ctx_export_partial(const struct mpf_ctx *ctx, void **data, size_t *len)
{
	GVariant *top, *le;
	uint8_t *buf;
	gsize size;

	if (data)
		*data = NULL;
	if (len)
		*len = 0;
	if (!ctx || !data || !len || ctx->config.streaming)
		return MPF_ERR_INVALID;
	top = g_variant_ref_sink(ctx_export(ctx));
	if (G_BYTE_ORDER == G_BIG_ENDIAN) {
		le = g_variant_byteswap(top);
		g_variant_unref(top);
		top = le;
	}
	size = g_variant_get_size(top);
	buf = g_malloc(PARTIAL_HEAD + size);
	memcpy(buf, PARTIAL_MAGIC, 8);
	put_le(buf + 8, PARTIAL_VERSION, 4);
	put_le(buf + 12, 0, 4);
	put_le(buf + 16, size, 8);
	g_variant_store(top, buf + PARTIAL_HEAD);
	g_variant_unref(top);
	*data = buf;
	*len = PARTIAL_HEAD + size;
	return MPF_OK;
}
