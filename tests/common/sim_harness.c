/* Test support for h7sim + OpenOCD (see sim_harness.h). */
#include "sim_harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SIM_TIMEOUT_MS 10000
#define SIM_TCL_MAX (16u * 1024 * 1024)

static double sim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *sim_h7sim_path(void)
{
	static char buf[1024];
	const char *b = getenv("H7_BUILD");

	snprintf(buf, sizeof(buf), "%s/h7sim", b && *b ? b : "build");
	return buf;
}

const char *sim_fw_path(const char *rel)
{
	static char buf[1024];
	const char *b = getenv("H7_FWBUILD");

	snprintf(buf, sizeof(buf), "%s/%s", b && *b ? b : "build", rel);
	return buf;
}

static void sim_log_path(char *buf, size_t cap, const char *what)
{
	static unsigned n;
	const char *b = getenv("H7_BUILD");
	char dir[400];

	snprintf(dir, sizeof(dir), "%.300s/tests/logs", b && *b ? b : "build");
	if (access(dir, W_OK) != 0)
		snprintf(dir, sizeof(dir), "/tmp");
	snprintf(buf, cap, "%s/%s-%d-%u.log", dir, what, (int)getpid(), n++);
}

/* fork + execvp with stdout to a pipe (out_fd) or /dev/null, stderr to log */
static pid_t sim_spawn(char *const argv[], const char *log, int *out_fd)
{
	int pfd[2] = { -1, -1 };
	pid_t parent = getpid(), pid;

	if (out_fd && pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		if (out_fd) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return -1;
	}
	if (pid == 0) {
		int lfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int nul = open("/dev/null", O_RDWR);

		/* die with the test program, whatever happens to it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (nul >= 0)
			dup2(nul, 0);
		if (out_fd)
			dup2(pfd[1], 1);
		else if (nul >= 0)
			dup2(nul, 1);
		if (lfd >= 0)
			dup2(lfd, 2);
		execvp(argv[0], argv);
		fprintf(stderr, "sim_harness: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out_fd) {
		close(pfd[1]);
		*out_fd = pfd[0];
	}
	return pid;
}

/* wait for a child with a timeout; returns its exit status, or -1 (killed) */
static int sim_reap(pid_t *pid, int timeout_ms)
{
	double end = sim_now_ms() + timeout_ms;
	int st = 0;

	if (*pid <= 0)
		return 0;
	for (;;) {
		pid_t r = waitpid(*pid, &st, WNOHANG);

		if (r == *pid)
			break;
		if (r < 0) {
			*pid = 0;
			return -1;
		}
		if (sim_now_ms() > end) {
			kill(*pid, SIGKILL);
			waitpid(*pid, &st, 0);
			*pid = 0;
			return -1;
		}
		usleep(2000);
	}
	*pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int sim_connect(int port)
{
	struct sockaddr_in a;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

int sim_start(struct sim_harness *h, const char *const *extra_args)
{
	char *argv[48];
	char line[256];
	size_t n = 0, len = 0;
	int out = -1;
	double end;

	memset(h, 0, sizeof(*h));
	h->tcl_fd = h->ctl_fd = -1;
	argv[n++] = (char *)sim_h7sim_path();
	for (unsigned i = 0; extra_args && extra_args[i] && n < 46; i++)
		argv[n++] = (char *)extra_args[i];
	argv[n] = NULL;
	sim_log_path(h->sim_log, sizeof(h->sim_log), "h7sim");
	h->sim_pid = sim_spawn(argv, h->sim_log, &out);
	if (h->sim_pid < 0) {
		fprintf(stderr, "sim_harness: cannot start %s\n", argv[0]);
		return -1;
	}
	/* the first stdout line: "h7sim ready rbb-port=N ctl-port=N" */
	end = sim_now_ms() + SIM_TIMEOUT_MS;
	while (len < sizeof(line) - 1 && !memchr(line, '\n', len)) {
		struct pollfd p = { out, POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, (int)(end - sim_now_ms()) > 0 ? (int)(end - sim_now_ms()) : 0) <= 0)
			break;
		r = read(out, line + len, sizeof(line) - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(out);
	line[len] = 0;
	if (sscanf(line, "h7sim ready rbb-port=%d ctl-port=%d", &h->rbb_port, &h->ctl_port) != 2) {
		fprintf(stderr, "sim_harness: no ready line from h7sim (got '%s'; log %s)\n", line, h->sim_log);
		sim_stop(h);
		return -1;
	}
	h->ctl_fd = sim_connect(h->ctl_port);
	if (h->ctl_fd < 0) {
		fprintf(stderr, "sim_harness: cannot connect to the control port %d\n", h->ctl_port);
		sim_stop(h);
		return -1;
	}
	return 0;
}

bool sim_log_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(buf, sizeof(buf), f))
		found = strstr(buf, needle) != NULL;
	fclose(f);
	return found;
}

static int sim_log_port(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	int port = -1;

	if (!f)
		return -1;
	while (port < 0 && fgets(buf, sizeof(buf), f)) {
		const char *p = strstr(buf, "Listening on port ");

		if (p && strstr(p, "for tcl connections"))
			port = atoi(p + 18);
	}
	fclose(f);
	return port;
}

int sim_openocd(struct sim_harness *h, bool dual_core)
{
	char port_cmd[64], cfg[1024];
	const char *src = getenv("H7_SRCDIR");
	char *argv[32], *r;
	size_t n = 0;
	double end;

	snprintf(port_cmd, sizeof(port_cmd), "set H7SIM_RBB_PORT %d", h->rbb_port);
	snprintf(cfg, sizeof(cfg), "%s/sim/openocd-h7sim.cfg", src && *src ? src : ".");
	argv[n++] = "openocd";
	argv[n++] = "-c";
	argv[n++] = port_cmd;
	argv[n++] = "-f";
	argv[n++] = cfg;
	if (dual_core) {
		argv[n++] = "-c";
		argv[n++] = "set DUAL_CORE 1";
	}
	argv[n++] = "-f";
	argv[n++] = "target/stm32h7x_dual_bank.cfg";
	argv[n++] = "-c";
	argv[n++] = "gdb_port disabled";
	argv[n++] = "-c";
	argv[n++] = "telnet_port disabled";
	argv[n++] = "-c";
	argv[n++] = "tcl_port 0";
	argv[n++] = "-c";
	argv[n++] = "bindto 127.0.0.1";
	argv[n] = NULL;
	sim_log_path(h->ocd_log, sizeof(h->ocd_log), "openocd");
	h->ocd_pid = sim_spawn(argv, h->ocd_log, NULL);
	if (h->ocd_pid < 0) {
		fprintf(stderr, "sim_harness: cannot start openocd\n");
		return -1;
	}
	end = sim_now_ms() + SIM_TIMEOUT_MS;
	while (sim_now_ms() < end) {
		int st;

		h->tcl_port = sim_log_port(h->ocd_log);
		if (h->tcl_port > 0)
			break;
		if (waitpid(h->ocd_pid, &st, WNOHANG) == h->ocd_pid) {
			h->ocd_pid = 0;
			break;
		}
		usleep(5000);
	}
	if (h->tcl_port <= 0 || (h->tcl_fd = sim_connect(h->tcl_port)) < 0) {
		fprintf(stderr, "sim_harness: openocd did not open its Tcl port (log %s)\n", h->ocd_log);
		return -1;
	}
	/* OpenOCD answers once init (JTAG scan, examine) is complete */
	r = sim_tcl(h, "targets");
	if (!r) {
		fprintf(stderr, "sim_harness: openocd does not answer (log %s)\n", h->ocd_log);
		return -1;
	}
	free(r);
	return 0;
}

int sim_stop(struct sim_harness *h)
{
	int rc = 0;

	if (h->tcl_fd >= 0 && h->ocd_pid > 0) {
		char *r = sim_tcl(h, "shutdown");

		free(r);
	}
	if (h->tcl_fd >= 0)
		close(h->tcl_fd);
	h->tcl_fd = -1;
	if (h->ocd_pid > 0) {
		if (sim_reap(&h->ocd_pid, 3000) < 0)
			fprintf(stderr, "sim_harness: openocd had to be killed\n");
	}
	if (h->ctl_fd >= 0)
		close(h->ctl_fd);
	h->ctl_fd = -1;
	if (h->sim_pid > 0) {
		kill(h->sim_pid, SIGTERM);
		rc = sim_reap(&h->sim_pid, 5000);
	}
	free(h->tcl_buf);
	h->tcl_buf = NULL;
	h->tcl_len = h->tcl_cap = 0;
	return rc;
}

char *sim_tcl(struct sim_harness *h, const char *cmd)
{
	size_t n = strlen(cmd);
	double end = sim_now_ms() + SIM_TIMEOUT_MS;
	char *sep, *reply;

	if (h->tcl_fd < 0)
		return NULL;
	if (send(h->tcl_fd, cmd, n, MSG_NOSIGNAL) != (ssize_t)n || send(h->tcl_fd, "\x1a", 1, MSG_NOSIGNAL) != 1)
		return NULL;
	for (;;) {
		struct pollfd p = { h->tcl_fd, POLLIN, 0 };
		ssize_t r;
		int left;

		sep = h->tcl_len ? memchr(h->tcl_buf, 0x1a, h->tcl_len) : NULL;
		if (sep)
			break;
		if (h->tcl_len + 65536 + 1 > h->tcl_cap) {
			size_t cap = h->tcl_cap ? h->tcl_cap * 2 : 131072;
			char *nb;

			if (cap > SIM_TCL_MAX)
				return NULL;
			nb = realloc(h->tcl_buf, cap);
			if (!nb)
				return NULL;
			h->tcl_buf = nb;
			h->tcl_cap = cap;
		}
		left = (int)(end - sim_now_ms());
		if (left <= 0 || poll(&p, 1, left) <= 0) {
			fprintf(stderr, "sim_harness: Tcl command timed out: %s\n", cmd);
			return NULL;
		}
		r = recv(h->tcl_fd, h->tcl_buf + h->tcl_len, 65536, 0);
		if (r <= 0)
			return NULL;
		h->tcl_len += (size_t)r;
	}
	n = (size_t)(sep - h->tcl_buf);
	reply = malloc(n + 1);
	if (!reply)
		return NULL;
	memcpy(reply, h->tcl_buf, n);
	reply[n] = 0;
	memmove(h->tcl_buf, sep + 1, h->tcl_len - n - 1);
	h->tcl_len -= n + 1;
	return reply;
}

int sim_tcl_ok(struct sim_harness *h, const char *cmd, char **result)
{
	size_t n = strlen(cmd) + 64;
	char *wrapped = malloc(n), *r;
	int rc;

	if (result)
		*result = NULL;
	if (!wrapped)
		return -1;
	snprintf(wrapped, n, "format \"%%d:%%s\" [catch {%s} __h7r] $__h7r", cmd);
	r = sim_tcl(h, wrapped);
	free(wrapped);
	if (!r)
		return -1;
	rc = (r[0] == '0' && r[1] == ':') ? 0 : -1;
	if (result) {
		char *text = strchr(r, ':');

		*result = strdup(text ? text + 1 : r);
	}
	if (rc < 0)
		fprintf(stderr, "sim_harness: '%s' failed: %s\n", cmd, r);
	free(r);
	return rc;
}

int sim_read32(struct sim_harness *h, uint32_t addr, uint32_t *val)
{
	char cmd[64], *r = NULL;
	int rc;

	snprintf(cmd, sizeof(cmd), "read_memory 0x%08x 32 1", addr);
	rc = sim_tcl_ok(h, cmd, &r);
	if (rc == 0 && (!r || sscanf(r, "%x", val) != 1))
		rc = -1;
	free(r);
	return rc;
}

int sim_reg(struct sim_harness *h, const char *name, uint32_t *val)
{
	char cmd[96], *r = NULL, *p;
	int rc;

	snprintf(cmd, sizeof(cmd), "get_reg -force {%s}", name);
	rc = sim_tcl_ok(h, cmd, &r);
	/* reply: "name 0x..." */
	if (rc == 0 && (!r || !(p = strchr(r, ' ')) || sscanf(p + 1, "%x", val) != 1))
		rc = -1;
	free(r);
	return rc;
}

/* one line from the control socket (blocking up to timeout) */
static int sim_ctl_line(struct sim_harness *h, char *line, size_t cap, int timeout_ms)
{
	double end = sim_now_ms() + timeout_ms;

	for (;;) {
		char *nl = h->ctl_len ? memchr(h->ctl_buf, '\n', h->ctl_len) : NULL;
		struct pollfd p = { h->ctl_fd, POLLIN, 0 };
		ssize_t r;
		int left;

		if (nl) {
			size_t n = (size_t)(nl - h->ctl_buf);

			snprintf(line, cap, "%.*s", (int)n, h->ctl_buf);
			memmove(h->ctl_buf, nl + 1, h->ctl_len - n - 1);
			h->ctl_len -= n + 1;
			return 0;
		}
		if (h->ctl_len >= sizeof(h->ctl_buf))
			return -1;
		left = (int)(end - sim_now_ms());
		if (h->ctl_fd < 0 || left <= 0 || poll(&p, 1, left) <= 0)
			return -1;
		r = recv(h->ctl_fd, h->ctl_buf + h->ctl_len, sizeof(h->ctl_buf) - h->ctl_len, 0);
		if (r <= 0)
			return -1;
		h->ctl_len += (size_t)r;
	}
}

int sim_ctl(struct sim_harness *h, const char *cmd, char *reply, size_t cap)
{
	char line[1100];

	if (h->ctl_fd < 0 || send(h->ctl_fd, cmd, strlen(cmd), MSG_NOSIGNAL) < 0 ||
	    send(h->ctl_fd, "\n", 1, MSG_NOSIGNAL) != 1)
		return -1;
	for (;;) {
		if (sim_ctl_line(h, line, sizeof(line), SIM_TIMEOUT_MS) < 0)
			return -1;
		if (!strncmp(line, "event ", 6)) {
			size_t n = strlen(line);

			if (h->events_len + n + 1 < sizeof(h->events)) {
				memcpy(h->events + h->events_len, line, n);
				h->events[h->events_len + n] = '\n';
				h->events_len += n + 1;
			}
			continue;
		}
		snprintf(reply, cap, "%s", line);
		return 0;
	}
}

int sim_ctl_event(struct sim_harness *h, const char *prefix, char *line, size_t cap, int timeout_ms)
{
	double end = sim_now_ms() + timeout_ms;
	size_t plen = strlen(prefix);

	/* first the events that arrived while waiting for replies */
	while (h->events_len) {
		char *nl = memchr(h->events, '\n', h->events_len);
		size_t n = (size_t)(nl - h->events);
		bool match = n >= plen && !strncmp(h->events, prefix, plen);

		if (match)
			snprintf(line, cap, "%.*s", (int)n, h->events);
		memmove(h->events, nl + 1, h->events_len - n - 1);
		h->events_len -= n + 1;
		if (match)
			return 0;
	}
	for (;;) {
		int left = (int)(end - sim_now_ms());

		if (left <= 0 || sim_ctl_line(h, line, cap, left) < 0)
			return -1;
		if (!strncmp(line, prefix, plen))
			return 0;
	}
}
