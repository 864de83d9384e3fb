/* Command-line parsing, table-driven (stlink style): {argv, exit status,
 * text expected on stdout or stderr}; and every option of every command is
 * documented in man/h7jumpdiag.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "h7jumpdiag/error.h"
#include "testutil.h"

struct cli_case {
	const char *argv[8];
	int status;
	const char *out_has; /* substring of stdout, or NULL */
	const char *err_has; /* substring of stderr, or NULL */
};

static const struct cli_case cases[] = {
	{ { "h7jumpdiag", "--help" }, H7_EXIT_OK, "Commands:", NULL },
	{ { "h7jumpdiag", "--help" }, H7_EXIT_OK, "snapshot", NULL },
	{ { "h7jumpdiag", "-h" }, H7_EXIT_OK, "decode", NULL },
	{ { "h7jumpdiag", "help" }, H7_EXIT_OK, "usb", NULL },
	{ { "h7jumpdiag", "--version" }, H7_EXIT_OK, "h7jumpdiag ", NULL },
	{ { "h7jumpdiag" }, H7_EXIT_USAGE, NULL, "Commands:" },
	{ { "h7jumpdiag", "--bogus" }, H7_EXIT_USAGE, NULL, "unknown option '--bogus'" },
	{ { "h7jumpdiag", "frobnicate" }, H7_EXIT_USAGE, NULL, "unknown command 'frobnicate'" },
	{ { "h7jumpdiag", "run", "--no-such-option" }, H7_EXIT_USAGE, NULL, "unknown option '--no-such-option'" },
	{ { "h7jumpdiag", "run", "-Z" }, H7_EXIT_USAGE, NULL, "unknown option '-Z'" },
	{ { "h7jumpdiag", "run", "--board" }, H7_EXIT_USAGE, NULL, "needs a value" },
	{ { "h7jumpdiag", "run", "--list-recipes=yes" }, H7_EXIT_USAGE, NULL, "takes no value" },
	{ { "h7jumpdiag", "run", "--help" }, H7_EXIT_OK, "--recipe", NULL },
	/* report files are checked before the run, not after it (the report would be lost) */
	{ { "h7jumpdiag", "run", "-o", "/nonexistent-dir/r.json" }, H7_EXIT_USAGE, NULL,
	  "--output: cannot create a file next to '/nonexistent-dir/r.json'" },
	{ { "h7jumpdiag", "run", "--junit", "/" }, H7_EXIT_USAGE, NULL, "--junit: '/' is a directory" },
	{ { "h7jumpdiag", "snapshot", "-o", "/nonexistent-dir/s.json" }, H7_EXIT_USAGE, NULL,
	  "--output: cannot create a file next to" },
	/* input files too: a usage error naming the file, before anything is started */
	{ { "h7jumpdiag", "run", "--sim-flash", "/nonexistent-dir/app.elf" }, H7_EXIT_USAGE, NULL,
	  "--sim-flash: cannot read '/nonexistent-dir/app.elf'" },
	{ { "h7jumpdiag", "run", "--sim-flash", "/nonexistent-dir/app.bin@0x08000000" }, H7_EXIT_USAGE, NULL,
	  "--sim-flash: cannot read" },
	{ { "h7jumpdiag", "run", "--cm4", "running", "--cm4-image", "/nonexistent-dir/cm4.bin" }, H7_EXIT_USAGE, NULL,
	  "--cm4-image: '/nonexistent-dir/cm4.bin' is neither park, usb nor a readable file" },
	{ { "h7jumpdiag", "run", "--elf", "/nonexistent-dir/app.elf" }, H7_EXIT_USAGE, NULL,
	  "--elf /nonexistent-dir/app.elf: " },
	{ { "h7jumpdiag", "run", "--list-recipes" }, H7_EXIT_OK, "seed+addr+cache+irq ", NULL },
	{ { "h7jumpdiag", "run", "--list-recipes" }, H7_EXIT_OK, "\nst ", NULL },
	{ { "h7jumpdiag", "snapshot", "--help" }, H7_EXIT_OK, "--core", NULL },
	{ { "h7jumpdiag", "decode", "--help" }, H7_EXIT_OK, "--cfsr", NULL },
	{ { "h7jumpdiag", "usb", "--help" }, H7_EXIT_OK, "--timeout", NULL },
	{ { "h7jumpdiag", "usb", "--frob" }, H7_EXIT_USAGE, NULL, "Try 'h7jumpdiag usb --help'" },
	{ { "h7jumpdiag", "decode", "--cfsr" }, H7_EXIT_USAGE, NULL, "'--cfsr' needs a value" },
};

static void test_cli_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct cli_case *c = &cases[i];
		char *out, *err;
		int rc = tu_run_cli(c->argv, &out, &err);
		if (rc != c->status || (c->out_has && !strstr(out, c->out_has)) ||
		    (c->err_has && !strstr(err, c->err_has)))
			print_error("case %zu (%s %s): status %d, stdout:\n%s\nstderr:\n%s\n", i, c->argv[1],
				    c->argv[2] ? c->argv[2] : "", rc, out, err);
		assert_int_equal(rc, c->status);
		if (c->out_has)
			assert_non_null(strstr(out, c->out_has));
		if (c->err_has)
			assert_non_null(strstr(err, c->err_has));
		free(out);
		free(err);
	}
}

static void test_parse_values(void **state)
{
	(void)state;
	char *argv[] = { "decode", "--cfsr=0x8200", "-f", "json", "--hfsr", "1073741824", "pos", "-vq", NULL };
	struct cli_parsed p;
	char *out = NULL, *err = NULL;
	size_t ol, el;
	struct h7_io io = { open_memstream(&out, &ol), open_memstream(&err, &el) };
	extern const struct cli_command cmd_decode;
	int rc = cli_parse(&cmd_decode, 8, argv, &p, &io);

	fclose(io.out);
	fclose(io.err);
	assert_int_equal(rc, 0);
	assert_int_equal(p.n_positional, 1);
	assert_string_equal(p.positional[0], "pos");
	assert_int_equal(p.n_values, 5);
	assert_string_equal(p.values[0].name, "cfsr");
	assert_string_equal(p.values[0].value, "0x8200");
	assert_string_equal(p.values[1].value, "json");
	assert_string_equal(p.values[2].value, "1073741824");
	assert_int_equal(p.values[3].id, CLI_OPT_VERBOSE);
	assert_int_equal(p.values[4].id, CLI_OPT_QUIET);
	free(out);
	free(err);
}

static void test_numbers(void **state)
{
	(void)state;
	uint32_t v = 0;
	int ms = 0;
	assert_int_equal(cli_parse_u32("0x00008200", &v), 0);
	assert_int_equal(v, 0x8200);
	assert_int_equal(cli_parse_u32("0XFFFFFFFF", &v), 0);
	assert_int_equal(v, 0xFFFFFFFFu);
	assert_int_equal(cli_parse_u32("1073741824", &v), 0);
	assert_int_equal(v, 0x40000000);
	assert_int_equal(cli_parse_u32("0x100000000", &v), H7_ERROR_INVALID_PARAM);
	assert_int_equal(cli_parse_u32("-1", &v), H7_ERROR_INVALID_PARAM);
	assert_int_equal(cli_parse_u32("12abc", &v), H7_ERROR_INVALID_PARAM);
	assert_int_equal(cli_parse_u32("0x", &v), H7_ERROR_INVALID_PARAM);
	assert_int_equal(cli_parse_u32("", &v), H7_ERROR_INVALID_PARAM);
	assert_int_equal(cli_parse_u32(" 5", &v), H7_ERROR_INVALID_PARAM);
	assert_int_equal(cli_parse_seconds("2.5", 60, &ms), 0);
	assert_int_equal(ms, 2500);
	assert_int_equal(cli_parse_seconds("0", 60, &ms), H7_ERROR_INVALID_PARAM);
	assert_int_equal(cli_parse_seconds("61", 60, &ms), H7_ERROR_INVALID_PARAM);
	assert_int_equal(cli_parse_seconds("nan", 60, &ms), H7_ERROR_INVALID_PARAM);
	assert_int_equal(cli_parse_seconds("1s", 60, &ms), H7_ERROR_INVALID_PARAM);
}

/* curl-style: the option tables feed --help, and each option is in the man page. */
static void test_options_documented(void **state)
{
	(void)state;
	char *man = tu_read_file(tu_src_path("man/h7jumpdiag.1"), NULL);
	assert_non_null(man);
	for (const struct cli_command *const *c = h7_commands; *c; c++) {
		char needle[128];
		snprintf(needle, sizeof needle, ".SS %s", (*c)->name);
		if (!strstr(man, needle))
			print_error("man page lacks a section for command '%s'\n", (*c)->name);
		assert_non_null(strstr(man, needle));
		for (const struct cli_option *o = (*c)->options; o->name; o++) {
			snprintf(needle, sizeof needle, "\\-\\-%s", o->name);
			/* escaped dashes in option names too: --list-recipes -> \-\-list\-recipes */
			char esc[128];
			size_t k = 0;
			for (const char *s = needle; *s && k + 2 < sizeof esc; s++) {
				if (*s == '-' && s > needle + 3 && s[-1] != '\\')
					esc[k++] = '\\';
				esc[k++] = *s;
			}
			esc[k] = '\0';
			if (!strstr(man, esc))
				print_error("man page does not document '%s --%s' (looked for %s)\n", (*c)->name,
					    o->name, esc);
			assert_non_null(strstr(man, esc));
		}
	}
	free(man);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_table),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_options_documented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
