/* Jump recipes and step descriptions (see recipe.h). */
#include "recipe.h"

#include <string.h>

#include "h7jumpdiag/error.h"

#define S(x) PROBE_STEP_##x

static const struct step_info steps[] = {
    {S(APP_CLOCKS), "app-clocks", "application clock setup: HSE + PLL1 as SYSCLK",
     "SystemClock_Config();  /* HSE, PLL1 100 MHz; PWR untouched */",
     "Recreates what a typical application did at start-up, so that de-initialising the clocks later has "
     "something to undo. The probe never writes the PWR supply configuration: it is write-once, and a wrong "
     "value locks the board until a BOOT0 recovery (RM0399, PWR supply configuration).",
     1, 0},
    {S(APP_SYSTICK), "app-systick", "application SysTick: 1 kHz tick with interrupt",
     "HAL_InitTick(TICK_INT_PRIORITY);",
     "HAL applications run SysTick at 1 kHz with its interrupt enabled. If it is still running when the "
     "bootloader starts, its interrupt arrives with the bootloader's vector table in place (PM0253 SysTick).",
     1, 0},
    {S(APP_NVIC), "app-nvic", "application interrupts enabled (USART3, TIM6)",
     "HAL_NVIC_EnableIRQ(USART3_IRQn); HAL_NVIC_EnableIRQ(TIM6_DAC_IRQn);",
     "Peripheral interrupts the application enabled stay enabled in the NVIC unless the jump code clears "
     "ICER/ICPR; the bootloader does not expect them (ST's jump sequence clears them).",
     1, 0},
    {S(APP_CACHES), "app-caches", "application enabled the I- and D-cache", "SCB_EnableICache(); SCB_EnableDCache();",
     "With the caches enabled (and invalidated first, as CMSIS does), disabling them before the jump is "
     "required and safe: dirty lines are written back to where they belong.",
     1, 0},
    {S(APP_CDC), "app-cdc", "application USB CDC device connected on OTG_FS",
     "MX_USB_DEVICE_Init();  /* CDC device enumerated by the host */",
     "The application's USB device is enumerated by the host. Unless the jump code disconnects it "
     "(DCTL.SDIS) the D+ pull-up never goes away, the host never sees a detach, and it never enumerates the "
     "bootloader's DFU device.",
     1, 0},
    {S(ENTER_ISR), "enter-isr", "the jump runs inside an interrupt handler (EXTI0, priority 0)",
     "void EXTI0_IRQHandler(void) { JumpToBootloader(); }",
     "Jumping from an interrupt handler leaves the core in Handler mode with that exception active: the "
     "bootloader's own interrupts of equal or lower priority can never preempt it (PM0253 exception model).",
     1, 0},
    {S(USB_DISCONNECT), "usb-disconnect", "disconnect the application's USB device",
     "USB_OTG_FS_DEVICE->DCTL |= USB_OTG_DCTL_SDIS; /* wait */ HAL_PCD_DeInit(); __HAL_RCC_USB2_OTG_FS_CLK_DISABLE();",
     "Soft-disconnect removes the D+ pull-up so the host sees the application's device leave; then the OTG "
     "core is reset and its clock gated, so the bootloader starts from a clean core (RM0399 OTG, DCTL.SDIS).",
     0, 0},
    {S(DISABLE_IRQ), "disable-irq", "disable interrupts (PRIMASK = 1)", "__disable_irq();",
     "PRIMASK = 1 blocks every exception with configurable priority. It is not reset by the jump: if it is "
     "still set when the bootloader starts, the bootloader's USB interrupt never runs (PM0253 PRIMASK).",
     0, 0},
    {S(DISABLE_ICACHE), "disable-icache", "disable the I-cache (CMSIS 5)", "SCB_DisableICache();",
     "Disables and invalidates the instruction cache. Harmless when it was never enabled.", 0, 0},
    {S(DISABLE_DCACHE), "disable-dcache", "disable the D-cache (CMSIS 5, unconditional clean+invalidate)",
     "SCB_DisableDCache();",
     "CMSIS 5 cleans and invalidates every set and way without checking CCR.DC. When the cache was never "
     "enabled, its RAM holds power-on garbage: 'dirty' lines are written back to garbage addresses, and a "
     "write to unmapped memory comes back later as an imprecise bus fault (CMSIS_6 PR #293).",
     0, 0},
    {S(DISABLE_CACHES_CHECKED), "disable-caches-checked", "disable the caches only if CCR says they are on",
     "if (SCB->CCR & SCB_CCR_IC_Msk) SCB_DisableICache(); if (SCB->CCR & SCB_CCR_DC_Msk) SCB_DisableDCache();",
     "The fix for the CMSIS 5 bug: only clean a cache that is enabled (CMSIS_6 PR #293).", 0, 0},
    {S(RCC_DEINIT), "rcc-deinit", "reset the clock tree to HSI (HAL_RCC_DeInit)", "HAL_RCC_DeInit();",
     "Switches SYSCLK back to HSI and turns the PLLs and HSE off. It does not disable peripheral clocks, and "
     "it ends by calling HAL_InitTick(), which re-enables SysTick with its interrupt.",
     0, 0},
    {S(SYSTICK_CLEAR), "systick-clear", "stop SysTick", "SysTick->CTRL = 0; SysTick->LOAD = 0; SysTick->VAL = 0;",
     "Stops the SysTick counter and its interrupt (PM0253 SysTick).", 0, 0},
    {S(NVIC_CLEAR), "nvic-clear", "disable and un-pend every NVIC interrupt",
     "for (i = 0; i < 8; i++) { NVIC->ICER[i] = 0xFFFFFFFF; NVIC->ICPR[i] = 0xFFFFFFFF; }",
     "Clears every interrupt enable and pending bit the application left (PM0253 NVIC).", 0, 0},
    {S(ENABLE_IRQ), "enable-irq", "re-enable interrupts (PRIMASK = 0)", "__enable_irq();",
     "The bootloader needs interrupts: USB enumeration runs in its OTG_FS interrupt handler.", 0, 0},
    {S(READ_VECTORS), "read-vectors", "read the bootloader's stack pointer and entry point",
     "SysMemBootJump = (void (*)(void))(*((uint32_t *)(addr + 4))); sp = *(uint32_t *)addr;",
     "Reads the first two words of the system memory vector table. On Cortex-M7 a load from an unmapped "
     "address is a precise bus fault: BFAR holds the address (PM0253 BusFault).",
     0, 0},
    {S(SET_MSP), "set-msp", "load the bootloader's stack pointer into MSP", "__set_MSP(sp);",
     "From here on anything the code reads from its stack comes from the bootloader's stack area.", 0, 0},
    {S(BRANCH), "branch", "call the bootloader's entry point", "SysMemBootJump();",
     "Branches to the bootloader's reset handler (the Thumb bit must be set in the address).", 0, 1},
    {S(BRANCH_ASM), "branch-asm", "set MSP and branch in one asm block",
     "__asm volatile(\"msr msp, %0\\n bx %1\" :: \"r\"(sp), \"r\"(pc));",
     "Keeps the entry point in a register, so changing MSP cannot affect it (ST's advice).", 0, 1},
    {S(SET_MSP_LOCAL), "set-msp-local", "set MSP with the entry point in a stack local (-O0 code)",
     "void (*jump)(void) = ...; __set_MSP(sp); jump();",
     "At -O0 the function pointer lives on the stack; after MSP changes it is read from the NEW stack.", 0, 0},
    {S(CONTROL_RESET), "control-reset", "privileged Thread mode on MSP, FP context cleared", "__set_CONTROL(0);",
     "Clears CONTROL.SPSEL, nPRIV and FPCA so the bootloader starts in the state a reset gives it.", 0, 0},
};

/* n_steps is counted by the compiler, never by hand */
#define RECIPE(nm, sum, addr, ...)                                                                                     \
	{                                                                                                              \
		nm, sum, addr, sizeof((uint8_t[]){__VA_ARGS__}),                                                       \
		{                                                                                                      \
			__VA_ARGS__                                                                                    \
		}                                                                                                      \
	}
#define SEED_HEAD S(DISABLE_IRQ), S(DISABLE_ICACHE), S(DISABLE_DCACHE), S(RCC_DEINIT), S(SYSTICK_CLEAR)

const struct recipe recipe_table[] = {
    RECIPE("seed", "the reported code: 0x1FFF9800, IRQs off, CMSIS 5 caches", RECIPE_ADDR_SEED, SEED_HEAD,
	   S(READ_VECTORS), S(SET_MSP), S(BRANCH)),
    RECIPE("seed+addr", "fix 1: the part's entry address (0x1FF09800 on H745)", RECIPE_ADDR_PART, SEED_HEAD,
	   S(READ_VECTORS), S(SET_MSP), S(BRANCH)),
    RECIPE("seed+addr+cache", "fix 2: disable the caches only when they are on", RECIPE_ADDR_PART, S(DISABLE_IRQ),
	   S(DISABLE_CACHES_CHECKED), S(RCC_DEINIT), S(SYSTICK_CLEAR), S(READ_VECTORS), S(SET_MSP), S(BRANCH)),
    RECIPE("seed+addr+cache+irq", "fix 3: re-enable interrupts before the branch", RECIPE_ADDR_PART, S(DISABLE_IRQ),
	   S(DISABLE_CACHES_CHECKED), S(RCC_DEINIT), S(SYSTICK_CLEAR), S(ENABLE_IRQ), S(READ_VECTORS), S(SET_MSP),
	   S(BRANCH)),
    RECIPE("seed+addr+cache+irq+usb", "fix 4: disconnect the application's USB first", RECIPE_ADDR_PART,
	   S(USB_DISCONNECT), S(DISABLE_IRQ), S(DISABLE_CACHES_CHECKED), S(RCC_DEINIT), S(SYSTICK_CLEAR), S(ENABLE_IRQ),
	   S(READ_VECTORS), S(SET_MSP), S(BRANCH)),
    RECIPE("st", "ST's recommended sequence (USB off, NVIC clear, asm)", RECIPE_ADDR_PART, S(USB_DISCONNECT),
	   S(DISABLE_IRQ), S(SYSTICK_CLEAR), S(RCC_DEINIT), S(NVIC_CLEAR), S(ENABLE_IRQ), S(READ_VECTORS),
	   S(BRANCH_ASM)),
    RECIPE("stack-local", "entry point kept in a stack local across __set_MSP", RECIPE_ADDR_PART, S(USB_DISCONNECT),
	   S(DISABLE_IRQ), S(RCC_DEINIT), S(SYSTICK_CLEAR), S(ENABLE_IRQ), S(READ_VECTORS), S(SET_MSP_LOCAL),
	   S(BRANCH)),
    {NULL, NULL, RECIPE_ADDR_SEED, 0, {0}},
};

const struct recipe *recipe_find(const char *name)
{
	for (const struct recipe *r = recipe_table; name && r->name; r++)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

const struct step_info *recipe_step_info(enum probe_step id)
{
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (steps[i].id == id)
			return &steps[i];
	return NULL;
}

const struct step_info *recipe_step_by_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof steps / sizeof steps[0]; i++)
		if (strcmp(steps[i].name, name) == 0)
			return &steps[i];
	return NULL;
}

int recipe_expand(const struct recipe *r, const struct recipe_setup *setup, uint8_t *out, int max)
{
	uint8_t tmp[PROBE_MAX_STEPS * 2];
	int n = 0;

	tmp[n++] = S(APP_CLOCKS);
	tmp[n++] = S(APP_SYSTICK);
	tmp[n++] = S(APP_NVIC);
	if (setup && setup->with_caches)
		tmp[n++] = S(APP_CACHES);
	if (setup && setup->with_cdc)
		tmp[n++] = S(APP_CDC);
	if (setup && setup->from_isr)
		tmp[n++] = S(ENTER_ISR);
	for (int i = 0; i < r->n_steps; i++)
		tmp[n++] = r->steps[i];
	if (n > max || n > (int)PROBE_MAX_STEPS)
		return H7_ERROR_OVERFLOW;
	memcpy(out, tmp, (size_t)n);
	return n;
}
