/* h7sim's USB bus on the control socket, with firmware really running:
 * a correct jump to the ROM at 0x1FF09800 makes the DFU device appear; with
 * PRIMASK left set, or from a handler of the OTG interrupt's priority, the
 * host's enumeration fails; an application that left its CDC device connected
 * keeps the host from ever seeing the DFU device unless the ROM pulses a soft
 * disconnect (--rom-sdis-pulse-us); power-cycle detaches. */
#include "simtest.h"

static struct sim_harness h;

static int start(struct sim_harness *hh, const char *const *args)
{
	char reply[256];

	if (sim_start(hh, args) != 0 || sim_openocd(hh, false) != 0) {
		sim_stop(hh);
		return -1;
	}
	if (sim_ctl(hh, "subscribe usb", reply, sizeof(reply)) != 0 || strcmp(reply, "ok")) {
		sim_stop(hh);
		return -1;
	}
	st_do(hh, "halt");
	free(st_ok(hh, "load_image %s 0x%08x bin", sim_fw_path("tests/sim/fw/testfw.bin"), TESTFW_BASE));
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return start(&h, NULL);
}

static int teardown(void **state)
{
	(void)state;
	return sim_stop(&h) == 0 ? 0 : -1;
}

/* an event line; fails the test if it does not come */
static void expect_event(struct sim_harness *hh, const char *prefix, char *line, size_t cap)
{
	if (sim_ctl_event(hh, prefix, line, cap, 10000) != 0) {
		print_error("no '%s' event (h7sim log %s)\n", prefix, hh->sim_log);
		fail();
	}
}

static void usb_state(struct sim_harness *hh, char *v, size_t cap)
{
	char reply[512];

	assert_int_equal(sim_ctl(hh, "usb", reply, sizeof(reply)), 0);
	assert_non_null(st_kv(reply, "attached", v, cap));
}

static void test_jump_to_rom_enumerates_dfu(void **state)
{
	char line[512], v[64], reply[512];

	(void)state;
	st_run_entry(&h, TF_JUMP_ROM, TESTFW_STACK, 0);
	expect_event(&h, "event usb pullup state=on", line, sizeof(line));
	expect_event(&h, "event usb attach", line, sizeof(line));
	assert_string_equal(st_kv(line, "dev", v, sizeof(v)), "dfu");
	assert_string_equal(st_kv(line, "vid", v, sizeof(v)), "0483");
	assert_string_equal(st_kv(line, "pid", v, sizeof(v)), "df11");
	assert_string_equal(st_kv(line, "bcd", v, sizeof(v)), "0200");
	assert_string_equal(st_kv(line, "serial", v, sizeof(v)), "200364500000");
	assert_string_equal(st_kv(line, "port", v, sizeof(v)), "1-1");
	assert_true(st_kv_num(line, "sim_ns") > 100000000ull); /* after the 100 ms connect debounce */
	assert_non_null(st_kv(line, "mono_ms", v, sizeof(v)));
	assert_non_null(strchr(v, '.'));
	usb_state(&h, v, sizeof(v));
	assert_string_equal(v, "dfu");
	assert_int_equal(sim_ctl(&h, "status", reply, sizeof(reply)), 0);
	assert_string_equal(st_kv(reply, "usb", v, sizeof(v)), "dfu");
	/* the ROM waits in WFI, in its own code */
	assert_string_equal(st_kv(reply, "cm7", v, sizeof(v)), "sleeping");
	st_do(&h, "halt");
	assert_true(st_reg(&h, "pc") - 0x1FF00000u < 0x20000u);
	assert_int_equal(st_rd(&h, ST_VTOR), 0x1FF09800u); /* the ROM set its VTOR */
	assert_int_equal(st_reg(&h, "xPSR") & 0x1FFu, 0u);
}

static void test_reset_detaches(void **state)
{
	char line[512], v[64];

	(void)state;
	/* the OTG core is reset: the pull-up drops, the host sees a detach */
	st_do(&h, "reset halt");
	expect_event(&h, "event usb detach", line, sizeof(line));
	assert_string_equal(st_kv(line, "dev", v, sizeof(v)), "dfu");
	usb_state(&h, v, sizeof(v));
	assert_string_equal(v, "none");
}

static void expect_enum_failure(const char *reason)
{
	char line[512], v[64];

	expect_event(&h, "event usb pullup state=on", line, sizeof(line));
	expect_event(&h, "event usb enum-failed", line, sizeof(line));
	assert_string_equal(st_kv(line, "dev", v, sizeof(v)), "dfu");
	assert_string_equal(st_kv(line, "reason", v, sizeof(v)), reason);
	usb_state(&h, v, sizeof(v));
	assert_string_equal(v, "none");
	st_do(&h, "halt");
	/* still in the ROM, which never got to service its interrupt */
	assert_true(st_reg(&h, "pc") - 0x1FF00000u < 0x20000u);
}

static void test_jump_with_primask_set_never_enumerates(void **state)
{
	(void)state;
	st_run_entry(&h, TF_JUMP_ROM_MASKED, TESTFW_STACK, 0);
	expect_enum_failure("no-reset-serviced");
	assert_int_equal(st_reg(&h, "primask"), 1u);
}

static void test_jump_from_handler_never_enumerates(void **state)
{
	(void)state;
	st_run_entry(&h, TF_JUMP_FROM_HANDLER, TESTFW_STACK, 0);
	expect_enum_failure("no-reset-serviced");
	assert_int_equal(st_reg(&h, "xPSR") & 0x1FFu, 14u); /* still in PendSV */
}

/* the application connected its CDC device and then jumps without disconnecting */
static void app_then_jump(struct sim_harness *hh)
{
	char line[512], v[64];

	st_run_entry(hh, TF_APP_CDC, TESTFW_STACK, 5000);
	expect_event(hh, "event usb attach", line, sizeof(line));
	assert_string_equal(st_kv(line, "dev", v, sizeof(v)), "app");
	assert_string_equal(st_kv(line, "pid", v, sizeof(v)), "5740");
	assert_string_equal(st_kv(line, "serial", v, sizeof(v)), "h7sim-app");
	assert_true(st_at_bkpt(hh));
	assert_int_not_equal(st_rd(hh, TESTFW_RESULT + 24), 0u); /* the address it took */
	/* jump to the ROM from here, without a reset */
	free(st_ok(hh, "reg pc 0x%08x", st_rd(hh, TESTFW_ENTRIES + 4 * TF_JUMP_ROM) & ~1u));
	st_do(hh, "resume");
}

static void test_app_device_left_connected(void **state)
{
	char line[512], v[64];

	(void)state;
	st_do(&h, "reset halt");
	app_then_jump(&h);
	/* the ROM re-initialises OTG_FS but the pull-up never drops: no detach,
	 * no new enumeration, the host still sees the application's device */
	assert_int_not_equal(sim_ctl_event(&h, "event usb", line, sizeof(line), 500), 0);
	usb_state(&h, v, sizeof(v));
	assert_string_equal(v, "app");
	st_do(&h, "halt");
	assert_true(st_reg(&h, "pc") - 0x1FF00000u < 0x20000u);
}

static void test_power_cycle_detaches(void **state)
{
	char line[512], v[64], reply[256];

	(void)state;
	assert_int_equal(sim_ctl(&h, "power-cycle", reply, sizeof(reply)), 0);
	assert_string_equal(reply, "ok");
	expect_event(&h, "event usb detach", line, sizeof(line));
	assert_string_equal(st_kv(line, "dev", v, sizeof(v)), "app");
	usb_state(&h, v, sizeof(v));
	assert_string_equal(v, "none");
}

static void test_rom_sdis_pulse_reenumerates(void **state)
{
	struct sim_harness m;
	const char *args[] = { "--rom-sdis-pulse-us", "20000", NULL };
	char line[512], v[64];

	(void)state;
	assert_int_equal(start(&m, args), 0);
	app_then_jump(&m);
	/* with the (optional) soft-disconnect pulse the host sees the app leave
	 * and the DFU device arrive */
	expect_event(&m, "event usb pullup state=off", line, sizeof(line));
	expect_event(&m, "event usb detach", line, sizeof(line));
	assert_string_equal(st_kv(line, "dev", v, sizeof(v)), "app");
	expect_event(&m, "event usb attach", line, sizeof(line));
	assert_string_equal(st_kv(line, "dev", v, sizeof(v)), "dfu");
	assert_int_equal(sim_stop(&m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jump_to_rom_enumerates_dfu),
		cmocka_unit_test(test_reset_detaches),
		cmocka_unit_test(test_jump_with_primask_set_never_enumerates),
		cmocka_unit_test(test_jump_from_handler_never_enumerates),
		cmocka_unit_test(test_app_device_left_connected),
		cmocka_unit_test(test_power_cycle_detaches),
		cmocka_unit_test(test_rom_sdis_pulse_reenumerates),
	};

	return cmocka_run_group_tests_name("h7sim USB", tests, setup, teardown);
}
