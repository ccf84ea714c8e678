/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MPTCP option parsing, key derivation and HMACs (internal; exposed to the
 * unit tests and fuzzers). The backend's own state is in mptcp-int.h.
 */
#ifndef MPF_BACKEND_MPTCP_H
#define MPF_BACKEND_MPTCP_H

#include "mpf-private.h"

#define MPTCP_OPT_KIND 30

/* MP_CAPABLE flags (RFC 8684 section 3.1) */
#define MPC_FLAG_A 0x80 /* checksum required */
#define MPC_FLAG_B 0x40 /* extensibility */
#define MPC_FLAG_C 0x20 /* do not join to the source address (v1) */
#define MPC_FLAG_H 0x01 /* HMAC-SHA1 (v0) / HMAC-SHA256 (v1) */

/* DSS flags (RFC 8684 section 3.3) */
#define DSS_FLAG_F 0x10 /* DATA_FIN */
#define DSS_FLAG_m 0x08 /* DSN is 8 bytes */
#define DSS_FLAG_M 0x04 /* mapping present */
#define DSS_FLAG_a 0x02 /* data ack is 8 bytes */
#define DSS_FLAG_A 0x01 /* data ack present */

enum mptcp_join_kind {
	MPJ_SYN = 0,    /* 12 bytes: token, nonce */
	MPJ_SYNACK = 1, /* 16 bytes: truncated HMAC, nonce */
	MPJ_ACK = 2,    /* 24 bytes: HMAC */
};

/* One parsed MPTCP option, by value. */
struct mpf_mptcp_opt {
	uint8_t subtype; /* enum mpf_mptcp_subtype; > 8 for unknown ones */
	uint8_t len;     /* declared length */
	uint8_t cap;     /* bytes captured: fields ending past it read as 0 */
	union {
		struct {
			uint8_t version;
			uint8_t flags;
			uint8_t nkeys; /* 0, 1 (sender's) or 2 (+ receiver's) */
			bool has_data_len, has_csum;
			uint64_t snd_key, rcv_key;
			uint16_t data_len, csum;
		} mpc;
		struct {
			uint8_t kind; /* enum mptcp_join_kind */
			bool backup;
			uint8_t addr_id;
			uint32_t token;      /* SYN */
			uint32_t nonce;      /* SYN, SYN/ACK */
			uint64_t trunc_hmac; /* SYN/ACK */
			uint8_t hmac[20];    /* ACK */
		} join;
		struct {
			uint8_t flags;
			bool has_ack, ack64, has_map, dsn64, has_csum, fin;
			uint64_t ack; /* as sent: 32 or 64 bits */
			uint64_t dsn; /* as sent: 32 or 64 bits */
			uint32_t ssn;
			uint16_t data_len, csum;
		} dss;
		struct {
			uint8_t version; /* 0: RFC 6824 (IPVer), 1: RFC 8684 */
			bool echo;
			uint8_t addr_id;
			struct mpf_addr addr;
			bool has_port, has_hmac;
			uint16_t port;
			uint64_t hmac;
		} add_addr;
		struct {
			uint8_t count;
			uint8_t ids[40];
		} rm_addr;
		struct {
			bool backup, has_id;
			uint8_t addr_id;
		} prio;
		struct {
			uint64_t dsn;
		} fail;
		struct {
			uint64_t key;
		} fastclose;
		struct {
			uint8_t flags; /* U V W T */
			uint8_t reason;
		} tcprst;
	} u;
};

/*
 * Parses the MPTCP option at @p (its kind byte). @captured bytes are
 * readable; @declared is how many bytes the TCP header says the option
 * area still has from @p (SIZE_MAX when unknown).
 * Returns: MPF_OK; MPF_ERR_TRUNCATED when the capture cut the option (the
 * fields that were captured are still filled in, o->cap says up to where);
 * MPF_ERR_MALFORMED when its length is impossible for its subtype or runs
 * past the declared option area (checked before truncation: a length is
 * wrong whether or not the bytes were captured). An unknown subtype parses
 * as OK with only subtype and len set.
 */
int mpf__mptcp_opt_parse(const uint8_t *p, size_t captured, size_t declared,
			 struct mpf_mptcp_opt *o);

/*
 * The DSS checksum (RFC 8684 3.3.1) of a mapping: ones' complement over the
 * pseudo-header (64-bit DSN, 32-bit relative subflow sequence number,
 * data-level length, zero) and the @n payload bytes.
 */
uint16_t mpf__mptcp_dss_checksum(uint64_t dsn, uint32_t ssn, uint16_t data_len,
				 const uint8_t *payload, size_t n);

/* Whether the option's bytes up to offset @end were captured. */
static inline bool
mpf__mptcp_opt_has(const struct mpf_mptcp_opt *o, unsigned end)
{
	return o->cap >= end;
}

/* Widens a 32-bit sequence value to the 64-bit value nearest @ref. */
static inline uint64_t
mpf__seq_expand32(uint32_t v, uint64_t ref)
{
	uint64_t c = (ref & ~(uint64_t)0xffffffff) | v;
	int64_t d = (int64_t)(c - ref);

	if (d > (int64_t)0x80000000LL)
		c -= (uint64_t)1 << 32;
	else if (d < -(int64_t)0x80000000LL)
		c += (uint64_t)1 << 32;
	return c;
}

/* ------------------------------------------------------------- keys */

/*
 * Token and IDSN of an MPTCP key (RFC 6824 / RFC 8684 section 3.1): the
 * most significant 32 bits and the least significant 64 bits of SHA-1
 * (version 0) or SHA-256 (version 1) over the key in network byte order.
 */
void mpf__mptcp_key_derive(int version, uint64_t key, uint32_t *token,
			   uint64_t *idsn);

/*
 * HMAC-SHA1 (version 0) or HMAC-SHA256 (version 1) with the 16-byte key
 * be64(key1) || be64(key2) over @msg; writes the first @out_len bytes of
 * the digest (at most 20 for SHA-1, 32 for SHA-256).
 */
void mpf__mptcp_hmac(int version, uint64_t key1, uint64_t key2,
		     const uint8_t *msg, size_t msg_len, uint8_t *out,
		     size_t out_len);

#endif /* MPF_BACKEND_MPTCP_H */
