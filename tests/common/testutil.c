/* Helpers shared by the test programs. */
#include "testutil.h"

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/wait.h>

#include "cli.h"
#include "log.h"

extern char **environ;

static const char *tu_path(const char *env, const char *def, const char *rel, char *buf, size_t n)
{
	const char *base = getenv(env);
	snprintf(buf, n, "%s/%s", base && *base ? base : def, rel);
	return buf;
}

const char *tu_src_path(const char *rel)
{
	static char buf[4096];
	return tu_path("H7_SRCDIR", ".", rel, buf, sizeof buf);
}

const char *tu_build_path(const char *rel)
{
	static char buf[4096];
	return tu_path("H7_BUILD", "build", rel, buf, sizeof buf);
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb;
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r < 4096)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int tu_run_cli(const char *const *argv, char **out, char **err)
{
	size_t olen = 0, elen = 0;
	int argc = 0, rc;
	char *argv_copy[64];
	struct h7_io io;

	*out = NULL;
	*err = NULL;
	while (argv[argc] && argc < 63) {
		argv_copy[argc] = (char *)argv[argc];
		argc++;
	}
	argv_copy[argc] = NULL;
	io.out = open_memstream(out, &olen);
	io.err = open_memstream(err, &elen);
	int level = h7_log_get_level();
	rc = h7_cli_main(argc, argv_copy, &io);
	/* the CLI logs to io.err at its own level: neither may outlive the call */
	h7_log_set_stream(NULL);
	h7_log_set_level(level);
	fclose(io.out);
	fclose(io.err);
	return rc;
}

int tu_validate_schema(const char *json_path)
{
	static const char script[] = "import json, sys, jsonschema\n"
				     "jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))\n";
	char schema[4096];
	const char *argv[] = { "/usr/bin/python3", "-c", script, json_path, schema, NULL };
	pid_t pid;
	int st;

	snprintf(schema, sizeof schema, "%s", tu_src_path("schema/h7jumpdiag-1.schema.json"));
	if (posix_spawn(&pid, argv[0], NULL, NULL, (char *const *)argv, environ) != 0)
		return -1;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}
