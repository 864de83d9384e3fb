/* The register catalog is complete and consistent; snapshot diffs are right. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "regs.h"
#include "snapshot.h"

static void test_catalog_entries(void **state)
{
	(void)state;
	for (int i = 0; i < REG_COUNT; i++) {
		const struct reg_def *d = &regs_catalog[i];
		if (!d->name || !d->ref)
			print_error("catalog entry %d has no name or reference\n", i);
		assert_non_null(d->name);
		assert_non_null(d->ref);
		assert_true(d->cores != 0);
		assert_ptr_equal(regs_find(d->name), d);
		assert_int_equal(regs_id(d), i);
		switch (d->kind) {
		case REGS_KIND_CORE:
			assert_non_null(d->ocd_name);
			assert_int_equal(d->block, REGS_BLK_CORE);
			break;
		case REGS_KIND_MEM32:
			assert_int_equal(d->addr & 3, 0);
			break;
		case REGS_KIND_MEM16:
			assert_int_equal(d->addr & 1, 0);
			break;
		case REGS_KIND_MPU_RBAR:
		case REGS_KIND_MPU_RASR:
			assert_true(d->index < REGS_MPU_REGIONS);
			break;
		}
		/* no two memory registers at one address */
		for (int j = 0; j < i; j++)
			if (d->kind >= REGS_KIND_MEM32 && d->kind <= REGS_KIND_MEM16 && regs_catalog[j].kind == d->kind)
				assert_int_not_equal(regs_catalog[j].addr, d->addr);
	}
}

static void test_known_addresses(void **state)
{
	(void)state;
	/* spot checks against domain.md / PM0253 / RM0399 */
	assert_int_equal(regs_catalog[REG_CFSR].addr, 0xE000ED28u);
	assert_int_equal(regs_catalog[REG_HFSR].addr, 0xE000ED2Cu);
	assert_int_equal(regs_catalog[REG_BFAR].addr, 0xE000ED38u);
	assert_int_equal(regs_catalog[REG_ABFSR].addr, 0xE000EFA8u);
	assert_int_equal(regs_catalog[REG_ABFSR].cores, REGS_CM7);
	assert_int_equal(regs_catalog[REG_CACR].addr, 0xE000EF9Cu);
	assert_int_equal(regs_catalog[REG_NVIC_ISER0 + 3].addr, 0xE000E10Cu);
	assert_int_equal(regs_catalog[REG_NVIC_IPR_LAST].addr, 0xE000E400u + 4 * 37);
	assert_int_equal(regs_catalog[REG_RCC_AHB1ENR].addr, 0x580244D8u);
	assert_int_equal(regs_catalog[REG_RCC_GCR].addr, 0x580244A0u);
	assert_int_equal(regs_catalog[REG_PWR_CR3].addr, 0x5802480Cu);
	assert_int_equal(regs_catalog[REG_FLASH_BOOT7_CUR].addr, 0x52002040u);
	assert_int_equal(regs_catalog[REG_FLASH_BOOT4_CUR].addr, 0x52002048u);
	assert_int_equal(regs_catalog[REG_SYSCFG_UR1].addr, 0x58000704u);
	assert_int_equal(regs_catalog[REG_OTG_FS_DCTL].addr, 0x40080804u);
	assert_int_equal(regs_catalog[REG_OTG_HS_GCCFG].addr, 0x40040038u);
	assert_int_equal(regs_catalog[REG_FLASH_SIZE].kind, REGS_KIND_MEM16);
	assert_string_equal(regs_catalog[REG_XPSR].ocd_name, "xPSR");
	assert_null(regs_find("NO_SUCH_REG"));
	assert_ptr_equal(regs_find("cfsr"), &regs_catalog[REG_CFSR]);
	assert_string_equal(regs_block_name(REGS_BLK_OTG_FS), "otg_fs");
	assert_int_equal(regs_block_from_name("RCC"), REGS_BLK_RCC);
	assert_int_equal(regs_block_from_name("nope"), -1);
}

static void test_snapshot_diff(void **state)
{
	(void)state;
	struct snapshot a, b;
	struct snap_change ch[8];

	snapshot_init(&a, SNAP_CORE_CM7);
	snapshot_init(&b, SNAP_CORE_CM7);
	snapshot_set(&a, REG_PRIMASK, 0);
	snapshot_set(&b, REG_PRIMASK, 1);
	snapshot_set(&a, REG_CCR, 0x200);
	snapshot_set(&b, REG_CCR, 0x200);
	snapshot_set(&a, REG_SYST_CVR, 100);
	snapshot_set(&b, REG_SYST_CVR, 50);
	snapshot_set(&a, REG_BFAR, 0);
	snapshot_mark(&b, REG_BFAR, SNAP_ERROR);
	snapshot_set(&b, REG_CFSR, 0x8200); /* unread before: not a change */
	assert_int_equal(snapshot_diff(&a, &b, 0, ch, 8), 2);
	assert_int_equal(ch[0].id, REG_PRIMASK);
	assert_int_equal(ch[0].before, 0);
	assert_int_equal(ch[0].after, 1);
	assert_int_equal(ch[1].id, REG_BFAR);
	assert_int_equal(ch[1].after_state, SNAP_ERROR);
	assert_int_equal(snapshot_diff(&a, &b, 1, ch, 8), 3);
	assert_int_equal(snapshot_diff(&a, &b, 1, NULL, 0), 3);
	assert_int_equal(snap_get(&b, REG_BFAR, 0xDEAD), 0xDEAD);
	assert_int_equal(snap_get(&b, REG_PRIMASK, 7), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog_entries),
		cmocka_unit_test(test_known_addresses),
		cmocka_unit_test(test_snapshot_diff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
