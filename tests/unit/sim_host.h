/*
 * The host's stand-ins for the kernel services that the simulated
 * hypervisors (sim/sim*.c) and the guest drivers run against
 * them need, shared by tests/unit/test_sim_hyperv.c, test_sim_xen.c
 * and test_sim_kvm.c:
 *
 * - page_alloc(), page_free(), page_exec() and page_mapped()
 *   (kernel/pmem.h): zeroed heap pages, so a pointer is the "physical"
 *   address, as in the kernel's 1:1 map; the map is those pages.  At most SIM_HOST_PAGES_MAX are out at a time;
 *   page_free() or page_exec() of a pointer page_alloc() did not give
 *   fails the test, and sim_host_pages_release() gives back, between
 *   tests, what the kernel would keep for ever.
 * - sim_rdtsc() (simvar.h), the TSC the models' clocks run on: a counter
 *   the test sets.  When a guest driver reads the TSC itself, with the
 *   RDTSC instruction, sim_host_trap_rdtsc() makes the instruction read
 *   the same counter, so no test depends on the host's TSC, its uptime
 *   or its load.
 * - hvio_call_page() (hvio.h): runs the stub the model wrote into its
 *   hypercall page as the CPU would: "mov eax, imm32" loads EAX, INT
 *   0xF0 is the simulated VM exit (sim_exit() with the INT's address),
 *   NOP pads, RET returns; anything else fails the test, and so does a
 *   page not given to page_exec() (in the kernel it is NX: a #PF).
 *   Which of them a stub must hold is the model's layout, sim_host_stub.
 * - sim_host_io, the struct hvio the drivers are given: the backend on
 *   the model, as sim_backend.c builds it in the kernel.
 * - bootinfo (kernel/bootinfo.h), empty until the test fills it.
 *
 * The CHECKs made here count in the test binary's totals (check.h).
 */
#ifndef _TESTS_UNIT_SIM_HOST_H_
#define _TESTS_UNIT_SIM_HOST_H_

#include <stdbool.h>
#include <stdint.h>

#include "hvio.h"

#define SIM_HOST_PAGES_MAX	16	/* page_alloc() fails past this */

/*
 * The pages given and not yet freed; release counts them too, frees
 * them all and zeroes sim_host_npages_alloc.
 */
int	sim_host_pages_held(void);
int	sim_host_pages_release(void);
extern int	sim_host_npages_alloc;	/* page_alloc()s since the release */

/*
 * sim_rdtsc(): sim_host_tsc_now, first moved on by sim_host_tsc_step
 * (0: time stands still until the test moves it).
 */
extern uint64_t	sim_host_tsc_now;
extern uint64_t	sim_host_tsc_step;

/*
 * While on, the RDTSC instruction in this process reads sim_rdtsc() plus
 * sim_host_tsc_offset (the guest's TSC runs that far ahead of the
 * model's), and sim_host_nrdtsc counts the reads.  Returns false if
 * the host cannot trap RDTSC (Linux on x86 only), which the test must
 * treat as a failure; a driver that waits for the TSC to move needs
 * sim_host_tsc_step > 0.
 */
extern uint64_t	sim_host_tsc_offset;
extern long	sim_host_nrdtsc;
bool	sim_host_trap_rdtsc(bool on);

/*
 * The stub hvio_call_page() expects at an entry, with INT 0xF0 where
 * the real one has VMCALL (docs/reference/hyperv.md "Hypercall page";
 * docs/reference/xen.md "Hypercall page").
 */
enum sim_host_stub {
	/*
	 * INT 0xF0; RET (hyperv.md "Hypercall page"), or Xen's Viridian
	 * page: OR EAX, imm32; INT 0xF0; RET.
	 */
	SIM_HOST_STUB_HYPERV,
	/* mov eax, n; INT 0xF0; NOP; RET (xen.md "Hypercall page") */
	SIM_HOST_STUB_XEN,
};
extern enum sim_host_stub sim_host_stub;
extern int	sim_host_ncalls;	/* hvio_call_page() calls */

/*
 * The backend: CPUID, MSRs and VMCALL go to the model (sim.c); a leaf
 * no interface answers is zeros but for the hypervisor bit in leaf 1.
 * Then a leaf the test set with sim_host_override(i, ...) answers the
 * test's registers instead, whatever the model said.
 */
#define SIM_HOST_OVERRIDES_MAX	4
extern struct hvio sim_host_io;
extern int	sim_host_nmsr;		/* MSR accesses through it */
void	sim_host_override(int i, uint32_t leaf, uint32_t eax, uint32_t ebx,
	    uint32_t ecx, uint32_t edx);

/*
 * Before a test: stubs laid out as stub, no call or MSR access counted,
 * no leaf overridden, and the backend not a replay.  The TSC and the
 * pages are left as they are.
 */
void	sim_host_reset(enum sim_host_stub stub);

/*
 * A test's start with one model (sim_setup_model(): "hyperv",
 * "xen+viridian" ...): sim_host_reset(stub), the TSC at 5,000,000 and
 * standing still, no guest offset, the model's clock tsc_hz.  A model
 * that refuses fails the test.
 */
void	sim_host_start_model(const char *model, uint32_t faults,
	    enum sim_host_stub stub, uint64_t tsc_hz);

/* An MSR the model must answer (sim_rdmsr()); 0xdeadbeef if it did not. */
uint64_t sim_host_rdmsr(uint32_t msr);

/* A page from page_alloc() with every byte poison, or NULL. */
uint8_t	*sim_host_poisoned_page(uint8_t poison);

/* A 12-byte CPUID signature's register i (0 EBX, 1 ECX, 2 EDX). */
uint32_t sim_host_sig_word(const char *sig, int i);

#endif
