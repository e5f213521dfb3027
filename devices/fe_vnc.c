// SPDX-License-Identifier: GPL-2.0
/*
 * VNC front end (vfb = ['vnc=1, vnclisten=ADDR[:DISPLAY], vncpasswd=PW']),
 * with libvncserver; see docs/gui.md.
 *
 * - Only what the guest redraws goes out: the display core's coalesced
 *   rectangles become rfbMarkRectAsModified(); a static screen marks
 *   nothing and clients get nothing.  The framebuffer libvncserver reads
 *   is ours, sized for the largest mode the guest may set, so a client
 *   thread still sending a rectangle of the old mode after a resize
 *   stays inside it.
 * - Each client has its own threads (rfbRunEventLoop in the background
 *   with pthreads): a client that stops reading blocks only its own
 *   output thread (libvncserver drops it after rfbMaxClientWait, 5 s
 *   here); the VM's threads only take libvncserver's short per-client
 *   update locks, and new modes go out from a thread of their own
 *   (vnc_resize).  At most VNC_MAX_CLIENTS at once; more are refused.
 * - Listens on 127.0.0.1:5900+DISPLAY unless vnclisten says otherwise
 *   (IPv4, IPv6, a host name: devices/vnc_addr.c); vncunused=1 takes the
 *   first free display from there on; vncpasswd is RFB's VNC
 *   authentication (DES, 8 characters count: RFC 6143 7.2.2).
 * - Keys: X11 keysyms through devices/keymap_x11.c; clients offering
 *   QEMU's extended key event (pseudo-encoding -258) send XT scancodes,
 *   which do not depend on the client's layout.
 */
#include <errno.h>
#include <pthread.h>
#include <rfb/rfb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/display_core.h"
#include "devices/keymap_x11.h"
#include "devices/vnc_addr.h"
#include "monitor/log.h"
#include "monitor/thread.h"

#define VNC_MAX_CLIENTS		16
#define ENC_QEMU_EXT_KEY	(-258)
#define MSG_QEMU		255

struct vnc_fe {
	struct display_fe *fe;
	rfbScreenInfoPtr screen;
	pthread_mutex_t lock;		/* fb, surf, size, clients, resizer */
	uint8_t *fb;			/* max_w x max_h, RGBX bytes */
	uint32_t max_w, max_h, w, h;
	struct display_surface *surf;
	int clients;
	/* the resizer thread: new modes reach libvncserver from there */
	pthread_cond_t cond;
	pthread_t resizer;
	bool resizer_up, resize_pending, stopping;
	char *passwds[2];
	char host[64];
};

struct vnc_client {
	struct vnc_fe *v;
	int buttons;
	bool ext_ack;		/* QEMU extended key event to acknowledge */
};

/* libvncserver's messages go to our log, quietly */
static void vnc_log(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	buf[strcspn(buf, "\n")] = 0;
	mon_dbg("vnc: %s", buf);
}

/*
 * Surface (0x00RRGGBB words) to libvncserver's default 32-bit format
 * (red in the low byte) for the rows of @r; lock held.
 */
static void copy_rect(struct vnc_fe *v, const struct display_rect *r)
{
	const struct display_surface *s = v->surf;

	for (uint32_t y = r->y; y < r->y + r->h; y++) {
		const uint32_t *src = (const uint32_t *)(s->pixels +
					(size_t)y * s->stride) + r->x;
		uint32_t *dst = (uint32_t *)(v->fb + (size_t)y * v->w * 4) +
				r->x;

		for (uint32_t x = 0; x < r->w; x++) {
			uint32_t p = src[x];

			dst[x] = (p >> 16 & 0xff) | (p & 0xff00) |
				 (p & 0xff) << 16;
		}
	}
}

/*
 * A new mode: noted here, on the display core's thread, and taken to
 * libvncserver by the resizer thread.  rfbNewFramebuffer() takes every
 * client's send lock, which a client that stopped reading holds until
 * libvncserver gives up on it (rfbMaxClientWait): only the resizer may
 * wait for that, not the vfb backend (whose thread also feeds the other
 * front ends).  Until the resizer has copied the new surface, updates
 * are not copied (it copies all of it).
 */
static void vnc_resize(struct display_fe *fe, struct display_surface *s)
{
	struct vnc_fe *v = fe->priv;

	pthread_mutex_lock(&v->lock);
	display_surface_put(v->surf);
	/* resizes come from one thread at a time: this is @s */
	v->surf = display_surface_get(fe->disp);
	if (v->surf && (v->surf->width > v->max_w ||
			v->surf->height > v->max_h)) {
		display_surface_put(v->surf);	/* the core never offers more */
		v->surf = NULL;
	}
	v->resize_pending = v->surf != NULL;
	pthread_cond_signal(&v->cond);
	pthread_mutex_unlock(&v->lock);
}

static void *resizer(void *arg)
{
	struct vnc_fe *v = arg;
	struct display_rect all;

	mon_thread_no_thp();
	pthread_mutex_lock(&v->lock);
	for (;;) {
		while (!v->resize_pending && !v->stopping)
			pthread_cond_wait(&v->cond, &v->lock);
		if (v->stopping)
			break;
		v->w = v->surf->width;
		v->h = v->surf->height;
		all = (struct display_rect){ 0, 0, v->w, v->h };
		copy_rect(v, &all);
		v->resize_pending = false;
		pthread_mutex_unlock(&v->lock);
		/*
		 * Updates from now on are copied with the new row length;
		 * a client sent one before the switch reads them skewed
		 * (inside the fb: it is max_w x max_h) until the whole
		 * screen, marked below, goes out again.  Only this thread
		 * sets the screen's size.
		 */
		if (all.w != (uint32_t)v->screen->width ||
		    all.h != (uint32_t)v->screen->height)
			/* clients that know DesktopSize get the new size */
			rfbNewFramebuffer(v->screen, (char *)v->fb, all.w,
					  all.h, 8, 3, 4);
		else
			rfbMarkRectAsModified(v->screen, 0, 0, all.w, all.h);
		pthread_mutex_lock(&v->lock);
	}
	pthread_mutex_unlock(&v->lock);
	return NULL;
}

static void vnc_update(struct display_fe *fe, const struct display_rect *r,
		       unsigned int n)
{
	struct vnc_fe *v = fe->priv;

	pthread_mutex_lock(&v->lock);
	for (unsigned int i = 0; v->surf && !v->resize_pending && i < n; i++) {
		if (r[i].x + r[i].w > v->w || r[i].y + r[i].h > v->h)
			continue;	/* of a mode we have not seen */
		copy_rect(v, &r[i]);
		rfbMarkRectAsModified(v->screen, r[i].x, r[i].y,
				      r[i].x + r[i].w, r[i].y + r[i].h);
	}
	pthread_mutex_unlock(&v->lock);
}

/* ---- input ---- */

static void on_key(rfbBool down, rfbKeySym sym, rfbClientPtr cl)
{
	struct vnc_client *c = cl->clientData;
	unsigned int code = keymap_x11_to_linux(sym);

	if (code)
		display_key(c->v->fe->disp, code, down);
}

static void on_pointer(int mask, int x, int y, rfbClientPtr cl)
{
	struct vnc_client *c = cl->clientData;
	/* RFB: buttons 1-3 are bits 0-2, the wheel presses bits 3 (up), 4 */
	int pressed = mask & ~c->buttons;
	int wheel = (pressed & 8 ? 1 : 0) - (pressed & 16 ? 1 : 0);

	c->buttons = mask;
	display_pointer_abs(c->v->fe->disp, x, y, mask & 7, wheel);
}

static void client_gone(rfbClientPtr cl)
{
	struct vnc_client *c = cl->clientData;

	/* rfbShutdownServer() calls it again for clients already gone */
	if (!c)
		return;
	pthread_mutex_lock(&c->v->lock);
	c->v->clients--;
	pthread_mutex_unlock(&c->v->lock);
	mon_dbg("vnc: client %s gone", cl->host);
	free(c);
	cl->clientData = NULL;
}

static enum rfbNewClientAction new_client(rfbClientPtr cl)
{
	struct vnc_fe *v = cl->screen->screenData;
	struct vnc_client *c;

	pthread_mutex_lock(&v->lock);
	if (v->clients >= VNC_MAX_CLIENTS) {
		pthread_mutex_unlock(&v->lock);
		mon_dbg("vnc: client %s refused: %d clients already",
			cl->host, VNC_MAX_CLIENTS);
		return RFB_CLIENT_REFUSE;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		pthread_mutex_unlock(&v->lock);
		return RFB_CLIENT_REFUSE;
	}
	v->clients++;
	pthread_mutex_unlock(&v->lock);
	c->v = v;
	cl->clientData = c;
	cl->clientGoneHook = client_gone;
	mon_dbg("vnc: client %s connected", cl->host);
	return RFB_CLIENT_ACCEPT;
}

/* ---- QEMU extended key event [rfbproto] ---- */

static int ext_key_encodings[] = { ENC_QEMU_EXT_KEY, 0 };

/*
 * The client offered it.  We say we take it with an empty rectangle of
 * the pseudo-encoding in a FramebufferUpdate, but not now: libvncserver
 * answers the same SetEncodings with SupportedMessages in the next
 * update, which would reset the client's list of messages it may send.
 * So the acknowledgement goes out right after that update, from the
 * client's output thread (displayFinishedHook), in order.
 */
static rfbBool ext_key_enable(rfbClientPtr cl, void **data, int enc)
{
	struct vnc_client *c = cl->clientData;

	if (enc != ENC_QEMU_EXT_KEY || !c)
		return FALSE;
	__atomic_store_n(&c->ext_ack, true, __ATOMIC_RELEASE);
	return TRUE;
}

static void update_sent(rfbClientPtr cl, int result)
{
	struct vnc_client *c = cl->clientData;
	char msg[sz_rfbFramebufferUpdateMsg + sz_rfbFramebufferUpdateRectHeader];
	rfbFramebufferUpdateMsg *u = (void *)msg;
	rfbFramebufferUpdateRectHeader *rh =
		(void *)(msg + sz_rfbFramebufferUpdateMsg);

	/* not before SupportedMessages went out (a DesktopSize update
	 * comes first and returns early) */
	if (!c || !result || cl->enableSupportedMessages ||
	    !__atomic_exchange_n(&c->ext_ack, false, __ATOMIC_ACQ_REL))
		return;
	memset(msg, 0, sizeof(msg));
	u->type = rfbFramebufferUpdate;
	u->nRects = Swap16IfLE(1);
	rh->encoding = Swap32IfLE((uint32_t)ENC_QEMU_EXT_KEY);
	if (rfbWriteExact(cl, msg, sizeof(msg)) < 0)
		rfbCloseClient(cl);
}

static rfbBool ext_key_message(rfbClientPtr cl, void *data,
			       const rfbClientToServerMsg *m)
{
	struct vnc_client *c = cl->clientData;
	uint8_t b[11];	/* subtype u8, down u16, keysym u32, keycode u32 */
	uint32_t sym, xt;
	unsigned int code;

	if (m->type != MSG_QEMU)
		return FALSE;
	if (rfbReadExact(cl, (char *)b, sizeof(b)) <= 0) {
		rfbCloseClient(cl);
		return TRUE;
	}
	if (b[0] != 0) {	/* only the key event is known */
		rfbCloseClient(cl);
		return TRUE;
	}
	sym = (uint32_t)b[3] << 24 | b[4] << 16 | b[5] << 8 | b[6];
	xt = (uint32_t)b[7] << 24 | b[8] << 16 | b[9] << 8 | b[10];
	code = keymap_xt_to_linux(xt);
	if (!code)
		code = keymap_x11_to_linux(sym);
	if (code && c)
		display_key(c->v->fe->disp, code, b[1] | b[2]);
	return TRUE;
}

static rfbProtocolExtension ext_key = {
	.pseudoEncodings = ext_key_encodings,
	.enablePseudoEncoding = ext_key_enable,
	.handleMessage = ext_key_message,
};

/* ---- start/stop ---- */

/*
 * The listening sockets, on the display asked for or (vncunused=1) the
 * first free one from there on; libvncserver accepts on them (its own
 * binding is IPv4 only: devices/vnc_addr.c).  Returns the port.
 */
static int vnc_listen_on(struct vnc_fe *v, rfbScreenInfoPtr scr, int display,
			 bool unused, char *err, size_t errlen)
{
	int last = unused ? VNC_MAX_DISPLAY : display;
	int fds[2], n = -EADDRINUSE;

	for (; display <= last; display++) {
		n = vnc_listen(v->host, VNC_BASE_PORT + display, fds, err,
			       errlen);
		if (n != -EADDRINUSE)
			break;
	}
	if (n == -EADDRINUSE) {
		char hb[80];
		const char *h = vnc_host_str(v->host, hb, sizeof(hb));

		snprintf(err, errlen, "vnc=1: cannot listen on %s:%d (port "
			 "%d in use? pick another vnclisten=%s:DISPLAY or set "
			 "vncunused=1)", h, last, VNC_BASE_PORT + last, h);
	}
	if (n < 0)
		return n;
	FD_ZERO(&scr->allFds);
	scr->listenSock = fds[0];
	scr->listen6Sock = n == 2 ? fds[1] : RFB_INVALID_SOCKET;
	FD_SET(fds[0], &scr->allFds);
	scr->maxFd = fds[0];
	if (n == 2) {
		FD_SET(fds[1], &scr->allFds);
		scr->maxFd = fds[1] > fds[0] ? fds[1] : fds[0];
	}
	scr->port = VNC_BASE_PORT + display;
	scr->ipv6port = 0;
	scr->autoPort = FALSE;
	/* rfbInitServer() then leaves the sockets alone */
	scr->socketState = RFB_SOCKET_READY;
	return scr->port;
}

static int vnc_start(struct display_fe *fe, char *err, size_t errlen)
{
	struct display *d = fe->disp;
	const struct display_config *c = display_config(d);
	const char *pw = display_fe_opt(fe, "vncpasswd");
	const char *unused = display_fe_opt(fe, "vncunused");
	struct display_surface *s = display_surface_get(d);
	struct vnc_fe *v = calloc(1, sizeof(*v));
	static bool ext_registered;
	char hb[80];
	int display, r;

	if (!v || !s) {
		display_surface_put(s);
		free(v);
		return -ENOMEM;
	}
	v->fe = fe;
	fe->priv = v;
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->cond, NULL);
	r = vnc_parse_listen(display_fe_opt(fe, "vnclisten"),
			     display_fe_opt(fe, "vncdisplay"), v->host,
			     sizeof(v->host), &display, err, errlen);
	if (r)
		goto fail;
	v->max_w = c->width;
	v->max_h = c->height;
	v->w = s->width;
	v->h = s->height;
	v->fb = calloc((size_t)v->max_w * v->max_h, 4);
	r = -ENOMEM;
	if (!v->fb)
		goto fail;
	rfbLog = vnc_log;
	rfbErr = vnc_log;
	if (!ext_registered) {
		rfbRegisterProtocolExtension(&ext_key);
		ext_registered = true;
	}
	v->screen = rfbGetScreen(NULL, NULL, v->w, v->h, 8, 3, 4);
	if (!v->screen)
		goto fail;
	v->screen->screenData = v;
	v->screen->frameBuffer = (char *)v->fb;
	v->screen->desktopName = display_vm_name(d);
	v->screen->alwaysShared = TRUE;		/* several viewers at once */
	v->screen->httpPort = v->screen->http6Port = 0;
	v->screen->cursor = NULL;	/* never draw a cursor into the pixels */
	v->screen->kbdAddEvent = on_key;
	v->screen->ptrAddEvent = on_pointer;
	v->screen->newClientHook = new_client;
	v->screen->displayFinishedHook = update_sent;
	if (pw && *pw) {
		v->passwds[0] = strdup(pw);
		v->screen->authPasswdData = v->passwds;
		v->screen->passwordCheck = rfbCheckPasswordByList;
	}
	r = vnc_listen_on(v, v->screen, display, unused && !strcmp(unused, "1"),
			  err, errlen);
	if (r < 0)
		goto fail;
	/* a client that takes no byte for 5 s is dropped (default 20 s):
	 * until then it holds up the others' new modes (vnc_resize) */
	rfbMaxClientWait = 5000;
	rfbInitServer(v->screen);
	if (pthread_create(&v->resizer, NULL, resizer, v)) {
		snprintf(err, errlen, "vnc=1: cannot start a thread");
		r = -EAGAIN;
		goto fail;
	}
	v->resizer_up = true;
	rfbRunEventLoop(v->screen, -1, TRUE);
	display_set_vnc_address(d, v->host, v->screen->port);
	mon_info("vnc: listening on %s:%d (display %d%s)%s",
		 vnc_host_str(v->host, hb, sizeof(hb)), v->screen->port,
		 v->screen->port - VNC_BASE_PORT,
		 v->screen->listen6Sock != RFB_INVALID_SOCKET ?
		 ", IPv4 and IPv6" : "",
		 v->passwds[0] ? ", password required" : "");
	display_surface_put(s);
	return 0;
fail:
	display_surface_put(s);
	if (v->screen) {
		rfbShutdownSockets(v->screen);	/* ours, if bound */
		rfbScreenCleanup(v->screen);
	}
	free(v->passwds[0]);
	free(v->fb);
	pthread_cond_destroy(&v->cond);
	pthread_mutex_destroy(&v->lock);
	free(v);
	fe->priv = NULL;
	return r;
}

static void vnc_stop(struct display_fe *fe)
{
	struct vnc_fe *v = fe->priv;

	if (!v)
		return;
	pthread_mutex_lock(&v->lock);
	v->stopping = true;
	pthread_cond_signal(&v->cond);
	pthread_mutex_unlock(&v->lock);
	/* first the clients: a resizer waiting for a stuck one goes on */
	rfbShutdownServer(v->screen, TRUE);
	pthread_join(v->resizer, NULL);
	rfbScreenCleanup(v->screen);
	display_set_vnc_address(fe->disp, NULL, 0);
	display_surface_put(v->surf);
	free(v->passwds[0]);
	free(v->fb);
	pthread_cond_destroy(&v->cond);
	pthread_mutex_destroy(&v->lock);
	free(v);
	fe->priv = NULL;
}

static const struct display_fe_ops vnc_ops = {
	.name = "vnc",
	.start = vnc_start,
	.stop = vnc_stop,
	.resize = vnc_resize,
	.update = vnc_update,
};
DISPLAY_FRONTEND(vnc_ops)
