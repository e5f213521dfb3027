// SPDX-License-Identifier: GPL-2.0
/*
 * hxen network-list NAME: the vifs of a running VM (xl network-list),
 * from the monitor's network-list command (devices/be_net_ctl.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json.h"

static int64_t num(const struct json *o, const char *k)
{
	int64_t v = 0;

	json_get_int(o, k, &v);
	return v;
}

int cli_network_list(int argc, char **argv)
{
	const char *name = NULL;
	bool as_json = false;
	struct json *r = NULL, *l;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			as_json = true;
		else if (argv[i][0] == '-' || name)
			return cli_usage_error(argv[0], "unexpected argument "
					       "'%s'", argv[i]);
		else
			name = argv[i];
	}
	if (!name)
		return cli_usage_error(argv[0], "which VM? (a NAME from `hxen "
				       "list`)");
	rc = cli_simple(name, "network-list", NULL, &r);
	if (rc != CLI_OK)
		return rc;
	l = json_get(r, "vifs");
	if (as_json) {
		struct jbuf b = { 0 };

		json_write(&b, l, true);
		printf("%.*s\n", (int)b.len, b.p);
		jbuf_free(&b);
		json_free(r);
		return CLI_OK;
	}
	printf("%-3s %-17s %-10s %-5s %10s %12s %6s %10s %12s %6s  %s\n", "Idx",
	       "MAC", "State", "Type", "TX frames", "TX bytes", "TXdrop",
	       "RX frames", "RX bytes", "RXdrop", "Host side");
	json_for_each(v, l) {
		const char *mac = json_get_str(v, "mac");
		const char *st = json_get_str(v, "state");
		const char *t = json_get_str(v, "transport");
		const char *h = json_get_str(v, "host");

		printf("%-3" PRId64 " %-17s %-10s %-5s %10" PRId64 " %12" PRId64
		       " %6" PRId64 " %10" PRId64 " %12" PRId64 " %6" PRId64
		       "  %s\n", num(v, "index"), mac ? mac : "?",
		       st ? st : "?", t ? t : "?", num(v, "tx_frames"),
		       num(v, "tx_bytes"),
		       num(v, "tx_dropped") + num(v, "tx_errors"),
		       num(v, "rx_frames"), num(v, "rx_bytes"),
		       num(v, "rx_dropped"), h ? h : "");
	}
	json_free(r);
	return CLI_OK;
}
