/* h7sim - the simulated STM32H745 as a whole: memories, bus routing, the two
 * cores, the peripherals, reset and power, simulated time and the scheduler.
 *
 * Memory map (RM0399 "Memory map and register boundary addresses"):
 *   0x00000000 ITCM 64 KiB (CM7 only)       0x08000000 flash bank 1, 0x08100000 bank 2 (1 MiB each)
 *   0x10000000 SRAM1-3 alias (CM4 only)      0x1FF00000 system memory 128 KiB (ROM bootloader, IDs)
 *   0x20000000 DTCM 128 KiB (CM7 only)      0x24000000 AXI SRAM 512 KiB
 *   0x30000000 SRAM1/2/3 288 KiB            0x38000000 SRAM4 64 KiB, 0x38800000 backup SRAM 4 KiB
 *   0x40000000-0x5FFFFFFF peripherals (blocks from the SVD; the rest is reserved)
 *   0xE0000000-0xE00FFFFF each core's private peripheral bus (SCS, FPB, DWT, ITM)
 * Everything else is reserved: a load is a precise BusFault, a store an imprecise
 * one, a fetch IBUSERR; the debugger gets a bus error (STICKYERR).
 */
#ifndef H7SIM_SOC_H
#define H7SIM_SOC_H

#include <stdbool.h>
#include <stdint.h>

#include "core.h"
#include "dcache.h"
#include "inject.h"
#include "otg.h"
#include "periph.h"
#include "usbbus.h"

#define SOC_FLASH_BASE 0x08000000u
#define SOC_FLASH_SIZE 0x00200000u
#define SOC_FLASH_BANK2 0x08100000u
#define SOC_SYSMEM_BASE 0x1FF00000u
#define SOC_SYSMEM_SIZE 0x00020000u
#define SOC_ROM_VTOR 0x1FF09800u       /* AN2606: H74x/H75x bootloader entry */
#define SOC_UID_ADDR 0x1FF1E800u
#define SOC_FLASHSIZE_ADDR 0x1FF1E880u
#define SOC_BLVERSION_ADDR 0x1FF1E7FEu
#define SOC_ROMCFG_ADDR 0x1FF1E700u    /* h7sim's options for its ROM (sim/rom/rom.h) */
#define SOC_PERIPH_BASE 0x40000000u
#define SOC_PERIPH_END 0x60000000u
#define SOC_PPB_BASE 0xE0000000u
#define SOC_PPB_SIZE 0x00100000u

enum soc_region_kind { SOC_RAM, SOC_FLASH, SOC_ROM };

struct soc_region {
	const char *name;
	uint32_t base, size;
	enum soc_region_kind kind;
	unsigned cores;        /* bit mask of the cores that see it */
	uint8_t *mem;          /* host memory (shared by both Unicorn engines) */
	uint32_t alias_of;     /* for an alias: base of the region it shows; else 0 */
};

#define SOC_NUM_REGIONS 9

struct soc_board {
	const char *name;
	uint32_t hse_hz;        /* HSE crystal/clock present on the board (0: none) */
	/* PWR_CR3 supply configurations the board's wiring works with:
	 * (value & supply_mask) == supply_value */
	uint32_t supply_mask, supply_value;
	const char *supply_ref;
};

struct soc_stats {
	uint64_t flash_write_attempts, optbyte_write_attempts, bus_errors;
	uint64_t system_resets, unmodelled, power_cycles;
};

struct soc_options {
	uint64_t seed;
	enum dcache_junk dcache_junk;
	const struct soc_board *board;
	int bcm4, bcm7;              /* boot option bytes (1: core boots), -1 = board default */
	unsigned rom_sdis_pulse_us;  /* ROM soft-disconnect pulse at start (0: none) */
	uint32_t rev_id;             /* DBGMCU_IDC REV_ID */
};

/* event sink for the control socket: one line without the "event " prefix */
typedef void (*soc_event_fn)(void *ctx, const char *line);

struct soc {
	struct soc_options opt;
	struct core core[2];
	struct soc_region region[SOC_NUM_REGIONS];
	struct periph p;
	struct otg otg_hs, otg_fs;
	struct usbbus usb;
	struct dcache dcache;
	uint32_t irq_level[EXC_WORDS];  /* external interrupt lines (bit n = IRQ n) */
	bool power;
	bool reset_request;             /* SYSRESETREQ written by a running core */
	unsigned local_reset_mask;      /* AIRCR.VECTRESET written by a running core */
	uint64_t sim_ns;
	uint64_t ns_frac;               /* sub-nanosecond remainder (in Hz units) */
	uint64_t wall_ns;               /* CLOCK_MONOTONIC at the last soc_run */
	struct soc_stats stats;
	struct inject inj;              /* fault injection (inject.h) */
	uint64_t *jtag_scans;           /* counted by the JTAG layer */
	uint32_t apbd_addr[64], apbd_val[64]; /* debug APB storage (SWO, funnel, TPIU) */
	unsigned apbd_n;
	soc_event_fn event;
	void *event_ctx;
	const uint8_t *rom_image;
	unsigned rom_size;
	uint32_t unmodelled_logged[64]; /* addresses already reported */
	unsigned unmodelled_n;
};

extern const struct soc_board soc_boards[];
const struct soc_board *soc_board_find(const char *name);

int soc_init(struct soc *s, const struct soc_options *opt);
void soc_fini(struct soc *s);
/* power on (RAM cleared, caches junk from the seed, supply lock released, both cores reset) */
void soc_power_on(struct soc *s);
void soc_power_cycle(struct soc *s);
/* SYSRESETREQ (or SRST): both cores and the peripherals */
void soc_system_reset(struct soc *s, const char *why);
/* the same with the RCC_RSR reset flags of another reset source */
void soc_system_reset_flags(struct soc *s, const char *why, uint32_t rsr_flags);
/* load a flash image; the data must lie inside flash */
int soc_flash_load(struct soc *s, uint32_t addr, const uint8_t *data, uint32_t len);

/* debug access through AP ap (0 CM7, 1 D3 system, 2 APB-D, 3 CM4) */
int soc_ap_read(void *ctx, unsigned ap, uint32_t addr, unsigned size, uint32_t *val);
int soc_ap_write(void *ctx, unsigned ap, uint32_t addr, unsigned size, uint32_t val);
/* an access by core c (stacking, vector fetch, cache write-back, MMIO) */
int soc_core_read(struct soc *s, struct core *c, uint32_t addr, unsigned size, uint32_t *val);
int soc_core_write(struct soc *s, struct core *c, uint32_t addr, unsigned size, uint32_t val);
/* the region holding addr as seen by core mask `cores`, or NULL */
struct soc_region *soc_region_at(struct soc *s, uint32_t addr, unsigned cores);
/* MMIO access (peripherals, PPB) by a master; -1 on a bus error */
int soc_mmio_read(struct soc *s, unsigned master, uint32_t addr, unsigned size, uint32_t *val);
int soc_mmio_write(struct soc *s, unsigned master, uint32_t addr, unsigned size, uint32_t val);
/* D-cache junk write-back of one line through the bus on behalf of the CM7 */
void soc_cache_writeback(struct soc *s, struct core *c, uint32_t addr, const uint8_t *data);

/* Run both cores for one scheduling round of about `slice` instructions and
 * advance simulated time. Returns true if any core executed instructions or
 * time moved. */
bool soc_run(struct soc *s, uint64_t slice);
/* How long the event loop may wait for input before calling soc_run again:
 * 0 (a core runs, or sleeping cores wait for a timed event, which is skipped
 * to), N ms (no core runs but the USB host has a timer: simulated time then
 * follows the wall clock), -1 (nothing will happen without outside input). */
int soc_wait_ms(const struct soc *s);
/* interrupt line n changed level */
void soc_set_irq(struct soc *s, unsigned irq, bool level);
/* something changed that may make an interrupt pending: re-sample the lines */
void soc_irq_update(struct soc *s);
/* an access to something h7sim does not model: log once per address, count */
void soc_unmodelled(struct soc *s, const char *what, uint32_t addr, bool write, uint32_t val);
/* publish an event line to subscribers */
void soc_event(struct soc *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* core state name for `status` */
const char *soc_core_state(const struct soc *s, unsigned idx);
/* CLOCK_MONOTONIC in milliseconds */
double soc_mono_ms(void);

#endif
