/* Fuzz target: the CMSIS-SVD parser (svd_parse, src/svd.c, over expat) and
 * what `decode --svd FILE` does with its result: lookups by name and address,
 * field values and enumerations, and a text and JSON decode report with SVD
 * field decodes of the first registers (render.c).
 *
 * Seeds: tests/data/svd/mini.svd and small excerpts in the shape of ST's
 * STM32H745 SVD (derivedFrom, bitRange, lsb/msb, enumeratedValues).
 * Checked: return codes; every register is found again at its address and
 * by PERIPH/REG name (when the peripheral's name is not a duplicate); a field's value fits its width.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "h7jumpdiag/error.h"
#include "render.h"
#include "snapshot.h"
#include "svd.h"

#define SVD_FUZZ_VALUES 8

static void svd_fuzz_lookups(const struct svd_device *d, struct render_svd_value *vals, size_t *nvals)
{
	*nvals = 0;
	for (size_t i = 0; i < d->n_periphs; i++) {
		const struct svd_peripheral *p = &d->periphs[i], *pp = NULL;
		size_t n = 0;
		const struct svd_register *regs = svd_registers(p, &n);

		/* names are unique in a valid SVD; with duplicates the first one is found */
		const struct svd_peripheral *first = svd_find_peripheral(d, p->name);
		FUZZ_CHECK(first != NULL);
		for (size_t k = 0; k < n; k++) {
			const struct svd_register *r = &regs[k];
			if (first == p)
				FUZZ_CHECK(svd_find_register(d, p->name, r->name, &pp) != NULL);
			FUZZ_CHECK(svd_find_address(d, p->base + r->offset, &pp) != NULL);
			for (size_t f = 0; f < r->n_fields; f++) {
				const struct svd_field *fl = &r->fields[f];
				uint32_t v = svd_field_value(fl, 0xFFFFFFFFu);
				FUZZ_CHECK(fl->width >= 32 || v < (1ull << fl->width));
				(void)svd_field_enum(fl, v);
				(void)svd_field_enum(fl, svd_field_value(fl, r->reset_value));
			}
			if (*nvals < SVD_FUZZ_VALUES) {
				vals[*nvals].periph = p->name;
				vals[*nvals].reg = r->name;
				vals[*nvals].value = r->reset_value ^ 0xA5A5A5A5u;
				(*nvals)++;
			}
		}
	}
	(void)svd_lookup(d, "RCC_CR", NULL);
	(void)svd_lookup(d, "FLASH.OPTSR_CUR", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svd_device *d = NULL;
	struct render_svd_value vals[SVD_FUZZ_VALUES];
	size_t nvals;
	char err[200];

	fuzz_quiet_logs();
	memset(err, 'x', sizeof err);
	int rc = svd_parse((const char *)data, size, &d, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE || rc == H7_ERROR_OVERFLOW || rc == H7_ERROR_NO_MEM);
	if (rc) {
		FUZZ_CHECK(d == NULL && memchr(err, '\0', sizeof err) != NULL);
		return 0;
	}
	FUZZ_CHECK(d != NULL);
	fuzz_accepted++;
	svd_fuzz_lookups(d, vals, &nvals);

	/* a decode report with these SVD-only registers (decode --svd F --reg P.R=V) */
	static struct snapshot s;
	struct render_opts o;
	snapshot_init(&s, SNAP_CORE_CM7);
	render_opts_init(&o, NULL);
	o.svd = d;
	o.svd_values = vals;
	o.n_svd_values = nvals;
	o.all = 1;
	render_snapshot_text(fuzz_devnull(), &s, &o);
	cJSON *doc = render_report_json(&s, "decode", &o);
	FUZZ_CHECK(doc != NULL);
	char *text = cJSON_PrintUnformatted(doc);
	FUZZ_CHECK(text != NULL);
	free(text);
	cJSON_Delete(doc);
	svd_free(d);
	return 0;
}
