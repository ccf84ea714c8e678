/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: what mpflow prints of an MPTCP connection (its JSON keys:
 * lib/summary-mptcp.c)
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
	if (ck.limited)
		fprintf(out, "; %" PRIu32 " records past the caps dropped",
			ck.limited);
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

		mpf_flow_get_mptcp_stats(f, (enum mpf_side)d, &fs, sizeof(fs));
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
report_mptcp_text_title(FILE *out, const struct mpf_node *n)
{
	int v = mpf_node_get_mptcp_version(n);
	uint32_t fb;

	if (v >= 0)
		fprintf(out, " v%d", v);
	if (mpf_node_get_mptcp_fallback(n, &fb))
		fprintf(out, "  FALLBACK to TCP at frame %" PRIu32 " (%s)", fb,
			mpf_mptcp_fallback_cause_to_string(
				mpf_node_get_mptcp_fallback_cause(n)));
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
			mpf_flow_get_packets(f, MPF_SIDE_CLIENT) +
				mpf_flow_get_packets(f, MPF_SIDE_SERVER),
			report_bytes(mpf_flow_get_bytes(f, MPF_SIDE_CLIENT) +
					     mpf_flow_get_bytes(f, MPF_SIDE_SERVER),
				     hb, sizeof(hb)),
			mpf_flow_get_first_frame(f), mpf_flow_get_last_frame(f),
			mpf_flow_get_mptcp_backup(f) ? "  backup" : "");
		text_flow_notes(out, n, f);
	}
}

void
report_mptcp_frame_names(unsigned bits, bool flags, report_name_func fn,
			 void *user)
{
	while (bits) {
		unsigned i = (unsigned)__builtin_ctz(bits);

		bits &= bits - 1;
		fn(flags ? mpf_mptcp_frame_flag_to_string(1u << i)
			 : mpf_mptcp_subtype_to_string(i),
		   user);
	}
}
