/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seq.c: sequence spaces: the base of a side's relative DSNs, the DSN
 * range it sent, 64-bit relative subflow sequence numbers, and the DSS
 * mappings of one subflow direction (add, find, prune).
 *
 * Bookkeeping on struct side and struct sdir only: no frames, no nodes,
 * no hash tables.
 */
#include "backends/mptcp/mptcp-int.h"

/* The base of @s's relative DSNs, guessed from @value if unknown. */
uint64_t
mpf__mptcp_side_base(struct side *s, uint64_t value)
{
	if (!s->base_known) {
		s->base = value - 1;
		s->base_known = true;
		s->base_guessed = true;
	}
	return s->base;
}

void
mpf__mptcp_side_saw_dsn(struct side *s, uint64_t dsn, bool wide)
{
	if (!s->dsn_seen) {
		s->dsn_lo = s->dsn_max = dsn;
	} else {
		if ((int64_t)(dsn - s->dsn_max) > 0)
			s->dsn_max = dsn;
		if ((int64_t)(dsn - s->dsn_lo) < 0)
			s->dsn_lo = dsn;
	}
	s->dsn_seen = true;
	if (wide || s->has_idsn)
		s->dsn_wide = true;
}

/* The 64-bit relative subflow sequence number of @seq, or false. */
bool
mpf__mptcp_rel_seq(struct sdir *d, uint32_t seq, uint64_t *out)
{
	uint64_t r;

	if (!d->isn_known)
		return false;
	r = mpf__seq_expand32(seq - d->isn, d->seq_ref);
	if (!d->seq_seen || (int64_t)(r - d->seq_ref) > 0)
		d->seq_ref = r;
	d->seq_seen = true;
	*out = r;
	return true;
}

static bool
map_below(const void *e, const void *key)
{
	return ((const struct mapping *)e)->ssn < *(const uint64_t *)key;
}

static bool
map_not_above(const void *e, const void *key)
{
	return ((const struct mapping *)e)->ssn <= *(const uint64_t *)key;
}

/* Files mapping @m of a direction of a subflow of @c, in ssn order. */
void
mpf__mptcp_map_add(struct conn *c, struct sdir *d, const struct mapping *m)
{
	struct opos p;
	struct mapping *v;

	d->maps.esize = sizeof(struct mapping);
	if (d->maps.len) {
		p = mpf__oarr_last(&d->maps);
		v = mpf__oarr_at(&d->maps, p);
		if (v->ssn < m->ssn) { /* in order: the common case */
			p.i++;
			goto insert;
		}
	}
	p = mpf__oarr_bound(&d->maps, map_below, &m->ssn);
	if (!mpf__oarr_end(&d->maps, p)) {
		v = mpf__oarr_at(&d->maps, p);
		if (v->ssn == m->ssn) {
			/* a retransmitted mapping keeps the frame that first
			 * sent it; a different one (a remap) replaces it */
			if (v->dsn != m->dsn || v->len != m->len)
				*v = *m;
			return;
		}
	}
insert:
	mpf__oarr_insert(&d->maps, p, m);
	c->maps_kept++;
}

/* The mapping that covers relative sequence number @ssn, or NULL. */
const struct mapping *
mpf__mptcp_map_find(const struct sdir *d, uint64_t ssn)
{
	struct opos p;
	int tries;

	if (!d->maps.len)
		return NULL;
	/* the first mapping with ssn > @ssn, then back: the nearest one
	 * below usually covers it; overlapping remaps may leave a longer
	 * one a little further back */
	p = mpf__oarr_bound(&d->maps, map_not_above, &ssn);
	for (tries = 0; tries < 4 && mpf__oarr_prev(&d->maps, &p); tries++) {
		const struct mapping *m = mpf__oarr_at(&d->maps, p);

		if (ssn - m->ssn < m->len)
			return m;
	}
	return NULL;
}

/* Drops mappings wholly below @acked: the receiver has them, so no
 * segment will need them again. The newest mapping always stays. */
void
mpf__mptcp_map_prune(struct conn *c, struct sdir *d, uint64_t acked)
{
	struct opos p = mpf__oarr_begin(&d->maps);
	guint n = 0;

	while (n + 1 < d->maps.len) {
		const struct mapping *m = mpf__oarr_at(&d->maps, p);

		if (m->ssn + m->len > acked)
			break;
		n++;
		mpf__oarr_next(&d->maps, &p);
	}
	mpf__oarr_drop_front(&d->maps, n);
	c->maps_kept -= MIN(c->maps_kept, n);
}

/*
 * Keeps the mappings of connection @node under MAPS_MAX: called when its
 * count passes it, counts them again (flows move between nodes), and if
 * they really are too many, drops the older half of each direction's
 * (the newest stays), so that the next trim is MAPS_MAX / 2 mappings
 * away. What is dropped is counted in checks.limited: a segment that a
 * dropped mapping covered is flagged as unmapped.
 */
void
mpf__mptcp_maps_trim(struct mpf_node *node)
{
	struct conn *c = conn_of(node);
	uint32_t total = 0;
	guint i;
	int d;

	for (i = 0; i < node->flows->len; i++)
		for (d = 0; d < 2; d++)
			total += sub_of(g_ptr_array_index(node->flows, i))->dir[d].maps.len;
	c->maps_kept = total;
	if (total <= MAPS_MAX)
		return;
	for (i = 0; i < node->flows->len; i++) {
		for (d = 0; d < 2; d++) {
			struct oarr *a =
				&sub_of(g_ptr_array_index(node->flows, i))->dir[d].maps;
			guint drop = a->len / 2;

			mpf__oarr_drop_front(a, drop);
			c->maps_kept -= drop;
			c->checks.limited += drop;
		}
	}
}
