/*
 * A behavioural model of the Hyper-V interface (Hv#1) for hv=sim:hyperv,
 * sim:kvm+hyperv and sim:xen+viridian: what a guest partition of
 * Windows Server 2022 (build 20348) would see, with KVM's answers where
 * the TLFS leaves a choice (KVM is the Hyper-V a reader can check).
 *
 *	CPUID	base+0..base+0xA: "Microsoft Hv", "Hv#1", version 10.0
 *		build 20348, the privileges of a guest (TIME_REF_COUNT,
 *		HYPERCALL, VP_INDEX, REFERENCE_TSC), recommendations, limits.
 *	MSRs	guest OS id, hypercall page, VP index, reference time and
 *		the reference TSC page; #GP for any other MSR in Viridian's
 *		range 0x40000000-0x400001ff and for one whose privilege bit
 *		is clear (hyperv.md "Synthetic MSRs").
 *	Calls	through the page (INT 0xF0 where a real page has VMCALL:
 *		simvar.h) or by a direct VMCALL/VMMCALL once the guest OS
 *		id is set: NotifyLongSpinWait (0x8) and GetPartitionId
 *		(0x46), with the input checks and status codes of
 *		hyperv.md "Calling a hypercall", "Status codes", "Call
 *		codes and probes".
 *
 * Faults (sim.fault=): hypercall-msr-ignored drops every write of the
 * hypercall MSR; page-not-filled lets the enable bit stick but leaves
 * the hypercall page as it was; status-error answers every hypercall
 * with INVALID_PARTITION_STATE (0x7); clock-odd-version publishes the
 * TSC page with sequence 0, the "invalid, use the MSR" marker
 * (hyperv.md "Reference TSC page").  Sources: docs/reference/hyperv.md
 * (TLFS; Linux arch/x86/kvm/hyperv.c kvm_hv_set_msr_pw,
 * kvm_hv_hypercall, kvm_hv_setup_tsc_page).
 */

#include "kern.h"
#include "hypervreg.h"
#include "pvbusreg.h"		/* HV_INTERFACE_HV1 */
#include "simvar.h"

#define SIM_HV_MAXLEAF		0xa		/* base+0xA, as Azure's */
#define SIM_HV_SIGNATURE	"Microsoft Hv"
#define SIM_HV_BUILD		20348		/* Windows Server 2022 */
#define SIM_HV_VERSION		0x000a0000	/* 10.0 */
#define SIM_HV_RELAXED_TIMING	0x20		/* base+4 EAX bit 5 */
#define SIM_HV_SPIN_RETRIES	0x00000fff	/* base+4 EBX, as Azure's */
#define SIM_HV_PARTITION_ID	0x0000000000000011ULL	/* with the privilege */
#define SIM_PAGE_SIZE		4096

/*
 * The privileges of a guest partition (hyperv.md "Privilege and feature
 * bits"): only the MSRs this model implements.  These two are not in
 * simvar.h: the unit test changes them after sim_setup(), to give
 * AccessPartitionId, take a privilege away or ask never to be told of
 * spin waits; CPUID and the checks of the MSRs and calls all read them.
 */
#define SIM_HV_PRIVILEGES	(1ULL << HV_PRIV_TIME_REF_COUNT | \
	1ULL << HV_PRIV_HYPERCALL | 1ULL << HV_PRIV_VP_INDEX | \
	1ULL << HV_PRIV_REFERENCE_TSC)
uint64_t	sim_hyperv_privileges;
uint32_t	sim_hyperv_spin_retries;	/* base+4 EBX */

/* The partition's state: one partition with one virtual processor. */
struct sim_hyperv {
	uint64_t	hs_guest_os_id;
	uint64_t	hs_hypercall;	/* the MSR, as last accepted */
	uint64_t	hs_stub;	/* the page holding our stub, or 0 */
	uint64_t	hs_reftsc;	/* HV_X64_MSR_REFERENCE_TSC */
	uint32_t	hs_tsc_seq;	/* last sequence published */
	uint64_t	hs_tsc0;	/* TSC when the partition was made */
	uint64_t	hs_scale_hz;	/* the rate hs_scale was made for */
	uint64_t	hs_scale;	/* 64.64: 100 ns units per TSC tick */
	int64_t		hs_offset;	/* so reference time starts at 0 */
};

static struct sim_hyperv sim_hyperv;

/*
 * The stub the model writes at offset 0 of the hypercall page: INT 0xF0
 * (the simulated VM exit), then RET.  KVM writes VMCALL; RET there
 * (0F 01 C1 C3, or 0F 01 D9 C3 on AMD: hyperv.md "Hypercall page").
 */
static const uint8_t sim_hyperv_stub[] = {
	SIM_EXIT_INSN & 0xff, SIM_EXIT_INSN >> 8,	/* INT 0xF0 */
	0xc3,						/* RET */
};

static void
sim_hyperv_sig(struct cpuid_regs *out)
{
	const char *s = SIM_HV_SIGNATURE;

	memcpy(&out->ebx, s, 4);
	memcpy(&out->ecx, s + 4, 4);
	memcpy(&out->edx, s + 8, 4);
}

/*
 * The block of hyperv.md "CPUID leaves", as a Windows Server 2022 guest
 * partition sees it.
 */
static bool
sim_hyperv_cpuid(struct sim_iface *si, uint32_t leaf, uint32_t subleaf
    __unused, struct cpuid_regs *out)
{
	switch (leaf - si->si_base) {
	case 0:
		out->eax = si->si_base + SIM_HV_MAXLEAF;
		sim_hyperv_sig(out);
		return true;
	case HV_CPUID_INTERFACE:
		out->eax = HV_INTERFACE_HV1;
		return true;
	case HV_CPUID_VERSION:
		out->eax = SIM_HV_BUILD;
		out->ebx = SIM_HV_VERSION;
		return true;		/* SP 0, branch 0, number 0 */
	case HV_CPUID_FEATURES:
		out->eax = (uint32_t)sim_hyperv_privileges;
		out->ebx = (uint32_t)(sim_hyperv_privileges >> 32);
		return true;		/* no power or misc features */
	case HV_CPUID_RECOMMEND:
		out->eax = SIM_HV_RELAXED_TIMING;
		out->ebx = sim_hyperv_spin_retries;
		return true;
	case HV_CPUID_LIMITS:
		out->eax = 1;		/* virtual processors */
		out->ebx = 1;		/* logical processors */
		return true;
	default:			/* 6..0xA: nothing in use */
		return leaf - si->si_base <= SIM_HV_MAXLEAF;
	}
}

static bool
sim_hyperv_priv(int bit)
{
	return (sim_hyperv_privileges >> bit & 1) != 0;
}

/*
 * The TSC page's scale: floor(10^7 * 2^64 / hz), by long division one
 * bit at a time (no 128-bit divide in a freestanding kernel).  The rate
 * must be above 10 MHz, or the scale would not fit in 64 bits.  The
 * offset puts reference time 0 at the partition's creation.
 */
static void
sim_hyperv_clock(struct sim_hyperv *hs)
{
	uint64_t hz = sim.sm_tsc_hz, r = HV_REF_TIME_HZ, scale = 0;
	int i;

	if (hs->hs_scale_hz == hz)
		return;
	if (hz <= HV_REF_TIME_HZ || hz >= 1ULL << 62)
		panic("sim_hyperv_clock: TSC rate %lu Hz out of range",
		    (unsigned long)hz);
	for (i = 0; i < 64; i++) {
		r <<= 1;
		scale <<= 1;
		if (r >= hz) {
			r -= hz;
			scale |= 1;
		}
	}
	hs->hs_scale = scale;
	hs->hs_scale_hz = hz;
	hs->hs_offset = -(int64_t)(((unsigned __int128)hs->hs_tsc0 *
	    scale) >> 64);
}

/*
 * Reference time, 100 ns units.  TIME_REF_COUNT is computed from the
 * TSC page's own parameters, as KVM's get_time_ref_counter() does
 * while the page is valid: the two clocks cannot disagree.
 */
static uint64_t
sim_hyperv_ref_time(struct sim_hyperv *hs)
{
	sim_hyperv_clock(hs);
	return (uint64_t)(((unsigned __int128)sim_rdtsc() * hs->hs_scale) >>
	    64) + (uint64_t)hs->hs_offset;
}

/*
 * Publish the TSC page (hyperv.md "Reference TSC page").  The sequence
 * is never 0 or 0xFFFFFFFF when valid (kvm_hv_setup_tsc_page);
 * clock-odd-version publishes 0, the marker that sends the guest to
 * TIME_REF_COUNT.
 */
static void
sim_hyperv_publish_tsc(struct sim_hyperv *hs)
{
	struct hv_reference_tsc_page *p = (struct hv_reference_tsc_page *)
	    (uintptr_t)(hs->hs_reftsc & HV_MSR_PAGE_MASK);

	sim_hyperv_clock(hs);
	if (++hs->hs_tsc_seq == HV_TSC_SEQUENCE_OLD_INVALID ||
	    hs->hs_tsc_seq == HV_TSC_SEQUENCE_INVALID)
		hs->hs_tsc_seq = 1;
	p->tsc_sequence = HV_TSC_SEQUENCE_INVALID;	/* while updating */
	p->tsc_scale = hs->hs_scale;
	p->tsc_offset = hs->hs_offset;
	if (!sim_fault(SIM_FAULT_CLOCK_ODD_VERSION))
		p->tsc_sequence = hs->hs_tsc_seq;
}

/*
 * HV_X64_MSR_HYPERCALL (hyperv.md "Hypercall page").  KVM's rules:
 * ignored while the guest OS id is 0; with the enable bit the stub goes
 * into the page first, then the value (reserved bits and all) is kept
 * as written.
 */
static void
sim_hyperv_set_hypercall(struct sim_hyperv *hs, uint64_t val)
{
	uint8_t *page;

	if (hs->hs_guest_os_id == 0 ||
	    sim_fault(SIM_FAULT_HYPERCALL_MSR_IGNORED))
		return;
	if ((val & HV_MSR_ENABLE) != 0 &&
	    !sim_fault(SIM_FAULT_PAGE_NOT_FILLED)) {
		page = (uint8_t *)(uintptr_t)(val & HV_MSR_PAGE_MASK);
		memcpy(page, sim_hyperv_stub, sizeof(sim_hyperv_stub));
		hs->hs_stub = val & HV_MSR_PAGE_MASK;
	}
	hs->hs_hypercall = val;
}

/* The privilege bit that unlocks msr, or -1 for an MSR not modelled. */
static int
sim_hyperv_msr_priv(uint32_t msr)
{
	switch (msr) {
	case HV_X64_MSR_GUEST_OS_ID:
	case HV_X64_MSR_HYPERCALL:	return HV_PRIV_HYPERCALL;
	case HV_X64_MSR_VP_INDEX:	return HV_PRIV_VP_INDEX;
	case HV_X64_MSR_TIME_REF_COUNT:	return HV_PRIV_TIME_REF_COUNT;
	case HV_X64_MSR_REFERENCE_TSC:	return HV_PRIV_REFERENCE_TSC;
	default:			return -1;
	}
}

/* ENOENT outside Viridian's range; EFAULT (#GP) for what is not ours. */
static int
sim_hyperv_msr_check(uint32_t msr)
{
	int bit;

	if (msr < HV_X64_MSR_FIRST || msr > HV_X64_MSR_LAST)
		return ENOENT;
	if ((bit = sim_hyperv_msr_priv(msr)) == -1 || !sim_hyperv_priv(bit))
		return EFAULT;
	return 0;
}

static int
sim_hyperv_rdmsr(struct sim_iface *si, uint32_t msr, uint64_t *val)
{
	struct sim_hyperv *hs = si->si_state;
	int error;

	if ((error = sim_hyperv_msr_check(msr)) != 0)
		return error;
	switch (msr) {
	case HV_X64_MSR_GUEST_OS_ID:	*val = hs->hs_guest_os_id; break;
	case HV_X64_MSR_HYPERCALL:	*val = hs->hs_hypercall; break;
	case HV_X64_MSR_VP_INDEX:	*val = 0; break;	/* the BSP */
	case HV_X64_MSR_TIME_REF_COUNT:	*val = sim_hyperv_ref_time(hs); break;
	case HV_X64_MSR_REFERENCE_TSC:	*val = hs->hs_reftsc; break;
	}
	return 0;
}

/*
 * Writing 0 to the guest OS id disables the hypercall page (hyperv.md
 * "Guest OS identity"); VP index and reference time are read-only to
 * the guest (KVM: #GP).
 */
static int
sim_hyperv_wrmsr(struct sim_iface *si, uint32_t msr, uint64_t val)
{
	struct sim_hyperv *hs = si->si_state;
	int error;

	if ((error = sim_hyperv_msr_check(msr)) != 0)
		return error;
	switch (msr) {
	case HV_X64_MSR_GUEST_OS_ID:
		hs->hs_guest_os_id = val;
		if (val == 0)
			hs->hs_hypercall &= ~HV_MSR_ENABLE;
		return 0;
	case HV_X64_MSR_HYPERCALL:
		sim_hyperv_set_hypercall(hs, val);
		return 0;
	case HV_X64_MSR_REFERENCE_TSC:
		hs->hs_reftsc = val;
		if ((val & HV_MSR_ENABLE) != 0)
			sim_hyperv_publish_tsc(hs);
		return 0;
	default:
		return EFAULT;
	}
}

/* An input or output block of len bytes: 8-byte aligned, in one page. */
static bool
sim_hyperv_block_ok(uint64_t gpa, uint64_t len)
{
	return gpa % HV_HYPERCALL_ALIGN == 0 &&
	    gpa % SIM_PAGE_SIZE + len <= SIM_PAGE_SIZE;
}

/*
 * NotifyLongSpinWait (0x8): a simple call, the spin count in RDX (fast)
 * or in the input block.  KVM yields and answers SUCCESS; a rep count or
 * a variable header is INVALID_HYPERCALL_INPUT.
 */
static uint16_t
sim_hyperv_spin_wait(uint64_t control, uint64_t in)
{
	if ((control & (HV_HYPERCALL_VARHEAD_MASK <<
	    HV_HYPERCALL_VARHEAD_SHIFT | HV_HYPERCALL_REP_MASK <<
	    HV_HYPERCALL_REP_COUNT_SHIFT)) != 0)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if ((control & HV_HYPERCALL_FAST) == 0 &&
	    !sim_hyperv_block_ok(in, sizeof(uint64_t)))
		return HV_STATUS_INVALID_ALIGNMENT;
	return HV_STATUS_SUCCESS;
}

/*
 * GetPartitionId (0x46): no input, the u64 id in the output block.  A
 * partition without AccessPartitionId (EBX bit 1: guests) is denied;
 * there is no fast form without XMM output, which is not offered.
 */
static uint16_t
sim_hyperv_partition_id(uint64_t control, uint64_t out)
{
	if (!sim_hyperv_priv(HV_PRIV_ACCESS_PARTITION_ID))
		return HV_STATUS_ACCESS_DENIED;
	if ((control & (HV_HYPERCALL_FAST | HV_HYPERCALL_VARHEAD_MASK <<
	    HV_HYPERCALL_VARHEAD_SHIFT | HV_HYPERCALL_REP_MASK <<
	    HV_HYPERCALL_REP_COUNT_SHIFT)) != 0)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (!sim_hyperv_block_ok(out, sizeof(uint64_t)))
		return HV_STATUS_INVALID_ALIGNMENT;
	*(uint64_t *)(uintptr_t)out = SIM_HV_PARTITION_ID;
	return HV_STATUS_SUCCESS;
}

/*
 * One hypercall: control in RCX, input and output GPAs (or fast
 * parameters) in RDX and R8; the result goes to RAX (hyperv.md "Calling
 * a hypercall").  The order of the checks is KVM's: the access check
 * (NotifyLongSpinWait needs a spin retry count that is neither 0 nor
 * "never"), reserved bits, a rep start past the rep count, then the
 * call itself.  No call here is a rep call, so reps completed stays 0.
 */
static uint64_t
sim_hyperv_call(uint64_t control, uint64_t in, uint64_t out)
{
	uint64_t code = control & HV_HYPERCALL_CODE_MASK;
	uint64_t reps = control >> HV_HYPERCALL_REP_COUNT_SHIFT &
	    HV_HYPERCALL_REP_MASK;
	uint64_t start = control >> HV_HYPERCALL_REP_START_SHIFT &
	    HV_HYPERCALL_REP_MASK;

	if (sim_fault(SIM_FAULT_STATUS_ERROR))
		return HV_STATUS_INVALID_PARTITION_STATE;
	if (code == HVCALL_NOTIFY_LONG_SPIN_WAIT &&
	    (sim_hyperv_spin_retries == 0 ||
	    sim_hyperv_spin_retries == HV_SPIN_NEVER_NOTIFY))
		return HV_STATUS_ACCESS_DENIED;
	if ((control & HV_HYPERCALL_RSVD_MASK) != 0)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if ((reps != 0 || start != 0) && start >= reps)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	switch (code) {
	case HVCALL_NOTIFY_LONG_SPIN_WAIT:
		return sim_hyperv_spin_wait(control, in);
	case HVCALL_GET_PARTITION_ID:
		return sim_hyperv_partition_id(control, out);
	default:
		return HV_STATUS_INVALID_HYPERCALL_CODE;
	}
}

/* The INT 0xF0 of our stub: at offset 0 of the enabled, filled page. */
static int
sim_hyperv_exit(struct sim_iface *si, struct vm_regs *r, uintptr_t rip)
{
	struct sim_hyperv *hs = si->si_state;

	if ((hs->hs_hypercall & HV_MSR_ENABLE) == 0 || hs->hs_stub == 0 ||
	    rip != hs->hs_stub)
		return ENOENT;
	r->vr_rax = sim_hyperv_call(r->vr_rcx, r->vr_rdx, r->vr_r8);
	return 0;
}

/*
 * A VMCALL or VMMCALL made directly: a Hyper-V hypercall as soon as the
 * guest OS id is set, as KVM routes it (kvm_hv_hypercall_enabled() looks
 * at the id alone, and KVM emulates the other vendor's instruction).
 * Before that it belongs to another interface, or is a #UD.
 */
static int
sim_hyperv_hypercall(struct sim_iface *si, struct vm_regs *r,
    bool vmmcall __unused)
{
	struct sim_hyperv *hs = si->si_state;

	if (hs->hs_guest_os_id == 0)
		return ENOENT;
	r->vr_rax = sim_hyperv_call(r->vr_rcx, r->vr_rdx, r->vr_r8);
	return 0;
}

void
sim_hyperv_init(struct sim_iface *si, uint32_t base)
{
	memset(si, 0, sizeof(*si));
	memset(&sim_hyperv, 0, sizeof(sim_hyperv));
	sim_hyperv.hs_tsc0 = sim_rdtsc();
	sim_hyperv_privileges = SIM_HV_PRIVILEGES;
	sim_hyperv_spin_retries = SIM_HV_SPIN_RETRIES;
	si->si_name = "hyperv";
	si->si_base = base;
	si->si_cpuid = sim_hyperv_cpuid;
	si->si_rdmsr = sim_hyperv_rdmsr;
	si->si_wrmsr = sim_hyperv_wrmsr;
	si->si_exit = sim_hyperv_exit;
	si->si_hypercall = sim_hyperv_hypercall;
	si->si_state = &sim_hyperv;
}
