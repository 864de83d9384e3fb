/* Source of the ELF seeds of the `elf` fuzz target (see ../README.md and
 * mkseeds.py): a few Cortex-M7 functions with DWARF line info, one of them
 * inlined, an object and a vector table, linked without page alignment so the
 * ELF stays small. Not run anywhere. */
#include <stdint.h>

volatile uint32_t tiny_counter;
extern uint32_t _estack;

static inline __attribute__((always_inline)) void tiny_disable_irq(void)
{
	__asm volatile("cpsid i" ::: "memory");
}

__attribute__((noinline)) static void tiny_jump(uint32_t base)
{
	uint32_t sp = *(volatile uint32_t *)base, pc = *(volatile uint32_t *)(base + 4);

	__asm volatile("msr msp, %0\n bx %1" ::"r"(sp), "r"(pc));
}

void Reset_Handler(void)
{
	tiny_disable_irq();
	tiny_counter++;
	tiny_jump(0x1FF09800u);
	for (;;)
		;
}

__attribute__((section(".isr_vector"), used)) const void *const tiny_vectors[2] = { &_estack, Reset_Handler };
