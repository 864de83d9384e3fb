/* Snapshot capture script builder and reply parser (see snapcap.h). */
#include "snapcap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h7jumpdiag/error.h"
#include "part.h"
#include "tcl.h"

/* Longest read_memory range (words): one failing register should not blank
 * too many others, and OpenOCD splits long reads anyway. */
#define SNAPCAP_MAX_RANGE 256 /* words one read_memory may cover */
/* Unlisted words a merged read may cover. What a read costs, measured inside
 * OpenOCD 0.12 against h7sim (Tcl `time`, poll off; bench/README.md): about
 * 0.41-0.49 ms per read_memory plus 0.08-0.12 ms per word, because
 * remote_bitbang makes one TCP round trip per JTAG scan and the DAP needs one
 * scan per word (plus TAR, RDBUFF and CTRL/STAT scans per command). A command
 * is worth 3.5-6 words, so merging across a gap pays only for small gaps: the
 * old limit of 64 words read 136 words for the 24 NVIC enable/pending/active
 * registers (14 ms; three reads of 8 words: 3.4 ms). Gaps of up to 7 words are
 * merged: about the break-even (a merge across 7 words costs at most 0.3 ms
 * more than two reads), and it keeps the reads under a sixth of the
 * registers (test_target checks that grouping). */
#define SNAPCAP_MAX_GAP 7

/* Peripherals read in lazy plans only while their bus clock is on (or may be:
 * an RCC word that could not be read counts as on): the registers of an
 * unclocked OTG core read as zero and tell nothing, and the twelve reads of
 * the two cores cost about 7.5 ms. A peripheral is clocked when its enable
 * bit is set in RCC_C1_xxxENR or RCC_C2_xxxENR (RM0399 RCC, "RCC_AHB1ENR"
 * and the per-core RCC_C1/C2 registers; RCC_xxxENR is the view of the core
 * that accesses it): all three are read. Bits: RCC_AHB1ENR 25 (USB1 OTG_HS),
 * 27 (USB2 OTG_FS). */
static const struct {
	enum regs_block block;
	uint32_t enable_bit;
} snapcap_gates[] = {
	{ REGS_BLK_OTG_HS, 1u << 25 },
	{ REGS_BLK_OTG_FS, 1u << 27 },
};
static const enum reg_id snapcap_gate_src[] = { REG_RCC_AHB1ENR, REG_RCC_C1_AHB1ENR, REG_RCC_C2_AHB1ENR };

static uint32_t snapcap_gate_of(enum reg_id r)
{
	for (size_t i = 0; i < sizeof snapcap_gates / sizeof snapcap_gates[0]; i++)
		if (regs_catalog[r].block == snapcap_gates[i].block)
			return snapcap_gates[i].enable_bit;
	return 0;
}

/* Address windows in which reading the unlisted words between two catalog
 * registers is harmless, so several registers can share one read_memory
 * (each read_memory costs OpenOCD a command, a target poll and a JTAG
 * round trip; one snapshot is meant to be one cheap RPC):
 * - NVIC ISER..IABR: words past the implemented interrupt lines read as zero
 *   (DDI0403 B3.4, "RAZ/WI" for unimplemented NVIC registers);
 * - RCC, PWR and FLASH registers have no read side effects, and reserved
 *   offsets inside them read as zero (RM0399, register maps).
 * - the OTG cores' first eight global registers, GOTGCTL..GRXSTSR: reading
 *   GOTGINT and GINTSTS clears nothing (their bits are rc_w1) and GRXSTSR is
 *   the debug view of the receive status (RM0399 OTG register map). Never
 *   from GRXSTSP (offset 0x020) on: reading it pops the receive FIFO. */
static const struct {
	uint32_t lo, hi;
} snapcap_gap_safe[] = {
	{ 0xE000E100u, 0xE000E33Fu },
	{ 0x58024400u, 0x580247FFu },
	{ 0x58024800u, 0x58024BFFu },
	{ 0x52002000u, 0x520021FFu },
	{ 0x40040000u, 0x4004001Fu },
	{ 0x40080000u, 0x4008001Fu },
};

static int snapcap_same_window(uint32_t a, uint32_t b)
{
	for (size_t i = 0; i < sizeof snapcap_gap_safe / sizeof snapcap_gap_safe[0]; i++)
		if (a >= snapcap_gap_safe[i].lo && a <= snapcap_gap_safe[i].hi && b >= snapcap_gap_safe[i].lo &&
		    b <= snapcap_gap_safe[i].hi)
			return 1;
	return 0;
}

static uint8_t snapcap_core_mask(enum snap_core c)
{
	return c == SNAP_CORE_CM4 ? REGS_CM4 : REGS_CM7;
}

static struct snapcap_item *snapcap_add(struct snapcap_plan *p, enum snapcap_kind k, uint32_t addr)
{
	if (p->n_items >= SNAPCAP_MAX_ITEMS)
		return NULL;
	struct snapcap_item *it = &p->items[p->n_items++];
	it->kind = k;
	it->addr = addr;
	it->count = 0;
	it->words = 0;
	it->gate = 0;
	it->first = (uint16_t)p->n_ids;
	return it;
}

static int snapcap_cmp_addr(const void *a, const void *b)
{
	uint32_t x = regs_catalog[*(const enum reg_id *)a].addr, y = regs_catalog[*(const enum reg_id *)b].addr;
	return x < y ? -1 : x > y;
}

/* Add the MEM32 ranges of the sorted registers mem[] that have a clock gate
 * (gated != 0) or not. 0, or -1 when the plan is full. */
static int snapcap_mem32(struct snapcap_plan *p, const enum reg_id *mem, size_t n_mem, int gated)
{
	struct snapcap_item *it = NULL;

	for (size_t i = 0; i < n_mem; i++) {
		uint32_t a = regs_catalog[mem[i]].addr, gate = snapcap_gate_of(mem[i]);
		if ((gate != 0) != (gated != 0))
			continue;
		uint32_t end = it ? it->addr + 4u * it->words : 0;
		int extend = it && a == end && it->gate == gate;
		if (it && a > end && (a - end) / 4 <= SNAPCAP_MAX_GAP && snapcap_same_window(it->addr, a))
			extend = 1;
		if (!extend || (a - it->addr) / 4 + 1 > SNAPCAP_MAX_RANGE)
			it = snapcap_add(p, SNAPCAP_MEM32, a);
		if (!it)
			return -1;
		it->gate = gate;
		p->ids[p->n_ids++] = mem[i];
		it->count++;
		it->words = (uint16_t)((a - it->addr) / 4 + 1);
	}
	return 0;
}

void snapcap_plan(struct snapcap_plan *p, enum snap_core core, int halted)
{
	uint8_t mask = snapcap_core_mask(core);
	enum reg_id mem[REG_COUNT];
	size_t n_mem = 0;
	struct snapcap_item *it;

	memset(p, 0, sizeof *p);
	p->core = core;
	p->halted = halted != 0;

	if (p->halted) {
		it = snapcap_add(p, SNAPCAP_CORE, 0);
		for (int r = 0; r < REG_COUNT; r++)
			if (regs_catalog[r].kind == REGS_KIND_CORE && (regs_catalog[r].cores & mask)) {
				p->ids[p->n_ids++] = (enum reg_id)r;
				it->count++;
			}
	}
	for (int r = 0; r < REG_COUNT; r++)
		if (regs_catalog[r].kind == REGS_KIND_MEM32 && (regs_catalog[r].cores & mask))
			mem[n_mem++] = (enum reg_id)r;
	qsort(mem, n_mem, sizeof mem[0], snapcap_cmp_addr);
	/* the ungated ranges first: a gate reads RCC words the script already has */
	if (snapcap_mem32(p, mem, n_mem, 0) != 0)
		return;
	for (int r = 0; r < REG_COUNT; r++)
		if (regs_catalog[r].kind == REGS_KIND_MEM16 && (regs_catalog[r].cores & mask)) {
			it = snapcap_add(p, SNAPCAP_MEM16, regs_catalog[r].addr);
			if (!it)
				return;
			p->ids[p->n_ids++] = (enum reg_id)r;
			it->count = 1;
			it->words = 1;
		}
	if (snapcap_mem32(p, mem, n_mem, 1) != 0)
		return;
	if (p->halted) {
		it = snapcap_add(p, SNAPCAP_MPU, REGS_ADDR_MPU_RNR);
		if (!it)
			return;
		for (int i = 0; i < REGS_MPU_REGIONS; i++) {
			p->ids[p->n_ids++] = (enum reg_id)(REG_MPU_RBAR0 + i);
			p->ids[p->n_ids++] = (enum reg_id)(REG_MPU_RASR0 + i);
			it->count += 2;
		}
		snapcap_add(p, SNAPCAP_STACK_MSP, 0);
		snapcap_add(p, SNAPCAP_STACK_PSP, 0);
	}
}

void snapcap_set_lazy(struct snapcap_plan *p, int on)
{
	p->mpu_lazy = p->otg_lazy = p->stack_lazy = on != 0;
}

/* A growing string. */
struct snapcap_buf {
	char *s;
	size_t n, cap;
	int oom;
};

static void snapcap_put(struct snapcap_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void snapcap_put(struct snapcap_buf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		int w = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (w < 0) {
			b->oom = 1;
			return;
		}
		if (b->s && (size_t)w < b->cap - b->n) {
			b->n += (size_t)w;
			return;
		}
		size_t ncap = (b->cap ? b->cap * 2 : 4096) + (size_t)w;
		char *ns = realloc(b->s, ncap);
		if (!ns) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
}

static char *snapcap_done(struct snapcap_buf *b);

static void snapcap_put_names(struct snapcap_buf *b, const char *const *names, size_t n)
{
	for (size_t k = 0; k < n; k++)
		snapcap_put(b, "%s%s", k ? " " : "", names[k]);
}

/* The get_reg command (see snapcap.h): from OpenOCD's register cache; with
 * check_cache, again from the core when the cache shows pc = 0 and xPSR = 0,
 * which no halted core has after a debug entry (T = 0 and Thread mode at
 * address 0) but an unfilled cache does (target.c). A cache OpenOCD filled,
 * maybe holding a value a debugger set and not yet written back, is never
 * re-read over. Both cache reads cost no JTAG scan. */
static void snapcap_put_get_reg(struct snapcap_buf *b, const char *w, const char *const *names, size_t n,
				int check_cache)
{
	if (check_cache) {
		snapcap_put(b, "if {[lindex [%s get_reg {pc}] 1] == 0 && [lindex [%s get_reg {xPSR}] 1] == 0} "
			       "{%s get_reg -force {", w, w, w);
		snapcap_put_names(b, names, n);
		snapcap_put(b, "}} else {");
	}
	snapcap_put(b, "%s get_reg {", w);
	snapcap_put_names(b, names, n);
	snapcap_put(b, check_cache ? "}}" : "}");
}

char *snapcap_get_reg_cmd(const char *target_word, const char *const *names, size_t n, int check_cache)
{
	struct snapcap_buf b = { 0 };

	if (!target_word || !names || n == 0)
		return NULL;
	snapcap_put_get_reg(&b, target_word, names, n, check_cache);
	return snapcap_done(&b);
}

/* Where gate source register r is in the plan: item index and word index;
 * -1 when it is not a MEM32 item of the plan. */
static int snapcap_find(const struct snapcap_plan *p, enum reg_id r, size_t *item, uint32_t *word)
{
	for (size_t i = 0; i < p->n_items; i++) {
		const struct snapcap_item *it = &p->items[i];
		if (it->kind != SNAPCAP_MEM32)
			continue;
		for (size_t k = 0; k < it->count; k++)
			if (p->ids[it->first + k] == r) {
				*item = i;
				*word = (regs_catalog[r].addr - it->addr) / 4;
				return 0;
			}
	}
	return -1;
}

static int snapcap_is_gate_src(const struct snapcap_plan *p, size_t i)
{
	size_t item;
	uint32_t word;
	for (size_t g = 0; g < sizeof snapcap_gate_src / sizeof snapcap_gate_src[0]; g++)
		if (snapcap_find(p, snapcap_gate_src[g], &item, &word) == 0 && item == i)
			return 1;
	return 0;
}

/* The MPU registers the region walk needs; the plan's MPU block read has
 * them already (MPU_TYPE, MPU_CTRL, MPU_RNR are one read_memory). */
static const enum reg_id snapcap_mpu_src[] = { REG_MPU_CTRL, REG_MPU_TYPE, REG_MPU_RNR };

static int snapcap_has_mpu(const struct snapcap_plan *p)
{
	for (size_t i = 0; i < p->n_items; i++)
		if (p->items[i].kind == SNAPCAP_MPU)
			return 1;
	return 0;
}

/* Does a later item of the script use item i's catch code ($h7_cI)? */
static int snapcap_keeps_code(const struct snapcap_plan *p, size_t i)
{
	size_t item;
	uint32_t word;

	if (p->items[i].kind != SNAPCAP_MEM32)
		return 0;
	if (p->otg_lazy && snapcap_is_gate_src(p, i))
		return 1;
	if (snapcap_has_mpu(p))
		for (size_t k = 0; k < sizeof snapcap_mpu_src / sizeof snapcap_mpu_src[0]; k++)
			if (snapcap_find(p, snapcap_mpu_src[k], &item, &word) == 0 && item == i)
				return 1;
	return 0;
}

/* Set $h7_m, $h7_ty and $h7_o to MPU_CTRL, MPU_TYPE and MPU_RNR for the MPU
 * item `mpu`: taken from the plan's earlier block read when it succeeded
 * (saves a read_memory, 7 JTAG scans, per register), read anew otherwise. */
static void snapcap_put_mpu_regs(struct snapcap_buf *b, const struct snapcap_plan *p, size_t mpu)
{
	static const char *const var[] = { "h7_m", "h7_ty", "h7_o" };
	size_t si[3];
	uint32_t sw[3];
	int have = 1;

	for (size_t k = 0; k < 3; k++)
		if (snapcap_find(p, snapcap_mpu_src[k], &si[k], &sw[k]) != 0 || si[k] >= mpu)
			have = 0;
	if (have) {
		snapcap_put(b, "if {$h7_c%zu == 0", si[0]);
		for (size_t k = 1; k < 3; k++)
			if (si[k] != si[0] && (k == 1 || si[k] != si[1]))
				snapcap_put(b, " && $h7_c%zu == 0", si[k]);
		snapcap_put(b, "} {");
		for (size_t k = 0; k < 3; k++)
			snapcap_put(b, "set %s [lindex $h7_r%zu %u]; ", var[k], si[k], sw[k]);
		snapcap_put(b, "} else {");
	}
	for (size_t k = 0; k < 3; k++)
		snapcap_put(b, "set %s [$h7_t read_memory 0x%08X 32 1]; ", var[k], regs_catalog[snapcap_mpu_src[k]].addr);
	if (have)
		snapcap_put(b, "}; ");
}

/* The capture of plan p ($h7_t names the target): "list ITEMS", or with
 * own_poll "poll off; set h7_res [list ITEMS]; poll on; set h7_res". */
static void snapcap_put_body(struct snapcap_buf *b, const struct snapcap_plan *p, int own_poll)
{
	size_t nmap;
	const struct part_region *map = part_memory_map(&nmap);
	uint8_t mask = snapcap_core_mask(p->core);

	/* OpenOCD polls the targets before every command it runs while polling
	 * is on, inside a script too: 14 JTAG scans (a DHCSR read per core) per
	 * command, counted with h7sim's `stats`. Switching polling off around the
	 * reads halves the cost of a snapshot (`poll off` itself still polls
	 * once, `poll on` does not). It is switched back on in the same script
	 * whatever happens: every read is caught. */
	snapcap_put(b, own_poll ? "poll off; set h7_res [list" : "list");
	for (size_t i = 0; i < p->n_items; i++) {
		const struct snapcap_item *it = &p->items[i];
		int gated = 0;
		/* a gate needs the catch code of the items holding the RCC enable words */
		if (snapcap_keeps_code(p, i))
			snapcap_put(b, " [set h7_c%zu [catch {", i);
		else
			snapcap_put(b, " [catch {");
		switch (it->kind) {
		case SNAPCAP_CORE: {
			const char *names[REG_COUNT];
			for (size_t k = 0; k < it->count; k++)
				names[k] = regs_catalog[p->ids[it->first + k]].ocd_name;
			snapcap_put_get_reg(b, "$h7_t", names, it->count, p->check_cache);
			break;
		}
		case SNAPCAP_MEM32:
		case SNAPCAP_MEM16:
			if (p->otg_lazy && it->gate) {
				/* read unless every enable word was read and has the bit clear */
				size_t si;
				uint32_t sw;
				for (size_t g = 0; g < sizeof snapcap_gate_src / sizeof snapcap_gate_src[0]; g++) {
					if (snapcap_find(p, snapcap_gate_src[g], &si, &sw) != 0 || si >= i)
						continue;
					if (!gated)
						snapcap_put(b, "set h7_on 0; foreach {h7_c h7_v h7_x} [list");
					snapcap_put(b, " $h7_c%zu $h7_r%zu %u", si, si, sw);
					gated = 1;
				}
				if (gated)
					snapcap_put(b,
						    "] {if {$h7_c || [catch {expr {[lindex $h7_v $h7_x] & 0x%08X}} h7_b] || $h7_b} "
						    "{set h7_on 1}}; if {$h7_on == 0} {list off} else {",
						    it->gate);
			}
			snapcap_put(b, "$h7_t read_memory 0x%08X %d %u", it->addr, it->kind == SNAPCAP_MEM32 ? 32 : 16,
				    it->words);
			if (gated)
				snapcap_put(b, "}");
			break;
		case SNAPCAP_MPU:
			/* DREGION = MPU_TYPE[15:8] (PM0253 MPU); RNR restored afterwards */
			snapcap_put_mpu_regs(b, p, i);
			if (p->mpu_lazy)
				snapcap_put(b, "if {($h7_m & 1) == 0} {list off} else {");
			snapcap_put(b,
				    "set h7_n [expr {($h7_ty >> 8) & 0xff}]; set h7_l {}; set h7_bad 0; "
				    "for {set h7_i 0} {$h7_i < $h7_n && $h7_i < %d} {incr h7_i} {"
				    "$h7_t write_memory 0x%08X 32 $h7_i; "
				    "if {[catch {$h7_t read_memory 0x%08X 32 2} h7_v]} {set h7_bad 1; break}; "
				    "lappend h7_l $h7_v}; "
				    "$h7_t write_memory 0x%08X 32 $h7_o; if {$h7_bad} {error $h7_v}; set h7_l",
				    REGS_MPU_REGIONS, REGS_ADDR_MPU_RNR, REGS_ADDR_MPU_RBAR, REGS_ADDR_MPU_RNR);
			if (p->mpu_lazy)
				snapcap_put(b, "}");
			break;
		case SNAPCAP_STACK_MSP:
		case SNAPCAP_STACK_PSP:
			/* get_reg answers from OpenOCD's register cache on a halted core
			 * (about 1-10 us inside OpenOCD, no JTAG scan: measured), so the
			 * stack pointers are simply asked again here */
			snapcap_put(b, "set h7_sp [lindex [$h7_t get_reg {%s}] 1]; ",
				    it->kind == SNAPCAP_STACK_MSP ? "msp" : "psp");
			/* Lazy: exception frames are on a stack only while an exception
			 * is active, i.e. in Handler mode (IPSR != 0; DDI0403, "Exception
			 * entry behavior" and the IPSR); in Thread mode the windows are
			 * "lazy" (not read). The runner's steps run in Thread mode, and a
			 * fault caught by vector catch stops in Handler mode. Saves 38 JTAG
			 * scans (about 3.5 ms) per window. */
			if (p->stack_lazy)
				snapcap_put(b,
					    "if {[catch {expr {([lindex [$h7_t get_reg {xPSR}] 1] & 0x1FF) == 0}} h7_u] == 0 "
					    "&& $h7_u} {list $h7_sp lazy} else {");
			/* read up to SNAP_STACK_WORDS words, not past the end of the RAM region */
			snapcap_put(b, "set h7_w -1; foreach {h7_a h7_b} {");
			for (size_t k = 0; k < nmap; k++)
				if (map[k].kind == PART_MEM_RAM && (map[k].cores & mask))
					snapcap_put(b, "0x%08X 0x%08X ", map[k].start, map[k].end);
			snapcap_put(b,
				    "} {if {$h7_sp >= $h7_a && $h7_sp <= $h7_b} {set h7_w [expr {($h7_b - $h7_sp) / 4}]}}; "
				    "if {$h7_w > %d} {set h7_w %d}; "
				    "if {$h7_w < 0} {list $h7_sp} elseif {$h7_w == 0} {list $h7_sp {}} "
				    "else {list $h7_sp [$h7_t read_memory $h7_sp 32 $h7_w]}",
				    SNAP_STACK_WORDS, SNAP_STACK_WORDS);
			if (p->stack_lazy)
				snapcap_put(b, "}");
			break;
		}
		if (snapcap_keeps_code(p, i))
			snapcap_put(b, "} h7_r%zu]] $h7_r%zu", i, i);
		else
			snapcap_put(b, "} h7_r%zu] $h7_r%zu", i, i);
	}
	snapcap_put(b, !own_poll ? "" : p->keep_poll_off ? "]; set h7_res" : "]; poll on; set h7_res");
}

static char *snapcap_done(struct snapcap_buf *b)
{
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	return b->s;
}

char *snapcap_script(const struct snapcap_plan *p, const char *target_word)
{
	struct snapcap_buf b = { 0 };

	if (!target_word)
		return NULL;
	snapcap_put(&b, "set h7_t %s; ", target_word);
	snapcap_put_body(&b, p, 1);
	return snapcap_done(&b);
}

char *snapcap_script_state(const struct snapcap_plan *halted, const struct snapcap_plan *running,
			   const char *target_word)
{
	struct snapcap_buf b = { 0 };

	if (!target_word)
		return NULL;
	/* `poll off` first: its own poll (the one OpenOCD runs before a command
	 * while polling is on) refreshes the state curstate then reports, and
	 * nothing after it polls again (curstate before `poll off` cost a second
	 * poll, 14 scans). Polling is back on whatever happened, unless it was
	 * off before (halted->keep_poll_off). */
	snapcap_put(&b,
		    "set h7_t %s; poll off; set h7_rc [catch {set h7_st [$h7_t curstate]; "
		    "list $h7_st [if {$h7_st eq {halted}} {",
		    target_word);
	snapcap_put_body(&b, halted, 0);
	snapcap_put(&b, "} else {");
	snapcap_put_body(&b, running, 0);
	snapcap_put(&b, "}]} h7_res]; %sif {$h7_rc} {error $h7_res}; set h7_res",
		    halted->keep_poll_off ? "" : "poll on; ");
	return snapcap_done(&b);
}

static int snapcap_u32(const char *s, uint32_t *v)
{
	long long x;
	if (tcl_parse_int(s, &x) != 0 || x < 0 || x > 0xFFFFFFFFll)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static void snapcap_mark_item(const struct snapcap_plan *p, const struct snapcap_item *it, struct snapshot *s,
			      enum snap_state st)
{
	for (size_t k = 0; k < it->count; k++)
		snapshot_mark(s, p->ids[it->first + k], st);
}

/* A list of count numbers into consecutive ids; 0 or -1. */
static int snapcap_words(const char *payload, size_t len, uint32_t *out, size_t max, size_t *n)
{
	struct tcl_list l;
	if (tcl_list_parse(payload, len, NULL, &l, NULL, 0) != 0)
		return -1;
	int rc = 0;
	if (l.n > max)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		if (snapcap_u32(l.v[i], &out[i]) != 0)
			rc = -1;
	*n = l.n;
	tcl_list_free(&l);
	return rc;
}

static int snapcap_core(const struct snapcap_plan *p, const struct snapcap_item *it, const char *payload,
			size_t len, struct snapshot *s)
{
	struct tcl_list l;
	if (tcl_list_parse(payload, len, NULL, &l, NULL, 0) != 0 || l.n % 2) {
		if (l.v)
			tcl_list_free(&l);
		return -1;
	}
	snapcap_mark_item(p, it, s, SNAP_ERROR); /* anything not in the reply stays an error */
	for (size_t i = 0; i + 1 < l.n; i += 2)
		for (size_t k = 0; k < it->count; k++) {
			enum reg_id id = p->ids[it->first + k];
			uint32_t v;
			if (strcmp(regs_catalog[id].ocd_name, l.v[i]) == 0 && snapcap_u32(l.v[i + 1], &v) == 0)
				snapshot_set(s, id, v);
		}
	tcl_list_free(&l);
	return 0;
}

static void snapcap_mpu(const struct snapcap_plan *p, const struct snapcap_item *it, const char *payload,
			size_t len, struct snapshot *s)
{
	struct tcl_list l;
	if (len == 3 && memcmp(payload, "off", 3) == 0) {
		/* the MPU is disabled and the plan asked for its regions only when enabled */
		snapcap_mark_item(p, it, s, SNAP_UNREAD);
		return;
	}
	if (tcl_list_parse(payload, len, NULL, &l, NULL, 0) != 0 || l.n > REGS_MPU_REGIONS) {
		if (l.v)
			tcl_list_free(&l);
		snapcap_mark_item(p, it, s, SNAP_ERROR);
		return;
	}
	for (size_t r = 0; r < REGS_MPU_REGIONS; r++) {
		enum reg_id rbar = (enum reg_id)(REG_MPU_RBAR0 + r), rasr = (enum reg_id)(REG_MPU_RASR0 + r);
		uint32_t w[2];
		size_t n = 0;
		if (r >= l.n) {
			/* beyond MPU_TYPE.DREGION: the region does not exist on this core */
			snapshot_mark(s, rbar, SNAP_ABSENT);
			snapshot_mark(s, rasr, SNAP_ABSENT);
		} else if (snapcap_words(l.v[r], l.len[r], w, 2, &n) == 0 && n == 2) {
			snapshot_set(s, rbar, w[0]);
			snapshot_set(s, rasr, w[1]);
		} else {
			snapshot_mark(s, rbar, SNAP_ERROR);
			snapshot_mark(s, rasr, SNAP_ERROR);
		}
	}
	(void)p;
	(void)it;
	tcl_list_free(&l);
}

static void snapcap_stack(const char *payload, size_t len, struct snap_stack *st)
{
	struct tcl_list l;
	memset(st, 0, sizeof *st);
	st->state = SNAP_ERROR;
	if (tcl_list_parse(payload, len, NULL, &l, NULL, 0) != 0)
		return;
	size_t n = 0;
	if (l.n == 2 && strcmp(l.v[1], "lazy") == 0 && snapcap_u32(l.v[0], &st->addr) == 0) {
		/* a lazy plan did not read it (Thread mode: no exception frame) */
		st->state = SNAP_UNREAD;
	} else if ((l.n == 1 || l.n == 2) && snapcap_u32(l.v[0], &st->addr) == 0) {
		/* l.n == 1: the stack pointer is outside RAM, nothing could be read;
		 * an empty word list: it is at the very end of a RAM region (empty stack) */
		if (l.n == 2 && snapcap_words(l.v[1], l.len[1], st->w, SNAP_STACK_WORDS, &n) == 0) {
			st->words = (uint8_t)n;
			st->state = SNAP_OK;
		}
	}
	if (st->state != SNAP_OK)
		memset(st->w, 0, sizeof st->w);
	tcl_list_free(&l);
}

int snapcap_parse(const struct snapcap_plan *p, const char *result, size_t len, struct snapshot *s)
{
	struct tcl_list l;

	snapshot_init(s, p->core);
	s->halted = (uint8_t)p->halted;
	uint8_t mask = snapcap_core_mask(p->core);
	for (int r = 0; r < REG_COUNT; r++)
		if (!(regs_catalog[r].cores & mask))
			snapshot_mark(s, (enum reg_id)r, SNAP_ABSENT);
	if (tcl_list_parse(result, len, NULL, &l, NULL, 0) != 0)
		return H7_ERROR_PARSE;
	if (l.n != 2 * p->n_items) {
		tcl_list_free(&l);
		return H7_ERROR_PARSE;
	}
	for (size_t i = 0; i < p->n_items; i++) {
		const struct snapcap_item *it = &p->items[i];
		const char *code = l.v[2 * i], *pl = l.v[2 * i + 1];
		size_t pll = l.len[2 * i + 1];
		int ok = strcmp(code, "0") == 0;
		switch (it->kind) {
		case SNAPCAP_CORE:
			if (!ok || snapcap_core(p, it, pl, pll, s) != 0)
				snapcap_mark_item(p, it, s, SNAP_ERROR);
			break;
		case SNAPCAP_MEM32:
		case SNAPCAP_MEM16: {
			uint32_t w[SNAPCAP_MAX_RANGE];
			size_t n = 0;
			if (ok && p->otg_lazy && it->gate && strcmp(pl, "off") == 0) {
				/* the peripheral's clock is off: not read */
				snapcap_mark_item(p, it, s, SNAP_UNREAD);
			} else if (ok && snapcap_words(pl, pll, w, SNAPCAP_MAX_RANGE, &n) == 0 && n == it->words) {
				for (size_t k = 0; k < it->count; k++) {
					enum reg_id id = p->ids[it->first + k];
					uint32_t idx = (regs_catalog[id].addr - it->addr) / (it->kind == SNAPCAP_MEM32 ? 4 : 2);
					snapshot_set(s, id, w[idx < n ? idx : 0]);
				}
			} else {
				snapcap_mark_item(p, it, s, SNAP_ERROR);
			}
			break;
		}
		case SNAPCAP_MPU:
			if (ok)
				snapcap_mpu(p, it, pl, pll, s);
			else
				snapcap_mark_item(p, it, s, SNAP_ERROR);
			break;
		case SNAPCAP_STACK_MSP:
		case SNAPCAP_STACK_PSP: {
			struct snap_stack *st = it->kind == SNAPCAP_STACK_MSP ? &s->msp_stack : &s->psp_stack;
			if (ok) {
				snapcap_stack(pl, pll, st);
			} else {
				memset(st, 0, sizeof *st);
				st->state = SNAP_ERROR;
			}
			break;
		}
		}
	}
	tcl_list_free(&l);
	return 0;
}

int snapcap_parse_state(const struct snapcap_plan *halted, const struct snapcap_plan *running, const char *result,
			size_t len, struct snapshot *s, char *state, size_t statelen)
{
	struct tcl_list l;
	int rc;

	if (statelen)
		state[0] = 0;
	if (tcl_list_parse(result, len, NULL, &l, NULL, 0) != 0)
		return H7_ERROR_PARSE;
	if (l.n != 2) {
		tcl_list_free(&l);
		return H7_ERROR_PARSE;
	}
	if (statelen)
		snprintf(state, statelen, "%s", l.v[0]);
	rc = snapcap_parse(strcmp(l.v[0], "halted") == 0 ? halted : running, l.v[1], l.len[1], s);
	tcl_list_free(&l);
	return rc;
}
