/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 16550A UART register model: pure functions on a struct, no I/O, no
 * threads, no locking (the caller serialises).  devices/uart8250.c wires
 * it to COM1 and the terminal; tests/unit/test_uart.c tests it.
 *
 * Transmission is instantaneous: a byte written to THR goes to @tx at
 * once, so THRE and TEMT read as 1 and the THR-empty interrupt re-arms
 * after every write.  Reception goes through a 16-byte FIFO (one byte with
 * FIFOs off) with the 16550A overrun rules.  Character timeout (IIR 0xC) is
 * raised when the host side reports the line idle (uart_rx_idle()).
 *
 * Register and bit names follow the National PC16550D datasheet.
 */
#ifndef DEV_UART8250_H
#define DEV_UART8250_H

#include <stdbool.h>
#include <stdint.h>

#define UART_FIFO_SIZE	16

/* register offsets */
enum {
	UART_RBR = 0, UART_THR = 0, UART_DLL = 0,
	UART_IER = 1, UART_DLM = 1,
	UART_IIR = 2, UART_FCR = 2,
	UART_LCR = 3, UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};

#define UART_IER_ERBFI	0x01	/* received data available */
#define UART_IER_ETBEI	0x02	/* THR empty */
#define UART_IER_ELSI	0x04	/* receiver line status */
#define UART_IER_EDSSI	0x08	/* modem status */

#define UART_IIR_NONE	0x01
#define UART_IIR_MSI	0x00
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_RLSI	0x06
#define UART_IIR_CTI	0x0c	/* character timeout */
#define UART_IIR_FIFO	0xc0

#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLR_RX	0x02
#define UART_FCR_CLR_TX	0x04
#define UART_FCR_DMA	0x08
#define UART_FCR_TRIG	0xc0

#define UART_LCR_DLAB	0x80

#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10

#define UART_LSR_DR	0x01
#define UART_LSR_OE	0x02
#define UART_LSR_PE	0x04
#define UART_LSR_FE	0x08
#define UART_LSR_BI	0x10
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40
#define UART_LSR_FIFOE	0x80
#define UART_LSR_ERRS	(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS	0x01
#define UART_MSR_DDSR	0x02
#define UART_MSR_TERI	0x04
#define UART_MSR_DDCD	0x08
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80
#define UART_MSR_DELTAS	0x0f

struct uart16550 {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t lsr_err;	/* sticky OE/PE/FE/BI, cleared by reading LSR */
	uint8_t msr;		/* line states + delta bits */
	uint8_t modem_in;	/* external CTS/DSR/RI/DCD (MSR bit positions) */
	uint8_t rx[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	bool thr_ipending;	/* THR-empty interrupt pending */
	bool timeout_pending;	/* character timeout */
	int irq_level;		/* last level given to @irq */

	void (*tx)(void *opaque, uint8_t c);		/* may be NULL */
	void (*irq)(void *opaque, int level);		/* may be NULL */
	void *opaque;
};

/* Power-on reset; hooks kept.  External lines: CTS, DSR, DCD asserted. */
void uart_init(struct uart16550 *u, void (*tx)(void *, uint8_t),
	       void (*irq)(void *, int), void *opaque);
void uart_reset(struct uart16550 *u);

uint8_t uart_read(struct uart16550 *u, unsigned int reg);
void uart_write(struct uart16550 *u, unsigned int reg, uint8_t val);

/* Line input.  Returns false if the byte was lost (overrun). */
bool uart_rx_push(struct uart16550 *u, uint8_t c);
/* Bytes that can arrive from outside now without overrun (0 in loopback). */
unsigned int uart_rx_room(const struct uart16550 *u);
/* The line went quiet: raise the character timeout if data waits. */
void uart_rx_idle(struct uart16550 *u);
/* Set the external modem inputs (UART_MSR_CTS|DSR|RI|DCD). */
void uart_set_modem_inputs(struct uart16550 *u, uint8_t lines);
/* Current IIR value without side effects. */
uint8_t uart_iir(const struct uart16550 *u);
/* FIFO receive trigger level in bytes (1 with FIFOs off). */
unsigned int uart_rx_trigger(const struct uart16550 *u);

#endif /* DEV_UART8250_H */
