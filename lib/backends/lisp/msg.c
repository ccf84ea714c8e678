/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * msg.c: the LISP message reader: addresses with their LCAFs, EID records and their locators,
 * control message headers, and the data header.
 *
 * Reads only the captured bytes it is given, through mpf-cursor.h (which
 * tells truncated from malformed); knows nothing of sites,
 * flows or the graph.
 */
#include <string.h>

#include "backends/lisp/lisp-int.h"
#include "mpf-cursor.h"

#define MAX_LCAF_DEPTH 4 /* LCAFs in one address, nested or listed */

static bool
read_addr(struct mpf_cursor *c, struct mpf_lisp_addr *a, int depth)
{
	uint16_t afi = mpf_get_be16(c);

	if (depth == 0)
		a->afi = afi;
	switch (afi) {
	case LISP_AFI_NONE:
		return c->status == MPF_OK;
	case LISP_AFI_IPV4:
	case LISP_AFI_IPV6: {
		size_t n = afi == LISP_AFI_IPV4 ? 4 : 16;

		const uint8_t *q = mpf_cursor_take(c, n);

		if (!q)
			return false;
		if (!a->is_ip) {
			a->is_ip = true;
			a->ip.family = afi == LISP_AFI_IPV4 ? 4 : 6;
			memcpy(a->ip.bytes, q, n);
		}
		return true;
	}
	case LISP_AFI_MAC:
		return mpf_cursor_skip(c, 6);
	case LISP_AFI_DN: /* a NUL-terminated name */
		while (mpf_cursor_need(c, 1))
			if (mpf_get_u8(c) == 0)
				return true;
		return false;
	case LISP_AFI_LCAF: {
		struct mpf_cursor in;
		uint8_t type;
		uint16_t len;

		mpf_cursor_skip(c, 2); /* reserved, flags */
		type = mpf_get_u8(c);
		mpf_cursor_skip(c, 1); /* reserved, or the IID mask length */
		len = mpf_get_be16(c);
		if (c->status != MPF_OK)
			return false;
		/* the payload is a window of its own */
		in = mpf_cursor_sub(c, len);
		if (c->status != MPF_OK)
			return false;
		if (depth >= MAX_LCAF_DEPTH) {
			mpf_cursor_invalid(c);
			return false;
		}
		if (type == LCAF_IID) {
			uint32_t iid = mpf_get_be32(&in);

			if (in.status == MPF_OK && !a->has_iid) {
				a->has_iid = true;
				a->iid = iid;
			}
			read_addr(&in, a, depth + 1);
		} else if (type == LCAF_AFI_LIST) {
			while (mpf_cursor_wire_left(&in) > 0)
				read_addr(&in, a, depth + 1);
		}
		/* other LCAF types: the payload is skipped whole */
		if (in.status != MPF_OK && (type == LCAF_IID || type == LCAF_AFI_LIST)) {
			mpf_cursor_fail(c, in.status);
			return false;
		}
		return mpf_cursor_skip(c, len);
	}
	default:
		/* an AFI of unknown size: nothing after it can be read */
		mpf_cursor_invalid(c);
		return false;
	}
}

bool
mpf__lisp_read_addr(struct mpf_cursor *c, struct mpf_lisp_addr *a)
{
	memset(a, 0, sizeof(*a));
	return read_addr(c, a, 0);
}

bool
mpf__lisp_read_record(struct mpf_cursor *c, struct mpf_lisp_record *r,
		      void (*loc)(const struct mpf_lisp_wire_loc *l, void *user),
		      void *user)
{
	uint8_t b;
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->ttl = mpf_get_be32(c);
	r->loc_count = mpf_get_u8(c);
	r->mask_len = mpf_get_u8(c);
	b = mpf_get_u8(c);
	r->action = b >> 5;
	r->authoritative = (b & 0x10) != 0;
	mpf_cursor_skip(c, 1);
	r->map_version = mpf_get_be16(c) & 0x0fff;
	if (!mpf__lisp_read_addr(c, &r->eid))
		return false;
	for (i = 0; i < r->loc_count; i++) {
		struct mpf_lisp_wire_loc l;
		uint16_t flags;

		memset(&l, 0, sizeof(l));
		l.priority = mpf_get_u8(c);
		l.weight = mpf_get_u8(c);
		l.mpriority = mpf_get_u8(c);
		l.mweight = mpf_get_u8(c);
		flags = mpf_get_be16(c);
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
mpf__lisp_read_header(struct mpf_cursor *c, struct mpf_lisp_msg *m)
{
	uint8_t b0;
	unsigned i;

	memset(m, 0, sizeof(*m));
	b0 = mpf_get_u8(c);
	m->type = b0 >> 4;
	m->flags[0] = b0 & 0x0f;
	m->flags[1] = mpf_get_u8(c);
	m->flags[2] = mpf_get_u8(c);
	m->records = mpf_get_u8(c);
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
		m->nonce = mpf_get_be64(c);
		mpf__lisp_read_addr(c, &a); /* source EID */
		for (i = 0; i < m->itr_rlocs && c->status == MPF_OK; i++)
			mpf__lisp_read_addr(c, &a);
		break;
	}
	case LISP_MAP_REPLY:
		m->probe = (b0 & 0x08) != 0;
		m->has_nonce = true;
		m->nonce = mpf_get_be64(c);
		break;
	case LISP_MAP_REFERRAL: /* RFC 8111: the nonce, then the records */
		m->has_nonce = true;
		m->nonce = mpf_get_be64(c);
		break;
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK:
	case LISP_INFO: /* RFC 9735: nonce, key id, authentication data */
		if (m->type != LISP_INFO)
			m->want_notify = (m->flags[2] & 0x01) != 0;
		m->has_nonce = true;
		m->nonce = mpf_get_be64(c);
		m->key_id = mpf_get_be16(c);
		m->auth_len = mpf_get_be16(c);
		mpf_cursor_skip(c, m->auth_len);
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
	struct mpf_cursor c;
	uint32_t nonce, word;

	memset(d, 0, sizeof(*d));
	mpf_cursor_init(&c, p, cap, len);
	d->flags = mpf_get_u8(&c);
	nonce = mpf_get_be24(&c);
	word = mpf_get_be32(&c); /* IID and LSBs, or LSBs alone */
	if (c.status != MPF_OK) {
		d->flags = 0;
		return c.status;
	}
	if (d->flags & LISP_DATA_N) {
		d->has_nonce = true;
		d->nonce = nonce;
	}
	if (d->flags & LISP_DATA_I) {
		d->has_iid = true;
		d->iid = word >> 8;
		d->has_lsb = (d->flags & LISP_DATA_L) != 0;
		d->lsb = word & 0xff;
	} else if (d->flags & LISP_DATA_L) {
		d->has_lsb = true;
		d->lsb = word;
	}
	return MPF_OK;
}
