/* h7jumpdiag probe firmware ABI: the RAM mailbox shared by the host tool and the
 * probe firmware (firmware-probe/), which runs on the target's Cortex-M7 from
 * AXI SRAM. This header is compiled by both the host compiler and
 * arm-none-eabi-gcc: fixed-width types only, no host-only headers.
 *
 * Protocol (see firmware-probe/README.md):
 *  1. The host halts the core (reset halt), loads the probe image into RAM with
 *     load_image, fills the mailbox (magic, abi, board, flags, jump address,
 *     the list of steps), points PC/MSP at the probe's vector table and resumes.
 *  2. Before each step i the probe writes cur_step = i and executes
 *     BKPT #PROBE_BKPT_STEP: the core halts (DFSR.BKPT) and the host takes a
 *     snapshot, which is the state AFTER step i-1. The host resumes past the BKPT.
 *  3. The last steps may branch away (into the bootloader): no BKPT follows; the
 *     host follows execution with a breakpoint in system memory.
 *  4. When every step returned, the probe executes BKPT #PROBE_BKPT_DONE.
 *  5. A fault is caught by the host through vector catch before the probe's handler
 *     runs. If the host resumes, the handler either unwinds (flag KEEP_GOING:
 *     exception return to the next step, fault status cleared, faults++) or stops
 *     with BKPT #PROBE_BKPT_FAULT.
 */
#ifndef H7JUMPDIAG_PROBE_ABI_H
#define H7JUMPDIAG_PROBE_ABI_H

#include <stdint.h>

#define PROBE_MAGIC 0x444A3748u /* "H7JD" in memory order */
#define PROBE_LOAD_ADDR 0x24000000u    /* AXI SRAM (RM0399 memory map) */
#define PROBE_MAILBOX_ADDR 0x24000400u /* fixed: after the vector table */
#define PROBE_RAM_END 0x24005000u      /* the H74x ROM bootloader uses 0x24005000-0x24080000 (AN2606) */
#define PROBE_ABI_VERSION 1u
#define PROBE_MAX_STEPS 32u

/* BKPT immediates the probe uses (DDI0403 A7.7.17: the immediate is ignored by
 * the core; the host reads the halfword at PC to tell them apart). */
#define PROBE_BKPT_STEP 0x01  /* about to run steps[cur_step] */
#define PROBE_BKPT_DONE 0x02  /* all steps returned */
#define PROBE_BKPT_FAULT 0x0F /* a fault handler ran without KEEP_GOING */
#define PROBE_BKPT_ERROR 0x0E /* the mailbox was invalid; error holds the reason */

/* Steps: each is one documented unit of the jump (firmware-probe/steps.c).
 * Numbers are ABI: append, never renumber. */
enum probe_step {
	PROBE_STEP_NONE = 0,
	/* setup: recreate the application's state before the jump */
	PROBE_STEP_APP_CLOCKS = 1,    /* HSE + PLL1 as the system clock, like SystemClock_Config (PWR untouched) */
	PROBE_STEP_APP_SYSTICK = 2,   /* HAL_InitTick: SysTick 1 kHz with its interrupt */
	PROBE_STEP_APP_NVIC = 3,      /* enable the interrupts a typical application uses */
	PROBE_STEP_APP_CACHES = 4,    /* SCB_EnableICache + SCB_EnableDCache, done properly */
	PROBE_STEP_APP_CDC = 5,       /* OTG_FS up and enumerated as the application's CDC device */
	PROBE_STEP_ENTER_ISR = 6,     /* pend an interrupt; the remaining steps run inside its handler */
	/* the jump sequence */
	PROBE_STEP_USB_DISCONNECT = 16,  /* soft-disconnect OTG_FS, mask its IRQ, reset and gate the core */
	PROBE_STEP_DISABLE_IRQ = 17,     /* __disable_irq() */
	PROBE_STEP_DISABLE_ICACHE = 18,  /* CMSIS 5 SCB_DisableICache() */
	PROBE_STEP_DISABLE_DCACHE = 19,  /* CMSIS 5 SCB_DisableDCache(): clean+invalidate every set/way, unconditionally */
	PROBE_STEP_DISABLE_CACHES_CHECKED = 20, /* disable I/D-cache only if CCR says they are on (CMSIS_6 PR #293) */
	PROBE_STEP_RCC_DEINIT = 21,      /* HAL_RCC_DeInit(), including its HAL_InitTick() */
	PROBE_STEP_SYSTICK_CLEAR = 22,   /* SysTick CTRL = LOAD = VAL = 0 */
	PROBE_STEP_NVIC_CLEAR = 23,      /* NVIC ICER[i] = ICPR[i] = 0xFFFFFFFF for i in 0..7 */
	PROBE_STEP_ENABLE_IRQ = 24,      /* __enable_irq() */
	PROBE_STEP_READ_VECTORS = 25,    /* pc = *(addr + 4); sp = *(addr)   (the seed's order) */
	PROBE_STEP_SET_MSP = 26,         /* __set_MSP(sp) */
	PROBE_STEP_BRANCH = 27,          /* SysMemBootJump(): call through a global function pointer */
	PROBE_STEP_BRANCH_ASM = 28,      /* MSR MSP + BX in one asm block (ST's advice) */
	PROBE_STEP_SET_MSP_LOCAL = 29,   /* __set_MSP(sp) with the jump pointer kept in a stack local (-O0 code) */
	PROBE_STEP_CONTROL_RESET = 30,   /* __set_CONTROL(0): privileged, MSP, FPCA clear */
	PROBE_STEP_COUNT_
};

/* mailbox.flags (host -> probe) */
#define PROBE_F_KEEP_GOING 0x1u /* fault handlers unwind to the next step instead of stopping */
#define PROBE_F_HSE_BYPASS 0x2u /* the board feeds HSE from an external clock (ST-LINK MCO), not a crystal */

/* mailbox.state (probe -> host) */
enum probe_state {
	PROBE_STATE_LOADED = 0,  /* host wrote the mailbox, probe not started */
	PROBE_STATE_RUNNING = 1, /* executing steps */
	PROBE_STATE_DONE = 2,    /* every step returned */
	PROBE_STATE_FAULT = 3,   /* stopped in a fault handler */
	PROBE_STATE_ERROR = 4    /* invalid mailbox (see error) */
};

/* mailbox.board: what the probe may assume about the hardware. */
enum probe_board {
	PROBE_BOARD_UNKNOWN = 0, /* HSE unknown: stay on HSI */
	PROBE_BOARD_DISCO = 1,   /* STM32H745I-DISCO */
	PROBE_BOARD_NUCLEO_H745ZI_Q = 2,
	PROBE_BOARD_NUCLEO_H743ZI = 3,
	PROBE_BOARD_H747I_DISCO = 4,
	PROBE_BOARD_SIM = 5      /* h7sim (models the disco board) */
};

/* The mailbox lives at the symbol `probe_mailbox` in the probe ELF (section
 * .mailbox, not cleared by the startup code). Offsets are ABI. */
struct probe_mailbox {
	/* host -> probe, written before the probe starts */
	uint32_t magic;           /* 0x00 PROBE_MAGIC */
	uint32_t abi;             /* 0x04 PROBE_ABI_VERSION */
	uint32_t board;           /* 0x08 enum probe_board */
	uint32_t flags;           /* 0x0C PROBE_F_* */
	uint32_t hse_hz;          /* 0x10 board HSE frequency, 0 = unknown (use HSI) */
	uint32_t jump_addr;       /* 0x14 the address the jump reads its vectors from */
	uint32_t n_steps;         /* 0x18 */
	uint8_t steps[PROBE_MAX_STEPS]; /* 0x1C enum probe_step */
	/* probe -> host */
	uint32_t state;           /* 0x3C enum probe_state */
	uint32_t cur_step;        /* 0x40 index of the step about to run / running */
	uint32_t faults;          /* 0x44 faults unwound under KEEP_GOING */
	uint32_t error;           /* 0x48 reason for PROBE_STATE_ERROR */
	uint32_t jump_sp;         /* 0x4C value read from jump_addr */
	uint32_t jump_pc;         /* 0x50 value read from jump_addr + 4 */
	uint32_t ccr_seen;        /* 0x54 SCB->CCR when a cache step started */
	uint32_t ticks;           /* 0x58 SysTick interrupts taken */
	uint32_t usb_state;       /* 0x5C probe's OTG_FS device: 0 off, 1 connected, 2 reset, 3 addressed, 4 configured */
	uint32_t last_fault_pc;   /* 0x60 stacked PC of the last fault the probe unwound */
	uint32_t reserved[7];     /* 0x64 */
};

#define PROBE_MAILBOX_SIZE 0x80u

/* mailbox.error values */
#define PROBE_ERR_MAGIC 1u     /* magic or abi mismatch */
#define PROBE_ERR_STEPS 2u     /* n_steps out of range or an unknown step id */
#define PROBE_ERR_TAIL 3u      /* a branch step that is not last */

#endif
