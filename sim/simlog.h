/* h7sim - logging on stderr, "h7sim: <level>: text" (the levels of src/log.h). */
#ifndef H7SIM_SIMLOG_H
#define H7SIM_SIMLOG_H

#include "log.h"

void simlog_set_level(int level);
int simlog_get_level(void);
void simlog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define sim_err(...) simlog(H7_LOG_ERROR, __VA_ARGS__)
#define sim_warn(...) simlog(H7_LOG_WARN, __VA_ARGS__)
#define sim_info(...) simlog(H7_LOG_INFO, __VA_ARGS__)
#define sim_dbg(...) simlog(H7_LOG_DEBUG, __VA_ARGS__)
#define sim_trace(...) simlog(H7_LOG_TRACE, __VA_ARGS__)

#endif
