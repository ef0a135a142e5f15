/*
 * The simulated Xen (hv=sim:xen, the Xen half of sim:xen+viridian, and
 * sim:kvm-xen): a behavioural model of what an HVM or PVH guest sees,
 * played in the personality of one of two real implementations: Xen
 * 4.17 itself, or Xen as KVM and QEMU emulate it (QEMU
 * -accel kvm,xen-version=0x40011; Linux arch/x86/kvm/xen.c, QEMU
 * target/i386/kvm/xen-emu.c and kvm.c).  The table sim_xen_personas
 * below holds what differs, each row cited.
 *
 *	CPUID	base..base+5 (docs/reference/xen.md "CPUID leaves"): the
 *		signature, version 4.17, one hypercall page through MSR
 *		msr, the TSC and HVM leaves (QEMU stops at base+4).
 *	WRMSR	msr = page GPA | index: index 0 fills the page as Xen does
 *		(xen.md "Hypercall page"), anything else is a #GP, as is
 *		every other MSR of Xen's range.  RDMSR of msr reads 0 on
 *		Xen and is a #GP on KVM.
 *	exit	INT 0xF0 in a stub of the page: hypercall EAX with the
 *		arguments in RDI, RSI, RDX, R10, R8 (xen.md "Calling
 *		convention").  xen_version (xen.md "xen_version") is
 *		implemented, as far as the personality implements it;
 *		everything else answers -ENOSYS.
 *
 * The page holds Xen's stubs with INT 0xF0 (simvar.h) where Xen writes
 * VMCALL or VMMCALL; a NOP keeps the instruction's three bytes, so every
 * offset in the stub is the real one.  Like a debug build of Xen, the
 * Xen personality overwrites the argument registers a call used with
 * 0xDEADBEEFDEADF00D when it returns, so a guest that relies on them
 * after the call is caught here rather than on a real debug Xen.
 *
 * Faults (sim.fault=), in either personality:
 *	hypercall-msr-ignored	the WRMSR succeeds and does nothing: the
 *				page keeps every byte the guest left in it.
 *	page-not-filled		the WRMSR succeeds, and Xen's first step
 *				(the INT3 fill) happens but no stub is
 *				written: the page changed, yet holds nothing
 *				to call.  The two look different to the
 *				guest on purpose (docs/xen.md).
 *	status-error		every hypercall returns -EPERM.
 *	garbage-cpuid		sim.c: base EAX outside the block.
 *
 * Guest memory: a guest physical or linear address is a pointer here
 * (simvar.h).  The model can check only what it can see: a NULL or
 * page-0 buffer (the kernel unmaps page 0) is -EFAULT, as Xen's
 * copy_to_guest fails on an unmapped address.
 */

#include "kern.h"
#include "simvar.h"
#include "xenreg.h"

#define SIM_XEN_MAJOR		4
#define SIM_XEN_MINOR		17
#define SIM_XEN_DOMID		1		/* any domU */
#define SIM_XEN_PAGE_SIZE	4096
#define SIM_XEN_LOW_LIMIT	4096		/* page 0 is not mapped */

/* What differs between Xen and its emulation by KVM and QEMU. */
struct sim_xen_persona {
	const char	*xp_name;
	uint32_t	xp_maxleaf;	/* base EAX, less the base */
	uint32_t	xp_time_eax;	/* base+3 EAX */
	uint32_t	xp_hvm_eax;	/* base+4 EAX */
	bool		xp_domid;	/* base+4 ECX: the domain id */
	bool		xp_rdmsr;	/* RDMSR of the MSR reads 0 (else #GP) */
	bool		xp_iret_ud2;	/* stub 23 is UD2 (else a stub) */
	bool		xp_version_attr;	/* XENVER_version needs KVM's
						   version attribute */
	const char	*xp_extraversion;	/* NULL: -ENOSYS */
	uint32_t	xp_features;	/* get_features submap 0 */
	bool		xp_features_einval;	/* other submaps -EINVAL */
	bool		xp_pagesize;	/* XENVER_pagesize exists */
	bool		xp_clobber;	/* a debug build's register poison */
};

static const struct sim_xen_persona sim_xen_personas[SIM_XEN_NPERSONAS] = {
	/*
	 * Xen 4.17: xen/arch/x86/cpuid.c (leaves up to base+5, base+4 with
	 * the vCPU and domain ids); msr.c guest_rdmsr_xen (the MSR reads
	 * 0); hvm_init_hypercall_page() with vmx_init_hypercall_page()
	 * (iret is UD2); xen/common/kernel.c do_xen_version(): every
	 * sub-op, -EINVAL for a submap other than 0, the features of an
	 * x86 HVM domU without PIRQs (translated paging; not the hardware
	 * domain), without the bits added after 4.17 (runstate_phys_area,
	 * vcpu_time_phys_area, dm_msix_all_writes); xen/arch/x86/hvm/
	 * hypercall.c: a debug build poisons the used argument registers.
	 * The extraversion says it is the model (Xen's own would be ".0").
	 */
	[SIM_XEN_NATIVE] = {
		.xp_name = "Xen 4.17",
		.xp_maxleaf = XEN_CPUID_MAX_LIMIT,
		.xp_hvm_eax = XEN_HVM_CPUID_VCPU_ID_PRESENT |
		    XEN_HVM_CPUID_DOMID_PRESENT,
		.xp_domid = true,
		.xp_rdmsr = true,
		.xp_iret_ud2 = true,
		.xp_extraversion = ".0-sim",
		.xp_features = 1U << XENFEAT_WRITABLE_PAGE_TABLES |
		    1U << XENFEAT_AUTO_TRANSLATED_PHYSMAP |
		    1U << XENFEAT_HVM_CALLBACK_VECTOR |
		    1U << XENFEAT_HVM_SAFE_PVCLOCK |
		    1U << XENFEAT_MEMORY_OP_VNODE_SUPPORTED |
		    1U << XENFEAT_NOT_DIRECT_MAPPED,
		.xp_features_einval = true,
		.xp_pagesize = true,
		.xp_clobber = true,
	},
	/*
	 * Xen as KVM and QEMU emulate it, xen-version=0x40011.  QEMU
	 * target/i386/kvm/kvm.c kvm_arch_init_vcpu(): leaves up to base+4
	 * (XEN_CPUID_HVM), base+3 EAX the stable-TSC and RDTSCP bits,
	 * base+4 IOMMU_MAPPINGS, VCPU_ID_PRESENT (4.6 on) and
	 * UPCALL_VECTOR (4.17 on), no domain id.  Linux arch/x86/kvm/xen.c
	 * kvm_xen_write_hypercall_page(): one "mov eax, n; vmcall; ret"
	 * stub for every number, iret too, INT3 padding; no RDMSR of the
	 * MSR (arch/x86/kvm/x86.c: #GP); kvm_xen_hypercall() answers
	 * XENVER_version itself when QEMU gave it the version
	 * (KVM_XEN_ATTR_TYPE_XEN_VERSION, sim_xen_version_attr), passes the
	 * rest to QEMU.  QEMU target/i386/kvm/xen-emu.c
	 * kvm_xen_hcall_xen_version() implements XENVER_get_features alone
	 * (submap 0: writable page and descriptor tables, auto-translated
	 * physmap, HVM callback vector, safe pvclock, PIRQs; other submaps
	 * 0); everything else falls to kvm_xen_handle_exit()'s -ENOSYS.
	 * No register is poisoned.
	 */
	[SIM_XEN_KVM] = {
		.xp_name = "KVM's Xen emulation (QEMU xen-emu.c)",
		.xp_maxleaf = XEN_CPUID_HVM,
		.xp_time_eax = 0x6,
		.xp_hvm_eax = XEN_HVM_CPUID_IOMMU_MAPPINGS |
		    XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_UPCALL_VECTOR,
		.xp_domid = false,
		.xp_rdmsr = false,
		.xp_iret_ud2 = false,
		.xp_version_attr = true,
		.xp_extraversion = NULL,
		.xp_features = 1U << XENFEAT_WRITABLE_PAGE_TABLES |
		    1U << XENFEAT_WRITABLE_DESCRIPTOR_TABLES |
		    1U << XENFEAT_AUTO_TRANSLATED_PHYSMAP |
		    1U << XENFEAT_HVM_CALLBACK_VECTOR |
		    1U << XENFEAT_HVM_SAFE_PVCLOCK |
		    1U << XENFEAT_HVM_PIRQS,
		.xp_features_einval = false,
		.xp_pagesize = false,
		.xp_clobber = false,
	},
};

/*
 * KVM answers XENVER_version only when the VMM told it the version
 * (QEMU does, with KVM_XEN_HVM_CONFIG_EVTCHN_SEND); without it the call
 * reaches QEMU, which answers -ENOSYS.  The unit test turns it off.
 */
bool	sim_xen_version_attr;

struct sim_xen {
	const struct sim_xen_persona *sx_p;
	uint32_t	sx_msr;		/* base+2 EBX */
	uint8_t		*sx_page;	/* the page last filled, or NULL */
};

/* One Xen per model: no configuration has two. */
static struct sim_xen sim_xen;

/* "XenVMMXenVMM" as EBX, ECX, EDX (little-endian words). */
static void
sim_xen_signature(uint32_t base, uint32_t maxleaf, struct cpuid_regs *out)
{
	out->eax = base + maxleaf;
	out->ebx = 0x566e6558;		/* "XenV" */
	out->ecx = 0x65584d4d;		/* "MMXe" */
	out->edx = 0x4d4d566e;		/* "nVMM" */
}

/*
 * base..base+5 (xen.md "CPUID leaves").  base+3 and base+4 have
 * subleaves; all but subleaf 0 are zero here.  base+5 is the PV leaf:
 * zero for HVM.
 */
static bool
sim_xen_cpuid(struct sim_iface *si, uint32_t leaf, uint32_t subleaf,
    struct cpuid_regs *out)
{
	struct sim_xen *sx = si->si_state;
	const struct sim_xen_persona *p = sx->sx_p;

	if (leaf - si->si_base > p->xp_maxleaf)
		return false;
	switch (leaf - si->si_base) {
	case 0:
		sim_xen_signature(si->si_base, p->xp_maxleaf, out);
		return true;
	case XEN_CPUID_VERSION:
		out->eax = SIM_XEN_MAJOR << XEN_VERSION_MAJOR_SHIFT |
		    SIM_XEN_MINOR;
		return true;
	case XEN_CPUID_HYPERCALL:
		out->eax = XEN_HYPERCALL_PAGES;
		out->ebx = sx->sx_msr;
		return true;
	case XEN_CPUID_TIME:
		/* tsc_mode 0 (default), guest TSC kHz in ECX. */
		if (subleaf == 0) {
			out->eax = p->xp_time_eax;
			out->ecx = (uint32_t)(sim.sm_tsc_hz / 1000);
		}
		return true;
	case XEN_CPUID_HVM:
		if (subleaf == 0) {
			out->eax = p->xp_hvm_eax;
			out->ebx = 0;			/* vCPU 0 */
			out->ecx = p->xp_domid ? SIM_XEN_DOMID : 0;
		}
		return true;
	case XEN_CPUID_PV:
		return true;
	default:
		return false;
	}
}

/*
 * Xen's part of the MSR space (xenreg.h): from its hypercall MSR to
 * XEN_MSR_LAST.  Below the moved MSR is Viridian's, not ours.
 */
static bool
sim_xen_owns(const struct sim_xen *sx, uint32_t msr)
{
	return msr >= sx->sx_msr && msr <= XEN_MSR_LAST;
}

/*
 * What Xen writes into the page (xen.md "Hypercall page"): INT3 over
 * all of it, then the stubs.  stubs false stops after the fill (the
 * page-not-filled fault).
 */
static void
sim_xen_fill(const struct sim_xen_persona *p, uint8_t *page, bool stubs)
{
	uint8_t *s;
	uint32_t n;

	memset(page, XEN_PAGE_FILL, SIM_XEN_PAGE_SIZE);
	if (!stubs)
		return;
	for (n = 0; n < XEN_HYPERCALL_NSTUBS; n++) {
		s = page + n * XEN_HYPERCALL_STUB_SIZE;
		if (n == XEN_HYPERCALL_IRET && p->xp_iret_ud2) {
			s[0] = XEN_STUB_UD2_0;
			s[1] = XEN_STUB_UD2_1;
			continue;
		}
		s[0] = XEN_STUB_MOV_EAX;
		s[1] = (uint8_t)n;
		s[2] = (uint8_t)(n >> 8);
		s[3] = (uint8_t)(n >> 16);
		s[4] = (uint8_t)(n >> 24);
		s[5] = SIM_EXIT_INSN & 0xff;	/* INT 0xF0 for VMCALL */
		s[6] = SIM_EXIT_INSN >> 8;
		s[7] = 0x90;			/* NOP: VMCALL is 3 bytes */
		s[8] = XEN_STUB_RET;
	}
}

/*
 * WRMSR: the hypercall MSR takes page GPA | index (xen.md "Hypercall
 * page"); Xen's other MSRs #GP, so does a page index other than 0 and
 * (here) page 0, which is not guest RAM the kernel maps.
 */
static int
sim_xen_wrmsr(struct sim_iface *si, uint32_t msr, uint64_t val)
{
	struct sim_xen *sx = si->si_state;
	uint64_t gpa = val & ~XEN_HYPERCALL_INDEX_MASK;

	if (!sim_xen_owns(sx, msr))
		return ENOENT;
	if (msr != sx->sx_msr)
		return EFAULT;
	if ((val & XEN_HYPERCALL_INDEX_MASK) >= XEN_HYPERCALL_PAGES ||
	    gpa == 0)
		return EFAULT;
	if (sim_fault(SIM_FAULT_HYPERCALL_MSR_IGNORED))
		return 0;
	sim_xen_fill(sx->sx_p, (uint8_t *)(uintptr_t)gpa,
	    !sim_fault(SIM_FAULT_PAGE_NOT_FILLED));
	if (!sim_fault(SIM_FAULT_PAGE_NOT_FILLED))
		sx->sx_page = (uint8_t *)(uintptr_t)gpa;
	return 0;
}

/*
 * RDMSR: the hypercall MSR reads as zero on Xen (guest_rdmsr_xen); KVM
 * has no read of it (kvm_get_msr_common(): #GP).
 */
static int
sim_xen_rdmsr(struct sim_iface *si, uint32_t msr, uint64_t *val)
{
	struct sim_xen *sx = si->si_state;

	if (!sim_xen_owns(sx, msr))
		return ENOENT;
	if (msr != sx->sx_msr || !sx->sx_p->xp_rdmsr)
		return EFAULT;
	*val = 0;
	return 0;
}

/* A buffer Xen could copy to or from: not NULL, not in page 0. */
static bool
sim_xen_guest_ok(uint64_t va, size_t len)
{
	return va >= SIM_XEN_LOW_LIMIT && va + len > va;
}

/*
 * xen_version (xen.md "xen_version"), after do_xen_version in
 * xen/common/kernel.c: unknown sub-ops fall out of its switch as
 * -ENOSYS, an unknown feature submap is -EINVAL, a buffer Xen cannot
 * reach -EFAULT.  A sub-op the personality lacks is -ENOSYS, and KVM's
 * other submaps read 0 (kvm_xen_hcall_xen_version()).
 */
static int64_t
sim_xen_version(const struct sim_xen_persona *p, uint64_t cmd, uint64_t arg)
{
	struct xen_feature_info fi;
	char extra[XEN_EXTRAVERSION_LEN];

	switch (cmd) {
	case XENVER_VERSION:
		if (!p->xp_version_attr || sim_xen_version_attr)
			return SIM_XEN_MAJOR << XEN_VERSION_MAJOR_SHIFT |
			    SIM_XEN_MINOR;
		return -XEN_ENOSYS;
	case XENVER_EXTRAVERSION:
		if (p->xp_extraversion == NULL)
			return -XEN_ENOSYS;
		if (!sim_xen_guest_ok(arg, sizeof(extra)))
			return -XEN_EFAULT;
		memset(extra, 0, sizeof(extra));
		memcpy(extra, p->xp_extraversion, strnlen(p->xp_extraversion,
		    sizeof(extra) - 1));
		memcpy((void *)(uintptr_t)arg, extra, sizeof(extra));
		return 0;
	case XENVER_GET_FEATURES:
		if (!sim_xen_guest_ok(arg, sizeof(fi)))
			return -XEN_EFAULT;
		memcpy(&fi, (const void *)(uintptr_t)arg, sizeof(fi));
		if (fi.submap_idx != 0 && p->xp_features_einval)
			return -XEN_EINVAL;
		fi.submap = fi.submap_idx == 0 ? p->xp_features : 0;
		memcpy((void *)(uintptr_t)arg, &fi, sizeof(fi));
		return 0;
	case XENVER_PAGESIZE:
		if (!p->xp_pagesize)
			return -XEN_ENOSYS;
		return arg != 0 ? -XEN_EINVAL : SIM_XEN_PAGE_SIZE;
	default:
		return -XEN_ENOSYS;
	}
}

/*
 * One hypercall: EAX the number, RDI.. the arguments; the result in
 * RAX.  A call that did not answer -ENOSYS gets its used argument
 * registers overwritten, as a debug build of Xen does (xen.md "Calling
 * convention").
 */
static void
sim_xen_call(const struct sim_xen_persona *p, struct vm_regs *r)
{
	uint32_t nr = (uint32_t)r->vr_rax;
	int64_t ret;
	int nargs;

	if (sim_fault(SIM_FAULT_STATUS_ERROR)) {
		ret = -XEN_EPERM;
		nargs = 0;
	} else if (nr == XEN_HYPERCALL_XEN_VERSION) {
		ret = sim_xen_version(p, r->vr_rdi, r->vr_rsi);
		nargs = 2;
	} else {
		r->vr_rax = (uint64_t)-XEN_ENOSYS;
		return;
	}
	r->vr_rax = (uint64_t)ret;
	if (!p->xp_clobber || ret == -XEN_ENOSYS)
		return;
	if (nargs >= 1)
		r->vr_rdi = XEN_DEBUG_CLOBBER;
	if (nargs >= 2)
		r->vr_rsi = XEN_DEBUG_CLOBBER;
}

/*
 * The INT 0xF0 at rip: ours if it is where a stub of our page holds it
 * (offset 5 of a 32-byte stub).
 */
static int
sim_xen_exit(struct sim_iface *si, struct vm_regs *r, uintptr_t rip)
{
	struct sim_xen *sx = si->si_state;
	uintptr_t page = (uintptr_t)sx->sx_page;

	if (sx->sx_page == NULL || rip < page ||
	    rip >= page + SIM_XEN_PAGE_SIZE ||
	    (rip - page) % XEN_HYPERCALL_STUB_SIZE != XEN_STUB_MOV_LEN)
		return ENOENT;
	sim_xen_call(sx->sx_p, r);
	return 0;
}

/*
 * VMCALL (Intel) or VMMCALL (AMD) outside the page: Xen takes the CPU's
 * own instruction from anywhere in the guest kernel.  With Viridian on,
 * EAX bit 31 marks a Hyper-V call (xen.md "Hypercall page"): not ours.
 */
static int
sim_xen_hypercall(struct sim_iface *si, struct vm_regs *r, bool vmmcall)
{
	struct sim_xen *sx = si->si_state;

	if (vmmcall != sim.sm_amd)
		return ENOENT;
	if (sx->sx_msr == XEN_MSR_VIRIDIAN && (r->vr_rax & 0x80000000) != 0)
		return ENOENT;
	sim_xen_call(sx->sx_p, r);
	return 0;
}

void
sim_xen_init(struct sim_iface *si, uint32_t base, uint32_t msr,
    enum sim_xen_persona_id persona)
{
	memset(si, 0, sizeof(*si));
	memset(&sim_xen, 0, sizeof(sim_xen));
	sim_xen.sx_p = &sim_xen_personas[persona];
	sim_xen.sx_msr = msr;
	sim_xen_version_attr = true;
	si->si_name = "xen";
	si->si_base = base;
	si->si_cpuid = sim_xen_cpuid;
	si->si_rdmsr = sim_xen_rdmsr;
	si->si_wrmsr = sim_xen_wrmsr;
	si->si_exit = sim_xen_exit;
	si->si_hypercall = sim_xen_hypercall;
	si->si_state = &sim_xen;
}
