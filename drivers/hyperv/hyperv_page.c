/*
 * hyperv0's pages: the hypercall page (docs/reference/hyperv.md
 * "Hypercall page") and the reference TSC page ("Reference TSC page")
 * are both enabled through an MSR of the same shape, and both are
 * poisoned first, so a hypervisor that never wrote one is caught.  The
 * steps of hyperv_hypercall.c and hyperv_tsc.c, and hyperv.c's
 * teardown, share these.
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
 * Returns 0 with the value read back in *back, or EFAULT.
 */
int
hyperv_page_enable(const struct hyperv_softc *sc, uint32_t msr,
    const void *page, uint64_t *back)
{
	const struct hvio *io = sc->sc_io;
	uint64_t v;

	if (io->io_rdmsr(msr, &v) != 0)
		return EFAULT;
	v = (v & HV_MSR_KEEP_MASK) | (uintptr_t)page | HV_MSR_ENABLE;
	if (io->io_wrmsr(msr, v) != 0 || io->io_rdmsr(msr, back) != 0)
		return EFAULT;
	return 0;
}
