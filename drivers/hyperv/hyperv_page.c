/*
 * hyperv0's pages: the hypercall page (docs/reference/hyperv.md
 * "Hypercall page") and the reference TSC page ("Reference TSC page")
 * are both enabled through an MSR of the same shape, and both are
 * poisoned first, so a hypervisor that never wrote one is caught.  A
 * root partition's pages are the hypervisor's instead (hyperv.md
 * "Partition roles").  The steps of hyperv_hypercall.c and
 * hyperv_tsc.c, and hyperv.c's teardown, share these.
 */

#include "kern.h"
#include "hypervvar.h"
#include "pmem.h"

/* page_free(), for a page that may never have been had. */
void
hyperv_page_free(void *page)
{
	if (page != NULL)
		page_free(page);
}

bool
hyperv_page_poisoned(const uint8_t *page, uint8_t poison)
{
	size_t i;

	for (i = 0; i < PAGE_SIZE; i++)
		if (page[i] != poison)
			return false;
	return true;
}

/*
 * Enable a page through an MSR shaped like HV_X64_MSR_HYPERCALL
 * (hyperv.md "Hypercall page", hyperv.md "Reference TSC page"): keep
 * bits 11:1 as read, set the page's GPA and the enable bit, read back.
 * A root partition does not choose the page (hyperv.md "Partition
 * roles"): with page NULL only the enable bit is set, as Linux's
 * hyperv_init() does for the root.  Returns 0 with the value read back
 * in *back, or EFAULT.
 */
int
hyperv_page_enable(const struct hyperv_softc *sc, uint32_t msr,
    const void *page, uint64_t *back)
{
	const struct hvio *io = sc->sc_io;
	uint64_t v;

	if (io->io_rdmsr(msr, &v) != 0)
		return EFAULT;
	if (page != NULL)
		v = (v & HV_MSR_KEEP_MASK) | (uintptr_t)page;
	v |= HV_MSR_ENABLE;
	if (io->io_wrmsr(msr, v) != 0 || io->io_rdmsr(msr, back) != 0)
		return EFAULT;
	return 0;
}

/*
 * Clear the enable bit of such an MSR and keep the rest, as Linux's
 * hyperv_cleanup() does: read, clear bit 0, write, read back.  True if
 * the bit reads back clear.
 */
bool
hyperv_page_disable(const struct hyperv_softc *sc, uint32_t msr)
{
	const struct hvio *io = sc->sc_io;
	uint64_t v;

	if (io->io_rdmsr(msr, &v) != 0)
		return false;
	if ((v & HV_MSR_ENABLE) == 0)
		return true;
	return io->io_wrmsr(msr, v & ~HV_MSR_ENABLE) == 0 &&
	    io->io_rdmsr(msr, &v) == 0 && (v & HV_MSR_ENABLE) == 0;
}

/*
 * The page a root partition was given, where the kernel's 1:1 map
 * reaches it (page_mapped(): the first 4 GiB, less page 0); NULL
 * elsewhere.  Linux maps it with memremap() instead.
 */
void *
hyperv_page_theirs(uint64_t msr_value)
{
	uint64_t gpa = msr_value & HV_MSR_PAGE_MASK;

	return page_mapped(gpa) ? (void *)(uintptr_t)gpa : NULL;
}
