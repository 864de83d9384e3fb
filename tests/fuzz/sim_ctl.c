/* Fuzz target: h7sim's control socket server (sim/ctl.c): the line assembly
 * of ctl_read (lines of at most CTL_MAX_LINE bytes, longer ones answered
 * "err line too long", "\r\n" accepted, empty lines ignored), the command
 * parser and dispatcher ctl_execute (a pure function of the simulator state),
 * output queueing and subscriber events, over a simulated STM32H745 (struct
 * soc, Unicorn) made once.
 *
 * The input is what a client sends. It goes through a Unix socket pair into
 * the unmodified ctl_read/ctl_flush, in the chunks the socket allows; the
 * replies are drained as they come. Checked: every line h7sim sends is
 * shorter than CTL_MAX_LINE and starts with "ok", "err " or "event ".
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl.h"
#include "fuzz.h"
#include "simlog.h"
#include "soc.h"

#define SIM_FUZZ_MAX_INPUT (256u << 10)

static struct soc soc;
static uint64_t scans;

struct sim_fuzz_out {
	char line[CTL_MAX_LINE + 8];
	size_t n;
};

static void sim_fuzz_check_line(const struct sim_fuzz_out *o)
{
	FUZZ_CHECK(o->n < CTL_MAX_LINE);
	if (o->n >= 2 && memcmp(o->line, "ok", 2) == 0)
		fuzz_accepted++;
	FUZZ_CHECK((o->n >= 2 && memcmp(o->line, "ok", 2) == 0 && (o->n == 2 || o->line[2] == ' ')) ||
		   (o->n >= 4 && memcmp(o->line, "err ", 4) == 0) ||
		   (o->n >= 6 && memcmp(o->line, "event ", 6) == 0));
}

/* Read what h7sim sent so far, line by line. */
static void sim_fuzz_drain(int fd, struct sim_fuzz_out *o)
{
	char buf[8192];
	ssize_t r;

	while ((r = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
		for (ssize_t k = 0; k < r; k++) {
			if (buf[k] == '\n') {
				sim_fuzz_check_line(o);
				o->n = 0;
			} else {
				FUZZ_CHECK(o->n < CTL_MAX_LINE);
				o->line[o->n++] = buf[k];
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct sim_fuzz_out out;
	struct ctl c;
	int sv[2];

	if (!ready) {
		const struct soc_options so = { .seed = 1, .dcache_junk = DCACHE_JUNK_MIXED, .bcm4 = -1, .bcm7 = -1,
						.rev_id = 0x2003 };
		simlog_set_level(H7_LOG_ERROR - 1);
		FUZZ_CHECK(soc_init(&soc, &so) == 0);
		soc.jtag_scans = &scans;
		ready = 1;
	}
	if (size > SIM_FUZZ_MAX_INPUT)
		size = SIM_FUZZ_MAX_INPUT;
	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
	const struct ctl_info info = { "fuzz", 4444, 4445, &scans };
	ctl_init(&c, &soc, -1, &info);
	c.cl[0].fd = sv[0];
	soc.event = ctl_event;
	soc.event_ctx = &c;
	out.n = 0;

	size_t sent = 0;
	while (c.cl[0].fd >= 0) {
		if (sent < size) {
			ssize_t w = send(sv[1], data + sent, size - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
			FUZZ_CHECK(w > 0 || (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)));
			if (w > 0)
				sent += (size_t)w;
		}
		ctl_read(&c, 0);
		if (c.cl[0].fd >= 0)
			ctl_flush(&c, 0);
		sim_fuzz_drain(sv[1], &out);
		int pending = 0;
		if (c.cl[0].fd >= 0) {
			char b;
			pending = recv(c.cl[0].fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
		}
		if (sent == size && !pending)
			break;
	}
	soc.event = NULL;
	soc.event_ctx = NULL;
	ctl_fini(&c);
	sim_fuzz_drain(sv[1], &out);
	close(sv[1]);
	return 0;
}
