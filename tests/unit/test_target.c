/* The target layer and the snapshot capture against transcripts recorded from
 * the real OpenOCD 0.12.0 (tests/data/rpc/snapshot-*.txt): one RPC round trip
 * per snapshot (the fake server fails on any extra request), values and
 * states parsed into struct snapshot, absent registers, a failing range that
 * marks only its own registers, the running-core plan, and writes to flash,
 * option bytes or the FLASH controller refused before anything is sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "h7jumpdiag/error.h"
#include "log.h"
#include "ocd_rpc.h"
#include "rpc_fake.h"
#include "snapcap.h"
#include "target.h"
#include "tcl.h"
#include "testutil.h"

static struct ocd_rpc *connect_fake(struct rpc_fake *f)
{
	struct ocd_rpc *r = NULL;
	assert_non_null(f);
	assert_int_equal(ocd_rpc_connect("127.0.0.1", rpc_fake_port(f), NULL, &r), 0);
	return r;
}

static void finish(struct rpc_fake *f)
{
	const char *e = rpc_fake_finish(f);
	if (e)
		fail_msg("%s", e);
	rpc_fake_free(f);
}

/* The recorded reply (unescaped) to the first request that contains `needle`. */
static char *recorded_reply(const char *file, const char *needle, size_t *len)
{
	char *t = tu_read_file(tu_src_path(file), NULL);
	assert_non_null(t);
	char *save = NULL, *out = NULL;
	int found = 0;
	for (char *line = strtok_r(t, "\n", &save); line && !out; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '>' && strstr(line, needle))
			found = 1;
		else if (found && line[0] == '<' && strncmp(line, "< type ", 7) != 0)
			out = rpc_fake_unescape(line + 2, len);
	}
	free(t);
	assert_non_null(out);
	return out;
}

static void test_snapshot_cm7_one_round_trip(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start_file(tu_src_path("tests/data/rpc/snapshot-cm7.txt"));
	struct ocd_rpc *r = connect_fake(f);
	struct target *t = NULL;
	enum target_state st;
	struct snapshot s;

	assert_int_equal(target_open(r, &t), 0);
	assert_true(target_has_core(t, TARGET_CM7));
	assert_true(target_has_core(t, TARGET_CM4));
	assert_string_equal(target_core_name(t, TARGET_CM4), "stm32h7x.cpu1");
	assert_int_equal(target_select(t, TARGET_CM7), 0);
	assert_int_equal(target_state(t, &st), 0);
	assert_int_equal(st, TARGET_STATE_HALTED);
	/* writes that would touch flash, option bytes or the FLASH controller never reach OpenOCD */
	assert_int_equal(target_write32(t, 0x08000000u, 0), H7_ERROR_REFUSED);
	assert_int_equal(target_write32(t, 0x52002018u, 0), H7_ERROR_REFUSED);
	assert_int_equal(target_write32(t, 0x5802480Cu, 0), H7_ERROR_REFUSED);
	uint32_t v[2] = { 0, 0 };
	assert_int_equal(target_write_mem(t, 0x0FFFFFFCu, 32, 2, v), H7_ERROR_REFUSED);
	assert_int_equal(target_load_image(t, tu_src_path("tests/data/rpc/basic.txt"), 0x08000000u), H7_ERROR_REFUSED);

	/* the snapshot: exactly one request (the transcript has no other) */
	assert_int_equal(target_snapshot(t, &s), 0);
	assert_int_equal(s.core, SNAP_CORE_CM7);
	assert_true(s.halted);
	assert_int_equal(s.state[REG_CPUID], SNAP_OK);
	assert_int_equal(s.val[REG_CPUID], 0x411FC271u); /* Cortex-M7 r1p1 */
	assert_int_equal(s.val[REG_DBGMCU_IDC], 0x20036450u); /* STM32H74x/75x rev V */
	assert_int_equal(s.val[REG_FLASH_SIZE], 0x800u); /* 2048 KiB, the 16-bit read */
	assert_int_equal(s.val[REG_PC], 0x1FF09C14u);  /* in the ROM bootloader, */
	assert_int_equal(s.val[REG_MSP], 0x2001FEE0u); /* on its stack, */
	assert_int_equal(s.val[REG_VTOR], 0x1FF09800u); /* with its vector table */
	assert_int_equal(s.state[REG_ABFSR], SNAP_OK); /* CM7 only: present here */
	assert_int_equal(s.state[REG_CONTROL], SNAP_OK);
	/* MPU_TYPE.DREGION = 16 on the Cortex-M7: every region walked */
	assert_int_equal(s.val[REG_MPU_TYPE] >> 8 & 0xFF, 16);
	assert_int_equal(s.state[REG_MPU_RBAR0], SNAP_OK);
	assert_int_equal(s.state[REG_MPU_RASR_LAST], SNAP_OK);
	/* the stack window at MSP (an exception frame: the ROM is in its SysTick handler) */
	assert_int_equal(s.msp_stack.state, SNAP_OK);
	assert_int_equal(s.msp_stack.words, SNAP_STACK_WORDS);
	assert_int_equal(s.msp_stack.addr, 0x2001FEE0u);
	assert_int_equal(s.msp_stack.w[6], 0x1FF09BE8u); /* stacked PC */
	/* nothing left unread on a halted core */
	for (int i = 0; i < REG_COUNT; i++)
		if (s.state[i] == SNAP_UNREAD || s.state[i] == SNAP_ERROR)
			fail_msg("%s is %d", regs_catalog[i].name, s.state[i]);
	target_close(t);
	ocd_rpc_close(r);
	finish(f);
}

/* `h7jumpdiag snapshot --openocd ... --core cm4` end to end on the replayed
 * session: halt (the CM4 was running), one snapshot request, resume. */
static void test_snapshot_cm4_cli(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start_file(tu_src_path("tests/data/rpc/snapshot-cm4.txt"));
	assert_non_null(f);
	char hp[32], *out = NULL, *err = NULL;
	snprintf(hp, sizeof hp, "127.0.0.1:%u", rpc_fake_port(f));
	const char *argv[] = { "h7jumpdiag", "snapshot", "--openocd", hp, "--core", "cm4", NULL };
	int rc = tu_run_cli(argv, &out, &err);
	if (rc != 0)
		print_error("exit %d\nstdout: %s\nstderr: %s\n", rc, out, err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "CM4, halted, resumed"));
	assert_non_null(strstr(out, "CPUID            0x410FC241")); /* Cortex-M4 r0p1 */
	assert_non_null(strstr(out, "ABFSR            (not on this core)"));
	free(out);
	free(err);
	finish(f);

	/* the same session as a JSON report written atomically to a file */
	f = rpc_fake_start_file(tu_src_path("tests/data/rpc/snapshot-cm4.txt"));
	assert_non_null(f);
	snprintf(hp, sizeof hp, "127.0.0.1:%u", rpc_fake_port(f));
	char path[] = "/tmp/h7jd-snap-XXXXXX.json";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	close(fd);
	const char *argv2[] = { "h7jumpdiag", "snapshot", "--openocd", hp, "--core", "cm4", "-f", "json", "-o", path, NULL };
	rc = tu_run_cli(argv2, &out, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "");
	finish(f);
	char *json = tu_read_file(path, NULL);
	assert_non_null(json);
	cJSON *doc = cJSON_Parse(json);
	assert_non_null(doc);
	assert_string_equal(cJSON_GetObjectItem(doc, "report")->valuestring, "snapshot");
	cJSON *snap = cJSON_GetObjectItem(doc, "snapshot");
	assert_string_equal(cJSON_GetObjectItem(snap, "core")->valuestring, "cm4");
	cJSON *regs = cJSON_GetObjectItem(snap, "registers");
	assert_string_equal(cJSON_GetObjectItem(regs, "CPUID")->valuestring, "0x410FC241");
	cJSON_Delete(doc);
	free(json);
	free(out);
	free(err);
	unlink(path);
}

static void test_snapcap_plan(void **state)
{
	(void)state;
	struct snapcap_plan p;
	for (int core = 0; core < 2; core++) {
		snapcap_plan(&p, (enum snap_core)core, 1);
		uint8_t mask = core ? REGS_CM4 : REGS_CM7;
		int seen[REG_COUNT] = { 0 };
		size_t reads = 0;
		for (size_t i = 0; i < p.n_ids; i++)
			seen[p.ids[i]]++;
		for (int r = 0; r < REG_COUNT; r++) {
			/* every register of the core exactly once; none of the other core */
			if (regs_catalog[r].cores & mask)
				assert_int_equal(seen[r], 1);
			else
				assert_int_equal(seen[r], 0);
		}
		for (size_t i = 0; i < p.n_items; i++) {
			if (p.items[i].kind == SNAPCAP_MEM32) {
				const struct snapcap_item *it = &p.items[i];
				uint32_t prev = 0;
				reads++;
				/* a range covers its registers, in order; it spans unlisted
				 * words only inside the windows where reading them is harmless
				 * (NVIC enables..actives, RCC, PWR, FLASH, an OTG core's
				 * GOTGCTL..GRXSTSR) and never from GRXSTSP on (it pops the FIFO) */
				for (size_t k = 0; k < it->count; k++) {
					uint32_t a = regs_catalog[p.ids[it->first + k]].addr;
					assert_true(a >= it->addr && a < it->addr + 4u * it->words);
					assert_true(k == 0 || a > prev);
					prev = a;
				}
				if (it->words > it->count)
					assert_true((it->addr >= 0xE000E100u && it->addr + 4u * it->words <= 0xE000E340u) ||
						    (it->addr >= 0x58024400u && it->addr + 4u * it->words <= 0x58024C00u) ||
						    (it->addr >= 0x52002000u && it->addr + 4u * it->words <= 0x52002200u) ||
						    ((it->addr == 0x40040000u || it->addr == 0x40080000u) && it->words <= 8));
				if (it->addr >= 0x40040000u && it->addr < 0x40100000u)
					assert_false((it->addr & 0xFFFFu) <= 0x20u &&
						     (it->addr & 0xFFFFu) + 4u * it->words > 0x20u &&
						     it->words > it->count); /* GRXSTSP read through a gap */
			}
		}
		/* grouping: far fewer reads than registers */
		assert_true(reads * 6 < p.n_ids);
		char *q = ocd_rpc_quote_str("stm32h7x.cpu0");
		char *script = snapcap_script(&p, q);
		assert_non_null(script);
		assert_true(tcl_braces_balanced(script, strlen(script)));
		assert_true(strlen(script) < OCD_RPC_MAX_REQUEST);
		/* MPU_RNR is restored after the region walk */
		assert_non_null(strstr(script, "write_memory 0xE000ED98 32 $h7_o"));
		free(script);
		free(q);
	}
	/* lazy MPU walk: only when MPU_CTRL.ENABLE is set; "off" leaves the regions unread */
	snapcap_plan(&p, SNAP_CORE_CM7, 1);
	p.mpu_lazy = 1;
	{
		char *q = ocd_rpc_quote_str("stm32h7x.cpu0");
		char *script = snapcap_script(&p, q);
		assert_non_null(strstr(script, "if {($h7_m & 1) == 0} {list off}"));
		/* MPU_CTRL, MPU_TYPE and MPU_RNR come from the MPU block's read when it
		 * succeeded, and are read anew only when it failed */
		assert_non_null(strstr(script, "set h7_m [lindex $h7_r"));
		assert_non_null(strstr(script, "} else {set h7_m [$h7_t read_memory 0xE000ED94 32 1]; "));
		assert_non_null(strstr(script, "poll off;"));
		assert_non_null(strstr(script, "poll on;"));
		assert_true(tcl_braces_balanced(script, strlen(script)));
		free(script);
		free(q);
	}
	/* a running core: no core registers, MPU walk or stacks */
	snapcap_plan(&p, SNAP_CORE_CM7, 0);
	for (size_t i = 0; i < p.n_items; i++)
		assert_true(p.items[i].kind == SNAPCAP_MEM32 || p.items[i].kind == SNAPCAP_MEM16);
}

/* Lazy plans: the pieces a lazy script may answer instead of values. An
 * "off" OTG range is SNAP_UNREAD, but only where the plan put a clock gate;
 * "lazy" leaves a stack window unread; the state word picks the plan. */
static void test_snapcap_lazy(void **state)
{
	(void)state;
	static struct snapcap_plan h, run;
	struct snapshot s;
	char st[16];
	snapcap_plan(&h, SNAP_CORE_CM7, 1);
	snapcap_plan(&run, SNAP_CORE_CM7, 0);
	snapcap_set_lazy(&h, 1);
	snapcap_set_lazy(&run, 1);
	char *q = ocd_rpc_quote_str("stm32h7x.cpu0");
	char *script = snapcap_script_state(&h, &run, q);
	assert_non_null(script);
	assert_true(tcl_braces_balanced(script, strlen(script)));
	assert_non_null(strstr(script, "[$h7_t curstate]"));
	assert_non_null(strstr(script, "{list $h7_sp lazy}"));
	free(script);
	free(q);

	/* a reply: every range "0x0" words, OTG ranges "off", PSP window "lazy" */
	size_t cap = 65536, n = 0;
	char *r = malloc(cap);
	assert_non_null(r);
	n += (size_t)snprintf(r + n, cap - n, "halted {");
	for (size_t i = 0; i < h.n_items; i++) {
		const struct snapcap_item *it = &h.items[i];
		switch (it->kind) {
		case SNAPCAP_CORE:
			n += (size_t)snprintf(r + n, cap - n, "0 {");
			for (size_t k = 0; k < it->count; k++)
				n += (size_t)snprintf(r + n, cap - n, "%s 0x1 ", regs_catalog[h.ids[it->first + k]].ocd_name);
			n += (size_t)snprintf(r + n, cap - n, "} ");
			break;
		case SNAPCAP_MEM32:
		case SNAPCAP_MEM16:
			if (it->gate) {
				n += (size_t)snprintf(r + n, cap - n, "0 off ");
				break;
			}
			n += (size_t)snprintf(r + n, cap - n, "0 {");
			for (size_t k = 0; k < it->words; k++)
				n += (size_t)snprintf(r + n, cap - n, "0x2 ");
			n += (size_t)snprintf(r + n, cap - n, "} ");
			break;
		case SNAPCAP_MPU:
			n += (size_t)snprintf(r + n, cap - n, "0 off ");
			break;
		case SNAPCAP_STACK_MSP:
			n += (size_t)snprintf(r + n, cap - n, "0 {0x24080000 {}} ");
			break;
		case SNAPCAP_STACK_PSP:
			n += (size_t)snprintf(r + n, cap - n, "0 {0x0 lazy} ");
			break;
		}
	}
	n += (size_t)snprintf(r + n, cap - n, "}");
	assert_true(n < cap);
	assert_int_equal(snapcap_parse_state(&h, &run, r, n, &s, st, sizeof st), 0);
	assert_string_equal(st, "halted");
	assert_true(s.halted);
	assert_int_equal(s.state[REG_OTG_FS_DCTL], SNAP_UNREAD);
	assert_int_equal(s.state[REG_OTG_HS_GINTSTS], SNAP_UNREAD);
	assert_int_equal(s.state[REG_RCC_C2_AHB1ENR], SNAP_OK);
	assert_int_equal(s.val[REG_RCC_C2_AHB1ENR], 2);
	assert_int_equal(s.state[REG_MPU_RBAR0], SNAP_UNREAD);
	assert_int_equal(s.psp_stack.state, SNAP_UNREAD);
	assert_int_equal(s.msp_stack.state, SNAP_OK);
	assert_int_equal(s.msp_stack.words, 0);
	assert_int_equal(s.val[REG_PC], 1);
	/* "off" where no gate was planned is not a value: the range is an error */
	struct snapcap_plan *full = malloc(sizeof *full);
	assert_non_null(full);
	*full = h;
	full->otg_lazy = 0;
	assert_int_equal(snapcap_parse(full, strchr(r, '{') + 1, n - 9, &s), 0);
	assert_int_equal(s.state[REG_OTG_FS_DCTL], SNAP_ERROR);
	free(full);
	free(r);

	/* a running core: the running plan */
	assert_int_equal(snapcap_parse_state(&h, &run, "running {0 1 2}", 15, &s, st, sizeof st), H7_ERROR_PARSE);
	assert_string_equal(st, "running");
	assert_int_equal(snapcap_parse_state(&h, &run, "halted", 6, &s, st, sizeof st), H7_ERROR_PARSE);
}

/* Rebuild a recorded reply with item `bad` replaced by a failure. */
static char *with_failed_item(const char *payload, size_t len, size_t bad)
{
	struct tcl_list l;
	assert_int_equal(tcl_list_parse(payload, len, NULL, &l, NULL, 0), 0);
	size_t cap = len + 256, n = 0;
	char *o = malloc(cap);
	for (size_t i = 0; i < l.n; i++) {
		if (i == 2 * bad)
			n += (size_t)snprintf(o + n, cap - n, "1 ");
		else if (i == 2 * bad + 1)
			n += (size_t)snprintf(o + n, cap - n, "{read_memory: failed to read memory} ");
		else
			n += (size_t)snprintf(o + n, cap - n, "{%s} ", l.v[i]);
	}
	tcl_list_free(&l);
	return o;
}

static void test_snapcap_failed_range(void **state)
{
	(void)state;
	size_t len;
	char *reply = recorded_reply("tests/data/rpc/snapshot-cm7.txt", "set h7_t", &len);
	struct tcl_list outer;
	assert_int_equal(tcl_list_parse(reply, len, NULL, &outer, NULL, 0), 0);
	assert_int_equal(outer.n, 2);
	assert_string_equal(outer.v[0], "0");
	/* the script's value: "STATE ITEMS" (snapcap_script_state) */
	struct tcl_list st_items;
	assert_int_equal(tcl_list_parse(outer.v[1], outer.len[1], NULL, &st_items, NULL, 0), 0);
	assert_int_equal(st_items.n, 2);
	assert_string_equal(st_items.v[0], "halted");
	const char *items = st_items.v[1];
	size_t items_len = st_items.len[1];

	struct snapcap_plan p;
	struct snapshot s;
	snapcap_plan(&p, SNAP_CORE_CM7, 1);
	assert_int_equal(snapcap_parse(&p, items, items_len, &s), 0);
	assert_int_equal(s.val[REG_CPUID], 0x411FC271u);

	/* fail the range that holds RCC_CR */
	size_t bad = SIZE_MAX;
	for (size_t i = 0; i < p.n_items && bad == SIZE_MAX; i++)
		for (size_t k = 0; k < p.items[i].count; k++)
			if (p.ids[p.items[i].first + k] == REG_RCC_CR)
				bad = i;
	assert_true(bad != SIZE_MAX);
	char *doctored = with_failed_item(items, items_len, bad);
	assert_int_equal(snapcap_parse(&p, doctored, strlen(doctored), &s), 0);
	for (size_t k = 0; k < p.items[bad].count; k++)
		assert_int_equal(s.state[p.ids[p.items[bad].first + k]], SNAP_ERROR);
	assert_int_equal(s.state[REG_RCC_CR], SNAP_ERROR);
	assert_int_equal(s.state[REG_CPUID], SNAP_OK);   /* others are untouched */
	assert_int_equal(s.state[REG_PWR_CR3], SNAP_OK);
	assert_int_equal(s.state[REG_PC], SNAP_OK);
	free(doctored);

	/* a failed core-register read marks the core block only */
	doctored = with_failed_item(items, items_len, 0);
	assert_int_equal(snapcap_parse(&p, doctored, strlen(doctored), &s), 0);
	assert_int_equal(s.state[REG_PC], SNAP_ERROR);
	assert_int_equal(s.state[REG_CFSR], SNAP_OK);
	free(doctored);

	/* a reply that does not fit the plan is a parse error, not a guess */
	assert_int_equal(snapcap_parse(&p, "0 {1 2}", 7, &s), H7_ERROR_PARSE);
	assert_int_equal(snapcap_parse(&p, "{", 1, &s), H7_ERROR_PARSE);
	struct snapcap_plan p4;
	snapcap_plan(&p4, SNAP_CORE_CM4, 1);
	assert_int_equal(snapcap_parse(&p4, items, items_len, &s), H7_ERROR_PARSE);
	tcl_list_free(&st_items);
	tcl_list_free(&outer);
	free(reply);
}

/* The opening of every target session (as recorded in snapshot-cm7.txt),
 * with OpenOCD's background polling on or off. */
#define OPEN_SCRIPT_POLLING(onoff)                                                           \
	"> list [catch {target names} h7_r] $h7_r\n"                                         \
	"< 0 {stm32h7x.ap2 stm32h7x.cpu0 stm32h7x.cpu1}\n"                                   \
	"> list [catch {targets \"stm32h7x.cpu0\"} h7_r] $h7_r\n"                           \
	"< 0 {}\n"                                                                           \
	"> list [catch {poll} h7_r] $h7_r\n"                                                 \
	"< 0 {background polling: " onoff "\\nTAP: stm32h7x.cpu (enabled)\\n}\n"          \
	"> list [catch {tcl_notifications on} h7_r] $h7_r\n"                                 \
	"< 0 {}\n"
#define OPEN_SCRIPT OPEN_SCRIPT_POLLING("on")
#define CURSTATE(st) "> list [catch {\"stm32h7x.cpu0\" curstate} h7_r] $h7_r\n< 0 " st "\n"

/* Wait for halt by notification: one curstate, the pushed halted event,
 * one confirming curstate; polling would send more requests and fail. */
static void test_wait_halt_by_event(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start(OPEN_SCRIPT CURSTATE("running")
					    "! sleep 300\n"
					    "< type target_event event gdb-halt\\r\\n\n"
					    "< type target_state state halted\\r\\n\n"
					    "< type target_event event halted\\r\\n\n" CURSTATE("halted"));
	struct ocd_rpc *r = connect_fake(f);
	struct target *t = NULL;
	assert_int_equal(target_open(r, &t), 0);
	assert_int_equal(target_wait_halt(t, 5000), 0);
	target_close(t);
	ocd_rpc_close(r);
	finish(f);

	/* no event: a timeout after the deadline, with a last state check */
	f = rpc_fake_start(OPEN_SCRIPT CURSTATE("running") CURSTATE("running"));
	r = connect_fake(f);
	assert_int_equal(target_open(r, &t), 0);
	assert_int_equal(target_wait_halt(t, 200), H7_ERROR_TIMEOUT);
	target_close(t);
	ocd_rpc_close(r);
	finish(f);
}

#define RPC(req, rep) "> list [catch {" req "} h7_r] $h7_r\n< 0 " rep "\n"
/* a get_reg that re-reads from the core when the cache looks unfilled (snapcap_get_reg_cmd) */
#define CHECKED(w, names)                                                                                  \
	"if {[lindex [" w " get_reg {pc}] 1] == 0 && [lindex [" w " get_reg {xPSR}] 1] == 0} {" w " get_reg " \
	"-force {" names "}} else {" w " get_reg {" names "}}"
#define CPU0 "\"stm32h7x.cpu0\""
#define CPU1 "\"stm32h7x.cpu1\""
#define CURSTATE4(st) "> list [catch {\"stm32h7x.cpu1\" curstate} h7_r] $h7_r\n< 0 " st "\n"

/* OpenOCD 0.12 fills its register cache on debug entry, which a core it
 * found halted (or halted itself to clear a lockup) never had: `get_reg`
 * answers zeros there. Reads of a core the tool has not seen run check the
 * cache and fall back to `get_reg -force` (in OpenOCD, one request), and
 * only those. */
static void test_get_reg_checked_until_seen_running(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start(
		OPEN_SCRIPT
		/* found halted: checked */
		CURSTATE("halted") RPC(CHECKED(CPU0, "pc"), "{pc 0xeffffffe}")
		/* resumed: OpenOCD sees the next halt happen, its cache is good */
		RPC("resume", "{}") RPC("halt", "{}") CURSTATE("halted")
		CURSTATE("halted") RPC("\"stm32h7x.cpu0\" get_reg {pc}", "{pc 0x24000010}")
		/* the CM4, found halted too: checked, until a reset (which resets both cores) */
		RPC("targets \"stm32h7x.cpu1\"", "{}")
		CURSTATE4("halted") RPC(CHECKED(CPU1, "pc"), "{pc 0x08100008}")
		RPC("reset halt", "{}") CURSTATE4("halted")
		CURSTATE4("halted") RPC("\"stm32h7x.cpu1\" get_reg {pc}", "{pc 0x08100008}")
		/* seen running through curstate alone */
		RPC("targets \"stm32h7x.cpu0\"", "{}"));
	struct ocd_rpc *r = connect_fake(f);
	struct target *t = NULL;
	uint64_t pc = 0;

	assert_int_equal(target_open(r, &t), 0);
	assert_int_equal(target_get_reg(t, "pc", &pc), 0);
	assert_int_equal(pc, 0xEFFFFFFEu);
	assert_int_equal(target_resume(t), 0);
	assert_int_equal(target_halt(t), 0);
	assert_int_equal(target_get_reg(t, "pc", &pc), 0);
	assert_int_equal(pc, 0x24000010u);
	assert_int_equal(target_select(t, TARGET_CM4), 0);
	assert_int_equal(target_get_reg(t, "pc", &pc), 0);
	assert_int_equal(pc, 0x08100008u);
	assert_int_equal(target_reset_halt(t), 0);
	assert_int_equal(target_get_reg(t, "pc", &pc), 0);
	assert_int_equal(target_select(t, TARGET_CM7), 0);
	target_close(t);
	ocd_rpc_close(r);
	finish(f);

	/* a core found running fills the cache when it halts: never checked */
	f = rpc_fake_start(OPEN_SCRIPT CURSTATE("running") RPC("halt", "{}") CURSTATE("halted") CURSTATE("halted")
				   RPC("\"stm32h7x.cpu0\" get_reg {pc}", "{pc 0x08000400}"));
	r = connect_fake(f);
	enum target_state st;
	assert_int_equal(target_open(r, &t), 0);
	assert_int_equal(target_state(t, &st), 0);
	assert_int_equal(st, TARGET_STATE_RUNNING);
	assert_int_equal(target_halt(t), 0);
	assert_int_equal(target_get_reg(t, "pc", &pc), 0);
	assert_int_equal(pc, 0x08000400u);
	target_close(t);
	ocd_rpc_close(r);
	finish(f);

	/* set_reg on such a core: a forced read after it would drop the value set
	 * (OpenOCD writes it back only on resume), so all core registers are read
	 * (checked) first, and the write is read back from the filled cache */
#define CORE_NAMES "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 sp lr pc xPSR msp psp primask basepri faultmask control"
	f = rpc_fake_start(OPEN_SCRIPT CURSTATE("halted")
				   RPC(CHECKED(CPU0, CORE_NAMES),
				       "{r0 0x0 r1 0x0 r2 0x0 r3 0x0 r4 0x0 r5 0x0 r6 0x0 r7 0x0 r8 0x0 r9 0x0 r10 0x0 r11 0x0 "
				       "r12 0x0 sp 0xffffffd8 lr 0xfffffff9 pc 0xeffffffe xPSR 0x01000003 msp 0xffffffd8 "
				       "psp 0x0 primask 0x00 basepri 0x00 faultmask 0x00 control 0x00}")
				   RPC("\"stm32h7x.cpu0\" set_reg {pc 0x24000000}", "{}") CURSTATE("halted")
				   RPC("\"stm32h7x.cpu0\" get_reg {pc}", "{pc 0x24000000}"));
	r = connect_fake(f);
	assert_int_equal(target_open(r, &t), 0);
	assert_int_equal(target_set_reg(t, "pc", 0x24000000u), 0);
	target_close(t);
	ocd_rpc_close(r);
	finish(f);

	/* the snapshot script asks the same way */
	struct snapcap_plan p;
	snapcap_plan(&p, SNAP_CORE_CM7, 1);
	char *plain = snapcap_script(&p, "\"stm32h7x.cpu0\"");
	p.check_cache = 1;
	char *forced = snapcap_script(&p, "\"stm32h7x.cpu0\"");
	assert_non_null(plain);
	assert_non_null(forced);
	assert_non_null(strstr(plain, "get_reg {r0 "));
	assert_null(strstr(plain, "-force"));
	assert_non_null(strstr(forced, CHECKED("$h7_t", CORE_NAMES)));
	free(plain);
	free(forced);
}

/* What the tool changes in an OpenOCD it shares (--openocd), it puts back:
 * each core's vector catch as found before the first change, and
 * background polling, which a run needs on, back off. A snapshot leaves
 * polling off when it was off. */
static void test_restore_what_was_found(void **state)
{
	(void)state;
	struct rpc_fake *f = rpc_fake_start(
		OPEN_SCRIPT_POLLING("off")
		/* polling off: OpenOCD's state is refreshed by an explicit poll */
		RPC("poll; " CPU0 " curstate", "halted")
		RPC("poll on", "{}")
		RPC(CPU0 " curstate", "halted")
		RPC(CPU0 " cortex_m vector_catch", "{ hard_err: catch\\n  int_err: ignore\\n  bus_err: ignore\\n"
						   "state_err: ignore\\n  chk_err: ignore\\n nocp_err: ignore\\n"
						   "   mm_err: ignore\\n    reset: catch\\n}")
		RPC(CPU0 " cortex_m vector_catch hard_err int_err bus_err state_err chk_err nocp_err mm_err", "{}")
		RPC(CPU0 " cortex_m vector_catch none", "{}")
		RPC(CPU0 " cortex_m vector_catch hard_err reset", "{}")
		RPC("poll off", "{}"));
	struct ocd_rpc *r = connect_fake(f);
	struct target *t = NULL;

	enum target_state st;
	assert_int_equal(target_open(r, &t), 0);
	assert_int_equal(target_state(t, &st), 0);
	assert_int_equal(st, TARGET_STATE_HALTED);
	assert_int_equal(target_polling_on(t), 1);
	assert_int_equal(target_polling_on(t), 0); /* once */
	assert_int_equal(target_state(t, &st), 0);
	assert_int_equal(target_vector_catch(t, TARGET_VC_FAULTS), 0);
	assert_int_equal(target_vector_catch(t, 0), 0); /* recorded once, at the first change */
	target_restore(t);
	target_restore(t); /* nothing left to put back: no request */
	target_close(t);
	ocd_rpc_close(r);
	finish(f);

	/* polling on: nothing to switch, nothing to restore */
	f = rpc_fake_start(OPEN_SCRIPT);
	r = connect_fake(f);
	assert_int_equal(target_open(r, &t), 0);
	assert_int_equal(target_polling_on(t), 0);
	target_restore(t);
	target_close(t);
	ocd_rpc_close(r);
	finish(f);

	/* the snapshot script switches polling off around its reads, and back on
	 * only if it was on */
	struct snapcap_plan h, run;
	snapcap_plan(&h, SNAP_CORE_CM7, 1);
	snapcap_plan(&run, SNAP_CORE_CM7, 0);
	char *on = snapcap_script_state(&h, &run, CPU0);
	h.keep_poll_off = 1;
	char *off = snapcap_script_state(&h, &run, CPU0);
	assert_non_null(on);
	assert_non_null(off);
	assert_non_null(strstr(on, "poll off;"));
	assert_non_null(strstr(on, "poll on;"));
	assert_non_null(strstr(off, "poll off;"));
	assert_null(strstr(off, "poll on"));
	free(on);
	free(off);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_cm7_one_round_trip),
		cmocka_unit_test(test_snapshot_cm4_cli),
		cmocka_unit_test(test_wait_halt_by_event),
		cmocka_unit_test(test_get_reg_checked_until_seen_running),
		cmocka_unit_test(test_restore_what_was_found),
		cmocka_unit_test(test_snapcap_plan),
		cmocka_unit_test(test_snapcap_failed_range),
		cmocka_unit_test(test_snapcap_lazy),
	};
	h7_log_set_level(getenv("H7_TEST_VERBOSE") ? H7_LOG_TRACE : -1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
