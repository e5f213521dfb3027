# SPDX-License-Identifier: GPL-2.0
# build fragment for pvdrivers/ (see the top-level Makefile)
#
# Freestanding guest images built with the host gcc: no libc, no PIC, no
# red zone (interrupts arrive on the same stack), no SSE (nobody saves it).
# The pattern rules below are more specific than the top-level
# $(BUILD)/%.o: %.c (shorter stem), so pvdrivers objects never get the
# hosted CFLAGS.

TG_DIR		:= pvdrivers/testguest
TG_OUT		:= $(BUILD)/pvdrivers

TG_CFLAGS	:= -O2 -g -Wall -Wextra -Wno-unused-parameter -std=gnu11 \
		   -Iinclude -MMD -MP -ffreestanding -fno-builtin -fno-pic -fno-pie \
		   -fno-stack-protector -fno-asynchronous-unwind-tables \
		   -fcf-protection=none -mno-red-zone -mgeneral-regs-only \
		   -mcmodel=small -m64
TG_LDFLAGS	:= -nostdlib -static -no-pie -Wl,--build-id=none \
		   -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack \
		   -Wl,-T,$(TG_DIR)/link.ld

# Startup, traps, UART and TAP output shared by every image.
TG_COMMON	:= head.o traps.o trap.o uart.o print.o tap.o lib.o
TG_TEST		:= main.o check_boot.o check_cpuid.o check_msr.o check_pio.o \
		   check_mmio.o check_irq.o check_bench.o

TG_COMMON_OBJS	:= $(addprefix $(TG_OUT)/testguest/,$(TG_COMMON))
TG_TEST_OBJS	:= $(addprefix $(TG_OUT)/testguest/,$(TG_TEST))
TG_SPIN_OBJS	:= $(TG_OUT)/testguest/spin.o

$(BUILD)/pvdrivers/%.o: pvdrivers/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TG_CFLAGS) -c $< -o $@

$(BUILD)/pvdrivers/%.o: pvdrivers/%.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TG_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# Link, then refuse an image the monitor could not boot: it needs the Xen
# PHYS32_ENTRY note (type 0x12) and e_entry equal to it.
define tg_link
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TG_LDFLAGS) -o $@.tmp $(1)
	$(Q)sh $(TG_DIR)/check-image.sh $@.tmp || { rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@
endef

$(TG_OUT)/testguest.elf: $(TG_COMMON_OBJS) $(TG_TEST_OBJS) $(TG_DIR)/link.ld \
			 $(TG_DIR)/check-image.sh
	$(call tg_link,$(TG_COMMON_OBJS) $(TG_TEST_OBJS))

$(TG_OUT)/spin.elf: $(TG_COMMON_OBJS) $(TG_SPIN_OBJS) $(TG_DIR)/link.ld \
		    $(TG_DIR)/check-image.sh
	$(call tg_link,$(TG_COMMON_OBJS) $(TG_SPIN_OBJS))

ALL += $(TG_OUT)/testguest.elf $(TG_OUT)/spin.elf
