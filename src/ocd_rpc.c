/* OpenOCD Tcl RPC client (see ocd_rpc.h). */
#include "ocd_rpc.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "h7jumpdiag/error.h"
#include "log.h"
#include "tcl.h"

#define OCD_RPC_EOF 0x1a
#define OCD_RPC_MAX_EVENT_NAMES 32
#define OCD_RPC_EVENT_NAME_MAX 40

struct ocd_rpc_event {
	char name[OCD_RPC_EVENT_NAME_MAX];
	unsigned count;
};

struct ocd_rpc {
	int fd;
	int connect_timeout_ms;
	int io_timeout_ms;
	size_t max_reply;
	char *buf;    /* received bytes not yet consumed */
	size_t used;  /* bytes in buf */
	size_t cap;
	FILE *record; /* transcript sink or NULL */
	int record_owned;
	int last_code;
	char last_error[512];
	struct ocd_rpc_event events[OCD_RPC_MAX_EVENT_NAMES];
	size_t n_events;
	char last_state[OCD_RPC_EVENT_NAME_MAX];
	/* replies OpenOCD still owes for requests whose wait was interrupted by
	 * a signal: read and dropped before the next request, so a reply is
	 * never taken for another request's */
	unsigned owed;
};

static volatile sig_atomic_t ocd_rpc_sig_flag;

int ocd_rpc_interrupted(void)
{
	return ocd_rpc_sig_flag != 0;
}

void ocd_rpc_set_interrupted(void)
{
	ocd_rpc_sig_flag = 1;
}

const volatile sig_atomic_t *ocd_rpc_interrupt_flag(void)
{
	return &ocd_rpc_sig_flag;
}

void ocd_rpc_clear_interrupted(void)
{
	ocd_rpc_sig_flag = 0;
}

static double ocd_rpc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Milliseconds left until deadline (>= 0). */
static int ocd_rpc_left(double deadline)
{
	double left = deadline - ocd_rpc_now_ms();
	return left <= 0 ? 0 : (int)(left + 0.999);
}

/* ---- transcript recording ---- */

static void ocd_rpc_rec(struct ocd_rpc *r, char dir, const char *s, size_t n)
{
	if (!r->record)
		return;
	fputc(dir, r->record);
	fputc(' ', r->record);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\')
			fputs("\\\\", r->record);
		else if (c == '\n')
			fputs("\\n", r->record);
		else if (c == '\r')
			fputs("\\r", r->record);
		else if (c == '\t')
			fputs("\\t", r->record);
		else if (c < 0x20 || c == 0x7f)
			fprintf(r->record, "\\x%02x", c);
		else
			fputc(c, r->record);
	}
	fputc('\n', r->record);
	fflush(r->record);
}

void ocd_rpc_set_record(struct ocd_rpc *r, FILE *f)
{
	if (!r)
		return;
	if (r->record && r->record_owned)
		fclose(r->record);
	r->record = f;
	r->record_owned = 0;
}

/* ---- connection ---- */

int ocd_rpc_connect(const char *host, uint16_t port, const struct ocd_rpc_opts *opts, struct ocd_rpc **out)
{
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	char portstr[8];
	int fd = -1, rc = H7_ERROR_CONNECT;
	int cto = opts && opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 3000;

	if (!host || !*host || !port || !out)
		return H7_ERROR_INVALID_PARAM;
	*out = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof portstr, "%u", port);
	int gai = getaddrinfo(host, portstr, &hints, &res);
	if (gai) {
		h7_err("cannot resolve OpenOCD host '%s': %s", host, gai_strerror(gai));
		return H7_ERROR_CONNECT;
	}
	double deadline = ocd_rpc_now_ms() + cto;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			rc = 0;
			break;
		}
		if (errno == EINPROGRESS) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			int pr;
			do {
				pr = poll(&p, 1, ocd_rpc_left(deadline));
			} while (pr < 0 && errno == EINTR && !ocd_rpc_interrupted());
			if (pr == 0) {
				rc = H7_ERROR_TIMEOUT;
			} else if (pr > 0) {
				int soerr = 0;
				socklen_t sl = sizeof soerr;
				getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
				if (soerr == 0) {
					rc = 0;
					break;
				}
				errno = soerr;
			} else if (ocd_rpc_interrupted()) {
				rc = H7_ERROR_INTERRUPTED;
			}
		}
		h7_dbg("connect to %s:%u: %s", host, port, rc == H7_ERROR_TIMEOUT ? "timed out" : strerror(errno));
		close(fd);
		fd = -1;
		if (rc == H7_ERROR_INTERRUPTED)
			break;
	}
	freeaddrinfo(res);
	if (rc)
		return rc;

	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct ocd_rpc *r = calloc(1, sizeof *r);
	if (!r) {
		close(fd);
		return H7_ERROR_NO_MEM;
	}
	r->fd = fd;
	r->connect_timeout_ms = cto;
	r->io_timeout_ms = opts && opts->io_timeout_ms > 0 ? opts->io_timeout_ms : 10000;
	r->max_reply = opts && opts->max_reply ? opts->max_reply : (4u << 20);
	const char *rec = getenv("H7_RPC_RECORD");
	if (rec && *rec) {
		r->record = fopen(rec, "a");
		r->record_owned = r->record != NULL;
		if (!r->record)
			h7_warn("cannot open H7_RPC_RECORD file '%s': %s", rec, strerror(errno));
	}
	*out = r;
	return 0;
}

void ocd_rpc_close(struct ocd_rpc *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->record && r->record_owned)
		fclose(r->record);
	free(r->buf);
	free(r);
}

int ocd_rpc_is_open(const struct ocd_rpc *r)
{
	return r && r->fd >= 0;
}

void ocd_rpc_set_timeout(struct ocd_rpc *r, int io_timeout_ms)
{
	if (r && io_timeout_ms > 0)
		r->io_timeout_ms = io_timeout_ms;
}

static void ocd_rpc_broken(struct ocd_rpc *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->used = 0;
}

static int ocd_rpc_send_all(struct ocd_rpc *r, const char *p, size_t n, double deadline)
{
	while (n) {
		ssize_t w = send(r->fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			h7_err("OpenOCD connection: send failed: %s", strerror(errno));
			return H7_ERROR_IO;
		}
		/* no interruption here: half a request would leave the stream
		 * unusable for restoring the target afterwards */
		struct pollfd pfd = { .fd = r->fd, .events = POLLOUT };
		int left = ocd_rpc_left(deadline);
		if (left == 0)
			return H7_ERROR_TIMEOUT;
		int pr = poll(&pfd, 1, left);
		if (pr == 0)
			return H7_ERROR_TIMEOUT;
	}
	return 0;
}

/* Handle a notification frame ("type target_event event NAME\r\n"). */
static void ocd_rpc_note(struct ocd_rpc *r, const char *f, size_t n)
{
	char line[128];
	size_t k = n < sizeof line - 1 ? n : sizeof line - 1;

	memcpy(line, f, k);
	line[k] = '\0';
	while (k && (line[k - 1] == '\n' || line[k - 1] == '\r'))
		line[--k] = '\0';
	h7_trace("openocd notification: %s", line);
	const char *ev = NULL;
	if (strncmp(line, "type target_event event ", 24) == 0)
		ev = line + 24;
	else if (strncmp(line, "type target_state state ", 24) == 0) {
		snprintf(r->last_state, sizeof r->last_state, "%.39s", line + 24);
		return;
	}
	if (!ev || !*ev || strlen(ev) >= OCD_RPC_EVENT_NAME_MAX)
		return;
	for (size_t i = 0; i < r->n_events; i++)
		if (strcmp(r->events[i].name, ev) == 0) {
			r->events[i].count++;
			return;
		}
	if (r->n_events < OCD_RPC_MAX_EVENT_NAMES) {
		snprintf(r->events[r->n_events].name, OCD_RPC_EVENT_NAME_MAX, "%s", ev);
		r->events[r->n_events++].count = 1;
	}
}

static int ocd_rpc_is_note(const char *f, size_t n)
{
	return n >= 5 && memcmp(f, "type ", 5) == 0;
}

/* Read until one complete frame is buffered; returns its length (without the
 * 0x1a) in *flen. deadline < 0: do not wait beyond what is buffered + one poll of 0. */
static int ocd_rpc_read_frame(struct ocd_rpc *r, double deadline, size_t *flen)
{
	for (;;) {
		char *eof = r->used ? memchr(r->buf, OCD_RPC_EOF, r->used) : NULL;
		if (eof) {
			*flen = (size_t)(eof - r->buf);
			return 0;
		}
		if (r->used > r->max_reply) {
			h7_err("OpenOCD reply exceeds the limit of %zu bytes", r->max_reply);
			ocd_rpc_broken(r);
			return H7_ERROR_OVERFLOW;
		}
		if (r->cap - r->used < 4096) {
			size_t ncap = r->cap ? r->cap * 2 : 16384;
			if (ncap > r->max_reply + 8192)
				ncap = r->max_reply + 8192;
			if (ncap <= r->cap) {
				ocd_rpc_broken(r);
				return H7_ERROR_OVERFLOW;
			}
			char *nb = realloc(r->buf, ncap);
			if (!nb)
				return H7_ERROR_NO_MEM;
			r->buf = nb;
			r->cap = ncap;
		}
		ssize_t got = recv(r->fd, r->buf + r->used, r->cap - r->used, 0);
		if (got > 0) {
			r->used += (size_t)got;
			continue;
		}
		if (got == 0) {
			h7_err("OpenOCD closed the Tcl connection");
			ocd_rpc_broken(r);
			return H7_ERROR_IO;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			h7_err("OpenOCD connection: receive failed: %s", strerror(errno));
			ocd_rpc_broken(r);
			return H7_ERROR_IO;
		}
		if (ocd_rpc_interrupted())
			return H7_ERROR_INTERRUPTED;
		int left = ocd_rpc_left(deadline);
		if (left == 0)
			return H7_ERROR_TIMEOUT;
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		int pr = poll(&pfd, 1, left);
		if (pr == 0)
			return H7_ERROR_TIMEOUT;
	}
}

static void ocd_rpc_consume(struct ocd_rpc *r, size_t flen)
{
	size_t n = flen + 1;
	memmove(r->buf, r->buf + n, r->used - n);
	r->used -= n;
}

/* Read and drop the replies of interrupted requests (notifications are
 * handled on the way). 0, or the error that stopped it. */
static int ocd_rpc_drain(struct ocd_rpc *r, double deadline)
{
	size_t flen;

	while (r->owed) {
		int rc = ocd_rpc_read_frame(r, deadline, &flen);
		if (rc) {
			if (rc == H7_ERROR_TIMEOUT) {
				h7_err("OpenOCD did not answer an interrupted request in time");
				ocd_rpc_broken(r);
			}
			return rc;
		}
		ocd_rpc_rec(r, '<', r->buf, flen);
		if (ocd_rpc_is_note(r->buf, flen)) {
			ocd_rpc_note(r, r->buf, flen);
		} else {
			h7_trace("openocd -> (dropped: the reply of an interrupted request)");
			r->owed--;
		}
		ocd_rpc_consume(r, flen);
	}
	return 0;
}

int ocd_rpc_raw(struct ocd_rpc *r, const char *script, char **reply, size_t *len)
{
	size_t slen, flen;
	int rc;

	if (!r || !script || !reply)
		return H7_ERROR_INVALID_PARAM;
	*reply = NULL;
	if (r->fd < 0)
		return H7_ERROR_IO;
	slen = strlen(script);
	if (slen >= OCD_RPC_MAX_REQUEST || memchr(script, OCD_RPC_EOF, slen))
		return H7_ERROR_INVALID_PARAM;
	if (ocd_rpc_interrupted())
		return H7_ERROR_INTERRUPTED; /* nothing new once a signal arrived */
	double deadline = ocd_rpc_now_ms() + r->io_timeout_ms;
	rc = ocd_rpc_drain(r, deadline);
	if (rc)
		return rc;
	h7_trace("openocd <- %s", script);
	ocd_rpc_rec(r, '>', script, slen);
	char *msg = malloc(slen + 1);
	if (!msg)
		return H7_ERROR_NO_MEM;
	memcpy(msg, script, slen);
	msg[slen] = OCD_RPC_EOF;
	rc = ocd_rpc_send_all(r, msg, slen + 1, deadline);
	free(msg);
	if (rc) {
		if (rc == H7_ERROR_TIMEOUT)
			h7_err("OpenOCD did not accept a request within %d ms", r->io_timeout_ms);
		ocd_rpc_broken(r);
		return rc;
	}
	for (;;) {
		rc = ocd_rpc_read_frame(r, deadline, &flen);
		if (rc) {
			if (rc == H7_ERROR_INTERRUPTED)
				r->owed++; /* its reply comes later: drop it then */
			if (rc == H7_ERROR_TIMEOUT) {
				h7_err("OpenOCD did not answer within %d ms", r->io_timeout_ms);
				/* a late reply would be taken for the next one's: resynchronisation
				 * is impossible without a status flag, so the connection ends */
				ocd_rpc_broken(r);
			}
			return rc;
		}
		ocd_rpc_rec(r, '<', r->buf, flen);
		if (ocd_rpc_is_note(r->buf, flen)) {
			ocd_rpc_note(r, r->buf, flen);
			ocd_rpc_consume(r, flen);
			continue;
		}
		break;
	}
	char *out = malloc(flen + 1);
	if (!out)
		return H7_ERROR_NO_MEM;
	memcpy(out, r->buf, flen);
	out[flen] = '\0';
	ocd_rpc_consume(r, flen);
	h7_trace("openocd -> %s", out);
	*reply = out;
	if (len)
		*len = flen;
	return 0;
}

/* ---- catch-wrapped commands ---- */

int ocd_rpc_map_code(long long code)
{
	if (code == 0 || (code >= 2 && code <= 4))
		return 0;
	if (code == 1)
		return H7_ERROR_OPENOCD;
	/* src/helper/log.h */
	if (code == -6)   /* ERROR_TIMEOUT_REACHED */
		return H7_ERROR_TIMEOUT;
	/* src/jtag/jtag.h: ERROR_JTAG_INIT_FAILED (-100) .. ERROR_JTAG_DEVICE_ERROR (-107) .. */
	if (code <= -100 && code >= -112)
		return H7_ERROR_DAP;
	/* src/target/target.h */
	if (code == -302) /* ERROR_TARGET_TIMEOUT */
		return H7_ERROR_TIMEOUT;
	if (code == -304) /* ERROR_TARGET_NOT_HALTED */
		return H7_ERROR_NOT_HALTED;
	if (code == -307 || code == -309) /* DATA_ABORT, TRANSLATION_FAULT */
		return H7_ERROR_MEMORY;
	if (code <= -300 && code >= -399)
		return H7_ERROR_TARGET;
	/* src/helper/command.h: ERROR_COMMAND_SYNTAX_ERROR (-601) .. ARGUMENT_UNDERFLOW (-605) */
	if (code <= -601 && code >= -605)
		return H7_ERROR_INVALID_PARAM;
	return H7_ERROR_OPENOCD; /* -4 ERROR_FAIL and anything else */
}

int ocd_rpc_cmd(struct ocd_rpc *r, const char *script, char **result)
{
	char *reply = NULL, *wrapped;
	size_t rlen = 0, slen;
	int rc;

	if (result)
		*result = NULL;
	if (!r || !script)
		return H7_ERROR_INVALID_PARAM;
	slen = strlen(script);
	if (!tcl_braces_balanced(script, slen)) {
		h7_err("internal: unbalanced braces in OpenOCD command");
		return H7_ERROR_INVALID_PARAM;
	}
	static const char pre[] = "list [catch {", post[] = "} h7_r] $h7_r";
	wrapped = malloc(sizeof pre + slen + sizeof post);
	if (!wrapped)
		return H7_ERROR_NO_MEM;
	memcpy(wrapped, pre, sizeof pre - 1);
	memcpy(wrapped + sizeof pre - 1, script, slen);
	memcpy(wrapped + sizeof pre - 1 + slen, post, sizeof post);
	rc = ocd_rpc_raw(r, wrapped, &reply, &rlen);
	free(wrapped);
	if (rc)
		return rc;

	struct tcl_list l;
	char perr[128];
	rc = tcl_list_parse(reply, rlen, NULL, &l, perr, sizeof perr);
	if (rc == 0 && l.n != 2) {
		snprintf(perr, sizeof perr, "%zu elements instead of 2", l.n);
		tcl_list_free(&l);
		rc = H7_ERROR_PARSE;
	}
	long long code = 0;
	if (rc == 0 && tcl_parse_int(l.v[0], &code) != 0) {
		snprintf(perr, sizeof perr, "return code '%.32s' is not a number", l.v[0]);
		tcl_list_free(&l);
		rc = H7_ERROR_PARSE;
	}
	if (rc) {
		h7_err("malformed reply from OpenOCD (%s): %.80s", perr, reply);
		free(reply);
		return H7_ERROR_PARSE;
	}
	free(reply);
	if (code == 0 || ocd_rpc_map_code(code) == 0) {
		r->last_code = 0;
		r->last_error[0] = '\0';
		if (result) {
			*result = malloc(l.len[1] + 1);
			if (!*result) {
				tcl_list_free(&l);
				return H7_ERROR_NO_MEM;
			}
			memcpy(*result, l.v[1], l.len[1] + 1);
		}
		tcl_list_free(&l);
		return 0;
	}
	r->last_code = (int)code;
	snprintf(r->last_error, sizeof r->last_error, "%s", l.v[1]);
	/* trim trailing newlines of OpenOCD's messages */
	for (size_t k = strlen(r->last_error); k && r->last_error[k - 1] == '\n'; k--)
		r->last_error[k - 1] = '\0';
	tcl_list_free(&l);
	h7_dbg("OpenOCD command failed (code %lld%s%s): %.200s", code, r->last_error[0] ? ": " : "",
	       r->last_error, script);
	return ocd_rpc_map_code(code);
}

int ocd_rpc_cmdf(struct ocd_rpc *r, char **result, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return H7_ERROR_NO_MEM;
	int rc = ocd_rpc_cmd(r, s, result);
	free(s);
	return rc;
}

int ocd_rpc_last_code(const struct ocd_rpc *r)
{
	return r ? r->last_code : 0;
}

const char *ocd_rpc_last_error(const struct ocd_rpc *r)
{
	return r ? r->last_error : "";
}

/* ---- the one quoting function ---- */

char *ocd_rpc_quote(const char *s, size_t len)
{
	static const char safe[] = "_-./:,+=@%^~";

	if (!s && len)
		return NULL;
	if (len > OCD_RPC_MAX_REQUEST / 4)
		return NULL;
	/* worst case: every byte becomes \ooo (4 bytes), plus the quotes and NUL */
	char *out = malloc(len * 4 + 3);
	if (!out)
		return NULL;
	size_t o = 0;
	out[o++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ||
		    (c && strchr(safe, c))) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = (char)('0' + ((c >> 6) & 7));
			out[o++] = (char)('0' + ((c >> 3) & 7));
			out[o++] = (char)('0' + (c & 7));
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

char *ocd_rpc_quote_str(const char *s)
{
	return s ? ocd_rpc_quote(s, strlen(s)) : NULL;
}

/* ---- notifications ---- */

int ocd_rpc_notify(struct ocd_rpc *r, int on)
{
	return ocd_rpc_cmd(r, on ? "tcl_notifications on" : "tcl_notifications off", NULL);
}

void ocd_rpc_events_clear(struct ocd_rpc *r)
{
	if (r)
		r->n_events = 0;
}

unsigned ocd_rpc_event_count(const struct ocd_rpc *r, const char *name)
{
	if (!r || !name)
		return 0;
	for (size_t i = 0; i < r->n_events; i++)
		if (strcmp(r->events[i].name, name) == 0)
			return r->events[i].count;
	return 0;
}

int ocd_rpc_wait_event(struct ocd_rpc *r, const char *name, int timeout_ms)
{
	size_t flen;

	if (!r || !name)
		return H7_ERROR_INVALID_PARAM;
	double deadline = ocd_rpc_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int drc = ocd_rpc_drain(r, deadline);
	if (drc)
		return drc;
	while (ocd_rpc_event_count(r, name) == 0) {
		if (r->fd < 0)
			return H7_ERROR_IO;
		int rc = ocd_rpc_read_frame(r, deadline, &flen);
		if (rc)
			return rc;
		ocd_rpc_rec(r, '<', r->buf, flen);
		if (!ocd_rpc_is_note(r->buf, flen)) {
			/* a reply nobody asked for: the stream is out of step */
			h7_err("unexpected reply from OpenOCD while waiting for an event");
			ocd_rpc_broken(r);
			return H7_ERROR_IO;
		}
		ocd_rpc_note(r, r->buf, flen);
		ocd_rpc_consume(r, flen);
	}
	return 0;
}

/* ---- HOST:PORT ---- */

int ocd_rpc_parse_hostport(const char *s, char *host, size_t hostsz, uint16_t *port)
{
	const char *colon, *hs, *he;

	if (!s || !host || !hostsz || !port)
		return H7_ERROR_INVALID_PARAM;
	if (*s == '[') {
		he = strchr(s, ']');
		if (!he || he[1] != ':')
			return H7_ERROR_INVALID_PARAM;
		hs = s + 1;
		colon = he + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || strchr(s, ':') != colon)
			return H7_ERROR_INVALID_PARAM;
		hs = s;
		he = colon;
	}
	size_t hl = (size_t)(he - hs);
	if (hl == 0 || hl >= hostsz)
		return H7_ERROR_INVALID_PARAM;
	for (const char *p = hs; p < he; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-' || *p == ':' || *p == '_'))
			return H7_ERROR_INVALID_PARAM;
	const char *ps = colon + 1;
	if (!*ps || strlen(ps) > 5)
		return H7_ERROR_INVALID_PARAM;
	unsigned long v = 0;
	for (const char *p = ps; *p; p++) {
		if (*p < '0' || *p > '9')
			return H7_ERROR_INVALID_PARAM;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return H7_ERROR_INVALID_PARAM;
	memcpy(host, hs, hl);
	host[hl] = '\0';
	*port = (uint16_t)v;
	return 0;
}
