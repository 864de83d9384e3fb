/* Command-line parsing and dispatch (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "h7jumpdiag/error.h"
#include "log.h"

#ifndef H7_VERSION
#define H7_VERSION "0.0.0-unknown"
#endif

extern const struct cli_command cmd_run, cmd_snapshot, cmd_decode, cmd_usb;

const struct cli_command *const h7_commands[] = { &cmd_run, &cmd_snapshot, &cmd_decode, &cmd_usb, NULL };

static const struct cli_option common_options[] = {
	{ "help", 'h', CLI_NO_ARG, NULL, "show this help and exit", CLI_OPT_HELP },
	{ "verbose", 'v', CLI_NO_ARG, NULL, "more messages (twice: trace OpenOCD traffic)", CLI_OPT_VERBOSE },
	{ "quiet", 'q', CLI_NO_ARG, NULL, "only errors (twice: nothing on stderr)", CLI_OPT_QUIET },
	{ NULL, 0, CLI_NO_ARG, NULL, NULL, 0 }
};

static void print_version(FILE *f)
{
	fprintf(f, "h7jumpdiag %s\n", H7_VERSION);
}

static void print_main_help(FILE *f)
{
	fputs("Usage: h7jumpdiag [-v|-q] COMMAND [OPTIONS]\n"
	      "\n"
	      "Diagnose jumps from STM32H7 application code to the system bootloader (USB DFU):\n"
	      "drive the target through OpenOCD one step at a time, decode faults, watch for\n"
	      "the DFU device and explain what went wrong. --board sim runs everything on a\n"
	      "simulated STM32H745 (h7sim), no hardware needed.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (const struct cli_command *const *c = h7_commands; *c; c++)
		fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
	fputs("\n"
	      "Options:\n"
	      "  -h, --help     show this help and exit\n"
	      "  -V, --version  print the version and exit\n"
	      "  -v, --verbose  more messages (twice: trace OpenOCD traffic)\n"
	      "  -q, --quiet    only errors\n"
	      "\n"
	      "Run 'h7jumpdiag COMMAND --help' for a command's options; see h7jumpdiag(1).\n"
	      "Exit status: 0 success (DFU enumerated), 1 diagnosis (fault or no DFU),\n"
	      "2 usage error, 3 connection or target error, 4 internal error.\n",
	      f);
}

/* Print text reflowed to 79 columns; continuation lines start at column
 * `indent` (the first line continues at column `col`). A blank line in text
 * (two newlines) starts a new paragraph; single newlines are spaces. */
static void print_wrapped(FILE *f, const char *text, int col, int indent)
{
	const char *p = text;
	int first = 1;

	while (*p) {
		size_t len = strcspn(p, " \n");
		if (!first && col + 1 + (int)len > 79) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, len, f);
		col += (int)len;
		first = 0;
		p += len;
		if (p[0] == '\n' && p[1] == '\n') {
			fprintf(f, "\n\n%*s", indent, "");
			col = indent;
			first = 1;
		}
		while (*p == ' ' || *p == '\n')
			p++;
	}
	fputc('\n', f);
}

static void print_options(const struct cli_option *opts, FILE *f)
{
	for (const struct cli_option *o = opts; o && o->name; o++) {
		char left[64];
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
				 o->arg ? " " : "", o->arg ? o->arg_name : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
				 o->arg ? o->arg_name : "");
		if (strlen(left) > 26) {
			fprintf(f, "  %s\n%29s", left, "");
		} else {
			fprintf(f, "  %-26s ", left);
		}
		print_wrapped(f, o->help, 29, 29);
	}
}

void cli_print_command_help(const struct cli_command *cmd, FILE *f)
{
	fprintf(f, "Usage: h7jumpdiag %s ", cmd->name);
	print_wrapped(f, cmd->synopsis, 19 + (int)strlen(cmd->name), 8);
	fprintf(f, "\n%s\n", cmd->summary);
	if (cmd->description) {
		fputc('\n', f);
		print_wrapped(f, cmd->description, 0, 0);
	}
	fputs("\nOptions:\n", f);
	print_options(cmd->options, f);
	print_options(common_options, f);
}

int cli_usage_error(const struct cli_command *cmd, struct h7_io *io, const char *fmt, ...)
{
	va_list ap;

	fprintf(io->err, "h7jumpdiag%s%s: ", cmd ? " " : "", cmd ? cmd->name : "");
	va_start(ap, fmt);
	vfprintf(io->err, fmt, ap);
	va_end(ap);
	fprintf(io->err, "\nTry 'h7jumpdiag%s%s --help' for more information.\n", cmd ? " " : "",
		cmd ? cmd->name : "");
	return H7_EXIT_USAGE;
}

static const struct cli_option *find_long(const struct cli_option *opts, const char *name, size_t len)
{
	for (const struct cli_option *o = opts; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *opts, char c)
{
	for (const struct cli_option *o = opts; o && o->name; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

static int add_value(const struct cli_command *cmd, struct cli_parsed *out, const struct cli_option *o,
		     const char *value, struct h7_io *io)
{
	if (out->n_values >= CLI_MAX_VALUES)
		return cli_usage_error(cmd, io, "too many options");
	out->values[out->n_values].id = o->id;
	out->values[out->n_values].name = o->name;
	out->values[out->n_values].value = value;
	out->n_values++;
	return 0;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_parsed *out, struct h7_io *io)
{
	int only_positional = 0;

	memset(out, 0, sizeof *out);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_option *o;

		if (only_positional || a[0] != '-' || a[1] == '\0') {
			if (out->n_positional >= CLI_MAX_POSITIONAL)
				return cli_usage_error(cmd, io, "too many arguments");
			out->positional[out->n_positional++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_positional = 1;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const char *value = NULL;

			o = find_long(cmd->options, name, len);
			if (!o)
				o = find_long(common_options, name, len);
			if (!o)
				return cli_usage_error(cmd, io, "unknown option '--%.*s'", (int)len, name);
			if (o->arg == CLI_REQUIRED_ARG) {
				if (eq)
					value = eq + 1;
				else if (i + 1 < argc)
					value = argv[++i];
				else
					return cli_usage_error(cmd, io, "option '--%s' needs a value (%s)", o->name,
							       o->arg_name);
			} else if (eq) {
				return cli_usage_error(cmd, io, "option '--%s' takes no value", o->name);
			}
			if (add_value(cmd, out, o, value, io))
				return H7_EXIT_USAGE;
			continue;
		}
		/* one or more short options: -vv, -t 5, -t5 */
		for (const char *p = a + 1; *p; p++) {
			const char *value = NULL;

			o = find_short(cmd->options, *p);
			if (!o)
				o = find_short(common_options, *p);
			if (!o)
				return cli_usage_error(cmd, io, "unknown option '-%c'", *p);
			if (o->arg == CLI_REQUIRED_ARG) {
				if (p[1])
					value = p + 1;
				else if (i + 1 < argc)
					value = argv[++i];
				else
					return cli_usage_error(cmd, io, "option '-%c' needs a value (%s)", *p,
							       o->arg_name);
				if (add_value(cmd, out, o, value, io))
					return H7_EXIT_USAGE;
				break;
			}
			if (add_value(cmd, out, o, NULL, io))
				return H7_EXIT_USAGE;
		}
	}
	return 0;
}

int cli_parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;
	int base = 10;

	if (!s || !*s)
		return H7_ERROR_INVALID_PARAM;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return H7_ERROR_INVALID_PARAM;
	}
	if (*s == '-' || *s == '+' || *s == ' ')
		return H7_ERROR_INVALID_PARAM;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > 0xFFFFFFFFull)
		return H7_ERROR_INVALID_PARAM;
	*out = (uint32_t)v;
	return H7_SUCCESS;
}

int cli_parse_seconds(const char *s, double max_s, int *out_ms)
{
	char *end;
	double v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return H7_ERROR_INVALID_PARAM;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0.0) || v > max_s)
		return H7_ERROR_INVALID_PARAM;
	*out_ms = (int)(v * 1000.0 + 0.5);
	if (*out_ms < 1)
		*out_ms = 1;
	return H7_SUCCESS;
}

static int apply_common(const struct cli_parsed *p, int *want_help)
{
	int level = h7_log_get_level();

	for (int i = 0; i < p->n_values; i++) {
		switch (p->values[i].id) {
		case CLI_OPT_HELP:
			*want_help = 1;
			break;
		case CLI_OPT_VERBOSE:
			level++;
			break;
		case CLI_OPT_QUIET:
			level--;
			break;
		default:
			break;
		}
	}
	h7_log_set_level(level);
	return 0;
}

int h7_cli_main(int argc, char **argv, struct h7_io *io)
{
	int i = 1;
	int level = H7_LOG_INFO;

	h7_log_set_level(H7_LOG_INFO);
	h7_log_set_stream(io->err);
	/* global options before the command */
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_main_help(io->out);
			return H7_EXIT_OK;
		}
		if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			print_version(io->out);
			return H7_EXIT_OK;
		}
		if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			level++;
		else if (!strcmp(a, "-vv"))
			level += 2;
		else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
			level--;
		else
			return cli_usage_error(NULL, io, "unknown option '%s'", a);
	}
	if (i >= argc) {
		print_main_help(io->err);
		return H7_EXIT_USAGE;
	}
	h7_log_set_level(level);
	for (const struct cli_command *const *c = h7_commands; *c; c++) {
		struct cli_parsed parsed;
		int want_help = 0, rc;

		if (strcmp((*c)->name, argv[i]) != 0)
			continue;
		rc = cli_parse(*c, argc - i, argv + i, &parsed, io);
		if (rc)
			return rc;
		apply_common(&parsed, &want_help);
		if (want_help) {
			cli_print_command_help(*c, io->out);
			return H7_EXIT_OK;
		}
		return (*c)->run(*c, &parsed, io);
	}
	if (!strcmp(argv[i], "help")) {
		print_main_help(io->out);
		return H7_EXIT_OK;
	}
	return cli_usage_error(NULL, io, "unknown command '%s'", argv[i]);
}
