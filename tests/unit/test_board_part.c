/* Board profiles and STM32 part tables: lookups, OpenOCD argument building,
 * the DEV_ID/REV_ID and bootloader-address tables, and the write/load policy
 * of the memory map (flash, option bytes, the FLASH controller are refused). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "board.h"
#include "h7jumpdiag/error.h"
#include "part.h"

static int argv_has(const char *const *argv, const char *s)
{
	for (size_t i = 0; argv[i]; i++)
		if (strcmp(argv[i], s) == 0)
			return 1;
	return 0;
}

static void test_boards(void **state)
{
	(void)state;
	size_t n;
	const struct board *b = board_list(&n);
	assert_int_equal(n, 5);
	assert_string_equal(b[0].name, "sim");
	assert_true(b[0].simulated);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(board_find(b[i].name), &b[i]);
		assert_non_null(strstr(board_names(), b[i].name));
		/* no board sources OpenOCD's board files (their reset-init reprograms clocks) */
		for (size_t k = 0; b[i].openocd_args[k]; k++)
			assert_null(strstr(b[i].openocd_args[k], "board/"));
		assert_true(argv_has(b[i].openocd_args, "target/stm32h7x_dual_bank.cfg"));
		assert_int_equal(argv_has(b[i].openocd_args, "set DUAL_CORE 1"), b[i].dual_core);
		if (b[i].fallback_args) {
			assert_non_null(b[i].fallback_note);
			assert_true(argv_has(b[i].fallback_args, "transport select hla_swd"));
			assert_false(argv_has(b[i].fallback_args, "set DUAL_CORE 1"));
		}
	}
	const struct board *d = board_find("DISCO");
	assert_non_null(d);
	assert_true(d->dual_core);
	assert_true(argv_has(d->openocd_args, "interface/stlink-dap.cfg"));
	assert_true(argv_has(d->openocd_args, "transport select dapdirect_swd"));
	assert_true(argv_has(d->openocd_args, "set CHIPNAME stm32h745xih6"));
	assert_false(board_find("nucleo-h743zi")->dual_core);
	/* what the probe may assume, each with its source */
	for (size_t i = 0; i < n; i++) {
		assert_non_null(b[i].ref);
		assert_non_null(b[i].usb_port);
		assert_true(b[i].hse_hz == 25000000u || b[i].hse_hz == 8000000u);
		assert_int_not_equal(b[i].supply, BOARD_SUPPLY_UNKNOWN);
	}
	assert_int_equal(d->hse_hz, 25000000u);
	assert_false(d->hse_bypass);
	assert_int_equal(d->supply, BOARD_SUPPLY_DIRECT_SMPS); /* the seed board: direct SMPS */
	assert_true(board_find("nucleo-h745zi-q")->hse_bypass);  /* 8 MHz MCO from the ST-LINK */
	assert_int_equal(board_find("nucleo-h743zi")->supply, BOARD_SUPPLY_LDO);
	assert_string_equal(board_supply_name(BOARD_SUPPLY_DIRECT_SMPS), "direct SMPS");
	assert_null(board_find("nucleo-f401re"));
	assert_null(board_find(NULL));
}

static void test_board_argv(void **state)
{
	(void)state;
	const char *argv[BOARD_MAX_ARGS + 1];
	char store[512];
	const struct board *s = board_find("sim");

	assert_int_equal(board_openocd_argv(s->openocd_args, 40123, "/usr/share/h7jumpdiag/openocd-h7sim.cfg", argv,
					    BOARD_MAX_ARGS + 1, store, sizeof store),
			 0);
	assert_true(argv_has(argv, "remote_bitbang port 40123"));
	assert_true(argv_has(argv, "/usr/share/h7jumpdiag/openocd-h7sim.cfg"));
	/* the snippet selects the driver: it must come before `remote_bitbang port` */
	size_t cfg = 0, port = 0;
	for (size_t i = 0; argv[i]; i++) {
		if (strcmp(argv[i], "/usr/share/h7jumpdiag/openocd-h7sim.cfg") == 0)
			cfg = i;
		if (strcmp(argv[i], "remote_bitbang port 40123") == 0)
			port = i;
	}
	assert_true(cfg < port);
	/* a placeholder without its value is an error, not an empty argument */
	assert_int_equal(board_openocd_argv(s->openocd_args, 0, "x.cfg", argv, BOARD_MAX_ARGS + 1, store, sizeof store),
			 H7_ERROR_INVALID_PARAM);
	assert_int_equal(board_openocd_argv(s->openocd_args, 1, NULL, argv, BOARD_MAX_ARGS + 1, store, sizeof store),
			 H7_ERROR_INVALID_PARAM);
	assert_int_equal(board_openocd_argv(s->openocd_args, 1, "x.cfg", argv, 3, store, sizeof store),
			 H7_ERROR_OVERFLOW);
	assert_int_equal(board_openocd_argv(board_sim_inline_args, 5555, NULL, argv, BOARD_MAX_ARGS + 1, store,
					    sizeof store),
			 0);
	assert_true(argv_has(argv, "adapter driver remote_bitbang"));
	assert_true(argv_has(argv, "remote_bitbang port 5555"));
}

static void test_part_ids(void **state)
{
	(void)state;
	struct part_id id;
	/* DBGMCU_IDC 0x20036450: DEV_ID 0x450, REV_ID 0x2003 = revision V (domain.md) */
	assert_int_equal(part_decode_idcode(0x20036450u, &id), 0);
	assert_int_equal(id.dev_id, 0x450);
	assert_int_equal(id.rev_id, 0x2003);
	assert_string_equal(id.group->name, "STM32H74x/H75x");
	assert_string_equal(id.revision, "V");
	assert_int_equal(id.group->bootloader, 0x1FF09800u);
	assert_int_equal(id.group->flash_size_addr, 0x1FF1E880u);
	assert_string_equal(part_revision(0x450, 0x1001), "Z");
	assert_string_equal(part_revision(0x450, 0x1003), "Y");
	assert_string_equal(part_revision(0x450, 0x2001), "X");
	assert_null(part_revision(0x450, 0x3000));
	assert_int_equal(part_decode_idcode(0x10006413u, &id), H7_ERROR_UNKNOWN_PART); /* an F4 */
	assert_int_equal(id.dev_id, 0x413);
	assert_null(id.group);
	assert_non_null(part_by_dev_id(0x483));
	assert_non_null(part_by_dev_id(0x480));
}

static void test_bootloader_table(void **state)
{
	(void)state;
	const struct part_boot_entry *e[4];
	/* the seed case: 0x1FFF9800 belongs to no family */
	assert_int_equal(part_boot_families(0x1FFF9800u, e, 4), 0);
	assert_int_equal(part_boot_families(0x1FF09800u, e, 4), 1);
	assert_non_null(strstr(e[0]->family, "H74x"));
	/* 0x1FFF0000 is the F4 family's (and others') */
	assert_int_equal(part_boot_families(0x1FFF0000u, e, 4), 1);
	assert_non_null(strstr(e[0]->family, "F4"));
	/* F7 and L0/L1 share 0x1FF00000 */
	assert_int_equal(part_boot_families(0x1FF00000u, e, 4), 2);
	size_t n;
	const struct part_boot_entry *t = part_boot_table(&n);
	assert_int_equal(n, 12);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].family);
		assert_non_null(t[i].ref);
		assert_true(t[i].address != 0);
	}
}

static void test_write_policy(void **state)
{
	(void)state;
	char why[160];
	static const struct {
		uint32_t addr, len;
		int ok;
	} cases[] = {
		{ 0x24000000u, 4, 1 },          /* AXI SRAM */
		{ 0x2407FFFCu, 4, 1 },
		{ 0x2407FFFCu, 8, 0 },          /* runs off the end of AXI SRAM */
		{ 0x20000000u, 0x20000, 1 },    /* DTCM */
		{ 0x08000000u, 4, 0 },          /* flash */
		{ 0x08100000u, 1, 0 },          /* flash bank 2 */
		{ 0x1FF09800u, 4, 0 },          /* ROM */
		{ 0x52002000u, 4, 0 },          /* FLASH_ACR */
		{ 0x52002018u, 4, 0 },          /* FLASH_OPTCR: option bytes */
		{ 0x52001FFCu, 8, 0 },          /* a range that reaches into the FLASH controller */
		{ 0x5802480Cu, 4, 0 },          /* PWR_CR3: supply configuration */
		{ 0x58024800u, 4, 1 },          /* PWR_CR1 */
		{ 0x580244D8u, 4, 1 },          /* RCC_AHB1ENR */
		{ 0xE000EDFCu, 4, 1 },          /* DEMCR */
		{ 0xE000ED98u, 4, 1 },          /* MPU_RNR */
		{ 0x90000000u, 4, 0 },          /* QSPI */
		{ 0xA0000000u, 4, 0 },          /* reserved */
		{ 0xFFFFFFFCu, 8, 0 },          /* wraps */
		{ 0x24000000u, 0, 0 },          /* empty */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		why[0] = '\0';
		int rc = part_check_write(cases[i].addr, cases[i].len, why, sizeof why);
		if ((rc == 0) != cases[i].ok)
			print_error("0x%08X+%u: rc %d (%s)\n", cases[i].addr, cases[i].len, rc, why);
		assert_int_equal(rc, cases[i].ok ? 0 : H7_ERROR_REFUSED);
		if (!cases[i].ok)
			assert_true(strlen(why) > 0);
	}
	/* loading: RAM only */
	assert_int_equal(part_check_load(0x24000000u, 0x10000, NULL, 0), 0);
	assert_int_equal(part_check_load(0x40000000u, 4, why, sizeof why), H7_ERROR_REFUSED);
	assert_int_equal(part_check_load(0xE000ED08u, 4, NULL, 0), H7_ERROR_REFUSED);
	assert_int_equal(part_check_load(0x08000000u, 4, NULL, 0), H7_ERROR_REFUSED);
	assert_int_equal(part_region_of(0x52002040u)->kind, PART_MEM_FLASH_REGS);
	assert_int_equal(part_region_of(0x1FFF9800u)->kind, PART_MEM_RESERVED);
	/* the map is sorted by kind-specific first, then ordered and non-overlapping */
	size_t n;
	const struct part_region *m = part_memory_map(&n);
	for (size_t i = 3; i < n; i++)
		assert_true(m[i].start >= m[i - 1].end);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boards),
		cmocka_unit_test(test_board_argv),
		cmocka_unit_test(test_part_ids),
		cmocka_unit_test(test_bootloader_table),
		cmocka_unit_test(test_write_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
