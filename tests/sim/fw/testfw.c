/* h7sim test firmware: small routines, each ending in BKPT, run by the sim tests
 * through OpenOCD (pc = entry, msp = TESTFW_STACK, VTOR = TESTFW_BASE). */
#include <stdint.h>

#include "rom.h"
#include "testfw.h"

#define RESULT ((volatile uint32_t *)TESTFW_RESULT)
#define STEP (*(volatile uint32_t *)TESTFW_STEP)
#define BKPT(n) __asm volatile("bkpt #" #n)

#define SCB_SHCSR REG(0xE000ED24u)
#define SCB_ICSR REG(0xE000ED04u)
#define SCB_CCR REG(0xE000ED14u)
#define SCB_CSSELR REG(0xE000ED84u)
#define SCB_CCSIDR REG(0xE000ED80u)
#define SCB_ICIALLU REG(0xE000EF50u)
#define SCB_DCCISW REG(0xE000EF74u)
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)
#define NVIC_ICER(n) REG(0xE000E180u + 4u * (n))
#define NVIC_ICPR(n) REG(0xE000E280u + 4u * (n))
#define SHPR3 REG(0xE000ED20u)

typedef void (*vector)(void);

void t_compute(void);
void t_systick(void);
void t_primask_load(void);
void t_busfault_load(void);
void t_store_reserved(void);
void t_seed(void);
void t_jump_rom(void);
void t_jump_rom_masked(void);
void t_jump_from_handler(void);
void t_app_cdc(void);
void t_loop(void);
void t_cm4_compute(void);
void t_flash_write(void);
void t_supply_ldo(void);
void t_mpu_xn(void);
void t_mpu_data(void);
void h_hardfault(void);
void h_memmanage(void);
void h_busfault(void);
void h_usagefault(void);
void h_other(void);
void h_systick(void);
void h_pendsv(void);
void h_otg(void);

__attribute__((section(".vectors"), used)) const vector testfw_vectors[16 + 150] = {
	[0] = (vector)TESTFW_STACK,
	[1] = t_loop,
	[2] = h_other,
	[3] = h_hardfault,
	[4] = h_memmanage,
	[5] = h_busfault,
	[6] = h_usagefault,
	[7 ... 13] = h_other,
	[14] = h_pendsv,
	[15] = h_systick,
	[16 ... 16 + OTG_FS_IRQ - 1] = h_other,
	[16 + OTG_FS_IRQ] = h_otg,
	[16 + OTG_FS_IRQ + 1 ... 16 + 149] = h_other,
};

__attribute__((section(".entries"), used)) const vector testfw_entries[TF_COUNT] = {
	[TF_COMPUTE] = t_compute,
	[TF_SYSTICK] = t_systick,
	[TF_PRIMASK_LOAD] = t_primask_load,
	[TF_BUSFAULT_LOAD] = t_busfault_load,
	[TF_STORE_RESERVED] = t_store_reserved,
	[TF_SEED] = t_seed,
	[TF_JUMP_ROM] = t_jump_rom,
	[TF_JUMP_ROM_MASKED] = t_jump_rom_masked,
	[TF_JUMP_FROM_HANDLER] = t_jump_from_handler,
	[TF_APP_CDC] = t_app_cdc,
	[TF_LOOP] = t_loop,
	[TF_CM4_COMPUTE] = t_cm4_compute,
	[TF_FLASH_WRITE] = t_flash_write,
	[TF_SUPPLY_LDO] = t_supply_ldo,
	[TF_MPU_XN] = t_mpu_xn,
	[TF_MPU_DATA] = t_mpu_data,
};

static volatile uint32_t ticks;
static volatile uint32_t setup_pkt[2];
static volatile uint32_t have_setup;

/* ------------------------------------------------------------ computations */

static uint32_t fib(uint32_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint32_t crc32(const uint8_t *p, uint32_t n)
{
	uint32_t c = 0xFFFFFFFFu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & -(c & 1u));
	}
	return ~c;
}

void t_compute(void)
{
	static const uint8_t check[] = "123456789";
	volatile double a = 3.5, b = 7.25;
	uint32_t sum = 0;

	for (uint32_t i = 1; i <= 1000; i++)
		sum += i;
	RESULT[0] = fib(20);
	RESULT[1] = sum;
	RESULT[2] = crc32(check, 9);
	RESULT[3] = (uint32_t)(a * b * 100.0);
	BKPT(1);
}

void t_cm4_compute(void)
{
	uint32_t x = 1;

	for (uint32_t i = 0; i < 100; i++)
		x = x * 3 + i;
	RESULT[16] = x;
	RESULT[17] = fib(15);
	BKPT(1);
}

/* ------------------------------------------------------------ exceptions */

void h_systick(void)
{
	volatile float f = 1.5f;

	f = f * 2.0f; /* FP use inside the handler too */
	ticks = ticks + (uint32_t)f / 3u;
}

void t_systick(void)
{
	volatile float acc = 0.0f;

	ticks = 0;
	SHPR3 = (SHPR3 & 0x00FFFFFFu) | (0x80u << 24);
	SYST_RVR = 999;
	SYST_CVR = 0;
	SYST_CSR = 7; /* processor clock, TICKINT, ENABLE */
	__asm volatile("cpsie i");
	while (ticks < 10)
		acc = acc + 0.5f; /* FP context active while interrupted */
	SYST_CSR = 0;
	RESULT[4] = ticks;
	RESULT[5] = (uint32_t)acc != 0;
	BKPT(1);
}

__attribute__((naked)) void t_primask_load(void)
{
	__asm volatile("cpsid i\n\t"
		       "ldr r0, =0x1FFF9804\n\t"
		       "ldr r1, [r0]\n\t"
		       "bkpt #2\n\t"
		       ".ltorg");
}

__attribute__((naked)) void t_busfault_load(void)
{
	__asm volatile("ldr r0, =0xE000ED24\n\t"
		       "ldr r1, [r0]\n\t"
		       "orr r1, r1, #0x20000\n\t" /* SHCSR.BUSFAULTENA */
		       "str r1, [r0]\n\t"
		       "cpsie i\n\t"
		       "ldr r0, =0x1FFF9804\n\t"
		       "ldr r1, [r0]\n\t"
		       "bkpt #2\n\t"
		       ".ltorg");
}

__attribute__((naked)) void t_store_reserved(void)
{
	__asm volatile("ldr r0, =0x1FFF9800\n\t"
		       "movs r1, #0x55\n\t"
		       "str r1, [r0]\n\t"
		       "nop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop\n\t"
		       "bkpt #2\n\t"
		       ".ltorg");
}

/* handlers start with a NOP: a halt ON their first instruction (vector catch)
 * is then told apart from a halt on their BKPT */
__attribute__((naked)) void h_hardfault(void) { __asm volatile("nop\n\tbkpt #3"); }
__attribute__((naked)) void h_memmanage(void) { __asm volatile("nop\n\tbkpt #4"); }
__attribute__((naked)) void h_busfault(void) { __asm volatile("nop\n\tbkpt #5"); }
__attribute__((naked)) void h_usagefault(void) { __asm volatile("nop\n\tbkpt #6"); }
__attribute__((naked)) void h_other(void) { __asm volatile("nop\n\tbkpt #7"); }

/* ------------------------------------------------------------ the seed case */

static void cmsis5_disable_dcache(void)
{
	/* CMSIS 5 SCB_DisableDCache(): clean+invalidate by set/way without checking
	 * CCR.DC first (fixed in CMSIS_6 PR #293) */
	uint32_t ccsidr, sets, ways;

	SCB_CSSELR = 0;
	__asm volatile("dsb");
	ccsidr = SCB_CCSIDR;
	SCB_CCR &= ~(1u << 16);
	__asm volatile("dsb");
	sets = (ccsidr >> 13) & 0x7FFFu;
	do {
		ways = (ccsidr >> 3) & 0x3FFu;
		do {
			SCB_DCCISW = ((sets << 5) & 0x3FE0u) | ((ways << 30) & 0xC0000000u);
		} while (ways-- != 0u);
	} while (sets-- != 0u);
	__asm volatile("dsb\n\tisb");
}

void t_seed(void)
{
	volatile uint32_t addr = 0x1FFF9800u; /* "from AN2606": wrong for H7 */
	void (*jump)(void);

	STEP = 1;
	__asm volatile("cpsid i");
	STEP = 2;
	SCB_CCR &= ~(1u << 17); /* SCB_DisableICache */
	SCB_ICIALLU = 0;
	__asm volatile("dsb\n\tisb");
	STEP = 3;
	cmsis5_disable_dcache();
	STEP = 4;
	/* HAL_RCC_DeInit (the part that matters here): HSI on, system clock HSI */
	RCC_CR |= RCC_CR_HSION;
	while (!(RCC_CR & RCC_CR_HSIRDY))
		;
	RCC_CFGR = 0;
	while ((RCC_CFGR >> 3) & 7u)
		;
	STEP = 5;
	SYST_CSR = 0;
	SYST_RVR = 0;
	SYST_CVR = 0;
	STEP = 6;
	jump = (void (*)(void))(*(volatile uint32_t *)(addr + 4)); /* HardFault here */
	STEP = 7;
	__asm volatile("msr msp, %0" : : "r"(*(volatile uint32_t *)addr));
	jump();
	BKPT(2);
}

/* ------------------------------------------------------------ jumps to the ROM */

static void prepare_jump(void)
{
	__asm volatile("cpsid i");
	SYST_CSR = 0;
	SYST_RVR = 0;
	SYST_CVR = 0;
	for (unsigned i = 0; i < 8; i++) {
		NVIC_ICER(i) = 0xFFFFFFFFu;
		NVIC_ICPR(i) = 0xFFFFFFFFu;
	}
}

__attribute__((noreturn)) static void jump_to(uint32_t table)
{
	__asm volatile("ldr r1, [%0]\n\t"
		       "ldr r2, [%0, #4]\n\t"
		       "msr msp, r1\n\t"
		       "bx r2" : : "r"(table) : "r1", "r2", "memory");
	__builtin_unreachable();
}

void t_jump_rom(void)
{
	prepare_jump();
	__asm volatile("cpsie i");
	jump_to(0x1FF09800u);
}

void t_jump_rom_masked(void)
{
	prepare_jump();
	jump_to(0x1FF09800u);
}

void h_pendsv(void)
{
	/* jumping from handler mode: PendSV (priority 0) stays active */
	__asm volatile("cpsie i");
	jump_to(0x1FF09800u);
}

void t_jump_from_handler(void)
{
	prepare_jump();
	__asm volatile("cpsie i");
	SCB_ICSR = 1u << 28; /* PENDSVSET */
	__asm volatile("dsb\n\tisb");
	for (;;)
		;
}

/* ------------------------------------------------------------ the app's USB device */

void h_otg(void)
{
	uint32_t sts = OTG_GINTSTS & OTG_GINTMSK;

	if (sts & OTG_USBRST) {
		OTG_GINTSTS = OTG_USBRST;
		OTG_DCFG &= ~OTG_DAD_MASK;
	}
	if (sts & OTG_ENUMDNE)
		OTG_GINTSTS = OTG_ENUMDNE;
	if (sts & OTG_USBSUSP)
		OTG_GINTSTS = OTG_USBSUSP;
	while (OTG_GINTSTS & OTG_RXFLVL) {
		uint32_t st = OTG_GRXSTSP, pktsts = (st >> 17) & 0xFu, bcnt = (st >> 4) & 0x7FFu;

		if (pktsts == 6u && bcnt == 8u) {
			setup_pkt[0] = OTG_FIFO0;
			setup_pkt[1] = OTG_FIFO0;
			have_setup = 1;
		} else if (pktsts == 4u && have_setup) {
			uint32_t w0 = setup_pkt[0];

			have_setup = 0;
			if ((w0 & 0xFFFFu) == 0x0500u) /* SET_ADDRESS */
				OTG_DCFG = (OTG_DCFG & ~OTG_DAD_MASK) | (((w0 >> 16) & 0x7Fu) << 4);
		} else {
			for (uint32_t i = 0; i < (bcnt + 3u) / 4u; i++)
				(void)OTG_FIFO0;
		}
	}
}

void t_app_cdc(void)
{
	PWR_CR3 |= PWR_CR3_USB33DEN;
	while (!(PWR_CR3 & PWR_CR3_USB33RDY))
		;
	RCC_AHB1ENR |= RCC_AHB1ENR_USB2OTGFSEN;
	OTG_GRSTCTL |= OTG_CSRST;
	while (OTG_GRSTCTL & OTG_CSRST)
		;
	OTG_GUSBCFG |= OTG_FDMOD;
	OTG_DCTL |= OTG_SDIS; /* HAL: disconnected until started */
	OTG_DCFG = (OTG_DCFG & ~3u) | 3u;
	OTG_GINTSTS = 0xFFFFFFFFu;
	OTG_GINTMSK = OTG_USBRST | OTG_ENUMDNE | OTG_RXFLVL | OTG_USBSUSP;
	OTG_GCCFG |= OTG_PWRDWN;
	OTG_GAHBCFG |= OTG_GINT;
	NVIC_ISER(OTG_FS_IRQ / 32) = 1u << (OTG_FS_IRQ % 32);
	__asm volatile("cpsie i");
	OTG_DCTL &= ~OTG_SDIS; /* HAL_PCD_Start: connect */
	while (!(OTG_DCFG & OTG_DAD_MASK))
		__asm volatile("wfi");
	RESULT[6] = (OTG_DCFG & OTG_DAD_MASK) >> 4;
	BKPT(1);
}

/* ------------------------------------------------------------ misc */

__attribute__((naked)) void t_loop(void)
{
	__asm volatile("1: adds r0, #1\n\t"
		       "b 1b");
}

void t_flash_write(void)
{
	*(volatile uint32_t *)0x08000100u = 0x12345678u;
	RESULT[7] = *(volatile uint32_t *)0x08000100u;
	BKPT(1);
}

void t_supply_ldo(void)
{
	uint32_t n = 0;

	PWR_CR3 = (PWR_CR3 & ~0x3Fu) | (1u << 1); /* LDOEN only: PWR_LDO_SUPPLY */
	while (!(REG(0x58024804u) & (1u << 13)) && n < 100000u) /* PWR_CSR1.ACTVOSRDY */
		n++;
	RESULT[8] = n;
	BKPT(1);
}

/* ------------------------------------------------------------ MPU (PM0253) */

#define MPU_CTRL REG(0xE000ED94u)
#define MPU_RNR REG(0xE000ED98u)
#define MPU_RBAR REG(0xE000ED9Cu)
#define MPU_RASR REG(0xE000EDA0u)

void t_mpu_xn(void)
{
	MPU_RNR = 0;
	MPU_RBAR = 0x1FF00000u;
	MPU_RASR = (1u << 28) | (3u << 24) | (16u << 1) | 1u; /* XN, full access, 128 KiB */
	MPU_CTRL = 5u; /* ENABLE | PRIVDEFENA */
	__asm volatile("dsb\n\tisb");
	((void (*)(void))(*(volatile uint32_t *)0x1FF09804u))();
	BKPT(2);
}

void t_mpu_data(void)
{
	MPU_RNR = 1;
	MPU_RBAR = 0x38000000u;
	MPU_RASR = (0u << 24) | (15u << 1) | 1u; /* no access, 64 KiB */
	MPU_CTRL = 5u;
	__asm volatile("dsb\n\tisb");
	RESULT[9] = *(volatile uint32_t *)0x38000100u;
	BKPT(2);
}
