/* Thumb-2 branch decoding against encodings produced by arm-none-eabi-as
 * (DDI0403 A7 examples checked by hand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "thumb.h"

struct tcase {
	uint16_t hw1, hw2;
	uint32_t pc;
	unsigned len;
	enum thumb_kind kind;
	int cond;
	uint32_t target;
	int reg;
};

static const struct tcase cases[] = {
	/* bl 0x08000400 from 0x08000200: f000 f8fe */
	{ 0xF000, 0xF8FE, 0x08000200, 4, THUMB_CALL, 0, 0x08000400, -1 },
	/* bl backwards: 0x08000400 -> 0x08000200: f7ff fefe */
	{ 0xF7FF, 0xFEFE, 0x08000400, 4, THUMB_CALL, 0, 0x08000200, -1 },
	/* blx r3: 4798 */
	{ 0x4798, 0, 0x24000570, 2, THUMB_CALL_REG, 0, 0, 3 },
	/* bx r2: 4710 */
	{ 0x4710, 0, 0x24000600, 2, THUMB_BRANCH_REG, 0, 0, 2 },
	/* bx lr: 4770 */
	{ 0x4770, 0, 0x24000600, 2, THUMB_RETURN, 0, 0, 14 },
	/* pop {r4, pc}: bd10 */
	{ 0xBD10, 0, 0x24000c76, 2, THUMB_RETURN, 0, 0, -1 },
	/* bne.n back 8 bytes: d1fa at 0x100 -> 0x100 + 4 - 12 = 0xF8 */
	{ 0xD1FA, 0, 0x100, 2, THUMB_BRANCH, 1, 0xF8, -1 },
	/* b.n . : e7fe */
	{ 0xE7FE, 0, 0x24000572, 2, THUMB_BRANCH, 0, 0x24000572, -1 },
	/* cbz r0, +8: b110 at 0x200 -> 0x208 */
	{ 0xB110, 0, 0x200, 2, THUMB_BRANCH, 1, 0x208, -1 },
	/* bne.w backwards: f47f af7c at 0x1000 -> 0x1000 + 4 - 0x108 = 0xEFC */
	{ 0xF47F, 0xAF7C, 0x1000, 4, THUMB_BRANCH, 1, 0xEFC, -1 },
	/* b.w forward: f000 b800 at 0x1000 -> 0x1004 */
	{ 0xF000, 0xB800, 0x1000, 4, THUMB_BRANCH, 0, 0x1004, -1 },
	/* pop.w {r4-r11, pc}: e8bd 8ff0 */
	{ 0xE8BD, 0x8FF0, 0x1000, 4, THUMB_RETURN, 0, 0, -1 },
	/* msr msp, r1: f381 8808 is not a branch */
	{ 0xF381, 0x8808, 0x1000, 4, THUMB_OTHER, 0, 0, -1 },
	/* ldr r3, [r3]: 681b */
	{ 0x681B, 0, 0x1000, 2, THUMB_OTHER, 0, 0, -1 },
	/* bkpt #1: be01 */
	{ 0xBE01, 0, 0x1000, 2, THUMB_OTHER, 0, 0, -1 },
	/* udf #0 (de00) is not a conditional branch (cond 1110) */
	{ 0xDE00, 0, 0x1000, 2, THUMB_OTHER, 0, 0, -1 },
	/* svc #0 (df00) either */
	{ 0xDF00, 0, 0x1000, 2, THUMB_OTHER, 0, 0, -1 },
};

static void test_decode_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tcase *c = &cases[i];
		struct thumb_insn in;
		thumb_decode(c->hw1, c->hw2, c->pc, &in);
		if (in.len != c->len || in.kind != c->kind || in.conditional != c->cond ||
		    (c->target && in.target != c->target) || in.reg != c->reg)
			print_error("case %zu (%04x %04x): len %u kind %d cond %d target 0x%08x reg %d\n", i, c->hw1,
				    c->hw2, in.len, in.kind, in.conditional, in.target, in.reg);
		assert_int_equal(in.len, c->len);
		assert_int_equal(in.kind, c->kind);
		assert_int_equal(in.conditional, c->cond);
		if (c->target)
			assert_int_equal(in.target, c->target);
		assert_int_equal(in.reg, c->reg);
	}
}

static void test_lengths(void **state)
{
	(void)state;
	assert_true(thumb_is_32bit(0xE800));
	assert_true(thumb_is_32bit(0xF000));
	assert_true(thumb_is_32bit(0xF800));
	assert_false(thumb_is_32bit(0xE7FE));
	assert_false(thumb_is_32bit(0x4770));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
