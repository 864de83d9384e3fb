/* A bounded parser for Tcl lists (the replies of OpenOCD's Tcl RPC server).
 *
 * Pure functions over a buffer: no I/O, no global state, so the parser can be
 * fuzzed. The syntax is the one of Tcl's list rep (Tcl_SplitList, the "Rules"
 * of the Tcl(n) manual, which Jim Tcl inside OpenOCD follows): elements are
 * separated by white space; an element is a {braced} word (no substitution,
 * nested braces counted, a backslash escapes the next character for counting
 * only), a "quoted" word or a bare word (both with backslash substitution:
 * \a \b \f \n \r \t \v \\ \xHH \uHHHH \ooo and backslash-newline). Anything
 * else is a clear error (H7_ERROR_PARSE), input over its limits is
 * H7_ERROR_OVERFLOW; nothing crashes.
 *
 * Quoting values INTO Tcl is not done here: see ocd_rpc_quote() in ocd_rpc.h,
 * the one audited function for that.
 */
#ifndef H7_TCL_H
#define H7_TCL_H

#include <stddef.h>

struct tcl_limits {
	size_t max_len;      /* bytes of input */
	size_t max_elems;    /* elements in one list */
	unsigned max_depth;  /* brace nesting inside one element */
};

/* Defaults: 8 MiB, 1 Mi elements, depth 64. */
extern const struct tcl_limits tcl_default_limits;

struct tcl_list {
	size_t n;       /* number of elements */
	char **v;       /* v[i]: element i after substitution, NUL-terminated */
	size_t *len;    /* len[i]: its length (an element may contain a NUL from \000) */
	char *store;    /* one allocation behind v, len and the strings */
};

/* Split buf[0..len) into a list. lim may be NULL (defaults). On success out
 * must be released with tcl_list_free(); on failure out is empty and, when
 * err is not NULL, err gets a short message (at most errsz bytes). Returns 0,
 * H7_ERROR_PARSE, H7_ERROR_OVERFLOW, H7_ERROR_NO_MEM or H7_ERROR_INVALID_PARAM. */
int tcl_list_parse(const char *buf, size_t len, const struct tcl_limits *lim, struct tcl_list *out,
		   char *err, size_t errsz);

void tcl_list_free(struct tcl_list *l);

/* 1 when every brace in s[0..len) outside backslash escapes is balanced (so s
 * can be placed inside {...} as one word), else 0. */
int tcl_braces_balanced(const char *s, size_t len);

/* Parse a Tcl integer word as OpenOCD prints them ("0x1f", "42", "-4") into
 * *out. The whole string must be a number. 0 or H7_ERROR_PARSE. */
int tcl_parse_int(const char *s, long long *out);

#endif
