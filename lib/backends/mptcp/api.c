/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * api.c: the public getters of mpflow.h for MPTCP nodes, flows and
 * frames, and the names of their enums and flags.
 *
 * Read-only: copies state out, changes nothing.
 */
#include <string.h>

#include "backends/mptcp/mptcp-int.h"

static const struct conn *
mptcp_conn(const struct mpf_node *node)
{
	return node && node->protocol == MPF_PROTO_MPTCP ? conn_of(node) : NULL;
}

static const struct sub *
mptcp_sub(const struct mpf_flow *flow)
{
	return flow && flow->node->protocol == MPF_PROTO_MPTCP ? sub_of(flow)
							       : NULL;
}

int
mpf_node_get_mptcp_version(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	return c ? c->version : -1;
}

bool
mpf_node_get_mptcp_fallback(const struct mpf_node *node, uint32_t *frame)
{
	const struct conn *c = mptcp_conn(node);

	if (!c || !c->fallback)
		return false;
	if (frame)
		*frame = c->fallback_frame;
	return true;
}

bool
mpf_node_get_mptcp_checksum(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	return c && c->checksum;
}

static const struct side *
node_side(const struct mpf_node *node, enum mpf_side side)
{
	const struct conn *c = mptcp_conn(node);

	if (!c || (unsigned)side > 1)
		return NULL;
	return &c->side[side];
}

bool
mpf_node_get_mptcp_key(const struct mpf_node *node, enum mpf_side side,
		       uint64_t *key)
{
	const struct side *s = node_side(node, side);

	if (!s || !s->has_key)
		return false;
	if (key)
		*key = s->key;
	return true;
}

bool
mpf_node_get_mptcp_token(const struct mpf_node *node, enum mpf_side side,
			 uint32_t *token)
{
	const struct side *s = node_side(node, side);

	if (!s || !s->has_token)
		return false;
	if (token)
		*token = s->token;
	return true;
}

bool
mpf_node_get_mptcp_idsn(const struct mpf_node *node, enum mpf_side side,
			uint64_t *idsn)
{
	const struct side *s = node_side(node, side);

	if (!s || !s->has_idsn)
		return false;
	if (idsn)
		*idsn = s->idsn;
	return true;
}

/* Copies @n bytes of @src into @dst of the caller's @size, zero-filling
 * what the caller's struct has beyond ours. */
int
mpf_node_get_mptcp_stats(const struct mpf_node *node, enum mpf_side sender,
			 struct mpf_mptcp_stats *stats, size_t size)
{
	const struct side *s = node_side(node, sender), *peer;
	struct mpf_mptcp_stats out;

	if (!s)
		return MPF_ERR_INVALID;
	peer = node_side(node, (enum mpf_side)(1 - sender));
	out = s->st;
	if (peer->dack_seen) {
		out.has_highest_dack = true;
		out.highest_dack = peer->dack_max - (s->base_known ? s->base : 0);
	}
	if (out.data_fin)
		out.data_fin_dsn = s->data_fin_raw - (s->base_known ? s->base : 0);
	return mpf__copy_out(stats, size, &out, sizeof(out));
}

double
mpf_node_get_mptcp_goodput(const struct mpf_node *node, enum mpf_side sender)
{
	const struct side *s = node_side(node, sender);
	double dur;

	if (!s)
		return 0.0;
	dur = (double)(node->last_ts - node->first_ts) / 1e9;
	return dur > 0 ? (double)s->st.unique_bytes / dur : 0.0;
}

int
mpf_node_get_mptcp_checks(const struct mpf_node *node,
			  struct mpf_mptcp_checks *checks, size_t size)
{
	const struct conn *c = mptcp_conn(node);
	struct mpf_mptcp_checks out;
	uint32_t frame;

	if (!c)
		return MPF_ERR_INVALID;
	out = c->checks;
	/* a fast close on the RST the capture ended on */
	if (!out.fastclose_frame &&
	    mpf__mptcp_conn_state(node, &frame) == MPF_MPTCP_STATE_FASTCLOSE)
		out.fastclose_frame = frame;
	return mpf__copy_out(checks, size, &out, sizeof(out));
}

const char *
mpf_mptcp_end_to_string(enum mpf_mptcp_end end)
{
	static const char *const names[] = { "open", "data_fin", "fastclose",
					     "reset", "fallback" };

	return (unsigned)end < G_N_ELEMENTS(names) ? names[end] : "unknown";
}

enum mpf_mptcp_end
mpf_node_get_mptcp_end(const struct mpf_node *node, uint32_t *frame)
{
	const struct conn *c = mptcp_conn(node);
	uint32_t at = 0;
	enum mpf_mptcp_end end = MPF_MPTCP_END_OPEN;

	if (c) {
		/* the end is the connection's final state */
		switch (mpf__mptcp_conn_state(node, &at)) {
		case MPF_MPTCP_STATE_FALLBACK:
			end = MPF_MPTCP_END_FALLBACK;
			break;
		case MPF_MPTCP_STATE_FASTCLOSE:
			end = MPF_MPTCP_END_FASTCLOSE;
			break;
		case MPF_MPTCP_STATE_CLOSED:
			end = MPF_MPTCP_END_DATA_FIN;
			break;
		case MPF_MPTCP_STATE_RESET:
			end = MPF_MPTCP_END_RESET;
			break;
		default:
			break;
		}
	}
	if (frame)
		*frame = end == MPF_MPTCP_END_OPEN ? 0 : at;
	return end;
}

const char *
mpf_mptcp_fallback_cause_to_string(enum mpf_mptcp_fallback_cause cause)
{
	static const char *const names[] = {
		"none", "syn_no_mp_capable", "synack_no_mp_capable",
		"synack_invalid_mp_capable", "ack_no_mp_capable",
		"ack_invalid_mp_capable", "data_no_dss", "infinite_mapping",
	};

	return (unsigned)cause < G_N_ELEMENTS(names) ? names[cause] : "unknown";
}

enum mpf_mptcp_fallback_cause
mpf_node_get_mptcp_fallback_cause(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	return c ? (enum mpf_mptcp_fallback_cause)c->fallback_cause
		 : MPF_MPTCP_FALLBACK_NONE;
}

const char *
mpf_mptcp_state_to_string(enum mpf_mptcp_state state)
{
	static const char *const names[] = {
		"none", "syn_sent", "syn_received", "established", "fallback",
		"rejected", "closing", "closed", "reset", "fastclose",
	};

	return (unsigned)state < G_N_ELEMENTS(names) ? names[state] : "unknown";
}

/* Copies transition @index of @m out; @extra is one more after the
 * recorded ones (a connection's RESET, known when read), state NONE when
 * none. */
static int
transition_out(const struct fsm *m, const struct transition *extra,
	       uint32_t index, struct mpf_mptcp_transition *t, size_t size)
{
	struct mpf_mptcp_transition out;
	const struct transition *x;

	if (index < m->n)
		x = &m->t[index];
	else if (index == m->n && extra->state != MPF_MPTCP_STATE_NONE)
		x = extra;
	else
		return MPF_ERR_NOT_FOUND;
	memset(&out, 0, sizeof(out));
	out.state = (enum mpf_mptcp_state)x->state;
	out.frame = x->frame;
	out.cause = (enum mpf_mptcp_fallback_cause)x->cause;
	return mpf__copy_out(t, size, &out, sizeof(out));
}

/* The RESET a connection's machine does not record (see fsm.c). */
static struct transition
node_extra(const struct mpf_node *node)
{
	const struct conn *c = conn_of(node);
	struct transition x = { 0, MPF_MPTCP_STATE_NONE, 0 };
	uint32_t frame;
	uint8_t st = mpf__mptcp_conn_state(node, &frame);

	if (st != c->fsm.state) {
		x.state = st;
		x.frame = frame;
	}
	return x;
}

enum mpf_mptcp_state
mpf_node_get_mptcp_state(const struct mpf_node *node)
{
	return mptcp_conn(node) ? (enum mpf_mptcp_state)mpf__mptcp_conn_state(
					  node, NULL)
				: MPF_MPTCP_STATE_NONE;
}

uint32_t
mpf_node_get_mptcp_transition_count(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	if (!c)
		return 0;
	return c->fsm.n + (node_extra(node).state != MPF_MPTCP_STATE_NONE);
}

int
mpf_node_get_mptcp_transition(const struct mpf_node *node, uint32_t index,
			      struct mpf_mptcp_transition *t, size_t size)
{
	const struct conn *c = mptcp_conn(node);
	struct transition x;

	if (!c)
		return MPF_ERR_INVALID;
	x = node_extra(node);
	return transition_out(&c->fsm, &x, index, t, size);
}

/* The RESET of an RST the capture ended on (pending), which a subflow's
 * machine records only once it is sure. */
static struct transition
flow_extra(const struct sub *s)
{
	struct transition x = { 0, MPF_MPTCP_STATE_NONE, 0 };

	if (!s->rst_frame && s->pend_rst_frame &&
	    mpf__mptcp_sf_next(s->fsm.state, SF_EV_RST) != s->fsm.state) {
		x.state = MPF_MPTCP_STATE_RESET;
		x.frame = s->pend_rst_frame;
	}
	return x;
}

enum mpf_mptcp_state
mpf_flow_get_mptcp_state(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	if (!s)
		return MPF_MPTCP_STATE_NONE;
	return flow_extra(s).state != MPF_MPTCP_STATE_NONE
		       ? MPF_MPTCP_STATE_RESET
		       : (enum mpf_mptcp_state)s->fsm.state;
}

uint32_t
mpf_flow_get_mptcp_transition_count(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	if (!s)
		return 0;
	return s->fsm.n + (flow_extra(s).state != MPF_MPTCP_STATE_NONE);
}

int
mpf_flow_get_mptcp_transition(const struct mpf_flow *flow, uint32_t index,
			      struct mpf_mptcp_transition *t, size_t size)
{
	const struct sub *s = mptcp_sub(flow);
	struct transition x;

	if (!s)
		return MPF_ERR_INVALID;
	x = flow_extra(s);
	return transition_out(&s->fsm, &x, index, t, size);
}

const char *
mpf_mptcp_hmac_to_string(enum mpf_mptcp_hmac hmac)
{
	static const char *const names[] = { "none", "unverified", "ok", "bad",
					     "legacy" };

	return (unsigned)hmac < G_N_ELEMENTS(names) ? names[hmac] : "unknown";
}

uint32_t
mpf_node_get_mptcp_address_count(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	return c && c->announced ? c->announced->len : 0;
}

int
mpf_node_get_mptcp_address(const struct mpf_node *node, uint32_t index,
			   struct mpf_mptcp_address *addr, size_t size)
{
	const struct conn *c = mptcp_conn(node);
	const struct announced *a;
	struct mpf_mptcp_address out;

	if (!c)
		return MPF_ERR_INVALID;
	if (!c->announced || index >= c->announced->len)
		return MPF_ERR_NOT_FOUND;
	a = &g_array_index(c->announced, struct announced, index);
	memset(&out, 0, sizeof(out));
	out.side = (enum mpf_side)a->side;
	out.id = a->addr_id;
	out.addr = a->addr;
	out.has_port = a->has_port;
	out.port = a->port;
	out.frame = a->frame;
	out.echo_frame = a->echo_frame;
	out.removed_frame = a->removed_frame;
	out.hmac = (enum mpf_mptcp_hmac)a->hmac;
	out.id_conflict = a->conflict;
	return mpf__copy_out(addr, size, &out, sizeof(out));
}

bool
mpf_node_get_mptcp_inferred(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	return c && c->inferred;
}

uint32_t
mpf_node_get_mptcp_evidence_count(const struct mpf_node *node)
{
	const struct conn *c = mptcp_conn(node);

	return c && c->evidence ? c->evidence->len : 0;
}

int
mpf_node_get_mptcp_evidence(const struct mpf_node *node, uint32_t index,
			    struct mpf_mptcp_evidence *ev, size_t size)
{
	const struct conn *c = mptcp_conn(node);
	const struct evidence *e;
	const struct side *sd;
	struct mpf_mptcp_evidence out;

	if (!c)
		return MPF_ERR_INVALID;
	if (!c->evidence || index >= c->evidence->len)
		return MPF_ERR_NOT_FOUND;
	e = &g_array_index(c->evidence, struct evidence, index);
	sd = &c->side[e->keep_side];
	memset(&out, 0, sizeof(out));
	out.kind = (enum mpf_mptcp_evidence_kind)e->kind;
	out.frame = e->frame;
	out.absorbed = e->absorbed;
	out.wide = e->wide;
	out.value = e->raw - (sd->base_known ? sd->base : 0);
	return mpf__copy_out(ev, size, &out, sizeof(out));
}

const char *
mpf_mptcp_role_to_string(enum mpf_mptcp_role role)
{
	switch (role) {
	case MPF_MPTCP_ROLE_INITIAL:
		return "initial";
	case MPF_MPTCP_ROLE_JOIN:
		return "join";
	default:
		return "unknown";
	}
}

enum mpf_mptcp_role
mpf_flow_get_mptcp_role(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s ? (enum mpf_mptcp_role)s->role : MPF_MPTCP_ROLE_UNKNOWN;
}

bool
mpf_flow_get_mptcp_established(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s && s->established;
}

bool
mpf_flow_get_mptcp_src_is_client(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s && s->src_is_client;
}

bool
mpf_flow_get_mptcp_backup(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s && s->backup;
}

int
mpf_flow_get_mptcp_address_id(const struct mpf_flow *flow,
			      enum mpf_side end)
{
	const struct sub *s = mptcp_sub(flow);

	if (!s || (unsigned)end > 1)
		return -1;
	return s->addr_id[end];
}

enum mpf_mptcp_hmac
mpf_flow_get_mptcp_join_hmac(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s ? (enum mpf_mptcp_hmac)s->hmac : MPF_MPTCP_HMAC_NONE;
}

uint32_t
mpf_flow_get_mptcp_removed_frame(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s ? s->removed_frame : 0;
}

int
mpf_flow_get_mptcp_reset_reason(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	if (!s)
		return -1;
	return s->rst_frame || !s->pend_rst_frame ? s->rst_reason
						    : s->pend_rst_reason;
}

uint32_t
mpf_flow_get_mptcp_reset_frame(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s ? mpf__mptcp_sub_reset_frame(s) : 0;
}

int
mpf_flow_get_mptcp_stats(const struct mpf_flow *flow, enum mpf_side dir,
			 struct mpf_mptcp_flow_stats *stats, size_t size)
{
	const struct sub *s = mptcp_sub(flow);

	if (!s || (unsigned)dir > 1)
		return MPF_ERR_INVALID;
	return mpf__copy_out(stats, size, &s->dir[dir].st, sizeof(s->dir[dir].st));
}

uint32_t
mpf_flow_get_mptcp_prio_count(const struct mpf_flow *flow)
{
	const struct sub *s = mptcp_sub(flow);

	return s && s->prio ? s->prio->len : 0;
}

bool
mpf_flow_get_mptcp_prio(const struct mpf_flow *flow, uint32_t index,
			uint32_t *frame, bool *backup)
{
	const struct sub *s = mptcp_sub(flow);
	const struct prio_change *p;

	if (!s || !s->prio || index >= s->prio->len)
		return false;
	p = &g_array_index(s->prio, struct prio_change, index);
	if (frame)
		*frame = p->frame;
	if (backup)
		*backup = p->backup;
	return true;
}

bool
mpf_frame_get_mptcp_dsn(const struct mpf_frame *frame, uint64_t *dsn)
{
	return mpf__frame_value(frame, MPF_PROTO_MPTCP, 0, dsn);
}

bool
mpf_frame_get_mptcp_dack(const struct mpf_frame *frame, uint64_t *dack)
{
	return mpf__frame_value(frame, MPF_PROTO_MPTCP, 1, dack);
}

uint32_t
mpf_frame_get_mptcp_mapping_frame(const struct mpf_frame *frame)
{
	return (uint32_t)mpf__frame_field_of(frame, MPF_PROTO_MPTCP,
					   MPF_FIELD_REF0, 0);
}

uint32_t
mpf_frame_get_mptcp_reinjection_of(const struct mpf_frame *frame)
{
	return (uint32_t)mpf__frame_field_of(frame, MPF_PROTO_MPTCP,
					   MPF_FIELD_REF1, 0);
}

uint32_t
mpf_frame_get_mptcp_reinjected_in(const struct mpf_frame *frame)
{
	return (uint32_t)mpf__frame_field_of(frame, MPF_PROTO_MPTCP,
					   MPF_FIELD_REF2, 0);
}

unsigned
mpf_frame_get_mptcp_options(const struct mpf_frame *frame)
{
	return (unsigned)mpf__frame_field_of(frame, MPF_PROTO_MPTCP,
					   MPF_FIELD_OPTS, 0);
}

unsigned
mpf_frame_get_mptcp_flags(const struct mpf_frame *frame)
{
	return (unsigned)mpf__frame_field_of(frame, MPF_PROTO_MPTCP,
					   MPF_FIELD_BFLAGS, 0);
}
