/* Cortex-M7 fault decoding: pure functions over a snapshot (no I/O).
 *
 * Tables of every architecturally defined bit of CFSR (MMFSR, BFSR, UFSR),
 * HFSR, DFSR, SHCSR and the Cortex-M7 ABFSR, and of the core special
 * registers; a decoder that lists EVERY set bit (not only the first cause),
 * reports MMFAR/BFAR only under MMARVALID/BFARVALID, explains why a
 * configurable fault escalated to HardFault and what an imprecise BusFault
 * means, decodes EXC_RETURN and reads the stacked exception frame.
 *
 * Sources: ARMv7-M ARM (DDI0403) B1.5 exceptions, B3.2 System Control Block;
 * PM0253 (STM32F7/H7 Cortex-M7 programming manual) 2.3 exception model,
 * 4.3 SCB; Cortex-M7 TRM (DDI0489) ABFSR and CACR; RM0399 vector table.
 * Peer bugs deliberately avoided: first-cause-only decoding (probe-rs),
 * missing MLSPERR (pyOCD), 17-word FP frames and FORCED-only decoding
 * (CmBacktrace), clearing the evidence (nothing here writes anything).
 */
#ifndef H7_FAULT_H
#define H7_FAULT_H

#include <stddef.h>
#include <stdint.h>

#include "bits.h"
#include "snapshot.h"

/* the PC a locked-up core reports (DDI0403 B1.5.15 "Unrecoverable exception cases") */
#define FAULT_LOCKUP_PC 0xEFFFFFFEu
/* DHCSR.S_LOCKUP (DDI0403 C1.6.2) */
#define FAULT_DHCSR_S_LOCKUP (1u << 19)

/* CFSR bits (DDI0403 B3.2.15, PM0253 4.3.10): MMFSR 7:0, BFSR 15:8, UFSR 31:16 */
#define FAULT_CFSR_IACCVIOL (1u << 0)
#define FAULT_CFSR_DACCVIOL (1u << 1)
#define FAULT_CFSR_MUNSTKERR (1u << 3)
#define FAULT_CFSR_MSTKERR (1u << 4)
#define FAULT_CFSR_MLSPERR (1u << 5)
#define FAULT_CFSR_MMARVALID (1u << 7)
#define FAULT_CFSR_IBUSERR (1u << 8)
#define FAULT_CFSR_PRECISERR (1u << 9)
#define FAULT_CFSR_IMPRECISERR (1u << 10)
#define FAULT_CFSR_UNSTKERR (1u << 11)
#define FAULT_CFSR_STKERR (1u << 12)
#define FAULT_CFSR_LSPERR (1u << 13)
#define FAULT_CFSR_BFARVALID (1u << 15)
#define FAULT_CFSR_UNDEFINSTR (1u << 16)
#define FAULT_CFSR_INVSTATE (1u << 17)
#define FAULT_CFSR_INVPC (1u << 18)
#define FAULT_CFSR_NOCP (1u << 19)
#define FAULT_CFSR_UNALIGNED (1u << 24)
#define FAULT_CFSR_DIVBYZERO (1u << 25)
#define FAULT_CFSR_MMFSR 0x000000FFu
#define FAULT_CFSR_BFSR 0x0000FF00u
#define FAULT_CFSR_UFSR 0xFFFF0000u
/* HFSR (DDI0403 B3.2.16) */
#define FAULT_HFSR_VECTTBL (1u << 1)
#define FAULT_HFSR_FORCED (1u << 30)
#define FAULT_HFSR_DEBUGEVT (1u << 31)
/* SHCSR enables (DDI0403 B3.2.13) */
#define FAULT_SHCSR_MEMFAULTENA (1u << 16)
#define FAULT_SHCSR_BUSFAULTENA (1u << 17)
#define FAULT_SHCSR_USGFAULTENA (1u << 18)

/* Field tables (fault.c), each with its reference. */
extern const struct bits_reg fault_tables[];
extern const size_t fault_n_tables;
/* The table of a register, or NULL when fault.c has none for it. */
const struct bits_reg *fault_table(enum reg_id id);
/* Mask of all bits an architecture manual defines in the register (the
 * union of the table's masks); 0 when there is no table. */
uint32_t fault_defined_mask(enum reg_id id);

/* Exception numbers (DDI0403 B1.5.2) */
enum fault_exc {
	FAULT_EXC_THREAD = 0, FAULT_EXC_RESET = 1, FAULT_EXC_NMI = 2, FAULT_EXC_HARDFAULT = 3,
	FAULT_EXC_MEMMANAGE = 4, FAULT_EXC_BUSFAULT = 5, FAULT_EXC_USAGEFAULT = 6,
	FAULT_EXC_SVCALL = 11, FAULT_EXC_DEBUGMON = 12, FAULT_EXC_PENDSV = 14, FAULT_EXC_SYSTICK = 15,
	FAULT_EXC_IRQ0 = 16
};
#define FAULT_N_IRQS 150 /* STM32H745 interrupt lines (RM0399 vector table) */

/* The name of exception number n (the IPSR value): "Thread", "HardFault",
 * "IRQ101" ...; for IRQs use fault_irq_name() for the peripheral name.
 * Writes into buf (at least 16 bytes) when it must format; never NULL. */
const char *fault_exception_name(unsigned n, char *buf, size_t len);
/* The STM32H745 name of interrupt line irq (IRQ number, not exception
 * number), e.g. 101 -> "OTG_FS"; "reserved" for unused lines, NULL beyond. */
const char *fault_irq_name(unsigned irq);

/* EXC_RETURN (DDI0403 B1.5.8, PM0253 2.3.7). */
struct fault_exc_return {
	uint32_t value;
	uint8_t valid;       /* a legal ARMv7-M EXC_RETURN value */
	uint8_t to_thread;   /* bit 3: return to Thread mode (else Handler) */
	uint8_t use_psp;     /* bit 2: frame on PSP (else MSP) */
	uint8_t basic_frame; /* bit 4: 1 basic frame, 0 FP-extended frame */
};
/* Decode v; 0 when v is an EXC_RETURN pattern (0xFFFFFFxx) at all, else -1. */
int fault_exc_return_decode(uint32_t v, struct fault_exc_return *out);

/* The exception frame (DDI0403 B1.5.7, PM0253 2.3.7). */
struct fault_frame_layout {
	uint8_t on_psp;    /* the frame is at PSP (else MSP) */
	uint8_t size;      /* 0x20 basic, 0x68 FP-extended (26 words) */
	uint8_t pad;       /* 4 when the stacker aligned SP to 8 bytes (xPSR[9]) */
	uint32_t frame;    /* address of the stacked R0 */
	uint32_t sp_before;/* the stack pointer before the exception: frame + size + pad */
};
/* THE frame math: EXC_RETURN[2] (1 = PSP), EXC_RETURN[4] (1 = basic frame),
 * stacked xPSR[9] (1 = 4 bytes of alignment padding), and the two stack
 * pointers at exception entry. */
void fault_frame_math(int exc_return_bit2, int exc_return_bit4, int xpsr_bit9, uint32_t msp, uint32_t psp,
		      struct fault_frame_layout *out);

/* Stacked registers, in frame order. */
enum fault_stacked {
	FAULT_ST_R0, FAULT_ST_R1, FAULT_ST_R2, FAULT_ST_R3, FAULT_ST_R12, FAULT_ST_LR, FAULT_ST_PC,
	FAULT_ST_XPSR, FAULT_ST_BASIC_COUNT, /* then S0..S15, FPSCR, reserved in an extended frame */
	FAULT_ST_S0 = FAULT_ST_BASIC_COUNT, FAULT_ST_FPSCR = FAULT_ST_S0 + 16, FAULT_ST_EXT_COUNT = 26
};
extern const char *const fault_stacked_names[FAULT_ST_EXT_COUNT];

/* Why a configurable fault became a HardFault (HFSR.FORCED), fault-timing.md */
#define FAULT_ESC_PRIMASK 0x01u   /* PRIMASK=1: execution priority 0 */
#define FAULT_ESC_FAULTMASK 0x02u /* FAULTMASK=1: execution priority -1 */
#define FAULT_ESC_DISABLED 0x04u  /* the fault's handler is disabled in SHCSR */
#define FAULT_ESC_BASEPRI 0x08u   /* BASEPRI masks the fault's priority */
#define FAULT_ESC_PRIORITY 0x10u  /* raised in a handler of equal or higher priority */
#define FAULT_ESC_UNKNOWN 0x80u   /* FORCED, but the registers that would say why were not captured */

/* A plain-language finding of the decoder. */
#define FAULT_NOTE_LEN 400
struct fault_note {
	const char *id;           /* stable identifier, e.g. "precise-bus-error" */
	char text[FAULT_NOTE_LEN];
};
#define FAULT_MAX_NOTES 24

/* Fault classes (configurable fault kinds present in CFSR) */
#define FAULT_CLASS_MEMMANAGE 0x1u
#define FAULT_CLASS_BUSFAULT 0x2u
#define FAULT_CLASS_USAGEFAULT 0x4u

struct fault_report {
	/* inputs that were available (snap_ok) */
	uint8_t have_cfsr, have_hfsr, have_dfsr, have_abfsr, have_shcsr;
	uint32_t cfsr, hfsr, dfsr, abfsr, shcsr;
	/* fault address registers, reported only under their VALID bits */
	uint8_t mmfar_valid, bfar_valid;
	uint32_t mmfar, bfar;
	/* the exception the core is in (IPSR), when xPSR was read */
	uint8_t have_ipsr;
	uint16_t ipsr;
	char exception[40];
	unsigned classes;    /* FAULT_CLASS_* with bits set in CFSR */
	uint8_t faulted;     /* any fault status bit set (CFSR or HFSR) */
	uint8_t escalated;   /* HFSR.FORCED */
	unsigned esc_reasons;/* FAULT_ESC_* (when escalated) */
	uint8_t imprecise;   /* BFSR.IMPRECISERR */
	const char *abfsr_iface;  /* bus interface of the asynchronous fault, or NULL */
	const char *abfsr_type;   /* AXI response (AXIMTYPE) when AXIM, or NULL */
	/* EXC_RETURN and the stacked frame */
	uint8_t have_exc_return;
	struct fault_exc_return exc_return;
	uint8_t have_layout;      /* frame address known (stack pointer read) */
	struct fault_frame_layout layout;
	uint8_t n_stacked;        /* words of the frame read from the stack window */
	uint32_t stacked[FAULT_ST_EXT_COUNT];
	/* notes, most important first */
	size_t n_notes;
	struct fault_note notes[FAULT_MAX_NOTES];
};

/* Decode everything fault-related in s. Pure; missing registers are simply
 * left out (have_* = 0). Always succeeds. */
void fault_decode(const struct snapshot *s, struct fault_report *out);

/* The group priority of exception n in s (PM0253 SHPR1-3, NVIC_IPR, AIRCR
 * PRIGROUP), or -1/-2/-3 for HardFault/NMI/Reset; 0 = unknown is returned as
 * *known = 0. */
int fault_exception_priority(const struct snapshot *s, unsigned n, int *known);

#endif
