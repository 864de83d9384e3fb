/* h7jumpdiag usb: list DFU devices or wait for one (like dfu-util -l / -w). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "usb.h"

enum {
	OPT_TIMEOUT = 1,
	OPT_FORMAT,
	OPT_SERIAL,
	OPT_PATH,
	OPT_APP,
	OPT_BOARD,
	OPT_SIMCTL,
	OPT_BACKEND,
	OPT_NEW,
	OPT_IDCODE,
	OPT_FLASH,
};

#define USB_DEFAULT_TIMEOUT_S "10"
#define USB_MAX_TIMEOUT_S 3600.0

static const struct cli_option usb_options[] = {
	{ "timeout", 't', CLI_REQUIRED_ARG, "S", "watch: give up after S seconds (default 10)", OPT_TIMEOUT },
	{ "format", 'f', CLI_REQUIRED_ARG, "FMT", "text (default) or json", OPT_FORMAT },
	{ "usb-serial", 0, CLI_REQUIRED_ARG, "SERIAL", "only the DFU device with this serial number", OPT_SERIAL },
	{ "usb-path", 0, CLI_REQUIRED_ARG, "BUS-PORT[.PORT]", "only the DFU device on this port, e.g. 1-1 or 3-2.4",
	  OPT_PATH },
	{ "app-device", 0, CLI_REQUIRED_ARG, "VID:PID", "watch: follow the application's device (e.g. 0483:5740)",
	  OPT_APP },
	{ "board", 'b', CLI_REQUIRED_ARG, "BOARD", "sim: follow h7sim's simulated bus (needs --h7sim-ctl)",
	  OPT_BOARD },
	{ "h7sim-ctl", 0, CLI_REQUIRED_ARG, "HOST:PORT", "h7sim's control socket (default: $H7SIM_CTL)",
	  OPT_SIMCTL },
	{ "backend", 0, CLI_REQUIRED_ARG, "NAME", "auto (default), hotplug, poll or sim", OPT_BACKEND },
	{ "new", 'n', CLI_NO_ARG, NULL, "watch: ignore DFU devices already present", OPT_NEW },
	{ "idcode", 0, CLI_REQUIRED_ARG, "VALUE", "DBGMCU_IDC of the part under test, for the checks", OPT_IDCODE },
	{ "flash-size", 0, CLI_REQUIRED_ARG, "KIB", "the part's flash size in KiB, for the checks", OPT_FLASH },
	{ NULL, 0, CLI_NO_ARG, NULL, NULL, 0 }
};

static const char *const known_boards[] = { "sim", "disco", "nucleo-h745zi-q", "nucleo-h743zi", "h747i-disco",
					    NULL };

static volatile sig_atomic_t usb_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	usb_interrupted = 1;
}

struct usb_args {
	const char *sub;
	int json;
	int timeout_ms;
	struct usbw_options opt;
};

static int parse_args(const struct cli_command *cmd, const struct cli_parsed *args, struct h7_io *io,
		      struct usb_args *a)
{
	const char *timeout = USB_DEFAULT_TIMEOUT_S, *board = NULL;
	int simctl_given = 0;
	uint32_t v;

	memset(a, 0, sizeof *a);
	if (args->n_positional != 1)
		return cli_usage_error(cmd, io, args->n_positional ? "expected one subcommand, list or watch"
								   : "missing subcommand: list or watch");
	a->sub = args->positional[0];
	if (strcmp(a->sub, "list") != 0 && strcmp(a->sub, "watch") != 0)
		return cli_usage_error(cmd, io, "unknown subcommand '%s' (list or watch)", a->sub);
	a->opt.sim_ctl = getenv("H7SIM_CTL");
	if (a->opt.sim_ctl && !*a->opt.sim_ctl)
		a->opt.sim_ctl = NULL;
	for (int i = 0; i < args->n_values; i++) {
		const struct cli_value *o = &args->values[i];
		switch (o->id) {
		case OPT_TIMEOUT:
			timeout = o->value;
			break;
		case OPT_FORMAT:
			if (strcmp(o->value, "json") == 0)
				a->json = 1;
			else if (strcmp(o->value, "text") == 0)
				a->json = 0;
			else
				return cli_usage_error(cmd, io, "--format '%s': text or json", o->value);
			break;
		case OPT_SERIAL:
			if (!*o->value)
				return cli_usage_error(cmd, io, "--usb-serial needs a serial number");
			a->opt.serial = o->value;
			break;
		case OPT_PATH:
			if (usbw_check_path(o->value))
				return cli_usage_error(cmd, io, "--usb-path '%s': expected BUS-PORT[.PORT...], "
							    "e.g. 1-1 or 3-2.4", o->value);
			a->opt.path = o->value;
			break;
		case OPT_APP:
			if (usbw_parse_vidpid(o->value, &a->opt.app_vid, &a->opt.app_pid))
				return cli_usage_error(cmd, io, "--app-device '%s': expected VID:PID in hex, "
							    "e.g. 0483:5740", o->value);
			break;
		case OPT_BOARD:
			board = o->value;
			break;
		case OPT_SIMCTL:
			a->opt.sim_ctl = o->value;
			simctl_given = 1;
			break;
		case OPT_BACKEND:
			if (strcmp(o->value, "auto") == 0)
				a->opt.backend = USBW_BACKEND_AUTO;
			else if (strcmp(o->value, "hotplug") == 0)
				a->opt.backend = USBW_BACKEND_HOTPLUG;
			else if (strcmp(o->value, "poll") == 0)
				a->opt.backend = USBW_BACKEND_POLL;
			else if (strcmp(o->value, "sim") == 0)
				a->opt.backend = USBW_BACKEND_SIM;
			else
				return cli_usage_error(cmd, io, "--backend '%s': auto, hotplug, poll or sim", o->value);
			break;
		case OPT_NEW:
			a->opt.new_only = 1;
			break;
		case OPT_IDCODE:
			if (cli_parse_u32(o->value, &v))
				return cli_usage_error(cmd, io, "--idcode '%s': a number", o->value);
			a->opt.part.idcode = v;
			a->opt.part.dev_id = (uint16_t)(v & 0xFFF); /* DBGMCU_IDC DEV_ID, RM0399 DBGMCU */
			break;
		case OPT_FLASH:
			if (cli_parse_u32(o->value, &v) || v == 0 || v > 65535)
				return cli_usage_error(cmd, io, "--flash-size '%s': KiB, 1..65535", o->value);
			a->opt.part.flash_kib = v;
			break;
		default:
			break;
		}
	}
	if (cli_parse_seconds(timeout, USB_MAX_TIMEOUT_S, &a->timeout_ms))
		return cli_usage_error(cmd, io, "--timeout '%s': seconds, more than 0 and at most %.0f", timeout,
				       USB_MAX_TIMEOUT_S);
	if (board) {
		int ok = 0;
		for (const char *const *b = known_boards; *b; b++)
			ok |= strcmp(*b, board) == 0;
		if (!ok)
			return cli_usage_error(cmd, io, "--board '%s': unknown board", board);
		a->opt.board_sim = strcmp(board, "sim") == 0;
	} else if (simctl_given) {
		a->opt.board_sim = 1; /* --h7sim-ctl alone means the simulated board */
	}
	if (a->opt.backend == USBW_BACKEND_AUTO && a->opt.board_sim && !getenv("UMOCKDEV_DIR") && !a->opt.sim_ctl)
		return cli_usage_error(cmd, io, "--board sim: the simulated bus needs h7sim's control socket "
					    "(--h7sim-ctl HOST:PORT or H7SIM_CTL)");
	return 0;
}

#ifndef H7_VERSION
#define H7_VERSION "0.0.0-unknown"
#endif

static int print_json(FILE *f, const char *command, cJSON *usb)
{
	cJSON *root = cJSON_CreateObject();
	char *s;

	if (!root || !usb) {
		cJSON_Delete(root);
		cJSON_Delete(usb);
		return H7_ERROR_NO_MEM;
	}
	{
		cJSON *tool = cJSON_CreateObject();
		int bad = !tool || !cJSON_AddStringToObject(root, "schema", "h7jumpdiag/1") ||
			  !cJSON_AddStringToObject(root, "report", !strcmp(command, "usb list") ? "usb-list" : "usb-watch");
		bad = bad || !cJSON_AddItemToObject(root, "tool", tool);
		bad = bad || !cJSON_AddStringToObject(tool, "name", "h7jumpdiag") ||
		      !cJSON_AddStringToObject(tool, "version", H7_VERSION);
		if (bad || !cJSON_AddItemToObject(root, "usb", usb)) {
			if (bad)
				cJSON_Delete(usb);
			cJSON_Delete(root);
			return H7_ERROR_NO_MEM;
		}
	}
	s = cJSON_Print(root);
	cJSON_Delete(root);
	if (!s)
		return H7_ERROR_NO_MEM;
	fprintf(f, "%s\n", s);
	cJSON_free(s);
	return 0;
}

static int do_list(struct usb_args *a, struct h7_io *io)
{
	struct usbw_result *res = calloc(USBW_MAX_LIST, sizeof *res);
	int n = 0, rc, status = H7_EXIT_OK;

	if (!res)
		return H7_EXIT_INTERNAL;
	rc = usbw_list(&a->opt, res, USBW_MAX_LIST, &n);
	if (rc) {
		free(res);
		fprintf(io->err, "h7jumpdiag usb list: %s\n", h7_strerror(rc));
		return h7_exit_for_error(rc);
	}
	for (int i = 0; i < n; i++)
		if (res[i].describe_rc) {
			h7_err("%s", res[i].error);
			status = h7_exit_for_error(res[i].describe_rc);
		}
	if (a->json) {
		cJSON *usb = cJSON_CreateObject(), *devs = cJSON_CreateArray();
		cJSON_AddStringToObject(usb, "backend", n ? res[0].backend : "");
		cJSON_AddBoolToObject(usb, "simulated", n && res[0].simulated);
		for (int i = 0; i < n; i++)
			cJSON_AddItemToArray(devs, usbw_device_json(&res[i]));
		cJSON_AddItemToObject(usb, "devices", devs);
		if (print_json(io->out, "usb list", usb))
			status = H7_EXIT_INTERNAL;
	} else {
		if (n && res[0].simulated)
			fputs("usb: simulated bus\n", io->out);
		for (int i = 0; i < n; i++) {
			usbw_print_found_lines(io->out, &res[i]);
			usbw_print_device(io->out, &res[i]);
		}
		if (!n)
			fputs("No DFU device found.\n", io->out);
	}
	free(res);
	return status;
}

static int do_watch(struct usb_args *a, struct h7_io *io)
{
	struct usbw_result *res = calloc(1, sizeof *res);
	struct sigaction sa, old_int, old_term;
	struct usbw *w = NULL;
	int rc, status;

	if (!res)
		return H7_EXIT_INTERNAL;
	usb_interrupted = 0;
	a->opt.cancel = &usb_interrupted;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	rc = usbw_open(&a->opt, &w);
	if (rc == 0) {
		if (!a->json)
			fprintf(io->err, "h7jumpdiag: waiting up to %.1f s for a DFU device (%s)...\n",
				a->timeout_ms / 1000.0, usbw_backend_name(w));
		usbw_mark(w);
		rc = usbw_wait(w, a->timeout_ms, res);
		usbw_close(w);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (rc && rc != H7_ERROR_TIMEOUT && !res->backend) {
		free(res);
		fprintf(io->err, "h7jumpdiag usb watch: %s\n", h7_strerror(rc));
		return h7_exit_for_error(rc);
	}
	if (rc == H7_ERROR_TIMEOUT)
		status = H7_EXIT_DIAGNOSIS; /* no DFU device: a diagnosis, not a failure to look */
	else if (rc)
		status = h7_exit_for_error(rc);
	else if (res->describe_rc)
		status = h7_exit_for_error(res->describe_rc);
	else
		status = H7_EXIT_OK;
	if (res->describe_rc)
		h7_err("%s", res->error);
	if (a->json) {
		if (print_json(io->out, "usb watch", usbw_watch_json(res)))
			status = H7_EXIT_INTERNAL;
	} else {
		usbw_print_timeline(io->out, res);
		if (res->found) {
			usbw_print_found_lines(io->out, res);
			usbw_print_device(io->out, res);
		} else if (rc == H7_ERROR_TIMEOUT) {
			fprintf(io->out, "No DFU device within %.1f s.\n", a->timeout_ms / 1000.0);
		} else if (rc) {
			fprintf(io->out, "Stopped: %s.\n", h7_strerror(rc));
		}
	}
	free(res);
	return status;
}

static int usb_main(const struct cli_command *cmd, const struct cli_parsed *args, struct h7_io *io)
{
	struct usb_args a;
	int rc = parse_args(cmd, args, io, &a);

	if (rc)
		return rc;
	if (strcmp(a.sub, "list") == 0)
		return do_list(&a, io);
	return do_watch(&a, io);
}

const struct cli_command cmd_usb = {
	"usb",
	"list | watch [--timeout S] [OPTIONS]",
	"list STM32 DFU devices, or watch for one to enumerate",
	"list: describe every STM32 ROM bootloader DFU device (0483:df11) present, like dfu-util -l, with\n"
	"decoded memory layouts and DFU status. watch: wait for one to enumerate (like dfu-util -w), with\n"
	"a timeline. Several boards: select with --usb-path (reliable) or --usb-serial (the ROM derives the\n"
	"serial from the IDCODE, so boards of one revision share it). --board sim or --h7sim-ctl follows\n"
	"h7sim's simulated bus. Exit status: 0 found, 1 watch timed out, 3 USB access error.",
	usb_options,
	usb_main,
};
