// SPDX-License-Identifier: GPL-2.0
/*
 * The control layer's view of the VM: struct ctl_vm_ops for struct
 * mon_vm.  Pause parks every vCPU thread at the top of its run loop
 * (mon_vcpu_park) after HXEN_KICK has made HXEN_RUN return; resume lets
 * them go.  Destroy is mon_vm_stop() with the control layer's status.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "monitor/balloon.h"
#include "monitor/ctl.h"
#include "monitor/log.h"
#include "monitor/monitor.h"
#include "monitor/state.h"

#define PAUSE_WAIT_MS	5000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* paused changed / a vCPU parked */
	atomic_bool paused;
	unsigned int parked;
	int (*shutdown)(void *opaque, bool reboot);
	void *shutdown_opaque;
} park = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static void deadline_in(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Top of every vCPU run loop: one atomic load unless paused. */
void mon_vcpu_park(struct mon_vm *vm)
{
	if (!atomic_load(&park.paused))
		return;
	pthread_mutex_lock(&park.lock);
	park.parked++;
	pthread_cond_broadcast(&park.cond);
	while (atomic_load(&park.paused) && !atomic_load(&vm->stopping)) {
		struct timespec ts;

		/* mon_vm_stop() does not signal us: poll its flag */
		deadline_in(&ts, 100);
		pthread_cond_timedwait(&park.cond, &park.lock, &ts);
	}
	park.parked--;
	pthread_mutex_unlock(&park.lock);
}

static int op_pause(void *opaque)
{
	struct mon_vm *vm = opaque;
	struct timespec ts;
	int r = 0;

	/* no vCPUs to stop while the VM is being torn down or rebuilt */
	if (atomic_load(&vm->stopping))
		return -EBUSY;
	pthread_mutex_lock(&park.lock);
	atomic_store(&park.paused, true);
	pthread_mutex_unlock(&park.lock);
	mon_vcpus_kick(vm);
	deadline_in(&ts, PAUSE_WAIT_MS);
	pthread_mutex_lock(&park.lock);
	while (park.parked < vm->nr_vcpus && !atomic_load(&vm->stopping) &&
	       r != ETIMEDOUT)
		r = pthread_cond_timedwait(&park.cond, &park.lock, &ts);
	if (park.parked < vm->nr_vcpus && !atomic_load(&vm->stopping)) {
		/* leave nobody half-paused */
		atomic_store(&park.paused, false);
		pthread_cond_broadcast(&park.cond);
		pthread_mutex_unlock(&park.lock);
		mon_warn("pause: only %u of %u vCPUs stopped within %d ms",
			 park.parked, vm->nr_vcpus, PAUSE_WAIT_MS);
		return -ETIMEDOUT;
	}
	pthread_mutex_unlock(&park.lock);
	mon_info("paused");
	return 0;
}

static int op_resume(void *opaque)
{
	pthread_mutex_lock(&park.lock);
	atomic_store(&park.paused, false);
	pthread_cond_broadcast(&park.cond);
	pthread_mutex_unlock(&park.lock);
	mon_info("resumed");
	return 0;
}

void ctl_set_guest_shutdown(int (*fn)(void *opaque, bool reboot),
			    void *opaque)
{
	pthread_mutex_lock(&park.lock);
	park.shutdown = fn;
	park.shutdown_opaque = opaque;
	pthread_mutex_unlock(&park.lock);
}

static int op_shutdown(void *opaque, bool reboot)
{
	int (*fn)(void *, bool);
	void *arg;

	pthread_mutex_lock(&park.lock);
	fn = park.shutdown;
	arg = park.shutdown_opaque;
	pthread_mutex_unlock(&park.lock);
	mon_info("%s requested%s", reboot ? "reboot" : "shutdown",
		 fn ? "" : " (no PV shutdown path: destroy after the grace "
		 "period)");
	return fn ? fn(arg, reboot) : -EOPNOTSUPP;
}

static void op_destroy(void *opaque, int status)
{
	static const char *const why[] = {
		[CTL_EXIT_TIMEOUT] = "timeout",
		[CTL_EXIT_DESTROYED] = "destroyed",
		[CTL_EXIT_UNCLEAN] = "shutdown not honoured within the grace "
				     "period: destroyed",
	};
	const char *w = status >= CTL_EXIT_TIMEOUT &&
			status <= CTL_EXIT_UNCLEAN ? why[status] : "destroyed";

	mon_info("%s", w);
	mon_vm_stop(opaque, status, w);
}

static int op_mem_set(void *opaque, uint64_t kib)
{
	return mon_balloon_set_target(kib);
}

static int op_save(void *opaque, const char *file, bool checkpoint,
		   struct ctl_save_result *res, char *err, size_t errlen)
{
	struct state_stats st = { 0 };
	int r = mon_state_save_file(file, checkpoint, &st, err, errlen);

	*res = (struct ctl_save_result){ st.bytes, st.ram_pages,
					 st.zero_pages, (uint64_t)st.ms };
	if (!r && !checkpoint)
		mon_info("saved to %s: the VM stops", file);
	return r;
}

static int op_migrate(void *opaque, const char *host, const char *port,
		      struct ctl_migrate_result *res, char *err, size_t errlen);

static const struct ctl_vm_ops mon_ctl_ops = {
	.pause = op_pause,
	.resume = op_resume,
	.shutdown = op_shutdown,
	.destroy = op_destroy,
	.mem_set = op_mem_set,
	.save = op_save,
	.migrate = op_migrate,
};

/* For the migration code: park the vCPUs / let them go. */
int mon_vm_pause(struct mon_vm *vm)
{
	return atomic_load(&park.paused) ? 0 : op_pause(vm);
}

void mon_vm_resume(struct mon_vm *vm)
{
	op_resume(vm);
}

static int op_migrate(void *opaque, const char *host, const char *port,
		      struct ctl_migrate_result *res, char *err, size_t errlen)
{
	struct state_migrate_stats ms;
	int r = mon_state_migrate(host, port, &ms, err, errlen);

	*res = (struct ctl_migrate_result){
		ms.rounds, ms.bytes, ms.pages, (uint64_t)ms.downtime_ms,
		(uint64_t)ms.total_ms,
	};
	return r;
}

static bool start_paused;

/* --paused (monitor/state_restore.c): the vCPUs park before they run. */
void mon_ctl_start_paused(void)
{
	start_paused = true;
}

int mon_ctl_start(struct mon_vm *vm, char *err, size_t errlen)
{
	struct ctl_vm_info info = {
		.name = vm->cfg->name,
		.memory = vm->cfg->memory,
		.vcpus = vm->nr_vcpus,
	};

	int r = ctl_start(&info, &mon_ctl_ops, vm, err, errlen);

	if (!r && start_paused) {
		atomic_store(&park.paused, true);
		ctl_note_paused();
		start_paused = false;
		mon_info("paused: `hxen unpause` lets it run");
	}
	return r;
}
