/* h7jumpdiag decode: offline decoding of fault and system registers given on
 * the command line, or re-decoding of a saved JSON report.
 *
 * Builds a snapshot holding only what it was given and renders it like a live
 * one (render.h), so the offline and live decodes cannot drift apart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fault.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "render.h"
#include "snapshot.h"
#include "svd.h"

enum {
	OPT_CFSR = 1,
	OPT_HFSR,
	OPT_DFSR,
	OPT_MMFAR,
	OPT_BFAR,
	OPT_ABFSR,
	OPT_SHCSR,
	OPT_EXC_RETURN,
	OPT_XPSR,
	OPT_CONTROL,
	OPT_PRIMASK,
	OPT_FAULTMASK,
	OPT_BASEPRI,
	OPT_CCR,
	OPT_CACR,
	OPT_MSP,
	OPT_PSP,
	OPT_REG,
	OPT_REPORT,
	OPT_FAULT,
	OPT_SVD,
	OPT_ALL,
	OPT_FORMAT,
	OPT_OUTPUT,
};

static const struct cli_option decode_options[] = {
	{ "cfsr", 0, CLI_REQUIRED_ARG, "VALUE", "Configurable Fault Status Register (0xE000ED28)", OPT_CFSR },
	{ "hfsr", 0, CLI_REQUIRED_ARG, "VALUE", "HardFault Status Register (0xE000ED2C)", OPT_HFSR },
	{ "dfsr", 0, CLI_REQUIRED_ARG, "VALUE", "Debug Fault Status Register (0xE000ED30)", OPT_DFSR },
	{ "mmfar", 0, CLI_REQUIRED_ARG, "VALUE", "MemManage Fault Address (used only with MMARVALID)", OPT_MMFAR },
	{ "bfar", 0, CLI_REQUIRED_ARG, "VALUE", "BusFault Address (used only with BFARVALID)", OPT_BFAR },
	{ "abfsr", 0, CLI_REQUIRED_ARG, "VALUE", "Auxiliary Bus Fault Status (Cortex-M7, 0xE000EFA8)", OPT_ABFSR },
	{ "shcsr", 0, CLI_REQUIRED_ARG, "VALUE", "System Handler Control and State (0xE000ED24)", OPT_SHCSR },
	{ "exc-return", 0, CLI_REQUIRED_ARG, "VALUE", "EXC_RETURN (LR in the fault handler)", OPT_EXC_RETURN },
	{ "xpsr", 0, CLI_REQUIRED_ARG, "VALUE", "xPSR (its IPSR names the active exception)", OPT_XPSR },
	{ "control", 0, CLI_REQUIRED_ARG, "VALUE", "CONTROL special register", OPT_CONTROL },
	{ "primask", 0, CLI_REQUIRED_ARG, "VALUE", "PRIMASK (1: interrupts disabled)", OPT_PRIMASK },
	{ "faultmask", 0, CLI_REQUIRED_ARG, "VALUE", "FAULTMASK", OPT_FAULTMASK },
	{ "basepri", 0, CLI_REQUIRED_ARG, "VALUE", "BASEPRI", OPT_BASEPRI },
	{ "ccr", 0, CLI_REQUIRED_ARG, "VALUE", "Configuration and Control Register (caches, traps)", OPT_CCR },
	{ "cacr", 0, CLI_REQUIRED_ARG, "VALUE", "L1 Cache Control Register (Cortex-M7)", OPT_CACR },
	{ "msp", 0, CLI_REQUIRED_ARG, "VALUE", "MSP in the handler (locates the exception frame)", OPT_MSP },
	{ "psp", 0, CLI_REQUIRED_ARG, "VALUE", "PSP in the handler", OPT_PSP },
	{ "reg", 'r', CLI_REQUIRED_ARG, "NAME=VALUE", "any catalog register (RCC_CR=0x83), or PERIPH.REG with --svd",
	  OPT_REG },
	{ "report", 0, CLI_REQUIRED_ARG, "FILE.json",
	  "re-decode a saved snapshot or decode report, or a run report's fault", OPT_REPORT },
	{ "fault", 0, CLI_REQUIRED_ARG, "N", "with a run report: decode its fault N (default 1, the first)", OPT_FAULT },
	{ "svd", 0, CLI_REQUIRED_ARG, "FILE", "decode peripheral registers field by field from a CMSIS-SVD file",
	  OPT_SVD },
	{ "all", 'a', CLI_NO_ARG, NULL, "text: also registers that read 0, and a raw register table", OPT_ALL },
	{ "format", 'f', CLI_REQUIRED_ARG, "FMT", "text (default) or json", OPT_FORMAT },
	{ "output", 'o', CLI_REQUIRED_ARG, "FILE", "write the report to FILE (atomically)", OPT_OUTPUT },
	{ NULL, 0, CLI_NO_ARG, NULL, NULL, 0 }
};

/* the register each value option sets */
static const struct {
	int opt;
	enum reg_id reg;
} value_regs[] = {
	{ OPT_CFSR, REG_CFSR },       { OPT_HFSR, REG_HFSR },       { OPT_DFSR, REG_DFSR },
	{ OPT_MMFAR, REG_MMFAR },     { OPT_BFAR, REG_BFAR },       { OPT_ABFSR, REG_ABFSR },
	{ OPT_SHCSR, REG_SHCSR },     { OPT_EXC_RETURN, REG_LR },   { OPT_XPSR, REG_XPSR },
	{ OPT_CONTROL, REG_CONTROL }, { OPT_PRIMASK, REG_PRIMASK }, { OPT_FAULTMASK, REG_FAULTMASK },
	{ OPT_BASEPRI, REG_BASEPRI }, { OPT_CCR, REG_CCR },         { OPT_CACR, REG_CACR },
	{ OPT_MSP, REG_MSP },         { OPT_PSP, REG_PSP },
};

#define MAX_SVD_VALUES CLI_MAX_VALUES

struct decode_state {
	struct snapshot snap;
	struct svd_device *svd;
	struct render_svd_value svd_values[MAX_SVD_VALUES];
	char svd_names[MAX_SVD_VALUES][2][SVD_MAX_NAME + 1];
	size_t n_svd_values;
};

/* --reg NAME=VALUE */
static int apply_reg(const struct cli_command *cmd, struct h7_io *io, struct decode_state *st, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[2 * SVD_MAX_NAME + 2];
	const struct reg_def *d;
	const struct svd_peripheral *p;
	const struct svd_register *r;
	uint32_t v;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof name)
		return cli_usage_error(cmd, io, "--reg wants NAME=VALUE, got '%s'", arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	if (cli_parse_u32(eq + 1, &v))
		return cli_usage_error(cmd, io, "--reg %s: '%s' is not a 32-bit number (decimal or 0x hex)", name,
				       eq + 1);
	d = regs_find(name);
	if (d) {
		snapshot_set(&st->snap, regs_id(d), v);
		return 0;
	}
	if (!st->svd)
		return cli_usage_error(cmd, io, "--reg: unknown register '%s' (not in the register catalog; "
						"give --svd FILE to decode any peripheral register)", name);
	r = svd_lookup(st->svd, name, &p);
	if (!r)
		return cli_usage_error(cmd, io, "--reg: no register '%s' in the catalog or the SVD file", name);
	/* a catalog register under its SVD name: decode it as captured */
	for (int i = 0; i < REG_COUNT; i++)
		if (regs_catalog[i].kind == REGS_KIND_MEM32 && regs_catalog[i].addr == p->base + r->offset) {
			snapshot_set(&st->snap, (enum reg_id)i, v);
			return 0;
		}
	if (st->n_svd_values >= MAX_SVD_VALUES)
		return cli_usage_error(cmd, io, "too many --reg options");
	snprintf(st->svd_names[st->n_svd_values][0], SVD_MAX_NAME + 1, "%s", p->name);
	snprintf(st->svd_names[st->n_svd_values][1], SVD_MAX_NAME + 1, "%s", r->name);
	st->svd_values[st->n_svd_values].periph = st->svd_names[st->n_svd_values][0];
	st->svd_values[st->n_svd_values].reg = st->svd_names[st->n_svd_values][1];
	st->svd_values[st->n_svd_values].value = v;
	st->n_svd_values++;
	return 0;
}

static int has_fault(const struct snapshot *s)
{
	struct fault_report *r = malloc(sizeof *r);
	int faulted;

	if (!r)
		return 0;
	fault_decode(s, r);
	faulted = r->faulted;
	free(r);
	return faulted;
}

static int render_out(const struct cli_command *cmd, struct h7_io *io, struct decode_state *st, int json,
		      const char *output, int all, const char *title)
{
	struct render_opts o;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	render_opts_init(&o, output ? NULL : io->out);
	o.all = all;
	o.svd = st->svd;
	o.svd_values = st->svd_values;
	o.n_svd_values = st->n_svd_values;
	o.title = title;
	if (json) {
		cJSON *doc = render_report_json(&st->snap, "decode", &o);
		buf = doc ? cJSON_Print(doc) : NULL;
		cJSON_Delete(doc);
		if (!buf) {
			fprintf(io->err, "h7jumpdiag %s: out of memory\n", cmd->name);
			return H7_EXIT_INTERNAL;
		}
		len = strlen(buf);
		if (!output) {
			fprintf(io->out, "%s\n", buf);
			free(buf);
			return 0;
		}
	} else {
		FILE *m;
		if (!output) {
			render_snapshot_text(io->out, &st->snap, &o);
			return 0;
		}
		m = open_memstream(&buf, &len);
		if (!m) {
			fprintf(io->err, "h7jumpdiag %s: out of memory\n", cmd->name);
			return H7_EXIT_INTERNAL;
		}
		render_snapshot_text(m, &st->snap, &o);
		fclose(m);
	}
	if (json) {
		/* a final newline, as on stdout */
		char *nb = realloc(buf, len + 2);
		if (nb) {
			buf = nb;
			buf[len++] = '\n';
			buf[len] = '\0';
		}
	}
	rc = render_write_file_atomic(output, buf, len);
	free(buf);
	if (rc) {
		fprintf(io->err, "h7jumpdiag %s: cannot write '%s': %s\n", cmd->name, output, h7_strerror(rc));
		return H7_EXIT_USAGE;
	}
	return 0;
}

static int decode_main(const struct cli_command *cmd, const struct cli_parsed *args, struct h7_io *io)
{
	struct decode_state *st = calloc(1, sizeof *st);
	const char *report = NULL, *svd_path = NULL, *output = NULL, *format = "text", *fault_arg = NULL;
	int fault = 0;
	int json = 0, all = 0, given = 0, rc = 0;
	char err[512], title[300];

	if (!st) {
		fprintf(io->err, "h7jumpdiag %s: out of memory\n", cmd->name);
		return H7_EXIT_INTERNAL;
	}
	snapshot_init(&st->snap, SNAP_CORE_CM7);
	if (args->n_positional) {
		rc = cli_usage_error(cmd, io, "unexpected argument '%s'", args->positional[0]);
		goto out;
	}
	for (int i = 0; i < args->n_values; i++) {
		const struct cli_value *a = &args->values[i];
		switch (a->id) {
		case OPT_REPORT: report = a->value; break;
		case OPT_FAULT: fault_arg = a->value; break;
		case OPT_SVD: svd_path = a->value; break;
		case OPT_OUTPUT: output = a->value; break;
		case OPT_FORMAT: format = a->value; break;
		case OPT_ALL: all = 1; break;
		default: break;
		}
	}
	if (fault_arg) {
		char *end;
		long v = strtol(fault_arg, &end, 10);
		if (!report || end == fault_arg || *end || v < 1 || v > 1000) {
			rc = cli_usage_error(cmd, io, report ? "--fault wants a fault number from 1, not '%s'"
							     : "--fault '%s' needs --report RUN.json",
					     fault_arg);
			goto out;
		}
		fault = (int)v;
	}
	if (!strcmp(format, "json"))
		json = 1;
	else if (strcmp(format, "text")) {
		rc = cli_usage_error(cmd, io, "unknown format '%s' (text or json)", format);
		goto out;
	}
	if (svd_path) {
		int e = svd_load(svd_path, &st->svd, err, sizeof err);
		if (e) {
			fprintf(io->err, "h7jumpdiag %s: --svd: %s\n", cmd->name, err);
			rc = H7_EXIT_USAGE;
			goto out;
		}
	}
	if (report) {
		int e = render_read_report_file(report, &fault, &st->snap, err, sizeof err);
		if (e) {
			fprintf(io->err, "h7jumpdiag %s: --report %s: %s\n", cmd->name, report, err);
			rc = H7_EXIT_USAGE;
			goto out;
		}
		given = 1;
	}
	/* values on the command line come after (and override) the report's */
	for (int i = 0; i < args->n_values; i++) {
		const struct cli_value *a = &args->values[i];
		if (a->id == OPT_REG) {
			if ((rc = apply_reg(cmd, io, st, a->value)) != 0)
				goto out;
			given = 1;
			continue;
		}
		for (size_t k = 0; k < sizeof value_regs / sizeof value_regs[0]; k++) {
			uint32_t v;
			if (value_regs[k].opt != a->id)
				continue;
			if (cli_parse_u32(a->value, &v)) {
				rc = cli_usage_error(cmd, io, "--%s: '%s' is not a 32-bit number (decimal or 0x hex)",
						     a->name, a->value);
				goto out;
			}
			snapshot_set(&st->snap, value_regs[k].reg, v);
			given = 1;
		}
	}
	if (!given) {
		rc = cli_usage_error(cmd, io, "nothing to decode: give register values (--cfsr, --hfsr, ..., --reg) "
					      "or --report FILE.json");
		goto out;
	}
	if (report) {
		char which[24] = "";
		if (fault)
			snprintf(which, sizeof which, ", fault %d", fault);
		snprintf(title, sizeof title, "h7jumpdiag decode  %.200s%s: %s%s", report, which,
			 st->snap.core == SNAP_CORE_CM4 ? "CM4" : "CM7", st->snap.halted ? ", halted" : "");
	} else {
		snprintf(title, sizeof title, "h7jumpdiag decode  (offline values, Cortex-M7)");
	}
	rc = render_out(cmd, io, st, json, output, all, title);
	if (!rc && has_fault(&st->snap))
		rc = H7_EXIT_DIAGNOSIS;
out:
	svd_free(st->svd);
	free(st);
	return rc;
}

const struct cli_command cmd_decode = {
	"decode",
	"[--cfsr V] [--hfsr V] [--bfar V] ... [--reg NAME=V] [--report FILE.json] [--svd FILE] [OPTIONS]",
	"decode fault registers offline, or re-decode a saved JSON report",
	"Values are decimal or 0x hex. Every set bit is listed and explained; MMFAR/BFAR are\n"
	"reported only when CFSR says they are valid. Exit status 1 when the registers show a fault.",
	decode_options,
	decode_main,
};
