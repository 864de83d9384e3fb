/* Bounded Tcl list parser (see tcl.h). */
#include "tcl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h7jumpdiag/error.h"

const struct tcl_limits tcl_default_limits = {
	.max_len = 8u << 20,
	.max_elems = 1u << 20,
	.max_depth = 64,
};

static int tcl_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void tcl_seterr(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void tcl_seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errsz)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

static int tcl_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append code point cp as UTF-8 (what Tcl does for \u and \x). */
static size_t tcl_put_utf8(char *dst, unsigned cp)
{
	if (cp < 0x80) {
		if (dst)
			dst[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		if (dst) {
			dst[0] = (char)(0xC0 | (cp >> 6));
			dst[1] = (char)(0x80 | (cp & 0x3F));
		}
		return 2;
	}
	if (dst) {
		dst[0] = (char)(0xE0 | (cp >> 12));
		dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		dst[2] = (char)(0x80 | (cp & 0x3F));
	}
	return 3;
}

/* Backslash substitution of the sequence at s[*i] == '\\' (Tcl(n) rule 9).
 * Writes to dst (when not NULL), returns the bytes produced; advances *i. */
static size_t tcl_backslash(const char *s, size_t end, size_t *i, char *dst)
{
	size_t p = *i + 1;
	unsigned cp;
	int k;

	if (p >= end) { /* a lone trailing backslash stands for itself */
		*i = p;
		if (dst)
			*dst = '\\';
		return 1;
	}
	unsigned char c = (unsigned char)s[p++];
	switch (c) {
	case 'a': cp = 7; break;
	case 'b': cp = 8; break;
	case 'f': cp = 12; break;
	case 'n': cp = 10; break;
	case 'r': cp = 13; break;
	case 't': cp = 9; break;
	case 'v': cp = 11; break;
	case '\n': /* backslash-newline + following blanks: one space */
		while (p < end && (s[p] == ' ' || s[p] == '\t'))
			p++;
		cp = ' ';
		break;
	case 'x':
		cp = 0;
		for (k = 0; k < 2 && p < end && tcl_hexval((unsigned char)s[p]) >= 0; k++)
			cp = cp * 16 + (unsigned)tcl_hexval((unsigned char)s[p++]);
		if (k == 0)
			cp = 'x';
		break;
	case 'u':
		cp = 0;
		for (k = 0; k < 4 && p < end && tcl_hexval((unsigned char)s[p]) >= 0; k++)
			cp = cp * 16 + (unsigned)tcl_hexval((unsigned char)s[p++]);
		if (k == 0)
			cp = 'u';
		break;
	default:
		if (c >= '0' && c <= '7') {
			cp = c - '0';
			for (k = 1; k < 3 && p < end && s[p] >= '0' && s[p] <= '7'; k++)
				cp = cp * 8 + (unsigned)(s[p++] - '0');
			cp &= 0xFF;
			/* \ooo yields one byte (Jim Tcl, which OpenOCD embeds) */
			*i = p;
			if (dst)
				*dst = (char)cp;
			return 1;
		}
		/* any other character stands for itself (raw byte) */
		*i = p;
		if (dst)
			*dst = (char)c;
		return 1;
	}
	*i = p;
	if (c == 'x') { /* \xHH yields one byte in Jim Tcl */
		if (dst)
			*dst = (char)cp;
		return 1;
	}
	return tcl_put_utf8(dst, cp);
}

/* Scan one element starting at s[*pos] (not white space). Writes its value to
 * dst when not NULL (dst has room for the raw length), sets *dlen. */
static int tcl_element(const char *s, size_t end, size_t *pos, char *dst, size_t *dlen,
		       const struct tcl_limits *lim, char *err, size_t errsz)
{
	size_t i = *pos, n = 0;

	if (s[i] == '{') {
		unsigned depth = 1;
		size_t start = ++i;
		for (;;) {
			if (i >= end) {
				tcl_seterr(err, errsz, "unmatched open brace in list (at byte %zu)", start - 1);
				return H7_ERROR_PARSE;
			}
			char c = s[i];
			if (c == '\\') {
				i += (i + 1 < end) ? 2 : 1;
				continue;
			}
			if (c == '{') {
				if (++depth > lim->max_depth) {
					tcl_seterr(err, errsz, "list nested deeper than %u braces", lim->max_depth);
					return H7_ERROR_OVERFLOW;
				}
			} else if (c == '}' && --depth == 0) {
				break;
			}
			i++;
		}
		n = i - start;
		if (dst)
			memcpy(dst, s + start, n);
		i++; /* closing brace */
		if (i < end && !tcl_is_space((unsigned char)s[i])) {
			tcl_seterr(err, errsz, "list element in braces followed by \"%c\" instead of space",
				   s[i]);
			return H7_ERROR_PARSE;
		}
	} else if (s[i] == '"') {
		size_t start = i++;
		for (;;) {
			if (i >= end) {
				tcl_seterr(err, errsz, "unmatched open quote in list (at byte %zu)", start);
				return H7_ERROR_PARSE;
			}
			if (s[i] == '"')
				break;
			if (s[i] == '\\') {
				n += tcl_backslash(s, end, &i, dst ? dst + n : NULL);
				continue;
			}
			if (dst)
				dst[n] = s[i];
			n++;
			i++;
		}
		i++; /* closing quote */
		if (i < end && !tcl_is_space((unsigned char)s[i])) {
			tcl_seterr(err, errsz, "list element in quotes followed by \"%c\" instead of space",
				   s[i]);
			return H7_ERROR_PARSE;
		}
	} else {
		while (i < end && !tcl_is_space((unsigned char)s[i])) {
			if (s[i] == '\\') {
				n += tcl_backslash(s, end, &i, dst ? dst + n : NULL);
				continue;
			}
			if (dst)
				dst[n] = s[i];
			n++;
			i++;
		}
	}
	*pos = i;
	*dlen = n;
	return 0;
}

/* One pass over the list: count elements and bytes (dst == NULL) or fill. */
static int tcl_scan(const char *buf, size_t len, const struct tcl_limits *lim, struct tcl_list *out,
		    char *err, size_t errsz, size_t *n_elems)
{
	size_t pos = 0, n = 0, off = 0;

	for (;;) {
		while (pos < len && tcl_is_space((unsigned char)buf[pos]))
			pos++;
		if (pos >= len)
			break;
		if (n >= lim->max_elems) {
			tcl_seterr(err, errsz, "list has more than %zu elements", lim->max_elems);
			return H7_ERROR_OVERFLOW;
		}
		size_t dlen;
		char *dst = out ? out->store + off : NULL;
		int rc = tcl_element(buf, len, &pos, dst, &dlen, lim, err, errsz);
		if (rc)
			return rc;
		if (out) {
			out->v[n] = dst;
			out->len[n] = dlen;
			dst[dlen] = '\0';
			off += dlen + 1;
		}
		n++;
	}
	*n_elems = n;
	return 0;
}

int tcl_list_parse(const char *buf, size_t len, const struct tcl_limits *lim, struct tcl_list *out,
		   char *err, size_t errsz)
{
	size_t n = 0;
	int rc;

	if (!out || (!buf && len))
		return H7_ERROR_INVALID_PARAM;
	memset(out, 0, sizeof *out);
	if (!lim)
		lim = &tcl_default_limits;
	if (len > lim->max_len) {
		tcl_seterr(err, errsz, "list of %zu bytes exceeds the limit of %zu", len, lim->max_len);
		return H7_ERROR_OVERFLOW;
	}
	rc = tcl_scan(buf, len, lim, NULL, err, errsz, &n);
	if (rc)
		return rc;
	/* layout: n pointers, n lengths, then the strings (decoded <= raw + NUL each) */
	size_t hdr = n * (sizeof(char *) + sizeof(size_t));
	char *mem = malloc(hdr + len + n + 1);
	if (!mem)
		return H7_ERROR_NO_MEM;
	struct tcl_list l = { 0 };
	l.v = (char **)(void *)mem;
	l.len = (size_t *)(void *)(mem + n * sizeof(char *));
	l.store = mem + hdr;
	rc = tcl_scan(buf, len, lim, &l, err, errsz, &n);
	if (rc) {
		free(mem);
		return rc;
	}
	l.n = n;
	l.store = mem;
	*out = l;
	return 0;
}

void tcl_list_free(struct tcl_list *l)
{
	if (!l)
		return;
	free(l->store);
	memset(l, 0, sizeof *l);
}

int tcl_braces_balanced(const char *s, size_t len)
{
	long depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '{')
			depth++;
		else if (s[i] == '}' && --depth < 0)
			return 0;
	}
	/* a trailing lone backslash would escape the closing brace of the wrapper */
	if (len && s[len - 1] == '\\') {
		size_t k = 0;
		while (k < len && s[len - 1 - k] == '\\')
			k++;
		if (k % 2)
			return 0;
	}
	return depth == 0;
}

int tcl_parse_int(const char *s, long long *out)
{
	char *end;

	if (!s || !*s || tcl_is_space((unsigned char)*s))
		return H7_ERROR_PARSE;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno == ERANGE) {
		/* OpenOCD prints 64-bit unsigned values (d0..d15) */
		errno = 0;
		unsigned long long u = strtoull(s, &end, 0);
		if (errno || *s == '-')
			return H7_ERROR_PARSE;
		v = (long long)u;
	}
	if (*end != '\0' || end == s)
		return H7_ERROR_PARSE;
	/* strtoll reads "010" as octal: OpenOCD never prints that, Tcl would; accept both */
	*out = v;
	return 0;
}
