// SPDX-License-Identifier: GPL-2.0
/*
 * xclose WINDOW-ID: what a window manager's close button does, without a
 * window manager (Xvfb has none): a WM_DELETE_WINDOW client message
 * (ICCCM 4.1.2.7).  xdotool's windowkill would end the client instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <X11/Xlib.h>

int main(int argc, char **argv)
{
	Display *dpy;
	XEvent ev = { 0 };
	Window w;

	if (argc != 2) {
		fprintf(stderr, "usage: xclose WINDOW-ID\n");
		return 2;
	}
	w = strtoul(argv[1], NULL, 0);
	dpy = XOpenDisplay(NULL);
	if (!dpy) {
		fprintf(stderr, "xclose: cannot open display %s\n",
			XDisplayName(NULL));
		return 1;
	}
	ev.xclient.type = ClientMessage;
	ev.xclient.window = w;
	ev.xclient.message_type = XInternAtom(dpy, "WM_PROTOCOLS", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = XInternAtom(dpy, "WM_DELETE_WINDOW", False);
	ev.xclient.data.l[1] = CurrentTime;
	if (!XSendEvent(dpy, w, False, NoEventMask, &ev)) {
		fprintf(stderr, "xclose: cannot send to window 0x%lx\n", w);
		return 1;
	}
	XSync(dpy, False);
	XCloseDisplay(dpy);
	return 0;
}
