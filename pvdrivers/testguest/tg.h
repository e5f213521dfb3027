/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Freestanding test guest: shared declarations.  head.S enters tg_main()
 * in 64-bit mode on an identity map of the first 4 GiB; everything else
 * (IDT, UART, TAP output) is set up by the image's tg_main().
 */
#ifndef _TG_H
#define _TG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Power-off values written to HXEN_TESTDEV_POWEROFF. */
#define TG_EXIT_PASS	0	/* every TAP line was ok */
#define TG_EXIT_FAIL	1	/* at least one not ok */
#define TG_EXIT_BAIL	2	/* unexpected exception or broken plan */

/* Entered from head.S with the start-info GPA from EBX (0 if none). */
void tg_main(uint32_t start_info) __attribute__((noreturn));

/* lib.c */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* uart.c: 16550 at 0x3f8, polled. */
void uart_init(void);
void uart_putc(char c);

/* print.c: a small printf to the UART (%s %c %d %u %x %p, l/ll, width). */
void tg_vprintf(const char *fmt, va_list ap);
void tg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* trap.c: IDT with a handler on every vector. */
typedef void (*tg_irq_fn)(unsigned int vector);
void trap_init(void);
void trap_set_irq_handler(unsigned int vector, tg_irq_fn fn);
unsigned int trap_unexpected_irqs(unsigned int *last_vector);
void pic_mask_all(void);

/* tap.c: TAP producer. */
void tap_plan(unsigned int n);
void tap_begin_check(const char *name);
unsigned int tap_count(void);
int tap_ok(int cond, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tap_skip(const char *name, const char *why);
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_bail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
int tap_failed(void);
void tg_poweroff(unsigned int code) __attribute__((noreturn));

#endif /* _TG_H */
