/* ctlpeer: a stand-in for h7sim's control socket (protocol 1) with a scripted
 * USB cable, to test the harness's bridge mode before h7sim exists and
 * independently of it. It is NOT a simulator: the application's device
 * (0483:5740) is attached from the start; "power-cycle" plays the jump:
 * app detach, pull-up off, pull-up on, DFU attach (0483:df11, serial
 * 200364500000) a few ms apart. Several clients; events only to subscribers.
 *
 *   ctlpeer --rbb-port 0 --ctl-port 0
 *       listens on free ports of 127.0.0.1 and says which on its first stdout
 *       line, like h7sim: "h7sim ready rbb-port=N ctl-port=N" (the rbb socket
 *       only listens). Exits on "quit" or SIGTERM, or after 60 s in any case.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 8

struct client {
	int fd, subscribed;
	size_t have;
	char buf[2048];
};

static struct client clients[MAX_CLIENTS];
static const char *attached = "app";
static int script_step = -1; /* -1: idle */
static double next_at;

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void send_line(int fd, const char *line)
{
	size_t n = strlen(line);
	if (write(fd, line, n) != (ssize_t)n)
		return;
}

static void broadcast(const char *what)
{
	char line[512];
	int n = snprintf(line, sizeof line, "event usb %s", what);
	snprintf(line + n, sizeof line - (size_t)n, " sim_ns=%d mono_ms=%.3f\n", script_step * 1000, mono_ms());
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0 && clients[i].subscribed)
			send_line(clients[i].fd, line);
}

static void script(void)
{
	switch (script_step) {
	case 0:
		attached = "none";
		broadcast("detach dev=app vid=0483 pid=5740 port=1-1");
		break;
	case 1:
		broadcast("pullup state=off");
		break;
	case 2:
		broadcast("pullup state=on");
		break;
	case 3:
		attached = "dfu";
		broadcast("attach dev=dfu vid=0483 pid=df11 bcd=0200 serial=200364500000 port=1-1");
		break;
	default:
		script_step = -1;
		return;
	}
	script_step++;
	next_at = mono_ms() + 15;
}

static int command(struct client *c, const char *cmd)
{
	char reply[512];

	if (strcmp(cmd, "hello") == 0)
		snprintf(reply, sizeof reply, "ok h7sim=ctlpeer proto=1 board=disco rbb_port=0 ctl_port=0\n");
	else if (strcmp(cmd, "usb") == 0 && strcmp(attached, "app") == 0)
		snprintf(reply, sizeof reply, "ok attached=app vid=0483 pid=5740 bcd=0200 serial=h7sim-app port=1-1 "
					      "since_ns=0\n");
	else if (strcmp(cmd, "usb") == 0 && strcmp(attached, "dfu") == 0)
		snprintf(reply, sizeof reply, "ok attached=dfu vid=0483 pid=df11 bcd=0200 serial=200364500000 "
					      "port=1-1 since_ns=0\n");
	else if (strcmp(cmd, "usb") == 0)
		snprintf(reply, sizeof reply, "ok attached=none\n");
	else if (strcmp(cmd, "subscribe usb") == 0 || strcmp(cmd, "unsubscribe usb") == 0) {
		c->subscribed = cmd[0] == 's';
		snprintf(reply, sizeof reply, "ok\n");
	} else if (strcmp(cmd, "power-cycle") == 0) {
		script_step = 0;
		next_at = mono_ms() + 5;
		snprintf(reply, sizeof reply, "ok\n");
	} else if (strcmp(cmd, "quit") == 0) {
		send_line(c->fd, "ok\n");
		return 1;
	} else
		snprintf(reply, sizeof reply, "err unknown command '%.100s'\n", cmd);
	send_line(c->fd, reply);
	return 0;
}

static int listen_any(int *port)
{
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 4) ||
	    getsockname(fd, (struct sockaddr *)&a, &al))
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

int main(int argc, char **argv)
{
	int lfd, rbb_fd, ctl_port = 0, rbb_port = 0;

	if (argc != 5 || strcmp(argv[1], "--rbb-port") != 0 || strcmp(argv[3], "--ctl-port") != 0) {
		fprintf(stderr, "usage: ctlpeer --rbb-port 0 --ctl-port 0\n");
		return 2;
	}
	alarm(60);
	rbb_fd = listen_any(&rbb_port);
	lfd = listen_any(&ctl_port);
	if (rbb_fd < 0 || lfd < 0) {
		perror("ctlpeer");
		return 1;
	}
	printf("h7sim ready rbb-port=%d ctl-port=%d\n", rbb_port, ctl_port);
	fflush(stdout);
	for (int i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;
	for (;;) {
		struct pollfd pf[MAX_CLIENTS + 1];
		int timeout = script_step >= 0 ? (int)(next_at - mono_ms()) : 1000;

		pf[0].fd = lfd;
		pf[0].events = POLLIN;
		for (int i = 0; i < MAX_CLIENTS; i++) {
			pf[i + 1].fd = clients[i].fd;
			pf[i + 1].events = POLLIN;
		}
		poll(pf, MAX_CLIENTS + 1, timeout < 0 ? 0 : timeout);
		if (script_step >= 0 && mono_ms() >= next_at)
			script();
		if (pf[0].revents & POLLIN) {
			int fd = accept(lfd, NULL, NULL);
			for (int i = 0; fd >= 0 && i < MAX_CLIENTS; i++)
				if (clients[i].fd < 0) {
					memset(&clients[i], 0, sizeof clients[i]);
					clients[i].fd = fd;
					fd = -1;
				}
			if (fd >= 0)
				close(fd);
		}
		for (int i = 0; i < MAX_CLIENTS; i++) {
			struct client *c = &clients[i];
			char *nl;
			ssize_t r;

			if (c->fd < 0 || !(pf[i + 1].revents & (POLLIN | POLLHUP)))
				continue;
			r = read(c->fd, c->buf + c->have, sizeof c->buf - 1 - c->have);
			if (r <= 0) {
				close(c->fd);
				c->fd = -1;
				continue;
			}
			c->have += (size_t)r;
			c->buf[c->have] = '\0';
			while ((nl = strchr(c->buf, '\n'))) {
				*nl = '\0';
				if (command(c, c->buf))
					return 0;
				c->have -= (size_t)(nl + 1 - c->buf);
				memmove(c->buf, nl + 1, c->have + 1);
			}
		}
	}
}
