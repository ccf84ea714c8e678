/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fsm.c: the two state machines, one per subflow and one per connection,
 * written as tables; every transition is recorded with its frame. Also
 * the rules that feed them and need nothing but the packet and the
 * machine: when an MP_CAPABLE is valid (what makes a fallback in the
 * handshake), when an RST is accepted, how a subflow's TCP ends.
 *
 * specification: RFC 8684 3.1 (handshake), 3.3.3 (DATA_FIN), 3.5 (fast
 * close), 3.7 (fallback); RFC 9293 (TCP states), RFC 5961 3.2 (which RST
 * a receiver accepts). Where the RFC leaves room, the Linux kernel's
 * reading (net/mptcp: mptcp_parse_option, check_fully_established,
 * subflow_check_data_avail) decides.
 *
 * Subflow (rows: state; columns: event; "." stays):
 *
 *                 SYN    SYNACK  REFUSED  ESTAB  FALLBK  FIN      FINBOTH  RST
 *   none          sent   recvd   rejctd   estab  fallbk  closing  closed   reset
 *   syn_sent      .      recvd   rejctd   estab  fallbk  closing  closed   reset
 *   syn_received  .      .       rejctd   estab  fallbk  closing  closed   reset
 *   established   .      .       rejctd   .      fallbk  closing  closed   reset
 *   fallback      .      .       .        .      .       closing  closed   reset
 *   rejected      .      .       .        .      .       closing  closed   reset
 *   closing       .      .       .        .      .       .        closed   reset
 *   closed, reset: final (a SYN on the 4-tuple opens a new subflow)
 *
 * Connection:
 *
 *                 SYN    SYNACK  ESTAB  FALLBK  DATA_FIN  BOTH    FASTCLOSE
 *   none          sent   recvd   estab  fallbk  closing   closed  fastclose
 *   syn_sent      .      recvd   estab  fallbk  closing   closed  fastclose
 *   syn_received  .      .       estab  fallbk  closing   closed  fastclose
 *   established   .      .       .      fallbk  closing   closed  fastclose
 *   closing       .      .       .      fallbk  .         closed  fastclose
 *   fallback, closed, fastclose: final
 *
 * A connection has no RESET transition in the table: the last subflow may
 * die and a join bring the connection back (make-after-break), so "every
 * subflow reset" is an end only when nothing follows, added when read.
 */
#include "backends/mptcp/mptcp-int.h"

#define S 0xff /* stay */
#define N MPF_MPTCP_STATE_NONE
#define SS MPF_MPTCP_STATE_SYN_SENT
#define SR MPF_MPTCP_STATE_SYN_RECEIVED
#define E MPF_MPTCP_STATE_ESTABLISHED
#define FB MPF_MPTCP_STATE_FALLBACK
#define RJ MPF_MPTCP_STATE_REJECTED
#define CG MPF_MPTCP_STATE_CLOSING
#define CD MPF_MPTCP_STATE_CLOSED
#define RS MPF_MPTCP_STATE_RESET
#define FC MPF_MPTCP_STATE_FASTCLOSE
#define NSTATES (MPF_MPTCP_STATE_FASTCLOSE + 1)

static const uint8_t sf_table[NSTATES][SF_EV_COUNT] = {
	/*         SYN SYNACK REFUSED ESTAB FALLBK FIN FINBOTH RST */
	[N]  = { SS, SR, RJ, E, FB, CG, CD, RS },
	[SS] = { S,  SR, RJ, E, FB, CG, CD, RS },
	[SR] = { S,  S,  RJ, E, FB, CG, CD, RS },
	[E]  = { S,  S,  RJ, S, FB, CG, CD, RS },
	[FB] = { S,  S,  S,  S, S,  CG, CD, RS },
	[RJ] = { S,  S,  S,  S, S,  CG, CD, RS },
	[CG] = { S,  S,  S,  S, S,  S,  CD, RS },
	[CD] = { S,  S,  S,  S, S,  S,  S,  S },
	[RS] = { S,  S,  S,  S, S,  S,  S,  S },
	[FC] = { S,  S,  S,  S, S,  S,  S,  S },
};

static const uint8_t conn_table[NSTATES][CONN_EV_COUNT] = {
	/*         SYN SYNACK ESTAB FALLBK DATA_FIN BOTH FASTCLOSE */
	[N]  = { SS, SR, E, FB, CG, CD, FC },
	[SS] = { S,  SR, E, FB, CG, CD, FC },
	[SR] = { S,  S,  E, FB, CG, CD, FC },
	[E]  = { S,  S,  S, FB, CG, CD, FC },
	[FB] = { S,  S,  S, S,  S,  S,  S },
	[RJ] = { S,  S,  S, S,  S,  S,  S },
	[CG] = { S,  S,  S, FB, S,  CD, FC },
	[CD] = { S,  S,  S, S,  S,  S,  S },
	[RS] = { S,  S,  S, S,  S,  S,  S },
	[FC] = { S,  S,  S, S,  S,  S,  S },
};

/* The state @table (NSTATES rows of @nev events, read as the bytes they
 * are) moves @state to on @ev; @state when it stays or either is out of
 * range. */
static uint8_t
table_next(const uint8_t *table, unsigned nev, uint8_t state, unsigned ev)
{
	uint8_t to;

	if (state >= NSTATES || ev >= nev)
		return state;
	to = table[state * nev + ev];
	return to == S ? state : to;
}

/* The state a subflow in @state moves to on @ev (@state when it stays). */
uint8_t
mpf__mptcp_sf_next(uint8_t state, enum sf_event ev)
{
	return table_next((const uint8_t *)sf_table, SF_EV_COUNT, state,
			  (unsigned)ev);
}

/* The same for a connection. */
uint8_t
mpf__mptcp_conn_next(uint8_t state, enum conn_event ev)
{
	return table_next((const uint8_t *)conn_table, CONN_EV_COUNT, state,
			  (unsigned)ev);
}

/* Enters @to at @frame and records it; false when already there. The
 * tables only move forward, so MAX_TRANSITIONS is never reached; past it
 * the last slot is overwritten rather than growing. */
static bool
fsm_enter(struct fsm *m, uint8_t to, uint32_t frame, uint8_t cause)
{
	struct transition *t;

	if (to == m->state)
		return false;
	m->state = to;
	t = &m->t[m->n < MAX_TRANSITIONS ? m->n++ : MAX_TRANSITIONS - 1];
	t->frame = frame;
	t->state = to;
	t->cause = cause;
	return true;
}

/* Moves @f's subflow machine on @ev at @frame. Returns: whether it moved. */
bool
mpf__mptcp_sf_event(struct mpf_flow *f, enum sf_event ev, uint32_t frame)
{
	struct sub *s = sub_of(f);

	return fsm_enter(&s->fsm, mpf__mptcp_sf_next(s->fsm.state, ev), frame,
			 0);
}

/* Moves @node's connection machine on @ev at @frame (a fallback goes
 * through mpf__mptcp_fallback(), which knows its cause). */
bool
mpf__mptcp_conn_event(struct mpf_node *node, enum conn_event ev,
		      uint32_t frame)
{
	struct conn *c = conn_of(node);

	return fsm_enter(&c->fsm, mpf__mptcp_conn_next(c->fsm.state, ev),
			 frame, 0);
}

/*
 * Node @g is absorbed into @k (association without the handshake): what
 * @g's machine went through happens to @k too, at the same frames; the
 * DATA_FINs, which each side may have shown to another node, decide
 * closing and closed afresh. The record stays in frame order.
 */
void
mpf__mptcp_fsm_merge(struct conn *k, const struct conn *g)
{
	static const int8_t event_of[NSTATES] = {
		[N] = -1, [SS] = CONN_EV_SYN, [SR] = CONN_EV_SYNACK,
		[E] = CONN_EV_ESTABLISH, [FB] = CONN_EV_FALLBACK, [RJ] = -1,
		[CG] = -1, [CD] = -1, [RS] = -1, [FC] = CONN_EV_FASTCLOSE,
	};
	struct fsm *m = &k->fsm;
	int i, j;

	for (i = 0; i < g->fsm.n; i++) {
		const struct transition *t = &g->fsm.t[i];
		int ev = t->state < NSTATES ? event_of[t->state] : -1;
		uint8_t to;

		if (ev < 0)
			continue;
		to = mpf__mptcp_conn_next(m->state, (enum conn_event)ev);
		if (fsm_enter(m, to, t->frame, t->cause) &&
		    to == MPF_MPTCP_STATE_FALLBACK && !k->fallback) {
			k->fallback = true;
			k->fallback_frame = g->fallback_frame;
			k->fallback_cause = g->fallback_cause;
		}
	}
	if (k->side[0].st.data_fin && k->side[1].st.data_fin)
		fsm_enter(m, mpf__mptcp_conn_next(m->state,
						  CONN_EV_DATA_FIN_BOTH),
			  MAX(k->side[0].st.data_fin_frame,
			      k->side[1].st.data_fin_frame), 0);
	else if (k->side[0].st.data_fin || k->side[1].st.data_fin)
		fsm_enter(m, mpf__mptcp_conn_next(m->state, CONN_EV_DATA_FIN),
			  k->side[0].st.data_fin ? k->side[0].st.data_fin_frame
						 : k->side[1].st.data_fin_frame,
			  0);
	/* insertion sort by frame: a few entries */
	for (i = 1; i < m->n; i++) {
		struct transition t = m->t[i];

		for (j = i; j > 0 && m->t[j - 1].frame > t.frame; j--)
			m->t[j] = m->t[j - 1];
		m->t[j] = t;
	}
}

/* The event that moves a subflow into @state, -1 for none. */
static int
sf_event_of(uint8_t state)
{
	static const int8_t event_of[NSTATES] = {
		[N] = -1, [SS] = SF_EV_SYN, [SR] = SF_EV_SYNACK,
		[E] = SF_EV_ESTABLISH, [FB] = SF_EV_FALLBACK,
		[RJ] = SF_EV_REFUSED, [CG] = SF_EV_FIN, [CD] = SF_EV_FIN_BOTH,
		[RS] = SF_EV_RST, [FC] = -1,
	};

	return state < NSTATES ? event_of[state] : -1;
}

/*
 * Subflow @gs, of a later part of the capture (partial.c), continues @ks
 * (@swap: its directions are @ks's the other way): what @gs's machine went
 * through happens to @ks, at the same frames, in frame order. Its FINs
 * count with those @ks saw: the first one each way of either part decides
 * closing and closed afresh, as one context would have.
 */
void
mpf__mptcp_sf_fold(struct sub *ks, const struct sub *gs, bool swap)
{
	struct {
		uint32_t frame;
		uint8_t ev, cause;
	} evs[MAX_TRANSITIONS + 2], x;
	int n = 0, i, j, d;
	const struct sdir *a, *b;

	for (i = 0; i < gs->fsm.n; i++) {
		const struct transition *t = &gs->fsm.t[i];
		int ev = sf_event_of(t->state);

		if (ev < 0 || ev == SF_EV_FIN || ev == SF_EV_FIN_BOTH)
			continue;
		evs[n].frame = t->frame;
		evs[n].ev = (uint8_t)ev;
		evs[n++].cause = t->cause;
	}
	for (d = 0; d < 2; d++) {
		struct sdir *kd = &ks->dir[swap ? 1 - d : d];

		if (gs->dir[d].fin && !kd->fin) {
			kd->fin = true;
			kd->fin_frame = gs->dir[d].fin_frame;
		}
	}
	/* a: the way that sent the first FIN */
	a = &ks->dir[0];
	b = &ks->dir[1];
	if (!a->fin || (b->fin && b->fin_frame < a->fin_frame)) {
		a = &ks->dir[1];
		b = &ks->dir[0];
	}
	if (a->fin) {
		evs[n].frame = a->fin_frame;
		evs[n].ev = SF_EV_FIN;
		evs[n++].cause = 0;
	}
	if (a->fin && b->fin) {
		evs[n].frame = b->fin_frame;
		evs[n].ev = SF_EV_FIN_BOTH;
		evs[n++].cause = 0;
	}
	/* insertion sort by frame, stable: a few entries */
	for (i = 1; i < n; i++) {
		x = evs[i];
		for (j = i; j > 0 && evs[j - 1].frame > x.frame; j--)
			evs[j] = evs[j - 1];
		evs[j] = x;
	}
	for (i = 0; i < n; i++)
		fsm_enter(&ks->fsm,
			  mpf__mptcp_sf_next(ks->fsm.state,
					     (enum sf_event)evs[i].ev),
			  evs[i].frame, evs[i].cause);
}

/* Whether a machine read from a partial result could have been recorded:
 * known states and causes, at most MAX_TRANSITIONS, one entered at least
 * when not in NONE. */
bool
mpf__mptcp_fsm_valid(const struct fsm *m)
{
	int i;

	if (m->n > MAX_TRANSITIONS || m->state >= NSTATES ||
	    (m->state != N && !m->n))
		return false;
	for (i = 0; i < m->n; i++)
		if (m->t[i].state >= NSTATES || m->t[i].state == N ||
		    m->t[i].cause > MPF_MPTCP_FALLBACK_INFINITE_MAPPING)
			return false;
	return true;
}

/*
 * A verdict that comes late (a join HMAC checked when the keys arrive)
 * changes what subflow machine @m entered at @frame into @state, where it
 * would have gone had it known then; the moves after that frame are made
 * again from there (a join refused at its SYN/ACK is not established by
 * its third ACK).
 */
void
mpf__mptcp_fsm_amend(struct fsm *m, uint32_t frame, uint8_t state)
{
	int i, j, k;

	for (i = m->n - 1; i >= 0 && m->t[i].frame != frame; i--)
		;
	if (i < 0)
		return;
	m->t[i].state = state;
	m->state = state;
	for (j = k = i + 1; j < m->n; j++) {
		int ev = sf_event_of(m->t[j].state);
		uint8_t to = ev < 0 ? m->state
				    : mpf__mptcp_sf_next(m->state, (enum sf_event)ev);

		if (to == m->state)
			continue;
		m->t[k] = m->t[j];
		m->t[k++].state = to;
		m->state = to;
	}
	m->n = (uint8_t)k;
}

/*
 * The connection of @f falls back to TCP at @rec's frame for @cause, and
 * the subflow carrying it with it. Only the first fallback counts, and
 * none after the connection closed.
 */
void
mpf__mptcp_fallback(struct mpf_flow *f, uint8_t cause, struct mpf_frame *rec)
{
	struct conn *c = conn_of(f->node);
	uint8_t to = mpf__mptcp_conn_next(c->fsm.state, CONN_EV_FALLBACK);

	if (c->fallback || to != MPF_MPTCP_STATE_FALLBACK)
		return;
	c->fallback = true;
	c->fallback_frame = rec->number;
	c->fallback_cause = cause;
	fsm_enter(&c->fsm, to, rec->number, cause);
	fsm_enter(&sub_of(f)->fsm,
		  mpf__mptcp_sf_next(sub_of(f)->fsm.state, SF_EV_FALLBACK),
		  rec->number, cause);
	rec->bflags |= MPF_MPTCP_FRAME_FALLBACK;
}

/*
 * Whether an MP_CAPABLE is one a Linux peer takes (mptcp_parse_option):
 * the length the segment calls for (SYN 4, or 12 for v0's key; SYN/ACK
 * 12; the third ACK 20, or 22/24 with the first data for v1), the
 * @version of the handshake (-1: not known yet), no B (extensibility)
 * flag, and H (the HMAC algorithm) the only algorithm bit. One cut by the
 * capture before its flags is taken as valid: nothing says otherwise.
 */
bool
mpf__mptcp_mpc_valid(const struct mpf_mptcp_opt *o, bool syn, bool ack,
		     bool has_payload, int version)
{
	uint8_t len = o->len;

	if (!mpf__mptcp_opt_has(o, 4))
		return true;
	if (version >= 0 && o->u.mpc.version != version)
		return false;
	if ((o->u.mpc.flags & MPC_FLAG_B) || (o->u.mpc.flags & 0x1f) != MPC_FLAG_H)
		return false;
	if (syn && !ack)
		return len == (o->u.mpc.version == 0 ? 12 : 4);
	if (syn)
		return len == 12;
	if (o->u.mpc.version == 0)
		return len == 20;
	if (has_payload)
		return len == 22 || len == 24;
	return len == 20;
}

/* The 64-bit relative sequence number of @seq one way of a subflow,
 * without moving its reference. */
static bool
rel_of(const struct sdir *d, uint32_t seq, uint64_t *out)
{
	if (!d->isn_known)
		return false;
	*out = mpf__seq_expand32(seq - d->isn, d->seq_ref);
	return true;
}

/*
 * Follows the TCP of one way of a subflow: the next sequence number its
 * sender uses (past data, SYN and FIN), the highest ack it sent for the
 * other way, its FIN. Call after the ISN of a SYN was taken, and only for
 * segments that count (not for an RST the receiver ignores).
 */
void
mpf__mptcp_tcp_track(struct sub *s, int d, const struct mpf_pkt *pkt)
{
	struct sdir *sd = &s->dir[d], *od = &s->dir[1 - d];
	uint64_t r;

	if (rel_of(sd, pkt->seq, &r)) {
		uint64_t end = r + pkt->payload_len +
			       ((pkt->tcp_flags & MPF_TCP_SYN) ? 1 : 0) +
			       ((pkt->tcp_flags & MPF_TCP_FIN) ? 1 : 0);

		if (!sd->nxt_seen || (int64_t)(end - sd->snd_nxt) > 0)
			sd->snd_nxt = end;
		sd->nxt_seen = true;
	}
	if ((pkt->tcp_flags & MPF_TCP_ACK) && od->isn_known) {
		uint64_t a = mpf__seq_expand32(pkt->ack - od->isn,
					       od->nxt_seen ? od->snd_nxt
							    : od->seq_ref);

		if (!sd->ack_seen || (int64_t)(a - sd->ack_max) > 0)
			sd->ack_max = a;
		sd->ack_seen = true;
	}
}

/*
 * What the receiver of an RST sent way @d does with it. RFC 5961 3.2
 * takes an RST only at the exact next sequence number; otherwise a
 * challenge ACK answers it (packetdrill's mp_reset_multi). The capture
 * shows the bounds of that number: not below what the receiver
 * acknowledged (else REFUSED), not past what the sender was seen to send
 * (else AHEAD: out of window, or the capture missed the sender's last
 * segments; the sender's next move tells). To a SYN not yet answered,
 * only an RST acknowledging it counts (RFC 9293 3.10.7.3, SYN-SENT).
 * Without sequence numbers to go by, it is TAKEN.
 */
enum rst_verdict
mpf__mptcp_rst_verdict(const struct sub *s, int d, const struct mpf_pkt *pkt)
{
	const struct sdir *sd = &s->dir[d], *od = &s->dir[1 - d];
	uint64_t r;

	if (!sd->isn_known && od->isn_known && !od->isn_guessed &&
	    od->nxt_seen && od->snd_nxt == 1)
		return (pkt->tcp_flags & MPF_TCP_ACK) && pkt->ack == od->isn + 1
			       ? RST_TAKEN
			       : RST_REFUSED;
	if (!rel_of(sd, pkt->seq, &r))
		return RST_TAKEN;
	if (od->ack_seen && (int64_t)(r - od->ack_max) < 0)
		return RST_REFUSED;
	if (sd->nxt_seen && (int64_t)(r - sd->snd_nxt) > 0)
		return RST_AHEAD;
	return RST_TAKEN;
}

/*
 * Whether a segment sent way @d is wholly below what its receiver already
 * acknowledged: an old duplicate, which TCP answers with an ACK and drops
 * before its options are read (packetdrill receive_fastclose_with_ack_multi:
 * an MP_FASTCLOSE "with old sequence numbers" has no effect).
 */
bool
mpf__mptcp_seg_stale(const struct sub *s, int d, const struct mpf_pkt *pkt)
{
	const struct sdir *sd = &s->dir[d], *od = &s->dir[1 - d];
	uint64_t r;

	if (!od->ack_seen || !rel_of(sd, pkt->seq, &r))
		return false;
	r += pkt->payload_len + ((pkt->tcp_flags & MPF_TCP_FIN) ? 1 : 0);
	return (int64_t)(r - od->ack_max) < 0;
}

/* The pending RST of @s was not the reset after all (its sender went on,
 * or a later RST was taken): its frame says so, when retained. */
void
mpf__mptcp_rst_pending_drop(struct mpf_ctx *ctx, struct sub *s)
{
	struct mpf_frame *rec = mpf__frame_at(ctx, s->pend_rst_frame);

	if (rec)
		rec->bflags |= MPF_MPTCP_FRAME_RST_IGNORED;
	s->pend_rst_frame = 0;
	s->pend_rst_reason = -1;
	s->pend_fastclose = false;
}

/* The frame of the RST that reset @s (a pending one, when the capture
 * ended on it), or 0. */
uint32_t
mpf__mptcp_sub_reset_frame(const struct sub *s)
{
	return s->rst_frame ? s->rst_frame : s->pend_rst_frame;
}

/* Whether a subflow's TCP connection is over (FIN both ways, or reset):
 * a new SYN on its 4-tuple is another subflow. */
bool
mpf__mptcp_sub_ended(const struct sub *s)
{
	return s->fsm.state == MPF_MPTCP_STATE_CLOSED ||
	       s->fsm.state == MPF_MPTCP_STATE_RESET;
}

/*
 * A connection's state as read at the end: its machine's, or RESET (with
 * the last reset's frame in *@frame) when every subflow was reset and the
 * machine had not ended otherwise. *@frame (nullable) gets the frame of
 * the state's transition, 0 when none.
 */
uint8_t
mpf__mptcp_conn_state(const struct mpf_node *node, uint32_t *frame)
{
	const struct conn *c = conn_of(node);
	uint32_t last = 0, fc = 0;
	bool all = node->flows->len > 0;
	guint i;

	if (frame)
		*frame = c->fsm.n ? c->fsm.t[c->fsm.n - 1].frame : 0;
	if (c->fsm.state == MPF_MPTCP_STATE_FALLBACK ||
	    c->fsm.state == MPF_MPTCP_STATE_CLOSED ||
	    c->fsm.state == MPF_MPTCP_STATE_FASTCLOSE)
		return c->fsm.state;
	for (i = 0; i < node->flows->len; i++) {
		const struct sub *s = sub_of(g_ptr_array_index(node->flows, i));
		uint32_t at = mpf__mptcp_sub_reset_frame(s);

		/* a fast close on an RST the capture ended on */
		if (!s->rst_frame && s->pend_fastclose && (!fc || at < fc))
			fc = at;
		if (!at)
			all = false;
		last = MAX(last, at);
	}
	if (fc || all) {
		if (frame)
			*frame = fc ? fc : last;
		return fc ? MPF_MPTCP_STATE_FASTCLOSE : MPF_MPTCP_STATE_RESET;
	}
	return c->fsm.state;
}
