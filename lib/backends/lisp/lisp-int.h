/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: LISP: EID prefixes and the locators that carry them (the
 * backend's private header)
 *
 * specification: RFC 9300 (LISP data plane), RFC 9301 (control plane),
 * RFC 8060 (LCAF), RFC 9302 (locator/ID separation, RLOC probing)
 *
 * A node is a site: an (instance id, EID prefix) that a Map-Register,
 * Map-Notify or Map-Reply record carried. Its locator set follows every
 * such record, frame by frame. Encapsulated data (UDP 4341) is tied, by
 * longest-prefix match on its inner source EID in its instance, to the
 * site whose mapping was known at that frame; the pair of outer addresses
 * (the site's RLOC, the remote RLOC) is a flow of that site.
 *
 *  Map-Register  +-------+-+-+-+--------------+-+-+-+-+-+--------------+
 *  (RFC 9301)    |Type=3 |P|S|I|   Reserved   |E|T|a|R|M| Record Count |
 *                +-------+-+-+-+--------------+-+-+-+-+-+--------------+
 *                |  Nonce (64)  | Key ID | Alg | Auth length | Auth... |
 *                +---------------------------------------------------- +
 *  record        | TTL | Loc count | EID mask-len | ACT|A| Map-Version  |
 *                | EID-prefix AFI | EID-prefix | locators...           |
 *  locator       | Priority | Weight | M Priority | M Weight | ..L|p|R |
 *                | Locator AFI | Locator                               |
 *
 * One file per concern, each saying what it owns: msg.c (the message
 * reader, exposed to the unit tests and fuzzers), site.c (lifecycle, the
 * prefix trie, sites and their locators, streaming hooks, the backend
 * table), ingest.c (the per-packet entry: control messages, encapsulated
 * data, LISP over TCP) and api.c (public getters). This header holds what
 * they share: the site state and the functions one file calls in another
 * (mpf__*, hidden like every internal symbol); lisp.h, which it includes,
 * the reader the tests also use.
 */
#ifndef MPF_BACKEND_LISP_INT_H
#define MPF_BACKEND_LISP_INT_H

#include "backends/lisp/lisp.h"

/* ------------------------------------------------------------- state */

/* A node of the prefix trie: one bit per level. */
struct tnode {
	struct tnode *child[2];
	struct mpf_node *site;
};

struct loc {
	struct mpf_lisp_locator pub; /* the public view, kept current */
	bool in_latest;              /* listed by the latest record */
	bool seen;                   /* marked while a record is read */
};

/* Node data: one site. */
struct site {
	uint32_t iid;
	struct mpf_addr prefix;
	uint8_t len;
	GArray *locs;    /* struct loc */
	GArray *changes; /* struct mpf_lisp_change */
	struct mpf_lisp_stats st;
	GHashTable *flows; /* struct mpf_tuple * -> struct mpf_flow * */
	bool had_record;
};

/* Flow data: one (site RLOC, remote RLOC) pair. */
struct pair {
	struct mpf_tuple key; /* a = the site's RLOC, b = the remote one */
};

struct unmapped {
	struct mpf_lisp_unmapped pub;
};

struct site_key {
	uint32_t iid;
	uint8_t len;
	struct mpf_addr prefix;
};

struct state {
	GHashTable *sites;   /* struct site_key * (owned) -> struct mpf_node * */
	GHashTable *tries;   /* (iid << 1 | v6) -> struct tnode * (root) */
	/* request nonce -> frame (GUINT), in two generations: the young one
	 * takes new requests; when it is full or a minute old it becomes
	 * the old one, and the old one goes. A reply finds its request for
	 * at least that long, and the tables stay bounded. */
	GHashTable *nonces, *nonces_old;
	int64_t nonces_since;
	GHashTable *unmapped_idx; /* "iid/addr" -> index in unmapped */
	GArray *unmapped;    /* struct mpf_lisp_unmapped */
	/* shard mode (partial.c): what could be mapped to no site here, that
	 * a site of an earlier part may own: data by inner source (and outer
	 * addresses), data by inner destination, Map-Requests by EID; the
	 * first EID of the Map-Request being read; the (iid, EID)s a merge
	 * mapped */
	bool shard;
	struct mpf_residues residues;
	bool req_set;
	uint32_t req_iid;
	struct mpf_addr req_eid;
	GHashTable *mapped;
};

#define MAX_LOCATORS 64  /* per site: a hostile record lists no more */
#define MAX_CHANGES 1024 /* per site */
#define MAX_UNMAPPED 256 /* distinct unmapped EIDs reported */
#define MAX_NONCES 65536 /* requests remembered for their replies */

static inline struct site *
site_of(const struct mpf_node *n)
{
	return n->priv;
}

/* What reading one record needs. */
struct rec_ctx {
	struct mpf_node *site;
	struct mpf_frame *rec;
	bool first_record;
};

/* --------------------------------------------------- across files */

/* Functions one file of the backend calls in another, by the file that
 * defines them (each documented there). */

/* site.c */
struct mpf_node *mpf__lisp_trie_lookup(struct state *st, uint32_t iid,
				       const struct mpf_addr *addr);
void mpf__lisp_mask_prefix(struct mpf_addr *a, unsigned len);
struct mpf_node *mpf__lisp_site_get(struct mpf_ctx *ctx, struct state *st,
				    const struct mpf_pkt *pkt, uint32_t iid,
				    const struct mpf_addr *eid, uint8_t len);
struct loc *mpf__lisp_loc_find(struct site *s, const struct mpf_addr *rloc);
void mpf__lisp_on_locator(const struct mpf_lisp_wire_loc *l, void *user);
void mpf__lisp_record_done(struct mpf_node *site,
			   const struct mpf_lisp_record *r,
			   struct mpf_frame *rec);

bool mpf__lisp_site_file(struct state *st, struct mpf_node *site);
void mpf__lisp_count(const void *state, guint *roots, guint *sites);
struct mpf_node *mpf__lisp_site_find(struct state *st,
				     const struct mpf_node *like);

/* partial.c */
enum {
	MPF_LISP_RES_DATA = 0,    /* data whose inner source had no site */
	MPF_LISP_RES_TO_SITE = 1, /* data whose inner destination had none */
	MPF_LISP_RES_REQUEST = 2, /* Map-Request records of no site's EID */
};
void mpf__lisp_residue_note(struct state *st, int kind, uint32_t iid,
			    const struct mpf_addr *eid,
			    const struct mpf_pkt *pkt);
void mpf__lisp_partial_fini(struct state *st);
extern const char mpf__lisp_flow_type[], mpf__lisp_node_type[],
	mpf__lisp_state_type[];
int mpf__lisp_flow_import(struct mpf_flow *flow, GVariant *v);
GVariant *mpf__lisp_node_export(const struct mpf_node *node);
int mpf__lisp_node_import(struct mpf_ctx *ctx, void *state,
			  struct mpf_node *node, GVariant *v);
GVariant *mpf__lisp_state_export(const struct mpf_ctx *ctx, const void *state);
int mpf__lisp_state_import(struct mpf_ctx *ctx, void *state, GVariant *v);
void mpf__lisp_partial_residue(struct mpf_ctx *into, void *state,
			       const void *residue);
bool mpf__lisp_partial_join(struct mpf_ctx *into, void *state,
			    struct mpf_ctx *later, struct mpf_node *node);
void mpf__lisp_partial_adopted(struct mpf_ctx *into, void *state,
			       struct mpf_node *node,
			       const uint32_t *old_flow_ids);
void mpf__lisp_partial_done(struct mpf_ctx *into, void *state,
			    struct mpf_ctx *later, void *later_state);

/* ingest.c */
void mpf__lisp_unmapped_add(struct state *st, uint32_t iid,
			    const struct mpf_addr *eid, uint64_t packets,
			    uint32_t frame);
struct mpf_flow *mpf__lisp_pair_get(struct mpf_ctx *ctx, struct mpf_node *site,
				    const struct mpf_addr *src,
				    const struct mpf_addr *dst);
int mpf__lisp_ingest(struct mpf_ctx *ctx, void *state,
		     const struct mpf_pkt *pkt, struct mpf_frame *rec);

#endif /* MPF_BACKEND_LISP_INT_H */
