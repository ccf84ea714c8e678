/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the store of per-frame results
 *
 * A retained capture costs one record per frame, so the record is packed
 * into 32 bytes: 32-bit values, the reference frame as a distance back,
 * 24 bits of flags. The few frames whose result does not fit (a DSN past
 * 2^32, a reinjection link, a LISP control nonce) keep a full record on
 * the heap and the packed slot points at it.
 *
 * Slots live in fixed blocks that never move, so a pointer handed out
 * stays valid until the context is freed. A pointer may be to a packed
 * slot, to a full heap record, or to a context's working record; the
 * first byte says which, and mpf__frame_field() reads any field of any.
 */
#include <string.h>

#include "mpf-private.h"

/* 1 MiB blocks less one slot, so that with malloc's header each fills
 * whole pages (a block is mapped on its own; untouched pages cost no
 * memory) */
#define BLOCK_FRAMES 32767u

G_STATIC_ASSERT(offsetof(struct mpf_frame, form) == 0);

struct mpf_store {
	GPtrArray *blocks; /* struct mpf_packed[BLOCK_FRAMES], owned; NULL once
			    * every slot of the block is released */
	uint32_t count;
	uint32_t first;    /* slots below are released */
	uint32_t live_blocks;
	uint64_t ext;      /* frames kept in full */
};

struct mpf_store *
mpf__store_new(void)
{
	struct mpf_store *s = g_new0(struct mpf_store, 1);

	s->blocks = g_ptr_array_new_with_free_func(g_free);
	return s;
}

static inline struct mpf_packed *
slot(const struct mpf_store *s, uint32_t i)
{
	struct mpf_packed *b = g_ptr_array_index(s->blocks, i / BLOCK_FRAMES);

	return &b[i % BLOCK_FRAMES];
}

void
mpf__store_free(struct mpf_store *s)
{
	uint32_t i;

	if (!s)
		return;
	for (i = s->first; i < s->count; i++) {
		struct mpf_packed *p = slot(s, i);

		if ((p->meta & MPF_PK_FORM) == MPF_FORM_EXT)
			g_free(p->u.ext);
	}
	g_ptr_array_free(s->blocks, TRUE);
	g_free(s);
}

/* Packs @f into @p when every value fits; returns false when not. */
static bool
pack(struct mpf_packed *p, const struct mpf_frame *f)
{
	uint32_t aux = f->opts;
	uint8_t meta = MPF_FORM_PACKED;

	uint8_t status = (uint8_t)f->status & MPF_PK_STATUS_MASK;
	bool hi = f->val[0] > UINT32_MAX && f->flow == MPF_ID_NONE;

	if (f->status < -16 || f->status > 15)
		return false;
	if ((f->val[0] > UINT32_MAX && !hi) || f->val[1] > UINT32_MAX || f->ref[2] ||
	    f->bflags > 0xffffffu || f->payload_len >= UINT16_MAX ||
	    f->dir > 1 || f->protocol > 3 ||
	    (f->flags & ~(MPF_FRAME_HAS_VAL0 | MPF_FRAME_HAS_VAL1)))
		return false;
	if (f->ref[0] && (f->ref[0] > f->number ||
			  f->number - f->ref[0] >= UINT16_MAX - 1))
		return false;
	if (f->ref[1]) {
		if (f->opts || f->ref[1] > 0xffffffu)
			return false;
		aux = f->ref[1];
		meta |= MPF_PK_AUX_REF1;
	}
	meta |= (uint8_t)(f->protocol << MPF_PK_PROTO_SHIFT);
	if (f->dir)
		meta |= MPF_PK_DIR;
	if (f->flags & MPF_FRAME_HAS_VAL0)
		meta |= MPF_PK_VAL0;
	if (f->flags & MPF_FRAME_HAS_VAL1)
		meta |= MPF_PK_VAL1;
	p->meta = meta;
	p->status = status | (hi ? MPF_PK_VAL0_HI : 0);
	p->payload_len = (uint16_t)f->payload_len;
	p->number = f->number;
	p->u.p.node = f->node;
	p->u.p.flow = hi ? (uint32_t)(f->val[0] >> 32) : f->flow;
	p->u.p.val0 = (uint32_t)f->val[0];
	p->u.p.val1 = (uint32_t)f->val[1];
	p->u.p.ref0 = f->ref[0] ? (uint16_t)(f->number - f->ref[0] + 1) : 0;
	p->u.p.aux_lo = (uint16_t)aux;
	p->u.p.aux_hi = (uint8_t)(aux >> 16);
	p->u.p.bflags[0] = (uint8_t)f->bflags;
	p->u.p.bflags[1] = (uint8_t)(f->bflags >> 8);
	p->u.p.bflags[2] = (uint8_t)(f->bflags >> 16);
	return true;
}

static void
unpack(const struct mpf_packed *p, struct mpf_frame *f)
{
	/* every field set, no memset */
	f->form = MPF_FORM_FULL;
	f->status = (int8_t)mpf__packed_field(p, MPF_FIELD_STATUS);
	f->protocol = (uint8_t)mpf__packed_field(p, MPF_FIELD_PROTOCOL);
	f->dir = (uint8_t)mpf__packed_field(p, MPF_FIELD_DIR);
	f->flags = (uint16_t)mpf__packed_field(p, MPF_FIELD_FLAGS);
	f->number = (uint32_t)mpf__packed_field(p, MPF_FIELD_NUMBER);
	f->node = (uint32_t)mpf__packed_field(p, MPF_FIELD_NODE);
	f->flow = (uint32_t)mpf__packed_field(p, MPF_FIELD_FLOW);
	f->payload_len = (uint32_t)mpf__packed_field(p, MPF_FIELD_PAYLOAD_LEN);
	f->val[0] = mpf__packed_field(p, MPF_FIELD_VAL0);
	f->val[1] = mpf__packed_field(p, MPF_FIELD_VAL1);
	f->ref[0] = (uint32_t)mpf__packed_field(p, MPF_FIELD_REF0);
	f->ref[1] = (uint32_t)mpf__packed_field(p, MPF_FIELD_REF1);
	f->ref[2] = (uint32_t)mpf__packed_field(p, MPF_FIELD_REF2);
	f->opts = (uint16_t)mpf__packed_field(p, MPF_FIELD_OPTS);
	f->bflags = (uint32_t)mpf__packed_field(p, MPF_FIELD_BFLAGS);
}

/* Stores @f in @p, packed or in full. */
static void
put(struct mpf_store *s, struct mpf_packed *p, const struct mpf_frame *f)
{
	struct mpf_frame *ext = NULL;

	if ((p->meta & MPF_PK_FORM) == MPF_FORM_EXT)
		ext = p->u.ext;
	if (pack(p, f)) {
		if (ext) {
			g_free(ext);
			s->ext--;
		}
		return;
	}
	if (!ext) {
		ext = g_new(struct mpf_frame, 1);
		s->ext++;
	}
	*ext = *f;
	ext->form = MPF_FORM_FULL;
	p->meta = MPF_FORM_EXT;
	p->status = 0;
	p->payload_len = 0;
	p->number = f->number;
	p->u.ext = ext;
}

const struct mpf_frame *
mpf__store_add(struct mpf_store *s, const struct mpf_frame *f)
{
	struct mpf_packed *p;

	if (s->count % BLOCK_FRAMES == 0 && s->count / BLOCK_FRAMES == s->blocks->len) {
		g_ptr_array_add(s->blocks, g_new(struct mpf_packed, BLOCK_FRAMES));
		s->live_blocks++;
	}
	p = slot(s, s->count++);
	p->meta = MPF_FORM_PACKED; /* no stale heap record to reuse */
	put(s, p, f);
	return (const struct mpf_frame *)(const void *)p;
}

/* The index of frame @number, or -1. */
static int64_t
find(const struct mpf_store *s, uint32_t number)
{
	uint32_t lo, hi, first;

	if (!s || s->count == s->first)
		return -1;
	first = slot(s, s->first)->number;
	/* frames are usually numbered 1, 2, 3...: try the direct slot */
	lo = s->first + (number - first);
	if (number >= first && lo >= s->first && lo < s->count &&
	    slot(s, lo)->number == number)
		return lo;
	lo = s->first;
	hi = s->count;
	MPF_LOWER_BOUND(lo, hi, mid, slot(s, mid)->number < number);
	return lo < s->count && slot(s, lo)->number == number ? (int64_t)lo : -1;
}

const struct mpf_frame *
mpf__store_find(const struct mpf_store *s, uint32_t number)
{
	int64_t i = find(s, number);

	return i < 0 ? NULL : (const struct mpf_frame *)(const void *)slot(s, (uint32_t)i);
}

struct mpf_frame *
mpf__store_edit(struct mpf_store *s, uint32_t number)
{
	int64_t i = find(s, number);
	struct mpf_packed *p;
	struct mpf_frame f;

	if (i < 0)
		return NULL;
	p = slot(s, (uint32_t)i);
	if ((p->meta & MPF_PK_FORM) == MPF_FORM_PACKED) {
		/* an edit adds what packing cannot hold (a later frame's
		 * link): keep this one in full from now on */
		unpack(p, &f);
		p->u.ext = g_new(struct mpf_frame, 1);
		*p->u.ext = f;
		p->meta = MPF_FORM_EXT;
		s->ext++;
	}
	return p->u.ext;
}

void
mpf__store_rewrite(struct mpf_store *s, uint32_t from, uint32_t node,
		   void (*fix)(struct mpf_frame *rec, void *user), void *user)
{
	uint32_t lo, hi, i;

	if (!s)
		return;
	lo = s->first; /* released records are final by contract */
	hi = s->count;
	/* the first record from frame @from */
	MPF_LOWER_BOUND(lo, hi, mid, slot(s, mid)->number < from);
	for (i = lo; i < s->count; i++) {
		struct mpf_packed *p = slot(s, i);
		struct mpf_frame f;

		if ((p->meta & MPF_PK_FORM) == MPF_FORM_EXT) {
			if (p->u.ext->node == node)
				fix(p->u.ext, user);
			continue;
		}
		if (p->u.p.node != node)
			continue;
		unpack(p, &f);
		fix(&f, user);
		put(s, p, &f);
	}
}

const struct mpf_frame *
mpf__frame_view(const struct mpf_frame *f, struct mpf_frame *tmp)
{
	const struct mpf_packed *p = (const void *)f;

	if (!f || (p->meta & MPF_PK_FORM) == MPF_FORM_FULL)
		return f;
	if ((p->meta & MPF_PK_FORM) == MPF_FORM_EXT)
		return p->u.ext;
	unpack(p, tmp);
	return tmp;
}

uint64_t
mpf__store_bytes(const struct mpf_store *s)
{
	if (!s)
		return 0;
	return (uint64_t)s->live_blocks * BLOCK_FRAMES * sizeof(struct mpf_packed) +
	       s->blocks->len * sizeof(void *) +
	       s->ext * sizeof(struct mpf_frame);
}

uint32_t
mpf__store_count(const struct mpf_store *s)
{
	return s ? s->count - s->first : 0;
}

void
mpf__store_release(struct mpf_store *s, uint32_t before)
{
	uint32_t b;

	if (!s)
		return;
	while (s->first < s->count && slot(s, s->first)->number < before) {
		struct mpf_packed *p = slot(s, s->first);

		if ((p->meta & MPF_PK_FORM) == MPF_FORM_EXT) {
			g_free(p->u.ext);
			s->ext--;
		}
		s->first++;
		/* a block goes when its last slot does: the pointers handed
		 * out for its frames end with their release */
		if (s->first % BLOCK_FRAMES == 0) {
			b = s->first / BLOCK_FRAMES - 1;
			g_free(g_ptr_array_index(s->blocks, b));
			g_ptr_array_index(s->blocks, b) = NULL;
			s->live_blocks--;
		}
	}
}

uint64_t
mpf__store_ext_count(const struct mpf_store *s)
{
	return s ? s->ext : 0;
}

/* ------------------------------------------------ a node's frame list */

static void
list_put(struct mpf_node *n, uint32_t number)
{
	uint32_t d = number - n->fr_last;

	if (n->fr_cap - n->fr_len < 5) {
		n->fr_cap = n->fr_cap ? n->fr_cap * 2 : 8;
		n->fr_buf = g_realloc(n->fr_buf, n->fr_cap);
	}
	while (d >= 0x80) {
		n->fr_buf[n->fr_len++] = (uint8_t)(d | 0x80);
		d >>= 7;
	}
	n->fr_buf[n->fr_len++] = (uint8_t)d;
	n->fr_last = number;
	n->fr_count++;
}

void
mpf__node_frames_add(struct mpf_node *n, uint32_t number)
{
	if (number > n->fr_last || n->fr_count == 0)
		list_put(n, number);
}

void
mpf__node_frames_walk(const struct mpf_node *n,
		      bool (*fn)(uint32_t number, void *user), void *user)
{
	size_t i = 0;
	uint32_t v = 0;

	while (i < n->fr_len) {
		uint32_t d = 0;
		unsigned shift = 0;

		/* written by list_put: at most 5 bytes, the last < 0x80 */
		while (n->fr_buf[i] & 0x80) {
			d |= (uint32_t)(n->fr_buf[i++] & 0x7f) << shift;
			shift += 7;
		}
		d |= (uint32_t)n->fr_buf[i++] << shift;
		v += d;
		if (!fn(v, user))
			return;
	}
}

static bool
collect(uint32_t number, void *user)
{
	g_array_append_val((GArray *)user, number);
	return true;
}

void
mpf__node_frames_merge(struct mpf_node *keep, struct mpf_node *gone)
{
	GArray *a, *b;
	guint i = 0, j = 0;

	if (gone->fr_count == 0)
		return;
	a = g_array_sized_new(FALSE, FALSE, sizeof(uint32_t), keep->fr_count);
	b = g_array_sized_new(FALSE, FALSE, sizeof(uint32_t), gone->fr_count);
	mpf__node_frames_walk(keep, collect, a);
	mpf__node_frames_walk(gone, collect, b);
	mpf__node_frames_free(keep);
	mpf__node_frames_free(gone);
	/* both in order: a merge, once */
	while (i < a->len || j < b->len) {
		uint32_t x = i < a->len ? g_array_index(a, uint32_t, i) : UINT32_MAX;
		uint32_t y = j < b->len ? g_array_index(b, uint32_t, j) : UINT32_MAX;

		if (i < a->len && (j >= b->len || x <= y)) {
			i++;
			j += j < b->len && x == y;
			mpf__node_frames_add(keep, x);
		} else {
			j++;
			mpf__node_frames_add(keep, y);
		}
	}
	g_array_free(a, TRUE);
	g_array_free(b, TRUE);
}

void
mpf__node_frames_free(struct mpf_node *n)
{
	g_free(n->fr_buf);
	n->fr_buf = NULL;
	n->fr_len = n->fr_cap = 0;
	n->fr_last = n->fr_count = 0;
}

uint32_t
mpf_node_get_frame_count(const struct mpf_node *node)
{
	return node ? node->fr_count : 0;
}

struct walk {
	const struct mpf_ctx *ctx;
	mpf_frame_func func;
	void *user;
};

static bool
walk_one(uint32_t number, void *user)
{
	const struct walk *w = user;
	const struct mpf_frame *f = mpf__store_find(w->ctx->store, number);

	return !f || w->func(f, w->user);
}

int
mpf_node_foreach_frame(const struct mpf_ctx *ctx, const struct mpf_node *node,
		       mpf_frame_func func, void *user_data)
{
	struct mpf_ctx *mut = (struct mpf_ctx *)ctx; /* its busy count only */
	struct walk w = { ctx, func, user_data };

	if (!ctx || !node || !func || node->merged_into != MPF_ID_NONE ||
	    mpf__ids_get(&ctx->nodes, node->id) != node)
		return MPF_ERR_INVALID;
	if (!ctx->store)
		return MPF_ERR_NOT_FOUND;
	mut->busy++;
	mpf__node_frames_walk(node, walk_one, &w);
	mut->busy--;
	return MPF_OK;
}
