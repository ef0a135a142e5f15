/*
 * What one CPUID instruction returns.  Kept apart from x86.h (which
 * executes it) so that code compiled for the host, such as the replay of
 * recorded CPUID dumps, can use the same structure.
 * Source: Intel SDM Vol. 2A, CPUID.
 */
#ifndef _KERNEL_CPUID_H_
#define _KERNEL_CPUID_H_

#include <stdint.h>

struct cpuid_regs {
	uint32_t	eax, ebx, ecx, edx;
};

#endif
