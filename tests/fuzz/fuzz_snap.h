/* Shared by the fuzz targets that end with a struct snapshot (snapcap,
 * report_json): render it the way `snapshot` and `decode` do, and read the
 * JSON report back. */
#ifndef H7_FUZZ_SNAP_H
#define H7_FUZZ_SNAP_H

#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "render.h"
#include "snapshot.h"

/* Text (with explanations, all registers) and JSON decode reports of s; the
 * JSON report must read back (render_read_snapshot_json) into a snapshot with
 * the same registers, values and states (what `decode --report` relies on). */
static inline void fuzz_render_snapshot(const struct snapshot *s)
{
	struct render_opts o;
	struct snapshot back;
	char err[160];

	render_opts_init(&o, NULL);
	o.all = 1;
	o.explain = 1;
	render_snapshot_text(fuzz_devnull(), s, &o);

	cJSON *doc = render_report_json(s, "decode", &o);
	FUZZ_CHECK(doc != NULL);
	char *text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	FUZZ_CHECK(text != NULL);
	int rc = render_read_snapshot_json(text, strlen(text), &back, err, sizeof err);
	if (rc) {
		fprintf(stderr, "report does not read back: %s\n%s\n", err, text);
		FUZZ_CHECK(rc == 0);
	}
	free(text);
	FUZZ_CHECK(back.core == s->core);
	size_t nd = snapshot_diff(s, &back, 1, NULL, 0);
	if (nd) {
		struct snap_change c[4];
		size_t k = snapshot_diff(s, &back, 1, c, 4);
		for (size_t i = 0; i < k; i++)
			fprintf(stderr, "read back: %s: state %u value 0x%08X -> state %u value 0x%08X\n",
				regs_catalog[c[i].id].name, c[i].before_state, c[i].before, c[i].after_state, c[i].after);
		FUZZ_CHECK(nd == 0);
	}
}

#endif
