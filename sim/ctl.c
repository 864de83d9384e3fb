/* h7sim - control socket (see ctl.h). */
#include "ctl.h"

#include "simlog.h"
#include "soc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CTL_COMMANDS "hello,status,stats,usb,subscribe,unsubscribe,power-cycle,inject,quit,help"

/* the first word of a line, made printable and short for an error message */
static void ctl_word(const char *line, char *out, size_t cap)
{
	size_t n = 0;

	while (*line && *line != ' ' && n + 1 < cap && n < 64) {
		unsigned char ch = (unsigned char)*line++;

		out[n++] = (ch > 0x20 && ch < 0x7F && ch != '\'') ? (char)ch : '?';
	}
	out[n] = 0;
}

enum ctl_action ctl_execute(struct soc *s, const struct ctl_info *info, const char *line, char *reply, size_t cap)
{
	char cmd[72], arg[72];
	const char *rest;

	ctl_word(line, cmd, sizeof(cmd));
	rest = strchr(line, ' ');
	while (rest && *rest == ' ')
		rest++;
	if (rest && !*rest)
		rest = NULL;
	arg[0] = 0;
	if (rest)
		ctl_word(rest, arg, sizeof(arg));

	if (!strcmp(cmd, "subscribe") || !strcmp(cmd, "unsubscribe")) {
		if (!rest || strcmp(rest, "usb")) {
			snprintf(reply, cap, "err unknown subscription '%s' (known: usb)", arg);
			return CTL_NONE;
		}
		snprintf(reply, cap, "ok");
		return cmd[0] == 's' ? CTL_SUBSCRIBE : CTL_UNSUBSCRIBE;
	}
	if (!strcmp(cmd, "inject")) {
		inject_command(s, rest, reply, cap);
		return CTL_NONE;
	}
	if (!strcmp(cmd, "hello") || !strcmp(cmd, "status") || !strcmp(cmd, "stats") || !strcmp(cmd, "usb") ||
	    !strcmp(cmd, "power-cycle") || !strcmp(cmd, "quit") || !strcmp(cmd, "help")) {
		if (rest) {
			snprintf(reply, cap, "err command '%s' takes no arguments", cmd);
			return CTL_NONE;
		}
	} else {
		snprintf(reply, cap, "err unknown command '%s'", cmd);
		return CTL_NONE;
	}
	if (!strcmp(cmd, "hello")) {
		snprintf(reply, cap, "ok h7sim=%s proto=1 board=%s rbb_port=%d ctl_port=%d", info->version,
			 s->opt.board->name, info->rbb_port, info->ctl_port);
	} else if (!strcmp(cmd, "status")) {
		snprintf(reply, cap, "ok cm7=%s cm4=%s power=%s supply=%s usb=%s sim_ns=%llu",
			 soc_core_state(s, CORE_CM7), soc_core_state(s, CORE_CM4), s->power ? "on" : "off",
			 s->p.supply_stuck ? "stuck" : "ok", usbbus_dev_name(s->usb.attached),
			 (unsigned long long)s->sim_ns);
	} else if (!strcmp(cmd, "stats")) {
		char inj[400];
		int n;

		inject_describe_stats(s, inj, sizeof(inj));
		n = snprintf(reply, cap,
			 "ok instructions_cm7=%llu instructions_cm4=%llu jtag_scans=%llu flash_write_attempts=%llu "
			 "optbyte_write_attempts=%llu bus_errors=%llu system_resets=%llu unmodelled=%llu bkpt_halts_cm7=%llu",
			 (unsigned long long)s->core[CORE_CM7].icount, (unsigned long long)s->core[CORE_CM4].icount,
			 info->jtag_scans ? *info->jtag_scans : 0ull,
			 (unsigned long long)s->stats.flash_write_attempts,
			 (unsigned long long)s->stats.optbyte_write_attempts, (unsigned long long)s->stats.bus_errors,
			 (unsigned long long)s->stats.system_resets, (unsigned long long)s->stats.unmodelled,
			 (unsigned long long)s->core[CORE_CM7].bkpt_halts);
		if (n > 0 && (size_t)n < cap)
			snprintf(reply + n, cap - (size_t)n, "%s", inj);
	} else if (!strcmp(cmd, "usb")) {
		char d[200];

		usbbus_describe(s, d, sizeof(d));
		snprintf(reply, cap, "ok %s", d);
	} else if (!strcmp(cmd, "power-cycle")) {
		soc_power_cycle(s);
		snprintf(reply, cap, "ok");
	} else if (!strcmp(cmd, "quit")) {
		snprintf(reply, cap, "ok");
		return CTL_QUIT;
	} else {
		snprintf(reply, cap, "ok commands=" CTL_COMMANDS);
	}
	return CTL_NONE;
}

void ctl_init(struct ctl *c, struct soc *s, int listen_fd, const struct ctl_info *info)
{
	memset(c, 0, sizeof(*c));
	c->listen_fd = listen_fd;
	c->soc = s;
	c->info = *info;
	for (unsigned i = 0; i < CTL_MAX_CLIENTS; i++)
		c->cl[i].fd = -1;
}

static void ctl_drop(struct ctl *c, unsigned i)
{
	struct ctl_client *cl = &c->cl[i];

	if (cl->fd >= 0)
		close(cl->fd);
	free(cl->out);
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
}

void ctl_fini(struct ctl *c)
{
	for (unsigned i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0)
			ctl_drop(c, i);
}

void ctl_accept(struct ctl *c)
{
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (unsigned i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (c->cl[i].fd < 0) {
			c->cl[i].fd = fd;
			sim_dbg("ctl: client %u connected", i);
			return;
		}
	}
	sim_warn("ctl: too many clients (%d), connection refused", CTL_MAX_CLIENTS);
	close(fd);
}

/* queue text for a client; false if it had to be dropped */
static bool ctl_queue(struct ctl *c, unsigned i, const char *text, size_t n)
{
	struct ctl_client *cl = &c->cl[i];

	if (cl->out_len + n > CTL_OUT_MAX) {
		sim_warn("ctl: client %u does not read its output, dropped", i);
		ctl_drop(c, i);
		return false;
	}
	if (cl->out_len + n > cl->out_cap) {
		size_t cap = cl->out_cap ? cl->out_cap : 4096;
		char *p;

		while (cap < cl->out_len + n)
			cap *= 2;
		p = realloc(cl->out, cap);
		if (!p) {
			ctl_drop(c, i);
			return false;
		}
		cl->out = p;
		cl->out_cap = cap;
	}
	memcpy(cl->out + cl->out_len, text, n);
	cl->out_len += n;
	return true;
}

void ctl_flush(struct ctl *c, unsigned i)
{
	struct ctl_client *cl = &c->cl[i];

	while (cl->fd >= 0 && cl->out_len) {
		ssize_t w = send(cl->fd, cl->out, cl->out_len, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				ctl_drop(c, i);
			return;
		}
		memmove(cl->out, cl->out + w, cl->out_len - (size_t)w);
		cl->out_len -= (size_t)w;
	}
}

static void ctl_line(struct ctl *c, unsigned i, char *line)
{
	char reply[CTL_MAX_LINE];
	enum ctl_action a;
	size_t n = strlen(line);

	if (n && line[n - 1] == '\r')
		line[--n] = 0;
	if (!n)
		return; /* empty lines are ignored */
	a = ctl_execute(c->soc, &c->info, line, reply, sizeof(reply) - 1);
	n = strlen(reply);
	reply[n++] = '\n';
	if (!ctl_queue(c, i, reply, n))
		return;
	if (a == CTL_SUBSCRIBE)
		c->cl[i].subscribed = true;
	else if (a == CTL_UNSUBSCRIBE)
		c->cl[i].subscribed = false;
	else if (a == CTL_QUIT)
		c->quit = true;
}

void ctl_read(struct ctl *c, unsigned i)
{
	struct ctl_client *cl = &c->cl[i];
	char buf[4096];
	ssize_t r = recv(cl->fd, buf, sizeof(buf), 0);

	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK)) {
		sim_dbg("ctl: client %u disconnected", i);
		ctl_drop(c, i);
		return;
	}
	for (ssize_t k = 0; k < r && c->cl[i].fd >= 0; k++) {
		char ch = buf[k];

		if (ch == '\n') {
			if (cl->discarding) {
				cl->discarding = false;
				ctl_queue(c, i, "err line too long\n", 18);
			} else {
				cl->in[cl->in_len] = 0;
				ctl_line(c, i, cl->in);
			}
			cl->in_len = 0;
			continue;
		}
		if (cl->discarding)
			continue;
		if (cl->in_len >= CTL_MAX_LINE - 1) {
			cl->discarding = true;
			cl->in_len = 0;
			continue;
		}
		cl->in[cl->in_len++] = ch;
	}
	if (c->cl[i].fd >= 0)
		ctl_flush(c, i);
}

void ctl_event(void *ctx, const char *line)
{
	struct ctl *c = ctx;
	char buf[CTL_MAX_LINE];
	int n = snprintf(buf, sizeof(buf), "event %s\n", line);

	if (n <= 0 || (size_t)n >= sizeof(buf))
		return;
	for (unsigned i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->cl[i].fd >= 0 && c->cl[i].subscribed && ctl_queue(c, i, buf, (size_t)n))
			ctl_flush(c, i);
}
