/* Fuzz target: the Tcl list parser (src/tcl.c), i.e. how every reply of
 * OpenOCD's Tcl RPC server is split, plus tcl_parse_int, tcl_braces_balanced
 * and the one audited quoting function ocd_rpc_quote (src/ocd_rpc.c).
 *
 * Invariants checked (each a FUZZ_CHECK):
 *  - a parsed list respects its limits; every element is NUL-terminated at len[i];
 *  - what parses under tight limits parses the same under the default ones;
 *  - ocd_rpc_quote(x) reads back as exactly one element equal to x, for the
 *    whole input and for every element: a value quoted for a Tcl script can
 *    never split into more words (the Tcl injection guard, issue 8 "Security").
 */
#include <string.h>

#include "fuzz.h"
#include "h7jumpdiag/error.h"
#include "ocd_rpc.h"
#include "tcl.h"

static void check_quote(const char *s, size_t len)
{
	char *q = ocd_rpc_quote(s, len);
	struct tcl_list l;

	if (!q) /* only over OCD_RPC_MAX_REQUEST / 4 bytes, or out of memory */
		return;
	FUZZ_CHECK(tcl_braces_balanced(q, strlen(q)));
	FUZZ_CHECK(tcl_list_parse(q, strlen(q), NULL, &l, NULL, 0) == 0);
	FUZZ_CHECK(l.n == 1);
	FUZZ_CHECK(l.len[0] == len);
	FUZZ_CHECK(len == 0 || memcmp(l.v[0], s, len) == 0);
	tcl_list_free(&l);
	free(q);
}

static void check_list(const struct tcl_list *l, const struct tcl_limits *lim)
{
	FUZZ_CHECK(l->n <= lim->max_elems);
	for (size_t i = 0; i < l->n; i++)
		FUZZ_CHECK(l->v[i][l->len[i]] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tcl_limits tight = { .max_len = 256, .max_elems = 8, .max_depth = 3 };
	const char *buf = (const char *)data;
	struct tcl_list l, t;
	char err[96];
	int rc, rt;

	fuzz_quiet_logs();
	rc = tcl_list_parse(buf, size, NULL, &l, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE || rc == H7_ERROR_OVERFLOW || rc == H7_ERROR_NO_MEM);
	if (rc == 0) {
		fuzz_accepted++;
		check_list(&l, &tcl_default_limits);
	}
	else
		FUZZ_CHECK(l.n == 0 && memchr(err, '\0', sizeof err));

	rt = tcl_list_parse(buf, size, &tight, &t, err, sizeof err);
	if (rt == 0) {
		check_list(&t, &tight);
		FUZZ_CHECK(rc == 0 && t.n == l.n);
		for (size_t i = 0; i < t.n; i++)
			FUZZ_CHECK(t.len[i] == l.len[i] && memcmp(t.v[i], l.v[i], t.len[i]) == 0);
		tcl_list_free(&t);
	}

	check_quote(buf, size);
	if (rc == 0) {
		for (size_t i = 0; i < l.n && i < 64; i++) {
			long long v;
			check_quote(l.v[i], l.len[i]);
			(void)tcl_parse_int(l.v[i], &v);
		}
		tcl_list_free(&l);
	}

	/* tcl_parse_int over the input as one word (it takes a C string) */
	char word[80];
	size_t n = size < sizeof word - 1 ? size : sizeof word - 1;
	long long v;
	memcpy(word, buf, n);
	word[n] = '\0';
	(void)tcl_parse_int(word, &v);
	(void)tcl_braces_balanced(buf, size);
	return 0;
}
