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

#include "backends/mptcp.h"
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

/* One end of a connection. */
struct side {
	bool has_key, has_token, has_idsn;
	uint64_t key, idsn;
	uint32_t token;
	/* base of relative DSNs: the IDSN, or a guess from the first value
	 * seen when the key was not captured */
	bool base_known, base_guessed;
	uint64_t base;
	bool dsn_seen, dack_seen;
	uint64_t dsn_max;  /* highest DSN this side sent */
	uint64_t dack_max; /* highest data ack this side sent */
};

struct announced {
	uint8_t side, addr_id;
	bool has_port;
	uint16_t port;
	struct mpf_addr addr;
	uint32_t frame, removed_frame;
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
	bool key_mismatch;
	uint32_t fastclose_frame, fail_frame;
	struct side side[2];
	GArray *announced; /* struct announced, created on first use */
};

struct mapping {
	uint64_t ssn; /* 64-bit relative subflow sequence number */
	uint64_t dsn; /* 64-bit raw data sequence number */
	uint32_t len;
	uint32_t frame;
};

/* One way of a subflow. */
struct sdir {
	bool isn_known, isn_guessed;
	uint32_t isn;
	bool seq_seen;
	uint64_t seq_ref; /* highest 64-bit relative sequence number seen */
	GArray *maps;     /* struct mapping by ssn, from index head */
	guint head;
};

/* Flow data: one TCP subflow. */
struct sub {
	struct mpf_tuple tuple; /* key in by_tuple while in_table */
	bool in_table;
	bool src_is_client;
	uint8_t role; /* enum mpf_mptcp_role */
	bool syn_seen, synack_seen, established, backup, join_rejected;
	int16_t addr_id[2]; /* per flow end (src, dst), -1 unknown */
	uint32_t nonce[2];
	uint8_t rst_reason;
	bool rst_seen;
	struct sdir dir[2]; /* per enum mpf_flow_dir */
};

struct state {
	GHashTable *by_tuple; /* struct mpf_tuple * -> struct mpf_flow * */
	GHashTable *by_token; /* token -> struct mpf_node * */
};

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
mptcp_init(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	mpf__crypto_init();
	s->by_tuple = g_hash_table_new(mpf__tuple_hash, mpf__tuple_equal);
	s->by_token = g_hash_table_new(g_direct_hash, g_direct_equal);
}

static void
mptcp_fini(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	g_hash_table_destroy(s->by_tuple);
	g_hash_table_destroy(s->by_token);
}

static void
mptcp_node_fini(struct mpf_node *n)
{
	struct conn *c = conn_of(n);

	if (c->announced)
		g_array_free(c->announced, TRUE);
}

static void
mptcp_flow_fini(struct mpf_flow *f)
{
	struct sub *s = sub_of(f);
	int d;

	for (d = 0; d < 2; d++)
		if (s->dir[d].maps)
			g_array_free(s->dir[d].maps, TRUE);
}

static bool
mptcp_claims(const struct mpf_pkt *pkt)
{
	return pkt->has_tcp;
}

/* ------------------------------------------------------------- keys */

/*
 * Records @key for @side of @node. The token and IDSN need the version;
 * when it is not known yet they are derived later (derive_keys).
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
			c->key_mismatch = true;
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
side_saw_dsn(struct side *s, uint64_t dsn)
{
	if (!s->dsn_seen || (int64_t)(dsn - s->dsn_max) > 0)
		s->dsn_max = dsn;
	s->dsn_seen = true;
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

/* --------------------------------------------------------- creation */

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

/*
 * A new subflow for a packet on an unknown 4-tuple. @towards_src says the
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
	if (role == MPF_MPTCP_ROLE_INITIAL)
		s->addr_id[0] = s->addr_id[1] = 0;
	g_hash_table_replace(st->by_tuple, &s->tuple, f);
	s->in_table = true;
	return f;
}

static bool
pkt_from_src(const struct mpf_flow *f, const struct mpf_pkt *pkt)
{
	return pkt->sport == f->src.port &&
	       memcmp(&pkt->src, &f->src.addr, sizeof(pkt->src)) == 0;
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

/* Creates the node and flow for the first packet of an unknown 4-tuple
 * that carries MPTCP options; NULL when it carries none. */
static struct mpf_flow *
flow_create(struct mpf_ctx *ctx, struct state *st, const struct mpf_pkt *pkt,
	    const struct mpf_tuple *key, const struct mpf_mptcp_opt *o,
	    int n, struct mpf_frame *rec)
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
		bool by_src = !(syn && ack);

		node = conn_new(ctx, pkt);
		return sub_new(ctx, st, node, pkt, key, by_src, true,
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
			rec->bflags |= MPF_MPTCP_FRAME_ORPHAN_JOIN;
		} else {
			c = conn_of(node);
			if (c->orphan)
				rec->bflags |= MPF_MPTCP_FRAME_ORPHAN_JOIN;
			/* a join carries the token of the side it is sent
			 * to: the server's for a join from the client */
			src_is_client = !(c->side[MPF_SIDE_CLIENT].has_token &&
					  c->side[MPF_SIDE_CLIENT].token == token &&
					  !(c->side[MPF_SIDE_SERVER].has_token &&
					    c->side[MPF_SIDE_SERVER].token ==
						    token));
		}
		return sub_new(ctx, st, node, pkt, key, true, src_is_client,
			       MPF_MPTCP_ROLE_JOIN);
	}
	/* the handshake was not captured: a connection of its own, its
	 * client guessed as the subflow's opener or the first sender */
	node = conn_new(ctx, pkt);
	if (join)
		return sub_new(ctx, st, node, pkt, key, !(syn && ack), true,
			       MPF_MPTCP_ROLE_JOIN);
	return sub_new(ctx, st, node, pkt, key, true, true,
		       MPF_MPTCP_ROLE_UNKNOWN);
}

/* ------------------------------------------------------- option logic */

static void
on_capable(struct mpf_ctx *ctx, struct state *st, struct mpf_flow *f, int d,
	   const struct mpf_pkt *pkt, const struct mpf_mptcp_opt *o,
	   struct mpf_frame *rec, const struct mapping **implicit,
	   struct mapping *implicit_buf)
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
	if (o->u.mpc.flags & MPC_FLAG_A)
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
		implicit_buf->ssn = 1;
		implicit_buf->dsn = c->side[side].idsn + 1;
		implicit_buf->len = o->u.mpc.data_len;
		implicit_buf->frame = pkt->raw->number;
		map_add(&s->dir[d], implicit_buf);
		*implicit = implicit_buf;
	}
}

static void
on_join(struct mpf_flow *f, int d, const struct mpf_mptcp_opt *o)
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
		if (mpf__mptcp_opt_has(o, o->len))
			s->nonce[d] = o->u.join.nonce;
		break;
	case MPJ_ACK:
		if (!s->join_rejected)
			s->established = true;
		break;
	default:
		break;
	}
}

static void
set_fallback(struct conn *c, struct mpf_frame *rec)
{
	if (!c->fallback) {
		c->fallback = true;
		c->fallback_frame = rec->number;
	}
}

static void
on_dss(struct mpf_ctx *ctx, struct mpf_flow *f, int d,
       const struct mpf_pkt *pkt, const struct mpf_mptcp_opt *o,
       struct mpf_frame *rec, const struct mapping **own,
       struct mapping *own_buf)
{
	struct conn *c = conn_of(f->node);
	struct sub *s = sub_of(f);
	int side = side_of(s, d);
	struct side *me = &c->side[side], *peer = &c->side[1 - side];

	unsigned ack_end = 4 + (o->u.dss.has_ack ? (o->u.dss.ack64 ? 8 : 4) : 0);
	unsigned map_end = ack_end + (o->u.dss.dsn64 ? 8 : 4) + 6;

	(void)ctx;
	if (o->u.dss.fin)
		rec->bflags |= MPF_MPTCP_FRAME_DATA_FIN;
	if (o->u.dss.has_ack && mpf__mptcp_opt_has(o, ack_end)) {
		uint64_t a = o->u.dss.ack;

		if (!o->u.dss.ack64) {
			uint64_t ref = me->dack_seen  ? me->dack_max
				       : peer->dsn_seen ? peer->dsn_max
				       : peer->has_idsn ? peer->idsn
							: 0;
			a = mpf__seq_expand32((uint32_t)a, ref);
		}
		if (!me->dack_seen || (int64_t)(a - me->dack_max) > 0)
			me->dack_max = a;
		me->dack_seen = true;
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
			set_fallback(c, rec);
			return;
		}
		if (!sd->isn_known && pkt->payload_len > 0) {
			/* handshake not captured: assume the mapping starts
			 * with this segment, as senders do */
			sd->isn = pkt->seq - o->u.dss.ssn;
			sd->isn_known = sd->isn_guessed = true;
		}
		if (!sd->isn_known)
			return;
		own_buf->ssn = mpf__seq_expand32(o->u.dss.ssn, sd->seq_ref);
		own_buf->dsn = dsn;
		own_buf->len = o->u.dss.data_len;
		own_buf->frame = pkt->raw->number;
		map_add(sd, own_buf);
		*own = own_buf;
		side_saw_dsn(me, dsn);
	}
}

static void
on_other(struct mpf_ctx *ctx, struct state *st, struct mpf_flow *f, int d,
	 const struct mpf_mptcp_opt *o, struct mpf_frame *rec)
{
	struct conn *c = conn_of(f->node);
	struct sub *s = sub_of(f);
	int side = side_of(s, d);
	struct announced a;
	guint i;

	if (o->cap < o->len)
		return; /* these need the whole option */
	switch (o->subtype) {
	case MPF_MPTCP_SUB_ADD_ADDR:
		if (o->u.add_addr.echo)
			break;
		if (!c->announced)
			c->announced = g_array_new(FALSE, TRUE,
						   sizeof(struct announced));
		for (i = 0; i < c->announced->len; i++) {
			struct announced *x =
				&g_array_index(c->announced, struct announced, i);

			if (x->side == side && x->addr_id == o->u.add_addr.addr_id &&
			    memcmp(&x->addr, &o->u.add_addr.addr,
				   sizeof(x->addr)) == 0 &&
			    x->removed_frame == 0)
				return; /* retransmitted announcement */
		}
		memset(&a, 0, sizeof(a));
		a.side = (uint8_t)side;
		a.addr_id = o->u.add_addr.addr_id;
		a.addr = o->u.add_addr.addr;
		a.has_port = o->u.add_addr.has_port;
		a.port = o->u.add_addr.port;
		a.frame = rec->number;
		g_array_append_val(c->announced, a);
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
		break;
	case MPF_MPTCP_SUB_PRIO:
		s->backup = o->u.prio.backup;
		break;
	case MPF_MPTCP_SUB_FAIL:
		if (!c->fail_frame)
			c->fail_frame = rec->number;
		break;
	case MPF_MPTCP_SUB_FASTCLOSE:
		/* it carries the receiver's key: learn it if the handshake
		 * was not captured */
		if (!c->fastclose_frame)
			c->fastclose_frame = rec->number;
		set_key(ctx, st, f->node, 1 - side, o->u.fastclose.key, rec);
		break;
	case MPF_MPTCP_SUB_TCPRST:
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
	struct mapping own_buf, implicit_buf;
	const struct mapping *own = NULL, *implicit = NULL, *m;
	bool syn = pkt->tcp_flags & MPF_TCP_SYN, ack = pkt->tcp_flags & MPF_TCP_ACK;
	struct mpf_tuple key;
	struct mpf_flow *f;
	struct mpf_node *node;
	struct conn *c;
	struct sub *s;
	struct sdir *sd;
	unsigned seen = 0;
	int n = 0, status = MPF_OK, i, d, side;

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
	f = g_hash_table_lookup(st->by_tuple, &key);
	if (f && syn && !ack) {
		s = sub_of(f);
		/* a SYN with another ISN on a known 4-tuple: the port pair
		 * is reused by a new connection */
		if (!(s->dir[0].isn_known && s->dir[0].isn == pkt->seq &&
		      pkt_from_src(f, pkt))) {
			g_hash_table_remove(st->by_tuple, &key);
			s->in_table = false;
			f = NULL;
		}
	}
	if (!f) {
		f = flow_create(ctx, st, pkt, &key, o, n, rec);
		if (!f)
			return status; /* plain TCP: not ours */
	}
	node = f->node;
	c = conn_of(node);
	s = sub_of(f);
	d = pkt_from_src(f, pkt) ? MPF_FLOW_FORWARD : MPF_FLOW_REVERSE;
	side = side_of(s, d);
	sd = &s->dir[d];

	rec->protocol = MPF_PROTO_MPTCP;
	rec->node = node->id;
	rec->flow = f->id;
	rec->dir = (uint8_t)(side == MPF_SIDE_CLIENT ? MPF_DIR_CLIENT_TO_SERVER
						     : MPF_DIR_SERVER_TO_CLIENT);
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
	if (pkt->tcp_flags & MPF_TCP_RST)
		s->rst_seen = true;

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
			on_capable(ctx, st, f, d, pkt, &o[i], rec, &implicit,
				   &implicit_buf);
			break;
		case MPF_MPTCP_SUB_JOIN:
			on_join(f, d, &o[i]);
			break;
		case MPF_MPTCP_SUB_DSS:
			on_dss(ctx, f, d, pkt, &o[i], rec, &own, &own_buf);
			break;
		default:
			on_other(ctx, st, f, d, &o[i], rec);
			break;
		}
	}

	/* the data sequence number of the first payload byte */
	if (pkt->payload_len > 0 && !syn) {
		uint64_t r;

		if (rel_seq(sd, pkt->seq, &r)) {
			m = NULL;
			if (own && r - own->ssn < own->len)
				m = own;
			else if (implicit && r - implicit->ssn < implicit->len)
				m = implicit;
			else
				m = map_find(sd, r);
			if (m) {
				struct side *me = &c->side[side];
				uint64_t dsn = m->dsn + (r - m->ssn);

				rec->val[0] = dsn - side_base(me, dsn);
				rec->flags |= MPF_FRAME_HAS_VAL0;
				rec->ref_frame = m->frame;
				if (me->base_guessed)
					rec->bflags |= MPF_MPTCP_FRAME_DSN_GUESSED;
				side_saw_dsn(me, dsn);
			} else if (!c->fallback) {
				rec->bflags |= MPF_MPTCP_FRAME_NO_MAPPING;
			}
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
	return status;
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

static bool
is_mptcp_frame(const struct mpf_frame *f)
{
	return f && f->protocol == MPF_PROTO_MPTCP;
}

bool
mpf_frame_get_mptcp_dsn(const struct mpf_frame *frame, uint64_t *dsn)
{
	if (!is_mptcp_frame(frame) || !(frame->flags & MPF_FRAME_HAS_VAL0))
		return false;
	if (dsn)
		*dsn = frame->val[0];
	return true;
}

bool
mpf_frame_get_mptcp_dack(const struct mpf_frame *frame, uint64_t *dack)
{
	if (!is_mptcp_frame(frame) || !(frame->flags & MPF_FRAME_HAS_VAL1))
		return false;
	if (dack)
		*dack = frame->val[1];
	return true;
}

uint32_t
mpf_frame_get_mptcp_mapping_frame(const struct mpf_frame *frame)
{
	return is_mptcp_frame(frame) ? frame->ref_frame : 0;
}

unsigned
mpf_frame_get_mptcp_options(const struct mpf_frame *frame)
{
	return is_mptcp_frame(frame) ? frame->opts : 0;
}

unsigned
mpf_frame_get_mptcp_flags(const struct mpf_frame *frame)
{
	return is_mptcp_frame(frame) ? frame->bflags : 0;
}
