/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: fuzz target: the LISP parsers (mpf__lisp_read_addr,
 * mpf__lisp_read_record, mpf__lisp_read_header, mpf__lisp_read_data)
 *
 *   input := mode(1) message
 *   mode  := bits 0-1 what the message is: 0 a control message (header,
 *            then its records as the backend reads them), 1 an address
 *            (AFI, LCAFs), 2 an EID record, 3 a data header; bits 2-7 how
 *            many bytes at the end were not captured, in units of 4
 *
 * The reader's promise is checked after every call: it never moves past
 * the message's end, and while its status is OK never past the captured
 * bytes.
 */
#include "fuzz.h"
#include "backends/lisp/lisp.h"

static void
check_cur(const struct mpf_cursor *c, const uint8_t *base)
{
	MPF_FUZZ_CHECK(c->p >= base && c->p <= c->end);
	MPF_FUZZ_CHECK(c->cap <= c->end);
	if (c->status == MPF_OK)
		MPF_FUZZ_CHECK(c->p <= c->cap);
	else
		MPF_FUZZ_CHECK(c->status == MPF_ERR_TRUNCATED ||
			       c->status == MPF_ERR_MALFORMED);
}

static void
on_loc(const struct mpf_lisp_wire_loc *l, void *user)
{
	unsigned *n = user;

	MPF_FUZZ_CHECK(!l->rloc.is_ip || l->rloc.ip.family == 4 ||
		       l->rloc.ip.family == 6);
	(*n)++;
}

static void
records(struct mpf_cursor *c, const uint8_t *base, unsigned count)
{
	unsigned i, locs;

	for (i = 0; i < count && c->status == MPF_OK; i++) {
		struct mpf_lisp_record r;

		locs = 0;
		mpf__lisp_read_record(c, &r, on_loc, &locs);
		check_cur(c, base);
		MPF_FUZZ_CHECK(locs <= r.loc_count);
	}
}

int
mpf_fuzz_lisp(const uint8_t *data, size_t size)
{
	struct mpf_cursor c;
	struct mpf_lisp_msg m;
	struct mpf_lisp_addr a;
	struct mpf_lisp_record r;
	struct mpf_lisp_data d;
	size_t len, cut, cap;
	uint8_t *copy;
	unsigned i;

	if (size < 1)
		return 0;
	len = size - 1;
	cut = (size_t)(data[0] >> 2) * 4;
	cap = len > cut ? len - cut : 0;
	copy = mpf_fuzz_dup(data + 1, cap);
	if (!copy)
		return 0;
	mpf_cursor_init(&c, copy, cap, len);
	switch (data[0] & 3) {
	case 0:
		mpf__lisp_read_header(&c, &m);
		check_cur(&c, copy);
		if (c.status != MPF_OK)
			break;
		if (m.type == LISP_MAP_REQUEST) {
			/* each record: reserved, mask length, EID */
			for (i = 0; i < m.records && c.status == MPF_OK; i++) {
				if ((size_t)(c.cap - c.p) < 2)
					break;
				c.p += 2;
				mpf__lisp_read_addr(&c, &a);
				check_cur(&c, copy);
			}
		} else if (m.type == LISP_MAP_REPLY ||
			   m.type == LISP_MAP_REGISTER ||
			   m.type == LISP_MAP_NOTIFY) {
			records(&c, copy, m.records);
		}
		break;
	case 1:
		mpf__lisp_read_addr(&c, &a);
		check_cur(&c, copy);
		MPF_FUZZ_CHECK(!a.is_ip || a.ip.family == 4 || a.ip.family == 6);
		break;
	case 2:
		mpf__lisp_read_record(&c, &r, NULL, NULL);
		check_cur(&c, copy);
		break;
	default:
		(void)mpf__lisp_read_data(copy, cap, len, &d);
		break;
	}
	free(copy);
	return 0;
}

MPF_FUZZ_MAIN(mpf_fuzz_lisp)
