/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * traffic.c: the traffic of a flow or node (first and last frame and
 * time, packets, bytes, payload each way): added per packet, summed,
 * moved onto flows and nodes, packed and read back with its checks; and
 * the capped tables of residues (traffic of no node) the backends keep.
 *
 * Changes only the counts and spans of the traffic, flow or node it is
 * given, and the residue table it is given; no ids, no lists.
 */
#include "partial/partial-int.h"

void
mpf__partial_span_fold(uint32_t *f0, uint32_t *f1, int64_t *t0, int64_t *t1,
		       uint32_t g0, uint32_t g1, int64_t u0, int64_t u1)
{
	if (!g0)
		return; /* nothing to add */
	if (!*f0 || g0 < *f0) {
		*f0 = g0;
		*t0 = u0;
	}
	if (g1 > *f1) {
		*f1 = g1;
		*t1 = u1;
	}
}

void
mpf__traffic_add(struct mpf_traffic *t, int way, const struct mpf_pkt *pkt)
{
	uint32_t number = pkt->raw->number;

	mpf__partial_span_fold(&t->first_frame, &t->last_frame, &t->first_ts,
			       &t->last_ts, number, number, pkt->ts_ns, pkt->ts_ns);
	t->packets[way]++;
	t->bytes[way] += pkt->raw->wirelen;
	t->payload[way] += pkt->payload_len;
}

void *
mpf__residue_get(struct mpf_residues *res,
		 const struct mpf_residue_type *type, const void *key)
{
	void *r;

	if (!res->table)
		res->table = g_hash_table_new_full(type->hash, type->equal,
						   NULL, g_free);
	r = g_hash_table_lookup(res->table, key);
	if (!r) {
		if (g_hash_table_size(res->table) >= MPF_RESIDUES_MAX) {
			res->lost++;
			return NULL;
		}
		r = g_malloc0(type->size);
		memcpy(r, key, type->key_size);
		g_hash_table_insert(res->table, r, r); /* the key leads it */
	}
	return r;
}

void
mpf__residues_clear(struct mpf_residues *res)
{
	if (res->table)
		g_hash_table_destroy(res->table);
	res->table = NULL;
}

void
mpf__traffic_merge(struct mpf_traffic *t, const struct mpf_traffic *u)
{
	int d;

	SPAN_FOLD(t, u);
	for (d = 0; d < 2; d++) {
		t->packets[d] += u->packets[d];
		t->bytes[d] += u->bytes[d];
		t->payload[d] += u->payload[d];
	}
}

void
mpf__traffic_to_node(struct mpf_node *n, const struct mpf_traffic *t)
{
	SPAN_FOLD(n, t);
	n->packets += t->packets[0] + t->packets[1];
	n->bytes += t->bytes[0] + t->bytes[1];
}

void
mpf__traffic_to_flow(struct mpf_flow *f, const struct mpf_traffic *t, bool swap)
{
	int d;

	for (d = 0; d < 2; d++) {
		int k = swap ? 1 - d : d;

		f->packets[k] += t->packets[d];
		f->bytes[k] += t->bytes[d];
		f->payload[k] += t->payload[d];
	}
	SPAN_FOLD(f, t);
	mpf__traffic_to_node(f->node, t);
}

void
mpf__partial_flow_traffic(const struct mpf_flow *f, struct mpf_traffic *t)
{
	memset(t, 0, sizeof(*t));
	t->first_frame = f->first_frame;
	t->last_frame = f->last_frame;
	t->first_ts = f->first_ts;
	t->last_ts = f->last_ts;
	memcpy(t->packets, f->packets, sizeof(t->packets));
	memcpy(t->bytes, f->bytes, sizeof(t->bytes));
	memcpy(t->payload, f->payload, sizeof(t->payload));
}

void
mpf__pack_traffic(struct mpf_pack *p, const struct mpf_traffic *t)
{
	int d;

	mpf__pack_u(p, t->first_frame);
	mpf__pack_u(p, t->last_frame);
	mpf__pack_x(p, t->first_ts);
	mpf__pack_x(p, t->last_ts);
	for (d = 0; d < 2; d++)
		mpf__pack_t(p, t->packets[d]);
	for (d = 0; d < 2; d++)
		mpf__pack_t(p, t->bytes[d]);
	for (d = 0; d < 2; d++)
		mpf__pack_t(p, t->payload[d]);
}

/* Whether @t0 and @t1 are times a capture can give: within 2^62 ns of
 * the epoch either way (pcap's 32-bit seconds stay below it), so that the
 * readers may subtract them. */
bool
mpf__partial_times_ok(int64_t t0, int64_t t1)
{
	const int64_t lim = (int64_t)1 << 62;

	return t0 >= -lim && t0 <= lim && t1 >= -lim && t1 <= lim;
}

void
mpf__partial_traffic_read(struct mpf_unpack *u, struct mpf_traffic *t)
{
	int d;

	t->first_frame = mpf__unpack_u(u);
	t->last_frame = mpf__unpack_u(u);
	t->first_ts = mpf__unpack_x(u);
	t->last_ts = mpf__unpack_x(u);
	for (d = 0; d < 2; d++)
		t->packets[d] = mpf__unpack_t(u);
	for (d = 0; d < 2; d++)
		t->bytes[d] = mpf__unpack_t(u);
	for (d = 0; d < 2; d++)
		t->payload[d] = mpf__unpack_t(u);
}

bool
mpf__unpack_traffic(struct mpf_unpack *u, const struct mpf_ctx *ctx,
		    struct mpf_traffic *t)
{
	int d;

	mpf__partial_traffic_read(u, t);
	for (d = 0; d < 2; d++)
		if (t->packets[d] > ctx->counters[MPF_COUNTER_FRAMES] ||
		    t->bytes[d] > t->packets[d] << 32 || t->payload[d] > t->bytes[d])
			return false;
	if (!mpf__partial_times_ok(t->first_ts, t->last_ts))
		return false;
	if (!t->first_frame)
		return !t->last_frame && !t->packets[0] && !t->packets[1];
	return mpf__partial_frame_ok(ctx, t->first_frame) &&
	       mpf__partial_frame_ok(ctx, t->last_frame) &&
	       t->first_frame <= t->last_frame && (t->packets[0] || t->packets[1]);
}

bool
mpf__partial_frame_ok(const struct mpf_ctx *ctx, uint32_t frame)
{
	return frame == 0 || (ctx->fed && ctx->first_number <= frame &&
			      frame <= ctx->last_number);
}
