/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: what `mpflow summary` and `mpflow frames` print
 *
 * The JSON and CSV shapes are a contract other tools read (see the man
 * page): keys may be added, never renamed or removed. Keys and IDSNs are
 * 16 lowercase hex digits, tokens 8, null where unknown.
 */
#include <inttypes.h>
#include <string.h>

#include "report.h"

void
json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (ch < 0x20)
				fprintf(out, "\\u%04x", ch);
			else
				fputc(ch, out);
		}
	}
	fputc('"', out);
}

/* ------------------------------------------------------------- helpers */

/* The client and server ends of a node: its initial subflow's, else its
 * first flow's as seen from the client. */
static void
node_ends(const struct mpf_node *n, struct mpf_endpoint *client,
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

static const char *
endpoint_str(const struct mpf_endpoint *e, char *buf, size_t len)
{
	char a[MPF_ADDR_STRLEN];

	mpf_addr_to_string(&e->addr, a, sizeof(a));
	if (e->addr.family == 6)
		snprintf(buf, len, "[%s]:%u", a, e->port);
	else
		snprintf(buf, len, "%s:%u", a, e->port);
	return buf;
}

static double
seconds(int64_t ns)
{
	return (double)ns / 1e9;
}

static const char *
human_bytes(uint64_t b, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)b;
	int u = 0;

	while (v >= 1000.0 && u < 4) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", b);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

/* Writes one name of a list: separated by @sep, or as JSON strings
 * separated by commas when @sep is NULL. */
static void
list_item(FILE *out, const char *name, const char *sep, bool *first)
{
	if (!sep)
		fprintf(out, "%s\"%s\"", *first ? "" : ", ", name);
	else
		fprintf(out, "%s%s", *first ? "" : sep, name);
	*first = false;
}

/* Writes the names of the MPTCP option subtypes set in @opts. */
static void
print_options(FILE *out, unsigned opts, const char *sep)
{
	bool first = true;
	unsigned i;

	for (i = 0; i < 16; i++)
		if (opts & 1u << i)
			list_item(out, mpf_mptcp_subtype_to_string(i), sep,
				  &first);
}

static void
print_flags(FILE *out, unsigned flags, const char *sep)
{
	bool first = true;
	unsigned i;

	for (i = 0; i < 32; i++)
		if (flags & 1u << i)
			list_item(out, mpf_mptcp_frame_flag_to_string(1u << i), sep,
				  &first);
}

/* ------------------------------------------------------------- summary */

/* A frame number, or null for 0. */
static void
json_frame(FILE *out, uint32_t frame)
{
	if (frame)
		fprintf(out, "%" PRIu32, frame);
	else
		fputs("null", out);
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
	json_frame(out, st.data_fin ? st.data_fin_frame : 0);
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
	json_frame(out, ck.mp_fail_frame);
	fputs(", \"fastclose_frame\": ", out);
	json_frame(out, ck.fastclose_frame);
	fputs(", \"infinite_mapping_frame\": ", out);
	json_frame(out, ck.infinite_map_frame);
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
		json_frame(out, ad.frame);
		fputs(", \"echo_frame\": ", out);
		json_frame(out, ad.echo_frame);
		fputs(", \"removed_frame\": ", out);
		json_frame(out, ad.removed_frame);
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
	json_frame(out, mpf_flow_get_mptcp_removed_frame(f));
	fputs(", \"reset_frame\": ", out);
	json_frame(out, mpf_flow_get_mptcp_reset_frame(f));
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
json_flow(FILE *out, const struct mpf_node *node, const struct mpf_flow *f)
{
	struct mpf_endpoint s, d;
	char a[MPF_ADDR_STRLEN];
	int id0, id1;

	mpf_flow_get_endpoints(f, &s, &d);
	fprintf(out, "{\"id\": %" PRIu32 ", \"src\": ", mpf_flow_get_id(f));
	json_string(out, mpf_addr_to_string(&s.addr, a, sizeof(a)));
	fprintf(out, ", \"sport\": %u, \"dst\": ", s.port);
	json_string(out, mpf_addr_to_string(&d.addr, a, sizeof(a)));
	fprintf(out, ", \"dport\": %u", d.port);
	fprintf(out, ", \"role\": \"%s\", \"established\": %s",
		mpf_mptcp_role_to_string(mpf_flow_get_mptcp_role(f)),
		mpf_flow_get_mptcp_established(f) ? "true" : "false");
	fprintf(out, ", \"src_is_client\": %s, \"backup\": %s",
		mpf_flow_get_mptcp_src_is_client(f) ? "true" : "false",
		mpf_flow_get_mptcp_backup(f) ? "true" : "false");
	id0 = mpf_flow_get_mptcp_address_id(f, MPF_FLOW_FORWARD);
	id1 = mpf_flow_get_mptcp_address_id(f, MPF_FLOW_REVERSE);
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
	fprintf(out,
		", \"first_frame\": %" PRIu32 ", \"last_frame\": %" PRIu32
		", \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64,
		mpf_flow_get_first_frame(f), mpf_flow_get_last_frame(f),
		mpf_flow_get_packets(f, MPF_FLOW_FORWARD) +
			mpf_flow_get_packets(f, MPF_FLOW_REVERSE),
		mpf_flow_get_bytes(f, MPF_FLOW_FORWARD) +
			mpf_flow_get_bytes(f, MPF_FLOW_REVERSE));
	fprintf(out,
		", \"packets_fwd\": %" PRIu64 ", \"packets_rev\": %" PRIu64
		", \"payload_fwd\": %" PRIu64 ", \"payload_rev\": %" PRIu64,
		mpf_flow_get_packets(f, MPF_FLOW_FORWARD),
		mpf_flow_get_packets(f, MPF_FLOW_REVERSE),
		mpf_flow_get_payload_bytes(f, MPF_FLOW_FORWARD),
		mpf_flow_get_payload_bytes(f, MPF_FLOW_REVERSE));
	fprintf(out, ", \"first_time\": %.9f, \"last_time\": %.9f",
		seconds(mpf_flow_get_first_time(f)),
		seconds(mpf_flow_get_last_time(f)));
	if (mpf_node_get_protocol(node) == MPF_PROTO_MPTCP)
		json_flow_mptcp(out, node, f);
	fputc('}', out);
}

static void
json_node(FILE *out, const struct mpf_node *n)
{
	struct mpf_mptcp_stats st[2];
	enum mpf_mptcp_end end;
	uint32_t i, fb;
	double dur;
	int v = mpf_node_get_mptcp_version(n);

	fprintf(out,
		"    {\"id\": %" PRIu32 ", \"protocol\": \"%s\", "
		"\"first_frame\": %" PRIu32 ", \"last_frame\": %" PRIu32
		", \"first_time\": %.9f, \"last_time\": %.9f"
		", \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64 ",\n",
		mpf_node_get_id(n),
		mpf_protocol_to_string(mpf_node_get_protocol(n)),
		mpf_node_get_first_frame(n), mpf_node_get_last_frame(n),
		seconds(mpf_node_get_first_time(n)),
		seconds(mpf_node_get_last_time(n)), mpf_node_get_packets(n),
		mpf_node_get_bytes(n));
	fputs("     \"flows\": [", out);
	for (i = 0; i < mpf_node_get_flow_count(n); i++) {
		fputs(i ? ",\n       " : "\n       ", out);
		json_flow(out, n, mpf_node_get_flow(n, i));
	}
	fputs("],\n", out);
	if (mpf_node_get_protocol(n) == MPF_PROTO_MPTCP) {
		fputs("     \"mptcp\": {\"version\": ", out);
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
		json_frame(out, fb);
		dur = seconds(mpf_node_get_last_time(n) - mpf_node_get_first_time(n));
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
	fputs("}", out);
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
		name, human_bytes(st.data_bytes, a, sizeof(a)),
		human_bytes(st.unique_bytes, b, sizeof(b)),
		human_bytes(st.reinjected_bytes, c, sizeof(c)), st.reinjections,
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

static void
text_node(FILE *out, const struct mpf_node *n)
{
	struct mpf_endpoint client, server;
	char hb[32], se[64], de[64], a[MPF_ADDR_STRLEN];
	uint32_t i, fb, nflows = mpf_node_get_flow_count(n);
	int v = mpf_node_get_mptcp_version(n), ws = 6, wd = 11, wa;

	node_ends(n, &client, &server);
	/* columns as wide as this node's longest endpoint */
	for (i = 0; i < nflows; i++) {
		struct mpf_endpoint s, d;
		int l;

		mpf_flow_get_endpoints(mpf_node_get_flow(n, i), &s, &d);
		l = (int)strlen(endpoint_str(&s, se, sizeof(se)));
		ws = l > ws ? l : ws;
		l = (int)strlen(endpoint_str(&d, de, sizeof(de)));
		wd = l > wd ? l : wd;
	}
	wa = (int)strlen(mpf_addr_to_string(&client.addr, a, sizeof(a)));
	i = (uint32_t)strlen(mpf_addr_to_string(&server.addr, a, sizeof(a)));
	wa = (int)i > wa ? (int)i : wa;

	fprintf(out, "node %" PRIu32 "  %s", mpf_node_get_id(n),
		mpf_protocol_to_string(mpf_node_get_protocol(n)));
	if (v >= 0)
		fprintf(out, " v%d", v);
	if (mpf_node_get_mptcp_fallback(n, &fb))
		fprintf(out, "  FALLBACK to TCP at frame %" PRIu32, fb);
	fprintf(out,
		"  frames %" PRIu32 "-%" PRIu32 "  %" PRIu64
		" packets  %s  %.3f s\n",
		mpf_node_get_first_frame(n), mpf_node_get_last_frame(n),
		mpf_node_get_packets(n),
		human_bytes(mpf_node_get_bytes(n), hb, sizeof(hb)),
		seconds(mpf_node_get_last_time(n) - mpf_node_get_first_time(n)));
	text_side(out, "client", n, MPF_SIDE_CLIENT, &client, wa);
	text_side(out, "server", n, MPF_SIDE_SERVER, &server, wa);
	if (mpf_node_get_protocol(n) == MPF_PROTO_MPTCP)
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
			endpoint_str(&s, se, sizeof(se)), wd,
			endpoint_str(&d, de, sizeof(de)),
			mpf_flow_get_mptcp_established(f) ? "yes" : "no",
			mpf_flow_get_packets(f, MPF_FLOW_FORWARD) +
				mpf_flow_get_packets(f, MPF_FLOW_REVERSE),
			human_bytes(mpf_flow_get_bytes(f, MPF_FLOW_FORWARD) +
					    mpf_flow_get_bytes(f, MPF_FLOW_REVERSE),
				    hb, sizeof(hb)),
			mpf_flow_get_first_frame(f), mpf_flow_get_last_frame(f),
			mpf_flow_get_mptcp_backup(f) ? "  backup" : "");
		text_flow_notes(out, n, f);
	}
}

void
report_summary(FILE *out, enum report_format fmt, const char *path,
	       const struct mpf_ctx *ctx)
{
	uint32_t i, n = mpf_ctx_get_node_count(ctx), shown;
	int c;

	if (fmt == REPORT_JSON) {
		fputs("{\"capture\": ", out);
		json_string(out, path);
		fprintf(out, ", \"frames\": %" PRIu64 ",\n \"counters\": {",
			mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES));
		for (c = 0; c < MPF_COUNTER_COUNT; c++)
			fprintf(out, "%s\"%s\": %" PRIu64, c ? ", " : "",
				mpf_counter_name((enum mpf_counter)c),
				mpf_ctx_get_counter(ctx, (enum mpf_counter)c));
		fputs("},\n \"nodes\": [", out);
		for (i = 0, shown = 0; i < n; i++) {
			const struct mpf_node *node = mpf_ctx_get_node(ctx, i);

			if (mpf_node_get_merged_into(node) != MPF_ID_NONE)
				continue; /* its flows are in the survivor */
			fputs(shown++ ? ",\n" : "\n", out);
			json_node(out, node);
		}
		fputs("]}\n", out);
		return;
	}
	for (i = 0, shown = 0; i < n; i++)
		if (mpf_node_get_merged_into(mpf_ctx_get_node(ctx, i)) ==
		    MPF_ID_NONE)
			shown++;
	fprintf(out, "capture %s: %" PRIu64 " frames, %" PRIu32 " node%s",
		path, mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES), shown,
		shown == 1 ? "" : "s");
	for (c = MPF_COUNTER_ANALYSED; c < MPF_COUNTER_COUNT; c++) {
		uint64_t v = mpf_ctx_get_counter(ctx, (enum mpf_counter)c);

		if (v)
			fprintf(out, ", %s %" PRIu64,
				mpf_counter_name((enum mpf_counter)c), v);
	}
	fputc('\n', out);
	for (i = 0; i < n; i++) {
		const struct mpf_node *node = mpf_ctx_get_node(ctx, i);

		if (mpf_node_get_merged_into(node) != MPF_ID_NONE)
			continue;
		fputc('\n', out);
		text_node(out, node);
	}
}

/* -------------------------------------------------------------- frames */

static const char *const csv_columns =
	"frame,time,protocol,node,flow,direction,status,len,dsn,dack,"
	"mapping_frame,options,flags,reinjection_of,reinjected_in";

void
report_frames_begin(struct frames_writer *w, const char *path)
{
	w->rows = 0;
	w->have_t0 = false;
	switch (w->fmt) {
	case REPORT_CSV:
		fprintf(w->out, "%s\n", csv_columns);
		break;
	case REPORT_JSON:
		fputs("{\"capture\": ", w->out);
		json_string(w->out, path);
		fputs(", \"frames\": [", w->out);
		break;
	default:
		fprintf(w->out, "%7s  %11s  %-5s  %5s  %5s  %-3s  %6s  %12s  %12s  %7s  %s\n",
			"frame", "time", "proto", "node", "flow", "dir", "len",
			"dsn", "dack", "mapping", "options / notes");
		break;
	}
}

static const char *
status_word(int st)
{
	return st == MPF_OK ? "ok" : mpf_status_name(st);
}

void
report_frames_row(struct frames_writer *w, const struct mpf_frame *f,
		  int64_t ts_sec, uint32_t ts_nsec)
{
	FILE *out = w->out;
	uint64_t dsn, dack;
	bool has_dsn = mpf_frame_get_mptcp_dsn(f, &dsn);
	bool has_dack = mpf_frame_get_mptcp_dack(f, &dack);
	uint32_t node = mpf_frame_get_node_id(f), flow = mpf_frame_get_flow_id(f);
	uint32_t map = mpf_frame_get_mptcp_mapping_frame(f);
	enum mpf_protocol proto = mpf_frame_get_protocol(f);
	const char *dir = proto == MPF_PROTO_NONE ? ""
			  : mpf_frame_get_direction(f) == MPF_DIR_CLIENT_TO_SERVER
				  ? "c2s"
				  : "s2c";
	char nb[16] = "", fb[16] = "", db[24] = "", ab[24] = "", mb[16] = "";
	char ro[16] = "", ri[16] = "";
	uint32_t rof = mpf_frame_get_mptcp_reinjection_of(f);
	uint32_t rif = mpf_frame_get_mptcp_reinjected_in(f);

	if (node != MPF_ID_NONE)
		snprintf(nb, sizeof(nb), "%" PRIu32, node);
	if (flow != MPF_ID_NONE)
		snprintf(fb, sizeof(fb), "%" PRIu32, flow);
	if (has_dsn)
		snprintf(db, sizeof(db), "%" PRIu64, dsn);
	if (has_dack)
		snprintf(ab, sizeof(ab), "%" PRIu64, dack);
	if (map)
		snprintf(mb, sizeof(mb), "%" PRIu32, map);
	if (rof)
		snprintf(ro, sizeof(ro), "%" PRIu32, rof);
	if (rif)
		snprintf(ri, sizeof(ri), "%" PRIu32, rif);

	switch (w->fmt) {
	case REPORT_CSV:
		fprintf(out, "%" PRIu32 ",%" PRId64 ".%09" PRIu32 ",%s,%s,%s,%s,%s,%" PRIu32
			     ",%s,%s,%s,",
			mpf_frame_get_number(f), ts_sec, ts_nsec,
			proto == MPF_PROTO_NONE ? "" : mpf_protocol_to_string(proto),
			nb, fb, dir, status_word(mpf_frame_get_status(f)),
			mpf_frame_get_payload_length(f), db, ab, mb);
		print_options(out, mpf_frame_get_mptcp_options(f), "|");
		fputc(',', out);
		print_flags(out, mpf_frame_get_mptcp_flags(f), "|");
		fprintf(out, ",%s,%s\n", ro, ri);
		break;
	case REPORT_JSON:
		fputs(w->rows ? ",\n  " : "\n  ", out);
		fprintf(out,
			"{\"frame\": %" PRIu32 ", \"time\": %" PRId64 ".%09" PRIu32
			", \"protocol\": ",
			mpf_frame_get_number(f), ts_sec, ts_nsec);
		if (proto == MPF_PROTO_NONE)
			fputs("null", out);
		else
			fprintf(out, "\"%s\"", mpf_protocol_to_string(proto));
		fprintf(out, ", \"node\": %s, \"flow\": %s, \"direction\": ",
			node != MPF_ID_NONE ? nb : "null",
			flow != MPF_ID_NONE ? fb : "null");
		if (*dir)
			fprintf(out, "\"%s\"", dir);
		else
			fputs("null", out);
		fprintf(out, ", \"status\": \"%s\", \"len\": %" PRIu32,
			status_word(mpf_frame_get_status(f)),
			mpf_frame_get_payload_length(f));
		fprintf(out, ", \"dsn\": %s, \"dack\": %s, \"mapping_frame\": %s",
			has_dsn ? db : "null", has_dack ? ab : "null",
			map ? mb : "null");
		fputs(", \"options\": [", out);
		print_options(out, mpf_frame_get_mptcp_options(f), NULL);
		fputs("], \"flags\": [", out);
		print_flags(out, mpf_frame_get_mptcp_flags(f), NULL);
		fprintf(out, "], \"reinjection_of\": %s, \"reinjected_in\": %s}",
			*ro ? ro : "null", *ri ? ri : "null");
		break;
	default: {
		int64_t ns = ts_sec * 1000000000LL + ts_nsec;

		if (!w->have_t0) {
			w->t0_ns = ns;
			w->have_t0 = true;
		}
		fprintf(out,
			"%7" PRIu32 "  %11.6f  %-5s  %5s  %5s  %-3s  %6" PRIu32
			"  %12s  %12s  %7s  ",
			mpf_frame_get_number(f), seconds(ns - w->t0_ns),
			proto == MPF_PROTO_NONE ? "-" : mpf_protocol_to_string(proto),
			nb, fb, dir, mpf_frame_get_payload_length(f), db, ab, mb);
		print_options(out, mpf_frame_get_mptcp_options(f), ",");
		if (mpf_frame_get_mptcp_flags(f)) {
			fputs(mpf_frame_get_mptcp_options(f) ? " " : "", out);
			print_flags(out, mpf_frame_get_mptcp_flags(f), ",");
		}
		if (rof)
			fprintf(out, " (of %s)", ro);
		if (mpf_frame_get_status(f) != MPF_OK)
			fprintf(out, " [%s]", status_word(mpf_frame_get_status(f)));
		fputc('\n', out);
		break;
	}
	}
	w->rows++;
}

void
report_frames_end(struct frames_writer *w)
{
	if (w->fmt == REPORT_JSON)
		fputs(w->rows ? "\n]}\n" : "]}\n", w->out);
}
