/* Benchmark (not a test: prints times, asserts nothing): the step cycle.
 *
 * What the runner does for every step of a recipe, reduced to its core: the
 * CM7 runs a loop in AXI SRAM (adds r0, #1; nop; b loop) with a hardware
 * breakpoint on the nop; one cycle is resume (OpenOCD steps over the
 * breakpoint first) -> wait for the halt (tcl_notifications) -> the per-step
 * snapshot (lazy plan, one RPC). Each part is timed separately; medians. The
 * snapshot's R0 must grow by one per cycle: the cycles counted are real.
 * JTAG scans per cycle from h7sim's `stats`.
 *
 *   bench_step [--cycles N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "snapshot.h"

#define MAX_CYCLES 200

int main(int argc, char **argv)
{
	int cycles = 20;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cycles") == 0 && i + 1 < argc)
			cycles = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--cycles N]\n", argv[0]);
			return 2;
		}
	}
	if (cycles < 1 || cycles > MAX_CYCLES)
		return 2;
	h7_log_set_level(getenv("H7_BENCH_VERBOSE") ? H7_LOG_DEBUG : H7_LOG_WARN);

	struct bench_board bb;
	if (bench_board_start(&bb, NULL, 0) != 0)
		return 1;
	struct target *t = bb.t;
	/* adds r0, #1; nop; b .-4 */
	uint32_t prog[3] = { 0x3001u, 0xBF00u, 0xE7FCu };
	int rc = target_select(t, TARGET_CM7);
	if (rc == 0)
		rc = target_reset_halt(t);
	if (rc == 0)
		rc = target_write_mem(t, 0x24000000u, 16, 3, prog);
	if (rc == 0)
		rc = target_set_reg(t, "pc", 0x24000000u);
	if (rc == 0)
		rc = target_set_reg(t, "msp", 0x2407FF00u);
	if (rc == 0)
		rc = target_set_reg(t, "r0", 0);
	if (rc == 0)
		rc = target_bp_add(t, 0x24000002u, 2);
	if (rc) {
		fprintf(stderr, "bench_step: cannot prepare the target: %s\n", h7_strerror(rc));
		bench_board_stop(&bb);
		return 1;
	}
	target_set_snapshot_lazy(t, 1);

	double tr[MAX_CYCLES], tw[MAX_CYCLES], ts[MAX_CYCLES], tt[MAX_CYCLES];
	struct snapshot s;
	uint32_t r0_prev = 0;
	int counted = 0, fails = 0;
	/* one cycle to reach the breakpoint the first time */
	if (target_resume(t) != 0 || target_wait_halt(t, 5000) != 0 || target_snapshot(t, &s) != 0) {
		fprintf(stderr, "bench_step: the loop did not stop at its breakpoint\n");
		bench_board_stop(&bb);
		return 1;
	}
	r0_prev = s.val[REG_CORE_R0];
	long long scans0 = bench_sim_stat(&bb, "jtag_scans");
	for (int i = 0; i < cycles; i++) {
		double t0 = bench_now_ms();
		int e = target_resume(t);
		double t1 = bench_now_ms();
		e = e ? e : target_wait_halt(t, 5000);
		double t2 = bench_now_ms();
		e = e ? e : target_snapshot(t, &s);
		double t3 = bench_now_ms();
		tr[i] = t1 - t0;
		tw[i] = t2 - t1;
		ts[i] = t3 - t2;
		tt[i] = t3 - t0;
		if (e || !s.halted || s.state[REG_CORE_R0] != SNAP_OK || s.val[REG_PC] != 0x24000002u) {
			fails++;
			continue;
		}
		counted += s.val[REG_CORE_R0] == r0_prev + 1;
		r0_prev = s.val[REG_CORE_R0];
	}
	long long scans = bench_sim_stat(&bb, "jtag_scans") - scans0;
	target_bp_remove(t, 0x24000002u);
	target_resume(t);
	bench_board_stop(&bb);

	double mr = bench_median(tr, cycles), mw = bench_median(tw, cycles), msn = bench_median(ts, cycles),
	       mt = bench_median(tt, cycles);
	printf("bench_step: %d cycles of resume -> halt -> snapshot (medians), %d verified by R0, %d failed\n", cycles,
	       counted, fails);
	printf("  %-36s %9.2f ms\n", "resume (over the breakpoint)", mr);
	printf("  %-36s %9.2f ms\n", "wait for the halt", mw);
	printf("  %-36s %9.2f ms\n", "per-step snapshot", msn);
	printf("  %-36s %9.2f ms   %lld JTAG scans per cycle\n", "one cycle", mt, scans / cycles);

	struct bench_out o;
	char v[96];
	bench_out_init(&o, "step");
	cJSON *ms = cJSON_AddObjectToObject(o.root, "ms");
	cJSON_AddNumberToObject(o.root, "cycles", cycles);
	cJSON_AddNumberToObject(o.root, "verified", counted);
	cJSON_AddNumberToObject(o.root, "failed", fails);
	cJSON_AddNumberToObject(o.root, "jtag_scans_per_cycle", (double)scans / cycles);
	cJSON_AddNumberToObject(ms, "resume", mr);
	cJSON_AddNumberToObject(ms, "wait_halt", mw);
	cJSON_AddNumberToObject(ms, "snapshot", msn);
	cJSON_AddNumberToObject(ms, "cycle", mt);
	snprintf(v, sizeof v, "%.1f ms (resume %.1f, halt %.1f, snapshot %.1f)", mt, mr, mw, msn);
	bench_out_row(&o, "step cycle: resume -> halt -> snapshot", v, NULL,
		      fails || counted != cycles ? "NOT MET" : "info");
	bench_out_finish(&o);
	return fails || counted != cycles;
}
