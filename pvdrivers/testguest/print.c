// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal formatted output to the UART: %s %c %d %i %u %x %p %%, the
 * length modifiers l and ll (z is treated as l), a field width and the
 * '0' flag.  Enough for TAP lines; anything else is printed verbatim.
 */
#include "tg.h"

static void put_str(const char *s, int width, char pad)
{
	int len = (int)strlen(s);

	for (; width > len; width--)
		uart_putc(pad);
	while (*s)
		uart_putc(*s++);
}

static void put_num(unsigned long long v, unsigned int base, int neg,
		    int width, char pad)
{
	static const char digits[] = "0123456789abcdef";
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (neg) {
		if (pad == '0') {
			uart_putc('-');
			width--;
		} else {
			buf[--i] = '-';
		}
	}
	put_str(&buf[i], width, pad);
}

void tg_vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		unsigned long long u;
		long long s;
		int width = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			uart_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}

		switch (*fmt) {
		case 's':
			put_str(va_arg(ap, const char *), width, ' ');
			break;
		case 'c':
			uart_putc((char)va_arg(ap, int));
			break;
		case 'd':
		case 'i':
			s = lng >= 2 ? va_arg(ap, long long) :
			    lng ? va_arg(ap, long) : va_arg(ap, int);
			put_num(s < 0 ? -(unsigned long long)s : (unsigned long long)s,
				10, s < 0, width, pad);
			break;
		case 'u':
		case 'x':
			u = lng >= 2 ? va_arg(ap, unsigned long long) :
			    lng ? va_arg(ap, unsigned long) :
			    va_arg(ap, unsigned int);
			put_num(u, *fmt == 'u' ? 10 : 16, 0, width, pad);
			break;
		case 'p':
			uart_putc('0');
			uart_putc('x');
			put_num((uintptr_t)va_arg(ap, void *), 16, 0, width, pad);
			break;
		case '%':
			uart_putc('%');
			break;
		case '\0':
			return;
		default:
			uart_putc('%');
			uart_putc(*fmt);
			break;
		}
	}
}

void tg_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tg_vprintf(fmt, ap);
	va_end(ap);
}
