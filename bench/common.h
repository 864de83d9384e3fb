/* Shared by the benchmark programs (bench/bench_*.c; not part of the tool).
 *
 * Results: each program collects its figures in a JSON object, written to
 * $H7_BENCH_DIR/NAME.json, and summary rows (figure, value, goal, status),
 * appended to $H7_BENCH_DIR/summary.tsv; bench/run gathers both into
 * build/bench/results.json and the table it prints. Without $H7_BENCH_DIR
 * (a program run by hand) only the program's own output is printed.
 *
 * A board: h7sim + OpenOCD (board sim, free ports, the gdb server on when
 * asked) + the target layer, as the session layer would start them, and the
 * h7sim control socket for its counters (`stats`: jtag_scans, instructions).
 */
#ifndef H7_BENCH_COMMON_H
#define H7_BENCH_COMMON_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "ocd_proc.h"
#include "ocd_rpc.h"
#include "target.h"

double bench_now_ms(void);
/* Median of n values (sorts v). */
double bench_median(double *v, int n);

/* ---- results ---- */
struct bench_out {
	char name[32];
	cJSON *root;
};
void bench_out_init(struct bench_out *o, const char *name);
/* One summary row; status: "met", "NOT MET", "info", "skipped". */
void bench_out_row(struct bench_out *o, const char *figure, const char *value, const char *goal, const char *status);
/* Write NAME.json (when $H7_BENCH_DIR is set) and free the object. */
void bench_out_finish(struct bench_out *o);

/* ---- a simulated board ---- */
struct bench_board {
	struct ocd_sim *sim;
	struct ocd_proc *ocd;
	struct ocd_rpc *rpc;
	struct target *t;
};
/* Start h7sim (extra arguments: NULL-terminated, may be NULL) and OpenOCD
 * (gdb: its gdb server on), open the target. 0 or an h7_error. */
int bench_board_start(struct bench_board *b, const char *const *sim_args, int gdb);
void bench_board_stop(struct bench_board *b);
/* A counter from h7sim's `stats` reply (e.g. "jtag_scans"); -1 on error. */
long long bench_sim_stat(struct bench_board *b, const char *key);
/* The gdb port OpenOCD opened for target `name`, from its log; 0 if none. */
unsigned bench_gdb_port(struct bench_board *b, const char *name);

#endif
