/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one bounds-checked reader over packet bytes (internal), used by every
 * parser: the link and IP decoder, MPTCP options, SCTP chunks, LISP.
 *
 * A cursor knows two ends: @cap, where the capture stopped, and @end, where
 * the structure being read ends on the wire (a frame's wire length, an IP
 * total length, a chunk's or an option's length field). Reading past @end
 * means the fields contradict each other: MPF_ERR_MALFORMED. Reading past
 * @cap but not @end means the snapshot length cut bytes the wire had:
 * MPF_ERR_TRUNCATED. The first such outcome sticks in @status; every read
 * after it returns 0 and moves nothing, so a parser reads a whole header,
 * checks once, then changes state: no longjmp, no half-updated graph.
 * mpf_cursor_invalid() records a contradiction the reader cannot see (a
 * length below its minimum), as tcpdump's ND_ICHECK does.
 *
 * @end may lie past the captured buffer: it is compared, never read.
 * No other file shifts packet bytes into integers.
 */
#ifndef MPF_CURSOR_H
#define MPF_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mpflow.h"

struct mpf_cursor {
	const uint8_t *p;   /* next byte to read */
	const uint8_t *cap; /* one past the last captured byte */
	const uint8_t *end; /* one past the structure's last byte on the wire */
	int status;         /* MPF_OK or the first error met */
};

/* A cursor over @data (not NULL): @cap bytes captured of @len on the wire
 * (a capture longer than the wire says is cut to it). */
static inline void
mpf_cursor_init(struct mpf_cursor *c, const uint8_t *data, size_t cap,
		size_t len)
{
	/* a length meaning "unknown" (SIZE_MAX) must neither wrap the
	 * pointer nor make a negative offset of it */
	size_t room = (size_t)(UINTPTR_MAX - (uintptr_t)data);

	if (room > PTRDIFF_MAX)
		room = PTRDIFF_MAX;
	if (len > room)
		len = room;
	if (cap > len)
		cap = len;
	c->p = data;
	c->cap = data + cap;
	c->end = data + len;
	c->status = MPF_OK;
}

/* Captured bytes left to read (0 once an error is met, or once
 * mpf_cursor_pass() went past the capture). */
static inline size_t
mpf_cursor_left(const struct mpf_cursor *c)
{
	return c->status == MPF_OK && c->p < c->cap ? (size_t)(c->cap - c->p)
						    : 0;
}

/* Bytes the structure has left on the wire (0 once an error is met). */
static inline size_t
mpf_cursor_wire_left(const struct mpf_cursor *c)
{
	return c->status == MPF_OK ? (size_t)(c->end - c->p) : 0;
}

/* Whether @n more bytes were captured; changes nothing. */
static inline bool
mpf_cursor_has(const struct mpf_cursor *c, size_t n)
{
	return mpf_cursor_left(c) >= n;
}

/* Records @st (a negative status) unless an earlier error stands. */
static inline void
mpf_cursor_fail(struct mpf_cursor *c, int st)
{
	if (c->status == MPF_OK)
		c->status = st;
}

/* Records that a field contradicts the structure (ND_ICHECK). */
static inline void
mpf_cursor_invalid(struct mpf_cursor *c)
{
	mpf_cursor_fail(c, MPF_ERR_MALFORMED);
}

/*
 * Whether the next @n bytes can be read (ND_TCHECK): false, with the
 * status set, when the structure has fewer (malformed) or the capture
 * holds fewer (truncated). Moves nothing.
 */
static inline bool
mpf_cursor_need(struct mpf_cursor *c, size_t n)
{
	/* the common case in one test: captured, so on the wire too (cap
	 * never passes end; p may pass cap, never end) */
	if (c->status == MPF_OK && n <= PTRDIFF_MAX &&
	    c->cap - c->p >= (ptrdiff_t)n)
		return true;
	if (c->status != MPF_OK)
		return false;
	if (mpf_cursor_wire_left(c) < n)
		c->status = MPF_ERR_MALFORMED;
	else if (mpf_cursor_left(c) < n)
		c->status = MPF_ERR_TRUNCATED;
	return c->status == MPF_OK;
}

/* Returns a pointer to the next @n bytes and skips them, or NULL (status
 * set, nothing moved) when they cannot be read. */
static inline const uint8_t *
mpf_cursor_take(struct mpf_cursor *c, size_t n)
{
	const uint8_t *q = c->p;

	if (!mpf_cursor_need(c, n))
		return NULL;
	c->p += n;
	return q;
}

static inline bool
mpf_cursor_skip(struct mpf_cursor *c, size_t n)
{
	return mpf_cursor_take(c, n) != NULL;
}

/*
 * Moves past @n bytes that nobody reads (padding), whether captured or
 * not: malformed only when the structure has fewer. A read after it tells
 * whether the capture went on.
 */
static inline bool
mpf_cursor_pass(struct mpf_cursor *c, size_t n)
{
	if (mpf_cursor_wire_left(c) < n) {
		mpf_cursor_invalid(c);
		return false;
	}
	c->p += n;
	return true;
}

/* The next byte without moving, or 0 (status set) when there is none. */
static inline uint8_t
mpf_peek_u8(struct mpf_cursor *c)
{
	return mpf_cursor_need(c, 1) ? c->p[0] : 0;
}

static inline uint8_t
mpf_get_u8(struct mpf_cursor *c)
{
	const uint8_t *q = mpf_cursor_take(c, 1);

	return q ? q[0] : 0;
}

/* Big-endian (network order) unsigned fields of 2 to 8 bytes. */
static inline uint64_t
mpf__cursor_be(struct mpf_cursor *c, size_t n)
{
	const uint8_t *q = mpf_cursor_take(c, n);
	uint64_t v = 0;
	size_t i;

	for (i = 0; q && i < n; i++)
		v = v << 8 | q[i];
	return v;
}

/*
 * Big-endian loads of the usual widths (one load and a byte swap where the
 * compiler has them), of a header taken whole: @q from mpf_cursor_take(c,
 * n), whose one check covered all n bytes, and @off + the width within
 * them. The hot headers (Ethernet, IPv4, TCP, DSS) read so: one check a
 * header, not one a field.
 */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MPF__BE_AT(bits, swap)                                               \
	static inline uint##bits##_t mpf_be##bits##_at(const uint8_t *q,     \
						       size_t off)           \
	{                                                                    \
		uint##bits##_t v;                                            \
                                                                             \
		memcpy(&v, q + off, sizeof(v));                              \
		return swap(v);                                              \
	}
#else
#define MPF__BE_AT(bits, swap)                                               \
	static inline uint##bits##_t mpf_be##bits##_at(const uint8_t *q,     \
						       size_t off)           \
	{                                                                    \
		uint64_t v = 0;                                              \
		size_t i;                                                    \
                                                                             \
		for (i = 0; i < bits / 8; i++)                               \
			v = v << 8 | q[off + i];                             \
		return (uint##bits##_t)v;                                    \
	}
#endif
MPF__BE_AT(16, __builtin_bswap16)
MPF__BE_AT(32, __builtin_bswap32)
MPF__BE_AT(64, __builtin_bswap64)

/* The same through a cursor: 0 (status set) when they cannot be read. */
#define MPF__CURSOR_BE(bits)                                                 \
	static inline uint##bits##_t mpf__cursor_be##bits(struct mpf_cursor *c) \
	{                                                                    \
		const uint8_t *q = mpf_cursor_take(c, bits / 8);             \
                                                                             \
		return q ? mpf_be##bits##_at(q, 0) : 0;                      \
	}
MPF__CURSOR_BE(16)
MPF__CURSOR_BE(32)
MPF__CURSOR_BE(64)

static inline uint16_t
mpf_get_be16(struct mpf_cursor *c)
{
	return mpf__cursor_be16(c);
}

static inline uint32_t
mpf_get_be24(struct mpf_cursor *c)
{
	return (uint32_t)mpf__cursor_be(c, 3);
}

static inline uint32_t
mpf_get_be32(struct mpf_cursor *c)
{
	return mpf__cursor_be32(c);
}

static inline uint64_t
mpf_get_be64(struct mpf_cursor *c)
{
	return mpf__cursor_be64(c);
}

/* A 4-byte field whose byte order the reader does not know (BSD loopback's
 * host-order family): little-endian. */
static inline uint32_t
mpf_get_le32(struct mpf_cursor *c)
{
	const uint8_t *q = mpf_cursor_take(c, 4);

	return q ? (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 |
			   (uint32_t)q[1] << 8 | q[0]
		 : 0;
}

/* Copies @n bytes into @out (zero-filled when they cannot be read). */
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
 * A child cursor over the next @n bytes of @c (a TLV's value, an LCAF's
 * payload), so that its parser can only see its own bytes; @c does not
 * move (skip the @n bytes when done). When the structure has fewer than
 * @n bytes, @c turns malformed and the child, empty, carries the error.
 */
static inline struct mpf_cursor
mpf_cursor_sub(struct mpf_cursor *c, size_t n)
{
	struct mpf_cursor s = { c->p, c->p, c->p, c->status };

	if (c->status == MPF_OK && (size_t)(c->end - c->p) < n)
		mpf_cursor_invalid(c);
	s.status = c->status;
	if (s.status != MPF_OK)
		return s;
	s.end = c->p + n;
	s.cap = s.end < c->cap ? s.end : c->cap; /* < s.p after a pass */
	return s;
}

#endif /* MPF_CURSOR_H */
