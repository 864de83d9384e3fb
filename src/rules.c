/* The rules (see rules.h). One function per rule; each fills a finding from
 * measured evidence and returns 1 when it fires. References name the
 * document and section or the upstream issue the rule comes from. */
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fault.h"
#include "periph.h"
#include "regs.h"

#define REF_AN2606 "AN2606 (STM32 system memory boot mode), STM32H74xxx/75xxx bootloader"
#define REF_KB_JUMP "ST community: How to jump to system bootloader from application code on STM32 microcontrollers"
#define REF_PM0253_EXC "PM0253 (Cortex-M7 programming manual), exception model and fault handling"
#define REF_PM0253_SCB "PM0253, system control block (CFSR, HFSR, BFAR)"
#define REF_CMSIS6_293 "CMSIS_6 PR #293 (SCB_DisableDCache on a disabled cache); modm #1236, openmv #737"
#define REF_RM0399_OTG "RM0399 (STM32H745/755 reference manual), USB OTG: DCTL.SDIS soft disconnect"
#define REF_RM0399_PWR "RM0399, PWR: supply configuration (PWR_CR3, write-once)"
#define REF_RM0399_FLASH "RM0399, FLASH: option bytes (BOOT_CURR, OPTSR_CUR.RDP)"
#define REF_TRM_M7 "Cortex-M7 TRM (DDI0489), ABFSR and imprecise bus faults"
#define REF_ARMV7M "DDI0403 (ARMv7-M ARM) B1.5 exceptions, EPSR.T / INVSTATE"

/* ---- helpers ------------------------------------------------------------ */

static void set(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
}

static void evidence(struct finding *f, const char *what, int has_value, uint32_t value, const char *where,
		     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void evidence(struct finding *f, const char *what, int has_value, uint32_t value, const char *where,
		     const char *fmt, ...)
{
	struct rule_evidence *e;
	va_list ap;

	if (f->n_evidence >= RULE_MAX_EVIDENCE)
		return;
	e = &f->evidence[f->n_evidence++];
	snprintf(e->what, sizeof e->what, "%s", what);
	e->has_value = has_value;
	e->value = value;
	snprintf(e->where, sizeof e->where, "%s", where ? where : "");
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof e->text, fmt, ap);
	va_end(ap);
}

static void refs(struct finding *f, const char *a, const char *b, const char *c)
{
	f->refs[0] = a;
	f->refs[1] = b;
	f->refs[2] = c;
}

/* The state at the branch: on arrival in system memory when the core got
 * there, else the last snapshot before the branch step, else the last snapshot
 * the run took. *where says which. */
static const struct snapshot *at_branch(const struct run_record *r, char *where, size_t n, int *before_branch)
{
	*before_branch = 0;
	if (r->reached_sysmem) {
		set(where, n, "at the bootloader entry");
		return &r->at_sysmem;
	}
	int last = r->branch_step >= 0 ? r->branch_step - 1 : r->n_steps - 1;
	for (int i = last; i >= 0; i--)
		if (r->steps[i].has_after) {
			set(where, n, "after step %d %s", i + 1, r->steps[i].name);
			*before_branch = r->branch_step >= 0 && i == r->branch_step - 1;
			return &r->steps[i].after;
		}
	if (r->has_start) {
		set(where, n, "before the first step");
		return &r->start;
	}
	return NULL;
}

/* The snapshot before step i ran (the previous step's after, or the start). */
static const struct snapshot *before_step(const struct run_record *r, int i)
{
	for (int k = i - 1; k >= 0; k--)
		if (r->steps[k].has_after)
			return &r->steps[k].after;
	return r->has_start ? &r->start : NULL;
}

/* After step i: its after-snapshot, or the snapshot of a fault caught in it. */
static const struct snapshot *after_step(const struct run_record *r, int i)
{
	if (r->steps[i].has_after)
		return &r->steps[i].after;
	if (r->steps[i].fault >= 0)
		return &r->faults[r->steps[i].fault].snap;
	return NULL;
}

static int first_fault_with(const struct run_record *r, uint32_t cfsr_bit)
{
	for (int i = 0; i < r->n_faults; i++)
		if (snap_ok(&r->faults[i].snap, REG_CFSR) && (r->faults[i].snap.val[REG_CFSR] & cfsr_bit))
			return i;
	return -1;
}

static void step_label(const struct run_record *r, int step, char *buf, size_t n)
{
	if (step >= 0 && step < r->n_steps)
		set(buf, n, "step %d %s", step + 1, r->steps[step].name);
	else
		set(buf, n, "in the bootloader");
}

/* Steps that were never executed (the run stopped before them). */
static int pending_step(const struct run_record *r, enum probe_step id, int after)
{
	for (int i = after + 1; i < r->n_steps; i++)
		if (r->steps[i].id == id && !r->steps[i].has_after && r->steps[i].fault < 0)
			return 1;
	return 0;
}

static int dfu_failed(const struct run_record *r)
{
	return r->usb_watched && !r->usb.found;
}

/* ---- bootloader-address ---------------------------------------------------- */

static int rule_bootloader_address(const struct run_record *r, struct finding *f)
{
	size_t nb;
	const struct part_boot_entry *tbl = part_boot_table(&nb);
	const char *family = NULL;

	if (!r->part.group || !r->jump_addr || r->jump_addr == r->part_entry)
		return 0;
	for (size_t i = 0; i < nb; i++)
		if (tbl[i].address == r->jump_addr)
			family = tbl[i].family;
	f->severity = RULE_ERROR;
	set(f->title, sizeof f->title, "wrong bootloader address 0x%08X: the %s uses 0x%08X", r->jump_addr,
	    r->part.group->name, r->part_entry);
	evidence(f, "jump address", 1, r->jump_addr,
		 r->jump_addr_static ? "a constant in the jump function's code" : "read by the jump code",
		 family ? "the bootloader address of %s, not of this part" : "%s", family ? family : "no STM32 family's bootloader address");
	if (r->vec_jump.addr && r->vec_jump.ok)
		evidence(f, "debugger read", 1, r->vec_jump.addr, "through the debug port",
			 "readable, but not the part's bootloader: SP 0x%08X, PC 0x%08X", r->vec_jump.sp, r->vec_jump.pc);
	else if (r->vec_jump.addr)
		evidence(f, "debugger read", 1, r->vec_jump.addr, "through the debug port",
			 "bus error: nothing answers at this address");
	if (r->vec_part.ok)
		evidence(f, "debugger read", 1, r->vec_part.addr, "through the debug port",
			 "the part's system memory vector table: SP 0x%08X, PC 0x%08X", r->vec_part.sp, r->vec_part.pc);
	evidence(f, "DBGMCU_IDC", 1, r->idcode, "at start", "DEV_ID 0x%03X = %s", r->idcode & 0xFFFu,
		 r->part.group->name);
	/* 0x1FFF9800 vs 0x1FF09800: one nibble apart, the classic typo (domain notes) */
	uint32_t diff = r->jump_addr ^ r->part_entry;
	int nibbles = 0;
	for (int i = 0; i < 8; i++)
		nibbles += ((diff >> (4 * i)) & 0xF) != 0;
	set(f->explanation, sizeof f->explanation,
	    "The jump reads the bootloader's initial stack pointer and entry point from 0x%08X, but on the %s "
	    "(DEV_ID 0x%03X) system memory starts at 0x%08X and the bootloader's vector table is at 0x%08X (AN2606). "
	    "%s%s",
	    r->jump_addr, r->part.group->name, r->part.group->dev_id, r->part.group->sysmem_start, r->part_entry,
	    nibbles == 1 ? "The two addresses differ in one hex digit: a probable typo. " : "",
	    r->vec_jump.ok ? "" : "Reading the wrong address is a bus error, so the CPU faults on the vector read.");
	set(f->fix, sizeof f->fix,
	    "#define BOOTLOADER_ADDR 0x%08XU  /* %s system memory, AN2606 */\n"
	    "Read the address from a table keyed by DBGMCU->IDCODE DEV_ID if the code runs on several parts.",
	    r->part_entry, r->part.group->name);
	refs(f, REF_AN2606, REF_KB_JUMP, NULL);
	return 1;
}

/* ---- precise-bus-fault ----------------------------------------------------- */

static int rule_precise_bus_fault(const struct run_record *r, struct finding *f)
{
	int i = first_fault_with(r, FAULT_CFSR_PRECISERR);
	const struct run_fault *fl;
	struct fault_report fr;
	char where[64];

	if (i < 0)
		return 0;
	fl = &r->faults[i];
	fault_decode(&fl->snap, &fr);
	step_label(r, fl->step, where, sizeof where);
	f->severity = RULE_ERROR;
	f->step = fl->step;
	if (fr.bfar_valid)
		set(f->title, sizeof f->title, "precise bus fault: a load from 0x%08X in %s", fr.bfar, where);
	else
		set(f->title, sizeof f->title, "precise bus fault in %s", where);
	evidence(f, "CFSR", 1, fr.cfsr, where, "PRECISERR%s", fr.bfar_valid ? " BFARVALID" : "");
	if (fr.bfar_valid)
		evidence(f, "BFAR", 1, fr.bfar, where, "the address of the failed access (%s)",
			 periph_region_name(fr.bfar));
	if (fr.have_hfsr && (fr.hfsr & FAULT_HFSR_FORCED))
		evidence(f, "HFSR", 1, fr.hfsr, where, "FORCED: escalated to HardFault%s",
			 (fr.esc_reasons & FAULT_ESC_PRIMASK) ? " because PRIMASK = 1" : "");
	if (fr.n_stacked > FAULT_ST_PC)
		evidence(f, "stacked PC", 1, fr.stacked[FAULT_ST_PC], where, "the faulting instruction");
	set(f->explanation, sizeof f->explanation,
	    "On Cortex-M7 a failed load is synchronous: the BusFault is precise, BFAR holds the address, and the "
	    "stacked PC is the instruction that did it. %s%s",
	    fr.bfar_valid && r->jump_addr && (fr.bfar == r->jump_addr || fr.bfar == r->jump_addr + 4)
		    ? "The address is the jump's vector table: this is the read of the bootloader's entry point. "
		    : "",
	    (fr.hfsr & FAULT_HFSR_FORCED) ? "The BusFault could not run at its own priority (interrupts disabled or "
					    "its handler not enabled), so it became a HardFault (HFSR.FORCED)."
					  : "");
	set(f->fix, sizeof f->fix, "%s",
	    fr.bfar_valid && r->jump_addr && (fr.bfar == r->jump_addr || fr.bfar == r->jump_addr + 4)
		    ? "Read the vectors from the part's bootloader address (see bootloader-address)."
		    : "Make the access go to an address that exists (RM0399 memory map).");
	refs(f, REF_PM0253_SCB, REF_PM0253_EXC, NULL);
	return 1;
}

/* ---- imprecise-bus-fault ----------------------------------------------------- */

static int has_imprecise(const struct snapshot *s)
{
	return s && snap_ok(s, REG_CFSR) && (s->val[REG_CFSR] & FAULT_CFSR_IMPRECISERR);
}

/* The step during which IMPRECISERR first appeared, or -1: a fault caught in
 * the step shows it, or the snapshot after the step does while the one
 * before did not (fault-timing.md: attribute to the step it appeared in). */
static int imprecise_step(const struct run_record *r, const struct snapshot **at)
{
	for (int i = 0; i < r->n_steps; i++) {
		const struct snapshot *f = r->steps[i].fault >= 0 ? &r->faults[r->steps[i].fault].snap : NULL;
		const struct snapshot *a = r->steps[i].has_after ? &r->steps[i].after : NULL;
		if (has_imprecise(f)) {
			*at = f;
			return i;
		}
		if (has_imprecise(a) && !has_imprecise(before_step(r, i))) {
			*at = a;
			return i;
		}
	}
	return -1;
}

static int rule_imprecise_bus_fault(const struct run_record *r, struct finding *f)
{
	const struct snapshot *s = NULL;
	int step = imprecise_step(r, &s);
	struct fault_report fr;
	char where[64];

	if (step < 0) {
		int i = first_fault_with(r, FAULT_CFSR_IMPRECISERR);
		if (i < 0)
			return 0;
		step = r->faults[i].step;
		s = &r->faults[i].snap;
	}
	fault_decode(s, &fr);
	step_label(r, step, where, sizeof where);
	f->severity = RULE_ERROR;
	f->step = step;
	set(f->title, sizeof f->title, "imprecise bus fault: a write during %s failed", where);
	evidence(f, "CFSR", 1, fr.cfsr, where, "IMPRECISERR (no BFAR: the address is lost)");
	if (fr.have_abfsr && fr.abfsr)
		evidence(f, "ABFSR", 1, fr.abfsr, where, "bus interface %s%s%s", fr.abfsr_iface ? fr.abfsr_iface : "?",
			 fr.abfsr_type ? ", response " : "", fr.abfsr_type ? fr.abfsr_type : "");
	if (fr.have_hfsr && (fr.hfsr & FAULT_HFSR_FORCED))
		evidence(f, "HFSR", 1, fr.hfsr, where, "FORCED: taken as HardFault");
	if (snap_ok(s, REG_CCR))
		evidence(f, "CCR", 1, s->val[REG_CCR], where, "D-cache %s", (s->val[REG_CCR] & (1u << 16)) ? "on" : "off");
	set(f->explanation, sizeof f->explanation,
	    "Stores, including cache write-backs, are asynchronous on Cortex-M7: when one fails, IMPRECISERR arrives "
	    "some cycles later, BFAR is not set, and the stacked PC only says where the core was when the error "
	    "arrived. The snapshots before and after every step put the failed write in %s. ABFSR names the bus "
	    "interface that reported it.",
	    where);
	set(f->fix, sizeof f->fix,
	    "Find the store in that step: put __DSB() after suspect stores to make the fault precise, or set "
	    "SCB->CACR |= SCB_CACR_FORCEWT_Msk to rule out cache write-backs. If the step disables a cache that was "
	    "never enabled, see cache-disable-when-off.");
	refs(f, REF_TRM_M7, REF_PM0253_SCB, NULL);
	return 1;
}

/* ---- cache-disable-when-off ------------------------------------------------ */

static int rule_cache_disable_when_off(const struct run_record *r, struct finding *f)
{
	for (int i = 0; i < r->n_steps; i++) {
		const struct snapshot *b;
		char where[64];
		const struct snapshot *imp = NULL;
		int imp_step;

		if (r->steps[i].id != PROBE_STEP_DISABLE_DCACHE && strcmp(r->steps[i].call, "SCB_DisableDCache") != 0)
			continue;
		if (!r->steps[i].has_after && r->steps[i].fault < 0)
			continue; /* never ran */
		b = before_step(r, i);
		if (!b || !snap_ok(b, REG_CCR) || (b->val[REG_CCR] & (1u << 16)))
			continue; /* the D-cache was on: cleaning it is right */
		step_label(r, i, where, sizeof where);
		imp_step = imprecise_step(r, &imp);
		f->severity = imp_step == i ? RULE_ERROR : RULE_WARNING;
		f->step = i;
		set(f->title, sizeof f->title, "the D-cache was cleaned by set/way while it was off (%s)", where);
		evidence(f, "CCR", 1, b->val[REG_CCR], "before the step", "DC = 0, IC = %u: the caches were never enabled",
			 (b->val[REG_CCR] >> 17) & 1u);
		evidence(f, "code", 0, 0, where, "%s", r->steps[i].source);
		if (imp_step == i)
			evidence(f, "CFSR", 1, imp->val[REG_CFSR], where, "IMPRECISERR appeared during this step");
		set(f->explanation, sizeof f->explanation,
		    "CMSIS 5's SCB_DisableDCache() cleans and invalidates every set and way without checking CCR.DC. On a "
		    "cache that was never enabled the cache RAM holds power-on garbage; lines that look valid and dirty "
		    "are written back to whatever address their garbage tag says%s.",
		    imp_step == i ? ", and here one of those writes hit nothing: the imprecise bus fault" : "");
		set(f->fix, sizeof f->fix,
		    "if (SCB->CCR & SCB_CCR_DC_Msk) SCB_DisableDCache();\nif (SCB->CCR & SCB_CCR_IC_Msk) "
		    "SCB_DisableICache();\n(or use CMSIS 6, whose functions check first)");
		refs(f, REF_CMSIS6_293, REF_TRM_M7, NULL);
		return 1;
	}
	return 0;
}

/* ---- irq-disabled-at-jump ---------------------------------------------------- */

static int rule_irq_disabled_at_jump(const struct run_record *r, struct finding *f)
{
	char where[64];
	int bb;
	const struct snapshot *s = at_branch(r, where, sizeof where, &bb);
	int primask, faultmask, basepri;

	if (!s)
		return 0;
	primask = snap_ok(s, REG_PRIMASK) && (s->val[REG_PRIMASK] & 1u);
	faultmask = snap_ok(s, REG_FAULTMASK) && (s->val[REG_FAULTMASK] & 1u);
	basepri = snap_ok(s, REG_BASEPRI) && (s->val[REG_BASEPRI] & 0xFFu);
	if (!primask && !faultmask && !basepri)
		return 0;
	/* if the run stopped before the branch, only say so when no step left to run would clear it */
	if (!r->reached_sysmem && !bb) {
		int last = -1;
		for (int i = 0; i < r->n_steps; i++)
			if (r->steps[i].has_after || r->steps[i].fault >= 0)
				last = i;
		if (r->branch_step < 0 || pending_step(r, PROBE_STEP_ENABLE_IRQ, last) ||
		    pending_step(r, PROBE_STEP_CONTROL_RESET, last))
			return 0;
	}
	f->severity = RULE_ERROR;
	set(f->title, sizeof f->title, "interrupts are disabled at the jump (%s%s%s)", primask ? "PRIMASK = 1" : "",
	    faultmask ? (primask ? ", FAULTMASK = 1" : "FAULTMASK = 1") : "",
	    basepri ? ((primask || faultmask) ? ", BASEPRI set" : "BASEPRI set") : "");
	if (primask)
		evidence(f, "PRIMASK", 1, s->val[REG_PRIMASK], where, "all configurable-priority exceptions masked");
	if (faultmask)
		evidence(f, "FAULTMASK", 1, s->val[REG_FAULTMASK], where, "everything but NMI masked");
	if (basepri)
		evidence(f, "BASEPRI", 1, s->val[REG_BASEPRI], where, "priorities >= 0x%02X masked",
			 s->val[REG_BASEPRI] & 0xFFu);
	for (int i = 0; i < r->n_steps; i++) {
		const struct snapshot *a = after_step(r, i), *b = before_step(r, i);
		if (a && b && snap_ok(a, REG_PRIMASK) && snap_ok(b, REG_PRIMASK) && (a->val[REG_PRIMASK] & 1u) &&
		    !(b->val[REG_PRIMASK] & 1u)) {
			char sl[64];
			step_label(r, i, sl, sizeof sl);
			evidence(f, "PRIMASK", 1, 1, sl, "set here (0 -> 1) and never cleared afterwards");
			break;
		}
	}
	if (!r->reached_sysmem)
		evidence(f, "note", 0, 0, "", "the run stopped before the branch; no remaining step clears the mask");
	set(f->explanation, sizeof f->explanation,
	    "PRIMASK, FAULTMASK and BASEPRI are not reset by a branch: the bootloader starts with interrupts masked. "
	    "It enumerates USB from its OTG_FS interrupt handler, which can then never run: the DFU device never "
	    "completes enumeration.");
	set(f->fix, sizeof f->fix, "__enable_irq();   /* after clearing NVIC enables/pendings, before the branch */%s",
	    faultmask ? "\n__set_FAULTMASK(0);" : basepri ? "\n__set_BASEPRI(0);" : "");
	refs(f, REF_KB_JUMP, REF_PM0253_EXC, NULL);
	return 1;
}

/* ---- handler-mode-jump ----------------------------------------------------------- */

static int rule_handler_mode_jump(const struct run_record *r, struct finding *f)
{
	char where[64], name[40];
	int bb;
	const struct snapshot *s = at_branch(r, where, sizeof where, &bb);
	uint32_t ipsr;

	if (!s || !snap_ok(s, REG_XPSR))
		return 0;
	ipsr = s->val[REG_XPSR] & 0x1FFu;
	if (ipsr == 0 || (!r->reached_sysmem && !bb))
		return 0;
	if (ipsr >= 16) {
		set(name, sizeof name, "IRQ%u %s", ipsr - 16, fault_irq_name(ipsr - 16));
	} else {
		char tmp[40];
		set(name, sizeof name, "%s", fault_exception_name(ipsr, tmp, sizeof tmp));
	}
	f->severity = RULE_ERROR;
	set(f->title, sizeof f->title, "the jump runs in Handler mode, inside %s", name);
	evidence(f, "IPSR", 1, ipsr, where, "exception %u (%s) is active", ipsr, name);
	if (snap_ok(s, REG_ICSR))
		evidence(f, "ICSR", 1, s->val[REG_ICSR], where, "VECTACTIVE = %u", s->val[REG_ICSR] & 0x1FFu);
	set(f->explanation, sizeof f->explanation,
	    "A branch does not end an exception: the core stays in Handler mode with %s active, at its priority. "
	    "The bootloader's own interrupts (USB) of equal or lower priority can never preempt it, so USB "
	    "enumeration never happens.",
	    name);
	set(f->fix, sizeof f->fix,
	    "Do not jump from an interrupt handler: set a flag there and jump from main(), or write a magic value to "
	    "a no-init RAM word and call NVIC_SystemReset(); jump first thing in Reset_Handler when the value is there.");
	refs(f, REF_PM0253_EXC, REF_KB_JUMP, NULL);
	return 1;
}

/* ---- cm4-running ---------------------------------------------------------------- */

static int rule_cm4_running(const struct run_record *r, struct finding *f)
{
	if (r->cm4 != RUN_CM4_RUNNING || !r->has_cm4)
		return 0;
	f->severity = dfu_failed(r) ? RULE_ERROR : RULE_WARNING;
	set(f->title, sizeof f->title, "the Cortex-M4 was running during the jump");
	if (snap_ok(&r->cm4_snap, REG_PC))
		evidence(f, "CM4 PC", 1, r->cm4_snap.val[REG_PC], "at the end of the run", "the CM4 was executing here (%s)",
			 periph_region_name(r->cm4_snap.val[REG_PC]));
	if (snap_ok(&r->cm4_snap, REG_RCC_AHB1ENR))
		evidence(f, "RCC_AHB1ENR", 1, r->cm4_snap.val[REG_RCC_AHB1ENR], "seen by the CM4",
			 "USB2OTGFSEN = %u", (r->cm4_snap.val[REG_RCC_AHB1ENR] >> 27) & 1u);
	if (r->has_late && snap_ok(&r->late, REG_OTG_FS_DCTL))
		evidence(f, "OTG_FS_DCTL", 1, r->late.val[REG_OTG_FS_DCTL], "after the bootloader ran", "SDIS = %u%s",
			 (r->late.val[REG_OTG_FS_DCTL] >> 1) & 1u,
			 (r->late.val[REG_OTG_FS_DCTL] & 2u) ? ": soft-disconnected although the bootloader connects" : "");
	set(f->explanation, sizeof f->explanation,
	    "On the STM32H745 both cores share the peripherals. The system bootloader runs on the CM7; if the CM4 "
	    "keeps running application code, anything it does to RCC, OTG_FS or the NVIC lines it owns happens under "
	    "the bootloader's feet.");
	set(f->fix, sizeof f->fix,
	    "Stop the CM4 first: have it enter Stop mode or a WFI loop on request (HSEM notification), or hold it with "
	    "RCC_GCR.BOOT_C2 / the BCM4 option, then jump from the CM7.");
	refs(f, "RM0399, dual-core boot (RCC_GCR, BCM4/BCM7 option bytes)", REF_KB_JUMP, NULL);
	return 1;
}

/* ---- usb-still-connected ------------------------------------------------------------ */

static int rule_usb_still_connected(const struct run_record *r, struct finding *f)
{
	char where[64];
	int bb;
	const struct snapshot *s = at_branch(r, where, sizeof where, &bb);
	struct periph_report pr;
	int app_left = 0;

	if (!s || (!r->reached_sysmem && !bb))
		return 0;
	periph_decode(s, &pr);
	if (pr.otg_fs.pullup != 1)
		return 0;
	for (int i = 0; i < r->usb.n_events; i++)
		if (r->usb.events[i].kind == USBW_EV_APP_LEFT)
			app_left = 1;
	f->severity = dfu_failed(r) ? RULE_ERROR : RULE_WARNING;
	set(f->title, sizeof f->title, "the application's USB device is still connected at the jump");
	evidence(f, "OTG_FS", 0, 0, where, "%s", pr.otg_fs.summary);
	if (snap_ok(s, REG_OTG_FS_DCTL))
		evidence(f, "OTG_FS_DCTL", 1, s->val[REG_OTG_FS_DCTL], where, "SDIS = 0: D+ pull-up on");
	if (snap_ok(s, REG_RCC_AHB1ENR))
		evidence(f, "RCC_AHB1ENR", 1, s->val[REG_RCC_AHB1ENR], where, "OTG_FS clock on");
	if (r->usb_watched)
		evidence(f, "USB timeline", 0, 0, "", "%s", app_left ? "the host saw the application's device leave"
							      : "the host never saw the application's device leave");
	set(f->explanation, sizeof f->explanation,
	    "The host only re-enumerates when the D+ pull-up goes away. If the jump leaves the application's device "
	    "connected and the bootloader re-initialises the same OTG core without a disconnect, the host keeps "
	    "talking to a device that no longer exists and never sees the DFU device. (Whether the ROM pulses a "
	    "soft-disconnect itself is not documented by ST; h7sim models that it does not.)");
	set(f->fix, sizeof f->fix,
	    "USB_OTG_FS_DEVICE->DCTL |= USB_OTG_DCTL_SDIS;  /* soft disconnect */\nHAL_Delay(5);\nHAL_PCD_DeInit(&hpcd);  "
	    "__HAL_RCC_USB2_OTG_FS_FORCE_RESET(); __HAL_RCC_USB2_OTG_FS_RELEASE_RESET(); "
	    "__HAL_RCC_USB2_OTG_FS_CLK_DISABLE();");
	refs(f, REF_RM0399_OTG, REF_KB_JUMP, NULL);
	return 1;
}

/* ---- systick-running / nvic-pending / mpu-enabled / vtor / fpu ----------------------- */

static int rule_systick_running(const struct run_record *r, struct finding *f)
{
	char where[64];
	int bb;
	const struct snapshot *s = at_branch(r, where, sizeof where, &bb);
	uint32_t csr;

	if (!s || !snap_ok(s, REG_SYST_CSR) || (!r->reached_sysmem && !bb))
		return 0;
	csr = s->val[REG_SYST_CSR];
	if (!(csr & 1u))
		return 0;
	f->severity = RULE_WARNING;
	set(f->title, sizeof f->title, "SysTick is running at the jump%s", (csr & 2u) ? ", with its interrupt enabled" : "");
	evidence(f, "SYST_CSR", 1, csr, where, "ENABLE = 1, TICKINT = %u", (csr >> 1) & 1u);
	if (snap_ok(s, REG_SYST_RVR))
		evidence(f, "SYST_RVR", 1, s->val[REG_SYST_RVR], where, "reload value");
	for (int i = 0; i < r->n_steps; i++) {
		const struct snapshot *a = after_step(r, i), *b = before_step(r, i);
		if (r->steps[i].id == PROBE_STEP_RCC_DEINIT && a && b && snap_ok(a, REG_SYST_CSR) &&
		    snap_ok(b, REG_SYST_CSR) && (a->val[REG_SYST_CSR] & 1u) && !(b->val[REG_SYST_CSR] & 1u)) {
			char sl[64];
			step_label(r, i, sl, sizeof sl);
			evidence(f, "SYST_CSR", 1, a->val[REG_SYST_CSR], sl, "re-enabled by HAL_RCC_DeInit's HAL_InitTick()");
		}
	}
	set(f->explanation, sizeof f->explanation,
	    "A running SysTick keeps interrupting after the branch, now through the bootloader's vector table. "
	    "Note that STM32CubeH7's HAL_RCC_DeInit() ends with HAL_InitTick(): clearing SysTick before calling it, "
	    "as ST's own sequence does, leaves it running.");
	set(f->fix, sizeof f->fix, "SysTick->CTRL = 0; SysTick->LOAD = 0; SysTick->VAL = 0;   /* after HAL_RCC_DeInit() */");
	refs(f, "PM0253, SysTick", REF_KB_JUMP, "ArduPilot PR #31770 (SysTick and NVIC left running)");
	return 1;
}

static int rule_nvic_pending(const struct run_record *r, struct finding *f)
{
	char where[64];
	int bb;
	const struct snapshot *s = at_branch(r, where, sizeof where, &bb);
	struct periph_report pr;

	if (!s || (!r->reached_sysmem && !bb))
		return 0;
	periph_decode(s, &pr);
	if (pr.nvic.n_pending == 0 && pr.nvic.n_enabled == 0)
		return 0;
	f->severity = RULE_WARNING;
	set(f->title, sizeof f->title, "NVIC interrupts left %s at the jump (%zu enabled, %zu pending)",
	    pr.nvic.n_pending ? "pending" : "enabled", pr.nvic.n_enabled, pr.nvic.n_pending);
	for (size_t i = 0; i < pr.nvic.n_enabled && f->n_evidence < 4; i++)
		evidence(f, "NVIC_ISER", 0, 0, where, "IRQ %u %s enabled", pr.nvic.enabled[i].irq,
			 fault_irq_name(pr.nvic.enabled[i].irq));
	for (size_t i = 0; i < pr.nvic.n_pending && f->n_evidence < 7; i++)
		evidence(f, "NVIC_ISPR", 0, 0, where, "IRQ %u %s pending", pr.nvic.pending[i].irq,
			 fault_irq_name(pr.nvic.pending[i].irq));
	set(f->explanation, sizeof f->explanation,
	    "Interrupts the application enabled stay enabled through the branch; once interrupts are unmasked they are "
	    "delivered through the bootloader's vector table, which does not expect them.");
	set(f->fix, sizeof f->fix,
	    "for (int i = 0; i < 8; i++) { NVIC->ICER[i] = 0xFFFFFFFF; NVIC->ICPR[i] = 0xFFFFFFFF; }");
	refs(f, REF_KB_JUMP, "PM0253, NVIC", NULL);
	return 1;
}

static int rule_mpu_enabled(const struct run_record *r, struct finding *f)
{
	char where[64];
	int bb;
	const struct snapshot *s = at_branch(r, where, sizeof where, &bb);

	if (!s || !snap_ok(s, REG_MPU_CTRL) || !(s->val[REG_MPU_CTRL] & 1u) || (!r->reached_sysmem && !bb))
		return 0;
	f->severity = RULE_WARNING;
	set(f->title, sizeof f->title, "the MPU is enabled at the jump");
	evidence(f, "MPU_CTRL", 1, s->val[REG_MPU_CTRL], where, "ENABLE = 1, PRIVDEFENA = %u",
		 (s->val[REG_MPU_CTRL] >> 2) & 1u);
	set(f->explanation, sizeof f->explanation,
	    "The bootloader does not expect an MPU configuration: regions that make system memory non-executable or "
	    "its RAM inaccessible fault inside the bootloader.");
	set(f->fix, sizeof f->fix, "HAL_MPU_Disable();   /* or MPU->CTRL = 0; __DSB(); __ISB(); */");
	refs(f, "PM0253, MPU", REF_KB_JUMP, NULL);
	return 1;
}

static int rule_vtor_not_updated(const struct run_record *r, struct finding *f)
{
	char where[64];
	int bb;
	const struct snapshot *s = at_branch(r, where, sizeof where, &bb);

	if (!s || !snap_ok(s, REG_VTOR) || (!r->reached_sysmem && !bb) || !r->part.group)
		return 0;
	if (s->val[REG_VTOR] >= r->part.group->sysmem_start && s->val[REG_VTOR] < r->part.group->sysmem_end)
		return 0;
	f->severity = RULE_INFO;
	set(f->title, sizeof f->title, "VTOR still points at the application's vector table at the jump");
	evidence(f, "VTOR", 1, s->val[REG_VTOR], where, "%s", periph_region_name(s->val[REG_VTOR]));
	set(f->explanation, sizeof f->explanation,
	    "The bootloader sets VTOR itself, so this is harmless by itself; but an interrupt taken between the branch "
	    "and that point runs the application's handler.");
	set(f->fix, sizeof f->fix, "SCB->VTOR = 0x%08XU;   /* optional: before enabling interrupts */",
	    r->part_entry);
	refs(f, "PM0253, VTOR", REF_AN2606, NULL);
	return 1;
}

static int rule_fpu_context_active(const struct run_record *r, struct finding *f)
{
	char where[64];
	int bb;
	const struct snapshot *s = at_branch(r, where, sizeof where, &bb);

	if (!s || !snap_ok(s, REG_CONTROL) || !(s->val[REG_CONTROL] & 4u) || (!r->reached_sysmem && !bb))
		return 0;
	f->severity = RULE_WARNING;
	set(f->title, sizeof f->title, "an FP context is active at the jump (CONTROL.FPCA = 1)");
	evidence(f, "CONTROL", 1, s->val[REG_CONTROL], where, "FPCA = 1%s", (s->val[REG_CONTROL] & 2u) ? ", SPSEL = 1" : "");
	if (snap_ok(s, REG_FPCCR))
		evidence(f, "FPCCR", 1, s->val[REG_FPCCR], where, "ASPEN = %u, LSPEN = %u", s->val[REG_FPCCR] >> 31,
			 (s->val[REG_FPCCR] >> 30) & 1u);
	set(f->explanation, sizeof f->explanation,
	    "With FPCA set, the bootloader's first exception stacks an extended (0x68-byte) frame with lazy FP "
	    "state preservation, on a stack it did not size for it.");
	set(f->fix, sizeof f->fix, "__set_CONTROL(0);  __ISB();   /* before the branch */");
	refs(f, "PM0253, FPU and CONTROL", REF_KB_JUMP, NULL);
	return 1;
}

/* ---- boot-option-bytes / rdp-level / supply-config ---------------------------------------- */

static const struct snapshot *any_snapshot(const struct run_record *r)
{
	return r->has_start ? &r->start : &r->initial;
}

static int rule_boot_option_bytes(const struct run_record *r, struct finding *f)
{
	struct periph_report pr;

	periph_decode(any_snapshot(r), &pr);
	if (!pr.flash.have_boot7 || !r->part.group)
		return 0;
	/* RM0399 defaults: BOOT_ADD0 0x0800 (flash), BOOT_ADD1 0x1FF0 (system memory) */
	if (pr.flash.boot7_add1 == r->part.group->sysmem_start && pr.flash.boot7_add0 == 0x08000000u)
		return 0;
	f->severity = RULE_WARNING;
	set(f->title, sizeof f->title, "the CM7 boot addresses are not the defaults (BOOT0=0: 0x%08X, BOOT0=1: 0x%08X)",
	    pr.flash.boot7_add0, pr.flash.boot7_add1);
	evidence(f, "FLASH_BOOT7_CUR", 1, any_snapshot(r)->val[REG_FLASH_BOOT7_CUR], "at start",
		 "BOOT_ADD0 -> 0x%08X, BOOT_ADD1 -> 0x%08X", pr.flash.boot7_add0, pr.flash.boot7_add1);
	set(f->explanation, sizeof f->explanation,
	    "With BOOT0 high the CM7 boots from BOOT_ADD1, which must point at system memory (0x1FF0 << 16) for the "
	    "pin route into the bootloader to work: it is the fallback when jumping from code fails.");
	set(f->fix, sizeof f->fix,
	    "Check the option bytes in STM32CubeProgrammer (BOOT_CM7_ADD1 = 0x1FF0). h7jumpdiag never writes option "
	    "bytes.");
	refs(f, REF_RM0399_FLASH, REF_AN2606, NULL);
	return 1;
}

static int rule_rdp_level(const struct run_record *r, struct finding *f)
{
	struct periph_report pr;
	const struct snapshot *s = any_snapshot(r);

	periph_decode(s, &pr);
	if (pr.flash.rdp_level <= 0)
		return 0;
	f->severity = pr.flash.rdp_level == 2 ? RULE_ERROR : RULE_INFO;
	set(f->title, sizeof f->title, "read-out protection level %d", pr.flash.rdp_level);
	evidence(f, "FLASH_OPTSR_CUR", 1, s->val[REG_FLASH_OPTSR_CUR], "at start", "RDP = 0x%02X", pr.flash.rdp_byte);
	set(f->explanation, sizeof f->explanation, "%s",
	    pr.flash.rdp_level == 2 ? "Level 2 disables the system bootloader for good (and debug access)."
				    : "Level 1: the bootloader runs, but refuses to read protected flash over DFU.");
	set(f->fix, sizeof f->fix, "%s",
	    pr.flash.rdp_level == 2 ? "None on this chip: level 2 is permanent." : "Nothing needed to enter DFU.");
	refs(f, REF_RM0399_FLASH, REF_AN2606, NULL);
	return 1;
}

static int rule_supply_config(const struct run_record *r, struct finding *f)
{
	struct periph_report pr;
	const struct snapshot *s = any_snapshot(r);

	periph_decode(s, &pr);
	if (!pr.pwr.have_csr1 || pr.pwr.actvosrdy != 0)
		return 0;
	f->severity = RULE_ERROR;
	set(f->title, sizeof f->title, "the power supply configuration is not ready (PWR_CSR1.ACTVOSRDY = 0)");
	evidence(f, "PWR_CSR1", 1, s->val[REG_PWR_CSR1], "at start", "ACTVOSRDY = 0");
	if (pr.pwr.have_cr3)
		evidence(f, "PWR_CR3", 1, pr.pwr.cr3, "at start", "supply configuration %s", pr.pwr.supply ? pr.pwr.supply : "?");
	set(f->explanation, sizeof f->explanation,
	    "PWR_CR3 is write-once after power-on; a value that does not match the board's wiring (the "
	    "STM32H745I-DISCO is direct SMPS) leaves the voltage never ready and the chip unusable until a power "
	    "cycle, or a BOOT0 + mass-erase recovery when the firmware repeats the mistake at every boot.");
	set(f->fix, sizeof f->fix,
	    "HAL_PWREx_ConfigSupply() with the board's configuration (PWR_DIRECT_SMPS_SUPPLY on the "
	    "STM32H745I-DISCO), then power-cycle.");
	refs(f, REF_RM0399_PWR, "UM2488 (STM32H745I-DISCO user manual), power supply", NULL);
	return 1;
}

/* ---- stack-after-msp / thumb-bit-missing --------------------------------------------------- */

static const struct run_fault *branch_fault(const struct run_record *r)
{
	for (int i = 0; i < r->n_faults; i++)
		if (r->faults[i].step >= 0 && r->faults[i].step == r->branch_step)
			return &r->faults[i];
	return NULL;
}

static int rule_stack_after_msp(const struct run_record *r, struct finding *f)
{
	const struct run_fault *bf = branch_fault(r);
	struct fault_report fr;
	uint32_t to;
	int via_local = 0;

	if (!bf || !r->vec_jump.ok)
		return 0;
	for (int i = 0; i < r->n_steps; i++)
		via_local |= r->steps[i].id == PROBE_STEP_SET_MSP_LOCAL;
	fault_decode(&bf->snap, &fr);
	if (fr.n_stacked <= FAULT_ST_PC)
		return 0;
	to = fr.stacked[FAULT_ST_PC];
	if ((to & ~1u) == (r->vec_jump.pc & ~1u))
		return 0; /* it went where the vector said */
	f->severity = RULE_ERROR;
	f->step = bf->step;
	set(f->title, sizeof f->title, "the branch went to 0x%08X, not to the entry point 0x%08X", to, r->vec_jump.pc);
	evidence(f, "vector", 1, r->vec_jump.pc, "read at the jump address", "the bootloader's entry point");
	evidence(f, "stacked PC", 1, to, "at the fault", "where the branch actually went");
	if (snap_ok(&bf->snap, REG_MSP))
		evidence(f, "MSP", 1, bf->snap.val[REG_MSP], "at the fault", "already the bootloader's stack");
	set(f->explanation, sizeof f->explanation,
	    "After __set_MSP() every access the compiler makes relative to SP reads the bootloader's stack area. %s"
	    "The function pointer was read back from there instead of the value the code loaded.",
	    via_local ? "The code kept the entry point in a stack local (typical at -O0). " : "");
	set(f->fix, sizeof f->fix,
	    "Keep the entry point in a register across the MSP change: do both in one asm block, e.g.\n"
	    "__asm volatile(\"msr msp, %%0\\n bx %%1\" :: \"r\"(sp), \"r\"(pc));");
	refs(f, REF_KB_JUMP, "MicroPython #4573 (stack-relative pointer after __set_MSP)", NULL);
	return 1;
}

static int rule_thumb_bit_missing(const struct run_record *r, struct finding *f)
{
	int i = first_fault_with(r, FAULT_CFSR_INVSTATE);
	const struct run_fault *fl;
	struct fault_report fr;

	if (i < 0)
		return 0;
	fl = &r->faults[i];
	fault_decode(&fl->snap, &fr);
	if (fr.n_stacked <= FAULT_ST_XPSR || (fr.stacked[FAULT_ST_XPSR] & (1u << 24)))
		return 0;
	f->severity = RULE_ERROR;
	f->step = fl->step;
	set(f->title, sizeof f->title, "a branch without the Thumb bit: INVSTATE at 0x%08X", fr.stacked[FAULT_ST_PC]);
	evidence(f, "CFSR", 1, fr.cfsr, "at the fault", "INVSTATE: tried to execute in ARM state");
	evidence(f, "stacked xPSR", 1, fr.stacked[FAULT_ST_XPSR], "at the fault", "T = 0");
	if (r->jump_target)
		evidence(f, "branch target", 1, r->jump_target, "", "bit 0 = %u", r->jump_target & 1u);
	set(f->explanation, sizeof f->explanation,
	    "Cortex-M only executes Thumb code: BX/BLX to an address with bit 0 clear sets EPSR.T = 0 and the next "
	    "instruction raises an INVSTATE UsageFault. Vector table entries already have bit 0 set; masking it off "
	    "(or computing the address by hand) loses it.");
	set(f->fix, sizeof f->fix, "Branch to the value read from the vector table as is (bit 0 set), or OR in 1.");
	refs(f, REF_ARMV7M, REF_PM0253_EXC, NULL);
	return 1;
}

/* ---- dfu-not-enumerated ------------------------------------------------------------------ */

static int rule_dfu_not_enumerated(const struct run_record *r, const struct rules_result *so_far, struct finding *f)
{
	static const char *const causes[] = { "irq-disabled-at-jump", "handler-mode-jump", "usb-still-connected",
					      "cm4-running", "bootloader-address", "stack-after-msp",
					      "thumb-bit-missing", "rdp-level", "supply-config", "mpu-enabled" };
	int rank = 0;

	if (!dfu_failed(r))
		return 0;
	f->severity = RULE_ERROR;
	set(f->title, sizeof f->title, "no DFU device enumerated within the watch window");
	if (r->n_faults > 0 && !r->reached_sysmem)
		evidence(f, "likely cause", 0, 0, "", "%d. the jump faulted before reaching the bootloader (see the faults)",
			 ++rank);
	for (size_t c = 0; c < sizeof causes / sizeof causes[0]; c++) {
		const struct finding *g = rules_find(so_far, causes[c]);
		if (g && g->severity >= RULE_WARNING)
			evidence(f, "likely cause", 0, 0, "", "%d. %s: %s", ++rank, g->id, g->title);
	}
	for (int i = 0; i < r->usb.n_events; i++)
		if (r->usb.events[i].kind == USBW_EV_ENUM_FAILED)
			evidence(f, "USB host", 0, 0, "", "enumeration failed: %s", r->usb.events[i].detail);
	if (r->has_late) {
		const struct snapshot *l = &r->late;
		if (snap_ok(l, REG_PC))
			evidence(f, "PC", 1, l->val[REG_PC], "after the bootloader ran", "%s", periph_region_name(l->val[REG_PC]));
		if (snap_ok(l, REG_OTG_FS_GINTSTS))
			evidence(f, "OTG_FS_GINTSTS", 1, l->val[REG_OTG_FS_GINTSTS], "after the bootloader ran",
				 "USBRST %u, ENUMDNE %u (unserviced USB events)", (l->val[REG_OTG_FS_GINTSTS] >> 12) & 1u,
				 (l->val[REG_OTG_FS_GINTSTS] >> 13) & 1u);
	}
	if (rank == 0)
		evidence(f, "likely cause", 0, 0, "", "none of the rules explains it; see the snapshots and the USB timeline");
	set(f->explanation, sizeof f->explanation,
	    "The host saw no 0483:DF11 device. The likely causes are ranked from the findings above, most direct "
	    "first.");
	set(f->fix, sizeof f->fix, "Fix the causes in order and run again; `--recipe st` shows a sequence that works.");
	refs(f, REF_AN2606, REF_KB_JUMP, NULL);
	return 1;
}

/* ---- the table -------------------------------------------------------------------------------- */

typedef int (*rule_fn)(const struct run_record *, struct finding *);

static const struct {
	struct rule_def def;
	rule_fn fn;
} rules[] = {
	{ { "bootloader-address", "the jump reads the vectors from the wrong address for the part" }, rule_bootloader_address },
	{ { "precise-bus-fault", "a load hit an address nothing answers (BFAR valid)" }, rule_precise_bus_fault },
	{ { "imprecise-bus-fault", "a store failed; attributed to the step in which IMPRECISERR appeared" }, rule_imprecise_bus_fault },
	{ { "cache-disable-when-off", "CMSIS 5 D-cache clean on a cache that was never enabled" }, rule_cache_disable_when_off },
	{ { "irq-disabled-at-jump", "PRIMASK/FAULTMASK/BASEPRI still set at the branch" }, rule_irq_disabled_at_jump },
	{ { "handler-mode-jump", "the branch happens in Handler mode (IPSR != 0)" }, rule_handler_mode_jump },
	{ { "cm4-running", "the Cortex-M4 kept running during the jump" }, rule_cm4_running },
	{ { "usb-still-connected", "the application's USB device still connected at the branch" }, rule_usb_still_connected },
	{ { "systick-running", "SysTick running at the branch" }, rule_systick_running },
	{ { "nvic-pending", "NVIC interrupts enabled or pending at the branch" }, rule_nvic_pending },
	{ { "mpu-enabled", "MPU enabled at the branch" }, rule_mpu_enabled },
	{ { "vtor-not-updated", "VTOR not pointing at system memory at the branch (info)" }, rule_vtor_not_updated },
	{ { "fpu-context-active", "CONTROL.FPCA set at the branch" }, rule_fpu_context_active },
	{ { "boot-option-bytes", "BOOT_ADD0/ADD1 not the defaults" }, rule_boot_option_bytes },
	{ { "rdp-level", "read-out protection level 1 or 2" }, rule_rdp_level },
	{ { "supply-config", "the PWR supply configuration is not ready" }, rule_supply_config },
	{ { "stack-after-msp", "the branch target was read from the new stack after MSP changed" }, rule_stack_after_msp },
	{ { "thumb-bit-missing", "a branch to an address without the Thumb bit" }, rule_thumb_bit_missing },
	{ { "dfu-not-enumerated", "no DFU device: likely causes ranked" }, NULL },
};

const struct rule_def *rules_list(size_t *n)
{
	static struct rule_def defs[sizeof rules / sizeof rules[0]];
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		defs[i] = rules[i].def;
	*n = sizeof rules / sizeof rules[0];
	return defs;
}

const struct finding *rules_find(const struct rules_result *res, const char *id)
{
	for (int i = 0; i < res->n; i++)
		if (!strcmp(res->f[i].id, id))
			return &res->f[i];
	return NULL;
}

const char *rules_severity_name(enum rule_severity s)
{
	return s == RULE_ERROR ? "error" : s == RULE_WARNING ? "warning" : "info";
}

void rules_evaluate(const struct run_record *rec, struct rules_result *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < sizeof rules / sizeof rules[0] && out->n < RULE_MAX_FINDINGS; i++) {
		struct finding *f = &out->f[out->n];
		int fired;

		memset(f, 0, sizeof *f);
		f->id = rules[i].def.id;
		f->step = -1;
		fired = rules[i].fn ? rules[i].fn(rec, f) : rule_dfu_not_enumerated(rec, out, f);
		if (fired)
			out->n++;
	}
}
