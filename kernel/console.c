/*
 * The console: COM1, polled, 115200 8N1, plus the screen when the
 * loader left one we can draw on: EGA text (vga.c) or a framebuffer
 * (fbcons.c), through the grid of screen.c.  Serial is the report; the
 * screen is for a person watching a VMware or Hyper-V window.  The
 * screen is attached after the boot information is read, so the first
 * lines are kept until then and shown once it is.
 *
 * A machine without COM1 must not hang us: the port is checked through
 * its scratch register before use, and every wait for the transmitter is
 * bounded.  A transmitter that stays busy past the bound is given up on
 * for the rest of the boot rather than costing the bound on every byte.
 */

#include "kern.h"
#include "comreg.h"
#include "console.h"
#include "screen.h"
#include "x86.h"

/*
 * Polls of the line status register before giving up on one byte.  At
 * 115200 baud a byte takes 87 us; an IN from an ISA port takes about
 * 1 us on hardware, so this is far beyond a healthy UART's worst case.
 */
#define COM_TX_SPINS	20000

/* The report's opening, kept until the screen is attached. */
#define CONS_EARLY_MAX	4096

static bool	com_present;
static bool	com_stuck;
static uint16_t	com_base = COM1_BASE;
static char	cons_early[CONS_EARLY_MAX];
static size_t	cons_nearly;
static bool	cons_early_done;	/* a screen was attached, or none */

/* The scratch register holds what we write only if a UART is there. */
static bool
com_probe(uint16_t base)
{
	outb(base + COM_SCR, 0xa5);
	if (inb(base + COM_SCR) != 0xa5)
		return false;
	outb(base + COM_SCR, 0x5a);
	return inb(base + COM_SCR) == 0x5a;
}

static void
com_init(uint16_t base, unsigned baud)
{
	unsigned divisor = COM_FREQ / 16 / baud;

	outb(base + COM_IER, 0);			/* polled: no IRQs */
	outb(base + COM_LCR, LCR_DLAB);
	outb(base + COM_DLL, divisor & 0xff);
	outb(base + COM_DLM, divisor >> 8);
	outb(base + COM_LCR, LCR_8BITS);		/* 8N1, DLAB off */
	outb(base + COM_FCR, FCR_ENABLE | FCR_RCV_RST | FCR_XMT_RST |
	    FCR_TRIGGER_14);
	outb(base + COM_MCR, MCR_DTR | MCR_RTS);
}

static void
com_putc(int c)
{
	int spins;

	if (!com_present || com_stuck)
		return;
	for (spins = 0; (inb(com_base + COM_LSR) & LSR_TXRDY) == 0; spins++) {
		if (spins == COM_TX_SPINS) {
			com_stuck = true;
			return;
		}
		pause();
	}
	outb(com_base + COM_THR, (uint8_t)c);
}

void
cons_init(void)
{
	com_present = com_probe(com_base);
	if (com_present)
		com_init(com_base, 115200);
}

bool
cons_has_serial(void)
{
	return com_present && !com_stuck;
}

/* Lines end in CR LF on the wire, as terminals and KTAP readers expect. */
void
cons_putc(int c)
{
	if (c == '\n')
		com_putc('\r');
	com_putc(c);
	if (!cons_early_done && cons_nearly < sizeof(cons_early))
		cons_early[cons_nearly++] = (char)c;
	scr_putc(c);
}

/*
 * The lines kept until the screen was attached: shown on it (show), or
 * let go (no screen).  Either way nothing more is kept.
 */
void
cons_early_flush(bool show)
{
	size_t i;

	cons_early_done = true;
	for (i = 0; show && i < cons_nearly; i++)
		scr_putc(cons_early[i]);
}

void
cons_panel(const char *const *lines, int nlines, uint8_t attr)
{
	scr_panel(lines, nlines, attr);
}
