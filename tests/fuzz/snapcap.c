/* Fuzz target: snapcap_parse (src/snapcap.c), the parser of the one-script
 * snapshot capture's result ("code result code result ..." with get_reg
 * name/value lists, read_memory word lists, MPU region pairs and stack
 * windows), then rendering of whatever it accepted (every decoder runs over
 * hostile register values) and a JSON report round trip (fuzz_snap.h).
 *
 * The input is the result payload (the second element of the RPC's catch
 * list). It is parsed against four plans: CM7 and CM4, halted and running
 * (which request different items); seeds are real captures, which match one.
 * Checked: a success marks every register with a valid state, registers the
 * core does not have are SNAP_ABSENT.
 */
#include "fuzz_snap.h"
#include "h7jumpdiag/error.h"
#include "regs.h"
#include "snapcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snapcap_plan plans[4];
	static int planned;
	static struct snapshot s;
	int rendered = 0;

	fuzz_quiet_logs();
	if (!planned) {
		for (int i = 0; i < 4; i++)
			snapcap_plan(&plans[i], i & 1 ? SNAP_CORE_CM4 : SNAP_CORE_CM7, !(i & 2));
		planned = 1;
	}
	for (int i = 0; i < 4; i++) {
		int rc = snapcap_parse(&plans[i], (const char *)data, size, &s);
		FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE);
		if (rc)
			continue;
		fuzz_accepted++;
		FUZZ_CHECK(s.core == plans[i].core);
		uint8_t mask = plans[i].core == SNAP_CORE_CM7 ? REGS_CM7 : REGS_CM4;
		for (int r = 0; r < REG_COUNT; r++) {
			FUZZ_CHECK(s.state[r] <= SNAP_ABSENT);
			if (!(regs_catalog[r].cores & mask))
				FUZZ_CHECK(s.state[r] == SNAP_ABSENT);
		}
		FUZZ_CHECK(s.msp_stack.words <= SNAP_STACK_WORDS && s.psp_stack.words <= SNAP_STACK_WORDS);
		if (!rendered) {
			fuzz_render_snapshot(&s);
			rendered = 1;
		}
	}
	return 0;
}
