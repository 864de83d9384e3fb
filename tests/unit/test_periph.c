/* Peripheral decoders on hand-built snapshots: RCC, PWR, OTG, FLASH/SYSCFG,
 * DBGMCU, NVIC, SysTick, MPU, VTOR; the field tables are well formed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "fault.h"
#include "periph.h"
#include "snapshot.h"

static struct snapshot snap;
static struct periph_report rep;

static void fresh(void)
{
	snapshot_init(&snap, SNAP_CORE_CM7);
}

static void decode(void)
{
	periph_decode(&snap, &rep);
}

static void test_tables_well_formed(void **state)
{
	(void)state;
	static const enum reg_id must[] = { REG_RCC_CR, REG_RCC_CFGR, REG_RCC_AHB1RSTR, REG_RCC_AHB1ENR, REG_RCC_RSR,
					    REG_PWR_CR3, REG_PWR_CSR1, REG_FLASH_OPTSR_CUR, REG_FLASH_BOOT7_CUR,
					    REG_FLASH_BOOT4_CUR, REG_SYSCFG_UR1, REG_DBGMCU_IDC, REG_OTG_FS_DCTL,
					    REG_OTG_FS_GCCFG, REG_OTG_FS_DSTS, REG_OTG_HS_GOTGCTL, REG_MPU_CTRL,
					    REG_MPU_RASR0 + 15, REG_SYST_CSR };
	for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
		assert_non_null(periph_table(must[i]));
	for (size_t i = 0; i < periph_n_tables; i++) {
		const struct bits_reg *t = &periph_tables[i];
		uint32_t seen = 0;
		assert_non_null(t->ref);
		assert_null(fault_table(t->id)); /* one table per register */
		for (size_t k = 0; k < t->n_fields; k++) {
			const struct bits_field *f = &t->fields[k];
			uint32_t m = f->mask >> bits_lsb(f->mask);
			assert_true(f->mask != 0);
			assert_int_equal(m & (m + 1), 0);
			assert_int_equal(seen & f->mask, 0);
			assert_non_null(f->meaning);
			seen |= f->mask;
			if (f->values)
				assert_true(f->n_values >= 1 && (uint32_t)f->n_values - 1 <= m);
		}
	}
}

static void test_rcc(void **state)
{
	(void)state;
	fresh();
	/* HSI on+ready, HSE on+ready, PLL1 on+ready, D1/D2 ready; PLL1 is the system clock */
	snapshot_set(&snap, REG_RCC_CR, 0x0303C005);
	snapshot_set(&snap, REG_RCC_CFGR, 0x0000001B);
	snapshot_set(&snap, REG_RCC_RSR, 0x00C00000); /* PINRSTF + PORRSTF */
	snapshot_set(&snap, REG_RCC_AHB1RSTR, 1u << 27);
	snapshot_set(&snap, REG_RCC_AHB1ENR, 1u << 27);
	decode();
	assert_string_equal(rep.rcc.sysclk, "PLL1");
	assert_string_equal(rep.rcc.osc[3].name, "HSE");
	assert_int_equal(rep.rcc.osc[3].on, PERIPH_YES);
	assert_int_equal(rep.rcc.osc[3].ready, PERIPH_YES);
	assert_int_equal(rep.rcc.osc[5].on, PERIPH_NO); /* PLL2 */
	assert_int_equal(rep.rcc.d1ckrdy, PERIPH_YES);
	assert_int_equal(rep.rcc.d2ckrdy, PERIPH_YES);
	assert_string_equal(rep.rcc.reset_cause, "power-on reset");
	assert_int_equal(rep.rcc.otg_fs_in_reset, PERIPH_YES);
	assert_int_equal(rep.rcc.otg_hs_in_reset, PERIPH_NO);
	assert_int_equal(rep.rcc.otg_fs_clock, PERIPH_YES);
	assert_int_equal(rep.rcc.otg_hs_clock, PERIPH_NO);
	/* software reset after a pin reset; reset default CR: HSI only */
	snapshot_set(&snap, REG_RCC_RSR, 0x01400000);
	snapshot_set(&snap, REG_RCC_CR, 0x00000083);
	snapshot_set(&snap, REG_RCC_CFGR, 0);
	decode();
	assert_non_null(strstr(rep.rcc.reset_cause, "software"));
	assert_string_equal(rep.rcc.sysclk, "HSI");
	assert_int_equal(rep.rcc.osc[0].ready, PERIPH_NO);
	/* C1_RSR used when RSR is missing; nothing known without RCC */
	fresh();
	snapshot_set(&snap, REG_RCC_C1_RSR, 0x00400000);
	decode();
	assert_non_null(strstr(rep.rcc.reset_cause, "NRST"));
	assert_int_equal(rep.rcc.osc[0].on, PERIPH_UNKNOWN);
	assert_null(rep.rcc.sysclk);
}

static void test_pwr(void **state)
{
	(void)state;
	static const struct {
		uint32_t cr3;
		const char *supply;
	} t[] = {
		{ 0x00000004, "PWR_DIRECT_SMPS_SUPPLY" }, { 0x00000002, "PWR_LDO_SUPPLY" },
		{ 0x00000016, "PWR_SMPS_1V8_SUPPLIES_LDO" }, { 0x0000002D, "PWR_SMPS_2V5_SUPPLIES_EXT" },
		{ 0x00000001, "PWR_EXTERNAL_SOURCE_SUPPLY" }, { 0x00000006, "reset default" },
		{ 0x00000003, "unusual" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		fresh();
		snapshot_set(&snap, REG_PWR_CR3, t[i].cr3);
		decode();
		assert_non_null(strstr(rep.pwr.supply, t[i].supply));
	}
	snapshot_set(&snap, REG_PWR_CR3, 0x00000016);
	snapshot_set(&snap, REG_PWR_CSR1, 0x0000E000); /* ACTVOSRDY, ACTVOS = 3 */
	decode();
	assert_int_equal(rep.pwr.smps_level, 1);
	assert_int_equal(rep.pwr.ldoen, PERIPH_YES);
	assert_int_equal(rep.pwr.actvosrdy, PERIPH_YES);
	assert_int_equal(rep.pwr.actvos, 3);
	fresh();
	decode();
	assert_null(rep.pwr.supply);
	assert_int_equal(rep.pwr.actvosrdy, PERIPH_UNKNOWN);
}

static void otg_base(void)
{
	fresh();
	snapshot_set(&snap, REG_RCC_AHB1ENR, 1u << 27);
	snapshot_set(&snap, REG_RCC_AHB1RSTR, 0);
	snapshot_set(&snap, REG_OTG_FS_GINTSTS, 0x04000020); /* CMOD = 0: device */
	snapshot_set(&snap, REG_OTG_FS_GCCFG, 1u << 16);     /* transceiver on */
	snapshot_set(&snap, REG_OTG_FS_DCTL, 0);
	snapshot_set(&snap, REG_OTG_FS_GOTGCTL, 0x000D0000); /* CIDSTS, ASVLD, BSVLD */
	snapshot_set(&snap, REG_OTG_FS_DCFG, 0x02200000 | (5u << 4));
	snapshot_set(&snap, REG_OTG_FS_DSTS, 3u << 1);
}

static void test_otg(void **state)
{
	(void)state;
	otg_base();
	decode();
	assert_true(rep.otg_fs.captured);
	assert_false(rep.otg_hs.captured);
	assert_int_equal(rep.otg_fs.host_mode, PERIPH_NO);
	assert_int_equal(rep.otg_fs.soft_disconnect, PERIPH_NO);
	assert_int_equal(rep.otg_fs.b_session, PERIPH_YES);
	assert_int_equal(rep.otg_fs.transceiver_on, PERIPH_YES);
	assert_int_equal(rep.otg_fs.clock_on, PERIPH_YES);
	assert_int_equal(rep.otg_fs.in_reset, PERIPH_NO);
	assert_int_equal(rep.otg_fs.address, 5);
	assert_string_equal(rep.otg_fs.speed, "full speed (48 MHz)");
	assert_int_equal(rep.otg_fs.pullup, PERIPH_YES);
	assert_non_null(strstr(rep.otg_fs.summary, "plausibly ON"));
	/* no address and no ENUMDNE: the speed field means nothing yet */
	snapshot_set(&snap, REG_OTG_FS_DCFG, 0x02200000);
	decode();
	assert_null(rep.otg_fs.speed);
	snapshot_set(&snap, REG_OTG_FS_GINTSTS, 0x04002020); /* ENUMDNE */
	decode();
	assert_string_equal(rep.otg_fs.speed, "full speed (48 MHz)");
	/* soft disconnect turns the pull-up off */
	snapshot_set(&snap, REG_OTG_FS_DCTL, 2);
	decode();
	assert_int_equal(rep.otg_fs.soft_disconnect, PERIPH_YES);
	assert_int_equal(rep.otg_fs.pullup, PERIPH_NO);
	/* so do: clock off, reset held, host mode, transceiver off */
	otg_base();
	snapshot_set(&snap, REG_RCC_AHB1ENR, 0);
	decode();
	assert_int_equal(rep.otg_fs.pullup, PERIPH_NO);
	otg_base();
	snapshot_set(&snap, REG_RCC_AHB1RSTR, 1u << 27);
	decode();
	assert_int_equal(rep.otg_fs.pullup, PERIPH_NO);
	assert_non_null(strstr(rep.otg_fs.summary, "held in reset"));
	otg_base();
	snapshot_set(&snap, REG_OTG_FS_GINTSTS, 1);
	decode();
	assert_int_equal(rep.otg_fs.pullup, PERIPH_NO);
	assert_null(rep.otg_fs.speed);
	otg_base();
	snapshot_set(&snap, REG_OTG_FS_GCCFG, 0);
	decode();
	assert_int_equal(rep.otg_fs.pullup, PERIPH_NO);
	/* a missing register makes it unknown, never guessed */
	otg_base();
	snapshot_mark(&snap, REG_OTG_FS_GCCFG, SNAP_ERROR);
	decode();
	assert_int_equal(rep.otg_fs.transceiver_on, PERIPH_UNKNOWN);
	assert_int_equal(rep.otg_fs.pullup, PERIPH_UNKNOWN);
	/* OTG_HS takes its clock/reset from bits 25 */
	fresh();
	snapshot_set(&snap, REG_RCC_AHB1ENR, 1u << 25);
	snapshot_set(&snap, REG_OTG_HS_DCTL, 2);
	decode();
	assert_int_equal(rep.otg_hs.clock_on, PERIPH_YES);
	assert_int_equal(rep.otg_fs.clock_on, PERIPH_NO);
	assert_int_equal(rep.otg_hs.soft_disconnect, PERIPH_YES);
}

static void test_flash_boot_rdp(void **state)
{
	(void)state;
	fresh();
	snapshot_set(&snap, REG_FLASH_BOOT7_CUR, 0x1FF00800);
	snapshot_set(&snap, REG_FLASH_BOOT4_CUR, 0x1FF00810);
	snapshot_set(&snap, REG_FLASH_OPTSR_CUR, 0x00C0AA00u | (1u << 22));
	decode();
	assert_int_equal(rep.flash.boot7_add0, 0x08000000);
	assert_int_equal(rep.flash.boot7_add1, 0x1FF00000);
	assert_int_equal(rep.flash.boot4_add0, 0x08100000);
	assert_int_equal(rep.flash.rdp_level, 0);
	assert_int_equal(rep.flash.rdp_byte, 0xAA);
	/* without SYSCFG_UR1, BCM from OPTSR (bits 22/23, not in the SVD) */
	assert_string_equal(rep.flash.bcm_source, "FLASH_OPTSR_CUR");
	assert_int_equal(rep.flash.bcm4, PERIPH_YES);
	assert_int_equal(rep.flash.bcm7, PERIPH_YES);
	snapshot_set(&snap, REG_SYSCFG_UR1, 0x00010000);
	decode();
	assert_string_equal(rep.flash.bcm_source, "SYSCFG_UR1");
	assert_int_equal(rep.flash.bcm7, PERIPH_YES);
	assert_int_equal(rep.flash.bcm4, PERIPH_NO);
	assert_int_equal(periph_rdp_level(0xAA), 0);
	assert_int_equal(periph_rdp_level(0xCC), 2);
	assert_int_equal(periph_rdp_level(0x55), 1);
	assert_int_equal(periph_rdp_level(0x00), 1);
	fresh();
	decode();
	assert_int_equal(rep.flash.rdp_level, -1);
	assert_null(rep.flash.bcm_source);
}

static void test_dbgmcu(void **state)
{
	(void)state;
	static const struct {
		uint32_t idc;
		const char *part, *rev;
	} t[] = {
		{ 0x10016450, "STM32H74x/75x", "Z" }, { 0x10036450, "STM32H74x/75x", "Y" },
		{ 0x20016450, "STM32H74x/75x", "X" }, { 0x20036450, "STM32H74x/75x", "V" },
		{ 0x20056450, "STM32H74x/75x", NULL }, { 0x10006483, "STM32H72x/73x", NULL },
		{ 0x10006415, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		fresh();
		snapshot_set(&snap, REG_DBGMCU_IDC, t[i].idc);
		snapshot_set(&snap, REG_FLASH_SIZE, 2048);
		decode();
		assert_int_equal(rep.dbgmcu.dev_id, t[i].idc & 0xFFF);
		assert_int_equal(rep.dbgmcu.rev_id, t[i].idc >> 16);
		if (t[i].part)
			assert_string_equal(rep.dbgmcu.part, t[i].part);
		else
			assert_null(rep.dbgmcu.part);
		if (t[i].rev)
			assert_string_equal(rep.dbgmcu.revision, t[i].rev);
		else
			assert_null(rep.dbgmcu.revision);
		assert_int_equal(rep.dbgmcu.flash_kib, 2048);
	}
}

static void test_nvic_systick_vtor(void **state)
{
	(void)state;
	fresh();
	snapshot_set(&snap, REG_NVIC_ISER0 + 3, 1u << 5);            /* IRQ 101 */
	snapshot_set(&snap, REG_NVIC_ISER0 + 0, 1u << 5);            /* IRQ 5 */
	snapshot_set(&snap, REG_NVIC_IPR0 + 25, 0x5000);             /* IRQ 101 priority 0x50 */
	snapshot_set(&snap, REG_NVIC_ISPR0 + 2, 1u << (77 - 64));    /* IRQ 77 pending */
	snapshot_set(&snap, REG_NVIC_IABR0, 0);
	snapshot_set(&snap, REG_SYST_CSR, 0x00010007);
	snapshot_set(&snap, REG_SYST_RVR, 0x0003E7FF);
	snapshot_set(&snap, REG_SYST_CVR, 0x00001234);
	snapshot_set(&snap, REG_ICSR, 1u << 26);
	snapshot_set(&snap, REG_VTOR, 0x08000000);
	snapshot_set(&snap, REG_CCR, 0x00070200);
	decode();
	assert_int_equal(rep.nvic.n_enabled, 2);
	assert_int_equal(rep.nvic.enabled[0].irq, 5);
	assert_int_equal(rep.nvic.enabled[1].irq, 101);
	assert_true(rep.nvic.enabled[1].prio_known);
	assert_int_equal(rep.nvic.enabled[1].priority, 0x50);
	assert_false(rep.nvic.enabled[0].prio_known);
	assert_int_equal(rep.nvic.n_pending, 1);
	assert_int_equal(rep.nvic.pending[0].irq, 77);
	assert_int_equal(rep.nvic.n_active, 0);
	assert_true(rep.nvic.have_iabr);
	assert_int_equal(rep.systick.running, PERIPH_YES);
	assert_int_equal(rep.systick.tickint, PERIPH_YES);
	assert_int_equal(rep.systick.countflag, PERIPH_YES);
	assert_int_equal(rep.systick.pending, PERIPH_YES);
	assert_int_equal(rep.systick.reload, 0x03E7FF);
	assert_int_equal(rep.systick.current, 0x1234);
	assert_string_equal(rep.vtor_region, "flash bank 1");
	assert_int_equal(rep.dcache_on, PERIPH_YES);
	assert_int_equal(rep.icache_on, PERIPH_YES);
	assert_string_equal(periph_region_name(0x1FF09800), "system memory (ROM bootloader)");
	assert_string_equal(periph_region_name(0x1FFF9804), "reserved");
	assert_string_equal(periph_region_name(0x24000000), "AXI SRAM");
	assert_string_equal(periph_region_name(0x20000000), "DTCM");
}

static void test_mpu(void **state)
{
	(void)state;
	fresh();
	snapshot_set(&snap, REG_MPU_TYPE, 0x00001000); /* 16 regions */
	snapshot_set(&snap, REG_MPU_CTRL, 5);
	snapshot_set(&snap, REG_MPU_RBAR0, 0x24000000);
	/* enable, SIZE 18 (512 KiB), SRD 0x80, TEX 1 C 0 B 0 (Normal non-cacheable), AP 3, XN */
	snapshot_set(&snap, REG_MPU_RASR0, 1u | (18u << 1) | (0x80u << 8) | (1u << 19) | (3u << 24) | (1u << 28));
	snapshot_set(&snap, REG_MPU_RBAR0 + 1, 0x00000000);
	snapshot_set(&snap, REG_MPU_RASR0 + 1, 0);
	decode();
	assert_int_equal(rep.mpu.enabled, PERIPH_YES);
	assert_int_equal(rep.mpu.privdefena, PERIPH_YES);
	assert_int_equal(rep.mpu.hfnmiena, PERIPH_NO);
	assert_int_equal(rep.mpu.n_regions, 16);
	assert_true(rep.mpu.region[0].captured);
	assert_true(rep.mpu.region[0].enabled);
	assert_int_equal(rep.mpu.region[0].base, 0x24000000);
	assert_int_equal(rep.mpu.region[0].size, 512 * 1024);
	assert_int_equal(rep.mpu.region[0].srd, 0x80);
	assert_int_equal(rep.mpu.region[0].xn, 1);
	assert_string_equal(rep.mpu.region[0].access, "full access");
	assert_string_equal(rep.mpu.region[0].attrs, "Normal, non-cacheable");
	assert_true(rep.mpu.region[1].captured);
	assert_false(rep.mpu.region[1].enabled);
	assert_false(rep.mpu.region[2].captured);
	assert_int_equal(periph_mpu_size(4), 32);
	assert_int_equal(periph_mpu_size(31), 1ull << 32);
	assert_int_equal(periph_mpu_size(3), 0);
	/* a CM4 MPU has 8 regions */
	snapshot_set(&snap, REG_MPU_TYPE, 0x00000800);
	decode();
	assert_int_equal(rep.mpu.n_regions, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_well_formed),
		cmocka_unit_test(test_rcc),
		cmocka_unit_test(test_pwr),
		cmocka_unit_test(test_otg),
		cmocka_unit_test(test_flash_boot_rdp),
		cmocka_unit_test(test_dbgmcu),
		cmocka_unit_test(test_nvic_systick_vtor),
		cmocka_unit_test(test_mpu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
