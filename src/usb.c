/* The USB watcher: backend choice, selection, the timeline (see usb.h). */
#include "usb.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "h7jumpdiag/error.h"
#include "log.h"
#include "usb_internal.h"

double usbw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int parse_small(const char **p, unsigned max, unsigned *out)
{
	unsigned v = 0;
	int digits = 0;

	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (unsigned)(**p - '0');
		if (++digits > 3 || v > max)
			return -1;
		(*p)++;
	}
	if (!digits || v == 0)
		return -1;
	*out = v;
	return 0;
}

int usbw_check_path(const char *path)
{
	const char *p = path;
	unsigned v;
	int ports = 0;

	if (!p || parse_small(&p, 255, &v) || *p++ != '-')
		return H7_ERROR_INVALID_PARAM;
	for (;;) {
		if (parse_small(&p, 255, &v) || ++ports > 7)
			return H7_ERROR_INVALID_PARAM;
		if (*p == '\0')
			return H7_SUCCESS;
		if (*p++ != '.')
			return H7_ERROR_INVALID_PARAM;
	}
}

int usbw_parse_vidpid(const char *s, uint16_t *vid, uint16_t *pid)
{
	unsigned v[2] = { 0, 0 };
	int k = 0, digits = 0;

	if (!s)
		return H7_ERROR_INVALID_PARAM;
	for (; *s; s++) {
		int h;
		if (*s == ':' && k == 0 && digits) {
			k = 1;
			digits = 0;
			continue;
		}
		if (*s >= '0' && *s <= '9')
			h = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			h = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			h = *s - 'A' + 10;
		else
			return H7_ERROR_INVALID_PARAM;
		if (++digits > 4)
			return H7_ERROR_INVALID_PARAM;
		v[k] = v[k] << 4 | (unsigned)h;
	}
	if (k != 1 || !digits)
		return H7_ERROR_INVALID_PARAM;
	*vid = (uint16_t)v[0];
	*pid = (uint16_t)v[1];
	return H7_SUCCESS;
}

void usbw_format_path(char *out, size_t outsz, unsigned bus, const uint8_t *ports, int n_ports)
{
	size_t o;

	if (!outsz)
		return;
	o = (size_t)snprintf(out, outsz, "%u", bus);
	for (int i = 0; i < n_ports && o < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "%c%u", i ? '.' : '-', ports[i]);
}

const char *usbw_event_name(int kind)
{
	static const char *const names[] = {
		[USBW_EV_APP_PRESENT] = "app-present",   [USBW_EV_APP_ARRIVED] = "app-arrived",
		[USBW_EV_APP_LEFT] = "app-left",         [USBW_EV_DFU_PRESENT] = "dfu-present",
		[USBW_EV_DFU_ARRIVED] = "dfu-arrived",   [USBW_EV_DFU_LEFT] = "dfu-left",
		[USBW_EV_PULLUP_ON] = "pullup-on",       [USBW_EV_PULLUP_OFF] = "pullup-off",
		[USBW_EV_ENUM_FAILED] = "enum-failed",
	};
	if (kind <= 0 || kind >= (int)(sizeof names / sizeof names[0]) || !names[kind])
		return "unknown";
	return names[kind];
}

void usbw_record(struct usbw *w, int kind, double t_ms, uint16_t vid, uint16_t pid, const char *path,
		 const char *detail)
{
	usbw_record_sim(w, kind, t_ms, -1, vid, pid, path, detail);
}

void usbw_record_sim(struct usbw *w, int kind, double t_ms, double sim_ms, uint16_t vid, uint16_t pid,
		     const char *path, const char *detail)
{
	struct usbw_event *e;

	usbw_lock(w);
	h7_dbg("usb: %.3f %s %04x:%04x %s %s", t_ms - w->t_open, usbw_event_name(kind), vid, pid,
	       path ? path : "", detail ? detail : "");
	if ((kind == USBW_EV_APP_PRESENT || kind == USBW_EV_APP_ARRIVED) && path)
		snprintf(w->app_path, sizeof w->app_path, "%s", path);
	if (w->n_events >= USBW_MAX_EVENTS) {
		w->events_dropped++;
		usbw_unlock(w);
		return;
	}
	e = &w->events[w->n_events++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->t_ms = t_ms;
	e->sim_ms = sim_ms;
	e->vid = vid;
	e->pid = pid;
	snprintf(e->path, sizeof e->path, "%s", path ? path : "");
	snprintf(e->detail, sizeof e->detail, "%s", detail ? detail : "");
	usbw_unlock(w);
	usbw_signal(w);
}

void usbw_lock(struct usbw *w)
{
	pthread_mutex_lock(&w->lock);
}

void usbw_unlock(struct usbw *w)
{
	pthread_mutex_unlock(&w->lock);
}

void usbw_signal(struct usbw *w)
{
	pthread_cond_broadcast(&w->cond);
}

void usbw_cond_wait_until(struct usbw *w, double until_ms)
{
	struct timespec ts;

	if (until_ms <= usbw_now_ms())
		return;
	ts.tv_sec = (time_t)(until_ms / 1000.0);
	ts.tv_nsec = (long)((until_ms - (double)ts.tv_sec * 1000.0) * 1e6);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&w->cond, &w->lock, &ts);
}

int usbw_is_app(const struct usbw *w, uint16_t vid, uint16_t pid)
{
	return (w->opt.app_vid || w->opt.app_pid) && vid == w->opt.app_vid && pid == w->opt.app_pid;
}

int usbw_is_dfu_candidate(const struct usbw *w, uint16_t vid, uint16_t pid, const char *path)
{
	if (vid != USBW_ROM_VID || pid != USBW_ROM_PID)
		return 0;
	if (w->opt.path && (!path || strcmp(path, w->opt.path) != 0))
		return 0;
	return 1;
}

int usbw_cancelled(const struct usbw *w)
{
	return w->opt.cancel && *w->opt.cancel;
}

void usbw_set_error(struct usbw_result *res, int rc, const char *fmt, ...)
{
	va_list ap;

	res->describe_rc = rc;
	va_start(ap, fmt);
	vsnprintf(res->error, sizeof res->error, fmt, ap);
	va_end(ap);
}

void usbw_access_hint(const char *node, const char *path, char *out, size_t outsz)
{
	snprintf(out, outsz,
		 "cannot open the DFU device %s (port %s): permission denied. A udev rule is needed to give "
		 "your user access to 0483:df11: copy 50-stm32-dfu.rules (" H7_DATADIR "/50-stm32-dfu.rules, or "
		 "examples/ in the sources) to /etc/udev/rules.d/, run 'udevadm control --reload-rules', then "
		 "replug the board",
		 node && *node ? node : "(unknown node)", path && *path ? path : "?");
}

#define USBW_UDEVD_SOCKET "/run/udev/control" /* systemd-udevd's control socket */

static const struct usbw_backend_ops *pick_backend(const struct usbw_options *opt)
{
	switch (opt->backend) {
	case USBW_BACKEND_HOTPLUG:
		return &usbw_libusb_hotplug_ops;
	case USBW_BACKEND_POLL:
		return &usbw_libusb_poll_ops;
	case USBW_BACKEND_SIM:
		return &usbw_sim_ops;
	case USBW_BACKEND_AUTO:
	default:
		break;
	}
	/* the harness bridges h7sim's bus into umockdev: then libusb sees it */
	if (opt->board_sim && !getenv("UMOCKDEV_DIR"))
		return &usbw_sim_ops;
	/* libusb's hotplug events on Linux are the ones udevd rebroadcasts after
	 * running its rules: with no udevd (its control socket absent, as in most
	 * containers) none arrive, so scan instead. umockdev's preload delivers
	 * uevents itself. The hotplug backend also falls back to polling when
	 * libusb lacks LIBUSB_CAP_HAS_HOTPLUG or registration fails. */
	if (!getenv("UMOCKDEV_DIR") && access(USBW_UDEVD_SOCKET, F_OK) != 0)
		return &usbw_libusb_poll_ops;
	return &usbw_libusb_hotplug_ops;
}

static int check_options(const struct usbw_options *opt, const struct usbw_backend_ops *ops)
{
	if (opt->path && usbw_check_path(opt->path)) {
		h7_err("--usb-path '%s': expected BUS-PORT[.PORT...], e.g. 1-1 or 3-2.4", opt->path);
		return H7_ERROR_INVALID_PARAM;
	}
	if (ops == &usbw_sim_ops && (!opt->sim_ctl || !*opt->sim_ctl)) {
		h7_err("the simulated USB bus needs h7sim's control socket: pass --h7sim-ctl HOST:PORT (or set "
		       "H7SIM_CTL)");
		return H7_ERROR_INVALID_PARAM;
	}
	return H7_SUCCESS;
}

static int watcher_new(const struct usbw_options *opt, struct usbw **out)
{
	struct usbw *w;
	const struct usbw_backend_ops *ops = pick_backend(opt);
	int rc = check_options(opt, ops);

	*out = NULL;
	if (rc)
		return rc;
	w = calloc(1, sizeof *w);
	if (!w)
		return H7_ERROR_NO_MEM;
	{
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&w->cond, &ca);
		pthread_condattr_destroy(&ca);
		pthread_mutex_init(&w->lock, NULL);
	}
	w->opt = *opt;
	w->ops = ops;
	w->t_open = usbw_now_ms();
	w->t_mark = w->t_open;
	w->sel_sim_ms = -1;
	*out = w;
	return H7_SUCCESS;
}

int usbw_open(const struct usbw_options *opt, struct usbw **out)
{
	struct usbw *w;
	int rc = watcher_new(opt, &w);

	*out = NULL;
	if (rc)
		return rc;
	rc = w->ops->start(w);
	if (rc) {
		usbw_close(w);
		return rc;
	}
	h7_dbg("usb: watching with the %s backend", w->ops->name);
	*out = w;
	return H7_SUCCESS;
}

const char *usbw_backend_name(const struct usbw *w)
{
	return w->ops->name;
}

void usbw_mark(struct usbw *w)
{
	w->t_mark = usbw_now_ms();
}

void usbw_mark_at(struct usbw *w, double mono_ms)
{
	w->t_mark = mono_ms;
}

void usbw_close(struct usbw *w)
{
	if (!w)
		return;
	if (w->ops && w->ops->stop)
		w->ops->stop(w);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/* The timeline: t1 = the last departure of the app device, t2 = the DFU
 * arrival, enumeration from the pull-up (sim), the departure or the mark. */
static void fill_timeline(const struct usbw *w, struct usbw_result *res) /* lock held */
{
	double pullup = -1, pullup_sim = -1, app_left = -1;

	res->mark_abs = w->t_mark;
	res->t_open = w->t_open - w->t_mark;
	res->n_events = w->n_events;
	res->events_dropped = w->events_dropped;
	memcpy(res->events, w->events, sizeof res->events);
	for (int i = 0; i < w->n_events; i++) {
		const struct usbw_event *e = &w->events[i];
		if (e->kind == USBW_EV_APP_LEFT && (!w->sel || e->t_ms <= w->sel_t))
			app_left = e->t_ms;
		if (e->kind == USBW_EV_PULLUP_ON && (!w->sel || e->t_ms <= w->sel_t)) {
			pullup = e->t_ms;
			pullup_sim = e->sim_ms;
		}
	}
	if (app_left >= 0) {
		res->has_app_left = 1;
		res->t_app_left = app_left - w->t_mark;
	}
	if (!w->sel)
		return;
	res->found = 1;
	res->present_at_start = w->sel_at_start;
	res->has_dfu = 1;
	res->t_dfu = w->sel_t - w->t_mark;
	if (w->sel_at_start)
		return;
	res->has_enum = 1;
	if (pullup >= 0 && pullup_sim >= 0 && w->sel_sim_ms >= pullup_sim) {
		res->enum_ms = w->sel_sim_ms - pullup_sim;
		res->enum_basis = "pullup-sim";
	} else if (app_left >= 0 && app_left > w->t_mark) {
		res->enum_ms = w->sel_t - app_left;
		res->enum_basis = "app-left";
	} else {
		res->enum_ms = w->sel_t - w->t_mark;
		res->enum_basis = "mark";
	}
}

static void post_describe(struct usbw *w, struct usbw_result *res)
{
	char app_path[USBW_PATH_MAX];

	usbw_lock(w);
	memcpy(app_path, w->app_path, sizeof app_path);
	usbw_unlock(w);
	dfuse_parse_alt_layouts(&res->info, &res->warnings);
	if (res->described || res->simulated)
		dfuse_check(&res->info, &w->opt.part, &res->warnings);
	if (!w->opt.path && app_path[0] && res->dev.path[0] && strcmp(app_path, res->dev.path) != 0)
		dfuse_warn(&res->warnings, DFUSE_W_AMBIGUOUS,
			   "the DFU device enumerated on port %s but the application's device was on %s: with "
			   "several boards connected, select the board with --usb-path %s", res->dev.path,
			   app_path, app_path);
}

int usbw_wait(struct usbw *w, int timeout_ms, struct usbw_result *res)
{
	double deadline = usbw_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int rc = H7_SUCCESS;

	int sel;

	memset(res, 0, sizeof *res);
	res->backend = w->ops->name;
	res->simulated = w->ops == &usbw_sim_ops;
	usbw_lock(w);
	sel = w->sel;
	usbw_unlock(w);
	if (!sel)
		rc = w->ops->pump(w, deadline);
	usbw_lock(w);
	sel = w->sel;
	res->dev = w->sel_dev;
	usbw_unlock(w);
	if (rc == H7_SUCCESS && sel) {
		w->ops->describe(w, res);
		post_describe(w, res);
	} else if (rc == H7_SUCCESS) {
		rc = H7_ERROR_INTERNAL;
	}
	usbw_lock(w);
	fill_timeline(w, res);
	usbw_unlock(w);
	return rc;
}

static void mark_ambiguous(struct usbw_result *res, int n)
{
	for (int i = 0; i < n; i++) {
		int twins = 0;
		if (!res[i].info.serial[0])
			continue;
		for (int j = 0; j < n; j++)
			if (j != i && strcmp(res[i].info.serial, res[j].info.serial) == 0)
				twins++;
		if (twins)
			dfuse_warn(&res[i].warnings, DFUSE_W_AMBIGUOUS,
				   "%d other DFU device(s) share serial '%.40s' (the ROM derives it from the IDCODE, "
				   "so boards of one revision look alike): select by --usb-path %s", twins,
				   res[i].info.serial, res[i].dev.path);
	}
}

int usbw_list(const struct usbw_options *opt, struct usbw_result *res, int max, int *n)
{
	struct usbw *w;
	int rc;

	*n = 0;
	rc = watcher_new(opt, &w);
	if (rc)
		return rc;
	if (max > USBW_MAX_LIST)
		max = USBW_MAX_LIST;
	rc = w->ops->list(w, res, max, n);
	for (int i = 0; i < *n; i++) {
		res[i].backend = w->ops->name;
		res[i].simulated = w->ops == &usbw_sim_ops;
		res[i].found = 1;
		res[i].present_at_start = 1;
		post_describe(w, &res[i]);
	}
	mark_ambiguous(res, *n);
	usbw_close(w);
	return rc;
}
