/* Fuzz target: snapcap_parse (src/snapcap.c), the parser of the one-script
 * snapshot capture's result ("code result code result ..." with get_reg
 * name/value lists, read_memory word lists, MPU region pairs and stack
 * windows), then rendering of whatever it accepted (every decoder runs over
 * hostile register values) and a JSON report round trip (fuzz_snap.h).
 *
 * The input is the result payload (the second element of the RPC's catch
 * list): "STATE ITEMS" as target_snapshot() reads it (snapcap_parse_state,
 * CM7 and CM4, full and lazy plans), and ITEMS alone against the four full
 * plans (CM7 and CM4, halted and running); seeds are real captures.
 * Checked: a success marks every register with a valid state, registers the
 * core does not have are SNAP_ABSENT.
 */
#include "fuzz_snap.h"
#include "h7jumpdiag/error.h"
#include "regs.h"
#include "snapcap.h"

#include <string.h>

static void check(const struct snapcap_plan *p, const struct snapshot *s, int *rendered)
{
	fuzz_accepted++;
	FUZZ_CHECK(s->core == p->core);
	uint8_t mask = p->core == SNAP_CORE_CM7 ? REGS_CM7 : REGS_CM4;
	for (int r = 0; r < REG_COUNT; r++) {
		FUZZ_CHECK(s->state[r] <= SNAP_ABSENT);
		if (!(regs_catalog[r].cores & mask))
			FUZZ_CHECK(s->state[r] == SNAP_ABSENT);
	}
	FUZZ_CHECK(s->msp_stack.words <= SNAP_STACK_WORDS && s->psp_stack.words <= SNAP_STACK_WORDS);
	if (!*rendered) {
		fuzz_render_snapshot(s);
		*rendered = 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* [core][halted, running][full, lazy] */
	static struct snapcap_plan plans[2][2][2];
	static int planned;
	static struct snapshot s;
	int rendered = 0;
	char state[16];

	fuzz_quiet_logs();
	if (!planned) {
		for (int c = 0; c < 2; c++)
			for (int h = 0; h < 2; h++)
				for (int l = 0; l < 2; l++) {
					snapcap_plan(&plans[c][h][l], c ? SNAP_CORE_CM4 : SNAP_CORE_CM7, h == 0);
					snapcap_set_lazy(&plans[c][h][l], l);
				}
		planned = 1;
	}
	for (int c = 0; c < 2; c++) {
		for (int l = 0; l < 2; l++) {
			/* what target_snapshot() parses: "STATE ITEMS" */
			int rc = snapcap_parse_state(&plans[c][0][l], &plans[c][1][l], (const char *)data, size, &s,
						     state, sizeof state);
			FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE);
			if (rc == 0) {
				FUZZ_CHECK(memchr(state, '\0', sizeof state) != NULL);
				check(&plans[c][strcmp(state, "halted") == 0 ? 0 : 1][l], &s, &rendered);
			}
		}
		for (int h = 0; h < 2; h++) {
			/* ITEMS alone, with each plan */
			int rc = snapcap_parse(&plans[c][h][0], (const char *)data, size, &s);
			FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE);
			if (rc == 0)
				check(&plans[c][h][0], &s, &rendered);
		}
	}
	return 0;
}
