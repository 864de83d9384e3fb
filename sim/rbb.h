/* h7sim - OpenOCD remote_bitbang front end for the JTAG chain.
 *
 * Wire format (OpenOCD 0.12 src/jtag/drivers/remote_bitbang.c, JTAG only): one
 * ASCII character per event. '0'..'7' drive (TCK << 2) | (TMS << 1) | TDI; a
 * rising TCK edge clocks the chain. 'R' asks for TDO: the answer is '0' or '1'.
 * 'r'..'u' drive (TRST << 1) | SRST; 'B'/'b' switch an LED; 'Q' quits.
 * The parser is a pure function over a buffer (no I/O), so it can be fuzzed.
 */
#ifndef H7SIM_RBB_H
#define H7SIM_RBB_H

#include <stddef.h>
#include <stdint.h>

struct jtag;

struct rbb {
	uint8_t tck, trst, srst;
	uint64_t bytes, unknown;
	/* called when SRST is released (a system reset); may be NULL */
	void (*srst_release)(void *ctx);
	void *ctx;
};

void rbb_init(struct rbb *r);

/* Process n input bytes. TDO answers are appended to out (at most one per input
 * byte, so outcap >= n always suffices); returns how many were written. Sets
 * *quit when 'Q' was seen (the rest of the buffer is ignored). */
size_t rbb_feed(struct rbb *r, struct jtag *j, const uint8_t *in, size_t n, uint8_t *out,
		size_t outcap, int *quit);

#endif
