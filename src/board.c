/* Board profiles (see board.h). */
#include "board.h"
#include "h7jumpdiag/probe_abi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "h7jumpdiag/error.h"
#include "ocd_rpc.h"

/* h7sim: OpenOCD's remote_bitbang JTAG adapter (Debian's 0.12.0 has no SWD
 * over remote_bitbang; openocd-and-sim.md "Transport"). The adapter snippet
 * selects the driver, so `remote_bitbang port` must come after it: OpenOCD
 * 0.12 registers the driver's commands only once `adapter driver` ran
 * ("invalid command name remote_bitbang" otherwise, observed).
 * The snippet's path is given as `-c script QUOTED`, not `-f PATH`: OpenOCD
 * 0.12 turns `-f PATH` into the Tcl command `script {PATH}` without quoting,
 * so a '}' in an installation or $H7_DATA_DIR path would run the rest of the
 * path as Tcl (observed; tests/reliability). @SIM_CFG@ is replaced by
 * ocd_rpc_quote()'s form of the path.
 * target/stm32h7x.cfg sets `adapter srst delay 100` and `jtag_ntrst_delay 100`
 * for the real chip's reset lines; OpenOCD sleeps both when `init` releases
 * them. h7sim needs no settling time: set to 0 after the target file, OpenOCD's
 * start against h7sim drops from about 350 to 140 ms (measured, bench/README.md). */
#define SIM_NO_RESET_DELAYS "-c", "adapter srst delay 0", "-c", "jtag_ntrst_delay 0"
static const char *const sim_args[] = {
	"-c", "script @SIM_CFG@", "-c", "remote_bitbang port @RBB_PORT@", "-c", "set DUAL_CORE 1",
	"-f", "target/stm32h7x_dual_bank.cfg", SIM_NO_RESET_DELAYS, NULL,
};

/* The same without the snippet file (a build tree without sim/ installed). */
const char *const board_sim_inline_args[] = {
	"-c", "adapter driver remote_bitbang", "-c", "remote_bitbang host 127.0.0.1", "-c",
	"remote_bitbang port @RBB_PORT@", "-c", "transport select jtag", "-c", "set DUAL_CORE 1",
	"-f", "target/stm32h7x_dual_bank.cfg", SIM_NO_RESET_DELAYS, NULL,
};

/* ST-LINK (V3E on these boards) in DAP mode: both cores and the AP2 (DBGMCU)
 * target exist. reset_config srst_only as the stock board files (NRST is
 * wired to the ST-LINK); no reset-init handler. */
#define DAP_ARGS(...)                                                                             \
	"-f", "interface/stlink-dap.cfg", "-c", "transport select dapdirect_swd", __VA_ARGS__ "-c", "set DUAL_CORE 1", \
	"-f", "target/stm32h7x_dual_bank.cfg", "-c", "reset_config srst_only", NULL
/* HLA fallback (older ST-LINK firmware): CM7 only (stm32h7x.cfg falls back to
 * DUAL_CORE 0 under HLA and creates no AP2 target). */
#define HLA_ARGS(...)                                                                             \
	"-f", "interface/stlink.cfg", "-c", "transport select hla_swd", __VA_ARGS__ "-f",                   \
	"target/stm32h7x_dual_bank.cfg", "-c", "reset_config srst_only", NULL

static const char *const disco_args[] = { DAP_ARGS("-c", "set CHIPNAME stm32h745xih6", ) };
static const char *const disco_hla[] = { HLA_ARGS("-c", "set CHIPNAME stm32h745xih6", ) };
static const char *const disco747_args[] = { DAP_ARGS("-c", "set CHIPNAME stm32h747xih6", ) };
static const char *const disco747_hla[] = { HLA_ARGS("-c", "set CHIPNAME stm32h747xih6", ) };
static const char *const nucleo745_args[] = { DAP_ARGS() };
static const char *const nucleo745_hla[] = { HLA_ARGS() };
/* single core: the stock board file's HLA setup is enough (no CM4 to see) */
static const char *const nucleo743_args[] = { HLA_ARGS() };

#define HLA_NOTE                                                                                         \
	"the ST-LINK did not work in DAP mode (dapdirect_swd: ST-LINK firmware too old?); fell back to HLA, " \
	"which sees only the CM7: the CM4 was not observed"

static const struct board boards[] = {
	/* HSE and supply: the boards' user manuals and the SystemClock_Config() of
	 * ST's STM32CubeH7 examples for each board (HAL_PWREx_ConfigSupply(),
	 * RCC_HSE_ON / RCC_HSE_BYPASS, HSE_VALUE). */
	{ "sim", "simulated STM32H745I-DISCO (h7sim, no hardware)", "stm32h7x", 1, 1, sim_args, NULL, NULL, 25000000u, 0,
	  BOARD_SUPPLY_DIRECT_SMPS, PROBE_BOARD_SIM, "simulated OTG_FS cable",
	  "h7sim models the STM32H745I-DISCO (sim/README.md)" },
	{ "disco", "STM32H745I-DISCO (on-board STLINK-V3E)", "stm32h745xih6", 1, 0, disco_args, disco_hla, HLA_NOTE,
	  25000000u, 0, BOARD_SUPPLY_DIRECT_SMPS, PROBE_BOARD_DISCO, "CN13 (USB OTG FS micro-AB)",
	  "STM32H745I-DISCO user manual (MB1381): 25 MHz HSE crystal, direct SMPS; STM32CubeH7 examples" },
	{ "nucleo-h745zi-q", "NUCLEO-H745ZI-Q (on-board STLINK-V3E)", "stm32h7x", 1, 0, nucleo745_args, nucleo745_hla,
	  HLA_NOTE, 8000000u, 1, BOARD_SUPPLY_DIRECT_SMPS, PROBE_BOARD_NUCLEO_H745ZI_Q, "CN13 (USB OTG FS micro-AB)",
	  "UM2408 (STM32H7 Nucleo-144, MB1363): 8 MHz HSE from the STLINK-V3E MCO (bypass), SMPS" },
	{ "nucleo-h743zi", "NUCLEO-H743ZI (single core, on-board ST-LINK)", "stm32h7x", 0, 0, nucleo743_args, NULL,
	  NULL, 8000000u, 1, BOARD_SUPPLY_LDO, PROBE_BOARD_NUCLEO_H743ZI, "CN13 (USB OTG FS micro-AB)",
	  "NUCLEO-H743ZI user manual (MB1137): 8 MHz HSE from the ST-LINK MCO (bypass); the H743 has no SMPS (LDO)" },
	{ "h747i-disco", "STM32H747I-DISCO (on-board STLINK-V3E)", "stm32h747xih6", 1, 0, disco747_args, disco747_hla,
	  HLA_NOTE, 25000000u, 0, BOARD_SUPPLY_DIRECT_SMPS, PROBE_BOARD_H747I_DISCO, "CN2 (USB OTG FS micro-AB)",
	  "STM32H747I-DISCO user manual (MB1248): 25 MHz HSE crystal, direct SMPS; STM32CubeH7 examples" },
};

const struct board *board_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof boards / sizeof boards[0]; i++)
		if (strcasecmp(boards[i].name, name) == 0)
			return &boards[i];
	return NULL;
}

const struct board *board_list(size_t *n)
{
	*n = sizeof boards / sizeof boards[0];
	return boards;
}

const char *board_names(void)
{
	return "sim, disco, nucleo-h745zi-q, nucleo-h743zi, h747i-disco";
}

int board_openocd_argv(const char *const *args, uint16_t rbb_port, const char *sim_cfg, const char **argv,
		       size_t max, char *storage, size_t storagesz)
{
	size_t n = 0, used = 0;

	if (!args || !argv || max < 1)
		return H7_ERROR_INVALID_PARAM;
	for (size_t i = 0; args[i]; i++) {
		if (n + 1 >= max)
			return H7_ERROR_OVERFLOW;
		const char *a = args[i];
		const char *ph_port = strstr(a, "@RBB_PORT@"), *ph_cfg = strstr(a, "@SIM_CFG@");
		if (!ph_port && !ph_cfg) {
			argv[n++] = a;
			continue;
		}
		if ((ph_port && !rbb_port) || (ph_cfg && !sim_cfg))
			return H7_ERROR_INVALID_PARAM;
		const char *ph = ph_port ? ph_port : ph_cfg;
		size_t phlen = ph_port ? 10 : 9;
		char val[16];
		char *quoted = NULL;
		const char *v = val;
		if (ph_port) {
			snprintf(val, sizeof val, "%u", rbb_port);
		} else {
			/* a path inside a Tcl command: the one audited quoting function */
			quoted = ocd_rpc_quote_str(sim_cfg);
			if (!quoted)
				return H7_ERROR_NO_MEM;
			v = quoted;
		}
		int w = snprintf(storage + used, storagesz - used, "%.*s%s%s", (int)(ph - a), a, v, ph + phlen);
		free(quoted);
		if (w < 0 || (size_t)w >= storagesz - used)
			return H7_ERROR_OVERFLOW;
		argv[n++] = storage + used;
		used += (size_t)w + 1;
	}
	argv[n] = NULL;
	return 0;
}

const char *board_supply_name(enum board_supply s)
{
	switch (s) {
	case BOARD_SUPPLY_LDO: return "LDO";
	case BOARD_SUPPLY_DIRECT_SMPS: return "direct SMPS";
	default: return "unknown";
	}
}

int board_fallback_applies(int rc)
{
	return rc == H7_ERROR_NOT_SUPPORTED || rc == H7_ERROR_OPENOCD;
}
