/* h7sim - the power-on state of the Cortex-M7 L1 data cache ("junk lines").
 *
 * The STM32H7's M7 has a 16 KiB, 4-way D-cache with 32-byte lines (128 sets;
 * PM0253 "Cache Size ID Register", RM0399 "Cortex-M7 core"). Its contents are
 * not defined at power-on: the valid/dirty bits and tags are whatever the RAMs
 * came up with, which is why CMSIS tells firmware to invalidate before enabling.
 * CMSIS 5's SCB_DisableDCache() cleans+invalidates by set/way (DCCISW) even when
 * the cache was never enabled; every line that happens to look valid and dirty is
 * then written back to the address its tag names, as an ordinary asynchronous
 * bus write. When that address is unmapped the write ends in an IMPRECISERR
 * BusFault. Fixed upstream in CMSIS_6 PR #293 (check CCR.DC first); the same bug
 * was reported in modm #1236, openmv #737 and lvgl #1935.
 *
 * The model: every line gets valid/dirty bits, a tag and 32 data bytes derived
 * deterministically from --seed. Modes (--dcache-junk):
 *   none    no line is valid at power-on (as if invalidated);
 *   mapped  dirty lines only name SRAM1..SRAM4 (the D2/D3 SRAMs), so write-backs
 *           change that RAM but never fault;
 *   mixed   (default) dirty lines name SRAM1..4 or reserved space; at least one
 *           of each exists for every seed.
 * Mapped tags are drawn from SRAM1..SRAM4 only, never from AXI SRAM, DTCM or
 * flash, so that a probe firmware loaded into AXI SRAM is not overwritten: a
 * real chip's junk tags are arbitrary. Data the cache would hold after it is
 * enabled is not modelled: cached accesses read and write memory directly.
 */
#ifndef H7SIM_DCACHE_H
#define H7SIM_DCACHE_H

#include <stdbool.h>
#include <stdint.h>

#define DCACHE_SETS 128u
#define DCACHE_WAYS 4u
#define DCACHE_LINE 32u

enum dcache_junk { DCACHE_JUNK_NONE = 0, DCACHE_JUNK_MAPPED, DCACHE_JUNK_MIXED };

struct dcache_line {
	uint32_t addr;   /* line address its tag names */
	bool valid, dirty;
};

struct dcache {
	struct dcache_line line[DCACHE_SETS][DCACHE_WAYS];
	uint64_t seed;
	enum dcache_junk mode;
	uint64_t writebacks, invalidates;
};

/* maintenance operations */
enum dcache_op { DCACHE_INVAL, DCACHE_CLEAN, DCACHE_CLEAN_INVAL };

/* Power-on contents from seed and mode. */
void dcache_power_on(struct dcache *d, uint64_t seed, enum dcache_junk mode);
/* A by-set/way operation (DCISW/DCCSW/DCCISW value: set in bits 11:5, way in
 * 31:30). Returns true when a line is written back: *addr and data[32] say what. */
bool dcache_setway(struct dcache *d, uint32_t val, enum dcache_op op, uint32_t *addr, uint8_t data[DCACHE_LINE]);
/* A by-address operation (DCIMVAC/DCCMVAC/DCCIMVAC); same result convention. */
bool dcache_by_addr(struct dcache *d, uint32_t mva, enum dcache_op op, uint32_t *addr, uint8_t data[DCACHE_LINE]);
/* Count the lines that are valid and dirty now, and how many name reserved space. */
void dcache_census(const struct dcache *d, unsigned *dirty, unsigned *unmapped);
/* Is addr one of the reserved holes the model draws unmapped tags from. */
bool dcache_addr_reserved(uint32_t addr);
const char *dcache_junk_name(enum dcache_junk m);
int dcache_junk_parse(const char *s, enum dcache_junk *m);

#endif
