// SPDX-License-Identifier: GPL-2.0
/*
 * VM ioctls of the Xen layer (HXEN_IOC 0x20..0x3f): HXEN_XEN_CONFIG,
 * HXEN_XEN_GET/SET_PARAM, HXEN_EVTCHN_BIND/UNBIND, and the eventfds that
 * connect guest ports to the monitor without an ioctl per event:
 *   notify_fd  signalled with eventfd_signal() when the guest sends;
 *   kick_fd    watched by a wait-queue entry (as KVM's irqfd): a write by
 *              the monitor raises the port right in the eventfd's wakeup.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/tsc.h>
#include "hx_xen.h"
#include "hx_hooks.h"

#define XEN_DEFAULT_VERSION	0x0004000f	/* 4.15 */
#define XEN_DOMID_FIRST_RESERVED 0x7ff0

/* ---- kick_fd: the monitor raises a port --------------------------------- */

static int kick_wake(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct hx_xen_kick *k = container_of(wait, struct hx_xen_kick, wait);
	__poll_t flags = key_to_poll(key);
	u64 cnt;

	/*
	 * Called with the eventfd's wait-queue lock held, IRQs off.
	 * EPOLLHUP (the monitor closed the fd) needs nothing: we hold our
	 * own reference on the context until the port is unbound.
	 */
	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(k->ctx, &cnt);
		hx_xen_evtchn_raise(k->xvm, k->port);
	}
	return 0;
}

static void kick_queue(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct hx_xen_kick *k = container_of(pt, struct hx_xen_kick, pt);

	add_wait_queue(wqh, &k->wait);
}

static void kick_free(struct hx_xen_kick *k)
{
	u64 cnt;

	if (!k)
		return;
	eventfd_ctx_remove_wait_queue(k->ctx, &k->wait, &cnt);
	eventfd_ctx_put(k->ctx);
	kfree(k);
}

/* An eventfd, or NULL for fd -1; ERR_PTR for anything else. */
static struct eventfd_ctx *get_eventfd(s32 fd)
{
	return fd == -1 ? NULL : eventfd_ctx_fdget(fd);
}

/* Start watching @fd for port @port. */
static struct hx_xen_kick *kick_attach(struct hx_xen_gvm *g, s32 fd, u32 port)
{
	struct hx_xen_kick *k;
	struct fd f;
	__poll_t events;
	int ret;

	f = fdget(fd);
	if (!f.file)
		return ERR_PTR(-EBADF);
	k = kzalloc(sizeof(*k), GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (!k)
		goto fail;
	k->ctx = eventfd_ctx_fileget(f.file);
	ret = PTR_ERR(k->ctx);
	if (IS_ERR(k->ctx))
		goto fail;
	k->xvm = g->xvm;
	k->port = port;
	init_waitqueue_func_entry(&k->wait, kick_wake);
	init_poll_funcptr(&k->pt, kick_queue);
	events = vfs_poll(f.file, &k->pt);
	/*
	 * Written before the bind: raise now.  The count is drained by the
	 * next wakeup (reading it needs the eventfd's lock, held there).
	 */
	if (events & EPOLLIN)
		hx_xen_evtchn_raise(g->xvm, port);
	fdput(f);
	return k;
fail:
	kfree(k);
	fdput(f);
	return ERR_PTR(ret);
}

/* Detach both eventfds of @port.  Caller holds fd_lock. */
static void port_fds_release(struct hx_xen_gvm *g, u32 port)
{
	struct eventfd_ctx *n;
	unsigned long fl;

	spin_lock_irqsave(&g->notify_lock, fl);
	n = g->notify[port];
	g->notify[port] = NULL;
	spin_unlock_irqrestore(&g->notify_lock, fl);
	if (n)
		eventfd_ctx_put(n);
	kick_free(g->kick[port]);
	g->kick[port] = NULL;
}

/* The guest closed an interdomain port (EVTCHNOP_close). */
void hx_xen_host_port_release(struct hx_xen_vm *xvm, u32 port)
{
	struct hx_xen_gvm *g = xvm->host;

	mutex_lock(&g->fd_lock);
	port_fds_release(g, port);
	mutex_unlock(&g->fd_lock);
}

void hx_xen_ports_release_all(struct hx_xen_gvm *g)
{
	u32 p;

	mutex_lock(&g->fd_lock);
	for (p = 0; p < XEN_NR_EVTCHN_2L; p++)
		port_fds_release(g, p);
	mutex_unlock(&g->fd_lock);
}

static long evtchn_bind(struct hx_xen_gvm *g, void __user *uarg)
{
	struct hxen_evtchn_bind b;
	struct eventfd_ctx *notify;
	struct hx_xen_kick *kick = NULL;
	int ret;

	if (copy_from_user(&b, uarg, sizeof(b)))
		return -EFAULT;
	if (b.flags & ~HXEN_EVTCHN_ALLOC)
		return -EINVAL;
	if (b.notify_fd < -1 || b.kick_fd < -1)
		return -EBADF;
	notify = get_eventfd(b.notify_fd);
	if (IS_ERR(notify))
		return PTR_ERR(notify);

	mutex_lock(&g->fd_lock);
	ret = hx_xen_monitor_bind(g->xvm, &b.port, b.flags & HXEN_EVTCHN_ALLOC);
	if (ret)
		goto fail;
	if (b.kick_fd != -1) {
		kick = kick_attach(g, b.kick_fd, b.port);
		if (IS_ERR(kick)) {
			ret = PTR_ERR(kick);
			hx_xen_monitor_unbind(g->xvm, b.port, b.flags & HXEN_EVTCHN_ALLOC);
			goto fail;
		}
	}
	/* A port only becomes interdomain when it had no fds. */
	port_fds_release(g, b.port);
	spin_lock_irq(&g->notify_lock);
	g->notify[b.port] = notify;
	spin_unlock_irq(&g->notify_lock);
	g->kick[b.port] = kick;
	mutex_unlock(&g->fd_lock);
	if (copy_to_user(uarg, &b, sizeof(b)))
		return -EFAULT;
	return 0;
fail:
	mutex_unlock(&g->fd_lock);
	if (notify)
		eventfd_ctx_put(notify);
	return ret;
}

static long evtchn_unbind(struct hx_xen_gvm *g, void __user *uarg)
{
	struct hxen_evtchn_unbind u;
	int ret;

	if (copy_from_user(&u, uarg, sizeof(u)))
		return -EFAULT;
	if (u.reserved)
		return -EINVAL;
	mutex_lock(&g->fd_lock);
	ret = hx_xen_monitor_unbind(g->xvm, u.port, false);
	if (!ret)
		port_fds_release(g, u.port);
	mutex_unlock(&g->fd_lock);
	return ret;
}

/* ---- HXEN_XEN_CONFIG ------------------------------------------------------- */

static void gvm_free(struct hx_xen_gvm *g)
{
	kvfree(g->notify);
	kvfree(g->kick);
	kfree(g);
}

static int config_check(const struct hxen_xen_config *c)
{
	unsigned int i;

	if (c->flags || c->reserved0)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(c->reserved); i++)
		if (c->reserved[i])
			return -EINVAL;
	if (!c->max_grant_frames || c->max_grant_frames > HX_XEN_MAX_GNT_FRAMES)
		return -EINVAL;
	if (c->domid == 0 || c->domid >= XEN_DOMID_FIRST_RESERVED)
		return -EINVAL;
	if (c->version && (c->version >> 16) < 4)
		return -EINVAL;		/* Linux needs Xen >= 4 (xs_reset_watches) */
	if (!c->gnttab_uaddr || (c->gnttab_uaddr & ~PAGE_MASK) ||
	    c->gnttab_uaddr + (u64)c->max_grant_frames * PAGE_SIZE > TASK_SIZE_MAX)
		return -EINVAL;
	return 0;
}

static long xen_config(struct hx_vm *vm, void __user *uarg)
{
	struct hxen_xen_config c;
	struct hx_xen_config cfg = { 0 };
	struct hx_xen_gvm *g;
	unsigned int i;
	int ret;

	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	ret = config_check(&c);
	if (ret)
		return ret;
	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return -ENOMEM;
	g->vm = vm;
	mutex_init(&g->fd_lock);
	mutex_init(&g->npt_lock);
	spin_lock_init(&g->notify_lock);
	g->notify = kvcalloc(XEN_NR_EVTCHN_2L, sizeof(*g->notify), GFP_KERNEL_ACCOUNT);
	g->kick = kvcalloc(XEN_NR_EVTCHN_2L, sizeof(*g->kick), GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (!g->notify || !g->kick)
		goto fail;
	/* Mapped on demand, as guest RAM: the range must be there now. */
	ret = hx_mem_check_vmas(c.gnttab_uaddr, (u64)c.max_grant_frames * PAGE_SIZE, true);
	if (ret)
		goto fail;
	g->nr_gnt = c.max_grant_frames;
	g->gnt_uaddr = c.gnttab_uaddr;
	for (i = 0; i < HX_XEN_MAX_GNT_FRAMES; i++)
		g->gnt_gfn[i] = HX_XEN_NO_GFN;

	cfg.domid = c.domid;
	cfg.version = c.version ?: XEN_DEFAULT_VERSION;
	cfg.max_grant_frames = c.max_grant_frames;
	cfg.vmcall = hx_ops->backend == HXEN_BACKEND_VMX;
	cfg.tsc_khz = tsc_khz;
	cfg.tsc_stable = boot_cpu_has(X86_FEATURE_CONSTANT_TSC) &&
			 boot_cpu_has(X86_FEATURE_NONSTOP_TSC) && !check_tsc_unstable();
	/* Guest system time 0 is now (the clock reference is taken now). */
	cfg.wallclock_ns = c.wallclock_ns ?: ktime_get_real_ns();

	mutex_lock(&vm->lock);
	ret = -EEXIST;
	if (vm->xen)
		goto fail_locked;
	ret = -ENOMEM;
	g->xvm = hx_xen_vm_alloc(g, &cfg);
	if (!g->xvm)
		goto fail_locked;
	WRITE_ONCE(vm->xen, g);
	for (i = 0; i < HX_MAX_VCPUS; i++) {
		if (!vm->vcpus[i])
			continue;
		ret = hx_xen_vcpu_create(vm->vcpus[i]);
		if (ret)
			goto fail_vcpus;
	}
	mutex_unlock(&vm->lock);
	return 0;

fail_vcpus:
	for (i = 0; i < HX_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			hx_xen_vcpu_destroy(vm->vcpus[i]);
	WRITE_ONCE(vm->xen, NULL);
	hx_xen_vm_free(g->xvm);
fail_locked:
	mutex_unlock(&vm->lock);
fail:
	gvm_free(g);
	return ret;
}

/* Teardown after every vCPU is gone. */
void hx_xen_vm_destroy(struct hx_vm *vm)
{
	struct hx_xen_gvm *g = hx_xen_gvm(vm);

	if (!g)
		return;
	hx_xen_ports_release_all(g);
	hx_xen_vm_free(g->xvm);		/* unmaps the grant frames */
	/* The MMU notifier reads the grant frames under mmu_lock. */
	spin_lock(&vm->mmu_lock);
	WRITE_ONCE(vm->xen, NULL);
	spin_unlock(&vm->mmu_lock);
	gvm_free(g);
}

static long xen_param(struct hx_xen_gvm *g, void __user *uarg, bool set)
{
	struct hxen_xen_param p;
	int ret;

	if (copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (p.reserved)
		return -EINVAL;
	if (set)
		return hx_xen_param_set(g->xvm, p.index, p.value);
	ret = hx_xen_param_get(g->xvm, p.index, &p.value);
	if (!ret && copy_to_user(uarg, &p, sizeof(p)))
		return -EFAULT;
	return ret;
}

long hx_xen_vm_ioctl(struct hx_vm *vm, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	struct hx_xen_gvm *g;

	if (cmd == HXEN_XEN_CONFIG)
		return xen_config(vm, uarg);
	g = hx_xen_gvm(vm);
	switch (cmd) {
	case HXEN_XEN_GET_PARAM:
	case HXEN_XEN_SET_PARAM:
	case HXEN_EVTCHN_BIND:
	case HXEN_EVTCHN_UNBIND:
		if (!g) {
			pr_debug("hxen: Xen ioctl %#x before HXEN_XEN_CONFIG\n", cmd);
			return -ENXIO;
		}
		break;
	default:
		return -ENOTTY;
	}
	switch (cmd) {
	case HXEN_XEN_GET_PARAM:
		return xen_param(g, uarg, false);
	case HXEN_XEN_SET_PARAM:
		return xen_param(g, uarg, true);
	case HXEN_EVTCHN_BIND:
		return evtchn_bind(g, uarg);
	default:
		return evtchn_unbind(g, uarg);
	}
}
