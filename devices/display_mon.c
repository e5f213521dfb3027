// SPDX-License-Identifier: GPL-2.0
/*
 * The display core in the monitor: --vfb SPEC, the front ends started
 * once before the guest first runs (they live across guest reboots, as a
 * window should), the "screenshot" control request, the VM's state for
 * window titles, and what closing a window does (ask the guest to power
 * off, as SIGTERM does; a second close destroys: monitor/ctl.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/display_core.h"
#include "monitor/config.h"
#include "monitor/ctl.h"
#include "monitor/log.h"
#include "monitor/monitor.h"
#include "tools/json.h"

static int set_vfb(struct mon_config *cfg, const char *arg, char *err,
		   size_t errlen)
{
	return display_add_spec(arg, err, errlen);
}

static const struct mon_option vfb_options[] = {
	{ "vfb", 0, "SPEC", "graphical console (xl vfb keys: vnc=1, "
	  "vnclisten=ADDR[:DISPLAY], vncpasswd=PW, sdl=1, width, height, "
	  "videoram MiB); repeatable, the specs merge", set_vfb },
};
MON_OPTIONS(vfb, vfb_options)

static void poweroff(bool force)
{
	/* the first asks the guest and arms the grace timer; a second
	 * destroys (ctl_signal is async-signal-safe, any thread) */
	ctl_signal(SIGTERM);
	if (force)
		ctl_signal(SIGTERM);
}

static void state_changed(const char *state)
{
	struct display *d = display_get();

	if (!d)
		return;
	display_set_vm_state(d, !strcmp(state, "paused") ? DISPLAY_VM_PAUSED :
			     !strcmp(state, "running") ? DISPLAY_VM_RUNNING :
			     DISPLAY_VM_SHUTDOWN);
}

/* {"cmd":"screenshot","path":"/abs/file.png"} */
static struct json *cmd_screenshot(const struct json *req)
{
	struct display *d = display_get();
	const char *path = json_get_str(req, "path");
	char err[256];
	struct display_surface *s;
	struct json *r;

	if (!d)
		return ctl_reply_err("%s", "this VM has no display (configure "
				     "a vfb, e.g. vfb = ['vnc=1'])");
	if (!path || path[0] != '/')
		return ctl_reply_err("%s", "screenshot needs an absolute "
				     "\"path\"");
	if (display_screenshot(d, path, err, sizeof(err)))
		return ctl_reply_err("%s", err);
	s = display_surface_get(d);
	r = ctl_reply_ok();
	json_set(r, "width", json_int(s->width));
	json_set(r, "height", json_int(s->height));
	display_surface_put(s);
	return r;
}

/* {"cmd":"display"}: what `hxen vnc` needs */
static struct json *cmd_display(const struct json *req)
{
	struct display *d = display_get();
	struct display_surface *s;
	const char *host;
	struct json *r;
	int port;

	if (!d)
		return ctl_reply_err("%s", "this VM has no display (configure "
				     "a vfb, e.g. vfb = ['vnc=1'])");
	r = ctl_reply_ok();
	s = display_surface_get(d);
	if (s) {
		json_set(r, "width", json_int(s->width));
		json_set(r, "height", json_int(s->height));
	}
	display_surface_put(s);
	json_set(r, "pointer", json_str(display_pointer_is_abs(d) ?
					"absolute" : "relative"));
	host = display_vnc_address(d, &port);
	if (host) {
		json_set(r, "vnc_host", json_str(host));
		json_set(r, "vnc_port", json_int(port));
	}
	return r;
}

static void display_at_exit(void)
{
	display_stop();
}

static int display_hook(struct mon_vm *vm, char *err, size_t errlen)
{
	static bool done;
	int r;

	if (done || !display_get())
		return 0;
	display_set_name(vm->cfg->name);
	display_set_poweroff(poweroff);
	ctl_set_state_listener(state_changed);
	r = display_start(err, errlen);
	if (r)
		return r;
	atexit(display_at_exit);
	done = true;
	return 0;
}

static struct mon_hook display_mon_hook = {
	.name = "display", .phase = MON_PHASE_VM, .fn = display_hook,
};
MON_HOOK(display_mon_hook)

static struct ctl_command screenshot_cmd = {
	.name = "screenshot", .fn = cmd_screenshot,
};
CTL_COMMAND(screenshot_cmd)
static struct ctl_command display_cmd = { .name = "display", .fn = cmd_display };
CTL_COMMAND(display_cmd)
