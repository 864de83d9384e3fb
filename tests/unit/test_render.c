/* Rendering: JSON round trip through the reader, every cJSON allocation
 * checked (failing allocator), text fits 80 columns and is colourless unless
 * asked, NO_COLOR, the reader's bounds and messages, atomic file writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h7jumpdiag/error.h"
#include "log.h"
#include "render.h"
#include "snapshot.h"
#include "svd.h"
#include "snapfix.h"
#include "testutil.h"

static void test_json_round_trip(void **state)
{
	(void)state;
	struct snapshot s, back;
	cJSON *doc = NULL;
	char *text, err[256];

	tu_full_snapshot(&s);
	doc = render_snapshot_json(&s);
	assert_non_null(doc);
	assert_string_equal(cJSON_GetObjectItem(doc, "schema")->valuestring, "h7jumpdiag/1");
	assert_string_equal(cJSON_GetObjectItem(doc, "report")->valuestring, "snapshot");
	text = cJSON_Print(doc);
	assert_non_null(text);
	assert_int_equal(render_read_snapshot_json(text, strlen(text), &back, err, sizeof err), 0);
	assert_int_equal(back.core, s.core);
	assert_int_equal(back.halted, 1);
	assert_true(back.t_ms == 12.5);
	for (int i = 0; i < REG_COUNT; i++) {
		if (i == REG_MMFAR) { /* MMARVALID is clear: not written, not read back */
			assert_int_equal(back.state[i], SNAP_UNREAD);
			continue;
		}
		if (back.state[i] != s.state[i] || back.val[i] != s.val[i])
			print_error("%s differs after the round trip\n", regs_catalog[i].name);
		assert_int_equal(back.state[i], s.state[i]);
		assert_int_equal(back.val[i], s.val[i]);
	}
	assert_memory_equal(&back.msp_stack, &s.msp_stack, sizeof s.msp_stack);
	assert_int_equal(back.psp_stack.state, SNAP_ERROR);
	assert_int_equal(back.psp_stack.addr, 0x30000000);
	/* the registers are "0x%08X" strings and the fault bits CMSIS names */
	assert_non_null(strstr(text, "\"CFSR\":\t\"0x00008200\""));
	assert_non_null(strstr(text, "\"PRECISERR\", \"BFARVALID\""));
	assert_non_null(strstr(text, "\"BFAR\":\t\"0x1FFF9804\""));
	free(text);
	cJSON_Delete(doc);
}

/* A cJSON allocator that fails at allocation number fail_at. */
static long alloc_count, fail_at;
static void *failing_malloc(size_t n)
{
	if (alloc_count++ == fail_at)
		return NULL;
	return malloc(n);
}

static void test_json_every_allocation_checked(void **state)
{
	(void)state;
	struct snapshot s;
	cJSON_Hooks hooks = { failing_malloc, free };
	long failures = 0;
	cJSON *doc;

	tu_full_snapshot(&s);
	cJSON_InitHooks(&hooks);
	for (fail_at = 0;; fail_at++) {
		alloc_count = 0;
		doc = render_snapshot_json(&s);
		if (alloc_count <= fail_at) { /* never failed: done */
			assert_non_null(doc);
			cJSON_Delete(doc);
			break;
		}
		assert_null(doc); /* a failed allocation anywhere gives NULL, never half a report */
		failures++;
	}
	cJSON_InitHooks(NULL);
	print_message("%ld allocation failures injected\n", failures);
	assert_true(failures > 500);
}

static char *render_text(const struct snapshot *s, int color, int all)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct render_opts o;

	render_opts_init(&o, NULL);
	o.color = color;
	o.all = all;
	render_snapshot_text(m, s, &o);
	fclose(m);
	return buf;
}

/* display width of a line: ANSI escape sequences take no columns */
static int line_width(const char *p, size_t len)
{
	int w = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\033') {
			while (i < len && p[i] != 'm')
				i++;
			continue;
		}
		w++;
	}
	return w;
}

static void test_text_80_columns(void **state)
{
	(void)state;
	struct snapshot s;

	tu_full_snapshot(&s);
	for (int color = 0; color < 2; color++) {
		char *t = render_text(&s, color, 1), *line = t;
		int lines = 0;
		assert_non_null(strstr(t, "Fault"));
		assert_non_null(strstr(t, "PRECISERR"));
		assert_non_null(strstr(t, "0x1FFF9804"));
		assert_non_null(strstr(t, "STM32H74x/75x, revision V"));
		assert_non_null(strstr(t, "(not on this core)"));
		assert_non_null(strstr(t, "(read failed)"));
		while (*line) {
			size_t len = strcspn(line, "\n");
			if (line_width(line, len) > 80)
				print_error("line wider than 80 columns: %.*s\n", (int)len, line);
			assert_true(line_width(line, len) <= 80);
			if (len && line[len - 1] == ' ')
				print_error("trailing blank: [%.*s]\n", (int)len, line);
			assert_true(len == 0 || line[len - 1] != ' '); /* no trailing blanks */
			lines++;
			line += len + (line[len] == '\n');
		}
		assert_true(lines > 50);
		if (color)
			assert_non_null(strchr(t, '\033'));
		else
			assert_null(strchr(t, '\033'));
		free(t);
	}
}

static void test_color_choice(void **state)
{
	(void)state;
	FILE *m;
	char *buf = NULL;
	size_t len;

	m = open_memstream(&buf, &len);
	assert_int_equal(render_use_color(m), 0); /* not a terminal */
	fclose(m);
	free(buf);
	setenv("NO_COLOR", "1", 1);
	assert_int_equal(render_use_color(stdout), 0);
	unsetenv("NO_COLOR");
	assert_int_equal(render_use_color(stdout), isatty(fileno(stdout)) ? 1 : 0);
	setenv("NO_COLOR", "", 1); /* empty: does not count (no-color.org) */
	assert_int_equal(render_use_color(stdout), isatty(fileno(stdout)) ? 1 : 0);
	unsetenv("NO_COLOR");
}

struct reader_case {
	const char *what;
	const char *json;
	int rc;
	const char *msg;
};

static const struct reader_case reader_cases[] = {
	{ "empty", "", H7_ERROR_PARSE, "not valid JSON" },
	{ "garbage", "{\"schema\": ", H7_ERROR_PARSE, "not valid JSON" },
	{ "array", "[]", H7_ERROR_PARSE, "not a JSON object" },
	{ "no schema", "{}", H7_ERROR_PARSE, "no \"schema\"" },
	{ "other schema", "{\"schema\":\"h7jumpdiag/2\"}", H7_ERROR_PARSE, "unsupported schema 'h7jumpdiag/2'" },
	{ "no snapshot", "{\"schema\":\"h7jumpdiag/1\"}", H7_ERROR_PARSE, "no \"snapshot\"" },
	{ "no registers", "{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{}}", H7_ERROR_PARSE, "registers" },
	{ "bad core", "{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{\"core\":\"cm9\",\"registers\":{}}}", H7_ERROR_PARSE,
	  "cm7" },
	{ "bad halted", "{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{\"halted\":1,\"registers\":{}}}", H7_ERROR_PARSE,
	  "halted" },
	{ "number value", "{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{\"registers\":{\"CFSR\":512}}}", H7_ERROR_PARSE,
	  "register 'CFSR'" },
	{ "9 hex digits", "{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{\"registers\":{\"CFSR\":\"0x100000000\"}}}",
	  H7_ERROR_PARSE, "register 'CFSR'" },
	{ "not hex", "{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{\"registers\":{\"CFSR\":\"0xZZ\"}}}", H7_ERROR_PARSE,
	  "register 'CFSR'" },
	{ "bad unreadable", "{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{\"registers\":{},\"unreadable\":{\"CFSR\":\"x\"}}}",
	  H7_ERROR_PARSE, "unreadable" },
	{ "bad stack state",
	  "{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{\"registers\":{},\"stacks\":{\"msp\":{\"addr\":\"0x0\",\"state\":\"?\"}}}}",
	  H7_ERROR_PARSE, "stacks.msp.state" },
	{ "bad stack word",
	  "{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{\"registers\":{},\"stacks\":{\"psp\":{\"addr\":\"0x0\",\"state\":\"ok\",\"words\":[1]}}}}",
	  H7_ERROR_PARSE, "stacks.psp.words[0]" },
	{ "unknown register (skipped)",
	  "{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{\"registers\":{\"NOPE\":\"0x1\",\"CFSR\":\"0x400\"}}}", 0, "" },
};

static void test_reader_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof reader_cases / sizeof reader_cases[0]; i++) {
		const struct reader_case *c = &reader_cases[i];
		struct snapshot s;
		char err[256] = "";
		int rc;

		h7_log_set_level(H7_LOG_ERROR); /* the unknown-register warning stays quiet */
		rc = render_read_snapshot_json(c->json, strlen(c->json), &s, err, sizeof err);
		print_message("%s: %d %s\n", c->what, rc, err);
		assert_int_equal(rc, c->rc);
		assert_non_null(strstr(err, c->msg));
		if (rc == 0) {
			assert_true(snap_ok(&s, REG_CFSR));
			assert_int_equal(s.val[REG_CFSR], 0x400);
		}
	}
	/* too many words, too large */
	{
		char buf[4096];
		size_t n = (size_t)snprintf(buf, sizeof buf, "{\"schema\":\"h7jumpdiag/1\",\"snapshot\":{\"registers\":{},"
						    "\"stacks\":{\"msp\":{\"addr\":\"0x0\",\"state\":\"ok\",\"words\":[");
		struct snapshot s;
		char err[256];
		for (int i = 0; i <= SNAP_STACK_WORDS; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\"0x1\"", i ? "," : "");
		n += (size_t)snprintf(buf + n, sizeof buf - n, "]}}}}");
		assert_int_equal(render_read_snapshot_json(buf, n, &s, err, sizeof err), H7_ERROR_OVERFLOW);
		assert_int_equal(render_read_snapshot_json(buf, (size_t)RENDER_JSON_MAX_BYTES + 1, &s, err, sizeof err),
				 H7_ERROR_OVERFLOW);
		assert_int_equal(render_read_snapshot_file("/nonexistent/r.json", &s, err, sizeof err),
				 H7_ERROR_NOT_FOUND);
	}
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void test_atomic_write(void **state)
{
	(void)state;
	char dir[] = "/tmp/h7render.XXXXXX", path[128], *back;
	size_t len;
	struct stat st;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/report.json", dir);
	assert_int_equal(render_write_file_atomic(path, "first\n", 6), 0);
	assert_int_equal(render_write_file_atomic(path, "second\n", 7), 0);
	back = tu_read_file(path, &len);
	assert_non_null(back);
	assert_int_equal(len, 7);
	assert_string_equal(back, "second\n");
	free(back);
	assert_int_equal(count_entries(dir), 1); /* no temporary file left */
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_mode & S_IRUSR);
	h7_log_set_level(-1);
	assert_int_equal(render_write_file_atomic("/nonexistent-dir/x.json", "x", 1), H7_ERROR_IO);
	h7_log_set_level(H7_LOG_INFO);

	/* the check a long command makes before it starts */
	char err[256];
	assert_int_equal(render_check_output(path, err, sizeof err), 0);
	assert_int_equal(count_entries(dir), 1); /* its probe file is gone again */
	assert_int_equal(render_check_output("-", err, sizeof err), 0);
	assert_int_equal(render_check_output(dir, err, sizeof err), H7_ERROR_INVALID_PARAM);
	assert_non_null(strstr(err, "is a directory"));
	assert_int_equal(render_check_output("/nonexistent-dir/x.json", err, sizeof err), H7_ERROR_IO);
	assert_non_null(strstr(err, "cannot create a file next to '/nonexistent-dir/x.json'"));
	assert_int_equal(render_check_output("", err, sizeof err), H7_ERROR_INVALID_PARAM);
	unlink(path);
	rmdir(dir);
}

/* --svd as a render option: catalog registers decoded field by field */
static void test_svd_render(void **state)
{
	(void)state;
	struct svd_device *d = NULL;
	struct snapshot s;
	struct render_opts o;
	struct render_svd_value extra = { "TIM2", "CNT", 0x1234 };
	char err[256], *buf = NULL, *json;
	size_t len;
	FILE *m;
	cJSON *doc;

	assert_int_equal(svd_load(tu_src_path("tests/data/svd/mini.svd"), &d, err, sizeof err), 0);
	snapshot_init(&s, SNAP_CORE_CM7);
	snapshot_set(&s, REG_RCC_CR, 0x01000011); /* HSION, HSIDIV=2, PLL1ON */
	render_opts_init(&o, NULL);
	o.svd = d;
	o.svd_values = &extra;
	o.n_svd_values = 1;
	m = open_memstream(&buf, &len);
	render_snapshot_text(m, &s, &o);
	fclose(m);
	assert_non_null(strstr(buf, "RCC.CR"));
	assert_non_null(strstr(buf, "Div4"));
	assert_non_null(strstr(buf, "TIM2.CNT"));
	free(buf);
	doc = render_report_json(&s, "decode", &o);
	assert_non_null(doc);
	json = cJSON_PrintUnformatted(doc);
	assert_non_null(strstr(json, "\"register\":\"RCC.CR\""));
	assert_non_null(strstr(json, "\"enum\":\"Div4\""));
	assert_non_null(strstr(json, "\"register\":\"TIM2.CNT\""));
	free(json);
	cJSON_Delete(doc);
	svd_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_every_allocation_checked),
		cmocka_unit_test(test_text_80_columns),
		cmocka_unit_test(test_color_choice),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_svd_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
