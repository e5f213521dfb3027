// SPDX-License-Identifier: GPL-2.0
/* libSDL2 loaded with dlopen() (devices/fe_sdl_lib.h says why). */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include "devices/fe_sdl_lib.h"

/* Debian's libsdl2-2.0-0 (the SONAME; the -dev package's .so link is
 * not needed at run time) */
#define FE_SDL_SONAME	"libSDL2-2.0.so.0"

struct fe_sdl_lib sdl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int load_ret;
static char load_err[256];

static void load(void)
{
	void *h = dlopen(FE_SDL_SONAME, RTLD_NOW | RTLD_LOCAL);
	SDL_version v;

	if (!h) {
		snprintf(load_err, sizeof(load_err),
			 "sdl=1: cannot load " FE_SDL_SONAME ": %s "
			 "(install Debian's libsdl2-2.0-0)", dlerror());
		load_ret = -ENOENT;
		return;
	}
#define FE_SDL_SYM(f)							\
	if (!(sdl.f = (__typeof__(f) *)dlsym(h, #f))) {			\
		snprintf(load_err, sizeof(load_err),			\
			 "sdl=1: " FE_SDL_SONAME " has no %s: SDL 2.0.12 " \
			 "or newer is needed", #f);			\
		load_ret = -ENOSYS;					\
		return;							\
	}
	FE_SDL_FUNCS(FE_SDL_SYM)
#undef FE_SDL_SYM
	sdl.SDL_GetVersion(&v);
	if (SDL_VERSIONNUM(v.major, v.minor, v.patch) < SDL_VERSIONNUM(2, 0, 12)) {
		snprintf(load_err, sizeof(load_err),
			 "sdl=1: SDL %u.%u.%u is too old (2.0.12 or newer)",
			 v.major, v.minor, v.patch);
		load_ret = -ENOSYS;
	}
	/* the handle stays open: SDL's threads may outlive a dlclose */
}

int fe_sdl_lib_load(char *err, size_t errlen)
{
	pthread_once(&once, load);
	if (load_ret)
		snprintf(err, errlen, "%s", load_err);
	return load_ret;
}
