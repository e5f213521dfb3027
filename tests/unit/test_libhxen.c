// SPDX-License-Identifier: GPL-2.0
/*
 * libhxen argument checks.  No /dev/hxen is needed: ioctl() is interposed
 * below for a few "fake device" fds (opened on /dev/null), so the tests
 * see whether a call reached the ioctl and with what; every other fd goes
 * to the real system call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "unit.h"
#include "hxen/libhxen.h"

#define MAX_FAKE	8

static int fake_fds[MAX_FAKE];
static unsigned int nr_fake;
static unsigned int fake_calls;
static unsigned long fake_last_req;
static unsigned char fake_last_arg[256];
static struct hxen_version fake_version;
static struct hxen_caps fake_caps;

static bool is_fake(int fd)
{
	for (unsigned int i = 0; i < nr_fake; i++)
		if (fake_fds[i] == fd)
			return true;
	return false;
}

static int new_fake(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd >= 0 && nr_fake < MAX_FAKE)
		fake_fds[nr_fake++] = fd;
	return fd;
}

static void drop_fakes(void)
{
	for (unsigned int i = 0; i < nr_fake; i++)
		close(fake_fds[i]);
	nr_fake = 0;
	fake_calls = 0;
}

/* Interposes glibc's ioctl() for the whole unit-test binary. */
int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!is_fake(fd))
		return syscall(SYS_ioctl, fd, req, arg);
	fake_calls++;
	fake_last_req = req;
	if (arg && _IOC_SIZE(req) <= sizeof(fake_last_arg))
		memcpy(fake_last_arg, arg, _IOC_SIZE(req));
	switch (req) {
	case HXEN_GET_VERSION:
		memcpy(arg, &fake_version, sizeof(fake_version));
		return 0;
	case HXEN_GET_CAPS:
		memcpy(arg, &fake_caps, sizeof(fake_caps));
		return 0;
	case HXEN_CREATE_VM:
	case HXEN_CREATE_VCPU:
		return new_fake();
	default:
		return 0;
	}
}

/* A device path whose open() lands on a fake fd: /proc/self/fd/N. */
static char fake_path[64];

static const char *fake_device(uint32_t abi)
{
	int fd = new_fake();

	memset(&fake_version, 0, sizeof(fake_version));
	fake_version.abi_version = abi;
	strcpy(fake_version.module_version, "9.9.9");
	memset(&fake_caps, 0, sizeof(fake_caps));
	fake_caps.backend = HXEN_BACKEND_SVM;
	fake_caps.max_gpa = 1ULL << 40;
	fake_caps.max_slots = 32;
	fake_caps.max_vcpus = 8;
	snprintf(fake_path, sizeof(fake_path), "/proc/self/fd/%d", fd);
	return fake_path;
}

/* The fd hxen_open() got is a new one: register it as fake too. */
static int open_fake(struct hxen *hx, uint32_t abi)
{
	const char *path = fake_device(abi);
	int r;

	/* the next fd open() returns is the lowest free one */
	int probe = open("/dev/null", O_RDONLY);

	close(probe);
	fake_fds[nr_fake++] = probe;
	r = hxen_open(hx, path);
	CU_ASSERT(r < 0 || hx->fd == probe);
	return r;
}

static void test_version_string(void)
{
	CU_ASSERT_PTR_NOT_NULL(strstr(hxen_lib_version(), "(ABI 1)"));
	CU_ASSERT_STRING_EQUAL(hxen_exit_name(HXEN_EXIT_IO), "io");
	CU_ASSERT_STRING_EQUAL(hxen_exit_name(HXEN_EXIT_MAX), "?");
}

static void test_open_errors(void)
{
	struct hxen hx;

	CU_ASSERT_EQUAL(hxen_open(&hx, "/nonexistent/hxen"), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(hxen_last_error(),
				      "not found: load the module"));
	CU_ASSERT_EQUAL(hx.fd, -1);
	CU_ASSERT_EQUAL(hxen_open(&hx, "/dev/null"), -ENOTTY);
	CU_ASSERT_PTR_NOT_NULL(strstr(hxen_last_error(), "not an hxen device"));
	CU_ASSERT_EQUAL(hxen_open(NULL, NULL), -EINVAL);
}

static void test_abi_mismatch(void)
{
	struct hxen hx;

	CU_ASSERT_EQUAL(open_fake(&hx, HXEN_ABI_VERSION + 98), -EPROTO);
	CU_ASSERT_PTR_NOT_NULL(strstr(hxen_last_error(), "ABI mismatch"));
	CU_ASSERT_PTR_NOT_NULL(strstr(hxen_last_error(), "ABI 99"));
	CU_ASSERT_EQUAL(hx.fd, -1);
	drop_fakes();
}

static void test_open_and_no_backend(void)
{
	struct hxen hx;
	struct hxen_vm vm;

	CU_ASSERT_EQUAL_FATAL(open_fake(&hx, HXEN_ABI_VERSION), 0);
	CU_ASSERT_STRING_EQUAL(hx.version.module_version, "9.9.9");
	CU_ASSERT_EQUAL(hx.caps.max_slots, 32);
	hx.caps.backend = HXEN_BACKEND_NONE;
	strcpy(hx.caps.reason, "SVM disabled by firmware");
	CU_ASSERT_EQUAL(hxen_vm_create(&hx, &vm), -ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(hxen_last_error(), "disabled by firmware"));
	hx.caps.backend = HXEN_BACKEND_SVM;
	CU_ASSERT_EQUAL(hxen_vm_create(&hx, &vm), 0);
	CU_ASSERT_TRUE(is_fake(vm.fd));
	hxen_vm_destroy(&vm);
	hxen_close(&hx);
	drop_fakes();
}

/* Set up a fake VM whose caps bound the checks. */
static void fake_vm(struct hxen *hx, struct hxen_vm *vm)
{
	memset(hx, 0, sizeof(*hx));
	hx->fd = new_fake();
	hx->caps.max_gpa = 1ULL << 36;
	hx->caps.max_slots = 4;
	hx->caps.max_vcpus = 2;
	vm->hx = hx;
	vm->fd = new_fake();
	fake_calls = 0;
}

static void test_slot_checks(void)
{
	static char buf[3 * 4096] __attribute__((aligned(4096)));
	struct hxen_memory_slot *seen = (void *)fake_last_arg;
	struct hxen hx;
	struct hxen_vm vm;

	fake_vm(&hx, &vm);
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 0, 0, 0x1001, 4096, buf), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 0, 0, 0, 4095, buf), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 0, 0, 0, 4096, buf + 1), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 0, 0, 0, 4096, NULL), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 0, 0, 0, 0, buf), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 0, 0x80, 0, 4096, buf), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 4, 0, 0, 4096, buf), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 0, 0, -4096ULL, 8192, buf),
			-EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 0, 0, (1ULL << 36) - 4096, 8192,
					 buf), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_set_slot(&vm, NULL), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_set_slot(NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_remove_slot(&vm, 9), -EINVAL);
	CU_ASSERT_EQUAL(fake_calls, 0);

	/* good calls reach the module unchanged */
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 3, HXEN_MEM_READONLY, 0x100000,
					 8192, buf), 0);
	CU_ASSERT_EQUAL(fake_calls, 1);
	CU_ASSERT_EQUAL(fake_last_req, HXEN_SET_MEMORY_SLOT);
	CU_ASSERT_EQUAL(seen->slot, 3);
	CU_ASSERT_EQUAL(seen->flags, HXEN_MEM_READONLY);
	CU_ASSERT_EQUAL(seen->gpa, 0x100000);
	CU_ASSERT_EQUAL(seen->size, 8192);
	CU_ASSERT_EQUAL(seen->uaddr, (uintptr_t)buf);
	CU_ASSERT_EQUAL(hxen_vm_remove_slot(&vm, 3), 0);
	CU_ASSERT_EQUAL(seen->size, 0);
	CU_ASSERT_EQUAL(fake_calls, 2);

	/* without caps (no module) the structural checks still apply */
	vm.hx = NULL;
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 0, 0, 0x800, 4096, buf), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_add_slot(&vm, 100, 0, 0, 4096, buf), 0);
	drop_fakes();
}

static void test_dirty_log_checks(void)
{
	static uint64_t bitmap[4];
	struct hxen hx;
	struct hxen_vm vm;

	fake_vm(&hx, &vm);
	CU_ASSERT_EQUAL(hxen_vm_get_dirty_log(&vm, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_get_dirty_log(&vm, 0,
		(uint64_t *)((char *)bitmap + 4)), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vm_get_dirty_log(&vm, 4, bitmap), -EINVAL);
	CU_ASSERT_EQUAL(fake_calls, 0);
	CU_ASSERT_EQUAL(hxen_vm_get_dirty_log(&vm, 1, bitmap), 0);
	CU_ASSERT_EQUAL(fake_last_req, HXEN_GET_DIRTY_LOG);
	drop_fakes();
}

static void test_xen_checks(void)
{
	static char gnt[4096] __attribute__((aligned(4096)));
	struct hxen_xen_config c = { .domid = 1, .max_grant_frames = 1,
				     .gnttab_uaddr = (uintptr_t)gnt };
	struct hxen_evtchn_bind b = { .port = 3, .notify_fd = -1,
				      .kick_fd = -1 };
	struct hxen hx;
	struct hxen_vm vm;
	uint64_t v;

	fake_vm(&hx, &vm);
	c.flags = 1;
	CU_ASSERT_EQUAL(hxen_xen_config(&vm, &c), -EINVAL);
	c.flags = 0;
	c.reserved[2] = 1;
	CU_ASSERT_EQUAL(hxen_xen_config(&vm, &c), -EINVAL);
	c.reserved[2] = 0;
	c.max_grant_frames = 65;
	CU_ASSERT_EQUAL(hxen_xen_config(&vm, &c), -EINVAL);
	c.max_grant_frames = 1;
	c.gnttab_uaddr = (uintptr_t)gnt + 8;
	CU_ASSERT_EQUAL(hxen_xen_config(&vm, &c), -EINVAL);
	c.gnttab_uaddr = 0;
	CU_ASSERT_EQUAL(hxen_xen_config(&vm, &c), -EINVAL);
	CU_ASSERT_EQUAL(hxen_xen_config(&vm, NULL), -EINVAL);
	CU_ASSERT_EQUAL(hxen_xen_get_param(&vm, 1, NULL), -EINVAL);

	b.flags = 2;
	CU_ASSERT_EQUAL(hxen_evtchn_bind(&vm, &b), -EINVAL);
	b.flags = 0;
	b.notify_fd = -2;
	CU_ASSERT_EQUAL(hxen_evtchn_bind(&vm, &b), -EINVAL);
	b.notify_fd = -1;
	b.port = 0;
	CU_ASSERT_EQUAL(hxen_evtchn_bind(&vm, &b), -EINVAL);
	CU_ASSERT_EQUAL(hxen_evtchn_unbind(&vm, 0), -EINVAL);
	CU_ASSERT_EQUAL(fake_calls, 0);

	c.gnttab_uaddr = (uintptr_t)gnt;
	CU_ASSERT_EQUAL(hxen_xen_config(&vm, &c), 0);
	CU_ASSERT_EQUAL(fake_last_req, HXEN_XEN_CONFIG);
	b.flags = HXEN_EVTCHN_ALLOC;	/* port 0 is fine: the module picks */
	CU_ASSERT_EQUAL(hxen_evtchn_bind(&vm, &b), 0);
	CU_ASSERT_EQUAL(fake_last_req, HXEN_EVTCHN_BIND);
	CU_ASSERT_EQUAL(hxen_xen_get_param(&vm, 1, &v), 0);
	CU_ASSERT_EQUAL(hxen_evtchn_unbind(&vm, 5), 0);
	CU_ASSERT_EQUAL(fake_calls, 4);
	drop_fakes();
}

static void test_vcpu_create_checks(void)
{
	struct hxen hx;
	struct hxen_vm vm;
	struct hxen_vcpu vcpu;

	fake_vm(&hx, &vm);
	CU_ASSERT_EQUAL(hxen_vcpu_create(&vm, 2, &vcpu), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vcpu_create(&vm, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(fake_calls, 0);
	/* /dev/null cannot be mapped: the run-page failure is reported and
	 * the vCPU fd closed */
	CU_ASSERT(hxen_vcpu_create(&vm, 1, &vcpu) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(hxen_last_error(), "run page"));
	CU_ASSERT_EQUAL(vcpu.fd, -1);
	CU_ASSERT_PTR_NULL(vcpu.run);
	CU_ASSERT_EQUAL(hxen_vcpu_run(&vcpu), -EINVAL);
	drop_fakes();
}

static void test_vcpu_checks(void)
{
	static struct hxen_fpu fpu;
	struct hxen_msr_entry msrs[2] = { { .index = 0x10 } };
	struct hxen_vcpu vcpu = { .id = 0 };
	struct hxen_sregs sregs = { 0 };
	struct hxen_regs regs = { 0 };
	struct hxen_fpu *bad_fpu = (void *)((char *)&fpu + 8);

	vcpu.fd = new_fake();
	fake_calls = 0;

	CU_ASSERT_EQUAL(hxen_vcpu_interrupt(&vcpu, 0), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vcpu_interrupt(&vcpu, 31), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vcpu_interrupt(&vcpu, 256), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vcpu_interrupt(NULL, 40), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vcpu_get_msrs(&vcpu, msrs, HXEN_MAX_MSRS + 1),
			-EINVAL);
	CU_ASSERT_EQUAL(hxen_vcpu_set_msrs(&vcpu, NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vcpu_get_msrs(&vcpu, NULL, 0), 0);	/* no-op */
	CU_ASSERT_EQUAL(hxen_vcpu_get_regs(&vcpu, NULL), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vcpu_set_regs(NULL, &regs), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vcpu_get_sregs(&vcpu, NULL), -EINVAL);
	sregs.cs.type = 16;
	CU_ASSERT_EQUAL(hxen_vcpu_set_sregs(&vcpu, &sregs), -EINVAL);
	sregs.cs.type = 0xb;
	sregs.tr.dpl = 4;
	CU_ASSERT_EQUAL(hxen_vcpu_set_sregs(&vcpu, &sregs), -EINVAL);
	sregs.tr.dpl = 0;
	CU_ASSERT_EQUAL(hxen_vcpu_get_fpu(&vcpu, bad_fpu), -EINVAL);
	fpu.size = 100;
	CU_ASSERT_EQUAL(hxen_vcpu_set_fpu(&vcpu, &fpu), -EINVAL);
	fpu.size = sizeof(fpu.region) + 1;
	CU_ASSERT_EQUAL(hxen_vcpu_set_fpu(&vcpu, &fpu), -EINVAL);
	CU_ASSERT_EQUAL(hxen_vcpu_kick(NULL), -EINVAL);
	CU_ASSERT_EQUAL(fake_calls, 0);

	CU_ASSERT_EQUAL(hxen_vcpu_interrupt(&vcpu, 32), 0);
	CU_ASSERT_EQUAL(fake_last_req, HXEN_INTERRUPT);
	CU_ASSERT_EQUAL(((struct hxen_interrupt *)fake_last_arg)->vector, 32);
	CU_ASSERT_EQUAL(hxen_vcpu_interrupt(&vcpu, 255), 0);
	CU_ASSERT_EQUAL(hxen_vcpu_set_msrs(&vcpu, msrs, 2), 0);
	CU_ASSERT_EQUAL(((struct hxen_msrs *)fake_last_arg)->nmsrs, 2);
	CU_ASSERT_EQUAL(((struct hxen_msrs *)fake_last_arg)->entries_uaddr,
			(uintptr_t)msrs);
	CU_ASSERT_EQUAL(hxen_vcpu_set_sregs(&vcpu, &sregs), 0);
	fpu.size = 512;
	CU_ASSERT_EQUAL(hxen_vcpu_set_fpu(&vcpu, &fpu), 0);
	CU_ASSERT_EQUAL(hxen_vcpu_kick(&vcpu), 0);
	CU_ASSERT_EQUAL(fake_last_req, HXEN_KICK);
	CU_ASSERT_EQUAL(fake_calls, 6);
	drop_fakes();
}

static const CU_TestInfo libhxen_tests[] = {
	{ "version string", test_version_string },
	{ "open errors", test_open_errors },
	{ "ABI mismatch", test_abi_mismatch },
	{ "open and no backend", test_open_and_no_backend },
	{ "slot checks", test_slot_checks },
	{ "dirty log checks", test_dirty_log_checks },
	{ "xen checks", test_xen_checks },
	{ "vcpu create checks", test_vcpu_create_checks },
	{ "vcpu checks", test_vcpu_checks },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(libhxen, libhxen_tests);
