/* Signals (issue 8): SIGINT or SIGTERM during `h7jumpdiag run`. The target is
 * reset (and runs), OpenOCD and h7sim are stopped and reaped, and a partial
 * report with verdict `error` is written, holding the steps measured so far.
 *
 * The signal is sent once the simulator has seen the run's step boundaries
 * (h7sim's bkpt_halts_cm7 counter, or the tool's progress lines), never after a
 * blind sleep. h7sim has an application in flash here, so that after the
 * tool's final reset the core runs instead of locking up on erased flash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rel.h"
#include "sim_harness.h"

#define LIMIT_MS 60000

static struct sim_harness sim;

static int sim_up(void **state)
{
	const char *args[] = { "--flash", rel_fw("tests/firmware/app-good.elf"), NULL };

	(void)state;
	memset(&sim, 0, sizeof sim);
	return sim_start(&sim, args);
}

static int sim_down(void **state)
{
	(void)state;
	sim_stop(&sim);
	return 0;
}

static void expect_interrupted(const struct rel_tool *t)
{
	const cJSON *stop = rel_obj(t->json, "stop");

	assert_non_null(t->json);
	assert_int_equal(t->status, 3); /* H7_ERROR_INTERRUPTED: EXIT STATUS 3 */
	assert_string_equal(rel_str(t->json, "verdict"), "error");
	assert_string_equal(rel_str(stop, "kind"), "interrupted");
	/* partial: what was measured before the signal is there */
	assert_true(rel_steps_with_snapshot(t->json) >= 1);
	rel_expect_flash_untouched(t->json);
}

/* Signal the tool (group: the whole process group, as a terminal's ^C does)
 * once h7sim has seen `halts` step boundaries; check the board afterwards. */
static void signal_during_run(int sig, int group)
{
	struct rel_tool t;
	const char *args[] = { "--recipe", "seed", NULL };
	struct rel_opts o = { .sim = &sim, .own_group = group != 0 };
	long long resets;
	char cm7[32];

	rel_start(&t, &o, args);
	/* the probe's first step boundaries (BKPT halts) */
	if (!rel_wait_stat(&sim, "bkpt_halts_cm7", 3, 30000)) {
		kill(t.pid, SIGKILL);
		fail_msg("the run never reached its first steps");
	}
	resets = rel_sim_stat(&sim, "system_resets");
	assert_true(resets >= 1);
	assert_int_equal(kill(group ? -t.pid : t.pid, sig), 0);
	rel_finish(&t, LIMIT_MS);
	expect_interrupted(&t);
	/* the board was reset at the end and runs: not left halted */
	assert_true(rel_sim_stat(&sim, "system_resets") > resets);
	assert_true(rel_sim_status(&sim, "cm7", cm7, sizeof cm7));
	if (strcmp(cm7, "running") && strcmp(cm7, "sleeping"))
		fail_msg("the CM7 is %s after the interrupted run", cm7);
	rel_cleanup(&t);
}

static void test_sigterm(void **state)
{
	(void)state;
	signal_during_run(SIGTERM, 0);
}

static void test_sigint(void **state)
{
	(void)state;
	signal_during_run(SIGINT, 0);
}

/* ^C in a terminal: SIGINT to the whole foreground process group. OpenOCD
 * must survive it long enough to restore the target (it runs in a group of
 * its own). */
static void test_sigint_group(void **state)
{
	(void)state;
	signal_during_run(SIGINT, 1);
}

/* The tool started h7sim and OpenOCD itself: both stopped and reaped, and
 * OpenOCD ended through `shutdown`, not killed. */
static void test_sigterm_own_children(void **state)
{
	(void)state;
	struct rel_tool t;
	const char *args[] = { "--recipe", "seed", NULL };
	struct rel_opts o = { .verbose = true, .own_group = true };
	const char *ocd_log;

	rel_start(&t, &o, args);
	if (!rel_wait_log(t.log, "step 2/", 30000)) {
		kill(t.pid, SIGKILL);
		fail_msg("the run never reached step 2");
	}
	assert_true(rel_child(t.pid, "openocd") > 0);
	assert_true(rel_child(t.pid, "h7sim") > 0);
	assert_int_equal(kill(-t.pid, SIGTERM), 0);
	rel_finish(&t, LIMIT_MS);
	expect_interrupted(&t);
	ocd_log = rel_str(t.json, "openocd_log");
	assert_true(ocd_log[0] != '\0');
	assert_true(sim_log_contains(ocd_log, "shutdown command invoked"));
	rel_cleanup(&t);
}

/* A second signal while the first is handled: the user insists, the tool
 * ends at once, still leaving no process behind. */
static void test_second_signal(void **state)
{
	(void)state;
	struct rel_tool t;
	const char *args[] = { "--recipe", "seed", NULL };
	struct rel_opts o = { .verbose = true };

	rel_start(&t, &o, args);
	if (!rel_wait_log(t.log, "step 2/", 30000)) {
		kill(t.pid, SIGKILL);
		fail_msg("the run never reached step 2");
	}
	assert_int_equal(kill(t.pid, SIGINT), 0);
	assert_int_equal(kill(t.pid, SIGINT), 0);
	rel_finish(&t, LIMIT_MS);
	/* either the first signal's orderly end won the race, or the second killed it */
	if (t.status != 3)
		assert_int_equal(t.status, 128 + SIGINT);
	rel_cleanup(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sigterm, sim_up, sim_down),
		cmocka_unit_test_setup_teardown(test_sigint, sim_up, sim_down),
		cmocka_unit_test_setup_teardown(test_sigint_group, sim_up, sim_down),
		cmocka_unit_test(test_sigterm_own_children),
		cmocka_unit_test(test_second_signal),
	};
	rel_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
