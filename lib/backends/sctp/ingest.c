/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: SCTP: one node per association across all its multihomed paths
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
 */
#include <string.h>

#include "backends/sctp/sctp.h"
#include "mpf-cursor.h"

/* ------------------------------------------------------------ CRC32c */

/* Slicing by 8 (Intel's method): table k holds the CRC of a byte followed
 * by k zero bytes, so that eight bytes are folded per step. A checksum is
 * computed over every SCTP packet, so its speed is the backend's. */
static uint32_t crc32c_table[8][256];

static void
crc32c_init(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		uint32_t i, k, c;

		for (i = 0; i < 256; i++) {
			for (c = i, k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
			crc32c_table[0][i] = c;
		}
		for (i = 0; i < 256; i++)
			for (k = 1; k < 8; k++)
				crc32c_table[k][i] =
					crc32c_table[0][crc32c_table[k - 1][i] & 0xff] ^
					(crc32c_table[k - 1][i] >> 8);
		g_once_init_leave(&done, 1);
	}
}

uint32_t
mpf__crc32c_portable(uint32_t crc, const uint8_t *p, size_t n)
{
	crc32c_init();
	for (; n >= 8; n -= 8, p += 8) {
		/* the byte order of the input, whatever the host's */
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
			      (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;

		crc = crc32c_table[7][lo & 0xff] ^ crc32c_table[6][lo >> 8 & 0xff] ^
		      crc32c_table[5][lo >> 16 & 0xff] ^ crc32c_table[4][lo >> 24] ^
		      crc32c_table[3][hi & 0xff] ^ crc32c_table[2][hi >> 8 & 0xff] ^
		      crc32c_table[1][hi >> 16 & 0xff] ^ crc32c_table[0][hi >> 24];
	}
	for (; n > 0; n--, p++)
		crc = crc32c_table[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* SSE 4.2 has CRC32c as an instruction (same polynomial, same reflected
 * running value): eight bytes a cycle or so, where it is there. */
__attribute__((target("sse4.2"))) static uint32_t
crc32c_sse42(uint32_t crc, const uint8_t *p, size_t n)
{
	uint64_t c = crc;

	for (; n >= 8; n -= 8, p += 8) {
		uint64_t v;

		memcpy(&v, p, 8); /* little-endian, as the instruction reads */
		c = __builtin_ia32_crc32di(c, v);
	}
	crc = (uint32_t)c;
	for (; n > 0; n--, p++)
		crc = __builtin_ia32_crc32qi(crc, *p);
	return crc;
}
#endif

uint32_t
mpf__crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
	static int hw = -1;

	if (hw < 0) /* racing threads both find the same answer */
		hw = __builtin_cpu_supports("sse4.2") ? 1 : 0;
	if (hw)
		return crc32c_sse42(crc, p, n);
#endif
	return mpf__crc32c_portable(crc, p, n);
}

uint32_t
mpf__sctp_checksum(const uint8_t *sctp, size_t len)
{
	static const uint8_t zero[4];
	uint32_t crc = 0xffffffff;

	if (len < 12)
		return 0;
	crc = mpf__crc32c(crc, sctp, 8);
	crc = mpf__crc32c(crc, zero, 4);
	crc = mpf__crc32c(crc, sctp + 12, len - 12);
	crc = ~crc;
	/* the CRC goes on the wire least significant byte first */
	return (crc & 0xff) << 24 | (crc & 0xff00) << 8 | (crc >> 8 & 0xff00) |
	       crc >> 24;
}

/* Adler-32 (RFC 2960, before RFC 3309): old stacks' checksum. */
static uint32_t
adler32(const uint8_t *p, size_t len)
{
	uint32_t a = 1, b = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t v = i >= 8 && i < 12 ? 0 : p[i];

		a = (a + v) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

/* ----------------------------------------------------------- parsing */

static const struct {
	uint8_t type;
	const char *name;
} chunk_names[] = {
	{ SCTP_DATA, "DATA" },
	{ SCTP_INIT, "INIT" },
	{ SCTP_INIT_ACK, "INIT_ACK" },
	{ SCTP_SACK, "SACK" },
	{ SCTP_HEARTBEAT, "HEARTBEAT" },
	{ SCTP_HEARTBEAT_ACK, "HEARTBEAT_ACK" },
	{ SCTP_ABORT, "ABORT" },
	{ SCTP_SHUTDOWN, "SHUTDOWN" },
	{ SCTP_SHUTDOWN_ACK, "SHUTDOWN_ACK" },
	{ SCTP_ERROR, "ERROR" },
	{ SCTP_COOKIE_ECHO, "COOKIE_ECHO" },
	{ SCTP_COOKIE_ACK, "COOKIE_ACK" },
	{ SCTP_ECNE, "ECNE" },
	{ SCTP_CWR, "CWR" },
	{ SCTP_SHUTDOWN_COMPLETE, "SHUTDOWN_COMPLETE" },
	{ SCTP_AUTH, "AUTH" },
	{ SCTP_NR_SACK, "NR_SACK" },
	{ SCTP_I_DATA, "I_DATA" },
	{ SCTP_ASCONF_ACK, "ASCONF_ACK" },
	{ SCTP_RE_CONFIG, "RE_CONFIG" },
	{ SCTP_PAD, "PAD" },
	{ SCTP_FORWARD_TSN, "FORWARD_TSN" },
	{ SCTP_ASCONF, "ASCONF" },
	{ SCTP_I_FORWARD_TSN, "I_FORWARD_TSN" },
};

const char *
mpf_sctp_chunk_to_string(unsigned type)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(chunk_names); i++)
		if (chunk_names[i].type == type)
			return chunk_names[i].name;
	return "unknown";
}

uint32_t
mpf_sctp_chunk_bit(unsigned type)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(chunk_names); i++)
		if (chunk_names[i].type == type)
			return 1u << i;
	return 1u << 31; /* any other type */
}

int
mpf__sctp_walk(const uint8_t *sctp, size_t cap, size_t len,
	       bool (*fn)(const struct mpf_sctp_chunk *ch, void *user),
	       void *user)
{
	size_t off = 12;

	if (cap > len)
		cap = len;
	if (len < 12)
		return MPF_ERR_MALFORMED;
	if (cap < 12)
		return MPF_ERR_TRUNCATED;
	while (off < len) {
		struct mpf_sctp_chunk ch;
		size_t padded;

		if (off + 4 > len)
			return MPF_ERR_MALFORMED;
		if (off + 4 > cap)
			return MPF_ERR_TRUNCATED;
		ch.type = sctp[off];
		ch.flags = sctp[off + 1];
		ch.len = (uint16_t)(sctp[off + 2] << 8 | sctp[off + 3]);
		if (ch.len < 4 || off + ch.len > len)
			return MPF_ERR_MALFORMED;
		ch.value = sctp + off + 4;
		ch.value_cap = (uint32_t)(off + ch.len <= cap ? ch.len - 4u
				     : cap - off - 4);
		if (!fn(&ch, user))
			return MPF_OK;
		if (off + ch.len > cap)
			return MPF_ERR_TRUNCATED;
		/* the last chunk may go without its padding */
		padded = ((size_t)ch.len + 3) & ~(size_t)3;
		off += padded;
	}
	/* all chunks captured, but maybe not the last one's padding */
	return cap < len ? MPF_ERR_TRUNCATED : MPF_OK;
}

int
mpf__sctp_walk_params(const uint8_t *p, size_t cap, size_t len,
		      bool (*fn)(uint16_t type, const uint8_t *value,
				 uint32_t value_cap, uint32_t value_len,
				 void *user),
		      void *user)
{
	size_t off = 0;

	if (cap > len)
		cap = len;
	while (off + 4 <= len) {
		uint16_t type, plen;

		if (off + 4 > cap)
			return MPF_ERR_TRUNCATED;
		type = (uint16_t)(p[off] << 8 | p[off + 1]);
		plen = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
		if (plen < 4 || off + plen > len)
			return MPF_ERR_MALFORMED;
		if (!fn(type, p + off + 4,
			(uint32_t)(off + plen <= cap ? plen - 4u : cap - off - 4),
			plen - 4u, user))
			return MPF_OK;
		if (off + plen > cap)
			return MPF_ERR_TRUNCATED;
		off += ((size_t)plen + 3) & ~(size_t)3;
	}
	/* a tail too short for a parameter header */
	return off < len && len - off >= 4 ? MPF_ERR_MALFORMED : MPF_OK;
}

/* An IPv4 or IPv6 address parameter's value into @a. */
static bool
addr_param(uint16_t type, const uint8_t *v, uint32_t cap, uint32_t len,
	   struct mpf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (type == SCTP_P_IPV4 && len == 4 && cap >= 4) {
		a->family = 4;
		memcpy(a->bytes, v, 4);
		return true;
	}
	if (type == SCTP_P_IPV6 && len == 16 && cap >= 16) {
		a->family = 6;
		memcpy(a->bytes, v, 16);
		return true;
	}
	return false;
}

int
mpf__sctp_parse_chunk(const struct mpf_sctp_chunk *ch,
		      struct mpf_sctp_info *in)
{
	struct mpf_cursor c;
	uint32_t vlen = ch->len - 4u;

	memset(in, 0, sizeof(*in));
	in->type = ch->type;
	mpf_cursor_init(&c, ch->value, ch->value_cap);

/* The fixed part the analysis needs: malformed when the chunk is
 * shorter, truncated when the capture is. */
#define NEED(n)                                                              \
	do {                                                                 \
		if (vlen < (n))                                              \
			return MPF_ERR_MALFORMED;                            \
		if (ch->value_cap < (n))                                     \
			return MPF_ERR_TRUNCATED;                            \
	} while (0)

	switch (ch->type) {
	case SCTP_DATA:
		NEED(12);
		in->u.data.tsn = mpf_get_be32(&c);
		in->u.data.stream = mpf_get_be16(&c);
		in->u.data.data_len = vlen - 12;
		break;
	case SCTP_I_DATA:
		NEED(16);
		in->u.data.tsn = mpf_get_be32(&c);
		in->u.data.stream = mpf_get_be16(&c);
		in->u.data.data_len = vlen - 16;
		break;
	case SCTP_INIT:
	case SCTP_INIT_ACK:
		NEED(16);
		in->u.init.tag = mpf_get_be32(&c);
		in->u.init.a_rwnd = mpf_get_be32(&c);
		in->u.init.os = mpf_get_be16(&c);
		in->u.init.mis = mpf_get_be16(&c);
		in->u.init.initial_tsn = mpf_get_be32(&c);
		in->u.init.params = ch->value + 16;
		in->u.init.params_cap = ch->value_cap - 16;
		in->u.init.params_len = vlen - 16;
		break;
	case SCTP_SACK:
		NEED(12);
		in->u.sack.cum_ack = mpf_get_be32(&c);
		in->u.sack.a_rwnd = mpf_get_be32(&c);
		in->u.sack.gaps = mpf_get_be16(&c);
		in->u.sack.dups = mpf_get_be16(&c);
		break;
	case SCTP_NR_SACK:
		/* as SACK, then the number of NR gap blocks before the
		 * number of duplicate TSNs, and 2 reserved bytes */
		NEED(16);
		in->u.sack.cum_ack = mpf_get_be32(&c);
		in->u.sack.a_rwnd = mpf_get_be32(&c);
		in->u.sack.gaps = mpf_get_be16(&c);
		mpf_cursor_skip(&c, 2);
		in->u.sack.dups = mpf_get_be16(&c);
		break;
	case SCTP_HEARTBEAT:
	case SCTP_HEARTBEAT_ACK:
		NEED(4);
		mpf_cursor_skip(&c, 2);
		in->u.heartbeat.info_len = mpf_get_be16(&c);
		if (in->u.heartbeat.info_len < 4 || in->u.heartbeat.info_len > vlen)
			return MPF_ERR_MALFORMED;
		in->u.heartbeat.info_len -= 4;
		in->u.heartbeat.info = ch->value + 4;
		if (ch->value_cap < 4 + in->u.heartbeat.info_len)
			return MPF_ERR_TRUNCATED;
		break;
	case SCTP_ABORT:
		in->u.abort.t_bit = ch->flags & 0x01;
		in->u.abort.cause = -1;
		if (vlen >= 4) {
			NEED(2);
			in->u.abort.cause = mpf_get_be16(&c);
		}
		break;
	case SCTP_SHUTDOWN_COMPLETE:
		in->u.abort.t_bit = ch->flags & 0x01;
		in->u.abort.cause = -1;
		break;
	case SCTP_SHUTDOWN:
		NEED(4);
		in->u.shutdown.cum_ack = mpf_get_be32(&c);
		break;
	case SCTP_ASCONF: {
		uint16_t type, plen;
		struct mpf_addr a;

		NEED(8);
		in->u.asconf.serial = mpf_get_be32(&c);
		type = mpf_get_be16(&c);
		plen = mpf_get_be16(&c);
		/* the address parameter the receiver finds the association by */
		if (plen < 4 || plen > vlen - 4)
			return MPF_ERR_MALFORMED;
		if (ch->value_cap < 4u + plen)
			return MPF_ERR_TRUNCATED;
		if (addr_param(type, ch->value + 8, plen - 4, plen - 4u, &a)) {
			in->u.asconf.has_lookup = true;
			in->u.asconf.lookup = a;
		}
		plen = (uint16_t)((plen + 3) & ~3);
		in->u.asconf.params = ch->value + 4 + plen;
		in->u.asconf.params_len = vlen >= 4u + plen ? vlen - 4 - plen : 0;
		in->u.asconf.params_cap = ch->value_cap >= 4u + plen
						  ? ch->value_cap - 4 - plen
						  : 0;
		break;
	}
	case SCTP_ASCONF_ACK:
		NEED(4);
		in->u.asconf.serial = mpf_get_be32(&c);
		break;
	case SCTP_FORWARD_TSN:
	case SCTP_I_FORWARD_TSN:
		NEED(4);
		in->u.forward_tsn.new_cum_tsn = mpf_get_be32(&c);
		break;
	case SCTP_SHUTDOWN_ACK:
	case SCTP_COOKIE_ACK:
		break;
	default:
		/* COOKIE ECHO, ERROR, ECNE, CWR, AUTH, RE-CONFIG, PAD and
		 * unknown ones: nothing the analysis reads */
		break;
	}
#undef NEED
	return MPF_OK;
}

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

/* The TSNs one side sent, a window of the most recent. */
struct tsnwin {
	bool init;
	uint32_t hi;   /* highest TSN seen */
	uint8_t *bits; /* TSN_WINDOW bits, by tsn % TSN_WINDOW */
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
	GHashTable *half;   /* port pair -> GPtrArray of half nodes */
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

static guint
side_key_hash(gconstpointer k)
{
	const struct side_key *s = k;

	return (guint)(s->tag * 0x9e3779b1u) ^ ((guint)s->rport << 16 | s->sport);
}

static gboolean
side_key_equal(gconstpointer a, gconstpointer b)
{
	const struct side_key *x = a, *y = b;

	return x->tag == y->tag && x->rport == y->rport && x->sport == y->sport;
}

static guint
port_pair(uint16_t a, uint16_t b)
{
	return a < b ? (guint)a << 16 | b : (guint)b << 16 | a;
}

static void
sctp_init(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	crc32c_init();
	s->by_key = g_hash_table_new_full(side_key_hash, side_key_equal, g_free,
					  NULL);
	s->half = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
					(GDestroyNotify)g_ptr_array_unref);
}

static void
sctp_fini(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	g_hash_table_destroy(s->by_key);
	g_hash_table_destroy(s->half);
}

static void
sctp_node_fini(struct mpf_node *n)
{
	struct assoc *a = assoc_of(n);
	int i;

	for (i = 0; i < 2; i++) {
		if (a->addrs[i])
			g_array_free(a->addrs[i], TRUE);
		g_free(a->tsn[i].bits);
	}
	if (a->primary)
		g_array_free(a->primary, TRUE);
	if (a->flows)
		g_hash_table_destroy(a->flows);
}

static bool
sctp_claims(const struct mpf_pkt *pkt)
{
	return pkt->sctp != NULL;
}

/* ----------------------------------------------------- associations */

static void
file_key(struct state *st, struct mpf_node *n, int side)
{
	struct assoc *a = assoc_of(n);
	struct side_key *k = g_new(struct side_key, 1);

	k->rport = a->port[side];
	k->sport = a->port[1 - side];
	k->tag = a->tag[side];
	g_hash_table_replace(st->by_key, k, n);
}

static struct mpf_node *
find_key(struct state *st, uint16_t rport, uint16_t sport, uint32_t tag)
{
	struct side_key k = { rport, sport, tag };

	return g_hash_table_lookup(st->by_key, &k);
}

static void
half_add(struct state *st, struct mpf_node *n)
{
	struct assoc *a = assoc_of(n);
	gpointer key = GUINT_TO_POINTER(port_pair(a->port[0], a->port[1]));
	GPtrArray *v = g_hash_table_lookup(st->half, key);

	if (!v) {
		v = g_ptr_array_new();
		g_hash_table_insert(st->half, key, v);
	}
	g_ptr_array_add(v, n);
	a->half_listed = true;
}

static void
half_remove(struct state *st, struct mpf_node *n)
{
	struct assoc *a = assoc_of(n);
	GPtrArray *v;

	if (!a->half_listed)
		return;
	v = g_hash_table_lookup(st->half,
				GUINT_TO_POINTER(port_pair(a->port[0], a->port[1])));
	if (v)
		g_ptr_array_remove_fast(v, n);
	a->half_listed = false;
}

static struct saddr *
addr_find(struct assoc *a, int side, const struct mpf_addr *addr)
{
	guint i;

	for (i = 0; a->addrs[side] && i < a->addrs[side]->len; i++) {
		struct saddr *x = &g_array_index(a->addrs[side], struct saddr, i);

		if (memcmp(&x->addr, addr, sizeof(*addr)) == 0)
			return x;
	}
	return NULL;
}

/* Records @addr for @side with @origin; returns it (NULL past the cap). */
static struct saddr *
addr_note(struct assoc *a, int side, const struct mpf_addr *addr,
	  unsigned origin, uint32_t frame)
{
	struct saddr *x = addr_find(a, side, addr);

	if (!x) {
		struct saddr n;

		if (!a->addrs[side])
			a->addrs[side] = g_array_new(FALSE, TRUE, sizeof(struct saddr));
		if (a->addrs[side]->len >= MAX_ADDRS)
			return NULL;
		memset(&n, 0, sizeof(n));
		n.addr = *addr;
		n.first_frame = frame;
		g_array_append_val(a->addrs[side], n);
		x = &g_array_index(a->addrs[side], struct saddr,
				   a->addrs[side]->len - 1);
	}
	x->origin |= (uint16_t)origin;
	return x;
}

/* Whether @side's address set was announced (its INIT or INIT ACK seen,
 * so that an address outside it is news). */
static bool
announced_known(const struct assoc *a, int side)
{
	return a->init_seen[side];
}

static bool
is_announced(const struct saddr *x)
{
	return x->origin & (MPF_SCTP_ADDR_INIT_PARAM | MPF_SCTP_ADDR_INIT_SOURCE |
			    MPF_SCTP_ADDR_ASCONF_ADD | MPF_SCTP_ADDR_ASCONF_LOOKUP);
}

static struct mpf_node *
assoc_new(struct mpf_ctx *ctx, const struct mpf_pkt *pkt, uint16_t cport,
	  uint16_t sport)
{
	struct mpf_node *n = mpf__node_new(ctx, &mpf__backend_sctp, pkt);
	struct assoc *a = assoc_of(n);

	a->port[MPF_SIDE_CLIENT] = cport;
	a->port[MPF_SIDE_SERVER] = sport;
	a->cause = -1;
	return n;
}

/* The flow of the packet's address pair in @n, made when new (unless
 * @may_create is false). *@dir gets the packet's way along it. */
static struct mpf_flow *
path_get(struct mpf_ctx *ctx, struct mpf_node *n, const struct mpf_pkt *pkt,
	 uint16_t sport, uint16_t dport, bool may_create, int *dir)
{
	struct assoc *a = assoc_of(n);
	struct mpf_tuple key;
	struct mpf_flow *f;
	bool fwd;

	memset(&key, 0, sizeof(key));
	if (memcmp(&pkt->src, &pkt->dst, sizeof(pkt->src)) <= 0) {
		key.a.addr = pkt->src;
		key.b.addr = pkt->dst;
	} else {
		key.a.addr = pkt->dst;
		key.b.addr = pkt->src;
	}
	if (!a->flows)
		a->flows = g_hash_table_new(mpf__tuple_hash, mpf__tuple_equal);
	f = g_hash_table_lookup(a->flows, &key);
	if (!f) {
		struct mpf_endpoint s, d;

		if (!may_create)
			return NULL;
		memset(&s, 0, sizeof(s));
		memset(&d, 0, sizeof(d));
		s.addr = pkt->src;
		s.port = sport;
		d.addr = pkt->dst;
		d.port = dport;
		f = mpf__flow_new(ctx, n, &s, &d, pkt);
		path_of(f)->tuple = key;
		g_hash_table_insert(a->flows, &path_of(f)->tuple, f);
	}
	fwd = memcmp(&pkt->src, &f->src.addr, sizeof(pkt->src)) == 0;
	if (memcmp(&pkt->src, &pkt->dst, sizeof(pkt->src)) == 0)
		fwd = sport == f->src.port; /* one address both ways: loopback */
	*dir = fwd ? MPF_FLOW_FORWARD : MPF_FLOW_REVERSE;
	return f;
}

/* ------------------------------------------------------------- TSNs */

/* Marks @tsn sent by one side; returns true when it was seen before. */
static bool
tsn_seen(struct tsnwin *w, uint32_t tsn)
{
	uint32_t i;
	int32_t d;

	if (!w->bits)
		w->bits = g_malloc0(TSN_WINDOW / 8);
	if (!w->init) {
		w->init = true;
		w->hi = tsn;
		w->bits[(tsn % TSN_WINDOW) / 8] |= (uint8_t)(1 << (tsn % 8));
		return false;
	}
	d = (int32_t)(tsn - w->hi);
	if (d > 0) {
		/* forget the TSNs that leave the window */
		uint32_t clear = (uint32_t)d < TSN_WINDOW ? (uint32_t)d : TSN_WINDOW;

		for (i = 1; i <= clear; i++) {
			uint32_t t = w->hi + i;

			w->bits[(t % TSN_WINDOW) / 8] &= (uint8_t)~(1 << (t % 8));
		}
		w->hi = tsn;
	} else if ((uint32_t)-d >= TSN_WINDOW) {
		return true; /* far below the window: surely sent before */
	}
	if (w->bits[(tsn % TSN_WINDOW) / 8] & (1 << (tsn % 8)))
		return true;
	w->bits[(tsn % TSN_WINDOW) / 8] |= (uint8_t)(1 << (tsn % 8));
	return false;
}

/* ------------------------------------------------------------ ingest */

/* What the first walk over the chunks learns: enough to find the
 * association before anything changes. */
struct scan {
	int status;
	bool init, init_ack, t_bit;
	uint32_t init_tag, init_ack_tag;
	uint32_t chunks; /* mpf_sctp_chunk_bit()s */
};

static bool
scan_chunk(const struct mpf_sctp_chunk *ch, void *user)
{
	struct scan *s = user;
	struct mpf_sctp_info in;
	int r;

	s->chunks |= mpf_sctp_chunk_bit(ch->type);
	switch (ch->type) {
	case SCTP_INIT:
	case SCTP_INIT_ACK:
		r = mpf__sctp_parse_chunk(ch, &in);
		if (r != MPF_OK) {
			s->status = mpf__status_worst(s->status, r);
			break;
		}
		if (ch->type == SCTP_INIT) {
			s->init = true;
			s->init_tag = in.u.init.tag;
		} else {
			s->init_ack = true;
			s->init_ack_tag = in.u.init.tag;
		}
		break;
	case SCTP_ABORT:
	case SCTP_SHUTDOWN_COMPLETE:
		if (ch->flags & 0x01)
			s->t_bit = true;
		break;
	default:
		break;
	}
	return true;
}

/* What the second walk needs. */
struct apply {
	struct mpf_ctx *ctx;
	const struct mpf_pkt *pkt;
	struct mpf_node *node;
	struct mpf_flow *flow;
	int side, dir; /* the sender's side; the packet's way on the flow */
	bool frozen;   /* a bad checksum: read, change nothing */
	struct mpf_frame *rec;
	int status;
	bool has_tsn, has_cum;
	uint32_t tsn, cum;
};

static bool
init_param(uint16_t type, const uint8_t *v, uint32_t cap, uint32_t len,
	   void *user)
{
	struct apply *ap = user;
	struct mpf_addr a;

	if (addr_param(type, v, cap, len, &a))
		addr_note(assoc_of(ap->node), ap->side, &a,
			  MPF_SCTP_ADDR_INIT_PARAM, ap->rec->number);
	return true;
}

static void
primary_note(struct assoc *a, enum mpf_sctp_primary_kind kind, uint32_t frame,
	     int side, const struct mpf_addr *addr, uint32_t flow)
{
	struct mpf_sctp_primary p;

	if (!a->primary)
		a->primary = g_array_new(FALSE, TRUE, sizeof(p));
	if (a->primary->len >= MAX_PRIMARY)
		return;
	memset(&p, 0, sizeof(p));
	p.kind = kind;
	p.frame = frame;
	p.side = (enum mpf_side)side;
	p.addr = *addr;
	p.flow = flow;
	g_array_append_val(a->primary, p);
}

static bool
asconf_param(uint16_t type, const uint8_t *v, uint32_t cap, uint32_t len,
	     void *user)
{
	struct apply *ap = user;
	struct assoc *a = assoc_of(ap->node);
	struct mpf_addr addr;
	struct saddr *x;
	uint16_t at, al;

	if (type != SCTP_P_ADD_IP && type != SCTP_P_DEL_IP &&
	    type != SCTP_P_SET_PRIMARY)
		return true;
	/* correlation id (4), then an address parameter */
	if (len < 8 || cap < 8)
		return true;
	at = (uint16_t)(v[4] << 8 | v[5]);
	al = (uint16_t)(v[6] << 8 | v[7]);
	if (al < 4 || al > len - 4 ||
	    !addr_param(at, v + 8, cap - 8, al - 4u, &addr))
		return true;
	/* the wildcard address means the packet's source (RFC 5061 4.2.1) */
	if ((addr.family == 4 && !memcmp(addr.bytes, "\0\0\0\0", 4)) ||
	    (addr.family == 6 && !memcmp(addr.bytes, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16)))
		addr = ap->pkt->src;
	switch (type) {
	case SCTP_P_ADD_IP:
		x = addr_note(a, ap->side, &addr, MPF_SCTP_ADDR_ASCONF_ADD,
			      ap->rec->number);
		if (x && !x->added_frame)
			x->added_frame = ap->rec->number;
		ap->rec->bflags |= MPF_SCTP_FRAME_ADDR_ADDED;
		break;
	case SCTP_P_DEL_IP:
		x = addr_find(a, ap->side, &addr);
		if (x && !x->deleted_frame)
			x->deleted_frame = ap->rec->number;
		ap->rec->bflags |= MPF_SCTP_FRAME_ADDR_DELETED;
		break;
	default: /* Set Primary: the sender asks to be reached here */
		x = addr_note(a, ap->side, &addr, 0, ap->rec->number);
		if (x)
			x->primary_frame = ap->rec->number;
		primary_note(a, MPF_SCTP_PRIMARY_SET, ap->rec->number, ap->side,
			     &addr, MPF_ID_NONE);
		ap->rec->bflags |= MPF_SCTP_FRAME_SET_PRIMARY;
		break;
	}
	return true;
}

static uint32_t
hash_bytes(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* New DATA of @side on flow @f: note when it moves to another path and
 * stays there. */
static void
data_path(struct assoc *a, int side, const struct mpf_flow *f,
	  const struct mpf_pkt *pkt, uint32_t frame)
{
	if (!a->data_flow_set[side]) {
		a->data_flow_set[side] = true;
		a->data_flow[side] = f->id;
		return;
	}
	if (f->id == a->data_flow[side]) {
		a->cand_run[side] = 0;
		return;
	}
	if (a->cand_run[side] == 0 || a->cand_flow[side] != f->id) {
		a->cand_flow[side] = f->id;
		a->cand_run[side] = 0;
	}
	if (++a->cand_run[side] >= DATA_MOVE_RUN) {
		a->data_flow[side] = f->id;
		a->cand_run[side] = 0;
		primary_note(a, MPF_SCTP_PRIMARY_DATA_MOVED, frame, side,
			     &pkt->dst, f->id);
	}
}

static bool
apply_chunk(const struct mpf_sctp_chunk *ch, void *user)
{
	struct apply *ap = user;
	struct assoc *a = assoc_of(ap->node);
	struct path *p = ap->flow ? path_of(ap->flow) : NULL;
	struct mpf_sctp_info in;
	int r = mpf__sctp_parse_chunk(ch, &in);

	if (r != MPF_OK) {
		ap->status = mpf__status_worst(ap->status, r);
		return true;
	}
	switch (ch->type) {
	case SCTP_DATA:
	case SCTP_I_DATA:
		if (!ap->has_tsn) {
			ap->has_tsn = true;
			ap->tsn = in.u.data.tsn;
		}
		if (ap->frozen)
			break;
		if (tsn_seen(&a->tsn[ap->side], in.u.data.tsn)) {
			a->st[ap->side].retransmissions++;
			if (p)
				p->st.retransmissions[ap->dir]++;
			ap->rec->bflags |= MPF_SCTP_FRAME_RETRANSMISSION;
		} else {
			struct mpf_sctp_stats *s = &a->st[ap->side];

			if (!s->has_tsn) {
				s->has_tsn = true;
				s->first_tsn = s->last_tsn = in.u.data.tsn;
			}
			if ((int32_t)(in.u.data.tsn - s->last_tsn) > 0)
				s->last_tsn = in.u.data.tsn;
			if ((int32_t)(in.u.data.tsn - s->first_tsn) < 0)
				s->first_tsn = in.u.data.tsn;
			if (ap->flow)
				data_path(a, ap->side, ap->flow, ap->pkt,
					  ap->rec->number);
		}
		a->st[ap->side].data_chunks++;
		a->st[ap->side].data_bytes += in.u.data.data_len;
		if (p)
			p->st.data_chunks[ap->dir]++;
		break;
	case SCTP_INIT:
	case SCTP_INIT_ACK:
		if (ap->frozen)
			break;
		a->init_seen[ap->side] = true;
		addr_note(a, ap->side, &ap->pkt->src, MPF_SCTP_ADDR_INIT_SOURCE,
			  ap->rec->number);
		r = mpf__sctp_walk_params(in.u.init.params, in.u.init.params_cap,
					  in.u.init.params_len, init_param, ap);
		ap->status = mpf__status_worst(ap->status, r);
		break;
	case SCTP_SACK:
	case SCTP_NR_SACK:
		if (!ap->has_cum) {
			ap->has_cum = true;
			ap->cum = in.u.sack.cum_ack;
		}
		if (!ap->frozen)
			a->st[1 - ap->side].sacks++;
		break;
	case SCTP_HEARTBEAT:
		if (ap->frozen || !p)
			break;
		p->st.heartbeats[ap->dir]++;
		p->hb_pending[ap->dir] = true;
		p->hb_hash[ap->dir] = hash_bytes(in.u.heartbeat.info,
						 in.u.heartbeat.info_len);
		p->hb_ts[ap->dir] = ap->pkt->ts_ns;
		break;
	case SCTP_HEARTBEAT_ACK:
		if (ap->frozen || !p)
			break;
		p->st.heartbeat_acks[ap->dir]++;
		/* the ack goes back along the path its heartbeat came */
		if (p->hb_pending[1 - ap->dir] &&
		    p->hb_hash[1 - ap->dir] == hash_bytes(in.u.heartbeat.info,
							  in.u.heartbeat.info_len)) {
			double rtt = (double)(ap->pkt->ts_ns - p->hb_ts[1 - ap->dir]) / 1e9;

			p->hb_pending[1 - ap->dir] = false;
			if (rtt >= 0) {
				if (!p->st.rtt_samples || rtt < p->st.rtt_min)
					p->st.rtt_min = rtt;
				if (!p->st.rtt_samples || rtt > p->st.rtt_max)
					p->st.rtt_max = rtt;
				p->rtt_sum += rtt;
				p->st.rtt_samples++;
				p->st.rtt_avg = p->rtt_sum / p->st.rtt_samples;
			}
		}
		break;
	case SCTP_ABORT:
		if (ap->frozen)
			break;
		if (a->end != MPF_SCTP_END_ABORT) {
			a->end = MPF_SCTP_END_ABORT;
			a->end_frame = ap->rec->number;
			a->cause = in.u.abort.cause;
		}
		break;
	case SCTP_SHUTDOWN:
		if (!ap->frozen && !a->shutdown_frame)
			a->shutdown_frame = ap->rec->number;
		break;
	case SCTP_SHUTDOWN_COMPLETE:
		if (!ap->frozen && a->end == MPF_SCTP_END_OPEN) {
			a->end = MPF_SCTP_END_SHUTDOWN;
			a->end_frame = ap->rec->number;
		}
		break;
	case SCTP_ASCONF:
		if (ap->frozen)
			break;
		if (in.u.asconf.has_lookup)
			addr_note(a, ap->side, &in.u.asconf.lookup,
				  MPF_SCTP_ADDR_ASCONF_LOOKUP, ap->rec->number);
		r = mpf__sctp_walk_params(in.u.asconf.params,
					  in.u.asconf.params_cap,
					  in.u.asconf.params_len, asconf_param, ap);
		ap->status = mpf__status_worst(ap->status, r);
		break;
	default:
		break;
	}
	return true;
}

/* What merging rewrites in the absorbed node's frame records. */
struct merge_fix {
	uint32_t keep;
	bool flip;
	GArray *flow_map; /* pairs of uint32_t: absorbed flow, survivor flow */
};

static void
fix_record(struct mpf_frame *rec, void *user)
{
	const struct merge_fix *m = user;
	guint i;

	rec->node = m->keep;
	if (m->flip)
		rec->dir = (uint8_t)(1 - rec->dir);
	for (i = 0; i + 1 < m->flow_map->len; i += 2)
		if (rec->flow == g_array_index(m->flow_map, uint32_t, i))
			rec->flow = g_array_index(m->flow_map, uint32_t, i + 1);
}

/*
 * An INIT collision (RFC 9260 5.2.4): each end sent an INIT, and the INIT
 * ACK of one names the tag of the other's INIT. Node @gone (opened by the
 * INIT whose sender is @keep's side @side) is the same association: it
 * joins @keep, its flows folding into @keep's for the same address pair.
 */
static void
collision_merge(struct mpf_ctx *ctx, struct state *st, struct mpf_node *keep,
		struct mpf_node *gone, int side)
{
	struct assoc *k = assoc_of(keep), *g = assoc_of(gone);
	struct merge_fix fx = { keep->id, side != MPF_SIDE_CLIENT,
				g_array_new(FALSE, FALSE, sizeof(uint32_t)) };
	GPtrArray *moved = g_ptr_array_new();
	guint i, j;
	int gs;

	for (i = 0; i < gone->flows->len; i++) {
		struct mpf_flow *gf = g_ptr_array_index(gone->flows, i);
		struct mpf_flow *kf = k->flows ? g_hash_table_lookup(
						 k->flows, &path_of(gf)->tuple)
					       : NULL;

		if (kf) {
			g_array_append_val(fx.flow_map, gf->id);
			g_array_append_val(fx.flow_map, kf->id);
		}
		g_ptr_array_add(moved, gf);
	}
	half_remove(st, gone);
	mpf__node_merge(ctx, keep, gone, fix_record, &fx);
	for (i = 0; i < moved->len; i++) {
		struct mpf_flow *gf = g_ptr_array_index(moved, i);
		struct mpf_flow *kf = NULL;

		for (j = 0; j + 1 < fx.flow_map->len; j += 2)
			if (g_array_index(fx.flow_map, uint32_t, j) == gf->id)
				kf = (struct mpf_flow *)mpf_ctx_get_flow(
					ctx, g_array_index(fx.flow_map, uint32_t,
							   j + 1));
		if (kf) {
			mpf__flow_absorb(kf, gf);
		} else {
			if (!k->flows)
				k->flows = g_hash_table_new(mpf__tuple_hash,
							    mpf__tuple_equal);
			g_hash_table_insert(k->flows, &path_of(gf)->tuple, gf);
		}
	}
	/* the absorbed INIT's sender is @keep's side @side */
	for (gs = 0; gs < 2; gs++) {
		int ks = fx.flip ? 1 - gs : gs;

		for (i = 0; g->addrs[gs] && i < g->addrs[gs]->len; i++) {
			struct saddr *x = &g_array_index(g->addrs[gs], struct saddr, i);
			struct saddr *y = addr_note(k, ks, &x->addr, x->origin,
						    x->first_frame);

			if (y && x->first_frame < y->first_frame)
				y->first_frame = x->first_frame;
		}
		k->init_seen[ks] = k->init_seen[ks] || g->init_seen[gs];
		k->st[ks].data_chunks += g->st[gs].data_chunks;
		k->st[ks].data_bytes += g->st[gs].data_bytes;
		k->st[ks].crc_bad += g->st[gs].crc_bad;
	}
	g_array_free(fx.flow_map, TRUE);
	g_ptr_array_free(moved, TRUE);
}

/* The side that sent the packet. */
static int
sender_side(const struct assoc *a, uint16_t sport, uint16_t dport,
	    uint32_t vtag, const struct scan *sc)
{
	if (sc->init)
		return MPF_SIDE_CLIENT;
	if (sc->init_ack) /* sent to the side whose tag it carries */
		return a->has_tag[MPF_SIDE_CLIENT] && a->tag[MPF_SIDE_CLIENT] == vtag
			       ? MPF_SIDE_SERVER
			       : MPF_SIDE_CLIENT;
	if (a->port[0] != a->port[1])
		return sport == a->port[MPF_SIDE_CLIENT] ? MPF_SIDE_CLIENT
							 : MPF_SIDE_SERVER;
	/* one port both ways: the tag tells (the receiver's, or with the T
	 * bit the sender's own) */
	if (sc->t_bit)
		return a->has_tag[MPF_SIDE_CLIENT] && a->tag[MPF_SIDE_CLIENT] == vtag
			       ? MPF_SIDE_CLIENT
			       : MPF_SIDE_SERVER;
	(void)dport;
	return a->has_tag[MPF_SIDE_SERVER] && a->tag[MPF_SIDE_SERVER] == vtag
		       ? MPF_SIDE_CLIENT
		       : MPF_SIDE_SERVER;
}

/* A half node the packet completes: same ports, the tag of the side the
 * packet goes to still unknown, and (when there are several) an address
 * in common. */
static struct mpf_node *
half_match(struct state *st, const struct mpf_pkt *pkt, uint16_t sport,
	   uint16_t dport)
{
	GPtrArray *v = g_hash_table_lookup(st->half,
					   GUINT_TO_POINTER(port_pair(sport, dport)));
	struct mpf_node *only = NULL;
	guint i, n = 0;

	for (i = 0; v && i < v->len; i++) {
		struct mpf_node *h = g_ptr_array_index(v, i);
		struct assoc *a = assoc_of(h);
		int rcv;

		if (a->end != MPF_SCTP_END_OPEN)
			continue;
		/* the receiver is the side with the other port */
		rcv = a->port[MPF_SIDE_CLIENT] == dport &&
				      a->port[MPF_SIDE_SERVER] == sport
			      ? MPF_SIDE_CLIENT
			      : a->port[MPF_SIDE_SERVER] == dport &&
					      a->port[MPF_SIDE_CLIENT] == sport
				      ? MPF_SIDE_SERVER
				      : -1;
		if (rcv < 0 || a->has_tag[rcv])
			continue;
		if (addr_find(a, 1 - rcv, &pkt->src) || addr_find(a, rcv, &pkt->dst))
			return h;
		only = h;
		n++;
	}
	return n == 1 ? only : NULL;
}

static int
sctp_ingest(struct mpf_ctx *ctx, void *state, const struct mpf_pkt *pkt,
	    struct mpf_frame *rec)
{
	struct state *st = state;
	struct scan sc;
	struct apply ap;
	struct mpf_cursor c;
	struct mpf_node *n = NULL;
	struct assoc *a;
	uint16_t sport, dport;
	uint32_t vtag, wire;
	bool frozen = false;
	int st_walk;

	if (pkt->sctp_cap < 12)
		return pkt->sctp_len < 12 ? MPF_ERR_MALFORMED : MPF_ERR_TRUNCATED;
	mpf_cursor_init(&c, pkt->sctp, pkt->sctp_cap);
	sport = mpf_get_be16(&c);
	dport = mpf_get_be16(&c);
	vtag = mpf_get_be32(&c);
	wire = mpf_get_be32(&c);

	/* the checksum: a packet that fails it changes nothing */
	if (pkt->sctp_cap < pkt->sctp_len || wire == 0) {
		rec->bflags |= MPF_SCTP_FRAME_CRC_UNVERIFIED;
	} else if (mpf__sctp_checksum(pkt->sctp, pkt->sctp_len) != wire) {
		if (adler32(pkt->sctp, pkt->sctp_len) == wire) {
			rec->bflags |= MPF_SCTP_FRAME_ADLER32;
		} else {
			rec->bflags |= MPF_SCTP_FRAME_CRC_BAD;
			frozen = true;
		}
	}

	memset(&sc, 0, sizeof(sc));
	st_walk = mpf__sctp_walk(pkt->sctp, pkt->sctp_cap, pkt->sctp_len,
				 scan_chunk, &sc);
	sc.status = mpf__status_worst(st_walk, sc.status);

	/* find the association */
	if (sc.init) {
		n = find_key(st, sport, dport, sc.init_tag);
		if (n && (assoc_of(n)->end != MPF_SCTP_END_OPEN ||
			  assoc_of(n)->established)) {
			/* an INIT on a finished association: a new one */
			rec->bflags |= MPF_SCTP_FRAME_NEW_ASSOC;
			n = NULL;
		}
		if (!n && !frozen) {
			n = assoc_new(ctx, pkt, sport, dport);
			a = assoc_of(n);
			a->has_tag[MPF_SIDE_CLIENT] = true;
			a->tag[MPF_SIDE_CLIENT] = sc.init_tag;
			file_key(st, n, MPF_SIDE_CLIENT);
		}
	} else if (sc.init_ack) {
		n = find_key(st, dport, sport, vtag);
		if (!n && !frozen) {
			/* the INIT was missed: the receiver began */
			n = assoc_new(ctx, pkt, dport, sport);
			a = assoc_of(n);
			a->has_tag[MPF_SIDE_CLIENT] = true;
			a->tag[MPF_SIDE_CLIENT] = vtag;
			file_key(st, n, MPF_SIDE_CLIENT);
		}
		if (n && !frozen) {
			/* the INIT ACK's sender states its own tag: in an INIT
			 * collision that can be the client */
			int s_side;
			struct mpf_node *other;

			a = assoc_of(n);
			s_side = a->has_tag[MPF_SIDE_CLIENT] &&
						 a->tag[MPF_SIDE_CLIENT] == vtag
					 ? MPF_SIDE_SERVER
					 : MPF_SIDE_CLIENT;
			if (!a->has_tag[s_side]) {
				other = find_key(st, a->port[s_side],
						 a->port[1 - s_side], sc.init_ack_tag);
				if (other && other != n &&
				    !assoc_of(other)->established)
					collision_merge(ctx, st, n, other, s_side);
				a->has_tag[s_side] = true;
				a->tag[s_side] = sc.init_ack_tag;
				file_key(st, n, s_side);
			}
			if (a->has_tag[0] && a->has_tag[1])
				half_remove(st, n);
		}
	} else if (sc.t_bit) {
		n = find_key(st, sport, dport, vtag);
		rec->bflags |= MPF_SCTP_FRAME_T_BIT;
	} else {
		n = find_key(st, dport, sport, vtag);
	}
	if (!n && !frozen && !sc.init && !sc.init_ack) {
		/* no handshake seen for it: complete a half, or make one */
		n = half_match(st, pkt, sport, dport);
		if (n) {
			int rcv;

			a = assoc_of(n);
			rcv = a->port[MPF_SIDE_CLIENT] == (sc.t_bit ? sport : dport) &&
					      !a->has_tag[MPF_SIDE_CLIENT]
				      ? MPF_SIDE_CLIENT
				      : MPF_SIDE_SERVER;
			a->has_tag[rcv] = true;
			a->tag[rcv] = vtag;
			file_key(st, n, rcv);
			half_remove(st, n);
			rec->bflags |= MPF_SCTP_FRAME_MERGED;
		} else {
			/* its sender is taken as the client; the tag belongs
			 * to the receiver (or, T bit, to the sender) */
			int side = sc.t_bit ? MPF_SIDE_CLIENT : MPF_SIDE_SERVER;

			n = assoc_new(ctx, pkt, sport, dport);
			a = assoc_of(n);
			a->has_tag[side] = true;
			a->tag[side] = vtag;
			file_key(st, n, side);
			half_add(st, n);
		}
	}
	if (!n) {
		rec->bflags |= MPF_SCTP_FRAME_NO_ASSOC;
		return sc.status;
	}

	a = assoc_of(n);
	memset(&ap, 0, sizeof(ap));
	ap.ctx = ctx;
	ap.pkt = pkt;
	ap.node = n;
	ap.rec = rec;
	ap.frozen = frozen;
	ap.side = sender_side(a, sport, dport, vtag, &sc);
	ap.flow = path_get(ctx, n, pkt, sport, dport, !frozen, &ap.dir);
	if (!a->has_tag[0] || !a->has_tag[1])
		rec->bflags |= MPF_SCTP_FRAME_HALF;
	if (!sc.init && !sc.init_ack && a->has_tag[0] && a->has_tag[1] &&
	    !frozen && !(sc.chunks & mpf_sctp_chunk_bit(SCTP_COOKIE_ECHO)))
		a->established = true;

	rec->protocol = MPF_PROTO_SCTP;
	rec->node = n->id;
	rec->flow = ap.flow ? ap.flow->id : MPF_ID_NONE;
	rec->dir = (uint8_t)ap.side;
	rec->payload_len = pkt->sctp_len;
	rec->ref[1] = sc.chunks;
	if (ap.flow)
		mpf__flow_account(ap.flow, (enum mpf_flow_dir)ap.dir, pkt);
	else {
		n->packets++;
		n->bytes += pkt->raw->wirelen;
		n->last_frame = pkt->raw->number;
		n->last_ts = pkt->ts_ns;
	}
	if (frozen)
		a->st[ap.side].crc_bad++;

	ap.status = sc.status;
	mpf__sctp_walk(pkt->sctp, pkt->sctp_cap, pkt->sctp_len, apply_chunk, &ap);

	/* the source is one of the sender's addresses */
	if (!frozen) {
		struct saddr *x = addr_note(a, ap.side, &pkt->src,
					    MPF_SCTP_ADDR_SOURCE, rec->number);

		if (x && !is_announced(x) && announced_known(a, ap.side)) {
			rec->bflags |= MPF_SCTP_FRAME_UNANNOUNCED;
			if (ap.flow)
				path_of(ap.flow)->st.unannounced = true;
		}
	}
	if (ap.has_tsn) {
		rec->val[0] = ap.tsn;
		rec->flags |= MPF_FRAME_HAS_VAL0;
	}
	if (ap.has_cum) {
		rec->val[1] = ap.cum;
		rec->flags |= MPF_FRAME_HAS_VAL1;
	}
	return ap.status;
}

/* --------------------------------------------------------- streaming */

static void
sctp_node_unhook(struct mpf_ctx *ctx, void *state, struct mpf_node *node,
		 struct mpf_node *owner)
{
	struct state *st = state;
	struct assoc *a = assoc_of(node);
	int side;

	(void)ctx;
	for (side = 0; side < 2; side++) {
		struct side_key k = { a->port[side], a->port[1 - side],
				      a->tag[side] };
		struct mpf_node *v;

		if (!a->has_tag[side])
			continue;
		v = g_hash_table_lookup(st->by_key, &k);
		if (v == node || v == owner)
			g_hash_table_remove(st->by_key, &k);
	}
	if (a->half_listed) {
		gpointer key = GUINT_TO_POINTER(port_pair(a->port[0], a->port[1]));
		GPtrArray *v;

		half_remove(st, node);
		v = g_hash_table_lookup(st->half, key);
		if (v && v->len == 0)
			g_hash_table_remove(st->half, key);
	}
}

static size_t
sctp_node_mem(const struct mpf_node *node)
{
	const struct assoc *a = assoc_of(node);
	size_t m = 0;
	int i;

	for (i = 0; i < 2; i++) {
		if (a->addrs[i])
			m += a->addrs[i]->len * sizeof(struct saddr) + 32;
		if (a->tsn[i].bits)
			m += TSN_WINDOW / 8;
	}
	if (a->primary)
		m += a->primary->len * sizeof(struct mpf_sctp_primary) + 32;
	if (a->flows)
		m += 64 + g_hash_table_size(a->flows) * 32;
	return m;
}

static bool
sctp_node_settled(const struct mpf_node *node)
{
	return assoc_of(node)->established;
}

static bool
sctp_node_ended(const struct mpf_node *node)
{
	const struct assoc *a = assoc_of(node);

	return a->end != MPF_SCTP_END_OPEN || a->shutdown_frame != 0;
}

const struct mpf_backend mpf__backend_sctp = {
	.name = "sctp",
	.protocol = MPF_PROTO_SCTP,
	.state_size = sizeof(struct state),
	.node_priv_size = sizeof(struct assoc),
	.flow_priv_size = sizeof(struct path),
	.init = sctp_init,
	.fini = sctp_fini,
	.claims = sctp_claims,
	.ingest = sctp_ingest,
	.node_fini = sctp_node_fini,
	.flow_fini = NULL,
	.node_unhook = sctp_node_unhook,
	.node_mem = sctp_node_mem,
	.mem_every = 1,
	.node_settled = sctp_node_settled,
	.node_ended = sctp_node_ended,
};

/* -------------------------------------------------------- public API */

static const struct assoc *
sctp_assoc(const struct mpf_node *node)
{
	return node && node->protocol == MPF_PROTO_SCTP ? assoc_of(node) : NULL;
}

uint16_t
mpf_node_get_sctp_port(const struct mpf_node *node, enum mpf_side side)
{
	const struct assoc *a = sctp_assoc(node);

	return a && (unsigned)side < 2 ? a->port[side] : 0;
}

bool
mpf_node_get_sctp_vtag(const struct mpf_node *node, enum mpf_side side,
		       uint32_t *vtag)
{
	const struct assoc *a = sctp_assoc(node);

	if (!a || (unsigned)side > 1 || !a->has_tag[side])
		return false;
	if (vtag)
		*vtag = a->tag[side];
	return true;
}

uint32_t
mpf_node_get_sctp_addr_count(const struct mpf_node *node, enum mpf_side side)
{
	const struct assoc *a = sctp_assoc(node);

	return a && (unsigned)side < 2 && a->addrs[side] ? a->addrs[side]->len : 0;
}

int
mpf_node_get_sctp_addr(const struct mpf_node *node, enum mpf_side side,
		       uint32_t index, struct mpf_sctp_addr *addr, size_t size)
{
	const struct assoc *a = sctp_assoc(node);
	const struct saddr *x;
	struct mpf_sctp_addr out;

	if (!a || (unsigned)side > 1)
		return MPF_ERR_INVALID;
	if (!a->addrs[side] || index >= a->addrs[side]->len)
		return MPF_ERR_NOT_FOUND;
	x = &g_array_index(a->addrs[side], struct saddr, index);
	memset(&out, 0, sizeof(out));
	out.addr = x->addr;
	out.origin = x->origin;
	out.first_frame = x->first_frame;
	out.added_frame = x->added_frame;
	out.deleted_frame = x->deleted_frame;
	out.primary_frame = x->primary_frame;
	out.unannounced = !is_announced(x) && announced_known(a, side);
	return mpf__copy_out(addr, size, &out, sizeof(out));
}

const char *
mpf_sctp_end_to_string(enum mpf_sctp_end end)
{
	static const char *const names[] = { "open", "shutdown", "abort" };

	return (unsigned)end < G_N_ELEMENTS(names) ? names[end] : "unknown";
}

enum mpf_sctp_end
mpf_node_get_sctp_end(const struct mpf_node *node, uint32_t *frame, int *cause)
{
	const struct assoc *a = sctp_assoc(node);
	enum mpf_sctp_end end = MPF_SCTP_END_OPEN;
	uint32_t fr = 0;

	if (a) {
		end = (enum mpf_sctp_end)a->end;
		fr = a->end_frame;
		if (end == MPF_SCTP_END_OPEN && a->shutdown_frame) {
			/* a SHUTDOWN whose completion was not captured */
			end = MPF_SCTP_END_SHUTDOWN;
			fr = a->shutdown_frame;
		}
	}
	if (frame)
		*frame = fr;
	if (cause)
		*cause = a && end == MPF_SCTP_END_ABORT ? a->cause : -1;
	return end;
}

int
mpf_node_get_sctp_stats(const struct mpf_node *node, enum mpf_side sender,
			struct mpf_sctp_stats *stats, size_t size)
{
	const struct assoc *a = sctp_assoc(node);

	if (!a || (unsigned)sender > 1)
		return MPF_ERR_INVALID;
	return mpf__copy_out(stats, size, &a->st[sender], sizeof(a->st[sender]));
}

bool
mpf_node_get_sctp_half(const struct mpf_node *node)
{
	const struct assoc *a = sctp_assoc(node);

	return a && (!a->has_tag[0] || !a->has_tag[1]);
}

uint32_t
mpf_node_get_sctp_primary_count(const struct mpf_node *node)
{
	const struct assoc *a = sctp_assoc(node);

	return a && a->primary ? a->primary->len : 0;
}

int
mpf_node_get_sctp_primary(const struct mpf_node *node, uint32_t index,
			  struct mpf_sctp_primary *change, size_t size)
{
	const struct assoc *a = sctp_assoc(node);

	if (!a)
		return MPF_ERR_INVALID;
	if (!a->primary || index >= a->primary->len)
		return MPF_ERR_NOT_FOUND;
	return mpf__copy_out(change, size,
			&g_array_index(a->primary, struct mpf_sctp_primary, index),
			sizeof(struct mpf_sctp_primary));
}

int
mpf_flow_get_sctp_stats(const struct mpf_flow *flow,
			struct mpf_sctp_flow_stats *stats, size_t size)
{
	if (!flow || flow->node->protocol != MPF_PROTO_SCTP)
		return MPF_ERR_INVALID;
	return mpf__copy_out(stats, size, &path_of(flow)->st,
			sizeof(path_of(flow)->st));
}

static bool
is_sctp_frame(const struct mpf_frame *f)
{
	return f && f->protocol == MPF_PROTO_SCTP;
}

unsigned
mpf_frame_get_sctp_flags(const struct mpf_frame *frame)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	return is_sctp_frame(frame) ? frame->bflags : 0;
}

const char *
mpf_sctp_frame_flag_to_string(unsigned flag)
{
	static const char *const names[] = {
		"crc_bad", "crc_unverified", "retransmission", "unannounced",
		"half", "merged", "new_assoc", "addr_added", "addr_deleted",
		"set_primary", "no_assoc", "t_bit", "adler32",
	};
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(names); i++)
		if (flag == 1u << i)
			return names[i];
	return "unknown";
}

bool
mpf_frame_get_sctp_tsn(const struct mpf_frame *frame, uint32_t *tsn)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	if (!is_sctp_frame(frame) || !(frame->flags & MPF_FRAME_HAS_VAL0))
		return false;
	if (tsn)
		*tsn = (uint32_t)frame->val[0];
	return true;
}

bool
mpf_frame_get_sctp_cum_ack(const struct mpf_frame *frame, uint32_t *tsn)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	if (!is_sctp_frame(frame) || !(frame->flags & MPF_FRAME_HAS_VAL1))
		return false;
	if (tsn)
		*tsn = (uint32_t)frame->val[1];
	return true;
}

uint32_t
mpf_frame_get_sctp_chunks(const struct mpf_frame *frame)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	return is_sctp_frame(frame) ? frame->ref[1] : 0;
}
