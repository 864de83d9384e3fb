/* Fuzz target: the DfuSe memory layout parser (dfuse_parse_layout,
 * src/dfuse.c): the alt-setting names of an STM32 DFU device, such as
 * "@Internal Flash   /0x08000000/16*128Kg" (UM0424; AN2606 lists them per part).
 *
 * The input is the decoded alt name (not NUL-terminated, as the parser
 * allows). Checked on success: 1..DFUSE_MAX_REGIONS regions, each with a
 * count and a size and an attribute of 3 bits, none ending past 4 GiB, the
 * total is their sum, the name is NUL-terminated and shorter than
 * DFUSE_NAME_MAX; on failure: H7_ERROR_PARSE or H7_ERROR_OVERFLOW and a
 * NUL-terminated message.
 */
#include <string.h>

#include "dfuse.h"
#include "fuzz.h"
#include "h7jumpdiag/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dfuse_layout l;
	char err[160];
	uint64_t total = 0;

	fuzz_quiet_logs();
	memset(err, 'x', sizeof err);
	int rc = dfuse_parse_layout((const char *)data, size, &l, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE || rc == H7_ERROR_OVERFLOW || rc == H7_ERROR_INVALID_PARAM);
	if (rc) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
		return 0;
	}
	fuzz_accepted++;
	FUZZ_CHECK(l.n_regions >= 1 && l.n_regions <= DFUSE_MAX_REGIONS);
	FUZZ_CHECK(strnlen(l.name, sizeof l.name) < sizeof l.name);
	for (int i = 0; i < l.n_regions; i++) {
		const struct dfuse_region *r = &l.region[i];
		FUZZ_CHECK(r->count > 0 && r->size > 0 && r->attr <= 7);
		FUZZ_CHECK((uint64_t)r->base + (uint64_t)r->count * r->size <= (1ull << 32));
		FUZZ_CHECK(strlen(dfuse_attr_text(r->attr)) == 3);
		total += (uint64_t)r->count * r->size;
	}
	FUZZ_CHECK(total == l.total);
	/* the same bytes with a NUL after them parse the same */
	char copy[DFUSE_STR_MAX + 1];
	static struct dfuse_layout l2;
	if (size < sizeof copy) {
		memcpy(copy, data, size);
		copy[size] = '\0';
		FUZZ_CHECK(dfuse_parse_layout(copy, size, &l2, NULL, 0) == 0);
		FUZZ_CHECK(l2.n_regions == l.n_regions && l2.total == l.total && strcmp(l2.name, l.name) == 0);
		for (int i = 0; i < l.n_regions; i++)
			FUZZ_CHECK(l2.region[i].base == l.region[i].base && l2.region[i].count == l.region[i].count &&
				   l2.region[i].size == l.region[i].size && l2.region[i].attr == l.region[i].attr);
	}
	return 0;
}
