/* A snapshot: the raw value of every catalog register at one moment.
 *
 * Data only: capture lives in the target layer (target.h), meaning in the
 * decoders (fault.h, periph.h). A register that could not be read is marked,
 * never guessed: decoders must check snap_ok() before trusting a value.
 */
#ifndef H7_SNAPSHOT_H
#define H7_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "regs.h"

enum snap_state {
	SNAP_UNREAD = 0, /* not captured (block not requested) */
	SNAP_OK = 1,     /* read successfully */
	SNAP_ERROR = 2,  /* the read failed (bus error, debug port error) */
	SNAP_ABSENT = 3  /* does not exist on this core (e.g. ABFSR on the CM4) */
};

enum snap_core { SNAP_CORE_CM7 = 0, SNAP_CORE_CM4 = 1 };

/* Words of stack memory captured at MSP and at PSP: enough for an FP-extended
 * exception frame (0x68 bytes = 26 words) plus the xPSR[9] alignment word
 * (PM0253 2.3.7, DDI0403 B1.5.7), with room to spare. */
#define SNAP_STACK_WORDS 32

struct snap_stack {
	uint32_t addr;  /* address of w[0] (the stack pointer's value at capture) */
	uint8_t state;  /* enum snap_state of the whole window */
	uint8_t words;  /* words captured (may be fewer near the end of RAM) */
	uint32_t w[SNAP_STACK_WORDS];
};

struct snapshot {
	uint32_t val[REG_COUNT];
	uint8_t state[REG_COUNT]; /* enum snap_state */
	uint8_t core;             /* enum snap_core */
	uint8_t halted;           /* the core was halted when this was captured */
	double t_ms;              /* capture time in ms since the run started (0 if unknown) */
	struct snap_stack msp_stack; /* memory at MSP (exception frames in handler mode / MSP threads) */
	struct snap_stack psp_stack; /* memory at PSP */
};

struct snap_change {
	enum reg_id id;
	uint8_t before_state, after_state;
	uint32_t before, after;
};

void snapshot_init(struct snapshot *s, enum snap_core core);

static inline int snap_ok(const struct snapshot *s, enum reg_id r)
{
	return s && s->state[r] == SNAP_OK;
}

/* The value of r, or `fallback` when r was not read successfully. */
static inline uint32_t snap_get(const struct snapshot *s, enum reg_id r, uint32_t fallback)
{
	return snap_ok(s, r) ? s->val[r] : fallback;
}

/* Record a successfully read value. */
void snapshot_set(struct snapshot *s, enum reg_id r, uint32_t value);
/* Record a failed read (or SNAP_ABSENT). */
void snapshot_mark(struct snapshot *s, enum reg_id r, enum snap_state state);

/* Registers whose value or state differs between a and b, in catalog order.
 * Writes at most max entries to out (out may be NULL when max is 0) and
 * returns the total number of differences. With include_noisy == 0, registers
 * flagged REGS_F_NOISY (counters) are left out. */
size_t snapshot_diff(const struct snapshot *a, const struct snapshot *b, int include_noisy,
		     struct snap_change *out, size_t max);

#endif
