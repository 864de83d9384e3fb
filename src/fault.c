/* Cortex-M7 fault decoding (see fault.h for the sources). Pure: no I/O. */
#include "fault.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- bit tables ------------------------------------------------------- */

/* CFSR: MMFSR 7:0, BFSR 15:8, UFSR 31:16 (DDI0403 B3.2.15; PM0253 4.3.10
 * "Configurable fault status register"). Names as in CMSIS core_cm7.h. */
static const struct bits_field cfsr_fields[] = {
	{ "IACCVIOL", FAULT_CFSR_IACCVIOL, "MemManage: instruction fetch from a location the MPU or XN forbids" },
	{ "DACCVIOL", FAULT_CFSR_DACCVIOL, "MemManage: data access the MPU forbids (MMFAR holds the address if MMARVALID)" },
	{ "MUNSTKERR", FAULT_CFSR_MUNSTKERR, "MemManage on unstacking at exception return" },
	{ "MSTKERR", FAULT_CFSR_MSTKERR, "MemManage on stacking at exception entry (the stacked frame is not valid)" },
	{ "MLSPERR", FAULT_CFSR_MLSPERR, "MemManage during lazy floating-point state preservation" },
	{ "MMARVALID", FAULT_CFSR_MMARVALID, "MMFAR holds the address of the MemManage fault" },
	{ "IBUSERR", FAULT_CFSR_IBUSERR, "BusFault on an instruction fetch (precise, when the instruction is issued)" },
	{ "PRECISERR", FAULT_CFSR_PRECISERR, "precise data bus error: the stacked PC is the faulting instruction" },
	{ "IMPRECISERR", FAULT_CFSR_IMPRECISERR, "imprecise data bus error: an earlier (buffered) store failed; the stacked PC is not the culprit" },
	{ "UNSTKERR", FAULT_CFSR_UNSTKERR, "BusFault on unstacking at exception return" },
	{ "STKERR", FAULT_CFSR_STKERR, "BusFault on stacking at exception entry (the stacked frame is not valid)" },
	{ "LSPERR", FAULT_CFSR_LSPERR, "BusFault during lazy floating-point state preservation" },
	{ "BFARVALID", FAULT_CFSR_BFARVALID, "BFAR holds the address of the BusFault" },
	{ "UNDEFINSTR", FAULT_CFSR_UNDEFINSTR, "UsageFault: undefined instruction" },
	{ "INVSTATE", FAULT_CFSR_INVSTATE, "UsageFault: execution with EPSR.T = 0 (branch to an address without the Thumb bit)" },
	{ "INVPC", FAULT_CFSR_INVPC, "UsageFault: invalid EXC_RETURN or PC load at exception return" },
	{ "NOCP", FAULT_CFSR_NOCP, "UsageFault: coprocessor (FPU) instruction while the coprocessor is disabled (CPACR)" },
	{ "UNALIGNED", FAULT_CFSR_UNALIGNED, "UsageFault: unaligned access (CCR.UNALIGN_TRP, or LDM/STM/LDRD)" },
	{ "DIVBYZERO", FAULT_CFSR_DIVBYZERO, "UsageFault: SDIV/UDIV by zero with CCR.DIV_0_TRP set" },
};

/* HFSR (DDI0403 B3.2.16; PM0253 4.3.11) */
static const struct bits_field hfsr_fields[] = {
	{ "VECTTBL", FAULT_HFSR_VECTTBL, "BusFault reading the vector table during exception processing" },
	{ "FORCED", FAULT_HFSR_FORCED, "a configurable fault escalated to HardFault (could not be taken at its own priority or its handler is disabled)" },
	{ "DEBUGEVT", FAULT_HFSR_DEBUGEVT, "a debug event (e.g. BKPT) occurred while halting debug was not enabled" },
};

/* DFSR (DDI0403 C1.6.1) */
static const struct bits_field dfsr_fields[] = {
	{ "HALTED", 1u << 0, "halt request or step" },
	{ "BKPT", 1u << 1, "breakpoint (BKPT instruction or FPB comparator)" },
	{ "DWTTRAP", 1u << 2, "DWT watchpoint or trace event" },
	{ "VCATCH", 1u << 3, "vector catch (DEMCR.VC_*): halted on exception entry" },
	{ "EXTERNAL", 1u << 4, "external debug request (EDBGRQ)" },
};

/* ABFSR: Auxiliary Bus Fault Status Register, Cortex-M7 only (DDI0489 Cortex-M7
 * TRM, "Auxiliary Bus Fault Status Register"): which interface received the
 * asynchronous (imprecise) bus error. */
static const char *const axim_types[] = { "OKAY", "EXOKAY", "SLVERR", "DECERR" };
static const struct bits_field abfsr_fields[] = {
	{ "ITCM", 1u << 0, "asynchronous fault on the ITCM interface" },
	{ "DTCM", 1u << 1, "asynchronous fault on the DTCM interface" },
	{ "AHBP", 1u << 2, "asynchronous fault on the AHB peripheral (AHBP) interface" },
	{ "AXIM", 1u << 3, "asynchronous fault on the AXI master (AXIM) interface: memory, or a cache write-back" },
	{ "EPPB", 1u << 4, "asynchronous fault on the external PPB interface" },
	{ "AXIMTYPE", 3u << 8, "AXI response of the AXIM fault", axim_types, 4 },
};

/* SHCSR (DDI0403 B3.2.13; PM0253 4.3.9): active, pending and enable bits */
static const struct bits_field shcsr_fields[] = {
	{ "MEMFAULTACT", 1u << 0, "MemManage handler active" },
	{ "BUSFAULTACT", 1u << 1, "BusFault handler active" },
	{ "USGFAULTACT", 1u << 3, "UsageFault handler active" },
	{ "SVCALLACT", 1u << 7, "SVCall active" },
	{ "MONITORACT", 1u << 8, "DebugMonitor active" },
	{ "PENDSVACT", 1u << 10, "PendSV active" },
	{ "SYSTICKACT", 1u << 11, "SysTick handler active" },
	{ "USGFAULTPENDED", 1u << 12, "UsageFault pending" },
	{ "MEMFAULTPENDED", 1u << 13, "MemManage pending" },
	{ "BUSFAULTPENDED", 1u << 14, "BusFault pending" },
	{ "SVCALLPENDED", 1u << 15, "SVCall pending" },
	{ "MEMFAULTENA", FAULT_SHCSR_MEMFAULTENA, "MemManage handler enabled (else MemManage escalates to HardFault)" },
	{ "BUSFAULTENA", FAULT_SHCSR_BUSFAULTENA, "BusFault handler enabled (else BusFault escalates to HardFault)" },
	{ "USGFAULTENA", FAULT_SHCSR_USGFAULTENA, "UsageFault handler enabled (else UsageFault escalates to HardFault)" },
};

/* Special registers (DDI0403 B1.4.3; PM0253 2.1.3) */
static const struct bits_field control_fields[] = {
	{ "nPRIV", 1u << 0, "Thread mode is unprivileged" },
	{ "SPSEL", 1u << 1, "Thread mode uses PSP (else MSP)" },
	{ "FPCA", 1u << 2, "floating-point context active: the next exception stacks an FP-extended frame" },
};
static const struct bits_field primask_fields[] = {
	{ "PRIMASK", 1u << 0, "all exceptions with configurable priority are masked (__disable_irq)" },
};
static const struct bits_field faultmask_fields[] = {
	{ "FAULTMASK", 1u << 0, "all exceptions but NMI are masked (execution priority -1)" },
};
static const struct bits_field basepri_fields[] = {
	{ "BASEPRI", 0xFFu, "exceptions with priority value >= BASEPRI are masked (0: no masking)" },
};
/* xPSR (DDI0403 B1.4.2; PM0253 2.1.3). Bit 9 is meaningful only in a stacked
 * xPSR (alignment padding, see fault_frame_math); the ICI/IT field is split
 * over bits 26:25 and 15:10. */
static const struct bits_field xpsr_fields[] = {
	{ "N", 1u << 31, "negative flag" },
	{ "Z", 1u << 30, "zero flag" },
	{ "C", 1u << 29, "carry flag" },
	{ "V", 1u << 28, "overflow flag" },
	{ "Q", 1u << 27, "saturation flag" },
	{ "ICI_IT_1_0", 3u << 25, "IT/ICI state bits [1:0]" },
	{ "T", 1u << 24, "Thumb state (must be 1 on Cortex-M; 0 leads to INVSTATE)" },
	{ "GE", 0xFu << 16, "SIMD greater-or-equal flags" },
	{ "ICI_IT_7_2", 0x3Fu << 10, "IT/ICI state bits [7:2]" },
	{ "ISR_NUMBER", 0x1FFu, "exception number (IPSR): 0 = Thread mode" },
};

/* SCB registers (PM0253 4.3 "System control block") */
static const struct bits_field ccr_fields[] = {
	{ "NONBASETHRDENA", 1u << 0, "Thread mode may be entered from any exception level" },
	{ "USERSETMPEND", 1u << 1, "unprivileged code may write STIR" },
	{ "UNALIGN_TRP", 1u << 3, "trap unaligned halfword/word accesses (UsageFault)" },
	{ "DIV_0_TRP", 1u << 4, "trap divide by zero (UsageFault)" },
	{ "BFHFNMIGN", 1u << 8, "handlers at priority -1/-2 ignore data bus faults" },
	{ "STKALIGN", 1u << 9, "8-byte stack alignment on exception entry" },
	{ "DC", 1u << 16, "L1 data cache enabled" },
	{ "IC", 1u << 17, "L1 instruction cache enabled" },
	{ "BP", 1u << 18, "branch prediction enabled (always 1 on Cortex-M7)" },
};
/* CACR, Cortex-M7 only (DDI0489 "L1 Cache Control Register"; CMSIS core_cm7.h
 * calls bit 1 ECCEN, the TRM revisions name it ECCDIS: the meaning depends on
 * the core revision, so it is named as CMSIS does and not interpreted). */
static const struct bits_field cacr_fields[] = {
	{ "SIWT", 1u << 0, "shared cacheable-is-write-through" },
	{ "ECCEN", 1u << 1, "ECC control bit (ECCEN in CMSIS, ECCDIS in the TRM)" },
	{ "FORCEWT", 1u << 2, "all cacheable memory is write-through: no dirty lines, no write-backs" },
};
static const struct bits_field icsr_fields[] = {
	{ "VECTACTIVE", 0x1FFu, "active exception number (0: Thread mode)" },
	{ "RETTOBASE", 1u << 11, "no other exception is active (return goes to Thread mode)" },
	{ "VECTPENDING", 0x1FFu << 12, "highest-priority pending exception number" },
	{ "ISRPENDING", 1u << 22, "an interrupt is pending" },
	{ "PENDSTSET", 1u << 26, "SysTick exception pending" },
	{ "PENDSVSET", 1u << 28, "PendSV pending" },
	{ "NMIPENDSET", 1u << 31, "NMI pending" },
};
static const struct bits_field aircr_fields[] = {
	{ "VECTRESET", 1u << 0, "reserved for debug use (write)" },
	{ "VECTCLRACTIVE", 1u << 1, "reserved for debug use (write)" },
	{ "SYSRESETREQ", 1u << 2, "system reset request" },
	{ "PRIGROUP", 7u << 8, "priority grouping: group priority is bits [7:PRIGROUP+1]" },
	{ "ENDIANNESS", 1u << 15, "big-endian data (always 0 on Cortex-M7)" },
	{ "VECTKEYSTAT", 0xFFFFu << 16, "reads 0xFA05" },
};
static const struct bits_field fpccr_fields[] = {
	{ "LSPACT", 1u << 0, "lazy FP state preservation is active: FP space reserved in a frame not yet written" },
	{ "USER", 1u << 1, "the FP frame was allocated in unprivileged mode" },
	{ "THREAD", 1u << 3, "the FP frame was allocated in Thread mode" },
	{ "HFRDY", 1u << 4, "HardFault could be pended when the frame was allocated" },
	{ "MMRDY", 1u << 5, "MemManage could be pended when the frame was allocated" },
	{ "BFRDY", 1u << 6, "BusFault could be pended when the frame was allocated" },
	{ "MONRDY", 1u << 8, "DebugMonitor could be pended when the frame was allocated" },
	{ "LSPEN", 1u << 30, "lazy FP state preservation enabled" },
	{ "ASPEN", 1u << 31, "CONTROL.FPCA set on FP instructions: automatic FP state preservation" },
};
static const char *const cp_access[] = { "denied", "privileged", "reserved", "full" };
static const struct bits_field cpacr_fields[] = {
	{ "CP10", 3u << 20, "FPU (CP10) access", cp_access, 4 },
	{ "CP11", 3u << 22, "FPU (CP11) access", cp_access, 4 },
};
/* Debug registers (DDI0403 C1.6.2 DHCSR, C1.6.5 DEMCR) */
static const struct bits_field dhcsr_fields[] = {
	{ "C_DEBUGEN", 1u << 0, "halting debug enabled" },
	{ "C_HALT", 1u << 1, "halt requested" },
	{ "C_STEP", 1u << 2, "single-step" },
	{ "C_MASKINTS", 1u << 3, "interrupts masked while stepping" },
	{ "C_SNAPSTALL", 1u << 5, "break a stalled load/store" },
	{ "S_REGRDY", 1u << 16, "register transfer complete" },
	{ "S_HALT", 1u << 17, "the core is halted" },
	{ "S_SLEEP", 1u << 18, "the core is sleeping" },
	{ "S_LOCKUP", 1u << 19, "the core is locked up (fault in a HardFault/NMI handler)" },
	{ "S_RETIRE_ST", 1u << 24, "an instruction retired since the last read" },
	{ "S_RESET_ST", 1u << 25, "the core was reset since the last read" },
};
static const struct bits_field demcr_fields[] = {
	{ "VC_CORERESET", 1u << 0, "vector catch: core reset" },
	{ "VC_MMERR", 1u << 4, "vector catch: MemManage" },
	{ "VC_NOCPERR", 1u << 5, "vector catch: UsageFault NOCP" },
	{ "VC_CHKERR", 1u << 6, "vector catch: UsageFault checks" },
	{ "VC_STATERR", 1u << 7, "vector catch: UsageFault state errors" },
	{ "VC_BUSERR", 1u << 8, "vector catch: BusFault" },
	{ "VC_INTERR", 1u << 9, "vector catch: exception entry/return errors" },
	{ "VC_HARDERR", 1u << 10, "vector catch: HardFault" },
	{ "MON_EN", 1u << 16, "DebugMonitor enabled" },
	{ "MON_PEND", 1u << 17, "DebugMonitor pending" },
	{ "MON_STEP", 1u << 18, "DebugMonitor step" },
	{ "MON_REQ", 1u << 19, "DebugMonitor request" },
	{ "TRCENA", 1u << 24, "DWT and ITM enabled" },
};

#define TAB(id, f, r) { id, f, BITS_N(f), r }
const struct bits_reg fault_tables[] = {
	TAB(REG_CFSR, cfsr_fields, "DDI0403 B3.2.15, PM0253 4.3.10 CFSR"),
	TAB(REG_HFSR, hfsr_fields, "DDI0403 B3.2.16, PM0253 4.3.11 HFSR"),
	TAB(REG_DFSR, dfsr_fields, "DDI0403 C1.6.1 DFSR"),
	TAB(REG_ABFSR, abfsr_fields, "DDI0489 Cortex-M7 TRM, ABFSR"),
	TAB(REG_SHCSR, shcsr_fields, "DDI0403 B3.2.13, PM0253 4.3.9 SHCSR"),
	TAB(REG_XPSR, xpsr_fields, "DDI0403 B1.4.2 xPSR"),
	TAB(REG_CONTROL, control_fields, "DDI0403 B1.4.4 CONTROL"),
	TAB(REG_PRIMASK, primask_fields, "DDI0403 B1.4.3 PRIMASK"),
	TAB(REG_FAULTMASK, faultmask_fields, "DDI0403 B1.4.3 FAULTMASK"),
	TAB(REG_BASEPRI, basepri_fields, "DDI0403 B1.4.3 BASEPRI"),
	TAB(REG_ICSR, icsr_fields, "PM0253 4.3.3 ICSR"),
	TAB(REG_AIRCR, aircr_fields, "PM0253 4.3.5 AIRCR"),
	TAB(REG_CCR, ccr_fields, "PM0253 4.3.7 CCR"),
	TAB(REG_CACR, cacr_fields, "DDI0489 Cortex-M7 TRM, CACR"),
	TAB(REG_FPCCR, fpccr_fields, "PM0253 FPU, FPCCR"),
	TAB(REG_CPACR, cpacr_fields, "PM0253 FPU, CPACR"),
	TAB(REG_DHCSR, dhcsr_fields, "DDI0403 C1.6.2 DHCSR"),
	TAB(REG_DEMCR, demcr_fields, "DDI0403 C1.6.5 DEMCR"),
};
const size_t fault_n_tables = BITS_N(fault_tables);

const struct bits_reg *fault_table(enum reg_id id)
{
	for (size_t i = 0; i < fault_n_tables; i++)
		if (fault_tables[i].id == id)
			return &fault_tables[i];
	return NULL;
}

uint32_t fault_defined_mask(enum reg_id id)
{
	const struct bits_reg *t = fault_table(id);
	uint32_t m = 0;

	for (size_t i = 0; t && i < t->n_fields; i++)
		m |= t->fields[i].mask;
	return m;
}

/* ---- exception names -------------------------------------------------- */

static const char *const system_exceptions[16] = {
	"Thread", "Reset", "NMI", "HardFault", "MemManage", "BusFault", "UsageFault", NULL, NULL, NULL, NULL,
	"SVCall", "DebugMonitor", NULL, "PendSV", "SysTick",
};

/* STM32H745 interrupt lines: RM0399 "NVIC" vector table. The names are those
 * of the <interrupt> elements of the STM32H745_CM7 CMSIS-SVD (STMicroelectronics),
 * line 64 from the STM32H745_CM4 SVD (the CM7's send-event line as the CM4
 * sees it); lines neither SVD names are "reserved" here (RM0399 gives some of
 * them to parts with crypto, DSI or to the other core). test_fault.c checks
 * this table against the SVD when ../shared is present. */
static const char *const irq_names[FAULT_N_IRQS] = {
	[0] = "WWDG1", [1] = "PVD_PVM", [2] = "RTC_TAMP_STAMP_CSS_LSE", [3] = "RTC_WKUP", [4] = "FLASH",
	[5] = "RCC", [6] = "EXTI0", [7] = "EXTI1", [8] = "EXTI2", [9] = "EXTI3", [10] = "EXTI4",
	[11] = "DMA_STR0", [12] = "DMA_STR1", [13] = "DMA_STR2", [14] = "DMA_STR3", [15] = "DMA_STR4",
	[16] = "DMA_STR5", [17] = "DMA_STR6", [18] = "ADC1_2", [19] = "FDCAN1_IT0", [20] = "FDCAN2_IT0",
	[21] = "FDCAN1_IT1", [22] = "FDCAN2_IT1", [23] = "EXTI9_5", [24] = "TIM1_BRK", [25] = "TIM1_UP",
	[26] = "TIM1_TRG_COM", [27] = "TIM_CC", [28] = "TIM2", [29] = "TIM3", [30] = "TIM4",
	[31] = "I2C1_EV", [32] = "I2C1_ER", [33] = "I2C2_EV", [34] = "I2C2_ER", [35] = "SPI1",
	[36] = "SPI2", [37] = "USART1", [38] = "USART2", [39] = "USART3", [40] = "EXTI15_10",
	[41] = "RTC_ALARM", [42] = "reserved", [43] = "TIM8_BRK_TIM12", [44] = "TIM8_UP_TIM13",
	[45] = "TIM8_TRG_COM_TIM14", [46] = "TIM8_CC", [47] = "DMA1_STR7", [48] = "FMC", [49] = "SDMMC1",
	[50] = "TIM5", [51] = "SPI3", [52] = "UART4", [53] = "UART5", [54] = "TIM6_DAC", [55] = "TIM7",
	[56] = "DMA2_STR0", [57] = "DMA2_STR1", [58] = "DMA2_STR2", [59] = "DMA2_STR3",
	[60] = "DMA2_STR4", [61] = "ETH", [62] = "ETH_WKUP", [63] = "FDCAN_CAL", [64] = "CM7_SEV_IT",
	[65] = "CM4_SEV_IT", [66] = "reserved", [67] = "reserved", [68] = "DMA2_STR5", [69] = "DMA2_STR6",
	[70] = "DMA2_STR7", [71] = "USART6", [72] = "I2C3_EV", [73] = "I2C3_ER", [74] = "OTG_HS_EP1_OUT",
	[75] = "OTG_HS_EP1_IN", [76] = "OTG_HS_WKUP", [77] = "OTG_HS", [78] = "DCMI", [79] = "reserved",
	[80] = "HASH_RNG", [81] = "FPU", [82] = "UART7", [83] = "UART8", [84] = "SPI4", [85] = "SPI5",
	[86] = "SPI6", [87] = "SAI1", [88] = "LTDC", [89] = "LTDC_ER", [90] = "DMA2D", [91] = "SAI2",
	[92] = "QUADSPI", [93] = "LPTIM1", [94] = "CEC", [95] = "I2C4_EV", [96] = "I2C4_ER",
	[97] = "SPDIF", [98] = "OTG_FS_EP1_OUT", [99] = "OTG_FS_EP1_IN", [100] = "OTG_FS_WKUP",
	[101] = "OTG_FS", [102] = "DMAMUX1_OV", [103] = "HRTIM1_MST", [104] = "HRTIM1_TIMA",
	[105] = "HRTIM_TIMB", [106] = "HRTIM1_TIMC", [107] = "HRTIM1_TIMD", [108] = "HRTIM_TIME",
	[109] = "HRTIM1_FLT", [110] = "DFSDM1_FLT0", [111] = "DFSDM1_FLT1", [112] = "DFSDM1_FLT2",
	[113] = "DFSDM1_FLT3", [114] = "SAI3", [115] = "SWPMI1", [116] = "TIM15", [117] = "TIM16",
	[118] = "TIM17", [119] = "MDIOS_WKUP", [120] = "MDIOS", [121] = "JPEG", [122] = "MDMA",
	[123] = "reserved", [124] = "SDMMC", [125] = "HSEM0", [126] = "reserved", [127] = "ADC3",
	[128] = "DMAMUX2_OVR", [129] = "BDMA_CH1", [130] = "BDMA_CH2", [131] = "BDMA_CH3",
	[132] = "BDMA_CH4", [133] = "BDMA_CH5", [134] = "BDMA_CH6", [135] = "BDMA_CH7",
	[136] = "BDMA_CH8", [137] = "COMP", [138] = "LPTIM2", [139] = "LPTIM3", [140] = "LPTIM4",
	[141] = "LPTIM5", [142] = "LPUART", [143] = "WWDG2_RST", [144] = "CRS", [145] = "reserved",
	[146] = "SAI4", [147] = "reserved", [148] = "HOLD_CORE", [149] = "WKUP",
};

const char *fault_irq_name(unsigned irq)
{
	return irq < FAULT_N_IRQS ? irq_names[irq] : NULL;
}

const char *fault_exception_name(unsigned n, char *buf, size_t len)
{
	if (n < 16)
		return system_exceptions[n] ? system_exceptions[n] : "reserved";
	snprintf(buf, len, "IRQ%u", n - 16);
	return buf;
}

/* ---- EXC_RETURN and the frame ----------------------------------------- */

int fault_exc_return_decode(uint32_t v, struct fault_exc_return *out)
{
	memset(out, 0, sizeof *out);
	out->value = v;
	if ((v & 0xFFFFFF00u) != 0xFFFFFF00u)
		return -1;
	out->basic_frame = (v >> 4) & 1;
	out->to_thread = (v >> 3) & 1;
	out->use_psp = (v >> 2) & 1;
	/* ARMv7-M with FP (DDI0403 B1.5.8 table "EXC_RETURN definition"): bits 27:5
	 * all ones, bits 1:0 = 01; handler mode always returns on MSP */
	out->valid = (v & 0xFFFFFFE3u) == 0xFFFFFFE1u && !(out->use_psp && !out->to_thread);
	return 0;
}

void fault_frame_math(int exc_return_bit2, int exc_return_bit4, int xpsr_bit9, uint32_t msp, uint32_t psp,
		      struct fault_frame_layout *out)
{
	out->on_psp = exc_return_bit2 ? 1 : 0;
	/* basic frame: R0-R3, R12, LR, PC, xPSR = 8 words; extended: + S0-S15, FPSCR
	 * and one reserved word = 26 words (DDI0403 B1.5.7) */
	out->size = exc_return_bit4 ? 0x20 : 0x68;
	out->pad = xpsr_bit9 ? 4 : 0;
	out->frame = out->on_psp ? psp : msp;
	out->sp_before = out->frame + out->size + out->pad;
}

const char *const fault_stacked_names[FAULT_ST_EXT_COUNT] = {
	"R0", "R1", "R2", "R3", "R12", "LR", "PC", "XPSR", "S0", "S1", "S2", "S3", "S4", "S5", "S6",
	"S7", "S8", "S9", "S10", "S11", "S12", "S13", "S14", "S15", "FPSCR", "RESERVED",
};

/* ---- priorities ------------------------------------------------------- */

static int byte_of(const struct snapshot *s, enum reg_id r, unsigned byte, int *known)
{
	if (!snap_ok(s, r)) {
		*known = 0;
		return 0;
	}
	*known = 1;
	return (int)((s->val[r] >> (8 * byte)) & 0xFFu);
}

int fault_exception_priority(const struct snapshot *s, unsigned n, int *known)
{
	*known = 1;
	switch (n) {
	case FAULT_EXC_RESET:
		return -3;
	case FAULT_EXC_NMI:
		return -2;
	case FAULT_EXC_HARDFAULT:
		return -1;
	case FAULT_EXC_MEMMANAGE: /* PM0253 4.3.8 SHPR1 PRI_4 */
		return byte_of(s, REG_SHPR1, 0, known);
	case FAULT_EXC_BUSFAULT:  /* SHPR1 PRI_5 */
		return byte_of(s, REG_SHPR1, 1, known);
	case FAULT_EXC_USAGEFAULT: /* SHPR1 PRI_6 */
		return byte_of(s, REG_SHPR1, 2, known);
	case FAULT_EXC_SVCALL:    /* SHPR2 PRI_11 */
		return byte_of(s, REG_SHPR2, 3, known);
	case FAULT_EXC_DEBUGMON:  /* SHPR3 PRI_12 */
		return byte_of(s, REG_SHPR3, 0, known);
	case FAULT_EXC_PENDSV:    /* SHPR3 PRI_14 */
		return byte_of(s, REG_SHPR3, 2, known);
	case FAULT_EXC_SYSTICK:   /* SHPR3 PRI_15 */
		return byte_of(s, REG_SHPR3, 3, known);
	default:
		if (n >= FAULT_EXC_IRQ0 && n < FAULT_EXC_IRQ0 + FAULT_N_IRQS) {
			unsigned irq = n - FAULT_EXC_IRQ0;
			return byte_of(s, (enum reg_id)(REG_NVIC_IPR0 + irq / 4), irq % 4, known);
		}
		*known = 0;
		return 0;
	}
}

/* Group priority used for preemption (PM0253 4.3.5 AIRCR.PRIGROUP; a missing
 * AIRCR is taken as PRIGROUP 0, the reset value). */
static int group_priority(const struct snapshot *s, int prio)
{
	unsigned prigroup = (snap_get(s, REG_AIRCR, 0) >> 8) & 7u;
	if (prio < 0)
		return prio;
	return prio >> (prigroup + 1);
}

/* ---- the decoder ------------------------------------------------------ */

static void note(struct fault_report *r, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct fault_report *r, const char *id, const char *fmt, ...)
{
	va_list ap;

	if (r->n_notes >= FAULT_MAX_NOTES)
		return;
	r->notes[r->n_notes].id = id;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->n_notes].text, FAULT_NOTE_LEN, fmt, ap);
	va_end(ap);
	r->n_notes++;
}

static void append(char *buf, size_t size, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*n >= size)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n = *n + (size_t)k < size ? *n + (size_t)k : size;
}

static int have_stacked(const struct fault_report *r, enum fault_stacked w)
{
	return r->n_stacked > (unsigned)w;
}

/* Read the exception frame from the stack window that holds it. */
static void read_frame(const struct snapshot *s, struct fault_report *r)
{
	const struct snap_stack *w;
	uint32_t msp, psp, sp;
	struct fault_exc_return *er = &r->exc_return;
	unsigned words, first;

	w = er->use_psp ? &s->psp_stack : &s->msp_stack;
	msp = snap_ok(s, REG_MSP) ? s->val[REG_MSP] : s->msp_stack.addr;
	psp = snap_ok(s, REG_PSP) ? s->val[REG_PSP] : s->psp_stack.addr;
	sp = er->use_psp ? psp : msp;
	if (!snap_ok(s, er->use_psp ? REG_PSP : REG_MSP) && w->state != SNAP_OK)
		return;
	fault_frame_math(er->use_psp, er->basic_frame, 0, msp, psp, &r->layout);
	r->have_layout = 1;
	if (w->state != SNAP_OK || sp < w->addr || (sp - w->addr) % 4 != 0)
		return;
	first = (sp - w->addr) / 4;
	words = r->layout.size / 4;
	if (w->words > SNAP_STACK_WORDS || first >= w->words)
		return;
	if (w->words - first < words)
		words = w->words - first;
	for (unsigned i = 0; i < words; i++)
		r->stacked[i] = w->w[first + i];
	r->n_stacked = (uint8_t)words;
	if (have_stacked(r, FAULT_ST_XPSR))
		fault_frame_math(er->use_psp, er->basic_frame, (r->stacked[FAULT_ST_XPSR] >> 9) & 1, msp, psp,
				 &r->layout);
}

static const char *class_name(unsigned cls)
{
	return cls == FAULT_CLASS_MEMMANAGE ? "MemManage" : cls == FAULT_CLASS_BUSFAULT ? "BusFault" : "UsageFault";
}

static unsigned class_exception(unsigned cls)
{
	return cls == FAULT_CLASS_MEMMANAGE ? FAULT_EXC_MEMMANAGE
	       : cls == FAULT_CLASS_BUSFAULT ? FAULT_EXC_BUSFAULT
					     : FAULT_EXC_USAGEFAULT;
}

static uint32_t class_enable_bit(unsigned cls)
{
	return cls == FAULT_CLASS_MEMMANAGE ? FAULT_SHCSR_MEMFAULTENA
	       : cls == FAULT_CLASS_BUSFAULT ? FAULT_SHCSR_BUSFAULTENA
					     : FAULT_SHCSR_USGFAULTENA;
}

/* Why did HFSR.FORCED happen? (fault-timing.md; DDI0403 B1.5.4 "Priority
 * escalation"). Synchronous faults escalate when they cannot preempt at their
 * own priority or their handler is disabled; an imprecise (asynchronous)
 * BusFault whose handler is enabled but masked stays pending instead, so only a
 * disabled handler explains it. */
static void explain_escalation(const struct snapshot *s, struct fault_report *r)
{
	char buf[FAULT_NOTE_LEN], ename[16];
	size_t n = 0;
	unsigned cls = r->classes & FAULT_CLASS_BUSFAULT ? FAULT_CLASS_BUSFAULT
		       : r->classes & FAULT_CLASS_MEMMANAGE ? FAULT_CLASS_MEMMANAGE
							    : FAULT_CLASS_USAGEFAULT;
	int async_only = r->imprecise && !(r->cfsr & (FAULT_CFSR_MMFSR | FAULT_CFSR_UFSR |
						      (FAULT_CFSR_BFSR & ~(FAULT_CFSR_IMPRECISERR))));
	int known, prio = fault_exception_priority(s, class_exception(cls), &known);
	int checked = 0;

	if (!r->classes) {
		note(r, "forced-without-cause",
		     "HFSR.FORCED is set but CFSR shows no configurable fault: the fault status was cleared "
		     "(e.g. by a handler or a debugger) before this capture, so the escalated fault cannot be named");
		return;
	}
	buf[0] = '\0';
	if (snap_ok(s, REG_SHCSR)) {
		checked = 1;
		if (!(s->val[REG_SHCSR] & class_enable_bit(cls))) {
			r->esc_reasons |= FAULT_ESC_DISABLED;
			append(buf, sizeof buf, &n, "; the %s handler is disabled (SHCSR.%s = 0, the reset default)",
					      class_name(cls), cls == FAULT_CLASS_MEMMANAGE ? "MEMFAULTENA"
							       : cls == FAULT_CLASS_BUSFAULT ? "BUSFAULTENA" : "USGFAULTENA");
		}
	}
	if (!async_only) {
		if (snap_ok(s, REG_PRIMASK)) {
			checked = 1;
			if (s->val[REG_PRIMASK] & 1) {
				r->esc_reasons |= FAULT_ESC_PRIMASK;
				append(buf, sizeof buf, &n, "; PRIMASK = 1 (interrupts disabled, __disable_irq) raises the execution "
						      "priority to 0, so the %s cannot preempt", class_name(cls));
			}
		}
		if (snap_ok(s, REG_FAULTMASK)) {
			checked = 1;
			if (s->val[REG_FAULTMASK] & 1) {
				r->esc_reasons |= FAULT_ESC_FAULTMASK;
				append(buf, sizeof buf, &n, "; FAULTMASK = 1 raises the execution priority to -1");
			}
		}
		if (snap_ok(s, REG_BASEPRI) && known) {
			uint32_t bp = s->val[REG_BASEPRI] & 0xFFu;
			checked = 1;
			if (bp && group_priority(s, (int)bp) <= group_priority(s, prio)) {
				r->esc_reasons |= FAULT_ESC_BASEPRI;
				append(buf, sizeof buf, &n, "; BASEPRI = 0x%02X masks priority 0x%02X", (unsigned)bp,
						      (unsigned)prio);
			}
		}
		if (have_stacked(r, FAULT_ST_XPSR) && known) {
			unsigned was = r->stacked[FAULT_ST_XPSR] & 0x1FFu;
			int k2, p2 = fault_exception_priority(s, was, &k2);
			if (was != 0 && k2) {
				checked = 1;
				if (group_priority(s, p2) <= group_priority(s, prio)) {
					r->esc_reasons |= FAULT_ESC_PRIORITY;
					append(buf, sizeof buf, &n, "; it happened in %s (priority %d), not lower than the %s's "
							      "priority %d",
							      fault_exception_name(was, ename, sizeof ename), p2,
							      class_name(cls), prio);
				}
			}
		}
	}
	if (!r->esc_reasons)
		r->esc_reasons = FAULT_ESC_UNKNOWN;
	if (r->esc_reasons == FAULT_ESC_UNKNOWN)
		note(r, "escalated",
		     "the %s escalated to HardFault (HFSR.FORCED); %s", class_name(cls),
		     checked ? "none of SHCSR, PRIMASK, FAULTMASK, BASEPRI or the interrupted priority explains it"
			     : "why is unknown: SHCSR, PRIMASK, FAULTMASK and BASEPRI were not captured");
	else
		note(r, "escalated", "the %s escalated to HardFault (HFSR.FORCED)%s", class_name(cls), buf);
	if (async_only && snap_ok(s, REG_PRIMASK) && (s->val[REG_PRIMASK] & 1) &&
	    !(r->esc_reasons & FAULT_ESC_DISABLED))
		note(r, "imprecise-masked",
		     "PRIMASK = 1 alone does not escalate an imprecise BusFault (it stays pending until the mask "
		     "is lifted), so FORCED here needs another cause");
}

/* what an imprecise fault is (the hints to find the store come after the escalation) */
static void explain_imprecise(struct fault_report *r)
{
	char iface[160] = "", pcs[40] = "";

	if (have_stacked(r, FAULT_ST_PC))
		snprintf(pcs, sizeof pcs, " (0x%08X)", r->stacked[FAULT_ST_PC]);

	if (r->have_abfsr) {
		if (r->abfsr_iface && r->abfsr_type)
			snprintf(iface, sizeof iface, " ABFSR names the %s interface (AXI response %s)%s.",
				 r->abfsr_iface, r->abfsr_type,
				 strcmp(r->abfsr_type, "DECERR") == 0 ? ": no slave at that address" : "");
		else if (r->abfsr_iface)
			snprintf(iface, sizeof iface, " ABFSR names the %s interface.", r->abfsr_iface);
		else
			snprintf(iface, sizeof iface, " ABFSR names no interface (cleared, or not this fault).");
	}
	note(r, "imprecise",
	     "imprecise data bus error: an earlier store failed (a buffered write, or a D-cache line written "
	     "back), some cycles before the exception. The stacked PC%s is only where the core was when the "
	     "error arrived; BFAR holds no address.%s",
	     pcs, iface);
}

static void explain_imprecise_hints(const struct snapshot *s, struct fault_report *r)
{
	if (snap_ok(s, REG_CCR) && (s->val[REG_CCR] & (1u << 16)))
		note(r, "imprecise-dcache",
		     "the D-cache is enabled (CCR.DC = 1): dirty lines written back by a clean/invalidate "
		     "(e.g. SCB_DisableDCache) are candidate stores");
	else if (snap_ok(s, REG_CCR))
		note(r, "imprecise-dcache-off",
		     "the D-cache is disabled now (CCR.DC = 0); a set/way clean issued while it was never enabled "
		     "(CMSIS 5 SCB_DisableDCache) can still write junk lines back to junk addresses");
	if (snap_ok(s, REG_CACR) && (s->val[REG_CACR] & (1u << 2)))
		note(r, "imprecise-forcewt", "CACR.FORCEWT = 1: the cache is write-through, so no dirty write-back caused this");
	else
		note(r, "imprecise-localise",
		     "to find the store: put DSB after suspect stores, or set CACR.FORCEWT (write-through), and "
		     "the error becomes attributable to the step that does the store");
}

static void explain_bits(const struct snapshot *s, struct fault_report *r)
{
	uint32_t c = r->cfsr;
	uint32_t pc = have_stacked(r, FAULT_ST_PC) ? r->stacked[FAULT_ST_PC] : 0;
	char pcs[40] = "", fpcar[40] = "";

	if (have_stacked(r, FAULT_ST_PC))
		snprintf(pcs, sizeof pcs, " at 0x%08X", pc);
	if (snap_ok(s, REG_FPCAR))
		snprintf(fpcar, sizeof fpcar, " (0x%08X)", s->val[REG_FPCAR]);
	if (c & FAULT_CFSR_PRECISERR) {
		if (r->bfar_valid)
			note(r, "precise-bus-error",
			     "precise data bus error at 0x%08X (BFAR): the instruction%s read or wrote an address "
			     "that no slave answers", r->bfar, pcs);
		else
			note(r, "precise-bus-error",
			     "precise data bus error by the instruction%s; BFAR is not valid (BFARVALID = 0), so the "
			     "address is unknown", pcs);
	}
	if (c & FAULT_CFSR_IMPRECISERR)
		explain_imprecise(r);
	if (c & FAULT_CFSR_IBUSERR)
		note(r, "ibuserr",
		     "instruction fetch bus error: the core branched to an address%s that cannot be fetched "
		     "(unmapped or reserved memory); the stacked PC is that address", pcs);
	if (c & (FAULT_CFSR_STKERR | FAULT_CFSR_MSTKERR))
		note(r, "stacking-error",
		     "stacking the exception frame failed (%s): the stack pointer pointed at unmapped or "
		     "protected memory (stack overflow, or an MSP loaded from a wrong vector table); the stacked "
		     "registers are not valid", c & FAULT_CFSR_STKERR ? "STKERR" : "MSTKERR");
	if (c & (FAULT_CFSR_UNSTKERR | FAULT_CFSR_MUNSTKERR))
		note(r, "unstacking-error",
		     "unstacking at exception return failed (%s): the handler returned with a stack pointer "
		     "that no longer points at a valid frame (stack changed or corrupted in the handler)",
		     c & FAULT_CFSR_UNSTKERR ? "UNSTKERR" : "MUNSTKERR");
	if (c & (FAULT_CFSR_LSPERR | FAULT_CFSR_MLSPERR))
		note(r, "lazy-fp-error",
		     "lazy floating-point state preservation failed (%s): the FP frame reserved at FPCAR%s could "
		     "not be written", c & FAULT_CFSR_LSPERR ? "LSPERR" : "MLSPERR", fpcar);
	if ((c & FAULT_CFSR_IACCVIOL) && !r->mmfar_valid && snap_ok(s, REG_MPU_CTRL) && !(s->val[REG_MPU_CTRL] & 1u))
		/* with the MPU off the default memory map decides: Peripheral, Device and
		 * System regions are execute-never (DDI0403 B3.1.1, Table B3-1) */
		note(r, "xn-violation",
		     "instruction fetch from an execute-never address%s with the MPU off: the default memory "
		     "map forbids execution from 0x40000000-0x5FFFFFFF and 0xA0000000-0xFFFFFFFF (a branch or "
		     "vector to a peripheral or system address, or to the erased value 0xFFFFFFFF)", pcs);
	else if (c & (FAULT_CFSR_IACCVIOL | FAULT_CFSR_DACCVIOL)) {
		if (r->mmfar_valid)
			note(r, "mpu-violation", "MPU access violation at 0x%08X (MMFAR)%s%s", r->mmfar,
			     *pcs ? " by the instruction" : "", pcs);
		else
			note(r, "mpu-violation", "MPU access violation (%s)%s%s; MMFAR not valid",
			     c & FAULT_CFSR_IACCVIOL ? "instruction fetch" : "data access",
			     *pcs ? " by the instruction" : "", pcs);
	}
	if (c & FAULT_CFSR_INVSTATE) {
		if (have_stacked(r, FAULT_ST_XPSR) && !(r->stacked[FAULT_ST_XPSR] & (1u << 24)))
			note(r, "invstate",
			     "invalid state: the stacked xPSR has T = 0, so the core branched to 0x%08X without the "
			     "Thumb bit (BX/BLX/LDR pc/POP pc to an even address: a function pointer or vector "
			     "entry missing |1, or read from erased/unmapped memory)", pc);
		else
			note(r, "invstate",
			     "invalid state: a branch (BX/BLX/LDR pc/POP pc) to an address with bit 0 clear, e.g. a "
			     "function pointer or vector entry missing the Thumb bit");
	}
	if (c & FAULT_CFSR_UNDEFINSTR)
		note(r, "undefinstr",
		     "undefined instruction%s: executing data or erased flash, or code built for another core",
		     pcs);
	if (c & FAULT_CFSR_INVPC)
		note(r, "invpc", "invalid EXC_RETURN on exception return (LR corrupted in a handler, or a return "
				 "from a handler called as a function)");
	if (c & FAULT_CFSR_NOCP) {
		if (snap_ok(s, REG_CPACR) && ((s->val[REG_CPACR] >> 20) & 0xFu) != 0xFu)
			note(r, "nocp", "FPU instruction%s while CPACR.CP10/CP11 do not grant access (CPACR = 0x%08X): "
					"enable the FPU before any FP code", pcs, s->val[REG_CPACR]);
		else
			note(r, "nocp", "coprocessor (FPU) instruction%s while the coprocessor is disabled", pcs);
	}
	if (c & FAULT_CFSR_UNALIGNED)
		note(r, "unaligned", "unaligned access%s (trapped by CCR.UNALIGN_TRP, or an LDM/STM/LDRD that "
				     "always needs alignment)", pcs);
	if (c & FAULT_CFSR_DIVBYZERO)
		note(r, "divbyzero", "integer division by zero%s (CCR.DIV_0_TRP is set)", pcs);
	if (r->hfsr & FAULT_HFSR_VECTTBL) {
		if (snap_ok(s, REG_VTOR))
			note(r, "vecttbl",
			     "bus error reading the vector table during exception entry: VTOR = 0x%08X points at a "
			     "table that cannot be read (or the entry for this exception is unreadable)",
			     s->val[REG_VTOR]);
		else
			note(r, "vecttbl", "bus error reading the vector table during exception entry: VTOR points at "
					   "memory that cannot be read");
	}
	if (r->hfsr & FAULT_HFSR_DEBUGEVT)
		note(r, "debugevt",
		     "a debug event escalated to HardFault: typically a BKPT instruction executed while no "
		     "debugger had enabled halting debug (DHCSR.C_DEBUGEN = 0)");
}

void fault_decode(const struct snapshot *s, struct fault_report *r)
{
	char ename[16];

	memset(r, 0, sizeof *r);
#define TAKE(reg, have, v)                     \
	if (snap_ok(s, reg)) {                 \
		r->have = 1;                   \
		r->v = s->val[reg];            \
	}
	TAKE(REG_CFSR, have_cfsr, cfsr);
	TAKE(REG_HFSR, have_hfsr, hfsr);
	TAKE(REG_DFSR, have_dfsr, dfsr);
	TAKE(REG_ABFSR, have_abfsr, abfsr);
	TAKE(REG_SHCSR, have_shcsr, shcsr);
#undef TAKE
	/* the address registers count only under their VALID bits (PM0253 4.3.12/4.3.13) */
	if (r->have_cfsr && (r->cfsr & FAULT_CFSR_MMARVALID) && snap_ok(s, REG_MMFAR)) {
		r->mmfar_valid = 1;
		r->mmfar = s->val[REG_MMFAR];
	}
	if (r->have_cfsr && (r->cfsr & FAULT_CFSR_BFARVALID) && snap_ok(s, REG_BFAR)) {
		r->bfar_valid = 1;
		r->bfar = s->val[REG_BFAR];
	}
	if (snap_ok(s, REG_XPSR)) {
		r->have_ipsr = 1;
		r->ipsr = (uint16_t)(s->val[REG_XPSR] & 0x1FFu);
		snprintf(r->exception, sizeof r->exception, "%s", fault_exception_name(r->ipsr, ename, sizeof ename));
		if (r->ipsr >= FAULT_EXC_IRQ0 && fault_irq_name(r->ipsr - FAULT_EXC_IRQ0))
			snprintf(r->exception, sizeof r->exception, "IRQ%u %s", r->ipsr - FAULT_EXC_IRQ0,
				 fault_irq_name(r->ipsr - FAULT_EXC_IRQ0));
	}
	if (r->cfsr & FAULT_CFSR_MMFSR)
		r->classes |= FAULT_CLASS_MEMMANAGE;
	if (r->cfsr & FAULT_CFSR_BFSR)
		r->classes |= FAULT_CLASS_BUSFAULT;
	if (r->cfsr & FAULT_CFSR_UFSR)
		r->classes |= FAULT_CLASS_USAGEFAULT;
	r->faulted = (r->cfsr & 0x030FBFBBu) || (r->hfsr & (FAULT_HFSR_VECTTBL | FAULT_HFSR_FORCED | FAULT_HFSR_DEBUGEVT));
	r->escalated = (r->hfsr & FAULT_HFSR_FORCED) != 0;
	r->imprecise = (r->cfsr & FAULT_CFSR_IMPRECISERR) != 0;
	if (r->have_abfsr) {
		for (size_t i = 0; i < 5; i++)
			if (r->abfsr & abfsr_fields[i].mask) {
				r->abfsr_iface = abfsr_fields[i].name;
				break;
			}
		if (r->abfsr & (1u << 3))
			r->abfsr_type = axim_types[(r->abfsr >> 8) & 3u];
	}
	/* EXC_RETURN: LR in Handler mode (or LR that looks like one when IPSR is unknown) */
	if (snap_ok(s, REG_LR) && (!r->have_ipsr || r->ipsr != 0) &&
	    fault_exc_return_decode(s->val[REG_LR], &r->exc_return) == 0) {
		r->have_exc_return = 1;
		if (r->exc_return.valid)
			read_frame(s, r);
	}
	/* Lockup (DDI0403 B1.5.15): a fault the core cannot take, at HardFault or
	 * NMI priority or while fetching a vector. It ends only with a reset or a
	 * debug halt, and OpenOCD halts a core it finds locked up ("clearing lockup
	 * after double fault", cortex_m_poll()): by the time of a capture S_LOCKUP
	 * has usually gone and the lockup PC is what is left of it. */
	if (snap_ok(s, REG_DHCSR) && (s->val[REG_DHCSR] & FAULT_DHCSR_S_LOCKUP))
		note(r, "lockup", "the core is locked up (DHCSR.S_LOCKUP): it met a fault it could not take (in the "
				  "HardFault or NMI handler, while entering one, or reading a vector); only a reset or a "
				  "debugger halt ends it");
	else if (snap_ok(s, REG_PC) && s->val[REG_PC] == FAULT_LOCKUP_PC)
		note(r, "lockup", "PC = 0x%08X, the lockup address: the core locked up (a fault it could not take, in "
				  "the HardFault or NMI handler, while entering one, or reading a vector) and was halted "
				  "out of it (OpenOCD does so itself: \"clearing lockup after double fault\")",
		     FAULT_LOCKUP_PC);
	else if (snap_ok(s, REG_PC) && s->val[REG_PC] == 0xFFFFFFFEu && r->have_ipsr &&
		 (r->ipsr == FAULT_EXC_HARDFAULT || r->ipsr == FAULT_EXC_NMI))
		/* a branch to 0xFFFFFFFF (an erased vector): the fetch is execute-never
		 * and faults at HardFault/NMI priority, which is lockup (B1.5.15) */
		note(r, "lockup", "PC = 0xFFFFFFFE in %s: a branch to the erased value 0xFFFFFFFF (typically the "
				  "handler's vector in erased flash); fetching there faults at %s priority, which "
				  "locks the core up", r->exception, r->exception);
	if (r->have_exc_return && !r->exc_return.valid)
		note(r, "bad-exc-return", "LR = 0x%08X is not a valid EXC_RETURN for ARMv7-M", r->exc_return.value);
	if (r->have_ipsr && r->ipsr == FAULT_EXC_HARDFAULT && !r->faulted && (r->have_cfsr || r->have_hfsr))
		note(r, "hardfault-without-status",
		     "the core is in the HardFault handler but CFSR/HFSR show nothing: the status was cleared "
		     "before this capture (or the handler was entered by software)");
	explain_bits(s, r);
	if (r->escalated)
		explain_escalation(s, r);
	if (r->imprecise)
		explain_imprecise_hints(s, r);
	if (r->have_cfsr && !(r->cfsr & FAULT_CFSR_BFARVALID) && snap_ok(s, REG_BFAR) && (r->cfsr & FAULT_CFSR_BFSR))
		note(r, "bfar-not-valid", "BFARVALID = 0: BFAR does not hold this fault's address and is not reported");
	if (r->have_layout && (r->cfsr & (FAULT_CFSR_STKERR | FAULT_CFSR_MSTKERR)))
		note(r, "frame-invalid", "the stacked frame below was not written completely (stacking error)");
	if (r->have_layout && have_stacked(r, FAULT_ST_XPSR) && !r->exc_return.basic_frame && snap_ok(s, REG_FPCCR) &&
	    (s->val[REG_FPCCR] & 1u))
		note(r, "frame-lazy-fp", "FPCCR.LSPACT = 1: the FP part of the frame is reserved but not yet written "
					 "(lazy stacking); S0-S15/FPSCR there are stale");
	/* OpenOCD's debug entry reads DFSR and writes it back to clear it
	 * (cortex_m_clear_halt()), keeping the halt reason to itself: on a core
	 * it halted, DFSR reads 0 whatever stopped it */
	if (r->have_dfsr && r->dfsr == 0 && s->halted && r->faulted)
		note(r, "dfsr-cleared", "DFSR reads 0 although the core is halted: OpenOCD clears DFSR when it "
					"processes a halt, so DFSR does not tell here what stopped the core");
	if (r->have_dfsr && (r->dfsr & (1u << 3)))
		note(r, "vcatch", "halted by a vector catch on exception entry: the registers and the frame are "
				  "exactly as the exception left them");
}
