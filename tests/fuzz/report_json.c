/* Fuzz target: the JSON report reader behind `h7jumpdiag decode --report
 * FILE.json` (render_read_snapshot_json, src/render.c, over cJSON), then what
 * `decode` does with the snapshot: the text and JSON decode reports, and
 * the round trip of that report (fuzz_snap.h).
 *
 * Seeds: the reports in examples/ (snapshot and decode reports written by
 * the tool, and a run report, which the reader must refuse cleanly).
 * Checked: the reader returns 0, H7_ERROR_PARSE or H7_ERROR_OVERFLOW with a
 * NUL-terminated message; an accepted snapshot has valid register states.
 */
#include "fuzz_snap.h"
#include "h7jumpdiag/error.h"
#include "regs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snapshot s;
	char err[200];

	fuzz_quiet_logs();
	memset(err, 'x', sizeof err);
	int rc = render_read_snapshot_json((const char *)data, size, &s, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE || rc == H7_ERROR_OVERFLOW || rc == H7_ERROR_NO_MEM);
	if (rc) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
		return 0;
	}
	fuzz_accepted++;
	FUZZ_CHECK(s.core == SNAP_CORE_CM7 || s.core == SNAP_CORE_CM4);
	for (int r = 0; r < REG_COUNT; r++)
		FUZZ_CHECK(s.state[r] <= SNAP_ABSENT);
	FUZZ_CHECK(s.msp_stack.words <= SNAP_STACK_WORDS && s.psp_stack.words <= SNAP_STACK_WORDS);
	fuzz_render_snapshot(&s);
	return 0;
}
