/*
 * The simulated KVM (hv=sim:kvm, and the KVM half of sim:kvm+hyperv): a
 * behavioural model of what a guest sees of KVM, following the rules of
 * docs/reference/kvm.md "CPUID leaves", "Feature bits", "MSRs",
 * "pvclock structures", "Hypercalls" (Linux Documentation/virt/kvm/x86/
 * cpuid.rst, msr.rst, hypercalls.rst; arch/x86/kvm/x86.c).  No
 * hardware: it writes guest memory through pointers, which are the
 * guest's physical addresses (simvar.h), so it is unit-tested on the
 * host.
 *
 * CPUID: base EAX = base+1, "KVMKVMKVM\0\0\0"; base+1 EAX the features
 * below, EDX no hints.
 *
 * MSRs: each exists only while its feature bit is offered, otherwise
 * #GP, as KVM does with KVM_CAP_ENFORCE_PV_FEATURE_CPUID
 * (guest_pv_has()).  Reserved bits are a #GP where KVM checks them
 * (STEAL_TIME bits 5:1, PV_EOI_EN bit 1), and nowhere else: KVM takes
 * any address for the clocks.  A clock structure that crosses a page is
 * accepted and never written, as KVM's gfn-to-pfn cache refuses the
 * range (kvm.md "Placement").
 *
 * kvmclock: KVM updates the structure before it re-enters the guest
 * after a request (KVM_REQ_CLOCK_UPDATE in vcpu_enter_guest()).  The
 * model cannot run by itself, so it updates it every time the guest
 * enters it (CPUID, RDMSR, WRMSR, VMCALL), and writes tsc_timestamp,
 * system_time and the scale so that the guest's own computation from
 * RDTSC carries on between updates.  version goes odd, the data is
 * written, version goes even: +2 per update, as kvm_setup_guest_pvclock().
 *
 * Hypercalls: VMCALL if the guest's CPU is Intel, VMMCALL if AMD
 * (sim.sm_amd).  The other instruction is a #UD: KVM would patch it in
 * guest memory and go on, unless the VMM turned off
 * KVM_X86_QUIRK_FIX_HYPERCALL_INSN, and the model is such a VMM, so a
 * guest that picks the wrong one is told (kvm.md "Hypercalls").
 *
 * Faults (sim.fault=, simvar.h), for KVM:
 *	hypercall-msr-ignored	a write to a clock MSR (SYSTEM_TIME,
 *				WALL_CLOCK, old or new) is dropped: it
 *				reads back 0 and nothing is written
 *	page-not-filled		the MSRs take the address and read it
 *				back, but the model never writes the
 *				clocks or the steal time area, as KVM with
 *				a clock across a page
 *	clock-odd-version	both clock structures are left odd, as if
 *				the hypervisor never finished an update
 *	status-error		every hypercall returns -KVM_EPERM
 *	garbage-cpuid		sim.c's: base EAX outside the block
 */

#include "kern.h"
#include "kvmreg.h"
#include "pmem.h"
#include "simvar.h"

/*
 * The features offered: QEMU's default with KVM (0x01007afb, the value
 * a real "-accel kvm -cpu host" guest reads on this project's test
 * host) less the four whose MSRs or events the model does not have:
 * ASYNC_PF and ASYNC_PF_INT (the model never loses a page),
 * PV_TLB_FLUSH (no other vCPU) and POLL_CONTROL (no HLT polling).  A
 * guest must treat every bit as optional (kvm.md "CPUID leaves"), so
 * this is also a real configuration.
 */
#define SIM_KVM_FEATURES						\
	(1U << KVM_FEATURE_CLOCKSOURCE |				\
	1U << KVM_FEATURE_NOP_IO_DELAY |				\
	1U << KVM_FEATURE_CLOCKSOURCE2 |				\
	1U << KVM_FEATURE_STEAL_TIME |					\
	1U << KVM_FEATURE_PV_EOI |					\
	1U << KVM_FEATURE_PV_UNHALT |					\
	1U << KVM_FEATURE_PV_SEND_IPI |					\
	1U << KVM_FEATURE_PV_SCHED_YIELD |				\
	1U << KVM_FEATURE_CLOCKSOURCE_STABLE)	/* 0x010028eb */

/* The wall time when kvmclock read 0: 2025-01-01 00:00:00 UTC. */
#define SIM_KVM_WALL_SEC	1735689600
#define SIM_KVM_TSC_HZ		1000000000ULL	/* if sim.sm_tsc_hz is unset */
#define NSEC_PER_SEC		1000000000ULL

struct sim_kvm {
	uint32_t	sk_features;	/* base+1 EAX */
	uint64_t	sk_tsc0;	/* the TSC when kvmclock read 0 */
	uint64_t	sk_system_time;	/* MSR values, as written */
	uint64_t	sk_wall_clock;
	uint64_t	sk_steal_time;
	uint64_t	sk_pv_eoi;
	bool		sk_clock_mapped;	/* the clock will be written */
	bool		sk_steal_mapped;
};

static struct sim_kvm sim_kvm;

static bool
sim_kvm_has(const struct sim_kvm *sk, int feature)
{
	return (sk->sk_features & (1U << feature)) != 0;
}

/*
 * Guest memory the model may write: len bytes at gpa inside one page.
 * Page 0 is not RAM to the model (the kernel unmaps it, pmap.c), as a
 * GFN without a memslot is not to KVM: the write is taken, nothing done.
 */
static bool
sim_kvm_mappable(uint64_t gpa, size_t len)
{
	return gpa >= PAGE_SIZE && (gpa & (PAGE_SIZE - 1)) + len <= PAGE_SIZE;
}

/*
 * The TSC-to-ns scale: the 32.32 multiplier and the shift, as KVM's
 * kvm_get_time_scale(NSEC_PER_SEC, tsc_hz) finds them, so that
 * ((ticks << shift) * mul) >> 32 is ns and the product fits 96 bits.
 */
static void
sim_kvm_time_scale(uint64_t tsc_hz, uint32_t *mul, int8_t *shift)
{
	uint64_t scaled = NSEC_PER_SEC, tps = tsc_hz;
	int s = 0;

	while (tps > scaled * 2 || (tps >> 32) != 0) {
		tps >>= 1;
		s--;
	}
	while (tps <= scaled || (scaled >> 32) != 0) {
		if ((scaled >> 32) != 0 || (tps & 0x80000000) != 0)
			scaled >>= 1;
		else
			tps <<= 1;
		s++;
	}
	*shift = (int8_t)s;
	*mul = (uint32_t)((scaled << 32) / tps);
}

/* ((ticks << shift) * mul) >> 32, the product in two 64-bit halves. */
static uint64_t
sim_kvm_scale(uint64_t ticks, uint32_t mul, int8_t shift)
{
	if (shift >= 0)
		ticks <<= shift;
	else
		ticks >>= -shift;
	return (ticks >> 32) * mul + (((ticks & 0xffffffff) * mul) >> 32);
}

/*
 * kvm_setup_guest_pvclock(): version (guest's + 1) | 1, the data,
 * version + 1.  The flags keep GUEST_STOPPED if the guest copy has it;
 * TSC_STABLE says a reading never goes back across vCPUs (CLOCKSOURCE_
 * STABLE; the model's one TSC is stable).
 */
static void
sim_kvm_clock_update(struct sim_kvm *sk)
{
	volatile struct pvclock_time_info *ti;
	uint64_t tsc, hz = sim.sm_tsc_hz != 0 ? sim.sm_tsc_hz : SIM_KVM_TSC_HZ;
	uint32_t version, mul;
	int8_t shift;

	if (!sk->sk_clock_mapped)
		return;
	ti = (volatile struct pvclock_time_info *)(uintptr_t)
	    (sk->sk_system_time & ~KVM_MSR_ENABLED);
	tsc = sim_rdtsc();
	sim_kvm_time_scale(hz, &mul, &shift);
	version = (ti->ti_version + 1) | 1;
	ti->ti_version = version;
	ti->ti_tsc_timestamp = tsc;
	ti->ti_system_time = sim_kvm_scale(tsc - sk->sk_tsc0, mul, shift);
	ti->ti_tsc_to_system_mul = mul;
	ti->ti_tsc_shift = shift;
	ti->ti_flags = (ti->ti_flags & PVCLOCK_GUEST_STOPPED) |
	    (sim_kvm_has(sk, KVM_FEATURE_CLOCKSOURCE_STABLE) ?
	    PVCLOCK_TSC_STABLE_BIT : 0);
	if (sim_fault(SIM_FAULT_CLOCK_ODD_VERSION))
		return;			/* the update never finishes */
	ti->ti_version = version + 1;
}

/*
 * kvm_write_wall_clock(), once per WRMSR: version made even, + 1, the
 * wall time at kvmclock 0, + 1.
 */
static void
sim_kvm_wall_clock_write(struct sim_kvm *sk)
{
	volatile struct pvclock_wall_clock *wc;
	uint64_t gpa = sk->sk_wall_clock;
	uint32_t version;

	if (!sim_kvm_mappable(gpa, sizeof(*wc)) ||
	    sim_fault(SIM_FAULT_PAGE_NOT_FILLED))
		return;
	wc = (volatile struct pvclock_wall_clock *)(uintptr_t)gpa;
	version = wc->wc_version;
	if (version & 1)
		version++;		/* "first time write, random junk" */
	wc->wc_version = ++version;
	wc->wc_sec = SIM_KVM_WALL_SEC;
	wc->wc_nsec = 0;
	if (sim_fault(SIM_FAULT_CLOCK_ODD_VERSION))
		return;
	wc->wc_version = version + 1;
}

/*
 * record_steal_time(): the same protocol; the model never keeps the
 * vCPU from running, so steal stays what it was and preempted 0.
 */
static void
sim_kvm_steal_update(struct sim_kvm *sk)
{
	volatile struct kvm_steal_time *st;
	uint32_t version;

	if (!sk->sk_steal_mapped)
		return;
	st = (volatile struct kvm_steal_time *)(uintptr_t)
	    (sk->sk_steal_time & KVM_STEAL_VALID_MASK);
	st->st_preempted = 0;
	version = st->st_version;
	if (version & 1)
		version++;
	st->st_version = ++version;
	st->st_version = version + 1;
}

/*
 * Every exit ends here, before the guest runs again: what KVM does in
 * vcpu_enter_guest() for KVM_REQ_CLOCK_UPDATE and KVM_REQ_STEAL_UPDATE.
 */
static void
sim_kvm_vcpu_enter(struct sim_kvm *sk)
{
	sim_kvm_clock_update(sk);
	sim_kvm_steal_update(sk);
}

static bool
sim_kvm_cpuid(struct sim_iface *si, uint32_t leaf, uint32_t subleaf __unused,
    struct cpuid_regs *out)
{
	struct sim_kvm *sk = si->si_state;

	sim_kvm_vcpu_enter(sk);		/* CPUID always exits */
	switch (leaf - si->si_base) {
	case 0:
		out->eax = si->si_base + KVM_CPUID_FEATURES;
		out->ebx = 0x4b4d564b;	/* "KVMK" */
		out->ecx = 0x564b4d56;	/* "VMKV" */
		out->edx = 0x0000004d;	/* "M\0\0\0" */
		return true;
	case KVM_CPUID_FEATURES:
		out->eax = sk->sk_features;
		out->ebx = out->ecx = 0;
		out->edx = 0;		/* no KVM_HINTS_REALTIME */
		return true;
	default:
		return false;
	}
}

/*
 * Which feature bit an MSR needs: ENOENT for an MSR not KVM's, EFAULT
 * (#GP) for one it does not offer, or one in its range it has not.
 */
static int
sim_kvm_msr_check(const struct sim_kvm *sk, uint32_t msr)
{
	int feature;

	switch (msr) {
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_SYSTEM_TIME:
		feature = KVM_FEATURE_CLOCKSOURCE;
		break;
	case MSR_KVM_WALL_CLOCK_NEW:
	case MSR_KVM_SYSTEM_TIME_NEW:
		feature = KVM_FEATURE_CLOCKSOURCE2;
		break;
	case MSR_KVM_STEAL_TIME:
		feature = KVM_FEATURE_STEAL_TIME;
		break;
	case MSR_KVM_PV_EOI_EN:
		feature = KVM_FEATURE_PV_EOI;
		break;
	default:
		/* ASYNC_PF, POLL_CONTROL, ...: not offered here. */
		return msr >= MSR_KVM_FIRST && msr <= MSR_KVM_LAST ? EFAULT :
		    ENOENT;
	}
	return sim_kvm_has(sk, feature) ? 0 : EFAULT;
}

static int
sim_kvm_rdmsr(struct sim_iface *si, uint32_t msr, uint64_t *val)
{
	struct sim_kvm *sk = si->si_state;
	int error;

	if ((error = sim_kvm_msr_check(sk, msr)) != 0)
		return error;
	switch (msr) {
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_WALL_CLOCK_NEW:
		*val = sk->sk_wall_clock;
		break;
	case MSR_KVM_SYSTEM_TIME:
	case MSR_KVM_SYSTEM_TIME_NEW:
		*val = sk->sk_system_time;
		break;
	case MSR_KVM_STEAL_TIME:
		*val = sk->sk_steal_time;
		break;
	case MSR_KVM_PV_EOI_EN:
		*val = sk->sk_pv_eoi;
		break;
	}
	sim_kvm_vcpu_enter(sk);
	return 0;
}

/*
 * kvm_set_msr_common(): the clocks take any address (bit 0 of
 * SYSTEM_TIME enables; writing it clear stops the updates), STEAL_TIME
 * and PV_EOI_EN check their reserved bits first.
 */
static int
sim_kvm_wrmsr(struct sim_iface *si, uint32_t msr, uint64_t val)
{
	struct sim_kvm *sk = si->si_state;
	bool ignored = sim_fault(SIM_FAULT_HYPERCALL_MSR_IGNORED);
	bool unfilled = sim_fault(SIM_FAULT_PAGE_NOT_FILLED);
	int error;

	if ((error = sim_kvm_msr_check(sk, msr)) != 0)
		return error;
	switch (msr) {
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_WALL_CLOCK_NEW:
		if (ignored)
			break;
		sk->sk_wall_clock = val;
		sim_kvm_wall_clock_write(sk);
		break;
	case MSR_KVM_SYSTEM_TIME:
	case MSR_KVM_SYSTEM_TIME_NEW:
		if (ignored)
			break;
		sk->sk_system_time = val;
		sk->sk_clock_mapped = (val & KVM_MSR_ENABLED) != 0 &&
		    !unfilled && sim_kvm_mappable(val & ~KVM_MSR_ENABLED,
		    sizeof(struct pvclock_time_info));
		break;
	case MSR_KVM_STEAL_TIME:
		if ((val & KVM_STEAL_RESERVED_MASK) != 0)
			return EFAULT;
		sk->sk_steal_time = val;
		sk->sk_steal_mapped = (val & KVM_MSR_ENABLED) != 0 &&
		    !unfilled && sim_kvm_mappable(val & KVM_STEAL_VALID_MASK,
		    sizeof(struct kvm_steal_time));
		break;
	case MSR_KVM_PV_EOI_EN:
		if ((val & KVM_PV_EOI_RESERVED_MASK) != 0)
			return EFAULT;
		sk->sk_pv_eoi = val;	/* no interrupts: never written */
		break;
	}
	sim_kvm_vcpu_enter(sk);
	return 0;
}

/*
 * SEND_IPI: a0:a1 a bitmap of APIC IDs from a2 on; the result is how
 * many vCPUs it reached.  The model has one, APIC ID 0, and no local
 * APIC to deliver to, so it only counts.
 */
static int64_t
sim_kvm_send_ipi(const struct vm_regs *r)
{
	return r->vr_rdx == 0 && (r->vr_rbx & 1) != 0 ? 1 : 0;
}

/* kvm_emulate_hypercall(): RAX the number, RBX RCX RDX RSI a0..a3. */
static int64_t
sim_kvm_call(const struct sim_kvm *sk, const struct vm_regs *r)
{
	if (sim_fault(SIM_FAULT_STATUS_ERROR))
		return -KVM_EPERM;	/* what a CPL 3 caller gets */
	switch (r->vr_rax) {
	case KVM_HC_VAPIC_POLL_IRQ:
		return 0;
	case KVM_HC_KICK_CPU:
		return sim_kvm_has(sk, KVM_FEATURE_PV_UNHALT) ? 0 : -KVM_ENOSYS;
	case KVM_HC_CLOCK_PAIRING:
		return -KVM_EOPNOTSUPP;	/* the host clock is not the TSC */
	case KVM_HC_SEND_IPI:
		return sim_kvm_has(sk, KVM_FEATURE_PV_SEND_IPI) ?
		    sim_kvm_send_ipi(r) : -KVM_ENOSYS;
	case KVM_HC_SCHED_YIELD:
		return sim_kvm_has(sk, KVM_FEATURE_PV_SCHED_YIELD) ? 0 :
		    -KVM_ENOSYS;
	default:			/* MAP_GPA_RANGE: not offered */
		return -KVM_ENOSYS;
	}
}

static int
sim_kvm_hypercall(struct sim_iface *si, struct vm_regs *r, bool vmmcall)
{
	struct sim_kvm *sk = si->si_state;

	if (vmmcall != sim.sm_amd)
		return EFAULT;		/* #UD: the other vendor's insn */
	r->vr_rax = (uint64_t)sim_kvm_call(sk, r);
	sim_kvm_vcpu_enter(sk);
	return 0;
}

void
sim_kvm_init(struct sim_iface *si, uint32_t base)
{
	memset(&sim_kvm, 0, sizeof(sim_kvm));
	sim_kvm.sk_features = SIM_KVM_FEATURES;
	sim_kvm.sk_tsc0 = sim_rdtsc();	/* kvmclock counts from here */
	memset(si, 0, sizeof(*si));
	si->si_name = "kvm";
	si->si_base = base;
	si->si_cpuid = sim_kvm_cpuid;
	si->si_rdmsr = sim_kvm_rdmsr;
	si->si_wrmsr = sim_kvm_wrmsr;
	si->si_exit = NULL;		/* KVM has no hypercall page */
	si->si_hypercall = sim_kvm_hypercall;
	si->si_state = &sim_kvm;
}
