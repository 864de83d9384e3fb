/* Images for the Cortex-M4 core, run while the CM7 jumps (`--cm4 running`).
 * Built twice: CM4_TOUCH_USB=0 parks the core in a WFI loop (harmless);
 * CM4_TOUCH_USB=1 keeps enabling the OTG_FS clock and soft-disconnecting the
 * device, like second-core code that still owns USB, so the bootloader on the
 * CM7 cannot keep its device connected. */
#include <stdint.h>

#include "hw.h"

extern uint32_t _cm4_estack;
void cm4_reset(void);
void cm4_default(void);

void cm4_reset(void)
{
	for (;;) {
#if CM4_TOUCH_USB
		RCC_AHB1ENR |= RCC_AHB1_USB2OTGFS;
		OTG_DCTL |= OTG_DCTL_SDIS;
		for (volatile uint32_t n = 0; n < 1000u; n++)
			;
#else
		__asm volatile("wfi");
#endif
	}
}

void cm4_default(void)
{
	for (;;)
		__asm volatile("wfi");
}

typedef void (*vector_t)(void);
__attribute__((section(".vectors"), used)) static const vector_t cm4_vectors[16] = {
	[0] = (vector_t)&_cm4_estack,
	[1] = cm4_reset,
	[2 ... 15] = cm4_default,
};
