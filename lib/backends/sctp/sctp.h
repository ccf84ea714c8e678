/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SCTP chunk parsing and checksums (internal; exposed to the unit tests
 * and fuzzers). The backend's own state is in sctp-int.h.
 */
#ifndef MPF_BACKEND_SCTP_H
#define MPF_BACKEND_SCTP_H

#include "mpf-private.h"

/* Chunk types (RFC 9260 3.2 and extensions) */
enum {
	SCTP_DATA = 0,
	SCTP_INIT = 1,
	SCTP_INIT_ACK = 2,
	SCTP_SACK = 3,
	SCTP_HEARTBEAT = 4,
	SCTP_HEARTBEAT_ACK = 5,
	SCTP_ABORT = 6,
	SCTP_SHUTDOWN = 7,
	SCTP_SHUTDOWN_ACK = 8,
	SCTP_ERROR = 9,
	SCTP_COOKIE_ECHO = 10,
	SCTP_COOKIE_ACK = 11,
	SCTP_ECNE = 12,
	SCTP_CWR = 13,
	SCTP_SHUTDOWN_COMPLETE = 14,
	SCTP_AUTH = 15,       /* RFC 4895 */
	SCTP_NR_SACK = 16,    /* draft-natarajan-tsvwg-sctp-nrsack */
	SCTP_I_DATA = 64,     /* RFC 8260 */
	SCTP_ASCONF_ACK = 0x80, /* RFC 5061 */
	SCTP_RE_CONFIG = 0x82,  /* RFC 6525 */
	SCTP_PAD = 0x84,        /* RFC 4820 */
	SCTP_FORWARD_TSN = 0xc0, /* RFC 3758 */
	SCTP_ASCONF = 0xc1,
	SCTP_I_FORWARD_TSN = 0xc2, /* RFC 8260 */
};

/* Parameter types of INIT, INIT ACK and ASCONF */
enum {
	SCTP_P_HEARTBEAT_INFO = 1,
	SCTP_P_IPV4 = 5,
	SCTP_P_IPV6 = 6,
	SCTP_P_ADD_IP = 0xc001,
	SCTP_P_DEL_IP = 0xc002,
	SCTP_P_ERROR_CAUSE = 0xc003,
	SCTP_P_SET_PRIMARY = 0xc004,
	SCTP_P_SUCCESS = 0xc005,
};

/* One chunk, as the walk finds it. */
struct mpf_sctp_chunk {
	uint8_t type, flags;
	uint16_t len;          /* declared, header included, no padding */
	const uint8_t *value;  /* after the 4-byte header */
	uint32_t value_cap;    /* value bytes captured (<= len - 4) */
};

/* The fields of a chunk the analysis uses, by type. */
struct mpf_sctp_info {
	uint8_t type;
	union {
		struct {
			uint32_t tsn;
			uint16_t stream;
			uint32_t data_len; /* user data bytes */
		} data;
		struct {
			uint32_t tag, a_rwnd, initial_tsn;
			uint16_t os, mis;
			const uint8_t *params; /* parameters, captured bytes */
			uint32_t params_cap, params_len;
		} init;
		struct {
			uint32_t cum_ack, a_rwnd;
			uint16_t gaps, dups;
		} sack;
		struct {
			const uint8_t *info; /* the Heartbeat Info parameter value */
			uint32_t info_len;
		} heartbeat;
		struct {
			bool t_bit;
			int cause; /* the first error cause code, -1 if none */
		} abort;
		struct {
			uint32_t cum_ack;
		} shutdown;
		struct {
			uint32_t serial;
			bool has_lookup;
			struct mpf_addr lookup; /* the address parameter */
			const uint8_t *params;  /* after it */
			uint32_t params_cap, params_len;
		} asconf;
		struct {
			uint32_t new_cum_tsn;
		} forward_tsn;
	} u;
};

/* The UDP ports of SCTP over UDP (RFC 6951), for the registry. */
extern const uint16_t mpf__sctp_udp_ports[];

/*
 * Finds the SCTP packet (common header and chunks) in @pkt: over IP, or
 * over UDP on one of mpf__sctp_udp_ports. Sets *@sctp, *@cap captured and
 * *@len on the wire when found.
 * Returns: whether @pkt carries SCTP.
 */
bool mpf__sctp_locate(const struct mpf_pkt *pkt, const uint8_t **sctp,
		      uint32_t *cap, uint32_t *len);

/*
 * Walks the chunks of an SCTP packet: @sctp holds @cap captured bytes of a
 * @len-byte packet (common header included). Calls @fn for each chunk
 * whose header was read; stops early when @fn returns false.
 * Returns: MPF_OK; MPF_ERR_TRUNCATED when the capture cut the chunks;
 * MPF_ERR_MALFORMED when a chunk length is below 4 or runs past the packet.
 */
int mpf__sctp_walk(const uint8_t *sctp, size_t cap, size_t len,
		   bool (*fn)(const struct mpf_sctp_chunk *ch, void *user),
		   void *user);

/*
 * Reads the fields of @ch into @info.
 * Returns: MPF_OK; MPF_ERR_TRUNCATED when the fields the analysis needs
 * were not captured; MPF_ERR_MALFORMED when the chunk is too short for its
 * type. Unknown types parse as OK with only the type set.
 */
int mpf__sctp_parse_chunk(const struct mpf_sctp_chunk *ch,
			  struct mpf_sctp_info *info);

/*
 * Walks TLV parameters (type, length, value, padded to 4) in @p (@cap
 * captured of @len). Calls @fn(type, value, value_cap, value_len, user).
 * Returns: MPF_OK, MPF_ERR_TRUNCATED or MPF_ERR_MALFORMED as for chunks.
 */
int mpf__sctp_walk_params(const uint8_t *p, size_t cap, size_t len,
			  bool (*fn)(uint16_t type, const uint8_t *value,
				     uint32_t value_cap, uint32_t value_len,
				     void *user),
			  void *user);

/* CRC32c (Castagnoli), as RFC 9260 appendix A computes it: the running
 * value starts at ~0 and is complemented at the end by the caller. */
uint32_t mpf__crc32c(uint32_t crc, const uint8_t *p, size_t n);
/* The same from tables only (what mpf__crc32c() uses where the CPU has no
 * CRC32c instruction); exposed for the tests to hold both to one answer. */
uint32_t mpf__crc32c_portable(uint32_t crc, const uint8_t *p, size_t n);

/* The checksum an SCTP packet should carry (its checksum field taken as
 * zero), in the byte order of the wire field read big-endian. */
uint32_t mpf__sctp_checksum(const uint8_t *sctp, size_t len);

#endif /* MPF_BACKEND_SCTP_H */
