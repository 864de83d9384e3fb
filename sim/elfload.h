/* h7sim - load --flash images: an ELF file's PT_LOAD segments (at their physical,
 * i.e. load, addresses) or a raw binary given as FILE.bin@ADDR. */
#ifndef H7SIM_ELFLOAD_H
#define H7SIM_ELFLOAD_H

#include <stddef.h>
#include <stdint.h>

struct soc;

/* Parse "FILE@ADDR" (raw binary) or "FILE" (ELF) and load it into flash.
 * Returns 0 or a negative enum h7_error; the reason is logged. */
int elfload_flash(struct soc *s, const char *arg);

/* Pure parser for a buffer holding an ELF file: calls load(ctx, addr, data, len)
 * for each non-empty PT_LOAD segment; bounded (at most 64 segments, each inside
 * the buffer). Returns 0 or a negative enum h7_error. */
int elfload_parse(const uint8_t *buf, size_t len,
		  int (*load)(void *ctx, uint32_t addr, const uint8_t *data, uint32_t n), void *ctx);

#endif
