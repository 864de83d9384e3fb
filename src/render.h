/* Rendering of snapshots and their decodes: text for people, JSON for tools.
 *
 * The report layer: it reads a struct snapshot (snapshot.h), asks the pure
 * decoders (fault.h, periph.h, svd.h) what it means, and writes it out.
 * Text is aligned for 80 columns and coloured only when asked (see
 * render_use_color: a terminal, and NO_COLOR unset, https://no-color.org).
 * JSON goes through cJSON with every allocation checked; its format is
 * "h7jumpdiag/1", described by schema/h7jumpdiag-1.schema.json. Registers are
 * "0x%08X" strings; set bits are listed by their CMSIS names; MMFAR/BFAR
 * appear only while MMARVALID/BFARVALID say they hold a fault address.
 * A reader turns a saved JSON report back into a struct snapshot.
 */
#ifndef H7_RENDER_H
#define H7_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "snapshot.h"

struct svd_device;

#define RENDER_SCHEMA "h7jumpdiag/1"

/* A register that is not in the catalog, decoded only through the SVD
 * (`decode --svd FILE --reg PERIPH.REG=VALUE`). */
struct render_svd_value {
	const char *periph; /* SVD peripheral name */
	const char *reg;    /* SVD register name */
	uint32_t value;
};

struct render_opts {
	int color;   /* ANSI colours (decide with render_use_color()) */
	int explain; /* plain-language notes, and a line under each set bit */
	int all;     /* text: also list registers that read 0 and every raw register */
	const struct svd_device *svd;  /* decode peripheral registers field by field, or NULL */
	const struct render_svd_value *svd_values; /* extra SVD-only registers */
	size_t n_svd_values;
	const char *title; /* first line of the text report, as is; NULL: "h7jumpdiag snapshot  CM7, halted" */
};

/* Defaults for output to f: colour when f is a terminal and NO_COLOR is unset
 * or empty, explanations on, no SVD. */
void render_opts_init(struct render_opts *o, FILE *f);
/* 1 when colour may be used on f: f is a TTY and NO_COLOR is not set to a
 * non-empty string. */
int render_use_color(FILE *f);

/* The text report of one snapshot: only the blocks that were captured. */
void render_snapshot_text(FILE *f, const struct snapshot *s, const struct render_opts *o);
/* Only the "Fault" section of render_snapshot_text (nothing when no fault register was read). */
void render_fault_text(FILE *f, const struct snapshot *s, const struct render_opts *o);

/* The JSON report of one snapshot ({"schema": "h7jumpdiag/1", "report":
 * "snapshot", ...}). NULL when out of memory. The caller owns the result
 * (cJSON_Delete). */
cJSON *render_snapshot_json(const struct snapshot *s);

/* The same with a report kind ("snapshot" or "decode") and options (o may be
 * NULL; o->svd adds field-by-field SVD decodes). */
cJSON *render_report_json(const struct snapshot *s, const char *report, const struct render_opts *o);

/* Building blocks for larger reports (the run report embeds one per step):
 * the raw capture ("snapshot" member) and its meaning ("decoded" member). */
cJSON *render_snapshot_object(const struct snapshot *s);
cJSON *render_decoded_object(const struct snapshot *s, const struct render_opts *o);

/* Write data to path atomically: a temporary file in the same directory,
 * fsync, rename over path. "-" writes to stdout. 0 or H7_ERROR_IO. */
int render_write_file_atomic(const char *path, const char *data, size_t len);
/* Can render_write_file_atomic(path) succeed? Checked before a long run, so
 * that a report is not lost at its end: creates and removes the temporary
 * file it would use. 0 ("-" too), or H7_ERROR_IO / H7_ERROR_INVALID_PARAM
 * with the reason in err. */
int render_check_output(const char *path, char *err, size_t errlen);

/* Limits of the JSON report reader. */
#define RENDER_JSON_MAX_BYTES (16u << 20)

/* Read a saved report (snapshot or decode, "schema": "h7jumpdiag/1") from a
 * buffer into *out. Bounded, never crashes on bad input: returns 0, or
 * H7_ERROR_PARSE / H7_ERROR_OVERFLOW with a message in err. Unknown register
 * names are skipped with a warning (a newer catalog). */
int render_read_snapshot_json(const char *buf, size_t len, struct snapshot *out, char *err, size_t errlen);
/* The same from a file; H7_ERROR_IO / H7_ERROR_NOT_FOUND when it cannot be read. */
int render_read_snapshot_file(const char *path, struct snapshot *out, char *err, size_t errlen);
/* Either of the above, also reading a run report ("report": "run"): the
 * snapshot of its fault number *fault (1 = the first; 0: the first); *fault
 * then holds the number read, or 0 for another kind of report. fault may be
 * NULL. H7_ERROR_NOT_FOUND when the run report holds no such fault, and
 * H7_ERROR_INVALID_PARAM for a fault number with another kind of report. */
int render_read_report_json(const char *buf, size_t len, int *fault, struct snapshot *out, char *err, size_t errlen);
int render_read_report_file(const char *path, int *fault, struct snapshot *out, char *err, size_t errlen);

#endif
