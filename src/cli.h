/* Command-line layer: option tables, parsing, help text, subcommand dispatch.
 *
 * Each subcommand lives in its own cmd_<name>.c and exports one
 * struct cli_command. Its option table feeds both `--help` and a test that
 * checks every option is documented in man/h7jumpdiag.1. Only main() exits:
 * commands return an exit status (enum h7_exit).
 */
#ifndef H7_CLI_H
#define H7_CLI_H

#include <stdint.h>
#include <stdio.h>

struct h7_io {
	FILE *out; /* reports and listings */
	FILE *err; /* diagnostics and usage errors */
};

enum cli_arg_kind { CLI_NO_ARG = 0, CLI_REQUIRED_ARG = 1 };

struct cli_option {
	const char *name;     /* long name without the dashes; NULL ends a table */
	char short_name;      /* single-letter alias or 0 */
	enum cli_arg_kind arg;
	const char *arg_name; /* placeholder shown in help, e.g. "NAME" */
	const char *help;     /* one line */
	int id;               /* value reported in struct cli_value */
};

struct cli_value {
	int id;
	const char *name;  /* long name, for messages */
	const char *value; /* NULL for flags */
};

#define CLI_MAX_VALUES 64
#define CLI_MAX_POSITIONAL 16

struct cli_parsed {
	struct cli_value values[CLI_MAX_VALUES];
	int n_values;
	const char *positional[CLI_MAX_POSITIONAL];
	int n_positional;
};

struct cli_command;
typedef int (*cli_run_fn)(const struct cli_command *cmd, const struct cli_parsed *args, struct h7_io *io);

struct cli_command {
	const char *name;
	const char *synopsis; /* usage line after "h7jumpdiag <name> " */
	const char *summary;  /* one line for the command list */
	const char *description; /* a paragraph for `<name> --help`; may be NULL */
	const struct cli_option *options;
	cli_run_fn run;
};

/* Option ids shared by every command (handled by the dispatcher). */
enum {
	CLI_OPT_HELP = 1000,
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET
};

/* The subcommands, in the order --help lists them. NULL-terminated. */
extern const struct cli_command *const h7_commands[];

/* The whole program: parses argv, dispatches, returns the exit status. */
int h7_cli_main(int argc, char **argv, struct h7_io *io);

/* Parse argv (argv[0] is the subcommand name) against cmd's option table plus
 * the common options. Returns 0, or H7_EXIT_USAGE after printing a message. */
int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_parsed *out,
	      struct h7_io *io);

/* Print `h7jumpdiag <cmd> --help`. */
void cli_print_command_help(const struct cli_command *cmd, FILE *f);

/* Report a usage error for cmd ("h7jumpdiag run: <msg>" + a hint); returns H7_EXIT_USAGE. */
int cli_usage_error(const struct cli_command *cmd, struct h7_io *io, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Numbers: decimal or 0x-prefixed hex, the whole string, within range. 0 or H7_ERROR_INVALID_PARAM. */
int cli_parse_u32(const char *s, uint32_t *out);
/* Seconds with an optional fraction ("2", "0.5"), 0 < s <= max_s; result in milliseconds. */
int cli_parse_seconds(const char *s, double max_s, int *out_ms);

#endif
