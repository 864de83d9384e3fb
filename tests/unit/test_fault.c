/* Fault decoding: bit tables complete and honest, the decode cases
 * (table-driven), EXC_RETURN, the eight frame-math combinations, stacked
 * frames read from the snapshot's stack windows, exception names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "render.h"
#include "snapshot.h"
#include "testutil.h"

/* ---- tables: every architecturally defined bit, and no reserved bit ----- */

struct defbit {
	const char *name;
	uint32_t mask;
};

/* Written from DDI0403 (B3.2.13 SHCSR, B3.2.15 CFSR, B3.2.16 HFSR, C1.6.1
 * DFSR) and the Cortex-M7 TRM (ABFSR), independently of fault.c. */
static const struct defbit cfsr_def[] = {
	{ "IACCVIOL", 1u << 0 },    { "DACCVIOL", 1u << 1 },  { "MUNSTKERR", 1u << 3 },  { "MSTKERR", 1u << 4 },
	{ "MLSPERR", 1u << 5 },     { "MMARVALID", 1u << 7 }, { "IBUSERR", 1u << 8 },    { "PRECISERR", 1u << 9 },
	{ "IMPRECISERR", 1u << 10 }, { "UNSTKERR", 1u << 11 }, { "STKERR", 1u << 12 },   { "LSPERR", 1u << 13 },
	{ "BFARVALID", 1u << 15 },  { "UNDEFINSTR", 1u << 16 }, { "INVSTATE", 1u << 17 }, { "INVPC", 1u << 18 },
	{ "NOCP", 1u << 19 },       { "UNALIGNED", 1u << 24 }, { "DIVBYZERO", 1u << 25 },
};
static const struct defbit hfsr_def[] = { { "VECTTBL", 1u << 1 }, { "FORCED", 1u << 30 }, { "DEBUGEVT", 1u << 31 } };
static const struct defbit dfsr_def[] = {
	{ "HALTED", 1u << 0 }, { "BKPT", 1u << 1 }, { "DWTTRAP", 1u << 2 }, { "VCATCH", 1u << 3 }, { "EXTERNAL", 1u << 4 },
};
static const struct defbit abfsr_def[] = {
	{ "ITCM", 1u << 0 }, { "DTCM", 1u << 1 }, { "AHBP", 1u << 2 }, { "AXIM", 1u << 3 }, { "EPPB", 1u << 4 },
	{ "AXIMTYPE", 3u << 8 },
};
static const struct defbit shcsr_def[] = {
	{ "MEMFAULTACT", 1u << 0 },     { "BUSFAULTACT", 1u << 1 },     { "USGFAULTACT", 1u << 3 },
	{ "SVCALLACT", 1u << 7 },       { "MONITORACT", 1u << 8 },      { "PENDSVACT", 1u << 10 },
	{ "SYSTICKACT", 1u << 11 },     { "USGFAULTPENDED", 1u << 12 }, { "MEMFAULTPENDED", 1u << 13 },
	{ "BUSFAULTPENDED", 1u << 14 }, { "SVCALLPENDED", 1u << 15 },   { "MEMFAULTENA", 1u << 16 },
	{ "BUSFAULTENA", 1u << 17 },    { "USGFAULTENA", 1u << 18 },
};

static void check_table(enum reg_id id, const struct defbit *def, size_t n)
{
	const struct bits_reg *t = fault_table(id);
	uint32_t defined = 0;

	assert_non_null(t);
	assert_non_null(t->ref);
	for (size_t i = 0; i < n; i++) {
		int found = 0;
		defined |= def[i].mask;
		for (size_t k = 0; k < t->n_fields; k++)
			if (!strcmp(t->fields[k].name, def[i].name)) {
				if (t->fields[k].mask != def[i].mask)
					print_error("%s.%s: mask 0x%08X, expected 0x%08X\n", regs_catalog[id].name,
						    def[i].name, t->fields[k].mask, def[i].mask);
				assert_int_equal(t->fields[k].mask, def[i].mask);
				found = 1;
			}
		if (!found)
			print_error("%s: no table entry for %s\n", regs_catalog[id].name, def[i].name);
		assert_true(found);
	}
	/* no entry claims a reserved bit */
	for (size_t k = 0; k < t->n_fields; k++) {
		if (t->fields[k].mask & ~defined)
			print_error("%s.%s claims reserved bits 0x%08X\n", regs_catalog[id].name, t->fields[k].name,
				    t->fields[k].mask & ~defined);
		assert_int_equal(t->fields[k].mask & ~defined, 0);
	}
	assert_int_equal(fault_defined_mask(id), defined);
}

static void test_tables_complete(void **state)
{
	(void)state;
	check_table(REG_CFSR, cfsr_def, sizeof cfsr_def / sizeof cfsr_def[0]);
	check_table(REG_HFSR, hfsr_def, sizeof hfsr_def / sizeof hfsr_def[0]);
	check_table(REG_DFSR, dfsr_def, sizeof dfsr_def / sizeof dfsr_def[0]);
	check_table(REG_ABFSR, abfsr_def, sizeof abfsr_def / sizeof abfsr_def[0]);
	check_table(REG_SHCSR, shcsr_def, sizeof shcsr_def / sizeof shcsr_def[0]);
}

/* every table of fault.c: non-empty contiguous masks, no overlap, unique names, a meaning */
static void test_tables_well_formed(void **state)
{
	(void)state;
	assert_true(fault_n_tables >= 5);
	for (size_t i = 0; i < fault_n_tables; i++) {
		const struct bits_reg *t = &fault_tables[i];
		uint32_t seen = 0;
		for (size_t k = 0; k < t->n_fields; k++) {
			const struct bits_field *f = &t->fields[k];
			uint32_t m = f->mask >> bits_lsb(f->mask);
			assert_non_null(f->name);
			assert_non_null(f->meaning);
			assert_true(f->mask != 0);
			assert_int_equal(m & (m + 1), 0); /* contiguous */
			assert_int_equal(seen & f->mask, 0);
			seen |= f->mask;
			for (size_t j = 0; j < k; j++)
				assert_string_not_equal(t->fields[j].name, f->name);
		}
	}
}

/* ---- the decode cases -------------------------------------------- */

struct rv {
	enum reg_id reg;
	uint32_t val;
};

#define MAXRV 10
struct decode_case {
	const char *what;
	struct rv regs[MAXRV];
	int n;
	int faulted, escalated, imprecise, bfar_valid;
	uint32_t bfar;
	unsigned esc;        /* expected escalation reasons (exact), when escalated */
	const char *note;    /* a note id that must be present */
	const char *text_has; /* substring of that note's text, or NULL */
	const char *absent;  /* substring that must appear neither in the text nor in the JSON report */
};

static const struct decode_case cases[] = {
	{ "precise read of 0x1FFF9804, escalated (PRIMASK, handler disabled)",
	  { { REG_CFSR, 0x00008200 }, { REG_BFAR, 0x1FFF9804 }, { REG_HFSR, 0x40000000 }, { REG_PRIMASK, 1 },
	    { REG_SHCSR, 0 } }, 5, 1, 1, 0, 1, 0x1FFF9804, FAULT_ESC_PRIMASK | FAULT_ESC_DISABLED,
	  "precise-bus-error", "0x1FFF9804", NULL },
	{ "precise, escalated, nothing else known",
	  { { REG_CFSR, 0x00008200 }, { REG_BFAR, 0x1FFF9804 }, { REG_HFSR, 0x40000000 } }, 3, 1, 1, 0, 1,
	  0x1FFF9804, FAULT_ESC_UNKNOWN, "escalated", "not captured", NULL },
	{ "imprecise: an earlier store",
	  { { REG_CFSR, 0x00000400 }, { REG_HFSR, 0x40000000 } }, 2, 1, 1, 1, 0, 0, FAULT_ESC_UNKNOWN, "imprecise",
	  "earlier store", NULL },
	{ "imprecise, handler disabled, PRIMASK does not count",
	  { { REG_CFSR, 0x00000400 }, { REG_HFSR, 0x40000000 }, { REG_SHCSR, 0 }, { REG_PRIMASK, 1 },
	    { REG_ABFSR, 0x00000308 } }, 5, 1, 1, 1, 0, 0, FAULT_ESC_DISABLED, "imprecise", "AXIM", NULL },
	{ "imprecise with the handler enabled and PRIMASK: not an escalation cause",
	  { { REG_CFSR, 0x00000400 }, { REG_HFSR, 0x40000000 }, { REG_SHCSR, 0x00020000 }, { REG_PRIMASK, 1 } }, 4, 1,
	  1, 1, 0, 0, FAULT_ESC_UNKNOWN, "imprecise-masked", "stays pending", NULL },
	{ "stale BFAR with BFARVALID clear is not reported",
	  { { REG_CFSR, 0x00000400 }, { REG_BFAR, 0x20001234 }, { REG_HFSR, 0x40000000 } }, 3, 1, 1, 1, 0, 0,
	  FAULT_ESC_UNKNOWN, "imprecise", NULL, "20001234" },
	{ "stale MMFAR with MMARVALID clear is not reported",
	  { { REG_CFSR, 0x00000002 }, { REG_MMFAR, 0x0BADCAFE } }, 2, 1, 0, 0, 0, 0, 0, "mpu-violation",
	  "MMFAR not valid", "0BADCAFE" },
	{ "MLSPERR", { { REG_CFSR, 0x00000020 }, { REG_FPCAR, 0x2001FF00 } }, 2, 1, 0, 0, 0, 0, 0, "lazy-fp-error",
	  "MLSPERR", NULL },
	{ "UNSTKERR", { { REG_CFSR, 0x00000800 } }, 1, 1, 0, 0, 0, 0, 0, "unstacking-error", "UNSTKERR", NULL },
	{ "STKERR", { { REG_CFSR, 0x00001000 } }, 1, 1, 0, 0, 0, 0, 0, "stacking-error", "STKERR", NULL },
	{ "DIVBYZERO", { { REG_CFSR, 0x02000000 } }, 1, 1, 0, 0, 0, 0, 0, "divbyzero", "division by zero", NULL },
	{ "UNDEFINSTR", { { REG_CFSR, 0x00010000 } }, 1, 1, 0, 0, 0, 0, 0, "undefinstr", "undefined instruction",
	  NULL },
	{ "NOCP with the FPU off", { { REG_CFSR, 0x00080000 }, { REG_CPACR, 0 } }, 2, 1, 0, 0, 0, 0, 0, "nocp",
	  "CPACR", NULL },
	{ "VECTTBL", { { REG_HFSR, 0x00000002 }, { REG_VTOR, 0x1FFF9800 } }, 2, 1, 0, 0, 0, 0, 0, "vecttbl",
	  "0x1FFF9800", NULL },
	{ "DEBUGEVT", { { REG_HFSR, 0x80000000 } }, 1, 1, 0, 0, 0, 0, 0, "debugevt", "BKPT", NULL },
	{ "FORCED with CFSR cleared", { { REG_CFSR, 0 }, { REG_HFSR, 0x40000000 } }, 2, 1, 1, 0, 0, 0, 0,
	  "forced-without-cause", "cleared", NULL },
	{ "FAULTMASK and BASEPRI escalate a UsageFault",
	  { { REG_CFSR, 0x00010000 }, { REG_HFSR, 0x40000000 }, { REG_SHCSR, 0x00070000 }, { REG_FAULTMASK, 1 },
	    { REG_BASEPRI, 0x20 }, { REG_SHPR1, 0x00400000 }, { REG_PRIMASK, 0 } }, 7, 1, 1, 0, 0, 0,
	  FAULT_ESC_FAULTMASK | FAULT_ESC_BASEPRI, "escalated", "BASEPRI = 0x20", NULL },
	{ "IACCVIOL with the MPU on: the MPU forbade it",
	  { { REG_CFSR, 0x00000001 }, { REG_MPU_CTRL, 0x00000005 } }, 2, 1, 0, 0, 0, 0, 0, "mpu-violation",
	  "instruction fetch", "execute-never" },
	{ "IACCVIOL with the MPU off: the default memory map's execute-never regions",
	  { { REG_CFSR, 0x00000001 }, { REG_MPU_CTRL, 0 } }, 2, 1, 0, 0, 0, 0, 0, "xn-violation",
	  "0xA0000000-0xFFFFFFFF", "MPU access violation" },
	{ "locked up, halted out of it (OpenOCD clears lockup by halting): the lockup PC",
	  { { REG_CFSR, 0x00001001 }, { REG_HFSR, 0x40000000 }, { REG_PC, 0xEFFFFFFE }, { REG_XPSR, 0x01000003 },
	    { REG_DHCSR, 0x00030003 } }, 5, 1, 1, 0, 0, 0, FAULT_ESC_UNKNOWN, "lockup", "0xEFFFFFFE", NULL },
	{ "in HardFault at 0xFFFFFFFE: an erased handler vector, lockup",
	  { { REG_CFSR, 0x00000001 }, { REG_HFSR, 0x40000000 }, { REG_PC, 0xFFFFFFFE }, { REG_XPSR, 0x01000003 } },
	  4, 1, 1, 0, 0, 0, FAULT_ESC_UNKNOWN, "lockup", "erased value 0xFFFFFFFF", NULL },
	{ "at 0xFFFFFFFE in Thread mode (an erased reset vector, halted at reset): no lockup yet",
	  { { REG_PC, 0xFFFFFFFE }, { REG_XPSR, 0x01000000 }, { REG_CFSR, 0 }, { REG_HFSR, 0 } }, 4, 0, 0, 0, 0, 0, 0,
	  NULL, NULL, NULL },
	{ "locked up right now (DHCSR.S_LOCKUP)",
	  { { REG_HFSR, 0x40000000 }, { REG_CFSR, 0x00000400 }, { REG_DHCSR, 0x00080001 } }, 3, 1, 1, 1, 0, 0,
	  FAULT_ESC_UNKNOWN, "lockup", "S_LOCKUP", NULL },
	{ "no fault", { { REG_CFSR, 0 }, { REG_HFSR, 0 } }, 2, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct fault_note *find_note(const struct fault_report *r, const char *id)
{
	for (size_t i = 0; i < r->n_notes; i++)
		if (!strcmp(r->notes[i].id, id))
			return &r->notes[i];
	return NULL;
}

static void test_decode_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct decode_case *c = &cases[i];
		struct snapshot s;
		struct fault_report r;
		const struct fault_note *n;

		snapshot_init(&s, SNAP_CORE_CM7);
		for (int k = 0; k < c->n; k++)
			snapshot_set(&s, c->regs[k].reg, c->regs[k].val);
		fault_decode(&s, &r);
		print_message("case: %s\n", c->what);
		assert_int_equal(r.faulted, c->faulted);
		assert_int_equal(r.escalated, c->escalated);
		assert_int_equal(r.imprecise, c->imprecise);
		assert_int_equal(r.bfar_valid, c->bfar_valid);
		if (c->bfar_valid)
			assert_int_equal(r.bfar, c->bfar);
		if (c->escalated && c->esc)
			assert_int_equal(r.esc_reasons, c->esc);
		if (!c->note) {
			assert_int_equal(r.n_notes, 0);
		} else {
			n = find_note(&r, c->note);
			if (!n)
				print_error("no note '%s'\n", c->note);
			assert_non_null(n);
			if (c->text_has && !strstr(n->text, c->text_has))
				print_error("note '%s' lacks '%s': %s\n", c->note, c->text_has, n->text);
			if (c->text_has)
				assert_non_null(strstr(n->text, c->text_has));
		}
		if (c->absent) {
			char *text = NULL, *json;
			size_t len = 0;
			FILE *m = open_memstream(&text, &len);
			struct render_opts o;
			cJSON *doc;

			render_opts_init(&o, NULL);
			o.all = 1;
			render_snapshot_text(m, &s, &o);
			fclose(m);
			doc = render_snapshot_json(&s);
			assert_non_null(doc);
			json = cJSON_PrintUnformatted(doc);
			assert_non_null(json);
			assert_null(strstr(text, c->absent));
			assert_null(strstr(json, c->absent));
			cJSON_Delete(doc);
			free(json);
			free(text);
		}
	}
}

/* DFSR 0 on a halted, faulted core: OpenOCD cleared it on debug entry */
static void test_dfsr_cleared(void **state)
{
	(void)state;
	struct snapshot s;
	struct fault_report r;

	snapshot_init(&s, SNAP_CORE_CM7);
	snapshot_set(&s, REG_CFSR, 0x00008200);
	snapshot_set(&s, REG_HFSR, 0x40000000);
	snapshot_set(&s, REG_DFSR, 0);
	s.halted = 1;
	fault_decode(&s, &r);
	assert_non_null(find_note(&r, "dfsr-cleared"));
	/* not while running (no halt to explain), not when DFSR says something, not without a fault */
	s.halted = 0;
	fault_decode(&s, &r);
	assert_null(find_note(&r, "dfsr-cleared"));
	s.halted = 1;
	snapshot_set(&s, REG_DFSR, 0x8);
	fault_decode(&s, &r);
	assert_null(find_note(&r, "dfsr-cleared"));
	assert_non_null(find_note(&r, "vcatch"));
	snapshot_set(&s, REG_DFSR, 0);
	snapshot_set(&s, REG_CFSR, 0);
	snapshot_set(&s, REG_HFSR, 0);
	fault_decode(&s, &r);
	assert_null(find_note(&r, "dfsr-cleared"));
}

/* every set bit is reported (not only the first cause): all of CFSR at once */
static void test_every_bit_listed(void **state)
{
	(void)state;
	struct snapshot s;
	cJSON *doc, *set, *it;
	int n = 0;

	snapshot_init(&s, SNAP_CORE_CM7);
	snapshot_set(&s, REG_CFSR, 0x030FBFBBu);
	snapshot_set(&s, REG_HFSR, 0xC0000002u);
	doc = render_snapshot_json(&s);
	assert_non_null(doc);
	set = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
		cJSON_GetObjectItem(doc, "decoded"), "fault"), "registers"), "CFSR"), "set");
	assert_non_null(set);
	for (size_t i = 0; i < sizeof cfsr_def / sizeof cfsr_def[0]; i++) {
		int found = 0;
		cJSON_ArrayForEach(it, set) found |= !strcmp(it->valuestring, cfsr_def[i].name);
		assert_true(found);
	}
	cJSON_ArrayForEach(it, set) n++;
	assert_int_equal(n, (int)(sizeof cfsr_def / sizeof cfsr_def[0]));
	cJSON_Delete(doc);
}

/* a synchronous fault raised in a handler of higher priority escalates */
static void test_priority_escalation(void **state)
{
	(void)state;
	struct snapshot s;
	struct fault_report r;

	snapshot_init(&s, SNAP_CORE_CM7);
	snapshot_set(&s, REG_CFSR, 0x00008200);
	snapshot_set(&s, REG_BFAR, 0x1FFF9804);
	snapshot_set(&s, REG_HFSR, 0x40000000);
	snapshot_set(&s, REG_SHCSR, 0x00020000); /* BusFault handler enabled */
	snapshot_set(&s, REG_PRIMASK, 0);
	snapshot_set(&s, REG_FAULTMASK, 0);
	snapshot_set(&s, REG_BASEPRI, 0);
	snapshot_set(&s, REG_SHPR1, 0x00004000);     /* BusFault priority 0x40 */
	snapshot_set(&s, REG_NVIC_IPR0 + 1, 0x2000); /* IRQ5 (RCC) priority 0x20: higher */
	snapshot_set(&s, REG_XPSR, 3);               /* in HardFault now */
	snapshot_set(&s, REG_LR, 0xFFFFFFF1);        /* came from Handler mode, MSP, basic frame */
	snapshot_set(&s, REG_MSP, 0x20001000);
	s.msp_stack.addr = 0x20001000;
	s.msp_stack.state = SNAP_OK;
	s.msp_stack.words = 8;
	s.msp_stack.w[FAULT_ST_PC] = 0x08000400;
	s.msp_stack.w[FAULT_ST_XPSR] = 0x01000000 | (16 + 5); /* Thumb, IPSR = IRQ5 */
	fault_decode(&s, &r);
	assert_int_equal(r.esc_reasons, FAULT_ESC_PRIORITY);
	assert_non_null(strstr(find_note(&r, "escalated")->text, "IRQ5"));
	/* the same at a lower interrupted priority: no reason found */
	snapshot_set(&s, REG_NVIC_IPR0 + 1, 0x8000);
	fault_decode(&s, &r);
	assert_int_equal(r.esc_reasons, FAULT_ESC_UNKNOWN);
}

/* ---- EXC_RETURN and frames ------------------------------------------------ */

static void test_exc_return(void **state)
{
	(void)state;
	static const struct {
		uint32_t v;
		int valid, thread, psp, basic;
	} t[] = {
		{ 0xFFFFFFF1, 1, 0, 0, 1 }, { 0xFFFFFFF9, 1, 1, 0, 1 }, { 0xFFFFFFFD, 1, 1, 1, 1 },
		{ 0xFFFFFFE1, 1, 0, 0, 0 }, { 0xFFFFFFE9, 1, 1, 0, 0 }, { 0xFFFFFFED, 1, 1, 1, 0 },
		{ 0xFFFFFFF5, 0, 0, 1, 1 }, /* Handler mode on PSP does not exist */
		{ 0xFFFFFFF0, 0, 0, 0, 1 }, { 0xFFFFFFFB, 0, 1, 0, 1 },
	};
	struct fault_exc_return e;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(fault_exc_return_decode(t[i].v, &e), 0);
		assert_int_equal(e.valid, t[i].valid);
		assert_int_equal(e.to_thread, t[i].thread);
		assert_int_equal(e.use_psp, t[i].psp);
		assert_int_equal(e.basic_frame, t[i].basic);
	}
	assert_int_equal(fault_exc_return_decode(0x08000401, &e), -1);
}

/* all eight combinations of EXC_RETURN[2], EXC_RETURN[4] and xPSR[9] */
static void test_frame_math_eight(void **state)
{
	(void)state;
	static const struct {
		int bit2, bit4, bit9;
		uint32_t frame;
		unsigned size, pad;
		uint32_t before;
	} t[] = {
		{ 0, 0, 0, 0x2001FF00, 0x68, 0, 0x2001FF68 }, { 0, 0, 1, 0x2001FF00, 0x68, 4, 0x2001FF6C },
		{ 0, 1, 0, 0x2001FF00, 0x20, 0, 0x2001FF20 }, { 0, 1, 1, 0x2001FF00, 0x20, 4, 0x2001FF24 },
		{ 1, 0, 0, 0x24007F00, 0x68, 0, 0x24007F68 }, { 1, 0, 1, 0x24007F00, 0x68, 4, 0x24007F6C },
		{ 1, 1, 0, 0x24007F00, 0x20, 0, 0x24007F20 }, { 1, 1, 1, 0x24007F00, 0x20, 4, 0x24007F24 },
	};
	for (size_t i = 0; i < 8; i++) {
		struct fault_frame_layout l;
		fault_frame_math(t[i].bit2, t[i].bit4, t[i].bit9, 0x2001FF00, 0x24007F00, &l);
		assert_int_equal(l.on_psp, t[i].bit2);
		assert_int_equal(l.frame, t[i].frame);
		assert_int_equal(l.size, t[i].size);
		assert_int_equal(l.pad, t[i].pad);
		assert_int_equal(l.sp_before, t[i].before);
	}
}

/* the frame is read from the right stack window; xPSR[9] comes from the stacked xPSR */
static void test_stacked_frame(void **state)
{
	(void)state;
	struct snapshot s;
	struct fault_report r;

	snapshot_init(&s, SNAP_CORE_CM7);
	snapshot_set(&s, REG_CFSR, 0x00020000); /* INVSTATE */
	snapshot_set(&s, REG_HFSR, 0x40000000);
	snapshot_set(&s, REG_XPSR, 3);
	snapshot_set(&s, REG_LR, 0xFFFFFFFD); /* Thread, PSP, basic */
	snapshot_set(&s, REG_MSP, 0x2001FFE0);
	snapshot_set(&s, REG_PSP, 0x24001000);
	/* MSP window holds garbage: must not be used */
	s.msp_stack.addr = 0x2001FFE0;
	s.msp_stack.state = SNAP_OK;
	s.msp_stack.words = 8;
	for (int i = 0; i < 8; i++)
		s.msp_stack.w[i] = 0xDEAD0000u + (uint32_t)i;
	s.psp_stack.addr = 0x24001000;
	s.psp_stack.state = SNAP_OK;
	s.psp_stack.words = SNAP_STACK_WORDS;
	for (int i = 0; i < 8; i++)
		s.psp_stack.w[i] = 0x11110000u + (uint32_t)i;
	s.psp_stack.w[FAULT_ST_PC] = 0x1FF09800;   /* an even branch target */
	s.psp_stack.w[FAULT_ST_XPSR] = 0x00000200; /* T = 0, alignment padding */
	fault_decode(&s, &r);
	assert_true(r.have_layout);
	assert_int_equal(r.layout.on_psp, 1);
	assert_int_equal(r.layout.frame, 0x24001000);
	assert_int_equal(r.layout.size, 0x20);
	assert_int_equal(r.layout.pad, 4);
	assert_int_equal(r.layout.sp_before, 0x24001024);
	assert_int_equal(r.n_stacked, 8);
	assert_int_equal(r.stacked[FAULT_ST_R0], 0x11110000);
	assert_int_equal(r.stacked[FAULT_ST_PC], 0x1FF09800);
	assert_non_null(strstr(find_note(&r, "invstate")->text, "T = 0"));
	assert_non_null(strstr(find_note(&r, "invstate")->text, "0x1FF09800"));

	/* FP-extended frame on MSP: 26 words; a window too short gives what it has */
	snapshot_set(&s, REG_LR, 0xFFFFFFE9);
	s.msp_stack.words = SNAP_STACK_WORDS;
	s.msp_stack.w[FAULT_ST_XPSR] = 0x01000000;
	s.msp_stack.w[FAULT_ST_FPSCR] = 0x03000000;
	fault_decode(&s, &r);
	assert_int_equal(r.layout.on_psp, 0);
	assert_int_equal(r.layout.size, 0x68);
	assert_int_equal(r.layout.pad, 0);
	assert_int_equal(r.n_stacked, 26);
	assert_int_equal(r.stacked[FAULT_ST_FPSCR], 0x03000000);
	assert_int_equal(r.layout.sp_before, 0x2001FFE0 + 0x68);
	s.msp_stack.words = 10;
	fault_decode(&s, &r);
	assert_int_equal(r.n_stacked, 10);
	/* window not captured: the layout is known, no stacked values */
	s.msp_stack.state = SNAP_ERROR;
	fault_decode(&s, &r);
	assert_true(r.have_layout);
	assert_int_equal(r.n_stacked, 0);
	/* Thread mode: LR is not an EXC_RETURN */
	snapshot_set(&s, REG_XPSR, 0x01000000);
	fault_decode(&s, &r);
	assert_false(r.have_exc_return);
}

static void test_exception_names(void **state)
{
	(void)state;
	char buf[16];
	assert_string_equal(fault_exception_name(3, buf, sizeof buf), "HardFault");
	assert_string_equal(fault_exception_name(5, buf, sizeof buf), "BusFault");
	assert_string_equal(fault_exception_name(0, buf, sizeof buf), "Thread");
	assert_string_equal(fault_exception_name(7, buf, sizeof buf), "reserved");
	assert_string_equal(fault_exception_name(16 + 101, buf, sizeof buf), "IRQ101");
	assert_string_equal(fault_irq_name(101), "OTG_FS");
	assert_string_equal(fault_irq_name(77), "OTG_HS");
	assert_string_equal(fault_irq_name(0), "WWDG1");
	assert_string_equal(fault_irq_name(149), "WKUP");
	assert_null(fault_irq_name(150));
	for (unsigned i = 0; i < FAULT_N_IRQS; i++)
		assert_non_null(fault_irq_name(i));
	/* IPSR of an IRQ names the peripheral */
	{
		struct snapshot s;
		struct fault_report r;
		snapshot_init(&s, SNAP_CORE_CM7);
		snapshot_set(&s, REG_XPSR, 16 + 101);
		fault_decode(&s, &r);
		assert_string_equal(r.exception, "IRQ101 OTG_FS");
	}
}

/* The IRQ table agrees with the SVD's <interrupt> elements (when ../shared is here). */
static void test_irq_names_vs_svd(void **state)
{
	(void)state;
	const char *path = tu_src_path("../shared/svd/STM32H745_CM7.svd");
	char *svd = tu_read_file(path, NULL);
	int checked = 0;

	if (!svd) {
		print_message("SKIP: %s not present, IRQ names not cross-checked against the SVD\n", path);
		skip();
	}
	for (char *p = strstr(svd, "<interrupt>"); p; p = strstr(p + 1, "<interrupt>")) {
		char *end = strstr(p, "</interrupt>"), *n = strstr(p, "<name>"), *v = strstr(p, "<value>");
		char name[64];
		unsigned val;
		size_t len;
		assert_non_null(end);
		assert_true(n && n < end && v && v < end);
		n += 6;
		len = strcspn(n, "<");
		assert_true(len < sizeof name);
		memcpy(name, n, len);
		name[len] = '\0';
		val = (unsigned)strtoul(v + 7, NULL, 0);
		assert_true(val < FAULT_N_IRQS);
		if (strcasecmp(fault_irq_name(val), name))
			print_error("IRQ %u: table says %s, SVD says %s\n", val, fault_irq_name(val), name);
		assert_int_equal(strcasecmp(fault_irq_name(val), name), 0);
		checked++;
	}
	assert_true(checked > 100);
	free(svd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_complete),
		cmocka_unit_test(test_tables_well_formed),
		cmocka_unit_test(test_decode_cases),
		cmocka_unit_test(test_dfsr_cleared),
		cmocka_unit_test(test_every_bit_listed),
		cmocka_unit_test(test_priority_escalation),
		cmocka_unit_test(test_exc_return),
		cmocka_unit_test(test_frame_math_eight),
		cmocka_unit_test(test_stacked_frame),
		cmocka_unit_test(test_exception_names),
		cmocka_unit_test(test_irq_names_vs_svd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
