/* ELF/DWARF information about a Cortex-M firmware image (libelf + libdw,
 * elfutils): the entry point, the PT_LOAD segments (with a CRC-32 per segment
 * for checking that the target's flash holds the image), symbols by name and
 * by address (Thumb bit handled), and DWARF line info (address -> file, line,
 * column and the text of that source line).
 *
 * Only 32-bit little-endian ARM executables are accepted (ELF for the Arm
 * Architecture, IHI 0044). Parsing is a pure function over a buffer
 * (elfinfo_open_mem, what a fuzzer calls); before libelf/libdw see the bytes,
 * the ELF header, program headers, section headers, symbol table, string
 * tables, the sizes of compressed debug sections and the unit lengths of
 * .debug_line are checked against the limits below. Truncated, corrupt or
 * hostile input gives H7_ERROR_PARSE, H7_ERROR_OVERFLOW or
 * H7_ERROR_NOT_SUPPORTED with a message, never a crash.
 *
 * Ownership, libusb style: elfinfo_open* hand out a handle the caller frees
 * with elfinfo_close(); every pointer returned by a lookup (symbol names,
 * segment bytes) points into the handle and stays valid until elfinfo_close.
 * A handle is not thread-safe (line lookups cache source files).
 */
#ifndef H7_ELFINFO_H
#define H7_ELFINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELFINFO_MAX_FILE_BYTES (64u << 20)   /* whole ELF file */
#define ELFINFO_MAX_SECTIONS 4096
#define ELFINFO_MAX_SEGMENTS 64              /* program headers of any type */
#define ELFINFO_MAX_SYMBOLS 262144
#define ELFINFO_MAX_NAME 4096                /* bytes of a symbol or section name */
#define ELFINFO_MAX_DEBUG_BYTES (128u << 20) /* a debug section, decompressed */
#define ELFINFO_MAX_LINE_UNIT (2u << 20)     /* one CU's .debug_line program */
#define ELFINFO_MAX_LINE_ROWS 1000000        /* rows of one CU's line table */
#define ELFINFO_MAX_CUS 65536
#define ELFINFO_MAX_PATH 1024                /* a source path (longer: no text) */
#define ELFINFO_MAX_SOURCE_BYTES (16u << 20) /* a source file read for line text */
#define ELFINFO_MAX_TEXT 200                 /* bytes of source text returned */
#define ELFINFO_MAX_FUNC 128                 /* bytes of a function name returned (cut) */
#define ELFINFO_MAX_DIE_DEPTH 64             /* DIE nesting followed for inlined code */
#define ELFINFO_MAX_DIE_VISITS 1000000       /* DIEs visited per lookup */
#define ELFINFO_SOURCE_CACHE 8               /* source files kept open per handle */

struct elfinfo;

struct elfinfo_segment {
	unsigned index;  /* program header index */
	uint32_t offset; /* file offset of the bytes */
	uint32_t vaddr;  /* run-time address (VMA) */
	uint32_t paddr;  /* load address (LMA): where the bytes live in flash */
	uint32_t filesz; /* bytes in the file (0 for .bss-only segments) */
	uint32_t memsz;  /* bytes in memory (>= filesz) */
	uint32_t flags;  /* PF_R / PF_W / PF_X */
};

enum elfinfo_sym_type {
	ELFINFO_SYM_NOTYPE = 0, /* linker symbols such as _estack, asm labels */
	ELFINFO_SYM_FUNC = 1,
	ELFINFO_SYM_OBJECT = 2
};

struct elfinfo_symbol {
	const char *name;           /* owned by the handle */
	uint32_t addr;              /* st_value without the Thumb bit */
	uint32_t size;              /* st_size (0 when unknown) */
	enum elfinfo_sym_type type;
	bool thumb;                 /* a Thumb function: st_value had bit 0 set */
	bool global;                /* STB_GLOBAL or STB_WEAK */
	bool absolute;              /* SHN_ABS (e.g. _estack from the linker script) */
};

/* A position in a source file. */
struct elfinfo_srcpos {
	char file[ELFINFO_MAX_PATH]; /* path as recorded, joined to comp_dir when relative; "" if none */
	unsigned line;               /* 1-based; 0 means "no source line" (compiler-generated) */
	unsigned column;             /* 0 when unknown */
	bool has_text;               /* text holds the source line */
	bool text_truncated;         /* the line was longer than ELFINFO_MAX_TEXT */
	char text[ELFINFO_MAX_TEXT + 1]; /* trimmed, tabs as spaces, control characters as '?' */
};

struct elfinfo_line {
	uint32_t addr;             /* address of the line-table row that covers the lookup */
	bool is_stmt;              /* the row is a recommended breakpoint location */
	struct elfinfo_srcpos pos; /* the row's file, line, column (and text) */
	char func[ELFINFO_MAX_FUNC]; /* DW_AT_name of the function (subprogram) holding addr, or "" */
	/* addr is in code inlined into func (a CMSIS intrinsic such as
	 * __disable_irq, a static inline helper): pos is inside the inlined
	 * body, call is the outermost call site, i.e. the line of func that the
	 * user wrote, and inline_func names the function inlined there. */
	bool inlined;
	char inline_func[ELFINFO_MAX_FUNC];
	struct elfinfo_srcpos call;
};

/* Open the ELF file at path (at most ELFINFO_MAX_FILE_BYTES, read into
 * memory). On success *out is a new handle and 0 is returned; otherwise a
 * negative enum h7_error (H7_ERROR_NOT_FOUND, H7_ERROR_ACCESS, H7_ERROR_IO,
 * H7_ERROR_OVERFLOW, H7_ERROR_PARSE, H7_ERROR_NOT_SUPPORTED, H7_ERROR_NO_MEM)
 * with a one-line message in err (may be NULL), and *out is NULL. Relative
 * source paths are resolved against DW_AT_comp_dir. */
int elfinfo_open(const char *path, struct elfinfo **out, char *err, size_t errlen);

/* The same from a buffer holding a whole ELF file; the bytes are copied, so
 * buf may be freed after the call. */
int elfinfo_open_mem(const void *buf, size_t len, struct elfinfo **out, char *err, size_t errlen);

/* Release everything the handle holds; NULL is a no-op. */
void elfinfo_close(struct elfinfo *ei);

/* The message of the last failed lookup on ei ("" if none); never NULL. */
const char *elfinfo_last_error(const struct elfinfo *ei);

/* e_entry without the Thumb bit; *thumb (may be NULL) says whether bit 0 was
 * set (a Thumb entry function, the normal case on Cortex-M). */
uint32_t elfinfo_entry(const struct elfinfo *ei, bool *thumb);

/* Whether the file has usable DWARF line information. A file without DWARF
 * opens fine; line lookups then give H7_ERROR_NOT_FOUND. Debug information
 * that fails the checks (a .debug_line unit running past its section or
 * larger than ELFINFO_MAX_LINE_UNIT, GNU .zdebug_* sections) does not fail
 * the open either: line lookups return the reason (H7_ERROR_PARSE,
 * H7_ERROR_OVERFLOW, H7_ERROR_NOT_SUPPORTED) and elfinfo_last_error says it. */
bool elfinfo_has_dwarf(const struct elfinfo *ei);

/* PT_LOAD segments, in program header order. *n gets the count. */
const struct elfinfo_segment *elfinfo_segments(const struct elfinfo *ei, size_t *n);

/* The filesz bytes of segment i (points into the handle; NULL and *len 0 for
 * a segment without file bytes). H7_ERROR_INVALID_PARAM for a bad index. */
int elfinfo_segment_bytes(const struct elfinfo *ei, size_t i, const uint8_t **data, size_t *len);

/* CRC-32 of segment i's file bytes (the ones the flash must hold at paddr).
 * H7_ERROR_INVALID_PARAM for a bad index. */
int elfinfo_segment_crc32(const struct elfinfo *ei, size_t i, uint32_t *crc);

/* The CRC-32 of IEEE 802.3 / zlib crc32() (reflected polynomial 0xEDB88320,
 * initial and final XOR 0xFFFFFFFF). Chain calls by passing the previous
 * result as crc; start with 0. elfinfo_crc32(0, "123456789", 9) == 0xCBF43926. */
uint32_t elfinfo_crc32(uint32_t crc, const void *data, size_t len);

/* Symbols kept from .symtab: functions, objects and untyped symbols (linker
 * symbols), without section/file symbols, undefined symbols and the ARM
 * mapping symbols ($a, $t, $d). Sorted by address. */
size_t elfinfo_symbol_count(const struct elfinfo *ei);
const struct elfinfo_symbol *elfinfo_symbol_at(const struct elfinfo *ei, size_t i);

/* Symbol by exact name: a global definition is preferred over local ones
 * (static functions of the same name), then a function or object over an
 * untyped symbol. 0, or H7_ERROR_NOT_FOUND. */
int elfinfo_symbol_by_name(const struct elfinfo *ei, const char *name, const struct elfinfo_symbol **out);

/* The symbol containing addr (pass the address as the core sees it: the PC
 * without the Thumb bit): a function or object with addr in [start,
 * start+size); failing that, the nearest symbol at or below addr in the same
 * section (size-0 labels). *offset (may be NULL) gets addr - start.
 * 0, or H7_ERROR_NOT_FOUND. */
int elfinfo_symbol_by_addr(const struct elfinfo *ei, uint32_t addr, const struct elfinfo_symbol **out,
			   uint32_t *offset);

/* DWARF line info for addr: the line-table row covering it, its file, line
 * and column, the enclosing function, the call site when the code is inlined,
 * and the text of those lines when the source file can be read
 * (a regular file of at most ELFINFO_MAX_SOURCE_BYTES at the recorded path
 * or, failing that, under the directory given to elfinfo_set_source_dir).
 * A missing or unreadable source is not an error (has_text false).
 * 0; H7_ERROR_NOT_FOUND when no line table covers addr (or no DWARF);
 * H7_ERROR_PARSE / H7_ERROR_OVERFLOW for a corrupt or oversized line table,
 * H7_ERROR_NOT_SUPPORTED for GNU-style compressed debug sections. */
int elfinfo_line_for_addr(struct elfinfo *ei, uint32_t addr, struct elfinfo_line *out);

/* A directory to look for sources in when the recorded path is not readable
 * (the tree was built elsewhere): DIR/<path relative to comp_dir>, then
 * DIR/<base name>. NULL clears it. H7_ERROR_INVALID_PARAM if too long,
 * H7_ERROR_NO_MEM. */
int elfinfo_set_source_dir(struct elfinfo *ei, const char *dir);

/* The last component of a path ("main.c" for "/src/app/main.c"); points into path. */
const char *elfinfo_path_base(const char *path);

#endif
