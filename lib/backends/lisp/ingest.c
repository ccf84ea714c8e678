/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: LISP: EID prefixes and the locators that carry them
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
 */
#include <string.h>

#include "backends/lisp/lisp.h"

/* ------------------------------------------------------------ reader */

void
mpf__lisp_cur_init(struct mpf_lisp_cur *c, const uint8_t *p, size_t cap,
		   size_t len)
{
	if (cap > len)
		cap = len;
	c->p = p;
	c->cap = p + cap;
	c->end = p + len;
	c->status = MPF_OK;
}

/* Whether @n more bytes can be read: beyond the message they are
 * malformed, beyond the capture truncated. */
static bool
need(struct mpf_lisp_cur *c, size_t n)
{
	if (c->status != MPF_OK)
		return false;
	if ((size_t)(c->end - c->p) < n) {
		c->status = MPF_ERR_MALFORMED;
		return false;
	}
	if ((size_t)(c->cap - c->p) < n) {
		c->status = MPF_ERR_TRUNCATED;
		return false;
	}
	return true;
}

static uint8_t
u8(struct mpf_lisp_cur *c)
{
	return need(c, 1) ? *c->p++ : 0;
}

static uint16_t
u16(struct mpf_lisp_cur *c)
{
	uint16_t v;

	if (!need(c, 2))
		return 0;
	v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	return v;
}

static uint32_t
u32(struct mpf_lisp_cur *c)
{
	uint32_t v = (uint32_t)u16(c) << 16;

	return v | u16(c);
}

static bool
skip(struct mpf_lisp_cur *c, size_t n)
{
	if (!need(c, n))
		return false;
	c->p += n;
	return true;
}

#define MAX_LCAF_DEPTH 4 /* LCAFs in one address, nested or listed */

static bool
read_addr(struct mpf_lisp_cur *c, struct mpf_lisp_addr *a, int depth)
{
	uint16_t afi = u16(c);

	if (depth == 0)
		a->afi = afi;
	switch (afi) {
	case LISP_AFI_NONE:
		return c->status == MPF_OK;
	case LISP_AFI_IPV4:
	case LISP_AFI_IPV6: {
		size_t n = afi == LISP_AFI_IPV4 ? 4 : 16;

		if (!need(c, n))
			return false;
		if (!a->is_ip) {
			a->is_ip = true;
			a->ip.family = afi == LISP_AFI_IPV4 ? 4 : 6;
			memcpy(a->ip.bytes, c->p, n);
		}
		c->p += n;
		return true;
	}
	case LISP_AFI_MAC:
		return skip(c, 6);
	case LISP_AFI_DN: /* a NUL-terminated name */
		while (need(c, 1))
			if (*c->p++ == 0)
				return true;
		return false;
	case LISP_AFI_LCAF: {
		struct mpf_lisp_cur in;
		uint8_t type;
		uint16_t len;

		skip(c, 2); /* reserved, flags */
		type = u8(c);
		skip(c, 1); /* reserved, or the IID mask length */
		len = u16(c);
		if (c->status != MPF_OK)
			return false;
		/* the payload is a window of its own */
		in.p = c->p;
		in.end = c->p + len;
		if (in.end > c->end) {
			c->status = MPF_ERR_MALFORMED;
			return false;
		}
		in.cap = in.end < c->cap ? in.end : c->cap;
		in.status = MPF_OK;
		if (depth >= MAX_LCAF_DEPTH) {
			c->status = MPF_ERR_MALFORMED;
			return false;
		}
		if (type == LCAF_IID) {
			uint32_t iid = u32(&in);

			if (in.status == MPF_OK && !a->has_iid) {
				a->has_iid = true;
				a->iid = iid;
			}
			read_addr(&in, a, depth + 1);
		} else if (type == LCAF_AFI_LIST) {
			while (in.status == MPF_OK && in.p < in.end)
				read_addr(&in, a, depth + 1);
		}
		/* other LCAF types: the payload is skipped whole */
		if (in.status != MPF_OK && (type == LCAF_IID || type == LCAF_AFI_LIST)) {
			c->status = in.status;
			return false;
		}
		return skip(c, len);
	}
	default:
		/* an AFI of unknown size: nothing after it can be read */
		c->status = MPF_ERR_MALFORMED;
		return false;
	}
}

bool
mpf__lisp_read_addr(struct mpf_lisp_cur *c, struct mpf_lisp_addr *a)
{
	memset(a, 0, sizeof(*a));
	return read_addr(c, a, 0);
}

bool
mpf__lisp_read_record(struct mpf_lisp_cur *c, struct mpf_lisp_record *r,
		      void (*loc)(const struct mpf_lisp_wire_loc *l, void *user),
		      void *user)
{
	uint8_t b;
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->ttl = u32(c);
	r->loc_count = u8(c);
	r->mask_len = u8(c);
	b = u8(c);
	r->action = b >> 5;
	r->authoritative = (b & 0x10) != 0;
	skip(c, 1);
	r->map_version = u16(c) & 0x0fff;
	if (!mpf__lisp_read_addr(c, &r->eid))
		return false;
	for (i = 0; i < r->loc_count; i++) {
		struct mpf_lisp_wire_loc l;
		uint16_t flags;

		memset(&l, 0, sizeof(l));
		l.priority = u8(c);
		l.weight = u8(c);
		l.mpriority = u8(c);
		l.mweight = u8(c);
		flags = u16(c);
		l.local = (flags & 0x4) != 0;
		l.probed = (flags & 0x2) != 0;
		l.reachable = (flags & 0x1) != 0;
		if (!mpf__lisp_read_addr(c, &l.rloc))
			return false;
		if (loc)
			loc(&l, user);
	}
	return c->status == MPF_OK;
}

bool
mpf__lisp_read_header(struct mpf_lisp_cur *c, struct mpf_lisp_msg *m)
{
	uint8_t b0;
	unsigned i;

	memset(m, 0, sizeof(*m));
	b0 = u8(c);
	m->type = b0 >> 4;
	m->flags[0] = b0 & 0x0f;
	m->flags[1] = u8(c);
	m->flags[2] = u8(c);
	m->records = u8(c);
	if (c->status != MPF_OK)
		return false;
	switch (m->type) {
	case LISP_MAP_REQUEST: {
		struct mpf_lisp_addr a;

		m->with_reply = (b0 & 0x04) != 0;
		m->probe = (b0 & 0x02) != 0;
		m->smr = (b0 & 0x01) != 0;
		m->smr_invoked = (m->flags[1] & 0x40) != 0;
		m->itr_rlocs = (uint8_t)((m->flags[2] & 0x1f) + 1);
		m->has_nonce = true;
		m->nonce = (uint64_t)u32(c) << 32;
		m->nonce |= u32(c);
		mpf__lisp_read_addr(c, &a); /* source EID */
		for (i = 0; i < m->itr_rlocs && c->status == MPF_OK; i++)
			mpf__lisp_read_addr(c, &a);
		break;
	}
	case LISP_MAP_REPLY:
		m->probe = (b0 & 0x08) != 0;
		m->has_nonce = true;
		m->nonce = (uint64_t)u32(c) << 32;
		m->nonce |= u32(c);
		break;
	case LISP_MAP_REFERRAL: /* RFC 8111: the nonce, then the records */
		m->has_nonce = true;
		m->nonce = (uint64_t)u32(c) << 32;
		m->nonce |= u32(c);
		break;
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK:
	case LISP_INFO: /* RFC 9735: nonce, key id, authentication data */
		if (m->type != LISP_INFO)
			m->want_notify = (m->flags[2] & 0x01) != 0;
		m->has_nonce = true;
		m->nonce = (uint64_t)u32(c) << 32;
		m->nonce |= u32(c);
		m->key_id = u16(c);
		m->auth_len = u16(c);
		skip(c, m->auth_len);
		break;
	default:
		break;
	}
	return c->status == MPF_OK;
}

int
mpf__lisp_read_data(const uint8_t *p, size_t cap, size_t len,
		    struct mpf_lisp_data *d)
{
	memset(d, 0, sizeof(*d));
	if (len < 8)
		return MPF_ERR_MALFORMED;
	if (cap < 8)
		return MPF_ERR_TRUNCATED;
	d->flags = p[0];
	if (d->flags & LISP_DATA_N) {
		d->has_nonce = true;
		d->nonce = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	}
	if (d->flags & LISP_DATA_I) {
		d->has_iid = true;
		d->iid = (uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6];
		d->has_lsb = (d->flags & LISP_DATA_L) != 0;
		d->lsb = p[7];
	} else if (d->flags & LISP_DATA_L) {
		d->has_lsb = true;
		d->lsb = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
			 (uint32_t)p[6] << 8 | p[7];
	}
	return MPF_OK;
}

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

static guint
site_key_hash(gconstpointer k)
{
	const struct site_key *s = k;
	guint h = s->iid * 0x9e3779b1u ^ s->len;
	int i;

	for (i = 0; i < 16; i++)
		h = h * 31 + s->prefix.bytes[i];
	return h ^ s->prefix.family;
}

static gboolean
site_key_equal(gconstpointer a, gconstpointer b)
{
	const struct site_key *x = a, *y = b;

	return x->iid == y->iid && x->len == y->len &&
	       memcmp(&x->prefix, &y->prefix, sizeof(x->prefix)) == 0;
}

static void
trie_free(struct tnode *t)
{
	if (!t)
		return;
	trie_free(t->child[0]);
	trie_free(t->child[1]);
	g_free(t);
}

static void
lisp_init(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	s->sites = g_hash_table_new_full(site_key_hash, site_key_equal, g_free,
					 NULL);
	s->tries = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
					 (GDestroyNotify)trie_free);
	s->nonces = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
					  NULL);
	s->nonces_old = g_hash_table_new_full(g_int64_hash, g_int64_equal,
					      g_free, NULL);
	s->unmapped_idx = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						NULL);
	s->unmapped = g_array_new(FALSE, TRUE, sizeof(struct mpf_lisp_unmapped));
}

static void
lisp_fini(struct mpf_ctx *ctx, void *st)
{
	struct state *s = st;

	(void)ctx;
	g_hash_table_destroy(s->sites);
	g_hash_table_destroy(s->tries);
	g_hash_table_destroy(s->nonces);
	g_hash_table_destroy(s->nonces_old);
	g_hash_table_destroy(s->unmapped_idx);
	g_array_free(s->unmapped, TRUE);
}

static void
lisp_node_fini(struct mpf_node *n)
{
	struct site *s = site_of(n);

	if (s->locs)
		g_array_free(s->locs, TRUE);
	if (s->changes)
		g_array_free(s->changes, TRUE);
	if (s->flows)
		g_hash_table_destroy(s->flows);
}

static bool
lisp_claims(const struct mpf_pkt *pkt)
{
	if (!pkt->has_ports)
		return false;
	if (pkt->ip_proto == 17)
		return pkt->dport == LISP_DATA_PORT || pkt->sport == LISP_CONTROL_PORT ||
		       pkt->dport == LISP_CONTROL_PORT;
	return pkt->has_tcp &&
	       (pkt->sport == LISP_CONTROL_PORT || pkt->dport == LISP_CONTROL_PORT);
}

/* ------------------------------------------------------ prefix trie */

static int
bit_at(const struct mpf_addr *a, unsigned i)
{
	return a->bytes[i / 8] >> (7 - i % 8) & 1;
}

static struct tnode *
trie_get_root(struct state *st, uint32_t iid, int family, bool create)
{
	int64_t key = (int64_t)iid << 1 | (family == 6);
	struct tnode *root = g_hash_table_lookup(st->tries, &key);

	if (!root && create) {
		int64_t *k = g_new(int64_t, 1);

		*k = key;
		root = g_new0(struct tnode, 1);
		g_hash_table_insert(st->tries, k, root);
	}
	return root;
}

static void
trie_insert(struct state *st, uint32_t iid, const struct mpf_addr *prefix,
	    unsigned len, struct mpf_node *site)
{
	struct tnode *t = trie_get_root(st, iid, prefix->family, true);
	unsigned i;

	for (i = 0; i < len; i++) {
		int b = bit_at(prefix, i);

		if (!t->child[b])
			t->child[b] = g_new0(struct tnode, 1);
		t = t->child[b];
	}
	t->site = site;
}

/* Takes @site off its prefix, and prunes the branch it leaves empty. */
static void
trie_remove(struct state *st, uint32_t iid, const struct mpf_addr *prefix,
	    unsigned len, const struct mpf_node *site)
{
	struct tnode *path[129], *t = trie_get_root(st, iid, prefix->family, false);
	unsigned i;

	for (i = 0; t && i < len; i++) {
		path[i] = t;
		t = t->child[bit_at(prefix, i)];
	}
	if (!t || t->site != site)
		return;
	t->site = NULL;
	while (i > 0 && !t->site && !t->child[0] && !t->child[1]) {
		struct tnode *up = path[--i];

		up->child[bit_at(prefix, i)] = NULL;
		g_free(t);
		t = up;
	}
}

/* The site of the longest prefix that covers @addr in @iid, or NULL. */
static struct mpf_node *
trie_lookup(struct state *st, uint32_t iid, const struct mpf_addr *addr)
{
	struct tnode *t = trie_get_root(st, iid, addr->family, false);
	unsigned i, bits = addr->family == 4 ? 32 : 128;
	struct mpf_node *best = NULL;

	for (i = 0; t; i++) {
		if (t->site)
			best = t->site;
		if (i == bits)
			break;
		t = t->child[bit_at(addr, i)];
	}
	return best;
}

/* ------------------------------------------------------------ sites */

static void
mask_prefix(struct mpf_addr *a, unsigned len)
{
	unsigned i, bits = a->family == 4 ? 32 : 128;

	if (len > bits)
		len = bits;
	for (i = len; i < 128; i++)
		a->bytes[i / 8] &= (uint8_t)~(1 << (7 - i % 8));
}

static struct mpf_node *
site_get(struct mpf_ctx *ctx, struct state *st, const struct mpf_pkt *pkt,
	 uint32_t iid, const struct mpf_addr *eid, uint8_t len)
{
	struct site_key key;
	struct mpf_node *n;
	struct site *s;
	unsigned bits = eid->family == 4 ? 32 : 128;

	memset(&key, 0, sizeof(key));
	key.iid = iid;
	key.len = len > bits ? (uint8_t)bits : len;
	key.prefix = *eid;
	mask_prefix(&key.prefix, key.len);
	n = g_hash_table_lookup(st->sites, &key);
	if (n)
		return n;
	n = mpf__node_new(ctx, &mpf__backend_lisp, pkt);
	s = site_of(n);
	s->iid = iid;
	s->prefix = key.prefix;
	s->len = key.len;
	g_hash_table_insert(st->sites, g_memdup2(&key, sizeof(key)), n);
	trie_insert(st, iid, &key.prefix, key.len, n);
	return n;
}

static struct loc *
loc_find(struct site *s, const struct mpf_addr *rloc)
{
	guint i;

	for (i = 0; s->locs && i < s->locs->len; i++) {
		struct loc *l = &g_array_index(s->locs, struct loc, i);

		if (memcmp(&l->pub.rloc, rloc, sizeof(*rloc)) == 0)
			return l;
	}
	return NULL;
}

static void
change_note(struct site *s, enum mpf_lisp_change_kind kind, uint32_t frame,
	    const struct mpf_addr *rloc, uint8_t op, uint8_t ow, uint8_t p,
	    uint8_t w)
{
	struct mpf_lisp_change c;

	if (!s->changes)
		s->changes = g_array_new(FALSE, TRUE, sizeof(c));
	if (s->changes->len >= MAX_CHANGES)
		return;
	memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.frame = frame;
	c.rloc = *rloc;
	c.old_priority = op;
	c.old_weight = ow;
	c.priority = p;
	c.weight = w;
	g_array_append_val(s->changes, c);
}

/* What reading one record needs. */
struct rec_ctx {
	struct mpf_node *site;
	struct mpf_frame *rec;
	bool first_record;
};

static void
on_locator(const struct mpf_lisp_wire_loc *l, void *user)
{
	struct rec_ctx *rc = user;
	struct site *s = site_of(rc->site);
	struct loc *x;

	if (!l->rloc.is_ip)
		return; /* not an address a flow could carry */
	x = loc_find(s, &l->rloc.ip);
	if (!x) {
		struct loc n;

		if (!s->locs)
			s->locs = g_array_new(FALSE, TRUE, sizeof(struct loc));
		if (s->locs->len >= MAX_LOCATORS)
			return;
		memset(&n, 0, sizeof(n));
		n.pub.rloc = l->rloc.ip;
		n.pub.first_frame = rc->rec->number;
		n.pub.priority = l->priority;
		n.pub.weight = l->weight;
		g_array_append_val(s->locs, n);
		x = &g_array_index(s->locs, struct loc, s->locs->len - 1);
		if (s->had_record) {
			change_note(s, MPF_LISP_LOCATOR_ADDED, rc->rec->number,
				    &l->rloc.ip, 0, 0, l->priority, l->weight);
			rc->rec->bflags |= MPF_LISP_FRAME_LOCATOR_ADDED;
		}
	} else if (!x->in_latest) {
		/* back after it was dropped */
		change_note(s, MPF_LISP_LOCATOR_ADDED, rc->rec->number,
			    &l->rloc.ip, 0, 0, l->priority, l->weight);
		rc->rec->bflags |= MPF_LISP_FRAME_LOCATOR_ADDED;
		x->pub.dropped_frame = 0;
	} else if (x->pub.priority != l->priority || x->pub.weight != l->weight) {
		change_note(s, MPF_LISP_LOCATOR_PRIORITY, rc->rec->number,
			    &l->rloc.ip, x->pub.priority, x->pub.weight,
			    l->priority, l->weight);
		rc->rec->bflags |= MPF_LISP_FRAME_PRIORITY_CHANGED;
	}
	x->pub.priority = l->priority;
	x->pub.weight = l->weight;
	x->pub.mpriority = l->mpriority;
	x->pub.mweight = l->mweight;
	x->pub.local = l->local;
	x->pub.probed = l->probed;
	x->pub.reachable = l->reachable;
	x->pub.last_frame = rc->rec->number;
	x->seen = true;
}

/* After a record of @site with locators: those it left out are dropped. */
static void
record_done(struct mpf_node *site, const struct mpf_lisp_record *r,
	    struct mpf_frame *rec)
{
	struct site *s = site_of(site);
	guint i;

	if (r->loc_count == 0) {
		/* a negative reply: no locator, not a withdrawal of each */
		s->st.negative++;
		rec->bflags |= MPF_LISP_FRAME_NEGATIVE;
		return;
	}
	for (i = 0; s->locs && i < s->locs->len; i++) {
		struct loc *x = &g_array_index(s->locs, struct loc, i);

		if (x->seen) {
			x->in_latest = true;
		} else if (x->in_latest) {
			x->in_latest = false;
			x->pub.dropped_frame = rec->number;
			change_note(s, MPF_LISP_LOCATOR_DROPPED, rec->number,
				    &x->pub.rloc, x->pub.priority, x->pub.weight,
				    0, 0);
			rec->bflags |= MPF_LISP_FRAME_LOCATOR_DROPPED;
		}
		x->seen = false;
	}
	s->had_record = true;
	s->st.ttl = r->ttl;
	s->st.action = r->action;
}

/* ------------------------------------------------------------ ingest */

#define NONCE_AGE_NS (60 * G_GINT64_CONSTANT(1000000000))

static void
note_nonce(struct state *st, uint64_t nonce, uint32_t frame, int64_t ts)
{
	int64_t *k;

	if (g_hash_table_size(st->nonces) >= MAX_NONCES / 2 ||
	    ts - st->nonces_since > NONCE_AGE_NS) {
		GHashTable *t = st->nonces_old;

		g_hash_table_remove_all(t);
		st->nonces_old = st->nonces;
		st->nonces = t;
		st->nonces_since = ts;
	}
	k = g_new(int64_t, 1);
	*k = (int64_t)nonce;
	g_hash_table_replace(st->nonces, k, GUINT_TO_POINTER(frame));
}

static bool
find_nonce(struct state *st, uint64_t nonce, uint32_t *frame)
{
	int64_t key = (int64_t)nonce;
	gpointer fr;

	if (!g_hash_table_lookup_extended(st->nonces, &key, NULL, &fr) &&
	    !g_hash_table_lookup_extended(st->nonces_old, &key, NULL, &fr))
		return false;
	*frame = GPOINTER_TO_UINT(fr);
	return true;
}

/*
 * Reads one EID record of a Map-Register, Map-Notify or Map-Reply (@type)
 * and applies it to its site. Returns false when the record is cut or
 * malformed (c->status says).
 */
static bool
mapping_record(struct mpf_ctx *ctx, struct state *st, const struct mpf_pkt *pkt,
	       struct mpf_lisp_cur *c, struct mpf_frame *rec, int type)
{
	struct mpf_lisp_cur save = *c;
	struct mpf_lisp_record r;
	struct rec_ctx rc = { NULL, rec, false };

	/* the EID first, to find the site; then the locators against it */
	if (!mpf__lisp_read_record(c, &r, NULL, NULL))
		return false;
	if (!r.eid.is_ip)
		return true; /* MAC or name EIDs: not in the graph */
	rc.site = site_get(ctx, st, pkt, r.eid.has_iid ? r.eid.iid : 0, &r.eid.ip,
			   r.mask_len);
	*c = save;
	mpf__lisp_read_record(c, &r, on_locator, &rc);
	record_done(rc.site, &r, rec);
	if (type == LISP_MAP_REGISTER)
		site_of(rc.site)->st.registers++;
	else if (type == LISP_MAP_NOTIFY)
		site_of(rc.site)->st.notifies++;
	else
		site_of(rc.site)->st.replies++;
	if (rec->node == MPF_ID_NONE)
		rec->node = rc.site->id;
	if (r.eid.has_iid && !(rec->flags & MPF_FRAME_HAS_VAL1)) {
		rec->val[1] = r.eid.iid;
		rec->flags |= MPF_FRAME_HAS_VAL1;
	}
	return true;
}

/* Reads a control message at @c; @depth counts ECM nesting. */
static int
control(struct mpf_ctx *ctx, struct state *st, const struct mpf_pkt *pkt,
	struct mpf_lisp_cur *c, struct mpf_frame *rec, int depth)
{
	struct mpf_lisp_msg m;
	unsigned i;

	if (!mpf__lisp_read_header(c, &m)) {
		if (depth == 0 && m.type) /* the first byte was read */
			rec->ref[1] = m.type;
		return c->status;
	}
	if (depth == 0)
		rec->ref[1] = m.type;
	if (m.has_nonce) {
		rec->val[0] = m.nonce;
		rec->flags |= MPF_FRAME_HAS_VAL0;
	}
	switch (m.type) {
	case LISP_MAP_REQUEST:
		if (m.probe)
			rec->bflags |= MPF_LISP_FRAME_PROBE;
		if (m.smr)
			rec->bflags |= MPF_LISP_FRAME_SMR;
		if (m.smr_invoked)
			rec->bflags |= MPF_LISP_FRAME_SMR_INVOKED;
		note_nonce(st, m.nonce, rec->number, pkt->ts_ns);
		for (i = 0; i < m.records && c->status == MPF_OK; i++) {
			struct mpf_lisp_addr eid;
			struct mpf_node *site;

			skip(c, 1);
			u8(c); /* mask length */
			if (!mpf__lisp_read_addr(c, &eid))
				break;
			/* a query, not a mapping: count it on a known site */
			site = eid.is_ip ? trie_lookup(st, eid.has_iid ? eid.iid : 0,
						       &eid.ip)
					 : NULL;
			if (site) {
				site_of(site)->st.requests++;
				if (rec->node == MPF_ID_NONE)
					rec->node = site->id;
			}
		}
		break;
	case LISP_MAP_REPLY:
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
		if (m.type == LISP_MAP_REPLY && m.probe)
			rec->bflags |= MPF_LISP_FRAME_PROBE;
		if (m.type == LISP_MAP_REPLY || m.type == LISP_MAP_NOTIFY) {
			uint32_t fr;

			if (find_nonce(st, m.nonce, &fr))
				rec->ref[0] = fr;
			else if (m.type == LISP_MAP_REPLY)
				rec->bflags |= MPF_LISP_FRAME_UNSOLICITED;
		}
		if (m.type == LISP_MAP_REGISTER)
			note_nonce(st, m.nonce, rec->number, pkt->ts_ns);
		for (i = 0; i < m.records && c->status == MPF_OK; i++)
			if (!mapping_record(ctx, st, pkt, c, rec, m.type))
				break;
		break;
	case LISP_ECM: {
		/* an IP header, a UDP header, then a control message */
		struct mpf_pkt inner;
		struct mpf_lisp_cur in;
		int r;

		rec->bflags |= MPF_LISP_FRAME_ECM;
		if (depth > 0)
			return MPF_ERR_MALFORMED; /* an ECM in an ECM */
		memset(&inner, 0, sizeof(inner));
		inner.raw = pkt->raw;
		r = mpf__decode_ip(&inner, c->p, (size_t)(c->cap - c->p),
				   (size_t)(c->end - c->p));
		if (!inner.has_ports || !inner.payload)
			return r < 0 ? r : MPF_ERR_MALFORMED;
		mpf__lisp_cur_init(&in, inner.payload, inner.payload_cap,
				   inner.payload_len);
		r = control(ctx, st, pkt, &in, rec, depth + 1);
		return r;
	}
	default:
		/* Notify-Ack, Referral, Info: read, nothing to keep */
		break;
	}
	return c->status;
}

static struct mpf_flow *
pair_get(struct mpf_ctx *ctx, struct mpf_node *site, const struct mpf_pkt *pkt)
{
	struct site *s = site_of(site);
	struct mpf_tuple key;
	struct mpf_flow *f;

	memset(&key, 0, sizeof(key));
	key.a.addr = pkt->src;
	key.b.addr = pkt->dst;
	if (!s->flows)
		s->flows = g_hash_table_new(mpf__tuple_hash, mpf__tuple_equal);
	f = g_hash_table_lookup(s->flows, &key);
	if (!f) {
		f = mpf__flow_new(ctx, site, &key.a, &key.b, pkt);
		((struct pair *)f->priv)->key = key;
		g_hash_table_insert(s->flows, &((struct pair *)f->priv)->key, f);
	}
	return f;
}

static void
unmapped_note(struct state *st, uint32_t iid, const struct mpf_addr *eid,
	      uint32_t frame)
{
	char buf[MPF_ADDR_STRLEN + 16], a[MPF_ADDR_STRLEN];
	gpointer idx;

	g_snprintf(buf, sizeof(buf), "%u/%s", iid,
		   mpf_addr_to_string(eid, a, sizeof(a)));
	if (g_hash_table_lookup_extended(st->unmapped_idx, buf, NULL, &idx)) {
		g_array_index(st->unmapped, struct mpf_lisp_unmapped,
			      GPOINTER_TO_UINT(idx))
			.packets++;
	} else if (st->unmapped->len < MAX_UNMAPPED) {
		struct mpf_lisp_unmapped u;

		memset(&u, 0, sizeof(u));
		u.iid = iid;
		u.eid = *eid;
		u.packets = 1;
		u.first_frame = frame;
		g_hash_table_insert(st->unmapped_idx, g_strdup(buf),
				    GUINT_TO_POINTER(st->unmapped->len));
		g_array_append_val(st->unmapped, u);
	}
}

/* Data to a locator whose priority is worse than a listed one's. */
static void
check_backup(struct state *st, uint32_t iid, const struct mpf_pkt *inner,
	     const struct mpf_pkt *pkt, struct mpf_frame *rec)
{
	struct mpf_node *dsite = trie_lookup(st, iid, &inner->dst);
	struct site *s;
	struct loc *to;
	unsigned best = 256;
	guint i;

	if (!dsite)
		return;
	s = site_of(dsite);
	s->st.to_site_packets++;
	to = loc_find(s, &pkt->dst);
	if (!to)
		return;
	for (i = 0; i < s->locs->len; i++) {
		struct loc *x = &g_array_index(s->locs, struct loc, i);

		if (x->in_latest && x->pub.priority < best)
			best = x->pub.priority;
	}
	if (best < 255 && to->pub.priority > best) {
		rec->bflags |= MPF_LISP_FRAME_BACKUP_USED;
		to->pub.backup_hits++;
		s->st.backup_used++;
	}
}

static int
data(struct mpf_ctx *ctx, struct state *st, const struct mpf_pkt *pkt,
     struct mpf_frame *rec)
{
	struct mpf_lisp_data d;
	struct mpf_pkt inner;
	struct mpf_node *site;
	struct mpf_flow *f;
	uint32_t iid;
	int r;

	rec->protocol = MPF_PROTO_LISP;
	rec->bflags |= MPF_LISP_FRAME_DATA;
	rec->ref[1] = 0;
	r = mpf__lisp_read_data(pkt->payload, pkt->payload_cap, pkt->payload_len, &d);
	if (r != MPF_OK)
		return r;
	if (d.has_nonce) {
		rec->val[0] = d.nonce;
		rec->flags |= MPF_FRAME_HAS_VAL0;
	}
	iid = d.has_iid ? d.iid : 0;
	if (d.has_iid) {
		rec->val[1] = iid;
		rec->flags |= MPF_FRAME_HAS_VAL1;
	}
	memset(&inner, 0, sizeof(inner));
	inner.raw = pkt->raw;
	r = mpf__decode_ip(&inner, pkt->payload + 8, pkt->payload_cap - 8,
			   pkt->payload_len - 8);
	if (inner.ip_version == 0)
		return r < 0 ? r : MPF_ERR_MALFORMED;
	rec->payload_len = pkt->payload_len - 8;
	site = trie_lookup(st, iid, &inner.src);
	check_backup(st, iid, &inner, pkt, rec);
	if (!site) {
		rec->bflags |= MPF_LISP_FRAME_NO_MAPPING;
		unmapped_note(st, iid, &inner.src, rec->number);
		return MPF_OK;
	}
	f = pair_get(ctx, site, pkt);
	mpf__flow_account(f, MPF_FLOW_FORWARD, pkt);
	site_of(site)->st.data_packets++;
	site_of(site)->st.data_bytes += pkt->payload_len - 8;
	rec->node = site->id;
	rec->flow = f->id;
	rec->dir = MPF_DIR_CLIENT_TO_SERVER;
	/* r: the inner packet's own state (a cut inner header, say) */
	return r == MPF_FRAGMENT ? MPF_OK : (r < 0 ? r : MPF_OK);
}

/*
 * LISP control over TCP (draft-kouvelas-lisp-map-server-reliable-
 * transport, as Wireshark's lisp-tcp reads it): messages of type (2),
 * length (2, all of it), message id (4), a body and an end marker, many
 * to a segment. A Registration (17) carries a Map-Register; a
 * Registration ACK (18) or NACK (19, after a reason and 2 reserved bytes)
 * an EID prefix (mask length, address); a Mapping Notification (21) an
 * xTR-ID, a site id and one mapping record. A segment that does not start
 * a message (the TCP stream is not reassembled) is skipped.
 */
#define LISP_NO_MESSAGE 256 /* a TCP segment without a whole message */
#define RT_REGISTRATION 17
#define RT_REGISTRATION_ACK 18
#define RT_REGISTRATION_NACK 19
#define RT_MAPPING_NOTIFICATION 21
#define RT_END_MARKER 0x9facade9u

/* A Registration ACK or NACK: counted on the site it names, if known
 * (a refusal of a prefix never registered makes no site). */
static void
registration_answer(struct state *st, struct mpf_lisp_cur *c,
		    struct mpf_frame *rec, bool nack)
{
	struct mpf_lisp_addr eid;
	struct site_key key;
	struct mpf_node *n;
	uint8_t reason = 0, len;
	unsigned bits;

	if (nack) {
		reason = u8(c);
		skip(c, 2);
	}
	len = u8(c);
	if (!mpf__lisp_read_addr(c, &eid) || !eid.is_ip)
		return;
	bits = eid.ip.family == 4 ? 32 : 128;
	memset(&key, 0, sizeof(key));
	key.iid = eid.has_iid ? eid.iid : 0;
	key.len = len > bits ? (uint8_t)bits : len;
	key.prefix = eid.ip;
	mask_prefix(&key.prefix, key.len);
	if (nack)
		rec->bflags |= MPF_LISP_FRAME_REFUSED;
	if (eid.has_iid && !(rec->flags & MPF_FRAME_HAS_VAL1)) {
		rec->val[1] = eid.iid;
		rec->flags |= MPF_FRAME_HAS_VAL1;
	}
	n = g_hash_table_lookup(st->sites, &key);
	if (!n)
		return;
	if (nack) {
		site_of(n)->st.refusals++;
		site_of(n)->st.refusal_reason = reason;
		site_of(n)->st.refusal_frame = rec->number;
	} else {
		site_of(n)->st.acks++;
	}
	if (rec->node == MPF_ID_NONE)
		rec->node = n->id;
}

static int
reliable_message(struct mpf_ctx *ctx, struct state *st,
		 const struct mpf_pkt *pkt, uint16_t type,
		 struct mpf_lisp_cur *c, struct mpf_frame *rec)
{
	switch (type) {
	case RT_REGISTRATION:
		return control(ctx, st, pkt, c, rec, 0);
	case RT_REGISTRATION_ACK:
	case RT_REGISTRATION_NACK:
		rec->ref[1] = type;
		registration_answer(st, c, rec, type == RT_REGISTRATION_NACK);
		return c->status;
	case RT_MAPPING_NOTIFICATION:
		rec->ref[1] = LISP_MAP_NOTIFY;
		if (skip(c, 24)) /* xTR-ID, site id */
			mapping_record(ctx, st, pkt, c, rec, LISP_MAP_NOTIFY);
		return c->status;
	default:
		if (type < LISP_NO_MESSAGE)
			rec->ref[1] = type;
		return MPF_OK;
	}
}

static int
reliable(struct mpf_ctx *ctx, struct state *st, const struct mpf_pkt *pkt,
	 struct mpf_frame *rec)
{
	size_t off = 0, cap = pkt->payload_cap, len = pkt->payload_len;
	const uint8_t *p = pkt->payload;
	int status = MPF_OK;
	unsigned count = 0;

	while (off + 8 <= len) {
		uint16_t type, mlen;
		uint32_t marker;
		struct mpf_lisp_cur c;
		struct mpf_frame more, *r = rec;

		if (off + 8 > cap)
			return mpf__status_worst(status, MPF_ERR_TRUNCATED);
		type = (uint16_t)(p[off] << 8 | p[off + 1]);
		mlen = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
		if (mlen < 12 || off + mlen > len)
			break; /* a message cut by the segment, or no framing */
		if (off + mlen > cap)
			return mpf__status_worst(status, MPF_ERR_TRUNCATED);
		marker = (uint32_t)p[off + mlen - 4] << 24 |
			 (uint32_t)p[off + mlen - 3] << 16 |
			 (uint32_t)p[off + mlen - 2] << 8 | p[off + mlen - 1];
		if (marker != RT_END_MARKER)
			return mpf__status_worst(status, MPF_ERR_MALFORMED);
		/* The frame's type, nonce and instance are its first
		 * message's; later ones add their flags (and give the frame
		 * a site when the first named none). */
		if (count++ > 0) {
			more = *rec;
			r = &more;
		}
		mpf__lisp_cur_init(&c, p + off + 8, mlen - 12, mlen - 12);
		status = mpf__status_worst(status,
					   reliable_message(ctx, st, pkt, type, &c, r));
		if (r == &more) {
			if (rec->node == MPF_ID_NONE)
				rec->node = more.node;
			rec->bflags |= more.bflags;
		}
		off += mlen;
	}
	return status;
}

static int
lisp_ingest(struct mpf_ctx *ctx, void *state, const struct mpf_pkt *pkt,
	    struct mpf_frame *rec)
{
	struct state *st = state;
	struct mpf_lisp_cur c;
	int r;

	if (pkt->ip_proto == 17 && pkt->dport == LISP_DATA_PORT && pkt->payload)
		return data(ctx, st, pkt, rec);
	if (pkt->ip_proto == 17 && pkt->dport == LISP_DATA_PORT)
		return pkt->payload_len < 8 ? MPF_ERR_MALFORMED : MPF_ERR_TRUNCATED;
	rec->protocol = MPF_PROTO_LISP;
	rec->ref[1] = LISP_NO_MESSAGE; /* until a message is read */
	if (pkt->ip_proto != 17) {
		rec->bflags |= MPF_LISP_FRAME_TCP;
		r = pkt->payload_len ? reliable(ctx, st, pkt, rec) : MPF_OK;
	} else if (!pkt->payload) {
		return pkt->payload_len ? MPF_ERR_TRUNCATED : MPF_ERR_MALFORMED;
	} else {
		mpf__lisp_cur_init(&c, pkt->payload, pkt->payload_cap,
				   pkt->payload_len);
		r = control(ctx, st, pkt, &c, rec, 0);
	}
	if (rec->node != MPF_ID_NONE) {
		struct mpf_node *n = (struct mpf_node *)mpf_ctx_get_node(ctx, rec->node);

		/* control traffic counts on the site, in no flow */
		n->packets++;
		n->bytes += pkt->raw->wirelen;
		n->last_frame = pkt->raw->number;
		n->last_ts = pkt->ts_ns;
	}
	return r;
}

/* --------------------------------------------------------- streaming */

static void
lisp_node_unhook(struct mpf_ctx *ctx, void *state, struct mpf_node *node,
		 struct mpf_node *owner)
{
	struct state *st = state;
	struct site *s = site_of(node);
	struct site_key key;

	(void)ctx;
	(void)owner;
	memset(&key, 0, sizeof(key));
	key.iid = s->iid;
	key.len = s->len;
	key.prefix = s->prefix;
	if (g_hash_table_lookup(st->sites, &key) == node)
		g_hash_table_remove(st->sites, &key);
	trie_remove(st, s->iid, &s->prefix, s->len, node);
}

static size_t
lisp_node_mem(const struct mpf_node *node)
{
	const struct site *s = site_of(node);

	return (s->locs ? s->locs->len * sizeof(struct loc) + 32 : 0) +
	       (s->changes ? s->changes->len * sizeof(struct mpf_lisp_change) + 32
			   : 0) +
	       (s->flows ? 64 + g_hash_table_size(s->flows) * 32 : 0) +
	       (size_t)s->len * sizeof(struct tnode) + 64; /* trie, table */
}

/* A site the map server confirmed, or that answered or carried data: a
 * flood of Map-Registers for made-up prefixes is none of these. */
static bool
lisp_node_settled(const struct mpf_node *node)
{
	const struct mpf_lisp_stats *st = &site_of(node)->st;

	return st->notifies || st->replies || st->data_packets ||
	       st->to_site_packets || st->registers > 1 || st->acks;
}

const struct mpf_backend mpf__backend_lisp = {
	.name = "lisp",
	.protocol = MPF_PROTO_LISP,
	.state_size = sizeof(struct state),
	.node_priv_size = sizeof(struct site),
	.flow_priv_size = sizeof(struct pair),
	.init = lisp_init,
	.fini = lisp_fini,
	.claims = lisp_claims,
	.ingest = lisp_ingest,
	.node_fini = lisp_node_fini,
	.flow_fini = NULL,
	.node_unhook = lisp_node_unhook,
	.node_mem = lisp_node_mem,
	.mem_every = 1,
	.node_settled = lisp_node_settled,
};

/* -------------------------------------------------------- public API */

static const struct site *
lisp_site(const struct mpf_node *node)
{
	return node && node->protocol == MPF_PROTO_LISP ? site_of(node) : NULL;
}

bool
mpf_node_get_lisp_iid(const struct mpf_node *node, uint32_t *iid)
{
	const struct site *s = lisp_site(node);

	if (!s)
		return false;
	if (iid)
		*iid = s->iid;
	return true;
}

bool
mpf_node_get_lisp_eid_prefix(const struct mpf_node *node,
			     struct mpf_addr *prefix, uint8_t *length)
{
	const struct site *s = lisp_site(node);

	if (!s)
		return false;
	if (prefix)
		*prefix = s->prefix;
	if (length)
		*length = s->len;
	return true;
}

uint32_t
mpf_node_get_lisp_locator_count(const struct mpf_node *node)
{
	const struct site *s = lisp_site(node);

	return s && s->locs ? s->locs->len : 0;
}

int
mpf_node_get_lisp_locator(const struct mpf_node *node, uint32_t index,
			  struct mpf_lisp_locator *loc, size_t size)
{
	const struct site *s = lisp_site(node);
	struct mpf_lisp_locator out;
	guint i;

	if (!s)
		return MPF_ERR_INVALID;
	if (!s->locs || index >= s->locs->len)
		return MPF_ERR_NOT_FOUND;
	out = g_array_index(s->locs, struct loc, index).pub;
	/* did some data of the site leave from it? */
	out.carried_data = false;
	for (i = 0; i < node->flows->len; i++) {
		const struct mpf_flow *f = g_ptr_array_index(node->flows, i);

		if (memcmp(&f->src.addr, &out.rloc, sizeof(out.rloc)) == 0)
			out.carried_data = true;
	}
	return mpf__copy_out(loc, size, &out, sizeof(out));
}

uint32_t
mpf_node_get_lisp_change_count(const struct mpf_node *node)
{
	const struct site *s = lisp_site(node);

	return s && s->changes ? s->changes->len : 0;
}

int
mpf_node_get_lisp_change(const struct mpf_node *node, uint32_t index,
			 struct mpf_lisp_change *change, size_t size)
{
	const struct site *s = lisp_site(node);

	if (!s)
		return MPF_ERR_INVALID;
	if (!s->changes || index >= s->changes->len)
		return MPF_ERR_NOT_FOUND;
	return mpf__copy_out(change, size,
			&g_array_index(s->changes, struct mpf_lisp_change, index),
			sizeof(struct mpf_lisp_change));
}

int
mpf_node_get_lisp_stats(const struct mpf_node *node,
			struct mpf_lisp_stats *stats, size_t size)
{
	const struct site *s = lisp_site(node);

	if (!s)
		return MPF_ERR_INVALID;
	return mpf__copy_out(stats, size, &s->st, sizeof(s->st));
}

uint32_t
mpf_ctx_get_lisp_unmapped_count(const struct mpf_ctx *ctx)
{
	const struct state *st = ctx ? ctx->state[MPF_PROTO_LISP] : NULL;

	return st ? st->unmapped->len : 0;
}

int
mpf_ctx_get_lisp_unmapped(const struct mpf_ctx *ctx, uint32_t index,
			  struct mpf_lisp_unmapped *u, size_t size)
{
	const struct state *st = ctx ? ctx->state[MPF_PROTO_LISP] : NULL;

	if (!st)
		return MPF_ERR_INVALID;
	if (index >= st->unmapped->len)
		return MPF_ERR_NOT_FOUND;
	return mpf__copy_out(u, size,
			&g_array_index(st->unmapped, struct mpf_lisp_unmapped, index),
			sizeof(struct mpf_lisp_unmapped));
}

static bool
is_lisp_frame(const struct mpf_frame *f)
{
	return f && f->protocol == MPF_PROTO_LISP;
}

unsigned
mpf_frame_get_lisp_flags(const struct mpf_frame *frame)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	return is_lisp_frame(frame) ? frame->bflags : 0;
}

const char *
mpf_lisp_frame_flag_to_string(unsigned flag)
{
	static const char *const names[] = {
		"data", "no_mapping", "backup_used", "unsolicited_reply",
		"locator_dropped", "locator_added", "priority_changed", "smr",
		"smr_invoked", "rloc_probe", "ecm", "negative", "tcp",
		"registration_refused",
	};
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(names); i++)
		if (flag == 1u << i)
			return names[i];
	return "unknown";
}

int
mpf_frame_get_lisp_type(const struct mpf_frame *frame)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	return is_lisp_frame(frame) ? (int)frame->ref[1] : -1;
}

const char *
mpf_lisp_type_to_string(int type)
{
	static const char *const names[] = {
		"data", "Map-Request", "Map-Reply", "Map-Register", "Map-Notify",
		"Map-Notify-Ack", "Map-Referral", "Info", "ECM",
	};

	if (type == LISP_NO_MESSAGE)
		return "no-message";
	switch (type) {
	case RT_REGISTRATION:
		return "Registration";
	case RT_REGISTRATION_ACK:
		return "Registration-ACK";
	case RT_REGISTRATION_NACK:
		return "Registration-NACK";
	case 20:
		return "Registration-Refresh";
	case RT_MAPPING_NOTIFICATION:
		return "Mapping-Notification";
	}
	return type >= 0 && type < (int)G_N_ELEMENTS(names) ? names[type]
							    : "unknown";
}

bool
mpf_frame_get_lisp_nonce(const struct mpf_frame *frame, uint64_t *nonce)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	if (!is_lisp_frame(frame) || !(frame->flags & MPF_FRAME_HAS_VAL0))
		return false;
	if (nonce)
		*nonce = frame->val[0];
	return true;
}

bool
mpf_frame_get_lisp_iid(const struct mpf_frame *frame, uint32_t *iid)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	if (!is_lisp_frame(frame) || !(frame->flags & MPF_FRAME_HAS_VAL1))
		return false;
	if (iid)
		*iid = (uint32_t)frame->val[1];
	return true;
}

uint32_t
mpf_frame_get_lisp_request_frame(const struct mpf_frame *frame)
{
	struct mpf_frame tmp;

	frame = mpf__frame_view(frame, &tmp);
	return is_lisp_frame(frame) ? frame->ref[0] : 0;
}
