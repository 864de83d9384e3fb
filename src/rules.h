/* Rules: turn what a run measured (steps, snapshots, faults, the USB timeline)
 * into findings with evidence, an explanation, a fix and references.
 *
 * Pure functions over a struct run_record: no I/O. Each rule looks at
 * registers the tool read and the code that ran (the probe step, or the
 * source line); none looks at the recipe's name.
 */
#ifndef H7_RULES_H
#define H7_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"

enum rule_severity {
	RULE_INFO = 0,    /* worth knowing; not a cause of failure */
	RULE_WARNING = 1, /* risky; may cause failures depending on the bootloader and timing */
	RULE_ERROR = 2    /* breaks the jump */
};

#define RULE_MAX_EVIDENCE 8
#define RULE_MAX_REFS 4
#define RULE_MAX_FINDINGS 32

struct rule_evidence {
	char what[32];   /* register or quantity, e.g. "PRIMASK", "BFAR", "DFU device" */
	int has_value;
	uint32_t value;
	char where[64];  /* when it was read: "after step 5 disable-dcache", "at the bootloader entry" */
	char text[160];  /* decoded meaning */
};

struct finding {
	const char *id;          /* stable: "bootloader-address", ... */
	enum rule_severity severity;
	char title[160];
	int n_evidence;
	struct rule_evidence evidence[RULE_MAX_EVIDENCE];
	char explanation[768];
	char fix[512];
	const char *refs[RULE_MAX_REFS];
	int step;                /* the step the finding is about, or -1 */
};

struct rules_result {
	int n;
	struct finding f[RULE_MAX_FINDINGS];
};

struct rule_def {
	const char *id;
	const char *summary;
};

/* Every rule, in evaluation order (findings come out in this order). */
const struct rule_def *rules_list(size_t *n);

/* Evaluate every rule over rec. */
void rules_evaluate(const struct run_record *rec, struct rules_result *out);

/* The finding with this id in res, or NULL. */
const struct finding *rules_find(const struct rules_result *res, const char *id);

const char *rules_severity_name(enum rule_severity s);

#endif
