/* h7sim's command line and control socket, live: the ready line, protocol 1
 * replies, several clients, events only for subscribers, over-long lines,
 * quit and SIGTERM exit with status 0, the boot option bytes. */
#include "simtest.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

static int connect_port(int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* read whatever arrives within ms milliseconds */
static size_t read_for(int fd, char *buf, size_t cap, int ms)
{
	size_t n = 0;
	struct pollfd p = { fd, POLLIN, 0 };

	while (n + 1 < cap && poll(&p, 1, ms) > 0) {
		ssize_t r = recv(fd, buf + n, cap - 1 - n, 0);

		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	return n;
}

static void test_ready_line_and_hello(void **state)
{
	struct sim_harness h;
	char reply[512];

	(void)state;
	assert_int_equal(sim_start(&h, NULL), 0);
	assert_true(h.rbb_port > 0 && h.rbb_port < 65536);
	assert_true(h.ctl_port > 0 && h.ctl_port != h.rbb_port);
	assert_int_equal(sim_ctl(&h, "hello", reply, sizeof(reply)), 0);
	assert_non_null(strstr(reply, "ok h7sim="));
	assert_non_null(strstr(reply, " proto=1 board=disco "));
	assert_int_equal(st_kv_num(reply, "rbb_port"), (unsigned long long)h.rbb_port);
	assert_int_equal(st_kv_num(reply, "ctl_port"), (unsigned long long)h.ctl_port);
	assert_int_equal(sim_ctl(&h, "inject x", reply, sizeof(reply)), 0);
	assert_string_equal(reply, "err unknown injection 'x'");
	assert_int_equal(sim_ctl(&h, "inject list", reply, sizeof(reply)), 0);
	assert_string_equal(reply, "ok armed=none");
	assert_int_equal(sim_ctl(&h, "frobnicate", reply, sizeof(reply)), 0);
	assert_string_equal(reply, "err unknown command 'frobnicate'");
	/* empty lines get no reply; the next command still gets exactly one */
	assert_int_equal(sim_ctl(&h, "\n\nstatus", reply, sizeof(reply)), 0);
	assert_non_null(strstr(reply, "ok cm7="));
	/* SIGTERM: clean exit, status 0 */
	assert_int_equal(sim_stop(&h), 0);
}

static void test_clients_subscriptions_and_quit(void **state)
{
	struct sim_harness h;
	char buf[4096], line[2000];
	int a, b, st = -1;
	pid_t pid;

	(void)state;
	assert_int_equal(sim_start(&h, NULL), 0);
	a = connect_port(h.ctl_port);
	b = connect_port(h.ctl_port);
	/* only b subscribes */
	assert_int_equal(send(b, "subscribe usb\n", 14, 0), 14);
	read_for(b, buf, sizeof(buf), 200);
	assert_string_equal(buf, "ok\n");
	/* a power cycle on the harness's connection: events go to b only */
	assert_int_equal(sim_ctl(&h, "power-cycle", line, sizeof(line)), 0);
	assert_string_equal(line, "ok");
	assert_int_equal(send(a, "status\n", 7, 0), 7);
	read_for(a, buf, sizeof(buf), 200);
	assert_non_null(strstr(buf, "ok cm7="));
	assert_null(strstr(buf, "event"));
	/* a line longer than 1024 bytes: one error reply, the connection survives */
	memset(line, 'x', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	assert_int_equal(send(a, line, sizeof(line), 0), (ssize_t)sizeof(line));
	assert_int_equal(send(a, "help\n", 5, 0), 5);
	read_for(a, buf, sizeof(buf), 300);
	assert_string_equal(buf, "err line too long\nok commands=hello,status,stats,usb,subscribe,unsubscribe,"
				 "power-cycle,inject,quit,help\n");
	/* quit: the reply, then h7sim exits with status 0 */
	assert_int_equal(send(b, "quit\n", 5, 0), 5);
	read_for(b, buf, sizeof(buf), 1000);
	assert_non_null(strstr(buf, "ok\n"));
	pid = h.sim_pid;
	for (int i = 0; i < 500 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(10000);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	h.sim_pid = 0;
	close(a);
	close(b);
	sim_stop(&h);
}

static void test_bad_options(void **state)
{
	struct sim_harness h;
	const char *bad[][3] = {
		{ "--board", "nucleo-f4", NULL }, { "--dcache-junk", "all", NULL },
		{ "--rbb-port", "70000", NULL },  { "--flash", "/nonexistent.elf", NULL },
		{ "--bcm4", "2", NULL },
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* no ready line: sim_start fails, h7sim exits with a usage error */
		assert_int_not_equal(sim_start(&h, bad[i]), 0);
		assert_true(sim_log_contains(h.sim_log, "h7sim: error:"));
	}
}

static void test_cm4_gated_by_option_byte(void **state)
{
	struct sim_harness h;
	/* a CM4 image in bank 2: SP at the top of SRAM4, reset 0x08100009, `b .` */
	static const uint32_t img[] = { 0x38010000u, 0x08100009u, 0xE7FEE7FEu };
	char path[512], arg[600];
	const char *args[] = { "--bcm4", "0", "--flash", arg, NULL };
	char reply[512], v[32];

	(void)state;
	st_write_words(path, sizeof(path), img, 3);
	snprintf(arg, sizeof(arg), "%s@0x08100000", path);
	assert_int_equal(sim_start(&h, args), 0);
	assert_int_equal(sim_ctl(&h, "status", reply, sizeof(reply)), 0);
	assert_string_equal(st_kv(reply, "cm4", v, sizeof(v)), "off");
	assert_int_equal(sim_openocd(&h, true), 0);
	/* the option bytes as software sees them: SYSCFG_UR1.BCM4 = 0, BCM7 = 1 */
	st_do(&h, "targets stm32h7x.cpu0");
	st_do(&h, "halt");
	assert_int_equal(st_rd(&h, 0x58000704u), 0x00010000u);
	/* RCC_GCR.BOOT_C2 releases the CM4: it boots its image from BOOT_CM4_ADD0 */
	st_do(&h, "mww 0x580244A0 0x8");
	assert_int_equal(sim_ctl(&h, "status", reply, sizeof(reply)), 0);
	assert_string_equal(st_kv(reply, "cm4", v, sizeof(v)), "running");
	st_do(&h, "targets stm32h7x.cpu1");
	st_do(&h, "halt");
	assert_int_equal(st_reg(&h, "pc"), 0x08100008u);
	st_do(&h, "resume");
	assert_int_equal(sim_stop(&h), 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready_line_and_hello),
		cmocka_unit_test(test_clients_subscriptions_and_quit),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_cm4_gated_by_option_byte),
	};

	return cmocka_run_group_tests_name("h7sim control socket", tests, NULL, NULL);
}
