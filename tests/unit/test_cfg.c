// SPDX-License-Identifier: GPL-2.0
/*
 * tools/cfg_*.c: xl.cfg syntax, every error kind with its position,
 * command-line overrides, validation and the effective tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "tools/cfg.h"

static char kernel[64], disk[64];

static int cfg_init(void)
{
	int fd;

	strcpy(kernel, "/tmp/hxen-unit-kernel-XXXXXX");
	strcpy(disk, "/tmp/hxen-unit-disk-XXXXXX");
	fd = mkstemp(kernel);
	if (fd < 0)
		return -1;
	close(fd);
	fd = mkstemp(disk);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int cfg_cleanup(void)
{
	unlink(kernel);
	unlink(disk);
	return 0;
}

/* Parse @text as file "t.cfg", apply overrides, validate (with files). */
static struct json *load(const char *text, const char *const *kv,
			 char *err)
{
	struct cfg_src src = { .file = "t.cfg" };
	struct json *t = cfg_parse(&src, text, strlen(text), err, CFG_ERR_MAX);

	if (!t)
		return NULL;
	for (; kv && *kv; kv++) {
		if (cfg_override(t, *kv, err, CFG_ERR_MAX)) {
			json_free(t);
			return NULL;
		}
	}
	if (cfg_validate(&src, t, CFG_CHECK_FILES, err, CFG_ERR_MAX)) {
		json_free(t);
		return NULL;
	}
	return t;
}

static char *with_kernel(const char *fmt)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf), fmt, kernel, disk);
	return buf;
}

static void test_valid(void)
{
	char err[CFG_ERR_MAX];
	struct json *t = load(with_kernel(
		"# a full config\n"
		"name = \"vm-1\"   # trailing comment\n"
		"type = 'pvh'\n"
		"memory = 1G\n"
		"vcpus = 0x2; kernel = \"%s\"\n"
		"root = \"/dev/xvda1\"\n"
		"extra = 'console=hvc0 quiet'\n"
		"disk = [ '%s,raw,xvda,w',\n"
		"         # a comment inside a list\n"
		"         'vdev=xvdb, devtype=cdrom, target=' ,\n"
		"]\n"
		"vif = [ \"mac=00:16:3e:00:00:01, bridge=br0\" ]\n"
		"vfb = [ 'vnc=1, vnclisten=127.0.0.1' ]\n"
		"serial = 'none'\n"
		"on_crash = \"destroy\"\n"
		"timeout = 60\n"
		"console_log = \"/tmp/x.log\"\n"), NULL, err);
	struct json *d;
	int64_t n;

	if (!t)
		fprintf(stderr, "\n  %s", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(json_get_str(t, "name"), "vm-1");
	CU_ASSERT_TRUE(json_get_int(t, "memory", &n));
	CU_ASSERT_EQUAL(n, 1024);
	CU_ASSERT_TRUE(json_get_int(t, "vcpus", &n));
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_STRING_EQUAL(json_get_str(t, "cmdline"),
			       "root=/dev/xvda1 console=hvc0 quiet");
	CU_ASSERT_PTR_NULL(json_get(t, "root"));
	CU_ASSERT_PTR_NULL(json_get(t, "extra"));
	d = json_get(t, "disk");
	CU_ASSERT_EQUAL_FATAL(json_len(d), 2);
	CU_ASSERT_STRING_EQUAL(json_get_str(d->kids.head, "vdev"), "xvda");
	CU_ASSERT_STRING_EQUAL(json_get_str(d->kids.head, "access"), "rw");
	CU_ASSERT_STRING_EQUAL(json_get_str(d->kids.head, "format"), "raw");
	CU_ASSERT_STRING_EQUAL(json_get_str(d->kids.tail, "devtype"), "cdrom");
	CU_ASSERT_STRING_EQUAL(json_get_str(d->kids.tail, "access"), "ro");
	CU_ASSERT_STRING_EQUAL(json_get_str(json_get(t, "vif")->kids.head,
					    "bridge"), "br0");
	CU_ASSERT_TRUE(json_get_int(json_get(t, "vfb")->kids.head, "vnc", &n));
	CU_ASSERT_EQUAL(n, 1);
	/* defaults filled in */
	CU_ASSERT_STRING_EQUAL(json_get_str(t, "on_reboot"), "restart");
	CU_ASSERT_TRUE(json_get_int(t, "shutdown_grace", &n));
	CU_ASSERT_EQUAL(n, 10);
	json_free(t);
}

/* The effective tree validates to itself (what -n prints can be fed back). */
static void test_idempotent(void)
{
	char err[CFG_ERR_MAX];
	struct cfg_src src = { .file = "t.cfg" };
	struct json *t = load(with_kernel(
		"name='a'\nkernel='%s'\ndisk=['%s,raw,xvda']\nextra='x'\n"
		"memory='64M'\n"), NULL, err);
	char *a, *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	a = json_to_string(t, false);
	CU_ASSERT_EQUAL(cfg_validate(&src, t, CFG_CHECK_FILES, err,
				     sizeof(err)), 0);
	b = json_to_string(t, false);
	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	json_free(t);
}

struct err_case {
	const char *text;	/* %s: the kernel path */
	const char *kv;		/* one override or NULL */
	const char *msg;
};

static const struct err_case err_cases[] = {
	/* syntax */
	{ "name='a'\nkernel='%s'\nmemroy = 64\n", NULL,
	  "t.cfg:3:1: unknown key 'memroy' (did you mean 'memory'?)" },
	{ "name='a'\n  kernal='%s'\n", NULL,
	  "t.cfg:2:3: unknown key 'kernal' (did you mean 'kernel'?)" },
	{ "name='a'\nfrobnicate = 1\n", NULL,
	  "t.cfg:2:1: unknown key 'frobnicate' (see hxen.cfg(5) for the keys "
	  "hxen knows)" },
	{ "name='a'\nname='b'\n", NULL,
	  "t.cfg:2:1: key 'name' set twice (first at line 1, column 6)" },
	{ "name 'a'\n", NULL, "t.cfg:1:6: expected '=' after key 'name'" },
	{ "name =\n", NULL, "t.cfg:1:7: expected a value (a \"string\", a "
	  "number or a [list])" },
	{ "name = a\n", NULL, "t.cfg:1:8: expected a value (a \"string\", a "
	  "number or a [list]); strings need quotes" },
	{ "name = \"a\n", NULL,
	  "t.cfg:1:8: unterminated string (missing closing \")" },
	{ "name = 'a\\qb'\n", NULL, "t.cfg:1:10: unknown escape '\\q' in "
	  "string (use \\\\ for a backslash)" },
	{ "memory = 12x\n", NULL, "t.cfg:1:10: bad number (strings need "
	  "quotes; sizes take one suffix K, M, G or T)" },
	{ "name = 'a' 'b'\n", NULL, "t.cfg:1:12: expected end of line after "
	  "the value (one key = value per line, or ';')" },
	{ "disk = [ 'a',\n 'b'\n", NULL,
	  "t.cfg:1:8: unterminated list (missing ']')" },
	{ "disk = [ 'a' 'b' ]\n", NULL,
	  "t.cfg:1:14: expected ',' or ']' in list" },
	{ "= 3\n", NULL, "t.cfg:1:1: expected a key name, found '='" },
	/* values */
	{ "name='a'\nkernel='%s'\nvcpus = 0\n", NULL,
	  "t.cfg:3:9: vcpus: 0 is out of range (1..128)" },
	{ "name='a'\nkernel='%s'\nvcpus = '2'\n", NULL,
	  "t.cfg:3:9: vcpus: expected an integer, found a string" },
	{ "name='a'\nkernel='%s'\nmemory = 'lots'\n", NULL,
	  "t.cfg:3:10: memory: 'lots' is not a size (MiB, or a whole number "
	  "of MiB with K/M/G/T)" },
	{ "name='a'\nkernel='%s'\nmemory = 1000G\n", NULL, NULL /* > host */ },
	{ "name='a'\nkernel=7\n", NULL,
	  "t.cfg:2:8: kernel: expected a string, found an integer (strings "
	  "need quotes)" },
	{ "name='a'\nkernel='/nonexistent/vmlinuz'\n", NULL,
	  "t.cfg:2:8: kernel: '/nonexistent/vmlinuz': No such file or "
	  "directory" },
	{ "name='a b'\nkernel='%s'\n", NULL, "t.cfg:1:6: name: 'a b': only "
	  "letters, digits, '_', '-' and '.' are allowed" },
	{ "kernel='%s'\n", NULL, "t.cfg: name: required key is missing (add "
	  "name = ... to the config or name=... to the command line)" },
	{ "name='a'\nkernel='%s'\ntype='hvm'\n", NULL,
	  "t.cfg:3:6: type: 'hvm' is not supported by hxen yet (supported: "
	  "pvh)" },
	{ "name='a'\nkernel='%s'\non_reboot='explode'\n", NULL,
	  "t.cfg:3:11: on_reboot: 'explode' is not one of: destroy, restart, "
	  "rename-restart, preserve, coredump-destroy, coredump-restart, "
	  "soft-reset" },
	{ "name='a'\nkernel='%s'\non_crash='preserve'\n", NULL,
	  "t.cfg:3:10: on_crash: 'preserve' is not supported by hxen yet "
	  "(supported: destroy)" },
	{ "name='a'\nkernel='%s'\ncmdline='x'\nroot='y'\n", NULL,
	  "t.cfg:3:9: cmdline: cannot be combined with root/extra: put "
	  "everything in cmdline" },
	{ "name='a'\nkernel='%s'\nserial='tcp:1'\n", NULL,
	  "t.cfg:3:8: serial: 'tcp:1': expected \"pty\", \"none\" or "
	  "\"file:PATH\"" },
	{ "name='a'\nkernel='%s'\ndisk=['/x,vhd,xvda']\n", NULL,
	  "t.cfg:3:7: disk: disk format 'vhd' is not supported by hxen yet "
	  "(supported: raw, qcow2)" },
	{ "name='a'\nkernel='%s'\ndisk=['/nonexistent.img,raw,xvda']\n", NULL,
	  "t.cfg:3:7: disk: disk image '/nonexistent.img': No such file or "
	  "directory" },
	{ "name='a'\nkernel='%s'\ndisk=['format=raw, size=3']\n", NULL,
	  "t.cfg:3:7: disk: unknown setting 'size' in 'format=raw, size=3' "
	  "(known: target, format, vdev, access, devtype)" },
	{ "name='a'\nkernel='%s'\ndisk=['/x,raw,fd0']\n", NULL,
	  "t.cfg:3:7: disk: '/x,raw,fd0': needs a vdev like xvda, hda or sda" },
	{ "name='a'\nkernel='%s'\nvif=['mac=01:02:03:04:05:06']\n", NULL,
	  "t.cfg:3:6: vif: mac '01:02:03:04:05:06': expected a unicast address "
	  "like 00:16:3e:12:34:56" },
	{ "name='a'\nkernel='%s'\nvif=['type=user, hostfwd=tcp::22']\n", NULL,
	  "t.cfg:3:6: vif: hostfwd 'tcp::22': expected [tcp|udp]:[HOSTADDR]:"
	  "PORT-[GUESTADDR]:PORT, e.g. tcp:127.0.0.1:2222-:22" },
	{ "name='a'\nkernel='%s'\nvif=['hostfwd=tcp::1-:2;udp:x']\n", NULL,
	  "t.cfg:3:6: vif: hostfwd 'udp:x': expected [tcp|udp]:[HOSTADDR]:"
	  "PORT-[GUESTADDR]:PORT, e.g. tcp:127.0.0.1:2222-:22" },
	{ "name='a'\nkernel='%s'\nvif=['bridge=br0, restrict=on']\n", NULL,
	  "t.cfg:3:6: vif: hostfwd, restrict and net are for type=user" },
	{ "name='a'\nkernel='%s'\nvif=['type=slirp']\n", NULL,
	  "t.cfg:3:6: vif: type 'slirp': expected user (user-mode networking) "
	  "or tap (xl's vif, ioemu)" },
	{ "name='a'\nkernel='%s'\nvif=['type=user, restrict=maybe']\n", NULL,
	  "t.cfg:3:6: vif: restrict 'maybe': expected on or off" },
	{ "name='a'\nkernel='%s'\nvfb=['sdl=yes']\n", NULL,
	  "t.cfg:3:6: vfb: sdl=yes: expected 0 or 1" },
	{ "name='a'\nkernel='%s'\nvfb=['colour=1']\n", NULL,
	  "t.cfg:3:6: vfb: unknown setting 'colour' in 'colour=1' (known: "
	  "vnc, vnclisten, vncdisplay, vncunused, vncpasswd, sdl, display, "
	  "xauthority, keymap, width, height, videoram)" },
	{ "name='a'\nkernel='%s'\ncpuid = 'host,avx3=0'\n", NULL,
	  "t.cfg:3:9: cpuid: 'avx3': unknown CPUID flag (the flags are listed "
	  "in hxen.cfg(5), CPUID FLAGS)" },
	{ "name='a'\nkernel='%s'\ncpuid = ['1:ecx=xxxx']\n", NULL,
	  "t.cfg:3:10: cpuid: 'ecx=xxxx' of leaf 0x1: hxen levels 1 ecx/edx, "
	  "7,0 ebx/ecx/edx, 0x80000001 ecx/edx and 0xd,1 eax, each as REG= and "
	  "32 of 0 1 x k s" },
	{ "name='a'\nkernel='%s'\ncpuid = 3\n", NULL,
	  "t.cfg:3:9: cpuid: expected a string (\"host,avx2=0\") or a list of "
	  "xl leaf strings ([\"1:ecx=...\"])" },
	/* overrides */
	{ "name='a'\nkernel='%s'\n", "memory=lots",
	  "command line: memory: 'lots' is not a size (MiB, or a whole number "
	  "of MiB with K/M/G/T)" },
	{ "name='a'\nkernel='%s'\n", "memroy=64",
	  "override 'memroy=64': unknown key 'memroy' (did you mean "
	  "'memory'?)" },
	{ "name='a'\nkernel='%s'\n", "=64",
	  "override '=64': expected key=value" },
	{ "name='a'\nkernel='%s'\n", "mem-ory=64",
	  "override 'mem-ory=64': bad key name" },
};

static void test_errors(void)
{
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];
		const char *kv[2] = { c->kv, NULL };
		char err[CFG_ERR_MAX];
		struct json *t = load(with_kernel(c->text), kv, err);

		CU_ASSERT_PTR_NULL(t);
		json_free(t);
		if (!c->msg) {
			CU_ASSERT_PTR_NOT_NULL(strstr(err, "host's RAM"));
			continue;
		}
		if (strcmp(err, c->msg))
			fprintf(stderr, "\n  cfg case %zu:\n    got  %s\n    want %s",
				i, err, c->msg);
		CU_ASSERT_STRING_EQUAL(err, c->msg);
	}
}

static void test_overrides(void)
{
	static const char *const kv[] = {
		"memory=48", "name=other", "kernel=%K", "cmdline=a b=c",
		"vif=['mac=00:16:3e:00:00:02']", "timeout=5", NULL
	};
	const char *args[8];
	char err[CFG_ERR_MAX], kbuf[128];
	struct json *t;
	int64_t n;

	snprintf(kbuf, sizeof(kbuf), "kernel=%s", kernel);
	for (int i = 0; kv[i]; i++)
		args[i] = strcmp(kv[i], "kernel=%K") ? kv[i] : kbuf;
	args[6] = NULL;
	t = load("name='a'\nmemory=16\nkernel='/nonexistent'\n", args, err);
	if (!t)
		fprintf(stderr, "\n  %s", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_TRUE(json_get_int(t, "memory", &n));
	CU_ASSERT_EQUAL(n, 48);
	CU_ASSERT_STRING_EQUAL(json_get_str(t, "name"), "other");
	CU_ASSERT_STRING_EQUAL(json_get_str(t, "cmdline"), "a b=c");
	CU_ASSERT_EQUAL(json_len(json_get(t, "vif")), 1);
	CU_ASSERT_TRUE(json_get_int(t, "timeout", &n));
	CU_ASSERT_EQUAL(n, 5);
	json_free(t);
}

static void test_sizes(void)
{
	static const struct {
		const char *s;
		long long mib;	/* -1: invalid */
	} cases[] = {
		{ "512", 512 }, { "512M", 512 }, { "512mb", 512 },
		{ "2G", 2048 }, { "1T", 1 << 20 }, { "2048K", 2 },
		{ "1000K", -1 }, { "", -1 }, { "12x", -1 }, { "-1", -1 },
		{ "5GG", -1 }, { "99999999999999999999", -1 },
		{ "9223372036854775807G", -1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long long m = -1;
		int r = cfg_parse_size_mib(cases[i].s, &m);

		if (cases[i].mib < 0) {
			CU_ASSERT_NOT_EQUAL(r, 0);
		} else {
			CU_ASSERT_EQUAL(r, 0);
			CU_ASSERT_EQUAL(m, cases[i].mib);
		}
	}
}

static void test_suggest(void)
{
	CU_ASSERT_STRING_EQUAL(cfg_key_suggest("memroy"), "memory");
	CU_ASSERT_STRING_EQUAL(cfg_key_suggest("vcpu"), "vcpus");
	CU_ASSERT_STRING_EQUAL(cfg_key_suggest("Memory"), "memory");
	CU_ASSERT_STRING_EQUAL(cfg_key_suggest("on_crahs"), "on_crash");
	CU_ASSERT_PTR_NULL(cfg_key_suggest("xyz"));
	CU_ASSERT_PTR_NULL(cfg_key_suggest("builder"));
}

/* hxen.cfg(5) and docs/cli.md document every key of the table. */
static void test_docs_cover_keys(void)
{
	static const char *const docs[] = { "docs/man/hxen.cfg.5",
					    "docs/cli.md" };

	for (size_t d = 0; d < 2; d++) {
		FILE *f = fopen(docs[d], "r");
		static char text[200000];
		size_t n;

		if (!f) {
			fprintf(stderr, "\n  cannot open %s (run from the top of "
				"the tree)", docs[d]);
			CU_FAIL("docs missing");
			continue;
		}
		n = fread(text, 1, sizeof(text) - 1, f);
		text[n] = 0;
		fclose(f);
		for (const struct cfg_key *k = cfg_keys; k->name; k++) {
			char pat[80];

			/* man: a ".B key" line; markdown: `key` */
			if (d == 0)
				snprintf(pat, sizeof(pat), "\n.B %s\n", k->name);
			else
				snprintf(pat, sizeof(pat), "`%s`", k->name);
			if (!strstr(text, pat)) {
				fprintf(stderr, "\n  %s does not document key "
					"'%s'", docs[d], k->name);
				CU_FAIL("undocumented key");
			}
		}
	}
}

static const CU_TestInfo cfg_tests[] = {
	{ "valid config, effective tree", test_valid },
	{ "validation is idempotent", test_idempotent },
	{ "every error kind with its position", test_errors },
	{ "command-line overrides", test_overrides },
	{ "size suffixes", test_sizes },
	{ "key suggestions", test_suggest },
	{ "docs cover every key", test_docs_cover_keys },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(cfg, cfg_tests, .init = cfg_init, .cleanup = cfg_cleanup);
