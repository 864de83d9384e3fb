/* STM32H745 peripheral and system-register decoding: pure functions over a
 * snapshot (no I/O).
 *
 * MPU regions, RCC (oscillators, PLLs, system clock, domain ready flags,
 * OTG resets and clock enables, reset cause), PWR supply configuration,
 * USB OTG state, FLASH boot addresses and RDP level, BCM4/BCM7, DBGMCU part
 * and revision, NVIC, SysTick, VTOR. Every field comes from a const table
 * (bits.h) citing the manual; bits absent from the STM32H745 SVD are marked
 * as such in comments.
 *
 * Sources: RM0399 (STM32H745/755/747/757 reference manual): RCC, PWR, FLASH,
 * SYSCFG, DBGMCU, OTG chapters; the STM32H745_CM7 CMSIS-SVD (field positions);
 * PM0253 (Cortex-M7): MPU, NVIC, SysTick, SCB.
 */
#ifndef H7_PERIPH_H
#define H7_PERIPH_H

#include <stddef.h>
#include <stdint.h>

#include "bits.h"
#include "snapshot.h"

/* Field tables (periph.c). */
extern const struct bits_reg periph_tables[];
extern const size_t periph_n_tables;
const struct bits_reg *periph_table(enum reg_id id);

/* Tri-state facts: a register that was not captured leaves them unknown. */
enum periph_tri { PERIPH_UNKNOWN = -1, PERIPH_NO = 0, PERIPH_YES = 1 };

/* Memory map of the STM32H745 (RM0399 "Memory map and register boundary
 * addresses"): the region holding addr, e.g. "AXI SRAM", "system memory",
 * "reserved". Never NULL. */
const char *periph_region_name(uint32_t addr);

#define PERIPH_N_OSC 7 /* HSI CSI HSI48 HSE PLL1 PLL2 PLL3 */
struct periph_rcc {
	uint8_t have_cr, have_cfgr, have_rsr, have_ahb1rstr, have_ahb1enr;
	const char *sysclk; /* CFGR.SWS: system clock in use, or NULL */
	struct {
		const char *name;
		int8_t on, ready; /* enum periph_tri */
	} osc[PERIPH_N_OSC];
	int8_t d1ckrdy, d2ckrdy;
	uint32_t rsr;          /* RSR (or C1_RSR) flags */
	const char *reset_cause; /* most specific cause from the flags, or NULL */
	int8_t otg_hs_in_reset, otg_fs_in_reset; /* AHB1RSTR USB1OTGRST / USB2OTGRST */
	int8_t otg_hs_clock, otg_fs_clock;       /* AHB1ENR USB1OTGHSEN / USB2OTGHSEN */
	int8_t otg_hs_ulpi_clock, otg_fs_ulpi_clock;
};

struct periph_pwr {
	uint8_t have_cr3, have_csr1;
	uint32_t cr3;
	const char *supply; /* HAL name of the CR3 supply configuration, or NULL */
	int8_t ldoen, sden, bypass, smps_ext_hp, smps_ext_rdy;
	uint8_t smps_level;   /* CR3.SMPSLEVEL (RM0399; absent from the SVD) */
	int8_t actvosrdy;     /* CSR1.ACTVOSRDY */
	uint8_t actvos;       /* CSR1.ACTVOS: VOS in use */
};

/* One USB OTG core (RM0399 "USB on-the-go"). USB2_OTG_FS is the DFU port of
 * the ROM bootloader; USB1_OTG_HS the other. */
struct periph_otg {
	const char *name;  /* "OTG_FS" / "OTG_HS" */
	uint8_t captured;  /* any of its registers was read */
	int8_t host_mode;  /* GINTSTS.CMOD: 1 host, 0 device */
	int8_t forced_device, forced_host; /* GUSBCFG.FDMOD / FHMOD */
	int8_t soft_disconnect; /* DCTL.SDIS */
	int8_t a_session, b_session; /* GOTGCTL.ASVLD / BSVLD */
	int8_t transceiver_on;  /* GCCFG.PWRDWN (1 = power down deactivated) */
	int8_t vbus_detect;     /* GCCFG.VBDEN */
	int8_t clock_on, in_reset; /* from RCC AHB1ENR / AHB1RSTR */
	const char *speed;      /* DSTS.ENUMSPD, in device mode once enumerated */
	uint8_t address;        /* DCFG.DAD */
	int8_t pullup;          /* D+ pull-up plausibly on: device mode, not
				   soft-disconnected, transceiver on, clock on and
				   not in reset */
	char summary[160];
};

struct periph_flash {
	uint8_t have_optsr, have_boot7, have_boot4, have_ur1;
	uint32_t boot7_add0, boot7_add1, boot4_add0, boot4_add1; /* addresses (value << 16) */
	int rdp_level;     /* 0, 1, 2; -1 unknown */
	uint8_t rdp_byte;  /* OPTSR_CUR.RDP */
	int8_t bcm7, bcm4; /* boot CM7 / CM4 (SYSCFG_UR1, else FLASH_OPTSR_CUR) */
	const char *bcm_source; /* "SYSCFG_UR1" or "FLASH_OPTSR_CUR" */
};

struct periph_dbgmcu {
	uint8_t have_idc, have_flash_size;
	uint16_t dev_id, rev_id;
	const char *part;     /* e.g. "STM32H74x/75x", or NULL when unknown */
	const char *revision; /* "Z", "Y", "X", "V", or NULL */
	uint16_t flash_kib;
};

struct periph_irq {
	uint8_t irq;
	uint8_t priority; /* raw NVIC_IPR byte */
	uint8_t prio_known;
};
struct periph_nvic {
	uint8_t have_iser, have_ispr, have_iabr;
	size_t n_enabled, n_pending, n_active;
	struct periph_irq enabled[150], pending[150], active[150];
};

struct periph_systick {
	uint8_t have_csr, have_rvr, have_cvr, have_icsr;
	int8_t running, tickint, core_clock, countflag, pending;
	uint32_t reload, current;
};

#define PERIPH_MAX_REGIONS 16
struct periph_mpu_region {
	uint8_t index;
	uint8_t captured;
	uint8_t enabled;
	uint32_t base;
	uint64_t size;      /* bytes: 2^(SIZE+1) */
	uint8_t ap, xn, tex, s, c, b, srd;
	const char *access; /* AP in words */
	const char *attrs;  /* memory type from TEX/C/B */
};
struct periph_mpu {
	uint8_t have_ctrl;
	int8_t enabled, hfnmiena, privdefena;
	unsigned n_regions; /* MPU_TYPE.DREGION, or 16 when not read */
	struct periph_mpu_region region[PERIPH_MAX_REGIONS];
};

struct periph_report {
	struct periph_rcc rcc;
	struct periph_pwr pwr;
	struct periph_otg otg_fs, otg_hs;
	struct periph_flash flash;
	struct periph_dbgmcu dbgmcu;
	struct periph_nvic nvic;
	struct periph_systick systick;
	struct periph_mpu mpu;
	uint8_t have_vtor;
	uint32_t vtor;
	const char *vtor_region;
	int8_t dcache_on, icache_on; /* CCR.DC / CCR.IC */
};

/* Decode every peripheral fact s allows. Pure; always succeeds. */
void periph_decode(const struct snapshot *s, struct periph_report *out);

/* DBGMCU_IDC helpers (RM0399 DBGMCU; domain.md): part name for DEV_ID, revision
 * letter for REV_ID (NULL when unknown). */
const char *periph_part_name(uint16_t dev_id);
const char *periph_revision_name(uint16_t dev_id, uint16_t rev_id);

/* RDP level from the OPTSR_CUR.RDP byte: 0xAA level 0, 0xCC level 2, else 1. */
int periph_rdp_level(uint8_t rdp);

/* MPU_RASR size field to bytes: 2^(SIZE+1) (SIZE >= 4 on ARMv7-M; smaller values
 * are UNPREDICTABLE and give 0 here). */
uint64_t periph_mpu_size(unsigned size_field);

#endif
