// SPDX-License-Identifier: GPL-2.0
/*
 * hxen mem-set NAME SIZE: the guest's balloon target (xl's mem-set).  The
 * monitor writes it to xenstore memory/target; Linux's xen-balloon gives
 * memory back (the host gets it: the monitor's RSS falls) or takes it
 * again, up to the VM's memory (maxmem) ceiling.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

/* "512", "512M", "2G", "262144K" -> KiB; -1 if bad.  Bare = MiB, as xl. */
static long long parse_kib(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s || !isdigit((unsigned char)*s))
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K': end++; break;
	case 0: case 'M': v <<= 10; end += !!*end; break;
	case 'G': v <<= 20; end++; break;
	default: return -1;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	return *end || v > (1ULL << 40) ? -1 : (long long)v;
}

int cli_mem_set(int argc, char **argv)
{
	struct json *extra;
	long long kib;

	if (argc != 3)
		return cli_usage_error(argv[0], "usage: hxen mem-set NAME SIZE");
	kib = parse_kib(argv[2]);
	if (kib < 0)
		return cli_usage_error(argv[0], "bad SIZE '%s': MiB, or a number "
				       "with K, M or G", argv[2]);
	extra = json_new(JSON_OBJ);
	json_set(extra, "target_kib", json_int(kib));
	return cli_simple(argv[1], "mem-set", extra, NULL);
}
