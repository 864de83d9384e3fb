/* Debug sessions (see session.h). */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_proc.h"
#include "ocd_rpc.h"
#include "target.h"

static int session_spawn_openocd(struct session *s, const char *const *args, const char *sim_cfg,
				 const struct session_opts *o)
{
	const char *argv[BOARD_MAX_ARGS + 1];
	char store[2048];
	int rc = board_openocd_argv(args, s->sim_rbb_port, sim_cfg, argv, BOARD_MAX_ARGS + 1,
				    store, sizeof store);
	if (rc)
		return rc;
	struct ocd_proc_opts po = { .args = argv, .ready_timeout_ms = o->ready_timeout_ms, .why = o->why, .whysz = o->whysz };
	rc = ocd_proc_start(&po, &s->ocd, &s->rpc);
	if (rc == 0)
		snprintf(s->openocd_log, sizeof s->openocd_log, "%s", ocd_proc_log(s->ocd));
	return rc;
}

/* "HOST:RBBPORT:CTLPORT" (the USB bridge harness starts h7sim itself). */
static int session_parse_sim_attach(const char *spec, struct session *s)
{
	char host[64];
	unsigned rbb, ctl;
	char tail;

	if (sscanf(spec, "%63[^:]:%u:%u%c", host, &rbb, &ctl, &tail) != 3 || rbb == 0 || rbb > 65535 || ctl == 0 ||
	    ctl > 65535) {
		h7_err("--h7sim wants HOST:RBBPORT:CTLPORT (e.g. 127.0.0.1:40001:40002), not '%s'", spec);
		return H7_ERROR_INVALID_PARAM;
	}
	snprintf(s->sim_host, sizeof s->sim_host, "%s", host);
	s->sim_rbb_port = (uint16_t)rbb;
	s->sim_ctl_port = (uint16_t)ctl;
	return 0;
}

int session_open(const struct session_opts *o, struct session **out)
{
	int rc;

	if (!o || !out)
		return H7_ERROR_INVALID_PARAM;
	*out = NULL;
	struct session *s = calloc(1, sizeof *s);
	if (!s)
		return H7_ERROR_NO_MEM;

	if (o->attach) {
		char host[256];
		uint16_t port;
		if (ocd_rpc_parse_hostport(o->attach, host, sizeof host, &port) != 0) {
			h7_err("--openocd wants HOST:PORT (e.g. 127.0.0.1:6666), not '%s'", o->attach);
			free(s);
			return H7_ERROR_INVALID_PARAM;
		}
		s->attached = 1;
		/* an OpenOCD the user started against an h7sim the user started:
		 * its control socket gives the simulated USB bus and the counters */
		if (o->sim_attach && (rc = session_parse_sim_attach(o->sim_attach, s)) != 0) {
			free(s);
			return rc;
		}
		rc = ocd_rpc_connect(host, port, NULL, &s->rpc);
		if (rc) {
			h7_err("cannot connect to OpenOCD's Tcl server at %s: %s", o->attach, h7_strerror(rc));
			free(s);
			return rc;
		}
	} else {
		const char *name = o->board ? o->board : "sim";
		s->board = board_find(name);
		if (!s->board) {
			h7_err("unknown board '%s' (known: %s)", name, board_names());
			free(s);
			return H7_ERROR_INVALID_PARAM;
		}
		char *sim_cfg = NULL;
		const char *const *args = s->board->openocd_args;
		if (s->board->simulated && o->sim_attach) {
			rc = session_parse_sim_attach(o->sim_attach, s);
			if (rc) {
				free(s);
				return rc;
			}
		} else if (s->board->simulated) {
			struct ocd_sim_opts so = { .ready_timeout_ms = o->ready_timeout_ms, .extra_args = o->sim_args };
			rc = ocd_sim_start(&so, &s->sim);
			if (rc) {
				free(s);
				return rc;
			}
			snprintf(s->sim_log, sizeof s->sim_log, "%s", ocd_sim_log(s->sim));
			snprintf(s->sim_host, sizeof s->sim_host, "127.0.0.1");
			s->sim_rbb_port = ocd_sim_rbb_port(s->sim);
			s->sim_ctl_port = ocd_sim_ctl_port(s->sim);
		}
		if (s->board->simulated) {
			sim_cfg = ocd_proc_find_data("openocd-h7sim.cfg");
			if (!sim_cfg) {
				h7_dbg("openocd-h7sim.cfg not found; giving the adapter inline");
				args = board_sim_inline_args;
			}
		}
		rc = session_spawn_openocd(s, args, sim_cfg, o);
		if (rc && s->board->fallback_args && board_fallback_applies(rc)) {
			h7_warn("%s", s->board->fallback_note);
			rc = session_spawn_openocd(s, s->board->fallback_args, NULL, o);
			if (rc == 0) {
				s->fallback = 1;
				s->fallback_note = s->board->fallback_note;
			}
		}
		free(sim_cfg);
		if (rc) {
			session_close(s, 1);
			return rc;
		}
	}
	rc = target_open(s->rpc, &s->target);
	if (rc) {
		session_close(s, 1);
		return rc;
	}
	*out = s;
	return 0;
}

void session_close(struct session *s, int keep_logs)
{
	if (!s)
		return;
	target_close(s->target);
	if (s->ocd)
		ocd_proc_stop(s->ocd, s->rpc);
	else
		ocd_rpc_close(s->rpc);
	if (s->sim)
		ocd_sim_stop(s->sim);
	if (!keep_logs) {
		if (s->openocd_log[0])
			unlink(s->openocd_log);
		if (s->sim_log[0])
			unlink(s->sim_log);
	}
	free(s);
}
