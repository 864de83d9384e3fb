/* The few STM32CubeH7 HAL functions the test application firmwares call,
 * reduced to the register accesses that matter for the jump (same order as
 * the HAL). Separate functions in their own file, as in a real project, so a
 * source-level step over `HAL_RCC_DeInit();` is one step. */
#ifndef FW_HAL_LITE_H
#define FW_HAL_LITE_H

#include <stdint.h>

#define TICK_INT_PRIORITY 15u /* the lowest, as in CubeMX projects */

extern volatile uint32_t uwTick;
extern uint32_t SystemCoreClock;

/* HAL_Init(): priority grouping 4 and a 1 kHz SysTick interrupt. */
void HAL_Init(void);
/* HAL_InitTick(): SysTick at 1 kHz from SystemCoreClock, interrupt enabled. */
void HAL_InitTick(uint32_t priority);
/* HAL_RCC_DeInit(): back to HSI, PLLs off, dividers reset; like the HAL it
 * re-arms SysTick (HAL_InitTick) for the new clock. */
void HAL_RCC_DeInit(void);
/* SystemInit() (CMSIS system_stm32h7xx.c): vector table offset. */
void SystemInit(void);

#endif
