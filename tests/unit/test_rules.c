/* Every rule has a case where it fires and one where it must not.
 *
 * A baseline record describes a jump that worked (ST's sequence: interrupts on,
 * Thread mode, no faults, the DFU device enumerated): no rule with severity
 * warning or error may fire on it. Each case mutates the baseline the way the
 * real chip would look with one bug, and checks that exactly the expected
 * rules fire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "part.h"
#include "rules.h"
#include "run.h"

static void base_snapshot(struct snapshot *s)
{
	snapshot_init(s, SNAP_CORE_CM7);
	for (int r = 0; r < REG_COUNT; r++)
		snapshot_set(s, (enum reg_id)r, 0);
	snapshot_set(s, REG_XPSR, 0x01000000u);
	snapshot_set(s, REG_PC, 0x24000600u);
	snapshot_set(s, REG_MSP, 0x24004FC0u);
	snapshot_set(s, REG_CCR, 0x00040200u);
	snapshot_set(s, REG_VTOR, 0x1FF09800u);
	snapshot_set(s, REG_PWR_CSR1, 1u << 13); /* ACTVOSRDY */
	snapshot_set(s, REG_PWR_CR3, 0x00000006u);
	snapshot_set(s, REG_FLASH_BOOT7_CUR, 0x1FF00800u); /* ADD1 0x1FF0, ADD0 0x0800 */
	snapshot_set(s, REG_FLASH_OPTSR_CUR, 0x0000AA00u); /* RDP level 0 */
	snapshot_set(s, REG_MPU_TYPE, 16u << 8);
	snapshot_set(s, REG_DBGMCU_IDC, 0x20036450u);
}

static const uint8_t base_steps[] = { PROBE_STEP_USB_DISCONNECT, PROBE_STEP_DISABLE_IRQ, PROBE_STEP_SYSTICK_CLEAR,
				      PROBE_STEP_RCC_DEINIT, PROBE_STEP_NVIC_CLEAR, PROBE_STEP_ENABLE_IRQ,
				      PROBE_STEP_READ_VECTORS, PROBE_STEP_BRANCH_ASM };

static struct run_record *baseline(void)
{
	struct run_record *r = malloc(sizeof *r);
	assert_non_null(r);
	run_record_init(r);
	snprintf(r->recipe, sizeof r->recipe, "test");
	snprintf(r->board, sizeof r->board, "sim");
	r->idcode = 0x20036450u;
	part_decode_idcode(r->idcode, &r->part);
	assert_non_null(r->part.group);
	r->part_entry = r->part.group->bootloader;
	r->jump_addr = r->part_entry;
	r->vec_jump = (struct run_vecread){ r->jump_addr, 1, 0x2001FF00u, 0x1FF09A99u };
	r->vec_part = r->vec_jump;
	r->flash_kib = 2048;
	base_snapshot(&r->initial);
	r->start = r->initial;
	r->has_start = 1;
	for (size_t i = 0; i < sizeof base_steps; i++) {
		struct run_step *s = run_add_step(r);
		const struct step_info *si = recipe_step_info((enum probe_step)base_steps[i]);
		assert_non_null(s);
		s->id = (enum probe_step)base_steps[i];
		snprintf(s->name, sizeof s->name, "%s", si->name);
		s->is_branch = si->is_branch;
		if (!s->is_branch) {
			s->after = r->initial;
			s->has_after = 1;
		}
	}
	r->branch_step = (int)sizeof base_steps - 1;
	r->reached_sysmem = 1;
	r->at_sysmem = r->initial;
	snapshot_set(&r->at_sysmem, REG_PC, 0x1FF09A98u);
	snapshot_set(&r->at_sysmem, REG_MSP, 0x2001FF00u);
	r->jump_target = 0x1FF09A99u;
	r->stop = RUN_STOP_BRANCHED;
	r->usb_watched = 1;
	r->usb.found = 1;
	r->verdict = RUN_VERDICT_DFU_ENUMERATED;
	r->cm4 = RUN_CM4_HALTED;
	return r;
}

static void free_rec(struct run_record *r)
{
	run_record_free(r);
	free(r);
}

static struct rules_result res;

static void eval(const struct run_record *r)
{
	rules_evaluate(r, &res);
}

static int fired(const char *id)
{
	return rules_find(&res, id) != NULL;
}

/* The ids that fired with severity >= warning, space separated. */
static const char *serious(void)
{
	static char buf[512];
	buf[0] = '\0';
	for (int i = 0; i < res.n; i++)
		if (res.f[i].severity >= RULE_WARNING) {
			strcat(buf, res.f[i].id);
			strcat(buf, " ");
		}
	return buf;
}

static void expect_serious(const char *ids)
{
	if (strcmp(serious(), ids) != 0)
		print_error("expected \"%s\", got \"%s\"\n", ids, serious());
	assert_string_equal(serious(), ids);
}

/* Set a register in every snapshot from step `from` on (and at the bootloader). */
static void set_from(struct run_record *r, int from, enum reg_id id, uint32_t v)
{
	for (int i = from; i < r->n_steps; i++)
		if (r->steps[i].has_after)
			snapshot_set(&r->steps[i].after, id, v);
	snapshot_set(&r->at_sysmem, id, v);
}

static void add_fault(struct run_record *r, int step, uint32_t cfsr, uint32_t hfsr, uint32_t bfar, uint32_t stacked_pc,
		      uint32_t stacked_xpsr)
{
	struct run_fault *f = &r->faults[r->n_faults];
	memset(f, 0, sizeof *f);
	f->step = step;
	f->ipsr = 3;
	f->snap = step > 0 && r->steps[step - 1].has_after ? r->steps[step - 1].after : r->start;
	snapshot_set(&f->snap, REG_CFSR, cfsr);
	snapshot_set(&f->snap, REG_HFSR, hfsr);
	snapshot_set(&f->snap, REG_BFAR, bfar);
	snapshot_set(&f->snap, REG_XPSR, 0x01000003u);
	snapshot_set(&f->snap, REG_LR, 0xFFFFFFF9u);
	snapshot_set(&f->snap, REG_MSP, 0x24004FA0u);
	f->snap.msp_stack.addr = 0x24004FA0u;
	f->snap.msp_stack.state = SNAP_OK;
	f->snap.msp_stack.words = 8;
	f->snap.msp_stack.w[6] = stacked_pc;
	f->snap.msp_stack.w[7] = stacked_xpsr;
	r->steps[step].fault = r->n_faults;
	r->n_faults++;
	r->verdict = RUN_VERDICT_FAULT;
}

static void stop_before_branch(struct run_record *r, int last_step)
{
	r->reached_sysmem = 0;
	r->stop = RUN_STOP_FAULT;
	for (int i = last_step + 1; i < r->n_steps; i++)
		r->steps[i].has_after = 0;
	r->usb.found = 0;
}

static void test_baseline_is_clean(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	eval(r);
	expect_serious("");
	assert_false(fired("vtor-not-updated")); /* VTOR points at system memory */
	free_rec(r);
}

static void test_bootloader_address(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	r->jump_addr = 0x1FFF9800u;
	r->vec_jump = (struct run_vecread){ 0x1FFF9800u, 0, 0, 0 };
	add_fault(r, 6, FAULT_CFSR_PRECISERR | FAULT_CFSR_BFARVALID, FAULT_HFSR_FORCED, 0x1FFF9804u, 0x24000AAEu,
		  0x81000000u);
	stop_before_branch(r, 5);
	eval(r);
	assert_true(fired("bootloader-address"));
	assert_true(fired("precise-bus-fault"));
	assert_non_null(strstr(rules_find(&res, "bootloader-address")->title, "0x1FF09800"));
	assert_non_null(strstr(rules_find(&res, "bootloader-address")->explanation, "typo"));
	assert_non_null(strstr(rules_find(&res, "precise-bus-fault")->title, "0x1FFF9804"));
	free_rec(r);
	/* must not: the right address */
	r = baseline();
	eval(r);
	assert_false(fired("bootloader-address"));
	assert_false(fired("precise-bus-fault"));
	free_rec(r);
}

static void test_bootloader_address_other_family(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	r->jump_addr = 0x1FFF0000u; /* F4's */
	eval(r);
	assert_true(fired("bootloader-address"));
	assert_non_null(strstr(rules_find(&res, "bootloader-address")->evidence[0].text, "F2"));
	free_rec(r);
}

static void test_imprecise_and_cache(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	/* seed-like: disable-dcache cleaned a never-enabled cache; IMPRECISERR during it */
	r->steps[1].id = PROBE_STEP_DISABLE_DCACHE;
	snprintf(r->steps[1].name, sizeof r->steps[1].name, "disable-dcache");
	add_fault(r, 1, FAULT_CFSR_IMPRECISERR, FAULT_HFSR_FORCED, 0xDEADBEEFu, 0x2400053Eu, 0x21000000u);
	r->faults[0].unwound = 1;
	eval(r);
	assert_true(fired("imprecise-bus-fault"));
	assert_int_equal(rules_find(&res, "imprecise-bus-fault")->step, 1);
	assert_true(fired("cache-disable-when-off"));
	assert_int_equal(rules_find(&res, "cache-disable-when-off")->severity, RULE_ERROR);
	assert_false(fired("precise-bus-fault")); /* stale BFAR, no BFARVALID */
	free_rec(r);

	/* IMPRECISERR seen only in the snapshot after the step (no vector catch) */
	r = baseline();
	set_from(r, 3, REG_CFSR, FAULT_CFSR_IMPRECISERR);
	eval(r);
	assert_true(fired("imprecise-bus-fault"));
	assert_int_equal(rules_find(&res, "imprecise-bus-fault")->step, 3);
	assert_false(fired("cache-disable-when-off"));
	free_rec(r);

	/* must not: the cache was on, so cleaning it is right */
	r = baseline();
	r->steps[1].id = PROBE_STEP_DISABLE_DCACHE;
	snapshot_set(&r->steps[0].after, REG_CCR, 0x00050200u);
	eval(r);
	assert_false(fired("cache-disable-when-off"));
	assert_false(fired("imprecise-bus-fault"));
	free_rec(r);
}

static void test_irq_disabled(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	set_from(r, 1, REG_PRIMASK, 1);
	r->usb.found = 0;
	r->verdict = RUN_VERDICT_NO_DFU;
	eval(r);
	assert_true(fired("irq-disabled-at-jump"));
	assert_true(fired("dfu-not-enumerated"));
	assert_non_null(strstr(rules_find(&res, "dfu-not-enumerated")->evidence[0].text, "irq-disabled-at-jump"));
	free_rec(r);

	r = baseline();
	set_from(r, 0, REG_BASEPRI, 0x10);
	eval(r);
	assert_true(fired("irq-disabled-at-jump"));
	free_rec(r);

	/* stopped before the branch with PRIMASK set, and no step left would clear it */
	r = baseline();
	set_from(r, 1, REG_PRIMASK, 1);
	r->steps[5].id = PROBE_STEP_SYSTICK_CLEAR;
	stop_before_branch(r, 4);
	eval(r);
	assert_true(fired("irq-disabled-at-jump"));
	free_rec(r);

	/* must not: stopped before the branch, but enable-irq was still to come */
	r = baseline();
	set_from(r, 1, REG_PRIMASK, 1);
	stop_before_branch(r, 3);
	eval(r);
	assert_false(fired("irq-disabled-at-jump"));
	free_rec(r);
}

static void test_handler_mode(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	snapshot_set(&r->at_sysmem, REG_XPSR, 0x01000016u); /* IRQ 6 = exception 22 */
	eval(r);
	assert_true(fired("handler-mode-jump"));
	assert_non_null(strstr(rules_find(&res, "handler-mode-jump")->title, "EXTI0"));
	free_rec(r);
	r = baseline();
	eval(r);
	assert_false(fired("handler-mode-jump"));
	free_rec(r);
}

static void test_cm4_running(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	r->cm4 = RUN_CM4_RUNNING;
	r->has_cm4 = 1;
	base_snapshot(&r->cm4_snap);
	r->cm4_snap.core = SNAP_CORE_CM4;
	snapshot_set(&r->cm4_snap, REG_PC, 0x30000062u);
	r->usb.found = 0;
	eval(r);
	assert_true(fired("cm4-running"));
	assert_int_equal(rules_find(&res, "cm4-running")->severity, RULE_ERROR);
	free_rec(r);
	r = baseline();
	r->has_cm4 = 1; /* halted: snapshot taken, but the CM4 was held */
	eval(r);
	assert_false(fired("cm4-running"));
	free_rec(r);
}

static void test_usb_still_connected(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	/* OTG_FS in device mode, transceiver on, clock on, SDIS = 0 */
	snapshot_set(&r->at_sysmem, REG_RCC_AHB1ENR, 1u << 27);
	snapshot_set(&r->at_sysmem, REG_OTG_FS_GUSBCFG, 1u << 30);
	snapshot_set(&r->at_sysmem, REG_OTG_FS_GCCFG, 1u << 16);
	snapshot_set(&r->at_sysmem, REG_OTG_FS_DCTL, 0);
	r->usb.found = 0;
	eval(r);
	assert_true(fired("usb-still-connected"));
	free_rec(r);
	/* must not: soft-disconnected */
	r = baseline();
	snapshot_set(&r->at_sysmem, REG_RCC_AHB1ENR, 1u << 27);
	snapshot_set(&r->at_sysmem, REG_OTG_FS_GUSBCFG, 1u << 30);
	snapshot_set(&r->at_sysmem, REG_OTG_FS_GCCFG, 1u << 16);
	snapshot_set(&r->at_sysmem, REG_OTG_FS_DCTL, 2u);
	eval(r);
	assert_false(fired("usb-still-connected"));
	free_rec(r);
}

static void test_systick_nvic_mpu_fpu_vtor(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	snapshot_set(&r->at_sysmem, REG_SYST_CSR, 7);
	eval(r);
	expect_serious("systick-running ");
	free_rec(r);

	r = baseline();
	snapshot_set(&r->at_sysmem, REG_NVIC_ISER0 + 1, 1u << 7); /* USART3 = IRQ 39 */
	eval(r);
	expect_serious("nvic-pending ");
	assert_non_null(strstr(rules_find(&res, "nvic-pending")->evidence[0].text, "USART3"));
	free_rec(r);

	r = baseline();
	snapshot_set(&r->at_sysmem, REG_MPU_CTRL, 5);
	eval(r);
	expect_serious("mpu-enabled ");
	free_rec(r);

	r = baseline();
	snapshot_set(&r->at_sysmem, REG_CONTROL, 4);
	eval(r);
	expect_serious("fpu-context-active ");
	free_rec(r);

	r = baseline();
	snapshot_set(&r->at_sysmem, REG_VTOR, 0x08000000u);
	eval(r);
	assert_true(fired("vtor-not-updated"));
	assert_int_equal(rules_find(&res, "vtor-not-updated")->severity, RULE_INFO);
	expect_serious("");
	free_rec(r);
}

static void test_option_bytes_rdp_supply(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	snapshot_set(&r->start, REG_FLASH_BOOT7_CUR, 0x08000800u); /* ADD1 points at flash */
	eval(r);
	expect_serious("boot-option-bytes ");
	free_rec(r);

	r = baseline();
	snapshot_set(&r->start, REG_FLASH_OPTSR_CUR, 0x0000CC00u);
	eval(r);
	expect_serious("rdp-level ");
	assert_int_equal(rules_find(&res, "rdp-level")->severity, RULE_ERROR);
	free_rec(r);

	r = baseline();
	snapshot_set(&r->start, REG_FLASH_OPTSR_CUR, 0x00001200u); /* level 1: info only */
	eval(r);
	assert_true(fired("rdp-level"));
	expect_serious("");
	free_rec(r);

	r = baseline();
	snapshot_set(&r->start, REG_PWR_CSR1, 0);
	eval(r);
	expect_serious("supply-config ");
	free_rec(r);
}

static void test_stack_after_msp_and_thumb(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	r->steps[7].id = PROBE_STEP_BRANCH;
	add_fault(r, 7, FAULT_CFSR_IBUSERR, FAULT_HFSR_FORCED, 0, 0xE7FEE7FEu, 0x01000000u);
	r->reached_sysmem = 0;
	r->usb.found = 0;
	eval(r);
	assert_true(fired("stack-after-msp"));
	assert_false(fired("thumb-bit-missing"));
	free_rec(r);

	r = baseline();
	add_fault(r, 7, FAULT_CFSR_INVSTATE, FAULT_HFSR_FORCED, 0, 0x1FF09A98u, 0x00000000u);
	r->reached_sysmem = 0;
	r->jump_target = 0x1FF09A98u;
	eval(r);
	assert_true(fired("thumb-bit-missing"));
	assert_false(fired("stack-after-msp")); /* it went to the right place, in the wrong state */
	free_rec(r);
}

static void test_dfu_not_enumerated(void **state)
{
	(void)state;
	struct run_record *r = baseline();
	eval(r);
	assert_false(fired("dfu-not-enumerated"));
	r->usb.found = 0;
	eval(r);
	assert_true(fired("dfu-not-enumerated"));
	/* nothing explains it: says so */
	assert_non_null(strstr(rules_find(&res, "dfu-not-enumerated")->evidence[0].text, "none of the rules"));
	r->usb_watched = 0; /* not watched: no claim */
	eval(r);
	assert_false(fired("dfu-not-enumerated"));
	free_rec(r);
}

static void test_every_rule_has_a_case(void **state)
{
	(void)state;
	size_t n;
	const struct rule_def *d = rules_list(&n);
	/* the cases above name every rule; keep this list in step with rules.c */
	static const char *const tested[] = { "bootloader-address", "precise-bus-fault", "imprecise-bus-fault",
					      "cache-disable-when-off", "irq-disabled-at-jump", "handler-mode-jump",
					      "cm4-running", "usb-still-connected", "systick-running", "nvic-pending",
					      "mpu-enabled", "vtor-not-updated", "fpu-context-active",
					      "boot-option-bytes", "rdp-level", "supply-config", "stack-after-msp",
					      "thumb-bit-missing", "dfu-not-enumerated" };
	assert_int_equal(n, sizeof tested / sizeof tested[0]);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(d[i].id, tested[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline_is_clean),
		cmocka_unit_test(test_bootloader_address),
		cmocka_unit_test(test_bootloader_address_other_family),
		cmocka_unit_test(test_imprecise_and_cache),
		cmocka_unit_test(test_irq_disabled),
		cmocka_unit_test(test_handler_mode),
		cmocka_unit_test(test_cm4_running),
		cmocka_unit_test(test_usb_still_connected),
		cmocka_unit_test(test_systick_nvic_mpu_fpu_vtor),
		cmocka_unit_test(test_option_bytes_rdp_supply),
		cmocka_unit_test(test_stack_after_msp_and_thumb),
		cmocka_unit_test(test_dfu_not_enumerated),
		cmocka_unit_test(test_every_rule_has_a_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
