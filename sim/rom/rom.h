/* h7sim ROM bootloader - the few STM32H745 registers it uses (RM0399 register
 * maps; PM0253 for the SCB/NVIC) and the option block h7sim writes for it. */
#ifndef H7SIM_ROM_H
#define H7SIM_ROM_H

#include <stdint.h>

#define REG(a) (*(volatile uint32_t *)(a))

/* Cortex-M7 system control (PM0253) */
#define SCB_VTOR REG(0xE000ED08u)
#define NVIC_ISER(n) REG(0xE000E100u + 4u * (n))

/* RCC (RM0399) */
#define RCC_CR REG(0x58024400u)
#define RCC_CFGR REG(0x58024410u)
#define RCC_PLLCKSELR REG(0x58024428u)
#define RCC_PLL1DIVR REG(0x58024430u)
#define RCC_D2CCIP2R REG(0x58024454u)
#define RCC_AHB1ENR REG(0x580244D8u)
#define RCC_CR_HSION (1u << 0)
#define RCC_CR_HSIRDY (1u << 2)
#define RCC_CR_RC48ON (1u << 12)
#define RCC_CR_RC48RDY (1u << 13)
#define RCC_CR_PLL1ON (1u << 24)
#define RCC_CR_PLL1RDY (1u << 25)
#define RCC_AHB1ENR_USB2OTGFSEN (1u << 27)

/* PWR (RM0399) */
#define PWR_CR3 REG(0x5802480Cu)
#define PWR_CR3_USB33DEN (1u << 24)
#define PWR_CR3_USB33RDY (1u << 26)

/* USB2_OTG_FS (RM0399 OTG) */
#define OTG_BASE 0x40080000u
#define OTG_GAHBCFG REG(OTG_BASE + 0x008u)
#define OTG_GUSBCFG REG(OTG_BASE + 0x00Cu)
#define OTG_GRSTCTL REG(OTG_BASE + 0x010u)
#define OTG_GINTSTS REG(OTG_BASE + 0x014u)
#define OTG_GINTMSK REG(OTG_BASE + 0x018u)
#define OTG_GRXSTSP REG(OTG_BASE + 0x020u)
#define OTG_GCCFG REG(OTG_BASE + 0x038u)
#define OTG_DCFG REG(OTG_BASE + 0x800u)
#define OTG_DCTL REG(OTG_BASE + 0x804u)
#define OTG_FIFO0 REG(OTG_BASE + 0x1000u)
#define OTG_GINT (1u << 0)
#define OTG_FDMOD (1u << 30)
#define OTG_CSRST (1u << 0)
#define OTG_AHBIDL (1u << 31)
#define OTG_RXFLVL (1u << 4)
#define OTG_USBSUSP (1u << 11)
#define OTG_USBRST (1u << 12)
#define OTG_ENUMDNE (1u << 13)
#define OTG_PWRDWN (1u << 16)
#define OTG_SDIS (1u << 1)
#define OTG_DAD_MASK (0x7Fu << 4)
#define OTG_FS_IRQ 101u

/* h7sim writes this block into system memory (sim/soc.c): not part of ST's ROM */
struct rom_config {
	uint32_t magic;          /* ROM_CONFIG_MAGIC */
	uint32_t sdis_pulse_us;  /* soft-disconnect pulse at start, 0: none */
};
#define ROM_CONFIG ((const volatile struct rom_config *)0x1FF1E700u)
#define ROM_CONFIG_MAGIC 0x48375349u

#endif
