/* The register catalog (see regs.h for the sources). */
#include "regs.h"

#include <stddef.h>
#include <strings.h>

#define CORE(id, nm, ocd) [id] = { nm, REGS_BLK_CORE, REGS_KIND_CORE, 0, ocd, 0, REGS_BOTH, "DDI0403 B1.4" }
#define M32(id, nm, blk, a, cores, r) [id] = { nm, blk, REGS_KIND_MEM32, a, NULL, 0, cores, r }
#define M16(id, nm, blk, a, r) [id] = { nm, blk, REGS_KIND_MEM16, a, NULL, 0, REGS_BOTH, r }
#define SCB(id, nm, a, r) M32(id, nm, REGS_BLK_SCB, a, REGS_BOTH, r)
#define SCB7(id, nm, a, r) M32(id, nm, REGS_BLK_SCB, a, REGS_CM7, r)
#define NVIC8(base, nm, a)                                                                  \
	M32(base + 0, nm "0", REGS_BLK_NVIC, a + 0x00, REGS_BOTH, "PM0253 NVIC"),                \
	M32(base + 1, nm "1", REGS_BLK_NVIC, a + 0x04, REGS_BOTH, "PM0253 NVIC"),                \
	M32(base + 2, nm "2", REGS_BLK_NVIC, a + 0x08, REGS_BOTH, "PM0253 NVIC"),                \
	M32(base + 3, nm "3", REGS_BLK_NVIC, a + 0x0C, REGS_BOTH, "PM0253 NVIC"),                \
	M32(base + 4, nm "4", REGS_BLK_NVIC, a + 0x10, REGS_BOTH, "PM0253 NVIC"),                \
	M32(base + 5, nm "5", REGS_BLK_NVIC, a + 0x14, REGS_BOTH, "PM0253 NVIC"),                \
	M32(base + 6, nm "6", REGS_BLK_NVIC, a + 0x18, REGS_BOTH, "PM0253 NVIC"),                \
	M32(base + 7, nm "7", REGS_BLK_NVIC, a + 0x1C, REGS_BOTH, "PM0253 NVIC")
#define IPR(n) M32(REG_NVIC_IPR0 + n, "NVIC_IPR" #n, REGS_BLK_NVIC, 0xE000E400u + 4 * n, REGS_BOTH, "PM0253 NVIC")
#define MPUR(n)                                                                                 \
	[REG_MPU_RBAR0 + n] = { "MPU_RBAR" #n, REGS_BLK_MPU, REGS_KIND_MPU_RBAR, 0, NULL, n, REGS_BOTH, \
				"PM0253 MPU" },                                                   \
	[REG_MPU_RASR0 + n] = { "MPU_RASR" #n, REGS_BLK_MPU, REGS_KIND_MPU_RASR, 0, NULL, n, REGS_BOTH, \
				"PM0253 MPU" }
#define RCC(id, nm, off) M32(id, nm, REGS_BLK_RCC, 0x58024400u + off, REGS_BOTH, "RM0399 RCC")
#define PWR(id, nm, off) M32(id, nm, REGS_BLK_PWR, 0x58024800u + off, REGS_BOTH, "RM0399 PWR")
#define FLASHR(id, nm, off, r) M32(id, nm, REGS_BLK_FLASH, 0x52002000u + off, REGS_BOTH, r)
#define OTG(pfx, blk, base)                                                                       \
	M32(REG_##pfx##_GOTGCTL, #pfx "_GOTGCTL", blk, base + 0x000, REGS_BOTH, "RM0399 OTG"),    \
	M32(REG_##pfx##_GAHBCFG, #pfx "_GAHBCFG", blk, base + 0x008, REGS_BOTH, "RM0399 OTG"),    \
	M32(REG_##pfx##_GUSBCFG, #pfx "_GUSBCFG", blk, base + 0x00C, REGS_BOTH, "RM0399 OTG"),    \
	M32(REG_##pfx##_GRSTCTL, #pfx "_GRSTCTL", blk, base + 0x010, REGS_BOTH, "RM0399 OTG"),    \
	M32(REG_##pfx##_GINTSTS, #pfx "_GINTSTS", blk, base + 0x014, REGS_BOTH, "RM0399 OTG"),    \
	M32(REG_##pfx##_GINTMSK, #pfx "_GINTMSK", blk, base + 0x018, REGS_BOTH, "RM0399 OTG"),    \
	M32(REG_##pfx##_GCCFG, #pfx "_GCCFG", blk, base + 0x038, REGS_BOTH, "RM0399 OTG"),       \
	M32(REG_##pfx##_CID, #pfx "_CID", blk, base + 0x03C, REGS_BOTH, "RM0399 OTG"),           \
	M32(REG_##pfx##_DCFG, #pfx "_DCFG", blk, base + 0x800, REGS_BOTH, "RM0399 OTG"),         \
	M32(REG_##pfx##_DCTL, #pfx "_DCTL", blk, base + 0x804, REGS_BOTH, "RM0399 OTG"),         \
	M32(REG_##pfx##_DSTS, #pfx "_DSTS", blk, base + 0x808, REGS_BOTH, "RM0399 OTG"),         \
	M32(REG_##pfx##_PCGCCTL, #pfx "_PCGCCTL", blk, base + 0xE00, REGS_BOTH, "RM0399 OTG")

const struct reg_def regs_catalog[REG_COUNT] = {
	CORE(REG_CORE_R0, "R0", "r0"), CORE(REG_CORE_R1, "R1", "r1"), CORE(REG_CORE_R2, "R2", "r2"),
	CORE(REG_CORE_R3, "R3", "r3"), CORE(REG_CORE_R4, "R4", "r4"), CORE(REG_CORE_R5, "R5", "r5"),
	CORE(REG_CORE_R6, "R6", "r6"), CORE(REG_CORE_R7, "R7", "r7"), CORE(REG_CORE_R8, "R8", "r8"),
	CORE(REG_CORE_R9, "R9", "r9"), CORE(REG_CORE_R10, "R10", "r10"), CORE(REG_CORE_R11, "R11", "r11"),
	CORE(REG_CORE_R12, "R12", "r12"), CORE(REG_SP, "SP", "sp"), CORE(REG_LR, "LR", "lr"),
	CORE(REG_PC, "PC", "pc"), CORE(REG_XPSR, "XPSR", "xPSR"), CORE(REG_MSP, "MSP", "msp"),
	CORE(REG_PSP, "PSP", "psp"), CORE(REG_PRIMASK, "PRIMASK", "primask"),
	CORE(REG_BASEPRI, "BASEPRI", "basepri"), CORE(REG_FAULTMASK, "FAULTMASK", "faultmask"),
	CORE(REG_CONTROL, "CONTROL", "control"),

	SCB(REG_CPUID, "CPUID", 0xE000ED00u, "PM0253 SCB"),
	SCB(REG_ICSR, "ICSR", 0xE000ED04u, "PM0253 SCB"),
	SCB(REG_VTOR, "VTOR", 0xE000ED08u, "PM0253 SCB"),
	SCB(REG_AIRCR, "AIRCR", 0xE000ED0Cu, "PM0253 SCB"),
	SCB(REG_SCR, "SCR", 0xE000ED10u, "PM0253 SCB"),
	SCB(REG_CCR, "CCR", 0xE000ED14u, "PM0253 SCB"),
	SCB(REG_SHPR1, "SHPR1", 0xE000ED18u, "PM0253 SCB"),
	SCB(REG_SHPR2, "SHPR2", 0xE000ED1Cu, "PM0253 SCB"),
	SCB(REG_SHPR3, "SHPR3", 0xE000ED20u, "PM0253 SCB"),
	SCB(REG_SHCSR, "SHCSR", 0xE000ED24u, "PM0253 SCB"),
	SCB(REG_CFSR, "CFSR", 0xE000ED28u, "PM0253 SCB"),
	SCB(REG_HFSR, "HFSR", 0xE000ED2Cu, "PM0253 SCB"),
	SCB(REG_DFSR, "DFSR", 0xE000ED30u, "DDI0403 C1.6.1"),
	SCB(REG_MMFAR, "MMFAR", 0xE000ED34u, "PM0253 SCB"),
	SCB(REG_BFAR, "BFAR", 0xE000ED38u, "PM0253 SCB"),
	SCB(REG_AFSR, "AFSR", 0xE000ED3Cu, "PM0253 SCB"),
	SCB(REG_CPACR, "CPACR", 0xE000ED88u, "PM0253 FPU"),
	SCB(REG_FPCCR, "FPCCR", 0xE000EF34u, "PM0253 FPU"),
	SCB(REG_FPCAR, "FPCAR", 0xE000EF38u, "PM0253 FPU"),
	SCB(REG_FPDSCR, "FPDSCR", 0xE000EF3Cu, "PM0253 FPU"),
	SCB7(REG_CLIDR, "CLIDR", 0xE000ED78u, "PM0253 cache control"),
	SCB7(REG_CTR, "CTR", 0xE000ED7Cu, "PM0253 cache control"),
	SCB7(REG_CCSIDR, "CCSIDR", 0xE000ED80u, "PM0253 cache control"),
	SCB7(REG_CSSELR, "CSSELR", 0xE000ED84u, "PM0253 cache control"),
	SCB7(REG_CACR, "CACR", 0xE000EF9Cu, "DDI0489 Cortex-M7 TRM"),
	SCB7(REG_ABFSR, "ABFSR", 0xE000EFA8u, "DDI0489 Cortex-M7 TRM"),
	SCB(REG_ICTR, "ICTR", 0xE000E004u, "DDI0403 B3.4 NVIC"),

	[REG_DHCSR] = { "DHCSR", REGS_BLK_DEBUG, REGS_KIND_MEM32, 0xE000EDF0u, NULL, 0, REGS_BOTH, "DDI0403 C1.6.2",
			REGS_F_NOISY },
	M32(REG_DEMCR, "DEMCR", REGS_BLK_DEBUG, 0xE000EDFCu, REGS_BOTH, "DDI0403 C1.6.5"),

	NVIC8(REG_NVIC_ISER0, "NVIC_ISER", 0xE000E100u),
	NVIC8(REG_NVIC_ISPR0, "NVIC_ISPR", 0xE000E200u),
	NVIC8(REG_NVIC_IABR0, "NVIC_IABR", 0xE000E300u),
	IPR(0), IPR(1), IPR(2), IPR(3), IPR(4), IPR(5), IPR(6), IPR(7), IPR(8), IPR(9),
	IPR(10), IPR(11), IPR(12), IPR(13), IPR(14), IPR(15), IPR(16), IPR(17), IPR(18), IPR(19),
	IPR(20), IPR(21), IPR(22), IPR(23), IPR(24), IPR(25), IPR(26), IPR(27), IPR(28), IPR(29),
	IPR(30), IPR(31), IPR(32), IPR(33), IPR(34), IPR(35), IPR(36), IPR(37),

	M32(REG_SYST_CSR, "SYST_CSR", REGS_BLK_SYSTICK, 0xE000E010u, REGS_BOTH, "PM0253 SysTick"),
	M32(REG_SYST_RVR, "SYST_RVR", REGS_BLK_SYSTICK, 0xE000E014u, REGS_BOTH, "PM0253 SysTick"),
	[REG_SYST_CVR] = { "SYST_CVR", REGS_BLK_SYSTICK, REGS_KIND_MEM32, 0xE000E018u, NULL, 0, REGS_BOTH, "PM0253 SysTick",
			   REGS_F_NOISY },
	M32(REG_SYST_CALIB, "SYST_CALIB", REGS_BLK_SYSTICK, 0xE000E01Cu, REGS_BOTH, "PM0253 SysTick"),

	M32(REG_MPU_TYPE, "MPU_TYPE", REGS_BLK_MPU, 0xE000ED90u, REGS_BOTH, "PM0253 MPU"),
	M32(REG_MPU_CTRL, "MPU_CTRL", REGS_BLK_MPU, 0xE000ED94u, REGS_BOTH, "PM0253 MPU"),
	M32(REG_MPU_RNR, "MPU_RNR", REGS_BLK_MPU, REGS_ADDR_MPU_RNR, REGS_BOTH, "PM0253 MPU"),
	MPUR(0), MPUR(1), MPUR(2), MPUR(3), MPUR(4), MPUR(5), MPUR(6), MPUR(7),
	MPUR(8), MPUR(9), MPUR(10), MPUR(11), MPUR(12), MPUR(13), MPUR(14), MPUR(15),

	M32(REG_DBGMCU_IDC, "DBGMCU_IDC", REGS_BLK_DBGMCU, REGS_ADDR_DBGMCU_IDC, REGS_BOTH, "RM0399 DBGMCU"),
	M32(REG_DBGMCU_CR, "DBGMCU_CR", REGS_BLK_DBGMCU, 0x5C001004u, REGS_BOTH, "RM0399 DBGMCU"),
	M16(REG_FLASH_SIZE, "FLASH_SIZE", REGS_BLK_DBGMCU, REGS_ADDR_FLASH_SIZE, "RM0399 device electronic signature"),
	M32(REG_UID0, "UID0", REGS_BLK_DBGMCU, REGS_ADDR_UID + 0, REGS_BOTH, "RM0399 device electronic signature"),
	M32(REG_UID1, "UID1", REGS_BLK_DBGMCU, REGS_ADDR_UID + 4, REGS_BOTH, "RM0399 device electronic signature"),
	M32(REG_UID2, "UID2", REGS_BLK_DBGMCU, REGS_ADDR_UID + 8, REGS_BOTH, "RM0399 device electronic signature"),

	RCC(REG_RCC_CR, "RCC_CR", 0x00), RCC(REG_RCC_CFGR, "RCC_CFGR", 0x10),
	RCC(REG_RCC_D1CFGR, "RCC_D1CFGR", 0x18), RCC(REG_RCC_D2CFGR, "RCC_D2CFGR", 0x1C),
	RCC(REG_RCC_D3CFGR, "RCC_D3CFGR", 0x20), RCC(REG_RCC_PLLCKSELR, "RCC_PLLCKSELR", 0x28),
	RCC(REG_RCC_PLLCFGR, "RCC_PLLCFGR", 0x2C), RCC(REG_RCC_PLL1DIVR, "RCC_PLL1DIVR", 0x30),
	RCC(REG_RCC_CIER, "RCC_CIER", 0x60), RCC(REG_RCC_CIFR, "RCC_CIFR", 0x64),
	RCC(REG_RCC_AHB1RSTR, "RCC_AHB1RSTR", 0x80), RCC(REG_RCC_GCR, "RCC_GCR", 0xA0),
	RCC(REG_RCC_RSR, "RCC_RSR", 0xD0), RCC(REG_RCC_AHB1ENR, "RCC_AHB1ENR", 0xD8),
	RCC(REG_RCC_APB4ENR, "RCC_APB4ENR", 0xF4), RCC(REG_RCC_C1_RSR, "RCC_C1_RSR", 0x130),
	RCC(REG_RCC_C1_AHB1ENR, "RCC_C1_AHB1ENR", 0x138),
	/* the CM4's enables: a peripheral is clocked when C1 or C2 enables it
	 * (RM0399 RCC, per-core RCC_C1/C2 registers) */
	RCC(REG_RCC_C2_AHB1ENR, "RCC_C2_AHB1ENR", 0x198),

	PWR(REG_PWR_CR1, "PWR_CR1", 0x00), PWR(REG_PWR_CSR1, "PWR_CSR1", 0x04),
	PWR(REG_PWR_CR3, "PWR_CR3", 0x0C), PWR(REG_PWR_D3CR, "PWR_D3CR", 0x18),

	FLASHR(REG_FLASH_ACR, "FLASH_ACR", 0x00, "RM0399 FLASH"),
	FLASHR(REG_FLASH_OPTSR_CUR, "FLASH_OPTSR_CUR", 0x1C, "RM0399 FLASH"),
	/* BOOT7_CUR is "BOOT_CURR" in the SVD; BOOT4_CUR (0x48) is missing from the SVD and
	 * taken from RM0399 (FLASH) / CMSIS stm32h745xx.h */
	FLASHR(REG_FLASH_BOOT7_CUR, "FLASH_BOOT7_CUR", 0x40, "RM0399 FLASH"),
	FLASHR(REG_FLASH_BOOT4_CUR, "FLASH_BOOT4_CUR", 0x48, "RM0399 FLASH"),

	M32(REG_SYSCFG_UR0, "SYSCFG_UR0", REGS_BLK_SYSCFG, 0x58000700u, REGS_BOTH, "RM0399 SYSCFG"),
	M32(REG_SYSCFG_UR1, "SYSCFG_UR1", REGS_BLK_SYSCFG, 0x58000704u, REGS_BOTH, "RM0399 SYSCFG"),
	M32(REG_SYSCFG_UR2, "SYSCFG_UR2", REGS_BLK_SYSCFG, 0x58000708u, REGS_BOTH, "RM0399 SYSCFG"),
	M32(REG_SYSCFG_UR3, "SYSCFG_UR3", REGS_BLK_SYSCFG, 0x5800070Cu, REGS_BOTH, "RM0399 SYSCFG"),

	OTG(OTG_FS, REGS_BLK_OTG_FS, 0x40080000u),
	OTG(OTG_HS, REGS_BLK_OTG_HS, 0x40040000u),
};

static const char *const block_names[REGS_BLK_COUNT] = {
	[REGS_BLK_CORE] = "core",     [REGS_BLK_SCB] = "scb",       [REGS_BLK_NVIC] = "nvic",
	[REGS_BLK_SYSTICK] = "systick", [REGS_BLK_MPU] = "mpu",     [REGS_BLK_DEBUG] = "debug",
	[REGS_BLK_DBGMCU] = "dbgmcu", [REGS_BLK_RCC] = "rcc",       [REGS_BLK_PWR] = "pwr",
	[REGS_BLK_FLASH] = "flash",   [REGS_BLK_SYSCFG] = "syscfg", [REGS_BLK_OTG_FS] = "otg_fs",
	[REGS_BLK_OTG_HS] = "otg_hs",
};

const struct reg_def *regs_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < REG_COUNT; i++)
		if (strcasecmp(regs_catalog[i].name, name) == 0)
			return &regs_catalog[i];
	return NULL;
}

enum reg_id regs_id(const struct reg_def *def)
{
	return (enum reg_id)(def - regs_catalog);
}

const char *regs_block_name(enum regs_block blk)
{
	return (unsigned)blk < REGS_BLK_COUNT ? block_names[blk] : "unknown";
}

int regs_block_from_name(const char *name)
{
	for (int i = 0; i < REGS_BLK_COUNT; i++)
		if (name && strcasecmp(block_names[i], name) == 0)
			return i;
	return -1;
}
