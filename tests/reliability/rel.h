/* Reliability tests: run the real h7jumpdiag against the real OpenOCD and
 * h7sim while something goes wrong, and check what it leaves behind.
 *
 * The test program is a child subreaper (PR_SET_CHILD_SUBREAPER): anything
 * h7jumpdiag started and failed to reap becomes the test's child, so "no child
 * process left" is checked exactly, right after h7jumpdiag exits.
 */
#ifndef H7_REL_H
#define H7_REL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cJSON;
struct sim_harness;

struct rel_tool {
	pid_t pid;
	char dir[64];        /* private directory: the report, TMPDIR (OpenOCD/h7sim logs) */
	char out[128];       /* dir/report.json */
	char log[128];       /* the tool's stdout+stderr */
	int status;          /* exit status, 128 + signal, or -1 */
	double t_ms;         /* how long it ran */
	struct cJSON *json;  /* the report, parsed (NULL when there is none) */
};

struct rel_opts {
	const struct sim_harness *sim; /* --h7sim HOST:RBB:CTL of this simulator, or NULL: the tool starts one */
	bool own_group;                /* the tool leads its own process group (for group signals) */
	bool verbose;                  /* -v: progress lines in the log */
	const char *const *env;        /* extra NAME=VALUE entries, NULL-terminated, or NULL */
	const char *output;            /* -o path (default dir/report.json) */
};

/* Call first in main(). */
void rel_init(void);
/* Start `h7jumpdiag run --board sim ARGS --format json -o OUT` in the background. */
void rel_start(struct rel_tool *t, const struct rel_opts *o, const char *const *args);
/* Wait for it (at most limit_ms: then it is killed and the test fails), read
 * and schema-check the report, check that no child process is left and no
 * temporary file next to the report. */
void rel_finish(struct rel_tool *t, int limit_ms);
/* Remove the tool's directory and free the report. */
void rel_cleanup(struct rel_tool *t);
/* Start, finish. */
void rel_run(struct rel_tool *t, const struct rel_opts *o, const char *const *args, int limit_ms);

/* A direct child of `parent` whose command name is comm, or 0. */
pid_t rel_child(pid_t parent, const char *comm);
/* Wait up to ms for the file to contain needle. */
bool rel_wait_log(const char *path, const char *needle, int ms);
/* A numeric key of h7sim's `stats` (or `status` when key is a status key); -1 on failure. */
long long rel_sim_stat(struct sim_harness *h, const char *key);
/* The value of key in the `status` reply into buf; false on failure. */
bool rel_sim_status(struct sim_harness *h, const char *key, char *buf, size_t cap);
/* Wait up to ms for a stats key to reach at least min. */
bool rel_wait_stat(struct sim_harness *h, const char *key, long long min, int ms);
/* Send `inject ...` and require `ok`. */
void rel_inject(struct sim_harness *h, const char *what);

/* Report access. */
const char *rel_str(const struct cJSON *o, const char *key);
const struct cJSON *rel_obj(const struct cJSON *o, const char *key);
int rel_steps_with_snapshot(const struct cJSON *report);
bool rel_has_finding(const struct cJSON *report, const char *id);
bool rel_note_has(const struct cJSON *report, const char *needle);
/* The simulator counters the report carries: flash and option-byte write attempts both 0. */
void rel_expect_flash_untouched(const struct cJSON *report);

/* Path helpers. */
const char *rel_fw(const char *name); /* $H7_FWBUILD/NAME (static, two alternating buffers) */
/* Copy a file; 0 or -1. */
int rel_copy(const char *from, const char *to);

#endif
