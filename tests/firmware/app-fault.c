/* Test application firmware "app-fault": reproduces the STM32H745I-DISCO
 * report h7jumpdiag exists for (docs: domain notes, "The case the tool exists
 * for"). JumpToBootloader() is the user's code, called right after HAL_Init()
 * and before any MPU, cache or CM4 set-up:
 *   - 0x1FFF9800 is no STM32 bootloader address (the H74x/H75x ROM bootloader
 *     is at 0x1FF09800, AN2606 / ST KB "How to jump to system bootloader");
 *     on the H745 it is reserved space, so reading 0x1FFF9804 is a bus error;
 *   - SCB_DisableDCache() (CMSIS 5) cleans a D-cache that was never enabled;
 *   - interrupts stay disabled (PRIMASK = 1), so the BusFault escalates to a
 *     HardFault (DDI0403 "Priority escalation").
 * One statement per line so a source-level step shows each of them. */
#include <stdint.h>

#include "cmsis_lite.h"
#include "hal_lite.h"

void JumpToBootloader(void);

void (*SysMemBootJump)(void);

void JumpToBootloader(void)
{
	volatile uint32_t addr = 0x1FFF9800;
	__disable_irq();
	SCB_DisableICache();
	SCB_DisableDCache();
	HAL_RCC_DeInit();
	SysTick->CTRL = 0;
	SysTick->LOAD = 0;
	SysTick->VAL = 0;
	SysMemBootJump = (void (*)(void)) (*((uint32_t *)(addr + 4)));
	__set_MSP(*(uint32_t *)addr);
	SysMemBootJump();
}

int main(void)
{
	HAL_Init();
	JumpToBootloader();
	for (;;) {
	}
}
