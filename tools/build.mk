# SPDX-License-Identifier: GPL-2.0
# build fragment for tools/ (see the top-level Makefile)
#
# hxen: the xl-style command line (tools/cli_*.c) with the config parser
# (tools/cfg_*.c) and the JSON code (tools/json.c).  The monitor's control
# layer (monitor/ctl*.c, owned here too) shares tools/json.c; this
# fragment links both into hxen-monitor (see monitor/build.mk).

HXEN_CLI := $(BUILD)/bin/hxen
TOOLS_LIB_SRCS := tools/json.c tools/cfg_parse.c tools/cfg_keys.c tools/cfg_spec.c \
		  tools/cfg_vif.c
TOOLS_CLI_SRCS := $(wildcard tools/cli_*.c)
TOOLS_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(TOOLS_CLI_SRCS) $(TOOLS_LIB_SRCS))

# Control layer of hxen-monitor: compiled like the monitor's own files.
HXEN_CTL_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard monitor/ctl*.c)) \
	$(BUILD)/obj/tools/json.o

$(BUILD)/obj/tools/%.o: tools/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itools -c $< -o $@

# hxen disk (tools/cli_disk.c) links the disk layer (devices/build.mk),
# compiled as the monitor's.
HXEN_CLI_DISK_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(DISK_SRCS))
$(BUILD)/obj/tools/cli_disk.o: ALL_CFLAGS += -I.

# hxen save/restore/migrate (tools/cli_state*.c) check streams with the
# monitor's reader.
HXEN_CLI_STATE_OBJS := $(BUILD)/monitor/stream.o $(BUILD)/monitor/stream_ram.o \
		       $(BUILD)/monitor/stream_xs.o $(BUILD)/monitor/stream_map.o
$(BUILD)/obj/tools/cli_state.o $(BUILD)/obj/tools/cli_migrate.o: ALL_CFLAGS += -I.
# cpuid = (the config check) and the CPU levelling check of restore/migrate
HXEN_CLI_STATE_OBJS += $(BUILD)/monitor/cpuid_level.o
$(BUILD)/obj/tools/cfg_keys.o: ALL_CFLAGS += -I.

$(HXEN_CLI): $(TOOLS_OBJS) $(HXEN_CLI_DISK_OBJS) $(HXEN_CLI_STATE_OBJS) $(LIBHXEN)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TOOLS_OBJS) $(HXEN_CLI_DISK_OBJS) \
		$(HXEN_CLI_STATE_OBJS) $(LIBHXEN) $(DISK_LIBS) -lzstd

$(HXEN_MONITOR): $(HXEN_CTL_OBJS)

ALL += $(HXEN_CLI)
# Host-independent: config parser, JSON, and the control socket server
# (tested in-process by tests/unit/test_json_ctl.c).
UNIT_SRCS += $(TOOLS_LIB_SRCS) monitor/ctl.c monitor/ctl_console.c

# The bundled Linux guest (tools/mkguest.sh): Debian's kernel and a busybox
# initramfs in build/guest/, packed into the emulated host for the linux
# scenarios, DEMO=linux and `make bench`.
GUEST_INITRAMFS := $(BUILD)/guest/initramfs.cpio.gz
.PHONY: guest
guest: $(GUEST_INITRAMFS)
$(GUEST_INITRAMFS): tools/mkguest.sh tools/guest-init.sh tools/copy-kmods.sh tools/stub-so.sh tools/udhcpc.script | e2e-kernel
	$(Q)tools/mkguest.sh $(BUILD)/guest

# The Debian root disk (tools/mkrootfs.sh, docs/guest.md):
# build/rootfs/rootfs.img, rebuilt only when its package list, the kernel
# or tools/rootfs/ change; DEMO=debian and 68-blk-debian boot it.
# rootfs-check boots it under plain QEMU, without hxen (tools/check-rootfs.sh).
.PHONY: rootfs rootfs-check
rootfs: e2e-kernel
	$(Q)bash tools/deps.sh rootfs </dev/null
	$(Q)BUILD=$(BUILD) tools/mkrootfs.sh $(BUILD)/rootfs
rootfs-check: rootfs guest
	$(Q)BUILD=$(BUILD) tools/check-rootfs.sh $(BUILD)/rootfs/rootfs.img
