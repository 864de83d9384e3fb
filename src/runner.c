/* The step-by-step jump runner (see runner.h).
 *
 * Recipe mode: reset halt, identify the part, hold the CM4, load the probe
 * firmware into RAM, fill its mailbox, enable vector catch (so a fault halts
 * the core at exception entry, before any handler can touch the evidence:
 * DDI0403 C1.6.5 DEMCR), then run: at every BKPT step boundary snapshot and
 * resume; at a vector catch snapshot the fault; at the branch set a hardware
 * breakpoint on the bootloader's entry and follow it into system memory; then
 * let the bootloader run while the USB watcher waits for the DFU device.
 * Finally restore the board: vector catch off, reset and run.
 */
#include "runner.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "h7jumpdiag/error.h"
#include "h7jumpdiag/probe_abi.h"
#include "bits.h"
#include "board.h"
#include "elfinfo.h"
#include "fault.h"
#include "log.h"
#include "ocd_proc.h"
#include "ocd_rpc.h"
#include "periph.h"
#include "session.h"
#include "target.h"
#include "thumb.h"
#include "usb.h"
#include "usb_simctl.h"

#define PROBE_IMAGE "probe-cm7.bin"
#define CM4_LOAD_ADDR 0x30000000u
#define SCB_VTOR_ADDR 0xE000ED08u
#define BKPT_INSN(imm) (0xBE00u | (imm))
/* after the DFU device arrived: how long to watch that it stays */
#define SETTLE_MS 500

struct runner {
	const struct runner_opts *o;
	struct run_record *rec;
	int interrupted;          /* a signal arrived: finish quickly, restore, report */
	struct session *s;
	struct target *t;
	struct usbw *usb;
	double t0;
	int n_steps;              /* steps in the mailbox */
	uint8_t steps[PROBE_MAX_STEPS];
	int bp_set;
	uint32_t bp_addr;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double rel_ms(const struct runner *r)
{
	return now_ms() - r->t0;
}

void runner_opts_init(struct runner_opts *o)
{
	memset(o, 0, sizeof *o);
	o->cm4 = RUN_CM4_HALTED;
	o->keep_going = 1;
	o->usb_timeout_ms = 5000;
	o->step_timeout_ms = 10000;
	o->wait_ms = 10000;
	o->max_steps = 200;
}

static int cancelled(struct runner *r)
{
	if ((r->o->cancel && *r->o->cancel) || ocd_rpc_interrupted())
		r->interrupted = 1;
	return r->interrupted;
}

static void progress(const struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(const struct runner *r, const char *fmt, ...)
{
	va_list ap;
	char line[160];

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	h7_dbg("%8.1f ms  %s", rel_ms(r), line);
	if (!r->o->progress)
		return;
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
}

/* ---- small target helpers ---- */

static int read_words(struct runner *r, uint32_t addr, uint32_t n, uint32_t *out)
{
	return target_read_mem(r->t, addr, 32, n, out);
}

static int get_pc(struct runner *r, uint32_t *pc)
{
	uint64_t v;
	int rc = target_get_reg(r->t, "pc", &v);
	if (rc == 0)
		*pc = (uint32_t)v;
	return rc;
}

static int read_mailbox(struct runner *r, struct probe_mailbox *mb)
{
	uint32_t w[PROBE_MAILBOX_SIZE / 4];
	int rc = read_words(r, PROBE_MAILBOX_ADDR, PROBE_MAILBOX_SIZE / 4, w);
	if (rc == 0)
		memcpy(mb, w, sizeof *mb);
	return rc;
}

static int halfword_at(struct runner *r, uint32_t addr, uint16_t *hw)
{
	uint32_t v;
	int rc = target_read_mem(r->t, addr & ~1u, 16, 1, &v);
	if (rc == 0)
		*hw = (uint16_t)v;
	return rc;
}

static int snapshot(struct runner *r, struct snapshot *s)
{
	int rc = target_snapshot(r->t, s);
	if (rc == 0)
		s->t_ms = rel_ms(r);
	return rc;
}

static void vecread(struct runner *r, uint32_t addr, struct run_vecread *v)
{
	uint32_t w[2];

	v->addr = addr;
	v->ok = read_words(r, addr, 2, w) == 0;
	if (v->ok) {
		v->sp = w[0];
		v->pc = w[1];
	}
}

/* ---- identification ---- */

static int identify(struct runner *r)
{
	struct run_record *rec = r->rec;
	uint32_t v, uid[3];
	int rc = target_read32(r->t, 0x5C001000u, &rec->idcode); /* DBGMCU_IDC, RM0399 */

	if (rc) {
		h7_err("cannot read DBGMCU_IDC (0x5C001000): %s", h7_strerror(rc));
		return rc;
	}
	part_decode_idcode(rec->idcode, &rec->part);
	if (!rec->part.group) {
		h7_err("unknown part: DBGMCU_IDC = 0x%08X (DEV_ID 0x%03X); h7jumpdiag knows the STM32H74x/75x",
		       rec->idcode, rec->idcode & 0xFFFu);
		return H7_ERROR_UNKNOWN_PART;
	}
	if (target_read_mem(r->t, rec->part.group->flash_size_addr, 16, 1, &v) == 0)
		rec->flash_kib = (uint16_t)v;
	if (read_words(r, 0x1FF1E800u, 3, uid) == 0) /* UID, RM0399 electronic signature */
		memcpy(rec->uid, uid, sizeof uid);
	rec->part_entry = rec->part.group->bootloader;
	return 0;
}

/* Point the selected (halted) core at an image's first two vector-table
 * words, as a reset would: MSP = vt[0], PC = vt[1], Thumb state. */
static int start_at_vectors(struct runner *r, const uint32_t vt[2])
{
	int rc = target_set_reg(r->t, "msp", vt[0]);
	if (rc == 0)
		rc = target_set_reg(r->t, "pc", vt[1] & ~1u);
	if (rc == 0)
		rc = target_set_reg(r->t, "xPSR", 0x01000000u);
	return rc;
}

/* ---- the CM4 ---- */

static char *cm4_image_path(const char *spec)
{
	if (!strcmp(spec, "park"))
		return ocd_proc_find_firmware("cm4-park.bin");
	if (!strcmp(spec, "usb"))
		return ocd_proc_find_firmware("cm4-usb.bin");
	return strdup(spec);
}

static int setup_cm4(struct runner *r)
{
	struct run_record *rec = r->rec;
	enum target_state st;
	int rc;

	if (!target_has_core(r->t, TARGET_CM4)) {
		rec->cm4 = RUN_CM4_ABSENT;
		if (r->o->cm4 == RUN_CM4_RUNNING)
			run_note(rec, "the CM4 is not visible through this debug connection: --cm4 running has no effect");
		return 0;
	}
	rc = target_select(r->t, TARGET_CM4);
	if (rc)
		return rc;
	rc = target_state(r->t, &st);
	if (rc == 0 && st != TARGET_STATE_HALTED)
		rc = target_halt(r->t);
	if (rc == 0)
		rc = target_wait_halt(r->t, 2000);
	if (rc) {
		h7_err("cannot halt the CM4: %s", h7_strerror(rc));
		goto out;
	}
	rec->cm4 = RUN_CM4_HALTED;
	if (r->o->cm4 == RUN_CM4_RUNNING) {
		if (r->o->cm4_image) {
			char *path = cm4_image_path(r->o->cm4_image);
			uint32_t vt[2];
			if (!path) {
				h7_err("CM4 image '%s' not found", r->o->cm4_image);
				rc = H7_ERROR_NOT_FOUND;
				goto out;
			}
			snprintf(rec->cm4_image, sizeof rec->cm4_image, "%s", path);
			rc = target_load_image(r->t, path, CM4_LOAD_ADDR);
			free(path);
			if (rc == 0)
				rc = read_words(r, CM4_LOAD_ADDR, 2, vt);
			if (rc == 0)
				rc = target_write32(r->t, SCB_VTOR_ADDR, CM4_LOAD_ADDR);
			if (rc == 0)
				rc = start_at_vectors(r, vt);
			if (rc) {
				h7_err("cannot load the CM4 image: %s", h7_strerror(rc));
				goto out;
			}
		}
		rc = target_resume(r->t);
		if (rc == 0)
			rec->cm4 = RUN_CM4_RUNNING;
	}
out:
	{
		int rc2 = target_select(r->t, TARGET_CM7);
		return rc ? rc : rc2;
	}
}

static void snapshot_cm4(struct runner *r)
{
	struct run_record *rec = r->rec;
	enum target_state st;
	int was_running;

	if (rec->cm4 == RUN_CM4_ABSENT || target_select(r->t, TARGET_CM4) != 0)
		return;
	was_running = target_state(r->t, &st) == 0 && st != TARGET_STATE_HALTED;
	if (was_running && (target_halt(r->t) != 0 || target_wait_halt(r->t, 2000) != 0))
		goto out;
	if (snapshot(r, &rec->cm4_snap) == 0)
		rec->has_cm4 = 1;
	rec->cm4_snap.halted = !was_running; /* how we found it */
	if (was_running)
		target_resume(r->t);
out:
	target_select(r->t, TARGET_CM7);
}

/* ---- the probe ---- */

static int load_probe(struct runner *r)
{
	struct run_record *rec = r->rec;
	struct probe_mailbox mb;
	char *img = ocd_proc_find_firmware(PROBE_IMAGE);
	uint32_t vt[2], w[PROBE_MAILBOX_SIZE / 4];
	int rc;

	if (!img) {
		h7_err("the probe firmware (%s) is not installed or built: run make", PROBE_IMAGE);
		return H7_ERROR_NOT_FOUND;
	}
	rc = target_load_image(r->t, img, PROBE_LOAD_ADDR);
	free(img);
	if (rc) {
		h7_err("cannot load the probe firmware into RAM: %s", h7_strerror(rc));
		return rc;
	}
	memset(&mb, 0, sizeof mb);
	mb.magic = PROBE_MAGIC;
	mb.abi = PROBE_ABI_VERSION;
	/* what the board is (board.c, with its sources); attached to an unknown
	 * OpenOCD: nothing assumed, the probe stays on HSI */
	mb.board = r->s->board ? (uint32_t)r->s->board->probe_board : PROBE_BOARD_UNKNOWN;
	mb.hse_hz = r->s->board ? r->s->board->hse_hz : 0u;
	mb.flags = r->o->keep_going ? PROBE_F_KEEP_GOING : 0;
	if (r->s->board && r->s->board->hse_bypass)
		mb.flags |= PROBE_F_HSE_BYPASS;
	run_note(rec, "the probe never writes the PWR supply configuration (write-once; the board's is %s)",
		 r->s->board ? board_supply_name(r->s->board->supply) : "unknown");
	mb.jump_addr = rec->jump_addr;
	mb.n_steps = (uint32_t)r->n_steps;
	memcpy(mb.steps, r->steps, (size_t)r->n_steps);
	memcpy(w, &mb, sizeof w);
	rc = target_write_mem(r->t, PROBE_MAILBOX_ADDR, 32, PROBE_MAILBOX_SIZE / 4, w);
	if (rc == 0)
		rc = read_words(r, PROBE_LOAD_ADDR, 2, vt);
	if (rc == 0)
		rc = start_at_vectors(r, vt);
	if (rc == 0)
		rc = target_set_reg(r->t, "primask", 0);
	if (rc == 0)
		rc = target_set_reg(r->t, "control", 0);
	if (rc)
		h7_err("cannot start the probe firmware: %s", h7_strerror(rc));
	return rc;
}

static int is_branch_step(enum probe_step id)
{
	return id == PROBE_STEP_BRANCH || id == PROBE_STEP_BRANCH_ASM;
}

static int fatal_step(enum probe_step id)
{
	return id == PROBE_STEP_READ_VECTORS || id == PROBE_STEP_SET_MSP || id == PROBE_STEP_SET_MSP_LOCAL ||
	       is_branch_step(id);
}

static void add_steps(struct runner *r)
{
	for (int i = 0; i < r->n_steps; i++) {
		struct run_step *st = run_add_step(r->rec);
		const struct step_info *si = recipe_step_info((enum probe_step)r->steps[i]);
		if (!st)
			return;
		st->id = (enum probe_step)r->steps[i];
		snprintf(st->name, sizeof st->name, "%s", si ? si->name : "?");
		snprintf(st->source, sizeof st->source, "%s", si ? si->code : "");
		st->is_setup = si ? si->is_setup : 0;
		st->is_branch = si ? si->is_branch : 0;
		if (st->is_branch && r->rec->branch_step < 0)
			r->rec->branch_step = st->index;
	}
}

/* Where a halted core is: which exception is being entered, if any. */
static int at_vector_catch(struct runner *r, uint32_t pc, uint32_t *ipsr_out)
{
	uint64_t xpsr;
	uint32_t vtor, vec;
	uint32_t ipsr;

	if (target_get_reg(r->t, "xPSR", &xpsr) != 0)
		return 0;
	ipsr = (uint32_t)xpsr & 0x1FFu;
	*ipsr_out = ipsr;
	if (ipsr < 2 || ipsr > 6) /* NMI, HardFault, MemManage, BusFault, UsageFault */
		return 0;
	if (target_read32(r->t, SCB_VTOR_ADDR, &vtor) != 0 || read_words(r, vtor + 4 * ipsr, 1, &vec) != 0)
		return 0;
	return (vec & ~1u) == pc;
}

static void record_fault(struct runner *r, int step, uint32_t pc, uint32_t ipsr, int in_rom)
{
	struct run_record *rec = r->rec;
	struct run_fault *f;

	if (rec->n_faults >= RUN_MAX_FAULTS)
		return;
	f = &rec->faults[rec->n_faults];
	memset(f, 0, sizeof *f);
	f->step = step;
	f->pc = pc;
	f->ipsr = ipsr;
	f->in_bootloader = in_rom;
	if (snapshot(r, &f->snap) != 0)
		run_note(rec, "the snapshot at fault %d failed", rec->n_faults + 1);
	if (step >= 0 && step < rec->n_steps && rec->steps[step].fault < 0)
		rec->steps[step].fault = rec->n_faults;
	rec->n_faults++;
}

static int in_sysmem(const struct run_record *rec, uint32_t a)
{
	return rec->part.group && a >= rec->part.group->sysmem_start && a < rec->part.group->sysmem_end;
}

/* Resume past the BKPT at pc. */
static int resume_past(struct runner *r, uint32_t pc)
{
	return target_resume_at(r->t, pc + 2);
}

static int usb_open(struct runner *r)
{
	struct run_record *rec = r->rec;
	struct usbw_options uo;
	char ctl[96];
	int rc;

	memset(&uo, 0, sizeof uo);
	uo.backend = (enum usbw_backend)r->o->usb_backend;
	uo.board_sim = rec->simulated;
	if (r->s->sim_ctl_port) {
		snprintf(ctl, sizeof ctl, "%s:%u", r->s->sim_host, r->s->sim_ctl_port);
		uo.sim_ctl = ctl;
	}
	uo.serial = r->o->usb_serial;
	uo.path = r->o->usb_path;
	uo.app_vid = 0x0483;
	uo.app_pid = 0x5740;
	uo.new_only = 1;
	uo.cancel = r->o->cancel;
	uo.part.dev_id = (uint16_t)(rec->idcode & 0xFFFu);
	uo.part.idcode = rec->idcode;
	uo.part.flash_kib = rec->flash_kib;
	rc = usbw_open(&uo, &r->usb);
	if (rc) {
		run_note(rec, "USB watching unavailable: %s", h7_strerror(rc));
		return rc;
	}
	rec->usb_watched = 1;
	snprintf(rec->usb_backend, sizeof rec->usb_backend, "%s", usbw_backend_name(r->usb));
	return 0;
}

/* The last boundary snapshot before step `step`. */
static const struct snapshot *before_step(const struct run_record *rec, int step)
{
	for (int i = step - 1; i >= 0; i--)
		if (rec->steps[i].has_after)
			return &rec->steps[i].after;
	return rec->has_start ? &rec->start : &rec->initial;
}

/* A halt nobody planned: keep the evidence (a snapshot as the step's "after")
 * and say what it looks like. A changed RCC_RSR means the chip was reset
 * during the step (its flags change only by a reset or RMVF: RM0399 RCC
 * "Reset source identification"); PC 0xEFFFFFFE means lockup, which OpenOCD
 * clears by halting the core. */
static void unexpected_halt(struct runner *r, int cur, uint32_t pc)
{
	struct run_record *rec = r->rec;
	int step = cur >= 0 && cur < rec->n_steps ? cur : -1;
	const struct snapshot *before = step >= 0 ? before_step(rec, step) : NULL;
	struct snapshot *now = step >= 0 && !rec->steps[step].has_after ? &rec->steps[step].after : NULL;
	char what[RUN_TEXT] = "";
	size_t n = 0;

	if (now && snapshot(r, now) == 0) {
		rec->steps[step].has_after = 1;
		rec->steps[step].t_end_ms = rel_ms(r);
	} else {
		now = NULL;
	}
	if (now && before && snap_ok(before, REG_RCC_RSR) && snap_ok(now, REG_RCC_RSR) &&
	    snap_get(before, REG_RCC_RSR, 0) != snap_get(now, REG_RCC_RSR, 0)) {
		const struct bits_reg *t = periph_table(REG_RCC_RSR);
		uint32_t v = snap_get(now, REG_RCC_RSR, 0);
		char flags[96] = "";
		size_t k = 0;

		for (size_t i = 0; t && i < t->n_fields && k < sizeof flags; i++)
			if (bits_is_flag(&t->fields[i]) && (v & t->fields[i].mask))
				k += (size_t)snprintf(flags + k, sizeof flags - k, "%s%s", k ? " " : "", t->fields[i].name);
		n += (size_t)snprintf(what + n, sizeof what - n, "; the chip was reset");
		run_note(rec, "the chip was reset during step %d (%s): RCC_RSR went from 0x%08X to 0x%08X (%s)",
			 step + 1, rec->steps[step].name, snap_get(before, REG_RCC_RSR, 0), v, flags[0] ? flags : "no flag");
	}
	if (pc == FAULT_LOCKUP_PC && n < sizeof what) {
		n += (size_t)snprintf(what + n, sizeof what - n, "%s the core locked up", n ? " and" : ";");
		run_note(rec, "the core locked up (PC 0x%08X, DDI0403 B1.5.15) %s; OpenOCD halted it to clear the lockup",
			 pc, step >= 0 ? "during the step" : "after the branch");
	}
	snprintf(rec->stop_reason, sizeof rec->stop_reason, "unexpected halt at 0x%08X in step %d (%s)%s", pc, cur + 1,
		 step >= 0 ? rec->steps[step].name : "?", what);
}

/* Run the probe from its first boundary to the branch (or the end). */
static int run_probe(struct runner *r)
{
	struct run_record *rec = r->rec;
	int rc, last = -1; /* the step running now */
	double t_step = rel_ms(r);

	rc = target_resume(r->t);
	for (;;) {
		struct probe_mailbox mb;
		uint32_t pc, ipsr = 0;
		uint16_t hw = 0;
		int cur;

		if (rc)
			return rc;
		if (cancelled(r)) {
			rec->stop = RUN_STOP_INTERRUPTED;
			return H7_ERROR_INTERRUPTED;
		}
		rc = target_wait_halt(r->t, r->o->step_timeout_ms);
		if (rc == H7_ERROR_TIMEOUT) {
			int i = read_mailbox(r, &mb) == 0 ? (int)mb.cur_step : -1;
			target_halt(r->t);
			target_wait_halt(r->t, 2000);
			rec->stop = RUN_STOP_TIMEOUT;
			snprintf(rec->stop_reason, sizeof rec->stop_reason,
				 "step %d (%s) did not finish within %d ms", i, i >= 0 && i < rec->n_steps ? rec->steps[i].name : "?",
				 r->o->step_timeout_ms);
			if (i >= 0 && i < rec->n_steps && snapshot(r, &rec->steps[i].after) == 0)
				rec->steps[i].has_after = 1;
			return 0;
		}
		if (rc == H7_ERROR_TARGET) {
			rec->stop = RUN_STOP_ERROR;
			snprintf(rec->stop_reason, sizeof rec->stop_reason,
				 "the target stopped answering during step %d (%s): power, cable or debug port", last + 1,
				 last >= 0 && last < rec->n_steps ? rec->steps[last].name : "?");
		}
		if (rc)
			return rc;
		if ((rc = get_pc(r, &pc)) != 0 || (rc = read_mailbox(r, &mb)) != 0) {
			rec->stop = RUN_STOP_ERROR;
			snprintf(rec->stop_reason, sizeof rec->stop_reason,
				 "the debugger could not read the target at the boundary after step %d (%s): %s", last + 1,
				 last >= 0 && last < rec->n_steps ? rec->steps[last].name : "start", h7_strerror(rc));
			return rc;
		}
		cur = (int)mb.cur_step;
		if (at_vector_catch(r, pc, &ipsr)) {
			int step = cur < rec->n_steps ? cur : -1;
			int fatal = step < 0 || fatal_step(rec->steps[step].id);
			record_fault(r, step, pc, ipsr, 0);
			progress(r, "fault in step %d/%d (%s)", cur + 1, rec->n_steps, step >= 0 ? rec->steps[step].name : "?");
			if (!r->o->keep_going || fatal || rec->n_faults >= RUN_MAX_FAULTS) {
				rec->stop = RUN_STOP_FAULT;
				snprintf(rec->stop_reason, sizeof rec->stop_reason, "fault in step %s",
					 step >= 0 ? rec->steps[step].name : "?");
				return 0;
			}
			rec->faults[rec->n_faults - 1].unwound = 1;
			rc = target_resume(r->t); /* the probe's handler unwinds to the next step */
			continue;
		}
		if (halfword_at(r, pc, &hw) != 0)
			hw = 0;
		if (hw == BKPT_INSN(PROBE_BKPT_STEP) && cur < rec->n_steps) {
			struct snapshot *s = cur == 0 ? &rec->start : &rec->steps[cur - 1].after;
			if (snapshot(r, s) != 0)
				run_note(rec, "the snapshot before step %d %s", cur + 1,
					 cancelled(r) ? "was interrupted by the signal" : "failed");
			else if (cur == 0)
				rec->has_start = 1;
			else
				rec->steps[cur - 1].has_after = 1;
			if (cur > 0)
				rec->steps[cur - 1].t_end_ms = rel_ms(r);
			rec->steps[cur].t_start_ms = rel_ms(r);
			rec->steps[cur].pc = pc;
			last = cur;
			progress(r, "step %d/%d: %s", cur + 1, rec->n_steps, rec->steps[cur].name);
			if (is_branch_step(rec->steps[cur].id)) {
				/* follow the branch: a hardware breakpoint on the entry it will take */
				uint32_t target_pc = rec->steps[cur].id == PROBE_STEP_BRANCH_ASM ? mb.jump_pc : mb.jump_pc;
				rec->jump_target = target_pc;
				if (in_sysmem(rec, target_pc & ~1u) && target_bp_add(r->t, target_pc & ~1u, 2) == 0) {
					r->bp_set = 1;
					r->bp_addr = target_pc & ~1u;
				}
				rec->t_branch_ms = rel_ms(r);
				if (r->usb)
					usbw_mark(r->usb);
			}
			(void)t_step;
			rc = resume_past(r, pc);
			continue;
		}
		if (r->bp_set && pc == r->bp_addr) {
			rec->reached_sysmem = 1;
			rec->stop = RUN_STOP_BRANCHED;
			if (rec->branch_step >= 0)
				rec->steps[rec->branch_step].t_end_ms = rel_ms(r);
			if (snapshot(r, &rec->at_sysmem) != 0)
				run_note(rec, "the snapshot at the bootloader's entry failed");
			target_bp_remove(r->t, r->bp_addr);
			r->bp_set = 0;
			return 0;
		}
		if (hw == BKPT_INSN(PROBE_BKPT_DONE)) {
			rec->stop = RUN_STOP_DONE;
			if (rec->n_steps > 0 && snapshot(r, &rec->steps[rec->n_steps - 1].after) == 0)
				rec->steps[rec->n_steps - 1].has_after = 1;
			return 0;
		}
		if (hw == BKPT_INSN(PROBE_BKPT_ERROR)) {
			rec->stop = RUN_STOP_ERROR;
			snprintf(rec->stop_reason, sizeof rec->stop_reason, "the probe rejected its mailbox (error %u)",
				 mb.error);
			return H7_ERROR_INTERNAL;
		}
		/* a halt we did not plan: after the branch, the jump went somewhere
		 * unexpected; before it, the chip was reset or the core locked up */
		rec->stop = RUN_STOP_ERROR;
		if (in_sysmem(rec, pc))
			rec->reached_sysmem = 1;
		unexpected_halt(r, cur, pc);
		return 0;
	}
}

/* After the core arrived in system memory: let the bootloader run, wait for USB,
 * then look at the CM7 once more. */
static void watch_bootloader(struct runner *r)
{
	struct run_record *rec = r->rec;
	int rc;

	rc = target_resume(r->t);
	if (rc) {
		run_note(rec, "cannot resume into the bootloader: %s", h7_strerror(rc));
		return;
	}
	progress(r, "in the bootloader: waiting up to %.1f s for the DFU device", r->o->usb_timeout_ms / 1000.0);
	if (r->usb) {
		double t_wait = now_ms();
		rc = usbw_wait(r->usb, r->o->usb_timeout_ms, &rec->usb);
		if (rc && rc != H7_ERROR_TIMEOUT)
			run_note(rec, "USB watching failed: %s", h7_strerror(rc));
		if (rc == 0 && rec->usb.found && !rec->usb.present_at_start) {
			/* a device that leaves again at once is no use to a programmer */
			int left = r->o->usb_timeout_ms - (int)(now_ms() - t_wait);
			if (usbw_settle(r->usb, left < SETTLE_MS ? (left > 0 ? left : 0) : SETTLE_MS, &rec->usb) == 1)
				run_note(rec, "the DFU device left the bus again within %d ms of its arrival: the connection is "
					      "not stable (cable, hub, or the bootloader reset)", SETTLE_MS);
		}
	} else {
		usleep((useconds_t)r->o->usb_timeout_ms * 1000u);
	}
	/* a fault in the bootloader halts the core through vector catch */
	{
		enum target_state st;
		uint32_t pc, ipsr;
		if (target_state(r->t, &st) == 0 && st == TARGET_STATE_HALTED && get_pc(r, &pc) == 0 &&
		    at_vector_catch(r, pc, &ipsr))
			record_fault(r, -1, pc, ipsr, 1);
	}
	if (target_halt(r->t) == 0 && target_wait_halt(r->t, 2000) == 0) {
		if (snapshot(r, &rec->late) == 0)
			rec->has_late = 1;
	}
}

static void sim_stats(struct runner *r)
{
	struct run_record *rec = r->rec;
	struct simctl *c = NULL;
	struct simctl_line l;
	char hp[96];
	const char *v;

	if (!r->s->sim_ctl_port)
		return;
	snprintf(hp, sizeof hp, "%s:%u", r->s->sim_host, r->s->sim_ctl_port);
	if (simctl_connect(hp, 2000, &c) != 0) {
		run_note(rec, "h7sim's control socket (%s) does not answer: the simulator is gone (power loss?), so its "
			      "flash and option-byte write counters are unknown", hp);
		return;
	}
	if (simctl_command(c, "stats", &l, 2000) == 0) {
		if ((v = simctl_get(&l, "flash_write_attempts")))
			rec->sim_flash_writes = strtoll(v, NULL, 10);
		if ((v = simctl_get(&l, "optbyte_write_attempts")))
			rec->sim_optbyte_writes = strtoll(v, NULL, 10);
	}
	simctl_close(c);
}

static void verdict(struct run_record *rec)
{
	if (rec->n_faults > 0)
		rec->verdict = RUN_VERDICT_FAULT;
	else if (rec->usb.found)
		rec->verdict = RUN_VERDICT_DFU_ENUMERATED;
	else if (rec->stop == RUN_STOP_BRANCHED || rec->stop == RUN_STOP_DONE || rec->stop == RUN_STOP_TIMEOUT ||
		 rec->stop == RUN_STOP_ERROR)
		rec->verdict = RUN_VERDICT_NO_DFU;
	else
		rec->verdict = RUN_VERDICT_ERROR;
}

static void restore(struct runner *r)
{
	if (!r->t)
		return;
	if (cancelled(r))
		ocd_rpc_clear_interrupted(); /* restoring the board needs OpenOCD once more */
	if (r->bp_set)
		target_bp_remove(r->t, r->bp_addr);
	target_select(r->t, TARGET_CM7);
	target_restore(r->t); /* the vector catch (and polling) OpenOCD had before the run */
	if (r->o->keep_halted) {
		target_halt(r->t);
		return;
	}
	if (target_reset_run(r->t) != 0)
		h7_warn("could not reset the target at the end of the run");
}

static int run_recipe(struct runner *r)
{
	struct run_record *rec = r->rec;
	const struct recipe *rp = recipe_find(r->o->recipe);
	int rc;

	if (!rp) {
		h7_err("unknown recipe '%s' (see --list-recipes)", r->o->recipe);
		return H7_ERROR_INVALID_PARAM;
	}
	snprintf(rec->recipe, sizeof rec->recipe, "%s", rp->name);
	rec->setup = r->o->setup;
	r->n_steps = recipe_expand(rp, &r->o->setup, r->steps, PROBE_MAX_STEPS);
	if (r->n_steps < 0)
		return r->n_steps;

	progress(r, "reset and identify the part");
	if ((rc = target_select(r->t, TARGET_CM7)) != 0 || (rc = target_reset_halt(r->t)) != 0)
		return rc;
	if ((rc = identify(r)) != 0)
		return rc;
	rec->jump_addr = rp->addr == RECIPE_ADDR_SEED ? RECIPE_SEED_ADDR : rec->part_entry;
	vecread(r, rec->jump_addr, &rec->vec_jump);
	vecread(r, rec->part_entry, &rec->vec_part);
	if ((rc = setup_cm4(r)) != 0)
		return rc;
	if ((rc = snapshot(r, &rec->initial)) != 0)
		return rc;
	add_steps(r);
	progress(r, "load the probe firmware");
	if ((rc = load_probe(r)) != 0)
		return rc;
	if ((rc = target_vector_catch(r->t, TARGET_VC_FAULTS)) != 0)
		return rc;
	usb_open(r);
	rc = run_probe(r);
	if (rc == 0 && rec->reached_sysmem && rec->stop == RUN_STOP_BRANCHED)
		watch_bootloader(r);
	else if (r->usb && rc == 0)
		usbw_wait(r->usb, 1, &rec->usb); /* collect the timeline so far */
	snapshot_cm4(r);
	return rc;
}


/* ---- elf mode: the user's own firmware, stepped line by line ---- */


#define ELF_MAX_INSNS_PER_STEP 4000

static int read_insn(struct runner *r, uint32_t pc, struct thumb_insn *in)
{
	uint32_t hw[2];
	int rc = target_read_mem(r->t, pc & ~1u, 16, 2, hw);
	if (rc == 0)
		thumb_decode((uint16_t)hw[0], (uint16_t)hw[1], pc & ~1u, in);
	return rc;
}

static int reg_value(struct runner *r, int reg, uint32_t *v)
{
	static const char *const names[] = { "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
					     "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc" };
	uint64_t x;
	int rc;

	if (reg < 0 || reg > 15)
		return H7_ERROR_INVALID_PARAM;
	rc = target_get_reg(r->t, names[reg], &x);
	if (rc == 0)
		*v = (uint32_t)x;
	return rc;
}

/* A line key: the user's line (the call site when the code is inlined). */
static void line_key(struct elfinfo *ei, uint32_t pc, char *key, size_t keysz, char *name, size_t namesz, char *text,
		     size_t textsz, char *call, size_t callsz)
{
	struct elfinfo_line li;

	if (elfinfo_line_for_addr(ei, pc, &li) != 0 || li.pos.line == 0) {
		const struct elfinfo_symbol *sym;
		uint32_t off;
		if (elfinfo_symbol_by_addr(ei, pc, &sym, &off) == 0)
			snprintf(name, namesz, "%s+0x%X", sym->name, off);
		else
			snprintf(name, namesz, "0x%08X", pc);
		snprintf(key, keysz, "%s", name);
		text[0] = '\0';
		return;
	}
	{
		const struct elfinfo_srcpos *p = li.inlined ? &li.call : &li.pos;
		snprintf(name, namesz, "%s:%u", elfinfo_path_base(p->file), p->line);
		snprintf(key, keysz, "%s:%u", p->file, p->line);
		if (p->has_text)
			snprintf(text, textsz, "%.120s%s%.48s%s", p->text, li.inlined ? "   [inlined " : "",
				 li.inlined ? li.inline_func : "", li.inlined ? "]" : "");
		else
			text[0] = '\0';
		if (call && li.inlined && !call[0])
			snprintf(call, callsz, "%.63s", li.inline_func);
	}
}

/* Where the core stopped: 0 normal, 1 vector catch (fault recorded), -1 error. */
static int check_fault(struct runner *r, int step)
{
	uint32_t pc, ipsr;
	if (get_pc(r, &pc) != 0)
		return -1;
	if (at_vector_catch(r, pc, &ipsr)) {
		record_fault(r, step, pc, ipsr, 0);
		return 1;
	}
	return 0;
}

/* Run to addr with a temporary hardware breakpoint. 0, or an error. */
static int run_to(struct runner *r, uint32_t addr)
{
	int rc = target_bp_add(r->t, addr & ~1u, 2);
	if (rc)
		return rc;
	rc = target_resume(r->t);
	if (rc == 0)
		rc = target_wait_halt(r->t, r->o->step_timeout_ms);
	target_bp_remove(r->t, addr & ~1u);
	return rc;
}

static int verify_flash(struct runner *r, struct elfinfo *ei)
{
	size_t n;
	const struct elfinfo_segment *seg = elfinfo_segments(ei, &n);

	for (size_t i = 0; i < n; i++) {
		const struct part_region *reg = part_region_of(seg[i].paddr);
		uint32_t want, got = 0, words;
		uint32_t *buf;
		int rc;

		if (!seg[i].filesz || !reg || reg->kind != PART_MEM_FLASH)
			continue;
		if (elfinfo_segment_crc32(ei, i, &want) != 0)
			return H7_ERROR_PARSE;
		words = (seg[i].filesz + 3) / 4;
		buf = malloc((size_t)words * 4);
		if (!buf)
			return H7_ERROR_NO_MEM;
		rc = 0;
		for (uint32_t w = 0; w < words && rc == 0; w += 4096)
			rc = target_read_mem(r->t, seg[i].paddr + 4 * w, 32, words - w < 4096 ? words - w : 4096, buf + w);
		if (rc == 0)
			got = elfinfo_crc32(0, buf, seg[i].filesz);
		free(buf);
		if (rc) {
			h7_err("cannot read flash at 0x%08X to check the ELF: %s", seg[i].paddr, h7_strerror(rc));
			return rc;
		}
		if (got != want) {
			h7_err("the flash does not hold %s: segment at 0x%08X (%u bytes) has CRC-32 0x%08X, the ELF "
			       "0x%08X; flash the image first (h7jumpdiag never writes flash)",
			       r->o->elf, seg[i].paddr, seg[i].filesz, got, want);
			return H7_ERROR_MISMATCH;
		}
	}
	return 0;
}


/* A bootloader address written in the jump function's code: a literal-pool
 * word or a MOVW/MOVT pair (DDI0403 A7.7.76, A7.7.79) whose value is an
 * address of the AN2606 table or lies in the system-memory area. Static
 * evidence, used only when the run never got to the vector read. */
static int boot_like(uint32_t v)
{
	size_t n;
	const struct part_boot_entry *t = part_boot_table(&n);
	for (size_t i = 0; i < n; i++)
		if (t[i].address == v)
			return 1;
	return (v & 0xFFF000FFu) == 0x1FF00000u && v != 0x1FF00000u;
}

static uint32_t scan_jump_constant(struct elfinfo *ei, uint32_t lo, uint32_t hi)
{
	size_t n;
	const struct elfinfo_segment *seg = elfinfo_segments(ei, &n);

	/* literal pools follow the function: look a little past its end */
	hi += 64;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *d;
		size_t len;
		uint32_t base = seg[i].vaddr;
		if (elfinfo_segment_bytes(ei, i, &d, &len) != 0 || hi <= base || lo >= base + len)
			continue;
		for (uint32_t a = (lo > base ? lo : base) & ~1u; a + 4 <= hi && a + 4 <= base + len; a += 2) {
			const uint8_t *p = d + (a - base);
			uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
			uint16_t h1 = (uint16_t)w, h2 = (uint16_t)(w >> 16);
			if ((a & 3) == 0 && boot_like(w))
				return w;
			/* MOVW Rd, #imm16 followed by MOVT Rd, #imm16 */
			if ((h1 & 0xFBF0u) == 0xF240u && (h2 & 0x8000u) == 0 && a + 8 <= base + len) {
				const uint8_t *q = p + 4;
				uint16_t g1 = (uint16_t)(q[0] | q[1] << 8), g2 = (uint16_t)(q[2] | q[3] << 8);
				if ((g1 & 0xFBF0u) == 0xF2C0u && (g2 & 0x8000u) == 0 && ((g2 >> 8) & 0xF) == ((h2 >> 8) & 0xF)) {
					uint32_t lo16 = (uint32_t)(h1 & 0xF) << 12 | (uint32_t)((h1 >> 10) & 1) << 11 |
							(uint32_t)((h2 >> 12) & 7) << 8 | (h2 & 0xFF);
					uint32_t hi16 = (uint32_t)(g1 & 0xF) << 12 | (uint32_t)((g1 >> 10) & 1) << 11 |
							(uint32_t)((g2 >> 12) & 7) << 8 | (g2 & 0xFF);
					if (boot_like(hi16 << 16 | lo16))
						return hi16 << 16 | lo16;
				}
			}
		}
	}
	return 0;
}

static int run_elf(struct runner *r)
{
	struct run_record *rec = r->rec;
	struct elfinfo *ei = NULL;
	const struct elfinfo_symbol *sym;
	char err[256], key[ELFINFO_MAX_PATH + 16], name[64], text[RUN_TEXT];
	int rc;
	uint32_t fn_lo, fn_hi;

	snprintf(rec->elf, sizeof rec->elf, "%s", r->o->elf);
	snprintf(rec->break_at, sizeof rec->break_at, "%s", r->o->break_at);
	rc = elfinfo_open(r->o->elf, &ei, err, sizeof err);
	if (rc) {
		h7_err("%s: %s", r->o->elf, err);
		return rc;
	}
	if (elfinfo_symbol_by_name(ei, r->o->break_at, &sym) != 0) {
		h7_err("%s: no symbol '%s' (--break-at)", r->o->elf, r->o->break_at);
		elfinfo_close(ei);
		return H7_ERROR_NOT_FOUND;
	}
	fn_lo = sym->addr;
	fn_hi = sym->addr + (sym->size ? sym->size : 0x10000u);

	progress(r, "reset and identify the part");
	if ((rc = target_select(r->t, TARGET_CM7)) != 0 || (rc = target_reset_halt(r->t)) != 0 ||
	    (rc = identify(r)) != 0 || (rc = setup_cm4(r)) != 0)
		goto out;
	vecread(r, rec->part_entry, &rec->vec_part);
	progress(r, "check that the flash holds %s", elfinfo_path_base(r->o->elf));
	if ((rc = verify_flash(r, ei)) != 0)
		goto out;
	if ((rc = snapshot(r, &rec->initial)) != 0)
		goto out;
	if ((rc = target_vector_catch(r->t, TARGET_VC_FAULTS)) != 0)
		goto out;
	progress(r, "run the application to %s", r->o->break_at);
	rc = target_bp_add(r->t, sym->addr, 2);
	if (rc == 0)
		rc = target_resume(r->t);
	if (rc == 0)
		rc = target_wait_halt(r->t, r->o->wait_ms);
	target_bp_remove(r->t, sym->addr);
	if (rc == H7_ERROR_TIMEOUT) {
		target_halt(r->t);
		target_wait_halt(r->t, 2000);
		rec->stop = RUN_STOP_TIMEOUT;
		snprintf(rec->stop_reason, sizeof rec->stop_reason, "the application did not reach %s within %d ms",
			 r->o->break_at, r->o->wait_ms);
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	if (check_fault(r, -1) == 1) {
		rec->stop = RUN_STOP_FAULT;
		snprintf(rec->stop_reason, sizeof rec->stop_reason, "a fault before reaching %s", r->o->break_at);
		goto out;
	}
	usb_open(r);
	if (snapshot(r, &rec->start) == 0)
		rec->has_start = 1;

	for (int n = 0; n < r->o->max_steps; n++) {
		struct run_step *st;
		uint32_t pc;
		char k0[sizeof key];

		if (cancelled(r)) {
			rc = H7_ERROR_INTERRUPTED;
			goto out;
		}
		if ((rc = get_pc(r, &pc)) != 0)
			goto out;
		line_key(ei, pc, k0, sizeof k0, name, sizeof name, text, sizeof text, NULL, 0);
		st = run_add_step(rec);
		if (!st) {
			rc = H7_ERROR_NO_MEM;
			goto out;
		}
		snprintf(st->name, sizeof st->name, "%s", name);
		snprintf(st->source, sizeof st->source, "%s", text);
		line_key(ei, pc, k0, sizeof k0, name, sizeof name, text, sizeof text, st->call, sizeof st->call);
		st->pc = pc;
		st->t_start_ms = rel_ms(r);
		progress(r, "step %d: %s", n + 1, name);
		for (int ni = 0; ni < ELF_MAX_INSNS_PER_STEP; ni++) {
			struct thumb_insn in;
			uint32_t target = 0;
			int f;

			if ((rc = read_insn(r, pc, &in)) != 0)
				goto out;
			if (in.kind == THUMB_CALL_REG || in.kind == THUMB_BRANCH_REG)
				reg_value(r, in.reg, &target);
			else if (in.kind == THUMB_CALL || in.kind == THUMB_BRANCH)
				target = in.target;
			if ((in.kind == THUMB_CALL_REG || in.kind == THUMB_BRANCH_REG || in.kind == THUMB_CALL) &&
			    in_sysmem(rec, target & ~1u)) {
				/* the branch into the bootloader */
				st->is_branch = 1;
				rec->branch_step = st->index;
				rec->jump_target = target;
				rec->t_branch_ms = rel_ms(r);
				if (r->usb)
					usbw_mark(r->usb);
				rc = run_to(r, target);
				if (rc)
					goto out;
				f = check_fault(r, st->index);
				if (f == 1) {
					rec->stop = RUN_STOP_FAULT;
					goto out;
				}
				rec->reached_sysmem = 1;
				rec->stop = RUN_STOP_BRANCHED;
				st->t_end_ms = rel_ms(r);
				snapshot(r, &rec->at_sysmem);
				goto branched;
			}
			if (in.kind == THUMB_CALL || in.kind == THUMB_CALL_REG) {
				const struct elfinfo_symbol *cs;
				uint32_t off;
				if (!st->call[0] && elfinfo_symbol_by_addr(ei, target & ~1u, &cs, &off) == 0 && off == 0)
					snprintf(st->call, sizeof st->call, "%s", cs->name);
				rc = run_to(r, pc + in.len); /* step over the call */
			} else if (in.kind == THUMB_BRANCH && in.conditional && in.target < pc) {
				rc = run_to(r, pc + in.len); /* a loop: run it to its end */
			} else {
				rc = target_step(r->t);
			}
			if (rc)
				goto out;
			f = check_fault(r, st->index);
			if (f == 1) {
				rec->stop = RUN_STOP_FAULT;
				snprintf(rec->stop_reason, sizeof rec->stop_reason, "fault at %s", st->name);
				st->t_end_ms = rel_ms(r);
				goto out;
			}
			if ((rc = get_pc(r, &pc)) != 0)
				goto out;
			line_key(ei, pc, key, sizeof key, name, sizeof name, text, sizeof text, st->call, sizeof st->call);
			if (strcmp(key, k0) != 0)
				break;
		}
		if (snapshot(r, &st->after) == 0)
			st->has_after = 1;
		st->t_end_ms = rel_ms(r);
		if (pc < fn_lo || pc >= fn_hi) {
			rec->stop = RUN_STOP_DONE;
			snprintf(rec->stop_reason, sizeof rec->stop_reason, "%s returned without jumping", r->o->break_at);
			goto out;
		}
	}
	rec->stop = RUN_STOP_DONE;
	snprintf(rec->stop_reason, sizeof rec->stop_reason, "stopped after %d source steps (--max-steps)", r->o->max_steps);
	goto out;

branched:
	watch_bootloader(r);
out:
	/* the address the code read its vectors from, from what was measured:
	 * a precise fault's BFAR in the system memory area, or the table whose
	 * entry the branch took */
	for (int i = 0; i < rec->n_faults && !rec->jump_addr; i++) {
		const struct snapshot *fs = &rec->faults[i].snap;
		uint32_t cfsr = snap_get(fs, REG_CFSR, 0), bfar = snap_get(fs, REG_BFAR, 0);
		if ((cfsr & 0x8200u) == 0x8200u && (bfar & 0xFFF00000u) == 0x1FF00000u)
			rec->jump_addr = bfar & ~7u;
	}
	if (!rec->jump_addr && rec->reached_sysmem && rec->vec_part.ok &&
	    (rec->jump_target & ~1u) == (rec->vec_part.pc & ~1u))
		rec->jump_addr = rec->part_entry;
	if (!rec->jump_addr && fn_hi > fn_lo && fn_hi - fn_lo <= 0x10000u) {
		rec->jump_addr = scan_jump_constant(ei, fn_lo, fn_hi);
		rec->jump_addr_static = rec->jump_addr != 0;
	}
	if (rec->jump_addr && r->t)
		vecread(r, rec->jump_addr, &rec->vec_jump);
	if (r->usb && !rec->reached_sysmem && rc == 0)
		usbw_wait(r->usb, 1, &rec->usb);
	if (r->t)
		snapshot_cm4(r);
	elfinfo_close(ei);
	return rc;
}

int runner_run(const struct runner_opts *o, struct run_record *rec)
{
	struct runner r;
	struct session_opts so;
	const char *sim_args[4] = { NULL };
	int rc;

	memset(&r, 0, sizeof r);
	r.o = o;
	r.rec = rec;
	r.t0 = now_ms();
	snprintf(rec->board, sizeof rec->board, "%s", o->openocd ? "attached" : (o->board ? o->board : "sim"));
	if (o->elf) {
		snprintf(rec->elf, sizeof rec->elf, "%s", o->elf);
		snprintf(rec->break_at, sizeof rec->break_at, "%s", o->break_at ? o->break_at : "");
	} else {
		snprintf(rec->recipe, sizeof rec->recipe, "%s", o->recipe ? o->recipe : "");
	}
	/* --elf steps the user's own code, which has no probe to unwind a fault:
	 * that run always stops at the first fault, as the chip does */
	rec->keep_going = o->elf ? 0 : o->keep_going;

	memset(&so, 0, sizeof so);
	so.board = o->board;
	so.attach = o->openocd;
	so.sim_attach = o->h7sim;
	if (o->sim_flash) {
		sim_args[0] = "--flash";
		sim_args[1] = o->sim_flash;
		so.sim_args = sim_args;
	}
	progress(&r, "start OpenOCD%s", (!o->board || !strcmp(o->board, "sim")) && !o->openocd ? " and h7sim" : "");
	char why[384] = "";
	so.why = why;
	so.whysz = sizeof why;
	rc = session_open(&so, &r.s);
	if (rc) {
		rec->error = rc;
		rec->verdict = RUN_VERDICT_ERROR;
		rec->stop = RUN_STOP_ERROR;
		snprintf(rec->stop_reason, sizeof rec->stop_reason, "could not start the debug session: %s",
			 why[0] ? why : h7_strerror(rc));
		goto done;
	}
	r.t = r.s->target;
	target_set_snapshot_lazy(r.t, 1); /* per-step snapshots: MPU regions, OTG cores, stacks when they matter */
	/* --board sim, or an attached OpenOCD with the h7sim it debugs named by --h7sim */
	rec->simulated = (r.s->board && r.s->board->simulated) || r.s->sim_ctl_port != 0;
	if (r.s->openocd_log[0])
		snprintf(rec->openocd_log, sizeof rec->openocd_log, "%s", r.s->openocd_log);
	if (r.s->fallback_note)
		run_note(rec, "%s", r.s->fallback_note);
	if (target_polling_on(r.t))
		run_note(rec, "OpenOCD's background polling was off: switched on for the run (halts are seen by polling) "
			      "and off again at the end");

	rc = o->elf ? run_elf(&r) : run_recipe(&r);
	if (cancelled(&r)) {
		rc = H7_ERROR_INTERRUPTED;
		rec->stop = RUN_STOP_INTERRUPTED;
		snprintf(rec->stop_reason, sizeof rec->stop_reason, "interrupted by a signal");
	}
	if (rc && rec->stop == RUN_STOP_NONE) {
		rec->stop = rc == H7_ERROR_INTERRUPTED ? RUN_STOP_INTERRUPTED : RUN_STOP_ERROR;
		snprintf(rec->stop_reason, sizeof rec->stop_reason, "%s", h7_strerror(rc));
	}
	if (!rc && !ocd_rpc_is_open(r.s->rpc)) {
		/* the connection broke where the runner only noted a missing
		 * snapshot (e.g. at a fault): what it has is incomplete */
		rc = H7_ERROR_IO;
		rec->stop = RUN_STOP_ERROR;
		snprintf(rec->stop_reason, sizeof rec->stop_reason, "the connection to OpenOCD was lost during the run");
	}
	if (rc && r.s->ocd) {
		int st;
		/* a closed connection: give the process a moment to be reapable */
		if (ocd_proc_exited(r.s->ocd, rc == H7_ERROR_IO || !ocd_rpc_is_open(r.s->rpc) ? 1000 : 0, &st)) {
			/* say so: "input/output error" alone would leave the user guessing */
			if (WIFSIGNALED(st))
				snprintf(rec->stop_reason, sizeof rec->stop_reason,
					 "OpenOCD died during the run (signal %d: %s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
			else
				snprintf(rec->stop_reason, sizeof rec->stop_reason, "OpenOCD exited during the run (status %d)",
					 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			run_note(rec, "%s; its log: %s", rec->stop_reason, rec->openocd_log);
		}
	}
	restore(&r);
	sim_stats(&r);
	if (rc) {
		rec->error = rc;
		rec->verdict = RUN_VERDICT_ERROR;
	} else {
		verdict(rec);
	}
	usbw_close(r.usb);
	{
		/* keep the logs when something went wrong or when asked (-v); the report names them */
		int keep = rc != 0 || h7_log_get_level() >= H7_LOG_DEBUG;
		if (!keep)
			rec->openocd_log[0] = '\0';
		session_close(r.s, keep);
	}
done:
	rec->t_total_ms = rel_ms(&r);
	if (o->progress)
		fprintf(stderr, "\r\033[K");
	return rc;
}
