/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The MPTCP option parser, mpf__mptcp_opt_parse(), on the byte layouts of
 * RFC 6824 (MPTCP v0) and RFC 8684 (MPTCP v1): every subtype, every DSS
 * flag combination, lengths a subtype cannot have, every prefix a capture
 * can cut an option to, and mpf__seq_expand32().
 *
 * Every buffer handed to the parser is a g_malloc'd copy of exactly the
 * captured bytes, so that valgrind or ASan report any over-read, and every
 * result struct is filled with garbage first, so that a field the parser
 * forgets to set shows up.
 *
 * The "regressions" test case keeps the tests of parser bugs found (and
 * fixed) while this file was written; each says what the bug was.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "mpf-test.h"
#include "backends/mptcp/mptcp.h"

/* ------------------------------------------------------------ helpers */

/* An option as bytes; OPT() takes its length from the bytes. */
struct opt_bytes {
	const char *name;
	const uint8_t *b;
	size_t n;
};

#define OPT(name_, ...)                                                      \
	{                                                                    \
		name_, (const uint8_t[]){ __VA_ARGS__ },                     \
			sizeof((const uint8_t[]){ __VA_ARGS__ })             \
	}

/* 64-bit values as the 8 bytes they are sent as */
#define BE64(v)                                                              \
	(uint8_t)((v) >> 56), (uint8_t)((v) >> 48), (uint8_t)((v) >> 40),    \
		(uint8_t)((v) >> 32), (uint8_t)((v) >> 24),                  \
		(uint8_t)((v) >> 16), (uint8_t)((v) >> 8), (uint8_t)(v)

#define KEY_A UINT64_C(0x0102030405060708)
#define KEY_B UINT64_C(0xf1e2d3c4b5a69788)

/* 2001:db8::1 and 2001:db8::2 */
#define IP6_1 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01
#define IP6_2 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02

/*
 * Parses a copy of the first @captured bytes of @bytes, in a buffer of
 * exactly that size, into @o filled with garbage beforehand.
 */
static int
parse_copy(const uint8_t *bytes, size_t captured, size_t declared,
	   struct mpf_mptcp_opt *o)
{
	uint8_t *copy = NULL;
	int st;

	if (captured) {
		copy = g_malloc(captured);
		memcpy(copy, bytes, captured);
	}
	memset(o, 0x5a, sizeof(*o));
	st = mpf__mptcp_opt_parse(copy, captured, declared, o);
	g_free(copy);
	return st;
}

/*
 * Like parse_copy(), with the bytes placed right before an inaccessible
 * page: an over-read crashes the test even without valgrind or ASan.
 */
static int
parse_guarded(const uint8_t *bytes, size_t captured, size_t declared,
	      struct mpf_mptcp_opt *o)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *mem = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int st;

	ck_assert(mem != MAP_FAILED);
	ck_assert_int_eq(mprotect(mem + pg, pg, PROT_NONE), 0);
	memcpy(mem + pg - captured, bytes, captured);
	memset(o, 0x5a, sizeof(*o));
	st = mpf__mptcp_opt_parse(captured ? mem + pg - captured : NULL,
				  captured, declared, o);
	munmap(mem, 2 * pg);
	return st;
}

/* Parses all of @t, checks it is OK and the common fields. */
static void
parse_full(const struct opt_bytes *t, unsigned subtype,
	   struct mpf_mptcp_opt *o)
{
	int st = parse_copy(t->b, t->n, SIZE_MAX, o);

	ck_assert_msg(st == MPF_OK, "%s: status %d", t->name, st);
	ck_assert_uint_eq(t->b[1], t->n); /* the table itself is right */
	ck_assert_uint_eq(o->subtype, subtype);
	ck_assert_uint_eq(o->len, t->n);
	ck_assert_uint_eq(o->cap, t->n);
}

static void
put_be(uint8_t *p, uint64_t v, unsigned n)
{
	while (n--) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* ------------------------------------------------------- MP_CAPABLE */

struct mpc_case {
	struct opt_bytes opt;
	uint8_t version, flags, nkeys;
	bool has_data_len, has_csum;
	uint64_t snd_key, rcv_key;
	uint16_t data_len, csum;
};

static const struct mpc_case mpc_cases[] = {
	/* RFC 8684: the v1 SYN carries no key */
	{ OPT("v1 SYN A H", 30, 4, 0x01, 0x81), 1, 0x81, 0 },
	{ OPT("v1 SYN B C", 30, 4, 0x01, 0x60), 1, 0x60, 0 },
	{ OPT("v1 SYN A B C H", 30, 4, 0x01, 0xe1), 1, 0xe1, 0 },
	/* RFC 6824: the v0 SYN and SYN/ACK carry the sender's key */
	{ OPT("v0 SYN", 30, 12, 0x00, 0x81, BE64(KEY_A)), 0, 0x81, 1, false,
	  false, KEY_A },
	{ OPT("v1 SYN/ACK", 30, 12, 0x01, 0x01, BE64(KEY_B)), 1, 0x01, 1,
	  false, false, KEY_B },
	/* the third ACK echoes both keys */
	{ OPT("v0 ACK", 30, 20, 0x00, 0x81, BE64(KEY_A), BE64(KEY_B)), 0, 0x81,
	  2, false, false, KEY_A, KEY_B },
	{ OPT("v1 ACK", 30, 20, 0x01, 0x01, BE64(KEY_B), BE64(KEY_A)), 1, 0x01,
	  2, false, false, KEY_B, KEY_A },
	/* v1: the first data packet may carry the keys and a mapping */
	{ OPT("v1 ACK data", 30, 22, 0x01, 0x01, BE64(KEY_A), BE64(KEY_B), 0x05,
	      0x8c),
	  1, 0x01, 2, true, false, KEY_A, KEY_B, 1420 },
	{ OPT("v1 ACK data csum", 30, 24, 0x01, 0x81, BE64(KEY_A), BE64(KEY_B),
	      0x00, 0x10, 0xab, 0xcd),
	  1, 0x81, 2, true, true, KEY_A, KEY_B, 16, 0xabcd },
};

START_TEST(test_mpc)
{
	const struct mpc_case *t = &mpc_cases[_i];
	struct mpf_mptcp_opt o;

	parse_full(&t->opt, MPF_MPTCP_SUB_CAPABLE, &o);
	ck_assert_uint_eq(o.u.mpc.version, t->version);
	ck_assert_uint_eq(o.u.mpc.flags, t->flags);
	ck_assert_uint_eq(o.u.mpc.nkeys, t->nkeys);
	ck_assert_int_eq(o.u.mpc.has_data_len, t->has_data_len);
	ck_assert_int_eq(o.u.mpc.has_csum, t->has_csum);
	ck_assert_uint_eq(o.u.mpc.snd_key, t->snd_key);
	ck_assert_uint_eq(o.u.mpc.rcv_key, t->rcv_key);
	ck_assert_uint_eq(o.u.mpc.data_len, t->data_len);
	ck_assert_uint_eq(o.u.mpc.csum, t->csum);
}
END_TEST

/* ---------------------------------------------------------- MP_JOIN */

struct join_case {
	struct opt_bytes opt;
	uint8_t kind;
	bool backup;
	uint8_t addr_id;
	uint32_t token, nonce;
	uint64_t trunc_hmac;
	uint8_t hmac[20];
};

#define HMAC20                                                               \
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,    \
		0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14

static const struct join_case join_cases[] = {
	{ OPT("SYN backup", 30, 12, 0x11, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x01,
	      0x02, 0x03, 0x04),
	  MPJ_SYN, true, 5, 0xdeadbeef, 0x01020304 },
	{ OPT("SYN", 30, 12, 0x10, 0x00, 0x12, 0x34, 0x56, 0x78, 0xff, 0xfe,
	      0xfd, 0xfc),
	  MPJ_SYN, false, 0, 0x12345678, 0xfffefdfc },
	{ OPT("SYN/ACK backup", 30, 16, 0x11, 0x07, 0x11, 0x22, 0x33, 0x44,
	      0x55, 0x66, 0x77, 0x88, 0x9a, 0xbc, 0xde, 0xf0),
	  MPJ_SYNACK, true, 7, 0, 0x9abcdef0, UINT64_C(0x1122334455667788) },
	{ OPT("SYN/ACK", 30, 16, 0x10, 0xfe, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
	      0xa6, 0xa7, 0xa8, 0x00, 0x00, 0x00, 0x01),
	  MPJ_SYNACK, false, 0xfe, 0, 1, UINT64_C(0xa1a2a3a4a5a6a7a8) },
	{ OPT("ACK", 30, 24, 0x10, 0x00, HMAC20), MPJ_ACK, false, 0, 0, 0, 0,
	  { HMAC20 } },
	/* the bits after the subtype are reserved in the third ACK */
	{ OPT("ACK reserved bits", 30, 24, 0x1f, 0xff, HMAC20), MPJ_ACK, false,
	  0, 0, 0, 0, { HMAC20 } },
};

START_TEST(test_join)
{
	const struct join_case *t = &join_cases[_i];
	struct mpf_mptcp_opt o;

	parse_full(&t->opt, MPF_MPTCP_SUB_JOIN, &o);
	ck_assert_uint_eq(o.u.join.kind, t->kind);
	ck_assert_int_eq(o.u.join.backup, t->backup);
	ck_assert_uint_eq(o.u.join.addr_id, t->addr_id);
	ck_assert_uint_eq(o.u.join.token, t->token);
	ck_assert_uint_eq(o.u.join.nonce, t->nonce);
	ck_assert_uint_eq(o.u.join.trunc_hmac, t->trunc_hmac);
	ck_assert_mem_eq(o.u.join.hmac, t->hmac, sizeof(t->hmac));
}
END_TEST

/* -------------------------------------------------------------- DSS */

#define DSS_ACK64 UINT64_C(0xa1a2a3a4a5a6a7a8)
#define DSS_ACK32 UINT32_C(0xb1b2b3b4)
#define DSS_DSN64 UINT64_C(0xd1d2d3d4d5d6d7d8)
#define DSS_DSN32 UINT32_C(0xe1e2e3e4)
#define DSS_SSN UINT32_C(0x51525354)
#define DSS_DLEN 0x0102
#define DSS_CSUM 0xc1c2

/* The length RFC 8684 section 3.3 gives the DSS option with @flags. */
static size_t
dss_len(uint8_t flags, bool csum)
{
	size_t n = 4;

	if (flags & DSS_FLAG_A)
		n += (flags & DSS_FLAG_a) ? 8 : 4;
	if (flags & DSS_FLAG_M)
		n += ((flags & DSS_FLAG_m) ? 8 : 4) + 4 + 2 + (csum ? 2 : 0);
	return n;
}

/*
 * Writes a DSS option with @flags into @buf: fields in order, 'a' without
 * 'A' and 'm' without 'M' add nothing. A checksum is only written with a
 * mapping. Returns: its length.
 */
static size_t
dss_build(uint8_t flags, bool csum, uint8_t *buf)
{
	size_t n = 4;

	buf[0] = MPTCP_OPT_KIND;
	buf[2] = MPF_MPTCP_SUB_DSS << 4;
	buf[3] = flags;
	if (flags & DSS_FLAG_A) {
		if (flags & DSS_FLAG_a) {
			put_be(buf + n, DSS_ACK64, 8);
			n += 8;
		} else {
			put_be(buf + n, DSS_ACK32, 4);
			n += 4;
		}
	}
	if (flags & DSS_FLAG_M) {
		if (flags & DSS_FLAG_m) {
			put_be(buf + n, DSS_DSN64, 8);
			n += 8;
		} else {
			put_be(buf + n, DSS_DSN32, 4);
			n += 4;
		}
		put_be(buf + n, DSS_SSN, 4);
		put_be(buf + n + 4, DSS_DLEN, 2);
		n += 6;
		if (csum) {
			put_be(buf + n, DSS_CSUM, 2);
			n += 2;
		}
	}
	buf[1] = (uint8_t)n;
	return n;
}

/* _i: the five flags (F m M a A) in bits 0-4, a checksum in bit 5 */
START_TEST(test_dss_flags)
{
	uint8_t f = _i & 0x1f, buf[64];
	bool csum = _i & 0x20;
	bool A = f & DSS_FLAG_A, M = f & DSS_FLAG_M;
	struct opt_bytes t = { "dss", buf, 0 };
	struct mpf_mptcp_opt o;

	if (csum && !M) {
		/* a checksum needs a mapping to cover: 2 extra bytes
		 * without one are a wrong length */
		t.n = dss_build(f, false, buf) + 2;
		buf[1] = (uint8_t)t.n;
		buf[t.n - 2] = 0xc1;
		buf[t.n - 1] = 0xc2;
		ck_assert_int_eq(parse_copy(buf, t.n, SIZE_MAX, &o),
				 MPF_ERR_MALFORMED);
		return;
	}
	t.n = dss_build(f, csum, buf);
	ck_assert_uint_eq(t.n, dss_len(f, csum));
	parse_full(&t, MPF_MPTCP_SUB_DSS, &o);
	ck_assert_uint_eq(o.u.dss.flags, f);
	ck_assert_int_eq(o.u.dss.fin, (f & DSS_FLAG_F) != 0);
	ck_assert_int_eq(o.u.dss.has_ack, A);
	/* 'a' without 'A' and 'm' without 'M' mean nothing */
	ck_assert_int_eq(o.u.dss.ack64, A && (f & DSS_FLAG_a));
	ck_assert_int_eq(o.u.dss.has_map, M);
	ck_assert_int_eq(o.u.dss.dsn64, M && (f & DSS_FLAG_m));
	ck_assert_int_eq(o.u.dss.has_csum, csum);
	ck_assert_uint_eq(o.u.dss.ack,
			  !A ? 0 : (f & DSS_FLAG_a) ? DSS_ACK64 : DSS_ACK32);
	ck_assert_uint_eq(o.u.dss.dsn,
			  !M ? 0 : (f & DSS_FLAG_m) ? DSS_DSN64 : DSS_DSN32);
	ck_assert_uint_eq(o.u.dss.ssn, M ? DSS_SSN : 0);
	ck_assert_uint_eq(o.u.dss.data_len, M ? DSS_DLEN : 0);
	ck_assert_uint_eq(o.u.dss.csum, csum ? DSS_CSUM : 0);
}
END_TEST

/* _i: the five flags; every other length is MALFORMED, whether all of it
 * was captured or only the flags */
START_TEST(test_dss_bad_len)
{
	uint8_t f = (uint8_t)_i, buf[255] = { 0 };
	bool M = f & DSS_FLAG_M;
	unsigned len;
	struct mpf_mptcp_opt o;

	dss_build(f, M, buf);
	for (len = 3; len <= 255; len++) {
		if (len == dss_len(f, false) || (M && len == dss_len(f, true)))
			continue;
		buf[1] = (uint8_t)len;
		ck_assert_msg(parse_copy(buf, len, SIZE_MAX, &o) ==
				      MPF_ERR_MALFORMED,
			      "flags %#x len %u", f, len);
		ck_assert_msg(parse_copy(buf, 4, SIZE_MAX, &o) ==
				      MPF_ERR_MALFORMED,
			      "flags %#x len %u cut at 4", f, len);
	}
}
END_TEST

/* A DSS a Linux MPTCP v1 kernel sent: 8-byte data ack, 8-byte DSN. */
static const struct opt_bytes dss_linux =
	OPT("linux v1 DSS", 0x1e, 0x1a, 0x20, 0x0f, 0xd1, 0x9f, 0xc2, 0x6a,
	    0xfc, 0x12, 0x31, 0x44, 0x2f, 0x69, 0x99, 0x73, 0x7a, 0xe2, 0xa7,
	    0x5e, 0x00, 0x00, 0x00, 0x01, 0x05, 0x8c);

START_TEST(test_dss_linux)
{
	struct mpf_mptcp_opt o;

	parse_full(&dss_linux, MPF_MPTCP_SUB_DSS, &o);
	ck_assert_uint_eq(o.u.dss.flags, 0x0f);
	ck_assert(o.u.dss.has_ack);
	ck_assert(o.u.dss.ack64);
	ck_assert(o.u.dss.has_map);
	ck_assert(o.u.dss.dsn64);
	ck_assert(!o.u.dss.has_csum);
	ck_assert(!o.u.dss.fin);
	ck_assert_uint_eq(o.u.dss.ack, UINT64_C(0xd19fc26afc123144));
	ck_assert_uint_eq(o.u.dss.dsn, UINT64_C(0x2f6999737ae2a75e));
	ck_assert_uint_eq(o.u.dss.ssn, 1);
	ck_assert_uint_eq(o.u.dss.data_len, 1420);
	ck_assert_uint_eq(o.u.dss.csum, 0);
}
END_TEST

/* --------------------------------------------------------- ADD_ADDR */

struct add_addr_case {
	struct opt_bytes opt;
	uint8_t version;
	bool echo;
	uint8_t addr_id;
	uint8_t family;
	uint8_t addr[16];
	bool has_port, has_hmac;
	uint16_t port;
	uint64_t hmac;
};

#define HMAC8 UINT64_C(0x8877665544332211)

static const struct add_addr_case add_addr_cases[] = {
	/* RFC 6824: IPVer nibble, optional port, no HMAC */
	{ OPT("v0 IPv4", 30, 8, 0x34, 0x02, 10, 0, 0, 2), 0, false, 2, 4,
	  { 10, 0, 0, 2 } },
	{ OPT("v0 IPv4 port", 30, 10, 0x34, 0x03, 192, 168, 1, 1, 0x1f, 0x90),
	  0, false, 3, 4, { 192, 168, 1, 1 }, true, false, 8080 },
	{ OPT("v0 IPv6", 30, 20, 0x36, 0x04, IP6_1), 0, false, 4, 6,
	  { IP6_1 } },
	{ OPT("v0 IPv6 port", 30, 22, 0x36, 0x05, IP6_2, 0x01, 0xbb), 0, false,
	  5, 6, { IP6_2 }, true, false, 443 },
	/* RFC 8684: E flag, family from the length, HMAC unless an echo */
	{ OPT("v1 IPv4 echo", 30, 8, 0x31, 0x01, 192, 168, 136, 225), 1, true,
	  1, 4, { 192, 168, 136, 225 } },
	{ OPT("v1 IPv4 port echo", 30, 10, 0x31, 0x06, 10, 1, 2, 3, 0x0d,
	      0x3d),
	  1, true, 6, 4, { 10, 1, 2, 3 }, true, false, 3389 },
	/* the example of the docs */
	{ OPT("v1 IPv4 HMAC", 0x1e, 0x10, 0x30, 0x01, 0xc0, 0xa8, 0x88, 0xe1,
	      0x66, 0x99, 0x28, 0x74, 0x43, 0x66, 0x71, 0x6c),
	  1, false, 1, 4, { 192, 168, 136, 225 }, false, true, 0,
	  UINT64_C(0x669928744366716c) },
	{ OPT("v1 IPv4 port HMAC", 30, 18, 0x30, 0x09, 10, 0, 0, 1, 0x27, 0x10,
	      BE64(HMAC8)),
	  1, false, 9, 4, { 10, 0, 0, 1 }, true, true, 10000, HMAC8 },
	{ OPT("v1 IPv6 echo", 30, 20, 0x31, 0x0a, IP6_1), 1, true, 10, 6,
	  { IP6_1 } },
	{ OPT("v1 IPv6 port echo", 30, 22, 0x31, 0x0b, IP6_2, 0xff, 0xff), 1,
	  true, 11, 6, { IP6_2 }, true, false, 65535 },
	{ OPT("v1 IPv6 HMAC", 30, 28, 0x30, 0x0c, IP6_1, BE64(HMAC8)), 1, false,
	  12, 6, { IP6_1 }, false, true, 0, HMAC8 },
	{ OPT("v1 IPv6 port HMAC", 30, 30, 0x30, 0xff, IP6_2, 0x00, 0x50,
	      BE64(KEY_B)),
	  1, false, 0xff, 6, { IP6_2 }, true, true, 80, KEY_B },
};

START_TEST(test_add_addr)
{
	const struct add_addr_case *t = &add_addr_cases[_i];
	struct mpf_mptcp_opt o;

	parse_full(&t->opt, MPF_MPTCP_SUB_ADD_ADDR, &o);
	ck_assert_uint_eq(o.u.add_addr.version, t->version);
	ck_assert_int_eq(o.u.add_addr.echo, t->echo);
	ck_assert_uint_eq(o.u.add_addr.addr_id, t->addr_id);
	ck_assert_uint_eq(o.u.add_addr.addr.family, t->family);
	ck_assert_mem_eq(o.u.add_addr.addr.bytes, t->addr, 16);
	ck_assert_int_eq(o.u.add_addr.has_port, t->has_port);
	ck_assert_int_eq(o.u.add_addr.has_hmac, t->has_hmac);
	ck_assert_uint_eq(o.u.add_addr.port, t->port);
	ck_assert_uint_eq(o.u.add_addr.hmac, t->hmac);
}
END_TEST

/* ------------------------------------------------------ REMOVE_ADDR */

struct rm_case {
	struct opt_bytes opt;
	uint8_t count;
};

#define IDS_37                                                               \
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,   \
		20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,  \
		35, 36, 37

static const struct rm_case rm_cases[] = {
	{ OPT("one id", 30, 4, 0x40, 0x07), 1 },
	{ OPT("two ids", 30, 5, 0x40, 0x00, 0xff), 2 },
	{ OPT("three ids", 30, 6, 0x40, 0x01, 0x02, 0x03), 3 },
	/* the most the 40 bytes of TCP option space hold */
	{ OPT("37 ids", 30, 40, 0x40, IDS_37), 37 },
};

START_TEST(test_rm_addr)
{
	const struct rm_case *t = &rm_cases[_i];
	struct mpf_mptcp_opt o;
	unsigned i;

	parse_full(&t->opt, MPF_MPTCP_SUB_REMOVE_ADDR, &o);
	ck_assert_uint_eq(o.u.rm_addr.count, t->count);
	for (i = 0; i < G_N_ELEMENTS(o.u.rm_addr.ids); i++)
		ck_assert_uint_eq(o.u.rm_addr.ids[i],
				  i < t->count ? t->opt.b[3 + i] : 0);
}
END_TEST

/* ------------------------------------- MP_PRIO, MP_FAIL, FASTCLOSE, RST */

struct prio_case {
	struct opt_bytes opt;
	bool backup, has_id;
	uint8_t addr_id;
};

static const struct prio_case prio_cases[] = {
	{ OPT("backup", 30, 3, 0x51), true, false, 0 },
	{ OPT("no backup", 30, 3, 0x50), false, false, 0 },
	/* RFC 6824 has the address id */
	{ OPT("v0 backup id", 30, 4, 0x51, 0x09), true, true, 9 },
	{ OPT("v0 id", 30, 4, 0x50, 0xfe), false, true, 0xfe },
};

START_TEST(test_prio)
{
	const struct prio_case *t = &prio_cases[_i];
	struct mpf_mptcp_opt o;

	parse_full(&t->opt, MPF_MPTCP_SUB_PRIO, &o);
	ck_assert_int_eq(o.u.prio.backup, t->backup);
	ck_assert_int_eq(o.u.prio.has_id, t->has_id);
	ck_assert_uint_eq(o.u.prio.addr_id, t->addr_id);
}
END_TEST

static const struct opt_bytes fail_opt =
	OPT("MP_FAIL", 30, 12, 0x60, 0x00, BE64(KEY_B));
static const struct opt_bytes fastclose_opt =
	OPT("MP_FASTCLOSE", 30, 12, 0x70, 0x00, BE64(KEY_A));

START_TEST(test_fail)
{
	struct mpf_mptcp_opt o;

	parse_full(&fail_opt, MPF_MPTCP_SUB_FAIL, &o);
	ck_assert_uint_eq(o.u.fail.dsn, KEY_B);
}
END_TEST

START_TEST(test_fastclose)
{
	struct mpf_mptcp_opt o;

	parse_full(&fastclose_opt, MPF_MPTCP_SUB_FASTCLOSE, &o);
	ck_assert_uint_eq(o.u.fastclose.key, KEY_A);
}
END_TEST

struct tcprst_case {
	struct opt_bytes opt;
	uint8_t flags, reason;
};

static const struct tcprst_case tcprst_cases[] = {
	/* RFC 8684 section 3.6: U V W T flags, reason */
	{ OPT("T", 30, 4, 0x81, 0x01), 0x1, 0x01 },
	{ OPT("U V W T", 30, 4, 0x8f, 0x06), 0xf, 0x06 },
	{ OPT("U", 30, 4, 0x88, 0x00), 0x8, 0x00 },
	{ OPT("none", 30, 4, 0x80, 0xff), 0x0, 0xff },
};

START_TEST(test_tcprst)
{
	const struct tcprst_case *t = &tcprst_cases[_i];
	struct mpf_mptcp_opt o;

	parse_full(&t->opt, MPF_MPTCP_SUB_TCPRST, &o);
	ck_assert_uint_eq(o.u.tcprst.flags, t->flags);
	ck_assert_uint_eq(o.u.tcprst.reason, t->reason);
}
END_TEST

/* ---------------------------------------------------- unknown subtypes */

/* _i: the subtype, 9..15: OK with only subtype, len (and cap) set */
START_TEST(test_unknown_subtype)
{
	uint8_t buf[] = { 30, 6, (uint8_t)(_i << 4 | 0x0a), 0xaa, 0xbb, 0xcc };
	struct mpf_mptcp_opt o, zero;

	memset(&zero, 0, sizeof(zero));
	ck_assert_int_eq(parse_copy(buf, sizeof(buf), SIZE_MAX, &o), MPF_OK);
	ck_assert_uint_eq(o.subtype, _i);
	ck_assert_uint_eq(o.len, 6);
	ck_assert_uint_eq(o.cap, 6);
	ck_assert_mem_eq(&o.u, &zero.u, sizeof(o.u));

	/* no body at all */
	buf[1] = 3;
	ck_assert_int_eq(parse_copy(buf, 3, SIZE_MAX, &o), MPF_OK);
	ck_assert_uint_eq(o.subtype, _i);
	ck_assert_uint_eq(o.len, 3);

	/* cut by the capture */
	buf[1] = 6;
	ck_assert_int_eq(parse_copy(buf, 4, SIZE_MAX, &o), MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(o.subtype, _i);
	ck_assert_uint_eq(o.len, 6);
	ck_assert_uint_eq(o.cap, 4);
}
END_TEST

START_TEST(test_subtype_names)
{
	ck_assert_str_eq(mpf_mptcp_subtype_to_string(MPF_MPTCP_SUB_CAPABLE),
			 "MP_CAPABLE");
	ck_assert_str_eq(mpf_mptcp_subtype_to_string(MPF_MPTCP_SUB_DSS),
			 "DSS");
	ck_assert_str_eq(mpf_mptcp_subtype_to_string(MPF_MPTCP_SUB_TCPRST),
			 "MP_TCPRST");
	ck_assert_str_eq(mpf_mptcp_subtype_to_string(9), "unknown");
	ck_assert_str_eq(mpf_mptcp_subtype_to_string(0xff), "unknown");
}
END_TEST

/* ------------------------------------------------------- bad lengths */

struct bad_len_case {
	const char *name;
	uint8_t b2; /* subtype byte */
	uint8_t len;
};

/* Lengths no option of the subtype can have; the subtype byte alone
 * shows it (DSS, where it takes the flags too, is test_dss_bad_len). */
static const struct bad_len_case bad_len_cases[] = {
	{ "no length", 0x01, 0 },
	{ "length 1", 0x10, 1 },
	{ "length 2", 0x40, 2 },
	{ "length 2, unknown", 0x90, 2 },
	{ "MPC 3", 0x01, 3 },
	{ "MPC 5", 0x01, 5 },
	{ "MPC 8", 0x01, 8 },
	{ "MPC 11", 0x00, 11 },
	{ "MPC 13", 0x01, 13 },
	{ "MPC 16", 0x00, 16 },
	{ "MPC 21", 0x01, 21 },
	{ "MPC 23", 0x01, 23 },
	{ "MPC 25", 0x01, 25 },
	{ "MPC 40", 0x01, 40 },
	{ "JOIN 3", 0x10, 3 },
	{ "JOIN 4", 0x10, 4 },
	{ "JOIN 11", 0x11, 11 },
	{ "JOIN 13", 0x10, 13 },
	{ "JOIN 15", 0x10, 15 },
	{ "JOIN 20", 0x10, 20 },
	{ "JOIN 23", 0x10, 23 },
	{ "JOIN 25", 0x10, 25 },
	{ "JOIN 28", 0x10, 28 },
	{ "DSS 3", 0x20, 3 },
	{ "ADD_ADDR 3", 0x30, 3 },
	{ "ADD_ADDR 4", 0x31, 4 },
	{ "ADD_ADDR 7", 0x30, 7 },
	{ "ADD_ADDR v0 IPv4 9", 0x34, 9 },
	{ "ADD_ADDR v0 IPv4 12", 0x34, 12 },
	{ "ADD_ADDR v0 IPv4 16", 0x34, 16 },
	{ "ADD_ADDR v0 IPv4 20", 0x34, 20 },
	{ "ADD_ADDR v0 IPv6 8", 0x36, 8 },
	{ "ADD_ADDR v0 IPv6 10", 0x36, 10 },
	{ "ADD_ADDR v0 IPv6 21", 0x36, 21 },
	{ "ADD_ADDR v0 IPv6 28", 0x36, 28 },
	{ "ADD_ADDR v0 IPv6 30", 0x36, 30 },
	{ "ADD_ADDR v1 9", 0x30, 9 },
	{ "ADD_ADDR v1 12", 0x30, 12 },
	{ "ADD_ADDR v1 14", 0x31, 14 },
	{ "ADD_ADDR v1 17", 0x30, 17 },
	{ "ADD_ADDR v1 24", 0x30, 24 },
	{ "ADD_ADDR v1 26", 0x31, 26 },
	{ "ADD_ADDR v1 29", 0x30, 29 },
	{ "ADD_ADDR v1 32", 0x30, 32 },
	/* neither an IPVer (4, 6) nor reserved bits of 0 and the E flag */
	{ "ADD_ADDR nibble 2", 0x32, 8 },
	{ "ADD_ADDR nibble 3", 0x33, 10 },
	{ "ADD_ADDR nibble 5", 0x35, 8 },
	{ "ADD_ADDR nibble 5, 16", 0x35, 16 },
	{ "ADD_ADDR nibble 7", 0x37, 20 },
	{ "ADD_ADDR nibble 8", 0x38, 8 },
	{ "ADD_ADDR nibble f", 0x3f, 28 },
	{ "REMOVE_ADDR 3", 0x40, 3 },
	{ "PRIO 5", 0x51, 5 },
	{ "PRIO 6", 0x50, 6 },
	{ "PRIO 12", 0x50, 12 },
	{ "FAIL 3", 0x60, 3 },
	{ "FAIL 4", 0x60, 4 },
	{ "FAIL 11", 0x60, 11 },
	{ "FAIL 13", 0x60, 13 },
	{ "FAIL 16", 0x60, 16 },
	{ "FASTCLOSE 4", 0x70, 4 },
	{ "FASTCLOSE 11", 0x70, 11 },
	{ "FASTCLOSE 13", 0x70, 13 },
	{ "FASTCLOSE 20", 0x70, 20 },
	{ "TCPRST 3", 0x81, 3 },
	{ "TCPRST 5", 0x81, 5 },
	{ "TCPRST 8", 0x8f, 8 },
};

/* MALFORMED however much is captured, once the subtype byte is */
START_TEST(test_bad_len)
{
	const struct bad_len_case *t = &bad_len_cases[_i];
	uint8_t buf[255] = { MPTCP_OPT_KIND, t->len, t->b2 };
	size_t cap, max = t->len > 3 ? t->len : 3;
	struct mpf_mptcp_opt o;

	/* body bytes that would make sense: a nonzero address id etc. */
	memset(buf + 3, 0x21, sizeof(buf) - 3);
	for (cap = 3; cap <= max; cap++)
		ck_assert_msg(parse_copy(buf, cap, SIZE_MAX, &o) ==
				      MPF_ERR_MALFORMED,
			      "%s: captured %zu", t->name, cap);
	/* the length byte alone shows a length below 3 */
	if (t->len < 3)
		ck_assert_int_eq(parse_copy(buf, 2, SIZE_MAX, &o),
				 MPF_ERR_MALFORMED);
}
END_TEST

/* ------------------------------------------- every valid option, once */

#define N_DSS_VARIANTS (32 + 16) /* every flag set; + csum when M */

/* The DSS variant @k: 0..31 no checksum, 32..47 those with M and one */
static size_t
dss_variant(unsigned k, uint8_t *buf)
{
	if (k < 32)
		return dss_build((uint8_t)k, false, buf);
	k -= 32;
	/* spread the 4 bits F m a A around M */
	return dss_build((uint8_t)(DSS_FLAG_M | (k & 0x3) | (k & 0xc) << 1),
			 true, buf);
}

static unsigned
n_valid_opts(void)
{
	return G_N_ELEMENTS(mpc_cases) + G_N_ELEMENTS(join_cases) +
	       G_N_ELEMENTS(add_addr_cases) + G_N_ELEMENTS(rm_cases) +
	       G_N_ELEMENTS(prio_cases) + G_N_ELEMENTS(tcprst_cases) + 3 +
	       N_DSS_VARIANTS;
}

/* Copies the valid option @i of all the tables above into @buf (256
 * bytes). Returns: its length. */
static size_t
valid_opt(unsigned i, uint8_t *buf)
{
	const struct opt_bytes *t = NULL;

#define FROM(table, member)                                                  \
	if (!t && i < G_N_ELEMENTS(table))                                   \
		t = &table[i] member;                                        \
	else if (!t)                                                         \
		i -= G_N_ELEMENTS(table);
	FROM(mpc_cases, .opt)
	FROM(join_cases, .opt)
	FROM(add_addr_cases, .opt)
	FROM(rm_cases, .opt)
	FROM(prio_cases, .opt)
	FROM(tcprst_cases, .opt)
#undef FROM
	if (!t) {
		switch (i) {
		case 0: t = &fail_opt; break;
		case 1: t = &fastclose_opt; break;
		case 2: t = &dss_linux; break;
		default:
			ck_assert_uint_lt(i - 3, N_DSS_VARIANTS);
			return dss_variant(i - 3, buf);
		}
	}
	memcpy(buf, t->b, t->n);
	return t->n;
}

START_TEST(test_valid_opts_table)
{
	uint8_t buf[256];
	size_t n = valid_opt(_i, buf);
	struct mpf_mptcp_opt o;

	ck_assert_int_eq(parse_copy(buf, n, SIZE_MAX, &o), MPF_OK);
	ck_assert_uint_eq(o.len, n);
	ck_assert_uint_eq(o.cap, n);
	ck_assert_uint_le(o.subtype, MPF_MPTCP_SUB_TCPRST);
}
END_TEST

/* ------------------------------------------------ truncated prefixes */

#define CUT_FIELD(end, field)                                                \
	do {                                                                 \
		uint64_t v_ = (uint64_t)cut->field,                          \
			 w_ = (uint64_t)full->field;                         \
		if (mpf__mptcp_opt_has(cut, (end)))                          \
			ck_assert_msg(v_ == w_,                              \
				      "captured %u: " #field ": %#" PRIx64   \
				      " != %#" PRIx64,                       \
				      (unsigned)cut->cap, v_, w_);           \
		else if (zero)                                               \
			ck_assert_msg(v_ == 0,                               \
				      "captured %u: " #field                 \
				      " (ends at %u, not captured): %#" PRIx64 \
				      " != 0",                               \
				      (unsigned)cut->cap, (unsigned)(end), v_); \
	} while (0)

#define CUT_BYTES(end, field, n)                                             \
	do {                                                                 \
		static const uint8_t zeros_[64];                             \
		if (mpf__mptcp_opt_has(cut, (end)))                          \
			ck_assert_mem_eq(cut->field, full->field, (n));      \
		else if (zero)                                               \
			ck_assert_mem_eq(cut->field, zeros_, (n));           \
	} while (0)

/*
 * Checks that the fields of @cut that end inside its captured bytes are
 * those of @full; with @zero, that the others read as 0 too (what struct
 * mpf_mptcp_opt promises for cap). Fields known from the length byte (and
 * the subtype byte) count as ending at 2 (3).
 */
static void
check_cut_fields(const struct mpf_mptcp_opt *full,
		 const struct mpf_mptcp_opt *cut, bool zero)
{
	unsigned off, i;

	CUT_FIELD(2, len);
	CUT_FIELD(3, subtype);
	switch (full->subtype) {
	case MPF_MPTCP_SUB_CAPABLE:
		CUT_FIELD(3, u.mpc.version);
		CUT_FIELD(4, u.mpc.flags);
		CUT_FIELD(2, u.mpc.nkeys);
		CUT_FIELD(2, u.mpc.has_data_len);
		CUT_FIELD(2, u.mpc.has_csum);
		CUT_FIELD(12, u.mpc.snd_key);
		CUT_FIELD(20, u.mpc.rcv_key);
		CUT_FIELD(22, u.mpc.data_len);
		CUT_FIELD(24, u.mpc.csum);
		break;
	case MPF_MPTCP_SUB_JOIN:
		CUT_FIELD(2, u.join.kind);
		CUT_FIELD(3, u.join.backup);
		CUT_FIELD(4, u.join.addr_id);
		CUT_FIELD(8, u.join.token);
		CUT_FIELD(full->u.join.kind == MPJ_SYN ? 12 : 16, u.join.nonce);
		CUT_FIELD(12, u.join.trunc_hmac);
		CUT_BYTES(24, u.join.hmac, 20);
		break;
	case MPF_MPTCP_SUB_DSS:
		CUT_FIELD(4, u.dss.flags);
		CUT_FIELD(4, u.dss.fin);
		CUT_FIELD(4, u.dss.has_ack);
		CUT_FIELD(4, u.dss.ack64);
		CUT_FIELD(4, u.dss.has_map);
		CUT_FIELD(4, u.dss.dsn64);
		CUT_FIELD(4, u.dss.has_csum);
		off = 4;
		if (full->u.dss.has_ack)
			off += full->u.dss.ack64 ? 8 : 4;
		CUT_FIELD(off, u.dss.ack);
		if (full->u.dss.has_map)
			off += full->u.dss.dsn64 ? 8 : 4;
		CUT_FIELD(off, u.dss.dsn);
		CUT_FIELD(off + 4, u.dss.ssn);
		CUT_FIELD(off + 6, u.dss.data_len);
		CUT_FIELD(off + 8, u.dss.csum);
		break;
	case MPF_MPTCP_SUB_ADD_ADDR:
		CUT_FIELD(3, u.add_addr.version);
		CUT_FIELD(3, u.add_addr.echo);
		CUT_FIELD(4, u.add_addr.addr_id);
		CUT_FIELD(3, u.add_addr.addr.family);
		CUT_FIELD(3, u.add_addr.has_port);
		CUT_FIELD(3, u.add_addr.has_hmac);
		off = 4 + (full->u.add_addr.addr.family == 4 ? 4 : 16);
		CUT_BYTES(off, u.add_addr.addr.bytes, 16);
		if (full->u.add_addr.has_port)
			off += 2;
		CUT_FIELD(off, u.add_addr.port);
		CUT_FIELD(off + 8, u.add_addr.hmac);
		break;
	case MPF_MPTCP_SUB_REMOVE_ADDR:
		/* one id a byte: the count is how many were captured */
		if (cut->cap >= 3)
			ck_assert_uint_eq(cut->u.rm_addr.count, cut->cap - 3);
		for (i = 0; i < G_N_ELEMENTS(cut->u.rm_addr.ids); i++)
			CUT_FIELD(4 + i, u.rm_addr.ids[i]);
		break;
	case MPF_MPTCP_SUB_PRIO:
		CUT_FIELD(3, u.prio.backup);
		CUT_FIELD(2, u.prio.has_id);
		CUT_FIELD(4, u.prio.addr_id);
		break;
	case MPF_MPTCP_SUB_FAIL:
		CUT_FIELD(12, u.fail.dsn);
		break;
	case MPF_MPTCP_SUB_FASTCLOSE:
		CUT_FIELD(12, u.fastclose.key);
		break;
	case MPF_MPTCP_SUB_TCPRST:
		CUT_FIELD(3, u.tcprst.flags);
		CUT_FIELD(4, u.tcprst.reason);
		break;
	default:
		ck_abort_msg("subtype %u in the valid table", full->subtype);
	}
}

/* _i: the valid option; every prefix of it is TRUNCATED, never OK nor
 * MALFORMED, and holds the fields it captured */
START_TEST(test_prefix)
{
	uint8_t buf[256];
	size_t n = valid_opt(_i, buf), cap;
	struct mpf_mptcp_opt full, cut, guarded;
	int st;

	ck_assert_int_eq(parse_copy(buf, n, SIZE_MAX, &full), MPF_OK);
	for (cap = 0; cap < n; cap++) {
		st = parse_copy(buf, cap, SIZE_MAX, &cut);
		/* the same with nothing readable after the cut */
		ck_assert_int_eq(parse_guarded(buf, cap, SIZE_MAX, &guarded),
				 st);
		ck_assert_mem_eq(&guarded, &cut, sizeof(cut));
		ck_assert_msg(st == MPF_ERR_TRUNCATED,
			      "option %d, captured %zu of %zu: status %d", _i,
			      cap, n, st);
		if (cap >= 3)
			ck_assert_uint_eq(cut.cap, cap);
		else
			ck_assert_uint_lt(cut.cap, 3); /* nothing claimed */
		check_cut_fields(&full, &cut, false);
	}
}
END_TEST

/* ------------------------------------------------ declared, header */

/* _i: the valid option; it must fit the declared option area */
START_TEST(test_declared)
{
	uint8_t buf[256 + 10];
	size_t n = valid_opt(_i, buf);
	struct mpf_mptcp_opt o, ref;

	ck_assert_int_eq(parse_copy(buf, n, n, &ref), MPF_OK);
	/* one byte short: MALFORMED, also when cut by the capture */
	ck_assert_int_eq(parse_copy(buf, n, n - 1, &o), MPF_ERR_MALFORMED);
	ck_assert_int_eq(parse_copy(buf, 3, n - 1, &o), MPF_ERR_MALFORMED);
	ck_assert_int_eq(parse_copy(buf, 2, n - 1, &o), MPF_ERR_MALFORMED);
	/* no room for a length byte, whatever was captured */
	ck_assert_int_eq(parse_copy(buf, n, 1, &o), MPF_ERR_MALFORMED);
	ck_assert_int_eq(parse_copy(buf, n, 0, &o), MPF_ERR_MALFORMED);
	ck_assert_int_eq(parse_copy(buf, 0, 1, &o), MPF_ERR_MALFORMED);

	/* more captured and declared than the option: its own bytes only */
	memset(buf + n, 0xee, 10);
	ck_assert_int_eq(parse_copy(buf, n + 10, n + 10, &o), MPF_OK);
	ck_assert_uint_eq(o.len, n);
	ck_assert_uint_eq(o.cap, n);
	check_cut_fields(&ref, &o, true);
}
END_TEST

START_TEST(test_header)
{
	uint8_t buf[] = { MPTCP_OPT_KIND, 4, 0x01, 0x81 };
	static const uint8_t not_mptcp[] = { 0, 1, 2, 8, 29, 31, 0xff };
	struct mpf_mptcp_opt o;
	unsigned i;

	/* not even the length byte captured */
	ck_assert_int_eq(parse_copy(buf, 0, SIZE_MAX, &o), MPF_ERR_TRUNCATED);
	ck_assert_int_eq(parse_copy(buf, 1, SIZE_MAX, &o), MPF_ERR_TRUNCATED);
	ck_assert_int_eq(parse_copy(buf, 1, 4, &o), MPF_ERR_TRUNCATED);
	/* a good length, no subtype byte */
	ck_assert_int_eq(parse_copy(buf, 2, SIZE_MAX, &o), MPF_ERR_TRUNCATED);
	/* the length is checked before truncation */
	buf[1] = 2;
	ck_assert_int_eq(parse_copy(buf, 2, SIZE_MAX, &o), MPF_ERR_MALFORMED);
	buf[1] = 5;
	ck_assert_int_eq(parse_copy(buf, 2, 4, &o), MPF_ERR_MALFORMED);
	buf[1] = 4;
	ck_assert_int_eq(parse_copy(buf, 4, 4, &o), MPF_OK);

	/* the caller passes an option of another kind */
	for (i = 0; i < G_N_ELEMENTS(not_mptcp); i++) {
		buf[0] = not_mptcp[i];
		ck_assert_int_eq(parse_copy(buf, 4, SIZE_MAX, &o),
				 MPF_ERR_INVALID);
		ck_assert_int_eq(parse_copy(buf, 2, 4, &o), MPF_ERR_INVALID);
	}

	/* nothing to read from */
	ck_assert_int_eq(mpf__mptcp_opt_parse(NULL, 4, SIZE_MAX, &o),
			 MPF_ERR_INVALID);
}
END_TEST

/* ---------------------------------------------------- seq_expand32 */

struct expand_case {
	uint32_t v;
	uint64_t ref, want;
};

static const struct expand_case expand_cases[] = {
	/* near the reference, within one 2^32 block */
	{ 0x1005, 0x1000, 0x1005 },
	{ 0x0ff0, 0x1000, 0x0ff0 },
	{ 0x1000, 0x1000, 0x1000 },
	{ 0x12345678, UINT64_C(0x700000000), UINT64_C(0x712345678) },
	/* forward across a 2^32 boundary */
	{ 0x10, UINT64_C(0x0fffffff0), UINT64_C(0x100000010) },
	{ 0x10, UINT64_C(0x4fffffff0), UINT64_C(0x500000010) },
	/* back across a 2^32 boundary */
	{ 0xfffffff0, UINT64_C(0x100000010), UINT64_C(0x0fffffff0) },
	{ 0xfffffff0, UINT64_C(0x500000010), UINT64_C(0x4fffffff0) },
	/* just under half the space either way stays on the near side */
	{ 0xf0000001, UINT64_C(0x570000000), UINT64_C(0x4f0000001) },
	{ 0x6fffffff, UINT64_C(0x4f0000000), UINT64_C(0x56fffffff) },
	{ 0x7fffffff, 0, 0x7fffffff },
	{ 0x80000001, UINT64_C(0x100000000), UINT64_C(0x080000001) },
	/* reference 0: a value just below wraps to the top of 2^64 */
	{ 0, 0, 0 },
	{ 5, 0, 5 },
	{ 0xfffffff0, 0, UINT64_C(0xfffffffffffffff0) },
	{ 0x80000001, 0, UINT64_C(0xffffffff80000001) },
	/* reference near 2^64: a small value wraps past it to 0 */
	{ 5, UINT64_C(0xfffffffffffffff6), 5 },
	{ 0, UINT64_MAX, 0 },
	{ 0xffffffff, UINT64_MAX, UINT64_MAX },
	{ 0xfffffff0, UINT64_C(0xfffffffffffffff6),
	  UINT64_C(0xfffffffffffffff0) },
	{ 0x7ffffff0, UINT64_C(0xfffffffffffffff6), 0x7ffffff0 },
};

START_TEST(test_seq_expand32)
{
	const struct expand_case *t = &expand_cases[_i];
	uint64_t got = mpf__seq_expand32(t->v, t->ref);

	ck_assert_msg(got == t->want,
		      "expand(%#" PRIx32 ", %#" PRIx64 ") = %#" PRIx64
		      ", not %#" PRIx64,
		      t->v, t->ref, got, t->want);
}
END_TEST

/* ---------------------------------------- regressions (bugs now fixed) */

/*
 * BUG: parse_dss() checks the length against the flags byte even when
 * only 3 bytes were captured; the flags then read as 0, the expected length
 * is 4, and a valid DSS cut before its flags is MALFORMED, not TRUNCATED.
 * _i: the DSS variant.
 */
START_TEST(test_bug_dss_cut_after_subtype)
{
	uint8_t buf[64];
	size_t n = dss_variant(_i, buf);
	struct mpf_mptcp_opt o;

	ck_assert_uint_gt(n, 3);
	ck_assert_int_eq(parse_copy(buf, 3, SIZE_MAX, &o), MPF_ERR_TRUNCATED);
	ck_assert_uint_eq(o.cap, 3);
	ck_assert_uint_eq(o.subtype, MPF_MPTCP_SUB_DSS);
}
END_TEST

/*
 * BUG: mpf_get_be64() is two mpf_get_be32() calls, so a 64-bit field cut
 * after its first 4 bytes reads as its high half << 32 instead of 0
 * (struct mpf_mptcp_opt: "fields ending past it read as 0"). Keys, the
 * truncated HMAC, 64-bit data acks and DSNs, the ADD_ADDR HMAC.
 * _i: the valid option.
 */
START_TEST(test_bug_cut_u64_reads_half)
{
	uint8_t buf[256];
	size_t n = valid_opt(_i, buf), cap;
	struct mpf_mptcp_opt full, cut;

	ck_assert_int_eq(parse_copy(buf, n, SIZE_MAX, &full), MPF_OK);
	for (cap = 3; cap < n; cap++) {
		if (parse_copy(buf, cap, SIZE_MAX, &cut) != MPF_ERR_TRUNCATED)
			continue; /* the DSS bug above */
		check_cut_fields(&full, &cut, true);
	}
}
END_TEST

/*
 * BUG: REMOVE_ADDR takes count = cap - 3 ids into ids[40] with no upper
 * bound; a length over 43 (possible when declared is SIZE_MAX) writes past
 * the array, and at 255 past the whole struct. Checked with a canary
 * after a heap struct.
 */
START_TEST(test_bug_rm_addr_overflow)
{
	static const uint8_t lens[] = { 255, 100, 44 };
	size_t sz = sizeof(struct mpf_mptcp_opt);
	uint8_t buf[255], *mem = g_malloc(sz + 256);
	unsigned i, j;
	int st;

	for (i = 0; i < G_N_ELEMENTS(lens); i++) {
		memset(buf, 0x11, sizeof(buf));
		buf[0] = MPTCP_OPT_KIND;
		buf[1] = lens[i];
		buf[2] = MPF_MPTCP_SUB_REMOVE_ADDR << 4;
		memset(mem, 0, sz);
		memset(mem + sz, 0xa5, 256);
		st = mpf__mptcp_opt_parse(buf, lens[i], SIZE_MAX,
					  (struct mpf_mptcp_opt *)mem);
		for (j = 256; j > 0 && mem[sz + j - 1] == 0xa5; j--)
			;
		ck_assert_msg(j == 0, "len %u: wrote up to %u bytes past "
			      "the struct", lens[i], j);
		ck_assert_msg(st == MPF_ERR_MALFORMED,
			      "len %u: status %d, count %u", lens[i], st,
			      ((struct mpf_mptcp_opt *)mem)->u.rm_addr.count);
	}
	g_free(mem);
}
END_TEST

/* ------------------------------------------------------------- suite */

static Suite *
suite(void)
{
	Suite *s = suite_create("mptcp-opt");
	TCase *tc;

	tc = tcase_create("subtypes");
	tcase_add_loop_test(tc, test_mpc, 0, G_N_ELEMENTS(mpc_cases));
	tcase_add_loop_test(tc, test_join, 0, G_N_ELEMENTS(join_cases));
	tcase_add_loop_test(tc, test_dss_flags, 0, 64);
	tcase_add_test(tc, test_dss_linux);
	tcase_add_loop_test(tc, test_add_addr, 0,
			    G_N_ELEMENTS(add_addr_cases));
	tcase_add_loop_test(tc, test_rm_addr, 0, G_N_ELEMENTS(rm_cases));
	tcase_add_loop_test(tc, test_prio, 0, G_N_ELEMENTS(prio_cases));
	tcase_add_test(tc, test_fail);
	tcase_add_test(tc, test_fastclose);
	tcase_add_loop_test(tc, test_tcprst, 0, G_N_ELEMENTS(tcprst_cases));
	tcase_add_loop_test(tc, test_unknown_subtype, 9, 16);
	tcase_add_test(tc, test_subtype_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_bad_len, 0, G_N_ELEMENTS(bad_len_cases));
	tcase_add_loop_test(tc, test_dss_bad_len, 0, 32);
	tcase_add_loop_test(tc, test_declared, 0, n_valid_opts());
	tcase_add_test(tc, test_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncated");
	tcase_add_loop_test(tc, test_valid_opts_table, 0, n_valid_opts());
	tcase_add_loop_test(tc, test_prefix, 0, n_valid_opts());
	suite_add_tcase(s, tc);

	tc = tcase_create("seq");
	tcase_add_loop_test(tc, test_seq_expand32, 0,
			    G_N_ELEMENTS(expand_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("regressions");
	tcase_add_loop_test(tc, test_bug_dss_cut_after_subtype, 0,
			    N_DSS_VARIANTS);
	tcase_add_loop_test(tc, test_bug_cut_u64_reads_half, 0, n_valid_opts());
	tcase_add_test(tc, test_bug_rm_addr_overflow);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(suite)
