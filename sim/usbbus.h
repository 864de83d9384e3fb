/* h7sim - the simulated USB cable and host on the OTG_FS port (see usbbus.c). */
#ifndef H7SIM_USBBUS_H
#define H7SIM_USBBUS_H

#include <stdbool.h>
#include <stdint.h>

struct soc;

enum usb_dev { USB_DEV_NONE = 0, USB_DEV_APP, USB_DEV_DFU };

enum usbhost_phase {
	USBHOST_IDLE,       /* no device or an attached one: nothing to do */
	USBHOST_DEBOUNCE,   /* connect seen, waiting TATTDB before the reset */
	USBHOST_RESET,      /* driving SE0 (bus reset) */
	USBHOST_RECOVERY,   /* reset recovery time before the first SETUP */
	USBHOST_ADDRESS,    /* SET_ADDRESS sent, waiting for DCFG.DAD */
};

struct usbbus {
	bool pullup;
	uint64_t pullup_ns;       /* time of the last edge */
	enum usb_dev attached;
	uint64_t attached_ns;
	char serial[24];          /* of the attached device */
	enum usbhost_phase phase;
	uint64_t deadline_ns;     /* when the current phase ends (or times out) */
	bool detach_armed;        /* pull-up went off: detach once it stayed off long enough */
	uint64_t detach_ns;
	enum usb_dev last_dev_hint;
};

void usbbus_init(struct soc *s);
/* re-evaluate the pull-up after a register, clock or reset change */
void usbbus_update(struct soc *s);
/* sim time advanced: run the host's timers */
void usbbus_tick(struct soc *s);
/* next time the host model wants to act (UINT64_MAX: none) */
uint64_t usbbus_next_event(const struct soc *s);
/* firmware on core `core` wrote a non-zero device address */
void usbbus_address_set(struct soc *s, unsigned core);
/* fault injection: the cable's data lines drop (up=false: the host sees a
 * detach at once) or return (a pulled-up device is enumerated again) */
void usbbus_set_cable(struct soc *s, bool up);
/* power removed: everything disappears at once */
void usbbus_power_off(struct soc *s);
const char *usbbus_dev_name(enum usb_dev d);
/* "attached=none" or the attached device's key=value list (status/usb replies) */
int usbbus_describe(const struct soc *s, char *buf, unsigned cap);

#endif
