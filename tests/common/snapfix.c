/* Hand-built snapshots shared by the tests (see snapfix.h). */
#include "snapfix.h"

void tu_full_snapshot(struct snapshot *s)
{
	uint32_t x = 0x12345678;

	snapshot_init(s, SNAP_CORE_CM7);
	for (int i = 0; i < REG_COUNT; i++) {
		x = x * 1664525u + 1013904223u;
		snapshot_set(s, (enum reg_id)i, x);
	}
	snapshot_set(s, REG_CFSR, 0x00008200);
	snapshot_set(s, REG_HFSR, 0x40000000);
	snapshot_set(s, REG_BFAR, 0x1FFF9804);
	snapshot_set(s, REG_MMFAR, 0x1FFF9804);
	snapshot_set(s, REG_XPSR, 0x01000003);
	snapshot_set(s, REG_LR, 0xFFFFFFF9);
	snapshot_set(s, REG_MSP, 0x2001FFC0);
	snapshot_set(s, REG_MPU_TYPE, 0x00001000);
	snapshot_set(s, REG_DBGMCU_IDC, 0x20036450);
	snapshot_mark(s, REG_ABFSR, SNAP_ABSENT);
	snapshot_mark(s, REG_OTG_HS_CID, SNAP_ERROR);
	s->halted = 1;
	s->t_ms = 12.5;
	s->msp_stack.addr = 0x2001FFC0;
	s->msp_stack.state = SNAP_OK;
	s->msp_stack.words = SNAP_STACK_WORDS;
	for (int i = 0; i < SNAP_STACK_WORDS; i++)
		s->msp_stack.w[i] = 0xA5000000u + (uint32_t)i;
	s->psp_stack.addr = 0x30000000;
	s->psp_stack.state = SNAP_ERROR;
}
