/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rows.c: pass 6: each data segment's state (matched, lost, unsent,
 * outside), the reinjections' verdicts, the delays of each subflow pair
 * and way, the rows in order, the unmatched nodes and flows.
 *
 * Fills m->rows, the pairs' counts and the sides' unmatched lists. Does
 * not pair anything (pair.c, segments.c).
 */
#include "match/match-int.h"

/* ------------------------------------------------- 6. verdicts, rows */

/* The segment of frame @frame on a side (the log is in frame order). */
uint32_t
mpf__match_seg_at_frame(const struct side *sd, uint32_t frame)
{
	uint32_t lo = 0, hi = sd->n;

	MPF_LOWER_BOUND(lo, hi, mid, sd->segs[mid].frame < frame);
	return lo < sd->n && sd->segs[lo].frame == frame ? lo : NONE;
}

/* Whether time @t (of @sd's clock, as near as the smallest delay tells)
 * falls outside the time capture @sd ran. */
static bool
outside(const struct side *sd, int64_t t)
{
	return !sd->any || t < sd->first_ts || t > sd->last_ts;
}

/*
 * The verdict of a reinjection @sx of the sender @ss: useful when the
 * receiver got this copy of the data first. Its copy @rx there, the
 * data's first copy in the sender's capture and its copy in the
 * receiver's decide, and the receiver's own analysis (which flags the
 * later copies it saw) confirms.
 */
static uint8_t
verdict(const struct mpf_match *m, int ss, uint32_t sx, uint32_t *first)
{
	const struct side *snd = &m->s[ss], *rcv = &m->s[1 - ss];
	const struct seg *s = &snd->segs[sx];
	uint32_t rx = snd->partner[sx], ox, orx = NONE;
	const struct seg *r;

	ox = s->reinj_of ? mpf__match_seg_at_frame(snd, s->reinj_of) : NONE;
	if (ox != NONE)
		orx = snd->partner[ox];
	*first = orx != NONE ? rcv->segs[orx].frame : 0;
	if (rx == NONE)
		return MPF_MATCH_REDUNDANT; /* lost: it delivered nothing */
	r = &rcv->segs[rx];
	if (orx != NONE && rcv->segs[orx].frame < r->frame)
		return MPF_MATCH_REDUNDANT;
	if (seg_bits(r) & SEG_REINJ) {
		*first = r->reinj_of;
		return MPF_MATCH_REDUNDANT;
	}
	if (seg_bits(r) & SEG_RETRANS) {
		*first = 0; /* an earlier copy on this subflow */
		return MPF_MATCH_REDUNDANT;
	}
	*first = r->frame;
	return MPF_MATCH_USEFUL;
}

/* The delay of the @k-th item of a run sorted by delay. */
static int64_t
delay_at(const GArray *delays, guint k)
{
	return (int64_t)(ITEM(delays, k)->k2 ^ (1ull << 63));
}

/* Nearest rank: the smallest of the @n delays from @i with at least @p
 * percent at or below it. */
static int64_t
rank(const GArray *delays, guint i, guint n, unsigned p)
{
	guint r = (guint)(((uint64_t)n * p + 99) / 100);

	return delay_at(delays, i + (r ? r - 1 : 0));
}

/* Each subflow pair's delays, one way: items (pair << 1 | dir, delay with
 * its sign bit flipped so that unsigned order is numeric order). */
static void
delays_fill(struct mpf_match *m, GArray *delays)
{
	guint i, j;

	items_sort(delays);
	for (i = 0; i < delays->len; i = j) {
		uint64_t key = ITEM(delays, i)->k1;
		struct spair *sp =
			&g_array_index(m->subs, struct spair, (guint)(key >> 1));
		struct mpf_match_dir *d = &sp->dir[key & 1];

		j = item_run_end(delays, i);
		d->has_delay = true;
		d->delay_min = delay_at(delays, i);
		d->delay_max = delay_at(delays, j - 1);
		d->delay_median = rank(delays, i, j - i, 50);
		d->delay_p99 = rank(delays, i, j - i, 99);
	}
}

static void
row_add(struct mpf_match *m, uint32_t sub, int dir, int origin, uint32_t idx,
	uint32_t sseg, uint32_t rseg, uint8_t state, uint8_t verdict_,
	uint32_t first)
{
	const struct spair *sp = &g_array_index(m->subs, struct spair, sub);
	int snd = sender_of(dir);
	struct row r;

	r.key = (uint64_t)sp->conn << 33 | (uint64_t)dir << 32 |
		(uint64_t)origin << 31 | idx;
	r.seg[snd] = sseg;
	r.seg[1 - snd] = rseg;
	r.sub = sub;
	r.first = first;
	r.dir = (uint8_t)dir;
	r.state = state;
	r.verdict = verdict_;
	g_array_append_val(m->rows, r);
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

void
mpf__match_finish(struct mpf_match *m)
{
	GArray *delays = g_array_new(FALSE, FALSE, sizeof(struct item));
	int k;
	uint32_t id;

	for (k = 0; k < 2; k++) {
		const struct side *sd = &m->s[k], *other = &m->s[1 - k];
		uint32_t x;

		for (x = 0; x < sd->n; x++) {
			const struct seg *s = &sd->segs[x];
			struct item it;
			struct spair *sp;
			struct mpf_match_dir *d;
			struct cpair *cp;
			int dir;
			int64_t dm;
			uint32_t p = sd->partner[x], first = 0;
			uint8_t v = MPF_MATCH_NONE;

			if (!mpf__match_seg_item(m, k, x, &it))
				continue;
			dir = (int)(it.k1 >> 32 & 1);
			sp = &g_array_index(m->subs, struct spair, (guint)(it.k1 >> 33));
			cp = &g_array_index(m->conns, struct cpair, sp->conn);
			d = &sp->dir[dir];
			dm = dir == MPF_SIDE_CLIENT
				     ? (m->clock.has_c2s_min ? m->clock.c2s_min : 0)
				     : (m->clock.has_s2c_min ? m->clock.s2c_min : 0);
			if (sender_of(dir) != k) {
				/* the receiver's copies: the sender's rows hold
				 * the matched ones */
				if (p != NONE) {
					d->received++;
					continue;
				}
				if (outside(other, s->ts - dm)) {
					d->outside++;
					row_add(m, (uint32_t)(it.k1 >> 33), dir, 1, x,
						NONE, x, MPF_MATCH_OUTSIDE, 0, 0);
				} else {
					d->received++;
					d->unsent++;
					row_add(m, (uint32_t)(it.k1 >> 33), dir, 1, x,
						NONE, x, MPF_MATCH_UNSENT, 0, 0);
				}
				continue;
			}
			if (p == NONE && outside(other, s->ts + dm)) {
				d->outside++;
				row_add(m, (uint32_t)(it.k1 >> 33), dir, 0, x, x, NONE,
					MPF_MATCH_OUTSIDE, 0, 0);
				continue;
			}
			d->sent++;
			if (p != NONE) {
				d->matched++;
				item_add(delays, it.k1 >> 32,
					 (uint64_t)(other->segs[p].ts - s->ts) ^
						 (1ull << 63),
					 0);
			} else {
				d->lost++;
			}
			if (seg_bits(s) & SEG_REINJ) {
				v = verdict(m, k, x, &first);
				if (v == MPF_MATCH_USEFUL) {
					cp->useful++;
					cp->useful_bytes += seg_len(s);
				} else {
					cp->redundant++;
					cp->redundant_bytes += seg_len(s);
				}
			}
			row_add(m, (uint32_t)(it.k1 >> 33), dir, 0, x, x, p,
				p != NONE ? MPF_MATCH_MATCHED : MPF_MATCH_LOST, v,
				first);
		}
	}
	delays_fill(m, delays);
	g_array_free(delays, TRUE);
	if (m->rows->len > 1)
		qsort(m->rows->data, m->rows->len, sizeof(struct row), row_cmp);

	for (k = 0; k < 2; k++) {
		struct side *sd = &m->s[k];

		for (id = 0; id < sd->nnodes; id++)
			if (sd->nd[id].mptcp && !sd->nd[id].in_conn)
				g_array_append_val(sd->unmatched_nodes, id);
		for (id = 0; id < sd->nflows; id++)
			if (is_live_survivor(sd, id) && sd->fl[id].pair == NONE &&
			    sd->nd[sd->fl[id].node].in_conn)
				g_array_append_val(sd->unmatched_flows, id);
	}
}
