// SPDX-License-Identifier: GPL-2.0
/* 16550A register model (devices/uart8250_core.c). */
#include <string.h>

#include "unit.h"
#include "devices/uart8250.h"

static uint8_t txbuf[64];
static unsigned int ntx;
static int irq_level, irq_calls;

static void tx(void *opaque, uint8_t c)
{
	if (ntx < sizeof(txbuf))
		txbuf[ntx] = c;
	ntx++;
}

static void irq(void *opaque, int level)
{
	irq_level = level;
	irq_calls++;
}

static void setup(struct uart16550 *u)
{
	ntx = 0;
	irq_level = 0;
	irq_calls = 0;
	uart_init(u, tx, irq, NULL);
}

static void test_reset_values(void)
{
	struct uart16550 u;

	setup(&u);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IER), 0);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR), UART_IIR_NONE);
	CU_ASSERT_EQUAL(uart_read(&u, UART_LCR), 0);
	CU_ASSERT_EQUAL(uart_read(&u, UART_MCR), 0);
	CU_ASSERT_EQUAL(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	/* terminal attached: CTS, DSR, DCD; no delta after reset */
	CU_ASSERT_EQUAL(uart_read(&u, UART_MSR),
			UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
	CU_ASSERT_EQUAL(irq_level, 0);
}

static void test_dlab_switching(void)
{
	struct uart16550 u;

	setup(&u);
	uart_write(&u, UART_IER, UART_IER_ERBFI);
	uart_write(&u, UART_LCR, UART_LCR_DLAB | 0x03);
	uart_write(&u, UART_DLL, 0x01);
	uart_write(&u, UART_DLM, 0x02);
	/* divisor latch does not transmit nor touch IER */
	CU_ASSERT_EQUAL(ntx, 0);
	CU_ASSERT_EQUAL(uart_read(&u, UART_DLL), 0x01);
	CU_ASSERT_EQUAL(uart_read(&u, UART_DLM), 0x02);
	CU_ASSERT_EQUAL(uart_read(&u, UART_LCR), UART_LCR_DLAB | 0x03);
	uart_write(&u, UART_LCR, 0x03);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IER), UART_IER_ERBFI);
	uart_write(&u, UART_THR, 'A');
	CU_ASSERT_EQUAL(ntx, 1);
	CU_ASSERT_EQUAL(txbuf[0], 'A');
	/* back in DLAB: divisor preserved */
	uart_write(&u, UART_LCR, UART_LCR_DLAB);
	CU_ASSERT_EQUAL(uart_read(&u, UART_DLL), 0x01);
	CU_ASSERT_EQUAL(uart_read(&u, UART_DLM), 0x02);
}

static void test_scratch_and_ier_mask(void)
{
	struct uart16550 u;

	setup(&u);
	uart_write(&u, UART_SCR, 0x5a);
	CU_ASSERT_EQUAL(uart_read(&u, UART_SCR), 0x5a);
	uart_write(&u, UART_SCR, 0xa5);
	CU_ASSERT_EQUAL(uart_read(&u, UART_SCR), 0xa5);
	uart_write(&u, UART_IER, 0xff);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IER), 0x0f);
	uart_write(&u, UART_MCR, 0xff);
	CU_ASSERT_EQUAL(uart_read(&u, UART_MCR), 0x1f);
}

static void test_rx_non_fifo_overrun(void)
{
	struct uart16550 u;
	uint8_t lsr;

	setup(&u);
	CU_ASSERT_EQUAL(uart_rx_room(&u), 1);
	CU_ASSERT_TRUE(uart_rx_push(&u, 'x'));
	CU_ASSERT_EQUAL(uart_rx_room(&u), 0);
	CU_ASSERT_FALSE(uart_rx_push(&u, 'y'));	/* overrun */
	lsr = uart_read(&u, UART_LSR);
	CU_ASSERT_TRUE(lsr & UART_LSR_DR);
	CU_ASSERT_TRUE(lsr & UART_LSR_OE);
	/* OE clears on read; 16450 mode keeps the newest byte */
	CU_ASSERT_FALSE(uart_read(&u, UART_LSR) & UART_LSR_OE);
	CU_ASSERT_EQUAL(uart_read(&u, UART_RBR), 'y');
	CU_ASSERT_FALSE(uart_read(&u, UART_LSR) & UART_LSR_DR);
}

static void test_fifo_overrun(void)
{
	struct uart16550 u;

	setup(&u);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR) & UART_IIR_FIFO, UART_IIR_FIFO);
	CU_ASSERT_EQUAL(uart_rx_room(&u), UART_FIFO_SIZE);
	for (int i = 0; i < UART_FIFO_SIZE; i++)
		CU_ASSERT_TRUE(uart_rx_push(&u, 'a' + i));
	CU_ASSERT_FALSE(uart_read(&u, UART_LSR) & UART_LSR_OE);
	CU_ASSERT_FALSE(uart_rx_push(&u, 'Z'));
	CU_ASSERT_TRUE(uart_read(&u, UART_LSR) & UART_LSR_OE);
	/* FIFO mode: the FIFO is intact, the 17th byte is lost */
	for (int i = 0; i < UART_FIFO_SIZE; i++)
		CU_ASSERT_EQUAL(uart_read(&u, UART_RBR), 'a' + i);
	CU_ASSERT_FALSE(uart_read(&u, UART_LSR) & UART_LSR_DR);
}

static void test_fifo_reset_and_toggle(void)
{
	struct uart16550 u;

	setup(&u);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE);
	uart_rx_push(&u, '1');
	uart_rx_push(&u, '2');
	uart_write(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLR_RX);
	CU_ASSERT_FALSE(uart_read(&u, UART_LSR) & UART_LSR_DR);
	uart_rx_push(&u, '3');
	uart_write(&u, UART_FCR, 0);	/* FIFOs off: cleared too */
	CU_ASSERT_FALSE(uart_read(&u, UART_LSR) & UART_LSR_DR);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR) & UART_IIR_FIFO, 0);
	/* trigger bits ignored without FCR0 */
	uart_write(&u, UART_FCR, 0xc0);
	CU_ASSERT_EQUAL(uart_rx_trigger(&u), 1);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR) & UART_IIR_FIFO, 0);
}

static void test_trigger_levels_and_timeout(void)
{
	static const struct { uint8_t fcr; unsigned int level; } t[] = {
		{ 0x00, 1 }, { 0x40, 4 }, { 0x80, 8 }, { 0xc0, 14 },
	};
	struct uart16550 u;

	for (unsigned int i = 0; i < 4; i++) {
		setup(&u);
		uart_write(&u, UART_MCR, UART_MCR_OUT2);
		uart_write(&u, UART_FCR, UART_FCR_ENABLE | t[i].fcr);
		uart_write(&u, UART_IER, UART_IER_ERBFI);
		CU_ASSERT_EQUAL(uart_rx_trigger(&u), t[i].level);
		for (unsigned int n = 1; n < t[i].level; n++) {
			uart_rx_push(&u, 'x');
			CU_ASSERT_EQUAL(uart_read(&u, UART_IIR) & 0x0f,
					UART_IIR_NONE);
		}
		uart_rx_push(&u, 'y');
		CU_ASSERT_EQUAL(uart_read(&u, UART_IIR) & 0x0f, UART_IIR_RDI);
		CU_ASSERT_EQUAL(irq_level, 1);
	}

	/* below the trigger: character timeout once the line is idle */
	setup(&u);
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE | 0xc0);
	uart_write(&u, UART_IER, UART_IER_ERBFI);
	uart_rx_push(&u, 'a');
	uart_rx_push(&u, 'b');
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR) & 0x0f, UART_IIR_NONE);
	uart_rx_idle(&u);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR), UART_IIR_FIFO | UART_IIR_CTI);
	CU_ASSERT_EQUAL(irq_level, 1);
	CU_ASSERT_EQUAL(uart_read(&u, UART_RBR), 'a');	/* read resets it */
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR) & 0x0f, UART_IIR_NONE);
	CU_ASSERT_EQUAL(irq_level, 0);
	uart_rx_idle(&u);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR) & 0x0f, UART_IIR_CTI);
	CU_ASSERT_EQUAL(uart_read(&u, UART_RBR), 'b');
	uart_rx_idle(&u);	/* empty: no timeout */
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR) & 0x0f, UART_IIR_NONE);
}

static void test_thre_interrupt(void)
{
	struct uart16550 u;

	setup(&u);
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	CU_ASSERT_EQUAL(irq_level, 0);
	/* enabling ETBEI with THR empty interrupts at once */
	uart_write(&u, UART_IER, UART_IER_ETBEI);
	CU_ASSERT_EQUAL(irq_level, 1);
	/* reading IIR that reports THRE acknowledges it */
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR), UART_IIR_THRI);
	CU_ASSERT_EQUAL(irq_level, 0);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR), UART_IIR_NONE);
	/* each byte sent empties THR again */
	uart_write(&u, UART_THR, 'q');
	CU_ASSERT_EQUAL(irq_level, 1);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR), UART_IIR_THRI);
	/* OUT2 gates the line on a PC */
	uart_write(&u, UART_THR, 'r');
	uart_write(&u, UART_MCR, 0);
	CU_ASSERT_EQUAL(irq_level, 0);
	CU_ASSERT_EQUAL(uart_iir(&u), UART_IIR_THRI);
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	CU_ASSERT_EQUAL(irq_level, 1);
	/* disabling ETBEI drops the request */
	uart_write(&u, UART_IER, 0);
	CU_ASSERT_EQUAL(irq_level, 0);
}

static void test_iir_priorities(void)
{
	struct uart16550 u;

	setup(&u);
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	uart_write(&u, UART_IER, 0x0f);
	uart_set_modem_inputs(&u, UART_MSR_DSR | UART_MSR_DCD);	/* CTS drop */
	uart_rx_push(&u, '1');
	uart_rx_push(&u, '2');					/* overrun */
	/* all four pending: line status first */
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR), UART_IIR_RLSI);
	uart_read(&u, UART_LSR);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR), UART_IIR_RDI);
	uart_read(&u, UART_RBR);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR), UART_IIR_THRI);
	/* THRE acknowledged by that IIR read: modem status is next */
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR), UART_IIR_MSI);
	CU_ASSERT_EQUAL(uart_read(&u, UART_MSR),
			UART_MSR_DCTS | UART_MSR_DSR | UART_MSR_DCD);
	CU_ASSERT_EQUAL(uart_read(&u, UART_IIR), UART_IIR_NONE);
	CU_ASSERT_EQUAL(irq_level, 0);
}

static void test_loopback(void)
{
	struct uart16550 u;
	uint8_t msr;

	setup(&u);
	uart_read(&u, UART_MSR);
	/* Linux's probe: loopback with RTS and OUT2 -> CTS and DCD only */
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_OUT2);
	msr = uart_read(&u, UART_MSR);
	CU_ASSERT_EQUAL(msr & 0xf0, UART_MSR_CTS | UART_MSR_DCD);
	CU_ASSERT_TRUE(msr & UART_MSR_DDSR);	/* DSR fell: 1 -> 0 */
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
	msr = uart_read(&u, UART_MSR);
	CU_ASSERT_EQUAL(msr & 0xf0, UART_MSR_DSR | UART_MSR_RI);
	CU_ASSERT_TRUE(msr & UART_MSR_DCTS);
	CU_ASSERT_TRUE(msr & UART_MSR_DDSR);
	CU_ASSERT_TRUE(msr & UART_MSR_DDCD);
	CU_ASSERT_FALSE(msr & UART_MSR_TERI);	/* RI rose: no TERI */
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
	CU_ASSERT_TRUE(uart_read(&u, UART_MSR) & UART_MSR_TERI);	/* fell */
	CU_ASSERT_EQUAL(uart_read(&u, UART_MSR) & UART_MSR_DELTAS, 0);

	/* bytes written come back, nothing reaches the sink */
	CU_ASSERT_EQUAL(uart_rx_room(&u), 0);	/* outside input disconnected */
	uart_write(&u, UART_THR, 0x55);
	CU_ASSERT_EQUAL(ntx, 0);
	CU_ASSERT_TRUE(uart_read(&u, UART_LSR) & UART_LSR_DR);
	CU_ASSERT_EQUAL(uart_read(&u, UART_RBR), 0x55);
	/* interrupt output is disconnected in loopback even with OUT2 */
	uart_write(&u, UART_IER, UART_IER_ETBEI);
	CU_ASSERT_EQUAL(uart_iir(&u), UART_IIR_THRI);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	CU_ASSERT_EQUAL(irq_level, 0);
	/* leaving loopback: terminal lines again, sink gets output */
	uart_write(&u, UART_MCR, UART_MCR_OUT2);
	CU_ASSERT_EQUAL(irq_level, 1);
	CU_ASSERT_EQUAL(uart_read(&u, UART_MSR) & 0xf0,
			UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
	uart_write(&u, UART_THR, 'o');
	CU_ASSERT_EQUAL(ntx, 1);
}

static void test_lsr_transitions(void)
{
	struct uart16550 u;

	setup(&u);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE);
	CU_ASSERT_EQUAL(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	uart_rx_push(&u, 'a');
	CU_ASSERT_EQUAL(uart_read(&u, UART_LSR),
			UART_LSR_DR | UART_LSR_THRE | UART_LSR_TEMT);
	uart_write(&u, UART_THR, 'b');
	CU_ASSERT_TRUE(uart_read(&u, UART_LSR) & UART_LSR_TEMT);
	uart_read(&u, UART_RBR);
	CU_ASSERT_EQUAL(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	/* LSR and MSR ignore writes */
	uart_write(&u, UART_LSR, 0xff);
	uart_write(&u, UART_MSR, 0xff);
	CU_ASSERT_EQUAL(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	CU_ASSERT_EQUAL(uart_read(&u, UART_MSR),
			UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
}

static const CU_TestInfo uart_tests[] = {
	{ "reset values", test_reset_values },
	{ "DLAB switching", test_dlab_switching },
	{ "scratch and register masks", test_scratch_and_ier_mask },
	{ "16450 mode overrun", test_rx_non_fifo_overrun },
	{ "FIFO overrun", test_fifo_overrun },
	{ "FIFO reset and toggle", test_fifo_reset_and_toggle },
	{ "trigger levels and timeout", test_trigger_levels_and_timeout },
	{ "THRE interrupt", test_thre_interrupt },
	{ "IIR priorities", test_iir_priorities },
	{ "loopback", test_loopback },
	{ "LSR transitions", test_lsr_transitions },
	CU_TEST_INFO_NULL,
};

UNIT_SUITE(uart, uart_tests);
