/* The USB watcher: follow the board's USB port across the jump into the STM32
 * system bootloader and describe the DFU device that enumerates.
 *
 * Layering (libusb style): this header is the API the runner and the `usb`
 * command use; backends behind it (usb_internal.h) are
 *   hotplug   libusb-1.0 hotplug callbacks (LIBUSB_CAP_HAS_HOTPLUG)
 *   poll      libusb-1.0 with a fresh context per scan (no uevents needed:
 *             containers without udevd, or libusb without hotplug)
 *   sim       h7sim's simulated USB cable on its control socket (protocol 1,
 *             usb_simctl.h); reports say "usb: simulated bus"
 * What a device says is parsed by the pure functions in dfuse.h.
 *
 * Time: every instant is CLOCK_MONOTONIC in milliseconds (usbw_now_ms()), the
 * clock h7sim stamps its events with (mono_ms), so the runner, libusb and the
 * simulator share one timeline. Results give times relative to the mark (the
 * branch into the bootloader, usbw_mark()).
 *
 * Waiting is always bounded by an explicit timeout; nothing sleeps a fixed time.
 * Nothing here writes to a device: the only requests are GET_DESCRIPTOR and
 * DFU_GETSTATUS (read-only, DFU 1.1 6.1.2).
 *
 * Typical use by the runner:
 *     usbw_open(&opt, &w);          // before the jump: sees the app device leave
 *     ... step to the branch ...
 *     usbw_mark(w);                 // the branch into system memory
 *     rc = usbw_wait(w, 5000, res); // 0: found, H7_ERROR_TIMEOUT: no DFU device
 *     usbw_close(w);
 */
#ifndef H7_USB_H
#define H7_USB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dfuse.h"

#define USBW_PATH_MAX 32   /* "BUS-PORT.PORT..." (7 levels at most, USB 3.0 10.1.3) */
#define USBW_MAX_EVENTS 32
#define USBW_MAX_LIST 16   /* devices usbw_list() describes */
#define USBW_ERROR_TEXT 320

#define USBW_ROM_VID 0x0483 /* STMicroelectronics */
#define USBW_ROM_PID 0xDF11 /* STM32 system bootloader, DFU mode (AN2606) */

enum usbw_backend {
	USBW_BACKEND_AUTO = 0, /* sim bus for --board sim without umockdev; else hotplug, else poll */
	USBW_BACKEND_HOTPLUG,
	USBW_BACKEND_POLL,
	USBW_BACKEND_SIM
};

struct usbw_options {
	enum usbw_backend backend;
	int board_sim;                /* the board is h7sim: AUTO picks the simulated bus unless
					 UMOCKDEV_DIR is set (then libusb sees the bridged devices) */
	const char *sim_ctl;          /* h7sim control socket "HOST:PORT" or "PORT" (SIM backend) */
	const char *serial;           /* only a DFU device with this iSerialNumber string */
	const char *path;             /* only a DFU device on this port path "BUS-PORT[.PORT]..." */
	uint16_t app_vid, app_pid;    /* the application's device to follow (0:0 = none) */
	int new_only;                 /* ignore DFU devices present before usbw_open() */
	int poll_interval_ms;         /* POLL backend scan period; 0 = 20 ms */
	struct dfuse_part part;       /* the detected part for the checks; zeros = unknown */
	const volatile sig_atomic_t *cancel; /* becomes non-zero: stop (H7_ERROR_INTERRUPTED) */
};

enum usbw_event_kind {
	USBW_EV_APP_PRESENT = 1, /* the application's device was there when watching began */
	USBW_EV_APP_ARRIVED,
	USBW_EV_APP_LEFT,
	USBW_EV_DFU_PRESENT,     /* a DFU device was there when watching began */
	USBW_EV_DFU_ARRIVED,
	USBW_EV_DFU_LEFT,
	USBW_EV_PULLUP_ON,       /* simulated bus only: the chip switched its D+ pull-up on */
	USBW_EV_PULLUP_OFF,
	USBW_EV_ENUM_FAILED      /* simulated bus only: the host model gave up (detail = reason) */
};

struct usbw_event {
	int kind;                 /* enum usbw_event_kind */
	double t_ms;              /* CLOCK_MONOTONIC ms (absolute) */
	double sim_ms;            /* simulated time (h7sim's sim_ns / 1e6); -1 off the simulated bus */
	uint16_t vid, pid;
	char path[USBW_PATH_MAX];
	char detail[48];
};

/* Identity of one device on the bus. */
struct usbw_device {
	uint16_t vid, pid, bcd;
	uint8_t bus, address;
	char path[USBW_PATH_MAX]; /* "1-1" */
	char node[40];            /* "/dev/bus/usb/001/005" ("" on the simulated bus) */
};

struct usbw_result {
	const char *backend;      /* "hotplug", "poll" or "simulated bus" */
	int simulated;            /* the simulated bus: no descriptors, only what h7sim says */
	int found;                /* a selected DFU device arrived (or was present) */
	int present_at_start;     /* ... and it was already there when watching began */
	/* timeline, ms relative to the mark (negative: before it) */
	double t_open;            /* watching began */
	int has_app_left;
	double t_app_left;        /* t1: the application's device left */
	int has_dfu;
	double t_dfu;             /* t2: the DFU device arrived (seen by the host) */
	int has_enum;
	double enum_ms;           /* enumeration time, see enum_basis */
	const char *enum_basis;   /* "pullup-sim": pull-up on -> attached, in simulated time (h7sim's
				     sim_ns; its wall-clock pace says nothing about a real host);
				     "app-left": app device left -> DFU arrived;
				     "mark": mark -> DFU arrived */
	double mark_abs;          /* the mark, absolute CLOCK_MONOTONIC ms */
	int n_events;
	struct usbw_event events[USBW_MAX_EVENTS]; /* t_ms absolute; events_dropped counts overflow */
	int events_dropped;
	/* the device */
	struct usbw_device dev;
	int described;            /* descriptors, strings and status were read */
	int describe_rc;          /* 0, or why reading failed (H7_ERROR_ACCESS, H7_ERROR_NO_DEVICE, ...) */
	char error[USBW_ERROR_TEXT]; /* a sentence for people when describe_rc != 0 */
	struct dfuse_info info;   /* what the device said (partial when !described) */
	struct dfuse_warnings warnings;
};

struct usbw;

/* CLOCK_MONOTONIC now, in milliseconds. */
double usbw_now_ms(void);

/* Check a --usb-path value: "BUS-PORT[.PORT]...", decimal, 1..7 ports, each
 * 1..255, bus 1..255. Returns 0 or H7_ERROR_INVALID_PARAM. */
int usbw_check_path(const char *path);

/* Parse "VID:PID" (hex, e.g. "0483:5740"). 0 or H7_ERROR_INVALID_PARAM. */
int usbw_parse_vidpid(const char *s, uint16_t *vid, uint16_t *pid);

/* Start watching: pick the backend, record what is present now (the
 * application's device, DFU devices). opt is copied, but the strings it
 * points to must outlive the watcher. Returns 0, H7_ERROR_INVALID_PARAM (bad
 * path, SIM without sim_ctl), H7_ERROR_USB (libusb_init failed),
 * H7_ERROR_CONNECT (h7sim's control socket), H7_ERROR_NO_MEM. */
int usbw_open(const struct usbw_options *opt, struct usbw **out);

/* The backend in use: "hotplug", "poll" or "simulated bus". */
const char *usbw_backend_name(const struct usbw *w);

/* Mark the branch into the bootloader now / at a given CLOCK_MONOTONIC ms.
 * Without a mark, times are relative to usbw_open(). */
void usbw_mark(struct usbw *w);
void usbw_mark_at(struct usbw *w, double mono_ms);

/* Wait at most timeout_ms for a selected DFU device, then describe it.
 * res is always filled (timeline, events, warnings), also on failure.
 * Returns 0 (found; res->describe_rc says whether reading it worked),
 * H7_ERROR_TIMEOUT (no DFU device), H7_ERROR_INTERRUPTED (cancel flag),
 * H7_ERROR_USB / H7_ERROR_IO / H7_ERROR_CONNECT (the bus itself failed). */
int usbw_wait(struct usbw *w, int timeout_ms, struct usbw_result *res);

/* After usbw_wait found a DFU device: watch up to timeout_ms more for it to
 * leave again (a flapping connection), then refresh res's event list.
 * Returns 1 when it left, 0 when it stayed (or none was found), or an error
 * of the bus. */
int usbw_settle(struct usbw *w, int timeout_ms, struct usbw_result *res);

/* Stop watching and free everything (NULL is fine). */
void usbw_close(struct usbw *w);

/* One scan, like dfu-util -l: describe every DFU device (0483:df11) present
 * that matches opt's serial/path selection, at most max of them, into res[].
 * Devices sharing a serial get a DFUSE_W_AMBIGUOUS warning. *n gets the count.
 * Returns 0 (also when none is found), or an error as usbw_open(). */
int usbw_list(const struct usbw_options *opt, struct usbw_result *res, int max, int *n);

/* Name of an event kind: "app-present", "app-left", "dfu-arrived", ... */
const char *usbw_event_name(int kind);

/* The message for a permission problem on a device node (also used by the
 * command): which node, that a udev rule is needed, where the example is. */
void usbw_access_hint(const char *node, const char *path, char *out, size_t outsz);

/* ---- reporting (usb_report.c): the `usb` command and the run report ---- */

struct cJSON;

/* dfu-util -l style lines, one per alt setting:
 * Found DFU: [0483:df11] ver=0200, devnum=5, cfg=1, intf=0, path="1-1", alt=0, name="...", serial="..." */
void usbw_print_found_lines(FILE *f, const struct usbw_result *r);
/* The decoded device: identity, DFU functional descriptor, layouts, status, warnings. */
void usbw_print_device(FILE *f, const struct usbw_result *r);
/* "usb: <backend>" and the timeline relative to the mark. */
void usbw_print_timeline(FILE *f, const struct usbw_result *r);
/* JSON objects (cJSON; NULL when out of memory). The device object holds
 * identity, "dfu", "alts" (with "layout"), "status", "warnings" and "error". */
struct cJSON *usbw_device_json(const struct usbw_result *r);
/* A watch: "backend", "simulated", "found", "timeline" {times in ms from the
 * mark, "events"}, "device" (null when none). */
struct cJSON *usbw_watch_json(const struct usbw_result *r);

#endif
