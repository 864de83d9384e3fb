/* DfuSe and USB descriptor parsers (see dfuse.h for the sources). Pure. */
#include "dfuse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "h7jumpdiag/error.h"

/* ---------------------------------------------------------------- warnings */

static const char *const warn_ids[DFUSE_W__COUNT] = {
	[DFUSE_W_STRING_TRUNCATED] = "string-truncated",
	[DFUSE_W_STRING_ODD] = "string-encoding",
	[DFUSE_W_BAD_LENGTH] = "bad-descriptor-length",
	[DFUSE_W_CONFIG_TRUNCATED] = "config-truncated",
	[DFUSE_W_NO_FUNCTIONAL] = "no-functional-descriptor",
	[DFUSE_W_FUNCTIONAL_SHORT] = "functional-descriptor-short",
	[DFUSE_W_NO_LAYOUT] = "alt-without-layout",
	[DFUSE_W_LAYOUT_INVALID] = "layout-invalid",
	[DFUSE_W_TOO_MANY] = "too-many",
	[DFUSE_W_NOT_ROM] = "not-rom-bootloader",
	[DFUSE_W_RUNTIME_MODE] = "dfu-runtime-mode",
	[DFUSE_W_DFU_VERSION] = "dfu-version",
	[DFUSE_W_TRANSFER_SIZE] = "transfer-size",
	[DFUSE_W_FLASH_SIZE] = "flash-size-mismatch",
	[DFUSE_W_SERIAL] = "serial-mismatch",
	[DFUSE_W_LAYOUT_BASE] = "layout-base",
	[DFUSE_W_STATUS] = "dfu-status",
	[DFUSE_W_AMBIGUOUS] = "ambiguous-device",
	[DFUSE_W_NO_STATUS] = "no-dfu-status",
	[DFUSE_W_NOT_READ] = "not-read",
	[DFUSE_W_PART_UNKNOWN] = "part-unknown",
};

void dfuse_warn(struct dfuse_warnings *w, int code, const char *fmt, ...)
{
	va_list ap;

	if (!w)
		return;
	if (w->n >= DFUSE_MAX_WARNINGS) {
		w->dropped++;
		return;
	}
	w->w[w->n].code = code;
	va_start(ap, fmt);
	vsnprintf(w->w[w->n].text, sizeof w->w[w->n].text, fmt, ap);
	va_end(ap);
	w->n++;
}

const char *dfuse_warn_id(int code)
{
	if (code <= 0 || code >= DFUSE_W__COUNT || !warn_ids[code])
		return "unknown";
	return warn_ids[code];
}

int dfuse_has_warning(const struct dfuse_warnings *w, int code)
{
	for (int i = 0; w && i < w->n; i++)
		if (w->w[i].code == code)
			return 1;
	return 0;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* ----------------------------------------------------------- layout string */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A decimal number of at most 9 digits at s[*i]; advances *i. */
static int parse_dec(const char *s, size_t n, size_t *i, uint32_t *out)
{
	uint32_t v = 0;
	size_t start = *i;

	while (*i < n && is_digit(s[*i])) {
		if (*i - start >= 9)
			return -1;
		v = v * 10 + (uint32_t)(s[*i] - '0');
		(*i)++;
	}
	if (*i == start)
		return -1;
	*out = v;
	return 0;
}

/* The attribute letters 'a'..'g' are bit fields (UM0424 DfuSe memory
 * descriptor): bit 0 readable, bit 1 erasable, bit 2 writable. */
const char *dfuse_attr_text(uint8_t attr)
{
	static const char *const text[8] = { "---", "r--", "-e-", "re-", "--w", "r-w", "-ew", "rew" };
	return text[attr & 7];
}

int dfuse_parse_layout(const char *s, size_t len, struct dfuse_layout *out, char *err, size_t errlen)
{
	size_t n = 0, i, name_end, a, b;

	memset(out, 0, sizeof *out);
	if (!s) {
		set_err(err, errlen, "no string");
		return H7_ERROR_PARSE;
	}
	if (len > DFUSE_STR_MAX) {
		set_err(err, errlen, "longer than %d bytes", DFUSE_STR_MAX);
		return H7_ERROR_OVERFLOW;
	}
	while (n < len && s[n])
		n++;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || s[0] != '@') {
		set_err(err, errlen, "does not start with '@'");
		return H7_ERROR_PARSE;
	}
	for (name_end = 1; name_end < n && s[name_end] != '/'; name_end++)
		;
	if (name_end >= n) {
		set_err(err, errlen, "no '/' after the memory name");
		return H7_ERROR_PARSE;
	}
	a = 1;
	b = name_end;
	while (a < b && s[a] == ' ')
		a++;
	while (b > a && s[b - 1] == ' ')
		b--;
	if (b - a >= sizeof out->name) {
		set_err(err, errlen, "memory name longer than %zu characters", sizeof out->name - 1);
		return H7_ERROR_OVERFLOW;
	}
	memcpy(out->name, s + a, b - a);
	out->name[b - a] = '\0';

	i = name_end;
	while (i < n) {
		uint64_t base = 0;
		int digits = 0;

		/* '/' 0xADDR '/' */
		i++; /* the '/' */
		if (i + 2 > n || s[i] != '0' || (s[i + 1] != 'x' && s[i + 1] != 'X')) {
			set_err(err, errlen, "offset %zu: expected an address 0x...", i);
			return H7_ERROR_PARSE;
		}
		i += 2;
		while (i < n && hex_val(s[i]) >= 0) {
			if (++digits > 8) {
				set_err(err, errlen, "offset %zu: address longer than 8 hex digits", i);
				return H7_ERROR_PARSE;
			}
			base = base << 4 | (uint64_t)hex_val(s[i]);
			i++;
		}
		if (!digits || i >= n || s[i] != '/') {
			set_err(err, errlen, "offset %zu: expected '/' after the address", i);
			return H7_ERROR_PARSE;
		}
		i++;
		/* N '*' SIZE UNIT ATTR (',' ...)* */
		for (;;) {
			struct dfuse_region *r;
			uint32_t count, size, mult = 1;
			uint64_t bytes;
			char unit, attr;

			if (parse_dec(s, n, &i, &count) || count == 0) {
				set_err(err, errlen, "offset %zu: expected a sector count", i);
				return H7_ERROR_PARSE;
			}
			if (i >= n || s[i] != '*') {
				set_err(err, errlen, "offset %zu: expected '*' after the sector count", i);
				return H7_ERROR_PARSE;
			}
			i++;
			if (parse_dec(s, n, &i, &size) || size == 0) {
				set_err(err, errlen, "offset %zu: expected a sector size", i);
				return H7_ERROR_PARSE;
			}
			if (i + 2 > n) {
				set_err(err, errlen, "offset %zu: the string ends inside a sector group", i);
				return H7_ERROR_PARSE;
			}
			unit = s[i];
			attr = s[i + 1];
			switch (unit) {
			case ' ':
			case 'B':
				mult = 1;
				break;
			case 'K':
				mult = 1024;
				break;
			case 'M':
				mult = 1024 * 1024;
				break;
			default:
				set_err(err, errlen, "offset %zu: unknown size unit '%c' (expected ' ', B, K or M)", i,
					unit);
				return H7_ERROR_PARSE;
			}
			if (attr < 'a' || attr > 'g') {
				set_err(err, errlen, "offset %zu: unknown attribute '%c' (expected a-g)", i + 1, attr);
				return H7_ERROR_PARSE;
			}
			i += 2;
			bytes = (uint64_t)count * size * mult;
			if ((uint64_t)size * mult > 0xFFFFFFFFull || base + bytes > 0x100000000ull) {
				set_err(err, errlen, "region at 0x%08llX of %llu bytes runs past 4 GiB",
					(unsigned long long)base, (unsigned long long)bytes);
				return H7_ERROR_OVERFLOW;
			}
			if (out->n_regions >= DFUSE_MAX_REGIONS) {
				set_err(err, errlen, "more than %d sector groups", DFUSE_MAX_REGIONS);
				return H7_ERROR_OVERFLOW;
			}
			r = &out->region[out->n_regions++];
			r->base = (uint32_t)base;
			r->count = count;
			r->size = size * mult;
			r->attr = (uint8_t)(attr & 7);
			r->attr_char = attr;
			r->unit = unit;
			out->total += bytes;
			base += bytes;
			if (i < n && s[i] == ',') {
				i++;
				continue;
			}
			break;
		}
		if (i < n && s[i] != '/') {
			set_err(err, errlen, "offset %zu: unexpected '%c'", i, s[i]);
			return H7_ERROR_PARSE;
		}
	}
	if (out->n_regions == 0) {
		set_err(err, errlen, "no memory regions");
		return H7_ERROR_PARSE;
	}
	return H7_SUCCESS;
}

/* ------------------------------------------------------------- descriptors */

int dfuse_parse_device_desc(const uint8_t *buf, size_t len, struct dfuse_device_desc *out,
			    struct dfuse_warnings *w)
{
	memset(out, 0, sizeof *out);
	if (!buf || len < 18 || buf[1] != 1 || buf[0] < 18) {
		if (buf && len >= 2 && buf[1] == 1 && buf[0] < 18)
			dfuse_warn(w, DFUSE_W_BAD_LENGTH, "device descriptor bLength %u (must be 18)", buf[0]);
		return H7_ERROR_PARSE;
	}
	out->bcdUSB = le16(buf + 2);
	out->bDeviceClass = buf[4];
	out->bDeviceSubClass = buf[5];
	out->bDeviceProtocol = buf[6];
	out->bMaxPacketSize0 = buf[7];
	out->idVendor = le16(buf + 8);
	out->idProduct = le16(buf + 10);
	out->bcdDevice = le16(buf + 12);
	out->iManufacturer = buf[14];
	out->iProduct = buf[15];
	out->iSerialNumber = buf[16];
	out->bNumConfigurations = buf[17];
	return H7_SUCCESS;
}

#define DT_CONFIG 0x02
#define DT_INTERFACE 0x04
#define DT_DFU_FUNCTIONAL 0x21 /* DFU 1.1 4.1.3 */
#define DFU_CLASS 0xFE         /* application specific */
#define DFU_SUBCLASS 0x01

int dfuse_parse_config(const uint8_t *buf, size_t len, struct dfuse_config *out, struct dfuse_warnings *w)
{
	size_t limit, off;
	int too_many = 0;

	memset(out, 0, sizeof *out);
	if (!buf || len < 9 || buf[1] != DT_CONFIG) {
		dfuse_warn(w, DFUSE_W_BAD_LENGTH, "configuration descriptor: %zu bytes, type 0x%02X (need 9 bytes of "
			   "type 0x02)", len, buf && len >= 2 ? buf[1] : 0);
		return H7_ERROR_PARSE;
	}
	if (buf[0] < 9) {
		dfuse_warn(w, DFUSE_W_BAD_LENGTH, "configuration descriptor bLength %u (must be 9)", buf[0]);
		return H7_ERROR_PARSE;
	}
	out->wTotalLength = le16(buf + 2);
	out->bNumInterfaces = buf[4];
	out->bConfigurationValue = buf[5];
	out->bmAttributes = buf[7];
	out->bMaxPower = buf[8];
	if (out->wTotalLength < 9) {
		dfuse_warn(w, DFUSE_W_BAD_LENGTH, "configuration wTotalLength %u (less than 9)", out->wTotalLength);
		return H7_ERROR_PARSE;
	}
	limit = out->wTotalLength;
	if (limit > len) {
		dfuse_warn(w, DFUSE_W_CONFIG_TRUNCATED,
			   "configuration descriptor wTotalLength is %zu but only %zu bytes were returned", limit, len);
		limit = len;
	}
	if (limit > DFUSE_CONFIG_MAX) {
		dfuse_warn(w, DFUSE_W_TOO_MANY, "configuration descriptor longer than %d bytes: the rest is ignored",
			   DFUSE_CONFIG_MAX);
		limit = DFUSE_CONFIG_MAX;
	}
	off = buf[0];
	if (off > limit) {
		/* the header alone runs past the data: nothing was walked beyond the data */
		dfuse_warn(w, DFUSE_W_BAD_LENGTH, "configuration descriptor bLength %u runs past the end of the data "
			   "(%zu bytes)", buf[0], limit);
		off = limit;
	}
	while (off + 2 <= limit) {
		uint8_t bl = buf[off], type = buf[off + 1];

		if (bl < 2) {
			dfuse_warn(w, DFUSE_W_BAD_LENGTH, "descriptor at offset %zu has bLength %u: stopped reading the "
				   "configuration there", off, bl);
			break;
		}
		if (off + bl > limit) {
			dfuse_warn(w, DFUSE_W_BAD_LENGTH, "descriptor at offset %zu (type 0x%02X, bLength %u) runs past "
				   "the end of the data (%zu bytes left)", off, type, bl, limit - off);
			break;
		}
		if (type == DT_INTERFACE) {
			const uint8_t *d = buf + off;

			if (bl < 9) {
				dfuse_warn(w, DFUSE_W_BAD_LENGTH, "interface descriptor at offset %zu has bLength %u "
					   "(must be 9): skipped", off, bl);
			} else if (d[5] == DFU_CLASS && d[6] == DFU_SUBCLASS) {
				if (out->n_alts < DFUSE_MAX_ALTS) {
					struct dfuse_alt *alt = &out->alt[out->n_alts++];
					alt->bInterfaceNumber = d[2];
					alt->bAlternateSetting = d[3];
					alt->bInterfaceClass = d[5];
					alt->bInterfaceSubClass = d[6];
					alt->bInterfaceProtocol = d[7];
					alt->iInterface = d[8];
				} else if (!too_many++) {
					dfuse_warn(w, DFUSE_W_TOO_MANY, "more than %d DFU alt settings: the rest are "
						   "ignored", DFUSE_MAX_ALTS);
				}
			} else {
				out->n_other++;
			}
		} else if (type == DT_DFU_FUNCTIONAL && !out->func.present) {
			const uint8_t *d = buf + off;

			/* DFU 1.1 4.1.3: 9 bytes; DFU 1.0 devices send 7 (no bcdDFUVersion) */
			if (bl < 7) {
				dfuse_warn(w, DFUSE_W_BAD_LENGTH, "DFU functional descriptor bLength %u (must be 9): "
					   "ignored", bl);
			} else {
				out->func.present = 1;
				out->func.bLength = bl;
				out->func.bmAttributes = d[2];
				out->func.wDetachTimeOut = le16(d + 3);
				out->func.wTransferSize = le16(d + 5);
				if (bl >= 9)
					out->func.bcdDFUVersion = le16(d + 7);
				else
					dfuse_warn(w, DFUSE_W_FUNCTIONAL_SHORT, "DFU functional descriptor has %u bytes "
						   "(DFU 1.0 form, no bcdDFUVersion)", bl);
			}
		}
		off += bl;
	}
	out->parsed = (uint16_t)off;
	if (!out->func.present)
		dfuse_warn(w, DFUSE_W_NO_FUNCTIONAL, "no DFU functional descriptor: transfer size and attributes "
			   "unknown");
	return H7_SUCCESS;
}

/* Append one code point (BMP) as UTF-8; returns 0 or -1 when out is full. */
static int put_utf8(char *out, size_t outsz, size_t *o, unsigned cp)
{
	char tmp[3];
	size_t k = 0;

	if (cp < 0x80) {
		tmp[k++] = (char)cp;
	} else if (cp < 0x800) {
		tmp[k++] = (char)(0xC0 | cp >> 6);
		tmp[k++] = (char)(0x80 | (cp & 0x3F));
	} else {
		tmp[k++] = (char)(0xE0 | cp >> 12);
		tmp[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		tmp[k++] = (char)(0x80 | (cp & 0x3F));
	}
	if (*o + k + 1 > outsz)
		return -1;
	memcpy(out + *o, tmp, k);
	*o += k;
	return 0;
}

int dfuse_parse_string(const uint8_t *buf, size_t len, char *out, size_t outsz, int *truncated,
		       const char *what, struct dfuse_warnings *w)
{
	size_t n, o = 0, units, printable_pairs = 0;
	int trunc = 0;

	if (truncated)
		*truncated = 0;
	if (!out || outsz == 0)
		return H7_ERROR_INVALID_PARAM;
	out[0] = '\0';
	what = what ? what : "string";
	if (!buf || len < 2 || buf[1] != 3) {
		dfuse_warn(w, DFUSE_W_BAD_LENGTH, "%s: not a string descriptor (%zu bytes, type 0x%02X)", what, len,
			   buf && len >= 2 ? buf[1] : 0);
		return H7_ERROR_PARSE;
	}
	n = buf[0];
	if (n < 2) {
		dfuse_warn(w, DFUSE_W_BAD_LENGTH, "%s: string descriptor bLength %zu", what, n);
		return H7_ERROR_PARSE;
	}
	if (n > len) {
		dfuse_warn(w, DFUSE_W_STRING_TRUNCATED, "%s: string descriptor claims %zu bytes but %zu were "
			   "returned (ROM quirk: truncated string)", what, n, len);
		trunc = 1;
		n = len;
	}
	if (n & 1) {
		dfuse_warn(w, DFUSE_W_STRING_ODD, "%s: odd string descriptor length %zu (UTF-16 needs pairs)", what,
			   n);
		trunc = 1;
		n--;
	}
	units = (n - 2) / 2;
	/* dfu-util quirks.c (QUIRK_UTF8_SERIAL): some ROMs put 8-bit text in a
	 * string descriptor; every UTF-16 unit is then two printable bytes. */
	for (size_t k = 0; k < units; k++) {
		uint8_t lo = buf[2 + 2 * k], hi = buf[3 + 2 * k];
		if (lo >= 0x20 && lo < 0x7F && hi >= 0x20 && hi < 0x7F)
			printable_pairs++;
	}
	if (units >= 2 && printable_pairs == units) {
		dfuse_warn(w, DFUSE_W_STRING_ODD, "%s: 8-bit text in a UTF-16 string descriptor (ROM quirk); "
			   "decoded as bytes", what);
		for (size_t k = 2; k < n && buf[k]; k++) {
			if (o + 2 > outsz) {
				trunc = 1;
				break;
			}
			out[o++] = (char)buf[k];
		}
	} else {
		for (size_t k = 0; k < units; k++) {
			unsigned cp = le16(buf + 2 + 2 * k);
			if (cp == 0)
				break;
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = '?';
			if (put_utf8(out, outsz, &o, cp)) {
				trunc = 1;
				break;
			}
		}
	}
	out[o] = '\0';
	if (truncated)
		*truncated = trunc;
	return (int)o;
}

/* -------------------------------------------------------- DFU_GETSTATUS */

int dfuse_parse_status(const uint8_t *buf, size_t len, struct dfuse_status *out)
{
	memset(out, 0, sizeof *out);
	if (!buf || len < 6)
		return H7_ERROR_PARSE;
	out->bStatus = buf[0];
	out->bwPollTimeout = (uint32_t)buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16;
	out->bState = buf[4];
	out->iString = buf[5];
	return H7_SUCCESS;
}

/* DFU 1.1 6.1.2, table "bState" */
const char *dfuse_state_name(uint8_t state)
{
	static const char *const names[] = {
		"appIDLE", "appDETACH", "dfuIDLE", "dfuDNLOAD-SYNC", "dfuDNBUSY", "dfuDNLOAD-IDLE",
		"dfuMANIFEST-SYNC", "dfuMANIFEST", "dfuMANIFEST-WAIT-RESET", "dfuUPLOAD-IDLE", "dfuERROR",
	};
	return state < sizeof names / sizeof names[0] ? names[state] : "unknown";
}

/* DFU 1.1 6.1.2, table "bStatus" */
const char *dfuse_status_name(uint8_t status)
{
	static const char *const names[] = {
		"OK", "errTARGET", "errFILE", "errWRITE", "errERASE", "errCHECK_ERASED", "errPROG", "errVERIFY",
		"errADDRESS", "errNOTDONE", "errFIRMWARE", "errVENDOR", "errUSBR", "errPOR", "errUNKNOWN",
		"errSTALLEDPKT",
	};
	return status < sizeof names / sizeof names[0] ? names[status] : "unknown";
}

/* ------------------------------------------------------- checks vs the part */

void dfuse_parse_alt_layouts(struct dfuse_info *info, struct dfuse_warnings *w)
{
	for (int i = 0; i < info->n_alts && i < DFUSE_MAX_ALTS; i++) {
		struct dfuse_alt_info *a = &info->alts[i];
		char err[96];
		int rc;

		a->has_layout = 0;
		if (!a->name_read)
			continue;
		if (a->name[0] != '@') {
			dfuse_warn(w, DFUSE_W_NO_LAYOUT, "alt %u '%.60s' has no DfuSe memory layout%s", a->alt, a->name,
				   a->name_truncated ? " (the string was truncated)" : "");
			continue;
		}
		rc = dfuse_parse_layout(a->name, strlen(a->name), &a->layout, err, sizeof err);
		if (rc == 0)
			a->has_layout = 1;
		else
			dfuse_warn(w, DFUSE_W_LAYOUT_INVALID, "alt %u '%.60s': layout does not parse: %s%s", a->alt,
				   a->name, err, a->name_truncated ? " (the string was truncated)" : "");
	}
}

void dfuse_expected_serial(uint32_t idcode, char out[13])
{
	snprintf(out, 13, "%08X0000", (unsigned)idcode);
}

/* What the STM32H74x/H75x ROM bootloader (DEV_ID 0x450) presents, from the
 * domain notes (AN2606 STM32H74xxx/75xxx bootloader; boards seen). */
#define ROM_VID 0x0483
#define ROM_PID 0xDF11
#define ROM_PRODUCT "DFU in FS Mode"
#define ROM_MANUFACTURER "STMicroelectronics"
#define DFUSE_VERSION 0x011A
#define H74X_DEV_ID 0x450
#define H74X_BCD 0x0200
#define H74X_TRANSFER 1024
#define H74X_FLASH_BASE 0x08000000u /* RM0399 memory map, flash bank 1 */

static const struct dfuse_alt_info *find_alt(const struct dfuse_info *info, const char *prefix)
{
	for (int i = 0; i < info->n_alts && i < DFUSE_MAX_ALTS; i++)
		if (info->alts[i].has_layout &&
		    strncmp(info->alts[i].layout.name, prefix, strlen(prefix)) == 0)
			return &info->alts[i];
	return NULL;
}

/* 1 (and a warning) when got is a proper prefix of want. */
static int check_truncated_prefix(const char *got, const char *want, const char *what, struct dfuse_warnings *w)
{
	size_t g = strlen(got);

	if (g > 0 && g < strlen(want) && strncmp(got, want, g) == 0) {
		dfuse_warn(w, DFUSE_W_STRING_TRUNCATED, "%s '%s' looks truncated (the ROM's is '%s'; some ROMs "
			   "truncate strings, see dfu-util quirks.c)", what, got, want);
		return 1;
	}
	return 0;
}

void dfuse_check(const struct dfuse_info *info, const struct dfuse_part *part, struct dfuse_warnings *w)
{
	const struct dfuse_device_desc *d = &info->dev;
	const struct dfuse_alt_info *flash;
	int h74x = part && part->dev_id == H74X_DEV_ID;

	if (d->idVendor != ROM_VID || d->idProduct != ROM_PID)
		dfuse_warn(w, DFUSE_W_NOT_ROM, "device %04x:%04x is not the STM32 ROM bootloader (0483:df11)",
			   d->idVendor, d->idProduct);
	if (info->strings_read) {
		if (strcmp(info->product, ROM_PRODUCT) != 0) {
			if (!check_truncated_prefix(info->product, ROM_PRODUCT, "product", w))
				dfuse_warn(w, DFUSE_W_NOT_ROM, "product '%.80s' is not the ROM bootloader's '%s'",
					   info->product, ROM_PRODUCT);
		}
		if (strcmp(info->manufacturer, ROM_MANUFACTURER) != 0)
			check_truncated_prefix(info->manufacturer, ROM_MANUFACTURER, "manufacturer", w);
	}
	for (int i = 0; i < info->config.n_alts && i < DFUSE_MAX_ALTS; i++)
		if (info->config.alt[i].bInterfaceProtocol == 1) {
			dfuse_warn(w, DFUSE_W_RUNTIME_MODE, "alt %u is a DFU runtime interface (protocol 1): the device "
				   "runs an application, not the bootloader (DFU 1.1 4.2.3 expects protocol 2)",
				   info->config.alt[i].bAlternateSetting);
			break;
		}
	if (info->config.func.present && info->config.func.bcdDFUVersion &&
	    info->config.func.bcdDFUVersion != DFUSE_VERSION)
		dfuse_warn(w, DFUSE_W_DFU_VERSION, "bcdDFUVersion %x.%02x: the ST ROM speaks DfuSe 1.1a (0x011A)",
			   info->config.func.bcdDFUVersion >> 8, info->config.func.bcdDFUVersion & 0xFF);
	if (info->has_status && (info->status.bStatus != 0 || info->status.bState != DFUSE_STATE_DFU_IDLE))
		dfuse_warn(w, DFUSE_W_STATUS, "DFU_GETSTATUS: status %s, state %s (a fresh bootloader reports OK, "
			   "dfuIDLE)", dfuse_status_name(info->status.bStatus), dfuse_state_name(info->status.bState));

	if (!part || (!part->dev_id && !part->idcode && !part->flash_kib))
		return;
	if (part->idcode && info->serial[0]) {
		char want[13];
		dfuse_expected_serial(part->idcode, want);
		if (strcmp(want, info->serial) != 0)
			dfuse_warn(w, DFUSE_W_SERIAL, "serial '%.40s' does not derive from this part's IDCODE 0x%08X "
				   "(expected '%s'): is it another board? Select by --usb-path", info->serial,
				   (unsigned)part->idcode, want);
	}
	flash = find_alt(info, "Internal Flash");
	if (flash && part->flash_kib && flash->layout.total != (uint64_t)part->flash_kib * 1024)
		dfuse_warn(w, DFUSE_W_FLASH_SIZE, "alt %u says %llu KiB of internal flash but the part's flash-size "
			   "register says %u KiB: the ROM's layout string is fixed per family and does not reflect "
			   "the real flash size", flash->alt, (unsigned long long)(flash->layout.total / 1024),
			   (unsigned)part->flash_kib);
	if (!h74x) {
		if (part->dev_id)
			dfuse_warn(w, DFUSE_W_PART_UNKNOWN, "DEV_ID 0x%03X: no ROM bootloader profile, family checks "
				   "skipped", part->dev_id);
		return;
	}
	if (d->bcdDevice != H74X_BCD)
		dfuse_warn(w, DFUSE_W_NOT_ROM, "bcdDevice 0x%04X: the H74x/H75x ROM reports 0x%04X", d->bcdDevice,
			   H74X_BCD);
	if (info->config.func.present && info->config.func.wTransferSize != H74X_TRANSFER)
		dfuse_warn(w, DFUSE_W_TRANSFER_SIZE, "wTransferSize %u: the H74x/H75x ROM uses %u",
			   info->config.func.wTransferSize, H74X_TRANSFER);
	if (flash && flash->layout.region[0].base != H74X_FLASH_BASE)
		dfuse_warn(w, DFUSE_W_LAYOUT_BASE, "alt %u: internal flash at 0x%08X, the part's flash starts at "
			   "0x%08X (RM0399 memory map)", flash->alt, (unsigned)flash->layout.region[0].base,
			   H74X_FLASH_BASE);
}

int dfuse_read_strings(struct dfuse_info *info, dfuse_string_reader rd, void *ctx, struct dfuse_warnings *w)
{
	int r;

	if ((r = rd(ctx, info->dev.iManufacturer, info->manufacturer, sizeof info->manufacturer, NULL, "manufacturer",
		    w)) ||
	    (r = rd(ctx, info->dev.iProduct, info->product, sizeof info->product, NULL, "product", w)) ||
	    (r = rd(ctx, info->dev.iSerialNumber, info->serial, sizeof info->serial, NULL, "serial", w)))
		return r;
	info->strings_read = 1;
	info->n_alts = info->config.n_alts;
	for (int i = 0; i < info->n_alts; i++) {
		struct dfuse_alt_info *a = &info->alts[i];
		char what[16];

		a->alt = info->config.alt[i].bAlternateSetting;
		a->iInterface = info->config.alt[i].iInterface;
		snprintf(what, sizeof what, "alt %u", a->alt);
		r = rd(ctx, a->iInterface, a->name, sizeof a->name, &a->name_truncated, what, w);
		if (r)
			return r;
		a->name_read = a->iInterface && a->name[0];
	}
	return 0;
}
