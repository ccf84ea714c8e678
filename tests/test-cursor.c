/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bounds-checked reader (lib/mpf-cursor.h): every reader's value, and
 * for every reader and every cut, that a read past the capture is
 * truncated, a read past the structure malformed, and that neither moves
 * the cursor or lets a later read succeed.
 */
#include <string.h>

#include "mpf-cursor.h"
#include "mpf-test.h"

static const uint8_t bytes[16] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf0,
};

START_TEST(test_values)
{
	struct mpf_cursor c;
	uint8_t out[3];

	mpf_cursor_init(&c, bytes, sizeof(bytes), sizeof(bytes));
	ck_assert_uint_eq(mpf_peek_u8(&c), 0x01);
	ck_assert_uint_eq(mpf_cursor_left(&c), 16); /* peeking moves nothing */
	ck_assert_uint_eq(mpf_get_u8(&c), 0x01);
	ck_assert_uint_eq(mpf_get_be16(&c), 0x0203);
	ck_assert_uint_eq(mpf_get_be24(&c), 0x040506);
	ck_assert_uint_eq(mpf_get_le32(&c), 0x9a890807u);
	ck_assert(mpf_get_bytes(&c, out, 3));
	ck_assert_uint_eq(out[0], 0xab);
	ck_assert_uint_eq(out[2], 0xcd);
	ck_assert_uint_eq(mpf_get_be16(&c), 0xdeef);
	ck_assert_uint_eq(mpf_cursor_left(&c), 1);
	ck_assert_int_eq(c.status, MPF_OK);

	mpf_cursor_init(&c, bytes, sizeof(bytes), sizeof(bytes));
	ck_assert_uint_eq(mpf_get_be32(&c), 0x01020304u);
	ck_assert(mpf_cursor_skip(&c, 4));
	ck_assert_uint_eq(mpf_get_be64(&c), 0x899aabbccddeeff0ull);
	ck_assert_uint_eq(mpf_cursor_left(&c), 0);
	ck_assert_uint_eq(mpf_cursor_wire_left(&c), 0);
	ck_assert_int_eq(c.status, MPF_OK);
	ck_assert(mpf_cursor_take(&c, 0) == bytes + 16); /* nothing is there */
}
END_TEST

/* Each reader and how many bytes it reads. */
enum reader { R_PEEK, R_U8, R_BE16, R_BE24, R_BE32, R_LE32, R_BE64,
	      R_BYTES, R_TAKE, R_SKIP, R_COUNT };

static const size_t reader_size[R_COUNT] = { 1, 1, 2, 3, 4, 4, 8, 5, 6, 7 };

/* Runs reader @r; returns the value read (bytes: their sum, take: whether
 * a pointer came back). */
static uint64_t
run_reader(struct mpf_cursor *c, enum reader r)
{
	uint8_t out[5];
	uint64_t sum = 0;
	size_t i;

	switch (r) {
	case R_PEEK: return mpf_peek_u8(c);
	case R_U8: return mpf_get_u8(c);
	case R_BE16: return mpf_get_be16(c);
	case R_BE24: return mpf_get_be24(c);
	case R_BE32: return mpf_get_be32(c);
	case R_LE32: return mpf_get_le32(c);
	case R_BE64: return mpf_get_be64(c);
	case R_BYTES:
		memset(out, 0xee, sizeof(out));
		if (!mpf_get_bytes(c, out, sizeof(out)))
			for (i = 0; i < sizeof(out); i++)
				ck_assert_uint_eq(out[i], 0); /* zero-filled */
		for (i = 0; i < sizeof(out); i++)
			sum += out[i];
		return sum;
	case R_TAKE: return mpf_cursor_take(c, 6) != NULL;
	case R_SKIP: return mpf_cursor_skip(c, 7);
	default: ck_abort(); return 0;
	}
}

/* Reader @r at @at over @cap captured of @len bytes fails with @want, reads
 * 0, moves nothing, and the error sticks. */
static void
check_fails(enum reader r, size_t at, size_t cap, size_t len, int want)
{
	struct mpf_cursor c;

	mpf_cursor_init(&c, bytes, cap, len);
	ck_assert(mpf_cursor_skip(&c, at));
	ck_assert(!mpf_cursor_has(&c, reader_size[r]));
	ck_assert_uint_eq(run_reader(&c, r), 0);
	ck_assert_msg(c.status == want, "reader %d at %zu, %zu of %zu: %d", r,
		      at, cap, len, c.status);
	ck_assert(c.p == bytes + at);
	ck_assert_uint_eq(mpf_cursor_left(&c), 0);
	ck_assert_uint_eq(mpf_get_u8(&c), 0);
	ck_assert_int_eq(c.status, want);
}

/*
 * For every reader, every start offset and every captured length short of
 * what it needs: the read is truncated when the wire had the bytes (all
 * 16), malformed when the structure ends where the capture does.
 */
START_TEST(test_every_cut)
{
	enum reader r = (enum reader)_i;
	size_t n = reader_size[r], at, cap;

	for (at = 0; at < 4; at++) {
		for (cap = at; cap < at + n; cap++) {
			check_fails(r, at, cap, sizeof(bytes),
				    MPF_ERR_TRUNCATED);
			check_fails(r, at, cap, cap, MPF_ERR_MALFORMED);
		}
		/* exactly enough: no error */
		{
			struct mpf_cursor c;

			mpf_cursor_init(&c, bytes, at + n, at + n);
			mpf_cursor_skip(&c, at);
			ck_assert(mpf_cursor_has(&c, n));
			run_reader(&c, r);
			ck_assert_int_eq(c.status, MPF_OK);
			ck_assert(c.p == bytes + at + (r == R_PEEK ? 0 : n));
		}
	}
}
END_TEST

/* A capture longer than the wire length is cut to it: the bytes after the
 * structure's end are not its own. */
START_TEST(test_cap_beyond_wire)
{
	struct mpf_cursor c;

	mpf_cursor_init(&c, bytes, 16, 3);
	ck_assert_uint_eq(mpf_cursor_left(&c), 3);
	ck_assert_uint_eq(mpf_cursor_wire_left(&c), 3);
	ck_assert_uint_eq(mpf_get_be32(&c), 0);
	ck_assert_int_eq(c.status, MPF_ERR_MALFORMED);
}
END_TEST

START_TEST(test_need_and_invalid)
{
	struct mpf_cursor c;

	mpf_cursor_init(&c, bytes, 4, 8);
	ck_assert(mpf_cursor_need(&c, 4));
	ck_assert(c.p == bytes); /* need moves nothing */
	ck_assert_uint_eq(mpf_cursor_wire_left(&c), 8);
	ck_assert(!mpf_cursor_need(&c, 5));
	ck_assert_int_eq(c.status, MPF_ERR_TRUNCATED);
	/* the first error stands */
	mpf_cursor_invalid(&c);
	ck_assert_int_eq(c.status, MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(mpf_cursor_wire_left(&c), 0);

	mpf_cursor_init(&c, bytes, 4, 8);
	ck_assert(!mpf_cursor_need(&c, 9));
	ck_assert_int_eq(c.status, MPF_ERR_MALFORMED);

	/* a contradiction the reader cannot see */
	mpf_cursor_init(&c, bytes, 16, 16);
	mpf_cursor_invalid(&c);
	ck_assert_int_eq(c.status, MPF_ERR_MALFORMED);
	ck_assert(!mpf_cursor_need(&c, 1));
	ck_assert_uint_eq(mpf_get_be16(&c), 0);
	mpf_cursor_fail(&c, MPF_ERR_TRUNCATED);
	ck_assert_int_eq(c.status, MPF_ERR_MALFORMED);
}
END_TEST

START_TEST(test_sub)
{
	struct mpf_cursor c, s;

	/* a window inside the capture */
	mpf_cursor_init(&c, bytes, 16, 16);
	mpf_cursor_skip(&c, 2);
	s = mpf_cursor_sub(&c, 4);
	ck_assert(c.p == bytes + 2); /* the parent does not move */
	ck_assert_uint_eq(mpf_get_be32(&s), 0x03040506u);
	ck_assert_uint_eq(mpf_get_u8(&s), 0);
	ck_assert_int_eq(s.status, MPF_ERR_MALFORMED); /* past its own end */
	ck_assert_int_eq(c.status, MPF_OK);            /* not the parent's */
	ck_assert(mpf_cursor_skip(&c, 4));
	ck_assert_uint_eq(mpf_get_u8(&c), 0x07);

	/* a window the capture cuts: truncated inside, the parent too when
	 * it skips the window */
	mpf_cursor_init(&c, bytes, 5, 16);
	s = mpf_cursor_sub(&c, 8);
	ck_assert_uint_eq(mpf_cursor_left(&s), 5);
	ck_assert_uint_eq(mpf_cursor_wire_left(&s), 8);
	ck_assert_uint_eq(mpf_get_be32(&s), 0x01020304u);
	ck_assert_uint_eq(mpf_get_be16(&s), 0);
	ck_assert_int_eq(s.status, MPF_ERR_TRUNCATED);
	ck_assert(!mpf_cursor_skip(&c, 8));
	ck_assert_int_eq(c.status, MPF_ERR_TRUNCATED);

	/* a window longer than the structure: both malformed */
	mpf_cursor_init(&c, bytes, 16, 6);
	s = mpf_cursor_sub(&c, 7);
	ck_assert_int_eq(c.status, MPF_ERR_MALFORMED);
	ck_assert_int_eq(s.status, MPF_ERR_MALFORMED);
	ck_assert_uint_eq(mpf_get_u8(&s), 0);

	/* a window of a failed cursor carries its error */
	mpf_cursor_init(&c, bytes, 1, 16);
	mpf_get_be16(&c);
	s = mpf_cursor_sub(&c, 1);
	ck_assert_int_eq(s.status, MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(mpf_cursor_left(&s), 0);
}
END_TEST

/* A structure of unknown length (SIZE_MAX): a read past the capture is
 * truncated, and the end pointer does not wrap. */
START_TEST(test_unknown_length)
{
	struct mpf_cursor c;

	mpf_cursor_init(&c, bytes, 3, SIZE_MAX);
	ck_assert(c.end > c.cap);
	ck_assert_uint_eq(mpf_get_be16(&c), 0x0102);
	ck_assert_uint_eq(mpf_get_be16(&c), 0);
	ck_assert_int_eq(c.status, MPF_ERR_TRUNCATED);
}
END_TEST

/* Passing over padding the capture lacks: allowed, and the next read
 * tells truncated (more on the wire) from malformed (the end). */
START_TEST(test_pass)
{
	struct mpf_cursor c, s;

	mpf_cursor_init(&c, bytes, 2, 8);
	ck_assert(mpf_cursor_pass(&c, 4));
	ck_assert(c.p == bytes + 4);
	ck_assert_uint_eq(mpf_cursor_left(&c), 0);
	ck_assert_uint_eq(mpf_cursor_wire_left(&c), 4);
	s = mpf_cursor_sub(&c, 4);
	ck_assert_uint_eq(mpf_cursor_left(&s), 0);
	ck_assert_uint_eq(mpf_get_u8(&s), 0);
	ck_assert_int_eq(s.status, MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(mpf_get_be32(&c), 0);
	ck_assert_int_eq(c.status, MPF_ERR_TRUNCATED);

	mpf_cursor_init(&c, bytes, 2, 8);
	ck_assert(mpf_cursor_pass(&c, 8));
	ck_assert_uint_eq(mpf_get_u8(&c), 0);
	ck_assert_int_eq(c.status, MPF_ERR_MALFORMED);

	/* past the structure: malformed, nothing moved */
	mpf_cursor_init(&c, bytes, 16, 8);
	ck_assert(!mpf_cursor_pass(&c, 9));
	ck_assert_int_eq(c.status, MPF_ERR_MALFORMED);
	ck_assert(c.p == bytes);
}
END_TEST

static Suite *
cursor_suite(void)
{
	Suite *s = suite_create("cursor");
	TCase *tc = tcase_create("reader");

	tcase_add_test(tc, test_values);
	tcase_add_loop_test(tc, test_every_cut, 0, R_COUNT);
	tcase_add_test(tc, test_cap_beyond_wire);
	tcase_add_test(tc, test_need_and_invalid);
	tcase_add_test(tc, test_sub);
	tcase_add_test(tc, test_pass);
	tcase_add_test(tc, test_unknown_length);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(cursor_suite)
