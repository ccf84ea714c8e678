/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: fuzz target: a short capture through a whole context
 *
 * The input is a sequence of frames, so that state across frames (a
 * handshake, then a join; an INIT, then DATA; a Map-Register, then data)
 * is exercised, not only one frame's parsing:
 *
 *   frame  := link(1) flags(1) length(2, big-endian) bytes(length)
 *   link   := an index into link_types[] (modulo its size; the last entry
 *             is a link type no decoder knows)
 *   flags  := bits 0-1 the time step (0 forward 1 ms, 1 same time, 2 back
 *             one second, 3 forward a day); bit 2 the frame was longer on
 *             the wire (a snapshot-length cut); bit 3 a gap of 1000 in the
 *             frame numbers; bit 4 of the first frame's flags: the whole
 *             run streams (nodes released as they end or idle, a 16 KiB
 *             memory cap, every released node read by the handler);
 *             bit 5 the frame is not fed to the peer (below)
 *
 * A last frame shorter than its length gets what is left. Every backend is
 * on, every frame retained, the log handler installed at debug level (so
 * that every message is formatted); after the last frame every accessor of
 * the public API is read back, as the CLI's reports would. A peer context
 * is fed the same frames (but those of flag bit 5) half a second later, as
 * the other end's capture of the run, and the two are matched
 * (mpf_match_new()), every result read back.
 */
#include "fuzz.h"
#include "mpflow.h"

#define MAX_FRAMES 256

static const int link_types[] = {
	1, 101, 113, 276, 0, 108, 9, 50, 51, 12, 14, 228, 229, 147,
};

static void
log_sink(enum mpf_log_level level, const char *message, void *user)
{
	size_t *n = user;

	/* touch every byte: a message built from garbage must still be a
	 * valid string */
	*n += strlen(message) + (size_t)level;
}

static void
read_frame(const struct mpf_frame *f)
{
	uint64_t v;
	uint32_t t;
	unsigned bit;

	(void)mpf_frame_get_number(f);
	(void)mpf_status_to_string(mpf_frame_get_status(f));
	(void)mpf_protocol_to_string(mpf_frame_get_protocol(f));
	(void)mpf_frame_get_node_id(f);
	(void)mpf_frame_get_flow_id(f);
	(void)mpf_frame_get_direction(f);
	(void)mpf_frame_get_payload_length(f);
	(void)mpf_frame_get_mptcp_dsn(f, &v);
	(void)mpf_frame_get_mptcp_dack(f, &v);
	(void)mpf_frame_get_mptcp_mapping_frame(f);
	(void)mpf_frame_get_mptcp_reinjection_of(f);
	(void)mpf_frame_get_mptcp_reinjected_in(f);
	for (bit = 0; bit < 16; bit++)
		if (mpf_frame_get_mptcp_options(f) & (1u << bit))
			(void)mpf_mptcp_subtype_to_string(bit);
	for (bit = 0; bit < 32; bit++) {
		if (mpf_frame_get_mptcp_flags(f) & (1u << bit))
			(void)mpf_mptcp_frame_flag_to_string(1u << bit);
		if (mpf_frame_get_sctp_flags(f) & (1u << bit))
			(void)mpf_sctp_frame_flag_to_string(1u << bit);
		if (mpf_frame_get_lisp_flags(f) & (1u << bit))
			(void)mpf_lisp_frame_flag_to_string(1u << bit);
	}
	(void)mpf_frame_get_sctp_tsn(f, &t);
	(void)mpf_frame_get_sctp_cum_ack(f, &t);
	(void)mpf_frame_get_sctp_chunks(f);
	(void)mpf_lisp_type_to_string(mpf_frame_get_lisp_type(f));
	(void)mpf_frame_get_lisp_nonce(f, &v);
	(void)mpf_frame_get_lisp_iid(f, &t);
	(void)mpf_frame_get_lisp_request_frame(f);
}

static void
read_flow(const struct mpf_flow *fl)
{
	struct mpf_endpoint src, dst;
	struct mpf_mptcp_flow_stats ms;
	struct mpf_sctp_flow_stats ss;
	char buf[MPF_ADDR_STRLEN];
	uint32_t i, frame;
	bool backup;
	int d;

	(void)mpf_flow_get_id(fl);
	(void)mpf_flow_get_node_id(fl);
	(void)mpf_flow_get_merged_into(fl);
	mpf_flow_get_endpoints(fl, &src, &dst);
	mpf_addr_to_string(&src.addr, buf, sizeof(buf));
	mpf_addr_to_string(&dst.addr, buf, sizeof(buf));
	(void)mpf_flow_get_first_frame(fl);
	(void)mpf_flow_get_last_frame(fl);
	(void)mpf_flow_get_first_time(fl);
	(void)mpf_flow_get_last_time(fl);
	for (d = 0; d < 2; d++) {
		(void)mpf_flow_get_packets(fl, (enum mpf_side)d);
		(void)mpf_flow_get_bytes(fl, (enum mpf_side)d);
		(void)mpf_flow_get_payload_bytes(fl, (enum mpf_side)d);
		(void)mpf_flow_get_mptcp_address_id(fl, (enum mpf_side)d);
		(void)mpf_flow_get_mptcp_stats(fl, (enum mpf_side)d, &ms,
					       sizeof(ms));
	}
	(void)mpf_mptcp_role_to_string(mpf_flow_get_mptcp_role(fl));
	(void)mpf_flow_get_mptcp_established(fl);
	(void)mpf_flow_get_mptcp_src_is_client(fl);
	(void)mpf_flow_get_mptcp_backup(fl);
	(void)mpf_mptcp_hmac_to_string(mpf_flow_get_mptcp_join_hmac(fl));
	(void)mpf_flow_get_mptcp_removed_frame(fl);
	(void)mpf_flow_get_mptcp_reset_reason(fl);
	(void)mpf_flow_get_mptcp_reset_frame(fl);
	for (i = 0; i <= mpf_flow_get_mptcp_prio_count(fl); i++)
		(void)mpf_flow_get_mptcp_prio(fl, i, &frame, &backup);
	(void)mpf_flow_get_sctp_stats(fl, &ss, sizeof(ss));
}

static void
read_node(const struct mpf_node *n)
{
	struct mpf_mptcp_stats ms;
	struct mpf_mptcp_checks mc;
	struct mpf_mptcp_address ma;
	struct mpf_mptcp_evidence me;
	struct mpf_sctp_stats ss;
	struct mpf_sctp_addr sa;
	struct mpf_sctp_primary sp;
	struct mpf_lisp_locator ll;
	struct mpf_lisp_change lc;
	struct mpf_lisp_stats ls;
	struct mpf_addr prefix;
	char buf[MPF_ADDR_STRLEN];
	uint64_t v;
	uint32_t i, t, frame;
	uint8_t len;
	int s, cause;

	(void)mpf_node_get_id(n);
	(void)mpf_protocol_to_string(mpf_node_get_protocol(n));
	(void)mpf_node_get_first_frame(n);
	(void)mpf_node_get_last_frame(n);
	(void)mpf_node_get_first_time(n);
	(void)mpf_node_get_last_time(n);
	(void)mpf_node_get_packets(n);
	(void)mpf_node_get_bytes(n);
	(void)mpf_node_get_merged_into(n);
	/* one past the end too: accessors must say no, not read on */
	for (i = 0; i <= mpf_node_get_flow_count(n); i++) {
		const struct mpf_flow *fl = mpf_node_get_flow(n, i);

		if (fl)
			read_flow(fl);
	}
	(void)mpf_node_get_mptcp_version(n);
	(void)mpf_node_get_mptcp_fallback(n, &frame);
	(void)mpf_mptcp_end_to_string(mpf_node_get_mptcp_end(n, &frame));
	(void)mpf_node_get_mptcp_checksum(n);
	(void)mpf_node_get_mptcp_checks(n, &mc, sizeof(mc));
	(void)mpf_node_get_mptcp_inferred(n);
	for (s = 0; s < 2; s++) {
		(void)mpf_node_get_mptcp_key(n, (enum mpf_side)s, &v);
		(void)mpf_node_get_mptcp_token(n, (enum mpf_side)s, &t);
		(void)mpf_node_get_mptcp_idsn(n, (enum mpf_side)s, &v);
		(void)mpf_node_get_mptcp_stats(n, (enum mpf_side)s, &ms,
					       sizeof(ms));
		(void)mpf_node_get_sctp_port(n, (enum mpf_side)s);
		(void)mpf_node_get_sctp_vtag(n, (enum mpf_side)s, &t);
		(void)mpf_node_get_sctp_stats(n, (enum mpf_side)s, &ss,
					      sizeof(ss));
		for (i = 0; i <= mpf_node_get_sctp_addr_count(n, (enum mpf_side)s);
		     i++)
			if (mpf_node_get_sctp_addr(n, (enum mpf_side)s, i, &sa,
						   sizeof(sa)) == 0)
				mpf_addr_to_string(&sa.addr, buf, sizeof(buf));
	}
	for (i = 0; i <= mpf_node_get_mptcp_address_count(n); i++)
		(void)mpf_node_get_mptcp_address(n, i, &ma, sizeof(ma));
	for (i = 0; i <= mpf_node_get_mptcp_evidence_count(n); i++)
		(void)mpf_node_get_mptcp_evidence(n, i, &me, sizeof(me));
	(void)mpf_sctp_end_to_string(mpf_node_get_sctp_end(n, &frame, &cause));
	(void)mpf_node_get_sctp_half(n);
	for (i = 0; i <= mpf_node_get_sctp_primary_count(n); i++)
		(void)mpf_node_get_sctp_primary(n, i, &sp, sizeof(sp));
	(void)mpf_node_get_lisp_iid(n, &t);
	if (mpf_node_get_lisp_eid_prefix(n, &prefix, &len))
		mpf_addr_to_string(&prefix, buf, sizeof(buf));
	for (i = 0; i <= mpf_node_get_lisp_locator_count(n); i++)
		if (mpf_node_get_lisp_locator(n, i, &ll, sizeof(ll)) == 0)
			mpf_addr_to_string(&ll.rloc, buf, sizeof(buf));
	for (i = 0; i <= mpf_node_get_lisp_change_count(n); i++)
		(void)mpf_node_get_lisp_change(n, i, &lc, sizeof(lc));
	(void)mpf_node_get_lisp_stats(n, &ls, sizeof(ls));
}

/* Two captures of one run: the match of @ctx with @peer, read back. */
static void
read_match(const struct mpf_ctx *ctx, const struct mpf_ctx *peer,
	   bool streaming)
{
	struct mpf_match *m;
	struct mpf_match_connection c;
	struct mpf_match_subflow sf;
	struct mpf_match_packet p;
	struct mpf_match_clock ck;
	uint64_t i, n;
	uint32_t k, j;
	int side, r = mpf_match_new(ctx, peer, &m);

	/* streaming keeps no segment log */
	MPF_FUZZ_CHECK(r == (streaming ? MPF_ERR_INVALID : MPF_OK));
	if (r != MPF_OK)
		return;
	for (k = 0; k <= mpf_match_get_connection_count(m); k++) {
		if (mpf_match_get_connection(m, k, &c, sizeof(c)) != MPF_OK)
			continue;
		(void)mpf_match_how_to_string(c.how);
		for (j = 0; j <= c.subflows; j++)
			if (mpf_match_get_subflow(m, k, j, &sf, sizeof(sf)) == MPF_OK)
				MPF_FUZZ_CHECK(sf.dir[0].matched <= sf.dir[0].sent &&
					       sf.dir[1].matched <= sf.dir[1].received);
	}
	n = mpf_match_get_packet_count(m);
	for (i = 0; i <= n; i++) {
		if (mpf_match_get_packet(m, i, &p, sizeof(p)) != MPF_OK)
			continue;
		MPF_FUZZ_CHECK(p.connection < mpf_match_get_connection_count(m));
		(void)mpf_match_state_to_string(p.state);
		(void)mpf_match_verdict_to_string(p.verdict);
	}
	(void)mpf_match_get_clock(m, &ck, sizeof(ck));
	for (side = 0; side < 2; side++) {
		for (k = 0; k <= mpf_match_get_unmatched_node_count(m, side); k++)
			(void)mpf_match_get_unmatched_node(m, side, k);
		for (k = 0; k <= mpf_match_get_unmatched_flow_count(m, side); k++)
			(void)mpf_match_get_unmatched_flow(m, side, k);
	}
	mpf_match_free(m);
}

static void
on_release(const struct mpf_ctx *ctx, const struct mpf_node *n,
	   enum mpf_release_reason why, void *user)
{
	(void)user;
	MPF_FUZZ_CHECK(mpf_ctx_get_node(ctx, mpf_node_get_id(n)) == n);
	(void)mpf_release_reason_to_string(why);
	read_node(n);
}

int
mpf_fuzz_packet(const uint8_t *data, size_t size)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx, *peer;
	bool streaming = size > 1 && (data[1] & 0x10);
	struct mpf_lisp_unmapped u;
	size_t off = 0, logged = 0;
	uint32_t number = 0, i, frames = 0;
	int64_t ts = 1700000000;
	uint32_t ts_nsec = 0;
	int c;

	if (!cfg)
		return 0;
	mpf_config_set_retain_frames(cfg, true);
	mpf_config_set_segment_log(cfg, true);
	if (streaming) {
		mpf_config_set_streaming(cfg, true);
		mpf_config_set_memory_cap(cfg, 16u << 10);
		mpf_config_set_idle_timeout(cfg, 1);
		mpf_config_set_release_handler(cfg, on_release, NULL);
	}
	mpf_config_set_log_handler(cfg, log_sink, MPF_LOG_DEBUG, &logged);
	ctx = mpf_ctx_new(cfg);
	peer = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	if (!ctx || !peer) {
		mpf_ctx_free(ctx);
		mpf_ctx_free(peer);
		return 0;
	}

	while (off + 4 <= size && frames < MAX_FRAMES) {
		uint8_t link = data[off], flags = data[off + 1];
		size_t len = (size_t)data[off + 2] << 8 | data[off + 3];
		struct mpf_packet pkt;
		const struct mpf_frame *f = NULL;
		uint8_t *copy;
		int r;

		off += 4;
		if (len > size - off)
			len = size - off;
		copy = mpf_fuzz_dup(data + off, len);
		off += len;
		if (!copy)
			break;
		switch (flags & 3) {
		case 0:
			ts_nsec += 1000000;
			if (ts_nsec >= 1000000000) {
				ts_nsec -= 1000000000;
				ts++;
			}
			break;
		case 1:
			break;
		case 2:
			ts--;
			break;
		default:
			ts += 86400;
			break;
		}
		number += (flags & 8) ? 1000 : 1;
		memset(&pkt, 0, sizeof(pkt));
		pkt.number = number;
		pkt.linktype = link_types[link % (sizeof(link_types) /
						  sizeof(link_types[0]))];
		pkt.data = copy;
		pkt.caplen = (uint32_t)len;
		pkt.wirelen = (uint32_t)len + ((flags & 4) ? 64 : 0);
		pkt.ts_sec = ts;
		pkt.ts_nsec = ts_nsec;
		r = mpf_ctx_feed(ctx, &pkt, &f);
		/* the contract: a well-formed call never fails on bad bytes */
		MPF_FUZZ_CHECK(r == MPF_OK);
		MPF_FUZZ_CHECK(f != NULL);
		MPF_FUZZ_CHECK(mpf_frame_get_number(f) == number);
		read_frame(f);
		if (!(flags & 0x20)) {
			pkt.ts_nsec += 500000000;
			if (pkt.ts_nsec >= 1000000000) {
				pkt.ts_nsec -= 1000000000;
				pkt.ts_sec++;
			}
			MPF_FUZZ_CHECK(mpf_ctx_feed(peer, &pkt, NULL) == MPF_OK);
		}
		free(copy);
		frames++;
	}

	/* the second pass: every retained frame, and a few never fed */
	for (i = 0; i <= number + 1; i++) {
		const struct mpf_frame *f = mpf_ctx_get_frame(ctx, i);

		if (f)
			read_frame(f);
	}
	for (i = 0; i <= mpf_ctx_get_node_count(ctx); i++) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, i);

		if (n)
			read_node(n);
	}
	for (i = 0; i <= mpf_ctx_get_flow_count(ctx); i++) {
		const struct mpf_flow *fl = mpf_ctx_get_flow(ctx, i);

		if (fl)
			read_flow(fl);
	}
	for (c = 0; c < MPF_COUNTER_COUNT; c++)
		(void)mpf_ctx_get_counter(ctx, (enum mpf_counter)c);
	MPF_FUZZ_CHECK(mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES) == frames);
	for (i = 0; i <= mpf_ctx_get_lisp_unmapped_count(ctx); i++)
		(void)mpf_ctx_get_lisp_unmapped(ctx, i, &u, sizeof(u));
	read_match(ctx, peer, streaming);
	mpf_ctx_free(ctx);
	mpf_ctx_free(peer);
	return 0;
}

MPF_FUZZ_MAIN(mpf_fuzz_packet)
