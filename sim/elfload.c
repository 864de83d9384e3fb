/* h7sim - --flash image loading with libelf (see elfload.h). */
#include "elfload.h"

#include "h7jumpdiag/error.h"
#include "simlog.h"
#include "soc.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ELFLOAD_MAX_FILE (64u * 1024 * 1024)
#define ELFLOAD_MAX_SEGMENTS 64

int elfload_parse(const uint8_t *buf, size_t len,
		  int (*load)(void *ctx, uint32_t addr, const uint8_t *data, uint32_t n), void *ctx)
{
	Elf *e;
	GElf_Ehdr eh;
	size_t nph;
	int rc = 0, loaded = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return H7_ERROR_INTERNAL;
	e = elf_memory((char *)(uintptr_t)buf, len);
	if (!e)
		return H7_ERROR_PARSE;
	if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh) || gelf_getclass(e) != ELFCLASS32 ||
	    eh.e_machine != EM_ARM || elf_getphdrnum(e, &nph) != 0 || nph > ELFLOAD_MAX_SEGMENTS) {
		elf_end(e);
		return H7_ERROR_PARSE;
	}
	for (size_t i = 0; i < nph && !rc; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph)) {
			rc = H7_ERROR_PARSE;
			break;
		}
		if (ph.p_type != PT_LOAD || ph.p_filesz == 0)
			continue;
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset || ph.p_filesz > UINT32_MAX ||
		    ph.p_paddr > UINT32_MAX) {
			rc = H7_ERROR_PARSE;
			break;
		}
		rc = load(ctx, (uint32_t)ph.p_paddr, buf + ph.p_offset, (uint32_t)ph.p_filesz);
		loaded++;
	}
	elf_end(e);
	if (!rc && !loaded)
		rc = H7_ERROR_NOT_FOUND;
	return rc;
}

static int elfload_to_flash(void *ctx, uint32_t addr, const uint8_t *data, uint32_t n)
{
	struct soc *s = ctx;

	if (soc_flash_load(s, addr, data, n) < 0) {
		sim_err("--flash: segment 0x%08X..0x%08X is not inside flash (0x%08X..0x%08X)", addr, addr + n,
			SOC_FLASH_BASE, SOC_FLASH_BASE + SOC_FLASH_SIZE);
		return H7_ERROR_INVALID_PARAM;
	}
	sim_info("--flash: %u bytes at 0x%08X", n, addr);
	return 0;
}

static uint8_t *elfload_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long sz;

	if (!f) {
		sim_err("--flash: cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 && (unsigned long)sz <= ELFLOAD_MAX_FILE &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(sz ? (size_t)sz : 1);
		if (buf && fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)sz;
	}
	if (!buf)
		sim_err("--flash: cannot read '%s' (at most %u MiB)", path, ELFLOAD_MAX_FILE >> 20);
	fclose(f);
	return buf;
}

int elfload_flash(struct soc *s, const char *arg)
{
	const char *at = strrchr(arg, '@');
	char path[4096];
	uint8_t *buf;
	size_t len = 0;
	int rc;

	if (at) {
		char *end;
		unsigned long addr;

		if ((size_t)(at - arg) >= sizeof(path))
			return H7_ERROR_INVALID_PARAM;
		memcpy(path, arg, (size_t)(at - arg));
		path[at - arg] = 0;
		errno = 0;
		addr = strtoul(at + 1, &end, 0);
		if (errno || *end || end == at + 1 || addr > UINT32_MAX) {
			sim_err("--flash: bad address in '%s'", arg);
			return H7_ERROR_INVALID_PARAM;
		}
		buf = elfload_read(path, &len);
		if (!buf)
			return H7_ERROR_NOT_FOUND;
		rc = len > UINT32_MAX ? H7_ERROR_OVERFLOW : elfload_to_flash(s, (uint32_t)addr, buf, (uint32_t)len);
	} else {
		buf = elfload_read(arg, &len);
		if (!buf)
			return H7_ERROR_NOT_FOUND;
		rc = elfload_parse(buf, len, elfload_to_flash, s);
		if (rc == H7_ERROR_PARSE)
			sim_err("--flash: '%s' is not a 32-bit ARM ELF file (use FILE.bin@ADDR for raw binaries)", arg);
		else if (rc == H7_ERROR_NOT_FOUND)
			sim_err("--flash: '%s' has no loadable segments", arg);
	}
	free(buf);
	return rc;
}
