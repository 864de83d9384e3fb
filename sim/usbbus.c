/* h7sim - the simulated USB cable and host on the OTG_FS port (CN13 on the
 * STM32H745I-DISCO, PA11/PA12: the ROM bootloader's DFU port).
 *
 * Two separate states, as on a real bus:
 *  - the D+ pull-up (otg_pullup()): what the host electrically sees;
 *  - enumeration: after a pull-up off->on edge the host debounces the connect
 *    for TATTDB = 100 ms, drives a bus reset for TDRST = 10 ms (the device sees
 *    GINTSTS.USBRST, then ENUMDNE at its end), waits the reset recovery time
 *    TRSTRCY = 10 ms and sends SET_ADDRESS(1) as a SETUP packet (the device sees
 *    RXFLVL). The firmware must service these in its OTG interrupt handler and
 *    write the address to DCFG.DAD within 5 s (the Linux host's control-transfer
 *    timeout, USB_CTRL_SET_TIMEOUT); then the device is published as attached.
 *    Otherwise the host gives up: "enum-failed" with reason no-reset-serviced
 *    (USBRST never cleared) or no-address (a real host logs "device descriptor
 *    read error" / "device not accepting address" and libusb lists nothing).
 * Timings: USB 2.0 specification section 7.1.7.3 (TATTDB, TDDIS) and 7.1.7.5 /
 * 9.2.6.2 (TDRST, TRSTRCY). The device published is the ROM's DFU device
 * 0483:DF11 when the core that set the address was executing system memory,
 * else the application's CDC device 0483:5740 (serial "h7sim-app").
 * A detach is seen only when the pull-up stays off for at least TDDIS = 2.5 us
 * of simulated time; a shorter blip goes unnoticed, like on a real hub.
 * Descriptor transfers and endpoint data are not emulated.
 */
#include "usbbus.h"

#include "simlog.h"
#include "soc.h"

#include <stdio.h>
#include <string.h>

#define USB_MS 1000000ull
#define USB_T_ATTDB (100 * USB_MS)
#define USB_T_DRST (10 * USB_MS)
#define USB_T_RSTRCY (10 * USB_MS)
#define USB_T_SETADDR (5000 * USB_MS)
#define USB_T_DDIS 2500ull

const char *usbbus_dev_name(enum usb_dev d)
{
	switch (d) {
	case USB_DEV_APP: return "app";
	case USB_DEV_DFU: return "dfu";
	default: return "none";
	}
}

static const char *usbbus_pid(enum usb_dev d)
{
	return d == USB_DEV_DFU ? "df11" : "5740";
}

void usbbus_init(struct soc *s)
{
	memset(&s->usb, 0, sizeof(s->usb));
}

/* which device would be enumerating: the ROM's when the CM7 runs system memory */
static enum usb_dev usbbus_guess(struct soc *s, unsigned core)
{
	struct core *c = &s->core[core > 1 ? CORE_CM7 : core];
	uint32_t pc = ucpu_pc(c);

	return (pc - SOC_SYSMEM_BASE < SOC_SYSMEM_SIZE) ? USB_DEV_DFU : USB_DEV_APP;
}

static void usbbus_detach(struct soc *s)
{
	struct usbbus *u = &s->usb;

	if (u->attached != USB_DEV_NONE) {
		soc_event(s, "usb detach dev=%s vid=0483 pid=%s port=1-1 sim_ns=%llu mono_ms=%.3f",
			  usbbus_dev_name(u->attached), usbbus_pid(u->attached), (unsigned long long)s->sim_ns,
			  soc_mono_ms());
		sim_info("usb: %s device detached", usbbus_dev_name(u->attached));
	}
	u->attached = USB_DEV_NONE;
	u->phase = USBHOST_IDLE;
	u->detach_armed = false;
}

void usbbus_update(struct soc *s)
{
	struct usbbus *u = &s->usb;
	bool p = otg_pullup(s, &s->otg_fs);

	if (p == u->pullup)
		return;
	u->pullup = p;
	u->pullup_ns = s->sim_ns;
	soc_event(s, "usb pullup state=%s sim_ns=%llu mono_ms=%.3f", p ? "on" : "off",
		  (unsigned long long)s->sim_ns, soc_mono_ms());
	sim_dbg("usb: D+ pull-up %s", p ? "on" : "off");
	if (p) {
		if (u->detach_armed) {
			/* off for less than TDDIS: the host did not notice */
			u->detach_armed = false;
			return;
		}
		if (u->attached == USB_DEV_NONE && !s->inj.cable_down) {
			u->phase = USBHOST_DEBOUNCE;
			u->deadline_ns = s->sim_ns + USB_T_ATTDB;
		}
	} else if (u->attached != USB_DEV_NONE || u->phase != USBHOST_IDLE) {
		u->detach_armed = true;
		u->detach_ns = s->sim_ns + USB_T_DDIS;
	}
}

void usbbus_tick(struct soc *s)
{
	struct usbbus *u = &s->usb;
	static const uint8_t set_address[8] = { 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 };

	if (u->detach_armed && s->sim_ns >= u->detach_ns)
		usbbus_detach(s);
	if (s->inj.flap_period_ns && s->sim_ns >= s->inj.flap_next_ns) {
		s->inj.flap_next_ns = s->sim_ns + s->inj.flap_period_ns;
		usbbus_set_cable(s, s->inj.cable_down);
	}
	if (u->phase == USBHOST_IDLE || s->sim_ns < u->deadline_ns)
		return;
	switch (u->phase) {
	case USBHOST_DEBOUNCE:
		otg_host_reset_begin(&s->otg_fs);
		u->phase = USBHOST_RESET;
		u->deadline_ns = s->sim_ns + USB_T_DRST;
		sim_dbg("usb: host drives bus reset");
		break;
	case USBHOST_RESET:
		otg_host_reset_end(&s->otg_fs);
		u->phase = USBHOST_RECOVERY;
		u->deadline_ns = s->sim_ns + USB_T_RSTRCY;
		break;
	case USBHOST_RECOVERY:
		otg_host_setup(&s->otg_fs, set_address);
		u->phase = USBHOST_ADDRESS;
		u->deadline_ns = s->sim_ns + USB_T_SETADDR;
		sim_dbg("usb: host sends SET_ADDRESS(1)");
		break;
	case USBHOST_ADDRESS: {
		bool rst = (s->otg_fs.r[OTG_GINTSTS / 4] & OTG_GINTSTS_USBRST) != 0;
		enum usb_dev d = usbbus_guess(s, CORE_CM7);

		u->phase = USBHOST_IDLE;
		soc_event(s, "usb enum-failed dev=%s reason=%s sim_ns=%llu mono_ms=%.3f", usbbus_dev_name(d),
			  rst ? "no-reset-serviced" : "no-address", (unsigned long long)s->sim_ns, soc_mono_ms());
		sim_info("usb: enumeration failed (%s)", rst ? "bus reset never serviced" : "no address set");
		break;
	}
	case USBHOST_IDLE:
		break;
	}
	soc_irq_update(s);
}

uint64_t usbbus_next_event(const struct soc *s)
{
	const struct usbbus *u = &s->usb;
	uint64_t t = UINT64_MAX;

	if (u->detach_armed)
		t = u->detach_ns;
	if (s->inj.flap_period_ns && s->inj.flap_next_ns < t)
		t = s->inj.flap_next_ns;
	if (u->phase != USBHOST_IDLE && u->deadline_ns < t)
		t = u->deadline_ns;
	return t;
}

void usbbus_address_set(struct soc *s, unsigned core)
{
	struct usbbus *u = &s->usb;
	enum usb_dev d;

	if (u->phase != USBHOST_ADDRESS)
		return;
	if (s->inj.no_enumerate) {
		/* injected: the address never takes effect, the host times out */
		s->inj.st.enum_refused++;
		return;
	}
	d = usbbus_guess(s, core);
	u->phase = USBHOST_IDLE;
	u->attached = d;
	u->attached_ns = s->sim_ns;
	if (d == USB_DEV_DFU)
		snprintf(u->serial, sizeof(u->serial), "%08X0000", s->p.idc);
	else
		snprintf(u->serial, sizeof(u->serial), "h7sim-app");
	soc_event(s, "usb attach dev=%s vid=0483 pid=%s bcd=0200 serial=%s port=1-1 sim_ns=%llu mono_ms=%.3f",
		  usbbus_dev_name(d), usbbus_pid(d), u->serial, (unsigned long long)s->sim_ns, soc_mono_ms());
	sim_info("usb: %s device attached (serial %s)", usbbus_dev_name(d), u->serial);
}

void usbbus_set_cable(struct soc *s, bool up)
{
	struct usbbus *u = &s->usb;

	if (up == !s->inj.cable_down)
		return;
	s->inj.cable_down = !up;
	soc_event(s, "usb cable state=%s sim_ns=%llu mono_ms=%.3f", up ? "up" : "down", (unsigned long long)s->sim_ns,
		  soc_mono_ms());
	if (!up) {
		s->inj.st.usb_flaps++;
		sim_info("usb: cable down (injected)");
		usbbus_detach(s);
		return;
	}
	sim_info("usb: cable up (injected)");
	if (u->pullup && u->attached == USB_DEV_NONE) {
		u->phase = USBHOST_DEBOUNCE;
		u->deadline_ns = s->sim_ns + USB_T_ATTDB;
	}
}

void usbbus_power_off(struct soc *s)
{
	struct usbbus *u = &s->usb;

	if (u->pullup) {
		u->pullup = false;
		soc_event(s, "usb pullup state=off sim_ns=%llu mono_ms=%.3f", (unsigned long long)s->sim_ns,
			  soc_mono_ms());
	}
	usbbus_detach(s);
}

int usbbus_describe(const struct soc *s, char *buf, unsigned cap)
{
	const struct usbbus *u = &s->usb;

	if (u->attached == USB_DEV_NONE)
		return snprintf(buf, cap, "attached=none");
	return snprintf(buf, cap, "attached=%s vid=0483 pid=%s bcd=0200 serial=%s port=1-1 since_ns=%llu",
			usbbus_dev_name(u->attached), usbbus_pid(u->attached), u->serial,
			(unsigned long long)u->attached_ns);
}
