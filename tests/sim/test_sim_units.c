/* Unit tests of h7sim's pure layers: the remote_bitbang parser and JTAG chain
 * (against the byte streams OpenOCD sends), the JTAG-DP and MEM-AP over a
 * small memory, the D-cache junk model, the ELF loader's parser and the
 * control-socket command interpreter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"
#include "dap.h"
#include "dcache.h"
#include "elfload.h"
#include "h7jumpdiag/error.h"
#include "jtag.h"
#include "rbb.h"
#include "simlog.h"
#include "soc.h"
#include "testutil.h"

/* ------------------------------------------------------------ remote_bitbang */

struct rbb_stream {
	char buf[8192];
	size_t n;
};

/* one TCK cycle as OpenOCD's bitbang driver sends it: TCK low with TMS/TDI,
 * (optionally 'R' to sample TDO), then TCK high */
static void rs_clock(struct rbb_stream *s, int tms, int tdi, int sample)
{
	s->buf[s->n++] = (char)('0' + (tms << 1) + tdi);
	if (sample)
		s->buf[s->n++] = 'R';
	s->buf[s->n++] = (char)('4' + (tms << 1) + tdi);
}

static uint64_t rs_run(struct rbb *r, struct jtag *j, struct rbb_stream *s, unsigned *nbits)
{
	uint8_t out[8192];
	int quit = 1;
	size_t n = rbb_feed(r, j, (const uint8_t *)s->buf, s->n, out, sizeof(out), &quit);
	uint64_t v = 0;

	assert_int_equal(quit, 0);
	assert_true(n <= 64);
	for (size_t i = 0; i < n; i++) {
		assert_true(out[i] == '0' || out[i] == '1');
		v |= (uint64_t)(out[i] - '0') << i;
	}
	*nbits = (unsigned)n;
	return v;
}

static void test_rbb_idcode_chain(void **state)
{
	struct jtag j;
	struct rbb r;
	struct rbb_stream s = { .n = 0 };
	unsigned nbits;
	uint64_t v;

	(void)state;
	jtag_init(&j, NULL);
	rbb_init(&r);
	/* OpenOCD's chain scan: TLR, then shift 64 bits of DR with TDI high */
	for (int i = 0; i < 5; i++)
		rs_clock(&s, 1, 0, 0);
	rs_clock(&s, 0, 0, 0); /* RTI */
	rs_clock(&s, 1, 0, 0); /* Select-DR */
	rs_clock(&s, 0, 0, 0); /* Capture-DR */
	rs_clock(&s, 0, 0, 0); /* Shift-DR */
	for (int i = 0; i < 64; i++)
		rs_clock(&s, i == 63, 1, 1);
	v = rs_run(&r, &j, &s, &nbits);
	assert_int_equal(nbits, 64);
	/* the JTAG-DP is nearest TDO, then the boundary-scan TAP */
	assert_int_equal((uint32_t)v, JTAG_DP_IDCODE);
	assert_int_equal((uint32_t)(v >> 32), JTAG_BS_IDCODE);
	assert_int_equal(j.state, JTAG_EX1DR);
}

static void test_rbb_ir_capture_and_reset_codes(void **state)
{
	struct jtag j;
	struct rbb r;
	struct rbb_stream s = { .n = 0 };
	unsigned nbits;
	uint64_t v;
	uint8_t out[4];
	int quit = 0;

	(void)state;
	jtag_init(&j, NULL);
	rbb_init(&r);
	for (int i = 0; i < 5; i++)
		rs_clock(&s, 1, 0, 0);
	rs_clock(&s, 0, 0, 0);
	rs_clock(&s, 1, 0, 0);
	rs_clock(&s, 1, 0, 0); /* Select-IR */
	rs_clock(&s, 0, 0, 0); /* Capture-IR */
	rs_clock(&s, 0, 0, 0); /* Shift-IR */
	/* shift BYPASS into both (9 ones), reading the capture values */
	for (int i = 0; i < 9; i++)
		rs_clock(&s, i == 8, 1, 1);
	rs_clock(&s, 1, 0, 0); /* Update-IR */
	v = rs_run(&r, &j, &s, &nbits);
	assert_int_equal(nbits, 9);
	/* IR capture: DP 0b0001, boundary scan 0b00001 */
	assert_int_equal(v, 0x11u);
	assert_int_equal(j.ir_dp, JTAG_IR_BYPASS);
	assert_int_equal(j.ir_bs, JTAG_BS_IR_BYPASS);
	/* 't' asserts TRST: both TAPs back to IDCODE; 'Q' stops the parser; junk is counted */
	assert_int_equal(rbb_feed(&r, &j, (const uint8_t *)"xtrBbQR", 7, out, sizeof(out), &quit), 0);
	assert_int_equal(quit, 1);
	assert_int_equal(j.ir_dp, JTAG_IR_IDCODE);
	assert_int_equal(r.unknown, 1);
}

/* ------------------------------------------------------------ JTAG-DP / MEM-AP */

static uint32_t mem[64];

static int bus_read(void *ctx, unsigned ap, uint32_t addr, unsigned size, uint32_t *val)
{
	(void)ctx;
	if (ap != 0 || addr < 0x1000 || addr >= 0x1000 + sizeof(mem))
		return -1;
	memcpy(val, (uint8_t *)mem + (addr - 0x1000), size);
	if (size < 4)
		*val &= size == 1 ? 0xFFu : 0xFFFFu;
	return 0;
}

static int bus_write(void *ctx, unsigned ap, uint32_t addr, unsigned size, uint32_t val)
{
	(void)ctx;
	if (ap != 0 || addr < 0x1000 || addr >= 0x1000 + sizeof(mem))
		return -1;
	memcpy((uint8_t *)mem + (addr - 0x1000), &val, size);
	return 0;
}

struct dp_fixture {
	struct dap d;
	struct jtag j;
};

static void dp_ir(struct jtag *j, unsigned ir)
{
	/* to Shift-IR from Run-Test/Idle, shift 4 bits for the DP and 5 for BS */
	uint8_t tms[1] = { 0x3 }, tdi[2] = { (uint8_t)(ir | (0x1F << 4)), 0x1 }, t2[1] = { 0x1 };

	jtag_tms_seq(j, tms, 4);       /* RTI -> Select-DR -> Select-IR -> Capture-IR -> Shift-IR */
	jtag_scan(j, tdi, NULL, 9, true);
	jtag_tms_seq(j, t2, 2);        /* Update-IR, RTI */
}

/* one 35-bit DPACC/APACC scan; returns the 35 captured bits */
static uint64_t dp_scan(struct jtag *j, int rnw, unsigned a, uint32_t data)
{
	uint64_t in = (uint64_t)rnw | ((uint64_t)(a >> 2) << 1) | ((uint64_t)data << 3);
	uint8_t tdi[5], tdo[5] = { 0 }, tms[1] = { 0x1 }, t2[1] = { 0x1 };
	uint64_t out = 0;

	for (int i = 0; i < 5; i++)
		tdi[i] = (uint8_t)(in >> (8 * i));
	/* the boundary-scan TAP is in BYPASS: one more bit after the DR */
	jtag_tms_seq(j, tms, 3);       /* RTI -> Select-DR -> Capture-DR -> Shift-DR */
	jtag_scan(j, tdi, tdo, 35, false);
	{
		uint8_t z[1] = { 0 }, o[1] = { 0 };

		jtag_scan(j, z, o, 1, true);
	}
	jtag_tms_seq(j, t2, 2);        /* Update-DR, RTI */
	for (int i = 0; i < 5; i++)
		out |= (uint64_t)tdo[i] << (8 * i);
	return out & ((1ull << 35) - 1);
}

static uint32_t dp_read(struct jtag *j, unsigned ir, unsigned a)
{
	uint64_t v;

	dp_ir(j, ir);
	assert_int_equal(dp_scan(j, 1, a, 0) & 7u, DAP_ACK_OK);
	dp_ir(j, JTAG_IR_DPACC);
	v = dp_scan(j, 1, 0xC, 0); /* RDBUFF collects the posted result */
	assert_int_equal(v & 7u, DAP_ACK_OK);
	return (uint32_t)(v >> 3);
}

static void dp_write(struct jtag *j, unsigned ir, unsigned a, uint32_t v)
{
	dp_ir(j, ir);
	assert_int_equal(dp_scan(j, 0, a, v) & 7u, DAP_ACK_OK);
}

static void test_dap_power_up_and_mem_ap(void **state)
{
	struct dp_fixture *f = calloc(1, sizeof(*f));
	struct dap_bus bus = { NULL, bus_read, bus_write };
	uint8_t tms[1] = { 0x1F }, rti[1] = { 0 };
	uint32_t v;

	(void)state;
	memset(mem, 0, sizeof(mem));
	dap_init(&f->d, &bus);
	jtag_init(&f->j, &f->d);
	jtag_tms_seq(&f->j, tms, 5);
	jtag_tms_seq(&f->j, rti, 1);
	/* CTRL/STAT: the power-up requests are acknowledged */
	dp_write(&f->j, JTAG_IR_DPACC, 0x4, 0x50000000u);
	v = dp_read(&f->j, JTAG_IR_DPACC, 0x4);
	assert_int_equal(v & 0xF0000000u, 0xF0000000u);
	/* AP0: CSW 32-bit single increment, TAR, two DRW writes, read back */
	dp_write(&f->j, JTAG_IR_DPACC, 0x8, 0x00000000u);
	dp_write(&f->j, JTAG_IR_APACC, 0x0, 0x23000012u);
	assert_int_equal(dp_read(&f->j, JTAG_IR_APACC, 0x0) & 0x37u, 0x12u);
	dp_write(&f->j, JTAG_IR_APACC, 0x4, 0x1000u);
	dp_write(&f->j, JTAG_IR_APACC, 0xC, 0xCAFEBABEu);
	dp_write(&f->j, JTAG_IR_APACC, 0xC, 0x12345678u);
	assert_int_equal(mem[0], 0xCAFEBABEu);
	assert_int_equal(mem[1], 0x12345678u);
	dp_write(&f->j, JTAG_IR_APACC, 0x4, 0x1004u);
	assert_int_equal(dp_read(&f->j, JTAG_IR_APACC, 0xC), 0x12345678u);
	/* packed transfers are refused: AddrInc reads back as single */
	dp_write(&f->j, JTAG_IR_APACC, 0x0, 0x23000020u);
	assert_int_equal(dp_read(&f->j, JTAG_IR_APACC, 0x0) & 0x30u, 0x10u);
	/* byte write on its lane */
	dp_write(&f->j, JTAG_IR_APACC, 0x4, 0x1001u);
	dp_write(&f->j, JTAG_IR_APACC, 0xC, 0x0000AB00u);
	assert_int_equal(mem[0], 0xCAFEABBEu);
	/* a bus error sets STICKYERR; AP accesses are then discarded until W1C */
	dp_write(&f->j, JTAG_IR_APACC, 0x0, 0x23000012u);
	dp_write(&f->j, JTAG_IR_APACC, 0x4, 0x9000u);
	dp_write(&f->j, JTAG_IR_APACC, 0xC, 1u);
	assert_true(dp_read(&f->j, JTAG_IR_DPACC, 0x4) & DAP_CTRL_STICKYERR);
	dp_write(&f->j, JTAG_IR_APACC, 0x4, 0x1000u);
	dp_write(&f->j, JTAG_IR_APACC, 0xC, 0x55u);
	assert_int_equal(mem[0], 0xCAFEABBEu);
	dp_write(&f->j, JTAG_IR_DPACC, 0x4, 0x50000000u | DAP_CTRL_STICKYERR);
	assert_false(dp_read(&f->j, JTAG_IR_DPACC, 0x4) & DAP_CTRL_STICKYERR);
	dp_write(&f->j, JTAG_IR_APACC, 0x4, 0x1000u);
	dp_write(&f->j, JTAG_IR_APACC, 0xC, 0x55u);
	assert_int_equal(mem[0], 0x55u);
	assert_int_equal(f->d.bus_errors, 1);
	free(f);
}

/* ------------------------------------------------------------ D-cache junk */

static void sweep(struct dcache *d, unsigned *wb, unsigned *unmapped)
{
	uint8_t data[DCACHE_LINE];
	uint32_t addr;

	*wb = *unmapped = 0;
	/* CMSIS 5 SCB_DisableDCache order: sets 127..0, ways 3..0 */
	for (int set = DCACHE_SETS - 1; set >= 0; set--)
		for (int way = DCACHE_WAYS - 1; way >= 0; way--)
			if (dcache_setway(d, ((uint32_t)set << 5) | ((uint32_t)way << 30), DCACHE_CLEAN_INVAL, &addr, data)) {
				(*wb)++;
				*unmapped += dcache_addr_reserved(addr);
				assert_int_equal(addr & 0x1Fu, 0u);
				assert_int_equal((addr >> 5) & 0x7Fu, (uint32_t)set);
			}
}

static void test_dcache_junk_model(void **state)
{
	struct dcache *d = malloc(sizeof(*d)), *e = malloc(sizeof(*e));
	unsigned dirty, unmapped, wb, wb_unmapped;
	enum dcache_junk m;

	(void)state;
	/* the default (--seed 1, mixed): both kinds of write-back */
	dcache_power_on(d, 1, DCACHE_JUNK_MIXED);
	dcache_census(d, &dirty, &unmapped);
	assert_true(unmapped >= 1);
	assert_true(dirty > unmapped);
	sweep(d, &wb, &wb_unmapped);
	assert_int_equal(wb, dirty);
	assert_int_equal(wb_unmapped, unmapped);
	dcache_census(d, &dirty, &unmapped);
	assert_int_equal(dirty, 0); /* cleaned and invalidated */
	/* reproducible from the seed */
	dcache_power_on(d, 42, DCACHE_JUNK_MIXED);
	dcache_power_on(e, 42, DCACHE_JUNK_MIXED);
	assert_memory_equal(d->line, e->line, sizeof(d->line));
	dcache_power_on(e, 43, DCACHE_JUNK_MIXED);
	assert_memory_not_equal(d->line, e->line, sizeof(d->line));
	/* every seed gives at least one unmapped and one mapped line in mixed mode */
	for (uint64_t seed = 0; seed < 200; seed++) {
		dcache_power_on(d, seed, DCACHE_JUNK_MIXED);
		dcache_census(d, &dirty, &unmapped);
		assert_true(unmapped >= 1 && dirty > unmapped);
		dcache_power_on(d, seed, DCACHE_JUNK_MAPPED);
		dcache_census(d, &dirty, &unmapped);
		assert_true(dirty > 0 && unmapped == 0);
	}
	dcache_power_on(d, 1, DCACHE_JUNK_NONE);
	dcache_census(d, &dirty, &unmapped);
	assert_int_equal(dirty, 0);
	/* invalidate without clean: no write-back */
	dcache_power_on(d, 1, DCACHE_JUNK_MIXED);
	{
		uint8_t data[DCACHE_LINE];
		uint32_t addr;
		unsigned n = 0;

		for (uint32_t i = 0; i < DCACHE_SETS * DCACHE_WAYS; i++)
			n += dcache_setway(d, ((i / 4) << 5) | ((i % 4) << 30), DCACHE_INVAL, &addr, data);
		assert_int_equal(n, 0);
	}
	assert_int_equal(dcache_junk_parse("mapped", &m), 0);
	assert_int_equal(m, DCACHE_JUNK_MAPPED);
	assert_int_not_equal(dcache_junk_parse("all", &m), 0);
	free(d);
	free(e);
}

/* ------------------------------------------------------------ ELF parser */

static unsigned seg_count;
static uint32_t seg_addr;

static int count_seg(void *ctx, uint32_t addr, const uint8_t *data, uint32_t n)
{
	(void)ctx;
	(void)data;
	(void)n;
	if (!seg_count)
		seg_addr = addr;
	seg_count++;
	return 0;
}

static void test_elf_parser(void **state)
{
	const char *path = getenv("H7_FWBUILD");
	char p[1024];
	size_t len = 0;
	char *buf;
	uint8_t junk[256];

	(void)state;
	snprintf(p, sizeof(p), "%s/tests/sim/fw/testfw.elf", path && *path ? path : "build");
	buf = tu_read_file(p, &len);
	assert_non_null(buf);
	seg_count = 0;
	assert_int_equal(elfload_parse((const uint8_t *)buf, len, count_seg, NULL), 0);
	assert_true(seg_count >= 1);
	assert_int_equal(seg_addr, 0x24000000u);
	/* every truncation is an error, never a crash */
	for (size_t cut = 0; cut < len; cut += len / 97 + 1) {
		int rc;

		seg_count = 0;
		rc = elfload_parse((const uint8_t *)buf, cut, count_seg, NULL);
		assert_true(rc == 0 || rc == H7_ERROR_PARSE || rc == H7_ERROR_NOT_FOUND);
	}
	memset(junk, 0x7F, sizeof(junk));
	assert_int_equal(elfload_parse(junk, sizeof(junk), count_seg, NULL), H7_ERROR_PARSE);
	free(buf);
}

/* ------------------------------------------------------------ control commands */

static void test_ctl_commands(void **state)
{
	struct soc *s = calloc(1, sizeof(*s));
	struct soc_options o = { .seed = 1, .dcache_junk = DCACHE_JUNK_MIXED, .bcm4 = -1, .bcm7 = -1,
				 .rev_id = 0x2003 };
	uint64_t scans = 7;
	struct ctl_info info = { "9.9", 1234, 5678, &scans };
	char r[CTL_MAX_LINE];

	(void)state;
	simlog_set_level(-1);
	assert_int_equal(soc_init(s, &o), 0);
	soc_power_on(s);
	assert_int_equal(ctl_execute(s, &info, "hello", r, sizeof(r)), CTL_NONE);
	assert_string_equal(r, "ok h7sim=9.9 proto=1 board=disco rbb_port=1234 ctl_port=5678");
	ctl_execute(s, &info, "status", r, sizeof(r));
	assert_non_null(strstr(r, "ok cm7="));
	assert_non_null(strstr(r, " cm4="));
	assert_non_null(strstr(r, " power=on supply=ok usb=none sim_ns="));
	ctl_execute(s, &info, "stats", r, sizeof(r));
	assert_non_null(strstr(r, " jtag_scans=7 flash_write_attempts=0 optbyte_write_attempts=0 "));
	ctl_execute(s, &info, "usb", r, sizeof(r));
	assert_string_equal(r, "ok attached=none");
	assert_int_equal(ctl_execute(s, &info, "subscribe usb", r, sizeof(r)), CTL_SUBSCRIBE);
	assert_string_equal(r, "ok");
	assert_int_equal(ctl_execute(s, &info, "unsubscribe usb", r, sizeof(r)), CTL_UNSUBSCRIBE);
	assert_int_equal(ctl_execute(s, &info, "subscribe cpu", r, sizeof(r)), CTL_NONE);
	assert_string_equal(r, "err unknown subscription 'cpu' (known: usb)");
	ctl_execute(s, &info, "help", r, sizeof(r));
	assert_string_equal(r, "ok commands=hello,status,stats,usb,subscribe,unsubscribe,power-cycle,inject,quit,help");
	ctl_execute(s, &info, "inject busfault", r, sizeof(r));
	assert_string_equal(r, "err unknown injection 'busfault'");
	ctl_execute(s, &info, "st\x01tus=x", r, sizeof(r));
	assert_string_equal(r, "err unknown command 'st?tus=x'");
	ctl_execute(s, &info, "status now", r, sizeof(r));
	assert_string_equal(r, "err command 'status' takes no arguments");
	assert_int_equal(ctl_execute(s, &info, "power-cycle", r, sizeof(r)), CTL_NONE);
	assert_string_equal(r, "ok");
	assert_int_equal(s->stats.power_cycles, 1);
	assert_int_equal(ctl_execute(s, &info, "quit", r, sizeof(r)), CTL_QUIT);
	soc_fini(s);
	free(s);
}

/* `inject ...`: parsing, replies, and the effects that need no running core
 * (the live behaviour, with OpenOCD and h7jumpdiag: tests/reliability). */
static void test_inject_commands(void **state)
{
	struct soc *s = calloc(1, sizeof(*s));
	struct soc_options o = { .seed = 1, .dcache_junk = DCACHE_JUNK_MIXED, .bcm4 = -1, .bcm7 = -1,
				 .rev_id = 0x2003 };
	struct ctl_info info = { "9.9", 1, 2, NULL };
	char r[CTL_MAX_LINE];
	uint32_t v;

	(void)state;
	simlog_set_level(-1);
	assert_int_equal(soc_init(s, &o), 0);
	soc_power_on(s);
	ctl_execute(s, &info, "inject", r, sizeof(r));
	assert_non_null(strstr(r, "err usage: inject "));
	ctl_execute(s, &info, "inject sticky-error bogus=1", r, sizeof(r));
	assert_string_equal(r, "err sticky-error: unknown argument 'bogus?1' (addr=, after=, count=)");
	ctl_execute(s, &info, "inject sticky-error addr=0x24000401 after=-1", r, sizeof(r));
	assert_non_null(strstr(r, "err sticky-error: addr="));
	ctl_execute(s, &info, "inject sticky-error addr=0x24000401 after=2", r, sizeof(r));
	assert_string_equal(r, "ok addr=0x24000400 after=2 count=1");
	ctl_execute(s, &info, "inject list", r, sizeof(r));
	assert_string_equal(r, "ok armed=sticky-error");
	/* other addresses pass; the third access to the word fails once */
	assert_int_equal(soc_ap_read(s, 0, 0x24000800, 4, &v), 0);
	assert_int_equal(soc_ap_read(s, 0, 0x24000400, 4, &v), 0);
	assert_int_equal(soc_ap_write(s, 0, 0x24000400, 4, 5), 0);
	assert_int_equal(soc_ap_read(s, 0, 0x24000400, 4, &v), -1);
	assert_int_equal(soc_ap_read(s, 0, 0x24000400, 4, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(s->inj.st.sticky_errors, 1);
	/* a watchdog reset now: the reset flags say so */
	ctl_execute(s, &info, "inject reset at-instr=x", r, sizeof(r));
	assert_non_null(strstr(r, "err reset: at-instr wants 0.."));
	ctl_execute(s, &info, "inject reset when=now", r, sizeof(r));
	assert_string_equal(r, "err reset: unknown argument 'when?now' (at-instr=)");
	ctl_execute(s, &info, "inject reset", r, sizeof(r));
	assert_string_equal(r, "ok");
	assert_int_equal(s->stats.system_resets, 1);
	assert_int_equal(soc_ap_read(s, 1, 0x58024400u + 0xD0u, 4, &v), 0);
	assert_int_equal(v, (1u << 26) | (1u << 22)); /* IWDG1RSTF, PINRSTF */
	/* a lockup waits for the core to execute */
	ctl_execute(s, &info, "inject lockup at-instr=10", r, sizeof(r));
	assert_string_equal(r, "ok at_instr=10");
	ctl_execute(s, &info, "inject usb-flap period-ms=abc", r, sizeof(r));
	assert_non_null(strstr(r, "err usb-flap wants period-ms=N"));
	ctl_execute(s, &info, "inject usb-flap period-ms=10", r, sizeof(r));
	assert_string_equal(r, "ok period_ms=10");
	ctl_execute(s, &info, "inject no-enumerate", r, sizeof(r));
	assert_string_equal(r, "ok");
	ctl_execute(s, &info, "inject cm4-otg now", r, sizeof(r));
	assert_string_equal(r, "err cm4-otg takes no arguments");
	ctl_execute(s, &info, "inject cm4-otg", r, sizeof(r));
	assert_string_equal(r, "ok");
	ctl_execute(s, &info, "inject slow-ms=2000", r, sizeof(r));
	assert_non_null(strstr(r, "err slow-ms wants 0..1000"));
	ctl_execute(s, &info, "inject slow-ms=2", r, sizeof(r));
	assert_string_equal(r, "ok slow_us=2000");
	ctl_execute(s, &info, "inject slow-us=150", r, sizeof(r));
	assert_string_equal(r, "ok slow_us=150");
	ctl_execute(s, &info, "inject list", r, sizeof(r));
	assert_string_equal(r, "ok armed=lockup,cm4-otg,usb-flap,no-enumerate,slow");
	ctl_execute(s, &info, "inject clear", r, sizeof(r));
	assert_string_equal(r, "ok");
	ctl_execute(s, &info, "inject list", r, sizeof(r));
	assert_string_equal(r, "ok armed=none");
	/* the counters stay, in stats (keys added to protocol 1: clients ignore unknown keys) */
	ctl_execute(s, &info, "stats", r, sizeof(r));
	assert_non_null(strstr(r, " inject_sticky_errors=1 inject_resets=1 inject_lockups=0 inject_power_losses=0 "));
	assert_non_null(strstr(r, " bkpt_halts_cm7=0 "));
	/* power loss: the main loop ends without a word */
	ctl_execute(s, &info, "inject power-loss", r, sizeof(r));
	assert_string_equal(r, "ok");
	assert_true(s->inj.power_lost);
	assert_false(s->power);
	soc_fini(s);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rbb_idcode_chain),
		cmocka_unit_test(test_rbb_ir_capture_and_reset_codes),
		cmocka_unit_test(test_dap_power_up_and_mem_ap),
		cmocka_unit_test(test_dcache_junk_model),
		cmocka_unit_test(test_elf_parser),
		cmocka_unit_test(test_ctl_commands),
		cmocka_unit_test(test_inject_commands),
	};

	return cmocka_run_group_tests_name("h7sim units", tests, NULL, NULL);
}
