/* STM32 part tables (see part.h for the sources). */
#include "part.h"

#include <stdio.h>

#include "h7jumpdiag/error.h"
#include "regs.h"

/* AN2606 (device-dependent bootloader parameters) and RM0399 (device
 * electronic signature) via ../shared/notes/domain.md. */
static const struct part_group part_groups[] = {
	{ 0x450, "STM32H74x/H75x", "H742, H743, H745, H747, H750, H753, H755, H757", 0x1FF09800u, 0x1FF00000u,
	  0x1FF1E800u, 0x1FF1E880u, "0x91 (also 0x90, 0x92; 0xD2/0xD3 on old revision Y)",
	  "RM0399 DBGMCU_IDC; AN2606 STM32H74x/75x bootloader" },
	{ 0x483, "STM32H72x/H73x", "H723, H725, H730, H733, H735", 0x1FF09800u, 0x1FF00000u, 0x1FF1E800u,
	  0x1FF1E880u, "0x93", "AN2606 STM32H72x/73x bootloader" },
	/* one DEV_ID, two entry addresses: 0x1FF0A800 (H7A3/H7B0), 0x1FF0A000 (H7B3) */
	{ 0x480, "STM32H7A3/H7B0/H7B3", "H7A3, H7B0, H7B3", 0, 0x1FF00000u, 0x1FF14000u, 0x08FFF80Cu, "0x92",
	  "AN2606 STM32H7A3/7B3/7B0 bootloader" },
};

const struct part_group *part_by_dev_id(uint16_t dev_id)
{
	for (size_t i = 0; i < sizeof part_groups / sizeof part_groups[0]; i++)
		if (part_groups[i].dev_id == dev_id)
			return &part_groups[i];
	return NULL;
}

/* RM0399 DBGMCU_IDC.REV_ID for DEV_ID 0x450 (domain.md). */
static const struct {
	uint16_t dev_id, rev_id;
	const char *letter;
} part_revisions[] = {
	{ 0x450, 0x1001, "Z" },
	{ 0x450, 0x1003, "Y" },
	{ 0x450, 0x2001, "X" },
	{ 0x450, 0x2003, "V" },
};

const char *part_revision(uint16_t dev_id, uint16_t rev_id)
{
	for (size_t i = 0; i < sizeof part_revisions / sizeof part_revisions[0]; i++)
		if (part_revisions[i].dev_id == dev_id && part_revisions[i].rev_id == rev_id)
			return part_revisions[i].letter;
	return NULL;
}

int part_decode_idcode(uint32_t idc, struct part_id *out)
{
	out->dev_id = (uint16_t)(idc & 0xFFFu);     /* DEV_ID bits 11:0 */
	out->rev_id = (uint16_t)(idc >> 16);        /* REV_ID bits 31:16 */
	out->group = part_by_dev_id(out->dev_id);
	out->revision = part_revision(out->dev_id, out->rev_id);
	return out->group ? 0 : H7_ERROR_UNKNOWN_PART;
}

/* ST knowledge base "How to jump to system bootloader from application code"
 * and AN2606 (system memory addresses), via ../shared/notes/domain.md. */
#define KB "AN2606; ST KB: How to jump to system bootloader from application code"
static const struct part_boot_entry part_boot[] = {
	{ "H72x/H73x/H74x/H75x (H745/H747/H755/H757/H750)", 0x1FF09800u, KB },
	{ "H7A3/H7B0", 0x1FF0A800u, KB },
	{ "H7B3", 0x1FF0A000u, KB },
	{ "F7", 0x1FF00000u, KB },
	{ "F2, F4, G0, G4, L4, WB, WL, C0", 0x1FFF0000u, KB },
	{ "F3, F09x", 0x1FFFD800u, KB },
	{ "F10xx", 0x1FFFF000u, KB },
	{ "F105/F107", 0x1FFFB000u, KB },
	{ "L0, L1", 0x1FF00000u, KB },
	{ "L5, U5", 0x0BF90000u, KB },
	{ "H563/H573", 0x0BF97000u, KB },
	{ "H503", 0x0BF87000u, KB },
};

const struct part_boot_entry *part_boot_table(size_t *n)
{
	*n = sizeof part_boot / sizeof part_boot[0];
	return part_boot;
}

size_t part_boot_families(uint32_t addr, const struct part_boot_entry **out, size_t max)
{
	size_t found = 0;
	for (size_t i = 0; i < sizeof part_boot / sizeof part_boot[0]; i++)
		if (part_boot[i].address == addr) {
			if (found < max && out)
				out[found] = &part_boot[i];
			found++;
		}
	return found;
}

/* STM32H745/H747 memory map (RM0399 memory map and register boundary
 * addresses). More specific regions come first: part_region_of returns the
 * first match. */
static const struct part_region part_map[] = {
	/* registers inside the peripheral space that are never written */
	{ 0x52002000u, 0x52003000u, PART_MEM_FLASH_REGS, "FLASH controller (incl. option bytes)", REGS_BOTH },
	/* PWR_CR3 holds the supply configuration (SMPS/LDO): a wrong value locks the
	 * board until a BOOT0 + erase recovery (RM0399 PWR, supply configuration) */
	{ 0x5802480Cu, 0x58024810u, PART_MEM_LOCKING, "PWR_CR3 (supply configuration)", REGS_BOTH },
	{ 0x00000000u, 0x00010000u, PART_MEM_RAM, "ITCM RAM", REGS_CM7 },
	{ 0x08000000u, 0x08100000u, PART_MEM_FLASH, "flash bank 1", REGS_BOTH },
	{ 0x08100000u, 0x08200000u, PART_MEM_FLASH, "flash bank 2", REGS_BOTH },
	{ 0x10000000u, 0x10048000u, PART_MEM_RAM, "SRAM1-3 (D2 alias for the CM4)", REGS_CM4 },
	{ 0x1FF00000u, 0x1FF20000u, PART_MEM_SYSMEM, "system memory (ROM bootloader)", REGS_BOTH },
	{ 0x20000000u, 0x20020000u, PART_MEM_RAM, "DTCM RAM", REGS_CM7 },
	{ 0x24000000u, 0x24080000u, PART_MEM_RAM, "AXI SRAM", REGS_BOTH },
	{ 0x30000000u, 0x30020000u, PART_MEM_RAM, "SRAM1", REGS_BOTH },
	{ 0x30020000u, 0x30040000u, PART_MEM_RAM, "SRAM2", REGS_BOTH },
	{ 0x30040000u, 0x30048000u, PART_MEM_RAM, "SRAM3", REGS_BOTH },
	{ 0x38000000u, 0x38010000u, PART_MEM_RAM, "SRAM4", REGS_BOTH },
	{ 0x38800000u, 0x38801000u, PART_MEM_RAM, "backup SRAM", REGS_BOTH },
	{ 0x40000000u, 0x60000000u, PART_MEM_PERIPH, "peripherals", REGS_BOTH },
	{ 0x60000000u, 0xA0000000u, PART_MEM_EXTERNAL, "FMC / QUADSPI external memory", REGS_BOTH },
	{ 0xC0000000u, 0xE0000000u, PART_MEM_EXTERNAL, "FMC SDRAM", REGS_BOTH },
	{ 0xE0000000u, 0xE0100000u, PART_MEM_PPB, "Cortex-M private peripheral bus", REGS_BOTH },
};

static const struct part_region part_reserved = { 0, 0, PART_MEM_RESERVED, "reserved", REGS_BOTH };

static int part_in(const struct part_region *r, uint32_t addr)
{
	return addr >= r->start && (r->end == 0 || addr < r->end);
}

const struct part_region *part_region_of(uint32_t addr)
{
	for (size_t i = 0; i < sizeof part_map / sizeof part_map[0]; i++)
		if (part_in(&part_map[i], addr))
			return &part_map[i];
	return &part_reserved;
}

const struct part_region *part_memory_map(size_t *n)
{
	*n = sizeof part_map / sizeof part_map[0];
	return part_map;
}

static int part_check(uint32_t addr, uint32_t len, int load, char *why, size_t whysz)
{
	if (len == 0 || (uint64_t)addr + len > 0x100000000ull) {
		if (why)
			snprintf(why, whysz, "empty or wrapping range at 0x%08X", addr);
		return H7_ERROR_REFUSED;
	}
	/* every byte of the range must be in an allowed region: walk region by region */
	uint64_t a = addr, end = (uint64_t)addr + len;
	while (a < end) {
		const struct part_region *r = part_region_of((uint32_t)a);
		/* a specific region (FLASH regs, PWR_CR3) may start inside the range */
		uint64_t next = r->end ? r->end : 0x100000000ull;
		for (size_t i = 0; i < sizeof part_map / sizeof part_map[0]; i++)
			if (part_map[i].start > a && part_map[i].start < next)
				next = part_map[i].start;
		int ok = load ? r->kind == PART_MEM_RAM
			      : (r->kind == PART_MEM_RAM || r->kind == PART_MEM_PERIPH || r->kind == PART_MEM_PPB);
		if (!ok) {
			if (why)
				snprintf(why, whysz, "0x%08X is %s: h7jumpdiag never %s it", (uint32_t)a, r->name,
					 load ? "loads code into" : "writes");
			return H7_ERROR_REFUSED;
		}
		if (r == &part_reserved) /* not reached: reserved is never ok */
			break;
		a = next;
	}
	return 0;
}

int part_check_write(uint32_t addr, uint32_t len, char *why, size_t whysz)
{
	return part_check(addr, len, 0, why, whysz);
}

int part_check_load(uint32_t addr, uint32_t len, char *why, size_t whysz)
{
	return part_check(addr, len, 1, why, whysz);
}
