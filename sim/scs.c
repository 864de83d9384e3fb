/* h7sim - the System Control Space of one core (0xE000E000-0xE000EFFF) and the
 * rest of its private peripheral bus (ITM, DWT, FPB through cmdebug.c).
 *
 * Register layout and reset values: DDI0403 B3.2 (SCB), B3.3 (SysTick), B3.4
 * (NVIC), B3.5 (MPU); PM0253 for the Cortex-M7 specifics (caches, CCSIDR,
 * cache maintenance operations, CACR, ABFSR, TCM control), PM0214 for the M4.
 * Not modelled (logged as unmodelled when touched): the CPUID scheme ID
 * registers (ID_PFR0..ID_ISAR4), TPIU, ETM, CTI and the ROM tables.
 * CPACR is stored but not enforced (Unicorn always enables the FPU, so NOCP
 * never happens); CCR.UNALIGN_TRP and DIV_0_TRP are stored but Unicorn does not
 * trap (unaligned accesses and division by zero never fault).
 */
#include "core.h"

#include "simlog.h"
#include "soc.h"

#include <string.h>

#define SCS_BASE 0xE000E000u

/* Cortex-M7 cache identification (PM0253 "Cache Level ID", "Cache Type",
 * "Cache Size ID" registers): L1 I+D, 32-byte lines; D: 16 KiB 4-way 128 sets
 * (WT, WB, RA, WA), I: 16 KiB 2-way 256 sets, fields composed per CCSIDR layout */
#define SCS_CLIDR_M7 0x09000003u
#define SCS_CTR_M7 0x8303C003u
#define SCS_CCSIDR_D 0xF00FE019u
#define SCS_CCSIDR_I 0xF01FE009u

void scs_reset(struct core *c)
{
	c->vtor = 0;
	c->scr = 0;
	c->ccr = c->var->ccr_reset;
	c->cfsr = c->hfsr = 0;
	c->mmfar = c->bfar = 0;
	c->afsr = 0;
	c->cpacr = 0;
	c->fpccr = 0xC0000000u; /* ASPEN | LSPEN */
	c->fpcar = c->fpdscr = 0;
	c->csselr = 0;
	c->cacr = 0;
	c->abfsr = 0;
	c->actlr = 0;
	/* TCMs enabled at reset with their sizes (DDI0489 ITCMCR/DTCMCR: SZ 0b0111 =
	 * 64 KiB, 0b1000 = 128 KiB) */
	c->itcmcr = c->var->has_cache ? (7u << 3) | 1u : 0;
	c->dtcmcr = c->var->has_cache ? (8u << 3) | 1u : 0;
	c->ahbpcr = c->ahbscr = 0;
	c->syst_csr = c->syst_rvr = c->syst_cvr = c->syst_div = 0;
	c->mpu_ctrl = c->mpu_rnr = 0;
	memset(c->mpu_rbar, 0, sizeof(c->mpu_rbar));
	memset(c->mpu_rasr, 0, sizeof(c->mpu_rasr));
	c->mpu_applied = false;
}

/* ------------------------------------------------------------------ SysTick */

#define SYST_ENABLE 1u
#define SYST_TICKINT 2u
#define SYST_CLKSOURCE 4u
#define SYST_COUNTFLAG (1u << 16)

static unsigned scs_systick_div(const struct core *c)
{
	/* CLKSOURCE = 0: the external reference, the CPU clock / 8 on the STM32H7
	 * (RM0399 RCC clock tree, "SysTick") */
	return (c->syst_csr & SYST_CLKSOURCE) ? 1 : 8;
}

bool scs_systick_advance(struct core *c, uint64_t cycles)
{
	unsigned div;
	uint64_t ticks;
	bool pended = false;

	if (!(c->syst_csr & SYST_ENABLE) || !cycles)
		return false;
	div = scs_systick_div(c);
	ticks = (cycles + c->syst_div) / div;
	c->syst_div = (uint32_t)((cycles + c->syst_div) % div);
	while (ticks) {
		if (c->syst_cvr == 0) {
			/* reload on the tick after reaching zero */
			c->syst_cvr = c->syst_rvr;
			ticks--;
			if (!c->syst_rvr)
				break;
			continue;
		}
		if (ticks >= c->syst_cvr) {
			ticks -= c->syst_cvr;
			c->syst_cvr = 0;
			c->syst_csr |= SYST_COUNTFLAG;
			if (c->syst_csr & SYST_TICKINT) {
				exc_set_pending(c, EXC_SYSTICK);
				pended = true;
			}
			if (c->syst_rvr && ticks > (uint64_t)(c->syst_rvr + 1) * 2)
				ticks %= (uint64_t)c->syst_rvr + 1; /* whole periods: the flag stays set */
		} else {
			c->syst_cvr -= (uint32_t)ticks;
			ticks = 0;
		}
	}
	return pended;
}

uint64_t scs_systick_cycles_left(const struct core *c)
{
	uint64_t ticks;
	unsigned div;

	if ((c->syst_csr & (SYST_ENABLE | SYST_TICKINT)) != (SYST_ENABLE | SYST_TICKINT))
		return UINT64_MAX;
	if (c->syst_cvr)
		ticks = c->syst_cvr;
	else if (c->syst_rvr)
		ticks = (uint64_t)c->syst_rvr + 1;
	else
		return UINT64_MAX;
	div = scs_systick_div(c);
	return ticks * div > c->syst_div ? ticks * div - c->syst_div : 1;
}

static uint32_t scs_systick_cvr_now(const struct core *c)
{
	uint64_t ticks;

	if (!(c->syst_csr & SYST_ENABLE) || !c->in_slice)
		return c->syst_cvr;
	ticks = (c->cnt + c->syst_div) / scs_systick_div(c);
	if (ticks <= c->syst_cvr)
		return c->syst_cvr - (uint32_t)ticks;
	if (!c->syst_rvr)
		return 0;
	return c->syst_rvr - (uint32_t)((ticks - c->syst_cvr - 1) % ((uint64_t)c->syst_rvr + 1));
}

/* ------------------------------------------------------------------ cache ops */

static void scs_cache_op(struct core *c, uint32_t off, uint32_t v)
{
	struct soc *s = c->soc;
	uint8_t data[DCACHE_LINE];
	uint32_t addr = 0;
	bool wb = false;

	switch (off) {
	case 0xF5C: wb = dcache_by_addr(&s->dcache, v, DCACHE_INVAL, &addr, data); break;     /* DCIMVAC */
	case 0xF60: wb = dcache_setway(&s->dcache, v, DCACHE_INVAL, &addr, data); break;      /* DCISW */
	case 0xF64: /* DCCMVAU: clean to the point of unification */
	case 0xF68: wb = dcache_by_addr(&s->dcache, v, DCACHE_CLEAN, &addr, data); break;     /* DCCMVAC */
	case 0xF6C: wb = dcache_setway(&s->dcache, v, DCACHE_CLEAN, &addr, data); break;      /* DCCSW */
	case 0xF70: wb = dcache_by_addr(&s->dcache, v, DCACHE_CLEAN_INVAL, &addr, data); break; /* DCCIMVAC */
	case 0xF74: wb = dcache_setway(&s->dcache, v, DCACHE_CLEAN_INVAL, &addr, data); break;  /* DCCISW */
	default: break; /* ICIALLU, ICIMVAU, BPIALL: nothing cached to discard */
	}
	if (wb)
		soc_cache_writeback(s, c, addr, data);
}

/* ------------------------------------------------------------------ NVIC */

/* the implemented interrupt lines of NVIC word `word` */
static uint32_t scs_irq_mask(unsigned word)
{
	if (word < CORE_NUM_IRQS / 32)
		return 0xFFFFFFFFu;
	if (word == CORE_NUM_IRQS / 32)
		return (1u << (CORE_NUM_IRQS % 32)) - 1;
	return 0;
}

/* NVIC word `word` of a bitmap; exc_space: the bitmap is indexed by exception
 * number (IRQ n is bit n + 16), else by IRQ number */
static uint32_t scs_nvic_bits(const uint32_t *bits, unsigned word, bool exc_space)
{
	uint32_t v;

	if (word >= EXC_WORDS)
		return 0;
	if (!exc_space)
		v = bits[word];
	else
		v = (bits[word] >> 16) | (word + 1 < EXC_WORDS ? bits[word + 1] << 16 : 0);
	return v & scs_irq_mask(word);
}

static void scs_nvic_pend(struct core *c, unsigned word, uint32_t v, bool set)
{
	for (unsigned b = 0; b < 32; b++) {
		unsigned irq = word * 32 + b;

		if (!(v & (1u << b)) || irq >= CORE_NUM_IRQS)
			continue;
		if (set)
			exc_set_pending(c, (int)(EXC_IRQ0 + irq));
		else
			exc_clear_pending(c, (int)(EXC_IRQ0 + irq));
	}
}

/* ------------------------------------------------------------------ access */

static uint32_t scs_read32(struct core *c, uint32_t off, bool debugger, bool *unmodelled)
{
	switch (off) {
	case 0x004: return (CORE_NUM_IRQS + 31) / 32 - 1;  /* ICTR.INTLINESNUM */
	case 0x008: return c->actlr;
	case 0x010: {
		uint32_t v = c->syst_csr;

		if (!debugger)
			c->syst_csr &= ~SYST_COUNTFLAG; /* COUNTFLAG clears on a software read */
		return v;
	}
	case 0x014: return c->syst_rvr;
	case 0x018: return scs_systick_cvr_now(c);
	case 0x01C: return 0x40000000u; /* SYST_CALIB: SKEW, TENMS not given (DDI0403 B3.3.6) */
	case 0xD00: return c->var->cpuid;
	case 0xD04: return exc_icsr(c);
	case 0xD08: return c->vtor;
	case 0xD0C: return 0xFA050000u | (c->prigroup << 8);
	case 0xD10: return c->scr;
	case 0xD14: return c->ccr;
	case 0xD18: case 0xD1C: case 0xD20: {
		unsigned e = 4 + (off - 0xD18);

		return (uint32_t)c->prio[e] | (uint32_t)c->prio[e + 1] << 8 | (uint32_t)c->prio[e + 2] << 16 |
		       (uint32_t)c->prio[e + 3] << 24;
	}
	case 0xD24: return exc_shcsr(c);
	case 0xD28: return c->cfsr;
	case 0xD2C: return c->hfsr;
	case 0xD30: return c->dfsr;
	case 0xD34: return c->mmfar;
	case 0xD38: return c->bfar;
	case 0xD3C: return c->afsr;
	case 0xD78: return c->var->has_cache ? SCS_CLIDR_M7 : 0;
	case 0xD7C: return c->var->has_cache ? SCS_CTR_M7 : 0;
	case 0xD80:
		if (!c->var->has_cache)
			return 0;
		return (c->csselr & 1u) ? SCS_CCSIDR_I : SCS_CCSIDR_D;
	case 0xD84: return c->csselr;
	case 0xD88: return c->cpacr;
	case 0xD90: return c->var->mpu_regions << 8; /* MPU_TYPE.DREGION */
	case 0xD94: return c->mpu_ctrl;
	case 0xD98: return c->mpu_rnr;
	case 0xD9C: case 0xDA4: case 0xDAC: case 0xDB4: {
		unsigned n = c->mpu_rnr % c->var->mpu_regions;

		return (c->mpu_rbar[n] & ~0x1Fu) | n;
	}
	case 0xDA0: case 0xDA8: case 0xDB0: case 0xDB8:
		return c->mpu_rasr[c->mpu_rnr % c->var->mpu_regions];
	case 0xF34: return c->fpccr;
	case 0xF38: return c->fpcar;
	case 0xF3C: return c->fpdscr;
	case 0xF40: return c->var->mvfr0;
	case 0xF44: return c->var->mvfr1;
	case 0xF48: return c->var->mvfr2;
	default: break;
	}
	if (off >= 0x100 && off < 0x120)
		return scs_nvic_bits(c->irq_en, (off - 0x100) / 4, false);
	if (off >= 0x180 && off < 0x1A0)
		return scs_nvic_bits(c->irq_en, (off - 0x180) / 4, false);
	if (off >= 0x200 && off < 0x220)
		return scs_nvic_bits(c->pend, (off - 0x200) / 4, true);
	if (off >= 0x280 && off < 0x2A0)
		return scs_nvic_bits(c->pend, (off - 0x280) / 4, true);
	if (off >= 0x300 && off < 0x320)
		return scs_nvic_bits(c->act, (off - 0x300) / 4, true);
	if (off >= 0x400 && off < 0x5F0) {
		uint32_t v = 0;

		for (unsigned i = 0; i < 4; i++) {
			unsigned irq = (off - 0x400) + i;

			if (irq < CORE_NUM_IRQS)
				v |= (uint32_t)c->prio[EXC_IRQ0 + irq] << (8 * i);
		}
		return v;
	}
	if (c->var->has_cache) {
		switch (off) {
		case 0xF90: return c->itcmcr;
		case 0xF94: return c->dtcmcr;
		case 0xF98: return c->ahbpcr;
		case 0xF9C: return c->cacr;
		case 0xFA0: return c->ahbscr;
		case 0xFA8: return c->abfsr;
		default: break;
		}
		if (off >= 0xF50 && off <= 0xF78)
			return 0; /* cache maintenance operations are write-only */
	}
	*unmodelled = true;
	return 0;
}

static void scs_write32(struct core *c, uint32_t off, uint32_t v, uint32_t mask, bool debugger, bool *unmodelled)
{
	uint32_t merged;

#define MERGE(reg) ((reg) = ((reg) & ~mask) | (v & mask))
	switch (off) {
	case 0x008: MERGE(c->actlr); return;
	case 0x010:
		merged = (c->syst_csr & ~mask) | (v & mask);
		c->syst_csr = (merged & 7u) | (c->syst_csr & SYST_COUNTFLAG);
		ucpu_request_stop(c);
		return;
	case 0x014: MERGE(c->syst_rvr); c->syst_rvr &= 0x00FFFFFFu; ucpu_request_stop(c); return;
	case 0x018:
		/* any write clears the counter and COUNTFLAG */
		c->syst_cvr = 0;
		c->syst_csr &= ~SYST_COUNTFLAG;
		ucpu_request_stop(c);
		return;
	case 0xD04: exc_write_icsr(c, v & mask); ucpu_request_stop(c); return;
	case 0xD08: MERGE(c->vtor); c->vtor &= 0xFFFFFF80u; return;
	case 0xD0C:
		if (mask != 0xFFFFFFFFu || (v >> 16) != 0x05FAu)
			return; /* VECTKEY required */
		c->prigroup = (v >> 8) & 7u;
		if (v & 4u) {
			sim_info("%s: AIRCR.SYSRESETREQ", c->var->name);
			if (c->in_slice) {
				c->soc->reset_request = true;
				ucpu_request_stop(c);
			} else {
				soc_system_reset(c->soc, "SYSRESETREQ");
			}
		} else if (v & 1u) {
			/* VECTRESET (debug use only on ARMv7-M): a local core reset */
			if (c->in_slice) {
				c->soc->local_reset_mask |= 1u << c->idx;
				ucpu_request_stop(c);
			} else {
				ucpu_reset(c, c->vtor);
			}
		} else if (v & 2u) {
			/* VECTCLRACTIVE (debugger only): clear the active state */
			memset(c->act, 0, sizeof(c->act));
		}
		ucpu_request_stop(c);
		return;
	case 0xD10: MERGE(c->scr); c->scr &= 0x16u; return;
	case 0xD14: {
		uint32_t old = c->ccr;
		/* writable: NONBASETHRDENA, USERSETMPEND, UNALIGN_TRP, DIV_0_TRP, BFHFNMIGN,
		 * and on the M7 DC, IC, BP; STKALIGN reads as one */
		uint32_t wmask = 0x11Bu | (c->var->has_cache ? 0x70000u : 0);

		merged = (c->ccr & ~mask) | (v & mask);
		c->ccr = (merged & wmask) | (c->var->ccr_reset & ~wmask);
		if ((old ^ c->ccr) & (CCR_DC | CCR_IC))
			sim_dbg("%s: CCR.DC=%u CCR.IC=%u", c->var->name, (c->ccr >> 16) & 1, (c->ccr >> 17) & 1);
		return;
	}
	case 0xD18: case 0xD1C: case 0xD20: {
		unsigned e = 4 + (off - 0xD18);

		for (unsigned i = 0; i < 4; i++) {
			unsigned exc = e + i;

			if (!(mask & (0xFFu << (8 * i))))
				continue;
			/* implemented: MemManage, BusFault, UsageFault, SVCall, DebugMonitor, PendSV, SysTick */
			if (exc == 4 || exc == 5 || exc == 6 || exc == 11 || exc == 12 || exc == 14 || exc == 15)
				c->prio[exc] = (uint8_t)((v >> (8 * i)) & 0xF0u);
		}
		ucpu_request_stop(c);
		return;
	}
	case 0xD24: exc_write_shcsr(c, (exc_shcsr(c) & ~mask) | (v & mask)); return;
	case 0xD28: c->cfsr &= ~(v & mask); return;   /* W1C */
	case 0xD2C: c->hfsr &= ~(v & mask); return;   /* W1C */
	case 0xD30: c->dfsr &= ~(v & mask); return;   /* W1C */
	case 0xD34: MERGE(c->mmfar); if (c->var->has_cache) c->bfar = c->mmfar; return;
	case 0xD38: MERGE(c->bfar); if (c->var->has_cache) c->mmfar = c->bfar; return;
	case 0xD3C: c->afsr &= ~(v & mask); return;
	case 0xD84: MERGE(c->csselr); c->csselr &= 1u; return;
	case 0xD88: MERGE(c->cpacr); c->cpacr &= 0x00F00000u; return;
	case 0xD94: MERGE(c->mpu_ctrl); c->mpu_ctrl &= 7u; c->mpu_applied = false; ucpu_request_stop(c); return;
	case 0xD98: MERGE(c->mpu_rnr); c->mpu_rnr &= 0xFFu; return;
	case 0xD9C: case 0xDA4: case 0xDAC: case 0xDB4: {
		unsigned n;

		if (v & 0x10u) /* VALID: the region number comes with the write */
			c->mpu_rnr = v & 0xFu;
		n = c->mpu_rnr % c->var->mpu_regions;
		c->mpu_rbar[n] = (c->mpu_rbar[n] & ~mask) | (v & mask & ~0x1Fu);
		c->mpu_applied = false;
		ucpu_request_stop(c);
		return;
	}
	case 0xDA0: case 0xDA8: case 0xDB0: case 0xDB8: {
		unsigned n = c->mpu_rnr % c->var->mpu_regions;

		MERGE(c->mpu_rasr[n]);
		c->mpu_applied = false;
		ucpu_request_stop(c);
		return;
	}
	case 0xF00: /* STIR */
		if ((v & 0x1FFu) < CORE_NUM_IRQS)
			exc_set_pending(c, (int)(EXC_IRQ0 + (v & 0x1FFu)));
		return;
	case 0xF34: MERGE(c->fpccr); c->fpccr &= 0xC00001FBu; return;
	case 0xF38: MERGE(c->fpcar); c->fpcar &= ~7u; return;
	case 0xF3C: MERGE(c->fpdscr); c->fpdscr &= 0x07C00000u; return;
	default: break;
	}
	(void)debugger;
	if (off >= 0x100 && off < 0x120) {
		unsigned w = (off - 0x100) / 4;

		if (w < EXC_WORDS)
			c->irq_en[w] |= v & mask & scs_irq_mask(w);
		soc_irq_update(c->soc);
		ucpu_request_stop(c);
		return;
	}
	if (off >= 0x180 && off < 0x1A0) {
		if ((off - 0x180) / 4 < EXC_WORDS)
			c->irq_en[(off - 0x180) / 4] &= ~(v & mask);
		return;
	}
	if (off >= 0x200 && off < 0x220) {
		scs_nvic_pend(c, (off - 0x200) / 4, v & mask, true);
		return;
	}
	if (off >= 0x280 && off < 0x2A0) {
		scs_nvic_pend(c, (off - 0x280) / 4, v & mask, false);
		soc_irq_update(c->soc); /* a level-sensitive line still asserted pends again */
		return;
	}
	if (off >= 0x300 && off < 0x320)
		return; /* IABR is read-only */
	if (off >= 0x400 && off < 0x5F0) {
		for (unsigned i = 0; i < 4; i++) {
			unsigned irq = (off - 0x400) + i;

			if ((mask & (0xFFu << (8 * i))) && irq < CORE_NUM_IRQS)
				c->prio[EXC_IRQ0 + irq] = (uint8_t)((v >> (8 * i)) & 0xF0u);
		}
		ucpu_request_stop(c);
		return;
	}
	if (c->var->has_cache) {
		switch (off) {
		case 0xF90: MERGE(c->itcmcr); return;
		case 0xF94: MERGE(c->dtcmcr); return;
		case 0xF98: MERGE(c->ahbpcr); return;
		case 0xF9C: MERGE(c->cacr); c->cacr &= 7u; return; /* SIWT, ECCDIS, FORCEWT */
		case 0xFA0: MERGE(c->ahbscr); return;
		case 0xFA8: c->abfsr = 0; return; /* a write clears it (DDI0489 ABFSR) */
		default: break;
		}
		if (off >= 0xF50 && off <= 0xF78) {
			scs_cache_op(c, off, v);
			return;
		}
	}
	*unmodelled = true;
#undef MERGE
}

int scs_read(struct core *c, uint32_t addr, unsigned size, uint32_t *val, bool debugger)
{
	uint32_t a = addr & ~3u, v;
	unsigned sh = (addr & 3u) * 8;
	bool unmodelled = false;

	if (a < SCS_BASE || (a >= 0xE000EDF0u && a <= 0xE000EDFCu)) {
		if (cmdbg_read(c, a, &v, debugger) < 0) {
			v = 0;
			unmodelled = true;
		}
	} else if (a < SCS_BASE + 0x1000u) {
		v = scs_read32(c, a - SCS_BASE, debugger, &unmodelled);
	} else {
		v = 0;
		unmodelled = true;
	}
	if (unmodelled)
		soc_unmodelled(c->soc, c->var->name, addr, false, 0);
	*val = size == 4 ? v : (v >> sh) & (size == 1 ? 0xFFu : 0xFFFFu);
	return 0;
}

int scs_write(struct core *c, uint32_t addr, unsigned size, uint32_t val, bool debugger)
{
	uint32_t a = addr & ~3u;
	unsigned sh = (addr & 3u) * 8;
	uint32_t mask = size == 4 ? 0xFFFFFFFFu : (size == 1 ? 0xFFu : 0xFFFFu) << sh;
	uint32_t v = size == 4 ? val : (val << sh) & mask;
	bool unmodelled = false;

	if (a < SCS_BASE || (a >= 0xE000EDF0u && a <= 0xE000EDFCu)) {
		if (size != 4) {
			uint32_t old = 0;

			/* sub-word writes to debug registers: merge with the current value,
			 * except DHCSR whose key must come with the write */
			if (a != 0xE000EDF0u)
				cmdbg_read(c, a, &old, true);
			v = (old & ~mask) | v;
		}
		if (cmdbg_write(c, a, v, debugger) < 0)
			unmodelled = true;
	} else if (a < SCS_BASE + 0x1000u) {
		scs_write32(c, a - SCS_BASE, v, mask, debugger, &unmodelled);
	} else {
		unmodelled = true;
	}
	if (unmodelled)
		soc_unmodelled(c->soc, c->var->name, addr, true, val);
	return 0;
}
