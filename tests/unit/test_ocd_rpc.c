/* The OpenOCD Tcl RPC client against a fake server that replays transcripts
 * recorded from the real OpenOCD 0.12.0: framing, catch wrapping and error
 * mapping, notifications, timeouts, oversize and malformed replies, and the
 * quoting of hostile strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_rpc.h"
#include "rpc_fake.h"
#include "tcl.h"
#include "testutil.h"

static struct ocd_rpc *connect_fake(struct rpc_fake *f, int timeout_ms, size_t max_reply)
{
	struct ocd_rpc_opts o = { .connect_timeout_ms = 2000, .io_timeout_ms = timeout_ms, .max_reply = max_reply };
	struct ocd_rpc *r = NULL;
	assert_non_null(f);
	assert_int_equal(ocd_rpc_connect("127.0.0.1", rpc_fake_port(f), &o, &r), 0);
	assert_non_null(r);
	return r;
}

static void finish(struct rpc_fake *f)
{
	const char *e = rpc_fake_finish(f);
	if (e)
		fail_msg("%s", e);
	rpc_fake_free(f);
}

/* The session of tests/data/rpc/basic.txt, issued through the client. */
static void test_replay_basic(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start_file(tu_src_path("tests/data/rpc/basic.txt"));
	struct ocd_rpc *r = connect_fake(f, 3000, 0);
	char *res = NULL;

	assert_int_equal(ocd_rpc_cmd(r, "version", &res), 0);
	assert_string_equal(res, "Open On-Chip Debugger 0.12.0");
	free(res);
	assert_int_equal(ocd_rpc_cmd(r, "target names", &res), 0);
	assert_string_equal(res, "stm32h7x.ap2 stm32h7x.cpu0 stm32h7x.cpu1");
	free(res);
	assert_int_equal(ocd_rpc_cmd(r, "target current", &res), 0);
	assert_string_equal(res, "stm32h7x.cpu0");
	free(res);
	assert_int_equal(ocd_rpc_cmd(r, "halt", NULL), 0);
	assert_int_equal(ocd_rpc_cmd(r, "stm32h7x.cpu0 curstate", &res), 0);
	assert_string_equal(res, "halted");
	free(res);
	assert_int_equal(ocd_rpc_cmd(r, "stm32h7x.cpu0 get_reg {pc sp xPSR}", &res), 0);
	assert_string_equal(res, "pc 0x08000202 sp 0x24080000 xPSR 0x01000000");
	free(res);
	assert_int_equal(ocd_rpc_cmdf(r, &res, "stm32h7x.cpu0 read_memory 0x%08X 32 %d", 0x24000000u, 4), 0);
	assert_string_equal(res, "0x0 0x0 0x0 0x0");
	free(res);
	/* a failing read: code 1 and OpenOCD's message, not an empty success */
	assert_int_equal(ocd_rpc_cmd(r, "stm32h7x.cpu0 read_memory 0x1FFF9800 32 2", &res), H7_ERROR_OPENOCD);
	assert_null(res);
	assert_int_equal(ocd_rpc_last_code(r), 1);
	assert_string_equal(ocd_rpc_last_error(r), "read_memory: failed to read memory");
	assert_int_equal(ocd_rpc_cmd(r, "stm32h7x.cpu0 read_memory 0x1FF1E880 16 1", &res), 0);
	assert_string_equal(res, "0x800");
	free(res);
	assert_int_equal(ocd_rpc_cmd(r, "foo_unknown_cmd", NULL), H7_ERROR_OPENOCD);
	assert_string_equal(ocd_rpc_last_error(r), "invalid command name \"foo_unknown_cmd\"");
	assert_int_equal(ocd_rpc_cmd(r, "stm32h7x.cpu0 get_reg {nosuchreg}", NULL), H7_ERROR_OPENOCD);
	assert_int_equal(ocd_rpc_cmd(r, "resume", NULL), 0);
	assert_int_equal(ocd_rpc_cmd(r, "stm32h7x.cpu0 get_reg {pc}", NULL), 0);
	/* OpenOCD's negative codes */
	assert_int_equal(ocd_rpc_cmd(r, "step", NULL), H7_ERROR_NOT_HALTED);
	assert_int_equal(ocd_rpc_last_code(r), -304);
	assert_int_equal(ocd_rpc_cmd(r, "mdw 0xA0000000", NULL), H7_ERROR_DAP);
	assert_int_equal(ocd_rpc_last_code(r), -107);
	assert_int_equal(ocd_rpc_cmd(r, "halt", NULL), 0);
	assert_int_equal(ocd_rpc_last_code(r), 0);
	/* the quoting function's output, evaluated by the real OpenOCD: 12 bytes */
	{
		static const char hostile[] = "a\0b;[]${}\"\\\n";
		char *q = ocd_rpc_quote(hostile, sizeof hostile - 1);
		assert_non_null(q);
		assert_int_equal(ocd_rpc_cmdf(r, &res, "set x %s; list [string length $x] [string bytelength $x]", q),
				 0);
		assert_string_equal(res, "12 12");
		free(res);
		free(q);
	}
	/* notifications: set aside, counted, never taken for a reply */
	assert_int_equal(ocd_rpc_notify(r, 1), 0);
	ocd_rpc_events_clear(r);
	assert_int_equal(ocd_rpc_cmd(r, "resume", &res), 0);
	assert_string_equal(res, "");
	free(res);
	assert_int_equal(ocd_rpc_event_count(r, "resumed"), 1);
	assert_int_equal(ocd_rpc_event_count(r, "halted"), 0);
	assert_int_equal(ocd_rpc_cmd(r, "halt", NULL), 0);
	assert_int_equal(ocd_rpc_event_count(r, "halted"), 1);
	assert_int_equal(ocd_rpc_wait_event(r, "halted", 10), 0); /* already counted */
	assert_int_equal(ocd_rpc_cmd(r, "stm32h7x.cpu0 curstate", &res), 0);
	assert_string_equal(res, "halted");
	free(res);
	assert_int_equal(ocd_rpc_notify(r, 0), 0);
	ocd_rpc_close(r);
	finish(f);
}

/* The fake server itself notices a request that differs from the transcript. */
static void test_mismatch_detected(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start("> list [catch {halt} h7_r] $h7_r\n< 0 {}\n");
	struct ocd_rpc *r = connect_fake(f, 1000, 0);
	/* the server closes on mismatch, so the client sees an I/O error */
	assert_int_equal(ocd_rpc_cmd(r, "resume", NULL), H7_ERROR_IO);
	ocd_rpc_close(r);
	const char *e = rpc_fake_finish(f);
	assert_non_null(e);
	assert_non_null(strstr(e, "mismatch"));
	rpc_fake_free(f);

	/* and a request when none is expected */
	f = rpc_fake_start("# nothing\n");
	r = connect_fake(f, 2000, 0);
	assert_int_equal(ocd_rpc_cmd(r, "halt", NULL), H7_ERROR_IO);
	ocd_rpc_close(r);
	e = rpc_fake_finish(f);
	assert_non_null(e);
	assert_non_null(strstr(e, "unexpected request"));
	rpc_fake_free(f);
}

static void test_timeout(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start("> list [catch {halt} h7_r] $h7_r\n! sleep 600\n< 0 {}\n");
	struct ocd_rpc *r = connect_fake(f, 150, 0);
	assert_int_equal(ocd_rpc_cmd(r, "halt", NULL), H7_ERROR_TIMEOUT);
	/* the late reply must not be taken for the next one: the connection is gone */
	assert_int_equal(ocd_rpc_cmd(r, "halt", NULL), H7_ERROR_IO);
	ocd_rpc_close(r);
	finish(f);

	/* a reply that starts but never ends */
	f = rpc_fake_start("> list [catch {version} h7_r] $h7_r\n! raw 0 {Open On-Chip\n! sleep 500\n");
	r = connect_fake(f, 150, 0);
	assert_int_equal(ocd_rpc_cmd(r, "version", NULL), H7_ERROR_TIMEOUT);
	ocd_rpc_close(r);
	finish(f);

	/* waiting for an event that does not come */
	f = rpc_fake_start("! sleep 10\n");
	r = connect_fake(f, 1000, 0);
	assert_int_equal(ocd_rpc_wait_event(r, "halted", 100), H7_ERROR_TIMEOUT);
	ocd_rpc_close(r);
	finish(f);
}

static void test_event_arrives_later(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start("! sleep 50\n< type target_state state halted\\r\\n\n"
					    "< type target_event event halted\\r\\n\n");
	struct ocd_rpc *r = connect_fake(f, 1000, 0);
	assert_int_equal(ocd_rpc_wait_event(r, "halted", 3000), 0);
	assert_int_equal(ocd_rpc_event_count(r, "halted"), 1);
	ocd_rpc_close(r);
	finish(f);

	/* a reply frame while only events are expected: out of step, an error */
	f = rpc_fake_start("< 0 {}\n");
	r = connect_fake(f, 1000, 0);
	assert_int_equal(ocd_rpc_wait_event(r, "halted", 1000), H7_ERROR_IO);
	ocd_rpc_close(r);
	finish(f);
}

static void test_oversize_and_closed(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start("> list [catch {version} h7_r] $h7_r\n! big 200000\n");
	struct ocd_rpc *r = connect_fake(f, 2000, 65536);
	assert_int_equal(ocd_rpc_cmd(r, "version", NULL), H7_ERROR_OVERFLOW);
	ocd_rpc_close(r);
	finish(f);

	/* just under the limit is fine (raw: the frame is not a Tcl list) */
	f = rpc_fake_start("> version\n! big 60000\n");
	r = connect_fake(f, 2000, 65536);
	char *res = NULL;
	size_t len = 0;
	assert_int_equal(ocd_rpc_raw(r, "version", &res, &len), 0);
	assert_int_equal(len, 60000);
	free(res);
	ocd_rpc_close(r);
	finish(f);

	f = rpc_fake_start("> list [catch {version} h7_r] $h7_r\n! raw 0 {Open\n! close\n");
	r = connect_fake(f, 2000, 0);
	assert_int_equal(ocd_rpc_cmd(r, "version", NULL), H7_ERROR_IO);
	ocd_rpc_close(r);
	finish(f);
}

static void test_malformed_replies(void **state)
{
	(void)state;
	static const char *const replies[] = {
		"0 {unterminated", "abc def", "1 2 3", "", "0x {}", "\\\"",
	};
	for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++) {
		char script[256];
		snprintf(script, sizeof script, "> list [catch {version} h7_r] $h7_r\n< %s\n", replies[i]);
		struct rpc_fake *f = rpc_fake_start(script);
		struct ocd_rpc *r = connect_fake(f, 2000, 0);
		char *res = (char *)1;
		int rc = ocd_rpc_cmd(r, "version", &res);
		if (rc != H7_ERROR_PARSE)
			print_error("reply '%s' gave %d\n", replies[i], rc);
		assert_int_equal(rc, H7_ERROR_PARSE);
		assert_null(res);
		ocd_rpc_close(r);
		finish(f);
	}
}

static void test_invalid_requests(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start("# no request may reach the server\n");
	struct ocd_rpc *r = connect_fake(f, 500, 0);
	char *res;
	/* unbalanced braces would break out of the catch wrapper */
	assert_int_equal(ocd_rpc_cmd(r, "set x }; puts pwned; list {", NULL), H7_ERROR_INVALID_PARAM);
	assert_int_equal(ocd_rpc_cmd(r, "set x a\\", NULL), H7_ERROR_INVALID_PARAM);
	/* 0x1a would end the request early */
	assert_int_equal(ocd_rpc_raw(r, "version\x1aresume", &res, NULL), H7_ERROR_INVALID_PARAM);
	/* oversize request */
	char *big = malloc(OCD_RPC_MAX_REQUEST + 1);
	assert_non_null(big);
	memset(big, 'a', OCD_RPC_MAX_REQUEST);
	big[OCD_RPC_MAX_REQUEST] = '\0';
	assert_int_equal(ocd_rpc_raw(r, big, &res, NULL), H7_ERROR_INVALID_PARAM);
	free(big);
	ocd_rpc_close(r);
	finish(f);
}

static void test_connect_refused(void **state)
{
	(void)state;
	/* a port that was free a moment ago: bind, read the port, close */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof a;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	close(s);
	struct ocd_rpc *r = NULL;
	assert_int_equal(ocd_rpc_connect("127.0.0.1", ntohs(a.sin_port), NULL, &r), H7_ERROR_CONNECT);
	assert_null(r);
	assert_int_equal(ocd_rpc_connect("", 6666, NULL, &r), H7_ERROR_INVALID_PARAM);
	assert_int_equal(ocd_rpc_connect("127.0.0.1", 0, NULL, &r), H7_ERROR_INVALID_PARAM);
}

/* Decode a quoted word with the list parser (a Tcl word in double quotes is a
 * one-element list) and compare with the original bytes. */
static void check_roundtrip(const char *s, size_t len)
{
	char *q = ocd_rpc_quote(s, len);
	assert_non_null(q);
	size_t ql = strlen(q);
	assert_true(ql >= 2 && q[0] == '"' && q[ql - 1] == '"');
	/* nothing inside may be active in Tcl */
	for (size_t i = 1; i + 1 < ql; i++) {
		unsigned char c = (unsigned char)q[i];
		assert_true(c != '[' && c != ']' && c != '$' && c != '{' && c != '}' && c != '"' && c != ';' &&
			    c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != 0x1a && c >= 0x20);
	}
	assert_true(tcl_braces_balanced(q, ql));
	struct tcl_list l;
	assert_int_equal(tcl_list_parse(q, ql, NULL, &l, NULL, 0), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.len[0], len);
	assert_memory_equal(l.v[0], s, len);
	tcl_list_free(&l);
	free(q);
}

static void test_quote_hostile(void **state)
{
	(void)state;
	static const char *const hostile[] = {
		"plain", "", "a b", "; shutdown", "[shutdown]", "$::env(HOME)", "{", "}", "}{", "\"",
		"\\", "\\\n", "a\\", "line1\nline2\r\n", "\x1a", "x\x7f\x01", "caf\xc3\xa9", "{*}[exit]",
		"/tmp/with space/fw.elf", "C:\\fw\\a.bin",
	};
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++)
		check_roundtrip(hostile[i], strlen(hostile[i]));
	check_roundtrip("a\0b\0", 4);
	/* all 256 byte values in one string */
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	check_roundtrip(all, sizeof all);
	/* the exact form: safe characters stay, others become \ooo */
	char *q = ocd_rpc_quote_str("a;b");
	assert_string_equal(q, "\"a\\073b\"");
	free(q);
	assert_null(ocd_rpc_quote_str(NULL));
}

static void test_map_and_hostport(void **state)
{
	(void)state;
	assert_int_equal(ocd_rpc_map_code(0), 0);
	assert_int_equal(ocd_rpc_map_code(2), 0);
	assert_int_equal(ocd_rpc_map_code(1), H7_ERROR_OPENOCD);
	assert_int_equal(ocd_rpc_map_code(-4), H7_ERROR_OPENOCD);
	assert_int_equal(ocd_rpc_map_code(-304), H7_ERROR_NOT_HALTED);
	assert_int_equal(ocd_rpc_map_code(-107), H7_ERROR_DAP);
	assert_int_equal(ocd_rpc_map_code(-302), H7_ERROR_TIMEOUT);
	assert_int_equal(ocd_rpc_map_code(-307), H7_ERROR_MEMORY);
	assert_int_equal(ocd_rpc_map_code(-300), H7_ERROR_TARGET);
	assert_int_equal(ocd_rpc_map_code(-601), H7_ERROR_INVALID_PARAM);

	char host[64];
	uint16_t port;
	assert_int_equal(ocd_rpc_parse_hostport("127.0.0.1:6666", host, sizeof host, &port), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 6666);
	assert_int_equal(ocd_rpc_parse_hostport("[::1]:4444", host, sizeof host, &port), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 4444);
	assert_int_equal(ocd_rpc_parse_hostport("localhost:1", host, sizeof host, &port), 0);
	static const char *const bad[] = { "6666", ":6666", "host:", "host:0", "host:65536", "host:12a",
					   "a:b:c", "[::1]6666", "h;x:1", "host:123456" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ocd_rpc_parse_hostport(bad[i], host, sizeof host, &port), H7_ERROR_INVALID_PARAM);
}

/* A signal while a reply is awaited: the call ends at once, and that reply,
 * when it comes, is dropped instead of being taken for the next request's
 * (restoring the target after SIGINT depends on it). Once interrupted, no
 * new request is sent at all. */
static void on_alarm(int sig)
{
	(void)sig;
	ocd_rpc_set_interrupted();
}

static void test_interrupted_reply_dropped(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start("> list [catch {version} h7_r] $h7_r\n! sleep 400\n< 0 {first}\n"
					    "> list [catch {echo b} h7_r] $h7_r\n< 0 {second}\n");
	struct ocd_rpc *r = connect_fake(f, 3000, 0);
	struct sigaction sa, old;
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	char *res = NULL;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old);
	ocd_rpc_clear_interrupted();
	setitimer(ITIMER_REAL, &it, NULL);
	assert_int_equal(ocd_rpc_cmd(r, "version", &res), H7_ERROR_INTERRUPTED);
	assert_null(res);
	/* interrupted: nothing new goes out (the transcript would not match) */
	assert_int_equal(ocd_rpc_cmd(r, "echo b", NULL), H7_ERROR_INTERRUPTED);
	ocd_rpc_clear_interrupted();
	assert_int_equal(ocd_rpc_cmd(r, "echo b", &res), 0);
	assert_string_equal(res, "second");
	free(res);
	sigaction(SIGALRM, &old, NULL);
	ocd_rpc_close(r);
	finish(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_basic),
		cmocka_unit_test(test_mismatch_detected),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_event_arrives_later),
		cmocka_unit_test(test_oversize_and_closed),
		cmocka_unit_test(test_malformed_replies),
		cmocka_unit_test(test_invalid_requests),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_quote_hostile),
		cmocka_unit_test(test_map_and_hostport),
		cmocka_unit_test(test_interrupted_reply_dropped),
	};
	h7_log_set_level(-1); /* the client's error messages are expected here */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
