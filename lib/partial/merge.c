/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * merge.c: the partials of consecutive parts of a capture merged: the
 * counters added, each backend's residues, joins and adoptions, the
 * nodes that continue nothing moved over with new ids.
 *
 * Moves nodes and flows between the two contexts of a fold; the
 * backends decide what joins (their partial.c), not this file.
 */
#include "partial/partial-int.h"

/* Takes @f's counts off its node. */
static void
flow_leave(struct mpf_flow *f)
{
	struct mpf_node *n = f->node;

	n->packets -= MIN(n->packets, f->packets[0] + f->packets[1]);
	n->bytes -= MIN(n->bytes, f->bytes[0] + f->bytes[1]);
	g_ptr_array_remove(n->flows, f);
}

void
mpf__partial_flow_fold(struct mpf_flow *keep, struct mpf_flow *gone, bool swap)
{
	struct mpf_traffic t;

	mpf__partial_flow_traffic(gone, &t);
	mpf__traffic_to_flow(keep, &t, swap);
	/* @gone stays in its context's ids, freed with it */
	flow_leave(gone);
}

void
mpf__partial_flow_move(struct mpf_ctx *into, struct mpf_ctx *later,
		       struct mpf_node *to, struct mpf_flow *f)
{
	flow_leave(f);
	mpf__ids_remove(&later->flows, f->id);
	f->id = into->flows.next;
	mpf__ids_put(&into->flows, f->id, f);
	f->node = to;
	g_ptr_array_add(to->flows, f);
	to->packets += f->packets[0] + f->packets[1];
	to->bytes += f->bytes[0] + f->bytes[1];
	SPAN_FOLD(to, f);
}

void
mpf__partial_node_fold(struct mpf_node *keep, struct mpf_node *gone)
{
	/* a node's span is its creation and the frames counted on it: what
	 * is left of @gone counts only if frames were counted on it alone
	 * (its flows' frames went with them) */
	if (gone->packets)
		SPAN_FOLD(keep, gone);
	keep->packets += gone->packets;
	keep->bytes += gone->bytes;
	gone->packets = gone->bytes = 0;
}

void
mpf__partial_adopt(struct mpf_ctx *into, struct mpf_ctx *later, struct mpf_node *n)
{
	uint32_t *old = g_new(uint32_t, n->flows->len + 1);
	guint i;

	mpf__ids_remove(&later->nodes, n->id);
	n->id = into->nodes.next;
	mpf__ids_put(&into->nodes, n->id, n);
	for (i = 0; i < n->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(n->flows, i);

		old[i] = f->id;
		mpf__ids_remove(&later->flows, f->id);
		f->id = into->flows.next;
		mpf__ids_put(&into->flows, f->id, f);
	}
	if (n->backend->partial_adopted)
		n->backend->partial_adopted(into, into->state[n->protocol], n, old);
	g_free(old);
}

/* The residues of backend @b in @ctx's state. */
static struct mpf_residues *
residues_of(struct mpf_ctx *ctx, const struct mpf_backend *b)
{
	return (struct mpf_residues *)((char *)ctx->state[b->protocol] +
				       b->residues_at);
}

/* Ties what backend @b of @later could not to @into's nodes, or keeps it
 * for a part before @into's: its own partial_residue() on each record. */
static void
residues_fold(struct mpf_ctx *into, struct mpf_ctx *later,
	      const struct mpf_backend *b)
{
	const struct mpf_residues *res = residues_of(later, b);
	GHashTableIter it;
	gpointer v;

	residues_of(into, b)->lost += res->lost;
	if (!res->table)
		return;
	g_hash_table_iter_init(&it, res->table);
	while (g_hash_table_iter_next(&it, NULL, &v))
		b->partial_residue(into, into->state[b->protocol], v);
}

/* Folds @later, the part after @into's, into @into. */
static void
fold(struct mpf_ctx *into, struct mpf_ctx *later)
{
	uint32_t id;
	int i;

	for (i = 0; i < MPF_COUNTER_COUNT; i++)
		into->counters[i] += later->counters[i];
	if (later->fed) {
		if (!into->fed) {
			into->first_number = later->first_number;
			into->first_ts = later->first_ts;
		}
		into->fed = true;
		into->last_number = later->last_number;
		into->last_ts = later->last_ts;
		if (later->now_ns > into->now_ns)
			into->now_ns = later->now_ns;
	}
	for (i = 0; mpf__backends[i]; i++) {
		const struct mpf_backend *b = mpf__backends[i];

		if (b->partial_residue)
			residues_fold(into, later, b);
	}
	for (id = 0; id < later->nodes.next; id++) {
		struct mpf_node *n = mpf__ids_get(&later->nodes, id);
		const struct mpf_backend *b;

		if (!n)
			continue;
		b = n->backend;
		if (b->partial_join &&
		    b->partial_join(into, into->state[n->protocol], later, n))
			continue; /* folded: freed with @later */
		mpf__partial_adopt(into, later, n);
	}
	for (i = 0; mpf__backends[i]; i++) {
		const struct mpf_backend *b = mpf__backends[i];

		if (b->partial_done)
			b->partial_done(into, into->state[b->protocol], later,
					later->state[b->protocol]);
	}
}

int
mpf_partial_merge(const void *const *parts, const size_t *lens, size_t n,
		  void **data, size_t *len)
{
	struct mpf_ctx *into = NULL, *later;
	size_t i;
	int st;

	if (data)
		*data = NULL;
	if (len)
		*len = 0;
	if (!parts || !lens || n == 0 || !data || !len)
		return MPF_ERR_INVALID;
	for (i = 0; i < n; i++)
		if (!parts[i])
			return MPF_ERR_INVALID;
	st = mpf__partial_load(parts[0], lens[0], &into);
	for (i = 1; i < n && st == MPF_OK; i++) {
		st = mpf__partial_load(parts[i], lens[i], &later);
		if (st != MPF_OK)
			break;
		if (into->fed && later->fed &&
		    later->first_number <= into->last_number)
			st = MPF_ERR_ORDER;
		else
			fold(into, later);
		mpf_ctx_free(later);
	}
	if (st == MPF_OK)
		st = mpf_ctx_export_partial(into, data, len);
	mpf_ctx_free(into);
	return st;
}
