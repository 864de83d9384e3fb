/* A minimal USB full-speed CDC-ACM device on the STM32H7 OTG_FS core, used by
 * the probe to recreate "the application's USB device is still connected".
 * Follows RM0399 "USB on-the-go" programming model (device initialization,
 * USB reset and enumeration-done handling, control transfers through the
 * shared RX FIFO and the EP0 TX FIFO). Only EP0 does real work; the CDC data
 * and notification endpoints are activated and NAK forever. */
#include "usbdev.h"

#include <stdint.h>

#include "hw.h"

#define DIEPCTL(n) REG32(OTG_BASE + 0x900u + 0x20u * (n))
#define DOEPCTL(n) REG32(OTG_BASE + 0xB00u + 0x20u * (n))
#define DIEPTXF(n) REG32(OTG_BASE + 0x104u + 4u * ((n) - 1u))
#define EPCTL_EPENA (1u << 31)
#define EPCTL_SD0PID (1u << 28)
#define EPCTL_SNAK (1u << 27)
#define EPCTL_CNAK (1u << 26)
#define EPCTL_STALL (1u << 21)
#define EPCTL_USBAEP (1u << 15)
#define GOTGCTL_BVALOEN (1u << 6)
#define GOTGCTL_BVALOVAL (1u << 7)

enum { ST_OFF = 0, ST_CONNECTED = 1, ST_RESET = 2, ST_ADDRESSED = 3, ST_CONFIGURED = 4 };

static volatile struct probe_mailbox *mbox;
static uint8_t line_coding[7] = { 0x00, 0xC2, 0x01, 0x00, 0x00, 0x00, 0x08 }; /* 115200 8N1 */
static uint8_t pending_out; /* a SET_LINE_CODING data stage is expected */

static const uint8_t dev_desc[18] = {
	18, 1, 0x00, 0x02, 0x02, 0x00, 0x00, 64, /* USB 2.0, class CDC, EP0 64 bytes */
	0x83, 0x04, 0x40, 0x57, 0x00, 0x02,     /* 0483:5740, bcdDevice 2.00 */
	1, 2, 3, 1,
};

static const uint8_t cfg_desc[67] = {
	9, 2, 67, 0, 2, 1, 0, 0xC0, 50,
	/* interface 0: CDC communication, ACM */
	9, 4, 0, 0, 1, 0x02, 0x02, 0x01, 0,
	5, 0x24, 0x00, 0x10, 0x01,   /* header, CDC 1.10 */
	5, 0x24, 0x01, 0x00, 0x01,   /* call management */
	4, 0x24, 0x02, 0x02,         /* ACM */
	5, 0x24, 0x06, 0x00, 0x01,   /* union */
	7, 5, 0x82, 0x03, 8, 0, 16,  /* EP2 IN interrupt */
	/* interface 1: CDC data */
	9, 4, 1, 0, 2, 0x0A, 0x00, 0x00, 0,
	7, 5, 0x01, 0x02, 64, 0, 0,  /* EP1 OUT bulk */
	7, 5, 0x81, 0x02, 64, 0, 0,  /* EP1 IN bulk */
};

static const char *const strings[] = { "", "STMicroelectronics", "h7jumpdiag application CDC", "H7JD-APP" };

static void ep0_arm_out(void)
{
	OTG_DOEPTSIZ0 = (3u << 29) | (1u << 19) | 24u; /* STUPCNT 3, PKTCNT 1, 3 setup packets */
	OTG_DOEPCTL0 |= EPCTL_EPENA | EPCTL_CNAK;
}

static void ep0_send(const uint8_t *data, uint32_t len)
{
	uint32_t pkts = len == 0 ? 1u : (len + 63u) / 64u;

	OTG_DIEPTSIZ0 = (pkts << 19) | len;
	OTG_DIEPCTL0 |= EPCTL_EPENA | EPCTL_CNAK;
	for (uint32_t i = 0; i < len; i += 4) {
		uint32_t w = 0;
		for (uint32_t b = 0; b < 4 && i + b < len; b++)
			w |= (uint32_t)data[i + b] << (8 * b);
		OTG_FIFO(0) = w;
	}
}

static void ep0_stall(void)
{
	OTG_DIEPCTL0 |= EPCTL_STALL;
	OTG_DOEPCTL0 |= EPCTL_STALL;
}

static void send_string(uint32_t idx, uint32_t wlength)
{
	uint8_t buf[64];
	uint32_t n = 2;

	if (idx == 0) {
		buf[0] = 4;
		buf[1] = 3;
		buf[2] = 0x09;
		buf[3] = 0x04;
		n = 4;
	} else {
		for (const char *s = strings[idx]; *s && n + 2 <= sizeof buf; s++) {
			buf[n++] = (uint8_t)*s;
			buf[n++] = 0;
		}
		buf[0] = (uint8_t)n;
		buf[1] = 3;
	}
	ep0_send(buf, n < wlength ? n : wlength);
}

static void activate_cdc_endpoints(void)
{
	/* TX FIFOs after RX (128 words) and TX0 (64 words) */
	DIEPTXF(1) = (64u << 16) | 192u;
	DIEPTXF(2) = (16u << 16) | 256u;
	DIEPCTL(1) = EPCTL_USBAEP | (2u << 18) | (1u << 22) | EPCTL_SD0PID | EPCTL_SNAK | 64u;
	DIEPCTL(2) = EPCTL_USBAEP | (3u << 18) | (2u << 22) | EPCTL_SD0PID | EPCTL_SNAK | 8u;
	DOEPCTL(1) = EPCTL_USBAEP | (2u << 18) | EPCTL_SD0PID | EPCTL_SNAK | 64u;
}

static void handle_setup(const uint8_t *s)
{
	uint32_t type = s[0], req = s[1], value = s[2] | (uint32_t)s[3] << 8;
	uint32_t wlength = s[6] | (uint32_t)s[7] << 8;

	if ((type & 0x60) == 0x00) { /* standard */
		switch (req) {
		case 5: /* SET_ADDRESS: DAD is written before the status stage on this core */
			OTG_DCFG = (OTG_DCFG & ~OTG_DCFG_DAD_MSK) | ((value & 0x7Fu) << OTG_DCFG_DAD_POS);
			ep0_send(0, 0);
			mbox->usb_state = ST_ADDRESSED;
			return;
		case 6: /* GET_DESCRIPTOR */
			switch (value >> 8) {
			case 1: ep0_send(dev_desc, wlength < 18 ? wlength : 18); return;
			case 2: ep0_send(cfg_desc, wlength < sizeof cfg_desc ? wlength : sizeof cfg_desc); return;
			case 3:
				if ((value & 0xFF) < 4) {
					send_string(value & 0xFF, wlength);
					return;
				}
				break;
			default: break;
			}
			break;
		case 9: /* SET_CONFIGURATION */
			activate_cdc_endpoints();
			ep0_send(0, 0);
			mbox->usb_state = ST_CONFIGURED;
			return;
		case 0: { /* GET_STATUS */
			static const uint8_t zero[2] = { 0, 0 };
			ep0_send(zero, 2);
			return;
		}
		case 1: case 3: case 11: /* CLEAR_FEATURE, SET_FEATURE, SET_INTERFACE */
			ep0_send(0, 0);
			return;
		default: break;
		}
	} else if ((type & 0x60) == 0x20) { /* CDC class */
		switch (req) {
		case 0x20: pending_out = 1; return;                    /* SET_LINE_CODING: data stage follows */
		case 0x21: ep0_send(line_coding, 7); return;            /* GET_LINE_CODING */
		case 0x22: ep0_send(0, 0); return;                      /* SET_CONTROL_LINE_STATE */
		default: break;
		}
	}
	ep0_stall();
}

void usbdev_irq_handler(void)
{
	uint32_t sts = OTG_GINTSTS & OTG_GINTMSK;

	if (sts & OTG_GINTSTS_USBRST) {
		OTG_GINTSTS = OTG_GINTSTS_USBRST;
		OTG_DCFG &= ~OTG_DCFG_DAD_MSK;
		OTG_DAINTMSK = (1u << 16) | 1u;
		OTG_DOEPMSK = (1u << 3) | 1u; /* STUP, XFRC */
		OTG_DIEPMSK = 1u;             /* XFRC */
		OTG_GRXFSIZ = 128u;
		OTG_DIEPTXF0 = (64u << 16) | 128u;
		ep0_arm_out();
		if (mbox)
			mbox->usb_state = ST_RESET;
	}
	if (sts & OTG_GINTSTS_ENUMDNE) {
		OTG_GINTSTS = OTG_GINTSTS_ENUMDNE;
		OTG_DIEPCTL0 &= ~3u; /* MPSIZ 64 bytes */
		OTG_DCTL |= OTG_DCTL_CGINAK;
		ep0_arm_out();
	}
	if (sts & OTG_GINTSTS_USBSUSP)
		OTG_GINTSTS = OTG_GINTSTS_USBSUSP;
	if (sts & OTG_GINTSTS_RXFLVL) {
		uint32_t st = OTG_GRXSTSP;
		uint32_t pktsts = (st >> 17) & 0xFu, bcnt = (st >> 4) & 0x7FFu;
		uint32_t w[16];
		uint32_t nw = (bcnt + 3u) / 4u;

		for (uint32_t i = 0; i < nw; i++) {
			uint32_t v = OTG_FIFO(0);
			if (i < 16)
				w[i] = v;
		}
		if (pktsts == 6 && bcnt == 8) { /* SETUP data packet received */
			uint8_t s[8];
			for (int i = 0; i < 8; i++)
				s[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
			pending_out = 0;
			handle_setup(s);
			ep0_arm_out();
		} else if (pktsts == 2 && (st & 0xFu) == 0 && pending_out) { /* OUT data on EP0 */
			for (uint32_t i = 0; i < 7 && i < bcnt; i++)
				line_coding[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
			pending_out = 0;
			ep0_send(0, 0);
			ep0_arm_out();
		}
	}
}

void usbdev_connect(volatile struct probe_mailbox *mb)
{
	uint32_t n;

	mbox = mb;
	/* USB kernel clock: HSI48 (RM0399 RCC_D2CCIP2R.USBSEL) */
	RCC_CR |= RCC_CR_HSI48ON;
	for (n = 0; n < 1000000u && !(RCC_CR & RCC_CR_HSI48RDY); n++)
		;
	RCC_D2CCIP2R = (RCC_D2CCIP2R & ~RCC_D2CCIP2R_USBSEL_MSK) | RCC_D2CCIP2R_USBSEL_HSI48;
	RCC_AHB1ENR |= RCC_AHB1_USB2OTGFS;
	(void)RCC_AHB1ENR;

	/* core soft reset */
	for (n = 0; n < 1000000u && !(OTG_GRSTCTL & OTG_GRSTCTL_AHBIDL); n++)
		;
	OTG_GRSTCTL |= OTG_GRSTCTL_CSRST;
	for (n = 0; n < 1000000u && (OTG_GRSTCTL & OTG_GRSTCTL_CSRST); n++)
		;
	/* transceiver on, no VBUS sensing: force the B-session valid */
	OTG_GCCFG = (OTG_GCCFG | OTG_GCCFG_PWRDWN) & ~OTG_GCCFG_VBDEN;
	OTG_GOTGCTL |= GOTGCTL_BVALOEN | GOTGCTL_BVALOVAL;
	OTG_GUSBCFG = (OTG_GUSBCFG & ~(1u << 29)) | OTG_GUSBCFG_FDMOD; /* force device mode */
	OTG_DCTL |= OTG_DCTL_SDIS;
	OTG_DCFG = (OTG_DCFG & ~3u) | OTG_DCFG_DSPD_FS;
	OTG_PCGCCTL = 0;
	OTG_GINTSTS = 0xFFFFFFFFu;
	OTG_GINTMSK = OTG_GINTSTS_USBRST | OTG_GINTSTS_ENUMDNE | OTG_GINTSTS_RXFLVL | OTG_GINTSTS_USBSUSP;
	OTG_GAHBCFG |= OTG_GAHBCFG_GINT;
	NVIC_IPR8(IRQ_OTG_FS) = 6u << 4;
	NVIC_ISER(IRQ_OTG_FS / 32) = 1u << (IRQ_OTG_FS % 32);
	/* connect: D+ pull-up on */
	OTG_DCTL &= ~OTG_DCTL_SDIS;
	mb->usb_state = ST_CONNECTED;

	/* wait, bounded, for the host to address the device */
	for (n = 0; n < 40000000u && mb->usb_state < ST_ADDRESSED; n++)
		__asm volatile("nop");
}
