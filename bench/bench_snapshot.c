/* Benchmark (not a test: prints times and ratios, asserts nothing).
 *
 * One OpenOCD + one h7sim, started here (or --openocd HOST:PORT and
 * --gdb-port N for a running one), the same registers read three ways:
 *   (a) h7jumpdiag's snapshot: ONE Tcl RPC round trip for the whole catalog;
 *   (b) one Tcl RPC per register (read_memory ADDR 32 1, get_reg NAME);
 *   (c) gdb-multiarch in batch mode through OpenOCD's gdb server (x/1wx per
 *       memory register, p/x $reg per core register), one gdb process per run.
 * Usage: bench_snapshot [--runs N] [--core cm7|cm4]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_proc.h"
#include "ocd_rpc.h"
#include "regs.h"
#include "snapshot.h"
#include "target.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The gdb port OpenOCD opened for target `name` ("starting gdb server for NAME
 * on 0" is followed by its "Listening on port N for gdb connections"). */
static unsigned gdb_port_for(const char *logpath, const char *name)
{
	FILE *f = fopen(logpath, "r");
	char line[512];
	int armed = 0;
	unsigned port = 0;

	if (!f)
		return 0;
	while (!port && fgets(line, sizeof line, f)) {
		char pat[128];
		snprintf(pat, sizeof pat, "starting gdb server for %s ", name);
		if (strstr(line, pat))
			armed = 1;
		else if (armed && sscanf(strstr(line, "Listening on port") ? strstr(line, "Listening on port") : "",
					 "Listening on port %u for gdb", &port) == 1)
			break;
	}
	fclose(f);
	return port;
}

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

int main(int argc, char **argv)
{
	int runs = 20, core = TARGET_CM7;
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
	if (runs < 1 || core < 0)
		return 2;
	h7_log_set_level(getenv("H7_BENCH_VERBOSE") ? H7_LOG_DEBUG : H7_LOG_WARN);

	/* h7sim + OpenOCD with its gdb server on, as the session layer would start them */
	struct ocd_sim *sim = NULL;
	struct ocd_sim_opts so = { 0 };
	if (ocd_sim_start(&so, &sim) != 0) {
		fprintf(stderr, "bench: cannot start h7sim (build it, or set $H7SIM)\n");
		return 1;
	}
	const char *bargv[BOARD_MAX_ARGS + 1];
	char store[2048];
	char *cfg = ocd_proc_find_data("openocd-h7sim.cfg");
	board_openocd_argv(cfg ? board_find("sim")->openocd_args : board_sim_inline_args, ocd_sim_rbb_port(sim), cfg,
			   bargv, BOARD_MAX_ARGS + 1, store, sizeof store);
	free(cfg);
	struct ocd_proc_opts po = { .args = bargv, .gdb = 1, .ready_timeout_ms = 30000 };
	struct ocd_proc *ocd = NULL;
	struct ocd_rpc *rpc = NULL;
	struct target *t = NULL;
	int rc = ocd_proc_start(&po, &ocd, &rpc);
	if (rc == 0)
		rc = target_open(rpc, &t);
	if (rc == 0)
		rc = target_select(t, (enum target_core)core);
	if (rc == 0)
		rc = target_halt(t);
	if (rc) {
		fprintf(stderr, "bench: cannot set up OpenOCD: %s\n", h7_strerror(rc));
		target_close(t);
		ocd_proc_stop(ocd, rpc);
		ocd_sim_stop(sim);
		return 1;
	}
	const char *tname = target_core_name(t, (enum target_core)core);
	unsigned gport = gdb_port_for(ocd_proc_log(ocd), tname);

	/* (a) one snapshot */
	struct snapshot s;
	target_snapshot(t, &s); /* warm-up */
	double t0 = now_ms();
	for (int i = 0; i < runs; i++)
		target_snapshot(t, &s);
	double snap_ms = (now_ms() - t0) / runs;
	size_t nregs = 0, ncore = 0, nmem = 0;
	for (int r = 0; r < REG_COUNT; r++)
		if (s.state[r] == SNAP_OK)
			nregs++;

	/* (b) one RPC per register of the same snapshot */
	t0 = now_ms();
	for (int i = 0; i < runs; i++) {
		ncore = nmem = 0;
		for (int r = 0; r < REG_COUNT; r++) {
			const struct reg_def *d = &regs_catalog[r];
			if (s.state[r] != SNAP_OK)
				continue;
			uint32_t v;
			uint64_t v64;
			if (d->kind == REGS_KIND_CORE) {
				target_get_reg(t, d->ocd_name, &v64);
				ncore++;
			} else if (d->kind == REGS_KIND_MEM32) {
				target_read_mem(t, d->addr, 32, 1, &v);
				nmem++;
			} else if (d->kind == REGS_KIND_MEM16) {
				target_read_mem(t, d->addr, 16, 1, &v);
				nmem++;
			}
		}
	}
	double per_reg_ms = (now_ms() - t0) / runs;

	/* (c) gdb-multiarch batch through OpenOCD's gdb server */
	double gdb_ms = -1, gdb_base_ms = -1;
	char cmdfile[] = "/tmp/h7jd-bench-XXXXXX.gdb", basefile[] = "/tmp/h7jd-bench-base-XXXXXX.gdb";
	int fd = mkstemps(cmdfile, 4), fd2 = mkstemps(basefile, 4);
	if (gport && fd >= 0 && fd2 >= 0) {
		FILE *f = fdopen(fd, "w"), *fb = fdopen(fd2, "w");
		fprintf(f, "set pagination off\nset confirm off\ntarget extended-remote 127.0.0.1:%u\n", gport);
		fprintf(fb, "set pagination off\nset confirm off\ntarget extended-remote 127.0.0.1:%u\ndetach\n", gport);
		for (int r = 0; r < REG_COUNT; r++) {
			const struct reg_def *d = &regs_catalog[r];
			if (s.state[r] != SNAP_OK)
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
		int gruns = runs < 5 ? runs : 5; /* gdb runs are slow */
		t0 = now_ms();
		for (int i = 0; i < gruns; i++)
			run_gdb(cmdfile);
		gdb_ms = (now_ms() - t0) / gruns;
		t0 = now_ms();
		for (int i = 0; i < gruns; i++)
			run_gdb(basefile);
		gdb_base_ms = (now_ms() - t0) / gruns;
	}
	if (fd >= 0)
		unlink(cmdfile);
	if (fd2 >= 0)
		unlink(basefile);

	target_resume(t);
	printf("bench_snapshot: %s, %zu registers (%zu core, %zu memory-mapped), %d runs\n", target_core_label(core),
	       nregs, ncore, nmem, runs);
	printf("  (a) one snapshot (1 Tcl RPC)            %9.2f ms\n", snap_ms);
	printf("  (b) one Tcl RPC per register            %9.2f ms   ratio b/a %6.1fx\n", per_reg_ms,
	       per_reg_ms / snap_ms);
	if (gdb_ms >= 0) {
		printf("  (c) gdb-multiarch -batch via gdb server %9.2f ms   ratio c/a %6.1fx\n", gdb_ms, gdb_ms / snap_ms);
		printf("      (gdb start + connect + detach only  %9.2f ms; reads alone %6.1fx)\n", gdb_base_ms,
		       (gdb_ms - gdb_base_ms) / snap_ms);
	} else {
		printf("  (c) gdb-multiarch: skipped (no gdb port for %s in the OpenOCD log)\n", tname);
	}
	target_close(t);
	ocd_proc_stop(ocd, rpc);
	ocd_sim_stop(sim);
	return 0;
}
