/* Fuzz target: the JSON report reader behind `h7jumpdiag decode --report
 * FILE.json [--fault N]` (render_read_report_json, src/render.c, over
 * cJSON), then what `decode` does with the snapshot: the text and JSON
 * decode reports, and the round trip of that report (fuzz_snap.h).
 *
 * Seeds: the reports in examples/ (decode reports and a run report written
 * by the tool; a run report is read at its faults' snapshots).
 * Checked: the reader returns 0, H7_ERROR_PARSE, H7_ERROR_OVERFLOW or
 * H7_ERROR_NOT_FOUND (a run report without that fault) with a NUL-terminated
 * message; an accepted snapshot has valid register states.
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
	/* a run report's second fault when it has one (`decode --report R --fault 2`), else the
	 * first fault or the snapshot; NOT_FOUND: a run report without that fault */
	int fault = 2;
	int rc = render_read_report_json((const char *)data, size, &fault, &s, err, sizeof err);
	if (rc == H7_ERROR_NOT_FOUND || rc == H7_ERROR_INVALID_PARAM) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
		memset(err, 'x', sizeof err);
		rc = render_read_snapshot_json((const char *)data, size, &s, err, sizeof err);
	} else if (rc == 0) {
		FUZZ_CHECK(fault == 2);
	}
	FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE || rc == H7_ERROR_OVERFLOW || rc == H7_ERROR_NO_MEM ||
		   rc == H7_ERROR_NOT_FOUND);
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
