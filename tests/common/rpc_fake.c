/* Fake OpenOCD Tcl server replaying a transcript (see rpc_fake.h). */
#include "rpc_fake.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define FAKE_WAIT_MS 5000 /* longest wait for the client (a stuck test still ends) */

struct rpc_fake {
	int lfd;
	uint16_t port;
	char *script;
	pthread_t thr;
	int started;
	char err[1024];
};

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *rpc_fake_unescape(const char *s, size_t *len)
{
	size_t n = strlen(s), o = 0;
	char *out = malloc(n + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			out[o++] = s[i];
			continue;
		}
		char c = s[++i];
		if (c == 'n')
			out[o++] = '\n';
		else if (c == 'r')
			out[o++] = '\r';
		else if (c == 't')
			out[o++] = '\t';
		else if (c == 'x' && i + 2 < n && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
			out[o++] = (char)(hexv(s[i + 1]) * 16 + hexv(s[i + 2]));
			i += 2;
		} else
			out[o++] = c;
	}
	out[o] = '\0';
	*len = o;
	return out;
}

/* Read one request frame (up to 0x1a) into *out; 0 ok, 1 EOF, -1 timeout/error. */
static int read_request(int fd, char **out, size_t *olen)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);

	if (!b)
		return -1;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, FAKE_WAIT_MS) <= 0) {
			free(b);
			return -1;
		}
		char c;
		ssize_t r = recv(fd, &c, 1, 0);
		if (r == 0) {
			free(b);
			return n ? -1 : 1;
		}
		if (r < 0) {
			free(b);
			return -1;
		}
		if (c == 0x1a)
			break;
		if (n + 1 >= cap) {
			char *nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				return -1;
			}
			b = nb;
		}
		b[n++] = c;
	}
	b[n] = '\0';
	*out = b;
	*olen = n;
	return 0;
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void *fake_thread(void *arg)
{
	struct rpc_fake *f = arg;
	struct pollfd p = { .fd = f->lfd, .events = POLLIN };
	int fd = -1, line_no = 0;

	if (poll(&p, 1, FAKE_WAIT_MS) <= 0 || (fd = accept(f->lfd, NULL, NULL)) < 0) {
		snprintf(f->err, sizeof f->err, "fake server: no client connected");
		return NULL;
	}
	char *save = NULL;
	for (char *line = strtok_r(f->script, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line_no++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strlen(line) < 2) {
			snprintf(f->err, sizeof f->err, "transcript line %d malformed", line_no);
			break;
		}
		const char *body = line + 2;
		if (line[0] == '>') {
			size_t elen, glen;
			char *exp = rpc_fake_unescape(body, &elen), *got = NULL;
			int rr = read_request(fd, &got, &glen);
			if (rr != 0) {
				snprintf(f->err, sizeof f->err, "transcript line %d: expected request '%.200s', got %s",
					 line_no, body, rr > 0 ? "end of connection" : "nothing (timeout)");
			} else if (glen != elen || memcmp(got, exp, elen) != 0) {
				snprintf(f->err, sizeof f->err,
					 "transcript line %d: request mismatch\n  expected: %.400s\n  got:      %.400s",
					 line_no, body, got);
			}
			free(exp);
			free(got);
			if (f->err[0])
				break;
		} else if (line[0] == '<') {
			size_t n;
			char *fr = rpc_fake_unescape(body, &n);
			send_all(fd, fr, n);
			send_all(fd, "\x1a", 1);
			free(fr);
		} else if (strncmp(line, "! sleep ", 8) == 0) {
			long ms = atol(line + 8);
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		} else if (strcmp(line, "! close") == 0) {
			close(fd);
			fd = -1;
			break;
		} else if (strncmp(line, "! raw ", 6) == 0) {
			size_t n;
			char *fr = rpc_fake_unescape(line + 6, &n);
			send_all(fd, fr, n);
			free(fr);
		} else if (strncmp(line, "! big ", 6) == 0) {
			size_t n = (size_t)atol(line + 6);
			char *fr = malloc(n + 1);
			if (fr) {
				memset(fr, '7', n);
				fr[n] = 0x1a;
				send_all(fd, fr, n + 1);
				free(fr);
			}
		} else {
			snprintf(f->err, sizeof f->err, "transcript line %d: unknown directive", line_no);
			break;
		}
	}
	if (fd >= 0 && !f->err[0]) {
		/* the client must not send anything more */
		char *got = NULL;
		size_t glen;
		int rr = read_request(fd, &got, &glen);
		if (rr == 0)
			snprintf(f->err, sizeof f->err, "unexpected request after the transcript ended: %.400s", got);
		free(got);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

struct rpc_fake *rpc_fake_start(const char *script)
{
	struct rpc_fake *f = calloc(1, sizeof *f);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof a;

	if (!f)
		return NULL;
	f->script = strdup(script);
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!f->script || f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(f->lfd, 1) < 0 || getsockname(f->lfd, (struct sockaddr *)&a, &al) < 0) {
		rpc_fake_free(f);
		return NULL;
	}
	f->port = ntohs(a.sin_port);
	if (pthread_create(&f->thr, NULL, fake_thread, f) != 0) {
		rpc_fake_free(f);
		return NULL;
	}
	f->started = 1;
	return f;
}

struct rpc_fake *rpc_fake_start_file(const char *path)
{
	char *s = tu_read_file(path, NULL);
	if (!s)
		return NULL;
	struct rpc_fake *f = rpc_fake_start(s);
	free(s);
	return f;
}

uint16_t rpc_fake_port(const struct rpc_fake *f)
{
	return f->port;
}

const char *rpc_fake_finish(struct rpc_fake *f)
{
	if (f->started) {
		pthread_join(f->thr, NULL);
		f->started = 0;
	}
	return f->err[0] ? f->err : NULL;
}

void rpc_fake_free(struct rpc_fake *f)
{
	if (!f)
		return;
	if (f->started)
		pthread_join(f->thr, NULL);
	if (f->lfd >= 0)
		close(f->lfd);
	free(f->script);
	free(f);
}
