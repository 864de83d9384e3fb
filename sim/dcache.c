/* h7sim - D-cache junk-line model (see dcache.h for the story and the sources). */
#include "dcache.h"

#include "h7jumpdiag/error.h"

#include <string.h>

/* splitmix64 (Steele, Lea, Flood 2014): a small, well-mixed deterministic PRNG */
static uint64_t dcache_mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static uint64_t dcache_rand(uint64_t seed, unsigned set, unsigned way, unsigned salt)
{
	return dcache_mix(seed ^ dcache_mix(((uint64_t)salt << 32) | (set << 8) | way));
}

/* SRAM1..SRAM3 (D2, 0x30000000, 288 KiB) and SRAM4 (D3, 0x38000000, 64 KiB), RM0399 memory map */
static const struct { uint32_t base, size; } dcache_mapped[] = {
	{ 0x30000000u, 0x48000u }, { 0x38000000u, 0x10000u },
};
/* reserved holes of the STM32H745 memory map (RM0399 "Memory map and register
 * boundary addresses"), incl. 0x1FF20000.. which holds the 0x1FFF9800 of the seed case;
 * the CM4's SRAM1-3 alias at 0x10000000 is left out */
static const struct { uint32_t base, size; } dcache_holes[] = {
	{ 0x00010000u, 0x07FF0000u }, { 0x08200000u, 0x07E00000u }, { 0x10048000u, 0x0FEB8000u },
	{ 0x1FF20000u, 0x000E0000u },
	{ 0x20020000u, 0x03FE0000u }, { 0x24080000u, 0x0BF80000u }, { 0x30048000u, 0x07FB8000u },
	{ 0x38010000u, 0x007F0000u }, { 0x38801000u, 0x077FF000u },
};

bool dcache_addr_reserved(uint32_t addr)
{
	for (unsigned i = 0; i < sizeof(dcache_holes) / sizeof(dcache_holes[0]); i++)
		if (addr - dcache_holes[i].base < dcache_holes[i].size)
			return true;
	return false;
}

static uint32_t dcache_pick(uint64_t r, bool reserved, unsigned set)
{
	uint32_t base, size, page;

	if (reserved) {
		unsigned n = sizeof(dcache_holes) / sizeof(dcache_holes[0]);
		unsigned h = (unsigned)(r % n);

		base = dcache_holes[h].base;
		size = dcache_holes[h].size;
	} else {
		unsigned h = (unsigned)(r % 2);

		base = dcache_mapped[h].base;
		size = dcache_mapped[h].size;
	}
	/* a 4 KiB page inside the region; the set index supplies bits 11:5 */
	page = (uint32_t)((r >> 8) % (size >> 12));
	return base + (page << 12) + (set << 5);
}

void dcache_power_on(struct dcache *d, uint64_t seed, enum dcache_junk mode)
{
	unsigned dirty = 0, unmapped = 0;

	memset(d, 0, sizeof(*d));
	d->seed = seed;
	d->mode = mode;
	if (mode == DCACHE_JUNK_NONE)
		return;
	for (unsigned s = 0; s < DCACHE_SETS; s++) {
		for (unsigned w = 0; w < DCACHE_WAYS; w++) {
			struct dcache_line *l = &d->line[s][w];
			uint64_t r = dcache_rand(seed, s, w, 1);

			l->valid = (r & 3) != 0;          /* 3 in 4 lines look valid */
			l->dirty = l->valid && ((r >> 2) & 3) == 0; /* 1 in 4 of those dirty */
			l->addr = dcache_pick(dcache_rand(seed, s, w, 2),
					      mode == DCACHE_JUNK_MIXED && ((r >> 4) & 1), s);
			if (l->valid && l->dirty) {
				dirty++;
				unmapped += dcache_addr_reserved(l->addr);
			}
		}
	}
	if (mode == DCACHE_JUNK_MIXED) {
		/* guarantee both kinds for every seed: fix up set 127 way 3 / set 126 way 3 */
		if (!unmapped) {
			struct dcache_line *l = &d->line[DCACHE_SETS - 1][DCACHE_WAYS - 1];

			l->valid = l->dirty = true;
			l->addr = dcache_pick(dcache_rand(seed, DCACHE_SETS - 1, DCACHE_WAYS - 1, 3), true, DCACHE_SETS - 1);
		}
		if (dirty == unmapped) {
			struct dcache_line *l = &d->line[DCACHE_SETS - 2][DCACHE_WAYS - 1];

			l->valid = l->dirty = true;
			l->addr = dcache_pick(dcache_rand(seed, DCACHE_SETS - 2, DCACHE_WAYS - 1, 3), false, DCACHE_SETS - 2);
		}
	}
}

static bool dcache_do(struct dcache *d, struct dcache_line *l, enum dcache_op op, unsigned set,
		      unsigned way, uint32_t *addr, uint8_t data[DCACHE_LINE])
{
	bool wb = false;

	if (op != DCACHE_INVAL && l->valid && l->dirty) {
		*addr = l->addr;
		for (unsigned i = 0; i < DCACHE_LINE; i += 8) {
			uint64_t r = dcache_rand(d->seed, set, way, 16 + i);

			memcpy(data + i, &r, 8);
		}
		l->dirty = false;
		d->writebacks++;
		wb = true;
	}
	if (op != DCACHE_CLEAN) {
		if (l->valid)
			d->invalidates++;
		l->valid = l->dirty = false;
	}
	return wb;
}

bool dcache_setway(struct dcache *d, uint32_t val, enum dcache_op op, uint32_t *addr, uint8_t data[DCACHE_LINE])
{
	/* PM0253 "Cache maintenance operations": set in bits [11:5] (128 sets of
	 * 32-byte lines), way in bits [31:30] (4 ways) */
	unsigned set = (val >> 5) & (DCACHE_SETS - 1);
	unsigned way = val >> 30;

	return dcache_do(d, &d->line[set][way], op, set, way, addr, data);
}

bool dcache_by_addr(struct dcache *d, uint32_t mva, enum dcache_op op, uint32_t *addr, uint8_t data[DCACHE_LINE])
{
	unsigned set = (mva >> 5) & (DCACHE_SETS - 1);

	for (unsigned w = 0; w < DCACHE_WAYS; w++) {
		struct dcache_line *l = &d->line[set][w];

		if (l->valid && (l->addr & ~(DCACHE_LINE - 1)) == (mva & ~(DCACHE_LINE - 1)))
			return dcache_do(d, l, op, set, w, addr, data);
	}
	return false;
}

void dcache_census(const struct dcache *d, unsigned *dirty, unsigned *unmapped)
{
	*dirty = *unmapped = 0;
	for (unsigned s = 0; s < DCACHE_SETS; s++)
		for (unsigned w = 0; w < DCACHE_WAYS; w++)
			if (d->line[s][w].valid && d->line[s][w].dirty) {
				(*dirty)++;
				*unmapped += dcache_addr_reserved(d->line[s][w].addr);
			}
}

const char *dcache_junk_name(enum dcache_junk m)
{
	switch (m) {
	case DCACHE_JUNK_NONE: return "none";
	case DCACHE_JUNK_MAPPED: return "mapped";
	default: return "mixed";
	}
}

int dcache_junk_parse(const char *s, enum dcache_junk *m)
{
	if (!strcmp(s, "none"))
		*m = DCACHE_JUNK_NONE;
	else if (!strcmp(s, "mapped"))
		*m = DCACHE_JUNK_MAPPED;
	else if (!strcmp(s, "mixed"))
		*m = DCACHE_JUNK_MIXED;
	else
		return H7_ERROR_INVALID_PARAM;
	return 0;
}
