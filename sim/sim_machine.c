/*
 * What the simulated hosts take from the real machine they run in, in
 * the kernel: the TSC their clocks run on, and a few bytes of the CMOS
 * RTC's NVRAM that outlive a guest reset (simvar.h).  The unit tests
 * link tests/unit/sim_host.c instead, which answers the same calls from
 * a counter and an array.
 */

#include "kern.h"
#include "simvar.h"
#include "x86.h"

/*
 * The CMOS RTC's NVRAM (index port 0x70, data 0x71; bit 7 of the index
 * masks NMI).  Bytes 0x70-0x77 are in the general-purpose area that
 * neither SeaBIOS nor OVMF uses, and QEMU keeps them across a reset.
 */
#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define CMOS_SIM_BASE	0x70

uint64_t
sim_rdtsc(void)
{
	return rdtsc();
}

uint8_t
sim_nvram_read(int i)
{
	outb(CMOS_INDEX, 0x80 | (CMOS_SIM_BASE + i));
	return inb(CMOS_DATA);
}

void
sim_nvram_write(int i, uint8_t v)
{
	outb(CMOS_INDEX, 0x80 | (CMOS_SIM_BASE + i));
	outb(CMOS_DATA, v);
}

