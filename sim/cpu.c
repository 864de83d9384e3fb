/* h7sim - Unicorn glue for one core: memory map, hooks, instruction slices,
 * core registers (see core.h).
 *
 * Unicorn 2.0.1 findings this file relies on (../shared/notes/unicorn.md and the
 * h7sim experiments): open with UC_MODE_THUMB and select the CPU model (not
 * UC_MODE_MCLASS, which forces a Cortex-M33); start with the Thumb bit set; one
 * global code hook counts instructions and stops the slice precisely (a fault
 * PC is then exact); never mix count = 0 and count > 0 starts (that flushes all
 * translated code); host writes (uc_mem_write or through the shared buffers) do
 * NOT invalidate translated code, so every host write marks a dirty range that is
 * flushed with uc_ctl_remove_cache before the next slice; IPSR/XPSR/CONTROL
 * writes need a flag rewrite to recompute the mode (upstream PR #2268); when the
 * core is unprivileged in Thread mode the banked SPs and mask registers read as
 * zero, so debugger accesses briefly switch to Handler mode.
 */
#include "core.h"

#include "h7jumpdiag/error.h"
#include "simlog.h"
#include "soc.h"
#include "svd_regs.h"

#include <stdlib.h>
#include <string.h>

struct ucpu_mmio {
	struct core *c;
	uint32_t base;
};

#define UCPU_MAX_MMIO 96

/* ------------------------------------------------------------------ registers */

uint32_t ucpu_reg(struct core *c, int ucreg)
{
	uint32_t v = 0;

	uc_reg_read(c->uc, ucreg, &v);
	return v;
}

void ucpu_set_reg(struct core *c, int ucreg, uint32_t v)
{
	uc_reg_write(c->uc, ucreg, &v);
}

void ucpu_rebuild_flags(struct core *c)
{
	/* writing APSR_NZCV runs cpsr_write + arm_rebuild_hflags (Unicorn 2.0.1) */
	uint32_t f = ucpu_reg(c, UC_ARM_REG_APSR_NZCV);

	ucpu_set_reg(c, UC_ARM_REG_APSR_NZCV, f);
}

uint32_t ucpu_pc(struct core *c)
{
	return ucpu_reg(c, UC_ARM_REG_PC) & ~1u;
}

void ucpu_set_pc(struct core *c, uint32_t pc)
{
	ucpu_set_reg(c, UC_ARM_REG_PC, pc | 1u);
}

/* Unprivileged Thread mode hides MSP/PSP/masks from uc_reg_read: go to Handler
 * mode (IPSR = 1) around the access. */
static bool ucpu_priv_enter(struct core *c)
{
	if (ucpu_reg(c, UC_ARM_REG_IPSR) == 0 && (ucpu_reg(c, UC_ARM_REG_CONTROL) & 1u)) {
		ucpu_set_reg(c, UC_ARM_REG_IPSR, 1);
		ucpu_rebuild_flags(c);
		return true;
	}
	return false;
}

static void ucpu_priv_leave(struct core *c, bool entered)
{
	if (entered) {
		ucpu_set_reg(c, UC_ARM_REG_IPSR, 0);
		ucpu_rebuild_flags(c);
	}
}

uint32_t ucpu_sysreg(struct core *c, int ucreg)
{
	bool priv = ucpu_priv_enter(c);
	uint32_t v = ucpu_reg(c, ucreg);

	ucpu_priv_leave(c, priv);
	return v;
}

static int ucpu_core_ucreg(unsigned regsel)
{
	if (regsel <= 12)
		return UC_ARM_REG_R0 + (int)regsel;
	switch (regsel) {
	case 13: return UC_ARM_REG_SP;
	case 14: return UC_ARM_REG_LR;
	case 15: return UC_ARM_REG_PC;
	case 16: return UC_ARM_REG_XPSR;
	case 17: return UC_ARM_REG_MSP;
	case 18: return UC_ARM_REG_PSP;
	case 0x21: return UC_ARM_REG_FPSCR;
	default: break;
	}
	if (regsel >= 0x40 && regsel <= 0x5F)
		return UC_ARM_REG_S0 + (int)(regsel - 0x40);
	return H7_ERROR_NOT_FOUND;
}

/* DDI0403 C1.6.3 DCRSR.REGSEL: 0-12 r0-r12, 13 current SP, 14 LR, 15
 * DebugReturnAddress, 16 xPSR, 17 MSP, 18 PSP, 0x14 CONTROL/FAULTMASK/BASEPRI/
 * PRIMASK packed in bytes 3..0, 0x21 FPSCR, 0x40-0x5F S0-S31. */
int ucpu_dbg_reg_read(struct core *c, unsigned regsel, uint32_t *val)
{
	bool priv = ucpu_priv_enter(c);
	int r = 0;

	if (regsel == 0x14) {
		uint32_t control = ucpu_reg(c, UC_ARM_REG_CONTROL);

		*val = (control & 7u) << 24 | (ucpu_reg(c, UC_ARM_REG_FAULTMASK) & 1u) << 16 |
		       (ucpu_reg(c, UC_ARM_REG_BASEPRI) & 0xFFu) << 8 | (ucpu_reg(c, UC_ARM_REG_PRIMASK) & 1u);
	} else if (regsel == 16) {
		/* while privileged-for-the-access, IPSR reads as 1: take it from the real state */
		*val = ucpu_reg(c, UC_ARM_REG_XPSR);
		if (priv)
			*val &= ~0x1FFu;
	} else {
		int ucreg = ucpu_core_ucreg(regsel);

		if (ucreg < 0) {
			*val = 0;
			r = -1;
		} else {
			*val = ucpu_reg(c, ucreg);
			if (regsel == 15)
				*val &= ~1u;
			if (regsel == 15 && c->lockup)
				*val = CORE_LOCKUP_PC;
		}
	}
	ucpu_priv_leave(c, priv);
	return r;
}

int ucpu_dbg_reg_write(struct core *c, unsigned regsel, uint32_t val)
{
	bool priv;
	int r = 0;

	if (regsel == 16) {
		/* xPSR: flags, IT/ICI, T and IPSR; the mode follows IPSR */
		ucpu_set_reg(c, UC_ARM_REG_XPSR, val);
		ucpu_rebuild_flags(c);
		return 0;
	}
	if (regsel == 15) {
		ucpu_set_pc(c, val & ~1u);
		return 0;
	}
	priv = ucpu_priv_enter(c);
	if (regsel == 0x14) {
		uint32_t control = (val >> 24) & 7u;

		ucpu_set_reg(c, UC_ARM_REG_PRIMASK, val & 1u);
		ucpu_set_reg(c, UC_ARM_REG_BASEPRI, (val >> 8) & 0xF0u);
		ucpu_set_reg(c, UC_ARM_REG_FAULTMASK, (val >> 16) & 1u);
		if (priv) {
			/* leave Handler mode first so that SPSEL changes the Thread SP */
			ucpu_priv_leave(c, true);
			priv = false;
		}
		ucpu_set_reg(c, UC_ARM_REG_CONTROL, control);
		ucpu_rebuild_flags(c);
	} else {
		int ucreg = ucpu_core_ucreg(regsel);

		if (ucreg < 0)
			r = -1;
		else
			ucpu_set_reg(c, ucreg, (regsel == 17 || regsel == 18) ? (val & ~3u) : val);
	}
	ucpu_priv_leave(c, priv);
	return r;
}

/* ------------------------------------------------------------------ memory map */

static uint64_t ucpu_mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	struct ucpu_mmio *m = ud;
	uint32_t v = 0;

	(void)uc;
	if (soc_mmio_read(m->c->soc, m->c->idx, m->base + (uint32_t)off, size, &v) < 0)
		v = 0; /* reserved space inside a mapped page: logged by soc_mmio_read */
	return v;
}

static void ucpu_mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *ud)
{
	struct ucpu_mmio *m = ud;

	(void)uc;
	soc_mmio_write(m->c->soc, m->c->idx, m->base + (uint32_t)off, size, (uint32_t)val);
}

/* a store to reserved space lands in a temporary sink page (see the unmapped hook) */
static uint64_t ucpu_sink_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	(void)uc; (void)off; (void)size; (void)ud;
	return 0;
}

static void ucpu_sink_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *ud)
{
	(void)uc; (void)off; (void)size; (void)val; (void)ud;
}

static int ucpu_add_mmio(struct core *c, uint32_t base, uint32_t size)
{
	struct ucpu_mmio *m;
	uc_err e;

	if (c->nmmio >= UCPU_MAX_MMIO)
		return H7_ERROR_INTERNAL;
	m = &c->mmio[c->nmmio++];
	m->c = c;
	m->base = base;
	e = uc_mmio_map(c->uc, base, size, ucpu_mmio_read, m, ucpu_mmio_write, m);
	if (e != UC_ERR_OK) {
		sim_err("%s: cannot map MMIO 0x%08X+0x%X: %s", c->var->name, base, size, uc_strerror(e));
		return H7_ERROR_INTERNAL;
	}
	return 0;
}

/* Map the peripheral pages of every SVD address block (merged into runs) and
 * the private peripheral bus. Reserved space between blocks stays unmapped. */
static int ucpu_map_mmio(struct core *c)
{
	uint32_t run_lo = 0, run_hi = 0;

	for (unsigned i = 0; i < svd_block_count; i++) {
		uint32_t lo = svd_blocks[i].base & ~0xFFFu;
		uint32_t hi = (svd_blocks[i].base + svd_blocks[i].size + 0xFFFu) & ~0xFFFu;

		if (lo < SOC_PERIPH_BASE || hi > SOC_PERIPH_END)
			continue;
		if (run_hi && lo <= run_hi) {
			if (hi > run_hi)
				run_hi = hi;
			continue;
		}
		if (run_hi && ucpu_add_mmio(c, run_lo, run_hi - run_lo) < 0)
			return H7_ERROR_INTERNAL;
		run_lo = lo;
		run_hi = hi;
	}
	if (run_hi && ucpu_add_mmio(c, run_lo, run_hi - run_lo) < 0)
		return H7_ERROR_INTERNAL;
	return ucpu_add_mmio(c, SOC_PPB_BASE, SOC_PPB_SIZE);
}

/* ------------------------------------------------------------------ hooks */

static int ucpu_fetch16(struct core *c, uint32_t addr, uint16_t *hw)
{
	struct soc_region *r = soc_region_at(c->soc, addr, 1u << c->idx);

	if (!r || addr + 2 > r->base + r->size)
		return H7_ERROR_MEMORY;
	memcpy(hw, r->mem + (addr - r->base), 2);
	return 0;
}

/* Is the instruction counted last (cnt) inside an IT block? Stopping there would
 * lose ITSTATE (Unicorn does not expose it), so the slice is extended to the
 * end of the block. */
static bool ucpu_in_it_block(struct core *c)
{
	for (unsigned j = 1; j <= 4 && j < c->cnt; j++) {
		uint16_t hw;

		if (ucpu_fetch16(c, c->ring[(c->cnt - j) & 7], &hw) < 0)
			continue;
		if ((hw & 0xFF00u) == 0xBF00u && (hw & 0xFu)) {
			unsigned len = 4 - (unsigned)__builtin_ctz(hw & 0xFu);

			if (j <= len) {
				c->budget = c->cnt + (len - j);
				return true;
			}
			return false;
		}
	}
	return false;
}

static void ucpu_hook_code(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
	struct core *c = ud;
	uint32_t a = (uint32_t)address;

	(void)size;
	c->cnt++;
	c->ring[c->cnt & 7] = a;
	if (c->cnt > c->budget && !ucpu_in_it_block(c)) {
		c->stop = CORE_STOP_BUDGET;
		uc_emu_stop(uc);
		return;
	}
	if (c->nbp && cmdbg_bp_match(c, a)) {
		c->stop = CORE_STOP_BREAKPOINT;
		c->stop_addr = a;
		uc_emu_stop(uc);
		return;
	}
	if (c->watch_unmask) {
		uint16_t hw;

		/* CPSIE i/f, MSR (PRIMASK, BASEPRI, FAULTMASK, ...): an interrupt that is
		 * pending but masked may become takeable right after this instruction */
		if (ucpu_fetch16(c, a, &hw) == 0 &&
		    ((hw & 0xFFECu) == 0xB660u || (hw & 0xFFF0u) == 0xF380u))
			c->budget = c->cnt;
	}
}

static void ucpu_hook_intr(uc_engine *uc, uint32_t intno, void *ud)
{
	struct core *c = ud;

	c->stop = CORE_STOP_INTR;
	c->intno = intno;
	uc_emu_stop(uc);
}

static bool ucpu_hook_badmem(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *ud)
{
	struct core *c = ud;

	(void)size; (void)value;
	c->mem_fault_addr = (uint32_t)addr;
	if (type == UC_MEM_WRITE_UNMAPPED && c->nsink < 4) {
		/* A store to reserved space: the core does not wait for the bus, the
		 * error comes back later as an imprecise BusFault (PM0253 "Bus fault
		 * status register", IMPRECISERR). Let the store complete into a
		 * temporary sink page, stop after this instruction, and unmap it. */
		uint32_t page = (uint32_t)addr & ~0xFFFu;

		if (uc_mmio_map(uc, page, 0x1000, ucpu_sink_read, c, ucpu_sink_write, c) == UC_ERR_OK) {
			c->sink_page[c->nsink++] = page;
			if (!c->sink_hit)
				c->sink_addr = (uint32_t)addr;
			c->sink_hit = true;
			c->budget = c->cnt;
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------ setup */

int ucpu_init(struct core *c, struct soc *soc, unsigned idx, const struct core_variant *var)
{
	uc_hook h;
	uc_err e;

	memset(c, 0, sizeof(*c));
	c->soc = soc;
	c->idx = idx;
	c->var = var;
	c->mmio = calloc(UCPU_MAX_MMIO, sizeof(*c->mmio));
	if (!c->mmio)
		return H7_ERROR_NO_MEM;
	e = uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &c->uc);
	if (e == UC_ERR_OK)
		e = uc_ctl_set_cpu_model(c->uc, var->uc_model);
	if (e != UC_ERR_OK) {
		sim_err("%s: unicorn: %s", var->name, uc_strerror(e));
		return H7_ERROR_INTERNAL;
	}
	for (unsigned i = 0; i < SOC_NUM_REGIONS; i++) {
		struct soc_region *r = &soc->region[i];
		uint32_t prot = r->kind == SOC_RAM ? UC_PROT_ALL : (UC_PROT_READ | UC_PROT_EXEC);

		if (!(r->cores & (1u << idx)))
			continue;
		e = uc_mem_map_ptr(c->uc, r->base, r->size, prot, r->mem);
		if (e != UC_ERR_OK) {
			sim_err("%s: cannot map %s: %s", var->name, r->name, uc_strerror(e));
			return H7_ERROR_INTERNAL;
		}
	}
	if (ucpu_map_mmio(c) < 0)
		return H7_ERROR_INTERNAL;
	if (uc_hook_add(c->uc, &h, UC_HOOK_CODE, ucpu_hook_code, c, 1, 0) != UC_ERR_OK ||
	    uc_hook_add(c->uc, &h, UC_HOOK_INTR, ucpu_hook_intr, c, 1, 0) != UC_ERR_OK ||
	    uc_hook_add(c->uc, &h, UC_HOOK_MEM_INVALID, ucpu_hook_badmem, c, 1, 0) != UC_ERR_OK) {
		sim_err("%s: cannot add unicorn hooks", var->name);
		return H7_ERROR_INTERNAL;
	}
	c->dirty_lo = UINT32_MAX;
	return 0;
}

void ucpu_fini(struct core *c)
{
	if (c->uc)
		uc_close(c->uc);
	c->uc = NULL;
	free(c->mmio);
	c->mmio = NULL;
	free(c->page_prot);
	c->page_prot = NULL;
}

void ucpu_code_dirty(struct core *c, uint32_t lo, uint32_t hi)
{
	if (lo < c->dirty_lo)
		c->dirty_lo = lo;
	if (hi > c->dirty_hi)
		c->dirty_hi = hi;
}

void ucpu_request_stop(struct core *c)
{
	if (c->in_slice && c->budget > c->cnt)
		c->budget = c->cnt;
}

void ucpu_reset(struct core *c, uint32_t boot_addr)
{
	uint32_t sp = 0xFFFFFFFFu, pc = 0xFFFFFFFFu;
	bool vec_ok;

	exc_reset(c);
	scs_reset(c);
	c->vtor = boot_addr & 0xFFFFFF80u;
	for (int r = UC_ARM_REG_R0; r <= UC_ARM_REG_R12; r++)
		ucpu_set_reg(c, r, 0);
	for (int r = 0; r < 32; r++)
		ucpu_set_reg(c, UC_ARM_REG_S0 + r, 0);
	ucpu_set_reg(c, UC_ARM_REG_FPSCR, 0);
	ucpu_set_reg(c, UC_ARM_REG_IPSR, 0);
	ucpu_set_reg(c, UC_ARM_REG_CONTROL, 0);
	ucpu_rebuild_flags(c);
	ucpu_set_reg(c, UC_ARM_REG_PRIMASK, 0);
	ucpu_set_reg(c, UC_ARM_REG_FAULTMASK, 0);
	ucpu_set_reg(c, UC_ARM_REG_BASEPRI, 0);
	ucpu_set_reg(c, UC_ARM_REG_LR, 0xFFFFFFFFu);
	ucpu_set_reg(c, UC_ARM_REG_PSP, 0);
	/* DDI0403 B1.5.5 TakeReset: SP_main from word 0, PC from word 1 of the table */
	vec_ok = soc_core_read(c->soc, c, c->vtor, 4, &sp) == 0 && soc_core_read(c->soc, c, c->vtor + 4, 4, &pc) == 0;
	ucpu_set_reg(c, UC_ARM_REG_MSP, sp & ~3u);
	ucpu_set_reg(c, UC_ARM_REG_XPSR, (pc & 1u) << 24);
	ucpu_set_pc(c, pc & ~1u);
	ucpu_rebuild_flags(c);
	c->halted = c->sleeping = c->spin = c->lockup = false;
	c->async_pending = false;
	c->dhcsr_sticky |= DHCSR_S_RESET_ST;
	c->mpu_applied = false;
	if (!vec_ok)
		exc_lockup(c, "reset vector unreadable");
	if ((c->dhcsr_ctrl & DHCSR_C_DEBUGEN) && (c->demcr & DEMCR_VC_CORERESET))
		cmdbg_halt(c, DFSR_VCATCH);
}

/* ------------------------------------------------------------------ slices */

static unsigned ucpu_insn_len(uint16_t hw)
{
	return ((hw >> 11) >= 0x1D) ? 4 : 2;
}

/* A write to flash or system memory (mapped read-only for the core) was
 * refused: count it and let the instruction complete without the write. */
static void ucpu_refused_write(struct core *c, uint32_t addr)
{
	struct soc_region *r = soc_region_at(c->soc, addr, 1u << c->idx);
	uint32_t pc = ucpu_pc(c);
	uint16_t hw = 0;

	if (r && r->kind == SOC_FLASH) {
		c->soc->stats.flash_write_attempts++;
		sim_warn("%s: flash write at 0x%08X (pc 0x%08X) refused: h7sim never programs flash",
			 c->var->name, addr, pc);
	} else {
		sim_warn("%s: write to read-only memory at 0x%08X (pc 0x%08X) ignored", c->var->name, addr, pc);
	}
	/* the instruction is skipped (its base write-back, if any, is lost) */
	if (ucpu_fetch16(c, pc, &hw) == 0)
		ucpu_set_pc(c, pc + ucpu_insn_len(hw));
}

static void ucpu_unmap_sinks(struct core *c)
{
	for (unsigned i = 0; i < c->nsink; i++)
		uc_mem_unmap(c->uc, c->sink_page[i], 0x1000);
	c->nsink = 0;
}

static uint32_t ucpu_mpu_perm(const struct core *c, uint32_t addr);

/* An instruction fetch at pc failed. */
static void ucpu_fetch_fault(struct core *c, uint32_t pc)
{
	sim_dbg("%s: instruction fetch at 0x%08X failed", c->var->name, pc);
	if (soc_region_at(c->soc, pc, 1u << c->idx)) {
		/* memory that is there: the MPU forbids execution */
		exc_fault(c, CORE_FAULT_MEM, CFSR_IACCVIOL, 0);
	} else if (pc >= SOC_PERIPH_BASE) {
		/* Peripheral, Device and System regions are execute-never (DDI0403
		 * B3.1 "default memory map"): MemManage IACCVIOL */
		exc_fault(c, CORE_FAULT_MEM, CFSR_IACCVIOL, 0);
	} else {
		c->soc->stats.bus_errors++;
		exc_fault(c, CORE_FAULT_BUS, CFSR_IBUSERR, 0);
	}
}

/* After a WFI: sleep, or (interrupt pending but masked) keep going, or spin. */
static void ucpu_after_wfi(struct core *c, uint32_t pc)
{
	uint16_t hw;

	if (exc_pending_preempt(c, true)) {
		/* woken at once; a `wfi; b .-2` loop makes no progress until the mask
		 * changes, which its two instructions cannot do: wait without running */
		if (!exc_pending_preempt(c, false) && ucpu_fetch16(c, pc, &hw) == 0 && hw == 0xE7FDu)
			c->spin = true;
		return;
	}
	c->sleeping = true;
}

static uint64_t ucpu_budget(struct core *c, uint64_t max_instr)
{
	uint64_t b = max_instr, left;

	if (c->async_pending) {
		left = c->async_at > c->icount ? c->async_at - c->icount : 1;
		if (left < b)
			b = left;
	}
	left = scs_systick_cycles_left(c);
	if (left < b)
		b = left ? left : 1;
	return b ? b : 1;
}

uint64_t ucpu_run(struct core *c, uint64_t max_instr)
{
	uint64_t executed = 0;
	uint32_t pc, xpsr;
	uc_err err;

	if (c->off || c->halted || c->lockup)
		return 0;
	if (c->sleeping || c->spin) {
		if (!exc_pending_preempt(c, c->sleeping))
			return 0;
		c->sleeping = c->spin = false;
	}
	if (c->async_pending && c->icount >= c->async_at) {
		c->async_pending = false;
		exc_async_busfault(c);
	}
	exc_take_pending(c);
	if (c->halted || c->lockup || c->off)
		return 0;
	xpsr = ucpu_reg(c, UC_ARM_REG_XPSR);
	if (!(xpsr & (1u << 24))) {
		/* EPSR.T = 0: the next instruction faults (INVSTATE) */
		exc_fault(c, CORE_FAULT_USAGE, CFSR_INVSTATE, 0);
		return 0;
	}
	if (c->flush_all) {
		/* not uc_ctl_flush_tlb (UC_CTL_TB_FLUSH): in 2.0.1 that takes seconds */
		uc_ctl_remove_cache(c->uc, 0, 0xFFFFF000u);
		c->flush_all = false;
		c->dirty_lo = UINT32_MAX;
		c->dirty_hi = 0;
	}
	if (c->dirty_lo < c->dirty_hi) {
		uc_ctl_remove_cache(c->uc, c->dirty_lo, c->dirty_hi);
		c->dirty_lo = UINT32_MAX;
		c->dirty_hi = 0;
	}
	if (!c->mpu_applied)
		ucpu_mpu_apply(c);
	c->watch_unmask = exc_pending_preempt(c, true) != 0 || c->async_pending;
	c->cnt = 0;
	c->budget = ucpu_budget(c, max_instr);
	c->stop = CORE_STOP_NONE;
	c->sink_hit = false;
	pc = ucpu_pc(c);
	c->in_slice = true;
	err = uc_emu_start(c->uc, pc | 1u, 0, 0, 0);
	c->in_slice = false;
	pc = ucpu_pc(c);
	if (c->nsink)
		ucpu_unmap_sinks(c);

	switch (err) {
	case UC_ERR_OK:
		switch (c->stop) {
		case CORE_STOP_BUDGET:
			executed = c->cnt - 1;
			break;
		case CORE_STOP_BREAKPOINT:
			executed = c->cnt - 1;
			cmdbg_halt(c, DFSR_BKPT);
			break;
		case CORE_STOP_INTR:
			switch (c->intno) {
			case 7: /* EXCP_BKPT: PC at the BKPT */
				executed = c->cnt - 1;
				if (c->dhcsr_ctrl & DHCSR_C_DEBUGEN)
					cmdbg_halt(c, DFSR_BKPT);
				else
					exc_fault(c, CORE_FAULT_DEBUG, 0, 0);
				break;
			case 8: /* EXCP_EXCEPTION_EXIT: PC holds EXC_RETURN without bit 0 */
				executed = c->cnt;
				exc_return(c, pc | 1u);
				break;
			case 2: /* EXCP_SWI: PC past the SVC */
				executed = c->cnt;
				exc_fault(c, CORE_FAULT_SVC, 0, 0);
				break;
			case 3: /* EXCP_PREFETCH_ABORT: the fetch at PC failed */
				executed = c->cnt;
				ucpu_fetch_fault(c, pc);
				break;
			default:
				executed = c->cnt ? c->cnt - 1 : 0;
				sim_warn("%s: unicorn exception %u at 0x%08X, treated as UNDEFINSTR",
					 c->var->name, c->intno, pc);
				exc_fault(c, CORE_FAULT_USAGE, CFSR_UNDEFINSTR, 0);
				break;
			}
			break;
		default: {
			uint16_t hw = 0;

			executed = c->cnt;
			if (ucpu_fetch16(c, pc - 2, &hw) == 0 && hw == 0xBF30u)
				ucpu_after_wfi(c, pc);
			break;
		}
		}
		break;
	case UC_ERR_READ_UNMAPPED:
		executed = c->cnt ? c->cnt - 1 : 0;
		c->soc->stats.bus_errors++;
		exc_fault(c, CORE_FAULT_BUS, CFSR_PRECISERR | CFSR_BFARVALID, c->mem_fault_addr);
		break;
	case UC_ERR_FETCH_UNMAPPED:
	case UC_ERR_FETCH_PROT:
		executed = c->cnt;
		ucpu_fetch_fault(c, pc);
		break;
	case UC_ERR_WRITE_PROT:
		executed = c->cnt ? c->cnt - 1 : 0;
		if (soc_region_at(c->soc, c->mem_fault_addr, 1u << c->idx) &&
		    (ucpu_mpu_perm(c, c->mem_fault_addr) & UC_PROT_WRITE))
			ucpu_refused_write(c, c->mem_fault_addr);
		else
			exc_fault(c, CORE_FAULT_MEM, CFSR_DACCVIOL | CFSR_MMARVALID, c->mem_fault_addr);
		break;
	case UC_ERR_READ_PROT:
		executed = c->cnt ? c->cnt - 1 : 0;
		exc_fault(c, CORE_FAULT_MEM, CFSR_DACCVIOL | CFSR_MMARVALID, c->mem_fault_addr);
		break;
	case UC_ERR_INSN_INVALID: {
		uint16_t hw = 0;

		xpsr = ucpu_reg(c, UC_ARM_REG_XPSR);
		if (!(xpsr & (1u << 24))) {
			/* an interworking branch to an even address */
			executed = c->cnt;
			ucpu_set_reg(c, UC_ARM_REG_XPSR, xpsr | (1u << 24));
			exc_fault(c, CORE_FAULT_USAGE, CFSR_INVSTATE, 0);
		} else if (c->cnt && c->ring[c->cnt & 7] != pc && ucpu_fetch16(c, pc - 2, &hw) == 0 &&
			   (hw == 0xBF20u || hw == 0xBF10u)) {
			/* WFE and YIELD: a hint; WFE is treated as a NOP (no event register) */
			executed = c->cnt;
		} else {
			executed = c->cnt ? c->cnt - 1 : 0;
			exc_fault(c, CORE_FAULT_USAGE, CFSR_UNDEFINSTR, 0);
		}
		break;
	}
	default:
		executed = c->cnt ? c->cnt - 1 : 0;
		sim_err("%s: unicorn stopped at 0x%08X: %s", c->var->name, pc, uc_strerror(err));
		exc_lockup(c, "unexpected emulation error");
		break;
	}
	if (c->sink_hit) {
		c->soc->stats.bus_errors++;
		/* ABFSR (DDI0489): the M7 interface that saw the error, AHBP for
		 * the peripheral range, AXIM otherwise; AXIMTYPE DECERR */
		if (c->var->has_cache)
			c->abfsr |= c->sink_addr - SOC_PERIPH_BASE < SOC_PERIPH_END - SOC_PERIPH_BASE ? (1u << 2)
													 : (1u << 3) | (3u << 8);
		sim_dbg("%s: store to reserved 0x%08X at pc 0x%08X: imprecise BusFault follows",
			c->var->name, c->sink_addr, pc);
		if (!c->async_pending) {
			c->async_pending = true;
			/* the write buffer reports the error a few instructions later */
			c->async_at = c->icount + executed + 3;
		}
	}
	c->icount += executed;
	if (executed)
		c->retired = true;
	/* DWT_CYCCNT counts (one cycle per instruction) when enabled (DDI0403 C1.8) */
	if ((c->dwt_ctrl & 1u) && (c->demcr & DEMCR_TRCENA))
		c->dwt_cyccnt += (uint32_t)executed;
	scs_systick_advance(c, executed);
	if (c->async_pending && c->icount >= c->async_at && !c->halted && !c->lockup) {
		c->async_pending = false;
		exc_async_busfault(c);
	}
	return executed;
}

void ucpu_step(struct core *c)
{
	/* DHCSR.C_MASKINTS (honoured by exc_pending_preempt) keeps interrupts out;
	 * without it a pending interrupt is taken first and the core halts on the
	 * first instruction of its handler */
	c->halted = false;
	c->sleeping = c->spin = false;
	if (!exc_take_pending(c))
		ucpu_run(c, 1);
	if (!c->halted)
		cmdbg_halt(c, DFSR_HALTED);
}

/* ------------------------------------------------------------------ MPU */

/* Access rights the MPU grants a privileged access at addr (UC_PROT_* bits),
 * DDI0403 B3.5 "Protected Memory System Architecture": the highest-numbered
 * enabled region containing addr (and not in a disabled subregion) decides;
 * no region: the default map if PRIVDEFENA, else no access. */
static uint32_t ucpu_mpu_perm(const struct core *c, uint32_t addr)
{
	uint32_t rasr = 0, perm;
	int hit = -1;

	if (!(c->mpu_ctrl & 1u))
		return UC_PROT_ALL;
	for (int n = (int)c->var->mpu_regions - 1; n >= 0 && hit < 0; n--) {
		uint64_t size;
		uint32_t base;

		rasr = c->mpu_rasr[n];
		if (!(rasr & 1u) || ((rasr >> 1) & 0x1Fu) < 4)
			continue; /* disabled, or SIZE below the 32-byte minimum */
		size = 1ull << (((rasr >> 1) & 0x1Fu) + 1);
		base = (uint32_t)(c->mpu_rbar[n] & ~(size - 1) & ~0x1Fu);
		if ((uint64_t)(addr - base) >= size)
			continue;
		if (size >= 256 && ((rasr >> (8 + (unsigned)((addr - base) / (size / 8)))) & 1u))
			continue; /* subregion disabled */
		hit = n;
	}
	if (hit < 0)
		return (c->mpu_ctrl & 4u) ? UC_PROT_ALL : UC_PROT_NONE;
	switch ((rasr >> 24) & 7u) { /* AP, privileged view */
	case 1: case 2: case 3: perm = UC_PROT_READ | UC_PROT_WRITE; break;
	case 5: case 6: case 7: perm = UC_PROT_READ; break;
	default: perm = UC_PROT_NONE; break;
	}
	if (perm && !((rasr >> 28) & 1u))
		perm |= UC_PROT_EXEC;
	return perm;
}

/* The MPU is enforced through Unicorn page protections, so at 4 KiB
 * granularity (each page takes the rights of its first byte) and for
 * privileged accesses only; HFNMIENA is not modelled (the MPU stays on in
 * HardFault and NMI handlers). Peripherals are not covered. */
void ucpu_mpu_apply(struct core *c)
{
	unsigned pg = 0;

	c->mpu_applied = true;
	if (!c->page_prot) {
		for (unsigned i = 0; i < SOC_NUM_REGIONS; i++)
			if (c->soc->region[i].cores & (1u << c->idx))
				c->npages += c->soc->region[i].size >> 12;
		c->page_prot = calloc(c->npages ? c->npages : 1, 1);
		if (!c->page_prot)
			return;
		memset(c->page_prot, 0xFF, c->npages); /* unknown: apply everything once */
	}
	for (unsigned i = 0; i < SOC_NUM_REGIONS; i++) {
		const struct soc_region *r = &c->soc->region[i];
		uint32_t natural = r->kind == SOC_RAM ? UC_PROT_ALL : (UC_PROT_READ | UC_PROT_EXEC);
		uint32_t run_start = 0, run_prot = 0;
		unsigned run_len = 0;

		if (!(r->cores & (1u << c->idx)))
			continue;
		for (uint32_t off = 0; off <= r->size; off += 0x1000, pg++) {
			uint32_t prot = off < r->size ? (natural & ucpu_mpu_perm(c, r->base + off)) : 0xFFu;
			bool same = off < r->size && c->page_prot[pg] == prot;

			if (run_len && (prot != run_prot || same || off == r->size)) {
				uc_mem_protect(c->uc, run_start, (size_t)run_len << 12, run_prot);
				run_len = 0;
			}
			if (off == r->size)
				break;
			if (!same) {
				if (!run_len) {
					run_start = r->base + off;
					run_prot = prot;
				}
				run_len++;
				c->page_prot[pg] = (uint8_t)prot;
			}
		}
	}
}
