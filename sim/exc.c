/* h7sim - the ARMv7-M exception model (DDI0403 B1.5 "ARMv7-M exception model").
 *
 * Priorities: Reset -3, NMI -2, HardFault -1, everything else from SHPR/NVIC_IPR
 * (4 implemented bits on the STM32H7, RM0399 NVIC), grouped by AIRCR.PRIGROUP.
 * The execution priority is the highest active group priority, boosted by
 * PRIMASK (0), FAULTMASK (-1) and BASEPRI (B1.5.4). A synchronous fault that
 * cannot preempt (its handler disabled in SHCSR, or masked) escalates to
 * HardFault with HFSR.FORCED; one that cannot even do that locks the core up
 * (B1.5.15). An imprecise BusFault is asynchronous: with its handler enabled it
 * stays pending until it can be taken; disabled, it becomes a HardFault
 * (PM0253 "Fault escalation and hard faults"; ../shared/notes/fault-timing.md).
 *
 * Entry pushes the basic 8-word frame, or the 26-word FP frame when CONTROL.FPCA
 * and FPCCR.ASPEN are set (lazy stacking is not modelled: the FP registers are
 * written at once), aligned to 8 bytes with xPSR[9] recording the realignment
 * (CCR.STKALIGN is always 1 on the M7). Limitation: Unicorn does not expose
 * ITSTATE, so an exception taken inside an IT block stacks IT = 0.
 */
#include "core.h"

#include "simlog.h"
#include "soc.h"

#include <string.h>

#define EXC_BIT(e) (1u << ((e) & 31))
#define EXC_WORD(e) ((e) >> 5)

void exc_reset(struct core *c)
{
	memset(c->pend, 0, sizeof(c->pend));
	memset(c->act, 0, sizeof(c->act));
	memset(c->irq_en, 0, sizeof(c->irq_en));
	memset(c->prio, 0, sizeof(c->prio));
	c->prigroup = 0;
	c->shcsr_ena = 0;
}

bool exc_is_pending(const struct core *c, int exc)
{
	return (c->pend[EXC_WORD(exc)] & EXC_BIT(exc)) != 0;
}

bool exc_is_active(const struct core *c, int exc)
{
	return (c->act[EXC_WORD(exc)] & EXC_BIT(exc)) != 0;
}

void exc_set_pending(struct core *c, int exc)
{
	if (exc > 0 && exc < EXC_COUNT) {
		c->pend[EXC_WORD(exc)] |= EXC_BIT(exc);
		ucpu_request_stop(c);
	}
}

void exc_clear_pending(struct core *c, int exc)
{
	if (exc > 0 && exc < EXC_COUNT)
		c->pend[EXC_WORD(exc)] &= ~EXC_BIT(exc);
}

void exc_set_active(struct core *c, int exc, bool on)
{
	if (exc <= 0 || exc >= EXC_COUNT)
		return;
	if (on)
		c->act[EXC_WORD(exc)] |= EXC_BIT(exc);
	else
		c->act[EXC_WORD(exc)] &= ~EXC_BIT(exc);
}

/* 4 priority bits are implemented (RM0399 NVIC: __NVIC_PRIO_BITS 4) */
#define EXC_PRIO_IMPL 0xF0u

int exc_group_prio(const struct core *c, int exc)
{
	unsigned mask;

	if (exc == EXC_RESET)
		return -3;
	if (exc == EXC_NMI)
		return -2;
	if (exc == EXC_HARDFAULT)
		return -1;
	/* PRIGROUP n: group priority is bits [7:n+1] (DDI0403 B1.5.4) */
	mask = (0xFFu << (c->prigroup + 1)) & 0xFFu;
	return (int)(c->prio[exc] & mask);
}

/* raw priority for ordering pending exceptions (group then sub-priority) */
static int exc_raw_prio(const struct core *c, int exc)
{
	if (exc <= EXC_HARDFAULT)
		return exc_group_prio(c, exc);
	return c->prio[exc];
}

static int exc_exec_prio_masks(struct core *c, bool with_primask)
{
	int p = 256;
	uint32_t basepri, mask;

	for (unsigned w = 0; w < EXC_WORDS; w++) {
		uint32_t bits = c->act[w];

		while (bits) {
			int e = (int)(w * 32 + (unsigned)__builtin_ctz(bits));
			int gp = exc_group_prio(c, e);

			bits &= bits - 1;
			if (gp < p)
				p = gp;
		}
	}
	basepri = ucpu_sysreg(c, UC_ARM_REG_BASEPRI) & EXC_PRIO_IMPL;
	if (basepri) {
		mask = (0xFFu << (c->prigroup + 1)) & 0xFFu;
		if ((int)(basepri & mask) < p)
			p = (int)(basepri & mask);
	}
	if (with_primask && (ucpu_sysreg(c, UC_ARM_REG_PRIMASK) & 1u) && p > 0)
		p = 0;
	if ((ucpu_sysreg(c, UC_ARM_REG_FAULTMASK) & 1u) && p > -1)
		p = -1;
	return p;
}

int exc_exec_prio(struct core *c)
{
	return exc_exec_prio_masks(c, true);
}

/* Is a pending exception allowed to be considered at all (enabled)? */
static bool exc_enabled(const struct core *c, int exc)
{
	bool maskints = (c->dhcsr_ctrl & (DHCSR_C_DEBUGEN | DHCSR_C_MASKINTS)) ==
			(DHCSR_C_DEBUGEN | DHCSR_C_MASKINTS);

	if (exc >= EXC_IRQ0)
		return !maskints && (c->irq_en[EXC_WORD(exc - EXC_IRQ0)] & EXC_BIT(exc - EXC_IRQ0));
	switch (exc) {
	case EXC_MEMMANAGE: return (c->shcsr_ena & SHCSR_MEMFAULTENA) != 0;
	case EXC_BUSFAULT: return (c->shcsr_ena & SHCSR_BUSFAULTENA) != 0;
	case EXC_USAGEFAULT: return (c->shcsr_ena & SHCSR_USGFAULTENA) != 0;
	case EXC_DEBUGMON: return (c->demcr & DEMCR_MON_EN) != 0;
	case EXC_PENDSV:
	case EXC_SYSTICK: return !maskints; /* DDI0403 C1.6.2 C_MASKINTS */
	default: return true;
	}
}

/* the highest-priority pending and enabled exception (0: none) */
static int exc_best_pending(const struct core *c)
{
	int best = 0, bp = 1000;

	for (unsigned w = 0; w < EXC_WORDS; w++) {
		uint32_t bits = c->pend[w];

		while (bits) {
			int e = (int)(w * 32 + (unsigned)__builtin_ctz(bits));
			int p;

			bits &= bits - 1;
			if (e >= EXC_COUNT || !exc_enabled(c, e))
				continue;
			p = exc_raw_prio(c, e);
			if (p < bp) { /* ties: the lower exception number wins (scan order) */
				bp = p;
				best = e;
			}
		}
	}
	return best;
}

int exc_pending_preempt(struct core *c, bool ignore_primask)
{
	int e = exc_best_pending(c);

	if (!e)
		return 0;
	return exc_group_prio(c, e) < exc_exec_prio_masks(c, !ignore_primask) ? e : 0;
}

void exc_lockup(struct core *c, const char *why)
{
	if (!c->lockup)
		sim_warn("%s: lockup (%s) at pc 0x%08X", c->var->name, why, ucpu_pc(c));
	c->lockup = true;
	c->sleeping = c->spin = false;
	ucpu_set_pc(c, CORE_LOCKUP_PC);
}

static uint32_t exc_vc_bit(const struct core *c, int exc)
{
	switch (exc) {
	case EXC_HARDFAULT: return DEMCR_VC_HARDERR;
	case EXC_MEMMANAGE: return DEMCR_VC_MMERR;
	case EXC_BUSFAULT: return DEMCR_VC_BUSERR;
	case EXC_USAGEFAULT:
		if (c->cfsr & CFSR_NOCP)
			return DEMCR_VC_NOCPERR;
		if (c->cfsr & (CFSR_UNALIGNED | CFSR_DIVBYZERO))
			return DEMCR_VC_CHKERR;
		if (c->cfsr & CFSR_INVPC)
			return DEMCR_VC_INTERR;
		return DEMCR_VC_STATERR;
	default: return 0;
	}
}

static void exc_enter(struct core *c, int exc, uint32_t ret_addr, uint32_t extra_vc);

/* a fault during exception entry (stacking) or return (unstacking): DDI0403
 * B1.5.6/B1.5.8 derived exceptions; at HardFault priority or above it is lockup */
static void exc_derived(struct core *c, uint32_t cfsr_bits, const char *what)
{
	c->cfsr |= cfsr_bits;
	c->soc->stats.bus_errors++;
	if (exc_exec_prio(c) <= -1) {
		exc_lockup(c, what);
		return;
	}
	if ((c->shcsr_ena & SHCSR_BUSFAULTENA) && exc_group_prio(c, EXC_BUSFAULT) < exc_exec_prio(c)) {
		exc_enter(c, EXC_BUSFAULT, ucpu_pc(c), DEMCR_VC_INTERR);
	} else {
		c->hfsr |= HFSR_FORCED;
		exc_enter(c, EXC_HARDFAULT, ucpu_pc(c), DEMCR_VC_INTERR);
	}
}

/* DDI0403 B1.5.6 ExceptionEntry: PushStack then ExceptionTaken */
static void exc_enter(struct core *c, int exc, uint32_t ret_addr, uint32_t extra_vc)
{
	uint32_t ipsr = ucpu_reg(c, UC_ARM_REG_IPSR);
	uint32_t control = ucpu_reg(c, UC_ARM_REG_CONTROL);
	bool thread = ipsr == 0, on_psp = thread && (control & 2u);
	bool fp = (control & 4u) && (c->fpccr & (1u << 31)); /* FPCA && ASPEN */
	uint32_t sp, frame, fsz = fp ? 0x68 : 0x20, xpsr, exc_ret, vector = 0;
	uint32_t f[26];
	bool stk_ok = true;

	/* the current SP is the one to push on (MSP/PSP read as 0 when unprivileged) */
	sp = ucpu_reg(c, UC_ARM_REG_SP);
	xpsr = ucpu_reg(c, UC_ARM_REG_XPSR);
	frame = (sp - fsz) & ~7u;
	if ((sp - fsz) & 4u)
		xpsr |= 1u << 9;
	else
		xpsr &= ~(1u << 9);
	f[0] = ucpu_reg(c, UC_ARM_REG_R0);
	f[1] = ucpu_reg(c, UC_ARM_REG_R1);
	f[2] = ucpu_reg(c, UC_ARM_REG_R2);
	f[3] = ucpu_reg(c, UC_ARM_REG_R3);
	f[4] = ucpu_reg(c, UC_ARM_REG_R12);
	f[5] = ucpu_reg(c, UC_ARM_REG_LR);
	f[6] = ret_addr & ~1u;
	f[7] = xpsr;
	if (fp) {
		for (int i = 0; i < 16; i++)
			f[8 + i] = ucpu_reg(c, UC_ARM_REG_S0 + i);
		f[24] = ucpu_reg(c, UC_ARM_REG_FPSCR);
		f[25] = 0;
		c->fpcar = frame + 0x20;
	}
	for (unsigned i = 0; i < fsz / 4; i++)
		if (soc_core_write(c->soc, c, frame + 4 * i, 4, f[i]) < 0)
			stk_ok = false;
	exc_ret = !thread ? 0xFFFFFFF1u : on_psp ? 0xFFFFFFFDu : 0xFFFFFFF9u;
	if (fp)
		exc_ret &= ~0x10u;
	/* SP first (still in Thread mode for PSP), then leave the PSP, then the mode
	 * (SPSEL only banks the SP in Thread mode) */
	ucpu_set_reg(c, UC_ARM_REG_SP, frame);
	if (on_psp) {
		ucpu_set_reg(c, UC_ARM_REG_CONTROL, control & ~2u);
		ucpu_rebuild_flags(c);
	}
	ucpu_set_reg(c, UC_ARM_REG_CONTROL, ucpu_reg(c, UC_ARM_REG_CONTROL) & ~4u);
	ucpu_set_reg(c, UC_ARM_REG_IPSR, (uint32_t)exc);
	ucpu_set_reg(c, UC_ARM_REG_EPSR, 1u << 24);
	ucpu_set_reg(c, UC_ARM_REG_LR, exc_ret);
	exc_clear_pending(c, exc);
	exc_set_active(c, exc, true);
	c->sleeping = c->spin = false;
	if (soc_core_read(c->soc, c, (c->vtor & 0xFFFFFF80u) + 4u * (uint32_t)exc, 4, &vector) < 0) {
		/* vector fetch failed: HardFault VECTTBL (DDI0403 B1.5.6) */
		c->soc->stats.bus_errors++;
		if (exc == EXC_HARDFAULT || exc == EXC_NMI) {
			ucpu_rebuild_flags(c);
			exc_lockup(c, "vector table read failed");
			return;
		}
		exc_set_active(c, exc, false);
		c->hfsr |= HFSR_VECTTBL;
		ucpu_set_pc(c, ret_addr);
		ucpu_rebuild_flags(c);
		exc_enter(c, EXC_HARDFAULT, ret_addr, 0);
		return;
	}
	ucpu_set_pc(c, vector & ~1u);
	if (!(vector & 1u))
		ucpu_set_reg(c, UC_ARM_REG_EPSR, 0); /* T = 0: INVSTATE on the first instruction */
	ucpu_rebuild_flags(c);
	sim_dbg("%s: exception %d entered, return 0x%08X, handler 0x%08X", c->var->name, exc, ret_addr, vector);
	if (!stk_ok) {
		if (exc == EXC_HARDFAULT || exc == EXC_NMI) {
			c->cfsr |= CFSR_STKERR;
			c->soc->stats.bus_errors++;
			exc_lockup(c, "stacking failed while entering HardFault");
			return;
		}
		exc_derived(c, CFSR_STKERR, "stacking failed");
		return;
	}
	if ((c->dhcsr_ctrl & DHCSR_C_DEBUGEN) && (c->demcr & (exc_vc_bit(c, exc) | extra_vc)))
		cmdbg_halt(c, DFSR_VCATCH);
}

bool exc_take_pending(struct core *c)
{
	int e = exc_pending_preempt(c, false);

	if (!e)
		return false;
	exc_enter(c, e, ucpu_pc(c), 0);
	return true;
}

void exc_fault(struct core *c, enum core_fault_kind kind, uint32_t cfsr_bits, uint32_t addr)
{
	uint32_t pc = ucpu_pc(c);
	uint32_t ena = 0;
	int exc;

	switch (kind) {
	case CORE_FAULT_MEM:
		exc = EXC_MEMMANAGE;
		ena = SHCSR_MEMFAULTENA;
		break;
	case CORE_FAULT_BUS:
		exc = EXC_BUSFAULT;
		ena = SHCSR_BUSFAULTENA;
		break;
	case CORE_FAULT_USAGE:
		exc = EXC_USAGEFAULT;
		ena = SHCSR_USGFAULTENA;
		break;
	case CORE_FAULT_SVC:
		exc = EXC_SVCALL;
		break;
	case CORE_FAULT_DEBUG:
	default:
		exc = EXC_HARDFAULT;
		break;
	}
	c->cfsr |= cfsr_bits;
	if (cfsr_bits & CFSR_MMARVALID) {
		c->mmfar = addr;
		if (c->var->has_cache) /* one register for both on the M7 (PM0253) */
			c->bfar = addr;
	}
	if (cfsr_bits & CFSR_BFARVALID) {
		c->bfar = addr;
		if (c->var->has_cache)
			c->mmfar = addr;
	}
	if (kind == CORE_FAULT_DEBUG) {
		c->hfsr |= HFSR_DEBUGEVT;
	} else if ((!ena || (c->shcsr_ena & ena)) && exc_group_prio(c, exc) < exc_exec_prio(c)) {
		sim_dbg("%s: fault -> exception %d (CFSR 0x%08X)", c->var->name, exc, c->cfsr);
		exc_enter(c, exc, pc, 0);
		return;
	} else {
		/* cannot be taken at its own priority: escalate (DDI0403 B1.5.15) */
		c->hfsr |= HFSR_FORCED;
	}
	if (exc_exec_prio(c) <= -1) {
		exc_lockup(c, "fault at HardFault priority or above");
		return;
	}
	sim_dbg("%s: fault -> HardFault (CFSR 0x%08X HFSR 0x%08X)", c->var->name, c->cfsr, c->hfsr);
	exc_enter(c, EXC_HARDFAULT, pc, 0);
}

void exc_async_busfault(struct core *c)
{
	c->cfsr |= CFSR_IMPRECISERR;
	if (c->shcsr_ena & SHCSR_BUSFAULTENA) {
		exc_set_pending(c, EXC_BUSFAULT);
	} else {
		c->hfsr |= HFSR_FORCED;
		exc_set_pending(c, EXC_HARDFAULT);
	}
	sim_dbg("%s: imprecise BusFault signalled at pc 0x%08X", c->var->name, ucpu_pc(c));
	exc_take_pending(c);
}

void exc_return(struct core *c, uint32_t excret)
{
	int exc = (int)(ucpu_reg(c, UC_ARM_REG_IPSR) & 0x1FFu);
	bool to_thread = excret & 8u, to_psp = excret & 4u, basic = excret & 0x10u;
	uint32_t control = ucpu_reg(c, UC_ARM_REG_CONTROL);
	uint32_t sp, fsz = basic ? 0x20 : 0x68, f[26];
	unsigned low = excret & 0xFu;

	if ((excret & 0x0FFFFFE0u) != 0x0FFFFFE0u || (low != 1 && low != 9 && low != 0xD) ||
	    (low == 1 && to_psp) || !exc_is_active(c, exc)) {
		/* illegal EXC_RETURN: UsageFault INVPC (DDI0403 B1.5.8) */
		ucpu_set_pc(c, excret);
		exc_fault(c, CORE_FAULT_USAGE, CFSR_INVPC, 0);
		return;
	}
	exc_set_active(c, exc, false);
	if (exc != EXC_NMI)
		ucpu_set_reg(c, UC_ARM_REG_FAULTMASK, 0);
	sp = to_psp ? ucpu_reg(c, UC_ARM_REG_PSP) : ucpu_reg(c, UC_ARM_REG_MSP);
	for (unsigned i = 0; i < fsz / 4; i++) {
		if (soc_core_read(c->soc, c, sp + 4 * i, 4, &f[i]) < 0) {
			ucpu_set_pc(c, excret);
			exc_set_active(c, exc, true);
			exc_derived(c, CFSR_UNSTKERR, "unstacking failed");
			return;
		}
	}
	/* leave Handler mode first, then select the stack */
	ucpu_set_reg(c, UC_ARM_REG_IPSR, to_thread ? 0 : (f[7] & 0x1FFu));
	ucpu_rebuild_flags(c);
	if (to_thread && to_psp)
		ucpu_set_reg(c, UC_ARM_REG_CONTROL, control | 2u);
	if (!basic) {
		ucpu_set_reg(c, UC_ARM_REG_CONTROL, ucpu_reg(c, UC_ARM_REG_CONTROL) | 4u);
		for (int i = 0; i < 16; i++)
			ucpu_set_reg(c, UC_ARM_REG_S0 + i, f[8 + i]);
		ucpu_set_reg(c, UC_ARM_REG_FPSCR, f[24]);
	} else {
		ucpu_set_reg(c, UC_ARM_REG_CONTROL, ucpu_reg(c, UC_ARM_REG_CONTROL) & ~4u);
	}
	ucpu_rebuild_flags(c);
	ucpu_set_reg(c, UC_ARM_REG_SP, (sp + fsz) | (((f[7] >> 9) & 1u) ? 4u : 0u));
	ucpu_set_reg(c, UC_ARM_REG_R0, f[0]);
	ucpu_set_reg(c, UC_ARM_REG_R1, f[1]);
	ucpu_set_reg(c, UC_ARM_REG_R2, f[2]);
	ucpu_set_reg(c, UC_ARM_REG_R3, f[3]);
	ucpu_set_reg(c, UC_ARM_REG_R12, f[4]);
	ucpu_set_reg(c, UC_ARM_REG_LR, f[5]);
	ucpu_set_reg(c, UC_ARM_REG_XPSR, (f[7] & ~0x3FFu) | (to_thread ? 0 : (f[7] & 0x1FFu)));
	ucpu_set_pc(c, f[6]);
	ucpu_rebuild_flags(c);
	sim_dbg("%s: exception %d returned to 0x%08X", c->var->name, exc, f[6]);
	/* SCR.SLEEPONEXIT: back to sleep when returning to Thread mode (DDI0403 B1.5.19) */
	if (to_thread && (c->scr & 2u))
		c->sleeping = true;
	/* a level-sensitive interrupt still asserted becomes pending again */
	if (exc >= EXC_IRQ0 && (c->soc->irq_level[EXC_WORD(exc - EXC_IRQ0)] & EXC_BIT(exc - EXC_IRQ0)))
		exc_set_pending(c, exc);
}

void exc_irq_lines(struct core *c, const uint32_t *levels)
{
	for (unsigned w = 0; w < EXC_WORDS; w++) {
		uint32_t bits = levels[w];

		while (bits) {
			unsigned irq = w * 32 + (unsigned)__builtin_ctz(bits);
			int exc = (int)(EXC_IRQ0 + irq);

			bits &= bits - 1;
			if (irq < CORE_NUM_IRQS && !exc_is_active(c, exc) && !exc_is_pending(c, exc))
				exc_set_pending(c, exc);
		}
	}
}

/* SHCSR (DDI0403 B3.2.13) composed from the exception state */
uint32_t exc_shcsr(struct core *c)
{
	uint32_t v = c->shcsr_ena;

	v |= exc_is_active(c, EXC_MEMMANAGE) ? 1u << 0 : 0;
	v |= exc_is_active(c, EXC_BUSFAULT) ? 1u << 1 : 0;
	v |= exc_is_active(c, EXC_USAGEFAULT) ? 1u << 3 : 0;
	v |= exc_is_active(c, EXC_SVCALL) ? 1u << 7 : 0;
	v |= exc_is_active(c, EXC_DEBUGMON) ? 1u << 8 : 0;
	v |= exc_is_active(c, EXC_PENDSV) ? 1u << 10 : 0;
	v |= exc_is_active(c, EXC_SYSTICK) ? 1u << 11 : 0;
	v |= exc_is_pending(c, EXC_USAGEFAULT) ? 1u << 12 : 0;
	v |= exc_is_pending(c, EXC_MEMMANAGE) ? 1u << 13 : 0;
	v |= exc_is_pending(c, EXC_BUSFAULT) ? 1u << 14 : 0;
	v |= exc_is_pending(c, EXC_SVCALL) ? 1u << 15 : 0;
	return v;
}

void exc_write_shcsr(struct core *c, uint32_t v)
{
	static const struct { unsigned bit; int exc; bool pend; } map[] = {
		{ 0, EXC_MEMMANAGE, false }, { 1, EXC_BUSFAULT, false }, { 3, EXC_USAGEFAULT, false },
		{ 7, EXC_SVCALL, false }, { 8, EXC_DEBUGMON, false }, { 10, EXC_PENDSV, false },
		{ 11, EXC_SYSTICK, false }, { 12, EXC_USAGEFAULT, true }, { 13, EXC_MEMMANAGE, true },
		{ 14, EXC_BUSFAULT, true }, { 15, EXC_SVCALL, true },
	};

	c->shcsr_ena = v & (SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA);
	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		bool on = (v >> map[i].bit) & 1u;

		if (map[i].pend) {
			if (on)
				exc_set_pending(c, map[i].exc);
			else
				exc_clear_pending(c, map[i].exc);
		} else {
			exc_set_active(c, map[i].exc, on);
		}
	}
	ucpu_request_stop(c);
}

/* ICSR (DDI0403 B3.2.4) */
uint32_t exc_icsr(struct core *c)
{
	uint32_t ipsr = ucpu_reg(c, UC_ARM_REG_IPSR) & 0x1FFu;
	uint32_t v = ipsr;
	int best = exc_best_pending(c);
	unsigned nact = 0;
	bool isr = false;

	for (unsigned w = 0; w < EXC_WORDS; w++) {
		nact += (unsigned)__builtin_popcount(c->act[w]);
		if (w == 0 ? (c->pend[0] & 0xFFFF0000u) : c->pend[w])
			isr = true;
	}
	if (nact <= 1)
		v |= 1u << 11; /* RETTOBASE */
	v |= ((uint32_t)best & 0x1FFu) << 12;
	v |= isr ? 1u << 22 : 0;
	v |= exc_is_pending(c, EXC_SYSTICK) ? 1u << 26 : 0;
	v |= exc_is_pending(c, EXC_PENDSV) ? 1u << 28 : 0;
	v |= exc_is_pending(c, EXC_NMI) ? 1u << 31 : 0;
	return v;
}

void exc_write_icsr(struct core *c, uint32_t v)
{
	if (v & (1u << 31))
		exc_set_pending(c, EXC_NMI);
	if (v & (1u << 28))
		exc_set_pending(c, EXC_PENDSV);
	if (v & (1u << 27))
		exc_clear_pending(c, EXC_PENDSV);
	if (v & (1u << 26))
		exc_set_pending(c, EXC_SYSTICK);
	if (v & (1u << 25))
		exc_clear_pending(c, EXC_SYSTICK);
}
