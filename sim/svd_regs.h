/* h7sim - register tables generated from the STM32H745 CMSIS-SVD (svd_regs.c). */
#ifndef H7SIM_SVD_REGS_H
#define H7SIM_SVD_REGS_H

#include <stdint.h>

struct svd_reg {
	uint16_t off;    /* offset from the peripheral base */
	uint32_t reset;  /* SVD resetValue */
	const char *name;
};

struct svd_block {
	const char *name;
	uint32_t base, size;
};

extern const struct svd_reg svd_rcc[], svd_pwr[], svd_flash[], svd_syscfg[], svd_dbgmcu[], svd_otg[];
extern const unsigned svd_rcc_count, svd_pwr_count, svd_flash_count, svd_syscfg_count,
	svd_dbgmcu_count, svd_otg_count;
/* every peripheral's address block, sorted by base */
extern const struct svd_block svd_blocks[];
extern const unsigned svd_block_count;

#endif
