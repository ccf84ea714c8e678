/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: what every fuzz target shares (see fuzz.h)
 */
#include <stdio.h>

#include "fuzz.h"

void
mpf_fuzz_fail(const char *file, int line, const char *what)
{
	/* abort(), not exit(): libFuzzer and the regression test both treat
	 * the signal as a crash and keep the input */
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}
