// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-kvmhold: a minimal KVM guest for the coexistence scenario
 * (tests/e2e/scenarios/54-kvm-coexist.sh).  It creates a KVM VM with one
 * vCPU in real mode running "hlt; jmp .-1", prints "kvmhold: running"
 * after its first exit, and keeps running it until SIGTERM/SIGINT (or
 * for SECONDS, if given).  While it runs, KVM holds SVM/VMX on every CPU,
 * which is exactly the situation in which hxen must refuse and say why.
 *
 * Exit status: 0 after a clean stop, 3 when KVM refused the VM (the other
 * direction of the scenario: hxen holds the hardware), 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define GUEST_CODE	0x1000UL
#define GUEST_SIZE	0x1000UL

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int die(int status, const char *what)
{
	fprintf(stderr, "kvmhold: %s: %s\n", what, strerror(errno));
	return status;
}

int main(int argc, char **argv)
{
	static const unsigned char code[] = { 0xf4, 0xeb, 0xfd }; /* hlt; jmp */
	struct kvm_userspace_memory_region mr = { 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	struct kvm_run *run;
	unsigned long exits = 0;
	time_t end = 0;
	int kvm, vm, vcpu, sz;
	void *mem;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: hxen-kvmhold [SECONDS]\n"
		       "Runs a tiny KVM guest until SIGTERM or SECONDS.\n");
		return 0;
	}
	if (argc > 1)
		end = time(NULL) + atoi(argv[1]);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return die(1, "/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return die(3, "KVM_CREATE_VM");
	mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return die(1, "mmap");
	memcpy(mem, code, sizeof(code));
	mr.guest_phys_addr = GUEST_CODE;
	mr.memory_size = GUEST_SIZE;
	mr.userspace_addr = (unsigned long)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr) < 0)
		return die(1, "KVM_SET_USER_MEMORY_REGION");
	/* KVM of 6.1 switches SVM/VMX on here or at the VM (either refuses) */
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return die(3, "KVM_CREATE_VCPU");
	sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz <= 0)
		return die(1, "KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return die(1, "mmap kvm_run");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return die(1, "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return die(1, "KVM_SET_SREGS");
	regs.rip = GUEST_CODE;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return die(1, "KVM_SET_REGS");

	while (!stop && (!end || time(NULL) < end)) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			return die(exits ? 1 : 3, "KVM_RUN");
		}
		if (run->exit_reason != KVM_EXIT_HLT) {
			fprintf(stderr, "kvmhold: unexpected exit %u\n",
				run->exit_reason);
			return 1;
		}
		if (!exits++) {
			printf("kvmhold: running\n");
			fflush(stdout);
		}
		usleep(20000);	/* a guest that idles, not one that spins */
	}
	printf("kvmhold: stopped after %lu exits\n", exits);
	return 0;
}
