/* Benchmark (not a test: prints times and ratios, asserts nothing).
 *
 * One h7sim + one OpenOCD (gdb server on), started here; the CM7 halted in
 * Thread mode on a stack in AXI SRAM with the OTG_FS clock on (an application
 * that uses USB, the case the tool exists for). The same registers read:
 *   (a)  h7jumpdiag's per-step snapshot (the runner's lazy plan): ONE Tcl RPC;
 *   (a') the full snapshot (`h7jumpdiag snapshot`: MPU regions walked, every
 *        OTG register, both stack windows), also one RPC;
 *   (b)  one Tcl RPC per register (read_memory ADDR 32 1, get_reg NAME) for
 *        every register (a) captured;
 *   (c)  gdb-multiarch in batch mode through OpenOCD's gdb server (x/1wx per
 *        memory register, p/x $reg per core register), one gdb per run, and
 *        gdb's start + connect + detach alone;
 *   the floor: OpenOCD's own time for (a)'s and (a')'s reads, measured inside
 *        OpenOCD with Tcl `time {SCRIPT} N` (no RPC, no per-command poll).
 * Counts: JTAG scans per snapshot / per pass, from h7sim's `stats` (one TCP
 * round trip each with remote_bitbang: they are what the time is made of).
 * Runs are interleaved (a, a', b, a, a', b, ...) so that a noisy machine
 * slows all of them alike; medians are reported.
 *
 *   bench_snapshot [--runs N] [--core cm7|cm4]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_proc.h"
#include "regs.h"
#include "snapcap.h"
#include "snapshot.h"

#define MAX_RUNS 100

/* Run gdb-multiarch -batch with a command file; 0 when it exited 0. */
static int run_gdb(const char *cmdfile)
{
	const char *argv[] = { "gdb-multiarch", "-batch", "-nx", "-q", "-x", cmdfile, NULL };
	char *log = ocd_proc_new_log("bench-gdb");
	pid_t pid;
	if (!log || ocd_proc_spawn(argv, log, &pid) != 0) {
		free(log);
		return -1;
	}
	int st = -1;
	if (ocd_proc_reap(pid, 60000, &st) != 0)
		ocd_proc_kill(pid, 1000);
	/* wait status 0: exited normally with status 0 (no <sys/wait.h>: its
	 * <sys/ucontext.h> defines REG_CORE_R8.. which clash with regs.h) */
	if (st != 0)
		fprintf(stderr, "bench: gdb-multiarch failed; its output: %s\n", log);
	else
		unlink(log);
	free(log);
	return st == 0 ? 0 : -1;
}

/* One RPC per register that s captured; returns how many were read. */
static int per_register(struct target *t, const struct snapshot *s)
{
	int n = 0;
	for (int r = 0; r < REG_COUNT; r++) {
		const struct reg_def *d = &regs_catalog[r];
		uint32_t v;
		uint64_t v64;
		if (s->state[r] != SNAP_OK)
			continue;
		if (d->kind == REGS_KIND_CORE)
			target_get_reg(t, d->ocd_name, &v64);
		else if (d->kind == REGS_KIND_MEM32)
			target_read_mem(t, d->addr, 32, 1, &v);
		else if (d->kind == REGS_KIND_MEM16)
			target_read_mem(t, d->addr, 16, 1, &v);
		else
			continue;
		n++;
	}
	return n;
}

/* OpenOCD's own time (ms) for the plan's script, Tcl `time` inside OpenOCD. */
static double floor_ms(struct target *t, const struct snapcap_plan *p, int iterations)
{
	char *q = ocd_rpc_quote_str(target_core_name(t, target_selected(t)));
	char *script = q ? snapcap_script(p, q) : NULL;
	char *res = NULL;
	double ms = -1;
	if (script && ocd_rpc_cmdf(target_rpc(t), &res, "lindex [time {%s} %d] 0", script, iterations) == 0)
		ms = atof(res) / 1000.0;
	free(res);
	free(script);
	free(q);
	return ms;
}

static int count_ok(const struct snapshot *s)
{
	int n = 0;
	for (int r = 0; r < REG_COUNT; r++)
		n += s->state[r] == SNAP_OK;
	return n;
}

/* What one measured operation does. */
struct op {
	struct target *t;
	struct snapshot *s;
	int lazy;
	int per_register;
	const char *gdb_cmdfile;
	int result;
};

static void op_run(struct op *o)
{
	if (o->gdb_cmdfile) {
		o->result = run_gdb(o->gdb_cmdfile);
	} else if (o->per_register) {
		o->result = per_register(o->t, o->s);
	} else {
		target_set_snapshot_lazy(o->t, o->lazy);
		o->result = target_snapshot(o->t, o->s);
	}
}

/* JTAG scans one operation costs: the least of 3 (OpenOCD's background
 * polling adds a few scans every 100 ms). */
static long long scans_of(struct bench_board *b, struct op *o)
{
	long long best = -1;
	for (int k = 0; k < 3; k++) {
		long long s0 = bench_sim_stat(b, "jtag_scans");
		op_run(o);
		long long d = bench_sim_stat(b, "jtag_scans") - s0;
		if (s0 >= 0 && (best < 0 || d < best))
			best = d;
	}
	return best;
}

static const char *met(int ok)
{
	return ok ? "met" : "NOT MET";
}

int main(int argc, char **argv)
{
	int runs = 10, core = TARGET_CM7;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--core") == 0 && i + 1 < argc)
			core = target_core_from_label(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--runs N] [--core cm7|cm4]\n", argv[0]);
			return 2;
		}
	}
	if (runs < 1 || runs > MAX_RUNS || core < 0)
		return 2;
	h7_log_set_level(getenv("H7_BENCH_VERBOSE") ? H7_LOG_DEBUG : H7_LOG_WARN);

	struct bench_board bb;
	if (bench_board_start(&bb, NULL, 1) != 0)
		return 1;
	struct target *t = bb.t;
	int rc = target_select(t, (enum target_core)core);
	if (rc == 0)
		rc = target_reset_halt(t);
	/* a parked application: b . in AXI SRAM, a stack below the top of it,
	 * Thread mode, the OTG_FS clock on (RCC_AHB1ENR.USB2OTGFSEN) */
	uint32_t loop = 0xE7FEu;
	if (rc == 0)
		rc = target_write_mem(t, 0x24000000u, 16, 1, &loop);
	if (rc == 0)
		rc = target_set_reg(t, "pc", 0x24000000u);
	if (rc == 0)
		rc = target_set_reg(t, "msp", 0x2407FF00u);
	if (rc == 0)
		rc = target_write32(t, 0x580244D8u, 1u << 27);
	if (rc) {
		fprintf(stderr, "bench: cannot prepare the target: %s\n", h7_strerror(rc));
		bench_board_stop(&bb);
		return 1;
	}
	const char *tname = target_core_name(t, (enum target_core)core);
	unsigned gport = bench_gdb_port(&bb, tname);

	struct snapshot lazy, full;
	target_set_snapshot_lazy(t, 0);
	target_snapshot(t, &full); /* warm-up */
	target_set_snapshot_lazy(t, 1);
	target_snapshot(t, &lazy);

	/* counts */
	struct op op_a = { .t = t, .s = &lazy, .lazy = 1 }, op_full = { .t = t, .s = &full, .lazy = 0 };
	struct op op_b = { .t = t, .s = &lazy, .per_register = 1 };
	long long scans_a = scans_of(&bb, &op_a), scans_full = scans_of(&bb, &op_full), scans_b = scans_of(&bb, &op_b);
	int nb = op_b.result;
	target_set_snapshot_lazy(t, 1);

	/* times, interleaved */
	double ta[MAX_RUNS], tf[MAX_RUNS], tb[MAX_RUNS], t0;
	for (int i = 0; i < runs; i++) {
		t0 = bench_now_ms();
		target_snapshot(t, &lazy);
		ta[i] = bench_now_ms() - t0;
		target_set_snapshot_lazy(t, 0);
		t0 = bench_now_ms();
		target_snapshot(t, &full);
		tf[i] = bench_now_ms() - t0;
		target_set_snapshot_lazy(t, 1);
		t0 = bench_now_ms();
		per_register(t, &lazy);
		tb[i] = bench_now_ms() - t0;
	}
	double a = bench_median(ta, runs), af = bench_median(tf, runs), b = bench_median(tb, runs);

	/* the floor: the same scripts timed inside OpenOCD */
	struct snapcap_plan *pl = malloc(sizeof *pl), *pf = malloc(sizeof *pf);
	double fl = -1, ff = -1;
	if (pl && pf) {
		enum snap_core sc = core == TARGET_CM4 ? SNAP_CORE_CM4 : SNAP_CORE_CM7;
		snapcap_plan(pl, sc, 1);
		snapcap_set_lazy(pl, 1);
		snapcap_plan(pf, sc, 1);
		fl = floor_ms(t, pl, runs);
		ff = floor_ms(t, pf, runs);
	}
	free(pl);
	free(pf);

	/* (c) gdb-multiarch batch through OpenOCD's gdb server */
	double c = -1, c0 = -1;
	long long scans_c = -1;
	char cmdfile[] = "/tmp/h7jd-bench-XXXXXX.gdb", basefile[] = "/tmp/h7jd-bench-base-XXXXXX.gdb";
	int fd = mkstemps(cmdfile, 4), fd2 = mkstemps(basefile, 4);
	if (gport && fd >= 0 && fd2 >= 0) {
		FILE *f = fdopen(fd, "w"), *fb = fdopen(fd2, "w");
		fprintf(f, "set pagination off\nset confirm off\ntarget extended-remote 127.0.0.1:%u\n", gport);
		fprintf(fb, "set pagination off\nset confirm off\ntarget extended-remote 127.0.0.1:%u\ndetach\n", gport);
		for (int r = 0; r < REG_COUNT; r++) {
			const struct reg_def *d = &regs_catalog[r];
			if (lazy.state[r] != SNAP_OK)
				continue;
			if (d->kind == REGS_KIND_CORE)
				fprintf(f, "p/x $%s\n", d->ocd_name);
			else if (d->kind == REGS_KIND_MEM32)
				fprintf(f, "x/1wx 0x%08X\n", d->addr);
			else if (d->kind == REGS_KIND_MEM16)
				fprintf(f, "x/1hx 0x%08X\n", d->addr);
		}
		fprintf(f, "detach\n");
		fclose(f);
		fclose(fb);
		fd = fd2 = -1;
		int gruns = runs < 5 ? runs : 5, ok = 1; /* gdb runs are slow */
		double tc[MAX_RUNS], tc0[MAX_RUNS];
		struct op op_c = { .gdb_cmdfile = cmdfile };
		scans_c = scans_of(&bb, &op_c);
		ok = op_c.result == 0;
		for (int i = 0; i < gruns && ok; i++) {
			t0 = bench_now_ms();
			ok &= run_gdb(cmdfile) == 0;
			tc[i] = bench_now_ms() - t0;
			t0 = bench_now_ms();
			ok &= run_gdb(basefile) == 0;
			tc0[i] = bench_now_ms() - t0;
		}
		if (ok) {
			c = bench_median(tc, gruns);
			c0 = bench_median(tc0, gruns);
		}
		unlink(cmdfile);
		unlink(basefile);
	} else {
		if (fd >= 0) {
			close(fd);
			unlink(cmdfile);
		}
		if (fd2 >= 0) {
			close(fd2);
			unlink(basefile);
		}
	}
	target_resume(t);

	printf("bench_snapshot: %s, %d runs (medians), registers captured: %d per step, %d full; "
	       "(b) and (c) read the %d of (a)\n",
	       target_core_label(core), runs, count_ok(&lazy), count_ok(&full), nb);
	printf("  %-44s %9s %9s %11s\n", "", "ms", "ratio", "JTAG scans");
	printf("  %-44s %9.2f %9s %11lld\n", "(a)  per-step snapshot, 1 RPC", a, "1.0x", scans_a);
	printf("  %-44s %9.2f %8.1fx %11lld\n", "(a') full snapshot, 1 RPC", af, af / a, scans_full);
	printf("  %-44s %9.2f %8.1fx %11lld\n", "(b)  one Tcl RPC per register", b, b / a, scans_b);
	if (c >= 0) {
		printf("  %-44s %9.2f %8.1fx %11lld\n", "(c)  gdb-multiarch -batch via the gdb server", c, c / a, scans_c);
		printf("  %-44s %9.2f %8.1fx\n", "     gdb start + connect + detach alone", c0, c0 / a);
		printf("  %-44s %9.2f %8.1fx\n", "     gdb's reads alone (c minus that)", c - c0, (c - c0) / a);
	} else {
		printf("  (c) gdb-multiarch: skipped (not installed, or no gdb port for %s in the OpenOCD log)\n", tname);
	}
	printf("  %-44s %9.2f %8.2fx  (a / floor)\n", "floor of (a): its script inside OpenOCD", fl, a / fl);
	printf("  %-44s %9.2f %8.2fx  (a' / floor)\n", "floor of (a'): its script inside OpenOCD", ff, af / ff);

	struct bench_out o;
	char v[64];
	bench_out_init(&o, "snapshot");
	cJSON *j = o.root, *ms = cJSON_AddObjectToObject(j, "ms"), *sc = cJSON_AddObjectToObject(j, "jtag_scans"),
	      *ra = cJSON_AddObjectToObject(j, "ratios");
	cJSON_AddStringToObject(j, "core", target_core_label(core));
	cJSON_AddNumberToObject(j, "runs", runs);
	cJSON_AddNumberToObject(j, "registers_per_step", count_ok(&lazy));
	cJSON_AddNumberToObject(j, "registers_full", count_ok(&full));
	cJSON_AddNumberToObject(j, "rpcs_per_snapshot", 1);
	cJSON_AddNumberToObject(ms, "snapshot", a);
	cJSON_AddNumberToObject(ms, "snapshot_full", af);
	cJSON_AddNumberToObject(ms, "per_register", b);
	cJSON_AddNumberToObject(ms, "floor", fl);
	cJSON_AddNumberToObject(ms, "floor_full", ff);
	cJSON_AddNumberToObject(sc, "snapshot", (double)scans_a);
	cJSON_AddNumberToObject(sc, "snapshot_full", (double)scans_full);
	cJSON_AddNumberToObject(sc, "per_register", (double)scans_b);
	cJSON_AddNumberToObject(ra, "per_register_vs_snapshot", b / a);
	cJSON_AddNumberToObject(ra, "snapshot_vs_floor", a / fl);
	cJSON_AddNumberToObject(ra, "snapshot_full_vs_floor", af / ff);
	cJSON_AddNumberToObject(ra, "per_register_vs_snapshot_jtag_scans", (double)scans_b / (double)scans_a);
	snprintf(v, sizeof v, "%.2f ms, 1 RPC, %lld scans", a, scans_a);
	bench_out_row(&o, "per-step snapshot", v, NULL, "info");
	snprintf(v, sizeof v, "%.1fx", b / a);
	bench_out_row(&o, "per-register RPCs / snapshot", v, ">= 10x", met(b / a >= 10));
	if (c >= 0) {
		cJSON_AddNumberToObject(ms, "gdb", c);
		cJSON_AddNumberToObject(ms, "gdb_connect_only", c0);
		cJSON_AddNumberToObject(sc, "gdb", (double)scans_c);
		cJSON_AddNumberToObject(ra, "gdb_vs_snapshot", c / a);
		cJSON_AddNumberToObject(ra, "gdb_reads_only_vs_snapshot", (c - c0) / a);
		snprintf(v, sizeof v, "%.1fx (reads alone %.1fx)", c / a, (c - c0) / a);
		bench_out_row(&o, "gdb-multiarch / snapshot", v, ">= 10x", met(c / a >= 10));
	} else {
		bench_out_row(&o, "gdb-multiarch / snapshot", "-", ">= 10x", "skipped");
	}
	snprintf(v, sizeof v, "%.2fx", a / fl);
	bench_out_row(&o, "snapshot / floor (OpenOCD's own time)", v, "<= 1.3x", met(fl > 0 && a / fl <= 1.3));
	snprintf(v, sizeof v, "%.1fx", (double)scans_b / (double)scans_a);
	bench_out_row(&o, "JTAG scans: per-register / snapshot", v, NULL, "info");
	bench_out_finish(&o);
	bench_board_stop(&bb);
	return 0;
}
