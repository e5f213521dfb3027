// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-monitor --vif SPEC: what `hxen create` makes of an xl vif entry
 * (tools/cfg_*.c): "k=v,..." with xl's keys (mac, bridge, vifname,
 * script, ip; model and type=ioemu/vif accepted and ignored) and hxen's
 * for the user-mode transport (type=user, hostfwd, restrict, net).
 * Several --vif options give vif 0, 1, ...  docs/net.md has the keys.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/be_net.h"
#include "monitor/config.h"

#define MAX_VIFS	8

static struct net_spec specs[MAX_VIFS];
static unsigned int nr_specs;
static const struct mon_config *vm_cfg;

unsigned int net_specs_count(void)
{
	return nr_specs;
}

struct net_spec *net_spec_get(unsigned int i)
{
	return i < nr_specs ? &specs[i] : NULL;
}

void net_specs_reset(void)
{
	nr_specs = 0;
}

const char *net_vm_name(void)
{
	return vm_cfg && vm_cfg->name ? vm_cfg->name : "hxen";
}

/*
 * FNV-1a of "NAME/vif/INDEX": the same VM name and index give the same
 * MAC on every start.  The OUI is Xen's; the low 3 bytes keep the
 * locally-assigned and multicast bits of the OUI's first byte as they are.
 */
void net_mac_derive(const char *vm, unsigned int index, uint8_t mac[6])
{
	char key[160];
	uint32_t h = 2166136261u;

	snprintf(key, sizeof(key), "%s/vif/%u", vm, index);
	for (const char *p = key; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	mac[0] = 0x00;
	mac[1] = 0x16;
	mac[2] = 0x3e;
	mac[3] = (h >> 16) & 0x7f;	/* Xen's tools keep this bit clear */
	mac[4] = h >> 8;
	mac[5] = h;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6 || strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
	/* a multicast address cannot be a NIC's */
	return (mac[0] & 1) ? -EINVAL : 0;
}

static int parse_port(const char *s, size_t n, uint16_t *port)
{
	unsigned long v = 0;

	if (!n || n > 5)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (!v || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

/* "[ADDR:]PORT" of @n bytes at @s */
static int parse_end(const char *s, size_t n, char *addr, size_t alen,
		     uint16_t *port)
{
	const char *colon = memchr(s, ':', n);

	addr[0] = '\0';
	if (colon) {
		size_t a = colon - s;

		if (a >= alen || memchr(colon + 1, ':', n - a - 1))
			return -EINVAL;
		memcpy(addr, s, a);
		addr[a] = '\0';
		n -= a + 1;
		s = colon + 1;
	}
	return parse_port(s, n, port);
}

/* [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT, as QEMU spells it */
int net_fwd_parse(const char *s, struct net_fwd *f)
{
	const char *dash;

	memset(f, 0, sizeof(*f));
	if (!strncmp(s, "tcp:", 4)) {
		s += 4;
	} else if (!strncmp(s, "udp:", 4)) {
		f->udp = true;
		s += 4;
	}
	dash = strchr(s, '-');
	if (!dash || strchr(dash + 1, '-'))
		return -EINVAL;
	if (parse_end(s, dash - s, f->host_addr, sizeof(f->host_addr),
		      &f->host_port) ||
	    parse_end(dash + 1, strlen(dash + 1), f->guest_addr,
		      sizeof(f->guest_addr), &f->guest_port))
		return -EINVAL;
	return 0;
}

#define spec_err(...) (snprintf(err, errlen, __VA_ARGS__), -EINVAL)

static int copy_val(char *dst, size_t n, const char *val)
{
	if (strlen(val) >= n || !*val)
		return -EINVAL;
	strcpy(dst, val);
	return 0;
}

static int set_key(struct net_spec *o, const char *key, const char *val,
		   bool *type_set, char *err, size_t errlen)
{
	if (!strcmp(key, "mac")) {
		if (parse_mac(val, o->mac))
			return spec_err("--vif '%s': mac '%s': expected six "
					"hex bytes like 00:16:3e:12:34:56, not "
					"multicast", o->spec, val);
		o->mac_set = true;
	} else if (!strcmp(key, "type")) {
		if (!strcmp(val, "user")) {
			o->kind = NET_USER;
		} else if (!strcmp(val, "tap") || !strcmp(val, "vif") ||
			   !strcmp(val, "ioemu") || !strcmp(val, "bridge")) {
			o->kind = NET_TAP;
		} else {
			return spec_err("--vif '%s': type '%s': expected user "
					"or tap (xl's vif and ioemu mean tap)",
					o->spec, val);
		}
		*type_set = true;
	} else if (!strcmp(key, "bridge")) {
		if (copy_val(o->bridge, 16, val))
			return spec_err("--vif '%s': bad bridge name", o->spec);
	} else if (!strcmp(key, "vifname")) {
		if (copy_val(o->vifname, 16, val))
			return spec_err("--vif '%s': vifname '%s': at most 15 "
					"characters", o->spec, val);
	} else if (!strcmp(key, "script")) {
		if (copy_val(o->script, sizeof(o->script), val))
			return spec_err("--vif '%s': bad script path", o->spec);
	} else if (!strcmp(key, "ip")) {
		if (copy_val(o->ip, sizeof(o->ip), val))
			return spec_err("--vif '%s': bad ip", o->spec);
	} else if (!strcmp(key, "model") || !strcmp(key, "backend")) {
		/* xl's emulated NIC model, and backend domain: no meaning */
	} else if (!strcmp(key, "hostfwd")) {
		/* several: the key repeated, or joined by ';' (hxen.cfg) */
		char one[160];

		for (const char *p = val; *p;) {
			size_t n = strcspn(p, ";");

			if (o->nr_fwds == NET_MAX_FWDS)
				return spec_err("--vif '%s': at most %d hostfwd",
						o->spec, NET_MAX_FWDS);
			snprintf(one, sizeof(one), "%.*s", (int)n, p);
			if (n >= sizeof(one) ||
			    net_fwd_parse(one, &o->fwds[o->nr_fwds]))
				return spec_err("--vif '%s': hostfwd '%s': "
						"expected [tcp|udp]:[HOSTADDR]:"
						"PORT-[GUESTADDR]:PORT, e.g. "
						"tcp:127.0.0.1:2222-:22",
						o->spec, one);
			o->nr_fwds++;
			p += n;
			if (*p)
				p++;
		}
	} else if (!strcmp(key, "restrict")) {
		if (!strcmp(val, "on") || !strcmp(val, "yes") ||
		    !strcmp(val, "1"))
			o->restrict_ = true;
		else if (!strcmp(val, "off") || !strcmp(val, "no") ||
			 !strcmp(val, "0"))
			o->restrict_ = false;
		else
			return spec_err("--vif '%s': restrict '%s': expected "
					"on or off", o->spec, val);
	} else if (!strcmp(key, "net")) {
		if (copy_val(o->net, sizeof(o->net), val) ||
		    !strchr(val, '/'))
			return spec_err("--vif '%s': net '%s': expected "
					"ADDR/PREFIX, e.g. 10.0.2.0/24",
					o->spec, val);
	} else {
		return spec_err("--vif '%s': unknown key '%s' (mac, type, "
				"bridge, vifname, script, ip, model, hostfwd, "
				"restrict, net)", o->spec, key);
	}
	return 0;
}

int net_spec_parse(const char *s, struct net_spec *o, char *err,
		   size_t errlen)
{
	char copy[512], *p, *next;
	bool type_set = false;

	memset(o, 0, sizeof(*o));
	if (strlen(s) >= sizeof(o->spec))
		return spec_err("--vif: spec of %zu bytes is too long",
				strlen(s));
	strcpy(o->spec, s);
	strcpy(copy, s);
	for (p = copy; p && *p; p = next) {
		char *eq;

		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			continue;
		eq = strchr(p, '=');
		if (!eq)
			return spec_err("--vif '%s': '%s' is not key=value",
					s, p);
		*eq = '\0';
		if (set_key(o, p, eq + 1, &type_set, err, errlen))
			return -EINVAL;
	}
	/* xl's vif is a bridged one; hxen's default needs no privileges */
	if (!type_set && (o->bridge[0] || o->vifname[0] || o->script[0]))
		o->kind = NET_TAP;
	if (o->kind == NET_TAP && (o->nr_fwds || o->restrict_ || o->net[0]))
		return spec_err("--vif '%s': hostfwd, restrict and net are for "
				"type=user", s);
	if (o->kind == NET_USER && (o->bridge[0] || o->vifname[0] ||
				    o->script[0]))
		return spec_err("--vif '%s': bridge, vifname and script are "
				"for type=tap", s);
	return 0;
}

int net_spec_add(const char *arg, char *err, size_t errlen)
{
	struct net_spec *o;

	if (nr_specs == MAX_VIFS)
		return spec_err("--vif '%s': at most %d vifs", arg, MAX_VIFS);
	o = &specs[nr_specs];
	if (net_spec_parse(arg, o, err, errlen))
		return -EINVAL;
	o->index = nr_specs;
	for (unsigned int i = 0; i < nr_specs; i++)
		if (o->mac_set && specs[i].mac_set &&
		    !memcmp(o->mac, specs[i].mac, 6))
			return spec_err("--vif '%s': the MAC is already used by "
					"--vif '%s'", arg, specs[i].spec);
	nr_specs++;
	return 0;
}

static int set_vif(struct mon_config *cfg, const char *arg, char *err,
		   size_t errlen)
{
	vm_cfg = cfg;
	return net_spec_add(arg, err, errlen);
}

static const struct mon_option net_options[] = {
	{ "vif", 0, "SPEC", "a Xen virtual NIC: type=user[,hostfwd=tcp:ADDR:"
	  "PORT-:PORT][,restrict=on] or [type=tap,]bridge=BR|vifname=TAP"
	  "[,script=S]; mac=MAC (repeatable; docs/net.md)", set_vif },
};
MON_OPTIONS(net, net_options);
