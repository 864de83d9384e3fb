/* Tiny logging module: levels, -v/-q, messages on stderr (or a chosen stream). */
#ifndef H7_LOG_H
#define H7_LOG_H

#include <stdio.h>

enum h7_log_level {
	H7_LOG_ERROR = 0, /* always shown unless -q -q */
	H7_LOG_WARN = 1,
	H7_LOG_INFO = 2,  /* default threshold */
	H7_LOG_DEBUG = 3, /* -v */
	H7_LOG_TRACE = 4  /* -v -v: RPC traffic */
};

/* Messages at or below this level are printed (default H7_LOG_INFO). */
void h7_log_set_level(int level);
int h7_log_get_level(void);

/* Where messages go (default stderr); NULL restores stderr. */
void h7_log_set_stream(FILE *stream);

void h7_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define h7_err(...) h7_log(H7_LOG_ERROR, __VA_ARGS__)
#define h7_warn(...) h7_log(H7_LOG_WARN, __VA_ARGS__)
#define h7_info(...) h7_log(H7_LOG_INFO, __VA_ARGS__)
#define h7_dbg(...) h7_log(H7_LOG_DEBUG, __VA_ARGS__)
#define h7_trace(...) h7_log(H7_LOG_TRACE, __VA_ARGS__)

#endif
