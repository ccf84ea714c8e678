/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ingest.c: the per-packet entry (mpf__sctp_ingest): checks the checksum,
 * finds or creates the packet's association (INIT, INIT ACK, T bit, half
 * associations, INIT collisions), then applies its chunks: TSNs, SACKs,
 * heartbeats and their RTTs, addresses from INIT and ASCONF, primary
 * changes, ABORT and SHUTDOWN.
 *
 * A packet with a bad checksum is read but changes nothing. Uses the
 * tables through assoc.c and the parsers of chunk.c; keeps no state of
 * its own.
 */
#include <string.h>

#include "backends/sctp/sctp-int.h"
#include "mpf-cursor.h"

/* What the first walk over the chunks learns: enough to find the
 * association before anything changes. */
struct scan {
	int status;
	bool init, init_ack, t_bit;
	uint32_t init_tag, init_ack_tag;
	uint32_t chunks; /* mpf_sctp_chunk_bit()s */
};

static bool
scan_chunk(const struct mpf_sctp_chunk *ch, void *user)
{
	struct scan *s = user;
	struct mpf_sctp_info in;
	int r;

	s->chunks |= mpf_sctp_chunk_bit(ch->type);
	switch (ch->type) {
	case SCTP_INIT:
	case SCTP_INIT_ACK:
		r = mpf__sctp_parse_chunk(ch, &in);
		if (r != MPF_OK) {
			s->status = mpf__status_worst(s->status, r);
			break;
		}
		if (ch->type == SCTP_INIT) {
			s->init = true;
			s->init_tag = in.u.init.tag;
		} else {
			s->init_ack = true;
			s->init_ack_tag = in.u.init.tag;
		}
		break;
	case SCTP_ABORT:
	case SCTP_SHUTDOWN_COMPLETE:
		if (ch->flags & 0x01)
			s->t_bit = true;
		break;
	default:
		break;
	}
	return true;
}

/* What the second walk needs. */
struct apply {
	struct mpf_ctx *ctx;
	const struct mpf_pkt *pkt;
	struct mpf_node *node;
	struct mpf_flow *flow;
	int side, dir; /* the sender's side; the packet's way on the flow */
	bool frozen;   /* a bad checksum: read, change nothing */
	struct mpf_frame *rec;
	int status;
	bool has_tsn, has_cum;
	uint32_t tsn, cum;
};

static bool
init_param(uint16_t type, const uint8_t *v, uint32_t cap, uint32_t len,
	   void *user)
{
	struct apply *ap = user;
	struct mpf_addr a;

	if (mpf__sctp_addr_param(type, v, cap, len, &a))
		mpf__sctp_addr_note(assoc_of(ap->node), ap->side, &a,
				    MPF_SCTP_ADDR_INIT_PARAM, ap->rec->number);
	return true;
}

static void
primary_note(struct assoc *a, enum mpf_sctp_primary_kind kind, uint32_t frame,
	     int side, const struct mpf_addr *addr, uint32_t flow)
{
	struct mpf_sctp_primary p;

	if (!a->primary)
		a->primary = g_array_new(FALSE, TRUE, sizeof(p));
	if (a->primary->len >= MAX_PRIMARY)
		return;
	memset(&p, 0, sizeof(p));
	p.kind = kind;
	p.frame = frame;
	p.side = (enum mpf_side)side;
	p.addr = *addr;
	p.flow = flow;
	g_array_append_val(a->primary, p);
}

static bool
asconf_param(uint16_t type, const uint8_t *v, uint32_t cap, uint32_t len,
	     void *user)
{
	struct apply *ap = user;
	struct assoc *a = assoc_of(ap->node);
	struct mpf_addr addr;
	struct saddr *x;
	struct mpf_cursor c;
	uint16_t at, al;

	if (type != SCTP_P_ADD_IP && type != SCTP_P_DEL_IP &&
	    type != SCTP_P_SET_PRIMARY)
		return true;
	/* correlation id (4), then an address parameter */
	mpf_cursor_init(&c, v, cap, len);
	if (!mpf_cursor_need(&c, 8))
		return true;
	mpf_cursor_skip(&c, 4);
	at = mpf_get_be16(&c);
	al = mpf_get_be16(&c);
	if (al < 4 || al - 4u > mpf_cursor_wire_left(&c) ||
	    !mpf__sctp_addr_param(at, c.p, (uint32_t)mpf_cursor_left(&c),
				  al - 4u, &addr))
		return true;
	/* the wildcard address means the packet's source (RFC 5061 4.2.1) */
	if ((addr.family == 4 && !memcmp(addr.bytes, "\0\0\0\0", 4)) ||
	    (addr.family == 6 && !memcmp(addr.bytes, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16)))
		addr = ap->pkt->src;
	switch (type) {
	case SCTP_P_ADD_IP:
		x = mpf__sctp_addr_note(a, ap->side, &addr,
					MPF_SCTP_ADDR_ASCONF_ADD,
					ap->rec->number);
		if (x && !x->added_frame)
			x->added_frame = ap->rec->number;
		ap->rec->bflags |= MPF_SCTP_FRAME_ADDR_ADDED;
		break;
	case SCTP_P_DEL_IP:
		x = mpf__sctp_addr_find(a, ap->side, &addr);
		if (x && !x->deleted_frame)
			x->deleted_frame = ap->rec->number;
		ap->rec->bflags |= MPF_SCTP_FRAME_ADDR_DELETED;
		break;
	default: /* Set Primary: the sender asks to be reached here */
		x = mpf__sctp_addr_note(a, ap->side, &addr, 0, ap->rec->number);
		if (x)
			x->primary_frame = ap->rec->number;
		primary_note(a, MPF_SCTP_PRIMARY_SET, ap->rec->number, ap->side,
			     &addr, MPF_ID_NONE);
		ap->rec->bflags |= MPF_SCTP_FRAME_SET_PRIMARY;
		break;
	}
	return true;
}

static uint32_t
hash_bytes(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* New DATA of @side on flow @f: note when it moves to another path and
 * stays there. */
static void
data_path(struct assoc *a, int side, const struct mpf_flow *f,
	  const struct mpf_pkt *pkt, uint32_t frame)
{
	if (!a->data_flow_set[side]) {
		a->data_flow_set[side] = true;
		a->data_flow[side] = f->id;
		return;
	}
	if (f->id == a->data_flow[side]) {
		a->cand_run[side] = 0;
		return;
	}
	if (a->cand_run[side] == 0 || a->cand_flow[side] != f->id) {
		a->cand_flow[side] = f->id;
		a->cand_run[side] = 0;
	}
	if (++a->cand_run[side] >= DATA_MOVE_RUN) {
		a->data_flow[side] = f->id;
		a->cand_run[side] = 0;
		primary_note(a, MPF_SCTP_PRIMARY_DATA_MOVED, frame, side,
			     &pkt->dst, f->id);
	}
}

static bool
apply_chunk(const struct mpf_sctp_chunk *ch, void *user)
{
	struct apply *ap = user;
	struct assoc *a = assoc_of(ap->node);
	struct path *p = ap->flow ? path_of(ap->flow) : NULL;
	struct mpf_sctp_info in;
	int r = mpf__sctp_parse_chunk(ch, &in);

	if (r != MPF_OK) {
		ap->status = mpf__status_worst(ap->status, r);
		return true;
	}
	switch (ch->type) {
	case SCTP_DATA:
	case SCTP_I_DATA:
		if (!ap->has_tsn) {
			ap->has_tsn = true;
			ap->tsn = in.u.data.tsn;
		}
		if (ap->frozen)
			break;
		if (mpf__sctp_tsn_seen(&a->tsn[ap->side], in.u.data.tsn)) {
			a->st[ap->side].retransmissions++;
			if (p)
				p->st.retransmissions[ap->dir]++;
			ap->rec->bflags |= MPF_SCTP_FRAME_RETRANSMISSION;
		} else {
			struct mpf_sctp_stats *s = &a->st[ap->side];

			if (!s->has_tsn) {
				s->has_tsn = true;
				s->first_tsn = s->last_tsn = in.u.data.tsn;
			}
			if ((int32_t)(in.u.data.tsn - s->last_tsn) > 0)
				s->last_tsn = in.u.data.tsn;
			if ((int32_t)(in.u.data.tsn - s->first_tsn) < 0)
				s->first_tsn = in.u.data.tsn;
			if (ap->flow)
				data_path(a, ap->side, ap->flow, ap->pkt,
					  ap->rec->number);
		}
		a->st[ap->side].data_chunks++;
		a->st[ap->side].data_bytes += in.u.data.data_len;
		if (p)
			p->st.data_chunks[ap->dir]++;
		break;
	case SCTP_INIT:
	case SCTP_INIT_ACK:
		if (ap->frozen)
			break;
		a->init_seen[ap->side] = true;
		mpf__sctp_addr_note(a, ap->side, &ap->pkt->src,
				    MPF_SCTP_ADDR_INIT_SOURCE, ap->rec->number);
		r = mpf__sctp_walk_params(in.u.init.params,
					  in.u.init.params_cap,
					  in.u.init.params_len, init_param, ap);
		ap->status = mpf__status_worst(ap->status, r);
		break;
	case SCTP_SACK:
	case SCTP_NR_SACK:
		if (!ap->has_cum) {
			ap->has_cum = true;
			ap->cum = in.u.sack.cum_ack;
		}
		if (!ap->frozen)
			a->st[1 - ap->side].sacks++;
		break;
	case SCTP_HEARTBEAT:
		if (ap->frozen || !p)
			break;
		p->st.heartbeats[ap->dir]++;
		p->hb_pending[ap->dir] = true;
		p->hb_hash[ap->dir] = hash_bytes(in.u.heartbeat.info,
						 in.u.heartbeat.info_len);
		p->hb_ts[ap->dir] = ap->pkt->ts_ns;
		break;
	case SCTP_HEARTBEAT_ACK:
		if (ap->frozen || !p)
			break;
		p->st.heartbeat_acks[ap->dir]++;
		/* the ack goes back along the path its heartbeat came */
		if (p->hb_pending[1 - ap->dir] &&
		    p->hb_hash[1 - ap->dir] == hash_bytes(in.u.heartbeat.info,
							  in.u.heartbeat.info_len)) {
			double rtt = (double)(ap->pkt->ts_ns - p->hb_ts[1 - ap->dir]) / 1e9;

			p->hb_pending[1 - ap->dir] = false;
			if (rtt >= 0) {
				if (!p->st.rtt_samples || rtt < p->st.rtt_min)
					p->st.rtt_min = rtt;
				if (!p->st.rtt_samples || rtt > p->st.rtt_max)
					p->st.rtt_max = rtt;
				p->rtt_sum += rtt;
				p->st.rtt_samples++;
				p->st.rtt_avg = p->rtt_sum / p->st.rtt_samples;
			}
		}
		break;
	case SCTP_ABORT:
		if (ap->frozen)
			break;
		if (a->end != MPF_SCTP_END_ABORT) {
			a->end = MPF_SCTP_END_ABORT;
			a->end_frame = ap->rec->number;
			a->cause = in.u.abort.cause;
		}
		break;
	case SCTP_SHUTDOWN:
		if (!ap->frozen && !a->shutdown_frame)
			a->shutdown_frame = ap->rec->number;
		break;
	case SCTP_SHUTDOWN_COMPLETE:
		if (!ap->frozen && a->end == MPF_SCTP_END_OPEN) {
			a->end = MPF_SCTP_END_SHUTDOWN;
			a->end_frame = ap->rec->number;
		}
		break;
	case SCTP_ASCONF:
		if (ap->frozen)
			break;
		if (in.u.asconf.has_lookup)
			mpf__sctp_addr_note(a, ap->side, &in.u.asconf.lookup,
					    MPF_SCTP_ADDR_ASCONF_LOOKUP,
					    ap->rec->number);
		r = mpf__sctp_walk_params(in.u.asconf.params,
					  in.u.asconf.params_cap,
					  in.u.asconf.params_len, asconf_param,
					  ap);
		ap->status = mpf__status_worst(ap->status, r);
		break;
	default:
		break;
	}
	return true;
}

/* What merging rewrites in the absorbed node's frame records. */
struct merge_fix {
	uint32_t keep;
	bool flip;
	GArray *flow_map; /* pairs of uint32_t: absorbed flow, survivor flow */
};

static void
fix_record(struct mpf_frame *rec, void *user)
{
	const struct merge_fix *m = user;
	guint i;

	rec->node = m->keep;
	if (m->flip)
		rec->dir = (uint8_t)(1 - rec->dir);
	for (i = 0; i + 1 < m->flow_map->len; i += 2)
		if (rec->flow == g_array_index(m->flow_map, uint32_t, i))
			rec->flow = g_array_index(m->flow_map, uint32_t, i + 1);
}

/*
 * An INIT collision (RFC 9260 5.2.4): each end sent an INIT, and the INIT
 * ACK of one names the tag of the other's INIT. Node @gone (opened by the
 * INIT whose sender is @keep's side @side) is the same association: it
 * joins @keep, its flows folding into @keep's for the same address pair.
 */
void
mpf__sctp_collision_merge(struct mpf_ctx *ctx, struct state *st, struct mpf_node *keep,
		struct mpf_node *gone, int side)
{
	struct assoc *k = assoc_of(keep), *g = assoc_of(gone);
	struct merge_fix fx = { keep->id, side != MPF_SIDE_CLIENT,
				g_array_new(FALSE, FALSE, sizeof(uint32_t)) };
	GPtrArray *moved = g_ptr_array_new();
	guint i, j;
	int gs;

	for (i = 0; i < gone->flows->len; i++) {
		struct mpf_flow *gf = g_ptr_array_index(gone->flows, i);
		struct mpf_flow *kf = k->flows ? g_hash_table_lookup(
						 k->flows, &path_of(gf)->tuple)
					       : NULL;

		if (kf) {
			g_array_append_val(fx.flow_map, gf->id);
			g_array_append_val(fx.flow_map, kf->id);
		}
		g_ptr_array_add(moved, gf);
	}
	mpf__sctp_half_remove(st, gone);
	mpf__node_merge(ctx, keep, gone, fix_record, &fx);
	for (i = 0; i < moved->len; i++) {
		struct mpf_flow *gf = g_ptr_array_index(moved, i);
		struct mpf_flow *kf = NULL;

		for (j = 0; j + 1 < fx.flow_map->len; j += 2)
			if (g_array_index(fx.flow_map, uint32_t, j) == gf->id)
				kf = (struct mpf_flow *)mpf_ctx_get_flow(
					ctx, g_array_index(fx.flow_map, uint32_t,
							   j + 1));
		if (kf) {
			mpf__flow_absorb(kf, gf);
		} else {
			if (!k->flows)
				k->flows = g_hash_table_new(mpf__tuple_hash,
							    mpf__tuple_equal);
			g_hash_table_insert(k->flows, &path_of(gf)->tuple, gf);
		}
	}
	/* the absorbed INIT's sender is @keep's side @side */
	for (gs = 0; gs < 2; gs++) {
		int ks = fx.flip ? 1 - gs : gs;

		for (i = 0; g->addrs[gs] && i < g->addrs[gs]->len; i++) {
			struct saddr *x = &g_array_index(g->addrs[gs], struct saddr, i);
			struct saddr *y = mpf__sctp_addr_note(k, ks, &x->addr,
							      x->origin,
							      x->first_frame);

			if (y && x->first_frame < y->first_frame)
				y->first_frame = x->first_frame;
		}
		k->init_seen[ks] = k->init_seen[ks] || g->init_seen[gs];
		k->st[ks].data_chunks += g->st[gs].data_chunks;
		k->st[ks].data_bytes += g->st[gs].data_bytes;
		k->st[ks].crc_bad += g->st[gs].crc_bad;
	}
	g_array_free(fx.flow_map, TRUE);
	g_ptr_array_free(moved, TRUE);
}

/* The side that sent the packet. */
static int
sender_side(const struct assoc *a, uint16_t sport, uint16_t dport,
	    uint32_t vtag, const struct scan *sc)
{
	if (sc->init)
		return MPF_SIDE_CLIENT;
	if (sc->init_ack) /* sent to the side whose tag it carries */
		return a->has_tag[MPF_SIDE_CLIENT] && a->tag[MPF_SIDE_CLIENT] == vtag
			       ? MPF_SIDE_SERVER
			       : MPF_SIDE_CLIENT;
	if (a->port[0] != a->port[1])
		return sport == a->port[MPF_SIDE_CLIENT] ? MPF_SIDE_CLIENT
							 : MPF_SIDE_SERVER;
	/* one port both ways: the tag tells (the receiver's, or with the T
	 * bit the sender's own) */
	if (sc->t_bit)
		return a->has_tag[MPF_SIDE_CLIENT] && a->tag[MPF_SIDE_CLIENT] == vtag
			       ? MPF_SIDE_CLIENT
			       : MPF_SIDE_SERVER;
	(void)dport;
	return a->has_tag[MPF_SIDE_SERVER] && a->tag[MPF_SIDE_SERVER] == vtag
		       ? MPF_SIDE_CLIENT
		       : MPF_SIDE_SERVER;
}

/* A half node the packet completes: same ports, the tag of the side the
 * packet goes to still unknown, and (when there are several) an address
 * in common. Only the halves waiting on the packet's ports and way are
 * looked at, HALF_WAITING at most. */
static struct mpf_node *
half_match(struct state *st, const struct mpf_pkt *pkt, uint16_t sport,
	   uint16_t dport)
{
	GQueue *q = mpf__sctp_half_waiting(st, dport, sport);
	struct mpf_node *only = NULL;
	guint n = 0;
	GList *l;

	for (l = q ? q->head : NULL; l; l = l->next) {
		struct mpf_node *h = l->data;
		struct assoc *a = assoc_of(h);
		/* the receiver is the side without a tag */
		int rcv = a->has_tag[MPF_SIDE_CLIENT] ? MPF_SIDE_SERVER
						      : MPF_SIDE_CLIENT;

		st->half_steps++;
		if (a->end != MPF_SCTP_END_OPEN)
			continue;
		if (mpf__sctp_addr_find(a, 1 - rcv, &pkt->src) ||
		    mpf__sctp_addr_find(a, rcv, &pkt->dst))
			return h;
		only = h;
		n++;
	}
	return n == 1 ? only : NULL;
}

int
mpf__sctp_ingest(struct mpf_ctx *ctx, void *state, const struct mpf_pkt *pkt,
		 struct mpf_frame *rec)
{
	struct state *st = state;
	struct scan sc;
	struct apply ap;
	struct mpf_cursor c;
	struct mpf_node *n = NULL;
	struct assoc *a;
	uint16_t sport, dport;
	uint32_t vtag, wire;
	bool frozen = false;
	int st_walk;
	const uint8_t *sctp = NULL;
	uint32_t sctp_cap = 0, sctp_len = 0;

	mpf__sctp_locate(pkt, &sctp, &sctp_cap, &sctp_len); /* claimed */
	if (sctp_cap < 12)
		return sctp_len < 12 ? MPF_ERR_MALFORMED : MPF_ERR_TRUNCATED;
	mpf_cursor_init(&c, sctp, sctp_cap, sctp_len);
	sport = mpf_get_be16(&c);
	dport = mpf_get_be16(&c);
	vtag = mpf_get_be32(&c);
	wire = mpf_get_be32(&c);

	/* the checksum: a packet that fails it changes nothing */
	if (sctp_cap < sctp_len || wire == 0) {
		rec->bflags |= MPF_SCTP_FRAME_CRC_UNVERIFIED;
	} else if (mpf__sctp_checksum(sctp, sctp_len) != wire) {
		if (mpf__sctp_adler32(sctp, sctp_len) == wire) {
			rec->bflags |= MPF_SCTP_FRAME_ADLER32;
		} else {
			rec->bflags |= MPF_SCTP_FRAME_CRC_BAD;
			frozen = true;
		}
	}

	memset(&sc, 0, sizeof(sc));
	st_walk = mpf__sctp_walk(sctp, sctp_cap, sctp_len,
				 scan_chunk, &sc);
	sc.status = mpf__status_worst(st_walk, sc.status);

	/* find the association */
	if (sc.init) {
		n = mpf__sctp_find_key(st, sport, dport, sc.init_tag);
		if (n && (assoc_of(n)->end != MPF_SCTP_END_OPEN ||
			  assoc_of(n)->established)) {
			/* an INIT on a finished association: a new one */
			rec->bflags |= MPF_SCTP_FRAME_NEW_ASSOC;
			n = NULL;
		}
		if (!n && !frozen) {
			n = mpf__sctp_assoc_new(ctx, pkt, sport, dport);
			a = assoc_of(n);
			a->fresh = true;
			a->has_tag[MPF_SIDE_CLIENT] = true;
			a->tag[MPF_SIDE_CLIENT] = sc.init_tag;
			mpf__sctp_file_key(st, n, MPF_SIDE_CLIENT);
		}
	} else if (sc.init_ack) {
		n = mpf__sctp_find_key(st, dport, sport, vtag);
		if (!n && !frozen) {
			/* the INIT was missed: the receiver began */
			n = mpf__sctp_assoc_new(ctx, pkt, dport, sport);
			a = assoc_of(n);
			a->has_tag[MPF_SIDE_CLIENT] = true;
			a->tag[MPF_SIDE_CLIENT] = vtag;
			mpf__sctp_file_key(st, n, MPF_SIDE_CLIENT);
		}
		if (n && !frozen) {
			/* the INIT ACK's sender states its own tag: in an INIT
			 * collision that can be the client */
			int s_side;
			struct mpf_node *other;

			a = assoc_of(n);
			s_side = a->has_tag[MPF_SIDE_CLIENT] &&
						 a->tag[MPF_SIDE_CLIENT] == vtag
					 ? MPF_SIDE_SERVER
					 : MPF_SIDE_CLIENT;
			if (!a->has_tag[s_side]) {
				other = mpf__sctp_find_key(st, a->port[s_side],
							   a->port[1 - s_side],
							   sc.init_ack_tag);
				if (other && other != n &&
				    !assoc_of(other)->established)
					mpf__sctp_collision_merge(ctx, st, n, other,
								  s_side);
				a->has_tag[s_side] = true;
				a->tag[s_side] = sc.init_ack_tag;
				mpf__sctp_file_key(st, n, s_side);
			}
			if (a->has_tag[0] && a->has_tag[1])
				mpf__sctp_half_remove(st, n);
		}
	} else if (sc.t_bit) {
		n = mpf__sctp_find_key(st, sport, dport, vtag);
		rec->bflags |= MPF_SCTP_FRAME_T_BIT;
	} else {
		n = mpf__sctp_find_key(st, dport, sport, vtag);
	}
	if (!n && !frozen && !sc.init && !sc.init_ack) {
		/* no handshake seen for it: complete a half, or make one */
		n = half_match(st, pkt, sport, dport);
		if (n) {
			int rcv;

			a = assoc_of(n);
			rcv = a->port[MPF_SIDE_CLIENT] == (sc.t_bit ? sport : dport) &&
					      !a->has_tag[MPF_SIDE_CLIENT]
				      ? MPF_SIDE_CLIENT
				      : MPF_SIDE_SERVER;
			a->has_tag[rcv] = true;
			a->tag[rcv] = vtag;
			mpf__sctp_file_key(st, n, rcv);
			mpf__sctp_half_remove(st, n);
			rec->bflags |= MPF_SCTP_FRAME_MERGED;
		} else {
			/* its sender is taken as the client; the tag belongs
			 * to the receiver (or, T bit, to the sender) */
			int side = sc.t_bit ? MPF_SIDE_CLIENT : MPF_SIDE_SERVER;

			n = mpf__sctp_assoc_new(ctx, pkt, sport, dport);
			a = assoc_of(n);
			a->has_tag[side] = true;
			a->tag[side] = vtag;
			mpf__sctp_file_key(st, n, side);
			mpf__sctp_half_add(st, n);
		}
	}
	if (!n) {
		rec->bflags |= MPF_SCTP_FRAME_NO_ASSOC;
		/* a wrong CRC: an association of an earlier part of the
		 * capture may own it */
		if (frozen && ctx->config.shard && !sc.init && !sc.init_ack)
			mpf__sctp_residue_note(st, pkt, sport, dport, vtag,
					       sc.t_bit);
		return sc.status;
	}

	a = assoc_of(n);
	memset(&ap, 0, sizeof(ap));
	ap.ctx = ctx;
	ap.pkt = pkt;
	ap.node = n;
	ap.rec = rec;
	ap.frozen = frozen;
	ap.side = sender_side(a, sport, dport, vtag, &sc);
	ap.flow = mpf__sctp_path_get(ctx, n, pkt, sport, dport, !frozen,
				     &ap.dir);
	if (!a->has_tag[0] || !a->has_tag[1])
		rec->bflags |= MPF_SCTP_FRAME_HALF;
	if (!sc.init && !sc.init_ack && a->has_tag[0] && a->has_tag[1] &&
	    !frozen && !(sc.chunks & mpf_sctp_chunk_bit(SCTP_COOKIE_ECHO)))
		a->established = true;

	rec->protocol = MPF_PROTO_SCTP;
	rec->node = n->id;
	rec->flow = ap.flow ? ap.flow->id : MPF_ID_NONE;
	rec->dir = (uint8_t)ap.side;
	rec->payload_len = sctp_len;
	rec->ref[1] = sc.chunks;
	if (ap.flow)
		mpf__flow_account(ctx, ap.flow, (enum mpf_side)ap.dir, pkt);
	else {
		n->packets++;
		n->bytes += pkt->raw->wirelen;
		n->last_frame = pkt->raw->number;
		n->last_ts = pkt->ts_ns;
	}
	if (frozen)
		a->st[ap.side].crc_bad++;

	ap.status = sc.status;
	mpf__sctp_walk(sctp, sctp_cap, sctp_len, apply_chunk,
		       &ap);

	/* the source is one of the sender's addresses */
	if (!frozen) {
		struct saddr *x = mpf__sctp_addr_note(a, ap.side, &pkt->src,
						      MPF_SCTP_ADDR_SOURCE,
						      rec->number);

		if (x && !mpf__sctp_is_announced(x) &&
		    mpf__sctp_announced_known(a, ap.side)) {
			rec->bflags |= MPF_SCTP_FRAME_UNANNOUNCED;
			if (ap.flow)
				path_of(ap.flow)->st.unannounced = true;
		}
	}
	if (ap.has_tsn) {
		rec->val[0] = ap.tsn;
		rec->flags |= MPF_FRAME_HAS_VAL0;
	}
	if (ap.has_cum) {
		rec->val[1] = ap.cum;
		rec->flags |= MPF_FRAME_HAS_VAL1;
	}
	return ap.status;
}
