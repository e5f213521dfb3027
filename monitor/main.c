// SPDX-License-Identifier: GPL-2.0
/*
 * hxen-monitor: runs one VM.  The main thread parses options, sets the VM
 * up, starts one thread per vCPU and then only waits for signals: SIGINT,
 * SIGTERM and SIGHUP stop the VM; SIGUSR1 is how mon_vm_stop() wakes it
 * when the guest ends by itself.  Exit statuses: see monitor/monitor.h.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "devices/be_core.h"
#include "monitor/ctl.h"
#include "monitor/kcache.h"
#include "monitor/log.h"
#include "monitor/monitor.h"
#include "monitor/pvh.h"
#include "monitor/state.h"

static struct mon_config cfg;
static struct mon_vm vm;

static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	/* blocked before any thread starts: every thread inherits the mask */
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed serial sink is not fatal */
}

/*
 * Thread stacks just under 2 MiB (glibc's default follows RLIMIT_STACK, 8
 * MiB): where THP is "always", a stack mapping that holds a whole aligned
 * 2 MiB range gets a huge page at its first touch there, 2 MiB of RSS for
 * a few KiB of stack (make bench, memory section: one 8 MiB vCPU or
 * backend stack had 2 MiB resident).  Set before any thread starts, for
 * the libraries' threads too; on failure glibc's default stays.
 */
#define MON_THREAD_STACK	((2U << 20) - (64U << 10))

static void thread_defaults(void)
{
	pthread_attr_t a;

	if (pthread_attr_init(&a))
		return;
	if (!pthread_attr_setstacksize(&a, MON_THREAD_STACK))
		pthread_setattr_default_np(&a);
	pthread_attr_destroy(&a);
}

static void wait_for_stop(const sigset_t *set)
{
	while (!atomic_load(&vm.stopping)) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si);

		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			/* graceful: ask the guest, destroy after the grace */
			if (ctl_signal(sig))
				continue;
			mon_info("%s: stopping the VM", strsignal(sig));
			mon_vm_stop(&vm, MON_EXIT_POWEROFF, strsignal(sig));
		}
	}
}

int main(int argc, char **argv)
{
	char err[320];
	sigset_t set;
	int r;

	thread_defaults();
	mon_config_defaults(&cfg);
	cfg.prog = argv[0];
	mon_state_set_argv(argc, argv);	/* hxen save repeats it (state.h) */
	atexit(kcache_wait);	/* an extracted kernel being stored */
	r = mon_options_parse(&cfg, argc, argv, err, sizeof(err));
	if (r == MON_OPT_DONE)
		return 0;
	if (!r)
		r = mon_config_check(&cfg, err, sizeof(err));
	if (r < 0) {
		mon_err("%s", err);
		return MON_EXIT_SETUP;
	}
	mon_log_set_name(strcmp(cfg.name, "hxen") ? cfg.name : NULL);
	mon_log_set_verbose(cfg.verbose);

	block_signals(&set);
	/* a guest reboot builds the VM again (--on-reboot, monitor/pvh.h) */
	for (bool first = true;; first = false) {
		/* late: the migration's sender gave up (state_incoming.c) */
		if (mon_vm_setup(&vm, &cfg) < 0 ||
		    (first && state_incoming_late())) {
			mon_vm_teardown(&vm);
			be_core_release();
			return MON_EXIT_SETUP;
		}
		/* control socket, --timeout, --console-log (monitor/ctl.h) */
		if (first && mon_ctl_start(&vm, err, sizeof(err)) < 0) {
			mon_err("%s", err);
			mon_vm_teardown(&vm);
			be_core_release();
			return MON_EXIT_SETUP;
		}
		mon_dbg("starting %u vCPU(s)", vm.nr_vcpus);
		if (mon_vcpus_start(&vm) < 0)
			mon_vm_stop(&vm, MON_EXIT_SETUP, "thread creation failed");
		else if (first)
			mon_state_incoming_running();	/* --incoming: it runs */
		wait_for_stop(&set);
		ctl_vm_stopped();
		mon_vcpus_kick(&vm);
		mon_vcpus_join(&vm);
		mon_vm_teardown(&vm);
		if (vm.exit_status != MON_EXIT_REBOOT || !pvh_reboot_restarts(&cfg))
			break;
		mon_info("guest rebooted: starting it again");
		ctl_vm_restarted();	/* a reboot request has been obeyed */
	}
	be_core_release();
	return vm.exit_status;
}
