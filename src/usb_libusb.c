/* USB watcher backends on libusb-1.0: hotplug callbacks, and polling with a
 * fresh context per scan; reading a DFU device (descriptors, strings, status).
 *
 * libusb notes that shape this file:
 * - a hotplug callback must not do I/O on the device (libusb API docs,
 *   "Device hotplug event notification"): it only records the event and keeps
 *   a reference; the device is opened after libusb_handle_events returns.
 * - one context only learns about new devices through hotplug events; where
 *   there are none (no udevd in a container, libusb built without hotplug), a
 *   fresh libusb_init() rescans sysfs: that is the poll backend.
 * - both backends watch the bus in a thread of their own (libusb API docs,
 *   "Multi-threaded applications and asynchronous I/O": one thread handling
 *   events while others do synchronous I/O is supported), so an event is
 *   stamped when it happens even while the caller is busy with the target;
 *   the caller's thread opens and reads devices.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libusb.h>

#include "h7jumpdiag/error.h"
#include "log.h"
#include "usb_internal.h"

#define LU_CTRL_TIMEOUT_MS 1000 /* one control transfer */
#define LU_MAX_PENDING 8
#define LU_MAX_SEEN 128          /* devices one scan remembers */
#define LU_PUMP_SLICE_MS 50      /* longest single libusb_handle_events wait */
#define LU_DEFAULT_POLL_MS 20
#define LU_LEFT_GRACE_MS 500     /* after a surprise removal: wait this long at most for its LEFT event */

#define USB_REQ_GET_DESCRIPTOR 0x06 /* USB 2.0 9.4.3 */
#define USB_DT_CONFIG 0x02
#define DFU_GETSTATUS 0x03          /* DFU 1.1 6.1.2 */

struct lu_seen {
	uint16_t vid, pid;
	uint8_t bus, addr;
	char path[USBW_PATH_MAX];
};

struct lu_state {
	libusb_context *ctx;     /* hotplug: the watching context; poll: the one holding sel */
	libusb_hotplug_callback_handle cb;
	int have_cb;
	pthread_t thread;        /* the bus-watching thread */
	int have_thread;
	atomic_int stop;
	int polling;             /* poll backend: scans and the caller's I/O take io_lock */
	libusb_context *keeper;  /* poll: a context alive for the whole watch, so libusb's
				    (global) udev monitor is not started and stopped at
				    every scan's libusb_init/libusb_exit */
	pthread_mutex_t io_lock; /* (fresh contexts created and torn down while another
				    context does I/O leaked a libusb_device now and then) */
	/* ---- under w->lock (the thread and the caller share them) ---- */
	int enumerating;         /* inside libusb_hotplug_register_callback (ENUMERATE) */
	int n_pending;           /* DFU arrivals the caller has not examined yet */
	libusb_device *pending[LU_MAX_PENDING];
	double pending_t[LU_MAX_PENDING];
	int pending_at_start[LU_MAX_PENDING];
	libusb_device *sel;      /* the selected DFU device (a reference) */
	/* ---- the watching thread's own (the caller's before it starts) ---- */
	int n_seen;              /* poll: the previous scan; hotplug: app/DFU devices present */
	struct lu_seen seen[LU_MAX_SEEN];
};

static int lu_error(int r)
{
	switch (r) {
	case LIBUSB_ERROR_ACCESS:
		return H7_ERROR_ACCESS;
	case LIBUSB_ERROR_NO_DEVICE:
		return H7_ERROR_NO_DEVICE;
	case LIBUSB_ERROR_BUSY:
		return H7_ERROR_BUSY;
	case LIBUSB_ERROR_TIMEOUT:
		return H7_ERROR_TIMEOUT;
	case LIBUSB_ERROR_NO_MEM:
		return H7_ERROR_NO_MEM;
	case LIBUSB_ERROR_INTERRUPTED:
		return H7_ERROR_INTERRUPTED;
	case LIBUSB_ERROR_NOT_SUPPORTED:
		return H7_ERROR_NOT_SUPPORTED;
	default:
		return H7_ERROR_USB;
	}
}

static void lu_identify(libusb_device *dev, struct usbw_device *id)
{
	struct libusb_device_descriptor dd;
	uint8_t ports[7];
	int n;

	memset(id, 0, sizeof *id);
	if (libusb_get_device_descriptor(dev, &dd) == 0) {
		id->vid = dd.idVendor;
		id->pid = dd.idProduct;
		id->bcd = dd.bcdDevice;
	}
	id->bus = libusb_get_bus_number(dev);
	id->address = libusb_get_device_address(dev);
	n = libusb_get_port_numbers(dev, ports, (int)sizeof ports);
	usbw_format_path(id->path, sizeof id->path, id->bus, ports, n > 0 ? n : 0);
	/* the usbfs node libusb opens on Linux */
	snprintf(id->node, sizeof id->node, "/dev/bus/usb/%03u/%03u", id->bus, id->address);
}

/* libusb_exit for a context nobody handles events on: deliver what is
 * pending first. libusb 1.0.26 leaks the libusb_device of a LEFT
 * notification still queued at libusb_exit (seen under LeakSanitizer when a
 * device went away during a poll scan), and handling events drops it. */
static void lu_exit(libusb_context *ctx)
{
	struct timeval zero = { 0, 0 };

	libusb_handle_events_timeout_completed(ctx, &zero, NULL);
	libusb_exit(ctx);
}

static int lu_init(libusb_context **ctx)
{
	int r = libusb_init(ctx);

	if (r) {
		h7_err("libusb_init failed: %s", libusb_error_name(r));
		return H7_ERROR_USB;
	}
	return H7_SUCCESS;
}

/* ------------------------------------------------------ reading a device */

/* A string descriptor through our parser (the ROM's quirks get warnings). */
static int lu_string(libusb_device_handle *h, uint8_t idx, uint16_t lang, char *out, size_t outsz, int *trunc,
		     const char *what, struct dfuse_warnings *w)
{
	uint8_t buf[255];
	int r;

	out[0] = '\0';
	if (trunc)
		*trunc = 0;
	if (!idx)
		return H7_SUCCESS;
	r = libusb_get_string_descriptor(h, idx, lang, buf, sizeof buf);
	if (r == LIBUSB_ERROR_NO_DEVICE)
		return H7_ERROR_NO_DEVICE;
	if (r < 0) {
		dfuse_warn(w, DFUSE_W_NOT_READ, "%s (string %u) could not be read: %s", what, idx,
			   libusb_error_name(r));
		return H7_SUCCESS;
	}
	(void)dfuse_parse_string(buf, (size_t)r, out, outsz, trunc, what, w);
	return H7_SUCCESS;
}

struct lu_strings {
	libusb_device_handle *h;
	uint16_t lang;
};

static int lu_string_reader(void *ctx, uint8_t idx, char *out, size_t outsz, int *trunc, const char *what,
			    struct dfuse_warnings *w)
{
	const struct lu_strings *ls = ctx;
	return lu_string(ls->h, idx, ls->lang, out, outsz, trunc, what, w);
}

static int lu_config(libusb_device_handle *h, struct usbw_result *res)
{
	uint8_t buf[DFUSE_CONFIG_MAX];
	uint16_t want;
	int r;

	r = libusb_control_transfer(h, LIBUSB_ENDPOINT_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_CONFIG << 8, 0, buf, 9,
				    LU_CTRL_TIMEOUT_MS);
	if (r >= 4) {
		want = (uint16_t)(buf[2] | buf[3] << 8);
		if (want > sizeof buf)
			want = sizeof buf;
		if (want > 9)
			r = libusb_control_transfer(h, LIBUSB_ENDPOINT_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_CONFIG << 8,
						    0, buf, want, LU_CTRL_TIMEOUT_MS);
	}
	if (r == LIBUSB_ERROR_NO_DEVICE)
		return H7_ERROR_NO_DEVICE;
	if (r < 0) {
		usbw_set_error(res, lu_error(r), "cannot read the configuration descriptor of %s (port %s): %s",
			       res->dev.node, res->dev.path, libusb_error_name(r));
		return res->describe_rc;
	}
	if (dfuse_parse_config(buf, (size_t)r, &res->info.config, &res->warnings)) {
		usbw_set_error(res, H7_ERROR_PARSE, "the configuration descriptor of %s (port %s) is malformed (%d "
			       "bytes)", res->dev.node, res->dev.path, r);
		return res->describe_rc;
	}
	return H7_SUCCESS;
}

static int lu_status(libusb_device_handle *h, struct usbw_result *res)
{
	uint8_t st[6];
	int intf = res->info.config.alt[0].bInterfaceNumber, r;

	if (res->info.config.n_alts == 0)
		return H7_SUCCESS;
	r = libusb_claim_interface(h, intf);
	if (r == LIBUSB_ERROR_NO_DEVICE)
		return H7_ERROR_NO_DEVICE;
	if (r) {
		dfuse_warn(&res->warnings, DFUSE_W_NO_STATUS, "DFU_GETSTATUS not issued: interface %d cannot be "
			   "claimed (%s): is dfu-util or STM32CubeProgrammer using it?", intf, libusb_error_name(r));
		return H7_SUCCESS;
	}
	/* DFU 1.1 6.1.2: bmRequestType 0xA1 (class, interface, IN), wLength 6 */
	r = libusb_control_transfer(h, LIBUSB_ENDPOINT_IN | LIBUSB_REQUEST_TYPE_CLASS | LIBUSB_RECIPIENT_INTERFACE,
				    DFU_GETSTATUS, 0, (uint16_t)intf, st, sizeof st, LU_CTRL_TIMEOUT_MS);
	libusb_release_interface(h, intf);
	if (r == LIBUSB_ERROR_NO_DEVICE)
		return H7_ERROR_NO_DEVICE;
	if (r < 0 || dfuse_parse_status(st, (size_t)r, &res->info.status)) {
		dfuse_warn(&res->warnings, DFUSE_W_NO_STATUS, "DFU_GETSTATUS failed: %s",
			   r < 0 ? libusb_error_name(r) : "short reply");
		return H7_SUCCESS;
	}
	res->info.has_status = 1;
	return H7_SUCCESS;
}

static int lu_read_all(libusb_device_handle *h, struct usbw_result *res)
{
	struct dfuse_info *info = &res->info;
	uint8_t langs[255];
	uint16_t lang = 0x0409;
	int r;

	/* USB 2.0 9.6.7: string index 0 lists the LANGIDs; take the first */
	r = libusb_get_string_descriptor(h, 0, 0, langs, sizeof langs);
	if (r == LIBUSB_ERROR_NO_DEVICE)
		return H7_ERROR_NO_DEVICE;
	if (r >= 4 && langs[1] == 3)
		lang = (uint16_t)(langs[2] | langs[3] << 8);
	r = lu_config(h, res);
	if (r)
		return r;
	struct lu_strings ls = { h, lang };
	r = dfuse_read_strings(info, lu_string_reader, &ls, &res->warnings);
	if (r)
		return r;
	return lu_status(h, res);
}

/* Describe one device into res (dev must be a DFU device). */
static int lu_describe_dev(libusb_device *dev, struct usbw_result *res)
{
	struct libusb_device_descriptor dd;
	libusb_device_handle *h;
	int r;

	lu_identify(dev, &res->dev);
	if (libusb_get_device_descriptor(dev, &dd) == 0) {
		struct dfuse_device_desc *d = &res->info.dev;
		d->bcdUSB = dd.bcdUSB;
		d->bDeviceClass = dd.bDeviceClass;
		d->bDeviceSubClass = dd.bDeviceSubClass;
		d->bDeviceProtocol = dd.bDeviceProtocol;
		d->bMaxPacketSize0 = dd.bMaxPacketSize0;
		d->idVendor = dd.idVendor;
		d->idProduct = dd.idProduct;
		d->bcdDevice = dd.bcdDevice;
		d->iManufacturer = dd.iManufacturer;
		d->iProduct = dd.iProduct;
		d->iSerialNumber = dd.iSerialNumber;
		d->bNumConfigurations = dd.bNumConfigurations;
	}
	r = libusb_open(dev, &h);
	if (r == LIBUSB_ERROR_ACCESS) {
		usbw_access_hint(res->dev.node, res->dev.path, res->error, sizeof res->error);
		res->describe_rc = H7_ERROR_ACCESS;
		return res->describe_rc;
	}
	if (r) {
		usbw_set_error(res, lu_error(r), "cannot open the DFU device %s (port %s): %s", res->dev.node,
			       res->dev.path,
			       r == LIBUSB_ERROR_NO_DEVICE ? "it left before it could be opened" : libusb_error_name(r));
		return res->describe_rc;
	}
	r = lu_read_all(h, res);
	libusb_close(h);
	if (r == H7_ERROR_NO_DEVICE) {
		usbw_set_error(res, r, "the DFU device %s (port %s) left while it was being read (surprise removal)",
			       res->dev.node, res->dev.path);
		return r;
	}
	if (r)
		return r;
	res->described = 1;
	return H7_SUCCESS;
}

/* The serial string of a device, for --usb-serial (opens it briefly).
 * 0 and the serial, or a negative error (then out is ""). */
static int lu_serial(libusb_device *dev, char *out, size_t outsz)
{
	struct libusb_device_descriptor dd;
	libusb_device_handle *h;
	uint8_t buf[255];
	int r;

	out[0] = '\0';
	if (libusb_get_device_descriptor(dev, &dd) || !dd.iSerialNumber)
		return H7_ERROR_NOT_FOUND;
	r = libusb_open(dev, &h);
	if (r)
		return lu_error(r);
	r = libusb_get_string_descriptor(h, dd.iSerialNumber, 0x0409, buf, sizeof buf);
	libusb_close(h);
	if (r < 0)
		return lu_error(r);
	(void)dfuse_parse_string(buf, (size_t)r, out, outsz, NULL, NULL, NULL);
	return H7_SUCCESS;
}

/* Does a DFU device pass --usb-serial? Unreadable serials pass (describe then
 * reports why), so an access problem is reported instead of a timeout. */
static int lu_serial_ok(const struct usbw *w, libusb_device *dev)
{
	char serial[DFUSE_STR_MAX];
	int r;

	if (!w->opt.serial)
		return 1;
	r = lu_serial(dev, serial, sizeof serial);
	if (r == H7_ERROR_ACCESS)
		return 1;
	return r == 0 && strcmp(serial, w->opt.serial) == 0;
}

/* With w->lock held. */
static void lu_select(struct usbw *w, struct lu_state *s, libusb_device *dev, double t, int at_start)
{
	s->sel = libusb_ref_device(dev);
	w->sel = 1;
	w->sel_t = t;
	w->sel_at_start = at_start;
	lu_identify(dev, &w->sel_dev);
}

static int has_dfu_left_since(const struct usbw *w, int from)
{
	for (int i = from; i < w->n_events; i++)
		if (w->events[i].kind == USBW_EV_DFU_LEFT)
			return 1;
	return 0;
}

static int lu_describe(struct usbw *w, struct usbw_result *res)
{
	struct lu_state *s = w->be;
	libusb_device *dev;
	int rc, n0;

	usbw_lock(w);
	dev = s ? s->sel : NULL;
	n0 = w->n_events;
	usbw_unlock(w);
	if (!dev)
		return H7_ERROR_INTERNAL;
	if (s->polling)
		pthread_mutex_lock(&s->io_lock);
	rc = lu_describe_dev(dev, res);
	if (s->polling)
		pthread_mutex_unlock(&s->io_lock);
	/* a surprise removal: give its LEFT event a bounded chance to reach the
	 * timeline (the watching thread records it) */
	if (rc == H7_ERROR_NO_DEVICE && s->have_thread) {
		double until = usbw_now_ms() + LU_LEFT_GRACE_MS;
		usbw_lock(w);
		while (!has_dfu_left_since(w, n0) && usbw_now_ms() < until)
			usbw_cond_wait_until(w, until);
		usbw_unlock(w);
	}
	return rc;
}

static void lu_stop(struct usbw *w)
{
	struct lu_state *s = w->be;

	if (!s)
		return;
	if (s->have_thread) {
		atomic_store(&s->stop, 1);
		pthread_join(s->thread, NULL); /* it checks the flag at least every LU_PUMP_SLICE_MS */
	}
	for (int i = 0; i < s->n_pending; i++)
		libusb_unref_device(s->pending[i]);
	if (s->sel)
		libusb_unref_device(s->sel);
	if (s->have_cb)
		libusb_hotplug_deregister_callback(s->ctx, s->cb);
	if (s->ctx)
		lu_exit(s->ctx);
	if (s->keeper)
		lu_exit(s->keeper);
	if (s->polling)
		pthread_mutex_destroy(&s->io_lock);
	free(s);
	w->be = NULL;
}

/* Wait (caller's thread) until a DFU device is selected, the deadline passes
 * or the cancel flag is set; examine() looks at new arrivals first. */
static int lu_wait_selected(struct usbw *w, double deadline, void (*examine)(struct usbw *w))
{
	for (;;) {
		double now, until;
		int sel;

		if (examine)
			examine(w);
		usbw_lock(w);
		sel = w->sel;
		usbw_unlock(w);
		if (sel)
			return H7_SUCCESS;
		if (usbw_cancelled(w))
			return H7_ERROR_INTERRUPTED;
		now = usbw_now_ms();
		if (now >= deadline)
			return H7_ERROR_TIMEOUT;
		until = now + LU_PUMP_SLICE_MS < deadline ? now + LU_PUMP_SLICE_MS : deadline;
		usbw_lock(w);
		if (!w->sel && !((struct lu_state *)w->be)->n_pending)
			usbw_cond_wait_until(w, until);
		usbw_unlock(w);
	}
}

static int lu_list(struct usbw *w, struct usbw_result *res, int max, int *n)
{
	libusb_context *ctx;
	libusb_device **list;
	ssize_t cnt;
	int rc = lu_init(&ctx);

	if (rc)
		return rc;
	cnt = libusb_get_device_list(ctx, &list);
	if (cnt < 0) {
		lu_exit(ctx);
		return lu_error((int)cnt);
	}
	for (ssize_t i = 0; i < cnt && *n < max; i++) {
		struct usbw_device id;
		struct usbw_result *r = &res[*n];

		lu_identify(list[i], &id);
		if (!usbw_is_dfu_candidate(w, id.vid, id.pid, id.path))
			continue;
		memset(r, 0, sizeof *r);
		lu_describe_dev(list[i], r);
		if (w->opt.serial && r->info.strings_read && strcmp(r->info.serial, w->opt.serial) != 0)
			continue;
		(*n)++;
	}
	libusb_free_device_list(list, 1);
	lu_exit(ctx);
	return H7_SUCCESS;
}

/* Devices are known by bus, address and identity (an address is reused only
 * after the device left). Index in set, or -1. */
static int seen_find(const struct lu_seen *set, int n, const struct lu_seen *x)
{
	for (int i = 0; i < n; i++)
		if (set[i].bus == x->bus && set[i].addr == x->addr && set[i].vid == x->vid && set[i].pid == x->pid)
			return i;
	return -1;
}

static int seen_has(const struct lu_seen *set, int n, const struct lu_seen *x)
{
	return seen_find(set, n, x) >= 0;
}

/* ----------------------------------------------------------- hotplug */

/* Runs in the watching thread (or in the caller's, during registration). */
static int LIBUSB_CALL hp_callback(libusb_context *ctx, libusb_device *dev, libusb_hotplug_event ev, void *ud)
{
	struct usbw *w = ud;
	struct lu_state *s = w->be;
	struct usbw_device id;
	struct lu_seen x;
	double t = usbw_now_ms();
	int app, dfu, known, enumerating;

	(void)ctx;
	lu_identify(dev, &id);
	app = usbw_is_app(w, id.vid, id.pid);
	dfu = id.vid == USBW_ROM_VID && id.pid == USBW_ROM_PID;
	if (!app && !dfu)
		return 0;
	x.vid = id.vid;
	x.pid = id.pid;
	x.bus = id.bus;
	x.addr = id.address;
	snprintf(x.path, sizeof x.path, "%s", id.path);
	usbw_lock(w);
	enumerating = s->enumerating;
	known = seen_find(s->seen, s->n_seen, &x);
	if (ev == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED) {
		/* a device that arrives while the callback is being registered
		 * can be reported twice (enumeration, then its queued uevent) */
		if (known >= 0) {
			usbw_unlock(w);
			return 0;
		}
		if (s->n_seen < LU_MAX_SEEN)
			s->seen[s->n_seen++] = x;
		if (dfu && usbw_is_dfu_candidate(w, id.vid, id.pid, id.path) && !(enumerating && w->opt.new_only) &&
		    s->n_pending < LU_MAX_PENDING) {
			s->pending[s->n_pending] = libusb_ref_device(dev);
			s->pending_t[s->n_pending] = t;
			s->pending_at_start[s->n_pending] = enumerating;
			s->n_pending++;
		}
		usbw_unlock(w);
		if (app)
			usbw_record(w, enumerating ? USBW_EV_APP_PRESENT : USBW_EV_APP_ARRIVED, t, id.vid, id.pid, id.path,
				    NULL);
		if (dfu)
			usbw_record(w, enumerating ? USBW_EV_DFU_PRESENT : USBW_EV_DFU_ARRIVED, t, id.vid, id.pid,
				    id.path, NULL);
	} else {
		if (known >= 0)
			s->seen[known] = s->seen[--s->n_seen];
		for (int i = 0; i < s->n_pending; i++)
			if (s->pending[i] == dev) {
				libusb_unref_device(s->pending[i]);
				s->pending[i] = s->pending[--s->n_pending];
				s->pending_t[i] = s->pending_t[s->n_pending];
				s->pending_at_start[i] = s->pending_at_start[s->n_pending];
				break;
			}
		usbw_unlock(w);
		if (app)
			usbw_record(w, USBW_EV_APP_LEFT, t, id.vid, id.pid, id.path, NULL);
		if (dfu)
			usbw_record(w, USBW_EV_DFU_LEFT, t, id.vid, id.pid, id.path, NULL);
	}
	return 0;
}

/* Caller's thread: examine DFU arrivals (may open them for --usb-serial). */
static void hp_examine(struct usbw *w)
{
	struct lu_state *s = w->be;

	for (;;) {
		libusb_device *dev;
		double t;
		int at_start;

		usbw_lock(w);
		if (w->sel || s->n_pending == 0) {
			usbw_unlock(w);
			return;
		}
		dev = s->pending[0];
		t = s->pending_t[0];
		at_start = s->pending_at_start[0];
		s->n_pending--;
		memmove(s->pending, s->pending + 1, (size_t)s->n_pending * sizeof s->pending[0]);
		memmove(s->pending_t, s->pending_t + 1, (size_t)s->n_pending * sizeof s->pending_t[0]);
		memmove(s->pending_at_start, s->pending_at_start + 1, (size_t)s->n_pending * sizeof(int));
		usbw_unlock(w);
		if (lu_serial_ok(w, dev)) {
			usbw_lock(w);
			if (!w->sel)
				lu_select(w, s, dev, t, at_start);
			usbw_unlock(w);
		}
		libusb_unref_device(dev);
	}
}

static void *hp_thread(void *arg)
{
	struct usbw *w = arg;
	struct lu_state *s = w->be;

	while (!atomic_load(&s->stop)) {
		struct timeval tv = { 0, LU_PUMP_SLICE_MS * 1000 };
		int r = libusb_handle_events_timeout_completed(s->ctx, &tv, NULL);
		if (r < 0 && r != LIBUSB_ERROR_INTERRUPTED && r != LIBUSB_ERROR_TIMEOUT) {
			h7_err("libusb_handle_events: %s", libusb_error_name(r));
			break;
		}
	}
	return NULL;
}

static int poll_start(struct usbw *w);

static int hp_start(struct usbw *w)
{
	struct lu_state *s;
	int r;

	if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
		h7_dbg("usb: libusb has no hotplug support: polling");
		w->ops = &usbw_libusb_poll_ops;
		return poll_start(w);
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return H7_ERROR_NO_MEM;
	w->be = s;
	r = lu_init(&s->ctx);
	if (r)
		return r;
	s->enumerating = 1;
	r = libusb_hotplug_register_callback(s->ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
						     LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
					     LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY,
					     LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, hp_callback, w, &s->cb);
	s->enumerating = 0;
	if (r) {
		h7_dbg("usb: hotplug registration failed (%s): polling", libusb_error_name(r));
		lu_stop(w);
		w->ops = &usbw_libusb_poll_ops;
		return poll_start(w);
	}
	s->have_cb = 1;
	if (pthread_create(&s->thread, NULL, hp_thread, w) != 0) {
		h7_err("usb: cannot start the hotplug thread");
		return H7_ERROR_NO_MEM;
	}
	s->have_thread = 1;
	hp_examine(w);
	return H7_SUCCESS;
}

static int hp_pump(struct usbw *w, double deadline)
{
	return lu_wait_selected(w, deadline, hp_examine);
}

const struct usbw_backend_ops usbw_libusb_hotplug_ops = {
	"hotplug", hp_start, hp_pump, lu_describe, lu_list, lu_stop,
};

/* -------------------------------------------------------------- poll */

/* One scan with a fresh context: record arrivals and departures against the
 * previous scan, select a DFU candidate (keeping its context alive). Runs in
 * the caller's thread for the first scan, then in the watching thread. */
static int poll_scan(struct usbw *w, struct lu_state *s, int at_start)
{
	libusb_context *ctx;
	libusb_device **list;
	struct lu_seen now[LU_MAX_SEEN];
	int n_now = 0, rc, selected = 0;
	double t = usbw_now_ms();
	ssize_t cnt;

	rc = lu_init(&ctx);
	if (rc)
		return rc;
	cnt = libusb_get_device_list(ctx, &list);
	if (cnt < 0) {
		lu_exit(ctx);
		return lu_error((int)cnt);
	}
	for (ssize_t i = 0; i < cnt && n_now < LU_MAX_SEEN; i++) {
		struct usbw_device id;
		struct lu_seen *x = &now[n_now++];
		int is_new, dfu, sel;

		lu_identify(list[i], &id);
		x->vid = id.vid;
		x->pid = id.pid;
		x->bus = id.bus;
		x->addr = id.address;
		snprintf(x->path, sizeof x->path, "%s", id.path);
		is_new = at_start || !seen_has(s->seen, s->n_seen, x);
		if (!is_new)
			continue;
		dfu = id.vid == USBW_ROM_VID && id.pid == USBW_ROM_PID;
		if (usbw_is_app(w, id.vid, id.pid))
			usbw_record(w, at_start ? USBW_EV_APP_PRESENT : USBW_EV_APP_ARRIVED, t, id.vid, id.pid, id.path,
				    NULL);
		if (dfu)
			usbw_record(w, at_start ? USBW_EV_DFU_PRESENT : USBW_EV_DFU_ARRIVED, t, id.vid, id.pid, id.path,
				    NULL);
		usbw_lock(w);
		sel = w->sel;
		usbw_unlock(w);
		if (dfu && !sel && usbw_is_dfu_candidate(w, id.vid, id.pid, id.path) &&
		    !(at_start && w->opt.new_only) && lu_serial_ok(w, list[i])) {
			usbw_lock(w);
			lu_select(w, s, list[i], t, at_start);
			s->ctx = ctx; /* keeps the selected device's context for describe */
			usbw_unlock(w);
			usbw_signal(w);
			selected = 1;
		}
	}
	for (int i = 0; i < s->n_seen; i++) {
		const struct lu_seen *x = &s->seen[i];
		if (seen_has(now, n_now, x))
			continue;
		if (usbw_is_app(w, x->vid, x->pid))
			usbw_record(w, USBW_EV_APP_LEFT, t, x->vid, x->pid, x->path, NULL);
		if (x->vid == USBW_ROM_VID && x->pid == USBW_ROM_PID)
			usbw_record(w, USBW_EV_DFU_LEFT, t, x->vid, x->pid, x->path, NULL);
	}
	memcpy(s->seen, now, (size_t)n_now * sizeof now[0]);
	s->n_seen = n_now;
	libusb_free_device_list(list, 1);
	if (!selected)
		lu_exit(ctx);
	return H7_SUCCESS;
}

static void *poll_thread(void *arg)
{
	struct usbw *w = arg;
	struct lu_state *s = w->be;
	int rc;

	while (!atomic_load(&s->stop)) {
		struct timespec ts = { 0, (long)w->opt.poll_interval_ms * 1000000L };
		while (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		nanosleep(&ts, NULL);
		if (atomic_load(&s->stop))
			break;
		pthread_mutex_lock(&s->io_lock);
		{
			struct timeval zero = { 0, 0 }; /* drop the keeper's queued notifications */
			libusb_handle_events_timeout_completed(s->keeper, &zero, NULL);
		}
		rc = poll_scan(w, s, 0);
		pthread_mutex_unlock(&s->io_lock);
		if (rc)
			h7_dbg("usb: a scan failed");
	}
	return NULL;
}

static int poll_start(struct usbw *w)
{
	struct lu_state *s = calloc(1, sizeof *s);
	int rc;

	if (!s)
		return H7_ERROR_NO_MEM;
	w->be = s;
	s->polling = 1;
	pthread_mutex_init(&s->io_lock, NULL);
	rc = lu_init(&s->keeper);
	if (rc)
		return rc;
	if (w->opt.poll_interval_ms <= 0)
		w->opt.poll_interval_ms = LU_DEFAULT_POLL_MS;
	if (w->opt.poll_interval_ms > LU_PUMP_SLICE_MS)
		w->opt.poll_interval_ms = LU_PUMP_SLICE_MS; /* the thread checks its stop flag this often */
	rc = poll_scan(w, s, 1);
	if (rc)
		return rc;
	if (pthread_create(&s->thread, NULL, poll_thread, w) != 0) {
		h7_err("usb: cannot start the polling thread");
		return H7_ERROR_NO_MEM;
	}
	s->have_thread = 1;
	return H7_SUCCESS;
}

static int poll_pump(struct usbw *w, double deadline)
{
	return lu_wait_selected(w, deadline, NULL);
}

const struct usbw_backend_ops usbw_libusb_poll_ops = {
	"poll", poll_start, poll_pump, lu_describe, lu_list, lu_stop,
};
