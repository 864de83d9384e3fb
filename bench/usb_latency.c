/* usb_latency: how long after a device appears does the watcher know?
 *
 * Runs under tests/usb's h7usb-harness, which adds and removes an emulated
 * DFU device on a schedule and logs each change (CLOCK_MONOTONIC ms) to an
 * events file. For each arrival this program opens a watcher that ignores
 * devices already present (so it waits for the next arrival), waits, and
 * takes the DFU arrival time the backend recorded minus the harness's add
 * time. Printed, never asserted (bench/usb_latency.sh compares the backends).
 *
 *   usb_latency hotplug|poll EVENTS_FILE SAMPLES
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
	struct usbw_options opt;
	struct usbw_result *res = calloc(1, sizeof *res);
	double lat[64];
	int n = 0, want;

	if (argc != 4 || !res) {
		fprintf(stderr, "usage: usb_latency hotplug|poll EVENTS_FILE SAMPLES\n");
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
			fprintf(stderr, "usb_latency: %s\n", h7_strerror(rc));
			return 1;
		}
		rc = usbw_wait(w, 5000, res);
		usbw_close(w);
		if (rc) {
			fprintf(stderr, "usb_latency: sample %d: %s\n", n, h7_strerror(rc));
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
