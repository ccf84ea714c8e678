/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the Check test programs: the main() wrapper, packet crafting,
 * and running a capture file through a context.
 */
#ifndef MPF_TEST_H
#define MPF_TEST_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "mpflow.h"

/* One executable per area; exit 77 (skip) is left to the individual tests
 * that need something absent. */
#define MPF_TEST_MAIN(suite_fn)                                              \
	int main(void)                                                       \
	{                                                                    \
		SRunner *sr = srunner_create(suite_fn());                    \
		int failed;                                                  \
		srunner_run_all(sr, CK_ENV);                                 \
		failed = srunner_ntests_failed(sr);                          \
		srunner_free(sr);                                            \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                 \
	}

#ifndef MPF_TEST_DATA_DIR
#error "MPF_TEST_DATA_DIR must point at tests/data"
#endif

/* ------------------------------------------------------------ crafting */

/* LINKTYPE_ values the crafting helpers can wrap a packet in. */
enum craft_link {
	CRAFT_RAW = 101,
	CRAFT_ETHERNET = 1,
};

/* A TCP segment to craft; addresses in presentation form. */
struct craft_tcp {
	const char *src, *dst; /* both IPv4 or both IPv6 */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags; /* MPF-style TCP flags: 0x02 SYN, 0x10 ACK ... */
	const uint8_t *opts; /* raw option bytes, padded with NOPs to 4 */
	size_t opts_len;
	size_t payload_len; /* zero bytes */
};

#define CRAFT_FIN 0x01
#define CRAFT_SYN 0x02
#define CRAFT_RST 0x04
#define CRAFT_PSH 0x08
#define CRAFT_ACK 0x10

/*
 * Writes a frame (link header, IP, TCP, options, payload) into @buf.
 * Returns: its length; aborts the test when @size is too small.
 */
size_t craft_tcp_frame(uint8_t *buf, size_t size, enum craft_link link,
		       const struct craft_tcp *t);

/* Feeds @len bytes as the next frame of @ctx (frame numbers count up from
 * 1 per context) and returns the result; fails the test on an API error. */
const struct mpf_frame *craft_feed(struct mpf_ctx *ctx, enum craft_link link,
				   const uint8_t *frame, size_t len);

/* craft_tcp_frame() then craft_feed(). */
const struct mpf_frame *craft_feed_tcp(struct mpf_ctx *ctx,
				       const struct craft_tcp *t);

/* MPTCP option bytes at @p; each returns its length. */
size_t craft_be(uint8_t *p, uint64_t v, int n); /* @n big-endian bytes */
/* MP_CAPABLE of @version with 0, 1 or 2 keys and a data-level length
 * when @data_len >= 0 */
size_t craft_opt_mpc(uint8_t *p, int version, int nkeys, uint64_t k1,
		     uint64_t k2, int data_len);
size_t craft_opt_join_syn(uint8_t *p, bool backup, uint8_t id, uint32_t token,
			  uint32_t nonce);
size_t craft_opt_join_synack(uint8_t *p, uint8_t id, uint64_t hmac,
			     uint32_t nonce);
/* the third ACK of a join, with the 160-bit HMAC */
size_t craft_opt_join_ack(uint8_t *p, const uint8_t hmac[20]);
/* DSS: a data ack of @ack_len (0, 4, 8) bytes, a mapping with a DSN of
 * @dsn_len (0: none, 4, 8) bytes, DATA_FIN */
size_t craft_opt_dss(uint8_t *p, int ack_len, uint64_t ack, int dsn_len,
		     uint64_t dsn, uint32_t ssn, uint16_t len, bool fin);

/* ---------------------------------------------------- exact buffers */

/* A copy of some bytes in a buffer of exactly their size, so that a
 * parser reading one byte too many is caught. */
struct buf {
	uint8_t *p;
	void *map;
	size_t map_len;
};

/*
 * Copies @n bytes of @bytes into a g_malloc'd buffer of @n bytes (valgrind
 * and ASan see an over-read) or, when @guarded, to the very end of a
 * mapping whose next page is inaccessible (an over-read crashes).
 * Returns: the copy (NULL for 0 bytes unguarded); buf_free() releases it.
 */
uint8_t *buf_new(struct buf *b, const uint8_t *bytes, size_t n, bool guarded);
void buf_free(struct buf *b);

/* ------------------------------------------------------------- captures */

/*
 * Runs the capture at @path (relative to tests/data unless absolute)
 * through a new context with the default configuration and frames
 * retained. Fails the test when the file cannot be read.
 * Returns: (transfer full) the context.
 */
struct mpf_ctx *capture_load(const char *path);

/* Calls @fn for every frame of the capture at @path (as capture_load
 * resolves it), numbered from 1. Fails the test on a read error. */
void capture_foreach(const char *path,
		     void (*fn)(const struct mpf_packet *pkt, void *user),
		     void *user);

/* The absolute path of @rel under tests/data; (transfer full), g_free. */
char *capture_path(const char *rel);

#endif /* MPF_TEST_H */
