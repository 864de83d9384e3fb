/* A tiny Thumb-2 decoder: just enough to step user code sensibly (step over
 * calls and loops, notice the branch into the bootloader). Pure functions.
 * Encodings from the ARMv7-M Architecture Reference Manual (DDI0403), A5/A7. */
#ifndef H7_THUMB_H
#define H7_THUMB_H

#include <stdint.h>

enum thumb_kind {
	THUMB_OTHER = 0,
	THUMB_CALL,        /* BL <label> (A7.7.18) */
	THUMB_CALL_REG,    /* BLX <Rm> (A7.7.19) */
	THUMB_BRANCH,      /* B, B<cond> (A7.7.12), CBZ/CBNZ (A7.7.21) */
	THUMB_BRANCH_REG,  /* BX <Rm> other than BX LR (A7.7.20) */
	THUMB_RETURN       /* BX LR, POP {...,PC} (A7.7.99) */
};

struct thumb_insn {
	unsigned len;          /* 2 or 4 bytes */
	enum thumb_kind kind;
	int conditional;       /* B<cond>, CBZ/CBNZ */
	uint32_t target;       /* immediate branch/call target (bit 0 clear) */
	int reg;               /* register of the _REG kinds, else -1 */
};

/* 1 if a halfword starts a 32-bit instruction (DDI0403 A5.1). */
int thumb_is_32bit(uint16_t hw1);

/* Decode the instruction at pc from its first two halfwords (hw2 is ignored
 * for 16-bit instructions). Never fails: unknown encodings are THUMB_OTHER. */
void thumb_decode(uint16_t hw1, uint16_t hw2, uint32_t pc, struct thumb_insn *out);

#endif
