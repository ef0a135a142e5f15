/*
 * Xen's CPUID block: the version at base+1, and at base+2 the number of
 * hypercall pages and the MSR through which the guest asks for them.
 * Source: xen/include/public/arch-x86/cpuid.h, xen/arch/x86/cpuid.c;
 * docs/reference/xen.md "CPUID leaves".
 */

#include "kern.h"
#include "identvar.h"
#include "xenreg.h"

static void
ident_xen_decode(const struct hvio *io, struct ident *id)
{
	struct ident_xen *xe = &id->id_xen;
	struct cpuid_regs r;

	if (id->id_maxleaf >= id->id_base + XEN_CPUID_VERSION) {
		io->io_cpuid(id->id_base + XEN_CPUID_VERSION, 0, &r);
		xe->xe_has_version = true;
		xe->xe_major = (uint16_t)(r.eax >> XEN_VERSION_MAJOR_SHIFT);
		xe->xe_minor = (uint16_t)(r.eax & XEN_VERSION_MINOR_MASK);
	}
	if (id->id_maxleaf >= id->id_base + XEN_CPUID_HYPERCALL) {
		io->io_cpuid(id->id_base + XEN_CPUID_HYPERCALL, 0, &r);
		xe->xe_has_hypercall = true;
		xe->xe_hypercall_pages = r.eax;
		xe->xe_hypercall_msr = r.ebx;
	}
}

static void
ident_xen_print(const struct ident *id)
{
	const struct ident_xen *xe = &id->id_xen;

	printf("pvbus0: 0x%08x: Xen", id->id_base);
	if (xe->xe_has_version)
		printf(" %u.%u", xe->xe_major, xe->xe_minor);
	if (xe->xe_has_hypercall)
		printf(", %u hypercall page%s through MSR 0x%08x",
		    xe->xe_hypercall_pages,
		    xe->xe_hypercall_pages == 1 ? "" : "s",
		    xe->xe_hypercall_msr);
	printf("\n");
}

static void
ident_xen_facts(const struct ident *id)
{
	const struct ident_xen *xe = &id->id_xen;

	if (xe->xe_has_version)
		printf(" version=%u.%u", xe->xe_major, xe->xe_minor);
	if (xe->xe_has_hypercall)
		printf(" hypercall_msr=0x%08x hypercall_pages=%u",
		    xe->xe_hypercall_msr, xe->xe_hypercall_pages);
}

/* Linux accepts Xen only with base+2 in the block (cpuid_base(.., 2)). */
const char *
ident_xen_check(const struct ident *id)
{
	if (id->id_maxleaf < id->id_base + XEN_CPUID_MIN_MAXLEAF)
		return "Xen block without the hypercall leaf base+2";
	return NULL;
}

const struct ident_ops ident_xen_ops = {
	.op_decode = ident_xen_decode,
	.op_print = ident_xen_print,
	.op_facts = ident_xen_facts,
};
