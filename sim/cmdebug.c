/* h7sim - halting debug of one core: DHCSR, DCRSR, DCRDR, DEMCR (DDI0403 C1.6),
 * the Flash Patch and Breakpoint unit (C1.11; FPB version 2 on the Cortex-M7 with
 * 8 comparators that match any address, version 1 on the Cortex-M4 with 6 code
 * and 2 literal comparators below 0x20000000), the DWT (C1.8: CYCCNT counts one
 * cycle per instruction; the comparators are stored, watchpoints do not
 * trigger) and the ITM (C1.7: registers only, stimulus writes
 * are dropped).
 *
 * Register transfers through DCRSR/DCRDR complete at once, so DHCSR.S_REGRDY
 * always reads as one; a transfer while the core runs is ignored.
 */
#include "core.h"

#include "h7jumpdiag/error.h"
#include "simlog.h"
#include "soc.h"

#define DBG_DHCSR 0xE000EDF0u
#define DBG_DCRSR 0xE000EDF4u
#define DBG_DCRDR 0xE000EDF8u
#define DBG_DEMCR 0xE000EDFCu
#define FPB_CTRL 0xE0002000u
#define FPB_REMAP 0xE0002004u
#define FPB_COMP0 0xE0002008u
#define DWT_CTRL 0xE0001000u
#define DWT_CYCCNT 0xE0001004u
#define DWT_COMP0 0xE0001020u
#define ITM_TER 0xE0000E00u
#define ITM_TPR 0xE0000E40u
#define ITM_TCR 0xE0000E80u
#define CS_LAR 0xFB0u

#define DHCSR_KEY 0xA05Fu
#define DHCSR_CTRL_MASK (DHCSR_C_DEBUGEN | DHCSR_C_HALT | DHCSR_C_STEP | DHCSR_C_MASKINTS | DHCSR_C_SNAPSTALL)

void cmdbg_reset_power(struct core *c)
{
	c->dhcsr_ctrl = 0;
	c->dhcsr_sticky = DHCSR_S_RESET_ST;
	c->dcrdr = 0;
	c->demcr = 0;
	c->dfsr = 0;
	c->fp_enable = 0;
	for (unsigned i = 0; i < 8; i++)
		c->fp_comp[i] = 0;
	c->nbp = 0;
	c->dwt_ctrl = c->dwt_cyccnt = 0;
	for (unsigned i = 0; i < 4; i++)
		c->dwt_comp[i] = c->dwt_mask[i] = c->dwt_func[i] = 0;
	c->itm_tcr = c->itm_ter = c->itm_tpr = c->itm_lar = 0;
}

/* rebuild the list of breakpoint addresses from the comparators */
static void cmdbg_fpb_update(struct core *c)
{
	c->nbp = 0;
	if (!c->fp_enable)
		return;
	for (unsigned i = 0; i < c->var->fp_ncomp; i++) {
		uint32_t v = c->fp_comp[i];

		if (!(v & 1u))
			continue;
		if (c->var->fpb_rev2) {
			c->bp_addr[c->nbp++] = v & ~1u;
		} else {
			/* FPB v1: COMP[28:2], REPLACE[31:30] picks the halfword(s);
			 * REPLACE 00 is a remap, not a breakpoint */
			uint32_t base = v & 0x1FFFFFFCu;
			unsigned rep = v >> 30;

			if (i >= 6) /* literal comparators */
				continue;
			if ((rep & 1u) && c->nbp < 8)
				c->bp_addr[c->nbp++] = base;
			if ((rep & 2u) && c->nbp < 8)
				c->bp_addr[c->nbp++] = base + 2;
		}
	}
}

bool cmdbg_bp_match(const struct core *c, uint32_t addr)
{
	for (unsigned i = 0; i < c->nbp; i++)
		if (c->bp_addr[i] == addr)
			return true;
	return false;
}

void cmdbg_halt(struct core *c, uint32_t dfsr_bits)
{
	if (!c->halted) {
		sim_dbg("%s: halted at 0x%08X (DFSR bits 0x%X)", c->var->name, ucpu_pc(c), dfsr_bits);
		if (dfsr_bits & DFSR_BKPT)
			c->bkpt_halts++;
	}
	c->halted = true;
	c->sleeping = c->spin = false;
	c->lockup = false; /* a halt request takes the core out of lockup */
	/* entering Debug state sets C_HALT (DDI0403 C1.6.2 DHCSR) */
	if (c->dhcsr_ctrl & DHCSR_C_DEBUGEN)
		c->dhcsr_ctrl |= DHCSR_C_HALT;
	c->dfsr |= dfsr_bits;
	ucpu_request_stop(c);
}

static uint32_t cmdbg_dhcsr(struct core *c)
{
	uint32_t v = c->dhcsr_ctrl | DHCSR_S_REGRDY | c->dhcsr_sticky;

	if (c->halted)
		v |= DHCSR_S_HALT;
	if (c->sleeping && !c->halted)
		v |= DHCSR_S_SLEEP;
	if (c->lockup)
		v |= DHCSR_S_LOCKUP;
	if (c->retired)
		v |= DHCSR_S_RETIRE_ST;
	/* S_RESET_ST and S_RETIRE_ST clear on read */
	c->dhcsr_sticky = 0;
	c->retired = false;
	return v;
}

static void cmdbg_write_dhcsr(struct core *c, uint32_t v)
{
	uint32_t ctrl;

	sim_trace("%s: DHCSR <- 0x%08X (halted %d)", c->var->name, v, c->halted);
	if ((v >> 16) != DHCSR_KEY)
		return;
	ctrl = v & DHCSR_CTRL_MASK;
	if (!(ctrl & DHCSR_C_DEBUGEN))
		ctrl = 0; /* the other control bits need C_DEBUGEN */
	c->dhcsr_ctrl = ctrl;
	if (!ctrl) {
		if (c->halted) {
			c->halted = false;
			sim_dbg("%s: debug disabled, running", c->var->name);
		}
		return;
	}
	if (ctrl & DHCSR_C_HALT) {
		if (!c->halted)
			cmdbg_halt(c, DFSR_HALTED);
		return;
	}
	if (!c->halted)
		return;
	/* leaving Debug state: a breakpoint on the next instruction hits at once */
	if (cmdbg_bp_match(c, ucpu_pc(c)) && !c->lockup) {
		c->dfsr |= DFSR_BKPT;
		c->dhcsr_ctrl |= DHCSR_C_HALT;
		return;
	}
	if (ctrl & DHCSR_C_STEP) {
		ucpu_step(c);
		return;
	}
	c->halted = false;
	sim_dbg("%s: resumed at 0x%08X", c->var->name, ucpu_pc(c));
}

int cmdbg_read(struct core *c, uint32_t addr, uint32_t *val, bool debugger)
{
	(void)debugger;
	switch (addr) {
	case DBG_DHCSR: *val = cmdbg_dhcsr(c); return 0;
	case DBG_DCRSR: *val = 0; return 0;
	case DBG_DCRDR: *val = c->dcrdr; return 0;
	case DBG_DEMCR: *val = c->demcr; return 0;
	case FPB_CTRL: *val = c->var->fp_ctrl | c->fp_enable; return 0;
	case FPB_REMAP: *val = 0; return 0;
	case DWT_CTRL: *val = (4u << 28) | (c->dwt_ctrl & 0x0FFFFFFFu); return 0; /* NUMCOMP = 4 */
	case DWT_CYCCNT:
		*val = c->dwt_cyccnt;
		if (c->in_slice && (c->dwt_ctrl & 1u) && (c->demcr & DEMCR_TRCENA))
			*val += (uint32_t)c->cnt;
		return 0;
	case ITM_TER: *val = c->itm_ter; return 0;
	case ITM_TPR: *val = c->itm_tpr; return 0;
	case ITM_TCR: *val = c->itm_tcr; return 0;
	default: break;
	}
	if (addr >= FPB_COMP0 && addr < FPB_COMP0 + 4 * c->var->fp_ncomp) {
		*val = c->fp_comp[(addr - FPB_COMP0) / 4];
		return 0;
	}
	if (addr >= DWT_COMP0 && addr < DWT_COMP0 + 0x40) {
		unsigned n = (addr - DWT_COMP0) / 16;

		switch ((addr - DWT_COMP0) % 16) {
		case 0: *val = c->dwt_comp[n]; return 0;
		case 4: *val = c->dwt_mask[n]; return 0;
		case 8: *val = c->dwt_func[n]; return 0;
		default: *val = 0; return 0;
		}
	}
	if (addr >= 0xE0000000u && addr < 0xE0000100u) {
		*val = 1; /* ITM stimulus ports: FIFO ready */
		return 0;
	}
	if (addr == 0xE0001FBCu || addr == 0xE0000FBCu || addr == 0xE0002FBCu ||
	    (addr & 0xFFFu) == CS_LAR + 4) {
		*val = 0; /* DEVARCH (read by OpenOCD), lock status: not implemented */
		return 0;
	}
	if (addr >= 0xE0001000u && addr < 0xE0001100u) {
		*val = 0; /* other DWT counters */
		return 0;
	}
	return H7_ERROR_NOT_FOUND;
}

int cmdbg_write(struct core *c, uint32_t addr, uint32_t val, bool debugger)
{
	switch (addr) {
	case DBG_DHCSR:
		if (debugger)
			cmdbg_write_dhcsr(c, val);
		return 0;
	case DBG_DCRSR:
		if (c->halted) {
			unsigned sel = val & 0x7Fu;

			if (val & (1u << 16))
				ucpu_dbg_reg_write(c, sel, c->dcrdr);
			else
				ucpu_dbg_reg_read(c, sel, &c->dcrdr);
		}
		return 0;
	case DBG_DCRDR: c->dcrdr = val; return 0;
	case DBG_DEMCR: c->demcr = val & DEMCR_RW_MASK; return 0;
	case FPB_CTRL:
		sim_trace("%s: FP_CTRL <- 0x%08X", c->var->name, val);
		if (val & 2u) { /* KEY */
			c->fp_enable = val & 1u;
			cmdbg_fpb_update(c);
		}
		return 0;
	case FPB_REMAP: return 0;
	case DWT_CTRL: c->dwt_ctrl = val & 0x0FFFFFFFu; return 0;
	case DWT_CYCCNT: c->dwt_cyccnt = val; return 0;
	case ITM_TER: c->itm_ter = val; return 0;
	case ITM_TPR: c->itm_tpr = val; return 0;
	case ITM_TCR: c->itm_tcr = val; return 0;
	default: break;
	}
	if (addr >= FPB_COMP0 && addr < FPB_COMP0 + 4 * c->var->fp_ncomp) {
		sim_trace("%s: FP_COMP%u = 0x%08X", c->var->name, (addr - FPB_COMP0) / 4, val);
		c->fp_comp[(addr - FPB_COMP0) / 4] = val;
		cmdbg_fpb_update(c);
		ucpu_request_stop(c);
		return 0;
	}
	if (addr >= DWT_COMP0 && addr < DWT_COMP0 + 0x40) {
		unsigned n = (addr - DWT_COMP0) / 16;

		switch ((addr - DWT_COMP0) % 16) {
		case 0: c->dwt_comp[n] = val; break;
		case 4: c->dwt_mask[n] = val & 0x1Fu; break;
		case 8: c->dwt_func[n] = val & ~(1u << 24); break;
		default: break;
		}
		return 0;
	}
	if (addr >= 0xE0000000u && addr < 0xE0000100u)
		return 0; /* ITM stimulus: dropped */
	if ((addr & 0xFFFu) == CS_LAR && addr >= 0xE0000000u && addr < 0xE0003000u)
		return 0; /* CoreSight lock access */
	if (addr >= 0xE0001000u && addr < 0xE0001100u)
		return 0;
	return H7_ERROR_NOT_FOUND;
}
