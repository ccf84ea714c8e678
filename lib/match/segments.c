/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * segments.c: pass 5: the copies of each data segment in the two
 * captures paired, unambiguous runs first, the rest once the smallest
 * delay of each direction is known; the clock that follows.
 *
 * Sets the sides' partners and m->clock. Does not change the connections
 * or subflow pairs (pair.c) nor make rows (rows.c).
 */
#include "match/match-int.h"

/* --------------------------------------------------------- 5. segments */

/* A run of copies of one segment whose pairing waits for the delays. */
struct defer {
	uint32_t s_off, s_n, r_off, r_n; /* in the sorted items */
};

struct pairing {
	struct mpf_match *m;
	GArray *items;  /* the sorted segments */
	GArray *defer;  /* struct defer */
	bool has_dmin[2];
	int64_t dmin[2];        /* the smallest delay each way so far */
	bool frozen[2];
	int64_t dmin_frozen[2]; /* ... after the unambiguous pairs */
};

static inline const struct seg *
item_seg(const struct mpf_match *m, const struct item *it, int *side,
	 uint32_t *idx)
{
	*side = (int)(it->k2 >> 31 & 1);
	*idx = (uint32_t)(it->k3 & SEG_LIMIT);
	return &m->s[*side].segs[*idx];
}

/* Whether two copies may be one segment: equal TCP timestamps, and equal
 * DSNs when both sides know them from the keys. */
static bool
compatible(const struct seg *a, const struct seg *b)
{
	unsigned x = seg_bits(a), y = seg_bits(b);

	if ((x & SEG_TS) && (y & SEG_TS) && a->tsval != b->tsval)
		return false;
	if ((x & SEG_DSN) && (y & SEG_DSN) && !((x | y) & SEG_GUESSED) &&
	    a->dsn != b->dsn)
		return false;
	return true;
}

static void
link_segs(struct pairing *pp, const struct item *si, const struct item *ri)
{
	int ss, rs;
	uint32_t sx, rx;
	const struct seg *s = item_seg(pp->m, si, &ss, &sx);
	const struct seg *r = item_seg(pp->m, ri, &rs, &rx);
	int dir = ss == 0 ? MPF_SIDE_CLIENT : MPF_SIDE_SERVER;
	int64_t d = r->ts - s->ts;

	pp->m->s[ss].partner[sx] = rx;
	pp->m->s[rs].partner[rx] = sx;
	if (!pp->has_dmin[dir] || d < pp->dmin[dir]) {
		pp->dmin[dir] = d;
		pp->has_dmin[dir] = true;
	}
}

static void
defer_run(struct pairing *pp, uint32_t s_off, uint32_t s_n, uint32_t r_off,
	  uint32_t r_n)
{
	struct defer d = { s_off, s_n, r_off, r_n };

	if (s_n && r_n)
		g_array_append_val(pp->defer, d);
}

/* Pairs copies [so, so+sn) sent with [ro, ro+rn) received, in order,
 * when they are as many and compatible two by two; else defers them. */
static void
pair_run(struct pairing *pp, uint32_t so, uint32_t sn, uint32_t ro,
	 uint32_t rn)
{
	uint32_t k;
	int side;
	uint32_t x;

	if (sn == rn) {
		for (k = 0; k < sn; k++)
			if (!compatible(item_seg(pp->m, ITEM(pp->items, so + k),
						 &side, &x),
					item_seg(pp->m, ITEM(pp->items, ro + k),
						 &side, &x)))
				break;
		if (k == sn) {
			for (k = 0; k < sn; k++)
				link_segs(pp, ITEM(pp->items, so + k),
					  ITEM(pp->items, ro + k));
			return;
		}
	}
	defer_run(pp, so, sn, ro, rn);
}

/* One group: the copies of (subflow pair, direction, seq, len) in the
 * sender's capture [so, so+sn) and the receiver's [ro, ro+rn), each in
 * (timestamp, capture) order. */
static void
pair_group(struct pairing *pp, uint32_t so, uint32_t sn, uint32_t ro,
	   uint32_t rn)
{
	uint32_t a = 0, b = 0, k;
	bool all_ts = true;
	int side;
	uint32_t x;

	for (k = 0; k < sn + rn && all_ts; k++) {
		uint32_t at = k < sn ? so + k : ro + (k - sn);

		all_ts = seg_bits(item_seg(pp->m, ITEM(pp->items, at), &side,
					   &x)) &
			 SEG_TS;
	}
	if (!all_ts) {
		pair_run(pp, so, sn, ro, rn);
		return;
	}
	/* runs of equal timestamps on both sides */
	while (a < sn && b < rn) {
		uint32_t ta = (uint32_t)(ITEM(pp->items, so + a)->k3 >> 32);
		uint32_t tb = (uint32_t)(ITEM(pp->items, ro + b)->k3 >> 32);
		uint32_t a2 = a, b2 = b;

		if (ta < tb) {
			a++;
			continue;
		}
		if (tb < ta) {
			b++;
			continue;
		}
		while (a2 < sn && (uint32_t)(ITEM(pp->items, so + a2)->k3 >> 32) == ta)
			a2++;
		while (b2 < rn && (uint32_t)(ITEM(pp->items, ro + b2)->k3 >> 32) == tb)
			b2++;
		pair_run(pp, so + a, a2 - a, ro + b, b2 - b);
		a = a2;
		b = b2;
	}
}

/*
 * A deferred run, once the smallest delay of its direction is known:
 * each received copy, in order, pairs with the latest sent copy that could
 * have arrived by its time (sent at least the smallest delay before), and
 * leaves enough sent copies for the received ones after it; the sent
 * copies left over were lost. Without a known delay, the last ones sent
 * are taken (an earlier copy lost, a retransmission received).
 */
static void
pair_deferred(struct pairing *pp, const struct defer *d)
{
	uint32_t j, p = 0, next = 0;
	int side, dir;
	uint32_t x;

	item_seg(pp->m, ITEM(pp->items, d->s_off), &side, &x);
	dir = side == 0 ? MPF_SIDE_CLIENT : MPF_SIDE_SERVER;
	for (j = 0; j < d->r_n; j++) {
		const struct item *ri = ITEM(pp->items, d->r_off + j);
		const struct seg *r = item_seg(pp->m, ri, &side, &x);
		uint32_t cap = d->s_n - 1, pick;

		if (d->s_n >= d->r_n)
			cap = d->s_n - d->r_n + j;
		/* p: how many copies were sent early enough */
		while (p < d->s_n &&
		       (!pp->frozen[dir] ||
			item_seg(pp->m, ITEM(pp->items, d->s_off + p), &side, &x)->ts +
					pp->dmin_frozen[dir] <=
				r->ts))
			p++;
		if (p == 0)
			continue; /* none sent early enough: not in the sender's */
		pick = MIN(p - 1, cap);
		if (pick < next ||
		    !compatible(item_seg(pp->m, ITEM(pp->items, d->s_off + pick),
					 &side, &x),
				r))
			continue;
		link_segs(pp, ITEM(pp->items, d->s_off + pick), ri);
		next = pick + 1;
	}
}

/* The key of a data segment of a paired subflow, or false. */
bool
mpf__match_seg_item(const struct mpf_match *m, int side, uint32_t idx, struct item *it)
{
	const struct side *sd = &m->s[side];
	const struct seg *s = &sd->segs[idx];
	const struct fl *o = seg_fl(sd, s);
	uint64_t dir;

	if (seg_len(s) == 0 || (seg_bits(s) & SEG_SYN) || !o)
		return false;
	if (o->node == NONE || o->pair == NONE)
		return false;
	dir = !!(seg_bits(s) & SEG_REV) ^ o->dxor;
	it->k1 = (uint64_t)o->pair << 33 | dir << 32 | s->seq;
	it->k2 = (uint64_t)seg_len(s) << 32 | (uint64_t)side << 31;
	it->k3 = (uint64_t)((seg_bits(s) & SEG_TS) ? s->tsval : 0) << 32 | idx;
	return true;
}

void
mpf__match_pair_segments(struct mpf_match *m)
{
	struct pairing pp;
	guint i, j;
	int k;

	memset(&pp, 0, sizeof(pp));
	pp.m = m;
	pp.items = g_array_new(FALSE, FALSE, sizeof(struct item));
	pp.defer = g_array_new(FALSE, FALSE, sizeof(struct defer));
	for (k = 0; k < 2; k++) {
		uint32_t x;

		for (x = 0; x < m->s[k].n; x++) {
			struct item it;

			if (mpf__match_seg_item(m, k, x, &it))
				g_array_append_val(pp.items, it);
		}
	}
	items_sort(pp.items);
	for (i = 0; i < pp.items->len; i = j) {
		const struct item *g = ITEM(pp.items, i);
		uint32_t mid, so, sn, ro, rn;

		for (j = i; j < pp.items->len && ITEM(pp.items, j)->k1 == g->k1 &&
			    ITEM(pp.items, j)->k2 >> 32 == g->k2 >> 32;
		     j++)
			;
		for (mid = i; mid < j && !(ITEM(pp.items, mid)->k2 >> 31 & 1); mid++)
			;
		/* client copies [i, mid), server copies [mid, j) */
		if (sender_of((int)(g->k1 >> 32 & 1)) == 0) {
			so = i, sn = mid - i, ro = mid, rn = j - mid;
		} else {
			so = mid, sn = j - mid, ro = i, rn = mid - i;
		}
		if (sn && rn)
			pair_group(&pp, so, sn, ro, rn);
	}
	for (k = 0; k < 2; k++) {
		pp.frozen[k] = pp.has_dmin[k];
		pp.dmin_frozen[k] = pp.dmin[k];
	}
	for (i = 0; i < pp.defer->len; i++)
		pair_deferred(&pp, &g_array_index(pp.defer, struct defer, i));
	m->clock.has_c2s_min = pp.has_dmin[MPF_SIDE_CLIENT];
	m->clock.c2s_min = pp.dmin[MPF_SIDE_CLIENT];
	m->clock.has_s2c_min = pp.has_dmin[MPF_SIDE_SERVER];
	m->clock.s2c_min = pp.dmin[MPF_SIDE_SERVER];
	m->clock.has_offset = m->clock.has_c2s_min && m->clock.has_s2c_min;
	if (m->clock.has_offset)
		m->clock.offset = (m->clock.c2s_min - m->clock.s2c_min) / 2;
	g_array_free(pp.items, TRUE);
	g_array_free(pp.defer, TRUE);
}
