/* Security (issue 8): hostile strings in paths, symbols and options cannot
 * inject Tcl into OpenOCD; the spawned OpenOCD and h7sim listen on 127.0.0.1
 * only, with OpenOCD's gdb and telnet ports off; no shell is ever invoked.
 *
 * Canaries, each shown to fire when the string does reach Tcl unquoted:
 *  - target memory: `[mww ADDR 0xDEADBEEF]` in a file name written into a
 *    Tcl command would write ADDR (read back through our own OpenOCD);
 *  - OpenOCD's log: `echo H7JD-CANARY` in a configuration path;
 *  - the run itself: `[shutdown]` / `; shutdown ;` would end OpenOCD early.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rel.h"
#include "sim_harness.h"
#include "testutil.h"

extern char **environ;

#define LIMIT_MS 60000
/* backup SRAM (RM0399 memory map): nothing in a run writes it */
#define CANARY_ADDR 0x38800000u

/* Every character the issue names: ; [ ] $ { } quotes and a newline. */
#define HOSTILE_MWW "a;b [mww 0x38800000 0xDEADBEEF]{c}$d\"e'f\n} ; mww 0x38800004 0xDEADBEEF ; list {g"
#define HOSTILE_SHUTDOWN "s;[shutdown];{x} ; shutdown ; list {$y\"'\nz"

static struct sim_harness sim;

static void make_dir(char *buf, size_t cap)
{
	snprintf(buf, cap, "/tmp/h7jd-sec-XXXXXX");
	assert_non_null(mkdtemp(buf));
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char p[1024];
		struct stat sb;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			remove_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static uint32_t canary(void)
{
	uint32_t a = 1, b = 1;

	assert_int_equal(sim_read32(&sim, CANARY_ADDR, &a), 0);
	assert_int_equal(sim_read32(&sim, CANARY_ADDR + 4, &b), 0);
	return a | b;
}

/* our own OpenOCD on the harness' h7sim, stopped again (one JTAG client at a time) */
static void own_openocd_stop(void)
{
	char *r = sim_tcl(&sim, "shutdown");
	int st;

	free(r);
	close(sim.tcl_fd);
	sim.tcl_fd = -1;
	assert_int_equal(waitpid(sim.ocd_pid, &st, 0), sim.ocd_pid);
	sim.ocd_pid = 0;
}

/* --cm4-image: a file name that load_image would execute if it were pasted
 * into the command. */
static void test_hostile_cm4_image(void **state)
{
	(void)state;
	char dir[64], path[512], cmd[1024];
	struct rel_tool t;
	struct rel_opts o = { .sim = &sim };
	char *r;

	memset(&sim, 0, sizeof sim);
	assert_int_equal(sim_start(&sim, NULL), 0);
	assert_int_equal(sim_openocd(&sim, true), 0);
	/* the canary works: the string, unquoted in a Tcl command, writes memory */
	assert_int_equal(canary(), 0);
	snprintf(cmd, sizeof cmd, "catch {load_image %s 0x30000000 bin}", HOSTILE_MWW);
	r = sim_tcl(&sim, cmd);
	free(r);
	assert_int_equal(canary(), 0xDEADBEEFu);
	free(sim_tcl(&sim, "mww 0x38800000 0; mww 0x38800004 0"));
	assert_int_equal(canary(), 0);
	own_openocd_stop();

	make_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/%s.bin", dir, HOSTILE_MWW);
	assert_int_equal(rel_copy(rel_fw("firmware-probe/cm4-park.bin"), path), 0);
	{
		const char *args[] = { "--recipe", "st", "--cm4", "running", "--cm4-image", path, NULL };
		rel_run(&t, &o, args, LIMIT_MS);
	}
	assert_non_null(t.json);
	/* the image was found and loaded under its real name, the CM4 ran it */
	assert_int_equal(t.status, 0);
	assert_string_equal(rel_str(rel_obj(t.json, "setup"), "cm4"), "running");
	assert_string_equal(rel_str(t.json, "verdict"), "dfu-enumerated");
	rel_cleanup(&t);
	assert_int_equal(sim_openocd(&sim, true), 0);
	assert_int_equal(canary(), 0);
	sim_stop(&sim);
	remove_tree(dir);
}

/* --elf and --sim-flash (h7sim's argv) with a name that would shut OpenOCD
 * down if it reached Tcl; the path comes back intact in the report. */
static void test_hostile_elf(void **state)
{
	(void)state;
	char dir[64], path[512];
	struct rel_tool t;

	make_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/%s.elf", dir, HOSTILE_SHUTDOWN);
	assert_int_equal(rel_copy(rel_fw("tests/firmware/app-good.elf"), path), 0);
	{
		const char *args[] = { "--sim-flash", path, "--elf", path, NULL };
		rel_run(&t, NULL, args, LIMIT_MS);
	}
	assert_non_null(t.json);
	assert_int_equal(t.status, 0);
	assert_string_equal(rel_str(t.json, "verdict"), "dfu-enumerated");
	assert_string_equal(rel_str(rel_obj(t.json, "elf"), "path"), path);
	rel_cleanup(&t);
	remove_tree(dir);
}

/* --break-at: a hostile symbol is looked up in the ELF, never sent anywhere:
 * a usage error (EXIT STATUS 2) naming it verbatim, before anything starts
 * (no report, no OpenOCD, no h7sim: rel_run checks that no child is left). */
static void test_hostile_symbol(void **state)
{
	(void)state;
	struct rel_tool t;
	const char *args[] = { "--sim-flash", rel_fw("tests/firmware/app-good.elf"), "--elf",
			       rel_fw("tests/firmware/app-good.elf"), "--break-at", HOSTILE_SHUTDOWN, NULL };
	char expect[512];

	rel_run(&t, NULL, args, LIMIT_MS);
	assert_int_equal(t.status, 2);
	assert_null(t.json);
	/* the whole symbol, newline included, comes back verbatim */
	char *log = tu_read_file(t.log, NULL);
	snprintf(expect, sizeof expect, "has no symbol '%s'", HOSTILE_SHUTDOWN);
	assert_non_null(log);
	assert_non_null(strstr(log, expect));
	free(log);
	assert_true(t.t_ms < 5000); /* refused at once: nothing was started */
	rel_cleanup(&t);
}

/* A data directory (where openocd-h7sim.cfg is found) whose path holds Tcl:
 * OpenOCD's own `-f PATH` would run it (shown first), h7jumpdiag must not. */
static void test_hostile_data_dir(void **state)
{
	(void)state;
	char dir[64], hostile[512], cfg[600], stub[600], env[600], *out;
	struct rel_tool t;
	const char *args[] = { "--recipe", "seed", NULL };
	const char *envs[] = { env, NULL };
	struct rel_opts o = { .verbose = true, .env = envs };
	int fd, st;
	pid_t pid;
	posix_spawn_file_actions_t fa;
	FILE *f;

	make_dir(dir, sizeof dir);
	snprintf(hostile, sizeof hostile, "%s/a} ; echo H7JD-CANARY ; list {", dir);
	assert_int_equal(mkdir(hostile, 0755), 0);
	snprintf(cfg, sizeof cfg, "%s/openocd-h7sim.cfg", hostile);
	assert_int_equal(rel_copy(tu_src_path("sim/openocd-h7sim.cfg"), cfg), 0);
	f = fopen(cfg, "a");
	assert_non_null(f);
	fputs("\necho H7JD-CFG-USED\n", f); /* proves which file OpenOCD read */
	fclose(f);
	/* `script {DIR/a}` must succeed for the rest of the line to run */
	snprintf(stub, sizeof stub, "%s/a", dir);
	f = fopen(stub, "w");
	assert_non_null(f);
	fputs("# stub\n", f);
	fclose(f);

	/* the vector is real: OpenOCD 0.12's -f runs the path's Tcl */
	{
		char log[640];
		const char *argv[] = { "openocd", "-f", cfg, "-c", "shutdown", NULL };
		snprintf(log, sizeof log, "%s/direct.log", dir);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		assert_true(fd >= 0);
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, fd, 1);
		posix_spawn_file_actions_adddup2(&fa, fd, 2);
		assert_int_equal(posix_spawnp(&pid, "openocd", &fa, NULL, (char *const *)argv, environ), 0);
		posix_spawn_file_actions_destroy(&fa);
		close(fd);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		out = tu_read_file(log, NULL);
		assert_non_null(out);
		assert_non_null(strstr(out, "H7JD-CANARY"));
		free(out);
	}

	snprintf(env, sizeof env, "H7_DATA_DIR=%s", hostile);
	rel_run(&t, &o, args, LIMIT_MS);
	assert_non_null(t.json);
	assert_int_equal(t.status, 1);
	assert_string_equal(rel_str(t.json, "verdict"), "fault");
	{
		const char *ocd_log = rel_str(t.json, "openocd_log");
		assert_true(ocd_log[0] != '\0');
		out = tu_read_file(ocd_log, NULL);
		assert_non_null(out);
		/* the configuration really came from the hostile directory, and only it ran */
		assert_non_null(strstr(out, "H7JD-CFG-USED"));
		assert_null(strstr(out, "H7JD-CANARY"));
		free(out);
	}
	rel_cleanup(&t);
	remove_tree(dir);
}

/* ---- listening sockets and processes ---- */

/* the socket inodes a process holds */
static int socket_inodes(pid_t pid, unsigned long *ino, int max)
{
	char d[64];
	DIR *dp;
	struct dirent *e;
	int n = 0;

	snprintf(d, sizeof d, "/proc/%d/fd", (int)pid);
	dp = opendir(d);
	if (!dp)
		return 0;
	while ((e = readdir(dp)) != NULL && n < max) {
		char p[320], l[64];
		ssize_t k;
		snprintf(p, sizeof p, "%s/%s", d, e->d_name);
		k = readlink(p, l, sizeof l - 1);
		if (k <= 0)
			continue;
		l[k] = '\0';
		if (sscanf(l, "socket:[%lu]", &ino[n]) == 1)
			n++;
	}
	closedir(dp);
	return n;
}

/* Listening TCP sockets of pid: count; *nonlocal counts those not on 127.0.0.1. */
static int listeners(pid_t pid, int *nonlocal)
{
	static const char *const tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	unsigned long ino[64];
	int n = socket_inodes(pid, ino, 64), count = 0;

	*nonlocal = 0;
	for (int t = 0; t < 2; t++) {
		FILE *f = fopen(tables[t], "r");
		char line[512];
		if (!f)
			continue;
		while (fgets(line, sizeof line, f)) {
			char local[64];
			unsigned st;
			unsigned long inode;
			/* sl local rem st tx:rx tr:tm retr uid timeout inode */
			if (sscanf(line, " %*s %63s %*s %x %*s %*s %*s %*s %*s %lu", local, &st, &inode) != 3 || st != 0x0A)
				continue;
			for (int i = 0; i < n; i++)
				if (ino[i] == inode) {
					count++;
					if (t == 1 || strncmp(local, "0100007F:", 9))
						(*nonlocal)++;
				}
		}
		fclose(f);
	}
	return count;
}

/* During a run: OpenOCD listens once (Tcl; gdb and telnet off), h7sim twice
 * (remote_bitbang, control), all on 127.0.0.1; the tool's only children are
 * those two (no shell). */
static void test_listening_and_children(void **state)
{
	(void)state;
	struct rel_tool t;
	const char *args[] = { "--recipe", "seed", NULL };
	struct rel_opts o = { .verbose = true };
	pid_t ocd, h7, kids[2];
	int nonlocal;

	rel_start(&t, &o, args);
	if (!rel_wait_log(t.log, "step 2/", 30000)) {
		kill(t.pid, SIGKILL);
		fail_msg("the run never reached step 2");
	}
	ocd = rel_child(t.pid, "openocd");
	h7 = rel_child(t.pid, "h7sim");
	assert_true(ocd > 0 && h7 > 0);
	kids[0] = ocd;
	kids[1] = h7;
	/* nothing else runs under the tool, and nothing under its children */
	{
		DIR *d = opendir("/proc");
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			pid_t p = (pid_t)atoi(e->d_name);
			char path[64], buf[256];
			FILE *f;
			int ppid = -1;
			if (p <= 0)
				continue;
			snprintf(path, sizeof path, "/proc/%d/stat", (int)p);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (fgets(buf, sizeof buf, f)) {
				char *rp = strrchr(buf, ')');
				if (rp)
					sscanf(rp + 1, " %*c %d", &ppid);
			}
			fclose(f);
			if (ppid == t.pid && p != ocd && p != h7)
				fail_msg("unexpected child %d of h7jumpdiag: %s", (int)p, buf);
			for (int k = 0; k < 2; k++)
				if (ppid == kids[k])
					fail_msg("%d has a child: %s", (int)kids[k], buf);
		}
		closedir(d);
	}
	assert_int_equal(listeners(ocd, &nonlocal), 1);
	assert_int_equal(nonlocal, 0);
	assert_int_equal(listeners(h7, &nonlocal), 2);
	assert_int_equal(nonlocal, 0);
	rel_finish(&t, LIMIT_MS);
	assert_non_null(t.json);
	assert_int_equal(t.status, 1);
	{
		const char *ocd_log = rel_str(t.json, "openocd_log");
		assert_true(sim_log_contains(ocd_log, "gdb port disabled"));
		assert_false(sim_log_contains(ocd_log, "for telnet connections"));
		assert_false(sim_log_contains(ocd_log, "for gdb connections"));
	}
	rel_cleanup(&t);
}

/* No shell in the sources: every process is started from an argv array. */
static void test_no_shell_in_sources(void **state)
{
	(void)state;
	static const char *const dirs[] = { "src", "sim" };
	static const char *const bad[] = { "system(", "popen(", "execl(", "execlp(", "execle(", "wordexp(", "/bin/sh",
					   "\"sh\"", "\"bash\"", "\"-c\", NULL" };
	int files = 0, execs = 0;

	for (size_t k = 0; k < 2; k++) {
		DIR *d = opendir(tu_src_path(dirs[k]));
		struct dirent *e;
		assert_non_null(d);
		while ((e = readdir(d)) != NULL) {
			char rel[300], *text;
			size_t n = strlen(e->d_name);
			if (n < 3 || strcmp(e->d_name + n - 2, ".c"))
				continue;
			snprintf(rel, sizeof rel, "%s/%s", dirs[k], e->d_name);
			text = tu_read_file(tu_src_path(rel), NULL);
			assert_non_null(text);
			files++;
			for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++)
				if (strstr(text, bad[b]))
					fail_msg("%s contains %s", rel, bad[b]);
			for (const char *p = text; (p = strstr(p, "exec")) != NULL; p++)
				if (!strncmp(p, "execvp(argv[0], (char *const *)argv)", 36))
					execs++;
			free(text);
		}
		closedir(d);
	}
	assert_true(files > 20);
	/* the one place processes are started (src/ocd_proc.c) */
	assert_int_equal(execs, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_shell_in_sources),
		cmocka_unit_test(test_hostile_cm4_image),
		cmocka_unit_test(test_hostile_elf),
		cmocka_unit_test(test_hostile_symbol),
		cmocka_unit_test(test_hostile_data_dir),
		cmocka_unit_test(test_listening_and_children),
	};
	rel_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
