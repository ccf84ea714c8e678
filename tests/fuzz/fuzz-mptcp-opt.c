/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: fuzz target: the MPTCP option parser, mpf__mptcp_opt_parse()
 *
 *   input := mode(1) option
 *   mode  := bits 0-5 how many bytes at the end were not captured (a
 *            snapshot-length cut); bit 6 the option area ends where the
 *            capture does; bit 7 the option area's size is unknown
 *            (SIZE_MAX)
 *
 * The parser's promises are checked: the captured count it reports never
 * exceeds what it was given or the option's length, a RM_ADDR never lists
 * more ids than its length holds. The bytes are also summed as the payload
 * of a DSS checksum, and the DSN widened, as the backend does with them.
 */
#include "fuzz.h"
#include "backends/mptcp/mptcp.h"

int
mpf_fuzz_mptcp_opt(const uint8_t *data, size_t size)
{
	struct mpf_mptcp_opt o;
	size_t rest, cut, captured, declared;
	uint8_t *copy;
	int st;

	if (size < 1)
		return 0;
	rest = size - 1;
	cut = data[0] & 0x3f;
	captured = rest > cut ? rest - cut : 0;
	if (data[0] & 0x80)
		declared = SIZE_MAX;
	else if (data[0] & 0x40)
		declared = captured;
	else
		declared = rest;
	copy = mpf_fuzz_dup(data + 1, captured);
	if (!copy)
		return 0;

	st = mpf__mptcp_opt_parse(copy, captured, declared, &o);
	MPF_FUZZ_CHECK(st == MPF_OK || st == MPF_ERR_TRUNCATED ||
		       st == MPF_ERR_MALFORMED || st == MPF_ERR_INVALID);
	if (st == MPF_OK || st == MPF_ERR_TRUNCATED) {
		MPF_FUZZ_CHECK(o.cap <= captured);
		MPF_FUZZ_CHECK(o.cap <= o.len);
		MPF_FUZZ_CHECK(o.len <= declared);
		if (st == MPF_OK && o.subtype <= MPF_MPTCP_SUB_TCPRST)
			MPF_FUZZ_CHECK(o.cap == o.len);
		if (o.subtype == MPF_MPTCP_SUB_REMOVE_ADDR)
			MPF_FUZZ_CHECK(o.u.rm_addr.count <= o.len - 3);
		(void)mpf_mptcp_subtype_to_string(o.subtype);
	}
	if (st == MPF_OK && o.subtype == MPF_MPTCP_SUB_DSS && o.u.dss.has_map) {
		uint64_t dsn = o.u.dss.dsn64 ? o.u.dss.dsn
					     : mpf__seq_expand32((uint32_t)o.u.dss.dsn,
								 o.u.dss.ack);

		(void)mpf__mptcp_dss_checksum(dsn, o.u.dss.ssn, o.u.dss.data_len,
					      copy, captured);
	}
	free(copy);
	return 0;
}

MPF_FUZZ_MAIN(mpf_fuzz_mptcp_opt)
