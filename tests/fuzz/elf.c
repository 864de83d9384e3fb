/* Fuzz target: ELF/DWARF loading of a firmware image (src/elfinfo.c:
 * elfinfo_open_mem over libelf, its own header/section/symbol/.debug_line
 * checks, then libdw), and every lookup `run --elf` makes: entry point,
 * PT_LOAD segments and their CRC-32, symbols by name and by address, DWARF
 * lines (file, line, column, function, inlined call site; source text when
 * the recorded path, or the same path under the top of the tree, names a
 * readable file).
 *
 * Seeds: small Cortex-M ELF files with DWARF (tests/fuzz/corpus/elf/, built
 * from tests/fuzz/seeds/tiny.c, see README.md); `make fuzz` adds the test
 * firmwares of tests/firmware/ when they are built.
 * Checked: return codes; every symbol is found again by its name, every
 * sized function or object by its address; segment bytes lie inside the input.
 */
#include <string.h>

#include "elfinfo.h"
#include "fuzz.h"
#include "h7jumpdiag/error.h"

#define ELF_FUZZ_MAX_SYMS 256
#define ELF_FUZZ_MAX_LINES 24

static int elf_rc_ok(int rc)
{
	return rc == 0 || rc == H7_ERROR_PARSE || rc == H7_ERROR_OVERFLOW || rc == H7_ERROR_NOT_SUPPORTED ||
	       rc == H7_ERROR_NO_MEM || rc == H7_ERROR_NOT_FOUND;
}

static void elf_line(struct elfinfo *ei, uint32_t addr)
{
	static struct elfinfo_line ln;
	int rc = elfinfo_line_for_addr(ei, addr, &ln);

	FUZZ_CHECK(elf_rc_ok(rc));
	if (rc == 0) {
		FUZZ_CHECK(memchr(ln.pos.file, '\0', sizeof ln.pos.file) && memchr(ln.func, '\0', sizeof ln.func));
		FUZZ_CHECK(!ln.pos.has_text || strlen(ln.pos.text) <= ELFINFO_MAX_TEXT);
	} else {
		(void)strlen(elfinfo_last_error(ei));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elfinfo *ei = NULL;
	char err[200];
	size_t n, lines = 0;

	fuzz_quiet_logs();
	memset(err, 'x', sizeof err);
	int rc = elfinfo_open_mem(data, size, &ei, err, sizeof err);
	FUZZ_CHECK(elf_rc_ok(rc) && rc != H7_ERROR_NOT_FOUND);
	if (rc) {
		FUZZ_CHECK(ei == NULL && memchr(err, '\0', sizeof err) != NULL);
		return 0;
	}
	fuzz_accepted++;
	/* the seeds record tests/fuzz/seeds/tiny.c under comp_dir /src: found under the
	 * top of the tree, so the source-text path runs on a real file */
	const char *top = getenv("H7_SRCDIR");
	FUZZ_CHECK(elfinfo_set_source_dir(ei, top && *top ? top : ".") == 0);
	bool thumb;
	uint32_t entry = elfinfo_entry(ei, &thumb);
	(void)elfinfo_has_dwarf(ei);

	const struct elfinfo_segment *seg = elfinfo_segments(ei, &n);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *b;
		size_t len;
		uint32_t crc;
		FUZZ_CHECK(elfinfo_segment_bytes(ei, i, &b, &len) == 0);
		FUZZ_CHECK(len == seg[i].filesz && (uint64_t)seg[i].offset + len <= size);
		FUZZ_CHECK(elfinfo_segment_crc32(ei, i, &crc) == 0);
		FUZZ_CHECK(crc == elfinfo_crc32(0, b, len));
	}
	FUZZ_CHECK(elfinfo_segment_bytes(ei, n, NULL, NULL) == H7_ERROR_INVALID_PARAM);

	elf_line(ei, entry);
	lines++;
	n = elfinfo_symbol_count(ei);
	for (size_t i = 0; i < n && i < ELF_FUZZ_MAX_SYMS; i++) {
		const struct elfinfo_symbol *s = elfinfo_symbol_at(ei, i), *f = NULL;
		uint32_t off;
		FUZZ_CHECK(s && s->name);
		FUZZ_CHECK(elfinfo_symbol_by_name(ei, s->name, &f) == 0 && strcmp(f->name, s->name) == 0);
		/* a sized function or object is found at its own address (a label may not be:
		 * absolute symbols such as _estack lie in no section) */
		rc = elfinfo_symbol_by_addr(ei, s->addr, &f, &off);
		FUZZ_CHECK(rc == 0 || rc == H7_ERROR_NOT_FOUND);
		if (s->type != ELFINFO_SYM_NOTYPE && s->size)
			FUZZ_CHECK(rc == 0 && off < f->size && f->addr + off == s->addr);
		if (s->type == ELFINFO_SYM_FUNC && lines < ELF_FUZZ_MAX_LINES) {
			elf_line(ei, s->addr);
			elf_line(ei, s->addr + 2);
			lines += 2;
		}
	}
	FUZZ_CHECK(elfinfo_symbol_at(ei, n) == NULL);
	elfinfo_close(ei);
	return 0;
}
