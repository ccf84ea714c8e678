/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: fuzz target: partial results read back and merged
 * (mpf_ctx_new_from_partial, mpf_partial_merge), as a cluster's driver
 * reads what its workers send
 *
 *   input := mode(1) body
 *   mode  := bit 0: 0 the body is one partial; 1 it is len(4, LE) then
 *            two partials, the first of len bytes, merged in that order
 *
 * Each partial is copied to a buffer of its exact size (a read past it is
 * an ASan finding). Promises checked: only the documented statuses; a
 * partial read back is read in full (every node, flow and protocol key,
 * through the summary writer) and exports again into one that reads back;
 * a merge that succeeds gives a partial that reads back.
 */
#include "fuzz.h"
#include "mpflow.h"

static bool
documented(int st)
{
	return st == MPF_OK || st == MPF_ERR_PARTIAL || st == MPF_ERR_TRUNCATED ||
	       st == MPF_ERR_MALFORMED || st == MPF_ERR_UNSUPPORTED ||
	       st == MPF_ERR_ORDER;
}

/* Reads @data back; when it is accepted, its every part, and its export
 * must read back too. */
static void
read_back(const uint8_t *data, size_t size, bool again)
{
	struct mpf_ctx *ctx = NULL, *ctx2 = NULL;
	int st = mpf_ctx_new_from_partial(data, size, &ctx);
	void *out = NULL;
	size_t len = 0;
	char *json;

	MPF_FUZZ_CHECK(documented(st) && st != MPF_ERR_ORDER);
	MPF_FUZZ_CHECK((st == MPF_OK) == (ctx != NULL));
	if (!ctx)
		return;
	json = mpf_ctx_summary_json(ctx, "fuzz");
	MPF_FUZZ_CHECK(json != NULL);
	mpf_free(json);
	if (again) {
		MPF_FUZZ_CHECK(mpf_ctx_export_partial(ctx, &out, &len) == MPF_OK);
		MPF_FUZZ_CHECK(mpf_ctx_new_from_partial(out, len, &ctx2) == MPF_OK);
		mpf_ctx_free(ctx2);
		mpf_free(out);
	}
	mpf_ctx_free(ctx);
}

int
mpf_fuzz_partial(const uint8_t *data, size_t size)
{
	uint8_t *a, *b;
	const void *parts[2];
	size_t lens[2], len = 0, n;
	void *out = NULL;
	int st;

	if (size < 1)
		return 0;
	if (!(data[0] & 1)) {
		a = mpf_fuzz_dup(data + 1, size - 1);
		read_back(a, size - 1, true);
		free(a);
		return 0;
	}
	if (size < 5)
		return 0;
	n = (size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16 |
	    (size_t)data[4] << 24;
	if (n > size - 5)
		n = size - 5;
	a = mpf_fuzz_dup(data + 5, n);
	b = mpf_fuzz_dup(data + 5 + n, size - 5 - n);
	parts[0] = a;
	lens[0] = n;
	parts[1] = b;
	lens[1] = size - 5 - n;
	st = mpf_partial_merge(parts, lens, 2, &out, &len);
	MPF_FUZZ_CHECK(documented(st));
	MPF_FUZZ_CHECK((st == MPF_OK) == (out != NULL));
	if (out) {
		read_back(out, len, false);
		mpf_free(out);
	}
	free(a);
	free(b);
	return 0;
}

MPF_FUZZ_MAIN(mpf_fuzz_partial)
