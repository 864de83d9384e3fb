/* The few Cortex-M7 core registers and intrinsics the test application
 * firmwares use, spelled like CMSIS core_cm7.h (SysTick->CTRL, NVIC->ICER[i],
 * SCB->CCR, __disable_irq, __set_MSP) so that their source lines read like the
 * application code they reproduce. Written here, not copied: no CMSIS headers.
 * Addresses and layouts: PM0253 "System control block", "SysTick timer",
 * "Nested vectored interrupt controller" and "Cache maintenance operations";
 * the SCB_Disable*Cache bodies follow CMSIS 5 core_cm7.h. */
#ifndef FW_CMSIS_LITE_H
#define FW_CMSIS_LITE_H

#include <stdint.h>

#define __IO volatile

/* SysTick, PM0253 "SysTick timer" (base 0xE000E010) */
typedef struct {
	__IO uint32_t CTRL; /* SYST_CSR */
	__IO uint32_t LOAD; /* SYST_RVR */
	__IO uint32_t VAL;  /* SYST_CVR */
	__IO uint32_t CALIB;
} SysTick_Type;
#define SysTick ((SysTick_Type *)0xE000E010u)
#define SysTick_CTRL_ENABLE_Msk (1u << 0)
#define SysTick_CTRL_TICKINT_Msk (1u << 1)
#define SysTick_CTRL_CLKSOURCE_Msk (1u << 2)

/* NVIC, PM0253 "Nested vectored interrupt controller" (base 0xE000E100) */
typedef struct {
	__IO uint32_t ISER[8];
	uint32_t reserved0[24];
	__IO uint32_t ICER[8];
	uint32_t reserved1[24];
	__IO uint32_t ISPR[8];
	uint32_t reserved2[24];
	__IO uint32_t ICPR[8];
	uint32_t reserved3[24];
	__IO uint32_t IABR[8];
	uint32_t reserved4[56];
	__IO uint8_t IP[240];
} NVIC_Type;
#define NVIC ((NVIC_Type *)0xE000E100u)
_Static_assert(__builtin_offsetof(NVIC_Type, ICPR) == 0x180, "NVIC_ICPR at 0xE000E280");
_Static_assert(__builtin_offsetof(NVIC_Type, IP) == 0x300, "NVIC_IPR at 0xE000E400");

/* System control block, PM0253 "System control block" (base 0xE000ED00) and
 * the cache maintenance registers at 0xE000EF50.. */
typedef struct {
	__IO uint32_t CPUID;
	__IO uint32_t ICSR;
	__IO uint32_t VTOR;
	__IO uint32_t AIRCR;
	__IO uint32_t SCR;
	__IO uint32_t CCR;
	__IO uint8_t SHPR[12];
	__IO uint32_t SHCSR;
	__IO uint32_t CFSR;
	__IO uint32_t HFSR;
	__IO uint32_t DFSR;
	__IO uint32_t MMFAR;
	__IO uint32_t BFAR;
	__IO uint32_t AFSR;
	uint32_t reserved0[16]; /* ID_PFR0.. ID_ISAR4, CLIDR, CTR (unused) */
	__IO uint32_t CCSIDR; /* 0x080 */
	__IO uint32_t CSSELR;
	__IO uint32_t CPACR;
	uint32_t reserved1[113];
	__IO uint32_t ICIALLU; /* 0x250 */
	uint32_t reserved2[8];
	__IO uint32_t DCCISW; /* 0x274 */
} SCB_Type;
#define SCB ((SCB_Type *)0xE000ED00u)
_Static_assert(__builtin_offsetof(SCB_Type, CCSIDR) == 0x80, "SCB_CCSIDR at 0xE000ED80");
_Static_assert(__builtin_offsetof(SCB_Type, ICIALLU) == 0x250, "ICIALLU at 0xE000EF50");
_Static_assert(__builtin_offsetof(SCB_Type, DCCISW) == 0x274, "DCCISW at 0xE000EF74");
#define SCB_AIRCR_VECTKEY (0x05FAu << 16)
#define SCB_AIRCR_PRIGROUP_Pos 8
#define SCB_CCR_DC_Msk (1u << 16)
#define SCB_CCR_IC_Msk (1u << 17)
/* CCSIDR fields and the DCCISW operand (PM0253 cache maintenance; CMSIS
 * core_cm7.h SCB_CCSIDR_*, SCB_DCCISW_*) */
#define CCSIDR_SETS(x) (((x) >> 13) & 0x7FFFu)
#define CCSIDR_WAYS(x) (((x) >> 3) & 0x3FFu)
#define SCB_DCCISW_SET_Pos 5
#define SCB_DCCISW_SET_Msk (0x1FFu << 5)
#define SCB_DCCISW_WAY_Pos 30
#define SCB_DCCISW_WAY_Msk (3u << 30)

static inline __attribute__((always_inline)) void __DSB(void)
{
	__asm volatile("dsb 0xF" ::: "memory");
}

static inline __attribute__((always_inline)) void __ISB(void)
{
	__asm volatile("isb 0xF" ::: "memory");
}

static inline __attribute__((always_inline)) void __disable_irq(void)
{
	__asm volatile("cpsid i" ::: "memory");
}

static inline __attribute__((always_inline)) void __enable_irq(void)
{
	__asm volatile("cpsie i" ::: "memory");
}

static inline __attribute__((always_inline)) void __set_MSP(uint32_t topOfMainStack)
{
	__asm volatile("msr msp, %0" : : "r"(topOfMainStack) :);
}

/* CMSIS 5 core_cm7.h SCB_DisableICache() */
static inline __attribute__((always_inline)) void SCB_DisableICache(void)
{
	__DSB();
	__ISB();
	SCB->CCR &= ~SCB_CCR_IC_Msk;
	SCB->ICIALLU = 0u;
	__DSB();
	__ISB();
}

/* CMSIS 5 core_cm7.h SCB_DisableDCache(): cleans and invalidates the whole
 * D-cache by set/way WITHOUT checking CCR.DC first, so after power-on (cache
 * never enabled) it writes back whatever the cache RAM holds (fixed in
 * CMSIS_6 PR #293; modm #1236, openmv #737, lvgl #1935). */
static inline __attribute__((always_inline)) void SCB_DisableDCache(void)
{
	uint32_t ccsidr;
	uint32_t sets;
	uint32_t ways;

	SCB->CSSELR = 0u;
	__DSB();
	ccsidr = SCB->CCSIDR;
	SCB->CCR &= ~SCB_CCR_DC_Msk;
	__DSB();
	sets = CCSIDR_SETS(ccsidr);
	do {
		ways = CCSIDR_WAYS(ccsidr);
		do {
			SCB->DCCISW = ((sets << SCB_DCCISW_SET_Pos) & SCB_DCCISW_SET_Msk) |
				      ((ways << SCB_DCCISW_WAY_Pos) & SCB_DCCISW_WAY_Msk);
		} while (ways-- != 0u);
	} while (sets-- != 0u);
	__DSB();
	__ISB();
}

#endif
