/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the backend registry
 *
 * Order matters: the first enabled backend that claims a packet gets it.
 * A backend appears here once it is built; the core knows nothing else of
 * any protocol: a backend that rides on UDP names its ports in udp_ports,
 * and the decoder asks here whose they are.
 */
#include "mpf-private.h"

const struct mpf_backend *const mpf__backends[] = {
	&mpf__backend_sctp,
	&mpf__backend_lisp, /* before MPTCP: LISP control may ride on TCP (but
			    * never with MPTCP options, see lisp_claims) */
	&mpf__backend_mptcp,
	NULL,
};

const struct mpf_backend *
mpf__backend_find(enum mpf_protocol proto)
{
	int i;

	for (i = 0; mpf__backends[i]; i++)
		if (mpf__backends[i]->protocol == proto)
			return mpf__backends[i];
	return NULL;
}

enum mpf_protocol
mpf__backend_udp_owner(uint16_t sport, uint16_t dport)
{
	const uint16_t *port;
	int i;

	for (i = 0; mpf__backends[i]; i++)
		for (port = mpf__backends[i]->udp_ports; port && *port; port++)
			if (*port == sport || *port == dport)
				return mpf__backends[i]->protocol;
	return MPF_PROTO_NONE;
}
