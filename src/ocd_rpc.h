/* Client for OpenOCD's Tcl RPC server (the transport layer).
 *
 * Protocol (OpenOCD src/server/tcl_server.c, 0.12.0): a request is a Tcl
 * script terminated by 0x1a; the reply is the script's result followed by
 * 0x1a, with NO status flag (a failing command often returns ""). So every
 * command goes out wrapped as `list [catch {CMD} h7_r] $h7_r`: the first
 * element is Jim's return code (0 ok, 1 Tcl error, or OpenOCD's negative
 * ERROR_* code), the second the result or message.
 *
 * With `tcl_notifications on` the server also pushes frames of the form
 * "type target_event event <name>\r\n" + 0x1a and "type target_state state
 * <state>\r\n" + 0x1a at any time, also between a request and its reply; they
 * name no target. The client sets them aside (counts them by name) and never
 * mistakes them for a reply: wrapped replies always start with a digit or '-'.
 *
 * Limits: connect, send and receive timeouts; a reply larger than max_reply is
 * H7_ERROR_OVERFLOW (the connection is then unusable and closed); a request
 * must stay below OpenOCD's 4 MiB line limit (TCL_LINE_MAX), which answers an
 * oversize line without the 0x1a terminator.
 *
 * Every value that comes from the user (a file name, a target name read from
 * the command line) and goes into a Tcl script MUST pass through
 * ocd_rpc_quote(): it is the one audited quoting function of h7jumpdiag.
 */
#ifndef H7_OCD_RPC_H
#define H7_OCD_RPC_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

struct ocd_rpc;

struct ocd_rpc_opts {
	int connect_timeout_ms; /* default 3000 */
	int io_timeout_ms;      /* per request: send + complete reply; default 10000 */
	size_t max_reply;       /* bytes in one reply frame; default 4 MiB */
};

/* Largest request sent (OpenOCD drops lines of 4 MiB and more). */
#define OCD_RPC_MAX_REQUEST (1u << 20)

/* Connect to host:port (numeric or resolvable host). opts may be NULL.
 * 0, H7_ERROR_CONNECT (refused, unreachable), H7_ERROR_TIMEOUT, H7_ERROR_NO_MEM,
 * H7_ERROR_INVALID_PARAM. If $H7_RPC_RECORD names a file, the session is
 * appended to it as a transcript (see ocd_rpc_set_record). */
int ocd_rpc_connect(const char *host, uint16_t port, const struct ocd_rpc_opts *opts, struct ocd_rpc **out);

/* Close and free (NULL is fine). */
void ocd_rpc_close(struct ocd_rpc *r);
/* Is the connection still usable? 0 once OpenOCD closed it or it broke
 * (a timeout, an oversized reply). */
int ocd_rpc_is_open(const struct ocd_rpc *r);

/* Change the per-request timeout (ms, > 0). */
void ocd_rpc_set_timeout(struct ocd_rpc *r, int io_timeout_ms);

/* Record every request and reply frame to f (NULL stops) in the transcript
 * format the unit tests replay: "> " request, "< " reply or notification
 * frame, one per line, with \\ \n \r \t \xHH escapes. */
void ocd_rpc_set_record(struct ocd_rpc *r, FILE *f);

/* Send one raw script and receive its reply frame (notification frames that
 * arrive first are set aside). *reply is malloc'd and NUL-terminated;
 * *len (if not NULL) gets its length. 0, H7_ERROR_IO, H7_ERROR_TIMEOUT,
 * H7_ERROR_OVERFLOW, H7_ERROR_INTERRUPTED, H7_ERROR_INVALID_PARAM. */
int ocd_rpc_raw(struct ocd_rpc *r, const char *script, char **reply, size_t *len);

/* Run one OpenOCD command (or script) wrapped in catch. The script must have
 * balanced braces (H7_ERROR_INVALID_PARAM otherwise). On return code 0, 0 is
 * returned and *result (if not NULL) gets the malloc'd result. Otherwise the
 * code is mapped with ocd_rpc_map_code(), the message kept for
 * ocd_rpc_last_error(), and *result is NULL. Transport errors as ocd_rpc_raw. */
int ocd_rpc_cmd(struct ocd_rpc *r, const char *script, char **result);

/* The same with a printf format. Every %s that carries user-controlled text
 * must be an ocd_rpc_quote() result. */
int ocd_rpc_cmdf(struct ocd_rpc *r, char **result, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The Tcl/OpenOCD return code and message of the last failed command
 * ("" when none). The message is OpenOCD's, e.g. "read_memory: failed to read memory". */
int ocd_rpc_last_code(const struct ocd_rpc *r);
const char *ocd_rpc_last_error(const struct ocd_rpc *r);

/* Map a `catch` return code to enum h7_error (pure): 0 and Jim's 2..4
 * (return/break/continue) -> 0; 1 (Tcl error) -> H7_ERROR_OPENOCD; OpenOCD's
 * ERROR_* codes (src/helper/log.h, src/jtag/jtag.h, src/target/target.h,
 * src/helper/command.h): -4 ERROR_FAIL -> H7_ERROR_OPENOCD,
 * -6/-302 timeouts -> H7_ERROR_TIMEOUT, -100..-112 JTAG/DAP -> H7_ERROR_DAP,
 * -304 ERROR_TARGET_NOT_HALTED -> H7_ERROR_NOT_HALTED, -307 data abort and
 * -309 translation fault -> H7_ERROR_MEMORY, other -3xx -> H7_ERROR_TARGET,
 * -601..-605 command syntax/argument -> H7_ERROR_INVALID_PARAM. */
int ocd_rpc_map_code(long long code);

/* THE quoting function. Turns the bytes s[0..len) into one Tcl word that
 * evaluates to exactly those bytes, whatever they are (; [ ] $ { } " \
 * white space, newlines, NUL, control characters): the word is a double-quoted
 * string in which letters, digits and "_-./:,+=@%^~" stand for themselves,
 * bytes >= 0x80 are copied (Tcl gives them no meaning), and every other byte
 * is written as a three-digit octal escape \ooo (Tcl(n) rule 9; Jim Tcl
 * decodes \ooo to that byte). The result has no brace, bracket, dollar or
 * unescaped quote, so it stays inert inside braces and inside the catch
 * wrapper. Returns a malloc'd NUL-terminated string or NULL (out of memory,
 * or more than OCD_RPC_MAX_REQUEST / 4 input bytes). */
char *ocd_rpc_quote(const char *s, size_t len);
/* The same for a NUL-terminated string. */
char *ocd_rpc_quote_str(const char *s);

/* Notifications. ocd_rpc_notify() sends `tcl_notifications on|off`.
 * ocd_rpc_event_count() is how many "type target_event event NAME" frames
 * arrived since the last ocd_rpc_events_clear(). ocd_rpc_wait_event() waits
 * up to timeout_ms for one more (or returns at once if the count is already
 * non-zero): 0, H7_ERROR_TIMEOUT, H7_ERROR_IO, H7_ERROR_INTERRUPTED. */
int ocd_rpc_notify(struct ocd_rpc *r, int on);
void ocd_rpc_events_clear(struct ocd_rpc *r);
unsigned ocd_rpc_event_count(const struct ocd_rpc *r, const char *name);
int ocd_rpc_wait_event(struct ocd_rpc *r, const char *name, int timeout_ms);

/* Parse "HOST:PORT" ("127.0.0.1:6666", "localhost:6666", "[::1]:6666").
 * host gets at most hostsz-1 bytes. 0 or H7_ERROR_INVALID_PARAM. */
int ocd_rpc_parse_hostport(const char *s, char *host, size_t hostsz, uint16_t *port);

/* A flag a signal handler sets (see ocd_proc.c); blocking waits in this module
 * return H7_ERROR_INTERRUPTED when it is non-zero. */
int ocd_rpc_interrupted(void);
void ocd_rpc_set_interrupted(void);
/* Allow RPC again after an interruption (to restore the target before exiting). */
void ocd_rpc_clear_interrupted(void);
/* The flag itself, for code that polls it (e.g. the USB watcher's cancel pointer). */
const volatile sig_atomic_t *ocd_rpc_interrupt_flag(void);

#endif
