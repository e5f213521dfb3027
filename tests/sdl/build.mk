# SPDX-License-Identifier: GPL-2.0
#
# The SDL window (devices/fe_sdl.c) under Xvfb, without a VM:
#
#   make sdl-check     tests/sdl/check.sh: window, title, keys, pointer,
#                      pixels, resize, grab, close (needs xvfb, xdotool,
#                      x11-apps; tools/deps.sh e2e)
#
#   build/tests/sdl/fe-sdl-fake   the front end on a fake display core
#   build/tests/sdl/xwd-probe     pixel colours from an xwd dump
#   build/tests/sdl/xclose        a window manager's close button
#
# xwd-probe and xclose also go into the emulated host for
# tests/e2e/scenarios/82-gui-sdl.sh.

SDL_TEST_DIR	:= $(BUILD)/tests/sdl
FE_SDL_SRCS	:= devices/fe_sdl.c devices/fe_sdl_geom.c devices/fe_sdl_lib.c \
		   devices/keymap_sdl.c
SDL_TEST_BINS	:= $(SDL_TEST_DIR)/fe-sdl-fake $(SDL_TEST_DIR)/xwd-probe \
		   $(SDL_TEST_DIR)/xclose

$(SDL_TEST_DIR)/fe-sdl-fake: tests/sdl/fake_display.c $(FE_SDL_SRCS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -I. -o $@ $^ -lpthread

$(SDL_TEST_DIR)/xwd-probe: tests/sdl/xwd_probe.c tests/e2e/gfx_pattern.h tests/e2e/gfx_text.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -I. -o $@ $<

$(SDL_TEST_DIR)/xclose: tests/sdl/xclose.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ -lX11

.PHONY: sdl-check sdl-test-bins
sdl-test-bins: $(SDL_TEST_BINS)
sdl-check: $(SDL_TEST_BINS)
	bash tests/sdl/check.sh $(SDL_TEST_DIR)
