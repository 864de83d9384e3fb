/* Logging: one line per message, "h7jumpdiag: <level>: text", on stderr. */
#include "log.h"

#include <stdarg.h>

static int log_level = H7_LOG_INFO;
static FILE *log_stream;

void h7_log_set_level(int level)
{
	if (level < H7_LOG_ERROR - 1)
		level = H7_LOG_ERROR - 1;
	if (level > H7_LOG_TRACE)
		level = H7_LOG_TRACE;
	log_level = level;
}

int h7_log_get_level(void)
{
	return log_level;
}

void h7_log_set_stream(FILE *stream)
{
	log_stream = stream;
}

void h7_log(int level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug", "trace" };
	FILE *f = log_stream ? log_stream : stderr;
	va_list ap;

	if (level > log_level || level < H7_LOG_ERROR || level > H7_LOG_TRACE)
		return;
	if (level == H7_LOG_INFO)
		fputs("h7jumpdiag: ", f);
	else
		fprintf(f, "h7jumpdiag: %s: ", names[level]);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}
