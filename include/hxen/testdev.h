/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hxen test device: a small set of ports and one MMIO page that
 * hxen-monitor (devices/dev_testdev.c) offers to guests, used by the
 * freestanding test guest in pvdrivers/testguest/.  Stock guests never see
 * anything here that they would probe: the ports are outside the legacy
 * PC range Linux touches and reads of unused ports return all-ones.
 */
#ifndef _HXEN_TESTDEV_H
#define _HXEN_TESTDEV_H

/*
 * Power off: OUT (any size) of value V ends the VM; hxen-monitor exits with
 * status V & 0xff (0 = clean power-off).
 */
#define HXEN_TESTDEV_POWEROFF	0x0500

/* Echo register, 32-bit: IN returns the last value written by OUT. */
#define HXEN_TESTDEV_ECHO	0x0504

/*
 * Interrupt request, 32-bit OUT: value = (delay_us << 8) | vector.
 * A monitor thread other than the vCPU's sleeps delay_us microseconds and
 * then queues @vector on vCPU 0 with HXEN_INTERRUPT (waking it from HLT).
 */
#define HXEN_TESTDEV_IRQ	0x0508

/* No-op port: OUT does nothing in the monitor (exit-cost benchmark). */
#define HXEN_TESTDEV_NOP	0x050c

/*
 * MMIO page at an unbacked guest-physical address.  Offset 0: 64-bit echo
 * register (reads of 1/2/4/8 bytes return the low bytes of the last value
 * written at offset 0).  Offset 8: read-only magic HXEN_TESTDEV_MAGIC.
 * Other offsets read all-ones; writes are ignored.
 */
#define HXEN_TESTDEV_MMIO_GPA	0xfe000000ULL
#define HXEN_TESTDEV_MMIO_SIZE	0x1000
#define HXEN_TESTDEV_MAGIC	0x6878656e74657374ULL	/* "hxentest" */

#endif /* _HXEN_TESTDEV_H */
