/* h7sim - JTAG TAP controllers and the two-TAP chain (see jtag.h). */
#include "jtag.h"

#include "dap.h"

#include <stddef.h>

/* IEEE 1149.1 TAP state diagram: next state for TMS = 0 / 1. */
static const uint8_t jtag_next[16][2] = {
	[JTAG_TLR] = { JTAG_RTI, JTAG_TLR },     [JTAG_RTI] = { JTAG_RTI, JTAG_SELDR },
	[JTAG_SELDR] = { JTAG_CAPDR, JTAG_SELIR }, [JTAG_CAPDR] = { JTAG_SHDR, JTAG_EX1DR },
	[JTAG_SHDR] = { JTAG_SHDR, JTAG_EX1DR }, [JTAG_EX1DR] = { JTAG_PDR, JTAG_UPDR },
	[JTAG_PDR] = { JTAG_PDR, JTAG_EX2DR },   [JTAG_EX2DR] = { JTAG_SHDR, JTAG_UPDR },
	[JTAG_UPDR] = { JTAG_RTI, JTAG_SELDR },  [JTAG_SELIR] = { JTAG_CAPIR, JTAG_TLR },
	[JTAG_CAPIR] = { JTAG_SHIR, JTAG_EX1IR }, [JTAG_SHIR] = { JTAG_SHIR, JTAG_EX1IR },
	[JTAG_EX1IR] = { JTAG_PIR, JTAG_UPIR },  [JTAG_PIR] = { JTAG_PIR, JTAG_EX2IR },
	[JTAG_EX2IR] = { JTAG_SHIR, JTAG_UPIR }, [JTAG_UPIR] = { JTAG_RTI, JTAG_SELDR },
};

static void jtag_reset_taps(struct jtag *j)
{
	j->ir_dp = JTAG_IR_IDCODE;
	j->ir_bs = JTAG_BS_IR_IDCODE;
}

void jtag_init(struct jtag *j, struct dap *dap)
{
	j->state = JTAG_TLR;
	j->sr_dp = j->sr_bs = 0;
	j->len_dp = j->len_bs = 1;
	j->dap = dap;
	j->scans = 0;
	jtag_reset_taps(j);
}

void jtag_trst(struct jtag *j)
{
	j->state = JTAG_TLR;
	jtag_reset_taps(j);
}

static void jtag_capture_dr(struct jtag *j)
{
	switch (j->ir_dp) {
	case JTAG_IR_IDCODE:
		j->len_dp = 32;
		j->sr_dp = JTAG_DP_IDCODE;
		break;
	case JTAG_IR_DPACC:
	case JTAG_IR_APACC:
		j->len_dp = 35;
		j->sr_dp = j->dap ? dap_capture(j->dap) : DAP_ACK_OK;
		break;
	case JTAG_IR_ABORT:
		j->len_dp = 35;
		j->sr_dp = 0;
		break;
	default: /* BYPASS and unimplemented instructions */
		j->len_dp = 1;
		j->sr_dp = 0;
		break;
	}
	if (j->ir_bs == JTAG_BS_IR_IDCODE) {
		j->len_bs = 32;
		j->sr_bs = JTAG_BS_IDCODE;
	} else { /* BYPASS; boundary scan proper is not modelled */
		j->len_bs = 1;
		j->sr_bs = 0;
	}
}

static void jtag_update_dr(struct jtag *j)
{
	uint64_t v = j->sr_dp & ((1ull << j->len_dp) - 1);

	j->scans++;
	if (!j->dap)
		return;
	if (j->ir_dp == JTAG_IR_DPACC || j->ir_dp == JTAG_IR_APACC)
		dap_update(j->dap, j->ir_dp, v);
	else if (j->ir_dp == JTAG_IR_ABORT)
		dap_abort(j->dap, v);
}

static void jtag_enter(struct jtag *j, enum jtag_state st)
{
	switch (st) {
	case JTAG_TLR:
		jtag_reset_taps(j);
		break;
	case JTAG_CAPDR:
		jtag_capture_dr(j);
		break;
	case JTAG_UPDR:
		jtag_update_dr(j);
		break;
	case JTAG_CAPIR:
		/* IR capture: JTAG-DP 0b0001, boundary scan 0bxxx01 */
		j->len_dp = 4;
		j->sr_dp = 0x1;
		j->len_bs = 5;
		j->sr_bs = 0x01;
		break;
	case JTAG_UPIR:
		j->ir_dp = (uint8_t)(j->sr_dp & 0xF);
		j->ir_bs = (uint8_t)(j->sr_bs & 0x1F);
		j->scans++;
		break;
	default:
		break;
	}
}

void jtag_edge(struct jtag *j, int tms, int tdi)
{
	enum jtag_state ns;

	if (j->state == JTAG_SHDR || j->state == JTAG_SHIR) {
		/* TDI enters the boundary-scan TAP; its LSB moves into the DP TAP */
		j->sr_dp = (j->sr_dp >> 1) | ((j->sr_bs & 1) << (j->len_dp - 1));
		j->sr_bs = (j->sr_bs >> 1) | ((uint64_t)(tdi & 1) << (j->len_bs - 1));
	}
	ns = (enum jtag_state)jtag_next[j->state][tms & 1];
	if (ns != j->state) {
		j->state = ns;
		jtag_enter(j, ns);
	} else if (ns == JTAG_TLR) {
		jtag_reset_taps(j);
	}
}

int jtag_tdo(const struct jtag *j)
{
	if (j->state == JTAG_SHDR || j->state == JTAG_SHIR)
		return (int)(j->sr_dp & 1);
	return 1;
}

void jtag_tms_seq(struct jtag *j, const uint8_t *bits, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		jtag_edge(j, (bits[i / 8] >> (i % 8)) & 1, 0);
}

void jtag_scan(struct jtag *j, const uint8_t *tdi, uint8_t *tdo, unsigned n, bool exit_last)
{
	for (unsigned i = 0; i < n; i++) {
		int out = jtag_tdo(j);

		if (tdo) {
			if (out)
				tdo[i / 8] |= (uint8_t)(1u << (i % 8));
			else
				tdo[i / 8] &= (uint8_t)~(1u << (i % 8));
		}
		jtag_edge(j, exit_last && i + 1 == n, (tdi[i / 8] >> (i % 8)) & 1);
	}
}
