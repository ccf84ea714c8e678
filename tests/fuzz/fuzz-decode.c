/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: fuzz target: the packet decoder, mpf__decode()
 *
 *   input := link(1) wire(1) frame
 *   link  := an index into link_types[] (modulo; the last is unknown)
 *   wire  := 0 the wire length is the captured length; 1-127 the frame
 *            was wire * 8 bytes longer on the wire (a snapshot-length
 *            cut); 128-255 a writer that claims (wire & 127) bytes fewer
 *            than it captured
 *
 * Besides crashes, the decoder's promises are checked: every pointer it
 * leaves in the struct mpf_pkt stays inside the captured bytes with its
 * captured length, captured never exceeds the wire length, and the status
 * it returns is the one it stored.
 */
#include "fuzz.h"
#include "mpf-private.h"

static const int link_types[] = {
	1, 101, 113, 276, 0, 108, 9, 50, 51, 12, 14, 228, 229, 147,
};

/* [p, p + n) lies inside [base, base + size) */
static bool
inside(const uint8_t *p, size_t n, const uint8_t *base, size_t size)
{
	return p >= base && p <= base + size && n <= (size_t)(base + size - p);
}

int
mpf_fuzz_decode(const uint8_t *data, size_t size)
{
	struct mpf_packet raw;
	struct mpf_pkt pkt;
	uint8_t *copy;
	size_t len;
	unsigned i;
	int st;

	if (size < 2)
		return 0;
	len = size - 2;
	copy = mpf_fuzz_dup(data + 2, len);
	if (!copy)
		return 0;
	memset(&raw, 0, sizeof(raw));
	raw.number = 1;
	raw.linktype = link_types[data[0] % (sizeof(link_types) /
					     sizeof(link_types[0]))];
	raw.data = copy;
	raw.caplen = (uint32_t)len;
	if (data[1] < 128)
		raw.wirelen = (uint32_t)len + data[1] * 8u;
	else
		raw.wirelen = (uint32_t)(len > (data[1] & 127u)
						 ? len - (data[1] & 127u) : 0);

	st = mpf__decode(&raw, &pkt);
	MPF_FUZZ_CHECK(st == pkt.status);
	MPF_FUZZ_CHECK(st >= MPF_ERR_UNSUPPORTED && st <= MPF_FRAGMENT);
	MPF_FUZZ_CHECK(pkt.ip_version == 0 || pkt.ip_version == 4 ||
		       pkt.ip_version == 6);
	if (pkt.l4) {
		MPF_FUZZ_CHECK(inside(pkt.l4, pkt.l4_cap, copy, len));
		MPF_FUZZ_CHECK(pkt.l4_cap <= pkt.l4_len);
	}
	if (pkt.payload) {
		MPF_FUZZ_CHECK(inside(pkt.payload, pkt.payload_cap, copy, len));
		MPF_FUZZ_CHECK(pkt.payload_cap <= pkt.payload_len);
	}
	if (pkt.udp_owner != MPF_PROTO_NONE) /* a backend's UDP payload */
		MPF_FUZZ_CHECK(pkt.ip_proto == 17 && pkt.payload);
	if (pkt.has_tcp) {
		MPF_FUZZ_CHECK(pkt.tcp_hlen >= 20 && pkt.tcp_hlen <= 60);
		MPF_FUZZ_CHECK(pkt.tcp_opts_cap <= pkt.tcp_opts_len);
		MPF_FUZZ_CHECK(inside(pkt.tcp_opts, pkt.tcp_opts_cap, copy, len));
		MPF_FUZZ_CHECK(pkt.n_opts <= MPF_TCP_MAX_OPTS);
		for (i = 0; i < pkt.n_opts; i++) {
			const struct mpf_tcp_opt *o = &pkt.opts[i];

			/* an option starts inside the captured options and
			 * ends inside the declared ones */
			MPF_FUZZ_CHECK(o->off < pkt.tcp_opts_cap);
			MPF_FUZZ_CHECK(o->len >= 2);
			MPF_FUZZ_CHECK((size_t)o->off + o->len <= pkt.tcp_opts_len);
		}
	}
	free(copy);
	return 0;
}

MPF_FUZZ_MAIN(mpf_fuzz_decode)
