/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the summary's SCTP keys
 *
 * NODE "sctp": {"client": {"port", "vtag", "addrs"}, "server": {...},
 * "end": "shutdown"|"abort"|null, ...}; "client" sent the INIT; a side's
 * vtag is the tag it chose; addrs every address the side announced, added
 * or used as a source.
 */
#include <inttypes.h>
#include <string.h>

#include "summary.h"

static const struct {
	unsigned bit;
	const char *name;
} origins[] = {
	{ MPF_SCTP_ADDR_INIT_PARAM, "init" },
	{ MPF_SCTP_ADDR_INIT_SOURCE, "init_source" },
	{ MPF_SCTP_ADDR_ASCONF_ADD, "asconf_add" },
	{ MPF_SCTP_ADDR_ASCONF_LOOKUP, "asconf" },
	{ MPF_SCTP_ADDR_SOURCE, "source" },
};

static void
json_sctp_side(GString *out, const struct mpf_node *n, enum mpf_side side)
{
	uint32_t i, count = mpf_node_get_sctp_addr_count(n, side), vtag = 0;
	bool first, has_vtag;
	size_t k;

	g_string_append_printf(out, "{\"port\": %u, \"vtag\": ", mpf_node_get_sctp_port(n, side));
	has_vtag = mpf_node_get_sctp_vtag(n, side, &vtag);
	mpf__json_hex(out, has_vtag, vtag, 8);
	g_string_append(out, ", \"addrs\": [");
	for (i = 0; i < count; i++) {
		struct mpf_sctp_addr ad;

		mpf_node_get_sctp_addr(n, side, i, &ad, sizeof(ad));
		g_string_append(out, i ? ", " : "");
		mpf__json_addr(out, &ad.addr);
	}
	g_string_append(out, "], \"addresses\": [");
	for (i = 0; i < count; i++) {
		struct mpf_sctp_addr ad;

		mpf_node_get_sctp_addr(n, side, i, &ad, sizeof(ad));
		g_string_append(out, i ? ", " : "");
		g_string_append(out, "{\"addr\": ");
		mpf__json_addr(out, &ad.addr);
		g_string_append(out, ", \"origin\": [");
		for (k = 0, first = true; k < sizeof(origins) / sizeof(origins[0]); k++)
			if (ad.origin & origins[k].bit)
				mpf__json_list_item(out, origins[k].name, &first);
		g_string_append_printf(out, "], \"first_frame\": %" PRIu32 ", \"added_frame\": ",
			ad.first_frame);
		mpf__json_frame(out, ad.added_frame);
		g_string_append(out, ", \"deleted_frame\": ");
		mpf__json_frame(out, ad.deleted_frame);
		g_string_append(out, ", \"primary_frame\": ");
		mpf__json_frame(out, ad.primary_frame);
		g_string_append_printf(out, ", \"unannounced\": %s}", ad.unannounced ? "true" : "false");
	}
	g_string_append(out, "]}");
}

static void
json_sctp_dir(GString *out, const struct mpf_node *n, enum mpf_side side)
{
	struct mpf_sctp_stats st;

	mpf_node_get_sctp_stats(n, side, &st, sizeof(st));
	g_string_append(out, "{\"first_tsn\": ");
	if (st.has_tsn)
		g_string_append_printf(out, "%" PRIu32 ", \"last_tsn\": %" PRIu32, st.first_tsn,
			st.last_tsn);
	else
		g_string_append(out, "null, \"last_tsn\": null");
	g_string_append_printf(out,
		", \"data_chunks\": %" PRIu64 ", \"data_bytes\": %" PRIu64
		", \"retransmissions\": %" PRIu64 ", \"sacks\": %" PRIu64
		", \"crc_bad\": %" PRIu32 "}",
		st.data_chunks, st.data_bytes, st.retransmissions, st.sacks,
		st.crc_bad);
}

void
mpf__json_sctp_flow(GString *out, const struct mpf_node *n,
		      const struct mpf_flow *f)
{
	struct mpf_sctp_flow_stats st;

	(void)n;
	mpf_flow_get_sctp_stats(f, &st, sizeof(st));
	g_string_append_printf(out,
		", \"data_chunks_fwd\": %" PRIu64 ", \"data_chunks_rev\": %" PRIu64
		", \"retransmissions_fwd\": %" PRIu64
		", \"retransmissions_rev\": %" PRIu64
		", \"heartbeats_fwd\": %" PRIu64 ", \"heartbeats_rev\": %" PRIu64
		", \"heartbeat_acks_fwd\": %" PRIu64
		", \"heartbeat_acks_rev\": %" PRIu64 ", \"rtt\": ",
		st.data_chunks[0], st.data_chunks[1], st.retransmissions[0],
		st.retransmissions[1], st.heartbeats[0], st.heartbeats[1],
		st.heartbeat_acks[0], st.heartbeat_acks[1]);
	if (st.rtt_samples) {
		g_string_append_printf(out, "{\"samples\": %" PRIu32 ", \"min\": ",
				       st.rtt_samples);
		mpf__json_double(out, st.rtt_min, 6);
		g_string_append(out, ", \"avg\": ");
		mpf__json_double(out, st.rtt_avg, 6);
		g_string_append(out, ", \"max\": ");
		mpf__json_double(out, st.rtt_max, 6);
		g_string_append_c(out, '}');
	} else
		g_string_append(out, "null");
	g_string_append_printf(out, ", \"unannounced\": %s", st.unannounced ? "true" : "false");
}

void
mpf__json_sctp_node(GString *out, const struct mpf_node *n)
{
	enum mpf_sctp_end end;
	uint32_t frame, i, count = mpf_node_get_sctp_primary_count(n);
	int cause;

	g_string_append(out, ",\n     \"sctp\": {\"client\": ");
	json_sctp_side(out, n, MPF_SIDE_CLIENT);
	g_string_append(out, ",\n       \"server\": ");
	json_sctp_side(out, n, MPF_SIDE_SERVER);
	end = mpf_node_get_sctp_end(n, &frame, &cause);
	g_string_append(out, ",\n       \"end\": ");
	if (end == MPF_SCTP_END_OPEN)
		g_string_append(out, "null");
	else
		g_string_append_printf(out, "\"%s\"", mpf_sctp_end_to_string(end));
	g_string_append(out, ", \"end_frame\": ");
	mpf__json_frame(out, frame);
	g_string_append(out, ", \"abort_cause\": ");
	mpf__json_uint(out, cause >= 0, (uint64_t)cause);
	g_string_append_printf(out, ", \"half\": %s", mpf_node_get_sctp_half(n) ? "true" : "false");
	g_string_append(out, ",\n       \"c2s\": ");
	json_sctp_dir(out, n, MPF_SIDE_CLIENT);
	g_string_append(out, ",\n       \"s2c\": ");
	json_sctp_dir(out, n, MPF_SIDE_SERVER);
	g_string_append(out, ",\n       \"primary_changes\": [");
	for (i = 0; i < count; i++) {
		struct mpf_sctp_primary p;

		mpf_node_get_sctp_primary(n, i, &p, sizeof(p));
		g_string_append_printf(out, "%s{\"kind\": \"%s\", \"frame\": %" PRIu32
			     ", \"side\": \"%s\", \"addr\": ",
			i ? ", " : "",
			p.kind == MPF_SCTP_PRIMARY_SET ? "set_primary" : "data_moved",
			p.frame, p.side == MPF_SIDE_CLIENT ? "client" : "server");
		mpf__json_addr(out, &p.addr);
		g_string_append(out, ", \"flow\": ");
		if (p.flow != MPF_ID_NONE)
			g_string_append_printf(out, "%" PRIu32 "}", p.flow);
		else
			g_string_append(out, "null}");
	}
	g_string_append(out, "]}");
}
