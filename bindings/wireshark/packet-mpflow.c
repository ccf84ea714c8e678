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
static expert_field ei_dsn_guessed = EI_INIT;
static expert_field ei_no_mapping = EI_INIT;
static expert_field ei_infinite_map = EI_INIT;
static expert_field ei_key_mismatch = EI_INIT;
static expert_field ei_orphan_join = EI_INIT;
static expert_field ei_bad_option = EI_INIT;
static expert_field ei_fallback = EI_INIT;
static expert_field ei_reinjection = EI_INIT;
static expert_field ei_retransmission = EI_INIT;
static expert_field ei_out_of_order = EI_INIT;
static expert_field ei_dup_dack = EI_INIT;
static expert_field ei_hmac_bad = EI_INIT;
static expert_field ei_csum_bad = EI_INIT;
static expert_field ei_csum_unverifiable = EI_INIT;
static expert_field ei_add_addr_hmac_bad = EI_INIT;
static expert_field ei_add_addr_hmac_legacy = EI_INIT;
static expert_field ei_addr_id_conflict = EI_INIT;
static expert_field ei_subflow_removed = EI_INIT;
static expert_field ei_mapping_ignored = EI_INIT;
static expert_field ei_fastclose_key_bad = EI_INIT;
static expert_field ei_rst_ignored = EI_INIT;
static expert_field ei_sctp_crc_bad = EI_INIT;
static expert_field ei_sctp_retransmission = EI_INIT;
static expert_field ei_sctp_unannounced = EI_INIT;
static expert_field ei_sctp_half = EI_INIT;
static expert_field ei_sctp_merged = EI_INIT;
static expert_field ei_sctp_new_assoc = EI_INIT;
static expert_field ei_sctp_addr_added = EI_INIT;
static expert_field ei_sctp_addr_deleted = EI_INIT;
static expert_field ei_sctp_set_primary = EI_INIT;
static expert_field ei_lisp_no_mapping = EI_INIT;
static expert_field ei_lisp_backup_used = EI_INIT;
static expert_field ei_lisp_unsolicited = EI_INIT;
static expert_field ei_lisp_dropped = EI_INIT;
static expert_field ei_lisp_added = EI_INIT;
static expert_field ei_lisp_priority = EI_INIT;
static expert_field ei_lisp_refused = EI_INIT;

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

/* Which expert info each frame flag of the library raises. */
static const struct {
	unsigned flag;
	expert_field *ei;
} flag_experts[] = {
	{ MPF_MPTCP_FRAME_DSN_GUESSED, &ei_dsn_guessed },
	{ MPF_MPTCP_FRAME_NO_MAPPING, &ei_no_mapping },
	{ MPF_MPTCP_FRAME_INFINITE_MAP, &ei_infinite_map },
	{ MPF_MPTCP_FRAME_KEY_MISMATCH, &ei_key_mismatch },
	{ MPF_MPTCP_FRAME_ORPHAN_JOIN, &ei_orphan_join },
	{ MPF_MPTCP_FRAME_BAD_OPTION, &ei_bad_option },
	{ MPF_MPTCP_FRAME_FALLBACK, &ei_fallback },
	{ MPF_MPTCP_FRAME_REINJECTION, &ei_reinjection },
	{ MPF_MPTCP_FRAME_RETRANSMISSION, &ei_retransmission },
	{ MPF_MPTCP_FRAME_OUT_OF_ORDER, &ei_out_of_order },
	{ MPF_MPTCP_FRAME_DUP_DACK, &ei_dup_dack },
	{ MPF_MPTCP_FRAME_HMAC_BAD, &ei_hmac_bad },
	{ MPF_MPTCP_FRAME_CSUM_BAD, &ei_csum_bad },
	{ MPF_MPTCP_FRAME_CSUM_UNVERIFIABLE, &ei_csum_unverifiable },
	{ MPF_MPTCP_FRAME_ADD_ADDR_HMAC_BAD, &ei_add_addr_hmac_bad },
	{ MPF_MPTCP_FRAME_ADD_ADDR_HMAC_LEGACY, &ei_add_addr_hmac_legacy },
	{ MPF_MPTCP_FRAME_ADDR_ID_CONFLICT, &ei_addr_id_conflict },
	{ MPF_MPTCP_FRAME_SUBFLOW_REMOVED, &ei_subflow_removed },
	{ MPF_MPTCP_FRAME_MAPPING_IGNORED, &ei_mapping_ignored },
	{ MPF_MPTCP_FRAME_FASTCLOSE_KEY_BAD, &ei_fastclose_key_bad },
	{ MPF_MPTCP_FRAME_RST_IGNORED, &ei_rst_ignored },
};

static void
add_mptcp(proto_tree *tree, proto_item *top, tvbuff_t *tvb, packet_info *pinfo,
	  const struct mpf_frame *f, const struct mpf_node *node)
{
	unsigned flags = mpf_frame_get_mptcp_flags(f);
	guint i;
	uint64_t v;
	uint32_t tok, fb;
	int version = mpf_node_get_mptcp_version(node);
	proto_item *it;

	if (version >= 0) {
		it = proto_tree_add_uint(tree, hf_mptcp_version, tvb, 0, 0,
					 (guint32)version);
		proto_item_set_generated(it);
	}
	if (mpf_frame_get_mptcp_dsn(f, &v)) {
		it = proto_tree_add_uint64(tree, hf_mptcp_dsn, tvb, 0, 0, v);
		proto_item_set_generated(it);
		proto_item_append_text(top, ", DSN %" G_GUINT64_FORMAT, v);
	}
	if (mpf_frame_get_mptcp_dack(f, &v)) {
		it = proto_tree_add_uint64(tree, hf_mptcp_dack, tvb, 0, 0, v);
		proto_item_set_generated(it);
	}
	if (mpf_frame_get_mptcp_mapping_frame(f)) {
		it = proto_tree_add_uint(tree, hf_mptcp_mapping_frame, tvb, 0, 0,
					 mpf_frame_get_mptcp_mapping_frame(f));
		proto_item_set_generated(it);
	}
	if (mpf_node_get_mptcp_token(node, MPF_SIDE_CLIENT, &tok)) {
		it = proto_tree_add_uint_format_value(tree, hf_mptcp_token, tvb,
						      0, 0, tok, "%08x (client)",
						      tok);
		proto_item_set_generated(it);
	}
	if (mpf_node_get_mptcp_token(node, MPF_SIDE_SERVER, &tok)) {
		it = proto_tree_add_uint_format_value(tree, hf_mptcp_token, tvb,
						      0, 0, tok, "%08x (server)",
						      tok);
		proto_item_set_generated(it);
	}
	if (mpf_frame_get_mptcp_reinjection_of(f)) {
		it = proto_tree_add_uint(tree, hf_mptcp_reinjection_of, tvb, 0, 0,
					 mpf_frame_get_mptcp_reinjection_of(f));
		proto_item_set_generated(it);
	}
	if (mpf_frame_get_mptcp_reinjected_in(f)) {
		it = proto_tree_add_uint(tree, hf_mptcp_reinjected_in, tvb, 0, 0,
					 mpf_frame_get_mptcp_reinjected_in(f));
		proto_item_set_generated(it);
	}
	for (i = 0; i < array_length(flag_experts); i++)
		if (flags & flag_experts[i].flag)
			expert_add_info(pinfo, top, flag_experts[i].ei);
	(void)fb;
}

static const struct {
	unsigned flag;
	expert_field *ei;
} sctp_experts[] = {
	{ MPF_SCTP_FRAME_CRC_BAD, &ei_sctp_crc_bad },
	{ MPF_SCTP_FRAME_RETRANSMISSION, &ei_sctp_retransmission },
	{ MPF_SCTP_FRAME_UNANNOUNCED, &ei_sctp_unannounced },
	{ MPF_SCTP_FRAME_HALF, &ei_sctp_half },
	{ MPF_SCTP_FRAME_MERGED, &ei_sctp_merged },
	{ MPF_SCTP_FRAME_NEW_ASSOC, &ei_sctp_new_assoc },
	{ MPF_SCTP_FRAME_ADDR_ADDED, &ei_sctp_addr_added },
	{ MPF_SCTP_FRAME_ADDR_DELETED, &ei_sctp_addr_deleted },
	{ MPF_SCTP_FRAME_SET_PRIMARY, &ei_sctp_set_primary },
};

static void
add_sctp(proto_tree *tree, proto_item *top, tvbuff_t *tvb, packet_info *pinfo,
	 const struct mpf_frame *f, const struct mpf_node *node)
{
	unsigned flags = mpf_frame_get_sctp_flags(f), type;
	uint32_t v, chunks = mpf_frame_get_sctp_chunks(f);
	proto_item *it;
	guint i;

	if (mpf_frame_get_sctp_tsn(f, &v)) {
		it = proto_tree_add_uint(tree, hf_sctp_tsn, tvb, 0, 0, v);
		proto_item_set_generated(it);
	}
	if (mpf_frame_get_sctp_cum_ack(f, &v)) {
		it = proto_tree_add_uint(tree, hf_sctp_cum_ack, tvb, 0, 0, v);
		proto_item_set_generated(it);
	}
	for (i = 0; i < 2; i++) {
		if (!mpf_node_get_sctp_vtag(node, (enum mpf_side)i, &v))
			continue;
		it = proto_tree_add_uint_format_value(tree, hf_sctp_vtag, tvb, 0, 0, v,
						      "%08x (%s)", v,
						      i ? "server" : "client");
		proto_item_set_generated(it);
	}
	for (type = 0; type < 256; type++) {
		uint32_t bit = mpf_sctp_chunk_bit(type);

		if (bit == 1u << 31 || !(chunks & bit))
			continue;
		it = proto_tree_add_string(tree, hf_sctp_chunk, tvb, 0, 0,
					   mpf_sctp_chunk_to_string(type));
		proto_item_set_generated(it);
	}
	for (i = 0; i < array_length(sctp_experts); i++)
		if (flags & sctp_experts[i].flag)
			expert_add_info(pinfo, top, sctp_experts[i].ei);
}

static const struct {
	unsigned flag;
	expert_field *ei;
} lisp_experts[] = {
	{ MPF_LISP_FRAME_NO_MAPPING, &ei_lisp_no_mapping },
	{ MPF_LISP_FRAME_BACKUP_USED, &ei_lisp_backup_used },
	{ MPF_LISP_FRAME_UNSOLICITED, &ei_lisp_unsolicited },
	{ MPF_LISP_FRAME_LOCATOR_DROPPED, &ei_lisp_dropped },
	{ MPF_LISP_FRAME_LOCATOR_ADDED, &ei_lisp_added },
	{ MPF_LISP_FRAME_PRIORITY_CHANGED, &ei_lisp_priority },
	{ MPF_LISP_FRAME_REFUSED, &ei_lisp_refused },
};

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
	guint i;

	it = proto_tree_add_string(tree, hf_lisp_type, tvb, 0, 0,
				   mpf_lisp_type_to_string(mpf_frame_get_lisp_type(f)));
	proto_item_set_generated(it);
	if (node && mpf_node_get_lisp_eid_prefix(node, &p, &len)) {
		mpf_node_get_lisp_iid(node, &v);
		it = proto_tree_add_uint(tree, hf_lisp_iid, tvb, 0, 0, v);
		proto_item_set_generated(it);
		/* the value is "addr/len", so that filters match the text */
		g_snprintf(pfx, sizeof(pfx), "%s/%u",
			   mpf_addr_to_string(&p, a, sizeof(a)), len);
		it = proto_tree_add_string(tree, hf_lisp_eid_prefix, tvb, 0, 0,
					   pfx);
		proto_item_set_generated(it);
	}
	if (mpf_frame_get_lisp_nonce(f, &nonce)) {
		it = proto_tree_add_uint64(tree, hf_lisp_nonce, tvb, 0, 0, nonce);
		proto_item_set_generated(it);
	}
	if (mpf_frame_get_lisp_request_frame(f)) {
		it = proto_tree_add_uint(tree, hf_lisp_request_frame, tvb, 0, 0,
					 mpf_frame_get_lisp_request_frame(f));
		proto_item_set_generated(it);
	}
	for (i = 0; i < array_length(lisp_experts); i++)
		if (flags & lisp_experts[i].flag)
			expert_add_info(pinfo, top, lisp_experts[i].ei);
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
	if (!tree || !proto_field_is_referenced(tree, proto_mpflow))
		return 0;
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

	top = proto_tree_add_item(tree, proto_mpflow, tvb, 0, 0, ENC_NA);
	proto_item_set_generated(top);
	if (node)
		proto_item_append_text(top, ": %s node %u",
				       mpf_protocol_to_string(mpf_frame_get_protocol(f)),
				       node_id);
	else
		proto_item_append_text(top, ": %s, no node",
				       mpf_protocol_to_string(mpf_frame_get_protocol(f)));
	sub = proto_item_add_subtree(top, ett_mpflow);
	if (node) {
		it = proto_tree_add_uint(sub, hf_node, tvb, 0, 0, node_id);
		proto_item_set_generated(it);
	}
	if (mpf_frame_get_flow_id(f) != MPF_ID_NONE) {
		it = proto_tree_add_uint(sub, hf_flow, tvb, 0, 0,
					 mpf_frame_get_flow_id(f));
		proto_item_set_generated(it);
	}
	it = proto_tree_add_string(sub, hf_protocol, tvb, 0, 0,
				   mpf_protocol_to_string(mpf_frame_get_protocol(f)));
	proto_item_set_generated(it);
	if (node) {
		it = proto_tree_add_uint(sub, hf_node_flows, tvb, 0, 0,
					 mpf_node_get_flow_count(node));
		proto_item_set_generated(it);
	}
	it = proto_tree_add_string(sub, hf_direction, tvb, 0, 0,
				   mpf_frame_get_direction(f) ==
						   MPF_DIR_CLIENT_TO_SERVER
					   ? "c2s"
					   : "s2c");
	proto_item_set_generated(it);
	if (st != MPF_OK) {
		it = proto_tree_add_string(sub, hf_status, tvb, 0, 0,
					   mpf_status_to_string(st));
		proto_item_set_generated(it);
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
		{ &ei_dsn_guessed,
		  { "mpflow.mptcp.dsn_guessed", PI_SEQUENCE, PI_CHAT,
		    "IDSN not captured: DSN relative to the first one seen",
		    EXPFILL } },
		{ &ei_no_mapping,
		  { "mpflow.mptcp.no_mapping", PI_SEQUENCE, PI_WARN,
		    "No DSS mapping covers this segment", EXPFILL } },
		{ &ei_infinite_map,
		  { "mpflow.mptcp.infinite_mapping", PI_SEQUENCE, PI_NOTE,
		    "Infinite mapping: fallback to TCP", EXPFILL } },
		{ &ei_key_mismatch,
		  { "mpflow.mptcp.key_mismatch", PI_PROTOCOL, PI_WARN,
		    "Echoed keys differ from the handshake's", EXPFILL } },
		{ &ei_orphan_join,
		  { "mpflow.mptcp.orphan_join", PI_PROTOCOL, PI_WARN,
		    "MP_JOIN token of no known connection", EXPFILL } },
		{ &ei_bad_option,
		  { "mpflow.mptcp.bad_option", PI_MALFORMED, PI_ERROR,
		    "MPTCP option length impossible for its subtype",
		    EXPFILL } },
		{ &ei_fallback,
		  { "mpflow.mptcp.fallback", PI_PROTOCOL, PI_NOTE,
		    "Connection falls back to TCP here", EXPFILL } },
		{ &ei_reinjection,
		  { "mpflow.mptcp.reinjection", PI_SEQUENCE, PI_NOTE,
		    "Data sent before: an MPTCP reinjection", EXPFILL } },
		{ &ei_retransmission,
		  { "mpflow.mptcp.retransmission", PI_SEQUENCE, PI_NOTE,
		    "TCP retransmission of mapped data", EXPFILL } },
		{ &ei_out_of_order,
		  { "mpflow.mptcp.out_of_order", PI_SEQUENCE, PI_CHAT,
		    "New data below the highest DSN seen: out of order",
		    EXPFILL } },
		{ &ei_dup_dack,
		  { "mpflow.mptcp.dup_data_ack", PI_SEQUENCE, PI_CHAT,
		    "Duplicate data ack", EXPFILL } },
		{ &ei_hmac_bad,
		  { "mpflow.mptcp.join_hmac_bad", PI_SECURITY, PI_ERROR,
		    "MP_JOIN HMAC does not match the keys", EXPFILL } },
		{ &ei_csum_bad,
		  { "mpflow.mptcp.checksum_bad", PI_CHECKSUM, PI_ERROR,
		    "DSS checksum of the mapping is wrong", EXPFILL } },
		{ &ei_csum_unverifiable,
		  { "mpflow.mptcp.checksum_unverifiable", PI_CHECKSUM, PI_CHAT,
		    "DSS checksum not verifiable: payload not all captured",
		    EXPFILL } },
		{ &ei_add_addr_hmac_bad,
		  { "mpflow.mptcp.add_addr_hmac_bad", PI_SECURITY, PI_ERROR,
		    "ADD_ADDR HMAC does not match the keys", EXPFILL } },
		{ &ei_add_addr_hmac_legacy,
		  { "mpflow.mptcp.add_addr_hmac_legacy", PI_PROTOCOL, PI_NOTE,
		    "ADD_ADDR HMAC in the pre-2020 Linux form", EXPFILL } },
		{ &ei_addr_id_conflict,
		  { "mpflow.mptcp.addr_id_conflict", PI_PROTOCOL, PI_WARN,
		    "ADD_ADDR reuses a live address id for another address",
		    EXPFILL } },
		{ &ei_subflow_removed,
		  { "mpflow.mptcp.subflow_removed", PI_SEQUENCE, PI_NOTE,
		    "REMOVE_ADDR ends a subflow", EXPFILL } },
		{ &ei_mapping_ignored,
		  { "mpflow.mptcp.mapping_ignored", PI_PROTOCOL, PI_NOTE,
		    "DSS mapping on a segment without data: ignored (no "
		    "infinite mapping)", EXPFILL } },
		{ &ei_fastclose_key_bad,
		  { "mpflow.mptcp.fastclose_key_bad", PI_SECURITY, PI_WARN,
		    "MP_FASTCLOSE with a key that is not the receiver's: "
		    "ignored", EXPFILL } },
		{ &ei_rst_ignored,
		  { "mpflow.mptcp.rst_ignored", PI_SEQUENCE, PI_NOTE,
		    "RST its receiver does not take (out of window), or "
		    "MP_TCPRST without RST", EXPFILL } },
		{ &ei_sctp_crc_bad,
		  { "mpflow.sctp.crc_bad", PI_CHECKSUM, PI_ERROR,
		    "Wrong CRC32c: the packet changes nothing", EXPFILL } },
		{ &ei_sctp_retransmission,
		  { "mpflow.sctp.retransmission", PI_SEQUENCE, PI_NOTE,
		    "DATA whose TSN was sent before", EXPFILL } },
		{ &ei_sctp_unannounced,
		  { "mpflow.sctp.unannounced", PI_PROTOCOL, PI_WARN,
		    "Source address never announced (NAT?)", EXPFILL } },
		{ &ei_sctp_half,
		  { "mpflow.sctp.half", PI_SEQUENCE, PI_CHAT,
		    "One side's verification tag not seen yet", EXPFILL } },
		{ &ei_sctp_merged,
		  { "mpflow.sctp.merged", PI_SEQUENCE, PI_NOTE,
		    "Completes an association seen without its handshake",
		    EXPFILL } },
		{ &ei_sctp_new_assoc,
		  { "mpflow.sctp.new_assoc", PI_SEQUENCE, PI_NOTE,
		    "An INIT on the ports and tag of a finished association",
		    EXPFILL } },
		{ &ei_sctp_addr_added,
		  { "mpflow.sctp.addr_added", PI_SEQUENCE, PI_NOTE,
		    "ASCONF adds an address", EXPFILL } },
		{ &ei_sctp_addr_deleted,
		  { "mpflow.sctp.addr_deleted", PI_SEQUENCE, PI_NOTE,
		    "ASCONF deletes an address", EXPFILL } },
		{ &ei_lisp_no_mapping,
		  { "mpflow.lisp.no_mapping", PI_SEQUENCE, PI_WARN,
		    "Data of an EID no known mapping covers", EXPFILL } },
		{ &ei_lisp_backup_used,
		  { "mpflow.lisp.backup_used", PI_SEQUENCE, PI_WARN,
		    "Data sent to a backup locator while a primary is up",
		    EXPFILL } },
		{ &ei_lisp_unsolicited,
		  { "mpflow.lisp.unsolicited_reply", PI_PROTOCOL, PI_WARN,
		    "Map-Reply to no Map-Request seen", EXPFILL } },
		{ &ei_lisp_dropped,
		  { "mpflow.lisp.locator_dropped", PI_SEQUENCE, PI_NOTE,
		    "A record leaves a locator out", EXPFILL } },
		{ &ei_lisp_added,
		  { "mpflow.lisp.locator_added", PI_SEQUENCE, PI_NOTE,
		    "A record brings a new locator", EXPFILL } },
		{ &ei_lisp_priority,
		  { "mpflow.lisp.priority_changed", PI_SEQUENCE, PI_NOTE,
		    "A locator's priority or weight changed", EXPFILL } },
		{ &ei_lisp_refused,
		  { "mpflow.lisp.registration_refused", PI_RESPONSE_CODE, PI_WARN,
		    "The map server refused a registration (NACK)", EXPFILL } },
		{ &ei_sctp_set_primary,
		  { "mpflow.sctp.set_primary", PI_SEQUENCE, PI_NOTE,
		    "ASCONF asks for a new primary address", EXPFILL } },
	};
	module_t *mod;
	expert_module_t *exp;

	proto_mpflow = proto_register_protocol(
		"libmpflow multipath analysis", "mpflow", "mpflow");
	proto_register_field_array(proto_mpflow, hf, array_length(hf));
	proto_register_subtree_array(ett, array_length(ett));
	exp = expert_register_protocol(proto_mpflow);
	expert_register_field_array(exp, ei, array_length(ei));

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
