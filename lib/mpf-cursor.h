/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A bounds-checked reader over captured bytes (internal).
 *
 * Every multi-byte field of a packet is read through these functions and
 * never by casting packet bytes to a struct. A read past the end returns 0
 * and sets the sticky @overrun flag, so a parser reads a whole header, then
 * checks once, then changes state: no longjmp, no half-updated graph.
 *
 * A sub-cursor (mpf_cursor_sub) narrows the window to one TLV, so that an
 * option parser can only ever see its own bytes.
 */
#ifndef MPF_CURSOR_H
#define MPF_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct mpf_cursor {
	const uint8_t *p;   /* next byte to read */
	const uint8_t *end; /* one past the last captured byte */
	bool overrun;       /* a read or skip ran past @end */
};

static inline void
mpf_cursor_init(struct mpf_cursor *c, const uint8_t *data, size_t len)
{
	c->p = data;
	c->end = data + len;
	c->overrun = false;
}

static inline size_t
mpf_cursor_left(const struct mpf_cursor *c)
{
	return (size_t)(c->end - c->p);
}

/* Whether @n more bytes can be read; never sets the overrun flag. */
static inline bool
mpf_cursor_has(const struct mpf_cursor *c, size_t n)
{
	return !c->overrun && mpf_cursor_left(c) >= n;
}

/* Returns a pointer to the next @n bytes and skips them, or NULL (and sets
 * the overrun flag) when fewer are left. */
static inline const uint8_t *
mpf_cursor_take(struct mpf_cursor *c, size_t n)
{
	const uint8_t *q;

	if (!mpf_cursor_has(c, n)) {
		c->overrun = true;
		return NULL;
	}
	q = c->p;
	c->p += n;
	return q;
}

static inline bool
mpf_cursor_skip(struct mpf_cursor *c, size_t n)
{
	return mpf_cursor_take(c, n) != NULL;
}

static inline uint8_t
mpf_get_u8(struct mpf_cursor *c)
{
	const uint8_t *q = mpf_cursor_take(c, 1);

	return q ? q[0] : 0;
}

static inline uint16_t
mpf_get_be16(struct mpf_cursor *c)
{
	const uint8_t *q = mpf_cursor_take(c, 2);

	return q ? (uint16_t)(q[0] << 8 | q[1]) : 0;
}

static inline uint32_t
mpf_get_be32(struct mpf_cursor *c)
{
	const uint8_t *q = mpf_cursor_take(c, 4);

	return q ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
			   (uint32_t)q[2] << 8 | q[3]
		 : 0;
}

static inline uint64_t
mpf_get_be64(struct mpf_cursor *c)
{
	const uint8_t *q = mpf_cursor_take(c, 8);
	uint64_t v = 0;
	unsigned i;

	for (i = 0; q && i < 8; i++)
		v = v << 8 | q[i];
	return v;
}

/* Copies @n bytes into @out (zero-filled on overrun). */
static inline bool
mpf_get_bytes(struct mpf_cursor *c, void *out, size_t n)
{
	const uint8_t *q = mpf_cursor_take(c, n);

	if (!q) {
		memset(out, 0, n);
		return false;
	}
	memcpy(out, q, n);
	return true;
}

/*
 * A child cursor over the next @n bytes of @c, or over what is left when
 * fewer were captured (then *@cut is set, when not NULL). @c skips them.
 */
static inline struct mpf_cursor
mpf_cursor_sub(struct mpf_cursor *c, size_t n, bool *cut)
{
	struct mpf_cursor s = { c->p, c->p, false };
	size_t left = c->overrun ? 0 : mpf_cursor_left(c);

	if (cut)
		*cut = left < n;
	if (left < n)
		n = left;
	s.end = c->p + n;
	c->p += n;
	return s;
}

#endif /* MPF_CURSOR_H */
