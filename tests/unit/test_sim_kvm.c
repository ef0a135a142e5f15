/*
 * The simulated KVM (sim/sim_kvm.c) against the rules of
 * docs/reference/kvm.md "CPUID leaves", "Feature bits", "MSRs",
 * "pvclock structures", "Hypercalls", then the guest driver
 * (drivers/pvclock/pvclock.c) end to end against it, as the kernel runs
 * them under hv=sim:kvm.  The expected numbers come from the reference
 * notes and msr.rst, not from the code: the signature registers, the feature
 * bits, KVM's errno values, which bits are reserved, how the version
 * moves, and that a clock across a page is taken and never written.
 *
 * The model writes guest memory through pointers (simvar.h), so guest
 * pages are heap pages, sim_host.c's.  Its TSC, sim_rdtsc(), is
 * sim_host.c's too: a counter the test sets.  The driver reads the TSC
 * with RDTSC, which sim_host.c traps and answers from the same counter,
 * so nothing here depends on the host's TSC, uptime or load.  The other
 * models are stubs: the Hyper-V side of sim:kvm+hyperv is scripted in
 * CPUID here, so nothing in this file depends on sim_hyperv.c.
 */

#include "check.h"
#include "kern.h"
#include "cmdline.h"
#include "ktap.h"
#include "kvmreg.h"
#include "pmem.h"
#include "pvbusvar.h"
#include "pvclockvar.h"
#include "simvar.h"
#include "sim_host.h"

#define BASE0		0x40000000u
#define BASE1		0x40000100u
#define GHZ		1000000000ULL

/* The features the model says it offers (sim_kvm.c, documented). */
#define FEATURES	0x010028ebu

/* ------------------------------------------------------------------ */
/* The other models, as stubs (pages and the TSC: sim_host.c). */

static bool
stub_cpuid(struct sim_iface *si __unused, uint32_t leaf __unused,
    uint32_t subleaf __unused, struct cpuid_regs *out __unused)
{
	return false;
}

void
sim_hyperv_init(struct sim_iface *si, uint32_t base,
    enum sim_hv_persona_id persona __unused)
{
	memset(si, 0, sizeof(*si));
	si->si_name = "hyperv";
	si->si_base = base;
	si->si_cpuid = stub_cpuid;
}

void
sim_xen_init(struct sim_iface *si, uint32_t base, uint32_t msr __unused,
    enum sim_xen_persona_id persona __unused)
{
	memset(si, 0, sizeof(*si));
	si->si_name = "xen";
	si->si_base = base;
	si->si_cpuid = stub_cpuid;
}

void
sim_vmware_init(struct sim_iface *si, uint32_t base)
{
	memset(si, 0, sizeof(*si));
	si->si_name = "vmware";
	si->si_base = base;
	si->si_cpuid = stub_cpuid;
}

/* ------------------------------------------------------------------ */
/* Setting up a model. */

static void
model(const char *name, uint32_t faults, bool amd)
{
	char err[160];

	sim_host_tsc_now = 5000;
	sim_host_tsc_step = 0;
	sim_host_tsc_offset = 0;
	CHECK_EQ_INT(sim_setup_model(name, faults, err, sizeof(err)), 0);
	sim.sm_amd = amd;
	sim.sm_tsc_hz = GHZ;
}

/*
 * KVM's interface: the last of both layouts this test sets up, "kvm"
 * (alone at 0x40000000) and "kvm+hyperv" (at 0x40000100, after Hyper-V's;
 * sim_models.c).
 */
static struct sim_iface *
kvm_iface(void)
{
	struct sim_iface *si = &sim.sm_iface[sim.sm_niface - 1];

	if (si->si_base != (sim.sm_niface == 1 ? 0x40000000u : 0x40000100u))
		CHECK(!"no kvm interface where the layout puts it");
	return si;
}

static uint8_t *
guest_page(void)
{
	uint8_t *p = page_alloc();

	CHECK(p != NULL);
	return p;
}

static uint64_t
pa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void
guest_page_free(uint8_t *p)
{
	page_free(p);
}

static bool
all_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* CPUID (kvm.md "CPUID leaves", "Feature bits"). */

static void
test_cpuid_block(void)
{
	struct cpuid_regs r;

	model("kvm", 0, true);
	CHECK(sim_cpuid(BASE0, 0, &r));
	CHECK_EQ_HEX(r.eax, BASE0 + 1);
	CHECK_EQ_HEX(r.ebx, 0x4b4d564b);	/* "KVMK" */
	CHECK_EQ_HEX(r.ecx, 0x564b4d56);	/* "VMKV" */
	CHECK_EQ_HEX(r.edx, 0x0000004d);	/* "M\0\0\0" */
	CHECK(sim_cpuid(BASE0 + 1, 0, &r));
	CHECK_EQ_HEX(r.eax, FEATURES);
	CHECK_EQ_HEX(r.ebx, 0);
	CHECK_EQ_HEX(r.ecx, 0);
	CHECK_EQ_HEX(r.edx, 0);			/* no REALTIME hint */
	CHECK(sim_cpuid(BASE0 + 2, 0, &r));	/* past the end: zeros */
	CHECK_EQ_HEX(r.eax | r.ebx | r.ecx | r.edx, 0);
}

/*
 * Behind Hyper-V emulation KVM is at 0x40000100
 * (docs/reference/cpuid-detection.md "Several interfaces at once"), EAX
 * base+1.
 */
static void
test_cpuid_kvm_hyperv_layout(void)
{
	struct cpuid_regs r;

	model("kvm+hyperv", 0, false);
	CHECK_EQ_HEX(kvm_iface()->si_base, BASE1);
	CHECK(sim_cpuid(BASE1, 0, &r));
	CHECK_EQ_HEX(r.eax, BASE1 + 1);
	CHECK_EQ_HEX(r.ebx, 0x4b4d564b);
	CHECK(sim_cpuid(BASE1 + 1, 0, &r));
	CHECK_EQ_HEX(r.eax, FEATURES);
}

/* ------------------------------------------------------------------ */
/* kvmclock (kvm.md "MSRs", "pvclock structures"). */

static const volatile struct pvclock_time_info *
time_info(const uint8_t *p)
{
	return (const volatile struct pvclock_time_info *)p;
}

/* What a guest computes, with the 96-bit product (128 here). */
static uint64_t
guest_ns(const volatile struct pvclock_time_info *ti, uint64_t tsc)
{
	unsigned __int128 d = tsc - ti->ti_tsc_timestamp;

	if (ti->ti_tsc_shift >= 0)
		d <<= ti->ti_tsc_shift;
	else
		d >>= -ti->ti_tsc_shift;
	return ti->ti_system_time +
	    (uint64_t)((d * ti->ti_tsc_to_system_mul) >> 32);
}

static void
test_system_time_fills_the_structure(void)
{
	uint8_t *p = guest_page();
	const volatile struct pvclock_time_info *ti = time_info(p + 64);
	uint64_t v;

	model("kvm", 0, true);			/* kvmclock 0 at TSC 5000 */
	sim_host_tsc_now = 5000 + 123456;
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, pa(p + 64) | 1), 0);
	CHECK_EQ_INT(ti->ti_version, 2);	/* 0 -> 1 -> 2 */
	CHECK_EQ_HEX(ti->ti_tsc_timestamp, 5000 + 123456);
	CHECK_EQ_INT(ti->ti_system_time, 123456);	/* 1 GHz: ns = ticks */
	CHECK_EQ_HEX(ti->ti_tsc_to_system_mul, 0x80000000);
	CHECK_EQ_INT(ti->ti_tsc_shift, 1);	/* kvm_get_time_scale() */
	CHECK_EQ_HEX(ti->ti_flags, PVCLOCK_TSC_STABLE_BIT);
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_SYSTEM_TIME_NEW, &v), 0);
	CHECK_EQ_HEX(v, pa(p + 64) | 1);
	CHECK(all_zero(p, 64) && all_zero(p + 96, PAGE_SIZE - 96));
	guest_page_free(p);
}

/*
 * Every entry updates it, version +2, and the guest's reading from the
 * old parameters and from the new ones agree: time runs on by itself.
 */
static void
test_clock_updates_on_every_entry_and_carries_on(void)
{
	uint8_t *p = guest_page();
	const volatile struct pvclock_time_info *ti = time_info(p);
	struct pvclock_time_info before;
	struct cpuid_regs r;
	uint64_t v;

	model("kvm", 0, true);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, pa(p) | 1), 0);
	memcpy(&before, (const void *)ti, sizeof(before));
	sim_host_tsc_now += 1000000;
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_WALL_CLOCK_NEW, &v), 0);
	CHECK_EQ_INT(ti->ti_version, 4);
	CHECK_EQ_INT(guest_ns(&before, sim_host_tsc_now),
	    guest_ns(ti, sim_host_tsc_now));
	sim_host_tsc_now += 777;
	(void)sim_cpuid(BASE0 + 1, 0, &r);	/* CPUID exits too */
	CHECK_EQ_INT(ti->ti_version, 6);
	CHECK_EQ_INT(guest_ns(ti, sim_host_tsc_now), 1000777);
	sim_host_tsc_now += 5;
	/* No entry in between: the old parameters still hold. */
	CHECK_EQ_INT(guest_ns(ti, sim_host_tsc_now), 1000782);
	guest_page_free(p);
}

/* The scale at other rates: ns within 1 of ticks * 10^9 / hz. */
static void
test_clock_scale_at_other_rates(void)
{
	static const uint64_t rates[] = { 2100000000ULL, 3000000000ULL,
	    1234567890ULL, 100000000ULL, 8000000000ULL };
	uint8_t *p = guest_page();
	const volatile struct pvclock_time_info *ti = time_info(p);
	unsigned __int128 want;
	uint64_t ticks = 987654321012ULL, got;
	size_t i;

	for (i = 0; i < nitems(rates); i++) {
		model("kvm", 0, true);
		sim.sm_tsc_hz = rates[i];
		memset(p, 0, 32);
		CHECK_EQ_INT(sim_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, pa(p) | 1), 0);
		got = guest_ns(ti, sim_host_tsc_now + ticks) -
		    ti->ti_system_time;
		want = (unsigned __int128)ticks * GHZ / rates[i];
		CHECK((uint64_t)want - got <= 1 + ticks / 1000000000ULL);
		CHECK(got <= (uint64_t)want);
	}
	guest_page_free(p);
}

static void
test_clock_stops_when_bit0_is_clear(void)
{
	uint8_t *p = guest_page();
	const volatile struct pvclock_time_info *ti = time_info(p);
	uint64_t v;

	model("kvm", 0, true);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, pa(p) | 1), 0);
	CHECK_EQ_INT(ti->ti_version, 2);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, pa(p)), 0);
	sim_host_tsc_now += 100;
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_SYSTEM_TIME_NEW, &v), 0);
	CHECK_EQ_HEX(v, pa(p));
	CHECK_EQ_INT(ti->ti_version, 2);	/* stopped: no more updates */
	CHECK_EQ_INT(ti->ti_tsc_timestamp, 5000);
	guest_page_free(p);
}

/*
 * KVM's gfn-to-pfn cache refuses it; the WRMSR still succeeds (kvm.md
 * "Placement").
 */
static void
test_clock_across_a_page_is_taken_and_never_written(void)
{
	uint8_t *p = aligned_alloc(PAGE_SIZE, 2 * PAGE_SIZE);
	uint64_t gpa = pa(p) + PAGE_SIZE - 16, v;

	CHECK(p != NULL);
	memset(p, 0, 2 * PAGE_SIZE);
	model("kvm", 0, true);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, gpa | 1), 0);
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_SYSTEM_TIME_NEW, &v), 0);
	CHECK_EQ_HEX(v, gpa | 1);
	CHECK(all_zero(p, 2 * PAGE_SIZE));
	free(p);
}

/* The old pair works the same (CLOCKSOURCE is offered). */
static void
test_old_msrs_0x11_0x12(void)
{
	uint8_t *p = guest_page();
	const volatile struct pvclock_wall_clock *wc = (void *)(p + 32);

	model("kvm", 0, true);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_SYSTEM_TIME, pa(p) | 1), 0);
	CHECK_EQ_INT(time_info(p)->ti_version, 2);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_WALL_CLOCK, pa(p + 32)), 0);
	CHECK_EQ_INT(wc->wc_version, 2);
	guest_page_free(p);
}

/* Written at the WRMSR only; again (+2) at the next WRMSR (msr.rst). */
static void
test_wall_clock_written_once_per_write(void)
{
	uint8_t *p = guest_page();
	volatile struct pvclock_wall_clock *wc = (void *)(p + 200);
	uint64_t v;

	model("kvm", 0, true);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_WALL_CLOCK_NEW, pa(p + 200)), 0);
	CHECK_EQ_INT(wc->wc_version, 2);
	CHECK_EQ_INT(wc->wc_sec, 1735689600);	/* the model's epoch */
	CHECK_EQ_INT(wc->wc_nsec, 0);
	wc->wc_sec = 7;
	sim_host_tsc_now += 1000;
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_WALL_CLOCK_NEW, &v), 0);
	CHECK_EQ_HEX(v, pa(p + 200));
	CHECK_EQ_INT(wc->wc_sec, 7);		/* not rewritten */
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_WALL_CLOCK_NEW, pa(p + 200)), 0);
	CHECK_EQ_INT(wc->wc_version, 4);
	CHECK_EQ_INT(wc->wc_sec, 1735689600);
	wc->wc_version = 5;			/* junk: made even, then +2 */
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_WALL_CLOCK_NEW, pa(p + 200)), 0);
	CHECK_EQ_INT(wc->wc_version, 8);
	guest_page_free(p);
}

/* ------------------------------------------------------------------ */
/* Steal time, PV EOI, the MSRs not offered (kvm.md "MSRs"). */

static void
test_steal_time_aligned_and_reserved_bits(void)
{
	uint8_t *p = guest_page();
	volatile struct kvm_steal_time *st = (void *)(p + 128);
	uint64_t v;
	int bit;

	model("kvm", 0, true);
	for (bit = 1; bit <= 5; bit++)
		CHECK_EQ_INT(sim_wrmsr(MSR_KVM_STEAL_TIME,
		    pa(p + 128) | 1ULL << bit | 1), EFAULT);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_STEAL_TIME, pa(p + 128) | 1), 0);
	CHECK_EQ_INT(st->st_version, 2);
	CHECK_EQ_INT(st->st_steal, 0);
	CHECK_EQ_INT(st->st_preempted, 0);
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_STEAL_TIME, &v), 0);
	CHECK_EQ_HEX(v, pa(p + 128) | 1);
	CHECK_EQ_INT(st->st_version, 4);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_STEAL_TIME, 0), 0);
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_STEAL_TIME, &v), 0);
	CHECK_EQ_INT(st->st_version, 4);	/* off: no more updates */
	CHECK(all_zero(p, 128) && all_zero(p + 192, PAGE_SIZE - 192));
	guest_page_free(p);
}

static void
test_pv_eoi_bit1_reserved(void)
{
	uint8_t *p = guest_page();
	uint64_t v;

	model("kvm", 0, true);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_PV_EOI_EN, pa(p + 4) | 2 | 1), EFAULT);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_PV_EOI_EN, pa(p + 4) | 1), 0);
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_PV_EOI_EN, &v), 0);
	CHECK_EQ_HEX(v, pa(p + 4) | 1);
	CHECK(all_zero(p, PAGE_SIZE));		/* no interrupt, no write */
	guest_page_free(p);
}

/* Each MSR only with its feature bit; KVM's range is KVM's (#GP). */
static void
test_msrs_not_offered_raise_gp(void)
{
	uint64_t v;

	model("kvm", 0, true);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_ASYNC_PF_EN, 0), EFAULT);
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_ASYNC_PF_EN, &v), EFAULT);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_POLL_CONTROL, 1), EFAULT);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_ASYNC_PF_INT, 0xec), EFAULT);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_MIGRATION_CONTROL, 1), EFAULT);
	CHECK_EQ_INT(sim_rdmsr(0x4b564dff, &v), EFAULT);
	/* Not KVM's: nobody in sim:kvm owns it, so sim.c's #GP. */
	CHECK_EQ_INT(sim_rdmsr(0x40000000, &v), EFAULT);
	CHECK_EQ_INT(kvm_iface()->si_rdmsr(kvm_iface(), 0x40000000, &v),
	    ENOENT);
	CHECK_EQ_INT(kvm_iface()->si_rdmsr(kvm_iface(), 0x10, &v), ENOENT);
}

/* ------------------------------------------------------------------ */
/* Hypercalls (kvm.md "Hypercalls"). */

static int
call(bool vmmcall, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
    int64_t *ret)
{
	struct vm_regs r;
	int error;

	memset(&r, 0, sizeof(r));
	r.vr_rax = nr, r.vr_rbx = a0, r.vr_rcx = a1, r.vr_rdx = a2;
	r.vr_rsi = 0x5151;
	r.vr_rdi = 0xd1d1;
	error = sim_hypercall(&r, vmmcall);
	if (error == 0) {
		*ret = (int64_t)r.vr_rax;
		CHECK_EQ_HEX(r.vr_rbx, a0);	/* nothing else changed */
		CHECK_EQ_HEX(r.vr_rcx, a1);
		CHECK_EQ_HEX(r.vr_rdx, a2);
		CHECK_EQ_HEX(r.vr_rsi, 0x5151);
		CHECK_EQ_HEX(r.vr_rdi, 0xd1d1);
	}
	return error;
}

/* VMCALL on Intel, VMMCALL on AMD; the other one is a #UD. */
static void
test_hypercall_instruction_follows_the_vendor(void)
{
	int64_t ret = 99;

	model("kvm", 0, true);
	CHECK_EQ_INT(call(false, KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, &ret),
	    EFAULT);
	CHECK_EQ_INT(call(true, KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, 0);
	model("kvm", 0, false);
	CHECK_EQ_INT(call(true, KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, &ret),
	    EFAULT);
	CHECK_EQ_INT(call(false, KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, 0);
}

static void
test_hypercall_numbers(void)
{
	int64_t ret;

	model("kvm", 0, false);
	CHECK_EQ_INT(call(false, 0, 0, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, -1000);		/* -KVM_ENOSYS */
	CHECK_EQ_INT(call(false, KVM_HC_MMU_OP, 0, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, -1000);
	CHECK_EQ_INT(call(false, KVM_HC_KICK_CPU, 0, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, 0);			/* PV_UNHALT offered */
	CHECK_EQ_INT(call(false, KVM_HC_CLOCK_PAIRING, 0, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, -95);			/* -KVM_EOPNOTSUPP */
	CHECK_EQ_INT(call(false, KVM_HC_SEND_IPI, 1, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, 1);			/* APIC ID 0 reached */
	CHECK_EQ_INT(call(false, KVM_HC_SEND_IPI, 2, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, 0);
	CHECK_EQ_INT(call(false, KVM_HC_SCHED_YIELD, 0, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, 0);
	CHECK_EQ_INT(call(false, KVM_HC_MAP_GPA_RANGE, 0, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, -1000);		/* not offered */
	CHECK_EQ_INT(call(false, 0xffffffffffffULL, 0, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, -1000);
}

/* ------------------------------------------------------------------ */
/* Faults. */

static void
test_fault_clock_odd_version_stays_odd(void)
{
	uint8_t *p = guest_page();
	const volatile struct pvclock_wall_clock *wc = (void *)(p + 32);
	uint64_t v;

	model("kvm", SIM_FAULT_CLOCK_ODD_VERSION, true);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, pa(p) | 1), 0);
	CHECK_EQ_INT(time_info(p)->ti_version, 1);
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_SYSTEM_TIME_NEW, &v), 0);
	CHECK_EQ_INT(time_info(p)->ti_version, 3);	/* odd, and odd */
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_WALL_CLOCK_NEW, pa(p + 32)), 0);
	CHECK_EQ_INT(wc->wc_version & 1, 1);
	guest_page_free(p);
}

static void
test_fault_hypercall_msr_ignored(void)
{
	uint8_t *p = guest_page();
	uint64_t v = 1;

	model("kvm", SIM_FAULT_HYPERCALL_MSR_IGNORED, true);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, pa(p) | 1), 0);
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_SYSTEM_TIME_NEW, &v), 0);
	CHECK_EQ_HEX(v, 0);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_WALL_CLOCK_NEW, pa(p + 32)), 0);
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_WALL_CLOCK_NEW, &v), 0);
	CHECK_EQ_HEX(v, 0);
	CHECK(all_zero(p, PAGE_SIZE));
	guest_page_free(p);
}

static void
test_fault_page_not_filled(void)
{
	uint8_t *p = guest_page();
	uint64_t v = 0;

	model("kvm", SIM_FAULT_PAGE_NOT_FILLED, true);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_SYSTEM_TIME_NEW, pa(p) | 1), 0);
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_SYSTEM_TIME_NEW, &v), 0);
	CHECK_EQ_HEX(v, pa(p) | 1);		/* taken, read back */
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_WALL_CLOCK_NEW, pa(p + 32)), 0);
	CHECK_EQ_INT(sim_wrmsr(MSR_KVM_STEAL_TIME, pa(p + 64) | 1), 0);
	CHECK(all_zero(p, PAGE_SIZE));		/* and never written */
	guest_page_free(p);
}

static void
test_fault_status_error(void)
{
	int64_t ret = 0;

	model("kvm", SIM_FAULT_STATUS_ERROR, true);
	CHECK_EQ_INT(call(true, KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, &ret), 0);
	CHECK_EQ_INT(ret, -1);			/* -KVM_EPERM */
	CHECK_EQ_INT(call(false, KVM_HC_VAPIC_POLL_IRQ, 0, 0, 0, &ret),
	    EFAULT);			/* still #UD first */
}

/* ------------------------------------------------------------------ */
/* The driver, end to end: pvbus_identify(), then pvclock0. */

static bool	io_intel;		/* CPUID leaf 0's vendor */
static bool	io_hv1;			/* script Hv#1 at 0x40000000 */
static uint32_t	io_mask;		/* features hidden from the guest */

static void
io_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	memset(out, 0, sizeof(*out));
	if (io_hv1 && leaf == BASE0) {
		out->eax = BASE0 + 1;
		out->ebx = 0x7263694d;		/* "Microsoft Hv" */
		out->ecx = 0x666f736f;
		out->edx = 0x76482074;
		return;
	}
	if (io_hv1 && leaf == BASE0 + 1) {
		out->eax = 0x31237648;		/* "Hv#1" */
		return;
	}
	if (sim_cpuid(leaf, subleaf, out)) {
		if (leaf == kvm_iface()->si_base + 1)
			out->eax &= ~io_mask;
		return;
	}
	if (leaf == 0) {
		out->eax = 0xd;
		out->ebx = io_intel ? 0x756e6547 : 0x68747541;	/* Genu Auth */
		out->edx = io_intel ? 0x49656e69 : 0x69746e65;	/* ineI enti */
		out->ecx = io_intel ? 0x6c65746e : 0x444d4163;	/* ntel cAMD */
	} else if (leaf == 1)
		out->ecx = 0x80000000;		/* the hypervisor bit */
}

/*
 * The MSR writes, as the native backend counts them for no_msr_faults:
 * a #GP on a plain write is a fault; on a write the driver asked to be
 * refused (hvio_wrmsr_refusal()) it is the answer the step checks, and
 * each such write is kept, to see which ones they were.  io_take_refused
 * plays a hypervisor that takes what it must refuse.
 */
static int	io_faults, io_nrefusals;
static bool	io_take_refused;
static struct { uint32_t msr; uint64_t val; int error; } io_refusals[4];

static int
io_wrmsr(uint32_t msr, uint64_t val)
{
	int error = sim_wrmsr(msr, val);

	io_faults += error != 0;
	return error;
}

static int
io_wrmsr_refusal(uint32_t msr, uint64_t val)
{
	int error = io_take_refused ? 0 : sim_wrmsr(msr, val);

	if (io_nrefusals < (int)nitems(io_refusals)) {
		io_refusals[io_nrefusals].msr = msr;
		io_refusals[io_nrefusals].val = val;
		io_refusals[io_nrefusals].error = error;
	}
	io_nrefusals++;
	return error;
}

/* VMCALL and VMMCALL, counted. */
static int	io_ncalls;

static int
io_hypercall(struct vm_regs *r, bool vmmcall)
{
	io_ncalls++;
	return sim_hypercall(r, vmmcall);
}

static struct hvio io = {
	.io_name = "sim:test",
	.io_detail = "",
	.io_caps = HVIO_CAP_MSR | HVIO_CAP_HYPERCALL,
	.io_cpuid = io_cpuid,
	.io_rdmsr = sim_rdmsr,
	.io_wrmsr = io_wrmsr,
	.io_wrmsr_refusal = io_wrmsr_refusal,
	.io_backdoor = hvio_no_backdoor,
	.io_backdoor_hb = hvio_no_backdoor_hb,
	.io_hypercall = io_hypercall,
};

extern const struct pv_driver pvclock_driver;	/* as pvconf.c declares it */

static struct pv_attach_args test_pva;
static int	test_attach_error;

static int
run_attach(void)
{
	kern_printf("pvclock0 at pvbus0");
	test_attach_error = pvclock_driver.pd_attach(&test_pva);
	return test_attach_error == 0 ? KTAP_PASS : KTAP_FAIL;
}

static const struct ktest attach_tests[] = {
	{ "pvbus_attach", run_attach },
};

/*
 * Boot the driver on model "name".  Its RDTSC reads the test's TSC, the
 * model's plus offset, and every read moves it on by DRIVE_TSC_STEP
 * (the driver waits for the clock to advance).  Returns whether pvclock
 * matched; the console holds what it printed.
 */
#define DRIVE_TSC_STEP	1000

static bool
drive(const char *name, uint32_t faults, bool intel, uint64_t offset)
{
	model(name, faults, !intel);
	io_intel = intel;
	sim_host_tsc_step = DRIVE_TSC_STEP;
	sim_host_tsc_offset = offset;
	sim_kvm_init(kvm_iface(), kvm_iface()->si_base);	/* tsc0 now */
	pvbus_identify(&io);
	pvbus_child_args(&test_pva, 0);
	test_pva.pva_name = "pvclock0";
	if (!pvclock_driver.pd_match(&test_pva))
		return false;
	(void)sim_host_pages_release();	/* count the pages from here */
	test_attach_error = -1;
	if (!CHECK(sim_host_trap_rdtsc(true)))
		return false;
	ktap_begin(attach_tests, nitems(attach_tests));
	ktap_run_all();
	(void)ktap_end();
	CHECK(sim_host_trap_rdtsc(false));
	return true;
}

static void
io_reset(void)
{
	io_hv1 = false;
	io_mask = 0;
	io_faults = io_nrefusals = io_ncalls = 0;
	io_take_refused = false;
	CHECK_EQ_INT(cmdline_parse("", &cmdline), 0);
	memset(io_refusals, 0, sizeof(io_refusals));
	io.io_caps = HVIO_CAP_MSR | HVIO_CAP_HYPERCALL;
}

static void
test_driver_sim_kvm_amd_passes(void)
{
	uint64_t v = 1;

	io_reset();
	CHECK(drive("kvm", 0, false, 0));
	CHECK_EQ_INT(test_attach_error, 0);
	CHECK_CONTAINS(fake_cons_buf, "pvclock0 at pvbus0: KVM at "
	    "0x40000000, kvmclock on MSRs 0x4b564d00/0x4b564d01\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 1 features\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 2 kvmclock\n");
	CHECK_CONTAINS(fake_cons_buf, "mul 0x80000000, shift 1 (TSC 1000000 "
	    "kHz), flags 0x01 TSC_STABLE\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 3 wall_clock\n");
	CHECK_CONTAINS(fake_cons_buf, "pvclock0: wall clock at kvmclock 0: "
	    "1735689600.000000000 (2025-01-01 00:00:00 UTC)\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 4 steal_time\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 5 pv_eoi\n");
	CHECK_CONTAINS(fake_cons_buf, "pvclock0: VMMCALL (AuthenticAMD): "
	    "VAPIC_POLL_IRQ returned 0 (success), hypercall 0 returned -1000 "
	    "(-KVM_ENOSYS)\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 6 hypercall\n");
	CHECK_CONTAINS(fake_cons_buf, "pvbus: pvclock0 msr=0x4b564d01 "
	    "clock=ok stable=yes ns=");
	CHECK_CONTAINS(fake_cons_buf, " wall_sec=1735689600 steal_time="
	    "available pv_eoi=available hypercall=ok\n");
	CHECK_CONTAINS(fake_cons_buf, "ok 1 pvbus_attach\n");
	CHECK_EQ_INT(sim_host_pages_held(), 0);	/* stopped, then freed */
	CHECK_EQ_INT(sim_rdmsr(MSR_KVM_SYSTEM_TIME_NEW, &v), 0);
	CHECK_EQ_HEX(v, 0);
}

static void
test_driver_sim_kvm_intel_uses_vmcall(void)
{
	io_reset();
	CHECK(drive("kvm", 0, true, 0));
	CHECK_EQ_INT(test_attach_error, 0);
	CHECK_CONTAINS(fake_cons_buf, "pvclock0: VMCALL (GenuineIntel): "
	    "VAPIC_POLL_IRQ returned 0 (success)");
	CHECK_CONTAINS(fake_cons_buf, "hypercall=ok\n");
}

/*
 * The two writes KVM must refuse (msr.rst: steal time with bits 5:1
 * set, PV EOI with bit 1 set) go out as writes the driver asks to be
 * refused, so their #GPs are the answers the steps check, and no plain
 * write faults: what no_msr_faults counts under real KVM.
 */
static void
test_driver_refusals_are_asked_for_not_faults(void)
{
	io_reset();
	CHECK(drive("kvm", 0, false, 0));
	CHECK_EQ_INT(test_attach_error, 0);
	CHECK_EQ_INT(io_faults, 0);
	CHECK_EQ_INT(io_nrefusals, 2);
	CHECK_EQ_HEX(io_refusals[0].msr, MSR_KVM_STEAL_TIME);
	CHECK_EQ_HEX(io_refusals[0].val & 0x3f, 0x21);	/* 32-aligned | 1 */
	CHECK_EQ_INT(io_refusals[0].error, EFAULT);
	CHECK_EQ_HEX(io_refusals[1].msr, MSR_KVM_PV_EOI_EN);
	CHECK_EQ_HEX(io_refusals[1].val & 0x3, 0x3);	/* bit 1 | enable */
	CHECK_EQ_INT(io_refusals[1].error, EFAULT);
	CHECK_CONTAINS(fake_cons_buf, "  ok 4 steal_time\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 5 pv_eoi\n");
}

/* A hypervisor that takes them: each step fails, naming the rule. */
static void
test_driver_reserved_bits_taken_fail(void)
{
	io_reset();
	io_take_refused = true;
	CHECK(drive("kvm", 0, false, 0));
	CHECK_EQ_INT(test_attach_error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "not ok 4 steal_time # MSR 0x4b564d03 "
	    "took 0x");
	CHECK_CONTAINS(fake_cons_buf, ": bits 5:1 are reserved\n");
	CHECK_CONTAINS(fake_cons_buf, "not ok 5 pv_eoi # MSR 0x4b564d04 took "
	    "0x");
	CHECK_CONTAINS(fake_cons_buf, ": bit 1 is reserved\n");
	CHECK_CONTAINS(fake_cons_buf, "steal_time=failed pv_eoi=failed");
	CHECK_EQ_INT(io_faults, 0);
}

/*
 * pvclock.hypercall=skip:REASON: the one step a host whose VMCALL never
 * comes back cannot run is a SKIP with the reason, and no VMCALL is
 * made; the other steps run.  The reason is text from outside: printed
 * escaped, so it cannot end the line or add a directive.
 */
static void
test_driver_hypercall_skipped_by_the_command_line(void)
{
	io_reset();
	CHECK_EQ_INT(cmdline_parse("pvclock.hypercall=\"skip:a VMCALL from a "
	    "KVM guest never returns on this host (nested KVM?)\"", &cmdline),
	    0);
	CHECK(drive("kvm", 0, true, 0));
	CHECK_EQ_INT(test_attach_error, 0);
	CHECK_EQ_INT(io_ncalls, 0);
	CHECK_CONTAINS(fake_cons_buf, "  ok 5 pv_eoi\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 6 hypercall # SKIP a VMCALL from a "
	    "KVM guest never returns on this host (nested KVM?)\n");
	CHECK_CONTAINS(fake_cons_buf, "steal_time=available pv_eoi=available "
	    "hypercall=skipped\n");

	io_reset();
	CHECK_EQ_INT(cmdline_parse("pvclock.hypercall=\"skip:# SKIP\x1b\n"
	    "ok 7\"", &cmdline), 0);
	CHECK(drive("kvm", 0, true, 0));
	CHECK_CONTAINS(fake_cons_buf, "  ok 6 hypercall # SKIP \\x23 SKIP"
	    "\\x1b\\x0aok 7\n");
	CHECK_EQ_INT(io_ncalls, 0);

	io_reset();				/* run: the call is made */
	CHECK_EQ_INT(cmdline_parse("pvclock.hypercall=run", &cmdline), 0);
	CHECK(drive("kvm", 0, true, 0));
	CHECK_EQ_INT(io_ncalls, 2);
	CHECK_CONTAINS(fake_cons_buf, "hypercall=ok\n");
	io_reset();
}

/* The check cmdline_parsed runs on pvclock.hypercall=. */
static void
test_check_hypercall_key(void)
{
	char err[CMDLINE_MSG_MAX], reason[PVCLOCK_REASON_MAX + 8];

	CHECK_EQ_INT(pvclock_check_hypercall("run", NULL, NULL, err,
	    sizeof(err)), 0);
	CHECK_EQ_INT(pvclock_check_hypercall("skip:x", NULL, NULL, err,
	    sizeof(err)), 0);
	memset(reason, 'r', sizeof(reason));
	memcpy(reason, "skip:", 5);
	reason[5 + PVCLOCK_REASON_MAX] = '\0';
	CHECK_EQ_INT(pvclock_check_hypercall(reason, NULL, NULL, err,
	    sizeof(err)), 0);
	reason[5 + PVCLOCK_REASON_MAX] = 'r';
	reason[6 + PVCLOCK_REASON_MAX] = '\0';
	CHECK_EQ_INT(pvclock_check_hypercall(reason, NULL, NULL, err,
	    sizeof(err)), EINVAL);
	CHECK_EQ_INT(pvclock_check_hypercall("skip:", NULL, NULL, err,
	    sizeof(err)), EINVAL);
	CHECK_EQ_INT(pvclock_check_hypercall("off", NULL, NULL, err,
	    sizeof(err)), EINVAL);
	CHECK_EQ_INT(pvclock_check_hypercall("#\x1b", NULL, NULL, err,
	    sizeof(err)), EINVAL);
	CHECK_STR(err, "pvclock.hypercall=\\x23\\x1b: want run, or "
	    "skip:REASON with a reason of 1 to 120 bytes");
}

/*
 * A clock last updated 2^40 ticks ago (the guest's TSC runs 2^40 ahead
 * of the model's): delta * mul needs 72 bits, so a 64-bit product would
 * wrap to about 0 ns; the 96-bit one gives 2^40 ns (1 GHz) plus the
 * model's own time, which is what the driver's TSC reads added (1000
 * ticks each, well under a second).
 */
static void
test_driver_product_needs_96_bits(void)
{
	const char *s;
	unsigned long long ns;

	io_reset();
	CHECK(drive("kvm", 0, false, 1ULL << 40));
	CHECK_EQ_INT(test_attach_error, 0);
	CHECK(sim_host_nrdtsc > 0);		/* the driver's RDTSC was ours */
	s = strstr(fake_cons_buf, " ns=");
	CHECK(s != NULL && sscanf(s, " ns=%llu", &ns) == 1);
	if (s != NULL)
		CHECK(ns >= 1ULL << 40 && ns < (1ULL << 40) + GHZ);
}

static void
test_driver_old_msrs_without_clocksource2(void)
{
	io_reset();
	io_mask = 1U << KVM_FEATURE_CLOCKSOURCE2;
	CHECK(drive("kvm", 0, false, 0));
	CHECK_EQ_INT(test_attach_error, 0);
	CHECK_CONTAINS(fake_cons_buf, "kvmclock on MSRs 0x00000011/"
	    "0x00000012\n");
	CHECK_CONTAINS(fake_cons_buf, "pvbus: pvclock0 msr=0x00000012 "
	    "clock=ok");
}

static void
test_driver_no_clock_no_steal_no_eoi_skips(void)
{
	io_reset();
	io_mask = 1U << KVM_FEATURE_CLOCKSOURCE2 |
	    1U << KVM_FEATURE_CLOCKSOURCE | 1U << KVM_FEATURE_STEAL_TIME |
	    1U << KVM_FEATURE_PV_EOI;
	CHECK(drive("kvm", 0, false, 0));
	CHECK_EQ_INT(test_attach_error, 0);
	CHECK_CONTAINS(fake_cons_buf, ": KVM at 0x40000000, no kvmclock\n");
	CHECK_CONTAINS(fake_cons_buf, "ok 2 kvmclock # SKIP no kvmclock: "
	    "neither CLOCKSOURCE2 nor CLOCKSOURCE in base+1 EAX\n");
	CHECK_CONTAINS(fake_cons_buf, "ok 3 wall_clock # SKIP");
	CHECK_CONTAINS(fake_cons_buf, "ok 4 steal_time # SKIP STEAL_TIME not "
	    "offered (base+1 EAX bit 5 clear)\n");
	CHECK_CONTAINS(fake_cons_buf, "ok 5 pv_eoi # SKIP PV_EOI not offered");
	CHECK_CONTAINS(fake_cons_buf, "msr=0x00000000 clock=absent stable=no "
	    "ns=0 wall_sec=0 steal_time=absent pv_eoi=absent hypercall=ok\n");
	CHECK_EQ_INT(sim_host_pages_held(), 0);
}

/*
 * Hyper-V at 0x40000000, KVM at 0x40000100: no VMCALL (kvm.md
 * "Instruction and registers").
 */
static void
test_driver_kvm_hyperv_skips_hypercall(void)
{
	io_reset();
	io_hv1 = true;
	CHECK(drive("kvm+hyperv", 0, true, 0));
	CHECK_EQ_INT(test_attach_error, 0);
	CHECK_EQ_INT(pvbus_softc.sc_niface, 2);
	CHECK_CONTAINS(fake_cons_buf, "pvclock0 at pvbus0: KVM at "
	    "0x40000100, kvmclock");
	CHECK_CONTAINS(fake_cons_buf, "ok 2 kvmclock\n");
	CHECK_CONTAINS(fake_cons_buf, "ok 6 hypercall # SKIP a Hyper-V "
	    "interface at 0x40000000: once a guest OS id is set, KVM sends "
	    "every VMCALL to its Hyper-V handler\n");
	CHECK_CONTAINS(fake_cons_buf, "hypercall=skipped\n");
}

static void
test_driver_replay_does_not_match(void)
{
	io_reset();
	io.io_caps = 0;		/* a replay: CPUID only */
	CHECK(!drive("kvm", 0, false, 0));
	CHECK_EQ_INT(pvbus_softc.sc_niface, 1);	/* seen, not attached */
	io.io_caps = HVIO_CAP_MSR | HVIO_CAP_HYPERCALL;
}

static void
test_driver_fault_clock_odd_version(void)
{
	io_reset();
	CHECK(drive("kvm", SIM_FAULT_CLOCK_ODD_VERSION, false, 0));
	CHECK_EQ_INT(test_attach_error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "not ok 2 kvmclock # pvclock version "
	    "stayed odd: the hypervisor never finished an update\n");
	CHECK_CONTAINS(fake_cons_buf, "not ok 3 wall_clock # wall clock "
	    "version stayed odd: the hypervisor never finished an update\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 6 hypercall\n");
	CHECK_CONTAINS(fake_cons_buf, "clock=failed");
	CHECK_CONTAINS(fake_cons_buf, "not ok 1 pvbus_attach\n");
}

static void
test_driver_fault_hypercall_msr_ignored(void)
{
	io_reset();
	CHECK(drive("kvm", SIM_FAULT_HYPERCALL_MSR_IGNORED, false, 0));
	CHECK_EQ_INT(test_attach_error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "reads back 0x0, not the 0x");
	CHECK_CONTAINS(fake_cons_buf, "not ok 2 kvmclock # kvmclock never "
	    "written: MSR 0x4b564d01 ignored the write\n");
	CHECK_CONTAINS(fake_cons_buf, "not ok 3 wall_clock # "
	    "pvclock_wall_clock never written: version 0 after MSR "
	    "0x4b564d00 took the address\n");
}

static void
test_driver_fault_page_not_filled(void)
{
	io_reset();
	CHECK(drive("kvm", SIM_FAULT_PAGE_NOT_FILLED, false, 0));
	CHECK_EQ_INT(test_attach_error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "not ok 2 kvmclock # kvmclock never "
	    "written: version 0 after MSR 0x4b564d01 took the address\n");
	CHECK_CONTAINS(fake_cons_buf, "not ok 4 steal_time # steal time "
	    "never written: version 0 after MSR 0x4b564d03 took the "
	    "address\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 5 pv_eoi\n");
	CHECK_EQ_INT(sim_host_pages_held(), 0);
}

static void
test_driver_fault_status_error(void)
{
	io_reset();
	CHECK(drive("kvm", SIM_FAULT_STATUS_ERROR, false, 0));
	CHECK_EQ_INT(test_attach_error, EIO);
	CHECK_CONTAINS(fake_cons_buf, "  ok 2 kvmclock\n");
	CHECK_CONTAINS(fake_cons_buf, "not ok 6 hypercall # VAPIC_POLL_IRQ "
	    "returned -1 (-KVM_EPERM), not 0\n");
	CHECK_CONTAINS(fake_cons_buf, "hypercall=failed\n");
}

/* garbage-cpuid: the base is rejected, so there is no KVM to match. */
static void
test_driver_fault_garbage_cpuid_no_match(void)
{
	io_reset();
	CHECK(!drive("kvm", SIM_FAULT_GARBAGE_CPUID, false, 0));
	CHECK_EQ_INT(pvbus_softc.sc_niface, 0);
	CHECK_EQ_INT(pvbus_softc.sc_nrejected, 1);
}

int
main(void)
{
	static const struct check_test tests[] = {
		CHECK_TEST(test_cpuid_block),
		CHECK_TEST(test_cpuid_kvm_hyperv_layout),
		CHECK_TEST(test_system_time_fills_the_structure),
		CHECK_TEST(test_clock_updates_on_every_entry_and_carries_on),
		CHECK_TEST(test_clock_scale_at_other_rates),
		CHECK_TEST(test_clock_stops_when_bit0_is_clear),
		CHECK_TEST(test_clock_across_a_page_is_taken_and_never_written),
		CHECK_TEST(test_old_msrs_0x11_0x12),
		CHECK_TEST(test_wall_clock_written_once_per_write),
		CHECK_TEST(test_steal_time_aligned_and_reserved_bits),
		CHECK_TEST(test_pv_eoi_bit1_reserved),
		CHECK_TEST(test_msrs_not_offered_raise_gp),
		CHECK_TEST(test_hypercall_instruction_follows_the_vendor),
		CHECK_TEST(test_hypercall_numbers),
		CHECK_TEST(test_fault_clock_odd_version_stays_odd),
		CHECK_TEST(test_fault_hypercall_msr_ignored),
		CHECK_TEST(test_fault_page_not_filled),
		CHECK_TEST(test_fault_status_error),
		CHECK_TEST(test_driver_sim_kvm_amd_passes),
		CHECK_TEST(test_driver_sim_kvm_intel_uses_vmcall),
		CHECK_TEST(test_driver_refusals_are_asked_for_not_faults),
		CHECK_TEST(test_driver_reserved_bits_taken_fail),
		CHECK_TEST(test_driver_hypercall_skipped_by_the_command_line),
		CHECK_TEST(test_check_hypercall_key),
		CHECK_TEST(test_driver_product_needs_96_bits),
		CHECK_TEST(test_driver_old_msrs_without_clocksource2),
		CHECK_TEST(test_driver_no_clock_no_steal_no_eoi_skips),
		CHECK_TEST(test_driver_kvm_hyperv_skips_hypercall),
		CHECK_TEST(test_driver_replay_does_not_match),
		CHECK_TEST(test_driver_fault_clock_odd_version),
		CHECK_TEST(test_driver_fault_hypercall_msr_ignored),
		CHECK_TEST(test_driver_fault_page_not_filled),
		CHECK_TEST(test_driver_fault_status_error),
		CHECK_TEST(test_driver_fault_garbage_cpuid_no_match),
	};

	return check_main("test_sim_kvm", tests, nitems(tests));
}
