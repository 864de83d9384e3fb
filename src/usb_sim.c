/* USB watcher backend on h7sim's simulated bus: follow the control socket's
 * "event usb ..." lines (protocol 1, usb_simctl.h). h7sim reports only the
 * cable: pull-up, attach and detach with the device's identity and the
 * enumeration outcome; descriptors, alt settings and DFU status reach a host
 * only through libusb (the umockdev bridge in tests/usb), so a result from
 * this backend is marked simulated and not "described". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h7jumpdiag/error.h"
#include "log.h"
#include "usb_internal.h"
#include "usb_simctl.h"

#define SIM_CONNECT_MS 2000
#define SIM_REPLY_MS 10000 /* h7sim answered its first command only after 5 s at times */
#define SIM_SLICE_MS 100

struct sim_state {
	struct simctl *c;
	char serial[DFUSE_STR_MAX]; /* of the selected device */
};

static uint16_t hex16(const char *s)
{
	uint16_t vid = 0, pid = 0;
	char tmp[16];

	/* reuse the VID:PID parser on "s:0" */
	if (!s || strlen(s) > 4)
		return 0;
	snprintf(tmp, sizeof tmp, "%s:0", s);
	if (usbw_parse_vidpid(tmp, &vid, &pid))
		return 0;
	return vid;
}

/* Identity from an attach event or a "usb" reply. */
static void sim_identity(const struct simctl_line *l, struct usbw_device *id, char *serial, size_t serialsz)
{
	const char *port = simctl_get(l, "port"), *sn = simctl_get(l, "serial");

	memset(id, 0, sizeof *id);
	id->vid = hex16(simctl_get(l, "vid"));
	id->pid = hex16(simctl_get(l, "pid"));
	id->bcd = hex16(simctl_get(l, "bcd"));
	snprintf(id->path, sizeof id->path, "%s", port ? port : "");
	id->bus = (uint8_t)atoi(id->path);
	snprintf(serial, serialsz, "%s", sn ? sn : "");
}

static double event_time(const struct simctl_line *l)
{
	double t;

	return simctl_get_ms(l, "mono_ms", &t) == 0 ? t : usbw_now_ms();
}

/* sim_ns as ms of simulated time, -1 when absent or malformed */
static double event_sim_ms(const struct simctl_line *l)
{
	const char *v = simctl_get(l, "sim_ns");
	double ns = 0;

	if (!v || !*v)
		return -1;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		ns = ns * 10 + (*p - '0');
	}
	return ns / 1e6;
}

static void sim_consider_dfu(struct usbw *w, struct sim_state *s, const struct usbw_device *id, const char *serial,
			     double t, double sim_ms, int at_start)
{
	if (w->sel || !usbw_is_dfu_candidate(w, id->vid, id->pid, id->path))
		return;
	if (at_start && w->opt.new_only)
		return;
	if (w->opt.serial && strcmp(serial, w->opt.serial) != 0)
		return;
	usbw_lock(w);
	w->sel = 1;
	w->sel_t = t;
	w->sel_sim_ms = sim_ms;
	w->sel_at_start = at_start;
	w->sel_dev = *id;
	usbw_unlock(w);
	snprintf(s->serial, sizeof s->serial, "%s", serial);
}

/* Connect, check the protocol, optionally subscribe, then read "usb". */
static int sim_connect(struct usbw *w, struct sim_state *s, int subscribe, struct simctl_line *usb)
{
	struct simctl_line *l = usb;
	const char *proto;
	int rc = simctl_connect(w->opt.sim_ctl, SIM_CONNECT_MS, &s->c);

	if (rc)
		return rc;
	rc = simctl_command(s->c, "hello", l, SIM_REPLY_MS);
	if (rc || l->kind != SIMCTL_OK || !(proto = simctl_get(l, "proto")) || strcmp(proto, "1") != 0) {
		h7_err("%s does not answer like h7sim's control socket, protocol 1 (%s)", w->opt.sim_ctl,
		       rc ? h7_strerror(rc) : l->kind == SIMCTL_ERR ? l->message : "no proto=1");
		return rc ? rc : H7_ERROR_CONNECT;
	}
	if (subscribe) {
		rc = simctl_command(s->c, "subscribe usb", l, SIM_REPLY_MS);
		if (rc || l->kind != SIMCTL_OK) {
			h7_err("h7sim: subscribe usb: %s", rc ? h7_strerror(rc) : l->message);
			return rc ? rc : H7_ERROR_CONNECT;
		}
	}
	/* after subscribing: a change from here on arrives as an event */
	rc = simctl_command(s->c, "usb", l, SIM_REPLY_MS);
	if (rc || l->kind != SIMCTL_OK) {
		h7_err("h7sim: usb: %s", rc ? h7_strerror(rc) : l->message);
		return rc ? rc : H7_ERROR_CONNECT;
	}
	return H7_SUCCESS;
}

static int sim_start(struct usbw *w)
{
	struct sim_state *s = calloc(1, sizeof *s);
	struct simctl_line *l = malloc(sizeof *l);
	const char *att;
	int rc;

	if (!s || !l) {
		free(s);
		free(l);
		return H7_ERROR_NO_MEM;
	}
	w->be = s;
	rc = sim_connect(w, s, 1, l);
	if (rc == 0 && (att = simctl_get(l, "attached")) && strcmp(att, "none") != 0) {
		struct usbw_device id;
		char serial[DFUSE_STR_MAX];
		double t = usbw_now_ms();

		sim_identity(l, &id, serial, sizeof serial);
		if (strcmp(att, "app") == 0)
			usbw_record(w, USBW_EV_APP_PRESENT, t, id.vid, id.pid, id.path, NULL);
		else if (strcmp(att, "dfu") == 0) {
			usbw_record(w, USBW_EV_DFU_PRESENT, t, id.vid, id.pid, id.path, NULL);
			sim_consider_dfu(w, s, &id, serial, t, -1, 1);
		}
	}
	free(l);
	return rc;
}

static void sim_event(struct usbw *w, struct sim_state *s, const struct simctl_line *ev)
{
	const char *what = ev->n_words >= 2 ? ev->word[1] : "";
	const char *dev = simctl_get(ev, "dev");
	int app = dev && strcmp(dev, "app") == 0, dfu = dev && strcmp(dev, "dfu") == 0;
	struct usbw_device id;
	char serial[DFUSE_STR_MAX];
	double t = event_time(ev), sim = event_sim_ms(ev);

	if (ev->n_words < 1 || strcmp(ev->word[0], "usb") != 0)
		return; /* other subsystems' events: not ours */
	sim_identity(ev, &id, serial, sizeof serial);
	if (strcmp(what, "pullup") == 0) {
		const char *st = simctl_get(ev, "state");
		if (st)
			usbw_record_sim(w, strcmp(st, "on") == 0 ? USBW_EV_PULLUP_ON : USBW_EV_PULLUP_OFF, t, sim, 0,
					0, NULL, NULL);
	} else if (strcmp(what, "attach") == 0) {
		if (app)
			usbw_record_sim(w, USBW_EV_APP_ARRIVED, t, sim, id.vid, id.pid, id.path, NULL);
		if (dfu) {
			usbw_record_sim(w, USBW_EV_DFU_ARRIVED, t, sim, id.vid, id.pid, id.path, NULL);
			sim_consider_dfu(w, s, &id, serial, t, sim, 0);
		}
	} else if (strcmp(what, "detach") == 0) {
		if (app)
			usbw_record_sim(w, USBW_EV_APP_LEFT, t, sim, id.vid, id.pid, id.path, NULL);
		if (dfu)
			usbw_record_sim(w, USBW_EV_DFU_LEFT, t, sim, id.vid, id.pid, id.path, NULL);
	} else if (strcmp(what, "enum-failed") == 0) {
		const char *reason = simctl_get(ev, "reason");
		char detail[48];
		snprintf(detail, sizeof detail, "%s %s", dev ? dev : "?", reason ? reason : "?");
		usbw_record_sim(w, USBW_EV_ENUM_FAILED, t, sim, 0, 0, NULL, detail);
	}
}

static int sim_pump(struct usbw *w, double deadline)
{
	struct sim_state *s = w->be;
	struct simctl_line *ev = malloc(sizeof *ev);
	int rc = H7_SUCCESS;

	if (!ev)
		return H7_ERROR_NO_MEM;
	while (!w->sel || w->settling) {
		double left = deadline - usbw_now_ms();

		if (usbw_cancelled(w)) {
			rc = H7_ERROR_INTERRUPTED;
			break;
		}
		if (left <= 0) {
			rc = H7_ERROR_TIMEOUT;
			break;
		}
		rc = simctl_next_event(s->c, ev, left < SIM_SLICE_MS ? (int)left + 1 : SIM_SLICE_MS);
		if (rc == H7_ERROR_TIMEOUT) {
			rc = H7_SUCCESS;
			continue;
		}
		if (rc) {
			h7_err("h7sim's control socket: %s", rc == H7_ERROR_IO ? "closed by the simulator"
									  : h7_strerror(rc));
			break;
		}
		sim_event(w, s, ev);
	}
	free(ev);
	return rc;
}

static int sim_describe(struct usbw *w, struct usbw_result *res)
{
	struct sim_state *s = w->be;

	res->dev = w->sel_dev;
	res->info.dev.idVendor = w->sel_dev.vid;
	res->info.dev.idProduct = w->sel_dev.pid;
	res->info.dev.bcdDevice = w->sel_dev.bcd;
	snprintf(res->info.serial, sizeof res->info.serial, "%s", s->serial);
	return H7_SUCCESS;
}

static int sim_list(struct usbw *w, struct usbw_result *res, int max, int *n)
{
	struct sim_state *s = calloc(1, sizeof *s);
	struct simctl_line *l = malloc(sizeof *l);
	const char *att;
	int rc;

	if (!s || !l) {
		free(s);
		free(l);
		return H7_ERROR_NO_MEM;
	}
	w->be = s;
	rc = sim_connect(w, s, 0, l);
	if (rc == 0 && max > 0 && (att = simctl_get(l, "attached")) && strcmp(att, "dfu") == 0) {
		struct usbw_device id;
		char serial[DFUSE_STR_MAX];

		sim_identity(l, &id, serial, sizeof serial);
		sim_consider_dfu(w, s, &id, serial, usbw_now_ms(), -1, 1);
		if (w->sel) {
			memset(&res[0], 0, sizeof res[0]);
			sim_describe(w, &res[0]);
			*n = 1;
		}
	}
	free(l);
	return rc;
}

static void sim_stop(struct usbw *w)
{
	struct sim_state *s = w->be;

	if (!s)
		return;
	if (s->c) {
		struct simctl_line l;
		/* polite; h7sim also copes with a client that just closes */
		(void)simctl_command(s->c, "unsubscribe usb", &l, 200);
		simctl_close(s->c);
	}
	free(s);
	w->be = NULL;
}

const struct usbw_backend_ops usbw_sim_ops = {
	"simulated bus", sim_start, sim_pump, sim_describe, sim_list, sim_stop,
};
