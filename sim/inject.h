/* h7sim - fault injection: the simulated chip, its debug port, its USB cable
 * or its power misbehave on request, so h7jumpdiag's handling of each case
 * can be tested against the real OpenOCD (control socket `inject ...`,
 * documented in sim/README.md and man/h7sim.1).
 *
 *   inject sticky-error [addr=A] [after=N] [count=K]   debug-port bus error (STICKYERR)
 *   inject reset [at-instr=N]         watchdog reset of the chip (IWDG1)
 *   inject lockup [at-instr=N]        the CM7 locks up
 *   inject power-loss [at-instr=N]    h7sim exits at once: every socket closes
 *   inject cm4-otg                    the CM4 soft-disconnects OTG_FS during the jump
 *   inject usb-flap period-ms=N       the USB cable drops and returns every N ms
 *   inject no-enumerate               the device never accepts its USB address
 *   inject slow-ms=N | slow-us=N      each JTAG reply is delayed by N ms / us
 *   inject clear | inject list
 *
 * at-instr=N counts instructions the CM7 executes from the command on (N = 0:
 * before its next instruction); a halted core executes none, so the event
 * waits until the debugger lets it run. Every injection is counted in `stats`
 * (inject_* keys).
 */
#ifndef H7SIM_INJECT_H
#define H7SIM_INJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct soc;

enum inject_at { INJECT_AT_RESET = 0, INJECT_AT_LOCKUP, INJECT_AT_POWER_LOSS, INJECT_AT_COUNT };

struct inject_stats {
	uint64_t sticky_errors, resets, lockups, power_losses, usb_flaps, enum_refused, slow_replies,
		cm4_otg_writes;
};

struct inject {
	/* sticky-error */
	bool sticky_armed, sticky_any_addr;
	uint32_t sticky_addr;       /* word address */
	uint64_t sticky_skip;       /* matching accesses still to let through */
	uint64_t sticky_left;       /* failures still to inject */
	/* events at a CM7 instruction count */
	bool at_armed[INJECT_AT_COUNT];
	uint64_t at_left[INJECT_AT_COUNT];
	bool power_lost;            /* main loop: exit now */
	/* USB */
	uint64_t flap_period_ns;    /* 0: off */
	bool cable_down;
	uint64_t flap_next_ns;      /* next cable edge */
	bool no_enumerate;
	/* CM4 */
	bool cm4_otg;
	/* JTAG */
	unsigned slow_us;           /* delay of each remote_bitbang reply */
	struct inject_stats st;
};

/* Parse and apply one `inject ...` command line (the words after "inject").
 * Writes the reply ("ok ..." or "err ...") into reply. */
void inject_command(struct soc *s, const char *args, char *reply, size_t cap);
/* The inject_* counters as " key=value ..." (for `stats`). */
void inject_describe_stats(const struct soc *s, char *buf, size_t cap);

/* Hooks. */
/* A debug AP access to addr: true when it must fail with a bus error. */
bool inject_ap_fault(struct soc *s, unsigned ap, uint32_t addr);
/* The CM7 may execute at most this many instructions before inject_after_cm7
 * must run (UINT64_MAX: no limit). */
uint64_t inject_cm7_budget(const struct soc *s);
/* Before the CM7 runs: fire events due now. */
void inject_before_cm7(struct soc *s);
/* The CM7 executed n instructions: count down, fire what is due. */
void inject_after_cm7(struct soc *s, uint64_t n);
/* Once per scheduling round: the CM4's OTG writes. */
void inject_round(struct soc *s);

#endif
