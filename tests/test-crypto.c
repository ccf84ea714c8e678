/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Known-answer tests of the MPTCP key derivation and HMACs
 * (lib/backends/mptcp/keys.c).
 * Vectors: the Linux kernel's net/mptcp/crypto_test.c (HMAC-SHA256, keys
 * and messages are ASCII bytes), and tokens/IDSNs/HMACs read from real v0
 * and v1 captures and cross-checked with Wireshark (see the project's
 * research notes, section "Verified test vectors").
 */
#include <stdio.h>
#include <string.h>

#include "backends/mptcp/mptcp.h"
#include "mpf-private.h"
#include "mpf-test.h"

static uint64_t
be64_of(const char *s)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | (uint8_t)s[i];
	return v;
}

static void
hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned v;

		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static const struct {
	const char *key, *msg, *result;
} kernel_vectors[] = {
	{ "0b0b0b0b0b0b0b0b", "48692054",
	  "8385e24fb4235ac37556b6b886db106284a1da671699f46db1f235ec622dcafa" },
	{ "aaaaaaaaaaaaaaaa", "dddddddd",
	  "2c5e219164ff1dca1c4a92318d847bb6b9d44492984e1eb71aff9022f71046e9" },
	{ "0102030405060708", "cdcdcdcd",
	  "e73b9ba9969969cefb04aa0d6df18ec2fcc075b6f23b4d8c4da736a5dbbc6e7d" },
};

START_TEST(test_hmac_sha256_kernel_vectors)
{
	uint8_t want[32], got[32];

	hex_to_bytes(kernel_vectors[_i].result, want, sizeof(want));
	mpf__mptcp_hmac(1, be64_of(kernel_vectors[_i].key),
			be64_of(kernel_vectors[_i].key + 8),
			(const uint8_t *)kernel_vectors[_i].msg, 8, got,
			sizeof(got));
	ck_assert_mem_eq(got, want, sizeof(want));
}
END_TEST

static const struct {
	int version;
	uint64_t key;
	uint32_t token;
	uint64_t idsn;
} key_vectors[] = {
	/* v0, SHA-1: pymptcpanalyzer examples/client_2.pcap */
	{ 0, 0xca2f07947b1bfd2bULL, 0x87f53114, 0x528b5d084e92c2fcULL },
	{ 0, 0xa78213619e4beafcULL, 0x2ff5f1f0, 0x488c0d28e589f0d3ULL },
	{ 0, 0x1513f7895ef77b72ULL, 0xb3db4d6a, 0x167effb14829b7b1ULL },
	{ 0, 0x920bcfdc155c41e2ULL, 0x9288c15d, 0xe156d03f8e8b8201ULL },
	/* v1, SHA-256: tcpdump tests/mptcp-v1.pcap and mptcp-aa-v1.pcap */
	{ 1, 0x29a6c86981ad933cULL, 0xa35d6d82, 0xa28e87fddd1d30f1ULL },
	{ 1, 0x1fdb5df328bc3defULL, 0x239fbdb0, 0xc8072fb90edab04dULL },
	{ 1, 0x73bb150358a0aecbULL, 0x5f3f5591, 0xa896f3fe7a8dc02dULL },
	{ 1, 0x8f0c7c64a6a32ac1ULL, 0x2e1abded, 0xee83a616c38765c4ULL },
	/* synthetic keys, both versions */
	{ 1, 0x0102030405060708ULL, 0x66840dda, 0xf5a101d3d29d6f72ULL },
	{ 0, 0x0102030405060708ULL, 0xdd5783bc, 0x3a95ed6e4ebb4ad5ULL },
	{ 1, 0x1122334455667788ULL, 0x1dce6604, 0x62815714b76ae9a5ULL },
	{ 0, 0x1122334455667788ULL, 0xbdc04c09, 0xd0549cc0405811d5ULL },
};

START_TEST(test_token_idsn)
{
	uint32_t token = 0;
	uint64_t idsn = 0;

	mpf__mptcp_key_derive(key_vectors[_i].version, key_vectors[_i].key,
			      &token, &idsn);
	ck_assert_uint_eq(token, key_vectors[_i].token);
	ck_assert_uint_eq(idsn, key_vectors[_i].idsn);
}
END_TEST

static void
nonces(uint32_t a, uint32_t b, uint8_t msg[8])
{
	int i;

	for (i = 0; i < 4; i++) {
		msg[i] = (uint8_t)(a >> (24 - 8 * i));
		msg[4 + i] = (uint8_t)(b >> (24 - 8 * i));
	}
}

/* MP_JOIN: HMAC-B = HMAC(Key-B || Key-A, R-B || R-A), truncated to the
 * leftmost 64 bits in the SYN/ACK; HMAC-A = HMAC(Key-A || Key-B,
 * R-A || R-B), the leftmost 160 bits in the third ACK. */
static const struct {
	int version;
	uint64_t ka, kb;
	uint32_t ra, rb;
	const char *hmac_b64, *hmac_a160;
} join_vectors[] = {
	/* v0, real: client_2.pcap tcp.stream 2 (frames 18, 24, 26: nonces
	 * 2527314580 and 252493897 as tshark prints them) and 4 */
	{ 0, 0xca2f07947b1bfd2bULL, 0xa78213619e4beafcULL, 2527314580u,
	  252493897u, "84037deda67a454c",
	  "66e36626703eacb8f72ec5be13f8c4ef4f6d4dd8" },
	{ 0, 0x1513f7895ef77b72ULL, 0x920bcfdc155c41e2ULL, 4180511758u,
	  4112858284u, "417589edf93f0708",
	  "0629675a26a0c7720717ce580f1c270cc9e33a32" },
	/* v1, synthetic */
	{ 1, 0x0102030405060708ULL, 0x1122334455667788ULL, 0x0a0b0c0d,
	  0x01020304, "8bb5ef2a5abbce8c",
	  "0d158fbf941497792dcb96d42964c5a6a86a0fca" },
};

START_TEST(test_join_hmacs)
{
	uint8_t msg[8], got[20], want[20];

	nonces(join_vectors[_i].rb, join_vectors[_i].ra, msg);
	mpf__mptcp_hmac(join_vectors[_i].version, join_vectors[_i].kb,
			join_vectors[_i].ka, msg, sizeof(msg), got, 8);
	hex_to_bytes(join_vectors[_i].hmac_b64, want, 8);
	ck_assert_mem_eq(got, want, 8);

	nonces(join_vectors[_i].ra, join_vectors[_i].rb, msg);
	mpf__mptcp_hmac(join_vectors[_i].version, join_vectors[_i].ka,
			join_vectors[_i].kb, msg, sizeof(msg), got, 20);
	hex_to_bytes(join_vectors[_i].hmac_a160, want, 20);
	ck_assert_mem_eq(got, want, 20);
}
END_TEST

/* ADD_ADDR v1: HMAC(Key-sender || Key-receiver, id || addr || port). The
 * RFC takes the rightmost 64 bits; Linux before a 2020 fix sent the
 * leftmost, which a real capture (mptcp-aa-v1.pcap frame 13) shows. */
START_TEST(test_add_addr_hmac)
{
	static const uint8_t legacy_msg[] = { 0x01, 0xc0, 0xa8, 0x88, 0xe1,
					      0x00, 0x00 };
	static const uint8_t rfc_msg[] = { 0x05, 10, 0, 2, 1, 0x00, 0x00 };
	uint8_t d[32], want[8];

	mpf__mptcp_hmac(1, 0x73bb150358a0aecbULL, 0x8f0c7c64a6a32ac1ULL,
			legacy_msg, sizeof(legacy_msg), d, sizeof(d));
	hex_to_bytes("669928744366716c", want, 8);
	ck_assert_mem_eq(d, want, 8);
	hex_to_bytes("e0e054c3444e4c25", want, 8);
	ck_assert_mem_eq(d + 24, want, 8);

	mpf__mptcp_hmac(1, 0x0102030405060708ULL, 0x1122334455667788ULL,
			rfc_msg, sizeof(rfc_msg), d, sizeof(d));
	hex_to_bytes("15c2186e3ca3b067", want, 8);
	ck_assert_mem_eq(d + 24, want, 8);
}
END_TEST

/* Asking for more than the digest gives the digest, zero-padded. */
START_TEST(test_hmac_short_digest)
{
	uint8_t d[32];

	memset(d, 0xaa, sizeof(d));
	mpf__mptcp_hmac(0, 1, 2, (const uint8_t *)"x", 1, d, sizeof(d));
	ck_assert_uint_eq(d[20], 0);
	ck_assert_uint_eq(d[31], 0);
}
END_TEST

/* The DSS checksum of a real v0 mapping (pymptcpanalyzer
 * iperf-mptcp-0-0.pcap frame 9; tcpdump prints the same csum 0x3ea1):
 * DSN 9485794687403768074, subflow sequence 1, 24 bytes. */
START_TEST(test_dss_checksum)
{
	uint8_t payload[24];

	hex_to_bytes("0000000000000001000013890000000000000000fffffe0c", payload,
		     sizeof(payload));
	ck_assert_uint_eq(mpf__mptcp_dss_checksum(9485794687403768074ULL, 1, 24,
						  payload, sizeof(payload)),
			  0x3ea1);
	/* one bit of data changed: another checksum */
	payload[23] ^= 1;
	ck_assert_uint_ne(mpf__mptcp_dss_checksum(9485794687403768074ULL, 1, 24,
						  payload, sizeof(payload)),
			  0x3ea1);
	/* no payload: the pseudo-header alone */
	ck_assert_uint_eq(mpf__mptcp_dss_checksum(0, 0, 0, NULL, 0), 0xffff);
}
END_TEST

static Suite *
crypto_suite(void)
{
	Suite *s = suite_create("crypto");
	TCase *tc = tcase_create("vectors");

	tcase_add_loop_test(tc, test_hmac_sha256_kernel_vectors, 0,
			    G_N_ELEMENTS(kernel_vectors));
	tcase_add_loop_test(tc, test_token_idsn, 0, G_N_ELEMENTS(key_vectors));
	tcase_add_loop_test(tc, test_join_hmacs, 0, G_N_ELEMENTS(join_vectors));
	tcase_add_test(tc, test_add_addr_hmac);
	tcase_add_test(tc, test_hmac_short_digest);
	tcase_add_test(tc, test_dss_checksum);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(crypto_suite)
