/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SDL2 scancodes to Linux input key codes (linux/input-event-codes.h),
 * the codes the vkbd protocol carries [xen io/kbdif.h: XENKBD_TYPE_KEY].
 */
#ifndef HXEN_KEYMAP_SDL_H
#define HXEN_KEYMAP_SDL_H

/*
 * The Linux key code for an SDL_Scancode, or 0 (KEY_RESERVED) for a
 * scancode that has no key on a PC keyboard or is out of range.
 */
unsigned int keymap_sdl_to_linux(int scancode);

/* Size of the table: SDL_NUM_SCANCODES. */
unsigned int keymap_sdl_size(void);

#endif /* HXEN_KEYMAP_SDL_H */
