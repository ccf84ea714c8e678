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

void
mpf__mptcp_map_add(struct sdir *d, const struct mapping *m)
{
	struct mapping *v;
	guint lo, hi, n;

	if (!d->maps)
		d->maps = g_array_new(FALSE, FALSE, sizeof(struct mapping));
	n = d->maps->len;
	v = (struct mapping *)(void *)d->maps->data;
	if (n == d->head || v[n - 1].ssn < m->ssn) {
		g_array_append_val(d->maps, *m);
		return;
	}
	lo = d->head;
	hi = n;
	/* first mapping with ssn >= m->ssn */
	MPF_LOWER_BOUND(lo, hi, mid, v[mid].ssn < m->ssn);
	if (lo < n && v[lo].ssn == m->ssn) {
		/* a retransmitted mapping keeps the frame that first sent
		 * it; a different one (a remap) replaces it */
		if (v[lo].dsn != m->dsn || v[lo].len != m->len)
			v[lo] = *m;
		return;
	}
	g_array_insert_val(d->maps, lo, *m);
}

/* The mapping that covers relative sequence number @ssn, or NULL. */
const struct mapping *
mpf__mptcp_map_find(const struct sdir *d, uint64_t ssn)
{
	const struct mapping *v;
	guint lo, hi, i, tries;

	if (!d->maps || d->maps->len == d->head)
		return NULL;
	v = (const struct mapping *)(const void *)d->maps->data;
	lo = d->head;
	hi = d->maps->len;
	/* first mapping with ssn > @ssn */
	MPF_LOWER_BOUND(lo, hi, mid, v[mid].ssn <= ssn);
	/* the nearest mapping below usually covers it; overlapping remaps
	 * may leave a longer one a little further back */
	for (i = lo, tries = 0; i > d->head && tries < 4; i--, tries++)
		if (ssn - v[i - 1].ssn < v[i - 1].len)
			return &v[i - 1];
	return NULL;
}

/* Drops mappings wholly below @acked: the receiver has them, so no
 * segment will need them again. The newest mapping always stays. */
void
mpf__mptcp_map_prune(struct sdir *d, uint64_t acked)
{
	const struct mapping *v;
	guint n;

	if (!d->maps)
		return;
	v = (const struct mapping *)(const void *)d->maps->data;
	n = d->maps->len;
	while (d->head + 1 < n && v[d->head].ssn + v[d->head].len <= acked)
		d->head++;
	if (d->head >= 256 && d->head * 2 >= n) {
		g_array_remove_range(d->maps, 0, d->head);
		d->head = 0;
	}
}
