/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ingest.c: the per-packet entry (mpf__lisp_ingest): control messages
 * (Map-Request and its reply by nonce, Map-Register, Map-Notify, ECM),
 * encapsulated data tied to its site and RLOC pair, unmapped EIDs, and
 * LISP over TCP (reliable transport).
 *
 * Reads messages through msg.c and changes sites through site.c; keeps
 * only the state's nonce table and unmapped list.
 */
#include <string.h>

#include "backends/lisp/lisp-int.h"

/* ------------------------------------------------------------ ingest */

#define NONCE_AGE_NS (60 * G_GINT64_CONSTANT(1000000000))

static void
note_nonce(struct state *st, uint64_t nonce, uint32_t frame, int64_t ts)
{
	int64_t *k;

	if (g_hash_table_size(st->nonces) >= MAX_NONCES / 2 ||
	    ts - st->nonces_since > NONCE_AGE_NS) {
		GHashTable *t = st->nonces_old;

		g_hash_table_remove_all(t);
		st->nonces_old = st->nonces;
		st->nonces = t;
		st->nonces_since = ts;
	}
	k = g_new(int64_t, 1);
	*k = (int64_t)nonce;
	g_hash_table_replace(st->nonces, k, GUINT_TO_POINTER(frame));
}

static bool
find_nonce(struct state *st, uint64_t nonce, uint32_t *frame)
{
	int64_t key = (int64_t)nonce;
	gpointer fr;

	if (!g_hash_table_lookup_extended(st->nonces, &key, NULL, &fr) &&
	    !g_hash_table_lookup_extended(st->nonces_old, &key, NULL, &fr))
		return false;
	*frame = GPOINTER_TO_UINT(fr);
	return true;
}

/*
 * Reads one EID record of a Map-Register, Map-Notify or Map-Reply (@type)
 * and applies it to its site. Returns false when the record is cut or
 * malformed (c->status says).
 */
static bool
mapping_record(struct mpf_ctx *ctx, struct state *st, const struct mpf_pkt *pkt,
	       struct mpf_cursor *c, struct mpf_frame *rec, int type)
{
	struct mpf_cursor save = *c;
	struct mpf_lisp_record r;
	struct rec_ctx rc = { NULL, rec, false };

	/* the EID first, to find the site; then the locators against it */
	if (!mpf__lisp_read_record(c, &r, NULL, NULL))
		return false;
	if (!r.eid.is_ip)
		return true; /* MAC or name EIDs: not in the graph */
	rc.site = mpf__lisp_site_get(ctx, st, pkt,
				     r.eid.has_iid ? r.eid.iid : 0, &r.eid.ip,
				     r.mask_len);
	*c = save;
	mpf__lisp_read_record(c, &r, mpf__lisp_on_locator, &rc);
	mpf__lisp_record_done(rc.site, &r, rec);
	/* a message carries many sites, and the frame's node is only one
	 * of them: each is charged what its record added */
	mpf__stream_remeasure(ctx, rc.site);
	if (type == LISP_MAP_REGISTER)
		site_of(rc.site)->st.registers++;
	else if (type == LISP_MAP_NOTIFY)
		site_of(rc.site)->st.notifies++;
	else
		site_of(rc.site)->st.replies++;
	if (rec->node == MPF_ID_NONE)
		rec->node = rc.site->id;
	if (r.eid.has_iid && !(rec->flags & MPF_FRAME_HAS_VAL1)) {
		rec->val[1] = r.eid.iid;
		rec->flags |= MPF_FRAME_HAS_VAL1;
	}
	return true;
}

/* Reads a control message at @c; @depth counts ECM nesting. */
static int
control(struct mpf_ctx *ctx, struct state *st, const struct mpf_pkt *pkt,
	struct mpf_cursor *c, struct mpf_frame *rec, int depth)
{
	struct mpf_lisp_msg m;
	unsigned i;

	if (!mpf__lisp_read_header(c, &m)) {
		if (depth == 0 && m.type) /* the first byte was read */
			rec->ref[1] = m.type;
		return c->status;
	}
	if (depth == 0)
		rec->ref[1] = m.type;
	if (m.has_nonce) {
		rec->val[0] = m.nonce;
		rec->flags |= MPF_FRAME_HAS_VAL0;
	}
	switch (m.type) {
	case LISP_MAP_REQUEST:
		if (m.probe)
			rec->bflags |= MPF_LISP_FRAME_PROBE;
		if (m.smr)
			rec->bflags |= MPF_LISP_FRAME_SMR;
		if (m.smr_invoked)
			rec->bflags |= MPF_LISP_FRAME_SMR_INVOKED;
		note_nonce(st, m.nonce, rec->number, pkt->ts_ns);
		for (i = 0; i < m.records && c->status == MPF_OK; i++) {
			struct mpf_lisp_addr eid;
			struct mpf_node *site;

			mpf_cursor_skip(c, 1);
			mpf_get_u8(c); /* mask length */
			if (!mpf__lisp_read_addr(c, &eid))
				break;
			/* a query, not a mapping: count it on a known site */
			site = eid.is_ip ? mpf__lisp_trie_lookup(st,
								 eid.has_iid ? eid.iid : 0,
								 &eid.ip)
					 : NULL;
			if (site) {
				site_of(site)->st.requests++;
				if (rec->node == MPF_ID_NONE)
					rec->node = site->id;
			} else if (st->shard && eid.is_ip) {
				uint32_t iid = eid.has_iid ? eid.iid : 0;

				mpf__lisp_residue_note(st, MPF_LISP_RES_REQUEST,
						       iid, &eid.ip, NULL);
				if (!st->req_set) {
					/* the frame's, if none of its EIDs
					 * has a site here */
					st->req_set = true;
					st->req_iid = iid;
					st->req_eid = eid.ip;
				}
			}
		}
		break;
	case LISP_MAP_REPLY:
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
		if (m.type == LISP_MAP_REPLY && m.probe)
			rec->bflags |= MPF_LISP_FRAME_PROBE;
		if (m.type == LISP_MAP_REPLY || m.type == LISP_MAP_NOTIFY) {
			uint32_t fr;

			if (find_nonce(st, m.nonce, &fr))
				rec->ref[0] = fr;
			else if (m.type == LISP_MAP_REPLY)
				rec->bflags |= MPF_LISP_FRAME_UNSOLICITED;
		}
		if (m.type == LISP_MAP_REGISTER)
			note_nonce(st, m.nonce, rec->number, pkt->ts_ns);
		for (i = 0; i < m.records && c->status == MPF_OK; i++)
			if (!mapping_record(ctx, st, pkt, c, rec, m.type))
				break;
		break;
	case LISP_ECM: {
		/* an IP header, a UDP header, then a control message */
		struct mpf_pkt inner;
		struct mpf_cursor in;
		int r;

		rec->bflags |= MPF_LISP_FRAME_ECM;
		if (depth > 0)
			return MPF_ERR_MALFORMED; /* an ECM in an ECM */
		memset(&inner, 0, sizeof(inner));
		inner.raw = pkt->raw;
		r = mpf__decode_ip(&inner, c->p, (size_t)(c->cap - c->p),
				   (size_t)(c->end - c->p));
		if (!inner.has_ports || !inner.payload)
			return r < 0 ? r : MPF_ERR_MALFORMED;
		mpf_cursor_init(&in, inner.payload, inner.payload_cap,
				   inner.payload_len);
		r = control(ctx, st, pkt, &in, rec, depth + 1);
		return r;
	}
	default:
		/* Notify-Ack, Referral, Info: read, nothing to keep */
		break;
	}
	return c->status;
}

/* The flow of the pair (@src the site's RLOC, @dst the remote one) of
 * @site, made when new (its frames and counts are the caller's). */
struct mpf_flow *
mpf__lisp_pair_get(struct mpf_ctx *ctx, struct mpf_node *site,
		   const struct mpf_addr *src, const struct mpf_addr *dst)
{
	struct site *s = site_of(site);
	struct mpf_tuple key;
	struct mpf_flow *f;

	memset(&key, 0, sizeof(key));
	key.a.addr = *src;
	key.b.addr = *dst;
	if (!s->flows)
		s->flows = g_hash_table_new(mpf__tuple_hash, mpf__tuple_equal);
	f = g_hash_table_lookup(s->flows, &key);
	if (!f) {
		f = mpf__flow_alloc(ctx, site, ctx->flows.next);
		f->src = key.a;
		f->dst = key.b;
		((struct pair *)f->priv)->key = key;
		g_hash_table_insert(s->flows, &((struct pair *)f->priv)->key, f);
	}
	return f;
}

/* Counts @packets of data from @eid, which no site's prefix covered. */
void
mpf__lisp_unmapped_add(struct state *st, uint32_t iid,
		       const struct mpf_addr *eid, uint64_t packets,
		       uint32_t frame)
{
	char buf[MPF_ADDR_STRLEN + 16], a[MPF_ADDR_STRLEN];
	gpointer idx;

	g_snprintf(buf, sizeof(buf), "%u/%s", iid,
		   mpf_addr_to_string(eid, a, sizeof(a)));
	if (g_hash_table_lookup_extended(st->unmapped_idx, buf, NULL, &idx)) {
		g_array_index(st->unmapped, struct mpf_lisp_unmapped,
			      GPOINTER_TO_UINT(idx))
			.packets += packets;
	} else if (st->unmapped->len < MAX_UNMAPPED) {
		struct mpf_lisp_unmapped u;

		memset(&u, 0, sizeof(u));
		u.iid = iid;
		u.eid = *eid;
		u.packets = packets;
		u.first_frame = frame;
		g_hash_table_insert(st->unmapped_idx, g_strdup(buf),
				    GUINT_TO_POINTER(st->unmapped->len));
		g_array_append_val(st->unmapped, u);
	}
}

/* Data to a locator whose priority is worse than a listed one's. */
static void
check_backup(struct state *st, uint32_t iid, const struct mpf_pkt *inner,
	     const struct mpf_pkt *pkt, struct mpf_frame *rec)
{
	struct mpf_node *dsite = mpf__lisp_trie_lookup(st, iid, &inner->dst);
	struct site *s;
	struct loc *to;
	unsigned best = 256;
	guint i;

	if (!dsite) {
		if (st->shard)
			mpf__lisp_residue_note(st, MPF_LISP_RES_TO_SITE, iid,
					       &inner->dst, pkt);
		return;
	}
	s = site_of(dsite);
	s->st.to_site_packets++;
	to = mpf__lisp_loc_find(s, &pkt->dst);
	if (!to)
		return;
	for (i = 0; i < s->locs->len; i++) {
		struct loc *x = &g_array_index(s->locs, struct loc, i);

		if (x->in_latest && x->pub.priority < best)
			best = x->pub.priority;
	}
	if (best < 255 && to->pub.priority > best) {
		rec->bflags |= MPF_LISP_FRAME_BACKUP_USED;
		to->pub.backup_hits++;
		s->st.backup_used++;
	}
}

static int
data(struct mpf_ctx *ctx, struct state *st, const struct mpf_pkt *pkt,
     struct mpf_frame *rec)
{
	struct mpf_lisp_data d;
	struct mpf_pkt inner;
	struct mpf_node *site;
	struct mpf_flow *f;
	uint32_t iid;
	int r;

	rec->protocol = MPF_PROTO_LISP;
	rec->bflags |= MPF_LISP_FRAME_DATA;
	rec->ref[1] = 0;
	r = mpf__lisp_read_data(pkt->payload, pkt->payload_cap,
				pkt->payload_len, &d);
	if (r != MPF_OK)
		return r;
	if (d.has_nonce) {
		rec->val[0] = d.nonce;
		rec->flags |= MPF_FRAME_HAS_VAL0;
	}
	iid = d.has_iid ? d.iid : 0;
	if (d.has_iid) {
		rec->val[1] = iid;
		rec->flags |= MPF_FRAME_HAS_VAL1;
	}
	memset(&inner, 0, sizeof(inner));
	inner.raw = pkt->raw;
	r = mpf__decode_ip(&inner, pkt->payload + 8, pkt->payload_cap - 8,
			   pkt->payload_len - 8);
	if (inner.ip_version == 0)
		return r < 0 ? r : MPF_ERR_MALFORMED;
	rec->payload_len = pkt->payload_len - 8;
	site = mpf__lisp_trie_lookup(st, iid, &inner.src);
	check_backup(st, iid, &inner, pkt, rec);
	if (!site) {
		rec->bflags |= MPF_LISP_FRAME_NO_MAPPING;
		mpf__lisp_unmapped_add(st, iid, &inner.src, 1, rec->number);
		if (st->shard)
			mpf__lisp_residue_note(st, MPF_LISP_RES_DATA, iid,
					       &inner.src, pkt);
		return MPF_OK;
	}
	f = mpf__lisp_pair_get(ctx, site, &pkt->src, &pkt->dst);
	if (!f->packets[0] && !f->packets[1]) {
		f->first_frame = pkt->raw->number;
		f->first_ts = pkt->ts_ns;
	}
	mpf__flow_account(ctx, f, MPF_SIDE_CLIENT, pkt);
	site_of(site)->st.data_packets++;
	site_of(site)->st.data_bytes += pkt->payload_len - 8;
	rec->node = site->id;
	rec->flow = f->id;
	rec->dir = MPF_SIDE_CLIENT;
	/* r: the inner packet's own state (a cut inner header, say) */
	return r == MPF_FRAGMENT ? MPF_OK : (r < 0 ? r : MPF_OK);
}

/*
 * LISP control over TCP (draft-kouvelas-lisp-map-server-reliable-
 * transport, as Wireshark's lisp-tcp reads it): messages of type (2),
 * length (2, all of it), message id (4), a body and an end marker, many
 * to a segment. A Registration (17) carries a Map-Register; a
 * Registration ACK (18) or NACK (19, after a reason and 2 reserved bytes)
 * an EID prefix (mask length, address); a Mapping Notification (21) an
 * xTR-ID, a site id and one mapping record. A segment that does not start
 * a message (the TCP stream is not reassembled) is skipped. The types
 * are in lisp.h (RT_*).
 */

/* A Registration ACK or NACK: counted on the site it names, if known
 * (a refusal of a prefix never registered makes no site). */
static void
registration_answer(struct state *st, struct mpf_cursor *c,
		    struct mpf_frame *rec, bool nack)
{
	struct mpf_lisp_addr eid;
	struct site_key key;
	struct mpf_node *n;
	uint8_t reason = 0, len;
	unsigned bits;

	if (nack) {
		reason = mpf_get_u8(c);
		mpf_cursor_skip(c, 2);
	}
	len = mpf_get_u8(c);
	if (!mpf__lisp_read_addr(c, &eid) || !eid.is_ip)
		return;
	bits = eid.ip.family == 4 ? 32 : 128;
	memset(&key, 0, sizeof(key));
	key.iid = eid.has_iid ? eid.iid : 0;
	key.len = len > bits ? (uint8_t)bits : len;
	key.prefix = eid.ip;
	mpf__lisp_mask_prefix(&key.prefix, key.len);
	if (nack)
		rec->bflags |= MPF_LISP_FRAME_REFUSED;
	if (eid.has_iid && !(rec->flags & MPF_FRAME_HAS_VAL1)) {
		rec->val[1] = eid.iid;
		rec->flags |= MPF_FRAME_HAS_VAL1;
	}
	n = g_hash_table_lookup(st->sites, &key);
	if (!n)
		return;
	if (nack) {
		site_of(n)->st.refusals++;
		site_of(n)->st.refusal_reason = reason;
		site_of(n)->st.refusal_frame = rec->number;
	} else {
		site_of(n)->st.acks++;
	}
	if (rec->node == MPF_ID_NONE)
		rec->node = n->id;
}

static int
reliable_message(struct mpf_ctx *ctx, struct state *st,
		 const struct mpf_pkt *pkt, uint16_t type,
		 struct mpf_cursor *c, struct mpf_frame *rec)
{
	switch (type) {
	case RT_REGISTRATION:
		return control(ctx, st, pkt, c, rec, 0);
	case RT_REGISTRATION_ACK:
	case RT_REGISTRATION_NACK:
		rec->ref[1] = type;
		registration_answer(st, c, rec, type == RT_REGISTRATION_NACK);
		return c->status;
	case RT_MAPPING_NOTIFICATION:
		rec->ref[1] = LISP_MAP_NOTIFY;
		if (mpf_cursor_skip(c, 24)) /* xTR-ID, site id */
			mapping_record(ctx, st, pkt, c, rec, LISP_MAP_NOTIFY);
		return c->status;
	default:
		if (type < LISP_NO_MESSAGE)
			rec->ref[1] = type;
		return MPF_OK;
	}
}

static int
reliable(struct mpf_ctx *ctx, struct state *st, const struct mpf_pkt *pkt,
	 struct mpf_frame *rec)
{
	struct mpf_cursor all;
	int status = MPF_OK;
	unsigned count = 0;

	mpf_cursor_init(&all, pkt->payload, pkt->payload_cap, pkt->payload_len);
	while (mpf_cursor_wire_left(&all) >= 8) {
		uint16_t type, mlen;
		uint32_t marker;
		struct mpf_cursor m = all, c;
		struct mpf_frame more, *r = rec;

		if (!mpf_cursor_has(&all, 8))
			return mpf__status_worst(status, MPF_ERR_TRUNCATED);
		type = mpf_get_be16(&m);
		mlen = mpf_get_be16(&m);
		if (mlen < 12 || mlen > mpf_cursor_wire_left(&all))
			break; /* a message cut by the segment, or no framing */
		if (!mpf_cursor_has(&all, mlen))
			return mpf__status_worst(status, MPF_ERR_TRUNCATED);
		/* type, length, message id; the message; the end marker */
		m = mpf_cursor_sub(&all, mlen);
		mpf_cursor_skip(&m, 8);
		c = mpf_cursor_sub(&m, mlen - 12u);
		mpf_cursor_skip(&m, mlen - 12u);
		marker = mpf_get_be32(&m);
		if (marker != RT_END_MARKER)
			return mpf__status_worst(status, MPF_ERR_MALFORMED);
		/* The frame's type, nonce and instance are its first
		 * message's; later ones add their flags (and give the frame
		 * a site when the first named none). */
		if (count++ > 0) {
			more = *rec;
			r = &more;
		}
		status = mpf__status_worst(status,
					   reliable_message(ctx, st, pkt, type, &c, r));
		if (r == &more) {
			if (rec->node == MPF_ID_NONE)
				rec->node = more.node;
			rec->bflags |= more.bflags;
		}
		mpf_cursor_skip(&all, mlen);
	}
	return status;
}

int
mpf__lisp_ingest(struct mpf_ctx *ctx, void *state, const struct mpf_pkt *pkt,
		 struct mpf_frame *rec)
{
	struct state *st = state;
	struct mpf_cursor c;
	int r;

	if (pkt->ip_proto == 17 && pkt->dport == LISP_DATA_PORT && pkt->payload)
		return data(ctx, st, pkt, rec);
	if (pkt->ip_proto == 17 && pkt->dport == LISP_DATA_PORT)
		return pkt->payload_len < 8 ? MPF_ERR_MALFORMED : MPF_ERR_TRUNCATED;
	rec->protocol = MPF_PROTO_LISP;
	rec->ref[1] = LISP_NO_MESSAGE; /* until a message is read */
	st->req_set = false;
	if (pkt->ip_proto != 17) {
		rec->bflags |= MPF_LISP_FRAME_TCP;
		r = pkt->payload_len ? reliable(ctx, st, pkt, rec) : MPF_OK;
	} else if (!pkt->payload) {
		return pkt->payload_len ? MPF_ERR_TRUNCATED : MPF_ERR_MALFORMED;
	} else {
		mpf_cursor_init(&c, pkt->payload, pkt->payload_cap,
				   pkt->payload_len);
		r = control(ctx, st, pkt, &c, rec, 0);
	}
	if (rec->node != MPF_ID_NONE) {
		struct mpf_node *n = (struct mpf_node *)mpf_ctx_get_node(ctx, rec->node);

		/* control traffic counts on the site, in no flow */
		n->packets++;
		n->bytes += pkt->raw->wirelen;
		n->last_frame = pkt->raw->number;
		n->last_ts = pkt->ts_ns;
	} else if (st->req_set) {
		/* a Map-Request of EIDs with no site here */
		mpf__lisp_residue_note(st, MPF_LISP_RES_REQUEST, st->req_iid,
				       &st->req_eid, pkt);
	}
	return r;
}
