/* Fuzz target: h7jumpdiag's parser of h7sim control-socket lines
 * (simctl_parse_line, src/usb_simctl.c): "ok key=value ...", "err message",
 * "event usb attach key=value ..." (protocol 1, sim/README.md), with
 * simctl_get and simctl_get_ms (mono_ms=81234.567) on the result.
 *
 * The input is what h7sim sends: it is split at "\n" as the client's reader
 * does, each line is parsed (and the whole input once more as one line).
 * Checked: return codes; a parsed line has kind ok/err/event, at most
 * SIMCTL_MAX_WORDS words and SIMCTL_MAX_KV pairs, non-empty keys, no blank or
 * '=' inside keys and values, every key found again by simctl_get.
 */
#include <string.h>

#include "fuzz.h"
#include "h7jumpdiag/error.h"
#include "usb_simctl.h"

static void simctl_fuzz_line(const char *p, size_t n)
{
	static struct simctl_line l;
	double ms;

	int rc = simctl_parse_line(p, n, &l);
	FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE || rc == H7_ERROR_OVERFLOW);
	if (rc)
		return;
	fuzz_accepted++;
	FUZZ_CHECK(l.kind == SIMCTL_OK || l.kind == SIMCTL_ERR || l.kind == SIMCTL_EVENT);
	FUZZ_CHECK(l.n_words >= 0 && l.n_words <= SIMCTL_MAX_WORDS && l.n_kv >= 0 && l.n_kv <= SIMCTL_MAX_KV);
	FUZZ_CHECK(l.kind == SIMCTL_EVENT || l.n_words == 0);
	FUZZ_CHECK(memchr(l.message, '\0', sizeof l.message) != NULL);
	for (int i = 0; i < l.n_words; i++)
		FUZZ_CHECK(memchr(l.word[i], '\0', SIMCTL_KEY_MAX) && l.word[i][0]);
	for (int i = 0; i < l.n_kv; i++) {
		const struct simctl_kv *kv = &l.kv[i];
		FUZZ_CHECK(memchr(kv->key, '\0', sizeof kv->key) && memchr(kv->value, '\0', sizeof kv->value));
		FUZZ_CHECK(kv->key[0] && !strpbrk(kv->key, " =") && !strpbrk(kv->value, " ="));
		FUZZ_CHECK(simctl_get(&l, kv->key) != NULL);
		rc = simctl_get_ms(&l, kv->key, &ms);
		FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE);
	}
	rc = simctl_get_ms(&l, "mono_ms", &ms);
	FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE || rc == H7_ERROR_NOT_FOUND);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	fuzz_quiet_logs();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		simctl_fuzz_line(p, n);
		p += n;
	}
	simctl_fuzz_line((const char *)data, size);
	return 0;
}
