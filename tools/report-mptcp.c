/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: what mpflow prints of an MPTCP connection
 */
#include <inttypes.h>
#include <string.h>

#include "report.h"

void
report_mptcp_node_ends(const struct mpf_node *n, struct mpf_endpoint *client,
		       struct mpf_endpoint *server)
{
	const struct mpf_flow *f = NULL;
	uint32_t i;

	memset(client, 0, sizeof(*client));
	memset(server, 0, sizeof(*server));
	for (i = 0; i < mpf_node_get_flow_count(n); i++) {
		const struct mpf_flow *x = mpf_node_get_flow(n, i);

		if (mpf_flow_get_mptcp_role(x) == MPF_MPTCP_ROLE_INITIAL) {
			f = x;
			break;
		}
		if (!f)
			f = x;
	}
	if (!f)
		return;
	if (mpf_flow_get_mptcp_src_is_client(f))
		mpf_flow_get_endpoints(f, client, server);
	else
		mpf_flow_get_endpoints(f, server, client);
}

static void
json_dir_stats(FILE *out, const struct mpf_node *n, enum mpf_side side)
{
	struct mpf_mptcp_stats st;

	mpf_node_get_mptcp_stats(n, side, &st, sizeof(st));
	fprintf(out,
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
	if (st.has_highest_dack)
		fprintf(out, "%" PRIu64, st.highest_dack);
	else
		fputs("null", out);
	fputs(", \"data_fin_frame\": ", out);
	report_json_frame(out, st.data_fin ? st.data_fin_frame : 0);
	fputs(", \"data_fin_dsn\": ", out);
	if (st.data_fin)
		fprintf(out, "%" PRIu64, st.data_fin_dsn);
	else
		fputs("null", out);
	fputc('}', out);
}

static void
json_checks(FILE *out, const struct mpf_node *n)
{
	struct mpf_mptcp_checks ck;

	mpf_node_get_mptcp_checks(n, &ck, sizeof(ck));
	fprintf(out,
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
	report_json_frame(out, ck.mp_fail_frame);
	fputs(", \"fastclose_frame\": ", out);
	report_json_frame(out, ck.fastclose_frame);
	fputs(", \"infinite_mapping_frame\": ", out);
	report_json_frame(out, ck.infinite_map_frame);
	fputc('}', out);
}

static void
json_addresses(FILE *out, const struct mpf_node *n)
{
	uint32_t i, count = mpf_node_get_mptcp_address_count(n);
	char a[MPF_ADDR_STRLEN];

	fputc('[', out);
	for (i = 0; i < count; i++) {
		struct mpf_mptcp_address ad;

		if (mpf_node_get_mptcp_address(n, i, &ad, sizeof(ad)) != MPF_OK)
			continue;
		fprintf(out, "%s{\"side\": \"%s\", \"id\": %u, \"addr\": ",
			i ? ", " : "",
			ad.side == MPF_SIDE_CLIENT ? "client" : "server", ad.id);
		json_string(out, mpf_addr_to_string(&ad.addr, a, sizeof(a)));
		fputs(", \"port\": ", out);
		if (ad.has_port)
			fprintf(out, "%u", ad.port);
		else
			fputs("null", out);
		fputs(", \"frame\": ", out);
		report_json_frame(out, ad.frame);
		fputs(", \"echo_frame\": ", out);
		report_json_frame(out, ad.echo_frame);
		fputs(", \"removed_frame\": ", out);
		report_json_frame(out, ad.removed_frame);
		fprintf(out, ", \"hmac\": \"%s\", \"id_conflict\": %s}",
			mpf_mptcp_hmac_to_string(ad.hmac),
			ad.id_conflict ? "true" : "false");
	}
	fputc(']', out);
}

static void
json_evidence(FILE *out, const struct mpf_node *n)
{
	uint32_t i, count = mpf_node_get_mptcp_evidence_count(n);

	fputc('[', out);
	for (i = 0; i < count; i++) {
		struct mpf_mptcp_evidence ev;

		if (mpf_node_get_mptcp_evidence(n, i, &ev, sizeof(ev)) != MPF_OK)
			continue;
		fprintf(out,
			"%s{\"kind\": \"%s\", \"frame\": %" PRIu32
			", \"absorbed\": %" PRIu32 ", \"bits\": %d"
			", \"value\": %" PRIu64 "}",
			i ? ", " : "",
			ev.kind == MPF_MPTCP_EVIDENCE_DSN ? "dsn" : "data_ack",
			ev.frame, ev.absorbed, ev.wide ? 64 : 32, ev.value);
	}
	fputc(']', out);
}

static void
json_side(FILE *out, const struct mpf_node *n, enum mpf_side side)
{
	uint64_t key, idsn;
	uint32_t token;

	fputs("{\"key\": ", out);
	if (mpf_node_get_mptcp_key(n, side, &key))
		fprintf(out, "\"%016" PRIx64 "\"", key);
	else
		fputs("null", out);
	fputs(", \"token\": ", out);
	if (mpf_node_get_mptcp_token(n, side, &token))
		fprintf(out, "\"%08" PRIx32 "\"", token);
	else
		fputs("null", out);
	fputs(", \"idsn\": ", out);
	if (mpf_node_get_mptcp_idsn(n, side, &idsn))
		fprintf(out, "\"%016" PRIx64 "\"", idsn);
	else
		fputs("null", out);
	fputc('}', out);
}

/* The subflow's MPTCP details: HMAC, end, data per direction and its
 * share of the connection's data. */
static void
json_flow_mptcp(FILE *out, const struct mpf_node *n, const struct mpf_flow *f)
{
	struct mpf_mptcp_flow_stats fs[2];
	struct mpf_mptcp_stats cs[2];
	uint32_t i, frame;
	int d, reason;
	bool backup;

	fprintf(out, ", \"join_hmac\": \"%s\", \"removed_frame\": ",
		mpf_mptcp_hmac_to_string(mpf_flow_get_mptcp_join_hmac(f)));
	report_json_frame(out, mpf_flow_get_mptcp_removed_frame(f));
	fputs(", \"reset_frame\": ", out);
	report_json_frame(out, mpf_flow_get_mptcp_reset_frame(f));
	reason = mpf_flow_get_mptcp_reset_reason(f);
	fputs(", \"reset_reason\": ", out);
	if (reason >= 0)
		fprintf(out, "%d", reason);
	else
		fputs("null", out);
	fputs(", \"prio_changes\": [", out);
	for (i = 0; mpf_flow_get_mptcp_prio(f, i, &frame, &backup); i++)
		fprintf(out, "%s{\"frame\": %" PRIu32 ", \"backup\": %s}",
			i ? ", " : "", frame, backup ? "true" : "false");
	fputc(']', out);
	mpf_node_get_mptcp_stats(n, MPF_SIDE_CLIENT, &cs[0], sizeof(cs[0]));
	mpf_node_get_mptcp_stats(n, MPF_SIDE_SERVER, &cs[1], sizeof(cs[1]));
	for (d = 0; d < 2; d++) {
		/* which side sends this way of the flow */
		int side = (d == 0) == mpf_flow_get_mptcp_src_is_client(f)
				   ? MPF_SIDE_CLIENT
				   : MPF_SIDE_SERVER;
		uint64_t total = cs[side].data_bytes;

		mpf_flow_get_mptcp_stats(f, (enum mpf_flow_dir)d, &fs[d],
					 sizeof(fs[d]));
		fprintf(out,
			", \"%s\": {\"data_bytes\": %" PRIu64
			", \"unique_bytes\": %" PRIu64
			", \"reinjected_bytes\": %" PRIu64
			", \"retransmitted_bytes\": %" PRIu64 ", \"share\": %.4f}",
			d == 0 ? "fwd" : "rev", fs[d].data_bytes,
			fs[d].unique_bytes, fs[d].reinjected_bytes,
			fs[d].retransmitted_bytes,
			total ? (double)fs[d].data_bytes / (double)total : 0.0);
	}
}

static void
text_side(FILE *out, const char *name, const struct mpf_node *n,
	  enum mpf_side side, const struct mpf_endpoint *e, int width)
{
	char a[MPF_ADDR_STRLEN];
	uint64_t key, idsn;
	uint32_t token;

	fprintf(out, "  %-6s  %-*s", name, width,
		mpf_addr_to_string(&e->addr, a, sizeof(a)));
	if (mpf_node_get_mptcp_key(n, side, &key))
		fprintf(out, "  key %016" PRIx64, key);
	else
		fprintf(out, "  key %-16s", "-");
	if (mpf_node_get_mptcp_token(n, side, &token))
		fprintf(out, "  token %08" PRIx32, token);
	else
		fprintf(out, "  token %-8s", "-");
	if (mpf_node_get_mptcp_idsn(n, side, &idsn))
		fprintf(out, "  idsn %016" PRIx64, idsn);
	else
		fprintf(out, "  idsn -");
	fputc('\n', out);
}

static void
text_dir(FILE *out, const char *name, const struct mpf_node *n,
	 enum mpf_side side)
{
	struct mpf_mptcp_stats st;
	char a[32], b[32], c[32];

	mpf_node_get_mptcp_stats(n, side, &st, sizeof(st));
	if (!st.data_bytes && !st.data_acks)
		return;
	fprintf(out,
		"  %s  data %s, unique %s, reinjected %s (%" PRIu64
		" segments), %" PRIu64 " retransmissions, %" PRIu64
		" out of order, %" PRIu64 " duplicate data acks",
		name, report_bytes(st.data_bytes, a, sizeof(a)),
		report_bytes(st.unique_bytes, b, sizeof(b)),
		report_bytes(st.reinjected_bytes, c, sizeof(c)), st.reinjections,
		st.retransmissions, st.out_of_order, st.dup_data_acks);
	if (st.data_fin)
		fprintf(out, ", DATA_FIN at frame %" PRIu32, st.data_fin_frame);
	fputc('\n', out);
}

/* A connection's MPTCP details, for people. */
static void
text_mptcp(FILE *out, const struct mpf_node *n)
{
	struct mpf_mptcp_checks ck;
	uint32_t i, frame, count;
	enum mpf_mptcp_end end = mpf_node_get_mptcp_end(n, &frame);
	char a[MPF_ADDR_STRLEN];

	fprintf(out, "  ended   %s", mpf_mptcp_end_to_string(end));
	if (frame)
		fprintf(out, " at frame %" PRIu32, frame);
	if (mpf_node_get_mptcp_checksum(n))
		fputs(", DSS checksums", out);
	if (mpf_node_get_mptcp_inferred(n))
		fprintf(out, ", subflows grouped from data-level evidence (%" PRIu32
			" matches)", mpf_node_get_mptcp_evidence_count(n));
	fputc('\n', out);
	text_dir(out, "c2s   ", n, MPF_SIDE_CLIENT);
	text_dir(out, "s2c   ", n, MPF_SIDE_SERVER);
	mpf_node_get_mptcp_checks(n, &ck, sizeof(ck));
	fprintf(out, "  checks  join HMAC %" PRIu32 " ok, %" PRIu32 " bad, %" PRIu32
		" unverified", ck.join_hmac_ok, ck.join_hmac_bad,
		ck.join_hmac_unverified);
	if (ck.csum_ok || ck.csum_bad || ck.csum_unverifiable)
		fprintf(out, "; DSS checksum %" PRIu64 " ok, %" PRIu64 " bad, %" PRIu64
			" unverifiable", ck.csum_ok, ck.csum_bad,
			ck.csum_unverifiable);
	if (ck.key_mismatches)
		fprintf(out, "; %" PRIu32 " echoed keys differ", ck.key_mismatches);
	if (ck.orphan_joins)
		fprintf(out, "; %" PRIu32 " joins with an unknown token",
			ck.orphan_joins);
	if (ck.mp_fail_frame)
		fprintf(out, "; MP_FAIL at frame %" PRIu32, ck.mp_fail_frame);
	fputc('\n', out);
	count = mpf_node_get_mptcp_address_count(n);
	for (i = 0; i < count; i++) {
		struct mpf_mptcp_address ad;

		if (mpf_node_get_mptcp_address(n, i, &ad, sizeof(ad)) != MPF_OK)
			continue;
		fprintf(out, "  %s  %s announces id %u %s",
			i ? "       " : "address",
			ad.side == MPF_SIDE_CLIENT ? "client" : "server", ad.id,
			mpf_addr_to_string(&ad.addr, a, sizeof(a)));
		if (ad.has_port)
			fprintf(out, " port %u", ad.port);
		fprintf(out, " at frame %" PRIu32 ", HMAC %s", ad.frame,
			mpf_mptcp_hmac_to_string(ad.hmac));
		if (ad.removed_frame)
			fprintf(out, ", removed at frame %" PRIu32, ad.removed_frame);
		if (ad.id_conflict)
			fputs(", ID CONFLICT", out);
		fputc('\n', out);
	}
}

/* A subflow's share of each direction's data, and what happened to it. */
static void
text_flow_notes(FILE *out, const struct mpf_node *n, const struct mpf_flow *f)
{
	struct mpf_mptcp_flow_stats fs;
	struct mpf_mptcp_stats cs;
	enum mpf_mptcp_hmac h = mpf_flow_get_mptcp_join_hmac(f);
	bool any = false;
	int d;

	for (d = 0; d < 2; d++) {
		int side = (d == 0) == mpf_flow_get_mptcp_src_is_client(f)
				   ? MPF_SIDE_CLIENT
				   : MPF_SIDE_SERVER;

		mpf_flow_get_mptcp_stats(f, (enum mpf_flow_dir)d, &fs, sizeof(fs));
		mpf_node_get_mptcp_stats(n, (enum mpf_side)side, &cs, sizeof(cs));
		if (!fs.data_bytes)
			continue;
		fprintf(out, "%s%s %.1f%%", any ? ", " : "                  ",
			side == MPF_SIDE_CLIENT ? "c2s" : "s2c",
			cs.data_bytes ? 100.0 * (double)fs.data_bytes /
						(double)cs.data_bytes
				      : 0.0);
		if (fs.reinjected_bytes)
			fprintf(out, " (%" PRIu64 " B reinjected)",
				fs.reinjected_bytes);
		any = true;
	}
	if (h != MPF_MPTCP_HMAC_NONE) {
		fprintf(out, "%sjoin HMAC %s", any ? ", " : "                  ",
			mpf_mptcp_hmac_to_string(h));
		any = true;
	}
	if (mpf_flow_get_mptcp_removed_frame(f)) {
		fprintf(out, "%sremoved at frame %" PRIu32,
			any ? ", " : "                  ",
			mpf_flow_get_mptcp_removed_frame(f));
		any = true;
	}
	if (mpf_flow_get_mptcp_reset_frame(f)) {
		fprintf(out, "%sreset at frame %" PRIu32,
			any ? ", " : "                  ",
			mpf_flow_get_mptcp_reset_frame(f));
		if (mpf_flow_get_mptcp_reset_reason(f) >= 0)
			fprintf(out, " (MP_TCPRST reason %d)",
				mpf_flow_get_mptcp_reset_reason(f));
		any = true;
	}
	if (any)
		fputc('\n', out);
}


void
report_mptcp_json_flow(FILE *out, const struct mpf_node *n,
		       const struct mpf_flow *f)
{
	int id0 = mpf_flow_get_mptcp_address_id(f, MPF_FLOW_FORWARD);
	int id1 = mpf_flow_get_mptcp_address_id(f, MPF_FLOW_REVERSE);

	fprintf(out, ", \"role\": \"%s\", \"established\": %s",
		mpf_mptcp_role_to_string(mpf_flow_get_mptcp_role(f)),
		mpf_flow_get_mptcp_established(f) ? "true" : "false");
	fprintf(out, ", \"src_is_client\": %s, \"backup\": %s",
		mpf_flow_get_mptcp_src_is_client(f) ? "true" : "false",
		mpf_flow_get_mptcp_backup(f) ? "true" : "false");
	fputs(", \"src_addr_id\": ", out);
	if (id0 >= 0)
		fprintf(out, "%d", id0);
	else
		fputs("null", out);
	fputs(", \"dst_addr_id\": ", out);
	if (id1 >= 0)
		fprintf(out, "%d", id1);
	else
		fputs("null", out);
	json_flow_mptcp(out, n, f);
}

void
report_mptcp_json_node(FILE *out, const struct mpf_node *n)
{
	struct mpf_mptcp_stats st[2];
	enum mpf_mptcp_end end;
	uint32_t fb;
	double dur;
	int v = mpf_node_get_mptcp_version(n);

	fputs(",\n     \"mptcp\": {\"version\": ", out);
	if (v >= 0)
		fprintf(out, "%d", v);
	else
		fputs("null", out);
	fprintf(out, ", \"fallback\": %s, \"fallback_frame\": ",
		mpf_node_get_mptcp_fallback(n, &fb) ? "true" : "false");
	if (mpf_node_get_mptcp_fallback(n, &fb))
		fprintf(out, "%" PRIu32, fb);
	else
		fputs("null", out);
	fputs(",\n       \"client\": ", out);
	json_side(out, n, MPF_SIDE_CLIENT);
	fputs(",\n       \"server\": ", out);
	json_side(out, n, MPF_SIDE_SERVER);
	end = mpf_node_get_mptcp_end(n, &fb);
	fprintf(out,
		",\n       \"checksum\": %s, \"inferred\": %s"
		", \"end\": \"%s\", \"end_frame\": ",
		mpf_node_get_mptcp_checksum(n) ? "true" : "false",
		mpf_node_get_mptcp_inferred(n) ? "true" : "false",
		mpf_mptcp_end_to_string(end));
	report_json_frame(out, fb);
	dur = report_seconds(mpf_node_get_last_time(n) - mpf_node_get_first_time(n));
	mpf_node_get_mptcp_stats(n, MPF_SIDE_CLIENT, &st[0], sizeof(st[0]));
	mpf_node_get_mptcp_stats(n, MPF_SIDE_SERVER, &st[1], sizeof(st[1]));
	fprintf(out,
		", \"duration\": %.9f, \"subflows\": %" PRIu32
		", \"goodput_c2s\": %.1f, \"goodput_s2c\": %.1f",
		dur, mpf_node_get_flow_count(n),
		dur > 0 ? (double)st[0].unique_bytes / dur : 0.0,
		dur > 0 ? (double)st[1].unique_bytes / dur : 0.0);
	fputs(",\n       \"c2s\": ", out);
	json_dir_stats(out, n, MPF_SIDE_CLIENT);
	fputs(",\n       \"s2c\": ", out);
	json_dir_stats(out, n, MPF_SIDE_SERVER);
	fputs(",\n       \"checks\": ", out);
	json_checks(out, n);
	fputs(",\n       \"addresses\": ", out);
	json_addresses(out, n);
	fputs(",\n       \"evidence\": ", out);
	json_evidence(out, n);
	fputs("}", out);
}

void
report_mptcp_text_title(FILE *out, const struct mpf_node *n)
{
	int v = mpf_node_get_mptcp_version(n);
	uint32_t fb;

	if (v >= 0)
		fprintf(out, " v%d", v);
	if (mpf_node_get_mptcp_fallback(n, &fb))
		fprintf(out, "  FALLBACK to TCP at frame %" PRIu32, fb);
}

void
report_mptcp_text_node(FILE *out, const struct mpf_node *n)
{
	struct mpf_endpoint client, server;
	char hb[32], se[64], de[64], a[MPF_ADDR_STRLEN];
	uint32_t i, nflows = mpf_node_get_flow_count(n);
	int ws = 6, wd = 11, wa;

	report_mptcp_node_ends(n, &client, &server);
	report_endpoint_widths(n, &ws, &wd);
	wa = (int)strlen(mpf_addr_to_string(&client.addr, a, sizeof(a)));
	i = (uint32_t)strlen(mpf_addr_to_string(&server.addr, a, sizeof(a)));
	wa = (int)i > wa ? (int)i : wa;
	text_side(out, "client", n, MPF_SIDE_CLIENT, &client, wa);
	text_side(out, "server", n, MPF_SIDE_SERVER, &server, wa);
	text_mptcp(out, n);
	fprintf(out, "  %5s  %-7s  %-*s    %-*s  %-3s  %8s  %10s  %s\n", "flow",
		"role", ws, "source", wd, "destination", "est", "packets",
		"bytes", "frames");
	for (i = 0; i < nflows; i++) {
		const struct mpf_flow *f = mpf_node_get_flow(n, i);
		struct mpf_endpoint s, d;

		mpf_flow_get_endpoints(f, &s, &d);
		fprintf(out,
			"  %5" PRIu32 "  %-7s  %-*s -> %-*s  %-3s  %8" PRIu64
			"  %10s  %" PRIu32 "-%" PRIu32 "%s\n",
			mpf_flow_get_id(f),
			mpf_mptcp_role_to_string(mpf_flow_get_mptcp_role(f)), ws,
			report_endpoint(&s, se, sizeof(se)), wd,
			report_endpoint(&d, de, sizeof(de)),
			mpf_flow_get_mptcp_established(f) ? "yes" : "no",
			mpf_flow_get_packets(f, MPF_FLOW_FORWARD) +
				mpf_flow_get_packets(f, MPF_FLOW_REVERSE),
			report_bytes(mpf_flow_get_bytes(f, MPF_FLOW_FORWARD) +
					     mpf_flow_get_bytes(f, MPF_FLOW_REVERSE),
				     hb, sizeof(hb)),
			mpf_flow_get_first_frame(f), mpf_flow_get_last_frame(f),
			mpf_flow_get_mptcp_backup(f) ? "  backup" : "");
		text_flow_notes(out, n, f);
	}
}

void
report_mptcp_frame_names(FILE *out, const struct mpf_frame *f, bool flags,
			 const char *sep)
{
	unsigned bits = flags ? mpf_frame_get_mptcp_flags(f)
			      : mpf_frame_get_mptcp_options(f);
	bool first = true;
	unsigned i;

	for (i = 0; i < 32; i++)
		if (bits & 1u << i)
			report_list_item(out,
					 flags ? mpf_mptcp_frame_flag_to_string(1u << i)
					       : mpf_mptcp_subtype_to_string(i),
					 sep, &first);
}
