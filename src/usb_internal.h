/* The USB watcher's private side: the backend interface and the watcher state.
 * Only src/usb*.c include this. */
#ifndef H7_USB_INTERNAL_H
#define H7_USB_INTERNAL_H

#include <pthread.h>

#include "usb.h"

struct usbw;

/* One backend. Each member returns 0 or a negative enum h7_error. */
struct usbw_backend_ops {
	const char *name;
	/* Begin watching: record what is present now (usbw_record with
	 * at_start = 1) and set w->sel when a present DFU device is selected
	 * (unless opt.new_only). */
	int (*start)(struct usbw *w);
	/* Wait for bus events until the absolute CLOCK_MONOTONIC deadline, or
	 * until a selected DFU device is known (w->sel set): return 0 then,
	 * H7_ERROR_TIMEOUT at the deadline, H7_ERROR_INTERRUPTED when the cancel
	 * flag is set, or an error when the bus itself fails. */
	int (*pump)(struct usbw *w, double deadline_ms);
	/* Read the selected device into res (dev, info, warnings; described,
	 * describe_rc, error). Returns 0 or the describe error. */
	int (*describe)(struct usbw *w, struct usbw_result *res);
	/* List present DFU devices (usbw_list). */
	int (*list)(struct usbw *w, struct usbw_result *res, int max, int *n);
	/* Free the backend's state (w->be). */
	void (*stop)(struct usbw *w);
};

/* Threads: the libusb backends handle bus events in a thread of their own
 * (so an arrival or departure is stamped when it happens, also while the
 * caller is busy driving the target); the caller's thread opens and reads
 * devices. Everything below the lock line is shared: take `lock` (usbw_record
 * takes it itself), and broadcast `cond` after a change a waiter may want. */
struct usbw {
	struct usbw_options opt;
	const struct usbw_backend_ops *ops;
	void *be;                 /* backend state */
	double t_open, t_mark;
	pthread_mutex_t lock;
	pthread_cond_t cond;      /* CLOCK_MONOTONIC */
	/* ---- shared, under lock ---- */
	int n_events, events_dropped;
	struct usbw_event events[USBW_MAX_EVENTS];
	char app_path[USBW_PATH_MAX]; /* where the application's device was seen */
	int sel;                  /* a selected DFU device is known (the backend keeps it) */
	int settling;             /* usbw_settle: the sim pump goes on after sel (caller's thread only) */
	int sel_at_start;
	struct usbw_device sel_dev;
	double sel_t;             /* when it arrived (absolute) */
	double sel_sim_ms;        /* ... in simulated time, -1 when not simulated */
};

extern const struct usbw_backend_ops usbw_libusb_hotplug_ops, usbw_libusb_poll_ops, usbw_sim_ops;

void usbw_lock(struct usbw *w);
void usbw_unlock(struct usbw *w);
/* Wake the waiters (call with or without the lock). */
void usbw_signal(struct usbw *w);
/* With the lock held: wait for a signal or until the absolute CLOCK_MONOTONIC
 * time until_ms. */
void usbw_cond_wait_until(struct usbw *w, double until_ms);

/* Record an event (bounded; overflow counted); sim_ms -1 when not simulated.
 * Takes the lock itself, and signals. */
void usbw_record(struct usbw *w, int kind, double t_ms, uint16_t vid, uint16_t pid, const char *path,
		 const char *detail);
void usbw_record_sim(struct usbw *w, int kind, double t_ms, double sim_ms, uint16_t vid, uint16_t pid,
		     const char *path, const char *detail);
/* The application's device, as configured. */
int usbw_is_app(const struct usbw *w, uint16_t vid, uint16_t pid);
/* A DFU device (0483:df11) that passes the --usb-path filter. */
int usbw_is_dfu_candidate(const struct usbw *w, uint16_t vid, uint16_t pid, const char *path);
/* Format a port path "BUS-P1.P2..." from libusb-style numbers. */
void usbw_format_path(char *out, size_t outsz, unsigned bus, const uint8_t *ports, int n_ports);
/* 1 when the cancel flag is set. */
int usbw_cancelled(const struct usbw *w);
/* Shared by the libusb and sim backends: fill res->error (printf-style). */
void usbw_set_error(struct usbw_result *res, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
