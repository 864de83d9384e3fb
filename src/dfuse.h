/* DfuSe: pure parsers for what the STM32 ROM bootloader's USB DFU device says.
 *
 * Everything here is a pure function over a caller-supplied buffer: no I/O, no
 * allocation, no global state, bounded loops. Bad input gives a negative
 * enum h7_error (H7_ERROR_PARSE, H7_ERROR_OVERFLOW) and a message, or a warning
 * in a struct dfuse_warnings; never a crash. The fuzz targets of a later issue
 * call these functions directly.
 *
 * Sources:
 *   USB 2.0 specification, chapter 9 (standard descriptors, GET_DESCRIPTOR)
 *   USB DFU 1.1 specification (DFU functional descriptor, DFU_GETSTATUS,
 *       states and status codes, interface class 0xFE subclass 0x01)
 *   UM0424 / ST "DfuSe USB device firmware upgrade" (DfuSe 1.1a extensions,
 *       the "@name/0xADDR/NN*SSSa" memory-layout string in an alt setting's
 *       iInterface string); dfu-util dfuse_mem.c parses the same format
 *   AN2606 (STM32 system memory boot mode: the ROM's DFU device)
 *   dfu-util quirks.c (ROM descriptor quirks)
 */
#ifndef H7_DFUSE_H
#define H7_DFUSE_H

#include <stddef.h>
#include <stdint.h>

/* ---- limits (every parser is bounded by these) ---- */
#define DFUSE_MAX_ALTS 16      /* alt settings kept from one configuration */
#define DFUSE_MAX_REGIONS 32   /* sector groups kept from one layout string */
#define DFUSE_NAME_MAX 64      /* memory name of a layout, NUL included */
#define DFUSE_STR_MAX 256      /* a decoded string descriptor, UTF-8, NUL included */
#define DFUSE_MAX_WARNINGS 24
#define DFUSE_WARN_TEXT 200
#define DFUSE_CONFIG_MAX 4096  /* largest configuration descriptor looked at */

/* ---- warnings: stable ids (JSON "id"), free text for people ---- */
enum dfuse_warn_code {
	DFUSE_W_STRING_TRUNCATED = 1, /* a string descriptor is shorter than its bLength */
	DFUSE_W_STRING_ODD,           /* bLength odd or a string holds 8-bit text */
	DFUSE_W_BAD_LENGTH,           /* a descriptor's bLength is impossible */
	DFUSE_W_CONFIG_TRUNCATED,     /* wTotalLength larger than the data returned */
	DFUSE_W_NO_FUNCTIONAL,        /* no DFU functional descriptor */
	DFUSE_W_FUNCTIONAL_SHORT,     /* a functional descriptor shorter than 9 bytes */
	DFUSE_W_NO_LAYOUT,            /* an alt string without a DfuSe memory layout */
	DFUSE_W_LAYOUT_INVALID,       /* an alt string with a layout that does not parse */
	DFUSE_W_TOO_MANY,             /* more alt settings or regions than kept */
	DFUSE_W_NOT_ROM,              /* not the STM32 ROM bootloader's identity */
	DFUSE_W_RUNTIME_MODE,         /* DFU runtime interface (protocol 1), not DFU mode */
	DFUSE_W_DFU_VERSION,          /* bcdDFUVersion is not DfuSe 1.1a */
	DFUSE_W_TRANSFER_SIZE,        /* wTransferSize differs from the family's */
	DFUSE_W_FLASH_SIZE,           /* alt layout size differs from the part's flash size */
	DFUSE_W_SERIAL,               /* serial does not derive from the part's IDCODE */
	DFUSE_W_LAYOUT_BASE,          /* a layout base differs from the part's memory map */
	DFUSE_W_STATUS,               /* DFU_GETSTATUS reports an error or an odd state */
	DFUSE_W_AMBIGUOUS,            /* several devices match the selection */
	DFUSE_W_NO_STATUS,            /* DFU_GETSTATUS could not be issued */
	DFUSE_W_NOT_READ,             /* a descriptor or string could not be read */
	DFUSE_W_PART_UNKNOWN,         /* part-specific checks skipped */
	DFUSE_W__COUNT
};

struct dfuse_warning {
	int code;                    /* enum dfuse_warn_code */
	char text[DFUSE_WARN_TEXT];  /* one sentence, no trailing newline */
};

struct dfuse_warnings {
	int n;        /* entries used in w[] */
	int dropped;  /* warnings that did not fit */
	struct dfuse_warning w[DFUSE_MAX_WARNINGS];
};

/* Append a warning (printf-style text; truncated to DFUSE_WARN_TEXT). A NULL
 * list is allowed and ignored; a full list counts the warning in `dropped`. */
void dfuse_warn(struct dfuse_warnings *w, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Stable id of a warning code, e.g. "string-truncated"; "unknown" if out of range. */
const char *dfuse_warn_id(int code);
/* 1 if the list holds a warning with this code. */
int dfuse_has_warning(const struct dfuse_warnings *w, int code);

/* ---- DfuSe memory layout string ---- */

/* Region attributes: the letter after the sector size, 'a'..'g', is a bit
 * field in its low 3 bits (UM0424; dfu-util dfuse_mem.h). */
#define DFUSE_ATTR_READABLE 0x1u
#define DFUSE_ATTR_ERASABLE 0x2u
#define DFUSE_ATTR_WRITABLE 0x4u

struct dfuse_region {
	uint32_t base;     /* address of the first sector */
	uint32_t count;    /* number of sectors */
	uint32_t size;     /* bytes per sector */
	uint8_t attr;      /* DFUSE_ATTR_* */
	char attr_char;    /* as written, 'a'..'g' */
	char unit;         /* as written: ' ', 'B', 'K' or 'M' */
};

struct dfuse_layout {
	char name[DFUSE_NAME_MAX]; /* "Internal Flash" (surrounding blanks removed) */
	int n_regions;
	struct dfuse_region region[DFUSE_MAX_REGIONS];
	uint64_t total;            /* sum of count * size over all regions */
};

/* Parse "@Internal Flash   /0x08000000/16*128Kg" (grammar:
 * '@' name ('/' 0xADDR '/' N '*' SIZE UNIT ATTR (',' N '*' SIZE UNIT ATTR)*)+).
 * s need not be NUL-terminated; at most len bytes (<= DFUSE_STR_MAX) are read.
 * Returns 0, H7_ERROR_PARSE (not a layout: err says where and why),
 * H7_ERROR_OVERFLOW (more than DFUSE_MAX_REGIONS groups, a region past 4 GiB,
 * a name longer than DFUSE_NAME_MAX - 1). err may be NULL. */
int dfuse_parse_layout(const char *s, size_t len, struct dfuse_layout *out, char *err, size_t errlen);

/* "rwe"-style text of an attribute byte ("r-e" etc.), for reports. */
const char *dfuse_attr_text(uint8_t attr);

/* ---- standard and DFU descriptors ---- */

struct dfuse_device_desc {
	uint16_t bcdUSB;
	uint8_t bDeviceClass, bDeviceSubClass, bDeviceProtocol, bMaxPacketSize0;
	uint16_t idVendor, idProduct, bcdDevice;
	uint8_t iManufacturer, iProduct, iSerialNumber, bNumConfigurations;
};

/* Parse an 18-byte device descriptor (USB 2.0 9.6.1). Returns 0 or
 * H7_ERROR_PARSE (too short, wrong bDescriptorType, bLength < 18). */
int dfuse_parse_device_desc(const uint8_t *buf, size_t len, struct dfuse_device_desc *out,
			    struct dfuse_warnings *w);

struct dfuse_alt {
	uint8_t bInterfaceNumber, bAlternateSetting;
	uint8_t bInterfaceClass, bInterfaceSubClass, bInterfaceProtocol;
	uint8_t iInterface;
};

/* DFU functional descriptor (DFU 1.1 4.1.3, type 0x21). */
struct dfuse_func_desc {
	int present;
	uint8_t bLength;
	uint8_t bmAttributes;   /* bit0 canDnload, bit1 canUpload, bit2 manifestationTolerant,
				   bit3 willDetach */
	uint16_t wDetachTimeOut; /* ms */
	uint16_t wTransferSize;  /* bytes; 0 when the descriptor is the 7-byte DFU 1.0 form */
	uint16_t bcdDFUVersion;  /* 0x011A = DfuSe 1.1a, 0x0110 = DFU 1.1; 0 when absent */
};

struct dfuse_config {
	uint16_t wTotalLength;     /* as the descriptor claims */
	uint16_t parsed;           /* bytes actually walked */
	uint8_t bNumInterfaces, bConfigurationValue, bmAttributes, bMaxPower;
	int n_alts;                /* DFU interface alt settings (class 0xFE subclass 0x01) */
	struct dfuse_alt alt[DFUSE_MAX_ALTS];
	int n_other;               /* interface descriptors that are not DFU */
	struct dfuse_func_desc func;
};

/* Walk a configuration descriptor and what follows it (USB 2.0 9.6.3).
 * Returns 0 (possibly with warnings: bad bLength stops the walk, wTotalLength
 * larger than len, missing functional descriptor), or H7_ERROR_PARSE when the
 * header itself is unusable. At most DFUSE_CONFIG_MAX bytes are looked at. */
int dfuse_parse_config(const uint8_t *buf, size_t len, struct dfuse_config *out, struct dfuse_warnings *w);

/* Decode a string descriptor (USB 2.0 9.6.7, UTF-16LE) into UTF-8 text.
 * len is what the device returned. Stops at an embedded NUL. Characters
 * outside the Basic Multilingual Plane become '?'. Sets *truncated when the
 * descriptor is shorter than its bLength claims, has an odd bLength, or does
 * not fit in out. what names the string in warnings ("product", "alt 0").
 * Returns the text length, or H7_ERROR_PARSE (len < 2, wrong type). */
int dfuse_parse_string(const uint8_t *buf, size_t len, char *out, size_t outsz, int *truncated,
		       const char *what, struct dfuse_warnings *w);

/* ---- DFU_GETSTATUS (DFU 1.1 6.1.2) ---- */

struct dfuse_status {
	uint8_t bStatus;        /* 0 = OK */
	uint32_t bwPollTimeout; /* ms, 24 bits */
	uint8_t bState;         /* 2 = dfuIDLE */
	uint8_t iString;
};

#define DFUSE_STATE_DFU_IDLE 2
#define DFUSE_STATE_DFU_ERROR 10

/* Parse the 6-byte GETSTATUS reply. Returns 0 or H7_ERROR_PARSE (short). */
int dfuse_parse_status(const uint8_t *buf, size_t len, struct dfuse_status *out);
/* "dfuIDLE", "errTARGET", ...; "unknown" out of range. */
const char *dfuse_state_name(uint8_t state);
const char *dfuse_status_name(uint8_t status);

/* ---- everything read from one DFU device, and checks against the part ---- */

struct dfuse_alt_info {
	uint8_t alt;                /* bAlternateSetting */
	uint8_t iInterface;
	char name[DFUSE_STR_MAX];   /* "" when not read */
	int name_read;              /* the string was read */
	int name_truncated;
	int has_layout;             /* layout parsed */
	struct dfuse_layout layout;
};

struct dfuse_info {
	struct dfuse_device_desc dev;
	char manufacturer[DFUSE_STR_MAX], product[DFUSE_STR_MAX], serial[DFUSE_STR_MAX];
	int strings_read;           /* the device could be opened and strings read */
	struct dfuse_config config;
	int n_alts;
	struct dfuse_alt_info alts[DFUSE_MAX_ALTS];
	int has_status;
	struct dfuse_status status;
};

/* Parse every alt name into its layout (sets has_layout), with a warning for
 * each name that is not a layout or fails to parse. */
void dfuse_parse_alt_layouts(struct dfuse_info *info, struct dfuse_warnings *w);

/* Reads string descriptor idx (0: none) of the device into out, decoded
 * (dfuse_parse_string); what names it in warnings. 0, or an error that ends
 * the reading (the device left). */
typedef int (*dfuse_string_reader)(void *ctx, uint8_t idx, char *out, size_t outsz, int *truncated, const char *what,
				   struct dfuse_warnings *w);
/* The strings of a described device, in the order a host asks for them:
 * manufacturer, product, serial number, then each alt setting of
 * info->config (info->alts filled: alt, iInterface, name). 0 or rd's error. */
int dfuse_read_strings(struct dfuse_info *info, dfuse_string_reader rd, void *ctx, struct dfuse_warnings *w);

/* The part under test as the target side detected it; 0 = unknown. */
struct dfuse_part {
	uint16_t dev_id;    /* DBGMCU_IDC DEV_ID (bits 11:0), e.g. 0x450 */
	uint32_t idcode;    /* the whole DBGMCU_IDC value */
	uint32_t flash_kib; /* flash-size register (0x1FF1E880 on H74x/H75x), KiB */
};

/* Compare what the device reported with the STM32 ROM bootloader's known
 * identity and with the part: warnings only (the device is never rejected). */
void dfuse_check(const struct dfuse_info *info, const struct dfuse_part *part, struct dfuse_warnings *w);

/* The serial number the H7 ROM derives from DBGMCU_IDC: "%08X" + "0000"
 * (domain notes; an inference from boards seen, not an ST document). */
void dfuse_expected_serial(uint32_t idcode, char out[13]);

#endif
