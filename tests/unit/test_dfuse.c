/* DfuSe layout strings, USB/DFU descriptors, GETSTATUS and the checks against
 * the part: pure parsers over buffers, including malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfuse.h"
#include "h7jumpdiag/error.h"

/* The STM32H7 ROM bootloader's device + configuration descriptors as the
 * emulated device in tests/usb serves them (0483:df11, bcdDevice 0x0200, four
 * DFU alt settings, functional descriptor 09 21 0B FF00 0004 1A01). */
static const char rom_hex[] =
	"1201000200000040830411DF000201020301"
	"09023600010100C032"
	"0904000000FE01020409040001"
	"00FE0102050904000200FE0102060904000300FE010207"
	"09210BFF0000041A01";

static size_t from_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (hex[0] && hex[1] && n < cap) {
		unsigned v;
		sscanf(hex, "%2x", &v);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static size_t str_desc(const char *s, uint8_t *out)
{
	size_t n = 2;
	for (; *s; s++) {
		out[n++] = (uint8_t)*s;
		out[n++] = 0;
	}
	out[0] = (uint8_t)n;
	out[1] = 3;
	return n;
}

/* ------------------------------------------------------------- layouts */

static void test_layout_rom_strings(void **state)
{
	(void)state;
	struct dfuse_layout l;
	const char *flash = "@Internal Flash   /0x08000000/16*128Kg";
	const char *ob = "@Option Bytes   /0x5200201C/01*128 e";

	assert_int_equal(dfuse_parse_layout(flash, strlen(flash), &l, NULL, 0), 0);
	assert_string_equal(l.name, "Internal Flash");
	assert_int_equal(l.n_regions, 1);
	assert_int_equal(l.region[0].base, 0x08000000);
	assert_int_equal(l.region[0].count, 16);
	assert_int_equal(l.region[0].size, 128 * 1024);
	assert_int_equal(l.region[0].attr, DFUSE_ATTR_READABLE | DFUSE_ATTR_ERASABLE | DFUSE_ATTR_WRITABLE);
	assert_int_equal(l.region[0].attr_char, 'g');
	assert_true(l.total == 2 * 1024 * 1024);
	assert_string_equal(dfuse_attr_text(l.region[0].attr), "rew");

	assert_int_equal(dfuse_parse_layout(ob, strlen(ob), &l, NULL, 0), 0);
	assert_string_equal(l.name, "Option Bytes");
	assert_int_equal(l.region[0].base, 0x5200201C);
	assert_int_equal(l.region[0].size, 128);
	assert_int_equal(l.region[0].unit, ' ');
	assert_int_equal(l.region[0].attr, DFUSE_ATTR_READABLE | DFUSE_ATTR_WRITABLE);
	assert_string_equal(dfuse_attr_text(l.region[0].attr), "r-w");
}

static void test_layout_groups_and_segments(void **state)
{
	(void)state;
	struct dfuse_layout l;
	/* F4-style mixed sectors, then a second segment */
	const char *s = "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg/0x08100000/2*1Ma";

	assert_int_equal(dfuse_parse_layout(s, strlen(s), &l, NULL, 0), 0);
	assert_int_equal(l.n_regions, 4);
	assert_int_equal(l.region[1].base, 0x08000000 + 4 * 16 * 1024);
	assert_int_equal(l.region[2].base, 0x08000000 + 4 * 16 * 1024 + 64 * 1024);
	assert_int_equal(l.region[3].base, 0x08100000);
	assert_int_equal(l.region[3].size, 1024 * 1024);
	assert_int_equal(l.region[3].attr, DFUSE_ATTR_READABLE);
	assert_true(l.total == (uint64_t)(64 + 64 + 7 * 128 + 2048) * 1024);
}

static void test_layout_errors(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int rc;
		const char *msg;
	} bad[] = {
		{ "Internal Flash   /0x08000000/16*128Kg", H7_ERROR_PARSE, "'@'" },
		{ "@Internal Flash", H7_ERROR_PARSE, "no '/'" },
		{ "@Internal Flash   /08000000/16*128Kg", H7_ERROR_PARSE, "address" },
		{ "@Internal Flash   /0x/16*128Kg", H7_ERROR_PARSE, "'/' after the address" },
		{ "@Internal Flash   /0x080000000/16*128Kg", H7_ERROR_PARSE, "8 hex digits" },
		{ "@Internal Flash   /0x08000000/16x128Kg", H7_ERROR_PARSE, "'*'" },
		{ "@Internal Flash   /0x08000000/0*128Kg", H7_ERROR_PARSE, "sector count" },
		{ "@Internal Flash   /0x08000000/16*Kg", H7_ERROR_PARSE, "sector size" },
		{ "@Internal Flash   /0x08000000/16*128Xg", H7_ERROR_PARSE, "unit 'X'" },
		{ "@Internal Flash   /0x08000000/16*128Kz", H7_ERROR_PARSE, "attribute 'z'" },
		{ "@Internal Flash   /0x08000000/16*128Kg;", H7_ERROR_PARSE, "unexpected ';'" },
		{ "@Internal Flash   /0x08000000/16*128K", H7_ERROR_PARSE, "ends inside" },
		{ "@Internal Flash   /0x0800", H7_ERROR_PARSE, "'/' after the address" },
		{ "@Top /0xFFFFF000/8*1Kg", H7_ERROR_OVERFLOW, "4 GiB" },
		{ "@Huge /0x00000000/1*8192Mg", H7_ERROR_OVERFLOW, "4 GiB" },
		{ "@A name that is much longer than sixty-three characters, which is the limit /0x0/1*1Ka",
		  H7_ERROR_OVERFLOW, "longer than" },
		{ "", H7_ERROR_PARSE, "'@'" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct dfuse_layout l;
		char err[96] = "";
		int rc = dfuse_parse_layout(bad[i].s, strlen(bad[i].s), &l, err, sizeof err);
		if (rc != bad[i].rc || !strstr(err, bad[i].msg))
			print_error("case %zu '%s': rc %d, err '%s'\n", i, bad[i].s, rc, err);
		assert_int_equal(rc, bad[i].rc);
		assert_non_null(strstr(err, bad[i].msg));
	}
}

static void test_layout_too_many_groups(void **state)
{
	(void)state;
	char s[DFUSE_STR_MAX + 64];
	struct dfuse_layout l;
	char err[96];
	size_t n = (size_t)snprintf(s, sizeof s, "@X/0x0/");

	for (int i = 0; i < DFUSE_MAX_REGIONS + 1 && n + 8 < sizeof s; i++)
		n += (size_t)snprintf(s + n, sizeof s - n, "%s1*1Ka", i ? "," : "");
	/* 33 groups need 33 * 6 + 7 bytes: within DFUSE_STR_MAX */
	assert_true(n <= DFUSE_STR_MAX);
	assert_int_equal(dfuse_parse_layout(s, n, &l, err, sizeof err), H7_ERROR_OVERFLOW);
	assert_non_null(strstr(err, "sector groups"));
	/* over the string limit */
	assert_int_equal(dfuse_parse_layout(s, DFUSE_STR_MAX + 1, &l, err, sizeof err), H7_ERROR_OVERFLOW);
}

/* Prefixes of a layout: only those that end right after a sector group's
 * attribute letter parse, with one more region each; every other cut is an
 * error, and nothing is read past len (ASan checks the exact-size copies). */
static void test_layout_prefixes(void **state)
{
	(void)state;
	const char *full = "@Internal Flash   /0x08000000/04*016Kg,01*064Kg/0x08100000/01*128Kg";
	size_t n = strlen(full);
	int ok = 0;

	for (size_t k = 0; k <= n; k++) {
		char *copy = malloc(k ? k : 1);
		struct dfuse_layout l;
		int group_end = k >= 2 && full[k - 1] == 'g' && full[k - 2] == 'K';

		memcpy(copy, full, k);
		int rc = dfuse_parse_layout(copy, k, &l, NULL, 0);
		if ((rc == 0) != group_end)
			print_error("prefix %zu: rc %d: '%.*s'\n", k, rc, (int)k, full);
		assert_int_equal(rc == 0, group_end);
		if (rc == 0)
			assert_int_equal(l.n_regions, ++ok);
		free(copy);
	}
	assert_int_equal(ok, 3);
}

/* --------------------------------------------------------- descriptors */

static void test_device_and_config(void **state)
{
	(void)state;
	uint8_t d[128];
	size_t n = from_hex(rom_hex, d, sizeof d);
	struct dfuse_device_desc dev;
	struct dfuse_config cfg;
	struct dfuse_warnings w = { 0 };

	assert_int_equal(n, 18 + 0x36);
	assert_int_equal(dfuse_parse_device_desc(d, n, &dev, &w), 0);
	assert_int_equal(dev.idVendor, 0x0483);
	assert_int_equal(dev.idProduct, 0xDF11);
	assert_int_equal(dev.bcdDevice, 0x0200);
	assert_int_equal(dev.iSerialNumber, 3);

	assert_int_equal(dfuse_parse_config(d + 18, n - 18, &cfg, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(cfg.n_alts, 4);
	assert_int_equal(cfg.n_other, 0);
	assert_int_equal(cfg.alt[1].bAlternateSetting, 1);
	assert_int_equal(cfg.alt[1].iInterface, 5);
	assert_int_equal(cfg.alt[3].bInterfaceProtocol, 2);
	assert_true(cfg.func.present);
	assert_int_equal(cfg.func.bmAttributes, 0x0B);
	assert_int_equal(cfg.func.wDetachTimeOut, 255);
	assert_int_equal(cfg.func.wTransferSize, 1024);
	assert_int_equal(cfg.func.bcdDFUVersion, 0x011A);
	assert_int_equal(cfg.parsed, 0x36);
}

static void test_config_malformed(void **state)
{
	(void)state;
	uint8_t d[128], m[128];
	size_t n = from_hex(rom_hex, d, sizeof d) - 18;
	const uint8_t *c = d + 18;
	struct dfuse_config cfg;
	struct dfuse_warnings w;

	/* wTotalLength larger than the data: parse what is there */
	memset(&w, 0, sizeof w);
	assert_int_equal(dfuse_parse_config(c, 30, &cfg, &w), 0);
	assert_true(dfuse_has_warning(&w, DFUSE_W_CONFIG_TRUNCATED));
	assert_true(dfuse_has_warning(&w, DFUSE_W_NO_FUNCTIONAL));
	assert_int_equal(cfg.n_alts, 2);

	/* bLength 0 in the second interface descriptor: stop there, no endless loop */
	memcpy(m, c, n);
	m[18] = 0;
	memset(&w, 0, sizeof w);
	assert_int_equal(dfuse_parse_config(m, n, &cfg, &w), 0);
	assert_true(dfuse_has_warning(&w, DFUSE_W_BAD_LENGTH));
	assert_non_null(strstr(w.w[0].text, "offset 18 has bLength 0"));
	assert_int_equal(cfg.n_alts, 1);

	/* bLength running past the end */
	memcpy(m, c, n);
	m[n - 9] = 40;
	memset(&w, 0, sizeof w);
	assert_int_equal(dfuse_parse_config(m, n, &cfg, &w), 0);
	assert_true(dfuse_has_warning(&w, DFUSE_W_BAD_LENGTH));
	assert_false(cfg.func.present);

	/* short interface descriptor is skipped, the walk continues */
	memcpy(m, c, n);
	m[9] = 5; /* first interface: 5 bytes then a 4-byte gap the walk misreads */
	memset(&w, 0, sizeof w);
	assert_int_equal(dfuse_parse_config(m, n, &cfg, &w), 0);
	assert_true(dfuse_has_warning(&w, DFUSE_W_BAD_LENGTH));

	/* unusable headers */
	memcpy(m, c, n);
	m[0] = 4;
	assert_int_equal(dfuse_parse_config(m, n, &cfg, NULL), H7_ERROR_PARSE);
	m[0] = 9;
	m[1] = 4;
	assert_int_equal(dfuse_parse_config(m, n, &cfg, NULL), H7_ERROR_PARSE);
	assert_int_equal(dfuse_parse_config(c, 8, &cfg, NULL), H7_ERROR_PARSE);
	memcpy(m, c, n);
	m[2] = 3;
	m[3] = 0;
	assert_int_equal(dfuse_parse_config(m, n, &cfg, NULL), H7_ERROR_PARSE);

	/* 7-byte DFU 1.0 functional descriptor */
	memcpy(m, c, n);
	m[n - 9] = 7;
	memset(&w, 0, sizeof w);
	assert_int_equal(dfuse_parse_config(m, n - 2, &cfg, &w), 0);
	assert_true(cfg.func.present);
	assert_int_equal(cfg.func.wTransferSize, 1024);
	assert_int_equal(cfg.func.bcdDFUVersion, 0);
	assert_true(dfuse_has_warning(&w, DFUSE_W_FUNCTIONAL_SHORT));
	assert_true(dfuse_has_warning(&w, DFUSE_W_CONFIG_TRUNCATED));

	/* device descriptor with a bad bLength */
	uint8_t dd[18];
	memcpy(dd, d, 18);
	dd[0] = 16;
	memset(&w, 0, sizeof w);
	struct dfuse_device_desc dev;
	assert_int_equal(dfuse_parse_device_desc(dd, 18, &dev, &w), H7_ERROR_PARSE);
	assert_true(dfuse_has_warning(&w, DFUSE_W_BAD_LENGTH));
	assert_int_equal(dfuse_parse_device_desc(d, 17, &dev, NULL), H7_ERROR_PARSE);
}

static void test_strings(void **state)
{
	(void)state;
	uint8_t b[256];
	char out[DFUSE_STR_MAX];
	int trunc;
	struct dfuse_warnings w = { 0 };
	size_t n = str_desc("DFU in FS Mode", b);

	assert_int_equal(dfuse_parse_string(b, n, out, sizeof out, &trunc, "product", &w), 14);
	assert_string_equal(out, "DFU in FS Mode");
	assert_false(trunc);
	assert_int_equal(w.n, 0);

	/* the device returned fewer bytes than bLength says */
	assert_int_equal(dfuse_parse_string(b, 14, out, sizeof out, &trunc, "product", &w), 6);
	assert_string_equal(out, "DFU in");
	assert_true(trunc);
	assert_true(dfuse_has_warning(&w, DFUSE_W_STRING_TRUNCATED));
	assert_non_null(strstr(w.w[0].text, "product"));

	/* odd bLength */
	memset(&w, 0, sizeof w);
	b[0] = 7;
	assert_int_equal(dfuse_parse_string(b, 7, out, sizeof out, &trunc, "serial", &w), 2);
	assert_true(trunc);
	assert_true(dfuse_has_warning(&w, DFUSE_W_STRING_ODD));

	/* 8-bit text in a string descriptor (dfu-util QUIRK_UTF8_SERIAL) */
	memset(&w, 0, sizeof w);
	memcpy(b, "\x0a\x03" "20036450", 10);
	assert_int_equal(dfuse_parse_string(b, 10, out, sizeof out, &trunc, "serial", &w), 8);
	assert_string_equal(out, "20036450");
	assert_true(dfuse_has_warning(&w, DFUSE_W_STRING_ODD));

	/* non-ASCII, surrogate, embedded NUL */
	const uint8_t u[] = { 10, 3, 0xE9, 0x00, 0x00, 0xD8, 'x', 0, 0, 0 };
	assert_int_equal(dfuse_parse_string(u, sizeof u, out, sizeof out, &trunc, NULL, NULL), 4);
	assert_string_equal(out, "\xC3\xA9?x");

	/* output buffer too small */
	n = str_desc("STMicroelectronics", b);
	assert_int_equal(dfuse_parse_string(b, n, out, 6, &trunc, NULL, NULL), 5);
	assert_string_equal(out, "STMic");
	assert_true(trunc);

	/* not a string descriptor */
	b[1] = 2;
	assert_int_equal(dfuse_parse_string(b, n, out, sizeof out, &trunc, NULL, NULL), H7_ERROR_PARSE);
	assert_int_equal(dfuse_parse_string(b, 1, out, sizeof out, &trunc, NULL, NULL), H7_ERROR_PARSE);
	b[0] = 1;
	b[1] = 3;
	assert_int_equal(dfuse_parse_string(b, 2, out, sizeof out, &trunc, NULL, NULL), H7_ERROR_PARSE);
}

static void test_status(void **state)
{
	(void)state;
	const uint8_t ok[6] = { 0, 0x10, 0x27, 0, 2, 0 };
	const uint8_t bad[6] = { 0x0A, 0, 0, 0, 10, 0 };
	struct dfuse_status st;

	assert_int_equal(dfuse_parse_status(ok, 6, &st), 0);
	assert_int_equal(st.bwPollTimeout, 10000);
	assert_string_equal(dfuse_state_name(st.bState), "dfuIDLE");
	assert_string_equal(dfuse_status_name(st.bStatus), "OK");
	assert_int_equal(dfuse_parse_status(bad, 6, &st), 0);
	assert_string_equal(dfuse_status_name(st.bStatus), "errFIRMWARE");
	assert_string_equal(dfuse_state_name(st.bState), "dfuERROR");
	assert_string_equal(dfuse_state_name(200), "unknown");
	assert_int_equal(dfuse_parse_status(ok, 5, &st), H7_ERROR_PARSE);
}

/* ------------------------------------------------------------ checks */

static void rom_info(struct dfuse_info *info)
{
	static const char *const names[] = { "@Internal Flash   /0x08000000/16*128Kg",
					     "@Option Bytes   /0x5200201C/01*128 e" };
	uint8_t d[128];
	size_t n = from_hex(rom_hex, d, sizeof d);

	memset(info, 0, sizeof *info);
	assert_int_equal(dfuse_parse_device_desc(d, n, &info->dev, NULL), 0);
	assert_int_equal(dfuse_parse_config(d + 18, n - 18, &info->config, NULL), 0);
	strcpy(info->manufacturer, "STMicroelectronics");
	strcpy(info->product, "DFU in FS Mode");
	strcpy(info->serial, "200364500000");
	info->strings_read = 1;
	info->n_alts = 2;
	for (int i = 0; i < 2; i++) {
		info->alts[i].alt = (uint8_t)i;
		strcpy(info->alts[i].name, names[i]);
		info->alts[i].name_read = 1;
	}
	info->has_status = 1;
	info->status.bState = DFUSE_STATE_DFU_IDLE;
}

static void test_check_against_part(void **state)
{
	(void)state;
	struct dfuse_info info;
	struct dfuse_warnings w;
	struct dfuse_part part = { 0x450, 0x20036450, 2048 };

	rom_info(&info);
	memset(&w, 0, sizeof w);
	dfuse_parse_alt_layouts(&info, &w);
	assert_true(info.alts[0].has_layout && info.alts[1].has_layout);
	dfuse_check(&info, &part, &w);
	for (int i = 0; i < w.n; i++)
		print_error("unexpected warning: %s\n", w.w[i].text);
	assert_int_equal(w.n, 0);

	/* a 1 MiB part: the ROM string still says 2 MiB */
	part.flash_kib = 1024;
	memset(&w, 0, sizeof w);
	dfuse_check(&info, &part, &w);
	assert_true(dfuse_has_warning(&w, DFUSE_W_FLASH_SIZE));
	assert_non_null(strstr(w.w[0].text, "2048 KiB"));
	assert_non_null(strstr(w.w[0].text, "1024 KiB"));

	/* another board's bootloader (different IDCODE) */
	part.flash_kib = 2048;
	part.idcode = 0x10036450;
	memset(&w, 0, sizeof w);
	dfuse_check(&info, &part, &w);
	assert_true(dfuse_has_warning(&w, DFUSE_W_SERIAL));
	assert_non_null(strstr(w.w[0].text, "100364500000"));

	/* truncated product, runtime-mode interface, error status, unknown part */
	strcpy(info.product, "DFU in");
	info.config.alt[0].bInterfaceProtocol = 1;
	info.status.bStatus = 0x0A;
	info.status.bState = DFUSE_STATE_DFU_ERROR;
	part.dev_id = 0x483;
	memset(&w, 0, sizeof w);
	dfuse_check(&info, &part, &w);
	assert_true(dfuse_has_warning(&w, DFUSE_W_STRING_TRUNCATED));
	assert_false(dfuse_has_warning(&w, DFUSE_W_NOT_ROM));
	assert_true(dfuse_has_warning(&w, DFUSE_W_RUNTIME_MODE));
	assert_true(dfuse_has_warning(&w, DFUSE_W_STATUS));
	assert_true(dfuse_has_warning(&w, DFUSE_W_PART_UNKNOWN));

	/* not ST at all */
	info.dev.idVendor = 0x1d50;
	strcpy(info.product, "Something else");
	memset(&w, 0, sizeof w);
	dfuse_check(&info, NULL, &w);
	assert_true(dfuse_has_warning(&w, DFUSE_W_NOT_ROM));
}

static void test_alt_layout_warnings(void **state)
{
	(void)state;
	struct dfuse_info info;
	struct dfuse_warnings w = { 0 };

	rom_info(&info);
	strcpy(info.alts[0].name, "@Internal Flash   /0x0800");
	info.alts[0].name_truncated = 1;
	strcpy(info.alts[1].name, "DFU Flash");
	dfuse_parse_alt_layouts(&info, &w);
	assert_false(info.alts[0].has_layout);
	assert_false(info.alts[1].has_layout);
	assert_true(dfuse_has_warning(&w, DFUSE_W_LAYOUT_INVALID));
	assert_non_null(strstr(w.w[0].text, "truncated"));
	assert_true(dfuse_has_warning(&w, DFUSE_W_NO_LAYOUT));
}

static void test_warning_list_bounded(void **state)
{
	(void)state;
	struct dfuse_warnings w = { 0 };
	char long_text[400];

	memset(long_text, 'x', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	for (int i = 0; i < DFUSE_MAX_WARNINGS + 6; i++)
		dfuse_warn(&w, DFUSE_W_NOT_READ, "%s", long_text);
	assert_int_equal(w.n, DFUSE_MAX_WARNINGS);
	assert_int_equal(w.dropped, 6);
	assert_int_equal(strlen(w.w[3].text), DFUSE_WARN_TEXT - 1);
	assert_string_equal(dfuse_warn_id(DFUSE_W_FLASH_SIZE), "flash-size-mismatch");
	assert_string_equal(dfuse_warn_id(0), "unknown");
	assert_string_equal(dfuse_warn_id(DFUSE_W__COUNT), "unknown");
	for (int c = 1; c < DFUSE_W__COUNT; c++)
		assert_string_not_equal(dfuse_warn_id(c), "unknown");
	dfuse_warn(NULL, DFUSE_W_NOT_READ, "ignored");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_rom_strings),
		cmocka_unit_test(test_layout_groups_and_segments),
		cmocka_unit_test(test_layout_errors),
		cmocka_unit_test(test_layout_too_many_groups),
		cmocka_unit_test(test_layout_prefixes),
		cmocka_unit_test(test_device_and_config),
		cmocka_unit_test(test_config_malformed),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_check_against_part),
		cmocka_unit_test(test_alt_layout_warnings),
		cmocka_unit_test(test_warning_list_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
