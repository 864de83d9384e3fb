/* STM32H745 peripheral decoding (see periph.h for the sources). Pure: no I/O.
 *
 * Field positions follow the STM32H745_CM7 SVD unless a comment says
 * "not in the SVD": those come from RM0399 and CMSIS stm32h745xx.h and could
 * not be verified against the SVD here. */
#include "periph.h"

#include <stdio.h>
#include <string.h>

#include "fault.h"

/* ---- MPU (PM0253 4.6 "Memory protection unit") ---------------------- */
static const struct bits_field mpu_type_fields[] = {
	{ "SEPARATE", 1u << 0, "separate instruction and data maps (always 0)" },
	{ "DREGION", 0xFFu << 8, "number of MPU regions" },
	{ "IREGION", 0xFFu << 16, "instruction regions (always 0)" },
};
static const struct bits_field mpu_ctrl_fields[] = {
	{ "ENABLE", 1u << 0, "MPU enabled" },
	{ "HFNMIENA", 1u << 1, "MPU also active in HardFault/NMI handlers and with FAULTMASK set" },
	{ "PRIVDEFENA", 1u << 2, "privileged code may use the default memory map as a background region" },
};
static const struct bits_field mpu_rbar_fields[] = {
	{ "REGION", 0xFu, "region number (read back: the region selected in MPU_RNR)" },
	{ "VALID", 1u << 4, "write-only region-select bit (reads 0)" },
	{ "ADDR", 0xFFFFFFE0u, "region base address bits 31:5" },
};
static const char *const mpu_ap[] = { "no access", "privileged RW", "privileged RW, unprivileged RO",
				      "full access", "reserved", "privileged RO", "read-only", "read-only" };
static const struct bits_field mpu_rasr_fields[] = {
	{ "ENABLE", 1u << 0, "region enabled" },
	{ "SIZE", 0x1Fu << 1, "region size 2^(SIZE+1) bytes" },
	{ "SRD", 0xFFu << 8, "subregion disable bits (one per eighth of the region)" },
	{ "B", 1u << 16, "bufferable" },
	{ "C", 1u << 17, "cacheable" },
	{ "S", 1u << 18, "shareable" },
	{ "TEX", 7u << 19, "type extension" },
	{ "AP", 7u << 24, "access permission", mpu_ap, 8 },
	{ "XN", 1u << 28, "execute never" },
};

/* ---- SysTick (PM0253 4.5) --------------------------------------------- */
static const struct bits_field syst_csr_fields[] = {
	{ "ENABLE", 1u << 0, "counter running" },
	{ "TICKINT", 1u << 1, "counting down to 0 raises the SysTick exception" },
	{ "CLKSOURCE", 1u << 2, "clock: 1 = processor clock, 0 = external reference (HCLK/8)" },
	{ "COUNTFLAG", 1u << 16, "counted to 0 since the last read" },
};

/* ---- RCC (RM0399 "Reset and clock control") --------------------------- */
static const char *const hsidiv[] = { "/1", "/2", "/4", "/8" };
static const struct bits_field rcc_cr_fields[] = {
	{ "HSION", 1u << 0, "HSI (64 MHz RC) on" },
	{ "HSIKERON", 1u << 1, "HSI kept on in Stop mode" },
	{ "HSIRDY", 1u << 2, "HSI ready" },
	{ "HSIDIV", 3u << 3, "HSI divider", hsidiv, 4 },
	{ "HSIDIVF", 1u << 5, "HSI divider change done" },
	{ "CSION", 1u << 7, "CSI (4 MHz RC) on" },
	{ "CSIRDY", 1u << 8, "CSI ready" },
	{ "CSIKERON", 1u << 9, "CSI kept on in Stop mode" },
	{ "RC48ON", 1u << 12, "HSI48 (48 MHz RC, USB) on" },
	{ "RC48RDY", 1u << 13, "HSI48 ready" },
	{ "D1CKRDY", 1u << 14, "D1 domain clocks ready" },
	{ "D2CKRDY", 1u << 15, "D2 domain clocks ready (the domain of the CM4 and the OTG cores)" },
	{ "HSEON", 1u << 16, "HSE (crystal/external) on" },
	{ "HSERDY", 1u << 17, "HSE ready" },
	{ "HSEBYP", 1u << 18, "HSE bypass (external clock, no crystal)" },
	{ "HSECSSON", 1u << 19, "HSE clock security system on" },
	{ "PLL1ON", 1u << 24, "PLL1 on" },
	{ "PLL1RDY", 1u << 25, "PLL1 locked" },
	{ "PLL2ON", 1u << 26, "PLL2 on" },
	{ "PLL2RDY", 1u << 27, "PLL2 locked" },
	{ "PLL3ON", 1u << 28, "PLL3 on" },
	{ "PLL3RDY", 1u << 29, "PLL3 locked" },
};
static const char *const sysclk_src[] = { "HSI", "CSI", "HSE", "PLL1" };
static const struct bits_field rcc_cfgr_fields[] = {
	{ "SW", 7u << 0, "system clock requested", sysclk_src, 4 },
	{ "SWS", 7u << 3, "system clock in use", sysclk_src, 4 },
	{ "STOPWUCK", 1u << 6, "system clock after Stop: CSI (else HSI)" },
	{ "STOPKERWUCK", 1u << 7, "kernel clock after Stop: CSI (else HSI)" },
	{ "RTCPRE", 0x3Fu << 8, "HSE divider for the RTC" },
	{ "HRTIMSEL", 1u << 14, "HRTIM clock prescaler selection" },
	{ "TIMPRE", 1u << 15, "timer clock prescaler selection" },
	{ "MCO1PRE", 0xFu << 18, "MCO1 prescaler" },
	{ "MCO1SEL", 7u << 22, "MCO1 source" },
	{ "MCO2PRE", 0xFu << 25, "MCO2 prescaler" },
	{ "MCO2SEL", 7u << 29, "MCO2 source" },
};
static const char *const pllsrc[] = { "HSI", "CSI", "HSE", "none" };
static const struct bits_field rcc_pllckselr_fields[] = {
	{ "PLLSRC", 3u << 0, "PLL input clock", pllsrc, 4 },
	{ "DIVM1", 0x3Fu << 4, "PLL1 input divider (0: PLL1 off)" },
	{ "DIVM2", 0x3Fu << 12, "PLL2 input divider" },
	{ "DIVM3", 0x3Fu << 20, "PLL3 input divider" },
};
static const struct bits_field rcc_ahb1rstr_fields[] = {
	{ "DMA1RST", 1u << 0, "DMA1 held in reset" },
	{ "DMA2RST", 1u << 1, "DMA2 held in reset" },
	{ "ADC12RST", 1u << 5, "ADC1/2 held in reset" },
	{ "ETH1MACRST", 1u << 15, "Ethernet MAC held in reset" },
	{ "USB1OTGRST", 1u << 25, "USB1 OTG_HS held in reset" },
	{ "USB2OTGRST", 1u << 27, "USB2 OTG_FS held in reset" },
};
static const struct bits_field rcc_ahb1enr_fields[] = {
	{ "DMA1EN", 1u << 0, "DMA1 clock on" },
	{ "DMA2EN", 1u << 1, "DMA2 clock on" },
	{ "ADC12EN", 1u << 5, "ADC1/2 clock on" },
	{ "ARTEN", 1u << 14, "ART accelerator clock on" },
	{ "ETH1MACEN", 1u << 15, "Ethernet MAC clock on" },
	{ "ETH1TXEN", 1u << 16, "Ethernet TX clock on" },
	{ "ETH1RXEN", 1u << 17, "Ethernet RX clock on" },
	{ "USB1OTGHSEN", 1u << 25, "USB1 OTG_HS clock on" },
	{ "USB1OTGHSULPIEN", 1u << 26, "USB1 ULPI PHY clock on" },
	{ "USB2OTGHSEN", 1u << 27, "USB2 OTG_FS clock on (the DFU port)" },
	{ "USB2OTGHSULPIEN", 1u << 28, "USB2 ULPI PHY clock on" },
};
/* RSR / C1_RSR: the SVD (a CM7 view) has CPURSTF, SFTRSTF, IWDG1RSTF, WWDG1RSTF,
 * LPWRRSTF; the CM4 flags of the dual-core part (C2RSTF 18, SFT2RSTF 25,
 * IWDG2RSTF 27, WWDG2RSTF 29, LPWR2RSTF 31) are not in the SVD: RM0399 RCC_RSR. */
static const struct bits_field rcc_rsr_fields[] = {
	{ "RMVF", 1u << 16, "remove reset flags (write 1)" },
	{ "CPURSTF", 1u << 17, "CPU (CM7) reset" },
	{ "C2RSTF", 1u << 18, "CM4 reset (not in the SVD)" },
	{ "D1RSTF", 1u << 19, "D1 domain power switch reset" },
	{ "D2RSTF", 1u << 20, "D2 domain power switch reset" },
	{ "BORRSTF", 1u << 21, "brown-out reset" },
	{ "PINRSTF", 1u << 22, "NRST pin reset" },
	{ "PORRSTF", 1u << 23, "power-on/power-down reset" },
	{ "SFTRSTF", 1u << 24, "system reset requested by the CM7 (NVIC_SystemReset)" },
	{ "SFT2RSTF", 1u << 25, "system reset requested by the CM4 (not in the SVD)" },
	{ "IWDG1RSTF", 1u << 26, "independent watchdog 1 reset" },
	{ "IWDG2RSTF", 1u << 27, "independent watchdog 2 reset (not in the SVD)" },
	{ "WWDG1RSTF", 1u << 28, "window watchdog 1 reset" },
	{ "WWDG2RSTF", 1u << 29, "window watchdog 2 reset (not in the SVD)" },
	{ "LPWRRSTF", 1u << 30, "illegal D1 DStandby or CPU CStop entry" },
	{ "LPWR2RSTF", 1u << 31, "illegal D2 DStandby entry (not in the SVD)" },
};
/* GCR: WW1RSC is in the SVD; WW2RSC, BOOT_C1 and BOOT_C2 (the CM4/CM7 boot
 * hold released by the other core) are not: RM0399 RCC_GCR, domain.md. */
static const struct bits_field rcc_gcr_fields[] = {
	{ "WW1RSC", 1u << 0, "WWDG1 resets the whole system" },
	{ "WW2RSC", 1u << 1, "WWDG2 resets the whole system; not in the SVD" },
	{ "BOOT_C1", 1u << 2, "CM7 boot forced by the CM4 (not in the SVD)" },
	{ "BOOT_C2", 1u << 3, "CM4 boot forced by the CM7 (not in the SVD)" },
};

/* ---- PWR (RM0399 "Power control") -------------------------------------- */
/* CR3: the SVD has BYPASS, LDOEN, SDEN, VBE, VBRS, USB33DEN, USBREGEN, USB33RDY.
 * The SMPS fields of the dual-core SMPS parts, SMPSEXTHP (3), SMPSLEVEL (5:4)
 * and SMPSEXTRDY (16), are not in the SVD: RM0399 PWR_CR3 and CMSIS
 * stm32h745xx.h (PWR_CR3_SMPSEXTHP/SMPSLEVEL/SMPSEXTRDY). */
/* value names: CMSIS stm32h745xx.h PWR_CR3_SMPSLEVEL_0 = 1.8 V, _1 = 2.5 V (HAL
 * PWR_SMPS_1V8/2V5_*); 0 is the reset value, 3 is taken as 2.5 V per RM0399 */
static const char *const smps_level[] = { "default", "1.8 V", "2.5 V", "2.5 V" };
static const struct bits_field pwr_cr3_fields[] = {
	{ "BYPASS", 1u << 0, "power management unit bypassed (external core supply)" },
	{ "LDOEN", 1u << 1, "LDO regulator enabled" },
	{ "SDEN", 1u << 2, "SMPS step-down converter enabled" },
	{ "SMPSEXTHP", 1u << 3, "SMPS forced on in external high-power mode (not in the SVD)" },
	{ "SMPSLEVEL", 3u << 4, "SMPS output level feeding an external circuit (not in the SVD)", smps_level, 4 },
	{ "VBE", 1u << 8, "VBAT charging enabled" },
	{ "VBRS", 1u << 9, "VBAT charging resistor 1.5 kOhm (else 5 kOhm)" },
	{ "SMPSEXTRDY", 1u << 16, "SMPS external supply ready (not in the SVD)" },
	{ "USB33DEN", 1u << 24, "VDD33USB level detector enabled" },
	{ "USBREGEN", 1u << 25, "USB regulator enabled" },
	{ "USB33RDY", 1u << 26, "VDD33USB supply ready" },
};
static const struct bits_field pwr_csr1_fields[] = {
	{ "PVDO", 1u << 4, "VDD below the PVD threshold" },
	{ "ACTVOSRDY", 1u << 13, "voltage levels ready for the current VOS and supply configuration" },
	{ "ACTVOS", 3u << 14, "VOS currently applied" },
	{ "AVDO", 1u << 16, "VDDA below the AVD threshold" },
};

/* ---- FLASH (RM0399 "Embedded flash memory"), read only ------------------ */
static const char *const bor_lev[] = { "off", "level 1", "level 2", "level 3" };
/* OPTSR_CUR: BCM4 (22), BCM7 (23), NRST_STOP_D2 (24), NRST_STBY_D2 (25) are
 * not in the SVD: RM0399 FLASH_OPTSR_CUR, CMSIS FLASH_OPTSR_BCM4/BCM7. */
static const struct bits_field flash_optsr_fields[] = {
	{ "OPT_BUSY", 1u << 0, "option byte change ongoing" },
	{ "BOR_LEV", 3u << 2, "brown-out reset level", bor_lev, 4 },
	{ "IWDG1_HW", 1u << 4, "IWDG1 software-controlled (1) or hardware (0)" },
	{ "nRST_STOP_D1", 1u << 6, "no reset on D1 Stop entry" },
	{ "nRST_STBY_D1", 1u << 7, "no reset on D1 Standby entry" },
	{ "RDP", 0xFFu << 8, "readout protection byte (0xAA level 0, 0xCC level 2, else level 1)" },
	{ "FZ_IWDG_STOP", 1u << 17, "IWDG runs in Stop mode" },
	{ "FZ_IWDG_SDBY", 1u << 18, "IWDG runs in Standby mode" },
	{ "ST_RAM_SIZE", 3u << 19, "secure-access RAM size" },
	{ "SECURITY", 1u << 21, "security enabled" },
	{ "BCM4", 1u << 22, "boot the CM4 at reset (not in the SVD)" },
	{ "BCM7", 1u << 23, "boot the CM7 at reset (not in the SVD)" },
	{ "nRST_STOP_D2", 1u << 24, "no reset on D2 Stop entry (not in the SVD)" },
	{ "nRST_STBY_D2", 1u << 25, "no reset on D2 Standby entry (not in the SVD)" },
	{ "RSS1", 1u << 26, "user option bit 1" },
	{ "PERSO_OK", 1u << 28, "device personalization done" },
	{ "IO_HSLV", 1u << 29, "I/O high speed at low voltage" },
	{ "OPTCHANGEERR", 1u << 30, "option byte change error" },
	{ "SWAP_BANK_OPT", 1u << 31, "flash banks swapped" },
};
/* BOOT7_CUR is BOOT_CURR in the SVD; BOOT4_CUR (same layout) is not in the SVD
 * (RM0399 FLASH_BOOT4_CUR). Address = value << 16 (domain.md). */
static const struct bits_field flash_boot_fields[] = {
	{ "BOOT_ADD0", 0xFFFFu << 0, "boot address when BOOT0 = 0 (address bits 31:16)" },
	{ "BOOT_ADD1", 0xFFFFu << 16, "boot address when BOOT0 = 1 (address bits 31:16)" },
};

/* ---- SYSCFG user registers (RM0399 SYSCFG; read-only copies of option bytes) */
static const struct bits_field syscfg_ur0_fields[] = {
	{ "BKS", 1u << 0, "flash banks swapped" },
	{ "RDP", 0xFFu << 16, "readout protection byte" },
};
static const struct bits_field syscfg_ur1_fields[] = {
	{ "BCM4", 1u << 0, "boot the CM4 at reset" },
	{ "BCM7", 1u << 16, "boot the CM7 at reset" },
};
static const struct bits_field syscfg_ur2_fields[] = {
	{ "BORH", 3u << 0, "brown-out reset level" },
	{ "BCM7_ADD0", 0xFFFFu << 16, "CM7 boot address 0 (bits 31:16)" },
};
/* the SVD names bits 15:0 of UR3 BCM4_ADD1 but describes it as "Boot Address 0" */
static const struct bits_field syscfg_ur3_fields[] = {
	{ "BCM4_ADD1", 0xFFFFu << 0, "CM4 boot address (bits 31:16; SVD name, its description says address 0)" },
	{ "BCM7_ADD1", 0xFFFFu << 16, "CM7 boot address 1 (bits 31:16)" },
};

/* ---- DBGMCU (RM0399 "Debug support", DBGMCU_IDC) ---------------------- */
static const struct bits_field dbgmcu_idc_fields[] = {
	{ "DEV_ID", 0xFFFu << 0, "device ID (0x450: STM32H74x/75x)" },
	{ "REV_ID", 0xFFFFu << 16, "silicon revision (0x1001 Z, 0x1003 Y, 0x2001 X, 0x2003 V)" },
};
static const struct bits_field dbgmcu_cr_fields[] = {
	{ "DBGSLPD1", 1u << 0, "D1 debug in Sleep" },
	{ "DBGSTPD1", 1u << 1, "D1 debug in Stop" },
	{ "DBGSTBD1", 1u << 2, "D1 debug in Standby" },
	{ "DBGSLPD2", 1u << 3, "D2 debug in Sleep" },
	{ "DBGSTPD2", 1u << 4, "D2 debug in Stop" },
	{ "DBGSTBD2", 1u << 5, "D2 debug in Standby" },
	{ "DBGSTPD3", 1u << 7, "D3 debug in Stop" },
	{ "DBGSTBD3", 1u << 8, "D3 debug in Standby" },
	{ "TRACECLKEN", 1u << 20, "trace port clock on" },
	{ "D1DBGCKEN", 1u << 21, "D1 debug clock on" },
	{ "D3DBGCKEN", 1u << 22, "D3 debug clock on" },
	{ "TRGOEN", 1u << 28, "external trigger output on" },
};

/* ---- USB OTG (RM0399 "USB on-the-go high-speed"; SVD OTG1_HS_*, OTG2_HS_*) */
/* GOTGCTL: the override bits VBVALOEN (2), VBVALOVAL (3), AVALOEN (4),
 * AVALOVAL (5), BVALOEN (6), BVALOVAL (7) and CURMOD (21) are not in the SVD:
 * RM0399 OTG_GOTGCTL. */
static const struct bits_field otg_gotgctl_fields[] = {
	{ "SRQSCS", 1u << 0, "session request success" },
	{ "SRQ", 1u << 1, "session request" },
	{ "VBVALOEN", 1u << 2, "VBUS valid override enabled (not in the SVD)" },
	{ "VBVALOVAL", 1u << 3, "VBUS valid override value (not in the SVD)" },
	{ "AVALOEN", 1u << 4, "A-peripheral session valid override enabled (not in the SVD)" },
	{ "AVALOVAL", 1u << 5, "A-peripheral session valid override value (not in the SVD)" },
	{ "BVALOEN", 1u << 6, "B-peripheral session valid override enabled (not in the SVD)" },
	{ "BVALOVAL", 1u << 7, "B-peripheral session valid override value (not in the SVD)" },
	{ "HNGSCS", 1u << 8, "host negotiation success" },
	{ "HNPRQ", 1u << 9, "HNP request" },
	{ "HSHNPEN", 1u << 10, "host set HNP enable" },
	{ "DHNPEN", 1u << 11, "device HNP enabled" },
	{ "EHEN", 1u << 12, "embedded host enable" },
	{ "CIDSTS", 1u << 16, "connector ID: 1 = B-device (device side), 0 = A-device" },
	{ "DBCT", 1u << 17, "short debounce time" },
	{ "ASVLD", 1u << 18, "A-session valid (host side)" },
	{ "BSVLD", 1u << 19, "B-session valid: VBUS seen in device mode" },
	{ "CURMOD", 1u << 21, "current mode: host (not in the SVD)" },
};
static const struct bits_field otg_gahbcfg_fields[] = {
	{ "GINT", 1u << 0, "global interrupt unmasked" },
	{ "HBSTLEN", 0xFu << 1, "burst length/type" },
	{ "DMAEN", 1u << 5, "DMA enabled" },
	{ "TXFELVL", 1u << 7, "TxFIFO empty level" },
	{ "PTXFELVL", 1u << 8, "periodic TxFIFO empty level" },
};
static const struct bits_field otg_gusbcfg_fields[] = {
	{ "TOCAL", 7u << 0, "FS timeout calibration" },
	{ "PHYSEL", 1u << 6, "full-speed serial transceiver selected (else ULPI)" },
	{ "SRPCAP", 1u << 8, "SRP capable" },
	{ "HNPCAP", 1u << 9, "HNP capable" },
	{ "TRDT", 0xFu << 10, "USB turnaround time" },
	{ "PHYLPCS", 1u << 15, "PHY low-power clock select" },
	{ "ULPIFSLS", 1u << 17, "ULPI FS/LS select" },
	{ "ULPIAR", 1u << 18, "ULPI auto-resume" },
	{ "ULPICSM", 1u << 19, "ULPI clock SuspendM" },
	{ "ULPIEVBUSD", 1u << 20, "ULPI external VBUS drive" },
	{ "ULPIEVBUSI", 1u << 21, "ULPI external VBUS indicator" },
	{ "TSDPS", 1u << 22, "TermSel DLine pulsing" },
	{ "PCCI", 1u << 23, "indicator complement" },
	{ "PTCI", 1u << 24, "indicator pass-through" },
	{ "ULPIIPD", 1u << 25, "ULPI interface protect disable" },
	{ "FHMOD", 1u << 29, "forced host mode" },
	{ "FDMOD", 1u << 30, "forced device (peripheral) mode" },
};
static const struct bits_field otg_grstctl_fields[] = {
	{ "CSRST", 1u << 0, "core soft reset in progress" },
	{ "HSRST", 1u << 1, "HCLK soft reset" },
	{ "FCRST", 1u << 2, "host frame counter reset" },
	{ "RXFFLSH", 1u << 4, "RxFIFO flush" },
	{ "TXFFLSH", 1u << 5, "TxFIFO flush" },
	{ "TXFNUM", 0x1Fu << 6, "TxFIFO number" },
	{ "DMAREQ", 1u << 30, "DMA request in progress" },
	{ "AHBIDL", 1u << 31, "AHB master idle" },
};
static const struct bits_field otg_gintsts_fields[] = {
	{ "CMOD", 1u << 0, "current mode: 1 host, 0 device" },
	{ "MMIS", 1u << 1, "mode mismatch" },
	{ "OTGINT", 1u << 2, "OTG interrupt" },
	{ "SOF", 1u << 3, "start of frame" },
	{ "RXFLVL", 1u << 4, "RxFIFO non-empty" },
	{ "NPTXFE", 1u << 5, "non-periodic TxFIFO empty" },
	{ "GINAKEFF", 1u << 6, "global IN NAK effective" },
	{ "BOUTNAKEFF", 1u << 7, "global OUT NAK effective" },
	{ "ESUSP", 1u << 10, "early suspend" },
	{ "USBSUSP", 1u << 11, "USB suspend" },
	{ "USBRST", 1u << 12, "USB reset seen on the bus" },
	{ "ENUMDNE", 1u << 13, "enumeration (speed detection) done" },
	{ "ISOODRP", 1u << 14, "isochronous OUT packet dropped" },
	{ "EOPF", 1u << 15, "end of periodic frame" },
	{ "IEPINT", 1u << 18, "IN endpoint interrupt" },
	{ "OEPINT", 1u << 19, "OUT endpoint interrupt" },
	{ "IISOIXFR", 1u << 20, "incomplete isochronous IN transfer" },
	{ "PXFR_INCOMPISOOUT", 1u << 21, "incomplete periodic transfer" },
	{ "DATAFSUSP", 1u << 22, "data fetch suspended" },
	{ "HPRTINT", 1u << 24, "host port interrupt" },
	{ "HCINT", 1u << 25, "host channels interrupt" },
	{ "PTXFE", 1u << 26, "periodic TxFIFO empty" },
	{ "CIDSCHG", 1u << 28, "connector ID status change" },
	{ "DISCINT", 1u << 29, "disconnect detected" },
	{ "SRQINT", 1u << 30, "session request / new session (VBUS) detected" },
	{ "WKUINT", 1u << 31, "resume / remote wakeup detected" },
};
static const struct bits_field otg_gccfg_fields[] = {
	{ "DCDET", 1u << 0, "battery charging: data contact detected" },
	{ "PDET", 1u << 1, "battery charging: primary detection" },
	{ "SDET", 1u << 2, "battery charging: secondary detection" },
	{ "PS2DET", 1u << 3, "DM pull-up detected" },
	{ "PWRDWN", 1u << 16, "transceiver powered (power down deactivated)" },
	{ "BCDEN", 1u << 17, "battery charging detector enabled" },
	{ "DCDEN", 1u << 18, "data contact detection mode" },
	{ "PDEN", 1u << 19, "primary detection mode" },
	{ "SDEN", 1u << 20, "secondary detection mode" },
	{ "VBDEN", 1u << 21, "VBUS detection enabled" },
};
static const struct bits_field otg_cid_fields[] = {
	{ "PRODUCT_ID", 0xFFFFFFFFu, "core identification (application programmable)" },
};
/* DSPD / ENUMSPD value names: RM0399 OTG_DCFG / OTG_DSTS (not enumerated in the SVD) */
static const char *const otg_speed[] = { "high speed", "full speed (HS PHY)", "reserved", "full speed (48 MHz)" };
static const struct bits_field otg_dcfg_fields[] = {
	{ "DSPD", 3u << 0, "device speed", otg_speed, 4 },
	{ "NZLSOHSK", 1u << 2, "non-zero-length status OUT handshake" },
	{ "DAD", 0x7Fu << 4, "device address given by the host" },
	{ "PFIVL", 3u << 11, "periodic frame interval" },
	{ "PERSCHIVL", 3u << 24, "periodic scheduling interval" },
};
static const struct bits_field otg_dctl_fields[] = {
	{ "RWUSIG", 1u << 0, "remote wakeup signalling" },
	{ "SDIS", 1u << 1, "soft disconnect: the D+ pull-up is off, the host sees a detach" },
	{ "GINSTS", 1u << 2, "global IN NAK" },
	{ "GONSTS", 1u << 3, "global OUT NAK" },
	{ "TCTL", 7u << 4, "test control" },
	{ "SGINAK", 1u << 7, "set global IN NAK" },
	{ "CGINAK", 1u << 8, "clear global IN NAK" },
	{ "SGONAK", 1u << 9, "set global OUT NAK" },
	{ "CGONAK", 1u << 10, "clear global OUT NAK" },
	{ "POPRGDNE", 1u << 11, "power-on programming done" },
};
static const struct bits_field otg_dsts_fields[] = {
	{ "SUSPSTS", 1u << 0, "bus suspended" },
	{ "ENUMSPD", 3u << 1, "enumerated speed", otg_speed, 4 },
	{ "EERR", 1u << 3, "erratic error" },
	{ "FNSOF", 0x3FFFu << 8, "frame number of the last SOF" },
};
static const struct bits_field otg_pcgcctl_fields[] = {
	{ "STPPCLK", 1u << 0, "PHY clock stopped" },
	{ "GATEHCLK", 1u << 1, "HCLK gated" },
	{ "PHYSUSP", 1u << 4, "PHY suspended" },
};

#define TAB(id, f, r) { id, f, BITS_N(f), r }
#define MPUR(n)                                                          \
	TAB(REG_MPU_RBAR0 + n, mpu_rbar_fields, "PM0253 4.6 MPU_RBAR"), \
	TAB(REG_MPU_RASR0 + n, mpu_rasr_fields, "PM0253 4.6 MPU_RASR")
#define OTGT(p)                                                                     \
	TAB(REG_##p##_GOTGCTL, otg_gotgctl_fields, "RM0399 OTG_GOTGCTL"),          \
	TAB(REG_##p##_GAHBCFG, otg_gahbcfg_fields, "RM0399 OTG_GAHBCFG"),          \
	TAB(REG_##p##_GUSBCFG, otg_gusbcfg_fields, "RM0399 OTG_GUSBCFG"),          \
	TAB(REG_##p##_GRSTCTL, otg_grstctl_fields, "RM0399 OTG_GRSTCTL"),          \
	TAB(REG_##p##_GINTSTS, otg_gintsts_fields, "RM0399 OTG_GINTSTS"),          \
	TAB(REG_##p##_GINTMSK, otg_gintsts_fields, "RM0399 OTG_GINTMSK (GINTSTS layout)"), \
	TAB(REG_##p##_GCCFG, otg_gccfg_fields, "RM0399 OTG_GCCFG"),                \
	TAB(REG_##p##_CID, otg_cid_fields, "RM0399 OTG_CID"),                      \
	TAB(REG_##p##_DCFG, otg_dcfg_fields, "RM0399 OTG_DCFG"),                   \
	TAB(REG_##p##_DCTL, otg_dctl_fields, "RM0399 OTG_DCTL"),                   \
	TAB(REG_##p##_DSTS, otg_dsts_fields, "RM0399 OTG_DSTS"),                   \
	TAB(REG_##p##_PCGCCTL, otg_pcgcctl_fields, "RM0399 OTG_PCGCCTL")

const struct bits_reg periph_tables[] = {
	TAB(REG_MPU_TYPE, mpu_type_fields, "PM0253 4.6 MPU_TYPE"),
	TAB(REG_MPU_CTRL, mpu_ctrl_fields, "PM0253 4.6 MPU_CTRL"),
	MPUR(0), MPUR(1), MPUR(2), MPUR(3), MPUR(4), MPUR(5), MPUR(6), MPUR(7),
	MPUR(8), MPUR(9), MPUR(10), MPUR(11), MPUR(12), MPUR(13), MPUR(14), MPUR(15),
	TAB(REG_SYST_CSR, syst_csr_fields, "PM0253 4.5 SYST_CSR"),
	TAB(REG_RCC_CR, rcc_cr_fields, "RM0399 RCC_CR"),
	TAB(REG_RCC_CFGR, rcc_cfgr_fields, "RM0399 RCC_CFGR"),
	TAB(REG_RCC_PLLCKSELR, rcc_pllckselr_fields, "RM0399 RCC_PLLCKSELR"),
	TAB(REG_RCC_AHB1RSTR, rcc_ahb1rstr_fields, "RM0399 RCC_AHB1RSTR"),
	TAB(REG_RCC_AHB1ENR, rcc_ahb1enr_fields, "RM0399 RCC_AHB1ENR"),
	TAB(REG_RCC_C1_AHB1ENR, rcc_ahb1enr_fields, "RM0399 RCC_C1_AHB1ENR"),
	TAB(REG_RCC_RSR, rcc_rsr_fields, "RM0399 RCC_RSR"),
	TAB(REG_RCC_C1_RSR, rcc_rsr_fields, "RM0399 RCC_C1_RSR"),
	TAB(REG_RCC_GCR, rcc_gcr_fields, "RM0399 RCC_GCR"),
	TAB(REG_PWR_CR3, pwr_cr3_fields, "RM0399 PWR_CR3"),
	TAB(REG_PWR_CSR1, pwr_csr1_fields, "RM0399 PWR_CSR1"),
	TAB(REG_FLASH_OPTSR_CUR, flash_optsr_fields, "RM0399 FLASH_OPTSR_CUR"),
	TAB(REG_FLASH_BOOT7_CUR, flash_boot_fields, "RM0399 FLASH_BOOT7_CUR"),
	TAB(REG_FLASH_BOOT4_CUR, flash_boot_fields, "RM0399 FLASH_BOOT4_CUR"),
	TAB(REG_SYSCFG_UR0, syscfg_ur0_fields, "RM0399 SYSCFG_UR0"),
	TAB(REG_SYSCFG_UR1, syscfg_ur1_fields, "RM0399 SYSCFG_UR1"),
	TAB(REG_SYSCFG_UR2, syscfg_ur2_fields, "RM0399 SYSCFG_UR2"),
	TAB(REG_SYSCFG_UR3, syscfg_ur3_fields, "RM0399 SYSCFG_UR3"),
	TAB(REG_DBGMCU_IDC, dbgmcu_idc_fields, "RM0399 DBGMCU_IDC"),
	TAB(REG_DBGMCU_CR, dbgmcu_cr_fields, "RM0399 DBGMCU_CR"),
	OTGT(OTG_FS),
	OTGT(OTG_HS),
};
const size_t periph_n_tables = BITS_N(periph_tables);

const struct bits_reg *periph_table(enum reg_id id)
{
	for (size_t i = 0; i < periph_n_tables; i++)
		if (periph_tables[i].id == id)
			return &periph_tables[i];
	return NULL;
}

/* ---- small helpers ------------------------------------------------------ */

static int8_t bit_of(const struct snapshot *s, enum reg_id r, unsigned bit)
{
	if (!snap_ok(s, r))
		return PERIPH_UNKNOWN;
	return (s->val[r] >> bit) & 1u ? PERIPH_YES : PERIPH_NO;
}

/* RM0399 "Memory map and register boundary addresses" (STM32H745). The
 * region bounds were not checked against the manual here (the SVD has no
 * memory map): treat the names as a reading aid, not as evidence. */
static const struct {
	uint32_t start, end; /* inclusive */
	const char *name;
} memory_map[] = {
	{ 0x00000000u, 0x0000FFFFu, "ITCM" },
	{ 0x08000000u, 0x080FFFFFu, "flash bank 1" },
	{ 0x08100000u, 0x081FFFFFu, "flash bank 2" },
	{ 0x1FF00000u, 0x1FF1FFFFu, "system memory (ROM bootloader)" },
	{ 0x20000000u, 0x2001FFFFu, "DTCM" },
	{ 0x24000000u, 0x2407FFFFu, "AXI SRAM" },
	{ 0x30000000u, 0x3001FFFFu, "SRAM1" },
	{ 0x30020000u, 0x3003FFFFu, "SRAM2" },
	{ 0x30040000u, 0x30047FFFu, "SRAM3" },
	{ 0x38000000u, 0x3800FFFFu, "SRAM4" },
	{ 0x38800000u, 0x38800FFFu, "backup SRAM" },
	{ 0x40000000u, 0x5FFFFFFFu, "peripherals" },
	{ 0x60000000u, 0x7FFFFFFFu, "FMC" },
	{ 0x90000000u, 0x9FFFFFFFu, "QUADSPI" },
	{ 0xC0000000u, 0xDFFFFFFFu, "FMC SDRAM" },
	{ 0xE0000000u, 0xE00FFFFFu, "Cortex-M private peripheral bus" },
};

const char *periph_region_name(uint32_t addr)
{
	for (size_t i = 0; i < BITS_N(memory_map); i++)
		if (addr >= memory_map[i].start && addr <= memory_map[i].end)
			return memory_map[i].name;
	return "reserved";
}

const char *periph_part_name(uint16_t dev_id)
{
	switch (dev_id) {
	case 0x450:
		return "STM32H74x/75x"; /* H742/743/745/747/750/753/755/757 (domain.md) */
	case 0x483:
		return "STM32H72x/73x";
	case 0x480:
		return "STM32H7A3/7B3/7B0";
	default:
		return NULL;
	}
}

const char *periph_revision_name(uint16_t dev_id, uint16_t rev_id)
{
	if (dev_id != 0x450)
		return NULL;
	switch (rev_id) {
	case 0x1001:
		return "Z";
	case 0x1003:
		return "Y";
	case 0x2001:
		return "X";
	case 0x2003:
		return "V";
	default:
		return NULL;
	}
}

int periph_rdp_level(uint8_t rdp)
{
	return rdp == 0xAA ? 0 : rdp == 0xCC ? 2 : 1;
}

uint64_t periph_mpu_size(unsigned size_field)
{
	if (size_field < 4 || size_field > 31)
		return 0;
	return 1ull << (size_field + 1);
}

/* ---- decoders ---------------------------------------------------------- */

static void decode_rcc(const struct snapshot *s, struct periph_rcc *r)
{
	static const char *const names[PERIPH_N_OSC] = { "HSI", "CSI", "HSI48", "HSE", "PLL1", "PLL2", "PLL3" };
	static const uint8_t on_bit[PERIPH_N_OSC] = { 0, 7, 12, 16, 24, 26, 28 };
	static const uint8_t rdy_bit[PERIPH_N_OSC] = { 2, 8, 13, 17, 25, 27, 29 };
	enum reg_id rsr = snap_ok(s, REG_RCC_RSR) ? REG_RCC_RSR : REG_RCC_C1_RSR;
	enum reg_id enr = snap_ok(s, REG_RCC_AHB1ENR) ? REG_RCC_AHB1ENR : REG_RCC_C1_AHB1ENR;

	r->have_cr = snap_ok(s, REG_RCC_CR);
	r->have_cfgr = snap_ok(s, REG_RCC_CFGR);
	r->have_rsr = snap_ok(s, rsr);
	r->have_ahb1rstr = snap_ok(s, REG_RCC_AHB1RSTR);
	r->have_ahb1enr = snap_ok(s, enr);
	for (int i = 0; i < PERIPH_N_OSC; i++) {
		r->osc[i].name = names[i];
		r->osc[i].on = bit_of(s, REG_RCC_CR, on_bit[i]);
		r->osc[i].ready = bit_of(s, REG_RCC_CR, rdy_bit[i]);
	}
	r->d1ckrdy = bit_of(s, REG_RCC_CR, 14);
	r->d2ckrdy = bit_of(s, REG_RCC_CR, 15);
	if (r->have_cfgr) {
		uint32_t sws = (s->val[REG_RCC_CFGR] >> 3) & 7u;
		r->sysclk = sws < 4 ? sysclk_src[sws] : "reserved";
	}
	if (r->have_rsr) {
		uint32_t f = s->val[rsr];
		r->rsr = f;
		/* most specific first, after RM0399 "Reset source identification"
		 * (the POR sets the pin, BOR and domain flags too, so it wins over
		 * them); the order is this decoder's reading, not verified flag
		 * combination by flag combination */
		r->reset_cause = f & (1u << 23)   ? "power-on reset"
				 : f & (1u << 21) ? "brown-out reset"
				 : f & (1u << 30) ? "illegal low-power mode entry"
				 : f & (3u << 28) ? "window watchdog"
				 : f & (3u << 26) ? "independent watchdog"
				 : f & (3u << 24) ? "software system reset (NVIC_SystemReset)"
				 : f & (1u << 22) ? "NRST pin (e.g. a debugger or the reset button)"
				 : f & (3u << 17) ? "CPU reset"
				 : f & (3u << 19) ? "domain power switch"
						  : NULL;
	}
	r->otg_hs_in_reset = bit_of(s, REG_RCC_AHB1RSTR, 25);
	r->otg_fs_in_reset = bit_of(s, REG_RCC_AHB1RSTR, 27);
	r->otg_hs_clock = bit_of(s, enr, 25);
	r->otg_hs_ulpi_clock = bit_of(s, enr, 26);
	r->otg_fs_clock = bit_of(s, enr, 27);
	r->otg_fs_ulpi_clock = bit_of(s, enr, 28);
}

static void decode_pwr(const struct snapshot *s, struct periph_pwr *p)
{
	p->have_cr3 = snap_ok(s, REG_PWR_CR3);
	p->have_csr1 = snap_ok(s, REG_PWR_CSR1);
	p->bypass = bit_of(s, REG_PWR_CR3, 0);
	p->ldoen = bit_of(s, REG_PWR_CR3, 1);
	p->sden = bit_of(s, REG_PWR_CR3, 2);
	p->smps_ext_hp = bit_of(s, REG_PWR_CR3, 3);
	p->smps_ext_rdy = bit_of(s, REG_PWR_CR3, 16);
	p->actvosrdy = bit_of(s, REG_PWR_CSR1, 13);
	if (p->have_csr1)
		p->actvos = (uint8_t)((s->val[REG_PWR_CSR1] >> 14) & 3u);
	if (p->have_cr3) {
		uint32_t v = s->val[REG_PWR_CR3];
		unsigned cfg = v & 0x3Fu; /* BYPASS LDOEN SDEN SMPSEXTHP SMPSLEVEL */
		p->cr3 = v;
		p->smps_level = (uint8_t)((v >> 4) & 3u);
		/* HAL_PWREx_ConfigSupply() encodings (stm32h7xx_hal_pwr_ex.h, RM0399
		 * PWR "supply configuration" table) */
		switch (cfg) {
		case 0x02: p->supply = "PWR_LDO_SUPPLY"; break;
		case 0x04: p->supply = "PWR_DIRECT_SMPS_SUPPLY"; break;
		case 0x16: p->supply = "PWR_SMPS_1V8_SUPPLIES_LDO"; break;
		case 0x26: p->supply = "PWR_SMPS_2V5_SUPPLIES_LDO"; break;
		case 0x1E: p->supply = "PWR_SMPS_1V8_SUPPLIES_EXT_AND_LDO"; break;
		case 0x2E: p->supply = "PWR_SMPS_2V5_SUPPLIES_EXT_AND_LDO"; break;
		case 0x1D: p->supply = "PWR_SMPS_1V8_SUPPLIES_EXT"; break;
		case 0x2D: p->supply = "PWR_SMPS_2V5_SUPPLIES_EXT"; break;
		case 0x01: p->supply = "PWR_EXTERNAL_SOURCE_SUPPLY"; break;
		case 0x06: p->supply = "reset default (LDO and SMPS enabled, not yet configured)"; break;
		default: p->supply = "unusual combination"; break;
		}
	}
}

#define OTG_REGS(p)                                                                          \
	{ REG_##p##_GOTGCTL, REG_##p##_GUSBCFG, REG_##p##_GINTSTS, REG_##p##_GCCFG, REG_##p##_DCFG, \
	  REG_##p##_DCTL, REG_##p##_DSTS }
enum { O_GOTGCTL, O_GUSBCFG, O_GINTSTS, O_GCCFG, O_DCFG, O_DCTL, O_DSTS, O_N };

static void decode_otg(const struct snapshot *s, const enum reg_id *rg, int8_t clock, int8_t in_reset,
		       const char *name, struct periph_otg *o)
{
	size_t n = 0;

	o->name = name;
	for (int i = 0; i < O_N; i++)
		if (snap_ok(s, rg[i]))
			o->captured = 1;
	o->host_mode = bit_of(s, rg[O_GINTSTS], 0);
	o->forced_host = bit_of(s, rg[O_GUSBCFG], 29);
	o->forced_device = bit_of(s, rg[O_GUSBCFG], 30);
	o->soft_disconnect = bit_of(s, rg[O_DCTL], 1);
	o->a_session = bit_of(s, rg[O_GOTGCTL], 18);
	o->b_session = bit_of(s, rg[O_GOTGCTL], 19);
	o->transceiver_on = bit_of(s, rg[O_GCCFG], 16);
	o->vbus_detect = bit_of(s, rg[O_GCCFG], 21);
	o->clock_on = clock;
	o->in_reset = in_reset;
	if (snap_ok(s, rg[O_DCFG]))
		o->address = (uint8_t)((s->val[rg[O_DCFG]] >> 4) & 0x7Fu);
	/* DSTS.ENUMSPD means something only once a host enumerated the device:
	 * it gave an address (DCFG.DAD), or ENUMDNE is still flagged */
	if (snap_ok(s, rg[O_DSTS]) && o->host_mode != PERIPH_YES &&
	    (o->address || (snap_get(s, rg[O_GINTSTS], 0) & (1u << 13))))
		o->speed = otg_speed[(s->val[rg[O_DSTS]] >> 1) & 3u];
	/* The pull-up is on when the core is clocked, out of reset, in device
	 * mode, its transceiver powered and not soft-disconnected (RM0399 OTG
	 * "Peripheral mode", DCTL.SDIS, GCCFG.PWRDWN). Any NO makes it off, any
	 * UNKNOWN makes it unknown. */
	{
		int8_t f[5] = { clock, in_reset == PERIPH_UNKNOWN ? PERIPH_UNKNOWN : (int8_t)!in_reset,
				o->host_mode == PERIPH_UNKNOWN ? PERIPH_UNKNOWN : (int8_t)!o->host_mode,
				o->transceiver_on,
				o->soft_disconnect == PERIPH_UNKNOWN ? PERIPH_UNKNOWN : (int8_t)!o->soft_disconnect };
		o->pullup = PERIPH_YES;
		for (int i = 0; i < 5; i++)
			if (f[i] == PERIPH_NO)
				o->pullup = PERIPH_NO;
		for (int i = 0; i < 5 && o->pullup != PERIPH_NO; i++)
			if (f[i] == PERIPH_UNKNOWN)
				o->pullup = PERIPH_UNKNOWN;
	}
#define ADD(...) n += (size_t)snprintf(o->summary + n, n < sizeof o->summary ? sizeof o->summary - n : 0, __VA_ARGS__)
	if (!o->captured && clock == PERIPH_UNKNOWN && in_reset == PERIPH_UNKNOWN) {
		ADD("not captured");
		return;
	}
	ADD("%s", clock == PERIPH_NO ? "clock off" : clock == PERIPH_YES ? "clock on" : "clock ?");
	if (in_reset == PERIPH_YES)
		ADD(", held in reset");
	if (o->host_mode != PERIPH_UNKNOWN)
		ADD(", %s mode", o->host_mode ? "host" : "device");
	if (o->soft_disconnect != PERIPH_UNKNOWN)
		ADD(", %s", o->soft_disconnect ? "soft-disconnected" : "connected (SDIS=0)");
	if (o->transceiver_on != PERIPH_UNKNOWN)
		ADD(", transceiver %s", o->transceiver_on ? "on" : "off");
	if (o->b_session == PERIPH_YES)
		ADD(", B-session valid");
	if (o->address)
		ADD(", address %u", o->address);
	ADD("; pull-up %s", o->pullup == PERIPH_YES ? "plausibly ON" : o->pullup == PERIPH_NO ? "off" : "unknown");
#undef ADD
}

static void decode_flash(const struct snapshot *s, struct periph_flash *f)
{
	f->rdp_level = -1;
	f->bcm7 = f->bcm4 = PERIPH_UNKNOWN;
	f->have_optsr = snap_ok(s, REG_FLASH_OPTSR_CUR);
	f->have_boot7 = snap_ok(s, REG_FLASH_BOOT7_CUR);
	f->have_boot4 = snap_ok(s, REG_FLASH_BOOT4_CUR);
	f->have_ur1 = snap_ok(s, REG_SYSCFG_UR1);
	if (f->have_boot7) {
		f->boot7_add0 = (s->val[REG_FLASH_BOOT7_CUR] & 0xFFFFu) << 16;
		f->boot7_add1 = s->val[REG_FLASH_BOOT7_CUR] & 0xFFFF0000u;
	}
	if (f->have_boot4) {
		f->boot4_add0 = (s->val[REG_FLASH_BOOT4_CUR] & 0xFFFFu) << 16;
		f->boot4_add1 = s->val[REG_FLASH_BOOT4_CUR] & 0xFFFF0000u;
	}
	if (f->have_optsr) {
		f->rdp_byte = (uint8_t)(s->val[REG_FLASH_OPTSR_CUR] >> 8);
		f->rdp_level = periph_rdp_level(f->rdp_byte);
	}
	if (f->have_ur1) {
		f->bcm4 = bit_of(s, REG_SYSCFG_UR1, 0);
		f->bcm7 = bit_of(s, REG_SYSCFG_UR1, 16);
		f->bcm_source = "SYSCFG_UR1";
	} else if (f->have_optsr) {
		f->bcm4 = bit_of(s, REG_FLASH_OPTSR_CUR, 22);
		f->bcm7 = bit_of(s, REG_FLASH_OPTSR_CUR, 23);
		f->bcm_source = "FLASH_OPTSR_CUR";
	}
}

static void decode_nvic(const struct snapshot *s, struct periph_nvic *n)
{
	for (unsigned w = 0; w < REGS_NVIC_WORDS; w++) {
		n->have_iser |= snap_ok(s, (enum reg_id)(REG_NVIC_ISER0 + w));
		n->have_ispr |= snap_ok(s, (enum reg_id)(REG_NVIC_ISPR0 + w));
		n->have_iabr |= snap_ok(s, (enum reg_id)(REG_NVIC_IABR0 + w));
	}
	for (unsigned irq = 0; irq < FAULT_N_IRQS; irq++) {
		struct periph_irq e = { (uint8_t)irq, 0, 0 };
		enum reg_id ipr = (enum reg_id)(REG_NVIC_IPR0 + irq / 4);
		uint32_t bit = 1u << (irq % 32);

		if (snap_ok(s, ipr)) {
			e.priority = (uint8_t)(s->val[ipr] >> (8 * (irq % 4)));
			e.prio_known = 1;
		}
		if (snap_get(s, (enum reg_id)(REG_NVIC_ISER0 + irq / 32), 0) & bit)
			n->enabled[n->n_enabled++] = e;
		if (snap_get(s, (enum reg_id)(REG_NVIC_ISPR0 + irq / 32), 0) & bit)
			n->pending[n->n_pending++] = e;
		if (snap_get(s, (enum reg_id)(REG_NVIC_IABR0 + irq / 32), 0) & bit)
			n->active[n->n_active++] = e;
	}
}

static void decode_systick(const struct snapshot *s, struct periph_systick *t)
{
	t->have_csr = snap_ok(s, REG_SYST_CSR);
	t->have_rvr = snap_ok(s, REG_SYST_RVR);
	t->have_cvr = snap_ok(s, REG_SYST_CVR);
	t->have_icsr = snap_ok(s, REG_ICSR);
	t->running = bit_of(s, REG_SYST_CSR, 0);
	t->tickint = bit_of(s, REG_SYST_CSR, 1);
	t->core_clock = bit_of(s, REG_SYST_CSR, 2);
	t->countflag = bit_of(s, REG_SYST_CSR, 16);
	t->pending = bit_of(s, REG_ICSR, 26); /* ICSR.PENDSTSET (PM0253 4.3.3) */
	t->reload = snap_get(s, REG_SYST_RVR, 0) & 0xFFFFFFu;
	t->current = snap_get(s, REG_SYST_CVR, 0) & 0xFFFFFFu;
}

/* Memory type from TEX/C/B (DDI0403 B3.5.9 "TEX, C, B encoding"; S matters
 * only for Normal memory). */
static const char *mpu_attrs(unsigned tex, unsigned c, unsigned b)
{
	unsigned k = (tex << 2) | (c << 1) | b;
	if (tex & 4)
		return "Normal, cacheable (outer/inner policy in TEX[1:0]/CB)";
	switch (k) {
	case 0x0: return "Strongly-ordered";
	case 0x1: return "Device, shareable";
	case 0x2: return "Normal, write-through, no write-allocate";
	case 0x3: return "Normal, write-back, no write-allocate";
	case 0x4: return "Normal, non-cacheable";
	case 0x7: return "Normal, write-back, write and read allocate";
	case 0x8: return "Device, non-shareable";
	default: return "reserved encoding";
	}
}

static void decode_mpu(const struct snapshot *s, struct periph_mpu *m)
{
	m->have_ctrl = snap_ok(s, REG_MPU_CTRL);
	m->enabled = bit_of(s, REG_MPU_CTRL, 0);
	m->hfnmiena = bit_of(s, REG_MPU_CTRL, 1);
	m->privdefena = bit_of(s, REG_MPU_CTRL, 2);
	m->n_regions = REGS_MPU_REGIONS;
	if (snap_ok(s, REG_MPU_TYPE)) {
		unsigned d = (s->val[REG_MPU_TYPE] >> 8) & 0xFFu;
		m->n_regions = d < REGS_MPU_REGIONS ? d : REGS_MPU_REGIONS;
	}
	for (unsigned i = 0; i < m->n_regions; i++) {
		struct periph_mpu_region *r = &m->region[i];
		enum reg_id rb = (enum reg_id)(REG_MPU_RBAR0 + i), ra = (enum reg_id)(REG_MPU_RASR0 + i);
		r->index = (uint8_t)i;
		if (!snap_ok(s, rb) || !snap_ok(s, ra))
			continue;
		uint32_t rasr = s->val[ra];
		r->captured = 1;
		r->enabled = rasr & 1u;
		r->base = s->val[rb] & 0xFFFFFFE0u;
		r->size = periph_mpu_size((rasr >> 1) & 0x1Fu);
		r->srd = (uint8_t)(rasr >> 8);
		r->b = (rasr >> 16) & 1u;
		r->c = (rasr >> 17) & 1u;
		r->s = (rasr >> 18) & 1u;
		r->tex = (rasr >> 19) & 7u;
		r->ap = (rasr >> 24) & 7u;
		r->xn = (rasr >> 28) & 1u;
		r->access = mpu_ap[r->ap];
		r->attrs = mpu_attrs(r->tex, r->c, r->b);
	}
}

void periph_decode(const struct snapshot *s, struct periph_report *out)
{
	static const enum reg_id fs[O_N] = OTG_REGS(OTG_FS), hs[O_N] = OTG_REGS(OTG_HS);

	memset(out, 0, sizeof *out);
	decode_rcc(s, &out->rcc);
	decode_pwr(s, &out->pwr);
	decode_otg(s, fs, out->rcc.otg_fs_clock, out->rcc.otg_fs_in_reset, "OTG_FS", &out->otg_fs);
	decode_otg(s, hs, out->rcc.otg_hs_clock, out->rcc.otg_hs_in_reset, "OTG_HS", &out->otg_hs);
	decode_flash(s, &out->flash);
	if (snap_ok(s, REG_DBGMCU_IDC)) {
		uint32_t v = s->val[REG_DBGMCU_IDC];
		out->dbgmcu.have_idc = 1;
		out->dbgmcu.dev_id = v & 0xFFFu;
		out->dbgmcu.rev_id = (uint16_t)(v >> 16);
		out->dbgmcu.part = periph_part_name(out->dbgmcu.dev_id);
		out->dbgmcu.revision = periph_revision_name(out->dbgmcu.dev_id, out->dbgmcu.rev_id);
	}
	if (snap_ok(s, REG_FLASH_SIZE)) {
		out->dbgmcu.have_flash_size = 1;
		out->dbgmcu.flash_kib = (uint16_t)s->val[REG_FLASH_SIZE];
	}
	decode_nvic(s, &out->nvic);
	decode_systick(s, &out->systick);
	decode_mpu(s, &out->mpu);
	if (snap_ok(s, REG_VTOR)) {
		out->have_vtor = 1;
		out->vtor = s->val[REG_VTOR];
		out->vtor_region = periph_region_name(out->vtor);
	}
	out->dcache_on = bit_of(s, REG_CCR, 16);
	out->icache_on = bit_of(s, REG_CCR, 17);
}
