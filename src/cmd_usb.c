/* h7jumpdiag usb: list DFU devices or wait for one (like dfu-util -l / -w). */
#include "cli.h"
#include "h7jumpdiag/error.h"

enum {
	OPT_TIMEOUT = 1,
	OPT_FORMAT,
};

static const struct cli_option usb_options[] = {
	{ "timeout", 't', CLI_REQUIRED_ARG, "S", "watch: give up after S seconds", OPT_TIMEOUT },
	{ "format", 'f', CLI_REQUIRED_ARG, "FMT", "text (default) or json", OPT_FORMAT },
	{ NULL, 0, CLI_NO_ARG, NULL, NULL, 0 }
};

static int usb_main(const struct cli_command *cmd, const struct cli_parsed *args, struct h7_io *io)
{
	(void)args;
	fprintf(io->err, "h7jumpdiag %s: not implemented yet\n", cmd->name);
	return H7_EXIT_INTERNAL;
}

const struct cli_command cmd_usb = {
	"usb",
	"list | watch [--timeout S] [OPTIONS]",
	"list STM32 DFU devices, or watch for one to enumerate",
	NULL,
	usb_options,
	usb_main,
};
