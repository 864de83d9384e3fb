/* The register catalog: every register h7jumpdiag reads, in one place.
 *
 * Each entry names the register as CMSIS does, gives its address (or the
 * OpenOCD core-register name), the block it belongs to and the manual section
 * it comes from. Addresses and reset values were checked against the
 * STM32H745 CMSIS-SVD (STMicroelectronics, Apache-2.0) and:
 *   PM0253  STM32F7/H7 Cortex-M7 programming manual (SCB, NVIC, SysTick, MPU, caches)
 *   DDI0403 ARMv7-M Architecture Reference Manual (debug, core registers)
 *   DDI0489 Cortex-M7 TRM (ABFSR, CACR)
 *   RM0399  STM32H745/755 and H747/757 reference manual (RCC, PWR, FLASH, SYSCFG,
 *           DBGMCU, OTG)
 * Nothing here performs I/O; snapshot.c reads what this table lists.
 */
#ifndef H7_REGS_H
#define H7_REGS_H

#include <stdint.h>

enum regs_block {
	REGS_BLK_CORE,    /* r0-r12, sp, lr, pc, xPSR, msp, psp, special registers */
	REGS_BLK_SCB,     /* System Control Block, fault status, caches, FPU control */
	REGS_BLK_NVIC,    /* interrupt enables, pendings, actives, priorities */
	REGS_BLK_SYSTICK,
	REGS_BLK_MPU,
	REGS_BLK_DEBUG,   /* DHCSR, DEMCR (core debug) */
	REGS_BLK_DBGMCU,  /* part identification */
	REGS_BLK_RCC,
	REGS_BLK_PWR,
	REGS_BLK_FLASH,   /* option bytes and boot addresses (read only, never written) */
	REGS_BLK_SYSCFG,
	REGS_BLK_OTG_FS,  /* USB2_OTG_FS (the DFU port, "OTG2_HS" in the SVD) */
	REGS_BLK_OTG_HS,  /* USB1_OTG_HS */
	REGS_BLK_COUNT
};

enum regs_kind {
	REGS_KIND_CORE,     /* a core register, read with OpenOCD get_reg (ocd_name) */
	REGS_KIND_MEM32,    /* a 32-bit memory-mapped register at addr */
	REGS_KIND_MEM16,    /* a 16-bit memory location at addr (e.g. the flash size) */
	REGS_KIND_MPU_RBAR, /* MPU_RBAR of region `index` (selected through MPU_RNR) */
	REGS_KIND_MPU_RASR  /* MPU_RASR of region `index` */
};

/* Which cores a register exists on (bit mask). */
#define REGS_CM7 0x1u
#define REGS_CM4 0x2u
#define REGS_BOTH (REGS_CM7 | REGS_CM4)

#define REGS_NVIC_WORDS 8  /* ISER/ICER/ISPR/IABR words, ARMv7-M maximum (DDI0403 B3.4) */
#define REGS_NVIC_IPR_WORDS 38 /* 150 interrupt lines on the STM32H745, 4 priorities a word */
#define REGS_MPU_REGIONS 16 /* Cortex-M7 (PM0253 MPU); the M4 has 8 */

enum reg_id {
	/* core registers (DDI0403 B1.4); REG_CORE_Rn, not REG_Rn: glibc's <sys/ucontext.h>
	 * defines REG_R8..REG_R15 under _GNU_SOURCE */
	REG_CORE_R0, REG_CORE_R1, REG_CORE_R2, REG_CORE_R3, REG_CORE_R4, REG_CORE_R5, REG_CORE_R6, REG_CORE_R7,
	REG_CORE_R8, REG_CORE_R9, REG_CORE_R10, REG_CORE_R11, REG_CORE_R12,
	REG_SP, REG_LR, REG_PC, REG_XPSR, REG_MSP, REG_PSP,
	REG_PRIMASK, REG_BASEPRI, REG_FAULTMASK, REG_CONTROL,
	/* SCB (PM0253) */
	REG_CPUID, REG_ICSR, REG_VTOR, REG_AIRCR, REG_SCR, REG_CCR,
	REG_SHPR1, REG_SHPR2, REG_SHPR3, REG_SHCSR,
	REG_CFSR, REG_HFSR, REG_DFSR, REG_MMFAR, REG_BFAR, REG_AFSR,
	REG_CPACR, REG_FPCCR, REG_FPCAR, REG_FPDSCR,
	REG_CLIDR, REG_CTR, REG_CCSIDR, REG_CSSELR,
	REG_CACR, REG_ABFSR,
	REG_ICTR,
	/* core debug (DDI0403 C1.6) */
	REG_DHCSR, REG_DEMCR,
	/* NVIC (PM0253) */
	REG_NVIC_ISER0, REG_NVIC_ISER_LAST = REG_NVIC_ISER0 + REGS_NVIC_WORDS - 1,
	REG_NVIC_ISPR0, REG_NVIC_ISPR_LAST = REG_NVIC_ISPR0 + REGS_NVIC_WORDS - 1,
	REG_NVIC_IABR0, REG_NVIC_IABR_LAST = REG_NVIC_IABR0 + REGS_NVIC_WORDS - 1,
	REG_NVIC_IPR0, REG_NVIC_IPR_LAST = REG_NVIC_IPR0 + REGS_NVIC_IPR_WORDS - 1,
	/* SysTick (PM0253) */
	REG_SYST_CSR, REG_SYST_RVR, REG_SYST_CVR, REG_SYST_CALIB,
	/* MPU (PM0253) */
	REG_MPU_TYPE, REG_MPU_CTRL, REG_MPU_RNR,
	REG_MPU_RBAR0, REG_MPU_RBAR_LAST = REG_MPU_RBAR0 + REGS_MPU_REGIONS - 1,
	REG_MPU_RASR0, REG_MPU_RASR_LAST = REG_MPU_RASR0 + REGS_MPU_REGIONS - 1,
	/* DBGMCU and device identification (RM0399) */
	REG_DBGMCU_IDC, REG_DBGMCU_CR, REG_FLASH_SIZE, REG_UID0, REG_UID1, REG_UID2,
	/* RCC (RM0399) */
	REG_RCC_CR, REG_RCC_CFGR, REG_RCC_D1CFGR, REG_RCC_D2CFGR, REG_RCC_D3CFGR,
	REG_RCC_PLLCKSELR, REG_RCC_PLLCFGR, REG_RCC_PLL1DIVR, REG_RCC_CIER, REG_RCC_CIFR,
	REG_RCC_AHB1RSTR, REG_RCC_GCR, REG_RCC_RSR, REG_RCC_AHB1ENR, REG_RCC_APB4ENR,
	REG_RCC_C1_RSR, REG_RCC_C1_AHB1ENR, REG_RCC_C2_AHB1ENR,
	/* PWR (RM0399) */
	REG_PWR_CR1, REG_PWR_CSR1, REG_PWR_CR3, REG_PWR_D3CR,
	/* FLASH (RM0399) */
	REG_FLASH_ACR, REG_FLASH_OPTSR_CUR, REG_FLASH_BOOT7_CUR, REG_FLASH_BOOT4_CUR,
	/* SYSCFG user registers (RM0399) */
	REG_SYSCFG_UR0, REG_SYSCFG_UR1, REG_SYSCFG_UR2, REG_SYSCFG_UR3,
	/* USB2_OTG_FS (RM0399) */
	REG_OTG_FS_GOTGCTL, REG_OTG_FS_GAHBCFG, REG_OTG_FS_GUSBCFG, REG_OTG_FS_GRSTCTL,
	REG_OTG_FS_GINTSTS, REG_OTG_FS_GINTMSK, REG_OTG_FS_GCCFG, REG_OTG_FS_CID,
	REG_OTG_FS_DCFG, REG_OTG_FS_DCTL, REG_OTG_FS_DSTS, REG_OTG_FS_PCGCCTL,
	/* USB1_OTG_HS (RM0399) */
	REG_OTG_HS_GOTGCTL, REG_OTG_HS_GAHBCFG, REG_OTG_HS_GUSBCFG, REG_OTG_HS_GRSTCTL,
	REG_OTG_HS_GINTSTS, REG_OTG_HS_GINTMSK, REG_OTG_HS_GCCFG, REG_OTG_HS_CID,
	REG_OTG_HS_DCFG, REG_OTG_HS_DCTL, REG_OTG_HS_DSTS, REG_OTG_HS_PCGCCTL,
	REG_COUNT
};

struct reg_def {
	const char *name;     /* CMSIS-style name, unique: "CFSR", "RCC_CR", "OTG_FS_DCTL" */
	enum regs_block block;
	enum regs_kind kind;
	uint32_t addr;        /* memory address (MEM kinds); 0 for core and MPU region entries */
	const char *ocd_name; /* OpenOCD register name (REGS_KIND_CORE), else NULL */
	uint8_t index;        /* MPU region number (REGS_KIND_MPU_*) */
	uint8_t cores;        /* REGS_CM7 / REGS_CM4 / REGS_BOTH */
	const char *ref;      /* manual section */
	uint8_t flags;        /* REGS_F_* */
};

/* The value changes by itself while the core runs (a counter, a status that
 * hardware updates): diffs list it separately from changes firmware made. */
#define REGS_F_NOISY 0x1u

/* The catalog, indexed by enum reg_id (regs_catalog[i].name is never NULL). */
extern const struct reg_def regs_catalog[REG_COUNT];

/* The entry named `name` (case-insensitive), or NULL. */
const struct reg_def *regs_find(const char *name);
/* The id of a catalog entry (pointer into regs_catalog). */
enum reg_id regs_id(const struct reg_def *def);
/* "core", "scb", "nvic", ... (stable: used as JSON keys). */
const char *regs_block_name(enum regs_block blk);
/* The block named `name`, or -1. */
int regs_block_from_name(const char *name);

/* Frequently used addresses (for code that must name them directly). */
#define REGS_ADDR_DBGMCU_IDC 0x5C001000u /* RM0399 DBGMCU_IDC */
#define REGS_ADDR_FLASH_SIZE 0x1FF1E880u /* RM0399 electronic signature, 16-bit, KiB */
#define REGS_ADDR_UID 0x1FF1E800u        /* RM0399 electronic signature, 96 bits */
#define REGS_ADDR_SYSMEM_BASE 0x1FF00000u /* system memory (ROM bootloader), RM0399 memory map */
#define REGS_ADDR_SYSMEM_END 0x1FF20000u  /* exclusive */
#define REGS_ADDR_MPU_RNR 0xE000ED98u
#define REGS_ADDR_MPU_RBAR 0xE000ED9Cu
#define REGS_ADDR_MPU_RASR 0xE000EDA0u

#endif
