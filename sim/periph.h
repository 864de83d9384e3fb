/* h7sim - the STM32H745 peripherals firmware touches on the bootloader-jump path:
 * RCC, PWR, FLASH (controller), SYSCFG, DBGMCU (RM0399 chapters of the same
 * names). Registers start at their SVD reset values (svd_regs.c); the bits that
 * hardware drives (ready flags, write-once supply configuration, locks) behave
 * as described in RM0399. Everything else is plain storage, and an access to an
 * offset the SVD does not list is logged and counted as unmodelled.
 */
#ifndef H7SIM_PERIPH_H
#define H7SIM_PERIPH_H

#include <stdbool.h>
#include <stdint.h>

struct soc;

#define PERIPH_RCC_BASE 0x58024400u
#define PERIPH_PWR_BASE 0x58024800u
#define PERIPH_FLASH_BASE 0x52002000u
#define PERIPH_SYSCFG_BASE 0x58000400u
#define PERIPH_DBGMCU_BASE 0x5C001000u
#define PERIPH_DBGMCU_APBD 0xE00E1000u /* the same registers on the debug APB (AP2) */

/* RCC register offsets (RM0399 RCC register map) */
#define RCC_CR 0x000u
#define RCC_CFGR 0x010u
#define RCC_D1CFGR 0x018u
#define RCC_D2CFGR 0x01Cu
#define RCC_PLLCKSELR 0x028u
#define RCC_PLLCFGR 0x02Cu
#define RCC_PLL1DIVR 0x030u
#define RCC_D2CCIP2R 0x054u
#define RCC_AHB1RSTR 0x080u
#define RCC_GCR 0x0A0u
#define RCC_RSR 0x0D0u
#define RCC_AHB1ENR 0x0D8u
#define RCC_C1_OFFSET 0x060u /* RCC_C1_xxx = common register + 0x60 */
#define RCC_C2_OFFSET 0x0C0u /* RCC_C2_xxx = common register + 0xC0 */
#define RCC_AHB1_USB1OTG (1u << 25)
#define RCC_AHB1_USB2OTG (1u << 27)
#define RCC_GCR_BOOT_C1 (1u << 2)
#define RCC_GCR_BOOT_C2 (1u << 3)

/* PWR (RM0399 PWR register map) */
#define PWR_CR1 0x00u
#define PWR_CSR1 0x04u
#define PWR_CR3 0x0Cu
#define PWR_D3CR 0x18u
#define PWR_CR3_BYPASS (1u << 0)
#define PWR_CR3_LDOEN (1u << 1)
#define PWR_CR3_SDEN (1u << 2)
#define PWR_CR3_SMPSEXTHP (1u << 3)
#define PWR_CR3_SMPSLEVEL (3u << 4)
#define PWR_CR3_SUPPLY_MASK 0x3Fu
#define PWR_CR3_USB33DEN (1u << 24)
#define PWR_CR3_USBREGEN (1u << 25)
#define PWR_CR3_USB33RDY (1u << 26)
#define PWR_CSR1_ACTVOSRDY (1u << 13)
#define PWR_D3CR_VOSRDY (1u << 13)

/* FLASH (RM0399 embedded flash memory register map) */
#define FLASH_ACR 0x000u
#define FLASH_KEYR1 0x004u
#define FLASH_OPTKEYR 0x008u
#define FLASH_CR1 0x00Cu
#define FLASH_SR1 0x010u
#define FLASH_CCR1 0x014u
#define FLASH_OPTCR 0x018u
#define FLASH_OPTSR_CUR 0x01Cu
#define FLASH_OPTSR_PRG 0x020u
#define FLASH_BOOT7_CUR 0x040u
#define FLASH_BOOT7_PRG 0x044u
#define FLASH_BOOT4_CUR 0x048u
#define FLASH_BOOT4_PRG 0x04Cu
#define FLASH_BANK2 0x100u

/* SYSCFG user registers (option bytes as seen by software) */
#define SYSCFG_UR0 0x300u
#define SYSCFG_UR1 0x304u
#define SYSCFG_UR2 0x308u
#define SYSCFG_UR3 0x30Cu

/* DBGMCU */
#define DBGMCU_IDC 0x000u
#define DBGMCU_CR 0x004u

/* Which bus master makes an access: a core, or the debugger through an AP. */
enum periph_master { MASTER_CM7 = 0, MASTER_CM4 = 1, MASTER_DEBUG = 2 };

struct periph {
	uint32_t rcc[0x200 / 4];   /* 0x000-0x1FF incl. the C1 and C2 banks */
	uint32_t pwr[0x400 / 4];
	uint32_t flash[0x1000 / 4];
	uint32_t syscfg[0x400 / 4];
	uint32_t dbgmcu[0x400 / 4];
	uint8_t rcc_known[0x200 / 4], pwr_known[0x400 / 4], flash_known[0x1000 / 4];
	uint8_t syscfg_known[0x400 / 4], dbgmcu_known[0x400 / 4];
	bool supply_locked;  /* PWR_CR3 supply bits written once since power-on */
	bool supply_stuck;   /* the written configuration does not match the board */
	uint32_t idc;        /* DBGMCU_IDC */
};

/* Power-on reset of every register (supply lock released). */
void periph_power_on(struct soc *s);
/* System reset: registers reset, except the PWR supply lock, the RCC reset
 * flags (set to `rsr_flags`) and the debug configuration in DBGMCU_CR. */
void periph_system_reset(struct soc *s, uint32_t rsr_flags);
/* Register access; addr inside one of the blocks above. Returns 0, or -1 for a
 * bus error. */
int periph_read(struct soc *s, enum periph_master m, uint32_t addr, unsigned size, uint32_t *val);
int periph_write(struct soc *s, enum periph_master m, uint32_t addr, unsigned size, uint32_t val);
/* true if addr is handled by periph_read/periph_write */
bool periph_claims(uint32_t addr);

/* Clock tree (RCC): the CM7 clock (sys_d1cpre_ck) and the CM4 clock (rcc_hclk1). */
uint32_t periph_cm7_hz(const struct soc *s);
uint32_t periph_cm4_hz(const struct soc *s);
/* Is the OTG core (2: OTG_FS "USB2", 1: OTG_HS "USB1") clocked and out of reset? */
bool periph_otg_clocked(const struct soc *s, unsigned usb_n);

#endif
