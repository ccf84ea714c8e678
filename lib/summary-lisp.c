/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the summary's LISP keys
 *
 * NODE "lisp": {"iid", "eid_prefix": "addr/len", "locators": [{"rloc",
 * "priority", "weight", "first_frame", ...}], "changes": [...], counters},
 * locators being every locator any record gave the prefix, priority and
 * weight from its latest record, one that was later dropped saying so;
 * and the context's "lisp_unmapped" (the man page lists every key).
 */
#include <inttypes.h>
#include <string.h>

#include "summary.h"

static const char *const change_names[] = { "added", "dropped", "priority" };

static const char *
prefix_str(const struct mpf_node *n, char *buf, size_t len)
{
	struct mpf_addr p;
	uint8_t l = 0;
	char a[MPF_ADDR_STRLEN];

	mpf_node_get_lisp_eid_prefix(n, &p, &l);
	g_snprintf(buf, len, "%s/%u", mpf_addr_to_string(&p, a, sizeof(a)), l);
	return buf;
}

void
mpf__json_lisp_node(GString *out, const struct mpf_node *n)
{
	uint32_t iid = 0, i, count = mpf_node_get_lisp_locator_count(n);
	struct mpf_lisp_stats st;
	char buf[MPF_ADDR_STRLEN + 8];

	mpf_node_get_lisp_iid(n, &iid);
	mpf_node_get_lisp_stats(n, &st, sizeof(st));
	g_string_append_printf(out, ",\n     \"lisp\": {\"iid\": %" PRIu32 ", \"eid_prefix\": ", iid);
	mpf__json_string(out, prefix_str(n, buf, sizeof(buf)));
	g_string_append(out, ",\n       \"locators\": [");
	for (i = 0; i < count; i++) {
		struct mpf_lisp_locator l;

		mpf_node_get_lisp_locator(n, i, &l, sizeof(l));
		g_string_append(out, i ? ",\n         {\"rloc\": " : "\n         {\"rloc\": ");
		mpf__json_addr(out, &l.rloc);
		g_string_append_printf(out,
			", \"priority\": %u, \"weight\": %u, \"mpriority\": %u"
			", \"mweight\": %u, \"first_frame\": %" PRIu32
			", \"last_frame\": %" PRIu32 ", \"dropped\": %s"
			", \"dropped_frame\": ",
			l.priority, l.weight, l.mpriority, l.mweight, l.first_frame,
			l.last_frame, l.dropped_frame ? "true" : "false");
		mpf__json_frame(out, l.dropped_frame);
		g_string_append_printf(out,
			", \"local\": %s, \"reachable\": %s, \"carried_data\": %s"
			", \"backup_hits\": %" PRIu64 "}",
			l.local ? "true" : "false", l.reachable ? "true" : "false",
			l.carried_data ? "true" : "false", l.backup_hits);
	}
	g_string_append(out, "],\n       \"changes\": [");
	count = mpf_node_get_lisp_change_count(n);
	for (i = 0; i < count; i++) {
		struct mpf_lisp_change c;

		mpf_node_get_lisp_change(n, i, &c, sizeof(c));
		g_string_append_printf(out, "%s{\"kind\": \"%s\", \"frame\": %" PRIu32 ", \"rloc\": ",
			i ? ", " : "", change_names[c.kind % 3], c.frame);
		mpf__json_addr(out, &c.rloc);
		g_string_append_printf(out,
			", \"old_priority\": %u, \"old_weight\": %u, \"priority\": %u"
			", \"weight\": %u}",
			c.old_priority, c.old_weight, c.priority, c.weight);
	}
	g_string_append_printf(out,
		"],\n       \"registers\": %" PRIu64 ", \"notifies\": %" PRIu64
		", \"replies\": %" PRIu64 ", \"requests\": %" PRIu64
		", \"negative\": %" PRIu64 ", \"data_packets\": %" PRIu64
		", \"data_bytes\": %" PRIu64 ", \"to_site_packets\": %" PRIu64
		", \"backup_used\": %" PRIu64 ", \"ttl\": %" PRIu32
		", \"action\": %u, \"acks\": %" PRIu64 ", \"refusals\": %" PRIu64
		", \"refusal_reason\": ",
		st.registers, st.notifies, st.replies, st.requests, st.negative,
		st.data_packets, st.data_bytes, st.to_site_packets, st.backup_used,
		st.ttl, st.action, st.acks, st.refusals);
	mpf__json_uint(out, st.refusals, st.refusal_reason);
	g_string_append(out, ", \"refusal_frame\": ");
	mpf__json_frame(out, st.refusal_frame);
	g_string_append_c(out, '}');
}

void
mpf__json_lisp_ctx(GString *out, const struct mpf_ctx *ctx)
{
	uint32_t i, count = mpf_ctx_get_lisp_unmapped_count(ctx);

	g_string_append(out, ",\n \"lisp_unmapped\": [");
	for (i = 0; i < count; i++) {
		struct mpf_lisp_unmapped u;

		mpf_ctx_get_lisp_unmapped(ctx, i, &u, sizeof(u));
		g_string_append_printf(out, "%s{\"iid\": %" PRIu32 ", \"eid\": ", i ? ", " : "",
			u.iid);
		mpf__json_addr(out, &u.eid);
		g_string_append_printf(out, ", \"packets\": %" PRIu64 ", \"first_frame\": %" PRIu32 "}",
			u.packets, u.first_frame);
	}
	g_string_append_c(out, ']');
}
