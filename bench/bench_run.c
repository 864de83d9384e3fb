/* Benchmark (not a test: prints times, asserts nothing): the whole
 * `h7jumpdiag run --board sim --recipe st`, split by phase, and N boards at
 * once.
 *
 * Phases come from the run's own -v lines, time-stamped here as they arrive
 * on a pipe (the tool flushes every log line): simulator start (spawn ->
 * "h7sim ready"), OpenOCD start (-> "reset and identify the part"), reset
 * (-> "load the probe firmware"), load (-> "step 1/"), steps (-> "in the
 * bootloader"), USB (-> the DFU device arrived), finish (final snapshots,
 * restoring the board, the report, stopping OpenOCD and h7sim -> exit).
 *
 * OpenOCD's fixed sleeps, from its source and the target configuration
 * (bench/README.md): `adapter srst delay` + `jtag_ntrst_delay` of
 * target/stm32h7x.cfg when `init` releases the reset lines, and
 * jtag_sleep(50000) in cortex_m_assert_reset() for each of the two cores on
 * every reset; the resets a run asks for are counted in one traced run (-vv).
 *
 * Scale: N runs in parallel, each with its own h7sim and OpenOCD (N = 1, 2,
 * 4, 8): the wall time, and whether any run interfered with another: every
 * report must equal the one of a run alone (times, noisy registers and the
 * bootloader's later, time-dependent snapshot left out) and no two runs may
 * share a port (h7sim's RBB and control ports, OpenOCD's Tcl port).
 *
 *   bench_run [--repeat K] [--max-boards N]
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "board.h"
#include "common.h"
#include "regs.h"

/* no <sys/wait.h>: its <sys/ucontext.h> defines REG_R8.. which clash with regs.h */
pid_t waitpid(pid_t pid, int *status, int options);

extern char **environ;

enum mark { M_SIM_READY, M_RESET, M_LOAD, M_STEPS, M_USB, M_DFU, M_END, M_N };
static const char *const mark_text[M_END] = {
	[M_SIM_READY] = "h7sim ready:",
	[M_RESET] = "reset and identify the part",
	[M_LOAD] = "load the probe firmware",
	[M_STEPS] = "step 1/",
	[M_USB] = "in the bootloader: waiting",
	[M_DFU] = "dfu-arrived",
};
static const char *const phase_name[M_N] = {
	"simulator start", "OpenOCD start", "reset + identify", "load", "steps", "USB (DFU device)", "finish",
};
#define MAX_BOARDS 8
#define MAX_REPEAT 10

struct run {
	pid_t pid;
	int fd;
	double t0, mark[M_N];
	char line[8192];
	size_t len;
	int status;
	unsigned rbb, ctl, tcl;
	int requests, resets;
	char json[64];
};

static int start_run(struct run *r, const char *tool, int idx, int trace)
{
	int p[2];
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)tool, "run", "--board", "sim", "--recipe", "st", trace ? "-vv" : "-v", "-f", "json",
			 "-o", r->json, "-t", "30", "--step-timeout", "60", NULL };

	memset(r, 0, sizeof *r);
	snprintf(r->json, sizeof r->json, "/tmp/h7jd-bench-run-%d-%d.json", (int)getpid(), idx);
	for (int m = 0; m < M_N; m++)
		r->mark[m] = -1;
	if (pipe(p) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	r->t0 = bench_now_ms();
	int rc = posix_spawn(&r->pid, tool, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		fprintf(stderr, "bench_run: cannot start %s: %s\n", tool, strerror(rc));
		return -1;
	}
	r->fd = p[0];
	return 0;
}

static void on_line(struct run *r, const char *l, double t)
{
	const char *p;
	for (int m = 0; m < M_END; m++)
		if (r->mark[m] < 0 && strstr(l, mark_text[m]))
			r->mark[m] = t - r->t0;
	if ((p = strstr(l, "h7sim ready: rbb port ")) != NULL)
		sscanf(p, "h7sim ready: rbb port %u, control port %u", &r->rbb, &r->ctl);
	if ((p = strstr(l, "ready on Tcl port ")) != NULL)
		sscanf(p, "ready on Tcl port %u", &r->tcl);
	if ((p = strstr(l, "openocd <- ")) != NULL) {
		r->requests++;
		if (strstr(p, "{reset halt}") || strstr(p, "{reset run}") || strstr(p, "{reset init}"))
			r->resets++;
	}
}

/* Read all runs' stderr until every one exited. */
static void collect(struct run *runs, int n)
{
	int open_n = n;
	while (open_n > 0) {
		struct pollfd pf[MAX_BOARDS];
		for (int i = 0; i < n; i++)
			pf[i] = (struct pollfd){ runs[i].fd, POLLIN, 0 };
		if (poll(pf, (nfds_t)n, 1000) < 0 && errno != EINTR)
			break;
		double t = bench_now_ms();
		for (int i = 0; i < n; i++) {
			struct run *r = &runs[i];
			if (r->fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t k = read(r->fd, r->line + r->len, sizeof r->line - 1 - r->len);
			if (k <= 0) {
				close(r->fd);
				r->fd = -1;
				waitpid(r->pid, &r->status, 0);
				r->mark[M_END] = bench_now_ms() - r->t0;
				open_n--;
				continue;
			}
			r->len += (size_t)k;
			r->line[r->len] = 0;
			char *nl, *s = r->line;
			while ((nl = strchr(s, '\n')) != NULL) {
				*nl = 0;
				on_line(r, s, t);
				s = nl + 1;
			}
			r->len = strlen(s);
			memmove(r->line, s, r->len + 1);
			if (r->len == sizeof r->line - 1) /* a very long line: its start is enough */
				r->len = 0;
		}
	}
}

/* ---- comparing reports ---- */

static int noisy_register(const char *name)
{
	const struct reg_def *d = regs_find(name);
	return d && (d->flags & REGS_F_NOISY);
}

/* Drop what legitimately differs between two runs of the same recipe. */
static void normalize(cJSON *o, int in_registers)
{
	cJSON *c = o ? o->child : NULL;
	while (c) {
		cJSON *next = c->next;
		const char *k = c->string;
		size_t kl = k ? strlen(k) : 0;
		if (k && ((kl > 3 && strcmp(k + kl - 3, "_ms") == 0) || strcmp(k, "later") == 0 ||
			  strcmp(k, "openocd_log") == 0 || (in_registers && noisy_register(k))))
			cJSON_Delete(cJSON_DetachItemViaPointer(o, c));
		else
			normalize(c, k && strcmp(k, "registers") == 0);
		c = next;
	}
}

static cJSON *load_report(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;
	cJSON *j = NULL;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < 16 * 1024 * 1024 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = 0;
			j = cJSON_Parse(buf);
		}
		free(buf);
	}
	fclose(f);
	normalize(j, 0);
	return j;
}

/* The first path where a and b differ, into out; 0 when equal. */
static int first_diff(const cJSON *a, const cJSON *b, char *out, size_t n, const char *path)
{
	char p[512];
	if (cJSON_Compare(a, b, 1))
		return 0;
	if (a && b && cJSON_IsObject(a) && cJSON_IsObject(b)) {
		for (const cJSON *c = a->child; c; c = c->next) {
			snprintf(p, sizeof p, "%s.%s", path, c->string);
			if (first_diff(c, cJSON_GetObjectItemCaseSensitive(b, c->string), out, n, p))
				return 1;
		}
	} else if (a && b && cJSON_IsArray(a) && cJSON_IsArray(b) && cJSON_GetArraySize(a) == cJSON_GetArraySize(b)) {
		for (int i = 0; i < cJSON_GetArraySize(a); i++) {
			snprintf(p, sizeof p, "%s[%d]", path, i);
			if (first_diff(cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, i), out, n, p))
				return 1;
		}
	}
	snprintf(out, n, "%s", path[0] ? path : ".");
	return 1;
}

static const char *verdict_of(const cJSON *j)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "verdict");
	return cJSON_IsString(v) ? v->valuestring : "?";
}

static void phases_of(const struct run *r, double *ph)
{
	/* phase m ends at mark m (the OpenOCD phase ends where "reset" begins) */
	double prev = 0;
	for (int m = 0; m < M_N; m++) {
		double at = r->mark[m];
		ph[m] = at >= 0 && prev >= 0 ? at - prev : -1;
		if (at >= 0)
			prev = at;
	}
}

/* The value of `key N` in an OpenOCD config file, or -1. */
static int cfg_value(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int v = -1;
	size_t kl = strlen(key);
	if (!f)
		return -1;
	while (v < 0 && fgets(line, sizeof line, f)) {
		char *s = line + strspn(line, " \t");
		if (strncmp(s, key, kl) == 0 && (s[kl] == ' ' || s[kl] == '\t'))
			v = atoi(s + kl);
	}
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	int repeat = 3, max_boards = MAX_BOARDS;
	char tool[PATH_MAX];
	const char *b = getenv("H7_BUILD");

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (strcmp(argv[i], "--max-boards") == 0 && i + 1 < argc)
			max_boards = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--repeat K] [--max-boards N]\n", argv[0]);
			return 2;
		}
	}
	if (repeat < 1 || repeat > MAX_REPEAT || max_boards < 1 || max_boards > MAX_BOARDS)
		return 2;
	if (b) {
		snprintf(tool, sizeof tool, "%s/h7jumpdiag", b);
	} else {
		ssize_t n = readlink("/proc/self/exe", tool, sizeof tool - 32);
		if (n <= 0)
			return 1;
		tool[n] = 0;
		char *slash = strrchr(tool, '/');
		snprintf(slash ? slash : tool, sizeof tool - (size_t)(slash ? slash - tool : 0), "/../h7jumpdiag");
	}
	if (access(tool, X_OK) != 0) {
		fprintf(stderr, "bench_run: %s not built (make)\n", tool);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);

	/* one traced run: requests and resets (not timed) */
	struct run runs[MAX_BOARDS];
	int resets = -1, requests = -1;
	if (start_run(&runs[0], tool, 0, 1) == 0) {
		collect(runs, 1);
		resets = runs[0].resets;
		requests = runs[0].requests;
		unlink(runs[0].json);
	}

	/* phases: K runs alone; the first one's report is the reference */
	double ph[MAX_REPEAT][M_N], tot[MAX_REPEAT];
	cJSON *ref = NULL;
	int alone_ok = 0;
	for (int k = 0; k < repeat; k++) {
		if (start_run(&runs[0], tool, 0, 0) != 0)
			return 1;
		collect(runs, 1);
		phases_of(&runs[0], ph[k]);
		tot[k] = runs[0].mark[M_END];
		cJSON *j = load_report(runs[0].json);
		alone_ok += runs[0].status == 0 && j && strcmp(verdict_of(j), "dfu-enumerated") == 0;
		if (!ref)
			ref = j;
		else
			cJSON_Delete(j);
		unlink(runs[0].json);
	}
	double med[M_N], col[MAX_REPEAT];
	for (int m = 0; m < M_N; m++) {
		for (int k = 0; k < repeat; k++)
			col[k] = ph[k][m];
		med[m] = bench_median(col, repeat);
	}
	double total = bench_median(tot, repeat);
	const char *cfg = "/usr/share/openocd/scripts/target/stm32h7x.cfg";
	int srst = cfg_value(cfg, "adapter srst delay"), ntrst = cfg_value(cfg, "jtag_ntrst_delay");
	/* the sim board's own -c arguments come after the target file and win */
	for (const char *const *a = board_find("sim")->openocd_args; *a; a++) {
		sscanf(*a, "adapter srst delay %d", &srst);
		sscanf(*a, "jtag_ntrst_delay %d", &ntrst);
	}
	double sleeps = (srst > 0 ? srst : 0) + (ntrst > 0 ? ntrst : 0) + (resets > 0 ? resets : 0) * 2 * 50.0;

	printf("bench_run: h7jumpdiag run --board sim --recipe st, %d runs alone (medians; %d ended dfu-enumerated)\n",
	       repeat, alone_ok);
	for (int m = 0; m < M_N; m++)
		printf("  %-28s %8.0f ms\n", phase_name[m], med[m]);
	printf("  %-28s %8.0f ms   (%d Tcl RPC requests, %d resets)\n", "whole run", total, requests, resets);
	printf("  OpenOCD's fixed sleeps: %.0f ms = init %d + %d ms (adapter srst delay, jtag_ntrst_delay: %s,\n"
	       "    then the sim board's arguments) + %d resets x 2 cores x 50 ms (cortex_m_assert_reset); %.0f%% of "
	       "the run\n",
	       sleeps, srst > 0 ? srst : 0, ntrst > 0 ? ntrst : 0, cfg, resets, 100.0 * sleeps / total);

	struct bench_out o;
	char v[160];
	bench_out_init(&o, "run");
	cJSON *jph = cJSON_AddObjectToObject(o.root, "phases_ms");
	for (int m = 0; m < M_N; m++)
		cJSON_AddNumberToObject(jph, phase_name[m], med[m]);
	cJSON_AddNumberToObject(o.root, "total_ms", total);
	cJSON_AddNumberToObject(o.root, "repeat", repeat);
	cJSON_AddNumberToObject(o.root, "dfu_enumerated", alone_ok);
	cJSON_AddNumberToObject(o.root, "rpc_requests", requests);
	cJSON_AddNumberToObject(o.root, "resets", resets);
	cJSON_AddNumberToObject(o.root, "openocd_fixed_sleeps_ms", sleeps);
	snprintf(v, sizeof v, "%.2f s", total / 1000);
	bench_out_row(&o, "run --recipe st, whole", v, "< 3 s", total < 3000 && alone_ok == repeat ? "met" : "NOT MET");
	snprintf(v, sizeof v, "sim %.0f, OpenOCD %.0f, reset %.0f, load %.0f, steps %.0f, USB %.0f, finish %.0f ms", med[0],
		 med[1], med[2], med[3], med[4], med[5], med[6]);
	bench_out_row(&o, "run phases", v, NULL, "info");
	snprintf(v, sizeof v, "%.0f ms (%.0f%% of the run)", sleeps, 100.0 * sleeps / total);
	bench_out_row(&o, "OpenOCD's fixed sleeps in it", v, NULL, "info");

	/* scale */
	cJSON *jsc = cJSON_AddArrayToObject(o.root, "scale");
	printf("  N boards at once (each: its h7sim, its OpenOCD, its run; reports compared with the run alone):\n");
	for (int n = 1; n <= max_boards && ref; n *= 2) {
		double t0 = bench_now_ms();
		int started = 0;
		for (int i = 0; i < n; i++)
			started += start_run(&runs[i], tool, i, 0) == 0;
		if (started != n) {
			fprintf(stderr, "bench_run: could not start %d runs\n", n);
			break;
		}
		collect(runs, n);
		double wall = bench_now_ms() - t0, sum = 0;
		int same = 0, ok = 0, port_clash = 0;
		char diff[600] = "";
		for (int i = 0; i < n; i++) {
			cJSON *j = load_report(runs[i].json);
			char d[512];
			sum += runs[i].mark[M_END];
			ok += runs[i].status == 0 && j && strcmp(verdict_of(j), "dfu-enumerated") == 0;
			if (j && !first_diff(ref, j, d, sizeof d, ""))
				same++;
			else if (!diff[0])
				snprintf(diff, sizeof diff, "run %d: %s", i, j ? d : "no report");
			cJSON_Delete(j);
			unlink(runs[i].json);
			for (int k = 0; k < i; k++) {
				unsigned a[3] = { runs[i].rbb, runs[i].ctl, runs[i].tcl }, c[3] = { runs[k].rbb, runs[k].ctl,
												runs[k].tcl };
				for (int x = 0; x < 3; x++)
					for (int y = 0; y < 3; y++)
						port_clash += a[x] && a[x] == c[y];
			}
		}
		printf("    N=%d  %7.0f ms wall, %6.0f ms per run on average; %d/%d dfu-enumerated, %d/%d reports as alone, "
		       "%s%s%s\n",
		       n, wall, sum / n, ok, n, same, n, port_clash ? "PORTS SHARED" : "ports distinct", diff[0] ? "; " : "",
		       diff);
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "boards", n);
		cJSON_AddNumberToObject(e, "wall_ms", wall);
		cJSON_AddNumberToObject(e, "mean_run_ms", sum / n);
		cJSON_AddNumberToObject(e, "dfu_enumerated", ok);
		cJSON_AddNumberToObject(e, "reports_as_alone", same);
		cJSON_AddBoolToObject(e, "ports_distinct", !port_clash);
		if (diff[0])
			cJSON_AddStringToObject(e, "first_difference", diff);
		cJSON_AddItemToArray(jsc, e);
		snprintf(v, sizeof v, "%.1f s wall (%.1f s per run)", wall / 1000, sum / n / 1000);
		char fig[48];
		snprintf(fig, sizeof fig, "%d board%s at once", n, n > 1 ? "s" : "");
		bench_out_row(&o, fig, v, "no interference",
			      same == n && !port_clash ? "met" : "NOT MET");
	}
	cJSON_Delete(ref);
	bench_out_finish(&o);
	return 0;
}
