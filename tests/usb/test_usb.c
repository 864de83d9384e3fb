/* The USB side end to end without hardware: `h7jumpdiag usb list|watch` runs
 * under the umockdev harness (tests/usb/harness.c) against emulated devices:
 * the STM32 ROM bootloader's DFU device, the application's CDC device leaving
 * and the DFU device arriving on the same port, two boards, a hub, malformed
 * descriptors, a surprise removal mid-transfer, a permission error; and the
 * real dfu-util lists the same device with the same alt names.
 *
 * Times are only compared for order, never against wall-clock limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>

#include "testutil.h"

extern char **environ;

struct run {
	int status; /* exit status, or 128 + signal */
	char *out, *err;
};

static void append(char **buf, size_t *len, const char *data, size_t n)
{
	char *nb = realloc(*buf, *len + n + 1);
	assert_non_null(nb);
	memcpy(nb + *len, data, n);
	*len += n;
	nb[*len] = '\0';
	*buf = nb;
}

/* Run argv (no shell), capture stdout and stderr. */
static void run_argv(char *const argv[], struct run *r)
{
	int po[2], pe[2], st;
	size_t lo = 0, le = 0;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	struct pollfd fds[2];

	memset(r, 0, sizeof *r);
	append(&r->out, &lo, "", 0);
	append(&r->err, &le, "", 0);
	assert_int_equal(pipe(po), 0);
	assert_int_equal(pipe(pe), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	posix_spawn_file_actions_addclose(&fa, po[0]);
	posix_spawn_file_actions_addclose(&fa, pe[0]);
	assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	fds[0].fd = po[0];
	fds[1].fd = pe[0];
	fds[0].events = fds[1].events = POLLIN;
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			char buf[4096];
			ssize_t n;
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(fds[i].fd, buf, sizeof buf);
			if (n > 0) {
				if (i == 0)
					append(&r->out, &lo, buf, (size_t)n);
				else
					append(&r->err, &le, buf, (size_t)n);
			} else {
				close(fds[i].fd);
				fds[i].fd = -1;
			}
		}
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* h7usb-harness HARGS -- PROG TARGS ("" or space-separated words; PROG NULL = h7jumpdiag). */
static void hrun(struct run *r, const char *hargs, const char *prog, const char *targs)
{
	char *argv[64], *hcopy = strdup(hargs), *tcopy = strdup(targs), *save = NULL, *tok;
	char harness[4096], tool[4096];
	int n = 0;

	/* prog may be tu_build_path()'s static buffer: copy it first */
	snprintf(tool, sizeof tool, "%s", prog ? prog : tu_build_path("h7jumpdiag"));
	snprintf(harness, sizeof harness, "%s", tu_build_path("tests/usb/h7usb-harness"));
	argv[n++] = harness;
	for (tok = strtok_r(hcopy, " ", &save); tok && n < 60; tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	argv[n++] = "--";
	argv[n++] = tool;
	for (tok = strtok_r(tcopy, " ", &save); tok && n < 63; tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	run_argv(argv, r);
	free(hcopy);
	free(tcopy);
}

static void show(const struct run *r)
{
	print_error("exit %d\n--- stdout:\n%s\n--- stderr:\n%s\n", r->status, r->out, r->err);
}

static cJSON *json_of(const struct run *r)
{
	cJSON *j = cJSON_Parse(r->out);
	char path[] = "/tmp/h7jd-usb-json-XXXXXX";
	int fd;
	if (!j)
		show(r);
	assert_non_null(j);
	/* every report validates against the JSON Schema (python3-jsonschema) */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, r->out, strlen(r->out)), (ssize_t)strlen(r->out));
	close(fd);
	if (tu_validate_schema(path) != 0) {
		show(r);
		unlink(path);
		fail_msg("the usb report does not validate against the schema");
	}
	unlink(path);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "schema")), "h7jumpdiag/1");
	return j;
}

static cJSON *get(const cJSON *o, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		print_error("no key '%s'\n", key);
	assert_non_null(v);
	return v;
}

static const char *str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(get(o, key));
	if (!s)
		print_error("'%s' is not a string\n", key);
	assert_non_null(s);
	return s;
}

static double num(const cJSON *o, const char *key)
{
	cJSON *v = get(o, key);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

static int has_warning(const cJSON *dev, const char *id)
{
	const cJSON *w;
	cJSON_ArrayForEach(w, get(dev, "warnings"))
		if (strcmp(str(w, "id"), id) == 0)
			return 1;
	return 0;
}

static cJSON *list_devices(const cJSON *j)
{
	return get(get(j, "usb"), "devices");
}

static void expect_status(const struct run *r, int status)
{
	if (r->status != status)
		show(r);
	assert_int_equal(r->status, status);
}

/* ------------------------------------------------------------------ list */

static void test_list_rom(void **state)
{
	(void)state;
	struct run r;
	cJSON *j, *d, *alts, *a0, *a1, *reg, *dfu;

	hrun(&r, "--at 0:add:dfu@1-1", NULL, "usb list --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	assert_int_equal(cJSON_GetArraySize(list_devices(j)), 1);
	d = cJSON_GetArrayItem(list_devices(j), 0);
	assert_string_equal(str(d, "vid"), "0483");
	assert_string_equal(str(d, "pid"), "df11");
	assert_string_equal(str(d, "bcdDevice"), "0200");
	assert_string_equal(str(d, "manufacturer"), "STMicroelectronics");
	assert_string_equal(str(d, "product"), "DFU in FS Mode");
	assert_string_equal(str(d, "serial"), "200364500000");
	assert_string_equal(str(d, "path"), "1-1");
	assert_true(cJSON_IsTrue(get(d, "described")));
	dfu = get(d, "dfu");
	assert_int_equal(num(dfu, "bmAttributes"), 0x0B);
	assert_int_equal(num(dfu, "wDetachTimeOut"), 255);
	assert_int_equal(num(dfu, "wTransferSize"), 1024);
	assert_string_equal(str(dfu, "bcdDFUVersion"), "011a");
	alts = get(d, "alts");
	assert_int_equal(cJSON_GetArraySize(alts), 2);
	a0 = cJSON_GetArrayItem(alts, 0);
	a1 = cJSON_GetArrayItem(alts, 1);
	assert_string_equal(str(a0, "name"), "@Internal Flash   /0x08000000/16*128Kg");
	assert_string_equal(str(get(a0, "layout"), "name"), "Internal Flash");
	reg = cJSON_GetArrayItem(get(get(a0, "layout"), "regions"), 0);
	assert_string_equal(str(reg, "base"), "0x08000000");
	assert_int_equal(num(reg, "sectors"), 16);
	assert_int_equal(num(reg, "sector_size"), 128 * 1024);
	assert_string_equal(str(reg, "attributes"), "rew");
	assert_string_equal(str(a1, "name"), "@Option Bytes   /0x5200201C/01*128 e");
	reg = cJSON_GetArrayItem(get(get(a1, "layout"), "regions"), 0);
	assert_string_equal(str(reg, "base"), "0x5200201C");
	assert_int_equal(num(reg, "sector_size"), 128);
	assert_string_equal(str(reg, "attributes"), "r-w");
	assert_string_equal(str(get(d, "status"), "state"), "dfuIDLE");
	assert_string_equal(str(get(d, "status"), "status"), "OK");
	assert_int_equal(cJSON_GetArraySize(get(d, "warnings")), 0);
	cJSON_Delete(j);
	run_free(&r);
}

static void test_list_none(void **state)
{
	(void)state;
	struct run r;
	cJSON *j;

	hrun(&r, "--at 0:add:app@1-1", NULL, "usb list --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	assert_int_equal(cJSON_GetArraySize(list_devices(j)), 0);
	cJSON_Delete(j);
	run_free(&r);
	hrun(&r, "", NULL, "usb list");
	expect_status(&r, 0);
	assert_non_null(strstr(r.out, "No DFU device found."));
	run_free(&r);
}

/* The real dfu-util -l prints exactly our "Found DFU:" lines (order aside). */
static void test_dfu_util_crosscheck(void **state)
{
	(void)state;
	struct run ours, theirs;
	int n = 0;
	char *save = NULL;

	hrun(&ours, "--at 0:add:dfu@1-1,serial=200364500000", NULL, "usb list");
	expect_status(&ours, 0);
	hrun(&theirs, "--at 0:add:dfu@1-1,serial=200364500000", "/usr/bin/dfu-util", "-l");
	if (theirs.status != 0)
		show(&theirs);
	assert_int_equal(theirs.status, 0); /* dfu-util is a dependency (scripts/install-deps): never skipped */
	for (char *line = strtok_r(ours.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "Found DFU: ", 11) != 0)
			continue;
		n++;
		if (!strstr(theirs.out, line))
			print_error("dfu-util does not list:\n%s\ndfu-util said:\n%s\n", line, theirs.out);
		assert_non_null(strstr(theirs.out, line));
	}
	assert_int_equal(n, 2);
	/* and dfu-util lists no more alt settings than we do */
	n = 0;
	for (const char *p = theirs.out; (p = strstr(p, "Found DFU: ")); p++)
		n++;
	assert_int_equal(n, 2);
	run_free(&ours);
	run_free(&theirs);
}

/* ----------------------------------------------------------------- watch */

static int event_index(const cJSON *events, const char *name, int from)
{
	for (int i = from; i < cJSON_GetArraySize(events); i++)
		if (strcmp(str(cJSON_GetArrayItem(events, i), "event"), name) == 0)
			return i;
	return -1;
}

/* The jump: the application's CDC device leaves, the DFU device arrives on the same port. */
static void watch_app_to_dfu(const char *backend)
{
	struct run r;
	char args[256];
	cJSON *j, *u, *t, *ev, *d;
	int i_present, i_left, i_dfu;

	char hargs[4300];

	snprintf(args, sizeof args, "usb watch --backend %s --app-device 0483:5740 --timeout 10 --format json",
		 backend);
	snprintf(hargs, sizeof hargs, "-w --at 0:add:app@1-1 --at 30:remove:1-1 --at 60:add:dfu@1-1%s%s",
		 strcmp(backend, "poll") == 0 ? " --lsan-suppressions " : "",
		 strcmp(backend, "poll") == 0 ? tu_src_path("tests/usb/lsan-libusb-poll.supp") : "");
	hrun(&r, hargs, NULL, args);
	expect_status(&r, 0);
	j = json_of(&r);
	u = get(j, "usb");
	assert_string_equal(str(u, "backend"), backend);
	assert_true(cJSON_IsTrue(get(u, "found")));
	assert_true(cJSON_IsFalse(get(u, "present_at_start")));
	t = get(u, "timeline");
	ev = get(t, "events");
	i_present = event_index(ev, "app-present", 0);
	i_left = event_index(ev, "app-left", 0);
	i_dfu = event_index(ev, "dfu-arrived", 0);
	if (i_present < 0 || i_left <= i_present || i_dfu <= i_left)
		show(&r);
	assert_true(i_present >= 0 && i_left > i_present && i_dfu > i_left);
	assert_string_equal(str(cJSON_GetArrayItem(ev, i_left), "path"), "1-1");
	assert_string_equal(str(cJSON_GetArrayItem(ev, i_dfu), "path"), "1-1");
	/* t1 < t2, the enumeration time is their difference */
	assert_true(num(t, "app_left_ms") < num(t, "dfu_arrived_ms"));
	assert_string_equal(str(t, "enumeration_from"), "app-left");
	assert_true(num(t, "enumeration_ms") > 0);
	assert_true(num(t, "enumeration_ms") - (num(t, "dfu_arrived_ms") - num(t, "app_left_ms")) < 0.01);
	d = get(u, "device");
	assert_string_equal(str(d, "path"), "1-1");
	assert_string_equal(str(d, "pid"), "df11");
	assert_true(cJSON_IsTrue(get(d, "described")));
	assert_int_equal(cJSON_GetArraySize(get(d, "alts")), 2);
	assert_false(has_warning(d, "ambiguous-device"));
	cJSON_Delete(j);
	run_free(&r);
}

static void test_watch_hotplug(void **state)
{
	(void)state;
	watch_app_to_dfu("hotplug");
}

static void test_watch_poll(void **state)
{
	(void)state;
	watch_app_to_dfu("poll");
}

static void test_watch_timeout(void **state)
{
	(void)state;
	struct run r;
	cJSON *j, *u;

	hrun(&r, "--at 0:add:app@1-1", NULL, "usb watch --timeout 0.3 --app-device 0483:5740 --format json");
	expect_status(&r, 1); /* a diagnosis: no DFU device */
	j = json_of(&r);
	u = get(j, "usb");
	assert_true(cJSON_IsFalse(get(u, "found")));
	assert_true(cJSON_IsNull(get(u, "device")));
	assert_true(cJSON_IsNull(get(get(u, "timeline"), "dfu_arrived_ms")));
	assert_true(event_index(get(get(u, "timeline"), "events"), "app-present", 0) >= 0);
	cJSON_Delete(j);
	run_free(&r);
}

/* Present at start vs --new: the second board's DFU device arriving later. */
static void test_watch_new_only(void **state)
{
	(void)state;
	struct run r;
	cJSON *j;

	hrun(&r, "-w --at 0:add:dfu@1-1 --at 50:add:dfu@1-2", NULL, "usb watch --timeout 10 --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	assert_true(cJSON_IsTrue(get(get(j, "usb"), "present_at_start")));
	assert_string_equal(str(get(get(j, "usb"), "device"), "path"), "1-1");
	cJSON_Delete(j);
	run_free(&r);

	hrun(&r, "-w --at 0:add:dfu@1-1 --at 50:add:dfu@1-2", NULL, "usb watch --new --timeout 10 --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	assert_true(cJSON_IsFalse(get(get(j, "usb"), "present_at_start")));
	assert_string_equal(str(get(get(j, "usb"), "device"), "path"), "1-2");
	cJSON_Delete(j);
	run_free(&r);
}

/* --------------------------------------------------------- several boards */

static void test_two_boards(void **state)
{
	(void)state;
	struct run r;
	cJSON *j, *devs;

	/* same revision, same IDCODE: the same serial on both */
	hrun(&r, "--at 0:add:dfu@1-1 --at 0:add:dfu@1-2", NULL, "usb list --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	devs = list_devices(j);
	assert_int_equal(cJSON_GetArraySize(devs), 2);
	assert_true(has_warning(cJSON_GetArrayItem(devs, 0), "ambiguous-device"));
	assert_true(has_warning(cJSON_GetArrayItem(devs, 1), "ambiguous-device"));
	cJSON_Delete(j);
	run_free(&r);

	/* the port path picks one */
	hrun(&r, "--at 0:add:dfu@1-1 --at 0:add:dfu@1-2", NULL, "usb list --usb-path 1-2 --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	devs = list_devices(j);
	assert_int_equal(cJSON_GetArraySize(devs), 1);
	assert_string_equal(str(cJSON_GetArrayItem(devs, 0), "path"), "1-2");
	cJSON_Delete(j);
	run_free(&r);

	/* watch: the other board's bootloader arrives first, ours on 1-2 later */
	hrun(&r, "-w --at 20:add:dfu@1-1 --at 60:add:dfu@1-2", NULL,
	     "usb watch --usb-path 1-2 --timeout 10 --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	assert_string_equal(str(get(get(j, "usb"), "device"), "path"), "1-2");
	cJSON_Delete(j);
	run_free(&r);

	/* distinct serials: --usb-serial picks one */
	hrun(&r, "-w --at 20:add:dfu@1-1,serial=AAA --at 60:add:dfu@1-2,serial=BBB", NULL,
	     "usb watch --usb-serial BBB --timeout 10 --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	assert_string_equal(str(get(get(j, "usb"), "device"), "path"), "1-2");
	assert_string_equal(str(get(get(j, "usb"), "device"), "serial"), "BBB");
	cJSON_Delete(j);
	run_free(&r);
}

/* A board behind a hub: BUS-PORT.PORT */
static void test_hub_path(void **state)
{
	(void)state;
	struct run r;
	cJSON *j, *devs;

	hrun(&r, "--at 0:add:hub@1-2 --at 0:add:dfu@1-2.3 --at 0:add:dfu@1-1", NULL,
	     "usb list --usb-path 1-2.3 --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	devs = list_devices(j);
	assert_int_equal(cJSON_GetArraySize(devs), 1);
	assert_string_equal(str(cJSON_GetArrayItem(devs, 0), "path"), "1-2.3");
	cJSON_Delete(j);
	run_free(&r);
}

/* The DFU device enumerates on another port than the application's. */
static void test_other_port_warning(void **state)
{
	(void)state;
	struct run r;
	cJSON *j;

	hrun(&r, "-w --at 0:add:app@1-1 --at 20:remove:1-1 --at 40:add:dfu@1-2", NULL,
	     "usb watch --app-device 0483:5740 --timeout 10 --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	assert_true(has_warning(get(get(j, "usb"), "device"), "ambiguous-device"));
	cJSON_Delete(j);
	run_free(&r);
}

/* ------------------------------------------------------ malformed devices */

static void test_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *profile;
		const char *warnings[3];
	} cases[] = {
		{ "dfu-badlen", { "bad-descriptor-length", "no-functional-descriptor" } },
		{ "dfu-shorttotal", { "config-truncated" } },
		{ "dfu-truncstr", { "string-truncated", "layout-invalid" } },
		{ "dfu-nolayout", { "alt-without-layout", "layout-invalid" } },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct run r;
		char hargs[64];
		cJSON *j, *d;

		snprintf(hargs, sizeof hargs, "--at 0:add:%s@1-1", cases[i].profile);
		hrun(&r, hargs, NULL, "usb list --format json");
		expect_status(&r, 0); /* warnings, not a failure; and never a crash */
		j = json_of(&r);
		assert_int_equal(cJSON_GetArraySize(list_devices(j)), 1);
		d = cJSON_GetArrayItem(list_devices(j), 0);
		for (int k = 0; k < 3 && cases[i].warnings[k]; k++) {
			if (!has_warning(d, cases[i].warnings[k]))
				show(&r);
			assert_true(has_warning(d, cases[i].warnings[k]));
		}
		if (strcmp(cases[i].profile, "dfu-truncstr") == 0)
			assert_string_equal(str(d, "product"), "DFU in");
		cJSON_Delete(j);
		run_free(&r);
		/* the text form survives the same input */
		hrun(&r, hargs, NULL, "usb list");
		expect_status(&r, 0);
		assert_non_null(strstr(r.out, "warning ["));
		run_free(&r);
	}
}

/* ----------------------------------------------------- surprise removal */

static void test_surprise_removal(void **state)
{
	(void)state;
	struct run r;
	cJSON *j, *d, *ev;

	/* the cable goes during the 4th control transfer of `list` */
	hrun(&r, "--at 0:add:dfu@1-1,unplug-after=4", NULL, "usb list --format json");
	expect_status(&r, 3);
	j = json_of(&r);
	d = cJSON_GetArrayItem(list_devices(j), 0);
	assert_non_null(d);
	assert_string_equal(str(d, "error_code"), "H7_ERROR_NO_DEVICE");
	assert_non_null(strstr(str(d, "error"), "surprise removal"));
	assert_true(cJSON_IsFalse(get(d, "described")));
	cJSON_Delete(j);
	run_free(&r);

	/* watch: it arrives, goes while being read, the timeline shows it leaving */
	hrun(&r, "-w --at 30:add:dfu@1-1,unplug-after=3", NULL, "usb watch --timeout 10 --format json");
	expect_status(&r, 3);
	j = json_of(&r);
	ev = get(get(get(j, "usb"), "timeline"), "events");
	assert_true(event_index(ev, "dfu-left", event_index(ev, "dfu-arrived", 0)) > 0);
	assert_string_equal(str(get(get(j, "usb"), "device"), "error_code"), "H7_ERROR_NO_DEVICE");
	cJSON_Delete(j);
	run_free(&r);
}

/* ----------------------------------------------------- checks vs the part */

static void test_part_checks(void **state)
{
	(void)state;
	struct run r;
	cJSON *j, *d;

	/* the right part: nothing to say */
	hrun(&r, "--at 0:add:dfu@1-1", NULL, "usb list --idcode 0x20036450 --flash-size 2048 --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	assert_int_equal(cJSON_GetArraySize(get(cJSON_GetArrayItem(list_devices(j), 0), "warnings")), 0);
	cJSON_Delete(j);
	run_free(&r);

	/* a 1 MiB part (the alt string still says 2 MiB) on another revision */
	hrun(&r, "--at 0:add:dfu@1-1", NULL, "usb list --idcode 0x10036450 --flash-size 1024 --format json");
	expect_status(&r, 0);
	j = json_of(&r);
	d = cJSON_GetArrayItem(list_devices(j), 0);
	assert_true(has_warning(d, "flash-size-mismatch"));
	assert_true(has_warning(d, "serial-mismatch"));
	cJSON_Delete(j);
	run_free(&r);
}

/* --------------------------------------------------------------- access */

static void test_permission_denied(void **state)
{
	(void)state;
	struct run r;

	/* a real EACCES: the node is mode 0000 and the tool runs unprivileged */
	hrun(&r, geteuid() == 0 ? "--user nobody --at 0:add:dfu@1-1,deny=1" : "--at 0:add:dfu@1-1,deny=1", NULL,
	     "usb list");
	if (r.status == 2 && strstr(r.err, "h7usb-harness: spawn")) {
		/* the build tree is not reachable for the unprivileged user */
		fprintf(stderr, "SKIP test_permission_denied: %s", r.err);
		run_free(&r);
		skip();
	}
	expect_status(&r, 3);
	assert_non_null(strstr(r.err, "/dev/bus/usb/001/005"));
	assert_non_null(strstr(r.err, "permission denied"));
	assert_non_null(strstr(r.err, "udev rule"));
	assert_non_null(strstr(r.err, "50-stm32-dfu.rules"));
	run_free(&r);
}

/* ------------------------------------------------------------ --board sim */

static void test_board_sim(void **state)
{
	(void)state;
	struct run r;
	char *argv[] = { NULL, "usb", "list", "--board", "sim", NULL };
	char tool[4096];

	/* outside umockdev, the simulated bus needs h7sim's control socket */
	snprintf(tool, sizeof tool, "%s", tu_build_path("h7jumpdiag"));
	argv[0] = tool;
	unsetenv("H7SIM_CTL");
	unsetenv("UMOCKDEV_DIR");
	run_argv(argv, &r);
	expect_status(&r, 2);
	assert_non_null(strstr(r.err, "--h7sim-ctl"));
	run_free(&r);

	/* under umockdev (the bridge), --board sim reads the devices with libusb */
	hrun(&r, "--at 0:add:dfu@1-1", NULL, "usb list --board sim --format json");
	expect_status(&r, 0);
	cJSON *j = json_of(&r);
	assert_int_equal(cJSON_GetArraySize(list_devices(j)), 1);
	assert_true(cJSON_IsFalse(get(get(j, "usb"), "simulated")));
	cJSON_Delete(j);
	run_free(&r);

	/* nothing listening on the control port: a connection error */
	snprintf(tool, sizeof tool, "%s", tu_build_path("h7jumpdiag"));
	char *argv2[] = { tool, "usb", "watch", "--h7sim-ctl", "127.0.0.1:1", "--timeout", "1", NULL };
	run_argv(argv2, &r);
	expect_status(&r, 3);
	assert_non_null(strstr(r.err, "h7sim"));
	run_free(&r);
}

/* --------------------------------------------------------------- bridge */

/* Bridge mode: the harness follows a control socket's USB events and adds or
 * removes the emulated devices; a runner-like client watches with libusb and
 * makes the "chip" jump. tests/usb/ctlpeer stands in for h7sim (protocol 1). */
static void test_bridge(void **state)
{
	(void)state;
	struct run r;
	char hargs[4096];
	cJSON *j, *u, *ev, *d;

	snprintf(hargs, sizeof hargs, "--h7sim %s", tu_build_path("tests/usb/ctlpeer"));
	hrun(&r, hargs, tu_build_path("tests/usb/bridge_client"), "");
	expect_status(&r, 0);
	j = json_of(&r);
	u = get(j, "usb");
	assert_true(cJSON_IsTrue(get(u, "found")));
	assert_true(cJSON_IsFalse(get(u, "present_at_start")));
	ev = get(get(u, "timeline"), "events");
	assert_true(event_index(ev, "app-present", 0) >= 0);
	assert_true(event_index(ev, "app-left", event_index(ev, "app-present", 0)) > 0);
	assert_true(event_index(ev, "dfu-arrived", event_index(ev, "app-left", 0)) > 0);
	d = get(u, "device");
	assert_string_equal(str(d, "serial"), "200364500000"); /* the identity came over the bridge */
	assert_string_equal(str(d, "path"), "1-1");
	assert_true(cJSON_IsTrue(get(d, "described")));
	assert_int_equal(cJSON_GetArraySize(get(d, "alts")), 2);
	/* the peer quit when asked: nothing left running */
	assert_null(strstr(r.err, "killing it"));
	assert_non_null(strstr(r.err, "h7sim: event usb attach dev=dfu"));
	cJSON_Delete(j);
	run_free(&r);
}

/* The real thing once h7sim is in the tree: h7sim + the real OpenOCD + h7sim's
 * test firmware. The application's CDC device enumerates, the firmware jumps
 * to the ROM as ST recommends, the simulated ROM enumerates its DFU device;
 * the bridge hands each to umockdev when h7sim attaches it, and the watcher
 * (libusb hotplug, in its own thread) sees the app leave and the DFU device
 * arrive, and reads its descriptors. */
static void test_bridge_h7sim(void **state)
{
	(void)state;
	struct run r;
	char sim[4096], fw[4096], hargs[4200], targs[4200], client[4096];
	const char *fwbuild = getenv("H7_FWBUILD");
	cJSON *j, *u, *t, *ev, *d;

	snprintf(sim, sizeof sim, "%s", tu_build_path("h7sim"));
	snprintf(fw, sizeof fw, "%s/tests/sim/fw/testfw.bin", fwbuild && *fwbuild ? fwbuild : "build");
	if (access(sim, X_OK) != 0 || access(fw, R_OK) != 0) {
		fprintf(stderr, "SKIP test_bridge_h7sim: h7sim or its test firmware is not in the tree (%s, %s)\n", sim,
			fw);
		skip();
	}
	snprintf(client, sizeof client, "%s", tu_build_path("tests/usb/bridge_client"));
	snprintf(hargs, sizeof hargs, "-t 120000 --h7sim %s", sim);
	snprintf(targs, sizeof targs, "--testfw %s", fw);
	hrun(&r, hargs, client, targs);
	expect_status(&r, 0);
	j = json_of(&r);
	u = get(j, "usb");
	assert_true(cJSON_IsTrue(get(u, "found")));
	t = get(u, "timeline");
	ev = get(t, "events");
	assert_true(event_index(ev, "app-left", event_index(ev, "app-arrived", 0)) > 0);
	assert_true(event_index(ev, "dfu-arrived", event_index(ev, "app-left", 0)) > 0);
	assert_true(num(t, "app_left_ms") < num(t, "dfu_arrived_ms"));
	d = get(u, "device");
	assert_string_equal(str(d, "serial"), "200364500000"); /* DBGMCU_IDC 0x20036450 */
	assert_string_equal(str(d, "path"), "1-1");
	assert_true(cJSON_IsTrue(get(d, "described")));
	assert_int_equal(cJSON_GetArraySize(get(d, "alts")), 2);
	assert_null(strstr(r.err, "killing it"));
	cJSON_Delete(j);
	run_free(&r);
}

static void test_harness_usage(void **state)
{
	(void)state;
	struct run r;

	hrun(&r, "--at 0:add:nosuch@1-1", NULL, "usb list");
	expect_status(&r, 2);
	assert_non_null(strstr(r.err, "unknown profile 'nosuch'"));
	run_free(&r);
	hrun(&r, "--at 0:add:dfu@x-1", NULL, "usb list");
	expect_status(&r, 2);
	assert_non_null(strstr(r.err, "bad port"));
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_rom),
		cmocka_unit_test(test_list_none),
		cmocka_unit_test(test_dfu_util_crosscheck),
		cmocka_unit_test(test_watch_hotplug),
		cmocka_unit_test(test_watch_poll),
		cmocka_unit_test(test_watch_timeout),
		cmocka_unit_test(test_watch_new_only),
		cmocka_unit_test(test_two_boards),
		cmocka_unit_test(test_hub_path),
		cmocka_unit_test(test_other_port_warning),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_surprise_removal),
		cmocka_unit_test(test_part_checks),
		cmocka_unit_test(test_permission_denied),
		cmocka_unit_test(test_board_sim),
		cmocka_unit_test(test_bridge),
		cmocka_unit_test(test_bridge_h7sim),
		cmocka_unit_test(test_harness_usage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
