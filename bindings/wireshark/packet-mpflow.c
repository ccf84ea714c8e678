/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * \summary: Wireshark/tshark plugin showing libmpflow's results as mpflow.*
 *
 * A postdissector. On the first, in-order pass (!PINFO_FD_VISITED) it feeds
 * each frame's bytes to one libmpflow context, which keeps the frame's
 * result; every visit (that pass, later GUI clicks, tshark -2) only reads
 * the stored result and adds generated fields. A new file or a reload frees
 * the context and makes a new one (init/cleanup routines). There is no
 * protocol logic here: all of it is in the library.
 *
 * This file is GPL-2.0-or-later, as Wireshark plugins must be; libmpflow
 * itself is LGPL-2.1-or-later.
 */
#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/expert.h>
#include <epan/tap.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <wiretap/pcap-encap.h>
#include <wiretap/wtap.h>

#include <mpflow.h>

#ifndef MPFLOW_PLUGIN_VERSION
#define MPFLOW_PLUGIN_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const char plugin_version[] = MPFLOW_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

static int proto_mpflow = -1;
static int expert_tap = -1; /* the expert infos' tap, once found */
static dissector_handle_t mpflow_handle;

static int hf_node = -1;
static int hf_flow = -1;
static int hf_protocol = -1;
static int hf_node_flows = -1;
static int hf_direction = -1;
static int hf_status = -1;
static int hf_mptcp_version = -1;
static int hf_mptcp_dsn = -1;
static int hf_mptcp_dack = -1;
static int hf_mptcp_mapping_frame = -1;
static int hf_mptcp_token = -1;
static int hf_mptcp_reinjection_of = -1;
static int hf_mptcp_reinjected_in = -1;
static int hf_sctp_tsn = -1;
static int hf_sctp_cum_ack = -1;
static int hf_sctp_vtag = -1;
static int hf_sctp_chunk = -1;
static int hf_lisp_type = -1;
static int hf_lisp_iid = -1;
static int hf_lisp_eid_prefix = -1;
static int hf_lisp_nonce = -1;
static int hf_lisp_request_frame = -1;

static gint ett_mpflow = -1;

static expert_field ei_truncated = EI_INIT;
static expert_field ei_malformed = EI_INIT;

/* Preferences: each backend can be switched off. */
static gboolean pref_mptcp = TRUE;
static gboolean pref_sctp = TRUE;
static gboolean pref_lisp = TRUE;

/* The analysis of the open capture file; NULL between files. */
static struct mpf_ctx *ctx;

/*
 * WTAP_ENCAP_ value -> LINKTYPE_ value, for the link types the library
 * decodes (libwiretap exports only the other direction). -1: none.
 */
#define MAX_ENCAP 1024
static int encap_linktype[MAX_ENCAP];

static void
build_encap_table(void)
{
	int lt, i;

	for (i = 0; i < MAX_ENCAP; i++)
		encap_linktype[i] = -1;
	for (lt = 0; lt < 300; lt++) {
		int encap;

		if (!mpf_linktype_is_supported(lt))
			continue;
		encap = wtap_pcap_encap_to_wtap_encap(lt);
		if (encap >= 0 && encap < MAX_ENCAP && encap_linktype[encap] < 0)
			encap_linktype[encap] = lt;
	}
}

static void
mpflow_init(void)
{
	struct mpf_config *cfg = mpf_config_new();
	int missing = 0;

	if (!cfg)
		return;
	/* MPF_ERR_NOT_FOUND: a library built without that backend, which
	 * is off anyway */
	missing += mpf_config_set_backend(cfg, MPF_PROTO_MPTCP, pref_mptcp) != 0;
	missing += mpf_config_set_backend(cfg, MPF_PROTO_SCTP, pref_sctp) != 0;
	missing += mpf_config_set_backend(cfg, MPF_PROTO_LISP, pref_lisp) != 0;
	if (missing)
		g_debug("mpflow: %d backend(s) not in this build", missing);
	mpf_config_set_retain_frames(cfg, TRUE);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
}

static void
mpflow_cleanup(void)
{
	mpf_ctx_free(ctx);
	ctx = NULL;
}

/* First pass: hand the frame to the library. A frame fed twice (a
 * dissection that is not a revisit) keeps its first result. */
static void
feed(tvbuff_t *tvb, packet_info *pinfo)
{
	struct mpf_packet pkt;
	guint caplen = tvb_captured_length(tvb);

	int encap;

	if (!pinfo->rec || pinfo->rec->rec_type != REC_TYPE_PACKET)
		return;
	encap = pinfo->rec->rec_header.packet_header.pkt_encap;
	memset(&pkt, 0, sizeof(pkt));
	pkt.number = pinfo->num;
	/* an encapsulation the library does not decode is still fed, so
	 * that it is counted as unsupported */
	pkt.linktype = encap >= 0 && encap < MAX_ENCAP ? encap_linktype[encap]
						      : -1;
	pkt.data = tvb_get_ptr(tvb, 0, caplen);
	pkt.caplen = caplen;
	pkt.wirelen = pinfo->fd->pkt_len;
	pkt.ts_sec = pinfo->abs_ts.secs;
	pkt.ts_nsec = (uint32_t)pinfo->abs_ts.nsecs;
	/* refused only out of order (a rescan with an earlier number): the
	 * first result of each frame stays */
	if (mpf_ctx_feed(ctx, &pkt, NULL) != MPF_OK)
		return;
}

/*
 * The expert infos, one per frame flag of the library's tables
 * (MPF_*_FRAME_FLAG_MAP in mpflow.h) whose severity is not NONE, with
 * the filter name mpflow.<protocol>.<field> the table keeps stable.
 */
#define MPF_PI_NONE 0 /* a plain fact: no expert info */
#define MPF_PI_CHAT PI_CHAT
#define MPF_PI_NOTE PI_NOTE
#define MPF_PI_WARN PI_WARN
#define MPF_PI_ERROR PI_ERROR

static const struct flag_expert {
	enum mpf_protocol proto;
	unsigned flag;
	int group, severity;
	const char *filter, *text;
} flag_experts[] = {
#define MPTCP_ROW(NAME, bit, group, sev, anomaly, name, field, text)        \
	{ MPF_PROTO_MPTCP, MPF_MPTCP_FRAME_##NAME, PI_##group, MPF_PI_##sev,  \
	  "mpflow.mptcp." field, text },
#define SCTP_ROW(NAME, bit, group, sev, anomaly, name, field, text)         \
	{ MPF_PROTO_SCTP, MPF_SCTP_FRAME_##NAME, PI_##group, MPF_PI_##sev,    \
	  "mpflow.sctp." field, text },
#define LISP_ROW(NAME, bit, group, sev, anomaly, name, field, text)         \
	{ MPF_PROTO_LISP, MPF_LISP_FRAME_##NAME, PI_##group, MPF_PI_##sev,    \
	  "mpflow.lisp." field, text },
	MPF_MPTCP_FRAME_FLAG_MAP(MPTCP_ROW)
	MPF_SCTP_FRAME_FLAG_MAP(SCTP_ROW)
	MPF_LISP_FRAME_FLAG_MAP(LISP_ROW)
#undef MPTCP_ROW
#undef SCTP_ROW
#undef LISP_ROW
};

static expert_field flag_ei[array_length(flag_experts)];
static ei_register_info flag_ei_info[array_length(flag_experts)];

/* Raises the expert info of each of @flags, flags of protocol @proto. */
static void
add_flag_experts(packet_info *pinfo, proto_item *top, enum mpf_protocol proto,
		 unsigned flags)
{
	guint i;

	/* most frames have no flag: skip the walk over the table */
	for (i = 0; flags && i < array_length(flag_experts); i++)
		if (flag_experts[i].proto == proto && flag_experts[i].severity &&
		    (flags & flag_experts[i].flag))
			expert_add_info(pinfo, top, &flag_ei[i]);
}

/* Registers the expert infos of flag_experts[]; Returns: how many. */
static guint
register_flag_experts(void)
{
	guint i, n = 0;

	for (i = 0; i < array_length(flag_experts); i++) {
		const struct flag_expert *e = &flag_experts[i];
		ei_register_info *r = &flag_ei_info[n];

		flag_ei[i] = (expert_field)EI_INIT;
		if (!e->severity)
			continue;
		r->ids = &flag_ei[i];
		r->eiinfo.name = e->filter;
		r->eiinfo.group = e->group;
		r->eiinfo.severity = e->severity;
		r->eiinfo.summary = e->text;
		n++;
	}
	return n;
}

/*
 * Whether to add field @hf: a visible tree shows every field; an
 * invisible one uses only the fields referenced (by a display filter, a
 * column, a tap), and adding the others still costs tshark's item
 * building, more than the library's work per frame. Note that tshark
 * makes the tree visible for -V, -O and also for -T fields, json, ek and
 * pdml, so there every field is added: a dissector cannot tell -T fields
 * -e X from -V -Y X.
 */
#define WANTED(tree, hf) proto_field_is_referenced((tree), (hf))

/*
 * Item labels built here rather than by printf: a visible tree (tshark
 * -V, and also -T fields) formats the label of each item it is given one
 * for, in every frame, and glibc's printf costs more than the rest of the
 * item. The texts are those the printf formats gave.
 */
struct label {
	char s[ITEM_LABEL_LENGTH];
	size_t n; /* < sizeof(s): s[n] is the terminating NUL */
};

/* Empties @l (not the whole buffer: a label is written once, in order) */
static void
label_init(struct label *l)
{
	l->n = 0;
	l->s[0] = '\0';
}

/* Appends @s, cut to what fits. */
static void
label_add(struct label *l, const char *s)
{
	size_t len = strlen(s);

	if (len > sizeof(l->s) - 1 - l->n)
		len = sizeof(l->s) - 1 - l->n;
	memcpy(l->s + l->n, s, len);
	l->n += len;
	l->s[l->n] = '\0';
}

/* Appends @v in decimal, as "%" PRIu64. */
static void
label_add_dec(struct label *l, uint64_t v)
{
	char d[21];
	int i = 20;

	d[20] = '\0';
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	label_add(l, d + i);
}

/* Appends @v as 8 lowercase hex digits, as "%08x". */
static void
label_add_hex32(struct label *l, uint32_t v)
{
	static const char hex[] = "0123456789abcdef";
	char d[9];
	int i;

	for (i = 7; i >= 0; i--, v >>= 4)
		d[i] = hex[v & 0xf];
	d[8] = '\0';
	label_add(l, d);
}

/*
 * Adds @v to field @hf (FT_UINT32) labelled "<name>: %08x (<side>)";
 * Returns: the item.
 */
static proto_item *
add_side_hex(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t v,
	     const char *side)
{
	struct label l;
	proto_item *it;

	if (!PTREE_DATA(tree)->visible) {
		/* no label shown: none made */
		it = proto_tree_add_uint(tree, hf, tvb, 0, 0, v);
	} else {
		label_init(&l);
		label_add(&l, proto_registrar_get_name(hf));
		label_add(&l, ": ");
		label_add_hex32(&l, v);
		label_add(&l, " (");
		label_add(&l, side);
		label_add(&l, ")");
		it = proto_tree_add_uint_format(tree, hf, tvb, 0, 0, v, "%s", l.s);
	}
	proto_item_set_generated(it);
	return it;
}

/*
 * Adds the top item: in a visible tree labelled "<protocol name>: mptcp
 * node 3, DSN 10" (or ", no node"); Returns: the item.
 */
static proto_item *
add_top(proto_tree *tree, tvbuff_t *tvb, const struct mpf_frame *f,
	const struct mpf_node *node, uint32_t node_id)
{
	enum mpf_protocol proto = mpf_frame_get_protocol(f);
	proto_item *top;
	struct label l;
	uint64_t v;

	top = proto_tree_add_item(tree, proto_mpflow, tvb, 0, 0, ENC_NA);
	proto_item_set_generated(top);
	if (!PTREE_DATA(tree)->visible)
		return top;
	/* proto_tree_add_protocol_format would print the text twice */
	label_init(&l);
	label_add(&l, proto_registrar_get_name(proto_mpflow));
	label_add(&l, ": ");
	label_add(&l, mpf_protocol_to_string(proto));
	if (node) {
		label_add(&l, " node ");
		label_add_dec(&l, node_id);
	} else {
		label_add(&l, ", no node");
	}
	if (proto == MPF_PROTO_MPTCP && mpf_frame_get_mptcp_dsn(f, &v)) {
		label_add(&l, ", DSN ");
		label_add_dec(&l, v);
	}
	proto_item_set_text(top, "%s", l.s);
	return top;
}

static void
add_mptcp(proto_tree *tree, proto_item *top, tvbuff_t *tvb, packet_info *pinfo,
	  const struct mpf_frame *f, const struct mpf_node *node)
{
	unsigned flags = mpf_frame_get_mptcp_flags(f);
	uint64_t v;
	uint32_t tok;
	int version;
	proto_item *it;

	version = WANTED(tree, hf_mptcp_version) ? mpf_node_get_mptcp_version(node)
						 : -1;
	if (version >= 0) {
		it = proto_tree_add_uint(tree, hf_mptcp_version, tvb, 0, 0,
					 (guint32)version);
		proto_item_set_generated(it);
	}
	if (WANTED(tree, hf_mptcp_dsn) && mpf_frame_get_mptcp_dsn(f, &v)) {
		it = proto_tree_add_uint64(tree, hf_mptcp_dsn, tvb, 0, 0, v);
		proto_item_set_generated(it);
	}
	if (WANTED(tree, hf_mptcp_dack) && mpf_frame_get_mptcp_dack(f, &v)) {
		it = proto_tree_add_uint64(tree, hf_mptcp_dack, tvb, 0, 0, v);
		proto_item_set_generated(it);
	}
	if (WANTED(tree, hf_mptcp_mapping_frame) &&
	    mpf_frame_get_mptcp_mapping_frame(f)) {
		it = proto_tree_add_uint(tree, hf_mptcp_mapping_frame, tvb, 0, 0,
					 mpf_frame_get_mptcp_mapping_frame(f));
		proto_item_set_generated(it);
	}
	if (WANTED(tree, hf_mptcp_token) &&
	    mpf_node_get_mptcp_token(node, MPF_SIDE_CLIENT, &tok))
		add_side_hex(tree, hf_mptcp_token, tvb, tok, "client");
	if (WANTED(tree, hf_mptcp_token) &&
	    mpf_node_get_mptcp_token(node, MPF_SIDE_SERVER, &tok))
		add_side_hex(tree, hf_mptcp_token, tvb, tok, "server");
	if (WANTED(tree, hf_mptcp_reinjection_of) &&
	    mpf_frame_get_mptcp_reinjection_of(f)) {
		it = proto_tree_add_uint(tree, hf_mptcp_reinjection_of, tvb, 0, 0,
					 mpf_frame_get_mptcp_reinjection_of(f));
		proto_item_set_generated(it);
	}
	if (WANTED(tree, hf_mptcp_reinjected_in) &&
	    mpf_frame_get_mptcp_reinjected_in(f)) {
		it = proto_tree_add_uint(tree, hf_mptcp_reinjected_in, tvb, 0, 0,
					 mpf_frame_get_mptcp_reinjected_in(f));
		proto_item_set_generated(it);
	}
	add_flag_experts(pinfo, top, MPF_PROTO_MPTCP, flags);
}

static void
add_sctp(proto_tree *tree, proto_item *top, tvbuff_t *tvb, packet_info *pinfo,
	 const struct mpf_frame *f, const struct mpf_node *node)
{
	unsigned flags = mpf_frame_get_sctp_flags(f), type;
	uint32_t v, chunks = mpf_frame_get_sctp_chunks(f);
	proto_item *it;
	guint i;
	gboolean chunk_wanted = WANTED(tree, hf_sctp_chunk);

	if (WANTED(tree, hf_sctp_tsn) && mpf_frame_get_sctp_tsn(f, &v)) {
		it = proto_tree_add_uint(tree, hf_sctp_tsn, tvb, 0, 0, v);
		proto_item_set_generated(it);
	}
	if (WANTED(tree, hf_sctp_cum_ack) && mpf_frame_get_sctp_cum_ack(f, &v)) {
		it = proto_tree_add_uint(tree, hf_sctp_cum_ack, tvb, 0, 0, v);
		proto_item_set_generated(it);
	}
	for (i = 0; i < 2 && WANTED(tree, hf_sctp_vtag); i++) {
		if (!mpf_node_get_sctp_vtag(node, (enum mpf_side)i, &v))
			continue;
		add_side_hex(tree, hf_sctp_vtag, tvb, v, i ? "server" : "client");
	}
	for (type = 0; chunk_wanted && type < 256; type++) {
		uint32_t bit = mpf_sctp_chunk_bit(type);

		if (bit == 1u << 31 || !(chunks & bit))
			continue;
		it = proto_tree_add_string(tree, hf_sctp_chunk, tvb, 0, 0,
					   mpf_sctp_chunk_to_string(type));
		proto_item_set_generated(it);
	}
	add_flag_experts(pinfo, top, MPF_PROTO_SCTP, flags);
}

static void
add_lisp(proto_tree *tree, proto_item *top, tvbuff_t *tvb, packet_info *pinfo,
	 const struct mpf_frame *f, const struct mpf_node *node)
{
	unsigned flags = mpf_frame_get_lisp_flags(f);
	struct mpf_addr p;
	char a[MPF_ADDR_STRLEN], pfx[MPF_ADDR_STRLEN + 4];
	uint8_t len;
	uint64_t nonce;
	uint32_t v;
	proto_item *it;

	if (WANTED(tree, hf_lisp_type)) {
		it = proto_tree_add_string(tree, hf_lisp_type, tvb, 0, 0,
					   mpf_lisp_type_to_string(mpf_frame_get_lisp_type(f)));
		proto_item_set_generated(it);
	}
	if ((WANTED(tree, hf_lisp_iid) || WANTED(tree, hf_lisp_eid_prefix)) &&
	    node && mpf_node_get_lisp_eid_prefix(node, &p, &len)) {
		if (WANTED(tree, hf_lisp_iid)) {
			mpf_node_get_lisp_iid(node, &v);
			it = proto_tree_add_uint(tree, hf_lisp_iid, tvb, 0, 0, v);
			proto_item_set_generated(it);
		}
		if (WANTED(tree, hf_lisp_eid_prefix)) {
			/* the value is "addr/len", so that filters match
			 * the text */
			g_snprintf(pfx, sizeof(pfx), "%s/%u",
				   mpf_addr_to_string(&p, a, sizeof(a)), len);
			it = proto_tree_add_string(tree, hf_lisp_eid_prefix,
						   tvb, 0, 0, pfx);
			proto_item_set_generated(it);
		}
	}
	if (WANTED(tree, hf_lisp_nonce) && mpf_frame_get_lisp_nonce(f, &nonce)) {
		it = proto_tree_add_uint64(tree, hf_lisp_nonce, tvb, 0, 0, nonce);
		proto_item_set_generated(it);
	}
	if (WANTED(tree, hf_lisp_request_frame) &&
	    mpf_frame_get_lisp_request_frame(f)) {
		it = proto_tree_add_uint(tree, hf_lisp_request_frame, tvb, 0, 0,
					 mpf_frame_get_lisp_request_frame(f));
		proto_item_set_generated(it);
	}
	add_flag_experts(pinfo, top, MPF_PROTO_LISP, flags);
}

/* The expert infos of this frame's flags, on no item. */
static void
add_experts_only(packet_info *pinfo)
{
	const struct mpf_frame *f = mpf_ctx_get_frame(ctx, pinfo->num);
	enum mpf_protocol proto = mpf_frame_get_protocol(f);
	unsigned flags = 0;

	if (proto == MPF_PROTO_MPTCP)
		flags = mpf_frame_get_mptcp_flags(f);
	else if (proto == MPF_PROTO_SCTP)
		flags = mpf_frame_get_sctp_flags(f);
	else if (proto == MPF_PROTO_LISP)
		flags = mpf_frame_get_lisp_flags(f);
	if (flags)
		add_flag_experts(pinfo, NULL, proto, flags);
}

static int
dissect_mpflow(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
	       void *data _U_)
{
	const struct mpf_frame *f;
	const struct mpf_node *node;
	proto_tree *sub;
	proto_item *top, *it;
	uint32_t node_id;
	int st;

	if (!ctx)
		return 0;
	if (!PINFO_FD_VISITED(pinfo))
		feed(tvb, pinfo);
	/* items only when someone looks: no tree (tshark printing nothing
	 * of a packet), or a tree that shows nothing of ours (fields of
	 * other protocols; a reference to any mpflow field or a visible
	 * tree marks the protocol) costs the feed alone */
	if (!tree || !proto_field_is_referenced(tree, proto_mpflow)) {
		/* no item wanted; the expert tap (tshark -z expert) still
		 * hears of the frame's anomalies, with no item to hang on */
		if (expert_tap < 0)
			expert_tap = find_tap_id("expert");
		if (expert_tap >= 0 && have_tap_listener(expert_tap))
			add_experts_only(pinfo);
		return 0;
	}
	f = mpf_ctx_get_frame(ctx, pinfo->num);
	if (!f)
		return 0;
	node_id = mpf_frame_get_node_id(f);
	st = mpf_frame_get_status(f);
	if (node_id == MPF_ID_NONE &&
	    !(mpf_frame_get_protocol(f) == MPF_PROTO_LISP &&
	      (mpf_frame_get_lisp_flags(f) & MPF_LISP_FRAME_NO_MAPPING)))
		return 0;
	node = node_id == MPF_ID_NONE ? NULL : mpf_ctx_get_node(ctx, node_id);

	/* always a real item (the protocol is referenced): the expert
	 * infos hang on it and flag it */
	top = add_top(tree, tvb, f, node, node_id);
	sub = proto_item_add_subtree(top, ett_mpflow);
	if (node && WANTED(tree, hf_node)) {
		it = proto_tree_add_uint(sub, hf_node, tvb, 0, 0, node_id);
		proto_item_set_generated(it);
	}
	if (WANTED(tree, hf_flow) && mpf_frame_get_flow_id(f) != MPF_ID_NONE) {
		it = proto_tree_add_uint(sub, hf_flow, tvb, 0, 0,
					 mpf_frame_get_flow_id(f));
		proto_item_set_generated(it);
	}
	if (WANTED(tree, hf_protocol)) {
		it = proto_tree_add_string(sub, hf_protocol, tvb, 0, 0,
					   mpf_protocol_to_string(mpf_frame_get_protocol(f)));
		proto_item_set_generated(it);
	}
	if (node && WANTED(tree, hf_node_flows)) {
		it = proto_tree_add_uint(sub, hf_node_flows, tvb, 0, 0,
					 mpf_node_get_flow_count(node));
		proto_item_set_generated(it);
	}
	if (WANTED(tree, hf_direction)) {
		it = proto_tree_add_string(sub, hf_direction, tvb, 0, 0,
					   mpf_frame_get_direction(f) ==
							   MPF_SIDE_CLIENT
						   ? "c2s"
						   : "s2c");
		proto_item_set_generated(it);
	}
	if (st != MPF_OK) {
		if (WANTED(tree, hf_status)) {
			it = proto_tree_add_string(sub, hf_status, tvb, 0, 0,
						   mpf_status_to_string(st));
			proto_item_set_generated(it);
		}
		if (st == MPF_ERR_TRUNCATED)
			expert_add_info(pinfo, top, &ei_truncated);
		else if (st == MPF_ERR_MALFORMED)
			expert_add_info(pinfo, top, &ei_malformed);
	}
	if (mpf_frame_get_protocol(f) == MPF_PROTO_MPTCP)
		add_mptcp(sub, top, tvb, pinfo, f, node);
	else if (mpf_frame_get_protocol(f) == MPF_PROTO_SCTP)
		add_sctp(sub, top, tvb, pinfo, f, node);
	else if (mpf_frame_get_protocol(f) == MPF_PROTO_LISP)
		add_lisp(sub, top, tvb, pinfo, f, node);
	return 0;
}

static void
proto_register_mpflow(void)
{
	static hf_register_info hf[] = {
		{ &hf_node,
		  { "Node", "mpflow.node", FT_UINT32, BASE_DEC, NULL, 0x0,
		    "libmpflow node (an MPTCP connection)", HFILL } },
		{ &hf_flow,
		  { "Flow", "mpflow.flow", FT_UINT32, BASE_DEC, NULL, 0x0,
		    "libmpflow flow (an MPTCP subflow)", HFILL } },
		{ &hf_protocol,
		  { "Protocol", "mpflow.protocol", FT_STRING, BASE_NONE, NULL,
		    0x0, "Backend that owns the node", HFILL } },
		{ &hf_node_flows,
		  { "Flows in node", "mpflow.node.flows", FT_UINT32, BASE_DEC,
		    NULL, 0x0, "Flows of the node so far", HFILL } },
		{ &hf_direction,
		  { "Direction", "mpflow.direction", FT_STRING, BASE_NONE, NULL,
		    0x0, "c2s: from the side that opened the node", HFILL } },
		{ &hf_status,
		  { "Status", "mpflow.status", FT_STRING, BASE_NONE, NULL, 0x0,
		    "How the frame decoded", HFILL } },
		{ &hf_mptcp_version,
		  { "MPTCP version", "mpflow.mptcp.version", FT_UINT8, BASE_DEC,
		    NULL, 0x0, NULL, HFILL } },
		{ &hf_mptcp_dsn,
		  { "Data sequence number", "mpflow.mptcp.dsn", FT_UINT64,
		    BASE_DEC, NULL, 0x0,
		    "Relative DSN of the first payload byte", HFILL } },
		{ &hf_mptcp_dack,
		  { "Data ack", "mpflow.mptcp.dack", FT_UINT64, BASE_DEC, NULL,
		    0x0, "Relative data ack", HFILL } },
		{ &hf_mptcp_mapping_frame,
		  { "Mapping in frame", "mpflow.mptcp.mapping_frame",
		    FT_FRAMENUM, BASE_NONE, NULL, 0x0,
		    "Frame whose DSS mapping covers this segment", HFILL } },
		{ &hf_mptcp_token,
		  { "Token", "mpflow.mptcp.token", FT_UINT32, BASE_HEX, NULL,
		    0x0, "Token of the client, then of the server", HFILL } },
		{ &hf_mptcp_reinjection_of,
		  { "Reinjection of", "mpflow.mptcp.reinjection_of",
		    FT_FRAMENUM, BASE_NONE, NULL, 0x0,
		    "Frame that first carried this data (on another subflow, "
		    "or on this one at another subflow sequence number)",
		    HFILL } },
		{ &hf_sctp_tsn,
		  { "TSN", "mpflow.sctp.tsn", FT_UINT32, BASE_DEC, NULL, 0x0,
		    "First DATA / I-DATA TSN of the packet", HFILL } },
		{ &hf_sctp_cum_ack,
		  { "Cumulative TSN ack", "mpflow.sctp.cum_ack", FT_UINT32,
		    BASE_DEC, NULL, 0x0, "The SACK's cumulative TSN ack", HFILL } },
		{ &hf_sctp_vtag,
		  { "Verification tag", "mpflow.sctp.vtag", FT_UINT32, BASE_HEX,
		    NULL, 0x0, "The tag each side chose: client, then server",
		    HFILL } },
		{ &hf_sctp_chunk,
		  { "Chunk", "mpflow.sctp.chunk", FT_STRING, BASE_NONE, NULL, 0x0,
		    "Chunk types in the packet", HFILL } },
		{ &hf_lisp_type,
		  { "LISP message", "mpflow.lisp.type", FT_STRING, BASE_NONE,
		    NULL, 0x0, "Control message type, or data", HFILL } },
		{ &hf_lisp_iid,
		  { "Instance ID", "mpflow.lisp.iid", FT_UINT32, BASE_DEC, NULL,
		    0x0, "The site's instance id", HFILL } },
		{ &hf_lisp_eid_prefix,
		  { "EID prefix", "mpflow.lisp.eid_prefix", FT_STRING, BASE_NONE,
		    NULL, 0x0, "The site (longest prefix of the inner source)",
		    HFILL } },
		{ &hf_lisp_nonce,
		  { "Nonce", "mpflow.lisp.nonce", FT_UINT64, BASE_HEX, NULL, 0x0,
		    NULL, HFILL } },
		{ &hf_lisp_request_frame,
		  { "Request in frame", "mpflow.lisp.request_frame", FT_FRAMENUM,
		    BASE_NONE, NULL, 0x0,
		    "The Map-Request (or Map-Register) this answers", HFILL } },
		{ &hf_mptcp_reinjected_in,
		  { "Reinjected in", "mpflow.mptcp.reinjected_in",
		    FT_FRAMENUM, BASE_NONE, NULL, 0x0,
		    "Frame that sent this data again (known on later passes)",
		    HFILL } },
	};
	static gint *ett[] = { &ett_mpflow };
	static ei_register_info ei[] = {
		{ &ei_truncated,
		  { "mpflow.truncated", PI_MALFORMED, PI_NOTE,
		    "Frame cut by the capture inside a header or option",
		    EXPFILL } },
		{ &ei_malformed,
		  { "mpflow.malformed", PI_MALFORMED, PI_ERROR,
		    "Header or option fields contradict each other", EXPFILL } },
	};
	module_t *mod;
	expert_module_t *exp;

	proto_mpflow = proto_register_protocol(
		"libmpflow multipath analysis", "mpflow", "mpflow");
	proto_register_field_array(proto_mpflow, hf, array_length(hf));
	proto_register_subtree_array(ett, array_length(ett));
	exp = expert_register_protocol(proto_mpflow);
	expert_register_field_array(exp, ei, array_length(ei));
	expert_register_field_array(exp, flag_ei_info, register_flag_experts());

	mod = prefs_register_protocol(proto_mpflow, NULL);
	prefs_register_bool_preference(mod, "mptcp", "Analyse MPTCP",
				       "Group TCP subflows into MPTCP "
				       "connections with libmpflow",
				       &pref_mptcp);
	prefs_register_bool_preference(mod, "sctp", "Analyse SCTP",
				       "Group SCTP paths into associations "
				       "with libmpflow",
				       &pref_sctp);
	prefs_register_bool_preference(mod, "lisp", "Analyse LISP",
				       "Tie LISP data to the sites their "
				       "mappings announce, with libmpflow",
				       &pref_lisp);

	build_encap_table();
	mpflow_handle = register_dissector("mpflow", dissect_mpflow,
					   proto_mpflow);
	register_init_routine(mpflow_init);
	register_cleanup_routine(mpflow_cleanup);
	register_postdissector(mpflow_handle);
}

static void
proto_reg_handoff_mpflow(void)
{
}

void
plugin_register(void)
{
	static proto_plugin plug;

	plug.register_protoinfo = proto_register_mpflow;
	plug.register_handoff = proto_reg_handoff_mpflow;
	proto_register_plugin(&plug);
}
