/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: libgcrypt set-up, once, for whatever in the library hashes
 *
 * Generic only: what is hashed and why belongs to the backend that does it
 * (MPTCP's key derivation and HMACs live in lib/backends/mptcp/keys.c).
 */
#include <gcrypt.h>

#include "mpf-private.h"

void
mpf__crypto_init(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		/* An application that links us (Wireshark) may have set up
		 * libgcrypt already; then its settings stand. */
		if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
			gcry_check_version(NULL);
			gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
			gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
		}
		g_once_init_leave(&done, 1);
	}
}
