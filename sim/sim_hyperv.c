/*
 * A behavioural model of the Hyper-V interface (Hv#1), played in the
 * personality of one real implementation (sim_hyperv_personas.c, whose
 * rows cite each implementation's source): Hyper-V itself for
 * hv=sim:hyperv, KVM's emulation for sim:kvm+hyperv, Xen's Viridian for
 * sim:xen+viridian, VirtualBox's provider for sim:virtualbox, VMware's
 * Hv#1 for sim:vmware+hyperv.  Where the personalities agree, the rules
 * are the TLFS's (docs/reference/hyperv.md); where they differ, this
 * file asks the personality (struct sim_hv_persona, sim_hypervvar.h).
 *
 *	CPUID	base+0..base+hp_lastleaf: the signature, "Hv#1", the
 *		version (fixed, or zero until a guest OS id is written),
 *		the privileges, the recommendations (given always, or
 *		once the id says so), limits and hardware features.
 *	MSRs	guest OS id, hypercall page, VP index, reference time and
 *		the reference TSC page; #GP for any other MSR in
 *		Viridian's range 0x40000000-0x400001ff and for one whose
 *		privilege bit is clear (hyperv.md "Synthetic MSRs").  The
 *		personality decides whether the hypercall MSR waits for a
 *		guest OS id, whether a zero id disables the page, and
 *		whether a VP index write is a #GP or ignored.
 *	Calls	through the page (INT 0xF0 where a real page has VMCALL:
 *		simvar.h; Xen's page first ORs EAX with 0x80000000) or by
 *		a direct VMCALL/VMMCALL where the personality takes one:
 *		NotifyLongSpinWait (0x8) and GetPartitionId (0x46), where
 *		the personality has them, with the checks and status codes
 *		of hyperv.md "Calling a hypercall", "Status codes", "Call
 *		codes and probes".
 *	Clocks	TIME_REF_COUNT and the TSC page, computed as the
 *		personality computes them: exactly, with Xen's kHz scale,
 *		or with VirtualBox's truncated rate for the MSR.
 *
 * A root partition (the privileges CreatePartitions and CpuManagement,
 * without Isolation: docs/reference/hyperv.md "Partition roles") does
 * not choose its pages: the hypervisor keeps the page number of the
 * hypercall and TSC MSRs (Linux arch/x86/hyperv/hv_init.c, the root
 * branch of hyperv_init(): "The root can't change the location of the
 * hypercall page").  The model plays that with pages of its own.
 *
 * Faults (sim.fault=): hypercall-msr-ignored drops every write of the
 * hypercall MSR; page-not-filled lets the enable bit stick but leaves
 * the hypercall page as it was; status-error answers every hypercall
 * with INVALID_PARTITION_STATE (0x7); clock-odd-version publishes the
 * TSC page with sequence 0, the "invalid, use the MSR" marker
 * (hyperv.md "Reference TSC page").  Each works in every personality.
 */

#include "kern.h"
#include "hypervreg.h"
#include "pmem.h"
#include "pvbusreg.h"		/* HV_INTERFACE_HV1 */
#include "sim_hypervvar.h"
#include "simvar.h"

#define SIM_HV_PARTITION_ID	0x0000000000000011ULL	/* with the privilege */
#define SIM_HV_OR_EAX_LEN	5	/* 0D imm32 */
#define SIM_HV_OS_FIELD_SHIFT	40	/* Xen's "os" field, bits 47:40 */

/*
 * The privileges and the spin retry count, as CPUID, the MSRs and the
 * calls read them.  Set from the personality; the unit test changes
 * them after sim_setup() to give AccessPartitionId, take a privilege
 * away, make a root partition or ask never to be told of spin waits.
 */
uint64_t	sim_hyperv_privileges;
uint32_t	sim_hyperv_spin_retries;	/* base+4 EBX */

/* The partition's state: one partition with one virtual processor. */
struct sim_hyperv {
	const struct sim_hv_persona *hs_p;
	uint64_t	hs_guest_os_id;
	uint64_t	hs_hypercall;	/* the MSR, as last accepted */
	uint64_t	hs_stub;	/* the page holding our stub, or 0 */
	uint64_t	hs_reftsc;	/* HV_X64_MSR_REFERENCE_TSC */
	uint8_t		*hs_root_hc;	/* a root's pages, the model's */
	uint8_t		*hs_root_tsc;
	uint32_t	hs_tsc_seq;	/* last sequence published */
	uint64_t	hs_tsc0;	/* TSC when the partition was made */
	uint64_t	hs_scale_hz;	/* the rate hs_scale was made for */
	uint64_t	hs_scale;	/* 64.64: 100 ns units per TSC tick */
	int64_t		hs_offset;	/* so reference time starts at 0 */
};

static struct sim_hyperv sim_hyperv;

static void
sim_hyperv_sig(const char *s, struct cpuid_regs *out)
{
	memcpy(&out->ebx, s, 4);
	memcpy(&out->ecx, s + 4, 4);
	memcpy(&out->edx, s + 8, 4);
}

/*
 * base+2.  VirtualBox fills it from the guest's own id, field by field
 * (GIMAllHv.cpp gimHvWriteMsr(), case MSR_GIM_HV_GUEST_OS_ID): EAX the
 * build (15:0), EBX the minor (31:24) and major (39:32) version, ECX
 * the service version (23:16), EDX that and the build's low byte at 31:24.
 */
static void
sim_hyperv_version(const struct sim_hyperv *hs, struct cpuid_regs *out)
{
	const struct sim_hv_persona *p = hs->hs_p;
	uint64_t id = hs->hs_guest_os_id;

	if (p->hp_version != SIM_HV_VERSION_FIXED && id == 0)
		return;				/* zeros until the id */
	if (p->hp_version == SIM_HV_VERSION_FROM_OS_ID) {
		out->eax = (uint32_t)(id & 0xffff);
		out->ebx = (uint32_t)(id >> 24 & 0xff) |
		    (uint32_t)(id >> 32 & 0xff) << 16;
		out->ecx = (uint32_t)(id >> 16 & 0xff);
		out->edx = (uint32_t)(id >> 16 & 0xff) | (uint32_t)id << 24;
		return;
	}
	out->eax = p->hp_build;
	out->ebx = p->hp_major_minor;
}

/*
 * base+4.  Xen gives recommendations only to an id whose OS field
 * (47:40, the proprietary layout's) is 4 or more, a Windows NT
 * (viridian.c cpuid_viridian_leaves(), case 4).
 */
static void
sim_hyperv_recommend(const struct sim_hyperv *hs, struct cpuid_regs *out)
{
	const struct sim_hv_persona *p = hs->hs_p;
	uint64_t id = hs->hs_guest_os_id;

	if (p->hp_recommend_when == SIM_HV_RECOMMEND_OS_ID_4 &&
	    (id == 0 || (id >> SIM_HV_OS_FIELD_SHIFT & 0xff) < 4))
		return;
	out->eax = p->hp_recommend;
	out->ebx = sim_hyperv_spin_retries;
}

/*
 * The block of hyperv.md "CPUID leaves", as the personality has it.
 * false for a leaf it does not answer: past its last leaf, or the base
 * when another interface of the model answers that (VMware's).
 */
static bool
sim_hyperv_cpuid(struct sim_iface *si, uint32_t leaf, uint32_t subleaf
    __unused, struct cpuid_regs *out)
{
	struct sim_hyperv *hs = si->si_state;
	const struct sim_hv_persona *p = hs->hs_p;
	uint32_t n = leaf - si->si_base;

	if (n > p->hp_lastleaf || (n == 0 && p->hp_signature == NULL))
		return false;
	switch (n) {
	case 0:
		out->eax = si->si_base + p->hp_maxleaf;
		sim_hyperv_sig(p->hp_signature, out);
		break;
	case HV_CPUID_INTERFACE:
		out->eax = HV_INTERFACE_HV1;
		break;
	case HV_CPUID_VERSION:
		sim_hyperv_version(hs, out);
		break;
	case HV_CPUID_FEATURES:
		out->eax = (uint32_t)sim_hyperv_privileges;
		out->ebx = (uint32_t)(sim_hyperv_privileges >> 32);
		out->edx = p->hp_features;
		break;
	case HV_CPUID_RECOMMEND:
		sim_hyperv_recommend(hs, out);
		break;
	case HV_CPUID_LIMITS:
		out->eax = p->hp_limits[0];
		out->ebx = p->hp_limits[1];
		break;
	case 6:					/* hardware features in use */
		out->eax = p->hp_hwfeatures;
		break;
	}
	return true;
}

static bool
sim_hyperv_priv(int bit)
{
	return (sim_hyperv_privileges >> bit & 1) != 0;
}

/* hyperv.md "Partition roles": the hypervisor owns a root's pages. */
static bool
sim_hyperv_root(void)
{
	return sim_hyperv_priv(HV_PRIV_CREATE_PARTITIONS) &&
	    sim_hyperv_priv(HV_PRIV_CPU_MANAGEMENT) &&
	    !sim_hyperv_priv(HV_PRIV_ISOLATION);
}

/*
 * The page the hypervisor chose for a root partition, from the first
 * time the root looks at the MSR; 0 if it has none to give.
 */
static uint64_t
sim_hyperv_root_page(uint8_t **pagep)
{
	if (*pagep == NULL)
		*pagep = page_alloc();
	return (uintptr_t)*pagep;
}

static uint64_t
sim_hyperv_hz(const struct sim_hyperv *hs)
{
	return hs->hs_p->hp_tsc_hz != 0 ? hs->hs_p->hp_tsc_hz : sim.sm_tsc_hz;
}

/*
 * floor(10^7 * 2^64 / hz), by long division one bit at a time (no
 * 128-bit divide in a freestanding kernel): the exact scale.
 */
static uint64_t
sim_hyperv_exact_scale(uint64_t hz)
{
	uint64_t r = HV_REF_TIME_HZ, scale = 0;
	int i;

	for (i = 0; i < 64; i++) {
		r <<= 1;
		scale <<= 1;
		if (r >= hz) {
			r -= hz;
			scale |= 1;
		}
	}
	return scale;
}

/*
 * The TSC page's scale, as the personality makes it (hyperv.md
 * "Implementations"): exact, or Xen's and VirtualBox's ((10000 << 32) /
 * kHz) << 32 (viridian/time.c update_reference_tsc(); GIMHv.cpp
 * gimR3HvEnableTscPage()), whose low 32 bits are 0.  The rate must be
 * above 10 MHz, or the scale would not fit in 64 bits.  The offset puts
 * reference time 0 at the partition's creation.
 */
static void
sim_hyperv_clock(struct sim_hyperv *hs)
{
	uint64_t hz = sim_hyperv_hz(hs);

	if (hs->hs_scale_hz == hz)
		return;
	if (hz <= HV_REF_TIME_HZ || hz >= 1ULL << 62)
		panic("sim_hyperv_clock: TSC rate %lu Hz out of range",
		    (unsigned long)hz);
	if (hs->hs_p->hp_clock == SIM_HV_CLOCK_EXACT)
		hs->hs_scale = sim_hyperv_exact_scale(hz);
	else
		hs->hs_scale = ((10000ULL << 32) / (hz / 1000)) << 32;
	hs->hs_scale_hz = hz;
	hs->hs_offset = -(int64_t)(((unsigned __int128)hs->hs_tsc0 *
	    hs->hs_scale) >> 64);
	if (hs->hs_p->hp_clock == SIM_HV_CLOCK_TRUNCATED)
		hs->hs_offset = 0;
}

/*
 * TIME_REF_COUNT, 100 ns units.  From the TSC page's own parameters, as
 * KVM's get_time_ref_counter() and Xen's trc_val() compute it, so that
 * the two clocks cannot disagree.  VirtualBox counts both clocks from
 * TSC 0, the guest's power-on (the page's offset is 0), and divides
 * the TSC by a rate truncated to whole ticks per 100 ns for the MSR
 * (GIMAllHv.cpp gimHvGetTimeRefCount()): the MSR runs ahead of the page.
 */
static uint64_t
sim_hyperv_ref_time(struct sim_hyperv *hs)
{
	uint64_t tsc = sim_rdtsc();

	sim_hyperv_clock(hs);
	if (hs->hs_p->hp_clock == SIM_HV_CLOCK_TRUNCATED)
		return tsc / (sim_hyperv_hz(hs) / HV_REF_TIME_HZ);
	return (uint64_t)(((unsigned __int128)tsc * hs->hs_scale) >> 64) +
	    (uint64_t)hs->hs_offset;
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
 * What the hypervisor writes at offset 0: INT 0xF0 (the simulated VM
 * exit) where VMCALL is, then RET; Xen first ORs EAX with 0x80000000
 * (enable_hypercall_page()), and fills the rest with INT3 (VirtualBox
 * with zeros: the whole page is written).
 */
static void
sim_hyperv_fill(const struct sim_hv_persona *p, uint8_t *page)
{
	size_t n = 0;

	if (p->hp_page_fill >= 0)
		memset(page, p->hp_page_fill, PAGE_SIZE);
	if (p->hp_or_eax_stub) {
		page[n++] = 0x0d;		/* OR EAX, imm32 */
		page[n++] = 0x00;
		page[n++] = 0x00;
		page[n++] = 0x00;
		page[n++] = 0x80;
	}
	page[n++] = SIM_EXIT_INSN & 0xff;	/* INT 0xF0 */
	page[n++] = SIM_EXIT_INSN >> 8;
	page[n] = 0xc3;				/* RET */
}

/*
 * HV_X64_MSR_HYPERCALL (hyperv.md "Hypercall page").  While the guest
 * OS id is 0, KVM drops the write (kvm_hv_set_msr_pw()), VirtualBox
 * keeps all but the enable bit (gimHvWriteMsr()), Xen takes it
 * (guest_wrmsr_viridian()).  With the enable bit the stub goes into the
 * page first, then the value is kept as written, reserved bits and all;
 * a root's page number is the hypervisor's.  Page 0 is not RAM the
 * model can write (the kernel unmaps it): a #GP, as KVM's when
 * kvm_vcpu_write_guest() fails.
 */
static int
sim_hyperv_set_hypercall(struct sim_hyperv *hs, uint64_t val)
{
	const struct sim_hv_persona *p = hs->hs_p;
	uint64_t gpa;

	if (sim_fault(SIM_FAULT_HYPERCALL_MSR_IGNORED))
		return 0;
	if (p->hp_hc_needs_os_id && hs->hs_guest_os_id == 0) {
		if (p->hp_hc_keeps_rest)
			hs->hs_hypercall = val & ~HV_MSR_ENABLE;
		return 0;
	}
	if (sim_hyperv_root())
		val = (val & ~HV_MSR_PAGE_MASK) |
		    sim_hyperv_root_page(&hs->hs_root_hc);
	gpa = val & HV_MSR_PAGE_MASK;
	if ((val & HV_MSR_ENABLE) != 0) {
		if (gpa < PAGE_SIZE)
			return EFAULT;
		if (!sim_fault(SIM_FAULT_PAGE_NOT_FILLED)) {
			sim_hyperv_fill(p, (uint8_t *)(uintptr_t)gpa);
			hs->hs_stub = gpa;
		}
	}
	hs->hs_hypercall = val;
	return 0;
}

/* HV_X64_MSR_REFERENCE_TSC: a root's page number is the hypervisor's. */
static int
sim_hyperv_set_reftsc(struct sim_hyperv *hs, uint64_t val)
{
	if (sim_hyperv_root())
		val = (val & ~HV_MSR_PAGE_MASK) |
		    sim_hyperv_root_page(&hs->hs_root_tsc);
	if ((val & HV_MSR_ENABLE) != 0 && (val & HV_MSR_PAGE_MASK) < PAGE_SIZE)
		return EFAULT;
	hs->hs_reftsc = val;
	if ((val & HV_MSR_ENABLE) != 0)
		sim_hyperv_publish_tsc(hs);
	return 0;
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

/*
 * ENOENT outside Viridian's range; EFAULT (#GP) for what is not ours.
 * Every personality keeps an MSR to its privilege bit; VirtualBox has
 * no such check (gimHvReadMsr()), which only a guest that ignores
 * base+3 could tell.
 */
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
	case HV_X64_MSR_HYPERCALL:
		if (sim_hyperv_root() && hs->hs_hypercall == 0)
			hs->hs_hypercall =
			    sim_hyperv_root_page(&hs->hs_root_hc);
		*val = hs->hs_hypercall;
		break;
	case HV_X64_MSR_VP_INDEX:	*val = 0; break;	/* the BSP */
	case HV_X64_MSR_TIME_REF_COUNT:	*val = sim_hyperv_ref_time(hs); break;
	case HV_X64_MSR_REFERENCE_TSC:
		if (sim_hyperv_root() && hs->hs_reftsc == 0)
			hs->hs_reftsc = sim_hyperv_root_page(&hs->hs_root_tsc);
		*val = hs->hs_reftsc;
		break;
	}
	return 0;
}

/*
 * Writing 0 to the guest OS id disables the hypercall page where the
 * personality does (hyperv.md "Guest OS identity"); VP index is read-only
 * (#GP, or ignored by Xen), and so is reference time (#GP everywhere).
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
		if (val == 0 && hs->hs_p->hp_os_id_zero_disables)
			hs->hs_hypercall &= ~HV_MSR_ENABLE;
		return 0;
	case HV_X64_MSR_HYPERCALL:
		return sim_hyperv_set_hypercall(hs, val);
	case HV_X64_MSR_REFERENCE_TSC:
		return sim_hyperv_set_reftsc(hs, val);
	case HV_X64_MSR_VP_INDEX:
		return hs->hs_p->hp_vp_index_write_gp ? EFAULT : 0;
	default:
		return EFAULT;
	}
}

/* An input or output block of len bytes: 8-byte aligned, in one page. */
static bool
sim_hyperv_block_ok(uint64_t gpa, uint64_t len)
{
	return gpa % HV_HYPERCALL_ALIGN == 0 &&
	    gpa % PAGE_SIZE + len <= PAGE_SIZE;
}

/*
 * NotifyLongSpinWait (0x8): a simple call, the spin count in RDX (fast)
 * or in the input block.  KVM yields and answers SUCCESS after checking
 * for a rep count or a variable header (INVALID_HYPERCALL_INPUT); Xen
 * yields without looking at its input; VirtualBox has no such call.
 */
static uint16_t
sim_hyperv_spin_wait(const struct sim_hv_persona *p, uint64_t control,
    uint64_t in)
{
	if (!p->hp_spin_implemented)
		return HV_STATUS_INVALID_HYPERCALL_CODE;
	if (!p->hp_spin_input_checked)
		return HV_STATUS_SUCCESS;
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
 * there is no fast form without XMM output, which is not offered.  KVM,
 * Xen and VirtualBox have no such call.
 */
static uint16_t
sim_hyperv_partition_id(const struct sim_hv_persona *p, uint64_t control,
    uint64_t out)
{
	if (!p->hp_partition_id)
		return HV_STATUS_INVALID_HYPERCALL_CODE;
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
 * "never", where the personality checks it), reserved bits and a rep
 * start past the rep count (where it checks them), then the call
 * itself.  No call here is a rep call, so reps completed stays 0.
 */
static uint64_t
sim_hyperv_call(const struct sim_hv_persona *p, uint64_t control,
    uint64_t in, uint64_t out)
{
	uint64_t code = control & HV_HYPERCALL_CODE_MASK;
	uint64_t reps = control >> HV_HYPERCALL_REP_COUNT_SHIFT &
	    HV_HYPERCALL_REP_MASK;
	uint64_t start = control >> HV_HYPERCALL_REP_START_SHIFT &
	    HV_HYPERCALL_REP_MASK;

	if (sim_fault(SIM_FAULT_STATUS_ERROR))
		return HV_STATUS_INVALID_PARTITION_STATE;
	if (code == HVCALL_NOTIFY_LONG_SPIN_WAIT && p->hp_spin_needs_retries &&
	    (sim_hyperv_spin_retries == 0 ||
	    sim_hyperv_spin_retries == HV_SPIN_NEVER_NOTIFY))
		return HV_STATUS_ACCESS_DENIED;
	if (p->hp_rsvd_checked && ((control & HV_HYPERCALL_RSVD_MASK) != 0 ||
	    ((reps != 0 || start != 0) && start >= reps)))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	switch (code) {
	case HVCALL_NOTIFY_LONG_SPIN_WAIT:
		return sim_hyperv_spin_wait(p, control, in);
	case HVCALL_GET_PARTITION_ID:
		return sim_hyperv_partition_id(p, control, out);
	default:
		return HV_STATUS_INVALID_HYPERCALL_CODE;
	}
}

/*
 * The INT 0xF0 of our stub: at offset 0 of the enabled, filled page, or
 * just after Xen's OR EAX.  A root partition runs a copy of the page
 * (Linux's hyperv_init() copies the code into a page of its own): there
 * the exit is ours wherever the copy lies, as VMCALL would be.
 */
static int
sim_hyperv_exit(struct sim_iface *si, struct vm_regs *r, uintptr_t rip)
{
	struct sim_hyperv *hs = si->si_state;
	const uint8_t *insn = (const uint8_t *)rip;
	uint64_t at = hs->hs_stub +
	    (hs->hs_p->hp_or_eax_stub ? SIM_HV_OR_EAX_LEN : 0);

	if ((hs->hs_hypercall & HV_MSR_ENABLE) == 0 || hs->hs_stub == 0)
		return ENOENT;
	if (rip != at && !(sim_hyperv_root() && rip % PAGE_SIZE ==
	    at % PAGE_SIZE && memcmp(insn, (const uint8_t *)(uintptr_t)at,
	    SIM_EXIT_LEN + 1) == 0))
		return ENOENT;
	r->vr_rax = sim_hyperv_call(hs->hs_p, r->vr_rcx, r->vr_rdx, r->vr_r8);
	return 0;
}

/*
 * A VMCALL or VMMCALL made directly: a Hyper-V hypercall as soon as the
 * guest OS id is set for KVM (kvm_hv_hypercall_enabled() looks at the
 * id alone, and KVM emulates the other vendor's instruction) and
 * VirtualBox (gimHvAreHypercallsEnabled()); for Xen when EAX bit 31 is
 * set (hvm_hypercall()); never for VMware's model, whose backdoor takes
 * VMCALL.  Otherwise it belongs to another interface, or is a #UD.
 */
static int
sim_hyperv_hypercall(struct sim_iface *si, struct vm_regs *r,
    bool vmmcall __unused)
{
	struct sim_hyperv *hs = si->si_state;

	switch (hs->hs_p->hp_direct) {
	case SIM_HV_DIRECT_OS_ID:
		if (hs->hs_guest_os_id == 0)
			return ENOENT;
		break;
	case SIM_HV_DIRECT_EAX31:
		if ((r->vr_rax & 0x80000000) == 0)
			return ENOENT;
		break;
	default:
		return ENOENT;
	}
	r->vr_rax = sim_hyperv_call(hs->hs_p, r->vr_rcx, r->vr_rdx, r->vr_r8);
	return 0;
}

void
sim_hyperv_init(struct sim_iface *si, uint32_t base,
    enum sim_hv_persona_id persona)
{
	const struct sim_hv_persona *p = &sim_hyperv_personas[persona];

	memset(si, 0, sizeof(*si));
	memset(&sim_hyperv, 0, sizeof(sim_hyperv));
	sim_hyperv.hs_p = p;
	sim_hyperv.hs_tsc0 = sim_rdtsc();
	sim_hyperv_privileges = p->hp_privileges;
	sim_hyperv_spin_retries = p->hp_spin_retries;
	si->si_name = "hyperv";
	si->si_base = base;
	si->si_cpuid = sim_hyperv_cpuid;
	si->si_rdmsr = sim_hyperv_rdmsr;
	si->si_wrmsr = sim_hyperv_wrmsr;
	si->si_exit = sim_hyperv_exit;
	si->si_hypercall = sim_hyperv_hypercall;
	si->si_state = &sim_hyperv;
}
