/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keys of VNC clients to Linux input-event codes (linux/input-event-codes.h),
 * for the VNC front end (devices/fe_vnc.c):
 *  - X11 keysyms (RFB KeyEvent [RFC 6143 7.5.4], X11 keysymdef.h numbers),
 *    by their place on a US PC keyboard: a shifted symbol maps to the key
 *    that makes it ('!' is KEY_1; the client sends Shift itself);
 *  - XT scancodes as QEMU's extended key event carries them [rfbproto,
 *    "QEMU Extended Key Event Message"]: one byte, 0x80 set for the
 *    0xe0-prefixed ones.
 */
#ifndef HXEN_KEYMAP_X11_H
#define HXEN_KEYMAP_X11_H

#include <stdint.h>

/* The Linux key code, or 0 for a keysym with no key. */
unsigned int keymap_x11_to_linux(uint32_t keysym);
/* The Linux key code of an XT scancode as above, or 0. */
unsigned int keymap_xt_to_linux(uint32_t xt);

#endif /* HXEN_KEYMAP_X11_H */
