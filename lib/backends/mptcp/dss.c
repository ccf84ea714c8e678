/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dss.c: the data level: which DSN ranges a side sent and on which
 * subflow (new data, retransmission, reinjection, out of order),
 * forgetting acknowledged ones, and the DSS checksum (RFC 8684 3.3.1)
 * summed across the segments of a mapping.
 *
 * Sets the frame flags, links and statistics of those results. Does not
 * create or find mappings (seq.c), nodes or flows.
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

/*
 * Accounts the mapped payload [dsn, dsn + len) sent by @side on flow @f at
 * relative subflow sequence number @ssn: new data, a TCP retransmission
 * (same flow, same ssn), or a reinjection (another flow, or this one at
 * another ssn); out-of-order new data. Sets the frame's flags and links.
 */
static bool
sent_ends_by(const void *e, const void *key)
{
	return (int64_t)(((const struct sent *)e)->end -
			 *(const uint64_t *)key) <= 0;
}

static bool
sent_starts_below(const void *e, const void *key)
{
	return (int64_t)(((const struct sent *)e)->start -
			 *(const uint64_t *)key) < 0;
}

/* Files interval @x in @sd's before @p, and counts its frame (every
 * interval is filed here, so that sent_frames follows sent). */
static struct opos
sent_put(struct side *sd, struct opos p, const struct sent *x)
{
	mpf__mptcp_settle_add(sd, x);
	return mpf__oarr_insert(&sd->sent, p, x);
}

/* Drops @sd's @n lowest intervals, and their frames' counts. */
static void
sent_drop(struct side *sd, guint n)
{
	struct opos p = mpf__oarr_begin(&sd->sent);
	guint k;

	for (k = 0; k < n && !mpf__oarr_end(&sd->sent, p);
	     k++, mpf__oarr_next(&sd->sent, &p))
		mpf__mptcp_settle_del(sd, mpf__oarr_at(&sd->sent, p));
	mpf__oarr_drop_front(&sd->sent, n);
}

/* Files interval @x in @sd's, where its start says (merges). */
void
mpf__mptcp_sent_insert(struct side *sd, const struct sent *x)
{
	sd->sent.esize = sizeof(struct sent);
	sent_put(sd, mpf__oarr_bound(&sd->sent, sent_starts_below, &x->start),
		 x);
}

/* Keeps @sd's intervals under SENT_MAX: past it, the lowest eighth goes
 * (the oldest data, the first to be acked), counted in @c's checks. */
void
mpf__mptcp_sent_trim(struct conn *c, struct side *sd)
{
	guint drop;

	if (sd->sent.len <= SENT_MAX)
		return;
	drop = sd->sent.len - SENT_MAX + SENT_MAX / 8;
	sent_drop(sd, drop);
	c->checks.limited += drop;
}

/*
 * Accounts the mapped payload [dsn, dsn + len) sent by @side on flow @f at
 * relative subflow sequence number @ssn: new data, a TCP retransmission
 * (same flow, same ssn), or a reinjection (another flow, or this one at
 * another ssn); out-of-order new data. Sets the frame's flags and links.
 */
void
mpf__mptcp_data_sent(struct mpf_ctx *ctx, struct mpf_flow *f, int d, int side,
		     uint64_t dsn, uint32_t len, uint64_t ssn,
		     struct mpf_frame *rec)
{
	struct conn *c = conn_of(f->node);
	struct side *sd = &c->side[side];
	struct sdir *fd = &sub_of(f)->dir[d];
	uint64_t end = dsn + len, pos = dsn, reinj = 0, retr = 0;
	uint32_t first_cross = 0, first_same = 0, first_other;
	struct oarr *a = &sd->sent;
	struct opos p;

	a->esize = sizeof(struct sent);
	sd->st.data_bytes += len;
	sd->st.segments++;
	fd->st.data_bytes += len;
	/* the first interval that ends after dsn; new data, the common
	 * case, starts past every interval */
	p = mpf__oarr_last(a);
	if (!a->len || sent_ends_by(mpf__oarr_at(a, p), &dsn))
		p.c = a->ch ? a->ch->len : 0, p.i = 0;
	else
		p = mpf__oarr_bound(a, sent_ends_by, &dsn);
	/* walk the overlapping intervals; what they do not cover is new */
	for (; !mpf__oarr_end(a, p) && (int64_t)(pos - end) < 0;
	     mpf__oarr_next(a, &p)) {
		struct sent *o = mpf__oarr_at(a, p);
		uint64_t x, y;

		if ((int64_t)(o->start - end) >= 0)
			break;
		if ((int64_t)(o->start - pos) > 0) {
			struct sent n = { pos, o->start, ssn + (pos - dsn),
					  rec->number, f->id };

			p = sent_put(sd, p, &n);
			mpf__oarr_next(a, &p);
			o = mpf__oarr_at(a, p);
		}
		x = (int64_t)(o->start - pos) > 0 ? o->start : pos;
		y = (int64_t)(o->end - end) < 0 ? o->end : end;
		if (o->flow == f->id && o->ssn + (x - o->start) == ssn + (x - dsn)) {
			retr += y - x;
		} else {
			reinj += y - x;
			/* name another subflow's frame first, as Wireshark */
			if (o->flow != f->id && !first_cross)
				first_cross = o->frame;
			else if (o->flow == f->id && !first_same)
				first_same = o->frame;
		}
		pos = y;
	}
	if ((int64_t)(pos - end) < 0) {
		struct sent n = { pos, end, ssn + (pos - dsn), rec->number, f->id };

		sent_put(sd, p, &n);
		if (sd->sent_any && (int64_t)(pos - sd->sent_max) < 0) {
			/* new data below data already seen */
			rec->bflags |= MPF_MPTCP_FRAME_OUT_OF_ORDER;
			sd->st.out_of_order++;
		}
		sd->st.unique_bytes += end - pos;
		fd->st.unique_bytes += end - pos;
		if (!sd->sent_any || (int64_t)(end - sd->sent_max) > 0)
			sd->sent_max = end;
		sd->sent_any = true;
		mpf__mptcp_sent_trim(c, sd);
	}
	first_other = first_cross ? first_cross : first_same;
	if (reinj) {
		struct mpf_frame *orig = mpf__frame_at(ctx, first_other);

		rec->bflags |= MPF_MPTCP_FRAME_REINJECTION;
		rec->ref[1] = first_other;
		if (orig && !orig->ref[2] &&
		    rec->number - first_other < RELINK_FRAMES)
			orig->ref[2] = rec->number;
		sd->st.reinjected_bytes += reinj;
		sd->st.reinjections++;
		fd->st.reinjected_bytes += reinj;
	} else if (retr) {
		rec->bflags |= MPF_MPTCP_FRAME_RETRANSMISSION;
		sd->st.retransmitted_bytes += retr;
		sd->st.retransmissions++;
		fd->st.retransmitted_bytes += retr;
	}
}

/* Forgets data intervals that the receiver acknowledged long ago: acked
 * data is never sent again, but a few are kept for late duplicates. */
void
mpf__mptcp_sent_prune(struct side *sd, uint64_t acked)
{
	struct opos p;
	guint k;

	if (sd->sent.len <= SENT_KEEP_ACKED)
		return;
	/* the first interval not wholly acked; intervals do not overlap, so
	 * their ends are sorted too */
	p = mpf__oarr_bound(&sd->sent, sent_ends_by, &acked);
	k = mpf__oarr_rank(&sd->sent, p);
	if (k > SENT_KEEP_ACKED)
		sent_drop(sd, k - SENT_KEEP_ACKED);
}

/* ---------------------------------------------------------- checksum */

/* Adds @n bytes at @p to a ones' complement sum, @odd saying whether an
 * odd number of bytes came before. */
static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n, bool odd)
{
	size_t i;

	for (i = 0; i < n; i++, odd = !odd)
		sum += odd ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t
mpf__mptcp_dss_checksum(uint64_t dsn, uint32_t ssn, uint16_t data_len,
			const uint8_t *payload, size_t n)
{
	uint8_t ph[16];
	uint32_t sum;
	int i;

	/* pseudo-header: 64-bit DSN, subflow sequence number, data-level
	 * length, a zero checksum (RFC 8684 3.3.1) */
	for (i = 0; i < 8; i++)
		ph[i] = (uint8_t)(dsn >> (56 - 8 * i));
	for (i = 0; i < 4; i++)
		ph[8 + i] = (uint8_t)(ssn >> (24 - 8 * i));
	ph[12] = (uint8_t)(data_len >> 8);
	ph[13] = (uint8_t)data_len;
	ph[14] = ph[15] = 0;
	sum = csum_add(0, ph, sizeof(ph), false);
	sum = csum_add(sum, payload, n, false);
	return (uint16_t)~sum;
}

/* Starts summing a mapping that carries a checksum. */
void
mpf__mptcp_csum_start(struct conn *c, struct sdir *fd, uint64_t ssn,
		      uint64_t dsn, uint16_t data_len, uint16_t wire, bool fin)
{
	struct csum_acc *a = &fd->csum;

	if (a->active && a->ssn == ssn && a->dsn == dsn)
		return; /* the same mapping repeated on its next segment */
	if (a->active)
		c->checks.csum_unverifiable++; /* it never completed */
	memset(a, 0, sizeof(*a));
	a->active = true;
	a->ssn = ssn;
	a->dsn = dsn;
	a->data_len = data_len;
	a->wire_csum = wire;
	a->fin = fin;
	/* the DATA_FIN counts in the length, not in the payload */
	a->need = fin && data_len ? data_len - 1u : data_len;
}

/* Adds a segment's payload (relative sequence number @r) to the sum, and
 * checks it when the mapping is complete. */
void
mpf__mptcp_csum_feed(struct conn *c, struct sdir *fd, uint64_t r,
		     const struct mpf_pkt *pkt, struct mpf_frame *rec)
{
	struct csum_acc *a = &fd->csum;
	uint64_t next;
	uint32_t off, take;

	if (!a->active)
		return;
	next = a->ssn + a->got;
	if (r > next) {
		a->broken = true; /* a gap: a segment was not captured */
		return;
	}
	if (r + pkt->payload_len <= next)
		return; /* all of it summed already: a retransmission */
	off = (uint32_t)(next - r);
	take = pkt->payload_len - off;
	if (take > a->need - a->got)
		take = a->need - a->got;
	if (pkt->payload_cap < off + take)
		a->broken = true; /* cut by the snapshot length */
	else
		a->sum = csum_add(a->sum, pkt->payload + off, take, a->got & 1);
	a->got += take;
	if (a->got < a->need)
		return;
	if (a->broken) {
		rec->bflags |= MPF_MPTCP_FRAME_CSUM_UNVERIFIABLE;
		c->checks.csum_unverifiable++;
	} else {
		uint16_t want = mpf__mptcp_dss_checksum(a->dsn,
							(uint32_t)a->ssn,
							a->data_len, NULL, 0);
		uint32_t sum = csum_add((uint16_t)~want, NULL, 0, false);

		/* fold the payload into the pseudo-header's sum */
		sum += a->sum;
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		if ((uint16_t)~sum == a->wire_csum) {
			fd->csum_ok = true;
			rec->bflags |= MPF_MPTCP_FRAME_CSUM_OK;
			c->checks.csum_ok++;
		} else {
			rec->bflags |= MPF_MPTCP_FRAME_CSUM_BAD;
			c->checks.csum_bad++;
		}
	}
	a->active = false;
}
