/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: what mpflow prints of an SCTP association (its JSON keys:
 * lib/summary-sctp.c)
 */
#include <inttypes.h>
#include <string.h>

#include "report.h"

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
			mpf_flow_get_packets(f, MPF_SIDE_CLIENT) +
				mpf_flow_get_packets(f, MPF_SIDE_SERVER),
			report_bytes(mpf_flow_get_bytes(f, MPF_SIDE_CLIENT) +
					     mpf_flow_get_bytes(f, MPF_SIDE_SERVER),
				     hb, sizeof(hb)),
			st.data_chunks[0] + st.data_chunks[1],
			st.heartbeats[0] + st.heartbeats[1], rtt,
			mpf_flow_get_first_frame(f), mpf_flow_get_last_frame(f),
			st.unannounced ? "  UNANNOUNCED ADDRESS" : "");
	}
}

void
report_sctp_frame_names(unsigned bits, bool flags, report_name_func fn,
			void *user)
{
	unsigned i;

	if (flags) {
		for (i = 0; i < 32; i++)
			if (bits & 1u << i)
				fn(mpf_sctp_frame_flag_to_string(1u << i), user);
		return;
	}
	for (i = 0; i < 256; i++) {
		uint32_t bit = mpf_sctp_chunk_bit(i);

		if (bit != 1u << 31 && (bits & bit))
			fn(mpf_sctp_chunk_to_string(i), user);
	}
	if (bits & 1u << 31)
		fn("unknown", user);
}
