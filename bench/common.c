/* Shared by the benchmark programs (see common.h). */
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "h7jumpdiag/error.h"

double bench_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
	if (n <= 0)
		return -1;
	qsort(v, (size_t)n, sizeof v[0], bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- results ---- */

void bench_out_init(struct bench_out *o, const char *name)
{
	snprintf(o->name, sizeof o->name, "%s", name);
	o->root = cJSON_CreateObject();
}

void bench_out_row(struct bench_out *o, const char *figure, const char *value, const char *goal, const char *status)
{
	const char *dir = getenv("H7_BENCH_DIR");
	char path[4096];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof path, "%s/summary.tsv", dir);
	f = fopen(path, "a");
	if (!f) {
		fprintf(stderr, "bench: cannot append to %s: %s\n", path, strerror(errno));
		return;
	}
	fprintf(f, "%s\t%s\t%s\t%s\t%s\n", o->name, figure, value, goal ? goal : "-", status);
	fclose(f);
}

void bench_out_finish(struct bench_out *o)
{
	const char *dir = getenv("H7_BENCH_DIR");
	char path[4096];
	char *s;
	FILE *f;

	if (dir && o->root && (s = cJSON_Print(o->root)) != NULL) {
		snprintf(path, sizeof path, "%s/%s.json", dir, o->name);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "%s\n", s);
			fclose(f);
		} else {
			fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
		}
		free(s);
	}
	cJSON_Delete(o->root);
	o->root = NULL;
}

/* ---- a simulated board ---- */

int bench_board_start(struct bench_board *b, const char *const *sim_args, int gdb)
{
	struct ocd_sim_opts so = { .extra_args = sim_args };
	const char *argv[BOARD_MAX_ARGS + 1];
	char store[2048];
	int rc;

	memset(b, 0, sizeof *b);
	rc = ocd_sim_start(&so, &b->sim);
	if (rc) {
		fprintf(stderr, "bench: cannot start h7sim (build it, or set $H7SIM): %s\n", h7_strerror(rc));
		return rc;
	}
	char *cfg = ocd_proc_find_data("openocd-h7sim.cfg");
	rc = board_openocd_argv(cfg ? board_find("sim")->openocd_args : board_sim_inline_args,
				ocd_sim_rbb_port(b->sim), cfg, argv, BOARD_MAX_ARGS + 1, store, sizeof store);
	free(cfg);
	struct ocd_proc_opts po = { .args = argv, .gdb = gdb, .ready_timeout_ms = 30000 };
	if (rc == 0)
		rc = ocd_proc_start(&po, &b->ocd, &b->rpc);
	if (rc == 0)
		rc = target_open(b->rpc, &b->t);
	if (rc) {
		fprintf(stderr, "bench: cannot set up OpenOCD: %s\n", h7_strerror(rc));
		bench_board_stop(b);
	}
	return rc;
}

void bench_board_stop(struct bench_board *b)
{
	target_close(b->t);
	if (b->ocd)
		ocd_proc_stop(b->ocd, b->rpc);
	else if (b->rpc)
		ocd_rpc_close(b->rpc);
	if (b->sim)
		ocd_sim_stop(b->sim);
	memset(b, 0, sizeof *b);
}

long long bench_sim_stat(struct bench_board *b, const char *key)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(ocd_sim_ctl_port(b->sim)) };
	char buf[1100], pat[64];
	size_t n = 0;
	long long v = -1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || send(fd, "stats\n", 6, MSG_NOSIGNAL) != 6) {
		close(fd);
		return -1;
	}
	while (n < sizeof buf - 1 && !memchr(buf, '\n', n)) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 5000) != 1)
			break;
		ssize_t r = recv(fd, buf + n, sizeof buf - 1 - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = 0;
	snprintf(pat, sizeof pat, " %s=", key);
	const char *p = strstr(buf, pat);
	if (strncmp(buf, "ok", 2) == 0 && p)
		v = strtoll(p + strlen(pat), NULL, 10);
	return v;
}

unsigned bench_gdb_port(struct bench_board *b, const char *name)
{
	FILE *f = fopen(ocd_proc_log(b->ocd), "r");
	char line[512], pat[128];
	int armed = 0;
	unsigned port = 0;

	if (!f)
		return 0;
	/* "starting gdb server for NAME on 0" is followed by "Listening on port N for gdb connections" */
	snprintf(pat, sizeof pat, "starting gdb server for %s ", name);
	while (!port && fgets(line, sizeof line, f)) {
		const char *l = strstr(line, "Listening on port");
		if (strstr(line, pat))
			armed = 1;
		else if (armed && l && sscanf(l, "Listening on port %u for gdb", &port) == 1)
			break;
	}
	fclose(f);
	return port;
}
