/* Fuzz target: OpenOCD Tcl RPC reply handling in the real client
 * (src/ocd_rpc.c): 0x1a framing, notification frames ("type target_event
 * event NAME", "type target_state state S") mixed with replies, the reply size
 * limit, and the catch-wrapped reply "CODE RESULT" (tcl_list_parse,
 * tcl_parse_int, ocd_rpc_map_code).
 *
 * The input is the byte stream an OpenOCD server sends. The client code runs
 * unchanged over a real TCP connection on 127.0.0.1 (a listening socket of
 * this process on a free port; one connection per input, reset afterwards so
 * no TIME_WAIT piles up). The stream is followed by "\x1a0 {}\x1a0 {}\x1a": the
 * input's last frame is always terminated and two replies always follow, so
 * no input makes the client wait for its I/O timeout.
 *
 * Per input: two ocd_rpc_cmd() calls, then ocd_rpc_wait_event() with a zero
 * timeout (drains the notifications left in the buffer). Checked: every call
 * returns one of its documented codes, a success has a NUL-terminated result.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "h7jumpdiag/error.h"
#include "ocd_rpc.h"

#define RPC_FUZZ_MAX_INPUT (64u << 10)
#define RPC_FUZZ_MAX_REPLY 8192u /* small, so the overflow path is reachable */

static int listen_fd = -1;
static uint16_t listen_port;

static void rpc_fuzz_listen(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof a;

	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	FUZZ_CHECK(listen_fd >= 0);
	FUZZ_CHECK(bind(listen_fd, (struct sockaddr *)&a, sizeof a) == 0);
	FUZZ_CHECK(listen(listen_fd, 4) == 0);
	FUZZ_CHECK(getsockname(listen_fd, (struct sockaddr *)&a, &al) == 0);
	listen_port = ntohs(a.sin_port);
}

static void rpc_fuzz_send(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		FUZZ_CHECK(w > 0);
		c += w;
		n -= (size_t)w;
	}
}

static int rpc_fuzz_rc_ok(int rc)
{
	return rc == 0 || rc == H7_ERROR_PARSE || rc == H7_ERROR_OVERFLOW || rc == H7_ERROR_IO ||
	       rc == H7_ERROR_OPENOCD || rc == H7_ERROR_TIMEOUT || rc == H7_ERROR_DAP || rc == H7_ERROR_TARGET ||
	       rc == H7_ERROR_NOT_HALTED || rc == H7_ERROR_MEMORY || rc == H7_ERROR_INVALID_PARAM ||
	       rc == H7_ERROR_NO_MEM;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char trailer[] = "\x1a" "0 {}\x1a" "0 {}\x1a";
	const struct ocd_rpc_opts opts = { .connect_timeout_ms = 2000, .io_timeout_ms = 2000,
					   .max_reply = RPC_FUZZ_MAX_REPLY };
	struct ocd_rpc *r = NULL;
	char *res = NULL;
	int rc;

	fuzz_quiet_logs();
	if (listen_fd < 0)
		rpc_fuzz_listen();
	if (size > RPC_FUZZ_MAX_INPUT)
		size = RPC_FUZZ_MAX_INPUT;
	FUZZ_CHECK(ocd_rpc_connect("127.0.0.1", listen_port, &opts, &r) == 0);
	int sfd = accept(listen_fd, NULL, NULL);
	FUZZ_CHECK(sfd >= 0);
	rpc_fuzz_send(sfd, data, size);
	rpc_fuzz_send(sfd, trailer, sizeof trailer - 1);

	for (int i = 0; i < 2; i++) {
		rc = ocd_rpc_cmd(r, i ? "targets" : "version", &res);
		FUZZ_CHECK(rpc_fuzz_rc_ok(rc));
		if (rc == 0) {
			fuzz_accepted += i == 0;
			FUZZ_CHECK(res != NULL);
			(void)strlen(res);
		} else {
			FUZZ_CHECK(res == NULL);
			(void)strlen(ocd_rpc_last_error(r));
		}
		free(res);
		res = NULL;
	}
	rc = ocd_rpc_wait_event(r, "halted", 0);
	FUZZ_CHECK(rpc_fuzz_rc_ok(rc));
	(void)ocd_rpc_event_count(r, "reset-end");

	/* reset the connection (no TIME_WAIT), then free the client */
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(sfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(sfd);
	ocd_rpc_close(r);
	return 0;
}
