/* h7sim faults through the real OpenOCD: precise and imprecise BusFaults,
 * escalation to HardFault (FORCED), vector catch before the handler's first
 * instruction, the seed case's D-cache junk write-back (IMPRECISERR) and, with
 * --dcache-junk mapped, its precise fault at 0x1FFF9804, MPU faults, lockup,
 * the stuck supply and power-cycle. */
#include "simtest.h"

#define CFSR_IACCVIOL 0x1u
#define CFSR_DACCVIOL 0x2u
#define CFSR_MMARVALID 0x80u
#define CFSR_PRECISERR 0x200u
#define CFSR_IMPRECISERR 0x400u
#define CFSR_BFARVALID 0x8000u
#define HFSR_FORCED 0x40000000u

static struct sim_harness h;

static void prepare(struct sim_harness *hh)
{
	st_do(hh, "targets stm32h7x.cpu0");
	st_do(hh, "halt");
	free(st_ok(hh, "load_image %s 0x%08x bin", sim_fw_path("tests/sim/fw/testfw.bin"), TESTFW_BASE));
	/* what the runner does: catch every fault at exception entry */
	st_do(hh, "cortex_m vector_catch hard_err bus_err mm_err chk_err nocp_err state_err int_err");
}

static int setup(void **state)
{
	(void)state;
	if (sim_start(&h, NULL) != 0 || sim_openocd(&h, true) != 0) {
		sim_stop(&h);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return sim_stop(&h) == 0 ? 0 : -1;
}

/* halted by vector catch: on the first instruction of handler `exc`, IPSR = exc */
static void expect_caught(struct sim_harness *hh, unsigned exc)
{
	uint32_t handler = st_rd(hh, TESTFW_BASE + 4 * exc) & ~1u;

	assert_int_equal(st_reg(hh, "pc"), handler);
	assert_int_equal(st_reg(hh, "xPSR") & 0x1FFu, exc);
}

static uint32_t stacked_pc(struct sim_harness *hh)
{
	return st_rd(hh, st_reg(hh, "msp") + 24);
}

static uint32_t entry(struct sim_harness *hh, unsigned e)
{
	return st_rd(hh, TESTFW_ENTRIES + 4 * e) & ~1u;
}

static void test_primask_load_forced_hardfault(void **state)
{
	(void)state;
	prepare(&h);
	st_run_entry(&h, TF_PRIMASK_LOAD, TESTFW_STACK, 5000);
	expect_caught(&h, 3);
	assert_int_equal(st_rd(&h, ST_CFSR), CFSR_PRECISERR | CFSR_BFARVALID);
	assert_int_equal(st_rd(&h, ST_HFSR), HFSR_FORCED);
	assert_int_equal(st_rd(&h, ST_BFAR), 0x1FFF9804u);
	/* the stacked PC is the faulting load itself (cpsid i; ldr r0, =..; ldr r1, [r0]) */
	assert_int_equal(stacked_pc(&h), entry(&h, TF_PRIMASK_LOAD) + 4);
	assert_int_equal(st_reg(&h, "primask"), 1u);
}

static void test_busfault_enabled_takes_busfault(void **state)
{
	(void)state;
	st_run_entry(&h, TF_BUSFAULT_LOAD, TESTFW_STACK, 5000);
	expect_caught(&h, 5);
	assert_int_equal(st_rd(&h, ST_CFSR), CFSR_PRECISERR | CFSR_BFARVALID);
	assert_int_equal(st_rd(&h, ST_HFSR), 0u);
	assert_int_equal(st_rd(&h, ST_BFAR), 0x1FFF9804u);
	assert_true(st_rd(&h, ST_SHCSR) & 0x2u); /* BUSFAULTACT */
}

static void test_store_to_reserved_is_imprecise(void **state)
{
	uint32_t e, pc;

	(void)state;
	st_run_entry(&h, TF_STORE_RESERVED, TESTFW_STACK, 5000);
	expect_caught(&h, 3);
	assert_true(st_rd(&h, ST_CFSR) & CFSR_IMPRECISERR);
	assert_false(st_rd(&h, ST_CFSR) & CFSR_BFARVALID);
	assert_false(st_rd(&h, ST_CFSR) & CFSR_PRECISERR);
	assert_int_equal(st_rd(&h, ST_HFSR), HFSR_FORCED);
	/* the error arrived a few instructions after the store (ldr; movs; str at +4) */
	e = entry(&h, TF_STORE_RESERVED);
	pc = stacked_pc(&h);
	assert_true(pc > e + 4 && pc <= e + 24);
	assert_true(st_rd(&h, ST_ABFSR) & 0x8u); /* AXIM */
}

static void test_seed_case_dcache_step_imprecise(void **state)
{
	char reply[512];
	unsigned long long be0;

	(void)state;
	assert_int_equal(sim_ctl(&h, "stats", reply, sizeof(reply)), 0);
	be0 = st_kv_num(reply, "bus_errors");
	/* default --seed and --dcache-junk mixed: the CMSIS 5 clean+invalidate
	 * writes junk lines back, one to reserved space */
	st_run_entry(&h, TF_SEED, TESTFW_STACK, 5000);
	expect_caught(&h, 3);
	assert_int_equal(st_rd(&h, TESTFW_STEP), 3u); /* the SCB_DisableDCache step */
	assert_true(st_rd(&h, ST_CFSR) & CFSR_IMPRECISERR);
	assert_false(st_rd(&h, ST_CFSR) & CFSR_BFARVALID);
	assert_int_equal(st_rd(&h, ST_HFSR), HFSR_FORCED);
	assert_int_equal(sim_ctl(&h, "stats", reply, sizeof(reply)), 0);
	assert_true(st_kv_num(reply, "bus_errors") > be0);
	assert_int_equal(st_kv_num(reply, "flash_write_attempts"), 0);
}

static void test_fetch_from_reserved_is_ibuserr(void **state)
{
	(void)state;
	st_do(&h, "reset halt");
	free(st_ok(&h, "mww 0x%08x 0x%08x", ST_VTOR, TESTFW_BASE));
	free(st_ok(&h, "reg msp 0x%08x", TESTFW_STACK));
	st_do(&h, "reg pc 0x30100000");
	st_do(&h, "resume");
	free(st_ok(&h, "wait_halt 5000"));
	expect_caught(&h, 3);
	assert_int_equal(st_rd(&h, ST_CFSR), 0x100u); /* IBUSERR */
	assert_int_equal(st_rd(&h, ST_HFSR), HFSR_FORCED);
	assert_int_equal(stacked_pc(&h), 0x30100000u);
}

static void test_mpu_execute_never(void **state)
{
	(void)state;
	st_run_entry(&h, TF_MPU_XN, TESTFW_STACK, 5000);
	expect_caught(&h, 3);
	assert_int_equal(st_rd(&h, ST_CFSR), CFSR_IACCVIOL);
	assert_int_equal(st_rd(&h, ST_HFSR), HFSR_FORCED);
	/* the core was about to run the ROM's reset handler */
	assert_int_equal(stacked_pc(&h), st_rd(&h, 0x1FF09804u) & ~1u);
}

static void test_mpu_no_access(void **state)
{
	(void)state;
	st_run_entry(&h, TF_MPU_DATA, TESTFW_STACK, 5000);
	expect_caught(&h, 3);
	assert_int_equal(st_rd(&h, ST_CFSR), CFSR_DACCVIOL | CFSR_MMARVALID);
	assert_int_equal(st_rd(&h, 0xE000ED34u), 0x38000100u); /* MMFAR */
	/* a reset turns the MPU off again */
	st_do(&h, "reset halt");
	assert_int_equal(st_rd(&h, 0xE000ED94u), 0u);
}

static void test_lockup(void **state)
{
	char reply[512], v[32];

	(void)state;
	/* without vector catch, a fault with FAULTMASK set cannot escalate: lockup */
	st_do(&h, "cortex_m vector_catch none");
	st_do(&h, "reset halt");
	free(st_ok(&h, "reg pc 0x%08x", entry(&h, TF_PRIMASK_LOAD)));
	free(st_ok(&h, "reg msp 0x%08x", TESTFW_STACK));
	free(st_ok(&h, "mww 0x%08x 0x%08x", ST_VTOR, TESTFW_BASE));
	st_do(&h, "reg faultmask 1");
	st_do(&h, "resume");
	usleep(50000);
	assert_int_equal(sim_ctl(&h, "status", reply, sizeof(reply)), 0);
	assert_non_null(st_kv(reply, "cm7", v, sizeof(v)));
	assert_string_equal(v, "lockup");
	st_do(&h, "halt");
	st_do(&h, "cortex_m vector_catch hard_err bus_err mm_err chk_err nocp_err state_err int_err");
}

static void test_supply_stuck_until_power_cycle(void **state)
{
	char reply[512], v[32];

	(void)state;
	st_run_entry(&h, TF_SUPPLY_LDO, TESTFW_STACK, 5000);
	/* LDO configuration on the direct-SMPS disco board: ACTVOSRDY never comes */
	assert_int_equal(st_rd(&h, TESTFW_RESULT + 32), 100000u);
	assert_int_equal(sim_ctl(&h, "status", reply, sizeof(reply)), 0);
	assert_string_equal(st_kv(reply, "supply", v, sizeof(v)), "stuck");
	/* a system reset does not help, the supply lock is kept */
	st_do(&h, "reset halt");
	assert_int_equal(sim_ctl(&h, "status", reply, sizeof(reply)), 0);
	assert_string_equal(st_kv(reply, "supply", v, sizeof(v)), "stuck");
	assert_false(st_rd(&h, 0x58024804u) & (1u << 13));
	/* power-cycle: supply lock released, RAM cleared */
	assert_int_equal(sim_ctl(&h, "power-cycle", reply, sizeof(reply)), 0);
	assert_string_equal(reply, "ok");
	assert_int_equal(sim_ctl(&h, "status", reply, sizeof(reply)), 0);
	assert_string_equal(st_kv(reply, "supply", v, sizeof(v)), "ok");
	assert_string_equal(st_kv(reply, "power", v, sizeof(v)), "on");
	st_do(&h, "halt");
	assert_true(st_rd(&h, 0x58024804u) & (1u << 13));
	assert_int_equal(st_rd(&h, TESTFW_ENTRIES), 0u); /* the firmware is gone */
}

/* a second simulator: with junk write-backs only to mapped RAM, the first fault
 * of the seed case is the precise read of 0x1FFF9804 */
static void test_seed_case_mapped_junk_precise(void **state)
{
	struct sim_harness m;
	const char *args[] = { "--dcache-junk", "mapped", NULL };
	char *r;
	int nonzero = 0;

	(void)state;
	assert_int_equal(sim_start(&m, args), 0);
	if (sim_openocd(&m, false) != 0) {
		sim_stop(&m);
		fail();
	}
	prepare(&m);
	st_run_entry(&m, TF_SEED, TESTFW_STACK, 5000);
	expect_caught(&m, 3);
	assert_int_equal(st_rd(&m, TESTFW_STEP), 6u); /* the vector read */
	assert_int_equal(st_rd(&m, ST_CFSR), CFSR_PRECISERR | CFSR_BFARVALID);
	assert_int_equal(st_rd(&m, ST_BFAR), 0x1FFF9804u);
	assert_int_equal(st_rd(&m, ST_HFSR), HFSR_FORCED);
	/* the junk really landed in SRAM4 (zero at power-on) */
	r = st_ok(&m, "read_memory 0x38000000 32 16384");
	for (char *p = r; *p; p++)
		if (p[0] == '0' && p[1] == 'x' && !(p[2] == '0' && (p[3] == ' ' || !p[3])))
			nonzero++;
	free(r);
	assert_true(nonzero > 0);
	assert_int_equal(sim_stop(&m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_primask_load_forced_hardfault),
		cmocka_unit_test(test_busfault_enabled_takes_busfault),
		cmocka_unit_test(test_store_to_reserved_is_imprecise),
		cmocka_unit_test(test_seed_case_dcache_step_imprecise),
		cmocka_unit_test(test_fetch_from_reserved_is_ibuserr),
		cmocka_unit_test(test_mpu_execute_never),
		cmocka_unit_test(test_mpu_no_access),
		cmocka_unit_test(test_lockup),
		cmocka_unit_test(test_supply_stuck_until_power_cycle),
		cmocka_unit_test(test_seed_case_mapped_junk_precise),
	};

	return cmocka_run_group_tests_name("h7sim faults", tests, setup, teardown);
}
