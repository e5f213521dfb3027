// SPDX-License-Identifier: GPL-2.0
/* Polled 16550 output on COM1: 115200 8N1, FIFOs on, no interrupts. */
#include "tg.h"
#include "cpu.h"

#define COM1		0x3f8
#define UART_THR	0	/* DLAB=0, write */
#define UART_DLL	0	/* DLAB=1 */
#define UART_IER	1
#define UART_DLM	1	/* DLAB=1 */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ENABLE	0x01
#define FCR_CLEAR	0x06	/* clear receive and transmit FIFOs */
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20

#define UART_CLOCK_DIV	1	/* 1.8432 MHz / 16 / 115200 */

/* Bound on LSR polls per byte so a dead UART cannot hang the guest. */
#define THRE_SPINS	100000

void uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, UART_CLOCK_DIV & 0xff);
	outb(COM1 + UART_DLM, UART_CLOCK_DIV >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE | FCR_CLEAR);
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

void uart_putc(char c)
{
	unsigned int i;

	for (i = 0; i < THRE_SPINS; i++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}
