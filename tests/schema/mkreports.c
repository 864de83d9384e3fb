/* Write the snapshot reports the schema check validates: render_snapshot_json
 * of hand-built snapshots (the live ones come from the host tests).
 *
 *   mkreports DIR     writes DIR/snapshot-*.json
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "snapfix.h"

static int write_doc(const char *dir, const char *name, cJSON *doc)
{
	char path[4096], *text;
	int rc;

	if (!doc) {
		fprintf(stderr, "mkreports: %s: rendering failed\n", name);
		return 1;
	}
	text = cJSON_Print(doc);
	cJSON_Delete(doc);
	if (!text)
		return 1;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	rc = render_write_file_atomic(path, text, strlen(text));
	free(text);
	return rc != 0;
}

int main(int argc, char **argv)
{
	struct snapshot s;
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkreports DIR\n");
		return 2;
	}
	tu_full_snapshot(&s);
	bad |= write_doc(argv[1], "snapshot-full.json", render_snapshot_json(&s));
	/* the CM4: no ABFSR/CACR, 8 MPU regions, an imprecise fault on PSP */
	snapshot_set(&s, REG_MPU_TYPE, 0x00000800);
	snapshot_mark(&s, REG_CACR, SNAP_ABSENT);
	snapshot_set(&s, REG_CFSR, 0x00000400);
	snapshot_set(&s, REG_LR, 0xFFFFFFED);
	s.core = SNAP_CORE_CM4;
	s.halted = 0;
	bad |= write_doc(argv[1], "snapshot-cm4.json", render_snapshot_json(&s));
	/* an empty capture */
	snapshot_init(&s, SNAP_CORE_CM7);
	bad |= write_doc(argv[1], "snapshot-empty.json", render_snapshot_json(&s));
	return bad;
}
