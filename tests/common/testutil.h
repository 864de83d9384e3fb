/* Helpers shared by the test programs. */
#ifndef H7_TESTUTIL_H
#define H7_TESTUTIL_H

#include <stddef.h>

/* Path of a file in the source tree ($H7_SRCDIR or "."); static buffer. */
const char *tu_src_path(const char *rel);
/* Path of a file in the build tree ($H7_BUILD or "build"); static buffer. */
const char *tu_build_path(const char *rel);
/* Read a whole file (NUL-terminated, malloc'd) or NULL; *len gets its size if len. */
char *tu_read_file(const char *path, size_t *len);
/* Run the CLI in-process with argv (NULL-terminated); captures stdout/stderr (malloc'd). */
int tu_run_cli(const char *const *argv, char **out, char **err);

/* Validate a JSON file against schema/h7jumpdiag-1.schema.json with the real
 * python3-jsonschema. 0 when valid; prints the validator's message otherwise. */
int tu_validate_schema(const char *json_path);

#endif
