/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * api.c: the public getters of mpflow.h for LISP sites, the context's
 * unmapped EIDs and frames, and the names of their enums and flags.
 *
 * Read-only: copies state out, changes nothing.
 */
#include <string.h>

#include "backends/lisp/lisp-int.h"

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

unsigned
mpf_frame_get_lisp_flags(const struct mpf_frame *frame)
{
	return (unsigned)mpf__frame_field_of(frame, MPF_PROTO_LISP,
					   MPF_FIELD_BFLAGS, 0);
}

int
mpf_frame_get_lisp_type(const struct mpf_frame *frame)
{
	return (int)(int64_t)mpf__frame_field_of(frame, MPF_PROTO_LISP,
						  MPF_FIELD_REF1, UINT64_MAX);
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
	return mpf__frame_value(frame, MPF_PROTO_LISP, 0, nonce);
}

bool
mpf_frame_get_lisp_iid(const struct mpf_frame *frame, uint32_t *iid)
{
	uint64_t v;

	if (!mpf__frame_value(frame, MPF_PROTO_LISP, 1, &v))
		return false;
	if (iid)
		*iid = (uint32_t)v;
	return true;
}

uint32_t
mpf_frame_get_lisp_request_frame(const struct mpf_frame *frame)
{
	return (uint32_t)mpf__frame_field_of(frame, MPF_PROTO_LISP,
					   MPF_FIELD_REF0, 0);
}
