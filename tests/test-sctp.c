/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SCTP chunk parsing (lib/backends/sctp/chunk.c) on the byte layouts of
 * RFC 9260 and its extensions (RFC 5061 ASCONF, RFC 4895 AUTH, RFC 3758
 * and RFC 8260 FORWARD-TSN and I-DATA, RFC 6525 RE-CONFIG, RFC 4820 PAD):
 * the CRC32c and
 * the packet checksum, the chunk walk, the per-type field reader, the
 * parameter walk, and the chunk names and bits.
 *
 * Most packets are real: they come from the usrsctp captures in
 * ../shared/captures/usrsctp (raw-2paths, encaps-2paths-asconf and
 * ipv6-4assocs-abort), from the SCTP common header on, with their CRC32c.
 * The others are written field by field after the RFC figures.
 *
 * Every buffer handed to the code is a g_malloc'd copy of exactly the
 * captured bytes, so that valgrind or ASan report any over-read; the prefix
 * tests also place the bytes right before an inaccessible page, so that an
 * over-read crashes them even without valgrind. Every result struct is
 * filled with garbage first, so that a field the parser forgets shows up.
 *
 * The "regressions" test case holds the tests of bugs found in the code
 * while this file was written (a capture cut inside the last chunk's
 * padding read as complete; NR-SACK read with the SACK layout). Each
 * says what the bug was.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "mpf-test.h"
#include "backends/sctp/sctp.h"

/* ------------------------------------------------------------ helpers */

/* Bytes and their count, for the case tables */
#define BYTES(...)                                                           \
	(const uint8_t[]){ __VA_ARGS__ },                                    \
		sizeof((const uint8_t[]){ __VA_ARGS__ })

/* A common header: ports 5001 -> 50857, tag 0x165c791c, checksum 0 */
#define HDR 0x13, 0x89, 0xc6, 0xa9, 0x16, 0x5c, 0x79, 0x1c, 0, 0, 0, 0

/* fd00:9:1::1 and fd00:9:2::1 */
#define IP6_1 0xfd, 0, 0, 0x09, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01
#define IP6_2 0xfd, 0, 0, 0x09, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Sums @n bytes: reads them, so that valgrind sees a bad pointer. */
static unsigned
touch(const uint8_t *p, size_t n)
{
	unsigned s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += p[i];
	return s;
}

/* ------------------------------------------------- captured packets */

/* raw-2paths frame 1: INIT, one chunk of 116 bytes, nine parameters */
static const uint8_t frame_init[] = {
	0xc6, 0xa9, 0x13, 0x89, 0x00, 0x00, 0x00, 0x00,
	0xc7, 0x53, 0x69, 0xbb, 0x01, 0x00, 0x00, 0x74,
	0x16, 0x5c, 0x79, 0x1c, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x0a, 0x08, 0x00, 0x49, 0x61, 0xd5, 0xab,
	0x80, 0x00, 0x00, 0x04, 0xc0, 0x00, 0x00, 0x04,
	0x80, 0x08, 0x00, 0x09, 0xc0, 0x0f, 0xc1, 0x80,
	0x82, 0x00, 0x00, 0x00, 0x80, 0x02, 0x00, 0x24,
	0x41, 0xba, 0x61, 0xc1, 0x25, 0x71, 0x95, 0xab,
	0x50, 0xfe, 0xba, 0x96, 0x46, 0x8e, 0x1a, 0x04,
	0xe4, 0xcb, 0xe8, 0xcc, 0x69, 0xc3, 0x6b, 0x70,
	0x4f, 0x31, 0xef, 0xe2, 0x43, 0xc5, 0xac, 0x15,
	0x80, 0x04, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00,
	0x80, 0x03, 0x00, 0x06, 0x80, 0xc1, 0x00, 0x00,
	0x00, 0x0c, 0x00, 0x06, 0x00, 0x05, 0x00, 0x00,
	0x00, 0x05, 0x00, 0x08, 0x0a, 0x09, 0x02, 0x01,
	0x00, 0x05, 0x00, 0x08, 0x0a, 0x09, 0x01, 0x01,
};

/* raw-2paths frame 5: HEARTBEAT, a 40-byte Heartbeat Info parameter */
static const uint8_t frame_hb[] = {
	0x13, 0x89, 0xc6, 0xa9, 0x16, 0x5c, 0x79, 0x1c,
	0x5a, 0x35, 0x53, 0x1b, 0x04, 0x00, 0x00, 0x2c,
	0x00, 0x01, 0x00, 0x28, 0x6f, 0x9f, 0x07, 0x6b,
	0x24, 0x0b, 0x09, 0x00, 0xec, 0xd8, 0xb9, 0xc2,
	0x64, 0xe3, 0x35, 0x30, 0x02, 0x10, 0x00, 0x00,
	0x0a, 0x09, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* raw-2paths frame 6: the HEARTBEAT ACK echoing it */
static const uint8_t frame_hback[] = {
	0xc6, 0xa9, 0x13, 0x89, 0x14, 0x51, 0xc7, 0x9c,
	0x27, 0x13, 0xc4, 0x30, 0x05, 0x00, 0x00, 0x2c,
	0x00, 0x01, 0x00, 0x28, 0x6f, 0x9f, 0x07, 0x6b,
	0x24, 0x0b, 0x09, 0x00, 0xec, 0xd8, 0xb9, 0xc2,
	0x64, 0xe3, 0x35, 0x30, 0x02, 0x10, 0x00, 0x00,
	0x0a, 0x09, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* raw-2paths frame 232: SACK, then a 26-byte DATA and its 2 padding bytes */
static const uint8_t frame_sack_data[] = {
	0x13, 0x89, 0xc6, 0xa9, 0x16, 0x5c, 0x79, 0x1c,
	0xb1, 0xbe, 0x91, 0x65, 0x03, 0x00, 0x00, 0x10,
	0x49, 0x61, 0xd6, 0x40, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x1a,
	0x27, 0x06, 0xba, 0x3e, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x4f, 0x4b, 0x20, 0x32,
	0x30, 0x30, 0x30, 0x30, 0x30, 0x0a, 0x00, 0x00,
};

/* raw-2paths frame 246: SHUTDOWN */
static const uint8_t frame_shutdown[] = {
	0xc6, 0xa9, 0x13, 0x89, 0x14, 0x51, 0xc7, 0x9c,
	0x78, 0x72, 0x85, 0x52, 0x07, 0x00, 0x00, 0x08,
	0x27, 0x06, 0xba, 0x3e,
};

/* raw-2paths frame 247: SHUTDOWN ACK */
static const uint8_t frame_shutdown_ack[] = {
	0x13, 0x89, 0xc6, 0xa9, 0x16, 0x5c, 0x79, 0x1c,
	0x7c, 0xa1, 0xbc, 0xd4, 0x08, 0x00, 0x00, 0x04,
};

/* raw-2paths frame 248: SHUTDOWN COMPLETE */
static const uint8_t frame_shutdown_complete[] = {
	0xc6, 0xa9, 0x13, 0x89, 0x14, 0x51, 0xc7, 0x9c,
	0xfc, 0x65, 0x52, 0x26, 0x0e, 0x00, 0x00, 0x04,
};

/* encaps-2paths-asconf frame 138 (the SCTP packet inside UDP): AUTH, then
 * ASCONF: lookup address 10.9.2.1, Add IP Address 10.9.3.1 */
static const uint8_t frame_auth_asconf[] = {
	0xf3, 0x50, 0x13, 0x89, 0x16, 0x66, 0x3e, 0x77,
	0xa8, 0x02, 0xde, 0x03, 0x0f, 0x00, 0x00, 0x1c,
	0x00, 0x00, 0x00, 0x01, 0x16, 0xe4, 0x68, 0x81,
	0x50, 0x61, 0x55, 0x9d, 0x36, 0xe7, 0xa4, 0x30,
	0x62, 0xfd, 0x6b, 0x50, 0xd4, 0x01, 0x60, 0x25,
	0xc1, 0x00, 0x00, 0x20, 0x35, 0xdc, 0xda, 0x33,
	0x00, 0x05, 0x00, 0x08, 0x0a, 0x09, 0x02, 0x01,
	0xc0, 0x01, 0x00, 0x10, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x05, 0x00, 0x08, 0x0a, 0x09, 0x03, 0x01,
};

/* encaps-2paths-asconf frame 139: AUTH, then ASCONF ACK */
static const uint8_t frame_auth_asconf_ack[] = {
	0x13, 0x89, 0xf3, 0x50, 0xee, 0x6a, 0xa0, 0x30,
	0xf3, 0x1c, 0x05, 0xd1, 0x0f, 0x00, 0x00, 0x1c,
	0x00, 0x00, 0x00, 0x01, 0xd1, 0x48, 0x01, 0x34,
	0x7f, 0xad, 0xff, 0x5f, 0xbe, 0x19, 0x91, 0xa0,
	0xca, 0xdb, 0x09, 0x2a, 0xba, 0x99, 0xc8, 0xbd,
	0x80, 0x00, 0x00, 0x08, 0x35, 0xdc, 0xda, 0x33,
};

/* ipv6-4assocs-abort frame 689: ABORT with a User-Initiated Abort cause
 * (code 12) of 22 bytes, padded */
static const uint8_t frame_abort[] = {
	0xc3, 0x1a, 0x13, 0x89, 0xac, 0x58, 0x51, 0xf9,
	0xbe, 0x8c, 0x55, 0xe1, 0x06, 0x00, 0x00, 0x1a,
	0x00, 0x0c, 0x00, 0x16, 0x73, 0x63, 0x74, 0x70,
	0x2d, 0x63, 0x61, 0x70, 0x74, 0x75, 0x72, 0x65,
	0x20, 0x61, 0x62, 0x6f, 0x72, 0x74, 0x00, 0x00,
};

/* ------------------------------------------------------------ CRC32c */

struct crc_case {
	const char *name;
	const uint8_t *b;
	size_t n;
	uint32_t crc;
};

#define R32(b) b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, \
	b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b

static const struct crc_case crc_cases[] = {
	/* the check value of the CRC-32C catalogue entry */
	{ "123456789", BYTES('1', '2', '3', '4', '5', '6', '7', '8', '9'),
	  0xe3069283 },
	/* RFC 3720 appendix B.4 */
	{ "32 zeros", BYTES(R32(0x00)), 0x8a9136aa },
	{ "32 ones", BYTES(R32(0xff)), 0x62a8ab43 },
	{ "incrementing", BYTES(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
				0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
				0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
				0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e,
				0x1f),
	  0x46dd794e },
	{ "decrementing", BYTES(0x1f, 0x1e, 0x1d, 0x1c, 0x1b, 0x1a, 0x19, 0x18,
				0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11, 0x10,
				0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08,
				0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
				0x00),
	  0x113fdb5c },
	{ "iSCSI read PDU",
	  BYTES(0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00,
		0x00, 0x18, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
	  0xd9963a56 },
	{ "one zero byte", BYTES(0x00), 0x527d5351 },
};

START_TEST(test_crc32c_known)
{
	const struct crc_case *t = &crc_cases[_i];
	struct buf b;
	uint8_t *p = buf_new(&b, t->b, t->n, false);
	uint32_t crc = ~mpf__crc32c(0xffffffff, p, t->n);

	ck_assert_msg(crc == t->crc, "%s: 0x%08" PRIx32 ", want 0x%08" PRIx32,
		      t->name, crc, t->crc);
	buf_free(&b);
}
END_TEST

/* The running value goes through any split of the input unchanged. */
START_TEST(test_crc32c_split)
{
	const struct crc_case *t = &crc_cases[_i];
	size_t k;

	for (k = 0; k <= t->n; k++) {
		struct buf b1, b2;
		uint8_t *p1 = buf_new(&b1, t->b, k, false);
		uint8_t *p2 = buf_new(&b2, t->b + k, t->n - k, false);
		uint32_t crc = mpf__crc32c(0xffffffff, p1, k);

		crc = ~mpf__crc32c(crc, p2, t->n - k);
		ck_assert_msg(crc == t->crc, "%s split at %zu: 0x%08" PRIx32,
			      t->name, k, crc);
		buf_free(&b1);
		buf_free(&b2);
	}
}
END_TEST

/* No input leaves the running value alone; no complement inside. */
START_TEST(test_crc32c_raw)
{
	static const uint8_t one = 0x00;

	ck_assert_uint_eq(mpf__crc32c(0xffffffff, NULL, 0), 0xffffffff);
	ck_assert_uint_eq(mpf__crc32c(0x12345678, &one, 0), 0x12345678);
	ck_assert_uint_eq(mpf__crc32c(0, NULL, 0), 0);
	/* a zero byte through a zero register stays zero: no init inside */
	ck_assert_uint_eq(mpf__crc32c(0, &one, 1), 0);
	/* ~0 and one zero byte: the table entry of 0xff, 0xffffffff >> 8 */
	ck_assert_uint_eq(mpf__crc32c(0xffffffff, &one, 1), 0xad82acae);
}
END_TEST

/* The table path (used where the CPU has no CRC32c instruction) gives
 * the same answers: on the vectors, and on random data of every length
 * and alignment up to 300 bytes, from random running values. */
START_TEST(test_crc32c_portable)
{
	GRand *r = g_rand_new_with_seed(3);
	uint8_t data[320];
	size_t i, n, off;

	for (i = 0; i < G_N_ELEMENTS(crc_cases); i++)
		ck_assert_uint_eq(~mpf__crc32c_portable(0xffffffff, crc_cases[i].b,
						       crc_cases[i].n),
				  crc_cases[i].crc);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)g_rand_int(r);
	for (n = 0; n <= 300; n++)
		for (off = 0; off < 8; off++) {
			uint32_t seed = g_rand_int(r);

			ck_assert_uint_eq(mpf__crc32c_portable(seed, data + off, n),
					  mpf__crc32c(seed, data + off, n));
		}
	g_rand_free(r);
}
END_TEST

/* ---------------------------------------------------------- checksum */

struct pkt_bytes {
	const char *name;
	const uint8_t *b;
	size_t n;
};

static const struct pkt_bytes checksum_cases[] = {
	{ "INIT", frame_init, sizeof(frame_init) },
	{ "HEARTBEAT", frame_hb, sizeof(frame_hb) },
	{ "HEARTBEAT ACK", frame_hback, sizeof(frame_hback) },
	{ "SACK + DATA", frame_sack_data, sizeof(frame_sack_data) },
	{ "SHUTDOWN", frame_shutdown, sizeof(frame_shutdown) },
	{ "SHUTDOWN ACK", frame_shutdown_ack, sizeof(frame_shutdown_ack) },
	{ "SHUTDOWN COMPLETE", frame_shutdown_complete,
	  sizeof(frame_shutdown_complete) },
	{ "AUTH + ASCONF", frame_auth_asconf, sizeof(frame_auth_asconf) },
	{ "AUTH + ASCONF ACK", frame_auth_asconf_ack,
	  sizeof(frame_auth_asconf_ack) },
	{ "ABORT", frame_abort, sizeof(frame_abort) },
};

START_TEST(test_checksum_real)
{
	const struct pkt_bytes *t = &checksum_cases[_i];
	struct buf b;
	uint8_t *p = buf_new(&b, t->b, t->n, false);
	uint32_t want = be32(t->b + 8);
	uint32_t got = mpf__sctp_checksum(p, t->n);

	ck_assert_msg(got == want, "%s: 0x%08" PRIx32 ", field 0x%08" PRIx32,
		      t->name, got, want);
	/* the checksum field itself counts as zero */
	memset(p + 8, 0, 4);
	ck_assert_uint_eq(mpf__sctp_checksum(p, t->n), want);
	memset(p + 8, 0xff, 4);
	ck_assert_uint_eq(mpf__sctp_checksum(p, t->n), want);
	/* the byte order: the CRC goes least significant byte first */
	memcpy(p, t->b, t->n);
	memset(p + 8, 0, 4);
	got = ~mpf__crc32c(0xffffffff, p, t->n);
	ck_assert_uint_eq(got & 0xff, t->b[8]);
	ck_assert_uint_eq((got >> 8) & 0xff, t->b[9]);
	ck_assert_uint_eq((got >> 16) & 0xff, t->b[10]);
	ck_assert_uint_eq(got >> 24, t->b[11]);
	buf_free(&b);
}
END_TEST

/* Any changed byte outside the checksum field changes the checksum. */
START_TEST(test_checksum_changed)
{
	const struct pkt_bytes *t = &checksum_cases[_i];
	static const uint8_t flips[] = { 0x01, 0x80, 0xff };
	struct buf b;
	uint8_t *p = buf_new(&b, t->b, t->n, false);
	uint32_t want = be32(t->b + 8);
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		if (i >= 8 && i < 12)
			continue;
		for (k = 0; k < G_N_ELEMENTS(flips); k++) {
			p[i] ^= flips[k];
			ck_assert_msg(mpf__sctp_checksum(p, t->n) != want,
				      "%s: byte %zu ^ 0x%02x, same checksum",
				      t->name, i, flips[k]);
			p[i] ^= flips[k];
		}
	}
	/* and so does a byte less */
	ck_assert_uint_ne(mpf__sctp_checksum(p, t->n - 1), want);
	ck_assert_uint_eq(mpf__sctp_checksum(p, t->n), want);
	buf_free(&b);
}
END_TEST

/* -------------------------------------------------------- chunk walk */

/* A chunk as the walk reported it; off is where its value starts. */
struct seen_chunk {
	uint8_t type, flags;
	uint16_t len;
	size_t off;
	uint32_t value_cap;
};

struct walk_rec {
	const uint8_t *base; /* the copy walked */
	size_t cap, len;
	unsigned stop_after; /* return false from that callback; 0: never */
	GArray *seen;        /* struct seen_chunk */
	unsigned sum;
};

/* Checks the rules of every callback, reads the value bytes and notes
 * the chunk. */
static bool
record_chunk(const struct mpf_sctp_chunk *ch, void *user)
{
	struct walk_rec *r = user;
	struct seen_chunk s;

	ck_assert_ptr_nonnull(ch);
	ck_assert_msg(ch->value >= r->base + 16,
		      "value before the first chunk's");
	s.off = (size_t)(ch->value - r->base);
	/* the header was captured: bytes off - 4 .. off - 1 */
	ck_assert_msg(s.off <= r->cap, "chunk header at %zu not captured "
		      "(cap %zu)", s.off - 4, r->cap);
	ck_assert_msg(ch->value_cap <= r->cap - s.off,
		      "value_cap %" PRIu32 " at %zu past cap %zu",
		      ch->value_cap, s.off, r->cap);
	ck_assert_uint_ge(ch->len, 4);
	ck_assert_uint_le(ch->value_cap, ch->len - 4u);
	ck_assert_uint_le(s.off - 4 + ch->len, r->len);
	/* the fields are the header's */
	ck_assert_uint_eq(ch->type, r->base[s.off - 4]);
	ck_assert_uint_eq(ch->flags, r->base[s.off - 3]);
	ck_assert_uint_eq(ch->len,
			  r->base[s.off - 2] << 8 | r->base[s.off - 1]);
	r->sum += touch(ch->value, ch->value_cap);
	s.type = ch->type;
	s.flags = ch->flags;
	s.len = ch->len;
	s.value_cap = ch->value_cap;
	g_array_append_val(r->seen, s);
	return !(r->stop_after && r->seen->len >= r->stop_after);
}

/* Walks a copy of the first @cap bytes of a @len-byte packet. */
static int
walk_copy(const uint8_t *bytes, size_t cap, size_t len, bool guarded,
	  unsigned stop_after, struct walk_rec *r)
{
	struct buf b;
	int st;

	memset(r, 0, sizeof(*r));
	r->base = buf_new(&b, bytes, cap, guarded);
	r->cap = cap;
	r->len = len;
	r->stop_after = stop_after;
	r->seen = g_array_new(false, false, sizeof(struct seen_chunk));
	st = mpf__sctp_walk(r->base, cap, len, record_chunk, r);
	buf_free(&b);
	r->base = NULL;
	return st;
}

static void
rec_clear(struct walk_rec *r)
{
	g_array_free(r->seen, true);
	r->seen = NULL;
}

static const struct seen_chunk *
seen_at(const struct walk_rec *r, unsigned i)
{
	return &g_array_index(r->seen, struct seen_chunk, i);
}

/* A valid packet and its chunks; off: where each value starts. */
struct exp_chunk {
	uint8_t type, flags;
	uint16_t len, off;
};

struct pkt_case {
	const char *name;
	const uint8_t *b;
	size_t n;
	unsigned nch;
	struct exp_chunk ch[6];
};

/* The end of the last chunk's declared bytes, before its padding. */
static size_t
pkt_data_end(const struct pkt_case *t)
{
	const struct exp_chunk *c;

	if (!t->nch)
		return 12;
	c = &t->ch[t->nch - 1];
	return (size_t)c->off - 4 + c->len;
}

static const struct pkt_case pkt_cases[] = {
	{ "INIT", frame_init, sizeof(frame_init), 1,
	  { { SCTP_INIT, 0, 116, 16 } } },
	{ "HEARTBEAT", frame_hb, sizeof(frame_hb), 1,
	  { { SCTP_HEARTBEAT, 0, 44, 16 } } },
	{ "SACK + DATA, padded", frame_sack_data, sizeof(frame_sack_data), 2,
	  { { SCTP_SACK, 0, 16, 16 }, { SCTP_DATA, 3, 26, 32 } } },
	/* the last chunk may go without its padding (RFC 9260 3.2) */
	{ "SACK + DATA, last unpadded", frame_sack_data,
	  sizeof(frame_sack_data) - 2, 2,
	  { { SCTP_SACK, 0, 16, 16 }, { SCTP_DATA, 3, 26, 32 } } },
	{ "SACK + DATA, one padding byte", frame_sack_data,
	  sizeof(frame_sack_data) - 1, 2,
	  { { SCTP_SACK, 0, 16, 16 }, { SCTP_DATA, 3, 26, 32 } } },
	{ "SHUTDOWN", frame_shutdown, sizeof(frame_shutdown), 1,
	  { { SCTP_SHUTDOWN, 0, 8, 16 } } },
	{ "SHUTDOWN COMPLETE", frame_shutdown_complete,
	  sizeof(frame_shutdown_complete), 1,
	  { { SCTP_SHUTDOWN_COMPLETE, 0, 4, 16 } } },
	{ "AUTH + ASCONF", frame_auth_asconf, sizeof(frame_auth_asconf), 2,
	  { { SCTP_AUTH, 0, 28, 16 }, { SCTP_ASCONF, 0, 32, 44 } } },
	{ "AUTH + ASCONF ACK", frame_auth_asconf_ack,
	  sizeof(frame_auth_asconf_ack), 2,
	  { { SCTP_AUTH, 0, 28, 16 }, { SCTP_ASCONF_ACK, 0, 8, 44 } } },
	{ "ABORT, padded", frame_abort, sizeof(frame_abort), 1,
	  { { SCTP_ABORT, 0, 26, 16 } } },
	/* DATA of 1 byte + 3 padding, SACK, PAD of 7 + 1, COOKIE ACK, and
	 * a last DATA of 2 bytes without its padding */
	{ "five chunks",
	  BYTES(HDR,
		0x00, 0x03, 0x00, 0x11, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x41, 0x00, 0x00, 0x00,
		0x03, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x84, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,
		0x0b, 0x00, 0x00, 0x04,
		0x00, 0x07, 0x00, 0x12, 0x00, 0x00, 0x00, 0x02,
		0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x42, 0x43),
	  5,
	  { { SCTP_DATA, 3, 17, 16 },
	    { SCTP_SACK, 0, 16, 36 },
	    { SCTP_PAD, 0, 7, 52 },
	    { SCTP_COOKIE_ACK, 0, 4, 60 },
	    { SCTP_DATA, 7, 18, 64 } } },
	/* a bundle of 4-byte chunks of any type */
	{ "4-byte chunks",
	  BYTES(HDR, 0x0b, 0x00, 0x00, 0x04, 0x3f, 0xff, 0x00, 0x04,
		0x08, 0x00, 0x00, 0x04, 0x0e, 0x01, 0x00, 0x04),
	  4,
	  { { SCTP_COOKIE_ACK, 0, 4, 16 },
	    { 0x3f, 0xff, 4, 20 },
	    { SCTP_SHUTDOWN_ACK, 0, 4, 24 },
	    { SCTP_SHUTDOWN_COMPLETE, 1, 4, 28 } } },
	{ "common header only", frame_init, 12, 0 },
};

/* The chunks seen are those of @t whose header lies within @cap, with
 * their captured values. */
static void
assert_seen(const struct pkt_case *t, const struct walk_rec *r, size_t cap)
{
	unsigned i, want = 0;

	for (i = 0; i < t->nch; i++)
		if (t->ch[i].off <= cap)
			want++;
	ck_assert_msg(r->seen->len == want, "%s cap %zu: %u chunks, want %u",
		      t->name, cap, r->seen->len, want);
	for (i = 0; i < r->seen->len; i++) {
		const struct seen_chunk *s = seen_at(r, i);
		const struct exp_chunk *e = &t->ch[i];
		size_t vcap = MIN((size_t)e->len - 4, cap - e->off);

		ck_assert_msg(s->type == e->type && s->flags == e->flags &&
				      s->len == e->len && s->off == e->off,
			      "%s cap %zu chunk %u: %u/%u/%u at %zu", t->name,
			      cap, i, s->type, s->flags, s->len, s->off);
		ck_assert_uint_eq(s->value_cap, vcap);
	}
}

START_TEST(test_walk_packets)
{
	const struct pkt_case *t = &pkt_cases[_i];
	struct walk_rec r;
	int st;

	/* the table is right: each chunk starts where the last ended,
	 * padded, and its header says so */
	if (t->nch) {
		unsigned i;

		ck_assert_uint_eq(t->ch[0].off, 16);
		for (i = 0; i < t->nch; i++) {
			const struct exp_chunk *e = &t->ch[i];
			const struct exp_chunk *prev = &t->ch[i ? i - 1 : 0];

			if (i)
				ck_assert_uint_eq(e->off, prev->off +
						  ((prev->len + 3u) & ~3u));
			ck_assert_uint_eq(t->b[e->off - 4], e->type);
			ck_assert_uint_eq(t->b[e->off - 3], e->flags);
			ck_assert_uint_eq(be32(t->b + e->off - 4) & 0xffff,
					  e->len);
		}
		ck_assert_uint_ge(t->n, pkt_data_end(t));
		ck_assert_uint_lt(t->n - pkt_data_end(t), 4);
	}

	st = walk_copy(t->b, t->n, t->n, false, 0, &r);
	ck_assert_msg(st == MPF_OK, "%s: status %d", t->name, st);
	assert_seen(t, &r, t->n);
	rec_clear(&r);

	/* a capture longer than the packet says changes nothing */
	{
		struct buf b;
		uint8_t *p = buf_new(&b, t->b, t->n, false);

		memset(&r, 0, sizeof(r));
		r.base = p;
		r.cap = r.len = t->n;
		r.seen = g_array_new(false, false, sizeof(struct seen_chunk));
		st = mpf__sctp_walk(p, t->n + 100, t->n, record_chunk, &r);
		ck_assert_int_eq(st, MPF_OK);
		assert_seen(t, &r, t->n);
		rec_clear(&r);
		buf_free(&b);
	}
}
END_TEST

/*
 * Every prefix of a valid packet that cuts into its chunks is TRUNCATED;
 * the walk never calls back with a chunk whose header was not captured
 * and its value_cap stays within the capture. A prefix that only misses
 * the padding of the last chunk is never MALFORMED (that it should be
 * TRUNCATED is in the regressions).
 */
START_TEST(test_walk_prefix)
{
	const struct pkt_case *t = &pkt_cases[_i];
	size_t cap, end = pkt_data_end(t);
	int g;

	for (g = 0; g < 2; g++) {
		for (cap = 0; cap < t->n; cap++) {
			struct walk_rec r;
			int st = walk_copy(t->b, cap, t->n, g, 0, &r);

			if (cap < end)
				ck_assert_msg(st == MPF_ERR_TRUNCATED,
					      "%s cap %zu of %zu: status %d",
					      t->name, cap, t->n, st);
			else
				ck_assert_msg(st != MPF_ERR_MALFORMED,
					      "%s cap %zu of %zu: MALFORMED",
					      t->name, cap, t->n);
			assert_seen(t, &r, cap);
			rec_clear(&r);
		}
	}
}
END_TEST

/* Under 12 bytes there is no common header: MALFORMED, captured or not. */
START_TEST(test_walk_short_packet)
{
	size_t len = (size_t)_i, cap;

	for (cap = 0; cap <= len; cap++) {
		struct walk_rec r;

		ck_assert_int_eq(walk_copy(frame_init, cap, len, false, 0, &r),
				 MPF_ERR_MALFORMED);
		ck_assert_uint_eq(r.seen->len, 0);
		rec_clear(&r);
	}
}
END_TEST

/* The capture cut the common header of a long enough packet: TRUNCATED. */
START_TEST(test_walk_short_capture)
{
	static const size_t lens[] = { 12, 16, 20, 128, 65535, 1000000 };
	size_t cap = (size_t)_i, i;

	for (i = 0; i < G_N_ELEMENTS(lens); i++) {
		struct walk_rec r;

		ck_assert_int_eq(walk_copy(frame_init, cap, lens[i], true, 0,
					   &r),
				 MPF_ERR_TRUNCATED);
		ck_assert_uint_eq(r.seen->len, 0);
		rec_clear(&r);
	}
}
END_TEST

/* A chunk length below 4: MALFORMED at once, even with bytes after it. */
START_TEST(test_walk_chunk_len_below_4)
{
	uint8_t pkt[12 + 4 + 16] = { HDR, SCTP_DATA, 0x03, 0x00, 0x00 };
	uint8_t pkt2[12 + 4 + 4 + 8] = { HDR, SCTP_COOKIE_ACK, 0, 0, 4,
					 SCTP_SACK, 0, 0, 0 };
	size_t n;
	struct walk_rec r;

	pkt[15] = (uint8_t)_i;
	for (n = 16; n <= sizeof(pkt); n += 4) {
		ck_assert_int_eq(walk_copy(pkt, n, n, false, 0, &r),
				 MPF_ERR_MALFORMED);
		ck_assert_uint_eq(r.seen->len, 0);
		rec_clear(&r);
	}
	/* a length below 4 in the high byte does not count */
	pkt[14] = 0x01;
	ck_assert_int_eq(walk_copy(pkt, 16, 16, false, 0, &r),
			 MPF_ERR_MALFORMED); /* 256 + _i runs past */
	rec_clear(&r);

	/* the second chunk */
	pkt2[19] = (uint8_t)_i;
	ck_assert_int_eq(walk_copy(pkt2, sizeof(pkt2), sizeof(pkt2), false, 0,
				   &r),
			 MPF_ERR_MALFORMED);
	ck_assert_uint_eq(r.seen->len, 1);
	ck_assert_uint_eq(seen_at(&r, 0)->type, SCTP_COOKIE_ACK);
	rec_clear(&r);
}
END_TEST

/*
 * Packets where a chunk runs past the end. from: the first capture length
 * that shows it (the bad header captured or, when it cannot fit in the
 * packet, the chunk before it); good: the chunks before it.
 */
struct bad_pkt {
	const char *name;
	const uint8_t *b;
	size_t n;
	size_t from;
	unsigned good;
};

static const struct bad_pkt bad_pkts[] = {
	{ "chunk length 0", BYTES(HDR, 0x00, 0x00, 0x00, 0x00), 16, 0 },
	{ "chunk length 3", BYTES(HDR, 0x0b, 0x00, 0x00, 0x03, 0, 0, 0, 0), 16,
	  0 },
	{ "20 bytes, 16 there",
	  BYTES(HDR, 0x07, 0x00, 0x00, 0x14, 0x27, 0x06, 0xba, 0x3e, 0, 0, 0,
		0, 0, 0, 0, 0),
	  16, 0 },
	{ "length 0xffff",
	  BYTES(HDR, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
		0),
	  16, 0 },
	{ "5 bytes, 4 there", BYTES(HDR, 0x3f, 0x00, 0x00, 0x05), 16, 0 },
	/* frame 232 with the DATA chunk 4 bytes longer than the packet */
	{ "second chunk runs past",
	  BYTES(0x13, 0x89, 0xc6, 0xa9, 0x16, 0x5c, 0x79, 0x1c,
		0xb1, 0xbe, 0x91, 0x65, 0x03, 0x00, 0x00, 0x10,
		0x49, 0x61, 0xd6, 0x40, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x1e,
		0x27, 0x06, 0xba, 0x3e, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x4f, 0x4b, 0x20, 0x32,
		0x30, 0x30, 0x30, 0x30, 0x30, 0x0a),
	  32, 1 },
	{ "second chunk length 2",
	  BYTES(HDR, 0x0b, 0x00, 0x00, 0x04, 0x08, 0x00, 0x00, 0x02), 20, 1 },
	/* bytes after the last chunk too few for a chunk header */
	{ "1 byte after", BYTES(HDR, 0x0b, 0x00, 0x00, 0x04, 0x00), 16, 1 },
	{ "2 bytes after", BYTES(HDR, 0x0b, 0x00, 0x00, 0x04, 0x00, 0x00), 16,
	  1 },
	{ "3 bytes after", BYTES(HDR, 0x0b, 0x00, 0x00, 0x04, 0x0e, 0x00, 0x00),
	  16, 1 },
	{ "2 bytes after the padding",
	  BYTES(HDR, 0x00, 0x03, 0x00, 0x11, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x00, 0x00,
		0x00, 0x00, 0x00),
	  29, 1 },
};

START_TEST(test_walk_malformed)
{
	const struct bad_pkt *t = &bad_pkts[_i];
	size_t cap, at = t->from;
	int g;

	for (g = 0; g < 2; g++) {
		for (cap = 0; cap <= t->n; cap++) {
			struct walk_rec r;
			int st = walk_copy(t->b, cap, t->n, g, 0, &r);

			/* MALFORMED once the bad header is as captured as
			 * it can be; before that only the capture is cut */
			ck_assert_msg(st == (cap < at ? MPF_ERR_TRUNCATED
						      : MPF_ERR_MALFORMED),
				      "%s cap %zu: status %d", t->name, cap,
				      st);
			ck_assert_uint_le(r.seen->len, t->good);
			if (cap == t->n)
				ck_assert_uint_eq(r.seen->len, t->good);
			rec_clear(&r);
		}
	}
}
END_TEST

/* Stopping after k chunks: OK, k callbacks, whatever comes after. */
START_TEST(test_walk_stop)
{
	const struct pkt_case *t = &pkt_cases[10]; /* five chunks */
	static const uint8_t then_bad[] = { HDR, 0x0b, 0x00, 0x00, 0x04,
					    0x00, 0x00, 0x00, 0x00 };
	unsigned k;
	struct walk_rec r;

	ck_assert_str_eq(t->name, "five chunks");
	for (k = 1; k <= t->nch; k++) {
		ck_assert_int_eq(walk_copy(t->b, t->n, t->n, false, k, &r),
				 MPF_OK);
		ck_assert_uint_eq(r.seen->len, k);
		ck_assert_uint_eq(seen_at(&r, k - 1)->off, t->ch[k - 1].off);
		rec_clear(&r);
	}
	/* the walk does not look past the chunk it stopped at */
	ck_assert_int_eq(walk_copy(then_bad, sizeof(then_bad),
				   sizeof(then_bad), false, 1, &r),
			 MPF_OK);
	ck_assert_uint_eq(r.seen->len, 1);
	rec_clear(&r);
	ck_assert_int_eq(walk_copy(then_bad, 16, sizeof(then_bad), false, 1,
				   &r),
			 MPF_OK);
	rec_clear(&r);
	ck_assert_int_eq(walk_copy(then_bad, sizeof(then_bad),
				   sizeof(then_bad), false, 0, &r),
			 MPF_ERR_MALFORMED);
	rec_clear(&r);
}
END_TEST

/* Counts the chunks of a long packet without keeping them. */
struct count_rec {
	const uint8_t *base;
	size_t next; /* where the next value should start */
	unsigned n, bad;
};

static bool
count_chunk(const struct mpf_sctp_chunk *ch, void *user)
{
	struct count_rec *c = user;

	if ((size_t)(ch->value - c->base) != c->next || ch->len != 4 ||
	    ch->value_cap != 0 || ch->type != (c->n & 0xff))
		c->bad++;
	c->next += 4;
	c->n++;
	return true;
}

/* Hundreds of thousands of 4-byte chunks walk in linear time. */
START_TEST(test_walk_many_chunks)
{
	const unsigned nch = 250000;
	size_t len = 12 + 4 * (size_t)nch, i, cap;
	uint8_t *p = g_malloc(len);
	struct count_rec c = { p, 16 };
	gint64 t0, dt;
	int st;

	memcpy(p, frame_init, 12);
	for (i = 0; i < nch; i++) {
		p[12 + 4 * i] = (uint8_t)i;
		p[13 + 4 * i] = 0;
		p[14 + 4 * i] = 0;
		p[15 + 4 * i] = 4;
	}
	t0 = g_get_monotonic_time();
	st = mpf__sctp_walk(p, len, len, count_chunk, &c);
	dt = g_get_monotonic_time() - t0;
	ck_assert_int_eq(st, MPF_OK);
	ck_assert_uint_eq(c.n, nch);
	ck_assert_uint_eq(c.bad, 0);
	ck_assert_msg(dt < 3 * G_USEC_PER_SEC,
		      "%u chunks took %" G_GINT64_FORMAT " us", nch, dt);

	/* cut anywhere: TRUNCATED, and the chunks before the cut only */
	for (cap = len - 7; cap < len; cap++) {
		memset(&c, 0, sizeof(c));
		c.base = p;
		c.next = 16;
		ck_assert_int_eq(mpf__sctp_walk(p, cap, len, count_chunk, &c),
				 MPF_ERR_TRUNCATED);
		ck_assert_uint_eq(c.n, (cap - 12) / 4);
		ck_assert_uint_eq(c.bad, 0);
	}
	/* one bad length at the very end */
	p[len - 1] = 3;
	memset(&c, 0, sizeof(c));
	c.base = p;
	c.next = 16;
	ck_assert_int_eq(mpf__sctp_walk(p, len, len, count_chunk, &c),
			 MPF_ERR_MALFORMED);
	ck_assert_uint_eq(c.n, nch - 1);
	g_free(p);
}
END_TEST

/* ------------------------------------------------------ chunk fields */

/*
 * A chunk (header and value, without padding) and what it reads as.
 * min_vlen: a declared value length below it is MALFORMED; need: the value
 * bytes the fields need, fewer captured are TRUNCATED; off: where params
 * (INIT, ASCONF) or the heartbeat info start in the value.
 */
struct chunk_case {
	const char *name;
	const uint8_t *b;
	size_t n;
	uint32_t min_vlen, need, off;
	struct mpf_sctp_info want;
};

#define V4(a, b, c, d)                                                       \
	{                                                                    \
		.family = 4, .bytes = { a, b, c, d }                         \
	}
#define V6(...)                                                              \
	{                                                                    \
		.family = 6, .bytes = { __VA_ARGS__ }                        \
	}

static const struct chunk_case chunk_cases[] = {
	/* RFC 9260 3.3.1: TSN, stream, SSN, PPID, user data */
	{ "DATA (frame 232)", frame_sack_data + 28, 26, 12, 12, 0,
	  { SCTP_DATA, .u.data = { 0x2706ba3e, 0, 10 } } },
	{ "DATA U B E",
	  BYTES(0x00, 0x07, 0x00, 0x11, 0xff, 0xff, 0xff, 0xfe, 0x12, 0x34,
		0x00, 0x09, 0x00, 0x00, 0x00, 0x2e, 0x42),
	  12, 12, 0, { SCTP_DATA, .u.data = { 0xfffffffe, 0x1234, 1 } } },
	/* RFC 8260 2.1: TSN, stream, reserved, MID, PPID / FSN, data */
	{ "I-DATA",
	  BYTES(0x40, 0x03, 0x00, 0x16, 0x89, 0xab, 0xcd, 0xef, 0xbe, 0xef,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x33,
		'h', 'i'),
	  16, 16, 0, { SCTP_I_DATA, .u.data = { 0x89abcdef, 0xbeef, 2 } } },
	/* RFC 9260 3.3.2: tag, a_rwnd, OS, MIS, initial TSN, parameters */
	{ "INIT (frame 1)", frame_init + 12, 116, 16, 16, 16,
	  { SCTP_INIT,
	    .u.init = { .tag = 0x165c791c, .a_rwnd = 0x20000,
			.initial_tsn = 0x4961d5ab, .os = 10, .mis = 2048 } } },
	{ "INIT, no parameters",
	  BYTES(0x01, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff,
		0xff, 0xff, 0x00, 0x01, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00),
	  16, 16, 16,
	  { SCTP_INIT,
	    .u.init = { .tag = 1, .a_rwnd = 0xffffffff, .initial_tsn = 0,
			.os = 1, .mis = 0xffff } } },
	/* RFC 9260 3.3.3: same fields, a State Cookie and an address */
	{ "INIT ACK",
	  BYTES(0x02, 0x00, 0x00, 0x24, 0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x01,
		0xd4, 0xc0, 0xff, 0xfe, 0x00, 0x03, 0x80, 0x00, 0x00, 0x01,
		0x00, 0x07, 0x00, 0x08, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x05,
		0x00, 0x08, 0x0a, 0x09, 0x01, 0x02),
	  16, 16, 16,
	  { SCTP_INIT_ACK,
	    .u.init = { .tag = 0xa1b2c3d4, .a_rwnd = 120000,
			.initial_tsn = 0x80000001, .os = 0xfffe, .mis = 3 } } },
	/* RFC 9260 3.3.4: cum. TSN ack, a_rwnd, gaps, dups, blocks */
	{ "SACK (frame 232)", frame_sack_data + 12, 16, 12, 12, 0,
	  { SCTP_SACK, .u.sack = { 0x4961d640, 0x20000, 0, 0 } } },
	{ "SACK, 2 gaps, 1 dup",
	  BYTES(0x03, 0x00, 0x00, 0x1c, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00,
		0xff, 0xff, 0x00, 0x02, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03,
		0x00, 0x05, 0x00, 0x09, 0x01, 0x02, 0x03, 0x00),
	  12, 12, 0, { SCTP_SACK, .u.sack = { 0x01020304, 0xffff, 2, 1 } } },
	/* RFC 9260 3.3.5 and 3.3.6: a Heartbeat Info parameter (type 1) */
	{ "HEARTBEAT (frame 5)", frame_hb + 12, 44, 40, 40, 4,
	  { SCTP_HEARTBEAT, .u.heartbeat = { .info_len = 36 } } },
	{ "HEARTBEAT ACK (frame 6)", frame_hback + 12, 44, 40, 40, 4,
	  { SCTP_HEARTBEAT_ACK, .u.heartbeat = { .info_len = 36 } } },
	{ "HEARTBEAT, empty info",
	  BYTES(0x04, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00, 0x04), 4, 4, 4,
	  { SCTP_HEARTBEAT, .u.heartbeat = { .info_len = 0 } } },
	{ "HEARTBEAT ACK, 3-byte info",
	  BYTES(0x05, 0x00, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x07, 0xaa, 0xbb,
		0xcc),
	  7, 7, 4, { SCTP_HEARTBEAT_ACK, .u.heartbeat = { .info_len = 3 } } },
	/* RFC 9260 3.3.7: T bit, error causes */
	{ "ABORT (frame 689)", frame_abort + 12, 26, 0, 2, 0,
	  { SCTP_ABORT, .u.abort = { false, 12 } } },
	{ "ABORT T, no cause", BYTES(0x06, 0x01, 0x00, 0x04), 0, 0, 0,
	  { SCTP_ABORT, .u.abort = { true, -1 } } },
	{ "ABORT T, protocol violation",
	  BYTES(0x06, 0x01, 0x00, 0x0c, 0x00, 0x0d, 0x00, 0x08, 'a', 'b', 'c',
		'd'),
	  0, 2, 0, { SCTP_ABORT, .u.abort = { true, 13 } } },
	{ "ABORT other flags", BYTES(0x06, 0xfe, 0x00, 0x04), 0, 0, 0,
	  { SCTP_ABORT, .u.abort = { false, -1 } } },
	{ "ABORT cause 0xffff",
	  BYTES(0x06, 0x00, 0x00, 0x08, 0xff, 0xff, 0x00, 0x04), 0, 2, 0,
	  { SCTP_ABORT, .u.abort = { false, 0xffff } } },
	/* RFC 9260 3.3.13: T bit only */
	{ "SHUTDOWN COMPLETE (frame 248)", frame_shutdown_complete + 12, 4, 0,
	  0, 0, { SCTP_SHUTDOWN_COMPLETE, .u.abort = { false, -1 } } },
	{ "SHUTDOWN COMPLETE T", BYTES(0x0e, 0x01, 0x00, 0x04), 0, 0, 0,
	  { SCTP_SHUTDOWN_COMPLETE, .u.abort = { true, -1 } } },
	{ "SHUTDOWN COMPLETE other flags", BYTES(0x0e, 0xfe, 0x00, 0x04), 0, 0,
	  0, { SCTP_SHUTDOWN_COMPLETE, .u.abort = { false, -1 } } },
	/* RFC 9260 3.3.8: cumulative TSN ack */
	{ "SHUTDOWN (frame 246)", frame_shutdown + 12, 8, 4, 4, 0,
	  { SCTP_SHUTDOWN, .u.shutdown = { 0x2706ba3e } } },
	/* RFC 5061 3.1.1: serial, address parameter, ASCONF parameters */
	{ "ASCONF (frame 138)", frame_auth_asconf + 40, 32, 12, 12, 12,
	  { SCTP_ASCONF,
	    .u.asconf = { .serial = 0x35dcda33, .has_lookup = true,
			  .lookup = V4(10, 9, 2, 1) } } },
	{ "ASCONF IPv6",
	  BYTES(0xc1, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06,
		0x00, 0x14, IP6_1, 0xc0, 0x01, 0x00, 0x1c, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x06, 0x00, 0x14, IP6_2),
	  24, 24, 24,
	  { SCTP_ASCONF,
	    .u.asconf = { .serial = 1, .has_lookup = true,
			  .lookup = V6(IP6_1) } } },
	{ "ASCONF, lookup only",
	  BYTES(0xc1, 0x00, 0x00, 0x10, 0xff, 0xff, 0xff, 0xff, 0x00, 0x05,
		0x00, 0x08, 0xc0, 0xa8, 0x00, 0x01),
	  12, 12, 12,
	  { SCTP_ASCONF,
	    .u.asconf = { .serial = 0xffffffff, .has_lookup = true,
			  .lookup = V4(192, 168, 0, 1) } } },
	/* not an address: no lookup, and the params start after its
	 * padding */
	{ "ASCONF, 5-byte lookup of another type",
	  BYTES(0xc1, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x07, 0x80, 0x01,
		0x00, 0x05, 0x99, 0x00, 0x00, 0x00, 0xc0, 0x04, 0x00, 0x10,
		0x00, 0x00, 0x00, 0x03, 0x00, 0x05, 0x00, 0x08, 0x0a, 0x09,
		0x01, 0x01),
	  9, 9, 12,
	  { SCTP_ASCONF, .u.asconf = { .serial = 7, .has_lookup = false } } },
	/* RFC 5061 3.1.2: serial */
	{ "ASCONF ACK (frame 139)", frame_auth_asconf_ack + 40, 8, 4, 4, 0,
	  { SCTP_ASCONF_ACK, .u.asconf = { .serial = 0x35dcda33 } } },
	/* RFC 3758 3.2: new cumulative TSN, stream / SSN pairs */
	{ "FORWARD-TSN",
	  BYTES(0xc0, 0x00, 0x00, 0x10, 0x00, 0x00, 0x10, 0x00, 0x00, 0x01,
		0x00, 0x05, 0x00, 0x02, 0x00, 0x07),
	  4, 4, 0, { SCTP_FORWARD_TSN, .u.forward_tsn = { 0x1000 } } },
	{ "FORWARD-TSN, no streams",
	  BYTES(0xc0, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x2a), 4, 4, 0,
	  { SCTP_FORWARD_TSN, .u.forward_tsn = { 42 } } },
	/* RFC 8260 2.3.1: new cumulative TSN, stream / flags / MID */
	{ "I-FORWARD-TSN",
	  BYTES(0xc2, 0x00, 0x00, 0x10, 0xff, 0xff, 0xff, 0xf0, 0x00, 0x03,
		0x00, 0x01, 0x00, 0x00, 0x00, 0x09),
	  4, 4, 0, { SCTP_I_FORWARD_TSN, .u.forward_tsn = { 0xfffffff0 } } },
	/* types whose fields are not read: OK with only the type set */
	{ "COOKIE ECHO",
	  BYTES(0x0a, 0x00, 0x00, 0x0c, 1, 2, 3, 4, 5, 6, 7, 8), 0, 0, 0,
	  { SCTP_COOKIE_ECHO } },
	{ "COOKIE ACK", BYTES(0x0b, 0x00, 0x00, 0x04), 0, 0, 0,
	  { SCTP_COOKIE_ACK } },
	{ "SHUTDOWN ACK (frame 247)", frame_shutdown_ack + 12, 4, 0, 0, 0,
	  { SCTP_SHUTDOWN_ACK } },
	{ "AUTH (frame 138)", frame_auth_asconf + 12, 28, 0, 0, 0,
	  { SCTP_AUTH } },
	{ "PAD", BYTES(0x84, 0x00, 0x00, 0x09, 0, 0, 0, 0, 0), 0, 0, 0,
	  { SCTP_PAD } },
	{ "RE-CONFIG",
	  BYTES(0x82, 0x00, 0x00, 0x16, 0x00, 0x0d, 0x00, 0x12, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
		0x00, 0x01),
	  0, 0, 0, { SCTP_RE_CONFIG } },
	{ "ERROR",
	  BYTES(0x09, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x08, 0x00, 0x05,
		0x00, 0x00),
	  0, 0, 0, { SCTP_ERROR } },
	{ "ECNE", BYTES(0x0c, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x64), 0, 0,
	  0, { SCTP_ECNE } },
	{ "CWR", BYTES(0x0d, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x64), 0, 0,
	  0, { SCTP_CWR } },
	{ "unknown 0x3f", BYTES(0x3f, 0x00, 0x00, 0x05, 0xff), 0, 0, 0,
	  { 0x3f } },
	{ "unknown 0xff", BYTES(0xff, 0xff, 0x00, 0x08, 1, 2, 3, 4), 0, 0, 0,
	  { 0xff } },
};

/*
 * NR-SACK (type 16, as usrsctp and FreeBSD send it): cum. TSN ack, a_rwnd,
 * gap blocks, NR gap blocks, dups, reserved, then the blocks. Here: 1 gap,
 * 2 NR gaps, 1 dup.
 */
static const struct chunk_case nr_sack_cases[] = {
	{ "NR-SACK",
	  BYTES(0x10, 0x00, 0x00, 0x24, 0x11, 0x22, 0x33, 0x44, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x02, 0x00, 0x03, 0x00, 0x05, 0x00, 0x05, 0x00, 0x07,
		0x00, 0x08, 0x11, 0x22, 0x33, 0x40),
	  16, 16, 0,
	  { SCTP_NR_SACK, .u.sack = { 0x11223344, 0x10000, 1, 1 } } },
};

/* Copies the chunk's first @cap value bytes with @declared as its length,
 * and parses it into @in, garbage beforehand. */
static int
parse_copy(struct buf *b, const uint8_t *chunk, uint16_t declared,
	   size_t cap, bool guarded, struct mpf_sctp_info *in)
{
	struct mpf_sctp_chunk ch;
	uint8_t *p = buf_new(b, chunk, 4 + cap, guarded);

	p[2] = (uint8_t)(declared >> 8);
	p[3] = (uint8_t)declared;
	ch.type = p[0];
	ch.flags = p[1];
	ch.len = declared;
	ch.value = p + 4;
	ch.value_cap = (uint32_t)cap;
	memset(in, 0x5a, sizeof(*in));
	return mpf__sctp_parse_chunk(&ch, in);
}

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *q = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (q[i])
			return false;
	return true;
}

/* The fields of @in are those of @t, with @cap value bytes captured at
 * @value. */
static void
assert_info(const struct chunk_case *t, const struct mpf_sctp_info *in,
	    const uint8_t *value, uint32_t cap)
{
	const struct mpf_sctp_info *w = &t->want;
	uint32_t vlen = (uint32_t)t->n - 4;

	ck_assert_uint_eq(in->type, w->type);
	switch (w->type) {
	case SCTP_DATA:
	case SCTP_I_DATA:
		ck_assert_uint_eq(in->u.data.tsn, w->u.data.tsn);
		ck_assert_uint_eq(in->u.data.stream, w->u.data.stream);
		ck_assert_uint_eq(in->u.data.data_len, w->u.data.data_len);
		break;
	case SCTP_INIT:
	case SCTP_INIT_ACK:
		ck_assert_uint_eq(in->u.init.tag, w->u.init.tag);
		ck_assert_uint_eq(in->u.init.a_rwnd, w->u.init.a_rwnd);
		ck_assert_uint_eq(in->u.init.os, w->u.init.os);
		ck_assert_uint_eq(in->u.init.mis, w->u.init.mis);
		ck_assert_uint_eq(in->u.init.initial_tsn,
				  w->u.init.initial_tsn);
		ck_assert_ptr_eq(in->u.init.params, value + t->off);
		ck_assert_uint_eq(in->u.init.params_cap, cap - t->off);
		ck_assert_uint_eq(in->u.init.params_len, vlen - t->off);
		touch(in->u.init.params, in->u.init.params_cap);
		break;
	case SCTP_SACK:
	case SCTP_NR_SACK:
		ck_assert_uint_eq(in->u.sack.cum_ack, w->u.sack.cum_ack);
		ck_assert_uint_eq(in->u.sack.a_rwnd, w->u.sack.a_rwnd);
		ck_assert_uint_eq(in->u.sack.gaps, w->u.sack.gaps);
		ck_assert_uint_eq(in->u.sack.dups, w->u.sack.dups);
		break;
	case SCTP_HEARTBEAT:
	case SCTP_HEARTBEAT_ACK:
		ck_assert_ptr_eq(in->u.heartbeat.info, value + 4);
		ck_assert_uint_eq(in->u.heartbeat.info_len,
				  w->u.heartbeat.info_len);
		ck_assert_mem_eq(in->u.heartbeat.info, t->b + 8,
				 in->u.heartbeat.info_len);
		break;
	case SCTP_ABORT:
	case SCTP_SHUTDOWN_COMPLETE:
		ck_assert_int_eq(in->u.abort.t_bit, w->u.abort.t_bit);
		ck_assert_int_eq(in->u.abort.cause, w->u.abort.cause);
		break;
	case SCTP_SHUTDOWN:
		ck_assert_uint_eq(in->u.shutdown.cum_ack,
				  w->u.shutdown.cum_ack);
		break;
	case SCTP_ASCONF:
		ck_assert_uint_eq(in->u.asconf.serial, w->u.asconf.serial);
		ck_assert_int_eq(in->u.asconf.has_lookup,
				 w->u.asconf.has_lookup);
		ck_assert_uint_eq(in->u.asconf.lookup.family,
				  w->u.asconf.lookup.family);
		ck_assert_mem_eq(in->u.asconf.lookup.bytes,
				 w->u.asconf.lookup.bytes, 16);
		ck_assert_ptr_eq(in->u.asconf.params, value + t->off);
		ck_assert_uint_eq(in->u.asconf.params_len,
				  vlen > t->off ? vlen - t->off : 0);
		ck_assert_uint_eq(in->u.asconf.params_cap,
				  cap > t->off ? cap - t->off : 0);
		touch(in->u.asconf.params, in->u.asconf.params_cap);
		break;
	case SCTP_ASCONF_ACK:
		ck_assert_uint_eq(in->u.asconf.serial, w->u.asconf.serial);
		ck_assert_int_eq(in->u.asconf.has_lookup, false);
		break;
	case SCTP_FORWARD_TSN:
	case SCTP_I_FORWARD_TSN:
		ck_assert_uint_eq(in->u.forward_tsn.new_cum_tsn,
				  w->u.forward_tsn.new_cum_tsn);
		break;
	default:
		ck_assert_msg(all_zero(&in->u, sizeof(in->u)),
			      "%s: fields set", t->name);
		break;
	}
}

/* The table itself: lengths, and what the RFC layouts put where. */
static void
assert_case(const struct chunk_case *t)
{
	ck_assert_uint_eq(t->b[0], t->want.type);
	ck_assert_uint_eq(t->b[2] << 8 | t->b[3], t->n);
	ck_assert_uint_le(t->min_vlen, t->n - 4);
	ck_assert_uint_le(t->need, t->n - 4);
}

START_TEST(test_chunk_fields)
{
	const struct chunk_case *t = &chunk_cases[_i];
	struct mpf_sctp_info in;
	struct buf b;
	int st;

	assert_case(t);
	st = parse_copy(&b, t->b, (uint16_t)t->n, t->n - 4, false, &in);
	ck_assert_msg(st == MPF_OK, "%s: status %d", t->name, st);
	assert_info(t, &in, b.p + 4, (uint32_t)t->n - 4);
	buf_free(&b);
}
END_TEST

/* A declared length too short for the type's fields: MALFORMED. */
static void
check_declared(const struct chunk_case *t)
{
	uint32_t v;

	for (v = 0; v < t->min_vlen; v++) {
		struct mpf_sctp_info in;
		struct buf b;
		int st = parse_copy(&b, t->b, (uint16_t)(4 + v), v, false, &in);

		ck_assert_msg(st == MPF_ERR_MALFORMED,
			      "%s declared %u: status %d", t->name, 4 + v, st);
		buf_free(&b);
	}
}

START_TEST(test_chunk_declared)
{
	check_declared(&chunk_cases[_i]);
}
END_TEST

/* A capture cutting the needed fields: TRUNCATED; cutting what comes
 * after them: OK, with what was captured. */
static void
check_prefix(const struct chunk_case *t)
{
	uint32_t cap;
	int g;

	for (g = 0; g < 2; g++) {
		for (cap = 0; cap <= t->n - 4; cap++) {
			struct mpf_sctp_info in;
			struct buf b;
			int st = parse_copy(&b, t->b, (uint16_t)t->n, cap, g,
					    &in);

			if (cap < t->need) {
				ck_assert_msg(st == MPF_ERR_TRUNCATED,
					      "%s cap %u: status %d", t->name,
					      cap, st);
			} else {
				ck_assert_msg(st == MPF_OK,
					      "%s cap %u: status %d", t->name,
					      cap, st);
				assert_info(t, &in, b.p + 4, cap);
			}
			buf_free(&b);
		}
	}
}

START_TEST(test_chunk_prefix)
{
	check_prefix(&chunk_cases[_i]);
}
END_TEST

/* Chunks that are wrong inside: their status. */
struct bad_chunk {
	const char *name;
	const uint8_t *b;
	size_t n;
	int status;
};

static const struct bad_chunk bad_chunks[] = {
	/* the Heartbeat Info length: at least 4, within the chunk */
	{ "HEARTBEAT info length 0",
	  BYTES(0x04, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 1, 2, 3, 4),
	  MPF_ERR_MALFORMED },
	{ "HEARTBEAT info length 1",
	  BYTES(0x04, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x01, 1, 2, 3, 4),
	  MPF_ERR_MALFORMED },
	{ "HEARTBEAT info length 2",
	  BYTES(0x04, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00, 0x02),
	  MPF_ERR_MALFORMED },
	{ "HEARTBEAT ACK info length 3",
	  BYTES(0x05, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00, 0x03),
	  MPF_ERR_MALFORMED },
	{ "HEARTBEAT info past the chunk",
	  BYTES(0x04, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x0c, 1, 2, 3, 4),
	  MPF_ERR_MALFORMED },
	{ "HEARTBEAT ACK info 1 past the chunk",
	  BYTES(0x05, 0x00, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x08, 1, 2, 3),
	  MPF_ERR_MALFORMED },
	{ "HEARTBEAT info length 0xffff",
	  BYTES(0x04, 0x00, 0x00, 0x0c, 0x00, 0x01, 0xff, 0xff, 1, 2, 3, 4),
	  MPF_ERR_MALFORMED },
	/* a shorter info leaves the rest of the chunk alone */
	{ "HEARTBEAT info shorter than the chunk",
	  BYTES(0x04, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x06, 1, 2, 0, 0),
	  MPF_OK },
	/* the ASCONF address parameter: at least 4, within the chunk */
	{ "ASCONF lookup length 0",
	  BYTES(0xc1, 0x00, 0x00, 0x10, 0, 0, 0, 1, 0x00, 0x05, 0x00, 0x00,
		10, 9, 2, 1),
	  MPF_ERR_MALFORMED },
	{ "ASCONF lookup length 3",
	  BYTES(0xc1, 0x00, 0x00, 0x10, 0, 0, 0, 1, 0x00, 0x05, 0x00, 0x03,
		10, 9, 2, 1),
	  MPF_ERR_MALFORMED },
	{ "ASCONF lookup past the chunk",
	  BYTES(0xc1, 0x00, 0x00, 0x10, 0, 0, 0, 1, 0x00, 0x06, 0x00, 0x14,
		0xfd, 0, 0, 0x09),
	  MPF_ERR_MALFORMED },
	{ "ASCONF lookup 1 past the chunk",
	  BYTES(0xc1, 0x00, 0x00, 0x0f, 0, 0, 0, 1, 0x00, 0x05, 0x00, 0x08,
		10, 9, 2),
	  MPF_ERR_MALFORMED },
};

START_TEST(test_chunk_bad)
{
	const struct bad_chunk *t = &bad_chunks[_i];
	struct mpf_sctp_info in;
	struct buf b;
	int st;

	ck_assert_uint_eq(t->b[2] << 8 | t->b[3], t->n);
	st = parse_copy(&b, t->b, (uint16_t)t->n, t->n - 4, false, &in);
	ck_assert_msg(st == t->status, "%s: status %d", t->name, st);
	buf_free(&b);
}
END_TEST

/* An address parameter of the right type but a wrong length is no
 * lookup address; the parameters still start after it. */
START_TEST(test_asconf_lookup_wrong_len)
{
	/* serial 2, an IPv4 parameter of 12 bytes, Success Indication */
	static const uint8_t c[] = {
		0xc1, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x02,
		0x00, 0x05, 0x00, 0x0c, 10,   9,    2,    1,
		0x00, 0x00, 0x00, 0x00, 0xc0, 0x05, 0x00, 0x04,
	};
	/* serial 2, an IPv6 parameter of 8 bytes, Success Indication */
	static const uint8_t c6[] = {
		0xc1, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x02,
		0x00, 0x06, 0x00, 0x08, 10,   9,    2,    1,
		0xc0, 0x05, 0x00, 0x04,
	};
	struct mpf_sctp_info in;
	struct buf b;

	ck_assert_int_eq(parse_copy(&b, c, sizeof(c), sizeof(c) - 4, false,
				    &in),
			 MPF_OK);
	ck_assert_uint_eq(in.u.asconf.serial, 2);
	ck_assert(!in.u.asconf.has_lookup);
	ck_assert_uint_eq(in.u.asconf.lookup.family, 0);
	ck_assert_ptr_eq(in.u.asconf.params, b.p + 4 + 16);
	ck_assert_uint_eq(in.u.asconf.params_len, 4);
	ck_assert_uint_eq(in.u.asconf.params_cap, 4);
	buf_free(&b);

	/* an IPv6 type with 4 bytes */
	ck_assert_int_eq(parse_copy(&b, c6, sizeof(c6), sizeof(c6) - 4, false,
				    &in),
			 MPF_OK);
	ck_assert(!in.u.asconf.has_lookup);
	ck_assert_uint_eq(in.u.asconf.lookup.family, 0);
	ck_assert_ptr_eq(in.u.asconf.params, b.p + 4 + 12);
	ck_assert_uint_eq(in.u.asconf.params_len, 4);
	buf_free(&b);
}
END_TEST

/* Every type without a name parses as OK with only its type, whatever
 * its bytes and however little of them was captured. */
START_TEST(test_chunk_unknown_types)
{
	uint8_t c[4 + 24];
	unsigned type = (unsigned)_i;
	size_t cap;

	if (strcmp(mpf_sctp_chunk_to_string(type), "unknown") != 0)
		return;
	memset(c, 0xa5, sizeof(c));
	c[0] = (uint8_t)type;
	for (cap = 0; cap <= sizeof(c) - 4; cap++) {
		struct mpf_sctp_info in;
		struct buf b;

		ck_assert_int_eq(parse_copy(&b, c, sizeof(c), cap, false, &in),
				 MPF_OK);
		ck_assert_uint_eq(in.type, type);
		ck_assert(all_zero(&in.u, sizeof(in.u)));
		buf_free(&b);
	}
}
END_TEST

/* The walk, then the parse, of every chunk of the real packets. */
START_TEST(test_walk_then_parse)
{
	const struct pkt_bytes *t = &checksum_cases[_i];
	struct walk_rec r;
	struct buf b;
	unsigned i;

	ck_assert_int_eq(walk_copy(t->b, t->n, t->n, false, 0, &r), MPF_OK);
	ck_assert_uint_gt(r.seen->len, 0);
	buf_new(&b, t->b, t->n, false);
	for (i = 0; i < r.seen->len; i++) {
		const struct seen_chunk *s = seen_at(&r, i);
		struct mpf_sctp_chunk ch = { s->type, s->flags, s->len,
					     b.p + s->off, s->value_cap };
		struct mpf_sctp_info in;

		ck_assert_msg(mpf__sctp_parse_chunk(&ch, &in) == MPF_OK,
			      "%s chunk %u", t->name, i);
		ck_assert_uint_eq(in.type, s->type);
	}
	buf_free(&b);
	rec_clear(&r);
}
END_TEST

/* NR-SACK: the fields it shares with SACK where SACK has them. */
START_TEST(test_nr_sack)
{
	const struct chunk_case *t = &nr_sack_cases[0];
	struct mpf_sctp_info in;
	struct buf b;
	uint32_t cap;

	assert_case(t);
	for (cap = 0; cap <= t->n - 4; cap++) {
		int st = parse_copy(&b, t->b, (uint16_t)t->n, cap, true, &in);

		if (cap < 12) {
			ck_assert_int_eq(st, MPF_ERR_TRUNCATED);
		} else if (cap >= 16) {
			ck_assert_int_eq(st, MPF_OK);
			ck_assert_uint_eq(in.type, SCTP_NR_SACK);
			ck_assert_uint_eq(in.u.sack.cum_ack, 0x11223344);
			ck_assert_uint_eq(in.u.sack.a_rwnd, 0x10000);
			ck_assert_uint_eq(in.u.sack.gaps, 1);
		}
		buf_free(&b);
	}
	for (cap = 0; cap < 12; cap++) {
		ck_assert_int_eq(parse_copy(&b, t->b, (uint16_t)(4 + cap), cap,
					    false, &in),
				 MPF_ERR_MALFORMED);
		buf_free(&b);
	}
}
END_TEST

/* ------------------------------------------------------- parameters */

struct seen_param {
	uint16_t type;
	size_t off;
	uint32_t value_cap, value_len;
};

struct param_rec {
	const uint8_t *base;
	size_t cap, len;
	unsigned stop_after;
	unsigned n;
	struct seen_param p[16];
};

static bool
record_param(uint16_t type, const uint8_t *value, uint32_t value_cap,
	     uint32_t value_len, void *user)
{
	struct param_rec *r = user;
	struct seen_param *s;

	ck_assert_uint_lt(r->n, G_N_ELEMENTS(r->p));
	s = &r->p[r->n++];
	ck_assert_msg(value >= r->base + 4, "value before the first's");
	s->off = (size_t)(value - r->base);
	ck_assert_msg(s->off <= r->cap, "parameter header at %zu not "
		      "captured (cap %zu)", s->off - 4, r->cap);
	ck_assert_uint_le(value_cap, r->cap - s->off);
	ck_assert_uint_le(value_cap, value_len);
	ck_assert_uint_le(s->off + value_len, r->len);
	ck_assert_uint_eq(type, r->base[s->off - 4] << 8 |
					r->base[s->off - 3]);
	ck_assert_uint_eq(value_len + 4, r->base[s->off - 2] << 8 |
						 r->base[s->off - 1]);
	touch(value, value_cap);
	s->type = type;
	s->value_cap = value_cap;
	s->value_len = value_len;
	return !(r->stop_after && r->n >= r->stop_after);
}

static int
params_copy(const uint8_t *bytes, size_t cap, size_t len, bool guarded,
	    unsigned stop_after, struct param_rec *r)
{
	struct buf b;
	int st;

	memset(r, 0, sizeof(*r));
	r->base = buf_new(&b, bytes, cap, guarded);
	r->cap = cap;
	r->len = len;
	r->stop_after = stop_after;
	st = mpf__sctp_walk_params(r->base, cap, len, record_param, r);
	buf_free(&b);
	return st;
}

struct exp_param {
	uint16_t type, off, len; /* off: where the value starts */
};

struct param_case {
	const char *name;
	const uint8_t *b;
	size_t n;
	size_t end; /* end of the last parameter's declared bytes */
	unsigned np;
	struct exp_param p[10];
};

static const struct param_case param_cases[] = {
	/* frame 1: Forward-TSN-Supported, ECN, Supported Extensions (9, 3
	 * padding bytes), Random, Chunk List and HMAC Algorithm (6 + 2),
	 * Supported Address Types (6 + 2), two IPv4 addresses */
	{ "INIT (frame 1)", frame_init + 32, 96, 96, 9,
	  { { 0x8000, 4, 0 },
	    { 0xc000, 8, 0 },
	    { 0x8008, 12, 5 },
	    { 0x8002, 24, 32 },
	    { 0x8004, 60, 2 },
	    { 0x8003, 68, 2 },
	    { 0x000c, 76, 2 },
	    { SCTP_P_IPV4, 84, 4 },
	    { SCTP_P_IPV4, 92, 4 } } },
	{ "IPv6, IPv6, IPv4",
	  BYTES(0x00, 0x06, 0x00, 0x14, IP6_1, 0x00, 0x06, 0x00, 0x14, IP6_2,
		0x00, 0x05, 0x00, 0x08, 0x0a, 0x09, 0x01, 0x01),
	  48, 3,
	  { { SCTP_P_IPV6, 4, 16 }, { SCTP_P_IPV6, 24, 16 },
	    { SCTP_P_IPV4, 44, 4 } } },
	{ "padded between, last unpadded",
	  BYTES(0x80, 0x00, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05,
		0x00, 0x08, 0x0a, 0x09, 0x01, 0x01, 0x00, 0x0c, 0x00, 0x06,
		0x00, 0x05),
	  22, 3,
	  { { 0x8000, 4, 1 }, { SCTP_P_IPV4, 12, 4 }, { 0x000c, 20, 2 } } },
	{ "last padded",
	  BYTES(0x00, 0x0c, 0x00, 0x06, 0x00, 0x05, 0x00, 0x00), 6, 1,
	  { { 0x000c, 4, 2 } } },
	{ "1 byte after",
	  BYTES(0x00, 0x05, 0x00, 0x08, 0x0a, 0x09, 0x01, 0x01, 0x00), 8, 1,
	  { { SCTP_P_IPV4, 4, 4 } } },
	{ "2 bytes after",
	  BYTES(0x00, 0x05, 0x00, 0x08, 0x0a, 0x09, 0x01, 0x01, 0x00, 0x05),
	  8, 1, { { SCTP_P_IPV4, 4, 4 } } },
	{ "3 bytes after",
	  BYTES(0x00, 0x05, 0x00, 0x08, 0x0a, 0x09, 0x01, 0x01, 0x00, 0x05,
		0x00),
	  8, 1, { { SCTP_P_IPV4, 4, 4 } } },
	{ "IPv6 only", BYTES(0x00, 0x06, 0x00, 0x14, IP6_2), 20, 1,
	  { { SCTP_P_IPV6, 4, 16 } } },
	{ "empty parameter", BYTES(0x80, 0x00, 0x00, 0x04), 4, 1,
	  { { 0x8000, 4, 0 } } },
	{ "nothing", NULL, 0, 0, 0 },
	{ "1 byte", BYTES(0x00), 0, 0 },
	{ "3 bytes", BYTES(0x00, 0x05, 0x00), 0, 0 },
};

static void
assert_params(const struct param_case *t, const struct param_rec *r,
	      size_t cap)
{
	unsigned i, want = 0;

	for (i = 0; i < t->np; i++)
		if (t->p[i].off <= cap)
			want++;
	ck_assert_msg(r->n == want, "%s cap %zu: %u parameters, want %u",
		      t->name, cap, r->n, want);
	for (i = 0; i < r->n; i++) {
		const struct exp_param *e = &t->p[i];

		ck_assert_uint_eq(r->p[i].type, e->type);
		ck_assert_uint_eq(r->p[i].off, e->off);
		ck_assert_uint_eq(r->p[i].value_len, e->len);
		ck_assert_uint_eq(r->p[i].value_cap,
				  MIN((size_t)e->len, cap - e->off));
	}
}

START_TEST(test_params)
{
	const struct param_case *t = &param_cases[_i];
	struct param_rec r;
	int st;

	st = params_copy(t->b, t->n, t->n, false, 0, &r);
	ck_assert_msg(st == MPF_OK, "%s: status %d", t->name, st);
	assert_params(t, &r, t->n);
	/* the addresses are where they should be */
	if (t->b == frame_init + 32) {
		ck_assert_mem_eq(t->b + r.p[7].off,
				 ((const uint8_t[]){ 10, 9, 2, 1 }), 4);
		ck_assert_mem_eq(t->b + r.p[8].off,
				 ((const uint8_t[]){ 10, 9, 1, 1 }), 4);
	}
}
END_TEST

/* Cut anywhere in the parameters: TRUNCATED, never MALFORMED. */
START_TEST(test_params_prefix)
{
	const struct param_case *t = &param_cases[_i];
	size_t cap;
	int g;

	for (g = 0; g < 2; g++) {
		for (cap = 0; cap < t->n; cap++) {
			struct param_rec r;
			int st = params_copy(t->b, cap, t->n, g, 0, &r);

			if (cap < t->end)
				ck_assert_msg(st == MPF_ERR_TRUNCATED,
					      "%s cap %zu: status %d", t->name,
					      cap, st);
			else
				ck_assert_msg(st != MPF_ERR_MALFORMED,
					      "%s cap %zu: MALFORMED", t->name,
					      cap);
			assert_params(t, &r, cap);
		}
	}
}
END_TEST

START_TEST(test_params_stop)
{
	const struct param_case *t = &param_cases[0];
	static const uint8_t then_bad[] = {
		0x00, 0x05, 0x00, 0x08, 10, 9, 1, 1, /* IPv4 10.9.1.1 */
		0x00, 0x05, 0x00, 0x02,              /* length 2 */
	};
	struct param_rec r;
	unsigned k;

	for (k = 1; k <= t->np; k++) {
		ck_assert_int_eq(params_copy(t->b, t->n, t->n, false, k, &r),
				 MPF_OK);
		ck_assert_uint_eq(r.n, k);
	}
	ck_assert_int_eq(params_copy(then_bad, sizeof(then_bad),
				     sizeof(then_bad), false, 1, &r),
			 MPF_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(params_copy(then_bad, sizeof(then_bad),
				     sizeof(then_bad), false, 0, &r),
			 MPF_ERR_MALFORMED);
}
END_TEST

/* Parameters that are wrong; bad: where the wrong header starts, good:
 * the parameters before it. */
struct bad_params {
	const char *name;
	const uint8_t *b;
	size_t n;
	size_t bad;
	unsigned good;
};

static const struct bad_params bad_params[] = {
	{ "length 0", BYTES(0x00, 0x05, 0x00, 0x00, 10, 9, 1, 1), 0, 0 },
	{ "length 1", BYTES(0x00, 0x05, 0x00, 0x01), 0, 0 },
	{ "length 2", BYTES(0x00, 0x05, 0x00, 0x02, 0, 0, 0, 0), 0, 0 },
	{ "length 3", BYTES(0x80, 0x00, 0x00, 0x03), 0, 0 },
	{ "runs past",
	  BYTES(0x00, 0x06, 0x00, 0x14, 0xfd, 0, 0, 0x09, 0, 0x01, 0, 0, 0, 0,
		0, 0),
	  0, 0 },
	{ "1 past", BYTES(0x00, 0x05, 0x00, 0x08, 10, 9, 1), 0, 0 },
	{ "length 0xffff", BYTES(0x80, 0x02, 0xff, 0xff, 1, 2, 3, 4), 0, 0 },
	{ "second runs past",
	  BYTES(0x00, 0x05, 0x00, 0x08, 10, 9, 1, 1, 0x00, 0x06, 0x00, 0x14,
		0xfd, 0x00),
	  8, 1 },
	{ "second length 0",
	  BYTES(0x00, 0x05, 0x00, 0x08, 10, 9, 1, 1, 0x00, 0x05, 0x00, 0x00),
	  8, 1 },
	/* 4 bytes or more after the last: not a whole parameter */
	{ "4 bytes after",
	  BYTES(0x00, 0x05, 0x00, 0x08, 10, 9, 1, 1, 0x00, 0x05, 0x00, 0x08),
	  8, 1 },
	{ "7 bytes after, length 3",
	  BYTES(0x00, 0x05, 0x00, 0x08, 10, 9, 1, 1, 0x00, 0x05, 0x00, 0x03,
		0, 0, 0),
	  8, 1 },
	{ "5 bytes after the padding",
	  BYTES(0x80, 0x00, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05,
		0x00, 0x08, 10),
	  8, 1 },
};

START_TEST(test_params_malformed)
{
	const struct bad_params *t = &bad_params[_i];
	size_t cap, at = t->bad + 4;
	int g;

	for (g = 0; g < 2; g++) {
		for (cap = 0; cap <= t->n; cap++) {
			struct param_rec r;
			int st = params_copy(t->b, cap, t->n, g, 0, &r);

			ck_assert_msg(st == (cap < at ? MPF_ERR_TRUNCATED
						      : MPF_ERR_MALFORMED),
				      "%s cap %zu: status %d", t->name, cap,
				      st);
			ck_assert_uint_le(r.n, t->good);
			if (cap == t->n)
				ck_assert_uint_eq(r.n, t->good);
		}
	}
}
END_TEST

/* The parameters of a real INIT through the chunk parser: the captured
 * part only. */
START_TEST(test_init_params_cut)
{
	const struct chunk_case *t = &chunk_cases[3];
	uint32_t cap;

	ck_assert_str_eq(t->name, "INIT (frame 1)");
	for (cap = 16; cap <= t->n - 4; cap++) {
		struct mpf_sctp_info in;
		struct param_rec r;
		struct buf b;
		int st;

		ck_assert_int_eq(parse_copy(&b, t->b, (uint16_t)t->n, cap,
					    true, &in),
				 MPF_OK);
		memset(&r, 0, sizeof(r));
		r.base = in.u.init.params;
		r.cap = in.u.init.params_cap;
		r.len = in.u.init.params_len;
		st = mpf__sctp_walk_params(in.u.init.params,
					   in.u.init.params_cap,
					   in.u.init.params_len, record_param,
					   &r);
		ck_assert_int_eq(st, cap < t->n - 4 ? MPF_ERR_TRUNCATED
						    : MPF_OK);
		assert_params(&param_cases[0], &r, cap - 16);
		buf_free(&b);
	}
}
END_TEST

/* ------------------------------------------------------- names, bits */

static const struct {
	unsigned type;
	const char *name;
} names[] = {
	{ SCTP_DATA, "DATA" },
	{ SCTP_INIT, "INIT" },
	{ SCTP_INIT_ACK, "INIT_ACK" },
	{ SCTP_SACK, "SACK" },
	{ SCTP_HEARTBEAT, "HEARTBEAT" },
	{ SCTP_HEARTBEAT_ACK, "HEARTBEAT_ACK" },
	{ SCTP_ABORT, "ABORT" },
	{ SCTP_SHUTDOWN, "SHUTDOWN" },
	{ SCTP_SHUTDOWN_ACK, "SHUTDOWN_ACK" },
	{ SCTP_ERROR, "ERROR" },
	{ SCTP_COOKIE_ECHO, "COOKIE_ECHO" },
	{ SCTP_COOKIE_ACK, "COOKIE_ACK" },
	{ SCTP_ECNE, "ECNE" },
	{ SCTP_CWR, "CWR" },
	{ SCTP_SHUTDOWN_COMPLETE, "SHUTDOWN_COMPLETE" },
	{ SCTP_AUTH, "AUTH" },
	{ SCTP_NR_SACK, "NR_SACK" },
	{ SCTP_I_DATA, "I_DATA" },
	{ SCTP_ASCONF_ACK, "ASCONF_ACK" },
	{ SCTP_RE_CONFIG, "RE_CONFIG" },
	{ SCTP_PAD, "PAD" },
	{ SCTP_FORWARD_TSN, "FORWARD_TSN" },
	{ SCTP_ASCONF, "ASCONF" },
	{ SCTP_I_FORWARD_TSN, "I_FORWARD_TSN" },
};

START_TEST(test_names)
{
	uint32_t all = 0;
	unsigned i, t;

	/* the constants are the RFC numbers */
	ck_assert_uint_eq(SCTP_I_DATA, 64);
	ck_assert_uint_eq(SCTP_ASCONF_ACK, 128);
	ck_assert_uint_eq(SCTP_RE_CONFIG, 130);
	ck_assert_uint_eq(SCTP_PAD, 132);
	ck_assert_uint_eq(SCTP_FORWARD_TSN, 192);
	ck_assert_uint_eq(SCTP_ASCONF, 193);
	ck_assert_uint_eq(SCTP_I_FORWARD_TSN, 194);
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		uint32_t bit = mpf_sctp_chunk_bit(names[i].type);

		ck_assert_str_eq(mpf_sctp_chunk_to_string(names[i].type),
				 names[i].name);
		ck_assert_msg(bit && !(bit & (bit - 1)), "%s: bits 0x%08x",
			      names[i].name, bit);
		ck_assert_msg(bit != 1u << 31, "%s: the catch-all bit",
			      names[i].name);
		ck_assert_msg(!(all & bit), "%s: bit 0x%08x taken",
			      names[i].name, bit);
		all |= bit;
	}
	/* every other type */
	for (t = 0; t < 256; t++) {
		for (i = 0; i < G_N_ELEMENTS(names); i++)
			if (names[i].type == t)
				break;
		if (i < G_N_ELEMENTS(names))
			continue;
		ck_assert_str_eq(mpf_sctp_chunk_to_string(t), "unknown");
		ck_assert_uint_eq(mpf_sctp_chunk_bit(t), 1u << 31);
	}
	/* beyond a byte: no wrapping onto a known type */
	for (t = 256; t < 512; t++) {
		ck_assert_str_eq(mpf_sctp_chunk_to_string(t), "unknown");
		ck_assert_uint_eq(mpf_sctp_chunk_bit(t), 1u << 31);
	}
	ck_assert_str_eq(mpf_sctp_chunk_to_string(UINT_MAX), "unknown");
	ck_assert_uint_eq(mpf_sctp_chunk_bit(UINT_MAX), 1u << 31);
	ck_assert_str_eq(mpf_sctp_chunk_to_string(0x3f), "unknown");
}
END_TEST

/* -------------------------------------------------------- regressions */

/*
 * Was a bug: a capture that keeps all of the last chunk but cuts its padding
 * (cap in [end of its declared length, len)) makes mpf__sctp_walk()
 * return MPF_OK, though the capture cut the packet: after the last chunk
 * the loop ends on off >= len and never compares cap with len.
 */
START_TEST(test_walk_padding_cut)
{
	const struct pkt_case *t = &pkt_cases[_i];
	size_t cap;

	for (cap = pkt_data_end(t); cap < t->n; cap++) {
		struct walk_rec r;
		int st = walk_copy(t->b, cap, t->n, false, 0, &r);

		ck_assert_msg(st == MPF_ERR_TRUNCATED,
			      "%s cap %zu of %zu: status %d", t->name, cap,
			      t->n, st);
		rec_clear(&r);
	}
}
END_TEST

/*
 * Was a bug: NR-SACK read as a SACK, but its fixed part is 16 bytes, not 12:
 * number of gap blocks, number of NR gap blocks, number of duplicate
 * TSNs, reserved. So dups gets the NR gap count, and a chunk of 12 to 15
 * value bytes, or cut there, parses as OK.
 */
START_TEST(test_nr_sack_fields)
{
	const struct chunk_case *t = &nr_sack_cases[_i];
	struct mpf_sctp_info in;
	struct buf b;

	ck_assert_int_eq(parse_copy(&b, t->b, (uint16_t)t->n, t->n - 4, false,
				    &in),
			 MPF_OK);
	assert_info(t, &in, b.p + 4, (uint32_t)t->n - 4);
	buf_free(&b);
}
END_TEST

START_TEST(test_nr_sack_declared)
{
	check_declared(&nr_sack_cases[_i]);
}
END_TEST

START_TEST(test_nr_sack_prefix)
{
	check_prefix(&nr_sack_cases[_i]);
}
END_TEST

/* ------------------------------------------------------------- suite */

static Suite *
suite(void)
{
	Suite *s = suite_create("sctp");
	TCase *tc;

	tc = tcase_create("crc32c");
	tcase_add_loop_test(tc, test_crc32c_known, 0, G_N_ELEMENTS(crc_cases));
	tcase_add_loop_test(tc, test_crc32c_split, 0, G_N_ELEMENTS(crc_cases));
	tcase_add_test(tc, test_crc32c_raw);
	tcase_add_test(tc, test_crc32c_portable);
	tcase_add_loop_test(tc, test_checksum_real, 0,
			    G_N_ELEMENTS(checksum_cases));
	tcase_add_loop_test(tc, test_checksum_changed, 0,
			    G_N_ELEMENTS(checksum_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("walk");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_walk_packets, 0, G_N_ELEMENTS(pkt_cases));
	tcase_add_loop_test(tc, test_walk_prefix, 0, G_N_ELEMENTS(pkt_cases));
	tcase_add_loop_test(tc, test_walk_short_packet, 0, 12);
	tcase_add_loop_test(tc, test_walk_short_capture, 0, 12);
	tcase_add_loop_test(tc, test_walk_chunk_len_below_4, 0, 4);
	tcase_add_loop_test(tc, test_walk_malformed, 0, G_N_ELEMENTS(bad_pkts));
	tcase_add_test(tc, test_walk_stop);
	tcase_add_test(tc, test_walk_many_chunks);
	tcase_add_loop_test(tc, test_walk_then_parse, 0,
			    G_N_ELEMENTS(checksum_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("chunks");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_chunk_fields, 0,
			    G_N_ELEMENTS(chunk_cases));
	tcase_add_loop_test(tc, test_chunk_declared, 0,
			    G_N_ELEMENTS(chunk_cases));
	tcase_add_loop_test(tc, test_chunk_prefix, 0,
			    G_N_ELEMENTS(chunk_cases));
	tcase_add_loop_test(tc, test_chunk_bad, 0, G_N_ELEMENTS(bad_chunks));
	tcase_add_test(tc, test_asconf_lookup_wrong_len);
	tcase_add_loop_test(tc, test_chunk_unknown_types, 0, 256);
	tcase_add_test(tc, test_nr_sack);
	suite_add_tcase(s, tc);

	tc = tcase_create("params");
	tcase_add_loop_test(tc, test_params, 0, G_N_ELEMENTS(param_cases));
	tcase_add_loop_test(tc, test_params_prefix, 0,
			    G_N_ELEMENTS(param_cases));
	tcase_add_test(tc, test_params_stop);
	tcase_add_loop_test(tc, test_params_malformed, 0,
			    G_N_ELEMENTS(bad_params));
	tcase_add_test(tc, test_init_params_cut);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("regressions");
	tcase_add_loop_test(tc, test_walk_padding_cut, 0,
			    G_N_ELEMENTS(pkt_cases));
	tcase_add_loop_test(tc, test_nr_sack_fields, 0,
			    G_N_ELEMENTS(nr_sack_cases));
	tcase_add_loop_test(tc, test_nr_sack_declared, 0,
			    G_N_ELEMENTS(nr_sack_cases));
	tcase_add_loop_test(tc, test_nr_sack_prefix, 0,
			    G_N_ELEMENTS(nr_sack_cases));
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(suite)
