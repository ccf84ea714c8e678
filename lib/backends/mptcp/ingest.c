/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ingest.c: the per-packet entry (mpf__mptcp_ingest): parses the packet's
 * MPTCP options, finds or creates its subflow, applies each option (the
 * option logic: MP_CAPABLE, MP_JOIN, DSS, MP_FAIL, MP_FASTCLOSE,
 * MP_TCPRST, fallback; the address options in addr.c) and gives the
 * segment its DSN.
 *
 * Orders the work of the other files and keeps no state of its own; the
 * rules for keys, sequences, data, HMACs and inference live in theirs.
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

/* ------------------------------------------------------- option logic */

/* Where an option acts: the node of the packet's subflow, its
 * connection, the subflow and the side of the connection that sent it. */
struct at {
	struct mpf_node *node;
	struct conn *c;
	struct sub *s;
	int side;
};

/* Sets @w for subflow @f's packet in direction @d, on @node: @f's own,
 * or the survivor that absorbed it in an inferred merge. */
static void
at_set(struct at *w, struct mpf_node *node, struct mpf_flow *f, int d)
{
	w->node = node;
	w->c = conn_of(node);
	w->s = sub_of(f);
	w->side = side_of(w->s, d);
}

/* After an inferred merge took @f's connection into @keep: @w and the
 * frame's record @rec go on as the survivor's. */
static void
at_move(struct at *w, struct mpf_node *keep, struct mpf_flow *f, int d,
	struct mpf_frame *rec)
{
	at_set(w, keep, f, d);
	rec->node = keep->id;
	rec->dir = (uint8_t)w->side;
}

static void
on_capable(struct mpf_ctx *ctx, struct state *st, struct mpf_flow *f, int d,
	   const struct mpf_pkt *pkt, const struct mpf_mptcp_opt *o,
	   struct mpf_frame *rec, struct mapping *implicit)
{
	struct at w;
	bool syn = pkt->tcp_flags & MPF_TCP_SYN, ack = pkt->tcp_flags & MPF_TCP_ACK;

	at_set(&w, f->node, f, d);
	if (w.s->role != MPF_MPTCP_ROLE_INITIAL)
		return; /* MP_CAPABLE on a join: ignore, flagged by its frame */
	implicit->len = 0;
	if (!mpf__mptcp_mpc_valid(o, syn, ack, pkt->payload_len > 0,
				  syn && !ack ? -1 : w.c->version))
		return; /* a peer ignores it (see the fallback rules) */
	if (syn && !ack) {
		w.c->mpc_syn = true;
		if (w.c->version < 0 || !w.c->mpc_synack)
			mpf__mptcp_set_version(ctx, st, w.node,
					       o->u.mpc.version);
	} else if (syn && ack) {
		w.c->mpc_synack = true;
		/* the final one */
		mpf__mptcp_set_version(ctx, st, w.node, o->u.mpc.version);
	} else if (w.c->version < 0) {
		mpf__mptcp_set_version(ctx, st, w.node, o->u.mpc.version);
	}
	if ((syn || w.c->checksum == false) && (o->u.mpc.flags & MPC_FLAG_A))
		w.c->checksum = true;
	if (o->u.mpc.nkeys >= 1 && mpf__mptcp_opt_has(o, 12))
		mpf__mptcp_set_key(ctx, st, w.node, w.side, o->u.mpc.snd_key,
				   rec);
	if (o->u.mpc.nkeys >= 2 && mpf__mptcp_opt_has(o, 20))
		mpf__mptcp_set_key(ctx, st, w.node, 1 - w.side, o->u.mpc.rcv_key,
				   rec);
	if (o->u.mpc.nkeys >= 1)
		/* joins made before the keys came (RFC 8684 allows a join
		 * once the token is known) are checked now */
		mpf__mptcp_verify_pending(ctx, w.node);
	if (!syn && o->u.mpc.nkeys >= 2 && !w.c->fallback) {
		w.s->established = true;
		w.c->third_ack_checked = true;
		mpf__mptcp_sf_event(f, SF_EV_ESTABLISH, rec->number);
		mpf__mptcp_conn_event(w.node, CONN_EV_ESTABLISH, rec->number);
	}
	if (o->u.mpc.has_data_len && mpf__mptcp_opt_has(o, 22) &&
	    o->u.mpc.data_len > 0 && w.c->side[w.side].has_idsn &&
	    pkt->payload_len > 0) {
		/* v1: the first data rides on MP_CAPABLE, mapped to
		 * DSN IDSN + 1 at subflow sequence 1 (RFC 8684 3.1) */
		implicit->ssn = 1;
		implicit->dsn = w.c->side[w.side].idsn + 1;
		implicit->len = o->u.mpc.data_len;
		implicit->frame = pkt->raw->number;
		mpf__mptcp_map_add(w.c, &w.s->dir[d], implicit);
		if (o->u.mpc.has_csum && mpf__mptcp_opt_has(o, 24))
			mpf__mptcp_csum_start(w.c, &w.s->dir[d], 1,
					      implicit->dsn, o->u.mpc.data_len,
					      o->u.mpc.csum, false);
	}
}

/*
 * MP_JOIN on a join subflow: the SYN's backup flag, address ids, nonces;
 * the SYN/ACK accepts the join unless its HMAC is wrong, the third ACK
 * establishes it unless its HMAC is wrong (RFC 8684 3.2).
 */
static void
on_join(struct mpf_ctx *ctx, struct mpf_flow *f, int d,
	const struct mpf_mptcp_opt *o, struct mpf_frame *rec)
{
	struct sub *s = sub_of(f);
	struct conn *c;
	uint8_t v = MPF_MPTCP_HMAC_NONE;

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
		if (o->u.join.kind == MPJ_SYN)
			break;
		if (mpf__mptcp_opt_has(o, 16) && d == MPF_SIDE_SERVER) {
			mpf__mptcp_join_owner(ctx, f, true, o->u.join.trunc_hmac,
					      NULL);
			v = mpf__mptcp_verify_join(f->node, f, d, o, rec);
		}
		mpf__mptcp_sf_event(f, v == MPF_MPTCP_HMAC_BAD ? SF_EV_REFUSED
							       : SF_EV_SYNACK,
				    rec->number);
		break;
	case MPJ_ACK:
		if (mpf__mptcp_opt_has(o, 24) && d == MPF_SIDE_CLIENT) {
			mpf__mptcp_join_owner(ctx, f, false, 0, o->u.join.hmac);
			v = mpf__mptcp_verify_join(f->node, f, d, o, rec);
		}
		if (s->join_rejected || v == MPF_MPTCP_HMAC_BAD ||
		    s->hmac == MPF_MPTCP_HMAC_BAD) {
			mpf__mptcp_sf_event(f, SF_EV_REFUSED, rec->number);
			break;
		}
		s->established = true;
		mpf__mptcp_sf_event(f, SF_EV_ESTABLISH, rec->number);
		mpf__mptcp_conn_event(f->node, CONN_EV_ESTABLISH, rec->number);
		/* with two subflows, a fallback is no longer possible (RFC
		 * 8684 3.7; Linux clears allow_infinite_fallback) */
		c = conn_of(f->node);
		c->no_more_fallback = true;
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
	struct at w;
	struct side *me, *peer;
	unsigned ack_end = 4 + (o->u.dss.has_ack ? (o->u.dss.ack64 ? 8 : 4) : 0);
	unsigned map_end = ack_end + (o->u.dss.dsn64 ? 8 : 4) + 6;

	at_set(&w, f->node, f, d);
	me = &w.c->side[w.side];
	peer = &w.c->side[1 - w.side];
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
			mpf__mptcp_index_side(st, w.node, 1 - w.side);
		}
		if (mpf__mptcp_unanchored(w.c) && !peer->has_idsn) {
			struct mpf_node *keep;

			keep = mpf__mptcp_infer(ctx, st, w.node, w.side, a,
						o->u.dss.ack64, true, rec->number);

			if (keep != w.node) {
				/* absorbed: go on as the survivor's */
				at_move(&w, keep, f, d, rec);
				me = &w.c->side[w.side];
				peer = &w.c->side[1 - w.side];
			}
		}
		rec->val[1] = a - mpf__mptcp_side_base(peer, a);
		rec->flags |= MPF_FRAME_HAS_VAL1;
		if (peer->base_guessed)
			rec->bflags |= MPF_MPTCP_FRAME_DSN_GUESSED;
	}
	if (o->u.dss.has_map && mpf__mptcp_opt_has(o, map_end)) {
		struct sdir *sd = &w.s->dir[d];
		uint64_t dsn = o->u.dss.dsn;
		/* what the mapping maps: the kernel passes a segment to the
		 * MPTCP level only if it takes sequence space */
		bool carries = pkt->payload_len > 0 ||
			       (pkt->tcp_flags & MPF_TCP_FIN);
		bool fin_only = o->u.dss.fin && o->u.dss.data_len == 1 &&
				pkt->payload_len == 0;

		if (!o->u.dss.dsn64) {
			uint64_t ref = me->dsn_seen  ? me->dsn_max
				       : me->has_idsn ? me->idsn
						      : 0;
			dsn = mpf__seq_expand32((uint32_t)dsn, ref);
		}
		if (!carries && !fin_only) {
			/* a mapping on a pure ACK (packetdrill writes
			 * `dss ... dll=0` on them): ignored, so a length 0
			 * there is no infinite mapping (RFC 8684 3.3.1) */
			rec->bflags |= MPF_MPTCP_FRAME_MAPPING_IGNORED;
			return;
		}
		if (o->u.dss.fin)
			rec->bflags |= MPF_MPTCP_FRAME_DATA_FIN;
		if (o->u.dss.data_len == 0) {
			/* an infinite mapping on data or FIN: the rest of
			 * the subflow is plain TCP (RFC 8684 3.7), mapped on
			 * from this DSN */
			rec->bflags |= MPF_MPTCP_FRAME_INFINITE_MAP;
			if (!w.c->checks.infinite_map_frame)
				w.c->checks.infinite_map_frame = rec->number;
			mpf__mptcp_fallback(f, MPF_MPTCP_FALLBACK_INFINITE_MAPPING,
					    rec);
		}
		if (!sd->isn_known && pkt->payload_len > 0) {
			/* handshake not captured: assume the mapping starts
			 * with this segment, as senders do */
			sd->isn = pkt->seq - o->u.dss.ssn;
			sd->isn_known = sd->isn_guessed = true;
		}
		if (mpf__mptcp_unanchored(w.c) && !me->has_idsn) {
			struct mpf_node *keep;

			keep = mpf__mptcp_infer(ctx, st, w.node, w.side, dsn,
						o->u.dss.dsn64, false,
						rec->number);

			if (keep != w.node) {
				at_move(&w, keep, f, d, rec);
				me = &w.c->side[w.side];
				peer = &w.c->side[1 - w.side];
			}
		}
		mpf__mptcp_side_saw_dsn(me, dsn, o->u.dss.dsn64);
		mpf__mptcp_index_side(st, w.node, w.side);
		if (o->u.dss.fin && !me->st.data_fin) {
			me->st.data_fin = true;
			me->st.data_fin_frame = rec->number;
			me->data_fin_raw = dsn + o->u.dss.data_len - 1;
			mpf__mptcp_conn_event(w.node, peer->st.data_fin
							    ? CONN_EV_DATA_FIN_BOTH
							    : CONN_EV_DATA_FIN,
					      rec->number);
		}
		sd->map_seen = true;
		if (!sd->isn_known || fin_only)
			return;
		own->ssn = mpf__seq_expand32(o->u.dss.ssn, sd->seq_ref);
		own->dsn = dsn;
		own->len = o->u.dss.data_len;
		if (o->u.dss.data_len == 0) {
			uint64_t r;

			/* infinite: from this segment on, wherever the
			 * sender put its subflow sequence number (0 by the
			 * RFC) */
			if (o->u.dss.ssn == 0 &&
			    mpf__mptcp_rel_seq(sd, pkt->seq, &r))
				own->ssn = r;
			own->len = UINT32_MAX;
		}
		own->frame = pkt->raw->number;
		mpf__mptcp_map_add(w.c, sd, own);
		if (w.c->maps_kept > MAPS_MAX)
			mpf__mptcp_maps_trim(w.node);
		if (o->u.dss.has_csum && o->u.dss.data_len &&
		    mpf__mptcp_opt_has(o, map_end + 2))
			mpf__mptcp_csum_start(w.c, sd, own->ssn, dsn,
					      o->u.dss.data_len, o->u.dss.csum,
					      o->u.dss.fin);
	}
}

/* MP_FASTCLOSE carries the receiver's key (RFC 8684 3.5): with the right
 * one the connection ends; a wrong one a Linux receiver ignores. The key
 * is learnt when the handshake was not captured, and tells which other
 * subflows seen without theirs belong to the same connection. */
static void
on_fastclose(struct mpf_ctx *ctx, struct state *st, struct mpf_flow *f,
	     int d, const struct mpf_mptcp_opt *o, struct mpf_frame *rec)
{
	struct conn *c = conn_of(f->node);
	int rcv = 1 - side_of(sub_of(f), d);
	uint64_t key = o->u.fastclose.key;

	if (c->side[rcv].has_key && c->side[rcv].key != key) {
		rec->bflags |= MPF_MPTCP_FRAME_FASTCLOSE_KEY_BAD |
			       MPF_MPTCP_FRAME_KEY_MISMATCH;
		c->checks.fastclose_bad_key++;
		c->checks.key_mismatches++;
		return;
	}
	if (!c->side[rcv].has_key) {
		if (mpf__mptcp_unanchored(c)) {
			mpf__mptcp_infer_key(ctx, st, f->node, rcv, key,
					     rec->number);
			/* the survivor's, after a merge */
			c = conn_of(f->node);
			rcv = 1 - side_of(sub_of(f), d);
		}
		mpf__mptcp_set_key(ctx, st, f->node, rcv, key, rec);
		mpf__mptcp_verify_pending(ctx, f->node);
	}
	if (!c->checks.fastclose_frame)
		c->checks.fastclose_frame = rec->number;
	mpf__mptcp_conn_event(f->node, CONN_EV_FASTCLOSE, rec->number);
}

/* The options that need the whole of themselves. @rst: on an RST, what
 * its receiver does with it (enum rst_verdict): a refused one changes
 * nothing, a pending one keeps its reason and fast close aside. */
static void
on_other(struct mpf_ctx *ctx, struct state *st, struct mpf_flow *f, int d,
	 const struct mpf_pkt *pkt, const struct mpf_mptcp_opt *o, int rst,
	 struct mpf_frame *rec)
{
	struct at w;

	at_set(&w, f->node, f, d);
	if (o->cap < o->len)
		return; /* these need the whole option */
	switch (o->subtype) {
	case MPF_MPTCP_SUB_ADD_ADDR:
		mpf__mptcp_on_add_addr(w.c, w.side, o, rec);
		break;
	case MPF_MPTCP_SUB_REMOVE_ADDR:
		mpf__mptcp_on_remove_addr(f->node, w.side, o, rec);
		break;
	case MPF_MPTCP_SUB_PRIO:
		mpf__mptcp_on_prio(w.c, w.s, o, rec);
		break;
	case MPF_MPTCP_SUB_FAIL:
		if (!w.c->checks.mp_fail_frame)
			w.c->checks.mp_fail_frame = rec->number;
		break;
	case MPF_MPTCP_SUB_FASTCLOSE:
		if (rst == RST_TAKEN && !(pkt->tcp_flags & MPF_TCP_RST) &&
		    mpf__mptcp_seg_stale(w.s, d, pkt))
			break; /* an old duplicate: dropped unread */
		if (rst == RST_TAKEN)
			on_fastclose(ctx, st, f, d, o, rec);
		else if (rst == RST_AHEAD &&
			 (!w.c->side[1 - w.side].has_key ||
			  w.c->side[1 - w.side].key == o->u.fastclose.key))
			w.s->pend_fastclose = true;
		break;
	case MPF_MPTCP_SUB_TCPRST:
		/* the reason of the reset, on an RST its receiver takes:
		 * Linux reads MP_TCPRST only with the RST flag */
		if (!(pkt->tcp_flags & MPF_TCP_RST)) {
			rec->bflags |= MPF_MPTCP_FRAME_RST_IGNORED;
			break;
		}
		if (rst == RST_AHEAD && w.s->pend_rst_frame == rec->number)
			w.s->pend_rst_reason = o->u.tcprst.reason;
		else if (rst == RST_TAKEN && w.s->rst_reason < 0 &&
			 w.s->rst_frame == rec->number)
			w.s->rst_reason = o->u.tcprst.reason;
		break;
	default:
		break;
	}
}

/* ------------------------------------------------ handshake, fallback */

/* Whether the TCP options of @pkt were all captured: only then does the
 * absence of an option say anything. */
static bool
opts_whole(const struct mpf_pkt *pkt)
{
	return pkt->tcp_opts_cap >= pkt->tcp_opts_len;
}

/*
 * Whether a SYN (or SYN/ACK) on the 4-tuple of @f opens a new subflow
 * rather than repeat @f's: @f's TCP ended (FIN both ways: TIME_WAIT, or
 * an RST), the SYN comes from the other end or with another ISN, it opens
 * another kind of subflow (MP_JOIN on an initial one, MP_CAPABLE on a
 * join), or the SYN/ACK has another ISN than the one seen. A SYN sent
 * again, same ISN, nothing ended, is the same subflow (packetdrill sends
 * every SYN of a script with the same ISN: only the end tells them apart).
 */
static bool
tuple_reused(const struct mpf_flow *f, const struct mpf_pkt *pkt,
	     unsigned seen)
{
	const struct sub *s = sub_of(f);
	bool from_src = mpf__mptcp_pkt_from_src(f, pkt);
	bool mpc = seen & 1u << MPF_MPTCP_SUB_CAPABLE;
	bool join = seen & 1u << MPF_MPTCP_SUB_JOIN;

	if (mpf__mptcp_sub_ended(s))
		return true;
	if (pkt->tcp_flags & MPF_TCP_ACK)
		return !from_src && s->synack_seen && s->dir[1].isn_known &&
		       s->dir[1].isn != pkt->seq;
	if (!from_src || !s->dir[0].isn_known || s->dir[0].isn != pkt->seq)
		return true;
	return (join && s->role == MPF_MPTCP_ROLE_INITIAL) ||
	       (mpc && s->role == MPF_MPTCP_ROLE_JOIN);
}

/*
 * The handshake of a subflow and the fallback rules it holds (RFC 8684
 * 3.1, 3.7, as Linux applies them): the SYN, a SYN sent again without
 * MP_CAPABLE, the SYN/ACK (accepting, or without a valid MP_CAPABLE), the
 * third ACK (the client's first segment after the SYN/ACK: without a
 * valid MP_CAPABLE the server falls back), a join's SYN/ACK without
 * MP_JOIN. The options' own effects follow in on_capable() and on_join().
 */
static void
handshake(struct mpf_flow *f, int d, const struct mpf_pkt *pkt,
	  const struct mpf_mptcp_opt *o, int n, unsigned seen,
	  struct mpf_frame *rec)
{
	struct sub *s = sub_of(f);
	struct conn *c = conn_of(f->node);
	bool syn = pkt->tcp_flags & MPF_TCP_SYN, ack = pkt->tcp_flags & MPF_TCP_ACK;
	const struct mpf_mptcp_opt *mpc =
		mpf__mptcp_find_opt(o, n, MPF_MPTCP_SUB_CAPABLE);
	uint32_t fr = rec->number;

	if (syn && !ack)
		mpf__mptcp_sf_event(f, SF_EV_SYN, fr);
	if (s->role == MPF_MPTCP_ROLE_JOIN) {
		if (syn && ack && !(seen & 1u << MPF_MPTCP_SUB_JOIN)) {
			s->join_rejected = true; /* answered as plain TCP */
			mpf__mptcp_sf_event(f, SF_EV_REFUSED, fr);
		}
		return;
	}
	if (s->role != MPF_MPTCP_ROLE_INITIAL || c->fallback)
		return;
	if (syn && !ack) {
		if (mpc)
			mpf__mptcp_conn_event(f->node, CONN_EV_SYN, fr);
		else if (c->mpc_syn && opts_whole(pkt))
			/* the MP_CAPABLE SYNs went unanswered: Linux tries
			 * once more without (blackhole detection) */
			mpf__mptcp_fallback(f, MPF_MPTCP_FALLBACK_SYN_NO_MPC,
					    rec);
		return;
	}
	if (syn) {
		if (mpc && mpf__mptcp_mpc_valid(mpc, true, true, false,
						c->mpc_syn ? c->version : -1)) {
			mpf__mptcp_sf_event(f, SF_EV_SYNACK, fr);
			mpf__mptcp_conn_event(f->node, CONN_EV_SYNACK, fr);
		} else if (mpc && c->mpc_syn) {
			mpf__mptcp_fallback(
				f, MPF_MPTCP_FALLBACK_SYNACK_INVALID_MPC, rec);
		} else if (c->mpc_syn && opts_whole(pkt)) {
			mpf__mptcp_fallback(f, MPF_MPTCP_FALLBACK_SYNACK_NO_MPC,
					    rec);
		} else {
			mpf__mptcp_sf_event(f, SF_EV_SYNACK, fr);
		}
		return;
	}
	/* the third ACK: the client's first segment after the SYN/ACK */
	if (side_of(s, d) != MPF_SIDE_CLIENT || !c->mpc_synack ||
	    c->third_ack_checked)
		return;
	c->third_ack_checked = true;
	if (mpc) {
		if (!mpf__mptcp_mpc_valid(mpc, false, ack, pkt->payload_len > 0,
					  c->version))
			mpf__mptcp_fallback(
				f, MPF_MPTCP_FALLBACK_ACK_INVALID_MPC, rec);
	} else if (c->version == 0 && (seen & 1u << MPF_MPTCP_SUB_DSS)) {
		/* v0: the server has the client's key from the SYN, and a
		 * data ack establishes it as well (the third ACK was not
		 * captured) */
	} else if (opts_whole(pkt)) {
		mpf__mptcp_fallback(f, MPF_MPTCP_FALLBACK_ACK_NO_MPC, rec);
	}
}

/*
 * Whether a segment with data that no mapping covers makes its receiver
 * fall back (RFC 8684 3.7; Linux subflow_check_data_avail): on the
 * initial subflow of an established connection, when the segment has no
 * DSS at all (its options all captured), fallback is still allowed (one
 * subflow, no data sent again) and, with checksums, no checksum was found
 * good this way. Otherwise the data is only flagged as unmapped.
 */
static bool
data_without_dss(const struct mpf_flow *f, const struct mpf_pkt *pkt,
		 unsigned seen)
{
	const struct sub *s = sub_of(f);
	const struct conn *c = conn_of(f->node);
	int d = mpf__mptcp_pkt_from_src(f, pkt) ? 0 : 1;

	if (s->role != MPF_MPTCP_ROLE_INITIAL || c->no_more_fallback ||
	    (c->fsm.state != MPF_MPTCP_STATE_ESTABLISHED &&
	     c->fsm.state != MPF_MPTCP_STATE_CLOSING))
		return false;
	if (seen & (1u << MPF_MPTCP_SUB_DSS | 1u << MPF_MPTCP_SUB_CAPABLE))
		return false;
	if (!opts_whole(pkt))
		return false;
	return !(c->checksum && s->dir[d].csum_ok);
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
	bool rst = pkt->tcp_flags & MPF_TCP_RST, rst_ignored = false;
	int verdict = RST_TAKEN;

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
	if (f && syn && tuple_reused(f, pkt, seen)) {
		/* the port pair is reused by a new subflow */
		g_hash_table_remove(st->by_tuple, &key);
		sub_of(f)->in_table = false;
		st->last = NULL;
		f = NULL;
		if (ctx->config.shard)
			mpf__mptcp_owned_note(st, &key);
	}
	if (!f) {
		f = mpf__mptcp_flow_create(ctx, st, pkt, &key, o, n, rec,
					   &flood);
		if (!f && flood) {
			/* a flooded orphan token: the frame is the node's,
			 * without a flow */
			rec->protocol = MPF_PROTO_MPTCP;
			rec->node = flood->id;
			rec->dir = MPF_SIDE_CLIENT;
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
				    pkt) ? MPF_SIDE_CLIENT : MPF_SIDE_SERVER;
	sd = &s->dir[d];

	rec->protocol = MPF_PROTO_MPTCP;
	rec->flow = f->id;
	rec->payload_len = pkt->payload_len;
	rec->opts = (uint16_t)seen;
	mpf__flow_account(ctx, f, (enum mpf_side)d, pkt);

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
	/* an RST counts only if its receiver takes it; one past what its
	 * sender sent waits for what the sender does next */
	if (rst)
		verdict = mpf__mptcp_rst_verdict(s, d, pkt);
	if (s->pend_rst_frame && ((!rst && d == s->pend_rst_dir) ||
				  (rst && verdict == RST_TAKEN)))
		mpf__mptcp_rst_pending_drop(ctx, s);
	if (verdict == RST_REFUSED) {
		rst_ignored = true;
		rec->bflags |= MPF_MPTCP_FRAME_RST_IGNORED;
	} else if (verdict == RST_AHEAD) {
		rst_ignored = true;
		if (!s->rst_frame) {
			s->pend_rst_frame = pkt->raw->number;
			s->pend_rst_dir = (uint8_t)d;
			s->pend_rst_reason = -1;
			s->pend_fastclose = false;
		}
	} else {
		mpf__mptcp_tcp_track(s, d, pkt);
	}
	if (rst && !rst_ignored && !s->rst_frame) {
		s->rst_frame = pkt->raw->number;
		conn_of(f->node)->resets++;
	}

	if (!syn && !rst && !sd->first_frame) {
		const struct mpf_mptcp_opt *mc =
			mpf__mptcp_find_opt(o, n, MPF_MPTCP_SUB_CAPABLE);

		sd->first_frame = rec->number;
		sd->first = (uint8_t)((mc ? FIRST_MPC : 0) |
				      ((seen & 1u << MPF_MPTCP_SUB_DSS) ? FIRST_DSS : 0) |
				      (opts_whole(pkt) ? FIRST_WHOLE : 0));
		if (mc && mpf__mptcp_mpc_valid(mc, false, ack, pkt->payload_len > 0, -1))
			sd->first |= FIRST_MPC_VALID;
		sd->first_version = mc ? mc->u.mpc.version : 0;
	}
	handshake(f, d, pkt, o, n, seen, rec);

	for (i = 0; i < n; i++) {
		switch (o[i].subtype) {
		case MPF_MPTCP_SUB_CAPABLE:
			on_capable(ctx, st, f, d, pkt, &o[i], rec, &implicit);
			break;
		case MPF_MPTCP_SUB_JOIN:
			on_join(ctx, f, d, &o[i], rec);
			break;
		case MPF_MPTCP_SUB_DSS:
			on_dss(ctx, st, f, d, pkt, &o[i], rec, &own);
			break;
		default:
			on_other(ctx, st, f, d, pkt, &o[i], verdict, rec);
			break;
		}
	}
	/* an inferred merge may have moved the flow */
	node = f->node;
	c = conn_of(node);
	side = side_of(s, d);
	rec->node = node->id;
	rec->dir = (uint8_t)(side == MPF_SIDE_CLIENT ? MPF_SIDE_CLIENT
						     : MPF_SIDE_SERVER);

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
				if (data_without_dss(f, pkt, seen))
					mpf__mptcp_fallback(
						f, MPF_MPTCP_FALLBACK_DATA_NO_DSS,
						rec);
				else
					rec->bflags |= MPF_MPTCP_FRAME_NO_MAPPING;
			}
			mpf__mptcp_csum_feed(c, sd, r, pkt, rec);
		}
	}

	/* the TCP ack tells which mappings of the other way are done with */
	if (ack) {
		struct sdir *rd = &s->dir[1 - d];

		if (rd->isn_known && rd->maps.len > 1) {
			uint64_t acked = mpf__seq_expand32(pkt->ack - rd->isn,
							   rd->seq_ref);
			mpf__mptcp_map_prune(conn_of(f->node), rd, acked);
		}
	}

	/* a subflow seen only after its handshake works if both ways carry
	 * MPTCP traffic */
	if (!s->syn_seen && !s->synack_seen && !s->established &&
	    f->packets[0] > 0 && f->packets[1] > 0) {
		s->established = s->est_by_traffic = true;
		mpf__mptcp_sf_event(f, SF_EV_ESTABLISH, rec->number);
		mpf__mptcp_conn_event(f->node, CONN_EV_ESTABLISH, rec->number);
	}
	if (s->established)
		conn_of(f->node)->settled = true;
	if (rec->bflags & MPF_MPTCP_FRAME_REINJECTION)
		conn_of(f->node)->no_more_fallback = true;
	/* the subflow's own end: FIN each way, an RST taken */
	if ((pkt->tcp_flags & MPF_TCP_FIN) && !rst_ignored && !sd->fin) {
		sd->fin = true;
		sd->fin_frame = rec->number;
		mpf__mptcp_sf_event(f, s->dir[1 - d].fin ? SF_EV_FIN_BOTH
							 : SF_EV_FIN,
				    rec->number);
	}
	if (rst && !rst_ignored)
		mpf__mptcp_sf_event(f, SF_EV_RST, rec->number);
	return status;
}
