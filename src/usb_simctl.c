/* h7sim control socket client, protocol 1 (see usb_simctl.h). */
#include "usb_simctl.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "h7jumpdiag/error.h"
#include "log.h"

/* ------------------------------------------------------------ the parser */

static int copy_token(char *dst, size_t dstsz, const char *s, size_t n)
{
	if (n >= dstsz)
		return H7_ERROR_OVERFLOW;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return H7_SUCCESS;
}

int simctl_parse_line(const char *line, size_t len, struct simctl_line *out)
{
	size_t i = 0, n = len;
	int rc;

	memset(out, 0, sizeof *out);
	if (!line)
		return H7_ERROR_PARSE;
	if (n && line[n - 1] == '\n')
		n--;
	if (n && line[n - 1] == '\r')
		n--;
	if (n >= SIMCTL_LINE_MAX)
		return H7_ERROR_OVERFLOW;
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)line[k] < 0x20 || line[k] == 0x7F)
			return H7_ERROR_PARSE;

	if (n >= 2 && memcmp(line, "ok", 2) == 0 && (n == 2 || line[2] == ' ')) {
		out->kind = SIMCTL_OK;
		i = 2;
	} else if (n >= 3 && memcmp(line, "err", 3) == 0 && (n == 3 || line[3] == ' ')) {
		out->kind = SIMCTL_ERR;
		i = n > 3 ? 4 : 3;
		return copy_token(out->message, sizeof out->message, line + i, n - i);
	} else if (n >= 6 && memcmp(line, "event ", 6) == 0) {
		out->kind = SIMCTL_EVENT;
		i = 6;
	} else {
		return H7_ERROR_PARSE;
	}
	while (i < n) {
		size_t start, eq = 0;

		while (i < n && line[i] == ' ')
			i++;
		if (i >= n)
			break;
		start = i;
		while (i < n && line[i] != ' ') {
			if (line[i] == '=' && !eq)
				eq = i;
			else if (line[i] == '=')
				return H7_ERROR_PARSE; /* values never contain '=' */
			i++;
		}
		if (!eq) {
			/* a bare word: only an event's leading words ("usb attach") */
			if (out->kind != SIMCTL_EVENT || out->n_kv)
				return H7_ERROR_PARSE;
			if (out->n_words >= SIMCTL_MAX_WORDS)
				return H7_ERROR_OVERFLOW;
			rc = copy_token(out->word[out->n_words], SIMCTL_KEY_MAX, line + start, i - start);
			if (rc)
				return rc;
			out->n_words++;
			continue;
		}
		if (eq == start)
			return H7_ERROR_PARSE;
		if (out->n_kv >= SIMCTL_MAX_KV)
			return H7_ERROR_OVERFLOW;
		rc = copy_token(out->kv[out->n_kv].key, SIMCTL_KEY_MAX, line + start, eq - start);
		if (!rc)
			rc = copy_token(out->kv[out->n_kv].value, SIMCTL_VALUE_MAX, line + eq + 1, i - eq - 1);
		if (rc)
			return rc;
		out->n_kv++;
	}
	if (out->kind == SIMCTL_EVENT && out->n_words == 0)
		return H7_ERROR_PARSE;
	return H7_SUCCESS;
}

const char *simctl_get(const struct simctl_line *l, const char *key)
{
	for (int i = 0; i < l->n_kv; i++)
		if (strcmp(l->kv[i].key, key) == 0)
			return l->kv[i].value;
	return NULL;
}

int simctl_get_ms(const struct simctl_line *l, const char *key, double *out)
{
	const char *v = simctl_get(l, key);
	char *end;
	double d;

	if (!v)
		return H7_ERROR_NOT_FOUND;
	if (!*v || *v == '-' || *v == '+' || *v == ' ')
		return H7_ERROR_PARSE;
	errno = 0;
	d = strtod(v, &end);
	if (errno || *end || !(d >= 0))
		return H7_ERROR_PARSE;
	*out = d;
	return H7_SUCCESS;
}

/* ------------------------------------------------------- the connection */

struct simctl {
	int fd;
	size_t have;              /* bytes in buf */
	char buf[2 * SIMCTL_LINE_MAX];
	int q_head, q_len, dropped;
	char (*queue)[SIMCTL_LINE_MAX]; /* raw event lines */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int split_hostport(const char *hp, char *host, size_t hostsz, char *port, size_t portsz)
{
	const char *colon = strrchr(hp, ':');
	const char *p = colon ? colon + 1 : hp;
	size_t hl = colon ? (size_t)(colon - hp) : 0;

	if (!*p || strlen(p) >= portsz || hl >= hostsz)
		return H7_ERROR_INVALID_PARAM;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return H7_ERROR_INVALID_PARAM;
	if (atoi(p) < 1 || atoi(p) > 65535)
		return H7_ERROR_INVALID_PARAM;
	strcpy(port, p);
	if (hl) {
		memcpy(host, hp, hl);
		host[hl] = '\0';
	} else {
		strcpy(host, "127.0.0.1");
	}
	return H7_SUCCESS;
}

int simctl_connect(const char *hostport, int timeout_ms, struct simctl **out)
{
	char host[256], port[8];
	struct addrinfo hints, *ai = NULL;
	struct simctl *c;
	int fd = -1, rc;

	*out = NULL;
	if (!hostport || split_hostport(hostport, host, sizeof host, port, sizeof port)) {
		h7_err("h7sim control socket '%s': expected HOST:PORT or PORT", hostport ? hostport : "");
		return H7_ERROR_INVALID_PARAM;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc) {
		h7_err("h7sim control socket %s:%s: %s", host, port, gai_strerror(rc));
		return H7_ERROR_CONNECT;
	}
	rc = H7_ERROR_CONNECT;
	for (struct addrinfo *a = ai; a; a = a->ai_next) {
		struct pollfd pfd;
		int err = 0;
		socklen_t el = sizeof err;

		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
			rc = 0;
			break;
		}
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, timeout_ms) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 &&
			    err == 0) {
				rc = 0;
				break;
			}
			errno = err ? err : ETIMEDOUT;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (rc) {
		h7_err("cannot connect to h7sim's control socket %s:%s: %s", host, port, strerror(errno));
		return H7_ERROR_CONNECT;
	}
	c = calloc(1, sizeof *c);
	if (c)
		c->queue = calloc(SIMCTL_EVENT_QUEUE, sizeof *c->queue);
	if (!c || !c->queue) {
		free(c);
		close(fd);
		return H7_ERROR_NO_MEM;
	}
	c->fd = fd;
	*out = c;
	return H7_SUCCESS;
}

void simctl_close(struct simctl *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->queue);
	free(c);
}

int simctl_fd(const struct simctl *c)
{
	return c->fd;
}

int simctl_dropped(const struct simctl *c)
{
	return c->dropped;
}

/* One raw line (without "\n") into line[], waiting until deadline. */
static int read_line(struct simctl *c, char *line, double deadline)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->have);
		struct pollfd pfd;
		double left;
		ssize_t r;

		if (nl) {
			size_t n = (size_t)(nl - c->buf);
			if (n >= SIMCTL_LINE_MAX)
				return H7_ERROR_OVERFLOW;
			memcpy(line, c->buf, n);
			line[n] = '\0';
			c->have -= n + 1;
			memmove(c->buf, nl + 1, c->have);
			return H7_SUCCESS;
		}
		if (c->have >= SIMCTL_LINE_MAX)
			return H7_ERROR_OVERFLOW; /* a line longer than the protocol allows */
		left = deadline - now_ms();
		if (left < 0)
			left = 0;
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, (int)(left + 0.999));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return H7_ERROR_IO;
		if (r == 0)
			return H7_ERROR_TIMEOUT;
		r = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return H7_ERROR_IO;
		c->have += (size_t)r;
	}
}

static void enqueue(struct simctl *c, const char *line)
{
	if (c->q_len >= SIMCTL_EVENT_QUEUE) {
		c->dropped++;
		return;
	}
	snprintf(c->queue[(c->q_head + c->q_len) % SIMCTL_EVENT_QUEUE], SIMCTL_LINE_MAX, "%s", line);
	c->q_len++;
}

int simctl_command(struct simctl *c, const char *cmd, struct simctl_line *reply, int timeout_ms)
{
	char line[SIMCTL_LINE_MAX + 1];
	double deadline = now_ms() + timeout_ms;
	size_t n = strlen(cmd), off = 0;

	if (n == 0 || n >= SIMCTL_LINE_MAX)
		return H7_ERROR_INVALID_PARAM;
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)cmd[k] < 0x20)
			return H7_ERROR_INVALID_PARAM;
	memcpy(line, cmd, n);
	line[n++] = '\n';
	h7_trace("h7sim <- %s", cmd);
	while (off < n) {
		ssize_t w = send(c->fd, line + off, n - off, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
			struct pollfd pfd = { c->fd, POLLOUT, 0 };
			if (poll(&pfd, 1, 100) < 0 && errno != EINTR)
				return H7_ERROR_IO;
			if (now_ms() > deadline)
				return H7_ERROR_TIMEOUT;
			continue;
		}
		if (w <= 0)
			return H7_ERROR_IO;
		off += (size_t)w;
	}
	for (;;) {
		int rc = read_line(c, line, deadline);
		if (rc)
			return rc;
		h7_trace("h7sim -> %s", line);
		if (strncmp(line, "event ", 6) == 0) {
			enqueue(c, line);
			continue;
		}
		return simctl_parse_line(line, strlen(line), reply);
	}
}

int simctl_next_event(struct simctl *c, struct simctl_line *ev, int timeout_ms)
{
	char line[SIMCTL_LINE_MAX + 1];
	int rc;

	if (c->q_len) {
		rc = simctl_parse_line(c->queue[c->q_head], strlen(c->queue[c->q_head]), ev);
		c->q_head = (c->q_head + 1) % SIMCTL_EVENT_QUEUE;
		c->q_len--;
		return rc;
	}
	rc = read_line(c, line, now_ms() + timeout_ms);
	if (rc)
		return rc;
	h7_trace("h7sim -> %s", line);
	rc = simctl_parse_line(line, strlen(line), ev);
	if (rc == 0 && ev->kind != SIMCTL_EVENT)
		return H7_ERROR_PARSE;
	return rc;
}
