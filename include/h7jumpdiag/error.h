/* h7jumpdiag - error codes and exit statuses (public API).
 *
 * Modelled on libusb's enum libusb_error: every function that can fail returns
 * 0 (H7_SUCCESS) or one of the negative codes below; h7_strerror() and
 * h7_error_name() turn a code into text. The exit status of the command-line
 * tool is defined here and nowhere else (see man/h7jumpdiag.1, EXIT STATUS).
 */
#ifndef H7JUMPDIAG_ERROR_H
#define H7JUMPDIAG_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum h7_error {
	H7_SUCCESS = 0,
	H7_ERROR_IO = -1,            /* input/output error on a socket, pipe or file */
	H7_ERROR_INVALID_PARAM = -2, /* invalid argument or option value */
	H7_ERROR_ACCESS = -3,        /* permission denied (USB node, file) */
	H7_ERROR_NO_DEVICE = -4,     /* the device went away */
	H7_ERROR_NOT_FOUND = -5,     /* no such file, symbol, register or device */
	H7_ERROR_BUSY = -6,          /* resource busy (port, interface) */
	H7_ERROR_TIMEOUT = -7,       /* an operation did not finish in time */
	H7_ERROR_OVERFLOW = -8,      /* input or reply larger than its limit */
	H7_ERROR_PARSE = -9,         /* malformed input (Tcl list, ELF, JSON, SVD, descriptor) */
	H7_ERROR_INTERRUPTED = -10,  /* stopped by SIGINT or SIGTERM */
	H7_ERROR_NO_MEM = -11,       /* out of memory */
	H7_ERROR_NOT_SUPPORTED = -12,/* operation not supported here */
	H7_ERROR_CONNECT = -13,      /* cannot connect to OpenOCD or the simulator */
	H7_ERROR_SPAWN = -14,        /* cannot start openocd or h7sim */
	H7_ERROR_OPENOCD = -15,      /* an OpenOCD command failed */
	H7_ERROR_TARGET = -16,       /* the target does not answer or is in the wrong state */
	H7_ERROR_NOT_HALTED = -17,   /* the target must be halted for this (OpenOCD -304) */
	H7_ERROR_DAP = -18,          /* JTAG/SWD or debug-port error (OpenOCD -107) */
	H7_ERROR_MEMORY = -19,       /* a target memory access failed (bus error) */
	H7_ERROR_REFUSED = -20,      /* refused: would write flash or option bytes */
	H7_ERROR_UNKNOWN_PART = -21, /* the part is not one h7jumpdiag knows */
	H7_ERROR_MISMATCH = -22,     /* what the target holds differs from what was expected */
	H7_ERROR_USB = -23,          /* a USB (libusb) operation failed */
	H7_ERROR_INTERNAL = -99      /* a bug in h7jumpdiag */
};

/* Exit statuses of the h7jumpdiag command (the only place they are defined). */
enum h7_exit {
	H7_EXIT_OK = 0,        /* success; for `run`: the DFU device enumerated */
	H7_EXIT_DIAGNOSIS = 1, /* a diagnosis was produced: a fault, or no DFU device */
	H7_EXIT_USAGE = 2,     /* usage error: bad option, argument or input file */
	H7_EXIT_CONNECT = 3,   /* connection or target error: OpenOCD, simulator, USB access */
	H7_EXIT_INTERNAL = 4   /* internal error */
};

/* A short English description of an error code; never NULL. */
const char *h7_strerror(int err);

/* The enum name of an error code, e.g. "H7_ERROR_TIMEOUT"; never NULL. */
const char *h7_error_name(int err);

/* The exit status the command-line tool uses when a command fails with err. */
int h7_exit_for_error(int err);

#ifdef __cplusplus
}
#endif
#endif
