/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * site.c: the backend's lifecycle and its table (mpf__backend_lisp); the
 * prefix trie per instance and family, sites (nodes) and their locator
 * sets as records change them, and the streaming hooks.
 *
 * The only file that files sites in the trie and the site table; does not
 * read packets (msg.c) or decide what a message means (ingest.c).
 */
#include <string.h>

#include "backends/lisp/lisp-int.h"

/* A trie node as malloc holds it: 24 bytes in a 32-byte chunk. */
#define TNODE_COST 32

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

	s->shard = ctx->config.shard;
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
	mpf__lisp_partial_fini(s);
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
	if (!pkt->has_tcp ||
	    (pkt->sport != LISP_CONTROL_PORT && pkt->dport != LISP_CONTROL_PORT))
		return false;
	/* a segment with MPTCP options (kind 30) is MPTCP's whatever its
	 * ports: LISP's reliable transport never carries them */
	for (unsigned i = 0; i < pkt->n_opts; i++)
		if (pkt->opts[i].kind == 30)
			return false;
	return true;
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
	/* the root goes with the last site of its instance: a flood of
	 * instance ids must leave nothing behind (the table's destroy
	 * function frees it) */
	if (i == 0 && !t->site && !t->child[0] && !t->child[1]) {
		int64_t key = (int64_t)iid << 1 | (prefix->family == 6);

		g_hash_table_remove(st->tries, &key);
	}
}

/* How many trie roots (instance ids and families) and sites are alive
 * in the backend's @state: the unit tests' view of what released sites
 * leave behind. */
void
mpf__lisp_count(const void *state, guint *roots, guint *sites)
{
	const struct state *st = state;

	*roots = g_hash_table_size(st->tries);
	*sites = g_hash_table_size(st->sites);
}

/* The site of the longest prefix that covers @addr in @iid, or NULL. */
struct mpf_node *
mpf__lisp_trie_lookup(struct state *st, uint32_t iid,
		      const struct mpf_addr *addr)
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

void
mpf__lisp_mask_prefix(struct mpf_addr *a, unsigned len)
{
	unsigned i, bits = a->family == 4 ? 32 : 128;

	if (len > bits)
		len = bits;
	for (i = len; i < 128; i++)
		a->bytes[i / 8] &= (uint8_t)~(1 << (7 - i % 8));
}

struct mpf_node *
mpf__lisp_site_get(struct mpf_ctx *ctx, struct state *st,
		   const struct mpf_pkt *pkt, uint32_t iid,
		   const struct mpf_addr *eid, uint8_t len)
{
	struct site_key key;
	struct mpf_node *n;
	struct site *s;
	unsigned bits = eid->family == 4 ? 32 : 128;

	memset(&key, 0, sizeof(key));
	key.iid = iid;
	key.len = len > bits ? (uint8_t)bits : len;
	key.prefix = *eid;
	mpf__lisp_mask_prefix(&key.prefix, key.len);
	n = g_hash_table_lookup(st->sites, &key);
	if (n)
		return n;
	n = mpf__node_new(ctx, &mpf__backend_lisp, pkt);
	s = site_of(n);
	s->iid = iid;
	s->prefix = key.prefix;
	s->len = key.len;
	mpf__lisp_site_file(st, n);
	return n;
}

/* The key @s is filed under in the state's sites. */
static void
site_key_of(const struct site *s, struct site_key *key)
{
	memset(key, 0, sizeof(*key));
	key->iid = s->iid;
	key->len = s->len;
	key->prefix = s->prefix;
}

/* Files @site under its key and its prefix (longest-prefix match). */
bool
mpf__lisp_site_file(struct state *st, struct mpf_node *site)
{
	const struct site *s = site_of(site);
	struct site_key key;

	site_key_of(s, &key);
	if (g_hash_table_contains(st->sites, &key))
		return false;
	g_hash_table_insert(st->sites, g_memdup2(&key, sizeof(key)), site);
	trie_insert(st, s->iid, &s->prefix, s->len, site);
	return true;
}

struct mpf_node *
mpf__lisp_site_find(struct state *st, const struct mpf_node *like)
{
	struct site_key key;

	site_key_of(site_of(like), &key);
	return g_hash_table_lookup(st->sites, &key);
}

struct loc *
mpf__lisp_loc_find(struct site *s, const struct mpf_addr *rloc)
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

void
mpf__lisp_on_locator(const struct mpf_lisp_wire_loc *l, void *user)
{
	struct rec_ctx *rc = user;
	struct site *s = site_of(rc->site);
	struct loc *x;

	if (!l->rloc.is_ip)
		return; /* not an address a flow could carry */
	x = mpf__lisp_loc_find(s, &l->rloc.ip);
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
void
mpf__lisp_record_done(struct mpf_node *site, const struct mpf_lisp_record *r,
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
	site_key_of(s, &key);
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
	       /* its trie branch (a malloc chunk per level), its table
		* entry and key, and the root of its instance (its table
		* entry and key) when it is alone in it */
	       ((size_t)s->len + 1) * TNODE_COST + 64 + 48;
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

/* The backend: its hooks are here and in ingest.c. */
const struct mpf_backend mpf__backend_lisp = {
	.name = "lisp",
	.protocol = MPF_PROTO_LISP,
	.state_size = sizeof(struct state),
	.node_priv_size = sizeof(struct site),
	.flow_priv_size = sizeof(struct pair),
	.init = lisp_init,
	.fini = lisp_fini,
	.claims = lisp_claims,
	.ingest = mpf__lisp_ingest,
	.node_fini = lisp_node_fini,
	.flow_fini = NULL,
	.node_unhook = lisp_node_unhook,
	.node_mem = lisp_node_mem,
	.mem_every = 1,
	.node_settled = lisp_node_settled,
	.flow_type = mpf__lisp_flow_type,
	.node_type = mpf__lisp_node_type,
	.state_type = mpf__lisp_state_type,
	.flow_import = mpf__lisp_flow_import,
	.node_export = mpf__lisp_node_export,
	.node_import = mpf__lisp_node_import,
	.state_export = mpf__lisp_state_export,
	.state_import = mpf__lisp_state_import,
	.residues_at = offsetof(struct state, residues),
	.partial_residue = mpf__lisp_partial_residue,
	.partial_join = mpf__lisp_partial_join,
	.partial_adopted = mpf__lisp_partial_adopted,
	.partial_done = mpf__lisp_partial_done,
};
