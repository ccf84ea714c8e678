/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pack.c: the fixed-size parts of a partial: packed as GVariant lays
 * them out (one allocation a tuple or an array), and read back with a
 * bounds-checked cursor that marks a short read bad instead of reading
 * past the data; addresses and endpoints in both directions.
 *
 * Knows GVariant's layout, not what a partial holds: no graph, no
 * context, no backend.
 */
#include <stdarg.h>

#include "partial/partial-int.h"

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
