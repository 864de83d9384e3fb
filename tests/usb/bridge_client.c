/* bridge_client: what the runner does around the jump, in small: start the
 * USB watcher (libusb, under the harness's umockdev bridge), make the
 * simulated chip jump, wait for the DFU device and print the watch as JSON
 * (schema h7jumpdiag/1).
 *
 *   bridge_client
 *       the jump is "power-cycle" on the control socket ($H7SIM_CTL), which
 *       tests/usb/ctlpeer plays as app detach -> DFU attach
 *   bridge_client --testfw BIN
 *       the real thing: OpenOCD (started like `--board sim` does, on
 *       $H7SIM_RBB) loads h7sim's test firmware into AXI SRAM, runs its
 *       application CDC routine until the host has the app device, then ST's
 *       recommended jump to the ROM at 0x1FF09800 (tests/sim/fw/testfw.h)
 *
 * Exit 0 found and described, 1 not found, 2 setup error, 3 not built with
 * the test firmware's header. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "board.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_proc.h"
#include "ocd_rpc.h"
#include "usb.h"
#include "usb_simctl.h"

#if defined(__has_include)
#if __has_include("../sim/fw/testfw.h")
#include "../sim/fw/testfw.h"
#define HAVE_TESTFW 1
#endif
#endif

#define SCB_VTOR 0xE000ED08u /* PM0253 SCB */

#ifdef HAVE_TESTFW
/* Reset-halt, load the test firmware, start routine `entry` (as tests/sim does). */
static int run_entry(struct ocd_rpc *rpc, const char *qbin, unsigned entry)
{
	char *res = NULL;
	unsigned long pc;
	int rc;

	if ((rc = ocd_rpc_cmd(rpc, "reset halt", NULL)) ||
	    (rc = ocd_rpc_cmdf(rpc, NULL, "load_image %s 0x%08x bin", qbin, TESTFW_BASE)) ||
	    (rc = ocd_rpc_cmdf(rpc, &res, "lindex [read_memory 0x%08x 32 1] 0", TESTFW_ENTRIES + 4 * entry)))
		return rc;
	pc = strtoul(res, NULL, 0) & ~1ul;
	free(res);
	if ((rc = ocd_rpc_cmdf(rpc, NULL, "mww 0x%08x 0x%08x", SCB_VTOR, TESTFW_BASE)) ||
	    (rc = ocd_rpc_cmdf(rpc, NULL, "reg pc 0x%08lx", pc)) ||
	    (rc = ocd_rpc_cmdf(rpc, NULL, "reg msp 0x%08x", TESTFW_STACK)) ||
	    (rc = ocd_rpc_cmd(rpc, "reg xPSR 0x01000000", NULL)) || (rc = ocd_rpc_cmd(rpc, "reg primask 0", NULL)) ||
	    (rc = ocd_rpc_cmd(rpc, "reg faultmask 0", NULL)) || (rc = ocd_rpc_cmd(rpc, "reg basepri 0", NULL)) ||
	    (rc = ocd_rpc_cmd(rpc, "resume", NULL)))
		return rc;
	return 0;
}

/* Wait (bounded) for "event usb attach dev=WHAT" on a subscribed connection. */
static int wait_attach(struct simctl *c, const char *what, int timeout_ms)
{
	struct simctl_line *ev = malloc(sizeof *ev);
	double until = usbw_now_ms() + timeout_ms;
	int rc = H7_ERROR_TIMEOUT;

	while (ev && usbw_now_ms() < until) {
		int r = simctl_next_event(c, ev, 100);
		const char *dev;
		if (r == H7_ERROR_TIMEOUT)
			continue;
		if (r) {
			rc = r;
			break;
		}
		if (ev->n_words == 2 && !strcmp(ev->word[1], "attach") && (dev = simctl_get(ev, "dev")) &&
		    !strcmp(dev, what)) {
			rc = 0;
			break;
		}
	}
	free(ev);
	return rc;
}

/* The jump on the real h7sim; the watcher w is open. */
static int real_jump(struct usbw *w, struct simctl *c, const char *bin)
{
	const char *rbb_env = getenv("H7SIM_RBB"), *colon;
	const char *argv[BOARD_MAX_ARGS + 1];
	char store[2048], *qbin;
	struct ocd_proc_opts po = { 0 };
	struct ocd_proc *ocd = NULL;
	struct ocd_rpc *rpc = NULL;
	struct simctl_line l;
	int rc;

	if (!rbb_env || !(colon = strrchr(rbb_env, ':')))
		return H7_ERROR_INVALID_PARAM;
	if (simctl_command(c, "subscribe usb", &l, 5000) || l.kind != SIMCTL_OK)
		return H7_ERROR_CONNECT;
	rc = board_openocd_argv(board_sim_inline_args, (uint16_t)atoi(colon + 1), NULL, argv, BOARD_MAX_ARGS + 1,
				store, sizeof store);
	if (rc)
		return rc;
	po.args = argv;
	if ((rc = ocd_proc_start(&po, &ocd, &rpc)))
		return rc;
	qbin = ocd_rpc_quote(bin, strlen(bin));
	rc = qbin ? 0 : H7_ERROR_NO_MEM;
	/* the application's CDC device first: the host must see it leave */
	if (!rc)
		rc = run_entry(rpc, qbin, TF_APP_CDC);
	if (!rc)
		rc = wait_attach(c, "app", 10000);
	if (!rc) {
		usbw_mark(w); /* (close enough: the runner marks the branch itself) */
		rc = run_entry(rpc, qbin, TF_JUMP_ROM);
	}
	free(qbin);
	ocd_proc_stop(ocd, rpc);
	return rc;
}
#endif

int main(int argc, char **argv)
{
	const char *ctl = getenv("H7SIM_CTL"), *testfw = NULL;
	struct usbw_options opt;
	struct usbw_result *res = calloc(1, sizeof *res);
	struct simctl_line *l = calloc(1, sizeof *l);
	struct simctl *c = NULL;
	struct usbw *w = NULL;
	cJSON *root;
	char *s;
	int rc;

	if (argc == 3 && strcmp(argv[1], "--testfw") == 0)
		testfw = argv[2];
#ifndef HAVE_TESTFW
	if (testfw) {
		fprintf(stderr, "bridge_client: built without tests/sim/fw/testfw.h (h7sim not in the tree)\n");
		return 3;
	}
#endif
	if (!ctl || !res || !l)
		return 2;
	memset(&opt, 0, sizeof opt);
	opt.backend = USBW_BACKEND_HOTPLUG;
	opt.app_vid = 0x0483;
	opt.app_pid = 0x5740;
	opt.new_only = 1;
	if (usbw_open(&opt, &w) || simctl_connect(ctl, 2000, &c)) {
		fprintf(stderr, "bridge_client: setup failed\n");
		rc = 2;
		goto out;
	}
	if (testfw) {
#ifdef HAVE_TESTFW
		rc = real_jump(w, c, testfw);
#else
		rc = H7_ERROR_NOT_SUPPORTED;
#endif
	} else {
		rc = simctl_command(c, "power-cycle", l, 2000) || l->kind != SIMCTL_OK ? H7_ERROR_CONNECT : 0;
		usbw_mark(w);
	}
	if (rc) {
		fprintf(stderr, "bridge_client: the jump failed: %s\n", h7_strerror(rc));
		rc = 2;
		goto out;
	}
	rc = usbw_wait(w, 10000, res);
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "schema", "h7jumpdiag/1");
	cJSON_AddStringToObject(root, "report", "usb-watch"); /* the same report as `h7jumpdiag usb watch` */
	{
		cJSON *tool = cJSON_AddObjectToObject(root, "tool");
		cJSON_AddStringToObject(tool, "name", "h7jumpdiag");
		cJSON_AddStringToObject(tool, "version", "bridge_client");
	}
	cJSON_AddItemToObject(root, "usb", usbw_watch_json(res));
	s = cJSON_Print(root);
	printf("%s\n", s);
	cJSON_free(s);
	cJSON_Delete(root);
	rc = rc ? 1 : res->described ? 0 : 1;
out:
	usbw_close(w);
	simctl_close(c);
	free(res);
	free(l);
	return rc;
}
