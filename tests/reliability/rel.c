/* Reliability test support (see rel.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rel.h"
#include "sim_harness.h"
#include "testutil.h"

extern char **environ;

static double rel_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void rel_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void rel_atexit(void);

void rel_init(void)
{
	/* orphans of h7jumpdiag come to us: see rel_finish */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		perror("PR_SET_CHILD_SUBREAPER");
		exit(1);
	}
	atexit(rel_atexit);
	signal(SIGPIPE, SIG_IGN);
}

/* the harness' own children are expected; everything else is a leftover */
static const struct sim_harness *rel_cur_sim;
/* the directory of a run whose test failed before rel_cleanup() */
static char rel_pending_dir[64];

static void rel_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char p[512];
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static void rel_atexit(void)
{
	if (rel_pending_dir[0])
		rel_remove_dir(rel_pending_dir);
}

void rel_start(struct rel_tool *t, const struct rel_opts *o, const char *const *args)
{
	static const struct rel_opts none;
	const char *argv[48], *envp[64];
	char h7sim[80], tmpdir[96];
	int n = 0, ne = 0, lfd;
	posix_spawnattr_t sa;
	posix_spawn_file_actions_t fa;

	if (!o)
		o = &none;
	memset(t, 0, sizeof *t);
	t->status = -1;
	rel_atexit(); /* a failed test's run */
	snprintf(t->dir, sizeof t->dir, "/tmp/h7jd-rel-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(rel_pending_dir, sizeof rel_pending_dir, "%s", t->dir);
	snprintf(t->out, sizeof t->out, "%s/report.json", t->dir);
	snprintf(t->log, sizeof t->log, "%s/tool.log", t->dir);
	argv[n++] = tu_build_path("h7jumpdiag");
	argv[n++] = "run";
	argv[n++] = "--board";
	argv[n++] = "sim";
	if (o->sim) {
		snprintf(h7sim, sizeof h7sim, "127.0.0.1:%d:%d", o->sim->rbb_port, o->sim->ctl_port);
		argv[n++] = "--h7sim";
		argv[n++] = h7sim;
	}
	if (o->verbose)
		argv[n++] = "-v";
	for (int i = 0; args && args[i] && n < 40; i++)
		argv[n++] = args[i];
	argv[n++] = "--format";
	argv[n++] = "json";
	argv[n++] = "-o";
	argv[n++] = o->output ? o->output : t->out;
	argv[n] = NULL;
	/* the children's logs go to the private directory (removed afterwards) */
	snprintf(tmpdir, sizeof tmpdir, "TMPDIR=%s", t->dir);
	envp[ne++] = tmpdir;
	for (int i = 0; o->env && o->env[i] && ne < 40; i++)
		envp[ne++] = o->env[i];
	for (char **e = environ; *e && ne < 62; e++)
		if (strncmp(*e, "TMPDIR=", 7))
			envp[ne++] = *e;
	envp[ne] = NULL;

	lfd = open(t->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(lfd >= 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, lfd, 1);
	posix_spawn_file_actions_adddup2(&fa, lfd, 2);
	posix_spawnattr_init(&sa);
	if (o->own_group) {
		posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETPGROUP);
		posix_spawnattr_setpgroup(&sa, 0);
	}
	rel_cur_sim = o->sim;
	t->t_ms = rel_now_ms();
	assert_int_equal(posix_spawn(&t->pid, argv[0], &fa, &sa, (char *const *)argv, (char *const *)envp), 0);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&sa);
	close(lfd);
}

static pid_t rel_ppid_of(pid_t pid, char *comm, size_t cap)
{
	char path[64], buf[512], *rp;
	FILE *f;
	size_t n;
	int ppid = -1;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* pid (comm) state ppid ...: comm may hold spaces and parentheses */
	rp = strrchr(buf, ')');
	if (!rp || sscanf(rp + 1, " %*c %d", &ppid) != 1)
		return -1;
	if (comm) {
		char *lp = strchr(buf, '(');
		size_t k = lp && rp > lp ? (size_t)(rp - lp - 1) : 0;
		if (k >= cap)
			k = cap - 1;
		memcpy(comm, lp ? lp + 1 : "", k);
		comm[k] = '\0';
	}
	return (pid_t)ppid;
}

/* Children of `parent` (pid, comm) into out; their number. */
static int rel_children(pid_t parent, pid_t *pids, char (*comms)[32], int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		char comm[32];
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0 || rel_ppid_of(pid, comm, sizeof comm) != parent)
			continue;
		pids[n] = pid;
		snprintf(comms[n], sizeof comms[n], "%s", comm);
		n++;
	}
	closedir(d);
	return n;
}

pid_t rel_child(pid_t parent, const char *comm)
{
	pid_t pids[16];
	char comms[16][32];
	int n = rel_children(parent, pids, comms, 16);

	for (int i = 0; i < n; i++)
		if (!strcmp(comms[i], comm))
			return pids[i];
	return 0;
}

/* Fail if anything but the harness' processes is our child now. */
static void rel_no_leftovers(void)
{
	pid_t pids[16];
	char comms[16][32];
	int n = rel_children(getpid(), pids, comms, 16), bad = 0;

	for (int i = 0; i < n; i++) {
		if (rel_cur_sim && (pids[i] == rel_cur_sim->sim_pid || pids[i] == rel_cur_sim->ocd_pid))
			continue;
		print_error("left behind by h7jumpdiag: pid %d (%s)\n", (int)pids[i], comms[i]);
		bad++;
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	assert_int_equal(bad, 0);
}

void rel_finish(struct rel_tool *t, int limit_ms)
{
	double end = rel_now_ms() + limit_ms;
	int st = 0;
	pid_t w;
	char *text;
	DIR *d;
	struct dirent *e;

	for (;;) {
		w = waitpid(t->pid, &st, WNOHANG);
		if (w == t->pid)
			break;
		if (rel_now_ms() > end) {
			char *l = tu_read_file(t->log, NULL);
			kill(-t->pid, SIGKILL);
			kill(t->pid, SIGKILL);
			waitpid(t->pid, &st, 0);
			print_error("h7jumpdiag did not exit within %d ms; its output:\n%s\n", limit_ms, l ? l : "");
			free(l);
			fail();
		}
		rel_sleep_ms(10);
	}
	t->t_ms = rel_now_ms() - t->t_ms;
	t->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	/* right now, before anything else could reap them */
	rel_no_leftovers();
	/* atomic writes: no temporary file next to the report */
	d = opendir(t->dir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp")) {
			print_error("temporary file left next to the report: %s\n", e->d_name);
			fail();
		}
	closedir(d);
	text = tu_read_file(t->out, NULL);
	if (!text) {
		char *l = tu_read_file(t->log, NULL);
		print_error("no report (exit %d); output:\n%s\n", t->status, l ? l : "");
		free(l);
		return;
	}
	if (tu_validate_schema(t->out) != 0) {
		free(text);
		fail_msg("the report does not validate against the schema");
	}
	t->json = cJSON_Parse(text);
	free(text);
	assert_non_null(t->json);
}

void rel_cleanup(struct rel_tool *t)
{
	cJSON_Delete(t->json);
	t->json = NULL;
	rel_remove_dir(t->dir);
	rel_pending_dir[0] = '\0';
}

void rel_run(struct rel_tool *t, const struct rel_opts *o, const char *const *args, int limit_ms)
{
	rel_start(t, o, args);
	rel_finish(t, limit_ms);
}

bool rel_wait_log(const char *path, const char *needle, int ms)
{
	double end = rel_now_ms() + ms;

	do {
		if (sim_log_contains(path, needle))
			return true;
		rel_sleep_ms(10);
	} while (rel_now_ms() < end);
	return false;
}

static bool rel_key(const char *line, const char *key, char *buf, size_t cap)
{
	size_t kl = strlen(key);

	for (const char *p = line; (p = strstr(p, key)) != NULL; p += kl) {
		if ((p == line || p[-1] == ' ') && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, " ");
			if (n >= cap)
				return false;
			memcpy(buf, p + kl + 1, n);
			buf[n] = '\0';
			return true;
		}
	}
	return false;
}

long long rel_sim_stat(struct sim_harness *h, const char *key)
{
	char line[1024], v[32];

	if (sim_ctl(h, "stats", line, sizeof line) != 0 || !rel_key(line, key, v, sizeof v))
		return -1;
	return strtoll(v, NULL, 10);
}

bool rel_sim_status(struct sim_harness *h, const char *key, char *buf, size_t cap)
{
	char line[1024];

	return sim_ctl(h, "status", line, sizeof line) == 0 && rel_key(line, key, buf, cap);
}

bool rel_wait_stat(struct sim_harness *h, const char *key, long long min, int ms)
{
	double end = rel_now_ms() + ms;

	do {
		if (rel_sim_stat(h, key) >= min)
			return true;
		rel_sleep_ms(10);
	} while (rel_now_ms() < end);
	return false;
}

void rel_inject(struct sim_harness *h, const char *what)
{
	char cmd[256], reply[256];

	snprintf(cmd, sizeof cmd, "inject %s", what);
	assert_int_equal(sim_ctl(h, cmd, reply, sizeof reply), 0);
	if (strncmp(reply, "ok", 2))
		fail_msg("%s -> %s", cmd, reply);
}

const char *rel_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

const cJSON *rel_obj(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

int rel_steps_with_snapshot(const cJSON *report)
{
	const cJSON *s;
	int n = 0;

	cJSON_ArrayForEach(s, rel_obj(report, "steps"))
		n += cJSON_IsObject(rel_obj(s, "snapshot"));
	return n;
}

bool rel_has_finding(const cJSON *report, const char *id)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, rel_obj(report, "findings"))
		if (!strcmp(rel_str(f, "id"), id))
			return true;
	return false;
}

bool rel_note_has(const cJSON *report, const char *needle)
{
	const cJSON *n;

	cJSON_ArrayForEach(n, rel_obj(report, "notes"))
		if (cJSON_IsString(n) && strstr(n->valuestring, needle))
			return true;
	return false;
}

void rel_expect_flash_untouched(const cJSON *report)
{
	const cJSON *sim = rel_obj(report, "sim");
	const cJSON *fw = rel_obj(sim, "flash_write_attempts"), *ow = rel_obj(sim, "optbyte_write_attempts");

	assert_true(cJSON_IsNumber(fw) && cJSON_IsNumber(ow));
	assert_int_equal(fw->valueint, 0);
	assert_int_equal(ow->valueint, 0);
}

const char *rel_fw(const char *name)
{
	static char buf[2][4096];
	static int k;
	const char *b = getenv("H7_FWBUILD");

	k ^= 1;
	snprintf(buf[k], sizeof buf[k], "%s/%s", b && *b ? b : "build", name);
	return buf[k];
}

int rel_copy(const char *from, const char *to)
{
	size_t n;
	char *data = tu_read_file(from, &n);
	FILE *f;
	int rc = -1;

	if (!data)
		return -1;
	f = fopen(to, "wb");
	if (f) {
		rc = fwrite(data, 1, n, f) == n ? 0 : -1;
		if (fclose(f))
			rc = -1;
	}
	free(data);
	return rc;
}
