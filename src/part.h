/* STM32 knowledge as data: part groups by DEV_ID, silicon revisions, the
 * STM32H745/H747 memory map (what may be written or loaded), and the AN2606
 * system-bootloader entry addresses of every family h7jumpdiag knows.
 *
 * Sources: RM0399 (STM32H745/755/747/757: memory map, DBGMCU_IDC, device
 * electronic signature), AN2606 (STM32 microcontroller system memory boot
 * mode: bootloader addresses, IDs, RAM used), ST's knowledge-base article
 * "How to jump to system bootloader from application code" (the address
 * table). Pure tables and lookups; no I/O.
 */
#ifndef H7_PART_H
#define H7_PART_H

#include <stddef.h>
#include <stdint.h>

/* A part group as DBGMCU_IDC.DEV_ID names it. */
struct part_group {
	uint16_t dev_id;
	const char *name;         /* "STM32H74x/H75x" */
	const char *parts;        /* "H742, H743, H745, H747, H750, H753, H755, H757" */
	uint32_t bootloader;      /* AN2606 entry: the address of the ROM's vector table */
	uint32_t sysmem_start, sysmem_end; /* system memory (ROM), end exclusive */
	uint32_t flash_size_addr; /* 16-bit flash size in KiB */
	const char *bootloader_ids; /* AN2606 bootloader ID byte values */
	const char *ref;
};

/* The group of DEV_ID (bits 11:0 of DBGMCU_IDC), or NULL. */
const struct part_group *part_by_dev_id(uint16_t dev_id);

/* Silicon revision letter of REV_ID (bits 31:16 of DBGMCU_IDC) for a DEV_ID:
 * "Z", "Y", "X", "V", or NULL when unknown. */
const char *part_revision(uint16_t dev_id, uint16_t rev_id);

struct part_id {
	uint16_t dev_id, rev_id;
	const struct part_group *group; /* NULL: unknown part */
	const char *revision;           /* NULL: unknown revision */
};
/* Split DBGMCU_IDC into its fields (RM0399 DBGMCU_IDC). 0 or H7_ERROR_UNKNOWN_PART
 * (the fields are still filled). */
int part_decode_idcode(uint32_t idc, struct part_id *out);

/* One row of the AN2606 / KB bootloader-address table. */
struct part_boot_entry {
	const char *family;  /* "H72x/H73x/H74x/H75x (H745/H747/H755/H757/H750)" */
	uint32_t address;
	const char *ref;
};
const struct part_boot_entry *part_boot_table(size_t *n);
/* Rows whose address is addr (several families share one); returns the
 * number found, writes at most max pointers to out. */
size_t part_boot_families(uint32_t addr, const struct part_boot_entry **out, size_t max);

/* ---- memory map (STM32H745/H747, RM0399 memory map and register boundary addresses) ---- */

enum part_mem_kind {
	PART_MEM_RAM,        /* may be written and loaded */
	PART_MEM_FLASH,      /* never written */
	PART_MEM_SYSMEM,     /* ROM bootloader, read only */
	PART_MEM_FLASH_REGS, /* FLASH controller incl. option bytes: never written */
	PART_MEM_LOCKING,    /* registers whose wrong value bricks the board: never written */
	PART_MEM_PERIPH,     /* peripherals: writes allowed */
	PART_MEM_PPB,        /* Cortex-M private peripheral bus (SCS, debug): writes allowed */
	PART_MEM_EXTERNAL,   /* external memories (QSPI, FMC): unknown, never written */
	PART_MEM_RESERVED    /* nothing there (a bus error) */
};

struct part_region {
	uint32_t start, end; /* end exclusive (0 = 4 GiB) */
	enum part_mem_kind kind;
	const char *name;
	uint8_t cores;       /* REGS_CM7/REGS_CM4 bits: which core's bus reaches it */
};

/* The region containing addr (most specific first); never NULL (reserved). */
const struct part_region *part_region_of(uint32_t addr);
/* The whole map in address order. */
const struct part_region *part_memory_map(size_t *n);

/* Whether the target layer may write [addr, addr+len): 0, or
 * H7_ERROR_REFUSED with the reason in why (flash, option bytes, the FLASH
 * controller, PWR_CR3, ROM, external or reserved memory). len 0 is refused. */
int part_check_write(uint32_t addr, uint32_t len, char *why, size_t whysz);
/* Whether an image may be loaded at [addr, addr+len): RAM only. */
int part_check_load(uint32_t addr, uint32_t len, char *why, size_t whysz);

#endif
