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
 * snapcap_script_state() asks the core's state in the same script and
 * captures with the halted or the running plan, so that a snapshot is ONE
 * round trip (OpenOCD polls the targets before every RPC command: a separate
 * curstate request cost a command's poll and a round trip more).
 *
 * Lazy plans (the runner's per-step snapshots) leave out, as SNAP_UNREAD,
 * what cannot matter at that moment and costs JTAG round trips: the MPU
 * regions while MPU_CTRL.ENABLE is clear, the OTG cores while their bus clock
 * is off (the clock bits are read earlier in the same script), the stack
 * windows in Thread mode (no exception frame can be on them).
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
	uint32_t gate;  /* MEM32: RCC_AHB1ENR bit of the peripheral's bus clock (OTG cores), or 0 */
};

#define SNAPCAP_MAX_ITEMS 160

struct snapcap_plan {
	enum snap_core core;
	int halted;
	int mpu_lazy; /* walk the MPU regions only when MPU_CTRL.ENABLE is set (else they stay SNAP_UNREAD) */
	int otg_lazy; /* read items with a clock gate only when that clock is (or may be) on */
	int stack_lazy; /* read the stack windows only in Handler mode (IPSR != 0) */
	int check_cache; /* core registers: from the core when OpenOCD's cache looks unfilled (snapcap_get_reg_cmd) */
	int keep_poll_off; /* OpenOCD's background polling was off: the script leaves it off after its reads */
	size_t n_items;
	struct snapcap_item items[SNAPCAP_MAX_ITEMS];
	size_t n_ids;
	enum reg_id ids[REG_COUNT];
};

/* Build the plan for a core (not lazy). */
void snapcap_plan(struct snapcap_plan *p, enum snap_core core, int halted);

/* Set or clear all the lazy flags of a plan. */
void snapcap_set_lazy(struct snapcap_plan *p, int on);

/* The Tcl script for plan p on OpenOCD target `target_word` (a Tcl word:
 * pass ocd_rpc_quote_str(name)). malloc'd, or NULL. */
char *snapcap_script(const struct snapcap_plan *p, const char *target_word);

/* Fill s from the script's result (the payload of the RPC's catch): registers
 * of failed items are SNAP_ERROR, absent ones SNAP_ABSENT, unplanned ones
 * SNAP_UNREAD. 0 or H7_ERROR_PARSE (the reply does not fit the plan). */
int snapcap_parse(const struct snapcap_plan *p, const char *result, size_t len, struct snapshot *s);

/* One script that reads `curstate` and evaluates to the list "STATE ITEMS",
 * ITEMS being what snapcap_script(halted) gives when STATE is "halted" and
 * what snapcap_script(running) gives otherwise. malloc'd, or NULL. */
char *snapcap_script_state(const struct snapcap_plan *halted, const struct snapcap_plan *running,
			   const char *target_word);

/* The Tcl command reading core registers `names` (OpenOCD names, trusted)
 * of target_word: `get_reg`, answered from OpenOCD's register cache. With
 * check_cache: when that cache shows pc = 0 and xPSR = 0 (never filled: a
 * core OpenOCD found halted, see target.c), `get_reg -force` from the core
 * instead. Evaluates to get_reg's list either way. malloc'd, or NULL. */
char *snapcap_get_reg_cmd(const char *target_word, const char *const *names, size_t n, int check_cache);

/* Parse its result: the state word (OpenOCD's name, truncated to statelen)
 * into state, the registers into s with the plan that state selected.
 * 0 or H7_ERROR_PARSE. */
int snapcap_parse_state(const struct snapcap_plan *halted, const struct snapcap_plan *running, const char *result,
			size_t len, struct snapshot *s, char *state, size_t statelen);

#endif
