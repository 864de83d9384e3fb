/* h7jumpdiag run: the step-by-step jump runner, its diagnosis and its reports. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "elfinfo.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_proc.h"
#include "ocd_rpc.h"
#include "recipe.h"
#include "render.h"
#include "report.h"
#include "rules.h"
#include "run.h"
#include "runner.h"
#include "usb.h"

enum {
	OPT_BOARD = 1,
	OPT_RECIPE,
	OPT_LIST_RECIPES,
	OPT_WITH_CDC,
	OPT_WITH_CACHES,
	OPT_FROM_ISR,
	OPT_CM4,
	OPT_CM4_IMAGE,
	OPT_ELF,
	OPT_BREAK_AT,
	OPT_WAIT,
	OPT_SIM_FLASH,
	OPT_OPENOCD,
	OPT_H7SIM,
	OPT_KEEP_GOING,
	OPT_STOP_AT_FIRST,
	OPT_KEEP_HALTED,
	OPT_TIMEOUT,
	OPT_STEP_TIMEOUT,
	OPT_USB_SERIAL,
	OPT_USB_PATH,
	OPT_USB_BACKEND,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_JUNIT,
	OPT_EXPLAIN,
};

static const struct cli_option run_options[] = {
	{ "board", 'b', CLI_REQUIRED_ARG, "BOARD", "sim (default), disco, nucleo-h745zi-q, nucleo-h743zi, h747i-disco",
	  OPT_BOARD },
	{ "recipe", 'r', CLI_REQUIRED_ARG, "NAME", "jump recipe to run (default st; see --list-recipes)", OPT_RECIPE },
	{ "list-recipes", 0, CLI_NO_ARG, NULL, "print the recipes, one line each, and exit", OPT_LIST_RECIPES },
	{ "with-cdc", 0, CLI_NO_ARG, NULL, "the application's USB CDC device is connected before the jump", OPT_WITH_CDC },
	{ "with-caches", 0, CLI_NO_ARG, NULL, "the application enabled the I- and D-cache", OPT_WITH_CACHES },
	{ "from-isr", 0, CLI_NO_ARG, NULL, "the jump is called from inside an interrupt handler", OPT_FROM_ISR },
	{ "cm4", 0, CLI_REQUIRED_ARG, "MODE", "halted (default): hold the CM4; running: let it run", OPT_CM4 },
	{ "cm4-image", 0, CLI_REQUIRED_ARG, "IMG", "with --cm4 running: park, usb or a .bin loaded at 0x30000000",
	  OPT_CM4_IMAGE },
	{ "elf", 0, CLI_REQUIRED_ARG, "FILE", "step your own firmware (already in flash) instead of a recipe", OPT_ELF },
	{ "break-at", 0, CLI_REQUIRED_ARG, "SYMBOL", "with --elf: the function that jumps (default JumpToBootloader)",
	  OPT_BREAK_AT },
	{ "wait", 0, CLI_REQUIRED_ARG, "S", "with --elf: wait up to S seconds for SYMBOL (default 10)", OPT_WAIT },
	{ "sim-flash", 0, CLI_REQUIRED_ARG, "FILE", "--board sim: preload the simulated flash with FILE", OPT_SIM_FLASH },
	{ "openocd", 0, CLI_REQUIRED_ARG, "HOST:PORT", "attach to a running OpenOCD's Tcl server", OPT_OPENOCD },
	{ "h7sim", 0, CLI_REQUIRED_ARG, "HOST:RBB:CTL", "a running h7sim (ports): with --board sim, or the one an --openocd debugs", OPT_H7SIM },
	{ "keep-going", 0, CLI_NO_ARG, NULL, "continue past faults to show the next ones (default; not with --elf)", OPT_KEEP_GOING },
	{ "stop-at-first-fault", 0, CLI_NO_ARG, NULL, "stop at the first fault, as the chip does", OPT_STOP_AT_FIRST },
	{ "keep-halted", 0, CLI_NO_ARG, NULL, "leave the core halted at the end instead of reset and run",
	  OPT_KEEP_HALTED },
	{ "timeout", 't', CLI_REQUIRED_ARG, "S", "wait up to S seconds for the DFU device (default 5)", OPT_TIMEOUT },
	{ "step-timeout", 0, CLI_REQUIRED_ARG, "S", "a step may take up to S seconds (default 10)", OPT_STEP_TIMEOUT },
	{ "usb-serial", 0, CLI_REQUIRED_ARG, "SERIAL", "only the DFU device with this serial number", OPT_USB_SERIAL },
	{ "usb-path", 0, CLI_REQUIRED_ARG, "PATH", "only the DFU device on this port (BUS-PORT[.PORT])", OPT_USB_PATH },
	{ "usb-backend", 0, CLI_REQUIRED_ARG, "B", "auto (default), hotplug, poll or sim", OPT_USB_BACKEND },
	{ "format", 'f', CLI_REQUIRED_ARG, "FMT", "report format: text (default) or json", OPT_FORMAT },
	{ "output", 'o', CLI_REQUIRED_ARG, "FILE", "write the report to FILE (atomically)", OPT_OUTPUT },
	{ "junit", 0, CLI_REQUIRED_ARG, "FILE", "also write JUnit XML (a testcase per step) to FILE", OPT_JUNIT },
	{ "explain", 0, CLI_NO_ARG, NULL, "teach: what each step does and why it matters", OPT_EXPLAIN },
	{ NULL, 0, CLI_NO_ARG, NULL, NULL, 0 }
};

static void list_recipes(FILE *f)
{
	for (const struct recipe *r = recipe_table; r->name; r++)
		fprintf(f, "%-24s %s\n", r->name, r->summary);
}

static int seconds(const struct cli_command *cmd, struct h7_io *io, const struct cli_value *v, double max, int *ms)
{
	if (cli_parse_seconds(v->value, max, ms) != 0)
		return cli_usage_error(cmd, io, "--%s wants seconds (0 < S <= %g), not '%s'", v->name, max, v->value);
	return 0;
}

/* Write text to FILE atomically, or to stdout when path is NULL or "-". */
static int emit(const char *path, const char *data, size_t len, FILE *out)
{
	if (!path || !strcmp(path, "-")) {
		fwrite(data, 1, len, out);
		return 0;
	}
	return render_write_file_atomic(path, data, len);
}

/* The report file could not be written after all (checked before the run):
 * the report goes to standard output instead, so that it is not lost. */
static void lost_output(struct h7_io *io, const char *path, const char *data, size_t len)
{
	fprintf(io->err, "h7jumpdiag run: cannot write %s; the report follows on standard output\n", path);
	fwrite(data, 1, len, io->out);
	if (len && data[len - 1] != '\n')
		fputc('\n', io->out);
}

/* Is path (for --sim-flash: FILE.elf or FILE.bin@ADDR) a readable file? */
static int readable_file(const char *path, int bin_at_addr)
{
	char buf[4096];
	const char *at = bin_at_addr ? strrchr(path, '@') : NULL;
	struct stat sb;

	if (at && access(path, R_OK) != 0 && (size_t)(at - path) < sizeof buf) {
		memcpy(buf, path, (size_t)(at - path));
		buf[at - path] = '\0';
		path = buf;
	}
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, R_OK) == 0;
}

/* The input files, before anything is started: a missing file, a file that is
 * no ARM ELF or an --elf without the --break-at symbol is a usage error that
 * names the file, not a failed debug session 2 s later. */
static int check_inputs(const struct cli_command *cmd, struct h7_io *io, const struct runner_opts *o)
{
	char err[256];
	struct elfinfo *ei = NULL;
	const struct elfinfo_symbol *sym;

	if (o->sim_flash && !readable_file(o->sim_flash, 1))
		return cli_usage_error(cmd, io, "--sim-flash: cannot read '%s'", o->sim_flash);
	if (o->cm4_image && strcmp(o->cm4_image, "park") && strcmp(o->cm4_image, "usb") &&
	    !readable_file(o->cm4_image, 0))
		return cli_usage_error(cmd, io, "--cm4-image: '%s' is neither park, usb nor a readable file",
				       o->cm4_image);
	if (!o->elf)
		return 0;
	if (elfinfo_open(o->elf, &ei, err, sizeof err) != 0)
		return cli_usage_error(cmd, io, "--elf %s: %s", o->elf, err);
	int missing = elfinfo_symbol_by_name(ei, o->break_at, &sym) != 0;
	elfinfo_close(ei);
	if (missing)
		return cli_usage_error(cmd, io, "--break-at: %s has no symbol '%s'", o->elf, o->break_at);
	return 0;
}

static int run_main(const struct cli_command *cmd, const struct cli_parsed *args, struct h7_io *io)
{
	struct runner_opts o;
	struct run_record *rec;
	struct rules_result *res;
	const char *format = "text", *output = NULL, *junit = NULL;
	int explain = 0, rc, status;

	runner_opts_init(&o);
	o.recipe = "st";
	for (int i = 0; i < args->n_values; i++) {
		const struct cli_value *v = &args->values[i];
		switch (v->id) {
		case OPT_LIST_RECIPES: list_recipes(io->out); return H7_EXIT_OK;
		case OPT_BOARD: o.board = v->value; break;
		case OPT_RECIPE:
			if (!recipe_find(v->value))
				return cli_usage_error(cmd, io, "unknown recipe '%s' (see --list-recipes)", v->value);
			o.recipe = v->value;
			break;
		case OPT_WITH_CDC: o.setup.with_cdc = 1; break;
		case OPT_WITH_CACHES: o.setup.with_caches = 1; break;
		case OPT_FROM_ISR: o.setup.from_isr = 1; break;
		case OPT_CM4:
			if (!strcmp(v->value, "halted"))
				o.cm4 = RUN_CM4_HALTED;
			else if (!strcmp(v->value, "running"))
				o.cm4 = RUN_CM4_RUNNING;
			else
				return cli_usage_error(cmd, io, "--cm4 wants halted or running, not '%s'", v->value);
			break;
		case OPT_CM4_IMAGE: o.cm4_image = v->value; break;
		case OPT_ELF: o.elf = v->value; break;
		case OPT_BREAK_AT: o.break_at = v->value; break;
		case OPT_WAIT:
			if (seconds(cmd, io, v, 3600, &o.wait_ms))
				return H7_EXIT_USAGE;
			break;
		case OPT_SIM_FLASH: o.sim_flash = v->value; break;
		case OPT_OPENOCD: o.openocd = v->value; break;
		case OPT_H7SIM: o.h7sim = v->value; break;
		case OPT_KEEP_GOING: o.keep_going = 1; break;
		case OPT_STOP_AT_FIRST: o.keep_going = 0; break;
		case OPT_KEEP_HALTED: o.keep_halted = 1; break;
		case OPT_TIMEOUT:
			if (seconds(cmd, io, v, 600, &o.usb_timeout_ms))
				return H7_EXIT_USAGE;
			break;
		case OPT_STEP_TIMEOUT:
			if (seconds(cmd, io, v, 600, &o.step_timeout_ms))
				return H7_EXIT_USAGE;
			break;
		case OPT_USB_SERIAL: o.usb_serial = v->value; break;
		case OPT_USB_PATH:
			if (usbw_check_path(v->value) != 0)
				return cli_usage_error(cmd, io, "--usb-path wants BUS-PORT[.PORT...], not '%s'", v->value);
			o.usb_path = v->value;
			break;
		case OPT_USB_BACKEND:
			if (!strcmp(v->value, "auto"))
				o.usb_backend = USBW_BACKEND_AUTO;
			else if (!strcmp(v->value, "hotplug"))
				o.usb_backend = USBW_BACKEND_HOTPLUG;
			else if (!strcmp(v->value, "poll"))
				o.usb_backend = USBW_BACKEND_POLL;
			else if (!strcmp(v->value, "sim"))
				o.usb_backend = USBW_BACKEND_SIM;
			else
				return cli_usage_error(cmd, io, "--usb-backend wants auto, hotplug, poll or sim");
			break;
		case OPT_FORMAT:
			if (strcmp(v->value, "text") && strcmp(v->value, "json"))
				return cli_usage_error(cmd, io, "--format wants text or json, not '%s'", v->value);
			format = v->value;
			break;
		case OPT_OUTPUT: output = v->value; break;
		case OPT_JUNIT: junit = v->value; break;
		case OPT_EXPLAIN: explain = 1; break;
		default: break;
		}
	}
	if (args->n_positional)
		return cli_usage_error(cmd, io, "unexpected argument '%s'", args->positional[0]);
	if (o.break_at && !o.elf)
		return cli_usage_error(cmd, io, "--break-at needs --elf");
	if (o.elf && !o.break_at)
		o.break_at = "JumpToBootloader";
	if (o.h7sim && o.board && strcmp(o.board, "sim"))
		return cli_usage_error(cmd, io, "--h7sim only goes with --board sim");
	rc = check_inputs(cmd, io, &o);
	if (rc)
		return rc;
	/* before the run, not after it: a report that cannot be written is lost */
	{
		char why[512];
		if (output && render_check_output(output, why, sizeof why))
			return cli_usage_error(cmd, io, "--output: %s", why);
		if (junit && render_check_output(junit, why, sizeof why))
			return cli_usage_error(cmd, io, "--junit: %s", why);
	}
	o.progress = isatty(fileno(io->err)) && h7_log_get_level() >= H7_LOG_INFO;
	o.cancel = ocd_rpc_interrupt_flag();

	rec = malloc(sizeof *rec);
	res = malloc(sizeof *res);
	if (!rec || !res) {
		free(rec);
		free(res);
		fprintf(io->err, "h7jumpdiag run: out of memory\n");
		return H7_EXIT_INTERNAL;
	}
	run_record_init(rec);
	ocd_proc_set_graceful(1);
	rc = runner_run(&o, rec);
	rules_evaluate(rec, res);
	status = run_exit_status(rec);
	(void)rc;

	if (!strcmp(format, "json")) {
		cJSON *j = report_json(rec, res);
		char *txt = j ? cJSON_Print(j) : NULL;
		cJSON_Delete(j);
		if (!txt) {
			fprintf(io->err, "h7jumpdiag run: out of memory\n");
			status = H7_EXIT_INTERNAL;
		} else {
			size_t n = strlen(txt);
			if (emit(output, txt, n, io->out) != 0) {
				lost_output(io, output, txt, n);
				status = H7_EXIT_USAGE;
			} else if (!output || !strcmp(output, "-")) {
				fputc('\n', io->out);
			}
			free(txt);
		}
	} else {
		char *buf = NULL;
		size_t len = 0;
		FILE *mf = output && strcmp(output, "-") ? open_memstream(&buf, &len) : io->out;
		struct report_opts ro = { 0, explain, h7_log_get_level() >= H7_LOG_DEBUG };
		if (!mf) {
			status = H7_EXIT_INTERNAL;
		} else {
			ro.color = mf == io->out && render_use_color(io->out);
			report_text(mf, rec, res, &ro);
			if (mf != io->out) {
				fclose(mf);
				if (emit(output, buf, len, io->out) != 0) {
					lost_output(io, output, buf, len);
					status = H7_EXIT_USAGE;
				}
				free(buf);
			}
		}
	}
	if (junit) {
		char *x = report_junit(rec, res);
		if (!x || render_write_file_atomic(junit, x, strlen(x)) != 0) {
			fprintf(io->err, "h7jumpdiag run: cannot write %s\n", junit);
			if (status == H7_EXIT_OK)
				status = H7_EXIT_USAGE;
		}
		free(x);
	}
	run_record_free(rec);
	free(rec);
	free(res);
	return status;
}

const struct cli_command cmd_run = {
	"run",
	"[--board BOARD] [--recipe NAME | --elf FILE] [OPTIONS]",
	"run the bootloader jump one step at a time and diagnose it",
	"Starts what it needs (h7sim and OpenOCD for --board sim, else OpenOCD with the board's\n"
	"configuration), identifies the part, holds the CM4, loads the probe firmware into RAM and\n"
	"runs the recipe step by step: a snapshot after each step, faults caught by vector catch\n"
	"before any handler runs, the branch followed into system memory, the DFU device watched\n"
	"on USB. Ends with a verdict, findings with evidence and fixes, and restores the board.",
	run_options,
	run_main,
};
