/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the frame flag tables of mpflow.h made into code
 *
 * Owns the flags' report names and the anomaly policy (which flags a
 * report lists as anomalies), for every protocol, all expanded from the
 * MPF_*_FRAME_FLAG_MAP tables so that a flag is added in one place. Knows
 * nothing of how a backend sets its flags.
 */
#include "mpf-private.h"

/* A switch, not an array: a bit listed twice does not compile. */
#define FLAG_CASE(PROTO, NAME, name)                                         \
	case MPF_##PROTO##_FRAME_##NAME:                                     \
		return name;
#define MPTCP_CASE(NAME, bit, group, sev, anomaly, name, field, text)       \
	FLAG_CASE(MPTCP, NAME, name)
#define SCTP_CASE(NAME, bit, group, sev, anomaly, name, field, text)        \
	FLAG_CASE(SCTP, NAME, name)
#define LISP_CASE(NAME, bit, group, sev, anomaly, name, field, text)        \
	FLAG_CASE(LISP, NAME, name)

const char *
mpf_mptcp_frame_flag_to_string(unsigned flag)
{
	switch (flag) {
	MPF_MPTCP_FRAME_FLAG_MAP(MPTCP_CASE)
	}
	return "unknown";
}

const char *
mpf_sctp_frame_flag_to_string(unsigned flag)
{
	switch (flag) {
	MPF_SCTP_FRAME_FLAG_MAP(SCTP_CASE)
	}
	return "unknown";
}

const char *
mpf_lisp_frame_flag_to_string(unsigned flag)
{
	switch (flag) {
	MPF_LISP_FRAME_FLAG_MAP(LISP_CASE)
	}
	return "unknown";
}

/* The anomaly column of each table, as one mask. */
#define MPTCP_ANOMALY(NAME, bit, group, sev, anomaly, name, field, text)    \
	| ((anomaly) ? (unsigned)MPF_MPTCP_FRAME_##NAME : 0u)
#define SCTP_ANOMALY(NAME, bit, group, sev, anomaly, name, field, text)     \
	| ((anomaly) ? (unsigned)MPF_SCTP_FRAME_##NAME : 0u)
#define LISP_ANOMALY(NAME, bit, group, sev, anomaly, name, field, text)     \
	| ((anomaly) ? (unsigned)MPF_LISP_FRAME_##NAME : 0u)

static const unsigned mptcp_anomalies =
	0u MPF_MPTCP_FRAME_FLAG_MAP(MPTCP_ANOMALY);
static const unsigned sctp_anomalies =
	0u MPF_SCTP_FRAME_FLAG_MAP(SCTP_ANOMALY);
static const unsigned lisp_anomalies =
	0u MPF_LISP_FRAME_FLAG_MAP(LISP_ANOMALY);

unsigned
mpf_frame_get_anomalies(const struct mpf_frame *frame)
{
	unsigned bits;
	uint64_t dsn;

	switch (mpf_frame_get_protocol(frame)) {
	case MPF_PROTO_MPTCP:
		bits = mpf_frame_get_mptcp_flags(frame) & mptcp_anomalies;
		/* data sent again is what matters: a reinjected DATA_FIN
		 * alone, with no mapped payload, is no anomaly */
		if (!mpf_frame_get_payload_length(frame) ||
		    !mpf_frame_get_mptcp_dsn(frame, &dsn))
			bits &= ~(unsigned)MPF_MPTCP_FRAME_REINJECTION;
		return bits;
	case MPF_PROTO_SCTP:
		return mpf_frame_get_sctp_flags(frame) & sctp_anomalies;
	case MPF_PROTO_LISP:
		return mpf_frame_get_lisp_flags(frame) & lisp_anomalies;
	case MPF_PROTO_NONE:
	case MPF_PROTO_COUNT:
		break;
	}
	return 0;
}
