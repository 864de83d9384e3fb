/* h7sim - the USB OTG cores in device mode (see otg.h; RM0399 OTG chapter). */
#include "otg.h"

#include "simlog.h"
#include "soc.h"
#include "svd_regs.h"

#include <string.h>

void otg_init(struct otg *o, unsigned usb_n)
{
	memset(o, 0, sizeof(*o));
	o->usb_n = usb_n;
	o->base = usb_n == 2 ? OTG_FS_BASE : OTG_HS_BASE;
	o->irq = usb_n == 2 ? OTG_FS_IRQ : OTG_HS_IRQ;
	otg_reset(o);
}

void otg_reset(struct otg *o)
{
	memset(o->r, 0, sizeof(o->r));
	memset(o->known, 0, sizeof(o->known));
	for (unsigned i = 0; i < svd_otg_count; i++) {
		if (svd_otg[i].off / 4 >= sizeof(o->r) / 4)
			continue;
		o->r[svd_otg[i].off / 4] = svd_otg[i].reset;
		o->known[svd_otg[i].off / 4] = 1;
	}
	/* registers the SVD lacks: DIEPTXFx, DOEPx of the device map, GSNPSID (0x040),
	 * GHWCFGx (0x044-0x050): plain storage reading zero */
	for (unsigned off = 0x900; off < 0xC00; off += 4)
		o->known[off / 4] = 1;
	o->r[OTG_GRSTCTL / 4] = OTG_GRSTCTL_AHBIDL;
	o->rxsts_n = 0;
	o->rxdata_n = o->rxdata_pos = 0;
}

bool otg_irq_level(const struct otg *o)
{
	uint32_t sts = o->r[OTG_GINTSTS / 4] | (o->rxsts_n ? OTG_GINTSTS_RXFLVL : 0);

	return (o->r[OTG_GAHBCFG / 4] & OTG_GAHBCFG_GINT) && (sts & o->r[OTG_GINTMSK / 4]);
}

bool otg_pullup(const struct soc *s, const struct otg *o)
{
	/* RM0399 OTG "Peripheral mode": the core drives the DP pull-up in device
	 * mode once the transceiver is powered (GCCFG.PWRDWN) and soft disconnect
	 * (DCTL.SDIS) is clear; it needs its AHB clock and must be out of reset */
	return s->power && periph_otg_clocked(s, o->usb_n) && !(o->r[OTG_GUSBCFG / 4] & OTG_GUSBCFG_FHMOD) &&
	       (o->r[OTG_GCCFG / 4] & OTG_GCCFG_PWRDWN) && !(o->r[OTG_DCTL / 4] & OTG_DCTL_SDIS);
}

unsigned otg_address(const struct otg *o)
{
	return (o->r[OTG_DCFG / 4] & OTG_DCFG_DAD_MASK) >> OTG_DCFG_DAD_SHIFT;
}

void otg_host_reset_begin(struct otg *o)
{
	o->r[OTG_GINTSTS / 4] |= OTG_GINTSTS_USBRST;
	o->rxsts_n = 0;
	o->rxdata_n = o->rxdata_pos = 0;
}

void otg_host_reset_end(struct otg *o)
{
	o->r[OTG_GINTSTS / 4] |= OTG_GINTSTS_ENUMDNE;
	/* DSTS.ENUMSPD = 11: full speed (RM0399 OTG_DSTS) */
	o->r[OTG_DSTS / 4] = (o->r[OTG_DSTS / 4] & ~(3u << 1)) | OTG_DSTS_ENUMSPD_FS;
}

void otg_host_setup(struct otg *o, const uint8_t setup[8])
{
	/* GRXSTSP: EPNUM 3:0, BCNT 14:4, DPID 16:15, PKTSTS 20:17 */
	o->rxsts[0] = (8u << 4) | (OTG_PKTSTS_SETUP_DATA << 17);
	o->rxsts[1] = OTG_PKTSTS_SETUP_DONE << 17;
	o->rxsts_n = 2;
	memcpy(&o->rxdata[0], setup, 4);
	memcpy(&o->rxdata[1], setup + 4, 4);
	o->rxdata_n = 0; /* the data words become readable when their status is popped */
	o->rxdata_pos = 0;
}

static uint32_t otg_pop_status(struct otg *o)
{
	uint32_t st;

	if (!o->rxsts_n)
		return 0;
	st = o->rxsts[0];
	memmove(&o->rxsts[0], &o->rxsts[1], (sizeof(o->rxsts) / sizeof(o->rxsts[0]) - 1) * sizeof(o->rxsts[0]));
	o->rxsts_n--;
	if (((st >> 17) & 0xFu) == OTG_PKTSTS_SETUP_DATA) {
		o->rxdata_n = 2;
		o->rxdata_pos = 0;
	}
	return st;
}

int otg_read(struct soc *s, struct otg *o, unsigned master, uint32_t off, unsigned size, uint32_t *val)
{
	uint32_t v;
	unsigned sh = (off & 3u) * 8;

	(void)master;
	off &= ~3u;
	if (off >= OTG_FIFO0) {
		/* FIFO windows: a read pops the receive FIFO */
		v = o->rxdata_pos < o->rxdata_n ? o->rxdata[o->rxdata_pos++] : 0;
	} else if (!o->known[off / 4]) {
		soc_unmodelled(s, o->usb_n == 2 ? "OTG_FS" : "OTG_HS", o->base + off, false, 0);
		v = 0;
	} else {
		switch (off) {
		case OTG_GRSTCTL:
			v = (o->r[off / 4] & ~(OTG_GRSTCTL_CSRST | OTG_GRSTCTL_RXFFLSH | OTG_GRSTCTL_TXFFLSH)) |
			    OTG_GRSTCTL_AHBIDL;
			break;
		case OTG_GINTSTS:
			v = (o->r[off / 4] & ~(OTG_GINTSTS_CMOD | OTG_GINTSTS_RXFLVL)) |
			    (o->rxsts_n ? OTG_GINTSTS_RXFLVL : 0) |
			    ((o->r[OTG_GUSBCFG / 4] & OTG_GUSBCFG_FHMOD) ? OTG_GINTSTS_CMOD : 0);
			break;
		case OTG_GRXSTSR:
			v = o->rxsts_n ? o->rxsts[0] : 0;
			break;
		case OTG_GRXSTSP:
			v = otg_pop_status(o);
			soc_irq_update(s);
			break;
		default:
			v = o->r[off / 4];
			break;
		}
	}
	*val = size == 4 ? v : (v >> sh) & (size == 1 ? 0xFFu : 0xFFFFu);
	return 0;
}

int otg_write(struct soc *s, struct otg *o, unsigned master, uint32_t off, unsigned size, uint32_t val)
{
	unsigned sh = (off & 3u) * 8;
	uint32_t mask = size == 4 ? 0xFFFFFFFFu : (size == 1 ? 0xFFu : 0xFFFFu) << sh;
	uint32_t v = size == 4 ? val : (val << sh) & mask;
	uint32_t old;

	off &= ~3u;
	if (off >= OTG_FIFO0)
		return 0; /* transmit data: the host model does not read it */
	if (!o->known[off / 4]) {
		soc_unmodelled(s, o->usb_n == 2 ? "OTG_FS" : "OTG_HS", o->base + off, true, val);
		return 0;
	}
	old = o->r[off / 4];
	switch (off) {
	case OTG_GINTSTS:
		o->r[off / 4] &= ~(v & OTG_GINTSTS_W1C);
		break;
	case OTG_GRSTCTL:
		if (v & OTG_GRSTCTL_CSRST) {
			/* core soft reset: interrupts and the receive side are cleared */
			o->r[OTG_GINTSTS / 4] = 0x04000020u; /* SVD reset value */
			o->rxsts_n = 0;
			o->rxdata_n = o->rxdata_pos = 0;
		}
		if (v & OTG_GRSTCTL_RXFFLSH) {
			o->rxsts_n = 0;
			o->rxdata_n = o->rxdata_pos = 0;
		}
		o->r[off / 4] = (old & ~mask) | (v & mask & ~(OTG_GRSTCTL_CSRST | OTG_GRSTCTL_RXFFLSH |
								OTG_GRSTCTL_TXFFLSH));
		break;
	case OTG_GRXSTSR:
	case OTG_GRXSTSP:
		break; /* read-only */
	case OTG_DCTL:
		/* SGINAK, CGINAK, SGONAK, CGONAK and POPRGDNE are commands, not state */
		o->r[off / 4] = ((old & ~mask) | (v & mask)) & ~0xF80u;
		break;
	case OTG_DSTS:
		break; /* read-only */
	default:
		o->r[off / 4] = (old & ~mask) | (v & mask);
		break;
	}
	if (off == OTG_DCFG && otg_address(o) && (old & OTG_DCFG_DAD_MASK) != (o->r[off / 4] & OTG_DCFG_DAD_MASK) &&
	    o->usb_n == 2)
		usbbus_address_set(s, master);
	soc_irq_update(s);
	usbbus_update(s);
	return 0;
}
