/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the node/flow graph shared by every backend
 *
 * The context owns every node and flow; ids are indexes into its arrays,
 * assigned in order of first appearance. A node lists its flows in the
 * order they appeared. Backends keep their own data in the zeroed private
 * area allocated with each object (node_priv_size / flow_priv_size), so a
 * node or flow costs one allocation.
 */
#include <stdio.h>
#include <string.h>

#include "mpf-private.h"

/* Private data follows the public part, aligned for any type. */
#define PRIV_OFFSET(type) (((sizeof(type) + 15) / 16) * 16)

struct mpf_node *
mpf__node_alloc(struct mpf_ctx *ctx, const struct mpf_backend *backend,
		uint32_t id)
{
	struct mpf_node *n =
		g_malloc0(PRIV_OFFSET(struct mpf_node) + backend->node_priv_size);

	n->id = id;
	n->merged_into = MPF_ID_NONE;
	n->protocol = (uint8_t)backend->protocol;
	n->backend = backend;
	n->flows = g_ptr_array_new();
	n->priv = (char *)n + PRIV_OFFSET(struct mpf_node);
	mpf__ids_put(&ctx->nodes, id, n);
	mpf__settle_touch(ctx, n);
	return n;
}

struct mpf_node *
mpf__node_new(struct mpf_ctx *ctx, const struct mpf_backend *backend,
	      const struct mpf_pkt *pkt)
{
	struct mpf_node *n = mpf__node_alloc(ctx, backend, ctx->nodes.next);

	n->first_frame = n->last_frame = pkt->raw->number;
	n->first_ts = n->last_ts = pkt->ts_ns;
	if (ctx->config.streaming)
		mpf__stream_new(ctx, n);
	return n;
}

struct mpf_flow *
mpf__flow_alloc(struct mpf_ctx *ctx, struct mpf_node *node, uint32_t id)
{
	struct mpf_flow *f = g_malloc0(PRIV_OFFSET(struct mpf_flow) +
				       node->backend->flow_priv_size);

	f->id = id;
	f->merged_into = MPF_ID_NONE;
	f->node = node;
	f->priv = (char *)f + PRIV_OFFSET(struct mpf_flow);
	mpf__ids_put(&ctx->flows, id, f);
	g_ptr_array_add(node->flows, f);
	return f;
}

struct mpf_flow *
mpf__flow_new(struct mpf_ctx *ctx, struct mpf_node *node,
	      const struct mpf_endpoint *src, const struct mpf_endpoint *dst,
	      const struct mpf_pkt *pkt)
{
	struct mpf_flow *f = mpf__flow_alloc(ctx, node, ctx->flows.next);

	f->src = *src;
	f->dst = *dst;
	f->first_frame = f->last_frame = pkt->raw->number;
	f->first_ts = f->last_ts = pkt->ts_ns;
	return f;
}

void
mpf__flow_account(struct mpf_ctx *ctx, struct mpf_flow *flow,
		  enum mpf_side dir, const struct mpf_pkt *pkt)
{
	struct mpf_node *n = flow->node;
	uint32_t number = pkt->raw->number;

	flow->packets[dir]++;
	flow->bytes[dir] += pkt->raw->wirelen;
	flow->payload[dir] += pkt->payload_len;
	flow->last_frame = number;
	flow->last_ts = pkt->ts_ns;
	n->packets++;
	n->bytes += pkt->raw->wirelen;
	n->last_frame = number;
	n->last_ts = pkt->ts_ns;
	mpf__settle_touch(ctx, n);
}

/* Widens the frames and times of @keep (a node or a flow: the same
 * fields) to take in @gone's. */
#define SPAN_WIDEN(keep, gone)                                               \
	do {                                                                 \
		if ((gone)->first_frame < (keep)->first_frame) {             \
			(keep)->first_frame = (gone)->first_frame;           \
			(keep)->first_ts = (gone)->first_ts;                 \
		}                                                            \
		if ((gone)->last_frame > (keep)->last_frame) {               \
			(keep)->last_frame = (gone)->last_frame;             \
			(keep)->last_ts = (gone)->last_ts;                   \
		}                                                            \
	} while (0)

void
mpf__node_merge(struct mpf_ctx *ctx, struct mpf_node *keep,
		struct mpf_node *gone,
		void (*fix)(struct mpf_frame *rec, void *user), void *user)
{
	guint i;

	for (i = 0; i < gone->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(gone->flows, i);

		f->node = keep;
		g_ptr_array_add(keep->flows, f);
	}
	g_ptr_array_set_size(gone->flows, 0);
	keep->packets += gone->packets;
	keep->bytes += gone->bytes;
	SPAN_WIDEN(keep, gone);
	gone->merged_into = keep->id;
	gone->packets = gone->bytes = 0;
	mpf__settle_touch(ctx, keep);
	mpf__settle_touch(ctx, gone);
	/* @gone and the nodes merged into it before are @keep's now (and
	 * are released with it when streaming) */
	if (!keep->absorbed)
		keep->absorbed = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_array_append_val(keep->absorbed, gone->id);
	for (i = 0; gone->absorbed && i < gone->absorbed->len; i++) {
		uint32_t id = g_array_index(gone->absorbed, uint32_t, i);
		struct mpf_node *a = mpf__ids_get(&ctx->nodes, id);

		if (a)
			a->merged_into = keep->id;
		g_array_append_val(keep->absorbed, id);
	}
	if (gone->absorbed)
		g_array_set_size(gone->absorbed, 0);
	if (fix)
		mpf__store_rewrite(ctx->store, gone->first_frame, gone->id, fix,
				   user);
	mpf__node_frames_merge(keep, gone);
	mpf__stream_absorbed(ctx, keep, gone);
}

void
mpf__flow_absorb(struct mpf_flow *keep, struct mpf_flow *gone)
{
	bool same = mpf__addr_equal(&keep->src.addr, &gone->src.addr);
	int d;

	for (d = 0; d < 2; d++) {
		int k = same ? d : 1 - d;

		keep->packets[k] += gone->packets[d];
		keep->bytes[k] += gone->bytes[d];
		keep->payload[k] += gone->payload[d];
	}
	SPAN_WIDEN(keep, gone);
	g_ptr_array_remove(gone->node->flows, gone);
	gone->merged_into = keep->id;
	/* freed with the node that keeps @keep (streaming) */
	gone->node = keep->node;
	if (!keep->node->absorbed_flows)
		keep->node->absorbed_flows = g_ptr_array_new();
	g_ptr_array_add(keep->node->absorbed_flows, gone);
	memset(gone->packets, 0, sizeof(gone->packets));
	memset(gone->bytes, 0, sizeof(gone->bytes));
}

void
mpf__flow_move(struct mpf_ctx *ctx, struct mpf_flow *f, struct mpf_node *to,
	       void (*fix)(struct mpf_frame *rec, void *user), void *user)
{
	struct mpf_node *from = f->node;
	uint64_t packets = f->packets[0] + f->packets[1];
	uint64_t bytes = f->bytes[0] + f->bytes[1];
	guint i;

	g_ptr_array_remove(from->flows, f);
	from->packets -= packets;
	from->bytes -= bytes;
	/* the frames @from still has are its other flows' */
	for (i = 0; i < from->flows->len; i++) {
		const struct mpf_flow *x = g_ptr_array_index(from->flows, i);

		if (i == 0 || x->first_frame < from->first_frame) {
			from->first_frame = x->first_frame;
			from->first_ts = x->first_ts;
		}
		if (i == 0 || x->last_frame > from->last_frame) {
			from->last_frame = x->last_frame;
			from->last_ts = x->last_ts;
		}
	}
	f->node = to;
	g_ptr_array_add(to->flows, f);
	to->packets += packets;
	to->bytes += bytes;
	SPAN_WIDEN(to, f);
	mpf__settle_touch(ctx, from);
	mpf__settle_touch(ctx, to);
	if (fix)
		mpf__store_rewrite(ctx->store, f->first_frame, from->id, fix,
				   user);
}

/* ---------------------------------------------------------------- tuple */

static inline uint64_t
load_be64(const uint8_t *p)
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 |
	       (uint64_t)p[2] << 40 | (uint64_t)p[3] << 32 |
	       (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
	       (uint64_t)p[6] << 8 | p[7];
}

bool
mpf__endpoint_equal(const struct mpf_endpoint *x, const struct mpf_endpoint *y)
{
	return x->port == y->port && mpf__addr_equal(&x->addr, &y->addr);
}

bool
mpf__tuple_from_pkt(struct mpf_tuple *t, const struct mpf_pkt *pkt)
{
	int c = 0, i;

	for (i = 0; i < 16 && c == 0; i += 8) {
		uint64_t a = load_be64(pkt->src.bytes + i);
		uint64_t b = load_be64(pkt->dst.bytes + i);

		c = a == b ? 0 : (a < b ? -1 : 1);
	}
	if (c == 0)
		c = (int)pkt->sport - (int)pkt->dport;
	memset(t, 0, sizeof(*t)); /* the padding, for whole-struct copies */
	if (c <= 0) {
		t->a.addr = pkt->src;
		t->a.port = pkt->sport;
		t->b.addr = pkt->dst;
		t->b.port = pkt->dport;
		return true;
	}
	t->a.addr = pkt->dst;
	t->a.port = pkt->dport;
	t->b.addr = pkt->src;
	t->b.port = pkt->sport;
	return false;
}

static inline guint64
mix64(guint64 h, guint64 v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

guint
mpf__tuple_hash(gconstpointer key)
{
	const struct mpf_tuple *t = key;
	guint64 h = 0, w;
	int i;

	for (i = 0; i < 16; i += 8) {
		memcpy(&w, t->a.addr.bytes + i, 8);
		h = mix64(h, w);
		memcpy(&w, t->b.addr.bytes + i, 8);
		h = mix64(h, w);
	}
	h = mix64(h, (guint64)t->a.port << 16 | t->b.port);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (guint)h;
}

gboolean
mpf__tuple_equal(gconstpointer a, gconstpointer b)
{
	const struct mpf_tuple *x = a, *y = b;

	return mpf__endpoint_equal(&x->a, &y->a) &&
	       mpf__endpoint_equal(&x->b, &y->b);
}

/* ------------------------------------------------------------ addresses */

char *
mpf_addr_to_string(const struct mpf_addr *addr, char *buf, size_t len)
{
	char tmp[MPF_ADDR_STRLEN], *o = tmp;
	const uint8_t *b;
	int best = -1, best_len = 0, i;

	if (!buf || len == 0)
		return buf;
	if (!addr || (addr->family != 4 && addr->family != 6)) {
		buf[0] = '\0';
		return buf;
	}
	b = addr->bytes;
	if (addr->family == 4) {
		g_snprintf(buf, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		return buf;
	}
	/* as inet_ntop prints them: IPv4-mapped and IPv4-compatible
	 * addresses end in dotted decimal */
	if (!memcmp(b, "\0\0\0\0\0\0\0\0\0\0", 10) &&
	    ((b[10] == 0xff && b[11] == 0xff) ||
	     (!b[10] && !b[11] && (b[12] || b[13])))) {
		g_snprintf(buf, len, "::%s%u.%u.%u.%u", b[10] ? "ffff:" : "",
			   b[12], b[13], b[14], b[15]);
		return buf;
	}
	/* RFC 5952: the longest run (two or more) of zero groups becomes
	 * "::", the first such run when several are as long */
	for (i = 0; i < 8;) {
		int j = i;

		while (j < 8 && b[2 * j] == 0 && b[2 * j + 1] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			*o++ = ':';
			*o++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i > 0 && i != best + best_len)
			*o++ = ':';
		o += g_snprintf(o, 5, "%x", b[2 * i] << 8 | b[2 * i + 1]);
	}
	*o = '\0';
	g_strlcpy(buf, tmp, len);
	return buf;
}

/* ----------------------------------------------------------- accessors */

/*
 * The getters that read one field: mpf_<object>_get_<name>() gives the
 * field, or @none when the object is NULL.
 */
#define FIELD_GETTERS(X)                                                     \
	X(ctx, node_count, uint32_t, nodes.next, 0)                          \
	X(ctx, flow_count, uint32_t, flows.next, 0)                          \
	X(node, id, uint32_t, id, MPF_ID_NONE)                               \
	X(node, merged_into, uint32_t, merged_into, MPF_ID_NONE)             \
	X(node, first_frame, uint32_t, first_frame, 0)                       \
	X(node, last_frame, uint32_t, last_frame, 0)                         \
	X(node, first_time, int64_t, first_ts, 0)                            \
	X(node, last_time, int64_t, last_ts, 0)                              \
	X(node, packets, uint64_t, packets, 0)                               \
	X(node, bytes, uint64_t, bytes, 0)                                   \
	X(node, flow_count, uint32_t, flows->len, 0)                         \
	X(flow, id, uint32_t, id, MPF_ID_NONE)                               \
	X(flow, merged_into, uint32_t, merged_into, MPF_ID_NONE)             \
	X(flow, node_id, uint32_t, node->id, MPF_ID_NONE)                    \
	X(flow, first_frame, uint32_t, first_frame, 0)                       \
	X(flow, last_frame, uint32_t, last_frame, 0)                         \
	X(flow, first_time, int64_t, first_ts, 0)                            \
	X(flow, last_time, int64_t, last_ts, 0)

#define FIELD_GETTER(object, name, type, field, none)                        \
	type mpf_##object##_get_##name(const struct mpf_##object *object)    \
	{                                                                    \
		return object ? object->field : none;                        \
	}
FIELD_GETTERS(FIELD_GETTER)
#undef FIELD_GETTER

const struct mpf_node *
mpf_ctx_get_node(const struct mpf_ctx *ctx, uint32_t id)
{
	return ctx ? mpf__ids_get(&ctx->nodes, id) : NULL;
}

const struct mpf_flow *
mpf_ctx_get_flow(const struct mpf_ctx *ctx, uint32_t id)
{
	return ctx ? mpf__ids_get(&ctx->flows, id) : NULL;
}

/* ---------------------------------------------------------------- ids */

void
mpf__ids_init(struct mpf_ids *t, bool streaming)
{
	memset(t, 0, sizeof(*t));
	if (streaming)
		t->live = g_hash_table_new(g_direct_hash, g_direct_equal);
	else
		t->all = g_ptr_array_new();
}

void
mpf__ids_put(struct mpf_ids *t, uint32_t id, void *obj)
{
	if (t->live)
		g_hash_table_insert(t->live, GUINT_TO_POINTER(id), obj);
	else {
		if (id >= t->all->len)
			g_ptr_array_set_size(t->all, id + 1);
		g_ptr_array_index(t->all, id) = obj;
	}
	if (id >= t->next)
		t->next = id + 1;
}

void *
mpf__ids_get(const struct mpf_ids *t, uint32_t id)
{
	if (id >= t->next)
		return NULL;
	if (t->live)
		return g_hash_table_lookup(t->live, GUINT_TO_POINTER(id));
	return g_ptr_array_index(t->all, id);
}

void
mpf__ids_remove(struct mpf_ids *t, uint32_t id)
{
	if (t->live)
		g_hash_table_remove(t->live, GUINT_TO_POINTER(id));
	else if (id < t->all->len)
		g_ptr_array_index(t->all, id) = NULL;
}

struct plain_fn {
	void (*fn)(void *obj);
};

static void
call_plain(void *obj, void *user)
{
	((const struct plain_fn *)user)->fn(obj);
}

void
mpf__ids_foreach(const struct mpf_ids *t, void (*fn)(void *obj))
{
	struct plain_fn p = { fn };

	mpf__ids_foreach_data(t, call_plain, &p);
}

void
mpf__ids_foreach_data(const struct mpf_ids *t,
		      void (*fn)(void *obj, void *user), void *user)
{
	if (t->live) {
		GHashTableIter it;
		gpointer v;

		g_hash_table_iter_init(&it, t->live);
		while (g_hash_table_iter_next(&it, NULL, &v))
			fn(v, user);
		return;
	}
	for (guint i = 0; i < t->all->len; i++)
		if (g_ptr_array_index(t->all, i))
			fn(g_ptr_array_index(t->all, i), user);
}

void
mpf__ids_fini(struct mpf_ids *t)
{
	if (t->live)
		g_hash_table_destroy(t->live);
	if (t->all)
		g_ptr_array_free(t->all, TRUE);
	memset(t, 0, sizeof(*t));
}

/* The flow's counts one way: mpf_flow_get_<name>(flow, dir), 0 for a NULL
 * flow or a direction out of range. */
#define FLOW_WAY_GETTERS(X)                                                  \
	X(packets, packets)                                                  \
	X(bytes, bytes)                                                      \
	X(payload_bytes, payload)

#define FLOW_WAY_GETTER(name, field)                                         \
	uint64_t mpf_flow_get_##name(const struct mpf_flow *flow,            \
				     enum mpf_side dir)                  \
	{                                                                    \
		return flow && (unsigned)dir < 2 ? flow->field[dir] : 0;     \
	}
FLOW_WAY_GETTERS(FLOW_WAY_GETTER)
#undef FLOW_WAY_GETTER

enum mpf_protocol
mpf_node_get_protocol(const struct mpf_node *node)
{
	return node ? (enum mpf_protocol)node->protocol : MPF_PROTO_NONE;
}

const struct mpf_flow *
mpf_node_get_flow(const struct mpf_node *node, uint32_t index)
{
	if (!node || index >= node->flows->len)
		return NULL;
	return g_ptr_array_index(node->flows, index);
}

void
mpf_flow_get_endpoints(const struct mpf_flow *flow, struct mpf_endpoint *src,
		       struct mpf_endpoint *dst)
{
	if (!flow)
		return;
	if (src)
		*src = flow->src;
	if (dst)
		*dst = flow->dst;
}
