/* Register field tables shared by the decoders (fault.c, periph.c) and the
 * renderer: every field of a register as {name, mask, meaning}, the CMSIS name
 * of the field, its bits (a single bit or a contiguous multi-bit mask), and a
 * line of plain language. Multi-bit fields may name their values.
 *
 * Header only, no I/O.
 */
#ifndef H7_BITS_H
#define H7_BITS_H

#include <stddef.h>
#include <stdint.h>

#include "regs.h"

struct bits_field {
	const char *name;    /* CMSIS name, e.g. "PRECISERR" */
	uint32_t mask;       /* contiguous bits of the field */
	const char *meaning; /* one line, plain language */
	const char *const *values; /* names of the field's values (index = value), or NULL */
	uint8_t n_values;
};

/* The field table of one catalog register. */
struct bits_reg {
	enum reg_id id;
	const struct bits_field *fields;
	size_t n_fields;
	const char *ref; /* manual and register section the table follows */
};

#define BITS_N(a) (sizeof(a) / sizeof((a)[0]))

static inline unsigned bits_lsb(uint32_t mask)
{
	return mask ? (unsigned)__builtin_ctz(mask) : 0;
}

/* The value of field f in register value v (shifted down). */
static inline uint32_t bits_get(const struct bits_field *f, uint32_t v)
{
	return (v & f->mask) >> bits_lsb(f->mask);
}

static inline int bits_is_flag(const struct bits_field *f)
{
	return f->mask && (f->mask & (f->mask - 1)) == 0;
}

/* The name of the field's current value, or NULL when it has none. */
static inline const char *bits_value_name(const struct bits_field *f, uint32_t v)
{
	uint32_t x = bits_get(f, v);
	return f->values && x < f->n_values ? f->values[x] : NULL;
}

#endif
