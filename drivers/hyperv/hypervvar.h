/*
 * hyperv0, the Hyper-V guest driver, in four files: hyperv.c matches,
 * attaches, runs the steps, reads the VP index, tears down and prints
 * the facts line; hyperv_hypercall.c sets the guest OS id, enables the
 * hypercall page and makes the hypercalls; hyperv_tsc.c reads time from
 * the reference TSC page; hyperv_page.c enables and frees the pages.
 * Each uses only those after it.  This is the state they share.
 * Sources: docs/reference/hyperv.md (TLFS).
 */
#ifndef _DRIVERS_HYPERV_HYPERVVAR_H_
#define _DRIVERS_HYPERV_HYPERVVAR_H_

#include <stdbool.h>
#include <stdint.h>

#include "hypervreg.h"
#include "identvar.h"
#include "pvbusvar.h"

/*
 * Our guest OS id, in the open-source layout of hyperv.md "Guest OS
 * identity": bit 63, OS type 0 ("undefined": this is neither Linux nor
 * a BSD, and claiming to be one could earn another OS's workarounds),
 * OS id 0, version 0.4.0 (issue 4, encoded major << 16 | minor << 8 |
 * patch as Linux encodes its version), build 0.  Only non-zero matters
 * to the hypervisor.
 */
#define HYPERV_OS_VERSION	0x000400
#define HYPERV_OS_ID		(HV_GUEST_OS_OPENSOURCE | \
	(uint64_t)HV_GUEST_OS_TYPE_UNDEFINED << HV_GUEST_OS_TYPE_SHIFT | \
	(uint64_t)HYPERV_OS_VERSION << HV_GUEST_OS_VERSION_SHIFT)

enum {
	HYPERV_GUEST_OS_ID, HYPERV_HYPERCALL_PAGE, HYPERV_HYPERCALL_FAST,
	HYPERV_HYPERCALL_SIMPLE, HYPERV_HYPERCALL_INVALID, HYPERV_VP_INDEX,
	HYPERV_REFERENCE_TSC, HYPERV_TEARDOWN, HYPERV_NSTEPS
};

struct hyperv_softc {
	const struct hvio *sc_io;
	const struct ident *sc_id;	/* the Hv#1 interface */
	const char	*sc_name;	/* "hyperv0" */
	uint64_t	sc_priv;	/* base+3 EBX:EAX; 0 without it */
	uint32_t	sc_spin_retries;	/* base+4 EBX, after the id */
	enum hv_role	sc_role;	/* ident_hyperv_role() */
	const char	*sc_isolated;	/* why MSRs are out of reach, or NULL */
	bool		sc_os_id_set;	/* we wrote a non-zero guest OS id */
	bool		sc_hc_enabled;	/* the hypercall MSR's enable stuck */
	bool		sc_hc_theirs;	/* at the hypervisor's page (a root) */
	uint8_t		*sc_hc_page;	/* our page (a root's: our copy) */
	bool		sc_hc_usable;	/* enabled and filled: callable */
	struct hv_reference_tsc_page *sc_tsc_page;
	bool		sc_tsc_enabled;
	bool		sc_tsc_theirs;	/* the hypervisor's page (a root) */
	uint64_t	sc_vp_index;
	const char	*sc_partition_id;	/* for the facts line */
	uint64_t	sc_ref_time;	/* last time read from the TSC page */

	/*
	 * What the TLFS leaves to the implementation, as this one did it
	 * (docs/hyperv.md "Where implementations differ"); NULL, or
	 * false, where the step that finds out did not get that far.
	 */
	bool		sc_version_after;	/* base+2 read after the id */
	uint16_t	sc_major_after, sc_minor_after;
	uint32_t	sc_build_after;	/* all 0: no version */
	const char	*sc_reserved_bits;	/* "checked", "ignored" */
	const char	*sc_vp_index_write;	/* "gp", "ignored" */
	bool		sc_has_drift;
	int64_t		sc_drift_ppm;	/* TIME_REF_COUNT against the page */
	const char	*sc_os_id_zero;	/* "disables", "keeps" the page */
	int		sc_result[HYPERV_NSTEPS];
};

static inline bool
hyperv_priv(const struct hyperv_softc *sc, int bit)
{
	return (sc->sc_priv >> bit & 1) != 0;
}

/*
 * hyperv_page.c: page_free() for a page that may never have been had;
 * a page still all poison; a page enabled through an MSR shaped like
 * HV_X64_MSR_HYPERCALL (0, with the MSR read back in *back, or EFAULT;
 * page NULL: the page the MSR names already, a root's); the same MSR's
 * enable bit cleared (true if it reads back clear); the hypervisor's
 * page a root was given, if this kernel maps it (else NULL).
 */
void	hyperv_page_free(void *page);
bool	hyperv_page_poisoned(const uint8_t *page, uint8_t poison);
int	hyperv_page_enable(const struct hyperv_softc *sc, uint32_t msr,
	    const void *page, uint64_t *back);
bool	hyperv_page_disable(const struct hyperv_softc *sc, uint32_t msr);
void	*hyperv_page_theirs(uint64_t msr_value);

/* The steps: 1 to 5 in hyperv_hypercall.c, 7 in hyperv_tsc.c. */
int	hyperv_guest_os_id(void *sc);
int	hyperv_hypercall_page(void *sc);
int	hyperv_hypercall_fast(void *sc);
int	hyperv_hypercall_simple(void *sc);
int	hyperv_hypercall_invalid(void *sc);
int	hyperv_reference_tsc(void *sc);

#endif /* _DRIVERS_HYPERV_HYPERVVAR_H_ */
