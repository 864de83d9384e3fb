/* Pure parts of process management: classifying real OpenOCD 0.12.0 logs
 * (tests/data/openocd-logs/, captured from Debian's openocd), the port line,
 * h7sim's ready line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h7jumpdiag/error.h"
#include "ocd_proc.h"
#include "testutil.h"

static void check_log(const char *file, int expect, const char *line_part)
{
	char path[256], why[160], lines[1024];
	snprintf(path, sizeof path, "tests/data/openocd-logs/%s", file);
	char *log = tu_read_file(tu_src_path(path), NULL);
	assert_non_null(log);
	int rc = ocd_proc_classify_log(log, why, sizeof why, lines, sizeof lines);
	if (rc != expect)
		print_error("%s: got %d (%s), expected %d\n", file, rc, why, expect);
	assert_int_equal(rc, expect);
	assert_true(strlen(why) > 0);
	assert_non_null(strstr(lines, line_part));
	free(log);
}

static void test_classify_real_logs(void **state)
{
	(void)state;
	check_log("missing-config.log", H7_ERROR_NOT_FOUND, "Can't find /nonexistent/board.cfg");
	check_log("bad-config.log", H7_ERROR_OPENOCD, "this_is_not_a_command");
	check_log("port-in-use.log", H7_ERROR_BUSY, "Address already in use");
	check_log("stlink-no-probe.log", H7_ERROR_NO_DEVICE, "open failed");
	check_log("stlink-hla-no-probe.log", H7_ERROR_NO_DEVICE, "open failed");
	check_log("rbb-no-sim.log", H7_ERROR_NO_DEVICE, "Failed to connect");
	check_log("target-not-answering.log", H7_ERROR_TARGET, "IR capture error");

	/* an ST-LINK/V2 firmware before J24 in DAP mode: the message of OpenOCD
	 * 0.12's stlink_usb.c (stlink_dap_init); no such probe here to record it */
	{
		char w[160], l[256];
		const char *log = "dapdirect_swd\nInfo : STLINK V2J22S4 (API v2) VID:PID 0483:3748\n"
				  "Error: ST-Link version does not support DAP direct transport\n";
		assert_int_equal(ocd_proc_classify_log(log, w, sizeof w, l, sizeof l), H7_ERROR_NOT_SUPPORTED);
		assert_non_null(strstr(w, "firmware has no DAP mode"));
	}

	char why[64], lines[64];
	assert_int_equal(ocd_proc_classify_log("Info : all fine\n", why, sizeof why, lines, sizeof lines),
			 H7_ERROR_SPAWN);
	assert_string_equal(lines, "");
	assert_int_equal(ocd_proc_classify_log(NULL, why, sizeof why, NULL, 0), H7_ERROR_SPAWN);
}

static void test_find_port(void **state)
{
	(void)state;
	const char *log = "Info : Listening on port 6666 for tcl connections\n"
			  "Info : Listening on port 3333 for gdb connections\n"
			  "Info : Listening on port 3334 for gdb connections\n";
	assert_int_equal(ocd_proc_find_port(log, "tcl"), 6666);
	assert_int_equal(ocd_proc_find_port(log, "gdb"), 3333);
	assert_int_equal(ocd_proc_find_port(log, "telnet"), 0);
	assert_int_equal(ocd_proc_find_port("Listening on port 99999 for tcl connections", "tcl"), 0);
	assert_int_equal(ocd_proc_find_port("Listening on port x for tcl connections", "tcl"), 0);
	assert_int_equal(ocd_proc_find_port(NULL, "tcl"), 0);
}

static void test_sim_ready_line(void **state)
{
	(void)state;
	uint16_t rbb = 0, ctl = 0;
	assert_int_equal(ocd_sim_parse_ready("h7sim ready rbb-port=40001 ctl-port=40002", &rbb, &ctl), 0);
	assert_int_equal(rbb, 40001);
	assert_int_equal(ctl, 40002);
	assert_int_equal(ocd_sim_parse_ready("h7sim ready rbb-port=1 ctl-port=2\n", &rbb, &ctl), 0);
	static const char *const bad[] = {
		"h7sim ready", "h7sim ready rbb-port=0 ctl-port=2", "h7sim ready rbb-port=70000 ctl-port=2",
		"h7sim ready rbb-port=1 ctl-port=2x", "error: cannot bind", "", "h7sim ready ctl-port=1 rbb-port=2",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ocd_sim_parse_ready(bad[i], &rbb, &ctl), H7_ERROR_PARSE);
	assert_int_equal(ocd_sim_parse_ready(NULL, &rbb, &ctl), H7_ERROR_PARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_real_logs),
		cmocka_unit_test(test_find_port),
		cmocka_unit_test(test_sim_ready_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
