/* HAL_Init / HAL_InitTick / HAL_RCC_DeInit / SystemInit of the test
 * application firmwares, after STM32CubeH7 stm32h7xx_hal.c,
 * stm32h7xx_hal_rcc.c and system_stm32h7xx.c. Register addresses come from
 * firmware-probe/hw.h (RM0399 "Reset and clock control", PM0253). Every wait
 * for a ready flag is bounded so the firmware never hangs in the simulator. */
#include <stdint.h>

#include "cmsis_lite.h"
#include "hal_lite.h"
#include "hw.h"

#define HSI_HZ 64000000u
#define WAIT_LIMIT 100000u

volatile uint32_t uwTick;
uint32_t SystemCoreClock = HSI_HZ;

extern const uint32_t g_pfnVectors[];

static void wait_flag(volatile uint32_t *reg, uint32_t mask, int set)
{
	for (uint32_t n = 0; n < WAIT_LIMIT; n++)
		if (((*reg & mask) != 0u) == (set != 0))
			return;
}

void SystemInit(void)
{
	SCB->VTOR = (uint32_t)g_pfnVectors;
}

void HAL_InitTick(uint32_t priority)
{
	SysTick->LOAD = SystemCoreClock / 1000u - 1u;
	SCB->SHPR[11] = (uint8_t)(priority << 4); /* SysTick is exception 15: SHPR3[31:24] */
	SysTick->VAL = 0u;
	SysTick->CTRL = SysTick_CTRL_CLKSOURCE_Msk | SysTick_CTRL_TICKINT_Msk | SysTick_CTRL_ENABLE_Msk;
}

void HAL_Init(void)
{
	/* NVIC_PRIORITYGROUP_4: PRIGROUP = 3, all priority bits preempt (PM0253 AIRCR) */
	SCB->AIRCR = SCB_AIRCR_VECTKEY | (3u << SCB_AIRCR_PRIGROUP_Pos);
	HAL_InitTick(TICK_INT_PRIORITY);
}

void HAL_RCC_DeInit(void)
{
	RCC_CR |= RCC_CR_HSION;
	wait_flag(&RCC_CR, RCC_CR_HSIRDY, 1);
	RCC_HSICFGR |= 1u << 30; /* HSITRIM reset value */
	RCC_CFGR = 0u;
	SystemCoreClock = HSI_HZ;
	HAL_InitTick(TICK_INT_PRIORITY);
	wait_flag(&RCC_CFGR, RCC_CFGR_SWS_MSK, 0);
	RCC_CR &= ~(RCC_CR_HSEON | RCC_CR_HSIKERON | RCC_CR_HSIDIV | RCC_CR_HSIDIVF | RCC_CR_CSION |
		    RCC_CR_CSIKERON | RCC_CR_HSI48ON | RCC_CR_CSSHSEON);
	wait_flag(&RCC_CR, RCC_CR_HSERDY, 0);
	RCC_CR &= ~RCC_CR_PLL1ON;
	wait_flag(&RCC_CR, RCC_CR_PLL1RDY, 0);
	RCC_CR &= ~RCC_CR_PLL2ON;
	wait_flag(&RCC_CR, RCC_CR_PLL2RDY, 0);
	RCC_CR &= ~RCC_CR_PLL3ON;
	wait_flag(&RCC_CR, RCC_CR_PLL3RDY, 0);
	RCC_D1CFGR = 0u;
	RCC_D2CFGR = 0u;
	RCC_D3CFGR = 0u;
	RCC_PLLCKSELR = (32u << 4) | (32u << 12) | (32u << 20); /* DIVM1..3 = 32, reset value */
	RCC_PLLCFGR = 0x01FF0000u;
	RCC_PLL1DIVR = 0x01010280u;
	RCC_PLL1FRACR = 0u;
	RCC_PLL2DIVR = 0x01010280u;
	RCC_PLL2FRACR = 0u;
	RCC_PLL3DIVR = 0x01010280u;
	RCC_PLL3FRACR = 0u;
	RCC_CR &= ~RCC_CR_HSEBYP;
	RCC_CIER = 0u;
	RCC_CICR = 0xFFFFFFFFu;
	RCC_RSR |= RCC_RSR_RMVF;
}
