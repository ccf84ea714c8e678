/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * api.c: mpf_match_new() running the passes in order, mpf_match_free(),
 * the names and the public getters.
 *
 * Reads the match; changes nothing once mpf_match_new() has returned.
 */
#include "match/match-int.h"

int
mpf_match_new(const struct mpf_ctx *client, const struct mpf_ctx *server,
	      struct mpf_match **match)
{
	struct mpf_match *m;

	if (match)
		*match = NULL;
	if (!client || !server || !match || !client->seglog || !server->seglog)
		return MPF_ERR_INVALID;
	m = g_new0(struct mpf_match, 1);
	mpf__match_side_init(&m->s[0], client);
	mpf__match_side_init(&m->s[1], server);
	m->conns = g_array_new(FALSE, FALSE, sizeof(struct cpair));
	m->subs = g_array_new(FALSE, FALSE, sizeof(struct spair));
	m->rows = g_array_new(FALSE, FALSE, sizeof(struct row));

	mpf__match_pair_conns(m);
	mpf__match_pair_segments(m);
	mpf__match_finish(m);
	*match = m;
	return MPF_OK;
}

void
mpf_match_free(struct mpf_match *match)
{
	if (!match)
		return;
	mpf__match_side_fini(&match->s[0]);
	mpf__match_side_fini(&match->s[1]);
	g_array_free(match->conns, TRUE);
	g_array_free(match->subs, TRUE);
	g_array_free(match->rows, TRUE);
	g_free(match);
}

const char *
mpf_match_how_to_string(enum mpf_match_how how)
{
	static const char *const names[] = { "keys",  "token", "isn",
					     "data",  "tuple", "order" };

	return (unsigned)how < G_N_ELEMENTS(names) ? names[how] : "unknown";
}

const char *
mpf_match_state_to_string(enum mpf_match_state state)
{
	static const char *const names[] = { "matched", "lost", "unsent",
					     "outside" };

	return (unsigned)state < G_N_ELEMENTS(names) ? names[state] : "unknown";
}

const char *
mpf_match_verdict_to_string(enum mpf_match_verdict v)
{
	static const char *const names[] = { "", "useful", "redundant" };

	return (unsigned)v < G_N_ELEMENTS(names) ? names[v] : "unknown";
}

static uint32_t
public_node(const struct side *sd, uint32_t id)
{
	return id == NONE || is_conv_node(sd, id) ? MPF_ID_NONE : id;
}

static void
flow_ends(const struct side *sd, uint32_t id, struct mpf_endpoint *src,
	  struct mpf_endpoint *dst)
{
	if (is_conv_flow(sd, id)) {
		*src = sd->convs[id - sd->nflows].src;
		*dst = sd->convs[id - sd->nflows].dst;
	} else {
		mpf_flow_get_endpoints(mpf_ctx_get_flow(sd->ctx, id), src, dst);
	}
}

uint32_t
mpf_match_get_connection_count(const struct mpf_match *match)
{
	return match ? match->conns->len : 0;
}

int
mpf_match_get_connection(const struct mpf_match *match, uint32_t index,
			 struct mpf_match_connection *conn, size_t size)
{
	const struct cpair *cp;
	struct mpf_match_connection c;

	if (!match || !conn)
		return MPF_ERR_INVALID;
	if (index >= match->conns->len)
		return MPF_ERR_NOT_FOUND;
	cp = &g_array_index(match->conns, struct cpair, index);
	memset(&c, 0, sizeof(c));
	c.client_node = public_node(&match->s[0], cp->node[0]);
	c.server_node = public_node(&match->s[1], cp->node[1]);
	c.how = (enum mpf_match_how)cp->how;
	c.subflows = cp->nsubs;
	c.useful = cp->useful;
	c.redundant = cp->redundant;
	c.useful_bytes = cp->useful_bytes;
	c.redundant_bytes = cp->redundant_bytes;
	return mpf__copy_out(conn, size, &c, sizeof(c));
}

int
mpf_match_get_subflow(const struct mpf_match *match, uint32_t connection,
		      uint32_t index, struct mpf_match_subflow *sub, size_t size)
{
	const struct cpair *cp;
	const struct spair *sp;
	struct mpf_match_subflow s;

	if (!match || !sub)
		return MPF_ERR_INVALID;
	if (connection >= match->conns->len)
		return MPF_ERR_NOT_FOUND;
	cp = &g_array_index(match->conns, struct cpair, connection);
	if (index >= cp->nsubs)
		return MPF_ERR_NOT_FOUND;
	sp = &g_array_index(match->subs, struct spair, cp->first_sub + index);
	memset(&s, 0, sizeof(s));
	s.client_flow = is_conv_flow(&match->s[0], sp->flow[0]) ? MPF_ID_NONE
								  : sp->flow[0];
	s.server_flow = is_conv_flow(&match->s[1], sp->flow[1]) ? MPF_ID_NONE
								  : sp->flow[1];
	flow_ends(&match->s[0], sp->flow[0], &s.client_src, &s.client_dst);
	flow_ends(&match->s[1], sp->flow[1], &s.server_src, &s.server_dst);
	s.how = (enum mpf_match_how)sp->how;
	s.reversed = sp->reversed;
	s.dir[0] = sp->dir[0];
	s.dir[1] = sp->dir[1];
	return mpf__copy_out(sub, size, &s, sizeof(s));
}

uint64_t
mpf_match_get_packet_count(const struct mpf_match *match)
{
	return match ? match->rows->len : 0;
}

int
mpf_match_get_packet(const struct mpf_match *match, uint64_t index,
		     struct mpf_match_packet *packet, size_t size)
{
	const struct row *r;
	const struct spair *sp;
	const struct seg *snd;
	struct mpf_match_packet p;
	int k, ss;

	if (!match || !packet)
		return MPF_ERR_INVALID;
	if (index >= match->rows->len)
		return MPF_ERR_NOT_FOUND;
	r = &g_array_index(match->rows, struct row, (guint)index);
	sp = &g_array_index(match->subs, struct spair, r->sub);
	memset(&p, 0, sizeof(p));
	p.connection = sp->conn;
	p.subflow = r->sub -
		    g_array_index(match->conns, struct cpair, sp->conn).first_sub;
	p.dir = (enum mpf_side)r->dir;
	p.state = (enum mpf_match_state)r->state;
	for (k = 0; k < 2; k++) {
		const struct seg *s;

		if (r->seg[k] == NONE)
			continue;
		s = &match->s[k].segs[r->seg[k]];
		if (k == 0) {
			p.client_frame = s->frame;
			p.client_time = s->ts;
		} else {
			p.server_frame = s->frame;
			p.server_time = s->ts;
		}
		p.seq = s->seq;
		p.len = seg_len(s);
	}
	ss = sender_of(r->dir);
	snd = r->seg[ss] != NONE ? &match->s[ss].segs[r->seg[ss]]
				 : &match->s[1 - ss].segs[r->seg[1 - ss]];
	p.has_dsn = seg_bits(snd) & SEG_DSN;
	p.dsn = snd->dsn;
	if (r->state == MPF_MATCH_MATCHED)
		p.delay = ss == 0 ? p.server_time - p.client_time
				  : p.client_time - p.server_time;
	p.verdict = (enum mpf_match_verdict)r->verdict;
	if (r->verdict != MPF_MATCH_NONE) {
		uint32_t ox = mpf__match_seg_at_frame(&match->s[ss], snd->reinj_of);

		p.original_frame = snd->reinj_of;
		if (ox != NONE && match->s[ss].partner[ox] != NONE)
			p.original_received_frame =
				match->s[1 - ss].segs[match->s[ss].partner[ox]].frame;
		p.first_received_frame = r->first;
	}
	return mpf__copy_out(packet, size, &p, sizeof(p));
}

int
mpf_match_get_clock(const struct mpf_match *match,
		    struct mpf_match_clock *clock, size_t size)
{
	if (!match || !clock)
		return MPF_ERR_INVALID;
	return mpf__copy_out(clock, size, &match->clock, sizeof(match->clock));
}

static const GArray *
unmatched(const struct mpf_match *match, enum mpf_side capture, bool flows)
{
	if (!match || (unsigned)capture > 1)
		return NULL;
	return flows ? match->s[capture].unmatched_flows
		     : match->s[capture].unmatched_nodes;
}

/* mpf_match_get_unmatched_<what>_count() and mpf_match_get_unmatched_
 * <what>() for nodes and flows alike. */
#define UNMATCHED_GETTERS(what, flows)                                       \
	uint32_t mpf_match_get_unmatched_##what##_count(                     \
		const struct mpf_match *match, enum mpf_side capture)        \
	{                                                                    \
		const GArray *a = unmatched(match, capture, flows);          \
									     \
		return a ? a->len : 0;                                       \
	}                                                                    \
									     \
	uint32_t mpf_match_get_unmatched_##what(                             \
		const struct mpf_match *match, enum mpf_side capture,        \
		uint32_t index)                                              \
	{                                                                    \
		const GArray *a = unmatched(match, capture, flows);          \
									     \
		return a && index < a->len ? g_array_index(a, uint32_t, index) \
					   : MPF_ID_NONE;                    \
	}
UNMATCHED_GETTERS(node, false)
UNMATCHED_GETTERS(flow, true)
#undef UNMATCHED_GETTERS
