/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LISP message parsing (internal; exposed to the unit tests and
 * fuzzers). The backend's own state is in lisp-int.h.
 */
#ifndef MPF_BACKEND_LISP_H
#define MPF_BACKEND_LISP_H

#include "mpf-private.h"
#include "mpf-cursor.h"

#define LISP_DATA_PORT 4341
#define LISP_CONTROL_PORT 4342

/* Control message types (RFC 9301 5.1) */
enum {
	LISP_MAP_REQUEST = 1,
	LISP_MAP_REPLY = 2,
	LISP_MAP_REGISTER = 3,
	LISP_MAP_NOTIFY = 4,
	LISP_MAP_NOTIFY_ACK = 5,
	LISP_MAP_REFERRAL = 6,
	LISP_INFO = 7,
	LISP_ECM = 8,
};

/* LISP over TCP (draft-kouvelas-lisp-map-server-reliable-transport):
 * message types, and the type a frame gets when its segment holds no
 * whole message (see ingest.c) */
#define LISP_NO_MESSAGE 256 /* a TCP segment without a whole message */
#define RT_REGISTRATION 17
#define RT_REGISTRATION_ACK 18
#define RT_REGISTRATION_NACK 19
#define RT_MAPPING_NOTIFICATION 21
#define RT_END_MARKER 0x9facade9u

/* Address Family Identifiers (IANA), and LCAF types (RFC 8060) */
enum {
	LISP_AFI_NONE = 0,
	LISP_AFI_IPV4 = 1,
	LISP_AFI_IPV6 = 2,
	LISP_AFI_DN = 17,
	LISP_AFI_LCAF = 16387,
	LISP_AFI_MAC = 16389,
	LCAF_AFI_LIST = 1,
	LCAF_IID = 2,
};

/* An address as LISP carries it: an AFI, maybe inside LCAFs. */
struct mpf_lisp_addr {
	uint16_t afi;       /* the outer AFI (LCAF included) */
	bool is_ip;         /* an IPv4/IPv6 address was found */
	struct mpf_addr ip;
	bool has_iid;       /* an Instance ID LCAF */
	uint32_t iid;
};


/* Reads an AFI and its address (LCAF Instance ID and AFI list
 * understood); returns false (c->status set) when it cannot. */
bool mpf__lisp_read_addr(struct mpf_cursor *c, struct mpf_lisp_addr *a);

/* A locator record as the wire has it. */
struct mpf_lisp_wire_loc {
	uint8_t priority, weight, mpriority, mweight;
	bool local, probed, reachable; /* L, p, R */
	struct mpf_lisp_addr rloc;
};

struct mpf_lisp_record {
	uint32_t ttl;
	uint8_t loc_count, mask_len, action;
	bool authoritative;
	uint16_t map_version;
	struct mpf_lisp_addr eid;
};

/* Reads one EID record and its locators, calling @loc for each. */
bool mpf__lisp_read_record(struct mpf_cursor *c, struct mpf_lisp_record *r,
			   void (*loc)(const struct mpf_lisp_wire_loc *l,
				       void *user),
			   void *user);

/* The fixed part of a control message. */
struct mpf_lisp_msg {
	uint8_t type;
	uint8_t flags[3];     /* the bytes after the type nibble's byte */
	uint8_t records;      /* record count */
	bool has_nonce;
	uint64_t nonce;
	/* Map-Request */
	bool probe, smr, smr_invoked, with_reply;
	uint8_t itr_rlocs;    /* IRC + 1 */
	/* Map-Register / Notify */
	bool want_notify;
	uint16_t key_id, auth_len;
};

/*
 * Reads the header of the control message at c->p (through the nonce and,
 * for Map-Register/Notify/Notify-Ack, the authentication data; for a
 * Map-Request through the ITR-RLOCs). c->p is left at the first record.
 * Returns: false when the message is cut or malformed (c->status says).
 */
bool mpf__lisp_read_header(struct mpf_cursor *c, struct mpf_lisp_msg *m);

/* The LISP data header (RFC 9300 5.3). */
struct mpf_lisp_data {
	uint8_t flags; /* N L E V I */
	bool has_nonce, has_iid, has_lsb;
	uint32_t nonce; /* 24 bits */
	uint32_t iid;   /* 24 bits */
	uint32_t lsb;
};

#define LISP_DATA_N 0x80
#define LISP_DATA_L 0x40
#define LISP_DATA_E 0x20
#define LISP_DATA_V 0x10
#define LISP_DATA_I 0x08

/* Reads the 8-byte data header. */
int mpf__lisp_read_data(const uint8_t *p, size_t cap, size_t len,
			struct mpf_lisp_data *d);

#endif /* MPF_BACKEND_LISP_H */
