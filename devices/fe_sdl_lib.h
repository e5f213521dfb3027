/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libSDL2, loaded at run time: only a VM with sdl=1 loads it, so a
 * headless monitor neither maps SDL nor the ~50 libraries it pulls in
 * (X11, Wayland, PulseAudio, ...), and runs on a host without them.
 * Calls go through the table: sdl.SDL_Init(...).
 */
#ifndef HXEN_FE_SDL_LIB_H
#define HXEN_FE_SDL_LIB_H

#include <stddef.h>
#include <SDL2/SDL.h>

/* Every SDL function the window uses (SDL 2.0.12 or newer). */
#define FE_SDL_FUNCS(X)							\
	X(SDL_GetVersion) X(SDL_SetHint) X(SDL_Init) X(SDL_Quit)	\
	X(SDL_GetError) X(SDL_GetCurrentVideoDriver)			\
	X(SDL_CreateWindow) X(SDL_DestroyWindow) X(SDL_SetWindowTitle)	\
	X(SDL_GetWindowSize) X(SDL_SetWindowSize) X(SDL_SetWindowGrab)	\
	X(SDL_SetWindowFullscreen) X(SDL_GetWindowFlags)		\
	X(SDL_GetWindowDisplayIndex) X(SDL_GetDisplayUsableBounds)	\
	X(SDL_SetRelativeMouseMode)					\
	X(SDL_CreateRenderer) X(SDL_DestroyRenderer)			\
	X(SDL_GetRendererOutputSize) X(SDL_GetRendererInfo)		\
	X(SDL_SetRenderDrawColor) X(SDL_RenderClear) X(SDL_RenderCopy)	\
	X(SDL_RenderPresent)						\
	X(SDL_CreateTexture) X(SDL_DestroyTexture) X(SDL_UpdateTexture)	\
	X(SDL_WaitEventTimeout) X(SDL_PushEvent) X(SDL_RegisterEvents)	\
	X(SDL_GetTicks)

#define FE_SDL_PTR(f) __typeof__(f) *f;
struct fe_sdl_lib {
	FE_SDL_FUNCS(FE_SDL_PTR)
};
#undef FE_SDL_PTR

extern struct fe_sdl_lib sdl;

/*
 * dlopen()s libSDL2 and resolves the table (once; later calls return
 * the first result).  0, or -errno with the reason in @err.
 */
int fe_sdl_lib_load(char *err, size_t errlen);

#endif /* HXEN_FE_SDL_LIB_H */
