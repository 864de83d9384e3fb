/* CMSIS-SVD loader on expat (see svd.h). */
#include "svd.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "h7jumpdiag/error.h"

#define TEXT_MAX 4096 /* character data kept per element (descriptions are cut later) */

struct parser {
	XML_Parser xp;
	struct svd_device *dev;
	int error;      /* first error (negative h7_error) */
	char *err;
	size_t errlen;
	int depth;
	const char *stack[SVD_MAX_DEPTH]; /* element names (static strings for the ones we know) */
	char text[TEXT_MAX + 1];
	size_t text_len;
	int text_overflow;
	/* objects being filled */
	struct svd_peripheral *periph;
	struct svd_register *reg;
	struct svd_field *field;
	struct svd_enum *en;
	/* p->depth at which each of them was opened: only the closing tag at that
	 * depth ends it (a <field> nested somewhere inside an <enumeratedValue>
	 * must not end the field the value belongs to) */
	int periph_depth, reg_depth, field_depth, en_depth;
	int en_default, en_skip; /* isDefault / a value with don't-care bits */
	/* field position, in whichever form it came */
	int64_t f_offset, f_width, f_lsb, f_msb;
	/* register property defaults (device, then peripheral) */
	uint32_t dev_size, dev_reset, per_size, per_reset;
	size_t cap_periphs, cap_regs, cap_fields, cap_enums;
};

static void fail(struct parser *p, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void fail(struct parser *p, int code, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (p->error)
		return;
	p->error = code;
	if (p->err && p->errlen) {
		n = snprintf(p->err, p->errlen, "line %lu: ", (unsigned long)XML_GetCurrentLineNumber(p->xp));
		if (n < 0 || (size_t)n >= p->errlen)
			n = 0;
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	XML_StopParser(p->xp, XML_FALSE);
}

int svd_parse_number(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	char *end;

	while (*s && isspace((unsigned char)*s))
		s++;
	if (*s == '#') { /* binary; 'x' (don't care) is not a number */
		s++;
		if (!*s)
			return -1;
		for (; *s == '0' || *s == '1'; s++) {
			if (v >> 62)
				return -1;
			v = v << 1 | (uint64_t)(*s - '0');
		}
	} else if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return -1;
		errno = 0;
		v = strtoull(s + 2, &end, 16);
		if (errno)
			return -1;
		s = end;
	} else {
		if (!isdigit((unsigned char)*s))
			return -1;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno)
			return -1;
		s = end;
	}
	while (*s && isspace((unsigned char)*s))
		s++;
	if (*s)
		return -1;
	*out = v;
	return 0;
}

/* Grow an array by one element, within a limit. */
static void *grow(struct parser *p, void **arr, size_t *cap, size_t n, size_t elem, size_t limit, const char *what)
{
	if (n >= limit) {
		fail(p, H7_ERROR_OVERFLOW, "more than %zu %s", limit, what);
		return NULL;
	}
	if (n >= *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		void *na;
		if (nc > limit)
			nc = limit;
		na = realloc(*arr, nc * elem);
		if (!na) {
			fail(p, H7_ERROR_NO_MEM, "out of memory");
			return NULL;
		}
		*arr = na;
		*cap = nc;
	}
	memset((char *)*arr + n * elem, 0, elem);
	return (char *)*arr + n * elem;
}

static const char *parent(const struct parser *p, int up)
{
	int i = p->depth - 1 - up;
	return i >= 0 && i < SVD_MAX_DEPTH ? p->stack[i] : "";
}

static const char *const known_names[] = {
	"device", "peripherals", "peripheral", "registers", "register", "fields", "field",
	"enumeratedValues", "enumeratedValue", "cluster", NULL,
};

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct parser *p = ud;
	const char *tag = "";

	if (p->error)
		return;
	if (p->depth >= SVD_MAX_DEPTH) {
		fail(p, H7_ERROR_OVERFLOW, "elements nested deeper than %d", SVD_MAX_DEPTH);
		return;
	}
	for (int i = 0; known_names[i]; i++)
		if (!strcmp(name, known_names[i]))
			tag = known_names[i];
	p->stack[p->depth++] = tag;
	p->text_len = 0;
	p->text_overflow = 0;

	/* one object per level at a time: a structural element nested inside one of
	 * its own kind is ignored, like any element in an unexpected place */
	if (!strcmp(tag, "peripheral") && !strcmp(parent(p, 1), "peripherals") && !p->periph) {
		struct svd_device *d = p->dev;
		p->periph = grow(p, (void **)&d->periphs, &p->cap_periphs, d->n_periphs, sizeof *d->periphs,
				 SVD_MAX_PERIPHERALS, "peripherals");
		if (!p->periph)
			return;
		d->n_periphs++;
		p->periph_depth = p->depth;
		p->cap_regs = 0;
		p->per_size = p->dev_size;
		p->per_reset = p->dev_reset;
		for (int i = 0; attrs && attrs[i]; i += 2)
			if (!strcmp(attrs[i], "derivedFrom")) {
				if (strlen(attrs[i + 1]) > SVD_MAX_NAME) {
					fail(p, H7_ERROR_OVERFLOW, "derivedFrom name longer than %d bytes", SVD_MAX_NAME);
					return;
				}
				p->periph->derived_from = strdup(attrs[i + 1]);
				if (!p->periph->derived_from)
					fail(p, H7_ERROR_NO_MEM, "out of memory");
			}
	} else if (!strcmp(tag, "register") && !strcmp(parent(p, 1), "registers") && p->periph && !p->reg) {
		struct svd_peripheral *pe = p->periph;
		p->reg = grow(p, (void **)&pe->regs, &p->cap_regs, pe->n_regs, sizeof *pe->regs, SVD_MAX_REGISTERS,
			      "registers in a peripheral");
		if (!p->reg)
			return;
		pe->n_regs++;
		p->reg_depth = p->depth;
		p->cap_fields = 0;
		p->reg->size = p->per_size;
		p->reg->reset_value = p->per_reset;
	} else if (!strcmp(tag, "field") && !strcmp(parent(p, 1), "fields") && p->reg && !p->field) {
		struct svd_register *r = p->reg;
		p->field = grow(p, (void **)&r->fields, &p->cap_fields, r->n_fields, sizeof *r->fields,
				SVD_MAX_FIELDS, "fields in a register");
		if (!p->field)
			return;
		r->n_fields++;
		p->field_depth = p->depth;
		p->cap_enums = 0;
		p->f_offset = p->f_width = p->f_lsb = p->f_msb = -1;
	} else if (!strcmp(tag, "enumeratedValue") && p->field && !p->en) {
		struct svd_field *f = p->field;
		p->en = grow(p, (void **)&f->enums, &p->cap_enums, f->n_enums, sizeof *f->enums, SVD_MAX_ENUMS,
			     "enumerated values in a field");
		if (!p->en)
			return;
		f->n_enums++;
		p->en_depth = p->depth;
		p->en_default = 0;
		p->en_skip = 0;
	}
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct parser *p = ud;
	size_t n = (size_t)len;

	if (p->error || len <= 0)
		return;
	if (p->text_len + n > TEXT_MAX) {
		n = TEXT_MAX - p->text_len;
		p->text_overflow = 1;
	}
	memcpy(p->text + p->text_len, s, n);
	p->text_len += n;
}

/* The collected text, whitespace collapsed (in place). */
static char *text(struct parser *p)
{
	size_t o = 0;
	int space = 0;

	for (size_t i = 0; i < p->text_len; i++) {
		unsigned char c = (unsigned char)p->text[i];
		if (isspace(c)) {
			space = o > 0;
			continue;
		}
		if (space)
			p->text[o++] = ' ';
		space = 0;
		p->text[o++] = (char)c;
	}
	p->text[o] = '\0';
	p->text_len = o;
	return p->text;
}

static void set_name(struct parser *p, char **dst, const char *what)
{
	char *t = text(p);

	if (p->text_overflow || strlen(t) > SVD_MAX_NAME) {
		fail(p, H7_ERROR_OVERFLOW, "%s name longer than %d bytes", what, SVD_MAX_NAME);
		return;
	}
	if (!*t) {
		fail(p, H7_ERROR_PARSE, "empty %s name", what);
		return;
	}
	free(*dst);
	*dst = strdup(t);
	if (!*dst)
		fail(p, H7_ERROR_NO_MEM, "out of memory");
}

static void set_desc(struct parser *p, char **dst)
{
	char *t = text(p);

	if (strlen(t) > SVD_MAX_DESC)
		t[SVD_MAX_DESC] = '\0';
	free(*dst);
	*dst = strdup(t);
	if (!*dst)
		fail(p, H7_ERROR_NO_MEM, "out of memory");
}

static int number(struct parser *p, const char *what, uint64_t max, uint64_t *out)
{
	if (svd_parse_number(text(p), out) || *out > max) {
		fail(p, H7_ERROR_PARSE, "bad %s '%.40s'", what, p->text);
		return -1;
	}
	return 0;
}

static void end_field(struct parser *p)
{
	struct svd_field *f = p->field;
	int64_t lsb, width;

	if (!f->name) {
		fail(p, H7_ERROR_PARSE, "field without a name");
		return;
	}
	if (p->f_offset >= 0 && p->f_width >= 0) {
		lsb = p->f_offset;
		width = p->f_width;
	} else if (p->f_lsb >= 0 && p->f_msb >= 0) {
		lsb = p->f_lsb;
		width = p->f_msb - p->f_lsb + 1;
	} else {
		fail(p, H7_ERROR_PARSE, "field '%s' has no bit position", f->name);
		return;
	}
	if (width < 1 || lsb + width > 32) {
		fail(p, H7_ERROR_PARSE, "field '%s' bits %lld..%lld outside a 32-bit register", f->name,
		     (long long)lsb, (long long)(lsb + width - 1));
		return;
	}
	f->lsb = (uint8_t)lsb;
	f->width = (uint8_t)width;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct parser *p = ud;
	const char *tag, *up;
	uint64_t v;

	if (p->error)
		return;
	tag = parent(p, 0);
	up = parent(p, 1);
	(void)tag;
	if (!strcmp(up, "device") && !strcmp(name, "name"))
		set_name(p, &p->dev->name, "device");
	else if (!strcmp(up, "device") && !strcmp(name, "size") && !number(p, "size", 64, &v))
		p->dev_size = (uint32_t)v;
	else if (!strcmp(up, "device") && !strcmp(name, "resetValue") && !number(p, "resetValue", 0xFFFFFFFFu, &v))
		p->dev_reset = (uint32_t)v;
	else if (!strcmp(up, "peripheral") && p->periph && !p->reg) {
		if (!strcmp(name, "name"))
			set_name(p, &p->periph->name, "peripheral");
		else if (!strcmp(name, "description"))
			set_desc(p, &p->periph->description);
		else if (!strcmp(name, "baseAddress") && !number(p, "baseAddress", 0xFFFFFFFFu, &v))
			p->periph->base = (uint32_t)v;
		else if (!strcmp(name, "size") && !number(p, "size", 64, &v))
			p->per_size = (uint32_t)v;
		else if (!strcmp(name, "resetValue") && !number(p, "resetValue", 0xFFFFFFFFu, &v))
			p->per_reset = (uint32_t)v;
	} else if (!strcmp(up, "register") && p->reg && !p->field) {
		if (!strcmp(name, "name"))
			set_name(p, &p->reg->name, "register");
		else if (!strcmp(name, "description"))
			set_desc(p, &p->reg->description);
		else if (!strcmp(name, "addressOffset") && !number(p, "addressOffset", 0xFFFFFFFFu, &v))
			p->reg->offset = (uint32_t)v;
		else if (!strcmp(name, "size") && !number(p, "size", 32, &v))
			p->reg->size = (uint32_t)v;
		else if (!strcmp(name, "resetValue") && !number(p, "resetValue", 0xFFFFFFFFu, &v))
			p->reg->reset_value = (uint32_t)v;
	} else if (!strcmp(up, "field") && p->field && !p->en) {
		if (!strcmp(name, "name"))
			set_name(p, &p->field->name, "field");
		else if (!strcmp(name, "description"))
			set_desc(p, &p->field->description);
		else if (!strcmp(name, "bitOffset") && !number(p, "bitOffset", 31, &v))
			p->f_offset = (int64_t)v;
		else if (!strcmp(name, "bitWidth") && !number(p, "bitWidth", 32, &v))
			p->f_width = (int64_t)v;
		else if (!strcmp(name, "lsb") && !number(p, "lsb", 31, &v))
			p->f_lsb = (int64_t)v;
		else if (!strcmp(name, "msb") && !number(p, "msb", 31, &v))
			p->f_msb = (int64_t)v;
		else if (!strcmp(name, "bitRange")) {
			unsigned msb, lsb;
			char close;
			if (sscanf(text(p), "[%u:%u%c", &msb, &lsb, &close) != 3 || close != ']' || msb > 31 ||
			    lsb > msb)
				fail(p, H7_ERROR_PARSE, "bad bitRange '%.40s'", p->text);
			else {
				p->f_msb = msb;
				p->f_lsb = lsb;
			}
		}
	} else if (!strcmp(up, "enumeratedValue") && p->en) {
		if (!strcmp(name, "name"))
			set_name(p, &p->en->name, "enumerated value");
		else if (!strcmp(name, "description"))
			set_desc(p, &p->en->description);
		else if (!strcmp(name, "value")) {
			if (svd_parse_number(text(p), &v) || v > 0xFFFFFFFFu)
				p->en_skip = 1; /* e.g. "#1x0": don't-care bits are not decoded */
			else
				p->en->value = (uint32_t)v;
		} else if (!strcmp(name, "isDefault"))
			p->en_default = !strcmp(text(p), "true");
	}
	if (p->error)
		return;

	/* closing one of the structural elements */
	if (!strcmp(name, "enumeratedValue") && p->en && p->depth == p->en_depth) {
		struct svd_field *f = p->field;
		if (!p->en->name)
			fail(p, H7_ERROR_PARSE, "enumerated value without a name");
		else if (p->en_default || p->en_skip) { /* drop it */
			free(p->en->name);
			free(p->en->description);
			f->n_enums--;
		}
		p->en = NULL;
	} else if (!strcmp(name, "field") && p->field && p->depth == p->field_depth) {
		end_field(p);
		p->field = NULL;
	} else if (!strcmp(name, "register") && p->reg && p->depth == p->reg_depth) {
		if (!p->reg->name)
			fail(p, H7_ERROR_PARSE, "register without a name");
		else if (p->reg->size == 0 || p->reg->size > 32)
			fail(p, H7_ERROR_PARSE, "register '%s' has size %u (1..32 bits supported)", p->reg->name,
			     (unsigned)p->reg->size);
		p->reg = NULL;
	} else if (!strcmp(name, "peripheral") && p->periph && p->depth == p->periph_depth) {
		if (!p->periph->name)
			fail(p, H7_ERROR_PARSE, "peripheral without a name");
		p->periph = NULL;
	}
	p->depth--;
	p->text_len = 0;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	struct parser *p = ud;
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	fail(p, H7_ERROR_PARSE, "DOCTYPE declarations are not allowed in an SVD file");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value, int value_len,
			      const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
			      const XML_Char *notation)
{
	struct parser *p = ud;
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid, (void)pubid,
		(void)notation;
	fail(p, H7_ERROR_PARSE, "entity declarations are not allowed in an SVD file");
}

static void free_register(struct svd_register *r)
{
	for (size_t k = 0; k < r->n_fields; k++) {
		struct svd_field *f = &r->fields[k];
		for (size_t e = 0; e < f->n_enums; e++) {
			free(f->enums[e].name);
			free(f->enums[e].description);
		}
		free(f->enums);
		free(f->name);
		free(f->description);
	}
	free(r->fields);
	free(r->name);
	free(r->description);
}

void svd_free(struct svd_device *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_periphs; i++) {
		struct svd_peripheral *p = &d->periphs[i];
		for (size_t j = 0; j < p->n_regs; j++)
			free_register(&p->regs[j]);
		free(p->regs);
		free(p->name);
		free(p->description);
		free(p->derived_from);
	}
	free(d->periphs);
	free(d->name);
	free(d);
}

static int resolve(struct parser *p)
{
	struct svd_device *d = p->dev;

	for (size_t i = 0; i < d->n_periphs; i++) {
		struct svd_peripheral *pe = &d->periphs[i];
		if (!pe->derived_from)
			continue;
		pe->derived = svd_find_peripheral(d, pe->derived_from);
		if (!pe->derived || pe->derived == pe) {
			snprintf(p->err, p->errlen, "peripheral '%s' derives from unknown peripheral '%s'", pe->name,
				 pe->derived_from);
			return H7_ERROR_PARSE;
		}
		if (pe->derived->derived_from && pe->derived->n_regs == 0) {
			snprintf(p->err, p->errlen, "peripheral '%s': derivedFrom chains are not supported", pe->name);
			return H7_ERROR_PARSE;
		}
	}
	return 0;
}

int svd_parse(const char *buf, size_t len, struct svd_device **out, char *err, size_t errlen)
{
	struct parser p;
	char dummy[8];
	int rc = 0;

	*out = NULL;
	memset(&p, 0, sizeof p);
	p.err = err && errlen ? err : dummy;
	p.errlen = err && errlen ? errlen : sizeof dummy;
	p.err[0] = '\0';
	p.dev_size = 32;
	if (len > SVD_MAX_FILE_BYTES) {
		snprintf(p.err, p.errlen, "SVD larger than %u bytes", SVD_MAX_FILE_BYTES);
		return H7_ERROR_OVERFLOW;
	}
	p.dev = calloc(1, sizeof *p.dev);
	p.xp = XML_ParserCreate(NULL);
	if (!p.dev || !p.xp) {
		free(p.dev);
		if (p.xp)
			XML_ParserFree(p.xp);
		snprintf(p.err, p.errlen, "out of memory");
		return H7_ERROR_NO_MEM;
	}
	XML_SetUserData(p.xp, &p);
	XML_SetElementHandler(p.xp, on_start, on_end);
	XML_SetCharacterDataHandler(p.xp, on_text);
	XML_SetStartDoctypeDeclHandler(p.xp, on_doctype);
	XML_SetEntityDeclHandler(p.xp, on_entity);
	if (XML_Parse(p.xp, buf, (int)len, XML_TRUE) == XML_STATUS_ERROR && !p.error) {
		p.error = H7_ERROR_PARSE;
		snprintf(p.err, p.errlen, "line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(p.xp),
			 XML_ErrorString(XML_GetErrorCode(p.xp)));
	}
	rc = p.error;
	if (!rc && (!p.dev->name || p.dev->n_periphs == 0)) {
		snprintf(p.err, p.errlen, "not a CMSIS-SVD device: no <device><name> or no peripherals");
		rc = H7_ERROR_PARSE;
	}
	if (!rc)
		rc = resolve(&p);
	XML_ParserFree(p.xp);
	if (rc) {
		svd_free(p.dev);
		return rc;
	}
	*out = p.dev;
	return 0;
}

int svd_load(const char *path, struct svd_device **out, char *err, size_t errlen)
{
	FILE *f;
	char *buf;
	long size;
	int rc;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		if (err)
			snprintf(err, errlen, "cannot open '%s': %s", path, strerror(e));
		return e == ENOENT ? H7_ERROR_NOT_FOUND : H7_ERROR_IO;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		if (err)
			snprintf(err, errlen, "cannot read '%s'", path);
		return H7_ERROR_IO;
	}
	if ((unsigned long)size > SVD_MAX_FILE_BYTES) {
		fclose(f);
		if (err)
			snprintf(err, errlen, "'%s' is larger than %u bytes", path, SVD_MAX_FILE_BYTES);
		return H7_ERROR_OVERFLOW;
	}
	buf = malloc((size_t)size + 1);
	if (!buf) {
		fclose(f);
		return H7_ERROR_NO_MEM;
	}
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		fclose(f);
		if (err)
			snprintf(err, errlen, "cannot read '%s'", path);
		return H7_ERROR_IO;
	}
	fclose(f);
	rc = svd_parse(buf, (size_t)size, out, err, errlen);
	free(buf);
	return rc;
}

const struct svd_peripheral *svd_find_peripheral(const struct svd_device *d, const char *name)
{
	for (size_t i = 0; d && name && i < d->n_periphs; i++)
		if (d->periphs[i].name && !strcasecmp(d->periphs[i].name, name))
			return &d->periphs[i];
	return NULL;
}

const struct svd_register *svd_registers(const struct svd_peripheral *p, size_t *n)
{
	if (p->n_regs == 0 && p->derived) {
		*n = p->derived->n_regs;
		return p->derived->regs;
	}
	*n = p->n_regs;
	return p->regs;
}

const struct svd_register *svd_find_register(const struct svd_device *d, const char *periph, const char *reg,
					     const struct svd_peripheral **pp)
{
	const struct svd_peripheral *p = svd_find_peripheral(d, periph);
	const struct svd_register *regs;
	size_t n;

	if (!p || !reg)
		return NULL;
	regs = svd_registers(p, &n);
	for (size_t i = 0; i < n; i++)
		if (regs[i].name && !strcasecmp(regs[i].name, reg)) {
			if (pp)
				*pp = p;
			return &regs[i];
		}
	return NULL;
}

const struct svd_register *svd_lookup(const struct svd_device *d, const char *name,
				      const struct svd_peripheral **pp)
{
	char buf[2 * SVD_MAX_NAME + 2];
	size_t len = name ? strlen(name) : 0;

	if (!len || len >= sizeof buf)
		return NULL;
	memcpy(buf, name, len + 1);
	for (size_t i = 1; i + 1 < len; i++) {
		if (buf[i] != '.' && buf[i] != '_')
			continue;
		char c = buf[i];
		const struct svd_register *r;
		buf[i] = '\0';
		r = svd_find_register(d, buf, buf + i + 1, pp);
		buf[i] = c;
		if (r)
			return r;
	}
	return NULL;
}

const struct svd_register *svd_find_address(const struct svd_device *d, uint32_t addr,
					    const struct svd_peripheral **pp)
{
	for (size_t i = 0; d && i < d->n_periphs; i++) {
		const struct svd_peripheral *p = &d->periphs[i];
		const struct svd_register *regs;
		size_t n;

		if (addr < p->base)
			continue;
		regs = svd_registers(p, &n);
		for (size_t j = 0; j < n; j++)
			if ((uint64_t)p->base + regs[j].offset == addr) {
				if (pp)
					*pp = p;
				return &regs[j];
			}
	}
	return NULL;
}

uint32_t svd_field_value(const struct svd_field *f, uint32_t v)
{
	uint32_t mask = f->width >= 32 ? 0xFFFFFFFFu : (1u << f->width) - 1u;
	return (v >> f->lsb) & mask;
}

const struct svd_enum *svd_field_enum(const struct svd_field *f, uint32_t field_value)
{
	for (size_t i = 0; i < f->n_enums; i++)
		if (f->enums[i].value == field_value)
			return &f->enums[i];
	return NULL;
}
