/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * crc32c.c: the SCTP checksum: CRC32c (RFC 9260 appendix A), by table or
 * by the SSE 4.2 instruction, and the Adler-32 of old stacks (RFC 2960).
 *
 * Pure functions of the bytes they are given: no packet, no state.
 */
#include <string.h>

#include "backends/sctp/sctp-int.h"

/* Slicing by 8 (Intel's method): table k holds the CRC of a byte followed
 * by k zero bytes, so that eight bytes are folded per step. A checksum is
 * computed over every SCTP packet, so its speed is the backend's. */
static uint32_t crc32c_table[8][256];

void
mpf__sctp_crc32c_init(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		uint32_t i, k, c;

		for (i = 0; i < 256; i++) {
			for (c = i, k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
			crc32c_table[0][i] = c;
		}
		for (i = 0; i < 256; i++)
			for (k = 1; k < 8; k++)
				crc32c_table[k][i] =
					crc32c_table[0][crc32c_table[k - 1][i] & 0xff] ^
					(crc32c_table[k - 1][i] >> 8);
		g_once_init_leave(&done, 1);
	}
}

uint32_t
mpf__crc32c_portable(uint32_t crc, const uint8_t *p, size_t n)
{
	mpf__sctp_crc32c_init();
	for (; n >= 8; n -= 8, p += 8) {
		/* the byte order of the input, whatever the host's */
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
			      (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;

		crc = crc32c_table[7][lo & 0xff] ^ crc32c_table[6][lo >> 8 & 0xff] ^
		      crc32c_table[5][lo >> 16 & 0xff] ^ crc32c_table[4][lo >> 24] ^
		      crc32c_table[3][hi & 0xff] ^ crc32c_table[2][hi >> 8 & 0xff] ^
		      crc32c_table[1][hi >> 16 & 0xff] ^ crc32c_table[0][hi >> 24];
	}
	for (; n > 0; n--, p++)
		crc = crc32c_table[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* SSE 4.2 has CRC32c as an instruction (same polynomial, same reflected
 * running value): eight bytes a cycle or so, where it is there. */
__attribute__((target("sse4.2"))) static uint32_t
crc32c_sse42(uint32_t crc, const uint8_t *p, size_t n)
{
	uint64_t c = crc;

	for (; n >= 8; n -= 8, p += 8) {
		uint64_t v;

		memcpy(&v, p, 8); /* little-endian, as the instruction reads */
		c = __builtin_ia32_crc32di(c, v);
	}
	crc = (uint32_t)c;
	for (; n > 0; n--, p++)
		crc = __builtin_ia32_crc32qi(crc, *p);
	return crc;
}
#endif

uint32_t
mpf__crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
	static int hw = -1;

	if (hw < 0) /* racing threads both find the same answer */
		hw = __builtin_cpu_supports("sse4.2") ? 1 : 0;
	if (hw)
		return crc32c_sse42(crc, p, n);
#endif
	return mpf__crc32c_portable(crc, p, n);
}

uint32_t
mpf__sctp_checksum(const uint8_t *sctp, size_t len)
{
	static const uint8_t zero[4];
	uint32_t crc = 0xffffffff;

	if (len < 12)
		return 0;
	crc = mpf__crc32c(crc, sctp, 8);
	crc = mpf__crc32c(crc, zero, 4);
	crc = mpf__crc32c(crc, sctp + 12, len - 12);
	crc = ~crc;
	/* the CRC goes on the wire least significant byte first */
	return (crc & 0xff) << 24 | (crc & 0xff00) << 8 | (crc >> 8 & 0xff00) |
	       crc >> 24;
}

/* Adler-32 (RFC 2960, before RFC 3309): old stacks' checksum. */
uint32_t
mpf__sctp_adler32(const uint8_t *p, size_t len)
{
	uint32_t a = 1, b = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t v = i >= 8 && i < 12 ? 0 : p[i];

		a = (a + v) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}
