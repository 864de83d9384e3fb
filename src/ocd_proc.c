/* OpenOCD and h7sim child processes (see ocd_proc.h). */
#include "ocd_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_rpc.h"

#ifndef H7_DATADIR
#define H7_DATADIR "/usr/local/share/h7jumpdiag"
#endif

/* ---- the signal-safe child registry ---- */

#define OCD_PROC_MAX_CHILDREN 8

static volatile sig_atomic_t ocd_proc_pids[OCD_PROC_MAX_CHILDREN];
static volatile sig_atomic_t ocd_proc_signalled;
static volatile sig_atomic_t ocd_proc_graceful;
static int ocd_proc_handlers_installed;

static void ocd_proc_on_signal(int sig)
{
	int saved = errno;

	/* graceful: the first signal only interrupts, so the caller can still
	 * restore the target through OpenOCD and then stop the children itself */
	if (!ocd_proc_graceful || ocd_proc_signalled)
		for (int i = 0; i < OCD_PROC_MAX_CHILDREN; i++)
			if (ocd_proc_pids[i] > 0)
				kill((pid_t)ocd_proc_pids[i], SIGTERM);
	ocd_rpc_set_interrupted();
	if (ocd_proc_signalled) {
		/* second signal: the user insists. The children were told to stop;
		 * reap them (bounded, async-signal-safe calls only) so none is left
		 * behind, then die of the signal */
		for (int k = 0; k < 200; k++) {
			int left = 0;
			for (int i = 0; i < OCD_PROC_MAX_CHILDREN; i++) {
				pid_t pid = (pid_t)ocd_proc_pids[i];
				if (pid <= 0)
					continue;
				if (k == 150)
					kill(pid, SIGKILL); /* 1.5 s after SIGTERM */
				pid_t w = waitpid(pid, NULL, WNOHANG);
				if (w == pid || (w < 0 && errno == ECHILD))
					ocd_proc_pids[i] = 0;
				else
					left++;
			}
			if (!left)
				break;
			struct timespec ts = { 0, 10 * 1000000L };
			nanosleep(&ts, NULL);
		}
		signal(sig, SIG_DFL);
		raise(sig);
	}
	ocd_proc_signalled = 1;
	errno = saved;
}

void ocd_proc_set_graceful(int on)
{
	ocd_proc_graceful = on ? 1 : 0;
}

static void ocd_proc_install_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	if (ocd_proc_handlers_installed)
		return;
	ocd_proc_handlers_installed = 1;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction old, sa;
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue; /* e.g. nohup: keep ignoring */
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = ocd_proc_on_signal;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = 0; /* no SA_RESTART: blocking calls see EINTR */
		sigaction(sigs[i], &sa, NULL);
	}
}

static int ocd_proc_register(pid_t pid)
{
	for (int i = 0; i < OCD_PROC_MAX_CHILDREN; i++)
		if (ocd_proc_pids[i] == 0) {
			ocd_proc_pids[i] = pid;
			return 0;
		}
	return -1;
}

static void ocd_proc_unregister(pid_t pid)
{
	for (int i = 0; i < OCD_PROC_MAX_CHILDREN; i++)
		if (ocd_proc_pids[i] == pid)
			ocd_proc_pids[i] = 0;
}

int ocd_proc_children(void)
{
	int n = 0;
	for (int i = 0; i < OCD_PROC_MAX_CHILDREN; i++)
		n += ocd_proc_pids[i] > 0;
	return n;
}

static double ocd_proc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void ocd_proc_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* ---- spawning ---- */

int ocd_proc_spawn(const char *const *argv, const char *log_path, pid_t *pid_out)
{
	int pfd[2], logfd;

	if (!argv || !argv[0] || !log_path || !pid_out)
		return H7_ERROR_INVALID_PARAM;
	if (ocd_proc_children() >= OCD_PROC_MAX_CHILDREN)
		return H7_ERROR_BUSY;
	logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd < 0) {
		h7_err("cannot open log file %s: %s", log_path, strerror(errno));
		return H7_ERROR_IO;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		close(logfd);
		return H7_ERROR_SPAWN;
	}
	ocd_proc_install_handlers();

	/* block the handled signals across fork so the child cannot run our handler */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* child: only async-signal-safe calls until exec */
		static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
		for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
			signal(sigs[i], SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		/* a process group of its own: a terminal's ^C (SIGINT to the
		 * foreground group) reaches only h7jumpdiag, which then restores
		 * the target through OpenOCD before stopping it */
		setpgid(0, 0);
		sigprocmask(SIG_SETMASK, &old, NULL);
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0) {
			dup2(nul, 0);
			close(nul);
		}
		dup2(logfd, 1);
		dup2(logfd, 2);
		execvp(argv[0], (char *const *)argv);
		int e = errno;
		ssize_t wr = write(pfd[1], &e, sizeof e);
		(void)wr;
		_exit(127);
	}
	int fork_errno = errno;
	if (pid > 0)
		ocd_proc_register(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(logfd);
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		h7_err("cannot start %s: fork failed: %s", argv[0], strerror(fork_errno));
		return H7_ERROR_SPAWN;
	}
	int child_errno = 0;
	ssize_t got;
	do {
		got = read(pfd[0], &child_errno, sizeof child_errno);
	} while (got < 0 && errno == EINTR);
	close(pfd[0]);
	if (got == (ssize_t)sizeof child_errno) {
		/* exec failed: the child has exited */
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		ocd_proc_unregister(pid);
		if (child_errno == ENOENT) {
			h7_err("cannot start '%s': program not found%s", argv[0],
			       strchr(argv[0], '/') ? "" : " in PATH");
			return H7_ERROR_NOT_FOUND;
		}
		h7_err("cannot start '%s': %s", argv[0], strerror(child_errno));
		return child_errno == EACCES ? H7_ERROR_ACCESS : H7_ERROR_SPAWN;
	}
	h7_dbg("started %s (pid %d), log %s", argv[0], (int)pid, log_path);
	*pid_out = pid;
	return 0;
}

/* Wait up to ms for pid to exit; 1 when reaped (status in *st), 0 if still running. */
static int ocd_proc_wait(pid_t pid, int ms, int *st)
{
	double deadline = ocd_proc_now_ms() + ms;

	for (;;) {
		pid_t w = waitpid(pid, st, WNOHANG);
		if (w == pid || (w < 0 && errno == ECHILD)) {
			ocd_proc_unregister(pid);
			return 1;
		}
		if (ocd_proc_now_ms() >= deadline)
			return 0;
		ocd_proc_sleep_ms(5);
	}
}

int ocd_proc_reap(pid_t pid, int timeout_ms, int *status)
{
	int st = -1;
	if (pid <= 0)
		return H7_ERROR_INVALID_PARAM;
	if (!ocd_proc_wait(pid, timeout_ms, &st))
		return H7_ERROR_TIMEOUT;
	if (status)
		*status = st;
	return 0;
}

int ocd_proc_kill(pid_t pid, int grace_ms)
{
	int st = -1;

	if (pid <= 0)
		return -1;
	if (ocd_proc_wait(pid, 0, &st))
		return st;
	kill(pid, SIGTERM);
	if (ocd_proc_wait(pid, grace_ms, &st))
		return st;
	h7_warn("process %d did not stop within %d ms; killing it", (int)pid, grace_ms);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	ocd_proc_unregister(pid);
	return st;
}

void ocd_proc_kill_all(void)
{
	for (int i = 0; i < OCD_PROC_MAX_CHILDREN; i++)
		if (ocd_proc_pids[i] > 0)
			ocd_proc_kill((pid_t)ocd_proc_pids[i], 1000);
}

char *ocd_proc_new_log(const char *what)
{
	const char *tmp = getenv("TMPDIR");
	char *path = NULL;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (asprintf(&path, "%s/h7jumpdiag-%s-XXXXXX.log", tmp, what ? what : "child") < 0)
		return NULL;
	int fd = mkostemps(path, 4, O_CLOEXEC);
	if (fd < 0) {
		h7_err("cannot create a log file in %s: %s", tmp, strerror(errno));
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* On a failed start: a log we created that stayed empty says nothing; remove it. */
static void ocd_proc_drop_empty_log(const char *path, int created)
{
	struct stat sb;
	if (created && path && stat(path, &sb) == 0 && sb.st_size == 0)
		unlink(path);
}

static char *ocd_proc_read_log(const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(max + 1);
	size_t n = buf ? fread(buf, 1, max, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* ---- log analysis (pure) ---- */

uint16_t ocd_proc_find_port(const char *log, const char *what)
{
	const char *p = log;
	char tail[64];

	if (!log || !what)
		return 0;
	snprintf(tail, sizeof tail, " for %s connections", what);
	while ((p = strstr(p, "Listening on port ")) != NULL) {
		p += 18;
		char *end;
		unsigned long v = strtoul(p, &end, 10);
		if (end != p && strncmp(end, tail, strlen(tail)) == 0 && v > 0 && v < 65536)
			return (uint16_t)v;
	}
	return 0;
}

struct ocd_proc_pattern {
	const char *text; /* substring of an OpenOCD log line */
	int err;
	const char *why;
};

/* Messages of Debian's OpenOCD 0.12.0, observed (tests/data/openocd-logs/). */
static const struct ocd_proc_pattern ocd_proc_patterns[] = {
	{ "Can't find ", H7_ERROR_NOT_FOUND, "an OpenOCD configuration file was not found" },
	{ "couldn't open ", H7_ERROR_NOT_FOUND, "an OpenOCD configuration file cannot be opened" },
	{ "couldn't bind", H7_ERROR_BUSY, "a port OpenOCD needs is in use" },
	{ "Address already in use", H7_ERROR_BUSY, "a port OpenOCD needs is in use" },
	{ "invalid command name", H7_ERROR_OPENOCD, "the OpenOCD configuration is invalid" },
	{ "wrong # args", H7_ERROR_OPENOCD, "the OpenOCD configuration is invalid" },
	/* stlink_usb.c (stlink_dap_init): an ST-LINK/V2 firmware older than J24 */
	{ "does not support DAP direct transport", H7_ERROR_NOT_SUPPORTED,
	  "the ST-LINK's firmware has no DAP mode (update it with ST's ST-LINK upgrade tool)" },
	{ "open failed", H7_ERROR_NO_DEVICE, "no debug probe found (is the ST-LINK connected and not in use?)" },
	{ "No device found", H7_ERROR_NO_DEVICE, "no debug probe found" },
	{ "unable to find", H7_ERROR_NO_DEVICE, "no debug probe found" },
	{ "LIBUSB_ERROR_ACCESS", H7_ERROR_ACCESS, "no permission to open the debug probe (udev rules?)" },
	{ "Error on socket", H7_ERROR_NO_DEVICE, "the debug adapter (remote_bitbang: h7sim) cannot be reached" },
	{ "Failed to connect", H7_ERROR_NO_DEVICE, "the debug adapter cannot be reached" },
	{ "IR capture error", H7_ERROR_TARGET, "the target does not answer on JTAG/SWD (power, wiring, reset?)" },
	{ "JTAG scan chain interrogation failed", H7_ERROR_TARGET, "the target does not answer on JTAG" },
	{ "Invalid ACK", H7_ERROR_TARGET, "the target's debug port does not answer" },
	{ "Error connecting DP", H7_ERROR_TARGET, "the target's debug port does not answer" },
	{ "Examination failed", H7_ERROR_TARGET, "the target could not be examined" },
	{ "STICKY ERROR", H7_ERROR_TARGET, "the target's debug port reported an error" },
};

int ocd_proc_classify_log(const char *log, char *why, size_t whysz, char *lines, size_t linesz)
{
	int best = -1;
	size_t used = 0;

	if (lines && linesz)
		lines[0] = '\0';
	if (why && whysz)
		why[0] = '\0';
	if (!log)
		return H7_ERROR_SPAWN;
	for (const char *p = log; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		if (memmem(p, n, "Error", 5)) {
			for (size_t k = 0; k < sizeof ocd_proc_patterns / sizeof ocd_proc_patterns[0]; k++)
				if (memmem(p, n, ocd_proc_patterns[k].text, strlen(ocd_proc_patterns[k].text))) {
					if (best < 0)
						best = (int)k;
					break;
				}
			if (lines && used + n + 2 < linesz) {
				memcpy(lines + used, p, n);
				used += n;
				lines[used++] = '\n';
				lines[used] = '\0';
			}
		}
		p += n + (eol ? 1 : 0);
	}
	if (best < 0) {
		if (why)
			snprintf(why, whysz, "OpenOCD stopped (see its log)");
		return H7_ERROR_SPAWN;
	}
	if (why)
		snprintf(why, whysz, "%s", ocd_proc_patterns[best].why);
	return ocd_proc_patterns[best].err;
}

/* ---- OpenOCD ---- */

struct ocd_proc {
	pid_t pid;
	uint16_t tcl_port, gdb_port;
	char *log;
	int exited;      /* reaped by ocd_proc_exited() */
	int status;
};

static int ocd_proc_fail(const struct ocd_proc_opts *o, const char *log_path, const char *what)
{
	char why[160], lines[1024];
	char *log = ocd_proc_read_log(log_path, 256 * 1024);
	int rc = ocd_proc_classify_log(log, why, sizeof why, lines, sizeof lines);
	free(log);
	h7_err("%s: %s", what, why);
	if (o->why && o->whysz)
		snprintf(o->why, o->whysz, "%s (OpenOCD log: %s)", why, log_path);
	if (lines[0])
		h7_err("OpenOCD said:\n%s(full log: %s)", lines, log_path);
	else
		h7_err("see the OpenOCD log: %s", log_path);
	return rc;
}

int ocd_proc_start(const struct ocd_proc_opts *o, struct ocd_proc **out, struct ocd_rpc **rpc)
{
	const char *argv[64];
	size_t n = 0;
	int rc, st;

	if (!o || !out || !rpc)
		return H7_ERROR_INVALID_PARAM;
	*out = NULL;
	*rpc = NULL;
	const char *prog = o->openocd;
	if (!prog)
		prog = getenv("H7_OPENOCD");
	if (!prog || !*prog)
		prog = "openocd";
	argv[n++] = prog;
	/* our settings first: they are configuration-stage commands */
	argv[n++] = "-c";
	argv[n++] = "bindto 127.0.0.1";
	argv[n++] = "-c";
	argv[n++] = "tcl_port 0";
	argv[n++] = "-c";
	argv[n++] = o->gdb ? "gdb_port 0" : "gdb_port disabled";
	argv[n++] = "-c";
	argv[n++] = o->telnet ? "telnet_port 0" : "telnet_port disabled";
	for (size_t i = 0; o->args && o->args[i]; i++) {
		if (n + 2 >= sizeof argv / sizeof argv[0])
			return H7_ERROR_INVALID_PARAM;
		argv[n++] = o->args[i];
	}
	argv[n] = NULL;

	struct ocd_proc *p = calloc(1, sizeof *p);
	if (!p)
		return H7_ERROR_NO_MEM;
	p->log = o->log_path ? strdup(o->log_path) : ocd_proc_new_log("openocd");
	if (!p->log) {
		free(p);
		return H7_ERROR_IO;
	}
	rc = ocd_proc_spawn(argv, p->log, &p->pid);
	if (rc) {
		if (rc == H7_ERROR_NOT_FOUND)
			h7_err("OpenOCD is not installed (Debian: apt-get install openocd), or set $H7_OPENOCD");
		ocd_proc_drop_empty_log(p->log, !o->log_path);
		free(p->log);
		free(p);
		return rc;
	}

	int timeout = o->ready_timeout_ms > 0 ? o->ready_timeout_ms : 20000;
	double deadline = ocd_proc_now_ms() + timeout;
	/* 1. the port line */
	while (!p->tcl_port) {
		if (ocd_proc_wait(p->pid, 0, &st)) {
			rc = ocd_proc_fail(o, p->log, "OpenOCD exited during start-up");
			goto fail;
		}
		char *log = ocd_proc_read_log(p->log, 256 * 1024);
		p->tcl_port = ocd_proc_find_port(log, "tcl");
		free(log);
		if (p->tcl_port)
			break;
		if (ocd_rpc_interrupted()) {
			rc = H7_ERROR_INTERRUPTED;
			goto fail;
		}
		if (ocd_proc_now_ms() >= deadline) {
			h7_err("OpenOCD did not open its Tcl port within %d ms (log: %s)", timeout, p->log);
			rc = H7_ERROR_TIMEOUT;
			goto fail;
		}
		ocd_proc_sleep_ms(10);
	}
	/* 2. the Tcl server answers (after init: probe opened, targets examined) */
	struct ocd_rpc_opts ro = { .connect_timeout_ms = 2000, .io_timeout_ms = timeout };
	rc = ocd_rpc_connect("127.0.0.1", p->tcl_port, &ro, rpc);
	if (rc == 0) {
		ocd_rpc_set_timeout(*rpc, ocd_proc_now_ms() < deadline ? (int)(deadline - ocd_proc_now_ms()) + 1 : 1);
		char *ver = NULL;
		rc = ocd_rpc_cmd(*rpc, "version", &ver);
		if (rc == 0)
			h7_dbg("%s ready on Tcl port %u (log %s)", ver, p->tcl_port, p->log);
		free(ver);
		ocd_rpc_set_timeout(*rpc, 10000);
	}
	if (rc) {
		ocd_rpc_close(*rpc);
		*rpc = NULL;
		if (rc == H7_ERROR_INTERRUPTED)
			goto fail;
		/* did it die during init? give it a moment to finish exiting */
		if (ocd_proc_wait(p->pid, 1000, &st))
			rc = ocd_proc_fail(o, p->log, "OpenOCD stopped during initialisation");
		else
			h7_err("OpenOCD does not answer on its Tcl port %u (log: %s)", p->tcl_port, p->log);
		goto fail;
	}
	if (o->gdb) {
		char *log = ocd_proc_read_log(p->log, 256 * 1024);
		p->gdb_port = ocd_proc_find_port(log, "gdb");
		free(log);
	}
	*out = p;
	return 0;
fail:
	ocd_proc_kill(p->pid, 2000);
	ocd_proc_drop_empty_log(p->log, !o->log_path);
	free(p->log);
	free(p);
	return rc;
}

uint16_t ocd_proc_tcl_port(const struct ocd_proc *p)
{
	return p ? p->tcl_port : 0;
}

uint16_t ocd_proc_gdb_port(const struct ocd_proc *p)
{
	return p ? p->gdb_port : 0;
}

const char *ocd_proc_log(const struct ocd_proc *p)
{
	return p ? p->log : NULL;
}

pid_t ocd_proc_pid(const struct ocd_proc *p)
{
	return p ? p->pid : -1;
}

int ocd_proc_exited(struct ocd_proc *p, int wait_ms, int *status)
{
	if (!p)
		return 0;
	if (!p->exited && ocd_proc_wait(p->pid, wait_ms > 0 ? wait_ms : 0, &p->status))
		p->exited = 1;
	if (p->exited && status)
		*status = p->status;
	return p->exited;
}

int ocd_proc_stop(struct ocd_proc *p, struct ocd_rpc *rpc)
{
	int st, rc = 0;

	if (!p) {
		ocd_rpc_close(rpc);
		return 0;
	}
	if (rpc) {
		char *reply = NULL;
		int interrupted = ocd_rpc_interrupted();
		ocd_rpc_set_timeout(rpc, 1000);
		/* the reply may never come: OpenOCD exits while answering. Sent
		 * after a signal too (the flag stops new requests), so OpenOCD can
		 * end cleanly instead of being killed */
		ocd_rpc_clear_interrupted();
		ocd_rpc_raw(rpc, "shutdown", &reply, NULL);
		if (interrupted)
			ocd_rpc_set_interrupted();
		free(reply);
		ocd_rpc_close(rpc);
	}
	if (p->exited)
		st = p->status;
	else if (!ocd_proc_wait(p->pid, rpc ? 2000 : 0, &st)) {
		st = ocd_proc_kill(p->pid, 2000);
		if (rpc)
			rc = H7_ERROR_TIMEOUT;
	}
	h7_dbg("OpenOCD (pid %d) stopped, status 0x%x", (int)p->pid, (unsigned)st);
	free(p->log);
	free(p);
	return rc;
}

/* ---- h7sim ---- */

struct ocd_sim {
	pid_t pid;
	uint16_t rbb, ctl;
	char *log;
};

int ocd_sim_parse_ready(const char *line, uint16_t *rbb, uint16_t *ctl)
{
	unsigned a, b;
	int used = 0;

	if (!line || sscanf(line, "h7sim ready rbb-port=%5u ctl-port=%5u%n", &a, &b, &used) != 2 || a == 0 ||
	    b == 0 || a > 65535 || b > 65535)
		return H7_ERROR_PARSE;
	if (line[used] != '\0' && line[used] != '\n' && line[used] != ' ' && line[used] != '\r')
		return H7_ERROR_PARSE;
	*rbb = (uint16_t)a;
	*ctl = (uint16_t)b;
	return 0;
}

int ocd_sim_start(const struct ocd_sim_opts *o, struct ocd_sim **out)
{
	const char *argv[32];
	size_t n = 0;
	int rc, st;
	char *found = NULL;

	if (!o || !out)
		return H7_ERROR_INVALID_PARAM;
	*out = NULL;
	const char *prog = o->h7sim;
	if (!prog)
		prog = found = ocd_proc_find_h7sim();
	if (!prog)
		return H7_ERROR_NO_MEM;
	argv[n++] = prog;
	argv[n++] = "--rbb-port";
	argv[n++] = "0";
	argv[n++] = "--ctl-port";
	argv[n++] = "0";
	for (size_t i = 0; o->extra_args && o->extra_args[i]; i++) {
		if (n + 2 >= sizeof argv / sizeof argv[0]) {
			free(found);
			return H7_ERROR_INVALID_PARAM;
		}
		argv[n++] = o->extra_args[i];
	}
	argv[n] = NULL;

	struct ocd_sim *s = calloc(1, sizeof *s);
	if (!s) {
		free(found);
		return H7_ERROR_NO_MEM;
	}
	s->log = o->log_path ? strdup(o->log_path) : ocd_proc_new_log("h7sim");
	if (!s->log) {
		free(found);
		free(s);
		return H7_ERROR_IO;
	}
	rc = ocd_proc_spawn(argv, s->log, &s->pid);
	if (rc) {
		if (rc == H7_ERROR_NOT_FOUND)
			h7_err("the simulator h7sim was not found: build it (make) or set $H7SIM");
		ocd_proc_drop_empty_log(s->log, !o->log_path);
		free(found);
		free(s->log);
		free(s);
		return rc;
	}
	int timeout = o->ready_timeout_ms > 0 ? o->ready_timeout_ms : 10000;
	double deadline = ocd_proc_now_ms() + timeout;
	for (;;) {
		/* stdout and stderr share the log: the ready line is the first line
		 * h7sim writes to stdout, but messages on stderr (e.g. about --flash)
		 * may come before it */
		char *log = ocd_proc_read_log(s->log, 64 * 1024);
		char *line = log, *ready = NULL;
		while (line && !ready) {
			char *nl = strchr(line, '\n');
			if (!nl)
				break;
			*nl = '\0';
			if (strncmp(line, "h7sim ready ", 12) == 0)
				ready = line;
			else
				line = nl + 1;
		}
		if (ready) {
			rc = ocd_sim_parse_ready(ready, &s->rbb, &s->ctl);
			if (rc)
				h7_err("h7sim printed a malformed ready line '%.120s' (log: %s)", ready, s->log);
			free(log);
			if (rc)
				goto fail;
			break;
		}
		free(log);
		if (ocd_proc_wait(s->pid, 0, &st)) {
			h7_err("h7sim exited during start-up (status 0x%x); log: %s", (unsigned)st, s->log);
			rc = H7_ERROR_SPAWN;
			goto fail;
		}
		if (ocd_rpc_interrupted()) {
			rc = H7_ERROR_INTERRUPTED;
			goto fail;
		}
		if (ocd_proc_now_ms() >= deadline) {
			h7_err("h7sim did not get ready within %d ms (log: %s)", timeout, s->log);
			rc = H7_ERROR_TIMEOUT;
			goto fail;
		}
		ocd_proc_sleep_ms(5);
	}
	h7_dbg("h7sim ready: rbb port %u, control port %u (pid %d)", s->rbb, s->ctl, (int)s->pid);
	free(found);
	*out = s;
	return 0;
fail:
	ocd_proc_kill(s->pid, 2000);
	ocd_proc_drop_empty_log(s->log, !o->log_path);
	free(found);
	free(s->log);
	free(s);
	return rc;
}

uint16_t ocd_sim_rbb_port(const struct ocd_sim *s)
{
	return s ? s->rbb : 0;
}

uint16_t ocd_sim_ctl_port(const struct ocd_sim *s)
{
	return s ? s->ctl : 0;
}

const char *ocd_sim_log(const struct ocd_sim *s)
{
	return s ? s->log : NULL;
}

pid_t ocd_sim_pid(const struct ocd_sim *s)
{
	return s ? s->pid : -1;
}

int ocd_sim_stop(struct ocd_sim *s)
{
	if (!s)
		return 0;
	int st = ocd_proc_kill(s->pid, 3000);
	h7_dbg("h7sim (pid %d) stopped, status 0x%x", (int)s->pid, (unsigned)st);
	free(s->log);
	free(s);
	return 0;
}

/* ---- finding programs and data ---- */

static char *ocd_proc_exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return strdup(buf);
}

static int ocd_proc_is_file(const char *path, int exec)
{
	struct stat sb;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (!exec || access(path, X_OK) == 0);
}

char *ocd_proc_find_h7sim(void)
{
	const char *env = getenv("H7SIM");
	if (env && *env)
		return strdup(env);
	char *dir = ocd_proc_exe_dir();
	if (dir) {
		/* build/h7jumpdiag, build/san/h7jumpdiag, build/tests/unit/test_x */
		static const char *const rel[] = { "h7sim", "../h7sim", "../../h7sim", "../../../h7sim" };
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			char *p = NULL;
			if (asprintf(&p, "%s/%s", dir, rel[i]) < 0)
				break;
			if (ocd_proc_is_file(p, 1)) {
				free(dir);
				return p;
			}
			free(p);
		}
		free(dir);
	}
	return strdup("h7sim");
}

/* A file of h7jumpdiag: $env/name, then each exe_dir/rel[i]/name, then
 * H7_DATADIR/sub/name. malloc'd path of an existing file, or NULL. */
static char *ocd_proc_find_file(const char *env, const char *const *rel, size_t nrel, const char *sub, const char *name)
{
	char *p = NULL;
	const char *e = getenv(env);

	if (!name || strchr(name, '/'))
		return NULL;
	if (e && *e) {
		if (asprintf(&p, "%s/%s", e, name) >= 0 && ocd_proc_is_file(p, 0))
			return p;
		free(p);
		p = NULL;
	}
	char *dir = ocd_proc_exe_dir();
	if (dir) {
		for (size_t i = 0; i < nrel; i++) {
			if (asprintf(&p, "%s/%s/%s", dir, rel[i], name) < 0)
				break;
			if (ocd_proc_is_file(p, 0)) {
				free(dir);
				return p;
			}
			free(p);
			p = NULL;
		}
		free(dir);
	}
	if (asprintf(&p, "%s%s%s/%s", H7_DATADIR, sub[0] ? "/" : "", sub, name) >= 0 && ocd_proc_is_file(p, 0))
		return p;
	free(p);
	return NULL;
}

char *ocd_proc_find_firmware(const char *name)
{
	/* build/h7jumpdiag -> build/firmware-probe; build/san/h7jumpdiag -> build/firmware-probe;
	 * PREFIX/bin/h7jumpdiag -> PREFIX/share/h7jumpdiag/firmware-probe (installed
	 * under another PREFIX or DESTDIR than the one it was built for) */
	static const char *const rel[] = { "firmware-probe", "../firmware-probe", "../share/h7jumpdiag/firmware-probe" };
	return ocd_proc_find_file("H7_FIRMWARE_DIR", rel, sizeof rel / sizeof rel[0], "firmware-probe", name);
}

char *ocd_proc_find_data(const char *name)
{
	static const char *const rel[] = { "../sim", "../../sim", "../../../sim", "../../../../sim", "../share/h7jumpdiag" };
	return ocd_proc_find_file("H7_DATA_DIR", rel, sizeof rel / sizeof rel[0], "", name);
}
