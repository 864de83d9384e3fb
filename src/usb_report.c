/* Text and JSON views of USB watcher results (see usb.h). */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "h7jumpdiag/error.h"
#include "usb.h"

/* DFU 1.1 4.1.3, bmAttributes */
static const struct {
	const char *name;
	uint8_t mask;
	const char *meaning;
} dfu_attr_bits[] = {
	{ "bitCanDnload", 0x01, "download capable" },
	{ "bitCanUpload", 0x02, "upload capable" },
	{ "bitManifestationTolerant", 0x04, "talks USB after manifestation" },
	{ "bitWillDetach", 0x08, "detaches itself on DFU_DETACH" },
};

static void size_text(char *out, size_t outsz, uint64_t bytes)
{
	if (bytes && bytes % (1024 * 1024) == 0)
		snprintf(out, outsz, "%llu MiB", (unsigned long long)(bytes / (1024 * 1024)));
	else if (bytes && bytes % 1024 == 0)
		snprintf(out, outsz, "%llu KiB", (unsigned long long)(bytes / 1024));
	else
		snprintf(out, outsz, "%llu B", (unsigned long long)bytes);
}

void usbw_print_found_lines(FILE *f, const struct usbw_result *r)
{
	const struct dfuse_info *in = &r->info;

	if (in->n_alts == 0) {
		fprintf(f, "Found DFU: [%04x:%04x] ver=%04x, devnum=%u, path=\"%s\", serial=\"%s\"%s\n", r->dev.vid,
			r->dev.pid, r->dev.bcd, r->dev.address, r->dev.path, in->serial[0] ? in->serial : "UNKNOWN",
			r->simulated ? " (simulated bus)" : "");
		return;
	}
	for (int i = 0; i < in->n_alts; i++)
		fprintf(f,
			"Found DFU: [%04x:%04x] ver=%04x, devnum=%u, cfg=%u, intf=%u, path=\"%s\", alt=%u, "
			"name=\"%s\", serial=\"%s\"\n",
			r->dev.vid, r->dev.pid, r->dev.bcd, r->dev.address, in->config.bConfigurationValue,
			in->config.alt[i].bInterfaceNumber, r->dev.path, in->alts[i].alt,
			in->alts[i].name_read ? in->alts[i].name : "UNKNOWN", in->serial[0] ? in->serial : "UNKNOWN");
}

void usbw_print_device(FILE *f, const struct usbw_result *r)
{
	const struct dfuse_info *in = &r->info;
	const struct dfuse_func_desc *fd = &in->config.func;

	fprintf(f, "  device: %04x:%04x bcdDevice %04x, port %s%s%s%s\n", r->dev.vid, r->dev.pid, r->dev.bcd,
		r->dev.path, r->dev.node[0] ? " (" : "", r->dev.node, r->dev.node[0] ? ")" : "");
	if (in->strings_read)
		fprintf(f, "  strings: manufacturer \"%s\"\n           product \"%s\", serial \"%s\"\n",
			in->manufacturer, in->product, in->serial);
	else if (in->serial[0])
		fprintf(f, "  serial: \"%s\"\n", in->serial);
	if (r->simulated)
		fputs("  (simulated bus: h7sim reports attach/detach and identity only;\n"
		      "  descriptors, alt settings and DFU status are read through libusb)\n", f);
	if (fd->present) {
		fprintf(f, "  DFU: version %x.%02x%s, transfer size %u, detach timeout %u ms\n", fd->bcdDFUVersion >> 8,
			fd->bcdDFUVersion & 0xFF, fd->bcdDFUVersion == 0x011A ? " (DfuSe)" : "", fd->wTransferSize,
			fd->wDetachTimeOut);
		fprintf(f, "       attributes 0x%02X", fd->bmAttributes);
		for (size_t i = 0, first = 1; i < sizeof dfu_attr_bits / sizeof dfu_attr_bits[0]; i++)
			if (fd->bmAttributes & dfu_attr_bits[i].mask) {
				fprintf(f, "%s%s", first ? ": " : ",\n         ", dfu_attr_bits[i].meaning);
				first = 0;
			}
		fputc('\n', f);
	}
	for (int i = 0; i < in->n_alts; i++) {
		const struct dfuse_alt_info *a = &in->alts[i];
		if (!a->has_layout) {
			fprintf(f, "  alt %u: \"%s\"%s\n", a->alt, a->name_read ? a->name : "(unnamed)",
				a->name_read ? " (no memory layout)" : "");
			continue;
		}
		char tot[32];
		size_text(tot, sizeof tot, a->layout.total);
		fprintf(f, "  alt %u: %s, %s\n", a->alt, a->layout.name, tot);
		for (int k = 0; k < a->layout.n_regions; k++) {
			const struct dfuse_region *g = &a->layout.region[k];
			char sz[32];
			size_text(sz, sizeof sz, g->size);
			fprintf(f, "         0x%08X: %u x %s (%s)\n", (unsigned)g->base, (unsigned)g->count, sz,
				dfuse_attr_text(g->attr));
		}
	}
	if (in->has_status)
		fprintf(f, "  status: %s, state %s, poll timeout %u ms\n", dfuse_status_name(in->status.bStatus),
			dfuse_state_name(in->status.bState), (unsigned)in->status.bwPollTimeout);
	if (r->describe_rc)
		fprintf(f, "  error: %s\n", r->error);
	for (int i = 0; i < r->warnings.n; i++)
		fprintf(f, "  warning [%s]: %s\n", dfuse_warn_id(r->warnings.w[i].code), r->warnings.w[i].text);
	if (r->warnings.dropped)
		fprintf(f, "  (%d more warnings)\n", r->warnings.dropped);
}

void usbw_print_timeline(FILE *f, const struct usbw_result *r)
{
	fprintf(f, "  usb: %s\n", r->backend ? r->backend : "?");
	for (int i = 0; i < r->n_events; i++) {
		const struct usbw_event *e = &r->events[i];
		fprintf(f, "  %+10.3f ms  %-12s", e->t_ms - r->mark_abs, usbw_event_name(e->kind));
		if (e->vid || e->pid)
			fprintf(f, " %04x:%04x", e->vid, e->pid);
		if (e->path[0])
			fprintf(f, " port %s", e->path);
		if (e->detail[0])
			fprintf(f, " (%s)", e->detail);
		fputc('\n', f);
	}
	if (r->has_app_left)
		fprintf(f, "  t1 application device left: %+.3f ms\n", r->t_app_left);
	if (r->has_dfu)
		fprintf(f, "  t2 DFU device %s: %+.3f ms\n", r->present_at_start ? "already present" : "arrived",
			r->t_dfu);
	if (r->has_enum)
		fprintf(f, "  enumeration: %.3f ms (from %s)\n", r->enum_ms,
			strcmp(r->enum_basis, "pullup-sim") == 0 ? "the pull-up switching on, simulated time"
			: strcmp(r->enum_basis, "app-left") == 0 ? "the application device's departure"
								 : "the mark");
	if (!r->found)
		fputs("  no DFU device\n", f);
}

/* ------------------------------------------------------------------ JSON */

static void add_hex(cJSON *o, const char *key, unsigned v, int digits)
{
	char buf[16];
	snprintf(buf, sizeof buf, digits == 8 ? "0x%08X" : "%04x", v);
	cJSON_AddStringToObject(o, key, buf);
}

static cJSON *warnings_json(const struct dfuse_warnings *w)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; a && i < w->n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", dfuse_warn_id(w->w[i].code));
		cJSON_AddStringToObject(o, "text", w->w[i].text);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *layout_json(const struct dfuse_layout *l)
{
	cJSON *o = cJSON_CreateObject(), *regs = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "name", l->name);
	for (int k = 0; k < l->n_regions; k++) {
		const struct dfuse_region *g = &l->region[k];
		cJSON *r = cJSON_CreateObject();
		add_hex(r, "base", g->base, 8);
		cJSON_AddNumberToObject(r, "sectors", g->count);
		cJSON_AddNumberToObject(r, "sector_size", g->size);
		cJSON_AddStringToObject(r, "attributes", dfuse_attr_text(g->attr));
		cJSON_AddBoolToObject(r, "readable", g->attr & DFUSE_ATTR_READABLE);
		cJSON_AddBoolToObject(r, "erasable", g->attr & DFUSE_ATTR_ERASABLE);
		cJSON_AddBoolToObject(r, "writable", g->attr & DFUSE_ATTR_WRITABLE);
		cJSON_AddItemToArray(regs, r);
	}
	cJSON_AddItemToObject(o, "regions", regs);
	cJSON_AddNumberToObject(o, "total_bytes", (double)l->total);
	return o;
}

cJSON *usbw_device_json(const struct usbw_result *r)
{
	const struct dfuse_info *in = &r->info;
	cJSON *o = cJSON_CreateObject(), *alts;

	if (!o)
		return NULL;
	add_hex(o, "vid", r->dev.vid, 4);
	add_hex(o, "pid", r->dev.pid, 4);
	add_hex(o, "bcdDevice", r->dev.bcd, 4);
	cJSON_AddNumberToObject(o, "bus", r->dev.bus);
	cJSON_AddNumberToObject(o, "address", r->dev.address);
	cJSON_AddStringToObject(o, "path", r->dev.path);
	if (r->dev.node[0])
		cJSON_AddStringToObject(o, "node", r->dev.node);
	else
		cJSON_AddNullToObject(o, "node");
	if (in->strings_read) {
		cJSON_AddStringToObject(o, "manufacturer", in->manufacturer);
		cJSON_AddStringToObject(o, "product", in->product);
	} else {
		cJSON_AddNullToObject(o, "manufacturer");
		cJSON_AddNullToObject(o, "product");
	}
	if (in->serial[0])
		cJSON_AddStringToObject(o, "serial", in->serial);
	else
		cJSON_AddNullToObject(o, "serial");
	cJSON_AddBoolToObject(o, "described", r->described);
	if (r->describe_rc) {
		cJSON_AddStringToObject(o, "error", r->error);
		cJSON_AddStringToObject(o, "error_code", h7_error_name(r->describe_rc));
	} else {
		cJSON_AddNullToObject(o, "error");
	}
	if (in->config.func.present) {
		const struct dfuse_func_desc *fd = &in->config.func;
		cJSON *d = cJSON_CreateObject(), *bits = cJSON_CreateArray();
		cJSON_AddNumberToObject(d, "bmAttributes", fd->bmAttributes);
		for (size_t i = 0; i < sizeof dfu_attr_bits / sizeof dfu_attr_bits[0]; i++)
			if (fd->bmAttributes & dfu_attr_bits[i].mask)
				cJSON_AddItemToArray(bits, cJSON_CreateString(dfu_attr_bits[i].name));
		cJSON_AddItemToObject(d, "attributes", bits);
		cJSON_AddNumberToObject(d, "wDetachTimeOut", fd->wDetachTimeOut);
		cJSON_AddNumberToObject(d, "wTransferSize", fd->wTransferSize);
		add_hex(d, "bcdDFUVersion", fd->bcdDFUVersion, 4);
		cJSON_AddItemToObject(o, "dfu", d);
	} else {
		cJSON_AddNullToObject(o, "dfu");
	}
	alts = cJSON_AddArrayToObject(o, "alts");
	for (int i = 0; alts && i < in->n_alts; i++) {
		const struct dfuse_alt_info *a = &in->alts[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "alt", a->alt);
		cJSON_AddNumberToObject(x, "interface", in->config.alt[i].bInterfaceNumber);
		if (a->name_read)
			cJSON_AddStringToObject(x, "name", a->name);
		else
			cJSON_AddNullToObject(x, "name");
		cJSON_AddBoolToObject(x, "name_truncated", a->name_truncated);
		if (a->has_layout)
			cJSON_AddItemToObject(x, "layout", layout_json(&a->layout));
		else
			cJSON_AddNullToObject(x, "layout");
		cJSON_AddItemToArray(alts, x);
	}
	if (in->has_status) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddNumberToObject(s, "bStatus", in->status.bStatus);
		cJSON_AddStringToObject(s, "status", dfuse_status_name(in->status.bStatus));
		cJSON_AddNumberToObject(s, "bState", in->status.bState);
		cJSON_AddStringToObject(s, "state", dfuse_state_name(in->status.bState));
		cJSON_AddNumberToObject(s, "bwPollTimeout", in->status.bwPollTimeout);
		cJSON_AddItemToObject(o, "status", s);
	} else {
		cJSON_AddNullToObject(o, "status");
	}
	cJSON_AddItemToObject(o, "warnings", warnings_json(&r->warnings));
	return o;
}

static void add_ms(cJSON *o, const char *key, int has, double v)
{
	if (has)
		cJSON_AddNumberToObject(o, key, (double)(long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5)) / 1000.0);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *usbw_watch_json(const struct usbw_result *r)
{
	cJSON *o = cJSON_CreateObject(), *t, *ev;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "backend", r->backend ? r->backend : "");
	cJSON_AddBoolToObject(o, "simulated", r->simulated);
	cJSON_AddBoolToObject(o, "found", r->found);
	cJSON_AddBoolToObject(o, "present_at_start", r->present_at_start);
	t = cJSON_AddObjectToObject(o, "timeline");
	add_ms(t, "open_ms", 1, r->t_open);
	add_ms(t, "app_left_ms", r->has_app_left, r->t_app_left);
	add_ms(t, "dfu_arrived_ms", r->has_dfu, r->t_dfu);
	add_ms(t, "enumeration_ms", r->has_enum, r->enum_ms);
	if (r->has_enum)
		cJSON_AddStringToObject(t, "enumeration_from", r->enum_basis);
	else
		cJSON_AddNullToObject(t, "enumeration_from");
	ev = cJSON_AddArrayToObject(t, "events");
	for (int i = 0; ev && i < r->n_events; i++) {
		const struct usbw_event *e = &r->events[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "event", usbw_event_name(e->kind));
		add_ms(x, "t_ms", 1, e->t_ms - r->mark_abs);
		if (e->sim_ms >= 0)
			add_ms(x, "sim_ms", 1, e->sim_ms);
		if (e->vid || e->pid) {
			add_hex(x, "vid", e->vid, 4);
			add_hex(x, "pid", e->pid, 4);
		}
		if (e->path[0])
			cJSON_AddStringToObject(x, "path", e->path);
		if (e->detail[0])
			cJSON_AddStringToObject(x, "detail", e->detail);
		cJSON_AddItemToArray(ev, x);
	}
	cJSON_AddNumberToObject(t, "events_dropped", r->events_dropped);
	if (r->found)
		cJSON_AddItemToObject(o, "device", usbw_device_json(r));
	else
		cJSON_AddNullToObject(o, "device");
	return o;
}
