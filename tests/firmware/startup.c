/* Start-up code of the test application firmwares (after CubeMX's
 * startup_stm32h745xx.s, in C): the vector table at the start of flash
 * (0x08000000, the CM7 boot address BOOT_ADD0 = 0x0800 by default, RM0399
 * "Boot configuration"), the reset handler (SystemInit, .data copy, .bss
 * clear, main) and CubeMX-style default handlers that spin forever. */
#include <stdint.h>

#include "hal_lite.h"

#define IRQ_COUNT 150 /* STM32H745 CM7 interrupt lines (RM0399 vector table) */

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void SysTick_Handler(void);

void Reset_Handler(void)
{
	uint32_t *src = &_sidata;
	uint32_t *dst = &_sdata;

	SystemInit();
	while (dst < &_edata)
		*dst++ = *src++;
	for (dst = &_sbss; dst < &_ebss; dst++)
		*dst = 0u;
	(void)main();
	for (;;) {
	}
}

void Default_Handler(void)
{
	for (;;) {
	}
}

void HardFault_Handler(void)
{
	for (;;) {
	}
}

void SysTick_Handler(void)
{
	uwTick++;
}

typedef void (*vector_t)(void);
__attribute__((section(".isr_vector"), used)) const vector_t g_pfnVectors[16 + IRQ_COUNT] = {
	[2 ... 16 + IRQ_COUNT - 1] = Default_Handler, /* overridden below */
	[0] = (vector_t)&_estack,
	[1] = Reset_Handler,
	[3] = HardFault_Handler,
	[15] = SysTick_Handler,
};
