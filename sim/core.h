/* h7sim - one Cortex-M core of the STM32H745 (the CM7 or the CM4).
 *
 * Unicorn 2.0.1 executes the Thumb-2 instructions; everything the architecture
 * says around them is modelled here because Unicorn has none of it: the System
 * Control Space (SCB, NVIC, SysTick, MPU, FPU and cache maintenance registers),
 * exception entry/return, priorities and escalation, faults, lockup, and the
 * halting-debug registers (DHCSR, DCRSR, DCRDR, DEMCR, DFSR), the FPB and the DWT.
 *
 * References: DDI0403 (ARMv7-M Architecture Reference Manual), PM0253
 * (STM32F7/H7 Cortex-M7 programming manual), PM0214 (Cortex-M4), DDI0489
 * (Cortex-M7 TRM: ABFSR, CACR, ITCMCR/DTCMCR).
 *
 * Files: cpu.c (Unicorn glue, instruction slices, core registers), exc.c
 * (exception model), scs.c (the SCS register map), cmdebug.c (debug registers,
 * FPB, DWT). Everything runs on the simulator's single thread.
 */
#ifndef H7SIM_CORE_H
#define H7SIM_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

struct soc;

#define CORE_CM7 0u
#define CORE_CM4 1u

/* exceptions: 1..15 system, 16 + n external interrupt n (150 lines on the H745) */
#define EXC_RESET 1
#define EXC_NMI 2
#define EXC_HARDFAULT 3
#define EXC_MEMMANAGE 4
#define EXC_BUSFAULT 5
#define EXC_USAGEFAULT 6
#define EXC_SVCALL 11
#define EXC_DEBUGMON 12
#define EXC_PENDSV 14
#define EXC_SYSTICK 15
#define EXC_IRQ0 16
#define CORE_NUM_IRQS 150
#define EXC_COUNT (EXC_IRQ0 + CORE_NUM_IRQS)
#define EXC_WORDS ((EXC_COUNT + 31) / 32)

/* CFSR bits (DDI0403 B3.2.15; PM0253 "Configurable fault status register") */
#define CFSR_IACCVIOL (1u << 0)
#define CFSR_DACCVIOL (1u << 1)
#define CFSR_MUNSTKERR (1u << 3)
#define CFSR_MSTKERR (1u << 4)
#define CFSR_MMARVALID (1u << 7)
#define CFSR_IBUSERR (1u << 8)
#define CFSR_PRECISERR (1u << 9)
#define CFSR_IMPRECISERR (1u << 10)
#define CFSR_UNSTKERR (1u << 11)
#define CFSR_STKERR (1u << 12)
#define CFSR_BFARVALID (1u << 15)
#define CFSR_UNDEFINSTR (1u << 16)
#define CFSR_INVSTATE (1u << 17)
#define CFSR_INVPC (1u << 18)
#define CFSR_NOCP (1u << 19)
#define CFSR_UNALIGNED (1u << 24)
#define CFSR_DIVBYZERO (1u << 25)
/* HFSR */
#define HFSR_VECTTBL (1u << 1)
#define HFSR_FORCED (1u << 30)
#define HFSR_DEBUGEVT (1u << 31)
/* DFSR (DDI0403 C1.6.1) */
#define DFSR_HALTED (1u << 0)
#define DFSR_BKPT (1u << 1)
#define DFSR_DWTTRAP (1u << 2)
#define DFSR_VCATCH (1u << 3)
#define DFSR_EXTERNAL (1u << 4)
/* DHCSR (DDI0403 C1.6.2) */
#define DHCSR_C_DEBUGEN (1u << 0)
#define DHCSR_C_HALT (1u << 1)
#define DHCSR_C_STEP (1u << 2)
#define DHCSR_C_MASKINTS (1u << 3)
#define DHCSR_C_SNAPSTALL (1u << 5)
#define DHCSR_S_REGRDY (1u << 16)
#define DHCSR_S_HALT (1u << 17)
#define DHCSR_S_SLEEP (1u << 18)
#define DHCSR_S_LOCKUP (1u << 19)
#define DHCSR_S_RETIRE_ST (1u << 24)
#define DHCSR_S_RESET_ST (1u << 25)
/* DEMCR (DDI0403 C1.6.5) */
#define DEMCR_VC_CORERESET (1u << 0)
#define DEMCR_VC_MMERR (1u << 4)
#define DEMCR_VC_NOCPERR (1u << 5)
#define DEMCR_VC_CHKERR (1u << 6)
#define DEMCR_VC_STATERR (1u << 7)
#define DEMCR_VC_BUSERR (1u << 8)
#define DEMCR_VC_INTERR (1u << 9)
#define DEMCR_VC_HARDERR (1u << 10)
#define DEMCR_MON_EN (1u << 16)
#define DEMCR_TRCENA (1u << 24)
#define DEMCR_RW_MASK 0x010F07F1u
/* SHCSR */
#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)
/* CCR */
#define CCR_DC (1u << 16)
#define CCR_IC (1u << 17)

/* the PC a locked-up core reports (DDI0403 B1.5.15 "Unrecoverable exception cases") */
#define CORE_LOCKUP_PC 0xEFFFFFFEu

/* What a core model needs to know about its variant. */
struct core_variant {
	const char *name;      /* "cm7", "cm4" */
	int uc_model;          /* UC_CPU_ARM_CORTEX_M7 / _M4 */
	uint32_t cpuid, mvfr0, mvfr1, mvfr2;
	uint32_t fp_ctrl;      /* FP_CTRL without ENABLE: NUM_CODE, NUM_LIT, REV */
	unsigned fp_ncomp;     /* FPB comparators */
	unsigned fpb_rev2;     /* 1: comparators hold any address (FPB v2) */
	unsigned mpu_regions;
	uint32_t ccr_reset;
	bool has_cache;        /* L1 caches and their maintenance registers (CM7) */
};

/* Why the last slice ended (set by the hooks). */
enum core_stop {
	CORE_STOP_NONE = 0,
	CORE_STOP_BUDGET,      /* the instruction budget was used up (or a re-check was asked for) */
	CORE_STOP_BREAKPOINT,  /* an FPB comparator matched the next instruction */
	CORE_STOP_INTR,        /* Unicorn raised an exception: BKPT, SVC, exception return */
};

/* An exception-causing event found after a slice (see exc.c). */
enum core_fault_kind {
	CORE_FAULT_NONE = 0,
	CORE_FAULT_MEM,        /* MemManage: cfsr bits in `cfsr`, address valid if MMARVALID */
	CORE_FAULT_BUS,        /* synchronous BusFault */
	CORE_FAULT_USAGE,      /* UsageFault */
	CORE_FAULT_DEBUG,      /* BKPT with halting debug disabled: HardFault DEBUGEVT */
	CORE_FAULT_SVC,        /* SVCall (synchronous) */
};

struct core {
	struct soc *soc;
	unsigned idx;
	const struct core_variant *var;
	uc_engine *uc;

	/* execution state */
	bool off;              /* clock-gated by the option bytes / RCC_GCR (CM4 or CM7) */
	bool halted;
	bool sleeping;         /* WFI */
	bool spin;             /* `wfi; b .-2` with an interrupt pending but masked */
	bool lockup;

	/* instruction slice bookkeeping, updated by the code hook */
	uint64_t cnt, budget;
	uint32_t ring[8];      /* addresses of the last instructions (IT-block detection) */
	enum core_stop stop;
	uint32_t stop_addr;
	uint32_t intno;
	bool watch_unmask;     /* look for CPSIE/MSR while an interrupt is pending but masked */
	bool in_slice;
	uint64_t icount;       /* instructions retired since power-on */
	uint64_t bkpt_halts;   /* halts on a breakpoint (BKPT or FPB) since h7sim started */
	bool retired;          /* an instruction retired since DHCSR was read */

	/* stores that hit reserved space: temporary sink pages (see cpu.c) */
	uint32_t sink_page[4];
	unsigned nsink;
	bool sink_hit;
	uint32_t sink_addr;
	/* refused flash writes (write-protected pages) */
	bool flash_fault;

	/* an imprecise BusFault waiting to be signalled (icount when it arrives) */
	bool async_pending;
	uint64_t async_at;

	/* exception state (exc.c) */
	uint32_t pend[EXC_WORDS], act[EXC_WORDS];
	uint32_t irq_en[EXC_WORDS];   /* NVIC_ISER, bit n = IRQ n */
	uint8_t prio[EXC_COUNT];      /* raw priority bytes (system handlers and IRQs) */
	bool irq_level_seen[CORE_NUM_IRQS];

	/* SCB */
	uint32_t vtor, prigroup, scr, ccr, shcsr_ena, cfsr, hfsr, dfsr, afsr;
	uint32_t cpacr, fpccr, fpcar, fpdscr, csselr, cacr, abfsr, actlr;
	uint32_t itcmcr, dtcmcr, ahbpcr, ahbscr;
	/* SysTick */
	uint32_t syst_csr, syst_rvr, syst_cvr, syst_div;
	/* MPU */
	uint32_t mpu_ctrl, mpu_rnr, mpu_rbar[16], mpu_rasr[16];
	bool mpu_applied;
	uint8_t *page_prot;           /* protections applied per 4 KiB page (ucpu_mpu_apply) */
	unsigned npages;

	/* debug */
	uint32_t dhcsr_ctrl, dhcsr_sticky, dcrdr, demcr;
	uint32_t fp_enable, fp_comp[8], fp_remap;
	uint32_t bp_addr[8];
	unsigned nbp;
	uint32_t dwt_ctrl, dwt_cyccnt, dwt_comp[4], dwt_mask[4], dwt_func[4];
	uint32_t itm_tcr, itm_ter, itm_tpr, itm_lar;

	/* translated code that host-side writes made stale */
	uint32_t dirty_lo, dirty_hi;
	bool flush_all;

	/* Unicorn MMIO mappings of this core (cpu.c) */
	struct ucpu_mmio *mmio;
	unsigned nmmio;
	uint32_t mem_fault_addr;   /* address reported by the last memory hook */
	uint32_t mmfar, bfar;      /* one shared register on the M7 (see scs.c) */
};

/* ---- cpu.c ---- */
/* Create the Unicorn engine and map the memory this core sees. */
int ucpu_init(struct core *c, struct soc *soc, unsigned idx, const struct core_variant *var);
void ucpu_fini(struct core *c);
/* Core reset (the part of a system reset that concerns this core). */
void ucpu_reset(struct core *c, uint32_t boot_addr);
/* Run up to max_instr instructions (fewer if something happens); returns the
 * number executed. Does nothing for a halted, sleeping, locked-up or gated core. */
uint64_t ucpu_run(struct core *c, uint64_t max_instr);
/* Execute one instruction for a debugger single step (DHCSR.C_STEP). */
void ucpu_step(struct core *c);
/* Register access for the debugger (DCRSR.REGSEL numbering, DDI0403 C1.6.3). */
int ucpu_dbg_reg_read(struct core *c, unsigned regsel, uint32_t *val);
int ucpu_dbg_reg_write(struct core *c, unsigned regsel, uint32_t val);
/* Unicorn register access with the privilege workaround (see cpu.c). */
uint32_t ucpu_reg(struct core *c, int ucreg);
void ucpu_set_reg(struct core *c, int ucreg, uint32_t v);
/* MSP, PSP, PRIMASK, BASEPRI, FAULTMASK as the privileged view sees them */
uint32_t ucpu_sysreg(struct core *c, int ucreg);
uint32_t ucpu_pc(struct core *c);
void ucpu_set_pc(struct core *c, uint32_t pc);
void ucpu_rebuild_flags(struct core *c);
/* Host-side writes made translated code in [lo, hi) stale. */
void ucpu_code_dirty(struct core *c, uint32_t lo, uint32_t hi);
/* Ask the running slice to stop after the current instruction. */
void ucpu_request_stop(struct core *c);
/* Apply the MPU configuration to the page protections (cpu.c). */
void ucpu_mpu_apply(struct core *c);

/* ---- exc.c ---- */
void exc_reset(struct core *c);
int exc_group_prio(const struct core *c, int exc);
/* current execution priority (DDI0403 B1.5.4), -3..256 */
int exc_exec_prio(struct core *c);
/* the pending exception that would preempt now (0: none); with
 * ignore_primask, the one that would wake the core from WFI */
int exc_pending_preempt(struct core *c, bool ignore_primask);
void exc_set_pending(struct core *c, int exc);
void exc_clear_pending(struct core *c, int exc);
bool exc_is_pending(const struct core *c, int exc);
bool exc_is_active(const struct core *c, int exc);
void exc_set_active(struct core *c, int exc, bool on);
/* Take pending exceptions that may preempt now; returns true when one was taken. */
bool exc_take_pending(struct core *c);
/* A synchronous fault at the current PC (the instruction did not complete). */
void exc_fault(struct core *c, enum core_fault_kind kind, uint32_t cfsr_bits, uint32_t addr);
/* An imprecise BusFault arrives now. */
void exc_async_busfault(struct core *c);
/* Exception return with this EXC_RETURN value (from the Unicorn hook). */
void exc_return(struct core *c, uint32_t exc_return);
/* Enter lockup. */
void exc_lockup(struct core *c, const char *why);
/* External interrupt line levels changed: sample them into NVIC pending bits. */
void exc_irq_lines(struct core *c, const uint32_t *levels);
/* SHCSR / ICSR as read (composed from the exception state) */
uint32_t exc_shcsr(struct core *c);
uint32_t exc_icsr(struct core *c);
void exc_write_shcsr(struct core *c, uint32_t v);
void exc_write_icsr(struct core *c, uint32_t v);

/* ---- scs.c ---- */
void scs_reset(struct core *c);
int scs_read(struct core *c, uint32_t addr, unsigned size, uint32_t *val, bool debugger);
int scs_write(struct core *c, uint32_t addr, unsigned size, uint32_t val, bool debugger);
/* Advance SysTick by `cycles` processor clocks; returns true if it pended. */
bool scs_systick_advance(struct core *c, uint64_t cycles);
/* Processor cycles until SysTick next wraps to 0 with TICKINT set (UINT64_MAX: never). */
uint64_t scs_systick_cycles_left(const struct core *c);

/* ---- cmdebug.c ---- */
void cmdbg_reset_power(struct core *c);
int cmdbg_read(struct core *c, uint32_t addr, uint32_t *val, bool debugger);
int cmdbg_write(struct core *c, uint32_t addr, uint32_t val, bool debugger);
/* the core halts for the debugger (reason: DFSR bits) */
void cmdbg_halt(struct core *c, uint32_t dfsr_bits);
/* FPB: is there an enabled comparator at this address */
bool cmdbg_bp_match(const struct core *c, uint32_t addr);

#endif
