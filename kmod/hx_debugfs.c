// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/hxen/vm<serial>-<pid>: one read-only file per VM with
 * the state that decides whether a vCPU runs, sleeps or gets an event --
 * what a hung guest needs looked at (docs/kmod.md, "Debugging").  Values
 * are read without stopping the VM, so a line may mix two moments.
 */
#include <linux/debugfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include "hx_vm.h"
#include "hx_hooks.h"

static struct dentry *hx_debugfs_root;

/* The exit profile of @v (struct hx_vcpu.stat): only what is non-zero. */
static void stat_show(struct seq_file *m, struct hx_vcpu *v)
{
	unsigned int i;

	seq_printf(m, "vcpu %u exits by kind:", v->id);
	for (i = 0; i < ARRAY_SIZE(v->stat.kind); i++)
		if (v->stat.kind[i])
			seq_printf(m, " %u=%u", i, v->stat.kind[i]);
	seq_puts(m, "; re-entered, by code:");
	for (i = 0; i < HX_STAT_CODES; i++)
		if (v->stat.code[i])
			seq_printf(m, " %#x=%u", i, v->stat.code[i]);
	seq_puts(m, "; hypercalls:");
	for (i = 0; i < HX_STAT_HCALLS; i++)
		if (v->stat.hcall[i])
			seq_printf(m, " %u=%u", i, v->stat.hcall[i]);
	seq_printf(m, "; wrmsr x2apic %u, other %u (last %#x)\n",
		   v->stat.wrmsr_lapic, v->stat.wrmsr_other, v->stat.wrmsr_last);
}

static int vm_show(struct seq_file *m, void *unused)
{
	struct hx_vm *vm = m->private;
	unsigned int i;

	seq_printf(m, "vm %llu\n", vm->serial);
	for (i = 0; i < HX_MAX_VCPUS; i++) {
		struct hx_vcpu *v = READ_ONCE(vm->vcpus[i]);
		unsigned long irq = 256;
		int b;

		if (!v)
			continue;
		for (b = 255; b >= 0; b--)
			if (test_bit(b, v->irq_pending)) {
				irq = b;
				break;
			}
		seq_printf(m, "vcpu %u: guest_cpu %d last_cpu %d req %d kick %d "
			   "mp_state %d rip %#llx rflags %#llx irq_pending %s",
			   v->id, READ_ONCE(v->guest_cpu), READ_ONCE(v->last_cpu),
			   atomic_read(&v->req), atomic_read(&v->kick),
			   READ_ONCE(v->mp_state), v->regs.rip, v->regs.rflags,
			   irq < 256 ? "" : "none");
		if (irq < 256)
			seq_printf(m, "%#lx", irq);
		seq_printf(m, " sleeping %d\n", waitqueue_active(&v->wq));
		stat_show(m, v);
	}
	hx_xen_debug_show(m, vm);
	down_read(&vm->mem_lock);
	hx_mmu_audit(m, vm);
	up_read(&vm->mem_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vm);

void hx_debugfs_vm_add(struct hx_vm *vm)
{
	char name[48];

	if (IS_ERR_OR_NULL(hx_debugfs_root))
		return;
	snprintf(name, sizeof(name), "vm%llu-%d", vm->serial,
		 task_tgid_nr(current));
	vm->debugfs = debugfs_create_file(name, 0400, hx_debugfs_root, vm,
					  &vm_fops);
}

/* Before the VM's memory goes: debugfs waits for readers in vm_show(). */
void hx_debugfs_vm_remove(struct hx_vm *vm)
{
	debugfs_remove(vm->debugfs);
	vm->debugfs = NULL;
}

void hx_debugfs_init(void)
{
	hx_debugfs_root = debugfs_create_dir("hxen", NULL);
}

void hx_debugfs_exit(void)
{
	debugfs_remove_recursive(hx_debugfs_root);
	hx_debugfs_root = NULL;
}
