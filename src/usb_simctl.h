/* Client of h7sim's control socket, protocol 1 (the fixed interface between
 * h7sim and h7jumpdiag, documented in sim/README.md):
 *   TCP 127.0.0.1:<ctl-port>, ASCII lines ending in "\n", at most 1024 bytes;
 *   one reply line per command: "ok[ key=value ...]" or "err <message>";
 *   asynchronous "event ..." lines only after "subscribe", never inside a
 *   reply line. Values never contain spaces or '='; unknown keys are ignored.
 *
 * The parser (simctl_parse_line) is a pure, bounded function over a buffer.
 * The connection keeps events that arrive while a reply is awaited in a
 * bounded queue, so nothing is lost between commands.
 */
#ifndef H7_USB_SIMCTL_H
#define H7_USB_SIMCTL_H

#include <stddef.h>

#define SIMCTL_LINE_MAX 1024  /* protocol limit, "\n" included */
#define SIMCTL_MAX_KV 32
#define SIMCTL_MAX_WORDS 4    /* words of an event before its key=value pairs */
#define SIMCTL_KEY_MAX 32
#define SIMCTL_VALUE_MAX 128
#define SIMCTL_EVENT_QUEUE 64

enum simctl_kind { SIMCTL_OK = 1, SIMCTL_ERR, SIMCTL_EVENT };

struct simctl_kv {
	char key[SIMCTL_KEY_MAX];
	char value[SIMCTL_VALUE_MAX];
};

struct simctl_line {
	int kind;                    /* enum simctl_kind */
	int n_words;                 /* event: "usb", "attach" */
	char word[SIMCTL_MAX_WORDS][SIMCTL_KEY_MAX];
	int n_kv;
	struct simctl_kv kv[SIMCTL_MAX_KV];
	char message[SIMCTL_LINE_MAX]; /* err: the message */
};

/* Parse one line (without or with its "\n"). Returns 0, H7_ERROR_PARSE (not
 * ok/err/event, a bare word after a key=value pair, an empty key) or
 * H7_ERROR_OVERFLOW (line, key, value or count over the limits). */
int simctl_parse_line(const char *line, size_t len, struct simctl_line *out);

/* The value of key, or NULL. */
const char *simctl_get(const struct simctl_line *l, const char *key);

/* mono_ms=81234.567 as a double; 0 or H7_ERROR_PARSE/NOT_FOUND. */
int simctl_get_ms(const struct simctl_line *l, const char *key, double *out);

struct simctl;

/* Connect to "HOST:PORT" or "PORT" (127.0.0.1), within timeout_ms.
 * Returns 0, H7_ERROR_INVALID_PARAM (bad address), H7_ERROR_CONNECT. */
int simctl_connect(const char *hostport, int timeout_ms, struct simctl **out);

/* Send one command line (no "\n"; at most SIMCTL_LINE_MAX - 1 bytes, no
 * control characters) and wait for its reply, queueing events that come
 * first. Returns 0 with *reply parsed (an "err" reply is 0 too: check
 * reply->kind), H7_ERROR_TIMEOUT, H7_ERROR_IO (connection closed),
 * H7_ERROR_PARSE/OVERFLOW (a malformed line from the simulator). */
int simctl_command(struct simctl *c, const char *cmd, struct simctl_line *reply, int timeout_ms);

/* The next event (queued or arriving within timeout_ms; 0 = do not wait).
 * Returns 0, H7_ERROR_TIMEOUT, H7_ERROR_IO, H7_ERROR_PARSE/OVERFLOW.
 * A non-event line outside a command is a protocol error (H7_ERROR_PARSE). */
int simctl_next_event(struct simctl *c, struct simctl_line *ev, int timeout_ms);

/* The socket, for poll()/an event loop: readable means simctl_next_event(c,
 * ev, 0) has something; call it until H7_ERROR_TIMEOUT (lines may be
 * buffered already). */
int simctl_fd(const struct simctl *c);

/* Events dropped because the queue was full. */
int simctl_dropped(const struct simctl *c);

void simctl_close(struct simctl *c);

#endif
