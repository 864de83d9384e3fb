/* h7jumpdiag snapshot: halt, capture every register block, decode, resume. */
#include "cli.h"
#include "h7jumpdiag/error.h"

enum {
	OPT_BOARD = 1,
	OPT_CORE,
	OPT_OPENOCD,
	OPT_KEEP_HALTED,
	OPT_FORMAT,
	OPT_OUTPUT,
};

static const struct cli_option snapshot_options[] = {
	{ "board", 'b', CLI_REQUIRED_ARG, "BOARD", "sim (default), disco, nucleo-h745zi-q, ...", OPT_BOARD },
	{ "core", 'c', CLI_REQUIRED_ARG, "CORE", "cm7 (default) or cm4", OPT_CORE },
	{ "openocd", 0, CLI_REQUIRED_ARG, "HOST:PORT", "attach to a running OpenOCD's Tcl server", OPT_OPENOCD },
	{ "keep-halted", 0, CLI_NO_ARG, NULL, "leave the core halted afterwards", OPT_KEEP_HALTED },
	{ "format", 'f', CLI_REQUIRED_ARG, "FMT", "text (default) or json", OPT_FORMAT },
	{ "output", 'o', CLI_REQUIRED_ARG, "FILE", "write the report to FILE (atomically)", OPT_OUTPUT },
	{ NULL, 0, CLI_NO_ARG, NULL, NULL, 0 }
};

static int snapshot_main(const struct cli_command *cmd, const struct cli_parsed *args, struct h7_io *io)
{
	(void)args;
	fprintf(io->err, "h7jumpdiag %s: not implemented yet\n", cmd->name);
	return H7_EXIT_INTERNAL;
}

const struct cli_command cmd_snapshot = {
	"snapshot",
	"[--board BOARD | --openocd HOST:PORT] [--core cm7|cm4] [OPTIONS]",
	"halt a core, capture and decode every register block, resume",
	NULL,
	snapshot_options,
	snapshot_main,
};
