/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ingest.c: the per-packet entry (mpf__mptcp_ingest): parses the packet's
 * MPTCP options, finds or creates its subflow, applies each option (the
 * option logic: MP_CAPABLE, MP_JOIN, DSS, ADD_ADDR, REMOVE_ADDR, MP_PRIO,
 * MP_FAIL, MP_FASTCLOSE, MP_TCPRST, fallback) and gives the segment its
 * DSN.
 *
 * Orders the work of the other files and keeps no state of its own; the
 * rules for keys, sequences, data, HMACs and inference live in theirs.
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

/* ------------------------------------------------------- option logic */

static void
set_fallback(struct conn *c, struct mpf_frame *rec)
{
	if (!c->fallback) {
		c->fallback = true;
		c->fallback_frame = rec->number;
		rec->bflags |= MPF_MPTCP_FRAME_FALLBACK;
	}
}

static void
on_capable(struct mpf_ctx *ctx, struct state *st, struct mpf_flow *f, int d,
	   const struct mpf_pkt *pkt, const struct mpf_mptcp_opt *o,
	   struct mpf_frame *rec, struct mapping *implicit)
{
	struct mpf_node *node = f->node;
	struct conn *c = conn_of(node);
	struct sub *s = sub_of(f);
	int side = side_of(s, d);
	bool syn = pkt->tcp_flags & MPF_TCP_SYN, ack = pkt->tcp_flags & MPF_TCP_ACK;

	if (s->role != MPF_MPTCP_ROLE_INITIAL)
		return; /* MP_CAPABLE on a join: ignore, flagged by its frame */
	if (syn && !ack) {
		c->mpc_syn = true;
		if (c->version < 0 || !c->mpc_synack)
			mpf__mptcp_set_version(ctx, st, node, o->u.mpc.version);
	} else if (syn && ack) {
		c->mpc_synack = true;
		/* the final one */
		mpf__mptcp_set_version(ctx, st, node, o->u.mpc.version);
	} else if (c->version < 0) {
		mpf__mptcp_set_version(ctx, st, node, o->u.mpc.version);
	}
	if ((syn || c->checksum == false) && (o->u.mpc.flags & MPC_FLAG_A))
		c->checksum = true;
	if (o->u.mpc.nkeys >= 1 && mpf__mptcp_opt_has(o, 12))
		mpf__mptcp_set_key(ctx, st, node, side, o->u.mpc.snd_key, rec);
	if (o->u.mpc.nkeys >= 2 && mpf__mptcp_opt_has(o, 20))
		mpf__mptcp_set_key(ctx, st, node, 1 - side, o->u.mpc.rcv_key,
				   rec);
	if (!syn && o->u.mpc.nkeys >= 2) {
		s->established = true;
		c->third_ack_checked = true;
	}
	if (o->u.mpc.has_data_len && mpf__mptcp_opt_has(o, 22) &&
	    o->u.mpc.data_len > 0 && c->side[side].has_idsn) {
		/* v1: the first data rides on MP_CAPABLE, mapped to
		 * DSN IDSN + 1 at subflow sequence 1 (RFC 8684 3.1) */
		implicit->ssn = 1;
		implicit->dsn = c->side[side].idsn + 1;
		implicit->len = o->u.mpc.data_len;
		implicit->frame = pkt->raw->number;
		mpf__mptcp_map_add(&s->dir[d], implicit);
		if (o->u.mpc.has_csum && mpf__mptcp_opt_has(o, 24))
			mpf__mptcp_csum_start(c, &s->dir[d], 1, implicit->dsn,
					      o->u.mpc.data_len, o->u.mpc.csum,
					      false);
	} else {
		implicit->len = 0;
	}
}

static void
on_join(struct mpf_flow *f, int d, const struct mpf_mptcp_opt *o,
	struct mpf_frame *rec)
{
	struct sub *s = sub_of(f);

	if (s->role != MPF_MPTCP_ROLE_JOIN)
		return;
	switch (o->u.join.kind) {
	case MPJ_SYN:
	case MPJ_SYNACK:
		if (o->u.join.kind == MPJ_SYN)
			s->backup = o->u.join.backup;
		if (mpf__mptcp_opt_has(o, 4))
			s->addr_id[d] = o->u.join.addr_id;
		if (mpf__mptcp_opt_has(o, o->len)) {
			s->nonce[d] = o->u.join.nonce;
			s->has_nonce[d] = true;
		}
		if (o->u.join.kind == MPJ_SYNACK && mpf__mptcp_opt_has(o, 16))
			mpf__mptcp_verify_join(f->node, f, d, o, rec);
		break;
	case MPJ_ACK:
		if (!s->join_rejected)
			s->established = true;
		if (mpf__mptcp_opt_has(o, 24))
			mpf__mptcp_verify_join(f->node, f, d, o, rec);
		break;
	default:
		break;
	}
}

/* DSS: the data ack and the mapping. @own receives the mapping when it
 * was read (own->len 0 otherwise). */
static void
on_dss(struct mpf_ctx *ctx, struct state *st, struct mpf_flow *f, int d,
       const struct mpf_pkt *pkt, const struct mpf_mptcp_opt *o,
       struct mpf_frame *rec, struct mapping *own)
{
	struct mpf_node *node = f->node;
	struct conn *c = conn_of(node);
	struct sub *s = sub_of(f);
	int side = side_of(s, d);
	struct side *me = &c->side[side], *peer = &c->side[1 - side];
	unsigned ack_end = 4 + (o->u.dss.has_ack ? (o->u.dss.ack64 ? 8 : 4) : 0);
	unsigned map_end = ack_end + (o->u.dss.dsn64 ? 8 : 4) + 6;

	own->len = 0;
	if (o->u.dss.has_ack && mpf__mptcp_opt_has(o, ack_end)) {
		uint64_t a = o->u.dss.ack;

		if (!o->u.dss.ack64) {
			uint64_t ref = me->dack_seen  ? me->dack_max
				       : peer->dsn_seen ? peer->dsn_max
				       : peer->has_idsn ? peer->idsn
							: 0;
			a = mpf__seq_expand32((uint32_t)a, ref);
		}
		peer->st.data_acks++;
		/* a duplicate: the same ack again on a segment that says
		 * nothing else (no data, no mapping, no other option) */
		if (me->dack_seen && a == me->dack_max &&
		    pkt->payload_len == 0 &&
		    !(pkt->tcp_flags & (MPF_TCP_SYN | MPF_TCP_FIN | MPF_TCP_RST)) &&
		    !o->u.dss.has_map && rec->opts == 1u << MPF_MPTCP_SUB_DSS) {
			rec->bflags |= MPF_MPTCP_FRAME_DUP_DACK;
			peer->st.dup_data_acks++;
		}
		if (!me->dack_seen || (int64_t)(a - me->dack_max) > 0)
			me->dack_max = a;
		me->dack_seen = true;
		mpf__mptcp_sent_prune(peer, a);
		/* the ack is a point of the peer's DSN space, known even
		 * when the peer's mappings were cut by the capture */
		if (!peer->has_idsn) {
			mpf__mptcp_side_saw_dsn(peer, a, o->u.dss.ack64);
			mpf__mptcp_index_side(st, node, 1 - side);
		}
		if (mpf__mptcp_unanchored(c) && !peer->has_idsn) {
			struct mpf_node *keep;

			keep = mpf__mptcp_infer(ctx, st, node, side, a,
						o->u.dss.ack64, true, rec->number);

			if (keep != node) {
				/* absorbed: go on as the survivor's */
				node = keep;
				c = conn_of(node);
				side = side_of(s, d);
				me = &c->side[side];
				peer = &c->side[1 - side];
				rec->node = node->id;
				rec->dir = (uint8_t)side;
			}
		}
		rec->val[1] = a - mpf__mptcp_side_base(peer, a);
		rec->flags |= MPF_FRAME_HAS_VAL1;
		if (peer->base_guessed)
			rec->bflags |= MPF_MPTCP_FRAME_DSN_GUESSED;
	}
	if (o->u.dss.has_map && mpf__mptcp_opt_has(o, map_end)) {
		struct sdir *sd = &s->dir[d];
		uint64_t dsn = o->u.dss.dsn;

		if (!o->u.dss.dsn64) {
			uint64_t ref = me->dsn_seen  ? me->dsn_max
				       : me->has_idsn ? me->idsn
						      : 0;
			dsn = mpf__seq_expand32((uint32_t)dsn, ref);
		}
		if (o->u.dss.data_len == 0) {
			/* infinite mapping: the rest is plain TCP */
			rec->bflags |= MPF_MPTCP_FRAME_INFINITE_MAP;
			if (!c->checks.infinite_map_frame)
				c->checks.infinite_map_frame = rec->number;
			set_fallback(c, rec);
			return;
		}
		if (!sd->isn_known && pkt->payload_len > 0) {
			/* handshake not captured: assume the mapping starts
			 * with this segment, as senders do */
			sd->isn = pkt->seq - o->u.dss.ssn;
			sd->isn_known = sd->isn_guessed = true;
		}
		if (mpf__mptcp_unanchored(c) && !me->has_idsn) {
			struct mpf_node *keep;

			keep = mpf__mptcp_infer(ctx, st, node, side, dsn,
						o->u.dss.dsn64, false,
						rec->number);

			if (keep != node) {
				node = keep;
				c = conn_of(node);
				side = side_of(s, d);
				me = &c->side[side];
				rec->node = node->id;
				rec->dir = (uint8_t)side;
			}
		}
		mpf__mptcp_side_saw_dsn(me, dsn, o->u.dss.dsn64);
		mpf__mptcp_index_side(st, node, side);
		if (o->u.dss.fin && !me->st.data_fin) {
			me->st.data_fin = true;
			me->st.data_fin_frame = rec->number;
			me->data_fin_raw = dsn + o->u.dss.data_len - 1;
		}
		if (!sd->isn_known)
			return;
		own->ssn = mpf__seq_expand32(o->u.dss.ssn, sd->seq_ref);
		own->dsn = dsn;
		own->len = o->u.dss.data_len;
		own->frame = pkt->raw->number;
		mpf__mptcp_map_add(sd, own);
		if (o->u.dss.has_csum && mpf__mptcp_opt_has(o, map_end + 2))
			mpf__mptcp_csum_start(c, sd, own->ssn, dsn,
					      o->u.dss.data_len, o->u.dss.csum,
					      o->u.dss.fin);
	}
}

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

static void
on_add_addr(struct conn *c, int side, const struct mpf_mptcp_opt *o,
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
	g_array_append_val(c->announced, a);
}

static void
on_other(struct mpf_ctx *ctx, struct state *st, struct mpf_flow *f, int d,
	 const struct mpf_mptcp_opt *o, struct mpf_frame *rec)
{
	struct conn *c = conn_of(f->node);
	struct sub *s = sub_of(f);
	int side = side_of(s, d);
	guint i;

	if (o->cap < o->len)
		return; /* these need the whole option */
	switch (o->subtype) {
	case MPF_MPTCP_SUB_ADD_ADDR:
		on_add_addr(c, side, o, rec);
		break;
	case MPF_MPTCP_SUB_REMOVE_ADDR:
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
		remove_subflows(f->node, side, o, rec);
		break;
	case MPF_MPTCP_SUB_PRIO:
		if (s->backup != o->u.prio.backup || !s->prio) {
			struct prio_change p = { rec->number, o->u.prio.backup };

			if (!s->prio)
				s->prio = g_array_new(FALSE, FALSE,
						      sizeof(struct prio_change));
			g_array_append_val(s->prio, p);
		}
		s->backup = o->u.prio.backup;
		break;
	case MPF_MPTCP_SUB_FAIL:
		if (!c->checks.mp_fail_frame)
			c->checks.mp_fail_frame = rec->number;
		break;
	case MPF_MPTCP_SUB_FASTCLOSE:
		/* it carries the receiver's key: learn it if the handshake
		 * was not captured */
		if (!c->checks.fastclose_frame)
			c->checks.fastclose_frame = rec->number;
		mpf__mptcp_set_key(ctx, st, f->node, 1 - side,
				   o->u.fastclose.key, rec);
		break;
	case MPF_MPTCP_SUB_TCPRST:
		if (s->rst_reason < 0) /* the reason of the first reset */
			s->rst_reason = o->u.tcprst.reason;
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------ ingest */

#define MAX_MPTCP_OPTS 8

int
mpf__mptcp_ingest(struct mpf_ctx *ctx, void *state, const struct mpf_pkt *pkt,
		  struct mpf_frame *rec)
{
	struct state *st = state;
	struct mpf_mptcp_opt o[MAX_MPTCP_OPTS];
	struct mapping own, implicit;
	const struct mapping *m;
	bool syn = pkt->tcp_flags & MPF_TCP_SYN, ack = pkt->tcp_flags & MPF_TCP_ACK;
	struct mpf_node *flood = NULL;
	struct mpf_tuple key;
	struct mpf_flow *f;
	struct mpf_node *node;
	struct conn *c;
	struct sub *s;
	struct sdir *sd;
	unsigned seen = 0;
	int n = 0, status = MPF_OK, i, d, side;

	own.len = implicit.len = 0;
	for (i = 0; i < pkt->n_opts; i++) {
		const struct mpf_tcp_opt *t = &pkt->opts[i];
		int r;

		if (t->kind != MPTCP_OPT_KIND)
			continue;
		r = mpf__mptcp_opt_parse(pkt->tcp_opts + t->off,
					 pkt->tcp_opts_cap - t->off,
					 pkt->tcp_opts_len - t->off, &o[n]);
		if (r < 0)
			status = mpf__status_worst(status, r);
		if (r == MPF_ERR_MALFORMED)
			rec->bflags |= MPF_MPTCP_FRAME_BAD_OPTION;
		if (r != MPF_OK && (r != MPF_ERR_TRUNCATED || o[n].cap < 3))
			continue; /* cut ones are used for what they hold */
		seen |= 1u << (o[n].subtype < 15 ? o[n].subtype : 15);
		if (n + 1 < MAX_MPTCP_OPTS)
			n++;
	}

	mpf__tuple_from_pkt(&key, pkt);
	if (st->last && sub_of(st->last)->in_table &&
	    mpf__tuple_equal(&key, &sub_of(st->last)->tuple))
		f = st->last;
	else
		f = g_hash_table_lookup(st->by_tuple, &key);
	if (f && syn && !ack) {
		s = sub_of(f);
		/* a SYN with another ISN on a known 4-tuple: the port pair
		 * is reused by a new connection */
		if (!(s->dir[0].isn_known && s->dir[0].isn == pkt->seq &&
		      mpf__mptcp_pkt_from_src(f, pkt))) {
			g_hash_table_remove(st->by_tuple, &key);
			s->in_table = false;
			st->last = NULL;
			f = NULL;
			if (ctx->config.shard)
				mpf__mptcp_owned_note(st, &key);
		}
	}
	if (!f) {
		f = mpf__mptcp_flow_create(ctx, st, pkt, &key, o, n, rec,
					   &flood);
		if (!f && flood) {
			/* a flooded orphan token: the frame is the node's,
			 * without a flow */
			rec->protocol = MPF_PROTO_MPTCP;
			rec->node = flood->id;
			rec->dir = MPF_DIR_CLIENT_TO_SERVER;
			rec->opts = (uint16_t)seen;
			flood->packets++;
			flood->bytes += pkt->raw->wirelen;
			flood->last_frame = pkt->raw->number;
			flood->last_ts = pkt->ts_ns;
			return status;
		}
		if (!f) {
			/* plain TCP: not ours, unless a subflow of an
			 * earlier part of the capture owns the 4-tuple */
			if (ctx->config.shard)
				mpf__mptcp_residue_note(ctx, st, pkt, &key);
			return status;
		}
	}
	s = sub_of(f);
	st->last = s->in_table ? f : NULL;
	d = mpf__mptcp_pkt_from_src(f,
				    pkt) ? MPF_FLOW_FORWARD : MPF_FLOW_REVERSE;
	sd = &s->dir[d];

	rec->protocol = MPF_PROTO_MPTCP;
	rec->flow = f->id;
	rec->payload_len = pkt->payload_len;
	rec->opts = (uint16_t)seen;
	mpf__flow_account(f, (enum mpf_flow_dir)d, pkt);

	/* TCP handshake: the ISN of each way */
	if (syn) {
		sd->isn = pkt->seq;
		sd->isn_known = true;
		sd->isn_guessed = false;
		if (!ack)
			s->syn_seen = true;
		else
			s->synack_seen = true;
	}
	if ((pkt->tcp_flags & MPF_TCP_RST) && !s->rst_frame) {
		s->rst_frame = pkt->raw->number;
		conn_of(f->node)->resets++;
	}

	node = f->node;
	c = conn_of(node);
	side = side_of(s, d);
	/* fallback in the handshake (RFC 8684 3.7): a SYN/ACK without
	 * MP_CAPABLE, or a client's first ACK carrying no MPTCP option */
	if (s->role == MPF_MPTCP_ROLE_INITIAL) {
		if (syn && ack && !(seen & 1u << MPF_MPTCP_SUB_CAPABLE) &&
		    c->mpc_syn)
			set_fallback(c, rec);
		else if (!syn && side == MPF_SIDE_CLIENT && c->mpc_synack &&
			 !c->third_ack_checked) {
			c->third_ack_checked = true;
			if (n == 0)
				set_fallback(c, rec);
		}
	} else if (s->role == MPF_MPTCP_ROLE_JOIN && syn && ack &&
		   !(seen & 1u << MPF_MPTCP_SUB_JOIN)) {
		s->join_rejected = true; /* the peer answered as plain TCP */
	}

	for (i = 0; i < n; i++) {
		switch (o[i].subtype) {
		case MPF_MPTCP_SUB_CAPABLE:
			on_capable(ctx, st, f, d, pkt, &o[i], rec, &implicit);
			break;
		case MPF_MPTCP_SUB_JOIN:
			on_join(f, d, &o[i], rec);
			break;
		case MPF_MPTCP_SUB_DSS:
			on_dss(ctx, st, f, d, pkt, &o[i], rec, &own);
			break;
		default:
			on_other(ctx, st, f, d, &o[i], rec);
			break;
		}
	}
	/* an inferred merge may have moved the flow */
	node = f->node;
	c = conn_of(node);
	side = side_of(s, d);
	rec->node = node->id;
	rec->dir = (uint8_t)(side == MPF_SIDE_CLIENT ? MPF_DIR_CLIENT_TO_SERVER
						     : MPF_DIR_SERVER_TO_CLIENT);

	/* the data sequence number of the first payload byte */
	if (pkt->payload_len > 0 && !syn) {
		uint64_t r;

		if (mpf__mptcp_rel_seq(sd, pkt->seq, &r)) {
			m = NULL;
			if (own.len && r - own.ssn < own.len)
				m = &own;
			else if (implicit.len && r - implicit.ssn < implicit.len)
				m = &implicit;
			else
				m = mpf__mptcp_map_find(sd, r);
			if (m) {
				struct side *me = &c->side[side];
				uint64_t dsn = m->dsn + (r - m->ssn);
				uint64_t left = m->len - (r - m->ssn);
				uint32_t len = pkt->payload_len;

				if (len > left)
					len = (uint32_t)left;
				rec->val[0] = dsn - mpf__mptcp_side_base(me,
									 dsn);
				rec->flags |= MPF_FRAME_HAS_VAL0;
				rec->ref[0] = m->frame;
				if (me->base_guessed)
					rec->bflags |= MPF_MPTCP_FRAME_DSN_GUESSED;
				mpf__mptcp_side_saw_dsn(me, dsn, false);
				mpf__mptcp_data_sent(ctx, f, d, side, dsn, len,
						     r, rec);
			} else if (!c->fallback) {
				rec->bflags |= MPF_MPTCP_FRAME_NO_MAPPING;
			}
			mpf__mptcp_csum_feed(c, sd, r, pkt, rec);
		}
	}

	/* the TCP ack tells which mappings of the other way are done with */
	if (ack) {
		struct sdir *rd = &s->dir[1 - d];

		if (rd->isn_known && rd->maps) {
			uint64_t acked = mpf__seq_expand32(pkt->ack - rd->isn,
							   rd->seq_ref);
			mpf__mptcp_map_prune(rd, acked);
		}
	}

	/* a subflow seen only after its handshake works if both ways carry
	 * MPTCP traffic */
	if (!s->syn_seen && !s->synack_seen && !s->established &&
	    f->packets[0] > 0 && f->packets[1] > 0)
		s->established = s->est_by_traffic = true;
	if (s->established)
		conn_of(f->node)->settled = true;
	return status;
}
