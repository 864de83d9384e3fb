/* Helpers shared by the h7sim test programs (header-only, static functions). */
#ifndef H7_SIMTEST_H
#define H7_SIMTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim_harness.h"
#include "testfw.h"

/* registers used by the tests (DDI0403 / PM0253 addresses) */
#define ST_VTOR 0xE000ED08u
#define ST_SHCSR 0xE000ED24u
#define ST_CFSR 0xE000ED28u
#define ST_HFSR 0xE000ED2Cu
#define ST_DFSR 0xE000ED30u
#define ST_BFAR 0xE000ED38u
#define ST_ABFSR 0xE000EFA8u

/* Tcl command that must succeed; returns its result (malloc'd, may be "") */
static inline char *st_ok(struct sim_harness *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline char *st_ok(struct sim_harness *h, const char *fmt, ...)
{
	char cmd[2048], *r = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (sim_tcl_ok(h, cmd, &r) != 0) {
		print_error("Tcl command failed: %s -> %s\n", cmd, r ? r : "(no reply)");
		free(r);
		fail();
	}
	return r ? r : strdup("");
}

static inline void st_do(struct sim_harness *h, const char *cmd)
{
	free(st_ok(h, "%s", cmd));
}

static inline uint32_t st_rd(struct sim_harness *h, uint32_t addr)
{
	uint32_t v = 0;

	if (sim_read32(h, addr, &v) != 0) {
		print_error("read_memory 0x%08x failed\n", addr);
		fail();
	}
	return v;
}

static inline uint32_t st_reg(struct sim_harness *h, const char *name)
{
	uint32_t v = 0;

	if (sim_reg(h, name, &v) != 0) {
		print_error("get_reg %s failed\n", name);
		fail();
	}
	return v;
}

/* a key's value in a control-socket reply line ("ok a=1 b=x"), or NULL */
static inline const char *st_kv(const char *line, const char *key, char *buf, size_t cap)
{
	size_t k = strlen(key);

	for (const char *p = line; (p = strstr(p, key)) != NULL; p += k) {
		if ((p == line || p[-1] == ' ') && p[k] == '=') {
			size_t n = strcspn(p + k + 1, " ");

			snprintf(buf, cap, "%.*s", (int)n, p + k + 1);
			return buf;
		}
	}
	return NULL;
}

static inline unsigned long long st_kv_num(const char *line, const char *key)
{
	char buf[64];

	if (!st_kv(line, key, buf, sizeof(buf))) {
		print_error("no key '%s' in '%s'\n", key, line);
		fail();
	}
	return strtoull(buf, NULL, 0);
}

/* is the current target halted on a BKPT instruction (DFSR itself is read and
 * cleared by OpenOCD when it notices the halt) */
static inline bool st_at_bkpt(struct sim_harness *h)
{
	char cmd[64], *r;
	uint32_t pc = st_reg(h, "pc");
	unsigned long hw;

	snprintf(cmd, sizeof(cmd), "read_memory 0x%08x 16 1", pc);
	r = st_ok(h, "%s", cmd);
	hw = strtoul(r, NULL, 0);
	free(r);
	return (hw & 0xFF00u) == 0xBE00u;
}

/* Reset-halt the current target, point it at test-firmware routine `entry`
 * with VTOR at the firmware's table, clean masks, and resume; then wait until
 * it halts again (5 s). The firmware must already be loaded. */
static inline void st_run_entry(struct sim_harness *h, unsigned entry, uint32_t sp, int wait_ms)
{
	uint32_t pc;

	st_do(h, "reset halt");
	pc = st_rd(h, TESTFW_ENTRIES + 4 * entry) & ~1u;
	free(st_ok(h, "mww 0x%08x 0x%08x", ST_VTOR, TESTFW_BASE));
	free(st_ok(h, "reg pc 0x%08x", pc));
	free(st_ok(h, "reg msp 0x%08x", sp));
	st_do(h, "reg xPSR 0x01000000");
	st_do(h, "reg primask 0");
	st_do(h, "reg faultmask 0");
	st_do(h, "reg basepri 0");
	st_do(h, "reg control 0");
	st_do(h, "resume");
	if (wait_ms > 0)
		free(st_ok(h, "wait_halt %d", wait_ms));
}

/* write a file with the given words (little endian); path in buf */
static inline void st_write_words(char *buf, size_t cap, const uint32_t *w, size_t n)
{
	FILE *f;
	const char *b = getenv("H7_BUILD");

	snprintf(buf, cap, "%s/tests/logs/flash-%d.bin", b && *b ? b : "build", (int)getpid());
	f = fopen(buf, "wb");
	if (!f) {
		snprintf(buf, cap, "/tmp/h7sim-flash-%d.bin", (int)getpid());
		f = fopen(buf, "wb");
	}
	assert_non_null(f);
	assert_int_equal(fwrite(w, 4, n, f), n);
	fclose(f);
}

#endif
