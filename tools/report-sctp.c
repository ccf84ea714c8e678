/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: what mpflow prints of an SCTP association
 *
 * JSON contract: NODE "sctp": {"client": {"port", "vtag", "addrs"},
 * "server": {...}, "end": "shutdown"|"abort"|null, ...}; "client" sent the
 * INIT; a side's vtag is the tag it chose; addrs every address the side
 * announced, added or used as a source.
 */
#include <inttypes.h>
#include <string.h>

#include "report.h"

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
json_sctp_side(FILE *out, const struct mpf_node *n, enum mpf_side side)
{
	uint32_t i, count = mpf_node_get_sctp_addr_count(n, side), vtag;
	char a[MPF_ADDR_STRLEN];
	bool first;
	size_t k;

	fprintf(out, "{\"port\": %u, \"vtag\": ", mpf_node_get_sctp_port(n, side));
	if (mpf_node_get_sctp_vtag(n, side, &vtag))
		fprintf(out, "\"%08" PRIx32 "\"", vtag);
	else
		fputs("null", out);
	fputs(", \"addrs\": [", out);
	for (i = 0; i < count; i++) {
		struct mpf_sctp_addr ad;

		mpf_node_get_sctp_addr(n, side, i, &ad, sizeof(ad));
		fputs(i ? ", " : "", out);
		json_string(out, mpf_addr_to_string(&ad.addr, a, sizeof(a)));
	}
	fputs("], \"addresses\": [", out);
	for (i = 0; i < count; i++) {
		struct mpf_sctp_addr ad;

		mpf_node_get_sctp_addr(n, side, i, &ad, sizeof(ad));
		fputs(i ? ", " : "", out);
		fputs("{\"addr\": ", out);
		json_string(out, mpf_addr_to_string(&ad.addr, a, sizeof(a)));
		fputs(", \"origin\": [", out);
		for (k = 0, first = true; k < sizeof(origins) / sizeof(origins[0]); k++)
			if (ad.origin & origins[k].bit)
				report_list_item(out, origins[k].name, NULL, &first);
		fprintf(out, "], \"first_frame\": %" PRIu32 ", \"added_frame\": ",
			ad.first_frame);
		report_json_frame(out, ad.added_frame);
		fputs(", \"deleted_frame\": ", out);
		report_json_frame(out, ad.deleted_frame);
		fputs(", \"primary_frame\": ", out);
		report_json_frame(out, ad.primary_frame);
		fprintf(out, ", \"unannounced\": %s}", ad.unannounced ? "true" : "false");
	}
	fputs("]}", out);
}

static void
json_sctp_dir(FILE *out, const struct mpf_node *n, enum mpf_side side)
{
	struct mpf_sctp_stats st;

	mpf_node_get_sctp_stats(n, side, &st, sizeof(st));
	fputs("{\"first_tsn\": ", out);
	if (st.has_tsn)
		fprintf(out, "%" PRIu32 ", \"last_tsn\": %" PRIu32, st.first_tsn,
			st.last_tsn);
	else
		fputs("null, \"last_tsn\": null", out);
	fprintf(out,
		", \"data_chunks\": %" PRIu64 ", \"data_bytes\": %" PRIu64
		", \"retransmissions\": %" PRIu64 ", \"sacks\": %" PRIu64
		", \"crc_bad\": %" PRIu32 "}",
		st.data_chunks, st.data_bytes, st.retransmissions, st.sacks,
		st.crc_bad);
}

void
report_sctp_json_flow(FILE *out, const struct mpf_node *n,
		      const struct mpf_flow *f)
{
	struct mpf_sctp_flow_stats st;

	(void)n;
	mpf_flow_get_sctp_stats(f, &st, sizeof(st));
	fprintf(out,
		", \"data_chunks_fwd\": %" PRIu64 ", \"data_chunks_rev\": %" PRIu64
		", \"retransmissions_fwd\": %" PRIu64
		", \"retransmissions_rev\": %" PRIu64
		", \"heartbeats_fwd\": %" PRIu64 ", \"heartbeats_rev\": %" PRIu64
		", \"heartbeat_acks_fwd\": %" PRIu64
		", \"heartbeat_acks_rev\": %" PRIu64 ", \"rtt\": ",
		st.data_chunks[0], st.data_chunks[1], st.retransmissions[0],
		st.retransmissions[1], st.heartbeats[0], st.heartbeats[1],
		st.heartbeat_acks[0], st.heartbeat_acks[1]);
	if (st.rtt_samples)
		fprintf(out,
			"{\"samples\": %" PRIu32 ", \"min\": %.6f, \"avg\": %.6f"
			", \"max\": %.6f}",
			st.rtt_samples, st.rtt_min, st.rtt_avg, st.rtt_max);
	else
		fputs("null", out);
	fprintf(out, ", \"unannounced\": %s", st.unannounced ? "true" : "false");
}

void
report_sctp_json_node(FILE *out, const struct mpf_node *n)
{
	enum mpf_sctp_end end;
	uint32_t frame, i, count = mpf_node_get_sctp_primary_count(n);
	char a[MPF_ADDR_STRLEN];
	int cause;

	fputs(",\n     \"sctp\": {\"client\": ", out);
	json_sctp_side(out, n, MPF_SIDE_CLIENT);
	fputs(",\n       \"server\": ", out);
	json_sctp_side(out, n, MPF_SIDE_SERVER);
	end = mpf_node_get_sctp_end(n, &frame, &cause);
	fputs(",\n       \"end\": ", out);
	if (end == MPF_SCTP_END_OPEN)
		fputs("null", out);
	else
		fprintf(out, "\"%s\"", mpf_sctp_end_to_string(end));
	fputs(", \"end_frame\": ", out);
	report_json_frame(out, frame);
	fputs(", \"abort_cause\": ", out);
	if (cause >= 0)
		fprintf(out, "%d", cause);
	else
		fputs("null", out);
	fprintf(out, ", \"half\": %s", mpf_node_get_sctp_half(n) ? "true" : "false");
	fputs(",\n       \"c2s\": ", out);
	json_sctp_dir(out, n, MPF_SIDE_CLIENT);
	fputs(",\n       \"s2c\": ", out);
	json_sctp_dir(out, n, MPF_SIDE_SERVER);
	fputs(",\n       \"primary_changes\": [", out);
	for (i = 0; i < count; i++) {
		struct mpf_sctp_primary p;

		mpf_node_get_sctp_primary(n, i, &p, sizeof(p));
		fprintf(out, "%s{\"kind\": \"%s\", \"frame\": %" PRIu32
			     ", \"side\": \"%s\", \"addr\": ",
			i ? ", " : "",
			p.kind == MPF_SCTP_PRIMARY_SET ? "set_primary" : "data_moved",
			p.frame, p.side == MPF_SIDE_CLIENT ? "client" : "server");
		json_string(out, mpf_addr_to_string(&p.addr, a, sizeof(a)));
		fputs(", \"flow\": ", out);
		if (p.flow != MPF_ID_NONE)
			fprintf(out, "%" PRIu32 "}", p.flow);
		else
			fputs("null}", out);
	}
	fputs("]}", out);
}

void
report_sctp_text_title(FILE *out, const struct mpf_node *n)
{
	if (mpf_node_get_sctp_half(n))
		fputs("  (half: one side's tag never seen)", out);
}

static void
text_sctp_side(FILE *out, const char *name, const struct mpf_node *n,
	       enum mpf_side side)
{
	uint32_t i, vtag, count = mpf_node_get_sctp_addr_count(n, side);
	char a[MPF_ADDR_STRLEN];
	struct mpf_sctp_stats st;

	fprintf(out, "  %-6s  port %-5u  vtag ", name, mpf_node_get_sctp_port(n, side));
	if (mpf_node_get_sctp_vtag(n, side, &vtag))
		fprintf(out, "%08" PRIx32, vtag);
	else
		fputs("-       ", out);
	fputs("  addrs", out);
	for (i = 0; i < count; i++) {
		struct mpf_sctp_addr ad;

		mpf_node_get_sctp_addr(n, side, i, &ad, sizeof(ad));
		fprintf(out, "%s %s", i ? "," : "",
			mpf_addr_to_string(&ad.addr, a, sizeof(a)));
		if (ad.added_frame)
			fprintf(out, " (added at %" PRIu32 ")", ad.added_frame);
		if (ad.deleted_frame)
			fprintf(out, " (deleted at %" PRIu32 ")", ad.deleted_frame);
		if (ad.unannounced)
			fputs(" (NEVER ANNOUNCED)", out);
	}
	fputc('\n', out);
	mpf_node_get_sctp_stats(n, side, &st, sizeof(st));
	if (st.data_chunks)
		fprintf(out,
			"          data: TSN %" PRIu32 "-%" PRIu32 ", %" PRIu64
			" chunks, %" PRIu64 " bytes, %" PRIu64 " retransmitted\n",
			st.first_tsn, st.last_tsn, st.data_chunks, st.data_bytes,
			st.retransmissions);
}

void
report_sctp_text_node(FILE *out, const struct mpf_node *n)
{
	uint32_t i, frame, count = mpf_node_get_sctp_primary_count(n);
	uint32_t nflows = mpf_node_get_flow_count(n);
	char hb[32], se[64], de[64], a[MPF_ADDR_STRLEN];
	enum mpf_sctp_end end = mpf_node_get_sctp_end(n, &frame, NULL);
	int ws = 6, wd = 11, cause;

	text_sctp_side(out, "client", n, MPF_SIDE_CLIENT);
	text_sctp_side(out, "server", n, MPF_SIDE_SERVER);
	end = mpf_node_get_sctp_end(n, &frame, &cause);
	fprintf(out, "  ended   %s", mpf_sctp_end_to_string(end));
	if (frame)
		fprintf(out, " at frame %" PRIu32, frame);
	if (cause >= 0)
		fprintf(out, " (cause %d)", cause);
	fputc('\n', out);
	for (i = 0; i < count; i++) {
		struct mpf_sctp_primary p;

		mpf_node_get_sctp_primary(n, i, &p, sizeof(p));
		fprintf(out, "  %s  %s at frame %" PRIu32 ": %s\n",
			i ? "       " : "primary",
			p.kind == MPF_SCTP_PRIMARY_SET ? "Set Primary asked"
						       : "DATA moved",
			p.frame, mpf_addr_to_string(&p.addr, a, sizeof(a)));
	}
	report_endpoint_widths(n, &ws, &wd);
	fprintf(out, "  %5s  %-*s    %-*s  %8s  %10s  %6s  %4s  %10s  %s\n",
		"flow", ws, "source", wd, "destination", "packets", "bytes",
		"DATA", "HB", "RTT", "frames");
	for (i = 0; i < nflows; i++) {
		const struct mpf_flow *f = mpf_node_get_flow(n, i);
		struct mpf_sctp_flow_stats st;
		struct mpf_endpoint s, d;
		char rtt[24] = "-";

		mpf_flow_get_endpoints(f, &s, &d);
		mpf_flow_get_sctp_stats(f, &st, sizeof(st));
		if (st.rtt_samples)
			snprintf(rtt, sizeof(rtt), st.rtt_avg < 1e-3 ? "%.0f us" : "%.1f ms",
				 st.rtt_avg < 1e-3 ? st.rtt_avg * 1e6 : st.rtt_avg * 1e3);
		fprintf(out,
			"  %5" PRIu32 "  %-*s -> %-*s  %8" PRIu64 "  %10s  %6" PRIu64
			"  %4" PRIu64 "  %10s  %" PRIu32 "-%" PRIu32 "%s\n",
			mpf_flow_get_id(f), ws, report_endpoint(&s, se, sizeof(se)),
			wd, report_endpoint(&d, de, sizeof(de)),
			mpf_flow_get_packets(f, MPF_FLOW_FORWARD) +
				mpf_flow_get_packets(f, MPF_FLOW_REVERSE),
			report_bytes(mpf_flow_get_bytes(f, MPF_FLOW_FORWARD) +
					     mpf_flow_get_bytes(f, MPF_FLOW_REVERSE),
				     hb, sizeof(hb)),
			st.data_chunks[0] + st.data_chunks[1],
			st.heartbeats[0] + st.heartbeats[1], rtt,
			mpf_flow_get_first_frame(f), mpf_flow_get_last_frame(f),
			st.unannounced ? "  UNANNOUNCED ADDRESS" : "");
	}
}

void
report_sctp_frame_names(FILE *out, const struct mpf_frame *f, bool flags,
			const char *sep)
{
	bool first = true;
	unsigned i;

	if (flags) {
		unsigned bits = mpf_frame_get_sctp_flags(f);

		for (i = 0; i < 32; i++)
			if (bits & 1u << i)
				report_list_item(out,
						 mpf_sctp_frame_flag_to_string(1u << i),
						 sep, &first);
		return;
	}
	for (i = 0; i < 256; i++) {
		uint32_t bit = mpf_sctp_chunk_bit(i);

		if (bit != 1u << 31 && (mpf_frame_get_sctp_chunks(f) & bit))
			report_list_item(out, mpf_sctp_chunk_to_string(i), sep, &first);
	}
	if (mpf_frame_get_sctp_chunks(f) & 1u << 31)
		report_list_item(out, "unknown", sep, &first);
}
