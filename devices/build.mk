# SPDX-License-Identifier: GPL-2.0
# build fragment for devices/ (see the top-level Makefile)
#
# Device models are linked into hxen-monitor by monitor/build.mk (every
# devices/*.c); each registers itself with DEV_MODEL() (devices/dev.h).
# The host-independent ones are also unit-tested:
UNIT_SRCS += devices/dev.c devices/uart8250_core.c devices/dev_testdev.c
UNIT_SRCS += devices/be_console_ring.c devices/be_console.c devices/be_xenstore.c
UNIT_SRCS += devices/be_core.c devices/be_worker.c devices/be_xenbus.c \
	     devices/be_grant.c devices/be_ring.c
