/* Replay driver: runs every file of the seed corpus and of the regression
 * inputs of one fuzz target through its LLVMFuzzerTestOneInput(), without
 * libFuzzer, so `make check` (gcc; ASan+UBSan with SANITIZE=1) proves that
 * every input that ever crashed a target stays fixed.
 *
 *   replay-NAME              tests/fuzz/corpus/NAME/ and tests/fuzz/regressions/NAME/
 *                            under $H7_SRCDIR (default .)
 *   replay-NAME FILE|DIR...  only those (to reproduce one crash by hand)
 *
 * Fails when the corpus directory is missing or empty, or when the target's
 * parser accepted none of the seeds (fuzz_accepted): a target whose seeds
 * are gone or stale would otherwise pass without testing anything. A crash shows up
 * as the sanitizer's report (or a signal) and a non-zero exit.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FUZZ_REPLAY_DRIVER
#include "fuzz.h"

#ifndef FUZZ_NAME
#error "compile with -DFUZZ_NAME=\"target\""
#endif

#define REPLAY_MAX_BYTES (16u << 20)

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		fprintf(stderr, "replay-%s: %s: %s\n", FUZZ_NAME, path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			uint8_t *nb = ncap <= REPLAY_MAX_BYTES ? realloc(buf, ncap) : NULL;
			if (!nb) {
				fprintf(stderr, "replay-%s: %s: too large or out of memory\n", FUZZ_NAME, path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "replay-%s: %s: read error\n", FUZZ_NAME, path);
		free(buf);
		return -1;
	}
	/* libFuzzer hands out an exact-size heap copy: so does the replay (ASan sees overreads) */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	if (n)
		memcpy(exact, buf, n);
	free(buf);
	int rc = LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	if (rc != 0) {
		fprintf(stderr, "replay-%s: %s: target returned %d\n", FUZZ_NAME, path, rc);
		return -1;
	}
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir (sorted, hidden files skipped); *count gets how many ran. */
static int replay_dir(const char *dir, int required, unsigned *count)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*count = 0;
	if (!d) {
		if (!required && errno == ENOENT)
			return 0;
		fprintf(stderr, "replay-%s: %s: %s\n", FUZZ_NAME, dir, strerror(errno));
		return -1;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof *names);
			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n]) {
			rc = -1;
			break;
		}
		snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, name_cmp);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(names[i]))
				rc = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	if (rc == 0 && required && *count == 0) {
		fprintf(stderr, "replay-%s: %s: no inputs (the seed corpus is missing)\n", FUZZ_NAME, dir);
		rc = -1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	unsigned n = 0, total = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			struct stat st;
			int rc = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode) ? replay_dir(argv[i], 1, &n)
										 : (n = 1, replay_file(argv[i]));
			if (rc)
				return 1;
			total += n;
		}
		printf("replay-%s: %u inputs ran\n", FUZZ_NAME, total);
		return 0;
	}
	const char *src = getenv("H7_SRCDIR");
	char corpus[4096], regress[4096];
	unsigned nc = 0, nr = 0;

	if (!src || !*src)
		src = ".";
	snprintf(corpus, sizeof corpus, "%s/tests/fuzz/corpus/%s", src, FUZZ_NAME);
	snprintf(regress, sizeof regress, "%s/tests/fuzz/regressions/%s", src, FUZZ_NAME);
	if (replay_dir(corpus, 1, &nc))
		return 1;
	if (fuzz_accepted == 0) {
		fprintf(stderr, "replay-%s: the parser accepted none of the %u seeds in %s: are they stale? "
			"(tests/fuzz/seeds/mkseeds.py)\n", FUZZ_NAME, nc, corpus);
		return 1;
	}
	unsigned long acc = fuzz_accepted;
	if (replay_dir(regress, 0, &nr))
		return 1;
	printf("replay-%s: %u seeds (%lu accepted by the parser) and %u regression inputs ran without a finding\n",
	       FUZZ_NAME, nc, acc, nr);
	return 0;
}
