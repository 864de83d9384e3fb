/* Snapshot capture as one Tcl script (pure: build and parse; no I/O).
 *
 * The plan comes from the register catalog (regs.h): core registers in one
 * get_reg; memory-mapped registers grouped into contiguous read_memory
 * ranges; the 16-bit FLASH_SIZE; MPU regions by writing MPU_RNR and
 * restoring it; stack windows at MSP and PSP. Every piece is wrapped in its
 * own catch, so one failing range marks only its registers SNAP_ERROR.
 * Registers that do not exist on the core are SNAP_ABSENT. When the core is
 * running, core registers, MPU regions and stacks are not requested (OpenOCD
 * would return stale cached registers; writing MPU_RNR under running firmware
 * would race with it): they stay SNAP_UNREAD.
 *
 * The script evaluates to a flat list "code result code result ..." (one
 * pair per plan item), which the RPC layer wraps in its own catch.
 */
#ifndef H7_SNAPCAP_H
#define H7_SNAPCAP_H

#include <stddef.h>
#include <stdint.h>

#include "regs.h"
#include "snapshot.h"

enum snapcap_kind {
	SNAPCAP_CORE,   /* get_reg {names...}: ids[] in order */
	SNAPCAP_MEM32,  /* read_memory addr 32 count: ids[i] is word i */
	SNAPCAP_MEM16,  /* read_memory addr 16 count */
	SNAPCAP_MPU,    /* region RBAR/RASR pairs for regions 0..15 (DREGION read in the script) */
	SNAPCAP_STACK_MSP,
	SNAPCAP_STACK_PSP
};

struct snapcap_item {
	enum snapcap_kind kind;
	uint32_t addr;
	uint16_t count;
	uint16_t first; /* index of the first id in plan.ids */
	uint16_t words; /* MEM32/MEM16: words read (>= count when a read spans gaps) */
};

#define SNAPCAP_MAX_ITEMS 160

struct snapcap_plan {
	enum snap_core core;
	int halted;
	int mpu_lazy; /* walk the MPU regions only when MPU_CTRL.ENABLE is set (else they stay SNAP_UNREAD) */
	size_t n_items;
	struct snapcap_item items[SNAPCAP_MAX_ITEMS];
	size_t n_ids;
	enum reg_id ids[REG_COUNT];
};

/* Build the plan for a core. */
void snapcap_plan(struct snapcap_plan *p, enum snap_core core, int halted);

/* The Tcl script for plan p on OpenOCD target `target_word` (a Tcl word:
 * pass ocd_rpc_quote_str(name)). malloc'd, or NULL. */
char *snapcap_script(const struct snapcap_plan *p, const char *target_word);

/* Fill s from the script's result (the payload of the RPC's catch): registers
 * of failed items are SNAP_ERROR, absent ones SNAP_ABSENT, unplanned ones
 * SNAP_UNREAD. 0 or H7_ERROR_PARSE (the reply does not fit the plan). */
int snapcap_parse(const struct snapcap_plan *p, const char *result, size_t len, struct snapshot *s);

#endif
