/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stream.c: the streaming hooks: unhooking a connection from the state's
 * lookup tables when it is retired, its memory estimate, and whether it
 * is settled or ended.
 *
 * Reads connection state; changes only the state's lookup tables.
 */
#include "backends/mptcp/mptcp-int.h"

void
mpf__mptcp_node_unhook(struct mpf_ctx *ctx, void *state, struct mpf_node *node,
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
		if (x->has_key) {
			v = g_hash_table_lookup(st->by_key, &x->key);
			if (v == node || v == owner)
				g_hash_table_remove(st->by_key, &x->key);
		}
	}
	/* its index entries: what its sides' windows hold, nothing else */
	mpf__mptcp_index_drop(st, node);
}

/* What GLib and malloc take for a GArray of @n elements of @size: the
 * array (a 48-byte block), its data (a power of two of 16 bytes or
 * more, with an 8-byte header). */
static size_t
array_bytes(guint n, gsize size)
{
	gsize want = MAX((gsize)n * size, 16), cap = 16;

	if (n == 0)
		return 0;
	while (cap < want)
		cap <<= 1;
	return 48 + cap + 8;
}

/* An index entry: its place in a bucket's owner array, and its share of
 * the bucket (the table slot, the key, the array), as most buckets hold
 * one owner. */
#define INDEX_ENTRY_BYTES 160

size_t
mpf__mptcp_node_mem(const struct mpf_node *node)
{
	const struct conn *c = conn_of(node);
	size_t m;
	guint i;
	int d;

	m = (c->announced ? array_bytes(c->announced->len,
					sizeof(struct announced))
			  : 0) +
	    (c->evidence ? array_bytes(c->evidence->len,
				       sizeof(struct evidence))
			 : 0) +
	    (c->pend ? PENDING_MAX * sizeof(struct evidence) + 16 : 0) +
	    (size_t)mpf__mptcp_index_count(c) * INDEX_ENTRY_BYTES;
	for (d = 0; d < 2; d++)
		m += mpf__oarr_bytes(&c->side[d].sent) +
		     mpf__oarr_bytes(&c->side[d].sent_frames);
	for (i = 0; i < node->flows->len; i++) {
		const struct sub *s = sub_of(g_ptr_array_index(node->flows, i));

		for (d = 0; d < 2; d++)
			m += mpf__oarr_bytes(&s->dir[d].maps);
		if (s->prio)
			m += array_bytes(s->prio->len, sizeof(struct prio_change));
	}
	return m;
}

bool
mpf__mptcp_node_settled(const struct mpf_node *node)
{
	return conn_of(node)->settled;
}

bool
mpf__mptcp_node_ended(const struct mpf_node *node)
{
	const struct conn *c = conn_of(node);

	return c->fallback || c->checks.fastclose_frame ||
	       (c->side[0].st.data_fin && c->side[1].st.data_fin) ||
	       (c->resets && c->resets >= node->flows->len);
}
