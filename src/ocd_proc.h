/* Child processes: OpenOCD (and h7sim for --board sim), started and stopped.
 *
 * Programs are started with fork + execvp from an argv array, never through a
 * shell. stdout and stderr go to a log file whose path the caller can name in
 * the report. Every child is entered in a signal-safe registry: on SIGINT,
 * SIGTERM or SIGHUP the handler sends SIGTERM to every registered child and
 * sets the interrupted flag (ocd_rpc_interrupted()), so blocking calls return
 * H7_ERROR_INTERRUPTED and the caller unwinds and reaps; a second signal kills
 * the tool with the default action. Children also get PR_SET_PDEATHSIG, so
 * nothing is left behind even if h7jumpdiag itself is killed.
 *
 * OpenOCD is given `bindto 127.0.0.1`, `tcl_port 0` (the kernel picks a free
 * port; OpenOCD logs "Listening on port N for tcl connections", which is
 * read back from the log), and `gdb_port disabled` / `telnet_port disabled`
 * unless asked. Readiness = the Tcl server answers `version` (OpenOCD only
 * serves commands after its init, i.e. after the probe and the targets were
 * examined).
 */
#ifndef H7_OCD_PROC_H
#define H7_OCD_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ocd_rpc;

/* ---- generic children (registry, spawn, stop) ---- */

/* Start argv[0] (searched in PATH when it has no '/') with stdout and stderr
 * appended to log_path. 0, H7_ERROR_NOT_FOUND (no such program: *errno_out
 * ENOENT), H7_ERROR_ACCESS, H7_ERROR_SPAWN. */
int ocd_proc_spawn(const char *const *argv, const char *log_path, pid_t *pid_out);

/* Wait up to timeout_ms for a child to exit by itself; reap it. 0 (status in
 * *status if not NULL) or H7_ERROR_TIMEOUT (still running). */
int ocd_proc_reap(pid_t pid, int timeout_ms, int *status);

/* Stop a child: SIGTERM, wait up to grace_ms, then SIGKILL; reap it and
 * remove it from the registry. Returns its wait status (or -1). */
int ocd_proc_kill(pid_t pid, int grace_ms);

/* Stop (SIGTERM, then SIGKILL) and reap every registered child: the last
 * line of defence on an error path. */
void ocd_proc_kill_all(void);

/* Number of registered (live, not yet reaped) children. */
int ocd_proc_children(void);

/* A new log file name "$TMPDIR/h7jumpdiag-<what>-XXXXXX.log" (created, empty);
 * malloc'd, NULL on failure. */
char *ocd_proc_new_log(const char *what);

/* ---- OpenOCD ---- */

struct ocd_proc_opts {
	const char *openocd;      /* program; NULL: $H7_OPENOCD or "openocd" */
	const char *const *args;  /* the board's arguments (-f FILE, -c CMD ...), NULL-terminated */
	const char *log_path;     /* NULL: ocd_proc_new_log("openocd") */
	int ready_timeout_ms;     /* default 20000 */
	int telnet;               /* non-zero: telnet server on a free port */
	int gdb;                  /* non-zero: gdb server on free ports (one per target) */
	char *why;                /* if not NULL: why a start failed and the log's path, for a report */
	size_t whysz;
};

struct ocd_proc;

/* Spawn OpenOCD and wait until its Tcl server answers; *rpc gets a connected
 * client (caller closes it before ocd_proc_stop, or passes it there).
 * Errors, each with a specific message logged (and the relevant log lines):
 * H7_ERROR_NOT_FOUND (openocd not installed / a config file missing),
 * H7_ERROR_OPENOCD (bad config), H7_ERROR_NO_DEVICE (no probe found or the
 * adapter cannot connect), H7_ERROR_TARGET (the target does not answer),
 * H7_ERROR_BUSY (port in use), H7_ERROR_TIMEOUT, H7_ERROR_SPAWN,
 * H7_ERROR_INTERRUPTED. On error nothing is left running. */
int ocd_proc_start(const struct ocd_proc_opts *o, struct ocd_proc **out, struct ocd_rpc **rpc);

uint16_t ocd_proc_tcl_port(const struct ocd_proc *p);
const char *ocd_proc_log(const struct ocd_proc *p);
pid_t ocd_proc_pid(const struct ocd_proc *p);
/* The gdb port of the first target (when opts.gdb), else 0. */
uint16_t ocd_proc_gdb_port(const struct ocd_proc *p);

/* Stop OpenOCD: `shutdown` over rpc (if not NULL; rpc is then closed), wait,
 * SIGTERM, SIGKILL; reap; free p (the log file stays). 0 or H7_ERROR_TIMEOUT
 * when it had to be killed. */
int ocd_proc_stop(struct ocd_proc *p, struct ocd_rpc *rpc);
/* Has OpenOCD exited on its own (crashed, killed)? Waits up to wait_ms for it
 * (its Tcl connection closes a moment before it can be reaped). 1 and its
 * wait status in *status (reaped; ocd_proc_stop then only frees), or 0 while
 * it runs. */
int ocd_proc_exited(struct ocd_proc *p, int wait_ms, int *status);

/* Pure: classify an OpenOCD log (of a run that failed) into an enum h7_error
 * and a one-line explanation; `lines` gets up to linesz bytes of the relevant
 * "Error:" lines. Used for the messages above; unit-tested on real logs. */
int ocd_proc_classify_log(const char *log, char *why, size_t whysz, char *lines, size_t linesz);

/* Pure: the port in OpenOCD's "Listening on port N for <what> connections"
 * line of log, or 0. */
uint16_t ocd_proc_find_port(const char *log, const char *what);

/* ---- h7sim ---- */

struct ocd_sim_opts {
	const char *h7sim;              /* program; NULL: ocd_proc_find_h7sim() */
	const char *const *extra_args;  /* e.g. {"--board", "disco", NULL}; may be NULL */
	const char *log_path;           /* NULL: ocd_proc_new_log("h7sim") */
	int ready_timeout_ms;           /* default 10000 */
};

struct ocd_sim;

/* Start h7sim on free ports and wait for its first stdout line
 * "h7sim ready rbb-port=N ctl-port=N". Errors as for ocd_proc_start. */
int ocd_sim_start(const struct ocd_sim_opts *o, struct ocd_sim **out);
uint16_t ocd_sim_rbb_port(const struct ocd_sim *s);
uint16_t ocd_sim_ctl_port(const struct ocd_sim *s);
const char *ocd_sim_log(const struct ocd_sim *s);
pid_t ocd_sim_pid(const struct ocd_sim *s);
/* SIGTERM (h7sim exits cleanly on it), SIGKILL after a grace period; reap; free. */
int ocd_sim_stop(struct ocd_sim *s);

/* Pure: parse "h7sim ready rbb-port=N ctl-port=N". 0 or H7_ERROR_PARSE. */
int ocd_sim_parse_ready(const char *line, uint16_t *rbb, uint16_t *ctl);

/* Where h7sim is: $H7SIM, else "h7sim" next to the running executable (or in
 * the build directory above it), else "h7sim" (PATH). malloc'd. */
char *ocd_proc_find_h7sim(void);
/* A data file of h7jumpdiag (e.g. "openocd-h7sim.cfg"): $H7_DATA_DIR, the
 * source tree's sim/ next to the running executable's build directory, then
 * the installed data directory. malloc'd path of an existing file, or NULL. */
char *ocd_proc_find_data(const char *name);
/* A firmware image of h7jumpdiag (e.g. "probe-cm7.bin"): $H7_FIRMWARE_DIR, the
 * build tree's firmware-probe/ next to the running executable, then the
 * installed data directory's firmware-probe/. malloc'd, or NULL. */
char *ocd_proc_find_firmware(const char *name);
/* Graceful signal handling: the first SIGINT/SIGTERM/SIGHUP only sets the
 * interrupted flag (ocd_rpc_interrupted) and leaves the children running, so
 * the caller can restore the target and stop them itself; a second signal
 * stops them at once. Default off: the first signal stops the children. */
void ocd_proc_set_graceful(int on);

#endif
