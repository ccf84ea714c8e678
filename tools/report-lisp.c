/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: what mpflow prints of a LISP site (its JSON keys:
 * lib/summary-lisp.c)
 */
#include <inttypes.h>
#include <string.h>

#include "report.h"

static const char *
prefix_str(const struct mpf_node *n, char *buf, size_t len)
{
	struct mpf_addr p;
	uint8_t l = 0;
	char a[MPF_ADDR_STRLEN];

	mpf_node_get_lisp_eid_prefix(n, &p, &l);
	snprintf(buf, len, "%s/%u", mpf_addr_to_string(&p, a, sizeof(a)), l);
	return buf;
}

static const char *const change_names[] = { "added", "dropped", "priority" };

static const char *
refusal_name(unsigned reason)
{
	switch (reason) {
	case 1: return "not a valid site EID prefix";
	case 2: return "authentication failure";
	case 3: return "locator set not allowed";
	case 4: return "reason not specified";
	default: return "unknown reason";
	}
}

void
report_lisp_text_title(FILE *out, const struct mpf_node *n)
{
	char buf[MPF_ADDR_STRLEN + 8];
	uint32_t iid = 0;

	mpf_node_get_lisp_iid(n, &iid);
	fprintf(out, "  [%" PRIu32 "] %s", iid, prefix_str(n, buf, sizeof(buf)));
}

void
report_lisp_text_node(FILE *out, const struct mpf_node *n)
{
	uint32_t i, count = mpf_node_get_lisp_locator_count(n);
	uint32_t nflows = mpf_node_get_flow_count(n);
	struct mpf_lisp_stats st;
	char a[MPF_ADDR_STRLEN], hb[32], se[64], de[64];
	int ws = 6, wd = 11;

	mpf_node_get_lisp_stats(n, &st, sizeof(st));
	fprintf(out,
		"  records %" PRIu64 " Map-Register, %" PRIu64 " Map-Notify, %" PRIu64
		" Map-Reply; %" PRIu64 " Map-Requests for it; data %" PRIu64
		" packets out, %" PRIu64 " in",
		st.registers, st.notifies, st.replies, st.requests,
		st.data_packets, st.to_site_packets);
	if (st.backup_used)
		fprintf(out, " (%" PRIu64 " to a backup locator)", st.backup_used);
	fputc('\n', out);
	if (st.acks || st.refusals) {
		fprintf(out, "  registration over TCP: %" PRIu64 " accepted, %" PRIu64
			     " refused",
			st.acks, st.refusals);
		if (st.refusals)
			fprintf(out, " (latest frame %" PRIu32 ": %s)",
				st.refusal_frame, refusal_name(st.refusal_reason));
		fputc('\n', out);
	}
	for (i = 0; i < count; i++) {
		struct mpf_lisp_locator l;

		mpf_node_get_lisp_locator(n, i, &l, sizeof(l));
		fprintf(out, "  %s  %-15s priority %3u weight %3u  from frame %" PRIu32,
			i ? "       " : "locator",
			mpf_addr_to_string(&l.rloc, a, sizeof(a)), l.priority,
			l.weight, l.first_frame);
		if (l.dropped_frame)
			fprintf(out, ", DROPPED at frame %" PRIu32, l.dropped_frame);
		if (!l.carried_data)
			fputs(", carried no data", out);
		if (l.backup_hits)
			fprintf(out, ", %" PRIu64 " packets sent to it as a backup",
				l.backup_hits);
		fputc('\n', out);
	}
	count = mpf_node_get_lisp_change_count(n);
	for (i = 0; i < count; i++) {
		struct mpf_lisp_change c;

		mpf_node_get_lisp_change(n, i, &c, sizeof(c));
		fprintf(out, "  %s  frame %" PRIu32 ": %s %s",
			i ? "       " : "changes", c.frame,
			mpf_addr_to_string(&c.rloc, a, sizeof(a)),
			change_names[c.kind % 3]);
		if (c.kind == MPF_LISP_LOCATOR_PRIORITY)
			fprintf(out, " %u/%u -> %u/%u", c.old_priority, c.old_weight,
				c.priority, c.weight);
		fputc('\n', out);
	}
	if (!nflows)
		return;
	report_endpoint_widths(n, &ws, &wd);
	fprintf(out, "  %5s  %-*s    %-*s  %8s  %10s  %s\n", "flow", ws,
		"site RLOC", wd, "remote RLOC", "packets", "bytes", "frames");
	for (i = 0; i < nflows; i++) {
		const struct mpf_flow *f = mpf_node_get_flow(n, i);
		struct mpf_endpoint s, d;

		mpf_flow_get_endpoints(f, &s, &d);
		fprintf(out, "  %5" PRIu32 "  %-*s -> %-*s  %8" PRIu64 "  %10s  %" PRIu32
			     "-%" PRIu32 "\n",
			mpf_flow_get_id(f), ws,
			mpf_addr_to_string(&s.addr, se, sizeof(se)), wd,
			mpf_addr_to_string(&d.addr, de, sizeof(de)),
			mpf_flow_get_packets(f, MPF_SIDE_CLIENT),
			report_bytes(mpf_flow_get_bytes(f, MPF_SIDE_CLIENT), hb,
				     sizeof(hb)),
			mpf_flow_get_first_frame(f), mpf_flow_get_last_frame(f));
	}
}

void
report_lisp_frame_names(unsigned bits, bool flags, report_name_func fn,
			void *user)
{
	unsigned i;

	if (!flags) {
		fn(mpf_lisp_type_to_string((int)bits), user);
		return;
	}
	bits &= ~(unsigned)MPF_LISP_FRAME_DATA;
	for (i = 0; i < 32; i++)
		if (bits & 1u << i)
			fn(mpf_lisp_frame_flag_to_string(1u << i), user);
}
