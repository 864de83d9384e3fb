/* Recipes and step descriptions are complete and consistent with the probe ABI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "h7jumpdiag/error.h"
#include "recipe.h"

static int is_tail(int id)
{
	return id == PROBE_STEP_SET_MSP || id == PROBE_STEP_SET_MSP_LOCAL || id == PROBE_STEP_BRANCH ||
	       id == PROBE_STEP_BRANCH_ASM;
}

static void test_every_step_described(void **state)
{
	(void)state;
	int described = 0;
	for (int id = 1; id < PROBE_STEP_COUNT_; id++) {
		const struct step_info *si = recipe_step_info((enum probe_step)id);
		if (id > PROBE_STEP_ENTER_ISR && id < PROBE_STEP_USB_DISCONNECT) {
			assert_null(si); /* reserved numbers */
			continue;
		}
		if (!si)
			print_error("probe step %d has no description\n", id);
		assert_non_null(si);
		assert_ptr_equal(recipe_step_by_name(si->name), si);
		assert_true(strlen(si->title) > 5 && strlen(si->code) > 3 && strlen(si->explain) > 20);
		described++;
	}
	assert_int_equal(described, 6 + (PROBE_STEP_COUNT_ - PROBE_STEP_USB_DISCONNECT));
	assert_null(recipe_step_by_name("no-such-step"));
}

static void test_recipes_well_formed(void **state)
{
	(void)state;
	int n = 0;
	for (const struct recipe *r = recipe_table; r->name; r++, n++) {
		int tail_at = -1;
		assert_ptr_equal(recipe_find(r->name), r);
		assert_true(r->n_steps > 0 && r->n_steps <= PROBE_MAX_STEPS);
		for (int i = 0; i < r->n_steps; i++) {
			const struct step_info *si = recipe_step_info((enum probe_step)r->steps[i]);
			assert_non_null(si);
			assert_false(si->is_setup); /* setup comes from options, not recipes */
			if (is_tail(r->steps[i]) && tail_at < 0)
				tail_at = i;
		}
		/* the probe accepts [set-msp(-local), branch], [branch] or [branch-asm] at the end */
		assert_true(tail_at >= 0);
		if (r->steps[tail_at] == PROBE_STEP_SET_MSP || r->steps[tail_at] == PROBE_STEP_SET_MSP_LOCAL) {
			assert_int_equal(tail_at, r->n_steps - 2);
			assert_int_equal(r->steps[tail_at + 1], PROBE_STEP_BRANCH);
		} else {
			assert_int_equal(tail_at, r->n_steps - 1);
		}
		/* every recipe reads the vectors before it branches */
		int rv = 0;
		for (int i = 0; i < tail_at; i++)
			rv |= r->steps[i] == PROBE_STEP_READ_VECTORS;
		assert_true(rv);
	}
	assert_true(n >= 6);
	assert_non_null(recipe_find("seed"));
	assert_int_equal(recipe_find("seed")->addr, RECIPE_ADDR_SEED);
	assert_int_equal(recipe_find("st")->addr, RECIPE_ADDR_PART);
	assert_null(recipe_find("nope"));
	assert_null(recipe_find(NULL));
}

static void test_expand(void **state)
{
	(void)state;
	uint8_t out[PROBE_MAX_STEPS];
	struct recipe_setup setup = { 1, 1, 1 };
	const struct recipe *seed = recipe_find("seed");
	int n = recipe_expand(seed, &setup, out, PROBE_MAX_STEPS);

	assert_int_equal(n, 6 + seed->n_steps);
	assert_int_equal(out[0], PROBE_STEP_APP_CLOCKS);
	assert_int_equal(out[3], PROBE_STEP_APP_CACHES);
	assert_int_equal(out[4], PROBE_STEP_APP_CDC);
	assert_int_equal(out[5], PROBE_STEP_ENTER_ISR);
	assert_memory_equal(out + 6, seed->steps, seed->n_steps);
	n = recipe_expand(seed, NULL, out, PROBE_MAX_STEPS);
	assert_int_equal(n, 3 + seed->n_steps);
	assert_int_equal(recipe_expand(seed, &setup, out, 5), H7_ERROR_OVERFLOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_step_described),
		cmocka_unit_test(test_recipes_well_formed),
		cmocka_unit_test(test_expand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
