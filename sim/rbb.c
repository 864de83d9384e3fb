/* h7sim - remote_bitbang protocol (see rbb.h). */
#include "rbb.h"

#include "jtag.h"

void rbb_init(struct rbb *r)
{
	r->tck = r->trst = r->srst = 0;
	r->bytes = r->unknown = 0;
	r->srst_release = NULL;
	r->ctx = NULL;
}

size_t rbb_feed(struct rbb *r, struct jtag *j, const uint8_t *in, size_t n, uint8_t *out,
		size_t outcap, int *quit)
{
	size_t o = 0;

	*quit = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		r->bytes++;
		if (c >= '0' && c <= '7') {
			unsigned v = c - '0';
			uint8_t tck = (v >> 2) & 1;

			/* TRST (active) holds the TAPs in reset */
			if (tck && !r->tck && !r->trst)
				jtag_edge(j, (v >> 1) & 1, v & 1);
			r->tck = tck;
		} else if (c == 'R') {
			if (o < outcap)
				out[o++] = (uint8_t)('0' + jtag_tdo(j));
		} else if (c >= 'r' && c <= 'u') {
			unsigned v = c - 'r';
			uint8_t trst = (v >> 1) & 1, srst = v & 1;

			if (trst)
				jtag_trst(j);
			if (r->srst && !srst && r->srst_release)
				r->srst_release(r->ctx);
			r->trst = trst;
			r->srst = srst;
		} else if (c == 'Q') {
			*quit = 1;
			break;
		} else if (c == 'B' || c == 'b' || c == '\n' || c == '\r') {
			/* LED on/off: nothing to do */
		} else {
			r->unknown++;
		}
	}
	return o;
}
