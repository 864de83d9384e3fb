/* h7sim - RCC, PWR, FLASH controller, SYSCFG and DBGMCU (see periph.h). */
#include "periph.h"

#include "h7jumpdiag/error.h"
#include "simlog.h"
#include "soc.h"
#include "svd_regs.h"

#include <string.h>

struct periph_block {
	uint32_t base, size;
	uint32_t *regs;
	uint8_t *known;
	const char *name;
};

static void periph_fill(uint32_t *regs, uint8_t *known, unsigned nwords, const struct svd_reg *t, unsigned n)
{
	memset(regs, 0, nwords * 4);
	memset(known, 0, nwords);
	for (unsigned i = 0; i < n; i++) {
		if (t[i].off / 4 >= nwords)
			continue;
		regs[t[i].off / 4] = t[i].reset;
		known[t[i].off / 4] = 1;
	}
}

/* the option-byte state the chip boots with (h7sim never changes it) */
static void periph_option_bytes(struct soc *s)
{
	struct periph *p = &s->p;
	uint32_t bcm4 = s->opt.bcm4 != 0, bcm7 = s->opt.bcm7 != 0;
	uint32_t optsr;

	/* FLASH_OPTSR_CUR (RM0399 FLASH option status register): RDP level 0 (0xAA),
	 * software watchdogs, no reset on Stop/Standby entry, BCM4 bit 22, BCM7 bit 23
	 * as the --bcm4/--bcm7 options (both boot by default, as on a new part) */
	optsr = (0xAAu << 8) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 17) | (1u << 18) |
		(bcm4 << 22) | (bcm7 << 23) | (1u << 24) | (1u << 25);
	p->flash[FLASH_OPTSR_CUR / 4] = optsr;
	p->flash[FLASH_OPTSR_PRG / 4] = optsr;
	/* boot addresses: BOOT_CM7_ADD0 0x0800 / ADD1 0x1FF0, BOOT_CM4_ADD0 0x0810 / ADD1 0x1FF0
	 * (address = value << 16; RM0399 FLASH_BOOT7_CUR / FLASH_BOOT4_CUR) */
	p->flash[FLASH_BOOT7_CUR / 4] = p->flash[FLASH_BOOT7_PRG / 4] = 0x1FF00800u;
	p->flash[FLASH_BOOT4_CUR / 4] = p->flash[FLASH_BOOT4_PRG / 4] = 0x1FF00810u;
	p->flash_known[FLASH_BOOT4_CUR / 4] = p->flash_known[FLASH_BOOT4_PRG / 4] = 1;
	/* locks set at reset: FLASH_CR1/CR2 reset value 0x31 (LOCK, PSIZE), OPTCR.OPTLOCK */
	p->flash[FLASH_CR1 / 4] = p->flash[(FLASH_BANK2 + FLASH_CR1) / 4] = 0x31u;
	p->flash[FLASH_OPTCR / 4] = 0x1u;
	p->flash_known[(FLASH_BANK2 + FLASH_CR1) / 4] = 1;
	/* SYSCFG user registers mirror the option bytes (RM0399 SYSCFG_URx) */
	p->syscfg[SYSCFG_UR0 / 4] = 0xAAu << 16;
	p->syscfg[SYSCFG_UR1 / 4] = bcm4 | (bcm7 << 16);
	p->syscfg[SYSCFG_UR2 / 4] = 0x0800u << 16;
	p->syscfg[SYSCFG_UR3 / 4] = 0x1FF0u | (0x1FF0u << 16);
}

static void periph_reset_regs(struct soc *s)
{
	struct periph *p = &s->p;

	periph_fill(p->rcc, p->rcc_known, 0x200 / 4, svd_rcc, svd_rcc_count);
	/* RCC_C2_xxx (RM0399 RCC register map, 0x190-0x1FC): not in this SVD */
	for (unsigned off = 0x190; off < 0x200; off += 4)
		p->rcc_known[off / 4] = 1;
	periph_fill(p->flash, p->flash_known, 0x1000 / 4, svd_flash, svd_flash_count);
	periph_fill(p->syscfg, p->syscfg_known, 0x400 / 4, svd_syscfg, svd_syscfg_count);
	periph_option_bytes(s);
}

void periph_power_on(struct soc *s)
{
	struct periph *p = &s->p;

	periph_fill(p->pwr, p->pwr_known, 0x400 / 4, svd_pwr, svd_pwr_count);
	periph_fill(p->dbgmcu, p->dbgmcu_known, 0x400 / 4, svd_dbgmcu, svd_dbgmcu_count);
	p->supply_locked = false;
	p->supply_stuck = false;
	/* DBGMCU_IDC: DEV_ID 0x450, REV_ID (RM0399 DBGMCU; 0x2003 = revision V) */
	p->idc = (s->opt.rev_id << 16) | 0x6450u; /* bits 15:12 read 6 (SVD reset value 0x10006450) */
	periph_reset_regs(s);
	/* RCC_RSR after power-on: PORRSTF, BORRSTF, PINRSTF, D1RSTF, D2RSTF, CPURSTF */
	p->rcc[RCC_RSR / 4] = (1u << 23) | (1u << 21) | (1u << 22) | (1u << 19) | (1u << 20) | (1u << 17);
	p->rcc[(RCC_RSR + RCC_C1_OFFSET) / 4] = p->rcc[RCC_RSR / 4];
	p->rcc[(RCC_RSR + RCC_C2_OFFSET) / 4] = p->rcc[RCC_RSR / 4];
}

void periph_system_reset(struct soc *s, uint32_t rsr_flags)
{
	struct periph *p = &s->p;
	uint32_t pwr_cr3 = p->pwr[PWR_CR3 / 4], d3cr = p->pwr[PWR_D3CR / 4];

	periph_reset_regs(s);
	p->rcc[RCC_RSR / 4] = rsr_flags;
	p->rcc[(RCC_RSR + RCC_C1_OFFSET) / 4] = rsr_flags;
	p->rcc[(RCC_RSR + RCC_C2_OFFSET) / 4] = rsr_flags;
	/* PWR: the supply configuration is kept until power-on (RM0399 PWR "supply
	 * configuration"); the rest of PWR is in the backup/D3 domain and is not
	 * reset by a system reset either, except the voltage scaling */
	p->pwr[PWR_CR3 / 4] = pwr_cr3;
	p->pwr[PWR_D3CR / 4] = d3cr;
}

static struct periph_block periph_block_of(struct soc *s, uint32_t addr)
{
	struct periph *p = &s->p;
	struct periph_block b = { 0, 0, NULL, NULL, NULL };

	if (addr - PERIPH_RCC_BASE < 0x400u)
		b = (struct periph_block){ PERIPH_RCC_BASE, 0x200, p->rcc, p->rcc_known, "RCC" };
	else if (addr - PERIPH_PWR_BASE < 0x400u)
		b = (struct periph_block){ PERIPH_PWR_BASE, 0x400, p->pwr, p->pwr_known, "PWR" };
	else if (addr - PERIPH_FLASH_BASE < 0x1000u)
		b = (struct periph_block){ PERIPH_FLASH_BASE, 0x1000, p->flash, p->flash_known, "FLASH" };
	else if (addr - PERIPH_SYSCFG_BASE < 0x400u)
		b = (struct periph_block){ PERIPH_SYSCFG_BASE, 0x400, p->syscfg, p->syscfg_known, "SYSCFG" };
	else if (addr - PERIPH_DBGMCU_BASE < 0x400u)
		b = (struct periph_block){ PERIPH_DBGMCU_BASE, 0x400, p->dbgmcu, p->dbgmcu_known, "DBGMCU" };
	else if (addr - PERIPH_DBGMCU_APBD < 0x400u)
		b = (struct periph_block){ PERIPH_DBGMCU_APBD, 0x400, p->dbgmcu, p->dbgmcu_known, "DBGMCU" };
	return b;
}

bool periph_claims(uint32_t addr)
{
	return addr - PERIPH_RCC_BASE < 0x400u || addr - PERIPH_PWR_BASE < 0x400u ||
	       addr - PERIPH_FLASH_BASE < 0x1000u || addr - PERIPH_SYSCFG_BASE < 0x400u ||
	       addr - PERIPH_DBGMCU_BASE < 0x400u || addr - PERIPH_DBGMCU_APBD < 0x400u;
}

/* ------------------------------------------------------------------ clocks */

static uint32_t periph_hsi_hz(const struct periph *p)
{
	return 64000000u >> ((p->rcc[RCC_CR / 4] >> 3) & 3u); /* HSIDIV */
}

static bool periph_osc_ready(const struct soc *s, unsigned src)
{
	uint32_t cr = s->p.rcc[RCC_CR / 4];

	switch (src) {
	case 0: return cr & 1u;                          /* HSI */
	case 1: return (cr >> 7) & 1u;                   /* CSI */
	case 2: return ((cr >> 16) & 1u) && (s->opt.board->hse_hz || ((cr >> 18) & 1u)); /* HSE */
	default: return false;
	}
}

static uint32_t periph_src_hz(const struct soc *s, unsigned src)
{
	switch (src) {
	case 0: return periph_hsi_hz(&s->p);
	case 1: return 4000000u;
	case 2: return s->opt.board->hse_hz;
	default: return 0;
	}
}

static bool periph_pll_ready(const struct soc *s, unsigned n)
{
	uint32_t cr = s->p.rcc[RCC_CR / 4];

	return ((cr >> (24 + 2 * n)) & 1u) && periph_osc_ready(s, s->p.rcc[RCC_PLLCKSELR / 4] & 3u);
}

static uint32_t periph_pll1p_hz(const struct soc *s)
{
	const uint32_t *r = s->p.rcc;
	uint32_t m = (r[RCC_PLLCKSELR / 4] >> 4) & 0x3Fu;
	uint32_t n = (r[RCC_PLL1DIVR / 4] & 0x1FFu) + 1;
	uint32_t pdiv = ((r[RCC_PLL1DIVR / 4] >> 9) & 0x7Fu) + 1;
	uint64_t hz;

	if (!m)
		return 0;
	hz = (uint64_t)periph_src_hz(s, r[RCC_PLLCKSELR / 4] & 3u) / m * n / pdiv;
	return (uint32_t)hz;
}

static unsigned periph_sws(const struct soc *s)
{
	return (s->p.rcc[RCC_CFGR / 4] >> 3) & 7u;
}

static uint32_t periph_div(unsigned code)
{
	static const uint16_t d[8] = { 2, 4, 8, 16, 64, 128, 256, 512 };

	return (code & 8u) ? d[code & 7u] : 1;
}

uint32_t periph_cm7_hz(const struct soc *s)
{
	uint32_t sys;

	switch (periph_sws(s)) {
	case 0: sys = periph_hsi_hz(&s->p); break;
	case 1: sys = 4000000u; break;
	case 2: sys = s->opt.board->hse_hz; break;
	case 3: sys = periph_pll1p_hz(s); break;
	default: sys = 0; break;
	}
	sys /= periph_div((s->p.rcc[RCC_D1CFGR / 4] >> 8) & 0xFu); /* D1CPRE */
	return sys ? sys : 64000000u;
}

uint32_t periph_cm4_hz(const struct soc *s)
{
	uint32_t hz = periph_cm7_hz(s) / periph_div(s->p.rcc[RCC_D1CFGR / 4] & 0xFu); /* HPRE */

	return hz ? hz : 64000000u;
}

bool periph_otg_clocked(const struct soc *s, unsigned usb_n)
{
	uint32_t en = usb_n == 2 ? RCC_AHB1_USB2OTG : RCC_AHB1_USB1OTG;
	const uint32_t *r = s->p.rcc;

	if (r[RCC_AHB1RSTR / 4] & en)
		return false;
	return ((r[(RCC_AHB1ENR + RCC_C1_OFFSET) / 4] | r[(RCC_AHB1ENR + RCC_C2_OFFSET) / 4]) & en) != 0;
}

/* ------------------------------------------------------------------ RCC */

static uint32_t periph_rcc_cr(struct soc *s)
{
	uint32_t cr = s->p.rcc[RCC_CR / 4] & 0x150D129Bu; /* the enable/config bits */
	const struct core *cm4 = &s->core[CORE_CM4];

	/* ready flags follow their enables (RM0399 RCC_CR); the oscillators and PLLs
	 * of the model start and lock at once, so HAL wait loops end */
	cr |= (cr & 1u) ? (1u << 2) | (1u << 5) : 0;            /* HSIRDY, HSIDIVF */
	cr |= ((cr >> 7) & 1u) ? 1u << 8 : 0;                   /* CSIRDY */
	cr |= ((cr >> 12) & 1u) ? 1u << 13 : 0;                 /* RC48RDY */
	cr |= 1u << 14;                                         /* D1CKRDY */
	/* D2CKRDY: D2 domain clocks run unless the CM4 is in Stop (deep sleep) */
	if (!(cm4->sleeping && (cm4->scr & 4u)))
		cr |= 1u << 15;
	cr |= periph_osc_ready(s, 2) ? 1u << 17 : 0;            /* HSERDY */
	for (unsigned n = 0; n < 3; n++)
		cr |= periph_pll_ready(s, n) ? 1u << (25 + 2 * n) : 0; /* PLLxRDY */
	return cr;
}

static bool periph_src_ready_sw(struct soc *s, unsigned sw)
{
	return sw == 3 ? periph_pll_ready(s, 0) : periph_osc_ready(s, sw);
}

static uint32_t periph_rcc_read(struct soc *s, enum periph_master m, uint32_t off)
{
	uint32_t *r = s->p.rcc;

	if (off == RCC_CR)
		return periph_rcc_cr(s);
	if (off == RCC_CFGR) {
		unsigned sw = r[RCC_CFGR / 4] & 7u;

		if (periph_src_ready_sw(s, sw))
			r[RCC_CFGR / 4] = (r[RCC_CFGR / 4] & ~(7u << 3)) | (sw << 3);
		return r[RCC_CFGR / 4];
	}
	if (off >= RCC_RSR && off < 0x130) /* per-core view of the common registers */
		off += m == MASTER_CM4 ? RCC_C2_OFFSET : RCC_C1_OFFSET;
	return r[off / 4];
}

static void periph_rcc_write(struct soc *s, enum periph_master m, uint32_t off, uint32_t v)
{
	uint32_t *r = s->p.rcc;
	uint32_t old;

	if (off == RCC_CR) {
		r[RCC_CR / 4] = v & 0x150D129Bu;
		usbbus_update(s);
		return;
	}
	if (off == RCC_CFGR) {
		r[RCC_CFGR / 4] = (r[RCC_CFGR / 4] & (7u << 3)) | (v & ~(7u << 3));
		(void)periph_rcc_read(s, m, RCC_CFGR);
		return;
	}
	if (off == RCC_GCR) {
		old = r[RCC_GCR / 4];
		r[RCC_GCR / 4] = v & 0xFu;
		/* BOOT_C1/BOOT_C2 force a core gated by BCM7/BCM4 to boot (RM0399 RCC_GCR) */
		if ((v & RCC_GCR_BOOT_C2) && !(old & RCC_GCR_BOOT_C2) && s->core[CORE_CM4].off) {
			sim_info("cm4: released by RCC_GCR.BOOT_C2");
			s->core[CORE_CM4].off = false;
			ucpu_reset(&s->core[CORE_CM4], s->p.flash[FLASH_BOOT4_CUR / 4] << 16);
		}
		if ((v & RCC_GCR_BOOT_C1) && !(old & RCC_GCR_BOOT_C1) && s->core[CORE_CM7].off) {
			sim_info("cm7: released by RCC_GCR.BOOT_C1");
			s->core[CORE_CM7].off = false;
			ucpu_reset(&s->core[CORE_CM7], s->p.flash[FLASH_BOOT7_CUR / 4] << 16);
		}
		return;
	}
	if (off >= RCC_RSR && off < 0x130)
		off += m == MASTER_CM4 ? RCC_C2_OFFSET : RCC_C1_OFFSET;
	if (off == RCC_RSR + RCC_C1_OFFSET || off == RCC_RSR + RCC_C2_OFFSET || off == RCC_RSR) {
		if (v & (1u << 16)) { /* RMVF: remove the reset flags */
			r[RCC_RSR / 4] = 0;
			r[(RCC_RSR + RCC_C1_OFFSET) / 4] = 0;
			r[(RCC_RSR + RCC_C2_OFFSET) / 4] = 0;
		}
		return;
	}
	old = r[off / 4];
	r[off / 4] = v;
	if (off == RCC_AHB1RSTR) {
		if ((v & RCC_AHB1_USB2OTG) && !(old & RCC_AHB1_USB2OTG))
			otg_reset(&s->otg_fs);
		if ((v & RCC_AHB1_USB1OTG) && !(old & RCC_AHB1_USB1OTG))
			otg_reset(&s->otg_hs);
		soc_irq_update(s);
	}
	usbbus_update(s);
}

/* ------------------------------------------------------------------ PWR */

static uint32_t periph_pwr_read(struct soc *s, uint32_t off)
{
	struct periph *p = &s->p;
	uint32_t v = p->pwr[off / 4];

	switch (off) {
	case PWR_CSR1:
		/* ACTVOSRDY: never set again once the supply configuration is wrong */
		v &= ~(PWR_CSR1_ACTVOSRDY | (3u << 14));
		v |= p->pwr[PWR_D3CR / 4] & (3u << 14);
		if (!p->supply_stuck)
			v |= PWR_CSR1_ACTVOSRDY;
		return v;
	case PWR_CR3:
		v &= ~PWR_CR3_USB33RDY;
		if ((v & PWR_CR3_USB33DEN) && !p->supply_stuck)
			v |= PWR_CR3_USB33RDY;
		return v;
	case PWR_D3CR:
		v &= ~PWR_D3CR_VOSRDY;
		if (!p->supply_stuck)
			v |= PWR_D3CR_VOSRDY;
		return v;
	default:
		return v;
	}
}

static void periph_pwr_write(struct soc *s, uint32_t off, uint32_t v)
{
	struct periph *p = &s->p;

	if (off == PWR_CR3) {
		uint32_t supply = v & PWR_CR3_SUPPLY_MASK;
		uint32_t keep = p->pwr[PWR_CR3 / 4] & PWR_CR3_SUPPLY_MASK;

		if (!p->supply_locked) {
			/* RM0399 PWR "Power supply configuration": LDOEN, SDEN, BYPASS,
			 * SMPSEXTHP and SMPSLEVEL can be written only once after POR */
			p->supply_locked = true;
			keep = supply;
			if ((supply & s->opt.board->supply_mask) != s->opt.board->supply_value) {
				p->supply_stuck = true;
				sim_warn("PWR_CR3 supply configuration 0x%02X does not match the %s board "
					 "(%s): ACTVOSRDY will never be set until power is cycled",
					 supply, s->opt.board->name, s->opt.board->supply_ref);
			}
		} else if (supply != keep) {
			sim_dbg("PWR_CR3 supply bits are locked until power-on; write ignored");
		}
		p->pwr[PWR_CR3 / 4] = (v & ~(PWR_CR3_SUPPLY_MASK | PWR_CR3_USB33RDY)) | keep;
		usbbus_update(s);
		return;
	}
	if (off == PWR_CSR1)
		return; /* read-only */
	p->pwr[off / 4] = v;
}

/* ------------------------------------------------------------------ FLASH */

static void periph_flash_write(struct soc *s, uint32_t off, uint32_t v)
{
	struct periph *p = &s->p;
	uint32_t bank_off = off & 0xFFu;

	/* h7sim never unlocks, programs or erases flash or option bytes: every
	 * attempt is counted and refused (the locks stay set) */
	switch (bank_off) {
	case FLASH_KEYR1:
		s->stats.flash_write_attempts++;
		sim_warn("FLASH_KEYR%u written: unlock refused (h7sim never programs flash)", off >= FLASH_BANK2 ? 2 : 1);
		return;
	case FLASH_CR1:
		if (v & 0x8Eu) { /* PG, SER, BER, START */
			s->stats.flash_write_attempts++;
			sim_warn("FLASH_CR%u program/erase request 0x%08X refused", off >= FLASH_BANK2 ? 2 : 1, v);
		}
		p->flash[off / 4] = (p->flash[off / 4] & 0x1u) | (v & ~0x8Fu) | 0x1u; /* LOCK stays */
		return;
	case FLASH_OPTKEYR:
		s->stats.optbyte_write_attempts++;
		sim_warn("FLASH_OPTKEYR written: option-byte unlock refused");
		return;
	case FLASH_OPTCR:
		if (v & 2u) { /* OPTSTART */
			s->stats.optbyte_write_attempts++;
			sim_warn("FLASH_OPTCR.OPTSTART refused");
		}
		p->flash[off / 4] = (v & ~0x3u) | 0x1u; /* OPTLOCK stays */
		return;
	case FLASH_OPTSR_PRG: case 0x2C: case 0x34: case 0x3C: case FLASH_BOOT7_PRG: case FLASH_BOOT4_PRG:
		/* option-byte program registers: refused */
		s->stats.optbyte_write_attempts++;
		sim_warn("FLASH option-byte register 0x%03X write refused", off);
		return;
	case FLASH_OPTSR_CUR: case FLASH_BOOT7_CUR: case FLASH_BOOT4_CUR: case 0x28: case 0x30: case 0x38:
		return; /* read-only */
	default:
		p->flash[off / 4] = v;
		return;
	}
}

/* ------------------------------------------------------------------ access */

int periph_read(struct soc *s, enum periph_master m, uint32_t addr, unsigned size, uint32_t *val)
{
	struct periph_block b = periph_block_of(s, addr);
	uint32_t off, v;
	unsigned sh = (addr & 3u) * 8;

	if (!b.regs)
		return H7_ERROR_MEMORY;
	off = (addr - b.base) & ~3u;
	if (off >= b.size || !b.known[off / 4]) {
		soc_unmodelled(s, b.name, addr, false, 0);
		*val = 0;
		return 0;
	}
	if (b.regs == s->p.rcc)
		v = periph_rcc_read(s, m, off);
	else if (b.regs == s->p.pwr)
		v = periph_pwr_read(s, off);
	else if (b.regs == s->p.dbgmcu && off == DBGMCU_IDC)
		v = s->p.idc;
	else
		v = b.regs[off / 4];
	*val = size == 4 ? v : (v >> sh) & (size == 1 ? 0xFFu : 0xFFFFu);
	return 0;
}

int periph_write(struct soc *s, enum periph_master m, uint32_t addr, unsigned size, uint32_t val)
{
	struct periph_block b = periph_block_of(s, addr);
	uint32_t off, v;
	unsigned sh = (addr & 3u) * 8;

	if (!b.regs)
		return H7_ERROR_MEMORY;
	off = (addr - b.base) & ~3u;
	if (off >= b.size || !b.known[off / 4]) {
		soc_unmodelled(s, b.name, addr, true, val);
		return 0;
	}
	if (size != 4) {
		uint32_t mask = (size == 1 ? 0xFFu : 0xFFFFu) << sh;
		uint32_t cur = 0;

		periph_read(s, m, addr & ~3u, 4, &cur);
		v = (cur & ~mask) | ((val << sh) & mask);
	} else {
		v = val;
	}
	if (b.regs == s->p.rcc)
		periph_rcc_write(s, m, off, v);
	else if (b.regs == s->p.pwr)
		periph_pwr_write(s, off, v);
	else if (b.regs == s->p.flash)
		periph_flash_write(s, off, v);
	else if (b.regs == s->p.dbgmcu && off == DBGMCU_IDC)
		return 0; /* read-only */
	else if (b.regs == s->p.syscfg && off >= SYSCFG_UR0 && off <= 0x344)
		return 0; /* user registers are read-only (option bytes) */
	else
		b.regs[off / 4] = v;
	return 0;
}
