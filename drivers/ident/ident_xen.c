/*
 * Xen's CPUID block: the version at base+1, and at base+2 the number of
 * hypercall pages and the MSR through which the guest asks for them.
 * Source: xen/include/public/arch-x86/cpuid.h, xen/arch/x86/cpuid.c;
 * docs/reference/xen.md "CPUID leaves".
 */

#include "kern.h"
#include "pvbusvar.h"
#include "xenreg.h"

void
xen_decode(const struct hvio *io, struct pvbus_hv *hv)
{
	struct pvbus_xen *xe = &hv->hv_xen;
	struct cpuid_regs r;

	if (hv->hv_maxleaf >= hv->hv_base + XEN_CPUID_VERSION) {
		io->io_cpuid(hv->hv_base + XEN_CPUID_VERSION, 0, &r);
		xe->xe_has_version = true;
		xe->xe_major = (uint16_t)(r.eax >> XEN_VERSION_MAJOR_SHIFT);
		xe->xe_minor = (uint16_t)(r.eax & XEN_VERSION_MINOR_MASK);
	}
	if (hv->hv_maxleaf >= hv->hv_base + XEN_CPUID_HYPERCALL) {
		io->io_cpuid(hv->hv_base + XEN_CPUID_HYPERCALL, 0, &r);
		xe->xe_has_hypercall = true;
		xe->xe_hypercall_pages = r.eax;
		xe->xe_hypercall_msr = r.ebx;
	}
}

void
xen_print(const struct pvbus_hv *hv)
{
	const struct pvbus_xen *xe = &hv->hv_xen;

	printf("pvbus0: 0x%08x: Xen", hv->hv_base);
	if (xe->xe_has_version)
		printf(" %u.%u", xe->xe_major, xe->xe_minor);
	if (xe->xe_has_hypercall)
		printf(", %u hypercall page%s through MSR 0x%08x",
		    xe->xe_hypercall_pages,
		    xe->xe_hypercall_pages == 1 ? "" : "s",
		    xe->xe_hypercall_msr);
	printf("\n");
}

void
xen_facts(const struct pvbus_hv *hv)
{
	const struct pvbus_xen *xe = &hv->hv_xen;

	if (xe->xe_has_version)
		printf(" version=%u.%u", xe->xe_major, xe->xe_minor);
	if (xe->xe_has_hypercall)
		printf(" hypercall_msr=0x%08x hypercall_pages=%u",
		    xe->xe_hypercall_msr, xe->xe_hypercall_pages);
}

/* Linux accepts Xen only with base+2 in the block (cpuid_base(.., 2)). */
const char *
xen_check(const struct pvbus_hv *hv)
{
	if (hv->hv_maxleaf < hv->hv_base + XEN_CPUID_MIN_MAXLEAF)
		return "Xen block without the hypercall leaf base+2";
	return NULL;
}
