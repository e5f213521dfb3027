// SPDX-License-Identifier: GPL-2.0
/*
 * 16550A register state machine (devices/uart8250.h).  Behaviour follows
 * the PC16550D datasheet: interrupt priorities (Table IV), the FIFO
 * overrun rule (FIFO mode: the new byte is lost; 16450 mode: it replaces
 * RBR), loopback wiring (DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD) and FCR
 * bits only taking effect together with FCR0.
 */
#include <string.h>

#include "devices/uart8250.h"

static bool fifo_on(const struct uart16550 *u)
{
	return u->fcr & UART_FCR_ENABLE;
}

static unsigned int rx_capacity(const struct uart16550 *u)
{
	return fifo_on(u) ? UART_FIFO_SIZE : 1;
}

unsigned int uart_rx_trigger(const struct uart16550 *u)
{
	static const unsigned int levels[4] = { 1, 4, 8, 14 };

	return fifo_on(u) ? levels[u->fcr >> 6] : 1;
}

uint8_t uart_iir(const struct uart16550 *u)
{
	uint8_t iir = UART_IIR_NONE;

	if ((u->ier & UART_IER_ELSI) && u->lsr_err)
		iir = UART_IIR_RLSI;
	else if ((u->ier & UART_IER_ERBFI) && u->rx_count >= uart_rx_trigger(u))
		iir = UART_IIR_RDI;
	else if ((u->ier & UART_IER_ERBFI) && u->rx_count && u->timeout_pending)
		iir = UART_IIR_CTI;
	else if ((u->ier & UART_IER_ETBEI) && u->thr_ipending)
		iir = UART_IIR_THRI;
	else if ((u->ier & UART_IER_EDSSI) && (u->msr & UART_MSR_DELTAS))
		iir = UART_IIR_MSI;
	return iir | (fifo_on(u) ? UART_IIR_FIFO : 0);
}

/*
 * On a PC the UART's INTR pin reaches the interrupt controller through a
 * gate driven by OUT2; in loopback the OUT2 pin is forced inactive.
 */
static void update_irq(struct uart16550 *u)
{
	int level = !(uart_iir(u) & UART_IIR_NONE) &&
		    (u->mcr & (UART_MCR_OUT2 | UART_MCR_LOOP)) == UART_MCR_OUT2;

	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->irq)
			u->irq(u->opaque, level);
	}
}

/* Recompute MSR line bits, latching deltas for the lines that changed. */
static void update_msr(struct uart16550 *u)
{
	uint8_t lines, old = u->msr & ~UART_MSR_DELTAS, chg;

	if (u->mcr & UART_MCR_LOOP) {
		lines = 0;
		if (u->mcr & UART_MCR_RTS)
			lines |= UART_MSR_CTS;
		if (u->mcr & UART_MCR_DTR)
			lines |= UART_MSR_DSR;
		if (u->mcr & UART_MCR_OUT1)
			lines |= UART_MSR_RI;
		if (u->mcr & UART_MCR_OUT2)
			lines |= UART_MSR_DCD;
	} else {
		lines = u->modem_in & ~UART_MSR_DELTAS;
	}
	chg = old ^ lines;
	if (chg & UART_MSR_CTS)
		u->msr |= UART_MSR_DCTS;
	if (chg & UART_MSR_DSR)
		u->msr |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI))
		u->msr |= UART_MSR_TERI;	/* trailing edge only */
	if (chg & UART_MSR_DCD)
		u->msr |= UART_MSR_DDCD;
	u->msr = (u->msr & UART_MSR_DELTAS) | lines;
}

static void rx_clear(struct uart16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
	u->timeout_pending = false;
}

/* A byte completed in the receive shift register. */
static bool receive(struct uart16550 *u, uint8_t c)
{
	if (u->rx_count == rx_capacity(u)) {
		u->lsr_err |= UART_LSR_OE;
		if (!fifo_on(u))	/* 16450 mode: RBR is overwritten */
			u->rx[u->rx_head] = c;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = c;
	u->rx_count++;
	/* new data restarts the timeout: only an idle line raises it */
	u->timeout_pending = false;
	return true;
}

bool uart_rx_push(struct uart16550 *u, uint8_t c)
{
	bool ok = receive(u, c);

	update_irq(u);
	return ok;
}

unsigned int uart_rx_room(const struct uart16550 *u)
{
	if (u->mcr & UART_MCR_LOOP)
		return 0;	/* the serial input is disconnected */
	return rx_capacity(u) - u->rx_count;
}

void uart_rx_idle(struct uart16550 *u)
{
	if (fifo_on(u) && u->rx_count)
		u->timeout_pending = true;
	update_irq(u);
}

void uart_set_modem_inputs(struct uart16550 *u, uint8_t lines)
{
	u->modem_in = lines & ~UART_MSR_DELTAS;
	update_msr(u);
	update_irq(u);
}

void uart_reset(struct uart16550 *u)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->scr = 0;
	u->fcr = 0;
	u->lsr_err = 0;
	/* divisor is undefined after reset; 12 is 9600 baud at 1.8432 MHz */
	u->dll = 12;
	u->dlm = 0;
	rx_clear(u);
	u->thr_ipending = false;	/* IIR reads 0x01 after reset */
	u->msr = u->modem_in & ~UART_MSR_DELTAS;
	u->irq_level = 0;
	update_irq(u);
}

void uart_init(struct uart16550 *u, void (*tx)(void *, uint8_t),
	       void (*irq)(void *, int), void *opaque)
{
	memset(u, 0, sizeof(*u));
	u->tx = tx;
	u->irq = irq;
	u->opaque = opaque;
	/* a terminal is attached: clear to send, data set ready, carrier */
	u->modem_in = UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	uart_reset(u);
}

static uint8_t read_rbr(struct uart16550 *u)
{
	uint8_t c;

	if (!u->rx_count)
		return u->rx[u->rx_head];	/* stale byte, as hardware */
	c = u->rx[u->rx_head];
	if (u->rx_count > 1 || fifo_on(u))
		u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	u->timeout_pending = false;
	return c;
}

static uint8_t read_lsr(struct uart16550 *u)
{
	uint8_t lsr = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_err;

	if (u->rx_count)
		lsr |= UART_LSR_DR;
	/* LSR7 flags a parity/framing/break error inside the FIFO; the
	 * model never receives such bytes, so it stays 0. */
	u->lsr_err = 0;
	return lsr;
}

uint8_t uart_read(struct uart16550 *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t v;

	switch (reg & 7) {
	case UART_RBR:
		v = dlab ? u->dll : read_rbr(u);
		break;
	case UART_IER:
		v = dlab ? u->dlm : u->ier;
		break;
	case UART_IIR:
		v = uart_iir(u);
		/* reading IIR acknowledges a THR-empty interrupt */
		if ((v & 0x0f) == UART_IIR_THRI)
			u->thr_ipending = false;
		break;
	case UART_LCR:
		v = u->lcr;
		break;
	case UART_MCR:
		v = u->mcr;
		break;
	case UART_LSR:
		v = read_lsr(u);
		break;
	case UART_MSR:
		v = u->msr;
		u->msr &= ~UART_MSR_DELTAS;
		break;
	default:
		v = u->scr;
		break;
	}
	update_irq(u);
	return v;
}

static void write_thr(struct uart16550 *u, uint8_t c)
{
	u->thr_ipending = false;
	if (u->mcr & UART_MCR_LOOP)
		receive(u, c);
	else if (u->tx)
		u->tx(u->opaque, c);
	/* sent at once: THR is empty again */
	u->thr_ipending = true;
}

static void write_fcr(struct uart16550 *u, uint8_t v)
{
	if ((v ^ u->fcr) & UART_FCR_ENABLE)
		rx_clear(u);		/* toggling FIFO mode empties both */
	if (!(v & UART_FCR_ENABLE)) {
		u->fcr = 0;		/* other bits need FCR0 = 1 */
		return;
	}
	if (v & UART_FCR_CLR_RX)
		rx_clear(u);
	/* CLR_TX: the transmit side is always empty */
	u->fcr = v & (UART_FCR_ENABLE | UART_FCR_DMA | UART_FCR_TRIG);
}

void uart_write(struct uart16550 *u, unsigned int reg, uint8_t val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg & 7) {
	case UART_THR:
		if (dlab)
			u->dll = val;
		else
			write_thr(u, val);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = val;
		} else {
			/* enabling ETBEI while THR is empty interrupts at once */
			if ((val & ~u->ier & UART_IER_ETBEI))
				u->thr_ipending = true;
			u->ier = val & 0x0f;
		}
		break;
	case UART_FCR:
		write_fcr(u, val);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & 0x1f;
		update_msr(u);
		break;
	case UART_LSR:
	case UART_MSR:
		break;		/* read-only (LSR writes are factory test) */
	default:
		u->scr = val;
		break;
	}
	update_irq(u);
}
