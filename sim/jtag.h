/* h7sim - the JTAG scan chain of the simulated STM32H745.
 *
 * TDI -> boundary-scan TAP (IR 5 bits) -> ARM JTAG-DP TAP (IR 4 bits) -> TDO,
 * as on the chip (RM0399, debug infrastructure chapter: "JTAG TAP connection").
 * The TAP controller is the IEEE 1149.1 state machine. This layer knows nothing
 * about the transport: a front end calls jtag_edge() once per rising TCK edge
 * and jtag_tdo() to sample TDO (remote_bitbang, sim/rbb.c), or jtag_scan() /
 * jtag_tms_seq() for whole scans (a jtag_vpi-style front end). DPACC, APACC and
 * ABORT scans are handed to the JTAG-DP (sim/dap.h) at Capture-DR / Update-DR.
 */
#ifndef H7SIM_JTAG_H
#define H7SIM_JTAG_H

#include <stdbool.h>
#include <stdint.h>

struct dap;

enum jtag_state {
	JTAG_TLR, JTAG_RTI, JTAG_SELDR, JTAG_CAPDR, JTAG_SHDR, JTAG_EX1DR, JTAG_PDR, JTAG_EX2DR,
	JTAG_UPDR, JTAG_SELIR, JTAG_CAPIR, JTAG_SHIR, JTAG_EX1IR, JTAG_PIR, JTAG_EX2IR, JTAG_UPIR
};

/* JTAG-DP instructions (ADIv5, IHI0031 "JTAG-DP registers"); others select BYPASS. */
#define JTAG_IR_ABORT 0x8u
#define JTAG_IR_DPACC 0xAu
#define JTAG_IR_APACC 0xBu
#define JTAG_IR_IDCODE 0xEu
#define JTAG_IR_BYPASS 0xFu
/* boundary-scan TAP instructions used here (IEEE 1149.1) */
#define JTAG_BS_IR_IDCODE 0x01u
#define JTAG_BS_IR_BYPASS 0x1Fu

/* ARM JTAG-DP IDCODE of the STM32H7 (what OpenOCD's stm32h7x.cfg expects) and the
 * boundary-scan TAP IDCODE of the STM32H745 (RM0399 debug chapter, BSDL). */
#define JTAG_DP_IDCODE 0x6BA00477u
#define JTAG_BS_IDCODE 0x06450041u

struct jtag {
	enum jtag_state state;
	uint8_t ir_dp, ir_bs;      /* current instructions */
	uint64_t sr_dp, sr_bs;     /* shift registers, sr_dp nearest TDO */
	unsigned len_dp, len_bs;   /* their lengths for the current scan */
	struct dap *dap;
	uint64_t scans;            /* completed DR and IR scans (Update-DR/IR) */
};

/* Power-on state: Test-Logic-Reset, both TAPs on IDCODE. */
void jtag_init(struct jtag *j, struct dap *dap);
/* TRST asserted: the TAP controllers go to Test-Logic-Reset. */
void jtag_trst(struct jtag *j);
/* One rising TCK edge with the given TMS and TDI levels. */
void jtag_edge(struct jtag *j, int tms, int tdi);
/* The TDO level now (sampled before the next rising edge). */
int jtag_tdo(const struct jtag *j);
/* n TMS bits (LSB first), TDI low. */
void jtag_tms_seq(struct jtag *j, const uint8_t *bits, unsigned n);
/* Shift n bits of tdi (LSB first) and store what came out in tdo (may be NULL);
 * with exit_last, TMS is high on the last bit (leaving the shift state). */
void jtag_scan(struct jtag *j, const uint8_t *tdi, uint8_t *tdo, unsigned n, bool exit_last);

#endif
