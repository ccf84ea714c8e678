/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * msg.c: the LISP message reader: a cursor that tells truncated from
 * malformed, addresses with their LCAFs, EID records and their locators,
 * control message headers, and the data header.
 *
 * Reads only the captured bytes it is given; knows nothing of sites,
 * flows or the graph.
 */
#include <string.h>

#include "backends/lisp/lisp-int.h"

void
mpf__lisp_cur_init(struct mpf_lisp_cur *c, const uint8_t *p, size_t cap,
		   size_t len)
{
	if (cap > len)
		cap = len;
	c->p = p;
	c->cap = p + cap;
	c->end = p + len;
	c->status = MPF_OK;
}

/* Whether @n more bytes can be read: beyond the message they are
 * malformed, beyond the capture truncated. */
static bool
need(struct mpf_lisp_cur *c, size_t n)
{
	if (c->status != MPF_OK)
		return false;
	if ((size_t)(c->end - c->p) < n) {
		c->status = MPF_ERR_MALFORMED;
		return false;
	}
	if ((size_t)(c->cap - c->p) < n) {
		c->status = MPF_ERR_TRUNCATED;
		return false;
	}
	return true;
}

uint8_t
mpf__lisp_u8(struct mpf_lisp_cur *c)
{
	return need(c, 1) ? *c->p++ : 0;
}

static uint16_t
u16(struct mpf_lisp_cur *c)
{
	uint16_t v;

	if (!need(c, 2))
		return 0;
	v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	return v;
}

static uint32_t
u32(struct mpf_lisp_cur *c)
{
	uint32_t v = (uint32_t)u16(c) << 16;

	return v | u16(c);
}

bool
mpf__lisp_skip(struct mpf_lisp_cur *c, size_t n)
{
	if (!need(c, n))
		return false;
	c->p += n;
	return true;
}

#define MAX_LCAF_DEPTH 4 /* LCAFs in one address, nested or listed */

static bool
read_addr(struct mpf_lisp_cur *c, struct mpf_lisp_addr *a, int depth)
{
	uint16_t afi = u16(c);

	if (depth == 0)
		a->afi = afi;
	switch (afi) {
	case LISP_AFI_NONE:
		return c->status == MPF_OK;
	case LISP_AFI_IPV4:
	case LISP_AFI_IPV6: {
		size_t n = afi == LISP_AFI_IPV4 ? 4 : 16;

		if (!need(c, n))
			return false;
		if (!a->is_ip) {
			a->is_ip = true;
			a->ip.family = afi == LISP_AFI_IPV4 ? 4 : 6;
			memcpy(a->ip.bytes, c->p, n);
		}
		c->p += n;
		return true;
	}
	case LISP_AFI_MAC:
		return mpf__lisp_skip(c, 6);
	case LISP_AFI_DN: /* a NUL-terminated name */
		while (need(c, 1))
			if (*c->p++ == 0)
				return true;
		return false;
	case LISP_AFI_LCAF: {
		struct mpf_lisp_cur in;
		uint8_t type;
		uint16_t len;

		mpf__lisp_skip(c, 2); /* reserved, flags */
		type = mpf__lisp_u8(c);
		mpf__lisp_skip(c, 1); /* reserved, or the IID mask length */
		len = u16(c);
		if (c->status != MPF_OK)
			return false;
		/* the payload is a window of its own */
		in.p = c->p;
		in.end = c->p + len;
		if (in.end > c->end) {
			c->status = MPF_ERR_MALFORMED;
			return false;
		}
		in.cap = in.end < c->cap ? in.end : c->cap;
		in.status = MPF_OK;
		if (depth >= MAX_LCAF_DEPTH) {
			c->status = MPF_ERR_MALFORMED;
			return false;
		}
		if (type == LCAF_IID) {
			uint32_t iid = u32(&in);

			if (in.status == MPF_OK && !a->has_iid) {
				a->has_iid = true;
				a->iid = iid;
			}
			read_addr(&in, a, depth + 1);
		} else if (type == LCAF_AFI_LIST) {
			while (in.status == MPF_OK && in.p < in.end)
				read_addr(&in, a, depth + 1);
		}
		/* other LCAF types: the payload is skipped whole */
		if (in.status != MPF_OK && (type == LCAF_IID || type == LCAF_AFI_LIST)) {
			c->status = in.status;
			return false;
		}
		return mpf__lisp_skip(c, len);
	}
	default:
		/* an AFI of unknown size: nothing after it can be read */
		c->status = MPF_ERR_MALFORMED;
		return false;
	}
}

bool
mpf__lisp_read_addr(struct mpf_lisp_cur *c, struct mpf_lisp_addr *a)
{
	memset(a, 0, sizeof(*a));
	return read_addr(c, a, 0);
}

bool
mpf__lisp_read_record(struct mpf_lisp_cur *c, struct mpf_lisp_record *r,
		      void (*loc)(const struct mpf_lisp_wire_loc *l, void *user),
		      void *user)
{
	uint8_t b;
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->ttl = u32(c);
	r->loc_count = mpf__lisp_u8(c);
	r->mask_len = mpf__lisp_u8(c);
	b = mpf__lisp_u8(c);
	r->action = b >> 5;
	r->authoritative = (b & 0x10) != 0;
	mpf__lisp_skip(c, 1);
	r->map_version = u16(c) & 0x0fff;
	if (!mpf__lisp_read_addr(c, &r->eid))
		return false;
	for (i = 0; i < r->loc_count; i++) {
		struct mpf_lisp_wire_loc l;
		uint16_t flags;

		memset(&l, 0, sizeof(l));
		l.priority = mpf__lisp_u8(c);
		l.weight = mpf__lisp_u8(c);
		l.mpriority = mpf__lisp_u8(c);
		l.mweight = mpf__lisp_u8(c);
		flags = u16(c);
		l.local = (flags & 0x4) != 0;
		l.probed = (flags & 0x2) != 0;
		l.reachable = (flags & 0x1) != 0;
		if (!mpf__lisp_read_addr(c, &l.rloc))
			return false;
		if (loc)
			loc(&l, user);
	}
	return c->status == MPF_OK;
}

bool
mpf__lisp_read_header(struct mpf_lisp_cur *c, struct mpf_lisp_msg *m)
{
	uint8_t b0;
	unsigned i;

	memset(m, 0, sizeof(*m));
	b0 = mpf__lisp_u8(c);
	m->type = b0 >> 4;
	m->flags[0] = b0 & 0x0f;
	m->flags[1] = mpf__lisp_u8(c);
	m->flags[2] = mpf__lisp_u8(c);
	m->records = mpf__lisp_u8(c);
	if (c->status != MPF_OK)
		return false;
	switch (m->type) {
	case LISP_MAP_REQUEST: {
		struct mpf_lisp_addr a;

		m->with_reply = (b0 & 0x04) != 0;
		m->probe = (b0 & 0x02) != 0;
		m->smr = (b0 & 0x01) != 0;
		m->smr_invoked = (m->flags[1] & 0x40) != 0;
		m->itr_rlocs = (uint8_t)((m->flags[2] & 0x1f) + 1);
		m->has_nonce = true;
		m->nonce = (uint64_t)u32(c) << 32;
		m->nonce |= u32(c);
		mpf__lisp_read_addr(c, &a); /* source EID */
		for (i = 0; i < m->itr_rlocs && c->status == MPF_OK; i++)
			mpf__lisp_read_addr(c, &a);
		break;
	}
	case LISP_MAP_REPLY:
		m->probe = (b0 & 0x08) != 0;
		m->has_nonce = true;
		m->nonce = (uint64_t)u32(c) << 32;
		m->nonce |= u32(c);
		break;
	case LISP_MAP_REFERRAL: /* RFC 8111: the nonce, then the records */
		m->has_nonce = true;
		m->nonce = (uint64_t)u32(c) << 32;
		m->nonce |= u32(c);
		break;
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK:
	case LISP_INFO: /* RFC 9735: nonce, key id, authentication data */
		if (m->type != LISP_INFO)
			m->want_notify = (m->flags[2] & 0x01) != 0;
		m->has_nonce = true;
		m->nonce = (uint64_t)u32(c) << 32;
		m->nonce |= u32(c);
		m->key_id = u16(c);
		m->auth_len = u16(c);
		mpf__lisp_skip(c, m->auth_len);
		break;
	default:
		break;
	}
	return c->status == MPF_OK;
}

int
mpf__lisp_read_data(const uint8_t *p, size_t cap, size_t len,
		    struct mpf_lisp_data *d)
{
	memset(d, 0, sizeof(*d));
	if (len < 8)
		return MPF_ERR_MALFORMED;
	if (cap < 8)
		return MPF_ERR_TRUNCATED;
	d->flags = p[0];
	if (d->flags & LISP_DATA_N) {
		d->has_nonce = true;
		d->nonce = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	}
	if (d->flags & LISP_DATA_I) {
		d->has_iid = true;
		d->iid = (uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6];
		d->has_lsb = (d->flags & LISP_DATA_L) != 0;
		d->lsb = p[7];
	} else if (d->flags & LISP_DATA_L) {
		d->has_lsb = true;
		d->lsb = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
			 (uint32_t)p[6] << 8 | p[7];
	}
	return MPF_OK;
}
