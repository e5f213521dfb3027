/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hxen-monitor messages.  Everything goes to one stream (stderr by
 * default; mon_log_set_file() redirects it, e.g. for --log), prefixed with
 * the program and VM name so that several monitors can share a log.
 */
#ifndef MON_LOG_H
#define MON_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum mon_log_level { MON_LOG_ERR, MON_LOG_WARN, MON_LOG_INFO, MON_LOG_DEBUG };

void mon_log_set_file(FILE *f);
FILE *mon_log_file(void);
void mon_log_set_name(const char *name);
void mon_log_set_verbose(bool on);
bool mon_log_verbose(void);
void mon_log(enum mon_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Format a message into @err (a caller's buffer, for functions that
 * report errors upwards instead of logging) and return @e.
 */
int mon_seterr(int e, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define mon_err(...)	mon_log(MON_LOG_ERR, __VA_ARGS__)
#define mon_warn(...)	mon_log(MON_LOG_WARN, __VA_ARGS__)
#define mon_info(...)	mon_log(MON_LOG_INFO, __VA_ARGS__)
#define mon_dbg(...)	mon_log(MON_LOG_DEBUG, __VA_ARGS__)

#endif /* MON_LOG_H */
