/* Starting and stopping the REAL OpenOCD (Debian 0.12.0) without a board:
 * its `dummy` adapter, a missing program, missing and bad configuration files,
 * a port in use, an adapter that cannot connect, a target that does not
 * answer, and SIGTERM to the tool. Every case checks that no process is left.
 * Also the quoting function against OpenOCD's real Tcl interpreter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libusb.h>

#include "board.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_proc.h"
#include "ocd_rpc.h"
#include "session.h"
#include "testutil.h"

static const char *const dummy_args[] = { "-f", "interface/dummy.cfg", "-c", "transport select jtag", NULL };

static void assert_gone(pid_t pid)
{
	assert_int_equal(ocd_proc_children(), 0);
	errno = 0;
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);
}

static int start_expect(const char *const *args, const char *prog, int expect)
{
	struct ocd_proc_opts o = { .openocd = prog, .args = args, .ready_timeout_ms = 20000 };
	struct ocd_proc *p = NULL;
	struct ocd_rpc *r = NULL;
	char *log = ocd_proc_new_log("test");
	assert_non_null(log);
	o.log_path = log;
	int rc = ocd_proc_start(&o, &p, &r);
	if (rc != expect)
		print_error("got %d (%s), expected %d; log %s\n", rc, h7_error_name(rc), expect, log);
	assert_int_equal(rc, expect);
	assert_null(p);
	assert_null(r);
	assert_int_equal(ocd_proc_children(), 0);
	unlink(log);
	free(log);
	return rc;
}

static void test_dummy_adapter_lifecycle(void **state)
{
	(void)state;
	struct ocd_proc_opts o = { .args = dummy_args, .ready_timeout_ms = 20000 };
	struct ocd_proc *p = NULL;
	struct ocd_rpc *r = NULL;

	assert_int_equal(ocd_proc_start(&o, &p, &r), 0);
	assert_non_null(p);
	assert_non_null(r);
	assert_true(ocd_proc_tcl_port(p) > 0);
	assert_int_equal(ocd_proc_children(), 1);
	char *res = NULL;
	assert_int_equal(ocd_rpc_cmd(r, "version", &res), 0);
	assert_non_null(strstr(res, "Open On-Chip Debugger"));
	free(res);
	/* gdb and telnet are off, the Tcl server listens on loopback only */
	char *log = tu_read_file(ocd_proc_log(p), NULL);
	assert_non_null(log);
	assert_non_null(strstr(log, "for tcl connections"));
	assert_null(strstr(log, "for gdb connections"));
	assert_null(strstr(log, "for telnet connections"));
	free(log);
	char *log_path = strdup(ocd_proc_log(p));
	pid_t pid = ocd_proc_pid(p);
	assert_int_equal(ocd_proc_stop(p, r), 0);
	assert_gone(pid);
	/* the log stays for the report */
	assert_int_equal(access(log_path, R_OK), 0);
	unlink(log_path);
	free(log_path);
}

/* The one quoting function, evaluated by OpenOCD's real Jim Tcl interpreter:
 * the variable holds exactly the original bytes, and nothing ran. */
static void test_quote_live(void **state)
{
	(void)state;
	struct ocd_proc_opts o = { .args = dummy_args };
	struct ocd_proc *p = NULL;
	struct ocd_rpc *r = NULL;
	static const char *const hostile[] = {
		"; shutdown", "[shutdown]", "$::env(HOME)", "{", "}", "}{", "\"", "\\", "a\\", "x\ny\r\n",
		"{*}[set pwned 1]", "with space", "tab\there", "\x1a", "\x7f\x01\x02", "caf\xc3\xa9",
	};

	assert_int_equal(ocd_proc_start(&o, &p, &r), 0);
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0] + 2; i++) {
		const char *s;
		size_t len;
		char all[255];
		if (i < sizeof hostile / sizeof hostile[0]) {
			s = hostile[i];
			len = strlen(s);
		} else if (i == sizeof hostile / sizeof hostile[0]) {
			s = "a\0b\0[shutdown]";
			len = 14;
		} else {
			for (int k = 0; k < 255; k++)
				all[k] = (char)(k + 1);
			s = all;
			len = sizeof all;
		}
		char *q = ocd_rpc_quote(s, len);
		assert_non_null(q);
		/* the bytes come back as hex from OpenOCD's own interpreter */
		char *res = NULL;
		int rc = ocd_rpc_cmdf(r, &res, "set h7_x %s; set h7_hex {}; foreach c [split $h7_x {}] "
				  "{append h7_hex [format %%02x [scan $c %%c]]}; list [string bytelength $h7_x] $h7_hex",
				  q);
		assert_int_equal(rc, 0);
		char expect[1024];
		int n = snprintf(expect, sizeof expect, "%zu ", len);
		for (size_t k = 0; k < len; k++)
			n += snprintf(expect + n, sizeof expect - (size_t)n, "%02x", (unsigned char)s[k]);
		if (strcmp(res, expect) != 0)
			print_error("case %zu: quoted %s\n  got      %s\n  expected %s\n", i, q, res, expect);
		assert_string_equal(res, expect);
		free(res);
		free(q);
	}
	/* nothing was executed: pwned is unset and OpenOCD still answers */
	char *res = NULL;
	assert_int_equal(ocd_rpc_cmd(r, "info exists pwned", &res), 0);
	assert_string_equal(res, "0");
	free(res);
	pid_t pid = ocd_proc_pid(p);
	char *log_path = strdup(ocd_proc_log(p));
	assert_int_equal(ocd_proc_stop(p, r), 0);
	assert_gone(pid);
	unlink(log_path);
	free(log_path);
}

static void test_missing_program(void **state)
{
	(void)state;
	start_expect(dummy_args, "/nonexistent/bin/openocd", H7_ERROR_NOT_FOUND);
	start_expect(dummy_args, "h7jumpdiag-no-such-openocd", H7_ERROR_NOT_FOUND);
}

static void test_bad_configs(void **state)
{
	(void)state;
	static const char *const missing[] = { "-f", "/nonexistent/board.cfg", NULL };
	start_expect(missing, NULL, H7_ERROR_NOT_FOUND);

	char cfg[] = "/tmp/h7jd-bad-XXXXXX.cfg";
	int fd = mkstemps(cfg, 4);
	assert_true(fd >= 0);
	static const char body[] = "adapter driver dummy\nthis_is_not_a_command 1\n";
	assert_int_equal(write(fd, body, sizeof body - 1), (ssize_t)(sizeof body - 1));
	close(fd);
	const char *bad[] = { "-f", cfg, NULL };
	start_expect(bad, NULL, H7_ERROR_OPENOCD);
	unlink(cfg);
}

static void test_port_in_use(void **state)
{
	(void)state;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof a;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(s, 1), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "telnet_port %u", ntohs(a.sin_port));
	const char *args[] = { "-c", cmd, "-f", "interface/dummy.cfg", "-c", "transport select jtag", NULL };
	start_expect(args, NULL, H7_ERROR_BUSY);
	close(s);
}

static void test_adapter_and_target_errors(void **state)
{
	(void)state;
	/* remote_bitbang to a port nobody listens on (h7sim not running) */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof a;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	close(s);
	char port[64];
	snprintf(port, sizeof port, "remote_bitbang port %u", ntohs(a.sin_port));
	const char *rbb[] = { "-c", "adapter driver remote_bitbang", "-c", "remote_bitbang host 127.0.0.1", "-c", port,
			      "-c", "transport select jtag", NULL };
	start_expect(rbb, NULL, H7_ERROR_NO_DEVICE);

	/* an adapter that works but no chip answering on it */
	static const char *const dead[] = { "-f", "interface/dummy.cfg", "-c", "transport select jtag", "-c",
					    "set DUAL_CORE 1", "-f", "target/stm32h7x_dual_bank.cfg", NULL };
	start_expect(dead, NULL, H7_ERROR_TARGET);
}

/* Is an ST-LINK (VID 0x0483, the ST-LINK/V2, V2-1, V3 product ids) on this host? */
static int stlink_present(void)
{
	static const uint16_t pids[] = { 0x3748, 0x374B, 0x374D, 0x374E, 0x374F, 0x3752, 0x3753, 0x3754, 0x3757 };
	libusb_context *ctx = NULL;
	libusb_device **list = NULL;
	int found = 0;

	if (libusb_init(&ctx) != 0)
		return 0;
	ssize_t n = libusb_get_device_list(ctx, &list);
	for (ssize_t i = 0; i < n && !found; i++) {
		struct libusb_device_descriptor d;
		if (libusb_get_device_descriptor(list[i], &d) != 0 || d.idVendor != 0x0483)
			continue;
		for (size_t k = 0; k < sizeof pids / sizeof pids[0]; k++)
			found |= d.idProduct == pids[k];
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	libusb_exit(ctx);
	return found;
}

/* A real board profile (disco: ST-LINK in DAP mode, HLA fallback) on a host
 * without an ST-LINK: the real OpenOCD finds no probe. The session says so,
 * with the log to read, and does not retry in HLA mode (which fails the same
 * way and would blame the ST-LINK's firmware). */
static void test_board_without_probe(void **state)
{
	(void)state;
	if (stlink_present()) {
		print_message("SKIP: an ST-LINK is attached to this host; this test needs a host without one\n");
		skip();
	}
	char *buf = NULL, why[384] = "";
	size_t bufsz = 0;
	FILE *cap = open_memstream(&buf, &bufsz);
	assert_non_null(cap);
	int level = h7_log_get_level();
	h7_log_set_level(H7_LOG_INFO);
	h7_log_set_stream(cap);
	struct session_opts so = { .board = "disco", .ready_timeout_ms = 20000, .why = why, .whysz = sizeof why };
	struct session *s = NULL;
	int rc = session_open(&so, &s);
	h7_log_set_stream(NULL);
	h7_log_set_level(level);
	fclose(cap);
	assert_int_equal(rc, H7_ERROR_NO_DEVICE);
	assert_null(s);
	assert_non_null(strstr(why, "no debug probe found"));
	assert_non_null(strstr(why, "(OpenOCD log: /"));
	assert_non_null(strstr(buf, "Error: open failed"));
	assert_null(strstr(buf, "HLA"));
	assert_int_equal(ocd_proc_children(), 0);
	free(buf);

	/* which failures the HLA fallback may cure */
	assert_true(board_fallback_applies(H7_ERROR_NOT_SUPPORTED));
	assert_true(board_fallback_applies(H7_ERROR_OPENOCD));
	assert_false(board_fallback_applies(H7_ERROR_NO_DEVICE));
	assert_false(board_fallback_applies(H7_ERROR_ACCESS));
	assert_false(board_fallback_applies(H7_ERROR_TARGET));
}

/* h7sim start-up failures, with stand-in programs that really run: a missing
 * binary, one that exits, one that prints something else than the ready line,
 * one that never gets ready. None may be left running. */
static void test_sim_start_failures(void **state)
{
	(void)state;
	struct ocd_sim *s = NULL;
	struct {
		const char *prog;
		const char *const *args;
		int expect;
	} cases[] = {
		{ "/nonexistent/h7sim", NULL, H7_ERROR_NOT_FOUND },
		{ "false", NULL, H7_ERROR_SPAWN },
		{ "echo", NULL, H7_ERROR_SPAWN }, /* prints "--rbb-port 0 --ctl-port 0" and exits: no ready line */
		{ NULL, NULL, H7_ERROR_TIMEOUT }, /* a script that only sleeps (below) */
		{ NULL, NULL, H7_ERROR_PARSE },   /* a malformed ready line after a message (below) */
	};
	char badready[] = "/tmp/h7jd-badready-XXXXXX";
	int bfd = mkstemp(badready);
	assert_true(bfd >= 0);
	static const char bbody[] = "#!/bin/sh\necho 'h7sim: --flash: 4 bytes at 0x08000000' >&2\n"
				    "echo 'h7sim ready rbb-port=zz ctl-port=1'\nexec sleep 30\n";
	assert_int_equal(write(bfd, bbody, sizeof bbody - 1), (ssize_t)(sizeof bbody - 1));
	fchmod(bfd, 0700);
	close(bfd);
	cases[4].prog = badready;
	char silent[] = "/tmp/h7jd-silent-XXXXXX";
	int fd = mkstemp(silent);
	assert_true(fd >= 0);
	static const char body[] = "#!/bin/sh\nexec sleep 30\n";
	assert_int_equal(write(fd, body, sizeof body - 1), (ssize_t)(sizeof body - 1));
	fchmod(fd, 0700);
	close(fd);
	cases[3].prog = silent;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *log = ocd_proc_new_log("test");
		struct ocd_sim_opts o = { .h7sim = cases[i].prog, .extra_args = cases[i].args, .log_path = log,
					  .ready_timeout_ms = 300 };
		int rc = ocd_sim_start(&o, &s);
		if (rc != cases[i].expect)
			print_error("%s: got %s\n", cases[i].prog, h7_error_name(rc));
		assert_int_equal(rc, cases[i].expect);
		assert_null(s);
		assert_int_equal(ocd_proc_children(), 0);
		unlink(log);
		free(log);
	}
	unlink(silent);
	unlink(badready);
	/* the session layer reports it the same way, with nothing left behind */
	setenv("H7SIM", "/nonexistent/h7sim", 1);
	struct session *ss = NULL;
	struct session_opts so = { .board = "sim" };
	assert_int_equal(session_open(&so, &ss), H7_ERROR_NOT_FOUND);
	assert_null(ss);
	assert_int_equal(ocd_proc_children(), 0);
	unsetenv("H7SIM");
	/* attach mode to a port nobody listens on */
	so.board = NULL;
	so.attach = "127.0.0.1:1";
	assert_int_equal(session_open(&so, &ss), H7_ERROR_CONNECT);
	so.attach = "no-port";
	assert_int_equal(session_open(&so, &ss), H7_ERROR_INVALID_PARAM);
}

/* SIGTERM to the tool: the handler stops the children at once; the caller
 * still reaps them. Runs last: the interrupted flag stays set. */
static void test_signal_stops_children(void **state)
{
	(void)state;
	struct ocd_proc_opts o = { .args = dummy_args };
	struct ocd_proc *p = NULL;
	struct ocd_rpc *r = NULL;

	assert_int_equal(ocd_proc_start(&o, &p, &r), 0);
	pid_t pid = ocd_proc_pid(p);
	assert_int_equal(raise(SIGTERM), 0);
	assert_true(ocd_rpc_interrupted());
	/* OpenOCD got SIGTERM from the handler: it exits without our shutdown */
	int st = 0;
	pid_t w = 0;
	for (int i = 0; i < 400 && w == 0; i++) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == 0)
			usleep(5000);
	}
	assert_int_equal(w, pid);
	/* the client sees the interruption, not a hang */
	int rc = ocd_rpc_cmd(r, "version", NULL);
	assert_true(rc == H7_ERROR_INTERRUPTED || rc == H7_ERROR_IO);
	char *log_path = strdup(ocd_proc_log(p));
	ocd_proc_stop(p, NULL);
	ocd_rpc_close(r);
	assert_gone(pid);
	unlink(log_path);
	free(log_path);
}

/* Whatever a failed assertion left behind is stopped and reaped. */
static int teardown(void **state)
{
	(void)state;
	ocd_proc_kill_all();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_dummy_adapter_lifecycle, teardown),
		cmocka_unit_test_teardown(test_quote_live, teardown),
		cmocka_unit_test_teardown(test_missing_program, teardown),
		cmocka_unit_test_teardown(test_bad_configs, teardown),
		cmocka_unit_test_teardown(test_port_in_use, teardown),
		cmocka_unit_test_teardown(test_adapter_and_target_errors, teardown),
		cmocka_unit_test_teardown(test_board_without_probe, teardown),
		cmocka_unit_test_teardown(test_sim_start_failures, teardown),
		cmocka_unit_test_teardown(test_signal_stops_children, teardown),
	};
	h7_log_set_level(getenv("H7_TEST_VERBOSE") ? H7_LOG_TRACE : -1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
