# SPDX-License-Identifier: GPL-2.0
# build fragment for monitor/ (see the top-level Makefile)
#
#   build/lib/libhxen.a     monitor/libhxen.c (include/hxen/libhxen.h)
#   build/lib/libhxen.so.*  the same, shared (SONAME libhxen.so.0), for
#                           other programs (make install); the monitor and
#                           the tools link the static one
#   build/bin/hxen-monitor  every other monitor/*.c and devices/*.c
#
# New monitor files are picked up by the wildcard; a file needing a
# library adds it with "MON_LIBS += -lfoo" in this fragment.  Other
# fragments add objects with "$(HXEN_MONITOR): obj.o": every .o
# prerequisite is linked.

LIBHXEN		:= $(BUILD)/lib/libhxen.a
HXEN_MONITOR	:= $(BUILD)/bin/hxen-monitor
LIBHXEN_SRCS	:= monitor/libhxen.c
# monitor/ctl*.c: linked as HXEN_CTL_OBJS (tools/build.mk)
MON_SRCS	:= $(filter-out $(LIBHXEN_SRCS) monitor/ctl%.c,$(wildcard monitor/*.c)) \
		   $(wildcard devices/*.c)
MON_OBJS	:= $(patsubst %.c,$(BUILD)/%.o,$(MON_SRCS))
MON_LIBS	+= -lpthread
# monitor/loader_bzimage.c (PVH helper): kernel payload decompressors
MON_LIBS	+= -lz -llzma -lzstd

# Shared libhxen: position-independent objects of its own (libc only).
LIBHXEN_SOMAJOR	:= 0
LIBHXEN_SONAME	:= libhxen.so.$(LIBHXEN_SOMAJOR)
LIBHXEN_SO	:= $(BUILD)/lib/libhxen.so.$(VERSION)
LIBHXEN_PIC_OBJS := $(patsubst %.c,$(BUILD)/lib/pic/%.o,$(LIBHXEN_SRCS))

ALL += $(LIBHXEN) $(LIBHXEN_SO) $(HXEN_MONITOR)

$(BUILD)/lib/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(LIBHXEN_SO): $(LIBHXEN_PIC_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -shared -Wl,-soname,$(LIBHXEN_SONAME) -Wl,--no-undefined \
		$(LDFLAGS) -o $@ $^
	$(Q)ln -sf $(notdir $@) $(dir $@)$(LIBHXEN_SONAME)
	$(Q)ln -sf $(LIBHXEN_SONAME) $(dir $@)libhxen.so

# Monitor and device sources include "monitor/x.h", "devices/x.h".
$(BUILD)/monitor/%.o $(BUILD)/devices/%.o $(BUILD)/unit-obj/%.o: ALL_CFLAGS += -I.

$(LIBHXEN): $(patsubst %.c,$(BUILD)/%.o,$(LIBHXEN_SRCS))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(HXEN_MONITOR): $(MON_OBJS) $(LIBHXEN)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBHXEN) $(MON_LIBS)

# Host-independent parts, unit-tested in build/tests/unit/hxen-unit.
# --ksm advice for guest RAM (monitor/mem.c calls it)
UNIT_SRCS += monitor/mem_ksm.c
UNIT_SRCS += monitor/libhxen.c monitor/options.c monitor/log.c \
	     monitor/mem.c monitor/loader.c monitor/loader_elf.c
# PVH boot, ACPI, bzImage, xenstore (PVH helper)
UNIT_SRCS += monitor/acpi.c monitor/pvh.c monitor/loader_bzimage.c monitor/kcache.c \
	     monitor/xs_api.c monitor/xs_proto.c monitor/xs_req.c \
	     monitor/xs_ring.c monitor/xs_tree.c monitor/xs_txn.c \
	     monitor/xs_watch.c
UNIT_LIBS += -llzma -lz -lzstd
# The state stream's reader and writer (save/restore)
UNIT_SRCS += monitor/stream.c monitor/stream_ram.c monitor/stream_xs.c \
	     monitor/stream_map.c
# CPU levelling: cpuid = parser and the destination check
UNIT_SRCS += monitor/cpuid_level.c
