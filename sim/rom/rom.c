/* h7sim ROM bootloader: a stand-in for the STM32H745 system-memory bootloader,
 * written for h7sim (not ST's code). Like the real one (AN2606: H74x/H75x
 * bootloader, USB DFU on OTG_FS PA11/PA12) it
 *   - has its vector table at 0x1FF09800 and its stack in bootloader RAM,
 *   - sets VTOR to its own table,
 *   - configures its clocks (HSI, PLL1 as system clock, HSI48 for USB), waiting
 *     on the ready flags the way HAL code does,
 *   - enables OTG_FS in device mode, powers the transceiver and is connected
 *     (the D+ pull-up comes on), and
 *   - does ALL enumeration work in the OTG_FS interrupt handler while the main
 *     loop sleeps in WFI.
 * It never changes PRIMASK, FAULTMASK or BASEPRI: it relies on their reset
 * values. So when an application jumps here with interrupts masked, or from a
 * handler whose priority blocks the OTG interrupt, the interrupt is never taken
 * and the host's enumeration fails, because the emulated core says so.
 * Whether ST's ROM pulses a soft disconnect (DCTL.SDIS) when it starts is not
 * documented; h7sim makes it an option (--rom-sdis-pulse-us, default off).
 * Descriptors and DFU requests are not implemented: the host model stops after
 * SET_ADDRESS (see sim/usbbus.c).
 */
#include "rom.h"

typedef void (*rom_vector)(void);

void rom_reset(void);
void rom_fault(void);
void rom_otg_fs_irq(void);

extern uint32_t _sbss, _ebss;

static uint32_t rom_setup_pkt[2];
static uint32_t rom_have_setup;

__attribute__((section(".vectors"), used)) const rom_vector rom_vectors[16 + 150] = {
	[0] = (rom_vector)0x2001FF00u, /* initial MSP: bootloader RAM (DTCM) */
	[1] = rom_reset,
	[2 ... 15] = rom_fault,
	[16 ... 16 + OTG_FS_IRQ - 1] = rom_fault,
	[16 + OTG_FS_IRQ] = rom_otg_fs_irq,
	[16 + OTG_FS_IRQ + 1 ... 16 + 149] = rom_fault,
};

/* n processor cycles: two instructions per iteration */
static void rom_delay_cycles(uint32_t n)
{
	__asm volatile("1: subs %0, %0, #2\n\tbhi 1b" : "+r"(n) : : "cc");
}

static void rom_clocks(void)
{
	RCC_CR |= RCC_CR_HSION;
	while (!(RCC_CR & RCC_CR_HSIRDY))
		;
	/* PLL1 from HSI 64 MHz: M = 4 (16 MHz), N = 25 (400 MHz VCO), P = 2 -> 200 MHz */
	RCC_PLLCKSELR = (RCC_PLLCKSELR & ~0x3F3u) | (4u << 4) | 0u;
	RCC_PLL1DIVR = (25u - 1u) | ((2u - 1u) << 9) | ((2u - 1u) << 16) | ((2u - 1u) << 24);
	RCC_CR |= RCC_CR_PLL1ON;
	while (!(RCC_CR & RCC_CR_PLL1RDY))
		;
	RCC_CFGR = (RCC_CFGR & ~7u) | 3u; /* SW = PLL1 */
	while (((RCC_CFGR >> 3) & 7u) != 3u)
		;
	/* USB kernel clock: HSI48 (RCC_D2CCIP2R.USBSEL = 3) */
	RCC_CR |= RCC_CR_RC48ON;
	while (!(RCC_CR & RCC_CR_RC48RDY))
		;
	RCC_D2CCIP2R = (RCC_D2CCIP2R & ~(3u << 20)) | (3u << 20);
}

static void rom_usb_init(void)
{
	uint32_t pulse = ROM_CONFIG->magic == ROM_CONFIG_MAGIC ? ROM_CONFIG->sdis_pulse_us : 0;

	PWR_CR3 |= PWR_CR3_USB33DEN;
	while (!(PWR_CR3 & PWR_CR3_USB33RDY))
		;
	RCC_AHB1ENR |= RCC_AHB1ENR_USB2OTGFSEN;
	OTG_GAHBCFG &= ~OTG_GINT;
	while (!(OTG_GRSTCTL & OTG_AHBIDL))
		;
	OTG_GRSTCTL |= OTG_CSRST;
	while (OTG_GRSTCTL & OTG_CSRST)
		;
	OTG_GUSBCFG |= OTG_FDMOD;
	if (pulse) {
		OTG_DCTL |= OTG_SDIS;
		rom_delay_cycles(pulse * 200u); /* 200 MHz */
	}
	OTG_DCFG = (OTG_DCFG & ~3u) | 3u; /* full speed, internal PHY */
	OTG_GINTSTS = 0xFFFFFFFFu;
	OTG_GINTMSK = OTG_USBRST | OTG_ENUMDNE | OTG_RXFLVL | OTG_USBSUSP;
	OTG_GCCFG |= OTG_PWRDWN;
	if (pulse)
		OTG_DCTL &= ~OTG_SDIS;
	OTG_GAHBCFG |= OTG_GINT;
	NVIC_ISER(OTG_FS_IRQ / 32) = 1u << (OTG_FS_IRQ % 32);
}

void rom_reset(void)
{
	for (uint32_t *p = &_sbss; p < &_ebss; p++)
		*p = 0;
	SCB_VTOR = 0x1FF09800u;
	__asm volatile("dsb\n\tisb" ::: "memory");
	rom_clocks();
	rom_usb_init();
	for (;;)
		__asm volatile("wfi");
}

static void rom_setup(const uint8_t *s)
{
	/* standard request SET_ADDRESS (USB 2.0 section 9.4.6) */
	if (s[0] == 0x00 && s[1] == 0x05)
		OTG_DCFG = (OTG_DCFG & ~OTG_DAD_MASK) | (((uint32_t)s[2] & 0x7Fu) << 4);
}

void rom_otg_fs_irq(void)
{
	uint32_t sts = OTG_GINTSTS & OTG_GINTMSK;

	if (sts & OTG_USBRST) {
		OTG_GINTSTS = OTG_USBRST;
		OTG_DCFG &= ~OTG_DAD_MASK;
		rom_have_setup = 0;
	}
	if (sts & OTG_ENUMDNE)
		OTG_GINTSTS = OTG_ENUMDNE;
	if (sts & OTG_USBSUSP)
		OTG_GINTSTS = OTG_USBSUSP;
	while (OTG_GINTSTS & OTG_RXFLVL) {
		uint32_t st = OTG_GRXSTSP;
		uint32_t pktsts = (st >> 17) & 0xFu, bcnt = (st >> 4) & 0x7FFu;

		if (pktsts == 6u && bcnt == 8u) {
			rom_setup_pkt[0] = OTG_FIFO0;
			rom_setup_pkt[1] = OTG_FIFO0;
			rom_have_setup = 1;
		} else if (pktsts == 4u && rom_have_setup) {
			rom_have_setup = 0;
			rom_setup((const uint8_t *)rom_setup_pkt);
		} else {
			for (uint32_t i = 0; i < (bcnt + 3u) / 4u; i++)
				(void)OTG_FIFO0;
		}
	}
}

void rom_fault(void)
{
	for (;;)
		;
}
