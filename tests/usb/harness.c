/* h7usb-harness: run a program against emulated USB devices (umockdev), with
 * hotplug on a schedule or bridged from h7sim's simulated USB bus.
 *
 *   h7usb-harness [OPTIONS] -- PROGRAM [ARGS...]
 *
 *   -a, --at MS:add:SPEC     add a device MS ms after the program starts (0: before it starts);
 *                            SPEC = PROFILE[@PORT][,key=value...] (see emu.h)
 *   -a, --at MS:remove:PORT  unplug the device on PORT (uevent "remove", then gone from sysfs)
 *   -w, --wait-monitor       count --at times from when the program's uevent monitor exists
 *                            ($UMOCKDEV_DIR/eventN): uevents sent earlier would be lost
 *   -t, --timeout MS         kill the program after MS ms (exit 124), default 20000
 *   --h7sim PROGRAM          bridge mode: start h7sim (--rbb-port 0 --ctl-port 0, then its
 *                            ready line "h7sim ready rbb-port=N ctl-port=N" on stdout, as
 *                            h7jumpdiag starts it), subscribe to its USB events and add or
 *                            remove the emulated devices exactly when the simulated chip
 *                            attaches or detaches them
 *   --h7sim-arg ARG          a further argument for h7sim (repeatable)
 *   --user NAME              run the program as this user (when root): with a device
 *                            spec's deny=1 this gives a real EACCES on its node
 *   --lsan-suppressions FILE give the program LSAN_OPTIONS=suppressions=FILE (see
 *                            tests/usb/lsan-libusb-poll.supp for the one use)
 *   --events-file PATH       append "MONO_MS add|remove PORT PROFILE" per device change
 *                            (CLOCK_MONOTONIC ms, the clock h7jumpdiag uses): latency benchmarks
 *   --list-profiles          print the device profiles and exit
 *
 * In PROGRAM's arguments, {rbb} and {ctl} become h7sim's remote_bitbang and
 * control ports, and the program's environment gets H7SIM_CTL=127.0.0.1:<ctl>
 * and H7SIM_RBB=127.0.0.1:<rbb>.
 *
 * The harness runs under libumockdev-preload (it re-executes itself with it,
 * as umockdev-wrapper does): umockdev_testbed_uevent() needs it. The program
 * inherits LD_PRELOAD and UMOCKDEV_DIR. Under ASan (make check SANITIZE=1)
 * the preload comes before the ASan runtime, so ASAN_OPTIONS gets
 * verify_asan_link_order=0 (recipe in the umockdev notes).
 * Spawned processes die with the harness (PR_SET_PDEATHSIG) and are stopped
 * on every exit path. Messages go to stderr, prefixed "[harness".
 * Exit status: the program's (124 on timeout, 2 on a harness error).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>
#include <umockdev.h>

#include "emu.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_proc.h"
#include "usb_simctl.h"

struct sched {
	guint ms;
	gboolean add;
	char *arg; /* SPEC or PORT */
};

static UMockdevTestbed *tb;
static GMainLoop *loop;
static GPtrArray *live, *gone, *later;
static unsigned next_devnum = 5;
static GPid child_pid, sim_pid;
static int child_status = -1, exit_code = -1;
static gboolean timed_out, child_done;
static double t_spawn;
static char *root_dir;
static struct simctl *sim;
static int rbb_port, ctl_port, sim_out = -1;
static uid_t run_uid;
static gid_t run_gid;
static gboolean run_as;
static FILE *events_file;

/* t: when the change began (before sysfs and the uevent), so a program that
 * sees the device before this line is written still gets the right time */
static void log_change(double t, const char *what, const struct emu_dev *d)
{
	if (events_file) {
		fprintf(events_file, "%.3f %s %s %s\n", t, what, d->port, d->profile);
		fflush(events_file);
	}
}

static double mono_ms(void)
{
	return (double)g_get_monotonic_time() / 1000.0;
}

static void say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "[harness mono=%.3f] ", mono_ms());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* --------------------------------------------------------- devices */

static struct emu_dev *find_live(const char *port)
{
	for (guint i = 0; i < live->len; i++) {
		struct emu_dev *d = live->pdata[i];
		if (strcmp(d->port, port) == 0)
			return d;
	}
	return NULL;
}

static void remove_device(const char *port);

static gboolean unplug_in_main(gpointer data)
{
	struct emu_dev *d = data;
	if (g_ptr_array_find(live, d, NULL)) {
		say("surprise removal of %s on %s after %u control transfers", d->profile, d->port, d->n_ctrl);
		remove_device(d->port);
	}
	return G_SOURCE_REMOVE;
}

/* umockdev's worker thread: hand the removal to the main loop */
static void on_unplug(struct emu_dev *d, void *user)
{
	(void)user;
	g_main_context_invoke(NULL, unplug_in_main, d);
}

static gboolean add_device(const char *spec, GError **err)
{
	struct emu_dev *d = emu_dev_new(spec, next_devnum, err);
	char *rec;
	gboolean ok;
	double t0;

	if (!d)
		return FALSE;
	next_devnum = next_devnum >= 127 ? 2 : next_devnum + 1;
	if (find_live(d->port)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "port %s is occupied: remove first", d->port);
		emu_dev_free(d);
		return FALSE;
	}
	d->on_unplug = on_unplug;
	if (!emu_dev_attach(d, tb, err)) {
		emu_dev_free(d);
		return FALSE;
	}
	rec = emu_dev_record(d);
	t0 = mono_ms();
	/* under the preload this also sends the "add" uevent */
	ok = umockdev_testbed_add_from_string(tb, rec, err);
	g_free(rec);
	if (!ok) {
		g_ptr_array_add(gone, d); /* the ioctl handler stays attached until the testbed goes */
		return FALSE;
	}
	if (d->deny) {
		char *node = g_build_filename(root_dir, d->node, NULL);
		if (chmod(node, 0) != 0)
			say("chmod %s: %s", node, g_strerror(errno));
		g_free(node);
	}
	log_change(t0, "add", d);
	g_ptr_array_add(live, d);
	say("added %s %04x:%04x on %s (%s)", d->profile, d->vid, d->pid, d->port, d->node);
	return TRUE;
}

static void remove_device(const char *port)
{
	struct emu_dev *d = find_live(port);
	double t0;

	if (!d) {
		say("remove %s: no device there", port);
		return;
	}
	t0 = mono_ms();
	g_atomic_int_set(&d->unplugged, 1);
	umockdev_testbed_uevent(tb, d->syspath, "remove"); /* needs the device still in sysfs */
	umockdev_testbed_remove_device(tb, d->syspath);
	log_change(t0, "remove", d);
	g_ptr_array_remove(live, d);
	g_ptr_array_add(gone, d);
	say("removed %s on %s (%u control transfers served)", d->profile, port, d->n_ctrl);
}

static gboolean timer_cb(gpointer data)
{
	struct sched *s = data;
	GError *err = NULL;

	if (s->add) {
		if (!add_device(s->arg, &err)) {
			say("add %s failed: %s", s->arg, err ? err->message : "?");
			g_clear_error(&err);
		}
	} else {
		remove_device(s->arg);
	}
	return G_SOURCE_REMOVE;
}

static void schedule_later(void)
{
	for (guint i = 0; i < later->len; i++) {
		struct sched *s = later->pdata[i];
		g_timeout_add(s->ms, timer_cb, s);
	}
}

static gboolean wait_monitor_cb(gpointer data)
{
	GDir *dir = g_dir_open(root_dir, 0, NULL);
	const char *n;
	gboolean found = FALSE;

	(void)data;
	while (dir && (n = g_dir_read_name(dir)))
		if (g_str_has_prefix(n, "event") && g_ascii_isdigit(n[5]))
			found = TRUE;
	if (dir)
		g_dir_close(dir);
	if (child_done)
		return G_SOURCE_REMOVE;
	if (!found)
		return G_SOURCE_CONTINUE;
	say("the program's uevent monitor is up (%.1f ms after spawn)", mono_ms() - t_spawn);
	schedule_later();
	return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------ bridge */

static char *subst(const char *s)
{
	char rbb[16], ctl[16];
	gchar **a, *r1, *r2;

	g_snprintf(rbb, sizeof rbb, "%d", rbb_port);
	g_snprintf(ctl, sizeof ctl, "%d", ctl_port);
	a = g_strsplit(s, "{rbb}", -1);
	r1 = g_strjoinv(rbb, a);
	g_strfreev(a);
	a = g_strsplit(r1, "{ctl}", -1);
	r2 = g_strjoinv(ctl, a);
	g_strfreev(a);
	g_free(r1);
	return r2;
}

static void bridge_event(const struct simctl_line *ev)
{
	const char *dev = simctl_get(ev, "dev"), *port = simctl_get(ev, "port");
	const char *serial = simctl_get(ev, "serial");
	GError *err = NULL;

	if (ev->n_words < 2 || strcmp(ev->word[0], "usb") != 0)
		return;
	say("h7sim: event usb %s dev=%s port=%s", ev->word[1], dev ? dev : "-", port ? port : "-");
	if (!dev || !port || (strcmp(dev, "dfu") != 0 && strcmp(dev, "app") != 0))
		return;
	if (strcmp(ev->word[1], "attach") == 0) {
		char *spec = g_strdup_printf("%s@%s%s%s", dev, port, serial ? ",serial=" : "", serial ? serial : "");
		if (!add_device(spec, &err)) {
			say("bridge: add %s failed: %s", spec, err ? err->message : "?");
			g_clear_error(&err);
		}
		g_free(spec);
	} else if (strcmp(ev->word[1], "detach") == 0) {
		remove_device(port);
	}
}

static gboolean on_sim_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct simctl_line *ev = g_new(struct simctl_line, 1);
	int rc;

	(void)fd;
	(void)cond;
	(void)data;
	while ((rc = simctl_next_event(sim, ev, 0)) == 0)
		bridge_event(ev);
	g_free(ev);
	if (rc == H7_ERROR_TIMEOUT)
		return G_SOURCE_CONTINUE;
	say("h7sim's control socket: %s; the bridge stops", rc == H7_ERROR_IO ? "closed" : h7_strerror(rc));
	return G_SOURCE_REMOVE;
}

/* h7sim's stdout after the ready line: pass it on, so it never blocks */
static gboolean drain_sim_out(gint fd, GIOCondition cond, gpointer data)
{
	char buf[4096];
	ssize_t r = read(fd, buf, sizeof buf);

	(void)cond;
	(void)data;
	if (r <= 0)
		return G_SOURCE_REMOVE;
	fprintf(stderr, "[h7sim] %.*s", (int)r, buf);
	return G_SOURCE_CONTINUE;
}

static void child_setup(gpointer data)
{
	(void)data;
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the harness */
}

static void program_setup(gpointer data)
{
	child_setup(data);
	if (run_as && (setgroups(0, NULL) != 0 || setgid(run_gid) != 0 || setuid(run_uid) != 0))
		_exit(126);
}

static gboolean start_bridge(const char *h7sim, gchar **sim_args, GError **err)
{
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	gchar **envp = g_get_environ();
	struct simctl_line *l = g_new(struct simctl_line, 1);
	char hp[32], ready[256] = "";
	size_t got = 0;
	uint16_t rbb, ctl;
	double deadline;
	gboolean ok = FALSE;
	int rc = H7_ERROR_CONNECT;

	g_ptr_array_add(argv, g_strdup(h7sim));
	/* as h7jumpdiag starts it (ocd_proc.c): h7sim picks free ports and says
	 * which on its first stdout line */
	g_ptr_array_add(argv, g_strdup("--rbb-port"));
	g_ptr_array_add(argv, g_strdup("0"));
	g_ptr_array_add(argv, g_strdup("--ctl-port"));
	g_ptr_array_add(argv, g_strdup("0"));
	for (int i = 0; sim_args && sim_args[i]; i++)
		g_ptr_array_add(argv, g_strdup(sim_args[i]));
	g_ptr_array_add(argv, NULL);
	/* h7sim itself runs outside the testbed */
	envp = g_environ_unsetenv(envp, "LD_PRELOAD");
	envp = g_environ_unsetenv(envp, "UMOCKDEV_DIR");
	if (!g_spawn_async_with_pipes(NULL, (gchar **)argv->pdata, envp, G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL,
				      &sim_pid, NULL, &sim_out, NULL, err))
		goto out;
	deadline = mono_ms() + 10000;
	while (!strchr(ready, '\n')) {
		struct pollfd pfd = { sim_out, POLLIN, 0 };
		ssize_t r = 0;

		if (mono_ms() < deadline && got < sizeof ready - 1 && poll(&pfd, 1, 100) >= 0) {
			if (!(pfd.revents & (POLLIN | POLLHUP)))
				continue;
			r = read(sim_out, ready + got, sizeof ready - 1 - got);
		}
		if (r <= 0) {
			g_set_error(err, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "h7sim did not print its ready line "
				    "(got '%s')", ready);
			goto out;
		}
		got += (size_t)r;
		ready[got] = '\0';
	}
	*strchr(ready, '\n') = '\0';
	if (ocd_sim_parse_ready(ready, &rbb, &ctl)) {
		g_set_error(err, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "unexpected first line from h7sim: '%s'", ready);
		goto out;
	}
	rbb_port = rbb;
	ctl_port = ctl;
	g_unix_fd_add(sim_out, G_IO_IN | G_IO_HUP | G_IO_ERR, drain_sim_out, NULL);
	say("started h7sim (pid %d), rbb port %d, control port %d", (int)sim_pid, rbb_port, ctl_port);
	g_snprintf(hp, sizeof hp, "127.0.0.1:%d", ctl_port);
	rc = simctl_connect(hp, 2000, &sim);
	if (rc) {
		g_set_error(err, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "no control socket on %s", hp);
		goto out;
	}
	{
		static const char *const handshake[] = { "hello", "subscribe usb", "usb" };
		for (int i = 0; i < 3; i++) {
			int crc = simctl_command(sim, handshake[i], l, 20000); /* a fresh h7sim can take seconds */
			if (crc || l->kind != SIMCTL_OK ||
			    (i == 0 && (!simctl_get(l, "proto") || strcmp(simctl_get(l, "proto"), "1") != 0))) {
				g_set_error(err, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "h7sim's control socket: '%s': %s",
					    handshake[i], crc ? h7_strerror(crc) : l->kind == SIMCTL_ERR ? l->message
									  : "not protocol 1");
				goto out;
			}
		}
	}
	/* a device already on the simulated cable */
	if (simctl_get(l, "attached") && strcmp(simctl_get(l, "attached"), "none") != 0) {
		struct simctl_line *fake = g_new0(struct simctl_line, 1);
		*fake = *l;
		fake->kind = SIMCTL_EVENT;
		fake->n_words = 2;
		strcpy(fake->word[0], "usb");
		strcpy(fake->word[1], "attach");
		g_strlcpy(fake->kv[fake->n_kv].key, "dev", SIMCTL_KEY_MAX);
		g_strlcpy(fake->kv[fake->n_kv++].value, simctl_get(l, "attached"), SIMCTL_VALUE_MAX);
		bridge_event(fake);
		g_free(fake);
	}
	g_unix_fd_add(simctl_fd(sim), G_IO_IN | G_IO_HUP | G_IO_ERR, on_sim_readable, NULL);
	ok = TRUE;
out:
	g_free(l);
	g_strfreev(envp);
	g_ptr_array_free(argv, TRUE);
	return ok;
}

static void stop_bridge(void)
{
	struct simctl_line l;
	double deadline = mono_ms() + 3000;

	if (sim) {
		if (sim_pid)
			(void)simctl_command(sim, "quit", &l, 1000);
		simctl_close(sim);
		sim = NULL;
	}
	while (sim_pid && mono_ms() < deadline) {
		if (waitpid(sim_pid, NULL, WNOHANG) == sim_pid) {
			sim_pid = 0;
			break;
		}
		g_usleep(10000);
	}
	if (sim_pid) {
		say("h7sim did not quit: SIGTERM");
		kill(sim_pid, SIGTERM);
		deadline = mono_ms() + 2000;
		while (mono_ms() < deadline && waitpid(sim_pid, NULL, WNOHANG) != sim_pid)
			g_usleep(10000);
		if (waitpid(sim_pid, NULL, WNOHANG) == 0) {
			say("h7sim did not stop: killing it");
			kill(sim_pid, SIGKILL);
			waitpid(sim_pid, NULL, 0);
		}
		sim_pid = 0;
	}
	if (sim_out >= 0) {
		close(sim_out);
		sim_out = -1;
	}
}

/* ----------------------------------------------------------- the child */

static void child_cb(GPid pid, gint status, gpointer data)
{
	(void)data;
	child_status = status;
	child_done = TRUE;
	g_spawn_close_pid(pid);
	g_main_loop_quit(loop);
}

static gboolean kill_cb(gpointer data)
{
	(void)data;
	if (!child_done)
		kill(child_pid, SIGKILL);
	return G_SOURCE_REMOVE;
}

static gboolean timeout_cb(gpointer data)
{
	(void)data;
	timed_out = TRUE;
	say("timeout: stopping the program");
	kill(child_pid, SIGTERM);
	g_timeout_add(3000, kill_cb, NULL);
	return G_SOURCE_REMOVE;
}

static gboolean on_term(gpointer data)
{
	(void)data;
	say("signal: stopping");
	exit_code = 130;
	if (!child_done) {
		kill(child_pid, SIGTERM);
		g_timeout_add(3000, kill_cb, NULL);
	} else {
		g_main_loop_quit(loop);
	}
	return G_SOURCE_CONTINUE;
}

static int reexec_with_preload(char **argv)
{
	const char *pre = g_getenv("LD_PRELOAD");
	const char *asan = g_getenv("ASAN_OPTIONS");
	gchar *v;

	if (pre && strstr(pre, "libumockdev-preload"))
		return 0;
	v = pre && *pre ? g_strconcat("libumockdev-preload.so.0:", pre, NULL) : g_strdup("libumockdev-preload.so.0");
	g_setenv("LD_PRELOAD", v, TRUE);
	g_free(v);
	if (!asan || !strstr(asan, "verify_asan_link_order")) {
		v = asan && *asan ? g_strconcat(asan, ":verify_asan_link_order=0", NULL)
				  : g_strdup("verify_asan_link_order=0");
		g_setenv("ASAN_OPTIONS", v, TRUE);
		g_free(v);
	}
	execv("/proc/self/exe", argv);
	perror("h7usb-harness: re-exec with libumockdev-preload");
	return -1;
}

int main(int argc, char **argv)
{
	gchar **at = NULL, **cmd = NULL, *h7sim = NULL, **sim_args = NULL;
	gint timeout_ms = 20000;
	gboolean wait_mon = FALSE, list = FALSE;
	gchar *user = NULL, *events_path = NULL, *lsan_supp = NULL;
	GOptionEntry entries[] = {
		{ "at", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &at, "add or remove a device", "MS:add:SPEC|MS:remove:PORT" },
		{ "wait-monitor", 'w', 0, G_OPTION_ARG_NONE, &wait_mon, "count --at times from the program's uevent monitor",
		  NULL },
		{ "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_ms, "kill the program after MS", "MS" },
		{ "h7sim", 0, 0, G_OPTION_ARG_FILENAME, &h7sim, "bridge h7sim's simulated bus", "PROGRAM" },
		{ "h7sim-arg", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sim_args, "an argument for h7sim", "ARG" },
		{ "user", 0, 0, G_OPTION_ARG_STRING, &user, "run the program as this user", "NAME" },
		{ "lsan-suppressions", 0, 0, G_OPTION_ARG_FILENAME, &lsan_supp, "LeakSanitizer suppressions",
		  "FILE" },
		{ "events-file", 0, 0, G_OPTION_ARG_FILENAME, &events_path, "log device changes", "PATH" },
		{ "list-profiles", 0, 0, G_OPTION_ARG_NONE, &list, "print the device profiles", NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &cmd, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *oc;
	GError *err = NULL;
	gchar **envp, **child_argv;
	int rc = 2;

	if (reexec_with_preload(argv))
		return 2;
	oc = g_option_context_new("-- PROGRAM [ARGS...]");
	g_option_context_add_main_entries(oc, entries, NULL);
	if (!g_option_context_parse(oc, &argc, &argv, &err)) {
		g_printerr("h7usb-harness: %s\n", err->message);
		return 2;
	}
	g_option_context_free(oc);
	if (list) {
		for (int i = 0; emu_profiles[i]; i++)
			printf("%s\n", emu_profiles[i]);
		return 0;
	}
	if (!cmd || !cmd[0]) {
		g_printerr("h7usb-harness: no program given (-- PROGRAM ARGS...)\n");
		return 2;
	}

	if (events_path && !(events_file = fopen(events_path, "a"))) {
		g_printerr("h7usb-harness: %s: %s\n", events_path, g_strerror(errno));
		return 2;
	}
	if (user && geteuid() == 0) {
		struct passwd *pw = getpwnam(user);
		if (!pw) {
			g_printerr("h7usb-harness: no user '%s'\n", user);
			return 2;
		}
		run_uid = pw->pw_uid;
		run_gid = pw->pw_gid;
		run_as = TRUE;
		umask(0); /* the testbed (sysfs, sockets) must be usable by that user */
	}
	tb = umockdev_testbed_new(); /* sets $UMOCKDEV_DIR for us and the program */
	root_dir = umockdev_testbed_get_root_dir(tb);
	if (run_as)
		chmod(root_dir, 01777);
	loop = g_main_loop_new(NULL, FALSE);
	live = g_ptr_array_new();
	gone = g_ptr_array_new();
	later = g_ptr_array_new();

	for (int i = 0; at && at[i]; i++) {
		gchar **f = g_strsplit(at[i], ":", 3);
		struct sched *s;

		if (g_strv_length(f) != 3 || (strcmp(f[1], "add") != 0 && strcmp(f[1], "remove") != 0)) {
			g_printerr("h7usb-harness: bad --at '%s' (MS:add:SPEC or MS:remove:PORT)\n", at[i]);
			g_strfreev(f);
			goto out;
		}
		s = g_new0(struct sched, 1);
		s->ms = (guint)atoi(f[0]);
		s->add = strcmp(f[1], "add") == 0;
		s->arg = g_strdup(f[2]);
		g_strfreev(f);
		g_ptr_array_add(later, s);
		if (s->ms == 0 && s->add) {
			g_ptr_array_remove_index(later, later->len - 1);
			if (!add_device(s->arg, &err)) {
				g_printerr("h7usb-harness: %s\n", err->message);
				g_free(s->arg);
				g_free(s);
				goto out;
			}
			g_free(s->arg);
			g_free(s);
		}
	}

	if (h7sim && !start_bridge(h7sim, sim_args, &err)) {
		g_printerr("h7usb-harness: bridge: %s\n", err ? err->message : "failed");
		goto out;
	}

	envp = g_get_environ(); /* LD_PRELOAD, UMOCKDEV_DIR, ASAN_OPTIONS */
	if (h7sim) {
		char hp[32];
		g_snprintf(hp, sizeof hp, "127.0.0.1:%d", ctl_port);
		envp = g_environ_setenv(envp, "H7SIM_CTL", hp, TRUE);
		g_snprintf(hp, sizeof hp, "127.0.0.1:%d", rbb_port);
		envp = g_environ_setenv(envp, "H7SIM_RBB", hp, TRUE);
	}
	if (lsan_supp) {
		const char *old = g_environ_getenv(envp, "LSAN_OPTIONS");
		char *v = g_strdup_printf("%s%ssuppressions=%s", old ? old : "", old && *old ? ":" : "", lsan_supp);
		envp = g_environ_setenv(envp, "LSAN_OPTIONS", v, TRUE);
		g_free(v);
	}
	child_argv = g_new0(gchar *, g_strv_length(cmd) + 1);
	for (guint i = 0; cmd[i]; i++)
		child_argv[i] = h7sim ? subst(cmd[i]) : g_strdup(cmd[i]);
	say("spawn %s (UMOCKDEV_DIR=%s)", child_argv[0], root_dir);
	if (!g_spawn_async(NULL, child_argv, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, program_setup, NULL,
			   &child_pid, &err)) {
		g_printerr("h7usb-harness: spawn %s: %s\n", child_argv[0], err->message);
		g_strfreev(child_argv);
		g_strfreev(envp);
		goto out;
	}
	g_strfreev(child_argv);
	g_strfreev(envp);
	t_spawn = mono_ms();
	g_child_watch_add(child_pid, child_cb, NULL);
	g_unix_signal_add(SIGTERM, on_term, NULL);
	g_unix_signal_add(SIGINT, on_term, NULL);
	if (wait_mon)
		g_timeout_add(1, wait_monitor_cb, NULL);
	else
		schedule_later();
	g_timeout_add((guint)timeout_ms, timeout_cb, NULL);
	g_main_loop_run(loop);

	if (timed_out)
		rc = 124;
	else if (exit_code >= 0)
		rc = exit_code;
	else if (WIFEXITED(child_status))
		rc = WEXITSTATUS(child_status);
	else
		rc = 128 + WTERMSIG(child_status);
out:
	if (err)
		g_error_free(err);
	stop_bridge();
	for (guint i = 0; i < live->len; i++)
		say("left at exit: %s on %s (%u control transfers served)", ((struct emu_dev *)live->pdata[i])->profile,
		    ((struct emu_dev *)live->pdata[i])->port, ((struct emu_dev *)live->pdata[i])->n_ctrl);
	g_object_unref(tb); /* removes the testbed directory; detaches the emulators */
	for (guint i = 0; i < live->len; i++)
		emu_dev_free(live->pdata[i]);
	for (guint i = 0; i < gone->len; i++)
		emu_dev_free(gone->pdata[i]);
	for (guint i = 0; i < later->len; i++) {
		g_free(((struct sched *)later->pdata[i])->arg);
		g_free(later->pdata[i]);
	}
	g_ptr_array_free(live, TRUE);
	g_ptr_array_free(gone, TRUE);
	g_ptr_array_free(later, TRUE);
	g_main_loop_unref(loop);
	g_free(root_dir);
	g_strfreev(at);
	g_strfreev(cmd);
	g_strfreev(sim_args);
	g_free(h7sim);
	g_free(user);
	g_free(events_path);
	g_free(lsan_supp);
	if (events_file)
		fclose(events_file);
	return rc;
}
