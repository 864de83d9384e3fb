/* h7sim - logging (see simlog.h). */
#include "simlog.h"

#include <stdarg.h>
#include <stdio.h>

static int simlog_level = H7_LOG_INFO;

void simlog_set_level(int level)
{
	simlog_level = level;
}

int simlog_get_level(void)
{
	return simlog_level;
}

void simlog(int level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug", "trace" };
	va_list ap;

	if (level > simlog_level || level < H7_LOG_ERROR || level > H7_LOG_TRACE)
		return;
	if (level == H7_LOG_INFO)
		fputs("h7sim: ", stderr);
	else
		fprintf(stderr, "h7sim: %s: ", names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
