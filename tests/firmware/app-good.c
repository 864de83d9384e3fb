/* Test application firmware "app-good": the jump done the way ST recommends
 * (ST KB "How to jump to system bootloader from application code on STM32
 * microcontrollers"; domain notes, "ST's recommended jump sequence"): the
 * H74x/H75x bootloader address 0x1FF09800 (AN2606), interrupts disabled while
 * SysTick, RCC and the NVIC are reset, interrupts enabled again, then the
 * stack pointer and the branch in one asm block so nothing is read from the
 * new stack. No cache maintenance (the caches were never enabled).
 * One statement per line so a source-level step shows each of them. */
#include <stdint.h>

#include "cmsis_lite.h"
#include "hal_lite.h"

#define BOOTLOADER_ADDR 0x1FF09800u

void JumpToBootloader(void);

void JumpToBootloader(void)
{
	uint32_t i;
	__disable_irq();
	SysTick->CTRL = 0;
	SysTick->LOAD = 0;
	SysTick->VAL = 0;
	HAL_RCC_DeInit();
	for (i = 0; i < 8; i++) {
		NVIC->ICER[i] = 0xFFFFFFFF;
		NVIC->ICPR[i] = 0xFFFFFFFF;
	}
	__enable_irq();
	__asm volatile("ldr r1, [%0, #4]\n\t" /* the bootloader's reset vector */
		       "ldr r0, [%0]\n\t"     /* its initial stack pointer */
		       "msr msp, r0\n\t"
		       "bx r1\n\t"
		       : : "r"(BOOTLOADER_ADDR) : "r0", "r1", "memory");
}

int main(void)
{
	HAL_Init();
	JumpToBootloader();
	for (;;) {
	}
}
