/* Board profiles as data: how OpenOCD reaches each supported board.
 *
 * h7jumpdiag does not source OpenOCD's board files: the stock
 * board/stm32h745i-disco.cfg uses HLA (no CM4: "hla does not support
 * multicore debugging") and installs a reset-init handler that reprograms
 * the clocks, FLASH_ACR and QSPI, which would change the state a diagnosis
 * must observe (../shared/notes/openocd-and-sim.md, "Real boards"). Each
 * profile lists the adapter and target files itself, with the ST-LINK in
 * DAP mode (dapdirect_swd) for dual-core parts and a documented HLA
 * single-core fallback for ST-LINK firmware without DAP support.
 */
#ifndef H7_BOARD_H
#define H7_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define BOARD_MAX_ARGS 24

enum board_supply {
	BOARD_SUPPLY_UNKNOWN = 0,
	BOARD_SUPPLY_LDO,         /* PWR_LDO_SUPPLY */
	BOARD_SUPPLY_DIRECT_SMPS  /* PWR_DIRECT_SMPS_SUPPLY */
};

/* "LDO", "direct SMPS" or "unknown". */
const char *board_supply_name(enum board_supply s);

struct board {
	const char *name;          /* --board value */
	const char *description;
	const char *chip;          /* OpenOCD CHIPNAME / order code, e.g. "stm32h745xih6" */
	int dual_core;             /* CM7 + CM4 */
	int simulated;             /* h7sim behind remote_bitbang */
	/* OpenOCD arguments. "@RBB_PORT@" is replaced by h7sim's port and
	 * "@SIM_CFG@" by the path of openocd-h7sim.cfg (sim only). */
	const char *const *openocd_args;
	/* Fallback when the primary arguments fail (HLA, CM7 only), or NULL. */
	const char *const *fallback_args;
	const char *fallback_note; /* said in the report when the fallback is used */
	/* (board_fallback_applies() says which failures of the primary arguments
	 * the fallback can cure) */
	/* What the probe firmware may assume (firmware-probe/README.md). The
	 * probe never writes the supply configuration: `supply` is for the report. */
	uint32_t hse_hz;           /* HSE frequency, 0 when unknown (the probe then uses HSI) */
	int hse_bypass;            /* HSE is an external clock (ST-LINK MCO), not a crystal */
	enum board_supply supply;
	int probe_board;           /* enum probe_board */
	const char *usb_port;      /* the connector of the bootloader's DFU port (OTG_FS, PA11/PA12) */
	const char *ref;           /* where these facts come from */
};

/* The sim board's arguments with the adapter given inline, for when
 * openocd-h7sim.cfg cannot be found. */
extern const char *const board_sim_inline_args[];

/* The board named name (case-insensitive), or NULL. */
const struct board *board_find(const char *name);
/* All boards; the first is the default ("sim"). */
const struct board *board_list(size_t *n);
/* "sim, disco, ..." for messages (static). */
const char *board_names(void);

/* The argument vector for OpenOCD: args with the placeholders replaced.
 * storage receives the substituted strings (storagesz bytes); argv gets at
 * most max-1 pointers and a NULL. 0 or H7_ERROR_OVERFLOW/H7_ERROR_INVALID_PARAM
 * (a placeholder without a value). */
int board_openocd_argv(const char *const *args, uint16_t rbb_port, const char *sim_cfg, const char **argv,
		       size_t max, char *storage, size_t storagesz);

/* Does the fallback (HLA) have a chance after the primary arguments failed
 * with rc? Only when the ST-LINK refused DAP mode (old firmware) or OpenOCD
 * refused the DAP configuration: no probe, no permission or a silent target
 * fail the same way in HLA mode, and a second attempt would only hide the
 * first message behind a misleading one. */
int board_fallback_applies(int rc);

#endif
