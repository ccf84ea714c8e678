/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fuzz targets' entry points. Each fuzz-*.c file defines one, and
 * LLVMFuzzerTestOneInput() around it unless MPF_FUZZ_NO_MAIN is defined:
 * tests/test-regress.c links all of them without libFuzzer to replay the
 * inputs of tests/data/regress in the normal test suite.
 */
#ifndef MPF_FUZZ_H
#define MPF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int mpf_fuzz_packet(const uint8_t *data, size_t size);
int mpf_fuzz_decode(const uint8_t *data, size_t size);
int mpf_fuzz_mptcp_opt(const uint8_t *data, size_t size);
int mpf_fuzz_sctp(const uint8_t *data, size_t size);
int mpf_fuzz_lisp(const uint8_t *data, size_t size);
int mpf_fuzz_partial(const uint8_t *data, size_t size);
int mpf_fuzz_capfile(const uint8_t *data, size_t size);

/* libFuzzer's entry point, declared here for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef MPF_FUZZ_NO_MAIN
#define MPF_FUZZ_MAIN(fn)
#else
#define MPF_FUZZ_MAIN(fn)                                                    \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)         \
	{                                                                    \
		return fn(data, size);                                       \
	}
#endif

/*
 * A copy of exactly @n bytes on the heap: a parser told that @n bytes were
 * captured must not read the (valid, libFuzzer-owned) bytes after them, and
 * only a buffer that ends there lets ASan see such a read.
 */
static inline uint8_t *
mpf_fuzz_dup(const uint8_t *data, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	if (p && n)
		memcpy(p, data, n);
	return p;
}

/* Aborts (a finding) when an invariant of a parser's result is broken. */
#define MPF_FUZZ_CHECK(cond)                                                 \
	do {                                                                 \
		if (!(cond))                                                 \
			mpf_fuzz_fail(__FILE__, __LINE__, #cond);            \
	} while (0)

/* In fuzz-common.c: prints the broken invariant and aborts. */
void mpf_fuzz_fail(const char *file, int line, const char *what)
	__attribute__((noreturn));

#endif /* MPF_FUZZ_H */
