// SPDX-License-Identifier: GPL-2.0
/* The VNC key tables (devices/keymap_x11.c) against known Linux codes. */
#include "unit.h"
#include "devices/keymap_x11.h"

/* linux/input-event-codes.h */
#define KEY_ESC		1
#define KEY_1		2
#define KEY_0		11
#define KEY_MINUS	12
#define KEY_BACKSPACE	14
#define KEY_Q		16
#define KEY_ENTER	28
#define KEY_LEFTCTRL	29
#define KEY_A		30
#define KEY_GRAVE	41
#define KEY_LEFTSHIFT	42
#define KEY_BACKSLASH	43
#define KEY_Z		44
#define KEY_M		50
#define KEY_SLASH	53
#define KEY_LEFTALT	56
#define KEY_SPACE	57
#define KEY_F1		59
#define KEY_F10		68
#define KEY_KP7		71
#define KEY_KP0		82
#define KEY_F11		87
#define KEY_F12		88
#define KEY_KPENTER	96
#define KEY_RIGHTCTRL	97
#define KEY_KPSLASH	98
#define KEY_RIGHTALT	100
#define KEY_HOME	102
#define KEY_UP		103
#define KEY_DELETE	111
#define KEY_LEFTMETA	125

static void test_keysyms(void)
{
	CU_ASSERT_EQUAL(keymap_x11_to_linux('a'), KEY_A);
	CU_ASSERT_EQUAL(keymap_x11_to_linux('A'), KEY_A);
	CU_ASSERT_EQUAL(keymap_x11_to_linux('q'), KEY_Q);
	CU_ASSERT_EQUAL(keymap_x11_to_linux('z'), KEY_Z);
	CU_ASSERT_EQUAL(keymap_x11_to_linux('m'), KEY_M);
	CU_ASSERT_EQUAL(keymap_x11_to_linux('1'), KEY_1);
	CU_ASSERT_EQUAL(keymap_x11_to_linux('!'), KEY_1);	/* Shift-1 */
	CU_ASSERT_EQUAL(keymap_x11_to_linux('0'), KEY_0);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(')'), KEY_0);
	CU_ASSERT_EQUAL(keymap_x11_to_linux('_'), KEY_MINUS);
	CU_ASSERT_EQUAL(keymap_x11_to_linux('|'), KEY_BACKSLASH);
	CU_ASSERT_EQUAL(keymap_x11_to_linux('~'), KEY_GRAVE);
	CU_ASSERT_EQUAL(keymap_x11_to_linux('?'), KEY_SLASH);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(' '), KEY_SPACE);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xff0d), KEY_ENTER);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xff1b), KEY_ESC);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xff08), KEY_BACKSPACE);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffff), KEY_DELETE);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xff52), KEY_UP);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xff50), KEY_HOME);
	/* Ctrl-Alt-Del */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffe3), KEY_LEFTCTRL);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffe9), KEY_LEFTALT);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffe1), KEY_LEFTSHIFT);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffe4), KEY_RIGHTCTRL);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xfe03), KEY_RIGHTALT);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffeb), KEY_LEFTMETA);
	/* function keys: F11/F12 are not after F10 */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffbe), KEY_F1);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffc7), KEY_F10);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffc8), KEY_F11);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffc9), KEY_F12);
	/* keypad */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffb7), KEY_KP7);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffb0), KEY_KP0);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xff8d), KEY_KPENTER);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffaf), KEY_KPSLASH);
	/* no key: control characters, unknown, Unicode keysyms */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0), 0);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0x1f), 0);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0x7f), 0);
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xffca), 0);	/* F13 */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0x100263a), 0);
	/* Japanese, Korean, multimedia and power keys */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xff23), 92);	/* KEY_HENKAN */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xff22), 94);	/* KEY_MUHENKAN */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0xff31), 122);	/* KEY_HANGEUL */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0x1008ff12), 113);	/* KEY_MUTE */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0x1008ff13), 115);	/* KEY_VOLUMEUP */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0x1008ff2a), 116);	/* KEY_POWER */
	CU_ASSERT_EQUAL(keymap_x11_to_linux(0x1008ff99), 0);
	/* every printable ASCII character has a key */
	for (uint32_t c = 0x20; c < 0x7f; c++)
		CU_ASSERT(keymap_x11_to_linux(c) != 0);
}

static void test_xt(void)
{
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x01), KEY_ESC);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x1e), KEY_A);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x1c), KEY_ENTER);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x58), KEY_F12);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x9c), KEY_KPENTER);	/* e0 1c */
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x9d), KEY_RIGHTCTRL);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0xb8), KEY_RIGHTALT);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0xc8), KEY_UP);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0xd3), KEY_DELETE);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0xdb), KEY_LEFTMETA);
	/* past F12: SysRq, the Japanese keys; e0: media and power */
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x54), 99);		/* KEY_SYSRQ */
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x56), 86);		/* KEY_102ND */
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x73), 89);		/* KEY_RO */
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x7d), 124);		/* KEY_YEN */
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x79), 92);		/* KEY_HENKAN */
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0xa0), 113);		/* KEY_MUTE */
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0xb0), 115);		/* KEY_VOLUMEUP */
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0xde), 116);		/* KEY_POWER */
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x5a), 0);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0), 0);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x7f), 0);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x80), 0);
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x1ff), 0);
	/* the keysym and scancode paths agree where both have the key */
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0x10), keymap_x11_to_linux('q'));
	CU_ASSERT_EQUAL(keymap_xt_to_linux(0xc7), keymap_x11_to_linux(0xff50));
}

static const CU_TestInfo keymap_tests[] = {
	{ "X11 keysyms", test_keysyms },
	{ "XT scancodes (QEMU extended key event)", test_xt },
	CU_TEST_INFO_NULL,
};
UNIT_SUITE(keymap_x11, keymap_tests);
