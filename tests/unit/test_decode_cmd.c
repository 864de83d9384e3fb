/* `h7jumpdiag decode` end to end in-process: exit statuses, messages, the
 * issue's cases through the command line, --report round trips, --output,
 * --reg and --svd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h7jumpdiag/error.h"
#include "testutil.h"

struct cmd_case {
	const char *argv[16];
	int status;
	const char *out_has, *out_lacks, *err_has;
};

static const struct cmd_case cases[] = {
	{ { "h7jumpdiag", "decode" }, H7_EXIT_USAGE, NULL, NULL, "nothing to decode" },
	{ { "h7jumpdiag", "decode", "--cfsr", "zz" }, H7_EXIT_USAGE, NULL, NULL, "--cfsr: 'zz' is not a 32-bit number" },
	{ { "h7jumpdiag", "decode", "--hfsr", "0x100000000" }, H7_EXIT_USAGE, NULL, NULL, "not a 32-bit number" },
	{ { "h7jumpdiag", "decode", "--cfsr", "0", "--format", "xml" }, H7_EXIT_USAGE, NULL, NULL, "unknown format 'xml'" },
	{ { "h7jumpdiag", "decode", "--cfsr", "0", "stray" }, H7_EXIT_USAGE, NULL, NULL, "unexpected argument 'stray'" },
	{ { "h7jumpdiag", "decode", "--report", "/nonexistent/r.json" }, H7_EXIT_USAGE, NULL, NULL, "cannot open" },
	{ { "h7jumpdiag", "decode", "--svd", "/nonexistent/x.svd", "--cfsr", "0" }, H7_EXIT_USAGE, NULL, NULL,
	  "--svd: cannot open" },
	{ { "h7jumpdiag", "decode", "--reg", "FOO=1" }, H7_EXIT_USAGE, NULL, NULL, "unknown register 'FOO'" },
	{ { "h7jumpdiag", "decode", "--reg", "RCC_CR" }, H7_EXIT_USAGE, NULL, NULL, "NAME=VALUE" },
	{ { "h7jumpdiag", "decode", "--reg", "RCC_CR=x" }, H7_EXIT_USAGE, NULL, NULL, "not a 32-bit number" },
	{ { "h7jumpdiag", "decode", "--cfsr", "0", "--hfsr", "0" }, H7_EXIT_OK, "no fault recorded", NULL, NULL },
	/* the list through the command line */
	{ { "h7jumpdiag", "decode", "--cfsr", "0x00008200", "--bfar", "0x1FFF9804", "--hfsr", "0x40000000" },
	  H7_EXIT_DIAGNOSIS, "precise data bus error at 0x1FFF9804", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--cfsr", "0x00008200", "--bfar", "0x1FFF9804", "--hfsr", "1073741824", "--primask",
	    "1" }, H7_EXIT_DIAGNOSIS, "PRIMASK = 1", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--cfsr", "0x00000400", "--hfsr", "0x40000000" }, H7_EXIT_DIAGNOSIS, "earlier store",
	  "BFARVALID", NULL },
	{ { "h7jumpdiag", "decode", "--cfsr", "0x00000400", "--bfar", "0x20001234", "-f", "json" }, H7_EXIT_DIAGNOSIS,
	  "\"IMPRECISERR\"", "20001234", NULL },
	{ { "h7jumpdiag", "decode", "--cfsr", "0x20" }, H7_EXIT_DIAGNOSIS, "MLSPERR", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--cfsr", "0x800" }, H7_EXIT_DIAGNOSIS, "UNSTKERR", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--cfsr", "0x20000" }, H7_EXIT_DIAGNOSIS, "Thumb bit", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--cfsr", "0x02000000" }, H7_EXIT_DIAGNOSIS, "DIVBYZERO", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--cfsr", "0x10000" }, H7_EXIT_DIAGNOSIS, "UNDEFINSTR", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--hfsr", "0x2" }, H7_EXIT_DIAGNOSIS, "VECTTBL", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--hfsr", "0x80000000" }, H7_EXIT_DIAGNOSIS, "DEBUGEVT", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--abfsr", "0x308", "--cfsr", "0x400" }, H7_EXIT_DIAGNOSIS, "AXIMTYPE=DECERR", NULL,
	  NULL },
	{ { "h7jumpdiag", "decode", "--exc-return", "0xFFFFFFED", "--psp", "0x24001000", "--cfsr", "0" }, H7_EXIT_OK,
	  "return to Thread mode, PSP, FP-extended frame", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--exc-return", "0xFFFFFFED", "--psp", "0x24001000", "--cfsr", "0" }, H7_EXIT_OK,
	  "frame at PSP 0x24001000, 0x68 bytes", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--reg", "rcc_cr=0x83", "--reg", "OTG_FS_DCTL=2" }, H7_EXIT_OK, "HSION", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--reg", "OTG_FS_DCTL=2" }, H7_EXIT_OK, "soft-disconnected", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--reg", "DBGMCU_IDC=0x20036450" }, H7_EXIT_OK, "STM32H74x/75x, revision V", NULL,
	  NULL },
	{ { "h7jumpdiag", "decode", "--svd", "tests/data/svd/mini.svd", "--reg", "TIM2.CNT=7" }, H7_EXIT_OK, "TIM2.CNT",
	  NULL, NULL },
	{ { "h7jumpdiag", "decode", "--svd", "tests/data/svd/mini.svd", "--reg", "TIM2.NOPE=7" }, H7_EXIT_USAGE, NULL,
	  NULL, "no register 'TIM2.NOPE'" },
	{ { "h7jumpdiag", "decode", "--svd", "tests/data/svd/mini.svd", "--reg", "RCC.CR=0x10" }, H7_EXIT_OK, "Div4",
	  NULL, NULL },
	/* a run report written by the tool (examples/run-seed.json): its faults, one at a time */
	{ { "h7jumpdiag", "decode", "--report", "examples/run-seed.json" }, H7_EXIT_DIAGNOSIS, "IMPRECISERR",
	  "BFARVALID", NULL },
	{ { "h7jumpdiag", "decode", "--report", "examples/run-seed.json", "--fault", "2" }, H7_EXIT_DIAGNOSIS,
	  "precise data bus error at 0x1FFF9804", NULL, NULL },
	{ { "h7jumpdiag", "decode", "--report", "examples/run-seed.json", "--fault", "3" }, H7_EXIT_USAGE, NULL, NULL,
	  "holds 2 faults, not 3" },
	{ { "h7jumpdiag", "decode", "--report", "examples/run-seed.json", "--fault", "0" }, H7_EXIT_USAGE, NULL, NULL,
	  "--fault wants a fault number" },
	{ { "h7jumpdiag", "decode", "--fault", "1" }, H7_EXIT_USAGE, NULL, NULL, "needs --report" },
	{ { "h7jumpdiag", "decode", "--report", "examples/decode-precise-read-1FFF9804.json", "--fault", "1" },
	  H7_EXIT_USAGE, NULL, NULL, "applies to run reports only" },
};

static void test_cases(void **state)
{
	(void)state;
	/* paths in the table are relative to the source tree */
	assert_int_equal(chdir(tu_src_path(".")), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct cmd_case *c = &cases[i];
		char *out, *err;
		int rc = tu_run_cli(c->argv, &out, &err);
		int ok = rc == c->status && (!c->out_has || strstr(out, c->out_has)) &&
			 (!c->out_lacks || !strstr(out, c->out_lacks)) && (!c->err_has || strstr(err, c->err_has));
		if (!ok)
			print_error("case %zu (%s %s): status %d, stdout:\n%s\nstderr:\n%s\n", i, c->argv[2],
				    c->argv[3] ? c->argv[3] : "", rc, out, err);
		assert_true(ok);
		free(out);
		free(err);
	}
}

/* decode -f json -o FILE, then decode --report FILE: the same decode */
static void test_report_round_trip(void **state)
{
	(void)state;
	char dir[] = "/tmp/h7decode.XXXXXX", path[128], bad[128];
	char *out, *err, *out2, *err2, *file;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/d.json", dir);
	{
		const char *argv[] = { "h7jumpdiag", "decode", "--cfsr", "0x00008200", "--bfar", "0x1FFF9804", "--hfsr",
				       "0x40000000", "--primask", "1", "-f", "json", "-o", path, NULL };
		assert_int_equal(tu_run_cli(argv, &out, &err), H7_EXIT_DIAGNOSIS);
		assert_string_equal(out, ""); /* went to the file */
		free(out);
		free(err);
	}
	file = tu_read_file(path, NULL);
	assert_non_null(file);
	assert_non_null(strstr(file, "\"report\":\t\"decode\""));
	free(file);
	{
		const char *argv[] = { "h7jumpdiag", "decode", "--report", path, NULL };
		assert_int_equal(tu_run_cli(argv, &out, &err), H7_EXIT_DIAGNOSIS);
		assert_non_null(strstr(out, "precise data bus error at 0x1FFF9804"));
		assert_non_null(strstr(out, "PRIMASK = 1"));
	}
	/* a value on the command line overrides the report's */
	{
		const char *argv[] = { "h7jumpdiag", "decode", "--report", path, "--cfsr", "0", "--hfsr", "0", NULL };
		assert_int_equal(tu_run_cli(argv, &out2, &err2), H7_EXIT_OK);
		assert_non_null(strstr(out2, "no fault recorded"));
		assert_null(strstr(out2, "1FFF9804")); /* BFAR without BFARVALID is not reported */
		free(out2);
		free(err2);
	}
	free(out);
	free(err);
	/* a run report without a fault: nothing to decode, and it says why */
	snprintf(bad, sizeof bad, "%s/run.json", dir);
	f = fopen(bad, "w");
	assert_non_null(f);
	fputs("{\"schema\":\"h7jumpdiag/1\",\"report\":\"run\",\"faults\":[],\"fault\":null,"
	      "\"verdict\":\"dfu-enumerated\"}",
	      f);
	fclose(f);
	{
		const char *argv[] = { "h7jumpdiag", "decode", "--report", bad, NULL };
		assert_int_equal(tu_run_cli(argv, &out, &err), H7_EXIT_USAGE);
		assert_non_null(strstr(err, "holds no fault to decode (verdict dfu-enumerated)"));
		free(out);
		free(err);
	}
	unlink(bad);
	/* malformed report: exit 2 and a clear message */
	snprintf(bad, sizeof bad, "%s/bad.json", dir);
	f = fopen(bad, "w");
	assert_non_null(f);
	fputs("{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{\"registers\":{\"CFSR\":\"banana\"}}}", f);
	fclose(f);
	{
		const char *argv[] = { "h7jumpdiag", "decode", "--report", bad, NULL };
		assert_int_equal(tu_run_cli(argv, &out, &err), H7_EXIT_USAGE);
		assert_non_null(strstr(err, "register 'CFSR'"));
		free(out);
		free(err);
	}
	/* unwritable output: exit 2 */
	{
		const char *argv[] = { "h7jumpdiag", "decode", "--cfsr", "0", "-o", "/nonexistent-dir/x.txt", NULL };
		assert_int_equal(tu_run_cli(argv, &out, &err), H7_EXIT_USAGE);
		assert_non_null(strstr(err, "cannot write"));
		free(out);
		free(err);
	}
	unlink(path);
	unlink(bad);
	rmdir(dir);
}

/* with the real SVD: RCC_CR decoded through the catalog and field by field */
static void test_real_svd(void **state)
{
	(void)state;
	const char *svd = tu_src_path("../shared/svd/STM32H745_CM7.svd");
	const char *argv[] = { "h7jumpdiag", "decode", "--svd", svd, "--reg", "RCC.CR=0x83", NULL };
	char *out, *err;

	if (access(svd, R_OK)) {
		print_message("SKIP: %s not present\n", svd);
		skip();
	}
	assert_int_equal(tu_run_cli(argv, &out, &err), H7_EXIT_OK);
	assert_non_null(strstr(out, "RCC_CR           0x00000083")); /* the catalog decode */
	assert_non_null(strstr(out, "RCC.CR 0x00000083  (0x58024400)")); /* the SVD decode */
	assert_non_null(strstr(out, "HSIDIV"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_report_round_trip),
		cmocka_unit_test(test_real_svd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
