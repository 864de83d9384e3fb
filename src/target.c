/* Cortex-M target layer over OpenOCD's Tcl RPC (see target.h). */
#include "target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_rpc.h"
#include "part.h"
#include "snapcap.h"
#include "tcl.h"

#define TARGET_NAME_MAX 64
#define TARGET_MAX_COUNT 65536u

struct target {
	struct ocd_rpc *rpc;
	char name[2][TARGET_NAME_MAX]; /* "" when the core is absent */
	char *word[2];                 /* ocd_rpc_quote()d names */
	enum target_core cur;
	int notify;                    /* tcl_notifications on */
	int mpu_lazy;                  /* see target_set_snapshot_mpu_lazy() */
	int lazy;                      /* see target_set_snapshot_lazy() */
	/* Cores whose registers OpenOCD's cache may not hold (bit per core).
	 * OpenOCD 0.12 reads the core registers into its cache on debug entry,
	 * i.e. when it sees a running (or resetting) core halt. A core it finds
	 * halted already, or halts to clear a lockup ("clearing lockup after
	 * double fault", cortex_m_poll()), never gets that debug entry, and
	 * `get_reg` answers from an unfilled cache: zeros (seen against h7sim:
	 * pc 0x00000000 while `get_reg -force {pc}` reads 0xEFFFFFFE). Reads of
	 * such a core check the cache first and read from the core when it looks
	 * unfilled (snapcap_get_reg_cmd()), until OpenOCD has seen the core run
	 * or reset, or all its core registers were read (a snapshot,
	 * target_refresh_core()). */
	unsigned cache_unseen;
	/* what the session found in OpenOCD, to put back (target_restore()) */
	int poll_found;                /* background polling at target_open(): 1 on, 0 off, -1 unknown */
	int poll_switched;             /* target_polling_on() switched it on */
	uint32_t vc_found[2];          /* TARGET_VC_* of a core before the first target_vector_catch() */
	unsigned vc_changed;           /* bit per core: vc_found[] holds what to restore */
};

#define TARGET_BIT(c) (1u << (unsigned)(c))

/* the cache holds core c's registers, or will once OpenOCD sees it halt */
static void target_cache_filled(struct target *t, enum target_core c)
{
	t->cache_unseen &= ~TARGET_BIT(c);
}

static int target_cache_unseen(const struct target *t)
{
	return (t->cache_unseen & TARGET_BIT(t->cur)) != 0;
}

/* OpenOCD's background polling is off now (found so, not switched on) */
static int target_polling_off(const struct target *t)
{
	return t->poll_found == 0 && !t->poll_switched;
}

static double target_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int target_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

int target_open(struct ocd_rpc *rpc, struct target **out)
{
	char *names = NULL;
	struct tcl_list l;
	int rc;

	if (!rpc || !out)
		return H7_ERROR_INVALID_PARAM;
	*out = NULL;
	rc = ocd_rpc_cmd(rpc, "target names", &names);
	if (rc)
		return rc;
	rc = tcl_list_parse(names, strlen(names), NULL, &l, NULL, 0);
	if (rc) {
		free(names);
		return H7_ERROR_PARSE;
	}
	struct target *t = calloc(1, sizeof *t);
	if (!t) {
		tcl_list_free(&l);
		free(names);
		return H7_ERROR_NO_MEM;
	}
	t->rpc = rpc;
	t->cache_unseen = TARGET_BIT(TARGET_CM7) | TARGET_BIT(TARGET_CM4);
	/* stm32h7x.cfg: cpu0 = Cortex-M7 (AP0), cpu1 = Cortex-M4 (AP3), ap2 = DBGMCU mem_ap */
	for (size_t i = 0; i < l.n; i++) {
		if (l.len[i] >= TARGET_NAME_MAX)
			continue;
		if (target_ends_with(l.v[i], ".cpu0") || (l.n == 1 && !target_ends_with(l.v[i], ".ap2")))
			snprintf(t->name[TARGET_CM7], TARGET_NAME_MAX, "%s", l.v[i]);
		else if (target_ends_with(l.v[i], ".cpu1"))
			snprintf(t->name[TARGET_CM4], TARGET_NAME_MAX, "%s", l.v[i]);
	}
	tcl_list_free(&l);
	if (!t->name[TARGET_CM7][0]) {
		h7_err("OpenOCD has no Cortex-M7 target (targets: %s)", names[0] ? names : "none");
		free(names);
		free(t);
		return H7_ERROR_TARGET;
	}
	free(names);
	for (int c = 0; c < 2; c++)
		if (t->name[c][0] && !(t->word[c] = ocd_rpc_quote_str(t->name[c]))) {
			target_close(t);
			return H7_ERROR_NO_MEM;
		}
	rc = target_select(t, TARGET_CM7);
	if (rc) {
		target_close(t);
		return rc;
	}
	/* `poll` without an argument answers "background polling: on|off" (and
	 * polls the current target once, OpenOCD 0.12 handle_poll_command()) */
	t->poll_found = -1;
	char *pr = NULL;
	if (ocd_rpc_cmd(rpc, "poll", &pr) == 0) {
		if (strstr(pr, "background polling: on"))
			t->poll_found = 1;
		else if (strstr(pr, "background polling: off"))
			t->poll_found = 0;
	}
	free(pr);
	if (t->poll_found == 0)
		h7_info("OpenOCD's background polling is off; the tool leaves it so (a run switches it on and back off)");
	/* halted events for wait-for-halt; polling remains the fallback */
	t->notify = ocd_rpc_notify(rpc, 1) == 0;
	if (!t->notify)
		h7_dbg("tcl_notifications unavailable; waiting for halt by polling");
	*out = t;
	return 0;
}

void target_close(struct target *t)
{
	if (!t)
		return;
	free(t->word[0]);
	free(t->word[1]);
	free(t);
}

struct ocd_rpc *target_rpc(struct target *t)
{
	return t ? t->rpc : NULL;
}

int target_has_core(const struct target *t, enum target_core c)
{
	return t && (c == TARGET_CM7 || c == TARGET_CM4) && t->name[c][0];
}

const char *target_core_name(const struct target *t, enum target_core c)
{
	return target_has_core(t, c) ? t->name[c] : NULL;
}

const char *target_core_label(enum target_core c)
{
	return c == TARGET_CM4 ? "cm4" : "cm7";
}

int target_core_from_label(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "cm7") == 0)
		return TARGET_CM7;
	if (strcmp(s, "cm4") == 0)
		return TARGET_CM4;
	return -1;
}

int target_select(struct target *t, enum target_core c)
{
	if (!target_has_core(t, c))
		return H7_ERROR_NOT_FOUND;
	int rc = ocd_rpc_cmdf(t->rpc, NULL, "targets %s", t->word[c]);
	if (rc == 0)
		t->cur = c;
	return rc;
}

enum target_core target_selected(const struct target *t)
{
	return t->cur;
}

static enum target_state target_state_from(const char *w)
{
	/* OpenOCD target_state_name(): unknown, running, halted, reset, debug-running */
	if (strcmp(w, "running") == 0)
		return TARGET_STATE_RUNNING;
	if (strcmp(w, "halted") == 0)
		return TARGET_STATE_HALTED;
	if (strcmp(w, "reset") == 0)
		return TARGET_STATE_RESET;
	if (strcmp(w, "debug-running") == 0)
		return TARGET_STATE_DEBUG_RUNNING;
	return TARGET_STATE_UNKNOWN;
}

int target_state(struct target *t, enum target_state *st)
{
	char *res = NULL;
	/* with background polling off OpenOCD's state is what it saw last: an
	 * explicit `poll` of the current target refreshes it (same request) */
	int rc = ocd_rpc_cmdf(t->rpc, &res, "%s%s curstate", target_polling_off(t) ? "poll; " : "",
			      t->word[t->cur]);
	*st = TARGET_STATE_UNKNOWN;
	if (rc)
		return rc;
	*st = target_state_from(res);
	free(res);
	if (*st == TARGET_STATE_RUNNING || *st == TARGET_STATE_RESET || *st == TARGET_STATE_DEBUG_RUNNING)
		target_cache_filled(t, t->cur);
	return 0;
}

const char *target_state_name(enum target_state st)
{
	switch (st) {
	case TARGET_STATE_RUNNING: return "running";
	case TARGET_STATE_HALTED: return "halted";
	case TARGET_STATE_RESET: return "reset";
	case TARGET_STATE_DEBUG_RUNNING: return "debug-running";
	default: return "unknown";
	}
}

static int target_check_halted(struct target *t)
{
	enum target_state st;
	int rc = target_state(t, &st);
	if (rc)
		return rc;
	return st == TARGET_STATE_HALTED ? 0 : H7_ERROR_NOT_HALTED;
}

int target_halt(struct target *t)
{
	int rc = ocd_rpc_cmd(t->rpc, "halt", NULL);
	if (rc)
		return rc;
	/* `halt` waits for the halt itself; confirm (a core in reset or locked up may not halt) */
	rc = target_check_halted(t);
	if (rc == H7_ERROR_NOT_HALTED) {
		h7_err("the %s did not halt", target_core_label(t->cur));
		return H7_ERROR_TARGET;
	}
	return rc;
}

int target_resume(struct target *t)
{
	int rc = ocd_rpc_cmd(t->rpc, "resume", NULL);
	if (!rc)
		target_cache_filled(t, t->cur);
	return rc;
}

int target_resume_at(struct target *t, uint32_t addr)
{
	int rc = ocd_rpc_cmdf(t->rpc, NULL, "resume 0x%08X", addr);
	if (!rc)
		target_cache_filled(t, t->cur);
	return rc;
}

int target_step(struct target *t)
{
	int rc = ocd_rpc_cmd(t->rpc, "step", NULL);
	if (!rc)
		target_cache_filled(t, t->cur);
	return rc;
}

/* `reset` resets every target of the chip; OpenOCD sees each one come out of reset */
int target_reset_run(struct target *t)
{
	int rc = ocd_rpc_cmd(t->rpc, "reset run", NULL);
	if (!rc)
		t->cache_unseen = 0;
	return rc;
}

int target_reset_halt(struct target *t)
{
	int rc = ocd_rpc_cmd(t->rpc, "reset halt", NULL);
	if (rc)
		return rc;
	t->cache_unseen = 0;
	return target_check_halted(t);
}

/* how long the core may stay in OpenOCD's "unknown" state before a wait gives up */
#define TARGET_UNKNOWN_GIVE_UP_MS 1000

int target_wait_halt(struct target *t, int timeout_ms)
{
	double deadline = target_now_ms() + timeout_ms;
	double unknown_since = -1;
	enum target_state st;
	int rc;

	for (;;) {
		if (t->notify)
			ocd_rpc_events_clear(t->rpc);
		rc = target_state(t, &st);
		if (rc)
			return rc;
		if (st == TARGET_STATE_HALTED)
			return 0;
		/* "unknown": OpenOCD's poll of the core failed and re-examination
		 * fails too (power lost, cable or debug port gone); it retries with
		 * a growing back-off but the core will not halt by itself */
		if (st != TARGET_STATE_UNKNOWN)
			unknown_since = -1;
		else if (unknown_since < 0)
			unknown_since = target_now_ms();
		else if (target_now_ms() - unknown_since >= TARGET_UNKNOWN_GIVE_UP_MS) {
			h7_err("the %s stopped answering: OpenOCD cannot examine it (power, cable or debug port?)",
			       target_core_label(t->cur));
			return H7_ERROR_TARGET;
		}
		double left = deadline - target_now_ms();
		if (left <= 0)
			return H7_ERROR_TIMEOUT;
		if (ocd_rpc_interrupted())
			return H7_ERROR_INTERRUPTED;
		if (unknown_since >= 0 && left > 100)
			left = 100; /* look again soon */
		if (t->notify) {
			/* any core's halt event wakes us; curstate above tells whether it was ours */
			rc = ocd_rpc_wait_event(t->rpc, "halted", (int)left + 1);
			if (rc == H7_ERROR_TIMEOUT)
				continue; /* one last state check, then the deadline test */
			if (rc)
				return rc;
		} else {
			struct timespec ts = { 0, 20 * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
}

/* ---- memory ---- */

static int target_width_ok(unsigned width)
{
	return width == 8 || width == 16 || width == 32;
}

int target_read_mem(struct target *t, uint32_t addr, unsigned width, uint32_t count, uint32_t *out)
{
	char *res = NULL;
	struct tcl_list l;
	int rc;

	if (!target_width_ok(width) || count == 0 || count > TARGET_MAX_COUNT || !out)
		return H7_ERROR_INVALID_PARAM;
	if ((uint64_t)addr + (uint64_t)count * (width / 8) > 0x100000000ull)
		return H7_ERROR_INVALID_PARAM;
	rc = ocd_rpc_cmdf(t->rpc, &res, "%s read_memory 0x%08X %u %u", t->word[t->cur], addr, width, count);
	if (rc == H7_ERROR_OPENOCD && strstr(ocd_rpc_last_error(t->rpc), "failed to read memory"))
		return H7_ERROR_MEMORY;
	if (rc)
		return rc;
	rc = tcl_list_parse(res, strlen(res), NULL, &l, NULL, 0);
	free(res);
	if (rc)
		return H7_ERROR_PARSE;
	if (l.n != count) {
		tcl_list_free(&l);
		return H7_ERROR_PARSE;
	}
	for (size_t i = 0; i < l.n; i++) {
		long long v;
		if (tcl_parse_int(l.v[i], &v) || v < 0 || v > (width == 32 ? 0xFFFFFFFFll : (1ll << width) - 1)) {
			tcl_list_free(&l);
			return H7_ERROR_PARSE;
		}
		out[i] = (uint32_t)v;
	}
	tcl_list_free(&l);
	return 0;
}

int target_write_mem(struct target *t, uint32_t addr, unsigned width, uint32_t count, const uint32_t *vals)
{
	char why[160];
	int rc;

	if (!target_width_ok(width) || count == 0 || count > TARGET_MAX_COUNT || !vals)
		return H7_ERROR_INVALID_PARAM;
	if ((uint64_t)addr + (uint64_t)count * (width / 8) > 0x100000000ull)
		return H7_ERROR_REFUSED;
	rc = part_check_write(addr, count * (width / 8), why, sizeof why);
	if (rc) {
		h7_err("refused to write %u bytes at 0x%08X: %s", count * (width / 8), addr, why);
		return rc;
	}
	/* "name write_memory 0xADDR W {v v v}": 11 bytes per value at most */
	size_t cap = 96 + (size_t)count * 12;
	char *s = malloc(cap);
	if (!s)
		return H7_ERROR_NO_MEM;
	size_t n = (size_t)snprintf(s, cap, "%s write_memory 0x%08X %u {", t->word[t->cur], addr, width);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t v = vals[i];
		if (width < 32)
			v &= (1u << width) - 1;
		n += (size_t)snprintf(s + n, cap - n, "%s0x%X", i ? " " : "", v);
	}
	snprintf(s + n, cap - n, "}");
	rc = ocd_rpc_cmd(t->rpc, s, NULL);
	free(s);
	if (rc == H7_ERROR_OPENOCD && strstr(ocd_rpc_last_error(t->rpc), "failed to write memory"))
		return H7_ERROR_MEMORY;
	return rc;
}

int target_read32(struct target *t, uint32_t addr, uint32_t *v)
{
	return target_read_mem(t, addr, 32, 1, v);
}

int target_write32(struct target *t, uint32_t addr, uint32_t v)
{
	return target_write_mem(t, addr, 32, 1, &v);
}

/* ---- registers ---- */

static int target_reg_name_ok(const char *n)
{
	/* OpenOCD register names: letters, digits, '_' (r0, xPSR, d15, fpscr) */
	if (!n || !*n || strlen(n) > 32)
		return 0;
	for (const char *p = n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

int target_get_regs(struct target *t, const char *const *names, size_t n, uint64_t *vals)
{
	char *res = NULL;
	struct tcl_list l;
	int rc;

	if (!names || !vals || n == 0 || n > 256)
		return H7_ERROR_INVALID_PARAM;
	for (size_t i = 0; i < n; i++)
		if (!target_reg_name_ok(names[i]))
			return H7_ERROR_INVALID_PARAM;
	rc = target_check_halted(t);
	if (rc)
		return rc;
	char *s = snapcap_get_reg_cmd(t->word[t->cur], names, n, target_cache_unseen(t));
	if (!s)
		return H7_ERROR_NO_MEM;
	rc = ocd_rpc_cmd(t->rpc, s, &res);
	free(s);
	if (rc == H7_ERROR_OPENOCD && strstr(ocd_rpc_last_error(t->rpc), "unknown register"))
		return H7_ERROR_NOT_FOUND;
	if (rc)
		return rc;
	rc = tcl_list_parse(res, strlen(res), NULL, &l, NULL, 0);
	free(res);
	if (rc)
		return H7_ERROR_PARSE;
	if (l.n != 2 * n) {
		tcl_list_free(&l);
		return H7_ERROR_PARSE;
	}
	for (size_t i = 0; i < n; i++) {
		long long v;
		if (strcmp(l.v[2 * i], names[i]) != 0 || tcl_parse_int(l.v[2 * i + 1], &v)) {
			tcl_list_free(&l);
			return H7_ERROR_PARSE;
		}
		vals[i] = (uint64_t)v;
	}
	tcl_list_free(&l);
	return 0;
}

int target_get_reg(struct target *t, const char *name, uint64_t *v)
{
	return target_get_regs(t, &name, 1, v);
}

/* Make OpenOCD's cache hold the core registers of the current core (read
 * from the core if the cache was never filled, snapcap_get_reg_cmd()), so
 * that a value written with set_reg stays: a forced read after it would
 * replace the value before OpenOCD writes it back on resume. */
static int target_refresh_core(struct target *t)
{
	const char *names[REG_COUNT];
	uint64_t vals[REG_COUNT];
	uint8_t mask = t->cur == TARGET_CM4 ? REGS_CM4 : REGS_CM7;
	size_t n = 0;

	for (int r = 0; r < REG_COUNT; r++)
		if (regs_catalog[r].kind == REGS_KIND_CORE && (regs_catalog[r].cores & mask))
			names[n++] = regs_catalog[r].ocd_name;
	int rc = target_get_regs(t, names, n, vals);
	if (!rc)
		target_cache_filled(t, t->cur);
	return rc;
}

int target_set_reg(struct target *t, const char *name, uint64_t v)
{
	if (!target_reg_name_ok(name))
		return H7_ERROR_INVALID_PARAM;
	int rc = target_cache_unseen(t) ? target_refresh_core(t) : target_check_halted(t);
	if (rc)
		return rc;
	/* set_reg answers 0 even for a malformed value (openocd-and-sim.md): the
	 * value is always well-formed here, and the register is read back */
	rc = ocd_rpc_cmdf(t->rpc, NULL, "%s set_reg {%s 0x%llx}", t->word[t->cur], name, (unsigned long long)v);
	if (rc == H7_ERROR_OPENOCD && strstr(ocd_rpc_last_error(t->rpc), "unknown register"))
		return H7_ERROR_NOT_FOUND;
	if (rc)
		return rc;
	uint64_t back;
	rc = target_get_reg(t, name, &back);
	if (rc)
		return rc;
	return back == v ? 0 : H7_ERROR_MISMATCH;
}

/* ---- breakpoints, vector catch, images ---- */

int target_bp_add(struct target *t, uint32_t addr, unsigned len)
{
	if (len != 2 && len != 4)
		return H7_ERROR_INVALID_PARAM;
	return ocd_rpc_cmdf(t->rpc, NULL, "bp 0x%08X %u hw", addr, len);
}

int target_bp_remove(struct target *t, uint32_t addr)
{
	return ocd_rpc_cmdf(t->rpc, NULL, "rbp 0x%08X", addr);
}

/* OpenOCD cortex_m vector_catch names (src/target/cortex_m.c) for the DEMCR bits */
static const struct {
	uint32_t bit;
	const char *name;
} target_vc_names[] = {
	{ TARGET_VC_HARDERR, "hard_err" }, { TARGET_VC_INTERR, "int_err" }, { TARGET_VC_BUSERR, "bus_err" },
	{ TARGET_VC_STATERR, "state_err" }, { TARGET_VC_CHKERR, "chk_err" }, { TARGET_VC_NOCPERR, "nocp_err" },
	{ TARGET_VC_MMERR, "mm_err" }, { TARGET_VC_CORERESET, "reset" },
};

/* The current core's vector catch: `cortex_m vector_catch` without an
 * argument lists every name as "NAME: catch" or "NAME: ignore". */
static int target_vc_query(struct target *t, uint32_t *mask)
{
	char *res = NULL;
	int rc = ocd_rpc_cmdf(t->rpc, &res, "%s cortex_m vector_catch", t->word[t->cur]);

	*mask = 0;
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof target_vc_names / sizeof target_vc_names[0]; i++) {
		char want[32];
		snprintf(want, sizeof want, "%s: catch", target_vc_names[i].name);
		for (const char *p = strstr(res, want); p; p = strstr(p + 1, want))
			if (p == res || p[-1] == ' ' || p[-1] == '\n') { /* not the tail of a longer name */
				*mask |= target_vc_names[i].bit;
				break;
			}
	}
	free(res);
	return 0;
}

static int target_vc_set(struct target *t, uint32_t mask)
{
	char s[200];
	size_t n = (size_t)snprintf(s, sizeof s, "%s cortex_m vector_catch", t->word[t->cur]);

	if (!mask)
		n += (size_t)snprintf(s + n, sizeof s - n, " none");
	for (size_t i = 0; i < sizeof target_vc_names / sizeof target_vc_names[0]; i++)
		if (mask & target_vc_names[i].bit)
			n += (size_t)snprintf(s + n, sizeof s - n, " %s", target_vc_names[i].name);
	return ocd_rpc_cmd(t->rpc, s, NULL);
}

int target_vector_catch(struct target *t, uint32_t mask)
{
	if (mask & ~(TARGET_VC_FAULTS | TARGET_VC_CORERESET))
		return H7_ERROR_INVALID_PARAM;
	if (!(t->vc_changed & TARGET_BIT(t->cur))) {
		uint32_t found;
		int rc = target_vc_query(t, &found);
		if (rc)
			return rc;
		t->vc_found[t->cur] = found;
		t->vc_changed |= TARGET_BIT(t->cur);
	}
	return target_vc_set(t, mask);
}

int target_polling_on(struct target *t)
{
	if (t->poll_found != 0 || t->poll_switched)
		return 0;
	if (ocd_rpc_cmd(t->rpc, "poll on", NULL) != 0)
		return 0;
	t->poll_switched = 1;
	return 1;
}

void target_restore(struct target *t)
{
	enum target_core was;

	if (!t)
		return;
	was = t->cur;
	for (int c = TARGET_CM7; c <= TARGET_CM4; c++) {
		if (!(t->vc_changed & TARGET_BIT(c)) || !target_has_core(t, (enum target_core)c))
			continue;
		if ((t->cur == (enum target_core)c || target_select(t, (enum target_core)c) == 0) &&
		    target_vc_set(t, t->vc_found[c]) == 0)
			t->vc_changed &= ~TARGET_BIT(c);
	}
	if (t->cur != was)
		target_select(t, was);
	if (t->poll_switched && ocd_rpc_cmd(t->rpc, "poll off", NULL) == 0)
		t->poll_switched = 0;
}

int target_load_image(struct target *t, const char *path, uint32_t addr)
{
	struct stat sb;
	char why[160];

	if (!path)
		return H7_ERROR_INVALID_PARAM;
	if (stat(path, &sb) != 0) {
		h7_err("cannot load %s: %s", path, strerror(errno));
		return H7_ERROR_NOT_FOUND;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size <= 0 || sb.st_size > 0x80000) {
		h7_err("cannot load %s: not a regular file of 1 byte to 512 KiB", path);
		return H7_ERROR_INVALID_PARAM;
	}
	int rc = part_check_load(addr, (uint32_t)sb.st_size, why, sizeof why);
	if (rc) {
		h7_err("refused to load %s at 0x%08X: %s", path, addr, why);
		return rc;
	}
	char *q = ocd_rpc_quote_str(path);
	if (!q)
		return H7_ERROR_NO_MEM;
	rc = ocd_rpc_cmdf(t->rpc, NULL, "load_image %s 0x%08X bin", q, addr);
	free(q);
	return rc;
}

/* ---- snapshot ---- */

void target_set_snapshot_mpu_lazy(struct target *t, int on)
{
	t->mpu_lazy = on != 0;
}

void target_set_snapshot_lazy(struct target *t, int on)
{
	t->lazy = on != 0;
	t->mpu_lazy = on != 0;
}

int target_snapshot(struct target *t, struct snapshot *s)
{
	/* static: two plans are about 5 KiB; the tool is single-threaded */
	static struct snapcap_plan halted, running;
	enum snap_core core = t->cur == TARGET_CM4 ? SNAP_CORE_CM4 : SNAP_CORE_CM7;
	char *res = NULL, state[24];
	int rc;
	double t0 = target_now_ms();

	snapcap_plan(&halted, core, 1);
	snapcap_plan(&running, core, 0);
	snapcap_set_lazy(&halted, t->lazy);
	snapcap_set_lazy(&running, t->lazy);
	halted.mpu_lazy = t->mpu_lazy;
	halted.check_cache = target_cache_unseen(t);
	/* the script switches polling off around its reads, then back on, or
	 * leaves it off when OpenOCD's polling is off (found so, not switched on) */
	halted.keep_poll_off = target_polling_off(t);
	char *script = snapcap_script_state(&halted, &running, t->word[t->cur]);
	if (!script)
		return H7_ERROR_NO_MEM;
	rc = ocd_rpc_cmd(t->rpc, script, &res);
	free(script);
	if (rc)
		return rc;
	rc = snapcap_parse_state(&halted, &running, res, strlen(res), s, state, sizeof state);
	free(res);
	if (rc) {
		h7_err("the snapshot reply does not match its request");
		return rc;
	}
	if (halted.check_cache && s->halted && snap_ok(s, REG_PC))
		target_cache_filled(t, t->cur); /* the core registers are in the cache now (target_refresh_core()) */
	h7_dbg("snapshot of the %s (%s%s) in %.1f ms", target_core_label(t->cur),
	       target_state_name(target_state_from(state)), halted.check_cache ? ", register cache checked" : "",
	       target_now_ms() - t0);
	return 0;
}
