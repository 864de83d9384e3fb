/* bench_usb_latency: how long after a DFU device appears does the watcher
 * know? Hotplug events vs the poll fallback (a fresh libusb context every
 * 20 ms), under umockdev. Printed, never asserted.
 *
 * Run without arguments (bench/run does), it runs itself once per backend
 * under tests/usb's h7usb-harness, which adds and removes an emulated DFU
 * device on a schedule and logs each change with the CLOCK_MONOTONIC time it
 * began (--events-file). Inside the harness (--inner), for each arrival it
 * opens a watcher that ignores devices already present, waits, and takes the
 * arrival time the backend recorded minus the harness's add time.
 *
 *   bench_usb_latency [SAMPLES]
 *   bench_usb_latency --inner hotplug|poll EVENTS_FILE SAMPLES
 */
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "common.h"
#include "h7jumpdiag/error.h"
#include "usb.h"

/* The last "add" logged before t (ms), or -1. */
static double last_add_before(const char *path, double t)
{
	FILE *f = fopen(path, "r");
	char what[16], port[32], prof[32];
	double ts, best = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%lf %15s %31s %31s", &ts, what, port, prof) == 4)
		if (strcmp(what, "add") == 0 && ts <= t)
			best = ts;
	fclose(f);
	return best;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int inner(int argc, char **argv)
{
	struct usbw_options opt;
	struct usbw_result *res = calloc(1, sizeof *res);
	double lat[64];
	int n = 0, want;

	if (argc != 4 || !res) {
		fprintf(stderr, "usage: bench_usb_latency --inner hotplug|poll EVENTS_FILE SAMPLES\n");
		free(res);
		return 2;
	}
	want = atoi(argv[3]);
	if (want < 1 || want > 64)
		want = 10;
	memset(&opt, 0, sizeof opt);
	opt.backend = strcmp(argv[1], "poll") == 0 ? USBW_BACKEND_POLL : USBW_BACKEND_HOTPLUG;
	opt.new_only = 1;
	while (n < want) {
		struct usbw *w;
		double add;
		int rc = usbw_open(&opt, &w);

		if (rc) {
			fprintf(stderr, "bench_usb_latency: %s\n", h7_strerror(rc));
			free(res);
			return 1;
		}
		rc = usbw_wait(w, 5000, res);
		usbw_close(w);
		if (rc) {
			fprintf(stderr, "bench_usb_latency: sample %d: %s\n", n, h7_strerror(rc));
			break;
		}
		add = last_add_before(argv[2], res->mark_abs + res->t_dfu);
		if (add < 0)
			continue;
		lat[n++] = res->mark_abs + res->t_dfu - add;
	}
	free(res);
	if (n == 0)
		return 1;
	qsort(lat, (size_t)n, sizeof lat[0], cmp_double);
	printf("%s %d %.3f %.3f %.3f\n", argv[1], n, lat[0], lat[n / 2], lat[n - 1]);
	return 0;
}

/* One backend under the harness; its result line into out. */
static int run_mode(const char *self, const char *harness, const char *mode, int samples, char *out, size_t outsz)
{
	char events[] = "/tmp/h7-usb-latency-XXXXXX", n[16], *argv[8 + 4 * 64 + 8], at[2 * 64][48];
	int fd = mkstemp(events), pfd[2], k = 0, st = 0;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	ssize_t r;
	size_t got = 0;
	extern char **environ;

	if (fd < 0 || pipe(pfd))
		return -1;
	close(fd);
	snprintf(n, sizeof n, "%d", samples);
	argv[k++] = (char *)harness;
	argv[k++] = "-w";
	argv[k++] = "-t";
	argv[k++] = "60000";
	argv[k++] = "--events-file";
	argv[k++] = events;
	for (int i = 0; i < samples; i++) {
		snprintf(at[2 * i], sizeof at[0], "%d:add:dfu@1-1", 100 + 120 * i);
		snprintf(at[2 * i + 1], sizeof at[0], "%d:remove:1-1", 160 + 120 * i);
		argv[k++] = "--at";
		argv[k++] = at[2 * i];
		argv[k++] = "--at";
		argv[k++] = at[2 * i + 1];
	}
	argv[k++] = "--";
	argv[k++] = (char *)self;
	argv[k++] = "--inner";
	argv[k++] = (char *)mode;
	argv[k++] = events;
	argv[k++] = n;
	argv[k] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawn(&pid, harness, &fa, NULL, argv, environ)) {
		posix_spawn_file_actions_destroy(&fa);
		unlink(events);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	while (got + 1 < outsz && (r = read(pfd[0], out + got, outsz - 1 - got)) > 0)
		got += (size_t)r;
	out[got] = '\0';
	close(pfd[0]);
	waitpid(pid, &st, 0);
	unlink(events);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], harness[PATH_MAX + 32], out[2][256], *slash;
	double med[2] = { 0, 0 };
	static const char *const modes[2] = { "hotplug", "poll" };
	int samples = argc > 1 ? atoi(argv[1]) : 15;
	ssize_t len;

	if (argc > 1 && strcmp(argv[1], "--inner") == 0)
		return inner(argc - 1, argv + 1); /* argv[1..3]: mode, events file, samples */
	if (samples < 1 || samples > 64)
		samples = 15;
	len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0)
		return 1;
	self[len] = '\0';
	snprintf(harness, sizeof harness, "%s", self);
	slash = strrchr(harness, '/');
	if (!slash)
		return 1;
	/* $(BUILD)/bench/bench_usb_latency -> $(BUILD)/tests/usb/h7usb-harness */
	snprintf(slash, sizeof harness - (size_t)(slash - harness), "/../tests/usb/h7usb-harness");
	printf("USB detection latency under umockdev, %d arrivals per backend (ms from the harness beginning to add "
	       "the device to the watcher recording it)\n", samples);
	printf("  %-8s %3s %8s %8s %8s\n", "backend", "n", "min", "median", "max");
	for (int m = 0; m < 2; m++) {
		char name[16];
		int cnt;
		double mn, md, mx;

		if (run_mode(self, harness, modes[m], samples, out[m], sizeof out[m]) ||
		    sscanf(out[m], "%15s %d %lf %lf %lf", name, &cnt, &mn, &md, &mx) != 5) {
			printf("  %-8s failed (is %s built? make bench builds it)\n", modes[m], harness);
			return 1;
		}
		printf("  %-8s %3d %8.3f %8.3f %8.3f\n", name, cnt, mn, md, mx);
		med[m] = md;
	}
	if (med[0] > 0)
		printf("  poll/hotplug median ratio: %.1f\n", med[1] / med[0]);

	struct bench_out o;
	char v[96];
	bench_out_init(&o, "usb");
	cJSON_AddNumberToObject(o.root, "samples", samples);
	cJSON *jm = cJSON_AddObjectToObject(o.root, "median_ms");
	cJSON_AddNumberToObject(jm, "hotplug", med[0]);
	cJSON_AddNumberToObject(jm, "poll", med[1]);
	if (med[0] > 0)
		cJSON_AddNumberToObject(o.root, "poll_vs_hotplug", med[1] / med[0]);
	snprintf(v, sizeof v, "hotplug %.2f ms, poll %.2f ms (%.1fx)", med[0], med[1], med[0] > 0 ? med[1] / med[0] : 0);
	bench_out_row(&o, "DFU detection latency (median)", v, NULL, "info");
	bench_out_finish(&o);
	return 0;
}
