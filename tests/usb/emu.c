/* Emulated USB devices for the umockdev harness (see emu.h). */
#include "emu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>

const char *const emu_profiles[] = { "dfu", "app", "hub", "dfu-badlen", "dfu-shorttotal", "dfu-truncstr",
				     "dfu-nolayout", NULL };

/* The STM32H74x/H75x ROM bootloader's DFU device (domain notes; AN2606). */
#define ROM_ALT0 "@Internal Flash   /0x08000000/16*128Kg"
#define ROM_ALT1 "@Option Bytes   /0x5200201C/01*128 e"

/* DFU 1.1 6.1.2 states */
enum { DFU_IDLE = 2, DFU_DNLOAD_SYNC = 3, DFU_DNBUSY = 4, DFU_DNLOAD_IDLE = 5, DFU_MANIFEST_SYNC = 6,
       DFU_UPLOAD_IDLE = 9 };

typedef struct {
	UMockdevIoctlData *urb; /* struct usbdevfs_urb, a local copy (ref held) */
	UMockdevIoctlData *buf; /* its buffer */
	gboolean discarded;
} PendingUrb;

/* ----------------------------------------------------------- descriptors */

static gsize put(guint8 *d, gsize o, const guint8 *src, gsize n)
{
	memcpy(d + o, src, n);
	return o + n;
}

static void set_strings(struct emu_dev *d, const char *m, const char *p, const char *s)
{
	d->strings[1] = g_strdup(m);
	d->strings[2] = g_strdup(p);
	d->strings[3] = g_strdup(s);
}

/* USB 2.0 9.6.1 device descriptor; strings 1/2/3 = manufacturer/product/serial. */
static gsize device_desc(guint8 *d, guint8 cls, guint8 proto, guint16 vid, guint16 pid, guint16 bcd)
{
	const guint8 dd[18] = { 18, 1, 0x00, 0x02, cls, 0, proto, 64, vid & 0xFF, vid >> 8, pid & 0xFF, pid >> 8,
				bcd & 0xFF, bcd >> 8, 1, 2, 3, 1 };
	return put(d, 0, dd, sizeof dd);
}

static void set_total(guint8 *cfg, gsize total)
{
	cfg[2] = total & 0xFF;
	cfg[3] = (total >> 8) & 0xFF;
}

static void build_dfu(struct emu_dev *d, int n_alts, const char *const *alt_names)
{
	gsize o = device_desc(d->desc, 0, 0, d->vid, d->pid, d->bcd), cfg = o;
	const guint8 c[9] = { 9, 2, 0, 0, 1, 1, 0, 0xC0, 0x32 };
	/* DFU 1.1 4.1.3: canDnload|canUpload|willDetach, 255 ms, 1024 bytes, DfuSe 1.1a */
	const guint8 func[9] = { 9, 0x21, 0x0B, 0xFF, 0x00, 0x00, 0x04, 0x1A, 0x01 };

	o = put(d->desc, o, c, sizeof c);
	for (int a = 0; a < n_alts; a++) {
		const guint8 intf[9] = { 9, 4, 0, (guint8)a, 0, 0xFE, 0x01, 0x02, (guint8)(4 + a) };
		o = put(d->desc, o, intf, sizeof intf);
		d->strings[4 + a] = g_strdup(alt_names[a]);
	}
	o = put(d->desc, o, func, sizeof func);
	set_total(d->desc + cfg, o - cfg);
	d->desc_len = o;
	set_strings(d, "STMicroelectronics", "DFU in FS Mode", "200364500000");
}

static void build_app(struct emu_dev *d)
{
	gsize o = device_desc(d->desc, 2, 0, d->vid, d->pid, d->bcd), cfg = o;
	const guint8 c[9] = { 9, 2, 0, 0, 2, 1, 0, 0xC0, 0x32 };
	const guint8 comm[9] = { 9, 4, 0, 0, 0, 0x02, 0x02, 0x01, 0 }; /* CDC ACM */
	const guint8 data[9] = { 9, 4, 1, 0, 0, 0x0A, 0x00, 0x00, 0 };

	o = put(d->desc, o, c, sizeof c);
	o = put(d->desc, o, comm, sizeof comm);
	o = put(d->desc, o, data, sizeof data);
	set_total(d->desc + cfg, o - cfg);
	d->desc_len = o;
	set_strings(d, "STMicroelectronics", "STM32 Virtual ComPort", "h7sim-app");
}

static void build_hub(struct emu_dev *d)
{
	gsize o = device_desc(d->desc, 9, 1, d->vid, d->pid, d->bcd), cfg = o;
	const guint8 c[9] = { 9, 2, 0, 0, 1, 1, 0, 0xE0, 0x32 };
	const guint8 intf[9] = { 9, 4, 0, 0, 1, 0x09, 0, 0, 0 };
	const guint8 ep[7] = { 7, 5, 0x81, 0x03, 1, 0, 12 };

	o = put(d->desc, o, c, sizeof c);
	o = put(d->desc, o, intf, sizeof intf);
	o = put(d->desc, o, ep, sizeof ep);
	set_total(d->desc + cfg, o - cfg);
	d->desc_len = o;
	set_strings(d, "Generic", "USB2.0 Hub", "");
}

static gboolean build(struct emu_dev *d, GError **err)
{
	static const char *const rom[] = { ROM_ALT0, ROM_ALT1 };
	static const char *const nolayout[] = { "DFU Flash", "@Option Bytes" };
	const char *p = d->profile;

	if (g_str_has_prefix(p, "dfu")) {
		d->vid = 0x0483;
		d->pid = 0xDF11;
		if (!d->bcd)
			d->bcd = 0x0200;
	}
	if (strcmp(p, "dfu") == 0) {
		build_dfu(d, 2, rom);
	} else if (strcmp(p, "dfu-badlen") == 0) {
		build_dfu(d, 2, rom);
		d->desc[18 + 9 + 9] = 0; /* the second interface descriptor: bLength 0 */
	} else if (strcmp(p, "dfu-shorttotal") == 0) {
		build_dfu(d, 2, rom);
		set_total(d->desc + 18, d->desc_len - 18 + 40); /* claims 40 bytes more than there are */
	} else if (strcmp(p, "dfu-truncstr") == 0) {
		build_dfu(d, 2, rom);
		d->str_cut[2] = 2 + 2 * 6;  /* product: "DFU in", bLength still says 30 */
		d->str_cut[4] = 2 + 2 * 25; /* alt 0: "@Internal Flash   /0x0800" */
	} else if (strcmp(p, "dfu-nolayout") == 0) {
		build_dfu(d, 2, nolayout);
	} else if (strcmp(p, "app") == 0) {
		d->vid = 0x0483;
		d->pid = 0x5740;
		if (!d->bcd)
			d->bcd = 0x0200;
		build_app(d);
	} else if (strcmp(p, "hub") == 0) {
		d->vid = 0x05E3;
		d->pid = 0x0608;
		if (!d->bcd)
			d->bcd = 0x6060;
		build_hub(d);
	} else {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unknown profile '%s'", p);
		return FALSE;
	}
	return TRUE;
}

static gboolean parse_port(struct emu_dev *d, GError **err)
{
	const char *dash = strchr(d->port, '-');
	char *end;

	d->bus = (unsigned)strtoul(d->port, &end, 10);
	if (!dash || end != dash || d->bus < 1 || d->bus > 127 || !dash[1]) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "bad port '%s' (BUS-PORT[.PORT])", d->port);
		return FALSE;
	}
	for (const char *c = dash + 1; *c; c++)
		if (!g_ascii_isdigit(*c) && *c != '.') {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "bad port '%s'", d->port);
			return FALSE;
		}
	/* sysfs nests a device under its hub: usb1/1-2/1-2.3 */
	GString *sp = g_string_new(NULL);
	g_string_printf(sp, "/sys/devices/pci0000:00/0000:00:14.0/usb%u", d->bus);
	for (const char *c = dash + 1;; c++) {
		if (*c == '.' || *c == '\0')
			g_string_append_printf(sp, "/%.*s", (int)(c - d->port), d->port);
		if (!*c)
			break;
	}
	g_strlcpy(d->syspath, sp->str, sizeof d->syspath);
	g_string_free(sp, TRUE);
	return TRUE;
}

struct emu_dev *emu_dev_new(const char *spec, unsigned devnum_default, GError **err)
{
	struct emu_dev *d = g_new0(struct emu_dev, 1);
	gchar **parts = g_strsplit(spec, ",", -1);
	const char *at = strchr(parts[0], '@');
	char *product = NULL, *serial = NULL;

	g_strlcpy(d->profile, parts[0], at ? (gsize)(at - parts[0]) + 1 : sizeof d->profile);
	g_strlcpy(d->port, at ? at + 1 : "1-1", sizeof d->port);
	d->devnum = devnum_default;
	for (int i = 1; parts[i]; i++) {
		char *eq = strchr(parts[i], '=');
		if (!eq) {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "'%s': expected key=value", parts[i]);
			goto fail;
		}
		*eq = '\0';
		if (strcmp(parts[i], "serial") == 0)
			serial = eq + 1;
		else if (strcmp(parts[i], "product") == 0)
			product = eq + 1;
		else if (strcmp(parts[i], "devnum") == 0)
			d->devnum = (unsigned)atoi(eq + 1);
		else if (strcmp(parts[i], "unplug-after") == 0)
			d->unplug_after = (guint)atoi(eq + 1);
		else if (strcmp(parts[i], "deny") == 0)
			d->deny = atoi(eq + 1);
		else if (strcmp(parts[i], "bcd") == 0)
			d->bcd = (guint16)strtoul(eq + 1, NULL, 16);
		else {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unknown key '%s'", parts[i]);
			goto fail;
		}
	}
	if (d->devnum < 1 || d->devnum > 127) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "devnum %u out of range", d->devnum);
		goto fail;
	}
	if (!parse_port(d, err) || !build(d, err))
		goto fail;
	if (serial) {
		g_free(d->strings[3]);
		d->strings[3] = g_strdup(serial);
	}
	if (product) {
		g_free(d->strings[2]);
		d->strings[2] = g_strdup(product);
	}
	g_snprintf(d->node, sizeof d->node, "/dev/bus/usb/%03u/%03u", d->bus, d->devnum);
	d->dfu_state = DFU_IDLE;
	g_queue_init(&d->pending);
	g_strfreev(parts);
	return d;
fail:
	g_strfreev(parts);
	emu_dev_free(d);
	return NULL;
}

void emu_dev_free(struct emu_dev *d)
{
	PendingUrb *p;

	if (!d)
		return;
	while ((p = g_queue_pop_head(&d->pending))) {
		if (p->buf)
			g_object_unref(p->buf);
		g_object_unref(p->urb);
		g_free(p);
	}
	if (d->handler)
		g_object_unref(d->handler);
	for (int i = 0; i < EMU_MAX_STRINGS; i++)
		g_free(d->strings[i]);
	g_free(d);
}

char *emu_dev_record(const struct emu_dev *d)
{
	GString *s = g_string_new(NULL);
	GString *hex = g_string_new(NULL);
	const char *dash = strchr(d->port, '-');
	unsigned minor = (d->bus - 1) * 128 + d->devnum - 1;

	for (gsize i = 0; i < d->desc_len; i++)
		g_string_append_printf(hex, "%02X", d->desc[i]);
	g_string_append_printf(s, "P: %s\n", d->syspath + 4 /* drop "/sys" */);
	g_string_append_printf(s, "N: bus/usb/%03u/%03u=%s\n", d->bus, d->devnum, hex->str);
	g_string_append_printf(s, "E: DEVNAME=%s\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n", d->node);
	g_string_append_printf(s, "E: PRODUCT=%x/%x/%x\n", d->vid, d->pid, d->bcd);
	g_string_append_printf(s, "E: BUSNUM=%03u\nE: DEVNUM=%03u\nE: MAJOR=189\nE: MINOR=%u\nE: SUBSYSTEM=usb\n", d->bus,
			       d->devnum, minor);
	g_string_append_printf(s, "E: ID_VENDOR_ID=%04x\nE: ID_MODEL_ID=%04x\n", d->vid, d->pid);
	g_string_append_printf(s, "A: bConfigurationValue=1\nA: bNumConfigurations=1\nA: bDeviceClass=%02x\n",
			       d->desc[4]);
	g_string_append_printf(s, "A: bcdDevice=%04x\nA: busnum=%u\nA: devnum=%u\nA: devpath=%s\n", d->bcd, d->bus,
			       d->devnum, dash + 1);
	g_string_append_printf(s, "H: descriptors=%s\n", hex->str);
	g_string_append_printf(s, "A: dev=189:%u\nA: idProduct=%04x\nA: idVendor=%04x\nA: speed=12\n", minor, d->pid,
			       d->vid);
	for (int i = 1; i <= 3; i++)
		if (d->strings[i] && *d->strings[i])
			g_string_append_printf(s, "A: %s=%s\n", i == 1 ? "manufacturer" : i == 2 ? "product" : "serial",
					       d->strings[i]);
	g_string_free(hex, TRUE);
	return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------- emulator */

static int string_desc(struct emu_dev *d, guint8 idx, guint8 *out, int wLength)
{
	guint8 tmp[256];
	int n = 2, len;
	const char *s;

	if (idx == 0) { /* LANGID table: en-US */
		const guint8 lang[4] = { 4, 3, 0x09, 0x04 };
		len = MIN(4, wLength);
		memcpy(out, lang, (gsize)len);
		return len;
	}
	if (idx >= EMU_MAX_STRINGS || !d->strings[idx] || !*d->strings[idx])
		return -1;
	for (s = d->strings[idx]; *s && n < 254; s++) {
		tmp[n++] = (guint8)*s;
		tmp[n++] = 0;
	}
	tmp[0] = (guint8)n;
	tmp[1] = 3;
	if (d->str_cut[idx] && d->str_cut[idx] < n)
		n = d->str_cut[idx]; /* the ROM quirk: fewer bytes than bLength */
	len = MIN(n, wLength);
	memcpy(out, tmp, (gsize)len);
	return len;
}

/* Fill the data stage of a control URB; returns its length or -1 for STALL. */
static int emu_control(struct emu_dev *d, const guint8 *setup, guint8 *out, int wLength)
{
	guint8 type = setup[0], req = setup[1];
	guint16 wValue = (guint16)(setup[2] | setup[3] << 8);

	if ((type & 0x60) == 0x00) { /* standard, USB 2.0 9.4 */
		if (req == 6 && (type & 0x80)) { /* GET_DESCRIPTOR */
			guint8 dt = wValue >> 8, idx = wValue & 0xFF;
			int len = -1;
			if (dt == 3)
				return string_desc(d, idx, out, wLength);
			if (dt == 1 && d->desc_len >= 18) {
				len = MIN(18, wLength);
				memcpy(out, d->desc, (gsize)len);
			} else if (dt == 2 && idx == 0 && d->desc_len >= 27) {
				int total = d->desc[20] | d->desc[21] << 8;
				total = MIN(total, (int)d->desc_len - 18);
				len = MIN(total, wLength);
				memcpy(out, d->desc + 18, (gsize)len);
			}
			return len;
		}
		if (req == 0 && (type & 0x80)) { /* GET_STATUS */
			memset(out, 0, (gsize)MIN(2, wLength));
			return MIN(2, wLength);
		}
		if (req == 8 && (type & 0x80)) { /* GET_CONFIGURATION */
			if (wLength)
				out[0] = 1;
			return MIN(1, wLength);
		}
		return (type & 0x80) ? -1 : 0; /* SET_* and CLEAR_FEATURE: acknowledged */
	}
	if ((type & 0x60) == 0x20 && g_str_has_prefix(d->profile, "dfu")) { /* DFU 1.1 class requests */
		switch (req) {
		case 0: /* DFU_DETACH */
			return 0;
		case 1: /* DFU_DNLOAD: never issued by h7jumpdiag; emulated for dfu-util */
			d->dfu_state = wLength ? DFU_DNLOAD_SYNC : DFU_MANIFEST_SYNC;
			return 0;
		case 2: /* DFU_UPLOAD */
			memset(out, 0xFF, (gsize)wLength);
			d->dfu_state = DFU_UPLOAD_IDLE;
			return wLength;
		case 3: /* DFU_GETSTATUS: DfuSe goes DNLOAD-SYNC -> DNBUSY -> DNLOAD-IDLE */
			if (wLength < 6)
				return -1;
			if (d->dfu_state == DFU_DNLOAD_SYNC)
				d->dfu_state = DFU_DNBUSY;
			else if (d->dfu_state == DFU_DNBUSY)
				d->dfu_state = DFU_DNLOAD_IDLE;
			else if (d->dfu_state == DFU_MANIFEST_SYNC)
				d->dfu_state = DFU_IDLE;
			out[0] = (guint8)d->dfu_status;
			out[1] = out[2] = out[3] = 0;
			out[4] = (guint8)d->dfu_state;
			out[5] = 0;
			return 6;
		case 4: /* DFU_CLRSTATUS */
			d->dfu_status = 0;
			d->dfu_state = DFU_IDLE;
			return 0;
		case 5: /* DFU_GETSTATE */
			if (wLength < 1)
				return -1;
			out[0] = (guint8)d->dfu_state;
			return 1;
		case 6: /* DFU_ABORT */
			d->dfu_state = DFU_IDLE;
			return 0;
		default:
			break;
		}
	}
	return -1;
}

static void emu_finish_urb(struct emu_dev *d, PendingUrb *p)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)p->urb->data;

	if (p->discarded) {
		urb->status = -ENOENT;
		urb->actual_length = 0;
		return;
	}
	if (g_atomic_int_get(&d->unplugged)) {
		urb->status = -ENODEV;
		urb->actual_length = 0;
		return;
	}
	if (urb->type == USBDEVFS_URB_TYPE_CONTROL && p->buf && urb->buffer_length >= 8) {
		guint8 *b = p->buf->data;
		int wLength = b[6] | b[7] << 8, len;

		d->n_ctrl++;
		if (d->unplug_after && d->n_ctrl >= d->unplug_after) {
			/* surprise removal: this transfer is in flight when the cable goes */
			g_atomic_int_set(&d->unplugged, 1);
			urb->status = -ENODEV;
			urb->actual_length = 0;
			if (d->on_unplug)
				d->on_unplug(d, d->on_unplug_user);
			return;
		}
		len = emu_control(d, b, b + 8, MIN(wLength, urb->buffer_length - 8));
		urb->status = len < 0 ? -EPIPE : 0;
		urb->actual_length = len < 0 ? 0 : len;
	} else {
		urb->status = -EPIPE;
		urb->actual_length = 0;
	}
}

static gboolean on_handle_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer user_data)
{
	struct emu_dev *d = user_data;
	gulong req = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	GError *err = NULL;

	(void)base;
	d->n_ioctl++;
	if (g_atomic_int_get(&d->unplugged) && req != USBDEVFS_REAPURBNDELAY && req != USBDEVFS_REAPURB &&
	    req != USBDEVFS_DISCARDURB) {
		umockdev_ioctl_client_complete(client, -1, ENODEV);
		return TRUE;
	}
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES: {
		UMockdevIoctlData *c = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), &err);
		if (!c)
			break;
		*(guint32 *)c->data = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
				       USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
		g_object_unref(c);
		umockdev_ioctl_client_complete(client, 0, 0);
		return TRUE;
	}
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE:
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_SETCONFIGURATION:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESET:
	case USBDEVFS_RESETEP:
		umockdev_ioctl_client_complete(client, 0, 0);
		return TRUE;
	case USBDEVFS_GETDRIVER: /* no kernel driver bound */
	case USBDEVFS_IOCTL:
		umockdev_ioctl_client_complete(client, -1, ENODATA);
		return TRUE;
	case USBDEVFS_SUBMITURB: {
		UMockdevIoctlData *u = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &err);
		struct usbdevfs_urb *urb;
		PendingUrb *p;

		if (!u)
			break;
		urb = (struct usbdevfs_urb *)u->data;
		p = g_new0(PendingUrb, 1);
		p->urb = u;
		if (urb->buffer_length > 0)
			p->buf = umockdev_ioctl_data_resolve(u, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer),
							     (gsize)urb->buffer_length, &err);
		g_queue_push_tail(&d->pending, p);
		umockdev_ioctl_client_complete(client, 0, 0);
		return TRUE;
	}
	case USBDEVFS_DISCARDURB: {
		gulong addr = *(gulong *)arg->data; /* the argument is the URB pointer itself */
		for (GList *l = d->pending.head; l; l = l->next) {
			PendingUrb *p = l->data;
			if (p->urb->client_addr == addr) {
				p->discarded = TRUE;
				umockdev_ioctl_client_complete(client, 0, 0);
				return TRUE;
			}
		}
		umockdev_ioctl_client_complete(client, -1, EINVAL);
		return TRUE;
	}
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY: {
		PendingUrb *p = g_queue_pop_head(&d->pending);
		UMockdevIoctlData *ptr;

		if (!p) {
			umockdev_ioctl_client_complete(client, -1, g_atomic_int_get(&d->unplugged) ? ENODEV : EAGAIN);
			return TRUE;
		}
		emu_finish_urb(d, p);
		/* arg points to the client's "struct usbdevfs_urb *" variable */
		ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), &err);
		if (!ptr) {
			g_queue_push_head(&d->pending, p);
			break;
		}
		umockdev_ioctl_data_set_ptr(ptr, 0, p->urb); /* syncs the URB and its buffer back */
		umockdev_ioctl_client_complete(client, 0, 0);
		g_object_unref(ptr);
		if (p->buf)
			g_object_unref(p->buf);
		g_object_unref(p->urb);
		g_free(p);
		return TRUE;
	}
	default:
		umockdev_ioctl_client_complete(client, -1, ENOTTY);
		return TRUE;
	}
	g_printerr("emu %s: ioctl 0x%lx: %s\n", d->node, req, err ? err->message : "resolve failed");
	g_clear_error(&err);
	umockdev_ioctl_client_complete(client, -1, EIO);
	return TRUE;
}

gboolean emu_dev_attach(struct emu_dev *d, UMockdevTestbed *tb, GError **err)
{
	d->handler = umockdev_ioctl_base_new();
	g_signal_connect(d->handler, "handle-ioctl", G_CALLBACK(on_handle_ioctl), d);
	return umockdev_testbed_attach_ioctl(tb, d->node, d->handler, err);
}
