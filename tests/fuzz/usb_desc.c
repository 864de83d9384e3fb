/* Fuzz target: what h7jumpdiag reads from a DFU device (src/dfuse.c) and how
 * it reports it (src/usb_report.c): the device descriptor, the configuration
 * descriptor walk (interface alt settings, DFU functional descriptor), string
 * descriptors (UTF-16LE to UTF-8), the DFU_GETSTATUS reply, the alt names'
 * DfuSe layouts, the checks against the STM32H745 ROM bootloader's identity,
 * and the text and JSON device reports, as after `usb watch`/`run`.
 *
 * Input: records of [length, 2 bytes little-endian][bytes], in the order
 * the libusb backend reads them (usb_libusb.c lu_read_all): device
 * descriptor, configuration descriptor, GETSTATUS reply, then string
 * descriptors for the manufacturer, product, serial number and each DFU alt
 * setting. A missing record is a read that failed. Seeds are the ROM's real
 * descriptors (from the unit tests and domain notes) and variants of them.
 *
 * Checked: return codes; a decoded string is NUL-terminated, as long as
 * returned and shorter than its buffer; at most DFUSE_MAX_ALTS alt settings.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "dfuse.h"
#include "fuzz.h"
#include "h7jumpdiag/error.h"
#include "usb.h"

struct usb_fuzz_in {
	const uint8_t *p;
	size_t left;
};

/* The next record, or 0 when the input is exhausted. */
static int usb_fuzz_next(struct usb_fuzz_in *in, const uint8_t **rec, size_t *len)
{
	if (in->left < 2)
		return 0;
	size_t n = (size_t)in->p[0] | (size_t)in->p[1] << 8;
	in->p += 2;
	in->left -= 2;
	if (n > in->left)
		n = in->left;
	*rec = in->p;
	*len = n;
	in->p += n;
	in->left -= n;
	return 1;
}

/* A dfuse_string_reader over the input's records (one per string asked for,
 * whatever its index): what the libusb backend's reader does with a device. */
static int usb_fuzz_string(void *ctx, uint8_t idx, char *out, size_t outsz, int *trunc, const char *what,
			   struct dfuse_warnings *w)
{
	struct usb_fuzz_in *in = ctx;
	const uint8_t *rec;
	size_t len;

	(void)idx;
	out[0] = '\0';
	if (trunc)
		*trunc = 0;
	if (!usb_fuzz_next(in, &rec, &len))
		return 0;
	int rc = dfuse_parse_string(rec, len, out, outsz, trunc, what, w);
	FUZZ_CHECK(rc >= 0 || rc == H7_ERROR_PARSE);
	FUZZ_CHECK(memchr(out, '\0', outsz) != NULL);
	if (rc >= 0)
		FUZZ_CHECK((size_t)rc == strlen(out) && (size_t)rc < outsz);
	else
		out[0] = '\0';
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct usbw_result res;
	struct usb_fuzz_in in = { data, size };
	struct dfuse_info *info = &res.info;
	const uint8_t *rec;
	size_t len;
	int rc;

	fuzz_quiet_logs();
	memset(&res, 0, sizeof res);
	res.backend = "fuzz";
	res.found = 1;
	res.has_dfu = 1;
	snprintf(res.dev.path, sizeof res.dev.path, "1-1");
	snprintf(res.dev.node, sizeof res.dev.node, "/dev/bus/usb/001/002");

	if (usb_fuzz_next(&in, &rec, &len)) {
		rc = dfuse_parse_device_desc(rec, len, &info->dev, &res.warnings);
		FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE);
		res.dev.vid = info->dev.idVendor;
		res.dev.pid = info->dev.idProduct;
		res.dev.bcd = info->dev.bcdDevice;
	}
	if (usb_fuzz_next(&in, &rec, &len)) {
		rc = dfuse_parse_config(rec, len, &info->config, &res.warnings);
		FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE);
		fuzz_accepted += rc == 0;
		FUZZ_CHECK(info->config.n_alts >= 0 && info->config.n_alts <= DFUSE_MAX_ALTS);
		FUZZ_CHECK(info->config.parsed <= len);
	}
	if (usb_fuzz_next(&in, &rec, &len)) {
		rc = dfuse_parse_status(rec, len, &info->status);
		FUZZ_CHECK(rc == 0 || rc == H7_ERROR_PARSE);
		info->has_status = rc == 0;
		FUZZ_CHECK(rc || info->status.bwPollTimeout <= 0xFFFFFFu);
		(void)strlen(dfuse_state_name(info->status.bState));
		(void)strlen(dfuse_status_name(info->status.bStatus));
	}
	FUZZ_CHECK(dfuse_read_strings(info, usb_fuzz_string, &in, &res.warnings) == 0);
	FUZZ_CHECK(info->strings_read && info->n_alts == info->config.n_alts);
	res.described = 1;

	/* what usb.c does after reading (post_describe) */
	dfuse_parse_alt_layouts(info, &res.warnings);
	const struct dfuse_part part = { .dev_id = 0x450, .idcode = 0x20036450, .flash_kib = 2048 };
	dfuse_check(info, &part, &res.warnings);
	FUZZ_CHECK(res.warnings.n >= 0 && res.warnings.n <= DFUSE_MAX_WARNINGS);
	for (int i = 0; i < res.warnings.n; i++)
		FUZZ_CHECK(memchr(res.warnings.w[i].text, '\0', DFUSE_WARN_TEXT) != NULL);

	usbw_print_found_lines(fuzz_devnull(), &res);
	usbw_print_device(fuzz_devnull(), &res);
	cJSON *j = usbw_device_json(&res);
	FUZZ_CHECK(j != NULL);
	char *text = cJSON_PrintUnformatted(j);
	FUZZ_CHECK(text != NULL);
	free(text);
	cJSON_Delete(j);
	return 0;
}
