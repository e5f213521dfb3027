# SPDX-License-Identifier: GPL-2.0
# build fragment for devices/ (see the top-level Makefile)
#
# Device models are linked into hxen-monitor by monitor/build.mk (every
# devices/*.c); each registers itself with DEV_MODEL() (devices/dev.h).
# The host-independent ones are also unit-tested:
UNIT_SRCS += devices/dev.c devices/uart8250_core.c devices/dev_testdev.c
UNIT_SRCS += devices/be_console_ring.c devices/be_console.c devices/be_xenstore.c
UNIT_SRCS += devices/be_core.c devices/be_worker.c devices/be_xenbus.c \
	     devices/be_grant.c devices/be_ring.c devices/be_blk.c \
	     devices/be_blk_io.c devices/be_blk_spec.c devices/be_blk_state.c

# Disk images (devices/disk.h): raw and qcow2, io_uring or a thread pool.
# The monitor links them with every devices/*.c; hxen disk (tools/) and
# the unit tests link DISK_SRCS.
DISK_SRCS := $(wildcard devices/disk*.c)
DISK_LIBS := -luring -lz -lpthread
MON_LIBS += $(DISK_LIBS)
UNIT_SRCS += $(DISK_SRCS)
UNIT_LIBS += $(DISK_LIBS)

# The display core (devices/display.h): vfb/vkbd backends, front ends,
# screenshots with libpng.
UNIT_SRCS += devices/display.c devices/display_rect.c devices/display_png.c \
	     devices/keymap_x11.c devices/be_vfb.c devices/be_vkbd.c devices/be_port.c \
	     devices/vnc_addr.c
MON_LIBS += -lpng
UNIT_LIBS += -lpng
# devices/fe_vnc.c: the VNC server
MON_LIBS += -lvncserver

# SDL2 window (devices/fe_sdl.c): the scancode table and the letterbox/
# dirty-rectangle arithmetic are unit-tested; libSDL2 is dlopen()ed
# (devices/fe_sdl_lib.h), so the monitor does not link it
UNIT_SRCS += devices/keymap_sdl.c devices/fe_sdl_geom.c

# Network (devices/be_net*.c, net_*.c): the vif backend and its host
# transports; user-mode networking is libslirp's.
MON_LIBS += -lslirp
UNIT_SRCS += devices/be_evtchn.c devices/be_net.c devices/be_net_spec.c devices/be_net_ring.c \
	     devices/net_csum.c devices/net_slirp.c devices/net_tap.c
UNIT_LIBS += -lslirp
