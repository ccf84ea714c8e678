/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the summary's MPTCP keys: a connection's sides (key, token,
 * IDSN), its data each way, its checks, addresses and evidence; a
 * subflow's role, HMAC, end and share of the data
 */
#include <inttypes.h>
#include <string.h>

#include "summary.h"

static void
json_dir_stats(GString *out, const struct mpf_node *n, enum mpf_side side)
{
	struct mpf_mptcp_stats st;

	mpf_node_get_mptcp_stats(n, side, &st, sizeof(st));
	g_string_append_printf(out,
		"{\"data_bytes\": %" PRIu64 ", \"unique_bytes\": %" PRIu64
		", \"reinjected_bytes\": %" PRIu64
		", \"retransmitted_bytes\": %" PRIu64 ", \"segments\": %" PRIu64
		", \"reinjections\": %" PRIu64 ", \"retransmissions\": %" PRIu64
		", \"out_of_order\": %" PRIu64 ", \"data_acks\": %" PRIu64
		", \"dup_data_acks\": %" PRIu64 ", \"highest_dack\": ",
		st.data_bytes, st.unique_bytes, st.reinjected_bytes,
		st.retransmitted_bytes, st.segments, st.reinjections,
		st.retransmissions, st.out_of_order, st.data_acks,
		st.dup_data_acks);
	mpf__json_uint(out, st.has_highest_dack, st.highest_dack);
	g_string_append(out, ", \"data_fin_frame\": ");
	mpf__json_frame(out, st.data_fin ? st.data_fin_frame : 0);
	g_string_append(out, ", \"data_fin_dsn\": ");
	mpf__json_uint(out, st.data_fin, st.data_fin_dsn);
	g_string_append_c(out, '}');
}

static void
json_checks(GString *out, const struct mpf_node *n)
{
	struct mpf_mptcp_checks ck;

	mpf_node_get_mptcp_checks(n, &ck, sizeof(ck));
	g_string_append_printf(out,
		"{\"join_hmac\": {\"ok\": %" PRIu32 ", \"bad\": %" PRIu32
		", \"unverified\": %" PRIu32 "}, \"add_addr_hmac\": {\"ok\": %" PRIu32
		", \"bad\": %" PRIu32 ", \"legacy\": %" PRIu32
		", \"unverified\": %" PRIu32 "}, \"addr_id_conflicts\": %" PRIu32
		", \"dss_checksum\": {\"ok\": %" PRIu64 ", \"bad\": %" PRIu64
		", \"unverifiable\": %" PRIu64 "}, \"key_mismatches\": %" PRIu32
		", \"orphan_joins\": %" PRIu32 ", \"orphan_joins_untracked\": %" PRIu32
		", \"mp_fail_frame\": ",
		ck.join_hmac_ok, ck.join_hmac_bad, ck.join_hmac_unverified,
		ck.add_addr_hmac_ok, ck.add_addr_hmac_bad, ck.add_addr_hmac_legacy,
		ck.add_addr_hmac_unverified, ck.addr_id_conflicts, ck.csum_ok,
		ck.csum_bad, ck.csum_unverifiable, ck.key_mismatches,
		ck.orphan_joins, ck.orphan_joins_untracked);
	mpf__json_frame(out, ck.mp_fail_frame);
	g_string_append(out, ", \"fastclose_frame\": ");
	mpf__json_frame(out, ck.fastclose_frame);
	g_string_append(out, ", \"infinite_mapping_frame\": ");
	mpf__json_frame(out, ck.infinite_map_frame);
	g_string_append_printf(out, ", \"fastclose_bad_key\": %" PRIu32,
			       ck.fastclose_bad_key);
	/* only when a cap turned records away: the output of every normal
	 * capture stays as it was */
	if (ck.limited)
		g_string_append_printf(out, ", \"limited\": %" PRIu32,
				       ck.limited);
	g_string_append_c(out, '}');
}

/* A state machine's transitions: [{"frame", "state"[, "cause"]}]. */
static void
json_transitions(GString *out, const struct mpf_node *n,
		 const struct mpf_flow *f)
{
	struct mpf_mptcp_transition t;
	uint32_t i, count = n ? mpf_node_get_mptcp_transition_count(n)
			      : mpf_flow_get_mptcp_transition_count(f);

	g_string_append_c(out, '[');
	for (i = 0; i < count; i++) {
		int r = n ? mpf_node_get_mptcp_transition(n, i, &t, sizeof(t))
			  : mpf_flow_get_mptcp_transition(f, i, &t, sizeof(t));

		if (r != MPF_OK)
			continue;
		g_string_append_printf(out, "%s{\"frame\": %" PRIu32 ", \"state\": \"%s\"",
			i ? ", " : "", t.frame, mpf_mptcp_state_to_string(t.state));
		if (t.state == MPF_MPTCP_STATE_FALLBACK)
			g_string_append_printf(out, ", \"cause\": \"%s\"",
				mpf_mptcp_fallback_cause_to_string(t.cause));
		g_string_append_c(out, '}');
	}
	g_string_append_c(out, ']');
}

static void
json_addresses(GString *out, const struct mpf_node *n)
{
	uint32_t i, count = mpf_node_get_mptcp_address_count(n);

	g_string_append_c(out, '[');
	for (i = 0; i < count; i++) {
		struct mpf_mptcp_address ad;

		if (mpf_node_get_mptcp_address(n, i, &ad, sizeof(ad)) != MPF_OK)
			continue;
		g_string_append_printf(out, "%s{\"side\": \"%s\", \"id\": %u, \"addr\": ",
			i ? ", " : "",
			ad.side == MPF_SIDE_CLIENT ? "client" : "server", ad.id);
		mpf__json_addr(out, &ad.addr);
		g_string_append(out, ", \"port\": ");
		mpf__json_uint(out, ad.has_port, ad.port);
		g_string_append(out, ", \"frame\": ");
		mpf__json_frame(out, ad.frame);
		g_string_append(out, ", \"echo_frame\": ");
		mpf__json_frame(out, ad.echo_frame);
		g_string_append(out, ", \"removed_frame\": ");
		mpf__json_frame(out, ad.removed_frame);
		g_string_append_printf(out, ", \"hmac\": \"%s\", \"id_conflict\": %s}",
			mpf_mptcp_hmac_to_string(ad.hmac),
			ad.id_conflict ? "true" : "false");
	}
	g_string_append_c(out, ']');
}

static void
json_evidence(GString *out, const struct mpf_node *n)
{
	uint32_t i, count = mpf_node_get_mptcp_evidence_count(n);

	g_string_append_c(out, '[');
	for (i = 0; i < count; i++) {
		struct mpf_mptcp_evidence ev;

		if (mpf_node_get_mptcp_evidence(n, i, &ev, sizeof(ev)) != MPF_OK)
			continue;
		g_string_append_printf(out,
			"%s{\"kind\": \"%s\", \"frame\": %" PRIu32
			", \"absorbed\": %" PRIu32 ", \"bits\": %d"
			", \"value\": %" PRIu64 "}",
			i ? ", " : "",
			ev.kind == MPF_MPTCP_EVIDENCE_DSN    ? "dsn"
			: ev.kind == MPF_MPTCP_EVIDENCE_DACK ? "data_ack"
							     : "key",
			ev.frame, ev.absorbed, ev.wide ? 64 : 32, ev.value);
	}
	g_string_append_c(out, ']');
}

static void
json_side(GString *out, const struct mpf_node *n, enum mpf_side side)
{
	uint64_t key = 0, idsn = 0;
	uint32_t token = 0;
	bool has; /* apart: C does not order a call's arguments */

	g_string_append(out, "{\"key\": ");
	has = mpf_node_get_mptcp_key(n, side, &key);
	mpf__json_hex(out, has, key, 16);
	g_string_append(out, ", \"token\": ");
	has = mpf_node_get_mptcp_token(n, side, &token);
	mpf__json_hex(out, has, token, 8);
	g_string_append(out, ", \"idsn\": ");
	has = mpf_node_get_mptcp_idsn(n, side, &idsn);
	mpf__json_hex(out, has, idsn, 16);
	g_string_append_c(out, '}');
}

/* The subflow's MPTCP details: HMAC, end, data per direction and its
 * share of the connection's data. */
static void
json_flow_mptcp(GString *out, const struct mpf_node *n, const struct mpf_flow *f)
{
	struct mpf_mptcp_flow_stats fs[2];
	struct mpf_mptcp_stats cs[2];
	uint32_t i, frame;
	int d, reason;
	bool backup;

	g_string_append_printf(out, ", \"state\": \"%s\", \"transitions\": ",
		mpf_mptcp_state_to_string(mpf_flow_get_mptcp_state(f)));
	json_transitions(out, NULL, f);
	g_string_append_printf(out, ", \"join_hmac\": \"%s\", \"removed_frame\": ",
		mpf_mptcp_hmac_to_string(mpf_flow_get_mptcp_join_hmac(f)));
	mpf__json_frame(out, mpf_flow_get_mptcp_removed_frame(f));
	g_string_append(out, ", \"reset_frame\": ");
	mpf__json_frame(out, mpf_flow_get_mptcp_reset_frame(f));
	reason = mpf_flow_get_mptcp_reset_reason(f);
	g_string_append(out, ", \"reset_reason\": ");
	mpf__json_uint(out, reason >= 0, (uint64_t)reason);
	g_string_append(out, ", \"prio_changes\": [");
	for (i = 0; mpf_flow_get_mptcp_prio(f, i, &frame, &backup); i++)
		g_string_append_printf(out, "%s{\"frame\": %" PRIu32 ", \"backup\": %s}",
			i ? ", " : "", frame, backup ? "true" : "false");
	g_string_append_c(out, ']');
	mpf_node_get_mptcp_stats(n, MPF_SIDE_CLIENT, &cs[0], sizeof(cs[0]));
	mpf_node_get_mptcp_stats(n, MPF_SIDE_SERVER, &cs[1], sizeof(cs[1]));
	for (d = 0; d < 2; d++) {
		/* which side sends this way of the flow */
		int side = (d == 0) == mpf_flow_get_mptcp_src_is_client(f)
				   ? MPF_SIDE_CLIENT
				   : MPF_SIDE_SERVER;
		uint64_t total = cs[side].data_bytes;

		mpf_flow_get_mptcp_stats(f, (enum mpf_side)d, &fs[d],
					 sizeof(fs[d]));
		g_string_append_printf(out,
			", \"%s\": {\"data_bytes\": %" PRIu64
			", \"unique_bytes\": %" PRIu64
			", \"reinjected_bytes\": %" PRIu64
			", \"retransmitted_bytes\": %" PRIu64 ", \"share\": ",
			d == 0 ? "fwd" : "rev", fs[d].data_bytes,
			fs[d].unique_bytes, fs[d].reinjected_bytes,
			fs[d].retransmitted_bytes);
		mpf__json_double(out,
				 total ? (double)fs[d].data_bytes / (double)total : 0.0,
				 4);
		g_string_append_c(out, '}');
	}
}

void
mpf__json_mptcp_flow(GString *out, const struct mpf_node *n,
		       const struct mpf_flow *f)
{
	int id0 = mpf_flow_get_mptcp_address_id(f, MPF_SIDE_CLIENT);
	int id1 = mpf_flow_get_mptcp_address_id(f, MPF_SIDE_SERVER);

	g_string_append_printf(out, ", \"role\": \"%s\", \"established\": %s",
		mpf_mptcp_role_to_string(mpf_flow_get_mptcp_role(f)),
		mpf_flow_get_mptcp_established(f) ? "true" : "false");
	g_string_append_printf(out, ", \"src_is_client\": %s, \"backup\": %s",
		mpf_flow_get_mptcp_src_is_client(f) ? "true" : "false",
		mpf_flow_get_mptcp_backup(f) ? "true" : "false");
	g_string_append(out, ", \"src_addr_id\": ");
	mpf__json_uint(out, id0 >= 0, (uint64_t)id0);
	g_string_append(out, ", \"dst_addr_id\": ");
	mpf__json_uint(out, id1 >= 0, (uint64_t)id1);
	json_flow_mptcp(out, n, f);
}

void
mpf__json_mptcp_node(GString *out, const struct mpf_node *n)
{
	enum mpf_mptcp_end end;
	uint32_t fb, i, joins = 0;
	double dur;
	int v = mpf_node_get_mptcp_version(n);

	g_string_append(out, ",\n     \"mptcp\": {\"version\": ");
	mpf__json_uint(out, v >= 0, (uint64_t)v);
	g_string_append_printf(out, ", \"fallback\": %s, \"fallback_frame\": ",
		mpf_node_get_mptcp_fallback(n, &fb) ? "true" : "false");
	if (mpf_node_get_mptcp_fallback(n, &fb))
		g_string_append_printf(out, "%" PRIu32 ", \"fallback_cause\": \"%s\"",
			fb, mpf_mptcp_fallback_cause_to_string(
				    mpf_node_get_mptcp_fallback_cause(n)));
	else
		g_string_append(out, "null, \"fallback_cause\": null");
	g_string_append_printf(out, ", \"state\": \"%s\", \"transitions\": ",
		mpf_mptcp_state_to_string(mpf_node_get_mptcp_state(n)));
	json_transitions(out, n, NULL);
	g_string_append(out, ",\n       \"client\": ");
	json_side(out, n, MPF_SIDE_CLIENT);
	g_string_append(out, ",\n       \"server\": ");
	json_side(out, n, MPF_SIDE_SERVER);
	end = mpf_node_get_mptcp_end(n, &fb);
	g_string_append_printf(out,
		",\n       \"checksum\": %s, \"inferred\": %s"
		", \"end\": \"%s\", \"end_frame\": ",
		mpf_node_get_mptcp_checksum(n) ? "true" : "false",
		mpf_node_get_mptcp_inferred(n) ? "true" : "false",
		mpf_mptcp_end_to_string(end));
	mpf__json_frame(out, fb);
	dur = (double)(mpf_node_get_last_time(n) - mpf_node_get_first_time(n)) / 1e9;
	g_string_append(out, ", \"duration\": ");
	mpf__json_double(out, dur, 9);
	for (i = 0; i < mpf_node_get_flow_count(n); i++)
		joins += mpf_flow_get_mptcp_role(mpf_node_get_flow(n, i)) ==
			 MPF_MPTCP_ROLE_JOIN;
	g_string_append_printf(out, ", \"subflows\": %" PRIu32
			       ", \"joins\": %" PRIu32 ", \"goodput_c2s\": ",
			       mpf_node_get_flow_count(n), joins);
	mpf__json_double(out, mpf_node_get_mptcp_goodput(n, MPF_SIDE_CLIENT), 1);
	g_string_append(out, ", \"goodput_s2c\": ");
	mpf__json_double(out, mpf_node_get_mptcp_goodput(n, MPF_SIDE_SERVER), 1);
	g_string_append(out, ",\n       \"c2s\": ");
	json_dir_stats(out, n, MPF_SIDE_CLIENT);
	g_string_append(out, ",\n       \"s2c\": ");
	json_dir_stats(out, n, MPF_SIDE_SERVER);
	g_string_append(out, ",\n       \"checks\": ");
	json_checks(out, n);
	g_string_append(out, ",\n       \"addresses\": ");
	json_addresses(out, n);
	g_string_append(out, ",\n       \"evidence\": ");
	json_evidence(out, n);
	g_string_append(out, "}");
}
