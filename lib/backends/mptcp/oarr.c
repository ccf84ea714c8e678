/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * oarr.c: an ordered array in chunks, for the data intervals a side sent,
 * the frames they carry (settle.c) and the mappings of a subflow
 * direction.
 *
 * Both come mostly in order (an append), but a hostile or reordered
 * capture may put each new element at the front or in the middle: one
 * flat array would move all of it at every insertion. Elements live in
 * sorted chunks of at most OARR_CHUNK, themselves in order, so a search is
 * two binary searches and an insertion moves one chunk (and, when it
 * splits, the chunk pointers): O(log n) plus a constant.
 *
 * Dropping from the front (acked data, old mappings: one or two a packet)
 * only counts the dropped elements in a->head: chunk 0 keeps them until it
 * is wholly dropped, or split or joined, so a drop moves nothing (it moved
 * up to a chunk each time). At most one chunk's worth is held so.
 *
 * Owns its chunks only; the order is the caller's (every search takes a
 * predicate, and insertions go where a search said).
 */
#include "backends/mptcp/mptcp-int.h"

#define OARR_CHUNK 128

void
mpf__oarr_free(struct oarr *a)
{
	guint c;

	if (a->ch) {
		for (c = 0; c < a->ch->len; c++)
			g_array_free(mpf__oarr_chunk(a, c), TRUE);
		g_ptr_array_free(a->ch, TRUE);
	}
	a->ch = NULL;
	a->len = 0;
	a->head = 0;
}

/* Moves chunk 0's dropped elements out (before it is split or joined). */
static void
compact_head(struct oarr *a)
{
	if (a->head) {
		g_array_remove_range(mpf__oarr_chunk(a, 0), 0, a->head);
		a->head = 0;
	}
}

bool
mpf__oarr_prev(const struct oarr *a, struct opos *p)
{
	if (p->i > (p->c == 0 ? a->head : 0) && !mpf__oarr_end(a, *p)) {
		p->i--;
		return true;
	}
	if (p->c == 0 || !a->ch)
		return false;
	p->c = MIN(p->c, a->ch->len) - 1;
	p->i = mpf__oarr_chunk(a, p->c)->len - 1;
	return true;
}

/* A new chunk holding @n elements of @g from @from. */
static GArray *
chunk_copy(const struct oarr *a, GArray *g, guint from, guint n)
{
	GArray *h = g_array_new(FALSE, FALSE, a->esize);

	g_array_append_vals(h, g->data + (gsize)from * a->esize, n);
	return h;
}

struct opos
mpf__oarr_insert(struct oarr *a, struct opos p, const void *e)
{
	GArray *g;
	guint half;

	if (!a->ch)
		a->ch = g_ptr_array_new();
	if (p.c >= a->ch->len) {
		if (a->ch->len == 0)
			g_ptr_array_add(a->ch, g_array_new(FALSE, FALSE, a->esize));
		p.c = a->ch->len - 1;
		p.i = mpf__oarr_chunk(a, p.c)->len;
	}
	g = mpf__oarr_chunk(a, p.c);
	if (p.c == 0 && a->head && g->len == OARR_CHUNK && p.i < OARR_CHUNK) {
		/* a split copies from 0: the dropped elements go first */
		p.i -= a->head;
		compact_head(a);
	}
	if (g->len == OARR_CHUNK && p.i == OARR_CHUNK) {
		/* past a full chunk: a new one (in order, chunks stay full) */
		p.c++;
		p.i = 0;
		g = g_array_new(FALSE, FALSE, a->esize);
		g_ptr_array_insert(a->ch, (gint)p.c, g);
	} else if (g->len == OARR_CHUNK) {
		/* full: two new halves, each in a block of its size */
		half = OARR_CHUNK / 2;
		a->ch->pdata[p.c] = chunk_copy(a, g, 0, half);
		g_ptr_array_insert(a->ch, (gint)p.c + 1,
				   chunk_copy(a, g, half, OARR_CHUNK - half));
		g_array_free(g, TRUE);
		if (p.i >= half) {
			p.c++;
			p.i -= half;
		}
		g = mpf__oarr_chunk(a, p.c);
	}
	if (p.i == g->len)
		g_array_append_vals(g, e, 1); /* the usual: newest data */
	else
		g_array_insert_vals(g, p.i, e, 1);
	a->len++;
	return p;
}

void
mpf__oarr_drop_front(struct oarr *a, guint n)
{
	while (n > 0 && a->ch && a->ch->len) {
		GArray *g = mpf__oarr_chunk(a, 0);
		guint live = g->len - a->head;

		if (live <= n) {
			n -= live;
			a->len -= live;
			a->head = 0;
			g_array_free(g, TRUE);
			g_ptr_array_remove_index(a->ch, 0);
		} else {
			a->head += n; /* moved out later, if ever */
			a->len -= n;
			n = 0;
		}
	}
}

/* Takes chunk @c + 1 into chunk @c, in a block of their joint size. */
static void
chunk_join(struct oarr *a, guint c)
{
	GArray *g, *h, *j;

	if (c == 0)
		compact_head(a);
	g = mpf__oarr_chunk(a, c);
	h = mpf__oarr_chunk(a, c + 1);
	j = chunk_copy(a, g, 0, g->len);

	g_array_append_vals(j, h->data, h->len);
	a->ch->pdata[c] = j;
	g_array_free(g, TRUE);
	g_array_free(h, TRUE);
	g_ptr_array_remove_index(a->ch, c + 1);
}

void
mpf__oarr_remove(struct oarr *a, struct opos p)
{
	GArray *g = mpf__oarr_chunk(a, p.c);

	g_array_remove_index(g, p.i);
	a->len--;
	if (g->len == (p.c == 0 ? a->head : 0)) {
		if (p.c == 0)
			a->head = 0;
		g_array_free(g, TRUE);
		g_ptr_array_remove_index(a->ch, p.c);
		return;
	}
	/* removals anywhere could leave many near-empty chunks, each with
	 * its overhead: a chunk that shrank joins a neighbour when the two
	 * fit in half a chunk */
	if (p.c + 1 < a->ch->len &&
	    g->len + mpf__oarr_chunk(a, p.c + 1)->len <= OARR_CHUNK / 2)
		chunk_join(a, p.c);
	else if (p.c > 0 && g->len + mpf__oarr_chunk(a, p.c - 1)->len <= OARR_CHUNK / 2)
		chunk_join(a, p.c - 1);
}

guint
mpf__oarr_rank(const struct oarr *a, struct opos p)
{
	guint c, r = 0;

	if (!a->ch || p.c >= a->ch->len)
		return a->len;
	if (p.c > a->ch->len / 2) {
		/* counted from the back: a DATA_ACK's position is near the
		 * end, behind the few intervals in flight */
		for (c = a->ch->len - 1; c > p.c; c--)
			r += mpf__oarr_chunk(a, c)->len;
		return a->len - r - (mpf__oarr_chunk(a, p.c)->len - p.i);
	}
	for (c = 0; c < p.c; c++)
		r += mpf__oarr_chunk(a, c)->len;
	return r + p.i - a->head;
}

size_t
mpf__oarr_bytes(const struct oarr *a)
{
	/* per chunk: the GArray and its block (a power of two, as GLib
	 * sizes them), with malloc's headers; the pointer array */
	size_t m = 0;
	guint c;

	if (!a->ch)
		return 0;
	for (c = 0; c < a->ch->len; c++) {
		GArray *g = mpf__oarr_chunk(a, c);
		gsize want = MAX((gsize)g->len * a->esize, 16), cap = 16;

		while (cap < want)
			cap <<= 1;
		m += cap + 8 + 48;
	}
	/* the pointer array: its block and its GPtrArray */
	return m + 64 + MAX(16, (size_t)a->ch->len * 8);
}
