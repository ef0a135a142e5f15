/*
 * pvclock0's other paravirtual interfaces, three of the steps pvclock.c
 * runs:
 *
 *	steal_time	enable the area, wait for an even version, disable
 *			(a misaligned address must be refused first)
 *	pv_eoi		enable the word, read the MSR back, disable
 *			(likewise, with the reserved bit 1 set)
 *	hypercall	VAPIC_POLL_IRQ, then an unassigned number, with the
 *			CPU vendor's instruction, where no other interface
 *			takes VMCALL first and the command line does not
 *			say this host cannot take it (pvclock.hypercall=)
 *
 * An area the hypervisor will not turn off again marks the page busy,
 * so pvclock.c keeps it rather than give it back.  Sources: Linux
 * Documentation/virt/kvm/x86/msr.rst (MSR_KVM_STEAL_TIME,
 * MSR_KVM_PV_EOI_EN), hypercalls.rst, include/uapi/linux/kvm_para.h;
 * docs/reference/kvm.md "MSRs", "Hypercalls", "First steps" step 6;
 * docs/kvm.md.
 */

#include "kern.h"
#include "cmdline.h"
#include "ktap.h"
#include "kvmreg.h"
#include "pvclockvar.h"
#include "x86.h"

/*
 * A write the hypervisor must refuse with #GP (reserved bits set:
 * msr.rst, docs/reference/kvm.md "MSRs"), made as one the step asks to
 * be refused, so that the #GP is this check's answer and not a fault
 * for no_msr_faults (hvio_wrmsr_refusal()).  If it takes the value
 * instead, turn the area off again and say so.
 */
static int
pvclock_must_refuse(struct pvclock_softc *sc, uint32_t msr, uint64_t val,
    const char *rule)
{
	if (hvio_wrmsr_refusal(sc->sc_io, msr, val) == 0) {
		(void)sc->sc_io->io_wrmsr(msr, 0);
		return ktap_fail("MSR 0x%08x took 0x%lx: %s", msr,
		    (unsigned long)val, rule);
	}
	return KTAP_PASS;
}

/*
 * Steal time (msr.rst): a 64-byte aligned area | 1; bits 5:1 are
 * reserved.  KVM fills it before the guest runs again, version even.
 */
int
pvclock_steal_time(void *arg)
{
	struct pvclock_softc *sc = arg;
	volatile struct kvm_steal_time *st =
	    (void *)(sc->sc_page + PVCLOCK_OFF_STEAL);
	uint64_t pa = pvclock_pa(sc, PVCLOCK_OFF_STEAL);
	uint32_t v = 0;
	long i;

	sc->sc_steal = "absent";
	if (!pvclock_has(sc, KVM_FEATURE_STEAL_TIME))
		return ktap_skip("STEAL_TIME not offered (base+1 EAX bit 5 "
		    "clear)");
	sc->sc_steal = "failed";
	if (pvclock_must_refuse(sc, MSR_KVM_STEAL_TIME,
	    (pa + 32) | KVM_MSR_ENABLED, "bits 5:1 are reserved") != KTAP_PASS)
		return KTAP_FAIL;
	if (sc->sc_io->io_wrmsr(MSR_KVM_STEAL_TIME, pa | KVM_MSR_ENABLED) != 0)
		return ktap_fail("WRMSR 0x%08x raised #GP although STEAL_TIME "
		    "is offered", MSR_KVM_STEAL_TIME);
	for (i = 0; i < PVCLOCK_RETRIES; i++) {
		if ((v = st->st_version) != 0 && (v & 1) == 0)
			break;
		pause();
	}
	printf("%s: steal time at 0x%lx: version %u, steal %lu ns, "
	    "preempted %u\n", sc->sc_name, (unsigned long)pa, v,
	    (unsigned long)st->st_steal, st->st_preempted);
	if (sc->sc_io->io_wrmsr(MSR_KVM_STEAL_TIME, 0) != 0)
		sc->sc_page_busy = true;	/* it may go on writing */
	if (v == 0)
		return ktap_fail("steal time never written: version 0 after "
		    "MSR 0x%08x took the address", MSR_KVM_STEAL_TIME);
	if (v & 1)
		return ktap_fail("steal time version stayed odd");
	sc->sc_steal = "available";
	return KTAP_PASS;
}

/*
 * PV EOI (msr.rst): a 4-byte aligned word | 1; bit 1 is reserved.  KVM
 * writes the word only when it injects an interrupt, and this kernel
 * takes none, so: enable, read back, disable.
 */
int
pvclock_pv_eoi(void *arg)
{
	struct pvclock_softc *sc = arg;
	uint64_t want = pvclock_pa(sc, PVCLOCK_OFF_EOI) | KVM_MSR_ENABLED;
	uint64_t got = 0;

	sc->sc_eoi = "absent";
	if (!pvclock_has(sc, KVM_FEATURE_PV_EOI))
		return ktap_skip("PV_EOI not offered (base+1 EAX bit 6 clear)");
	sc->sc_eoi = "failed";
	if (pvclock_must_refuse(sc, MSR_KVM_PV_EOI_EN,
	    want | KVM_PV_EOI_RESERVED_MASK, "bit 1 is reserved") != KTAP_PASS)
		return KTAP_FAIL;
	if (sc->sc_io->io_wrmsr(MSR_KVM_PV_EOI_EN, want) != 0 ||
	    sc->sc_io->io_rdmsr(MSR_KVM_PV_EOI_EN, &got) != 0)
		return ktap_fail("MSR 0x%08x raised #GP although PV_EOI is "
		    "offered", MSR_KVM_PV_EOI_EN);
	if (sc->sc_io->io_wrmsr(MSR_KVM_PV_EOI_EN, 0) != 0)
		sc->sc_page_busy = true;
	printf("%s: PV EOI word at 0x%lx: enabled, reads back 0x%lx, "
	    "disabled\n", sc->sc_name, (unsigned long)(want - 1),
	    (unsigned long)got);
	if (got != want)
		return ktap_fail("MSR 0x%08x reads back 0x%lx, not 0x%lx",
		    MSR_KVM_PV_EOI_EN, (unsigned long)got,
		    (unsigned long)want);
	sc->sc_eoi = "available";
	return KTAP_PASS;
}

static const char *
pvclock_kvm_errname(int64_t v)
{
	switch (v) {
	case 0:			return "success";
	case -KVM_ENOSYS:	return "-KVM_ENOSYS";
	case -KVM_EFAULT:	return "-KVM_EFAULT";
	case -KVM_EINVAL:	return "-KVM_EINVAL";
	case -KVM_E2BIG:	return "-KVM_E2BIG";
	case -KVM_EPERM:	return "-KVM_EPERM";
	case -KVM_EOPNOTSUPP:	return "-KVM_EOPNOTSUPP";
	default:		return "not a KVM status";
	}
}

/*
 * Is VMCALL ours?  KVM sends it to its Hyper-V handler once the guest
 * OS id is non-zero in a VM with Hyper-V emulation, and to Xen's once
 * Xen hypercalls are on (kvm.md "Instruction and registers",
 * kvm_hv_hypercall_enabled()).  The guest OS id is the whole
 * partition's and may be written at any time (by hyperv0 just before
 * us, by firmware, by a kernel before a kexec), so the only answer that
 * cannot be wrong later is: not with either interface present.  NULL if
 * safe, else the reason.
 */
static const char *
pvclock_hypercall_unsafe(const struct pvclock_softc *sc, char *buf,
    size_t len)
{
	const struct ident *hv1 = sc->sc_hv1, *xen = sc->sc_xen;

	if (sc->sc_vmm)
		return "OpenBSD vmm has no KVM hypercalls";
	if (hv1 == sc->sc_id)
		hv1 = NULL;
	if (hv1 != NULL && (xen == NULL || hv1->id_base < xen->id_base)) {
		snprintf(buf, len, "a Hyper-V interface at 0x%08x: once a "
		    "guest OS id is set, KVM sends every VMCALL to its Hyper-V "
		    "handler", hv1->id_base);
		return buf;
	}
	if (xen != NULL) {
		snprintf(buf, len, "a Xen interface at 0x%08x: KVM sends "
		    "VMCALL to its Xen handler", xen->id_base);
		return buf;
	}
	return NULL;
}

/*
 * pvclock.hypercall=run (the default) or skip:REASON.  Some hosts run
 * KVM where a guest's VMCALL never comes back: nested under another
 * hypervisor, L1's KVM may take the L2 VMCALL as a #UD, "fix" the
 * instruction in guest memory and restart it, for ever (docs/kvm.md
 * "Nested KVM: a VMCALL that never returns").  Everything else KVM
 * offers works there, so whoever knows the host (the boot matrix's
 * probe, tests/boot/kvm-hypercall-probe.asm) says so on the command
 * line and this one step is a SKIP with that reason, instead of the
 * whole boot being skipped.  The check, for cmdline_parsed
 * (kernel/cmdline_keys.c): a reason of 1 to PVCLOCK_REASON_MAX bytes.
 */
int
pvclock_check_hypercall(const char *value, const struct cmdline *cl __unused,
    const struct bootinfo *bi __unused, char *err, size_t errlen)
{
	size_t n;

	if (strcmp(value, "run") == 0)
		return 0;
	if (strncmp(value, "skip:", 5) == 0 &&
	    (n = strlen(value + 5)) > 0 && n <= PVCLOCK_REASON_MAX)
		return 0;
	snprintf(err, errlen, "pvclock.hypercall=%pE: want run, or skip:REASON "
	    "with a reason of 1 to %d bytes", value, PVCLOCK_REASON_MAX);
	return EINVAL;
}

/* The reason the command line gives to skip the call, or NULL. */
static const char *
pvclock_hypercall_skipped(void)
{
	const char *v = cmdline_get(&cmdline, "pvclock.hypercall");

	if (v == NULL || strncmp(v, "skip:", 5) != 0)
		return NULL;
	return v + 5;
}

/* AMD and Hygon take VMMCALL; Intel (and the rest) VMCALL.  Leaf 0. */
static bool
pvclock_cpu_amd(const struct hvio *io, char vendor[13])
{
	struct cpuid_regs r;

	io->io_cpuid(0, 0, &r);
	memcpy(vendor, &r.ebx, 4);	/* EBX, EDX, ECX: leaf 0's order */
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = '\0';
	return strcmp(vendor, "AuthenticAMD") == 0 ||
	    strcmp(vendor, "HygonGenuine") == 0;
}

/*
 * One call: number nr, the arguments RBX RCX RDX RSI set to values the
 * call ignores, so that "nothing else is changed" can be checked too.
 */
static int
pvclock_call(struct pvclock_softc *sc, bool vmmcall, uint64_t nr,
    int64_t *ret)
{
	struct vm_regs r;

	memset(&r, 0, sizeof(r));
	r.vr_rax = nr;
	r.vr_rbx = 0xb0b0b0b0, r.vr_rcx = 0xc0c0c0c0;
	r.vr_rdx = 0xd0d0d0d0, r.vr_rsi = 0x51515151;
	if (sc->sc_io->io_hypercall(&r, vmmcall) != 0)
		return EFAULT;
	*ret = (int64_t)r.vr_rax;
	if (r.vr_rbx != 0xb0b0b0b0 || r.vr_rcx != 0xc0c0c0c0 ||
	    r.vr_rdx != 0xd0d0d0d0 || r.vr_rsi != 0x51515151)
		return EIO;
	return 0;
}

/*
 * VAPIC_POLL_IRQ (nr 1) must return 0, an unassigned number (0)
 * -KVM_ENOSYS (hypercalls.rst; kvm.md "Instruction and registers",
 * "Hypercall errors").
 */
int
pvclock_hypercall(void *arg)
{
	struct pvclock_softc *sc = arg;
	char buf[128], vendor[13];
	const char *why, *insn;
	bool vmmcall;
	int64_t ret = 0, ret0 = 0;
	int error;

	sc->sc_hypercall = "skipped";
	if ((why = pvclock_hypercall_skipped()) != NULL)
		return ktap_skip("%pE", why);	/* from the command line */
	if ((why = pvclock_hypercall_unsafe(sc, buf, sizeof(buf))) != NULL)
		return ktap_skip("%s", why);
	sc->sc_hypercall = "failed";
	vmmcall = pvclock_cpu_amd(sc->sc_io, vendor);
	insn = vmmcall ? "VMMCALL" : "VMCALL";
	error = pvclock_call(sc, vmmcall, KVM_HC_VAPIC_POLL_IRQ, &ret);
	if (error == EFAULT)
		return ktap_fail("%s faulted on a %s CPU: no hypervisor "
		    "took the call", insn, vendor);
	printf("%s: %s (%s): VAPIC_POLL_IRQ returned %ld (%s)", sc->sc_name,
	    insn, vendor, (long)ret, pvclock_kvm_errname(ret));
	if (error == 0 && ret == 0 &&
	    (error = pvclock_call(sc, vmmcall, 0, &ret0)) == 0)
		printf(", hypercall 0 returned %ld (%s)", (long)ret0,
		    pvclock_kvm_errname(ret0));
	printf("\n");
	if (error == EIO)
		return ktap_fail("%s changed RBX, RCX, RDX or RSI", insn);
	if (ret != 0)
		return ktap_fail("VAPIC_POLL_IRQ returned %ld (%s), not 0",
		    (long)ret, pvclock_kvm_errname(ret));
	if (error != 0)
		return ktap_fail("%s of hypercall 0 faulted", insn);
	if (ret0 != -KVM_ENOSYS)
		return ktap_fail("hypercall 0 returned %ld, not -KVM_ENOSYS",
		    (long)ret0);
	sc->sc_hypercall = "ok";
	return KTAP_PASS;
}
