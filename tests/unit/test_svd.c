/* CMSIS-SVD loader: a committed snippet exercising every field form,
 * derivedFrom and inheritance; bounded, clear errors on bad input; the real
 * STM32H745 SVD (when ../shared is present) and the register catalog's
 * addresses cross-checked against it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h7jumpdiag/error.h"
#include "regs.h"
#include "svd.h"
#include "testutil.h"

static const struct svd_field *field(const struct svd_register *r, const char *name)
{
	for (size_t i = 0; i < r->n_fields; i++)
		if (!strcmp(r->fields[i].name, name))
			return &r->fields[i];
	return NULL;
}

static void test_mini(void **state)
{
	(void)state;
	struct svd_device *d = NULL;
	const struct svd_peripheral *p;
	const struct svd_register *r;
	const struct svd_field *f;
	char err[256];
	size_t n;

	assert_int_equal(svd_load(tu_src_path("tests/data/svd/mini.svd"), &d, err, sizeof err), 0);
	assert_string_equal(d->name, "MINI");
	assert_int_equal(d->n_periphs, 3);
	p = svd_find_peripheral(d, "rcc");
	assert_non_null(p);
	assert_string_equal(p->description, "Reset and clock control");
	assert_int_equal(p->base, 0x58024400);
	r = svd_find_register(d, "RCC", "CR", NULL);
	assert_non_null(r);
	assert_int_equal(r->reset_value, 0x83);
	assert_int_equal(r->size, 32);
	assert_int_equal(r->n_fields, 4);
	f = field(r, "HSIDIV"); /* bitRange */
	assert_non_null(f);
	assert_int_equal(f->lsb, 3);
	assert_int_equal(f->width, 2);
	assert_int_equal(f->n_enums, 3); /* isDefault and don't-care values dropped */
	assert_int_equal(svd_field_value(f, 0x10), 2);
	assert_string_equal(svd_field_enum(f, 2)->name, "Div4");
	assert_string_equal(svd_field_enum(f, 0)->description, "no division");
	assert_null(svd_field_enum(f, 3));
	f = field(r, "CSION"); /* lsb/msb */
	assert_int_equal(f->lsb, 7);
	assert_int_equal(f->width, 1);
	f = field(r, "PLL1ON");
	assert_int_equal(f->lsb, 24);
	assert_int_equal(svd_field_value(f, 0x01000000), 1);
	r = svd_find_register(d, "RCC", "CFGR", NULL);
	assert_int_equal(r->reset_value, 0x11); /* from the peripheral */
	assert_int_equal(svd_field_value(field(r, "ALL"), 0xFFFFFFFF), 0x1FFFFFFF);
	r = svd_find_register(d, "RCC", "HALF", NULL);
	assert_int_equal(r->size, 16);
	/* the cluster's register is skipped, TIM2 derives TIM's registers */
	p = svd_find_peripheral(d, "TIM");
	assert_int_equal(p->n_regs, 1);
	assert_null(svd_find_register(d, "TIM", "SKIPPED", NULL));
	p = svd_find_peripheral(d, "TIM2");
	assert_ptr_equal(p->derived, svd_find_peripheral(d, "TIM"));
	assert_non_null(svd_registers(p, &n));
	assert_int_equal(n, 1);
	/* lookups */
	assert_non_null(svd_lookup(d, "RCC.CR", NULL));
	assert_ptr_equal(svd_lookup(d, "rcc_cfgr", &p), svd_find_register(d, "RCC", "CFGR", NULL));
	assert_string_equal(p->name, "RCC");
	assert_null(svd_lookup(d, "RCC.NOPE", NULL));
	assert_null(svd_lookup(d, "", NULL));
	r = svd_find_address(d, 0x40001024, &p);
	assert_non_null(r);
	assert_string_equal(p->name, "TIM2");
	assert_string_equal(r->name, "CNT");
	assert_null(svd_find_address(d, 0x40001028, NULL));
	svd_free(d);
}

static void test_numbers(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(svd_parse_number("0x10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(svd_parse_number("0XfF", &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(svd_parse_number("#101", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(svd_parse_number(" 12 ", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(svd_parse_number("0x", &v), -1);
	assert_int_equal(svd_parse_number("#1x", &v), -1);
	assert_int_equal(svd_parse_number("-1", &v), -1);
	assert_int_equal(svd_parse_number("12abc", &v), -1);
	assert_int_equal(svd_parse_number("", &v), -1);
}

#define HEAD "<device><name>D</name><peripherals><peripheral><name>P</name><baseAddress>0</baseAddress><registers>"
#define TAIL "</registers></peripheral></peripherals></device>"
#define REG(fields) "<register><name>R</name><addressOffset>0</addressOffset><fields>" fields "</fields></register>"

struct bad_case {
	const char *what;
	const char *xml;
	int rc;
	const char *msg;
};

static const struct bad_case bad[] = {
	{ "empty", "", H7_ERROR_PARSE, "line" },
	{ "truncated", "<device><name>D</name><peripherals>", H7_ERROR_PARSE, "line" },
	{ "not XML", "hello", H7_ERROR_PARSE, "line 1" },
	{ "billion laughs", "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
			    "<device><name>&b;</name></device>", H7_ERROR_PARSE, "DOCTYPE" },
	{ "no peripherals", "<device><name>D</name></device>", H7_ERROR_PARSE, "not a CMSIS-SVD" },
	{ "too deep", "<device><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a></a></a></a></a></a></a></a></a>"
		      "</a></a></a></a></a></a></a></a></a></device>", H7_ERROR_OVERFLOW, "nested" },
	{ "long name", HEAD "<register><name>"
			    "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR"
			    "</name></register>" TAIL, H7_ERROR_OVERFLOW, "longer than" },
	{ "field past bit 31", HEAD REG("<field><name>F</name><bitOffset>30</bitOffset><bitWidth>4</bitWidth></field>") TAIL,
	  H7_ERROR_PARSE, "outside" },
	{ "field without position", HEAD REG("<field><name>F</name></field>") TAIL, H7_ERROR_PARSE, "no bit position" },
	{ "bad bitRange", HEAD REG("<field><name>F</name><bitRange>[3:5]</bitRange></field>") TAIL, H7_ERROR_PARSE,
	  "bitRange" },
	{ "bad number", "<device><name>D</name><peripherals><peripheral><name>P</name><baseAddress>zz</baseAddress>"
			"</peripheral></peripherals></device>", H7_ERROR_PARSE, "baseAddress" },
	{ "unknown derivedFrom", "<device><name>D</name><peripherals><peripheral derivedFrom=\"Q\"><name>P</name>"
				 "<baseAddress>0</baseAddress></peripheral></peripherals></device>",
	  H7_ERROR_PARSE, "unknown peripheral 'Q'" },
	{ "register without a name", HEAD "<register><addressOffset>0</addressOffset></register>" TAIL, H7_ERROR_PARSE,
	  "without a name" },
	{ "register size 64", HEAD "<register><name>R</name><size>64</size></register>" TAIL, H7_ERROR_PARSE, "size" },
};

static void test_bad_input(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct svd_device *d = (struct svd_device *)&d; /* must be reset to NULL */
		char err[256] = "";
		int rc = svd_parse(bad[i].xml, strlen(bad[i].xml), &d, err, sizeof err);
		print_message("%s: %d %s\n", bad[i].what, rc, err);
		assert_int_equal(rc, bad[i].rc);
		assert_null(d);
		assert_non_null(strstr(err, bad[i].msg));
	}
}

static void test_limits(void **state)
{
	(void)state;
	struct svd_device *d;
	char err[256], *xml;
	size_t n = 0, cap = 64 * 1024;

	/* more fields than SVD_MAX_FIELDS in one register */
	xml = malloc(cap);
	assert_non_null(xml);
	n += (size_t)snprintf(xml + n, cap - n, HEAD "<register><name>R</name><fields>");
	for (int i = 0; i <= SVD_MAX_FIELDS; i++)
		n += (size_t)snprintf(xml + n, cap - n, "<field><name>F%d</name><bitOffset>0</bitOffset><bitWidth>1</bitWidth></field>", i);
	n += (size_t)snprintf(xml + n, cap - n, "</fields></register>" TAIL);
	assert_true(n < cap);
	assert_int_equal(svd_parse(xml, n, &d, err, sizeof err), H7_ERROR_OVERFLOW);
	assert_non_null(strstr(err, "fields"));
	/* size limit checked before parsing */
	assert_int_equal(svd_parse(xml, (size_t)SVD_MAX_FILE_BYTES + 1, &d, err, sizeof err), H7_ERROR_OVERFLOW);
	free(xml);
	assert_int_equal(svd_load("/nonexistent/x.svd", &d, err, sizeof err), H7_ERROR_NOT_FOUND);
	assert_non_null(strstr(err, "/nonexistent/x.svd"));
}

static struct svd_device *real_svd(void)
{
	const char *path = tu_src_path("../shared/svd/STM32H745_CM7.svd");
	struct svd_device *d = NULL;
	char err[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	fclose(f);
	if (svd_load(path, &d, err, sizeof err))
		print_error("%s: %s\n", path, err);
	assert_non_null(d);
	return d;
}

static void test_real_svd(void **state)
{
	(void)state;
	struct svd_device *d = real_svd();
	const struct svd_peripheral *p;
	const struct svd_register *r;
	size_t n;

	if (!d) {
		print_message("SKIP: ../shared/svd/STM32H745_CM7.svd not present\n");
		skip();
	}
	assert_string_equal(d->name, "STM32H745_CM7");
	assert_true(d->n_periphs > 100);
	r = svd_lookup(d, "RCC.CR", NULL);
	assert_non_null(r);
	assert_int_equal(r->reset_value, 0x83);
	assert_int_equal(field(r, "HSIDIV")->lsb, 3);
	assert_int_equal(field(r, "D2CKRDY")->lsb, 15);
	r = svd_lookup(d, "DBGMCU_IDC", NULL);
	assert_int_equal(r->reset_value, 0x10006450);
	p = svd_find_peripheral(d, "OTG2_HS_GLOBAL");
	assert_non_null(p->derived);
	assert_non_null(svd_registers(p, &n));
	assert_true(n > 10);
	r = svd_find_address(d, 0x40080804, &p);
	assert_non_null(r);
	assert_string_equal(p->name, "OTG2_HS_DEVICE");
	assert_string_equal(r->name, "OTG_HS_DCTL");
	assert_int_equal(field(r, "SDIS")->lsb, 1);
	svd_free(d);
}

/* Every catalog register the SVD has is at the SVD's address. */
static void test_catalog_vs_svd(void **state)
{
	(void)state;
	/* not in the STM32H745_CM7 SVD: the CM4 boot register, the electronic
	 * signature and the CM4's RCC_C2_xxx registers (RM0399 RCC) */
	static const char *const not_in_svd[] = { "FLASH_BOOT4_CUR", "FLASH_SIZE", "UID0", "UID1", "UID2",
						  "RCC_C2_AHB1ENR" };
	struct svd_device *d = real_svd();
	int by_name = 0, by_addr = 0;

	if (!d) {
		print_message("SKIP: ../shared/svd/STM32H745_CM7.svd not present\n");
		skip();
	}
	for (int i = 0; i < REG_COUNT; i++) {
		const struct reg_def *c = &regs_catalog[i];
		const struct svd_peripheral *p;
		const struct svd_register *r;
		int listed = 0;

		if (c->kind != REGS_KIND_MEM32 && c->kind != REGS_KIND_MEM16)
			continue;
		if (c->addr >= 0xE0000000u)
			continue; /* Cortex-M system registers: not in this SVD */
		r = svd_lookup(d, c->name, &p);
		if (r) {
			if (p->base + r->offset != c->addr)
				print_error("%s: catalog 0x%08X, SVD %s.%s at 0x%08X\n", c->name, c->addr, p->name,
					    r->name, p->base + r->offset);
			assert_int_equal(p->base + r->offset, c->addr);
			by_name++;
			continue;
		}
		r = svd_find_address(d, c->addr, &p);
		for (size_t k = 0; k < sizeof not_in_svd / sizeof not_in_svd[0]; k++)
			listed |= !strcmp(c->name, not_in_svd[k]);
		if (!r && !listed)
			print_error("%s (0x%08X) is neither in the SVD nor known to be absent\n", c->name, c->addr);
		assert_true(r || listed);
		assert_false(r && listed); /* the allowlist stays honest */
		if (r)
			by_addr++;
	}
	print_message("catalog vs SVD: %d by name, %d by address\n", by_name, by_addr);
	assert_true(by_name >= 20);
	assert_true(by_addr >= 20); /* the OTG registers, named OTGx_HS_* in the SVD */
	svd_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mini),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_real_svd),
		cmocka_unit_test(test_catalog_vs_svd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
