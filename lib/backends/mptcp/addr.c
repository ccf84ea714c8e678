/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * addr.c: the address options: ADD_ADDR (a connection's list of announced
 * addresses, their echoes, HMACs and id conflicts), REMOVE_ADDR (the
 * announcements and subflows it ends) and MP_PRIO (a subflow's backup
 * changes), each list capped (ADDR_MAX, PRIO_MAX) so that an option costs
 * the same however many came before.
 *
 * Changes the connection's and subflows' address records only.
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

/* REMOVE_ADDR by @side: the subflows using a removed id on that side end. */
static void
remove_subflows(struct mpf_node *node, int side, const struct mpf_mptcp_opt *o,
		struct mpf_frame *rec)
{
	guint i;
	unsigned k;

	for (i = 0; i < node->flows->len; i++) {
		struct mpf_flow *f = g_ptr_array_index(node->flows, i);
		struct sub *s = sub_of(f);
		int end;

		for (end = 0; end < 2; end++) {
			if (side_of(s, end) != side || s->addr_id[end] < 0)
				continue;
			for (k = 0; k < o->u.rm_addr.count; k++) {
				if (s->addr_id[end] == o->u.rm_addr.ids[k] &&
				    !s->removed_frame) {
					s->removed_frame = rec->number;
					rec->bflags |= MPF_MPTCP_FRAME_SUBFLOW_REMOVED;
				}
			}
		}
	}
}

void
mpf__mptcp_on_add_addr(struct conn *c, int side, const struct mpf_mptcp_opt *o,
	    struct mpf_frame *rec)
{
	struct announced a;
	guint i;

	if (!c->announced)
		c->announced = g_array_new(FALSE, TRUE, sizeof(struct announced));
	if (o->u.add_addr.echo) {
		/* the peer echoes an address the other side announced */
		for (i = 0; i < c->announced->len; i++) {
			struct announced *x =
				&g_array_index(c->announced, struct announced, i);

			if (x->side == 1 - side &&
			    x->addr_id == o->u.add_addr.addr_id && !x->echo_frame)
				x->echo_frame = rec->number;
		}
		return;
	}
	memset(&a, 0, sizeof(a));
	a.side = (uint8_t)side;
	a.addr_id = o->u.add_addr.addr_id;
	a.addr = o->u.add_addr.addr;
	a.has_port = o->u.add_addr.has_port;
	a.port = o->u.add_addr.port;
	a.frame = rec->number;
	a.hmac = mpf__mptcp_verify_add_addr(c, side, o);
	for (i = 0; i < c->announced->len; i++) {
		struct announced *x =
			&g_array_index(c->announced, struct announced, i);

		if (x->side != side || x->addr_id != a.addr_id ||
		    x->removed_frame)
			continue;
		if (memcmp(&x->addr, &a.addr, sizeof(a.addr)) == 0 &&
		    x->port == a.port)
			return; /* retransmitted announcement */
		/* one live id, two addresses */
		a.conflict = x->conflict = true;
		rec->bflags |= MPF_MPTCP_FRAME_ADDR_ID_CONFLICT;
		c->checks.addr_id_conflicts++;
	}
	if (c->announced->len >= ADDR_MAX) {
		/* judged against the ones kept, but not kept: a list that
		 * grows with every announcement would make each one cost
		 * all the earlier ones */
		c->checks.limited++;
		a.frame = 0;
	}
	switch (a.hmac) {
	case MPF_MPTCP_HMAC_OK:
		rec->bflags |= MPF_MPTCP_FRAME_ADD_ADDR_HMAC_OK;
		c->checks.add_addr_hmac_ok++;
		break;
	case MPF_MPTCP_HMAC_BAD:
		rec->bflags |= MPF_MPTCP_FRAME_ADD_ADDR_HMAC_BAD;
		c->checks.add_addr_hmac_bad++;
		break;
	case MPF_MPTCP_HMAC_LEGACY:
		rec->bflags |= MPF_MPTCP_FRAME_ADD_ADDR_HMAC_LEGACY;
		c->checks.add_addr_hmac_legacy++;
		break;
	case MPF_MPTCP_HMAC_UNVERIFIED:
		c->checks.add_addr_hmac_unverified++;
		break;
	default:
		break;
	}
	if (a.frame)
		g_array_append_val(c->announced, a);
}

/* REMOVE_ADDR by @side of @node: its announcements of those ids are
 * removed, and the subflows that use them end. */
void
mpf__mptcp_on_remove_addr(struct mpf_node *node, int side,
			  const struct mpf_mptcp_opt *o, struct mpf_frame *rec)
{
	struct conn *c = conn_of(node);
	guint i;

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
	remove_subflows(node, side, o, rec);
}

/* MP_PRIO on subflow @s of @c: a change of its backup flag is kept. */
void
mpf__mptcp_on_prio(struct conn *c, struct sub *s, const struct mpf_mptcp_opt *o,
		   const struct mpf_frame *rec)
{
	/* v1 has no address id in MP_PRIO: Linux refuses the RFC 6824 form
	 * (packetdrill mp_prio_server) */
	if (c->version == 1 && o->u.prio.has_id)
		return;
	if ((s->backup != o->u.prio.backup || !s->prio) && s->prio &&
	    s->prio->len >= PRIO_MAX) {
		c->checks.limited++; /* a flapping peer: not kept */
	} else if (s->backup != o->u.prio.backup || !s->prio) {
		struct prio_change p = { rec->number, o->u.prio.backup };

		if (!s->prio)
			s->prio = g_array_new(FALSE, FALSE,
					      sizeof(struct prio_change));
		g_array_append_val(s->prio, p);
	}
	s->backup = o->u.prio.backup;
}
