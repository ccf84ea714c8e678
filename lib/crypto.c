/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: MPTCP key derivation and HMACs, on libgcrypt
 *
 * specification: RFC 6824 section 3.1/3.2 (version 0: SHA-1, HMAC-SHA1),
 * RFC 8684 section 3.1/3.2/3.4.1 (version 1: SHA-256, HMAC-SHA256).
 */
#include <gcrypt.h>
#include <string.h>

#include "mpf-private.h"

void
mpf__crypto_init(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		/* An application that links us (Wireshark) may have set up
		 * libgcrypt already; then its settings stand. */
		if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
			gcry_check_version(NULL);
			gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
			gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
		}
		g_once_init_leave(&done, 1);
	}
}

static void
put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

void
mpf__mptcp_key_derive(int version, uint64_t key, uint32_t *token,
		      uint64_t *idsn)
{
	uint8_t in[8], d[32];
	size_t n = version == 0 ? 20 : 32;
	uint64_t v = 0;
	size_t i;

	mpf__crypto_init();
	put_be64(in, key);
	gcry_md_hash_buffer(version == 0 ? GCRY_MD_SHA1 : GCRY_MD_SHA256, d, in,
			    sizeof(in));
	if (token)
		*token = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
			 (uint32_t)d[2] << 8 | d[3];
	for (i = n - 8; i < n; i++)
		v = v << 8 | d[i];
	if (idsn)
		*idsn = v;
}

void
mpf__mptcp_hmac(int version, uint64_t key1, uint64_t key2, const uint8_t *msg,
		size_t msg_len, uint8_t *out, size_t out_len)
{
	int algo = version == 0 ? GCRY_MAC_HMAC_SHA1 : GCRY_MAC_HMAC_SHA256;
	uint8_t key[16], d[32];
	size_t dlen = version == 0 ? 20 : 32;
	gcry_mac_hd_t h;

	mpf__crypto_init();
	memset(d, 0, sizeof(d));
	put_be64(key, key1);
	put_be64(key + 8, key2);
	if (gcry_mac_open(&h, algo, 0, NULL) == 0) {
		if (gcry_mac_setkey(h, key, sizeof(key)) == 0 &&
		    gcry_mac_write(h, msg, msg_len) == 0)
			gcry_mac_read(h, d, &dlen);
		gcry_mac_close(h);
	}
	if (out_len > sizeof(d))
		out_len = sizeof(d);
	memcpy(out, d, out_len);
}
