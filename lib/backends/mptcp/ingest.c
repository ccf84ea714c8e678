/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: Multipath TCP: options, association of subflows, data sequence
 * numbers
 *
 * specification: RFC 6824 (MPTCP v0), RFC 8684 (MPTCP v1)
 *
 * A node is one MPTCP connection, a flow one TCP subflow. Vocabulary
 * follows the Linux kernel (net/mptcp): key, token, idsn; a DSS mapping
 * maps subflow sequence numbers [map_ssn, map_ssn + data_len) to data
 * sequence numbers from map_dsn.
 *
 * Per packet: parse the MPTCP options (all of them, bounds-checked), find
 * the subflow by its 4-tuple (hash), or create it (MP_CAPABLE opens a
 * connection, MP_JOIN joins one by token, any other MPTCP option on an
 * unknown 4-tuple opens a connection whose handshake was not captured),
 * then apply the options and give a segment with payload the DSN of its
 * first byte through the mapping that covers it.
 *
 *  MP_CAPABLE  +-------+-------+-------+---------+--------------------+
 *  (RFC 8684)  | kind  | len   |sub|ver| A..H    | keys, data-level   |
 *              |  30   | 4..24 | 0 |   | flags   | length, checksum   |
 *              +-------+-------+-------+---------+--------------------+
 */
#include <string.h>

#include "backends/mptcp/mptcp.h"
#include "mpf-cursor.h"

/* ------------------------------------------------------------ parsing */

static const char *const subtype_names[] = {
	"MP_CAPABLE", "MP_JOIN", "DSS", "ADD_ADDR", "REMOVE_ADDR",
	"MP_PRIO", "MP_FAIL", "MP_FASTCLOSE", "MP_TCPRST",
};

const char *
mpf_mptcp_subtype_to_string(unsigned subtype)
{
	if (subtype < G_N_ELEMENTS(subtype_names))
		return subtype_names[subtype];
	return "unknown";
}

static int
parse_capable(struct mpf_cursor *c, uint8_t b2, struct mpf_mptcp_opt *o)
{
	o->u.mpc.version = b2 & 0x0f;
	o->u.mpc.flags = mpf_get_u8(c);
	switch (o->len) {
	case 4: /* v1 SYN */
		break;
	case 12: /* sender's key */
	case 20: /* both keys */
	case 22: /* both keys, data-level length (v1) */
	case 24: /* both keys, data-level length, checksum (v1) */
		o->u.mpc.nkeys = o->len == 12 ? 1 : 2;
		o->u.mpc.snd_key = mpf_get_be64(c);
		if (o->len >= 20)
			o->u.mpc.rcv_key = mpf_get_be64(c);
		if (o->len >= 22) {
			o->u.mpc.has_data_len = true;
			o->u.mpc.data_len = mpf_get_be16(c);
		}
		if (o->len == 24) {
			o->u.mpc.has_csum = true;
			o->u.mpc.csum = mpf_get_be16(c);
		}
		break;
	default:
		return MPF_ERR_MALFORMED;
	}
	return MPF_OK;
}

static int
parse_join(struct mpf_cursor *c, uint8_t b2, struct mpf_mptcp_opt *o)
{
	o->u.join.backup = (b2 & 0x01) != 0;
	o->u.join.addr_id = mpf_get_u8(c);
	switch (o->len) {
	case 12:
		o->u.join.kind = MPJ_SYN;
		o->u.join.token = mpf_get_be32(c);
		o->u.join.nonce = mpf_get_be32(c);
		break;
	case 16:
		o->u.join.kind = MPJ_SYNACK;
		o->u.join.trunc_hmac = mpf_get_be64(c);
		o->u.join.nonce = mpf_get_be32(c);
		break;
	case 24:
		o->u.join.kind = MPJ_ACK;
		o->u.join.backup = false;
		o->u.join.addr_id = 0; /* reserved in the third ACK */
		mpf_get_bytes(c, o->u.join.hmac, sizeof(o->u.join.hmac));
		break;
	default:
		return MPF_ERR_MALFORMED;
	}
	return MPF_OK;
}

static int
parse_dss(struct mpf_cursor *c, struct mpf_mptcp_opt *o)
{
	uint8_t f;
	size_t want = 4;

	if (o->cap < 4) {
		/* the flags were not captured: reject only the lengths that
		 * no flags allow (4, 8, 12 and 14 to 28 in steps of 2 do) */
		if (o->len > 28 || o->len % 2 || o->len == 6 || o->len == 10)
			return MPF_ERR_MALFORMED;
		return MPF_OK;
	}
	f = mpf_get_u8(c);

	o->u.dss.flags = f;
	o->u.dss.fin = (f & DSS_FLAG_F) != 0;
	o->u.dss.has_ack = (f & DSS_FLAG_A) != 0;
	o->u.dss.ack64 = o->u.dss.has_ack && (f & DSS_FLAG_a);
	o->u.dss.has_map = (f & DSS_FLAG_M) != 0;
	o->u.dss.dsn64 = o->u.dss.has_map && (f & DSS_FLAG_m);
	if (o->u.dss.has_ack)
		want += o->u.dss.ack64 ? 8 : 4;
	if (o->u.dss.has_map)
		want += (o->u.dss.dsn64 ? 8 : 4) + 4 + 2;
	if (o->u.dss.has_map && o->len == want + 2)
		o->u.dss.has_csum = true;
	else if (o->len != want)
		return MPF_ERR_MALFORMED;
	if (o->u.dss.has_ack)
		o->u.dss.ack = o->u.dss.ack64 ? mpf_get_be64(c) : mpf_get_be32(c);
	if (o->u.dss.has_map) {
		o->u.dss.dsn = o->u.dss.dsn64 ? mpf_get_be64(c) : mpf_get_be32(c);
		o->u.dss.ssn = mpf_get_be32(c);
		o->u.dss.data_len = mpf_get_be16(c);
		if (o->u.dss.has_csum)
			o->u.dss.csum = mpf_get_be16(c);
	}
	return MPF_OK;
}

/*
 * ADD_ADDR: version 0 (RFC 6824) has an IPVer nibble of 4 or 6; version 1
 * (RFC 8684) has reserved bits and the E (echo) flag there, an address
 * family given by the length, and an HMAC unless it is an echo.
 */
static int
parse_add_addr(struct mpf_cursor *c, uint8_t b2, struct mpf_mptcp_opt *o)
{
	uint8_t nib = b2 & 0x0f;
	size_t alen;
	unsigned rest;

	o->u.add_addr.addr_id = mpf_get_u8(c);
	if (nib == 4 || nib == 6) {
		alen = nib == 4 ? 4 : 16;
		if (o->len != 4 + alen && o->len != 6 + alen)
			return MPF_ERR_MALFORMED;
		o->u.add_addr.version = 0;
		o->u.add_addr.has_port = o->len == 6 + alen;
	} else if ((nib & 0x0e) == 0) {
		o->u.add_addr.version = 1;
		o->u.add_addr.echo = (nib & 0x01) != 0;
		switch (o->len) {
		case 8: alen = 4, rest = 0; break;
		case 10: alen = 4, rest = 2; break;
		case 16: alen = 4, rest = 8; break;
		case 18: alen = 4, rest = 10; break;
		case 20: alen = 16, rest = 0; break;
		case 22: alen = 16, rest = 2; break;
		case 28: alen = 16, rest = 8; break;
		case 30: alen = 16, rest = 10; break;
		default: return MPF_ERR_MALFORMED;
		}
		o->u.add_addr.has_port = rest == 2 || rest == 10;
		o->u.add_addr.has_hmac = rest >= 8;
	} else {
		return MPF_ERR_MALFORMED;
	}
	o->u.add_addr.addr.family = alen == 4 ? 4 : 6;
	mpf_get_bytes(c, o->u.add_addr.addr.bytes, alen);
	if (o->u.add_addr.has_port)
		o->u.add_addr.port = mpf_get_be16(c);
	if (o->u.add_addr.has_hmac)
		o->u.add_addr.hmac = mpf_get_be64(c);
	return MPF_OK;
}

int
mpf__mptcp_opt_parse(const uint8_t *p, size_t captured, size_t declared,
		     struct mpf_mptcp_opt *o)
{
	struct mpf_cursor c;
	uint8_t b2;
	int st = MPF_OK;

	memset(o, 0, sizeof(*o));
	o->subtype = 0xff;
	if (!p && captured > 0)
		return MPF_ERR_INVALID;
	if (declared < 2)
		return MPF_ERR_MALFORMED; /* no room for a length byte */
	if (captured < 2)
		return MPF_ERR_TRUNCATED;
	if (p[0] != MPTCP_OPT_KIND)
		return MPF_ERR_INVALID;
	o->len = p[1];
	if (o->len > declared || o->len < 3)
		return MPF_ERR_MALFORMED;
	if (captured < 3)
		return MPF_ERR_TRUNCATED;
	/* read what was captured: fields past the cut read as zero, and
	 * o->cap tells the caller which ones are real */
	o->cap = (uint8_t)(captured < o->len ? captured : o->len);
	mpf_cursor_init(&c, p, o->cap);
	mpf_cursor_skip(&c, 2);
	b2 = mpf_get_u8(&c);
	o->subtype = b2 >> 4;

	switch (o->subtype) {
	case MPF_MPTCP_SUB_CAPABLE:
		st = o->len >= 4 ? parse_capable(&c, b2, o) : MPF_ERR_MALFORMED;
		break;
	case MPF_MPTCP_SUB_JOIN:
		st = o->len >= 12 ? parse_join(&c, b2, o) : MPF_ERR_MALFORMED;
		break;
	case MPF_MPTCP_SUB_DSS:
		st = o->len >= 4 ? parse_dss(&c, o) : MPF_ERR_MALFORMED;
		break;
	case MPF_MPTCP_SUB_ADD_ADDR:
		st = o->len >= 8 ? parse_add_addr(&c, b2, o) : MPF_ERR_MALFORMED;
		break;
	case MPF_MPTCP_SUB_REMOVE_ADDR:
		if (o->len < 4 || o->len > 3 + sizeof(o->u.rm_addr.ids))
			return MPF_ERR_MALFORMED;
		o->u.rm_addr.count = (uint8_t)(o->cap - 3);
		mpf_get_bytes(&c, o->u.rm_addr.ids, o->u.rm_addr.count);
		break;
	case MPF_MPTCP_SUB_PRIO:
		if (o->len != 3 && o->len != 4)
			return MPF_ERR_MALFORMED;
		o->u.prio.backup = (b2 & 0x01) != 0;
		o->u.prio.has_id = o->len == 4;
		if (o->u.prio.has_id)
			o->u.prio.addr_id = mpf_get_u8(&c);
		break;
	case MPF_MPTCP_SUB_FAIL:
		if (o->len != 12)
			return MPF_ERR_MALFORMED;
		mpf_cursor_skip(&c, 1);
		o->u.fail.dsn = mpf_get_be64(&c);
		break;
	case MPF_MPTCP_SUB_FASTCLOSE:
		if (o->len != 12)
			return MPF_ERR_MALFORMED;
		mpf_cursor_skip(&c, 1);
		o->u.fastclose.key = mpf_get_be64(&c);
		break;
	case MPF_MPTCP_SUB_TCPRST:
		if (o->len != 4)
			return MPF_ERR_MALFORMED;
		o->u.tcprst.flags = b2 & 0x0f;
		o->u.tcprst.reason = mpf_get_u8(&c);
		break;
	default: /* unassigned or experimental (0xf): nothing to read */
		break;
	}
	if (st == MPF_OK && o->cap < o->len)
		st = MPF_ERR_TRUNCATED; /* a valid length, cut by the capture */
	return st;
}

/* ------------------------------------------------------------- state */

/* One end of a connection, and the data it sends. */
struct side {
	bool has_key, has_token, has_idsn;
	uint64_t key, idsn;
	uint32_t token;
	/* base of relative DSNs: the IDSN, or a guess from the first value
	 * seen when the key was not captured */
	bool base_known, base_guessed;
	uint64_t base;
	/* the DSN range this side sent, for 32-bit widening and inference */
	bool dsn_seen;
	bool dsn_wide;     /* values are real 64-bit ones (key or 8-byte DSN) */
	uint64_t dsn_lo, dsn_max;
	bool dack_seen;
	uint64_t dack_max; /* highest data ack this side sent */
	/* data this side sent: [start, end) DSN intervals by start, each with
	 * the frame and flow that first carried it, from index sent_head */
	GArray *sent;
	guint sent_head;
	guint acked_hint; /* the last first-unacked index found (a hint) */
	bool sent_any;
	uint64_t sent_max; /* highest DSN end sent */
	struct mpf_mptcp_stats st; /* relative fields filled when read */
	uint64_t data_fin_raw;
	/* DSN index buckets registered (see index_side) */
	bool wide_indexed, narrow_indexed;
	uint64_t wide_lo, wide_hi;
	uint32_t narrow_lo, narrow_hi;
	uint16_t probes; /* inference lookups made for this side */
};

struct announced {
	uint8_t side, addr_id;
	bool has_port, conflict;
	uint16_t port;
	uint8_t hmac; /* enum mpf_mptcp_hmac */
	struct mpf_addr addr;
	uint32_t frame, echo_frame, removed_frame;
};

/*
 * A data-level match between a node seen without its handshake (the
 * prober) and a side of another node (the owner of a DSN range). Pending
 * ones sit with the owner until enough agree; then the nodes merge and the
 * matches become the survivor's evidence.
 */
struct evidence {
	uint8_t kind, wide;
	int8_t owner_side, prober_side; /* the DSN space, in each node */
	uint32_t frame;
	uint32_t prober;   /* pending: the probing node's id */
	uint32_t absorbed; /* final: the node merged in */
	int8_t keep_side;  /* final: the survivor's side of the space */
	uint64_t raw;
};

/* Node data: one MPTCP connection. */
struct conn {
	int version; /* -1 until an MP_CAPABLE says */
	bool checksum;
	bool mpc_syn;    /* the first SYN carried MP_CAPABLE */
	bool mpc_synack; /* the SYN/ACK did */
	bool third_ack_checked;
	bool fallback;
	uint32_t fallback_frame;
	bool orphan; /* opened by an MP_JOIN whose token nobody had */
	bool inferred;
	struct mpf_mptcp_checks checks;
	struct side side[2];
	GArray *announced; /* struct announced, created on first use */
	GArray *pending;   /* struct evidence: matches probing this node */
	GArray *evidence;  /* struct evidence: what made merges */
	/* for streaming: cheap answers to "established?" and "ended?" */
	bool settled;      /* some subflow was established */
	uint32_t resets;   /* subflows reset */
};

struct mapping {
	uint64_t ssn; /* 64-bit relative subflow sequence number */
	uint64_t dsn; /* 64-bit raw data sequence number */
	uint32_t len;
	uint32_t frame;
};

/* A DSS checksum being summed over the segments of its mapping. */
struct csum_acc {
	bool active, broken, fin;
	uint64_t ssn, dsn;    /* the mapping */
	uint16_t data_len, wire_csum;
	uint32_t need, got;   /* payload bytes: expected, summed */
	uint32_t sum;         /* ones' complement sum of the payload so far */
};

/* One way of a subflow. */
struct sdir {
	bool isn_known, isn_guessed;
	uint32_t isn;
	bool seq_seen;
	uint64_t seq_ref; /* highest 64-bit relative sequence number seen */
	GArray *maps;     /* struct mapping by ssn, from index head */
	guint head;
	struct csum_acc csum;
	struct mpf_mptcp_flow_stats st;
};

struct prio_change {
	uint32_t frame;
	bool backup;
};

/* Flow data: one TCP subflow. */
struct sub {
	struct mpf_tuple tuple; /* key in by_tuple while in_table */
	bool in_table;
	bool src_is_client;
	uint8_t role; /* enum mpf_mptcp_role */
	bool syn_seen, synack_seen, established, backup, join_rejected;
	uint8_t hmac; /* enum mpf_mptcp_hmac */
	int16_t addr_id[2]; /* per flow end (src, dst), -1 unknown */
	uint32_t nonce[2];
	bool has_nonce[2];
	int16_t rst_reason;
	uint32_t rst_frame, removed_frame;
	struct sdir dir[2]; /* per enum mpf_flow_dir */
	GArray *prio;       /* struct prio_change */
};

/* A DSN index entry: which side of which node sent DSNs in a bucket. */
struct dsn_owner {
	struct mpf_node *node;
	int side;
};

struct state {
	GHashTable *by_tuple; /* struct mpf_tuple * -> struct mpf_flow * */
	struct mpf_flow *last; /* the flow of the previous packet: segments
				* come in bursts, so it saves most lookups */
	GHashTable *by_token; /* token -> struct mpf_node * */
	/* for association without the handshake: DSN bucket -> GArray of
	 * struct dsn_owner; wide (64-bit) and narrow (low 32 bits) */
	GHashTable *dsn_wide, *dsn_narrow;
};

/* Limits that keep hostile traffic from growing the state. */
#define MAX_ORPHAN_FLOWS 1024 /* join flows kept per orphan node */
#define MAX_PROBES 256        /* inference lookups per side */
#define SENT_KEEP_ACKED 4096  /* acked DSN intervals kept for reinjections */
#define WIDE_BUCKET_SHIFT 24  /* 16 MiB buckets of 64-bit DSNs */
#define NARROW_BUCKET_SHIFT 20
#define WIDE_WINDOW ((uint64_t)1 << 24)   /* evidence: this close to a range */
#define NARROW_WINDOW ((uint64_t)1 << 16)
#define WIDE_EVIDENCE 2   /* matches needed with 64-bit values */
#define NARROW_EVIDENCE 4 /* with 32-bit values, and a shared endpoint */

static inline struct conn *
conn_of(const struct mpf_node *n)
{
	return n->priv;
}

static inline struct sub *
sub_of(const struct mpf_flow *f)
{
	return f->priv;
}

/* The connection side (enum mpf_side) that sends in flow direction @d. */
static inline int
side_of(const struct sub *s, int d)
{
	return (d == MPF_FLOW_FORWARD) == s->src_is_client ? MPF_SIDE_CLIENT
							   : MPF_SIDE_SERVER;
}

static void
owners_free(gpointer p)
{
	g_array_free(p, TRUE);
}

static void
mptcp_init(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	mpf__crypto_init();
	s->by_tuple = g_hash_table_new(mpf__tuple_hash, mpf__tuple_equal);
	s->by_token = g_hash_table_new(g_direct_hash, g_direct_equal);
	s->dsn_wide = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
					    owners_free);
	s->dsn_narrow = g_hash_table_new_full(g_int64_hash, g_int64_equal,
					      g_free, owners_free);
}

static void
mptcp_fini(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	g_hash_table_destroy(s->by_tuple);
	g_hash_table_destroy(s->by_token);
	g_hash_table_destroy(s->dsn_wide);
	g_hash_table_destroy(s->dsn_narrow);
}

static void
mptcp_node_fini(struct mpf_node *n)
{
	struct conn *c = conn_of(n);
	int i;

	if (c->announced)
		g_array_free(c->announced, TRUE);
	if (c->evidence)
		g_array_free(c->evidence, TRUE);
	if (c->pending)
		g_array_free(c->pending, TRUE);
	for (i = 0; i < 2; i++)
		if (c->side[i].sent)
			g_array_free(c->side[i].sent, TRUE);
}

static void
mptcp_flow_fini(struct mpf_flow *f)
{
	struct sub *s = sub_of(f);
	int d;

	for (d = 0; d < 2; d++)
		if (s->dir[d].maps)
			g_array_free(s->dir[d].maps, TRUE);
	if (s->prio)
		g_array_free(s->prio, TRUE);
}

static bool
mptcp_claims(const struct mpf_pkt *pkt)
{
	return pkt->has_tcp;
}

/* ------------------------------------------------------------- keys */

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
	if (other && other != node)
		mpf_log(ctx, MPF_LOG_WARNING,
			"token %08x of node %u already belonged to node %u: "
			"later joins go to the newer connection",
			s->token, node->id, other->id);
	g_hash_table_replace(st->by_token, GUINT_TO_POINTER(s->token), node);
}

static void
set_key(struct mpf_ctx *ctx, struct state *st, struct mpf_node *node,
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
	derive_side(ctx, st, node, side);
}

static void
set_version(struct mpf_ctx *ctx, struct state *st, struct mpf_node *node,
	    int version)
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

/* --------------------------------------------------------- sequences */

/* The base of @s's relative DSNs, guessed from @value if unknown. */
static uint64_t
side_base(struct side *s, uint64_t value)
{
	if (!s->base_known) {
		s->base = value - 1;
		s->base_known = true;
		s->base_guessed = true;
	}
	return s->base;
}

static void
side_saw_dsn(struct side *s, uint64_t dsn, bool wide)
{
	if (!s->dsn_seen) {
		s->dsn_lo = s->dsn_max = dsn;
	} else {
		if ((int64_t)(dsn - s->dsn_max) > 0)
			s->dsn_max = dsn;
		if ((int64_t)(dsn - s->dsn_lo) < 0)
			s->dsn_lo = dsn;
	}
	s->dsn_seen = true;
	if (wide || s->has_idsn)
		s->dsn_wide = true;
}

/* The 64-bit relative subflow sequence number of @seq, or false. */
static bool
rel_seq(struct sdir *d, uint32_t seq, uint64_t *out)
{
	uint64_t r;

	if (!d->isn_known)
		return false;
	r = mpf__seq_expand32(seq - d->isn, d->seq_ref);
	if (!d->seq_seen || (int64_t)(r - d->seq_ref) > 0)
		d->seq_ref = r;
	d->seq_seen = true;
	*out = r;
	return true;
}

static void
map_add(struct sdir *d, const struct mapping *m)
{
	struct mapping *v;
	guint lo, hi, n;

	if (!d->maps)
		d->maps = g_array_new(FALSE, FALSE, sizeof(struct mapping));
	n = d->maps->len;
	v = (struct mapping *)(void *)d->maps->data;
	if (n == d->head || v[n - 1].ssn < m->ssn) {
		g_array_append_val(d->maps, *m);
		return;
	}
	lo = d->head;
	hi = n;
	while (lo < hi) { /* first mapping with ssn >= m->ssn */
		guint mid = lo + (hi - lo) / 2;

		if (v[mid].ssn < m->ssn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && v[lo].ssn == m->ssn) {
		/* a retransmitted mapping keeps the frame that first sent
		 * it; a different one (a remap) replaces it */
		if (v[lo].dsn != m->dsn || v[lo].len != m->len)
			v[lo] = *m;
		return;
	}
	g_array_insert_val(d->maps, lo, *m);
}

/* The mapping that covers relative sequence number @ssn, or NULL. */
static const struct mapping *
map_find(const struct sdir *d, uint64_t ssn)
{
	const struct mapping *v;
	guint lo, hi, i, tries;

	if (!d->maps || d->maps->len == d->head)
		return NULL;
	v = (const struct mapping *)(const void *)d->maps->data;
	lo = d->head;
	hi = d->maps->len;
	while (lo < hi) { /* first mapping with ssn > @ssn */
		guint mid = lo + (hi - lo) / 2;

		if (v[mid].ssn <= ssn)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the nearest mapping below usually covers it; overlapping remaps
	 * may leave a longer one a little further back */
	for (i = lo, tries = 0; i > d->head && tries < 4; i--, tries++)
		if (ssn - v[i - 1].ssn < v[i - 1].len)
			return &v[i - 1];
	return NULL;
}

/* Drops mappings wholly below @acked: the receiver has them, so no
 * segment will need them again. The newest mapping always stays. */
static void
map_prune(struct sdir *d, uint64_t acked)
{
	const struct mapping *v;
	guint n;

	if (!d->maps)
		return;
	v = (const struct mapping *)(const void *)d->maps->data;
	n = d->maps->len;
	while (d->head + 1 < n && v[d->head].ssn + v[d->head].len <= acked)
		d->head++;
	if (d->head >= 256 && d->head * 2 >= n) {
		g_array_remove_range(d->maps, 0, d->head);
		d->head = 0;
	}
}

/* ------------------------------------------------------ data level */

/* A DSN range first carried by one frame of one flow. */
struct sent {
	uint64_t start, end;
	uint64_t ssn; /* subflow sequence number of start */
	uint32_t frame, flow;
};

/*
 * Accounts the mapped payload [dsn, dsn + len) sent by @side on flow @f at
 * relative subflow sequence number @ssn: new data, a TCP retransmission
 * (same flow, same ssn), or a reinjection (another flow, or this one at
 * another ssn); out-of-order new data. Sets the frame's flags and links.
 */
static void
data_sent(struct mpf_ctx *ctx, struct mpf_flow *f, int d, int side,
	  uint64_t dsn, uint32_t len, uint64_t ssn, struct mpf_frame *rec)
{
	struct conn *c = conn_of(f->node);
	struct side *sd = &c->side[side];
	struct sdir *fd = &sub_of(f)->dir[d];
	uint64_t end = dsn + len, pos = dsn, reinj = 0, retr = 0;
	uint32_t first_cross = 0, first_same = 0, first_other;
	struct sent *v;
	guint lo, hi, i;

	if (!sd->sent)
		sd->sent = g_array_new(FALSE, FALSE, sizeof(struct sent));
	sd->st.data_bytes += len;
	sd->st.segments++;
	fd->st.data_bytes += len;
	v = (struct sent *)(void *)sd->sent->data;
	lo = sd->sent_head;
	hi = sd->sent->len;
	/* new data, the common case, starts past every interval */
	if (hi > lo && (int64_t)(v[hi - 1].end - dsn) <= 0)
		lo = hi;
	while (lo < hi) { /* the first interval that ends after dsn */
		guint mid = lo + (hi - lo) / 2;

		if ((int64_t)(v[mid].end - dsn) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* walk the overlapping intervals; what they do not cover is new */
	for (i = lo; i < sd->sent->len && (int64_t)(pos - end) < 0; i++) {
		struct sent *o = &((struct sent *)(void *)sd->sent->data)[i];
		uint64_t a, b;

		if ((int64_t)(o->start - end) >= 0)
			break;
		if ((int64_t)(o->start - pos) > 0) {
			struct sent n = { pos, o->start, ssn + (pos - dsn),
					  rec->number, f->id };

			g_array_insert_val(sd->sent, i, n);
			i++;
			o = &((struct sent *)(void *)sd->sent->data)[i];
		}
		a = (int64_t)(o->start - pos) > 0 ? o->start : pos;
		b = (int64_t)(o->end - end) < 0 ? o->end : end;
		if (o->flow == f->id && o->ssn + (a - o->start) == ssn + (a - dsn)) {
			retr += b - a;
		} else {
			reinj += b - a;
			/* name another subflow's frame first, as Wireshark */
			if (o->flow != f->id && !first_cross)
				first_cross = o->frame;
			else if (o->flow == f->id && !first_same)
				first_same = o->frame;
		}
		pos = b;
	}
	if ((int64_t)(pos - end) < 0) {
		struct sent n = { pos, end, ssn + (pos - dsn), rec->number, f->id };

		g_array_insert_val(sd->sent, i, n);
		if (sd->sent_any && (int64_t)(pos - sd->sent_max) < 0) {
			/* new data below data already seen */
			rec->bflags |= MPF_MPTCP_FRAME_OUT_OF_ORDER;
			sd->st.out_of_order++;
		}
		sd->st.unique_bytes += end - pos;
		fd->st.unique_bytes += end - pos;
		if (!sd->sent_any || (int64_t)(end - sd->sent_max) > 0)
			sd->sent_max = end;
		sd->sent_any = true;
	}
	first_other = first_cross ? first_cross : first_same;
	if (reinj) {
		struct mpf_frame *orig = mpf__frame_at(ctx, first_other);

		rec->bflags |= MPF_MPTCP_FRAME_REINJECTION;
		rec->ref[1] = first_other;
		if (orig && !orig->ref[2])
			orig->ref[2] = rec->number;
		sd->st.reinjected_bytes += reinj;
		sd->st.reinjections++;
		fd->st.reinjected_bytes += reinj;
	} else if (retr) {
		rec->bflags |= MPF_MPTCP_FRAME_RETRANSMISSION;
		sd->st.retransmitted_bytes += retr;
		sd->st.retransmissions++;
		fd->st.retransmitted_bytes += retr;
	}
}

/* Forgets data intervals that the receiver acknowledged long ago: acked
 * data is never sent again, but a few are kept for late duplicates. */
static void
sent_prune(struct side *sd, uint64_t acked)
{
	const struct sent *v;
	guint n, acked_head, hi, h, k;

	if (!sd->sent)
		return;
	v = (const struct sent *)(const void *)sd->sent->data;
	n = sd->sent->len;
	/* the first interval not wholly acked; intervals do not overlap, so
	 * their ends are sorted too. Acks mostly move a little forward: a
	 * few steps from the last answer, else a binary search (a walk from
	 * sent_head would redo the kept intervals at every ack). */
	h = CLAMP(sd->acked_hint, sd->sent_head, n);
	if (h > sd->sent_head && (int64_t)(v[h - 1].end - acked) > 0) {
		acked_head = sd->sent_head;
		hi = h - 1;
	} else {
		acked_head = h;
		for (k = 0; k < 8 && acked_head < n &&
			    (int64_t)(v[acked_head].end - acked) <= 0; k++)
			acked_head++;
		hi = k < 8 ? acked_head : n;
	}
	while (acked_head < hi) {
		guint mid = acked_head + (hi - acked_head) / 2;

		if ((int64_t)(v[mid].end - acked) <= 0)
			acked_head = mid + 1;
		else
			hi = mid;
	}
	sd->acked_hint = acked_head;
	if (acked_head - sd->sent_head > SENT_KEEP_ACKED)
		sd->sent_head = acked_head - SENT_KEEP_ACKED;
	if (sd->sent_head >= 4096 && sd->sent_head * 2 >= n) {
		sd->acked_hint -= sd->sent_head;
		g_array_remove_range(sd->sent, 0, sd->sent_head);
		sd->sent_head = 0;
	}
}

/* ---------------------------------------------------------- checksum */

/* Adds @n bytes at @p to a ones' complement sum, @odd saying whether an
 * odd number of bytes came before. */
static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n, bool odd)
{
	size_t i;

	for (i = 0; i < n; i++, odd = !odd)
		sum += odd ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t
mpf__mptcp_dss_checksum(uint64_t dsn, uint32_t ssn, uint16_t data_len,
			const uint8_t *payload, size_t n)
{
	uint8_t ph[16];
	uint32_t sum;
	int i;

	/* pseudo-header: 64-bit DSN, subflow sequence number, data-level
	 * length, a zero checksum (RFC 8684 3.3.1) */
	for (i = 0; i < 8; i++)
		ph[i] = (uint8_t)(dsn >> (56 - 8 * i));
	for (i = 0; i < 4; i++)
		ph[8 + i] = (uint8_t)(ssn >> (24 - 8 * i));
	ph[12] = (uint8_t)(data_len >> 8);
	ph[13] = (uint8_t)data_len;
	ph[14] = ph[15] = 0;
	sum = csum_add(0, ph, sizeof(ph), false);
	sum = csum_add(sum, payload, n, false);
	return (uint16_t)~sum;
}

/* Starts summing a mapping that carries a checksum. */
static void
csum_start(struct conn *c, struct sdir *fd, uint64_t ssn, uint64_t dsn,
	   uint16_t data_len, uint16_t wire, bool fin)
{
	struct csum_acc *a = &fd->csum;

	if (a->active && a->ssn == ssn && a->dsn == dsn)
		return; /* the same mapping repeated on its next segment */
	if (a->active)
		c->checks.csum_unverifiable++; /* it never completed */
	memset(a, 0, sizeof(*a));
	a->active = true;
	a->ssn = ssn;
	a->dsn = dsn;
	a->data_len = data_len;
	a->wire_csum = wire;
	a->fin = fin;
	/* the DATA_FIN counts in the length, not in the payload */
	a->need = fin && data_len ? data_len - 1u : data_len;
}

/* Adds a segment's payload (relative sequence number @r) to the sum, and
 * checks it when the mapping is complete. */
static void
csum_feed(struct conn *c, struct sdir *fd, uint64_t r,
	  const struct mpf_pkt *pkt, struct mpf_frame *rec)
{
	struct csum_acc *a = &fd->csum;
	uint64_t next;
	uint32_t off, take;

	if (!a->active)
		return;
	next = a->ssn + a->got;
	if (r > next) {
		a->broken = true; /* a gap: a segment was not captured */
		return;
	}
	if (r + pkt->payload_len <= next)
		return; /* all of it summed already: a retransmission */
	off = (uint32_t)(next - r);
	take = pkt->payload_len - off;
	if (take > a->need - a->got)
		take = a->need - a->got;
	if (pkt->payload_cap < off + take)
		a->broken = true; /* cut by the snapshot length */
	else
		a->sum = csum_add(a->sum, pkt->payload + off, take, a->got & 1);
	a->got += take;
	if (a->got < a->need)
		return;
	if (a->broken) {
		rec->bflags |= MPF_MPTCP_FRAME_CSUM_UNVERIFIABLE;
		c->checks.csum_unverifiable++;
	} else {
		uint16_t want = mpf__mptcp_dss_checksum(a->dsn, (uint32_t)a->ssn,
							a->data_len, NULL, 0);
		uint32_t sum = csum_add((uint16_t)~want, NULL, 0, false);

		/* fold the payload into the pseudo-header's sum */
		sum += a->sum;
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		if ((uint16_t)~sum == a->wire_csum) {
			rec->bflags |= MPF_MPTCP_FRAME_CSUM_OK;
			c->checks.csum_ok++;
		} else {
			rec->bflags |= MPF_MPTCP_FRAME_CSUM_BAD;
			c->checks.csum_bad++;
		}
	}
	a->active = false;
}

/* ------------------------------------------------------------- HMACs */

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * The MP_JOIN HMACs (RFC 8684 3.2): HMAC-B = HMAC(Key-B || Key-A,
 * R-B || R-A), its leftmost 64 bits in the SYN/ACK; HMAC-A = HMAC(Key-A ||
 * Key-B, R-A || R-B), its leftmost 160 bits in the third ACK. A is the side
 * that sent the SYN.
 */
static void
verify_join(struct mpf_node *node, struct mpf_flow *f, int d,
	    const struct mpf_mptcp_opt *o, struct mpf_frame *rec)
{
	struct conn *c = conn_of(node);
	struct sub *s = sub_of(f);
	int a_side = side_of(s, MPF_FLOW_FORWARD), b_side = 1 - a_side;
	const struct side *A = &c->side[a_side], *B = &c->side[b_side];
	uint8_t msg[8], mac[20];
	bool ok;

	if (!A->has_key || !B->has_key || c->version < 0 ||
	    !s->has_nonce[0] || !s->has_nonce[1]) {
		c->checks.join_hmac_unverified++;
		if (s->hmac == MPF_MPTCP_HMAC_NONE)
			s->hmac = MPF_MPTCP_HMAC_UNVERIFIED;
		return;
	}
	if (o->u.join.kind == MPJ_SYNACK && d == MPF_FLOW_REVERSE) {
		uint8_t want[8];
		int i;

		put32(msg, s->nonce[1]);
		put32(msg + 4, s->nonce[0]);
		mpf__mptcp_hmac(c->version, B->key, A->key, msg, 8, mac, 8);
		for (i = 0; i < 8; i++)
			want[i] = (uint8_t)(o->u.join.trunc_hmac >> (56 - 8 * i));
		ok = memcmp(mac, want, 8) == 0;
	} else if (o->u.join.kind == MPJ_ACK && d == MPF_FLOW_FORWARD) {
		put32(msg, s->nonce[0]);
		put32(msg + 4, s->nonce[1]);
		mpf__mptcp_hmac(c->version, A->key, B->key, msg, 8, mac, 20);
		ok = memcmp(mac, o->u.join.hmac, 20) == 0;
	} else {
		return;
	}
	if (ok) {
		rec->bflags |= MPF_MPTCP_FRAME_HMAC_OK;
		c->checks.join_hmac_ok++;
		if (s->hmac != MPF_MPTCP_HMAC_BAD)
			s->hmac = MPF_MPTCP_HMAC_OK;
	} else {
		rec->bflags |= MPF_MPTCP_FRAME_HMAC_BAD;
		c->checks.join_hmac_bad++;
		s->hmac = MPF_MPTCP_HMAC_BAD;
		s->established = false; /* a peer would refuse this join */
	}
}

/*
 * ADD_ADDR v1 (RFC 8684 3.4.1): the rightmost 64 bits of HMAC(Key-sender ||
 * Key-receiver, id || address || port, the port 0 when absent). Linux sent
 * the leftmost 64 bits before 2020, and port 0 even with a port: both are
 * reported as LEGACY, a known deviation rather than an attack.
 */
static uint8_t
verify_add_addr(const struct conn *c, int side, const struct mpf_mptcp_opt *o)
{
	const struct side *S = &c->side[side], *R = &c->side[1 - side];
	uint8_t msg[19], d[32], want[8];
	size_t n = 0, alen = o->u.add_addr.addr.family == 4 ? 4 : 16;
	int i, pass;

	if (o->u.add_addr.version == 0 || o->u.add_addr.echo ||
	    !o->u.add_addr.has_hmac)
		return MPF_MPTCP_HMAC_NONE;
	if (!S->has_key || !R->has_key)
		return MPF_MPTCP_HMAC_UNVERIFIED;
	for (i = 0; i < 8; i++)
		want[i] = (uint8_t)(o->u.add_addr.hmac >> (56 - 8 * i));
	msg[n++] = o->u.add_addr.addr_id;
	memcpy(msg + n, o->u.add_addr.addr.bytes, alen);
	n += alen;
	for (pass = 0; pass < 2; pass++) {
		uint16_t port = pass == 0 ? o->u.add_addr.port : 0;

		msg[n] = (uint8_t)(port >> 8);
		msg[n + 1] = (uint8_t)port;
		mpf__mptcp_hmac(1, S->key, R->key, msg, n + 2, d, sizeof(d));
		if (pass == 0 && memcmp(d + 24, want, 8) == 0)
			return MPF_MPTCP_HMAC_OK;
		if (memcmp(d, want, 8) == 0 || memcmp(d + 24, want, 8) == 0)
			return MPF_MPTCP_HMAC_LEGACY;
		if (!o->u.add_addr.has_port)
			break;
	}
	return MPF_MPTCP_HMAC_BAD;
}

/* -------------------------------------------- association, inferred */

static GArray *
bucket_owners(GHashTable *t, uint64_t bucket, bool create)
{
	GArray *a = g_hash_table_lookup(t, &bucket);

	if (!a && create) {
		uint64_t *k = g_new(uint64_t, 1);

		*k = bucket;
		a = g_array_new(FALSE, FALSE, sizeof(struct dsn_owner));
		g_hash_table_insert(t, k, a);
	}
	return a;
}

static void
owner_add(GHashTable *t, uint64_t bucket, struct mpf_node *node, int side)
{
	GArray *a = bucket_owners(t, bucket, true);
	struct dsn_owner o = { node, side };
	guint i;

	for (i = 0; i < a->len; i++) {
		struct dsn_owner *x = &g_array_index(a, struct dsn_owner, i);

		if (x->node == node && x->side == side)
			return;
	}
	g_array_append_val(a, o);
}

/*
 * Files @side's DSN range in the index, bucket by bucket as it grows, so
 * that a subflow seen without its handshake can find its connection by a
 * hash lookup. Wide buckets only for real 64-bit values.
 */
static void
index_side(struct state *st, struct mpf_node *node, int side)
{
	struct side *s = &conn_of(node)->side[side];
	uint64_t wlo, whi, b;
	uint32_t nlo, nhi, k;

	if (!s->dsn_seen)
		return;
	if (s->dsn_wide) {
		wlo = s->dsn_lo >> WIDE_BUCKET_SHIFT;
		whi = s->dsn_max >> WIDE_BUCKET_SHIFT;
		if (!s->wide_indexed) {
			s->wide_lo = s->wide_hi = wlo;
			owner_add(st->dsn_wide, wlo, node, side);
			s->wide_indexed = true;
		}
		for (b = s->wide_lo - 1; wlo < s->wide_lo && b >= wlo &&
					 s->wide_lo - b <= 64; b--)
			owner_add(st->dsn_wide, b, node, side);
		for (b = s->wide_hi + 1; whi > s->wide_hi && b <= whi &&
					 b - s->wide_hi <= 64; b++)
			owner_add(st->dsn_wide, b, node, side);
		s->wide_lo = MIN(s->wide_lo, wlo);
		s->wide_hi = MAX(s->wide_hi, whi);
	}
	/* narrow buckets wrap with the 32-bit space: 4096 of 1 MiB */
	nlo = (uint32_t)s->dsn_lo >> NARROW_BUCKET_SHIFT;
	nhi = (uint32_t)s->dsn_max >> NARROW_BUCKET_SHIFT;
	if (!s->narrow_indexed) {
		s->narrow_lo = s->narrow_hi = nlo;
		owner_add(st->dsn_narrow, nlo, node, side);
		s->narrow_indexed = true;
	}
	for (k = 0; nhi != s->narrow_hi && k < 64; k++) {
		s->narrow_hi = (s->narrow_hi + 1) & 0xfff;
		owner_add(st->dsn_narrow, s->narrow_hi, node, side);
	}
	for (k = 0; nlo != s->narrow_lo && k < 64; k++) {
		s->narrow_lo = (s->narrow_lo - 1) & 0xfff;
		owner_add(st->dsn_narrow, s->narrow_lo, node, side);
	}
}

/* Whether a node may still be grouped with another by inference. */
static bool
unanchored(const struct conn *c)
{
	return !c->side[0].has_key && !c->side[1].has_key;
}

/* Whether @v falls in (or just beside) the DSN range @s sent. */
static bool
in_range(const struct side *s, uint64_t v, bool wide)
{
	if (!s->dsn_seen)
		return false;
	if (wide) {
		return s->dsn_wide &&
		       v - (s->dsn_lo - WIDE_WINDOW) <=
			       (s->dsn_max - s->dsn_lo) + 2 * WIDE_WINDOW;
	}
	return (uint32_t)(v - (s->dsn_lo - NARROW_WINDOW)) <=
	       (uint32_t)(s->dsn_max - s->dsn_lo) + 2 * NARROW_WINDOW;
}

static bool
nodes_share_endpoint(const struct mpf_node *a, const struct mpf_node *b)
{
	guint i, j;

	for (i = 0; i < a->flows->len; i++) {
		const struct mpf_flow *x = g_ptr_array_index(a->flows, i);

		for (j = 0; j < b->flows->len; j++) {
			const struct mpf_flow *y = g_ptr_array_index(b->flows, j);

			if (mpf__endpoint_equal(&x->dst, &y->dst) ||
			    mpf__endpoint_equal(&x->src, &y->src) ||
			    mpf__endpoint_equal(&x->src, &y->dst) ||
			    mpf__endpoint_equal(&x->dst, &y->src))
				return true;
		}
	}
	return false;
}

/* What merging needs to rewrite in the absorbed node's frame records. */
struct merge_fix {
	uint32_t keep;
	bool flip;          /* the absorbed node's client is the server */
	uint64_t rebase[2]; /* added to relative values, by sender side */
	bool real_base[2];  /* the survivor knows the side's IDSN */
};

static void
fix_record(struct mpf_frame *rec, void *user)
{
	const struct merge_fix *m = user;
	int sender = rec->dir; /* the absorbed node's side */

	rec->node = m->keep;
	if (rec->flags & MPF_FRAME_HAS_VAL0)
		rec->val[0] += m->rebase[sender];
	if (rec->flags & MPF_FRAME_HAS_VAL1)
		rec->val[1] += m->rebase[1 - sender];
	if (m->flip)
		rec->dir = (uint8_t)(1 - rec->dir);
	/* values that now count from a real IDSN are no longer guesses */
	if ((!(rec->flags & MPF_FRAME_HAS_VAL0) || m->real_base[sender]) &&
	    (!(rec->flags & MPF_FRAME_HAS_VAL1) || m->real_base[1 - sender]))
		rec->bflags &= ~(uint32_t)MPF_MPTCP_FRAME_DSN_GUESSED;
}

static void sub_flip(struct mpf_flow *f);

/*
 * Absorbs node @gone into @keep: their sides correspond as @gone's side
 * @gone_side is @keep's side @keep_side. Moves flows, data stats, tokens,
 * announcements; rebases the absorbed frames' relative values.
 */
static void
conn_merge(struct mpf_ctx *ctx, struct state *st, struct mpf_node *keep,
	   struct mpf_node *gone, int keep_side, int gone_side)
{
	struct conn *k = conn_of(keep), *g = conn_of(gone);
	bool flip = keep_side != gone_side;
	struct merge_fix fx;
	GHashTableIter it;
	gpointer key, val;
	guint i;
	int gs;

	memset(&fx, 0, sizeof(fx));
	fx.keep = keep->id;
	fx.flip = flip;
	for (gs = 0; gs < 2; gs++) {
		struct side *ks = &k->side[flip ? 1 - gs : gs], *gsd = &g->side[gs];

		/* relative values: old = raw - gone base; new = raw - keep base */
		if (gsd->base_known && ks->base_known)
			fx.rebase[gs] = gsd->base - ks->base;
		else if (gsd->base_known && !ks->base_known) {
			ks->base = gsd->base;
			ks->base_known = true;
			ks->base_guessed = gsd->base_guessed;
		}
		fx.real_base[gs] = ks->base_known && !ks->base_guessed;
		ks->st.data_bytes += gsd->st.data_bytes;
		ks->st.unique_bytes += gsd->st.unique_bytes;
		ks->st.reinjected_bytes += gsd->st.reinjected_bytes;
		ks->st.retransmitted_bytes += gsd->st.retransmitted_bytes;
		ks->st.segments += gsd->st.segments;
		ks->st.reinjections += gsd->st.reinjections;
		ks->st.retransmissions += gsd->st.retransmissions;
		ks->st.out_of_order += gsd->st.out_of_order;
		ks->st.data_acks += gsd->st.data_acks;
		ks->st.dup_data_acks += gsd->st.dup_data_acks;
		if (gsd->dsn_seen) {
			side_saw_dsn(ks, gsd->dsn_lo, gsd->dsn_wide);
			side_saw_dsn(ks, gsd->dsn_max, gsd->dsn_wide);
		}
		if (gsd->sent) {
			/* their data intervals join ours, in DSN order */
			if (!ks->sent)
				ks->sent = g_array_new(FALSE, FALSE,
						       sizeof(struct sent));
			for (i = gsd->sent_head; i < gsd->sent->len; i++) {
				struct sent *x = &g_array_index(gsd->sent,
								struct sent, i);
				guint lo = ks->sent_head, hi = ks->sent->len;

				while (lo < hi) {
					guint mid = lo + (hi - lo) / 2;

					if ((int64_t)(g_array_index(ks->sent,
								    struct sent,
								    mid).start -
						      x->start) < 0)
						lo = mid + 1;
					else
						hi = mid;
				}
				g_array_insert_val(ks->sent, lo, *x);
			}
			if (!ks->sent_any ||
			    (int64_t)(gsd->sent_max - ks->sent_max) > 0)
				ks->sent_max = gsd->sent_max;
			ks->sent_any = ks->sent_any || gsd->sent_any;
		}
		if (gsd->data_fin_raw && !ks->st.data_fin) {
			ks->st.data_fin = gsd->st.data_fin;
			ks->st.data_fin_frame = gsd->st.data_fin_frame;
			ks->data_fin_raw = gsd->data_fin_raw;
		}
	}
	for (i = 0; i < gone->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(gone->flows, i);

		if (flip)
			sub_flip(f);
	}
	/* tokens of the absorbed node now lead to the survivor */
	g_hash_table_iter_init(&it, st->by_token);
	while (g_hash_table_iter_next(&it, &key, &val))
		if (val == gone)
			g_hash_table_iter_replace(&it, keep);
	for (gs = 0; gs < 2; gs++) {
		struct side *ks = &k->side[flip ? 1 - gs : gs];

		if (g->side[gs].has_token && !ks->has_token) {
			ks->has_token = true;
			ks->token = g->side[gs].token;
		}
	}
	if (g->announced) {
		if (!k->announced)
			k->announced = g_array_new(FALSE, TRUE,
						   sizeof(struct announced));
		for (i = 0; i < g->announced->len; i++) {
			struct announced a = g_array_index(g->announced,
							   struct announced, i);

			if (flip)
				a.side = (uint8_t)(1 - a.side);
			g_array_append_val(k->announced, a);
		}
	}
	k->checks.orphan_joins += g->checks.orphan_joins;
	k->checks.orphan_joins_untracked += g->checks.orphan_joins_untracked;
	if (k->version < 0)
		k->version = g->version;
	k->inferred = true;
	k->settled = k->settled || g->settled;
	k->resets += g->resets;
	mpf__node_merge(ctx, keep, gone, fix_record, &fx);
	mpf_log(ctx, MPF_LOG_INFO, "node %u joins node %u: one DSN space",
		gone->id, keep->id);
}

/* Moves the pending matches between @prober and @owner into the
 * survivor's evidence, telling which node was absorbed. */
static void
settle_evidence(struct conn *owner, struct conn *keep, uint32_t prober,
		uint32_t absorbed, bool keep_is_owner)
{
	guint i;

	if (!keep->evidence)
		keep->evidence = g_array_new(FALSE, FALSE, sizeof(struct evidence));
	for (i = 0; i < owner->pending->len;) {
		struct evidence e = g_array_index(owner->pending, struct evidence, i);

		if (e.prober != prober) {
			i++;
			continue;
		}
		e.absorbed = absorbed;
		e.keep_side = keep_is_owner ? e.owner_side : e.prober_side;
		g_array_append_val(keep->evidence, e);
		g_array_remove_index(owner->pending, i);
	}
}

/*
 * A node whose handshake was not seen looks for the connection that owns
 * the DSN @raw its side @side sent (or, @is_dack, the data ack of the
 * other side's data) in frame @frame. Enough consistent matches with one
 * node (64-bit values: WIDE_EVIDENCE; 32-bit ones: NARROW_EVIDENCE and a
 * shared endpoint) merge the two. Returns the survivor.
 */
static struct mpf_node *
infer(struct mpf_ctx *ctx, struct state *st, struct mpf_node *node, int side,
      uint64_t raw, bool wide, bool is_dack, uint32_t frame)
{
	struct conn *c = conn_of(node);
	int space = is_dack ? 1 - side : side; /* whose data the value is in */
	struct side *mine = &c->side[space];
	GArray *owners;
	guint i;

	if (mine->probes >= MAX_PROBES)
		return node;
	mine->probes++;
	owners = wide ? bucket_owners(st->dsn_wide, raw >> WIDE_BUCKET_SHIFT,
				      false)
		      : bucket_owners(st->dsn_narrow,
				      (uint32_t)raw >> NARROW_BUCKET_SHIFT,
				      false);
	for (i = 0; owners && i < owners->len; i++) {
		struct dsn_owner o = g_array_index(owners, struct dsn_owner, i);
		struct conn *oc;
		struct evidence ev;
		guint k, count = 0;

		if (o.node == node || o.node->merged_into != MPF_ID_NONE)
			continue;
		oc = conn_of(o.node);
		/* two connections whose keys we saw are two connections */
		if (!unanchored(c) && !unanchored(oc))
			continue;
		if (!in_range(&oc->side[o.side], raw, wide))
			continue;
		if (!oc->pending)
			oc->pending = g_array_new(FALSE, FALSE,
						  sizeof(struct evidence));
		memset(&ev, 0, sizeof(ev));
		ev.kind = is_dack ? MPF_MPTCP_EVIDENCE_DACK
				  : MPF_MPTCP_EVIDENCE_DSN;
		ev.wide = wide;
		ev.owner_side = (int8_t)o.side;
		ev.prober_side = (int8_t)space;
		ev.frame = frame;
		ev.prober = node->id;
		ev.absorbed = MPF_ID_NONE;
		ev.raw = raw;
		g_array_append_val(oc->pending, ev);
		for (k = 0; k < oc->pending->len; k++) {
			const struct evidence *e =
				&g_array_index(oc->pending, struct evidence, k);

			if (e->prober == node->id && e->wide == wide &&
			    e->owner_side == ev.owner_side &&
			    e->prober_side == ev.prober_side)
				count++;
		}
		if (count < (wide ? WIDE_EVIDENCE : NARROW_EVIDENCE))
			continue;
		if (!wide && !nodes_share_endpoint(node, o.node))
			continue;
		/* the node with keys, else the older one, survives */
		if (!unanchored(oc) || (unanchored(c) && o.node->id < node->id)) {
			settle_evidence(oc, oc, node->id, node->id, true);
			conn_merge(ctx, st, o.node, node, o.side, space);
			node = o.node;
		} else {
			settle_evidence(oc, c, node->id, o.node->id, false);
			conn_merge(ctx, st, node, o.node, space, o.side);
		}
		index_side(st, node, 0);
		index_side(st, node, 1);
		return node;
	}
	return node;
}

/* --------------------------------------------------------- creation */

static bool
pkt_from_src(const struct mpf_flow *f, const struct mpf_pkt *pkt)
{
	return pkt->sport == f->src.port && mpf__addr_equal(&pkt->src, &f->src.addr);
}

static void
endpoints_of(const struct mpf_pkt *pkt, struct mpf_endpoint *src,
	     struct mpf_endpoint *dst)
{
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	src->addr = pkt->src;
	src->port = pkt->sport;
	dst->addr = pkt->dst;
	dst->port = pkt->dport;
}

static struct mpf_node *
conn_new(struct mpf_ctx *ctx, const struct mpf_pkt *pkt)
{
	struct mpf_node *n = mpf__node_new(ctx, &mpf__backend_mptcp, pkt);

	conn_of(n)->version = -1;
	return n;
}

/* Swaps which end of a subflow is the client (after an inferred merge
 * found the guess wrong). */
static void
sub_flip(struct mpf_flow *f)
{
	struct sub *s = sub_of(f);

	s->src_is_client = !s->src_is_client;
}

/*
 * A new subflow for a packet on an unknown 4-tuple. @opened_by_src says the
 * packet's source opened the subflow (sent the SYN); otherwise the packet
 * is the SYN/ACK and its destination did.
 */
static struct mpf_flow *
sub_new(struct mpf_ctx *ctx, struct state *st, struct mpf_node *node,
	const struct mpf_pkt *pkt, const struct mpf_tuple *key,
	bool opened_by_src, bool src_is_client, enum mpf_mptcp_role role)
{
	struct mpf_endpoint a, b;
	struct mpf_flow *f;
	struct sub *s;

	endpoints_of(pkt, &a, &b);
	f = opened_by_src ? mpf__flow_new(ctx, node, &a, &b, pkt)
			  : mpf__flow_new(ctx, node, &b, &a, pkt);
	s = sub_of(f);
	s->tuple = *key;
	s->src_is_client = src_is_client;
	s->role = (uint8_t)role;
	s->addr_id[0] = s->addr_id[1] = -1;
	s->rst_reason = -1;
	if (role == MPF_MPTCP_ROLE_INITIAL)
		s->addr_id[0] = s->addr_id[1] = 0;
	g_hash_table_replace(st->by_tuple, &s->tuple, f);
	s->in_table = true;
	st->last = NULL;
	return f;
}

static const struct mpf_mptcp_opt *
find_opt(const struct mpf_mptcp_opt *o, int n, unsigned subtype)
{
	int i;

	for (i = 0; i < n; i++)
		if (o[i].subtype == subtype)
			return &o[i];
	return NULL;
}

/*
 * Creates the node and flow for the first packet of an unknown 4-tuple
 * that carries MPTCP options; NULL when it carries none, or when it is a
 * join of a flood whose flows are no longer kept (then *@orphan_node is the
 * node the frame still belongs to).
 */
static struct mpf_flow *
flow_create(struct mpf_ctx *ctx, struct state *st, const struct mpf_pkt *pkt,
	    const struct mpf_tuple *key, const struct mpf_mptcp_opt *o,
	    int n, struct mpf_frame *rec, struct mpf_node **orphan_node)
{
	bool syn = pkt->tcp_flags & MPF_TCP_SYN, ack = pkt->tcp_flags & MPF_TCP_ACK;
	const struct mpf_mptcp_opt *mpc = find_opt(o, n, MPF_MPTCP_SUB_CAPABLE);
	const struct mpf_mptcp_opt *join = find_opt(o, n, MPF_MPTCP_SUB_JOIN);
	struct mpf_node *node;

	if (n == 0)
		return NULL;
	if (mpc) {
		/* a SYN/ACK opens for its destination; anything else (SYN,
		 * third ACK, first data) is sent by the client */
		node = conn_new(ctx, pkt);
		return sub_new(ctx, st, node, pkt, key, !(syn && ack), true,
			       MPF_MPTCP_ROLE_INITIAL);
	}
	if (join && join->u.join.kind == MPJ_SYN && syn && !ack &&
	    mpf__mptcp_opt_has(join, 8)) {
		uint32_t token = join->u.join.token;
		bool src_is_client = true;
		struct conn *c;

		node = g_hash_table_lookup(st->by_token, GUINT_TO_POINTER(token));
		if (!node) {
			/* no connection has this token: keep the join in a
			 * node of its own, which later joins with the same
			 * token share (as Wireshark groups them) */
			node = conn_new(ctx, pkt);
			c = conn_of(node);
			c->orphan = true;
			c->side[MPF_SIDE_SERVER].has_token = true;
			c->side[MPF_SIDE_SERVER].token = token;
			g_hash_table_replace(st->by_token,
					     GUINT_TO_POINTER(token), node);
		} else {
			c = conn_of(node);
			/* a join carries the token of the side it is sent
			 * to: the server's for a join from the client */
			src_is_client = !(c->side[MPF_SIDE_CLIENT].has_token &&
					  c->side[MPF_SIDE_CLIENT].token == token &&
					  !(c->side[MPF_SIDE_SERVER].has_token &&
					    c->side[MPF_SIDE_SERVER].token ==
						    token));
		}
		if (c->orphan) {
			rec->bflags |= MPF_MPTCP_FRAME_ORPHAN_JOIN;
			c->checks.orphan_joins++;
			if (node->flows->len >= MAX_ORPHAN_FLOWS) {
				/* a flood: count the frame in the node but
				 * keep no state for its 4-tuple */
				c->checks.orphan_joins_untracked++;
				*orphan_node = node;
				return NULL;
			}
		}
		return sub_new(ctx, st, node, pkt, key, true, src_is_client,
			       MPF_MPTCP_ROLE_JOIN);
	}
	/* the handshake was not captured: a connection of its own, its
	 * client guessed as the subflow's opener or the first sender, until
	 * the data level shows where it belongs */
	node = conn_new(ctx, pkt);
	if (join)
		return sub_new(ctx, st, node, pkt, key, !(syn && ack), true,
			       MPF_MPTCP_ROLE_JOIN);
	return sub_new(ctx, st, node, pkt, key, true, true,
		       MPF_MPTCP_ROLE_UNKNOWN);
}

/* ------------------------------------------------------- option logic */

static void
set_fallback(struct conn *c, struct mpf_frame *rec)
{
	if (!c->fallback) {
		c->fallback = true;
		c->fallback_frame = rec->number;
		rec->bflags |= MPF_MPTCP_FRAME_FALLBACK;
	}
}

static void
on_capable(struct mpf_ctx *ctx, struct state *st, struct mpf_flow *f, int d,
	   const struct mpf_pkt *pkt, const struct mpf_mptcp_opt *o,
	   struct mpf_frame *rec, struct mapping *implicit)
{
	struct mpf_node *node = f->node;
	struct conn *c = conn_of(node);
	struct sub *s = sub_of(f);
	int side = side_of(s, d);
	bool syn = pkt->tcp_flags & MPF_TCP_SYN, ack = pkt->tcp_flags & MPF_TCP_ACK;

	if (s->role != MPF_MPTCP_ROLE_INITIAL)
		return; /* MP_CAPABLE on a join: ignore, flagged by its frame */
	if (syn && !ack) {
		c->mpc_syn = true;
		if (c->version < 0 || !c->mpc_synack)
			set_version(ctx, st, node, o->u.mpc.version);
	} else if (syn && ack) {
		c->mpc_synack = true;
		set_version(ctx, st, node, o->u.mpc.version); /* the final one */
	} else if (c->version < 0) {
		set_version(ctx, st, node, o->u.mpc.version);
	}
	if ((syn || c->checksum == false) && (o->u.mpc.flags & MPC_FLAG_A))
		c->checksum = true;
	if (o->u.mpc.nkeys >= 1 && mpf__mptcp_opt_has(o, 12))
		set_key(ctx, st, node, side, o->u.mpc.snd_key, rec);
	if (o->u.mpc.nkeys >= 2 && mpf__mptcp_opt_has(o, 20))
		set_key(ctx, st, node, 1 - side, o->u.mpc.rcv_key, rec);
	if (!syn && o->u.mpc.nkeys >= 2) {
		s->established = true;
		c->third_ack_checked = true;
	}
	if (o->u.mpc.has_data_len && mpf__mptcp_opt_has(o, 22) &&
	    o->u.mpc.data_len > 0 && c->side[side].has_idsn) {
		/* v1: the first data rides on MP_CAPABLE, mapped to
		 * DSN IDSN + 1 at subflow sequence 1 (RFC 8684 3.1) */
		implicit->ssn = 1;
		implicit->dsn = c->side[side].idsn + 1;
		implicit->len = o->u.mpc.data_len;
		implicit->frame = pkt->raw->number;
		map_add(&s->dir[d], implicit);
		if (o->u.mpc.has_csum && mpf__mptcp_opt_has(o, 24))
			csum_start(c, &s->dir[d], 1, implicit->dsn,
				   o->u.mpc.data_len, o->u.mpc.csum, false);
	} else {
		implicit->len = 0;
	}
}

static void
on_join(struct mpf_flow *f, int d, const struct mpf_mptcp_opt *o,
	struct mpf_frame *rec)
{
	struct sub *s = sub_of(f);

	if (s->role != MPF_MPTCP_ROLE_JOIN)
		return;
	switch (o->u.join.kind) {
	case MPJ_SYN:
	case MPJ_SYNACK:
		if (o->u.join.kind == MPJ_SYN)
			s->backup = o->u.join.backup;
		if (mpf__mptcp_opt_has(o, 4))
			s->addr_id[d] = o->u.join.addr_id;
		if (mpf__mptcp_opt_has(o, o->len)) {
			s->nonce[d] = o->u.join.nonce;
			s->has_nonce[d] = true;
		}
		if (o->u.join.kind == MPJ_SYNACK && mpf__mptcp_opt_has(o, 16))
			verify_join(f->node, f, d, o, rec);
		break;
	case MPJ_ACK:
		if (!s->join_rejected)
			s->established = true;
		if (mpf__mptcp_opt_has(o, 24))
			verify_join(f->node, f, d, o, rec);
		break;
	default:
		break;
	}
}

/* DSS: the data ack and the mapping. @own receives the mapping when it
 * was read (own->len 0 otherwise). */
static void
on_dss(struct mpf_ctx *ctx, struct state *st, struct mpf_flow *f, int d,
       const struct mpf_pkt *pkt, const struct mpf_mptcp_opt *o,
       struct mpf_frame *rec, struct mapping *own)
{
	struct mpf_node *node = f->node;
	struct conn *c = conn_of(node);
	struct sub *s = sub_of(f);
	int side = side_of(s, d);
	struct side *me = &c->side[side], *peer = &c->side[1 - side];
	unsigned ack_end = 4 + (o->u.dss.has_ack ? (o->u.dss.ack64 ? 8 : 4) : 0);
	unsigned map_end = ack_end + (o->u.dss.dsn64 ? 8 : 4) + 6;

	own->len = 0;
	if (o->u.dss.has_ack && mpf__mptcp_opt_has(o, ack_end)) {
		uint64_t a = o->u.dss.ack;

		if (!o->u.dss.ack64) {
			uint64_t ref = me->dack_seen  ? me->dack_max
				       : peer->dsn_seen ? peer->dsn_max
				       : peer->has_idsn ? peer->idsn
							: 0;
			a = mpf__seq_expand32((uint32_t)a, ref);
		}
		peer->st.data_acks++;
		/* a duplicate: the same ack again on a segment that says
		 * nothing else (no data, no mapping, no other option) */
		if (me->dack_seen && a == me->dack_max &&
		    pkt->payload_len == 0 &&
		    !(pkt->tcp_flags & (MPF_TCP_SYN | MPF_TCP_FIN | MPF_TCP_RST)) &&
		    !o->u.dss.has_map && rec->opts == 1u << MPF_MPTCP_SUB_DSS) {
			rec->bflags |= MPF_MPTCP_FRAME_DUP_DACK;
			peer->st.dup_data_acks++;
		}
		if (!me->dack_seen || (int64_t)(a - me->dack_max) > 0)
			me->dack_max = a;
		me->dack_seen = true;
		sent_prune(peer, a);
		/* the ack is a point of the peer's DSN space, known even
		 * when the peer's mappings were cut by the capture */
		if (!peer->has_idsn) {
			side_saw_dsn(peer, a, o->u.dss.ack64);
			index_side(st, node, 1 - side);
		}
		if (unanchored(c) && !peer->has_idsn) {
			struct mpf_node *keep = infer(ctx, st, node, side, a,
						      o->u.dss.ack64, true,
						      rec->number);

			if (keep != node) {
				/* absorbed: go on as the survivor's */
				node = keep;
				c = conn_of(node);
				side = side_of(s, d);
				me = &c->side[side];
				peer = &c->side[1 - side];
				rec->node = node->id;
				rec->dir = (uint8_t)side;
			}
		}
		rec->val[1] = a - side_base(peer, a);
		rec->flags |= MPF_FRAME_HAS_VAL1;
		if (peer->base_guessed)
			rec->bflags |= MPF_MPTCP_FRAME_DSN_GUESSED;
	}
	if (o->u.dss.has_map && mpf__mptcp_opt_has(o, map_end)) {
		struct sdir *sd = &s->dir[d];
		uint64_t dsn = o->u.dss.dsn;

		if (!o->u.dss.dsn64) {
			uint64_t ref = me->dsn_seen  ? me->dsn_max
				       : me->has_idsn ? me->idsn
						      : 0;
			dsn = mpf__seq_expand32((uint32_t)dsn, ref);
		}
		if (o->u.dss.data_len == 0) {
			/* infinite mapping: the rest is plain TCP */
			rec->bflags |= MPF_MPTCP_FRAME_INFINITE_MAP;
			if (!c->checks.infinite_map_frame)
				c->checks.infinite_map_frame = rec->number;
			set_fallback(c, rec);
			return;
		}
		if (!sd->isn_known && pkt->payload_len > 0) {
			/* handshake not captured: assume the mapping starts
			 * with this segment, as senders do */
			sd->isn = pkt->seq - o->u.dss.ssn;
			sd->isn_known = sd->isn_guessed = true;
		}
		if (unanchored(c) && !me->has_idsn) {
			struct mpf_node *keep = infer(ctx, st, node, side, dsn,
						      o->u.dss.dsn64, false,
						      rec->number);

			if (keep != node) {
				node = keep;
				c = conn_of(node);
				side = side_of(s, d);
				me = &c->side[side];
				rec->node = node->id;
				rec->dir = (uint8_t)side;
			}
		}
		side_saw_dsn(me, dsn, o->u.dss.dsn64);
		index_side(st, node, side);
		if (o->u.dss.fin && !me->st.data_fin) {
			me->st.data_fin = true;
			me->st.data_fin_frame = rec->number;
			me->data_fin_raw = dsn + o->u.dss.data_len - 1;
		}
		if (!sd->isn_known)
			return;
		own->ssn = mpf__seq_expand32(o->u.dss.ssn, sd->seq_ref);
		own->dsn = dsn;
		own->len = o->u.dss.data_len;
		own->frame = pkt->raw->number;
		map_add(sd, own);
		if (o->u.dss.has_csum && mpf__mptcp_opt_has(o, map_end + 2))
			csum_start(c, sd, own->ssn, dsn, o->u.dss.data_len,
				   o->u.dss.csum, o->u.dss.fin);
	}
}

/* REMOVE_ADDR by @side: the subflows using a removed id on that side end. */
static void
remove_subflows(struct mpf_node *node, int side, const struct mpf_mptcp_opt *o,
		struct mpf_frame *rec)
{
	guint i;
	unsigned k;

	for (i = 0; i < node->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, i);
		struct sub *s = sub_of(f);
		int end;

		for (end = 0; end < 2; end++) {
			if (side_of(s, end) != side || s->addr_id[end] < 0)
				continue;
			for (k = 0; k < o->u.rm_addr.count; k++) {
				if (s->addr_id[end] == o->u.rm_addr.ids[k] &&
				    !s->removed_frame) {
					s->removed_frame = rec->number;
					rec->bflags |= MPF_MPTCP_FRAME_SUBFLOW_REMOVED;
				}
			}
		}
	}
}

static void
on_add_addr(struct conn *c, int side, const struct mpf_mptcp_opt *o,
	    struct mpf_frame *rec)
{
	struct announced a;
	guint i;

	if (!c->announced)
		c->announced = g_array_new(FALSE, TRUE, sizeof(struct announced));
	if (o->u.add_addr.echo) {
		/* the peer echoes an address the other side announced */
		for (i = 0; i < c->announced->len; i++) {
			struct announced *x =
				&g_array_index(c->announced, struct announced, i);

			if (x->side == 1 - side &&
			    x->addr_id == o->u.add_addr.addr_id && !x->echo_frame)
				x->echo_frame = rec->number;
		}
		return;
	}
	memset(&a, 0, sizeof(a));
	a.side = (uint8_t)side;
	a.addr_id = o->u.add_addr.addr_id;
	a.addr = o->u.add_addr.addr;
	a.has_port = o->u.add_addr.has_port;
	a.port = o->u.add_addr.port;
	a.frame = rec->number;
	a.hmac = verify_add_addr(c, side, o);
	for (i = 0; i < c->announced->len; i++) {
		struct announced *x =
			&g_array_index(c->announced, struct announced, i);

		if (x->side != side || x->addr_id != a.addr_id ||
		    x->removed_frame)
			continue;
		if (memcmp(&x->addr, &a.addr, sizeof(a.addr)) == 0 &&
		    x->port == a.port)
			return; /* retransmitted announcement */
		/* one live id, two addresses */
		a.conflict = x->conflict = true;
		rec->bflags |= MPF_MPTCP_FRAME_ADDR_ID_CONFLICT;
		c->checks.addr_id_conflicts++;
	}
	switch (a.hmac) {
	case MPF_MPTCP_HMAC_OK:
		rec->bflags |= MPF_MPTCP_FRAME_ADD_ADDR_HMAC_OK;
		c->checks.add_addr_hmac_ok++;
		break;
	case MPF_MPTCP_HMAC_BAD:
		rec->bflags |= MPF_MPTCP_FRAME_ADD_ADDR_HMAC_BAD;
		c->checks.add_addr_hmac_bad++;
		break;
	case MPF_MPTCP_HMAC_LEGACY:
		rec->bflags |= MPF_MPTCP_FRAME_ADD_ADDR_HMAC_LEGACY;
		c->checks.add_addr_hmac_legacy++;
		break;
	case MPF_MPTCP_HMAC_UNVERIFIED:
		c->checks.add_addr_hmac_unverified++;
		break;
	default:
		break;
	}
	g_array_append_val(c->announced, a);
}

static void
on_other(struct mpf_ctx *ctx, struct state *st, struct mpf_flow *f, int d,
	 const struct mpf_mptcp_opt *o, struct mpf_frame *rec)
{
	struct conn *c = conn_of(f->node);
	struct sub *s = sub_of(f);
	int side = side_of(s, d);
	guint i;

	if (o->cap < o->len)
		return; /* these need the whole option */
	switch (o->subtype) {
	case MPF_MPTCP_SUB_ADD_ADDR:
		on_add_addr(c, side, o, rec);
		break;
	case MPF_MPTCP_SUB_REMOVE_ADDR:
		for (i = 0; c->announced && i < c->announced->len; i++) {
			struct announced *x =
				&g_array_index(c->announced, struct announced, i);
			unsigned k;

			for (k = 0; k < o->u.rm_addr.count; k++)
				if (x->side == side &&
				    x->addr_id == o->u.rm_addr.ids[k] &&
				    x->removed_frame == 0)
					x->removed_frame = rec->number;
		}
		remove_subflows(f->node, side, o, rec);
		break;
	case MPF_MPTCP_SUB_PRIO:
		if (s->backup != o->u.prio.backup || !s->prio) {
			struct prio_change p = { rec->number, o->u.prio.backup };

			if (!s->prio)
				s->prio = g_array_new(FALSE, FALSE,
						      sizeof(struct prio_change));
			g_array_append_val(s->prio, p);
		}
		s->backup = o->u.prio.backup;
		break;
	case MPF_MPTCP_SUB_FAIL:
		if (!c->checks.mp_fail_frame)
			c->checks.mp_fail_frame = rec->number;
		break;
	case MPF_MPTCP_SUB_FASTCLOSE:
		/* it carries the receiver's key: learn it if the handshake
		 * was not captured */
		if (!c->checks.fastclose_frame)
			c->checks.fastclose_frame = rec->number;
		set_key(ctx, st, f->node, 1 - side, o->u.fastclose.key, rec);
		break;
	case MPF_MPTCP_SUB_TCPRST:
		if (s->rst_reason < 0) /* the reason of the first reset */
			s->rst_reason = o->u.tcprst.reason;
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------ ingest */

#define MAX_MPTCP_OPTS 8

static int
mptcp_ingest(struct mpf_ctx *ctx, void *state, const struct mpf_pkt *pkt,
	     struct mpf_frame *rec)
{
	struct state *st = state;
	struct mpf_mptcp_opt o[MAX_MPTCP_OPTS];
	struct mapping own, implicit;
	const struct mapping *m;
	bool syn = pkt->tcp_flags & MPF_TCP_SYN, ack = pkt->tcp_flags & MPF_TCP_ACK;
	struct mpf_node *flood = NULL;
	struct mpf_tuple key;
	struct mpf_flow *f;
	struct mpf_node *node;
	struct conn *c;
	struct sub *s;
	struct sdir *sd;
	unsigned seen = 0;
	int n = 0, status = MPF_OK, i, d, side;

	own.len = implicit.len = 0;
	for (i = 0; i < pkt->n_opts; i++) {
		const struct mpf_tcp_opt *t = &pkt->opts[i];
		int r;

		if (t->kind != MPTCP_OPT_KIND)
			continue;
		r = mpf__mptcp_opt_parse(pkt->tcp_opts + t->off,
					 pkt->tcp_opts_cap - t->off,
					 pkt->tcp_opts_len - t->off, &o[n]);
		if (r < 0)
			status = mpf__status_worst(status, r);
		if (r == MPF_ERR_MALFORMED)
			rec->bflags |= MPF_MPTCP_FRAME_BAD_OPTION;
		if (r != MPF_OK && (r != MPF_ERR_TRUNCATED || o[n].cap < 3))
			continue; /* cut ones are used for what they hold */
		seen |= 1u << (o[n].subtype < 15 ? o[n].subtype : 15);
		if (n + 1 < MAX_MPTCP_OPTS)
			n++;
	}

	mpf__tuple_from_pkt(&key, pkt);
	if (st->last && sub_of(st->last)->in_table &&
	    mpf__tuple_equal(&key, &sub_of(st->last)->tuple))
		f = st->last;
	else
		f = g_hash_table_lookup(st->by_tuple, &key);
	if (f && syn && !ack) {
		s = sub_of(f);
		/* a SYN with another ISN on a known 4-tuple: the port pair
		 * is reused by a new connection */
		if (!(s->dir[0].isn_known && s->dir[0].isn == pkt->seq &&
		      pkt_from_src(f, pkt))) {
			g_hash_table_remove(st->by_tuple, &key);
			s->in_table = false;
			st->last = NULL;
			f = NULL;
		}
	}
	if (!f) {
		f = flow_create(ctx, st, pkt, &key, o, n, rec, &flood);
		if (!f && flood) {
			/* a flooded orphan token: the frame is the node's,
			 * without a flow */
			rec->protocol = MPF_PROTO_MPTCP;
			rec->node = flood->id;
			rec->dir = MPF_DIR_CLIENT_TO_SERVER;
			rec->opts = (uint16_t)seen;
			flood->packets++;
			flood->bytes += pkt->raw->wirelen;
			flood->last_frame = pkt->raw->number;
			flood->last_ts = pkt->ts_ns;
			return status;
		}
		if (!f)
			return status; /* plain TCP: not ours */
	}
	s = sub_of(f);
	st->last = s->in_table ? f : NULL;
	d = pkt_from_src(f, pkt) ? MPF_FLOW_FORWARD : MPF_FLOW_REVERSE;
	sd = &s->dir[d];

	rec->protocol = MPF_PROTO_MPTCP;
	rec->flow = f->id;
	rec->payload_len = pkt->payload_len;
	rec->opts = (uint16_t)seen;
	mpf__flow_account(f, (enum mpf_flow_dir)d, pkt);

	/* TCP handshake: the ISN of each way */
	if (syn) {
		sd->isn = pkt->seq;
		sd->isn_known = true;
		sd->isn_guessed = false;
		if (!ack)
			s->syn_seen = true;
		else
			s->synack_seen = true;
	}
	if ((pkt->tcp_flags & MPF_TCP_RST) && !s->rst_frame) {
		s->rst_frame = pkt->raw->number;
		conn_of(f->node)->resets++;
	}

	node = f->node;
	c = conn_of(node);
	side = side_of(s, d);
	/* fallback in the handshake (RFC 8684 3.7): a SYN/ACK without
	 * MP_CAPABLE, or a client's first ACK carrying no MPTCP option */
	if (s->role == MPF_MPTCP_ROLE_INITIAL) {
		if (syn && ack && !(seen & 1u << MPF_MPTCP_SUB_CAPABLE) &&
		    c->mpc_syn)
			set_fallback(c, rec);
		else if (!syn && side == MPF_SIDE_CLIENT && c->mpc_synack &&
			 !c->third_ack_checked) {
			c->third_ack_checked = true;
			if (n == 0)
				set_fallback(c, rec);
		}
	} else if (s->role == MPF_MPTCP_ROLE_JOIN && syn && ack &&
		   !(seen & 1u << MPF_MPTCP_SUB_JOIN)) {
		s->join_rejected = true; /* the peer answered as plain TCP */
	}

	for (i = 0; i < n; i++) {
		switch (o[i].subtype) {
		case MPF_MPTCP_SUB_CAPABLE:
			on_capable(ctx, st, f, d, pkt, &o[i], rec, &implicit);
			break;
		case MPF_MPTCP_SUB_JOIN:
			on_join(f, d, &o[i], rec);
			break;
		case MPF_MPTCP_SUB_DSS:
			on_dss(ctx, st, f, d, pkt, &o[i], rec, &own);
			break;
		default:
			on_other(ctx, st, f, d, &o[i], rec);
			break;
		}
	}
	/* an inferred merge may have moved the flow */
	node = f->node;
	c = conn_of(node);
	side = side_of(s, d);
	rec->node = node->id;
	rec->dir = (uint8_t)(side == MPF_SIDE_CLIENT ? MPF_DIR_CLIENT_TO_SERVER
						     : MPF_DIR_SERVER_TO_CLIENT);

	/* the data sequence number of the first payload byte */
	if (pkt->payload_len > 0 && !syn) {
		uint64_t r;

		if (rel_seq(sd, pkt->seq, &r)) {
			m = NULL;
			if (own.len && r - own.ssn < own.len)
				m = &own;
			else if (implicit.len && r - implicit.ssn < implicit.len)
				m = &implicit;
			else
				m = map_find(sd, r);
			if (m) {
				struct side *me = &c->side[side];
				uint64_t dsn = m->dsn + (r - m->ssn);
				uint64_t left = m->len - (r - m->ssn);
				uint32_t len = pkt->payload_len;

				if (len > left)
					len = (uint32_t)left;
				rec->val[0] = dsn - side_base(me, dsn);
				rec->flags |= MPF_FRAME_HAS_VAL0;
				rec->ref[0] = m->frame;
				if (me->base_guessed)
					rec->bflags |= MPF_MPTCP_FRAME_DSN_GUESSED;
				side_saw_dsn(me, dsn, false);
				data_sent(ctx, f, d, side, dsn, len, r, rec);
			} else if (!c->fallback) {
				rec->bflags |= MPF_MPTCP_FRAME_NO_MAPPING;
			}
			csum_feed(c, sd, r, pkt, rec);
		}
	}

	/* the TCP ack tells which mappings of the other way are done with */
	if (ack) {
		struct sdir *rd = &s->dir[1 - d];

		if (rd->isn_known && rd->maps) {
			uint64_t acked = mpf__seq_expand32(pkt->ack - rd->isn,
							   rd->seq_ref);
			map_prune(rd, acked);
		}
	}

	/* a subflow seen only after its handshake works if both ways carry
	 * MPTCP traffic */
	if (!s->syn_seen && !s->synack_seen && !s->established &&
	    f->packets[0] > 0 && f->packets[1] > 0)
		s->established = true;
	if (s->established)
		conn_of(f->node)->settled = true;
	return status;
}

/* --------------------------------------------------------- streaming */

/* Removes @node's entries from the owner arrays of buckets lo..hi of @t
 * (narrow buckets wrap at 4096). */
static void
owners_drop(GHashTable *t, uint64_t lo, uint64_t hi, bool wrap,
	    const struct mpf_node *node)
{
	uint64_t b = lo, steps = 0;

	for (;;) {
		GArray *a = g_hash_table_lookup(t, &b);
		guint i;

		for (i = 0; a && i < a->len;) {
			if (g_array_index(a, struct dsn_owner, i).node == node)
				g_array_remove_index_fast(a, i);
			else
				i++;
		}
		if (a && a->len == 0)
			g_hash_table_remove(t, &b);
		if (b == hi || ++steps > 4096)
			break;
		b = wrap ? (b + 1) & 0xfff : b + 1;
	}
}

static gboolean
owner_is(gpointer key, gpointer value, gpointer user)
{
	GArray *a = value;
	guint i;

	(void)key;
	for (i = 0; i < a->len;) {
		if (g_array_index(a, struct dsn_owner, i).node == user)
			g_array_remove_index_fast(a, i);
		else
			i++;
	}
	return a->len == 0;
}

static void
mptcp_node_unhook(struct mpf_ctx *ctx, void *state, struct mpf_node *node,
		  struct mpf_node *owner)
{
	struct state *st = state;
	struct conn *c = conn_of(node);
	guint i;
	int sd;

	(void)ctx;
	st->last = NULL;
	for (i = 0; i < node->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, i);
		struct sub *s = sub_of(f);

		if (s->in_table &&
		    g_hash_table_lookup(st->by_tuple, &s->tuple) == f)
			g_hash_table_remove(st->by_tuple, &s->tuple);
		s->in_table = false;
	}
	for (sd = 0; sd < 2; sd++) {
		struct side *x = &c->side[sd];
		gpointer tok = GUINT_TO_POINTER(x->token);
		gpointer v;

		if (x->has_token) {
			v = g_hash_table_lookup(st->by_token, tok);
			if (v == node || v == owner)
				g_hash_table_remove(st->by_token, tok);
		}
		if (x->wide_indexed) {
			if (x->wide_hi - x->wide_lo < 4096)
				owners_drop(st->dsn_wide, x->wide_lo, x->wide_hi,
					    false, node);
			else /* a range too wide to walk: look at them all */
				g_hash_table_foreach_remove(st->dsn_wide, owner_is,
							    node);
		}
		if (x->narrow_indexed)
			owners_drop(st->dsn_narrow, x->narrow_lo, x->narrow_hi,
				    true, node);
	}
}

static size_t
array_bytes(const GArray *a)
{
	return a ? (size_t)a->len * g_array_get_element_size((GArray *)a) + 32
		 : 0;
}

static size_t
mptcp_node_mem(const struct mpf_node *node)
{
	const struct conn *c = conn_of(node);
	size_t m = array_bytes(c->announced) + array_bytes(c->pending) +
		   array_bytes(c->evidence);
	guint i;
	int d;

	for (d = 0; d < 2; d++)
		m += array_bytes(c->side[d].sent) +
		     /* DSN index entries: a bucket each 16 MiB / 1 MiB */
		     (c->side[d].wide_indexed
			      ? (size_t)MIN(c->side[d].wide_hi - c->side[d].wide_lo + 1,
					    64) * 48
			      : 0) +
		     (c->side[d].narrow_indexed ? 48 : 0);
	for (i = 0; i < node->flows->len; i++) {
		const struct sub *s = sub_of(g_ptr_array_index(node->flows, i));

		for (d = 0; d < 2; d++)
			m += array_bytes(s->dir[d].maps);
		m += array_bytes(s->prio);
	}
	return m;
}

static bool
mptcp_node_settled(const struct mpf_node *node)
{
	return conn_of(node)->settled;
}

static bool
mptcp_node_ended(const struct mpf_node *node)
{
	const struct conn *c = conn_of(node);

	return c->fallback || c->checks.fastclose_frame ||
	       (c->side[0].st.data_fin && c->side[1].st.data_fin) ||
	       (c->resets && c->resets >= node->flows->len);
}

const struct mpf_backend mpf__backend_mptcp = {
	.name = "mptcp",
	.protocol = MPF_PROTO_MPTCP,
	.state_size = sizeof(struct state),
	.node_priv_size = sizeof(struct conn),
	.flow_priv_size = sizeof(struct sub),
	.init = mptcp_init,
	.fini = mptcp_fini,
	.claims = mptcp_claims,
	.ingest = mptcp_ingest,
	.node_fini = mptcp_node_fini,
	.flow_fini = mptcp_flow_fini,
	.node_unhook = mptcp_node_unhook,
	.node_mem = mptcp_node_mem,
	.mem_every = 32,
	.node_settled = mptcp_node_settled,
	.node_ended = mptcp_node_ended,
};

/* -------------------------------------------------------- public API */

static const struct conn *
mptcp_conn(const struct mpf_node *node)
{
	return node && node->protocol == MPF_PROTO_MPTCP ? conn_of(node) : NULL;
}

static const struct sub *
mptcp_sub(const struct mpf_flow *flow)
{
	return flow && flow->node->protocol == MPF_PROTO_MPTCP ? sub_of(flow)
							       : NULL;
}

int
mpf_node_get_mptcp_version(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	return c ? c->version : -1;
}

bool
mpf_node_get_mptcp_fallback(const struct mpf_node *node, uint32_t *frame)
{
	const struct conn *c = mptcp_conn(node);

	if (!c || !c->fallback)
		return false;
	if (frame)
		*frame = c->fallback_frame;
	return true;
}

bool
mpf_node_get_mptcp_checksum(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	return c && c->checksum;
}

static const struct side *
node_side(const struct mpf_node *node, enum mpf_side side)
{
	const struct conn *c = mptcp_conn(node);

	if (!c || (unsigned)side > 1)
		return NULL;
	return &c->side[side];
}

bool
mpf_node_get_mptcp_key(const struct mpf_node *node, enum mpf_side side,
		       uint64_t *key)
{
	const struct side *s = node_side(node, side);

	if (!s || !s->has_key)
		return false;
	if (key)
		*key = s->key;
	return true;
}

bool
mpf_node_get_mptcp_token(const struct mpf_node *node, enum mpf_side side,
			 uint32_t *token)
{
	const struct side *s = node_side(node, side);

	if (!s || !s->has_token)
		return false;
	if (token)
		*token = s->token;
	return true;
}

bool
mpf_node_get_mptcp_idsn(const struct mpf_node *node, enum mpf_side side,
			uint64_t *idsn)
{
	const struct side *s = node_side(node, side);

	if (!s || !s->has_idsn)
		return false;
	if (idsn)
		*idsn = s->idsn;
	return true;
}

/* Copies @n bytes of @src into @dst of the caller's @size, zero-filling
 * what the caller's struct has beyond ours. */
int
mpf_node_get_mptcp_stats(const struct mpf_node *node, enum mpf_side sender,
			 struct mpf_mptcp_stats *stats, size_t size)
{
	const struct side *s = node_side(node, sender), *peer;
	struct mpf_mptcp_stats out;

	if (!s)
		return MPF_ERR_INVALID;
	peer = node_side(node, (enum mpf_side)(1 - sender));
	out = s->st;
	if (peer->dack_seen) {
		out.has_highest_dack = true;
		out.highest_dack = peer->dack_max - (s->base_known ? s->base : 0);
	}
	if (out.data_fin)
		out.data_fin_dsn = s->data_fin_raw - (s->base_known ? s->base : 0);
	return mpf__copy_out(stats, size, &out, sizeof(out));
}

int
mpf_node_get_mptcp_checks(const struct mpf_node *node,
			  struct mpf_mptcp_checks *checks, size_t size)
{
	const struct conn *c = mptcp_conn(node);

	if (!c)
		return MPF_ERR_INVALID;
	return mpf__copy_out(checks, size, &c->checks, sizeof(c->checks));
}

const char *
mpf_mptcp_end_to_string(enum mpf_mptcp_end end)
{
	static const char *const names[] = { "open", "data_fin", "fastclose",
					     "reset", "fallback" };

	return (unsigned)end < G_N_ELEMENTS(names) ? names[end] : "unknown";
}

enum mpf_mptcp_end
mpf_node_get_mptcp_end(const struct mpf_node *node, uint32_t *frame)
{
	const struct conn *c = mptcp_conn(node);
	uint32_t last_rst = 0, resets = 0;
	guint i;

	if (frame)
		*frame = 0;
	if (!c)
		return MPF_MPTCP_END_OPEN;
	if (c->fallback) {
		if (frame)
			*frame = c->fallback_frame;
		return MPF_MPTCP_END_FALLBACK;
	}
	if (c->checks.fastclose_frame) {
		if (frame)
			*frame = c->checks.fastclose_frame;
		return MPF_MPTCP_END_FASTCLOSE;
	}
	if (c->side[0].st.data_fin && c->side[1].st.data_fin) {
		if (frame)
			*frame = MAX(c->side[0].st.data_fin_frame,
				     c->side[1].st.data_fin_frame);
		return MPF_MPTCP_END_DATA_FIN;
	}
	for (i = 0; i < node->flows->len; i++) {
		const struct sub *s = sub_of(g_ptr_array_index(node->flows, i));

		if (s->rst_frame) {
			resets++;
			last_rst = MAX(last_rst, s->rst_frame);
		}
	}
	if (resets && resets == node->flows->len) {
		if (frame)
			*frame = last_rst;
		return MPF_MPTCP_END_RESET;
	}
	return MPF_MPTCP_END_OPEN;
}

const char *
mpf_mptcp_hmac_to_string(enum mpf_mptcp_hmac hmac)
{
	static const char *const names[] = { "none", "unverified", "ok", "bad",
					     "legacy" };

	return (unsigned)hmac < G_N_ELEMENTS(names) ? names[hmac] : "unknown";
}

uint32_t
mpf_node_get_mptcp_address_count(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	return c && c->announced ? c->announced->len : 0;
}

int
mpf_node_get_mptcp_address(const struct mpf_node *node, uint32_t index,
			   struct mpf_mptcp_address *addr, size_t size)
{
	const struct conn *c = mptcp_conn(node);
	const struct announced *a;
	struct mpf_mptcp_address out;

	if (!c)
		return MPF_ERR_INVALID;
	if (!c->announced || index >= c->announced->len)
		return MPF_ERR_NOT_FOUND;
	a = &g_array_index(c->announced, struct announced, index);
	memset(&out, 0, sizeof(out));
	out.side = (enum mpf_side)a->side;
	out.id = a->addr_id;
	out.addr = a->addr;
	out.has_port = a->has_port;
	out.port = a->port;
	out.frame = a->frame;
	out.echo_frame = a->echo_frame;
	out.removed_frame = a->removed_frame;
	out.hmac = (enum mpf_mptcp_hmac)a->hmac;
	out.id_conflict = a->conflict;
	return mpf__copy_out(addr, size, &out, sizeof(out));
}

bool
mpf_node_get_mptcp_inferred(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	return c && c->inferred;
}

uint32_t
mpf_node_get_mptcp_evidence_count(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	return c && c->evidence ? c->evidence->len : 0;
}

int
mpf_node_get_mptcp_evidence(const struct mpf_node *node, uint32_t index,
			    struct mpf_mptcp_evidence *ev, size_t size)
{
	const struct conn *c = mptcp_conn(node);
	const struct evidence *e;
	const struct side *sd;
	struct mpf_mptcp_evidence out;

	if (!c)
		return MPF_ERR_INVALID;
	if (!c->evidence || index >= c->evidence->len)
		return MPF_ERR_NOT_FOUND;
	e = &g_array_index(c->evidence, struct evidence, index);
	sd = &c->side[e->keep_side];
	memset(&out, 0, sizeof(out));
	out.kind = (enum mpf_mptcp_evidence_kind)e->kind;
	out.frame = e->frame;
	out.absorbed = e->absorbed;
	out.wide = e->wide;
	out.value = e->raw - (sd->base_known ? sd->base : 0);
	return mpf__copy_out(ev, size, &out, sizeof(out));
}

const char *
mpf_mptcp_role_to_string(enum mpf_mptcp_role role)
{
	switch (role) {
	case MPF_MPTCP_ROLE_INITIAL:
		return "initial";
	case MPF_MPTCP_ROLE_JOIN:
		return "join";
	default:
		return "unknown";
	}
}

enum mpf_mptcp_role
mpf_flow_get_mptcp_role(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s ? (enum mpf_mptcp_role)s->role : MPF_MPTCP_ROLE_UNKNOWN;
}

bool
mpf_flow_get_mptcp_established(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s && s->established;
}

bool
mpf_flow_get_mptcp_src_is_client(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s && s->src_is_client;
}

bool
mpf_flow_get_mptcp_backup(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s && s->backup;
}

int
mpf_flow_get_mptcp_address_id(const struct mpf_flow *flow,
			      enum mpf_flow_dir end)
{
	const struct sub *s = mptcp_sub(flow);

	if (!s || (unsigned)end > 1)
		return -1;
	return s->addr_id[end];
}

enum mpf_mptcp_hmac
mpf_flow_get_mptcp_join_hmac(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s ? (enum mpf_mptcp_hmac)s->hmac : MPF_MPTCP_HMAC_NONE;
}

uint32_t
mpf_flow_get_mptcp_removed_frame(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s ? s->removed_frame : 0;
}

int
mpf_flow_get_mptcp_reset_reason(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s ? s->rst_reason : -1;
}

uint32_t
mpf_flow_get_mptcp_reset_frame(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s ? s->rst_frame : 0;
}

int
mpf_flow_get_mptcp_stats(const struct mpf_flow *flow, enum mpf_flow_dir dir,
			 struct mpf_mptcp_flow_stats *stats, size_t size)
{
	const struct sub *s = mptcp_sub(flow);

	if (!s || (unsigned)dir > 1)
		return MPF_ERR_INVALID;
	return mpf__copy_out(stats, size, &s->dir[dir].st, sizeof(s->dir[dir].st));
}

uint32_t
mpf_flow_get_mptcp_prio_count(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s && s->prio ? s->prio->len : 0;
}

bool
mpf_flow_get_mptcp_prio(const struct mpf_flow *flow, uint32_t index,
			uint32_t *frame, bool *backup)
{
	const struct sub *s = mptcp_sub(flow);
	const struct prio_change *p;

	if (!s || !s->prio || index >= s->prio->len)
		return false;
	p = &g_array_index(s->prio, struct prio_change, index);
	if (frame)
		*frame = p->frame;
	if (backup)
		*backup = p->backup;
	return true;
}

static bool
is_mptcp_frame(const struct mpf_frame *f)
{
	return f && f->protocol == MPF_PROTO_MPTCP;
}

bool
mpf_frame_get_mptcp_dsn(const struct mpf_frame *frame, uint64_t *dsn)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	if (!is_mptcp_frame(frame) || !(frame->flags & MPF_FRAME_HAS_VAL0))
		return false;
	if (dsn)
		*dsn = frame->val[0];
	return true;
}

bool
mpf_frame_get_mptcp_dack(const struct mpf_frame *frame, uint64_t *dack)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	if (!is_mptcp_frame(frame) || !(frame->flags & MPF_FRAME_HAS_VAL1))
		return false;
	if (dack)
		*dack = frame->val[1];
	return true;
}

uint32_t
mpf_frame_get_mptcp_mapping_frame(const struct mpf_frame *frame)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	return is_mptcp_frame(frame) ? frame->ref[0] : 0;
}

uint32_t
mpf_frame_get_mptcp_reinjection_of(const struct mpf_frame *frame)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	return is_mptcp_frame(frame) ? frame->ref[1] : 0;
}

uint32_t
mpf_frame_get_mptcp_reinjected_in(const struct mpf_frame *frame)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	return is_mptcp_frame(frame) ? frame->ref[2] : 0;
}

unsigned
mpf_frame_get_mptcp_options(const struct mpf_frame *frame)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	return is_mptcp_frame(frame) ? frame->opts : 0;
}

unsigned
mpf_frame_get_mptcp_flags(const struct mpf_frame *frame)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	return is_mptcp_frame(frame) ? frame->bflags : 0;
}

const char *
mpf_mptcp_frame_flag_to_string(unsigned flag)
{
	static const char *const names[] = {
		"dsn_base_guessed", "no_mapping", "data_fin",
		"infinite_mapping", "key_mismatch", "orphan_join",
		"bad_option", "reinjection", "retransmission",
		"out_of_order", "dup_data_ack", "join_hmac_ok",
		"join_hmac_bad", "csum_ok", "csum_bad", "csum_unverifiable",
		"add_addr_hmac_ok", "add_addr_hmac_bad", "add_addr_hmac_legacy",
		"addr_id_conflict", "fallback", "subflow_removed",
	};
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(names); i++)
		if (flag == 1u << i)
			return names[i];
	return "unknown";
}
