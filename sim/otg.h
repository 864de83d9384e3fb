/* h7sim - the Synopsys DWC2 USB OTG cores of the STM32H745 (RM0399 "USB on-the-go
 * high-speed (OTG_HS)" chapter, which describes both instances):
 * USB1_OTG_HS at 0x40040000 (IRQ 77 OTG_HS) and USB2_OTG_FS at 0x40080000 (IRQ 101
 * OTG_FS, the ROM bootloader's DFU port on PA11/PA12).
 *
 * Modelled: the registers firmware touches to connect and enumerate in device
 * mode (GOTGCTL, GAHBCFG.GINT, GUSBCFG.FDMOD/FHMOD, GRSTCTL with self-clearing
 * CSRST and FIFO flushes, GINTSTS (W1C) / GINTMSK, the receive status queue
 * GRXSTSR/GRXSTSP and FIFO 0 for SETUP packets, GCCFG.PWRDWN, DCFG.DAD, DCTL.SDIS,
 * DSTS.ENUMSPD), the interrupt line, and the D+ pull-up condition. Endpoint data
 * transfers are not emulated (the host model in usbbus.c does not need them).
 */
#ifndef H7SIM_OTG_H
#define H7SIM_OTG_H

#include <stdbool.h>
#include <stdint.h>

struct soc;

#define OTG_HS_BASE 0x40040000u
#define OTG_FS_BASE 0x40080000u
#define OTG_SIZE 0x40000u
#define OTG_HS_IRQ 77u
#define OTG_FS_IRQ 101u

/* register offsets */
#define OTG_GOTGCTL 0x000u
#define OTG_GAHBCFG 0x008u
#define OTG_GUSBCFG 0x00Cu
#define OTG_GRSTCTL 0x010u
#define OTG_GINTSTS 0x014u
#define OTG_GINTMSK 0x018u
#define OTG_GRXSTSR 0x01Cu
#define OTG_GRXSTSP 0x020u
#define OTG_GCCFG 0x038u
#define OTG_CID 0x03Cu
#define OTG_DCFG 0x800u
#define OTG_DCTL 0x804u
#define OTG_DSTS 0x808u
#define OTG_PCGCCTL 0xE00u
#define OTG_FIFO0 0x1000u

#define OTG_GAHBCFG_GINT (1u << 0)
#define OTG_GUSBCFG_FHMOD (1u << 29)
#define OTG_GUSBCFG_FDMOD (1u << 30)
#define OTG_GRSTCTL_CSRST (1u << 0)
#define OTG_GRSTCTL_RXFFLSH (1u << 4)
#define OTG_GRSTCTL_TXFFLSH (1u << 5)
#define OTG_GRSTCTL_AHBIDL (1u << 31)
#define OTG_GINTSTS_CMOD (1u << 0)
#define OTG_GINTSTS_RXFLVL (1u << 4)
#define OTG_GINTSTS_USBSUSP (1u << 11)
#define OTG_GINTSTS_USBRST (1u << 12)
#define OTG_GINTSTS_ENUMDNE (1u << 13)
#define OTG_GINTSTS_W1C 0xF030FC0Au /* bits firmware clears by writing 1 */
#define OTG_GCCFG_PWRDWN (1u << 16)
#define OTG_DCFG_DAD_SHIFT 4
#define OTG_DCFG_DAD_MASK (0x7Fu << 4)
#define OTG_DCTL_SDIS (1u << 1)
#define OTG_DSTS_ENUMSPD_FS (3u << 1)
/* GRXSTSP packet status (device mode) */
#define OTG_PKTSTS_SETUP_DONE 4u
#define OTG_PKTSTS_SETUP_DATA 6u

struct otg {
	unsigned usb_n;       /* 1: USB1_OTG_HS, 2: USB2_OTG_FS (RCC bit names) */
	uint32_t base;
	unsigned irq;
	uint32_t r[0x1000 / 4];
	uint8_t known[0x1000 / 4];
	uint32_t rxsts[4];    /* receive status queue */
	unsigned rxsts_n;
	uint32_t rxdata[4];   /* FIFO words of the SETUP packet being read */
	unsigned rxdata_n, rxdata_pos;
};

void otg_init(struct otg *o, unsigned usb_n);
/* register reset (SVD values): RCC reset pulse, system reset, power-on */
void otg_reset(struct otg *o);
int otg_read(struct soc *s, struct otg *o, unsigned master, uint32_t off, unsigned size, uint32_t *val);
int otg_write(struct soc *s, struct otg *o, unsigned master, uint32_t off, unsigned size, uint32_t val);
/* the OTG global interrupt line */
bool otg_irq_level(const struct otg *o);
/* D+ pull-up enabled: device mode, transceiver powered (GCCFG.PWRDWN), core
 * clocked and out of reset (RCC) and soft-connected (DCTL.SDIS clear). */
bool otg_pullup(const struct soc *s, const struct otg *o);
/* what the host does on the bus */
void otg_host_reset_begin(struct otg *o);
void otg_host_reset_end(struct otg *o);
void otg_host_setup(struct otg *o, const uint8_t setup[8]);
unsigned otg_address(const struct otg *o);

#endif
