/* h7sim - a simulated STM32H745 that the real OpenOCD debugs over remote_bitbang.
 *
 *   h7sim [--rbb-port N] [--ctl-port N] [--board NAME] [--flash FILE.elf|FILE.bin@ADDR]...
 *         [--seed N] [--dcache-junk none|mapped|mixed] [--bcm4 0|1] [--bcm7 0|1]
 *         [--rom-sdis-pulse-us N] [--rev-id 0xNNNN] [-v] [-q]
 *
 * Listens on 127.0.0.1 only; port 0 (the default) lets the kernel pick. The first
 * line on stdout is "h7sim ready rbb-port=N ctl-port=N". Runs until `quit` on the
 * control socket, SIGTERM or SIGINT (exit status 0). See man/h7sim.1.
 *
 * One thread: a ppoll() loop interleaves socket I/O with instruction slices.
 */
#include "ctl.h"
#include "dap.h"
#include "elfload.h"
#include "h7jumpdiag/error.h"
#include "jtag.h"
#include "rbb.h"
#include "simlog.h"
#include "soc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef H7_VERSION
#define H7_VERSION "0"
#endif

/* the ROM bootloader image, generated from sim/rom at build time */
extern const unsigned char h7sim_rom_image[];
extern const unsigned int h7sim_rom_image_len;

#define MAIN_MAX_FLASH 8
/* instructions per slice: small while OpenOCD is talking (JTAG round trips wait
 * for the slice), larger when nobody is */
#define MAIN_SLICE_INTERACTIVE 4000u
#define MAIN_SLICE_FREE 400000u

static volatile sig_atomic_t main_stop;

static void main_on_signal(int sig)
{
	(void)sig;
	main_stop = 1;
}

static void main_usage(FILE *f)
{
	fputs("usage: h7sim [--rbb-port N] [--ctl-port N] [--board disco|nucleo-h745zi-q]\n"
	      "             [--flash FILE.elf|FILE.bin@ADDR]... [--seed N]\n"
	      "             [--dcache-junk none|mapped|mixed] [--bcm4 0|1] [--bcm7 0|1]\n"
	      "             [--rom-sdis-pulse-us N] [--rev-id 0xNNNN] [-v] [-q] [--help] [--version]\n"
	      "A simulated STM32H745 for OpenOCD's remote_bitbang adapter (see man h7sim).\n", f);
}

static int main_listen(int port, int *actual)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
		sim_err("cannot listen on 127.0.0.1:%d: %s", port, strerror(errno));
		close(fd);
		return -1;
	}
	*actual = ntohs(a.sin_port);
	return fd;
}

static int main_num(const char *opt, const char *arg, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(arg, &end, 0);
	if (errno || *end || end == arg || *out > max || arg[0] == '-') {
		sim_err("%s: invalid value '%s'", opt, arg);
		return -1;
	}
	return 0;
}

struct main_ctx {
	struct soc soc;
	struct dap dap;
	struct jtag jtag;
	struct rbb rbb;
	struct ctl ctl;
	int rbb_listen, rbb_fd;
	uint8_t in[65536], out[65536];
};

static void main_srst(void *ctx)
{
	soc_system_reset(ctx, "SRST");
}

static void main_rbb_close(struct main_ctx *m)
{
	close(m->rbb_fd);
	m->rbb_fd = -1;
	sim_info("remote_bitbang client disconnected");
}

static int main_send_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			struct pollfd pfd = { fd, POLLOUT, 0 };

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (poll(&pfd, 1, 5000) <= 0)
				return -1;
			continue;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* returns true if JTAG traffic was handled */
static bool main_rbb_io(struct main_ctx *m)
{
	ssize_t r = recv(m->rbb_fd, m->in, sizeof(m->in), 0);
	size_t n;
	int quit;

	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return false;
	if (r <= 0) {
		main_rbb_close(m);
		return false;
	}
	n = rbb_feed(&m->rbb, &m->jtag, m->in, (size_t)r, m->out, sizeof(m->out), &quit);
	if (n && m->soc.inj.slow_us) {
		/* injected slow target: the answer (TDO bits) comes late; OpenOCD just waits */
		struct timespec ts = { m->soc.inj.slow_us / 1000000, (long)(m->soc.inj.slow_us % 1000000) * 1000L };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !main_stop)
			;
		m->soc.inj.st.slow_replies++;
	}
	if (n && main_send_all(m->rbb_fd, m->out, n) < 0) {
		main_rbb_close(m);
		return false;
	}
	if (quit)
		main_rbb_close(m);
	return true;
}

static void main_rbb_accept(struct main_ctx *m)
{
	int one = 1;
	int fd = accept4(m->rbb_listen, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (m->rbb_fd >= 0) {
		sim_warn("remote_bitbang: a second client was refused");
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	m->rbb_fd = fd;
	rbb_init(&m->rbb);
	m->rbb.srst_release = main_srst;
	m->rbb.ctx = &m->soc;
	jtag_trst(&m->jtag);
	sim_info("remote_bitbang client connected");
}

static void main_loop(struct main_ctx *m)
{
	sigset_t waitmask;
	bool interactive = false;

	sigprocmask(SIG_SETMASK, NULL, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	while (!main_stop && !m->ctl.quit) {
		struct pollfd pfd[3 + CTL_MAX_CLIENTS];
		unsigned idx[3 + CTL_MAX_CLIENTS];
		nfds_t n = 0;
		int wait = soc_wait_ms(&m->soc);
		struct timespec ts = { 1, 0 };
		int rc;

		pfd[n] = (struct pollfd){ m->rbb_listen, POLLIN, 0 };
		idx[n++] = 1000;
		pfd[n] = (struct pollfd){ m->ctl.listen_fd, POLLIN, 0 };
		idx[n++] = 1001;
		if (m->rbb_fd >= 0) {
			pfd[n] = (struct pollfd){ m->rbb_fd, POLLIN, 0 };
			idx[n++] = 1002;
		}
		for (unsigned i = 0; i < CTL_MAX_CLIENTS; i++) {
			if (m->ctl.cl[i].fd < 0)
				continue;
			pfd[n] = (struct pollfd){ m->ctl.cl[i].fd, (short)(POLLIN | (m->ctl.cl[i].out_len ? POLLOUT : 0)), 0 };
			idx[n++] = i;
		}
		if (wait >= 0 && wait < 1000) {
			ts.tv_sec = 0;
			ts.tv_nsec = (long)wait * 1000000L;
		}
		rc = ppoll(pfd, n, &ts, &waitmask);
		if (rc < 0 && errno != EINTR)
			break;
		interactive = false;
		for (nfds_t k = 0; rc > 0 && k < n; k++) {
			if (!pfd[k].revents)
				continue;
			if (idx[k] == 1000)
				main_rbb_accept(m);
			else if (idx[k] == 1001)
				ctl_accept(&m->ctl);
			else if (idx[k] == 1002)
				interactive |= main_rbb_io(m);
			else if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
				ctl_read(&m->ctl, idx[k]);
			else if (pfd[k].revents & POLLOUT)
				ctl_flush(&m->ctl, idx[k]);
		}
		if (wait >= 0 && !m->soc.inj.power_lost)
			soc_run(&m->soc, interactive ? MAIN_SLICE_INTERACTIVE : MAIN_SLICE_FREE);
		if (m->soc.inj.power_lost)
			break; /* injected power loss: every socket closes, nothing more is said */
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rbb-port", required_argument, NULL, 'r' }, { "ctl-port", required_argument, NULL, 'c' },
		{ "board", required_argument, NULL, 'b' },    { "flash", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 's' },     { "dcache-junk", required_argument, NULL, 'j' },
		{ "bcm4", required_argument, NULL, '4' },     { "bcm7", required_argument, NULL, '7' },
		{ "rom-sdis-pulse-us", required_argument, NULL, 'p' },
		{ "rev-id", required_argument, NULL, 'R' },   { "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },          { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },        { NULL, 0, NULL, 0 },
	};
	struct soc_options so = { .seed = 1, .dcache_junk = DCACHE_JUNK_MIXED, .board = NULL, .bcm4 = -1,
				  .bcm7 = -1, .rom_sdis_pulse_us = 0, .rev_id = 0x2003 };
	const char *flash[MAIN_MAX_FLASH];
	unsigned nflash = 0;
	int rbb_port = 0, ctl_port = 0, ctl_listen, opt, status = 0;
	unsigned long long v;
	struct main_ctx *m;
	struct ctl_info info;
	struct dap_bus bus;
	struct sigaction sa;
	sigset_t block;

	while ((opt = getopt_long(argc, argv, "vqh", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': if (main_num("--rbb-port", optarg, 65535, &v) < 0) return 2; rbb_port = (int)v; break;
		case 'c': if (main_num("--ctl-port", optarg, 65535, &v) < 0) return 2; ctl_port = (int)v; break;
		case 'b':
			so.board = soc_board_find(optarg);
			if (!so.board) {
				sim_err("--board: unknown board '%s' (known: disco, nucleo-h745zi-q)", optarg);
				return 2;
			}
			break;
		case 'f':
			if (nflash >= MAIN_MAX_FLASH) {
				sim_err("--flash: at most %d images", MAIN_MAX_FLASH);
				return 2;
			}
			flash[nflash++] = optarg;
			break;
		case 's': if (main_num("--seed", optarg, UINT64_MAX, &v) < 0) return 2; so.seed = v; break;
		case 'j':
			if (dcache_junk_parse(optarg, &so.dcache_junk) < 0) {
				sim_err("--dcache-junk: expected none, mapped or mixed, not '%s'", optarg);
				return 2;
			}
			break;
		case '4': if (main_num("--bcm4", optarg, 1, &v) < 0) return 2; so.bcm4 = (int)v; break;
		case '7': if (main_num("--bcm7", optarg, 1, &v) < 0) return 2; so.bcm7 = (int)v; break;
		case 'p':
			if (main_num("--rom-sdis-pulse-us", optarg, 10000000, &v) < 0)
				return 2;
			so.rom_sdis_pulse_us = (unsigned)v;
			break;
		case 'R': if (main_num("--rev-id", optarg, 0xFFFF, &v) < 0) return 2; so.rev_id = (uint32_t)v; break;
		case 'v': simlog_set_level(simlog_get_level() + 1); break;
		case 'q': simlog_set_level(simlog_get_level() - 1); break;
		case 'h': main_usage(stdout); return 0;
		case 'V': printf("h7sim %s\n", H7_VERSION); return 0;
		default: main_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		sim_err("unexpected argument '%s'", argv[optind]);
		main_usage(stderr);
		return 2;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return 4;
	m->rbb_fd = -1;
	if (soc_init(&m->soc, &so) < 0) {
		soc_fini(&m->soc);
		free(m);
		return 4;
	}
	m->soc.rom_image = h7sim_rom_image;
	m->soc.rom_size = h7sim_rom_image_len;
	for (unsigned i = 0; i < nflash; i++) {
		if (elfload_flash(&m->soc, flash[i]) < 0) {
			soc_fini(&m->soc);
			free(m);
			return 2;
		}
	}
	m->rbb_listen = main_listen(rbb_port, &rbb_port);
	ctl_listen = m->rbb_listen < 0 ? -1 : main_listen(ctl_port, &ctl_port);
	if (m->rbb_listen < 0 || ctl_listen < 0) {
		if (m->rbb_listen >= 0)
			close(m->rbb_listen);
		soc_fini(&m->soc);
		free(m);
		return 3;
	}
	bus = (struct dap_bus){ &m->soc, soc_ap_read, soc_ap_write };
	dap_init(&m->dap, &bus);
	jtag_init(&m->jtag, &m->dap);
	rbb_init(&m->rbb);
	info = (struct ctl_info){ H7_VERSION, rbb_port, ctl_port, &m->jtag.scans };
	ctl_init(&m->ctl, &m->soc, ctl_listen, &info);
	m->soc.event = ctl_event;
	m->soc.event_ctx = &m->ctl;
	soc_power_on(&m->soc);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = main_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);

	printf("h7sim ready rbb-port=%d ctl-port=%d\n", rbb_port, ctl_port);
	fflush(stdout);
	sim_info("board %s, seed %llu, D-cache junk %s", m->soc.opt.board->name, (unsigned long long)so.seed,
		 dcache_junk_name(so.dcache_junk));
	main_loop(m);
	sim_info("exiting (%s)", m->soc.inj.power_lost ? "injected power loss" : main_stop ? "signal" : "quit");
	for (unsigned i = 0; i < CTL_MAX_CLIENTS && !m->soc.inj.power_lost; i++)
		if (m->ctl.cl[i].fd >= 0)
			ctl_flush(&m->ctl, i);
	ctl_fini(&m->ctl);
	if (m->rbb_fd >= 0)
		close(m->rbb_fd);
	close(m->rbb_listen);
	close(ctl_listen);
	soc_fini(&m->soc);
	free(m);
	return status;
}
