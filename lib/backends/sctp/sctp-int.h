/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: SCTP: one node per association across all its multihomed paths
 * (the backend's private header)
 *
 * specification: RFC 9260 (SCTP), RFC 5061 (ASCONF), RFC 4895 (AUTH),
 * RFC 3758 (FORWARD-TSN), RFC 8260 (I-DATA), RFC 6525 (RE-CONFIG),
 * RFC 4820 (PAD), RFC 6951 (SCTP over UDP)
 *
 * Every packet carries the receiver's verification tag (its Initiate Tag),
 * except an INIT (tag 0) and an ABORT or SHUTDOWN COMPLETE with the T bit
 * (the sender's own tag). So (receiver port, sender port, tag) names one
 * side of one association, whatever the addresses: both keys of a node
 * are filed in a hash table and every path finds its association there.
 * Flows are the address pairs the association uses.
 *
 * A packet seen before the handshake (the capture started late) makes a
 * half node, knowing one tag; a packet the other way with the same ports
 * and an unknown tag completes it. An INIT on the ports and tag of an
 * association that ended starts a new node.
 *
 *  common header  +---------------+---------------+
 *                 |  source port  |  dest. port   |
 *                 +---------------+---------------+
 *                 |       verification tag        |
 *                 +-------------------------------+
 *                 |   checksum (CRC32c)           |
 *                 +-------------------------------+
 *  then chunks: type (1), flags (1), length (2), value, padding to 4
 *
 * One file per concern, each saying what it owns: crc32c.c (checksums),
 * chunk.c (chunk and parameter parsing, exposed to the unit tests and
 * fuzzers), assoc.c (lifecycle, the association and address tables, TSNs,
 * streaming hooks, the backend table), ingest.c (the per-packet entry) and
 * api.c (public getters). This header holds what they share: the
 * association state and the functions one file calls in another (mpf__*,
 * hidden like every internal symbol); sctp.h, which it includes, the
 * parsers the tests also use.
 */
#ifndef MPF_BACKEND_SCTP_INT_H
#define MPF_BACKEND_SCTP_INT_H

#include "backends/sctp/sctp.h"

/* ------------------------------------------------------------- state */

/* An address of one side, and how it came to be. */
struct saddr {
	struct mpf_addr addr;
	uint16_t origin; /* enum mpf_sctp_origin */
	uint32_t first_frame, added_frame, deleted_frame, primary_frame;
};

#define MAX_ADDRS 64      /* per side: a hostile INIT lists no more */
#define TSN_WINDOW 65536  /* TSNs remembered per direction */
#define DATA_MOVE_RUN 4   /* new DATA packets on a path before it counts */
#define MAX_PRIMARY 256   /* primary changes kept per node */
#define HALF_WAITING 32   /* half associations waiting on one port pair
			   * and way (assoc.c: mpf__sctp_half_add) */
#define TSN_WINDOW_MIN 256 /* bits a window starts with */

/* The TSNs one side sent, a window of the most recent: it covers the
 * TSNs from the lowest seen to the highest, TSN_WINDOW at most, and
 * starts small (an association of one packet costs a few bytes). */
struct tsnwin {
	bool init;
	uint32_t hi;   /* highest TSN seen */
	uint32_t lo;   /* lowest TSN still in the window */
	uint32_t size; /* bits, a power of two up to TSN_WINDOW */
	uint8_t *bits; /* size bits, by tsn % size */
};

/* Node data: one association. */
struct assoc {
	uint16_t port[2];
	bool has_tag[2];
	uint32_t tag[2];
	bool init_seen[2]; /* INIT (client) / INIT ACK (server) seen */
	bool established;  /* a packet after the handshake was seen */
	uint8_t end;       /* enum mpf_sctp_end */
	uint32_t end_frame, shutdown_frame;
	int cause;
	bool half_listed;  /* in state->half */
	GArray *addrs[2];  /* struct saddr */
	struct mpf_sctp_stats st[2];
	struct tsnwin tsn[2];
	GArray *primary;   /* struct mpf_sctp_primary */
	uint32_t data_flow[2], cand_flow[2], cand_run[2];
	bool data_flow_set[2];
	GHashTable *flows; /* struct mpf_tuple * -> struct mpf_flow * */
	bool fresh; /* opened by an INIT here (partial.c: a new association,
		     * unless an open one of the INIT's tag was never
		     * established) */
};

/* Flow data: one address pair. */
struct path {
	struct mpf_tuple tuple; /* addresses, ports 0 */
	struct mpf_sctp_flow_stats st;
	bool hb_pending[2];
	uint32_t hb_hash[2];
	int64_t hb_ts[2];
	double rtt_sum;
};

/* A hash key: one side of one association. */
struct side_key {
	uint16_t rport, sport; /* the receiving side's port, the other's */
	uint32_t tag;          /* the receiving side's tag */
};

struct state {
	GHashTable *by_key; /* struct side_key * (owned) -> struct mpf_node * */
	/* half nodes waiting for the tag of one side: (its port << 16 |
	 * the other side's port) -> GQueue, the most recent first */
	GHashTable *half;
	uint64_t half_dropped; /* halves that stopped waiting (queue full) */
	uint64_t half_steps;   /* halves looked at to match packets (tests) */
	/* shard mode (partial.c): packets with a wrong CRC that matched no
	 * association here, which one of an earlier part may own */
	struct mpf_residues residues;
};

static inline struct assoc *
assoc_of(const struct mpf_node *n)
{
	return n->priv;
}

static inline struct path *
path_of(const struct mpf_flow *f)
{
	return f->priv;
}

/* --------------------------------------------------- across files */

/* Functions one file of the backend calls in another, by the file that
 * defines them (each documented there). */

/* crc32c.c */
void mpf__sctp_crc32c_init(void);
uint32_t mpf__sctp_adler32(const uint8_t *p, size_t len);

/* chunk.c */
bool mpf__sctp_addr_param(uint16_t type, const uint8_t *v, uint32_t cap,
			  uint32_t len, struct mpf_addr *a);

/* assoc.c */
void mpf__sctp_file_key(struct state *st, struct mpf_node *n, int side);
struct mpf_node *mpf__sctp_find_key(struct state *st, uint16_t rport,
				    uint16_t sport, uint32_t tag);
GQueue *mpf__sctp_half_waiting(struct state *st, uint16_t rport,
				uint16_t sport);
void mpf__sctp_half_add(struct state *st, struct mpf_node *n);
void mpf__sctp_half_remove(struct state *st, struct mpf_node *n);
struct saddr *mpf__sctp_addr_find(struct assoc *a, int side,
				  const struct mpf_addr *addr);
struct saddr *mpf__sctp_addr_note(struct assoc *a, int side,
				  const struct mpf_addr *addr, unsigned origin,
				  uint32_t frame);
bool mpf__sctp_announced_known(const struct assoc *a, int side);
bool mpf__sctp_is_announced(const struct saddr *x);
struct mpf_node *mpf__sctp_assoc_new(struct mpf_ctx *ctx,
				     const struct mpf_pkt *pkt, uint16_t cport,
				     uint16_t sport);
struct mpf_flow *mpf__sctp_path_get(struct mpf_ctx *ctx, struct mpf_node *n,
				    const struct mpf_pkt *pkt, uint16_t sport,
				    uint16_t dport, bool may_create, int *dir);
bool mpf__sctp_tsn_seen(struct tsnwin *w, uint32_t tsn);

/* partial.c */
void mpf__sctp_residue_note(struct state *st, const struct mpf_pkt *pkt,
			    uint16_t sport, uint16_t dport, uint32_t vtag,
			    bool t_bit);
void mpf__sctp_partial_fini(struct state *st);
extern const char mpf__sctp_flow_type[], mpf__sctp_node_type[],
	mpf__sctp_state_type[];
GVariant *mpf__sctp_flow_export(const struct mpf_flow *flow);
int mpf__sctp_flow_import(struct mpf_flow *flow, GVariant *v);
GVariant *mpf__sctp_node_export(const struct mpf_node *node);
int mpf__sctp_node_import(struct mpf_ctx *ctx, void *state,
			  struct mpf_node *node, GVariant *v);
GVariant *mpf__sctp_state_export(const struct mpf_ctx *ctx, const void *state);
int mpf__sctp_state_import(struct mpf_ctx *ctx, void *state, GVariant *v);
void mpf__sctp_partial_residue(struct mpf_ctx *into, void *state,
			       const void *residue);
bool mpf__sctp_partial_join(struct mpf_ctx *into, void *state,
			    struct mpf_ctx *later, struct mpf_node *node);
void mpf__sctp_partial_adopted(struct mpf_ctx *into, void *state,
			       struct mpf_node *node,
			       const uint32_t *old_flow_ids);

/* ingest.c */
void mpf__sctp_collision_merge(struct mpf_ctx *ctx, struct state *st,
			       struct mpf_node *keep, struct mpf_node *gone,
			       int side);
int mpf__sctp_ingest(struct mpf_ctx *ctx, void *state,
		     const struct mpf_pkt *pkt, struct mpf_frame *rec);

#endif /* MPF_BACKEND_SCTP_INT_H */
