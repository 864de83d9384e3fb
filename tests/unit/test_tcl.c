/* The bounded Tcl list parser: OpenOCD's real reply shapes, every quoting
 * form, limits and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "h7jumpdiag/error.h"
#include "tcl.h"

static int parse(const char *s, struct tcl_list *l)
{
	return tcl_list_parse(s, strlen(s), NULL, l, NULL, 0);
}

static void test_openocd_shapes(void **state)
{
	(void)state;
	struct tcl_list l;

	/* replies recorded from OpenOCD 0.12.0 (tests/data/rpc/basic.txt) */
	assert_int_equal(parse("0 {pc 0x08000202 sp 0x24080000 xPSR 0x01000000}", &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "0");
	assert_string_equal(l.v[1], "pc 0x08000202 sp 0x24080000 xPSR 0x01000000");
	struct tcl_list in;
	assert_int_equal(tcl_list_parse(l.v[1], l.len[1], NULL, &in, NULL, 0), 0);
	assert_int_equal(in.n, 6);
	assert_string_equal(in.v[4], "xPSR");
	assert_string_equal(in.v[5], "0x01000000");
	tcl_list_free(&in);
	tcl_list_free(&l);

	assert_int_equal(parse("1 {invalid command name \"foo_unknown_cmd\"}", &l), 0);
	assert_string_equal(l.v[1], "invalid command name \"foo_unknown_cmd\"");
	tcl_list_free(&l);

	assert_int_equal(parse("-304 {}", &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "-304");
	assert_int_equal(l.len[1], 0);
	tcl_list_free(&l);

	assert_int_equal(parse("0 0x800", &l), 0);
	assert_string_equal(l.v[1], "0x800");
	tcl_list_free(&l);

	/* a message with a newline inside braces stays literal */
	assert_int_equal(parse("0 {register nosuchreg not found in current target\n}", &l), 0);
	assert_string_equal(l.v[1], "register nosuchreg not found in current target\n");
	tcl_list_free(&l);

	/* empty input and blanks only: an empty list */
	assert_int_equal(parse("", &l), 0);
	assert_int_equal(l.n, 0);
	tcl_list_free(&l);
	assert_int_equal(parse(" \t\n ", &l), 0);
	assert_int_equal(l.n, 0);
	tcl_list_free(&l);
}

static void test_quoting_forms(void **state)
{
	(void)state;
	struct tcl_list l;

	/* nested braces, escaped braces inside braces are kept verbatim */
	assert_int_equal(parse("{a {b c} d} {x\\}y}", &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "a {b c} d");
	assert_string_equal(l.v[1], "x\\}y");
	tcl_list_free(&l);

	/* quoted words and bare words get backslash substitution */
	assert_int_equal(parse("\"a b\\tc\" x\\ y \\x41\\101\\u00e9 \"\\{\\$\\[\"", &l), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0], "a b\tc");
	assert_string_equal(l.v[1], "x y");
	assert_string_equal(l.v[2], "AA\xc3\xa9");
	assert_string_equal(l.v[3], "{$[");
	tcl_list_free(&l);

	/* \000 gives a NUL inside an element; len tells */
	assert_int_equal(parse("a\\000b", &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.len[0], 3);
	assert_memory_equal(l.v[0], "a\0b", 3);
	tcl_list_free(&l);

	/* backslash-newline is one space; a lone trailing backslash is itself */
	assert_int_equal(parse("a\\\n   b c\\", &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "a b");
	assert_string_equal(l.v[1], "c\\");
	tcl_list_free(&l);
}

static void test_malformed(void **state)
{
	(void)state;
	struct tcl_list l;
	char err[128];
	static const char *const bad[] = {
		"{abc", "0 {a {b}", "\"abc", "{a}b", "\"a\"b", "x {y}}z",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		int rc = tcl_list_parse(bad[i], strlen(bad[i]), NULL, &l, err, sizeof err);
		if (rc != H7_ERROR_PARSE)
			print_error("'%s' gave %d\n", bad[i], rc);
		assert_int_equal(rc, H7_ERROR_PARSE);
		assert_true(strlen(err) > 0);
		assert_int_equal(l.n, 0);
		assert_null(l.v);
	}
	assert_int_equal(tcl_list_parse(NULL, 3, NULL, &l, NULL, 0), H7_ERROR_INVALID_PARAM);
}

static void test_limits(void **state)
{
	(void)state;
	struct tcl_list l;
	char err[128];
	struct tcl_limits lim = { .max_len = 64, .max_elems = 3, .max_depth = 2 };

	assert_int_equal(tcl_list_parse("a b c", 5, &lim, &l, err, sizeof err), 0);
	tcl_list_free(&l);
	assert_int_equal(tcl_list_parse("a b c d", 7, &lim, &l, err, sizeof err), H7_ERROR_OVERFLOW);
	assert_non_null(strstr(err, "elements"));
	assert_int_equal(tcl_list_parse("{{x}}", 5, &lim, &l, err, sizeof err), 0);
	tcl_list_free(&l);
	assert_int_equal(tcl_list_parse("{{{x}}}", 7, &lim, &l, err, sizeof err), H7_ERROR_OVERFLOW);
	assert_non_null(strstr(err, "nested"));
	char big[100];
	memset(big, 'a', sizeof big);
	assert_int_equal(tcl_list_parse(big, sizeof big, &lim, &l, err, sizeof err), H7_ERROR_OVERFLOW);

	/* default depth limit: 10000 open braces is an error, not a stack overflow */
	size_t n = 10000;
	char *deep = malloc(2 * n);
	assert_non_null(deep);
	memset(deep, '{', n);
	memset(deep + n, '}', n);
	assert_int_equal(tcl_list_parse(deep, 2 * n, NULL, &l, NULL, 0), H7_ERROR_OVERFLOW);
	free(deep);
}

/* Every byte string survives a trip through a deterministic pseudo-random
 * mutation without crashing the parser (a poor man's fuzz run). */
static void test_no_crash_on_noise(void **state)
{
	(void)state;
	static const char alphabet[] = "{}\"\\ \tabc0x\n$[];\x1a";
	uint32_t seed = 12345;
	char buf[64];
	int ok = 0, bad = 0;

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = (seed >> 8) % sizeof buf;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		seed = seed * 1103515245u + 12345u;
		struct tcl_list l;
		int rc = tcl_list_parse(buf, len, NULL, &l, NULL, 0);
		assert_true(rc == 0 || rc == H7_ERROR_PARSE);
		if (rc == 0) {
			for (size_t i = 0; i < l.n; i++)
				assert_true(l.len[i] <= len);
			tcl_list_free(&l);
			ok++;
		} else {
			bad++;
		}
	}
	/* both outcomes occur, so the assertions above were exercised */
	assert_true(ok > 100 && bad > 100);
}

static void test_braces_and_ints(void **state)
{
	(void)state;
	assert_true(tcl_braces_balanced("a {b} c", 7));
	assert_false(tcl_braces_balanced("a {b c", 6));
	assert_false(tcl_braces_balanced("}{", 2));
	assert_true(tcl_braces_balanced("\\{", 2));
	assert_false(tcl_braces_balanced("a\\", 2));
	assert_true(tcl_braces_balanced("a\\\\", 3));

	long long v;
	assert_int_equal(tcl_parse_int("0x1FF09800", &v), 0);
	assert_int_equal(v, 0x1FF09800);
	assert_int_equal(tcl_parse_int("-304", &v), 0);
	assert_int_equal(v, -304);
	assert_int_equal(tcl_parse_int("0xffffffffffffffff", &v), 0);
	assert_int_equal((unsigned long long)v, 0xffffffffffffffffull);
	assert_int_equal(tcl_parse_int("12abc", &v), H7_ERROR_PARSE);
	assert_int_equal(tcl_parse_int("", &v), H7_ERROR_PARSE);
	assert_int_equal(tcl_parse_int(" 1", &v), H7_ERROR_PARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openocd_shapes),
		cmocka_unit_test(test_quoting_forms),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_no_crash_on_noise),
		cmocka_unit_test(test_braces_and_ints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
