/*
 * hyperv0's hypercall layer, steps 1 to 5 of hyperv.c: the guest OS id
 * (hyperv.md "Guest OS identity"), without which the hypercall MSR
 * ignores every write; the hypercall page (hyperv.md "Hypercall page"),
 * which the hypervisor fills with the code that enters it; and three
 * hypercalls through that page (hyperv.md "Calling a hypercall",
 * "Status codes", "Call codes and probes"): a fast one, a memory-based
 * one and the errors the TLFS names for a bad call.  The pages are
 * enabled with hyperv_page.c's help, which the reference TSC page in
 * hyperv_tsc.c shares: its MSR has the hypercall MSR's shape (hyperv.md
 * "Reference TSC page").  Every call goes through hvio_call_page().
 * Sources: docs/reference/hyperv.md "Guest OS
 * identity", "Hypercall page", "Calling a hypercall", "Status codes",
 * "Call codes and probes" (TLFS; Linux arch/x86/hyperv/hv_init.c,
 * arch/x86/include/asm/mshyperv.h; KVM arch/x86/kvm/hyperv.c
 * kvm_hv_hypercall).
 */

#include "kern.h"
#include "hypervvar.h"
#include "ktap.h"
#include "pmem.h"

#define HYPERV_POISON_CODE	0xcc	/* INT3: an unfilled page traps */
#define HYPERV_POISON_OUT	0xa5a5a5a5a5a5a5a5ULL	/* output block */
#define HYPERV_NO_ANSWER	0xffffULL	/* RAX before a call */

/*
 * A spin retry count the hypervisor wants to hear about (hyperv.md
 * "CPUID leaves", "Call codes and probes").
 */
static bool
hyperv_spin_ok(const struct hyperv_softc *sc)
{
	return sc->sc_spin_retries != 0 &&
	    sc->sc_spin_retries != HV_SPIN_NEVER_NOTIFY;
}

static const char *
hyperv_status_name(uint64_t status)
{
	switch (status) {
	case HV_STATUS_SUCCESS:			return "SUCCESS";
	case HV_STATUS_INVALID_HYPERCALL_CODE:	return "INVALID_HYPERCALL_CODE";
	case HV_STATUS_INVALID_HYPERCALL_INPUT:
		return "INVALID_HYPERCALL_INPUT";
	case HV_STATUS_INVALID_ALIGNMENT:	return "INVALID_ALIGNMENT";
	case HV_STATUS_INVALID_PARAMETER:	return "INVALID_PARAMETER";
	case HV_STATUS_ACCESS_DENIED:		return "ACCESS_DENIED";
	case HV_STATUS_INVALID_PARTITION_STATE:
		return "INVALID_PARTITION_STATE";
	case HV_STATUS_OPERATION_DENIED:	return "OPERATION_DENIED";
	case HYPERV_NO_ANSWER:			return "no answer";
	default:				return "unknown";
	}
}

/*
 * One hypercall through the page: control in RCX, input and output GPAs
 * (or fast parameters) in RDX and R8, the result in RAX (hyperv.md
 * "Calling a hypercall").  RAX starts as a status no hypervisor sends,
 * so a page that returns without answering cannot pass for SUCCESS.
 */
static uint64_t
hyperv_call(const struct hyperv_softc *sc, uint64_t control, uint64_t in,
    uint64_t out)
{
	struct vm_regs r;

	memset(&r, 0, sizeof(r));
	r.vr_rax = HYPERV_NO_ANSWER;
	r.vr_rcx = control;
	r.vr_rdx = in;
	r.vr_r8 = out;
	hvio_call_page(&r, (uintptr_t)sc->sc_hc_page);
	return r.vr_rax;
}

/* The status a call must return, and no reps (none here is a rep call). */
static int
hyperv_expect(const struct hyperv_softc *sc, const char *what,
    uint64_t result, uint64_t want)
{
	uint64_t status = result & HV_RESULT_STATUS_MASK;
	uint64_t reps = result >> HV_RESULT_REPS_SHIFT & HV_RESULT_REPS_MASK;

	printf("%s: %s: status 0x%04lx %s\n", sc->sc_name, what,
	    (unsigned long)status, hyperv_status_name(status));
	if (status != want)
		return ktap_fail("%s returned 0x%04lx %s, not 0x%04lx %s",
		    what, (unsigned long)status, hyperv_status_name(status),
		    (unsigned long)want, hyperv_status_name(want));
	if (reps != 0)
		return ktap_fail("%s reported %lu reps done for a simple call",
		    what, (unsigned long)reps);
	return KTAP_PASS;
}

/*
 * Step 1 (hyperv.md "Guest OS identity"): the guest OS id, which must
 * read back as written.
 */
int
hyperv_guest_os_id(void *arg)
{
	struct hyperv_softc *sc = arg;
	const struct hvio *io = sc->sc_io;
	uint64_t v;

	if (!hyperv_priv(sc, HV_PRIV_HYPERCALL))
		return ktap_skip("no HYPERCALL privilege (base+3 EAX bit 5)");
	if (io->io_wrmsr(HV_X64_MSR_GUEST_OS_ID, HYPERV_OS_ID) != 0)
		return ktap_fail("HV_X64_MSR_GUEST_OS_ID write raised #GP, "
		    "though base+3 EAX bit 5 offers it");
	sc->sc_os_id_set = true;
	if (io->io_rdmsr(HV_X64_MSR_GUEST_OS_ID, &v) != 0)
		return ktap_fail("HV_X64_MSR_GUEST_OS_ID read raised #GP");
	printf("%s: guest OS id 0x%016lx (open source, OS type %u, "
	    "version 0x%06x)\n", sc->sc_name, (unsigned long)v,
	    (unsigned)(v >> HV_GUEST_OS_TYPE_SHIFT & HV_GUEST_OS_TYPE_MASK),
	    (unsigned)(v >> HV_GUEST_OS_VERSION_SHIFT &
	    HV_GUEST_OS_VERSION_MASK));
	if (v != HYPERV_OS_ID)
		return ktap_fail("HV_X64_MSR_GUEST_OS_ID reads back "
		    "0x%016lx, not what was written", (unsigned long)v);
	return KTAP_PASS;
}

/*
 * What the hypervisor's code at offset 0 starts with, for people; an
 * exit of the backend's own is the backend's to name (io_exit).
 */
static const char *
hyperv_stub_name(const struct hyperv_softc *sc, const uint8_t *p)
{
	const struct hvio_exit *ex = sc->sc_io->io_exit;

	if (p[0] == 0x0f && p[1] == 0x01 && p[2] == 0xc1)
		return "VMCALL";			/* Intel */
	if (p[0] == 0x0f && p[1] == 0x01 && p[2] == 0xd9)
		return "VMMCALL";			/* AMD */
	if (p[0] == 0x0d)
		return "OR EAX, imm32 (KVM with Xen calls too)";
	if (ex != NULL && memcmp(p, ex->ex_insn, sizeof(ex->ex_insn)) == 0)
		return ex->ex_page_name;
	return "unknown code";
}

/*
 * Step 2 (hyperv.md "Hypercall page"): a poisoned page, enabled, read
 * back, and changed.
 */
int
hyperv_hypercall_page(void *arg)
{
	struct hyperv_softc *sc = arg;
	uint64_t back;
	uint8_t *p;
	int error;

	if (!hyperv_priv(sc, HV_PRIV_HYPERCALL))
		return ktap_skip("no HYPERCALL privilege (base+3 EAX bit 5)");
	if (!sc->sc_os_id_set)
		return ktap_skip("no guest OS id (see guest_os_id): the MSR "
		    "would ignore the write");
	if ((p = sc->sc_hc_page = page_alloc()) == NULL)
		return ktap_fail("no free page for the hypercall page");
	memset(p, HYPERV_POISON_CODE, PAGE_SIZE);
	if (hyperv_page_enable(sc, HV_X64_MSR_HYPERCALL, p, &back) != 0)
		return ktap_fail("HV_X64_MSR_HYPERCALL access raised #GP");
	printf("%s: HV_X64_MSR_HYPERCALL 0x%016lx for the page at 0x%lx\n",
	    sc->sc_name, (unsigned long)back, (unsigned long)(uintptr_t)p);
	if ((back & HV_MSR_ENABLE) == 0)
		return ktap_fail("the hypervisor ignored HV_X64_MSR_HYPERCALL: "
		    "enable bit reads back 0");
	sc->sc_hc_enabled = true;
	if ((back & HV_MSR_PAGE_MASK) != (uintptr_t)p)
		return ktap_fail("HV_X64_MSR_HYPERCALL reads back page 0x%lx, "
		    "not ours", (unsigned long)(back & HV_MSR_PAGE_MASK));
	if (hyperv_page_poisoned(p, HYPERV_POISON_CODE))
		return ktap_fail("the hypervisor enabled the hypercall page "
		    "but did not fill it (all 0x%02x still)",
		    HYPERV_POISON_CODE);
	printf("%s: hypercall page starts %02x %02x %02x %02x: %s\n",
	    sc->sc_name, p[0], p[1], p[2], p[3], hyperv_stub_name(sc, p));
	/*
	 * The one page outside the kernel's code it may execute: made
	 * executable, and read-only, as the guest never writes it.
	 */
	if ((error = page_exec(p, "Hyper-V hypercall page")) != 0)
		return ktap_fail("the hypercall page could not be made "
		    "executable (error %d)", error);
	sc->sc_hc_usable = true;
	return KTAP_PASS;
}

/*
 * Step 3 (hyperv.md "Call codes and probes" probe 3):
 * NotifyLongSpinWait, fast, RDX = 1 attempt.  Only where base+4 EBX
 * asks to be told (KVM with enforced CPUID would answer ACCESS_DENIED
 * otherwise): SUCCESS, nothing else.
 */
int
hyperv_hypercall_fast(void *arg)
{
	struct hyperv_softc *sc = arg;

	if (!sc->sc_hc_usable)
		return ktap_skip("no hypercall page");
	if (!hyperv_spin_ok(sc))
		return ktap_skip("base+4 EBX 0x%08x: spin waits are not to be "
		    "notified", sc->sc_spin_retries);
	return hyperv_expect(sc, "NotifyLongSpinWait (fast)", hyperv_call(sc,
	    HVCALL_NOTIFY_LONG_SPIN_WAIT | HV_HYPERCALL_FAST, 1, 0),
	    HV_STATUS_SUCCESS);
}

/*
 * GetPartitionId's answer to a partition with AccessPartitionId: the id
 * in the output block, which must have changed from the poison.
 */
static int
hyperv_partition_id_granted(struct hyperv_softc *sc, uint64_t result,
    const uint64_t *out)
{
	int ret;

	if ((ret = hyperv_expect(sc, "GetPartitionId", result,
	    HV_STATUS_SUCCESS)) != KTAP_PASS)
		return ret;
	if (*out == HYPERV_POISON_OUT)
		return ktap_fail("GetPartitionId succeeded but left the output "
		    "block as it was");
	printf("%s: partition id 0x%016lx\n", sc->sc_name,
	    (unsigned long)*out);
	sc->sc_partition_id = "granted";
	return KTAP_PASS;
}

/*
 * Step 4 (hyperv.md "Calling a hypercall", "Call codes and probes"):
 * GetPartitionId, memory-based: the input GPA in RDX, the output GPA in
 * R8, each page-aligned.  The answer depends on the AccessPartitionId
 * privilege (base+3 EBX bit 1): the id with it, ACCESS_DENIED without
 * (a guest).  KVM does not implement the call (INVALID_HYPERCALL_CODE):
 * then it is not offered, a SKIP.
 */
int
hyperv_hypercall_simple(void *arg)
{
	struct hyperv_softc *sc = arg;
	uint64_t *in, *out, result, status;
	int ret;

	if (!sc->sc_hc_usable)
		return ktap_skip("no hypercall page");
	in = page_alloc();
	if ((out = page_alloc()) == NULL || in == NULL) {
		hyperv_page_free(in);
		hyperv_page_free(out);
		return ktap_fail("no free pages for the input and output");
	}
	*out = HYPERV_POISON_OUT;
	result = hyperv_call(sc, HVCALL_GET_PARTITION_ID, (uintptr_t)in,
	    (uintptr_t)out);
	status = result & HV_RESULT_STATUS_MASK;
	if (status == HV_STATUS_INVALID_HYPERCALL_CODE) {
		printf("%s: GetPartitionId: status 0x%04lx %s\n", sc->sc_name,
		    (unsigned long)status, hyperv_status_name(status));
		sc->sc_partition_id = "unimplemented";
		ret = ktap_skip("GetPartitionId (0x46) is not implemented "
		    "here (INVALID_HYPERCALL_CODE, as on KVM)");
	} else if (hyperv_priv(sc, HV_PRIV_ACCESS_PARTITION_ID))
		ret = hyperv_partition_id_granted(sc, result, out);
	else {
		ret = hyperv_expect(sc, "GetPartitionId without "
		    "AccessPartitionId", result, HV_STATUS_ACCESS_DENIED);
		sc->sc_partition_id = ret == KTAP_PASS ? "denied" : "fail";
	}
	page_free(out);
	page_free(in);
	return ret;
}

/*
 * Step 5 (hyperv.md "Call codes and probes" probes 1 and 2): a call
 * code nobody defines must come back INVALID_HYPERCALL_CODE, and
 * NotifyLongSpinWait with reserved control bit 27
 * INVALID_HYPERCALL_INPUT (KVM since 2022; older KVM and Xen's Viridian
 * ignore reserved bits, which this reports).
 */
int
hyperv_hypercall_invalid(void *arg)
{
	struct hyperv_softc *sc = arg;
	int ret;

	if (!sc->sc_hc_usable)
		return ktap_skip("no hypercall page");
	if ((ret = hyperv_expect(sc, "call code 0xffff (fast)",
	    hyperv_call(sc, HVCALL_PROBE_INVALID | HV_HYPERCALL_FAST, 0, 0),
	    HV_STATUS_INVALID_HYPERCALL_CODE)) != KTAP_PASS)
		return ret;
	if (!hyperv_spin_ok(sc)) {
		ktap_diag("reserved-bit probe not made: NotifyLongSpinWait "
		    "is not to be used here");
		return KTAP_PASS;
	}
	return hyperv_expect(sc, "NotifyLongSpinWait with reserved bit 27",
	    hyperv_call(sc, HVCALL_NOTIFY_LONG_SPIN_WAIT | HV_HYPERCALL_FAST |
	    HV_HYPERCALL_RSVD_PROBE, 1, 0), HV_STATUS_INVALID_HYPERCALL_INPUT);
}
