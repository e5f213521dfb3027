// SPDX-License-Identifier: GPL-2.0
/*
 * hxen info / version: what this hxen is and what the module offers.
 * Works without the module: it then says why it cannot be used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hxen/libhxen.h"

#define HXEN_CLI_VERSION	"0.1.0"

static const struct {
	uint64_t bit;
	const char *name;
} caps[] = {
	{ HXEN_CAP_NPT, "npt" }, { HXEN_CAP_EPT, "ept" },
	{ HXEN_CAP_NRIPS, "nrips" }, { HXEN_CAP_VPID, "vpid" },
	{ HXEN_CAP_UNRESTRICTED, "unrestricted-guest" },
	{ HXEN_CAP_DECODE_ASSISTS, "decode-assists" },
	{ HXEN_CAP_XSAVE, "xsave" }, { HXEN_CAP_DIRTY_LOG, "dirty-log" },
	{ HXEN_CAP_XEN, "xen" }, { HXEN_CAP_TSC_SCALING, "tsc-scaling" },
};

static const char *const backends[] = {
	[HXEN_BACKEND_NONE] = "none", [HXEN_BACKEND_VMX] = "vmx",
	[HXEN_BACKEND_SVM] = "svm",
};

static const char *const vendors[] = {
	[HXEN_VENDOR_UNKNOWN] = "unknown", [HXEN_VENDOR_INTEL] = "intel",
	[HXEN_VENDOR_AMD] = "amd",
};

static struct json *module_info(int *rc)
{
	struct json *m = json_new(JSON_OBJ), *feat;
	const char *dev = getenv("HXEN_DEVICE");
	struct hxen hx;
	int r = hxen_open(&hx, dev && *dev ? dev : NULL);

	if (r < 0) {
		json_set(m, "loaded", json_bool(false));
		json_set(m, "error", json_str(hxen_last_error()));
		*rc = CLI_ERR;
		return m;
	}
	json_set(m, "loaded", json_bool(true));
	hx.version.module_version[sizeof(hx.version.module_version) - 1] = 0;
	hx.caps.reason[sizeof(hx.caps.reason) - 1] = 0;
	json_set(m, "version", json_str(hx.version.module_version));
	json_set(m, "abi", json_int(hx.version.abi_version));
	json_set(m, "backend", json_str(hx.caps.backend <= HXEN_BACKEND_SVM ?
					backends[hx.caps.backend] : "?"));
	json_set(m, "vendor", json_str(hx.caps.vendor <= HXEN_VENDOR_AMD ?
				       vendors[hx.caps.vendor] : "?"));
	feat = json_set(m, "features", json_new(JSON_ARR));
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (hx.caps.features & caps[i].bit)
			json_push(feat, json_str(caps[i].name));
	json_set(m, "max_vms", json_int(hx.caps.max_vms));
	json_set(m, "max_vcpus", json_int(hx.caps.max_vcpus));
	json_set(m, "paging_levels", json_int(hx.caps.paging_levels));
	json_set(m, "max_gpa", json_int((int64_t)hx.caps.max_gpa));
	if (hx.caps.backend == HXEN_BACKEND_NONE) {
		json_set(m, "error", json_str(hx.caps.reason));
		*rc = CLI_ERR;
	} else if (hx.caps.reason[0]) {
		/* the backend works, but the last VM creation was refused */
		json_set(m, "last_refusal", json_str(hx.caps.reason));
	}
	hxen_close(&hx);
	return m;
}

int cli_info(int argc, char **argv)
{
	bool json = false;
	struct json *all = json_new(JSON_OBJ), *m;
	int rc = CLI_OK;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			return cli_usage_error(argv[0], "unexpected argument "
					       "'%s'", argv[i]);
	}
	json_set(all, "hxen", json_str(HXEN_CLI_VERSION));
	json_set(all, "libhxen", json_str(hxen_lib_version()));
	json_set(all, "abi", json_int(HXEN_ABI_VERSION));
	json_set(all, "control_protocol", json_int(1));
	json_set(all, "runtime_dir", json_str(cli_runtime_dir()));
	m = json_set(all, "module", module_info(&rc));
	if (json) {
		char *s = json_to_string(all, true);

		puts(s);
		free(s);
	} else {
		printf("hxen:             %s (libhxen %s, control "
		       "protocol 1)\n", HXEN_CLI_VERSION, hxen_lib_version());
		printf("runtime dir:      %s\n", cli_runtime_dir());
		if (!json_get_bool(m, "loaded", false)) {
			printf("module:           not usable: %s\n",
			       json_get_str(m, "error"));
		} else {
			int64_t abi = 0, lv = 0, vc = 0;

			json_get_int(m, "abi", &abi);
			json_get_int(m, "paging_levels", &lv);
			json_get_int(m, "max_vcpus", &vc);
			printf("module:           %s (ABI %lld)\n",
			       json_get_str(m, "version"), (long long)abi);
			printf("backend:          %s (%s CPU), %lld-level nested "
			       "paging, max %lld vCPUs/VM\n",
			       json_get_str(m, "backend"),
			       json_get_str(m, "vendor"), (long long)lv,
			       (long long)vc);
			printf("capabilities:    ");
			json_for_each(f, json_get(m, "features"))
				printf(" %s", f->s);
			printf("\n");
			if (json_get_str(m, "error"))
				printf("not usable:       %s\n",
				       json_get_str(m, "error"));
			if (json_get_str(m, "last_refusal"))
				printf("last refusal:     %s\n",
				       json_get_str(m, "last_refusal"));
		}
	}
	json_free(all);
	return rc;
}
