/* h7jumpdiag snapshot: halt, capture every register block, decode, resume. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "cli.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_proc.h"
#include "regs.h"
#include "render.h"
#include "session.h"
#include "snapshot.h"
#include "svd.h"
#include "target.h"

enum {
	OPT_BOARD = 1,
	OPT_CORE,
	OPT_OPENOCD,
	OPT_KEEP_HALTED,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_SVD,
};

static const struct cli_option snapshot_options[] = {
	{ "board", 'b', CLI_REQUIRED_ARG, "BOARD", "sim (default), disco, nucleo-h745zi-q, ...", OPT_BOARD },
	{ "core", 'c', CLI_REQUIRED_ARG, "CORE", "cm7 (default) or cm4", OPT_CORE },
	{ "openocd", 0, CLI_REQUIRED_ARG, "HOST:PORT", "attach to a running OpenOCD's Tcl server", OPT_OPENOCD },
	{ "keep-halted", 0, CLI_NO_ARG, NULL, "leave the core halted afterwards", OPT_KEEP_HALTED },
	{ "format", 'f', CLI_REQUIRED_ARG, "FMT", "text (default) or json", OPT_FORMAT },
	{ "output", 'o', CLI_REQUIRED_ARG, "FILE", "write the report to FILE (atomically)", OPT_OUTPUT },
	{ "svd", 0, CLI_REQUIRED_ARG, "FILE", "decode peripheral registers with a CMSIS-SVD file", OPT_SVD },
	{ NULL, 0, CLI_NO_ARG, NULL, NULL, 0 }
};

struct snapshot_args {
	const char *board, *attach, *output, *svd;
	int core, keep_halted, json;
};

static int snapshot_parse_args(const struct cli_command *cmd, const struct cli_parsed *args, struct h7_io *io,
			       struct snapshot_args *a)
{
	memset(a, 0, sizeof *a);
	a->core = TARGET_CM7;
	for (int i = 0; i < args->n_values; i++) {
		const struct cli_value *v = &args->values[i];
		switch (v->id) {
		case OPT_BOARD:
			if (!board_find(v->value))
				return cli_usage_error(cmd, io, "unknown board '%s' (known: %s)", v->value,
						       board_names());
			a->board = v->value;
			break;
		case OPT_CORE:
			a->core = target_core_from_label(v->value);
			if (a->core < 0)
				return cli_usage_error(cmd, io, "--core wants cm7 or cm4, not '%s'", v->value);
			break;
		case OPT_OPENOCD:
			a->attach = v->value;
			break;
		case OPT_KEEP_HALTED:
			a->keep_halted = 1;
			break;
		case OPT_FORMAT:
			if (strcmp(v->value, "json") == 0)
				a->json = 1;
			else if (strcmp(v->value, "text") != 0)
				return cli_usage_error(cmd, io, "--format wants text or json, not '%s'", v->value);
			break;
		case OPT_OUTPUT:
			a->output = v->value;
			break;
		case OPT_SVD:
			a->svd = v->value;
			break;
		default:
			break;
		}
	}
	if (a->board && a->attach)
		return cli_usage_error(cmd, io, "--board and --openocd exclude each other");
	if (args->n_positional)
		return cli_usage_error(cmd, io, "unexpected argument '%s'", args->positional[0]);
	return 0;
}

/* Render with DECODE's report layer (render.h) to stdout or, atomically, a file. */
static int snapshot_output(const struct snapshot *snap, const struct session *ss, const struct snapshot_args *a,
			   int halted_by_us, const struct svd_device *svd, struct h7_io *io)
{
	struct render_opts o;
	char title[256], *buf = NULL;
	size_t len = 0;
	int rc = 0;

	render_opts_init(&o, a->output ? NULL : io->out);
	o.svd = svd;
	snprintf(title, sizeof title, "h7jumpdiag snapshot  %s, %s%s  (%s%s)", snap->core == SNAP_CORE_CM4 ? "CM4" : "CM7",
		 snap->halted ? "halted" : "running",
		 !halted_by_us ? ", found halted, left halted" : a->keep_halted ? ", left halted" : ", resumed",
		 ss->board ? "board " : "attached to ", ss->board ? ss->board->name : a->attach);
	o.title = title;
	if (ss->fallback_note)
		h7_warn("%s", ss->fallback_note);
	if (ss->openocd_log[0])
		h7_dbg("OpenOCD log: %s", ss->openocd_log);
	if (a->json) {
		cJSON *doc = render_report_json(snap, "snapshot", &o);
		buf = doc ? cJSON_Print(doc) : NULL;
		cJSON_Delete(doc);
		if (!buf)
			return H7_ERROR_NO_MEM;
		len = strlen(buf);
		char *nb = realloc(buf, len + 2);
		if (!nb) {
			free(buf);
			return H7_ERROR_NO_MEM;
		}
		buf = nb;
		buf[len++] = '\n';
		buf[len] = '\0';
	} else {
		FILE *m = open_memstream(&buf, &len);
		if (!m)
			return H7_ERROR_NO_MEM;
		render_snapshot_text(m, snap, &o);
		if (fclose(m) != 0) {
			free(buf);
			return H7_ERROR_NO_MEM;
		}
	}
	if (a->output)
		rc = render_write_file_atomic(a->output, buf, len);
	else if (fwrite(buf, 1, len, io->out) != len)
		rc = H7_ERROR_IO;
	free(buf);
	return rc;
}

/* 1 when the snapshot shows a fault: fault status bits set or the core in a
 * fault handler (IPSR 2..6: NMI, HardFault, MemManage, BusFault, UsageFault). */
static int snapshot_faulted(const struct snapshot *s)
{
	uint32_t ipsr = snap_get(s, REG_XPSR, 0) & 0x1FFu;
	return snap_get(s, REG_CFSR, 0) != 0 || snap_get(s, REG_HFSR, 0) != 0 || (ipsr >= 2 && ipsr <= 6);
}

static int snapshot_main(const struct cli_command *cmd, const struct cli_parsed *args, struct h7_io *io)
{
	struct snapshot_args a;
	struct session *ss = NULL;
	struct svd_device *svd = NULL;
	struct snapshot snap;
	enum target_state st;
	int rc, halted_by_us = 0;

	rc = snapshot_parse_args(cmd, args, io, &a);
	if (rc)
		return rc;
	if (a.output) {
		char err[512];
		/* before the target is halted, not after: the capture would be lost */
		if (render_check_output(a.output, err, sizeof err) != 0)
			return cli_usage_error(cmd, io, "--output: %s", err);
	}
	if (a.svd) {
		char err[256];
		/* load it first: a bad file is a usage error before any hardware is touched */
		if (svd_load(a.svd, &svd, err, sizeof err) != 0) {
			fprintf(io->err, "h7jumpdiag snapshot: --svd: %s\n", err);
			return H7_EXIT_USAGE;
		}
	}
	char why[384] = "";
	struct session_opts so = { .board = a.board, .attach = a.attach, .why = why, .whysz = sizeof why };
	rc = session_open(&so, &ss);
	if (rc)
		goto out;
	if (!target_has_core(ss->target, (enum target_core)a.core)) {
		h7_err("this OpenOCD has no %s target%s", target_core_label((enum target_core)a.core),
		       ss->fallback ? " (HLA fallback: the CM4 cannot be reached)" : "");
		rc = H7_ERROR_NOT_FOUND;
		goto out;
	}
	rc = target_select(ss->target, (enum target_core)a.core);
	if (!rc)
		rc = target_state(ss->target, &st);
	if (rc)
		goto out;
	if (st != TARGET_STATE_HALTED) {
		rc = target_halt(ss->target);
		if (rc)
			goto out;
		halted_by_us = 1;
	}
	rc = target_snapshot(ss->target, &snap);
	/* resume before anything else can fail: the tool never leaves a core halted it halted */
	if (halted_by_us && !a.keep_halted) {
		int rrc = target_resume(ss->target);
		if (rrc && !rc)
			rc = rrc;
	}
	if (rc)
		goto out;

	rc = snapshot_output(&snap, ss, &a, halted_by_us, svd, io);
out:
	/* logs stay when something failed (the messages name them) or with -v */
	session_close(ss, rc != 0 || h7_log_get_level() >= H7_LOG_DEBUG);
	svd_free(svd);
	if (rc) {
		fprintf(io->err, "h7jumpdiag snapshot: %s\n", why[0] ? why : h7_strerror(rc));
		return h7_exit_for_error(rc);
	}
	return snapshot_faulted(&snap) ? H7_EXIT_DIAGNOSIS : H7_EXIT_OK;
}

const struct cli_command cmd_snapshot = {
	"snapshot",
	"[--board BOARD | --openocd HOST:PORT] [--core cm7|cm4] [OPTIONS]",
	"halt a core, capture and decode every register block, resume",
	"Halts the core, reads every register block in one OpenOCD round trip, prints it,\n"
	"and resumes the core (unless --keep-halted, or it was halted already). Exit status 1\n"
	"when the snapshot shows a fault (CFSR/HFSR set or a fault handler active).",
	snapshot_options,
	snapshot_main,
};
