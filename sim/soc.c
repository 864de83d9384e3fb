/* h7sim - the STM32H745 as a whole (see soc.h). */
#include "soc.h"

#include "h7jumpdiag/error.h"
#include "simlog.h"
#include "svd_regs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Cortex-M7 r1p1 and Cortex-M4 r0p1 as on the STM32H745 (CPUID, MVFRx: PM0253 and
 * PM0214; FP_CTRL: FPB v2 with 8 comparators on the M7, v1 with 6 code + 2
 * literal comparators on the M4; values also recorded from a real part in
 * ../shared/notes/openocd-and-sim.md) */
static const struct core_variant soc_cm7 = {
	.name = "cm7", .uc_model = UC_CPU_ARM_CORTEX_M7,
	.cpuid = 0x411FC271u, .mvfr0 = 0x10110221u, .mvfr1 = 0x12000011u, .mvfr2 = 0x00000040u,
	.fp_ctrl = 0x10000080u, .fp_ncomp = 8, .fpb_rev2 = 1, .mpu_regions = 16,
	.ccr_reset = 0x00040200u, /* STKALIGN, BP (PM0253 CCR) */
	.has_cache = true,
};
static const struct core_variant soc_cm4 = {
	.name = "cm4", .uc_model = UC_CPU_ARM_CORTEX_M4,
	.cpuid = 0x410FC241u, .mvfr0 = 0x10110021u, .mvfr1 = 0x11000011u, .mvfr2 = 0,
	.fp_ctrl = 0x00000260u, .fp_ncomp = 8, .fpb_rev2 = 0, .mpu_regions = 8,
	.ccr_reset = 0x00000200u, /* STKALIGN (PM0214 CCR) */
	.has_cache = false,
};

/* Boards: HSE and the power supply the PCB is wired for. On a direct-SMPS
 * board VCORE comes from the SMPS: configurations that keep it on work (direct
 * SMPS, HAL's PWR_DIRECT_SMPS_SUPPLY = SDEN, or the reset default SMPS feeding
 * the LDO, SDEN|LDOEN); LDO-only or bypass configurations leave the chip stuck. */
const struct soc_board soc_boards[] = {
	{ "disco", 25000000u, PWR_CR3_SDEN | PWR_CR3_BYPASS, PWR_CR3_SDEN,
	  "direct SMPS, ST UM2488 (STM32H745I-DISCO)" },
	{ "nucleo-h745zi-q", 8000000u, PWR_CR3_SDEN | PWR_CR3_BYPASS, PWR_CR3_SDEN,
	  "direct SMPS, ST UM2408 (NUCLEO-H745ZI-Q)" },
	{ NULL, 0, 0, 0, NULL },
};

const struct soc_board *soc_board_find(const char *name)
{
	for (const struct soc_board *b = soc_boards; b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

double soc_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------------ setup */

static int soc_add_region(struct soc *s, unsigned i, const char *name, uint32_t base, uint32_t size,
			  enum soc_region_kind kind, unsigned cores)
{
	struct soc_region *r = &s->region[i];

	r->name = name;
	r->base = base;
	r->size = size;
	r->kind = kind;
	r->cores = cores;
	r->mem = aligned_alloc(4096, size);
	if (!r->mem)
		return H7_ERROR_NO_MEM;
	memset(r->mem, kind == SOC_FLASH ? 0xFF : 0, size);
	return 0;
}

int soc_init(struct soc *s, const struct soc_options *opt)
{
	const unsigned cm7 = 1u << CORE_CM7, cm4 = 1u << CORE_CM4, both = cm7 | cm4;

	memset(s, 0, sizeof(*s));
	s->opt = *opt;
	if (!s->opt.board)
		s->opt.board = &soc_boards[0];
	if (s->opt.bcm4 < 0)
		s->opt.bcm4 = 1;
	if (s->opt.bcm7 < 0)
		s->opt.bcm7 = 1;
	if (soc_add_region(s, 0, "ITCM", 0x00000000u, 0x10000u, SOC_RAM, cm7) < 0 ||
	    soc_add_region(s, 1, "flash", SOC_FLASH_BASE, SOC_FLASH_SIZE, SOC_FLASH, both) < 0 ||
	    soc_add_region(s, 2, "system memory", SOC_SYSMEM_BASE, SOC_SYSMEM_SIZE, SOC_ROM, both) < 0 ||
	    soc_add_region(s, 3, "DTCM", 0x20000000u, 0x20000u, SOC_RAM, cm7) < 0 ||
	    soc_add_region(s, 4, "AXI SRAM", 0x24000000u, 0x80000u, SOC_RAM, both) < 0 ||
	    soc_add_region(s, 5, "SRAM1-3", 0x30000000u, 0x48000u, SOC_RAM, both) < 0 ||
	    soc_add_region(s, 7, "SRAM4", 0x38000000u, 0x10000u, SOC_RAM, both) < 0 ||
	    soc_add_region(s, 8, "backup SRAM", 0x38800000u, 0x1000u, SOC_RAM, both) < 0) {
		sim_err("out of memory");
		return H7_ERROR_NO_MEM;
	}
	/* the CM4's alias of SRAM1-3 on its code bus (RM0399 memory map) */
	s->region[6] = s->region[5];
	s->region[6].name = "SRAM1-3 alias";
	s->region[6].base = 0x10000000u;
	s->region[6].cores = cm4;
	s->region[6].alias_of = 0x30000000u;
	otg_init(&s->otg_hs, 1);
	otg_init(&s->otg_fs, 2);
	usbbus_init(s);
	if (ucpu_init(&s->core[CORE_CM7], s, CORE_CM7, &soc_cm7) < 0 ||
	    ucpu_init(&s->core[CORE_CM4], s, CORE_CM4, &soc_cm4) < 0)
		return H7_ERROR_INTERNAL;
	return 0;
}

void soc_fini(struct soc *s)
{
	ucpu_fini(&s->core[CORE_CM7]);
	ucpu_fini(&s->core[CORE_CM4]);
	for (unsigned i = 0; i < SOC_NUM_REGIONS; i++) {
		if (s->region[i].alias_of)
			continue;
		free(s->region[i].mem);
		s->region[i].mem = NULL;
	}
}

/* code in [addr, addr+len) changed behind Unicorn's back */
static void soc_mem_dirty(struct soc *s, const struct soc_region *r, uint32_t addr, uint32_t len)
{
	for (unsigned i = 0; i < SOC_NUM_REGIONS; i++) {
		const struct soc_region *o = &s->region[i];

		if (o->mem != r->mem)
			continue;
		for (unsigned k = 0; k < 2; k++)
			if (o->cores & (1u << k))
				ucpu_code_dirty(&s->core[k], o->base + (addr - r->base), o->base + (addr - r->base) + len);
	}
}

static void soc_fill_sysmem(struct soc *s)
{
	uint8_t *m = s->region[2].mem;
	uint64_t x = s->opt.seed ^ 0x5549445F48375349ull; /* "UID_H7SI" */

	memset(m, 0, SOC_SYSMEM_SIZE);
	if (s->rom_image && s->rom_size <= SOC_SYSMEM_SIZE - (SOC_ROM_VTOR - SOC_SYSMEM_BASE))
		memcpy(m + (SOC_ROM_VTOR - SOC_SYSMEM_BASE), s->rom_image, s->rom_size);
	/* 96-bit unique ID (RM0399 "Unique device ID register"), derived from --seed */
	for (unsigned i = 0; i < 12; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		m[SOC_UID_ADDR - SOC_SYSMEM_BASE + i] = (uint8_t)(x >> 56);
	}
	/* flash size in KiB (RM0399 "Flash size register"): 0x0800 = 2048 */
	m[SOC_FLASHSIZE_ADDR - SOC_SYSMEM_BASE] = 0x00;
	m[SOC_FLASHSIZE_ADDR - SOC_SYSMEM_BASE + 1] = 0x08;
	/* bootloader version byte (AN2606, STM32H74x/75x: 0x91) */
	m[SOC_BLVERSION_ADDR - SOC_SYSMEM_BASE] = 0x91;
	/* h7sim's options for its own ROM (sim/rom/rom.h): magic, SDIS pulse in us */
	{
		uint32_t cfg[2] = { 0x48375349u /* "IS7H" */, s->opt.rom_sdis_pulse_us };

		memcpy(m + (SOC_ROMCFG_ADDR - SOC_SYSMEM_BASE), cfg, sizeof(cfg));
	}
}

static void soc_boot_cores(struct soc *s)
{
	struct core *cm7 = &s->core[CORE_CM7], *cm4 = &s->core[CORE_CM4];

	/* BCM7/BCM4 option bytes gate the cores at boot; RCC_GCR.BOOT_Cx releases
	 * them (RM0399 "Boot configuration", RCC_GCR) */
	cm7->off = !s->opt.bcm7;
	cm4->off = !s->opt.bcm4;
	if (!s->opt.bcm7 && !s->opt.bcm4)
		cm7->off = false; /* RM0399: with both cleared the CM7 boots */
	ucpu_reset(cm7, (s->p.flash[FLASH_BOOT7_CUR / 4] & 0xFFFFu) << 16);
	ucpu_reset(cm4, (s->p.flash[FLASH_BOOT4_CUR / 4] & 0xFFFFu) << 16);
}

void soc_power_on(struct soc *s)
{
	for (unsigned i = 0; i < SOC_NUM_REGIONS; i++)
		if (s->region[i].kind == SOC_RAM && !s->region[i].alias_of)
			memset(s->region[i].mem, 0, s->region[i].size);
	soc_fill_sysmem(s);
	s->power = true;
	s->reset_request = false;
	s->local_reset_mask = 0;
	memset(s->irq_level, 0, sizeof(s->irq_level));
	periph_power_on(s);
	otg_reset(&s->otg_hs);
	otg_reset(&s->otg_fs);
	dcache_power_on(&s->dcache, s->opt.seed, s->opt.dcache_junk);
	for (unsigned k = 0; k < 2; k++) {
		s->core[k].flush_all = true;
		cmdbg_reset_power(&s->core[k]);
		s->core[k].icount = 0;
	}
	soc_boot_cores(s);
	usbbus_update(s);
	{
		unsigned dirty, unmapped;

		dcache_census(&s->dcache, &dirty, &unmapped);
		sim_dbg("power on: D-cache junk %s, %u dirty lines, %u naming reserved space",
			dcache_junk_name(s->opt.dcache_junk), dirty, unmapped);
	}
}

void soc_power_cycle(struct soc *s)
{
	sim_info("power cycle");
	s->power = false;
	usbbus_power_off(s);
	s->stats.power_cycles++;
	soc_power_on(s);
}

void soc_system_reset(struct soc *s, const char *why)
{
	/* RCC_RSR: SFTRSTF for a software system reset (RM0399 RCC "Reset source identification") */
	soc_system_reset_flags(s, why, 1u << 24);
}

void soc_system_reset_flags(struct soc *s, const char *why, uint32_t rsr_flags)
{
	sim_info("system reset (%s)", why);
	s->stats.system_resets++;
	s->reset_request = false;
	s->local_reset_mask = 0;
	periph_system_reset(s, rsr_flags);
	otg_reset(&s->otg_hs);
	otg_reset(&s->otg_fs);
	memset(s->irq_level, 0, sizeof(s->irq_level));
	soc_boot_cores(s);
	usbbus_update(s);
}

int soc_flash_load(struct soc *s, uint32_t addr, const uint8_t *data, uint32_t len)
{
	struct soc_region *r = &s->region[1];

	if (addr < r->base || len > r->size || addr - r->base > r->size - len)
		return H7_ERROR_INVALID_PARAM;
	memcpy(r->mem + (addr - r->base), data, len);
	soc_mem_dirty(s, r, addr, len);
	return 0;
}

/* ------------------------------------------------------------------ bus */

struct soc_region *soc_region_at(struct soc *s, uint32_t addr, unsigned cores)
{
	for (unsigned i = 0; i < SOC_NUM_REGIONS; i++) {
		struct soc_region *r = &s->region[i];

		if ((r->cores & cores) && addr - r->base < r->size)
			return r;
	}
	return NULL;
}

static const struct svd_block *soc_svd_block(uint32_t addr)
{
	unsigned lo = 0, hi = svd_block_count;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (addr < svd_blocks[mid].base)
			hi = mid;
		else if (addr - svd_blocks[mid].base >= svd_blocks[mid].size)
			lo = mid + 1;
		else
			return &svd_blocks[mid];
	}
	/* overlapping blocks (e.g. OTG power/clock): a linear look-back */
	for (unsigned i = 0; i < svd_block_count; i++)
		if (addr - svd_blocks[i].base < svd_blocks[i].size)
			return &svd_blocks[i];
	return NULL;
}

void soc_unmodelled(struct soc *s, const char *what, uint32_t addr, bool write, uint32_t val)
{
	s->stats.unmodelled++;
	for (unsigned i = 0; i < s->unmodelled_n; i++)
		if (s->unmodelled_logged[i] == addr)
			return;
	if (s->unmodelled_n < sizeof(s->unmodelled_logged) / sizeof(s->unmodelled_logged[0]))
		s->unmodelled_logged[s->unmodelled_n++] = addr;
	if (write)
		sim_warn("unmodelled: %s write 0x%08X <- 0x%08X (ignored)", what, addr, val);
	else
		sim_warn("unmodelled: %s read 0x%08X (reads as 0)", what, addr);
}

int soc_mmio_read(struct soc *s, unsigned master, uint32_t addr, unsigned size, uint32_t *val)
{
	const struct svd_block *b;

	*val = 0;
	if (addr - OTG_FS_BASE < OTG_SIZE)
		return otg_read(s, &s->otg_fs, master, addr - OTG_FS_BASE, size, val);
	if (addr - OTG_HS_BASE < OTG_SIZE)
		return otg_read(s, &s->otg_hs, master, addr - OTG_HS_BASE, size, val);
	if (periph_claims(addr))
		return periph_read(s, (enum periph_master)master, addr, size, val);
	if (addr - SOC_PPB_BASE < SOC_PPB_SIZE) {
		if (master > CORE_CM4)
			return H7_ERROR_MEMORY;
		return scs_read(&s->core[master], addr, size, val, false);
	}
	b = soc_svd_block(addr);
	if (b) {
		soc_unmodelled(s, b->name, addr, false, 0);
		return 0;
	}
	if (master <= CORE_CM4)
		soc_unmodelled(s, "reserved peripheral space", addr, false, 0);
	return H7_ERROR_MEMORY;
}

int soc_mmio_write(struct soc *s, unsigned master, uint32_t addr, unsigned size, uint32_t val)
{
	const struct svd_block *b;

	if (addr - OTG_FS_BASE < OTG_SIZE)
		return otg_write(s, &s->otg_fs, master, addr - OTG_FS_BASE, size, val);
	if (addr - OTG_HS_BASE < OTG_SIZE)
		return otg_write(s, &s->otg_hs, master, addr - OTG_HS_BASE, size, val);
	if (periph_claims(addr))
		return periph_write(s, (enum periph_master)master, addr, size, val);
	if (addr - SOC_PPB_BASE < SOC_PPB_SIZE) {
		if (master > CORE_CM4)
			return H7_ERROR_MEMORY;
		return scs_write(&s->core[master], addr, size, val, false);
	}
	b = soc_svd_block(addr);
	if (b) {
		soc_unmodelled(s, b->name, addr, true, val);
		return 0;
	}
	if (master <= CORE_CM4)
		soc_unmodelled(s, "reserved peripheral space", addr, true, val);
	return H7_ERROR_MEMORY;
}

/* One access as `master` seeing the memories of `cores`, with the PPB of ppb
 * (NULL: no PPB, e.g. the D3 AHB-AP). */
static int soc_bus_read(struct soc *s, unsigned master, unsigned cores, struct core *ppb, uint32_t addr,
			unsigned size, uint32_t *val, bool debugger)
{
	struct soc_region *r = soc_region_at(s, addr, cores);

	if (r) {
		uint32_t v = 0;

		if (addr - r->base > r->size - size)
			return H7_ERROR_MEMORY;
		memcpy(&v, r->mem + (addr - r->base), size); /* little-endian host */
		*val = v;
		return 0;
	}
	if (addr - SOC_PPB_BASE < SOC_PPB_SIZE)
		return ppb ? scs_read(ppb, addr, size, val, debugger) : -1;
	if (addr - SOC_PERIPH_BASE < SOC_PERIPH_END - SOC_PERIPH_BASE)
		return soc_mmio_read(s, master, addr, size, val);
	return H7_ERROR_MEMORY;
}

static int soc_bus_write(struct soc *s, unsigned master, unsigned cores, struct core *ppb, uint32_t addr,
			 unsigned size, uint32_t val, bool debugger)
{
	struct soc_region *r = soc_region_at(s, addr, cores);

	if (r) {
		if (addr - r->base > r->size - size)
			return H7_ERROR_MEMORY;
		if (r->kind == SOC_FLASH) {
			s->stats.flash_write_attempts++;
			sim_warn("%s write to flash at 0x%08X refused (h7sim never programs flash)",
				 debugger ? "debugger" : "core", addr);
			return H7_ERROR_MEMORY;
		}
		if (r->kind == SOC_ROM)
			return H7_ERROR_MEMORY;
		memcpy(r->mem + (addr - r->base), &val, size);
		soc_mem_dirty(s, r, addr, size);
		return 0;
	}
	if (addr - SOC_PPB_BASE < SOC_PPB_SIZE)
		return ppb ? scs_write(ppb, addr, size, val, debugger) : -1;
	if (addr - SOC_PERIPH_BASE < SOC_PERIPH_END - SOC_PERIPH_BASE)
		return soc_mmio_write(s, master, addr, size, val);
	return H7_ERROR_MEMORY;
}

int soc_core_read(struct soc *s, struct core *c, uint32_t addr, unsigned size, uint32_t *val)
{
	return soc_bus_read(s, c->idx, 1u << c->idx, c, addr, size, val, false);
}

int soc_core_write(struct soc *s, struct core *c, uint32_t addr, unsigned size, uint32_t val)
{
	return soc_bus_write(s, c->idx, 1u << c->idx, c, addr, size, val, false);
}

/* the debug APB behind AP2 (RM0399 debug chapter: DBGMCU 0xE00E1000, SWO
 * 0xE00E3000, SWTF 0xE00E4000, TPIU 0xE00F5000 ...): DBGMCU is modelled, the
 * trace components are plain storage */
static int soc_apbd(struct soc *s, uint32_t addr, unsigned size, uint32_t *val, bool write)
{
	unsigned i;

	if (addr - PERIPH_DBGMCU_APBD < 0x400u)
		return write ? periph_write(s, MASTER_DEBUG, addr, size, *val) :
			       periph_read(s, MASTER_DEBUG, addr, size, val);
	if (addr < 0xE00E0000u || addr >= 0xE0100000u)
		return H7_ERROR_MEMORY;
	for (i = 0; i < s->apbd_n; i++)
		if (s->apbd_addr[i] == (addr & ~3u))
			break;
	if (!write) {
		*val = i < s->apbd_n ? s->apbd_val[i] : 0;
		return 0;
	}
	if (i == s->apbd_n) {
		if (s->apbd_n >= sizeof(s->apbd_addr) / sizeof(s->apbd_addr[0]))
			return 0;
		s->apbd_addr[s->apbd_n++] = addr & ~3u;
	}
	s->apbd_val[i] = *val;
	return 0;
}

int soc_ap_read(void *ctx, unsigned ap, uint32_t addr, unsigned size, uint32_t *val)
{
	struct soc *s = ctx;
	int rc;

	*val = 0;
	if (inject_ap_fault(s, ap, addr)) {
		s->stats.bus_errors++;
		return -1;
	}
	switch (ap) {
	case 0: rc = soc_bus_read(s, MASTER_DEBUG, 1u << CORE_CM7, &s->core[CORE_CM7], addr, size, val, true); break;
	case 1: rc = soc_bus_read(s, MASTER_DEBUG, 1u << CORE_CM7, NULL, addr, size, val, true); break;
	case 2: rc = soc_apbd(s, addr, size, val, false); break;
	case 3: rc = soc_bus_read(s, MASTER_DEBUG, 1u << CORE_CM4, &s->core[CORE_CM4], addr, size, val, true); break;
	default: rc = -1; break;
	}
	if (rc < 0) {
		s->stats.bus_errors++;
		sim_dbg("AP%u read of 0x%08X: bus error", ap, addr);
	}
	return rc;
}

int soc_ap_write(void *ctx, unsigned ap, uint32_t addr, unsigned size, uint32_t val)
{
	struct soc *s = ctx;
	int rc;

	if (inject_ap_fault(s, ap, addr)) {
		s->stats.bus_errors++;
		return -1;
	}
	switch (ap) {
	case 0: rc = soc_bus_write(s, MASTER_DEBUG, 1u << CORE_CM7, &s->core[CORE_CM7], addr, size, val, true); break;
	case 1: rc = soc_bus_write(s, MASTER_DEBUG, 1u << CORE_CM7, NULL, addr, size, val, true); break;
	case 2: rc = soc_apbd(s, addr, size, &val, true); break;
	case 3: rc = soc_bus_write(s, MASTER_DEBUG, 1u << CORE_CM4, &s->core[CORE_CM4], addr, size, val, true); break;
	default: rc = -1; break;
	}
	if (rc < 0) {
		s->stats.bus_errors++;
		sim_dbg("AP%u write of 0x%08X: bus error", ap, addr);
	}
	return rc;
}

void soc_cache_writeback(struct soc *s, struct core *c, uint32_t addr, const uint8_t *data)
{
	struct soc_region *r = soc_region_at(s, addr, 1u << c->idx);

	if (r && r->kind == SOC_RAM && addr - r->base <= r->size - DCACHE_LINE) {
		memcpy(r->mem + (addr - r->base), data, DCACHE_LINE);
		soc_mem_dirty(s, r, addr, DCACHE_LINE);
		sim_dbg("%s: D-cache write-back of a junk line to 0x%08X (%s changed)", c->var->name, addr, r->name);
		return;
	}
	/* an unmapped write-back: the AXI interconnect answers DECERR and the
	 * core raises an imprecise BusFault a little later (DDI0489 ABFSR.AXIM) */
	s->stats.bus_errors++;
	c->abfsr |= (1u << 3) | (3u << 8);
	sim_dbg("%s: D-cache write-back of a junk line to reserved 0x%08X: imprecise BusFault follows",
		c->var->name, addr);
	if (!c->async_pending) {
		c->async_pending = true;
		c->async_at = c->icount + (c->in_slice ? c->cnt : 0) + 3;
		if (c->in_slice && c->budget > c->cnt + 3)
			c->budget = c->cnt + 3;
	}
}

/* ------------------------------------------------------------------ interrupts */

void soc_set_irq(struct soc *s, unsigned irq, bool level)
{
	if (irq >= CORE_NUM_IRQS)
		return;
	if (level)
		s->irq_level[irq / 32] |= 1u << (irq % 32);
	else
		s->irq_level[irq / 32] &= ~(1u << (irq % 32));
}

void soc_irq_update(struct soc *s)
{
	soc_set_irq(s, OTG_FS_IRQ, otg_irq_level(&s->otg_fs));
	soc_set_irq(s, OTG_HS_IRQ, otg_irq_level(&s->otg_hs));
	/* the H745's interrupt lines go to both NVICs (RM0399 "Interrupts and events") */
	for (unsigned k = 0; k < 2; k++)
		exc_irq_lines(&s->core[k], s->irq_level);
}

/* ------------------------------------------------------------------ scheduler */

static bool soc_core_waits(const struct core *c)
{
	return !c->off && !c->halted && !c->lockup && (c->sleeping || c->spin);
}

static bool soc_core_runs(const struct core *c)
{
	return !c->off && !c->halted && !c->lockup && !c->sleeping && !c->spin;
}

static void soc_handle_requests(struct soc *s)
{
	if (s->reset_request) {
		soc_system_reset(s, "SYSRESETREQ");
		return;
	}
	for (unsigned k = 0; k < 2; k++)
		if (s->local_reset_mask & (1u << k)) {
			sim_info("%s: local reset (VECTRESET)", s->core[k].var->name);
			ucpu_reset(&s->core[k], s->core[k].vtor);
		}
	s->local_reset_mask = 0;
}

static uint64_t soc_next_timed(const struct soc *s)
{
	uint64_t t = usbbus_next_event(s);

	for (unsigned k = 0; k < 2; k++) {
		const struct core *c = &s->core[k];
		uint64_t cyc = scs_systick_cycles_left(c), hz, ns;

		if (!soc_core_waits(c) || cyc == UINT64_MAX)
			continue;
		hz = k == CORE_CM7 ? periph_cm7_hz(s) : periph_cm4_hz(s);
		ns = cyc > UINT64_MAX / 1000000000u ? UINT64_MAX : (cyc * 1000000000u + hz - 1) / hz;
		if (ns != UINT64_MAX && s->sim_ns + ns < t)
			t = s->sim_ns + ns;
	}
	return t;
}

static uint64_t soc_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int soc_wait_ms(const struct soc *s)
{
	bool waiting = false;
	uint64_t next;

	if (!s->power)
		return H7_ERROR_MEMORY;
	for (unsigned k = 0; k < 2; k++) {
		if (soc_core_runs(&s->core[k]))
			return 0;
		if (soc_core_waits(&s->core[k]))
			waiting = true;
	}
	if (waiting && soc_next_timed(s) != UINT64_MAX)
		return 0; /* sleeping cores: jump to the event */
	next = usbbus_next_event(s);
	if (next == UINT64_MAX)
		return H7_ERROR_MEMORY;
	/* nothing runs (halted, locked up): time passes as on the wall clock */
	if (next <= s->sim_ns)
		return 0;
	return (int)((next - s->sim_ns) / 1000000u) + 1;
}

/* advance simulated time by dt ns; cores that did not execute still count it */
static void soc_advance(struct soc *s, uint64_t dt, const bool ran[2])
{
	s->sim_ns += dt;
	for (unsigned k = 0; k < 2; k++) {
		struct core *c = &s->core[k];
		uint64_t hz, cyc;

		if (ran[k] || c->off || c->halted || c->lockup)
			continue;
		hz = k == CORE_CM7 ? periph_cm7_hz(s) : periph_cm4_hz(s);
		cyc = dt * hz / 1000000000u;
		scs_systick_advance(c, cyc);
		if (c->spin)
			c->icount += cyc; /* the `wfi; b` loop runs on */
	}
	usbbus_tick(s);
	inject_round(s);
	soc_irq_update(s);
}

bool soc_run(struct soc *s, uint64_t slice)
{
	uint64_t hz7, hz4, next, n7 = 0, n4 = 0, dt = 0, wall_now = soc_wall_ns();
	bool ran[2];

	if (!s->power)
		return false;
	hz7 = periph_cm7_hz(s);
	hz4 = periph_cm4_hz(s);
	next = usbbus_next_event(s);
	if (next != UINT64_MAX) {
		uint64_t lim = next > s->sim_ns ? (next - s->sim_ns) * hz7 / 1000000000u + 1 : 1;

		if (lim < slice)
			slice = lim;
	}
	inject_before_cm7(s);
	if (!s->power)
		return false;
	/* an armed at-instr event ends the slice exactly there (0: it waits for a runnable CM7) */
	if (inject_cm7_budget(s) && inject_cm7_budget(s) < slice)
		slice = inject_cm7_budget(s);
	n7 = ucpu_run(&s->core[CORE_CM7], slice);
	inject_after_cm7(s, n7);
	if (!s->power)
		return false;
	soc_handle_requests(s);
	n4 = ucpu_run(&s->core[CORE_CM4], slice * hz4 / hz7 ? slice * hz4 / hz7 : 1);
	soc_handle_requests(s);
	ran[0] = n7 != 0;
	ran[1] = n4 != 0;
	if (n7 || n4) {
		uint64_t t7 = n7 * 1000000000u + s->ns_frac, t4 = n4 * 1000000000u / hz4;

		dt = t7 / hz7;
		if (n7)
			s->ns_frac = t7 % hz7;
		if (t4 > dt)
			dt = t4;
	} else {
		bool waiting = soc_core_waits(&s->core[0]) || soc_core_waits(&s->core[1]);
		uint64_t t = soc_next_timed(s);

		if (waiting && t != UINT64_MAX) {
			/* every runnable core sleeps: jump to the next timed event */
			dt = t > s->sim_ns ? t - s->sim_ns : 0;
		} else if (next != UINT64_MAX) {
			/* no core runs: simulated time follows the wall clock */
			uint64_t wall = wall_now - s->wall_ns;

			dt = next > s->sim_ns ? next - s->sim_ns : 0;
			if (wall < dt)
				dt = wall;
		} else {
			s->wall_ns = wall_now;
			return false;
		}
	}
	s->wall_ns = wall_now;
	soc_advance(s, dt, ran);
	return true;
}

/* ------------------------------------------------------------------ status */

const char *soc_core_state(const struct soc *s, unsigned idx)
{
	const struct core *c = &s->core[idx];

	if (!s->power)
		return idx == CORE_CM4 ? "off" : "reset";
	if (c->off)
		return idx == CORE_CM4 ? "off" : "reset";
	if (c->lockup)
		return "lockup";
	if (c->halted)
		return "halted";
	if (c->sleeping)
		return "sleeping";
	return "running";
}

void soc_event(struct soc *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (s->event)
		s->event(s->event_ctx, line);
}
