/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * keys.c: the keys of a connection's two sides, the version they are read
 * with, and what follows from them (token and IDSN, RFC 8684 3.1); and the
 * two libgcrypt primitives, key derivation and the MPTCP HMAC.
 *
 * Files tokens in by_token and keys in by_key. Touches no subflow, and no frame beyond its
 * key-mismatch flag.
 */
#include <gcrypt.h>
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

/*
 * Derives @side's token and IDSN once both its key and the version are
 * known, and files the token for joins.
 */
static void
derive_side(struct mpf_ctx *ctx, struct state *st, struct mpf_node *node,
	    int side)
{
	struct conn *c = conn_of(node);
	struct side *s = &c->side[side];
	struct mpf_node *other;

	if (!s->has_key || c->version < 0)
		return;
	mpf__mptcp_key_derive(c->version, s->key, &s->token, &s->idsn);
	s->has_token = s->has_idsn = true;
	if (!s->base_known || s->base_guessed) {
		s->base = s->idsn;
		s->base_known = true;
		s->base_guessed = false;
	}
	other = g_hash_table_lookup(st->by_token, GUINT_TO_POINTER(s->token));
	if (other && other != node) {
		/* a collision: joins go to the newer connection, unless
		 * their HMAC says they are the older one's (conn.c) */
		mpf_log(ctx, MPF_LOG_WARNING,
			"token %08x of node %u already belonged to node %u: "
			"a join goes to the one its HMAC verifies with",
			s->token, node->id, other->id);
		s->has_token_prev = true;
		s->token_prev = other->id;
	}
	g_hash_table_replace(st->by_token, GUINT_TO_POINTER(s->token), node);
}

void
mpf__mptcp_set_key(struct mpf_ctx *ctx, struct state *st, struct mpf_node *node,
		   int side, uint64_t key, struct mpf_frame *rec)
{
	struct conn *c = conn_of(node);
	struct side *s = &c->side[side];

	if (s->has_key) {
		if (s->key != key) {
			c->checks.key_mismatches++;
			rec->bflags |= MPF_MPTCP_FRAME_KEY_MISMATCH;
		}
		return;
	}
	s->has_key = true;
	s->key = key;
	g_hash_table_replace(st->by_key, g_memdup2(&key, sizeof(key)), node);
	derive_side(ctx, st, node, side);
}

void
mpf__mptcp_set_version(struct mpf_ctx *ctx, struct state *st,
		       struct mpf_node *node, int version)
{
	struct conn *c = conn_of(node);
	int i;

	if (c->version == version)
		return;
	c->version = version;
	for (i = 0; i < 2; i++) {
		if (c->side[i].has_key) {
			/* a v0 SYN key read as v1 first: derive again */
			c->side[i].base_known = false;
			derive_side(ctx, st, node, i);
		}
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
