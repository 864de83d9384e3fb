/* Run record helpers (see run.h). */
#include "run.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h7jumpdiag/error.h"

void run_record_init(struct run_record *r)
{
	memset(r, 0, sizeof *r);
	r->branch_step = -1;
	r->sim_flash_writes = -1;
	r->sim_optbyte_writes = -1;
	r->verdict = RUN_VERDICT_ERROR;
}

void run_record_free(struct run_record *r)
{
	free(r->steps);
	r->steps = NULL;
	r->n_steps = r->cap_steps = 0;
}

struct run_step *run_add_step(struct run_record *r)
{
	struct run_step *s;

	if (r->n_steps == r->cap_steps) {
		int cap = r->cap_steps ? r->cap_steps * 2 : 16;
		struct run_step *ns = realloc(r->steps, (size_t)cap * sizeof *ns);
		if (!ns)
			return NULL;
		r->steps = ns;
		r->cap_steps = cap;
	}
	s = &r->steps[r->n_steps];
	memset(s, 0, sizeof *s);
	s->index = r->n_steps++;
	s->fault = -1;
	return s;
}

void run_note(struct run_record *r, const char *fmt, ...)
{
	va_list ap;

	if (r->n_notes >= RUN_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->n_notes++], RUN_TEXT, fmt, ap);
	va_end(ap);
}

const char *run_verdict_name(enum run_verdict v)
{
	switch (v) {
	case RUN_VERDICT_DFU_ENUMERATED: return "dfu-enumerated";
	case RUN_VERDICT_FAULT: return "fault";
	case RUN_VERDICT_NO_DFU: return "no-dfu";
	default: return "error";
	}
}

const char *run_stop_name(enum run_stop s)
{
	static const char *const names[] = { "none", "branched", "done", "fault", "timeout", "error", "interrupted" };
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "none";
}

int run_exit_status(const struct run_record *r)
{
	switch (r->verdict) {
	case RUN_VERDICT_DFU_ENUMERATED: return H7_EXIT_OK;
	case RUN_VERDICT_FAULT:
	case RUN_VERDICT_NO_DFU: return H7_EXIT_DIAGNOSIS;
	default: return r->error ? h7_exit_for_error(r->error) : H7_EXIT_INTERNAL;
	}
}
