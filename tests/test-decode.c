/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* placeholder: being written */
#include "mpf-test.h"

START_TEST(test_placeholder)
{
	ck_assert_int_eq(1, 1);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("placeholder");

	tcase_add_test(tc, test_placeholder);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(suite)
