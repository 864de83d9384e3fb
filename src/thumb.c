/* Thumb-2 branch/call decoding (see thumb.h; DDI0403 A5 and A7). */
#include "thumb.h"

static uint32_t sign_extend(uint32_t v, unsigned bits)
{
	uint32_t m = 1u << (bits - 1);
	return (v ^ m) - m;
}

int thumb_is_32bit(uint16_t hw1)
{
	unsigned top5 = hw1 >> 11;
	return top5 == 0x1D || top5 == 0x1E || top5 == 0x1F;
}

void thumb_decode(uint16_t hw1, uint16_t hw2, uint32_t pc, struct thumb_insn *out)
{
	out->len = thumb_is_32bit(hw1) ? 4 : 2;
	out->kind = THUMB_OTHER;
	out->conditional = 0;
	out->target = 0;
	out->reg = -1;

	if (out->len == 2) {
		if ((hw1 & 0xFF87) == 0x4780) { /* BLX Rm */
			out->kind = THUMB_CALL_REG;
			out->reg = (hw1 >> 3) & 0xF;
		} else if ((hw1 & 0xFF87) == 0x4700) { /* BX Rm */
			out->reg = (hw1 >> 3) & 0xF;
			out->kind = out->reg == 14 ? THUMB_RETURN : THUMB_BRANCH_REG;
		} else if ((hw1 & 0xFF00) == 0xBD00) { /* POP {..., PC} */
			out->kind = THUMB_RETURN;
		} else if ((hw1 & 0xF000) == 0xD000 && ((hw1 >> 8) & 0xF) < 0xE) { /* B<cond> T1 */
			out->kind = THUMB_BRANCH;
			out->conditional = 1;
			out->target = pc + 4 + sign_extend((uint32_t)(hw1 & 0xFF) << 1, 9);
		} else if ((hw1 & 0xF800) == 0xE000) { /* B T2 */
			out->kind = THUMB_BRANCH;
			out->target = pc + 4 + sign_extend((uint32_t)(hw1 & 0x7FF) << 1, 12);
		} else if ((hw1 & 0xF500) == 0xB100) { /* CBZ / CBNZ */
			uint32_t imm = ((uint32_t)(hw1 >> 9) & 1u) << 6 | ((uint32_t)(hw1 >> 3) & 0x1Fu) << 1;
			out->kind = THUMB_BRANCH;
			out->conditional = 1;
			out->target = pc + 4 + imm;
		}
		return;
	}
	/* 32-bit: branches and miscellaneous control, hw1 = 11110xxx, hw2 = 1xxxxxxx */
	if ((hw1 & 0xF800) == 0xF000 && (hw2 & 0x8000)) {
		uint32_t s = (hw1 >> 10) & 1u, j1 = (hw2 >> 13) & 1u, j2 = (hw2 >> 11) & 1u;
		uint32_t imm11 = hw2 & 0x7FFu;
		unsigned op = (hw2 >> 12) & 5u; /* bits 14 and 12 */

		if (op == 5 || op == 1) { /* BL (x1x1) or B T4 (x0x1): imm10 */
			uint32_t i1 = !(j1 ^ s), i2 = !(j2 ^ s);
			uint32_t imm = s << 24 | i1 << 23 | i2 << 22 | (uint32_t)(hw1 & 0x3FF) << 12 | imm11 << 1;
			out->target = pc + 4 + sign_extend(imm, 25);
			out->kind = op == 5 ? THUMB_CALL : THUMB_BRANCH;
		} else if (op == 0 && ((hw1 >> 7) & 7u) != 7u) { /* B<cond> T3 */
			uint32_t imm = s << 20 | j2 << 19 | j1 << 18 | (uint32_t)(hw1 & 0x3F) << 12 | imm11 << 1;
			out->target = pc + 4 + sign_extend(imm, 21);
			out->kind = THUMB_BRANCH;
			out->conditional = 1;
		}
		return;
	}
	/* LDMIA.W SP!, {..., PC} (POP.W) and LDR.W PC, [SP], #4 */
	if ((hw1 == 0xE8BD && (hw2 & 0x8000)) || (hw1 == 0xF85D && hw2 == 0xFB04))
		out->kind = THUMB_RETURN;
}
