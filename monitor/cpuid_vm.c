// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID a VM's guest is shown (CPU levelling, docs/migration-stream.md):
 * --cpuid SPEC (xl's named form: "host,avx2=0", "x86-64-v2,aes=1") and
 * --cpuid-leaf SPEC (xl's per-leaf bit strings, applied after it) make a
 * mask that mon_cpuid_apply() gives the module right after the VM is
 * created, before its vCPUs exist.  A restore instead shows exactly the
 * features the saved guest was shown (the CPUID record) and refuses a
 * host that lacks any of them, naming them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "monitor/cpuid_level.h"
#include "monitor/log.h"
#include "monitor/monitor.h"

#define MAX_LEAF_SPECS	16

static struct {
	const char *spec;			/* --cpuid, NULL: host */
	const char *leaf[MAX_LEAF_SPECS];	/* --cpuid-leaf */
	unsigned int nleaf;
	struct hxen_cpuid_features saved;	/* restore: what the guest saw */
	bool restoring;
} cl;

static int set_cpuid(struct mon_config *cfg, const char *arg, char *err,
		     size_t errlen)
{
	struct hxen_cpuid_features m;
	char why[200];

	if (cpuid_level_parse(arg, &m, why, sizeof(why))) {
		snprintf(err, errlen, "--cpuid %s", why);
		return -EINVAL;
	}
	cl.spec = arg;
	return 0;
}

static int set_cpuid_leaf(struct mon_config *cfg, const char *arg, char *err,
			  size_t errlen)
{
	struct hxen_cpuid_features m;
	char why[300];

	if (cl.nleaf == MAX_LEAF_SPECS) {
		snprintf(err, errlen, "--cpuid-leaf: at most %d", MAX_LEAF_SPECS);
		return -EINVAL;
	}
	cpuid_level_host(&m);
	if (cpuid_level_parse_leaf(arg, &m, why, sizeof(why))) {
		snprintf(err, errlen, "--cpuid-leaf %s", why);
		return -EINVAL;
	}
	cl.leaf[cl.nleaf++] = arg;
	return 0;
}

static const struct mon_option cpuid_options[] = {
	{ "cpuid", 0, "SPEC",
	  "CPUID the guest is shown: host (default), x86-64-v1|v2|v3, then "
	  ",FLAG=0|1 (hxen.cfg(5) CPUID FLAGS)", set_cpuid },
	{ "cpuid-leaf", 0, "LEAF[,SUB]:REG=BITS",
	  "xl's per-leaf mask, 32 of 0 1 x k s (bit 31 first); repeatable",
	  set_cpuid_leaf },
};
MON_OPTIONS(cpuid, cpuid_options);

void mon_cpuid_restore(const struct hxen_cpuid_features *saved)
{
	cl.saved = *saved;
	cl.restoring = true;
}

/* The mask the options ask for (checked when they were given). */
static void options_mask(struct hxen_cpuid_features *m)
{
	char why[300];

	if (!cl.spec || cpuid_level_parse(cl.spec, m, why, sizeof(why)))
		cpuid_level_host(m);
	for (unsigned int i = 0; i < cl.nleaf; i++)
		cpuid_level_parse_leaf(cl.leaf[i], m, why, sizeof(why));
}

int mon_cpuid_apply(struct mon_vm *vm)
{
	struct hxen_cpuid_features m, shown;
	char names[1024], why[200];

	if (cl.restoring)
		m = cl.saved;
	else
		options_mask(&m);
	if (hxen_vm_set_cpuid_mask(&vm->hvm, &m) < 0 ||
	    hxen_vm_get_cpuid(&vm->hvm, &shown) < 0) {
		mon_err("CPUID levelling: %s", hxen_last_error());
		return -EIO;
	}
	if (cl.restoring) {
		struct hxen_cpuid_features have = shown;

		if (cpuid_level_test_hide(&have, why, sizeof(why))) {
			mon_err("%s", why);
			return -EINVAL;
		}
		if (cpuid_level_missing(&cl.saved, &have, names, sizeof(names))) {
			mon_err("destination lacks %s (the guest was shown them "
				"when it was saved): restore refused (restore it "
				"on a host that has them; a VM started with a "
				"baseline such as cpuid = \"x86-64-v2\" moves "
				"between different CPUs)", names);
			return -EINVAL;
		}
	}
	cpuid_level_names(&shown, names, sizeof(names));
	mon_dbg("CPUID shown to the guest: %s; XSAVE state %#llx", names,
		(unsigned long long)shown.xcr0);
	return 0;
}
