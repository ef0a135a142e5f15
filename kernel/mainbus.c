/*
 * The human-readable opening of the boot log, in the style of OpenBSD's
 * dmesg: how we were booted, how much memory, then mainbus0 and the CPU
 * on it.  The CPU's identity comes from the architectural CPUID leaves
 * (Intel SDM Vol. 2A, CPUID leaves 0, 1 and 0x80000002..4); what a
 * hypervisor says about itself is pvbus's business, not this file's.
 */

#include "kern.h"
#include "bootinfo.h"
#include "mainbus.h"
#include "multiboot2.h"
#include "x86.h"

static void
cpu_attach(void)
{
	struct cpuid_regs r;
	char vendor[13], brand[49];
	const char *b = brand;
	uint32_t sig, family, model;
	int i;

	cpuid(0, 0, &r);
	memcpy(vendor, &r.ebx, 4);	/* EBX, EDX, ECX: leaf 0's order */
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = '\0';
	cpuid(1, 0, &r);
	sig = r.eax;
	brand[0] = '\0';
	cpuid(0x80000000, 0, &r);
	if (r.eax >= 0x80000004) {
		for (i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, &r);
			memcpy(brand + 16 * i, &r, 16);
		}
		brand[48] = '\0';
		while (*b == ' ')
			b++;
	}
	/* Display family and model, SDM Vol. 2A Figure 3-6. */
	family = (sig >> 8) & 0xf;
	model = (sig >> 4) & 0xf;
	if (family == 0xf)
		family += (sig >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((sig >> 16) & 0xf) << 4;
	printf("cpu0 at mainbus0: %pE \"%pE\" family 0x%x model 0x%x "
	    "stepping %u\n", vendor, b, family, model, sig & 0xf);
}

void
mainbus_attach(const struct bootinfo *bi)
{
	uint64_t avail = 0;
	int i;

	printf("pvbus testbed: booted via %s%s%pE%s\n", bi->bi_path,
	    bi->bi_loader[0] != '\0' ? " by \"" : "", bi->bi_loader,
	    bi->bi_loader[0] != '\0' ? "\"" : "");
	if (bi->bi_error[0] != '\0')
		printf("boot: %s\n", bi->bi_error);
	for (i = 0; i < bi->bi_nmmap; i++)
		if (bi->bi_mmap[i].mm_type == MB2_MEMORY_AVAILABLE)
			avail += bi->bi_mmap[i].mm_length;
	printf("avail mem = %lu (%luMB)\n", avail, avail >> 20);
	printf("mainbus0 at root\n");
	cpu_attach();
}
