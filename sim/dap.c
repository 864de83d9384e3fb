/* h7sim - JTAG-DP and MEM-APs (see dap.h; ARM IHI0031 ADIv5). */
#include "dap.h"

#include "jtag.h"

#include <string.h>

/* MEM-AP register offsets (IHI0031 "MEM-AP programmers' model") */
#define AP_CSW 0x00u
#define AP_TAR 0x04u
#define AP_DRW 0x0Cu
#define AP_BD0 0x10u
#define AP_BD3 0x1Cu
#define AP_CFG 0xF4u
#define AP_BASE 0xF8u
#define AP_IDR 0xFCu

/* CSW fields */
#define CSW_SIZE_MASK 0x7u
#define CSW_ADDRINC_MASK (3u << 4)
#define CSW_ADDRINC_SINGLE (1u << 4)
#define CSW_ADDRINC_PACKED (2u << 4)
#define CSW_DEVICEEN (1u << 6)
#define CSW_TRINPROG (1u << 7)

/* sticky flags cleared by writing 1 to CTRL/STAT on a JTAG-DP */
#define DAP_CTRL_W1C (DAP_CTRL_STICKYORUN | DAP_CTRL_STICKYCMP | DAP_CTRL_STICKYERR | DAP_CTRL_WDATAERR)
/* writable CTRL/STAT fields: ORUNDETECT, TRNMODE, TRNCNT, MASKLANE, the requests */
#define DAP_CTRL_RW (0x5F000F0Du | DAP_CTRL_ORUNDETECT)

void dap_init(struct dap *d, const struct dap_bus *bus)
{
	memset(d, 0, sizeof(*d));
	d->bus = *bus;
	for (unsigned i = 0; i < DAP_NUM_APS; i++) {
		/* AP0, AP1, AP3: AHB-AP; AP2: APB-AP (identification as in the notes
		 * recorded from an STM32H7; OpenOCD does not read them with -ap-num) */
		d->ap[i].idr = i == 2 ? 0x54770002u : 0x84770001u;
		d->ap[i].csw = CSW_DEVICEEN | 0x2u;
	}
	d->ap[0].base = 0xE00FE003u;
	d->ap[1].base = 0x00000002u;
	d->ap[2].base = 0xE00E0003u;
	d->ap[3].base = 0xE00FF003u;
}

uint64_t dap_capture(struct dap *d)
{
	return ((uint64_t)d->result << 3) | DAP_ACK_OK;
}

static void dap_write_ctrl(struct dap *d, uint32_t v)
{
	uint32_t sticky = d->ctrl & DAP_CTRL_W1C & ~v;

	d->ctrl = (v & DAP_CTRL_RW & ~DAP_CTRL_W1C) | sticky;
	/* power-up and reset requests are acknowledged at once */
	if (v & DAP_CTRL_CSYSPWRUPREQ)
		d->ctrl |= DAP_CTRL_CSYSPWRUPACK;
	if (v & DAP_CTRL_CDBGPWRUPREQ)
		d->ctrl |= DAP_CTRL_CDBGPWRUPACK;
	if (v & DAP_CTRL_CDBGRSTREQ)
		d->ctrl |= DAP_CTRL_CDBGRSTACK;
}

static unsigned dap_csw_size(uint32_t csw)
{
	switch (csw & CSW_SIZE_MASK) {
	case 0: return 1;
	case 1: return 2;
	default: return 4;
	}
}

/* One DRW/BDx transfer; returns the 32-bit data-bus value for reads. */
static uint32_t dap_mem_xfer(struct dap *d, unsigned apn, bool rnw, uint32_t wdata, int banked, unsigned reg)
{
	struct dap_ap *ap = &d->ap[apn];
	unsigned size = banked ? 4 : dap_csw_size(ap->csw);
	uint32_t addr = banked ? ((ap->tar & ~0xFu) | (reg & 0xCu)) : ap->tar;
	unsigned lane = (addr & 3u) * 8;
	uint32_t v = 0;
	int rc;

	if (addr & (size - 1)) {
		rc = -1; /* unaligned transfers are not supported by these APs */
	} else if (rnw) {
		rc = d->bus.read(d->bus.ctx, apn, addr, size, &v);
		d->ap_reads++;
		if (size < 4)
			v = (v << lane); /* narrow data travels on its byte lanes */
	} else {
		uint32_t data = size < 4 ? (wdata >> lane) & (size == 1 ? 0xFFu : 0xFFFFu) : wdata;

		rc = d->bus.write(d->bus.ctx, apn, addr, size, data);
		d->ap_writes++;
	}
	if (rc < 0) {
		d->ctrl |= DAP_CTRL_STICKYERR;
		d->bus_errors++;
		v = 0;
	}
	if (!banked && (ap->csw & CSW_ADDRINC_MASK) == CSW_ADDRINC_SINGLE)
		ap->tar += size;
	return v;
}

static void dap_ap_access(struct dap *d, bool rnw, unsigned a, uint32_t data)
{
	unsigned apn = d->select >> 24;
	unsigned reg = (d->select & 0xF0u) | a;
	struct dap_ap *ap;
	uint32_t v = 0;

	if (d->ctrl & (DAP_CTRL_STICKYERR | DAP_CTRL_STICKYORUN)) {
		/* a sticky error discards AP transactions until it is cleared */
		if (rnw)
			d->result = 0;
		return;
	}
	if (apn >= DAP_NUM_APS) { /* no such AP: reads as zero */
		if (rnw)
			d->result = 0;
		return;
	}
	ap = &d->ap[apn];
	switch (reg) {
	case AP_CSW:
		if (rnw) {
			v = ap->csw;
		} else {
			/* packed transfers are not implemented: AddrInc packed reads
			 * back as single, which tells OpenOCD to use single transfers */
			uint32_t w = data & ~(CSW_TRINPROG | CSW_DEVICEEN);

			if ((w & CSW_ADDRINC_MASK) == CSW_ADDRINC_PACKED)
				w = (w & ~CSW_ADDRINC_MASK) | CSW_ADDRINC_SINGLE;
			if ((w & CSW_SIZE_MASK) > 2)
				w &= ~CSW_SIZE_MASK; /* reserved sizes: treat as byte */
			ap->csw = w | CSW_DEVICEEN;
		}
		break;
	case AP_TAR:
		if (rnw)
			v = ap->tar;
		else
			ap->tar = data;
		break;
	case AP_DRW:
		v = dap_mem_xfer(d, apn, rnw, data, 0, reg);
		break;
	case AP_BD0: case AP_BD0 + 4: case AP_BD0 + 8: case AP_BD3:
		v = dap_mem_xfer(d, apn, rnw, data, 1, reg);
		break;
	case AP_CFG:
		v = ap->cfg;
		break;
	case AP_BASE:
		v = ap->base;
		break;
	case AP_IDR:
		v = ap->idr;
		break;
	default:
		v = 0;
		break;
	}
	if (rnw)
		d->result = v;
}

void dap_update(struct dap *d, unsigned ir, uint64_t dr)
{
	bool rnw = dr & 1;
	unsigned a = (unsigned)((dr >> 1) & 3) << 2;
	uint32_t data = (uint32_t)(dr >> 3);

	if (ir == JTAG_IR_APACC) {
		dap_ap_access(d, rnw, a, data);
		return;
	}
	switch (a) {
	case 0x4: /* CTRL/STAT */
		if (rnw)
			d->result = d->ctrl;
		else
			dap_write_ctrl(d, data);
		break;
	case 0x8: /* SELECT (write only) */
		if (rnw)
			d->result = 0;
		else
			d->select = data;
		break;
	case 0xC: /* RDBUFF: reads as zero, its scan only collects the posted value */
		if (rnw)
			d->result = 0;
		break;
	default: /* 0x0 is reserved on a JTAG-DP: RAZ/WI */
		if (rnw)
			d->result = 0;
		break;
	}
}

void dap_abort(struct dap *d, uint64_t dr)
{
	uint32_t data = (uint32_t)(dr >> 3);

	/* ABORT: DAPABORT 0 (nothing is ever in progress here); on a JTAG-DP the
	 * sticky flags are cleared through CTRL/STAT, but the SWD-style clear bits
	 * are honoured as well since they are harmless */
	if (data & (1u << 2))
		d->ctrl &= ~DAP_CTRL_STICKYERR;
	if (data & (1u << 4))
		d->ctrl &= ~DAP_CTRL_STICKYORUN;
	if (data & (1u << 1))
		d->ctrl &= ~DAP_CTRL_STICKYCMP;
	if (data & (1u << 3))
		d->ctrl &= ~DAP_CTRL_WDATAERR;
}
