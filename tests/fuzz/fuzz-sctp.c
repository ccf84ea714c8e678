/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: fuzz target: the SCTP chunk walk, chunk parser and parameter
 * walk (mpf__sctp_walk, mpf__sctp_parse_chunk, mpf__sctp_walk_params)
 *
 *   input := cut(1) packet
 *   cut   := how many bytes at the end of the packet (common header and
 *            chunks) were not captured, in units of 4
 *
 * Each chunk the walk finds is parsed; the parameters of INIT, INIT ACK
 * and ASCONF are walked, as the backend does. The whole input is also
 * walked as parameters and checksummed. The walks' promises are checked:
 * every value they hand out lies inside the captured bytes, and its
 * captured length never exceeds its declared one.
 */
#include "fuzz.h"
#include "backends/sctp/sctp.h"

struct bounds {
	const uint8_t *base;
	size_t cap;
};

static bool
inside(const struct bounds *b, const uint8_t *p, size_t n)
{
	return p >= b->base && p <= b->base + b->cap &&
	       n <= (size_t)(b->base + b->cap - p);
}

static bool
on_param(uint16_t type, const uint8_t *value, uint32_t value_cap,
	 uint32_t value_len, void *user)
{
	const struct bounds *b = user;

	MPF_FUZZ_CHECK(value_cap <= value_len);
	MPF_FUZZ_CHECK(inside(b, value, value_cap));
	(void)type;
	return true;
}

static bool
on_chunk(const struct mpf_sctp_chunk *ch, void *user)
{
	const struct bounds *b = user;
	struct mpf_sctp_info info;
	int st;

	MPF_FUZZ_CHECK(ch->len >= 4);
	MPF_FUZZ_CHECK(ch->value_cap <= ch->len - 4u);
	MPF_FUZZ_CHECK(inside(b, ch->value, ch->value_cap));
	(void)mpf_sctp_chunk_to_string(ch->type);
	(void)mpf_sctp_chunk_bit(ch->type);
	st = mpf__sctp_parse_chunk(ch, &info);
	MPF_FUZZ_CHECK(st == MPF_OK || st == MPF_ERR_TRUNCATED ||
		       st == MPF_ERR_MALFORMED);
	if (st == MPF_OK || st == MPF_ERR_TRUNCATED) {
		if ((info.type == SCTP_INIT || info.type == SCTP_INIT_ACK) &&
		    info.u.init.params) {
			MPF_FUZZ_CHECK(info.u.init.params_cap <=
				       info.u.init.params_len);
			MPF_FUZZ_CHECK(inside(b, info.u.init.params,
					      info.u.init.params_cap));
			mpf__sctp_walk_params(info.u.init.params,
					      info.u.init.params_cap,
					      info.u.init.params_len, on_param,
					      user);
		}
		/* past a padded last parameter the pointer may point one
		 * beyond the chunk: harmless while nothing is captured there */
		if ((info.type == SCTP_ASCONF || info.type == SCTP_ASCONF_ACK) &&
		    info.u.asconf.params) {
			MPF_FUZZ_CHECK(info.u.asconf.params_cap <=
				       info.u.asconf.params_len);
			if (info.u.asconf.params_cap)
				MPF_FUZZ_CHECK(inside(b, info.u.asconf.params,
						      info.u.asconf.params_cap));
			mpf__sctp_walk_params(info.u.asconf.params,
					      info.u.asconf.params_cap,
					      info.u.asconf.params_len,
					      on_param, user);
		}
		if (st == MPF_OK && info.type == SCTP_HEARTBEAT &&
		    info.u.heartbeat.info)
			MPF_FUZZ_CHECK(inside(b, info.u.heartbeat.info,
					      info.u.heartbeat.info_len));
	}
	return true;
}

int
mpf_fuzz_sctp(const uint8_t *data, size_t size)
{
	struct bounds b;
	size_t len, cut;
	uint8_t *copy;

	if (size < 1)
		return 0;
	len = size - 1;
	cut = (size_t)data[0] * 4;
	b.cap = len > cut ? len - cut : 0;
	copy = mpf_fuzz_dup(data + 1, b.cap);
	if (!copy)
		return 0;
	b.base = copy;
	mpf__sctp_walk(copy, b.cap, len, on_chunk, &b);
	mpf__sctp_walk_params(copy, b.cap, len, on_param, &b);
	(void)mpf__sctp_checksum(copy, b.cap);
	free(copy);
	return 0;
}

MPF_FUZZ_MAIN(mpf_fuzz_sctp)
