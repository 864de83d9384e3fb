/* CMSIS-SVD loader (expat): peripherals (with derivedFrom), registers
 * (offset, size, reset value) and fields (bitOffset/bitWidth, bitRange or
 * lsb/msb, enumeratedValues), for decoding any peripheral register field by
 * field (`--svd FILE`).
 *
 * The parse is a pure function over a buffer (fuzzable) with hard limits on
 * size, counts, name lengths and nesting; bad input gives H7_ERROR_PARSE or
 * H7_ERROR_OVERFLOW and a message naming the line, never a crash. DTDs and
 * entity declarations are refused. Clusters and dim arrays are not expanded
 * (the STM32H7 SVDs use neither); registers inside clusters are skipped.
 * Format: CMSIS-SVD schema 1.3 (Arm, "CMSIS-SVD description").
 */
#ifndef H7_SVD_H
#define H7_SVD_H

#include <stddef.h>
#include <stdint.h>

#define SVD_MAX_FILE_BYTES (32u << 20)
#define SVD_MAX_PERIPHERALS 1024
#define SVD_MAX_REGISTERS 2048 /* per peripheral */
#define SVD_MAX_FIELDS 64      /* per register */
#define SVD_MAX_ENUMS 512      /* per field */
#define SVD_MAX_NAME 128       /* bytes of a name */
#define SVD_MAX_DESC 512       /* descriptions are truncated to this */
#define SVD_MAX_DEPTH 16       /* element nesting */

struct svd_enum {
	char *name;
	char *description;
	uint32_t value;
};

struct svd_field {
	char *name;
	char *description;
	uint8_t lsb, width;
	uint16_t n_enums;
	struct svd_enum *enums;
};

struct svd_register {
	char *name;
	char *description;
	uint32_t offset;
	uint32_t size; /* bits */
	uint32_t reset_value;
	uint16_t n_fields;
	struct svd_field *fields;
};

struct svd_peripheral {
	char *name;
	char *description;
	char *derived_from; /* NULL unless derivedFrom= */
	uint32_t base;
	size_t n_regs;
	struct svd_register *regs;
	const struct svd_peripheral *derived; /* resolved derivedFrom, or NULL */
};

struct svd_device {
	char *name;
	size_t n_periphs;
	struct svd_peripheral *periphs;
};

/* Parse an SVD document in buf[0..len). On success *out is a new device
 * (svd_free it) and 0 is returned; otherwise H7_ERROR_PARSE, H7_ERROR_OVERFLOW
 * or H7_ERROR_NO_MEM with a message in err (may be NULL). */
int svd_parse(const char *buf, size_t len, struct svd_device **out, char *err, size_t errlen);
/* Read and parse a file (at most SVD_MAX_FILE_BYTES). H7_ERROR_NOT_FOUND /
 * H7_ERROR_IO when it cannot be read. */
int svd_load(const char *path, struct svd_device **out, char *err, size_t errlen);
void svd_free(struct svd_device *d);

/* Lookups (names case-insensitive). */
const struct svd_peripheral *svd_find_peripheral(const struct svd_device *d, const char *name);
/* The registers of p, those of the peripheral it derives from when it has none. */
const struct svd_register *svd_registers(const struct svd_peripheral *p, size_t *n);
const struct svd_register *svd_find_register(const struct svd_device *d, const char *periph, const char *reg,
					     const struct svd_peripheral **pp);
/* "PERIPH.REG" or "PERIPH_REG" (every '_' tried as the separator). */
const struct svd_register *svd_lookup(const struct svd_device *d, const char *name,
				      const struct svd_peripheral **pp);
/* The register at an absolute address (the first one declared). */
const struct svd_register *svd_find_address(const struct svd_device *d, uint32_t addr,
					    const struct svd_peripheral **pp);

/* The field's value in register value v, and the enumerated value naming it. */
uint32_t svd_field_value(const struct svd_field *f, uint32_t v);
const struct svd_enum *svd_field_enum(const struct svd_field *f, uint32_t field_value);

/* A CMSIS-SVD scaledNonNegativeInteger: decimal, 0x hex or #binary; 0 or -1. */
int svd_parse_number(const char *s, uint64_t *out);

#endif
