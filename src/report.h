/* Reports of a run: text (narrated step by step), JSON (schema h7jumpdiag/1,
 * report "run") and JUnit XML. Pure formatting over the run record and the
 * findings; files are written atomically by the caller (render_write_file_atomic).
 */
#ifndef H7_REPORT_H
#define H7_REPORT_H

#include <stdio.h>

#include "rules.h"
#include "run.h"

struct cJSON;

struct report_opts {
	int color;   /* ANSI colours */
	int explain; /* teaching text per step (--explain) */
	int verbose; /* more registers per step */
};

void report_text(FILE *f, const struct run_record *rec, const struct rules_result *res, const struct report_opts *o);

/* The JSON report; NULL when out of memory. */
struct cJSON *report_json(const struct run_record *rec, const struct rules_result *res);

/* JUnit XML: a testcase per step and one for DFU enumeration. malloc'd text or NULL. */
char *report_junit(const struct run_record *rec, const struct rules_result *res);

/* XML-escape into out (bounded; always NUL-terminated). */
void report_xml_escape(const char *in, char *out, size_t outsz);

#endif
