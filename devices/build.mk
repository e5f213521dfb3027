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
	     devices/be_blk_io.c devices/be_blk_spec.c

# Disk images (devices/disk.h): raw and qcow2, io_uring or a thread pool.
# The monitor links them with every devices/*.c; hxen disk (tools/) and
# the unit tests link DISK_SRCS.
DISK_SRCS := $(wildcard devices/disk*.c)
DISK_LIBS := -luring -lz -lpthread
MON_LIBS += $(DISK_LIBS)
UNIT_SRCS += $(DISK_SRCS)
UNIT_LIBS += $(DISK_LIBS)
