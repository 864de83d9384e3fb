/* h7jumpdiag decode: offline decoding of fault registers or a saved report. */
#include "cli.h"
#include "h7jumpdiag/error.h"

enum {
	OPT_CFSR = 1,
	OPT_HFSR,
	OPT_FORMAT,
};

static const struct cli_option decode_options[] = {
	{ "cfsr", 0, CLI_REQUIRED_ARG, "VALUE", "Configurable Fault Status Register (0xE000ED28)", OPT_CFSR },
	{ "hfsr", 0, CLI_REQUIRED_ARG, "VALUE", "HardFault Status Register (0xE000ED2C)", OPT_HFSR },
	{ "format", 'f', CLI_REQUIRED_ARG, "FMT", "text (default) or json", OPT_FORMAT },
	{ NULL, 0, CLI_NO_ARG, NULL, NULL, 0 }
};

static int decode_main(const struct cli_command *cmd, const struct cli_parsed *args, struct h7_io *io)
{
	(void)args;
	fprintf(io->err, "h7jumpdiag %s: not implemented yet\n", cmd->name);
	return H7_EXIT_INTERNAL;
}

const struct cli_command cmd_decode = {
	"decode",
	"[--cfsr V] [--hfsr V] ... | --report FILE.json",
	"decode fault registers offline, or re-decode a saved JSON report",
	NULL,
	decode_options,
	decode_main,
};
