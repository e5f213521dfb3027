// SPDX-License-Identifier: GPL-2.0
/*
 * hxen.ko entry point: /dev/hxen, capabilities, backend selection and
 * switching SVM/VMX on while at least one VM exists.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/smp.h>
#include <linux/cpu.h>
#include <asm/processor.h>
#include "hx_level.h"
#include "hx_vm.h"
#include "hx_hooks.h"

#define HX_MODULE_VERSION	"0.1.0"

/* The VMX backend may not be built in: a weak reference is NULL then. */
extern const struct hx_backend_ops vmx_backend_ops __weak;

const struct hx_backend_ops *hx_ops;
struct hxen_caps hx_caps;
static int hx_probe_err;		/* -errno why hx_ops is unusable, or 0 */

static DEFINE_MUTEX(hx_hw_lock);
static unsigned int hx_hw_users;

struct hx_enable_ctx {
	atomic_t failed;
	atomic_t err;
	atomic_t bad_cpu;
};

static void hx_cpu_enable_fn(void *arg)
{
	struct hx_enable_ctx *ctx = arg;
	int ret = hx_ops->cpu_enable();

	if (ret) {
		atomic_inc(&ctx->failed);
		atomic_set(&ctx->err, ret);
		atomic_set(&ctx->bad_cpu, smp_processor_id());
	}
}

static void hx_cpu_disable_fn(void *arg)
{
	hx_ops->cpu_disable();
}

static void hx_set_reason(int err, int cpu)
{
	const char *why;
	bool svm = hx_ops->backend == HXEN_BACKEND_SVM;

	switch (err) {
	case -EBUSY:
		why = svm ? "SVM is in use by another hypervisor (kvm_amd?): unload it "
			    "(rmmod kvm_amd) or stop its VMs"
			  : "VMX is in use by another hypervisor (kvm_intel?): unload it "
			    "(rmmod kvm_intel) or stop its VMs";
		break;
	case -EPERM:
		why = svm ? "SVM is disabled by the firmware (VM_CR.SVMDIS): enable "
			    "SVM/AMD-V in the BIOS setup"
			  : "VMX is disabled by the firmware (IA32_FEATURE_CONTROL): "
			    "enable VT-x in the BIOS setup";
		break;
	case -ENOMEM:
		why = "out of memory while switching virtualization on";
		break;
	default:
		why = "switching virtualization on failed";
		break;
	}
	snprintf(hx_caps.reason, sizeof(hx_caps.reason), "%s (cpu %d)", why, cpu);
	pr_err("hxen: %s\n", hx_caps.reason);
}

/*
 * First VM: turn SVM/VMX on on every CPU.  Fails with the cause in
 * hx_caps.reason (HXEN_GET_CAPS shows it) and the kernel log.
 */
int hx_hw_get(void)
{
	struct hx_enable_ctx ctx;
	int ret = 0;

	if (!hx_ops || hx_probe_err)
		return hx_probe_err ? hx_probe_err : -ENODEV;
	mutex_lock(&hx_hw_lock);
	if (hx_hw_users) {
		hx_hw_users++;
		goto out;
	}
	ret = hx_ops->hw_setup();
	if (ret) {
		hx_set_reason(ret, smp_processor_id());
		goto out;
	}
	atomic_set(&ctx.failed, 0);
	atomic_set(&ctx.err, 0);
	atomic_set(&ctx.bad_cpu, -1);
	cpus_read_lock();
	on_each_cpu(hx_cpu_enable_fn, &ctx, 1);
	if (atomic_read(&ctx.failed)) {
		/* Only CPUs we switched on are switched off again. */
		on_each_cpu(hx_cpu_disable_fn, NULL, 1);
		cpus_read_unlock();
		hx_ops->hw_teardown();
		ret = atomic_read(&ctx.err);
		hx_set_reason(ret, atomic_read(&ctx.bad_cpu));
		goto out;
	}
	cpus_read_unlock();
	hx_caps.reason[0] = 0;
	hx_hw_users = 1;
out:
	mutex_unlock(&hx_hw_lock);
	return ret;
}

void hx_hw_put(void)
{
	mutex_lock(&hx_hw_lock);
	if (!WARN_ON(!hx_hw_users) && --hx_hw_users == 0) {
		cpus_read_lock();
		on_each_cpu(hx_cpu_disable_fn, NULL, 1);
		cpus_read_unlock();
		hx_ops->hw_teardown();
	}
	mutex_unlock(&hx_hw_lock);
}

static long hx_dev_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case HXEN_GET_VERSION: {
		struct hxen_version v = { .abi_version = HXEN_ABI_VERSION };

		strscpy(v.module_version, HX_MODULE_VERSION, sizeof(v.module_version));
		return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
	}
	case HXEN_GET_CAPS: {
		struct hxen_caps c;

		mutex_lock(&hx_hw_lock);
		c = hx_caps;
		mutex_unlock(&hx_hw_lock);
		return copy_to_user(uarg, &c, sizeof(c)) ? -EFAULT : 0;
	}
	case HXEN_CREATE_VM: {
		struct hxen_create_vm cv;

		if (copy_from_user(&cv, uarg, sizeof(cv)))
			return -EFAULT;
		if (cv.flags || cv.reserved)
			return -EINVAL;
		return hx_vm_create_fd(cv.flags);
	}
	case HXEN_GET_SUPPORTED_CPUID:
		return hx_level_supported(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hx_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hx_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice hx_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hxen",
	.fops = &hx_dev_fops,
	.mode = 0660,
};

static void hx_select_backend(void)
{
	const struct hx_backend_ops *ops = NULL;
	const char *missing = NULL;

	hx_caps.max_vms = HX_MAX_VMS;
	hx_caps.max_vcpus = HX_MAX_VCPUS;
	hx_caps.max_slots = HX_MAX_SLOTS;
	hx_caps.backend = HXEN_BACKEND_NONE;

	switch (boot_cpu_data.x86_vendor) {
	case X86_VENDOR_AMD:
	case X86_VENDOR_HYGON:
		hx_caps.vendor = HXEN_VENDOR_AMD;
		ops = &svm_backend_ops;
		break;
	case X86_VENDOR_INTEL:
	case X86_VENDOR_CENTAUR:
	case X86_VENDOR_ZHAOXIN:
		hx_caps.vendor = HXEN_VENDOR_INTEL;
		ops = &vmx_backend_ops;		/* NULL if vmx.c is not built */
		if (!ops)
			missing = "Intel CPU, but this hxen.ko was built without the "
				  "VMX backend";
		break;
	default:
		hx_caps.vendor = HXEN_VENDOR_UNKNOWN;
		missing = "CPU vendor is neither AMD nor Intel: no backend";
		break;
	}
	if (!ops) {
		strscpy(hx_caps.reason, missing, sizeof(hx_caps.reason));
		hx_probe_err = -ENODEV;
		return;
	}
	hx_ops = ops;
	hx_probe_err = ops->probe(&hx_caps);
	if (hx_probe_err)
		return;
	hx_caps.backend = ops->backend;
	if (!hx_caps.paging_levels)
		hx_caps.paging_levels = ops->npt_levels;
	hx_caps.max_gpa = 1ULL << min_t(u32, boot_cpu_data.x86_phys_bits, 46);
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		hx_caps.features |= HXEN_CAP_XSAVE;
	hx_caps.features |= HXEN_CAP_DIRTY_LOG;
	if (hx_xen_present())
		hx_caps.features |= HXEN_CAP_XEN;
}

static int __init hx_init(void)
{
	int ret;

	hx_select_backend();
	if (hx_caps.backend == HXEN_BACKEND_NONE)
		pr_warn("hxen: no usable backend: %s\n", hx_caps.reason);
	else
		pr_info("hxen: %s backend, %u ASIDs/VPIDs, %u-level nested paging\n",
			hx_ops->name, hx_caps.nr_asids, hx_caps.paging_levels);
	hx_debugfs_init();
	/* Load even without a backend so user space can read caps.reason. */
	ret = misc_register(&hx_misc);
	if (ret) {
		pr_err("hxen: cannot register /dev/hxen: %d\n", ret);
		hx_debugfs_exit();
	}
	return ret;
}

static void __exit hx_exit(void)
{
	misc_deregister(&hx_misc);
	hx_debugfs_exit();
	WARN_ON(hx_hw_users);
}

module_init(hx_init);
module_exit(hx_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hxen hosted Xen-compatible VMM");
MODULE_VERSION(HX_MODULE_VERSION);
