/* ELF/DWARF information about a firmware image: see elfinfo.h.
 *
 * Structure: elfinfo_open_mem copies the bytes, elfinfo_validate() checks
 * every header, table and size against the file and the limits (pure,
 * endian-independent reads of the raw bytes; ELF layout from the System V
 * gABI "Object Files" chapter and ELF for the Arm Architecture, IHI 0044),
 * then libelf reads sections and symbols (gelf) and libdw the line tables.
 * The DWARF line table format (unit_length, 32/64-bit DWARF) is DWARF 5
 * section 6.2.4 "The Line Number Program Header".
 */
#include "elfinfo.h"

#include <dwarf.h>
#include <elf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h7jumpdiag/error.h"
#include "log.h"

#define ELFINFO_ERRLEN 256

struct elfinfo_src {
	char *path;         /* NULL: slot unused */
	char *data;         /* NULL: the file could not be read (negative cache) */
	size_t len;
	size_t *line_start; /* offsets of the starts of lines 1..n_lines */
	size_t n_lines;
};

struct elfinfo_cu {
	Dwarf_Die die;
	const char *comp_dir; /* DW_AT_comp_dir or NULL; owned by libdw */
};

struct elfinfo {
	uint8_t *buf;
	size_t len;
	Elf *elf;
	Dwarf *dwarf;
	uint32_t entry;
	bool entry_thumb;

	struct elfinfo_segment *segs;
	size_t n_segs;

	struct elfinfo_symbol *syms;
	uint32_t *sym_shndx; /* parallel to syms: st_shndx (0 when unknown) */
	size_t n_syms;
	uint32_t max_sym_size;

	struct {
		uint32_t addr, size;
	} *secs; /* SHF_ALLOC sections by index (size 0 otherwise) */
	size_t n_secs;

	/* DWARF state: dwarf_err != 0 means the line info was refused at open */
	int dwarf_err;
	char dwarf_msg[ELFINFO_ERRLEN];
	bool cus_loaded;
	struct elfinfo_cu *cus;
	size_t n_cus;

	struct elfinfo_src src[ELFINFO_SOURCE_CACHE];
	unsigned src_next;
	char *source_dir;

	char errmsg[ELFINFO_ERRLEN];
};

__attribute__((format(printf, 3, 4))) static void elfinfo_msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

#define elfinfo_fail(ei, code, ...) (elfinfo_msg((ei)->errmsg, sizeof((ei)->errmsg), __VA_ARGS__), (code))

/* ---- CRC-32 (IEEE 802.3, reflected 0xEDB88320) --------------------------- */

/* CRC of each 4-bit value (reflected polynomial 0xEDB88320): two lookups per
 * byte; a constant table, so no initialisation and nothing shared to race on */
static const uint32_t elfinfo_crc_nibble[16] = {
	0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
	0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t elfinfo_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		crc = elfinfo_crc_nibble[crc & 0xFu] ^ (crc >> 4);
		crc = elfinfo_crc_nibble[crc & 0xFu] ^ (crc >> 4);
	}
	return ~crc;
}

/* ---- validation of the raw bytes ------------------------------------------ */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static bool range_ok(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= (uint64_t)len - off;
}

static const char *elfinfo_machine_name(unsigned m)
{
	static const struct {
		unsigned machine;
		const char *name;
	} names[] = {
		{ EM_386, "x86" },      { EM_X86_64, "x86-64" }, { EM_AARCH64, "AArch64" },
		{ EM_RISCV, "RISC-V" }, { EM_XTENSA, "Xtensa" }, { EM_AVR, "AVR" },
		{ EM_MIPS, "MIPS" },    { EM_PPC, "PowerPC" },   { EM_MSP430, "MSP430" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].machine == m)
			return names[i].name;
	return "unknown";
}

/* Raw section header fields the validator needs. */
struct elfinfo_rawshdr {
	uint32_t name, type, flags, addr, offset, size, link, info, entsize;
};

static void elfinfo_read_shdr(const uint8_t *p, struct elfinfo_rawshdr *s)
{
	s->name = rd32(p + offsetof(Elf32_Shdr, sh_name));
	s->type = rd32(p + offsetof(Elf32_Shdr, sh_type));
	s->flags = rd32(p + offsetof(Elf32_Shdr, sh_flags));
	s->addr = rd32(p + offsetof(Elf32_Shdr, sh_addr));
	s->offset = rd32(p + offsetof(Elf32_Shdr, sh_offset));
	s->size = rd32(p + offsetof(Elf32_Shdr, sh_size));
	s->link = rd32(p + offsetof(Elf32_Shdr, sh_link));
	s->info = rd32(p + offsetof(Elf32_Shdr, sh_info));
	s->entsize = rd32(p + offsetof(Elf32_Shdr, sh_entsize));
}

/* The name of a section from the raw section-name table, or NULL when it is
 * not a NUL-terminated string inside the table. */
static const char *elfinfo_raw_name(const uint8_t *buf, const struct elfinfo_rawshdr *strtab, uint32_t off)
{
	if (!strtab || off >= strtab->size)
		return NULL;
	const char *s = (const char *)buf + strtab->offset + off;
	size_t max = strtab->size - off;
	if (max > ELFINFO_MAX_NAME)
		max = ELFINFO_MAX_NAME;
	return memchr(s, '\0', max) ? s : NULL;
}

static int elfinfo_validate_sections(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	uint32_t shoff = rd32(buf + offsetof(Elf32_Ehdr, e_shoff));
	uint32_t shnum = rd16(buf + offsetof(Elf32_Ehdr, e_shnum));
	uint32_t shstrndx = rd16(buf + offsetof(Elf32_Ehdr, e_shstrndx));
	struct elfinfo_rawshdr sh0, s, strtab;
	bool have_strtab = false;
	unsigned n_symtab = 0;

	if (shoff == 0)
		return 0; /* no section headers: segments only */
	if (rd16(buf + offsetof(Elf32_Ehdr, e_shentsize)) != sizeof(Elf32_Shdr)) {
		elfinfo_msg(err, errlen, "bad section header size %u", rd16(buf + offsetof(Elf32_Ehdr, e_shentsize)));
		return H7_ERROR_PARSE;
	}
	if (!range_ok(shoff, sizeof(Elf32_Shdr), len)) {
		elfinfo_msg(err, errlen, "section headers at 0x%x lie outside the file (%zu bytes)", shoff, len);
		return H7_ERROR_PARSE;
	}
	elfinfo_read_shdr(buf + shoff, &sh0);
	if (shnum == 0)
		shnum = sh0.size; /* gABI: e_shnum 0 means the count is in section 0 */
	if (shstrndx == SHN_XINDEX)
		shstrndx = sh0.link;
	if (shnum > ELFINFO_MAX_SECTIONS) {
		elfinfo_msg(err, errlen, "%u sections (limit %d)", shnum, ELFINFO_MAX_SECTIONS);
		return H7_ERROR_OVERFLOW;
	}
	if (!range_ok(shoff, (uint64_t)shnum * sizeof(Elf32_Shdr), len)) {
		elfinfo_msg(err, errlen, "%u section headers at 0x%x lie outside the file (%zu bytes)", shnum, shoff,
			    len);
		return H7_ERROR_PARSE;
	}
	if (shstrndx != SHN_UNDEF) {
		if (shstrndx >= shnum) {
			elfinfo_msg(err, errlen, "section name table index %u out of range (%u sections)", shstrndx,
				    shnum);
			return H7_ERROR_PARSE;
		}
		elfinfo_read_shdr(buf + shoff + (size_t)shstrndx * sizeof(Elf32_Shdr), &strtab);
		if (strtab.type != SHT_STRTAB || !range_ok(strtab.offset, strtab.size, len)) {
			elfinfo_msg(err, errlen, "bad section name table (section %u)", shstrndx);
			return H7_ERROR_PARSE;
		}
		have_strtab = true;
	}
	for (uint32_t i = 1; i < shnum; i++) {
		elfinfo_read_shdr(buf + shoff + (size_t)i * sizeof(Elf32_Shdr), &s);
		const char *name = have_strtab ? elfinfo_raw_name(buf, &strtab, s.name) : "";
		if (!name) {
			elfinfo_msg(err, errlen, "section %u: name offset %u outside the name table", i, s.name);
			return H7_ERROR_PARSE;
		}
		if (s.type != SHT_NOBITS && !range_ok(s.offset, s.size, len)) {
			elfinfo_msg(err, errlen, "section %u (%s): bytes 0x%x+0x%x lie outside the file (%zu bytes)", i,
				    name, s.offset, s.size, len);
			return H7_ERROR_PARSE;
		}
		if (s.link >= shnum) {
			elfinfo_msg(err, errlen, "section %u (%s): link %u out of range", i, name, s.link);
			return H7_ERROR_PARSE;
		}
		if (s.type == SHT_SYMTAB) {
			struct elfinfo_rawshdr str;
			if (++n_symtab > 1) {
				elfinfo_msg(err, errlen, "more than one symbol table");
				return H7_ERROR_PARSE;
			}
			if (s.entsize != sizeof(Elf32_Sym) || s.size % sizeof(Elf32_Sym) != 0) {
				elfinfo_msg(err, errlen, "symbol table: bad entry size %u or size %u", s.entsize, s.size);
				return H7_ERROR_PARSE;
			}
			if (s.size / sizeof(Elf32_Sym) > ELFINFO_MAX_SYMBOLS) {
				elfinfo_msg(err, errlen, "%zu symbols (limit %d)", (size_t)(s.size / sizeof(Elf32_Sym)),
					    ELFINFO_MAX_SYMBOLS);
				return H7_ERROR_OVERFLOW;
			}
			elfinfo_read_shdr(buf + shoff + (size_t)s.link * sizeof(Elf32_Shdr), &str);
			if (str.type != SHT_STRTAB || !range_ok(str.offset, str.size, len)) {
				elfinfo_msg(err, errlen, "symbol table: link %u is not a string table", s.link);
				return H7_ERROR_PARSE;
			}
		}
		if ((s.flags & SHF_COMPRESSED) && s.type != SHT_NOBITS) {
			/* Elf32_Chdr: ch_type, ch_size, ch_addralign */
			if (s.size < sizeof(Elf32_Chdr)) {
				elfinfo_msg(err, errlen, "section %u (%s): compressed but smaller than its header", i, name);
				return H7_ERROR_PARSE;
			}
			uint32_t ch_size = rd32(buf + s.offset + offsetof(Elf32_Chdr, ch_size));
			if (ch_size > ELFINFO_MAX_DEBUG_BYTES) {
				elfinfo_msg(err, errlen, "section %u (%s): %u bytes uncompressed (limit %u)", i, name,
					    ch_size, ELFINFO_MAX_DEBUG_BYTES);
				return H7_ERROR_OVERFLOW;
			}
		}
	}
	return 0;
}

/* Check the ELF header, program headers and section headers of buf[0..len)
 * (pure: reads only buf). 0 or a negative h7_error with a message. */
static int elfinfo_validate(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0) {
		elfinfo_msg(err, errlen, "not an ELF file (no \\177ELF magic)");
		return H7_ERROR_PARSE;
	}
	if (buf[EI_CLASS] == ELFCLASS64) {
		elfinfo_msg(err, errlen, "64-bit ELF file: expected a 32-bit ARM (Cortex-M) image");
		return H7_ERROR_NOT_SUPPORTED;
	}
	if (buf[EI_CLASS] != ELFCLASS32) {
		elfinfo_msg(err, errlen, "bad ELF class %u", buf[EI_CLASS]);
		return H7_ERROR_PARSE;
	}
	if (buf[EI_DATA] == ELFDATA2MSB) {
		elfinfo_msg(err, errlen, "big-endian ELF file: expected a little-endian ARM (Cortex-M) image");
		return H7_ERROR_NOT_SUPPORTED;
	}
	if (buf[EI_DATA] != ELFDATA2LSB || buf[EI_VERSION] != EV_CURRENT) {
		elfinfo_msg(err, errlen, "bad ELF data encoding %u or version %u", buf[EI_DATA], buf[EI_VERSION]);
		return H7_ERROR_PARSE;
	}
	if (len < sizeof(Elf32_Ehdr)) {
		elfinfo_msg(err, errlen, "truncated ELF header (%zu bytes)", len);
		return H7_ERROR_PARSE;
	}
	unsigned machine = rd16(buf + offsetof(Elf32_Ehdr, e_machine));
	unsigned type = rd16(buf + offsetof(Elf32_Ehdr, e_type));
	if (machine != EM_ARM) {
		elfinfo_msg(err, errlen, "ELF file for machine %u (%s): expected ARM (%u)", machine,
			    elfinfo_machine_name(machine), EM_ARM);
		return H7_ERROR_NOT_SUPPORTED;
	}
	if (type != ET_EXEC && type != ET_DYN) {
		elfinfo_msg(err, errlen, "ELF type %u is not a linked executable (%s)", type,
			    type == ET_REL ? "a relocatable object file" : type == ET_CORE ? "a core file" : "unknown");
		return H7_ERROR_NOT_SUPPORTED;
	}
	if (rd32(buf + offsetof(Elf32_Ehdr, e_version)) != EV_CURRENT ||
	    rd16(buf + offsetof(Elf32_Ehdr, e_ehsize)) < sizeof(Elf32_Ehdr)) {
		elfinfo_msg(err, errlen, "bad ELF header (version or header size)");
		return H7_ERROR_PARSE;
	}

	uint32_t phoff = rd32(buf + offsetof(Elf32_Ehdr, e_phoff));
	uint32_t phnum = rd16(buf + offsetof(Elf32_Ehdr, e_phnum));
	if (phnum > ELFINFO_MAX_SEGMENTS) {
		elfinfo_msg(err, errlen, "%u program headers (limit %d)", phnum, ELFINFO_MAX_SEGMENTS);
		return H7_ERROR_OVERFLOW;
	}
	if (phnum > 0) {
		if (rd16(buf + offsetof(Elf32_Ehdr, e_phentsize)) != sizeof(Elf32_Phdr)) {
			elfinfo_msg(err, errlen, "bad program header size %u",
				    rd16(buf + offsetof(Elf32_Ehdr, e_phentsize)));
			return H7_ERROR_PARSE;
		}
		if (!range_ok(phoff, (uint64_t)phnum * sizeof(Elf32_Phdr), len)) {
			elfinfo_msg(err, errlen, "%u program headers at 0x%x lie outside the file (%zu bytes)", phnum,
				    phoff, len);
			return H7_ERROR_PARSE;
		}
	}
	for (uint32_t i = 0; i < phnum; i++) {
		const uint8_t *p = buf + phoff + (size_t)i * sizeof(Elf32_Phdr);
		uint32_t ptype = rd32(p + offsetof(Elf32_Phdr, p_type));
		uint32_t off = rd32(p + offsetof(Elf32_Phdr, p_offset));
		uint32_t vaddr = rd32(p + offsetof(Elf32_Phdr, p_vaddr));
		uint32_t paddr = rd32(p + offsetof(Elf32_Phdr, p_paddr));
		uint32_t filesz = rd32(p + offsetof(Elf32_Phdr, p_filesz));
		uint32_t memsz = rd32(p + offsetof(Elf32_Phdr, p_memsz));
		if (!range_ok(off, filesz, len)) {
			elfinfo_msg(err, errlen, "segment %u: bytes 0x%x+0x%x lie outside the file (%zu bytes)", i, off,
				    filesz, len);
			return H7_ERROR_PARSE;
		}
		if (ptype == PT_LOAD &&
		    (filesz > memsz || (uint64_t)vaddr + memsz > 0x100000000ull ||
		     (uint64_t)paddr + filesz > 0x100000000ull)) {
			elfinfo_msg(err, errlen, "segment %u: bad sizes (filesz 0x%x, memsz 0x%x at 0x%08x/0x%08x)", i,
				    filesz, memsz, vaddr, paddr);
			return H7_ERROR_PARSE;
		}
	}
	return elfinfo_validate_sections(buf, len, err, errlen);
}

/* ---- loading -------------------------------------------------------------- */

static int elfinfo_load_segments(struct elfinfo *ei, char *err, size_t errlen)
{
	size_t phnum;

	if (elf_getphdrnum(ei->elf, &phnum) != 0) {
		elfinfo_msg(err, errlen, "program headers: %s", elf_errmsg(-1));
		return H7_ERROR_PARSE;
	}
	if (phnum == 0)
		return 0;
	ei->segs = calloc(phnum, sizeof(*ei->segs));
	if (!ei->segs)
		return H7_ERROR_NO_MEM;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(ei->elf, (int)i, &ph)) {
			elfinfo_msg(err, errlen, "program header %zu: %s", i, elf_errmsg(-1));
			return H7_ERROR_PARSE;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		struct elfinfo_segment *sg = &ei->segs[ei->n_segs++];
		sg->index = (unsigned)i;
		sg->offset = (uint32_t)ph.p_offset;
		sg->vaddr = (uint32_t)ph.p_vaddr;
		sg->paddr = (uint32_t)ph.p_paddr;
		sg->filesz = (uint32_t)ph.p_filesz;
		sg->memsz = (uint32_t)ph.p_memsz;
		sg->flags = (uint32_t)ph.p_flags;
	}
	return 0;
}

/* ARM mapping symbols ($a, $t, $d, $x, optionally followed by ".text"):
 * IHI 0044 "Mapping symbols". They mark code/data, they do not name anything. */
static bool elfinfo_is_mapping_symbol(const char *name)
{
	return name[0] == '$' && name[1] != '\0' && strchr("atdx", name[1]) &&
	       (name[2] == '\0' || name[2] == '.');
}

static int elfinfo_sym_rank(const struct elfinfo_symbol *s)
{
	/* lower is better: global before local, then functions/objects */
	return (s->global ? 0 : 2) + (s->type != ELFINFO_SYM_NOTYPE ? 0 : 1);
}

static int elfinfo_sym_cmp(const void *a, const void *b)
{
	const struct elfinfo_symbol *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (elfinfo_sym_rank(x) != elfinfo_sym_rank(y))
		return elfinfo_sym_rank(x) - elfinfo_sym_rank(y);
	return strcmp(x->name, y->name);
}

/* a symbol with its section index, sorted together before they are split
 * into the public array and sym_shndx */
struct elfinfo_symtmp {
	struct elfinfo_symbol sym;
	uint32_t shndx;
};

static int elfinfo_symtmp_cmp(const void *a, const void *b)
{
	return elfinfo_sym_cmp(&((const struct elfinfo_symtmp *)a)->sym, &((const struct elfinfo_symtmp *)b)->sym);
}

static int elfinfo_load_symbols(struct elfinfo *ei, char *err, size_t errlen)
{
	Elf_Scn *scn = NULL, *symscn = NULL;
	GElf_Shdr sh, symsh;
	size_t nsec;

	if (elf_getshdrnum(ei->elf, &nsec) != 0) {
		elfinfo_msg(err, errlen, "section headers: %s", elf_errmsg(-1));
		return H7_ERROR_PARSE;
	}
	if (nsec > 0) {
		ei->secs = calloc(nsec, sizeof(*ei->secs));
		if (!ei->secs)
			return H7_ERROR_NO_MEM;
		ei->n_secs = nsec;
	}
	while ((scn = elf_nextscn(ei->elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh)) {
			elfinfo_msg(err, errlen, "section header: %s", elf_errmsg(-1));
			return H7_ERROR_PARSE;
		}
		size_t idx = elf_ndxscn(scn);
		if (idx < ei->n_secs && (sh.sh_flags & SHF_ALLOC)) {
			ei->secs[idx].addr = (uint32_t)sh.sh_addr;
			ei->secs[idx].size = (uint32_t)sh.sh_size;
		}
		if (sh.sh_type == SHT_SYMTAB) {
			symscn = scn;
			symsh = sh;
		}
	}
	if (!symscn)
		return 0; /* stripped: no symbols, not an error */

	Elf_Data *data = elf_getdata(symscn, NULL);
	Elf_Scn *strscn = elf_getscn(ei->elf, symsh.sh_link);
	Elf_Data *strdata = strscn ? elf_getdata(strscn, NULL) : NULL;
	if (!data || !strdata) {
		elfinfo_msg(err, errlen, "symbol table: %s", elf_errmsg(-1));
		return H7_ERROR_PARSE;
	}
	size_t count = data->d_size / sizeof(Elf32_Sym);
	if (count == 0)
		return 0;
	struct elfinfo_symtmp *tmp = calloc(count, sizeof(*tmp));
	if (!tmp)
		return H7_ERROR_NO_MEM;
	size_t n = 0;
	for (size_t i = 1; i < count; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym)) {
			elfinfo_msg(err, errlen, "symbol %zu: %s", i, elf_errmsg(-1));
			free(tmp);
			return H7_ERROR_PARSE;
		}
		unsigned type = GELF_ST_TYPE(sym.st_info), bind = GELF_ST_BIND(sym.st_info);
		if (sym.st_name == 0)
			continue;
		if (sym.st_name >= strdata->d_size) {
			elfinfo_msg(err, errlen, "symbol %zu: name offset %u outside the string table", i,
				    (unsigned)sym.st_name);
			free(tmp);
			return H7_ERROR_PARSE;
		}
		const char *name = (const char *)strdata->d_buf + sym.st_name;
		size_t max = strdata->d_size - sym.st_name;
		if (!memchr(name, '\0', max < ELFINFO_MAX_NAME + 1 ? max : ELFINFO_MAX_NAME + 1)) {
			elfinfo_msg(err, errlen, "symbol %zu: name not terminated or longer than %d bytes", i,
				    ELFINFO_MAX_NAME);
			free(tmp);
			return H7_ERROR_PARSE;
		}
		if ((type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) || sym.st_shndx == SHN_UNDEF ||
		    elfinfo_is_mapping_symbol(name))
			continue;
		struct elfinfo_symtmp *t = &tmp[n++];
		t->sym.name = name;
		t->sym.addr = (uint32_t)sym.st_value;
		t->sym.size = (uint32_t)sym.st_size;
		t->sym.type = type == STT_FUNC ? ELFINFO_SYM_FUNC : type == STT_OBJECT ? ELFINFO_SYM_OBJECT
										     : ELFINFO_SYM_NOTYPE;
		/* IHI 0044 "Symbol values": bit 0 of a Thumb function's value is 1 */
		t->sym.thumb = type == STT_FUNC && (sym.st_value & 1u);
		if (t->sym.thumb)
			t->sym.addr &= ~1u;
		t->sym.global = bind == STB_GLOBAL || bind == STB_WEAK;
		t->sym.absolute = sym.st_shndx == SHN_ABS;
		t->shndx = sym.st_shndx < SHN_LORESERVE ? sym.st_shndx : 0;
	}
	qsort(tmp, n, sizeof(*tmp), elfinfo_symtmp_cmp);
	ei->syms = calloc(n ? n : 1, sizeof(*ei->syms));
	ei->sym_shndx = calloc(n ? n : 1, sizeof(*ei->sym_shndx));
	if (!ei->syms || !ei->sym_shndx) {
		free(tmp);
		return H7_ERROR_NO_MEM;
	}
	for (size_t i = 0; i < n; i++) {
		ei->syms[i] = tmp[i].sym;
		ei->sym_shndx[i] = tmp[i].shndx;
		if ((ei->syms[i].type != ELFINFO_SYM_NOTYPE) && ei->syms[i].size > ei->max_sym_size)
			ei->max_sym_size = ei->syms[i].size;
	}
	ei->n_syms = n;
	free(tmp);
	return 0;
}

/* Check the unit lengths of .debug_line (DWARF 5 section 6.2.4 item 1:
 * unit_length, 0xffffffff introducing 64-bit DWARF, 0xfffffff0.. reserved). */
static int elfinfo_scan_debug_line(const uint8_t *p, size_t len, char *err, size_t errlen)
{
	size_t off = 0;
	unsigned units = 0;

	while (off < len) {
		uint64_t unit;
		size_t hdr;
		if (len - off < 4)
			goto truncated;
		unit = rd32(p + off);
		hdr = 4;
		if (unit == 0xFFFFFFFFu) {
			if (len - off < 12)
				goto truncated;
			unit = (uint64_t)rd32(p + off + 4) | ((uint64_t)rd32(p + off + 8) << 32);
			hdr = 12;
		} else if (unit >= 0xFFFFFFF0u) {
			elfinfo_msg(err, errlen, ".debug_line at 0x%zx: reserved unit length 0x%08x", off,
				    (unsigned)unit);
			return H7_ERROR_PARSE;
		}
		if (unit > len - off - hdr)
			goto truncated;
		if (unit > ELFINFO_MAX_LINE_UNIT) {
			elfinfo_msg(err, errlen, ".debug_line at 0x%zx: line program of %llu bytes (limit %u)", off,
				    (unsigned long long)unit, ELFINFO_MAX_LINE_UNIT);
			return H7_ERROR_OVERFLOW;
		}
		if (++units > ELFINFO_MAX_CUS) {
			elfinfo_msg(err, errlen, ".debug_line: more than %d units", ELFINFO_MAX_CUS);
			return H7_ERROR_OVERFLOW;
		}
		off += hdr + (size_t)unit;
	}
	return 0;
truncated:
	elfinfo_msg(err, errlen, ".debug_line at 0x%zx: unit runs past the end of the section", off);
	return H7_ERROR_PARSE;
}

/* Prepare the DWARF reader. Problems with the debug information do not fail
 * the open (symbols and segments stay usable): they are kept in dwarf_err
 * and reported by the line lookups. */
static int elfinfo_load_dwarf(struct elfinfo *ei)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool have_info = false, have_line = false;
	int rc;

	if (elf_getshdrstrndx(ei->elf, &shstrndx) != 0)
		return 0;
	while ((scn = elf_nextscn(ei->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(ei->elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (strncmp(name, ".zdebug", 7) == 0) {
			ei->dwarf_err = H7_ERROR_NOT_SUPPORTED;
			elfinfo_msg(ei->dwarf_msg, sizeof(ei->dwarf_msg),
				    "GNU-style compressed debug sections (%s) are not supported: convert them with "
				    "objcopy --decompress-debug-sections",
				    name);
			return 0;
		}
		if (strncmp(name, ".debug_", 7) != 0 || sh.sh_type == SHT_NOBITS)
			continue;
		if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0) {
			/* size bounded by elfinfo_validate_sections */
			ei->dwarf_err = H7_ERROR_PARSE;
			elfinfo_msg(ei->dwarf_msg, sizeof(ei->dwarf_msg), "%s: cannot decompress: %s", name,
				    elf_errmsg(-1));
			return 0;
		}
		if (strcmp(name, ".debug_info") == 0)
			have_info = true;
		if (strcmp(name, ".debug_line") == 0) {
			Elf_Data *d = elf_getdata(scn, NULL);
			if (!d) {
				ei->dwarf_err = H7_ERROR_PARSE;
				elfinfo_msg(ei->dwarf_msg, sizeof(ei->dwarf_msg), ".debug_line: %s", elf_errmsg(-1));
				return 0;
			}
			rc = elfinfo_scan_debug_line(d->d_buf, d->d_size, ei->dwarf_msg, sizeof(ei->dwarf_msg));
			if (rc < 0) {
				ei->dwarf_err = rc;
				return 0;
			}
			have_line = true;
		}
	}
	if (!have_info || !have_line) {
		ei->dwarf_err = H7_ERROR_NOT_FOUND;
		elfinfo_msg(ei->dwarf_msg, sizeof(ei->dwarf_msg), "no DWARF line information (built without -g?)");
		return 0;
	}
	ei->dwarf = dwarf_begin_elf(ei->elf, DWARF_C_READ, NULL);
	if (!ei->dwarf) {
		ei->dwarf_err = H7_ERROR_PARSE;
		elfinfo_msg(ei->dwarf_msg, sizeof(ei->dwarf_msg), "DWARF: %s", dwarf_errmsg(-1));
	}
	return 0;
}

static int elfinfo_open_owned(uint8_t *buf, size_t len, struct elfinfo **out, char *err, size_t errlen)
{
	struct elfinfo *ei;
	GElf_Ehdr eh;
	int rc;

	rc = elfinfo_validate(buf, len, err, errlen);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	ei = calloc(1, sizeof(*ei));
	if (!ei) {
		free(buf);
		return H7_ERROR_NO_MEM;
	}
	ei->buf = buf;
	ei->len = len;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		elfinfo_msg(err, errlen, "libelf: %s", elf_errmsg(-1));
		rc = H7_ERROR_INTERNAL;
		goto fail;
	}
	ei->elf = elf_memory((char *)buf, len);
	if (!ei->elf || elf_kind(ei->elf) != ELF_K_ELF || !gelf_getehdr(ei->elf, &eh)) {
		elfinfo_msg(err, errlen, "libelf: %s", elf_errmsg(-1));
		rc = H7_ERROR_PARSE;
		goto fail;
	}
	ei->entry = (uint32_t)eh.e_entry & ~1u;
	ei->entry_thumb = (eh.e_entry & 1u) != 0;
	rc = elfinfo_load_segments(ei, err, errlen);
	if (rc == 0)
		rc = elfinfo_load_symbols(ei, err, errlen);
	if (rc == 0)
		rc = elfinfo_load_dwarf(ei);
	if (rc < 0) {
		if (rc == H7_ERROR_NO_MEM)
			elfinfo_msg(err, errlen, "out of memory");
		goto fail;
	}
	*out = ei;
	return 0;
fail:
	elfinfo_close(ei);
	return rc;
}

int elfinfo_open_mem(const void *buf, size_t len, struct elfinfo **out, char *err, size_t errlen)
{
	uint8_t *copy;

	if (err && errlen)
		err[0] = '\0';
	if (!out || (!buf && len))
		return H7_ERROR_INVALID_PARAM;
	*out = NULL;
	if (len == 0) {
		elfinfo_msg(err, errlen, "empty file");
		return H7_ERROR_PARSE;
	}
	if (len > ELFINFO_MAX_FILE_BYTES) {
		elfinfo_msg(err, errlen, "ELF file of %zu bytes (limit %u)", len, ELFINFO_MAX_FILE_BYTES);
		return H7_ERROR_OVERFLOW;
	}
	copy = malloc(len);
	if (!copy) {
		elfinfo_msg(err, errlen, "out of memory");
		return H7_ERROR_NO_MEM;
	}
	memcpy(copy, buf, len);
	return elfinfo_open_owned(copy, len, out, err, errlen);
}

static int elfinfo_errno_code(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR: return H7_ERROR_NOT_FOUND;
	case EACCES:
	case EPERM: return H7_ERROR_ACCESS;
	case ENOMEM: return H7_ERROR_NO_MEM;
	default: return H7_ERROR_IO;
	}
}

/* Read a regular file of at most max bytes (O_NONBLOCK: a FIFO never blocks).
 * 0 and a malloc'd buffer, or a negative h7_error with errno kept. */
static int elfinfo_read_file(const char *path, size_t max, uint8_t **data, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc = 0;
	uint8_t *buf = NULL;
	size_t got = 0;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		elfinfo_msg(err, errlen, "%s: %s", path, strerror(errno));
		return elfinfo_errno_code(errno);
	}
	if (fstat(fd, &st) != 0) {
		elfinfo_msg(err, errlen, "%s: %s", path, strerror(errno));
		rc = elfinfo_errno_code(errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		elfinfo_msg(err, errlen, "%s: not a regular file", path);
		rc = H7_ERROR_INVALID_PARAM;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		elfinfo_msg(err, errlen, "%s: %lld bytes (limit %zu)", path, (long long)st.st_size, max);
		rc = H7_ERROR_OVERFLOW;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		elfinfo_msg(err, errlen, "out of memory");
		rc = H7_ERROR_NO_MEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			elfinfo_msg(err, errlen, "%s: %s", path, r < 0 ? strerror(errno) : "file shrank while reading");
			rc = H7_ERROR_IO;
			goto out;
		}
		got += (size_t)r;
	}
	buf[got] = 0;
	*data = buf;
	*len = got;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

int elfinfo_open(const char *path, struct elfinfo **out, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !out)
		return H7_ERROR_INVALID_PARAM;
	*out = NULL;
	rc = elfinfo_read_file(path, ELFINFO_MAX_FILE_BYTES, &buf, &len, err, errlen);
	if (rc < 0)
		return rc;
	if (len == 0) {
		free(buf);
		elfinfo_msg(err, errlen, "%s: empty file", path);
		return H7_ERROR_PARSE;
	}
	rc = elfinfo_open_owned(buf, len, out, err, errlen);
	if (rc < 0 && err && errlen) {
		/* prefix the path to the reason */
		char reason[ELFINFO_ERRLEN];
		snprintf(reason, sizeof(reason), "%s", err);
		elfinfo_msg(err, errlen, "%s: %s", path, reason);
	}
	return rc;
}

static void elfinfo_src_free(struct elfinfo_src *s)
{
	free(s->path);
	free(s->data);
	free(s->line_start);
	memset(s, 0, sizeof(*s));
}

void elfinfo_close(struct elfinfo *ei)
{
	if (!ei)
		return;
	for (unsigned i = 0; i < ELFINFO_SOURCE_CACHE; i++)
		elfinfo_src_free(&ei->src[i]);
	free(ei->source_dir);
	free(ei->cus);
	if (ei->dwarf)
		dwarf_end(ei->dwarf);
	if (ei->elf)
		elf_end(ei->elf);
	free(ei->segs);
	free(ei->syms);
	free(ei->sym_shndx);
	free(ei->secs);
	free(ei->buf);
	free(ei);
}

const char *elfinfo_last_error(const struct elfinfo *ei)
{
	return ei ? ei->errmsg : "";
}

uint32_t elfinfo_entry(const struct elfinfo *ei, bool *thumb)
{
	if (thumb)
		*thumb = ei->entry_thumb;
	return ei->entry;
}

bool elfinfo_has_dwarf(const struct elfinfo *ei)
{
	return ei->dwarf != NULL && ei->dwarf_err == 0;
}

/* ---- segments -------------------------------------------------------------- */

const struct elfinfo_segment *elfinfo_segments(const struct elfinfo *ei, size_t *n)
{
	*n = ei->n_segs;
	return ei->segs;
}

int elfinfo_segment_bytes(const struct elfinfo *ei, size_t i, const uint8_t **data, size_t *len)
{
	if (i >= ei->n_segs)
		return H7_ERROR_INVALID_PARAM;
	/* offset and filesz were checked against the file by elfinfo_validate */
	*len = ei->segs[i].filesz;
	*data = *len ? ei->buf + ei->segs[i].offset : NULL;
	return 0;
}

int elfinfo_segment_crc32(const struct elfinfo *ei, size_t i, uint32_t *crc)
{
	const uint8_t *data;
	size_t len;
	int rc = elfinfo_segment_bytes(ei, i, &data, &len);

	if (rc < 0)
		return rc;
	*crc = elfinfo_crc32(0, data, len);
	return 0;
}

/* ---- symbols --------------------------------------------------------------- */

size_t elfinfo_symbol_count(const struct elfinfo *ei)
{
	return ei->n_syms;
}

const struct elfinfo_symbol *elfinfo_symbol_at(const struct elfinfo *ei, size_t i)
{
	return i < ei->n_syms ? &ei->syms[i] : NULL;
}

int elfinfo_symbol_by_name(const struct elfinfo *ei, const char *name, const struct elfinfo_symbol **out)
{
	const struct elfinfo_symbol *best = NULL;

	*out = NULL;
	if (!name)
		return H7_ERROR_INVALID_PARAM;
	for (size_t i = 0; i < ei->n_syms; i++) {
		const struct elfinfo_symbol *s = &ei->syms[i];
		if (strcmp(s->name, name) == 0 && (!best || elfinfo_sym_rank(s) < elfinfo_sym_rank(best)))
			best = s;
	}
	if (!best)
		return H7_ERROR_NOT_FOUND;
	*out = best;
	return 0;
}

/* the index of the first symbol with an address above addr */
static size_t elfinfo_sym_upper(const struct elfinfo *ei, uint32_t addr)
{
	size_t lo = 0, hi = ei->n_syms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ei->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int elfinfo_symbol_by_addr(const struct elfinfo *ei, uint32_t addr, const struct elfinfo_symbol **out,
			   uint32_t *offset)
{
	const struct elfinfo_symbol *best = NULL;
	size_t up = elfinfo_sym_upper(ei, addr);

	*out = NULL;
	/* sized functions/objects containing addr: none can start more than
	 * max_sym_size below it; the smallest (most specific) one wins */
	for (size_t j = up; j-- > 0;) {
		const struct elfinfo_symbol *s = &ei->syms[j];
		if (addr - s->addr >= ei->max_sym_size)
			break;
		if (s->type == ELFINFO_SYM_NOTYPE || s->size == 0 || addr - s->addr >= s->size)
			continue;
		if (!best || s->size < best->size ||
		    (s->size == best->size && elfinfo_sym_rank(s) < elfinfo_sym_rank(best)))
			best = s;
	}
	if (!best) {
		/* the nearest label at or below addr in the section holding addr */
		size_t sec = 0;
		for (size_t k = 1; k < ei->n_secs; k++)
			if (ei->secs[k].size && addr - ei->secs[k].addr < ei->secs[k].size) {
				sec = k;
				break;
			}
		for (size_t j = up; sec && j-- > 0;) {
			if (ei->syms[j].addr < ei->secs[sec].addr)
				break;
			if (ei->sym_shndx[j] == sec) {
				best = &ei->syms[j];
				break;
			}
		}
	}
	if (!best)
		return H7_ERROR_NOT_FOUND;
	*out = best;
	if (offset)
		*offset = addr - best->addr;
	return 0;
}

/* ---- DWARF lines and source text ------------------------------------------- */

static int elfinfo_load_cus(struct elfinfo *ei)
{
	Dwarf_CU *cu = NULL;
	size_t cap = 0;

	ei->cus_loaded = true;
	for (;;) {
		Dwarf_Half version;
		uint8_t unit_type;
		Dwarf_Die cudie;
		int r = dwarf_get_units(ei->dwarf, cu, &cu, &version, &unit_type, &cudie, NULL);
		if (r > 0)
			break;
		if (r < 0) {
			ei->dwarf_err = H7_ERROR_PARSE;
			elfinfo_msg(ei->dwarf_msg, sizeof(ei->dwarf_msg), "DWARF units: %s", dwarf_errmsg(-1));
			return ei->dwarf_err;
		}
		if (unit_type != DW_UT_compile)
			continue; /* type, partial and split units carry no line table of their own */
		if (ei->n_cus >= ELFINFO_MAX_CUS) {
			ei->dwarf_err = H7_ERROR_OVERFLOW;
			elfinfo_msg(ei->dwarf_msg, sizeof(ei->dwarf_msg), "more than %d compilation units",
				    ELFINFO_MAX_CUS);
			return ei->dwarf_err;
		}
		if (ei->n_cus == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct elfinfo_cu *n = realloc(ei->cus, ncap * sizeof(*n));
			if (!n)
				return H7_ERROR_NO_MEM;
			ei->cus = n;
			cap = ncap;
		}
		Dwarf_Attribute attr;
		ei->cus[ei->n_cus].die = cudie;
		ei->cus[ei->n_cus].comp_dir = dwarf_formstring(dwarf_attr(&cudie, DW_AT_comp_dir, &attr));
		ei->n_cus++;
	}
	return 0;
}

/* The row covering addr in the CU's line table, or NULL. */
static Dwarf_Line *elfinfo_cu_line(struct elfinfo *ei, struct elfinfo_cu *cu, Dwarf_Addr addr, int *err)
{
	Dwarf_Lines *lines;
	size_t n;

	if (dwarf_getsrclines(&cu->die, &lines, &n) != 0)
		return NULL; /* no line table in this CU */
	if (n > ELFINFO_MAX_LINE_ROWS) {
		*err = elfinfo_fail(ei, H7_ERROR_OVERFLOW, "line table of %zu rows (limit %d)", n,
				    ELFINFO_MAX_LINE_ROWS);
		return NULL;
	}
	return dwarf_getsrc_die(&cu->die, addr);
}

/* Build the line index of a cached source file. */
static int elfinfo_src_index(struct elfinfo_src *s)
{
	size_t n = 1;

	for (size_t i = 0; i < s->len; i++)
		if (s->data[i] == '\n' && i + 1 < s->len)
			n++;
	s->line_start = malloc(n * sizeof(*s->line_start));
	if (!s->line_start)
		return H7_ERROR_NO_MEM;
	s->line_start[0] = 0;
	s->n_lines = 1;
	for (size_t i = 0; i < s->len; i++)
		if (s->data[i] == '\n' && i + 1 < s->len)
			s->line_start[s->n_lines++] = i + 1;
	return 0;
}

/* The cached source file at path (loading it on a miss); NULL data when it
 * cannot be read. NULL only when out of memory. */
static struct elfinfo_src *elfinfo_src_get(struct elfinfo *ei, const char *path)
{
	struct elfinfo_src *s;
	uint8_t *data;
	size_t len;
	char why[ELFINFO_ERRLEN];

	for (unsigned i = 0; i < ELFINFO_SOURCE_CACHE; i++)
		if (ei->src[i].path && strcmp(ei->src[i].path, path) == 0)
			return &ei->src[i];
	s = &ei->src[ei->src_next];
	ei->src_next = (ei->src_next + 1) % ELFINFO_SOURCE_CACHE;
	elfinfo_src_free(s);
	s->path = strdup(path);
	if (!s->path)
		return NULL;
	if (elfinfo_read_file(path, ELFINFO_MAX_SOURCE_BYTES, &data, &len, why, sizeof(why)) < 0) {
		h7_dbg("source text unavailable: %s", why);
		return s;
	}
	s->data = (char *)data;
	s->len = len;
	if (elfinfo_src_index(s) < 0) {
		elfinfo_src_free(s);
		return NULL;
	}
	return s;
}

/* Copy source line `line` of s into pos->text: trimmed, control characters
 * replaced, cut at ELFINFO_MAX_TEXT bytes on a UTF-8 character boundary. */
static void elfinfo_src_text(const struct elfinfo_src *s, struct elfinfo_srcpos *pos)
{
	if (!s->data || pos->line == 0 || pos->line > s->n_lines)
		return;
	const char *p = s->data + s->line_start[pos->line - 1];
	const char *end = s->data + s->len;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	if (nl)
		end = nl;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	size_t n = (size_t)(end - p);
	if (n > ELFINFO_MAX_TEXT) {
		n = ELFINFO_MAX_TEXT;
		pos->text_truncated = true;
		/* do not split a UTF-8 sequence: drop an incomplete last one */
		size_t k = n;
		while (k > 0 && ((unsigned char)p[k - 1] & 0xC0) == 0x80 && n - k < 3)
			k--;
		if (k > 0 && (unsigned char)p[k - 1] >= 0xC0) {
			unsigned char lead = (unsigned char)p[k - 1];
			size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
			if (n - (k - 1) < need)
				n = k - 1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		pos->text[i] = c == '\t' ? ' ' : (c < 0x20 || c == 0x7F) ? '?' : (char)c;
	}
	pos->text[n] = '\0';
	pos->has_text = true;
}

static bool elfinfo_path_join(char *dst, size_t cap, const char *dir, const char *rel)
{
	int n = snprintf(dst, cap, "%s/%s", dir, rel);
	return n > 0 && (size_t)n < cap;
}

/* Fill pos->text from the recorded path or the source directory. */
static void elfinfo_pos_text(struct elfinfo *ei, const char *comp_dir, struct elfinfo_srcpos *pos)
{
	char cand[ELFINFO_MAX_PATH];
	struct elfinfo_src *s;

	if (pos->line == 0 || !pos->file[0])
		return;
	s = elfinfo_src_get(ei, pos->file);
	if (s && s->data) {
		elfinfo_src_text(s, pos);
		return;
	}
	if (!ei->source_dir)
		return;
	const char *rel = pos->file;
	size_t cl = comp_dir ? strlen(comp_dir) : 0;
	if (cl && strncmp(rel, comp_dir, cl) == 0 && rel[cl] == '/')
		rel += cl + 1;
	while (*rel == '/')
		rel++;
	if (elfinfo_path_join(cand, sizeof(cand), ei->source_dir, rel)) {
		s = elfinfo_src_get(ei, cand);
		if (s && s->data) {
			elfinfo_src_text(s, pos);
			return;
		}
	}
	if (elfinfo_path_join(cand, sizeof(cand), ei->source_dir, elfinfo_path_base(pos->file))) {
		s = elfinfo_src_get(ei, cand);
		if (s && s->data)
			elfinfo_src_text(s, pos);
	}
}

/* pos->file = file, joined to comp_dir when relative. A path that does not
 * fit is cut at the front ("...tail") and false is returned (no text then). */
static bool elfinfo_pos_file(struct elfinfo_srcpos *pos, const char *comp_dir, const char *file)
{
	int n;

	if (file[0] != '/' && comp_dir && comp_dir[0])
		n = snprintf(pos->file, sizeof(pos->file), "%s/%s", comp_dir, file);
	else
		n = snprintf(pos->file, sizeof(pos->file), "%s", file);
	if (n > 0 && (size_t)n < sizeof(pos->file))
		return true;
	size_t fl = strlen(file);
	const char *tail = fl >= sizeof(pos->file) - 4 ? file + fl - (sizeof(pos->file) - 4) : file;
	snprintf(pos->file, sizeof(pos->file), "...%s", tail);
	return false;
}

static void elfinfo_copy_name(char *dst, size_t cap, const char *name)
{
	size_t n = name ? strnlen(name, cap - 1) : 0;
	if (n)
		memcpy(dst, name, n);
	dst[n] = '\0';
}

/* The enclosing function and the outermost inlined call site of pc: follow
 * the DIEs whose ranges hold pc down from the CU (iteratively, at most
 * ELFINFO_MAX_DIE_DEPTH deep and ELFINFO_MAX_DIE_VISITS DIEs, so corrupt
 * sibling chains or deep nesting cannot loop or exhaust the stack). DWARF 5
 * section 3.3.8.2 "Concrete Inlined Instances": DW_AT_call_file/_line/_column.
 * Missing information leaves the fields empty; it is never an error. */
static void elfinfo_scopes(struct elfinfo *ei, struct elfinfo_cu *cu, Dwarf_Addr pc, struct elfinfo_line *out)
{
	Dwarf_Die die = cu->die, child;
	unsigned visits = 0;

	for (unsigned depth = 0; depth < ELFINFO_MAX_DIE_DEPTH; depth++) {
		bool descended = false;
		if (dwarf_child(&die, &child) != 0)
			return;
		do {
			if (++visits > ELFINFO_MAX_DIE_VISITS)
				return;
			int tag = dwarf_tag(&child);
			if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine && tag != DW_TAG_lexical_block)
				continue;
			if (dwarf_haspc(&child, pc) <= 0)
				continue;
			if (tag == DW_TAG_subprogram && !out->func[0])
				elfinfo_copy_name(out->func, sizeof(out->func), dwarf_diename(&child));
			if (tag == DW_TAG_inlined_subroutine && !out->inlined) {
				Dwarf_Attribute a;
				Dwarf_Word fidx = 0, line = 0, col = 0;
				Dwarf_Files *files;
				size_t nfiles;
				const char *fname = NULL;
				if (dwarf_formudata(dwarf_attr(&child, DW_AT_call_file, &a), &fidx) == 0 &&
				    dwarf_getsrcfiles(&cu->die, &files, &nfiles) == 0 && fidx < nfiles)
					fname = dwarf_filesrc(files, fidx, NULL, NULL);
				(void)dwarf_formudata(dwarf_attr(&child, DW_AT_call_line, &a), &line);
				(void)dwarf_formudata(dwarf_attr(&child, DW_AT_call_column, &a), &col);
				out->inlined = true;
				elfinfo_copy_name(out->inline_func, sizeof(out->inline_func), dwarf_diename(&child));
				if (fname && line > 0 && line <= UINT32_MAX) {
					bool fits = elfinfo_pos_file(&out->call, cu->comp_dir, fname);
					out->call.line = (unsigned)line;
					out->call.column = col <= UINT32_MAX ? (unsigned)col : 0;
					if (fits)
						elfinfo_pos_text(ei, cu->comp_dir, &out->call);
				}
			}
			die = child;
			descended = true;
			break;
		} while (dwarf_siblingof(&child, &child) == 0);
		if (!descended)
			return;
	}
}

int elfinfo_line_for_addr(struct elfinfo *ei, uint32_t addr, struct elfinfo_line *out)
{
	Dwarf_Line *row = NULL;
	struct elfinfo_cu *cu = NULL;
	int err = 0, rc;

	memset(out, 0, sizeof(*out));
	ei->errmsg[0] = '\0';
	if (ei->dwarf_err)
		return elfinfo_fail(ei, ei->dwarf_err, "%s", ei->dwarf_msg);
	if (!ei->dwarf)
		return elfinfo_fail(ei, H7_ERROR_NOT_FOUND, "no DWARF line information");
	if (!ei->cus_loaded) {
		rc = elfinfo_load_cus(ei);
		if (rc < 0)
			return elfinfo_fail(ei, rc, "%s", rc == H7_ERROR_NO_MEM ? "out of memory" : ei->dwarf_msg);
	}
	/* the CU whose address ranges hold addr; then any CU whose line table
	 * covers it (CUs without DW_AT_ranges/low_pc) */
	for (size_t i = 0; i < ei->n_cus && !row && !err; i++)
		if (dwarf_haspc(&ei->cus[i].die, addr) > 0) {
			cu = &ei->cus[i];
			row = elfinfo_cu_line(ei, cu, addr, &err);
		}
	for (size_t i = 0; i < ei->n_cus && !row && !err; i++) {
		Dwarf_Addr lo;
		if (dwarf_lowpc(&ei->cus[i].die, &lo) == 0 || dwarf_hasattr(&ei->cus[i].die, DW_AT_ranges))
			continue; /* has ranges and did not match above */
		cu = &ei->cus[i];
		row = elfinfo_cu_line(ei, cu, addr, &err);
	}
	if (err)
		return err;
	if (!row)
		return elfinfo_fail(ei, H7_ERROR_NOT_FOUND, "no line information for 0x%08x", addr);

	Dwarf_Addr raddr = 0;
	int lineno = 0, col = 0;
	bool stmt = false;
	const char *file = dwarf_linesrc(row, NULL, NULL);
	if (dwarf_lineaddr(row, &raddr) != 0 || dwarf_lineno(row, &lineno) != 0 || !file)
		return elfinfo_fail(ei, H7_ERROR_PARSE, "bad line table row for 0x%08x: %s", addr, dwarf_errmsg(-1));
	(void)dwarf_linecol(row, &col);
	(void)dwarf_linebeginstatement(row, &stmt);

	bool fits = elfinfo_pos_file(&out->pos, cu->comp_dir, file);
	out->addr = (uint32_t)raddr;
	out->is_stmt = stmt;
	out->pos.line = lineno > 0 ? (unsigned)lineno : 0;
	out->pos.column = col > 0 ? (unsigned)col : 0;
	if (fits)
		elfinfo_pos_text(ei, cu->comp_dir, &out->pos);
	elfinfo_scopes(ei, cu, addr, out);
	return 0;
}

const char *elfinfo_path_base(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int elfinfo_set_source_dir(struct elfinfo *ei, const char *dir)
{
	char *copy = NULL;

	if (dir) {
		if (strlen(dir) >= ELFINFO_MAX_PATH)
			return H7_ERROR_INVALID_PARAM;
		copy = strdup(dir);
		if (!copy)
			return H7_ERROR_NO_MEM;
	}
	free(ei->source_dir);
	ei->source_dir = copy;
	return 0;
}
