/*
 * The simulated Hyper-V (sim/sim_hyperv.c, through sim.c's
 * dispatch) against the rules of docs/reference/hyperv.md, and
 * the hyperv0 driver (drivers/hyperv/hyperv.c) driven end to end against
 * it on the host.  Expected values come from the reference notes, not
 * from the code: the signature's registers are spelled byte by byte, the
 * status codes and bit positions are written out as numbers here, and
 * the TSC page's time is recomputed with a 128-bit division the kernel
 * cannot do.
 *
 * The kernel-only services come from sim_host.c: page_alloc() (heap
 * pages: a pointer is the "physical" address, as in the kernel's 1:1
 * map), sim_rdtsc() (a counter the test sets; the driver's own RDTSC,
 * when it reads the TSC page, is trapped and reads it too), and
 * hvio_call_page(),
 * which runs the stub the model wrote as the CPU would: INT 0xF0 is the
 * simulated VM exit (sim_exit() with the INT's address), RET returns,
 * anything else fails the test.  fake_cons.c records what is printed.
 */

#include "check.h"
#include "kern.h"
#include "ktap.h"
#include "pmem.h"
#include "pvbusvar.h"
#include "simvar.h"
#include "sim_host.h"

/*
 * Spelled here from docs/reference/hyperv.md: the MSRs from "Synthetic
 * MSRs", Linux's OS id from "Guest OS identity", FAST from "Calling a
 * hypercall", the ST_ values from "Status codes", the call codes from
 * "Call codes and probes".
 */
#define BASE		0x40000000u
#define MSR_GUEST_OS_ID	0x40000000u
#define MSR_HYPERCALL	0x40000001u
#define MSR_VP_INDEX	0x40000002u
#define MSR_RESET	0x40000003u
#define MSR_VP_RUNTIME	0x40000010u
#define MSR_TIME_REF	0x40000020u
#define MSR_REF_TSC	0x40000021u
#define OS_ID		0x8100000000000000ULL	/* Linux's */
#define FAST		(1ULL << 16)
#define ST_SUCCESS	0x0
#define ST_BAD_CODE	0x2
#define ST_BAD_INPUT	0x3
#define ST_ALIGNMENT	0x4
#define ST_DENIED	0x6
#define ST_PART_STATE	0x7
#define SPIN_WAIT	0x0008
#define PARTITION_ID	0x0046
#define HZ		1000000000ULL
#define POISON		0xcc

/* sim_hyperv.c: not in simvar.h, the test's own knobs on the model. */
extern uint64_t	sim_hyperv_privileges;
extern uint32_t	sim_hyperv_spin_retries;

/* ------------------------------------------------------------------ */
/* The model on sim_host.c's pages, TSC, stub runner and backend. */

static void
setup(const char *model, uint32_t faults)
{
	sim_host_start_model(model, faults, SIM_HOST_STUB_HYPERV, HZ);
}

#define rd(msr)	sim_host_rdmsr(msr)

static bool
all_poison(const uint8_t *p, size_t from)
{
	size_t i;

	for (i = from; i < PAGE_SIZE; i++)
		if (p[i] != POISON)
			return false;
	return true;
}

/* Guest OS id, then the hypercall page at a fresh poisoned page. */
static uint8_t *
enable_page(void)
{
	uint8_t *p = sim_host_poisoned_page(POISON);

	CHECK_EQ_INT(sim_wrmsr(MSR_GUEST_OS_ID, OS_ID), 0);
	CHECK_EQ_INT(sim_wrmsr(MSR_HYPERCALL, (uintptr_t)p | 1), 0);
	return p;
}

/* One call through the page: control, RDX, R8; RAX comes back. */
static uint64_t
call(uint8_t *page, uint64_t control, uint64_t in, uint64_t out)
{
	struct vm_regs r;

	memset(&r, 0, sizeof(r));
	r.vr_rax = 0x5555;
	r.vr_rcx = control;
	r.vr_rdx = in;
	r.vr_r8 = out;
	CHECK_EQ_INT(page_exec(page, "test"), 0);	/* as hyperv0 does */
	hvio_call_page(&r, (uintptr_t)page);
	return r.vr_rax;
}

/* ------------------------------------------------------------------ */
/* The model: CPUID (hyperv.md "CPUID leaves", "Privilege and feature bits"). */

static void
test_cpuid_block(void)
{
	struct cpuid_regs r;
	uint32_t leaf;

	setup("hyperv", 0);
	CHECK(sim_cpuid(BASE, 0, &r));
	CHECK_EQ_HEX(r.eax, 0x4000000a);	/* max leaf, >= base+5 */
	CHECK_EQ_HEX(r.ebx, sim_host_sig_word("Microsoft Hv", 0));
	CHECK_EQ_HEX(r.ecx, sim_host_sig_word("Microsoft Hv", 1));
	CHECK_EQ_HEX(r.edx, sim_host_sig_word("Microsoft Hv", 2));
	CHECK_EQ_HEX(r.ebx, 0x7263694d);	/* as the Azure dump has it */
	sim_cpuid(BASE + 1, 0, &r);
	CHECK_EQ_HEX(r.eax, 0x31237648);	/* "Hv#1" */
	sim_cpuid(BASE + 2, 0, &r);
	CHECK_EQ_INT(r.eax, 20348);		/* build */
	CHECK_EQ_HEX(r.ebx, 0x000a0000);	/* 10.0 */
	sim_cpuid(BASE + 3, 0, &r);
	/* TIME_REF_COUNT 1, HYPERCALL 5, VP_INDEX 6, REFERENCE_TSC 9. */
	CHECK_EQ_HEX(r.eax, 1u << 1 | 1u << 5 | 1u << 6 | 1u << 9);
	CHECK_EQ_HEX(r.ebx, 0);		/* a guest: no CreatePartitions */
	sim_cpuid(BASE + 4, 0, &r);
	CHECK(r.ebx != 0 && r.ebx != 0xffffffff);	/* spin retries */
	sim_cpuid(BASE + 5, 0, &r);
	CHECK(r.eax >= 1 && r.ebx >= 1);
	for (leaf = BASE + 6; leaf <= BASE + 0xff; leaf++) {
		sim_cpuid(leaf, 0, &r);
		CHECK_EQ_HEX(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	sim_hyperv_privileges |= 1ULL << 33;	/* AccessPartitionId */
	sim_cpuid(BASE + 3, 0, &r);
	CHECK_EQ_HEX(r.ebx, 1u << 1);
}

/* ------------------------------------------------------------------ */
/*
 * The model: MSRs (hyperv.md "Synthetic MSRs", "Guest OS identity",
 * "Hypercall page").
 */

static void
test_msr_gp_for_what_is_not_offered(void)
{
	uint64_t v;

	setup("hyperv", 0);
	CHECK_EQ_INT(sim_rdmsr(MSR_VP_RUNTIME, &v), EFAULT);	/* bit 0 */
	CHECK_EQ_INT(sim_rdmsr(MSR_RESET, &v), EFAULT);		/* bit 7 */
	CHECK_EQ_INT(sim_wrmsr(MSR_RESET, 1), EFAULT);
	CHECK_EQ_INT(sim_rdmsr(0x400001ff, &v), EFAULT);
	CHECK_EQ_INT(sim_rdmsr(0x40000200, &v), EFAULT);	/* nobody's */
	sim_hyperv_privileges &= ~(1ULL << 6);
	CHECK_EQ_INT(sim_rdmsr(MSR_VP_INDEX, &v), EFAULT);
	sim_hyperv_privileges &= ~(1ULL << 5);
	CHECK_EQ_INT(sim_wrmsr(MSR_GUEST_OS_ID, OS_ID), EFAULT);
	CHECK_EQ_INT(sim_rdmsr(MSR_HYPERCALL, &v), EFAULT);
	sim_hyperv_privileges &= ~(1ULL << 1 | 1ULL << 9);
	CHECK_EQ_INT(sim_rdmsr(MSR_TIME_REF, &v), EFAULT);
	CHECK_EQ_INT(sim_wrmsr(MSR_REF_TSC, 0), EFAULT);
}

/* Xen's MSRs start at 0x40000200 under Viridian: not Hyper-V's. */
static void
test_msr_range_leaves_xen_its_msr(void)
{
	struct sim_iface *hv;
	uint64_t v;

	setup("xen+viridian", 0);
	hv = &sim.sm_iface[0];
	CHECK_STR(hv->si_name, "hyperv");
	CHECK_EQ_INT(hv->si_rdmsr(hv, 0x40000200, &v), ENOENT);
	CHECK_EQ_INT(hv->si_wrmsr(hv, 0x40000200, 0), ENOENT);
	CHECK_EQ_INT(hv->si_rdmsr(hv, 0x4b564d01, &v), ENOENT);
	CHECK_EQ_INT(hv->si_rdmsr(hv, 0x400001ff, &v), EFAULT);
	CHECK_EQ_INT(hv->si_rdmsr(hv, MSR_GUEST_OS_ID, &v), 0);
}

static void
test_hypercall_msr_ignored_until_guest_os_id(void)
{
	uint8_t *p;

	setup("hyperv", 0);
	p = sim_host_poisoned_page(POISON);
	CHECK_EQ_HEX(rd(MSR_GUEST_OS_ID), 0);
	CHECK_EQ_INT(sim_wrmsr(MSR_HYPERCALL, (uintptr_t)p | 1), 0);
	CHECK_EQ_HEX(rd(MSR_HYPERCALL), 0);	/* KVM: silently ignored */
	CHECK(all_poison(p, 0));
	CHECK_EQ_INT(sim_wrmsr(MSR_GUEST_OS_ID, OS_ID), 0);
	CHECK_EQ_HEX(rd(MSR_GUEST_OS_ID), OS_ID);
	/*
	 * Bits 11:2 are reserved and kept as written (hyperv.md
	 * "Hypercall page").
	 */
	CHECK_EQ_INT(sim_wrmsr(MSR_HYPERCALL, (uintptr_t)p | 0xaa4 | 1), 0);
	CHECK_EQ_HEX(rd(MSR_HYPERCALL), (uintptr_t)p | 0xaa4 | 1);
	CHECK_EQ_HEX(p[0], 0xcd);		/* INT 0xF0 where KVM has */
	CHECK_EQ_HEX(p[1], 0xf0);		/* VMCALL */
	CHECK_EQ_HEX(p[2], 0xc3);		/* RET */
	CHECK(all_poison(p, 3));
	sim_host_pages_release();
}

static void
test_guest_os_id_zero_disables_page(void)
{
	struct vm_regs r;
	uint8_t *p;

	setup("hyperv", 0);
	p = enable_page();
	CHECK_EQ_HEX(rd(MSR_HYPERCALL), (uintptr_t)p | 1);
	CHECK_EQ_INT(sim_wrmsr(MSR_GUEST_OS_ID, 0), 0);
	CHECK_EQ_HEX(rd(MSR_HYPERCALL), (uintptr_t)p);	/* enable clear */
	memset(&r, 0, sizeof(r));
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)p), ENOENT);
	/* Re-enabling needs the id again: the write is ignored. */
	CHECK_EQ_INT(sim_wrmsr(MSR_HYPERCALL, (uintptr_t)p | 1), 0);
	CHECK_EQ_HEX(rd(MSR_HYPERCALL), (uintptr_t)p);
	/* Clearing the enable bit by hand disables it too. */
	CHECK_EQ_INT(sim_wrmsr(MSR_GUEST_OS_ID, OS_ID), 0);
	CHECK_EQ_INT(sim_wrmsr(MSR_HYPERCALL, (uintptr_t)p | 1), 0);
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)p), 0);
	CHECK_EQ_INT(sim_wrmsr(MSR_HYPERCALL, (uintptr_t)p), 0);
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)p), ENOENT);
	sim_host_pages_release();
}

static void
test_read_only_msrs(void)
{
	setup("hyperv", 0);
	CHECK_EQ_HEX(rd(MSR_VP_INDEX), 0);	/* the boot CPU */
	CHECK_EQ_INT(sim_wrmsr(MSR_VP_INDEX, 0), EFAULT);
	CHECK_EQ_INT(sim_wrmsr(MSR_VP_INDEX, 1), EFAULT);
	CHECK_EQ_INT(sim_wrmsr(MSR_TIME_REF, 0), EFAULT);
	CHECK_EQ_HEX(rd(MSR_VP_INDEX), 0);
}

/* ------------------------------------------------------------------ */
/* The model: clocks (hyperv.md "Synthetic MSRs", "Reference TSC page"). */

/* 10 MHz: one unit per 100 TSC ticks at 1 GHz, 10^7 per second. */
static void
test_time_ref_count_units(void)
{
	uint64_t t0, t1;

	setup("hyperv", 0);
	sim_host_tsc_now = 5000000;	/* the partition's creation */
	t0 = rd(MSR_TIME_REF);
	CHECK_EQ_INT(t0, 0);
	sim_host_tsc_now += 100;
	CHECK_EQ_INT(rd(MSR_TIME_REF) - t0, 1);
	sim_host_tsc_now += HZ;
	t1 = rd(MSR_TIME_REF);
	CHECK(t1 - t0 >= 10000000 && t1 - t0 <= 10000002);
	sim_host_tsc_now += 1;
	CHECK(rd(MSR_TIME_REF) >= t1);
}

/*
 * The TSC page as hyperv.md "Reference TSC page" lays it out, spelled
 * here rather than included.
 */
struct hv_page {
	uint32_t	seq, rsvd;
	uint64_t	scale;
	int64_t		offset;
};

static struct hv_page *
tsc_page(void)
{
	struct hv_page *p = page_alloc();

	if (p != NULL)
		memset(p, 0xff, PAGE_SIZE);
	return p;
}

static uint64_t
page_time(const struct hv_page *p, uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * p->scale) >> 64) +
	    (uint64_t)p->offset;
}

static void
test_reference_tsc_page(void)
{
	struct hv_page *p;
	uint64_t tsc, exact;
	uint32_t seq;
	int i;

	setup("hyperv", 0);
	p = tsc_page();
	CHECK_EQ_INT(sim_wrmsr(MSR_REF_TSC, (uintptr_t)p | 0x10 | 1), 0);
	CHECK_EQ_HEX(rd(MSR_REF_TSC), (uintptr_t)p | 0x10 | 1);
	CHECK(p->seq != 0 && p->seq != 0xffffffff);
	CHECK_EQ_HEX(p->scale, 0x028f5c28f5c28f5cULL);	/* 2^64 / 100 */
	for (i = 0; i < 5; i++) {
		sim_host_tsc_now += 123456789ULL * (uint64_t)i;
		CHECK_EQ_INT(page_time(p, sim_host_tsc_now),
		    rd(MSR_TIME_REF));
	}
	/* Another rate: still 100 ns units, within a unit of exact. */
	setup("hyperv", 0);
	sim.sm_tsc_hz = 2893421000ULL;
	p = tsc_page();
	CHECK_EQ_INT(sim_wrmsr(MSR_REF_TSC, (uintptr_t)p | 1), 0);
	seq = p->seq;
	for (tsc = 5000000; tsc < 5000000 + 3 * 2893421000ULL;
	    tsc += 289342100) {
		exact = (uint64_t)((unsigned __int128)(tsc - 5000000) *
		    10000000 / 2893421000ULL);
		CHECK(page_time(p, tsc) + 1 >= exact &&
		    page_time(p, tsc) <= exact + 1);
	}
	/* Re-enabling publishes again: a new, still valid, sequence. */
	CHECK_EQ_INT(sim_wrmsr(MSR_REF_TSC, (uintptr_t)p | 1), 0);
	CHECK(p->seq != seq && p->seq != 0 && p->seq != 0xffffffff);
	sim_host_pages_release();
}

/* ------------------------------------------------------------------ */
/*
 * The model: hypercalls (hyperv.md "Calling a hypercall", "Status
 * codes", "Call codes and probes").
 */

static const struct {
	uint64_t	control;
	uint64_t	status;
} hv_calls[] = {
	{ SPIN_WAIT | FAST,			ST_SUCCESS },
	{ 0xffff | FAST,			ST_BAD_CODE },
	{ 0x0000,				ST_BAD_CODE },
	{ 0x1234,				ST_BAD_CODE },
	{ PARTITION_ID,				ST_DENIED },	/* a guest */
	{ SPIN_WAIT | FAST | 1ULL << 32,	ST_BAD_INPUT },	/* rep */
	{ SPIN_WAIT | FAST | 1ULL << 17,	ST_BAD_INPUT },	/* var hdr */
	{ SPIN_WAIT | FAST | 2ULL << 48 | 1ULL << 32, ST_BAD_INPUT },
	{ SPIN_WAIT | FAST | 1ULL << 48,	ST_BAD_INPUT },	/* start only */
	{ 0xffff | FAST | 1ULL << 27,		ST_BAD_INPUT },
};

/* Reserved control bits 30:27, 31 (KVM), 47:44, 63:60. */
static const int hv_rsvd_bits[] = {
	27, 28, 29, 30, 31, 44, 45, 46, 47, 60, 61, 62, 63,
};

static void
test_hypercall_status_codes(void)
{
	uint8_t *p;
	uint64_t *in, *out, rax;
	size_t i;

	setup("hyperv", 0);
	p = enable_page();
	in = page_alloc();
	out = page_alloc();
	for (i = 0; i < nitems(hv_calls); i++) {
		rax = call(p, hv_calls[i].control, (uintptr_t)in,
		    (uintptr_t)out);
		if (!CHECK_EQ_HEX(rax, hv_calls[i].status))
			printf("# control 0x%016llx\n",
			    (unsigned long long)hv_calls[i].control);
	}
	for (i = 0; i < nitems(hv_rsvd_bits); i++)
		CHECK_EQ_HEX(call(p, SPIN_WAIT | FAST |
		    1ULL << hv_rsvd_bits[i], 1, 0), ST_BAD_INPUT);
	/* Memory-based: 8-byte aligned, not crossing a page. */
	*in = 1;
	CHECK_EQ_HEX(call(p, SPIN_WAIT, (uintptr_t)in, 0), ST_SUCCESS);
	CHECK_EQ_HEX(call(p, SPIN_WAIT, (uintptr_t)in + 4, 0), ST_ALIGNMENT);
	CHECK_EQ_HEX(call(p, SPIN_WAIT, (uintptr_t)in + 4092, 0),
	    ST_ALIGNMENT);
	CHECK_EQ_HEX(call(p, SPIN_WAIT, (uintptr_t)in + 4088, 0), ST_SUCCESS);
	CHECK_EQ_INT(sim_host_ncalls, (int)(nitems(hv_calls) +
	    nitems(hv_rsvd_bits) + 4));
	sim_host_pages_release();
}

static void
test_get_partition_id(void)
{
	uint8_t *p;
	uint64_t *out;

	setup("hyperv", 0);
	p = enable_page();
	out = page_alloc();
	*out = 0xa5a5a5a5a5a5a5a5ULL;
	CHECK_EQ_HEX(call(p, PARTITION_ID, 0, (uintptr_t)out), ST_DENIED);
	CHECK_EQ_HEX(*out, 0xa5a5a5a5a5a5a5a5ULL);
	sim_hyperv_privileges |= 1ULL << 33;	/* AccessPartitionId */
	CHECK_EQ_HEX(call(p, PARTITION_ID, 0, (uintptr_t)out), ST_SUCCESS);
	CHECK(*out != 0xa5a5a5a5a5a5a5a5ULL);
	CHECK_EQ_HEX(call(p, PARTITION_ID, 0, (uintptr_t)out + 2),
	    ST_ALIGNMENT);
	CHECK_EQ_HEX(call(p, PARTITION_ID, 0, (uintptr_t)out + 4092),
	    ST_ALIGNMENT);
	CHECK_EQ_HEX(call(p, PARTITION_ID | FAST, 0, 0), ST_BAD_INPUT);
	CHECK_EQ_HEX(call(p, PARTITION_ID | 1ULL << 32, 0, (uintptr_t)out),
	    ST_BAD_INPUT);
	sim_host_pages_release();
}

/*
 * KVM with enforced CPUID (hv_check_hypercall_access()): no spin waits
 * unless base+4 EBX asks.  Hyper-V itself answers them whatever base+4
 * says.
 */
static void
test_spin_wait_needs_retry_count(void)
{
	struct cpuid_regs r;
	uint8_t *p;

	setup("hyperv", 0);
	p = enable_page();
	sim_hyperv_spin_retries = 0xffffffff;
	CHECK_EQ_HEX(call(p, SPIN_WAIT | FAST, 1, 0), ST_SUCCESS);
	sim_host_pages_release();
	setup("kvm+hyperv", 0);
	p = enable_page();
	sim_hyperv_spin_retries = 0xffffffff;
	sim_cpuid(BASE + 4, 0, &r);
	CHECK_EQ_HEX(r.ebx, 0xffffffff);
	CHECK_EQ_HEX(call(p, SPIN_WAIT | FAST, 1, 0), ST_DENIED);
	sim_hyperv_spin_retries = 0;
	CHECK_EQ_HEX(call(p, SPIN_WAIT | FAST, 1, 0), ST_DENIED);
	sim_hyperv_spin_retries = 0x1fff;
	CHECK_EQ_HEX(call(p, SPIN_WAIT | FAST, 1, 0), ST_SUCCESS);
	sim_host_pages_release();
}

/* The model's exit is its own INT, at offset 0 of its own page only. */
static void
test_exit_only_from_the_stub(void)
{
	struct vm_regs r;
	uint8_t *p, *other;

	setup("hyperv", 0);
	other = sim_host_poisoned_page(POISON);
	memset(&r, 0, sizeof(r));
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)other), ENOENT);
	p = enable_page();
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)p + 1), ENOENT);
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)other), ENOENT);
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)p), 0);
	sim_host_pages_release();
}

/*
 * A direct VMCALL/VMMCALL is Hyper-V's once the guest OS id is set, and
 * not before: then it belongs to KVM (sim:kvm+hyperv) or is a #UD.
 */
static void
test_direct_vmcall(void)
{
	struct sim_iface *hv;
	struct vm_regs r;

	setup("hyperv", 0);
	memset(&r, 0, sizeof(r));
	r.vr_rcx = 0xffff | FAST;
	CHECK_EQ_INT(sim_hypercall(&r, false), EFAULT);
	CHECK_EQ_INT(sim_wrmsr(MSR_GUEST_OS_ID, OS_ID), 0);
	r.vr_rax = 0x5555;
	CHECK_EQ_INT(sim_hypercall(&r, false), 0);
	CHECK_EQ_HEX(r.vr_rax, ST_BAD_CODE);
	r.vr_rcx = SPIN_WAIT | FAST;
	CHECK_EQ_INT(sim_hypercall(&r, true), 0);	/* VMMCALL too */
	CHECK_EQ_HEX(r.vr_rax, ST_SUCCESS);
	setup("kvm+hyperv", 0);
	hv = &sim.sm_iface[0];
	CHECK_STR(hv->si_name, "hyperv");
	CHECK_EQ_INT(hv->si_hypercall(hv, &r, false), ENOENT);
	CHECK_EQ_INT(sim_wrmsr(MSR_GUEST_OS_ID, OS_ID), 0);
	r.vr_rcx = 0xffff | FAST;
	CHECK_EQ_INT(sim_hypercall(&r, false), 0);
	CHECK_EQ_HEX(r.vr_rax, ST_BAD_CODE);	/* Hyper-V took it */
	CHECK_EQ_INT(sim_wrmsr(MSR_GUEST_OS_ID, 0), 0);
	CHECK_EQ_INT(hv->si_hypercall(hv, &r, false), ENOENT);
}

/* ------------------------------------------------------------------ */
/* The model: faults. */

static void
test_fault_hypercall_msr_ignored(void)
{
	uint8_t *p;

	setup("hyperv", SIM_FAULT_HYPERCALL_MSR_IGNORED);
	p = enable_page();
	CHECK_EQ_HEX(rd(MSR_HYPERCALL), 0);
	CHECK(all_poison(p, 0));
	CHECK_EQ_HEX(rd(MSR_GUEST_OS_ID), OS_ID);	/* the rest works */
	sim_host_pages_release();
}

static void
test_fault_page_not_filled(void)
{
	struct vm_regs r;
	uint8_t *p;

	setup("hyperv", SIM_FAULT_PAGE_NOT_FILLED);
	p = enable_page();
	CHECK_EQ_HEX(rd(MSR_HYPERCALL), (uintptr_t)p | 1);
	CHECK(all_poison(p, 0));
	memset(&r, 0, sizeof(r));
	CHECK_EQ_INT(sim_exit(&r, (uintptr_t)p), ENOENT);
	sim_host_pages_release();
}

static void
test_fault_status_error(void)
{
	struct vm_regs r;
	uint8_t *p;

	setup("hyperv", SIM_FAULT_STATUS_ERROR);
	p = enable_page();
	CHECK_EQ_HEX(call(p, SPIN_WAIT | FAST, 1, 0), ST_PART_STATE);
	CHECK_EQ_HEX(call(p, 0xffff | FAST, 0, 0), ST_PART_STATE);
	CHECK_EQ_HEX(call(p, PARTITION_ID, 0, 0), ST_PART_STATE);
	memset(&r, 0, sizeof(r));
	r.vr_rcx = SPIN_WAIT | FAST;
	CHECK_EQ_INT(sim_hypercall(&r, false), 0);
	CHECK_EQ_HEX(r.vr_rax, ST_PART_STATE);
	sim_host_pages_release();
}

static void
test_fault_clock_odd_version(void)
{
	struct hv_page *p;

	setup("hyperv", SIM_FAULT_CLOCK_ODD_VERSION);
	p = tsc_page();
	CHECK_EQ_INT(sim_wrmsr(MSR_REF_TSC, (uintptr_t)p | 1), 0);
	CHECK_EQ_HEX(rd(MSR_REF_TSC), (uintptr_t)p | 1);
	CHECK_EQ_HEX(p->seq, 0);		/* "invalid: use the MSR" */
	sim_host_tsc_now += 1000;
	CHECK_EQ_INT(rd(MSR_TIME_REF), 10);	/* which still works */
	sim_host_pages_release();
}

/* ------------------------------------------------------------------ */
/* The driver, end to end on the model. */

extern const struct pv_driver hyperv_driver;	/* as pvconf.c declares it */

static struct pv_attach_args pva;
static int	attach_error;

static int
t_attach(void)
{
	attach_error = hyperv_driver.pd_attach(&pva);
	return attach_error == 0 ? KTAP_PASS : KTAP_FAIL;
}

static const struct ktest attach_test[] = {
	{ "hyperv0", t_attach },
};

/* pvbus_identify, then hyperv0 matched and attached in a KTAP plan. */
static int
run_driver(void)
{
	pvbus_identify(&sim_host_io);
	pvbus_child_args(&pva, 0);
	pva.pva_name = "hyperv0";
	if (!CHECK(hyperv_driver.pd_match(&pva)))
		return -1;
	sim_host_tsc_step = 1000;	/* time runs while the driver does */
	sim_host_nmsr = 0;
	fake_cons_reset();
	if (!CHECK(sim_host_trap_rdtsc(true)))
		return -1;
	ktap_begin(attach_test, nitems(attach_test));
	ktap_run_all();
	(void)ktap_end();
	CHECK(sim_host_trap_rdtsc(false));
	return attach_error;
}

static void
test_driver_passes_every_step(void)
{
	setup("hyperv", 0);
	CHECK_EQ_INT(run_driver(), 0);
	CHECK_CONTAINS(fake_cons_buf, "guest OS id 0x8000000004000000 ");
	CHECK_CONTAINS(fake_cons_buf, "hypercall page starts cd f0 c3 cc: ");
	CHECK_CONTAINS(fake_cons_buf,
	    "GetPartitionId without AccessPartitionId: status 0x0006 "
	    "ACCESS_DENIED\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 8 teardown\n");
	CHECK_CONTAINS(fake_cons_buf, "\npvbus: hyperv0 base=0x40000000 "
	    "guest_os_id=0x8000000004000000 hypercall_page=ok "
	    "hypercall_fast=ok hypercall_simple=ok hypercall_invalid=ok "
	    "vp_index=0 reference_tsc=ok teardown=ok partition_id=denied "
	    "ref_time=");
	CHECK(strstr(fake_cons_buf, "not ok") == NULL);
	CHECK(strstr(fake_cons_buf, "SKIP") == NULL);
	CHECK_EQ_INT(sim_host_ncalls, 4);	/* fast, simple, two invalid */
	/* The teardown left nothing on, and gave every page back. */
	CHECK_EQ_HEX(rd(MSR_GUEST_OS_ID), 0);
	CHECK_EQ_HEX(rd(MSR_HYPERCALL) & 1, 0);
	CHECK_EQ_HEX(rd(MSR_REF_TSC) & 1, 0);
	CHECK_EQ_INT(sim_host_pages_release(), 0);
	if (check_nfailed != 0)
		printf("%s", fake_cons_buf);
}

static void
test_driver_fault_msr_ignored(void)
{
	setup("hyperv", SIM_FAULT_HYPERCALL_MSR_IGNORED);
	CHECK_EQ_INT(run_driver(), EIO);
	CHECK_CONTAINS(fake_cons_buf, "  not ok 2 hypercall_page # the "
	    "hypervisor ignored HV_X64_MSR_HYPERCALL: enable bit reads back "
	    "0\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 3 hypercall_fast # SKIP no "
	    "hypercall page\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 7 reference_tsc\n");
	CHECK_EQ_INT(sim_host_ncalls, 0);
	CHECK_EQ_INT(sim_host_pages_release(), 0);
}

static void
test_driver_fault_page_not_filled(void)
{
	setup("hyperv", SIM_FAULT_PAGE_NOT_FILLED);
	CHECK_EQ_INT(run_driver(), EIO);
	CHECK_CONTAINS(fake_cons_buf, "  not ok 2 hypercall_page # the "
	    "hypervisor enabled the hypercall page but did not fill it (all "
	    "0xcc still)\n");
	CHECK_EQ_INT(sim_host_ncalls, 0);	/* not called into the poison */
	CHECK_CONTAINS(fake_cons_buf, "  ok 8 teardown\n");
	CHECK_EQ_INT(sim_host_pages_release(), 0);
}

static void
test_driver_fault_status_error(void)
{
	setup("hyperv", SIM_FAULT_STATUS_ERROR);
	CHECK_EQ_INT(run_driver(), EIO);
	CHECK_CONTAINS(fake_cons_buf, "  not ok 3 hypercall_fast # "
	    "NotifyLongSpinWait (fast) returned 0x0007 INVALID_PARTITION_STATE"
	    ", not 0x0000 SUCCESS\n");
	CHECK_CONTAINS(fake_cons_buf, "  not ok 4 hypercall_simple # ");
	CHECK_CONTAINS(fake_cons_buf, "  not ok 5 hypercall_invalid # call "
	    "code 0xffff (fast) returned 0x0007 INVALID_PARTITION_STATE, not "
	    "0x0002 INVALID_HYPERCALL_CODE\n");
	CHECK_CONTAINS(fake_cons_buf, "partition_id=fail");
	sim_host_pages_release();
}

static void
test_driver_fault_clock_odd_version(void)
{
	setup("hyperv", SIM_FAULT_CLOCK_ODD_VERSION);
	CHECK_EQ_INT(run_driver(), 0);
	CHECK_CONTAINS(fake_cons_buf, "  # TIME_REF_COUNT instead: ");
	CHECK_CONTAINS(fake_cons_buf, "  ok 7 reference_tsc # SKIP the "
	    "hypervisor marked the TSC page invalid (sequence 0): use "
	    "TIME_REF_COUNT\n");
	CHECK_CONTAINS(fake_cons_buf, " reference_tsc=skip teardown=ok ");
	CHECK_EQ_INT(sim_host_pages_release(), 0);
}

static void
test_driver_with_partition_id_privilege(void)
{
	setup("hyperv", 0);
	sim_hyperv_privileges |= 1ULL << 33;
	CHECK_EQ_INT(run_driver(), 0);
	CHECK_CONTAINS(fake_cons_buf, "hyperv0: GetPartitionId: status "
	    "0x0000 SUCCESS\n");
	CHECK_CONTAINS(fake_cons_buf, "hyperv0: partition id 0x");
	CHECK_CONTAINS(fake_cons_buf, " partition_id=granted ");
	sim_host_pages_release();
}

/* A hypervisor that asks never to hear of spin waits: fewer probes. */
static void
test_driver_spin_never(void)
{
	setup("hyperv", 0);
	sim_hyperv_spin_retries = 0xffffffff;
	CHECK_EQ_INT(run_driver(), 0);
	CHECK_CONTAINS(fake_cons_buf, "  ok 3 hypercall_fast # SKIP base+4 "
	    "EBX 0xffffffff: spin waits are not to be notified\n");
	CHECK_CONTAINS(fake_cons_buf, "  # reserved control bits are checked");
	CHECK_CONTAINS(fake_cons_buf, "  ok 5 hypercall_invalid\n");
	CHECK_EQ_INT(sim_host_ncalls, 3);	/* simple, two invalid */
	sim_host_pages_release();
}

/* No privileges: every step a SKIP, and no MSR touched at all. */
static void
test_driver_without_privileges(void)
{
	setup("hyperv", 0);
	sim_hyperv_privileges = 0;
	CHECK_EQ_INT(run_driver(), 0);
	CHECK_EQ_INT(sim_host_nmsr, 0);
	CHECK_CONTAINS(fake_cons_buf, "  ok 1 guest_os_id # SKIP no "
	    "HYPERCALL privilege (base+3 EAX bit 5)\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 6 vp_index # SKIP no VP_INDEX "
	    "privilege (base+3 EAX bit 6)\n");
	CHECK_CONTAINS(fake_cons_buf, "  ok 8 teardown # SKIP nothing was "
	    "enabled\n");
	CHECK(strstr(fake_cons_buf, "not ok") == NULL);
	CHECK_EQ_INT(sim_host_pages_release(), 0);
}

/* Under KVM+Hyper-V the teardown hands VMCALL back to KVM. */
static void
test_driver_under_kvm(void)
{
	struct sim_iface *hv;
	struct vm_regs r;

	setup("kvm+hyperv", 0);
	CHECK_EQ_INT(run_driver(), 0);
	CHECK_CONTAINS(fake_cons_buf, "\n: Hv#1 at 0x40000000"
	    ", version 10.0.14393, guest partition");
	CHECK_CONTAINS(fake_cons_buf, " teardown=ok ");
	hv = &sim.sm_iface[0];
	memset(&r, 0, sizeof(r));
	CHECK_EQ_INT(hv->si_hypercall(hv, &r, false), ENOENT);
	CHECK_EQ_INT(sim_host_pages_release(), 0);
}

/* Match: any Hv#1 interface, never on a replay. */
static void
test_match_rules(void)
{
	struct pv_attach_args a;
	struct ident vmware;

	setup("hyperv", 0);
	pvbus_identify(&sim_host_io);
	pvbus_child_args(&a, 0);
	CHECK(a.pva_hv1 == &pvbus_softc.sc_iface[0].pi_id);
	CHECK_EQ_INT(hyperv_driver.pd_match(&a), 1);
	sim_host_io.io_caps = 0;	/* a replay: CPUID only */
	CHECK_EQ_INT(hyperv_driver.pd_match(&a), 0);
	sim_host_io.io_caps = HVIO_CAP_MSR | HVIO_CAP_HYPERCALL;
	/* VMware's Hv#1 with no version leaf: attached (see hyperv.c). */
	memset(&vmware, 0, sizeof(vmware));
	vmware.id_base = BASE;
	vmware.id_hv1 = true;
	memset(&a, 0, sizeof(a));
	a.pva_io = &sim_host_io;
	a.pva_iface[PVBUS_VMWARE] = a.pva_hv1 = &vmware;
	CHECK_EQ_INT(hyperv_driver.pd_match(&a), 1);
	a.pva_hv1 = NULL;			/* KVM, Xen, TCG alone */
	CHECK_EQ_INT(hyperv_driver.pd_match(&a), 0);
}

static const struct check_test tests[] = {
	CHECK_TEST(test_cpuid_block),
	CHECK_TEST(test_msr_gp_for_what_is_not_offered),
	CHECK_TEST(test_msr_range_leaves_xen_its_msr),
	CHECK_TEST(test_hypercall_msr_ignored_until_guest_os_id),
	CHECK_TEST(test_guest_os_id_zero_disables_page),
	CHECK_TEST(test_read_only_msrs),
	CHECK_TEST(test_time_ref_count_units),
	CHECK_TEST(test_reference_tsc_page),
	CHECK_TEST(test_hypercall_status_codes),
	CHECK_TEST(test_get_partition_id),
	CHECK_TEST(test_spin_wait_needs_retry_count),
	CHECK_TEST(test_exit_only_from_the_stub),
	CHECK_TEST(test_direct_vmcall),
	CHECK_TEST(test_fault_hypercall_msr_ignored),
	CHECK_TEST(test_fault_page_not_filled),
	CHECK_TEST(test_fault_status_error),
	CHECK_TEST(test_fault_clock_odd_version),
	CHECK_TEST(test_driver_passes_every_step),
	CHECK_TEST(test_driver_fault_msr_ignored),
	CHECK_TEST(test_driver_fault_page_not_filled),
	CHECK_TEST(test_driver_fault_status_error),
	CHECK_TEST(test_driver_fault_clock_odd_version),
	CHECK_TEST(test_driver_with_partition_id_privilege),
	CHECK_TEST(test_driver_spin_never),
	CHECK_TEST(test_driver_without_privileges),
	CHECK_TEST(test_driver_under_kvm),
	CHECK_TEST(test_match_rules),
};

int
main(void)
{
	return check_main("test_sim_hyperv", tests, nitems(tests));
}
