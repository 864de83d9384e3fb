/* The target layer: Cortex-M operations on the STM32H7's cores over OpenOCD's
 * Tcl RPC (ocd_rpc.h).
 *
 * Cores: CM7 = OpenOCD's "<chip>.cpu0", CM4 = "<chip>.cpu1"; the real names
 * are read with `target names` (the chip name differs per board). Memory and
 * register accesses name their target explicitly; halt/resume/step/reset act
 * on the selected core, made OpenOCD's current target by target_select().
 *
 * Safety: the tool never writes flash or option bytes. Every write goes
 * through part_check_write() and anything outside RAM, peripherals (minus
 * the FLASH controller and PWR_CR3) and the private peripheral bus is
 * refused with H7_ERROR_REFUSED before a byte is sent; images are loaded
 * into RAM only (part_check_load()).
 */
#ifndef H7_TARGET_H
#define H7_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct ocd_rpc;
struct target;

enum target_core { TARGET_CM7 = 0, TARGET_CM4 = 1 };

enum target_state {
	TARGET_STATE_UNKNOWN = 0,
	TARGET_STATE_RUNNING,
	TARGET_STATE_HALTED,
	TARGET_STATE_RESET,
	TARGET_STATE_DEBUG_RUNNING
};

/* Attach to the targets OpenOCD knows (`target names`), select the CM7 and
 * turn on Tcl notifications (for wait-for-halt). rpc stays the caller's.
 * H7_ERROR_TARGET when OpenOCD has no Cortex-M target. */
int target_open(struct ocd_rpc *rpc, struct target **out);
void target_close(struct target *t);

int target_has_core(const struct target *t, enum target_core c);
/* OpenOCD's name of a core ("stm32h7x.cpu0"), or NULL. */
const char *target_core_name(const struct target *t, enum target_core c);
/* Make c the current core. H7_ERROR_NOT_FOUND if it does not exist. */
int target_select(struct target *t, enum target_core c);
enum target_core target_selected(const struct target *t);
/* "cm7" / "cm4"; and back (-1 when unknown). */
const char *target_core_label(enum target_core c);
int target_core_from_label(const char *s);

int target_state(struct target *t, enum target_state *st);
const char *target_state_name(enum target_state st);
/* Halt and wait until halted (OpenOCD waits up to 5 s). */
int target_halt(struct target *t);
int target_resume(struct target *t);
int target_resume_at(struct target *t, uint32_t addr);
int target_step(struct target *t);
/* System reset with the core halted at its reset vector (SYSRESETREQ or SRST,
 * as configured); resets both cores. */
int target_reset_halt(struct target *t);
/* System reset, cores running (the end of a run: the board left as after power-on). */
int target_reset_run(struct target *t);
/* Wait until the selected core halts: uses `tcl_notifications` halted events
 * (confirmed with curstate, since events name no target), falling back to
 * polling. 0, H7_ERROR_TIMEOUT, H7_ERROR_INTERRUPTED, H7_ERROR_TARGET when
 * OpenOCD has lost the core (state "unknown" for a second: power, cable),
 * transport errors. */
int target_wait_halt(struct target *t, int timeout_ms);

/* Memory. width 8, 16 or 32; count elements; at most 64 Ki elements a call. */
int target_read_mem(struct target *t, uint32_t addr, unsigned width, uint32_t count, uint32_t *out);
int target_write_mem(struct target *t, uint32_t addr, unsigned width, uint32_t count, const uint32_t *vals);
int target_read32(struct target *t, uint32_t addr, uint32_t *v);
int target_write32(struct target *t, uint32_t addr, uint32_t v);

/* Core, special and FP registers by OpenOCD name ("r0", "xPSR", "msp",
 * "primask", "control", "d0", "fpscr"); 64-bit for d0..d15. The core must be
 * halted (H7_ERROR_NOT_HALTED otherwise: OpenOCD would return stale cached
 * values). */
int target_get_regs(struct target *t, const char *const *names, size_t n, uint64_t *vals);
int target_get_reg(struct target *t, const char *name, uint64_t *v);
int target_set_reg(struct target *t, const char *name, uint64_t v);

/* Hardware breakpoints (FPB). */
int target_bp_add(struct target *t, uint32_t addr, unsigned len);
int target_bp_remove(struct target *t, uint32_t addr);

/* Vector catch (DDI0403 C1.6.5 DEMCR VC_* bits), kept by OpenOCD across
 * resets through `cortex_m vector_catch`. mask: TARGET_VC_* bits. */
#define TARGET_VC_CORERESET (1u << 0)
#define TARGET_VC_MMERR (1u << 4)
#define TARGET_VC_NOCPERR (1u << 5)
#define TARGET_VC_CHKERR (1u << 6)
#define TARGET_VC_STATERR (1u << 7)
#define TARGET_VC_BUSERR (1u << 8)
#define TARGET_VC_INTERR (1u << 9)
#define TARGET_VC_HARDERR (1u << 10)
#define TARGET_VC_FAULTS (TARGET_VC_MMERR | TARGET_VC_NOCPERR | TARGET_VC_CHKERR | TARGET_VC_STATERR | \
			  TARGET_VC_BUSERR | TARGET_VC_INTERR | TARGET_VC_HARDERR)
int target_vector_catch(struct target *t, uint32_t mask);

/* OpenOCD is shared with whoever started it (--openocd): what the tool
 * changes in it, it puts back. The vector catch of each core is recorded
 * before target_vector_catch() first changes it; OpenOCD's background polling
 * is recorded by target_open(). target_polling_on() switches polling on if it
 * was off (a run waits for halts, which OpenOCD sees only by polling) and
 * returns 1 when it did so; target_restore() sets both back (best effort). */
int target_polling_on(struct target *t);
void target_restore(struct target *t);

/* Load a binary file into RAM at addr (refused unless the whole file fits in
 * one RAM region). path is quoted with ocd_rpc_quote(). */
int target_load_image(struct target *t, const char *path, uint32_t addr);

/* ---- snapshots ---- */

/* Capture every catalog register of the selected core in ONE RPC round trip,
 * the core's state included (snapcap.h builds the script and parses the
 * reply). s->halted tells whether core registers, MPU regions and stack
 * windows were read (only when halted). */
int target_snapshot(struct target *t, struct snapshot *s);
/* Snapshots walk the MPU regions only while MPU_CTRL.ENABLE is set (the runner's
 * per-step snapshots: regions of a disabled MPU cannot matter, and the walk is
 * 48 commands); otherwise the regions are SNAP_UNREAD. Default off. */
void target_set_snapshot_mpu_lazy(struct target *t, int on);
/* All of snapcap's lazy rules (snapcap.h): the MPU walk as above, the OTG
 * cores only while their clock is on, the stack windows only in Handler
 * mode; what is left out is SNAP_UNREAD. For per-step snapshots, where it
 * halves the cost. Default off. */
void target_set_snapshot_lazy(struct target *t, int on);

/* The RPC client (for callers that need raw commands). */
struct ocd_rpc *target_rpc(struct target *t);

#endif
