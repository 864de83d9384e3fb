/* Live: the host core against h7sim and the real OpenOCD (board sim, spawned
 * by the session layer on free ports): snapshot of a halted CM7, of the CM4,
 * and of a CM7 caught by vector catch in a HardFault (a precise bus error on
 * a load from 0x1FFF9804, the seed case), waited for with tcl_notifications;
 * a core OpenOCD found locked up (its registers read past OpenOCD's unfilled
 * cache); the lazy per-step plan (OTG cores, MPU regions, stack windows only when
 * they matter) and the snapshot of a running core, both in one request.
 * Nothing may be left running: every test ends with session_close and the
 * teardown reaps whatever a failed assertion left. Built only when h7sim is in
 * the tree (tests/host/module.mk). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "h7jumpdiag/error.h"
#include "fault.h"
#include "log.h"
#include "ocd_proc.h"
#include "ocd_rpc.h"
#include "session.h"
#include "snapshot.h"
#include "target.h"

static struct session *open_sim(void)
{
	struct session_opts o = { .board = "sim", .ready_timeout_ms = 30000 };
	struct session *s = NULL;
	int rc = session_open(&o, &s);
	if (rc)
		fail_msg("cannot start h7sim + OpenOCD: %s (set H7_TEST_VERBOSE=1 for details)", h7_error_name(rc));
	return s;
}

static void test_halted_cm7(void **state)
{
	(void)state;
	struct session *s = open_sim();
	struct target *t = s->target;
	struct snapshot snap;

	assert_true(target_has_core(t, TARGET_CM7));
	assert_int_equal(target_select(t, TARGET_CM7), 0);
	assert_int_equal(target_halt(t), 0);
	assert_int_equal(target_snapshot(t, &snap), 0);
	assert_true(snap.halted);
	assert_int_equal(snap.val[REG_CPUID] & 0xFF0FFFF0u, 0x410FC270u); /* Cortex-M7 */
	assert_int_equal(snap.val[REG_DBGMCU_IDC] & 0xFFFu, 0x450);
	assert_int_equal(snap.state[REG_ABFSR], SNAP_OK);
	assert_int_equal(snap.state[REG_PC], SNAP_OK);
	/* the catalog reads cleanly on the simulated chip */
	for (int i = 0; i < REG_COUNT; i++)
		if (snap.state[i] == SNAP_ERROR)
			fail_msg("%s could not be read", regs_catalog[i].name);
	/* the same state seen through single reads */
	uint32_t cpuid;
	assert_int_equal(target_read32(t, 0xE000ED00u, &cpuid), 0);
	assert_int_equal(cpuid, snap.val[REG_CPUID]);
	uint64_t pc;
	assert_int_equal(target_get_reg(t, "pc", &pc), 0);
	assert_int_equal((uint32_t)pc, snap.val[REG_PC]);
	/* 8/16/32-bit writes and reads in AXI SRAM */
	uint32_t bytes[4] = { 0x11, 0x22, 0x33, 0x44 }, halves[2] = { 0xBEEF, 0xDEAD }, words[2];
	assert_int_equal(target_write_mem(t, 0x24010000u, 8, 4, bytes), 0);
	assert_int_equal(target_write_mem(t, 0x24010004u, 16, 2, halves), 0);
	assert_int_equal(target_read_mem(t, 0x24010000u, 32, 2, words), 0);
	assert_int_equal(words[0], 0x44332211u);
	assert_int_equal(words[1], 0xDEADBEEFu);
	assert_int_equal(target_read_mem(t, 0x24010006u, 16, 1, words), 0);
	assert_int_equal(words[0], 0xDEADu);
	/* FP registers of the M7's FPU (OpenOCD names d0..d15, fpscr) */
	assert_int_equal(target_set_reg(t, "d0", 0x0123456789ABCDEFull), 0);
	uint64_t d0;
	assert_int_equal(target_get_reg(t, "d0", &d0), 0);
	assert_true(d0 == 0x0123456789ABCDEFull);
	assert_int_equal(target_get_reg(t, "fpscr", &d0), 0);
	assert_int_equal(target_get_reg(t, "s99", &d0), H7_ERROR_NOT_FOUND);
	/* a bus error through the debug port is a memory error, not a crash */
	uint32_t w;
	assert_int_equal(target_read32(t, 0x1FFF9804u, &w), H7_ERROR_MEMORY);
	assert_int_equal(target_resume(t), 0);
	session_close(s, 0);
	assert_int_equal(ocd_proc_children(), 0);
}

static void test_cm4(void **state)
{
	(void)state;
	struct session *s = open_sim();
	struct target *t = s->target;
	struct snapshot snap;

	assert_true(target_has_core(t, TARGET_CM4));
	assert_int_equal(target_select(t, TARGET_CM4), 0);
	assert_int_equal(target_halt(t), 0);
	assert_int_equal(target_snapshot(t, &snap), 0);
	assert_int_equal(snap.core, SNAP_CORE_CM4);
	assert_int_equal(snap.val[REG_CPUID] & 0xFF0FFFF0u, 0x410FC240u); /* Cortex-M4 */
	assert_int_equal(snap.state[REG_ABFSR], SNAP_ABSENT);
	assert_int_equal(snap.state[REG_CACR], SNAP_ABSENT);
	assert_int_equal(target_resume(t), 0);
	session_close(s, 0);
	assert_int_equal(ocd_proc_children(), 0);
}

static int all_unread(const struct snapshot *s, enum regs_block b)
{
	int n = 0;
	for (int i = 0; i < REG_COUNT; i++)
		if (regs_catalog[i].block == b) {
			if (s->state[i] != SNAP_UNREAD)
				return 0;
			n++;
		}
	return n > 0;
}

static int all_ok(const struct snapshot *s, enum regs_block b)
{
	int n = 0;
	for (int i = 0; i < REG_COUNT; i++)
		if (regs_catalog[i].block == b) {
			if (s->state[i] != SNAP_OK)
				return 0;
			n++;
		}
	return n > 0;
}

/* Lazy snapshots leave out exactly what the state of the chip says cannot
 * matter, and read it again as soon as it can. After reset: OTG clocks off,
 * MPU off, Thread mode on the main stack. */
static void test_lazy_cm7(void **state)
{
	(void)state;
	struct session *s = open_sim();
	struct target *t = s->target;
	struct snapshot full, lazy;

	assert_int_equal(target_select(t, TARGET_CM7), 0);
	assert_int_equal(target_reset_halt(t), 0);
	assert_int_equal(target_snapshot(t, &full), 0);
	assert_true(all_ok(&full, REGS_BLK_OTG_FS));
	assert_true(all_ok(&full, REGS_BLK_OTG_HS));
	assert_int_equal(full.state[REG_MPU_RBAR0], SNAP_OK);
	assert_int_equal(full.state[REG_RCC_C2_AHB1ENR], SNAP_OK);
	assert_int_not_equal(full.psp_stack.state, SNAP_UNREAD);
	assert_int_equal(full.val[REG_RCC_AHB1ENR] & (5u << 25), 0);
	assert_int_equal(full.val[REG_XPSR] & 0x1FFu, 0); /* Thread mode */

	target_set_snapshot_lazy(t, 1);
	assert_int_equal(target_snapshot(t, &lazy), 0);
	assert_true(lazy.halted);
	assert_true(all_unread(&lazy, REGS_BLK_OTG_FS));
	assert_true(all_unread(&lazy, REGS_BLK_OTG_HS));
	assert_int_equal(lazy.state[REG_MPU_RBAR0], SNAP_UNREAD);
	assert_int_equal(lazy.psp_stack.state, SNAP_UNREAD);
	assert_int_equal(lazy.msp_stack.state, SNAP_UNREAD);
	/* everything else is read, with the same values */
	for (int i = 0; i < REG_COUNT; i++) {
		enum regs_block b = regs_catalog[i].block;
		if (b == REGS_BLK_OTG_FS || b == REGS_BLK_OTG_HS || (i >= REG_MPU_RBAR0 && i <= REG_MPU_RASR_LAST))
			continue;
		if (lazy.state[i] != full.state[i])
			fail_msg("%s: state %d, %d without the lazy plan", regs_catalog[i].name, lazy.state[i],
				 full.state[i]);
		if (lazy.state[i] == SNAP_OK && !(regs_catalog[i].flags & REGS_F_NOISY) && lazy.val[i] != full.val[i])
			fail_msg("%s: 0x%08X, 0x%08X without the lazy plan", regs_catalog[i].name, lazy.val[i],
				 full.val[i]);
	}

	/* the CM4's enable alone clocks OTG_FS (RCC_C2_AHB1ENR.USB2OTGFSEN) */
	assert_int_equal(target_write32(t, 0x58024598u, 1u << 27), 0);
	/* an enabled MPU (with the default map for privileged code), region 1
	 * programmed, region 2 selected in MPU_RNR */
	assert_int_equal(target_write32(t, 0xE000ED98u, 1u), 0);
	assert_int_equal(target_write32(t, 0xE000ED9Cu, 0x24000000u), 0);
	assert_int_equal(target_write32(t, 0xE000EDA0u, 0x0306002Du), 0);
	assert_int_equal(target_write32(t, 0xE000ED98u, 2u), 0);
	assert_int_equal(target_write32(t, 0xE000ED94u, 5u), 0);
	/* Handler mode (IPSR = 3, HardFault), the process stack in AXI SRAM */
	assert_int_equal(target_set_reg(t, "psp", 0x24001000u), 0);
	assert_int_equal(target_set_reg(t, "xPSR", 0x01000003u), 0);
	assert_int_equal(target_snapshot(t, &lazy), 0);
	assert_true(all_ok(&lazy, REGS_BLK_OTG_FS));
	assert_true(all_unread(&lazy, REGS_BLK_OTG_HS));
	assert_int_equal(lazy.val[REG_OTG_FS_CID], full.val[REG_OTG_FS_CID]);
	assert_int_equal(lazy.state[REG_MPU_RBAR0], SNAP_OK);
	/* the region walk used MPU_TYPE/CTRL/RNR of the same capture and put RNR back */
	assert_int_equal(lazy.val[REG_MPU_CTRL], 5u);
	assert_int_equal(lazy.val[REG_MPU_RNR], 2u);
	assert_int_equal(lazy.val[REG_MPU_RBAR0 + 1] & 0xFFFFFFE0u, 0x24000000u);
	assert_int_equal(lazy.val[REG_MPU_RASR0 + 1], 0x0306002Du);
	{
		uint32_t rnr = 0;
		assert_int_equal(target_read32(t, 0xE000ED98u, &rnr), 0);
		assert_int_equal(rnr, 2u);
	}
	assert_int_equal(lazy.psp_stack.state, SNAP_OK);
	assert_int_equal(lazy.psp_stack.addr, 0x24001000u);
	assert_int_equal(lazy.msp_stack.state, full.msp_stack.state);
	assert_int_equal(target_set_reg(t, "xPSR", 0x01000000u), 0);
	assert_int_equal(target_write32(t, 0xE000ED94u, 0u), 0);
	assert_int_equal(target_write32(t, 0x58024598u, 0u), 0);

	/* a running core (b . in AXI SRAM): the state comes back with the same single request */
	uint32_t loop = 0xE7FEu;
	assert_int_equal(target_write_mem(t, 0x24000000u, 16, 1, &loop), 0);
	assert_int_equal(target_set_reg(t, "msp", 0x24080000u), 0);
	assert_int_equal(target_resume_at(t, 0x24000000u), 0);
	assert_int_equal(target_snapshot(t, &lazy), 0);
	assert_false(lazy.halted);
	assert_int_equal(lazy.state[REG_PC], SNAP_UNREAD);
	assert_int_equal(lazy.state[REG_CPUID], SNAP_OK);
	assert_int_equal(lazy.msp_stack.state, SNAP_UNREAD);
	session_close(s, 0);
	assert_int_equal(ocd_proc_children(), 0);
}

/* Thumb code at 0x24000000: ldr r0,[pc,#4]; ldr r1,[r0]; b .; nop; .word 0x1FFF9804 */
static const unsigned char fault_prog[] = { 0x01, 0x48, 0x01, 0x68, 0xFE, 0xE7, 0x00, 0xBF,
					    0x04, 0x98, 0xFF, 0x1F };

static void test_hardfault_vector_catch(void **state)
{
	(void)state;
	struct session *s = open_sim();
	struct target *t = s->target;
	struct snapshot snap;
	char path[] = "/tmp/h7jd-fault-XXXXXX.bin";
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, fault_prog, sizeof fault_prog), (ssize_t)sizeof fault_prog);
	close(fd);

	assert_int_equal(target_select(t, TARGET_CM7), 0);
	assert_int_equal(target_reset_halt(t), 0);
	assert_int_equal(target_vector_catch(t, TARGET_VC_HARDERR | TARGET_VC_BUSERR), 0);
	assert_int_equal(target_load_image(t, path, 0x24000000u), 0);
	unlink(path);
	uint32_t back[3];
	assert_int_equal(target_read_mem(t, 0x24000000u, 32, 3, back), 0);
	assert_int_equal(back[2], 0x1FFF9804u);
	assert_int_equal(target_set_reg(t, "msp", 0x24080000u), 0);
	/* one instruction: ldr r0,[pc,#4] */
	assert_int_equal(target_set_reg(t, "pc", 0x24000000u), 0);
	assert_int_equal(target_step(t), 0);
	uint64_t pc, r0;
	assert_int_equal(target_get_reg(t, "pc", &pc), 0);
	assert_int_equal(pc, 0x24000002u);
	assert_int_equal(target_get_reg(t, "r0", &r0), 0);
	assert_int_equal(r0, 0x1FFF9804u);
	/* a hardware breakpoint on the faulting load: the core stops before it */
	assert_int_equal(target_set_reg(t, "pc", 0x24000000u), 0);
	assert_int_equal(target_bp_add(t, 0x24000002u, 2), 0);
	assert_int_equal(target_resume(t), 0);
	assert_int_equal(target_wait_halt(t, 10000), 0);
	assert_int_equal(target_get_reg(t, "pc", &pc), 0);
	assert_int_equal(pc, 0x24000002u);
	assert_int_equal(target_bp_remove(t, 0x24000002u), 0);
	/* now the load: BusFault -> HardFault, caught at exception entry */
	assert_int_equal(target_resume(t), 0);
	assert_int_equal(target_wait_halt(t, 10000), 0);
	assert_int_equal(target_snapshot(t, &snap), 0);
	/* precise data bus error at 0x1FFF9804, escalated (DDI0403 B3.2.15/16) */
	assert_int_equal(snap.val[REG_CFSR] & 0x8200u, 0x8200u); /* PRECISERR | BFARVALID */
	assert_int_equal(snap.val[REG_BFAR], 0x1FFF9804u);
	assert_int_equal(snap.val[REG_HFSR] & 0x40000000u, 0x40000000u); /* FORCED */
	/* DFSR.VCATCH is not checked: OpenOCD reads and clears DFSR when it
	 * processes the halt (cortex_m debug entry), so the snapshot sees 0 */
	assert_int_equal(snap.val[REG_XPSR] & 0x1FFu, 3);                /* in HardFault */
	/* the stacked frame: the faulting instruction's address is word 6 */
	assert_int_equal(snap.msp_stack.state, SNAP_OK);
	assert_true(snap.msp_stack.words >= 8);
	assert_int_equal(snap.msp_stack.w[6], 0x24000002u);
	assert_int_equal(target_vector_catch(t, 0), 0);
	session_close(s, 0);
	assert_int_equal(ocd_proc_children(), 0);
}

/* An empty simulated flash: both cores lock up at reset (the vectors read
 * 0xFFFFFFFF), and OpenOCD halts them at start-up to clear the lockup
 * ("clearing lockup after double fault") without a debug entry, so its
 * register cache was never filled: plain `get_reg` answered pc 0 / xPSR 0
 * here. The snapshot must show the real state: the lockup PC, in HardFault. */
static void test_found_locked_up(void **state)
{
	(void)state;
	struct session *s = open_sim();
	struct target *t = s->target;
	struct snapshot snap;
	struct fault_report fr;
	enum target_state st;

	for (int c = TARGET_CM7; c <= TARGET_CM4; c++) {
		assert_int_equal(target_select(t, (enum target_core)c), 0);
		assert_int_equal(target_state(t, &st), 0);
		assert_int_equal(st, TARGET_STATE_HALTED); /* halted by OpenOCD, not by us */
		assert_int_equal(target_snapshot(t, &snap), 0);
		assert_int_equal(snap.state[REG_PC], SNAP_OK);
		assert_int_equal(snap.val[REG_PC], FAULT_LOCKUP_PC);
		assert_int_equal(snap.val[REG_XPSR] & 0x1FFu, 3); /* HardFault, as ICSR says */
		assert_int_equal(snap.val[REG_ICSR] & 0x1FFu, 3);
		assert_int_equal(snap.val[REG_XPSR] >> 24 & 1u, 1); /* T from the vector's bit 0 */
		fault_decode(&snap, &fr);
		int lockup = 0;
		for (size_t i = 0; i < fr.n_notes; i++)
			lockup |= strcmp(fr.notes[i].id, "lockup") == 0;
		assert_true(lockup);
		uint64_t pc = 0;
		assert_int_equal(target_get_reg(t, "pc", &pc), 0);
		assert_int_equal(pc, FAULT_LOCKUP_PC);
	}

	/* A cache OpenOCD did fill is used as it is, with a value another client
	 * (gdb, say) set and OpenOCD has not written back yet: a forced read
	 * would silently drop it. Here the other client is a raw RPC. */
	struct ocd_rpc *raw = target_rpc(t);
	char *res = NULL;
	assert_int_equal(ocd_rpc_cmd(raw, "\"stm32h7x.cpu1\" get_reg -force {r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 "
					  "sp lr pc xPSR msp psp primask basepri faultmask control}", NULL), 0);
	assert_int_equal(ocd_rpc_cmd(raw, "\"stm32h7x.cpu1\" set_reg {r7 0x1234abcd}", NULL), 0);
	assert_int_equal(target_select(t, TARGET_CM4), 0);
	assert_int_equal(target_snapshot(t, &snap), 0);
	assert_int_equal(snap.val[REG_PC], FAULT_LOCKUP_PC);
	assert_int_equal(snap.val[REG_CORE_R7], 0x1234ABCDu); /* what OpenOCD would write back on resume */
	assert_int_equal(ocd_rpc_cmd(raw, "\"stm32h7x.cpu1\" get_reg {r7}", &res), 0);
	assert_string_equal(res, "r7 0x1234abcd");
	free(res);
	session_close(s, 0);
	assert_int_equal(ocd_proc_children(), 0);
}

static int teardown(void **state)
{
	(void)state;
	ocd_proc_kill_all();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_halted_cm7, teardown),
		cmocka_unit_test_teardown(test_cm4, teardown),
		cmocka_unit_test_teardown(test_hardfault_vector_catch, teardown),
		cmocka_unit_test_teardown(test_lazy_cm7, teardown),
		cmocka_unit_test_teardown(test_found_locked_up, teardown),
	};
	h7_log_set_level(getenv("H7_TEST_VERBOSE") ? H7_LOG_TRACE : -1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
