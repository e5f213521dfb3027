// SPDX-License-Identifier: GPL-2.0
/*
 * The keys of a vif=[...] item beyond xl's (docs/net.md): type=user for
 * user-mode networking, its hostfwd forwards (several joined by ';'),
 * restrict and net.  Checked here so that a mistake is reported at its
 * place in the file, before any VM starts; hxen-monitor --vif checks the
 * same again (devices/be_net_spec.c) and the host side when it opens.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cfg.h"

static bool one_of(const char *v, const char *const *l)
{
	for (; *l; l++)
		if (!strcmp(v, *l))
			return true;
	return false;
}

/* [tcp:|udp:][ADDR:]PORT-[ADDR:]PORT */
static bool fwd_ok(const char *f, size_t n)
{
	const char *dash = memchr(f, '-', n);
	size_t digits = 0;

	if (n > 4 && (!strncmp(f, "tcp:", 4) || !strncmp(f, "udp:", 4))) {
		f += 4;
		n -= 4;
		dash = memchr(f, '-', n);
	}
	if (!dash || memchr(dash + 1, '-', n - (dash + 1 - f)))
		return false;
	/* each side ends in a port number */
	for (const char *p = dash; p > f && isdigit((unsigned char)p[-1]); p--)
		digits++;
	if (!digits)
		return false;
	digits = 0;
	for (const char *p = f + n; p > dash + 1 &&
	     isdigit((unsigned char)p[-1]); p--)
		digits++;
	return digits > 0;
}

int cfg_vif_check(const struct json *o, char *err, size_t errlen)
{
	static const char *const types[] = { "user", "tap", "vif", "ioemu",
					     "bridge", NULL };
	static const char *const bools[] = { "on", "off", "yes", "no", "1",
					     "0", NULL };
	const char *type = json_get_str(o, "type");
	const char *v;
	bool user;

	if (type && !one_of(type, types)) {
		snprintf(err, errlen, "type '%s': expected user (user-mode "
			 "networking) or tap (xl's vif, ioemu)", type);
		return -1;
	}
	user = type ? !strcmp(type, "user") :
	       !json_get(o, "bridge") && !json_get(o, "vifname") &&
	       !json_get(o, "script");
	if ((v = json_get_str(o, "restrict")) && !one_of(v, bools)) {
		snprintf(err, errlen, "restrict '%s': expected on or off", v);
		return -1;
	}
	if ((v = json_get_str(o, "hostfwd"))) {
		for (const char *p = v; *p;) {
			size_t n = strcspn(p, ";");

			if (!fwd_ok(p, n)) {
				snprintf(err, errlen, "hostfwd '%.*s': expected "
					 "[tcp|udp]:[HOSTADDR]:PORT-[GUESTADDR]:"
					 "PORT, e.g. tcp:127.0.0.1:2222-:22",
					 (int)n, p);
				return -1;
			}
			p += n;
			if (*p)
				p++;
		}
	}
	if (!user && (json_get(o, "hostfwd") || json_get(o, "restrict") ||
		      json_get(o, "net"))) {
		snprintf(err, errlen, "hostfwd, restrict and net are for "
			 "type=user");
		return -1;
	}
	if (user && (json_get(o, "bridge") || json_get(o, "vifname") ||
		     json_get(o, "script"))) {
		snprintf(err, errlen, "bridge, vifname and script are for "
			 "type=tap");
		return -1;
	}
	if (json_get(o, "rate")) {
		snprintf(err, errlen, "rate: not supported by hxen (no rate "
			 "limit); remove it");
		return -1;
	}
	return 0;
}
