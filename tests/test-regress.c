/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: replays every input in tests/data/regress through the fuzz
 * target it broke, and the committed seeds through theirs, without
 * libFuzzer
 *
 * A file named TARGET-NAME.bin is an input of tests/fuzz/fuzz-TARGET.c
 * (packet, decode, mptcp-opt, sctp, lisp, partial, capfile) in that
 * target's format; a TARGET-NAME.pcap is a capture run through a context,
 * for findings that are easier to keep as one. tests/fuzz/seeds/TARGET/ holds seeds of each
 * target: replayed too, they keep the targets' invariant checks running in
 * every build (and under the sanitizer build and valgrind). Check runs each
 * file in its own process, so a crash, an abort of a broken invariant or a
 * bad read under ASan fails that file's test and names it.
 */
#include <glib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "mpf-test.h"

#define REGRESS_DIR MPF_TEST_DATA_DIR "/regress"
#define SEEDS_DIR MPF_TEST_DATA_DIR "/../fuzz/seeds"

static const struct {
	const char *prefix;
	int (*fn)(const uint8_t *data, size_t size);
} targets[] = {
	/* "mptcp-opt-" before any shorter prefix it could be taken for */
	{ "mptcp-opt-", mpf_fuzz_mptcp_opt },
	{ "packet-", mpf_fuzz_packet },
	{ "decode-", mpf_fuzz_decode },
	{ "sctp-", mpf_fuzz_sctp },
	{ "lisp-", mpf_fuzz_lisp },
	{ "partial-", mpf_fuzz_partial },
	{ "capfile-", mpf_fuzz_capfile },
};

/* paths: REGRESS_DIR's files by name, then the seeds as
 * SEEDS_DIR/TARGET/HASH, named "TARGET-HASH" for the dispatch below */
static GPtrArray *files, *names;

static gint
by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the files of @dir in name order, each named @prefix + its name;
 * for @regress, only .bin and .pcap (the folder has its README). */
static void
list_dir(const char *dir, const char *prefix, bool regress)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	GPtrArray *found = g_ptr_array_new();
	const char *name;
	unsigned i;

	while (d && (name = g_dir_read_name(d)) != NULL)
		if (!regress || g_str_has_suffix(name, ".bin") ||
		    g_str_has_suffix(name, ".pcap"))
			g_ptr_array_add(found, g_strdup(name));
	if (d)
		g_dir_close(d);
	g_ptr_array_sort(found, by_name);
	for (i = 0; i < found->len; i++) {
		name = g_ptr_array_index(found, i);
		g_ptr_array_add(files, g_build_filename(dir, name, NULL));
		g_ptr_array_add(names, g_strconcat(prefix, name, NULL));
		g_free((char *)name);
	}
	g_ptr_array_free(found, TRUE);
}

static void
list_files(void)
{
	static const char *const seed_dirs[] = {
		"packet", "decode", "mptcp-opt", "sctp", "lisp", "partial",
		"capfile",
	};
	unsigned i;

	files = g_ptr_array_new_with_free_func(g_free);
	names = g_ptr_array_new_with_free_func(g_free);
	list_dir(REGRESS_DIR, "", true);
	for (i = 0; i < G_N_ELEMENTS(seed_dirs); i++) {
		char *dir = g_build_filename(SEEDS_DIR, seed_dirs[i], NULL);
		char *prefix = g_strconcat(seed_dirs[i], "-", NULL);

		list_dir(dir, prefix, false);
		g_free(prefix);
		g_free(dir);
	}
}

static void
feed(const struct mpf_packet *pkt, void *user)
{
	ck_assert_int_eq(mpf_ctx_feed(user, pkt, NULL), MPF_OK);
}

START_TEST(test_replay)
{
	const char *path = g_ptr_array_index(files, _i);
	const char *name = g_ptr_array_index(names, _i);
	size_t i;

	if (g_str_has_suffix(name, ".pcap")) {
		struct mpf_ctx *ctx = mpf_ctx_new(NULL);

		capture_foreach(path, feed, ctx);
		mpf_ctx_free(ctx);
	} else {
		gchar *data = NULL;
		gsize len = 0;

		ck_assert_msg(g_file_get_contents(path, &data, &len, NULL),
			      "cannot read %s", path);
		for (i = 0; i < G_N_ELEMENTS(targets); i++)
			if (g_str_has_prefix(name, targets[i].prefix))
				break;
		ck_assert_msg(i < G_N_ELEMENTS(targets),
			      "%s: the name does not start with a target", name);
		targets[i].fn((const uint8_t *)data, len);
		g_free(data);
	}
}
END_TEST

/* The folders are there (a moved one would silently replay nothing). */
START_TEST(test_dirs)
{
	ck_assert(g_file_test(REGRESS_DIR, G_FILE_TEST_IS_DIR));
	ck_assert(g_file_test(SEEDS_DIR, G_FILE_TEST_IS_DIR));
}
END_TEST

static Suite *
regress_suite(void)
{
	Suite *s = suite_create("regress");
	TCase *tc = tcase_create("replay");

	list_files();
	tcase_add_test(tc, test_dirs);
	tcase_add_loop_test(tc, test_replay, 0, (int)files->len);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(regress_suite)
