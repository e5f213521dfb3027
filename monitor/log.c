// SPDX-License-Identifier: GPL-2.0
/* hxen-monitor messages (monitor/log.h). */
#include <pthread.h>
#include <stdarg.h>
#include <time.h>

#include "monitor/log.h"

static FILE *log_file;
static const char *log_name;
static bool log_verbose;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct timespec log_t0;

/* debug lines carry the time since start: where start-up time goes */
static void __attribute__((constructor)) log_start_clock(void)
{
	clock_gettime(CLOCK_MONOTONIC, &log_t0);
}

static double log_elapsed_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - log_t0.tv_sec) * 1e3 +
	       (t.tv_nsec - log_t0.tv_nsec) / 1e6;
}

void mon_log_set_file(FILE *f)
{
	log_file = f;
}

FILE *mon_log_file(void)
{
	return log_file ? log_file : stderr;
}

void mon_log_set_name(const char *name)
{
	log_name = name;
}

void mon_log_set_verbose(bool on)
{
	log_verbose = on;
}

bool mon_log_verbose(void)
{
	return log_verbose;
}

void mon_log(enum mon_log_level lvl, const char *fmt, ...)
{
	static const char *const tag[] = {
		[MON_LOG_ERR] = "error: ", [MON_LOG_WARN] = "warning: ",
		[MON_LOG_INFO] = "", [MON_LOG_DEBUG] = "debug: ",
	};
	FILE *f = mon_log_file();
	va_list ap;

	if (lvl == MON_LOG_DEBUG && !log_verbose)
		return;
	/* one lock so lines from vCPU and device threads do not interleave */
	pthread_mutex_lock(&log_lock);
	if (log_name)
		fprintf(f, "hxen-monitor[%s]: %s", log_name, tag[lvl]);
	else
		fprintf(f, "hxen-monitor: %s", tag[lvl]);
	if (lvl == MON_LOG_DEBUG)
		fprintf(f, "[%.1f ms] ", log_elapsed_ms());
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
	pthread_mutex_unlock(&log_lock);
}

int mon_seterr(int e, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return e;
}
