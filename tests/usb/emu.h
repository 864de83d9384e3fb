/* Emulated USB devices for the umockdev harness: the STM32 ROM bootloader's
 * DFU device (and malformed variants), the application's CDC device, a hub.
 *
 * A device is a sysfs record (umockdev text format, for the testbed) plus an
 * in-process emulator of its usbfs node: a UMockdevIoctlBase "handle-ioctl"
 * handler that queues SUBMITURB and answers REAPURB[NDELAY] with standard
 * GET_DESCRIPTOR/GET_STATUS/SET_* requests and DFU 1.1 class requests
 * (DFU 1.1 6.1-6.2; ST's DfuSe state sequence). Control transfers only: the
 * ROM's DFU device has no other endpoints.
 *
 * Spec syntax:  PROFILE[@PORT][,key=value]...
 *   profiles: dfu app hub dfu-badlen dfu-shorttotal dfu-truncstr dfu-nolayout
 *   keys:     serial=S product=S devnum=N unplug-after=N (surprise removal at
 *             the Nth control transfer) bcd=HEX deny=1 (node mode 0000: opening it
 *             fails with EACCES unless root; see the harness's --user)
 */
#ifndef H7_TESTS_EMU_H
#define H7_TESTS_EMU_H

#include <glib.h>
#include <umockdev.h>

#define EMU_MAX_STRINGS 16
#define EMU_MAX_DESC 512

struct emu_dev;

/* Called from umockdev's worker thread when unplug-after triggers; the
 * callee must hand the removal over to the main loop. */
typedef void (*emu_unplug_fn)(struct emu_dev *d, void *user);

struct emu_dev {
	char profile[24];
	char port[24];            /* "1-1", "1-2.3" */
	unsigned bus, devnum;
	char syspath[160];        /* "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1" */
	char node[48];            /* "/dev/bus/usb/001/005" */
	guint16 vid, pid, bcd;
	guint8 desc[EMU_MAX_DESC];/* device descriptor + configuration (as sysfs holds them) */
	gsize desc_len;
	char *strings[EMU_MAX_STRINGS];
	int str_cut[EMU_MAX_STRINGS]; /* bytes returned of string i (0 = all): truncated strings */
	guint unplug_after;       /* 0 = never */
	int deny;                 /* make the node unreadable */
	emu_unplug_fn on_unplug;
	void *on_unplug_user;
	/* runtime, touched by umockdev's worker thread */
	UMockdevIoctlBase *handler;
	GQueue pending;
	gint unplugged;           /* atomic */
	int dfu_state, dfu_status;
	guint n_ctrl, n_ioctl;
};

/* Build a device from a spec; devnum_default is used unless devnum= is given.
 * NULL and *err set on a bad spec. */
struct emu_dev *emu_dev_new(const char *spec, unsigned devnum_default, GError **err);
void emu_dev_free(struct emu_dev *d);

/* The umockdev record (P:/N:/E:/A:/H: lines) for umockdev_testbed_add_from_string. */
char *emu_dev_record(const struct emu_dev *d);

/* Attach the emulator to the device's node in the testbed. */
gboolean emu_dev_attach(struct emu_dev *d, UMockdevTestbed *tb, GError **err);

/* The profile names, NULL-terminated. */
extern const char *const emu_profiles[];

#endif
