/* Run reports: text, JSON and JUnit (see report.h). */
#include "report.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "periph.h"
#include "regs.h"
#include "render.h"
#include "usb.h"

#ifndef H7_VERSION
#define H7_VERSION "0.0.0-unknown"
#endif

#define WIDTH 80
#define MAX_CHANGES_SHOWN 6

/* ---- text helpers ---- */

static const char *c_on(const struct report_opts *o, const char *code)
{
	return o && o->color ? code : "";
}

static const char *c_off(const struct report_opts *o)
{
	return o && o->color ? "\033[0m" : "";
}

/* Print text wrapped at WIDTH, every line indented by `indent`; a first line
 * may start at column `col` already. Newlines in text are kept. */
static void wrap(FILE *f, const char *text, int indent, int col)
{
	const char *p = text;

	if (col < indent) {
		fprintf(f, "%*s", indent - col, "");
		col = indent;
	}
	while (*p) {
		const char *w = p;
		size_t len;

		if (*p == '\n') {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			p++;
			continue;
		}
		while (*w == ' ')
			w++;
		len = strcspn(w, " \n");
		if (col > indent && col + 1 + (int)len > WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fwrite(w, 1, len, f);
		col += (int)len;
		p = w + len;
	}
	fputc('\n', f);
}

static void heading(FILE *f, const struct report_opts *o, const char *t)
{
	fprintf(f, "\n%s%s%s\n", c_on(o, "\033[1m"), t, c_off(o));
}

static const char *step_kind(const struct run_step *s)
{
	return s->is_setup ? "setup" : s->is_branch ? "branch" : s->id == PROBE_STEP_NONE ? "source" : "jump";
}

/* Registers whose changes are noise for a reader following the jump: the
 * scratch registers, LR/PC/SP and the flags (shown with -v). */
static int noisy_core(enum reg_id id)
{
	return id <= REG_CORE_R12 || id == REG_LR || id == REG_PC || id == REG_SP || id == REG_XPSR;
}

static void print_changes(FILE *f, const struct snapshot *before, const struct snapshot *after, int verbose)
{
	struct snap_change ch[64];
	size_t n = snapshot_diff(before, after, 0, ch, 64), shown = 0, core = 0;

	for (size_t i = 0; i < n && i < 64; i++) {
		const struct reg_def *d = &regs_catalog[ch[i].id];
		if (!verbose && noisy_core(ch[i].id)) {
			core++;
			continue;
		}
		if (!verbose && shown >= MAX_CHANGES_SHOWN)
			continue;
		if (ch[i].after_state != SNAP_OK)
			fprintf(f, "        %-16s 0x%08X -> (read failed)\n", d->name, ch[i].before);
		else if (ch[i].before_state != SNAP_OK)
			fprintf(f, "        %-16s (unread) -> 0x%08X\n", d->name, ch[i].after);
		else
			fprintf(f, "        %-16s 0x%08X -> 0x%08X\n", d->name, ch[i].before, ch[i].after);
		shown++;
	}
	if (n > shown + core)
		fprintf(f, "        (%zu more register%s changed; -v shows all)\n", n - shown - core,
			n - shown - core == 1 ? "" : "s");
	if (n == 0)
		fprintf(f, "        (no register changed)\n");
}

static const struct snapshot *prev_snapshot(const struct run_record *r, int i)
{
	for (int k = i - 1; k >= 0; k--)
		if (r->steps[k].has_after)
			return &r->steps[k].after;
	return r->has_start ? &r->start : NULL;
}

static void fault_line(FILE *f, const struct report_opts *o, const struct run_record *r, int fi)
{
	const struct run_fault *fl = &r->faults[fi];
	struct fault_report fr;
	char buf[40], line[200];
	const char *name;

	fault_decode(&fl->snap, &fr);
	name = fault_exception_name(fl->ipsr, buf, sizeof buf);
	snprintf(line, sizeof line, "FAULT %d caught here: %s%s%s%s", fi + 1, name,
		 fr.classes & FAULT_CLASS_BUSFAULT ? (fr.imprecise ? " (imprecise bus fault)" : " (precise bus fault)") : "",
		 fr.escalated ? ", escalated" : "",
		 fl->unwound ? ". Continued past it; the real chip stops here." : ". The run stops here.");
	fprintf(f, "%s", c_on(o, "\033[31m"));
	wrap(f, line, 8, 0);
	fprintf(f, "%s", c_off(o));
}

/* ---- text ---- */

void report_text(FILE *f, const struct run_record *r, const struct rules_result *res, const struct report_opts *o)
{
	struct render_opts ro;
	char line[512];

	render_opts_init(&ro, f);
	ro.color = o && o->color;

	fprintf(f, "%sh7jumpdiag %s run%s: ", c_on(o, "\033[1m"), H7_VERSION, c_off(o));
	if (r->recipe[0])
		fprintf(f, "recipe %s", r->recipe);
	else
		fprintf(f, "%s, from %s", r->elf, r->break_at);
	fprintf(f, " on board %s%s\n", r->board, r->simulated ? " (h7sim, simulated STM32H745)" : "");
	if (r->part.group) {
		fprintf(f, "Target    %s rev %s (DBGMCU_IDC 0x%08X), %u KiB flash\n", r->part.group->name,
			r->part.revision ? r->part.revision : "?", r->idcode, r->flash_kib);
		fprintf(f, "          UID %08X %08X %08X; bootloader at 0x%08X (AN2606)\n", r->uid[0], r->uid[1], r->uid[2],
			r->part_entry);
	}
	if (r->setup.with_caches || r->setup.with_cdc || r->setup.from_isr || r->cm4 == RUN_CM4_RUNNING) {
		snprintf(line, sizeof line, "Setup     %s%s%s%s", r->setup.with_caches ? "caches on; " : "",
			 r->setup.with_cdc ? "application USB CDC device connected; " : "",
			 r->setup.from_isr ? "jump from an interrupt handler; " : "",
			 r->cm4 == RUN_CM4_RUNNING ? "CM4 running" : "CM4 held");
		wrap(f, line, 10, 0);
	}
	fprintf(f, "Verdict   %s%s%s", c_on(o, r->verdict == RUN_VERDICT_DFU_ENUMERATED ? "\033[32;1m" : "\033[31;1m"),
		run_verdict_name(r->verdict), c_off(o));
	if (r->stop_reason[0])
		fprintf(f, " (%s)", r->stop_reason);
	fprintf(f, "\n");
	if (r->keep_going && r->n_faults > 1)
		wrap(f, "Note: --keep-going continued past faults to show every one of them; the real chip stops at "
			"the first.",
		     10, 0);

	if (r->n_steps > 0)
		heading(f, o, "Steps (registers that changed during each step)");
	for (int i = 0; i < r->n_steps; i++) {
		const struct run_step *s = &r->steps[i];
		const struct snapshot *b = prev_snapshot(r, i);
		const struct snapshot *a = s->has_after ? &s->after : s->fault >= 0 ? &r->faults[s->fault].snap : NULL;
		int ran = a != NULL || (i == r->branch_step && r->reached_sysmem);

		fprintf(f, "  %2d %-24s %s%s\n", i + 1, s->name, step_kind(s), ran ? "" : "  (not reached)");
		if (s->source[0]) {
			snprintf(line, sizeof line, "%s", s->source);
			wrap(f, line, 8, 0);
		}
		if (o && o->explain) {
			const struct step_info *si = recipe_step_info(s->id);
			if (si) {
				fprintf(f, "%s", c_on(o, "\033[2m"));
				wrap(f, si->explain, 8, 0);
				fprintf(f, "%s", c_off(o));
			}
		}
		if (b && a)
			print_changes(f, b, a, o && o->verbose);
		if (s->fault >= 0)
			fault_line(f, o, r, s->fault);
		if (i == r->branch_step && r->reached_sysmem) {
			snprintf(line, sizeof line, "arrived in system memory at 0x%08X (the bootloader's entry)",
				 snap_get(&r->at_sysmem, REG_PC, r->jump_target));
			wrap(f, line, 8, 0);
		}
	}

	for (int i = 0; i < r->n_faults; i++) {
		const struct run_fault *fl = &r->faults[i];
		char t[128];
		snprintf(t, sizeof t, "Fault %d: %s%s", i + 1,
			 fl->step >= 0 && fl->step < r->n_steps ? r->steps[fl->step].name : "in the bootloader",
			 fl->unwound ? " (continued past it)" : "");
		heading(f, o, t);
		render_fault_text(f, &fl->snap, &ro);
	}

	if (r->reached_sysmem || r->usb_watched) {
		heading(f, o, "Bootloader and USB");
		if (r->reached_sysmem) {
			const struct snapshot *s = &r->at_sysmem;
			fprintf(f, "  entry    PC 0x%08X, MSP 0x%08X, PRIMASK %u, IPSR %u\n", snap_get(s, REG_PC, 0),
				snap_get(s, REG_MSP, 0), snap_get(s, REG_PRIMASK, 0) & 1u, snap_get(s, REG_XPSR, 0) & 0x1FFu);
		}
		if (r->has_late)
			fprintf(f, "  later    PC 0x%08X, PRIMASK %u, IPSR %u\n", snap_get(&r->late, REG_PC, 0),
				snap_get(&r->late, REG_PRIMASK, 0) & 1u, snap_get(&r->late, REG_XPSR, 0) & 0x1FFu);
		if (r->usb_watched) {
			usbw_print_timeline(f, &r->usb);
			if (r->usb.found)
				usbw_print_device(f, &r->usb);
		}
	}

	heading(f, o, res && res->n ? "Findings" : "Findings: none");
	for (int i = 0; res && i < res->n; i++) {
		const struct finding *g = &res->f[i];
		const char *col = g->severity == RULE_ERROR ? "\033[31;1m" : g->severity == RULE_WARNING ? "\033[33m" : "";
		fprintf(f, "\n  %s[%s]%s %s\n", c_on(o, col), rules_severity_name(g->severity), c_off(o), g->id);
		wrap(f, g->title, 4, 0);
		for (int e = 0; e < g->n_evidence; e++) {
			const struct rule_evidence *ev = &g->evidence[e];
			if (ev->has_value)
				snprintf(line, sizeof line, "- %s = 0x%08X%s%s: %s", ev->what, ev->value, ev->where[0] ? ", " : "",
					 ev->where, ev->text);
			else
				snprintf(line, sizeof line, "- %s%s%s: %s", ev->what, ev->where[0] ? ", " : "", ev->where, ev->text);
			wrap(f, line, 6, 4);
		}
		wrap(f, g->explanation, 4, 0);
		fprintf(f, "    Fix:\n");
		wrap(f, g->fix, 6, 0);
		for (int k = 0; k < RULE_MAX_REFS && g->refs[k]; k++) {
			snprintf(line, sizeof line, "ref: %s", g->refs[k]);
			wrap(f, line, 6, 4);
		}
	}

	if (r->n_notes || r->openocd_log[0] || r->sim_flash_writes >= 0) {
		heading(f, o, "Notes");
		for (int i = 0; i < r->n_notes; i++) {
			snprintf(line, sizeof line, "- %s", r->notes[i]);
			wrap(f, line, 4, 2);
		}
		if (r->sim_flash_writes >= 0)
			fprintf(f, "  - simulated flash/option-byte writes attempted: %lld/%lld (never by h7jumpdiag)\n",
				r->sim_flash_writes, r->sim_optbyte_writes);
		if (r->openocd_log[0]) {
			snprintf(line, sizeof line, "- OpenOCD log: %.480s", r->openocd_log);
			wrap(f, line, 4, 2);
		}
		fprintf(f, "  - run time %.1f s\n", r->t_total_ms / 1000.0);
	}
}

/* ---- JSON ---- */

static cJSON *hex(uint32_t v)
{
	char b[12];
	snprintf(b, sizeof b, "0x%08X", v);
	return cJSON_CreateString(b);
}

#define ADD(obj, key, item)                                                                                            \
	do {                                                                                                           \
		cJSON *it_ = (item);                                                                                   \
		if (!it_ || !cJSON_AddItemToObject(obj, key, it_)) {                                                   \
			cJSON_Delete(it_);                                                                             \
			goto oom;                                                                                      \
		}                                                                                                      \
	} while (0)
#define PUSH(arr, item)                                                                                                \
	do {                                                                                                           \
		cJSON *it_ = (item);                                                                                   \
		if (!it_ || !cJSON_AddItemToArray(arr, it_)) {                                                         \
			cJSON_Delete(it_);                                                                             \
			goto oom;                                                                                      \
		}                                                                                                      \
	} while (0)

static cJSON *changes_json(const struct snapshot *b, const struct snapshot *a)
{
	struct snap_change ch[REG_COUNT];
	size_t n = snapshot_diff(b, a, 0, ch, REG_COUNT);
	cJSON *arr = cJSON_CreateArray();

	if (!arr)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		cJSON *c = cJSON_CreateObject();
		PUSH(arr, c);
		ADD(c, "register", cJSON_CreateString(regs_catalog[ch[i].id].name));
		ADD(c, "before", ch[i].before_state == SNAP_OK ? hex(ch[i].before) : cJSON_CreateNull());
		ADD(c, "after", ch[i].after_state == SNAP_OK ? hex(ch[i].after) : cJSON_CreateNull());
	}
	return arr;
oom:
	cJSON_Delete(arr);
	return NULL;
}

static cJSON *fault_json(const struct run_record *r, int i)
{
	const struct run_fault *fl = &r->faults[i];
	cJSON *o = cJSON_CreateObject();
	char buf[40];
	const char *name;

	if (!o)
		return NULL;
	name = fault_exception_name(fl->ipsr, buf, sizeof buf);
	ADD(o, "index", cJSON_CreateNumber(i + 1));
	ADD(o, "step", fl->step >= 0 ? cJSON_CreateNumber(fl->step + 1) : cJSON_CreateNull());
	ADD(o, "exception", cJSON_CreateString(name));
	ADD(o, "in_bootloader", cJSON_CreateBool(fl->in_bootloader));
	ADD(o, "continued", cJSON_CreateBool(fl->unwound));
	ADD(o, "pc", hex(fl->pc));
	ADD(o, "decoded", render_decoded_object(&fl->snap, NULL));
	ADD(o, "snapshot", render_snapshot_object(&fl->snap));
	return o;
oom:
	cJSON_Delete(o);
	return NULL;
}

static cJSON *finding_json(const struct finding *g)
{
	cJSON *o = cJSON_CreateObject(), *ev, *refs;

	if (!o)
		return NULL;
	ADD(o, "id", cJSON_CreateString(g->id));
	ADD(o, "severity", cJSON_CreateString(rules_severity_name(g->severity)));
	ADD(o, "title", cJSON_CreateString(g->title));
	ADD(o, "step", g->step >= 0 ? cJSON_CreateNumber(g->step + 1) : cJSON_CreateNull());
	ev = cJSON_CreateArray();
	ADD(o, "evidence", ev);
	for (int i = 0; i < g->n_evidence; i++) {
		const struct rule_evidence *e = &g->evidence[i];
		cJSON *x = cJSON_CreateObject();
		PUSH(ev, x);
		ADD(x, "what", cJSON_CreateString(e->what));
		ADD(x, "value", e->has_value ? hex(e->value) : cJSON_CreateNull());
		ADD(x, "where", cJSON_CreateString(e->where));
		ADD(x, "text", cJSON_CreateString(e->text));
	}
	ADD(o, "explanation", cJSON_CreateString(g->explanation));
	ADD(o, "fix", cJSON_CreateString(g->fix));
	refs = cJSON_CreateArray();
	ADD(o, "refs", refs);
	for (int k = 0; k < RULE_MAX_REFS && g->refs[k]; k++)
		PUSH(refs, cJSON_CreateString(g->refs[k]));
	return o;
oom:
	cJSON_Delete(o);
	return NULL;
}

cJSON *report_json(const struct run_record *r, const struct rules_result *res)
{
	cJSON *root = cJSON_CreateObject(), *o, *arr;
	char uid[40];

	if (!root)
		return NULL;
	ADD(root, "schema", cJSON_CreateString("h7jumpdiag/1"));
	ADD(root, "report", cJSON_CreateString("run"));
	o = cJSON_CreateObject();
	ADD(root, "tool", o);
	ADD(o, "name", cJSON_CreateString("h7jumpdiag"));
	ADD(o, "version", cJSON_CreateString(H7_VERSION));

	o = cJSON_CreateObject();
	ADD(root, "target", o);
	ADD(o, "board", cJSON_CreateString(r->board));
	ADD(o, "simulated", cJSON_CreateBool(r->simulated));
	ADD(o, "part", r->part.group ? cJSON_CreateString(r->part.group->name) : cJSON_CreateNull());
	ADD(o, "dev_id", hex(r->idcode & 0xFFFu));
	ADD(o, "revision", r->part.revision ? cJSON_CreateString(r->part.revision) : cJSON_CreateNull());
	ADD(o, "idcode", hex(r->idcode));
	ADD(o, "flash_kib", cJSON_CreateNumber(r->flash_kib));
	snprintf(uid, sizeof uid, "%08X%08X%08X", r->uid[2], r->uid[1], r->uid[0]);
	ADD(o, "uid", cJSON_CreateString(uid));
	ADD(o, "bootloader", r->part_entry ? hex(r->part_entry) : cJSON_CreateNull());

	if (r->recipe[0]) {
		ADD(root, "recipe", cJSON_CreateString(r->recipe));
	} else {
		o = cJSON_CreateObject();
		ADD(root, "elf", o);
		ADD(o, "path", cJSON_CreateString(r->elf));
		ADD(o, "break_at", cJSON_CreateString(r->break_at));
	}
	o = cJSON_CreateObject();
	ADD(root, "setup", o);
	ADD(o, "with_caches", cJSON_CreateBool(r->setup.with_caches));
	ADD(o, "with_cdc", cJSON_CreateBool(r->setup.with_cdc));
	ADD(o, "from_isr", cJSON_CreateBool(r->setup.from_isr));
	ADD(o, "cm4", cJSON_CreateString(r->cm4 == RUN_CM4_RUNNING ? "running" : r->cm4 == RUN_CM4_HALTED ? "halted" : "absent"));
	ADD(o, "keep_going", cJSON_CreateBool(r->keep_going));
	ADD(root, "jump_addr", r->jump_addr ? hex(r->jump_addr) : cJSON_CreateNull());

	arr = cJSON_CreateArray();
	ADD(root, "steps", arr);
	for (int i = 0; i < r->n_steps; i++) {
		const struct run_step *s = &r->steps[i];
		const struct snapshot *b = prev_snapshot(r, i);
		cJSON *st = cJSON_CreateObject();
		PUSH(arr, st);
		ADD(st, "index", cJSON_CreateNumber(i + 1));
		ADD(st, "name", cJSON_CreateString(s->name));
		ADD(st, "kind", cJSON_CreateString(step_kind(s)));
		ADD(st, "source", cJSON_CreateString(s->source));
		ADD(st, "pc", s->pc ? hex(s->pc) : cJSON_CreateNull());
		ADD(st, "t_ms", cJSON_CreateNumber(s->t_start_ms));
		ADD(st, "snapshot", s->has_after ? render_snapshot_object(&s->after) : cJSON_CreateNull());
		ADD(st, "changes", s->has_after && b ? changes_json(b, &s->after) : cJSON_CreateArray());
		ADD(st, "fault", s->fault >= 0 ? cJSON_CreateNumber(s->fault + 1) : cJSON_CreateNull());
	}
	arr = cJSON_CreateArray();
	ADD(root, "faults", arr);
	for (int i = 0; i < r->n_faults; i++)
		PUSH(arr, fault_json(r, i));
	ADD(root, "fault", r->n_faults ? fault_json(r, 0) : cJSON_CreateNull());

	o = cJSON_CreateObject();
	ADD(root, "bootloader", o);
	ADD(o, "reached", cJSON_CreateBool(r->reached_sysmem));
	ADD(o, "entry", r->jump_target ? hex(r->jump_target) : cJSON_CreateNull());
	ADD(o, "snapshot", r->reached_sysmem ? render_snapshot_object(&r->at_sysmem) : cJSON_CreateNull());
	ADD(o, "later", r->has_late ? render_snapshot_object(&r->late) : cJSON_CreateNull());
	ADD(root, "cm4", r->has_cm4 ? render_snapshot_object(&r->cm4_snap) : cJSON_CreateNull());
	ADD(root, "usb", r->usb_watched ? usbw_watch_json(&r->usb) : cJSON_CreateNull());

	arr = cJSON_CreateArray();
	ADD(root, "findings", arr);
	for (int i = 0; res && i < res->n; i++)
		PUSH(arr, finding_json(&res->f[i]));
	ADD(root, "verdict", cJSON_CreateString(run_verdict_name(r->verdict)));
	o = cJSON_CreateObject();
	ADD(root, "stop", o);
	ADD(o, "kind", cJSON_CreateString(run_stop_name(r->stop)));
	ADD(o, "reason", cJSON_CreateString(r->stop_reason));
	arr = cJSON_CreateArray();
	ADD(root, "notes", arr);
	for (int i = 0; i < r->n_notes; i++)
		PUSH(arr, cJSON_CreateString(r->notes[i]));
	ADD(root, "openocd_log", r->openocd_log[0] ? cJSON_CreateString(r->openocd_log) : cJSON_CreateNull());
	o = cJSON_CreateObject();
	ADD(root, "sim", o);
	ADD(o, "flash_write_attempts", r->sim_flash_writes >= 0 ? cJSON_CreateNumber((double)r->sim_flash_writes)
								: cJSON_CreateNull());
	ADD(o, "optbyte_write_attempts", r->sim_optbyte_writes >= 0 ? cJSON_CreateNumber((double)r->sim_optbyte_writes)
								    : cJSON_CreateNull());
	ADD(root, "t_total_ms", cJSON_CreateNumber(r->t_total_ms));
	return root;
oom:
	cJSON_Delete(root);
	return NULL;
}

/* ---- JUnit ---- */

void report_xml_escape(const char *in, char *out, size_t outsz)
{
	size_t n = 0;

	if (!outsz)
		return;
	for (; in && *in; in++) {
		const char *rep = NULL;
		char tmp[8];
		unsigned char c = (unsigned char)*in;
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t') {
				snprintf(tmp, sizeof tmp, "?"); /* not representable in XML 1.0 */
				rep = tmp;
			}
		}
		if (rep) {
			size_t l = strlen(rep);
			if (n + l >= outsz)
				break;
			memcpy(out + n, rep, l);
			n += l;
		} else {
			if (n + 1 >= outsz)
				break;
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
}

struct sbuf {
	char *p;
	size_t n, cap;
	int oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (b->oom)
		return;
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0) {
		b->oom = 1;
		return;
	}
	if (b->n + (size_t)len + 1 > b->cap) {
		size_t cap = (b->n + (size_t)len + 1) * 2;
		char *np = realloc(b->p, cap);
		if (!np) {
			b->oom = 1; /* b->p stays valid; the caller frees it */
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)len;
}

char *report_junit(const struct run_record *r, const struct rules_result *res)
{
	struct sbuf b = { 0 };
	char e1[256], e2[1024];
	int failures = 0, tests = r->n_steps + 1;

	for (int i = 0; i < r->n_steps; i++)
		failures += r->steps[i].fault >= 0;
	failures += r->verdict != RUN_VERDICT_DFU_ENUMERATED;
	report_xml_escape(r->recipe[0] ? r->recipe : r->elf, e1, sizeof e1);
	sb_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sb_printf(&b, "<testsuites>\n<testsuite name=\"h7jumpdiag run %s\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n", e1,
		  tests, failures, r->t_total_ms / 1000.0);
	for (int i = 0; i < r->n_steps; i++) {
		const struct run_step *s = &r->steps[i];
		report_xml_escape(s->name, e1, sizeof e1);
		sb_printf(&b, "  <testcase classname=\"h7jumpdiag.steps\" name=\"%02d %s\" time=\"%.3f\">", i + 1, e1,
			  s->t_end_ms > s->t_start_ms ? (s->t_end_ms - s->t_start_ms) / 1000.0 : 0.0);
		if (s->fault >= 0) {
			const struct run_fault *fl = &r->faults[s->fault];
			char buf[40];
			report_xml_escape(fault_exception_name(fl->ipsr, buf, sizeof buf), e1, sizeof e1);
			sb_printf(&b, "<failure message=\"%s in step %d%s\" type=\"fault\"/>", e1, i + 1,
				  fl->unwound ? " (continued past it)" : "");
		} else if (!s->has_after && !(i == r->branch_step && r->reached_sysmem)) {
			sb_printf(&b, "<skipped message=\"not reached\"/>");
		}
		sb_printf(&b, "</testcase>\n");
	}
	sb_printf(&b, "  <testcase classname=\"h7jumpdiag.usb\" name=\"dfu-enumeration\">");
	if (r->verdict != RUN_VERDICT_DFU_ENUMERATED) {
		e2[0] = '\0';
		for (int i = 0; res && i < res->n; i++) {
			size_t l = strlen(e2);
			snprintf(e2 + l, sizeof e2 - l, "%s%s", l ? ", " : "", res->f[i].id);
		}
		report_xml_escape(e2, e1, sizeof e1);
		sb_printf(&b, "<failure message=\"verdict %s\" type=\"%s\">findings: %s</failure>",
			  run_verdict_name(r->verdict), run_verdict_name(r->verdict), e1);
	}
	sb_printf(&b, "</testcase>\n</testsuite>\n</testsuites>\n");
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
