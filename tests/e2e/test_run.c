/* End-to-end: `h7jumpdiag run --board sim` through the real OpenOCD and h7sim,
 * checked through its JSON report (validated against the schema elsewhere).
 * The expectations are issue 7's acceptance criteria: what each recipe and
 * setup option must show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

extern char **environ;

struct result {
	int status;
	cJSON *json;
};

/* The test process is a child subreaper (main): any process the tool started
 * and did not reap before exiting is re-parented to us. Returns how many. */
static int leftover_descendants(void)
{
	int n = 0, st;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		n++; /* outlived the tool (now a zombie of ours) */
	if (p == 0) {
		/* still running: stop them (children of ours by now) so the next test starts clean */
		DIR *d = opendir("/proc");
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char path[300];
			FILE *f;
			int pid, ppid;
			if (e->d_name[0] < '0' || e->d_name[0] > '9')
				continue;
			snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
			if (!(f = fopen(path, "r")))
				continue;
			if (fscanf(f, "%d %*s %*c %d", &pid, &ppid) == 2 && ppid == getpid()) {
				kill(pid, SIGKILL);
				n++;
			}
			fclose(f);
		}
		if (d)
			closedir(d);
		while (waitpid(-1, &st, 0) > 0)
			;
	}
	return n;
}

/* Run build/h7jumpdiag run --board sim ARGS... --format json -o TMP; parse TMP.
 * Also checks that the run left no OpenOCD or h7sim process behind. */
static struct result run_tool(const char *const *args)
{
	struct result r = { -1, NULL };
	char out[] = "/tmp/h7jd-e2e-XXXXXX";
	char log[] = "/tmp/h7jd-e2e-log-XXXXXX";
	const char *argv[40];
	int n = 0, fd, lfd, st;
	pid_t pid;
	posix_spawn_file_actions_t fa;

	fd = mkstemp(out);
	lfd = mkstemp(log);
	assert_true(fd >= 0 && lfd >= 0);
	close(fd);
	argv[n++] = tu_build_path("h7jumpdiag");
	argv[n++] = "run";
	argv[n++] = "--board";
	argv[n++] = "sim";
	for (int i = 0; args[i] && n < 34; i++)
		argv[n++] = args[i];
	argv[n++] = "--format";
	argv[n++] = "json";
	argv[n++] = "-o";
	argv[n++] = out;
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, lfd, 1);
	posix_spawn_file_actions_adddup2(&fa, lfd, 2);
	assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (leftover_descendants() != 0)
		fail_msg("h7jumpdiag run %s left a process behind", args[1]);
	{
		char *text = tu_read_file(out, NULL);
		if (text && tu_validate_schema(out) != 0) {
			unlink(out);
			unlink(log);
			fail_msg("the report of h7jumpdiag run %s does not validate against the schema", args[1]);
		}
		if (text) {
			r.json = cJSON_Parse(text);
			free(text);
		}
		if (!r.json) {
			char *l = tu_read_file(log, NULL);
			print_error("no JSON report (exit %d); output:\n%s\n", r.status, l ? l : "");
			free(l);
		}
	}
	close(lfd);
	unlink(out);
	unlink(log);
	return r;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static int has_finding(const cJSON *j, const char *id)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(j, "findings"))
		if (!strcmp(str(f, "id"), id))
			return 1;
	return 0;
}

/* The findings with severity warning or error, space separated, in report order. */
static const char *serious(const cJSON *j)
{
	static char buf[512];
	const cJSON *f;
	buf[0] = '\0';
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(j, "findings"))
		if (strcmp(str(f, "severity"), "info")) {
			strcat(buf, str(f, "id"));
			strcat(buf, " ");
		}
	return buf;
}

static const cJSON *step_named(const cJSON *j, const char *name)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(j, "steps"))
		if (!strcmp(str(s, "name"), name))
			return s;
	return NULL;
}

static int set_has(const cJSON *reg, const char *bit)
{
	const cJSON *b;
	cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(reg, "set"))
		if (cJSON_IsString(b) && !strcmp(b->valuestring, bit))
			return 1;
	return 0;
}

static const cJSON *fault_reg(const cJSON *fault, const char *reg)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(fault, "decoded"), "fault");
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "registers"), reg);
}

static void expect_serious(const cJSON *j, const char *ids)
{
	if (strcmp(serious(j), ids))
		print_error("expected findings \"%s\", got \"%s\"\n", ids, serious(j));
	assert_string_equal(serious(j), ids);
}

static void test_seed(void **state)
{
	(void)state;
	const char *args[] = { "--recipe", "seed", NULL };
	struct result r = run_tool(args);
	const cJSON *faults, *f1, *f2, *dc, *rv;

	assert_non_null(r.json);
	assert_int_equal(r.status, 1);
	assert_string_equal(str(r.json, "verdict"), "fault");
	dc = step_named(r.json, "disable-dcache");
	rv = step_named(r.json, "read-vectors");
	assert_non_null(dc);
	assert_non_null(rv);
	faults = cJSON_GetObjectItemCaseSensitive(r.json, "faults");
	assert_int_equal(cJSON_GetArraySize(faults), 2);
	/* fault 1: IMPRECISERR, attributed to the D-cache step */
	f1 = cJSON_GetArrayItem(faults, 0);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(f1, "step")->valueint,
			 cJSON_GetObjectItemCaseSensitive(dc, "index")->valueint);
	assert_true(set_has(fault_reg(f1, "CFSR"), "IMPRECISERR"));
	/* fault 2: HardFault FORCED from PRECISERR, BFAR 0x1FFF9804, at the vector read */
	f2 = cJSON_GetArrayItem(faults, 1);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(f2, "step")->valueint,
			 cJSON_GetObjectItemCaseSensitive(rv, "index")->valueint);
	assert_string_equal(str(f2, "exception"), "HardFault");
	assert_true(set_has(fault_reg(f2, "CFSR"), "PRECISERR"));
	assert_true(set_has(fault_reg(f2, "CFSR"), "BFARVALID"));
	assert_true(set_has(fault_reg(f2, "HFSR"), "FORCED"));
	assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(f2, "decoded"), "fault"),
				"BFAR"),
			    "0x1FFF9804");
	assert_true(has_finding(r.json, "bootloader-address"));
	assert_true(has_finding(r.json, "irq-disabled-at-jump"));
	assert_true(has_finding(r.json, "cache-disable-when-off"));
	assert_true(has_finding(r.json, "imprecise-bus-fault"));
	assert_true(has_finding(r.json, "precise-bus-fault"));
	/* nothing was written to flash or option bytes */
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r.json, "sim"),
							  "flash_write_attempts")->valueint, 0);
	cJSON_Delete(r.json);
}

static void test_st(void **state)
{
	(void)state;
	const char *args[] = { "--recipe", "st", NULL };
	struct result r = run_tool(args);
	const cJSON *bl;

	assert_non_null(r.json);
	assert_int_equal(r.status, 0);
	assert_string_equal(str(r.json, "verdict"), "dfu-enumerated");
	bl = cJSON_GetObjectItemCaseSensitive(r.json, "bootloader");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(bl, "reached")));
	/* st reaches system memory with PRIMASK clear and IPSR 0 */
	{
		const cJSON *regs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(bl, "snapshot"),
								     "registers");
		unsigned long xpsr = strtoul(str(regs, "XPSR"), NULL, 16);
		assert_string_equal(str(regs, "PRIMASK"), "0x00000000");
		assert_int_equal(xpsr & 0x1FFu, 0); /* IPSR 0: Thread mode */
		assert_true(strtoul(str(regs, "PC"), NULL, 16) >= 0x1FF00000u &&
			    strtoul(str(regs, "PC"), NULL, 16) < 0x1FF20000u); /* in system memory */
	}
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "faults")), 0);
	/* ST's sequence leaves SysTick running through HAL_RCC_DeInit's HAL_InitTick */
	expect_serious(r.json, "systick-running ");
	cJSON_Delete(r.json);
}

/* Each one-fix variant shows exactly what its remaining bugs explain. */
static void test_one_fix_variants(void **state)
{
	(void)state;
	static const struct {
		const char *recipe;
		const char *verdict;
		const char *findings;
	} cases[] = {
		{ "seed+addr", "fault",
		  "imprecise-bus-fault cache-disable-when-off irq-disabled-at-jump nvic-pending dfu-not-enumerated " },
		{ "seed+addr+cache", "no-dfu", "irq-disabled-at-jump nvic-pending dfu-not-enumerated " },
		{ "seed+addr+cache+irq", "dfu-enumerated", "nvic-pending " },
		{ "stack-local", "fault", "nvic-pending stack-after-msp dfu-not-enumerated " },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *args[] = { "--recipe", cases[i].recipe, NULL };
		struct result r = run_tool(args);
		assert_non_null(r.json);
		if (strcmp(str(r.json, "verdict"), cases[i].verdict))
			print_error("%s: verdict %s\n", cases[i].recipe, str(r.json, "verdict"));
		assert_string_equal(str(r.json, "verdict"), cases[i].verdict);
		expect_serious(r.json, cases[i].findings);
		cJSON_Delete(r.json);
	}
}

static void test_setup_options(void **state)
{
	(void)state;
	{
		const char *args[] = { "--recipe", "st", "--from-isr", NULL };
		struct result r = run_tool(args);
		assert_non_null(r.json);
		assert_string_equal(str(r.json, "verdict"), "no-dfu");
		assert_true(has_finding(r.json, "handler-mode-jump"));
		assert_int_equal(r.status, 1);
		cJSON_Delete(r.json);
	}
	{
		const char *args[] = { "--recipe", "st", "--cm4", "running", "--cm4-image", "usb", NULL };
		struct result r = run_tool(args);
		assert_non_null(r.json);
		assert_true(has_finding(r.json, "cm4-running"));
		assert_string_equal(str(r.json, "verdict"), "no-dfu");
		cJSON_Delete(r.json);
	}
	{
		const char *args[] = { "--recipe", "seed+addr+cache+irq", "--with-cdc", NULL };
		struct result r = run_tool(args);
		assert_non_null(r.json);
		assert_string_equal(str(r.json, "verdict"), "no-dfu");
		assert_true(has_finding(r.json, "usb-still-connected"));
		cJSON_Delete(r.json);
	}
	{
		const char *args[] = { "--recipe", "seed", "--with-caches", NULL };
		struct result r = run_tool(args);
		assert_non_null(r.json);
		assert_false(has_finding(r.json, "cache-disable-when-off"));
		assert_false(has_finding(r.json, "imprecise-bus-fault"));
		assert_true(has_finding(r.json, "bootloader-address"));
		cJSON_Delete(r.json);
	}
}

static const char *fw(const char *name)
{
	static char buf[2][4096];
	static int k;
	const char *b = getenv("H7_FWBUILD");
	k ^= 1;
	snprintf(buf[k], sizeof buf[k], "%s/tests/firmware/%s", b && *b ? b : "build", name);
	return buf[k];
}

/* --elf: the user's own firmware in (simulated) flash, stepped line by line. */
static void test_elf(void **state)
{
	(void)state;
	{
		const char *args[] = { "--sim-flash", fw("app-fault.elf"), "--elf", fw("app-fault.elf"), NULL };
		struct result r = run_tool(args);
		const cJSON *s, *faults;
		int saw_dcache = 0;
		assert_non_null(r.json);
		assert_int_equal(r.status, 1);
		assert_string_equal(str(r.json, "verdict"), "fault");
		/* the user's firmware is not unwound past its fault: the report says so */
		assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(r.json, "setup"), "keep_going")));
		assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "faults")), 1);
		cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(r.json, "steps")) {
			assert_string_equal(str(s, "kind"), "source");
			assert_non_null(strstr(str(s, "name"), "app-fault.c:"));
			if (strstr(str(s, "source"), "SCB_DisableDCache();"))
				saw_dcache = 1;
		}
		assert_true(saw_dcache);
		faults = cJSON_GetObjectItemCaseSensitive(r.json, "faults");
		assert_int_equal(cJSON_GetArraySize(faults), 1);
		assert_true(set_has(fault_reg(cJSON_GetArrayItem(faults, 0), "CFSR"), "IMPRECISERR"));
		assert_true(has_finding(r.json, "cache-disable-when-off"));
		assert_true(has_finding(r.json, "bootloader-address"));
		assert_true(has_finding(r.json, "imprecise-bus-fault"));
		cJSON_Delete(r.json);
	}
	{
		const char *args[] = { "--sim-flash", fw("app-good.elf"), "--elf", fw("app-good.elf"), NULL };
		struct result r = run_tool(args);
		const cJSON *s, *branch = NULL;
		assert_non_null(r.json);
		assert_int_equal(r.status, 0);
		assert_string_equal(str(r.json, "verdict"), "dfu-enumerated");
		cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(r.json, "steps"))
			if (!strcmp(str(s, "kind"), "branch"))
				branch = s;
		assert_non_null(branch);
		assert_non_null(strstr(str(branch, "name"), "app-good.c:"));
		assert_false(has_finding(r.json, "bootloader-address"));
		cJSON_Delete(r.json);
	}
}

/* The ELF must be what the flash holds: h7jumpdiag never writes flash. */
static void test_elf_mismatch(void **state)
{
	(void)state;
	const char *args[] = { "--sim-flash", fw("app-good.elf"), "--elf", fw("app-fault.elf"), NULL };
	struct result r = run_tool(args);
	assert_int_equal(r.status, 3);
	assert_non_null(r.json);
	assert_string_equal(str(r.json, "verdict"), "error");
	cJSON_Delete(r.json);
}

/* Issue 7's acceptance through libusb: the USB test harness (umockdev) starts
 * h7sim itself and hands the simulated chip's devices to umockdev as they
 * attach; `run` attaches to that h7sim (--h7sim) and watches with libusb. */
static void test_st_with_cdc_through_libusb(void **state)
{
	(void)state;
	char harness[4096], sim[4096], tool[4096];
	const char *argv[32];
	int n = 0, lfd, st;
	char log[] = "/tmp/h7jd-e2e-usb-XXXXXX";
	pid_t pid;
	posix_spawn_file_actions_t fa;
	cJSON *j, *u, *t, *d, *alt0;
	char *out;

	snprintf(harness, sizeof harness, "%s", tu_build_path("tests/usb/h7usb-harness"));
	snprintf(sim, sizeof sim, "%s", tu_build_path("h7sim"));
	snprintf(tool, sizeof tool, "%s", tu_build_path("h7jumpdiag"));
	argv[n++] = harness;
	argv[n++] = "-t";
	argv[n++] = "120000";
	argv[n++] = "--h7sim";
	argv[n++] = sim;
	argv[n++] = "--";
	argv[n++] = tool;
	argv[n++] = "run";
	argv[n++] = "--board";
	argv[n++] = "sim";
	argv[n++] = "--h7sim";
	argv[n++] = "127.0.0.1:{rbb}:{ctl}";
	argv[n++] = "--recipe";
	argv[n++] = "st";
	argv[n++] = "--with-cdc";
	argv[n++] = "--format";
	argv[n++] = "json";
	argv[n] = NULL;
	lfd = mkstemp(log);
	assert_true(lfd >= 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, lfd, 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(lfd);
	out = tu_read_file(log, NULL);
	assert_non_null(out);
	assert_int_equal(tu_validate_schema(log), 0);
	unlink(log);
	j = cJSON_Parse(out);
	if (!j)
		print_error("not JSON:\n%s\n", out);
	free(out);
	assert_non_null(j);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_string_equal(str(j, "verdict"), "dfu-enumerated");
	u = cJSON_GetObjectItemCaseSensitive(j, "usb");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "simulated"))); /* libusb, not the sim bus */
	t = cJSON_GetObjectItemCaseSensitive(u, "timeline");
	/* the application's device left before the DFU device arrived */
	assert_true(cJSON_GetObjectItemCaseSensitive(t, "app_left_ms")->valuedouble <
		    cJSON_GetObjectItemCaseSensitive(t, "dfu_arrived_ms")->valuedouble);
	d = cJSON_GetObjectItemCaseSensitive(u, "device");
	assert_string_equal(str(d, "vid"), "0483");
	assert_string_equal(str(d, "pid"), "df11");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "described")));
	alt0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(d, "alts"), 0);
	assert_string_equal(str(alt0, "name"), "@Internal Flash   /0x08000000/16*128Kg");
	assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(alt0, "layout"), "name"), "Internal Flash");
	cJSON_Delete(j);
}

/* --junit: a testcase per step (failed where a fault was caught) and one for DFU enumeration. */
static void test_junit(void **state)
{
	(void)state;
	char xml[] = "/tmp/h7jd-e2e-junit-XXXXXX";
	int fd = mkstemp(xml);
	assert_true(fd >= 0);
	close(fd);
	const char *args[] = { "--recipe", "seed+addr", "--junit", xml, NULL };
	struct result r = run_tool(args);
	char *x = tu_read_file(xml, NULL);
	const char *p;
	int cases = 0, failures = 0;
	assert_non_null(r.json);
	assert_non_null(x);
	for (p = x; (p = strstr(p, "<testcase ")); p++)
		cases++;
	for (p = x; (p = strstr(p, "<failure ")); p++)
		failures++;
	/* every step plus the DFU enumeration case */
	assert_int_equal(cases, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "steps")) + 1);
	/* the D-cache step faulted, and no DFU device: two failures */
	assert_int_equal(failures, 2);
	assert_non_null(strstr(x, "name=\"dfu-enumeration\"><failure message=\"verdict fault\""));
	assert_non_null(strstr(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
	free(x);
	unlink(xml);
	cJSON_Delete(r.json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_st),
		cmocka_unit_test(test_one_fix_variants),
		cmocka_unit_test(test_setup_options),
		cmocka_unit_test(test_elf),
		cmocka_unit_test(test_elf_mismatch),
		cmocka_unit_test(test_st_with_cdc_through_libusb),
		cmocka_unit_test(test_junit),
	};
	/* orphans of the tool come to us: see leftover_descendants() */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
