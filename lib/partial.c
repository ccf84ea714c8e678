/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: partial results: a context's graph as bytes, read back, and
 * the partials of consecutive parts of a capture merged into the whole
 *
 * A partial is a 24-byte header and a GVariant (GLib's typed
 * serialization, little-endian whatever the host):
 *
 *   0  "mpflowP\0"   magic
 *   8  u32 LE        format version (PARTIAL_VERSION)
 *  12  u32 LE        flags, 0
 *  16  u64 LE        length of the GVariant that follows
 *  24  TOP_T         the span fed, the counters, the nodes with their
 *                    flows, each backend's state (see the types below)
 *
 * Each node and flow carries the core's part (ids, frames, times, counts)
 * and its backend's (a variant of the backend's own type). Their
 * fixed-size parts are packed (mpf__pack_*: one allocation a tuple or an
 * array, laid out as GVariant lays them) and read back with a
 * bounds-checked cursor (mpf__unpack_*) once GLib has checked the whole
 * GVariant for normal form; the type strings are the format. Reading
 * validates like packet parsing: a header that does not match is
 * MPF_ERR_PARTIAL, a length past the bytes given MPF_ERR_TRUNCATED,
 * anything else that no analysis writes (not GVariant's normal form, a
 * wrong type, an out-of-range value, counts that do not add up)
 * MPF_ERR_MALFORMED; the context being built is then freed.
 *
 * The merge folds each part into the accumulated context of the parts
 * before it: counters add up, then each backend ties what the later part
 * could not (partial_residues), joins its nodes to the ones they continue
 * (partial_join), and the nodes that continue nothing move over with new
 * ids, in the order they appeared.
 */
#include <stdarg.h>
#include <string.h>

#include "mpf-private.h"

/* Our type strings are constants that the tests load back: used as
 * GVariantTypes directly (which is what they are), not checked again at
 * each use as G_VARIANT_TYPE() would. */
#define TYPE(s) ((const GVariantType *)(s))

#define PARTIAL_MAGIC "mpflowP"  /* and its NUL: 8 bytes */
#define PARTIAL_VERSION 1u
#define PARTIAL_HEAD 24
#define PARTIAL_MAX ((uint64_t)1 << 34) /* 16 GiB: no real one comes near */
/* ids beyond the objects held: the gaps of nodes and flows merged into
 * others, which are not exported (bounded, so a hostile count cannot
 * allocate more than a few times the input) */
#define ID_SLACK 64

/* A flow: its id, ends, frames, times, packets, bytes and payload each
 * way; then its backend's part. A node: protocol, id, frames, times,
 * packets, bytes; its flows; its backend's part. */
#define FLOW_CORE_T "(u" MPF_ENDPOINT_T MPF_ENDPOINT_T "uuxxtttttt)"
#define FLOW_T "(" FLOW_CORE_T "v)"
#define NODE_CORE_T "(yuuuxxtt)"
#define NODE_T "(" NODE_CORE_T "a" FLOW_T "v)"
/* first and last frame fed, node and flow id counts, first and last time
 * stamp; the counters; the nodes; each backend's state by protocol */
#define SPAN_T "(uuuuxx)"
#define TOP_T "(" SPAN_T "ata" NODE_T "a(yv))"

void
mpf_free(void *data)
{
	g_free(data);
}

/* ------------------------------------------------------------ packing */

/* GVariant's alignment (and size) of a basic fixed-size type. */
static guint
type_align(char c)
{
	switch (c) {
	case 'y':
	case 'b':
		return 1;
	case 'n':
	case 'q':
		return 2;
	case 'i':
	case 'u':
		return 4;
	default: /* x t d */
		return 8;
	}
}

/* The size of a flat tuple of basic fixed-size types (or of one such
 * type), as GVariant lays it out; 0 for a type that is not one. */
static gsize
fixed_size(const char *type)
{
	gsize size = 0;
	guint max = 1;
	const char *c;

	if (type[0] && !type[1] && strchr("ybnqiuxtd", type[0]))
		return type_align(type[0]); /* a basic type alone */
	if (type[0] != '(')
		return 0;
	for (c = type + 1; *c && *c != ')'; c++) {
		guint a;

		if (!strchr("ybnqiuxtd", *c))
			return 0;
		a = type_align(*c);
		size = (size + a - 1) / a * a + a;
		max = MAX(max, a);
	}
	if (*c != ')' || c[1])
		return 0;
	return (size + max - 1) / max * max;
}

void
mpf__pack_begin(struct mpf_pack *p)
{
	p->b = g_byte_array_new();
	p->align = 1;
}

static void
pack(struct mpf_pack *p, const void *v, guint size)
{
	static const uint8_t zero[8];
	guint pad = (size - p->b->len % size) % size;

	if (pad)
		g_byte_array_append(p->b, zero, pad);
	g_byte_array_append(p->b, v, size);
	p->align = MAX(p->align, size);
}

void
mpf__pack_y(struct mpf_pack *p, uint8_t v)
{
	pack(p, &v, 1);
}

void
mpf__pack_b(struct mpf_pack *p, bool v)
{
	mpf__pack_y(p, v ? 1 : 0);
}

void
mpf__pack_n(struct mpf_pack *p, int16_t v)
{
	pack(p, &v, 2);
}

void
mpf__pack_q(struct mpf_pack *p, uint16_t v)
{
	pack(p, &v, 2);
}

void
mpf__pack_i(struct mpf_pack *p, int32_t v)
{
	pack(p, &v, 4);
}

void
mpf__pack_u(struct mpf_pack *p, uint32_t v)
{
	pack(p, &v, 4);
}

void
mpf__pack_x(struct mpf_pack *p, int64_t v)
{
	pack(p, &v, 8);
}

void
mpf__pack_t(struct mpf_pack *p, uint64_t v)
{
	pack(p, &v, 8);
}

void
mpf__pack_d(struct mpf_pack *p, double v)
{
	pack(p, &v, 8);
}

void
mpf__pack_next(struct mpf_pack *p)
{
	static const uint8_t zero[8];
	guint pad = (p->align - p->b->len % p->align) % p->align;

	if (pad)
		g_byte_array_append(p->b, zero, pad);
}

static GVariant *
pack_end(struct mpf_pack *p, const char *type, bool array)
{
	gsize fixed = fixed_size(type), size;
	char atype[256];
	void *data;

	mpf__pack_next(p);
	size = p->b->len;
	/* a programming error, not bad input: the code and its type agree */
	g_assert(fixed && (array ? size % fixed == 0 : size == fixed));
	g_assert(strlen(type) + 2 <= sizeof(atype));
	data = g_byte_array_free(p->b, FALSE);
	p->b = NULL;
	g_snprintf(atype, sizeof(atype), "%s%s", array ? "a" : "", type);
	return g_variant_new_from_data(TYPE(atype), data, size, TRUE, g_free, data);
}

GVariant *
mpf__pack_values(GHashTable *t, bool (*one)(struct mpf_pack *p, gconstpointer value),
		 const char *type)
{
	struct mpf_pack p;
	GHashTableIter it;
	gpointer v;

	mpf__pack_begin(&p);
	if (t) {
		g_hash_table_iter_init(&it, t);
		while (g_hash_table_iter_next(&it, NULL, &v))
			if (one(&p, v))
				mpf__pack_next(&p);
	}
	return mpf__pack_array(&p, type);
}

GVariant *
mpf__tuple(gsize n, ...)
{
	GVariant *v[8];
	va_list ap;
	gsize i;

	g_assert(n <= G_N_ELEMENTS(v));
	va_start(ap, n);
	for (i = 0; i < n; i++)
		v[i] = va_arg(ap, GVariant *);
	va_end(ap);
	return g_variant_new_tuple(v, n);
}

GVariant *
mpf__pack_tuple(struct mpf_pack *p, const char *type)
{
	return pack_end(p, type, false);
}

GVariant *
mpf__pack_array(struct mpf_pack *p, const char *type)
{
	return pack_end(p, type, true);
}

void
mpf__unpack_tuple(struct mpf_unpack *u, GVariant *v)
{
	memset(u, 0, sizeof(*u));
	u->p = g_variant_get_data(v);
	u->size = u->p ? g_variant_get_size(v) : 0;
	u->align = 1;
}

gsize
mpf__unpack_array(struct mpf_unpack *u, GVariant *v)
{
	mpf__unpack_tuple(u, v);
	return g_variant_n_children(v);
}

static bool
unpack(struct mpf_unpack *u, void *v, guint size)
{
	u->off = (u->off + size - 1) / size * size;
	u->align = MAX(u->align, size);
	if (u->bad || u->off > u->size || u->size - u->off < size) {
		u->bad = true;
		memset(v, 0, size);
		return false;
	}
	memcpy(v, u->p + u->off, size);
	u->off += size;
	return true;
}

void
mpf__unpack_next(struct mpf_unpack *u)
{
	u->off = (u->off + u->align - 1) / u->align * u->align;
}

uint8_t
mpf__unpack_y(struct mpf_unpack *u)
{
	uint8_t v;

	unpack(u, &v, 1);
	return v;
}

bool
mpf__unpack_b(struct mpf_unpack *u)
{
	return mpf__unpack_y(u) != 0;
}

int16_t
mpf__unpack_n(struct mpf_unpack *u)
{
	int16_t v;

	unpack(u, &v, 2);
	return v;
}

uint16_t
mpf__unpack_q(struct mpf_unpack *u)
{
	uint16_t v;

	unpack(u, &v, 2);
	return v;
}

int32_t
mpf__unpack_i(struct mpf_unpack *u)
{
	int32_t v;

	unpack(u, &v, 4);
	return v;
}

uint32_t
mpf__unpack_u(struct mpf_unpack *u)
{
	uint32_t v;

	unpack(u, &v, 4);
	return v;
}

int64_t
mpf__unpack_x(struct mpf_unpack *u)
{
	int64_t v;

	unpack(u, &v, 8);
	return v;
}

uint64_t
mpf__unpack_t(struct mpf_unpack *u)
{
	uint64_t v;

	unpack(u, &v, 8);
	return v;
}

double
mpf__unpack_d(struct mpf_unpack *u)
{
	double v;

	unpack(u, &v, 8);
	return v;
}

static uint64_t
load_be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
store_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

void
mpf__pack_addr(struct mpf_pack *p, const struct mpf_addr *a)
{
	mpf__pack_y(p, a->family);
	mpf__pack_t(p, load_be64(a->bytes));
	mpf__pack_t(p, load_be64(a->bytes + 8));
}

void
mpf__pack_endpoint(struct mpf_pack *p, const struct mpf_endpoint *e)
{
	mpf__pack_addr(p, &e->addr);
	mpf__pack_q(p, e->port);
}

bool
mpf__unpack_addr(struct mpf_unpack *u, struct mpf_addr *a)
{
	static const uint8_t zero[16];

	memset(a, 0, sizeof(*a));
	a->family = mpf__unpack_y(u);
	store_be64(a->bytes, mpf__unpack_t(u));
	store_be64(a->bytes + 8, mpf__unpack_t(u));
	if (a->family != 0 && a->family != 4 && a->family != 6)
		return false;
	/* IPv4 uses the first 4 bytes, the rest are zero; none has none */
	if (a->family == 4 && memcmp(a->bytes + 4, zero, 12))
		return false;
	return a->family != 0 || !memcmp(a->bytes, zero, 16);
}

bool
mpf__unpack_endpoint(struct mpf_unpack *u, struct mpf_endpoint *e)
{
	bool ok;

	memset(e, 0, sizeof(*e));
	ok = mpf__unpack_addr(u, &e->addr);
	e->port = mpf__unpack_q(u);
	return ok;
}

void
mpf__pack_traffic(struct mpf_pack *p, const struct mpf_traffic *t)
{
	int d;

	mpf__pack_u(p, t->first_frame);
	mpf__pack_u(p, t->last_frame);
	mpf__pack_x(p, t->first_ts);
	mpf__pack_x(p, t->last_ts);
	for (d = 0; d < 2; d++)
		mpf__pack_t(p, t->packets[d]);
	for (d = 0; d < 2; d++)
		mpf__pack_t(p, t->bytes[d]);
	for (d = 0; d < 2; d++)
		mpf__pack_t(p, t->payload[d]);
}

/* Whether @t0 and @t1 are times a capture can give: within 2^62 ns of
 * the epoch either way (pcap's 32-bit seconds stay below it), so that the
 * readers may subtract them. */
static bool
times_ok(int64_t t0, int64_t t1)
{
	const int64_t lim = (int64_t)1 << 62;

	return t0 >= -lim && t0 <= lim && t1 >= -lim && t1 <= lim;
}

bool
mpf__unpack_traffic(struct mpf_unpack *u, const struct mpf_ctx *ctx,
		    struct mpf_traffic *t)
{
	int d;

	t->first_frame = mpf__unpack_u(u);
	t->last_frame = mpf__unpack_u(u);
	t->first_ts = mpf__unpack_x(u);
	t->last_ts = mpf__unpack_x(u);
	for (d = 0; d < 2; d++)
		t->packets[d] = mpf__unpack_t(u);
	for (d = 0; d < 2; d++)
		t->bytes[d] = mpf__unpack_t(u);
	for (d = 0; d < 2; d++)
		t->payload[d] = mpf__unpack_t(u);
	for (d = 0; d < 2; d++)
		if (t->packets[d] > ctx->counters[MPF_COUNTER_FRAMES] ||
		    t->bytes[d] > t->packets[d] << 32 || t->payload[d] > t->bytes[d])
			return false;
	if (!times_ok(t->first_ts, t->last_ts))
		return false;
	if (!t->first_frame)
		return !t->last_frame && !t->packets[0] && !t->packets[1];
	return mpf__partial_frame_ok(ctx, t->first_frame) &&
	       mpf__partial_frame_ok(ctx, t->last_frame) &&
	       t->first_frame <= t->last_frame && (t->packets[0] || t->packets[1]);
}

bool
mpf__partial_frame_ok(const struct mpf_ctx *ctx, uint32_t frame)
{
	return frame == 0 || (ctx->fed && ctx->first_number <= frame &&
			      frame <= ctx->last_number);
}

/* ------------------------------------------------------------ export */

static GVariant *
unit(void)
{
	return g_variant_new_tuple(NULL, 0);
}

static GVariant *
flow_export(const struct mpf_flow *f)
{
	const struct mpf_backend *b = f->node->backend;
	struct mpf_pack p;
	int d;

	mpf__pack_begin(&p);
	mpf__pack_u(&p, f->id);
	mpf__pack_endpoint(&p, &f->src);
	mpf__pack_endpoint(&p, &f->dst);
	mpf__pack_u(&p, f->first_frame);
	mpf__pack_u(&p, f->last_frame);
	mpf__pack_x(&p, f->first_ts);
	mpf__pack_x(&p, f->last_ts);
	for (d = 0; d < 2; d++)
		mpf__pack_t(&p, f->packets[d]);
	for (d = 0; d < 2; d++)
		mpf__pack_t(&p, f->bytes[d]);
	for (d = 0; d < 2; d++)
		mpf__pack_t(&p, f->payload[d]);
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

static void
put_le32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int
mpf_ctx_export_partial(const struct mpf_ctx *ctx, void **data, size_t *len)
{
	GVariant *top, *le;
	uint8_t *buf;
	gsize size;
	int i;

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
	put_le32(buf + 8, PARTIAL_VERSION);
	put_le32(buf + 12, 0);
	for (i = 0; i < 8; i++)
		buf[16 + i] = (uint8_t)((uint64_t)size >> (8 * i));
	g_variant_store(top, buf + PARTIAL_HEAD);
	g_variant_unref(top);
	*data = buf;
	*len = PARTIAL_HEAD + size;
	return MPF_OK;
}

/* ------------------------------------------------------------ import */

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
	uint32_t id, first, last;
	int64_t t0, t1;
	uint64_t pk[2], by[2], pl[2];
	bool ends;
	int st = MPF_OK, d;

	mpf__unpack_tuple(&u, core);
	id = mpf__unpack_u(&u);
	/* one after the other: the order of operands is not C's to keep */
	ends = mpf__unpack_endpoint(&u, &src);
	ends = mpf__unpack_endpoint(&u, &dst) && ends;
	first = mpf__unpack_u(&u);
	last = mpf__unpack_u(&u);
	t0 = mpf__unpack_x(&u);
	t1 = mpf__unpack_x(&u);
	for (d = 0; d < 2; d++)
		pk[d] = mpf__unpack_t(&u);
	for (d = 0; d < 2; d++)
		by[d] = mpf__unpack_t(&u);
	for (d = 0; d < 2; d++)
		pl[d] = mpf__unpack_t(&u);
	if (u.bad || !ends || !times_ok(t0, t1) || id >= ctx->flows.next ||
	    mpf__ids_get(&ctx->flows, id) ||
	    !in_span(sp, first, last) || first < n->first_frame ||
	    last > n->last_frame || pk[0] > G_MAXUINT32 ||
	    pk[1] > G_MAXUINT32 || by[0] > pk[0] << 32 || by[1] > pk[1] << 32) {
		st = MPF_ERR_MALFORMED;
		goto out;
	}
	f = mpf__flow_alloc(ctx, n, id);
	f->src = src;
	f->dst = dst;
	f->first_frame = first;
	f->last_frame = last;
	f->first_ts = t0;
	f->last_ts = t1;
	for (d = 0; d < 2; d++) {
		f->packets[d] = pk[d];
		f->bytes[d] = by[d];
		f->payload[d] = pl[d];
	}
	*packets += pk[0] + pk[1];
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
	if (u.bad || !times_ok(t0, t1) || id >= ctx->nodes.next ||
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
static int
partial_load(const void *data, size_t len, struct mpf_ctx **out)
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
	if (u.bad || !times_ok(t0, t1) || nc != MPF_COUNTER_COUNT ||
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
	return partial_load(data, len, ctx);
}

/* ----------------------------------------------------------- traffic */

static void
span_fold(uint32_t *f0, uint32_t *f1, int64_t *t0, int64_t *t1, uint32_t g0,
	  uint32_t g1, int64_t u0, int64_t u1)
{
	if (!g0)
		return; /* nothing to add */
	if (!*f0 || g0 < *f0) {
		*f0 = g0;
		*t0 = u0;
	}
	if (g1 > *f1) {
		*f1 = g1;
		*t1 = u1;
	}
}

void
mpf__traffic_add(struct mpf_traffic *t, int way, const struct mpf_pkt *pkt)
{
	uint32_t number = pkt->raw->number;

	span_fold(&t->first_frame, &t->last_frame, &t->first_ts, &t->last_ts,
		  number, number, pkt->ts_ns, pkt->ts_ns);
	t->packets[way]++;
	t->bytes[way] += pkt->raw->wirelen;
	t->payload[way] += pkt->payload_len;
}

void
mpf__traffic_merge(struct mpf_traffic *t, const struct mpf_traffic *u)
{
	int d;

	span_fold(&t->first_frame, &t->last_frame, &t->first_ts, &t->last_ts,
		  u->first_frame, u->last_frame, u->first_ts, u->last_ts);
	for (d = 0; d < 2; d++) {
		t->packets[d] += u->packets[d];
		t->bytes[d] += u->bytes[d];
		t->payload[d] += u->payload[d];
	}
}

void
mpf__traffic_to_node(struct mpf_node *n, const struct mpf_traffic *t)
{
	span_fold(&n->first_frame, &n->last_frame, &n->first_ts, &n->last_ts,
		  t->first_frame, t->last_frame, t->first_ts, t->last_ts);
	n->packets += t->packets[0] + t->packets[1];
	n->bytes += t->bytes[0] + t->bytes[1];
}

void
mpf__traffic_to_flow(struct mpf_flow *f, const struct mpf_traffic *t, bool swap)
{
	int d;

	for (d = 0; d < 2; d++) {
		int k = swap ? 1 - d : d;

		f->packets[k] += t->packets[d];
		f->bytes[k] += t->bytes[d];
		f->payload[k] += t->payload[d];
	}
	span_fold(&f->first_frame, &f->last_frame, &f->first_ts, &f->last_ts,
		  t->first_frame, t->last_frame, t->first_ts, t->last_ts);
	mpf__traffic_to_node(f->node, t);
}

/* ------------------------------------------------------------- merge */

static void
flow_traffic(const struct mpf_flow *f, struct mpf_traffic *t)
{
	memset(t, 0, sizeof(*t));
	t->first_frame = f->first_frame;
	t->last_frame = f->last_frame;
	t->first_ts = f->first_ts;
	t->last_ts = f->last_ts;
	memcpy(t->packets, f->packets, sizeof(t->packets));
	memcpy(t->bytes, f->bytes, sizeof(t->bytes));
	memcpy(t->payload, f->payload, sizeof(t->payload));
}

/* Takes @f's counts off its node. */
static void
flow_leave(struct mpf_flow *f)
{
	struct mpf_node *n = f->node;

	n->packets -= MIN(n->packets, f->packets[0] + f->packets[1]);
	n->bytes -= MIN(n->bytes, f->bytes[0] + f->bytes[1]);
	g_ptr_array_remove(n->flows, f);
}

void
mpf__partial_flow_fold(struct mpf_flow *keep, struct mpf_flow *gone, bool swap)
{
	struct mpf_traffic t;

	flow_traffic(gone, &t);
	mpf__traffic_to_flow(keep, &t, swap);
	/* @gone stays in its context's ids, freed with it */
	flow_leave(gone);
}

void
mpf__partial_flow_move(struct mpf_ctx *into, struct mpf_ctx *later,
		       struct mpf_node *to, struct mpf_flow *f)
{
	flow_leave(f);
	mpf__ids_remove(&later->flows, f->id);
	f->id = into->flows.next;
	mpf__ids_put(&into->flows, f->id, f);
	f->node = to;
	g_ptr_array_add(to->flows, f);
	to->packets += f->packets[0] + f->packets[1];
	to->bytes += f->bytes[0] + f->bytes[1];
	span_fold(&to->first_frame, &to->last_frame, &to->first_ts, &to->last_ts,
		  f->first_frame, f->last_frame, f->first_ts, f->last_ts);
}

void
mpf__partial_node_fold(struct mpf_node *keep, struct mpf_node *gone)
{
	/* a node's span is its creation and the frames counted on it: what
	 * is left of @gone counts only if frames were counted on it alone
	 * (its flows' frames went with them) */
	if (gone->packets)
		span_fold(&keep->first_frame, &keep->last_frame, &keep->first_ts,
			  &keep->last_ts, gone->first_frame, gone->last_frame,
			  gone->first_ts, gone->last_ts);
	keep->packets += gone->packets;
	keep->bytes += gone->bytes;
	gone->packets = gone->bytes = 0;
}


void
mpf__partial_adopt(struct mpf_ctx *into, struct mpf_ctx *later, struct mpf_node *n)
{
	uint32_t *old = g_new(uint32_t, n->flows->len + 1);
	guint i;

	mpf__ids_remove(&later->nodes, n->id);
	n->id = into->nodes.next;
	mpf__ids_put(&into->nodes, n->id, n);
	for (i = 0; i < n->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(n->flows, i);

		old[i] = f->id;
		mpf__ids_remove(&later->flows, f->id);
		f->id = into->flows.next;
		mpf__ids_put(&into->flows, f->id, f);
	}
	if (n->backend->partial_adopted)
		n->backend->partial_adopted(into, into->state[n->protocol], n, old);
	g_free(old);
}

/* Folds @later, the part after @into's, into @into. */
static void
fold(struct mpf_ctx *into, struct mpf_ctx *later)
{
	uint32_t id;
	int i;

	for (i = 0; i < MPF_COUNTER_COUNT; i++)
		into->counters[i] += later->counters[i];
	if (later->fed) {
		if (!into->fed) {
			into->first_number = later->first_number;
			into->first_ts = later->first_ts;
		}
		into->fed = true;
		into->last_number = later->last_number;
		into->last_ts = later->last_ts;
		if (later->now_ns > into->now_ns)
			into->now_ns = later->now_ns;
	}
	for (i = 0; mpf__backends[i]; i++) {
		const struct mpf_backend *b = mpf__backends[i];

		if (b->partial_residues)
			b->partial_residues(into, into->state[b->protocol], later,
					    later->state[b->protocol]);
	}
	for (id = 0; id < later->nodes.next; id++) {
		struct mpf_node *n = mpf__ids_get(&later->nodes, id);
		const struct mpf_backend *b;

		if (!n)
			continue;
		b = n->backend;
		if (b->partial_join &&
		    b->partial_join(into, into->state[n->protocol], later, n))
			continue; /* folded: freed with @later */
		mpf__partial_adopt(into, later, n);
	}
	for (i = 0; mpf__backends[i]; i++) {
		const struct mpf_backend *b = mpf__backends[i];

		if (b->partial_done)
			b->partial_done(into, into->state[b->protocol], later,
					later->state[b->protocol]);
	}
}

int
mpf_partial_merge(const void *const *parts, const size_t *lens, size_t n,
		  void **data, size_t *len)
{
	struct mpf_ctx *into = NULL, *later;
	size_t i;
	int st;

	if (data)
		*data = NULL;
	if (len)
		*len = 0;
	if (!parts || !lens || n == 0 || !data || !len)
		return MPF_ERR_INVALID;
	for (i = 0; i < n; i++)
		if (!parts[i])
			return MPF_ERR_INVALID;
	st = partial_load(parts[0], lens[0], &into);
	for (i = 1; i < n && st == MPF_OK; i++) {
		st = partial_load(parts[i], lens[i], &later);
		if (st != MPF_OK)
			break;
		if (into->fed && later->fed &&
		    later->first_number <= into->last_number)
			st = MPF_ERR_ORDER;
		else
			fold(into, later);
		mpf_ctx_free(later);
	}
	if (st == MPF_OK)
		st = mpf_ctx_export_partial(into, data, len);
	mpf_ctx_free(into);
	return st;
}
