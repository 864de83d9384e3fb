/* Registers the probe firmware touches, by address, with the manual they come
 * from. Hand-written (no CMSIS/HAL dependency) and checked against the
 * STM32H745 CMSIS-SVD; the host-side catalog is src/regs.c. */
#ifndef PROBE_HW_H
#define PROBE_HW_H

#include <stdint.h>

#define REG32(a) (*(volatile uint32_t *)(a))
#define REG8(a) (*(volatile uint8_t *)(a))

/* System Control Block, PM0253 "System control block" and "Cache maintenance" */
#define SCB_ICSR REG32(0xE000ED04u)
#define SCB_VTOR REG32(0xE000ED08u)
#define SCB_CCR REG32(0xE000ED14u)
#define SCB_SHPR3 REG32(0xE000ED20u)
#define SCB_CFSR REG32(0xE000ED28u)
#define SCB_HFSR REG32(0xE000ED2Cu)
#define SCB_CCSIDR REG32(0xE000ED80u)
#define SCB_ABFSR REG32(0xE000EFA8u) /* Cortex-M7 TRM (DDI0489) auxiliary bus fault status */
#define SCB_CSSELR REG32(0xE000ED84u)
#define SCB_CPACR REG32(0xE000ED88u)
#define SCB_ICIALLU REG32(0xE000EF50u)
#define SCB_DCISW REG32(0xE000EF60u)
#define SCB_DCCISW REG32(0xE000EF74u)
#define SCB_CCR_DC (1u << 16)
#define SCB_CCR_IC (1u << 17)
#define SCB_HFSR_FORCED (1u << 30)
/* DCCISW/DCISW operand: set in bits 13:5, way in bits 31:30 (PM0253 cache maintenance;
 * CMSIS core_cm7.h SCB_DCCISW_SET_Pos/WAY_Pos) */
#define SCB_SW_SET_POS 5
#define SCB_SW_SET_MSK (0x1FFu << 5)
#define SCB_SW_WAY_POS 30
#define SCB_SW_WAY_MSK (3u << 30)
#define CCSIDR_SETS(x) (((x) >> 13) & 0x7FFFu)
#define CCSIDR_WAYS(x) (((x) >> 3) & 0x3FFu)

/* SysTick, PM0253 "SysTick timer" */
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)

/* NVIC, PM0253 "Nested vectored interrupt controller" */
#define NVIC_ISER(n) REG32(0xE000E100u + 4u * (n))
#define NVIC_ICER(n) REG32(0xE000E180u + 4u * (n))
#define NVIC_ISPR(n) REG32(0xE000E200u + 4u * (n))
#define NVIC_ICPR(n) REG32(0xE000E280u + 4u * (n))
#define NVIC_IPR8(n) REG8(0xE000E400u + (n))

/* STM32H745 interrupt numbers (RM0399 vector table) */
#define IRQ_EXTI0 6
#define IRQ_USART3 39
#define IRQ_TIM6_DAC 54
#define IRQ_OTG_FS 101
#define IRQ_COUNT 150

/* RCC, RM0399 "Reset and clock control" (base 0x58024400) */
#define RCC_BASE 0x58024400u
#define RCC_CR REG32(RCC_BASE + 0x00u)
#define RCC_HSICFGR REG32(RCC_BASE + 0x04u)
#define RCC_CFGR REG32(RCC_BASE + 0x10u)
#define RCC_D1CFGR REG32(RCC_BASE + 0x18u)
#define RCC_D2CFGR REG32(RCC_BASE + 0x1Cu)
#define RCC_D3CFGR REG32(RCC_BASE + 0x20u)
#define RCC_PLLCKSELR REG32(RCC_BASE + 0x28u)
#define RCC_PLLCFGR REG32(RCC_BASE + 0x2Cu)
#define RCC_PLL1DIVR REG32(RCC_BASE + 0x30u)
#define RCC_PLL1FRACR REG32(RCC_BASE + 0x34u)
#define RCC_PLL2DIVR REG32(RCC_BASE + 0x38u)
#define RCC_PLL2FRACR REG32(RCC_BASE + 0x3Cu)
#define RCC_PLL3DIVR REG32(RCC_BASE + 0x40u)
#define RCC_PLL3FRACR REG32(RCC_BASE + 0x44u)
#define RCC_D2CCIP2R REG32(RCC_BASE + 0x54u)
#define RCC_CIER REG32(RCC_BASE + 0x60u)
#define RCC_CICR REG32(RCC_BASE + 0x68u)
#define RCC_AHB1RSTR REG32(RCC_BASE + 0x80u)
#define RCC_RSR REG32(RCC_BASE + 0xD0u)
#define RCC_AHB1ENR REG32(RCC_BASE + 0xD8u)
#define RCC_CR_HSION (1u << 0)
#define RCC_CR_HSIKERON (1u << 1)
#define RCC_CR_HSIRDY (1u << 2)
#define RCC_CR_HSIDIV (3u << 3)
#define RCC_CR_HSIDIVF (1u << 5)
#define RCC_CR_CSION (1u << 7)
#define RCC_CR_CSIKERON (1u << 9)
#define RCC_CR_HSI48ON (1u << 12)
#define RCC_CR_HSI48RDY (1u << 13)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_HSEBYP (1u << 18)
#define RCC_CR_CSSHSEON (1u << 19)
#define RCC_CR_PLL1ON (1u << 24)
#define RCC_CR_PLL1RDY (1u << 25)
#define RCC_CR_PLL2ON (1u << 26)
#define RCC_CR_PLL2RDY (1u << 27)
#define RCC_CR_PLL3ON (1u << 28)
#define RCC_CR_PLL3RDY (1u << 29)
#define RCC_CFGR_SW_MSK 7u
#define RCC_CFGR_SW_PLL1 3u
#define RCC_CFGR_SWS_MSK (7u << 3)
#define RCC_CFGR_SWS_PLL1 (3u << 3)
#define RCC_RSR_RMVF (1u << 16)
#define RCC_AHB1_USB2OTGFS (1u << 27) /* AHB1ENR.USB2OTGFSEN / AHB1RSTR.USB2OTGRST */
#define RCC_D2CCIP2R_USBSEL_MSK (3u << 20)
#define RCC_D2CCIP2R_USBSEL_HSI48 (3u << 20)

/* USB2_OTG_FS, RM0399 "USB on-the-go" (base 0x40080000) */
#define OTG_BASE 0x40080000u
#define OTG_GOTGCTL REG32(OTG_BASE + 0x000u)
#define OTG_GAHBCFG REG32(OTG_BASE + 0x008u)
#define OTG_GUSBCFG REG32(OTG_BASE + 0x00Cu)
#define OTG_GRSTCTL REG32(OTG_BASE + 0x010u)
#define OTG_GINTSTS REG32(OTG_BASE + 0x014u)
#define OTG_GINTMSK REG32(OTG_BASE + 0x018u)
#define OTG_GRXSTSP REG32(OTG_BASE + 0x020u)
#define OTG_GRXFSIZ REG32(OTG_BASE + 0x024u)
#define OTG_DIEPTXF0 REG32(OTG_BASE + 0x028u)
#define OTG_GCCFG REG32(OTG_BASE + 0x038u)
#define OTG_DCFG REG32(OTG_BASE + 0x800u)
#define OTG_DCTL REG32(OTG_BASE + 0x804u)
#define OTG_DSTS REG32(OTG_BASE + 0x808u)
#define OTG_DIEPMSK REG32(OTG_BASE + 0x810u)
#define OTG_DOEPMSK REG32(OTG_BASE + 0x814u)
#define OTG_DAINTMSK REG32(OTG_BASE + 0x81Cu)
#define OTG_DIEPCTL0 REG32(OTG_BASE + 0x900u)
#define OTG_DIEPTSIZ0 REG32(OTG_BASE + 0x910u)
#define OTG_DOEPCTL0 REG32(OTG_BASE + 0xB00u)
#define OTG_DOEPTSIZ0 REG32(OTG_BASE + 0xB10u)
#define OTG_PCGCCTL REG32(OTG_BASE + 0xE00u)
#define OTG_FIFO(n) REG32(OTG_BASE + 0x1000u + 0x1000u * (n))
#define OTG_GAHBCFG_GINT (1u << 0)
#define OTG_GUSBCFG_PHYSEL (1u << 6)
#define OTG_GUSBCFG_FDMOD (1u << 30)
#define OTG_GRSTCTL_CSRST (1u << 0)
#define OTG_GRSTCTL_AHBIDL (1u << 31)
#define OTG_GINTSTS_RXFLVL (1u << 4)
#define OTG_GINTSTS_USBRST (1u << 12)
#define OTG_GINTSTS_ENUMDNE (1u << 13)
#define OTG_GINTSTS_USBSUSP (1u << 11)
#define OTG_GCCFG_PWRDWN (1u << 16)
#define OTG_GCCFG_VBDEN (1u << 21)
#define OTG_DCFG_DSPD_FS (3u << 0)
#define OTG_DCFG_DAD_POS 4
#define OTG_DCFG_DAD_MSK (0x7Fu << 4)
#define OTG_DCTL_SDIS (1u << 1)
#define OTG_DCTL_CGINAK (1u << 8)
#define OTG_DCTL_CGONAK (1u << 10)

#endif
