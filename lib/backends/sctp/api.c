/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * api.c: the public getters of mpflow.h for SCTP nodes, flows and frames,
 * and the names of their enums and flags.
 *
 * Read-only: copies state out, changes nothing.
 */
#include <string.h>

#include "backends/sctp/sctp-int.h"

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
	out.unannounced = !mpf__sctp_is_announced(x) &&
			  mpf__sctp_announced_known(a, side);
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

unsigned
mpf_frame_get_sctp_flags(const struct mpf_frame *frame)
{
	return (unsigned)mpf__frame_field_of(frame, MPF_PROTO_SCTP,
					   MPF_FIELD_BFLAGS, 0);
}

bool
mpf_frame_get_sctp_tsn(const struct mpf_frame *frame, uint32_t *tsn)
{
	uint64_t v;

	if (!mpf__frame_value(frame, MPF_PROTO_SCTP, 0, &v))
		return false;
	if (tsn)
		*tsn = (uint32_t)v;
	return true;
}

bool
mpf_frame_get_sctp_cum_ack(const struct mpf_frame *frame, uint32_t *tsn)
{
	uint64_t v;

	if (!mpf__frame_value(frame, MPF_PROTO_SCTP, 1, &v))
		return false;
	if (tsn)
		*tsn = (uint32_t)v;
	return true;
}

uint32_t
mpf_frame_get_sctp_chunks(const struct mpf_frame *frame)
{
	return (uint32_t)mpf__frame_field_of(frame, MPF_PROTO_SCTP,
					   MPF_FIELD_REF1, 0);
}
