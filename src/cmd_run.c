/* h7jumpdiag run: the step-by-step jump runner (issue: probe firmware and runner). */
#include "cli.h"
#include "h7jumpdiag/error.h"
#include "recipe.h"

enum {
	OPT_BOARD = 1,
	OPT_RECIPE,
	OPT_LIST_RECIPES,
	OPT_OPENOCD,
	OPT_FORMAT,
	OPT_OUTPUT,
};

static const struct cli_option run_options[] = {
	{ "board", 'b', CLI_REQUIRED_ARG, "BOARD", "sim (default), disco, nucleo-h745zi-q, nucleo-h743zi, h747i-disco",
	  OPT_BOARD },
	{ "recipe", 'r', CLI_REQUIRED_ARG, "NAME", "jump recipe to run (see --list-recipes)", OPT_RECIPE },
	{ "list-recipes", 0, CLI_NO_ARG, NULL, "print the recipes, one line each, and exit", OPT_LIST_RECIPES },
	{ "openocd", 0, CLI_REQUIRED_ARG, "HOST:PORT", "attach to a running OpenOCD's Tcl server", OPT_OPENOCD },
	{ "format", 'f', CLI_REQUIRED_ARG, "FMT", "report format: text (default) or json", OPT_FORMAT },
	{ "output", 'o', CLI_REQUIRED_ARG, "FILE", "write the report to FILE (atomically)", OPT_OUTPUT },
	{ NULL, 0, CLI_NO_ARG, NULL, NULL, 0 }
};

static void list_recipes(FILE *f)
{
	for (const struct recipe *r = recipe_table; r->name; r++)
		fprintf(f, "%-24s %s\n", r->name, r->summary);
}

static int run_main(const struct cli_command *cmd, const struct cli_parsed *args, struct h7_io *io)
{
	for (int i = 0; i < args->n_values; i++)
		if (args->values[i].id == OPT_LIST_RECIPES) {
			list_recipes(io->out);
			return H7_EXIT_OK;
		}
	fprintf(io->err, "h7jumpdiag %s: not implemented yet\n", cmd->name);
	return H7_EXIT_INTERNAL;
}

const struct cli_command cmd_run = {
	"run",
	"[--board BOARD] [--recipe NAME] [OPTIONS]",
	"run the bootloader jump one step at a time and diagnose it",
	NULL,
	run_options,
	run_main,
};
