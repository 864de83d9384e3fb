/* Test support: run h7sim and the real OpenOCD against it.
 *
 *   struct sim_harness h;
 *   sim_start(&h, NULL);              // build/h7sim (extra args: NULL-terminated array)
 *   sim_openocd(&h, true);            // openocd, dual core, gdb/telnet off, tcl on a free port
 *   char *r = sim_tcl(&h, "read_memory 0x24000000 32 4");   // Tcl RPC, malloc'd reply
 *   sim_ctl(&h, "status", line, sizeof line);               // control socket, one reply line
 *   sim_stop(&h);                     // shutdown + SIGTERM, reap; returns h7sim's exit status
 *
 * Children get PR_SET_PDEATHSIG, so a crashing test leaves no process behind;
 * everything binds 127.0.0.1 and uses kernel-chosen ports. The children's stderr
 * goes to log files under $H7_BUILD/tests/logs (paths in h->sim_log, h->ocd_log).
 * Every function returns 0 / non-NULL on success and prints why on failure.
 */
#ifndef H7_SIM_HARNESS_H
#define H7_SIM_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sim_harness {
	pid_t sim_pid, ocd_pid;
	int rbb_port, ctl_port, tcl_port;
	int tcl_fd, ctl_fd;
	char sim_log[512], ocd_log[512];
	char *tcl_buf;          /* bytes received after the last reply */
	size_t tcl_len, tcl_cap;
	char ctl_buf[8192];     /* control-socket bytes not yet returned */
	size_t ctl_len;
	char events[8192];      /* event lines read while waiting for a reply */
	size_t events_len;
};

/* Path of build/h7sim ($H7_BUILD) and of a firmware file under $H7_FWBUILD. */
const char *sim_h7sim_path(void);
const char *sim_fw_path(const char *rel);

int sim_start(struct sim_harness *h, const char *const *extra_args);
int sim_openocd(struct sim_harness *h, bool dual_core);
/* Stop OpenOCD and h7sim (also fine when only h7sim or nothing runs). Returns
 * h7sim's exit status (0 after SIGTERM), -1 if it had to be killed. */
int sim_stop(struct sim_harness *h);

/* Tcl RPC (0x1a framing, 10 s timeout): the raw reply, malloc'd, or NULL. */
char *sim_tcl(struct sim_harness *h, const char *cmd);
/* Run cmd under `catch`: 0 and *result (malloc'd, may be NULL) on success,
 * -1 with the error text in *result when the command failed. */
int sim_tcl_ok(struct sim_harness *h, const char *cmd, char **result);
/* read_memory of one 32-bit word; 0 or -1 */
int sim_read32(struct sim_harness *h, uint32_t addr, uint32_t *val);
/* a core register by OpenOCD name (get_reg), on the current target; 0 or -1 */
int sim_reg(struct sim_harness *h, const char *name, uint32_t *val);

/* Control socket: send one command, get its reply line (events seen while
 * waiting are kept for sim_ctl_event). 0, or -1 on I/O error / timeout. */
int sim_ctl(struct sim_harness *h, const char *cmd, char *reply, size_t cap);
/* Wait up to timeout_ms for an event line starting with prefix ("event usb attach").
 * 0 and the line, or -1. */
int sim_ctl_event(struct sim_harness *h, const char *prefix, char *line, size_t cap, int timeout_ms);

/* Does the file contain needle? */
bool sim_log_contains(const char *path, const char *needle);

#endif
