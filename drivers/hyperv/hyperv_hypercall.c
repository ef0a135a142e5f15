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

/* base+2 as read after the guest OS id, beside what it said before. */
static void
hyperv_print_version_after(const struct hyperv_softc *sc, bool zero)
{
	const struct ident_hyperv *hy = &sc->sc_id->id_hyperv;
	bool same = hy->hy_has_version && sc->sc_major_after == hy->hy_major &&
	    sc->sc_minor_after == hy->hy_minor &&
	    sc->sc_build_after == hy->hy_build;

	printf("%s: base+2 after the guest OS id: ", sc->sc_name);
	if (zero)
		printf("no version");
	else
		printf("version %u.%u.%u", sc->sc_major_after,
		    sc->sc_minor_after, sc->sc_build_after);
	if (same || (zero && !hy->hy_has_version))
		printf(", as before\n");
	else if (!hy->hy_has_version)
		printf(" (before it: none)\n");
	else
		printf(" (before it: %u.%u.%u)\n", hy->hy_major, hy->hy_minor,
		    hy->hy_build);
}

/*
 * Once the guest OS id is written, base+2 and base+4 again (hyperv.md
 * "Implementations"): Xen's Viridian and VirtualBox leave the version
 * leaf zero until a guest has said who it is, and Xen gives its
 * recommendations (the spin retry count among them) only to some ids.
 * Both readings are reported; the retry count the later steps use is
 * the second.
 */
static void
hyperv_leaves_after_os_id(struct hyperv_softc *sc)
{
	const struct ident *id = sc->sc_id;
	struct cpuid_regs r;

	if (id->id_maxleaf >= id->id_base + HV_CPUID_VERSION) {
		sc->sc_io->io_cpuid(id->id_base + HV_CPUID_VERSION, 0, &r);
		sc->sc_version_after = true;
		sc->sc_build_after = r.eax;
		sc->sc_major_after = (uint16_t)(r.ebx >> HV_VERSION_MAJOR_SHIFT);
		sc->sc_minor_after = (uint16_t)(r.ebx & HV_VERSION_MINOR_MASK);
		hyperv_print_version_after(sc, (r.eax | r.ebx | r.ecx |
		    r.edx) == 0);
	}
	if (id->id_hyperv.hy_has_recommend) {
		sc->sc_io->io_cpuid(id->id_base + HV_CPUID_RECOMMEND, 0, &r);
		if (r.ebx != sc->sc_spin_retries)
			printf("%s: base+4 after the guest OS id: spin retries "
			    "0x%08x (before it: 0x%08x)\n", sc->sc_name, r.ebx,
			    sc->sc_spin_retries);
		sc->sc_spin_retries = r.ebx;
	}
}

/*
 * Step 1 (hyperv.md "Guest OS identity"): the guest OS id.  The TLFS
 * makes it a read-write register, so it must read back as written.
 */
int
hyperv_guest_os_id(void *arg)
{
	struct hyperv_softc *sc = arg;
	const struct hvio *io = sc->sc_io;
	uint64_t v;

	if (sc->sc_isolated != NULL)
		return ktap_skip("%s", sc->sc_isolated);
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
	hyperv_leaves_after_os_id(sc);
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
		return "OR EAX, imm32 (Xen's Viridian, or KVM with Xen calls)";
	if (ex != NULL && memcmp(p, ex->ex_insn, sizeof(ex->ex_insn)) == 0)
		return ex->ex_page_name;
	return "unknown code";
}

/*
 * A root partition's hypercall page is the hypervisor's (hyperv.md
 * "Partition roles"): only the enable bit is written, and the code the
 * hypervisor put in the page the MSR names is copied into ours, as
 * Linux's hyperv_init() copies it into an executable page.  0, or the
 * step's result.
 */
static int
hyperv_hypercall_page_root(struct hyperv_softc *sc, uint8_t *p)
{
	const uint8_t *theirs;
	uint64_t back;

	if (hyperv_page_enable(sc, HV_X64_MSR_HYPERCALL, NULL, &back) != 0)
		return ktap_fail("HV_X64_MSR_HYPERCALL access raised #GP");
	printf("%s: HV_X64_MSR_HYPERCALL 0x%016lx: the hypervisor's page "
	    "(root partition), copied to 0x%lx\n", sc->sc_name,
	    (unsigned long)back, (unsigned long)(uintptr_t)p);
	if ((back & HV_MSR_ENABLE) == 0)
		return ktap_fail("the hypervisor ignored HV_X64_MSR_HYPERCALL: "
		    "enable bit reads back 0");
	sc->sc_hc_enabled = true;
	sc->sc_hc_theirs = true;
	if ((theirs = hyperv_page_theirs(back)) == NULL)
		return ktap_skip("the hypervisor's hypercall page at 0x%lx is "
		    "outside the 4 GiB this kernel maps",
		    (unsigned long)(back & HV_MSR_PAGE_MASK));
	memcpy(p, theirs, PAGE_SIZE);
	return 0;
}

/* A guest's own page, poisoned, enabled, read back. 0, or the result. */
static int
hyperv_hypercall_page_guest(struct hyperv_softc *sc, uint8_t *p)
{
	uint64_t back;

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
	return 0;
}

/*
 * Step 2 (hyperv.md "Hypercall page"): the TLFS's rules, that the
 * enable bit sticks once a guest OS id is set and that the page then
 * holds the hypervisor's code: a poisoned page, enabled, read back,
 * and changed.  A root partition uses the hypervisor's page instead.
 */
int
hyperv_hypercall_page(void *arg)
{
	struct hyperv_softc *sc = arg;
	uint8_t *p;
	int error;

	if (sc->sc_isolated != NULL)
		return ktap_skip("%s", sc->sc_isolated);
	if (!hyperv_priv(sc, HV_PRIV_HYPERCALL))
		return ktap_skip("no HYPERCALL privilege (base+3 EAX bit 5)");
	if (!sc->sc_os_id_set)
		return ktap_skip("no guest OS id (see guest_os_id): the MSR "
		    "would ignore the write");
	if ((p = sc->sc_hc_page = page_alloc()) == NULL)
		return ktap_fail("no free page for the hypercall page");
	if ((error = sc->sc_role == HV_ROLE_ROOT ?
	    hyperv_hypercall_page_root(sc, p) :
	    hyperv_hypercall_page_guest(sc, p)) != 0)
		return error;
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
 * (read after the guest OS id) asks to be told; KVM with enforced CPUID
 * would answer ACCESS_DENIED otherwise.  The TLFS's rule: the call
 * returns SUCCESS and nothing else.
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
 * R8, each page-aligned.  The TLFS's rule: the answer depends on the
 * AccessPartitionId privilege (base+3 EBX bit 1), the id with it,
 * ACCESS_DENIED without (a guest).  KVM, Xen and VirtualBox do not
 * implement the call (INVALID_HYPERCALL_CODE): then it is not offered,
 * a SKIP.
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
		    "here (INVALID_HYPERCALL_CODE, as on KVM, Xen and "
		    "VirtualBox)");
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
 * Probe 2: the same unknown code with reserved control bit 27.  The
 * TLFS's status table wants INVALID_HYPERCALL_INPUT for reserved bits,
 * and its own call descriptions do not check them (NotifyLongSpinWait
 * "returns only HV_STATUS_SUCCESS"), so versions of the spec and
 * implementations disagree: KVM since 2022 and VirtualBox check them
 * first (INVALID_HYPERCALL_INPUT), older KVM and Xen's Viridian ignore
 * them and answer for the code (INVALID_HYPERCALL_CODE).  Either is
 * reported as what it is; anything else breaks every version.
 */
static int
hyperv_reserved_probe(struct hyperv_softc *sc)
{
	const char *what = "call code 0xffff (fast) with reserved bit 27";
	uint64_t result, status;
	int ret;

	result = hyperv_call(sc, HVCALL_PROBE_INVALID | HV_HYPERCALL_FAST |
	    HV_HYPERCALL_RSVD_PROBE, 0, 0);
	status = result & HV_RESULT_STATUS_MASK;
	if (status != HV_STATUS_INVALID_HYPERCALL_INPUT &&
	    status != HV_STATUS_INVALID_HYPERCALL_CODE) {
		printf("%s: %s: status 0x%04lx %s\n", sc->sc_name, what,
		    (unsigned long)status, hyperv_status_name(status));
		return ktap_fail("%s returned 0x%04lx %s, neither 0x0003 "
		    "INVALID_HYPERCALL_INPUT nor 0x0002 INVALID_HYPERCALL_CODE",
		    what, (unsigned long)status, hyperv_status_name(status));
	}
	if ((ret = hyperv_expect(sc, what, result, status)) != KTAP_PASS)
		return ret;
	sc->sc_reserved_bits = status == HV_STATUS_INVALID_HYPERCALL_INPUT ?
	    "checked" : "ignored";
	ktap_diag("reserved control bits are %s here (%s)",
	    sc->sc_reserved_bits, status == HV_STATUS_INVALID_HYPERCALL_INPUT ?
	    "as KVM since 2022 and VirtualBox" :
	    "as older KVM and Xen's Viridian");
	return KTAP_PASS;
}

/*
 * Step 5 (hyperv.md "Call codes and probes" probes 1 and 2): a call
 * code nobody defines must come back INVALID_HYPERCALL_CODE, as every
 * version of the TLFS says; then the reserved-bit probe, which reports
 * what the hypervisor does.
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
	return hyperv_reserved_probe(sc);
}
