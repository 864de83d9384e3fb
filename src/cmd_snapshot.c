/* h7jumpdiag snapshot: halt, capture every register block, decode, resume. */
#include <cJSON.h>
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
#include "session.h"
#include "snapshot.h"
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

/* TEMPORARY (until DECODE's render_* lands in main): a plain register table. */
static void snapshot_print_text(FILE *f, const struct snapshot *s, const struct session *ss, const char *note)
{
	fprintf(f, "h7jumpdiag snapshot (plain register table; decoded output comes with the decoders)\n");
	if (ss->board)
		fprintf(f, "board: %s%s\n", ss->board->name, ss->fallback ? " (HLA fallback: CM4 not observed)" : "");
	else
		fprintf(f, "board: attached to a running OpenOCD\n");
	fprintf(f, "core: %s, %s%s\n", s->core == SNAP_CORE_CM4 ? "cm4" : "cm7", s->halted ? "halted" : "running",
		note ? note : "");
	if (ss->openocd_log[0])
		fprintf(f, "openocd log: %s\n", ss->openocd_log);
	int blk = -1;
	for (int r = 0; r < REG_COUNT; r++) {
		const struct reg_def *d = &regs_catalog[r];
		if ((int)d->block != blk) {
			blk = (int)d->block;
			fprintf(f, "\n[%s]\n", regs_block_name(d->block));
		}
		switch (s->state[r]) {
		case SNAP_OK:
			fprintf(f, "  %-16s 0x%08X\n", d->name, s->val[r]);
			break;
		case SNAP_ERROR:
			fprintf(f, "  %-16s (read failed)\n", d->name);
			break;
		case SNAP_ABSENT:
			break; /* not on this core */
		default:
			fprintf(f, "  %-16s (not read%s)\n", d->name, s->halted ? "" : ": core running");
		}
	}
	const struct snap_stack *st[2] = { &s->msp_stack, &s->psp_stack };
	for (int k = 0; k < 2; k++) {
		fprintf(f, "\n[stack at %s]\n", k ? "PSP" : "MSP");
		if (st[k]->state != SNAP_OK) {
			fprintf(f, "  %s\n", st[k]->state == SNAP_UNREAD ? "(not read)" : "(outside RAM: unreadable)");
			continue;
		}
		if (st[k]->words == 0)
			fprintf(f, "  (empty: 0x%08X is the end of a RAM region)\n", st[k]->addr);
		for (unsigned i = 0; i < st[k]->words; i++)
			fprintf(f, "%s0x%08X%s", i % 4 ? " " : "  ", st[k]->w[i], i % 4 == 3 || i + 1 == st[k]->words ? "\n" : "");
	}
}

static const char *snapshot_state_name(uint8_t st)
{
	switch (st) {
	case SNAP_OK: return "ok";
	case SNAP_ERROR: return "error";
	case SNAP_ABSENT: return "absent";
	default: return "unread";
	}
}

/* TEMPORARY (until render_snapshot_json lands): registers as "0x%08X". */
static char *snapshot_json(const struct snapshot *s, const struct session *ss)
{
	cJSON *root = cJSON_CreateObject(), *regs = NULL;
	int ok = root != NULL;

	ok = ok && cJSON_AddStringToObject(root, "schema", "h7jumpdiag/1");
	ok = ok && cJSON_AddStringToObject(root, "command", "snapshot");
	ok = ok && cJSON_AddStringToObject(root, "board", ss->board ? ss->board->name : "attached");
	ok = ok && cJSON_AddStringToObject(root, "core", s->core == SNAP_CORE_CM4 ? "cm4" : "cm7");
	ok = ok && cJSON_AddBoolToObject(root, "halted", s->halted);
	if (ok && ss->openocd_log[0])
		ok = cJSON_AddStringToObject(root, "openocd_log", ss->openocd_log) != NULL;
	ok = ok && (regs = cJSON_AddObjectToObject(root, "registers")) != NULL;
	for (int r = 0; ok && r < REG_COUNT; r++) {
		if (s->state[r] == SNAP_OK) {
			char v[16];
			snprintf(v, sizeof v, "0x%08X", s->val[r]);
			ok = cJSON_AddStringToObject(regs, regs_catalog[r].name, v) != NULL;
		} else if (s->state[r] != SNAP_ABSENT) {
			cJSON *o = cJSON_AddObjectToObject(regs, regs_catalog[r].name);
			ok = o && cJSON_AddStringToObject(o, "state", snapshot_state_name(s->state[r]));
		}
	}
	char *out = ok ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	return out;
}

/* TEMPORARY (until render_write_file_atomic lands): write + rename. */
static int snapshot_write_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		return H7_ERROR_NO_MEM;
	FILE *f = fopen(tmp, "wb");
	int rc = 0;
	if (!f || fwrite(data, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = H7_ERROR_IO;
	if (f && fclose(f) != 0)
		rc = H7_ERROR_IO;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = H7_ERROR_IO;
	if (rc) {
		h7_err("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

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
	if (a->svd) {
		/* the SVD decoder is DECODE's (src/svd.*); wired in when it lands */
		fprintf(io->err, "h7jumpdiag snapshot: --svd is not available in this build yet\n");
		return H7_EXIT_USAGE;
	}
	return 0;
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
	struct snapshot snap;
	enum target_state st;
	int rc, halted_by_us = 0;

	rc = snapshot_parse_args(cmd, args, io, &a);
	if (rc)
		return rc;
	struct session_opts so = { .board = a.board, .attach = a.attach };
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

	const char *note = !halted_by_us ? " (was already halted; left halted)"
			   : a.keep_halted ? " (left halted: --keep-halted)" : " (resumed)";
	char *text = NULL;
	size_t len = 0;
	if (a.json) {
		text = snapshot_json(&snap, ss);
		if (!text) {
			rc = H7_ERROR_NO_MEM;
			goto out;
		}
		len = strlen(text);
	} else {
		FILE *mf = open_memstream(&text, &len);
		if (!mf) {
			rc = H7_ERROR_NO_MEM;
			goto out;
		}
		snapshot_print_text(mf, &snap, ss, note);
		fclose(mf);
	}
	if (a.output) {
		rc = snapshot_write_atomic(a.output, text, len);
	} else {
		fwrite(text, 1, len, io->out);
		if (a.json)
			fputc('\n', io->out);
	}
	free(text);
out:
	session_close(ss);
	if (rc) {
		fprintf(io->err, "h7jumpdiag snapshot: %s\n", h7_strerror(rc));
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
