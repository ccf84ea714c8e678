/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: fuzz target: the pcap and pcapng reader, tools/capfile.c
 *
 *   input := the bytes of a capture file, read as mpflow reads a pipe
 *
 * Besides crashes, the reader's promises are checked: a frame's bytes
 * are all readable (each one is summed), its captured length fits in
 * the input, its time stamp is normalised (nanoseconds below 10^9,
 * seconds within what int64 nanoseconds hold), a file gives no more
 * frames than it has bytes for, and once the reader fails it keeps
 * failing the same way with a message.
 */
#include <stdio.h>

#include "capfile.h"
#include "fuzz.h"

int
mpf_fuzz_capfile(const uint8_t *data, size_t size)
{
	struct capfile_frame f;
	struct capfile *cf;
	char err[256] = "";
	size_t frames = 0;
	unsigned sum = 0;
	uint8_t *copy;
	FILE *fp;
	int r;

	if (size == 0)
		return 0; /* fmemopen() refuses an empty buffer */
	copy = mpf_fuzz_dup(data, size);
	fp = copy ? fmemopen(copy, size, "rb") : NULL;
	if (!fp) {
		free(copy);
		return 0;
	}
	cf = capfile_open(fp, err, sizeof(err));
	if (!cf) {
		MPF_FUZZ_CHECK(err[0] != '\0');
		goto out;
	}
	while ((r = capfile_next(cf, &f)) == CAPFILE_FRAME) {
		uint32_t i;

		frames++;
		/* a record header or block is at least 12 bytes */
		MPF_FUZZ_CHECK(frames <= size / 12);
		MPF_FUZZ_CHECK(f.caplen <= size);
		MPF_FUZZ_CHECK(f.caplen == 0 || f.data != NULL);
		MPF_FUZZ_CHECK(f.ts_nsec < 1000000000u);
		MPF_FUZZ_CHECK(f.ts_sec <= INT64_MAX / 1000000000 &&
			       f.ts_sec >= -(INT64_MAX / 1000000000));
		for (i = 0; i < f.caplen; i++)
			sum += f.data[i];
	}
	MPF_FUZZ_CHECK(r >= CAPFILE_IO && r <= CAPFILE_END);
	if (r < 0) {
		MPF_FUZZ_CHECK(capfile_error(cf)[0] != '\0');
		MPF_FUZZ_CHECK(capfile_next(cf, &f) == r);
	}
	MPF_FUZZ_CHECK(capfile_offset(cf) <= size);
	capfile_close(cf);
out:
	fclose(fp);
	free(copy);
	return (int)(sum & 0);
}

MPF_FUZZ_MAIN(mpf_fuzz_capfile)
