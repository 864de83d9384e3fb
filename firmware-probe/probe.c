/* h7jumpdiag probe firmware for the STM32H7 Cortex-M7: runs a jump recipe one
 * step at a time, stopping on BKPT before each step so the host can snapshot
 * the chip. Loaded into AXI SRAM by the host (never flashed). The mailbox
 * protocol is described in include/h7jumpdiag/probe_abi.h and README.md.
 *
 * Each step reproduces what real application code does, in the same order
 * and with the same register accesses, so the host sees the same faults:
 *   - CMSIS 5 core_cm7.h SCB_DisableICache/SCB_DisableDCache (the D-cache one
 *     cleans+invalidates by set/way without checking CCR.DC; fixed in CMSIS_6
 *     PR #293),
 *   - STM32CubeH7 HAL_RCC_DeInit (which ends by re-arming SysTick through
 *     HAL_InitTick),
 *   - ST's recommended jump sequence (ST community "How to jump to system
 *     bootloader from application code on STM32 microcontrollers").
 */
#include <stdint.h>

#include "h7jumpdiag/probe_abi.h"
#include "hw.h"
#include "usbdev.h"

#define HSI_HZ 64000000u
#define WAIT_LIMIT 2000000u /* bounded ready-flag waits: never hang the probe */

extern uint32_t _sbss, _ebss, _estack;
extern const uint32_t _svectors[]; /* start of .vectors (linker script) */

__attribute__((section(".mailbox"), used)) volatile struct probe_mailbox probe_mailbox;
#define MB (&probe_mailbox)

/* The seed code keeps the bootloader's entry in a global function pointer. */
void (*volatile SysMemBootJump)(void);
static uint32_t system_core_clock = HSI_HZ;
static volatile uint32_t isr_first_step;

static inline void dsb(void) { __asm volatile("dsb 0xF" ::: "memory"); }
static inline void isb(void) { __asm volatile("isb 0xF" ::: "memory"); }

#define BKPT(imm) __asm volatile("bkpt #" #imm ::: "memory")

static int wait_set(volatile uint32_t *reg, uint32_t mask, int set)
{
	for (uint32_t n = 0; n < WAIT_LIMIT; n++)
		if (((*reg & mask) != 0) == set)
			return 0;
	return -1;
}

__attribute__((noreturn)) static void probe_stop(uint32_t state, uint32_t error)
{
	MB->error = error;
	MB->state = state;
	for (;;) {
		if (state == PROBE_STATE_FAULT)
			BKPT(0x0F);
		else if (state == PROBE_STATE_DONE)
			BKPT(0x02);
		else
			BKPT(0x0E);
	}
}

/* ---- HAL equivalents ------------------------------------------------------ */

/* HAL_InitTick(): SysTick at 1 kHz from the core clock, interrupt priority 15
 * (uwTickPrio = TICK_INT_PRIORITY, the lowest). */
static void hal_init_tick(void)
{
	SYST_RVR = system_core_clock / 1000u - 1u;
	SYST_CVR = 0;
	SCB_SHPR3 = (SCB_SHPR3 & 0x00FFFFFFu) | (0xF0u << 24);
	SYST_CSR = 7u; /* CLKSOURCE | TICKINT | ENABLE */
}

/* SystemClock_Config() of a typical application, without touching PWR: the
 * supply configuration is write-once and a wrong one locks the board until a
 * BOOT0 recovery (RM0399 PWR "supply configuration"), so the probe never
 * writes it. PLL1 at 100 MHz stays within the reset voltage scale. */
static void step_app_clocks(void)
{
	uint32_t src = 0u, ref, m;

	if (MB->hse_hz) {
		if (MB->flags & PROBE_F_HSE_BYPASS)
			RCC_CR |= RCC_CR_HSEBYP;
		RCC_CR |= RCC_CR_HSEON;
		if (wait_set(&RCC_CR, RCC_CR_HSERDY, 1) == 0)
			src = 2u; /* PLLSRC = HSE */
		else
			RCC_CR &= ~(RCC_CR_HSEON | RCC_CR_HSEBYP);
	}
	if (src == 2u) {
		ref = (MB->hse_hz % 5000000u) == 0 ? 5000000u : 4000000u;
		m = MB->hse_hz / ref;
	} else {
		ref = 4000000u;
		m = HSI_HZ / ref; /* PLLSRC = HSI */
	}
	RCC_PLLCKSELR = (RCC_PLLCKSELR & ~((0x3Fu << 4) | 3u)) | (m << 4) | src;
	/* PLL1: input 4-8 MHz range (PLL1RGE = 2), wide VCO, P/Q/R outputs on */
	RCC_PLLCFGR = (RCC_PLLCFGR & ~0xFu) | (2u << 2) | (7u << 16);
	/* VCO 400 MHz, P = 4 -> 100 MHz, Q = 8 -> 50 MHz, R = 2 */
	RCC_PLL1DIVR = ((400000000u / ref) - 1u) | ((4u - 1u) << 9) | ((8u - 1u) << 16) | ((2u - 1u) << 24);
	RCC_CR |= RCC_CR_PLL1ON;
	if (wait_set(&RCC_CR, RCC_CR_PLL1RDY, 1) != 0)
		return; /* stay on HSI; the snapshot shows PLL1ON without PLL1RDY */
	RCC_D1CFGR = 0;
	RCC_CFGR = (RCC_CFGR & ~RCC_CFGR_SW_MSK) | RCC_CFGR_SW_PLL1;
	if (wait_set(&RCC_CFGR, RCC_CFGR_SWS_MSK, 1) == 0 && (RCC_CFGR & RCC_CFGR_SWS_MSK) == RCC_CFGR_SWS_PLL1)
		system_core_clock = 100000000u;
}

static void step_app_systick(void)
{
	hal_init_tick();
}

/* A typical application leaves the interrupts of its peripherals enabled. */
static void step_app_nvic(void)
{
	NVIC_IPR8(IRQ_USART3) = 5u << 4;
	NVIC_IPR8(IRQ_TIM6_DAC) = 5u << 4;
	NVIC_ISER(IRQ_USART3 / 32) = 1u << (IRQ_USART3 % 32);
	NVIC_ISER(IRQ_TIM6_DAC / 32) = 1u << (IRQ_TIM6_DAC % 32);
}

/* CMSIS 5 SCB_EnableICache / SCB_EnableDCache: invalidate, then enable. */
static void step_app_caches(void)
{
	uint32_t ccsidr, sets, ways;

	MB->ccr_seen = SCB_CCR;
	dsb();
	isb();
	SCB_ICIALLU = 0;
	dsb();
	isb();
	SCB_CCR |= SCB_CCR_IC;
	dsb();
	isb();

	SCB_CSSELR = 0;
	dsb();
	ccsidr = SCB_CCSIDR;
	sets = CCSIDR_SETS(ccsidr);
	do {
		ways = CCSIDR_WAYS(ccsidr);
		do {
			SCB_DCISW = ((sets << SCB_SW_SET_POS) & SCB_SW_SET_MSK) |
				    ((ways << SCB_SW_WAY_POS) & SCB_SW_WAY_MSK);
		} while (ways-- != 0u);
	} while (sets-- != 0u);
	dsb();
	SCB_CCR |= SCB_CCR_DC;
	dsb();
	isb();
}

static void step_app_cdc(void)
{
	usbdev_connect(MB);
}

/* The remaining steps run inside the EXTI0 interrupt handler, at priority 0:
 * a jump "from inside an interrupt". */
static void step_enter_isr(uint32_t next)
{
	isr_first_step = next;
	NVIC_IPR8(IRQ_EXTI0) = 0;
	NVIC_ISER(IRQ_EXTI0 / 32) = 1u << (IRQ_EXTI0 % 32);
	NVIC_ISPR(IRQ_EXTI0 / 32) = 1u << (IRQ_EXTI0 % 32);
	dsb();
	isb();
	/* taken here unless interrupts are masked; then it stays pending */
}

/* Disconnect the application's USB device first (ST's advice): soft-disconnect
 * (DCTL.SDIS), keep it off long enough for the host to see the detach, mask the
 * interrupt, then reset and gate the OTG_FS core. */
static void step_usb_disconnect(void)
{
	if (RCC_AHB1ENR & RCC_AHB1_USB2OTGFS) {
		OTG_DCTL |= OTG_DCTL_SDIS;
		OTG_GAHBCFG &= ~OTG_GAHBCFG_GINT;
		for (volatile uint32_t n = 0; n < 200000u; n++)
			; /* several milliseconds at 64-100 MHz */
	}
	NVIC_ICER(IRQ_OTG_FS / 32) = 1u << (IRQ_OTG_FS % 32);
	NVIC_ICPR(IRQ_OTG_FS / 32) = 1u << (IRQ_OTG_FS % 32);
	RCC_AHB1RSTR |= RCC_AHB1_USB2OTGFS;
	RCC_AHB1RSTR &= ~RCC_AHB1_USB2OTGFS;
	RCC_AHB1ENR &= ~RCC_AHB1_USB2OTGFS;
	MB->usb_state = 0;
}

/* CMSIS 5 SCB_DisableICache() */
static void cmsis5_disable_icache(void)
{
	dsb();
	isb();
	SCB_CCR &= ~SCB_CCR_IC;
	SCB_ICIALLU = 0;
	dsb();
	isb();
}

/* CMSIS 5 SCB_DisableDCache(): note there is no check of CCR.DC, so with a
 * cache that was never enabled it cleans whatever the power-on cache RAM holds
 * (CMSIS_6 PR #293; modm #1236, openmv #737, lvgl #1935). */
static void cmsis5_disable_dcache(void)
{
	uint32_t ccsidr, sets, ways;

	SCB_CSSELR = 0;
	dsb();
	ccsidr = SCB_CCSIDR;
	SCB_CCR &= ~SCB_CCR_DC;
	dsb();
	sets = CCSIDR_SETS(ccsidr);
	do {
		ways = CCSIDR_WAYS(ccsidr);
		do {
			SCB_DCCISW = ((sets << SCB_SW_SET_POS) & SCB_SW_SET_MSK) |
				     ((ways << SCB_SW_WAY_POS) & SCB_SW_WAY_MSK);
		} while (ways-- != 0u);
	} while (sets-- != 0u);
	dsb();
	isb();
}

/* STM32CubeH7 HAL_RCC_DeInit(), in its order. It leaves peripheral clock
 * enables (AHB1ENR...) alone, and re-arms SysTick through HAL_InitTick. */
static void step_rcc_deinit(void)
{
	RCC_CR |= RCC_CR_HSION;
	(void)wait_set(&RCC_CR, RCC_CR_HSIRDY, 1);
	RCC_HSICFGR |= 1u << 30; /* HSITRIM[6] = the reset trim value */
	RCC_CFGR = 0;
	system_core_clock = HSI_HZ;
	hal_init_tick();
	(void)wait_set(&RCC_CFGR, RCC_CFGR_SWS_MSK, 0);
	RCC_CR &= ~(RCC_CR_HSEON | RCC_CR_HSIKERON | RCC_CR_HSIDIV | RCC_CR_HSIDIVF | RCC_CR_CSION |
		    RCC_CR_CSIKERON | RCC_CR_HSI48ON | RCC_CR_CSSHSEON);
	(void)wait_set(&RCC_CR, RCC_CR_HSERDY, 0);
	RCC_CR &= ~RCC_CR_PLL1ON;
	(void)wait_set(&RCC_CR, RCC_CR_PLL1RDY, 0);
	RCC_CR &= ~RCC_CR_PLL2ON;
	(void)wait_set(&RCC_CR, RCC_CR_PLL2RDY, 0);
	RCC_CR &= ~RCC_CR_PLL3ON;
	(void)wait_set(&RCC_CR, RCC_CR_PLL3RDY, 0);
	RCC_D1CFGR = 0;
	RCC_D2CFGR = 0;
	RCC_D3CFGR = 0;
	RCC_PLLCKSELR = (32u << 4) | (32u << 12) | (32u << 20); /* DIVM1..3 = 32, reset value */
	RCC_PLLCFGR = 0x01FF0000u;
	RCC_PLL1DIVR = 0x01010280u;
	RCC_PLL1FRACR = 0;
	RCC_PLL2DIVR = 0x01010280u;
	RCC_PLL2FRACR = 0;
	RCC_PLL3DIVR = 0x01010280u;
	RCC_PLL3FRACR = 0;
	RCC_CR &= ~RCC_CR_HSEBYP;
	RCC_CIER = 0;
	RCC_CICR = 0xFFFFFFFFu;
	RCC_RSR |= RCC_RSR_RMVF;
}

static void step_systick_clear(void)
{
	SYST_CSR = 0;
	SYST_RVR = 0;
	SYST_CVR = 0;
}

static void step_nvic_clear(void)
{
	for (int i = 0; i < 8; i++) {
		NVIC_ICER(i) = 0xFFFFFFFFu;
		NVIC_ICPR(i) = 0xFFFFFFFFu;
	}
}

/* The seed's order: the entry point first (the HardFault of the original
 * report happens here with 0x1FFF9800), then the stack pointer. */
static void step_read_vectors(void)
{
	volatile uint32_t addr = MB->jump_addr;

	SysMemBootJump = (void (*)(void))(*((volatile uint32_t *)(addr + 4u)));
	MB->jump_pc = (uint32_t)SysMemBootJump;
	MB->jump_sp = *((volatile uint32_t *)addr);
}

static void step_run(uint32_t id)
{
	switch (id) {
	case PROBE_STEP_APP_CLOCKS: step_app_clocks(); break;
	case PROBE_STEP_APP_SYSTICK: step_app_systick(); break;
	case PROBE_STEP_APP_NVIC: step_app_nvic(); break;
	case PROBE_STEP_APP_CACHES: step_app_caches(); break;
	case PROBE_STEP_APP_CDC: step_app_cdc(); break;
	case PROBE_STEP_USB_DISCONNECT: step_usb_disconnect(); break;
	case PROBE_STEP_DISABLE_IRQ: __asm volatile("cpsid i" ::: "memory"); break;
	case PROBE_STEP_DISABLE_ICACHE:
		MB->ccr_seen = SCB_CCR;
		cmsis5_disable_icache();
		break;
	case PROBE_STEP_DISABLE_DCACHE:
		MB->ccr_seen = SCB_CCR;
		cmsis5_disable_dcache();
		break;
	case PROBE_STEP_DISABLE_CACHES_CHECKED:
		MB->ccr_seen = SCB_CCR;
		if (SCB_CCR & SCB_CCR_IC)
			cmsis5_disable_icache();
		if (SCB_CCR & SCB_CCR_DC)
			cmsis5_disable_dcache();
		break;
	case PROBE_STEP_RCC_DEINIT: step_rcc_deinit(); break;
	case PROBE_STEP_SYSTICK_CLEAR: step_systick_clear(); break;
	case PROBE_STEP_NVIC_CLEAR: step_nvic_clear(); break;
	case PROBE_STEP_ENABLE_IRQ: __asm volatile("cpsie i" ::: "memory"); break;
	case PROBE_STEP_READ_VECTORS: step_read_vectors(); break;
	case PROBE_STEP_CONTROL_RESET:
		__asm volatile("msr control, %0\n isb" : : "r"(0u) : "memory");
		break;
	default:
		probe_stop(PROBE_STATE_ERROR, PROBE_ERR_STEPS);
	}
}

/* ---- the branch: no stack use after MSP changes --------------------------- */

/* seed: __set_MSP(sp); SysMemBootJump();  with a step boundary between the
 * two. The pointer is a global, as in the seed code, so it survives. */
__attribute__((naked, noreturn)) static void tail_set_msp_then_branch(void)
{
	__asm volatile(
		"ldr r0, =probe_mailbox\n"
		"ldr r1, [r0, #0x4C]\n"      /* jump_sp */
		"msr msp, r1\n"
		"isb\n"
		"ldr r2, [r0, #0x40]\n"      /* cur_step++ : the branch step */
		"adds r2, r2, #1\n"
		"str r2, [r0, #0x40]\n"
		"bkpt #0x01\n"
		"ldr r3, =SysMemBootJump\n"
		"ldr r3, [r3]\n"
		"blx r3\n"
		"1: b 1b\n"
		".ltorg\n");
}

/* -O0-style code: the function pointer lives in a stack local, which is read
 * back from the NEW stack after __set_MSP: the branch goes wherever that
 * memory points (the stack-after-msp pitfall). */
__attribute__((naked, noreturn)) static void tail_set_msp_local_then_branch(void)
{
	__asm volatile(
		"ldr r0, =probe_mailbox\n"
		"sub sp, sp, #8\n"
		"ldr r3, =SysMemBootJump\n"
		"ldr r3, [r3]\n"
		"str r3, [sp, #4]\n"         /* the local */
		"ldr r1, [r0, #0x4C]\n"
		"msr msp, r1\n"
		"isb\n"
		"ldr r2, [r0, #0x40]\n"
		"adds r2, r2, #1\n"
		"str r2, [r0, #0x40]\n"
		"bkpt #0x01\n"
		"ldr r3, [sp, #4]\n"         /* read through the new stack pointer */
		"blx r3\n"
		"1: b 1b\n"
		".ltorg\n");
}

/* SysMemBootJump() alone (MSP left as it is). */
__attribute__((naked, noreturn)) static void tail_branch(void)
{
	__asm volatile(
		"ldr r3, =SysMemBootJump\n"
		"ldr r3, [r3]\n"
		"blx r3\n"
		"1: b 1b\n"
		".ltorg\n");
}

/* ST's advice: load SP and branch in one asm block, values in registers. */
__attribute__((naked, noreturn)) static void tail_branch_asm(void)
{
	__asm volatile(
		"ldr r0, =probe_mailbox\n"
		"ldr r1, [r0, #0x4C]\n"
		"ldr r2, [r0, #0x50]\n"
		"msr msp, r1\n"
		"isb\n"
		"bx r2\n"
		".ltorg\n");
}

static int is_tail(uint32_t id)
{
	return id == PROBE_STEP_SET_MSP || id == PROBE_STEP_SET_MSP_LOCAL || id == PROBE_STEP_BRANCH ||
	       id == PROBE_STEP_BRANCH_ASM;
}

/* Valid endings: [SET_MSP, BRANCH], [SET_MSP_LOCAL, BRANCH], [BRANCH], [BRANCH_ASM]. */
static int tail_valid(uint32_t i)
{
	uint32_t n = MB->n_steps - i, a = MB->steps[i];

	if (n == 2 && (a == PROBE_STEP_SET_MSP || a == PROBE_STEP_SET_MSP_LOCAL))
		return MB->steps[i + 1] == PROBE_STEP_BRANCH;
	return n == 1 && (a == PROBE_STEP_BRANCH || a == PROBE_STEP_BRANCH_ASM);
}

__attribute__((noreturn)) static void run_tail(uint32_t id)
{
	switch (id) {
	case PROBE_STEP_SET_MSP: tail_set_msp_then_branch();
	case PROBE_STEP_SET_MSP_LOCAL: tail_set_msp_local_then_branch();
	case PROBE_STEP_BRANCH: tail_branch();
	default: tail_branch_asm();
	}
}

/* ---- the step loop --------------------------------------------------------- */

/* A minimal setjmp/longjmp (r4-r11, SP, LR; the probe uses no FP registers):
 * a fault unwound under KEEP_GOING comes back to the step loop with the stack
 * exactly as it was at the step boundary, so step diffs show no artefact. */
__attribute__((naked, returns_twice)) static int probe_setjmp(uint32_t *buf __attribute__((unused)))
{
	__asm volatile(
		"stmia r0, {r4-r11}\n"
		"mov r2, sp\n"
		"str r2, [r0, #32]\n"
		"str lr, [r0, #36]\n"
		"movs r0, #0\n"
		"bx lr\n");
}

__attribute__((naked, noreturn)) static void probe_longjmp(uint32_t *buf __attribute__((unused)),
							  int val __attribute__((unused)))
{
	__asm volatile(
		"ldmia r0, {r4-r11}\n"
		"ldr r2, [r0, #32]\n"
		"mov sp, r2\n"
		"ldr lr, [r0, #36]\n"
		"mov r0, r1\n"
		"bx lr\n");
}

static uint32_t step_jmp[10];

__attribute__((noreturn)) void probe_run(uint32_t first);

__attribute__((noreturn)) void probe_run(uint32_t first)
{
	for (volatile uint32_t i = first; i < MB->n_steps; i++) {
		uint32_t id = MB->steps[i];

		MB->cur_step = i;
		BKPT(0x01);
		if (is_tail(id))
			run_tail(id);
		if (probe_setjmp(step_jmp))
			continue; /* the step faulted and was unwound: go on with the next one */
		if (id == PROBE_STEP_ENTER_ISR) {
			step_enter_isr(i + 1u);
			/* still here: interrupts are masked, the handler will run later */
			continue;
		}
		step_run(id);
	}
	probe_stop(PROBE_STATE_DONE, 0);
}

static void validate_mailbox(void)
{
	if (MB->magic != PROBE_MAGIC || MB->abi != PROBE_ABI_VERSION)
		probe_stop(PROBE_STATE_ERROR, PROBE_ERR_MAGIC);
	if (MB->n_steps == 0 || MB->n_steps > PROBE_MAX_STEPS)
		probe_stop(PROBE_STATE_ERROR, PROBE_ERR_STEPS);
	for (uint32_t i = 0; i < MB->n_steps; i++) {
		uint32_t id = MB->steps[i];
		if (id == PROBE_STEP_NONE || id >= PROBE_STEP_COUNT_ || (id > PROBE_STEP_ENTER_ISR && id < 16u))
			probe_stop(PROBE_STATE_ERROR, PROBE_ERR_STEPS);
		if (is_tail(id) && !tail_valid(i))
			probe_stop(PROBE_STATE_ERROR, PROBE_ERR_TAIL);
		if (is_tail(id))
			break;
	}
}

__attribute__((noreturn)) void probe_start(void);

__attribute__((noreturn)) void probe_start(void)
{
	for (uint32_t *p = &_sbss; p < &_ebss; p++)
		*p = 0;
	SCB_VTOR = (uint32_t)_svectors;
	dsb();
	isb();
	MB->state = PROBE_STATE_RUNNING;
	MB->faults = 0;
	MB->error = 0;
	validate_mailbox();
	probe_run(0);
}

/* ---- exception handlers ---------------------------------------------------- */

/* Continue with the next step after a fault was unwound (KEEP_GOING): back
 * into the step loop's frame, as it was when the step started. */
__attribute__((noreturn)) static void probe_landing(void)
{
	probe_longjmp(step_jmp, 1);
}

/* Called with the exception frame and EXC_RETURN. The host has already
 * captured the evidence (vector catch halts before this runs). */
void probe_fault_c(uint32_t *frame, uint32_t exc_return);

void probe_fault_c(uint32_t *frame, uint32_t exc_return)
{
	uint32_t id = MB->cur_step < MB->n_steps ? MB->steps[MB->cur_step] : 0u;

	(void)exc_return;
	MB->last_fault_pc = frame[6];
	/* A failed vector read or branch leaves nothing to continue with. */
	if (!(MB->flags & PROBE_F_KEEP_GOING) || id == PROBE_STEP_READ_VECTORS || is_tail(id))
		probe_stop(PROBE_STATE_FAULT, 0);
	/* Clear what this fault set (write-1-to-clear, PM0253 CFSR/HFSR) so the
	 * next fault's evidence stands alone, then return to the landing pad:
	 * stacked PC = landing, stacked xPSR keeps IPSR and the alignment bit,
	 * T set, IT/ICI cleared. */
	SCB_CFSR = SCB_CFSR;
	SCB_HFSR = SCB_HFSR;
	SCB_ABFSR = 0; /* Cortex-M7 TRM: writing the register clears it */
	MB->faults++;
	frame[6] = (uint32_t)&probe_landing & ~1u;
	frame[7] = (frame[7] & 0x3FFu) | (1u << 24);
	dsb();
}

__attribute__((naked)) static void probe_fault_handler(void)
{
	__asm volatile(
		"tst lr, #4\n"
		"ite eq\n"
		"mrseq r0, msp\n"
		"mrsne r0, psp\n"
		"mov r1, lr\n"
		"b probe_fault_c\n");
}

static void probe_systick_handler(void)
{
	MB->ticks++;
}

static void probe_exti0_handler(void)
{
	NVIC_ICER(IRQ_EXTI0 / 32) = 1u << (IRQ_EXTI0 % 32);
	probe_run(isr_first_step);
}

static void probe_unexpected_handler(void)
{
	probe_stop(PROBE_STATE_FAULT, 0xE0000000u);
}

/* The ELF entry point: the host sets PC here (and MSP to _estack). */
__attribute__((naked, noreturn)) void probe_reset(void);

__attribute__((naked, noreturn)) void probe_reset(void)
{
	__asm volatile(
		"ldr r0, =_estack\n"
		"msr msp, r0\n"
		"b probe_start\n"
		".ltorg\n");
}

/* Vector table: 16 system exceptions + 150 STM32H745 interrupts (RM0399). */
typedef void (*vector_t)(void);
__attribute__((section(".vectors"), used)) static const vector_t vectors[16 + IRQ_COUNT] = {
	[2 ... 16 + IRQ_COUNT - 1] = probe_unexpected_handler, /* overridden below */
	[0] = (vector_t)&_estack,
	[1] = probe_reset,
	[3] = probe_fault_handler,        /* HardFault */
	[4] = probe_fault_handler,        /* MemManage */
	[5] = probe_fault_handler,        /* BusFault */
	[6] = probe_fault_handler,        /* UsageFault */
	[15] = probe_systick_handler,     /* SysTick */
	[16 + IRQ_EXTI0] = probe_exti0_handler,
	[16 + IRQ_OTG_FS] = usbdev_irq_handler,
};
