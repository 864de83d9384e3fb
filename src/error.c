/* Error codes: names, descriptions and the exit status each maps to. */
#include "h7jumpdiag/error.h"

#include <stddef.h>

struct error_entry {
	int code;
	const char *name;
	const char *text;
	int exit_status;
};

/* One row per enum h7_error value; test_error.c checks the table is complete. */
static const struct error_entry error_table[] = {
	{ H7_SUCCESS, "H7_SUCCESS", "success", H7_EXIT_OK },
	{ H7_ERROR_IO, "H7_ERROR_IO", "input/output error", H7_EXIT_CONNECT },
	{ H7_ERROR_INVALID_PARAM, "H7_ERROR_INVALID_PARAM", "invalid parameter", H7_EXIT_USAGE },
	{ H7_ERROR_ACCESS, "H7_ERROR_ACCESS", "permission denied", H7_EXIT_CONNECT },
	{ H7_ERROR_NO_DEVICE, "H7_ERROR_NO_DEVICE", "device not present or gone", H7_EXIT_CONNECT },
	{ H7_ERROR_NOT_FOUND, "H7_ERROR_NOT_FOUND", "not found", H7_EXIT_USAGE },
	{ H7_ERROR_BUSY, "H7_ERROR_BUSY", "resource busy", H7_EXIT_CONNECT },
	{ H7_ERROR_TIMEOUT, "H7_ERROR_TIMEOUT", "operation timed out", H7_EXIT_CONNECT },
	{ H7_ERROR_OVERFLOW, "H7_ERROR_OVERFLOW", "input larger than its limit", H7_EXIT_CONNECT },
	{ H7_ERROR_PARSE, "H7_ERROR_PARSE", "malformed input", H7_EXIT_USAGE },
	{ H7_ERROR_INTERRUPTED, "H7_ERROR_INTERRUPTED", "interrupted by a signal", H7_EXIT_CONNECT },
	{ H7_ERROR_NO_MEM, "H7_ERROR_NO_MEM", "out of memory", H7_EXIT_INTERNAL },
	{ H7_ERROR_NOT_SUPPORTED, "H7_ERROR_NOT_SUPPORTED", "operation not supported", H7_EXIT_USAGE },
	{ H7_ERROR_CONNECT, "H7_ERROR_CONNECT", "cannot connect", H7_EXIT_CONNECT },
	{ H7_ERROR_SPAWN, "H7_ERROR_SPAWN", "cannot start a helper process", H7_EXIT_CONNECT },
	{ H7_ERROR_OPENOCD, "H7_ERROR_OPENOCD", "OpenOCD command failed", H7_EXIT_CONNECT },
	{ H7_ERROR_TARGET, "H7_ERROR_TARGET", "target error", H7_EXIT_CONNECT },
	{ H7_ERROR_NOT_HALTED, "H7_ERROR_NOT_HALTED", "target not halted", H7_EXIT_CONNECT },
	{ H7_ERROR_DAP, "H7_ERROR_DAP", "debug port (JTAG/SWD) error", H7_EXIT_CONNECT },
	{ H7_ERROR_MEMORY, "H7_ERROR_MEMORY", "target memory access failed", H7_EXIT_CONNECT },
	{ H7_ERROR_REFUSED, "H7_ERROR_REFUSED", "refused: h7jumpdiag never writes flash or option bytes",
	  H7_EXIT_USAGE },
	{ H7_ERROR_UNKNOWN_PART, "H7_ERROR_UNKNOWN_PART", "unknown or unsupported part", H7_EXIT_CONNECT },
	{ H7_ERROR_MISMATCH, "H7_ERROR_MISMATCH", "target contents do not match", H7_EXIT_CONNECT },
	{ H7_ERROR_USB, "H7_ERROR_USB", "USB error", H7_EXIT_CONNECT },
	{ H7_ERROR_INTERNAL, "H7_ERROR_INTERNAL", "internal error", H7_EXIT_INTERNAL },
};

static const struct error_entry *error_lookup(int err)
{
	for (size_t i = 0; i < sizeof error_table / sizeof error_table[0]; i++)
		if (error_table[i].code == err)
			return &error_table[i];
	return NULL;
}

const char *h7_strerror(int err)
{
	const struct error_entry *e = error_lookup(err);
	return e ? e->text : "unknown error";
}

const char *h7_error_name(int err)
{
	const struct error_entry *e = error_lookup(err);
	return e ? e->name : "H7_ERROR_UNKNOWN";
}

int h7_exit_for_error(int err)
{
	const struct error_entry *e = error_lookup(err);
	return e ? e->exit_status : H7_EXIT_INTERNAL;
}
