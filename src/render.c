/* Text and JSON rendering of snapshots and decodes; the JSON report reader
 * (see render.h). */
#include "render.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault.h"
#include "h7jumpdiag/error.h"
#include "log.h"
#include "periph.h"
#include "svd.h"

#ifndef H7_VERSION
#define H7_VERSION "0.0.0-unknown"
#endif

#define WIDTH 80 /* text reports fit 80 columns */

/* ---- options and colour ------------------------------------------------ */

int render_use_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	if (nc && *nc) /* https://no-color.org: set and not empty */
		return 0;
	return f && isatty(fileno(f));
}

void render_opts_init(struct render_opts *o, FILE *f)
{
	memset(o, 0, sizeof *o);
	o->color = render_use_color(f);
	o->explain = 1;
}

static const struct render_opts default_opts = { 0, 1, 0, NULL, NULL, 0, NULL };

enum style { ST_HEAD, ST_BAD, ST_WARN, ST_DIM };

static const char *on(const struct render_opts *o, enum style st)
{
	static const char *const codes[] = { "\033[1m", "\033[1;31m", "\033[33m", "\033[2m" };
	return o->color ? codes[st] : "";
}

static const char *off(const struct render_opts *o)
{
	return o->color ? "\033[0m" : "";
}

/* ---- text helpers ------------------------------------------------------ */

/* Print words wrapped at WIDTH, the first line after `col` columns already
 * used, continuation lines indented by `indent`. */
static void wrap(FILE *f, const char *text, int col, int indent)
{
	const char *p = text;
	int first = 1;

	while (*p) {
		int len;
		while (*p == ' ')
			p++;
		len = (int)strcspn(p, " ");
		if (!len)
			break;
		if (!first) {
			if (col + 1 + len > WIDTH) {
				fprintf(f, "\n%*s", indent, "");
				col = indent;
			} else {
				fputc(' ', f);
				col++;
			}
		}
		fprintf(f, "%.*s", len, p);
		col += len;
		p += len;
		first = 0;
	}
	fputc('\n', f);
}

static void heading(FILE *f, const struct render_opts *o, const char *title)
{
	fprintf(f, "\n%s%s%s\n", on(o, ST_HEAD), title, off(o));
}

/* A line of prose at indent 2, wrapped at WIDTH (continuations at 4). */
static void para(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void para(FILE *f, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fputs("  ", f);
	wrap(f, buf, 2, 4);
}

static const char *tri(int8_t v, const char *yes, const char *no)
{
	return v == PERIPH_YES ? yes : v == PERIPH_NO ? no : "?";
}

/* "NAME  0x%08X  SET BITS ..." for a register with a field table. */
static void reg_line(FILE *f, const struct render_opts *o, const struct snapshot *s, enum reg_id id,
		     const struct bits_reg *t, int bad_bits)
{
	char buf[1024];
	size_t n = 0;

	if (s->state[id] == SNAP_ERROR || s->state[id] == SNAP_ABSENT) {
		fprintf(f, "  %-16s %s\n", regs_catalog[id].name,
			s->state[id] == SNAP_ERROR ? "(read failed)" : "(not on this core)");
		return;
	}
	if (!snap_ok(s, id))
		return;
	buf[0] = '\0';
	for (size_t i = 0; t && i < t->n_fields; i++) {
		const struct bits_field *b = &t->fields[i];
		uint32_t v = bits_get(b, s->val[id]);
		const char *vn;
		if (!v && !b->values)
			continue;
		if (bits_is_flag(b))
			n += (size_t)snprintf(buf + n, n < sizeof buf ? sizeof buf - n : 0, "%s%s", n ? " " : "",
					      b->name);
		else if ((vn = bits_value_name(b, s->val[id])) != NULL)
			n += (size_t)snprintf(buf + n, n < sizeof buf ? sizeof buf - n : 0, "%s%s=%s", n ? " " : "",
					      b->name, vn);
		else
			n += (size_t)snprintf(buf + n, n < sizeof buf ? sizeof buf - n : 0, "%s%s=0x%X",
					      n ? " " : "", b->name, (unsigned)v);
	}
	fprintf(f, "  %-16s 0x%08X", regs_catalog[id].name, s->val[id]);
	if (*buf) {
		fprintf(f, "  %s", bad_bits ? on(o, ST_BAD) : "");
		/* colour codes are not counted: they take no columns */
		wrap(f, buf, 31, 31);
		if (bad_bits && o->color)
			fprintf(f, "%s", off(o));
	} else {
		fputc('\n', f);
	}
	if (o->explain && bad_bits && t) {
		for (size_t i = 0; i < t->n_fields; i++) {
			const struct bits_field *b = &t->fields[i];
			if (!bits_is_flag(b) || !(s->val[id] & b->mask))
				continue;
			fprintf(f, "    %-14s ", b->name);
			wrap(f, b->meaning, 19, 19);
		}
	}
}

static const struct bits_reg *table_for(enum reg_id id)
{
	const struct bits_reg *t = fault_table(id);
	return t ? t : periph_table(id);
}

static void reg_lines(FILE *f, const struct render_opts *o, const struct snapshot *s, const enum reg_id *ids,
		      size_t n, int bad_bits)
{
	for (size_t i = 0; i < n; i++)
		reg_line(f, o, s, ids[i], table_for(ids[i]), bad_bits);
}

static int any_state(const struct snapshot *s, const enum reg_id *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s->state[ids[i]] != SNAP_UNREAD)
			return 1;
	return 0;
}

static int block_captured(const struct snapshot *s, enum regs_block b)
{
	for (int i = 0; i < REG_COUNT; i++)
		if (regs_catalog[i].block == b && s->state[i] != SNAP_UNREAD)
			return 1;
	return 0;
}

static void note_lines(FILE *f, const struct render_opts *o, const struct fault_note *notes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "  %s*%s ", on(o, ST_WARN), off(o));
		wrap(f, notes[i].text, 4, 4);
	}
}

/* ---- text sections ------------------------------------------------------ */

static const char *core_name(const struct snapshot *s)
{
	return s->core == SNAP_CORE_CM4 ? "CM4" : "CM7";
}

static void text_fault(FILE *f, const struct render_opts *o, const struct snapshot *s, const struct fault_report *r)
{
	static const enum reg_id ids[] = { REG_CFSR, REG_HFSR, REG_DFSR, REG_ABFSR, REG_SHCSR };
	char line[256];
	size_t n = 0;

	if (!any_state(s, ids, BITS_N(ids)) && !r->have_exc_return)
		return;
	heading(f, o, "Fault");
	if (r->faulted) {
		const char *what = r->have_ipsr && r->ipsr ? r->exception
				   : r->hfsr & (FAULT_HFSR_FORCED | FAULT_HFSR_VECTTBL | FAULT_HFSR_DEBUGEVT) ? "HardFault"
				   : r->classes & FAULT_CLASS_BUSFAULT ? "BusFault"
				   : r->classes & FAULT_CLASS_MEMMANAGE ? "MemManage" : "UsageFault";
		n += (size_t)snprintf(line + n, sizeof line - n, "%s", what);
		if (r->escalated && r->classes)
			n += (size_t)snprintf(line + n, sizeof line - n, ": escalated %s%s%s",
					      r->classes & FAULT_CLASS_BUSFAULT ? "BusFault" : "",
					      r->classes & FAULT_CLASS_MEMMANAGE ? " MemManage" : "",
					      r->classes & FAULT_CLASS_USAGEFAULT ? " UsageFault" : "");
		if (r->imprecise)
			n += (size_t)snprintf(line + n, n < sizeof line ? sizeof line - n : 0, " (imprecise)");
		else if (r->cfsr & FAULT_CFSR_PRECISERR)
			snprintf(line + n, n < sizeof line ? sizeof line - n : 0, " (precise%s)",
				 r->bfar_valid ? ", address known" : "");
		fprintf(f, "  %s%s%s\n", on(o, ST_BAD), line, off(o));
	} else if (r->have_cfsr || r->have_hfsr) {
		fprintf(f, "  no fault recorded (CFSR and HFSR clear)\n");
	}
	reg_lines(f, o, s, ids, 3, 1);
	if (r->mmfar_valid)
		fprintf(f, "  %-16s 0x%08X  fault address; region: %s\n", "MMFAR", r->mmfar,
			periph_region_name(r->mmfar));
	if (r->bfar_valid)
		fprintf(f, "  %-16s 0x%08X  fault address; region: %s\n", "BFAR", r->bfar,
			periph_region_name(r->bfar));
	reg_lines(f, o, s, ids + 3, 1, 1);
	reg_lines(f, o, s, ids + 4, 1, 0);
	if (snap_ok(s, REG_AFSR) && s->val[REG_AFSR])
		fprintf(f, "  %-16s 0x%08X  (implementation defined)\n", "AFSR", s->val[REG_AFSR]);
	if (r->have_exc_return) {
		const struct fault_exc_return *e = &r->exc_return;
		fprintf(f, "  %-16s 0x%08X  ", "EXC_RETURN", e->value);
		if (e->valid)
			fprintf(f, "return to %s mode, %s, %s frame\n", e->to_thread ? "Thread" : "Handler",
				e->use_psp ? "PSP" : "MSP", e->basic_frame ? "basic" : "FP-extended");
		else
			fprintf(f, "not a valid EXC_RETURN\n");
	}
	if (r->have_layout) {
		const struct fault_frame_layout *l = &r->layout;
		para(f, "frame at %s 0x%08X, 0x%02X bytes%s; SP before the exception 0x%08X",
			l->on_psp ? "PSP" : "MSP", l->frame, l->size, l->pad ? " + 4 alignment" : "", l->sp_before);
		for (unsigned i = 0; i < r->n_stacked; i += 4) {
			fputs("  ", f);
			for (unsigned k = i; k < i + 4 && k < r->n_stacked; k++)
				fprintf(f, "%s%-5s 0x%08X", k > i ? "  " : "  ", fault_stacked_names[k], r->stacked[k]);
			fputc('\n', f);
		}
		if (r->n_stacked == 0)
			fprintf(f, "    (stack memory at the frame was not captured)\n");
	}
	if (r->n_notes)
		note_lines(f, o, r->notes, r->n_notes);
}

static void text_core(FILE *f, const struct render_opts *o, const struct snapshot *s, const struct fault_report *r)
{
	static const enum reg_id gp[] = { REG_CORE_R0, REG_CORE_R1, REG_CORE_R2, REG_CORE_R3, REG_CORE_R4, REG_CORE_R5, REG_CORE_R6, REG_CORE_R7,
					  REG_CORE_R8, REG_CORE_R9, REG_CORE_R10, REG_CORE_R11, REG_CORE_R12, REG_SP, REG_LR, REG_PC,
					  REG_MSP, REG_PSP };
	static const enum reg_id sp[] = { REG_XPSR, REG_PRIMASK, REG_FAULTMASK, REG_BASEPRI, REG_CONTROL };
	int col = 0;

	if (!any_state(s, gp, BITS_N(gp)) && !any_state(s, sp, BITS_N(sp)))
		return;
	heading(f, o, "Core registers");
	for (size_t i = 0; i < BITS_N(gp); i++) {
		if (!snap_ok(s, gp[i]))
			continue;
		fprintf(f, "%s%-4s 0x%08X", col ? "  " : "  ", regs_catalog[gp[i]].name, s->val[gp[i]]);
		if (++col == 4) {
			fputc('\n', f);
			col = 0;
		}
	}
	if (col)
		fputc('\n', f);
	reg_lines(f, o, s, sp, BITS_N(sp), 0);
	if (r->have_ipsr)
		fprintf(f, "  %-16s %s\n", "mode", r->ipsr ? r->exception : "Thread");
}

static void text_scb(FILE *f, const struct render_opts *o, const struct snapshot *s, const struct periph_report *p)
{
	static const enum reg_id ids[] = { REG_CPUID, REG_ICSR, REG_AIRCR, REG_SCR, REG_CCR, REG_SHPR1,
					   REG_SHPR2, REG_SHPR3, REG_CPACR, REG_FPCCR, REG_FPCAR, REG_CACR,
					   REG_DHCSR, REG_DEMCR };
	if (!any_state(s, ids, BITS_N(ids)) && !p->have_vtor)
		return;
	heading(f, o, "System control");
	if (p->have_vtor)
		fprintf(f, "  %-16s 0x%08X  vector table in %s\n", "VTOR", p->vtor, p->vtor_region);
	reg_lines(f, o, s, ids, BITS_N(ids), 0);
	if (p->dcache_on != PERIPH_UNKNOWN)
		fprintf(f, "  caches: D-cache %s, I-cache %s\n", tri(p->dcache_on, "on", "off"),
			tri(p->icache_on, "on", "off"));
}

static void irq_list(FILE *f, const char *what, const struct periph_irq *l, size_t n)
{
	char buf[64 * 150 / 4], item[64];
	size_t k = 0;

	fprintf(f, "  %-9s ", what);
	if (!n) {
		fputs("none\n", f);
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (l[i].prio_known)
			snprintf(item, sizeof item, "%u:%s(0x%02X)", l[i].irq, fault_irq_name(l[i].irq), l[i].priority);
		else
			snprintf(item, sizeof item, "%u:%s", l[i].irq, fault_irq_name(l[i].irq));
		k += (size_t)snprintf(buf + k, k < sizeof buf ? sizeof buf - k : 0, "%s%s", i ? " " : "", item);
	}
	wrap(f, buf, 12, 12);
}

static void text_nvic(FILE *f, const struct render_opts *o, const struct periph_report *p)
{
	const struct periph_nvic *n = &p->nvic;

	if (!n->have_iser && !n->have_ispr && !n->have_iabr)
		return;
	heading(f, o, "NVIC (IRQ:name(priority))");
	if (n->have_iser)
		irq_list(f, "enabled", n->enabled, n->n_enabled);
	if (n->have_ispr)
		irq_list(f, "pending", n->pending, n->n_pending);
	if (n->have_iabr)
		irq_list(f, "active", n->active, n->n_active);
}

static void text_systick(FILE *f, const struct render_opts *o, const struct periph_report *p)
{
	const struct periph_systick *t = &p->systick;

	if (!t->have_csr)
		return;
	heading(f, o, "SysTick");
	para(f, "%s, interrupt %s, clock %s, reload 0x%06X, current 0x%06X%s",
		tri(t->running, "running", "stopped"), tri(t->tickint, "enabled", "disabled"),
		tri(t->core_clock, "core", "external"), (unsigned)t->reload, (unsigned)t->current,
		t->pending == PERIPH_YES ? ", exception PENDING (ICSR.PENDSTSET)" : "");
}

static void size_text(uint64_t size, char *buf, size_t len)
{
	if (size >= (1ull << 30) && !(size % (1ull << 30)))
		snprintf(buf, len, "%lluG", (unsigned long long)(size >> 30));
	else if (size >= (1u << 20) && !(size % (1u << 20)))
		snprintf(buf, len, "%lluM", (unsigned long long)(size >> 20));
	else if (size >= 1024 && !(size % 1024))
		snprintf(buf, len, "%lluK", (unsigned long long)(size >> 10));
	else
		snprintf(buf, len, "%llu", (unsigned long long)size);
}

static void text_mpu(FILE *f, const struct render_opts *o, const struct periph_report *p)
{
	const struct periph_mpu *m = &p->mpu;

	if (!m->have_ctrl)
		return;
	heading(f, o, "MPU");
	fprintf(f, "  %s%s%s\n", m->enabled == PERIPH_YES ? "enabled" : "disabled",
		m->privdefena == PERIPH_YES ? ", default map for privileged code" : "",
		m->hfnmiena == PERIPH_YES ? ", also in HardFault/NMI" : "");
	for (unsigned i = 0; i < m->n_regions; i++) {
		const struct periph_mpu_region *r = &m->region[i];
		char sz[24];
		if (!r->captured || (!r->enabled && !o->all))
			continue;
		size_text(r->size, sz, sizeof sz);
		char srd[16] = "";
		if (r->srd)
			snprintf(srd, sizeof srd, ", SRD 0x%02X", r->srd);
		para(f, "#%-2u %s 0x%08X %5s %s%s, %s%s", r->index, r->enabled ? "on " : "off", r->base, sz,
		     r->access, r->xn ? ", XN" : "", r->attrs, srd);
	}
}

static void text_rcc(FILE *f, const struct render_opts *o, const struct snapshot *s, const struct periph_report *p)
{
	static const enum reg_id ids[] = { REG_RCC_CR, REG_RCC_CFGR, REG_RCC_PLLCKSELR, REG_RCC_AHB1RSTR,
					   REG_RCC_AHB1ENR, REG_RCC_C1_AHB1ENR, REG_RCC_GCR, REG_RCC_RSR,
					   REG_RCC_C1_RSR };
	const struct periph_rcc *r = &p->rcc;

	if (!block_captured(s, REGS_BLK_RCC))
		return;
	heading(f, o, "Clocks and resets (RCC)");
	if (r->have_cr || r->have_cfgr) {
		char buf[256];
		size_t n = r->sysclk ? (size_t)snprintf(buf, sizeof buf, "system clock %s;", r->sysclk)
				    : (size_t)snprintf(buf, sizeof buf, "clocks:");
		for (int i = 0; i < PERIPH_N_OSC && r->have_cr && n < sizeof buf; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, " %s %s%s", r->osc[i].name,
					      r->osc[i].on == PERIPH_YES ? "on" : "off",
					      r->osc[i].on == PERIPH_YES && r->osc[i].ready != PERIPH_YES ? " (not ready)"
													   : "");
		para(f, "%s", buf);
	}
	if (r->have_cr)
		fprintf(f, "  domain clocks: D1 %s, D2 %s\n", tri(r->d1ckrdy, "ready", "NOT ready"),
			tri(r->d2ckrdy, "ready", "NOT ready"));
	if (r->have_rsr)
		fprintf(f, "  reset cause: %s\n", r->reset_cause ? r->reset_cause : "no flag set");
	reg_lines(f, o, s, ids, BITS_N(ids), 0);
	if (o->all) {
		static const enum reg_id more[] = { REG_RCC_D1CFGR, REG_RCC_D2CFGR, REG_RCC_D3CFGR, REG_RCC_PLLCFGR,
						    REG_RCC_PLL1DIVR, REG_RCC_CIER, REG_RCC_CIFR, REG_RCC_APB4ENR };
		reg_lines(f, o, s, more, BITS_N(more), 0);
	}
}

static void text_pwr(FILE *f, const struct render_opts *o, const struct snapshot *s, const struct periph_report *p)
{
	static const enum reg_id ids[] = { REG_PWR_CR1, REG_PWR_CSR1, REG_PWR_CR3, REG_PWR_D3CR };
	const struct periph_pwr *w = &p->pwr;

	if (!any_state(s, ids, BITS_N(ids)))
		return;
	heading(f, o, "Power (PWR)");
	if (w->have_cr3)
		fprintf(f, "  supply: %s\n", w->supply);
	if (w->have_csr1)
		fprintf(f, "  voltage levels %s (ACTVOSRDY), VOS %u\n", tri(w->actvosrdy, "ready", "NOT ready"),
			w->actvos);
	reg_lines(f, o, s, ids, BITS_N(ids), 0);
}

static void text_usb(FILE *f, const struct render_opts *o, const struct snapshot *s, const struct periph_report *p)
{
	if (!p->otg_fs.captured && !p->otg_hs.captured)
		return;
	heading(f, o, "USB OTG");
	for (int k = 0; k < 2; k++) {
		const struct periph_otg *g = k ? &p->otg_hs : &p->otg_fs;
		enum regs_block b = k ? REGS_BLK_OTG_HS : REGS_BLK_OTG_FS;
		if (!g->captured)
			continue;
		fprintf(f, "  %s%s:%s ", on(o, ST_HEAD), g->name, off(o));
		wrap(f, g->summary, 10, 4);
		for (int i = 0; i < REG_COUNT; i++)
			if (regs_catalog[i].block == b) {
				const enum reg_id id = (enum reg_id)i;
				if (!o->all && snap_ok(s, id) && s->val[id] == 0)
					continue;
				reg_lines(f, o, s, &id, 1, 0);
			}
	}
}

static void text_flash(FILE *f, const struct render_opts *o, const struct snapshot *s, const struct periph_report *p)
{
	static const enum reg_id ids[] = { REG_FLASH_ACR, REG_FLASH_OPTSR_CUR, REG_FLASH_BOOT7_CUR,
					   REG_FLASH_BOOT4_CUR, REG_SYSCFG_UR0, REG_SYSCFG_UR1, REG_SYSCFG_UR2,
					   REG_SYSCFG_UR3 };
	const struct periph_flash *fl = &p->flash;

	if (!any_state(s, ids, BITS_N(ids)))
		return;
	heading(f, o, "Boot and protection (FLASH, SYSCFG)");
	if (fl->have_boot7)
		para(f, "CM7 boot address: BOOT0=0 -> 0x%08X (%s), BOOT0=1 -> 0x%08X (%s)", fl->boot7_add0,
			periph_region_name(fl->boot7_add0), fl->boot7_add1, periph_region_name(fl->boot7_add1));
	if (fl->have_boot4)
		para(f, "CM4 boot address: BOOT0=0 -> 0x%08X (%s), BOOT0=1 -> 0x%08X (%s)", fl->boot4_add0,
			periph_region_name(fl->boot4_add0), fl->boot4_add1, periph_region_name(fl->boot4_add1));
	if (fl->rdp_level >= 0)
		para(f, "readout protection: level %d (RDP 0x%02X)%s", fl->rdp_level, fl->rdp_byte,
			fl->rdp_level == 2 ? ": debug and the system bootloader are disabled" : "");
	if (fl->bcm_source)
		fprintf(f, "  boot at reset: CM7 %s, CM4 %s (%s)\n", tri(fl->bcm7, "yes", "no"),
			tri(fl->bcm4, "yes", "no"), fl->bcm_source);
	reg_lines(f, o, s, ids, BITS_N(ids), 0);
}

static void text_part(FILE *f, const struct render_opts *o, const struct periph_report *p)
{
	const struct periph_dbgmcu *d = &p->dbgmcu;

	if (!d->have_idc && !d->have_flash_size)
		return;
	heading(f, o, "Part");
	if (d->have_idc)
		fprintf(f, "  %s, revision %s (DEV_ID 0x%03X, REV_ID 0x%04X)\n", d->part ? d->part : "unknown part",
			d->revision ? d->revision : "unknown", d->dev_id, d->rev_id);
	if (d->have_flash_size)
		fprintf(f, "  flash size %u KiB\n", d->flash_kib);
}

static void text_svd_reg(FILE *f, const struct render_opts *o, const struct svd_peripheral *p,
			 const struct svd_register *r, uint32_t v)
{
	fprintf(f, "  %s%s.%s%s 0x%08X  (0x%08X)\n", on(o, ST_HEAD), p->name, r->name, off(o), v, p->base + r->offset);
	for (size_t i = 0; i < r->n_fields; i++) {
		const struct svd_field *fd = &r->fields[i];
		uint32_t fv = svd_field_value(fd, v);
		const struct svd_enum *e = svd_field_enum(fd, fv);
		char bits[16], val[24];
		if (fd->width == 1)
			snprintf(bits, sizeof bits, "[%u]", fd->lsb);
		else
			snprintf(bits, sizeof bits, "[%u:%u]", fd->lsb + fd->width - 1, fd->lsb);
		snprintf(val, sizeof val, fd->width <= 3 ? "%u" : "0x%X", (unsigned)fv);
		char desc[SVD_MAX_DESC + SVD_MAX_NAME + 4];
		snprintf(desc, sizeof desc, "%s%s%s", e ? e->name : "", e ? ": " : "",
			 fd->description ? fd->description : "");
		int col = fprintf(f, "    %-14s %-7s %-8s", fd->name, bits, val);
		if (*desc) {
			fputc(' ', f);
			wrap(f, desc, col + 1, 36);
		} else {
			fputc('\n', f);
		}
	}
}

static void text_svd(FILE *f, const struct render_opts *o, const struct snapshot *s)
{
	int any = 0;

	if (!o->svd)
		return;
	for (int i = 0; i < REG_COUNT; i++) {
		const struct svd_peripheral *p;
		const struct svd_register *r;
		if (!snap_ok(s, (enum reg_id)i) || regs_catalog[i].kind < REGS_KIND_MEM32 ||
		    regs_catalog[i].kind > REGS_KIND_MEM16 || regs_catalog[i].block < REGS_BLK_DBGMCU)
			continue;
		r = svd_find_address(o->svd, regs_catalog[i].addr, &p);
		if (!r)
			continue;
		if (!any++)
			heading(f, o, "Peripheral registers (SVD)");
		text_svd_reg(f, o, p, r, s->val[i]);
	}
	for (size_t i = 0; i < o->n_svd_values; i++) {
		const struct svd_peripheral *p;
		const struct svd_register *r =
			svd_find_register(o->svd, o->svd_values[i].periph, o->svd_values[i].reg, &p);
		if (!r)
			continue;
		if (!any++)
			heading(f, o, "Peripheral registers (SVD)");
		text_svd_reg(f, o, p, r, o->svd_values[i].value);
	}
}

static void text_raw(FILE *f, const struct render_opts *o, const struct snapshot *s, const struct fault_report *r)
{
	heading(f, o, "All captured registers");
	for (int i = 0; i < REG_COUNT; i++) {
		if (s->state[i] == SNAP_UNREAD)
			continue;
		if ((i == REG_MMFAR && !r->mmfar_valid) || (i == REG_BFAR && !r->bfar_valid))
			continue; /* not a fault address unless its VALID bit says so */
		if (s->state[i] == SNAP_OK)
			fprintf(f, "  %-16s 0x%08X  %s\n", regs_catalog[i].name, s->val[i], regs_catalog[i].ref);
		else
			fprintf(f, "  %-16s %s\n", regs_catalog[i].name,
				s->state[i] == SNAP_ERROR ? "(read failed)" : "(not on this core)");
	}
}

void render_fault_text(FILE *f, const struct snapshot *s, const struct render_opts *o)
{
	struct fault_report *fr = malloc(sizeof *fr);

	if (!o)
		o = &default_opts;
	if (!fr) {
		fprintf(f, "h7jumpdiag: out of memory\n");
		return;
	}
	fault_decode(s, fr);
	text_fault(f, o, s, fr);
	free(fr);
}

void render_snapshot_text(FILE *f, const struct snapshot *s, const struct render_opts *o)
{
	struct fault_report *fr = malloc(sizeof *fr);
	struct periph_report *pr = malloc(sizeof *pr);

	if (!o)
		o = &default_opts;
	if (!fr || !pr) {
		free(fr);
		free(pr);
		fprintf(f, "h7jumpdiag: out of memory\n");
		return;
	}
	fault_decode(s, fr);
	periph_decode(s, pr);
	if (o->title) {
		fprintf(f, "%s%s%s\n", on(o, ST_HEAD), o->title, off(o));
	} else {
		fprintf(f, "%sh7jumpdiag snapshot%s  %s%s", on(o, ST_HEAD), off(o), core_name(s),
			s->halted ? ", halted" : "");
		if (s->t_ms > 0)
			fprintf(f, ", t = %.1f ms", s->t_ms);
		fputc('\n', f);
	}
	text_fault(f, o, s, fr);
	text_core(f, o, s, fr);
	text_scb(f, o, s, pr);
	text_nvic(f, o, pr);
	text_systick(f, o, pr);
	text_mpu(f, o, pr);
	text_rcc(f, o, s, pr);
	text_pwr(f, o, s, pr);
	text_usb(f, o, s, pr);
	text_flash(f, o, s, pr);
	text_part(f, o, pr);
	text_svd(f, o, s);
	if (o->all)
		text_raw(f, o, s, fr);
	free(fr);
	free(pr);
}

/* ---- JSON -------------------------------------------------------------- */

/* Every cJSON call is checked: a failure counts in *bad and the document is
 * dropped at the end (NULL to the caller). */
static cJSON *jobj(cJSON *parent, const char *key, int *bad)
{
	cJSON *o = cJSON_AddObjectToObject(parent, key);
	if (!o)
		(*bad)++;
	return o;
}

static cJSON *jarr(cJSON *parent, const char *key, int *bad)
{
	cJSON *a = cJSON_AddArrayToObject(parent, key);
	if (!a)
		(*bad)++;
	return a;
}

static void jstr(cJSON *o, const char *key, const char *v, int *bad)
{
	if (!o || !cJSON_AddStringToObject(o, key, v ? v : ""))
		(*bad)++;
}

static void jhex(cJSON *o, const char *key, uint32_t v, int *bad)
{
	char buf[12];
	snprintf(buf, sizeof buf, "0x%08X", v);
	jstr(o, key, buf, bad);
}

static void jnum(cJSON *o, const char *key, double v, int *bad)
{
	if (!o || !cJSON_AddNumberToObject(o, key, v))
		(*bad)++;
}

static void jbool(cJSON *o, const char *key, int v, int *bad)
{
	if (!o || !cJSON_AddBoolToObject(o, key, v ? 1 : 0))
		(*bad)++;
}

/* tri-state: an unknown fact is left out */
static void jtri(cJSON *o, const char *key, int8_t v, int *bad)
{
	if (v != PERIPH_UNKNOWN)
		jbool(o, key, v == PERIPH_YES, bad);
}

static void jpush_str(cJSON *a, const char *v, int *bad)
{
	cJSON *s = cJSON_CreateString(v ? v : "");
	if (!a || !s || !cJSON_AddItemToArray(a, s)) {
		cJSON_Delete(s);
		(*bad)++;
	}
}

static cJSON *jpush_obj(cJSON *a, int *bad)
{
	cJSON *o = cJSON_CreateObject();
	if (!a || !o || !cJSON_AddItemToArray(a, o)) {
		cJSON_Delete(o);
		(*bad)++;
		return NULL;
	}
	return o;
}

/* {"value": "0x...", "set": [flag names], "fields": {multi-bit fields}} */
static void jreg(cJSON *regs, const struct snapshot *s, enum reg_id id, int *bad)
{
	const struct bits_reg *t = table_for(id);
	cJSON *o, *set, *fields = NULL;

	if (!snap_ok(s, id))
		return;
	o = jobj(regs, regs_catalog[id].name, bad);
	if (!o)
		return;
	jhex(o, "value", s->val[id], bad);
	set = jarr(o, "set", bad);
	for (size_t i = 0; t && i < t->n_fields; i++) {
		const struct bits_field *b = &t->fields[i];
		const char *vn;
		if (bits_is_flag(b)) {
			if (s->val[id] & b->mask)
				jpush_str(set, b->name, bad);
			continue;
		}
		if (!fields && !(fields = jobj(o, "fields", bad)))
			return;
		if ((vn = bits_value_name(b, s->val[id])) != NULL)
			jstr(fields, b->name, vn, bad);
		else
			jnum(fields, b->name, bits_get(b, s->val[id]), bad);
	}
}

static void jregs(cJSON *parent, const struct snapshot *s, const enum reg_id *ids, size_t n, int *bad)
{
	cJSON *regs;

	if (!any_state(s, ids, n))
		return;
	regs = jobj(parent, "registers", bad);
	for (size_t i = 0; regs && i < n; i++)
		jreg(regs, s, ids[i], bad);
}

static const char *state_name(uint8_t st)
{
	return st == SNAP_ERROR ? "error" : st == SNAP_ABSENT ? "absent" : st == SNAP_OK ? "ok" : "unread";
}

static void jstack(cJSON *stacks, const char *key, const struct snap_stack *w, int *bad)
{
	cJSON *o, *words;

	if (w->state == SNAP_UNREAD)
		return;
	o = jobj(stacks, key, bad);
	jhex(o, "addr", w->addr, bad);
	jstr(o, "state", state_name(w->state), bad);
	if (w->state != SNAP_OK)
		return;
	words = jarr(o, "words", bad);
	for (unsigned i = 0; i < w->words && i < SNAP_STACK_WORDS; i++) {
		char buf[12];
		snprintf(buf, sizeof buf, "0x%08X", w->w[i]);
		jpush_str(words, buf, bad);
	}
}

static cJSON *snapshot_object(const struct snapshot *s, const struct fault_report *fr, int *bad)
{
	cJSON *o = cJSON_CreateObject(), *regs, *unread = NULL, *stacks;

	if (!o) {
		(*bad)++;
		return NULL;
	}
	jstr(o, "core", s->core == SNAP_CORE_CM4 ? "cm4" : "cm7", bad);
	jbool(o, "halted", s->halted, bad);
	jnum(o, "t_ms", s->t_ms, bad);
	regs = jobj(o, "registers", bad);
	for (int i = 0; regs && i < REG_COUNT; i++) {
		if (s->state[i] == SNAP_OK) {
			/* MMFAR/BFAR only while they hold a fault address */
			if ((i == REG_MMFAR && !fr->mmfar_valid) || (i == REG_BFAR && !fr->bfar_valid))
				continue;
			jhex(regs, regs_catalog[i].name, s->val[i], bad);
		} else if (s->state[i] == SNAP_ERROR || s->state[i] == SNAP_ABSENT) {
			if (!unread && !(unread = jobj(o, "unreadable", bad)))
				break;
			jstr(unread, regs_catalog[i].name, state_name(s->state[i]), bad);
		}
	}
	if (s->msp_stack.state != SNAP_UNREAD || s->psp_stack.state != SNAP_UNREAD) {
		stacks = jobj(o, "stacks", bad);
		jstack(stacks, "msp", &s->msp_stack, bad);
		jstack(stacks, "psp", &s->psp_stack, bad);
	}
	return o;
}

cJSON *render_snapshot_object(const struct snapshot *s)
{
	struct fault_report *fr = malloc(sizeof *fr);
	int bad = 0;
	cJSON *o;

	if (!fr)
		return NULL;
	fault_decode(s, fr);
	o = snapshot_object(s, fr, &bad);
	free(fr);
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static void json_fault(cJSON *dec, const struct snapshot *s, const struct fault_report *r, int *bad)
{
	static const enum reg_id ids[] = { REG_CFSR, REG_HFSR, REG_DFSR, REG_ABFSR, REG_SHCSR };
	static const struct { unsigned bit; const char *name; } esc[] = {
		{ FAULT_ESC_PRIMASK, "PRIMASK" }, { FAULT_ESC_FAULTMASK, "FAULTMASK" },
		{ FAULT_ESC_DISABLED, "handler-disabled" }, { FAULT_ESC_BASEPRI, "BASEPRI" },
		{ FAULT_ESC_PRIORITY, "priority" }, { FAULT_ESC_UNKNOWN, "unknown" },
	};
	cJSON *o, *a;

	if (!any_state(s, ids, BITS_N(ids)) && !r->have_exc_return)
		return;
	o = jobj(dec, "fault", bad);
	if (!o)
		return;
	jbool(o, "faulted", r->faulted, bad);
	if (r->have_ipsr) {
		jnum(o, "ipsr", r->ipsr, bad);
		jstr(o, "exception", r->exception, bad);
	}
	jregs(o, s, ids, BITS_N(ids), bad);
	if (r->mmfar_valid)
		jhex(o, "MMFAR", r->mmfar, bad);
	if (r->bfar_valid)
		jhex(o, "BFAR", r->bfar, bad);
	a = jarr(o, "classes", bad);
	if (r->classes & FAULT_CLASS_MEMMANAGE)
		jpush_str(a, "MemManage", bad);
	if (r->classes & FAULT_CLASS_BUSFAULT)
		jpush_str(a, "BusFault", bad);
	if (r->classes & FAULT_CLASS_USAGEFAULT)
		jpush_str(a, "UsageFault", bad);
	jbool(o, "escalated", r->escalated, bad);
	if (r->escalated) {
		a = jarr(o, "escalation", bad);
		for (size_t i = 0; i < BITS_N(esc); i++)
			if (r->esc_reasons & esc[i].bit)
				jpush_str(a, esc[i].name, bad);
	}
	jbool(o, "imprecise", r->imprecise, bad);
	if (r->abfsr_iface)
		jstr(o, "bus_interface", r->abfsr_iface, bad);
	if (r->abfsr_type)
		jstr(o, "axi_response", r->abfsr_type, bad);
	if (r->have_exc_return) {
		cJSON *e = jobj(o, "exc_return", bad);
		jhex(e, "value", r->exc_return.value, bad);
		jbool(e, "valid", r->exc_return.valid, bad);
		if (r->exc_return.valid) {
			jstr(e, "mode", r->exc_return.to_thread ? "thread" : "handler", bad);
			jstr(e, "stack", r->exc_return.use_psp ? "psp" : "msp", bad);
			jstr(e, "frame", r->exc_return.basic_frame ? "basic" : "extended", bad);
		}
	}
	if (r->have_layout) {
		cJSON *fo = jobj(o, "frame", bad), *regs;
		jstr(fo, "stack", r->layout.on_psp ? "psp" : "msp", bad);
		jhex(fo, "address", r->layout.frame, bad);
		jnum(fo, "size", r->layout.size, bad);
		jnum(fo, "padding", r->layout.pad, bad);
		jhex(fo, "sp_before", r->layout.sp_before, bad);
		if (r->n_stacked) {
			regs = jobj(fo, "registers", bad);
			for (unsigned i = 0; i < r->n_stacked; i++)
				jhex(regs, fault_stacked_names[i], r->stacked[i], bad);
		}
	}
	a = jarr(o, "notes", bad);
	for (size_t i = 0; i < r->n_notes; i++) {
		cJSON *n = jpush_obj(a, bad);
		jstr(n, "id", r->notes[i].id, bad);
		jstr(n, "text", r->notes[i].text, bad);
	}
}

static void json_core(cJSON *dec, const struct snapshot *s, const struct fault_report *r, int *bad)
{
	static const enum reg_id ids[] = { REG_XPSR, REG_PRIMASK, REG_FAULTMASK, REG_BASEPRI, REG_CONTROL };
	cJSON *o;

	if (!any_state(s, ids, BITS_N(ids)))
		return;
	o = jobj(dec, "core", bad);
	jregs(o, s, ids, BITS_N(ids), bad);
	if (r->have_ipsr)
		jstr(o, "mode", r->ipsr ? "handler" : "thread", bad);
}

static void json_scb(cJSON *dec, const struct snapshot *s, const struct periph_report *p, int *bad)
{
	static const enum reg_id ids[] = { REG_ICSR, REG_AIRCR, REG_CCR, REG_CACR, REG_FPCCR, REG_CPACR,
					   REG_DHCSR, REG_DEMCR };
	cJSON *o;

	if (!any_state(s, ids, BITS_N(ids)) && !p->have_vtor)
		return;
	o = jobj(dec, "scb", bad);
	jregs(o, s, ids, BITS_N(ids), bad);
	if (p->have_vtor) {
		cJSON *v = jobj(o, "vtor", bad);
		jhex(v, "value", p->vtor, bad);
		jstr(v, "region", p->vtor_region, bad);
	}
	jtri(o, "dcache", p->dcache_on, bad);
	jtri(o, "icache", p->icache_on, bad);
}

static void json_irqs(cJSON *o, const char *key, const struct periph_irq *l, size_t n, int *bad)
{
	cJSON *a = jarr(o, key, bad);
	for (size_t i = 0; i < n; i++) {
		cJSON *e = jpush_obj(a, bad);
		jnum(e, "irq", l[i].irq, bad);
		jstr(e, "name", fault_irq_name(l[i].irq), bad);
		if (l[i].prio_known)
			jnum(e, "priority", l[i].priority, bad);
	}
}

static void json_nvic(cJSON *dec, const struct periph_report *p, int *bad)
{
	const struct periph_nvic *n = &p->nvic;
	cJSON *o;

	if (!n->have_iser && !n->have_ispr && !n->have_iabr)
		return;
	o = jobj(dec, "nvic", bad);
	if (n->have_iser)
		json_irqs(o, "enabled", n->enabled, n->n_enabled, bad);
	if (n->have_ispr)
		json_irqs(o, "pending", n->pending, n->n_pending, bad);
	if (n->have_iabr)
		json_irqs(o, "active", n->active, n->n_active, bad);
}

static void json_systick(cJSON *dec, const struct periph_report *p, int *bad)
{
	const struct periph_systick *t = &p->systick;
	cJSON *o;

	if (!t->have_csr)
		return;
	o = jobj(dec, "systick", bad);
	jtri(o, "running", t->running, bad);
	jtri(o, "tickint", t->tickint, bad);
	jtri(o, "core_clock", t->core_clock, bad);
	jtri(o, "pending", t->pending, bad);
	if (t->have_rvr)
		jnum(o, "reload", t->reload, bad);
	if (t->have_cvr)
		jnum(o, "current", t->current, bad);
}

static void json_mpu(cJSON *dec, const struct periph_report *p, int *bad)
{
	const struct periph_mpu *m = &p->mpu;
	cJSON *o, *a;

	if (!m->have_ctrl)
		return;
	o = jobj(dec, "mpu", bad);
	jtri(o, "enabled", m->enabled, bad);
	jtri(o, "hfnmiena", m->hfnmiena, bad);
	jtri(o, "privdefena", m->privdefena, bad);
	a = jarr(o, "regions", bad);
	for (unsigned i = 0; i < m->n_regions; i++) {
		const struct periph_mpu_region *r = &m->region[i];
		cJSON *e;
		if (!r->captured)
			continue;
		e = jpush_obj(a, bad);
		jnum(e, "region", r->index, bad);
		jbool(e, "enabled", r->enabled, bad);
		jhex(e, "base", r->base, bad);
		jnum(e, "size", (double)r->size, bad);
		jstr(e, "access", r->access, bad);
		jbool(e, "xn", r->xn, bad);
		jnum(e, "tex", r->tex, bad);
		jbool(e, "s", r->s, bad);
		jbool(e, "c", r->c, bad);
		jbool(e, "b", r->b, bad);
		jnum(e, "srd", r->srd, bad);
		jstr(e, "attributes", r->attrs, bad);
	}
}

static void json_rcc(cJSON *dec, const struct snapshot *s, const struct periph_report *p, int *bad)
{
	static const enum reg_id ids[] = { REG_RCC_CR, REG_RCC_CFGR, REG_RCC_PLLCKSELR, REG_RCC_AHB1RSTR,
					   REG_RCC_AHB1ENR, REG_RCC_C1_AHB1ENR, REG_RCC_GCR, REG_RCC_RSR,
					   REG_RCC_C1_RSR };
	const struct periph_rcc *r = &p->rcc;
	cJSON *o;

	if (!any_state(s, ids, BITS_N(ids)))
		return;
	o = jobj(dec, "rcc", bad);
	jregs(o, s, ids, BITS_N(ids), bad);
	if (r->sysclk)
		jstr(o, "sysclk", r->sysclk, bad);
	if (r->have_cr) {
		cJSON *osc = jobj(o, "oscillators", bad);
		for (int i = 0; i < PERIPH_N_OSC; i++) {
			cJSON *e = jobj(osc, r->osc[i].name, bad);
			jtri(e, "on", r->osc[i].on, bad);
			jtri(e, "ready", r->osc[i].ready, bad);
		}
		jtri(o, "d1ckrdy", r->d1ckrdy, bad);
		jtri(o, "d2ckrdy", r->d2ckrdy, bad);
	}
	if (r->have_rsr && r->reset_cause)
		jstr(o, "reset_cause", r->reset_cause, bad);
}

static void json_pwr(cJSON *dec, const struct snapshot *s, const struct periph_report *p, int *bad)
{
	static const enum reg_id ids[] = { REG_PWR_CR1, REG_PWR_CSR1, REG_PWR_CR3, REG_PWR_D3CR };
	const struct periph_pwr *w = &p->pwr;
	cJSON *o;

	if (!any_state(s, ids, BITS_N(ids)))
		return;
	o = jobj(dec, "pwr", bad);
	jregs(o, s, ids, BITS_N(ids), bad);
	if (w->have_cr3) {
		jstr(o, "supply", w->supply, bad);
		jtri(o, "ldoen", w->ldoen, bad);
		jtri(o, "sden", w->sden, bad);
		jtri(o, "bypass", w->bypass, bad);
		jnum(o, "smps_level", w->smps_level, bad);
	}
	jtri(o, "actvosrdy", w->actvosrdy, bad);
}

static void json_otg(cJSON *usb, const struct snapshot *s, const struct periph_otg *g, enum regs_block b, int *bad)
{
	enum reg_id ids[16];
	size_t n = 0;
	cJSON *o;

	if (!g->captured)
		return;
	o = jobj(usb, b == REGS_BLK_OTG_FS ? "otg_fs" : "otg_hs", bad);
	for (int i = 0; i < REG_COUNT && n < BITS_N(ids); i++)
		if (regs_catalog[i].block == b)
			ids[n++] = (enum reg_id)i;
	jregs(o, s, ids, n, bad);
	if (g->host_mode != PERIPH_UNKNOWN)
		jstr(o, "mode", g->host_mode ? "host" : "device", bad);
	jtri(o, "soft_disconnect", g->soft_disconnect, bad);
	jtri(o, "a_session", g->a_session, bad);
	jtri(o, "b_session", g->b_session, bad);
	jtri(o, "transceiver_on", g->transceiver_on, bad);
	jtri(o, "vbus_detect", g->vbus_detect, bad);
	jtri(o, "clock_on", g->clock_on, bad);
	jtri(o, "in_reset", g->in_reset, bad);
	if (g->speed)
		jstr(o, "speed", g->speed, bad);
	jnum(o, "address", g->address, bad);
	jstr(o, "pullup", g->pullup == PERIPH_YES ? "on" : g->pullup == PERIPH_NO ? "off" : "unknown", bad);
	jstr(o, "summary", g->summary, bad);
}

static void json_flash(cJSON *dec, const struct snapshot *s, const struct periph_report *p, int *bad)
{
	static const enum reg_id ids[] = { REG_FLASH_OPTSR_CUR, REG_FLASH_BOOT7_CUR, REG_FLASH_BOOT4_CUR,
					   REG_SYSCFG_UR0, REG_SYSCFG_UR1, REG_SYSCFG_UR2, REG_SYSCFG_UR3 };
	const struct periph_flash *fl = &p->flash;
	cJSON *o, *b;

	if (!any_state(s, ids, BITS_N(ids)))
		return;
	o = jobj(dec, "flash", bad);
	jregs(o, s, ids, BITS_N(ids), bad);
	if (fl->have_boot7) {
		b = jobj(o, "boot_cm7", bad);
		jhex(b, "add0", fl->boot7_add0, bad);
		jhex(b, "add1", fl->boot7_add1, bad);
	}
	if (fl->have_boot4) {
		b = jobj(o, "boot_cm4", bad);
		jhex(b, "add0", fl->boot4_add0, bad);
		jhex(b, "add1", fl->boot4_add1, bad);
	}
	if (fl->rdp_level >= 0)
		jnum(o, "rdp_level", fl->rdp_level, bad);
	if (fl->bcm_source) {
		jtri(o, "bcm7", fl->bcm7, bad);
		jtri(o, "bcm4", fl->bcm4, bad);
		jstr(o, "bcm_source", fl->bcm_source, bad);
	}
}

static void json_part(cJSON *dec, const struct periph_report *p, int *bad)
{
	const struct periph_dbgmcu *d = &p->dbgmcu;
	cJSON *o;
	char buf[8];

	if (!d->have_idc && !d->have_flash_size)
		return;
	o = jobj(dec, "part", bad);
	if (d->have_idc) {
		snprintf(buf, sizeof buf, "0x%03X", d->dev_id);
		jstr(o, "dev_id", buf, bad);
		snprintf(buf, sizeof buf, "0x%04X", d->rev_id);
		jstr(o, "rev_id", buf, bad);
		if (d->part)
			jstr(o, "name", d->part, bad);
		if (d->revision)
			jstr(o, "revision", d->revision, bad);
	}
	if (d->have_flash_size)
		jnum(o, "flash_kib", d->flash_kib, bad);
}

static void json_svd_reg(cJSON *a, const struct svd_peripheral *p, const struct svd_register *r, uint32_t v,
			 int *bad)
{
	cJSON *o = jpush_obj(a, bad), *fields;
	char name[2 * SVD_MAX_NAME + 2];

	snprintf(name, sizeof name, "%s.%s", p->name, r->name);
	jstr(o, "register", name, bad);
	jhex(o, "address", p->base + r->offset, bad);
	jhex(o, "value", v, bad);
	fields = jarr(o, "fields", bad);
	for (size_t i = 0; i < r->n_fields; i++) {
		const struct svd_field *fd = &r->fields[i];
		uint32_t fv = svd_field_value(fd, v);
		const struct svd_enum *e = svd_field_enum(fd, fv);
		cJSON *fo = jpush_obj(fields, bad);
		jstr(fo, "name", fd->name, bad);
		jnum(fo, "lsb", fd->lsb, bad);
		jnum(fo, "width", fd->width, bad);
		jnum(fo, "value", fv, bad);
		if (e)
			jstr(fo, "enum", e->name, bad);
		if (fd->description)
			jstr(fo, "description", fd->description, bad);
	}
}

static void json_svd(cJSON *dec, const struct snapshot *s, const struct render_opts *o, int *bad)
{
	cJSON *a = NULL;

	if (!o || !o->svd)
		return;
	for (int i = 0; i < REG_COUNT; i++) {
		const struct svd_peripheral *p;
		const struct svd_register *r;
		if (!snap_ok(s, (enum reg_id)i) || regs_catalog[i].kind < REGS_KIND_MEM32 ||
		    regs_catalog[i].kind > REGS_KIND_MEM16 || regs_catalog[i].block < REGS_BLK_DBGMCU)
			continue;
		r = svd_find_address(o->svd, regs_catalog[i].addr, &p);
		if (!r)
			continue;
		if (!a && !(a = jarr(dec, "svd", bad)))
			return;
		json_svd_reg(a, p, r, s->val[i], bad);
	}
	for (size_t i = 0; i < o->n_svd_values; i++) {
		const struct svd_peripheral *p;
		const struct svd_register *r =
			svd_find_register(o->svd, o->svd_values[i].periph, o->svd_values[i].reg, &p);
		if (!r)
			continue;
		if (!a && !(a = jarr(dec, "svd", bad)))
			return;
		json_svd_reg(a, p, r, o->svd_values[i].value, bad);
	}
}

static cJSON *decoded_object(const struct snapshot *s, const struct render_opts *o, const struct fault_report *fr,
			     const struct periph_report *pr, int *bad)
{
	cJSON *dec = cJSON_CreateObject(), *usb;

	if (!dec) {
		(*bad)++;
		return NULL;
	}
	json_fault(dec, s, fr, bad);
	json_core(dec, s, fr, bad);
	json_scb(dec, s, pr, bad);
	json_nvic(dec, pr, bad);
	json_systick(dec, pr, bad);
	json_mpu(dec, pr, bad);
	json_rcc(dec, s, pr, bad);
	json_pwr(dec, s, pr, bad);
	if (pr->otg_fs.captured || pr->otg_hs.captured) {
		usb = jobj(dec, "usb", bad);
		json_otg(usb, s, &pr->otg_fs, REGS_BLK_OTG_FS, bad);
		json_otg(usb, s, &pr->otg_hs, REGS_BLK_OTG_HS, bad);
	}
	json_flash(dec, s, pr, bad);
	json_part(dec, pr, bad);
	json_svd(dec, s, o, bad);
	return dec;
}

cJSON *render_decoded_object(const struct snapshot *s, const struct render_opts *o)
{
	struct fault_report *fr = malloc(sizeof *fr);
	struct periph_report *pr = malloc(sizeof *pr);
	cJSON *dec = NULL;
	int bad = 0;

	if (fr && pr) {
		fault_decode(s, fr);
		periph_decode(s, pr);
		dec = decoded_object(s, o, fr, pr, &bad);
	}
	free(fr);
	free(pr);
	if (bad) {
		cJSON_Delete(dec);
		return NULL;
	}
	return dec;
}

cJSON *render_report_json(const struct snapshot *s, const char *report, const struct render_opts *o)
{
	struct fault_report *fr = malloc(sizeof *fr);
	struct periph_report *pr = malloc(sizeof *pr);
	cJSON *doc = cJSON_CreateObject(), *tool, *item;
	int bad = 0;

	if (!fr || !pr || !doc) {
		bad++;
		goto out;
	}
	fault_decode(s, fr);
	periph_decode(s, pr);
	jstr(doc, "schema", RENDER_SCHEMA, &bad);
	jstr(doc, "report", report ? report : "snapshot", &bad);
	tool = jobj(doc, "tool", &bad);
	jstr(tool, "name", "h7jumpdiag", &bad);
	jstr(tool, "version", H7_VERSION, &bad);
	item = snapshot_object(s, fr, &bad);
	if (!item || !cJSON_AddItemToObject(doc, "snapshot", item)) {
		cJSON_Delete(item);
		bad++;
	}
	item = decoded_object(s, o, fr, pr, &bad);
	if (!item || !cJSON_AddItemToObject(doc, "decoded", item)) {
		cJSON_Delete(item);
		bad++;
	}
out:
	free(fr);
	free(pr);
	if (bad) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

cJSON *render_snapshot_json(const struct snapshot *s)
{
	return render_report_json(s, "snapshot", NULL);
}

/* ---- atomic file output --------------------------------------------------- */

static int rerr(char *err, size_t errlen, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Create the temporary file render_write_file_atomic() writes path through:
 * its fd (tmp holds its name), -1 with errno when it cannot be created, or
 * -2 when its name does not fit in tmp. */
static int render_open_tmp(const char *path, char *tmp, size_t tmpsz)
{
	if ((size_t)snprintf(tmp, tmpsz, "%s.tmpXXXXXX", path) >= tmpsz)
		return -2;
	return mkstemp(tmp);
}

int render_check_output(const char *path, char *err, size_t errlen)
{
	char tmp[4096];
	struct stat sb;
	int fd;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !*path)
		return rerr(err, errlen, H7_ERROR_INVALID_PARAM, "an empty file name");
	if (!strcmp(path, "-"))
		return 0;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return rerr(err, errlen, H7_ERROR_INVALID_PARAM, "'%s' is a directory", path);
	fd = render_open_tmp(path, tmp, sizeof tmp);
	if (fd == -2)
		return rerr(err, errlen, H7_ERROR_INVALID_PARAM, "the file name is too long");
	if (fd < 0)
		return rerr(err, errlen, H7_ERROR_IO, "cannot create a file next to '%s': %s", path, strerror(errno));
	close(fd);
	unlink(tmp);
	return 0;
}

int render_write_file_atomic(const char *path, const char *data, size_t len)
{
	char tmp[4096];
	int fd;
	size_t done = 0;
	mode_t mask;

	if (!path || !*path)
		return H7_ERROR_INVALID_PARAM;
	if (!strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout))
			return H7_ERROR_IO;
		return 0;
	}
	fd = render_open_tmp(path, tmp, sizeof tmp);
	if (fd == -2)
		return H7_ERROR_INVALID_PARAM;
	if (fd < 0) {
		h7_err("cannot create a temporary file next to '%s': %s", path, strerror(errno));
		return H7_ERROR_IO;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask))
		goto fail;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path))
		goto fail;
	return 0;
fail:
	h7_err("cannot write '%s': %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return H7_ERROR_IO;
}

/* ---- the JSON report reader ----------------------------------------------- */

static int rerr(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* "0x" followed by 1..8 hex digits */
static int parse_hex32(const cJSON *item, uint32_t *out)
{
	const char *s = cJSON_GetStringValue(item);
	size_t n;
	uint32_t v = 0;

	if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	n = strlen(s + 2);
	if (n < 1 || n > 8)
		return -1;
	for (const char *p = s + 2; *p; p++) {
		int d = isdigit((unsigned char)*p) ? *p - '0'
			: isxdigit((unsigned char)*p) ? tolower((unsigned char)*p) - 'a' + 10 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

static int read_stack(const cJSON *o, struct snap_stack *w, const char *which, char *err, size_t errlen)
{
	const cJSON *addr, *state, *words, *it;
	const char *st;
	unsigned n = 0;

	if (!cJSON_IsObject(o))
		return rerr(err, errlen, H7_ERROR_PARSE, "snapshot.stacks.%s is not an object", which);
	addr = cJSON_GetObjectItemCaseSensitive(o, "addr");
	state = cJSON_GetObjectItemCaseSensitive(o, "state");
	words = cJSON_GetObjectItemCaseSensitive(o, "words");
	if (parse_hex32(addr, &w->addr))
		return rerr(err, errlen, H7_ERROR_PARSE, "snapshot.stacks.%s.addr is not a \"0x...\" string", which);
	st = cJSON_GetStringValue(state);
	if (!st)
		return rerr(err, errlen, H7_ERROR_PARSE, "snapshot.stacks.%s.state is missing", which);
	if (!strcmp(st, "ok"))
		w->state = SNAP_OK;
	else if (!strcmp(st, "error"))
		w->state = SNAP_ERROR;
	else if (!strcmp(st, "absent"))
		w->state = SNAP_ABSENT;
	else
		return rerr(err, errlen, H7_ERROR_PARSE, "snapshot.stacks.%s.state '%.20s' is not ok/error/absent",
			    which, st);
	if (w->state != SNAP_OK)
		return 0;
	if (!cJSON_IsArray(words))
		return rerr(err, errlen, H7_ERROR_PARSE, "snapshot.stacks.%s.words is not an array", which);
	cJSON_ArrayForEach(it, words) {
		if (n >= SNAP_STACK_WORDS)
			return rerr(err, errlen, H7_ERROR_OVERFLOW, "snapshot.stacks.%s has more than %d words", which,
				    SNAP_STACK_WORDS);
		if (parse_hex32(it, &w->w[n]))
			return rerr(err, errlen, H7_ERROR_PARSE, "snapshot.stacks.%s.words[%u] is not a \"0x...\" string",
				    which, n);
		n++;
	}
	w->words = (uint8_t)n;
	return 0;
}

int render_read_snapshot_json(const char *buf, size_t len, struct snapshot *out, char *err, size_t errlen)
{
	return render_read_report_json(buf, len, NULL, out, err, errlen);
}

int render_read_report_json(const char *buf, size_t len, int *fault, struct snapshot *out, char *err, size_t errlen)
{
	int want = fault ? *fault : 0;

	if (fault)
		*fault = 0;
	cJSON *doc;
	const cJSON *schema, *snap, *it;
	const char *sv;
	int rc = 0, count = 0;

	if (err && errlen)
		err[0] = '\0';
	if (len > RENDER_JSON_MAX_BYTES)
		return rerr(err, errlen, H7_ERROR_OVERFLOW, "report larger than %u bytes", RENDER_JSON_MAX_BYTES);
	doc = cJSON_ParseWithLength(buf, len);
	if (!doc) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= buf && at <= buf + len ? (size_t)(at - buf) : 0;
		return rerr(err, errlen, H7_ERROR_PARSE, "not valid JSON (error near byte %zu)", off);
	}
	snapshot_init(out, SNAP_CORE_CM7);
	if (!cJSON_IsObject(doc)) {
		rc = rerr(err, errlen, H7_ERROR_PARSE, "the report is not a JSON object");
		goto out;
	}
	schema = cJSON_GetObjectItemCaseSensitive(doc, "schema");
	sv = cJSON_GetStringValue(schema);
	if (!sv) {
		rc = rerr(err, errlen, H7_ERROR_PARSE, "no \"schema\" member: not an h7jumpdiag report");
		goto out;
	}
	if (strcmp(sv, RENDER_SCHEMA) != 0) {
		rc = rerr(err, errlen, H7_ERROR_PARSE, "unsupported schema '%.40s' (this tool reads %s)", sv,
			  RENDER_SCHEMA);
		goto out;
	}
	it = cJSON_GetObjectItemCaseSensitive(doc, "report");
	if (cJSON_IsString(it) && !strcmp(it->valuestring, "run")) {
		/* a run report: the snapshot taken when fault number `fault` was caught */
		const cJSON *faults = cJSON_GetObjectItemCaseSensitive(doc, "faults");
		int n = cJSON_IsArray(faults) ? cJSON_GetArraySize(faults) : 0, k = want > 0 ? want : 1;
		if (n == 0) {
			const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "verdict"));
			rc = rerr(err, errlen, H7_ERROR_NOT_FOUND, "the run report holds no fault to decode (verdict %.40s)",
				  v ? v : "unknown");
			goto out;
		}
		if (k > n) {
			rc = rerr(err, errlen, H7_ERROR_NOT_FOUND, "the run report holds %d fault%s, not %d", n,
				  n == 1 ? "" : "s", k);
			goto out;
		}
		snap = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(faults, k - 1), "snapshot");
		if (!cJSON_IsObject(snap)) {
			rc = rerr(err, errlen, H7_ERROR_PARSE, "fault %d of the run report has no \"snapshot\" object", k);
			goto out;
		}
		if (fault)
			*fault = k;
	} else if (want > 0) {
		rc = rerr(err, errlen, H7_ERROR_INVALID_PARAM, "a fault number applies to run reports only");
		goto out;
	} else {
		snap = cJSON_GetObjectItemCaseSensitive(doc, "snapshot");
		if (!cJSON_IsObject(snap)) {
			rc = rerr(err, errlen, H7_ERROR_PARSE, "no \"snapshot\" object in the report");
			goto out;
		}
	}
	it = cJSON_GetObjectItemCaseSensitive(snap, "core");
	if (it) {
		const char *c = cJSON_GetStringValue(it);
		if (c && !strcmp(c, "cm4"))
			out->core = SNAP_CORE_CM4;
		else if (!c || strcmp(c, "cm7")) {
			rc = rerr(err, errlen, H7_ERROR_PARSE, "snapshot.core must be \"cm7\" or \"cm4\"");
			goto out;
		}
	}
	it = cJSON_GetObjectItemCaseSensitive(snap, "halted");
	if (it && !cJSON_IsBool(it)) {
		rc = rerr(err, errlen, H7_ERROR_PARSE, "snapshot.halted must be true or false");
		goto out;
	}
	out->halted = cJSON_IsTrue(it);
	it = cJSON_GetObjectItemCaseSensitive(snap, "t_ms");
	if (it) {
		if (!cJSON_IsNumber(it) || !(it->valuedouble >= 0) || it->valuedouble > 1e12) {
			rc = rerr(err, errlen, H7_ERROR_PARSE, "snapshot.t_ms must be a number >= 0");
			goto out;
		}
		out->t_ms = it->valuedouble;
	}
	it = cJSON_GetObjectItemCaseSensitive(snap, "registers");
	if (!cJSON_IsObject(it)) {
		rc = rerr(err, errlen, H7_ERROR_PARSE, "snapshot.registers is missing or not an object");
		goto out;
	}
	{
		const cJSON *r;
		cJSON_ArrayForEach(r, it) {
			const struct reg_def *d;
			uint32_t v;
			if (++count > 4 * REG_COUNT) {
				rc = rerr(err, errlen, H7_ERROR_OVERFLOW, "more than %d registers", 4 * REG_COUNT);
				goto out;
			}
			if (parse_hex32(r, &v)) {
				rc = rerr(err, errlen, H7_ERROR_PARSE,
					  "register '%.40s': value is not a \"0x...\" string of up to 8 hex digits",
					  r->string ? r->string : "?");
				goto out;
			}
			d = regs_find(r->string);
			if (!d) {
				h7_warn("report: unknown register '%.40s' ignored", r->string ? r->string : "?");
				continue;
			}
			snapshot_set(out, regs_id(d), v);
		}
	}
	it = cJSON_GetObjectItemCaseSensitive(snap, "unreadable");
	if (it) {
		const cJSON *r;
		if (!cJSON_IsObject(it)) {
			rc = rerr(err, errlen, H7_ERROR_PARSE, "snapshot.unreadable is not an object");
			goto out;
		}
		cJSON_ArrayForEach(r, it) {
			const struct reg_def *d = regs_find(r->string);
			const char *st = cJSON_GetStringValue(r);
			if (++count > 4 * REG_COUNT) {
				rc = rerr(err, errlen, H7_ERROR_OVERFLOW, "more than %d registers", 4 * REG_COUNT);
				goto out;
			}
			if (!st || (strcmp(st, "error") && strcmp(st, "absent"))) {
				rc = rerr(err, errlen, H7_ERROR_PARSE, "snapshot.unreadable.%.40s must be \"error\" or \"absent\"",
					  r->string ? r->string : "?");
				goto out;
			}
			if (d)
				snapshot_mark(out, regs_id(d), !strcmp(st, "error") ? SNAP_ERROR : SNAP_ABSENT);
		}
	}
	it = cJSON_GetObjectItemCaseSensitive(snap, "stacks");
	if (it) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "msp");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "psp");
		if (!cJSON_IsObject(it)) {
			rc = rerr(err, errlen, H7_ERROR_PARSE, "snapshot.stacks is not an object");
			goto out;
		}
		if (m && (rc = read_stack(m, &out->msp_stack, "msp", err, errlen)) != 0)
			goto out;
		if (p && (rc = read_stack(p, &out->psp_stack, "psp", err, errlen)) != 0)
			goto out;
	}
out:
	cJSON_Delete(doc);
	if (rc)
		snapshot_init(out, SNAP_CORE_CM7);
	return rc;
}

int render_read_snapshot_file(const char *path, struct snapshot *out, char *err, size_t errlen)
{
	return render_read_report_file(path, NULL, out, err, errlen);
}

int render_read_report_file(const char *path, int *fault, struct snapshot *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int rc;

	if (!f) {
		int e = errno;
		return rerr(err, errlen, e == ENOENT ? H7_ERROR_NOT_FOUND : H7_ERROR_IO, "cannot open '%s': %s", path,
			    strerror(e));
	}
	buf = malloc(RENDER_JSON_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return rerr(err, errlen, H7_ERROR_NO_MEM, "out of memory");
	}
	n = fread(buf, 1, RENDER_JSON_MAX_BYTES + 1, f);
	if (ferror(f)) {
		int e = errno;
		free(buf);
		fclose(f);
		return rerr(err, errlen, H7_ERROR_IO, "cannot read '%s': %s", path, strerror(e));
	}
	fclose(f);
	if (n > RENDER_JSON_MAX_BYTES) {
		free(buf);
		return rerr(err, errlen, H7_ERROR_OVERFLOW, "'%s' is larger than %u bytes", path, RENDER_JSON_MAX_BYTES);
	}
	rc = render_read_report_json(buf, n, fault, out, err, errlen);
	free(buf);
	return rc;
}
