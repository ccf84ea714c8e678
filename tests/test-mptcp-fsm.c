/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The MPTCP state machines of fsm.c, transition by transition: every
 * (state, event) pair of the subflow machine and of the connection
 * machine against the transitions listed here from RFC 8684 and RFC 9293
 * (anything not listed must stay put); the validity of MP_CAPABLE that
 * decides a fallback in the handshake, option by option; and which RST
 * a receiver takes.
 */
#include <stdio.h>
#include <string.h>

#include "backends/mptcp/mptcp-int.h"
#include "mpf-test.h"

static const char *const sf_events[SF_EV_COUNT] = {
	"syn", "synack", "refused", "establish", "fallback", "fin",
	"fin_both", "rst",
};

static const char *const conn_events[CONN_EV_COUNT] = {
	"syn", "synack", "establish", "fallback", "data_fin", "data_fin_both",
	"fastclose",
};

/* "from event to", one a line: every move the subflow machine makes. */
static const char *const sf_moves[] = {
	/* the handshake (RFC 8684 3.1, 3.2); a SYN/ACK or third ACK may be
	 * the first frame the capture has */
	"none syn syn_sent", "none synack syn_received",
	"none refused rejected", "none establish established",
	"none fallback fallback", "syn_sent synack syn_received",
	"syn_sent refused rejected", "syn_sent establish established",
	"syn_sent fallback fallback", "syn_received refused rejected",
	"syn_received establish established",
	"syn_received fallback fallback",
	/* a join found bad late, a fallback after data (RFC 8684 3.7) */
	"established refused rejected", "established fallback fallback",
	/* the TCP end (RFC 9293): FIN one way, both ways, RST */
	"none fin closing", "syn_sent fin closing", "syn_received fin closing",
	"established fin closing", "fallback fin closing",
	"rejected fin closing", "none fin_both closed",
	"syn_sent fin_both closed", "syn_received fin_both closed",
	"established fin_both closed", "fallback fin_both closed",
	"rejected fin_both closed", "closing fin_both closed",
	"none rst reset", "syn_sent rst reset", "syn_received rst reset",
	"established rst reset", "fallback rst reset", "rejected rst reset",
	"closing rst reset",
};

/* Every move the connection machine makes. */
static const char *const conn_moves[] = {
	"none syn syn_sent", "none synack syn_received",
	"none establish established", "none fallback fallback",
	"none data_fin closing", "none data_fin_both closed",
	"none fastclose fastclose", "syn_sent synack syn_received",
	"syn_sent establish established", "syn_sent fallback fallback",
	"syn_sent data_fin closing", "syn_sent data_fin_both closed",
	"syn_sent fastclose fastclose", "syn_received establish established",
	"syn_received fallback fallback", "syn_received data_fin closing",
	"syn_received data_fin_both closed",
	"syn_received fastclose fastclose", "established fallback fallback",
	"established data_fin closing", "established data_fin_both closed",
	"established fastclose fastclose", "closing fallback fallback",
	"closing data_fin_both closed", "closing fastclose fastclose",
};

static const char *
listed(const char *const *moves, size_t n, const char *from, const char *ev)
{
	static char to[32];
	size_t i;

	for (i = 0; i < n; i++) {
		char f[32], e[32];

		if (sscanf(moves[i], "%31s %31s %31s", f, e, to) != 3)
			ck_abort_msg("bad line %s", moves[i]);
		if (!strcmp(f, from) && !strcmp(e, ev))
			return to;
	}
	return NULL;
}

START_TEST(test_subflow_table)
{
	unsigned st, ev, moves = 0;

	for (st = 0; st <= MPF_MPTCP_STATE_FASTCLOSE; st++) {
		for (ev = 0; ev < SF_EV_COUNT; ev++) {
			const char *from = mpf_mptcp_state_to_string(st);
			const char *want = listed(sf_moves, G_N_ELEMENTS(sf_moves),
						  from, sf_events[ev]);
			uint8_t to = mpf__mptcp_sf_next((uint8_t)st,
						       (enum sf_event)ev);

			ck_assert_msg(!strcmp(mpf_mptcp_state_to_string(to),
					      want ? want : from),
				      "subflow %s on %s: %s, want %s", from,
				      sf_events[ev], mpf_mptcp_state_to_string(to),
				      want ? want : from);
			moves += want != NULL;
		}
	}
	ck_assert_uint_eq(moves, G_N_ELEMENTS(sf_moves));
	/* out of range stays */
	ck_assert_uint_eq(mpf__mptcp_sf_next(200, SF_EV_SYN), 200);
	ck_assert_uint_eq(mpf__mptcp_sf_next(0, SF_EV_COUNT), 0);
}
END_TEST

START_TEST(test_connection_table)
{
	unsigned st, ev, moves = 0;

	for (st = 0; st <= MPF_MPTCP_STATE_FASTCLOSE; st++) {
		for (ev = 0; ev < CONN_EV_COUNT; ev++) {
			const char *from = mpf_mptcp_state_to_string(st);
			const char *want = listed(conn_moves,
						  G_N_ELEMENTS(conn_moves), from,
						  conn_events[ev]);
			uint8_t to = mpf__mptcp_conn_next((uint8_t)st,
							 (enum conn_event)ev);

			ck_assert_msg(!strcmp(mpf_mptcp_state_to_string(to),
					      want ? want : from),
				      "connection %s on %s: %s, want %s", from,
				      conn_events[ev],
				      mpf_mptcp_state_to_string(to),
				      want ? want : from);
			moves += want != NULL;
		}
	}
	ck_assert_uint_eq(moves, G_N_ELEMENTS(conn_moves));
}
END_TEST

/* The record of a machine: each move once, with its frame; a late
 * verdict amends the move made at its frame. */
START_TEST(test_record)
{
	struct fsm m;
	uint32_t i;

	memset(&m, 0, sizeof(m));
	m.state = MPF_MPTCP_STATE_SYN_SENT;
	m.t[0].frame = 1;
	m.t[0].state = MPF_MPTCP_STATE_SYN_SENT;
	m.n = 1;
	m.t[1].frame = 4;
	m.t[1].state = MPF_MPTCP_STATE_SYN_RECEIVED;
	m.t[2].frame = 5;
	m.t[2].state = MPF_MPTCP_STATE_ESTABLISHED;
	m.n = 3;
	m.state = MPF_MPTCP_STATE_ESTABLISHED;
	mpf__mptcp_fsm_amend(&m, 5, MPF_MPTCP_STATE_REJECTED);
	ck_assert_uint_eq(m.state, MPF_MPTCP_STATE_REJECTED);
	ck_assert_uint_eq(m.t[2].state, MPF_MPTCP_STATE_REJECTED);
	/* refused at the SYN/ACK: the third ACK moves it no more */
	mpf__mptcp_fsm_amend(&m, 4, MPF_MPTCP_STATE_REJECTED);
	ck_assert_uint_eq(m.t[1].state, MPF_MPTCP_STATE_REJECTED);
	ck_assert_uint_eq(m.n, 2);
	ck_assert_uint_eq(m.state, MPF_MPTCP_STATE_REJECTED);
	/* a reset after it stays */
	m.t[2].frame = 9;
	m.t[2].state = MPF_MPTCP_STATE_RESET;
	m.n = 3;
	m.state = MPF_MPTCP_STATE_RESET;
	m.t[1].state = MPF_MPTCP_STATE_SYN_RECEIVED;
	mpf__mptcp_fsm_amend(&m, 4, MPF_MPTCP_STATE_REJECTED);
	ck_assert_uint_eq(m.n, 3);
	ck_assert_uint_eq(m.t[2].state, MPF_MPTCP_STATE_RESET);
	ck_assert_uint_eq(m.state, MPF_MPTCP_STATE_RESET);
	mpf__mptcp_fsm_amend(&m, 99, MPF_MPTCP_STATE_CLOSED); /* none there */
	for (i = 0; i < m.n; i++)
		ck_assert_uint_ne(m.t[i].state, MPF_MPTCP_STATE_CLOSED);
}
END_TEST

/* ------------------------------------------------------- MP_CAPABLE */

struct mpc_case {
	const char *what;
	uint8_t len, ver, flags;
	bool syn, ack, payload;
	int version; /* of the handshake so far, -1 unknown */
	bool valid;
};

static const struct mpc_case mpc_cases[] = {
	{ "v1 SYN", 4, 1, 0x01, true, false, false, -1, true },
	{ "v1 SYN with checksum", 4, 1, 0x81, true, false, false, -1, true },
	{ "v1 SYN, B flag", 4, 1, 0x41, true, false, false, -1, false },
	{ "v1 SYN, no H", 4, 1, 0x00, true, false, false, -1, false },
	{ "v1 SYN with a key", 12, 1, 0x01, true, false, false, -1, false },
	{ "v0 SYN with its key", 12, 0, 0x01, true, false, false, -1, true },
	{ "SYN/ACK", 12, 1, 0x01, true, true, false, 1, true },
	{ "SYN/ACK, C flag", 12, 1, 0x21, true, true, false, 1, true },
	{ "SYN/ACK, B flag", 12, 1, 0x41, true, true, false, 1, false },
	{ "SYN/ACK, flags 0", 12, 1, 0x00, true, true, false, 1, false },
	{ "SYN/ACK, another algorithm", 12, 1, 0x03, true, true, false, 1, false },
	{ "SYN/ACK v0 to a v1 SYN", 12, 0, 0x01, true, true, false, 1, false },
	{ "SYN/ACK v1 to a v0 SYN", 12, 1, 0x01, true, true, false, 0, false },
	{ "SYN/ACK without a key", 4, 1, 0x01, true, true, false, 1, false },
	{ "SYN/ACK, no SYN seen", 12, 1, 0x01, true, true, false, -1, true },
	{ "third ACK", 20, 1, 0x01, false, true, false, 1, true },
	{ "third ACK, B flag", 20, 1, 0x41, false, true, false, 1, false },
	{ "third ACK, flags 0", 20, 1, 0x00, false, true, false, 1, false },
	{ "third ACK, version 0", 20, 0, 0x01, false, true, false, 1, false },
	{ "third ACK with one key", 12, 1, 0x01, false, true, false, 1, false },
	{ "first data", 22, 1, 0x01, false, true, true, 1, true },
	{ "first data, checksum", 24, 1, 0x81, false, true, true, 1, true },
	{ "first data without its length", 20, 1, 0x01, false, true, true, 1,
	  false },
	{ "a data length without data", 22, 1, 0x01, false, true, false, 1,
	  false },
	{ "v0 third ACK with data", 20, 0, 0x01, false, true, true, 0, true },
};

START_TEST(test_mpc_valid)
{
	const struct mpc_case *k = &mpc_cases[_i];
	struct mpf_mptcp_opt o;

	memset(&o, 0, sizeof(o));
	o.subtype = MPF_MPTCP_SUB_CAPABLE;
	o.len = o.cap = k->len;
	o.u.mpc.version = k->ver;
	o.u.mpc.flags = k->flags;
	ck_assert_msg(mpf__mptcp_mpc_valid(&o, k->syn, k->ack, k->payload,
					   k->version) == k->valid,
		      "%s", k->what);
	/* cut before its flags: nothing says it is not valid */
	o.cap = 3;
	ck_assert(mpf__mptcp_mpc_valid(&o, k->syn, k->ack, k->payload,
				       k->version));
}
END_TEST

/* ------------------------------------------------------------- RST */

static struct mpf_pkt
rst_pkt(uint32_t seq, bool ack, uint32_t ackno)
{
	struct mpf_pkt p;

	memset(&p, 0, MPF_PKT_RESET_SIZE);
	p.seq = seq;
	p.ack = ackno;
	p.tcp_flags = MPF_TCP_RST | (ack ? MPF_TCP_ACK : 0);
	return p;
}

/* One way sent [ISN, ISN + 1002), the other acked up to ISN + 502. */
START_TEST(test_rst_verdict)
{
	struct sub s;
	struct mpf_pkt p;

	memset(&s, 0, sizeof(s));
	s.dir[0].isn_known = s.dir[1].isn_known = true;
	s.dir[0].isn = 1000;
	s.dir[1].isn = 7000;
	s.dir[0].nxt_seen = true;
	s.dir[0].snd_nxt = 1002;
	s.dir[0].seq_ref = 1001;
	s.dir[1].ack_seen = true;
	s.dir[1].ack_max = 502;
	p = rst_pkt(1000 + 1002, false, 0);
	ck_assert_int_eq(mpf__mptcp_rst_verdict(&s, 0, &p), RST_TAKEN);
	p = rst_pkt(1000 + 700, false, 0); /* in flight: the receiver's
					     * next may be there */
	ck_assert_int_eq(mpf__mptcp_rst_verdict(&s, 0, &p), RST_TAKEN);
	p = rst_pkt(1000 + 3001, false, 0); /* packetdrill's out of window */
	ck_assert_int_eq(mpf__mptcp_rst_verdict(&s, 0, &p), RST_AHEAD);
	p = rst_pkt(1000 + 100, false, 0); /* below what was acked */
	ck_assert_int_eq(mpf__mptcp_rst_verdict(&s, 0, &p), RST_REFUSED);

	/* an RST to an unanswered SYN counts only if it acks the SYN */
	memset(&s, 0, sizeof(s));
	s.dir[0].isn_known = true;
	s.dir[0].isn = 1000;
	s.dir[0].nxt_seen = true;
	s.dir[0].snd_nxt = 1;
	p = rst_pkt(0, false, 0);
	ck_assert_int_eq(mpf__mptcp_rst_verdict(&s, 1, &p), RST_REFUSED);
	p = rst_pkt(0, true, 1001);
	ck_assert_int_eq(mpf__mptcp_rst_verdict(&s, 1, &p), RST_TAKEN);
	p = rst_pkt(0, true, 1000);
	ck_assert_int_eq(mpf__mptcp_rst_verdict(&s, 1, &p), RST_REFUSED);
	/* no sequence numbers to go by: taken */
	memset(&s, 0, sizeof(s));
	p = rst_pkt(12345, false, 0);
	ck_assert_int_eq(mpf__mptcp_rst_verdict(&s, 0, &p), RST_TAKEN);
}
END_TEST

static Suite *
fsm_suite(void)
{
	Suite *s = suite_create("mptcp-fsm");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, test_subflow_table);
	tcase_add_test(tc, test_connection_table);
	tcase_add_test(tc, test_record);
	suite_add_tcase(s, tc);
	tc = tcase_create("rules");
	tcase_add_loop_test(tc, test_mpc_valid, 0, G_N_ELEMENTS(mpc_cases));
	tcase_add_test(tc, test_rst_verdict);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(fsm_suite)
