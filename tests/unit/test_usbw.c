/* The USB watcher's pure helpers and the h7sim control-socket client:
 * protocol-1 line parsing (bounded, malformed input), the client's framing
 * (events before a reply, lines split across reads, overlong lines) and the
 * simulated-bus backend's timeline, against a scripted peer that speaks the
 * fixed protocol text (h7sim itself is exercised by tests/usb's bridge). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "h7jumpdiag/error.h"
#include "log.h"
#include "usb.h"
#include "usb_internal.h" /* usbw_format_path */
#include "usb_simctl.h"

/* ---------------------------------------------------------- pure helpers */

static void test_paths_and_ids(void **state)
{
	(void)state;
	static const char *const good[] = { "1-1", "3-2.4", "255-1.2.3.4.5.6.7", "10-12" };
	static const char *const bad[] = { "", "1", "1-", "-1", "0-1", "1-0", "1-1.", "1-1..2", "1-256",
					   "1-1.2.3.4.5.6.7.8", "a-1", "1-1 ", "1_1", "1-1-2" };
	uint16_t v, p;
	char out[USBW_PATH_MAX];
	const uint8_t ports[] = { 2, 4 };

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(usbw_check_path(good[i]), 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (usbw_check_path(bad[i]) == 0)
			print_error("accepted '%s'\n", bad[i]);
		assert_int_equal(usbw_check_path(bad[i]), H7_ERROR_INVALID_PARAM);
	}
	assert_int_equal(usbw_check_path(NULL), H7_ERROR_INVALID_PARAM);

	assert_int_equal(usbw_parse_vidpid("0483:5740", &v, &p), 0);
	assert_int_equal(v, 0x0483);
	assert_int_equal(p, 0x5740);
	assert_int_equal(usbw_parse_vidpid("483:DF11", &v, &p), 0);
	assert_int_equal(p, 0xDF11);
	assert_int_equal(usbw_parse_vidpid("0483", &v, &p), H7_ERROR_INVALID_PARAM);
	assert_int_equal(usbw_parse_vidpid("0483:", &v, &p), H7_ERROR_INVALID_PARAM);
	assert_int_equal(usbw_parse_vidpid(":5740", &v, &p), H7_ERROR_INVALID_PARAM);
	assert_int_equal(usbw_parse_vidpid("10483:5740", &v, &p), H7_ERROR_INVALID_PARAM);
	assert_int_equal(usbw_parse_vidpid("0483:57g0", &v, &p), H7_ERROR_INVALID_PARAM);
	assert_int_equal(usbw_parse_vidpid("0483:5740:1", &v, &p), H7_ERROR_INVALID_PARAM);

	usbw_format_path(out, sizeof out, 3, ports, 2);
	assert_string_equal(out, "3-2.4");
	usbw_format_path(out, 4, 3, ports, 2); /* truncated, still terminated */
	assert_int_equal(strlen(out), 3);
	assert_string_equal(usbw_event_name(USBW_EV_APP_LEFT), "app-left");
	assert_string_equal(usbw_event_name(0), "unknown");
	assert_string_equal(usbw_event_name(99), "unknown");
}

/* -------------------------------------------------------- protocol lines */

static void test_simctl_lines(void **state)
{
	(void)state;
	struct simctl_line l;
	double ms;
	const char *ev = "event usb attach dev=dfu vid=0483 pid=df11 bcd=0200 serial=200364500000 port=1-1 "
			 "sim_ns=123 mono_ms=81234.567 future_key=1\n";

	assert_int_equal(simctl_parse_line("ok h7sim=0.1.0 proto=1 board=disco rbb_port=4444 ctl_port=4445", 62, &l),
			 0);
	assert_int_equal(l.kind, SIMCTL_OK);
	assert_int_equal(l.n_kv, 5);
	assert_string_equal(simctl_get(&l, "proto"), "1");
	assert_string_equal(simctl_get(&l, "ctl_port"), "4445");
	assert_null(simctl_get(&l, "nope"));

	assert_int_equal(simctl_parse_line("ok\r\n", 4, &l), 0);
	assert_int_equal(l.kind, SIMCTL_OK);
	assert_int_equal(l.n_kv, 0);

	assert_int_equal(simctl_parse_line("err unknown command 'x'", 23, &l), 0);
	assert_int_equal(l.kind, SIMCTL_ERR);
	assert_string_equal(l.message, "unknown command 'x'");

	assert_int_equal(simctl_parse_line(ev, strlen(ev), &l), 0);
	assert_int_equal(l.kind, SIMCTL_EVENT);
	assert_int_equal(l.n_words, 2);
	assert_string_equal(l.word[0], "usb");
	assert_string_equal(l.word[1], "attach");
	assert_string_equal(simctl_get(&l, "serial"), "200364500000");
	assert_string_equal(simctl_get(&l, "future_key"), "1"); /* kept, callers ignore what they do not know */
	assert_int_equal(simctl_get_ms(&l, "mono_ms", &ms), 0);
	assert_true(ms > 81234.566 && ms < 81234.568);
	assert_int_equal(simctl_get_ms(&l, "dev", &ms), H7_ERROR_PARSE);
	assert_int_equal(simctl_get_ms(&l, "absent", &ms), H7_ERROR_NOT_FOUND);
}

static void test_simctl_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int rc;
	} bad[] = {
		{ "", H7_ERROR_PARSE },
		{ "okay", H7_ERROR_PARSE },
		{ "OK", H7_ERROR_PARSE },
		{ "event", H7_ERROR_PARSE },
		{ "event x=1", H7_ERROR_PARSE },
		{ "event usb x=1 bare", H7_ERROR_PARSE },
		{ "ok bare", H7_ERROR_PARSE },
		{ "ok a=b=c", H7_ERROR_PARSE },
		{ "ok =v", H7_ERROR_PARSE },
		{ "ok a=\tb", H7_ERROR_PARSE },
		{ "event a b c d e", H7_ERROR_OVERFLOW },
		{ "ok a_key_that_is_far_too_long_for_the_limit=1", H7_ERROR_OVERFLOW },
	};
	struct simctl_line l;
	char big[SIMCTL_LINE_MAX + 8];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = simctl_parse_line(bad[i].s, strlen(bad[i].s), &l);
		if (rc != bad[i].rc)
			print_error("'%s': rc %d\n", bad[i].s, rc);
		assert_int_equal(rc, bad[i].rc);
	}
	/* longer than the protocol's 1024 bytes */
	memset(big, 'x', sizeof big);
	memcpy(big, "ok a=", 5);
	assert_int_equal(simctl_parse_line(big, SIMCTL_LINE_MAX, &l), H7_ERROR_OVERFLOW);
	/* a value over its limit */
	memset(big, 'v', 300);
	memcpy(big, "ok a=", 5);
	assert_int_equal(simctl_parse_line(big, 300, &l), H7_ERROR_OVERFLOW);
	/* too many pairs */
	size_t n = (size_t)snprintf(big, sizeof big, "ok");
	for (int i = 0; i < SIMCTL_MAX_KV + 1; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, " k%d=%d", i, i);
	assert_int_equal(simctl_parse_line(big, n, &l), H7_ERROR_OVERFLOW);
	/* every prefix of an event line parses or fails cleanly (no read past len) */
	const char *ev = "event usb detach dev=app vid=0483 pid=5740 port=1-1 sim_ns=9 mono_ms=1.5";
	for (size_t k = 0; k <= strlen(ev); k++) {
		char *copy = malloc(k ? k : 1);
		memcpy(copy, ev, k);
		int rc = simctl_parse_line(copy, k, &l);
		assert_true(rc == 0 || rc == H7_ERROR_PARSE);
		free(copy);
	}
}

/* ---------------------------------------------- a scripted protocol peer */

struct peer {
	pid_t pid;
	int port;
};

/* Script: for each step, read one command line (when expect != NULL, it must
 * match), then write the reply bytes in chunks split at '|'. */
struct step {
	const char *expect;
	const char *reply;
};

static void peer_serve(int lfd, const struct step *steps)
{
	int fd = accept(lfd, NULL, NULL);
	char line[2048];

	if (fd < 0)
		_exit(10);
	for (const struct step *s = steps; s->expect || s->reply; s++) {
		if (s->expect) {
			size_t n = 0;
			while (n < sizeof line - 1 && read(fd, line + n, 1) == 1 && line[n] != '\n')
				n++;
			line[n] = '\0';
			if (strcmp(line, s->expect) != 0)
				_exit(11);
		}
		if (s->reply) {
			const char *p = s->reply;
			while (*p) {
				size_t k = strcspn(p, "|");
				if (write(fd, p, k) != (ssize_t)k)
					_exit(12);
				p += k;
				if (*p == '|') {
					usleep(5000); /* split across reads */
					p++;
				}
			}
		}
	}
	/* drain until the client closes */
	while (read(fd, line, sizeof line) > 0)
		;
	_exit(0);
}

static struct peer peer_start(const struct step *steps)
{
	struct peer p = { -1, 0 };
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(lfd >= 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &al), 0);
	p.port = ntohs(a.sin_port);
	p.pid = fork();
	assert_true(p.pid >= 0);
	if (p.pid == 0) {
		alarm(10); /* never outlive a failed test */
		peer_serve(lfd, steps);
	}
	close(lfd);
	return p;
}

static int peer_stop(struct peer *p)
{
	int st = 0;

	assert_int_equal(waitpid(p->pid, &st, 0), p->pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_simctl_client(void **state)
{
	(void)state;
	static const struct step steps[] = {
		{ "hello", "event usb pullup state=on sim_ns=1 mono_ms=5.000\nok h7sim=0.1 pro|to=1 board=disco\n" },
		{ "status", "err unknown command 'status'\n" },
		{ "usb", "ok attached=none\nevent usb pullup state=off sim_ns=2 mono_ms=6.000\n" },
		{ "big", NULL },
		{ NULL, NULL },
	};
	struct peer p = peer_start(steps);
	struct simctl *c;
	struct simctl_line l;
	char hp[32];
	char big[SIMCTL_LINE_MAX + 64];

	snprintf(hp, sizeof hp, "127.0.0.1:%d", p.port);
	assert_int_equal(simctl_connect(hp, 2000, &c), 0);
	assert_int_equal(simctl_command(c, "hello", &l, 2000), 0);
	assert_int_equal(l.kind, SIMCTL_OK);
	assert_string_equal(simctl_get(&l, "proto"), "1");
	/* the event that came before the reply was queued */
	assert_int_equal(simctl_next_event(c, &l, 0), 0);
	assert_string_equal(l.word[1], "pullup");
	assert_string_equal(simctl_get(&l, "state"), "on");
	assert_int_equal(simctl_next_event(c, &l, 0), H7_ERROR_TIMEOUT);
	assert_int_equal(simctl_command(c, "status", &l, 2000), 0);
	assert_int_equal(l.kind, SIMCTL_ERR);
	assert_non_null(strstr(l.message, "unknown command"));
	assert_int_equal(simctl_command(c, "usb", &l, 2000), 0);
	assert_string_equal(simctl_get(&l, "attached"), "none");
	assert_int_equal(simctl_next_event(c, &l, 1000), 0);
	assert_string_equal(simctl_get(&l, "state"), "off");
	/* commands are checked before sending */
	assert_int_equal(simctl_command(c, "two\nlines", &l, 100), H7_ERROR_INVALID_PARAM);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(simctl_command(c, big, &l, 100), H7_ERROR_INVALID_PARAM);
	/* no reply within the timeout */
	assert_int_equal(simctl_command(c, "big", &l, 50), H7_ERROR_TIMEOUT);
	simctl_close(c);
	assert_int_equal(peer_stop(&p), 0);

	/* nothing listening / bad addresses (the messages are expected: silenced) */
	h7_log_set_level(H7_LOG_ERROR - 1);
	assert_int_equal(simctl_connect("127.0.0.1:1", 500, &c), H7_ERROR_CONNECT);
	assert_int_equal(simctl_connect("127.0.0.1:0", 500, &c), H7_ERROR_INVALID_PARAM);
	assert_int_equal(simctl_connect("127.0.0.1:http", 500, &c), H7_ERROR_INVALID_PARAM);
	assert_int_equal(simctl_connect("", 500, &c), H7_ERROR_INVALID_PARAM);
	h7_log_set_level(H7_LOG_INFO);
}

static void test_simctl_overlong_reply(void **state)
{
	(void)state;
	static char reply[SIMCTL_LINE_MAX + 100];
	static struct step steps[] = { { "hello", reply }, { NULL, NULL } };
	struct simctl *c;
	struct simctl_line l;
	char hp[32];

	memset(reply, 'x', sizeof reply - 2);
	memcpy(reply, "ok a=", 5);
	reply[sizeof reply - 2] = '\n';
	reply[sizeof reply - 1] = '\0';
	struct peer p = peer_start(steps);
	snprintf(hp, sizeof hp, "%d", p.port); /* a bare port means 127.0.0.1 */
	assert_int_equal(simctl_connect(hp, 2000, &c), 0);
	assert_int_equal(simctl_command(c, "hello", &l, 2000), H7_ERROR_OVERFLOW);
	simctl_close(c);
	assert_int_equal(peer_stop(&p), 0);
}

/* The simulated-bus backend: the app device leaves, the pull-up goes on, the
 * DFU device attaches; the timeline uses h7sim's mono_ms stamps. */
static void test_sim_backend(void **state)
{
	(void)state;
	static const struct step steps[] = {
		{ "hello", "ok h7sim=0.1 proto=1 board=disco rbb_port=1 ctl_port=2\n" },
		{ "subscribe usb", "ok\n" },
		{ "usb", "ok attached=app vid=0483 pid=5740 bcd=0200 serial=h7sim-app port=1-1 since_ns=5\n" },
		{ NULL, "event usb detach dev=app vid=0483 pid=5740 port=1-1 sim_ns=10 mono_ms=1000.000\n"
			"event usb pullup state=off sim_ns=10 mono_ms=1000.000\n"
			"event other thing x=1\n"
			"event usb pullup state=on sim_ns=20000000 mono_ms=1040.250\n|"
			"event usb attach dev=dfu vid=0483 pid=df11 bcd=0200 serial=200364500000 port=1-1 sim_ns=132500000 "
			"mono_ms=1052.500\n" },
		{ "unsubscribe usb", "ok\n" },
		{ NULL, NULL },
	};
	struct peer p = peer_start(steps);
	struct usbw_options opt;
	struct usbw_result *res = calloc(1, sizeof *res);
	struct usbw *w;
	char hp[32];

	memset(&opt, 0, sizeof opt);
	snprintf(hp, sizeof hp, "127.0.0.1:%d", p.port);
	opt.backend = USBW_BACKEND_SIM;
	opt.sim_ctl = hp;
	opt.app_vid = 0x0483;
	opt.app_pid = 0x5740;
	opt.part.idcode = 0x20036450;
	assert_int_equal(usbw_open(&opt, &w), 0);
	assert_string_equal(usbw_backend_name(w), "simulated bus");
	usbw_mark_at(w, 990.0);
	assert_int_equal(usbw_wait(w, 5000, res), 0);
	usbw_close(w);
	assert_int_equal(peer_stop(&p), 0);

	assert_true(res->simulated);
	assert_true(res->found);
	assert_false(res->present_at_start);
	assert_string_equal(res->dev.path, "1-1");
	assert_int_equal(res->dev.pid, 0xDF11);
	assert_int_equal(res->dev.bcd, 0x0200);
	assert_string_equal(res->info.serial, "200364500000");
	assert_true(res->has_app_left);
	assert_true(res->t_app_left > 9.99 && res->t_app_left < 10.01);
	assert_true(res->t_dfu > 62.49 && res->t_dfu < 62.51);
	assert_true(res->has_enum);
	/* enumeration in simulated time: attach at 132.5 ms, pull-up on at 20 ms */
	assert_string_equal(res->enum_basis, "pullup-sim");
	assert_true(res->enum_ms > 112.49 && res->enum_ms < 112.51);
	assert_int_equal(res->events[0].kind, USBW_EV_APP_PRESENT);
	assert_int_equal(res->events[1].kind, USBW_EV_APP_LEFT);
	assert_int_equal(res->events[res->n_events - 1].kind, USBW_EV_DFU_ARRIVED);
	/* the serial matches the IDCODE: no warning */
	assert_false(dfuse_has_warning(&res->warnings, DFUSE_W_SERIAL));
	free(res);
}

/* The simulator reports a failed enumeration and then nothing: a timeout with
 * the failure on the timeline. */
static void test_sim_enum_failed(void **state)
{
	(void)state;
	static const struct step steps[] = {
		{ "hello", "ok h7sim=0.1 proto=1\n" },
		{ "subscribe usb", "ok\n" },
		{ "usb", "ok attached=none\n" },
		{ NULL, "event usb pullup state=on sim_ns=20 mono_ms=7.000\n"
			"event usb enum-failed dev=dfu reason=no-reset-serviced sim_ns=40 mono_ms=9.000\n" },
		{ "unsubscribe usb", "ok\n" },
		{ NULL, NULL },
	};
	struct peer p = peer_start(steps);
	struct usbw_options opt;
	struct usbw_result *res = calloc(1, sizeof *res);
	struct usbw *w;
	char hp[32];
	int found = 0;

	memset(&opt, 0, sizeof opt);
	snprintf(hp, sizeof hp, "127.0.0.1:%d", p.port);
	opt.board_sim = 1;
	opt.sim_ctl = hp;
	unsetenv("UMOCKDEV_DIR");
	assert_int_equal(usbw_open(&opt, &w), 0);
	assert_int_equal(usbw_wait(w, 300, res), H7_ERROR_TIMEOUT);
	usbw_close(w);
	assert_int_equal(peer_stop(&p), 0);
	assert_false(res->found);
	for (int i = 0; i < res->n_events; i++)
		if (res->events[i].kind == USBW_EV_ENUM_FAILED && strstr(res->events[i].detail, "no-reset-serviced"))
			found = 1;
	assert_true(found);
	free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_and_ids),
		cmocka_unit_test(test_simctl_lines),
		cmocka_unit_test(test_simctl_malformed),
		cmocka_unit_test(test_simctl_client),
		cmocka_unit_test(test_simctl_overlong_reply),
		cmocka_unit_test(test_sim_backend),
		cmocka_unit_test(test_sim_enum_failed),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
