/* h7sim through the real OpenOCD 0.12: examine both cores, halt/step/reg,
 * memory access, reset halt, flash probe, load_image + resume + BKPT, the CM4
 * through AP3, and the debugger's view of system memory and flash. One h7sim +
 * OpenOCD pair serves the whole program. */
#include "simtest.h"

static struct sim_harness h;
static char flash_bin[512];

/* a raw image for flash bank 2 (the CM4's boot address 0x08100000): vector
 * table (SP at the top of SRAM4, reset 0x08100009) and `b .` */
static const uint32_t flash_words[] = { 0x38010000u, 0x08100009u, 0xE7FEE7FEu, 0xE7FEE7FEu };

static int setup(void **state)
{
	char arg[600], elf[600];
	/* bank 1 from an ELF file (PT_LOAD segments), bank 2 from FILE.bin@ADDR */
	const char *args[] = { "--flash", elf, "--flash", arg, NULL };

	(void)state;
	st_write_words(flash_bin, sizeof(flash_bin), flash_words, 4);
	snprintf(arg, sizeof(arg), "%s@0x08100000", flash_bin);
	snprintf(elf, sizeof(elf), "%s", sim_fw_path("tests/sim/fw/flashfw.elf"));
	if (sim_start(&h, args) != 0 || sim_openocd(&h, true) != 0) {
		sim_stop(&h);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	int rc;

	(void)state;
	rc = sim_stop(&h);
	unlink(flash_bin);
	if (rc != 0)
		fprintf(stderr, "h7sim exit status %d (log %s)\n", rc, h.sim_log);
	return rc == 0 ? 0 : -1;
}

static void test_examine(void **state)
{
	char *t;

	(void)state;
	assert_true(sim_log_contains(h.ocd_log, "Cortex-M7 r1p1 processor detected"));
	assert_true(sim_log_contains(h.ocd_log, "Cortex-M4 r0p1 processor detected"));
	assert_true(sim_log_contains(h.ocd_log, "tap/device found: 0x6ba00477"));
	t = st_ok(&h, "targets");
	assert_non_null(strstr(t, "stm32h7x.cpu0"));
	assert_non_null(strstr(t, "stm32h7x.cpu1"));
	free(t);
}

static void test_ids_and_flash_probe(void **state)
{
	char *r;

	(void)state;
	st_do(&h, "targets stm32h7x.cpu0");
	/* DBGMCU_IDC: DEV_ID 0x450, REV_ID 0x2003 (rev V) */
	assert_int_equal(st_rd(&h, 0x5C001000u), 0x20036450u);
	/* and the same register on the debug APB through AP2 */
	r = st_ok(&h, "stm32h7x.ap2 read_memory 0xE00E1000 32 1");
	assert_int_equal(strtoul(r, NULL, 0), 0x20036450u);
	free(r);
	r = st_ok(&h, "capture {flash probe 0}");
	free(r);
	assert_true(sim_log_contains(h.ocd_log, "Device: STM32H74x/75x"));
	assert_true(sim_log_contains(h.ocd_log, "flash size probed value 2048k"));
}

static void test_system_memory(void **state)
{
	char *r = NULL;
	uint32_t sp, pc;

	(void)state;
	sp = st_rd(&h, 0x1FF09800u);
	pc = st_rd(&h, 0x1FF09804u);
	/* the ROM's vector table: SP in bootloader RAM, reset handler in system memory */
	assert_true(sp >= 0x20004100u && sp <= 0x20020000u);
	assert_true(pc >= 0x1FF09800u && pc < 0x1FF20000u && (pc & 1u));
	/* 0x1FFF9800 is reserved on the H7: the debugger gets a bus error */
	assert_int_not_equal(sim_tcl_ok(&h, "read_memory 0x1FFF9800 32 1", &r), 0);
	free(r);
	assert_int_not_equal(sim_tcl_ok(&h, "read_memory 0x1FFF9804 32 1", &r), 0);
	free(r);
	/* the DAP recovers: the next access works */
	r = st_ok(&h, "read_memory 0x1FF1E880 16 1");
	assert_int_equal(strtoul(r, NULL, 0), 0x0800);
	free(r);
	r = st_ok(&h, "read_memory 0x1FF1E7FE 8 1");
	assert_int_equal(strtoul(r, NULL, 0), 0x91);
	free(r);
}

static void test_memory_access(void **state)
{
	char *r;

	(void)state;
	st_do(&h, "write_memory 0x24010000 32 {0x11 0x22 0x33 0xdeadbeef}");
	r = st_ok(&h, "read_memory 0x24010000 32 4");
	assert_string_equal(r, "0x11 0x22 0x33 0xdeadbeef");
	free(r);
	st_do(&h, "write_memory 0x24010001 8 {0xaa 0xbb}");
	assert_int_equal(st_rd(&h, 0x24010000u), 0x00BBAA11u);
	st_do(&h, "write_memory 0x30000002 16 {0x1234}");
	r = st_ok(&h, "read_memory 0x30000000 16 2");
	assert_string_equal(r, "0x0 0x1234");
	free(r);
}

static void test_reset_halt(void **state)
{
	(void)state;
	st_do(&h, "targets stm32h7x.cpu0");
	st_do(&h, "reset halt");
	/* halted at the reset vector of the flash image (vector catch: OpenOCD
	 * reads and clears DFSR itself), before the first instruction */
	assert_int_equal(st_reg(&h, "pc"), 0x08000008u);
	assert_int_equal(st_reg(&h, "msp"), 0x24080000u);
	assert_int_equal(st_rd(&h, ST_VTOR), 0x08000000u);
	usleep(20000);
	assert_int_equal(st_reg(&h, "pc"), 0x08000008u);
	/* the image runs: ldr r0, =0x600D5EED; 1: adds r1, #1; b 1b */
	st_do(&h, "step");
	assert_int_equal(st_reg(&h, "r0"), 0x600D5EEDu);
	/* the CM4 boots from BOOT_CM4_ADD0 (0x08100000) */
	st_do(&h, "targets stm32h7x.cpu1");
	st_do(&h, "reset halt");
	assert_int_equal(st_reg(&h, "pc"), 0x08100008u);
	assert_int_equal(st_reg(&h, "msp"), 0x38010000u);
	st_do(&h, "targets stm32h7x.cpu0");
}

static void test_halt_step_reg(void **state)
{
	uint32_t pc, r0a, r0b, loop;
	char *r;

	(void)state;
	loop = st_rd(&h, TESTFW_ENTRIES + 4 * TF_LOOP) & ~1u;
	/* DWT_CYCCNT on (OpenOCD set DEMCR.TRCENA at examine) */
	st_do(&h, "mww 0xE0001004 0");
	st_do(&h, "mww 0xE0001000 1");
	st_run_entry(&h, TF_LOOP, TESTFW_STACK, 0);
	usleep(20000);
	r = st_ok(&h, "[target current] curstate");
	assert_string_equal(r, "running");
	free(r);
	st_do(&h, "halt");
	pc = st_reg(&h, "pc");
	assert_true(pc == loop || pc == loop + 2);
	r0a = st_reg(&h, "r0");
	assert_true(r0a > 1000); /* it really ran */
	/* two instructions per iteration, one cycle each */
	assert_true(st_rd(&h, 0xE0001004u) >= 2 * r0a);
	st_do(&h, "step");
	st_do(&h, "step");
	r0b = st_reg(&h, "r0");
	assert_int_equal(r0b, r0a + 1);
	assert_int_equal(st_reg(&h, "pc"), pc);
	/* a register written through the debugger is what the core uses */
	st_do(&h, "reg r0 0x100");
	st_do(&h, "step");
	st_do(&h, "step");
	assert_int_equal(st_reg(&h, "r0"), 0x101u);
}

static void test_fp_registers(void **state)
{
	char *r;

	(void)state;
	st_do(&h, "targets stm32h7x.cpu0");
	st_do(&h, "reset halt");
	/* FPv5-D16: OpenOCD shows d0-d15, moved as S register pairs through DCRSR */
	st_do(&h, "reg d2 0x400921fb54442d18");
	st_do(&h, "reg fpscr 0x03000000");
	st_do(&h, "reg r7 0x77");
	/* written back when the core resumes, read back from the core */
	st_do(&h, "resume");
	st_do(&h, "halt");
	r = st_ok(&h, "get_reg -force {d2}");
	assert_string_equal(r, "d2 0x400921fb54442d18");
	free(r);
	assert_int_equal(st_reg(&h, "fpscr"), 0x03000000u);
	assert_int_equal(st_reg(&h, "r7"), 0x77u);
	assert_int_equal(st_reg(&h, "control") & 3u, 0u);
}

static void test_load_image_and_run(void **state)
{
	(void)state;
	st_do(&h, "targets stm32h7x.cpu0");
	st_do(&h, "halt");
	free(st_ok(&h, "load_image %s 0x%08x bin", sim_fw_path("tests/sim/fw/testfw.bin"), TESTFW_BASE));
	st_do(&h, "write_memory 0x24070000 32 {0 0 0 0}");
	st_run_entry(&h, TF_COMPUTE, TESTFW_STACK, 5000);
	/* halted on the routine's BKPT */
	assert_true(st_at_bkpt(&h));
	assert_int_equal(st_rd(&h, TESTFW_RESULT + 0), 6765u);       /* fib(20) */
	assert_int_equal(st_rd(&h, TESTFW_RESULT + 4), 500500u);     /* sum 1..1000 */
	assert_int_equal(st_rd(&h, TESTFW_RESULT + 8), 0xCBF43926u); /* crc32("123456789") */
	assert_int_equal(st_rd(&h, TESTFW_RESULT + 12), 2537u);      /* 3.5 * 7.25 * 100, in double */
}

static void test_systick_interrupts(void **state)
{
	(void)state;
	st_do(&h, "targets stm32h7x.cpu0");
	st_run_entry(&h, TF_SYSTICK, TESTFW_STACK, 5000);
	assert_true(st_at_bkpt(&h));
	assert_int_equal(st_rd(&h, TESTFW_RESULT + 16), 10u); /* ten SysTick exceptions */
	assert_int_equal(st_rd(&h, TESTFW_RESULT + 20), 1u);  /* FP context survived them */
	assert_int_equal(st_reg(&h, "xPSR") & 0x1FFu, 0u);   /* back in Thread mode */
}

static void test_cm4(void **state)
{
	uint32_t pc, entry;

	(void)state;
	st_do(&h, "targets stm32h7x.cpu1");
	st_run_entry(&h, TF_CM4_COMPUTE, 0x24078000u, 5000);
	assert_true(st_rd(&h, 0xE000ED00u) == 0x410FC241u); /* the CM4's CPUID through AP3 */
	assert_int_equal(st_rd(&h, TESTFW_RESULT + 0x44), 610u); /* fib(15) */
	assert_int_not_equal(st_rd(&h, TESTFW_RESULT + 0x40), 0u);
	assert_true(st_at_bkpt(&h));
	/* single steps on the CM4, from the routine's first instruction */
	entry = st_rd(&h, TESTFW_ENTRIES + 4 * TF_CM4_COMPUTE) & ~1u;
	free(st_ok(&h, "reg pc 0x%08x", entry));
	st_do(&h, "step");
	pc = st_reg(&h, "pc");
	assert_true(pc > entry && pc <= entry + 4);
	st_do(&h, "step");
	assert_true(st_reg(&h, "pc") != pc);
	st_do(&h, "targets stm32h7x.cpu0");
}

static void test_flash_is_never_written(void **state)
{
	char reply[512], *r = NULL;
	unsigned long long before;

	(void)state;
	assert_int_equal(sim_ctl(&h, "stats", reply, sizeof(reply)), 0);
	before = st_kv_num(reply, "flash_write_attempts");
	/* the debugger's write is refused with a bus error */
	assert_int_not_equal(sim_tcl_ok(&h, "write_memory 0x08000100 32 {0x12345678}", &r), 0);
	free(r);
	/* firmware's write is dropped */
	st_do(&h, "targets stm32h7x.cpu0");
	st_run_entry(&h, TF_FLASH_WRITE, TESTFW_STACK, 5000);
	assert_int_not_equal(st_rd(&h, TESTFW_RESULT + 28), 0x12345678u);
	assert_int_equal(st_rd(&h, 0x08000100u), 0xFFFFFFFFu);
	assert_int_equal(sim_ctl(&h, "stats", reply, sizeof(reply)), 0);
	assert_int_equal(st_kv_num(reply, "flash_write_attempts"), before + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examine),
		cmocka_unit_test(test_ids_and_flash_probe),
		cmocka_unit_test(test_system_memory),
		cmocka_unit_test(test_memory_access),
		cmocka_unit_test(test_reset_halt),
		cmocka_unit_test(test_fp_registers),
		cmocka_unit_test(test_load_image_and_run),
		cmocka_unit_test(test_halt_step_reg),
		cmocka_unit_test(test_systick_interrupts),
		cmocka_unit_test(test_cm4),
		cmocka_unit_test(test_flash_is_never_written),
	};

	return cmocka_run_group_tests_name("h7sim + OpenOCD", tests, setup, teardown);
}
