/* elfinfo: the test application firmwares (tests/firmware) and the probe
 * firmware, read back through libelf/libdw and cross-checked against the
 * test's own reading of the bytes (program headers, a bitwise CRC-32) and of
 * the source files (each reported line's text is that line of the file);
 * malformed files built in the test (truncated at every 64 bytes, wrong
 * class/machine/type, headers and sections outside the file, huge counts,
 * hostile strings and line tables, random corruption) give clear errors and
 * never crash. Needs arm-none-eabi-gcc's ELFs, which `make` builds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfinfo.h"
#include "h7jumpdiag/error.h"
#include "h7jumpdiag/probe_abi.h"
#include "testutil.h"

/* ---- helpers ---------------------------------------------------------------- */

static const char *fw_path(const char *rel)
{
	static char buf[4096];
	const char *base = getenv("H7_FWBUILD");
	snprintf(buf, sizeof buf, "%s/%s", base && *base ? base : "build", rel);
	return buf;
}

static uint8_t *load_fw(const char *rel, size_t *len)
{
	uint8_t *b = (uint8_t *)tu_read_file(fw_path(rel), len);
	if (!b)
		fail_msg("cannot read %s (run make first)", fw_path(rel));
	return b;
}

static struct elfinfo *open_fw(const char *rel)
{
	struct elfinfo *ei = NULL;
	char err[256];
	int rc = elfinfo_open(fw_path(rel), &ei, err, sizeof err);
	if (rc != 0)
		fail_msg("elfinfo_open(%s): %s (%s)", rel, h7_error_name(rc), err);
	return ei;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* bit-by-bit CRC-32 (IEEE), independent of the table-driven one under test */
static uint32_t slow_crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
	}
	return ~c;
}

/* the raw section header of the section called name, or NULL */
static uint8_t *raw_section(uint8_t *b, const char *name)
{
	uint32_t shoff = get32(b + offsetof(Elf32_Ehdr, e_shoff));
	unsigned shnum = b[offsetof(Elf32_Ehdr, e_shnum)] | b[offsetof(Elf32_Ehdr, e_shnum) + 1] << 8;
	unsigned stridx = b[offsetof(Elf32_Ehdr, e_shstrndx)] | b[offsetof(Elf32_Ehdr, e_shstrndx) + 1] << 8;
	uint8_t *strsh = b + shoff + stridx * sizeof(Elf32_Shdr);
	const char *names = (const char *)b + get32(strsh + offsetof(Elf32_Shdr, sh_offset));
	for (unsigned i = 1; i < shnum; i++) {
		uint8_t *sh = b + shoff + i * sizeof(Elf32_Shdr);
		if (!strcmp(names + get32(sh + offsetof(Elf32_Shdr, sh_name)), name))
			return sh;
	}
	return NULL;
}

/* line n (1-based) of a text, trimmed like elfinfo does, into out */
static void source_line(const char *text, unsigned n, char *out, size_t cap)
{
	const char *p = text;
	for (unsigned i = 1; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	assert_non_null(p);
	const char *e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	size_t len = (size_t)(e - p);
	if (len >= cap)
		len = cap - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	for (char *q = out; *q; q++)
		if (*q == '\t')
			*q = ' ';
}

/* Check one source position against the file it names. */
static void check_pos(const struct elfinfo_srcpos *pos)
{
	char expect[ELFINFO_MAX_TEXT + 1];
	assert_true(pos->line > 0);
	assert_true(pos->has_text);
	char *src = tu_read_file(pos->file, NULL);
	if (!src)
		fail_msg("cannot read %s", pos->file);
	source_line(src, pos->line, expect, sizeof expect);
	free(src);
	assert_string_equal(pos->text, expect);
}

/* The line texts over a function's address range, each checked against the
 * source file it names: rows, and call sites of inlined code prefixed with
 * "call:" and the inlined function's name. Joined by '\n' (malloc'd). */
static char *function_lines(struct elfinfo *ei, const char *func, const char *want_base)
{
	const struct elfinfo_symbol *s;
	struct elfinfo_line ln;
	size_t cap = 65536, used = 0;
	char *all = calloc(1, cap);
	unsigned n_own = 0;

	assert_non_null(all);
	assert_int_equal(elfinfo_symbol_by_name(ei, func, &s), 0);
	assert_int_equal(s->type, ELFINFO_SYM_FUNC);
	assert_true(s->size > 0);
	for (uint32_t a = s->addr; a < s->addr + s->size; a += 2) {
		int rc = elfinfo_line_for_addr(ei, a, &ln);
		if (rc == H7_ERROR_NOT_FOUND)
			continue; /* literal pools past the last row */
		assert_int_equal(rc, 0);
		assert_true(ln.addr <= a);
		assert_string_equal(ln.func, func);
		check_pos(&ln.pos);
		if (!strcmp(elfinfo_path_base(ln.pos.file), want_base))
			n_own++;
		char item[3 * ELFINFO_MAX_TEXT];
		int l;
		if (ln.inlined) {
			/* the call site is in the function's own file */
			check_pos(&ln.call);
			assert_string_equal(elfinfo_path_base(ln.call.file), want_base);
			assert_true(strlen(ln.inline_func) > 0);
			l = snprintf(item, sizeof item, "%s\ncall:%s:%s\n", ln.pos.text, ln.inline_func, ln.call.text);
		} else {
			l = snprintf(item, sizeof item, "%s\n", ln.pos.text);
		}
		if (used + (size_t)l + 1 < cap) {
			memcpy(all + used, item, (size_t)l);
			used += (size_t)l;
		}
	}
	assert_true(n_own > 0);
	return all;
}

/* ---- CRC ---------------------------------------------------------------------- */

static void test_crc32(void **state)
{
	(void)state;
	const char *check = "123456789";
	assert_int_equal(elfinfo_crc32(0, check, 9), 0xCBF43926u);
	assert_int_equal(elfinfo_crc32(0, check, 9), slow_crc32((const uint8_t *)check, 9));
	assert_int_equal(elfinfo_crc32(elfinfo_crc32(0, check, 4), check + 4, 5), 0xCBF43926u);
	assert_int_equal(elfinfo_crc32(0, "", 0), 0);
}

/* ---- the test application firmwares ------------------------------------------ */

static void check_vectors_and_segments(const char *rel)
{
	struct elfinfo *ei = open_fw(rel);
	const struct elfinfo_segment *sg;
	const struct elfinfo_symbol *estack, *reset;
	size_t n, flen;
	uint8_t *file = load_fw(rel, &flen);
	bool thumb = false;

	/* the entry point is Reset_Handler, a Thumb function */
	assert_int_equal(elfinfo_symbol_by_name(ei, "Reset_Handler", &reset), 0);
	assert_true(reset->thumb);
	assert_int_equal(elfinfo_entry(ei, &thumb), reset->addr);
	assert_true(thumb);
	assert_int_equal(elfinfo_symbol_by_name(ei, "_estack", &estack), 0);
	assert_int_equal(estack->type, ELFINFO_SYM_NOTYPE);
	assert_int_equal(estack->addr, 0x20020000u);

	/* segments: as in the program headers read here; CRCs match a bitwise
	 * CRC of the file bytes and are the same on a second open from memory */
	sg = elfinfo_segments(ei, &n);
	uint32_t phoff = get32(file + offsetof(Elf32_Ehdr, e_phoff));
	unsigned phnum = file[offsetof(Elf32_Ehdr, e_phnum)];
	size_t k = 0;
	struct elfinfo *ei2 = NULL;
	char err[256];
	assert_int_equal(elfinfo_open_mem(file, flen, &ei2, err, sizeof err), 0);
	bool saw_flash = false;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = file + phoff + i * sizeof(Elf32_Phdr);
		if (get32(ph + offsetof(Elf32_Phdr, p_type)) != PT_LOAD)
			continue;
		assert_true(k < n);
		uint32_t off = get32(ph + offsetof(Elf32_Phdr, p_offset));
		uint32_t fsz = get32(ph + offsetof(Elf32_Phdr, p_filesz));
		assert_int_equal(sg[k].index, i);
		assert_int_equal(sg[k].paddr, get32(ph + offsetof(Elf32_Phdr, p_paddr)));
		assert_int_equal(sg[k].vaddr, get32(ph + offsetof(Elf32_Phdr, p_vaddr)));
		assert_int_equal(sg[k].filesz, fsz);
		assert_int_equal(sg[k].memsz, get32(ph + offsetof(Elf32_Phdr, p_memsz)));
		uint32_t crc, crc2;
		const uint8_t *bytes;
		size_t blen;
		assert_int_equal(elfinfo_segment_crc32(ei, k, &crc), 0);
		assert_int_equal(elfinfo_segment_crc32(ei2, k, &crc2), 0);
		assert_int_equal(crc, slow_crc32(file + off, fsz));
		assert_int_equal(crc, crc2);
		assert_int_equal(elfinfo_segment_bytes(ei, k, &bytes, &blen), 0);
		assert_int_equal(blen, fsz);
		if (sg[k].paddr == 0x08000000u) {
			/* the vector table: initial SP, then Reset_Handler with the Thumb bit */
			saw_flash = true;
			assert_true(blen >= 8);
			assert_int_equal(get32(bytes), estack->addr);
			assert_int_equal(get32(bytes + 4), reset->addr | 1u);
		}
		k++;
	}
	assert_int_equal(k, n);
	assert_true(saw_flash);
	uint32_t dummy;
	assert_int_equal(elfinfo_segment_crc32(ei, n, &dummy), H7_ERROR_INVALID_PARAM);
	/* .data is loaded from flash (LMA) and runs in DTCM (VMA) */
	bool saw_data = false;
	for (size_t i = 0; i < n; i++)
		if (sg[i].vaddr == 0x20000000u && sg[i].paddr >= 0x08000000u && sg[i].paddr < 0x08100000u)
			saw_data = true;
	assert_true(saw_data);
	elfinfo_close(ei2);
	elfinfo_close(ei);
	free(file);
}

static void test_app_fault(void **state)
{
	(void)state;
	struct elfinfo *ei;
	const struct elfinfo_symbol *jump, *mainf, *s, *ptr;
	uint32_t off;

	check_vectors_and_segments("tests/firmware/app-fault.elf");
	ei = open_fw("tests/firmware/app-fault.elf");
	assert_true(elfinfo_has_dwarf(ei));
	assert_int_equal(elfinfo_symbol_by_name(ei, "JumpToBootloader", &jump), 0);
	assert_int_equal(elfinfo_symbol_by_name(ei, "main", &mainf), 0);
	assert_true(jump->thumb && jump->global && mainf->thumb);
	assert_int_equal(jump->addr & 1u, 0);
	assert_true(jump->addr >= 0x08000000u && jump->addr < 0x08100000u);
	assert_int_equal(elfinfo_symbol_by_name(ei, "SysMemBootJump", &ptr), 0);
	assert_int_equal(ptr->type, ELFINFO_SYM_OBJECT);
	assert_int_equal(ptr->size, 4);
	assert_false(ptr->thumb);
	assert_int_equal(elfinfo_symbol_by_name(ei, "NoSuchSymbol", &s), H7_ERROR_NOT_FOUND);
	assert_null(s);

	/* by address: inside, at the start, in a data object; mapping symbols
	 * ($t/$d) never show up */
	assert_int_equal(elfinfo_symbol_by_addr(ei, jump->addr + 6, &s, &off), 0);
	assert_ptr_equal(s, jump);
	assert_int_equal(off, 6);
	assert_int_equal(elfinfo_symbol_by_addr(ei, mainf->addr, &s, &off), 0);
	assert_ptr_equal(s, mainf);
	assert_int_equal(off, 0);
	assert_int_equal(elfinfo_symbol_by_addr(ei, ptr->addr + 3, &s, &off), 0);
	assert_ptr_equal(s, ptr);
	assert_int_equal(off, 3);
	assert_int_equal(elfinfo_symbol_by_addr(ei, 0x00000010u, &s, &off), H7_ERROR_NOT_FOUND);
	for (size_t i = 0; i < elfinfo_symbol_count(ei); i++) {
		const struct elfinfo_symbol *x = elfinfo_symbol_at(ei, i);
		assert_true(x->name[0] != '$');
		if (i > 0)
			assert_true(elfinfo_symbol_at(ei, i - 1)->addr <= x->addr);
	}
	assert_null(elfinfo_symbol_at(ei, elfinfo_symbol_count(ei)));

	/* line info over JumpToBootloader: the user's statements in app-fault.c
	 * and the inlined CMSIS cache maintenance in cmsis_lite.h */
	char *lines = function_lines(ei, "JumpToBootloader", "app-fault.c");
	assert_non_null(strstr(lines, "volatile uint32_t addr = 0x1FFF9800;"));
	assert_non_null(strstr(lines, "SysMemBootJump = (void (*)(void)) (*((uint32_t *)(addr + 4)));"));
	assert_non_null(strstr(lines, "HAL_RCC_DeInit();"));
	assert_non_null(strstr(lines, "SysTick->CTRL = 0;"));
	assert_non_null(strstr(lines, "SCB->DCCISW ="));
	assert_non_null(strstr(lines, "SysMemBootJump();"));
	/* inlined CMSIS code: the user's lines are the call sites */
	assert_non_null(strstr(lines, "call:__disable_irq:__disable_irq();"));
	assert_non_null(strstr(lines, "call:SCB_DisableICache:SCB_DisableICache();"));
	assert_non_null(strstr(lines, "call:SCB_DisableDCache:SCB_DisableDCache();"));
	assert_non_null(strstr(lines, "call:__set_MSP:__set_MSP(*(uint32_t *)addr);"));
	free(lines);

	/* the first row of the function is a statement start in app-fault.c */
	struct elfinfo_line ln;
	assert_int_equal(elfinfo_line_for_addr(ei, jump->addr, &ln), 0);
	assert_string_equal(elfinfo_path_base(ln.pos.file), "app-fault.c");
	assert_int_equal(ln.addr, jump->addr);
	assert_true(ln.is_stmt);
	assert_false(ln.inlined);
	assert_string_equal(elfinfo_last_error(ei), "");
	/* an address no line table covers */
	assert_int_equal(elfinfo_line_for_addr(ei, 0x30000000u, &ln), H7_ERROR_NOT_FOUND);
	assert_non_null(strstr(elfinfo_last_error(ei), "0x30000000"));
	elfinfo_close(ei);
}

static void test_app_good(void **state)
{
	(void)state;
	struct elfinfo *ei;

	check_vectors_and_segments("tests/firmware/app-good.elf");
	ei = open_fw("tests/firmware/app-good.elf");
	char *lines = function_lines(ei, "JumpToBootloader", "app-good.c");
	assert_non_null(strstr(lines, "call:__disable_irq:__disable_irq();"));
	assert_non_null(strstr(lines, "NVIC->ICER[i] = 0xFFFFFFFF;"));
	assert_non_null(strstr(lines, "call:__enable_irq:__enable_irq();"));
	assert_non_null(strstr(lines, "HAL_RCC_DeInit();"));
	assert_non_null(strstr(lines, "__asm volatile(\"ldr r1, [%0, #4]\\n\\t\""));
	assert_null(strstr(lines, "0x1FFF9800"));
	free(lines);
	const struct elfinfo_symbol *s;
	assert_int_equal(elfinfo_symbol_by_name(ei, "SysMemBootJump", &s), H7_ERROR_NOT_FOUND);
	elfinfo_close(ei);
}

/* ---- the probe firmware ---------------------------------------------------------- */

static void test_probe(void **state)
{
	(void)state;
	struct elfinfo *ei;
	const struct elfinfo_symbol *mb, *reset, *estack, *s;
	uint32_t off;
	bool thumb;

	ei = open_fw("firmware-probe/probe-cm7.elf");
	assert_int_equal(elfinfo_symbol_by_name(ei, "probe_mailbox", &mb), 0);
	assert_int_equal(mb->addr, PROBE_MAILBOX_ADDR);
	assert_int_equal(mb->addr, 0x24000400u);
	assert_int_equal(mb->type, ELFINFO_SYM_OBJECT);
	assert_int_equal(mb->size, sizeof(struct probe_mailbox));
	assert_int_equal(elfinfo_symbol_by_name(ei, "probe_reset", &reset), 0);
	assert_int_equal(elfinfo_entry(ei, &thumb), reset->addr);
	assert_true(thumb);
	assert_int_equal(elfinfo_symbol_by_name(ei, "_estack", &estack), 0);
	assert_int_equal(estack->addr, 0x24005000u);
	assert_int_equal(elfinfo_symbol_by_addr(ei, PROBE_MAILBOX_ADDR + 8, &s, &off), 0);
	assert_ptr_equal(s, mb);
	assert_int_equal(off, 8);

	/* the CMSIS 5 D-cache clean the probe reproduces */
	char *lines = function_lines(ei, "cmsis5_disable_dcache", "probe.c");
	assert_non_null(strstr(lines, "SCB_DCCISW ="));
	free(lines);
	elfinfo_close(ei);
}

/* ---- variants: compressed, stripped, remapped sources ----------------------------- */

static void test_compressed_debug(void **state)
{
	(void)state;
	struct elfinfo *plain = open_fw("tests/firmware/app-fault.elf");
	struct elfinfo *z = open_fw("tests/firmware/app-fault-zlib.elf");
	struct elfinfo *gnu = open_fw("tests/firmware/app-fault-zgnu.elf");
	const struct elfinfo_symbol *jump;
	struct elfinfo_line a, b;

	assert_true(elfinfo_has_dwarf(z));
	assert_int_equal(elfinfo_symbol_by_name(plain, "JumpToBootloader", &jump), 0);
	for (uint32_t addr = jump->addr; addr < jump->addr + jump->size; addr += 2) {
		int ra = elfinfo_line_for_addr(plain, addr, &a);
		int rb = elfinfo_line_for_addr(z, addr, &b);
		assert_int_equal(ra, rb);
		if (ra == 0) {
			assert_string_equal(a.pos.file, b.pos.file);
			assert_int_equal(a.pos.line, b.pos.line);
			assert_int_equal(a.pos.column, b.pos.column);
			assert_string_equal(a.pos.text, b.pos.text);
			assert_string_equal(a.func, b.func);
			assert_int_equal(a.inlined, b.inlined);
			assert_int_equal(a.call.line, b.call.line);
		}
	}
	/* legacy .zdebug_*: symbols still work, lines say why they do not */
	assert_false(elfinfo_has_dwarf(gnu));
	assert_int_equal(elfinfo_symbol_by_name(gnu, "JumpToBootloader", &jump), 0);
	assert_int_equal(elfinfo_line_for_addr(gnu, jump->addr, &a), H7_ERROR_NOT_SUPPORTED);
	assert_non_null(strstr(elfinfo_last_error(gnu), ".zdebug"));
	elfinfo_close(gnu);
	elfinfo_close(z);
	elfinfo_close(plain);
}

static void test_no_debug(void **state)
{
	(void)state;
	struct elfinfo *ei = open_fw("tests/firmware/app-fault-nodebug.elf");
	const struct elfinfo_symbol *jump;
	struct elfinfo_line ln;

	assert_false(elfinfo_has_dwarf(ei));
	assert_int_equal(elfinfo_symbol_by_name(ei, "JumpToBootloader", &jump), 0);
	assert_int_equal(elfinfo_line_for_addr(ei, jump->addr, &ln), H7_ERROR_NOT_FOUND);
	assert_true(strlen(elfinfo_last_error(ei)) > 0);
	uint32_t entry = elfinfo_entry(ei, NULL);
	elfinfo_close(ei);

	/* no section headers at all: segments and entry only */
	size_t len, n;
	uint8_t *b = load_fw("tests/firmware/app-fault.elf", &len);
	char err[256];
	put32(b + offsetof(Elf32_Ehdr, e_shoff), 0);
	put16(b + offsetof(Elf32_Ehdr, e_shnum), 0);
	put16(b + offsetof(Elf32_Ehdr, e_shstrndx), 0);
	assert_int_equal(elfinfo_open_mem(b, len, &ei, err, sizeof err), 0);
	assert_int_equal(elfinfo_entry(ei, NULL), entry);
	assert_non_null(elfinfo_segments(ei, &n));
	assert_int_equal(n, 2);
	assert_int_equal(elfinfo_symbol_count(ei), 0);
	assert_int_equal(elfinfo_symbol_by_name(ei, "main", &jump), H7_ERROR_NOT_FOUND);
	assert_int_equal(elfinfo_symbol_by_addr(ei, entry, &jump, NULL), H7_ERROR_NOT_FOUND);
	assert_int_equal(elfinfo_line_for_addr(ei, entry, &ln), H7_ERROR_NOT_FOUND);
	elfinfo_close(ei);
	free(b);
}

static void test_source_dir(void **state)
{
	(void)state;
	struct elfinfo *ei = open_fw("tests/firmware/app-fault-remapped.elf");
	const struct elfinfo_symbol *mainf;
	struct elfinfo_line ln;
	char dir[] = "/tmp/h7jd-elfinfo-XXXXXX";
	char path[4200];

	assert_int_equal(elfinfo_symbol_by_name(ei, "main", &mainf), 0);
	/* recorded path does not exist: line and file, no text, not an error */
	assert_int_equal(elfinfo_line_for_addr(ei, mainf->addr, &ln), 0);
	assert_non_null(strstr(ln.pos.file, "/nonexistent-h7jd-src/"));
	assert_string_equal(elfinfo_path_base(ln.pos.file), "app-fault.c");
	assert_string_equal(ln.func, "main");
	assert_false(ln.pos.has_text);
	/* found under the source directory by its path relative to comp_dir */
	assert_int_equal(elfinfo_set_source_dir(ei, tu_src_path("")), 0);
	assert_int_equal(elfinfo_line_for_addr(ei, mainf->addr, &ln), 0);
	assert_true(ln.pos.has_text);
	char *src = tu_read_file(tu_src_path("tests/firmware/app-fault.c"), NULL);
	char expect[ELFINFO_MAX_TEXT + 1];
	assert_non_null(src);
	source_line(src, ln.pos.line, expect, sizeof expect);
	free(src);
	assert_string_equal(ln.pos.text, expect);

	/* by base name, from a hostile source: control characters replaced, long
	 * lines cut on a UTF-8 boundary, a FIFO in its place never blocks */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/app-fault.c", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (unsigned i = 1; i < ln.pos.line; i++)
		fputs("\x1b[2J\x07 evil\r\n", f);
	for (int i = 0; i < ELFINFO_MAX_TEXT - 1; i++)
		fputc('x', f);
	fputs("\xc3\xa9 and more text after the limit\n", f);
	fclose(f);
	assert_int_equal(elfinfo_set_source_dir(ei, dir), 0);
	struct elfinfo_line l2;
	assert_int_equal(elfinfo_line_for_addr(ei, mainf->addr, &l2), 0);
	assert_true(l2.pos.has_text);
	assert_true(l2.pos.text_truncated);
	assert_int_equal(strlen(l2.pos.text), ELFINFO_MAX_TEXT - 1); /* the 2-byte character did not fit */
	for (const char *p = l2.pos.text; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	/* JumpToBootloader's lines come before main's: escape sequences */
	const struct elfinfo_symbol *jump;
	assert_int_equal(elfinfo_symbol_by_name(ei, "JumpToBootloader", &jump), 0);
	assert_int_equal(elfinfo_line_for_addr(ei, jump->addr, &l2), 0);
	assert_true(l2.pos.line < ln.pos.line);
	assert_true(l2.pos.has_text);
	assert_string_equal(l2.pos.text, "?[2J? evil");
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	struct elfinfo *ei2 = open_fw("tests/firmware/app-fault-remapped.elf");
	assert_int_equal(elfinfo_set_source_dir(ei2, dir), 0);
	assert_int_equal(elfinfo_line_for_addr(ei2, mainf->addr, &l2), 0);
	assert_false(l2.pos.has_text);
	elfinfo_close(ei2);
	unlink(path);
	rmdir(dir);
	assert_int_equal(elfinfo_set_source_dir(ei, NULL), 0);
	elfinfo_close(ei);
}

/* A function whose st_size is 0 (an assembly label without .size): found
 * as the nearest symbol at or below the address in its section. */
static void test_label_fallback(void **state)
{
	(void)state;
	size_t len;
	uint8_t *b = load_fw("tests/firmware/app-fault.elf", &len);
	uint8_t *symtab = raw_section(b, ".symtab"), *strtab = raw_section(b, ".strtab");
	struct elfinfo *ei;
	const struct elfinfo_symbol *s, *jump;
	uint32_t off;
	char err[256];
	bool patched = false;

	assert_non_null(symtab);
	assert_non_null(strtab);
	uint32_t so = get32(symtab + offsetof(Elf32_Shdr, sh_offset));
	uint32_t n = get32(symtab + offsetof(Elf32_Shdr, sh_size)) / sizeof(Elf32_Sym);
	const char *names = (const char *)b + get32(strtab + offsetof(Elf32_Shdr, sh_offset));
	for (uint32_t i = 1; i < n; i++) {
		uint8_t *sym = b + so + i * sizeof(Elf32_Sym);
		if (!strcmp(names + get32(sym + offsetof(Elf32_Sym, st_name)), "main")) {
			put32(sym + offsetof(Elf32_Sym, st_size), 0);
			patched = true;
		}
	}
	assert_true(patched);
	assert_int_equal(elfinfo_open_mem(b, len, &ei, err, sizeof err), 0);
	assert_int_equal(elfinfo_symbol_by_name(ei, "main", &s), 0);
	assert_int_equal(s->size, 0);
	assert_int_equal(elfinfo_symbol_by_addr(ei, s->addr + 4, &jump, &off), 0);
	assert_ptr_equal(jump, s);
	assert_int_equal(off, 4);
	/* a sized function still wins inside its own range */
	assert_int_equal(elfinfo_symbol_by_name(ei, "JumpToBootloader", &jump), 0);
	assert_int_equal(elfinfo_symbol_by_addr(ei, jump->addr + jump->size - 2, &s, &off), 0);
	assert_string_equal(s->name, "JumpToBootloader");
	elfinfo_close(ei);
	free(b);
}

/* ---- malformed input ---------------------------------------------------------------- */

static int open_buf(const uint8_t *b, size_t n, char *err, size_t errlen)
{
	struct elfinfo *ei = NULL;
	int rc = elfinfo_open_mem(b, n, &ei, err, errlen);
	if (rc == 0)
		elfinfo_close(ei);
	else
		assert_null(ei);
	return rc;
}

static void test_truncated(void **state)
{
	(void)state;
	const char *files[] = { "tests/firmware/app-fault.elf", "tests/firmware/app-good.elf",
				"firmware-probe/probe-cm7.elf" };
	char err[256];

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t len;
		uint8_t *b = load_fw(files[f], &len);
		for (size_t cut = 0; cut < len; cut += 64) {
			/* a fresh allocation of exactly cut bytes, so ASan sees overreads */
			uint8_t *t = malloc(cut ? cut : 1);
			assert_non_null(t);
			memcpy(t, b, cut);
			err[0] = '\0';
			int rc = open_buf(t, cut, err, sizeof err);
			if (rc != H7_ERROR_PARSE)
				fail_msg("%s cut at %zu: %s (%s)", files[f], cut, h7_error_name(rc), err);
			assert_true(strlen(err) > 0);
			free(t);
		}
		assert_int_equal(open_buf(b, len, err, sizeof err), 0);
		free(b);
	}
}

struct mutation {
	const char *what;
	int expect;
	const char *msg; /* substring of the message */
};

static void test_bad_headers(void **state)
{
	(void)state;
	size_t len;
	uint8_t *orig = load_fw("tests/firmware/app-fault.elf", &len);
	uint8_t *b = malloc(len);
	char err[256];
	int rc;
	assert_non_null(b);

#define MUTATE(expect_rc, substr, stmt)                                                                \
	do {                                                                                           \
		memcpy(b, orig, len);                                                                  \
		stmt;                                                                                  \
		err[0] = '\0';                                                                         \
		rc = open_buf(b, len, err, sizeof err);                                                \
		if (rc != (expect_rc) || !strstr(err, substr))                                         \
			fail_msg("%s: got %s (%s), expected %s / '%s'", #stmt, h7_error_name(rc), err, \
				 h7_error_name(expect_rc), substr);                                    \
	} while (0)

	uint32_t shoff = get32(orig + offsetof(Elf32_Ehdr, e_shoff));
	uint8_t *text = raw_section(orig, ".text");
	uint8_t *symtab = raw_section(orig, ".symtab");
	uint8_t *dinfo = raw_section(orig, ".debug_info");
	assert_non_null(text);
	assert_non_null(symtab);
	assert_non_null(dinfo);
	size_t text_o = (size_t)(text - orig), sym_o = (size_t)(symtab - orig), dinfo_o = (size_t)(dinfo - orig);

	MUTATE(H7_ERROR_PARSE, "not an ELF", b[0] = 0);
	MUTATE(H7_ERROR_NOT_SUPPORTED, "64-bit", b[EI_CLASS] = ELFCLASS64);
	MUTATE(H7_ERROR_PARSE, "class", b[EI_CLASS] = 9);
	MUTATE(H7_ERROR_NOT_SUPPORTED, "big-endian", b[EI_DATA] = ELFDATA2MSB);
	MUTATE(H7_ERROR_PARSE, "version", b[EI_VERSION] = 0);
	MUTATE(H7_ERROR_NOT_SUPPORTED, "x86-64", put16(b + offsetof(Elf32_Ehdr, e_machine), EM_X86_64));
	MUTATE(H7_ERROR_NOT_SUPPORTED, "RISC-V", put16(b + offsetof(Elf32_Ehdr, e_machine), EM_RISCV));
	MUTATE(H7_ERROR_NOT_SUPPORTED, "relocatable", put16(b + offsetof(Elf32_Ehdr, e_type), ET_REL));
	MUTATE(H7_ERROR_NOT_SUPPORTED, "core", put16(b + offsetof(Elf32_Ehdr, e_type), ET_CORE));
	/* program headers */
	MUTATE(H7_ERROR_OVERFLOW, "program headers", put16(b + offsetof(Elf32_Ehdr, e_phnum), 0xFFFF));
	MUTATE(H7_ERROR_PARSE, "outside the file", put32(b + offsetof(Elf32_Ehdr, e_phoff), (uint32_t)len - 8));
	MUTATE(H7_ERROR_PARSE, "program header size", put16(b + offsetof(Elf32_Ehdr, e_phentsize), 8));
	MUTATE(H7_ERROR_PARSE, "outside the file",
	       put32(b + get32(b + offsetof(Elf32_Ehdr, e_phoff)) + offsetof(Elf32_Phdr, p_offset), 0xFFFFFF00u));
	MUTATE(H7_ERROR_PARSE, "outside the file",
	       put32(b + get32(b + offsetof(Elf32_Ehdr, e_phoff)) + offsetof(Elf32_Phdr, p_filesz), 0x7FFFFFFFu));
	MUTATE(H7_ERROR_PARSE, "bad sizes",
	       put32(b + get32(b + offsetof(Elf32_Ehdr, e_phoff)) + offsetof(Elf32_Phdr, p_memsz), 0));
	MUTATE(H7_ERROR_PARSE, "bad sizes",
	       put32(b + get32(b + offsetof(Elf32_Ehdr, e_phoff)) + offsetof(Elf32_Phdr, p_vaddr), 0xFFFFFFF0u));
	/* section headers */
	MUTATE(H7_ERROR_PARSE, "outside the file", put32(b + offsetof(Elf32_Ehdr, e_shoff), (uint32_t)len - 10));
	MUTATE(H7_ERROR_PARSE, "outside the file", put32(b + offsetof(Elf32_Ehdr, e_shoff), 0xFFFFFFF0u));
	MUTATE(H7_ERROR_OVERFLOW, "sections", put16(b + offsetof(Elf32_Ehdr, e_shnum), 0xFFFF));
	MUTATE(H7_ERROR_PARSE, "outside the file", put16(b + offsetof(Elf32_Ehdr, e_shnum), 200));
	MUTATE(H7_ERROR_PARSE, "section header size", put16(b + offsetof(Elf32_Ehdr, e_shentsize), 64));
	MUTATE(H7_ERROR_PARSE, "name table index", put16(b + offsetof(Elf32_Ehdr, e_shstrndx), 999));
	MUTATE(H7_ERROR_PARSE, "bad section name table", put16(b + offsetof(Elf32_Ehdr, e_shstrndx), 1));
	/* e_shnum 0: the count comes from section 0 (gABI), here a huge one */
	MUTATE(H7_ERROR_OVERFLOW, "sections",
	       (put16(b + offsetof(Elf32_Ehdr, e_shnum), 0), put32(b + shoff + offsetof(Elf32_Shdr, sh_size), 1u << 30)));
	MUTATE(H7_ERROR_PARSE, "(.text)", put32(b + text_o + offsetof(Elf32_Shdr, sh_offset), 0xFFFFFF00u));
	MUTATE(H7_ERROR_PARSE, "(.text)", put32(b + text_o + offsetof(Elf32_Shdr, sh_size), 0x10000000u));
	MUTATE(H7_ERROR_PARSE, "link", put32(b + text_o + offsetof(Elf32_Shdr, sh_link), 5000));
	MUTATE(H7_ERROR_PARSE, "name offset", put32(b + text_o + offsetof(Elf32_Shdr, sh_name), 0x7FFFFFF0u));
	/* symbol table */
	MUTATE(H7_ERROR_PARSE, "entry size", put32(b + sym_o + offsetof(Elf32_Shdr, sh_entsize), 24));
	MUTATE(H7_ERROR_PARSE, "entry size",
	       put32(b + sym_o + offsetof(Elf32_Shdr, sh_size), get32(orig + sym_o + offsetof(Elf32_Shdr, sh_size)) - 3));
	MUTATE(H7_ERROR_PARSE, "not a string table", put32(b + sym_o + offsetof(Elf32_Shdr, sh_link), 1));
	MUTATE(H7_ERROR_PARSE, "outside the file",
	       put32(b + sym_o + offsetof(Elf32_Shdr, sh_size), (uint32_t)(ELFINFO_MAX_SYMBOLS + 1) * 16));
	{
		/* a symbol whose name lies outside the string table */
		uint32_t so = get32(orig + sym_o + offsetof(Elf32_Shdr, sh_offset));
		MUTATE(H7_ERROR_PARSE, "name offset", put32(b + so + 16 * 5 + offsetof(Elf32_Sym, st_name), 0x7FFFFFF0u));
		/* a string table without its final NUL: the last name runs off the end */
		uint8_t *strtab = raw_section(orig, ".strtab");
		assert_non_null(strtab);
		uint32_t stro = get32(strtab + offsetof(Elf32_Shdr, sh_offset));
		uint32_t strsz = get32(strtab + offsetof(Elf32_Shdr, sh_size));
		MUTATE(H7_ERROR_PARSE, "symbol", memset(b + stro, 'A', strsz));
	}
	/* a compressed section announcing a decompression bomb */
	MUTATE(H7_ERROR_OVERFLOW, "uncompressed", ({
		       uint32_t o = get32(b + dinfo_o + offsetof(Elf32_Shdr, sh_offset));
		       put32(b + dinfo_o + offsetof(Elf32_Shdr, sh_flags), SHF_COMPRESSED);
		       put32(b + o + offsetof(Elf32_Chdr, ch_size), 0xFFFFFFF0u);
	       }));
	MUTATE(H7_ERROR_PARSE, "compressed", ({
		       put32(b + dinfo_o + offsetof(Elf32_Shdr, sh_flags), SHF_COMPRESSED);
		       put32(b + dinfo_o + offsetof(Elf32_Shdr, sh_size), 4);
	       }));
#undef MUTATE
	free(b);
	free(orig);
}

static void test_not_elf(void **state)
{
	(void)state;
	char err[256];
	static const char script[] = "#!/bin/sh\necho not an ELF file\n";
	uint8_t junk[4096];
	uint32_t x = 12345;
	struct elfinfo *ei = (struct elfinfo *)&x; /* must be reset to NULL */

	for (size_t i = 0; i < sizeof junk; i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (uint8_t)(x >> 16);
	}
	assert_int_equal(open_buf((const uint8_t *)script, sizeof script - 1, err, sizeof err), H7_ERROR_PARSE);
	assert_non_null(strstr(err, "not an ELF"));
	assert_int_equal(open_buf(junk, sizeof junk, err, sizeof err), H7_ERROR_PARSE);
	assert_int_equal(open_buf((const uint8_t *)"\177ELF", 4, err, sizeof err), H7_ERROR_PARSE);
	assert_int_equal(elfinfo_open_mem("", 0, &ei, err, sizeof err), H7_ERROR_PARSE);
	assert_null(ei);
	assert_non_null(strstr(err, "empty"));
	/* the real 64-bit x86 test program itself */
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	assert_true(n > 0);
	self[n] = '\0';
	assert_int_equal(elfinfo_open(self, &ei, err, sizeof err), H7_ERROR_NOT_SUPPORTED);
	assert_non_null(strstr(err, "64-bit"));
	/* files that are not there, not regular, or too big */
	assert_int_equal(elfinfo_open("/nonexistent/app.elf", &ei, err, sizeof err), H7_ERROR_NOT_FOUND);
	assert_non_null(strstr(err, "/nonexistent/app.elf"));
	assert_int_equal(elfinfo_open("/tmp", &ei, err, sizeof err), H7_ERROR_INVALID_PARAM);
	assert_non_null(strstr(err, "regular"));
	char dir[] = "/tmp/h7jd-elfinfo-XXXXXX", fifo[64];
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof fifo, "%s/fifo.elf", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(elfinfo_open(fifo, &ei, err, sizeof err), H7_ERROR_INVALID_PARAM);
	unlink(fifo);
	snprintf(fifo, sizeof fifo, "%s/big.elf", dir);
	FILE *f = fopen(fifo, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (off_t)ELFINFO_MAX_FILE_BYTES + 1), 0);
	fclose(f);
	assert_int_equal(elfinfo_open(fifo, &ei, err, sizeof err), H7_ERROR_OVERFLOW);
	unlink(fifo);
	rmdir(dir);
	assert_int_equal(elfinfo_open(NULL, &ei, err, sizeof err), H7_ERROR_INVALID_PARAM);
	elfinfo_close(NULL);
}

/* A .debug_line that is truncated, uses a reserved length, or holds one
 * oversized unit (built by appending a new section body to the file): the
 * file opens (symbols work) and line lookups give the reason. */
static void test_bad_line_table(void **state)
{
	(void)state;
	size_t len;
	uint8_t *orig = load_fw("tests/firmware/app-fault.elf", &len);
	const size_t big = ELFINFO_MAX_LINE_UNIT + 64;
	uint8_t *b = calloc(1, len + big + 16);
	struct elfinfo *ei;
	struct elfinfo_line ln;
	const struct elfinfo_symbol *jump;
	char err[256];
	assert_non_null(b);
	size_t dl_o = (size_t)(raw_section(orig, ".debug_line") - orig);
	uint32_t dl_off = get32(orig + dl_o + offsetof(Elf32_Shdr, sh_offset));

	struct {
		uint32_t unit_length;
		int expect;
	} cases[] = { { 0xFFFFFFF5u, H7_ERROR_PARSE }, { 0x00100000u, H7_ERROR_PARSE } };
	for (size_t c = 0; c < 3; c++) {
		size_t n = len;
		memcpy(b, orig, len);
		int expect;
		if (c < 2) {
			put32(b + dl_off, cases[c].unit_length);
			expect = cases[c].expect;
		} else {
			put32(b + len, (uint32_t)big);
			put32(b + dl_o + offsetof(Elf32_Shdr, sh_offset), (uint32_t)len);
			put32(b + dl_o + offsetof(Elf32_Shdr, sh_size), (uint32_t)big + 4);
			n = len + big + 4;
			expect = H7_ERROR_OVERFLOW;
		}
		assert_int_equal(elfinfo_open_mem(b, n, &ei, err, sizeof err), 0);
		assert_false(elfinfo_has_dwarf(ei));
		assert_int_equal(elfinfo_symbol_by_name(ei, "JumpToBootloader", &jump), 0);
		assert_int_equal(elfinfo_line_for_addr(ei, jump->addr, &ln), expect);
		assert_non_null(strstr(elfinfo_last_error(ei), ".debug_line"));
		elfinfo_close(ei);
	}
	free(b);
	free(orig);
}

/* Random corruption of the DWARF sections (and a few header bytes): every
 * result is an error code or sane data, never a crash (run under ASan too). */
static void test_random_corruption(void **state)
{
	(void)state;
	size_t len;
	uint8_t *orig = load_fw("tests/firmware/app-fault.elf", &len);
	uint8_t *b = malloc(len);
	const char *secs[] = { ".debug_info", ".debug_line", ".debug_abbrev", ".debug_str", ".debug_rnglists",
			       ".symtab", ".strtab", NULL };
	uint32_t rnd = 0xC0FFEEu;
	unsigned opened = 0, lines_ok = 0;
	assert_non_null(b);

	for (int iter = 0; iter < 400; iter++) {
		memcpy(b, orig, len);
		const char *name = secs[iter % 7];
		uint8_t *sh = raw_section(orig, name);
		assert_non_null(sh);
		uint32_t off = get32(sh + offsetof(Elf32_Shdr, sh_offset));
		uint32_t size = get32(sh + offsetof(Elf32_Shdr, sh_size));
		int flips = 1 + iter % 8;
		for (int k = 0; k < flips; k++) {
			rnd = rnd * 1664525u + 1013904223u;
			uint32_t pos = off + (rnd >> 8) % size;
			rnd = rnd * 1664525u + 1013904223u;
			b[pos] = (uint8_t)(iter % 3 == 0 ? 0xFF : iter % 3 == 1 ? 0x00 : rnd >> 24);
		}
		struct elfinfo *ei = NULL;
		char err[256];
		int rc = elfinfo_open_mem(b, len, &ei, err, sizeof err);
		if (rc != 0) {
			assert_true(rc == H7_ERROR_PARSE || rc == H7_ERROR_OVERFLOW);
			assert_true(strlen(err) > 0);
			continue;
		}
		opened++;
		for (size_t i = 0; i < elfinfo_symbol_count(ei); i++)
			assert_true(strlen(elfinfo_symbol_at(ei, i)->name) <= ELFINFO_MAX_NAME);
		for (uint32_t a = 0x08000000u; a < 0x08000600u; a += 6) {
			struct elfinfo_line ln;
			const struct elfinfo_symbol *s;
			uint32_t o;
			rc = elfinfo_line_for_addr(ei, a, &ln);
			assert_true(rc == 0 || rc == H7_ERROR_NOT_FOUND || rc == H7_ERROR_PARSE ||
				    rc == H7_ERROR_OVERFLOW);
			if (rc == 0) {
				lines_ok++;
				assert_true(strlen(ln.pos.file) < sizeof ln.pos.file);
				assert_true(strlen(ln.pos.text) <= ELFINFO_MAX_TEXT);
				assert_true(strlen(ln.call.text) <= ELFINFO_MAX_TEXT);
				assert_true(strlen(ln.func) < sizeof ln.func);
			} else {
				assert_true(strlen(elfinfo_last_error(ei)) > 0);
			}
			rc = elfinfo_symbol_by_addr(ei, a, &s, &o);
			assert_true(rc == 0 || rc == H7_ERROR_NOT_FOUND);
		}
		elfinfo_close(ei);
	}
	/* the corruption was not all fatal: the lookups really ran */
	assert_true(opened > 100);
	assert_true(lines_ok > 100);
	free(b);
	free(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_app_fault),
		cmocka_unit_test(test_app_good),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_compressed_debug),
		cmocka_unit_test(test_no_debug),
		cmocka_unit_test(test_source_dir),
		cmocka_unit_test(test_label_fallback),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_bad_line_table),
		cmocka_unit_test(test_random_corruption),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
