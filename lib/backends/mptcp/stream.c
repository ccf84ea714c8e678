/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stream.c: the streaming hooks: unhooking a connection from the state's
 * lookup tables when it is retired, its memory estimate, and whether it
 * is settled or ended.
 *
 * Reads connection state; changes only the state's lookup tables.
 */
#include "backends/mptcp/mptcp-int.h"

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

size_t
mpf__mptcp_node_mem(const struct mpf_node *node)
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
