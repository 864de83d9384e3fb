/* The step-by-step jump runner: drives the target through the session (OpenOCD,
 * and h7sim for --board sim), runs a recipe on the probe firmware or steps the
 * user's own firmware, snapshots after every step, follows the branch into
 * system memory and hands over to the USB watcher. Fills a struct run_record;
 * never decides findings (rules.c does).
 */
#ifndef H7_RUNNER_H
#define H7_RUNNER_H

#include <signal.h>

#include "recipe.h"
#include "run.h"

struct runner_opts {
	const char *board;         /* --board; NULL: "sim" */
	const char *openocd;       /* --openocd HOST:PORT (attach) */
	const char *h7sim;         /* --h7sim HOST:RBBPORT:CTLPORT: attach to a running simulator */
	const char *recipe;        /* recipe name (recipe mode) */
	struct recipe_setup setup;
	enum run_cm4 cm4;          /* RUN_CM4_HALTED (default) or RUN_CM4_RUNNING */
	const char *cm4_image;     /* ELF/bin for the CM4 ("park", "usb" or a path); NULL: its own code */
	const char *elf;           /* --elf: the user's application (elf mode) */
	const char *break_at;      /* --break-at SYMBOL */
	int wait_ms;               /* --wait: how long to wait for SYMBOL */
	const char *sim_flash;     /* --sim-flash FILE: preload h7sim's flash */
	int keep_going;            /* continue past faults the probe can unwind */
	int keep_halted;           /* leave the core halted at the end */
	int usb_timeout_ms;        /* how long to wait for the DFU device after the branch */
	int step_timeout_ms;       /* how long one step may take */
	int max_steps;             /* elf mode: source-level steps at most */
	const char *usb_serial, *usb_path;
	int usb_backend;           /* enum usbw_backend */
	int progress;              /* print a progress line on stderr (a TTY) */
	const volatile sig_atomic_t *cancel;
};

void runner_opts_init(struct runner_opts *o);

/* Run. Always fills rec as far as it got (rec->verdict, rec->error, rec->stop),
 * leaves nothing running and the target reset and running (unless keep_halted).
 * Returns 0 when the run completed (whatever the verdict) or the enum h7_error
 * that ended it early (also in rec->error). */
int runner_run(const struct runner_opts *o, struct run_record *rec);

#endif
