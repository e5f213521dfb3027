# SPDX-License-Identifier: GPL-2.0
#
# One CUnit binary, build/tests/unit/hxen-unit, from every tests/unit/*.c
# plus the UNIT_SRCS other fragments append (host-independent kernel code,
# device models, libhxen, parsers).  Kernel sources are built with -DHX_USER.

UNIT_BIN := $(BUILD)/tests/unit/hxen-unit
UNIT_TEST_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(patsubst %.c,$(BUILD)/unit-obj/%.o,$(UNIT_TEST_SRCS) $(sort $(UNIT_SRCS)))

$(BUILD)/unit-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -DHX_USER -Ikmod -Itests/unit -c $< -o $@

$(UNIT_BIN): $(UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@ $^ $(UNIT_LIBS) -lcunit -lpthread

.PHONY: unit
unit: $(UNIT_BIN)
	$(UNIT_BIN)
