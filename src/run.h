/* The run record: everything `h7jumpdiag run` measured, in one structure that
 * the rules and the reports read. The runner (runner.c) is the only writer;
 * nothing downstream talks to the target.
 */
#ifndef H7_RUN_H
#define H7_RUN_H

#include <stdint.h>

#include "part.h"
#include "recipe.h"
#include "snapshot.h"
#include "usb.h"

enum run_verdict {
	RUN_VERDICT_ERROR = 0,       /* the run could not be completed (connection, target, internal) */
	RUN_VERDICT_DFU_ENUMERATED,  /* the bootloader's DFU device enumerated */
	RUN_VERDICT_FAULT,           /* the jump faulted (the real chip stops there) */
	RUN_VERDICT_NO_DFU           /* no fault, but no DFU device either */
};

enum run_stop {
	RUN_STOP_NONE = 0,
	RUN_STOP_BRANCHED,   /* the code branched away (normally: into system memory) */
	RUN_STOP_DONE,       /* every step returned without branching */
	RUN_STOP_FAULT,      /* stopped at a fault */
	RUN_STOP_TIMEOUT,    /* a step did not finish in time */
	RUN_STOP_ERROR,      /* the probe reported an error, or the target misbehaved */
	RUN_STOP_INTERRUPTED /* SIGINT/SIGTERM */
};

enum run_cm4 { RUN_CM4_ABSENT = 0, RUN_CM4_HALTED, RUN_CM4_RUNNING };

#define RUN_MAX_FAULTS 8
#define RUN_MAX_NOTES 16
#define RUN_TEXT 192

struct run_fault {
	int step;            /* index of the step it was caught in (-1: after the branch) */
	int in_bootloader;   /* caught while executing system memory */
	int unwound;         /* the run continued past it (--keep-going): the real chip stops here */
	uint32_t pc;         /* PC at the vector-catch halt (the handler's first instruction) */
	uint32_t ipsr;       /* exception number being entered */
	struct snapshot snap; /* the evidence, captured before any handler ran */
};

struct run_step {
	int index;
	enum probe_step id;       /* PROBE_STEP_NONE for a source-level step of --elf */
	char name[64];            /* "disable-dcache", or "main.c:42" */
	char source[RUN_TEXT];    /* the code it stands for, or the source line text */
	char call[64];            /* --elf: the function this line called or inlined (e.g. SCB_DisableDCache) */
	uint32_t pc;              /* PC when the step started (0 when unknown) */
	double t_start_ms;        /* ms since the run started */
	double t_end_ms;
	int has_after;
	struct snapshot after;    /* the chip right after the step (the next boundary) */
	int fault;                /* index into faults[] of a fault caught in this step, or -1 */
	uint8_t is_setup, is_branch;
};

/* A debugger read of a vector table (two words), independent of the CPU. */
struct run_vecread {
	uint32_t addr;
	int ok;        /* 0: the read failed (bus error through the debug port) */
	uint32_t sp, pc;
};

struct run_record {
	/* what ran */
	char board[32];
	int simulated;
	char recipe[48];          /* "" in --elf mode */
	char elf[256];            /* "" in recipe mode */
	char break_at[64];
	struct recipe_setup setup;
	enum run_cm4 cm4;
	char cm4_image[256];
	int keep_going;
	/* the target */
	uint32_t idcode;
	struct part_id part;
	uint16_t flash_kib;
	uint32_t uid[3];
	uint32_t jump_addr;       /* where the jump reads the bootloader's vectors */
	int jump_addr_static;     /* --elf: jump_addr is a constant found in the code, not an access seen */
	uint32_t part_entry;      /* the part's bootloader address (AN2606), 0 if unknown */
	struct run_vecread vec_jump, vec_part;
	/* timeline */
	struct snapshot initial;  /* after reset, before the probe or the application ran */
	int has_start;
	struct snapshot start;    /* at the first step boundary */
	struct run_step *steps;
	int n_steps, cap_steps;
	struct run_fault faults[RUN_MAX_FAULTS];
	int n_faults;
	int branch_step;          /* index of the branch step, -1 if none */
	double t_branch_ms;       /* when the branch was released (ms since start) */
	uint32_t jump_target;     /* the address branched to */
	int reached_sysmem;       /* the core arrived in system memory (ROM) */
	struct snapshot at_sysmem;
	int has_late;
	struct snapshot late;     /* the CM7 after the bootloader ran (when USB was decided) */
	int has_cm4;
	struct snapshot cm4_snap; /* the CM4 at the end of the run */
	enum run_stop stop;
	char stop_reason[RUN_TEXT];
	/* USB */
	int usb_watched;
	char usb_backend[32];     /* "libusb hotplug", "simulated bus", ... */
	struct usbw_result usb;
	/* simulator counters (h7sim's stats; -1 when unknown) */
	long long sim_flash_writes, sim_optbyte_writes;
	/* outcome */
	enum run_verdict verdict;
	int error;                /* enum h7_error when verdict is RUN_VERDICT_ERROR */
	double t_total_ms;
	char openocd_log[512];
	char notes[RUN_MAX_NOTES][RUN_TEXT];
	int n_notes;
};

void run_record_init(struct run_record *r);
void run_record_free(struct run_record *r);
/* Append a step (grows the array); NULL when out of memory. */
struct run_step *run_add_step(struct run_record *r);
void run_note(struct run_record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *run_verdict_name(enum run_verdict v);
const char *run_stop_name(enum run_stop s);
/* The exit status for a verdict (enum h7_exit). */
int run_exit_status(const struct run_record *r);

#endif
