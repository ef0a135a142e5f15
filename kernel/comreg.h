/*
 * The 16550 UART as the PC wires COM1.
 * Source: National Semiconductor PC16550D data sheet, "Register
 * Description" (Table II); the port base 0x3f8 is the IBM PC convention.
 */
#ifndef _KERNEL_COMREG_H_
#define _KERNEL_COMREG_H_

#define COM1_BASE	0x3f8
#define COM_FREQ	1843200		/* the PC's UART clock, Hz */

#define COM_THR		0	/* transmit holding (write) */
#define COM_DLL		0	/* divisor latch, low (DLAB = 1) */
#define COM_IER		1	/* interrupt enable */
#define COM_DLM		1	/* divisor latch, high (DLAB = 1) */
#define COM_FCR		2	/* FIFO control (write) */
#define COM_LCR		3	/* line control */
#define COM_MCR		4	/* modem control */
#define COM_LSR		5	/* line status */
#define COM_SCR		7	/* scratch: ours to use, any value sticks */

#define  FCR_ENABLE	0x01
#define  FCR_RCV_RST	0x02
#define  FCR_XMT_RST	0x04
#define  FCR_TRIGGER_14	0xc0

#define  LCR_8BITS	0x03
#define  LCR_DLAB	0x80	/* registers 0 and 1 become the divisor */

#define  MCR_DTR	0x01
#define  MCR_RTS	0x02

#define  LSR_TXRDY	0x20	/* transmit holding register empty */

#endif
