/* A debug session: the OpenOCD (and h7sim) a command talks to, and the
 * target layer on top.
 *
 * --board B: start h7sim when B is "sim", then OpenOCD with B's arguments
 * (falling back to B's HLA arguments when the DAP ones fail); both are
 * stopped and reaped by session_close(). --openocd HOST:PORT: attach to a
 * running OpenOCD, which is never stopped.
 */
#ifndef H7_SESSION_H
#define H7_SESSION_H

#include <stddef.h>

#include <stdint.h>

struct board;
struct ocd_rpc;
struct target;

struct session_opts {
	const char *board;    /* NULL: "sim" */
	const char *attach;   /* "HOST:PORT" or NULL */
	int ready_timeout_ms; /* 0: defaults */
	/* --board sim only */
	const char *const *sim_args; /* extra h7sim arguments (e.g. --flash FILE), NULL-terminated, or NULL */
	const char *sim_attach;      /* "HOST:RBBPORT:CTLPORT": use a running h7sim instead of starting one */
	char *why;                   /* if not NULL: why OpenOCD did not start, for a report (whysz bytes) */
	size_t whysz;
};

struct session {
	const struct board *board; /* NULL when attached */
	struct ocd_sim *sim;
	struct ocd_proc *ocd;
	struct ocd_rpc *rpc;
	struct target *target;
	int attached;
	int fallback;              /* the board's fallback arguments were used */
	const char *fallback_note;
	char openocd_log[512];     /* "" when attached */
	char sim_log[512];
	/* the simulator's control socket (--board sim), port 0 when there is none */
	char sim_host[64];
	uint16_t sim_ctl_port;
	uint16_t sim_rbb_port;
};

/* 0 or an enum h7_error (a message was logged). Nothing is left running on error. */
int session_open(const struct session_opts *o, struct session **out);
/* Stop what session_open started (OpenOCD: `shutdown`, then signals), free.
 * keep_logs: leave OpenOCD's and h7sim's log files (to name them in a report
 * or an error message); otherwise they are removed. */
void session_close(struct session *s, int keep_logs);

#endif
