/* Shared by the libFuzzer targets in tests/fuzz/ (see README.md there).
 *
 * Every target defines LLVMFuzzerTestOneInput(): it is linked either with
 * libFuzzer (clang, build/fuzz/, `make fuzz`) or with replay.c, a plain
 * driver that runs the committed seeds and regression inputs through it
 * under `make check` (gcc, and ASan+UBSan with SANITIZE=1).
 *
 * A target returns 0 for every input; a crash, a sanitizer report or a failed
 * FUZZ_CHECK (an invariant of the parser's result) is a finding.
 */
#ifndef H7_FUZZ_H
#define H7_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs the target's parser accepted (the target counts them). The replay
 * driver fails when no seed at all was accepted: seeds that no longer match
 * the parser would otherwise test only its error paths. */
extern unsigned long fuzz_accepted;
#ifndef FUZZ_REPLAY_DRIVER
unsigned long fuzz_accepted; /* defined once, in the target's file */
#endif

/* An invariant of the code under test: report and abort (libFuzzer then
 * saves the input as a crash). */
#define FUZZ_CHECK(cond)                                                                                      \
	do {                                                                                                  \
		if (!(cond)) {                                                                                \
			fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond);         \
			abort();                                                                              \
		}                                                                                             \
	} while (0)

/* A sink for reports and log messages: formatting runs (and is checked by
 * the sanitizers), the output is dropped. */
static inline FILE *fuzz_devnull(void)
{
	static FILE *f;

	if (!f) {
		f = fopen("/dev/null", "w");
		if (!f)
			abort();
	}
	return f;
}

/* Log everything (down to the RPC traces: their formatting of hostile input
 * is part of what is fuzzed) into the sink. */
static inline void fuzz_quiet_logs(void)
{
	h7_log_set_stream(fuzz_devnull());
	h7_log_set_level(H7_LOG_TRACE);
}

#endif
