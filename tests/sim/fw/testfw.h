/* Layout of the h7sim test firmware (tests/sim/fw/testfw.c), shared with the tests. */
#ifndef H7_TESTFW_H
#define H7_TESTFW_H

#define TESTFW_BASE 0x24000000u    /* vector table; load address of testfw.bin */
#define TESTFW_ENTRIES 0x24000400u /* table of entry points, in enum order */
#define TESTFW_RESULT 0x24070000u  /* results written by the routines */
#define TESTFW_STACK 0x24080000u   /* initial MSP (top of AXI SRAM) */
#define TESTFW_STEP (TESTFW_RESULT + 0x20u) /* the step a multi-step routine is in */

enum testfw_entry {
	TF_COMPUTE,          /* results: fib(20), sum 1..1000, crc32("123456789"), 3.5*7.25*100 */
	TF_SYSTICK,          /* SysTick interrupts with FP context; result: ticks counted (10) */
	TF_PRIMASK_LOAD,     /* cpsid i; load from 0x1FFF9804 */
	TF_BUSFAULT_LOAD,    /* BusFault enabled, PRIMASK clear; load from 0x1FFF9804 */
	TF_STORE_RESERVED,   /* store to 0x1FFF9800, then 8 NOPs, BKPT */
	TF_SEED,             /* the broken jump of domain.md (steps in TESTFW_STEP) */
	TF_JUMP_ROM,         /* ST's recommended jump to 0x1FF09800, interrupts enabled */
	TF_JUMP_ROM_MASKED,  /* the same, PRIMASK left set */
	TF_JUMP_FROM_HANDLER,/* jump from inside PendSV (same priority as OTG_FS) */
	TF_APP_CDC,          /* connect OTG_FS as the application's device, BKPT once addressed */
	TF_LOOP,             /* 1: adds r0, #1; b 1b (free-running) */
	TF_CM4_COMPUTE,      /* integer work for the CM4; result at TESTFW_RESULT + 0x40 */
	TF_FLASH_WRITE,      /* firmware writes to flash (refused); BKPT */
	TF_SUPPLY_LDO,       /* PWR_CR3 = LDOEN (wrong for the disco board), wait ACTVOSRDY */
	TF_MPU_XN,           /* MPU: system memory execute-never, then call the ROM */
	TF_MPU_DATA,         /* MPU: SRAM4 no access, then load from 0x38000100 */
	TF_COUNT
};

#endif
