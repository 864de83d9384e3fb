/* h7sim - ARM JTAG-DP and MEM-APs of the simulated STM32H745.
 *
 * ADIv5 (ARM IHI0031): a 35-bit DPACC/APACC scan carries RnW (bit 0), A[3:2]
 * (bits 2:1) and 32 data bits (34:3); the value captured is ACK[2:0] plus the
 * result of the PREVIOUS read, the request itself executes at Update-DR. The
 * chip has four APs (RM0399, debug chapter "AP0..AP3"): AP0 the AHB-AP of the
 * Cortex-M7, AP1 the AHB-AP of the D3 domain, AP2 the APB-AP of the debug APB
 * (APB-D: DBGMCU at 0xE00E1000, SWO, funnel, TPIU), AP3 the AHB-AP of the
 * Cortex-M4. Memory behind them is reached through the dap_bus callbacks.
 *
 * h7sim always answers ACK OK: OpenOCD 0.12's recovery from WAIT on the
 * end-of-batch CTRL/STAT read leaves STICKYORUN set (openocd-and-sim notes).
 */
#ifndef H7SIM_DAP_H
#define H7SIM_DAP_H

#include <stdbool.h>
#include <stdint.h>

#define DAP_NUM_APS 4

/* Access to the memory behind AP `ap`: size 1, 2 or 4 bytes, addr aligned to
 * it. Return 0, or a negative value for a bus error (-> CTRL/STAT.STICKYERR). */
struct dap_bus {
	void *ctx;
	int (*read)(void *ctx, unsigned ap, uint32_t addr, unsigned size, uint32_t *val);
	int (*write)(void *ctx, unsigned ap, uint32_t addr, unsigned size, uint32_t val);
};

struct dap_ap {
	uint32_t csw, tar;
	uint32_t idr, base, cfg;
};

struct dap {
	uint32_t ctrl;      /* CTRL/STAT */
	uint32_t select;    /* SELECT: APSEL 31:24, APBANKSEL 7:4 */
	uint32_t result;    /* the posted read result, shifted out by the next scan */
	struct dap_ap ap[DAP_NUM_APS];
	struct dap_bus bus;
	uint64_t ap_reads, ap_writes, bus_errors;
};

/* CTRL/STAT bits (IHI0031 "CTRL/STAT") */
#define DAP_CTRL_ORUNDETECT (1u << 0)
#define DAP_CTRL_STICKYORUN (1u << 1)
#define DAP_CTRL_STICKYCMP (1u << 4)
#define DAP_CTRL_STICKYERR (1u << 5)
#define DAP_CTRL_WDATAERR (1u << 7)
#define DAP_CTRL_CDBGRSTREQ (1u << 26)
#define DAP_CTRL_CDBGRSTACK (1u << 27)
#define DAP_CTRL_CDBGPWRUPREQ (1u << 28)
#define DAP_CTRL_CDBGPWRUPACK (1u << 29)
#define DAP_CTRL_CSYSPWRUPREQ (1u << 30)
#define DAP_CTRL_CSYSPWRUPACK (1u << 31)

#define DAP_ACK_OK 0x2u /* JTAG-DP OK/FAULT */

void dap_init(struct dap *d, const struct dap_bus *bus);
/* Capture-DR of a DPACC/APACC scan: ACK | previous read result << 3. */
uint64_t dap_capture(struct dap *d);
/* Update-DR of a DPACC (ir JTAG_IR_DPACC) or APACC (JTAG_IR_APACC) scan. */
void dap_update(struct dap *d, unsigned ir, uint64_t dr);
/* Update-DR of an ABORT scan. */
void dap_abort(struct dap *d, uint64_t dr);

#endif
