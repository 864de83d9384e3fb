/* The error enum: every value in include/h7jumpdiag/error.h has a name, a text
 * and an exit status, and the exit statuses are the documented ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h7jumpdiag/error.h"
#include "testutil.h"

/* Parse "H7_ERROR_X = -N," lines of the public header. */
static void test_every_enum_value_has_an_entry(void **state)
{
	(void)state;
	char *hdr = tu_read_file(tu_src_path("include/h7jumpdiag/error.h"), NULL);
	int found = 0;
	assert_non_null(hdr);
	for (char *p = strstr(hdr, "H7_ERROR_"); p; p = strstr(p + 1, "H7_ERROR_")) {
		char name[64];
		int value;
		if (sscanf(p, "%63[A-Z0-9_] = %d", name, &value) != 2)
			continue;
		found++;
		assert_string_equal(h7_error_name(value), name);
		assert_string_not_equal(h7_strerror(value), "unknown error");
		int ex = h7_exit_for_error(value);
		assert_true(ex >= H7_EXIT_DIAGNOSIS && ex <= H7_EXIT_INTERNAL);
		assert_int_not_equal(ex, H7_EXIT_DIAGNOSIS); /* an error is never a diagnosis */
	}
	assert_true(found >= 20);
	free(hdr);
}

static void test_unknown_codes(void **state)
{
	(void)state;
	assert_string_equal(h7_strerror(-12345), "unknown error");
	assert_string_equal(h7_error_name(7), "H7_ERROR_UNKNOWN");
	assert_int_equal(h7_exit_for_error(-12345), H7_EXIT_INTERNAL);
	assert_string_equal(h7_error_name(H7_SUCCESS), "H7_SUCCESS");
}

static void test_exit_statuses(void **state)
{
	(void)state;
	/* the values are part of the interface (man page, EXIT STATUS) */
	assert_int_equal(H7_EXIT_OK, 0);
	assert_int_equal(H7_EXIT_DIAGNOSIS, 1);
	assert_int_equal(H7_EXIT_USAGE, 2);
	assert_int_equal(H7_EXIT_CONNECT, 3);
	assert_int_equal(H7_EXIT_INTERNAL, 4);
	assert_int_equal(h7_exit_for_error(H7_ERROR_CONNECT), H7_EXIT_CONNECT);
	assert_int_equal(h7_exit_for_error(H7_ERROR_TIMEOUT), H7_EXIT_CONNECT);
	assert_int_equal(h7_exit_for_error(H7_ERROR_INVALID_PARAM), H7_EXIT_USAGE);
	assert_int_equal(h7_exit_for_error(H7_ERROR_INTERNAL), H7_EXIT_INTERNAL);
	assert_int_equal(h7_exit_for_error(H7_ERROR_NO_MEM), H7_EXIT_INTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_enum_value_has_an_entry),
		cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_exit_statuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
