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

/* Zeros up to the next multiple of @align (at most 8). */
static void
pad_to(struct mpf_pack *p, guint align)
{
	static const uint8_t zero[8];
	guint pad = (align - p->b->len % align) % align;

	if (pad)
		g_byte_array_append(p->b, zero, pad);
}

static void
pack(struct mpf_pack *p, const void *v, guint size)
{
	pad_to(p, size);
	g_byte_array_append(p->b, v, size);
	p->align = MAX(p->align, size);
}

/* The basic fixed-size types by their GVariant letter, but 'b' (a bool
 * is packed as a byte); one pair of functions each. */
#define BASIC_TYPES(X)                                                       \
	X(y, uint8_t)                                                        \
	X(n, int16_t)                                                        \
	X(q, uint16_t)                                                       \
	X(i, int32_t)                                                        \
	X(u, uint32_t)                                                       \
	X(x, int64_t)                                                        \
	X(t, uint64_t)                                                       \
	X(d, double)

#define PACK_BASIC(letter, type)                                             \
	void mpf__pack_##letter(struct mpf_pack *p, type v)                  \
	{                                                                    \
		pack(p, &v, sizeof(v));                                      \
	}
BASIC_TYPES(PACK_BASIC)
#undef PACK_BASIC

void
mpf__pack_b(struct mpf_pack *p, bool v)
{
	mpf__pack_y(p, v ? 1 : 0);
}

void
mpf__pack_next(struct mpf_pack *p)
{
	pad_to(p, p->align);
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

/* A value read past the end reads as 0 (and marks the cursor bad). */
#define UNPACK_BASIC(letter, type)                                           \
	type mpf__unpack_##letter(struct mpf_unpack *u)                      \
	{                                                                    \
		type v;                                                      \
                                                                             \
		unpack(u, &v, sizeof(v));                                    \
		return v;                                                    \
	}
BASIC_TYPES(UNPACK_BASIC)
#undef UNPACK_BASIC

bool
mpf__unpack_b(struct mpf_unpack *u)
{
	return mpf__unpack_y(u) != 0;
}

static uint64_t
load_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return GUINT64_FROM_BE(v);
}

static void
store_be64(uint8_t *p, uint64_t v)
{
	v = GUINT64_TO_BE(v);
	memcpy(p, &v, sizeof(v));
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
