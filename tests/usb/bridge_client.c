/* bridge_client: what the runner does around the jump, in small: start the
 * USB watcher (libusb, under the harness's umockdev bridge), then make the
 * simulated chip jump (here: "power-cycle" on the control socket, which
 * tests/usb/ctlpeer plays as app detach -> DFU attach), wait for the DFU
 * device and print the watch as JSON (schema h7jumpdiag/1).
 *
 *   bridge_client [HOST:PORT]     (default $H7SIM_CTL, set by the harness)
 * Exit 0 found and described, 1 not found, 2 error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "h7jumpdiag/error.h"
#include "usb.h"
#include "usb_simctl.h"

int main(int argc, char **argv)
{
	const char *ctl = argc > 1 ? argv[1] : getenv("H7SIM_CTL");
	struct usbw_options opt;
	struct usbw_result *res = calloc(1, sizeof *res);
	struct simctl_line *l = calloc(1, sizeof *l);
	struct simctl *c = NULL;
	struct usbw *w = NULL;
	cJSON *root;
	char *s;
	int rc;

	if (!ctl || !res || !l)
		return 2;
	memset(&opt, 0, sizeof opt);
	opt.backend = USBW_BACKEND_HOTPLUG;
	opt.app_vid = 0x0483;
	opt.app_pid = 0x5740;
	if (usbw_open(&opt, &w) || simctl_connect(ctl, 2000, &c) || simctl_command(c, "power-cycle", l, 2000) ||
	    l->kind != SIMCTL_OK) {
		fprintf(stderr, "bridge_client: setup failed\n");
		usbw_close(w);
		simctl_close(c);
		return 2;
	}
	usbw_mark(w);
	rc = usbw_wait(w, 10000, res);
	usbw_close(w);
	simctl_close(c);
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "schema", "h7jumpdiag/1");
	cJSON_AddItemToObject(root, "usb", usbw_watch_json(res));
	s = cJSON_Print(root);
	printf("%s\n", s);
	cJSON_free(s);
	cJSON_Delete(root);
	rc = rc ? 1 : res->described ? 0 : 1;
	free(res);
	free(l);
	return rc;
}
